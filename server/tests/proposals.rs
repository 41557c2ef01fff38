//! The registry-proposal service (flow B) on SQLite and PostgreSQL: starting
//! (idempotent), the stages with their roles, rejection, conflicts, refusals by
//! role and area (audited), the scoped worklist and the history.

mod common;

use common::people::household_request;
use common::{TestResult, actor, audit_rows, database_with_areas};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use server::entities::{proposal_events, proposals};
use server::services;
use shared::DomainError;
use shared::contract::{Actor, ServiceError, Services};
use shared::dto::{ProposalFilter, ProposalRow, ProposalTransitionRequest, StartProposal};
use shared::geo::AreaCode;
use shared::proposal::{ProposalAction, ProposalKind, ProposalSource, ProposalStage};
use shared::proposal_batch::{
    BatchProblem, MatchOutcome, MemberMatch, RatifyBatch, RecordMatch, SubmitBatch,
};
use shared::proposal_change::{ChangeProblem, ChangeType, ProposalChange, RemovalReason};
use shared::roles::Role;
use shared::workflow::StateMachine;

const WALED_DESA: &str = "32.09.01.2008";
const WALED_KOTA: &str = "32.09.01.2009";

struct Desk {
    services: Services,
    db: sea_orm::DatabaseConnection,
    fo: Actor,
    facilitator: Actor,
    supervisor: Actor,
    bo: Actor,
    manager: Actor,
    admin: Actor,
}

async fn desk() -> Result<Desk, Box<dyn std::error::Error>> {
    let db = database_with_areas().await?;
    let services = services::build(db.clone(), common::config());
    Ok(Desk {
        fo: actor(&db, &services, "fo", Role::FrontOffice, Some(WALED_DESA)).await?,
        facilitator: actor(
            &db,
            &services,
            "fasilitator",
            Role::Facilitator,
            Some(WALED_DESA),
        )
        .await?,
        supervisor: actor(
            &db,
            &services,
            "supervisor",
            Role::Supervisor,
            Some("32.09.01"),
        )
        .await?,
        bo: actor(&db, &services, "bo", Role::BackOffice, Some(WALED_DESA)).await?,
        manager: actor(&db, &services, "manajer", Role::SlrtManager, Some("32.09")).await?,
        admin: actor(&db, &services, "admin", Role::Admin, None).await?,
        services,
        db,
    })
}

/// Registers a household in `village` (by `registrar`) and returns its id.
async fn household(
    desk: &Desk,
    registrar: &Actor,
    village: &str,
    serial: u16,
) -> Result<i64, Box<dyn std::error::Error>> {
    Ok(desk
        .services
        .households
        .register(
            registrar,
            household_request(village, serial, &format!("hh-{serial}"))?,
        )
        .await?
        .id)
}

fn start_request(key: &str, household_id: i64) -> StartProposal {
    StartProposal {
        idempotency_key: key.to_string(),
        household_id,
        change: ProposalChange::NewFamily,
        source: ProposalSource::Visit,
        note: "Keluarga belum terdaftar di DTSEN; ditemukan saat kunjungan".to_string(),
    }
}

/// Starts a proposal for a new household of Waled Desa (by the facilitator).
async fn proposal(desk: &Desk, serial: u16) -> Result<i64, Box<dyn std::error::Error>> {
    let household_id = household(desk, &desk.fo, WALED_DESA, serial).await?;
    Ok(desk
        .services
        .proposals
        .start(
            &desk.facilitator,
            start_request(&format!("p-{serial}"), household_id),
        )
        .await?
        .id)
}

async fn stored(desk: &Desk, id: i64) -> Result<proposals::Model, Box<dyn std::error::Error>> {
    Ok(proposals::Entity::find_by_id(id)
        .one(&desk.db)
        .await?
        .ok_or("no proposal")?)
}

async fn event_count(desk: &Desk, id: i64) -> Result<u64, sea_orm::DbErr> {
    proposal_events::Entity::find()
        .filter(proposal_events::Column::ProposalId.eq(id))
        .count(&desk.db)
        .await
}

/// Applies `action` by `who` with the version currently stored.
async fn act(
    desk: &Desk,
    who: &Actor,
    proposal_id: i64,
    action: ProposalAction,
    note: &str,
) -> Result<ProposalRow, Box<dyn std::error::Error>> {
    let version = stored(desk, proposal_id).await?.version;
    Ok(desk
        .services
        .proposals
        .transition(
            who,
            ProposalTransitionRequest {
                new_card: None,
                proposal_id,
                version,
                action,
                note: note.into(),
            },
        )
        .await?)
}

/// The proposal as listed now.
async fn rows_of(desk: &Desk, id: i64) -> Result<ProposalRow, Box<dyn std::error::Error>> {
    Ok(desk
        .services
        .proposals
        .file(&desk.manager, id)
        .await?
        .proposal)
}

/// Records padan Dukcapil for every living member (matched, or no NIK) by the back office.
async fn match_every_member(
    desk: &Desk,
    id: i64,
) -> Result<ProposalRow, Box<dyn std::error::Error>> {
    let file = desk.services.proposals.file(&desk.bo, id).await?;
    let members = file
        .match_members
        .iter()
        .map(|m| MemberMatch {
            member_id: m.id,
            outcome: if m.nik_masked.is_some() {
                MatchOutcome::Matched
            } else {
                MatchOutcome::NoNik
            },
        })
        .collect();
    Ok(desk
        .services
        .proposals
        .record_match(
            &desk.bo,
            RecordMatch {
                proposal_id: id,
                version: file.proposal.version,
                members,
                note: String::new(),
            },
        )
        .await?)
}

