//! Reading a registry file (on the blocking reader thread): the header, CSV
//! records and XLSX cells as raw rows, sent on in batches of checked rows.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use anyhow::{Context, anyhow, bail};
use calamine::{DataRef, Reader as _, Xlsx};
use tokio::sync::mpsc;

use super::check::{Checked, check_row};
use super::{COLUMNS, Format, MAX_COLUMNS, NIK, NO_KK, RowProblem};
use crate::protect::DataKey;

/// A row as read: its line, its fields in file order, and reading problems
/// (encoding, field count, cell types) that reject it before validation.
pub(super) struct RawRow {
    pub(super) line: u64,
    fields: Vec<String>,
    pub(super) issues: Vec<RowProblem>,
}

pub(super) struct Batch {
    pub(super) rows: Vec<Checked>,
    pub(super) bytes_read: u64,
}

/// Where each documented column is in the file.
pub(super) struct Layout {
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

    pub(super) fn field<'a>(&self, row: &'a RawRow, column: usize) -> &'a str {
        self.at
            .get(column)
            .and_then(|&index| row.fields.get(index))
            .map_or("", |field| field.trim())
    }
}

/// Reads the file and sends checked rows in batches; errors go down the channel too.
pub(super) fn produce(
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
