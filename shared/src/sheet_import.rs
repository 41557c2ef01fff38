//! Importing a spreadsheet from the browser (issue 21): the fields a column can
//! hold, where an upload stands, and what the upload, mapping, preview,
//! progress and report pages show. The server reads the file (`server::sheets`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::DomainError;

/// Largest spreadsheet the browser may send (a district's registry slice of a
/// million rows is about 100 MB as CSV, 40 MB as XLSX).
pub const SHEET_MAX_BYTES: usize = 256 * 1024 * 1024;

/// Data rows the preview shows.
pub const PREVIEW_ROWS: usize = 20;

/// Sample values shown under each column in the mapping step.
pub const SAMPLE_VALUES: usize = 3;

/// Most columns the mapping step takes (the reader's own limit is higher).
pub const MAPPED_COLUMNS_MAX: usize = 200;

/// Hours an upload nobody imported is kept before it is deleted.
pub const UNUSED_UPLOAD_HOURS: i64 = 72;

crate::coded_enum! {
    /// What a column holds, as the portal imports it.
    pub enum Field {
        /// Not imported.
        Ignore = ("ignore", "(tidak diimpor)", "(not imported)"),
        /// The family's id in the registry (ID keluarga DTKS/DTSEN).
        RegistryFamilyId = ("registry_family_id", "ID keluarga (DTKS/DTSEN)", "Registry family id"),
        /// The source registry: DTKS or DTSEN.
        Source = ("source", "Sumber data (DTKS/DTSEN)", "Source registry (DTKS/DTSEN)"),
        /// No KK, the family card number.
        NoKk = ("no_kk", "Nomor KK", "Family card number (No KK)"),
        /// NIK, the person's identity number.
        Nik = ("nik", "NIK", "NIK (identity number)"),
        /// The person's name.
        Name = ("name", "Nama", "Name"),
        /// The name of the head of the family (on a list of one row per family).
        HeadName = ("head_name", "Nama kepala keluarga", "Head of family's name"),
        /// Laki-laki or perempuan.
        Sex = ("sex", "Jenis kelamin", "Sex"),
        /// Place of birth.
        BirthPlace = ("birth_place", "Tempat lahir", "Place of birth"),
        /// Date of birth.
        BirthDate = ("birth_date", "Tanggal lahir", "Date of birth"),
        /// Place and date of birth in one cell (`CIREBON, 12-01-1980`).
        BirthPlaceDate = ("birth_place_date", "Tempat, tanggal lahir", "Place and date of birth"),
        /// Relationship to the head of the family (SHDK), number 1–8 or text.
        Relationship = ("relationship", "Hubungan dengan kepala keluarga (SHDK)", "Relationship to the head (SHDK)"),
        /// Address below the village (street, house).
        Address = ("address", "Alamat", "Address"),
        /// RT number.
        Rt = ("rt", "RT", "RT"),
        /// RW number.
        Rw = ("rw", "RW", "RW"),
        /// RT and RW in one cell (`001/002`).
        RtRw = ("rt_rw", "RT/RW", "RT/RW"),
        /// Dusun or lingkungan.
        Dusun = ("dusun", "Dusun/lingkungan", "Dusun (hamlet)"),
        /// The village, by name or Kemendagri code.
        Village = ("village", "Desa/kelurahan (nama atau kode)", "Village (name or code)"),
        /// The sub-district, by name or Kemendagri code.
        SubDistrict = ("sub_district", "Kecamatan (nama atau kode)", "Sub-district (name or code)"),
        /// The welfare decile, 1 to 10.
        Desil = ("desil", "Desil", "Welfare decile (desil)"),
        /// The programmes the family receives.
        Programmes = ("programmes", "Program bantuan", "Programmes received"),
        /// A telephone number.
        Phone = ("phone", "Nomor telepon/HP", "Telephone"),
    }
}

crate::coded_enum! {
    /// What an uploaded spreadsheet is, and so what importing it does.
    pub enum SheetDestination {
        /// The district's slice of the registry (DTKS/DTSEN): upserted into the registry tables.
        Registry = ("registry", "Data DTKS/DTSEN kabupaten/kota", "The district's registry slice (DTKS/DTSEN)"),
        /// A village's by-name-by-address list of families to propose: each
        /// family not yet on record becomes a household file and a new-family
        /// proposal of flow B, waiting for the village meeting.
        Proposals = ("proposals", "Daftar BNBA desa: usulan keluarga baru", "A village's BNBA list: new-family proposals"),
    }
}

