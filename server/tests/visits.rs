//! The home visit (verivali) of flow B on SQLite and PostgreSQL: prefilled
//! from the household, kept as a draft of what was typed, version-checked,
//! finished only with every answer and every member, recording the proposal's
//! verivali step in the same write; who may visit; and the form as a browser
//! without script posts it.

mod common;

use axum::body::Body;
use axum::http::{Request, header};
use common::people::household_request;
use common::{TestResult, account, actor, audit_rows, database_with_areas};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use server::entities::proposals;
use server::services;
use shared::DomainError;
use shared::contract::{Actor, ServiceError, Services};
use shared::dto::{ProposalTransitionRequest, StartProposal};
use shared::member::MemberRegistryStatus;
use shared::proposal::{ProposalAction, ProposalSource, ProposalStage};
use shared::proposal_change::ProposalChange;
use shared::roles::Role;
use shared::visit::{MemberCheckDraft, VisitDraft, VisitState};
use tower::ServiceExt;

const WALED_DESA: &str = "32.09.01.2008";

struct Desk {
    services: Services,
    db: sea_orm::DatabaseConnection,
    fo: Actor,
    facilitator: Actor,
    bo: Actor,
    supervisor: Actor,
}

async fn desk() -> Result<Desk, Box<dyn std::error::Error>> {
    common::show_server_log();
    let db = database_with_areas().await?;
    let services = services::build(db.clone(), common::config());
    Ok(Desk {
        fo: actor(&db, &services, "fo", Role::FrontOffice, Some(WALED_DESA)).await?,
        facilitator: actor(
            &db,
            &services,
            "fasilitator",
            Role::Facilitator,
            Some("32.09.01"),
        )
        .await?,
        bo: actor(&db, &services, "bo", Role::BackOffice, Some(WALED_DESA)).await?,
        supervisor: actor(
            &db,
            &services,
            "supervisor",
            Role::Supervisor,
            Some("32.09.01"),
        )
        .await?,
        services,
        db,
    })
}

/// A proposal of a new household of Waled Desa, past its village meeting when `met`.
async fn proposal(desk: &Desk, serial: u16, met: bool) -> Result<i64, Box<dyn std::error::Error>> {
    let household = desk
        .services
        .households
        .register(
            &desk.fo,
            household_request(WALED_DESA, serial, &format!("hh-{serial}"))?,
        )
        .await?;
    let id = desk
        .services
        .proposals
        .start(
            &desk.facilitator,
            StartProposal {
                idempotency_key: format!("p-{serial}"),
                household_id: household.id,
                change: ProposalChange::NewFamily,
                source: ProposalSource::Visit,
                note: "Ditemukan saat kunjungan".into(),
            },
        )
        .await?
        .id;
    if met {
        desk.services
            .proposals
            .transition(
                &desk.facilitator,
                ProposalTransitionRequest {
                    new_card: None,
                    proposal_id: id,
                    version: 1,
                    action: ProposalAction::ApproveInVillageMeeting,
                    note: "BA musdes".into(),
                },
            )
            .await?;
    }
    Ok(id)
}

async fn stage_of(desk: &Desk, id: i64) -> Result<String, Box<dyn std::error::Error>> {
    Ok(proposals::Entity::find_by_id(id)
        .one(&desk.db)
        .await?
        .ok_or("no proposal")?
        .stage)
}

fn fields_of<T: std::fmt::Debug>(result: Result<T, ServiceError>) -> Vec<String> {
    match result {
        Err(ServiceError::Invalid(DomainError::Invalid { errors })) => {
            errors.into_iter().map(|e| e.field).collect()
        }
        other => vec![format!("not field errors: {other:?}")],
    }
}

