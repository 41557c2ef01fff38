//! Spreadsheets a district imports from the browser (issue 21): the upload is
//! kept under the files folder's `imports/`, its columns are mapped (found,
//! proposed from the names offices use, remembered per district and layout,
//! corrected by the user), the whole file is checked with nothing written,
//! and once confirmed it is imported by a job on the server whose progress
//! and report outlive the page. For the district's SLRT manager and the
//! administrator (`Action::ImportSpreadsheet`), inside their area; every
//! step is audited.
//!
//! Two destinations share the steps: the registry slice
//! ([`crate::registry_import::import`], one transaction: all or nothing) and
//! a village's BNBA list of families to propose (`proposals`: each family not
//! on record becomes a household file and a new-family proposal, in batches
//! that a rerun completes without doing anything twice).
//!
//! The parts: this module (the steps and their rules), `view` (reading the
//! file for the mapping step and the preview), `jobs` (checking and
//! importing in the background, with progress kept in memory) and
//! `proposals` (the BNBA list's check and import).

mod jobs;
mod proposals;
mod view;

use std::path::PathBuf;
use std::sync::Arc;

use async_trait::async_trait;
use chrono::Utc;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use shared::access::{Action, Target};
use shared::contract::{Actor, ServiceError, SheetImportService};
use shared::geo::{AreaCode, AreaLevel, AreaScope};
use shared::sheet_import::{
    Field, MappingDraft, RelationshipNumbering, SHEET_MAX_BYTES, SheetDestination,
    SheetImportProblem, SheetImportRow, SheetImportState, SheetImportView, StagedSheet,
};

use super::common::{Subject, authorize, check_version, entry, own_scope, within_scope};
use super::db_failure;
use super::rows::{stored, stored_json, usernames};
use super::store::Store;
use super::write::{InVillage, load_in_area};
use crate::entities::{sheet_imports, sheet_mappings};
use crate::files::FileStore;
use crate::protect::DataKey;

pub use jobs::Jobs;

/// Object type of uploads in the audit log.
const OBJECT: &str = "sheet_import";

/// Uploads listed on the import page.
const LISTED: u64 = 50;

/// The folder of uploads under the files folder (the sweep of unnamed documents leaves it alone).
pub const IMPORTS_FOLDER: &str = crate::files::IMPORTS_FOLDER;

impl InVillage for sheet_imports::Entity {
    fn village_code(row: &Self::Model) -> &str {
        &row.district_code
    }
}

fn refused(problem: SheetImportProblem) -> ServiceError {
    ServiceError::Invalid(problem.into())
}

/// Where the rejected rows of upload `id` are kept in the uploads' `folder`.
fn report_path(folder: &std::path::Path, id: i64) -> PathBuf {
    folder.join(format!("{id}.rejected.csv"))
}

/// Field codes as stored: comma-separated, column A first.
fn fields_text(fields: &[Field]) -> String {
    fields
        .iter()
        .map(|field| field.code())
        .collect::<Vec<_>>()
        .join(",")
}

/// A stored numbering read back (an unknown code reads as the registry's).
fn numbering_of(code: &str) -> RelationshipNumbering {
    RelationshipNumbering::from_code(code).unwrap_or_default()
}

/// Stored field codes read back (an unknown code is left unmapped).
fn fields_of(text: &str) -> Vec<Field> {
    text.split(',')
        .map(|code| Field::from_code(code.trim()).unwrap_or(Field::Ignore))
        .collect()
}

/// [`SheetImportService`] on the portal database and the files folder.
pub struct DbSheetImportService {
    db: Store,
    key: DataKey,
    files: FileStore,
    jobs: Arc<Jobs>,
}

impl DbSheetImportService {
    pub fn new(db: Store, key: DataKey, files: FileStore) -> Self {
        DbSheetImportService {
            db,
            key,
            files,
            jobs: Arc::new(Jobs::default()),
        }
    }

    fn folder(&self) -> PathBuf {
        self.files.dir().join(IMPORTS_FOLDER)
    }

    fn upload_path(&self, row: &sheet_imports::Model) -> PathBuf {
        self.folder().join(&row.stored_name)
    }

    fn report_path(&self, id: i64) -> PathBuf {
        report_path(&self.folder(), id)
    }

