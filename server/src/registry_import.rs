//! Import of a district's slice of the welfare registry (DTKS/DTSEN) from a CSV
//! or XLSX file: one row per person, validated row by row, upserted by registry
//! id in one transaction. The column layout and the rules are documented in
//! `docs/registry-import.md`.
//!
//! How it runs:
//! - a blocking reader thread streams the file (CSV records or XLSX cells),
//!   validates each row with the shared domain validators, hashes and seals
//!   the NIK and No KK at once (the clear numbers never leave that thread),
//!   and hands batches of checked rows to the database side over a bounded
//!   channel, so memory stays bounded by a few batches whatever the file size;
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

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, anyhow, bail};
use calamine::{DataRef, Reader as _, Xlsx};
use chrono::Utc;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseBackend, DatabaseConnection,
    DatabaseTransaction, EntityTrait, NotSet, QueryFilter, QuerySelect, Set, Statement,
    TransactionTrait,
};
use sha2::{Digest, Sha256};
use shared::error::DomainError;
use shared::geo::{AreaCode, AreaLevel};
use shared::household::{Desil, RegistryId, RegistrySource};
use shared::identity::{Nik, NoKk};
use shared::member::Relationship;
use shared::programme::ProgrammeKind;
use tokio::sync::mpsc;

use crate::entities::{areas, registry_families, registry_imports, registry_people};
use crate::protect::{DataKey, IdKind};

/// The columns of a registry file, in their documented order.
pub const COLUMNS: [&str; 10] = [
    "id_keluarga",
    "sumber",
    "no_kk",
    "nik",
    "nama",
    "hubungan",
    "kode_wilayah",
    "alamat",
    "desil",
    "program",
];

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

/// Rows per batch unless the options say otherwise. Families take 12 bound
/// values a row and people 7, well under SQLite's 32,766 per statement.
pub const DEFAULT_BATCH_ROWS: usize = 1_000;
const MAX_BATCH_ROWS: usize = 2_000;

/// Rejected rows kept in [`ImportReport::rejected`]; the report file has them all.
pub const REJECTED_KEPT: usize = 10_000;

/// Columns beyond this in a worksheet are ignored (a guard against runaway sheets).
const MAX_COLUMNS: usize = 256;

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
}

/// One thing wrong with a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowProblem {
    /// The column (`nik`, `desil`, ...) or `baris` for the row as a whole.
    pub field: String,
    /// The reason in Bahasa Indonesia.
    pub reason_id: String,
    /// The reason in English.
    pub reason_en: String,
}

impl RowProblem {
    fn new(field: &str, reason_id: String, reason_en: String) -> RowProblem {
        RowProblem {
            field: field.to_string(),
            reason_id,
            reason_en,
        }
    }

    fn domain(field: &str, error: &DomainError) -> RowProblem {
        RowProblem::new(field, error.message_id(), error.message_en())
    }
}

/// A row that was not imported, by its line in the file (XLSX: its row number).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectedRow {
    pub line: u64,
    pub problems: Vec<RowProblem>,
}

/// What an import did.
#[derive(Debug, Clone, Default)]
pub struct ImportReport {
    /// The `registry_imports` row of this run.
    pub import_id: i64,
    /// SHA-256 of the file (hex).
    pub file_sha256: String,
    /// Data rows read (the header and blank rows are not counted).
    pub rows_total: u64,
    pub rows_accepted: u64,
    pub rows_rejected: u64,
    /// Distinct families inserted or updated.
    pub families_upserted: u64,
    /// People inserted or updated (one per accepted row).
    pub people_upserted: u64,
    /// Households whose registry id or desil was set from a matching No KK.
    pub households_linked: u64,
    /// The first [`REJECTED_KEPT`] rejected rows, in file order.
    pub rejected: Vec<RejectedRow>,
    pub elapsed: Duration,
}

impl ImportReport {
    /// Rows read per second of the whole run.
    pub fn rows_per_second(&self) -> f64 {
        self.rows_total as f64 / self.elapsed.as_secs_f64().max(0.001)
    }
}

/// The default place of the rejected-rows report: `<input>.rejected.csv`.
pub fn default_report_path(input: &Path) -> PathBuf {
    let mut name = input.as_os_str().to_os_string();
    name.push(".rejected.csv");
    PathBuf::from(name)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Csv,
    Xlsx,
}

impl Format {
    fn of(path: &Path) -> anyhow::Result<Format> {
        let extension = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match extension.as_deref() {
            Some("csv") => Ok(Format::Csv),
            Some("xlsx") => Ok(Format::Xlsx),
            _ => bail!(
                "{}: unsupported file type; a registry file must be .csv (UTF-8) or .xlsx",
                path.display()
            ),
        }
    }
}

