//! Opening a file by what it holds, not by its name (XLSX, XLS, ODS or text),
//! choosing its worksheet, and reading its rows one at a time.

use std::collections::VecDeque;
use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::Path;

use calamine::{Data, Ods, Range, Reader, SheetType, SheetVisible, Xls, Xlsx, XlsxCellReader};

use super::cell::{Cell, Row};
use super::text::{CsvFormat, CsvRows, Delimiter, TextEncoding, read_up_to};
use super::{NotSpreadsheet, SheetError};

shared::coded_enum! {
    /// The kind of file, told by its content.
    pub enum FileKind {
        /// Excel 2007 and later (a zip archive with `xl/`).
        Xlsx = ("xlsx", "Excel (.xlsx)", "Excel (.xlsx)"),
        /// Excel 97–2003 (an OLE compound file).
        Xls = ("xls", "Excel 97–2003 (.xls)", "Excel 97–2003 (.xls)"),
        /// OpenDocument spreadsheet (LibreOffice, WPS; a zip archive with its mimetype).
        Ods = ("ods", "OpenDocument (.ods)", "OpenDocument (.ods)"),
        /// Delimited text (CSV, TSV, "Unicode Text").
        Csv = ("csv", "Teks (CSV)", "Text (CSV)"),
    }
}

/// Columns read from a row; cells further right are left out (no sheet an
/// office keeps comes near it, and a stray cell far right must not cost memory).
pub const MAX_COLUMNS: usize = 512;

/// What the caller chose instead of what would be detected.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OpenOptions {
    /// A text file's encoding (detected when `None`).
    pub encoding: Option<TextEncoding>,
    /// A text file's delimiter (sniffed when `None`).
    pub delimiter: Option<Delimiter>,
    /// A workbook's worksheet, by its index in [`Workbook::sheet_names`]
    /// (the first visible worksheet when `None`).
    pub sheet: Option<usize>,
}

/// An opened spreadsheet or text file, ready to read one worksheet's rows.
pub struct Workbook {
    kind: FileKind,
    sheet_names: Vec<String>,
    sheet: Option<usize>,
    source: Source,
}

enum Source {
    /// XLSX keeps its workbook: the worksheet is streamed cell by cell.
    Xlsx(Box<Xlsx<BufReader<File>>>),
    /// XLS and ODS: calamine reads the worksheet whole.
    Range(Range<Data>),
    Csv(Box<CsvRows>),
}

impl Workbook {
    /// Opens `path`, told by its first bytes: a zip archive with `xl/` is XLSX,
    /// one whose `mimetype` names an OpenDocument spreadsheet is ODS, an OLE
    /// compound file is XLS, anything else is read as delimited text (unless
    /// it is binary, a web page or another kind of document, which is refused).
    pub fn open(path: &Path, options: &OpenOptions) -> Result<Workbook, SheetError> {
        let mut file = File::open(path).map_err(SheetError::io)?;
        let kind = sniff(&mut file)?;
        file.seek(SeekFrom::Start(0)).map_err(SheetError::io)?;
        let reader = BufReader::new(file);
        let damaged = |detail: String| SheetError::Damaged {
            kind,
            detail: shared::text::without_personal_numbers(&detail, 300),
        };
        match kind {
            FileKind::Xlsx => {
                let book = Xlsx::new(reader).map_err(|error| match error {
                    calamine::XlsxError::Password => SheetError::Protected,
                    other => damaged(other.to_string()),
                })?;
                let (sheet_names, sheet) = choose_sheet(book.sheets_metadata(), options.sheet)?;
                Ok(Workbook {
                    kind,
                    sheet_names,
                    sheet: Some(sheet),
                    source: Source::Xlsx(Box::new(book)),
                })
            }
            FileKind::Xls => {
                let mut book: Xls<_> = match Xls::new(reader) {
                    Ok(book) => book,
                    Err(calamine::XlsError::Password) => return Err(SheetError::Protected),
                    Err(error) => return Err(protected_or(path, damaged(error.to_string()))),
                };
                let (sheet_names, sheet) = choose_sheet(book.sheets_metadata(), options.sheet)?;
                let range = sheet_range(&mut book, &sheet_names, sheet, damaged)?;
                Ok(Workbook {
                    kind,
                    sheet_names,
                    sheet: Some(sheet),
                    source: Source::Range(range),
                })
            }
            FileKind::Ods => {
                let mut book: Ods<_> = Ods::new(reader).map_err(|error| match error {
                    calamine::OdsError::Password => SheetError::Protected,
                    other => damaged(other.to_string()),
                })?;
                let (sheet_names, sheet) = choose_sheet(book.sheets_metadata(), options.sheet)?;
                let range = sheet_range(&mut book, &sheet_names, sheet, damaged)?;
                Ok(Workbook {
                    kind,
                    sheet_names,
                    sheet: Some(sheet),
                    source: Source::Range(range),
                })
            }
            FileKind::Csv => {
                let file = reader.into_inner();
                let rows = CsvRows::open(file, options.encoding, options.delimiter, MAX_COLUMNS)?;
                Ok(Workbook {
                    kind,
                    sheet_names: Vec::new(),
                    sheet: None,
                    source: Source::Csv(Box::new(rows)),
                })
            }
        }
    }

