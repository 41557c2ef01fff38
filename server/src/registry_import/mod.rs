//! Import of a district's slice of the welfare registry (DTKS/DTSEN) from a
//! spreadsheet (XLSX, XLS, ODS, or CSV with `,` `;` or tab in UTF-8 or
//! Windows-1252), read through [`crate::sheets`]: one row per person,
//! validated row by row, upserted by registry id in one transaction. The
//! columns, by the documented names or the names offices give them, and the
//! rules are documented in `docs/registry-import.md`.
//!
//! How it runs:
//! - a blocking reader thread streams the file (text records or XLSX cells;
//!   XLS and ODS are read whole by calamine), finds the header row, maps the
//!   columns (or takes the mapping chosen, [`Reading`]), resolves village
//!   names within the district given,
//!   validates each row with the shared domain validators, hashes and seals
//!   the NIK and No KK at once (the clear numbers never leave that thread),
//!   and hands batches of checked rows to the database side over a bounded
//!   channel, so memory stays bounded by a few batches (and a 64-bit
//!   fingerprint per family written, [`apply::RunState`]) whatever the file size;
//! - the database side checks what needs the database (the area exists, the
//!   family's repeated fields agree with its first accepted row, no NIK twice
//!   in a family, one head per family), rejects the rows that fail, and upserts
//!   the others with multi-row `INSERT ... ON CONFLICT`;
//! - everything happens in one transaction: an error or a crash applies
//!   nothing; rejected rows are skipped, reported (line, field, reason in
//!   Indonesian and English) and written to the rejected-rows report;
//! - the run is recorded in `registry_imports` (`running` before the
//!   transaction, `done` inside it, `failed` after a rollback), and households
//!   whose No KK matches an imported family get its registry id and desil.
//!
//! The parts: `read` (the file through `sheets`: the header, the mapping, cells as the documented columns),
//! `check` (validating a row), `apply` (writing to the database) and `report`
//! (what the import did, the rejected-rows report file and progress).

mod apply;
mod check;
mod read;
mod report;
mod survey;

use std::fs::File;
use std::io::Read;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, bail};
use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseBackend, DatabaseConnection,
    DatabaseTransaction, EntityTrait, NotSet, PaginatorTrait, QueryFilter, QuerySelect, Set,
    TransactionTrait,
};
use sha2::{Digest, Sha256};
use tokio::sync::mpsc;

use crate::entities::{areas, registry_imports, registry_people};
use crate::protect::DataKey;

use apply::{RunState, check_batch, link_households, write_batch};
use read::{Batch, produce};
use report::ProgressBar;
pub(crate) use report::ReportWriter;
pub use report::{ImportReport, RejectedRow, RowProblem};
pub use survey::survey;

/// The columns of a registry file, in their documented order.
pub const COLUMNS: [&str; 10] = shared::proposal_batch::REGISTRY_COLUMNS;

const ID_KELUARGA: usize = 0;
const SUMBER: usize = 1;
const NO_KK: usize = 2;
const NIK: usize = 3;
const NAMA: usize = 4;
const HUBUNGAN: usize = 5;
const KODE_WILAYAH: usize = 6;
const ALAMAT: usize = 7;
const DESIL: usize = 8;
const PROGRAM: usize = 9;

/// Longest name and address the tables hold.
const NAME_MAX: usize = 120;
const ADDRESS_MAX: usize = 255;

/// Rows per batch unless the options say otherwise. Families take 15 bound
/// values a row and people 7, under SQLite's 32,766 per statement.
pub const DEFAULT_BATCH_ROWS: usize = 1_000;
const MAX_BATCH_ROWS: usize = 2_000;

/// SQLite's page cache for the import's connection, in KiB (see [`Run::execute`]).
const SQLITE_CACHE_KIB: u32 = 40 * 1024;

/// Rows after which PostgreSQL's statistics of the registry are first
/// refreshed inside the import; then after twice as many, and so on.
const ANALYZE_FIRST_ROWS: u64 = 5_000;

/// Rejected rows kept in [`ImportReport::rejected`]; the report file has them all.
pub const REJECTED_KEPT: usize = 10_000;

