//! Documents on a household's file, on SQLite and PostgreSQL, through the
//! portal's router as a browser without script posts them: photos come back
//! without their location, a file that is not what its name says is refused
//! with nothing kept, too large is refused, the same content is kept once,
//! who may open what, every opening audited, a purged record takes its
//! documents and their files along, and a document about one of the family's
//! cases or proposals is listed on it (another family's is refused).

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::Utc;
use common::casework;
use common::people::household_request;
use common::{TempFolder, TestResult, account, actor, audit_rows, database_with_areas};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};
use server::entities::{attachments, enrolments, household_events, households, members};
use server::files::FileStore;
use server::services::{self, ServiceConfig};
use shared::contract::{Actor, ServiceError, Services};
use shared::document::{
    AttachDocument, DocumentAbout, DocumentKind, DocumentList, DocumentProblem, DocumentRecord,
};
use shared::photo::PNG_SIGNATURE;
use shared::roles::Role;
use tower::ServiceExt;

const WALED_DESA: &str = "32.09.01.2008";
const JATISEENG: &str = "32.09.02.2001";

struct Desk {
    services: Services,
    db: DatabaseConnection,
    router: axum::Router,
    files: FileStore,
    /// The folder the documents are kept in (removed at the end).
    folder: TempFolder,
    fo: Actor,
    bo: Actor,
    supervisor: Actor,
    stranger: Actor,
}

async fn desk() -> Result<Desk, Box<dyn std::error::Error>> {
    let db = database_with_areas().await?;
    let folder = TempFolder::new()?;
    let files = FileStore::new(folder.0.join("dokumen"));
    let services = services::build(
        db.clone(),
        ServiceConfig {
            files: files.clone(),
            ..common::config()
        },
    );
    let router = common::site_router(&db, services.clone());
    Ok(Desk {
        fo: actor(
            &db,
            &services,
            "fo.waled",
            Role::FrontOffice,
            Some(WALED_DESA),
        )
        .await?,
        bo: actor(
            &db,
            &services,
            "bo.waled",
            Role::BackOffice,
            Some(WALED_DESA),
        )
        .await?,
        supervisor: actor(
            &db,
            &services,
            "supervisor.waled",
            Role::Supervisor,
            Some("32.09.01"),
        )
        .await?,
        stranger: actor(
            &db,
            &services,
            "fo.jatiseeng",
            Role::FrontOffice,
            Some(JATISEENG),
        )
        .await?,
        services,
        db,
        router,
        files,
        folder,
    })
}

/// A household of Waled Desa; answers it and its first member.
async fn household(desk: &Desk, serial: u16) -> Result<(i64, i64), Box<dyn std::error::Error>> {
    let created = desk
        .services
        .households
        .register(
            &desk.fo,
            household_request(WALED_DESA, serial, &format!("hh-{serial}"))?,
        )
        .await?;
    let file = desk.services.households.file(&desk.fo, created.id).await?;
    let member = file.members.first().ok_or("no member")?.id;
    Ok((created.id, member))
}

fn segment(marker: u8, body: &[u8]) -> Vec<u8> {
    let mut s = vec![0xFF, marker];
    s.extend_from_slice(&u16::try_from(body.len() + 2).unwrap_or(0).to_be_bytes());
    s.extend_from_slice(body);
    s
}

