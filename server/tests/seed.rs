//! The demo and scale seeds: every state present, timelines legal under the shared state
//! machines, identity numbers stored only protected, the same seed giving the same data.

mod common;

use std::collections::{BTreeSet, HashSet};

use chrono::{NaiveDate, TimeZone, Utc};
use common::{TestResult, data_key, database_with_areas};
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set,
};
use server::cli::seed_demo::{self, DemoConfig, SeedOutcome};
use server::cli::seed_scale::{self, ScaleOptions};
use server::entities::{
    audit_log, case_events, cases, complaints, enrolments, households, institutions,
    meeting_minutes, members, programmes, proposal_events, proposals, referral_events, referrals,
    registry_families, registry_imports, registry_people, user_assignments, users,
    village_meeting_items, village_meetings,
};
use server::protect::IdKind;
use shared::case::{CaseAction, CaseFlow, CaseState, CaseStatus, CloseReason, EscalationLevel};
use shared::deadline::Deadline;
use shared::identity::{Nik, NoKk, mask_id_number, mask_nik};
use shared::programme::{InstitutionKind, ProgrammeKind};
use shared::proposal::{ProposalAction, ProposalFlow, ProposalStage};
use shared::referral::{ReferralAction, ReferralFlow, ReferralState};
use shared::roles::Role;
use shared::workflow::Workflow;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default()
}

fn config(seed: u64, households: usize) -> DemoConfig {
    DemoConfig {
        seed,
        households,
        today: today(),
        now: Utc
            .with_ymd_and_hms(2026, 11, 23, 6, 30, 0)
            .single()
            .unwrap_or_default(),
        desks: 0,
    }
}

async fn seeded(
    seed: u64,
    households: usize,
) -> Result<DatabaseConnection, Box<dyn std::error::Error>> {
    let db = database_with_areas().await?;
    let outcome = seed_demo::run_with(&db, &data_key(), &config(seed, households)).await?;
    assert!(matches!(outcome, SeedOutcome::Seeded(_)), "{outcome:?}");
    Ok(db)
}

fn role(code: &Option<String>) -> Result<Role, String> {
    code.as_deref()
        .and_then(Role::from_code)
        .ok_or_else(|| format!("unknown role {code:?}"))
}