/// How far along an import is, given to a progress callback after every batch.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportProgress {
    pub rows_read: u64,
    pub rows_accepted: u64,
    pub rows_rejected: u64,
    /// Bytes of the file read so far (CSV only; 0 for XLSX).
    pub bytes_read: u64,
    /// Size of the file when progress is measured in bytes (CSV), else `None`.
    pub bytes_total: Option<u64>,
}

/// A progress callback; returning `ControlFlow::Break` cancels the import (nothing is applied).
pub type ProgressCallback = Arc<dyn Fn(&ImportProgress) -> ControlFlow<()> + Send + Sync>;

/// How progress is shown.
#[derive(Clone, Default)]
pub enum Progress {
    /// Not shown.
    #[default]
    Silent,
    /// A progress bar on standard error, when standard error is a terminal.
    Terminal,
    /// Given to a callback (the UI, tests).
    Callback(ProgressCallback),
}

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Progress::Silent => "Silent",
            Progress::Terminal => "Terminal",
            Progress::Callback(_) => "Callback(..)",
        })
    }
}

/// Options of an import run.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// Where to write the rejected rows as CSV (`baris,kolom,alasan,reason`); `None` writes no file.
    pub rejected_report: Option<PathBuf>,
    /// The account that started the import, recorded in `registry_imports`.
    pub imported_by: Option<i64>,
    /// Rows per database batch (0 means [`DEFAULT_BATCH_ROWS`]; at most 2,000).
    pub batch_rows: usize,
    /// How progress is shown.
    pub progress: Progress,
    /// How the file is read.
    pub reading: Reading,
    /// Reject rows outside [`Reading::district`] (a village elsewhere, or a
    /// family the registry keeps in another district): an import for one
    /// district by that district's staff (the browser's). The command, run by
    /// an administrator, may name the district for its village names only.
    pub confine_to_district: bool,
    /// Whether to drop the registry's hash indexes during the import and build
    /// them again at its end (SQLite only); `None` decides by the file's size
    /// beside the registry stored.
    pub rebuild_indexes: Option<bool>,
}

/// The default place of the rejected-rows report: `<input>.rejected.csv`.
pub fn default_report_path(input: &Path) -> PathBuf {
    let mut name = input.as_os_str().to_os_string();
    name.push(".rejected.csv");
    PathBuf::from(name)
}

/// How progress is measured: a text file by the bytes read, a workbook by rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Csv,
    Workbook,
}

impl Format {
    /// Told by the first bytes, as [`crate::sheets::Workbook::open`] tells them:
    /// a zip archive (XLSX, ODS) or an OLE compound file (XLS) is a workbook.
    fn of(path: &Path) -> anyhow::Result<Format> {
        let mut start = [0u8; 4];
        let mut file =
            File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
        let read = file
            .read(&mut start)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let start = start.get(..read).unwrap_or_default();
        Ok(
            if start.starts_with(b"PK\x03\x04") || start.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
                Format::Workbook
            } else {
                Format::Csv
            },
        )
    }
}

/// How the file is read: what the mapping step chose, or nothing to have it
/// detected (the worksheet, encoding and delimiter, the header row, the
/// columns from their names).
#[derive(Debug, Clone, Default)]
pub struct Reading {
    /// Encoding, delimiter and worksheet chosen instead of detected.
    pub open: crate::sheets::OpenOptions,
    /// The header's row number, chosen instead of detected.
    pub header_row: Option<u64>,
    /// The field of each column from column A, chosen instead of proposed from the names.
    pub fields: Option<Vec<crate::sheets::Field>>,
    /// How the file numbers SHDK (the registry's 1–8 unless chosen).
    pub numbering: shared::sheet_import::RelationshipNumbering,
    /// The district whose village and sub-district names the file may use
    /// instead of codes (without it, villages must be given by code).
    pub district: Option<shared::geo::AreaCode>,
}

