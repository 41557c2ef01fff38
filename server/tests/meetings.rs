//! Village meetings (musdes) of flow B on SQLite and PostgreSQL: the agenda of
//! the village's waiting proposals, decisions, minutes checked by content,
//! approval that takes every proposal on the agenda one step in one write,
//! the record frozen after it, and who may prepare, see and download; then the
//! same through the real router (the form as posted without script, the
//! multipart upload, the download).

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::{Duration, Utc};
use common::people::household_request;
use common::{TestResult, account, actor, audit_rows, database_with_areas};
use http_body_util::BodyExt;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use server::entities::{proposal_events, proposals};
use server::services;
use shared::DomainError;
use shared::contract::{Actor, ServiceError, Services};
use shared::dto::{ProposalTransitionRequest, StartProposal};
use shared::geo::AreaCode;
use shared::meeting::{
    Decide, MINUTES_MAX_BYTES, MeetingDecision, MeetingProblem, MeetingState, MinutesType,
    Participant, SaveMeeting,
};
use shared::proposal::{ProposalAction, ProposalSource, ProposalStage};
use shared::proposal_change::ProposalChange;
use shared::roles::Role;
use tower::ServiceExt;

const WALED_DESA: &str = "32.09.01.2008";
const WALED_KOTA: &str = "32.09.01.2009";
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";

struct Desk {
    services: Services,
    db: sea_orm::DatabaseConnection,
    fo: Actor,
    facilitator: Actor,
    coordinator_kota: Actor,
    bo: Actor,
    supervisor: Actor,
    manager: Actor,
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
        coordinator_kota: actor(
            &db,
            &services,
            "koordinator.kota",
            Role::PuskesosCoordinator,
            Some(WALED_KOTA),
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
        manager: actor(&db, &services, "manajer", Role::SlrtManager, Some("32.09")).await?,
        services,
        db,
    })
}

/// A new-family proposal of a fresh household of `village`.
async fn proposal(
    desk: &Desk,
    village: &str,
    serial: u16,
) -> Result<i64, Box<dyn std::error::Error>> {
    let household = desk
        .services
        .households
        .register(
            &desk.fo_for(village).await?,
            household_request(village, serial, &format!("hh-{serial}"))?,
        )
        .await?;
    Ok(desk
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
        .id)
}

impl Desk {
    /// A front desk of `village` (Waled Desa's own, or one made for another village).
    async fn fo_for(&self, village: &str) -> Result<Actor, Box<dyn std::error::Error>> {
        if village == WALED_DESA {
            return Ok(self.fo.clone());
        }
        let name = format!("fo.{}", village.replace('.', ""));
        actor(
            &self.db,
            &self.services,
            &name,
            Role::FrontOffice,
            Some(village),
        )
        .await
    }
}

fn meeting(key: &str, proposals: &[i64], held_days_ago: i64, head: &str) -> SaveMeeting {
    SaveMeeting {
        existing: None,
        idempotency_key: key.into(),
        village: AreaCode::parse(WALED_DESA).unwrap_or_else(|_| unreachable!()),
        held_on: (Utc::now() - Duration::days(held_days_ago)).date_naive(),
        place: "Balai Desa Waled".into(),
        village_head: head.into(),
        participants: vec![
            Participant {
                name: "Sutrisno".into(),
                role: "Kepala Desa".into(),
            },
            Participant {
                name: "Ani Lestari".into(),
                role: "BPD".into(),
            },
        ],
        proposal_ids: proposals.to_vec(),
    }
}

fn decide(meeting_id: i64, version: i32, proposal_id: i64, decision: MeetingDecision) -> Decide {
    Decide {
        meeting_id,
        version,
        proposal_id,
        decision,
        reason: match decision {
            MeetingDecision::Agreed => String::new(),
            MeetingDecision::NotAgreed => "Keluarga sudah pindah ke kota".into(),
        },
    }
}

fn problem_of<T: std::fmt::Debug>(result: Result<T, ServiceError>) -> Option<MeetingProblem> {
    match result {
        Err(ServiceError::Invalid(DomainError::Meeting { problem })) => Some(problem),
        Err(ServiceError::Invalid(DomainError::Invalid { errors })) => {
            errors.into_iter().find_map(|e| match e.error {
                DomainError::Meeting { problem } => Some(problem),
                _ => None,
            })
        }
        other => {
            eprintln!("not a meeting problem: {other:?}");
            None
        }
    }
}