/// Imports a registry file (`.csv` or `.xlsx`) in one transaction; see the module documentation.
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
        let txn = db.begin().await?;
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
        let (sender, mut receiver) = mpsc::channel::<anyhow::Result<Batch>>(2);
        let reader = {
            let (path, format, key) = (self.path.clone(), self.format, self.key.clone());
            tokio::task::spawn_blocking(move || produce(&path, format, key, batch_rows, sender))
        };
        let mut bar = ProgressBar::new(&self.options.progress, self.format, self.bytes_total);
        let mut report = ImportReport::default();
        while let Some(batch) = receiver.recv().await {
            let batch = batch?;
            report.rows_total += batch.rows.len() as u64;
            let rejected = apply_batch(txn, self.import_id, batch.rows, &mut report).await?;
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
                bytes_read: batch.bytes_read.min(self.bytes_total),
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

        report.households_linked = link_households(txn, self.import_id).await?;
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

// ---------------------------------------------------------------------------
// Reading and validating (on the blocking reader thread)
// ---------------------------------------------------------------------------

/// A row as read: its line, its fields in file order, and reading problems
/// (encoding, field count, cell types) that reject it before validation.
struct RawRow {
    line: u64,
    fields: Vec<String>,
    issues: Vec<RowProblem>,
}

/// Family-level fields, repeated on every person row of a family.
#[derive(Debug, Clone, PartialEq, Eq)]
struct FamilyFields {
    source: String,
    kk_hash: String,
    village_code: String,
    address: Option<String>,
    desil: i16,
    /// JSON array of programme codes, in catalogue order, without duplicates.
    programmes: String,
}

impl FamilyFields {
    /// The columns whose values differ from `other`.
    fn differing(&self, other: &FamilyFields) -> Vec<&'static str> {
        let mut fields = Vec::new();
        if self.source != other.source {
            fields.push(COLUMNS[SUMBER]);
        }
        if self.kk_hash != other.kk_hash {
            fields.push(COLUMNS[NO_KK]);
        }
        if self.village_code != other.village_code {
            fields.push(COLUMNS[KODE_WILAYAH]);
        }
        if self.address != other.address {
            fields.push(COLUMNS[ALAMAT]);
        }
        if self.desil != other.desil {
            fields.push(COLUMNS[DESIL]);
        }
        if self.programmes != other.programmes {
            fields.push(COLUMNS[PROGRAM]);
        }
        fields
    }
}

/// A row that passed every check the file alone allows; identity numbers already protected.
struct ValidRow {
    line: u64,
    registry_id: String,
    family: FamilyFields,
    kk_sealed: String,
    kk_masked: String,
    nik_hash: String,
    nik_sealed: String,
    nik_masked: String,
    name: String,
    relationship: i16,
}

enum Checked {
    Valid(Box<ValidRow>),
    Rejected(RejectedRow),
}

struct Batch {
    rows: Vec<Checked>,
    bytes_read: u64,
}

/// Where each documented column is in the file.
struct Layout {
    at: [usize; 10],
    width: usize,
    names: Vec<String>,
}

impl Layout {
    fn from_header(path: &Path, header: &[String]) -> anyhow::Result<Layout> {
        let names: Vec<String> = header
            .iter()
            .map(|name| name.trim_start_matches('\u{feff}').trim().to_lowercase())
            .collect();
        let mut at = [usize::MAX; 10];
        let mut missing = Vec::new();
        for (slot, column) in at.iter_mut().zip(COLUMNS) {
            let mut found = names.iter().enumerate().filter(|(_, n)| *n == column);
            match (found.next(), found.next()) {
                (Some((index, _)), None) => *slot = index,
                (Some(_), Some(_)) => bail!(
                    "{}: the header names column `{column}` more than once",
                    path.display()
                ),
                (None, _) => missing.push(column),
            }
        }
        if !missing.is_empty() && names.len() == 1 && names.iter().any(|n| n.contains(';')) {
            bail!(
                "{}: the columns seem separated by semicolons; a registry CSV is separated by \
                 commas (in Excel: save as \"CSV UTF-8 (Comma delimited)\", or import the .xlsx)",
                path.display()
            );
        }
        if !missing.is_empty() {
            bail!(
                "{}: the header row lacks column(s) {}; the first row must name the columns \
                 {} (is the file a UTF-8, comma-separated CSV or an XLSX with the header in \
                 its first row? see docs/registry-import.md)",
                path.display(),
                missing.join(", "),
                COLUMNS.join(",")
            );
        }
        Ok(Layout {
            at,
            width: names.len(),
            names,
        })
    }

    /// The name of the file column at `index`, for reading problems.
    fn name_of(&self, index: usize) -> String {
        self.names
            .get(index)
            .filter(|name| !name.is_empty())
            .cloned()
            .unwrap_or_else(|| format!("kolom {}", index + 1))
    }

    fn field<'a>(&self, row: &'a RawRow, column: usize) -> &'a str {
        self.at
            .get(column)
            .and_then(|&index| row.fields.get(index))
            .map_or("", |field| field.trim())
    }
}

/// Reads the file and sends checked rows in batches; errors go down the channel too.
fn produce(
    path: &Path,
    format: Format,
    key: DataKey,
    batch_rows: usize,
    sender: mpsc::Sender<anyhow::Result<Batch>>,
) {
    let mut batcher = Batcher {
        key,
        batch_rows,
        rows: Vec::with_capacity(batch_rows),
        sender,
        closed: false,
    };
    let result = match format {
        Format::Csv => read_csv(path, &mut batcher),
        Format::Xlsx => read_xlsx(path, &mut batcher),
    };
    match result {
        Ok(bytes_read) => batcher.flush(bytes_read),
        Err(error) => {
            // The receiver may be gone already; then nobody needs the error.
            let _ = batcher.sender.blocking_send(Err(error));
        }
    }
}

