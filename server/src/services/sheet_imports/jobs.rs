//! Checking and importing an upload in the background: the job outlives the
//! request (and the page), writes its outcome to `sheet_imports`, and keeps
//! its progress in memory for the page to show. On SQLite the import's one
//! transaction holds the database's write lock, so progress is not written
//! to the database while it runs.

use std::collections::HashMap;
use std::ops::ControlFlow;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use chrono::Utc;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use shared::contract::{Actor, ServiceError};
use shared::geo::AreaCode;
use shared::sheet_import::{SheetDestination, SheetImportState, SheetProgress, SheetResult};

use super::super::rows::to_json;
use super::super::store::Store;
use super::{fields_of, numbering_of};
use crate::entities::sheet_imports;
use crate::protect::DataKey;
use crate::registry_import::{self, ImportOptions, ImportProgress, Progress, Reading};

/// The jobs running in this process and how far each has read.
#[derive(Debug, Default)]
pub struct Jobs {
    running: Mutex<HashMap<i64, SheetProgress>>,
}

impl Jobs {
    /// Whether a job of upload `id` runs in this process.
    pub fn runs(&self, id: i64) -> bool {
        self.running
            .lock()
            .map(|running| running.contains_key(&id))
            .unwrap_or(false)
    }

    /// How far the job of upload `id` has read.
    pub fn progress(&self, id: i64) -> Option<SheetProgress> {
        self.running
            .lock()
            .ok()
            .and_then(|running| running.get(&id).copied())
    }

    /// Marks a job of upload `id` as running (before its state is saved, so
    /// that a page reading it meanwhile does not take it for a lost one); `None`
    /// when one runs already. The claim ends when the answer is dropped
    /// (also when the job panics: its row then reads as a lost job).
    pub fn claim(self: &Arc<Self>, id: i64) -> Option<Claim> {
        let mut running = self.running.lock().ok()?;
        if running.contains_key(&id) {
            return None;
        }
        running.insert(id, SheetProgress::default());
        Some(Claim {
            jobs: self.clone(),
            id,
        })
    }

    pub(super) fn update(&self, id: i64, read: &ImportProgress) {
        if let Ok(mut running) = self.running.lock() {
            running.insert(
                id,
                SheetProgress {
                    rows_read: read.rows_read,
                    bytes_read: read.bytes_read,
                    bytes_total: read.bytes_total,
                },
            );
        }
    }
}

/// A job's hold on its upload: one job per upload at a time.
pub struct Claim {
    jobs: Arc<Jobs>,
    id: i64,
}

impl Drop for Claim {
    fn drop(&mut self) {
        if let Ok(mut running) = self.jobs.running.lock() {
            running.remove(&self.id);
        }
    }
}

/// What a job needs.
#[derive(Clone)]
pub(super) struct JobContext {
    pub(super) db: Store,
    pub(super) key: DataKey,
    /// The uploads' folder.
    pub(super) folder: PathBuf,
    pub(super) jobs: Arc<Jobs>,
}

impl JobContext {
    pub(super) fn progress(&self, id: i64) -> Progress {
        let jobs = self.jobs.clone();
        Progress::Callback(Arc::new(move |read: &ImportProgress| {
            jobs.update(id, read);
            ControlFlow::Continue(())
        }))
    }
}

/// Whether a stopped job of `row` may have applied part of it: a BNBA list
/// is proposed batch by batch, and what was done stays done.
fn partly_applied(row: &sheet_imports::Model) -> bool {
    destination(row) == SheetDestination::Proposals
        && row.state == SheetImportState::Importing.code()
}

/// Why a job stopped when its server did.
pub(super) fn interrupted(row: &sheet_imports::Model) -> (String, String) {
    if partly_applied(row) {
        return (
            "Impor terhenti karena server dimulai ulang. Keluarga yang sudah diusulkan tetap tersimpan; jalankan lagi untuk menyelesaikan sisanya (tidak ada yang dibuat dua kali).".into(),
            "The import stopped because the server was restarted. The families proposed so far are kept; run it again to complete the rest (nothing is made twice).".into(),
        );
    }
    (
        "Pemeriksaan atau impor terhenti karena server dimulai ulang; tidak ada data yang diterapkan. Jalankan lagi.".into(),
        "Checking or importing stopped because the server was restarted; nothing was applied. Run it again.".into(),
    )
}

