//! A family's life events on SQLite and PostgreSQL, each one write: a birth,
//! a member joining, a death of the head with the new head, a move out, a
//! change of head, a pecah KK that takes its members and their open case to a
//! new household, and a move of the whole family to another district.
//! Stale versions conflict, resends record nothing twice, and a family in the
//! registry gets the matching proposal of flow B, proposed and not sent.

mod common;

use chrono::Utc;
use common::people::{date, household_request, member, nik};
use common::{TestResult, actor, audit_rows, database_with_areas};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use server::entities::{cases, household_events, households, members, proposals};
use server::services;
use shared::DomainError;
use shared::case::{CaseAction, CaseState, CloseReason};
use shared::complaint::EvidenceDocument;
use shared::contract::{Actor, ServiceError, Services};
use shared::dto::{HouseholdFile, IdentityQuery, NewCard, TimelineWhat};
use shared::geo::Address;
use shared::household::HouseholdEventKind;
use shared::identity::{NoKk, Sex};
use shared::life_event::{LifeEvent, RecordLifeEvent};
use shared::member::{MemberRegistryStatus, Relationship};
use shared::proposal::{ProposalSource, ProposalStage};
use shared::proposal_change::{ChangeProblem, JoinReason, LeaveReason, ProposalChange};
use shared::roles::Role;

const WALED_DESA: &str = "32.09.01.2008";
/// A village of another district (Kabupaten Klaten, Jawa Tengah).
const SUSUKAN: &str = "33.04.01.2001";

struct Family {
    db: DatabaseConnection,
    services: Services,
    fo: Actor,
    coordinator: Actor,
    id: i64,
}

/// Darto (head), Sumiati (spouse), Rina (daughter, 20) and Budi (son, 10),
/// in the registry when `in_registry`.
async fn family(serial: u16, in_registry: bool) -> Result<Family, Box<dyn std::error::Error>> {
    let db = database_with_areas().await?;
    let services = services::build(db.clone(), common::config());
    let fo = actor(&db, &services, "fo", Role::FrontOffice, Some(WALED_DESA)).await?;
    let coordinator = actor(
        &db,
        &services,
        "koordinator",
        Role::PuskesosCoordinator,
        Some(WALED_DESA),
    )
    .await?;
    if in_registry {
        common::in_registry(&db, serial, WALED_DESA, 2).await?;
    }
    let mut request = household_request(WALED_DESA, serial, &format!("h{serial}"))?;
    let mut rina = member(
        nik(Sex::Female, date(2006, 3, 9)?, serial)?,
        "Rina",
        Relationship::Child,
    )?;
    rina.marital_status = shared::member::MaritalStatus::NeverMarried;
    let mut budi = member(
        nik(Sex::Male, date(2016, 7, 1)?, serial)?,
        "Budi",
        Relationship::Child,
    )?;
    budi.marital_status = shared::member::MaritalStatus::NeverMarried;
    request.members.push(rina);
    request.members.push(budi);
    let id = services.households.register(&fo, request).await?.id;
    Ok(Family {
        db,
        services,
        fo,
        coordinator,
        id,
    })
}

impl Family {
    async fn file(&self, who: &Actor) -> Result<HouseholdFile, ServiceError> {
        self.services.households.file(who, self.id).await
    }

    async fn member_id(&self, name: &str) -> Result<i64, Box<dyn std::error::Error>> {
        Ok(self
            .file(&self.fo)
            .await?
            .members
            .iter()
            .find(|m| m.member.name == name)
            .ok_or_else(|| format!("no member {name}"))?
            .id)
    }

    /// Records `event` as the front desk, with the file's current version.
    async fn record(&self, key: &str, event: LifeEvent) -> Result<i64, ServiceError> {
        let version = self.file(&self.fo).await?.version;
        self.services
            .households
            .life_event(&self.fo, request(key, self.id, version, event))
            .await
            .map(|created| created.id)
    }

    async fn status(&self, name: &str) -> Result<MemberRegistryStatus, Box<dyn std::error::Error>> {
        let row = members::Entity::find()
            .filter(members::Column::Name.eq(name))
            .one(&self.db)
            .await?
            .ok_or("no member")?;
        Ok(
            <MemberRegistryStatus as shared::Coded>::from_code(&row.registry_status)
                .ok_or("bad status")?,
        )
    }