struct Batcher {
    key: DataKey,
    batch_rows: usize,
    rows: Vec<Checked>,
    sender: mpsc::Sender<anyhow::Result<Batch>>,
    /// The database side stopped listening (it failed or was cancelled).
    closed: bool,
}

impl Batcher {
    /// Validates and queues a row; false when reading should stop.
    fn push(&mut self, layout: &Layout, row: RawRow, bytes_read: u64) -> bool {
        self.rows.push(check_row(&self.key, layout, row));
        if self.rows.len() >= self.batch_rows {
            self.flush(bytes_read);
        }
        !self.closed
    }

    fn flush(&mut self, bytes_read: u64) {
        if self.rows.is_empty() || self.closed {
            return;
        }
        let rows = std::mem::replace(&mut self.rows, Vec::with_capacity(self.batch_rows));
        if self
            .sender
            .blocking_send(Ok(Batch { rows, bytes_read }))
            .is_err()
        {
            self.closed = true;
        }
    }
}

/// Streams a CSV file; returns the bytes read.
///
/// Line numbers: records end at `\n` only (a `\r` before it is trimmed with the
/// last field), and a `\n` is appended to the input, so every record, the last
/// one too, is read together with its terminating `\n`. The reader's line count
/// after a record is then one past the record's last line, and its first line is
/// that minus the newlines inside quoted fields. (The position the csv crate
/// gives a record is taken before it skips blank lines and, with `\r\n`
/// endings, before the previous record's `\n`, so it can be a line early.)
fn read_csv(path: &Path, batcher: &mut Batcher) -> anyhow::Result<u64> {
    let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let input = BufReader::with_capacity(1 << 18, file).chain(&b"\n"[..]);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .terminator(csv::Terminator::Any(b'\n'))
        .from_reader(input);
    let mut record = csv::ByteRecord::new();
    let unreadable =
        |error: csv::Error| anyhow!("{}: cannot read the file: {error}", path.display());
    if !reader.read_byte_record(&mut record).map_err(unreadable)? {
        bail!(
            "{} is empty: a header row naming the columns is required",
            path.display()
        );
    }
    let header: Vec<String> = record
        .iter()
        .map(|field| String::from_utf8_lossy(field).into_owned())
        .collect();
    let layout = Layout::from_header(path, &header)?;
    while reader.read_byte_record(&mut record).map_err(unreadable)? {
        if record.iter().all(|field| field.trim_ascii().is_empty()) {
            continue;
        }
        let newlines: usize = record
            .iter()
            .map(|field| field.iter().filter(|&&b| b == b'\n').count())
            .sum();
        let line = reader.position().line().saturating_sub(1 + newlines as u64);
        let mut issues = Vec::new();
        let found = record.len();
        if found < layout.width {
            issues.push(RowProblem::new(
                "baris",
                format!(
                    "Baris terpotong: berisi {found} kolom, seharusnya {}.",
                    layout.width
                ),
                format!("Truncated line: {found} fields, {} expected.", layout.width),
            ));
        } else if found > layout.width {
            issues.push(RowProblem::new(
                "baris",
                format!(
                    "Baris berisi {found} kolom, seharusnya {} (ada koma di luar tanda kutip?).",
                    layout.width
                ),
                format!(
                    "The line has {found} fields, {} expected (a comma outside quotes?).",
                    layout.width
                ),
            ));
        }
        let mut fields = Vec::with_capacity(found);
        for (index, bytes) in record.iter().enumerate() {
            match std::str::from_utf8(bytes) {
                Ok(text) => fields.push(text.to_string()),
                Err(_) => {
                    let column = layout.name_of(index);
                    issues.push(RowProblem::new(
                        &column,
                        format!(
                            "Isian {column} bukan teks UTF-8 yang sah; simpan berkas sebagai CSV UTF-8."
                        ),
                        format!(
                            "{column} is not valid UTF-8 text; save the file as UTF-8 CSV."
                        ),
                    ));
                    fields.push(String::new());
                }
            }
        }
        let bytes_read = reader.position().byte();
        if !batcher.push(
            &layout,
            RawRow {
                line,
                fields,
                issues,
            },
            bytes_read,
        ) {
            return Ok(bytes_read);
        }
    }
    Ok(reader.position().byte())
}

/// A worksheet cell as text, with what kind of value it held.
#[derive(Default, Clone)]
struct SheetCell {
    text: String,
    numeric: bool,
    error: bool,
}

fn sheet_cell(value: &DataRef<'_>) -> SheetCell {
    let text = |text: String| SheetCell {
        text,
        ..SheetCell::default()
    };
    let number = |text: String| SheetCell {
        text,
        numeric: true,
        error: false,
    };
    match value {
        DataRef::String(s) => text(s.clone()),
        DataRef::SharedString(s) => text((*s).to_string()),
        DataRef::Int(i) => number(i.to_string()),
        DataRef::Float(f) if f.fract() == 0.0 && f.abs() < 1e17 => number(format!("{f:.0}")),
        DataRef::Float(f) => number(f.to_string()),
        DataRef::Bool(b) => text(b.to_string()),
        DataRef::DateTime(d) => number(d.to_string()),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => text(s.clone()),
        DataRef::Error(_) => SheetCell {
            error: true,
            ..SheetCell::default()
        },
        DataRef::Empty => SheetCell::default(),
    }
}