/// Records that upload `id`'s job failed (`failure` in Indonesian and English); answers the row.
pub(super) async fn mark_failed(
    db: &Store,
    id: i64,
    failure: &(String, String),
) -> Result<sheet_imports::Model, ServiceError> {
    let failure = to_json(failure)?;
    // Only a job's own state: a row that has just finished stays finished.
    set_state(
        db,
        id,
        SheetImportState::Failed,
        vec![(sheet_imports::Column::Failure, failure.into())],
        &[SheetImportState::Checking, SheetImportState::Importing],
    )
    .await?
    .ok_or(ServiceError::NotFound)
}

/// How the job reads the file: the mapping saved, names of villages within the district.
pub(super) fn reading(row: &sheet_imports::Model) -> Reading {
    Reading {
        open: super::view::open_options(row),
        header_row: row.header_row.and_then(|row| u64::try_from(row).ok()),
        fields: row.fields.as_deref().map(fields_of),
        numbering: numbering_of(&row.relationship_numbering),
        district: AreaCode::parse(&row.district_code).ok(),
    }
}

/// Where upload `row`'s file goes.
fn destination(row: &sheet_imports::Model) -> SheetDestination {
    SheetDestination::from_code(&row.destination).unwrap_or(SheetDestination::Registry)
}

/// Moves upload `id` to `state` with `columns` set and its version counted
/// up, when it stands in one of `from` (in any state when `from` is empty);
/// answers the row as it is then.
async fn set_state(
    db: &Store,
    id: i64,
    state: SheetImportState,
    columns: Vec<(sheet_imports::Column, sea_orm::Value)>,
    from: &[SheetImportState],
) -> Result<Option<sheet_imports::Model>, ServiceError> {
    db.write_one(async |txn| {
        let mut update = sheet_imports::Entity::update_many()
            .col_expr(sheet_imports::Column::State, Expr::value(state.code()))
            .col_expr(sheet_imports::Column::UpdatedAt, Expr::value(Utc::now()))
            .col_expr(
                sheet_imports::Column::Version,
                Expr::col(sheet_imports::Column::Version).add(1),
            )
            .filter(sheet_imports::Column::Id.eq(id));
        for (column, value) in columns {
            update = update.col_expr(column, Expr::value(value));
        }
        if !from.is_empty() {
            update = update
                .filter(sheet_imports::Column::State.is_in(from.iter().map(|state| state.code())));
        }
        update.exec(txn).await?;
        sheet_imports::Entity::find_by_id(id).one(txn).await
    })
    .await
}

/// Saves a finished job's outcome: the new state and what to set with it.
async fn finish(
    db: &Store,
    id: i64,
    state: SheetImportState,
    columns: Vec<(sheet_imports::Column, sea_orm::Value)>,
) -> Result<(), ServiceError> {
    set_state(db, id, state, columns, &[]).await.map(|_| ())
}

/// The reason a job failed, for people: the cause the import gives (in
/// English), the server's path of the file replaced by the name it was sent with.
fn failure_of(
    error: &anyhow::Error,
    row: &sheet_imports::Model,
    path: &std::path::Path,
) -> (String, String) {
    let cause = format!("{error:#}").replace(&path.display().to_string(), &row.file_name);
    if partly_applied(row) {
        return (
            format!(
                "Terhenti. Keluarga yang sudah diusulkan tetap tersimpan; jalankan lagi untuk menyelesaikan sisanya (tidak ada yang dibuat dua kali). Sebab: {cause}"
            ),
            format!(
                "Stopped. The families proposed so far are kept; run it again to complete the rest (nothing is made twice). Cause: {cause}"
            ),
        );
    }
    (
        format!("Gagal, tidak ada data yang diterapkan. Sebab: {cause}"),
        format!("Failed; nothing was applied. Cause: {cause}"),
    )
}

/// Saves a failure, logging when even that fails.
async fn record_failure(context: &JobContext, id: i64, failure: (String, String)) {
    if let Err(error) = mark_failed(&context.db, id, &failure).await {
        tracing::error!(id, ?error, "cannot record a failed spreadsheet job");
    }
}

