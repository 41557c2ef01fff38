//! Documents on a household's file: photos and scans (KK, KTP, SKTM, medical
//! letters, the house's front) about the family or one of its members.
//!
//! A document is checked by its content (a name or declared type claiming
//! another format is refused), a photo is kept without what the phone wrote
//! into it (`crate::photo`), and the bytes go to the documents folder under
//! their hash before the row naming them is committed (`crate::files`).
//! Listing and attaching need the right to see personal data in the family's
//! village; opening one also needs the right to see what it shows
//! (`DocumentKind::view_action`). Every upload and every opening is audited.

use async_trait::async_trait;
use chrono::Utc;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use shared::access::{Action, Target};
use shared::clock::Zone;
use shared::contract::{Actor, DocumentService, ServiceError};
use shared::document::{
    AttachDocument, DocumentFormat, DocumentKind, DocumentList, DocumentProblem, DocumentRow,
    check_document,
};
use shared::error::DomainError;

use super::common::{Subject, access_actor, authorize, entry};
use super::db_failure;
use super::rows::{stored, usernames};
use super::store::Store;
use super::write::{load, load_in_area};
use crate::entities::{attachments, households, members};
use crate::files::{FileStore, relative_path};

/// Object type of documents in the audit log.
const OBJECT: &str = "document";

/// What a document's row says it is about.
const ABOUT_HOUSEHOLD: &str = "household";
const ABOUT_MEMBER: &str = "member";

/// [`DocumentService`] on the portal database and the documents folder.
pub struct DbDocumentService {
    db: Store,
    files: FileStore,
}

impl DbDocumentService {
    pub fn new(db: Store, files: FileStore) -> Self {
        DbDocumentService { db, files }
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
        let rows = attachments::Entity::find()
            .filter(attachments::Column::HouseholdId.eq(household.id))
            .order_by_desc(attachments::Column::UploadedAt)
            .order_by_desc(attachments::Column::Id)
            .all(self.db.connection())
            .await
            .map_err(db_failure)?;
        let members = self.members_of(household.id).await?;
        let names = usernames(
            self.db.connection(),
            rows.iter().filter_map(|row| row.uploaded_by).collect(),
        )
        .await?;
        let who = access_actor(actor)?;
        let target = Target::area(village.clone());
        let mut documents = Vec::with_capacity(rows.len());
        for row in rows {
            let kind = stored::<DocumentKind>(row.kind.as_deref().unwrap_or_default())?;
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
                may_open: shared::access::can(&who, kind.view_action(), &target),
            });
        }
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
            may_attach: true,
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
        let (owner_type, owner_id) = match document.member_id {
            Some(member_id) => (ABOUT_MEMBER, member_id),
            None => (ABOUT_HOUSEHOLD, household.id),
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
                    "household={}; member={}; kind={}; type={}; bytes={size}; metadata_removed={removed}; sha256={sha256}",
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