    /// An open case of the family, with a referral for `member_id` when given.
    async fn case_for(
        &self,
        key: &str,
        member_id: Option<i64>,
    ) -> Result<i64, Box<dyn std::error::Error>> {
        let desk = common::casework::Desk {
            db: &self.db,
            services: &self.services,
            fo: &self.fo,
            coordinator: &self.coordinator,
            village: WALED_DESA,
        };
        desk.case_for(self.id, key, member_id).await
    }

    async fn step(
        &self,
        who: &Actor,
        case_id: i64,
        action: CaseAction,
    ) -> Result<(), ServiceError> {
        common::casework::step(&self.services, who, case_id, action).await
    }
}

fn request(key: &str, household_id: i64, version: i32, event: LifeEvent) -> RecordLifeEvent {
    RecordLifeEvent {
        idempotency_key: key.into(),
        household_id,
        version,
        event,
        occurred_on: Utc::now().date_naive(),
        document: EvidenceDocument::Kk,
        note: String::new(),
    }
}

fn refused(result: Result<i64, ServiceError>) -> Option<ChangeProblem> {
    match result {
        Err(ServiceError::Invalid(DomainError::Invalid { errors })) => {
            errors.into_iter().find_map(|e| match e.error {
                DomainError::ProposalChange { problem } => Some(problem),
                _ => None,
            })
        }
        Err(ServiceError::Invalid(DomainError::ProposalChange { problem })) => Some(problem),
        _ => None,
    }
}

fn newborn(name: &str) -> Result<shared::member::Member, Box<dyn std::error::Error>> {
    let today = Utc::now().date_naive();
    let mut baby = member(nik(Sex::Female, today, 99)?, name, Relationship::Grandchild)?;
    baby.nik = None;
    baby.registry_status = MemberRegistryStatus::Undocumented;
    baby.marital_status = shared::member::MaritalStatus::NeverMarried;
    baby.education = shared::member::Education::NoSchooling;
    baby.birth_date = today;
    baby.civil_registry_matched = false;
    Ok(baby)
}