/// A phone's JPEG (its structure, not a real picture): Exif with a GPS
/// directory (latitude "S", the position in text), the phone's make, XMP and
/// a comment, then a frame and a scan.
fn jpeg_with_location(scan: u8) -> Vec<u8> {
    let mut exif = b"Exif\0\0".to_vec();
    exif.extend_from_slice(b"II\x2A\0\x08\0\0\0");
    exif.extend_from_slice(&2u16.to_le_bytes());
    exif.extend_from_slice(&[0x12, 0x01, 3, 0, 1, 0, 0, 0, 1, 0, 0, 0]);
    exif.extend_from_slice(&[0x25, 0x88, 4, 0, 1, 0, 0, 0, 38, 0, 0, 0]);
    exif.extend_from_slice(&0u32.to_le_bytes());
    exif.extend_from_slice(&1u16.to_le_bytes());
    exif.extend_from_slice(&[0x01, 0x00, 2, 0, 2, 0, 0, 0, b'S', 0, 0, 0]);
    exif.extend_from_slice(&0u32.to_le_bytes());
    exif.extend_from_slice(b"GPS -6.7342 108.8511 SamsungA15");
    let mut file = vec![0xFF, 0xD8];
    file.extend(segment(0xE0, b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0"));
    file.extend(segment(0xE1, &exif));
    file.extend(segment(
        0xE1,
        b"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta>-6.7342</x:xmpmeta>",
    ));
    file.extend(segment(0xFE, b"Rumah Jl. Melati 3"));
    file.extend(segment(0xDB, &[0; 65]));
    file.extend(segment(0xC0, &[8, 0, 16, 0, 16, 1, 1, 0x11, 0]));
    file.extend(segment(0xDA, &[1, 1, 0, 0, 63, 0]));
    file.extend_from_slice(&[0x12, scan, 0xFF, 0x00, 0x56, 0xFF, 0xD9]);
    file
}

/// A PNG with its position in an eXIf chunk and a text comment.
fn png_with_location() -> Vec<u8> {
    let chunk = |kind: &[u8; 4], data: &[u8]| {
        let mut c = u32::try_from(data.len())
            .unwrap_or(0)
            .to_be_bytes()
            .to_vec();
        c.extend_from_slice(kind);
        c.extend_from_slice(data);
        c.extend_from_slice(&[0, 0, 0, 0]);
        c
    };
    let mut file = PNG_SIGNATURE.to_vec();
    file.extend(chunk(b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]));
    file.extend(chunk(b"eXIf", b"MM\0\x2A GPS -6.7342 108.8511"));
    file.extend(chunk(b"tEXt", b"Comment\0Rumah Bu Warsini"));
    file.extend(chunk(b"IDAT", &[1, 2, 3]));
    file.extend(chunk(b"IEND", &[]));
    file
}

fn pdf() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".to_vec()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// The upload form as a browser posts it (`record`: the case or proposal
/// chosen, `kasus-12`, or empty).
fn form(
    kind: &str,
    member: &str,
    record: &str,
    name: &str,
    media: &str,
    content: &[u8],
) -> (String, Vec<u8>) {
    let boundary = "----batasDokumen";
    let mut body = Vec::new();
    for (field, value) in [("kind", kind), ("member", member), ("record", record)] {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: {media}\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(content);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// Posts the form as `cookie` to household `id`'s documents; answers the
/// status and where it leads.
async fn upload(
    desk: &Desk,
    cookie: &str,
    id: i64,
    fields: (&str, &str, &str, &str, &[u8]),
) -> Result<(StatusCode, String), Box<dyn std::error::Error>> {
    upload_for(desk, cookie, id, "", fields).await
}

/// As [`upload`], the form saying which case or proposal it is for.
async fn upload_for(
    desk: &Desk,
    cookie: &str,
    id: i64,
    record: &str,
    fields: (&str, &str, &str, &str, &[u8]),
) -> Result<(StatusCode, String), Box<dyn std::error::Error>> {
    let (kind, member, name, media, content) = fields;
    let (content_type, body) = form(kind, member, record, name, media, content);
    let response = desk
        .router
        .clone()
        .oneshot(
            Request::post(app::paths::household_document_upload(id))
                .header(header::CONTENT_TYPE, content_type)
                .header("sec-fetch-site", "same-origin")
                .header(header::COOKIE, cookie)
                .body(Body::from(body))?,
        )
        .await?;
    let location = response
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    Ok((response.status(), location))
}

/// Opens document `id` as `cookie`: status, headers and content.
async fn open(
    desk: &Desk,
    cookie: &str,
    id: i64,
) -> Result<(StatusCode, axum::http::HeaderMap, Vec<u8>), Box<dyn std::error::Error>> {
    let response = desk
        .router
        .clone()
        .oneshot(
            Request::get(app::paths::document(id))
                .header(header::COOKIE, cookie)
                .body(Body::empty())?,
        )
        .await?;
    let status = response.status();
    let headers = response.headers().clone();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX).await?;
    Ok((status, headers, body.to_vec()))
}

/// The files in the documents folder.
async fn files_kept(desk: &Desk) -> Result<Vec<server::files::StoredFile>, std::io::Error> {
    desk.files.list().await
}

fn kept(id: i64) -> String {
    app::paths::household_documents(id, "dokumen=ok")
}

fn refused(id: i64, problem: DocumentProblem) -> String {
    app::paths::household_documents(id, &format!("dokumen_galat={}", problem.code()))
}

#[tokio::test]
async fn photos_come_back_without_their_location_and_every_opening_is_audited() -> TestResult {
    let desk = desk().await?;
    let (id, member) = household(&desk, 1).await?;
    let fo = common::sign_in(&desk.router, "fo.waled").await?;
    let bo = common::sign_in(&desk.router, "bo.waled").await?;

    let original = jpeg_with_location(0x34);
    let sent = upload(
        &desk,
        &fo,
        id,
        (
            "ktp",
            &member.to_string(),
            "KTP 3209014506780001.jpg",
            "image/jpeg",
            &original,
        ),
    )
    .await?;
    assert_eq!(sent, (StatusCode::SEE_OTHER, kept(id)));
    let png = png_with_location();
    let sent = upload(
        &desk,
        &fo,
        id,
        ("foto_rumah", "", "rumah.png", "image/png", &png),
    )
    .await?;
    assert_eq!(sent, (StatusCode::SEE_OTHER, kept(id)));

    let list = desk.services.documents.list(&desk.bo, id).await?;
    assert_eq!(list.documents.len(), 2);
    let [house, card] = [&list.documents[0], &list.documents[1]];
    assert_eq!(
        (card.kind, house.kind),
        (DocumentKind::IdentityCard, DocumentKind::HouseFront)
    );
    assert_eq!(card.member.as_deref(), Some("Darto Wiryono"));
    assert_eq!(card.uploaded_by.as_deref(), Some("fo.waled"));
    assert!(card.may_open && house.may_open);

    // The JPEG: no position, phone, XMP or comment; the picture as it was.
    let (status, headers, shown) = open(&desk, &bo, card.id).await?;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "image/jpeg");
    let disposition = headers[header::CONTENT_DISPOSITION].to_str()?;
    assert_eq!(
        disposition,
        format!("inline; filename=\"ktp-{}.jpg\"", card.id)
    );
    assert!(
        !disposition.contains("3209014506780001"),
        "no NIK in a name"
    );
    for leak in [
        &b"-6.7342"[..],
        b"SamsungA15",
        b"xmpmeta",
        b"Melati",
        &[0x25, 0x88],
    ] {
        assert!(contains(&original, leak));
        assert!(!contains(&shown, leak), "{}", String::from_utf8_lossy(leak));
    }
    let picture = |bytes: &[u8]| {
        bytes
            .windows(2)
            .position(|w| w == [0xFF, 0xDB])
            .map(|at| bytes[at..].to_vec())
    };
    assert_eq!(picture(&shown), picture(&original));
    assert_eq!(card.size_bytes, i64::try_from(shown.len())?);

    // The PNG: no eXIf or text chunk; its picture chunk kept.
    let (status, headers, shown) = open(&desk, &bo, house.id).await?;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "image/png");
    for leak in [&b"eXIf"[..], b"108.8511", b"Warsini"] {
        assert!(!contains(&shown, leak), "{}", String::from_utf8_lossy(leak));
    }
    assert!(contains(&shown, b"IDAT"));

    // On disk, too, under its hash only, without the position.
    let on_disk = files_kept(&desk).await?;
    assert_eq!(on_disk.len(), 2);
    for file in &on_disk {
        let bytes = std::fs::read(&file.path)?;
        assert!(!contains(&bytes, b"-6.7342") && !contains(&bytes, b"108.8511"));
        assert!(file.sha256.is_some());
        assert!(!file.path.to_string_lossy().contains("3209014506780001"));
    }

    // Each upload and each opening audited, the original name nowhere.
    let uploads = audit_rows(&desk.db, "upload_document", "ok").await?;
    assert_eq!(uploads.len(), 2);
    assert!(uploads.iter().all(|row| {
        row.detail
            .as_deref()
            .is_some_and(|d| d.contains("metadata_removed=") && !d.contains("3209014506780001"))
    }));
    let views = audit_rows(&desk.db, "view_document", "ok").await?;
    assert_eq!(views.len(), 2);
    assert_eq!(views[0].actor_user_id, Some(desk.bo.user_id));
    Ok(())
}