#[tokio::test]
async fn demo_seed_covers_every_state_with_legal_histories() -> TestResult {
    let db = seeded(7, 300).await?;

    // Every case state, every escalation level, every referral state, every proposal stage.
    let all_cases = cases::Entity::find()
        .order_by_asc(cases::Column::Id)
        .all(&db)
        .await?;
    let states: BTreeSet<&str> = all_cases.iter().map(|c| c.state.as_str()).collect();
    let want: BTreeSet<&str> = CaseState::ALL.iter().map(|s| s.code()).collect();
    assert_eq!(states, want);
    let escalated_levels: BTreeSet<&str> = all_cases
        .iter()
        .filter(|c| c.state == CaseState::Escalated.code())
        .map(|c| c.level.as_str())
        .collect();
    assert!(escalated_levels.contains(EscalationLevel::District.code()));
    assert!(escalated_levels.contains(EscalationLevel::ProvinceNational.code()));
    let all_referrals = referrals::Entity::find().all(&db).await?;
    let states: BTreeSet<&str> = all_referrals.iter().map(|r| r.state.as_str()).collect();
    let want: BTreeSet<&str> = ReferralState::ALL.iter().map(|s| s.code()).collect();
    assert_eq!(states, want);
    let all_proposals = proposals::Entity::find().all(&db).await?;
    let stages: BTreeSet<&str> = all_proposals.iter().map(|p| p.stage.as_str()).collect();
    let want: BTreeSet<&str> = ProposalStage::ALL.iter().map(|s| s.code()).collect();
    assert_eq!(stages, want);

    // Every case timeline replays through the shared case machine, with the roles it names.
    let calendar = server::services::builtin_holidays();
    let mut overdue = 0;
    for case in &all_cases {
        let events = case_events::Entity::find()
            .filter(case_events::Column::CaseId.eq(case.id))
            .order_by_asc(case_events::Column::At)
            .order_by_asc(case_events::Column::Id)
            .all(&db)
            .await?;
        let (first, rest) = events.split_first().ok_or("a case without events")?;
        assert_eq!(first.action, "open");
        assert_eq!(first.from_state, None);
        assert_eq!(first.to_state, CaseState::Registered.code());
        let final_level =
            EscalationLevel::from_code(&case.level).ok_or("unknown escalation level")?;
        let escalations = rest.iter().filter(|e| e.action == "escalate").count();
        let mut level = final_level;
        for _ in 0..escalations {
            level = match level {
                EscalationLevel::ProvinceNational => EscalationLevel::District,
                _ => EscalationLevel::Village,
            };
        }
        let mut status = CaseStatus::new(level);
        for event in rest {
            let action = match event.action.as_str() {
                "check_registry" => CaseAction::CheckRegistry,
                "identify_needs" => CaseAction::IdentifyNeeds,
                "decide_service" => CaseAction::DecideService,
                "refer" => CaseAction::Refer,
                "start_monitoring" => CaseAction::StartMonitoring,
                "resolve" => CaseAction::Resolve,
                "escalate" => CaseAction::Escalate,
                "take_over" => CaseAction::TakeOver,
                "close" => CaseAction::Close(
                    case.close_reason
                        .as_deref()
                        .and_then(CloseReason::from_code)
                        .ok_or("closed without a reason")?,
                ),
                other => return Err(format!("unknown case action {other}").into()),
            };
            assert_eq!(event.from_state.as_deref(), Some(status.state.code()));
            status = CaseFlow::transition(status, action, role(&event.actor_role)?)
                .map_err(|e| format!("case {}: {}", case.number, e.message_en()))?;
            assert_eq!(event.to_state, status.state.code());
            assert!(event.at >= first.at && event.at <= config(7, 0).now);
            if matches!(action, CaseAction::Close(_) | CaseAction::Escalate) {
                assert!(event.note.as_deref().is_some_and(|n| !n.is_empty()));
            }
        }
        assert_eq!(status.state.code(), case.state);
        assert_eq!(status.level.code(), case.level);
        assert_eq!(case.version, i32::try_from(events.len())?);
        assert!(case.number.starts_with("SLRT/"));
        // Complaints: 1–3, each due by the shared service standard.
        let case_complaints = complaints::Entity::find()
            .filter(complaints::Column::CaseId.eq(case.id))
            .all(&db)
            .await?;
        assert!((1..=3).contains(&case_complaints.len()));
        for complaint in &case_complaints {
            let kind = shared::complaint::ComplaintType::from_code(&complaint.complaint_type)
                .ok_or("unknown complaint type")?;
            let due = Deadline::for_complaint(kind, complaint.received_on, &calendar).due;
            assert_eq!(complaint.due_on, due);
            assert!(complaint.due_on <= case.due_on);
        }
        if case.state == CaseState::Resolved.code() {
            let open = all_referrals
                .iter()
                .filter(|r| r.case_id == case.id)
                .filter(|r| ReferralState::from_code(&r.state).is_some_and(|s| s.is_open()))
                .count();
            assert_eq!(open, 0, "resolved case {} has open referrals", case.number);
        }
        let open = CaseState::from_code(&case.state).is_some_and(|s| s.is_open());
        if open && case.due_on < today() {
            overdue += 1;
        }
    }
    assert!(overdue > 0, "some open cases are past their deadline");

    // Every referral history replays through the referral machine; consent came first.
    for referral in &all_referrals {
        let events = referral_events::Entity::find()
            .filter(referral_events::Column::ReferralId.eq(referral.id))
            .order_by_asc(referral_events::Column::At)
            .order_by_asc(referral_events::Column::Id)
            .all(&db)
            .await?;
        let (first, rest) = events.split_first().ok_or("a referral without events")?;
        assert_eq!(
            (first.action.as_str(), first.to_state.as_str()),
            ("issue", "sent")
        );
        assert!(referral.consent_at <= first.at);
        assert!(!referral.consent_by.is_empty());
        let mut state = ReferralState::Sent;
        for event in rest {
            let action =
                ReferralAction::from_code(&event.action).ok_or("unknown referral action")?;
            assert_eq!(event.from_state.as_deref(), Some(state.code()));
            state = ReferralFlow::transition(state, action, role(&event.actor_role)?)
                .map_err(|e| e.message_en())?;
            assert_eq!(event.to_state, state.code());
        }
        assert_eq!(state.code(), referral.state);
        assert!(referral.number.starts_with("RJK/"));
    }

    // Every proposal history replays through the proposal machine.
    for proposal in &all_proposals {
        let events = proposal_events::Entity::find()
            .filter(proposal_events::Column::ProposalId.eq(proposal.id))
            .order_by_asc(proposal_events::Column::At)
            .order_by_asc(proposal_events::Column::Id)
            .all(&db)
            .await?;
        let (first, rest) = events.split_first().ok_or("a proposal without events")?;
        assert_eq!(first.action, "propose");
        let mut stage = ProposalStage::Proposed;
        for event in rest {
            let action =
                ProposalAction::from_code(&event.action).ok_or("unknown proposal action")?;
            stage = ProposalFlow::transition(stage, action, role(&event.actor_role)?)
                .map_err(|e| e.message_en())?;
            assert_eq!(event.to_state, stage.code());
        }
        assert_eq!(stage.code(), proposal.stage);
    }

    // Village meetings: every proposal that passed or failed its meeting sits on
    // one approved meeting of its village, with the decision its history took.
    let meetings = village_meetings::Entity::find().all(&db).await?;
    assert!(!meetings.is_empty(), "the demo has village meetings");
    let items = village_meeting_items::Entity::find().all(&db).await?;
    for meeting in &meetings {
        assert_eq!(meeting.state, "approved");
        let minutes = meeting_minutes::Entity::find_by_id(meeting.id)
            .one(&db)
            .await?
            .ok_or("an approved meeting without minutes")?;
        assert_eq!(
            shared::meeting::check_minutes(&minutes.content),
            Ok(shared::meeting::MinutesType::Pdf)
        );
        assert!(items.iter().any(|item| item.meeting_id == meeting.id));
    }
    for item in &items {
        let proposal = all_proposals
            .iter()
            .find(|p| p.id == item.proposal_id)
            .ok_or("an agenda item without its proposal")?;
        let meeting = meetings
            .iter()
            .find(|m| m.id == item.meeting_id)
            .ok_or("an item without its meeting")?;
        assert_eq!(proposal.village_code, meeting.village_code);
        match item.decision.as_deref() {
            Some("agreed") => assert_ne!(proposal.stage, ProposalStage::Proposed.code()),
            Some("not_agreed") => {
                assert_eq!(proposal.stage, ProposalStage::Rejected.code());
                assert!(item.reason.as_deref().is_some_and(|r| !r.is_empty()));
            }
            other => panic!("an undecided item on an approved meeting: {other:?}"),
        }
    }
    let decided_at_meetings = proposal_events::Entity::find()
        .filter(proposal_events::Column::FromState.eq(ProposalStage::Proposed.code()))
        .filter(proposal_events::Column::Action.ne("propose"))
        .count(&db)
        .await?;
    assert_eq!(u64::try_from(items.len())?, decided_at_meetings);

    // Batches: every approved or sent proposal sits in one, with the match of
    // its members; the sent batch keeps its file, sealed.
    let batches = server::entities::proposal_batches::Entity::find()
        .all(&db)
        .await?;
    for proposal in &all_proposals {
        let approved = ["ratified", "submitted", "enacted"].contains(&proposal.stage.as_str());
        assert_eq!(proposal.batch_id.is_some(), approved, "{}", proposal.stage);
        if approved || proposal.stage == "civil_registry_matched" {
            assert!(proposal.civil_match.is_some(), "matched before approval");
        }
        if let Some(batch) = proposal.batch_id {
            let batch = batches
                .iter()
                .find(|b| b.id == batch)
                .ok_or("a proposal in a batch that is not there")?;
            assert_eq!(
                batch.state == "submitted",
                proposal.stage != "ratified",
                "{}",
                batch.number
            );
        }
    }
    let states: BTreeSet<&str> = batches.iter().map(|b| b.state.as_str()).collect();
    assert_eq!(states, BTreeSet::from(["ratified", "submitted"]));
    for batch in batches.iter().filter(|b| b.state == "submitted") {
        let sealed = batch
            .file_sealed
            .as_deref()
            .ok_or("a sent batch without file")?;
        let rows: Vec<Vec<String>> = serde_json::from_str(&common::data_key().open(sealed)?)?;
        assert_eq!(u64::try_from(rows.len())?, u64::try_from(batch.people)?);
        assert!(!rows.is_empty());
    }

    // The catalogue, the institutions and the accounts the demo relies on.
    assert_eq!(
        programmes::Entity::find().count(&db).await?,
        u64::try_from(ProgrammeKind::ALL.len())?
    );
    let rsud = institutions::Entity::find()
        .filter(institutions::Column::Name.eq("RSUD Waled"))
        .one(&db)
        .await?
        .ok_or("no RSUD Waled")?;
    assert_eq!(rsud.kind, InstitutionKind::Hospital.code());
    for (username, role, area, institution) in [
        (
            "lembaga.rsud",
            Role::ReceivingInstitution,
            Some("32.09"),
            Some(rsud.id),
        ),
        ("fo.waled", Role::FrontOffice, Some("32.09.01.2008"), None),
        (
            "fo.banjarnegara",
            Role::FrontOffice,
            Some("33.04.01.2001"),
            None,
        ),
        ("admin", Role::Admin, None, None),
    ] {
        let user = users::Entity::find()
            .filter(users::Column::Username.eq(username))
            .one(&db)
            .await?
            .ok_or(format!("no account {username}"))?;
        let assignment = user_assignments::Entity::find()
            .filter(user_assignments::Column::UserId.eq(user.id))
            .one(&db)
            .await?
            .ok_or("no assignment")?;
        assert_eq!(assignment.role, role.code());
        assert_eq!(assignment.area_code.as_deref(), area);
        assert_eq!(assignment.institution_id, institution);
    }
    assert!(registry_families::Entity::find().count(&db).await? > 0);
    assert!(enrolments::Entity::find().count(&db).await? > 0);

    // Idempotent: a second run changes nothing.
    let before = households::Entity::find().count(&db).await?;
    let again = seed_demo::run_with(&db, &data_key(), &config(7, 300)).await?;
    assert_eq!(again, SeedOutcome::AlreadySeeded);
    assert_eq!(households::Entity::find().count(&db).await?, before);
    Ok(())
}