impl SheetDestination {
    /// The fields a file needs for this destination (a mapping lacking one is refused).
    pub fn required(self) -> &'static [Field] {
        match self {
            SheetDestination::Registry => &REGISTRY_REQUIRED,
            SheetDestination::Proposals => &PROPOSALS_REQUIRED,
        }
    }

    /// Whether this destination keeps `field` (the preview shows those).
    pub fn keeps(self, field: Field) -> bool {
        match self {
            SheetDestination::Registry => field.kept_in_registry(),
            SheetDestination::Proposals => {
                PROPOSALS_REQUIRED.contains(&field) || PROPOSALS_OPTIONAL.contains(&field)
            }
        }
    }
}

crate::coded_enum! {
    /// How a file numbers the relationship to the head (SHDK).
    #[derive(Default)]
    pub enum RelationshipNumbering {
        /// The registry's numbering, 1–8: 1 kepala, 2 istri/suami, 3 anak,
        /// 4 menantu, 5 cucu, 6 orang tua/mertua, 7 pembantu, 8 lainnya.
        #[default]
        Registry = ("dtks", "DTKS/DTSEN (1–8: 1 kepala, 2 istri/suami, 3 anak, ... 8 lainnya)", "Registry (1–8: 1 head, 2 spouse, 3 child, ... 8 other)"),
        /// The family card's (Dukcapil), 1–11: 1 kepala keluarga, 2 suami,
        /// 3 istri, 4 anak, 5 menantu, 6 cucu, 7 orang tua, 8 mertua,
        /// 9 famili lain, 10 pembantu, 11 lainnya.
        CivilRegistry = ("dukcapil", "Dukcapil/KK (1–11: 1 kepala, 2 suami, 3 istri, 4 anak, ... 11 lainnya)", "Civil registry/KK (1–11: 1 head, 2 husband, 3 wife, 4 child, ... 11 other)"),
    }
}

impl RelationshipNumbering {
    /// The relationship numbered `number` (`None` outside the numbering).
    pub fn relationship(self, number: u8) -> Option<crate::member::Relationship> {
        use crate::member::Relationship as R;
        match self {
            RelationshipNumbering::Registry => R::from_number(number).ok(),
            RelationshipNumbering::CivilRegistry => Some(match number {
                1 => R::Head,
                2 | 3 => R::Spouse,
                4 => R::Child,
                5 => R::ChildInLaw,
                6 => R::Grandchild,
                7 | 8 => R::ParentOrInLaw,
                10 => R::HouseholdHelp,
                9 | 11 => R::Other,
                _ => return None,
            }),
        }
    }

    /// The highest number of the numbering.
    pub fn max(self) -> u8 {
        match self {
            RelationshipNumbering::Registry => 8,
            RelationshipNumbering::CivilRegistry => 11,
        }
    }
}

/// The fields a village's BNBA list needs to propose its families.
pub const PROPOSALS_REQUIRED: [Field; 5] = [
    Field::NoKk,
    Field::Nik,
    Field::Name,
    Field::Relationship,
    Field::Village,
];

/// The fields a BNBA list may give besides (sex and date of birth are read
/// from the NIK when the list has no column for them).
pub const PROPOSALS_OPTIONAL: [Field; 11] = [
    Field::Sex,
    Field::BirthPlace,
    Field::BirthDate,
    Field::BirthPlaceDate,
    Field::Address,
    Field::Rt,
    Field::Rw,
    Field::RtRw,
    Field::Dusun,
    Field::SubDistrict,
    Field::HeadName,
];

/// The fields the registry slice needs: a file lacking any is refused at the mapping step.
pub const REGISTRY_REQUIRED: [Field; 8] = [
    Field::RegistryFamilyId,
    Field::Source,
    Field::NoKk,
    Field::Nik,
    Field::Name,
    Field::Relationship,
    Field::Village,
    Field::Desil,
];

/// The fields the registry slice keeps besides the required ones.
pub const REGISTRY_OPTIONAL: [Field; 7] = [
    Field::Address,
    Field::Programmes,
    Field::Rt,
    Field::Rw,
    Field::RtRw,
    Field::Dusun,
    Field::SubDistrict,
];