    /// What kind of file it is.
    pub fn kind(&self) -> FileKind {
        self.kind
    }

    /// The workbook's worksheets (chart and macro sheets left out); empty for text.
    pub fn sheet_names(&self) -> &[String] {
        &self.sheet_names
    }

    /// The index in [`sheet_names`](Self::sheet_names) of the worksheet read.
    pub fn sheet(&self) -> Option<usize> {
        self.sheet
    }

    /// How a text file is read (encoding, delimiter); `None` for a workbook.
    pub fn csv_format(&self) -> Option<CsvFormat> {
        match &self.source {
            Source::Csv(rows) => Some(rows.format()),
            _ => None,
        }
    }

    /// Whether a text file held bytes that are not valid in its encoding (read
    /// as `�`) so far: the encoding chosen is probably wrong.
    pub fn replaced_characters(&self) -> bool {
        match &self.source {
            Source::Csv(rows) => rows.replaced_characters(),
            _ => false,
        }
    }

    /// The rows of the worksheet (or text), from the top, blank rows left out.
    pub fn rows(&mut self) -> Result<Rows<'_>, SheetError> {
        let kind = self.kind;
        let inner = match &mut self.source {
            Source::Xlsx(book) => {
                let name = self
                    .sheet
                    .and_then(|index| self.sheet_names.get(index))
                    .cloned()
                    .unwrap_or_default();
                let cells =
                    book.worksheet_cells_reader(&name)
                        .map_err(|error| SheetError::Damaged {
                            kind,
                            detail: shared::text::without_personal_numbers(&error.to_string(), 300),
                        })?;
                Inner::Xlsx {
                    cells: Box::new(cells),
                    current: None,
                    done: false,
                }
            }
            Source::Range(range) => Inner::Range {
                start: range.start(),
                rows: range.rows(),
                next: 0,
            },
            Source::Csv(rows) => Inner::Csv(rows),
        };
        Ok(Rows {
            kind,
            inner,
            pending: VecDeque::new(),
        })
    }
}

/// The rows of one worksheet, read as they are asked for. XLSX is streamed
/// cell by cell and text record by record, so neither is held whole; XLS and
/// ODS come from calamine whole (see the module's notes).
pub struct Rows<'a> {
    kind: FileKind,
    inner: Inner<'a>,
    /// Rows read ahead (by header detection) and handed out first.
    pending: VecDeque<Row>,
}

enum Inner<'a> {
    Xlsx {
        cells: Box<XlsxCellReader<'a, BufReader<File>>>,
        current: Option<(u32, Vec<Cell>)>,
        done: bool,
    },
    Range {
        /// The top-left cell of the range (row, column), `None` for an empty sheet.
        start: Option<(u32, u32)>,
        rows: calamine::Rows<'a, Data>,
        next: usize,
    },
    Csv(&'a mut CsvRows),
}