/// Imports a registry file (a spreadsheet or delimited text) in one transaction; see the module documentation.
///
/// Rejected rows do not make the import fail: they are skipped and reported. The
/// import fails (and applies nothing) when the file cannot be read, its header
/// lacks a column, the database fails, or a progress callback cancels it.
pub async fn import(
    db: &DatabaseConnection,
    key: &DataKey,
    path: &Path,
    options: ImportOptions,
) -> anyhow::Result<ImportReport> {
    let started = Instant::now();
    let format = Format::of(path)?;
    let file_name: String = path
        .file_name()
        .map(|name| name.to_string_lossy().chars().take(255).collect())
        .unwrap_or_default();
    let bytes_total = std::fs::metadata(path)
        .with_context(|| format!("cannot read {}", path.display()))?
        .len();
    let hash_path = path.to_path_buf();
    let file_sha256 = tokio::task::spawn_blocking(move || sha256_file(&hash_path))
        .await
        .context("the file hashing task stopped")??;

    let record = registry_imports::ActiveModel {
        id: NotSet,
        file_name: Set(file_name),
        file_sha256: Set(file_sha256.clone()),
        started_at: Set(Utc::now()),
        finished_at: Set(None),
        rows_total: Set(0),
        rows_accepted: Set(0),
        rows_rejected: Set(0),
        status: Set("running".to_string()),
        imported_by: Set(options.imported_by),
    }
    .insert(db)
    .await
    .context("cannot record the import in registry_imports")?;
    let import_id = record.id;

    let run = Run {
        import_id,
        path: path.to_path_buf(),
        format,
        bytes_total,
        key: key.clone(),
        options,
    };
    match run.execute(db).await {
        Ok(mut report) => {
            report.import_id = import_id;
            report.file_sha256 = file_sha256;
            report.elapsed = started.elapsed();
            Ok(report)
        }
        Err(error) => {
            let marked = registry_imports::Entity::update_many()
                .col_expr(registry_imports::Column::Status, Expr::value("failed"))
                .col_expr(
                    registry_imports::Column::FinishedAt,
                    Expr::value(Utc::now()),
                )
                .filter(registry_imports::Column::Id.eq(import_id))
                .exec(db)
                .await;
            if let Err(mark_error) = marked {
                tracing::warn!(import_id, error = %mark_error, "cannot mark the registry import as failed");
            }
            Err(error.context(format!(
                "registry import of {} failed; nothing was applied",
                path.display()
            )))
        }
    }
}

/// The sub-districts and villages of `district`, for reading their names.
pub(crate) async fn area_index<C: ConnectionTrait>(
    txn: &C,
    district: &shared::geo::AreaCode,
) -> anyhow::Result<crate::sheets::AreaIndex> {
    let rows: Vec<(String, String, i16)> = areas::Entity::find()
        .select_only()
        .columns([
            areas::Column::Code,
            areas::Column::Name,
            areas::Column::Level,
        ])
        .filter(areas::Column::Code.starts_with(format!("{}.", district.as_str())))
        .into_tuple()
        .all(txn)
        .await?;
    if rows.is_empty() {
        bail!(
            "district {} has no sub-district or village in the area table (run `slrt import-areas` first?)",
            district.as_str()
        );
    }
    Ok(crate::sheets::AreaIndex::new(district, rows))
}

/// The indexes of the registry keyed by hashes (at random, so each row's
/// entry lands on a page of its own).
const HASH_INDEXES: [&str; 2] = [
    "idx_registry_people_nik_hash",
    "idx_registry_families_kk_hash",
];

/// Bytes a registry row takes in a file, about (for judging a file's rows by its size).
const BYTES_PER_ROW: u64 = 100;