impl Field {
    /// Whether the registry slice keeps this field (others are read but not stored).
    pub fn kept_in_registry(self) -> bool {
        REGISTRY_REQUIRED.contains(&self) || REGISTRY_OPTIONAL.contains(&self)
    }
}

crate::coded_enum! {
    /// Where an uploaded spreadsheet stands.
    pub enum SheetImportState {
        /// Sent; its columns wait to be mapped.
        Uploaded = ("uploaded", "Menunggu pemetaan kolom", "Waiting for the column mapping"),
        /// The whole file is being read and checked (nothing is written).
        Checking = ("checking", "Sedang diperiksa", "Being checked"),
        /// Checked; the preview waits for confirmation.
        Checked = ("checked", "Menunggu konfirmasi", "Waiting for confirmation"),
        /// Being imported.
        Importing = ("importing", "Sedang diimpor", "Being imported"),
        /// Imported.
        Done = ("done", "Selesai diimpor", "Imported"),
        /// Stopped with nothing applied (the reason is kept).
        Failed = ("failed", "Gagal, tidak ada yang diterapkan", "Failed, nothing applied"),
    }
}

impl SheetImportState {
    /// Whether a job runs on the server for it (the page follows its progress).
    pub fn running(self) -> bool {
        matches!(
            self,
            SheetImportState::Checking | SheetImportState::Importing
        )
    }
}

crate::coded_enum! {
    /// Why the mapping step or a confirmation is refused.
    pub enum SheetImportProblem {
        /// A field the registry needs has no column.
        FieldMissing = ("field_missing", "Kolom wajib belum dipetakan: pilih kolom untuk setiap isian bertanda *.", "A required field has no column: choose a column for every field marked *."),
        /// Two columns were given the same field.
        FieldTwice = ("field_twice", "Satu isian dipilih untuk dua kolom: setiap isian hanya boleh untuk satu kolom.", "One field was chosen for two columns: each field may be given to one column only."),
        /// A field code that does not exist.
        FieldUnknown = ("field_unknown", "Pilihan isian tidak dikenal.", "Unknown field choice."),
        /// The header row is not a number from 1.
        HeaderRowInvalid = ("header_row_invalid", "Baris judul kolom harus berupa nomor baris (1, 2, 3, ...).", "The header row must be a row number (1, 2, 3, ...)."),
        /// The upload is not in the state the step needs (someone else moved it on).
        WrongState = ("wrong_state", "Berkas ini sudah berpindah tahap; muat ulang halaman.", "This upload has moved on; reload the page."),
        /// The file is larger than allowed.
        TooLarge = ("too_large", "Berkas lebih besar dari 256 MB: bagi per kecamatan, atau simpan sebagai .xlsx/CSV.", "The file is larger than 256 MB: split it by sub-district, or save it as .xlsx/CSV."),
        /// No file was chosen.
        NoFile = ("no_file", "Pilih berkas spreadsheet lebih dulu.", "Choose a spreadsheet file first."),
        /// The upload was cut off on the way.
        Interrupted = ("interrupted", "Pengiriman berkas terputus; unggah lagi.", "The upload was cut off; send it again."),
        /// The file cannot be read with the worksheet, encoding or header row chosen.
        SheetUnreadable = ("sheet_unreadable", "Berkas tidak dapat dibaca dengan pilihan ini (lembar kerja, encoding atau baris judul): periksa pilihannya.", "The file cannot be read with these choices (worksheet, encoding or header row): check them."),
        /// The district asked for is not one the account may import into.
        DistrictInvalid = ("district_invalid", "Pilih kabupaten/kota tujuan impor (kode seperti 32.09).", "Choose the district to import into (a code like 32.09)."),
        /// A BNBA list longer than one upload of proposals takes.
        ListTooLong = ("list_too_long", "Daftar BNBA ini lebih dari 20.000 baris: unggah per desa atau per kecamatan.", "This BNBA list has more than 20,000 rows: upload it village by village or sub-district by sub-district."),
    }
}

impl From<SheetImportProblem> for DomainError {
    fn from(problem: SheetImportProblem) -> Self {
        DomainError::SheetImport { problem }
    }
}

/// A file the upload handler has written to disk, for [`crate::contract::SheetImportService::accept`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StagedSheet {
    /// Where it was written (the service moves it under the files folder, or deletes it).
    pub path: std::path::PathBuf,
    /// The name it was sent with.
    pub file_name: String,
    /// SHA-256 of its bytes (hex).
    pub sha256: String,
    pub bytes: u64,
    /// The district it is for (`32.09`), when the account's area is wider than one district.
    pub district: Option<String>,
    /// What it is (the upload form's choice; the registry slice when not given).
    pub destination: Option<String>,
}

