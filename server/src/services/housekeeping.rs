//! Housekeeping on a schedule: ended sessions, spent idempotency keys and old
//! sign-in failures are deleted, so that the tables every request reads stay
//! small; documents follow their record's retention (a document whose
//! household or member is gone goes, and a file no row names is deleted).

use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, Condition, DbErr, EntityTrait, QueryFilter, QuerySelect};
use shared::contract::ServiceError;

use super::SessionPolicy;
use super::store::{Store, WriteTx};
use crate::entities::{
    attachments, households, idempotency_keys, login_failures, members, sessions,
};
use crate::files::FileStore;

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

/// How long a file no row names is left alone: a document is written to disk
/// before the row naming it is committed, and an upload of content kept
/// before marks the file as just kept.
pub const UNNAMED_FILE_GRACE: Duration = Duration::from_secs(60 * 60);

/// What one sweep of the documents deleted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SweptDocuments {
    /// Rows of documents whose household or member no longer exists.
    pub rows: u64,
    /// Files no row names (older than [`UNNAMED_FILE_GRACE`]).
    pub files: u64,
}

/// Documents follow their record: the rows of documents whose household (or
/// member) was deleted go, then every file that no row names any more and
/// was not written in the last [`UNNAMED_FILE_GRACE`] before `now`.
pub async fn sweep_documents(
    store: &Store,
    files: &FileStore,
    now: DateTime<Utc>,
) -> Result<SweptDocuments, ServiceError> {
    use sea_orm::sea_query::Query;
    let rows = store
        .write_one(async |txn| {
            let orphaned = Condition::any()
                .add(
                    attachments::Column::HouseholdId.not_in_subquery(
                        Query::select()
                            .column(households::Column::Id)
                            .from(households::Entity)
                            .to_owned(),
                    ),
                )
                .add(
                    Condition::all()
                        .add(attachments::Column::MemberId.is_not_null())
                        .add(
                            attachments::Column::MemberId.not_in_subquery(
                                Query::select()
                                    .column(members::Column::Id)
                                    .from(members::Entity)
                                    .to_owned(),
                            ),
                        ),
                );
            attachments::Entity::delete_many()
                .filter(attachments::Column::HouseholdId.is_not_null())
                .filter(orphaned)
                .exec(txn)
                .await
                .map(|done| done.rows_affected)
        })
        .await?;
    let listed = files.list().await.map_err(|error| {
        tracing::warn!(%error, "the documents folder could not be read");
        ServiceError::Unavailable
    })?;
    let named: std::collections::HashSet<String> = attachments::Entity::find()
        .select_only()
        .column(attachments::Column::Sha256)
        .distinct()
        .into_tuple::<String>()
        .all(store.connection())
        .await
        .map_err(super::db_failure)?
        .into_iter()
        .collect();
    let settled = std::time::SystemTime::from(before(now, UNNAMED_FILE_GRACE));
    let mut deleted = 0;
    for file in listed {
        let unnamed = file
            .sha256
            .as_ref()
            .is_none_or(|hash| !named.contains(hash));
        // Looked at again just before: an upload of the same content marks it
        // as just kept while its row is being committed.
        let still_settled = || async {
            tokio::fs::metadata(&file.path)
                .await
                .and_then(|meta| meta.modified())
                .is_ok_and(|modified| modified < settled)
        };
        if unnamed && file.modified < settled && still_settled().await {
            match files.remove(&file).await {
                Ok(()) => deleted += 1,
                Err(error) => tracing::warn!(%error, "a document's file could not be deleted"),
            }
        }
    }
    Ok(SweptDocuments {
        rows,
        files: deleted,
    })
}

/// How long an interrupted upload's partial file is left alone (it may still be arriving).
pub const PARTIAL_UPLOAD_GRACE: Duration = Duration::from_secs(24 * 60 * 60);

