//! The database as the services use it: reads on the connection pool, write
//! transactions that queue in arrival order instead of failing, and audit
//! entries of reads committed together in batches.
//!
//! SQLite allows one writer at a time. A transaction that starts as a reader and
//! later writes can be refused outright (`SQLITE_BUSY_SNAPSHOT`, which no busy
//! timeout cures), and waiting writers poll the lock in no particular order. So
//! on SQLite every write transaction first takes its turn at a fair in-process
//! queue, then begins `IMMEDIATE` (taking the write lock at once). PostgreSQL
//! needs no queue: row locks make conflicting writers wait for each other.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use chrono::Utc;
use sea_orm::{
    DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, EntityTrait, SqliteTransactionMode,
    TransactionOptions, TransactionTrait,
};
use shared::contract::ServiceError;
use tokio::sync::{OwnedSemaphorePermit, Semaphore, mpsc, oneshot};

use super::actor_cache::ActorCache;
use super::audit_entry::{Entry, Outcome};
use super::db_failure;
use crate::entities::audit_log;

/// How long a write waits for its turn before it is answered "busy, try again".
const WRITE_TURN_WAIT: Duration = Duration::from_secs(30);
/// Most audit entries committed in one transaction.
const AUDIT_BATCH_MAX: usize = 500;
/// Audit entries waiting to be written before callers wait to hand theirs over.
const AUDIT_QUEUE: usize = 8192;

/// The services' database handle (cheap to clone: every clone shares the pool,
/// the write queue and the audit writer).
#[derive(Clone, Debug)]
pub struct Store {
    conn: DatabaseConnection,
    /// SQLite's write queue: one permit, handed out first come, first served.
    writes: Option<Arc<Semaphore>>,
    /// The audit writer's inbox, started on first use (inside the runtime).
    audit: Arc<OnceLock<mpsc::Sender<AuditJob>>>,
    /// Actors of recently checked sessions.
    actors: ActorCache,
    /// The runtime the store was made on, where the audit writer runs (not on
    /// whichever thread a request happens to first audit from, such as the
    /// saves' own thread).
    home: Option<tokio::runtime::Handle>,
}

/// One audit entry on its way to the database, and who waits for its commit.
#[derive(Debug)]
struct AuditJob {
    row: audit_log::ActiveModel,
    done: oneshot::Sender<Result<(), ServiceError>>,
}

impl Store {
    /// The services' handle on `conn`.
    pub fn new(conn: DatabaseConnection) -> Store {
        let writes =
            (conn.get_database_backend() == DbBackend::Sqlite).then(|| Arc::new(Semaphore::new(1)));
        Store {
            conn,
            writes,
            audit: Arc::new(OnceLock::new()),
            actors: ActorCache::default(),
            home: tokio::runtime::Handle::try_current().ok(),
        }
    }

    /// Actors of recently checked sessions (see [`ActorCache`]).
    pub fn actors(&self) -> &ActorCache {
        &self.actors
    }

    /// The underlying connection pool.
    pub fn connection(&self) -> &DatabaseConnection {
        &self.conn
    }

    /// Waits for the turn to write (on SQLite; nothing to wait for on
    /// PostgreSQL) and holds it until the answer is dropped, for a long write
    /// that runs its own transaction (a registry import): the saves behind it
    /// wait their turn instead of meeting a locked database.
    pub async fn long_write_turn(&self) -> Option<OwnedSemaphorePermit> {
        let queue = self.writes.as_ref()?;
        queue.clone().acquire_owned().await.ok()
    }

    /// Begins a write transaction once it is this request's turn. Dropping the
    /// transaction without committing rolls it back and passes the turn on.
    pub async fn write(&self) -> Result<WriteTx, ServiceError> {
        let turn = match &self.writes {
            Some(queue) => {
                let permit = tokio::time::timeout(WRITE_TURN_WAIT, queue.clone().acquire_owned())
                    .await
                    .map_err(|_| {
                        tracing::warn!(
                            wait_seconds = WRITE_TURN_WAIT.as_secs(),
                            "write queue too long: answering busy"
                        );
                        ServiceError::Unavailable
                    })?
                    .map_err(|_| ServiceError::Unavailable)?;
                Some(permit)
            }
            None => None,
        };
        let txn = if self.writes.is_some() {
            self.conn
                .begin_with_options(TransactionOptions {
                    sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
                    ..TransactionOptions::default()
                })
                .await
        } else {
            self.conn.begin().await
        }
        .map_err(db_failure)?;
        Ok(WriteTx { txn, _turn: turn })
    }

    /// Runs `statements` in a write transaction of their own and commits them.
    pub async fn write_one<T>(
        &self,
        statements: impl AsyncFnOnce(&WriteTx) -> Result<T, DbErr>,
    ) -> Result<T, ServiceError> {
        let txn = self.write().await?;
        let done = statements(&txn).await.map_err(db_failure)?;
        txn.commit().await.map_err(db_failure)?;
        Ok(done)
    }

    /// Writes the audit entry of a successful read; see [`Store::audit`].
    pub async fn audit_ok(&self, entry: Entry<'_>) -> Result<(), ServiceError> {
        self.audit(entry, Outcome::Ok).await
    }