impl Rows<'_> {
    /// The next row that is not blank, or `None` at the end.
    pub fn next_row(&mut self) -> Result<Option<Row>, SheetError> {
        if let Some(row) = self.pending.pop_front() {
            return Ok(Some(row));
        }
        let kind = self.kind;
        match &mut self.inner {
            Inner::Xlsx {
                cells,
                current,
                done,
            } => next_xlsx_row(kind, cells, current, done),
            Inner::Range { start, rows, next } => Ok(next_range_row(*start, rows, next)),
            Inner::Csv(rows) => rows.next_row(),
        }
    }

    /// Bytes of a text file read so far (for a progress bar); `None` for a workbook.
    pub fn bytes_read(&self) -> Option<u64> {
        match &self.inner {
            Inner::Csv(rows) => Some(rows.bytes_read()),
            _ => None,
        }
    }

    /// Hands `rows` out again, in their order, before any row not yet read.
    pub(super) fn put_back(&mut self, rows: Vec<Row>) {
        for row in rows.into_iter().rev() {
            self.pending.push_front(row);
        }
    }
}

impl Iterator for Rows<'_> {
    type Item = Result<Row, SheetError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_row().transpose()
    }
}

fn next_xlsx_row(
    kind: FileKind,
    cells: &mut XlsxCellReader<'_, BufReader<File>>,
    current: &mut Option<(u32, Vec<Cell>)>,
    done: &mut bool,
) -> Result<Option<Row>, SheetError> {
    while !*done {
        let cell = cells.next_cell().map_err(|error| SheetError::Damaged {
            kind,
            detail: shared::text::without_personal_numbers(&error.to_string(), 300),
        })?;
        let Some(cell) = cell else {
            *done = true;
            break;
        };
        let (row, column) = cell.get_position();
        let finished = match current {
            Some((at, _)) if *at != row => current.take(),
            _ => None,
        };
        let column = usize::try_from(column).unwrap_or(usize::MAX);
        let value = Cell::from(cell.get_value());
        if column < MAX_COLUMNS && !value.is_blank() {
            let values = &mut current.get_or_insert_with(|| (row, Vec::new())).1;
            if values.len() <= column {
                values.resize(column + 1, Cell::Empty);
            }
            if let Some(slot) = values.get_mut(column) {
                *slot = value;
            }
        }
        if let Some((at, values)) = finished {
            return Ok(Some(Row {
                number: u64::from(at) + 1,
                cells: values,
            }));
        }
    }
    Ok(current.take().map(|(at, values)| Row {
        number: u64::from(at) + 1,
        cells: values,
    }))
}

fn next_range_row(
    start: Option<(u32, u32)>,
    rows: &mut calamine::Rows<'_, Data>,
    next: &mut usize,
) -> Option<Row> {
    let (top, left) = start?;
    let left = usize::try_from(left).unwrap_or(usize::MAX);
    for values in rows.by_ref() {
        let index = *next;
        *next += 1;
        let mut cells = vec![Cell::Empty; left.min(MAX_COLUMNS)];
        cells.extend(
            values
                .iter()
                .take(MAX_COLUMNS.saturating_sub(left))
                .map(Cell::from),
        );
        while cells.last().is_some_and(Cell::is_blank) {
            cells.pop();
        }
        let row = Row {
            number: u64::from(top) + index as u64 + 1,
            cells,
        };
        if !row.is_blank() {
            return Some(row);
        }
    }
    None
}

/// The worksheets of a workbook and the one to read: the caller's, else the first visible one.
fn choose_sheet(
    sheets: &[calamine::Sheet],
    chosen: Option<usize>,
) -> Result<(Vec<String>, usize), SheetError> {
    let worksheets: Vec<&calamine::Sheet> = sheets
        .iter()
        .filter(|sheet| sheet.typ == SheetType::WorkSheet)
        .collect();
    let names: Vec<String> = worksheets.iter().map(|sheet| sheet.name.clone()).collect();
    let index = match chosen {
        Some(index) if index < names.len() => index,
        Some(index) => {
            return Err(SheetError::SheetMissing {
                index,
                sheets: names.len(),
            });
        }
        None => worksheets
            .iter()
            .position(|sheet| sheet.visible == SheetVisible::Visible)
            .unwrap_or(0),
    };
    if names.is_empty() {
        return Err(SheetError::NoWorksheet);
    }
    Ok((names, index))
}