#[tokio::test]
async fn births_deaths_moves_out_and_heads_are_recorded_in_one_write_each() -> TestResult {
    let f = family(41, true).await?;
    let before = f.file(&f.fo).await?;

    // A birth: the baby joins, undocumented, and the registry is asked for it.
    let birth = LifeEvent::MemberJoins {
        member: newborn("Putri")?,
        reason: JoinReason::Birth,
    };
    assert_eq!(f.record("birth", birth.clone()).await?, f.id);
    let after = f.file(&f.fo).await?;
    assert_eq!(after.members.len(), before.members.len() + 1);
    assert!(after.version > before.version);
    // The same form sent again (the answer was lost) records nothing twice.
    let again = f
        .services
        .households
        .life_event(&f.fo, request("birth", f.id, before.version, birth.clone()))
        .await?;
    assert_eq!(again.id, f.id);
    assert_eq!(f.file(&f.fo).await?.members.len(), after.members.len());
    // Another desk's form, opened before the birth, conflicts: nothing written.
    let stale = f
        .services
        .households
        .life_event(&f.fo, request("twin", f.id, before.version, birth))
        .await;
    assert_eq!(stale.err(), Some(ServiceError::Conflict));
    assert_eq!(f.file(&f.fo).await?.members.len(), after.members.len());

    // Someone joining with the NIK of a living member of a family is refused.
    let mut copy = member(
        nik(Sex::Female, date(2006, 3, 9)?, 41)?,
        "Rina Lain",
        Relationship::Other,
    )?;
    copy.marital_status = shared::member::MaritalStatus::NeverMarried;
    let joined = f
        .record(
            "join",
            LifeEvent::MemberJoins {
                member: copy,
                reason: JoinReason::Joined,
            },
        )
        .await;
    assert_eq!(joined.err(), Some(ServiceError::DuplicateNik));

    // The head dies: not without a new head; with one, the family is headed by her.
    let darto = f.member_id("Darto Wiryono").await?;
    let sumiati = f.member_id("Sumiati").await?;
    let headless = LifeEvent::MemberLeaves {
        member_id: darto,
        reason: LeaveReason::Died,
        new_head: None,
    };
    assert_eq!(
        refused(f.record("death-0", headless).await),
        Some(ChangeProblem::NewHeadNeeded)
    );
    let death = LifeEvent::MemberLeaves {
        member_id: darto,
        reason: LeaveReason::Died,
        new_head: Some(sumiati),
    };
    f.record("death", death).await?;
    let file = f.file(&f.fo).await?;
    assert_eq!(file.head_name, "Sumiati");
    assert_eq!(
        f.status("Darto Wiryono").await?,
        MemberRegistryStatus::Deceased
    );
    let heads: Vec<&str> = file
        .members
        .iter()
        .filter(|m| {
            m.member.relationship == Relationship::Head
                && m.member.registry_status.counts_in_family()
        })
        .map(|m| m.member.name.as_str())
        .collect();
    assert_eq!(heads, ["Sumiati"]);

    // Budi moves out: kept for his history, no longer counted, his NIK free
    // for the family he joins.
    let budi = f.member_id("Budi").await?;
    f.record(
        "out",
        LifeEvent::MemberLeaves {
            member_id: budi,
            reason: LeaveReason::MovedOut,
            new_head: None,
        },
    )
    .await?;
    assert_eq!(f.status("Budi").await?, MemberRegistryStatus::MovedOut);
    let mut uncle = household_request(WALED_DESA, 42, "h42")?;
    let mut budi_again = member(
        nik(Sex::Male, date(2016, 7, 1)?, 41)?,
        "Budi",
        Relationship::Child,
    )?;
    budi_again.marital_status = shared::member::MaritalStatus::NeverMarried;
    uncle.members.push(budi_again);
    f.services.households.register(&f.fo, uncle).await?;

    // A change of head: Rina heads the family, her mother becomes her parent.
    let rina = f.member_id("Rina").await?;
    f.record(
        "head",
        LifeEvent::HeadChanged {
            member_id: rina,
            former_head_relationship: Relationship::ParentOrInLaw,
        },
    )
    .await?;
    let file = f.file(&f.fo).await?;
    assert_eq!(file.head_name, "Rina");
    let relationship = |name: &str| {
        file.members
            .iter()
            .find(|m| m.member.name == name)
            .map(|m| m.member.relationship)
    };
    assert_eq!(relationship("Rina"), Some(Relationship::Head));
    assert_eq!(relationship("Sumiati"), Some(Relationship::ParentOrInLaw));

    // The timeline holds the four events and the four proposals, newest first.
    let events: Vec<HouseholdEventKind> = file
        .timeline
        .iter()
        .filter_map(|item| match &item.what {
            TimelineWhat::Event(kind) => Some(*kind),
            _ => None,
        })
        .collect();
    assert_eq!(events.len(), 4, "{:?}", file.timeline);
    for kind in [
        HouseholdEventKind::MemberBorn,
        HouseholdEventKind::MemberDied,
        HouseholdEventKind::MemberMovedOut,
        HouseholdEventKind::HeadChanged,
    ] {
        assert!(events.contains(&kind), "{kind:?} in {events:?}");
    }
    assert!(file.timeline.windows(2).all(|w| w[0].date >= w[1].date));
    assert!(file.timeline.iter().any(|item| item.text.contains("Putri")));
    // Each opened the matching registry proposal, proposed and not sent.
    let opened = proposals::Entity::find()
        .filter(proposals::Column::HouseholdId.eq(f.id))
        .all(&f.db)
        .await?;
    assert_eq!(opened.len(), 4);
    assert!(
        opened
            .iter()
            .all(|p| p.source == ProposalSource::HouseholdEvent.code()
                && p.stage == ProposalStage::Proposed.code()
                && p.batch_id.is_none())
    );
    let changes: Vec<ProposalChange> = opened
        .iter()
        .filter_map(|p| {
            p.change
                .as_deref()
                .and_then(|c| serde_json::from_str(c).ok())
        })
        .collect();
    assert!(changes.iter().any(|c| matches!(c, ProposalChange::AddMember { name, reason: JoinReason::Birth, .. } if name == "Putri")));
    assert!(changes.iter().any(|c| matches!(c, ProposalChange::RemoveMember { member_id, reason: LeaveReason::Died, .. } if *member_id == darto)));
    assert!(changes.iter().any(|c| matches!(c, ProposalChange::RemoveMember { member_id, reason: LeaveReason::MovedOut, .. } if *member_id == budi)));
    assert!(
        changes
            .iter()
            .any(|c| matches!(c, ProposalChange::ChangeHead { member_id } if *member_id == rina))
    );
    assert_eq!(audit_rows(&f.db, "life_event", "ok").await?.len(), 4);
    assert_eq!(common::stats_drift(&f.db).await?, Vec::<String>::new());
    Ok(())
}

