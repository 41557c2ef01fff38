//! An upload as its page shows it: the file read for the mapping step (the
//! header found or chosen, each column's field and first values) and the
//! preview (the first rows as they will be stored, problems on their cells),
//! with what checking, progress and importing found.

use std::path::{Path, PathBuf};

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use shared::contract::ServiceError;
use shared::geo::AreaCode;
use shared::sheet_import::{
    Field, PREVIEW_ROWS, PreviewCell, PreviewRow, RelationshipNumbering, SAMPLE_VALUES,
    SheetColumn, SheetDestination, SheetImportState, SheetImportView, column_letter, masked_sample,
};

use super::super::db_failure;
use super::super::rows::{stored, stored_json, usernames};
use super::super::store::Store;
use super::{Jobs, fields_of, numbering_of};
use crate::entities::{sheet_imports, sheet_mappings};
use crate::protect::DataKey;
use crate::sheets::{
    self, AreaIndex, OpenOptions, Preview, PreviewOptions, Record, SheetError, TextEncoding,
};

/// How a file is opened with the encoding (a `TextEncoding` code) and the
/// worksheet (0 for the first) chosen; the rest detected.
pub(super) fn open_with(encoding: Option<&str>, sheet: Option<usize>) -> OpenOptions {
    OpenOptions {
        encoding: encoding.and_then(TextEncoding::from_code),
        delimiter: None,
        sheet,
    }
}

/// How upload `row` is opened: the worksheet and encoding chosen.
pub(super) fn open_options(row: &sheet_imports::Model) -> OpenOptions {
    open_with(
        row.encoding.as_deref(),
        row.sheet.and_then(|sheet| usize::try_from(sheet).ok()),
    )
}

/// Reads the start of the file in a blocking task.
async fn read_start(
    path: PathBuf,
    options: PreviewOptions,
    areas: Option<AreaIndex>,
    today: chrono::NaiveDate,
) -> Result<Result<Preview, SheetError>, ServiceError> {
    tokio::task::spawn_blocking(move || sheets::preview(&path, &options, areas.as_ref(), today))
        .await
        .map_err(|error| {
            tracing::error!(%error, "the spreadsheet reading task stopped");
            ServiceError::Internal
        })
}

/// The layout fingerprint of the file at `path` with its header at `header_row`
/// (found when `None`); a header that cannot be read is refused.
pub(super) async fn fingerprint_at(
    path: &Path,
    options: OpenOptions,
    header_row: Option<u64>,
) -> Result<String, ServiceError> {
    let preview = PreviewOptions {
        open: options,
        header_row,
        fields: None,
        numbering: RelationshipNumbering::default(),
        rows: 0,
    };
    let today = super::super::common::today();
    match read_start(path.to_path_buf(), preview, None, today).await? {
        Ok(preview) => Ok(preview.fingerprint),
        Err(SheetError::HeaderRowMissing { .. } | SheetError::HeaderNotFound) => {
            Err(ServiceError::Invalid(
                shared::sheet_import::SheetImportProblem::HeaderRowInvalid.into(),
            ))
        }
        Err(_) => Err(ServiceError::Invalid(
            shared::sheet_import::SheetImportProblem::SheetUnreadable.into(),
        )),
    }
}

/// A field's value in a record, as it will be stored (identity numbers masked).
pub(super) fn stored_text(record: &Record, field: Field) -> String {
    let area = |code: &Option<AreaCode>| code.as_ref().map(|code| code.as_str().to_string());
    let text = match field {
        Field::RegistryFamilyId => record
            .registry_family_id
            .as_ref()
            .map(|id| id.as_str().to_string()),
        Field::Source => record.source.map(|source| source.code().to_uppercase()),
        Field::NoKk => record.no_kk.as_ref().map(|kk| kk.masked()),
        Field::Nik => record.nik.as_ref().map(|nik| nik.masked()),
        Field::Name => record.name.clone(),
        Field::HeadName => record.head_name.clone(),
        Field::Sex => record.sex.map(|sex| sex.label_id().to_string()),
        Field::BirthPlace => record.birth_place.clone(),
        Field::BirthDate => record.birth_date.map(shared::dates::dmy),
        Field::BirthPlaceDate => match (&record.birth_place, record.birth_date) {
            (None, None) => None,
            (place, date) => Some(format!(
                "{}, {}",
                place.clone().unwrap_or_default(),
                date.map(shared::dates::dmy).unwrap_or_default()
            )),
        },
        Field::Relationship => record
            .relationship
            .map(|relationship| format!("{} {}", relationship.number(), relationship.label_id())),
        Field::Address => record.address.clone(),
        Field::Rt => record.rt.map(|rt| rt.to_string()),
        Field::Rw => record.rw.map(|rw| rw.to_string()),
        Field::RtRw => match (record.rt, record.rw) {
            (None, None) => None,
            (rt, rw) => Some(format!(
                "{}/{}",
                rt.map(|rt| rt.to_string()).unwrap_or_default(),
                rw.map(|rw| rw.to_string()).unwrap_or_default()
            )),
        },
        Field::Dusun => record.dusun.clone(),
        Field::Village => area(&record.village),
        Field::SubDistrict => area(&record.sub_district),
        Field::Desil => record.desil.map(|desil| desil.get().to_string()),
        Field::Programmes => Some(
            record
                .programmes
                .iter()
                .map(|programme| programme.code().to_uppercase())
                .collect::<Vec<_>>()
                .join(", "),
        )
        .filter(|text| !text.is_empty()),
        Field::Phone => record.phone.clone(),
        Field::Ignore => None,
    };
    text.unwrap_or_default()
}