/// Spreadsheets hold whole identity numbers: an upload nobody imported within
/// [`shared::sheet_import::UNUSED_UPLOAD_HOURS`] of its last step loses its
/// file (its row says why), and files of uploads cut off on the way go after
/// [`PARTIAL_UPLOAD_GRACE`]. Answers the files deleted.
pub async fn sweep_uploads(
    store: &Store,
    files: &FileStore,
    now: DateTime<Utc>,
) -> Result<u64, ServiceError> {
    use crate::entities::sheet_imports;
    use sea_orm::sea_query::Expr;
    use shared::sheet_import::{SheetImportState, UNUSED_UPLOAD_HOURS};
    let folder = files.dir().join(crate::files::IMPORTS_FOLDER);
    let stale = now - chrono::Duration::hours(UNUSED_UPLOAD_HOURS);
    let waiting = sheet_imports::Entity::find()
        .filter(sheet_imports::Column::State.is_in([
            SheetImportState::Uploaded.code(),
            SheetImportState::Checked.code(),
            SheetImportState::Failed.code(),
        ]))
        .filter(sheet_imports::Column::UpdatedAt.lt(stale))
        .all(store.connection())
        .await
        .map_err(super::db_failure)?;
    let mut deleted = 0;
    let failure = serde_json::to_string(&(
        format!(
            "Berkas dihapus karena tidak diimpor dalam {UNUSED_UPLOAD_HOURS} jam (berisi NIK lengkap). Unggah lagi bila masih diperlukan."
        ),
        format!(
            "The file was deleted: it was not imported within {UNUSED_UPLOAD_HOURS} hours (it holds whole NIKs). Upload it again if still needed."
        ),
    ))
    .map_err(|_| ServiceError::Internal)?;
    for row in waiting {
        let path = folder.join(&row.stored_name);
        match tokio::fs::remove_file(&path).await {
            Ok(()) => deleted += 1,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(error) => {
                tracing::warn!(%error, "an unused upload could not be deleted");
                continue;
            }
        }
        let failure = failure.clone();
        store
            .write_one(async |txn| {
                sheet_imports::Entity::update_many()
                    .col_expr(
                        sheet_imports::Column::State,
                        Expr::value(SheetImportState::Failed.code()),
                    )
                    .col_expr(sheet_imports::Column::Failure, Expr::value(failure))
                    .col_expr(
                        sheet_imports::Column::Survey,
                        Expr::value(Option::<String>::None),
                    )
                    .col_expr(sheet_imports::Column::UpdatedAt, Expr::value(now))
                    .filter(sheet_imports::Column::Id.eq(row.id))
                    .filter(sheet_imports::Column::Version.eq(row.version))
                    .exec(txn)
                    .await
                    .map(|_| ())
            })
            .await?;
    }
    let partial_before = std::time::SystemTime::from(before(now, PARTIAL_UPLOAD_GRACE));
    if let Ok(mut entries) = tokio::fs::read_dir(&folder).await {
        while let Ok(Some(entry)) = entries.next_entry().await {
            let name = entry.file_name().to_string_lossy().into_owned();
            let old = entry
                .metadata()
                .await
                .and_then(|meta| meta.modified())
                .is_ok_and(|modified| modified < partial_before);
            if name.starts_with(".upload-")
                && old
                && tokio::fs::remove_file(entry.path()).await.is_ok()
            {
                deleted += 1;
            }
        }
    }
    Ok(deleted)
}

/// Sweeps every [`SWEEP_EVERY`] for as long as the server runs (the first sweep at start).
pub fn spawn(store: Store, policy: SessionPolicy, files: FileStore) -> tokio::task::JoinHandle<()> {
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
            match sweep_documents(&store, &files, Utc::now()).await {
                Ok(swept) => tracing::info!(
                    rows = swept.rows,
                    files = swept.files,
                    "housekeeping: documents of deleted records deleted"
                ),
                Err(error) => tracing::warn!(%error, "document sweep failed; trying again later"),
            }
            match sweep_uploads(&store, &files, Utc::now()).await {
                Ok(files) => tracing::info!(files, "housekeeping: unused uploads deleted"),
                Err(error) => tracing::warn!(%error, "upload sweep failed; trying again later"),
            }
        }
    })
}

/// How often the likely pairs of sub-districts whose people changed are
/// computed again for the districts' duplicate lists.
pub const DUPLICATE_SCAN_EVERY: Duration = Duration::from_secs(5 * 60);

/// Computes again, every [`DUPLICATE_SCAN_EVERY`], the likely pairs of the
/// sub-districts whose people changed, so that a manager opening the
/// district's duplicate list finds them computed (the list computes what is
/// still missing itself).
pub fn spawn_duplicate_scans(store: Store) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(DUPLICATE_SCAN_EVERY);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            match crate::services::households::duplicates::refresh_pairs(
                &store,
                &shared::geo::AreaScope::National,
            )
            .await
            {
                Ok(0) => {}
                Ok(subdistricts) => tracing::info!(
                    subdistricts,
                    "housekeeping: likely duplicates computed again"
                ),
                Err(error) => {
                    tracing::warn!(%error, "duplicate scan failed; trying again later");
                }
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