#[tokio::test]
async fn a_file_that_is_not_what_it_says_or_too_large_is_refused_and_nothing_is_kept() -> TestResult
{
    let desk = desk().await?;
    let (id, member) = household(&desk, 2).await?;
    let fo = common::sign_in(&desk.router, "fo.waled").await?;
    let member = member.to_string();
    let mut too_large = jpeg_with_location(0x34);
    too_large.resize(shared::document::DOCUMENT_MAX_BYTES + 1, 0);
    let cut = jpeg_with_location(0x34)[..60].to_vec();
    for (fields, problem) in [
        // A PDF named and declared as a photo.
        (
            (
                "ktp",
                member.as_str(),
                "ktp.jpg",
                "image/jpeg",
                pdf().as_slice(),
            ),
            DocumentProblem::Mismatch,
        ),
        // A program named .jpg.
        (
            (
                "kk",
                "",
                "kk.jpg",
                "application/octet-stream",
                b"MZ\x90\0program".as_slice(),
            ),
            DocumentProblem::Mismatch,
        ),
        // A PNG named .jpg.
        (
            ("kk", "", "kk.jpg", "image/jpeg", PNG_SIGNATURE),
            DocumentProblem::Mismatch,
        ),
        // A word-processor file, by any name.
        (
            (
                "sktm",
                "",
                "sktm.docx",
                "application/octet-stream",
                b"PK\x03\x04word".as_slice(),
            ),
            DocumentProblem::NotAccepted,
        ),
        (
            ("kk", "", "kk.jpg", "image/jpeg", too_large.as_slice()),
            DocumentProblem::TooLarge,
        ),
        (
            ("kk", "", "kk.jpg", "image/jpeg", cut.as_slice()),
            DocumentProblem::Broken,
        ),
        (
            ("kk", "", "kk.jpg", "image/jpeg", b"".as_slice()),
            DocumentProblem::Missing,
        ),
        (
            ("", "", "kk.pdf", "application/pdf", pdf().as_slice()),
            DocumentProblem::KindMissing,
        ),
        (
            (
                "kk",
                "999999",
                "kk.pdf",
                "application/pdf",
                pdf().as_slice(),
            ),
            DocumentProblem::MemberNotInFamily,
        ),
    ] {
        let answer = upload(&desk, &fo, id, fields).await?;
        assert_eq!(
            answer,
            (StatusCode::SEE_OTHER, refused(id, problem)),
            "{}",
            fields.2
        );
    }
    // A member of another family is not this one's.
    let (_, other_member) = household(&desk, 3).await?;
    let answer = upload(
        &desk,
        &fo,
        id,
        (
            "kk",
            &other_member.to_string(),
            "kk.pdf",
            "application/pdf",
            &pdf(),
        ),
    )
    .await?;
    assert_eq!(answer.1, refused(id, DocumentProblem::MemberNotInFamily));

    // Nothing kept: no row, no file, no upload in the audit log.
    assert_eq!(attachments::Entity::find().count(&desk.db).await?, 0);
    assert!(files_kept(&desk).await?.is_empty());
    assert!(
        audit_rows(&desk.db, "upload_document", "ok")
            .await?
            .is_empty()
    );

    // The service says the same to any other door.
    let refusal = desk
        .services
        .documents
        .attach(
            &desk.fo,
            AttachDocument {
                household_id: id,
                member_id: None,
                record: None,
                kind: DocumentKind::FamilyCard,
                file_name: "kk.png".into(),
                declared_type: String::new(),
                content: jpeg_with_location(1),
            },
        )
        .await;
    assert!(matches!(
        refusal,
        Err(ServiceError::Invalid(shared::DomainError::Document {
            problem: DocumentProblem::Mismatch
        }))
    ));

    // A PDF scan, named as one, is kept as it is.
    let answer = upload(
        &desk,
        &fo,
        id,
        ("sktm", "", "SKTM.PDF", "application/pdf", &pdf()),
    )
    .await?;
    assert_eq!(answer.1, kept(id));
    let bo = common::sign_in(&desk.router, "bo.waled").await?;
    let document = desk.services.documents.list(&desk.bo, id).await?.documents[0].id;
    let (status, headers, shown) = open(&desk, &bo, document).await?;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "application/pdf");
    assert_eq!(shown, pdf());
    Ok(())
}