/// The preview's row of `record` for `fields`.
fn preview_row(record: &Record, fields: &[Field]) -> PreviewRow {
    PreviewRow {
        line: record.row,
        cells: fields
            .iter()
            .map(|field| {
                let problem = record
                    .problems
                    .iter()
                    .find(|problem| problem.field == *field);
                PreviewCell {
                    text: masked_sample(&stored_text(record, *field)),
                    problem_id: problem.map(|problem| problem.problem.reason_id.clone()),
                    problem_en: problem.map(|problem| problem.problem.reason_en.clone()),
                }
            })
            .collect(),
    }
}

/// What the file's start shows: the columns, the preview, the worksheets and encoding.
struct FileStart {
    header_row: u64,
    numbering: RelationshipNumbering,
    columns: Vec<SheetColumn>,
    remembered: bool,
    preview_fields: Vec<Field>,
    preview: Vec<PreviewRow>,
    kind: String,
    sheets: Vec<String>,
    sheet: usize,
    encoding: Option<(String, bool)>,
}

/// Reads the start of upload `row`'s file with its mapping: the one saved,
/// else the one remembered for its layout in its district, else the one
/// proposed from the column names.
async fn file_start(
    db: &Store,
    row: &sheet_imports::Model,
    path: &Path,
) -> Result<Result<FileStart, SheetError>, ServiceError> {
    let district = AreaCode::parse(&row.district_code).ok();
    let areas = match &district {
        Some(district) => crate::registry_import::area_index(db.connection(), district)
            .await
            .ok(),
        None => None,
    };
    let today = super::super::common::today_in(&row.district_code);
    let destination: SheetDestination = stored(&row.destination)?;
    let mut options = PreviewOptions {
        open: open_options(row),
        header_row: row.header_row.and_then(|row| u64::try_from(row).ok()),
        fields: row.fields.as_deref().map(fields_of),
        numbering: numbering_of(&row.relationship_numbering),
        rows: PREVIEW_ROWS,
    };
    let mut preview =
        match read_start(path.to_path_buf(), options.clone(), areas.clone(), today).await? {
            Ok(preview) => preview,
            Err(error) => return Ok(Err(error)),
        };
    let mut remembered = false;
    if options.fields.is_none() {
        let kept = sheet_mappings::Entity::find_by_id((
            row.district_code.clone(),
            preview.fingerprint.clone(),
        ))
        .one(db.connection())
        .await
        .map_err(db_failure)?;
        if let Some(kept) = kept {
            options.fields = Some(fields_of(&kept.fields));
            options.numbering = numbering_of(&kept.relationship_numbering);
            options.header_row = Some(preview.header.row);
            if let Ok(again) = read_start(path.to_path_buf(), options, areas, today).await? {
                preview = again;
                remembered = true;
            }
        }
    }
    let columns = preview
        .header
        .columns
        .iter()
        .enumerate()
        .map(|(index, header)| SheetColumn {
            index,
            letter: column_letter(index),
            // A data row chosen as the header would show its numbers whole.
            header: masked_sample(header.trim()),
            field: preview
                .mapping
                .columns()
                .get(index)
                .map_or(Field::Ignore, |column| column.field),
            samples: preview
                .rows
                .iter()
                .filter_map(|row| row.cells.get(index))
                .map(|cell| masked_sample(cell.text().trim()))
                .filter(|text| !text.is_empty())
                .take(SAMPLE_VALUES)
                .collect(),
        })
        .collect::<Vec<_>>();
    let preview_fields: Vec<Field> = columns
        .iter()
        .map(|column| column.field)
        .filter(|field| destination.keeps(*field))
        .collect();
    let rows = preview
        .records
        .iter()
        .map(|record| preview_row(record, &preview_fields))
        .collect();
    let kind = match preview.csv {
        Some(csv) => format!(
            "{} · {} · {}",
            preview.kind.label_id(),
            csv.delimiter.label_id(),
            csv.encoding.label_id()
        ),
        None => preview.kind.label_id().to_string(),
    };
    Ok(Ok(FileStart {
        header_row: preview.header.row,
        // As the start was read: saved, remembered, or the registry's.
        numbering: preview.mapping.numbering(),
        columns,
        remembered,
        preview_fields,
        preview: rows,
        kind,
        sheets: preview.sheet_names.clone(),
        sheet: preview.sheet.unwrap_or(0),
        encoding: preview
            .csv
            .map(|csv| (csv.encoding.code().to_string(), !csv.encoding_detected)),
    }))
}

