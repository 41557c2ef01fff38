//! Documents on a household's file: photos and scans (KK, KTP, SKTM, medical
//! letters, the house's front) about the family, one of its members, or one
//! of its cases or registry proposals (listed on that case or proposal too).
//!
//! A document is checked by its content (a name or declared type claiming
//! another format is refused), a photo is kept without what the phone wrote
//! into it (`crate::photo`), and the bytes go to the documents folder under
//! their hash before the row naming them is committed (`crate::files`).
//! Listing and attaching need the right to see personal data in the family's
//! village; opening one also needs the right to see what it shows
//! (`DocumentKind::view_action`). The documents of a case or proposal are
//! listed to whoever may see that case or proposal; opening one is still
//! decided by the family's village. Every list, upload and opening is audited.

use async_trait::async_trait;
use chrono::Utc;
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, Set};
use shared::access::{Action, Target};
use shared::clock::Zone;
use shared::contract::{Actor, DocumentService, ServiceError};
use shared::document::{
    AttachDocument, DocumentAbout, DocumentFormat, DocumentKind, DocumentList, DocumentProblem,
    DocumentRecord, DocumentRow, check_document,
};
use shared::error::DomainError;

use super::common::{Subject, access_actor, authorize, entry};
use super::db_failure;
use super::rows::{stored, usernames};
use super::store::Store;
use super::write::{load, load_in_area};
use crate::entities::{attachments, cases, households, members, proposals};
use crate::files::{FileStore, relative_path};

/// Object type of documents in the audit log.
const OBJECT: &str = "document";

/// What a document's row says it is about.
const ABOUT_HOUSEHOLD: &str = "household";
const ABOUT_MEMBER: &str = "member";
const ABOUT_CASE: &str = "case";
const ABOUT_PROPOSAL: &str = "proposal";

/// The owner a document's row names for a case or proposal.
fn owner_of(record: DocumentRecord) -> (&'static str, i64) {
    match record {
        DocumentRecord::Case(id) => (ABOUT_CASE, id),
        DocumentRecord::Proposal(id) => (ABOUT_PROPOSAL, id),
    }
}

/// The case or proposal a document's row is about, if one.
fn record_of(row: &attachments::Model) -> Option<DocumentRecord> {
    match row.owner_type.as_str() {
        ABOUT_CASE => Some(DocumentRecord::Case(row.owner_id)),
        ABOUT_PROPOSAL => Some(DocumentRecord::Proposal(row.owner_id)),
        _ => None,
    }
}

/// A case as documents name it.
fn case_about(case: &cases::Model) -> DocumentAbout {
    DocumentAbout::Case {
        id: case.id,
        number: case.number.clone(),
    }
}

/// A proposal as documents name it.
fn proposal_about(proposal: &proposals::Model) -> Result<DocumentAbout, ServiceError> {
    Ok(DocumentAbout::Proposal {
        id: proposal.id,
        kind: stored(&proposal.kind)?,
        stage: stored(&proposal.stage)?,
    })
}

/// Whether `who` may open a document of `kind` on the file of a family of
/// `target` (what `open` checks, said before the user tries).
fn may_open(who: &shared::access::Actor, kind: DocumentKind, target: &Target) -> bool {
    shared::access::can(who, Action::ViewPersonalData, target)
        && shared::access::can(who, kind.view_action(), target)
}

/// [`DocumentService`] on the portal database and the documents folder.
pub struct DbDocumentService {
    db: Store,
    files: FileStore,
}

impl DbDocumentService {
    pub fn new(db: Store, files: FileStore) -> Self {
        DbDocumentService { db, files }
    }

    /// The family's cases and proposals as documents name them, newest first
    /// (cases, then proposals).
    async fn records_of(&self, household_id: i64) -> Result<Vec<DocumentAbout>, ServiceError> {
        let family_cases = cases::Entity::find()
            .filter(cases::Column::HouseholdId.eq(household_id))
            .order_by_desc(cases::Column::Id)
            .all(self.db.connection())
            .await
            .map_err(db_failure)?;
        let family_proposals = proposals::Entity::find()
            .filter(proposals::Column::HouseholdId.eq(household_id))
            .order_by_desc(proposals::Column::Id)
            .all(self.db.connection())
            .await
            .map_err(db_failure)?;
        let mut records: Vec<DocumentAbout> = family_cases.iter().map(case_about).collect();
        for proposal in &family_proposals {
            records.push(proposal_about(proposal)?);
        }
        Ok(records)
    }