async fn stage_of(desk: &Desk, id: i64) -> Result<String, Box<dyn std::error::Error>> {
    Ok(proposals::Entity::find_by_id(id)
        .one(&desk.db)
        .await?
        .ok_or("no proposal")?
        .stage)
}

#[tokio::test]
async fn an_approved_meeting_takes_its_whole_agenda_one_step_at_once() -> TestResult {
    let desk = desk().await?;
    let meetings = &desk.services.meetings;
    let (a, b, c) = (
        proposal(&desk, WALED_DESA, 1).await?,
        proposal(&desk, WALED_DESA, 2).await?,
        proposal(&desk, WALED_DESA, 3).await?,
    );
    let waiting = meetings
        .candidates(&desk.facilitator, Some(AreaCode::parse(WALED_DESA)?))
        .await?;
    assert_eq!(
        waiting.proposals.iter().map(|p| p.id).collect::<Vec<_>>(),
        vec![a, b, c]
    );
    let made = meetings
        .save(&desk.facilitator, meeting("m-1", &[a, b, c], 1, ""))
        .await?;
    // Sent again with the same key (a retry after a lost answer): the same meeting.
    let again = meetings
        .save(&desk.facilitator, meeting("m-1", &[a, b, c], 1, ""))
        .await?;
    assert_eq!(made.id, again.id);
    // On an open meeting's agenda, they are no longer offered to another.
    let waiting = meetings.candidates(&desk.facilitator, None).await?;
    assert!(waiting.proposals.is_empty() && waiting.villages.is_empty());

    let file = meetings.file(&desk.facilitator, made.id).await?;
    assert_eq!(file.items.len(), 3);
    assert!(file.may_change);
    assert_eq!(file.approval_problem, Some(MeetingProblem::Undecided));
    let mut version = file.row.version;
    for (id, decision) in [
        (a, MeetingDecision::Agreed),
        (b, MeetingDecision::Agreed),
        (c, MeetingDecision::NotAgreed),
    ] {
        version = meetings
            .decide(&desk.facilitator, decide(made.id, version, id, decision))
            .await?
            .row
            .version;
    }
    // A stale version is a conflict, not a silent overwrite.
    assert_eq!(
        meetings
            .decide(
                &desk.facilitator,
                decide(made.id, version - 1, a, MeetingDecision::NotAgreed)
            )
            .await
            .err(),
        Some(ServiceError::Conflict)
    );
    // Approval needs the village head's name and the signed minutes.
    assert_eq!(
        problem_of(meetings.approve(&desk.facilitator, made.id, version).await),
        Some(MeetingProblem::VillageHeadMissing)
    );
    let mut with_head = meeting("", &[a, b, c], 1, "Sutrisno");
    with_head.existing = Some((made.id, version));
    meetings.save(&desk.facilitator, with_head).await?;
    version += 1;
    assert_eq!(
        problem_of(meetings.approve(&desk.facilitator, made.id, version).await),
        Some(MeetingProblem::MinutesMissing)
    );
    // Minutes are told by their content and bounded in size.
    assert_eq!(
        problem_of(
            meetings
                .attach_minutes(
                    &desk.facilitator,
                    made.id,
                    version,
                    b"<html>BA</html>".to_vec()
                )
                .await
        ),
        Some(MeetingProblem::MinutesType)
    );
    let mut large = PDF.to_vec();
    large.resize(MINUTES_MAX_BYTES + 1, b' ');
    assert_eq!(
        problem_of(
            meetings
                .attach_minutes(&desk.facilitator, made.id, version, large)
                .await
        ),
        Some(MeetingProblem::MinutesTooLarge)
    );
    meetings
        .attach_minutes(&desk.facilitator, made.id, version, PDF.to_vec())
        .await?;
    version += 1;
    let (kind, content) = meetings.minutes(&desk.supervisor, made.id).await?;
    assert_eq!((kind, content.as_slice()), (MinutesType::Pdf, PDF));

    let events_before = proposal_events::Entity::find()
        .filter(proposal_events::Column::ProposalId.is_in([a, b, c]))
        .count(&desk.db)
        .await?;
    let approved = meetings
        .approve(&desk.facilitator, made.id, version)
        .await?;
    assert_eq!(approved.row.state, MeetingState::Approved);
    assert!(!approved.may_change);
    assert_eq!((approved.row.agreed, approved.row.not_agreed), (2, 1));
    assert_eq!(
        stage_of(&desk, a).await?,
        ProposalStage::VillageMeetingApproved.code()
    );
    assert_eq!(
        stage_of(&desk, b).await?,
        ProposalStage::VillageMeetingApproved.code()
    );
    assert_eq!(stage_of(&desk, c).await?, ProposalStage::Rejected.code());
    let events_after = proposal_events::Entity::find()
        .filter(proposal_events::Column::ProposalId.is_in([a, b, c]))
        .count(&desk.db)
        .await?;
    assert_eq!(events_after, events_before + 3);
    let history = desk
        .services
        .proposals
        .history(&desk.facilitator, c)
        .await?;
    let refusal = history.last().ok_or("no step")?;
    assert!(
        refusal
            .note
            .as_deref()
            .is_some_and(|n| n.contains("Keluarga sudah pindah ke kota")),
        "{refusal:?}"
    );
    // The agreed proposals go on to the home visit as usual.
    desk.services
        .proposals
        .transition(
            &desk.supervisor,
            ProposalTransitionRequest {
                new_card: None,
                proposal_id: a,
                version: proposals::Entity::find_by_id(a)
                    .one(&desk.db)
                    .await?
                    .ok_or("no proposal")?
                    .version,
                action: ProposalAction::Verify,
                note: "Kunjungan rumah".into(),
            },
        )
        .await?;

    // Approved, the record is frozen: no decision, upload, change or second approval.
    let version = approved.row.version;
    for result in [
        meetings
            .decide(
                &desk.facilitator,
                decide(made.id, version, a, MeetingDecision::NotAgreed),
            )
            .await
            .map(|_| ()),
        meetings
            .attach_minutes(&desk.facilitator, made.id, version, PDF.to_vec())
            .await,
        meetings
            .approve(&desk.facilitator, made.id, version)
            .await
            .map(|_| ()),
    ] {
        assert_eq!(problem_of(result), Some(MeetingProblem::Approved));
    }
    assert_eq!(
        audit_rows(&desk.db, "approve_village_meeting", "ok")
            .await?
            .len(),
        1
    );
    assert_eq!(
        audit_rows(&desk.db, "upload_meeting_minutes", "ok")
            .await?
            .len(),
        1
    );
    assert_eq!(
        audit_rows(&desk.db, "download_meeting_minutes", "ok")
            .await?
            .len(),
        1
    );
    Ok(())
}

