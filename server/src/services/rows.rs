//! Reading and writing stored rows: enum codes, JSON detail columns, names by
//! id. Shared by every service, so that none imports another for them.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use shared::Coded;
use shared::contract::ServiceError;
use shared::roles::Role;
use shared::workflow::{ActorRef, StateChange, StateMachine};

use super::db_failure;
use crate::entities::{self, households, users};

/// Reads a stored enum code; a bad stored code is a server fault.
pub(crate) fn stored<T: Coded>(code: &str) -> Result<T, ServiceError> {
    T::from_code(code).ok_or_else(|| {
        tracing::error!(code, "unknown code in the database");
        ServiceError::Internal
    })
}

/// Reads a JSON detail column.
pub(crate) fn stored_json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, ServiceError> {
    serde_json::from_str(text).map_err(|error| {
        tracing::error!(%error, "damaged JSON in the database");
        ServiceError::Internal
    })
}

pub(crate) fn to_json<T: serde::Serialize>(value: &T) -> Result<String, ServiceError> {
    serde_json::to_string(value).map_err(|error| {
        tracing::error!(%error, "cannot serialise a record");
        ServiceError::Internal
    })
}

/// Households by id, for list joins.
pub(crate) async fn head_names<C: sea_orm::ConnectionTrait>(
    db: &C,
    ids: Vec<i64>,
) -> Result<HashMap<i64, String>, ServiceError> {
    Ok(households::Entity::find()
        .filter(households::Column::Id.is_in(ids))
        .all(db)
        .await
        .map_err(db_failure)?
        .into_iter()
        .map(|h| (h.id, h.head_name))
        .collect())
}

/// Usernames of these accounts, by id.
pub(crate) async fn usernames<C: ConnectionTrait>(
    db: &C,
    ids: Vec<i64>,
) -> Result<HashMap<i64, String>, ServiceError> {
    Ok(users::Entity::find()
        .filter(users::Column::Id.is_in(ids))
        .all(db)
        .await
        .map_err(db_failure)?
        .into_iter()
        .map(|user| (user.id, user.username))
        .collect())
}

/// One stored step of a timeline (of a case, a referral or a proposal).
#[derive(Debug, Clone)]
pub(crate) struct EventRow {
    pub machine: StateMachine,
    pub at: DateTime<Utc>,
    pub actor_user_id: Option<i64>,
    pub actor_role: Option<String>,
    pub action: String,
    pub from_state: Option<String>,
    pub to_state: String,
    pub note: Option<String>,
}

macro_rules! event_rows {
    ($($table:ident => $machine:expr),* $(,)?) => {$(
        impl From<entities::$table::Model> for EventRow {
            fn from(event: entities::$table::Model) -> Self {
                EventRow {
                    machine: $machine,
                    at: event.at,
                    actor_user_id: event.actor_user_id,
                    actor_role: event.actor_role,
                    action: event.action,
                    from_state: event.from_state,
                    to_state: event.to_state,
                    note: event.note,
                }
            }
        }
    )*};
}

event_rows!(
    case_events => StateMachine::Case,
    referral_events => StateMachine::Referral,
    proposal_events => StateMachine::Proposal,
);

impl EventRow {
    /// The step as shown, its actor named from `names` ("sistem" for a step
    /// no account took).
    pub(crate) fn named(self, names: &HashMap<i64, String>) -> StateChange {
        StateChange {
            machine: self.machine,
            from: self.from_state.unwrap_or_default(),
            to: self.to_state,
            action: self.action,
            actor: ActorRef {
                username: self
                    .actor_user_id
                    .and_then(|id| names.get(&id).cloned())
                    .unwrap_or_else(|| "sistem".to_string()),
                role: self
                    .actor_role
                    .as_deref()
                    .and_then(Role::from_code)
                    .unwrap_or(Role::Admin),
            },
            at: self.at,
            note: self.note,
        }
    }
}
