//! Reading spreadsheets as district and village offices keep them (issue 21):
//! any of XLSX, XLS, ODS or delimited text, told by content; the header row
//! found below title rows and above a numbering row; columns mapped to the
//! portal's fields from the names offices give them; cells read as values
//! with problems worded for people; village names resolved to codes.
//!
//! The registry import, the BNBA import into proposals and the browser's
//! mapping step share it. The flow:
//!
//! ```text
//! Workbook::open(path, &OpenOptions)      kind by content; CSV encoding and delimiter detected
//!   .rows()                               Rows: the first worksheet's rows, blank ones left out
//! find_header(&mut rows, None)            Header: row, numbering row, data start, column names
//! Mapping::propose(&header)               column → Field from known aliases; the user corrects it
//! layout_fingerprint(&header.columns)     remember the mapping per district and layout
//! rows.next_row() → read_record(&row, &mapping, Some(&areas), today) → Record { values, problems }
//! ```
//!
//! ([`preview`] runs the same for the first rows.) Memory: text is streamed
//! record by record (the encoding check reads the file once more, a block at
//! a time) and XLSX cell by cell, as calamine's cell reader allows (its
//! shared-strings table is loaded whole, as the format requires); XLS and
//! ODS are read whole by calamine when opened, so large lists are better
//! sent as XLSX or CSV. `docs/registry-import.md` ("Reading spreadsheets as
//! offices keep them") documents what is accepted.

mod areas;
mod cell;
mod dates;
mod fields;
mod header;
mod identity;
mod mapping;
mod open;
mod record;
mod text;
mod values;

pub use areas::{AreaChoice, AreaIndex, AreaMatch, NEAR_MAX, area_key};
pub use cell::{Cell, Row};
pub use dates::{parse_birth_date, parse_date, serial_date, text_date};
pub use fields::{Field, REGISTRY_FIELDS, aliases, field_for_header, normalise_header};
pub use header::{
    HEADER_MIN_FIELDS, HEADER_SCAN_ROWS, Header, detect_header, find_header, is_numbering_row,
};
pub(crate) use identity::is_scientific;
pub use identity::{excel_number_problem, parse_nik, parse_no_kk};
pub use mapping::{MappedColumn, Mapping, layout_fingerprint};
pub use open::{FileKind, MAX_COLUMNS, OpenOptions, Rows, Workbook};
pub use record::{
    ADDRESS_MAX, CellProblem, NAME_MAX, PLACE_MAX, Preview, PreviewOptions, Record, preview,
    read_record,
};
pub use text::{CsvFormat, Delimiter, TextEncoding};
pub use values::{
    ValueProblem, parse_desil, parse_name, parse_neighbourhood, parse_phone, parse_programmes,
    parse_registry_id, parse_relationship, parse_rt_rw, parse_sex, parse_source, parse_text,
};

/// What reading a file can end in.
pub type SheetResult<T> = Result<T, SheetError>;

shared::coded_enum! {
    /// A file that is not a spreadsheet the portal reads, by what it is instead.
    pub enum NotSpreadsheet {
        /// Binary content that is no workbook (a PDF, a picture, ...).
        Binary = ("binary", "berkas biner (PDF, gambar, ...)", "a binary file (PDF, picture, ...)"),
        /// A web page saved with a spreadsheet's name (many applications export `.xls` so).
        WebPage = ("web_page", "halaman web (HTML) yang diberi nama spreadsheet", "a web page (HTML) named as a spreadsheet"),
        /// Excel 2003's XML Spreadsheet.
        XmlSpreadsheet = ("xml_spreadsheet", "XML Spreadsheet 2003", "XML Spreadsheet 2003"),
        /// Excel's binary workbook (.xlsb).
        Xlsb = ("xlsb", "buku kerja biner Excel (.xlsb)", "an Excel binary workbook (.xlsb)"),
        /// A word-processor or presentation document.
        OtherDocument = ("other_document", "dokumen (Word, presentasi, teks OpenDocument)", "a document (Word, presentation, OpenDocument text)"),
        /// A zip archive holding something else.
        Archive = ("archive", "arsip zip", "a zip archive"),
    }
}