async fn act_err(
    desk: &Desk,
    who: &Actor,
    proposal_id: i64,
    action: ProposalAction,
    note: &str,
) -> Result<Option<ServiceError>, Box<dyn std::error::Error>> {
    let version = stored(desk, proposal_id).await?.version;
    Ok(desk
        .services
        .proposals
        .transition(
            who,
            ProposalTransitionRequest {
                new_card: None,
                proposal_id,
                version,
                action,
                note: note.into(),
            },
        )
        .await
        .err())
}

#[tokio::test]
async fn a_proposal_goes_through_every_stage_with_the_right_roles() -> TestResult {
    let desk = desk().await?;
    let id = proposal(&desk, 1).await?;
    let row = stored(&desk, id).await?;
    assert_eq!(
        (row.stage.as_str(), row.version, row.village_code.as_str()),
        ("proposed", 1, WALED_DESA)
    );

    let waled = AreaCode::parse(WALED_DESA)?;
    let expect = |row: &ProposalRow, stage: ProposalStage, version: i32| {
        assert_eq!((row.stage, row.version, row.id), (stage, version, id));
        assert_eq!(row.no_kk_masked, "************0001");
        assert_eq!(row.village, waled);
        assert_eq!(
            (row.kind, row.source),
            (ProposalKind::NewFamily, ProposalSource::Visit)
        );
    };
    let row = act(
        &desk,
        &desk.facilitator,
        id,
        ProposalAction::ApproveInVillageMeeting,
        "Berita acara musdes 12/2026",
    )
    .await?;
    expect(&row, ProposalStage::VillageMeetingApproved, 2);
    let row = act(&desk, &desk.supervisor, id, ProposalAction::Verify, "").await?;
    expect(&row, ProposalStage::Verified, 3);
    // The match names each member's result and approval goes by batch: the
    // bare steps are refused, saying where they are recorded.
    assert_eq!(
        act_err(&desk, &desk.bo, id, ProposalAction::MatchCivilRegistry, "").await?,
        Some(ServiceError::Invalid(BatchProblem::MatchThroughForm.into()))
    );
    let row = match_every_member(&desk, id).await?;
    expect(&row, ProposalStage::CivilRegistryMatched, 4);
    assert_eq!(
        act_err(&desk, &desk.manager, id, ProposalAction::Ratify, "SK").await?,
        Some(ServiceError::Invalid(BatchProblem::ThroughBatch.into()))
    );
    let batch = desk
        .services
        .batches
        .ratify(
            &desk.manager,
            RatifyBatch {
                idempotency_key: "batch-1".into(),
                proposal_ids: vec![id],
                decree: "SK Bupati 400/2026".into(),
            },
        )
        .await?;
    expect(&rows_of(&desk, id).await?, ProposalStage::Ratified, 5);
    let sent = desk
        .services
        .batches
        .submit(
            &desk.manager,
            SubmitBatch {
                batch_id: batch.id,
                version: 1,
            },
        )
        .await?;
    assert_eq!(sent.people, 2);
    expect(&rows_of(&desk, id).await?, ProposalStage::Submitted, 6);
    let row = act(&desk, &desk.admin, id, ProposalAction::Enact, "").await?;
    expect(&row, ProposalStage::Enacted, 7);
    // Ditetapkan is final.
    assert_eq!(
        act_err(&desk, &desk.admin, id, ProposalAction::Reject, "Terlambat").await?,
        Some(ServiceError::Conflict)
    );

    let history = desk.services.proposals.history(&desk.manager, id).await?;
    let actions: Vec<&str> = history.iter().map(|c| c.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "propose",
            "approve_in_village_meeting",
            "verify",
            "match_civil_registry",
            "ratify",
            "submit",
            "enact"
        ]
    );
    assert!(history.iter().all(|c| c.machine == StateMachine::Proposal));
    assert_eq!(
        (history[0].from.as_str(), history[0].to.as_str()),
        ("", "proposed")
    );
    assert_eq!(history[0].actor.username, "fasilitator");
    assert_eq!(
        history[0].note.as_deref(),
        Some("Keluarga belum terdaftar di DTSEN; ditemukan saat kunjungan")
    );
    assert_eq!(
        (history[2].actor.username.as_str(), history[2].actor.role),
        ("supervisor", Role::Supervisor)
    );
    assert_eq!(
        (history[3].actor.username.as_str(), history[3].actor.role),
        ("bo", Role::BackOffice)
    );
    assert_eq!(
        (history[6].actor.username.as_str(), history[6].actor.role),
        ("admin", Role::Admin)
    );
    assert_eq!(
        (history[6].from.as_str(), history[6].to.as_str()),
        ("submitted", "enacted")
    );
    assert_eq!(history[4].note.as_deref(), Some("SK Bupati 400/2026"));
    assert_eq!(history[2].note, None);
    assert!(history.windows(2).all(|pair| pair[0].at <= pair[1].at));

    assert_eq!(audit_rows(&desk.db, "start_proposal", "ok").await?.len(), 1);
    let transitions = audit_rows(&desk.db, "proposal_transition", "ok").await?;
    assert_eq!(transitions.len(), 3);
    assert!(
        transitions.iter().any(|a| a
            .detail
            .as_deref()
            .is_some_and(|d| d.starts_with("enact: submitted → enacted"))),
        "{transitions:?}"
    );
    for done in ["record_civil_match", "ratify_batch", "submit_batch"] {
        assert_eq!(audit_rows(&desk.db, done, "ok").await?.len(), 1, "{done}");
    }
    // The match form's read, two reads of the row and the history: four views.
    assert_eq!(audit_rows(&desk.db, "view_proposal", "ok").await?.len(), 4);
    Ok(())
}

