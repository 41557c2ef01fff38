//! Writing the audit log. Every write goes through [`record`], inside the
//! transaction of the change it describes when there is one.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbErr, EntityTrait, Set};

use crate::entities::audit_log;

/// Outcome of an audited action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Ok,
    Refused,
    Failed,
}

impl Outcome {
    fn code(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Refused => "refused",
            Outcome::Failed => "failed",
        }
    }
}

/// One audit entry. Never put a NIK or No KK in clear text into any field.
#[derive(Debug, Clone, Default)]
pub struct Entry<'a> {
    pub actor_user_id: Option<i64>,
    pub action: &'a str,
    pub object_type: &'a str,
    pub object_id: Option<String>,
    pub area_code: Option<String>,
    pub client_address: Option<String>,
    pub detail: Option<String>,
}

impl Entry<'_> {
    /// The entry with what changed (a field diff, the step taken, ...).
    pub fn detail(mut self, detail: impl Into<Option<String>>) -> Self {
        self.detail = detail.into();
        self
    }
}

/// The audit row of `entry`, written at `at`.
pub fn row(entry: Entry<'_>, outcome: Outcome, at: DateTime<Utc>) -> audit_log::ActiveModel {
    audit_log::ActiveModel {
        at: Set(at),
        actor_user_id: Set(entry.actor_user_id),
        action: Set(entry.action.to_string()),
        object_type: Set(entry.object_type.to_string()),
        object_id: Set(entry.object_id),
        area_code: Set(entry.area_code),
        client_address: Set(entry.client_address),
        outcome: Set(outcome.code().to_string()),
        detail: Set(entry.detail),
        ..Default::default()
    }
}

/// Appends an entry to the audit log, in the transaction (or on the connection) `db`.
pub async fn record<C: ConnectionTrait>(
    db: &C,
    entry: Entry<'_>,
    outcome: Outcome,
) -> Result<(), DbErr> {
    audit_log::Entity::insert(row(entry, outcome, Utc::now()))
        .exec_without_returning(db)
        .await
        .map(|_| ())
}