#[tokio::test]
async fn a_family_outside_the_registry_records_its_events_without_proposals() -> TestResult {
    let f = family(43, false).await?;
    f.record(
        "birth",
        LifeEvent::MemberJoins {
            member: newborn("Dewi")?,
            reason: JoinReason::Birth,
        },
    )
    .await?;
    assert!(proposals::Entity::find().all(&f.db).await?.is_empty());
    // A supervisor reads the file but records nothing on it.
    let supervisor = actor(
        &f.db,
        &f.services,
        "supervisor",
        Role::Supervisor,
        Some("32.09"),
    )
    .await?;
    let version = f.file(&f.fo).await?.version;
    let refused = f
        .services
        .households
        .life_event(
            &supervisor,
            request(
                "sv",
                f.id,
                version,
                LifeEvent::MemberJoins {
                    member: newborn("Dewi")?,
                    reason: JoinReason::Birth,
                },
            ),
        )
        .await;
    assert_eq!(refused.err(), Some(ServiceError::Forbidden));
    Ok(())
}

#[tokio::test]
async fn a_pecah_kk_takes_its_members_with_their_history_and_open_case() -> TestResult {
    let f = family(44, false).await?;
    let rina = f.member_id("Rina").await?;
    let budi = f.member_id("Budi").await?;
    // Rina's case (a referral for her) follows her; the family's own case stays.
    let hers = f.case_for("rina", Some(rina)).await?;
    let family_case = f.case_for("family", None).await?;
    let card = NewCard {
        no_kk: NoKk::parse("3209011207260044")?,
        head_id: rina,
    };
    // The head of the new card must be among those who go.
    let wrong = f
        .record(
            "split-0",
            LifeEvent::Split {
                member_ids: vec![budi],
                card: card.clone(),
            },
        )
        .await;
    assert_eq!(refused(wrong), Some(ChangeProblem::NewHeadNotMoving));
    // The old card's number is refused.
    let same = f
        .record(
            "split-1",
            LifeEvent::Split {
                member_ids: vec![rina],
                card: NewCard {
                    no_kk: common::people::no_kk(44)?,
                    head_id: rina,
                },
            },
        )
        .await;
    assert_eq!(same.err(), Some(ServiceError::DuplicateNoKk));
    f.record(
        "split",
        LifeEvent::Split {
            member_ids: vec![rina],
            card,
        },
    )
    .await?;
    let new = households::Entity::find()
        .filter(households::Column::HeadName.eq("Rina"))
        .one(&f.db)
        .await?
        .ok_or("no new household")?;
    assert_ne!(new.id, f.id);
    // The same member row (her NIK, her referral) now in the new household, as its head.
    let row = members::Entity::find_by_id(rina)
        .one(&f.db)
        .await?
        .ok_or("gone")?;
    assert_eq!(row.household_id, new.id);
    assert_eq!(row.relationship, i16::from(Relationship::Head.number()));
    let found = f
        .services
        .households
        .lookup(
            &f.fo,
            IdentityQuery::Nik(nik(Sex::Female, date(2006, 3, 9)?, 44)?),
        )
        .await?;
    assert_eq!(
        found.households.iter().map(|h| h.id).collect::<Vec<_>>(),
        [new.id]
    );
    let case_household = |id: i64| {
        let db = f.db.clone();
        async move {
            cases::Entity::find_by_id(id)
                .one(&db)
                .await
                .map(|c| c.map(|c| c.household_id))
        }
    };
    assert_eq!(case_household(hers).await?, Some(new.id));
    assert_eq!(case_household(family_case).await?, Some(f.id));
    let new_file = f.services.households.file(&f.fo, new.id).await?;
    assert_eq!(
        new_file.cases.iter().map(|c| c.id).collect::<Vec<_>>(),
        [hers]
    );
    assert!(
        new_file
            .timeline
            .iter()
            .any(|i| i.what == TimelineWhat::Event(HouseholdEventKind::SplitFamilyCard))
    );
    let old_file = f.file(&f.fo).await?;
    assert_eq!(old_file.members.len(), 3);
    assert!(
        old_file
            .timeline
            .iter()
            .any(|i| i.what == TimelineWhat::Event(HouseholdEventKind::SplitFamilyCard))
    );
    assert_eq!(
        household_events::Entity::find().all(&f.db).await?.len(),
        2,
        "one event on each card"
    );
    assert_eq!(common::stats_drift(&f.db).await?, Vec::<String>::new());
    Ok(())
}