#[tokio::test]
async fn a_proposal_can_be_rejected_with_a_reason_at_its_current_step() -> TestResult {
    let desk = desk().await?;
    let id = proposal(&desk, 2).await?;
    act(
        &desk,
        &desk.facilitator,
        id,
        ProposalAction::ApproveInVillageMeeting,
        "",
    )
    .await?;
    // A rejection needs a reason; nothing is written without one.
    let no_note = act_err(&desk, &desk.supervisor, id, ProposalAction::Reject, "  ").await?;
    assert!(
        matches!(no_note, Some(ServiceError::Invalid(_))),
        "{no_note:?}"
    );
    assert_eq!(stored(&desk, id).await?.stage, "village_meeting_approved");
    assert_eq!(event_count(&desk, id).await?, 2);

    let rejected = act(
        &desk,
        &desk.supervisor,
        id,
        ProposalAction::Reject,
        "Rumah layak huni saat verivali",
    )
    .await?;
    assert_eq!(rejected.stage, ProposalStage::Rejected);
    let history = desk
        .services
        .proposals
        .history(&desk.supervisor, id)
        .await?;
    let last = history.last().ok_or("no history")?;
    assert_eq!(
        (last.from.as_str(), last.to.as_str(), last.action.as_str()),
        ("village_meeting_approved", "rejected", "reject")
    );
    assert_eq!(last.note.as_deref(), Some("Rumah layak huni saat verivali"));
    // Ditolak is final.
    assert_eq!(
        act_err(&desk, &desk.supervisor, id, ProposalAction::Verify, "").await?,
        Some(ServiceError::Conflict)
    );
    Ok(())
}

#[tokio::test]
async fn a_role_outside_the_step_is_refused_and_audited() -> TestResult {
    let desk = desk().await?;
    let id = proposal(&desk, 3).await?;
    // The back office does not record the village meeting.
    assert_eq!(
        act_err(
            &desk,
            &desk.bo,
            id,
            ProposalAction::ApproveInVillageMeeting,
            ""
        )
        .await?,
        Some(ServiceError::Forbidden)
    );
    let refused = audit_rows(&desk.db, "proposal_transition", "refused").await?;
    assert_eq!(refused.len(), 1);
    assert_eq!(
        refused[0].object_id.as_deref(),
        Some(id.to_string().as_str())
    );
    assert_eq!(refused[0].actor_user_id, Some(desk.bo.user_id));
    // Nor may the back office reject at this step: rejecting belongs to the step's roles.
    assert_eq!(
        act_err(&desk, &desk.bo, id, ProposalAction::Reject, "Tidak layak").await?,
        Some(ServiceError::Forbidden)
    );
    // Stages cannot be skipped, whoever asks.
    assert_eq!(
        act_err(&desk, &desk.facilitator, id, ProposalAction::Verify, "").await?,
        Some(ServiceError::Conflict)
    );
    let row = stored(&desk, id).await?;
    assert_eq!((row.stage.as_str(), row.version), ("proposed", 1));
    assert_eq!(event_count(&desk, id).await?, 1);
    assert_eq!(
        audit_rows(&desk.db, "proposal_transition", "refused")
            .await?
            .len(),
        2
    );
    assert!(
        audit_rows(&desk.db, "proposal_transition", "ok")
            .await?
            .is_empty()
    );
    // The front office does not work on proposals at all.
    let household_id = household(&desk, &desk.fo, WALED_DESA, 30).await?;
    assert_eq!(
        desk.services
            .proposals
            .start(&desk.fo, start_request("fo-1", household_id))
            .await
            .err(),
        Some(ServiceError::Forbidden)
    );
    assert_eq!(
        act_err(
            &desk,
            &desk.fo,
            id,
            ProposalAction::ApproveInVillageMeeting,
            ""
        )
        .await?,
        Some(ServiceError::Forbidden)
    );
    assert_eq!(
        audit_rows(&desk.db, "change_proposal", "refused")
            .await?
            .len(),
        2
    );
    Ok(())
}

#[tokio::test]
async fn a_stale_version_conflicts_and_changes_nothing() -> TestResult {
    let desk = desk().await?;
    let id = proposal(&desk, 4).await?;
    let seen = stored(&desk, id).await?.version;
    desk.services
        .proposals
        .transition(
            &desk.facilitator,
            ProposalTransitionRequest {
                new_card: None,
                proposal_id: id,
                version: seen,
                action: ProposalAction::ApproveInVillageMeeting,
                note: "Musdes".into(),
            },
        )
        .await?;
    let before = stored(&desk, id).await?;
    let events = event_count(&desk, id).await?;
    let stale = desk
        .services
        .proposals
        .transition(
            &desk.supervisor,
            ProposalTransitionRequest {
                new_card: None,
                proposal_id: id,
                version: seen,
                action: ProposalAction::Verify,
                note: String::new(),
            },
        )
        .await;
    assert_eq!(stale.err(), Some(ServiceError::Conflict));
    assert_eq!(stored(&desk, id).await?, before);
    assert_eq!(event_count(&desk, id).await?, events);
    assert_eq!(
        audit_rows(&desk.db, "proposal_transition", "ok")
            .await?
            .len(),
        1
    );
    // With the version now stored it goes through.
    assert_eq!(
        act(&desk, &desk.supervisor, id, ProposalAction::Verify, "")
            .await?
            .stage,
        ProposalStage::Verified
    );
    Ok(())
}