/// Streams the first worksheet of an XLSX file cell by cell; returns 0 (bytes are not tracked).
fn read_xlsx(path: &Path, batcher: &mut Batcher) -> anyhow::Result<u64> {
    let mut workbook: Xlsx<BufReader<File>> = calamine::open_workbook(path)
        .with_context(|| format!("cannot open {} as an XLSX workbook", path.display()))?;
    let sheet = workbook
        .sheet_names()
        .into_iter()
        .next()
        .with_context(|| format!("{} has no worksheet", path.display()))?;
    let mut cells = workbook
        .worksheet_cells_reader(&sheet)
        .with_context(|| format!("cannot read worksheet `{sheet}` of {}", path.display()))?;
    let mut layout: Option<Layout> = None;
    let mut current: Option<(u32, Vec<SheetCell>)> = None;
    loop {
        let cell = cells
            .next_cell()
            .with_context(|| format!("{}: damaged worksheet `{sheet}`", path.display()))?;
        let position = cell.as_ref().map(calamine::Cell::get_position);
        let row_done = match (&current, position) {
            (Some((row, _)), Some((next_row, _))) => *row != next_row,
            (Some(_), None) => true,
            (None, _) => false,
        };
        if row_done && let Some((row, values)) = current.take() {
            let line = u64::from(row) + 1;
            if values
                .iter()
                .any(|cell| !cell.text.trim().is_empty() || cell.error)
            {
                match &layout {
                    None => {
                        let header: Vec<String> =
                            values.iter().map(|cell| cell.text.clone()).collect();
                        layout = Some(Layout::from_header(path, &header)?);
                    }
                    Some(layout) => {
                        let row = sheet_row(layout, line, values);
                        if !batcher.push(layout, row, 0) {
                            return Ok(0);
                        }
                    }
                }
            }
        }
        let Some(cell) = cell else { break };
        let (row, column) = cell.get_position();
        let Ok(column) = usize::try_from(column) else {
            continue;
        };
        if column >= MAX_COLUMNS {
            continue;
        }
        let values = &mut current.get_or_insert_with(|| (row, Vec::new())).1;
        if values.len() <= column {
            values.resize(column + 1, SheetCell::default());
        }
        if let Some(slot) = values.get_mut(column) {
            *slot = sheet_cell(cell.get_value());
        }
    }
    if layout.is_none() {
        bail!(
            "{}: the first worksheet is empty; a header row naming the columns is required",
            path.display()
        );
    }
    Ok(0)
}

fn sheet_row(layout: &Layout, line: u64, values: Vec<SheetCell>) -> RawRow {
    let mut issues = Vec::new();
    for (index, cell) in values.iter().enumerate() {
        let column = layout.name_of(index);
        if cell.error {
            issues.push(RowProblem::new(
                &column,
                format!("Sel {column} berisi galat Excel (mis. #N/A), bukan nilai."),
                format!("The {column} cell holds an Excel error (e.g. #N/A), not a value."),
            ));
        } else if cell.numeric && (index == layout.at[NIK] || index == layout.at[NO_KK]) {
            issues.push(RowProblem::new(
                &column,
                format!(
                    "Sel {column} berisi angka, bukan teks: Excel hanya menyimpan 15 digit angka \
                     sehingga nomor 16 digit bisa berubah. Format kolom ini sebagai teks."
                ),
                format!(
                    "The {column} cell holds a number, not text: Excel keeps only 15 digits of a \
                     number, so a 16-digit number may have changed. Format this column as text."
                ),
            ));
        }
    }
    RawRow {
        line,
        fields: values.into_iter().map(|cell| cell.text).collect(),
        issues,
    }
}

