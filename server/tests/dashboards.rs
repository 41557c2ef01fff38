//! Dashboards on SQLite and PostgreSQL: after a random sequence of writes
//! through the services (including refused ones), every figure read from the
//! counters equals a recount from the raw records, in every area; the
//! counters equal a full rebuild; small cells are suppressed; aggregate-only
//! roles get figures but never the records behind them.

mod common;

use std::collections::HashMap;

use chrono::{Datelike, Utc};
use common::people::{complaint, date, household_request, member, nik};
use common::{TestResult, actor, database_with_areas};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use server::entities::{cases, complaints, households, members, proposals, referrals};
use server::services::{self, dashboards};
use shared::case::{CaseAction, CloseReason};
use shared::cell_key::{RecordKind, record_key};
use shared::complaint::{Channel, ComplaintType, Sector};
use shared::contract::{Actor, ServiceError, Services};
use shared::dashboard::{CompareLevel, Figures, RESOLVE_DAYS_CAP, SCHOOL_AGE};
use shared::deadline::day_in_wib;
use shared::dto::{
    CaseFilter, CaseTransitionRequest, IssueReferral, OpenCase, ProposalTransitionRequest,
    ReferralTransitionRequest, StartProposal,
};
use shared::identity::Sex;
use shared::member::Relationship;
use shared::programme::ProgrammeKind;
use shared::proposal::{ProposalAction, ProposalSource};
use shared::referral::ReferralAction;
use shared::roles::Role;

#[path = "dashboards/attack.rs"]
mod attack;

const VILLAGES: [&str; 3] = ["32.09.01.2008", "32.09.01.2009", "32.09.02.2001"];
const AREAS: [&str; 10] = [
    "",
    "32",
    "32.09",
    "32.09.01",
    "32.09.02",
    "32.09.01.2008",
    "32.09.01.2009",
    "32.09.02.2001",
    "33",
    "33.04",
];

struct Team {
    db: DatabaseConnection,
    services: Services,
    fo: Actor,
    bo: Actor,
    coordinator: Actor,
    /// The Puskesos coordinator of each village, by village code.
    coordinators: HashMap<&'static str, Actor>,
    /// A front office of each village (its cases are handled at the village level).
    village_desks: HashMap<&'static str, Actor>,
    manager: Actor,
    hospital: Actor,
    head: Actor,
    monitor: Actor,
    programme_id: i64,
    institution_id: i64,
}

async fn team() -> Result<Team, Box<dyn std::error::Error>> {
    let db = database_with_areas().await?;
    let services = services::build(db.clone(), common::config());
    let institution_id = common::institution(&db, "RSUD Waled").await?;
    let programme_id = common::programme(&db, institution_id).await?;
    let hospital = common::institution_user(&db, &services, "rsud", institution_id).await?;
    let mut coordinators = HashMap::new();
    let mut village_desks = HashMap::new();
    for (i, village) in VILLAGES.iter().enumerate() {
        let name = format!("koordinator{i}");
        coordinators.insert(
            *village,
            actor(
                &db,
                &services,
                &name,
                Role::PuskesosCoordinator,
                Some(village),
            )
            .await?,
        );
        let name = format!("fo{i}");
        village_desks.insert(
            *village,
            actor(&db, &services, &name, Role::FrontOffice, Some(village)).await?,
        );
    }
    Ok(Team {
        coordinators,
        village_desks,
        fo: actor(&db, &services, "fo", Role::FrontOffice, Some("32.09")).await?,
        bo: actor(&db, &services, "bo", Role::BackOffice, Some("32.09")).await?,
        coordinator: actor(
            &db,
            &services,
            "koordinator",
            Role::PuskesosCoordinator,
            Some("32.09"),
        )
        .await?,
        manager: actor(&db, &services, "manajer", Role::SlrtManager, Some("32.09")).await?,
        head: actor(&db, &services, "bupati", Role::DistrictHead, Some("32.09")).await?,
        monitor: actor(&db, &services, "pemantau", Role::KemensosMonitor, None).await?,
        hospital,
        programme_id,
        institution_id,
        services,
        db,
    })
}