#[tokio::test]
async fn starting_is_idempotent_on_the_key_and_checks_its_input() -> TestResult {
    let desk = desk().await?;
    let household_id = household(&desk, &desk.fo, WALED_DESA, 5).await?;
    let first = desk
        .services
        .proposals
        .start(&desk.facilitator, start_request("same", household_id))
        .await?;
    let again = desk
        .services
        .proposals
        .start(&desk.facilitator, start_request("same", household_id))
        .await?;
    assert_eq!(first, again);
    assert_eq!(proposals::Entity::find().count(&desk.db).await?, 1);
    assert_eq!(event_count(&desk, first.id).await?, 1);
    assert_eq!(audit_rows(&desk.db, "start_proposal", "ok").await?.len(), 1);

    // One open proposal of a kind per family: a second new-family proposal
    // names the first; a correction needs the family in the registry.
    assert_eq!(
        desk.services
            .proposals
            .start(&desk.supervisor, start_request("second", household_id))
            .await,
        Err(ServiceError::Invalid(DomainError::OpenProposalExists {
            proposal_id: first.id
        }))
    );
    let removal = StartProposal {
        change: ProposalChange::Removal {
            reason: RemovalReason::NotPoor,
        },
        ..start_request("removal", household_id)
    };
    assert_eq!(
        desk.services
            .proposals
            .start(&desk.supervisor, removal)
            .await,
        Err(ServiceError::Invalid(DomainError::ProposalChange {
            problem: ChangeProblem::NotInRegistry
        }))
    );
    assert_eq!(proposals::Entity::find().count(&desk.db).await?, 1);

    let other_household = household(&desk, &desk.fo, WALED_DESA, 6).await?;
    let from_rt = StartProposal {
        source: ProposalSource::RtRw,
        ..start_request("other", other_household)
    };
    let second = desk
        .services
        .proposals
        .start(&desk.supervisor, from_rt)
        .await?;
    assert_ne!(second.id, first.id);
    let row = stored(&desk, second.id).await?;
    assert_eq!(
        (row.kind.as_str(), row.source.as_str(), row.created_by),
        ("new_family", "rt_rw", Some(desk.supervisor.user_id))
    );
    assert_eq!(row.change.as_deref(), Some(r#"{"type":"new_family"}"#));
    let event = proposal_events::Entity::find()
        .filter(proposal_events::Column::ProposalId.eq(second.id))
        .one(&desk.db)
        .await?
        .ok_or("no event")?;
    assert_eq!(
        (
            event.action.as_str(),
            event.from_state,
            event.to_state.as_str()
        ),
        ("propose", None, "proposed")
    );
    assert_eq!(event.actor_role.as_deref(), Some("supervisor"));

    let no_reason = StartProposal {
        note: " ".into(),
        ..start_request("no-reason", household_id)
    };
    assert!(matches!(
        desk.services
            .proposals
            .start(&desk.facilitator, no_reason)
            .await,
        Err(ServiceError::Invalid(
            shared::DomainError::TextRequired { .. }
        ))
    ));
    let no_key = start_request("", household_id);
    assert!(matches!(
        desk.services
            .proposals
            .start(&desk.facilitator, no_key)
            .await,
        Err(ServiceError::Invalid(_))
    ));
    assert_eq!(
        desk.services
            .proposals
            .start(&desk.facilitator, start_request("ghost", 999_999))
            .await
            .err(),
        Some(ServiceError::NotFound)
    );
    assert_eq!(proposals::Entity::find().count(&desk.db).await?, 2);
    Ok(())
}

#[tokio::test]
async fn actors_outside_the_area_are_refused_and_audited() -> TestResult {
    let desk = desk().await?;
    let id = proposal(&desk, 6).await?;
    let household_id = stored(&desk, id).await?.household_id;
    let neighbour = actor(
        &desk.db,
        &desk.services,
        "fasilitator.kota",
        Role::Facilitator,
        Some(WALED_KOTA),
    )
    .await?;
    let far_manager = actor(
        &desk.db,
        &desk.services,
        "manajer.banjarnegara",
        Role::SlrtManager,
        Some("33.04"),
    )
    .await?;

    assert_eq!(
        desk.services
            .proposals
            .start(&neighbour, start_request("n-1", household_id))
            .await
            .err(),
        Some(ServiceError::Forbidden)
    );
    assert_eq!(
        act_err(
            &desk,
            &neighbour,
            id,
            ProposalAction::ApproveInVillageMeeting,
            ""
        )
        .await?,
        Some(ServiceError::Forbidden)
    );
    assert_eq!(
        desk.services.proposals.history(&neighbour, id).await.err(),
        Some(ServiceError::Forbidden)
    );
    assert_eq!(
        desk.services
            .proposals
            .history(&far_manager, id)
            .await
            .err(),
        Some(ServiceError::Forbidden)
    );
    let peek = ProposalFilter {
        area: Some(AreaCode::parse(WALED_DESA)?),
        ..Default::default()
    };
    assert_eq!(
        desk.services
            .proposals
            .list(&neighbour, peek.clone())
            .await
            .err(),
        Some(ServiceError::Forbidden)
    );
    assert_eq!(
        desk.services.proposals.list(&far_manager, peek).await.err(),
        Some(ServiceError::Forbidden)
    );
    // Their own lists hold nothing of Waled Desa.
    assert_eq!(
        desk.services
            .proposals
            .list(&neighbour, ProposalFilter::default())
            .await?
            .total,
        0
    );
    assert_eq!(
        desk.services
            .proposals
            .list(&far_manager, ProposalFilter::default())
            .await?
            .total,
        0
    );

    assert_eq!(
        audit_rows(&desk.db, "change_proposal", "refused")
            .await?
            .len(),
        4
    );
    assert_eq!(
        audit_rows(&desk.db, "view_personal_data", "refused")
            .await?
            .len(),
        2
    );
    assert!(
        audit_rows(&desk.db, "view_proposal", "ok")
            .await?
            .is_empty()
    );
    let row = stored(&desk, id).await?;
    assert_eq!((row.stage.as_str(), row.version), ("proposed", 1));
    assert_eq!(proposals::Entity::find().count(&desk.db).await?, 1);
    // The administrator advances proposals but does not read the history of a family.
    assert_eq!(
        desk.services.proposals.history(&desk.admin, id).await.err(),
        Some(ServiceError::Forbidden)
    );
    Ok(())
}

#[tokio::test]
async fn aggregate_only_roles_never_touch_a_proposal() -> TestResult {
    let desk = desk().await?;
    let id = proposal(&desk, 7).await?;
    let household_id = stored(&desk, id).await?.household_id;
    let heads = [
        actor(
            &desk.db,
            &desk.services,
            "bupati",
            Role::DistrictHead,
            Some("32.09"),
        )
        .await?,
        actor(
            &desk.db,
            &desk.services,
            "bappeda",
            Role::Bappeda,
            Some("32.09"),
        )
        .await?,
        actor(
            &desk.db,
            &desk.services,
            "pemantau",
            Role::KemensosMonitor,
            None,
        )
        .await?,
    ];
    for (index, head) in heads.iter().enumerate() {
        assert_eq!(
            desk.services
                .proposals
                .start(head, start_request(&format!("h-{index}"), household_id))
                .await
                .err(),
            Some(ServiceError::Forbidden)
        );
        assert_eq!(
            act_err(&desk, head, id, ProposalAction::ApproveInVillageMeeting, "").await?,
            Some(ServiceError::Forbidden)
        );
        assert_eq!(
            desk.services
                .proposals
                .list(head, ProposalFilter::default())
                .await
                .err(),
            Some(ServiceError::Forbidden)
        );
        assert_eq!(
            desk.services.proposals.history(head, id).await.err(),
            Some(ServiceError::Forbidden)
        );
    }
    assert_eq!(
        audit_rows(&desk.db, "change_proposal", "refused")
            .await?
            .len(),
        9
    );
    assert_eq!(
        audit_rows(&desk.db, "view_personal_data", "refused")
            .await?
            .len(),
        3
    );
    assert_eq!(proposals::Entity::find().count(&desk.db).await?, 1);
    assert_eq!(stored(&desk, id).await?.version, 1);
    Ok(())
}

#[tokio::test]
async fn lists_are_scoped_filtered_paged_and_newest_first() -> TestResult {
    let desk = desk().await?;
    let mut ids = Vec::new();
    for serial in 10..13 {
        ids.push(proposal(&desk, serial).await?);
    }
    act(
        &desk,
        &desk.facilitator,
        ids[0],
        ProposalAction::ApproveInVillageMeeting,
        "",
    )
    .await?;
    let fo_kota = actor(
        &desk.db,
        &desk.services,
        "fo.kota",
        Role::FrontOffice,
        Some(WALED_KOTA),
    )
    .await?;
    let fac_kota = actor(
        &desk.db,
        &desk.services,
        "fasilitator.kota",
        Role::Facilitator,
        Some(WALED_KOTA),
    )
    .await?;
    let kota_household = household(&desk, &fo_kota, WALED_KOTA, 20).await?;
    let kota = desk
        .services
        .proposals
        .start(&fac_kota, start_request("k-1", kota_household))
        .await?
        .id;

    let all = desk
        .services
        .proposals
        .list(&desk.manager, ProposalFilter::default())
        .await?;
    assert_eq!((all.total, all.page, all.per_page), (4, 1, 25));
    let order: Vec<i64> = all.items.iter().map(|p| p.id).collect();
    assert_eq!(order, [kota, ids[2], ids[1], ids[0]]);

    let own = desk
        .services
        .proposals
        .list(&desk.facilitator, ProposalFilter::default())
        .await?;
    assert_eq!(own.total, 3);
    assert!(own.items.iter().all(|p| p.village.as_str() == WALED_DESA));
    let kota_only = desk
        .services
        .proposals
        .list(
            &desk.manager,
            ProposalFilter {
                area: Some(AreaCode::parse(WALED_KOTA)?),
                ..Default::default()
            },
        )
        .await?;
    assert_eq!(
        kota_only.items.iter().map(|p| p.id).collect::<Vec<_>>(),
        [kota]
    );
    assert_eq!(kota_only.items[0].no_kk_masked, "************0020");

    let approved = desk
        .services
        .proposals
        .list(
            &desk.manager,
            ProposalFilter {
                stages: vec![ProposalStage::VillageMeetingApproved],
                ..Default::default()
            },
        )
        .await?;
    assert_eq!(
        approved.items.iter().map(|p| p.id).collect::<Vec<_>>(),
        [ids[0]]
    );
    let early = desk
        .services
        .proposals
        .list(
            &desk.manager,
            ProposalFilter {
                stages: vec![
                    ProposalStage::Proposed,
                    ProposalStage::VillageMeetingApproved,
                ],
                ..Default::default()
            },
        )
        .await?;
    assert_eq!(early.total, 4);

    let second_page = desk
        .services
        .proposals
        .list(
            &desk.manager,
            ProposalFilter {
                per_page: 3,
                page: 2,
                ..Default::default()
            },
        )
        .await?;
    assert_eq!(
        (
            second_page.total,
            second_page.items.len(),
            second_page.page,
            second_page.per_page
        ),
        (4, 1, 2, 3)
    );
    assert_eq!(second_page.items[0].id, ids[0]);
    let capped = desk
        .services
        .proposals
        .list(
            &desk.manager,
            ProposalFilter {
                per_page: 10_000,
                page: 0,
                ..Default::default()
            },
        )
        .await?;
    assert_eq!(
        (capped.per_page, capped.page, capped.items.len()),
        (100, 1, 4)
    );

    let audits = audit_rows(&desk.db, "list_proposals", "ok").await?;
    assert_eq!(audits.len(), 7);
    assert!(
        audits
            .iter()
            .any(|a| a.area_code.as_deref() == Some(WALED_KOTA))
    );
    Ok(())
}

/// The worklist of a role holds exactly the proposals at the stages where that
/// role takes the next step, and a proposal's file names the family and every
/// step with who took it (the view audited).
#[tokio::test]
async fn each_role_s_worklist_holds_what_awaits_its_step_and_the_file_tells_the_story() -> TestResult
{
    use shared::proposal::ProposalFlow;
    let desk = desk().await?;
    let fresh = proposal(&desk, 31).await?;
    let met = proposal(&desk, 32).await?;
    act(
        &desk,
        &desk.facilitator,
        met,
        ProposalAction::ApproveInVillageMeeting,
        "BA musdes 3/2026",
    )
    .await?;
    let verified = proposal(&desk, 33).await?;
    act(
        &desk,
        &desk.facilitator,
        verified,
        ProposalAction::ApproveInVillageMeeting,
        "BA musdes 4/2026",
    )
    .await?;
    act(
        &desk,
        &desk.supervisor,
        verified,
        ProposalAction::Verify,
        "kunjungan rumah",
    )
    .await?;

    let worklist = |who: Actor| {
        let services = desk.services.clone();
        async move {
            let page = services
                .proposals
                .list(
                    &who,
                    ProposalFilter {
                        stages: ProposalFlow::awaiting(who.role),
                        per_page: 100,
                        ..ProposalFilter::default()
                    },
                )
                .await?;
            let mut ids: Vec<i64> = page.items.iter().map(|row| row.id).collect();
            ids.sort_unstable();
            Ok::<_, ServiceError>(ids)
        }
    };
    // The facilitator holds the village meeting and the home visit.
    let mut expected = vec![fresh, met];
    expected.sort_unstable();
    assert_eq!(worklist(desk.facilitator.clone()).await?, expected);
    // The back office matches with the civil registry: only the verified one.
    assert_eq!(worklist(desk.bo.clone()).await?, vec![verified]);
    // The front office takes no step: its worklist asks for no stage at all.
    assert!(ProposalFlow::awaiting(Role::FrontOffice).is_empty());

    // The counts per stage cover the area's proposals of the kinds asked, at every stage.
    let counted = desk
        .services
        .proposals
        .worklist(
            &desk.manager,
            ProposalFilter {
                kinds: vec![ProposalKind::NewFamily],
                per_page: 100,
                ..ProposalFilter::default()
            },
        )
        .await?;
    let count_at = |stage: ProposalStage| {
        counted
            .stages
            .iter()
            .find(|(at, _)| *at == stage)
            .map(|(_, n)| *n)
    };
    assert_eq!(counted.stages.len(), ProposalStage::ALL.len());
    assert_eq!(count_at(ProposalStage::Proposed), Some(1));
    assert_eq!(count_at(ProposalStage::VillageMeetingApproved), Some(1));
    assert_eq!(count_at(ProposalStage::Verified), Some(1));
    assert_eq!(count_at(ProposalStage::Enacted), Some(0));
    assert_eq!(counted.page.total, 3);
    let removals = desk
        .services
        .proposals
        .worklist(
            &desk.manager,
            ProposalFilter {
                kinds: vec![ProposalKind::Removal],
                ..ProposalFilter::default()
            },
        )
        .await?;
    assert_eq!(removals.page.total, 0);
    assert!(removals.stages.iter().all(|(_, n)| *n == 0));

    let file = desk.services.proposals.file(&desk.bo, verified).await?;
    assert_eq!(file.proposal.id, verified);
    assert_eq!(file.proposal.stage, ProposalStage::Verified);
    assert!(!file.proposal.head_name.is_empty(), "the family is named");
    let steps: Vec<(&str, &str)> = file
        .timeline
        .iter()
        .map(|step| (step.action.as_str(), step.actor.username.as_str()))
        .collect();
    assert_eq!(
        steps,
        vec![
            ("propose", "fasilitator"),
            ("approve_in_village_meeting", "fasilitator"),
            ("verify", "supervisor"),
        ]
    );
    assert_eq!(file.timeline[1].note.as_deref(), Some("BA musdes 4/2026"));
    let views = audit_rows(&desk.db, "view_proposal", "ok").await?;
    assert!(
        views
            .iter()
            .any(|row| row.object_id.as_deref() == Some(verified.to_string().as_str())),
        "the view is audited"
    );
    // Outside the area: refused like any other view of personal data.
    let other = actor(
        &desk.db,
        &desk.services,
        "fo.kota",
        Role::Facilitator,
        Some(WALED_KOTA),
    )
    .await?;
    assert_eq!(
        desk.services.proposals.file(&other, verified).await.err(),
        Some(ServiceError::Forbidden)
    );
    Ok(())
}

/// Every kind of change on a family in the registry: checked against the
/// household, stored as asked, shown as "now → proposed", one open proposal
/// of a kind at a time.
#[tokio::test]
async fn typed_changes_are_checked_stored_and_compared() -> TestResult {
    use shared::household::IncomeBand;
    use shared::identity::Sex;
    use shared::member::Relationship;
    use shared::proposal_change::{CorrectedField, JoinReason, LeaveReason};
    let desk = desk().await?;
    common::in_registry(&desk.db, 21, WALED_DESA, 2).await?;
    let household_id = household(&desk, &desk.fo, WALED_DESA, 21).await?;
    let file = desk
        .services
        .households
        .file(&desk.fo, household_id)
        .await?;
    assert!(
        file.registry.is_some(),
        "the family is found in the registry"
    );
    let id_of = |name: &str| {
        file.members
            .iter()
            .find(|m| m.member.name == name)
            .map(|m| m.id)
            .ok_or(format!("no member {name}"))
    };
    let (head, spouse) = (id_of("Darto Wiryono")?, id_of("Sumiati")?);
    let start = |key: &str, change: ProposalChange| StartProposal {
        change,
        ..start_request(key, household_id)
    };
    let refused = |problem| {
        Err(ServiceError::Invalid(DomainError::ProposalChange {
            problem,
        }))
    };
    let proposals = &desk.services.proposals;
    assert_eq!(
        proposals
            .start(&desk.facilitator, start_request("nf", household_id))
            .await,
        refused(ChangeProblem::AlreadyInRegistry)
    );
    let head_leaves = ProposalChange::RemoveMember {
        member_id: head,
        reason: LeaveReason::Died,
        on: chrono::NaiveDate::from_ymd_opt(2026, 1, 5).ok_or("date")?,
    };
    assert_eq!(
        proposals
            .start(&desk.facilitator, start("head", head_leaves))
            .await,
        refused(ChangeProblem::HeadCannotLeave)
    );
    assert_eq!(proposals::Entity::find().count(&desk.db).await?, 0);

    let on = chrono::NaiveDate::from_ymd_opt(2026, 11, 2).ok_or("date")?;
    let cases: Vec<(ProposalChange, &str, &str, &str)> = vec![
        (
            ProposalChange::AddMember {
                name: "Bayi Wiryono".into(),
                sex: Sex::Female,
                birth_date: on,
                relationship: Relationship::Child,
                reason: JoinReason::Birth,
            },
            "correction",
            "Darto Wiryono, Sumiati",
            "Darto Wiryono, Sumiati, Bayi Wiryono",
        ),
        (
            ProposalChange::RemoveMember {
                member_id: spouse,
                reason: LeaveReason::MovedOut,
                on,
            },
            "correction",
            "Darto Wiryono, Sumiati",
            "Darto Wiryono",
        ),
        (
            ProposalChange::ChangeHead { member_id: spouse },
            "correction",
            "Darto Wiryono",
            "Sumiati",
        ),
        (
            ProposalChange::Correction {
                field: CorrectedField::IncomeBand,
                member_id: None,
                proposed: IncomeBand::From1mTo2m.code().into(),
            },
            "correction",
            IncomeBand::Below500k.label_id(),
            IncomeBand::From1mTo2m.label_id(),
        ),
        (
            ProposalChange::Split {
                member_ids: vec![spouse],
            },
            "correction",
            "Darto Wiryono, Sumiati",
            "Darto Wiryono",
        ),
        (
            ProposalChange::Removal {
                reason: shared::proposal_change::RemovalReason::MovedOutOfDistrict,
            },
            "removal",
            "Terdaftar",
            "Dikeluarkan — Pindah ke luar kabupaten/kota",
        ),
    ];
    let mut started = Vec::new();
    for (index, (change, kind, now, proposed)) in cases.into_iter().enumerate() {
        let created = proposals
            .start(
                &desk.facilitator,
                start(&format!("c{index}"), change.clone()),
            )
            .await?;
        let row = stored(&desk, created.id).await?;
        assert_eq!(row.kind, kind, "{change:?}");
        let kept: ProposalChange = serde_json::from_str(row.change.as_deref().ok_or("no change")?)?;
        assert_eq!(kept, change);
        let shown = proposals.file(&desk.manager, created.id).await?;
        let seen = if desk
            .manager
            .role
            .may(shared::access::Action::ViewFullIdentity)
        {
            change.clone()
        } else {
            change.clone().without_birth_day()
        };
        assert_eq!(shown.change.as_ref(), Some(&seen));
        assert_eq!(shown.proposal.change_type, Some(change.change_type()));
        let first = shown.comparison.first().ok_or("no comparison")?;
        assert_eq!(
            (first.now.as_str(), first.proposed.as_str()),
            (now, proposed),
            "{change:?}"
        );
        started.push((created.id, change));
    }
    // The approver sees the family's other open proposals, those naming the
    // same member (or removing the family) marked as conflicting.
    let split_page = proposals.file(&desk.manager, started[4].0).await?;
    let marks: Vec<(ChangeType, bool)> = split_page
        .others
        .iter()
        .filter_map(|(row, conflict)| row.change_type.map(|t| (t, *conflict)))
        .collect();
    assert_eq!(
        marks,
        vec![
            (ChangeType::AddMember, false),
            (ChangeType::RemoveMember, true),
            (ChangeType::ChangeHead, true),
            (ChangeType::Correction, false),
            (ChangeType::Removal, true),
        ]
    );
    // A second open proposal of a kind names the first; once it is refused, a new one may start.
    let (first_removal, removal) = started[1].clone();
    assert_eq!(
        proposals
            .start(&desk.supervisor, start("again", removal.clone()))
            .await,
        Err(ServiceError::Invalid(DomainError::OpenProposalExists {
            proposal_id: first_removal
        }))
    );
    act(
        &desk,
        &desk.facilitator,
        first_removal,
        ProposalAction::Reject,
        "Masih tinggal di rumah",
    )
    .await?;
    proposals
        .start(&desk.supervisor, start("again", removal))
        .await?;
    // The new member's birth date shows as its year to a role without the whole NIK.
    let baby = proposals.file(&desk.supervisor, started[0].0).await?;
    let line = &baby.comparison[1].proposed;
    assert!(
        line.contains("2026") && !line.contains("02/11/2026"),
        "{line}"
    );
    // ... and the change itself carries no birth day to that role either.
    match &baby.change {
        Some(ProposalChange::AddMember { birth_date, .. }) => {
            assert_eq!(
                *birth_date,
                chrono::NaiveDate::from_ymd_opt(2026, 1, 1).ok_or("date")?
            );
        }
        other => return Err(format!("not the new member: {other:?}").into()),
    }
    Ok(())
}

/// "No step for 30 days" finds the proposals that stand still, in the list,
/// its counts and the download; the download is audited as an export.
#[tokio::test]
async fn idle_proposals_are_found_listed_counted_and_exported() -> TestResult {
    use sea_orm::{ActiveModelTrait, Set};
    let desk = desk().await?;
    let stale = proposal(&desk, 31).await?;
    let fresh = proposal(&desk, 32).await?;
    let mut row: proposals::ActiveModel = stored(&desk, stale).await?.into();
    row.updated_at = Set(chrono::Utc::now() - chrono::Duration::days(40));
    row.update(&desk.db).await?;
    let filter = |idle_days| ProposalFilter {
        area: None,
        stages: vec![],
        kinds: vec![],
        idle_days,
        page: 1,
        per_page: 25,
    };
    let ids = |rows: &[ProposalRow]| rows.iter().map(|r| r.id).collect::<Vec<_>>();
    let proposals = &desk.services.proposals;
    let all = proposals
        .export(&desk.manager, filter(None))
        .await?
        .collect_all()
        .await?;
    assert_eq!(ids(&all), vec![fresh, stale], "newest first");
    let idle = proposals
        .export(&desk.manager, filter(Some(30)))
        .await?
        .collect_all()
        .await?;
    assert_eq!(ids(&idle), vec![stale]);
    let listed = proposals.worklist(&desk.manager, filter(Some(30))).await?;
    assert_eq!(ids(&listed.page.items), vec![stale]);
    let proposed = listed
        .stages
        .iter()
        .find(|(stage, _)| *stage == ProposalStage::Proposed)
        .map(|(_, n)| *n);
    assert_eq!(proposed, Some(1), "counts follow the filter");
    assert_eq!(
        audit_rows(&desk.db, "export_proposals", "ok").await?.len(),
        2
    );
    // Only the offered choices of days: anything else is refused, not a crash.
    assert!(matches!(
        proposals
            .export(&desk.manager, filter(Some(100_000_000)))
            .await,
        Err(ServiceError::Invalid(DomainError::UnknownCode { .. }))
    ));
    // The front office works on no proposal: refused the download too.
    assert!(matches!(
        proposals.export(&desk.fo, filter(None)).await,
        Err(ServiceError::Forbidden)
    ));
    Ok(())
}

/// Two desks proposing the same family at the same moment: one proposal, and
/// the other desk is told about it (SQLite's write turns; PostgreSQL's row lock).
#[tokio::test]
async fn two_desks_at_once_make_one_open_proposal() -> TestResult {
    let desk = desk().await?;
    for serial in 41..=45u16 {
        let household_id = household(&desk, &desk.fo, WALED_DESA, serial).await?;
        let proposals = &desk.services.proposals;
        let (first, second) = tokio::join!(
            proposals.start(
                &desk.facilitator,
                start_request(&format!("a-{serial}"), household_id)
            ),
            proposals.start(
                &desk.supervisor,
                start_request(&format!("b-{serial}"), household_id)
            ),
        );
        let made: Vec<i64> = [&first, &second]
            .iter()
            .filter_map(|r| r.as_ref().ok().map(|c| c.id))
            .collect();
        assert_eq!(made.len(), 1, "{first:?} {second:?}");
        let refused = if first.is_ok() { second } else { first };
        assert_eq!(
            refused,
            Err(ServiceError::Invalid(DomainError::OpenProposalExists {
                proposal_id: made[0]
            }))
        );
    }
    Ok(())
}