/// Every run of 16 or more digits in `text`, as all its 16-digit windows.
fn sixteen_digit_windows(text: &str) -> HashSet<String> {
    let mut out = HashSet::new();
    for run in text.split(|c: char| !c.is_ascii_digit()) {
        if run.len() >= 16 {
            for start in 0..=run.len() - 16 {
                out.insert(run[start..start + 16].to_string());
            }
        }
    }
    out
}

#[tokio::test]
async fn identity_numbers_are_valid_consistent_and_never_stored_in_clear() -> TestResult {
    let db = seeded(11, 200).await?;
    let key = data_key();
    let mut clear: HashSet<String> = HashSet::new();

    let all_members = members::Entity::find().all(&db).await?;
    let mut with_nik = 0;
    for member in &all_members {
        let (Some(sealed), Some(hash), Some(masked)) =
            (&member.nik_sealed, &member.nik_hash, &member.nik_masked)
        else {
            assert_eq!(member.registry_status, "undocumented");
            continue;
        };
        with_nik += 1;
        let number = key.open(sealed)?;
        let nik = Nik::parse(&number).map_err(|e| e.message_en())?;
        assert_eq!(nik.sex().code(), member.sex);
        assert_eq!(nik.birth_date(today()), member.birth_date);
        assert_eq!(&mask_nik(&number), masked);
        assert_eq!(&key.lookup_hash(IdKind::Nik, &number), hash);
        clear.insert(number);
    }
    assert!(with_nik > all_members.len() * 9 / 10);
    assert_eq!(clear.len(), with_nik, "every NIK is unique");

    let all_households = households::Entity::find().all(&db).await?;
    for household in &all_households {
        let number = key.open(&household.kk_sealed)?;
        NoKk::parse(&number).map_err(|e| e.message_en())?;
        assert_eq!(household.kk_masked, mask_id_number(&number));
        assert_eq!(household.kk_hash, key.lookup_hash(IdKind::NoKk, &number));
        let heads = all_members
            .iter()
            .filter(|m| m.household_id == household.id && m.relationship == 1)
            .count();
        assert_eq!(heads, 1, "one head per household");
        clear.insert(number);
    }
    // Registry records carry the same numbers, protected the same way.
    for person in registry_people::Entity::find().all(&db).await? {
        assert!(clear.contains(&key.open(&person.nik_sealed)?));
    }

    // No stored column of any table holds a clear NIK or No KK.
    let dumps = [
        format!("{:?}", households::Entity::find().all(&db).await?),
        format!("{:?}", all_members),
        format!("{:?}", registry_families::Entity::find().all(&db).await?),
        format!("{:?}", registry_people::Entity::find().all(&db).await?),
        format!("{:?}", registry_imports::Entity::find().all(&db).await?),
        format!("{:?}", enrolments::Entity::find().all(&db).await?),
        format!("{:?}", cases::Entity::find().all(&db).await?),
        format!("{:?}", complaints::Entity::find().all(&db).await?),
        format!("{:?}", case_events::Entity::find().all(&db).await?),
        format!("{:?}", referrals::Entity::find().all(&db).await?),
        format!("{:?}", referral_events::Entity::find().all(&db).await?),
        format!("{:?}", proposals::Entity::find().all(&db).await?),
        format!("{:?}", proposal_events::Entity::find().all(&db).await?),
        format!("{:?}", audit_log::Entity::find().all(&db).await?),
        format!("{:?}", users::Entity::find().all(&db).await?),
        format!("{:?}", institutions::Entity::find().all(&db).await?),
    ];
    for dump in &dumps {
        let found = sixteen_digit_windows(dump);
        assert!(
            found.is_disjoint(&clear),
            "a clear identity number is stored somewhere"
        );
    }
    Ok(())
}