/// One random write; refusals are fine (they must change nothing).
async fn random_write(
    t: &Team,
    rng: &mut StdRng,
    step: u16,
) -> Result<(), Box<dyn std::error::Error>> {
    // In id order: PostgreSQL returns unordered rows in whatever order its
    // heap holds them (updated rows move), so the walk would differ by engine
    // and by run, and what it proves would depend on luck.
    let household_ids: Vec<i64> = households::Entity::find()
        .order_by_asc(households::Column::Id)
        .all(&t.db)
        .await?
        .iter()
        .map(|h| h.id)
        .collect();
    let case_rows = cases::Entity::find()
        .order_by_asc(cases::Column::Id)
        .all(&t.db)
        .await?;
    let referral_rows = referrals::Entity::find()
        .order_by_asc(referrals::Column::Id)
        .all(&t.db)
        .await?;
    let proposal_rows = proposals::Entity::find()
        .order_by_asc(proposals::Column::Id)
        .all(&t.db)
        .await?;
    let choice = if household_ids.len() < 4 {
        0
    } else {
        rng.gen_range(0..10)
    };
    let ignore = |result: Result<(), ServiceError>| match result {
        Ok(())
        | Err(ServiceError::Forbidden | ServiceError::Invalid(_) | ServiceError::Conflict) => {
            Ok(())
        }
        Err(error) => Err(Box::<dyn std::error::Error>::from(format!("{error:?}"))),
    };
    match choice {
        // Register a household, half of them found in the registry.
        0 | 1 => {
            let village = *VILLAGES.choose(rng).ok_or("no village")?;
            if rng.gen_bool(0.6) {
                common::in_registry(&t.db, step, village, rng.gen_range(1..=10)).await?;
            }
            let mut request = household_request(village, step, &format!("hh-{step}"))?;
            let child_year = rng.gen_range(2006..=2022);
            request.members.push(member(
                nik(Sex::Female, date(child_year, 2, 14)?, step)?,
                "Anak",
                Relationship::Child,
            )?);
            request.household.programmes = [
                ProgrammeKind::Pkh,
                ProgrammeKind::PbiJk,
                ProgrammeKind::KipPip,
            ]
            .into_iter()
            .filter(|_| rng.gen_bool(0.3))
            .collect();
            t.services.households.register(&t.fo, request).await?;
        }
        // Open a case with one or two complaints.
        2 => {
            let household_id = *household_ids.choose(rng).ok_or("no household")?;
            let village = households::Entity::find_by_id(household_id)
                .one(&t.db)
                .await?
                .ok_or("no household")?
                .village_code;
            let desk = match t.village_desks.get(village.as_str()) {
                Some(desk) if rng.gen_bool(0.5) => desk,
                _ => &t.fo,
            };
            let mut complaints = vec![];
            for _ in 0..rng.gen_range(1..=2) {
                let mut c = complaint(
                    *[ComplaintType::ServiceRequest, ComplaintType::Grievance]
                        .choose(rng)
                        .ok_or("no type")?,
                );
                c.sector = *[Sector::Health, Sector::Education, Sector::Food]
                    .choose(rng)
                    .ok_or("no sector")?;
                complaints.push(c);
            }
            t.services
                .cases
                .open(
                    desk,
                    OpenCase {
                        idempotency_key: format!("case-{step}"),
                        household_id,
                        channel: Channel::WalkInPuskesos,
                        complaints,
                    },
                )
                .await?;
        }
        // Move a case on (any action by anyone: many are refused).
        3..=5 if !case_rows.is_empty() => {
            let case = case_rows.choose(rng).ok_or("no case")?;
            let coordinator = match t.coordinators.get(case.village_code.as_str()) {
                Some(local) if case.level == "village" => local,
                _ => &t.manager,
            };
            let actions = [
                CaseAction::CheckRegistry,
                CaseAction::IdentifyNeeds,
                CaseAction::DecideService,
                CaseAction::StartMonitoring,
                CaseAction::Resolve,
                CaseAction::Close(CloseReason::Withdrawn),
                CaseAction::Escalate,
                CaseAction::TakeOver,
            ];
            // Mostly the step the case is waiting for, by the role that takes it.
            let natural = match case.state.as_str() {
                "registered" => Some((CaseAction::CheckRegistry, &t.fo)),
                "registry_checked" => Some((CaseAction::IdentifyNeeds, &t.bo)),
                "needs_identified" => Some((CaseAction::DecideService, coordinator)),
                "service_decided" | "referred" => Some((CaseAction::StartMonitoring, coordinator)),
                "monitoring" => Some((CaseAction::Resolve, coordinator)),
                "escalated" => Some((CaseAction::TakeOver, &t.manager)),
                _ => None,
            };
            let (action, who) = match natural {
                Some(pair) if rng.gen_bool(0.7) => pair,
                _ => (
                    *actions.choose(rng).ok_or("no action")?,
                    [&t.fo, &t.bo, coordinator, &t.manager]
                        .choose(rng)
                        .copied()
                        .ok_or("no actor")?,
                ),
            };
            let result = t
                .services
                .cases
                .transition(
                    who,
                    CaseTransitionRequest {
                        case_id: case.id,
                        version: case.version,
                        action,
                        note: "Catatan uji".into(),
                    },
                )
                .await
                .map(|_| ());
            ignore(result)?;
        }
        // Refer a case (refused unless its service is decided).
        6 if !case_rows.is_empty() => {
            let case = case_rows.choose(rng).ok_or("no case")?;
            let coordinator = match t.coordinators.get(case.village_code.as_str()) {
                Some(local) if case.level == "village" => local,
                _ => &t.manager,
            };
            let result = t
                .services
                .referrals
                .issue(
                    coordinator,
                    IssueReferral {
                        idempotency_key: format!("ref-{step}"),
                        case_id: case.id,
                        complaint_id: None,
                        member_id: None,
                        programme_id: t.programme_id,
                        institution_id: t.institution_id,
                        consent: Some(shared::referral::ConsentGiven {
                            given_by: "Darto Wiryono".into(),
                            given_on: Utc::now().date_naive(),
                            institution_id: t.institution_id,
                            programme_id: t.programme_id,
                            resident_informed: true,
                        }),
                    },
                )
                .await
                .map(|_| ());
            ignore(result)?;
        }
        // The hospital answers a referral.
        7 if !referral_rows.is_empty() => {
            let referral = referral_rows.choose(rng).ok_or("no referral")?;
            let action = *[
                ReferralAction::Accept,
                ReferralAction::StartProcessing,
                ReferralAction::Complete,
                ReferralAction::Reject,
            ]
            .choose(rng)
            .ok_or("no action")?;
            let result = t
                .services
                .referrals
                .transition(
                    &t.hospital,
                    ReferralTransitionRequest {
                        referral_id: referral.id,
                        version: referral.version,
                        action,
                        note: "Hasil layanan".into(),
                    },
                )
                .await
                .map(|_| ());
            ignore(result)?;
        }
        // Propose a family to the registry, or move a proposal on.
        8 => {
            let household_id = *household_ids.choose(rng).ok_or("no household")?;
            let result = t
                .services
                .proposals
                .start(
                    &t.bo,
                    StartProposal {
                        idempotency_key: format!("usul-{step}"),
                        household_id,
                        change: shared::proposal_change::ProposalChange::NewFamily,
                        source: ProposalSource::Visit,
                        note: "Belum terdaftar".into(),
                    },
                )
                .await
                .map(|_| ());
            ignore(result)?;
        }
        9 if !proposal_rows.is_empty() => {
            let proposal = proposal_rows.choose(rng).ok_or("no proposal")?;
            let action = *[
                ProposalAction::ApproveInVillageMeeting,
                ProposalAction::Verify,
                ProposalAction::MatchCivilRegistry,
            ]
            .choose(rng)
            .ok_or("no action")?;
            let who = [&t.bo, &t.coordinator, &t.manager]
                .choose(rng)
                .copied()
                .ok_or("no actor")?;
            let result = t
                .services
                .proposals
                .transition(
                    who,
                    ProposalTransitionRequest {
                        new_card: None,
                        proposal_id: proposal.id,
                        version: proposal.version,
                        action,
                        note: "Berita acara 12/2026".into(),
                    },
                )
                .await
                .map(|_| ());
            ignore(result)?;
        }
        _ => {}
    }
    Ok(())
}