#[tokio::test]
async fn the_agenda_holds_only_the_villages_waiting_proposals() -> TestResult {
    let desk = desk().await?;
    let meetings = &desk.services.meetings;
    let own = proposal(&desk, WALED_DESA, 11).await?;
    let elsewhere = proposal(&desk, WALED_KOTA, 12).await?;
    assert_eq!(
        problem_of(
            meetings
                .save(&desk.facilitator, meeting("x-1", &[own, elsewhere], 1, ""))
                .await
        ),
        Some(MeetingProblem::ProposalOfOtherVillage)
    );
    let first = meetings
        .save(&desk.facilitator, meeting("x-2", &[own], 1, ""))
        .await?;
    assert_eq!(
        problem_of(
            meetings
                .save(&desk.facilitator, meeting("x-3", &[own], 1, ""))
                .await
        ),
        Some(MeetingProblem::ProposalOnOtherMeeting)
    );
    // On an open meeting's agenda, the proposal is decided there, not on its own page.
    assert!(matches!(
        desk.services
            .proposals
            .transition(
                &desk.facilitator,
                ProposalTransitionRequest {
                    new_card: None,
                    proposal_id: own,
                    version: 1,
                    action: ProposalAction::ApproveInVillageMeeting,
                    note: "BA musdes".into(),
                },
            )
            .await,
        Err(ServiceError::Invalid(DomainError::Meeting {
            problem: MeetingProblem::OnOpenAgenda
        }))
    ));
    // A proposal past its meeting (recorded by hand) cannot be put on an agenda.
    let moved = proposal(&desk, WALED_DESA, 13).await?;
    desk.services
        .proposals
        .transition(
            &desk.facilitator,
            ProposalTransitionRequest {
                new_card: None,
                proposal_id: moved,
                version: 1,
                action: ProposalAction::ApproveInVillageMeeting,
                note: "BA musdes 3/2026".into(),
            },
        )
        .await?;
    assert_eq!(
        problem_of(
            meetings
                .save(&desk.facilitator, meeting("x-4", &[moved], 1, ""))
                .await
        ),
        Some(MeetingProblem::ProposalNotWaiting)
    );
    // A meeting dated in the future cannot be approved yet.
    let later = proposal(&desk, WALED_DESA, 14).await?;
    let planned = meetings
        .save(&desk.facilitator, meeting("x-5", &[later], -3, "Sutrisno"))
        .await?;
    let file = meetings.file(&desk.facilitator, planned.id).await?;
    let version = meetings
        .decide(
            &desk.facilitator,
            decide(planned.id, file.row.version, later, MeetingDecision::Agreed),
        )
        .await?
        .row
        .version;
    meetings
        .attach_minutes(&desk.facilitator, planned.id, version, PDF.to_vec())
        .await?;
    assert_eq!(
        problem_of(
            meetings
                .approve(&desk.facilitator, planned.id, version + 1)
                .await
        ),
        Some(MeetingProblem::NotHeldYet)
    );
    // Taking a proposal off the agenda frees it for another meeting.
    let file = meetings.file(&desk.facilitator, first.id).await?;
    let empty_agenda = SaveMeeting {
        existing: Some((first.id, file.row.version)),
        ..meeting("", &[], 1, "")
    };
    assert!(meetings.save(&desk.facilitator, empty_agenda).await.is_ok());
    let waiting = meetings
        .candidates(&desk.facilitator, Some(AreaCode::parse(WALED_DESA)?))
        .await?;
    assert!(waiting.proposals.iter().any(|p| p.id == own));
    Ok(())
}