#[tokio::test]
async fn a_visit_is_prefilled_kept_as_a_draft_and_finished_once() -> TestResult {
    let desk = desk().await?;
    let visits = &desk.services.visits;
    let id = proposal(&desk, 1, true).await?;
    let today = chrono::Utc::now().date_naive();

    // A new visit: the household's answers, each member with their status now.
    let file = visits.file(&desk.facilitator, id).await?;
    assert!(file.may_visit);
    assert_eq!(file.state, None);
    assert!(!file.draft.roof.is_empty() && !file.draft.income_band.is_empty());
    assert_eq!(file.draft.members.len(), file.members.len());
    assert!(file.members.len() >= 2, "the test household has members");

    // Half done (a weak signal at the door): kept exactly as typed.
    let half = VisitDraft {
        floor_area_m2: "tiga puluh".into(),
        note: "Hujan, dilanjutkan besok".into(),
        ..file.draft.clone()
    };
    let saved = visits.save(&desk.facilitator, half.checked(today)?).await?;
    assert_eq!(saved.state, Some(VisitState::Draft));
    assert_eq!(saved.version, 1);
    assert_eq!(saved.draft.floor_area_m2, "tiga puluh");
    assert_eq!(
        stage_of(&desk, id).await?,
        ProposalStage::VillageMeetingApproved.code()
    );
    // A second device with the old version is told, not overwritten.
    assert_eq!(
        visits
            .save(&desk.facilitator, half.checked(today)?)
            .await
            .err(),
        Some(ServiceError::Conflict)
    );

    // Finishing checks every answer (a floor area in words is not one) ...
    let finish = VisitDraft {
        version: "1".into(),
        visited_on: today.to_string(),
        finish: "true".into(),
        ..saved.draft.clone()
    };
    assert_eq!(
        fields_of(finish.checked(today).map_err(ServiceError::Invalid)),
        vec!["floor_area_m2".to_string()]
    );
    // ... and every member of the family, each once.
    let mut one_missing = VisitDraft {
        floor_area_m2: "36".into(),
        ..finish.clone()
    };
    one_missing.members.pop();
    assert_eq!(
        fields_of(
            visits
                .save(&desk.facilitator, one_missing.checked(today)?)
                .await
        ),
        vec!["members".to_string()]
    );
    let mut answered = VisitDraft {
        floor_area_m2: "36".into(),
        ..finish
    };
    for check in &mut answered.members {
        check.status = "confirmed".into();
    }
    if let Some(last) = answered.members.last_mut() {
        last.status = MemberRegistryStatus::Undocumented.code().into();
    }
    let done = visits
        .save(&desk.facilitator, answered.checked(today)?)
        .await?;
    assert_eq!(done.state, Some(VisitState::Done));
    assert!(!done.may_visit);
    assert_eq!(stage_of(&desk, id).await?, ProposalStage::Verified.code());
    let history = desk
        .services
        .proposals
        .history(&desk.facilitator, id)
        .await?;
    let step = history.last().ok_or("no step")?;
    assert_eq!(step.action, ProposalAction::Verify.code());
    assert!(
        step.note
            .as_deref()
            .is_some_and(|n| n.starts_with("Verivali")),
        "{step:?}"
    );
    // Finished, the visit no longer changes.
    let again = VisitDraft {
        version: done.version.to_string(),
        ..answered
    };
    assert!(
        visits
            .save(&desk.facilitator, again.checked(today)?)
            .await
            .is_err()
    );
    assert_eq!(
        audit_rows(&desk.db, "finish_home_visit", "ok").await?.len(),
        1
    );
    assert_eq!(
        audit_rows(&desk.db, "save_home_visit", "ok").await?.len(),
        1
    );
    Ok(())
}