#[tokio::test]
async fn only_who_may_see_what_a_document_shows_opens_it_and_a_refusal_is_no_view() -> TestResult {
    let desk = desk().await?;
    let (id, member) = household(&desk, 4).await?;
    let attach = |kind: DocumentKind, scan: u8| AttachDocument {
        household_id: id,
        member_id: Some(member),
        record: None,
        kind,
        file_name: "foto.jpg".into(),
        declared_type: "image/jpeg".into(),
        content: jpeg_with_location(scan),
    };
    let documents = &desk.services.documents;
    let card = documents
        .attach(&desk.fo, attach(DocumentKind::IdentityCard, 1))
        .await?;
    let letter = documents
        .attach(&desk.fo, attach(DocumentKind::MedicalLetter, 2))
        .await?;
    let house = documents
        .attach(&desk.fo, attach(DocumentKind::HouseFront, 3))
        .await?;

    // Staff of another village see nothing, open nothing, attach nothing.
    assert!(matches!(
        documents.list(&desk.stranger, id).await,
        Err(ServiceError::Forbidden)
    ));
    account(&desk.db, "fo.luar", Role::FrontOffice, Some(JATISEENG)).await?;
    let outsider = common::sign_in(&desk.router, "fo.luar").await?;
    for document in [card, letter, house] {
        let (status, _, body) = open(&desk, &outsider, document).await?;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert!(!contains(&body, &[0xFF, 0xD8]), "no picture in a refusal");
    }
    let (status, _) = upload(
        &desk,
        &outsider,
        id,
        ("kk", "", "kk.pdf", "application/pdf", &pdf()),
    )
    .await?;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(attachments::Entity::find().count(&desk.db).await?, 3);
    // Not signed in: nothing either.
    let (status, _, _) = open(&desk, "slrt_session=tidak-ada", house).await?;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // Inside the area, what a document shows decides: the supervisor sees no
    // whole NIK (KTP), the front desk reads no health data (medical letter).
    let supervisor_list = documents.list(&desk.supervisor, id).await?;
    let may_open = |list: &shared::document::DocumentList, id: i64| {
        list.documents.iter().any(|d| d.id == id && d.may_open)
    };
    assert!(!may_open(&supervisor_list, card) && may_open(&supervisor_list, house));
    assert!(matches!(
        documents.open(&desk.supervisor, card).await,
        Err(ServiceError::Forbidden)
    ));
    assert!(matches!(
        documents.open(&desk.fo, letter).await,
        Err(ServiceError::Forbidden)
    ));
    assert!(documents.open(&desk.supervisor, house).await.is_ok());
    assert!(documents.open(&desk.bo, letter).await.is_ok());
    assert!(documents.open(&desk.fo, card).await.is_ok());

    // Every refusal is audited as refused; only the three openings as views.
    let views = audit_rows(&desk.db, "view_document", "ok").await?;
    assert_eq!(views.len(), 3);
    assert!(
        views
            .iter()
            .all(|row| row.actor_user_id != Some(desk.stranger.user_id))
    );
    let refused = server::entities::audit_log::Entity::find()
        .filter(server::entities::audit_log::Column::Outcome.eq("refused"))
        .count(&desk.db)
        .await?;
    assert!(refused >= 7, "{refused}");
    Ok(())
}

