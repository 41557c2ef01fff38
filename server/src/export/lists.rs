//! The downloads of the five lists (cases, households, proposals, the referral
//! inbox, the audit log): each list's columns, how one of its rows is written,
//! and the route that opens the export (authorised, area-scoped, masked and
//! audited by the service, as the list itself) and streams it as XLSX or CSV.

use std::future::Future;
use std::pin::Pin;

use axum::Extension;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::{MethodRouter, get};
use serde::de::DeserializeOwned;
use shared::account::{AuditFilter, AuditRow};
use shared::clock::Zone;
use shared::contract::{Actor, ServiceError, Services};
use shared::dto::{
    CaseListQuery, CaseSummary, HouseholdListQuery, HouseholdRow, ProposalListQuery, ProposalRow,
    ReferralInboxItem, ReferralListQuery,
};
use shared::export::ExportRows;

use super::csv::Separator;
use super::stream::{self, Download, FileKind};
use super::table::{Column, Kind, Table, Value};
use crate::downloads::error_response;
use crate::web::AppState;

/// An export being opened by its service.
type Opening<T> = Pin<Box<dyn Future<Output = Result<ExportRows<T>, ServiceError>> + Send>>;

/// One list's download: its table, how its service opens it for a query
/// string `Q` (the list page's own), and how one of its rows is written.
pub struct ListExport<T, Q> {
    pub table: Table,
    pub open: fn(Services, Actor, Q) -> Opening<T>,
    pub row: fn(&T, Zone) -> Vec<Value>,
}

/// The file's options in a download link (`?pemisah=koma`).
#[derive(Debug, Default, serde::Deserialize)]
struct FileQuery {
    /// [`app::paths::COMMA`] for `,`; `;` otherwise.
    #[serde(default)]
    pemisah: String,
}

impl<T: Send + 'static, Q: DeserializeOwned + Send + 'static> ListExport<T, Q> {
    /// The route of this list's download as XLSX (`xlsx`) or as CSV.
    pub fn route(&'static self, xlsx: bool) -> MethodRouter<AppState> {
        get(
            move |State(state): State<AppState>,
                  actor: Option<Extension<Actor>>,
                  Query(query): Query<Q>,
                  Query(file): Query<FileQuery>| async move {
                let Some(Extension(actor)) = actor else {
                    return error_response(&ServiceError::Unauthenticated);
                };
                let kind = if xlsx {
                    FileKind::Xlsx
                } else {
                    FileKind::Csv(Separator::from_query(&file.pemisah))
                };
                self.download(state.services, actor, query, kind).await
            },
        )
    }

    async fn download(
        &'static self,
        services: Services,
        actor: Actor,
        query: Q,
        kind: FileKind,
    ) -> Response {
        let turn = match stream::turn().await {
            Ok(turn) => turn,
            Err(error) => return error_response(&error),
        };
        let zone = actor.zone();
        match (self.open)(services, actor, query).await {
            Ok(rows) => stream::respond(
                Download {
                    table: &self.table,
                    rows,
                    zone,
                    to_row: self.row,
                },
                kind,
                turn,
            ),
            Err(error) => error_response(&error),
        }
    }
}

/// `ya` or `tidak`.
fn yes_no(yes: bool) -> Value {
    Value::text(if yes { "ya" } else { "tidak" })
}

/// The case list (`/kasus`).
pub static CASES: ListExport<CaseSummary, CaseListQuery> = ListExport {
    table: Table {
        title: "Daftar kasus",
        sheet: "Kasus",
        stem: "kasus",
        columns: &[
            Column::new("nomor", Kind::Code, 30.0),
            Column::new("dibuka", Kind::Date, 12.0),
            Column::new("kepala_keluarga", Kind::Text, 28.0),
            Column::new("desa", Kind::Code, 15.0),
            Column::new("status", Kind::Text, 22.0),
            Column::new("tingkat", Kind::Text, 14.0),
            Column::new("jenis", Kind::Text, 22.0),
            Column::new("sektor", Kind::Text, 18.0),
            Column::new("urgensi", Kind::Text, 12.0),
            Column::new("batas_waktu", Kind::Date, 12.0),
            Column::new("terlambat", Kind::Text, 10.0),
        ],
    },
    open: |services, actor, query| {
        Box::pin(async move { services.cases.export(&actor, query.filter()).await })
    },
    row: |case, _| {
        vec![
            Value::text(&case.number),
            Value::Date(case.opened_on),
            Value::text(&case.head_name),
            Value::text(case.village.as_str()),
            Value::text(case.status.state.label_id()),
            Value::text(case.status.level.label_id()),
            Value::text(case.complaint_type.label_id()),
            Value::text(case.sector.label_id()),
            Value::text(case.urgency.label_id()),
            Value::Date(case.deadline.due),
            yes_no(case.overdue),
        ]
    },
};

/// The household list (`/keluarga`): No KK masked, as the list shows it.
pub static HOUSEHOLDS: ListExport<HouseholdRow, HouseholdListQuery> = ListExport {
    table: Table {
        title: "Daftar keluarga",
        sheet: "Keluarga",
        stem: "keluarga",
        columns: &[
            Column::new("no_kk", Kind::Code, 19.0),
            Column::new("kepala_keluarga", Kind::Text, 28.0),
            Column::new("kode_desa", Kind::Code, 15.0),
            Column::new("desa", Kind::Text, 22.0),
            Column::new("desil", Kind::Number, 7.0),
            Column::new("anggota", Kind::Number, 9.0),
        ],
    },
    open: |services, actor, query| {
        Box::pin(async move { services.households.export(&actor, query.filter()).await })
    },
    row: |household, _| {
        vec![
            Value::text(&household.no_kk_masked),
            Value::text(&household.head_name),
            Value::text(household.village.as_str()),
            Value::text(&household.village_name),
            household
                .desil
                .map_or(Value::Empty, |desil| Value::Number(i64::from(desil.get()))),
            Value::Number(i64::from(household.member_count)),
        ]
    },
};