#[tokio::test]
async fn only_the_visit_roles_inside_the_area_after_the_meeting() -> TestResult {
    let desk = desk().await?;
    let visits = &desk.services.visits;
    let today = chrono::Utc::now().date_naive();
    let waiting = proposal(&desk, 11, false).await?;
    let met = proposal(&desk, 12, true).await?;
    let draft = |proposal_id: i64| VisitDraft {
        proposal_id: proposal_id.to_string(),
        ..VisitDraft::default()
    };
    // Before its village meeting, a proposal has no visit to record.
    assert!(matches!(
        visits
            .save(&desk.facilitator, draft(waiting).checked(today)?)
            .await,
        Err(ServiceError::Invalid(
            DomainError::TransitionNotAllowed { .. }
        )) | Err(ServiceError::Conflict)
    ));
    // The front desk does not work on proposals; the back office does not visit.
    assert_eq!(
        visits
            .save(&desk.fo, draft(met).checked(today)?)
            .await
            .err(),
        Some(ServiceError::Forbidden)
    );
    assert!(
        visits
            .save(&desk.bo, draft(met).checked(today)?)
            .await
            .is_err()
    );
    assert!(!visits.file(&desk.bo, met).await?.may_visit);
    // The supervisor may visit too.
    assert!(visits.file(&desk.supervisor, met).await?.may_visit);
    let outsider = actor(
        &desk.db,
        &desk.services,
        "fasilitator.lain",
        Role::Facilitator,
        Some("32.09.02"),
    )
    .await?;
    assert_eq!(
        visits.file(&outsider, met).await.err(),
        Some(ServiceError::Forbidden)
    );
    assert_eq!(
        visits
            .save(&outsider, draft(met).checked(today)?)
            .await
            .err(),
        Some(ServiceError::Forbidden)
    );
    Ok(())
}

#[tokio::test]
async fn the_visit_form_posted_without_script_is_saved_and_finished() -> TestResult {
    let desk = desk().await?;
    account(
        &desk.db,
        "fasilitator.waled",
        Role::Facilitator,
        Some("32.09.01"),
    )
    .await?;
    let id = proposal(&desk, 21, true).await?;
    let file = desk.services.visits.file(&desk.facilitator, id).await?;
    let app = common::site_router(&desk.db, desk.services.clone());
    let cookie = common::sign_in(&app, "fasilitator.waled").await?;
    let d = &file.draft;
    let today = chrono::Utc::now().date_naive().to_string();
    let mut pairs: Vec<(String, String)> = vec![
        ("proposal_id".into(), id.to_string()),
        ("version".into(), String::new()),
        ("visited_on".into(), today),
        ("house_tenure".into(), d.house_tenure.clone()),
        ("land_tenure".into(), d.land_tenure.clone()),
        ("floor_area_m2".into(), "42".into()),
        ("floor".into(), d.floor.clone()),
        ("wall".into(), d.wall.clone()),
        ("roof".into(), d.roof.clone()),
        ("drinking_water".into(), d.drinking_water.clone()),
        ("lighting".into(), d.lighting.clone()),
        ("cooking_fuel".into(), d.cooking_fuel.clone()),
        ("toilet".into(), d.toilet.clone()),
        ("income_band".into(), d.income_band.clone()),
        ("note".into(), "Rumah panggung".into()),
        ("finish".into(), "true".into()),
    ];
    for (index, member) in file.members.iter().enumerate() {
        pairs.push((
            format!("members[{index}][member_id]"),
            member.id.to_string(),
        ));
        pairs.push((format!("members[{index}][status]"), "confirmed".into()));
    }
    let posted = app
        .clone()
        .oneshot(
            Request::post("/api/save_home_visit")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::ACCEPT, "text/html")
                .header(
                    header::REFERER,
                    format!("http://127.0.0.1:3000/usulan/{id}/verivali"),
                )
                .header("sec-fetch-site", "same-origin")
                .header(header::COOKIE, &cookie)
                .body(Body::from(serde_urlencoded::to_string(&pairs)?))?,
        )
        .await?;
    let status = posted.status();
    let location = posted
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let body = http_body_util::BodyExt::collect(posted.into_body())
        .await?
        .to_bytes();
    assert!(
        (status.is_redirection() || status.is_success()) && !location.contains("__err"),
        "{status} {location} {}",
        String::from_utf8_lossy(&body)
    );
    assert_eq!(stage_of(&desk, id).await?, ProposalStage::Verified.code());
    let stored = desk.services.visits.file(&desk.facilitator, id).await?;
    assert_eq!(stored.state, Some(VisitState::Done));
    assert_eq!(stored.draft.floor_area_m2, "42");
    assert!(
        stored
            .draft
            .members
            .iter()
            .all(|m: &MemberCheckDraft| m.status == "confirmed")
    );
    Ok(())
}