/// Most data rows a BNBA list of families to propose may have (a village's
/// list is a few hundred to a few thousand; a whole district's registry goes
/// to the registry destination instead).
pub const PROPOSAL_ROWS_MAX: u64 = 20_000;

/// One upload in the list of the district's imports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SheetImportRow {
    pub id: i64,
    pub file_name: String,
    pub district_code: String,
    pub destination: SheetDestination,
    pub state: SheetImportState,
    pub uploaded_at: DateTime<Utc>,
    pub uploaded_by: String,
    pub rows: Option<u64>,
    pub accepted: Option<u64>,
    pub rejected: Option<u64>,
}

/// One column of the file as the mapping step shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SheetColumn {
    /// 0 for column A.
    pub index: usize,
    /// `A`, `B`, ... `AA`.
    pub letter: String,
    /// The header as written.
    pub header: String,
    /// The field chosen (remembered, proposed from the name, or saved).
    pub field: Field,
    /// The first values under the header (long digit runs masked).
    pub samples: Vec<String>,
}

/// One cell of the preview: the value as it will be stored, or what is wrong.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PreviewCell {
    pub text: String,
    pub problem_id: Option<String>,
    pub problem_en: Option<String>,
}

/// One data row of the preview.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PreviewRow {
    /// The row's number in the sheet.
    pub line: u64,
    /// One per field of [`SheetImportView::preview_fields`].
    pub cells: Vec<PreviewCell>,
}

/// What reading the whole file found, before anything is written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SheetSurvey {
    /// Data rows.
    pub rows: u64,
    /// Distinct families (registry family ids) among the rows that pass.
    pub families: u64,
    /// Rows that pass the row checks (a family whose rows disagree may still lose some at import).
    pub valid: u64,
    /// Rows that will be rejected.
    pub invalid: u64,
    /// Families already in the registry (they will be updated).
    pub known_families: u64,
    /// Rows whose NIK the registry holds in another family, or the file holds
    /// twice; for a BNBA list, families likely already on record otherwise
    /// written (names and birth dates in the sub-district, or a NIK held).
    pub likely_duplicates: u64,
    /// A BNBA list: families that would become new proposals.
    #[serde(default)]
    pub to_propose: u64,
    /// Rows whose SHDK does not read in the numbering chosen (many hint at
    /// the other numbering).
    #[serde(default)]
    pub relationship_unread: u64,
}

/// What an import did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SheetResult {
    pub rows: u64,
    pub accepted: u64,
    pub rejected: u64,
    pub families: u64,
    /// Households of the portal whose No KK matched an imported family.
    pub households_linked: u64,
    /// A BNBA list: new-family proposals made (with their household files).
    #[serde(default)]
    pub proposals_made: u64,
    /// A BNBA list: families left as they were (already proposed or in the
    /// registry, or likely on record otherwise written: listed in the report).
    #[serde(default)]
    pub families_skipped: u64,
}

/// How far the job on the server has read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SheetProgress {
    pub rows_read: u64,
    pub bytes_read: u64,
    /// The file's size when progress is measured in bytes (CSV); `None` for workbooks.
    pub bytes_total: Option<u64>,
}

impl SheetProgress {
    /// Percent done, when it can be told (CSV).
    pub fn percent(&self) -> Option<u8> {
        let total = self.bytes_total.filter(|total| *total > 0)?;
        let percent = self.bytes_read.saturating_mul(100) / total;
        Some(u8::try_from(percent.min(100)).unwrap_or(100))
    }
}