    /// The district `actor` imports into: its own, or the one it names when
    /// its area is wider (a refusal outside its area is audited).
    async fn district_for(
        &self,
        actor: &Actor,
        named: Option<&str>,
    ) -> Result<AreaCode, ServiceError> {
        let scope = own_scope(actor)?;
        // An account inside a district imports into it (the access rule then
        // refuses those below the district); a wider one names the district.
        let own = match &scope {
            AreaScope::Area(code) => code.ancestor_at(AreaLevel::District),
            AreaScope::National => None,
        };
        let district = match (own, named.map(str::trim).filter(|code| !code.is_empty())) {
            (Some(own), _) => own,
            (None, Some(code)) => match AreaCode::parse(code) {
                Ok(code) if code.level() == AreaLevel::District => code,
                _ => return Err(refused(SheetImportProblem::DistrictInvalid)),
            },
            (None, None) => return Err(refused(SheetImportProblem::DistrictInvalid)),
        };
        authorize(
            &self.db,
            actor,
            Action::ImportSpreadsheet,
            &Target::area(district.clone()),
            Subject::kind(OBJECT),
        )
        .await?;
        Ok(district)
    }

    /// Loads upload `id` for `actor` (refused outside its area, audited).
    async fn load(&self, actor: &Actor, id: i64) -> Result<sheet_imports::Model, ServiceError> {
        let (row, _) = load_in_area::<sheet_imports::Entity>(
            &self.db,
            actor,
            Action::ImportSpreadsheet,
            id,
            Subject::new(OBJECT, id),
        )
        .await?;
        Ok(row)
    }

    /// Moves upload `row` to `state` if it is still at `version`; answers the row as saved.
    async fn advance(
        &self,
        row: sheet_imports::Model,
        state: SheetImportState,
        change: impl FnOnce(&mut sheet_imports::ActiveModel),
    ) -> Result<sheet_imports::Model, ServiceError> {
        let version = row.version;
        let id = row.id;
        let mut active = row.into_active_model();
        active.state = Set(state.code().to_string());
        active.updated_at = Set(Utc::now());
        active.version = Set(version + 1);
        change(&mut active);
        let txn = self.db.write().await?;
        let updated = sheet_imports::Entity::update_many()
            .set(active)
            .filter(sheet_imports::Column::Id.eq(id))
            .filter(sheet_imports::Column::Version.eq(version))
            .exec(&txn)
            .await
            .map_err(db_failure)?;
        if updated.rows_affected != 1 {
            return Err(ServiceError::Conflict);
        }
        let saved = sheet_imports::Entity::find_by_id(id)
            .one(&txn)
            .await
            .map_err(db_failure)?
            .ok_or(ServiceError::NotFound)?;
        txn.commit().await.map_err(db_failure)?;
        Ok(saved)
    }
}

#[async_trait]
impl SheetImportService for DbSheetImportService {
    async fn list(&self, actor: &Actor) -> Result<Vec<SheetImportRow>, ServiceError> {
        let scope = own_scope(actor)?;
        authorize(
            &self.db,
            actor,
            Action::ImportSpreadsheet,
            &Target::area(scope.clone()),
            Subject::kind(OBJECT),
        )
        .await?;
        let query = within_scope(
            sheet_imports::Entity::find(),
            sheet_imports::Column::DistrictCode,
            &scope,
        );
        let rows = query
            .order_by_desc(sheet_imports::Column::Id)
            .limit(LISTED)
            .all(self.db.connection())
            .await
            .map_err(db_failure)?;
        let names = usernames(
            self.db.connection(),
            rows.iter().map(|row| row.uploaded_by).collect(),
        )
        .await?;
        self.db
            .audit_ok(entry(
                actor,
                "sheet_import.list",
                Subject::kind(OBJECT),
                None,
            ))
            .await?;
        rows.into_iter()
            .map(|row| {
                let result: Option<shared::sheet_import::SheetResult> =
                    row.result.as_deref().map(stored_json).transpose()?;
                let survey: Option<shared::sheet_import::SheetSurvey> =
                    row.survey.as_deref().map(stored_json).transpose()?;
                Ok(SheetImportRow {
                    id: row.id,
                    file_name: row.file_name,
                    district_code: row.district_code,
                    destination: stored(&row.destination)?,
                    state: stored(&row.state)?,
                    uploaded_at: row.uploaded_at,
                    uploaded_by: names.get(&row.uploaded_by).cloned().unwrap_or_default(),
                    rows: result.map(|r| r.rows).or(survey.map(|s| s.rows)),
                    accepted: result.map(|r| r.accepted),
                    rejected: result.map(|r| r.rejected),
                })
            })
            .collect()
    }

    fn staging_folder(&self) -> PathBuf {
        self.folder()
    }