/// Checks one row with the shared validators and protects its identity numbers.
fn check_row(key: &DataKey, layout: &Layout, row: RawRow) -> Checked {
    if !row.issues.is_empty() {
        return Checked::Rejected(RejectedRow {
            line: row.line,
            problems: row.issues,
        });
    }
    let mut problems = Vec::new();
    let field = |column: usize| layout.field(&row, column);

    let registry_id = RegistryId::parse(field(ID_KELUARGA))
        .map_err(|error| problems.push(RowProblem::domain(COLUMNS[ID_KELUARGA], &error)))
        .ok();
    let source = coded::<RegistrySource>(field(SUMBER), COLUMNS[SUMBER], RegistrySource::from_code)
        .map_err(|problem| problems.push(problem))
        .ok();
    let kk = NoKk::parse(field(NO_KK))
        .map_err(|error| problems.push(RowProblem::domain(COLUMNS[NO_KK], &error)))
        .ok();
    let nik = Nik::parse(field(NIK))
        .map_err(|error| problems.push(RowProblem::domain(COLUMNS[NIK], &error)))
        .ok();
    let name = text(field(NAMA), COLUMNS[NAMA], NAME_MAX, true)
        .map_err(|problem| problems.push(problem))
        .ok()
        .flatten();
    let relationship = number(field(HUBUNGAN), COLUMNS[HUBUNGAN], 1, 8)
        .and_then(|n| {
            let n = u8::try_from(n).unwrap_or_default();
            Relationship::from_number(n)
                .map(Relationship::number)
                .map_err(|error| RowProblem::domain(COLUMNS[HUBUNGAN], &error))
        })
        .map_err(|problem| problems.push(problem))
        .ok();
    let village = village_code(field(KODE_WILAYAH))
        .map_err(|problem| problems.push(problem))
        .ok();
    let address = text(field(ALAMAT), COLUMNS[ALAMAT], ADDRESS_MAX, false)
        .map_err(|problem| problems.push(problem))
        .ok();
    let desil = number(field(DESIL), COLUMNS[DESIL], 1, 10)
        .and_then(|n| {
            Desil::new(u8::try_from(n).unwrap_or_default())
                .map_err(|error| RowProblem::domain(COLUMNS[DESIL], &error))
        })
        .map_err(|problem| problems.push(problem))
        .ok();
    let programmes = programme_codes(field(PROGRAM))
        .map_err(|problem| problems.push(problem))
        .ok();

    match (
        registry_id,
        source,
        kk,
        nik,
        name,
        relationship,
        village,
        address,
        desil,
        programmes,
    ) {
        (
            Some(registry_id),
            Some(source),
            Some(kk),
            Some(nik),
            Some(name),
            Some(relationship),
            Some(village),
            Some(address),
            Some(desil),
            Some(programmes),
        ) if problems.is_empty() => {
            let kk_digits = kk.as_str();
            let nik_digits = nik.as_str();
            Checked::Valid(Box::new(ValidRow {
                line: row.line,
                registry_id: registry_id.as_str().to_string(),
                family: FamilyFields {
                    source: source.code().to_string(),
                    kk_hash: key.lookup_hash(IdKind::NoKk, &kk_digits),
                    village_code: village.as_str().to_string(),
                    address,
                    desil: i16::from(desil.get()),
                    programmes,
                },
                kk_sealed: key.seal(&kk_digits),
                kk_masked: kk.masked(),
                nik_hash: key.lookup_hash(IdKind::Nik, &nik_digits),
                nik_sealed: key.seal(&nik_digits),
                nik_masked: nik.masked(),
                name,
                relationship: i16::from(relationship),
            }))
        }
        _ => Checked::Rejected(RejectedRow {
            line: row.line,
            problems,
        }),
    }
}

/// A coded value (`dtks`), case-insensitive.
fn coded<T>(
    input: &str,
    field: &str,
    from_code: impl Fn(&str) -> Option<T>,
) -> Result<T, RowProblem> {
    if input.is_empty() {
        return Err(RowProblem::domain(
            field,
            &DomainError::TextRequired {
                field: field.to_string(),
            },
        ));
    }
    from_code(&input.to_ascii_lowercase()).ok_or_else(|| {
        RowProblem::domain(
            field,
            &DomainError::UnknownCode {
                field: field.to_string(),
                code: input.chars().take(30).collect(),
            },
        )
    })
}

/// Text with a maximum length; `None` when empty and optional.
fn text(
    input: &str,
    field: &str,
    max: usize,
    required: bool,
) -> Result<Option<String>, RowProblem> {
    if input.is_empty() {
        return if required {
            Err(RowProblem::domain(
                field,
                &DomainError::TextRequired {
                    field: field.to_string(),
                },
            ))
        } else {
            Ok(None)
        };
    }
    if input.chars().count() > max {
        return Err(RowProblem::domain(
            field,
            &DomainError::TextTooLong {
                field: field.to_string(),
                max,
            },
        ));
    }
    Ok(Some(input.to_string()))
}

/// A whole number from `min` to `max`.
fn number(input: &str, field: &str, min: i64, max: i64) -> Result<i64, RowProblem> {
    let Ok(found) = input.parse::<i64>() else {
        return Err(RowProblem::new(
            field,
            format!("Isian {field} harus berupa angka {min} sampai {max}."),
            format!("{field} must be a whole number from {min} to {max}."),
        ));
    };
    if (min..=max).contains(&found) {
        Ok(found)
    } else {
        Err(RowProblem::domain(
            field,
            &DomainError::NumberOutOfRange {
                field: field.to_string(),
                min,
                max,
                found,
            },
        ))
    }
}

/// A village code (dotted or bare digits), in dotted form.
fn village_code(input: &str) -> Result<AreaCode, RowProblem> {
    let field = COLUMNS[KODE_WILAYAH];
    let code = AreaCode::parse(input).map_err(|error| RowProblem::domain(field, &error))?;
    code.require_level(AreaLevel::Village)
        .map_err(|error| RowProblem::domain(field, &error))
}

/// `;`-separated programme codes as a JSON array in catalogue order, without duplicates.
fn programme_codes(input: &str) -> Result<String, RowProblem> {
    let field = COLUMNS[PROGRAM];
    let mut kinds = HashSet::new();
    for code in input.split(';').map(str::trim).filter(|c| !c.is_empty()) {
        let kind = ProgrammeKind::from_code(&code.to_ascii_lowercase()).ok_or_else(|| {
            RowProblem::domain(
                field,
                &DomainError::UnknownCode {
                    field: field.to_string(),
                    code: code.chars().take(30).collect(),
                },
            )
        })?;
        kinds.insert(kind);
    }
    let codes: Vec<&str> = ProgrammeKind::ALL
        .iter()
        .filter(|kind| kinds.contains(*kind))
        .map(|kind| kind.code())
        .collect();
    serde_json::to_string(&codes).map_err(|error| {
        RowProblem::new(
            field,
            format!("Isian {field} tidak dapat disimpan: {error}"),
            format!("{field} cannot be stored: {error}"),
        )
    })
}