/// Why a file cannot be read, in Bahasa Indonesia ([`message_id`](Self::message_id),
/// also `Display`) and English. Never holds a cell's content.
#[derive(Debug, thiserror::Error)]
#[error("{}", self.message_id())]
pub enum SheetError {
    /// The file could not be read (I/O).
    Io(#[source] std::io::Error),
    /// The file holds nothing.
    Empty,
    /// Not a spreadsheet or text.
    NotASpreadsheet { what: NotSpreadsheet },
    /// The workbook is locked with a password.
    Protected,
    /// The workbook is damaged (calamine's reason, without numbers).
    Damaged { kind: FileKind, detail: String },
    /// The workbook has no worksheet.
    NoWorksheet,
    /// The worksheet chosen is not there.
    SheetMissing { index: usize, sheets: usize },
    /// A text file could not be parsed as delimited text.
    Csv { line: u64, detail: String },
    /// No row among the first ones names enough known columns.
    HeaderNotFound,
    /// The row chosen for the header is not among the first rows.
    HeaderRowMissing { row: u64 },
}

impl SheetError {
    pub(crate) fn io(error: std::io::Error) -> SheetError {
        SheetError::Io(error)
    }

    /// The reason in Bahasa Indonesia.
    pub fn message_id(&self) -> String {
        match self {
            SheetError::Io(error) => format!("Berkas tidak dapat dibaca: {error}."),
            SheetError::Empty => "Berkas kosong.".into(),
            SheetError::NotASpreadsheet { what } => format!(
                "Berkas ini {}, bukan lembar kerja. Buka di Excel atau LibreOffice lalu simpan sebagai .xlsx (Excel Workbook), .ods atau CSV.",
                what.label_id()
            ),
            SheetError::Protected => "Buku kerja dikunci dengan kata sandi; buka di Excel, hapus kata sandinya (File > Info > Protect Workbook), simpan, lalu unggah lagi.".into(),
            SheetError::Damaged { kind, detail } => format!(
                "Berkas {} rusak atau tidak lengkap ({detail}); buka dan simpan ulang di Excel atau LibreOffice.",
                kind.label_id()
            ),
            SheetError::NoWorksheet => "Buku kerja tidak berisi lembar kerja.".into(),
            SheetError::SheetMissing { index, sheets } => format!(
                "Lembar kerja ke-{} tidak ada; buku kerja ini berisi {sheets} lembar.",
                index + 1
            ),
            SheetError::Csv { line, detail } => {
                format!("Baris {line} berkas teks tidak dapat dibaca ({detail}).")
            }
            SheetError::HeaderNotFound => format!(
                "Baris judul kolom tidak ditemukan di {HEADER_SCAN_ROWS} baris pertama: tidak ada baris yang memuat sedikitnya {HEADER_MIN_FIELDS} nama kolom yang dikenal (mis. NIK, NO KK, NAMA, JENIS KELAMIN, ALAMAT, DESA). Pilih baris judulnya sendiri."
            ),
            SheetError::HeaderRowMissing { row } => format!(
                "Baris {row} yang dipilih sebagai judul kolom tidak ada atau kosong di {HEADER_SCAN_ROWS} baris pertama."
            ),
        }
    }

    /// The reason in English.
    pub fn message_en(&self) -> String {
        match self {
            SheetError::Io(error) => format!("The file cannot be read: {error}."),
            SheetError::Empty => "The file is empty.".into(),
            SheetError::NotASpreadsheet { what } => format!(
                "This file is {}, not a worksheet. Open it in Excel or LibreOffice and save it as .xlsx (Excel Workbook), .ods or CSV.",
                what.label_en()
            ),
            SheetError::Protected => "The workbook is locked with a password; open it in Excel, remove the password (File > Info > Protect Workbook), save it and upload it again.".into(),
            SheetError::Damaged { kind, detail } => format!(
                "The {} file is damaged or incomplete ({detail}); open it and save it again in Excel or LibreOffice.",
                kind.label_en()
            ),
            SheetError::NoWorksheet => "The workbook holds no worksheet.".into(),
            SheetError::SheetMissing { index, sheets } => format!(
                "There is no worksheet {}; this workbook has {sheets}.",
                index + 1
            ),
            SheetError::Csv { line, detail } => {
                format!("Line {line} of the text file cannot be read ({detail}).")
            }
            SheetError::HeaderNotFound => format!(
                "No header row in the first {HEADER_SCAN_ROWS} rows: none names at least {HEADER_MIN_FIELDS} known columns (e.g. NIK, NO KK, NAMA, JENIS KELAMIN, ALAMAT, DESA). Choose the header row yourself."
            ),
            SheetError::HeaderRowMissing { row } => format!(
                "Row {row}, chosen as the header, is not among the first {HEADER_SCAN_ROWS} rows or is blank."
            ),
        }
    }
}
