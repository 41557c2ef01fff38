//! The lists' downloads over HTTP on SQLite and PostgreSQL: workbooks read back
//! with calamine (title row, header, codes as text, real dates, a formula-like
//! name that never runs), CSV with `;` and `,` read back with the csv crate,
//! another area's rows left out, each export audited once with its row count,
//! and lists longer than many pages leaving whole (small pages, so that a few
//! rows make many).

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use calamine::{Data, Reader, Xlsx};
use chrono::{NaiveDate, Utc};
use common::people::{complaint, household_request};
use common::{TestResult, actor, audit_rows, database_with_areas};
use http_body_util::BodyExt;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use server::entities::households;
use server::services::{self, ServiceConfig};
use shared::case::CaseAction;
use shared::complaint::{Channel, ComplaintType};
use shared::contract::{Actor, Services};
use shared::dto::{CaseFilter, CaseTransitionRequest, HouseholdFilter, IssueReferral, OpenCase};
use shared::roles::Role;
use tower::ServiceExt;

const VILLAGE: &str = "32.09.01.2008";
const OTHER_VILLAGE: &str = "32.09.01.2009";
/// A name as a spreadsheet would run it, as an import could have stored it.
const FORMULA: &str = "=HYPERLINK(\"http://contoh.invalid/?\"&A1,\"Klik\")";

struct Site {
    db: DatabaseConnection,
    services: Services,
    router: axum::Router,
}

/// A site whose exports read `page_rows` rows at a time.
async fn site(page_rows: u64) -> Result<Site, Box<dyn std::error::Error>> {
    let db = database_with_areas().await?;
    let services = services::build(
        db.clone(),
        ServiceConfig {
            export_page_rows: page_rows,
            ..common::config()
        },
    );
    let router = common::site_router(&db, services.clone());
    Ok(Site {
        db,
        services,
        router,
    })
}

/// A downloaded file.
struct File {
    status: StatusCode,
    content_type: String,
    disposition: String,
    bytes: Vec<u8>,
}

impl File {
    fn workbook(&self) -> Result<Xlsx<std::io::Cursor<Vec<u8>>>, Box<dyn std::error::Error>> {
        Ok(Xlsx::new(std::io::Cursor::new(self.bytes.clone()))?)
    }

    /// The records of a CSV file (the header first), after its byte-order mark.
    fn records(&self, separator: u8) -> Result<Vec<Vec<String>>, Box<dyn std::error::Error>> {
        let text = self
            .bytes
            .strip_prefix("\u{feff}".as_bytes())
            .ok_or("no byte-order mark")?;
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(separator)
            .has_headers(false)
            .from_reader(text);
        let mut records = Vec::new();
        for record in reader.records() {
            records.push(record?.iter().map(str::to_string).collect());
        }
        Ok(records)
    }
}

impl Site {
    /// `path` downloaded by `username` (signed in through the sign-in form).
    async fn download(
        &self,
        username: &str,
        path: &str,
    ) -> Result<File, Box<dyn std::error::Error>> {
        let cookie = common::sign_in(&self.router, username).await?;
        let response = self
            .router
            .clone()
            .oneshot(
                Request::get(path)
                    .header(header::COOKIE, cookie)
                    .body(Body::empty())?,
            )
            .await?;
        let status = response.status();
        let text = |name| {
            response
                .headers()
                .get(name)
                .and_then(|value| value.to_str().ok())
                .unwrap_or_default()
                .to_string()
        };
        let (content_type, disposition) = (
            text(header::CONTENT_TYPE),
            text(header::CONTENT_DISPOSITION),
        );
        let bytes = response.into_body().collect().await?.to_bytes().to_vec();
        Ok(File {
            status,
            content_type,
            disposition,
            bytes,
        })
    }