// ---------------------------------------------------------------------------
// Applying (on the database side, inside the transaction)
// ---------------------------------------------------------------------------

/// A family seen by this run: its fields as first accepted, its head, whether to write it.
struct FamilyState {
    fields: FamilyFields,
    has_head: bool,
    head_name: String,
    /// Set when the family is new in this run: the whole family row is written.
    new_row: Option<NewFamily>,
    /// Set when a stored family of this run gets its head later: only the name is written.
    head_update: bool,
}

struct NewFamily {
    kk_sealed: String,
    kk_masked: String,
}

/// Applies one batch; returns the rows it rejected, in file order.
async fn apply_batch(
    txn: &DatabaseTransaction,
    import_id: i64,
    rows: Vec<Checked>,
    report: &mut ImportReport,
) -> anyhow::Result<Vec<RejectedRow>> {
    let valid = || {
        rows.iter().filter_map(|row| match row {
            Checked::Valid(row) => Some(row.as_ref()),
            Checked::Rejected(_) => None,
        })
    };
    let registry_ids: HashSet<&str> = valid().map(|row| row.registry_id.as_str()).collect();
    let village_codes: HashSet<&str> = valid()
        .map(|row| row.family.village_code.as_str())
        .collect();
    let nik_hashes: HashSet<&str> = valid().map(|row| row.nik_hash.as_str()).collect();

    let known_villages: HashSet<String> = if village_codes.is_empty() {
        HashSet::new()
    } else {
        areas::Entity::find()
            .select_only()
            .column(areas::Column::Code)
            .filter(areas::Column::Code.is_in(village_codes.iter().copied()))
            .filter(areas::Column::Level.eq(areas::LEVEL_VILLAGE))
            .into_tuple::<String>()
            .all(txn)
            .await?
            .into_iter()
            .collect()
    };
    let mut families: HashMap<String, FamilyState> = HashMap::new();
    let mut people_seen: HashSet<(String, String)> = HashSet::new();
    if !registry_ids.is_empty() {
        let stored = registry_families::Entity::find()
            .filter(registry_families::Column::RegistryId.is_in(registry_ids.iter().copied()))
            .filter(registry_families::Column::ImportId.eq(import_id))
            .all(txn)
            .await?;
        let stored_people: Vec<(String, String, i16)> = registry_people::Entity::find()
            .select_only()
            .columns([
                registry_people::Column::RegistryId,
                registry_people::Column::NikHash,
                registry_people::Column::Relationship,
            ])
            .filter(registry_people::Column::ImportId.eq(import_id))
            .filter(registry_people::Column::RegistryId.is_in(registry_ids.iter().copied()))
            .filter(
                Condition::any()
                    .add(registry_people::Column::Relationship.eq(1_i16))
                    .add(registry_people::Column::NikHash.is_in(nik_hashes.iter().copied())),
            )
            .into_tuple()
            .all(txn)
            .await?;
        let heads: HashSet<&str> = stored_people
            .iter()
            .filter(|(_, _, relationship)| *relationship == 1)
            .map(|(registry_id, _, _)| registry_id.as_str())
            .collect();
        for family in stored {
            let has_head = heads.contains(family.registry_id.as_str());
            families.insert(
                family.registry_id.clone(),
                FamilyState {
                    fields: FamilyFields {
                        source: family.source,
                        kk_hash: family.kk_hash,
                        village_code: family.village_code,
                        address: family.address,
                        desil: family.desil,
                        programmes: family.programmes,
                    },
                    has_head,
                    head_name: family.head_name,
                    new_row: None,
                    head_update: false,
                },
            );
        }
        people_seen.extend(
            stored_people
                .into_iter()
                .map(|(registry_id, nik_hash, _)| (registry_id, nik_hash)),
        );
    }

    let now = Utc::now();
    let mut rejected = Vec::new();
    let mut people = Vec::new();
    let mut new_family_order = Vec::new();
    for row in rows {
        let row = match row {
            Checked::Rejected(row) => {
                rejected.push(row);
                continue;
            }
            Checked::Valid(row) => row,
        };
        let problems = family_problems(&row, &known_villages, &families, &people_seen);
        if !problems.is_empty() {
            rejected.push(RejectedRow {
                line: row.line,
                problems,
            });
            continue;
        }
        let ValidRow {
            registry_id,
            family,
            kk_sealed,
            kk_masked,
            nik_hash,
            nik_sealed,
            nik_masked,
            name,
            relationship,
            ..
        } = *row;
        let is_head = relationship == 1;
        match families.get_mut(&registry_id) {
            Some(state) => {
                if is_head {
                    state.has_head = true;
                    state.head_name = name.clone();
                    state.head_update = state.new_row.is_none();
                }
            }
            None => {
                new_family_order.push(registry_id.clone());
                families.insert(
                    registry_id.clone(),
                    FamilyState {
                        fields: family,
                        has_head: is_head,
                        head_name: name.clone(),
                        new_row: Some(NewFamily {
                            kk_sealed,
                            kk_masked,
                        }),
                        head_update: false,
                    },
                );
            }
        }
        people_seen.insert((registry_id.clone(), nik_hash.clone()));
        people.push(registry_people::ActiveModel {
            id: NotSet,
            registry_id: Set(registry_id),
            nik_hash: Set(nik_hash),
            nik_sealed: Set(nik_sealed),
            nik_masked: Set(nik_masked),
            name: Set(name),
            relationship: Set(relationship),
            import_id: Set(Some(import_id)),
        });
    }

    let mut family_rows = Vec::with_capacity(new_family_order.len());
    for registry_id in new_family_order {
        let Some(state) = families.remove(&registry_id) else {
            continue;
        };
        let Some(new_row) = state.new_row else {
            continue;
        };
        family_rows.push(registry_families::ActiveModel {
            registry_id: Set(registry_id),
            source: Set(state.fields.source),
            kk_hash: Set(state.fields.kk_hash),
            kk_sealed: Set(new_row.kk_sealed),
            kk_masked: Set(new_row.kk_masked),
            head_name: Set(state.head_name),
            village_code: Set(state.fields.village_code),
            address: Set(state.fields.address),
            desil: Set(state.fields.desil),
            programmes: Set(state.fields.programmes),
            import_id: Set(Some(import_id)),
            updated_at: Set(now),
        });
    }
    report.families_upserted += family_rows.len() as u64;
    if !family_rows.is_empty() {
        registry_families::Entity::insert_many(family_rows)
            .on_conflict(
                OnConflict::column(registry_families::Column::RegistryId)
                    .update_columns([
                        registry_families::Column::Source,
                        registry_families::Column::KkHash,
                        registry_families::Column::KkSealed,
                        registry_families::Column::KkMasked,
                        registry_families::Column::HeadName,
                        registry_families::Column::VillageCode,
                        registry_families::Column::Address,
                        registry_families::Column::Desil,
                        registry_families::Column::Programmes,
                        registry_families::Column::ImportId,
                        registry_families::Column::UpdatedAt,
                    ])
                    .to_owned(),
            )
            .exec_without_returning(txn)
            .await?;
    }
    // Families first stored by an earlier batch whose head row came in this one.
    for (registry_id, state) in families.iter().filter(|(_, state)| state.head_update) {
        registry_families::Entity::update_many()
            .col_expr(
                registry_families::Column::HeadName,
                Expr::value(state.head_name.clone()),
            )
            .col_expr(registry_families::Column::UpdatedAt, Expr::value(now))
            .filter(registry_families::Column::RegistryId.eq(registry_id.as_str()))
            .exec(txn)
            .await?;
    }
    let accepted = people.len() as u64;
    if !people.is_empty() {
        registry_people::Entity::insert_many(people)
            .on_conflict(
                OnConflict::columns([
                    registry_people::Column::RegistryId,
                    registry_people::Column::NikHash,
                ])
                .update_columns([
                    registry_people::Column::NikSealed,
                    registry_people::Column::NikMasked,
                    registry_people::Column::Name,
                    registry_people::Column::Relationship,
                    registry_people::Column::ImportId,
                ])
                .to_owned(),
            )
            .exec_without_returning(txn)
            .await?;
    }
    report.rows_accepted += accepted;
    report.people_upserted += accepted;
    report.rows_rejected += rejected.len() as u64;
    rejected.sort_by_key(|row| row.line);
    Ok(rejected)
}

