//! Reading a registry file (on the blocking reader thread) through
//! [`crate::sheets`]: any of XLSX, XLS, ODS or delimited text (`,` `;` or tab,
//! UTF-8 or Windows-1252), told by content; the header row found below title
//! rows; the columns mapped from the names offices give them (or as the
//! mapping step chose); each row turned into the documented columns' text and
//! sent on in batches of checked rows.

use std::path::Path;

use anyhow::{anyhow, bail};
use shared::geo::{AreaCode, AreaLevel, NeighbourhoodUnit};
use shared::identity::IdNumberKind;
use shared::sheet_import::RelationshipNumbering;
use tokio::sync::mpsc;

use super::check::{Checked, FamilyNumbers, check_row};
use super::{
    ALAMAT, COLUMNS, DESIL, HUBUNGAN, KODE_WILAYAH, NIK, NO_KK, PROGRAM, Reading, RowProblem,
};
use crate::protect::DataKey;
use crate::sheets::{
    self, AreaIndex, Cell, Field, FileKind, Header, Mapping, Row, ValueProblem, Workbook,
};

/// The field each documented column is read from.
const FIELDS: [Field; 10] = sheets::REGISTRY_FIELDS;

/// Documented columns a file may leave out (their values are then empty).
const OPTIONAL: [usize; 2] = [ALAMAT, PROGRAM];

/// A row as read: its line, the documented columns' text, where in the
/// village the family lives, and reading problems (cell types, field count,
/// names of areas) that reject it before validation.
pub(super) struct RawRow {
    pub(super) line: u64,
    fields: [String; 10],
    pub(super) rt: Option<String>,
    pub(super) rw: Option<String>,
    pub(super) dusun: Option<String>,
    pub(super) issues: Vec<RowProblem>,
}

pub(super) struct Batch {
    pub(super) rows: Vec<Checked>,
    pub(super) bytes_read: u64,
}

/// Which column of the file holds each documented column, and its name there.
pub(super) struct Layout {
    mapping: Mapping,
    names: [String; 10],
    /// Fields in a text file's header (rows with more or fewer are misaligned).
    text_width: Option<usize>,
}

impl Layout {
    fn new(path: &Path, kind: FileKind, header: &Header, mapping: Mapping) -> anyhow::Result<Self> {
        let missing: Vec<String> = FIELDS
            .iter()
            .enumerate()
            .filter(|(index, field)| {
                !OPTIONAL.contains(index) && mapping.column_of(**field).is_none()
            })
            .map(|(index, field)| format!("{} ({})", COLUMNS[index], field.label_en()))
            .collect();
        if !missing.is_empty() {
            bail!(
                "{}: no column of the header (row {}) holds {}; name the columns as \
                 docs/registry-import.md lists them (e.g. {}) or as offices do (NO KK, \
                 NAMA LENGKAP, SHDK, DESA/KELURAHAN, ...)",
                path.display(),
                header.row,
                missing.join(", "),
                COLUMNS.join(",")
            );
        }
        let names = std::array::from_fn(|index| {
            mapping
                .column_of(FIELDS[index])
                .and_then(|column| header.columns.get(column))
                .map(|name| name.trim().to_string())
                .filter(|name| !name.is_empty())
                .unwrap_or_else(|| COLUMNS[index].to_string())
        });
        Ok(Layout {
            mapping,
            names,
            text_width: (kind == FileKind::Csv).then_some(header.columns.len()),
        })
    }

    /// The file's name of documented column `column` (its header as written).
    pub(super) fn name(&self, column: usize) -> &str {
        self.names.get(column).map_or("", String::as_str)
    }