    async fn accept(&self, actor: &Actor, upload: StagedSheet) -> Result<i64, ServiceError> {
        let discard = |path: &std::path::Path| {
            let _ = std::fs::remove_file(path);
        };
        let district = match self.district_for(actor, upload.district.as_deref()).await {
            Ok(district) => district,
            Err(error) => {
                discard(&upload.path);
                return Err(error);
            }
        };
        if upload.bytes == 0 {
            discard(&upload.path);
            return Err(refused(SheetImportProblem::NoFile));
        }
        let destination = match upload.destination.as_deref().map(str::trim) {
            None | Some("") => SheetDestination::Registry,
            Some(code) => match SheetDestination::from_code(code) {
                Some(destination) => destination,
                None => {
                    discard(&upload.path);
                    return Err(refused(SheetImportProblem::FieldUnknown));
                }
            },
        };
        if upload.bytes > SHEET_MAX_BYTES as u64 {
            discard(&upload.path);
            return Err(refused(SheetImportProblem::TooLarge));
        }
        // The same file, sent again while it still waits: its upload answers.
        let waiting = sheet_imports::Entity::find()
            .filter(sheet_imports::Column::DistrictCode.eq(district.as_str()))
            .filter(sheet_imports::Column::FileSha256.eq(upload.sha256.as_str()))
            .filter(sheet_imports::Column::Destination.eq(destination.code()))
            .filter(sheet_imports::Column::State.is_not_in([
                SheetImportState::Done.code(),
                SheetImportState::Failed.code(),
            ]))
            .order_by_desc(sheet_imports::Column::Id)
            .one(self.db.connection())
            .await
            .map_err(db_failure)?;
        if let Some(waiting) = waiting {
            discard(&upload.path);
            return Ok(waiting.id);
        }
        let stored_name = format!("{}.sheet", uuid::Uuid::new_v4());
        let target = self.folder().join(&stored_name);
        let moved = tokio::fs::create_dir_all(self.folder())
            .await
            .and(tokio::fs::rename(&upload.path, &target).await);
        if let Err(error) = moved {
            discard(&upload.path);
            tracing::error!(%error, "cannot keep an uploaded spreadsheet");
            return Err(ServiceError::Internal);
        }
        let now = Utc::now();
        let file_name: String = upload.file_name.chars().take(255).collect();
        let record = sheet_imports::ActiveModel {
            district_code: Set(district.as_str().to_string()),
            destination: Set(destination.code().to_string()),
            relationship_numbering: Set(RelationshipNumbering::default().code().to_string()),
            file_name: Set(file_name),
            file_sha256: Set(upload.sha256.clone()),
            file_bytes: Set(i64::try_from(upload.bytes).unwrap_or(i64::MAX)),
            stored_name: Set(stored_name),
            state: Set(SheetImportState::Uploaded.code().to_string()),
            uploaded_by: Set(actor.user_id),
            uploaded_at: Set(now),
            updated_at: Set(now),
            version: Set(1),
            ..Default::default()
        };
        let txn = self.db.write().await?;
        let saved = record.insert(&txn).await.map_err(db_failure);
        let saved = match saved {
            Ok(saved) => saved,
            Err(error) => {
                discard(&target);
                return Err(error);
            }
        };
        txn.commit().await.map_err(db_failure)?;
        self.db
            .audit_ok(
                entry(
                    actor,
                    "sheet_import.upload",
                    Subject::new(OBJECT, saved.id),
                    Some(&district),
                )
                .detail(format!("{} bytes", upload.bytes)),
            )
            .await?;
        Ok(saved.id)
    }

    async fn view(&self, actor: &Actor, id: i64) -> Result<SheetImportView, ServiceError> {
        let mut row = self.load(actor, id).await?;
        let state: SheetImportState = stored(&row.state)?;
        if state.running() && !self.jobs.runs(id) {
            // Its job is gone (the server was restarted): nothing was applied.
            row = jobs::mark_failed(&self.db, id, &jobs::interrupted(&row)).await?;
        }
        let view = view::build(&self.db, &self.key, row, &self.folder(), &self.jobs).await?;
        self.db
            .audit_ok(entry(
                actor,
                "sheet_import.view",
                Subject::new(OBJECT, id),
                None,
            ))
            .await?;
        Ok(view)
    }