/// Builds the page of upload `row`.
pub(super) async fn build(
    db: &Store,
    _key: &DataKey,
    row: sheet_imports::Model,
    folder: &Path,
    jobs: &Jobs,
) -> Result<SheetImportView, ServiceError> {
    let state: SheetImportState = stored(&row.state)?;
    let names = usernames(db.connection(), vec![row.uploaded_by]).await?;
    let district_name =
        super::super::auth::area_names(db.connection(), [row.district_code.clone()])
            .await?
            .remove(&row.district_code)
            .unwrap_or_default();
    let same_file = sheet_imports::Entity::find()
        .filter(sheet_imports::Column::DistrictCode.eq(row.district_code.as_str()))
        .filter(sheet_imports::Column::FileSha256.eq(row.file_sha256.as_str()))
        .filter(sheet_imports::Column::Destination.eq(row.destination.as_str()))
        .filter(sheet_imports::Column::Id.ne(row.id))
        .order_by_desc(sheet_imports::Column::Id)
        .one(db.connection())
        .await
        .map_err(db_failure)?
        .map(|earlier| {
            Ok::<_, ServiceError>((earlier.id, earlier.uploaded_at, stored(&earlier.state)?))
        })
        .transpose()?;
    let result: Option<shared::sheet_import::SheetResult> =
        row.result.as_deref().map(stored_json).transpose()?;
    let report = super::report_path(folder, row.id);
    let rejected_report = result
        .is_some_and(|result| result.rejected > 0 || result.families_skipped > 0)
        && tokio::fs::try_exists(&report).await.unwrap_or(false);
    let path = folder.join(&row.stored_name);
    let readable = matches!(
        state,
        SheetImportState::Uploaded | SheetImportState::Checked | SheetImportState::Failed
    ) && tokio::fs::try_exists(&path).await.unwrap_or(false);
    let (start, reading_problem) = if readable {
        match file_start(db, &row, &path).await? {
            Ok(start) => (Some(start), None),
            Err(error) => (None, Some((error.message_id(), error.message_en()))),
        }
    } else {
        (None, None)
    };
    let header_chosen = row.header_row.is_some();
    let mut view = SheetImportView {
        id: row.id,
        file_name: row.file_name.clone(),
        file_bytes: u64::try_from(row.file_bytes).unwrap_or(0),
        kind: String::new(),
        district_code: row.district_code.clone(),
        district_name,
        destination: stored(&row.destination)?,
        numbering: numbering_of(&row.relationship_numbering),
        state,
        uploaded_at: row.uploaded_at,
        uploaded_by: names.get(&row.uploaded_by).cloned().unwrap_or_default(),
        same_file,
        reading_problem,
        header_row: None,
        header_chosen,
        sheets: Vec::new(),
        sheet: 0,
        encoding: None,
        columns: Vec::new(),
        remembered: false,
        preview_fields: Vec::new(),
        preview: Vec::new(),
        survey: row.survey.as_deref().map(stored_json).transpose()?,
        progress: if state.running() {
            jobs.progress(row.id)
        } else {
            None
        },
        result,
        failure: row.failure.as_deref().map(stored_json).transpose()?,
        rejected_report,
        version: row.version,
    };
    if let Some(start) = start {
        view.kind = start.kind;
        view.header_row = Some(start.header_row);
        view.numbering = start.numbering;
        view.sheets = start.sheets;
        view.sheet = start.sheet;
        view.encoding = start.encoding;
        view.columns = start.columns;
        view.remembered = start.remembered;
        view.preview_fields = start.preview_fields;
        view.preview = start.preview;
    }
    Ok(view)
}