/// What two runs of the same seed must agree on.
async fn fingerprint(db: &DatabaseConnection) -> Result<Vec<String>, Box<dyn std::error::Error>> {
    let mut out = Vec::new();
    for m in members::Entity::find()
        .order_by_asc(members::Column::Id)
        .all(db)
        .await?
    {
        out.push(format!(
            "m {} {:?} {} {} {} {}",
            m.household_id, m.nik_masked, m.name, m.sex, m.birth_date, m.relationship
        ));
    }
    for h in households::Entity::find()
        .order_by_asc(households::Column::Id)
        .all(db)
        .await?
    {
        out.push(format!(
            "h {} {} {} {:?} {:?} {}",
            h.kk_masked, h.head_name, h.village_code, h.registry_id, h.desil, h.details
        ));
    }
    for c in cases::Entity::find()
        .order_by_asc(cases::Column::Id)
        .all(db)
        .await?
    {
        out.push(format!(
            "c {} {} {} {} {}",
            c.number, c.state, c.level, c.opened_on, c.due_on
        ));
    }
    for r in referrals::Entity::find()
        .order_by_asc(referrals::Column::Id)
        .all(db)
        .await?
    {
        out.push(format!(
            "r {} {} {}",
            r.number, r.state, r.verification_code
        ));
    }
    for p in proposals::Entity::find()
        .order_by_asc(proposals::Column::Id)
        .all(db)
        .await?
    {
        out.push(format!("p {} {} {}", p.household_id, p.kind, p.stage));
    }
    Ok(out)
}