/// What the database and the rows accepted before say against a valid row.
fn family_problems(
    row: &ValidRow,
    known_villages: &HashSet<String>,
    families: &HashMap<String, FamilyState>,
    people_seen: &HashSet<(String, String)>,
) -> Vec<RowProblem> {
    let mut problems = Vec::new();
    let village = &row.family.village_code;
    if !known_villages.contains(village) {
        let field = COLUMNS[KODE_WILAYAH];
        problems.push(RowProblem::new(
            field,
            format!("Kode wilayah {village} tidak ada dalam tabel wilayah (desa/kelurahan)."),
            format!("Area code {village} is not a village in the area table."),
        ));
        return problems;
    }
    let registry_id = &row.registry_id;
    if let Some(state) = families.get(registry_id) {
        for field in row.family.differing(&state.fields) {
            problems.push(RowProblem::new(
                field,
                format!(
                    "Isian {field} berbeda dengan baris keluarga {registry_id} yang sudah diterima; \
                     data keluarga harus sama di setiap baris anggotanya."
                ),
                format!(
                    "{field} differs from the accepted row of family {registry_id}; family \
                     fields must be the same on every member row."
                ),
            ));
        }
        if row.relationship == 1 && state.has_head {
            problems.push(RowProblem::new(
                COLUMNS[HUBUNGAN],
                format!(
                    "Keluarga {registry_id} sudah memiliki kepala keluarga (hubungan 1) di baris lain."
                ),
                format!("Family {registry_id} already has a head (hubungan 1) on another row."),
            ));
        }
    }
    if people_seen.contains(&(registry_id.clone(), row.nik_hash.clone())) {
        problems.push(RowProblem::domain(
            COLUMNS[NIK],
            &DomainError::DuplicateNik {
                masked: row.nik_masked.clone(),
            },
        ));
    }
    problems
}