#[tokio::test]
async fn a_move_to_another_district_hands_the_file_over() -> TestResult {
    let f = family(45, true).await?;
    let open = f.case_for("open", None).await?;
    let closed = f.case_for("closed", None).await?;
    f.step(
        &f.coordinator,
        closed,
        CaseAction::Close(CloseReason::Withdrawn),
    )
    .await?;
    let klaten = actor(
        &f.db,
        &f.services,
        "fo.susukan",
        Role::FrontOffice,
        Some(SUSUKAN),
    )
    .await?;
    // A village that does not exist is refused, naming the field.
    let nowhere = f
        .record(
            "move-0",
            LifeEvent::Moved {
                address: Address::parse("33.04.01.2999", "", "", "", "")?,
            },
        )
        .await;
    assert!(
        matches!(&nowhere, Err(ServiceError::Invalid(DomainError::Invalid { errors })) if errors[0].field == "village"),
        "{nowhere:?}"
    );
    let mut moving = request(
        "move",
        f.id,
        f.file(&f.fo).await?.version,
        LifeEvent::Moved {
            address: Address::parse(SUSUKAN, "Krajan", "2", "4", "Jl. Pasar 7")?,
        },
    );
    moving.document = EvidenceDocument::MovingLetter;
    moving.note = "Ikut anak ke Klaten".into();
    f.services.households.life_event(&f.fo, moving).await?;
    // The file is the new district's now; the old desk no longer opens it.
    assert_eq!(f.file(&f.fo).await.err(), Some(ServiceError::Forbidden));
    let file = f.file(&klaten).await?;
    assert_eq!(file.address.village.as_str(), SUSUKAN);
    assert_eq!(file.address.street.as_deref(), Some("Jl. Pasar 7"));
    let note = file
        .timeline
        .iter()
        .find(|i| i.what == TimelineWhat::Event(HouseholdEventKind::Moved))
        .map(|i| i.text.clone())
        .unwrap_or_default();
    assert!(
        note.contains("Antar provinsi") && note.contains("Ikut anak ke Klaten"),
        "{note}"
    );
    // The open case went with the family; the closed one stays readable by
    // the staff who worked on it.
    let case_village = |id: i64| {
        let db = f.db.clone();
        async move {
            cases::Entity::find_by_id(id)
                .one(&db)
                .await
                .map(|c| c.map(|c| c.village_code))
        }
    };
    assert_eq!(case_village(open).await?.as_deref(), Some(SUSUKAN));
    assert_eq!(case_village(closed).await?.as_deref(), Some(WALED_DESA));
    let detail = f.services.cases.detail(&f.coordinator, closed).await?;
    assert_eq!(detail.summary.status.state, CaseState::Closed);
    assert_eq!(
        f.services.cases.detail(&f.coordinator, open).await.err(),
        Some(ServiceError::Forbidden)
    );
    f.services.cases.detail(&klaten, open).await?;
    // The registry is asked for the new address, in the new village.
    let proposal = proposals::Entity::find()
        .filter(proposals::Column::HouseholdId.eq(f.id))
        .one(&f.db)
        .await?
        .ok_or("no proposal")?;
    assert_eq!(proposal.village_code, SUSUKAN);
    assert_eq!(common::stats_drift(&f.db).await?, Vec::<String>::new());
    Ok(())
}
