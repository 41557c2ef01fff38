//! Pieces every record service uses: the actor as the access rule sees it,
//! authorization with audit of refusals, today's date at an area, optimistic
//! concurrency, idempotency keys and field diffs for the audit log.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter,
    QuerySelect, Select, Set,
};
use shared::access::{self, Action, Target};
use shared::clock::Zone;
use shared::contract::{Actor, ServiceError};
use shared::dto::Page;
use shared::geo::{AreaCode, AreaScope};
use shared::programme::InstitutionId;
use shared::workflow::{ActorRef, StateChange, Workflow, record_transition};

use super::audit_entry::{Entry, Outcome};
use super::db_failure;
use super::store::Store;
use crate::entities::idempotency_keys;

/// The area the actor is assigned to. A damaged stored area fails closed.
pub fn own_scope(actor: &Actor) -> Result<AreaScope, ServiceError> {
    AreaScope::from_stored(actor.area_code.as_deref().unwrap_or("")).map_err(|error| {
        tracing::error!(user = actor.user_id, error = %error.message_en(), "assignment has a damaged area code");
        ServiceError::Internal
    })
}

/// The access rule's view of a signed-in actor.
pub fn access_actor(actor: &Actor) -> Result<access::Actor, ServiceError> {
    let area = own_scope(actor)?;
    Ok(access::Actor {
        role: actor.role,
        area,
        institution: actor.institution_id.map(InstitutionId::from),
    })
}

/// Who acted, for timelines.
pub fn actor_ref(actor: &Actor) -> ActorRef {
    ActorRef {
        username: actor.username.clone(),
        role: actor.role,
    }
}

/// Parses an area code read from the database; a bad stored code is a server fault.
pub fn stored_area(code: &str) -> Result<AreaCode, ServiceError> {
    AreaCode::parse(code).map_err(|error| {
        tracing::error!(code, error = %error.message_en(), "invalid area code in the database");
        ServiceError::Internal
    })
}

/// What an audit entry is about.
#[derive(Debug, Clone, Copy)]
pub struct Subject<'a> {
    pub object_type: &'a str,
    pub object_id: Option<i64>,
}

impl<'a> Subject<'a> {
    pub fn new(object_type: &'a str, object_id: i64) -> Self {
        Subject {
            object_type,
            object_id: Some(object_id),
        }
    }

    pub fn kind(object_type: &'a str) -> Self {
        Subject {
            object_type,
            object_id: None,
        }
    }
}

/// An audit entry of `actor` doing `action` on `subject` in `area`.
pub fn entry<'a>(
    actor: &Actor,
    action: &'a str,
    subject: Subject<'a>,
    area: Option<&AreaCode>,
) -> Entry<'a> {
    Entry {
        actor_user_id: Some(actor.user_id),
        action,
        object_type: subject.object_type,
        object_id: subject.object_id.map(|id| id.to_string()),
        area_code: area.map(|code| code.as_str().to_string()),
        client_address: None,
        detail: None,
    }
}

/// Checks the access rule; a refusal is written to the audit log and returned as `Forbidden`.
pub async fn authorize(
    db: &Store,
    actor: &Actor,
    action: Action,
    target: &Target,
    subject: Subject<'_>,
) -> Result<(), ServiceError> {
    match access::authorize(&access_actor(actor)?, action, target) {
        Ok(()) => Ok(()),
        Err(error) => {
            let area = match &target.area {
                AreaScope::Area(code) => Some(code.clone()),
                AreaScope::National => None,
            };
            let mut refused = entry(actor, action.code(), subject, area.as_ref());
            refused.detail = Some(error.message_en());
            if let Err(audit_error) = db.audit(refused, Outcome::Refused).await {
                tracing::error!(%audit_error, "could not audit a refusal");
            }
            tracing::info!(
                user = actor.user_id,
                action = action.code(),
                "access refused"
            );
            Err(ServiceError::Forbidden)
        }
    }
}

/// Turns a refused state-machine step into the caller's error; a step the
/// actor's role may not take is written to the audit log as refused.
pub async fn refuse_step(
    db: &Store,
    actor: &Actor,
    action: &str,
    subject: Subject<'_>,
    area: Option<&AreaCode>,
    error: shared::DomainError,
) -> ServiceError {
    if error.is_access_denied() {
        let mut refused = entry(actor, action, subject, area);
        refused.detail = Some(error.message_en());
        if let Err(audit_error) = db.audit(refused, Outcome::Refused).await {
            tracing::error!(%audit_error, "could not audit a refusal");
        }
    }
    error.into()
}