#[tokio::test]
async fn the_same_seed_gives_the_same_data() -> TestResult {
    let first = fingerprint(&seeded(3, 120).await?).await?;
    let second = fingerprint(&seeded(3, 120).await?).await?;
    assert!(first.len() > 500);
    assert_eq!(first, second);
    let other = fingerprint(&seeded(4, 120).await?).await?;
    assert_ne!(first, other);
    Ok(())
}

/// Load-test desks are front-desk accounts of their area and change nothing
/// else the demo generates.
#[tokio::test]
async fn desks_are_front_desk_accounts_that_leave_the_demo_as_it_is() -> TestResult {
    let plain = seeded(3, 120).await?;
    let db = database_with_areas().await?;
    let with_desks = DemoConfig {
        desks: 3,
        ..config(3, 120)
    };
    seed_demo::run_with(&db, &data_key(), &with_desks).await?;
    assert_eq!(fingerprint(&plain).await?, fingerprint(&db).await?);
    assert_eq!(
        users::Entity::find().count(&db).await?,
        users::Entity::find().count(&plain).await? + 6
    );
    for (place, area) in [("cirebon", "32.09"), ("waled", "32.09.01.2008")] {
        for desk in 1..=3 {
            let name = seed_demo::desk_username(place, desk);
            let user = users::Entity::find()
                .filter(users::Column::Username.eq(name.as_str()))
                .one(&db)
                .await?
                .ok_or(format!("no account {name}"))?;
            let assignments = user_assignments::Entity::find()
                .filter(user_assignments::Column::UserId.eq(user.id))
                .all(&db)
                .await?;
            assert_eq!(assignments.len(), 1, "{name}");
            assert_eq!(role(&Some(assignments[0].role.clone()))?, Role::FrontOffice);
            assert_eq!(assignments[0].area_code.as_deref(), Some(area), "{name}");
        }
    }
    Ok(())
}