    /// Writes an audit entry about a read (a view, a list, an export) and waits
    /// until it is committed; entries of many requests share one transaction.
    pub async fn audit(&self, entry: Entry<'_>, outcome: Outcome) -> Result<(), ServiceError> {
        let inbox = self.audit.get_or_init(|| {
            let (inbox, jobs) = mpsc::channel(AUDIT_QUEUE);
            let writer = Store {
                conn: self.conn.clone(),
                writes: self.writes.clone(),
                audit: Arc::new(OnceLock::new()),
                actors: ActorCache::default(),
                home: self.home.clone(),
            };
            match &self.home {
                Some(home) => drop(home.spawn(write_audit_batches(writer, jobs))),
                None => drop(tokio::spawn(write_audit_batches(writer, jobs))),
            }
            inbox
        });
        let (done, committed) = oneshot::channel();
        let job = AuditJob {
            row: super::audit_entry::row(entry, outcome, Utc::now()),
            done,
        };
        if inbox.send(job).await.is_err() {
            tracing::error!("the audit writer has stopped");
            return Err(ServiceError::Unavailable);
        }
        match committed.await {
            Ok(outcome) => outcome,
            Err(_) => Err(ServiceError::Unavailable),
        }
    }
}

/// Commits the audit entries waiting in `jobs`, as many at once as are waiting.
async fn write_audit_batches(store: Store, mut jobs: mpsc::Receiver<AuditJob>) {
    let mut batch = Vec::with_capacity(AUDIT_BATCH_MAX);
    while let Some(first) = jobs.recv().await {
        batch.push(first);
        while batch.len() < AUDIT_BATCH_MAX {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let rows: Vec<audit_log::ActiveModel> = batch.iter().map(|job| job.row.clone()).collect();
        match insert_audit_rows(&store, rows).await {
            Ok(()) => {
                for job in batch.drain(..) {
                    // The caller may have gone (its request was cancelled): nothing to tell.
                    let _ = job.done.send(Ok(()));
                }
            }
            Err(ServiceError::Unavailable) => {
                tracing::warn!(entries = batch.len(), "audit entries not written: busy");
                for job in batch.drain(..) {
                    let _ = job.done.send(Err(ServiceError::Unavailable));
                }
            }
            // Not a passing failure: one entry may be at fault; each is tried alone,
            // so that it fails only its own request.
            Err(_) => {
                for job in batch.drain(..) {
                    let alone = insert_audit_rows(&store, vec![job.row.clone()]).await;
                    let _ = job.done.send(alone);
                }
            }
        }
    }
}

async fn insert_audit_rows(
    store: &Store,
    rows: Vec<audit_log::ActiveModel>,
) -> Result<(), ServiceError> {
    let txn = store.write().await?;
    audit_log::Entity::insert_many(rows)
        .exec_without_returning(&txn)
        .await
        .map_err(db_failure)?;
    txn.commit().await.map_err(db_failure)
}

/// A write transaction holding its turn in the write queue until it ends.
#[derive(Debug)]
pub struct WriteTx {
    txn: DatabaseTransaction,
    _turn: Option<OwnedSemaphorePermit>,
}

impl WriteTx {
    /// Commits the transaction and passes the turn on.
    pub async fn commit(self) -> Result<(), DbErr> {
        self.txn.commit().await
    }

    /// Rolls the transaction back and passes the turn on.
    pub async fn rollback(self) -> Result<(), DbErr> {
        self.txn.rollback().await
    }
}

/// Delegates every statement to the wrapped connection or transaction.
macro_rules! delegate_connection {
    ($type:ty, $field:ident) => {
        #[async_trait::async_trait]
        impl sea_orm::ConnectionTrait for $type {
            fn get_database_backend(&self) -> sea_orm::DbBackend {
                self.$field.get_database_backend()
            }

            async fn execute_raw(
                &self,
                stmt: sea_orm::Statement,
            ) -> Result<sea_orm::ExecResult, sea_orm::DbErr> {
                self.$field.execute_raw(stmt).await
            }

            async fn execute_unprepared(
                &self,
                sql: &str,
            ) -> Result<sea_orm::ExecResult, sea_orm::DbErr> {
                self.$field.execute_unprepared(sql).await
            }

            async fn query_one_raw(
                &self,
                stmt: sea_orm::Statement,
            ) -> Result<Option<sea_orm::QueryResult>, sea_orm::DbErr> {
                self.$field.query_one_raw(stmt).await
            }

            async fn query_all_raw(
                &self,
                stmt: sea_orm::Statement,
            ) -> Result<Vec<sea_orm::QueryResult>, sea_orm::DbErr> {
                self.$field.query_all_raw(stmt).await
            }

            fn support_returning(&self) -> bool {
                self.$field.support_returning()
            }

            fn is_mock_connection(&self) -> bool {
                self.$field.is_mock_connection()
            }
        }
    };
}

pub(crate) use delegate_connection;

delegate_connection!(Store, conn);
delegate_connection!(WriteTx, txn);