/// Takes a workflow step for `actor`: the new state and the timeline entry, or the
/// refusal (audited through [`refuse_step`] when the role may not take it).
#[allow(clippy::too_many_arguments)]
pub async fn workflow_step<W: Workflow>(
    db: &Store,
    actor: &Actor,
    state: W::State,
    action: W::Action,
    note: &str,
    at: DateTime<Utc>,
    audit_action: &str,
    subject: Subject<'_>,
    area: Option<&AreaCode>,
) -> Result<(W::State, StateChange), ServiceError> {
    match record_transition::<W>(state, action, &actor_ref(actor), at, note) {
        Ok(done) => Ok(done),
        Err(error) => Err(refuse_step(db, actor, audit_action, subject, area, error).await),
    }
}

/// Rows a list page returns when the client does not say.
pub const PER_PAGE_DEFAULT: u32 = 25;
/// Most rows a list page returns.
pub const PER_PAGE_MAX: u32 = 100;

/// A list request's page (from 1), rows per page (bounded) and row offset.
pub fn paging(page: u32, per_page: u32) -> (u32, u32, u64) {
    let per_page = match per_page {
        0 => PER_PAGE_DEFAULT,
        n => Ord::min(n, PER_PAGE_MAX),
    };
    let page = Ord::max(page, 1);
    (page, per_page, u64::from(page - 1) * u64::from(per_page))
}

/// One page of `query`'s rows, in the query's order, with the number of all its
/// rows; `page` and `per_page` as bounded by [`paging`].
pub async fn fetch_page<E>(
    db: &Store,
    query: Select<E>,
    page: u32,
    per_page: u32,
) -> Result<Page<E::Model>, ServiceError>
where
    E: EntityTrait,
    E::Model: Sync,
{
    let (page, per_page, offset) = paging(page, per_page);
    let total = query.clone().count(db).await.map_err(db_failure)?;
    let items = query
        .offset(offset)
        .limit(u64::from(per_page))
        .all(db)
        .await
        .map_err(db_failure)?;
    Ok(Page {
        items,
        total,
        page,
        per_page,
    })
}

/// Audits a read of a list (a page or an export) of `object_type` records over `scope`.
pub async fn audit_list_read(
    db: &Store,
    actor: &Actor,
    action: &str,
    object_type: &str,
    scope: &AreaScope,
    detail: String,
) -> Result<(), ServiceError> {
    let area = match scope {
        AreaScope::Area(code) => Some(code),
        AreaScope::National => None,
    };
    let mut audit = entry(actor, action, Subject::kind(object_type), area);
    audit.detail = Some(detail);
    db.audit_ok(audit).await
}

/// Today in Western Indonesian Time (WIB, UTC+7): the nation's day, for
/// figures of areas in several zones. A record's own day is [`today_in`] its area.
pub fn today() -> NaiveDate {
    Zone::Wib.today(Utc::now())
}

/// Today at the area `code` (a village, district, province; `""`: the nation).
pub fn today_in(code: &str) -> NaiveDate {
    Zone::of_area(code).today(Utc::now())
}

/// Rows of areas in `zone`, by the area code in `column` (`91.03.01.1001`).
pub fn in_zone<C: ColumnTrait>(column: C, zone: Zone) -> Condition {
    zone.provinces()
        .iter()
        .fold(Condition::any(), |any, province| {
            any.add(column.starts_with(format!("{province}.")))
        })
}

/// Rows whose `due` date has passed at their own area's midnight: the same day
/// everywhere for most of the day; in the hours when midnight has passed in the
/// east and not yet in the west, rows of the eastern zones (told apart by
/// `zone_of`) are overdue a day earlier.
pub fn overdue<C: ColumnTrait>(due: C, zone_of: impl Fn(Zone) -> Condition) -> Condition {
    overdue_at(due, zone_of, Utc::now())
}

/// [`overdue`] at the moment `now`.
pub fn overdue_at<C: ColumnTrait>(
    due: C,
    zone_of: impl Fn(Zone) -> Condition,
    now: DateTime<Utc>,
) -> Condition {
    let [(_, west), eastern @ ..] = shared::clock::todays(now);
    eastern
        .into_iter()
        .filter(|(_, today)| *today > west)
        .fold(Condition::any().add(due.lt(west)), |any, (zone, today)| {
            any.add(Condition::all().add(due.lt(today)).add(zone_of(zone)))
        })
}

/// The client sent the version it saw; anything else means someone changed the record since.
pub fn check_version(stored: i32, seen: i32) -> Result<(), ServiceError> {
    if stored == seen {
        Ok(())
    } else {
        Err(ServiceError::Conflict)
    }
}

/// Longest idempotency key accepted.
const IDEMPOTENCY_KEY_MAX: usize = 64;

/// The stored form of an idempotency key: SHA-256 of the user, the kind of
/// object and the key the browser sent, so that a key is one user's for one kind
/// of save. Another user (or another kind of save) sending the same key neither
/// finds this user's result nor is refused because of it.
fn scoped_key(actor: &Actor, key: &str, object_type: &str) -> String {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    hasher.update(actor.user_id.to_be_bytes());
    hasher.update(object_type.as_bytes());
    hasher.update([0]);
    hasher.update(key.trim().as_bytes());
    hex::encode(hasher.finalize())
}