#[tokio::test]
async fn who_may_prepare_see_and_download_a_meeting() -> TestResult {
    let desk = desk().await?;
    let meetings = &desk.services.meetings;
    let own = proposal(&desk, WALED_DESA, 21).await?;
    // Front desks do not work on proposals; the back office does, but not the musdes step.
    assert_eq!(
        meetings
            .save(&desk.fo, meeting("w-1", &[own], 1, ""))
            .await
            .err(),
        Some(ServiceError::Forbidden)
    );
    assert!(matches!(
        meetings.save(&desk.bo, meeting("w-2", &[own], 1, "")).await,
        Err(ServiceError::Invalid(DomainError::RoleNotAllowed { .. }))
            | Err(ServiceError::Forbidden)
    ));
    // The coordinator of another village is outside the area.
    assert_eq!(
        meetings
            .save(&desk.coordinator_kota, meeting("w-3", &[own], 1, ""))
            .await
            .err(),
        Some(ServiceError::Forbidden)
    );
    let made = meetings
        .save(&desk.facilitator, meeting("w-4", &[own], 1, "Sutrisno"))
        .await?;
    // The supervisor and the manager read it, but do not change it.
    assert!(!meetings.file(&desk.supervisor, made.id).await?.may_change);
    assert!(!meetings.file(&desk.manager, made.id).await?.may_change);
    assert_eq!(
        meetings.file(&desk.coordinator_kota, made.id).await.err(),
        Some(ServiceError::Forbidden)
    );
    let version = meetings.file(&desk.facilitator, made.id).await?.row.version;
    meetings
        .attach_minutes(&desk.facilitator, made.id, version, PDF.to_vec())
        .await?;
    assert_eq!(
        meetings
            .minutes(&desk.coordinator_kota, made.id)
            .await
            .err(),
        Some(ServiceError::Forbidden)
    );
    assert!(
        !audit_rows(&desk.db, "view_personal_data", "refused")
            .await?
            .is_empty()
    );
    // Lists stay inside the area.
    assert_eq!(meetings.list(&desk.facilitator, None).await?.len(), 1);
    assert!(
        meetings
            .list(&desk.coordinator_kota, None)
            .await?
            .is_empty()
    );
    Ok(())
}

/// The router of the portal with `username` signed in (its session cookie).
async fn router(
    db: &sea_orm::DatabaseConnection,
    username: &str,
) -> Result<(axum::Router, String), Box<dyn std::error::Error>> {
    let app = common::site_router(db, services::build(db.clone(), common::config()));
    let cookie = common::sign_in(&app, username).await?;
    Ok((app, cookie))
}

fn multipart(version: i32, content: &[u8]) -> (String, Vec<u8>) {
    let boundary = "----batasBeritaAcara";
    let mut body = Vec::new();
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"version\"\r\n\r\n{version}\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"ba.pdf\"\r\nContent-Type: application/pdf\r\n\r\n").as_bytes(),
    );
    body.extend_from_slice(content);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