    /// The case or proposal `record`, once it is one of household
    /// `household_id`'s (else the document is refused, nothing kept).
    async fn record_of_family(
        &self,
        record: DocumentRecord,
        household_id: i64,
    ) -> Result<DocumentRecord, ServiceError> {
        let family = match record {
            DocumentRecord::Case(id) => cases::Entity::find_by_id(id)
                .one(self.db.connection())
                .await
                .map_err(db_failure)?
                .map(|case| case.household_id),
            DocumentRecord::Proposal(id) => proposals::Entity::find_by_id(id)
                .one(self.db.connection())
                .await
                .map_err(db_failure)?
                .map(|proposal| proposal.household_id),
        };
        if family == Some(household_id) {
            Ok(record)
        } else {
            Err(refused(DocumentProblem::RecordNotOfFamily))
        }
    }

    /// The documents of `household`'s file that `filter` keeps, newest first,
    /// as `actor` sees them; `members` and `records` name the members, cases
    /// and proposals they are about.
    async fn rows(
        &self,
        actor: &Actor,
        household: &households::Model,
        filter: Condition,
        members: &[members::Model],
        records: &[DocumentAbout],
    ) -> Result<Vec<DocumentRow>, ServiceError> {
        let rows = attachments::Entity::find()
            .filter(attachments::Column::HouseholdId.eq(household.id))
            .filter(filter)
            .order_by_desc(attachments::Column::UploadedAt)
            .order_by_desc(attachments::Column::Id)
            .all(self.db.connection())
            .await
            .map_err(db_failure)?;
        let names = usernames(
            self.db.connection(),
            rows.iter().filter_map(|row| row.uploaded_by).collect(),
        )
        .await?;
        let who = access_actor(actor)?;
        // Opening follows the family's village, wherever the case or proposal is.
        let target = Target::area(super::common::stored_area(&household.village_code)?);
        let mut documents = Vec::with_capacity(rows.len());
        for row in rows {
            let kind = stored::<DocumentKind>(row.kind.as_deref().unwrap_or_default())?;
            let about = record_of(&row).and_then(|record| {
                records
                    .iter()
                    .find(|about| about.record() == record)
                    .cloned()
            });
            documents.push(DocumentRow {
                id: row.id,
                kind,
                format: stored::<DocumentFormat>(&row.content_type)?,
                member: row.member_id.and_then(|id| {
                    members
                        .iter()
                        .find(|member| member.id == id)
                        .map(|member| member.name.clone())
                }),
                uploaded_at: row.uploaded_at,
                uploaded_by: row.uploaded_by.and_then(|id| names.get(&id).cloned()),
                size_bytes: row.size_bytes,
                may_open: may_open(&who, kind, &target),
                about,
            });
        }
        Ok(documents)
    }

    /// The family's members, in their order on the card.
    async fn members_of(&self, household_id: i64) -> Result<Vec<members::Model>, ServiceError> {
        members::Entity::find()
            .filter(members::Column::HouseholdId.eq(household_id))
            .order_by_asc(members::Column::Relationship)
            .order_by_asc(members::Column::Id)
            .all(self.db.connection())
            .await
            .map_err(db_failure)
    }
}

/// A refusal of the document itself (HTTP 422, said on the form).
fn refused(problem: DocumentProblem) -> ServiceError {
    ServiceError::Invalid(DomainError::from(problem))
}

/// The bytes as they are kept: a photo without its metadata, a PDF as it is.
fn as_kept(format: DocumentFormat, content: Vec<u8>) -> Result<Vec<u8>, ServiceError> {
    match format {
        DocumentFormat::Jpeg | DocumentFormat::Png => crate::photo::cleaned(&content)
            .map(|(_, clean)| clean)
            .map_err(|_| refused(DocumentProblem::Broken)),
        DocumentFormat::Pdf => Ok(content),
    }
}