    pub(super) fn field<'a>(&self, row: &'a RawRow, column: usize) -> &'a str {
        row.fields.get(column).map_or("", |field| field.trim())
    }

    /// The row's documented columns as read, NIK and No KK masked (for the rejected-rows report).
    pub(super) fn values(&self, row: &RawRow) -> Vec<String> {
        (0..COLUMNS.len())
            .map(|column| {
                let text = self.field(row, column);
                if column == NIK || column == NO_KK {
                    // Written with spaces, dots or dashes, a number is masked all the same.
                    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
                    if digits.len() >= 10 {
                        shared::sheet_import::masked_sample(&digits)
                    } else {
                        text.to_string()
                    }
                } else {
                    text.to_string()
                }
            })
            .collect()
    }

    /// The row's cells as the documented columns' text, with what reading found wrong.
    fn raw_row(&self, row: &Row, areas: Option<&AreaIndex>) -> RawRow {
        let mut issues = Vec::new();
        let mut problem = |name: &str, problem: ValueProblem| {
            issues.push(RowProblem::new(name, problem.reason_id, problem.reason_en));
        };
        if let Some(width) = self.text_width {
            let found = row.cells.len();
            if found < width {
                problem(
                    "baris",
                    ValueProblem::new(
                        format!("Baris terpotong: berisi {found} kolom, seharusnya {width}."),
                        format!("Truncated line: {found} fields, {width} expected."),
                    ),
                );
            } else if found > width {
                problem(
                    "baris",
                    ValueProblem::new(
                        format!(
                            "Baris berisi {found} kolom, seharusnya {width} (ada pemisah di luar tanda kutip?)."
                        ),
                        format!(
                            "The line has {found} fields, {width} expected (a separator outside quotes?)."
                        ),
                    ),
                );
            }
        }
        let sub_district = self
            .mapping
            .column_of(Field::SubDistrict)
            .map(|column| row.cell(column).text());
        let fields = std::array::from_fn(|index| {
            let Some(column) = self.mapping.column_of(FIELDS[index]) else {
                return String::new();
            };
            let cell = row.cell(column);
            let name = self.name(index);
            match column_text(
                index,
                cell,
                areas,
                sub_district.as_deref(),
                self.mapping.numbering(),
            ) {
                Ok(text) => text,
                Err(reason) => {
                    problem(name, reason);
                    String::new()
                }
            }
        });
        let header_of = |column: usize, field: Field| {
            self.mapping
                .columns()
                .get(column)
                .map_or_else(|| field.code().to_string(), |c| c.header.trim().to_string())
        };
        let mut read =
            |field: Field, parse: &dyn Fn(&Cell) -> Result<Option<String>, ValueProblem>| {
                let column = self.mapping.column_of(field)?;
                parse(row.cell(column))
                    .map_err(|reason| problem(&header_of(column, field), reason))
                    .ok()
                    .flatten()
            };
        let three =
            |number: Option<shared::geo::NeighbourhoodNumber>| number.map(|n| n.to_string());
        let rt = read(Field::Rt, &|cell| {
            sheets::parse_neighbourhood(cell, NeighbourhoodUnit::Rt).map(three)
        });
        let rw = read(Field::Rw, &|cell| {
            sheets::parse_neighbourhood(cell, NeighbourhoodUnit::Rw).map(three)
        });
        let dusun = read(Field::Dusun, &|cell| {
            sheets::parse_text(cell, sheets::PLACE_MAX)
        });
        let both = read(Field::RtRw, &|cell| {
            sheets::parse_rt_rw(cell).map(|(rt, rw)| {
                Some(format!(
                    "{}/{}",
                    three(rt).unwrap_or_default(),
                    three(rw).unwrap_or_default()
                ))
            })
        });
        let (both_rt, both_rw) = match both.as_deref().and_then(|both| both.split_once('/')) {
            Some((rt, rw)) => (
                Some(rt.to_string()).filter(|rt| !rt.is_empty()),
                Some(rw.to_string()).filter(|rw| !rw.is_empty()),
            ),
            None => (None, None),
        };
        let (rt, rw) = (rt.or(both_rt), rw.or(both_rw));
        RawRow {
            line: row.number,
            fields,
            rt,
            rw,
            dusun,
            issues,
        }
    }
}