/// The object an earlier request with the same key created, if any.
pub async fn earlier_result<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    key: &str,
    object_type: &str,
) -> Result<Option<i64>, ServiceError> {
    let key = key.trim();
    if key.is_empty() || key.len() > IDEMPOTENCY_KEY_MAX {
        return Err(ServiceError::Invalid(shared::DomainError::TextTooLong {
            field: "idempotency_key".into(),
            max: IDEMPOTENCY_KEY_MAX,
        }));
    }
    let found = idempotency_keys::Entity::find_by_id(scoped_key(actor, key, object_type))
        .filter(idempotency_keys::Column::UserId.eq(actor.user_id))
        .filter(idempotency_keys::Column::ObjectType.eq(object_type))
        .one(db)
        .await
        .map_err(db_failure)?;
    Ok(found.map(|row| row.object_id))
}

/// Remembers what a keyed request created (inside the creating transaction).
pub async fn remember_result<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    key: &str,
    object_type: &str,
    object_id: i64,
) -> Result<(), DbErr> {
    idempotency_keys::Entity::insert(idempotency_keys::ActiveModel {
        key: Set(scoped_key(actor, key, object_type)),
        user_id: Set(actor.user_id),
        object_type: Set(object_type.to_string()),
        object_id: Set(object_id),
        created_at: Set(Utc::now()),
    })
    .exec_without_returning(db)
    .await
    .map(|_| ())
}

/// Names and values of the fields that differ between two JSON objects, as
/// `field: old → new` lines for the audit log. Fields named in `secret` show only that they changed.
pub fn diff(old: &serde_json::Value, new: &serde_json::Value, secret: &[&str]) -> Option<String> {
    let (Some(old), Some(new)) = (old.as_object(), new.as_object()) else {
        return None;
    };
    let mut lines = Vec::new();
    let mut keys: Vec<&String> = old.keys().chain(new.keys()).collect();
    keys.sort();
    keys.dedup();
    for key in keys {
        let before = old.get(key).unwrap_or(&serde_json::Value::Null);
        let after = new.get(key).unwrap_or(&serde_json::Value::Null);
        if before != after {
            if secret.contains(&key.as_str()) {
                lines.push(format!("{key}: (changed)"));
            } else {
                lines.push(format!("{key}: {before} → {after}"));
            }
        }
    }
    (!lines.is_empty()).then(|| lines.join("\n"))
}

/// Restricts a query on a table with a village-code column to `scope` (the area itself and below).
pub fn within_scope<E: EntityTrait>(
    query: Select<E>,
    column: E::Column,
    scope: &AreaScope,
) -> Select<E>
where
    E::Column: ColumnTrait,
{
    match scope_condition(column, scope) {
        Some(condition) => query.filter(condition),
        None => query,
    }
}

/// The condition "`column` holds `scope` or an area inside it"; `None` for the whole nation.
pub fn scope_condition<C: ColumnTrait>(column: C, scope: &AreaScope) -> Option<Condition> {
    match scope {
        AreaScope::National => None,
        AreaScope::Area(code) => Some(
            Condition::any().add(column.eq(code.as_str())).add(
                Condition::all()
                    .add(column.gte(format!("{}.", code.as_str())))
                    .add(column.lt(format!("{}/", code.as_str()))),
            ),
        ),
    }
}

/// Parses an area code stored in a nullable column (`NULL` or empty: the nation).
pub fn stored_scope(code: Option<&str>) -> Result<AreaScope, ServiceError> {
    AreaScope::from_stored(code.unwrap_or("")).map_err(|error| {
        tracing::error!(?code, error = %error.message_en(), "invalid area code in the database");
        ServiceError::Internal
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diffs_name_changed_fields_and_hide_secrets() {
        let old = serde_json::json!({"head_name": "Siti", "rt": 1, "nik": "a"});
        let new = serde_json::json!({"head_name": "Siti Aminah", "rt": 1, "nik": "b"});
        let text = diff(&old, &new, &["nik"]).unwrap_or_default();
        assert!(
            text.contains("head_name: \"Siti\" → \"Siti Aminah\""),
            "{text}"
        );
        assert!(text.contains("nik: (changed)"));
        assert!(!text.contains("rt"));
        assert_eq!(diff(&old, &old, &[]), None);
    }

    #[test]
    fn paging_is_bounded() {
        assert_eq!(paging(0, 0), (1, PER_PAGE_DEFAULT, 0));
        assert_eq!(paging(3, 10), (3, 10, 20));
        assert_eq!(paging(2, 5000), (2, PER_PAGE_MAX, 100));
    }

    #[test]
    fn versions_must_match() {
        assert!(check_version(3, 3).is_ok());
        assert_eq!(check_version(4, 3), Err(ServiceError::Conflict));
    }
}