/// An upload as its page shows it, whatever its state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SheetImportView {
    pub id: i64,
    pub file_name: String,
    pub file_bytes: u64,
    /// What the file is (`XLSX`, `CSV (;, Windows-1252)`, ...).
    pub kind: String,
    pub district_code: String,
    pub district_name: String,
    pub destination: SheetDestination,
    /// How the file numbers SHDK.
    pub numbering: RelationshipNumbering,
    pub state: SheetImportState,
    pub uploaded_at: DateTime<Utc>,
    pub uploaded_by: String,
    /// An earlier upload of the same file into the same district: its id, when and how it ended.
    pub same_file: Option<(i64, DateTime<Utc>, SheetImportState)>,
    /// Why the file cannot be read as it is mapped (no header found, ...), in Indonesian and English.
    pub reading_problem: Option<(String, String)>,
    /// The header's row number.
    pub header_row: Option<u64>,
    /// Whether the header row was chosen (else found).
    pub header_chosen: bool,
    /// The workbook's worksheets (empty for text) and the one read (0 for the first).
    pub sheets: Vec<String>,
    pub sheet: usize,
    /// A text file's encoding (code) and whether it was chosen (else detected).
    pub encoding: Option<(String, bool)>,
    pub columns: Vec<SheetColumn>,
    /// Whether the mapping came from an earlier file with the same columns.
    pub remembered: bool,
    /// The fields shown in the preview, in order.
    pub preview_fields: Vec<Field>,
    pub preview: Vec<PreviewRow>,
    pub survey: Option<SheetSurvey>,
    pub progress: Option<SheetProgress>,
    pub result: Option<SheetResult>,
    /// Why the job failed, in Indonesian and English.
    pub failure: Option<(String, String)>,
    /// Whether the rejected rows can be downloaded.
    pub rejected_report: bool,
    /// The record's version (a confirmation names the version it saw).
    pub version: i32,
}

/// The mapping step's form: the header row and a field for every column.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MappingDraft {
    pub import_id: i64,
    pub version: i32,
    pub header_row: String,
    /// The worksheet, from 1 (empty: the first).
    #[serde(default)]
    pub sheet: String,
    /// A text encoding's code (empty: detected).
    #[serde(default)]
    pub encoding: String,
    /// A [`RelationshipNumbering`] code (empty: the registry's).
    #[serde(default)]
    pub shdk: String,
    /// Field codes, column A first.
    #[serde(default)]
    pub fields: Vec<String>,
    /// [`REREAD`] to read the file again with the header row, worksheet and
    /// encoding given (the columns' fields are then proposed anew); anything
    /// else saves the mapping and checks the file.
    #[serde(default)]
    pub intent: String,
}

/// The mapping form's button that reads the file again without saving a mapping.
pub const REREAD: &str = "baca";

/// A mapping ready to save (or, with `reread`, the reading choices only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MappingRequest {
    /// Read the file again with these choices; no fields are saved, nothing is checked.
    pub reread: bool,
    pub header_row: Option<u64>,
    /// 0 for the first worksheet.
    pub sheet: Option<usize>,
    /// The text encoding's code, when chosen.
    pub encoding: Option<String>,
    pub numbering: RelationshipNumbering,
    pub fields: Vec<Field>,
}

impl MappingDraft {
    /// Checks the form: a header row (or none to have it found), known field
    /// codes, no field twice, every field `destination` needs given a column
    /// (a reread takes the reading choices only).
    pub fn to_request(&self, destination: SheetDestination) -> Result<MappingRequest, DomainError> {
        let reread = self.intent == REREAD;
        let header = self.header_row.trim();
        let header_row = if header.is_empty() {
            None
        } else {
            match header.parse::<u64>() {
                Ok(row) if row >= 1 => Some(row),
                _ => return Err(SheetImportProblem::HeaderRowInvalid.into()),
            }
        };
        let sheet = match self.sheet.trim() {
            "" => None,
            text => match text.parse::<usize>() {
                Ok(sheet) if sheet >= 1 => Some(sheet - 1),
                _ => return Err(SheetImportProblem::FieldUnknown.into()),
            },
        };
        let encoding = match self.encoding.trim() {
            "" => None,
            code if ENCODINGS.iter().any(|(known, _)| *known == code) => Some(code.to_string()),
            _ => return Err(SheetImportProblem::FieldUnknown.into()),
        };
        let numbering = match self.shdk.trim() {
            "" => RelationshipNumbering::default(),
            code => {
                RelationshipNumbering::from_code(code).ok_or(SheetImportProblem::FieldUnknown)?
            }
        };
        if reread {
            return Ok(MappingRequest {
                reread,
                header_row,
                sheet,
                encoding,
                numbering,
                fields: Vec::new(),
            });
        }
        if self.fields.len() > MAPPED_COLUMNS_MAX {
            return Err(SheetImportProblem::FieldUnknown.into());
        }
        let mut fields = Vec::with_capacity(self.fields.len());
        for code in &self.fields {
            let code = code.trim();
            let field = if code.is_empty() {
                Field::Ignore
            } else {
                Field::from_code(code).ok_or(SheetImportProblem::FieldUnknown)?
            };
            if field != Field::Ignore && fields.contains(&field) {
                return Err(SheetImportProblem::FieldTwice.into());
            }
            fields.push(field);
        }
        if missing_fields(destination, &fields).next().is_some() {
            return Err(SheetImportProblem::FieldMissing.into());
        }
        Ok(MappingRequest {
            reread,
            header_row,
            sheet,
            encoding,
            numbering,
            fields,
        })
    }
}