fn scale_options(households: u64, seed: u64) -> ScaleOptions {
    ScaleOptions {
        households,
        seed,
        districts: vec!["32.09".to_string(), "33.04".to_string()],
        today: today(),
        now: config(0, 0).now,
    }
}

#[tokio::test]
async fn seed_scale_creates_exactly_the_households_asked_for() -> TestResult {
    let db = database_with_areas().await?;
    // After the demo seed, twice with the same seed: no number collides.
    seed_demo::run_with(&db, &data_key(), &config(5, 40)).await?;
    let demo = households::Entity::find().count(&db).await?;
    let report = seed_scale::run(&db, &data_key(), &scale_options(1_234, 9)).await?;
    assert_eq!(report.households, 1_234);
    assert_eq!(households::Entity::find().count(&db).await?, demo + 1_234);
    seed_scale::run(&db, &data_key(), &scale_options(321, 9)).await?;
    assert_eq!(
        households::Entity::find().count(&db).await?,
        demo + 1_234 + 321
    );

    let scale: Vec<households::Model> = households::Entity::find()
        .filter(households::Column::Id.gt(i64::try_from(demo)?))
        .all(&db)
        .await?;
    assert!(
        scale
            .iter()
            .all(|h| h.village_code.starts_with("32.09.") || h.village_code.starts_with("33.04."))
    );
    let in_registry = scale.iter().filter(|h| h.registry_id.is_some()).count();
    assert!(
        (scale.len() * 45 / 100..scale.len() * 75 / 100).contains(&in_registry),
        "{in_registry}"
    );
    assert!(report.members > report.households);
    assert!((60..250).contains(&report.cases), "{}", report.cases);
    // Bulk cases follow the case machine too.
    for case in cases::Entity::find().all(&db).await? {
        let last = case_events::Entity::find()
            .filter(case_events::Column::CaseId.eq(case.id))
            .order_by_desc(case_events::Column::Id)
            .one(&db)
            .await?
            .ok_or("a case without events")?;
        assert_eq!(last.to_state, case.state);
    }
    let numbers = cases::Entity::find().all(&db).await?;
    let unique: HashSet<&str> = numbers.iter().map(|c| c.number.as_str()).collect();
    assert_eq!(unique.len(), numbers.len());

    // Ids continue after the bulk load (PostgreSQL sequences follow explicit ids).
    let model = households::ActiveModel {
        kk_hash: Set("0".repeat(64)),
        kk_sealed: Set(String::new()),
        kk_masked: Set("************0001".to_string()),
        head_name: Set("Uji Sekuens".to_string()),
        village_code: Set("32.09.01.2008".to_string()),
        income_band: Set("below_500k".to_string()),
        details: Set("{}".to_string()),
        status: Set("active".to_string()),
        created_at: Set(Utc::now()),
        updated_at: Set(Utc::now()),
        version: Set(1),
        ..Default::default()
    };
    let inserted = households::Entity::insert(model).exec(&db).await?;
    assert!(inserted.last_insert_id > i64::try_from(demo + 1_555)? - 1);
    Ok(())
}