/// On SQLite, for a file large beside the registry already stored, drops the
/// indexes keyed by hashes inside the import's transaction and answers their
/// definitions, to be created again (sorted once) before the transaction
/// ends: cheaper than inserting a million random keys one by one. Readers
/// are not affected (they read the last committed state, indexes and all);
/// a failed import rolls the drop back with the rest. On PostgreSQL a drop
/// would lock the table against the front desks' look-ups: nothing is done.
async fn set_aside_hash_indexes(
    txn: &DatabaseTransaction,
    bytes_total: u64,
    chosen: Option<bool>,
) -> anyhow::Result<Vec<(String, String)>> {
    if txn.get_database_backend() != DatabaseBackend::Sqlite || chosen == Some(false) {
        return Ok(Vec::new());
    }
    if chosen.is_none() {
        let stored = registry_people::Entity::find().count(txn).await?;
        let rows_in_file = bytes_total / BYTES_PER_ROW;
        if rows_in_file < 50_000 || rows_in_file < stored / 2 {
            return Ok(Vec::new());
        }
    }
    let mut set_aside = Vec::new();
    for name in HASH_INDEXES {
        let row = txn
            .query_one_raw(sea_orm::Statement::from_sql_and_values(
                DatabaseBackend::Sqlite,
                "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?",
                [name.into()],
            ))
            .await?;
        let Some(sql) = row
            .map(|row| row.try_get::<String>("", "sql"))
            .transpose()?
        else {
            continue;
        };
        txn.execute_unprepared(&format!("DROP INDEX \"{name}\""))
            .await?;
        set_aside.push((name.to_string(), sql));
    }
    Ok(set_aside)
}

fn sha256_file(path: &Path) -> anyhow::Result<String> {
    let mut file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1 << 16];
    loop {
        let read = file
            .read(&mut buffer)
            .with_context(|| format!("cannot read {}", path.display()))?;
        if read == 0 {
            break;
        }
        hasher.update(buffer.get(..read).unwrap_or_default());
    }
    Ok(hex::encode(hasher.finalize()))
}

struct Run {
    import_id: i64,
    path: PathBuf,
    format: Format,
    bytes_total: u64,
    key: DataKey,
    options: ImportOptions,
}

impl Run {
    async fn execute(self, db: &DatabaseConnection) -> anyhow::Result<ImportReport> {
        let mut report_file = match &self.options.rejected_report {
            Some(path) => Some(ReportWriter::create(path)?),
            None => None,
        };
        // On SQLite the transaction takes the write lock at once: begun
        // deferred, its first write would fail if another connection wrote
        // after its first read (a snapshot too old to write from).
        let txn = if db.get_database_backend() == DatabaseBackend::Sqlite {
            db.begin_with_options(sea_orm::TransactionOptions {
                sqlite_transaction_mode: Some(sea_orm::SqliteTransactionMode::Immediate),
                ..sea_orm::TransactionOptions::default()
            })
            .await?
        } else {
            db.begin().await?
        };
        if txn.get_database_backend() == DatabaseBackend::Sqlite {
            // The import's indexes are keyed by hashes, so their pages are
            // touched at random: with SQLite's default 2 MB page cache, pages
            // of the one large transaction go to the log and are read back
            // again and again. The connection keeps this bound afterwards (a
            // bound: memory is taken only as pages are cached).
            txn.execute_unprepared(&format!("PRAGMA cache_size = -{SQLITE_CACHE_KIB}"))
                .await?;
        }
        let outcome = self.apply(&txn, report_file.as_mut()).await;
        match outcome {
            Ok(report) => {
                txn.commit().await?;
                if let Some(writer) = report_file {
                    writer.finish()?;
                }
                Ok(report)
            }
            Err(error) => {
                if let Err(rollback) = txn.rollback().await {
                    tracing::warn!(error = %rollback, "rollback of the registry import failed");
                }
                if let (Some(writer), Some(path)) = (report_file, &self.options.rejected_report) {
                    drop(writer);
                    // A partial report of a failed import would mislead: nothing was applied.
                    let _ = std::fs::remove_file(path);
                }
                Err(error)
            }
        }
    }