/// The text encodings a user may choose instead of the one detected: code and label.
pub const ENCODINGS: [(&str, &str); 4] = [
    ("utf8", "UTF-8"),
    ("windows1252", "Windows-1252 / Latin-1 (ANSI)"),
    ("utf16le", "UTF-16 LE"),
    ("utf16be", "UTF-16 BE"),
];

/// The fields `destination` needs that `fields` gives no column.
pub fn missing_fields(
    destination: SheetDestination,
    fields: &[Field],
) -> impl Iterator<Item = Field> + '_ {
    destination
        .required()
        .iter()
        .copied()
        .filter(move |needed| !fields.contains(needed))
}

/// A column's letter: 0 is `A`, 25 `Z`, 26 `AA`.
pub fn column_letter(index: usize) -> String {
    let mut letters = Vec::new();
    let mut n = index + 1;
    while n > 0 {
        let rest = (n - 1) % 26;
        letters.push(char::from(b'A' + u8::try_from(rest).unwrap_or(0)));
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect()
}

/// `text` with every run of at least `min` ASCII digits replaced by what
/// `replace` makes of it (other characters kept as they are).
pub fn replace_digit_runs(text: &str, min: usize, replace: impl Fn(&str) -> String) -> String {
    let mut out = String::with_capacity(text.len());
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        if run.len() >= min {
            out.push_str(&replace(run));
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in text.chars() {
        if c.is_ascii_digit() {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

/// A sample value to show: digit runs of 10 or more (a NIK or No KK) keep
/// their first six and last two digits only.
pub fn masked_sample(value: &str) -> String {
    replace_digit_runs(value, 10, |digits| {
        // ASCII digits: one byte each.
        let kept_end = digits.get(digits.len() - 2..).unwrap_or_default();
        format!(
            "{}{}{kept_end}",
            digits.get(..6).unwrap_or_default(),
            "*".repeat(digits.len() - 8)
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(fields: &[&str]) -> MappingDraft {
        MappingDraft {
            import_id: 1,
            version: 1,
            header_row: "3".into(),
            sheet: String::new(),
            encoding: String::new(),
            shdk: String::new(),
            fields: fields.iter().map(|code| code.to_string()).collect(),
            intent: String::new(),
        }
    }

    const ALL_NEEDED: [&str; 8] = [
        "registry_family_id",
        "source",
        "no_kk",
        "nik",
        "name",
        "relationship",
        "village",
        "desil",
    ];

    #[test]
    fn a_mapping_needs_every_required_field_once() {
        let mut fields = ALL_NEEDED.to_vec();
        fields.push("ignore");
        fields.push("");
        let request = draft(&fields).to_request(SheetDestination::Registry);
        assert_eq!(
            request.map(|request| (request.header_row, request.fields.len())),
            Ok((Some(3), 10))
        );
        assert_eq!(
            draft(&ALL_NEEDED[1..]).to_request(SheetDestination::Registry),
            Err(SheetImportProblem::FieldMissing.into())
        );
        let mut twice = ALL_NEEDED.to_vec();
        twice.push("nik");
        assert_eq!(
            draft(&twice).to_request(SheetDestination::Registry),
            Err(SheetImportProblem::FieldTwice.into())
        );
        let mut unknown = ALL_NEEDED.to_vec();
        unknown.push("salary");
        assert_eq!(
            draft(&unknown).to_request(SheetDestination::Registry),
            Err(SheetImportProblem::FieldUnknown.into())
        );
        let mut bad_row = draft(&ALL_NEEDED);
        bad_row.header_row = "0".into();
        assert_eq!(
            bad_row.to_request(SheetDestination::Registry),
            Err(SheetImportProblem::HeaderRowInvalid.into())
        );
        bad_row.header_row = " ".into();
        assert_eq!(
            bad_row
                .to_request(SheetDestination::Registry)
                .map(|r| r.header_row),
            Ok(None)
        );
        // Reading again needs no field: the columns may change with the header row.
        let mut reread = draft(&[]);
        reread.intent = REREAD.into();
        assert_eq!(
            reread.to_request(SheetDestination::Registry).map(|r| (
                r.reread,
                r.header_row,
                r.fields.len()
            )),
            Ok((true, Some(3), 0))
        );
        assert!(draft(&[]).to_request(SheetDestination::Registry).is_err());
    }

    #[test]
    fn a_bnba_list_needs_its_own_fields_and_may_number_shdk_as_the_kk_does() {
        let mut list = draft(&["no_kk", "nik", "name", "relationship", "village"]);
        assert!(list.to_request(SheetDestination::Proposals).is_ok());
        // The registry slice needs its family id, source and desil besides.
        assert_eq!(
            list.to_request(SheetDestination::Registry),
            Err(SheetImportProblem::FieldMissing.into())
        );
        let mut without_village = list.clone();
        without_village.fields.pop();
        assert_eq!(
            without_village.to_request(SheetDestination::Proposals),
            Err(SheetImportProblem::FieldMissing.into())
        );
        assert_eq!(
            list.to_request(SheetDestination::Proposals)
                .map(|r| r.numbering),
            Ok(RelationshipNumbering::Registry)
        );
        list.shdk = "dukcapil".into();
        assert_eq!(
            list.to_request(SheetDestination::Proposals)
                .map(|r| r.numbering),
            Ok(RelationshipNumbering::CivilRegistry)
        );
        list.shdk = "bps".into();
        assert!(list.to_request(SheetDestination::Proposals).is_err());
    }

    #[test]
    fn the_two_shdk_numberings_read_as_the_kk_and_the_registry_mean_them() {
        use crate::member::Relationship as R;
        let kk = RelationshipNumbering::CivilRegistry;
        let dtks = RelationshipNumbering::Registry;
        // 3 is a wife on the KK but a child in the registry; 8 a parent-in-law
        // on the KK but "other" in the registry.
        assert_eq!(kk.relationship(3), Some(R::Spouse));
        assert_eq!(dtks.relationship(3), Some(R::Child));
        assert_eq!(kk.relationship(8), Some(R::ParentOrInLaw));
        assert_eq!(dtks.relationship(8), Some(R::Other));
        assert_eq!(kk.relationship(10), Some(R::HouseholdHelp));
        assert_eq!(kk.relationship(11), Some(R::Other));
        assert_eq!(dtks.relationship(9), None);
        assert_eq!(kk.relationship(12), None);
        assert_eq!(kk.relationship(0), None);
        for number in 1..=kk.max() {
            assert!(kk.relationship(number).is_some(), "{number}");
        }
        for number in 1..=dtks.max() {
            assert_eq!(dtks.relationship(number).map(R::number), Some(number));
        }
    }

    #[test]
    fn columns_are_lettered_as_spreadsheets_letter_them() {
        let letters: Vec<String> = [0, 1, 25, 26, 27, 51, 52, 701, 702]
            .into_iter()
            .map(column_letter)
            .collect();
        assert_eq!(
            letters,
            ["A", "B", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA"]
        );
    }

    #[test]
    fn identity_numbers_in_samples_are_masked() {
        assert_eq!(masked_sample("3209010101800001"), "320901********01");
        assert_eq!(masked_sample("'3209010101800001 x"), "'320901********01 x");
        assert_eq!(masked_sample("RT 001/002"), "RT 001/002");
        assert_eq!(masked_sample("Desil 3"), "Desil 3");
    }

    #[test]
    fn progress_is_told_in_percent_for_text_files_only() {
        let csv = SheetProgress {
            rows_read: 10,
            bytes_read: 50,
            bytes_total: Some(200),
        };
        assert_eq!(csv.percent(), Some(25));
        let book = SheetProgress {
            bytes_total: None,
            ..csv
        };
        assert_eq!(book.percent(), None);
    }

    #[test]
    fn coded_enums_keep_their_promises() {
        crate::coded::tests::check_coded::<Field>();
        crate::coded::tests::check_coded::<SheetImportState>();
        crate::coded::tests::check_coded::<SheetImportProblem>();
        crate::coded::tests::check_coded::<SheetDestination>();
        crate::coded::tests::check_coded::<RelationshipNumbering>();
    }
}