/// An open case and a registry proposal of household `id`: (case, case
/// number, proposal).
async fn casework_of(
    desk: &Desk,
    id: i64,
    key: &str,
) -> Result<(i64, String, i64), Box<dyn std::error::Error>> {
    let case_id = casework::Desk {
        db: &desk.db,
        services: &desk.services,
        fo: &desk.fo,
        coordinator: &desk.bo,
        village: WALED_DESA,
    }
    .case_for(id, &format!("case-{key}"), None)
    .await?;
    let number = desk
        .services
        .cases
        .detail(&desk.fo, case_id)
        .await?
        .summary
        .number;
    let proposal_id = desk
        .services
        .proposals
        .start(
            &desk.bo,
            shared::dto::StartProposal {
                idempotency_key: format!("proposal-{key}"),
                household_id: id,
                change: shared::proposal_change::ProposalChange::NewFamily,
                source: shared::proposal::ProposalSource::Visit,
                note: "Belum terdaftar di DTSEN".into(),
            },
        )
        .await?
        .id;
    Ok((case_id, number, proposal_id))
}

/// Whether `list` holds document `id` and the user may open it.
fn opens(list: &DocumentList, id: i64) -> bool {
    list.documents.iter().any(|d| d.id == id && d.may_open)
}

#[tokio::test]
async fn a_document_about_a_case_or_proposal_is_listed_there_and_opened_by_who_may() -> TestResult {
    let desk = desk().await?;
    let (id, member) = household(&desk, 7).await?;
    let (case_id, case_number, proposal_id) = casework_of(&desk, id, "7").await?;
    let fo = common::sign_in(&desk.router, "fo.waled").await?;
    let bo = common::sign_in(&desk.router, "bo.waled").await?;

    // A member's KTP for the case, a medical letter for the proposal, and the
    // family card for neither, as the household page's form sends them.
    for (record, fields) in [
        (
            DocumentRecord::Case(case_id).form_value(),
            (
                "ktp",
                member.to_string(),
                "ktp.jpg",
                "image/jpeg",
                jpeg_with_location(1),
            ),
        ),
        (
            DocumentRecord::Proposal(proposal_id).form_value(),
            (
                "surat_medis",
                String::new(),
                "surat.pdf",
                "application/pdf",
                pdf(),
            ),
        ),
        (
            String::new(),
            ("kk", String::new(), "kk.pdf", "application/pdf", pdf()),
        ),
    ] {
        let (kind, about_member, name, media, content) = fields;
        let sent = upload_for(
            &desk,
            &fo,
            id,
            &record,
            (kind, &about_member, name, media, &content),
        )
        .await?;
        assert_eq!(sent, (StatusCode::SEE_OTHER, kept(id)), "{record}");
    }

    // Kept as about the case or proposal, on the family's file (access and
    // retention follow the household), the member kept beside the case.
    let rows = attachments::Entity::find().all(&desk.db).await?;
    assert_eq!(rows.len(), 3);
    assert!(rows.iter().all(|row| row.household_id == Some(id)));
    let by_kind = |kind: &str| {
        rows.iter()
            .find(|row| row.kind.as_deref() == Some(kind))
            .ok_or("a document is missing")
    };
    let (card, letter, family_card) = (by_kind("ktp")?, by_kind("surat_medis")?, by_kind("kk")?);
    assert_eq!(
        (card.owner_type.as_str(), card.owner_id, card.member_id),
        ("case", case_id, Some(member))
    );
    assert_eq!(
        (letter.owner_type.as_str(), letter.owner_id),
        ("proposal", proposal_id)
    );
    assert_eq!(
        (family_card.owner_type.as_str(), family_card.owner_id),
        ("household", id)
    );

    // The case's page lists the KTP only; the proposal's the letter only.
    let documents = &desk.services.documents;
    let on_case = documents
        .list_for_record(&desk.fo, DocumentRecord::Case(case_id))
        .await?;
    assert_eq!(on_case.household_id, id);
    assert_eq!(
        on_case.documents.iter().map(|d| d.id).collect::<Vec<_>>(),
        vec![card.id]
    );
    assert_eq!(
        on_case.documents[0].member.as_deref(),
        Some("Darto Wiryono")
    );
    assert_eq!(
        on_case.documents[0].about,
        Some(DocumentAbout::Case {
            id: case_id,
            number: case_number.clone()
        })
    );
    assert!(!on_case.may_attach, "attached from the family's file");
    let on_proposal = documents
        .list_for_record(&desk.bo, DocumentRecord::Proposal(proposal_id))
        .await?;
    assert_eq!(
        on_proposal
            .documents
            .iter()
            .map(|d| d.id)
            .collect::<Vec<_>>(),
        vec![letter.id]
    );
    assert!(matches!(
        on_proposal.documents[0].about,
        Some(DocumentAbout::Proposal { id, .. }) if id == proposal_id
    ));

    // The family's file lists all three, each saying what it is about, and
    // offers the case and the proposal to the form.
    let on_file = documents.list(&desk.fo, id).await?;
    assert_eq!(on_file.documents.len(), 3);
    let about = |document: i64| {
        on_file
            .documents
            .iter()
            .find(|d| d.id == document)
            .and_then(|d| d.about.as_ref().map(DocumentAbout::record))
    };
    assert_eq!(about(card.id), Some(DocumentRecord::Case(case_id)));
    assert_eq!(
        about(letter.id),
        Some(DocumentRecord::Proposal(proposal_id))
    );
    assert_eq!(about(family_card.id), None);
    let offered: Vec<DocumentRecord> = on_file.records.iter().map(DocumentAbout::record).collect();
    assert_eq!(
        offered,
        vec![
            DocumentRecord::Case(case_id),
            DocumentRecord::Proposal(proposal_id)
        ]
    );

    // Who opens which kind is the same rule as on the family's file: the
    // front desk opens the KTP but not the medical letter, the back office
    // both, the supervisor neither (a whole NIK; health data).
    let on_proposal_fo = documents
        .list_for_record(&desk.fo, DocumentRecord::Proposal(proposal_id))
        .await?;
    assert!(opens(&on_case, card.id) && !opens(&on_proposal_fo, letter.id));
    assert!(opens(&on_proposal, letter.id));
    let on_case_supervisor = documents
        .list_for_record(&desk.supervisor, DocumentRecord::Case(case_id))
        .await?;
    assert!(!opens(&on_case_supervisor, card.id));
    let (status, _, body) = open(&desk, &fo, card.id).await?;
    assert_eq!(status, StatusCode::OK);
    assert!(!contains(&body, b"SamsungA15"), "opened without phone data");
    assert_eq!(open(&desk, &fo, letter.id).await?.0, StatusCode::FORBIDDEN);
    assert_eq!(open(&desk, &bo, letter.id).await?.0, StatusCode::OK);

    // Staff of another village see neither list (refusals audited), over
    // the server functions too.
    for record in [
        DocumentRecord::Case(case_id),
        DocumentRecord::Proposal(proposal_id),
    ] {
        assert!(matches!(
            documents.list_for_record(&desk.stranger, record).await,
            Err(ServiceError::Forbidden)
        ));
    }
    // A case or proposal that is not there is not found.
    assert!(matches!(
        documents
            .list_for_record(&desk.fo, DocumentRecord::Case(case_id + 1000))
            .await,
        Err(ServiceError::NotFound)
    ));

    // Every list is audited as a view of that case's or proposal's documents.
    let views = audit_rows(&desk.db, "view_documents", "ok").await?;
    let case_views = views
        .iter()
        .filter(|row| row.object_type == "case" && row.object_id == Some(case_id.to_string()))
        .count();
    let proposal_views = views
        .iter()
        .filter(|row| {
            row.object_type == "proposal" && row.object_id == Some(proposal_id.to_string())
        })
        .count();
    assert_eq!((case_views, proposal_views), (2, 2));
    // A refusal is audited as the right it lacked, about that case or proposal.
    let refusals = audit_rows(&desk.db, "view_personal_data", "refused").await?;
    for (object, object_id) in [("case", case_id), ("proposal", proposal_id)] {
        assert!(
            refusals.iter().any(|row| {
                row.actor_user_id == Some(desk.stranger.user_id)
                    && row.object_type == object
                    && row.object_id == Some(object_id.to_string())
            }),
            "{refusals:?}"
        );
    }
    Ok(())
}