fn sheet_range<R: Reader<BufReader<File>>>(
    book: &mut R,
    names: &[String],
    sheet: usize,
    damaged: impl Fn(String) -> SheetError,
) -> Result<Range<Data>, SheetError>
where
    R::Error: std::fmt::Display,
{
    let name = names.get(sheet).ok_or(SheetError::NoWorksheet)?;
    book.worksheet_range(name)
        .map_err(|error| damaged(error.to_string()))
}

/// An OLE file calamine cannot read as XLS may be an encrypted XLSX (Excel
/// keeps a workbook with a password to open in an OLE container).
fn protected_or(path: &Path, error: SheetError) -> SheetError {
    let Ok(file) = File::open(path) else {
        return error;
    };
    match Xlsx::new(BufReader::new(file)) {
        Err(calamine::XlsxError::Password) => SheetError::Protected,
        _ => error,
    }
}

const OLE_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
const ODS_MIMETYPE: &[u8] = b"application/vnd.oasis.opendocument.spreadsheet";

/// The kind of file `file` holds, by its first bytes (and a zip archive's entries).
fn sniff(file: &mut File) -> Result<FileKind, SheetError> {
    let mut head = [0u8; 512];
    let read = read_up_to(file, &mut head).map_err(SheetError::io)?;
    let head = head.get(..read).unwrap_or_default();
    if head.is_empty() {
        return Err(SheetError::Empty);
    }
    if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        // OpenDocument puts its mimetype first, stored, right after the 30-byte entry header.
        if head.get(30..38) == Some(&b"mimetype"[..])
            && head
                .get(38..)
                .is_some_and(|rest| rest.starts_with(ODS_MIMETYPE))
        {
            return Ok(FileKind::Ods);
        }
        file.seek(SeekFrom::Start(0)).map_err(SheetError::io)?;
        return zip_kind(file);
    }
    if head.starts_with(&OLE_MAGIC) {
        return Ok(FileKind::Xls);
    }
    let text = String::from_utf8_lossy(head.get(..head.len().min(512)).unwrap_or_default())
        .trim_start_matches('\u{feff}')
        .trim_start()
        .to_ascii_lowercase();
    if text.starts_with('<') {
        if text.contains("urn:schemas-microsoft-com:office:spreadsheet") {
            return Err(SheetError::NotASpreadsheet {
                what: NotSpreadsheet::XmlSpreadsheet,
            });
        }
        if text.contains("<html") || text.contains("<table") || text.starts_with("<!doctype") {
            return Err(SheetError::NotASpreadsheet {
                what: NotSpreadsheet::WebPage,
            });
        }
    }
    if head.starts_with(b"%PDF") {
        return Err(SheetError::NotASpreadsheet {
            what: NotSpreadsheet::Binary,
        });
    }
    Ok(FileKind::Csv)
}

/// A zip archive: XLSX when it has `xl/workbook.xml`, ODS when its `mimetype`
/// says so; anything else (XLSB, a Word document, a zipped folder) is refused.
fn zip_kind(file: &mut File) -> Result<FileKind, SheetError> {
    let refuse = |what| Err(SheetError::NotASpreadsheet { what });
    let mut archive = match zip::ZipArchive::new(file) {
        Ok(archive) => archive,
        Err(error) => {
            return Err(SheetError::Damaged {
                kind: FileKind::Xlsx,
                detail: error.to_string(),
            });
        }
    };
    let names: Vec<String> = archive
        .file_names()
        .filter_map(Result::ok)
        .map(|name| name.to_ascii_lowercase())
        .collect();
    if names.iter().any(|name| name == "xl/workbook.xml") {
        return Ok(FileKind::Xlsx);
    }
    if names.iter().any(|name| name == "xl/workbook.bin") {
        return refuse(NotSpreadsheet::Xlsb);
    }
    if let Ok(mut entry) = archive.by_name("mimetype") {
        let mut mimetype = Vec::new();
        let _ = entry.by_ref().take(200).read_to_end(&mut mimetype);
        if mimetype.trim_ascii() == ODS_MIMETYPE {
            return Ok(FileKind::Ods);
        }
        return refuse(NotSpreadsheet::OtherDocument);
    }
    if names
        .iter()
        .any(|name| name.starts_with("word/") || name.starts_with("ppt/"))
    {
        return refuse(NotSpreadsheet::OtherDocument);
    }
    refuse(NotSpreadsheet::Archive)
}
