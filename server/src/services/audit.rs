//! Reading the audit log, for administrators (entries are written through
//! [`super::audit_entry::record`]).

use std::collections::HashMap;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Select};
use shared::DomainError;
use shared::access::{Action, Target};
use shared::account::{AuditFilter, AuditRow};
use shared::clock::Zone;
use shared::contract::{Actor, AuditService, ServiceError};
use shared::dto::Page;
use shared::error::FieldErrors;
use shared::export::ExportRows;
use shared::geo::AreaScope;

use super::common::{Subject, authorize, entry, fetch_page, own_scope, paging, within_scope};
use super::db_failure;
use super::export::{self, Order};
use super::store::Store;
use crate::entities::{audit_log, users};

/// Rows per page of the audit page.
const AUDIT_PER_PAGE: u32 = 50;

/// [`AuditService`] on the portal database: reading the log, for administrators.
pub struct DbAuditService {
    db: Store,
    /// Rows an export reads at once.
    export_page_rows: u64,
}

/// Western Indonesian Time (UTC+7), the clock the log is shown in: it holds
/// entries of every zone, and the column says which clock it is.
fn wib(at: DateTime<Utc>) -> String {
    Zone::Wib.local(at).format("%Y-%m-%d %H:%M:%S").to_string()
}

/// Midnight WIB at the start of `day`, in UTC.
fn wib_midnight(day: NaiveDate) -> DateTime<Utc> {
    Zone::Wib.midnight(day)
}

impl DbAuditService {
    pub fn new(db: Store, export_page_rows: u64) -> Self {
        DbAuditService {
            db,
            export_page_rows,
        }
    }

    /// The filtered query, after checking the reader may read the log.
    async fn query(
        &self,
        actor: &Actor,
        filter: &AuditFilter,
    ) -> Result<Option<Select<audit_log::Entity>>, ServiceError> {
        let scope = own_scope(actor)?;
        authorize(
            &self.db,
            actor,
            Action::ViewAuditLog,
            &Target::area(scope.clone()),
            Subject::kind("audit_log"),
        )
        .await?;
        let mut errors = FieldErrors::new();
        let day = |field: &str, text: &str, errors: &mut FieldErrors| {
            let text = text.trim();
            if text.is_empty() {
                return None;
            }
            errors.check(
                field,
                NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| DomainError::DateInvalid {
                    field: field.to_string(),
                }),
            )
        };
        let from = day("from", &filter.from, &mut errors);
        let to = day("to", &filter.to, &mut errors);
        let area = if filter.area_code.trim().is_empty() {
            None
        } else {
            errors.check("area_code", AreaScope::from_stored(filter.area_code.trim()))
        };
        errors.finish()?;
        let mut query = within_scope(
            audit_log::Entity::find(),
            audit_log::Column::AreaCode,
            &scope,
        );
        if scope != AreaScope::National {
            query = query.filter(audit_log::Column::AreaCode.is_not_null());
        }
        if let Some(area) = area {
            query = within_scope(query, audit_log::Column::AreaCode, &area);
        }
        if let Some(from) = from {
            query = query.filter(audit_log::Column::At.gte(wib_midnight(from)));
        }
        if let Some(to) = to {
            let next = to.succ_opt().unwrap_or(to);
            query = query.filter(audit_log::Column::At.lt(wib_midnight(next)));
        }
        for (column, value) in [
            (audit_log::Column::Action, &filter.action),
            (audit_log::Column::Outcome, &filter.outcome),
        ] {
            if !value.trim().is_empty() {
                query = query.filter(column.eq(value.trim()));
            }
        }
        if !filter.username.trim().is_empty() {
            let user = users::Entity::find()
                .filter(users::Column::Username.eq(filter.username.trim().to_lowercase()))
                .one(&self.db)
                .await
                .map_err(db_failure)?;
            match user {
                Some(user) => query = query.filter(audit_log::Column::ActorUserId.eq(user.id)),
                None => return Ok(None),
            }
        }
        Ok(Some(query.order_by_desc(audit_log::Column::Id)))
    }

    async fn note_reading(
        &self,
        actor: &Actor,
        action: &str,
        filter: &AuditFilter,
        rows: u64,
    ) -> Result<(), ServiceError> {
        let mut read = entry(actor, action, Subject::kind("audit_log"), None);
        read.area_code = actor.area_code.clone();
        read.detail = Some(format!(
            "rows={rows}; from={}; to={}; user={}; action={}; outcome={}; area={}",
            filter.from,
            filter.to,
            filter.username,
            filter.action,
            filter.outcome,
            filter.area_code
        ));
        self.db.audit_ok(read).await
    }
}

