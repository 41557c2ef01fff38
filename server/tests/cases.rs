//! The case service on SQLite and PostgreSQL: opening (idempotent, numbered),
//! the flow A state machine with roles and notes, conflicts, refusals, lists.

mod common;

use common::people::{complaint, household_request};
use common::{TestResult, actor, audit_rows, database_with_areas};
use sea_orm::{EntityTrait, PaginatorTrait};
use server::entities::{case_events, cases};
use server::services;
use shared::case::{CaseAction, CaseActionKind, CaseState, CloseReason, EscalationLevel};
use shared::complaint::{Channel, ComplaintType, Sector};
use shared::contract::{Actor, ServiceError, Services};
use shared::dto::{CaseFilter, CaseTransitionRequest, OpenCase};
use shared::geo::AreaCode;
use shared::roles::Role;

const WALED_DESA: &str = "32.09.01.2008";
const WALED_KOTA: &str = "32.09.01.2009";

struct Desk {
    services: Services,
    db: sea_orm::DatabaseConnection,
    fo: Actor,
    bo: Actor,
    coordinator: Actor,
    manager: Actor,
}

async fn desk() -> Result<Desk, Box<dyn std::error::Error>> {
    let db = database_with_areas().await?;
    let services = services::build(db.clone(), common::config());
    Ok(Desk {
        fo: actor(&db, &services, "fo", Role::FrontOffice, Some(WALED_DESA)).await?,
        bo: actor(&db, &services, "bo", Role::BackOffice, Some(WALED_DESA)).await?,
        coordinator: actor(
            &db,
            &services,
            "koordinator",
            Role::PuskesosCoordinator,
            Some(WALED_DESA),
        )
        .await?,
        manager: actor(&db, &services, "manajer", Role::SlrtManager, Some("32.09")).await?,
        services,
        db,
    })
}

async fn open_case(desk: &Desk, serial: u16, key: &str) -> Result<i64, Box<dyn std::error::Error>> {
    let household = desk
        .services
        .households
        .register(
            &desk.fo,
            household_request(WALED_DESA, serial, &format!("hh-{key}"))?,
        )
        .await?;
    Ok(desk
        .services
        .cases
        .open(
            &desk.fo,
            OpenCase {
                idempotency_key: key.to_string(),
                household_id: household.id,
                channel: Channel::WalkInPuskesos,
                complaints: vec![
                    complaint(ComplaintType::ServiceRequest),
                    complaint(ComplaintType::Question),
                ],
            },
        )
        .await?
        .id)
}

async fn act(
    desk: &Desk,
    who: &Actor,
    case_id: i64,
    action: CaseAction,
    note: &str,
) -> Result<shared::dto::CaseDetail, ServiceError> {
    let version = desk
        .services
        .cases
        .detail(who, case_id)
        .await?
        .summary
        .version;
    desk.services
        .cases
        .transition(
            who,
            CaseTransitionRequest {
                case_id,
                version,
                action,
                note: note.into(),
            },
        )
        .await
}

#[tokio::test]
async fn cases_are_numbered_per_village_and_opened_once_per_key() -> TestResult {
    let desk = desk().await?;
    let first = open_case(&desk, 1, "c1").await?;
    let household_id = desk
        .services
        .cases
        .detail(&desk.fo, first)
        .await?
        .summary
        .household_id;
    let retry = desk
        .services
        .cases
        .open(
            &desk.fo,
            OpenCase {
                idempotency_key: "c1".into(),
                household_id,
                channel: Channel::WalkInPuskesos,
                complaints: vec![complaint(ComplaintType::Grievance)],
            },
        )
        .await?;
    assert_eq!(retry.id, first);
    let second = open_case(&desk, 2, "c2").await?;
    assert_eq!(cases::Entity::find().count(&desk.db).await?, 2);
    let year = chrono::Utc::now().format("%Y").to_string();
    let detail = desk.services.cases.detail(&desk.fo, second).await?;
    assert_eq!(
        detail.summary.number,
        format!("SLRT/3209012008/{year}/00002")
    );
    assert_eq!(detail.complaints.len(), 2);
    assert_eq!(detail.complaints[0].officer, "fo");
    assert_eq!(detail.summary.status.state, CaseState::Registered);
    assert_eq!(detail.summary.status.level, EscalationLevel::Village);
    assert!(detail.summary.deadline.due > detail.summary.opened_on);
    assert_eq!(detail.timeline.len(), 1);
    assert_eq!(detail.timeline[0].actor.username, "fo");
    assert!(
        detail
            .available_actions
            .contains(&CaseActionKind::CheckRegistry)
    );
    Ok(())
}