#[tokio::test]
async fn a_case_or_proposal_of_another_family_is_refused_and_nothing_is_kept() -> TestResult {
    let desk = desk().await?;
    let (id, _) = household(&desk, 8).await?;
    let (other, _) = household(&desk, 9).await?;
    let (other_case, _, other_proposal) = casework_of(&desk, other, "9").await?;
    let fo = common::sign_in(&desk.router, "fo.waled").await?;
    let refused_record = refused(id, DocumentProblem::RecordNotOfFamily);

    for record in [
        DocumentRecord::Case(other_case).form_value(),
        DocumentRecord::Proposal(other_proposal).form_value(),
        // Not there at all, or not a case or proposal the form offers.
        DocumentRecord::Case(other_case + 1000).form_value(),
        "kasus-abc".to_string(),
        "rujukan-1".to_string(),
    ] {
        let sent = upload_for(
            &desk,
            &fo,
            id,
            &record,
            ("kk", "", "kk.pdf", "application/pdf", &pdf()),
        )
        .await?;
        assert_eq!(
            sent,
            (StatusCode::SEE_OTHER, refused_record.clone()),
            "{record}"
        );
    }
    let refusal = desk
        .services
        .documents
        .attach(
            &desk.fo,
            AttachDocument {
                household_id: id,
                member_id: None,
                record: Some(DocumentRecord::Case(other_case)),
                kind: DocumentKind::FamilyCard,
                file_name: "kk.pdf".into(),
                declared_type: "application/pdf".into(),
                content: pdf(),
            },
        )
        .await;
    assert!(matches!(
        refusal,
        Err(ServiceError::Invalid(
            shared::error::DomainError::Document {
                problem: DocumentProblem::RecordNotOfFamily
            }
        ))
    ));

    // Nothing kept: no row, no file, no upload audited; the other family's
    // case lists nothing.
    assert_eq!(attachments::Entity::find().count(&desk.db).await?, 0);
    assert!(files_kept(&desk).await?.is_empty());
    assert!(
        audit_rows(&desk.db, "upload_document", "ok")
            .await?
            .is_empty()
    );
    let on_case = desk
        .services
        .documents
        .list_for_record(&desk.fo, DocumentRecord::Case(other_case))
        .await?;
    assert!(on_case.documents.is_empty());
    Ok(())
}

