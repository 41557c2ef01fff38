//! The import's report: what a run did, the rejected rows and their problems,
//! the rejected-rows report file and the progress shown while importing.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, anyhow};
use shared::error::DomainError;

use super::{Format, ImportProgress, Progress, ProgressCallback};

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
    pub(crate) fn new(field: &str, reason_id: String, reason_en: String) -> RowProblem {
        RowProblem {
            field: field.to_string(),
            reason_id,
            reason_en,
        }
    }

    pub(crate) fn domain(field: &str, error: &DomainError) -> RowProblem {
        RowProblem::new(field, error.message_id(), error.message_en())
    }
}

/// A row that was not imported, by its line in the file (XLSX: its row number).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectedRow {
    pub line: u64,
    pub problems: Vec<RowProblem>,
    /// The row's values in the documented columns' order ([`super::COLUMNS`]),
    /// NIK and No KK masked, so that the office can find and mend the row.
    pub values: Vec<String>,
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
    /// Sent new-family proposals this import enacted, and those still missing.
    pub proposals: crate::services::proposal_apply::Enactments,
    /// The first [`REJECTED_KEPT`](super::REJECTED_KEPT) rejected rows, in file order.
    pub rejected: Vec<RejectedRow>,
    pub elapsed: Duration,
}

impl ImportReport {
    /// Rows read per second of the whole run.
    pub fn rows_per_second(&self) -> f64 {
        self.rows_total as f64 / self.elapsed.as_secs_f64().max(0.001)
    }
}

/// The rejected-rows report: `baris,kolom,alasan,reason` and the row's own
/// values under their columns' names, one line per problem.
pub(crate) struct ReportWriter {
    writer: csv::Writer<BufWriter<File>>,
    path: PathBuf,
    /// Values written after the reason.
    width: usize,
}

impl ReportWriter {
    /// A report of registry rows (values under the documented columns' names).
    pub(super) fn create(path: &Path) -> anyhow::Result<ReportWriter> {
        ReportWriter::with_columns(path, &super::COLUMNS)
    }

    /// A report whose rows' values go under `columns`.
    pub(crate) fn with_columns<S: AsRef<str>>(
        path: &Path,
        columns: &[S],
    ) -> anyhow::Result<ReportWriter> {
        let file = File::create(path)
            .with_context(|| format!("cannot create the report {}", path.display()))?;
        let mut writer = csv::Writer::from_writer(BufWriter::new(file));
        let header = ["baris", "kolom", "alasan", "reason"]
            .into_iter()
            .chain(columns.iter().map(AsRef::as_ref));
        writer
            .write_record(header)
            .with_context(|| format!("cannot write the report {}", path.display()))?;
        Ok(ReportWriter {
            writer,
            path: path.to_path_buf(),
            width: columns.len(),
        })
    }

    pub(crate) fn write(&mut self, row: &RejectedRow) -> anyhow::Result<()> {
        let line = row.line.to_string();
        let values =
            (0..self.width).map(|column| row.values.get(column).map_or("", String::as_str));
        for problem in &row.problems {
            let record = [
                line.as_str(),
                problem.field.as_str(),
                problem.reason_id.as_str(),
                problem.reason_en.as_str(),
            ]
            .into_iter()
            .chain(values.clone());
            self.writer
                .write_record(record)
                .with_context(|| format!("cannot write the report {}", self.path.display()))?;
        }
        Ok(())
    }

    pub(crate) fn finish(mut self) -> anyhow::Result<()> {
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

pub(super) enum ProgressBar {
    Silent,
    Bar(indicatif::ProgressBar),
    Callback(ProgressCallback),
}

impl ProgressBar {
    pub(super) fn new(progress: &Progress, format: Format, bytes_total: u64) -> ProgressBar {
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
                    Format::Workbook => indicatif::ProgressBar::new_spinner(),
                };
                ProgressBar::Bar(bar)
            }
            Progress::Terminal => ProgressBar::Silent,
        }
    }

    pub(super) fn update(&mut self, progress: &ImportProgress) -> ControlFlow<()> {
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

    pub(super) fn finish(&self) {
        if let ProgressBar::Bar(bar) = self {
            bar.finish_and_clear();
        }
    }
}
