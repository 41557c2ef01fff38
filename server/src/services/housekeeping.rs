//! Housekeeping on a schedule: ended sessions, spent idempotency keys and old
//! sign-in failures are deleted, so that the tables every request reads stay small.

use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter};
use shared::contract::ServiceError;

use super::SessionPolicy;
use super::store::Store;
use crate::entities::{idempotency_keys, login_failures, sessions};

/// How long the result of a keyed request is remembered for a retry.
pub const IDEMPOTENCY_RETENTION: Duration = Duration::from_secs(7 * 24 * 60 * 60);
/// How long a failed sign-in counts (longer than any throttling window).
pub const FAILURE_RETENTION: Duration = Duration::from_secs(24 * 60 * 60);
/// How often the sweep runs while the server is up.
pub const SWEEP_EVERY: Duration = Duration::from_secs(10 * 60);

/// Rows one sweep deleted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Swept {
    pub sessions: u64,
    pub idempotency_keys: u64,
    pub login_failures: u64,
}

fn before(now: DateTime<Utc>, age: Duration) -> DateTime<Utc> {
    now - chrono::Duration::from_std(age).unwrap_or(chrono::Duration::MAX)
}

/// Deletes what has expired at `now`, in one write transaction.
pub async fn sweep(
    store: &Store,
    policy: &SessionPolicy,
    now: DateTime<Utc>,
) -> Result<Swept, ServiceError> {
    store
        .write_one(async |txn| {
            let sessions = sessions::Entity::delete_many()
                .filter(
                    Condition::any()
                        .add(sessions::Column::ExpiresAt.lte(now))
                        .add(sessions::Column::LastSeenAt.lte(before(now, policy.idle_timeout))),
                )
                .exec(txn)
                .await?
                .rows_affected;
            let idempotency_keys = idempotency_keys::Entity::delete_many()
                .filter(idempotency_keys::Column::CreatedAt.lt(before(now, IDEMPOTENCY_RETENTION)))
                .exec(txn)
                .await?
                .rows_affected;
            let login_failures = login_failures::Entity::delete_many()
                .filter(login_failures::Column::At.lt(before(now, FAILURE_RETENTION)))
                .exec(txn)
                .await?
                .rows_affected;
            Ok(Swept {
                sessions,
                idempotency_keys,
                login_failures,
            })
        })
        .await
}

/// Sweeps every [`SWEEP_EVERY`] for as long as the server runs (the first sweep at start).
pub fn spawn(store: Store, policy: SessionPolicy) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(SWEEP_EVERY);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            match sweep(&store, &policy, Utc::now()).await {
                Ok(swept) => tracing::info!(
                    sessions = swept.sessions,
                    idempotency_keys = swept.idempotency_keys,
                    login_failures = swept.login_failures,
                    "housekeeping: expired rows deleted"
                ),
                Err(error) => tracing::warn!(%error, "housekeeping failed; trying again later"),
            }
        }
    })
}
