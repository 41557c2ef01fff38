//! Housekeeping on a schedule: ended sessions, spent idempotency keys and old
//! sign-in failures are deleted, so that the tables every request reads stay small.

use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, Condition, DbErr, EntityTrait, QueryFilter, QuerySelect};
use shared::contract::ServiceError;

use super::SessionPolicy;
use super::store::{Store, WriteTx};
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

/// Rows one sweep transaction deletes at most: a first sweep of an old
/// database gives the write turn back between chunks.
const SWEEP_CHUNK: u64 = 2_000;

/// The kinds of rows a sweep deletes.
#[derive(Debug, Clone, Copy)]
enum Expired {
    Sessions,
    IdempotencyKeys,
    LoginFailures,
}

/// Deletes what has expired at `now`, a chunk per write transaction.
pub async fn sweep(
    store: &Store,
    policy: &SessionPolicy,
    now: DateTime<Utc>,
) -> Result<Swept, ServiceError> {
    Ok(Swept {
        sessions: in_chunks(store, Expired::Sessions, policy, now).await?,
        idempotency_keys: in_chunks(store, Expired::IdempotencyKeys, policy, now).await?,
        login_failures: in_chunks(store, Expired::LoginFailures, policy, now).await?,
    })
}

/// Deletes expired rows of one kind, a chunk per write transaction, until a
/// chunk comes out short; answers the rows deleted.
async fn in_chunks(
    store: &Store,
    kind: Expired,
    policy: &SessionPolicy,
    now: DateTime<Utc>,
) -> Result<u64, ServiceError> {
    let mut deleted = 0;
    loop {
        let chunk = store
            .write_one(async |txn| delete_chunk(txn, kind, policy, now).await)
            .await?;
        deleted += chunk;
        if chunk < SWEEP_CHUNK {
            return Ok(deleted);
        }
    }
}

/// Deletes up to [`SWEEP_CHUNK`] expired rows of one kind.
async fn delete_chunk(
    txn: &WriteTx,
    kind: Expired,
    policy: &SessionPolicy,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let done = match kind {
        Expired::Sessions => {
            let ids: Vec<String> = sessions::Entity::find()
                .select_only()
                .column(sessions::Column::Id)
                .filter(
                    Condition::any()
                        .add(sessions::Column::ExpiresAt.lte(now))
                        .add(sessions::Column::LastSeenAt.lte(before(now, policy.idle_timeout))),
                )
                .limit(SWEEP_CHUNK)
                .into_tuple()
                .all(txn)
                .await?;
            sessions::Entity::delete_many()
                .filter(sessions::Column::Id.is_in(ids))
                .exec(txn)
                .await?
        }
        Expired::IdempotencyKeys => {
            let keys: Vec<String> = idempotency_keys::Entity::find()
                .select_only()
                .column(idempotency_keys::Column::Key)
                .filter(idempotency_keys::Column::CreatedAt.lt(before(now, IDEMPOTENCY_RETENTION)))
                .limit(SWEEP_CHUNK)
                .into_tuple()
                .all(txn)
                .await?;
            idempotency_keys::Entity::delete_many()
                .filter(idempotency_keys::Column::Key.is_in(keys))
                .exec(txn)
                .await?
        }
        Expired::LoginFailures => {
            let ids: Vec<i64> = login_failures::Entity::find()
                .select_only()
                .column(login_failures::Column::Id)
                .filter(login_failures::Column::At.lt(before(now, FAILURE_RETENTION)))
                .limit(SWEEP_CHUNK)
                .into_tuple()
                .all(txn)
                .await?;
            login_failures::Entity::delete_many()
                .filter(login_failures::Column::Id.is_in(ids))
                .exec(txn)
                .await?
        }
    };
    Ok(done.rows_affected)
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

/// How often the SQLite log is moved into the database file while serving.
pub const CHECKPOINT_EVERY: Duration = Duration::from_secs(1);

/// On SQLite, moves the write-ahead log into the database file every
/// [`CHECKPOINT_EVERY`] without blocking anyone (`PASSIVE`), so that no save
/// pays for it in its commit. Nothing to do on PostgreSQL.
pub fn spawn_checkpoints(store: Store) -> Option<tokio::task::JoinHandle<()>> {
    use sea_orm::ConnectionTrait;
    if store.get_database_backend() != sea_orm::DbBackend::Sqlite {
        return None;
    }
    Some(tokio::spawn(async move {
        let mut every = tokio::time::interval(CHECKPOINT_EVERY);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            if let Err(error) = store
                .execute_unprepared("PRAGMA wal_checkpoint(PASSIVE)")
                .await
            {
                tracing::warn!(%error, "checkpoint of the SQLite log failed; trying again");
            }
        }
    }))
}