/// The figures of an area counted straight from the records, without the counters.
async fn recount(
    db: &DatabaseConnection,
    area: &str,
    today: chrono::NaiveDate,
) -> Result<Figures, Box<dyn std::error::Error>> {
    let inside =
        |code: &str| area.is_empty() || code == area || code.starts_with(&format!("{area}."));
    let homes: Vec<households::Model> = households::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .filter(|h| h.status == "active" && inside(&h.village_code))
        .collect();
    let mut people: HashMap<i64, Vec<members::Model>> = HashMap::new();
    for m in members::Entity::find().all(db).await? {
        if m.registry_status != "deceased" && m.registry_status != "duplicate" {
            people.entry(m.household_id).or_default().push(m);
        }
    }
    let mut f = Figures::default();
    let (young, old) = (today.year() - SCHOOL_AGE.0, today.year() - SCHOOL_AGE.1);
    for h in &homes {
        let living = people.get(&h.id).map_or(&[][..], Vec::as_slice);
        let desil = h.desil.unwrap_or(0);
        let details: serde_json::Value = serde_json::from_str(&h.details)?;
        let received: Vec<String> = details["programmes"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default();
        let has = |code: &str| received.iter().any(|r| r == code);
        let home = record_key(RecordKind::Household, h.id);
        let person = |m: &members::Model| record_key(RecordKind::Member, m.id);
        f.households.add_record(home);
        for m in living {
            f.people.add_record(person(m));
        }
        if h.desil.is_some() {
            f.households_in_registry.add_record(home);
        }
        if desil == 1 || desil == 2 {
            f.poor_households.add_record(home);
        }
        if (1..=2).contains(&desil) && received.is_empty() {
            f.gap_poor_no_programme.add_record(home);
        }
        if (1..=5).contains(&desil) && !has("pbi_jk") && !has("pbi_apbd") {
            for m in living {
                f.gap_health_insurance.add_record(person(m));
            }
        }
        if (1..=4).contains(&desil) && !has("kip_pip") {
            for m in living
                .iter()
                .filter(|m| (old..=young).contains(&m.birth_date.year()))
            {
                f.gap_education_aid.add_record(person(m));
            }
        }
    }
    let all_cases: Vec<cases::Model> = cases::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .filter(|c| inside(&c.village_code))
        .collect();
    let mut days = vec![];
    for c in &all_cases {
        let case = record_key(RecordKind::Case, c.id);
        f.cases.add_record(case);
        let finished = c.state == "resolved" || c.state == "closed";
        if !finished {
            f.open_cases.add_record(case);
            if c.due_on < today {
                f.overdue_cases.add_record(case);
            }
        }
        if c.state == "closed" {
            f.closed_cases.add_record(case);
        }
        if c.state == "resolved" {
            f.resolved_cases.add_record(case);
            if c.level == "village" {
                f.resolved_locally.add_record(case);
            }
            if let Some(at) = c.closed_at {
                let d = (day_in_wib(at) - c.opened_on).num_days();
                days.push(d.clamp(0, i64::from(RESOLVE_DAYS_CAP)) as u32);
            }
        }
    }
    days.sort_unstable();
    f.median_days_to_resolve = (!days.is_empty()).then(|| days[(days.len() - 1) / 2]);
    let ids: Vec<i64> = all_cases.iter().map(|c| c.id).collect();
    for c in complaints::Entity::find()
        .filter(complaints::Column::CaseId.is_in(ids.clone()))
        .all(db)
        .await?
    {
        f.complaints
            .add_record(record_key(RecordKind::Complaint, c.id));
    }
    for r in referrals::Entity::find()
        .filter(referrals::Column::CaseId.is_in(ids))
        .all(db)
        .await?
    {
        let key = record_key(RecordKind::Referral, r.id);
        f.referrals.add_record(key);
        if r.state == "completed" {
            f.referrals_completed.add_record(key);
        }
    }
    for p in proposals::Entity::find().all(db).await? {
        if inside(&p.village_code) {
            f.proposals
                .add_record(record_key(RecordKind::Proposal, p.id));
        }
    }
    Ok(f)
}

#[tokio::test]
async fn figures_equal_a_recount_after_random_writes() -> TestResult {
    let t = team().await?;
    let mut rng = StdRng::seed_from_u64(20261123);
    for step in 1..=220 {
        random_write(&t, &mut rng, step).await?;
    }
    let today = day_in_wib(Utc::now());
    // Enough happened for the comparison to mean something.
    let nation = recount(&t.db, "", today).await?;
    assert!(nation.households.n >= 15, "{nation:?}");
    assert!(
        nation.cases.n >= 5 && nation.complaints.n > nation.cases.n,
        "{nation:?}"
    );
    assert!(
        nation.resolved_cases.n + nation.closed_cases.n > 0,
        "{nation:?}"
    );
    assert!(
        nation.referrals.n > 0 && nation.proposals.n > 0,
        "{nation:?}"
    );
    assert!(
        nation.households_in_registry.n > 0 && nation.gap_education_aid.n > 0,
        "{nation:?}"
    );
    for area in AREAS {
        let counted = dashboards::figures(&t.db, area, today).await?;
        assert_eq!(counted, recount(&t.db, area, today).await?, "area {area:?}");
    }
    // Moving a household takes its open cases' figures to the new village.
    let moved = households::Entity::find()
        .filter(households::Column::VillageCode.eq(VILLAGES[0]))
        .one(&t.db)
        .await?
        .ok_or("no household in the first village")?;
    t.services
        .households
        .life_event(
            &t.fo,
            shared::life_event::RecordLifeEvent {
                idempotency_key: "move-1".into(),
                household_id: moved.id,
                version: moved.version,
                event: shared::life_event::LifeEvent::Moved {
                    address: shared::geo::Address::parse(VILLAGES[2], "", "1", "2", "Jl. Baru 1")?,
                },
                occurred_on: date(2026, 1, 5)?,
                document: shared::complaint::EvidenceDocument::MovingLetter,
                note: "Pindah".into(),
            },
        )
        .await?;
    for area in AREAS {
        let counted = dashboards::figures(&t.db, area, today).await?;
        assert_eq!(
            counted,
            recount(&t.db, area, today).await?,
            "after the move, area {area:?}"
        );
    }
    // The counters kept write by write equal a rebuild from the records.
    assert_eq!(common::stats_drift(&t.db).await?, Vec::<String>::new());
    // The condensed per-area queries agree with each area's own dashboard.
    let district = t.services.dashboards.area(&t.monitor, "32.09").await?;
    for row in &district.children {
        let own = t
            .services
            .dashboards
            .area(&t.monitor, &row.area.code)
            .await?;
        assert_eq!(row.indicators, own.indicators, "{}", row.area.code);
    }
    let compared = t
        .services
        .dashboards
        .compare(&t.monitor, CompareLevel::District)
        .await?;
    let cirebon = compared
        .rows
        .iter()
        .find(|r| r.area.code == "32.09")
        .ok_or("no Cirebon row")?;
    assert_eq!(cirebon.indicators, district.indicators);
    assert_eq!(compared.rows.len(), 2, "both districts of the fixture");
    let provinces = t
        .services
        .dashboards
        .compare(&t.monitor, CompareLevel::Province)
        .await?;
    let nation_board = t.services.dashboards.area(&t.monitor, "").await?;
    assert_eq!(provinces.rows.len(), nation_board.children.len());
    assert!(
        provinces.inactive.iter().any(|a| a.code == "33"),
        "Jawa Tengah opened no case"
    );
    Ok(())
}

#[tokio::test]
async fn counts_carry_their_cell_key_noise_and_small_results_are_hidden() -> TestResult {
    let t = team().await?;
    for serial in 1..=3 {
        common::in_registry(&t.db, serial, VILLAGES[0], 1).await?;
        t.services
            .households
            .register(
                &t.fo,
                household_request(VILLAGES[0], serial, &format!("h{serial}"))?,
            )
            .await?;
    }
    for serial in 4..=9 {
        t.services
            .households
            .register(
                &t.fo,
                household_request(VILLAGES[1], serial, &format!("h{serial}"))?,
            )
            .await?;
    }
    let noise = common::config().key.noise();
    let today = day_in_wib(Utc::now());
    // Every published count is its exact count with the noise of its own
    // records; the exact counts are what was registered.
    for (area, households) in [(VILLAGES[0], 3), (VILLAGES[1], 6), ("32.09.01", 9)] {
        let exact = dashboards::figures(&t.db, area, today).await?;
        assert_eq!(exact.households.n, households, "{area}");
        let board = t.services.dashboards.area(&t.head, area).await?;
        assert_eq!(board.indicators, exact.published(&noise), "{area}");
        let shown = board.indicators.households;
        assert!(
            shown.is_none() || shown.is_some_and(|n| n >= 5),
            "never 1 to 4, never 0 for {households} households: {shown:?}"
        );
    }
    // Nothing there, nothing shown: zero stays zero.
    let empty = t.services.dashboards.area(&t.head, VILLAGES[2]).await?;
    assert_eq!(empty.indicators.households, Some(0));
    assert_eq!(empty.indicators.cases, Some(0));
    // The same records give the same numbers at every level: the district,
    // its province and the nation hold only the sub-district's households, so
    // averaging them over the levels learns nothing.
    let subdistrict = t.services.dashboards.area(&t.monitor, "32.09.01").await?;
    for area in ["32.09", "32", ""] {
        let above = t.services.dashboards.area(&t.monitor, area).await?;
        assert_eq!(above.indicators, subdistrict.indicators, "{area:?}");
        assert_eq!(
            above.households_by_desil, subdistrict.households_by_desil,
            "{area:?}"
        );
    }
    // A village row in its sub-district's table is the village's own figure.
    let row = subdistrict
        .children
        .iter()
        .find(|r| r.area.code == VILLAGES[0])
        .ok_or("no village row")?;
    let village = t.services.dashboards.area(&t.monitor, VILLAGES[0]).await?;
    assert_eq!(row.indicators, village.indicators);
    // A share is taken from the published part and whole only.
    if let (Some(share), Some(part), Some(whole)) = (
        subdistrict.indicators.registry_coverage_per_mille,
        subdistrict.indicators.households_in_registry,
        subdistrict.indicators.households,
    ) {
        assert_eq!(
            u64::from(share),
            (part.min(whole) * 1000 + whole / 2) / whole
        );
    }
    Ok(())
}

#[tokio::test]
async fn aggregate_only_roles_get_figures_but_no_records() -> TestResult {
    let t = team().await?;
    let household = t
        .services
        .households
        .register(&t.fo, household_request(VILLAGES[0], 1, "h1")?)
        .await?;
    let case = t
        .services
        .cases
        .open(
            &t.fo,
            OpenCase {
                idempotency_key: "c1".into(),
                household_id: household.id,
                channel: Channel::WalkInPuskesos,
                complaints: vec![complaint(ComplaintType::ServiceRequest)],
            },
        )
        .await?;
    let board = t.services.dashboards.area(&t.head, "32.09").await?;
    assert!(!board.may_drill_to_records);
    assert!(
        t.services
            .dashboards
            .area(&t.manager, "32.09")
            .await?
            .may_drill_to_records
    );
    // The head's drill-through to the people behind the figures is refused.
    assert_eq!(
        t.services
            .households
            .file(&t.head, household.id)
            .await
            .err(),
        Some(ServiceError::Forbidden)
    );
    assert_eq!(
        t.services.cases.detail(&t.head, case.id).await.err(),
        Some(ServiceError::Forbidden)
    );
    assert_eq!(
        t.services
            .cases
            .list(&t.head, CaseFilter::default())
            .await
            .err(),
        Some(ServiceError::Forbidden)
    );
    assert_eq!(
        t.services
            .cases
            .list(&t.monitor, CaseFilter::default())
            .await
            .err(),
        Some(ServiceError::Forbidden)
    );
    // Figures stay inside one's area; institutions get none.
    assert_eq!(
        t.services.dashboards.area(&t.head, "33.04").await.err(),
        Some(ServiceError::Forbidden)
    );
    assert_eq!(
        t.services.dashboards.area(&t.head, "32").await.err(),
        Some(ServiceError::Forbidden)
    );
    assert_eq!(board.parent, None, "the province is not the head's to see");
    assert_eq!(
        t.services.dashboards.area(&t.hospital, "32.09").await.err(),
        Some(ServiceError::Forbidden)
    );
    assert!(matches!(
        t.services.dashboards.area(&t.head, "32.9x").await.err(),
        Some(ServiceError::Invalid(_))
    ));
    // Comparing districts is for national and provincial users.
    assert!(
        t.services
            .dashboards
            .compare(&t.head, CompareLevel::District)
            .await
            .is_err()
    );
    let national = t
        .services
        .dashboards
        .compare(&t.monitor, CompareLevel::District)
        .await?;
    assert_eq!(national.rows.len(), 2);
    Ok(())
}

/// The differencing attacks (a table's total minus its parts, the headline
/// figures against the tables, a parent minus its other children, a share
/// times its whole, each result chained into the next) on every dashboard a
/// national monitor may open, after random writes. Without the noise the
/// same attacks work out every hidden count they reach; with it they do no
/// better than a blind guess of the most common small count.
#[tokio::test]
async fn differencing_attacks_recover_no_hidden_count() -> TestResult {
    let (mut reached, mut right, mut blind) = (0, 0, 0);
    let (mut plain_reached, mut plain_right) = (0, 0);
    for seed in [7_u64, 31, 4242, 20261206] {
        let t = team().await?;
        let mut rng = StdRng::seed_from_u64(seed);
        for step in 1..=160 {
            random_write(&t, &mut rng, step).await?;
        }
        let mut reading = attack::Reading::default();
        for area in AREAS {
            reading.area(&t.db, &t.services, &t.monitor, area).await?;
        }
        let found = reading.attack();
        let (r, ok) = reading.score(&found);
        reached += r;
        right += ok;
        blind += reading.best_blind_guess(&found);
        let plain = reading.without_noise();
        let (r, ok) = plain.score(&plain.attack());
        plain_reached += r;
        plain_right += ok;
    }
    println!(
        "without noise: {plain_right} of {plain_reached} hidden counts worked out; \
         with noise: {right} of {reached} (a blind guess: {blind})"
    );
    assert!(
        plain_reached >= 30 && plain_right == plain_reached,
        "the attacks reach hidden counts and work them out when nothing is perturbed: \
         {plain_right} of {plain_reached}"
    );
    assert!(reached >= 30, "the attacks reach hidden counts: {reached}");
    assert!(
        right * 10 <= blind * 10 + reached,
        "with the noise the attacks get {right} of {reached} right, a blind guess {blind}"
    );
    Ok(())
}