    /// Registers a family with KK serial `serial` in `village` and opens a case for it.
    async fn family_with_case(
        &self,
        desk: &Actor,
        village: &str,
        serial: u16,
    ) -> Result<(i64, i64), Box<dyn std::error::Error>> {
        let household = self
            .services
            .households
            .register(
                desk,
                household_request(village, serial, &format!("hh-{serial}"))?,
            )
            .await?;
        let case = self
            .services
            .cases
            .open(
                desk,
                OpenCase {
                    idempotency_key: format!("case-{serial}"),
                    household_id: household.id,
                    channel: Channel::WalkInPuskesos,
                    complaints: vec![complaint(ComplaintType::ServiceRequest)],
                },
            )
            .await?;
        Ok((household.id, case.id))
    }

    /// Gives a household's head a name as a spreadsheet formula (as an import could).
    async fn formula_named(&self, household_id: i64) -> Result<(), sea_orm::DbErr> {
        households::Entity::update_many()
            .col_expr(households::Column::HeadName, Expr::value(FORMULA))
            .filter(households::Column::Id.eq(household_id))
            .exec(&self.db)
            .await?;
        Ok(())
    }
}

/// The file's title for `actor`'s list today.
fn title(list: &str, actor: &Actor) -> String {
    format!(
        "{list} — {} — {}",
        actor.area_name,
        actor.today().format("%d/%m/%Y")
    )
}

/// Excel's number of `day` (days since 30/12/1899).
fn excel_day(day: NaiveDate) -> f64 {
    let origin = NaiveDate::from_ymd_opt(1899, 12, 30).unwrap_or_default();
    (day - origin).num_days() as f64
}

/// The text of column `col` in every row of the list (under the title and the header).
fn column(range: &calamine::Range<Data>, col: u32) -> Vec<String> {
    (2..range.height() as u32)
        .map(|row| {
            range
                .get_value((row, col))
                .map(|value| value.to_string())
                .unwrap_or_default()
        })
        .collect()
}

/// The `rows=` the audit entries of the exports of `object_type` hold, smallest first.
async fn exported_rows(
    db: &DatabaseConnection,
    action: &str,
    object_type: &str,
) -> Result<Vec<u64>, Box<dyn std::error::Error>> {
    let mut counts = Vec::new();
    for row in audit_rows(db, action, "ok").await? {
        if row.object_type != object_type {
            continue;
        }
        let detail = row.detail.unwrap_or_default();
        let rows = detail
            .split(';')
            .find_map(|part| part.trim().strip_prefix("rows="))
            .ok_or_else(|| format!("no row count in {detail:?}"))?;
        counts.push(rows.parse()?);
    }
    counts.sort_unstable();
    Ok(counts)
}

/// A front desk of the village and one of another village.
async fn two_desks(site: &Site) -> Result<(Actor, Actor), Box<dyn std::error::Error>> {
    let fo = actor(
        &site.db,
        &site.services,
        "fo.waled",
        Role::FrontOffice,
        Some(VILLAGE),
    )
    .await?;
    let elsewhere = actor(
        &site.db,
        &site.services,
        "fo.kota",
        Role::FrontOffice,
        Some(OTHER_VILLAGE),
    )
    .await?;
    Ok((fo, elsewhere))
}