/// Gives households whose No KK matches a family of this import its registry id and desil.
/// Where several families share a No KK, the one with the smallest registry id is used.
async fn link_households(txn: &DatabaseTransaction, import_id: i64) -> anyhow::Result<u64> {
    let backend = txn.get_database_backend();
    let pick = |column: &str| {
        format!(
            "(SELECT rf.{column} FROM registry_families rf \
              WHERE rf.kk_hash = households.kk_hash AND rf.import_id = $1 \
              ORDER BY rf.registry_id LIMIT 1)"
        )
    };
    let condition = format!(
        "EXISTS (SELECT 1 FROM registry_families rf \
                 WHERE rf.kk_hash = households.kk_hash AND rf.import_id = $1) \
           AND (households.registry_id IS NULL OR households.desil IS NULL \
                OR households.registry_id <> {id} OR households.desil <> {desil})",
        id = pick("registry_id"),
        desil = pick("desil"),
    );
    let sql = format!(
        "UPDATE households SET registry_id = {id}, desil = {desil}, \
           updated_at = $2, version = version + 1 WHERE {condition}",
        id = pick("registry_id"),
        desil = pick("desil"),
    );
    let for_backend = |sql: String| match backend {
        DatabaseBackend::Postgres => sql,
        // SQLite numbers its parameters `?1`, `?2`.
        _ => sql.replace('$', "?"),
    };
    // The dashboard counters follow the households whose desil changes.
    let ids: Vec<i64> = txn
        .query_all_raw(Statement::from_sql_and_values(
            backend,
            for_backend(format!("SELECT id FROM households WHERE {condition}")),
            [import_id.into()],
        ))
        .await?
        .iter()
        .map(|row| row.try_get::<i64>("", "id"))
        .collect::<Result<_, _>>()?;
    let mut touch = crate::services::stats::Touch::default();
    touch
        .note(txn, crate::services::stats::Kind::Household, &ids)
        .await?;
    let result = txn
        .execute_raw(Statement::from_sql_and_values(
            backend,
            for_backend(sql),
            [import_id.into(), Utc::now().into()],
        ))
        .await?;
    touch.settle(txn).await?;
    Ok(result.rows_affected())
}

// ---------------------------------------------------------------------------
// Report file and progress
// ---------------------------------------------------------------------------

/// The rejected-rows report: `baris,kolom,alasan,reason`, one line per problem.
struct ReportWriter {
    writer: csv::Writer<BufWriter<File>>,
    path: PathBuf,
}

impl ReportWriter {
    fn create(path: &Path) -> anyhow::Result<ReportWriter> {
        let file = File::create(path)
            .with_context(|| format!("cannot create the report {}", path.display()))?;
        let mut writer = csv::Writer::from_writer(BufWriter::new(file));
        writer
            .write_record(["baris", "kolom", "alasan", "reason"])
            .with_context(|| format!("cannot write the report {}", path.display()))?;
        Ok(ReportWriter {
            writer,
            path: path.to_path_buf(),
        })
    }

    fn write(&mut self, row: &RejectedRow) -> anyhow::Result<()> {
        let line = row.line.to_string();
        for problem in &row.problems {
            self.writer
                .write_record([
                    line.as_str(),
                    problem.field.as_str(),
                    problem.reason_id.as_str(),
                    problem.reason_en.as_str(),
                ])
                .with_context(|| format!("cannot write the report {}", self.path.display()))?;
        }
        Ok(())
    }

    fn finish(mut self) -> anyhow::Result<()> {
        self.writer
            .flush()
            .with_context(|| format!("cannot write the report {}", self.path.display()))?;
        let inner = self
            .writer
            .into_inner()
            .map_err(|error| anyhow!("cannot write the report {}: {error}", self.path.display()))?;
        let mut file = inner
            .into_inner()
            .map_err(|error| anyhow!("cannot write the report {}: {error}", self.path.display()))?;
        file.flush()
            .with_context(|| format!("cannot write the report {}", self.path.display()))
    }
}

enum ProgressBar {
    Silent,
    Bar(indicatif::ProgressBar),
    Callback(ProgressCallback),
}

impl ProgressBar {
    fn new(progress: &Progress, format: Format, bytes_total: u64) -> ProgressBar {
        match progress {
            Progress::Silent => ProgressBar::Silent,
            Progress::Callback(callback) => ProgressBar::Callback(callback.clone()),
            Progress::Terminal if std::io::IsTerminal::is_terminal(&std::io::stderr()) => {
                let bar = match format {
                    Format::Csv => {
                        let bar = indicatif::ProgressBar::new(bytes_total);
                        if let Ok(style) = indicatif::ProgressStyle::with_template(
                            "{elapsed_precise} [{bar:40}] {bytes}/{total_bytes} {msg}",
                        ) {
                            bar.set_style(style.progress_chars("=> "));
                        }
                        bar
                    }
                    Format::Xlsx => indicatif::ProgressBar::new_spinner(),
                };
                ProgressBar::Bar(bar)
            }
            Progress::Terminal => ProgressBar::Silent,
        }
    }

    fn update(&mut self, progress: &ImportProgress) -> ControlFlow<()> {
        match self {
            ProgressBar::Silent => ControlFlow::Continue(()),
            ProgressBar::Callback(callback) => callback(progress),
            ProgressBar::Bar(bar) => {
                if progress.bytes_total.is_some() {
                    bar.set_position(progress.bytes_read);
                } else {
                    bar.tick();
                }
                bar.set_message(format!(
                    "{} baris, {} diterima, {} ditolak",
                    progress.rows_read, progress.rows_accepted, progress.rows_rejected
                ));
                ControlFlow::Continue(())
            }
        }
    }

    fn finish(&self) {
        if let ProgressBar::Bar(bar) = self {
            bar.finish_and_clear();
        }
    }
}