#[tokio::test]
async fn the_flow_follows_the_state_machine_and_its_roles() -> TestResult {
    let desk = desk().await?;
    let id = open_case(&desk, 3, "c3").await?;
    let checked = act(
        &desk,
        &desk.fo,
        id,
        CaseAction::CheckRegistry,
        "KTP dicocokkan",
    )
    .await?;
    // The step keeps what the registry said then, before the desk's own note.
    let note = checked
        .timeline
        .last()
        .and_then(|step| step.note.clone())
        .unwrap_or_default();
    assert!(
        note.starts_with("Hasil cek registri: ") && note.ends_with("\nKTP dicocokkan"),
        "{note}"
    );
    // The front office may not identify needs; the refusal is audited.
    assert_eq!(
        act(&desk, &desk.fo, id, CaseAction::IdentifyNeeds, "")
            .await
            .err(),
        Some(ServiceError::Forbidden)
    );
    assert_eq!(
        audit_rows(&desk.db, "case_transition", "refused")
            .await?
            .len(),
        1
    );
    act(&desk, &desk.bo, id, CaseAction::IdentifyNeeds, "").await?;
    act(
        &desk,
        &desk.coordinator,
        id,
        CaseAction::DecideService,
        "SKTM untuk berobat",
    )
    .await?;
    let done = act(
        &desk,
        &desk.coordinator,
        id,
        CaseAction::Resolve,
        "SKTM diterbitkan",
    )
    .await?;
    assert_eq!(done.summary.status.state, CaseState::Resolved);
    assert!(!done.summary.overdue);
    let steps: Vec<&str> = done.timeline.iter().map(|c| c.action.as_str()).collect();
    assert_eq!(
        steps,
        [
            "open",
            "check_registry",
            "identify_needs",
            "decide_service",
            "resolve"
        ]
    );
    assert_eq!(done.timeline[3].note.as_deref(), Some("SKTM untuk berobat"));
    let row = cases::Entity::find_by_id(id)
        .one(&desk.db)
        .await?
        .ok_or("no case")?;
    assert!(row.closed_at.is_some());
    // Nothing follows a resolved case.
    assert!(
        act(&desk, &desk.coordinator, id, CaseAction::Escalate, "x")
            .await
            .is_err()
    );
    Ok(())
}

#[tokio::test]
async fn stale_versions_conflict_and_closing_needs_a_reason_and_a_note() -> TestResult {
    let desk = desk().await?;
    let id = open_case(&desk, 4, "c4").await?;
    let version = desk
        .services
        .cases
        .detail(&desk.fo, id)
        .await?
        .summary
        .version;
    desk.services
        .cases
        .transition(
            &desk.fo,
            CaseTransitionRequest {
                case_id: id,
                version,
                action: CaseAction::CheckRegistry,
                note: String::new(),
            },
        )
        .await?;
    let stale = desk
        .services
        .cases
        .transition(
            &desk.bo,
            CaseTransitionRequest {
                case_id: id,
                version,
                action: CaseAction::IdentifyNeeds,
                note: String::new(),
            },
        )
        .await;
    assert_eq!(stale.err(), Some(ServiceError::Conflict));
    let events_before = case_events::Entity::find().count(&desk.db).await?;
    let no_note = act(
        &desk,
        &desk.coordinator,
        id,
        CaseAction::Close(CloseReason::Withdrawn),
        " ",
    )
    .await;
    assert!(
        matches!(no_note, Err(ServiceError::Invalid(_))),
        "{no_note:?}"
    );
    assert_eq!(
        case_events::Entity::find().count(&desk.db).await?,
        events_before
    );
    let closed = act(
        &desk,
        &desk.coordinator,
        id,
        CaseAction::Close(CloseReason::Withdrawn),
        "Warga mencabut permohonan",
    )
    .await?;
    assert_eq!(closed.summary.status.state, CaseState::Closed);
    let row = cases::Entity::find_by_id(id)
        .one(&desk.db)
        .await?
        .ok_or("no case")?;
    assert_eq!(row.close_reason.as_deref(), Some("withdrawn"));
    Ok(())
}