#[tokio::test]
async fn the_same_content_is_kept_once() -> TestResult {
    let desk = desk().await?;
    let (id, _) = household(&desk, 5).await?;
    let fo = common::sign_in(&desk.router, "fo.waled").await?;
    let photo = jpeg_with_location(0x34);
    for (kind, name) in [("kk", "kk.jpg"), ("lainnya", "IMG_0002.jpeg")] {
        let answer = upload(&desk, &fo, id, (kind, "", name, "image/jpeg", &photo)).await?;
        assert_eq!(answer.1, kept(id));
    }
    let rows = attachments::Entity::find().all(&desk.db).await?;
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].sha256, rows[1].sha256);
    assert_eq!(files_kept(&desk).await?.len(), 1);
    Ok(())
}

/// Deletes a household as a purge of its record would (its members, events
/// and programmes first).
async fn purge(db: &DatabaseConnection, id: i64) -> Result<(), sea_orm::DbErr> {
    enrolments::Entity::delete_many()
        .filter(enrolments::Column::HouseholdId.eq(id))
        .exec(db)
        .await?;
    household_events::Entity::delete_many()
        .filter(household_events::Column::HouseholdId.eq(id))
        .exec(db)
        .await?;
    members::Entity::delete_many()
        .filter(members::Column::HouseholdId.eq(id))
        .exec(db)
        .await?;
    households::Entity::delete_by_id(id).exec(db).await?;
    Ok(())
}