    async fn apply(
        &self,
        txn: &DatabaseTransaction,
        mut report_file: Option<&mut ReportWriter>,
    ) -> anyhow::Result<ImportReport> {
        let batch_rows = match self.options.batch_rows {
            0 => DEFAULT_BATCH_ROWS,
            rows => rows.min(MAX_BATCH_ROWS),
        };
        let set_aside =
            set_aside_hash_indexes(txn, self.bytes_total, self.options.rebuild_indexes).await?;
        let (sender, mut receiver) = mpsc::channel::<anyhow::Result<Batch>>(2);
        let reader = {
            let areas = match &self.options.reading.district {
                Some(district) => Some(area_index(txn, district).await?),
                None => None,
            };
            let (path, reading, key) = (
                self.path.clone(),
                self.options.reading.clone(),
                self.key.clone(),
            );
            tokio::task::spawn_blocking(move || {
                produce(&path, reading, areas, key, batch_rows, sender)
            })
        };
        let mut bar = ProgressBar::new(&self.options.progress, self.format, self.bytes_total);
        let mut report = ImportReport::default();
        let postgres = txn.get_database_backend() == DatabaseBackend::Postgres;
        let mut next_analyze = ANALYZE_FIRST_ROWS;
        let district = self
            .options
            .reading
            .district
            .as_ref()
            .filter(|_| self.options.confine_to_district);
        let mut run = RunState::default();
        let mut pending = None;
        loop {
            // The batch before is written while this one is read and checked;
            // the check's look-ups (rare) wait until that write is done.
            let (done, gate) = tokio::sync::oneshot::channel::<()>();
            let previous = pending.take();
            let write = async move {
                let written = match previous {
                    Some(writes) => write_batch(txn, writes).await,
                    None => Ok(()),
                };
                let _ = done.send(());
                written
            };
            let next = async {
                let Some(batch) = receiver.recv().await else {
                    return anyhow::Ok(None);
                };
                let batch = batch?;
                report.rows_total += batch.rows.len() as u64;
                let mut gate = Some(gate);
                if postgres && report.rows_total >= next_analyze {
                    // The planner sizes the registry by its last statistics: from
                    // an empty or small table it scans whole tables for each
                    // batch's look-ups, which grows with every batch. ANALYZE
                    // inside the transaction counts the rows it has written.
                    apply::pass(&mut gate).await;
                    txn.execute_unprepared("ANALYZE registry_families, registry_people")
                        .await?;
                    next_analyze = next_analyze.saturating_mul(2);
                }
                let checked = check_batch(
                    txn,
                    self.import_id,
                    district,
                    batch.rows,
                    &mut report,
                    &mut run,
                    &mut gate,
                )
                .await?;
                Ok(Some((checked, batch.bytes_read)))
            };
            // The check's look-ups that depend on the write wait at its gate,
            // whatever order the two are polled in.
            let (written, next) = futures_util::future::join(write, next).await;
            written?;
            let Some(((writes, rejected), bytes_read)) = next? else {
                break;
            };
            pending = Some(writes);
            for row in rejected {
                if let Some(writer) = report_file.as_deref_mut() {
                    writer.write(&row)?;
                }
                if report.rejected.len() < REJECTED_KEPT {
                    report.rejected.push(row);
                }
            }
            let progress = ImportProgress {
                rows_read: report.rows_total,
                rows_accepted: report.rows_accepted,
                rows_rejected: report.rows_rejected,
                // The reader counts the `\n` it appends to the file.
                bytes_read: bytes_read.min(self.bytes_total),
                bytes_total: (self.format == Format::Csv).then_some(self.bytes_total),
            };
            if bar.update(&progress).is_break() {
                bar.finish();
                bail!("the import was cancelled");
            }
        }
        bar.finish();
        reader
            .await
            .context("the file reader stopped unexpectedly")?;

        for (_, sql) in &set_aside {
            txn.execute_unprepared(sql).await?;
        }
        report.households_linked = link_households(txn, self.import_id).await?;
        // Sent new-family proposals whose families appear are enacted with it.
        report.proposals =
            crate::services::proposal_apply::enact_registered(txn, self.import_id).await?;
        registry_imports::Entity::update_many()
            .col_expr(registry_imports::Column::Status, Expr::value("done"))
            .col_expr(
                registry_imports::Column::FinishedAt,
                Expr::value(Utc::now()),
            )
            .col_expr(
                registry_imports::Column::RowsTotal,
                Expr::value(i64::try_from(report.rows_total).unwrap_or(i64::MAX)),
            )
            .col_expr(
                registry_imports::Column::RowsAccepted,
                Expr::value(i64::try_from(report.rows_accepted).unwrap_or(i64::MAX)),
            )
            .col_expr(
                registry_imports::Column::RowsRejected,
                Expr::value(i64::try_from(report.rows_rejected).unwrap_or(i64::MAX)),
            )
            .filter(registry_imports::Column::Id.eq(self.import_id))
            .exec(txn)
            .await?;
        Ok(report)
    }
}
