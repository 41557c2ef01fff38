//! Files sent from the browser as plain multipart forms (they work without
//! JavaScript): the signed minutes of a village meeting, the photo of a
//! house's front, a document of a household's file, and the civil registry's
//! match-result file. The bytes are read up to the file's limit (one reader,
//! `read_upload`, for all but the match file, which answers on its own page)
//! and handed to the service, which checks them by content.

use axum::Extension;
use axum::extract::{Multipart, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use shared::contract::{Actor, ServiceError};
use shared::error::DomainError;
use shared::meeting::{MINUTES_MAX_BYTES, MeetingProblem};
use shared::photo::PhotoProblem;

use crate::downloads::error_response;
use crate::web::AppState;

/// Where the minutes of meeting `{id}` are posted (see `app::paths::meeting_minutes_upload`).
pub const MEETING_MINUTES_UPLOAD: &str = "/musdes/{id}/notulen";

/// Largest body of a minutes upload: the file and the form around it.
pub const MINUTES_BODY_LIMIT: usize = MINUTES_MAX_BYTES + 64 * 1024;

/// True for the address of a minutes upload (`/musdes/12/notulen`).
pub fn is_minutes_upload(path: &str) -> bool {
    path.strip_prefix("/musdes/")
        .and_then(|rest| rest.strip_suffix("/notulen"))
        .is_some_and(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()))
}

/// Largest body of a house photo upload: half as much again as the photo
/// may be, so that a photo a little too large is answered on the visit's
/// page ("8 MB at most") rather than with a bare refusal of the request.
pub const PHOTO_BODY_LIMIT: usize = shared::photo::PHOTO_MAX_BYTES * 3 / 2;

/// Where the photo of a house's front is posted (see `app::paths::house_photo_upload`).
pub const HOUSE_PHOTO_UPLOAD: &str = "/usulan/{id}/verivali/foto";

/// True for the address of a house photo upload (`/usulan/12/verivali/foto`).
pub fn is_photo_upload(path: &str) -> bool {
    path.strip_prefix("/usulan/")
        .and_then(|rest| rest.strip_suffix("/verivali/foto"))
        .is_some_and(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()))
}

/// Where a document of a household's file is posted (see `app::paths::household_document_upload`).
pub const DOCUMENT_UPLOAD: &str = "/keluarga/{id}/dokumen";

/// Largest body of a document upload: as for a photo, half as much again as
/// the file may be, so that one a little too large is answered on the page.
pub const DOCUMENT_BODY_LIMIT: usize = shared::document::DOCUMENT_MAX_BYTES * 3 / 2;

/// True for the address of a document upload (`/keluarga/12/dokumen`).
pub fn is_document_upload(path: &str) -> bool {
    path.strip_prefix("/keluarga/")
        .and_then(|rest| rest.strip_suffix("/dokumen"))
        .is_some_and(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()))
}