/// A multipart form with one file field named `file`.
fn photo_form(name: &str, content: &[u8]) -> (String, Vec<u8>) {
    let boundary = "----batasFotoRumah";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: image/jpeg\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(content);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[tokio::test]
async fn the_house_photo_is_kept_without_its_location_and_shown_only_inside_the_area() -> TestResult
{
    let desk = desk().await?;
    for (name, role, area) in [
        ("fasilitator.waled", Role::Facilitator, "32.09.01"),
        ("fasilitator.lain", Role::Facilitator, "32.09.02"),
        ("lembaga", Role::ReceivingInstitution, "32.09"),
    ] {
        account(&desk.db, name, role, Some(area)).await?;
    }
    let id = proposal(&desk, 41, true).await?;
    let app = common::site_router(&desk.db, desk.services.clone());
    let cookie = common::sign_in(&app, "fasilitator.waled").await?;
    let upload = |cookie: &str, name: &str, content: &[u8]| {
        let (kind, body) = photo_form(name, content);
        Request::post(app::paths::house_photo_upload(id))
            .header(header::CONTENT_TYPE, kind)
            .header("sec-fetch-site", "same-origin")
            .header(header::COOKIE, cookie)
            .body(Body::from(body))
    };
    let location = |response: &axum::response::Response| {
        response
            .headers()
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    // A PDF named like a photo is refused by its content, and nothing is kept.
    let pdf = app
        .clone()
        .oneshot(upload(&cookie, "rumah.jpg", b"%PDF-1.4 rumah")?)
        .await?;
    assert_eq!(
        location(&pdf),
        format!("/usulan/{id}/verivali?foto_galat=photo_type")
    );
    let cut = std::fs::read("tests/fixtures/photos/house-front-gps.jpg")?;
    let broken = app
        .clone()
        .oneshot(upload(&cookie, "rumah.jpg", &cut[..300])?)
        .await?;
    assert_eq!(
        location(&broken),
        format!("/usulan/{id}/verivali?foto_galat=photo_broken")
    );
    assert!(
        desk.services
            .visits
            .file(&desk.facilitator, id)
            .await?
            .house_photo
            .is_none()
    );

    // A phone's photo with its position: kept without it, the picture whole.
    let original = std::fs::read("tests/fixtures/photos/house-front-gps.jpg")?;
    assert!(contains(&original, b"SamsungA15") && contains(&original, b"II*\0"));
    let sent = app
        .clone()
        .oneshot(upload(&cookie, "IMG_20261207.jpg", &original)?)
        .await?;
    assert_eq!(location(&sent), format!("/usulan/{id}/verivali?foto=ok"));
    assert!(
        desk.services
            .visits
            .file(&desk.facilitator, id)
            .await?
            .house_photo
            .is_some()
    );
    let shown = app
        .clone()
        .oneshot(
            Request::get(app::paths::house_photo(id))
                .header(header::COOKIE, &cookie)
                .body(Body::empty())?,
        )
        .await?;
    assert_eq!(shown.status(), 200);
    assert_eq!(
        shown
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok()),
        Some("image/jpeg")
    );
    let kept = axum::body::to_bytes(shown.into_body(), usize::MAX).await?;
    assert!(!contains(&kept, b"SamsungA15"), "the phone's make is gone");
    // The GPS directory's references and rationals are gone with the Exif block.
    assert!(!contains(&kept, &[0x25, 0x88]), "no GPS pointer");
    assert!(
        !contains(&kept, &[107, 0, 0, 0, 1, 0, 0, 0, 36, 0, 0, 0]),
        "no longitude"
    );
    // The picture itself: everything from the first table on, byte for byte.
    let tables = |bytes: &[u8]| {
        bytes
            .windows(2)
            .position(|w| w == [0xFF, 0xDB])
            .map(|at| bytes[at..].to_vec())
    };
    assert_eq!(tables(&kept), tables(&original));
    assert!(kept.len() < original.len());
    let audited = audit_rows(&desk.db, "upload_house_photo", "ok").await?;
    assert!(
        audited[0]
            .detail
            .as_deref()
            .is_some_and(|d| d.contains("type=jpeg"))
    );
    assert_eq!(
        audit_rows(&desk.db, "view_house_photo", "ok").await?.len(),
        1
    );

    // Once the family has moved, its photo is its new village's.
    let household = proposals::Entity::find_by_id(id)
        .one(&desk.db)
        .await?
        .ok_or("no proposal")?
        .household_id;
    let move_to = |village: &'static str| {
        server::entities::households::Entity::update_many()
            .col_expr(
                server::entities::households::Column::VillageCode,
                sea_orm::sea_query::Expr::value(village),
            )
            .filter(server::entities::households::Column::Id.eq(household))
            .exec(&desk.db)
    };
    move_to("32.09.01.2009").await?;
    assert!(matches!(
        desk.services
            .visits
            .house_photo(&desk.facilitator, id)
            .await,
        Err(ServiceError::NotFound)
    ));
    move_to(WALED_DESA).await?;
    // Staff of another sub-district and an institution see nothing, upload nothing.
    for stranger in ["fasilitator.lain", "lembaga"] {
        let cookie = common::sign_in(&app, stranger).await?;
        let seen = app
            .clone()
            .oneshot(
                Request::get(app::paths::house_photo(id))
                    .header(header::COOKIE, &cookie)
                    .body(Body::empty())?,
            )
            .await?;
        assert!(
            seen.status().is_client_error(),
            "{stranger}: {}",
            seen.status()
        );
        let sent = app
            .clone()
            .oneshot(upload(&cookie, "rumah.jpg", &original)?)
            .await?;
        assert!(
            sent.status().is_client_error(),
            "{stranger}: {}",
            sent.status()
        );
    }
    Ok(())
}