    async fn save_mapping(&self, actor: &Actor, draft: MappingDraft) -> Result<(), ServiceError> {
        let row = self.load(actor, draft.import_id).await?;
        let state: SheetImportState = stored(&row.state)?;
        if !matches!(
            state,
            SheetImportState::Uploaded | SheetImportState::Checked | SheetImportState::Failed
        ) {
            return Err(refused(SheetImportProblem::WrongState));
        }
        check_version(row.version, draft.version)?;
        let destination: SheetDestination = stored(&row.destination)?;
        let request = draft
            .to_request(destination)
            .map_err(ServiceError::Invalid)?;
        let numbering = request.numbering.code().to_string();
        let path = self.upload_path(&row);
        let options = view::open_with(request.encoding.as_deref(), request.sheet);
        let fingerprint = view::fingerprint_at(&path, options, request.header_row).await?;
        // Reading again keeps the choices and drops the fields (they are
        // proposed anew); saving a mapping keeps both and checks the file.
        let header_row = request.header_row.and_then(|row| i64::try_from(row).ok());
        let sheet = request.sheet.and_then(|sheet| i32::try_from(sheet).ok());
        let encoding = request.encoding.clone();
        let fields = (!request.reread).then(|| fields_text(&request.fields));
        let choices = {
            let (fingerprint, fields, numbering) =
                (fingerprint.clone(), fields.clone(), numbering.clone());
            move |active: &mut sheet_imports::ActiveModel| {
                active.relationship_numbering = Set(numbering);
                active.header_row = Set(header_row);
                active.sheet = Set(sheet);
                active.encoding = Set(encoding);
                active.fields = Set(fields);
                active.fingerprint = Set(Some(fingerprint));
                active.survey = Set(None);
                active.failure = Set(None);
            }
        };
        let Some(fields) = fields else {
            let saved = self
                .advance(row, SheetImportState::Uploaded, choices)
                .await?;
            self.db
                .audit_ok(entry(
                    actor,
                    "sheet_import.reread",
                    Subject::new(OBJECT, saved.id),
                    None,
                ))
                .await?;
            return Ok(());
        };
        let district = row.district_code.clone();
        let claim = self
            .jobs
            .claim(row.id)
            .ok_or_else(|| refused(SheetImportProblem::WrongState))?;
        let id = row.id;
        let saved = self
            .advance(row, SheetImportState::Checking, choices)
            .await?;
        // The check starts at once: whatever follows, the upload is not left
        // waiting on a job that never runs.
        jobs::start_check(self.job_context(), saved, claim);
        let remembered = sheet_mappings::ActiveModel {
            district_code: Set(district.clone()),
            fingerprint: Set(fingerprint),
            fields: Set(fields),
            relationship_numbering: Set(numbering),
            saved_by: Set(actor.user_id),
            saved_at: Set(Utc::now()),
        };
        self.db
            .write_one(async |txn| {
                sheet_mappings::Entity::insert(remembered)
                    .on_conflict(
                        OnConflict::columns([
                            sheet_mappings::Column::DistrictCode,
                            sheet_mappings::Column::Fingerprint,
                        ])
                        .update_columns([
                            sheet_mappings::Column::Fields,
                            sheet_mappings::Column::RelationshipNumbering,
                            sheet_mappings::Column::SavedBy,
                            sheet_mappings::Column::SavedAt,
                        ])
                        .to_owned(),
                    )
                    .exec_without_returning(txn)
                    .await
                    .map(|_| ())
            })
            .await?;
        self.db
            .audit_ok(entry(
                actor,
                "sheet_import.map",
                Subject::new(OBJECT, id),
                None,
            ))
            .await?;
        Ok(())
    }

    async fn confirm(&self, actor: &Actor, id: i64, version: i32) -> Result<(), ServiceError> {
        let row = self.load(actor, id).await?;
        let state: SheetImportState = stored(&row.state)?;
        let checked = row.survey.is_some() && row.fields.is_some();
        if !(checked && matches!(state, SheetImportState::Checked | SheetImportState::Failed)) {
            return Err(refused(SheetImportProblem::WrongState));
        }
        check_version(row.version, version)?;
        let claim = self
            .jobs
            .claim(id)
            .ok_or_else(|| refused(SheetImportProblem::WrongState))?;
        let saved = self
            .advance(row, SheetImportState::Importing, |active| {
                active.failure = Set(None);
            })
            .await?;
        jobs::start_import(self.job_context(), saved, actor.clone(), claim);
        self.db
            .audit_ok(entry(
                actor,
                "sheet_import.confirm",
                Subject::new(OBJECT, id),
                None,
            ))
            .await?;
        Ok(())
    }

    async fn rejected_rows(
        &self,
        actor: &Actor,
        id: i64,
    ) -> Result<(String, PathBuf), ServiceError> {
        let row = self.load(actor, id).await?;
        let path = self.report_path(row.id);
        if !tokio::fs::try_exists(&path).await.unwrap_or(false) {
            return Err(ServiceError::NotFound);
        }
        self.db
            .audit_ok(entry(
                actor,
                "sheet_import.rejected_rows",
                Subject::new(OBJECT, id),
                None,
            ))
            .await?;
        Ok((format!("baris-ditolak-impor-{id}.csv"), path))
    }
}

impl DbSheetImportService {
    fn job_context(&self) -> jobs::JobContext {
        jobs::JobContext {
            db: self.db.clone(),
            key: self.key.clone(),
            folder: self.folder(),
            jobs: self.jobs.clone(),
        }
    }
}