/// The proposals list (`/usulan`): No KK masked; when each last moved, in the user's time.
pub static PROPOSALS: ListExport<ProposalRow, ProposalListQuery> = ListExport {
    table: Table {
        title: "Daftar usulan",
        sheet: "Usulan",
        stem: "usulan",
        columns: &[
            Column::new("nomor_usulan", Kind::Number, 13.0),
            Column::new("kepala_keluarga", Kind::Text, 28.0),
            Column::new("no_kk", Kind::Code, 19.0),
            Column::new("kode_desa", Kind::Code, 15.0),
            Column::new("jenis", Kind::Text, 18.0),
            Column::new("perubahan", Kind::Text, 24.0),
            Column::new("asal", Kind::Text, 18.0),
            Column::new("tahap", Kind::Text, 26.0),
            Column::new("terakhir_bergerak", Kind::DateTime, 19.0),
        ],
    },
    open: |services, actor, query| {
        Box::pin(async move {
            let filter = query.filter(actor.role);
            services.proposals.export(&actor, filter).await
        })
    },
    row: |proposal, zone| {
        vec![
            Value::Number(proposal.id),
            Value::text(&proposal.head_name),
            Value::text(&proposal.no_kk_masked),
            Value::text(proposal.village.as_str()),
            Value::text(proposal.kind.label_id()),
            Value::optional(proposal.change_type.map(|change| change.label_id())),
            Value::text(proposal.source.label_id()),
            Value::text(proposal.stage.label_id()),
            Value::DateTime(zone.local(proposal.updated_at)),
        ]
    },
};

/// The referral inbox (`/rujukan`): an institution's referrals, or those of
/// staff's area.
pub static REFERRALS: ListExport<ReferralInboxItem, ReferralListQuery> = ListExport {
    table: Table {
        title: "Daftar rujukan",
        sheet: "Rujukan",
        stem: "rujukan",
        columns: &[
            Column::new("nomor", Kind::Code, 28.0),
            Column::new("diterbitkan", Kind::Date, 12.0),
            Column::new("batas_waktu", Kind::Date, 12.0),
            Column::new("status", Kind::Text, 16.0),
            Column::new("terlambat", Kind::Text, 10.0),
            Column::new("nomor_kasus", Kind::Code, 30.0),
            Column::new("warga", Kind::Text, 26.0),
            Column::new("untuk_anggota", Kind::Text, 22.0),
            Column::new("desa", Kind::Text, 20.0),
            Column::new("program", Kind::Text, 22.0),
            Column::new("layanan", Kind::Text, 26.0),
            Column::new("lembaga", Kind::Text, 28.0),
            Column::new("kebutuhan", Kind::Text, 40.0),
            Column::new("hasil", Kind::Text, 30.0),
        ],
    },
    open: |services, actor, query| {
        Box::pin(async move { services.referrals.export(&actor, query.filter()).await })
    },
    row: |item, _| {
        let referral = &item.referral;
        vec![
            Value::text(referral.number.as_str()),
            Value::Date(referral.deadline.received_on),
            Value::Date(referral.deadline.due),
            Value::text(referral.state.label_id()),
            yes_no(item.overdue),
            Value::text(&item.case_number),
            Value::text(&item.resident_name),
            Value::optional(item.member_name.clone()),
            Value::text(&item.village_name),
            Value::text(referral.programme.label_id()),
            Value::text(&referral.service_name),
            Value::text(&referral.institution_name),
            Value::text(&item.need),
            Value::optional(referral.outcome_note.clone()),
        ]
    },
};

/// The audit log (`/admin/audit`), in WIB as the page shows it.
pub static AUDIT: ListExport<AuditRow, AuditFilter> = ListExport {
    table: Table {
        title: "Log audit",
        sheet: "Audit",
        stem: "audit",
        columns: &[
            Column::new("id", Kind::Number, 10.0),
            Column::new("waktu_wib", Kind::DateTime, 19.0),
            Column::new("pengguna", Kind::Text, 18.0),
            Column::new("aksi", Kind::Text, 22.0),
            Column::new("jenis_objek", Kind::Text, 16.0),
            Column::new("id_objek", Kind::Code, 12.0),
            Column::new("kode_wilayah", Kind::Code, 15.0),
            Column::new("alamat_klien", Kind::Code, 16.0),
            Column::new("hasil", Kind::Text, 9.0),
            Column::new("rincian", Kind::Text, 60.0),
        ],
    },
    open: |services, actor, filter| {
        Box::pin(async move { services.audit.export(&actor, filter).await })
    },
    row: |row, _| {
        // The service gives the time in WIB as `yyyy-mm-dd hh:mm:ss`.
        let at = chrono::NaiveDateTime::parse_from_str(&row.at, "%Y-%m-%d %H:%M:%S")
            .map_or_else(|_| Value::text(&row.at), Value::DateTime);
        vec![
            Value::Number(row.id),
            at,
            Value::optional(row.username.clone()),
            Value::text(&row.action),
            Value::text(&row.object_type),
            Value::optional(row.object_id.clone()),
            Value::optional(row.area_code.clone()),
            Value::optional(row.client_address.clone()),
            Value::text(&row.outcome),
            Value::optional(row.detail.clone()),
        ]
    },
};