/// The name a document is kept under: its kind (never what the file was sent
/// as, which may carry a NIK); it is served as `<kind>-<number>.<extension>`.
fn file_name(kind: DocumentKind, format: DocumentFormat) -> String {
    format!("{}.{}", kind.code().replace('_', "-"), format.extension())
}

/// The name a document is served under: `ktp-12.jpg`.
fn served_name(stored: &str, id: i64) -> String {
    match stored.rsplit_once('.') {
        Some((stem, extension)) => format!("{stem}-{id}.{extension}"),
        None => format!("{stored}-{id}"),
    }
}

#[async_trait]
impl DocumentService for DbDocumentService {
    async fn list(&self, actor: &Actor, household_id: i64) -> Result<DocumentList, ServiceError> {
        let subject = Subject::new("household", household_id);
        let (household, village) = load_in_area::<households::Entity>(
            &self.db,
            actor,
            Action::ViewPersonalData,
            household_id,
            subject,
        )
        .await?;
        let records = self.records_of(household.id).await?;
        let members = self.members_of(household.id).await?;
        let documents = self
            .rows(actor, &household, Condition::all(), &members, &records)
            .await?;
        self.db
            .audit_ok(
                entry(actor, "view_documents", subject, Some(&village))
                    .detail(format!("documents={}", documents.len())),
            )
            .await?;
        Ok(DocumentList {
            household_id: household.id,
            documents,
            members: members
                .into_iter()
                .filter(members::Model::is_living)
                .map(|member| (member.id, member.name))
                .collect(),
            records,
            may_attach: true,
            zone: Zone::of_area(village.as_str()),
        })
    }

    async fn list_for_record(
        &self,
        actor: &Actor,
        record: DocumentRecord,
    ) -> Result<DocumentList, ServiceError> {
        let (owner_type, owner_id) = owner_of(record);
        let subject = Subject::new(owner_type, owner_id);
        // Authorised as the case or proposal itself is shown.
        let (household_id, village, about) = match record {
            DocumentRecord::Case(id) => {
                let (case, village) = load_in_area::<cases::Entity>(
                    &self.db,
                    actor,
                    Action::ViewPersonalData,
                    id,
                    subject,
                )
                .await?;
                (case.household_id, village, case_about(&case))
            }
            DocumentRecord::Proposal(id) => {
                let (proposal, village) = load_in_area::<proposals::Entity>(
                    &self.db,
                    actor,
                    Action::ViewPersonalData,
                    id,
                    subject,
                )
                .await?;
                (proposal.household_id, village, proposal_about(&proposal)?)
            }
        };
        let household = load::<households::Entity>(self.db.connection(), household_id).await?;
        let filter = Condition::all()
            .add(attachments::Column::OwnerType.eq(owner_type))
            .add(attachments::Column::OwnerId.eq(owner_id));
        let members = self.members_of(household.id).await?;
        let documents = self
            .rows(
                actor,
                &household,
                filter,
                &members,
                std::slice::from_ref(&about),
            )
            .await?;
        self.db
            .audit_ok(
                entry(actor, "view_documents", subject, Some(&village)).detail(format!(
                    "household={}; documents={}",
                    household.id,
                    documents.len()
                )),
            )
            .await?;
        Ok(DocumentList {
            household_id: household.id,
            documents,
            members: Vec::new(),
            records: vec![about],
            // Documents are attached from the family's file.
            may_attach: false,
            zone: Zone::of_area(village.as_str()),
        })
    }