#[tokio::test]
async fn the_case_list_as_a_workbook_has_its_title_header_codes_real_dates_and_no_formula()
-> TestResult {
    let site = site(2).await?;
    let (fo, elsewhere) = two_desks(&site).await?;
    let mut households = Vec::new();
    for serial in 1..=3 {
        households.push(site.family_with_case(&fo, VILLAGE, serial).await?.0);
    }
    site.family_with_case(&elsewhere, OTHER_VILLAGE, 9).await?;
    site.formula_named(households[1]).await?;

    let file = site.download("fo.waled", app::paths::CASES_XLSX).await?;
    assert_eq!(file.status, StatusCode::OK);
    assert_eq!(
        file.content_type,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let day = fo.today();
    assert_eq!(
        file.disposition,
        format!(
            "attachment; filename=\"kasus-{}.xlsx\"",
            day.format("%Y%m%d")
        )
    );
    let mut book = file.workbook()?;
    assert_eq!(book.sheet_names(), vec!["Kasus".to_string()]);
    let range = book.worksheet_range("Kasus")?;
    assert_eq!(
        range.get_value((0, 0)),
        Some(&Data::String(title("Daftar kasus", &fo)))
    );
    let header: Vec<String> = (0..11)
        .map(|col| {
            range
                .get_value((1, col))
                .map(|v| v.to_string())
                .unwrap_or_default()
        })
        .collect();
    assert_eq!(
        header,
        [
            "nomor",
            "dibuka",
            "kepala_keluarga",
            "desa",
            "status",
            "tingkat",
            "jenis",
            "sektor",
            "urgensi",
            "batas_waktu",
            "terlambat"
        ]
    );
    // The area's three cases, the other village's left out.
    let numbers = column(&range, 0);
    assert_eq!(numbers.len(), 3, "{numbers:?}");
    assert!(
        numbers.iter().all(|n| n.contains("3209012008")),
        "{numbers:?}"
    );
    // The village code is a text cell, as typed.
    assert_eq!(
        range.get_value((2, 3)),
        Some(&Data::String(VILLAGE.to_string()))
    );
    // The day it was opened is a date (shown dd/mm/yyyy), not text: the day
    // stored (its complaints' day of receipt, which the test's complaints
    // take from UTC, so it is not the desk's today late in a UTC evening).
    let opened_days: Vec<NaiveDate> = server::entities::cases::Entity::find()
        .filter(server::entities::cases::Column::HouseholdId.is_in(households.clone()))
        .all(&site.db)
        .await?
        .into_iter()
        .map(|case| case.opened_on)
        .collect();
    assert_eq!(opened_days.len(), 3);
    match range.get_value((2, 1)) {
        Some(Data::DateTime(opened)) => assert!(
            opened_days
                .iter()
                .all(|opened_on| excel_day(*opened_on) == opened.as_f64()),
            "{opened_days:?} vs {}",
            opened.as_f64()
        ),
        other => panic!("the opening day is not a date: {other:?}"),
    }
    assert!(matches!(range.get_value((2, 9)), Some(Data::DateTime(_))));
    // The formula-like name is there as a string, and nothing in the sheet runs.
    assert!(
        column(&range, 2).contains(&FORMULA.to_string()),
        "{:?}",
        column(&range, 2)
    );
    let formulas = book.worksheet_formula("Kasus")?;
    assert!(
        formulas
            .used_cells()
            .all(|(_, _, formula)| formula.is_empty()),
        "no cell holds a formula"
    );
    // Audited once, with its row count.
    assert_eq!(exported_rows(&site.db, "export", "case").await?, vec![3]);
    Ok(())
}

#[tokio::test]
async fn the_household_list_as_a_workbook_and_as_csv_with_either_separator() -> TestResult {
    let site = site(2).await?;
    let (fo, elsewhere) = two_desks(&site).await?;
    let mut ids = Vec::new();
    for serial in 1..=3 {
        let household = site
            .services
            .households
            .register(
                &fo,
                household_request(VILLAGE, serial, &format!("hh-{serial}"))?,
            )
            .await?;
        ids.push(household.id);
    }
    site.services
        .households
        .register(&elsewhere, household_request(OTHER_VILLAGE, 9, "hh-9")?)
        .await?;
    site.formula_named(ids[2]).await?;

    // The workbook: the No KK as the list shows it (masked), a text cell with its zeros.
    let file = site
        .download("fo.waled", app::paths::HOUSEHOLDS_XLSX)
        .await?;
    assert_eq!(file.status, StatusCode::OK);
    let mut book = file.workbook()?;
    let range = book.worksheet_range("Keluarga")?;
    assert_eq!(
        range.get_value((0, 0)),
        Some(&Data::String(title("Daftar keluarga", &fo)))
    );
    assert_eq!(range.get_value((1, 0)), Some(&Data::String("no_kk".into())));
    let no_kk = column(&range, 0);
    assert_eq!(no_kk.len(), 3, "the other village's family is left out");
    assert!(matches!(range.get_value((2, 0)), Some(Data::String(_))));
    assert!(
        no_kk.contains(&"************0001".to_string()),
        "leading zeros kept: {no_kk:?}"
    );
    assert!(no_kk.iter().all(|kk| !kk.contains("3209")), "never whole");
    assert!(column(&range, 2).iter().all(|code| code == VILLAGE));
    assert_eq!(range.get_value((2, 5)), Some(&Data::Float(2.0)), "members");
    assert!(column(&range, 1).contains(&FORMULA.to_string()));
    assert!(
        book.worksheet_formula("Keluarga")?
            .used_cells()
            .all(|(_, _, formula)| formula.is_empty())
    );

    // CSV with `;` by default, read back as such.
    let semicolon = site
        .download("fo.waled", app::paths::HOUSEHOLDS_CSV)
        .await?;
    assert_eq!(semicolon.content_type, "text/csv; charset=utf-8");
    assert!(
        semicolon.disposition.ends_with(".csv\""),
        "{}",
        semicolon.disposition
    );
    let records = semicolon.records(b';')?;
    assert_eq!(
        records[0],
        [
            "no_kk",
            "kepala_keluarga",
            "kode_desa",
            "desa",
            "desil",
            "anggota"
        ]
    );
    assert_eq!(records.len(), 4, "header and three families: {records:?}");
    assert!(records.iter().skip(1).any(|r| r[0] == "************0001"));
    assert!(
        records
            .iter()
            .skip(1)
            .all(|r| r[2] == VILLAGE && r[5] == "2")
    );
    // The formula is quoted, so that it is read as text.
    assert!(
        records.iter().any(|r| r[1] == format!("'{FORMULA}")),
        "{records:?}"
    );

    // CSV with `,` when the link asks for it: the same records.
    let comma = site
        .download(
            "fo.waled",
            &format!("{}?pemisah=koma", app::paths::HOUSEHOLDS_CSV),
        )
        .await?;
    assert_eq!(comma.records(b',')?, records);
    assert!(!String::from_utf8_lossy(&comma.bytes).contains(';'));

    // The list's filter narrows the export as it narrows the list.
    let none = site
        .download(
            "fo.waled",
            &format!("{}?registri=ya", app::paths::HOUSEHOLDS_CSV),
        )
        .await?;
    assert_eq!(none.records(b';')?.len(), 1, "the header only");

    assert_eq!(
        exported_rows(&site.db, "export", "household").await?,
        vec![0, 3, 3, 3]
    );
    Ok(())
}

#[tokio::test]
async fn a_list_of_many_pages_leaves_whole_in_its_order() -> TestResult {
    // Two rows a page: seven families make four pages; every head has the
    // same name and every case the same deadline, so ties straddle the pages.
    let site = site(2).await?;
    let fo = actor(
        &site.db,
        &site.services,
        "fo.waled",
        Role::FrontOffice,
        Some(VILLAGE),
    )
    .await?;
    let coordinator = actor(
        &site.db,
        &site.services,
        "koordinator",
        Role::PuskesosCoordinator,
        Some(VILLAGE),
    )
    .await?;
    common::account(&site.db, "admin.cirebon", Role::Admin, Some("32.09")).await?;
    for serial in 1..=7 {
        site.family_with_case(&fo, VILLAGE, serial).await?;
    }
    let listed = site
        .services
        .households
        .list(
            &fo,
            HouseholdFilter {
                page: 1,
                per_page: 100,
                ..HouseholdFilter::default()
            },
        )
        .await?;
    assert_eq!(listed.total, 7);

    let households = site
        .download("fo.waled", app::paths::HOUSEHOLDS_CSV)
        .await?
        .records(b';')?;
    let exported: Vec<&str> = households.iter().skip(1).map(|r| r[0].as_str()).collect();
    let shown: Vec<&str> = listed
        .items
        .iter()
        .map(|h| h.no_kk_masked.as_str())
        .collect();
    assert_eq!(exported, shown, "every family once, in the list's order");

    for (order, sort) in [
        ("", shared::dto::CaseSort::DueFirst),
        ("baru", shared::dto::CaseSort::NewestFirst),
        ("lama", shared::dto::CaseSort::OldestFirst),
    ] {
        let cases = site
            .services
            .cases
            .list(
                &fo,
                CaseFilter {
                    sort,
                    page: 1,
                    per_page: 100,
                    ..CaseFilter::default()
                },
            )
            .await?;
        let shown: Vec<String> = cases.items.iter().map(|c| c.number.clone()).collect();
        assert_eq!(shown.len(), 7);
        let csv = site
            .download(
                "fo.waled",
                &format!("{}?urut={order}", app::paths::CASES_CSV),
            )
            .await?
            .records(b';')?;
        let exported: Vec<String> = csv.iter().skip(1).map(|r| r[0].clone()).collect();
        assert_eq!(exported, shown, "CSV, order {order:?}");
        let mut book = site
            .download(
                "fo.waled",
                &format!("{}?urut={order}", app::paths::CASES_XLSX),
            )
            .await?
            .workbook()?;
        let range = book.worksheet_range("Kasus")?;
        assert_eq!(column(&range, 0), shown, "workbook, order {order:?}");
    }

    // Proposals, newest first (by when they were made, the id breaking ties).
    let mut started = Vec::new();
    for (index, household) in listed.items.iter().take(5).enumerate() {
        started.push(
            site.services
                .proposals
                .start(
                    &coordinator,
                    shared::dto::StartProposal {
                        idempotency_key: format!("usul-{index}"),
                        household_id: household.id,
                        change: shared::proposal_change::ProposalChange::NewFamily,
                        source: shared::proposal::ProposalSource::Visit,
                        note: "Keluarga belum terdaftar".into(),
                    },
                )
                .await?
                .id,
        );
    }
    started.reverse();
    let proposals = site
        .download(
            "koordinator",
            &format!("{}?tahap=semua", app::paths::PROPOSALS_CSV),
        )
        .await?
        .records(b';')?;
    let exported: Vec<i64> = proposals
        .iter()
        .skip(1)
        .map(|r| r[0].parse())
        .collect::<Result<_, _>>()?;
    assert_eq!(exported, started, "every proposal once, newest first");
    let mut book = site
        .download(
            "koordinator",
            &format!("{}?tahap=semua", app::paths::PROPOSALS_XLSX),
        )
        .await?
        .workbook()?;
    let range = book.worksheet_range("Usulan")?;
    assert_eq!(column(&range, 0).len(), 5);
    assert!(matches!(range.get_value((2, 8)), Some(Data::DateTime(_))));

    // The audit log: by now far more entries than a page; every one once,
    // newest first, as many as its own audit entry counted.
    let audit = site
        .download("admin.cirebon", app::paths::AUDIT_CSV)
        .await?
        .records(b';')?;
    let ids: Vec<i64> = audit
        .iter()
        .skip(1)
        .map(|r| r[0].parse())
        .collect::<Result<_, _>>()?;
    assert!(ids.len() > 20, "{} entries", ids.len());
    assert!(
        ids.windows(2).all(|pair| pair[0] > pair[1]),
        "newest first, once each"
    );
    let counted = exported_rows(&site.db, "export", "audit_log").await?;
    assert_eq!(counted, vec![ids.len() as u64]);
    // Its time is WIB, as the page shows it (dd/mm/yyyy hh:mm:ss).
    assert!(
        audit[1][1].len() == 19 && audit[1][1].as_bytes()[2] == b'/',
        "{}",
        audit[1][1]
    );
    Ok(())
}

#[tokio::test]
async fn the_referral_inbox_downloads_what_the_institution_receives() -> TestResult {
    let site = site(2).await?;
    let fo = actor(
        &site.db,
        &site.services,
        "fo.waled",
        Role::FrontOffice,
        Some(VILLAGE),
    )
    .await?;
    let bo = actor(
        &site.db,
        &site.services,
        "bo.waled",
        Role::BackOffice,
        Some(VILLAGE),
    )
    .await?;
    let coordinator = actor(
        &site.db,
        &site.services,
        "koordinator",
        Role::PuskesosCoordinator,
        Some(VILLAGE),
    )
    .await?;
    let hospital_id = common::institution(&site.db, "RSUD Waled").await?;
    let other_id = common::institution(&site.db, "RSUD Arjawinangun").await?;
    let programme_id = common::programme(&site.db, hospital_id).await?;
    let hospital =
        common::institution_user(&site.db, &site.services, "rsud.waled", hospital_id).await?;
    common::institution_user(&site.db, &site.services, "rsud.lain", other_id).await?;
    let (_, case_id) = site.family_with_case(&fo, VILLAGE, 1).await?;
    for (who, action) in [
        (&fo, CaseAction::CheckRegistry),
        (&bo, CaseAction::IdentifyNeeds),
        (&coordinator, CaseAction::DecideService),
    ] {
        let version = site
            .services
            .cases
            .detail(who, case_id)
            .await?
            .summary
            .version;
        site.services
            .cases
            .transition(
                who,
                CaseTransitionRequest {
                    case_id,
                    version,
                    action,
                    note: String::new(),
                },
            )
            .await?;
    }
    let mut numbers = Vec::new();
    for key in ["r1", "r2", "r3"] {
        let issued = site
            .services
            .referrals
            .issue(
                &coordinator,
                IssueReferral {
                    idempotency_key: key.into(),
                    case_id,
                    complaint_id: None,
                    member_id: None,
                    programme_id,
                    institution_id: hospital_id,
                    consent: Some(shared::referral::ConsentGiven {
                        given_by: "Darto Wiryono".into(),
                        given_on: Utc::now().date_naive(),
                        institution_id: hospital_id,
                        programme_id,
                        resident_informed: true,
                    }),
                },
            )
            .await?;
        numbers.push(issued.number.as_str().to_string());
    }
    numbers.reverse();

    let mut book = site
        .download("rsud.waled", app::paths::REFERRALS_XLSX)
        .await?
        .workbook()?;
    let range = book.worksheet_range("Rujukan")?;
    assert_eq!(
        range.get_value((0, 0)),
        Some(&Data::String(title("Daftar rujukan", &hospital))),
        "the institution's name in the title"
    );
    assert_eq!(column(&range, 0), numbers, "newest first, as the inbox");
    match range.get_value((2, 1)) {
        Some(Data::DateTime(issued)) => {
            assert_eq!(issued.as_f64(), excel_day(fo.today()));
        }
        other => panic!("the issue day is not a date: {other:?}"),
    }
    assert!(column(&range, 6).iter().all(|name| name == "Darto Wiryono"));
    assert!(
        column(&range, 12)
            .iter()
            .all(|need| need.starts_with("Membutuhkan"))
    );

    let records = site
        .download(
            "rsud.waled",
            &format!("{}?pemisah=koma&urut=lama", app::paths::REFERRALS_CSV),
        )
        .await?
        .records(b',')?;
    let oldest_first: Vec<String> = numbers.iter().rev().cloned().collect();
    let exported: Vec<String> = records.iter().skip(1).map(|r| r[0].clone()).collect();
    assert_eq!(exported, oldest_first);
    // Another institution receives none of them.
    let other = site
        .download("rsud.lain", app::paths::REFERRALS_CSV)
        .await?
        .records(b';')?;
    assert_eq!(other.len(), 1, "the header only: {other:?}");

    assert_eq!(
        exported_rows(&site.db, "export", "referral").await?,
        vec![0, 3, 3]
    );
    Ok(())
}

#[tokio::test]
async fn a_download_to_a_browser_that_accepts_gzip_ends_cleanly() -> TestResult {
    let site = site(2).await?;
    let (fo, _) = two_desks(&site).await?;
    for serial in 1..=3 {
        site.family_with_case(&fo, VILLAGE, serial).await?;
    }
    let cookie = common::sign_in(&site.router, "fo.waled").await?;
    for path in [app::paths::CASES_CSV, app::paths::CASES_XLSX] {
        let response = site
            .router
            .clone()
            .oneshot(
                Request::get(path)
                    .header(header::COOKIE, cookie.clone())
                    .header(header::ACCEPT_ENCODING, "gzip")
                    .body(Body::empty())?,
            )
            .await?;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        // The whole body arrives: the compression layer polls the stream
        // again after its end, which must not break it.
        let bytes = response.into_body().collect().await?.to_bytes();
        assert!(bytes.len() > 2, "{path}");
    }
    Ok(())
}