#[tokio::test]
async fn the_meeting_works_as_plain_forms_through_the_router() -> TestResult {
    let desk = desk().await?;
    account(
        &desk.db,
        "fasilitator.waled",
        Role::Facilitator,
        Some("32.09.01"),
    )
    .await?;
    let first = proposal(&desk, WALED_DESA, 31).await?;
    let second = proposal(&desk, WALED_DESA, 32).await?;
    let (app, cookie) = router(&desk.db, "fasilitator.waled").await?;
    let held_on = (Utc::now() - Duration::days(1)).date_naive().to_string();
    // The form as a browser without script posts it: ticked boxes keep their index.
    let body = serde_urlencoded::to_string([
        ("draft[idempotency_key]", "form-1"),
        ("draft[village]", WALED_DESA),
        ("draft[held_on]", held_on.as_str()),
        ("draft[place]", "Balai desa"),
        ("draft[village_head]", "Sutrisno"),
        ("draft[participants]", "Sutrisno, Kepala Desa\r\nAni, BPD"),
        ("draft[proposals][1]", &second.to_string()),
        ("draft[proposals][0]", &first.to_string()),
    ])?;
    let saved = app
        .clone()
        .oneshot(
            Request::post("/api/save_meeting")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::ACCEPT, "text/html")
                .header(header::REFERER, "http://127.0.0.1:3000/musdes/baru")
                .header("sec-fetch-site", "same-origin")
                .header(header::COOKIE, &cookie)
                .body(Body::from(body))?,
        )
        .await?;
    let location = saved
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    assert!(saved.status().is_redirection(), "{}", saved.status());
    let id: i64 = location
        .strip_prefix("/musdes/")
        .and_then(|id| id.parse().ok())
        .ok_or(format!("not a meeting's page: {location}"))?;
    let file = desk.services.meetings.file(&desk.facilitator, id).await?;
    assert_eq!(file.items.len(), 2);
    assert_eq!(file.participants.len(), 2);

    // The minutes as a multipart upload: a refused file goes back with its problem.
    let upload = |content: Vec<u8>, version: i32| {
        let (kind, body) = multipart(version, &content);
        Request::post(app::paths::meeting_minutes_upload(id))
            .header(header::CONTENT_TYPE, kind)
            .header("sec-fetch-site", "same-origin")
            .header(header::COOKIE, &cookie)
            .body(Body::from(body))
    };
    let refused = app
        .clone()
        .oneshot(upload(b"GIF89a".to_vec(), file.row.version)?)
        .await?;
    assert_eq!(refused.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        refused
            .headers()
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok()),
        Some(format!("/musdes/{id}?galat=minutes_type").as_str())
    );
    let mut photo = vec![0xFF, 0xD8, 0xFF, 0xE0];
    photo.resize(3 * 1024 * 1024, 7);
    let stored = app
        .clone()
        .oneshot(upload(photo.clone(), file.row.version)?)
        .await?;
    assert_eq!(
        stored
            .headers()
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok()),
        Some(format!("/musdes/{id}?notulen=ok").as_str())
    );
    let mut huge = PDF.to_vec();
    huge.resize(MINUTES_MAX_BYTES + 200 * 1024, b' ');
    let too_large = app
        .clone()
        .oneshot(upload(huge, file.row.version + 1)?)
        .await?;
    assert_eq!(too_large.status(), StatusCode::PAYLOAD_TOO_LARGE);

    // The download: the bytes as stored, as an attachment of their own kind.
    let download = app
        .clone()
        .oneshot(
            Request::get(app::paths::meeting_minutes(id))
                .header(header::COOKIE, &cookie)
                .body(Body::empty())?,
        )
        .await?;
    assert_eq!(download.status(), StatusCode::OK);
    assert_eq!(
        download
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok()),
        Some("image/jpeg")
    );
    assert!(
        download
            .headers()
            .get(header::CONTENT_DISPOSITION)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("attachment"))
    );
    assert_eq!(
        download.into_body().collect().await?.to_bytes().as_ref(),
        photo.as_slice()
    );

    // Staff of another village get neither the upload nor the download.
    let (_, other) = router(&desk.db, "koordinator.kota").await?;
    let outside = app
        .clone()
        .oneshot(
            Request::get(app::paths::meeting_minutes(id))
                .header(header::COOKIE, &other)
                .body(Body::empty())?,
        )
        .await?;
    assert_eq!(outside.status(), StatusCode::FORBIDDEN);
    let (kind, body) = multipart(file.row.version + 1, PDF);
    let outside_upload = app
        .clone()
        .oneshot(
            Request::post(app::paths::meeting_minutes_upload(id))
                .header(header::CONTENT_TYPE, kind)
                .header("sec-fetch-site", "same-origin")
                .header(header::COOKIE, &other)
                .body(Body::from(body))?,
        )
        .await?;
    assert_eq!(outside_upload.status(), StatusCode::FORBIDDEN);
    Ok(())
}