#[tokio::test]
async fn a_purged_record_takes_its_documents_and_their_files_along() -> TestResult {
    use server::services::housekeeping::{UNNAMED_FILE_GRACE, sweep_documents};
    use server::services::store::Store;
    let desk = desk().await?;
    let (purged, _) = household(&desk, 6).await?;
    let (kept_family, _) = household(&desk, 7).await?;
    let documents = &desk.services.documents;
    let attach = |household_id: i64, scan: u8| AttachDocument {
        household_id,
        member_id: None,
        record: None,
        kind: DocumentKind::HouseFront,
        file_name: "rumah.jpg".into(),
        declared_type: "image/jpeg".into(),
        content: jpeg_with_location(scan),
    };
    // Content of its own, and content the other family also has.
    documents.attach(&desk.fo, attach(purged, 1)).await?;
    documents.attach(&desk.fo, attach(purged, 2)).await?;
    let shared_copy = documents.attach(&desk.fo, attach(kept_family, 2)).await?;
    assert_eq!(files_kept(&desk).await?.len(), 2);

    let store = Store::new(desk.db.clone());
    let later = Utc::now() + chrono::Duration::from_std(UNNAMED_FILE_GRACE)? * 2;
    // While the record lives, nothing goes.
    let swept = sweep_documents(&store, &desk.files, later).await?;
    assert_eq!((swept.rows, swept.files), (0, 0));

    purge(&desk.db, purged).await?;
    // A file written just now that no row names yet (an upload in progress) stays.
    desk.files
        .put(b"%PDF-1.4 sedang diunggah %%EOF".to_vec())
        .await?;
    let swept = sweep_documents(&store, &desk.files, Utc::now()).await?;
    assert_eq!((swept.rows, swept.files), (2, 0));
    assert_eq!(
        attachments::Entity::find()
            .filter(attachments::Column::HouseholdId.eq(purged))
            .count(&desk.db)
            .await?,
        0
    );
    assert_eq!(files_kept(&desk).await?.len(), 3);
    // Past the grace, only the file the other family still names is left.
    let swept = sweep_documents(&store, &desk.files, later).await?;
    assert_eq!((swept.rows, swept.files), (0, 2));
    let left = files_kept(&desk).await?;
    assert_eq!(left.len(), 1);
    let row = attachments::Entity::find_by_id(shared_copy)
        .one(&desk.db)
        .await?
        .ok_or("the other family's document")?;
    assert_eq!(left[0].sha256.as_deref(), Some(row.sha256.as_str()));
    assert!(documents.open(&desk.fo, shared_copy).await.is_ok());
    drop(desk.folder);
    Ok(())
}
