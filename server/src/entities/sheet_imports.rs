//! `sheet_imports`: a spreadsheet uploaded from the browser, its mapping, and
//! what checking and importing it found (see `services::sheet_imports`).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sheet_imports")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The district the file is for (`32.09`).
    pub district_code: String,
    /// What the file becomes: a `SheetDestination` code (`registry`, `proposals`).
    pub destination: String,
    /// The name the file was sent with (shown to the district's staff only).
    pub file_name: String,
    pub file_sha256: String,
    pub file_bytes: i64,
    /// The file's name under the files folder's `imports/` (deleted once imported).
    pub stored_name: String,
    /// A `SheetImportState` code.
    pub state: String,
    /// The header's row, when chosen.
    pub header_row: Option<i64>,
    /// The worksheet chosen (0 for the first), when not the first.
    pub sheet: Option<i32>,
    /// The text encoding chosen (`TextEncoding` code), when not the one detected.
    pub encoding: Option<String>,
    /// The field codes of the columns, comma-separated, column A first.
    pub fields: Option<String>,
    /// How the file numbers SHDK (a `RelationshipNumbering` code).
    pub relationship_numbering: String,
    /// The layout's fingerprint (`sheets::layout_fingerprint`).
    pub fingerprint: Option<String>,
    /// What checking the whole file found (`SheetSurvey` as JSON).
    pub survey: Option<String>,
    /// What the import did (`SheetResult` as JSON).
    pub result: Option<String>,
    /// Why checking or importing stopped (JSON: Indonesian and English).
    pub failure: Option<String>,
    /// The `registry_imports` run that applied it.
    pub registry_import_id: Option<i64>,
    pub uploaded_by: i64,
    pub uploaded_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