#[tokio::test]
async fn escalation_goes_up_one_level_and_the_manager_takes_over() -> TestResult {
    let desk = desk().await?;
    let id = open_case(&desk, 5, "c5").await?;
    let escalated = act(
        &desk,
        &desk.coordinator,
        id,
        CaseAction::Escalate,
        "Melewati tenggat",
    )
    .await?;
    assert_eq!(escalated.summary.status.state, CaseState::Escalated);
    assert_eq!(escalated.summary.status.level, EscalationLevel::District);
    assert_eq!(
        act(&desk, &desk.coordinator, id, CaseAction::TakeOver, "")
            .await
            .err(),
        Some(ServiceError::Forbidden)
    );
    let taken = act(
        &desk,
        &desk.manager,
        id,
        CaseAction::TakeOver,
        "Ditangani SLRT kabupaten",
    )
    .await?;
    assert_eq!(taken.summary.status.state, CaseState::NeedsIdentified);
    assert_eq!(taken.summary.status.level, EscalationLevel::District);
    Ok(())
}

#[tokio::test]
async fn lists_are_scoped_filtered_and_paged() -> TestResult {
    let desk = desk().await?;
    for serial in 10..16 {
        open_case(&desk, serial, &format!("l{serial}")).await?;
    }
    let first = cases::Entity::find()
        .one(&desk.db)
        .await?
        .ok_or("no case")?
        .id;
    act(
        &desk,
        &desk.coordinator,
        first,
        CaseAction::Close(CloseReason::Duplicate),
        "Ganda",
    )
    .await?;
    let neighbour = actor(
        &desk.db,
        &desk.services,
        "fo.kota",
        Role::FrontOffice,
        Some(WALED_KOTA),
    )
    .await?;
    let monitor = actor(
        &desk.db,
        &desk.services,
        "pemantau",
        Role::KemensosMonitor,
        None,
    )
    .await?;

    let all = desk
        .services
        .cases
        .list(&desk.manager, CaseFilter::default())
        .await?;
    assert_eq!(all.total, 6);
    assert_eq!(all.page, 1);
    let open = desk
        .services
        .cases
        .list(
            &desk.fo,
            CaseFilter {
                open_only: true,
                per_page: 2,
                page: 2,
                ..Default::default()
            },
        )
        .await?;
    assert_eq!((open.total, open.items.len(), open.page), (5, 2, 2));
    assert!(
        open.items
            .iter()
            .all(|c| c.status.state != CaseState::Closed)
    );
    let health = desk
        .services
        .cases
        .list(
            &desk.fo,
            CaseFilter {
                sector: Some(Sector::Health),
                ..Default::default()
            },
        )
        .await?;
    assert_eq!(health.total, 6);
    let education = desk
        .services
        .cases
        .list(
            &desk.fo,
            CaseFilter {
                sector: Some(Sector::Education),
                ..Default::default()
            },
        )
        .await?;
    assert_eq!(education.total, 0);
    let by_name = desk
        .services
        .cases
        .list(
            &desk.fo,
            CaseFilter {
                search: Some("darto".into()),
                ..Default::default()
            },
        )
        .await?;
    assert_eq!(by_name.total, 6);
    let overdue = desk
        .services
        .cases
        .list(
            &desk.fo,
            CaseFilter {
                overdue_only: true,
                ..Default::default()
            },
        )
        .await?;
    assert_eq!(overdue.total, 0);
    // "My cases": the front office opened every one; the coordinator moved one; the manager none.
    let mine = CaseFilter {
        mine: true,
        ..Default::default()
    };
    let all = desk
        .services
        .cases
        .list(&desk.fo, CaseFilter::default())
        .await?;
    assert_eq!(
        desk.services
            .cases
            .list(&desk.fo, mine.clone())
            .await?
            .total,
        all.total
    );
    assert_eq!(
        desk.services
            .cases
            .list(&desk.coordinator, mine.clone())
            .await?
            .total,
        1
    );
    assert_eq!(
        desk.services.cases.list(&desk.manager, mine).await?.total,
        0
    );

    assert_eq!(
        desk.services
            .cases
            .list(&neighbour, CaseFilter::default())
            .await?
            .total,
        0
    );
    let peek = desk
        .services
        .cases
        .list(
            &neighbour,
            CaseFilter {
                area: Some(AreaCode::parse(WALED_DESA)?),
                ..Default::default()
            },
        )
        .await;
    assert_eq!(peek.err(), Some(ServiceError::Forbidden));
    assert_eq!(
        desk.services
            .cases
            .list(&monitor, CaseFilter::default())
            .await
            .err(),
        Some(ServiceError::Forbidden)
    );
    assert_eq!(
        desk.services.cases.detail(&neighbour, first).await.err(),
        Some(ServiceError::Forbidden)
    );
    Ok(())
}