/// What a plain upload form sent: the text fields asked for and its `file`,
/// read up to a limit (`too_large` when it was longer; the rest is not kept).
#[derive(Default)]
struct SentForm {
    texts: Vec<(&'static str, String)>,
    /// The name the file was sent with (checked, never kept).
    file_name: String,
    /// The media type the browser declared.
    declared_type: String,
    content: Vec<u8>,
    too_large: bool,
}

impl SentForm {
    /// The text field `name` as sent (empty when it was not).
    fn text(&self, name: &str) -> &str {
        self.texts
            .iter()
            .find(|(field, _)| *field == name)
            .map_or("", |(_, value)| value.as_str())
    }
}

/// Reads a multipart form: the text fields named in `texts` and the field
/// `file`, up to `limit` bytes. A form that cannot be read is a 422.
async fn read_upload(
    mut form: Multipart,
    texts: &[&'static str],
    limit: usize,
) -> Result<SentForm, ServiceError> {
    let malformed = || {
        ServiceError::Invalid(DomainError::TextRequired {
            field: "file".into(),
        })
    };
    let mut read = SentForm::default();
    while let Some(mut field) = form.next_field().await.map_err(|_| malformed())? {
        let name = field.name().unwrap_or_default().to_string();
        if name == "file" {
            read.file_name = field.file_name().unwrap_or_default().to_string();
            read.declared_type = field.content_type().unwrap_or_default().to_string();
            while let Some(chunk) = field.chunk().await.map_err(|_| malformed())? {
                if read.content.len() + chunk.len() > limit {
                    read.too_large = true;
                    break;
                }
                read.content.extend_from_slice(&chunk);
            }
        } else if let Some(wanted) = texts.iter().find(|wanted| **wanted == name) {
            let value = field.text().await.map_err(|_| malformed())?;
            read.texts.push((wanted, value));
        }
    }
    Ok(read)
}

/// Where the civil registry's match-result file is posted.
pub use app::paths::MATCH_FILE_UPLOAD;

/// Reads the match-result file (at most its limit) from the form and imports
/// it; answers by going back to the proposals list with the counts
/// (`?padan=<matched>-<incomplete>-<refused rows>-<rows>&baris=<lines>`), or
/// `?padan_galat=<problem>` for a file refused whole.
pub async fn match_file(
    State(state): State<AppState>,
    actor: Option<Extension<Actor>>,
    mut form: Multipart,
) -> Response {
    use shared::proposal_batch::{BatchProblem, MATCH_FILE_MAX_BYTES};
    let Some(Extension(actor)) = actor else {
        return Redirect::to(app::paths::LOGIN).into_response();
    };
    let list =
        |query: String| Redirect::to(&format!("{}?{query}", app::paths::PROPOSALS)).into_response();
    let mut content = Vec::new();
    loop {
        let field = match form.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(_) => {
                return list(format!(
                    "padan_galat={}",
                    BatchProblem::MatchFileUnreadable.code()
                ));
            }
        };
        if field.name() != Some("file") {
            continue;
        }
        let mut field = field;
        loop {
            match field.chunk().await {
                Ok(Some(chunk)) => {
                    if content.len() + chunk.len() > MATCH_FILE_MAX_BYTES {
                        return list(format!(
                            "padan_galat={}",
                            BatchProblem::MatchFileTooLarge.code()
                        ));
                    }
                    content.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                // A file cut off on the way is not read in part.
                Err(_) => {
                    return list(format!(
                        "padan_galat={}",
                        BatchProblem::MatchFileUnreadable.code()
                    ));
                }
            }
        }
    }
    match state
        .services
        .proposals
        .import_matches(&actor, content)
        .await
    {
        Ok(report) => {
            let lines: Vec<String> = report
                .problems
                .iter()
                .take(10)
                .map(|(line, _)| line.to_string())
                .collect();
            list(format!(
                "tahap={}&padan={}-{}-{}-{}&baris={}",
                shared::proposal::ProposalStage::CivilRegistryMatched.code(),
                report.matched.len(),
                report.incomplete.len(),
                report.problems.len(),
                report.rows,
                lines.join(",")
            ))
        }
        Err(ServiceError::Invalid(DomainError::Batch { problem })) => {
            list(format!("padan_galat={}", problem.code()))
        }
        Err(error) => error_response(&error),
    }
}

/// Back to the meeting's page, with what became of the upload.
fn back(id: i64, outcome: &str) -> Response {
    Redirect::to(&format!("{}?{outcome}", app::paths::meeting(id))).into_response()
}

/// Stores the signed minutes of an open meeting; answers by going back to the
/// meeting's page (`?notulen=ok`, or `?galat=<problem>` for a file refused).
pub async fn meeting_minutes(
    State(state): State<AppState>,
    actor: Option<Extension<Actor>>,
    Path(id): Path<i64>,
    form: Multipart,
) -> Response {
    let Some(Extension(actor)) = actor else {
        return Redirect::to(app::paths::LOGIN).into_response();
    };
    let form = match read_upload(form, &["version"], MINUTES_MAX_BYTES).await {
        Ok(form) => form,
        Err(error) => return error_response(&error),
    };
    if form.too_large {
        return back(
            id,
            &format!("galat={}", MeetingProblem::MinutesTooLarge.code()),
        );
    }
    let Ok(version) = form.text("version").trim().parse::<i32>() else {
        return error_response(&ServiceError::Invalid(DomainError::TextRequired {
            field: "version".into(),
        }));
    };
    match state
        .services
        .meetings
        .attach_minutes(&actor, id, version, form.content)
        .await
    {
        Ok(()) => back(id, "notulen=ok"),
        Err(ServiceError::Invalid(DomainError::Meeting { problem })) => {
            back(id, &format!("galat={}", problem.code()))
        }
        Err(ServiceError::Conflict) => back(id, &format!("galat={}", MeetingProblem::Stale.code())),
        Err(error) => error_response(&error),
    }
}

/// Keeps the photo of the house's front sent from a home visit's page;
/// answers by going back to it (`?foto=ok`, or `?foto_galat=<problem>`).
pub async fn house_photo(
    State(state): State<AppState>,
    actor: Option<Extension<Actor>>,
    Path(id): Path<i64>,
    form: Multipart,
) -> Response {
    let Some(Extension(actor)) = actor else {
        return Redirect::to(app::paths::LOGIN).into_response();
    };
    let page = app::paths::home_visit(id);
    let refused = |problem: PhotoProblem| {
        Redirect::to(&format!("{page}?foto_galat={}", problem.code())).into_response()
    };
    let form = match read_upload(form, &[], shared::photo::PHOTO_MAX_BYTES).await {
        Ok(form) => form,
        Err(error) => return error_response(&error),
    };
    if form.too_large {
        return refused(PhotoProblem::TooLarge);
    }
    match state
        .services
        .visits
        .attach_house_photo(&actor, id, form.content)
        .await
    {
        Ok(()) => Redirect::to(&format!("{page}?foto=ok")).into_response(),
        Err(ServiceError::Invalid(DomainError::Photo { problem })) => refused(problem),
        // The visit was finished or moved on meanwhile: said on its page.
        Err(ServiceError::Invalid(DomainError::TransitionNotAllowed { .. })) => {
            refused(PhotoProblem::VisitClosed)
        }
        Err(error) => error_response(&error),
    }
}

/// Keeps a document sent from a household's page; answers by going back to
/// its documents (`?dokumen=ok`, or `?dokumen_galat=<problem>` for a file
/// refused). The file's name is read to check it against the content, and
/// never kept or logged.
pub async fn household_document(
    State(state): State<AppState>,
    actor: Option<Extension<Actor>>,
    Path(id): Path<i64>,
    form: Multipart,
) -> Response {
    use shared::document::{AttachDocument, DocumentKind, DocumentProblem, DocumentRecord};
    let Some(Extension(actor)) = actor else {
        return Redirect::to(app::paths::LOGIN).into_response();
    };
    let back = |outcome: String| {
        Redirect::to(&app::paths::household_documents(id, &outcome)).into_response()
    };
    let refused = |problem: DocumentProblem| {
        back(format!(
            "{}={}",
            app::paths::DOCUMENT_REFUSED,
            problem.code()
        ))
    };
    let form = match read_upload(
        form,
        &["kind", "member", "record"],
        shared::document::DOCUMENT_MAX_BYTES,
    )
    .await
    {
        Ok(form) => form,
        Err(error) => return error_response(&error),
    };
    if form.too_large {
        return refused(DocumentProblem::TooLarge);
    }
    let Some(kind) = DocumentKind::from_code(form.text("kind").trim()) else {
        return refused(DocumentProblem::KindMissing);
    };
    let member_id = match form.text("member").trim() {
        "" => None,
        number => match number.parse() {
            Ok(member) => Some(member),
            Err(_) => return refused(DocumentProblem::MemberNotInFamily),
        },
    };
    // The family's case or proposal it is about (`kasus-12`, `usulan-5`), if one.
    let record = match form.text("record").trim() {
        "" => None,
        value => match DocumentRecord::from_form_value(value) {
            Some(record) => Some(record),
            None => return refused(DocumentProblem::RecordNotOfFamily),
        },
    };
    let document = AttachDocument {
        household_id: id,
        member_id,
        record,
        kind,
        file_name: form.file_name,
        declared_type: form.declared_type,
        content: form.content,
    };
    match state.services.documents.attach(&actor, document).await {
        Ok(_) => back(format!("{}=ok", app::paths::DOCUMENT_KEPT)),
        Err(ServiceError::Invalid(DomainError::Document { problem })) => refused(problem),
        Err(error) => error_response(&error),
    }
}

/// Where a district's spreadsheet is posted (see `app::paths::SHEET_UPLOAD`).
pub use app::paths::SHEET_UPLOAD;

/// How long one piece of a spreadsheet upload may take to arrive (a phone on
/// a weak signal sends slowly, but does not stop for this long).
const SHEET_CHUNK_WAIT: std::time::Duration = std::time::Duration::from_secs(120);

/// How long a whole spreadsheet upload may take (256 MB at 1 Mbit/s take 36 minutes).
const SHEET_UPLOAD_WAIT: std::time::Duration = std::time::Duration::from_secs(60 * 60);

/// Spreadsheet uploads received at once. An upload on a weak signal lasts
/// minutes: uploads take turns of their own, outside the server's admission
/// of requests (`web::admit`), so that they never hold the turns of pages
/// and saves; one more is answered 503 with `Retry-After`.
pub const SHEET_UPLOADS_AT_ONCE: usize = 2;

static SHEET_UPLOADS: tokio::sync::Semaphore =
    tokio::sync::Semaphore::const_new(SHEET_UPLOADS_AT_ONCE);

/// Receives a spreadsheet: streamed to disk as it arrives (never held whole
/// in memory), hashed on the way and cut off past its limit, then handed to
/// the import service; answers by going to the upload's page, or back to the
/// imports page with `?galat=<problem>`.
pub async fn sheet(
    State(state): State<AppState>,
    actor: Option<Extension<Actor>>,
    form: Multipart,
) -> Response {
    use shared::sheet_import::{SheetImportProblem, StagedSheet};
    let Some(Extension(actor)) = actor else {
        return Redirect::to(app::paths::LOGIN).into_response();
    };
    let back = |problem: SheetImportProblem| {
        Redirect::to(&format!(
            "{}?{}={}",
            app::paths::IMPORTS,
            app::paths::IMPORT_REFUSED,
            problem.code()
        ))
        .into_response()
    };
    // A role that may never import is refused before a byte is kept.
    if !shared::access::Action::ImportSpreadsheet.allowed_for(actor.role) {
        return error_response(&ServiceError::Forbidden);
    }
    let Ok(_turn) = SHEET_UPLOADS.try_acquire() else {
        tracing::warn!("spreadsheet uploads at their limit: answering busy");
        return error_response(&ServiceError::Unavailable);
    };
    let folder = state.services.sheet_imports.staging_folder();
    if let Err(error) = tokio::fs::create_dir_all(&folder).await {
        tracing::error!(%error, "cannot create the uploads folder");
        return error_response(&ServiceError::Internal);
    }
    let staged = folder.join(format!(".upload-{}.part", uuid::Uuid::new_v4()));
    let received = tokio::time::timeout(SHEET_UPLOAD_WAIT, receive_sheet(form, &staged))
        .await
        .unwrap_or(Err(shared::sheet_import::SheetImportProblem::Interrupted));
    let (file_name, sha256, bytes, [district, destination]) = match received {
        Ok(received) => received,
        Err(problem) => {
            let _ = tokio::fs::remove_file(&staged).await;
            return back(problem);
        }
    };
    let upload = StagedSheet {
        path: staged,
        file_name,
        sha256,
        bytes,
        district,
        destination,
    };
    match state.services.sheet_imports.accept(&actor, upload).await {
        Ok(id) => Redirect::to(&app::paths::sheet_import(id)).into_response(),
        Err(ServiceError::Invalid(DomainError::SheetImport { problem })) => back(problem),
        Err(error) => error_response(&error),
    }
}

/// The form's short text fields beside the file: the district, the destination.
const SHEET_FORM_TEXTS: [&str; 2] = ["district", "destination"];

/// What the upload form sent: the file's name, SHA-256 and size, and its
/// text fields in [`SHEET_FORM_TEXTS`] order.
type ReceivedSheet = (String, String, u64, [Option<String>; 2]);

/// Writes the form's `file` to `staged`: its name as sent, SHA-256, size and
/// the `district` and `destination` fields; a file past its limit, cut off,
/// or missing is refused.
async fn receive_sheet(
    mut form: Multipart,
    staged: &std::path::Path,
) -> Result<ReceivedSheet, shared::sheet_import::SheetImportProblem> {
    use sha2::{Digest, Sha256};
    use shared::sheet_import::{SHEET_MAX_BYTES, SheetImportProblem};
    use tokio::io::AsyncWriteExt;
    let mut texts: [Option<String>; 2] = [None, None];
    let mut file_name = String::new();
    let mut hasher = Sha256::new();
    let mut bytes: u64 = 0;
    let mut got_file = false;
    loop {
        let field = match form.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(_) => return Err(SheetImportProblem::Interrupted),
        };
        let text_index = field
            .name()
            .and_then(|name| SHEET_FORM_TEXTS.iter().position(|known| *known == name));
        match field.name() {
            _ if text_index.is_some() => {
                // A district code or a destination is a few characters: more is not read.
                let mut field = field;
                let mut text = Vec::new();
                while let Ok(Some(chunk)) = field.chunk().await {
                    text.extend_from_slice(&chunk);
                    if text.len() > 32 {
                        return Err(SheetImportProblem::DistrictInvalid);
                    }
                }
                if let Some(slot) = text_index.and_then(|index| texts.get_mut(index)) {
                    *slot = Some(String::from_utf8_lossy(&text).trim().to_string());
                }
            }
            // One file per upload: a second part is not read.
            Some("file") if !got_file => {
                file_name = field.file_name().unwrap_or_default().to_string();
                let mut file = tokio::fs::File::create(staged)
                    .await
                    .map_err(|_| SheetImportProblem::Interrupted)?;
                let mut field = field;
                loop {
                    let chunk = tokio::time::timeout(SHEET_CHUNK_WAIT, field.chunk()).await;
                    let chunk = match chunk {
                        Ok(Ok(Some(chunk))) => chunk,
                        Ok(Ok(None)) => break,
                        _ => return Err(SheetImportProblem::Interrupted),
                    };
                    bytes += chunk.len() as u64;
                    if bytes > SHEET_MAX_BYTES as u64 {
                        return Err(SheetImportProblem::TooLarge);
                    }
                    hasher.update(&chunk);
                    file.write_all(&chunk)
                        .await
                        .map_err(|_| SheetImportProblem::Interrupted)?;
                }
                file.sync_all()
                    .await
                    .map_err(|_| SheetImportProblem::Interrupted)?;
                got_file = bytes > 0;
            }
            _ => {}
        }
    }
    if !got_file {
        return Err(SheetImportProblem::NoFile);
    }
    Ok((file_name, hex::encode(hasher.finalize()), bytes, texts))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_households_document_address_is_a_document_upload() {
        assert!(is_document_upload("/keluarga/12/dokumen"));
        assert!(!is_document_upload("/keluarga//dokumen"));
        assert!(!is_document_upload("/keluarga/12/ubah"));
        assert!(!is_document_upload("/keluarga/1x/dokumen"));
    }

    #[test]
    fn only_a_meetings_minutes_address_is_an_upload() {
        assert!(is_minutes_upload("/musdes/12/notulen"));
        assert!(!is_minutes_upload("/musdes//notulen"));
        assert!(!is_minutes_upload("/musdes/12/agenda"));
        assert!(!is_minutes_upload("/musdes/1x/notulen"));
        assert!(!is_minutes_upload("/api/save_meeting"));
    }
}