    async fn attach(&self, actor: &Actor, document: AttachDocument) -> Result<i64, ServiceError> {
        let subject = Subject::new("household", document.household_id);
        let (household, village) = load_in_area::<households::Entity>(
            &self.db,
            actor,
            Action::ViewPersonalData,
            document.household_id,
            subject,
        )
        .await?;
        if let Some(member_id) = document.member_id {
            let member = members::Entity::find_by_id(member_id)
                .one(self.db.connection())
                .await
                .map_err(db_failure)?;
            if member.is_none_or(|member| member.household_id != household.id) {
                return Err(refused(DocumentProblem::MemberNotInFamily));
            }
        }
        let record = match document.record {
            Some(record) => Some(self.record_of_family(record, household.id).await?),
            None => None,
        };
        let received = document.content.len();
        let format = check_document(
            &document.file_name,
            &document.declared_type,
            &document.content,
        )
        .map_err(refused)?;
        let kept = as_kept(format, document.content)?;
        let size = i64::try_from(kept.len()).map_err(|_| ServiceError::Internal)?;
        let removed = received.saturating_sub(kept.len());
        // On disk first: a row is never committed naming a file that is not there
        // (a file whose row is not committed is swept later, see `housekeeping`).
        let sha256 = self.files.put(kept).await.map_err(|error| {
            tracing::error!(%error, "could not keep a document's file");
            ServiceError::Unavailable
        })?;
        let storage_path = relative_path(&sha256).ok_or(ServiceError::Internal)?;
        // What it is about: the case or proposal chosen, else the member, else
        // the family (the member is kept in its own column in every case).
        let (owner_type, owner_id) = match (record, document.member_id) {
            (Some(record), _) => owner_of(record),
            (None, Some(member_id)) => (ABOUT_MEMBER, member_id),
            (None, None) => (ABOUT_HOUSEHOLD, household.id),
        };
        let write = self.db.begin_write().await?;
        let row = write
            .insert(attachments::ActiveModel {
                owner_type: Set(owner_type.to_string()),
                owner_id: Set(owner_id),
                file_name: Set(file_name(document.kind, format)),
                content_type: Set(format.code().to_string()),
                size_bytes: Set(size),
                sha256: Set(sha256.clone()),
                storage_path: Set(storage_path),
                uploaded_by: Set(Some(actor.user_id)),
                uploaded_at: Set(Utc::now()),
                household_id: Set(Some(household.id)),
                member_id: Set(document.member_id),
                kind: Set(Some(document.kind.code().to_string())),
                ..Default::default()
            })
            .await?;
        write
            .audit(
                entry(
                    actor,
                    "upload_document",
                    Subject::new(OBJECT, row.id),
                    Some(&village),
                )
                .detail(format!(
                    "household={}; member={}; about={owner_type}:{owner_id}; kind={}; type={}; bytes={size}; metadata_removed={removed}; sha256={sha256}",
                    household.id,
                    document
                        .member_id
                        .map_or_else(|| "-".to_string(), |id| id.to_string()),
                    document.kind.code(),
                    format.code(),
                )),
            )
            .await?;
        write.commit().await?;
        Ok(row.id)
    }

    async fn open(
        &self,
        actor: &Actor,
        document_id: i64,
    ) -> Result<(DocumentFormat, String, Vec<u8>), ServiceError> {
        let subject = Subject::new(OBJECT, document_id);
        let row = load::<attachments::Entity>(self.db.connection(), document_id).await?;
        // Only documents of a household's file are opened here.
        let household_id = row.household_id.ok_or(ServiceError::NotFound)?;
        let kind = stored::<DocumentKind>(row.kind.as_deref().unwrap_or_default())?;
        let household = load::<households::Entity>(self.db.connection(), household_id).await?;
        let village = super::common::stored_area(&household.village_code)?;
        let target = Target::area(village.clone());
        authorize(&self.db, actor, Action::ViewPersonalData, &target, subject).await?;
        authorize(&self.db, actor, kind.view_action(), &target, subject).await?;
        let format = stored::<DocumentFormat>(&row.content_type)?;
        let content = self.files.read(&row.sha256).await.map_err(|error| {
            tracing::error!(%error, document = row.id, "a document's file is missing");
            ServiceError::Internal
        })?;
        self.db
            .audit_ok(
                entry(actor, "view_document", subject, Some(&village))
                    .detail(format!("household={household_id}; kind={}", kind.code())),
            )
            .await?;
        Ok((format, served_name(&row.file_name, row.id), content))
    }
}