/// The log's rows as the page and the export show them, with usernames.
async fn audit_rows(
    db: &Store,
    models: Vec<audit_log::Model>,
) -> Result<Vec<AuditRow>, ServiceError> {
    let ids: Vec<i64> = models.iter().filter_map(|row| row.actor_user_id).collect();
    let names: HashMap<i64, String> = if ids.is_empty() {
        HashMap::new()
    } else {
        users::Entity::find()
            .filter(users::Column::Id.is_in(ids))
            .all(db)
            .await
            .map_err(db_failure)?
            .into_iter()
            .map(|user| (user.id, user.username))
            .collect()
    };
    Ok(models
        .into_iter()
        .map(|row| AuditRow {
            id: row.id,
            at: wib(row.at),
            username: row.actor_user_id.and_then(|id| names.get(&id).cloned()),
            action: row.action,
            object_type: row.object_type,
            object_id: row.object_id,
            area_code: row.area_code,
            client_address: row.client_address,
            outcome: row.outcome,
            detail: row.detail,
        })
        .collect())
}

#[async_trait]
impl AuditService for DbAuditService {
    async fn page_access(&self, actor: &Actor, action: Action) -> Result<(), ServiceError> {
        let page = Subject::kind("page");
        authorize(
            &self.db,
            actor,
            action,
            &Target::area(own_scope(actor)?),
            page,
        )
        .await
    }

    async fn search(
        &self,
        actor: &Actor,
        filter: AuditFilter,
    ) -> Result<Page<AuditRow>, ServiceError> {
        let Some(query) = self.query(actor, &filter).await? else {
            let (page, per_page, _) = paging(filter.page, AUDIT_PER_PAGE);
            return Ok(Page {
                items: Vec::new(),
                total: 0,
                page,
                per_page,
            });
        };
        let Page {
            items: models,
            total,
            page,
            per_page,
        } = fetch_page(&self.db, query, filter.page, AUDIT_PER_PAGE).await?;
        let items = audit_rows(&self.db, models).await?;
        self.note_reading(actor, "view", &filter, items.len() as u64)
            .await?;
        Ok(Page {
            items,
            total,
            page,
            per_page,
        })
    }

    async fn export(
        &self,
        actor: &Actor,
        filter: AuditFilter,
    ) -> Result<ExportRows<AuditRow>, ServiceError> {
        let query = self.query(actor, &filter).await?;
        let area = match AreaScope::from_stored(filter.area_code.trim()) {
            Ok(scope) if !filter.area_code.trim().is_empty() => {
                export::area_name(&self.db, actor, &scope).await?
            }
            _ => actor.area_name.clone(),
        };
        let Some(query) = query else {
            self.note_reading(actor, "export", &filter, 0).await?;
            return Ok(ExportRows::empty(area));
        };
        let db = self.db.clone();
        // The log's order: newest first.
        let order = Order::<audit_log::Entity> {
            cursor: |query| query.cursor_by(audit_log::Column::Id),
            descending: true,
            key: |row| row.id.into(),
        };
        let opened = export::open(
            &self.db,
            query,
            audit_log::Column::Id,
            order,
            self.export_page_rows,
            export::rows_of(move |models| {
                let db = db.clone();
                async move { audit_rows(&db, models).await }
            }),
        )
        .await?;
        // Written after the count: this entry is not among the rows it counts.
        self.note_reading(actor, "export", &filter, opened.0)
            .await?;
        Ok(export::rows(area, opened))
    }
}