/// Checks the whole of upload `row` (nothing written) and saves what it found.
pub(super) fn start_check(context: JobContext, row: sheet_imports::Model, claim: Claim) {
    tokio::spawn(async move {
        let _claim = claim;
        let id = row.id;
        let path = context.folder.join(&row.stored_name);
        let found = match destination(&row) {
            SheetDestination::Registry => {
                registry_import::survey(
                    context.db.connection(),
                    &context.key,
                    &path,
                    reading(&row),
                    context.progress(id),
                )
                .await
            }
            SheetDestination::Proposals => super::proposals::survey(&context, &row, &path).await,
        };
        match found {
            Ok(survey) => match to_json(&survey) {
                Ok(json) => {
                    let saved = finish(
                        &context.db,
                        id,
                        SheetImportState::Checked,
                        vec![(sheet_imports::Column::Survey, json.into())],
                    )
                    .await;
                    if let Err(error) = saved {
                        tracing::error!(id, ?error, "cannot save a spreadsheet's check");
                    }
                }
                Err(_) => {
                    record_failure(
                        &context,
                        id,
                        failure_of(
                            &anyhow::anyhow!("the check could not be saved"),
                            &row,
                            &path,
                        ),
                    )
                    .await
                }
            },
            Err(error) => {
                tracing::info!(id, error = %format!("{error:#}"), "a spreadsheet's check failed");
                record_failure(&context, id, failure_of(&error, &row, &path)).await;
            }
        }
    });
}

/// Saves what an import did (with `columns` besides) and deletes the file:
/// it holds whole identity numbers and is not kept once imported.
async fn imported(
    context: &JobContext,
    id: i64,
    result: &SheetResult,
    mut columns: Vec<(sheet_imports::Column, sea_orm::Value)>,
    path: &std::path::Path,
) {
    let saved = match to_json(result) {
        Ok(json) => {
            columns.push((sheet_imports::Column::Result, json.into()));
            finish(&context.db, id, SheetImportState::Done, columns).await
        }
        Err(error) => Err(error),
    };
    if let Err(error) = saved {
        tracing::error!(id, ?error, "cannot save a spreadsheet's import");
    }
    if let Err(error) = tokio::fs::remove_file(path).await {
        tracing::warn!(id, %error, "cannot delete an imported spreadsheet");
    }
}

/// Imports upload `row` and saves its outcome; the file is deleted once imported.
pub(super) fn start_import(
    context: JobContext,
    row: sheet_imports::Model,
    actor: Actor,
    claim: Claim,
) {
    if destination(&row) == SheetDestination::Proposals {
        return start_proposals(context, row, actor, claim);
    }
    let user_id = actor.user_id;
    tokio::spawn(async move {
        let _claim = claim;
        let id = row.id;
        let path = context.folder.join(&row.stored_name);
        let options = ImportOptions {
            rejected_report: Some(super::report_path(&context.folder, id)),
            imported_by: Some(user_id),
            progress: context.progress(id),
            reading: reading(&row),
            confine_to_district: true,
            ..ImportOptions::default()
        };
        // On SQLite the import's one transaction is the database's only
        // writer while it runs: it holds the write turn, saves queue behind it.
        let turn = context.db.long_write_turn().await;
        let done =
            registry_import::import(context.db.connection(), &context.key, &path, options).await;
        drop(turn);
        match done {
            Ok(report) => {
                let result = SheetResult {
                    rows: report.rows_total,
                    accepted: report.rows_accepted,
                    rejected: report.rows_rejected,
                    families: report.families_upserted,
                    households_linked: report.households_linked,
                    ..SheetResult::default()
                };
                let linked = (
                    sheet_imports::Column::RegistryImportId,
                    report.import_id.into(),
                );
                imported(&context, id, &result, vec![linked], &path).await;
            }
            Err(error) => {
                tracing::info!(id, error = %format!("{error:#}"), "a spreadsheet's import failed");
                record_failure(&context, id, failure_of(&error, &row, &path)).await;
            }
        }
    });
}

/// Proposes the families of BNBA list `row` and saves the outcome; the file
/// is deleted once done. Each batch of families is its own write: a failure
/// keeps the batches done, and running it again completes the rest.
fn start_proposals(context: JobContext, row: sheet_imports::Model, actor: Actor, claim: Claim) {
    tokio::spawn(async move {
        let _claim = claim;
        let id = row.id;
        let path = context.folder.join(&row.stored_name);
        let done = super::proposals::import(&context, &row, &path, &actor).await;
        match done {
            Ok(result) => imported(&context, id, &result, Vec::new(), &path).await,
            Err(error) => {
                tracing::info!(id, error = %format!("{error:#}"), "a BNBA list's import failed");
                record_failure(&context, id, failure_of(&error, &row, &path)).await;
            }
        }
    });
}