/// A family recorded from a village's BNBA list has no housing or income
/// yet: its visit is not prefilled with the placeholders, and the answers of
/// the finished visit become the family's.
#[tokio::test]
async fn a_family_from_a_list_takes_its_house_from_its_visit() -> TestResult {
    use shared::household::{FloorMaterial, IncomeBand};

    let desk = desk().await?;
    let visits = &desk.services.visits;
    let today = chrono::Utc::now().date_naive();
    let id = proposal(&desk, 21, true).await?;
    let household_id = proposals::Entity::find_by_id(id)
        .one(&desk.db)
        .await?
        .ok_or("no proposal")?
        .household_id;
    common::mark_awaiting_survey(&desk.db, household_id).await?;
    let before = desk
        .services
        .households
        .file(&desk.facilitator, household_id)
        .await?;
    assert!(before.awaiting_survey);

    let file = visits.file(&desk.facilitator, id).await?;
    assert!(file.awaiting_survey);
    assert_eq!(
        (file.draft.roof.as_str(), file.draft.income_band.as_str()),
        ("", ""),
        "placeholders are not offered as answers"
    );
    let surveyed = shared::household::HousingCondition {
        floor: FloorMaterial::Earth,
        floor_area_m2: 21,
        ..common::people::housing()
    };
    let mut answered = VisitDraft {
        visited_on: today.to_string(),
        finish: "true".into(),
        ..file.draft.clone()
    }
    .prefilled(&surveyed, IncomeBand::From500kTo1m);
    for check in &mut answered.members {
        check.status = "confirmed".into();
    }
    visits
        .save(&desk.facilitator, answered.checked(today)?)
        .await?;
    let after = desk
        .services
        .households
        .file(&desk.facilitator, household_id)
        .await?;
    assert!(!after.awaiting_survey);
    assert_eq!(after.housing, surveyed);
    assert_eq!(after.income_band, IncomeBand::From500kTo1m);
    assert_eq!(after.version, before.version + 1);
    Ok(())
}