/// The text a documented column's cell stands for: numbers Excel kept of an
/// identity number refused, SHDK, desil and programme names turned into the
/// documented codes, village names resolved in the district. Values that do
/// not read are passed on as written, for the row's check to word the refusal.
fn column_text(
    index: usize,
    cell: &Cell,
    areas: Option<&AreaIndex>,
    sub_district: Option<&str>,
    numbering: RelationshipNumbering,
) -> Result<String, ValueProblem> {
    if let Cell::Error(error) = cell {
        return Err(ValueProblem::new(
            format!("Sel berisi galat Excel ({error}), bukan nilai."),
            format!("The cell holds an Excel error ({error}), not a value."),
        ));
    }
    let text = cell.text();
    match index {
        NIK | NO_KK => {
            if let Cell::Number(_) = cell {
                let kind = if index == NIK {
                    IdNumberKind::Nik
                } else {
                    IdNumberKind::NoKk
                };
                let digits = text.trim();
                let last_digit = digits.len() == 16 && digits.ends_with('0');
                return Err(sheets::excel_number_problem(kind, last_digit));
            }
            // A number Excel wrote in scientific form (`3,20901E+15`) is refused
            // with how to fix it; other problems are the check's to word.
            if !sheets::is_scientific(&text) {
                return Ok(text);
            }
            let parsed = if index == NIK {
                sheets::parse_nik(cell).map(|_| ())
            } else {
                sheets::parse_no_kk(cell).map(|_| ())
            };
            match parsed {
                Err(problem) => Err(problem),
                Ok(()) => Ok(text),
            }
        }
        // Written as the registry numbers it (a name, or a number in the
        // file's numbering); what cannot be read is left for the row check.
        HUBUNGAN
            if numbering != RelationshipNumbering::Registry
                || !text.trim().bytes().all(|b| b.is_ascii_digit()) =>
        {
            Ok(match sheets::parse_relationship(cell, numbering) {
                Ok(Some(relationship)) => relationship.number().to_string(),
                _ => text,
            })
        }
        DESIL if !text.trim().bytes().all(|b| b.is_ascii_digit()) => {
            Ok(match sheets::parse_desil(cell) {
                Ok(Some(desil)) => desil.get().to_string(),
                _ => text,
            })
        }
        // The documented form (`pkh;bpnt`, lower-case codes) is the check's to read.
        PROGRAM if !documented_codes(&text) => Ok(match sheets::parse_programmes(cell) {
            Ok(kinds) => kinds
                .iter()
                .map(|kind| kind.code())
                .collect::<Vec<_>>()
                .join(";"),
            Err(_) => text,
        }),
        KODE_WILAYAH => {
            let typed = text.trim();
            let code_like = typed.bytes().all(|b| b.is_ascii_digit() || b == b'.');
            if typed.is_empty() || code_like || AreaCode::parse(typed).is_ok() {
                return Ok(text);
            }
            let has_letters = typed.chars().any(char::is_alphabetic);
            match areas {
                Some(areas) if has_letters => {
                    let found = areas.village(typed, sub_district);
                    match (found.code(), found.problem(typed, AreaLevel::Village)) {
                        (Some(code), _) => Ok(code.as_str().to_string()),
                        (None, Some(problem)) => Err(problem),
                        (None, None) => Ok(text),
                    }
                }
                None if has_letters => Err(ValueProblem::new(
                    format!(
                        "Desa/kelurahan ditulis dengan nama (\"{}\"): nama hanya dapat dibaca bila kabupaten/kotanya dipilih (slrt import-registry --district 32.09), atau tulis kode Kemendagri-nya.",
                        shared::text::without_personal_numbers(typed, 60)
                    ),
                    format!(
                        "The village is given by name (\"{}\"): names are read only when the district is chosen (slrt import-registry --district 32.09); or write its Kemendagri code.",
                        shared::text::without_personal_numbers(typed, 60)
                    ),
                )),
                _ => Ok(text),
            }
        }
        _ => Ok(text),
    }
}

/// Text in the documented form of the programme column: lower-case codes
/// separated by `;` (or nothing).
fn documented_codes(text: &str) -> bool {
    text.bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'_' | b';' | b' '))
}

/// Reads the file and sends checked rows in batches; errors go down the channel too.
pub(super) fn produce(
    path: &Path,
    reading: Reading,
    areas: Option<AreaIndex>,
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
        family: FamilyNumbers::default(),
    };
    match read_sheet(path, &reading, areas.as_ref(), &mut batcher) {
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
    /// The last family's No KK, protected once for all its rows.
    family: FamilyNumbers,
}

impl Batcher {
    /// Validates and queues a row; false when reading should stop.
    fn push(&mut self, layout: &Layout, row: RawRow, bytes_read: u64) -> bool {
        self.rows
            .push(check_row(&self.key, layout, row, &mut self.family));
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

/// Streams the worksheet (or text) row by row; returns the bytes of text read (0 for a workbook).
fn read_sheet(
    path: &Path,
    reading: &Reading,
    areas: Option<&AreaIndex>,
    batcher: &mut Batcher,
) -> anyhow::Result<u64> {
    let unreadable =
        |error: sheets::SheetError| anyhow!("{}: {}", path.display(), error.message_en());
    let mut book = Workbook::open(path, &reading.open).map_err(unreadable)?;
    let kind = book.kind();
    let mut rows = book.rows().map_err(unreadable)?;
    let header = sheets::find_header(&mut rows, reading.header_row).map_err(unreadable)?;
    let mapping = match &reading.fields {
        Some(fields) => Mapping::from_fields(&header, fields),
        None => Mapping::propose(&header),
    }
    .with_numbering(reading.numbering);
    let layout = Layout::new(path, kind, &header, mapping)?;
    while let Some(row) = rows.next_row().map_err(unreadable)? {
        if row.number < header.data_start || row.is_blank() {
            continue;
        }
        let raw = layout.raw_row(&row, areas);
        let bytes_read = rows.bytes_read().unwrap_or(0);
        if !batcher.push(&layout, raw, bytes_read) {
            return Ok(bytes_read);
        }
    }
    Ok(rows.bytes_read().unwrap_or(0))
}
