//! Flow B's last steps on SQLite and PostgreSQL: padan Dukcapil per member,
//! the district's approval of a batch, its sending with the submission file
//! (whole numbers, one row per living person, kept sealed), the file read back
//! as a registry release that enacts the proposal, and the change applied to
//! the household when a proposal is enacted; every refusal by role, area,
//! stage and input.

mod common;

use common::people::{household_request, member, nik};
use common::{TestResult, actor, audit_rows, database_with_areas};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use server::entities::{households, members, proposal_batches, proposals};
use server::registry_import::{self, ImportOptions};
use server::services;
use shared::DomainError;
use shared::contract::{Actor, ServiceError, Services};
use shared::dto::{NewCard, ProposalRow, ProposalTransitionRequest, StartProposal};
use shared::identity::Sex;
use shared::member::{MemberRegistryStatus, Relationship};
use shared::proposal::{ProposalAction, ProposalSource, ProposalStage};
use shared::proposal_batch::{
    BatchProblem, BatchRow, BatchState, MatchOutcome, MemberMatch, RatifyBatch, RecordMatch,
    SUBMISSION_COLUMNS, SubmitBatch,
};
use shared::proposal_change::{ChangeProblem, CorrectedField, LeaveReason, ProposalChange};
use shared::roles::Role;

const WALED_DESA: &str = "32.09.01.2008";
const GUMELEM: &str = "33.04.01.2001";

struct Desk {
    services: Services,
    db: sea_orm::DatabaseConnection,
    fo: Actor,
    facilitator: Actor,
    bo: Actor,
    manager: Actor,
    /// A manager of another district (Banjarnegara).
    stranger: Actor,
    /// Staff of Banjarnegara who register and carry its proposals.
    far_fo: Actor,
    far_facilitator: Actor,
    far_bo: Actor,
}

async fn desk() -> Result<Desk, Box<dyn std::error::Error>> {
    common::show_server_log();
    let db = database_with_areas().await?;
    let services = services::build(db.clone(), common::config());
    Ok(Desk {
        fo: actor(&db, &services, "fo", Role::FrontOffice, Some(WALED_DESA)).await?,
        facilitator: actor(&db, &services, "fas", Role::Facilitator, Some("32.09.01")).await?,
        bo: actor(&db, &services, "bo", Role::BackOffice, Some("32.09")).await?,
        manager: actor(&db, &services, "manajer", Role::SlrtManager, Some("32.09")).await?,
        stranger: actor(&db, &services, "lain", Role::SlrtManager, Some("33.04")).await?,
        far_fo: actor(&db, &services, "fo2", Role::FrontOffice, Some(GUMELEM)).await?,
        far_facilitator: actor(&db, &services, "fas2", Role::Facilitator, Some("33.04")).await?,
        far_bo: actor(&db, &services, "bo2", Role::BackOffice, Some("33.04")).await?,
        services,
        db,
    })
}

/// A household registered in `village` with a head, a spouse and a child
/// without NIK; its id.
async fn family(
    desk: &Desk,
    registrar: &Actor,
    village: &str,
    serial: u16,
) -> Result<i64, Box<dyn std::error::Error>> {
    let mut request = household_request(village, serial, &format!("hh-{serial}"))?;
    let mut child = member(
        nik(Sex::Female, common::people::date(2019, 5, 17)?, serial)?,
        "Ayu Lestari",
        Relationship::Child,
    )?;
    child.nik = None;
    child.civil_registry_matched = false;
    child.registry_status = MemberRegistryStatus::Undocumented;
    request.members.push(child);
    Ok(desk
        .services
        .households
        .register(registrar, request)
        .await?
        .id)
}

/// Starts a proposal of `change` for `household_id` and takes it through the
/// village meeting and the home visit (by `facilitator`).
async fn verified(
    desk: &Desk,
    facilitator: &Actor,
    household_id: i64,
    change: ProposalChange,
) -> Result<i64, Box<dyn std::error::Error>> {
    let proposals = &desk.services.proposals;
    let id = proposals
        .start(
            facilitator,
            StartProposal {
                idempotency_key: format!("p-{household_id}-{:?}", change.change_type()),
                household_id,
                change,
                source: ProposalSource::Visit,
                note: "Ditemukan saat kunjungan".into(),
            },
        )
        .await?
        .id;
    for (version, action) in [
        (1, ProposalAction::ApproveInVillageMeeting),
        (2, ProposalAction::Verify),
    ] {
        proposals
            .transition(
                facilitator,
                ProposalTransitionRequest {
                    new_card: None,
                    proposal_id: id,
                    version,
                    action,
                    note: "BA 7/2026".into(),
                },
            )
            .await?;
    }
    Ok(id)
}

/// A new family of Waled Desa (No KK serial `serial`) proposed and verified; its proposal.
async fn new_family_verified(desk: &Desk, serial: u16) -> Result<i64, Box<dyn std::error::Error>> {
    let household = family(desk, &desk.fo, WALED_DESA, serial).await?;
    verified(
        desk,
        &desk.facilitator,
        household,
        ProposalChange::NewFamily,
    )
    .await
}

/// Sends batch `batch_id` (first version) as the district's manager.
async fn send(desk: &Desk, batch_id: i64) -> Result<BatchRow, ServiceError> {
    desk.services
        .batches
        .submit(
            &desk.manager,
            SubmitBatch {
                batch_id,
                version: 1,
            },
        )
        .await
}

/// Every living member's answer: matched with a NIK, no NIK without one.
async fn answers(
    desk: &Desk,
    who: &Actor,
    id: i64,
) -> Result<(i32, Vec<MemberMatch>), Box<dyn std::error::Error>> {
    let file = desk.services.proposals.file(who, id).await?;
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
    Ok((file.proposal.version, members))
}

async fn matched(
    desk: &Desk,
    who: &Actor,
    id: i64,
) -> Result<ProposalRow, Box<dyn std::error::Error>> {
    let (version, members) = answers(desk, who, id).await?;
    Ok(desk
        .services
        .proposals
        .record_match(
            who,
            RecordMatch {
                proposal_id: id,
                version,
                members,
                note: "Surat Disdukcapil 470/88".into(),
            },
        )
        .await?)
}

async fn ratify(desk: &Desk, key: &str, ids: Vec<i64>) -> Result<i64, ServiceError> {
    Ok(desk
        .services
        .batches
        .ratify(
            &desk.manager,
            RatifyBatch {
                idempotency_key: key.into(),
                proposal_ids: ids,
                decree: "SK Bupati 400.9/55/2026".into(),
            },
        )
        .await?
        .id)
}

async fn stage(desk: &Desk, id: i64) -> Result<String, Box<dyn std::error::Error>> {
    Ok(proposals::Entity::find_by_id(id)
        .one(&desk.db)
        .await?
        .ok_or("no proposal")?
        .stage)
}

fn problem<T: std::fmt::Debug>(result: Result<T, ServiceError>) -> Option<BatchProblem> {
    match result {
        Err(ServiceError::Invalid(DomainError::Batch { problem })) => Some(problem),
        other => panic!("not a batch refusal: {other:?}"),
    }
}

#[tokio::test]
async fn the_match_answers_every_living_member_by_the_right_people() -> TestResult {
    let desk = desk().await?;
    let id = new_family_verified(&desk, 1).await?;
    let (version, full) = answers(&desk, &desk.bo, id).await?;
    assert_eq!(full.len(), 3, "head, spouse and the child without NIK");
    let record = |who: Actor, members: Vec<MemberMatch>| {
        let services = desk.services.proposals.clone();
        async move {
            services
                .record_match(
                    &who,
                    RecordMatch {
                        proposal_id: id,
                        version,
                        members,
                        note: String::new(),
                    },
                )
                .await
        }
    };
    // One member left out; the child without NIK "matched"; a NIK holder "no NIK".
    assert_eq!(
        problem(record(desk.bo.clone(), full[..2].to_vec()).await),
        Some(BatchProblem::MatchIncomplete)
    );
    let mut wrong = full.clone();
    wrong[2].outcome = MatchOutcome::Matched;
    assert_eq!(
        problem(record(desk.bo.clone(), wrong).await),
        Some(BatchProblem::MatchNeedsNik)
    );
    let mut wrong = full.clone();
    wrong[0].outcome = MatchOutcome::NoNik;
    assert_eq!(
        problem(record(desk.bo.clone(), wrong).await),
        Some(BatchProblem::MatchHasNik)
    );
    // The front office does not match; nor does another district's back office.
    assert!(matches!(
        record(desk.fo.clone(), full.clone()).await,
        Err(ServiceError::Forbidden)
    ));
    assert!(matches!(
        record(desk.far_bo.clone(), full.clone()).await,
        Err(ServiceError::Forbidden)
    ));
    assert_eq!(stage(&desk, id).await?, "verified", "nothing changed");
    let denied = server::entities::audit_log::Entity::find()
        .filter(server::entities::audit_log::Column::Outcome.eq("refused"))
        .all(&desk.db)
        .await?;
    assert_eq!(denied.len(), 2, "both refusals audited: {denied:?}");

    let mut mixed = full.clone();
    mixed[1].outcome = MatchOutcome::NotMatched;
    let row = record(desk.bo.clone(), mixed).await?;
    assert_eq!(row.stage, ProposalStage::CivilRegistryMatched);
    // Recorded per member, shown on the proposal's page.
    let file = desk.services.proposals.file(&desk.manager, id).await?;
    let outcomes: Vec<Option<MatchOutcome>> =
        file.match_members.iter().map(|m| m.outcome).collect();
    assert_eq!(
        outcomes,
        vec![
            Some(MatchOutcome::Matched),
            Some(MatchOutcome::NotMatched),
            Some(MatchOutcome::NoNik)
        ]
    );
    let audit = audit_rows(&desk.db, "record_civil_match", "ok").await?;
    assert_eq!(
        audit[0].detail.as_deref(),
        Some("matched=1; not_matched=1; no_nik=1")
    );
    // A stale version, then a second match: refused, nothing changes.
    assert!(matches!(
        record(desk.bo.clone(), full.clone()).await,
        Err(ServiceError::Conflict)
    ));
    Ok(())
}

#[tokio::test]
async fn a_batch_is_approved_sent_and_its_file_read_back_as_a_registry_release() -> TestResult {
    let desk = desk().await?;
    let first = family(&desk, &desk.fo, WALED_DESA, 1).await?;
    let a = verified(&desk, &desk.facilitator, first, ProposalChange::NewFamily).await?;
    let b = new_family_verified(&desk, 2).await?;
    let far_household = family(&desk, &desk.far_fo, GUMELEM, 3).await?;
    let far = verified(
        &desk,
        &desk.far_facilitator,
        far_household,
        ProposalChange::NewFamily,
    )
    .await?;

    // Only matched proposals wait for approval.
    let desk_view = desk.services.batches.desk(&desk.manager).await?;
    assert!(desk_view.waiting.is_empty());
    assert_eq!(
        problem(ratify(&desk, "early", vec![a]).await),
        Some(BatchProblem::NotAwaitingApproval)
    );
    matched(&desk, &desk.bo, a).await?;
    matched(&desk, &desk.bo, b).await?;
    matched(&desk, &desk.far_bo, far).await?;
    let waiting: Vec<i64> = desk
        .services
        .batches
        .desk(&desk.manager)
        .await?
        .waiting
        .iter()
        .map(|p| p.id)
        .collect();
    assert_eq!(
        waiting,
        vec![a, b],
        "the district's own, not Banjarnegara's"
    );

    // Refusals: another district's proposal, the back office, nothing chosen.
    assert!(matches!(
        ratify(&desk, "mixed", vec![a, far]).await,
        Err(ServiceError::Forbidden)
    ));
    let by_bo = desk
        .services
        .batches
        .ratify(
            &desk.bo,
            RatifyBatch {
                idempotency_key: "bo".into(),
                proposal_ids: vec![a],
                decree: "SK".into(),
            },
        )
        .await;
    assert!(matches!(by_bo, Err(ServiceError::Forbidden)), "{by_bo:?}");
    assert_eq!(
        problem(ratify(&desk, "none", vec![]).await),
        Some(BatchProblem::BatchEmpty)
    );
    assert_eq!(stage(&desk, a).await?, "civil_registry_matched");

    // Approved once, whatever the double tap.
    let batch = ratify(&desk, "batch-1", vec![a, b]).await?;
    assert_eq!(ratify(&desk, "batch-1", vec![a, b]).await?, batch);
    assert_eq!(
        problem(ratify(&desk, "batch-2", vec![a]).await),
        Some(BatchProblem::NotAwaitingApproval)
    );
    let file = desk.services.batches.file(&desk.manager, batch).await?;
    assert_eq!(
        file.batch.number,
        format!("BU-3209-{}-0001", chrono::Utc::now().format("%Y"))
    );
    assert_eq!(file.batch.state, BatchState::Ratified);
    assert_eq!(file.proposals.len(), 2);
    assert!(
        file.proposals
            .iter()
            .all(|p| p.stage == ProposalStage::Ratified)
    );
    // Another district's manager sees neither the batch nor sends it.
    assert!(matches!(
        desk.services.batches.file(&desk.stranger, batch).await,
        Err(ServiceError::Forbidden)
    ));
    assert!(matches!(
        desk.services
            .batches
            .submit(
                &desk.stranger,
                SubmitBatch {
                    batch_id: batch,
                    version: 1
                }
            )
            .await,
        Err(ServiceError::Forbidden)
    ));
    // No file before sending.
    assert_eq!(
        problem(desk.services.batches.submission(&desk.manager, batch).await),
        Some(BatchProblem::NotSubmitted)
    );

    let sent = desk
        .services
        .batches
        .submit(
            &desk.manager,
            SubmitBatch {
                batch_id: batch,
                version: 1,
            },
        )
        .await?;
    assert_eq!(
        (sent.state, sent.people, sent.proposals),
        (BatchState::Submitted, 6, 2)
    );
    assert_eq!(stage(&desk, a).await?, "submitted");
    assert_eq!(
        problem(
            desk.services
                .batches
                .submit(
                    &desk.manager,
                    SubmitBatch {
                        batch_id: batch,
                        version: 2
                    }
                )
                .await
        ),
        Some(BatchProblem::AlreadySubmitted)
    );
    // The file is kept sealed: no NIK in the clear in the database.
    let stored = proposal_batches::Entity::find_by_id(batch)
        .one(&desk.db)
        .await?
        .ok_or("no batch")?;
    let sealed = stored.file_sealed.ok_or("no file kept")?;
    let head_nik = nik(Sex::Male, common::people::date(1980, 4, 2)?, 1)?;
    assert!(!sealed.contains(&head_nik.as_str()));

    // The file: one row per person, whole numbers, the registry's columns first.
    let (number, rows) = desk
        .services
        .batches
        .submission(&desk.manager, batch)
        .await?;
    assert_eq!(number, file.batch.number);
    assert_eq!(rows.len(), 6);
    assert!(rows.iter().all(|r| r.len() == SUBMISSION_COLUMNS.len()));
    let column = |name: &str| {
        SUBMISSION_COLUMNS
            .iter()
            .position(|c| *c == name)
            .ok_or("no such column")
    };
    let (nik_at, kk_at, padan_at) = (column("nik")?, column("no_kk")?, column("status_padan")?);
    assert_eq!(rows[0][nik_at], head_nik.as_str());
    assert_eq!(rows[0][kk_at], common::people::no_kk(1)?.as_str());
    assert_eq!(rows[2][nik_at], "", "the child has no NIK");
    assert_eq!(rows[2][padan_at], MatchOutcome::NoNik.label_id());
    // Only those who send download it: not the back office, not outside the district.
    for who in [&desk.bo, &desk.stranger, &desk.fo] {
        assert!(matches!(
            desk.services.batches.submission(who, batch).await,
            Err(ServiceError::Forbidden)
        ));
    }
    assert_eq!(
        audit_rows(&desk.db, "download_submission", "ok")
            .await?
            .len(),
        1
    );

    // Kemensos' release: the same rows with the families' ids and deciles, of
    // the first family only. The child without NIK is not in a registry slice.
    let folder = common::TempFolder::new()?;
    let path = folder.0.join("rilis.csv");
    let mut csv = csv::Writer::from_path(&path)?;
    csv.write_record(SUBMISSION_COLUMNS)?;
    let first_kk = common::people::no_kk(1)?.as_str();
    for row in rows
        .iter()
        .filter(|r| r[kk_at] == first_kk && !r[nik_at].is_empty())
    {
        let mut row = row.clone();
        row[0] = "R-77001".into();
        row[8] = "2".into();
        csv.write_record(&row)?;
    }
    csv.flush()?;
    drop(csv);
    let report = registry_import::import(
        &desk.db,
        &common::data_key(),
        &path,
        ImportOptions::default(),
    )
    .await?;
    assert_eq!(
        (report.rows_total, report.rows_rejected),
        (2, 0),
        "{:?}",
        report.rejected
    );
    assert_eq!(report.proposals.enacted, vec![a]);
    assert_eq!(report.proposals.still_missing, vec![b]);
    assert_eq!(stage(&desk, a).await?, "enacted");
    assert_eq!(stage(&desk, b).await?, "submitted");
    let household = households::Entity::find_by_id(first)
        .one(&desk.db)
        .await?
        .ok_or("no household")?;
    assert_eq!(
        (household.registry_id.as_deref(), household.desil),
        (Some("R-77001"), Some(2))
    );
    // The timeline says why, with no person behind the step.
    let history = desk.services.proposals.history(&desk.manager, a).await?;
    let last = history.last().ok_or("no history")?;
    assert_eq!(
        (last.action.as_str(), last.to.as_str()),
        ("enact", "enacted")
    );
    assert!(last.note.as_deref().is_some_and(|n| n.contains("impor")));
    Ok(())
}

#[tokio::test]
async fn enacting_applies_the_change_to_the_household_in_the_same_write() -> TestResult {
    let desk = desk().await?;
    common::in_registry(&desk.db, 5, WALED_DESA, 3).await?;
    let household = family(&desk, &desk.fo, WALED_DESA, 5).await?;
    let people = members::Entity::find()
        .filter(members::Column::HouseholdId.eq(household))
        .all(&desk.db)
        .await?;
    let spouse = people
        .iter()
        .find(|m| m.name == "Sumiati")
        .ok_or("no spouse")?
        .id;
    let child = people
        .iter()
        .find(|m| m.name == "Ayu Lestari")
        .ok_or("no child")?
        .id;
    let today = chrono::Utc::now().date_naive();
    let changes = [
        ProposalChange::RemoveMember {
            member_id: child,
            reason: LeaveReason::Died,
            on: today,
        },
        ProposalChange::ChangeHead { member_id: spouse },
        ProposalChange::Correction {
            field: CorrectedField::Rt,
            member_id: None,
            proposed: "9".into(),
        },
        ProposalChange::AddMember {
            name: "Bayu Saputra".into(),
            sex: Sex::Male,
            birth_date: today - chrono::Duration::days(20),
            relationship: Relationship::Grandchild,
            reason: shared::proposal_change::JoinReason::Birth,
        },
    ];
    let mut ids = Vec::new();
    for change in changes {
        let id = verified(&desk, &desk.facilitator, household, change).await?;
        matched(&desk, &desk.bo, id).await?;
        ids.push(id);
    }
    let batch = ratify(&desk, "b", ids.clone()).await?;
    send(&desk, batch).await?;
    // Nothing is applied before Kemensos' answer.
    let before = households::Entity::find_by_id(household)
        .one(&desk.db)
        .await?
        .ok_or("no household")?;
    assert_eq!(
        (before.head_name.as_str(), before.rt.as_deref()),
        ("Darto Wiryono", Some("3"))
    );
    for id in &ids {
        enact(&desk, *id, None).await??;
    }
    let after = households::Entity::find_by_id(household)
        .one(&desk.db)
        .await?
        .ok_or("no household")?;
    assert_eq!(
        (after.head_name.as_str(), after.rt.as_deref()),
        ("Sumiati", Some("9"))
    );
    assert!(
        after.version > before.version,
        "other editors see the change"
    );
    let people = members::Entity::find()
        .filter(members::Column::HouseholdId.eq(household))
        .all(&desk.db)
        .await?;
    let find = |id: i64| people.iter().find(|m| m.id == id).ok_or("member gone");
    assert_eq!(find(child)?.registry_status, "deceased");
    // The baby is in the family, without NIK until staff record it.
    let baby = people
        .iter()
        .find(|m| m.name == "Bayu Saputra")
        .ok_or("the birth is applied")?;
    assert_eq!(
        (
            baby.registry_status.as_str(),
            baby.nik_hash.is_none(),
            baby.relationship
        ),
        ("undocumented", true, 5)
    );
    assert_eq!(people.len(), 4);
    assert_eq!(find(spouse)?.relationship, 1);
    let old_head = people
        .iter()
        .find(|m| m.name == "Darto Wiryono")
        .ok_or("no old head")?;
    assert_eq!(
        old_head.relationship, 8,
        "the old head stays, as another member"
    );
    // The match flags follow the civil registry's answer.
    let flags: Vec<bool> = people
        .iter()
        .map(|m| m.details.contains("\"civil_registry_matched\":true"))
        .collect();
    assert_eq!(flags.iter().filter(|f| **f).count(), 2, "{flags:?}");
    // Audited with what was applied; the counters equal a recount.
    let enacted = audit_rows(&desk.db, "proposal_transition", "ok").await?;
    assert!(enacted.iter().any(|a| {
        a.detail
            .as_deref()
            .is_some_and(|d| d.contains("applied=head"))
    }));
    assert_eq!(common::stats_drift(&desk.db).await?, Vec::<String>::new());
    Ok(())
}

/// Enacts proposal `id` as the district's manager, with `new_card` when it is a pecah KK.
async fn enact(
    desk: &Desk,
    id: i64,
    new_card: Option<NewCard>,
) -> Result<Result<ProposalRow, ServiceError>, Box<dyn std::error::Error>> {
    let version = proposals::Entity::find_by_id(id)
        .one(&desk.db)
        .await?
        .ok_or("no proposal")?
        .version;
    Ok(desk
        .services
        .proposals
        .transition(
            &desk.manager,
            ProposalTransitionRequest {
                new_card,
                proposal_id: id,
                version,
                action: ProposalAction::Enact,
                note: "Ditetapkan Kemensos".into(),
            },
        )
        .await)
}

fn change_problem<T: std::fmt::Debug>(result: Result<T, ServiceError>) -> Option<ChangeProblem> {
    match result {
        Err(ServiceError::Invalid(DomainError::ProposalChange { problem })) => Some(problem),
        other => panic!("not a change refusal: {other:?}"),
    }
}

#[tokio::test]
async fn an_enacted_pecah_kk_moves_exactly_the_chosen_members_to_their_new_card() -> TestResult {
    let desk = desk().await?;
    common::in_registry(&desk.db, 6, WALED_DESA, 3).await?;
    // Darto and Sumiati, their married daughter Rina and Rina's baby Ayu.
    let mut request = household_request(WALED_DESA, 6, "hh-6")?;
    // The parents' card receives PKH, owns a refrigerator, has its photo.
    request.household.programmes = vec![shared::programme::ProgrammeKind::Pkh];
    request.household.assets = vec![shared::household::AssetKind::Refrigerator];
    request.household.has_house_photo = true;
    request.members.push(member(
        nik(Sex::Female, common::people::date(1998, 2, 11)?, 61)?,
        "Rina Wulandari",
        Relationship::Child,
    )?);
    let mut baby = member(
        nik(Sex::Female, common::people::date(2025, 7, 1)?, 62)?,
        "Ayu Lestari",
        Relationship::Grandchild,
    )?;
    baby.nik = None;
    baby.civil_registry_matched = false;
    baby.registry_status = MemberRegistryStatus::Undocumented;
    request.members.push(baby);
    let household = desk
        .services
        .households
        .register(&desk.fo, request)
        .await?
        .id;
    let before: Vec<members::Model> = members::Entity::find()
        .filter(members::Column::HouseholdId.eq(household))
        .all(&desk.db)
        .await?;
    let id_of = |name: &str| {
        before
            .iter()
            .find(|m| m.name == name)
            .map(|m| m.id)
            .ok_or("no member")
    };
    let (rina, ayu, sumiati) = (
        id_of("Rina Wulandari")?,
        id_of("Ayu Lestari")?,
        id_of("Sumiati")?,
    );
    let proposal = verified(
        &desk,
        &desk.facilitator,
        household,
        ProposalChange::Split {
            member_ids: vec![rina, ayu],
        },
    )
    .await?;
    matched(&desk, &desk.bo, proposal).await?;
    let batch = ratify(&desk, "split", vec![proposal]).await?;
    send(&desk, batch).await?;

    let card = |serial: u16, head_id: i64| -> Result<NewCard, Box<dyn std::error::Error>> {
        Ok(NewCard {
            no_kk: common::people::no_kk(serial)?,
            head_id,
        })
    };
    // Refused, changing nothing: no card, a head who stays behind, the
    // old card's own number.
    assert_eq!(
        change_problem(enact(&desk, proposal, None).await?),
        Some(ChangeProblem::NewCardNeeded)
    );
    assert_eq!(
        change_problem(enact(&desk, proposal, Some(card(66, sumiati)?)).await?),
        Some(ChangeProblem::NewHeadNotMoving)
    );
    assert!(matches!(
        enact(&desk, proposal, Some(card(6, rina)?)).await?,
        Err(ServiceError::DuplicateNoKk)
    ));
    // A change of head enacted since made Rina the head: she cannot leave.
    let set_relationship = |id: i64, relationship: i16| {
        members::Entity::update_many()
            .col_expr(
                members::Column::Relationship,
                sea_orm::sea_query::Expr::value(relationship),
            )
            .filter(members::Column::Id.eq(id))
            .exec(&desk.db)
    };
    set_relationship(rina, 1).await?;
    assert_eq!(
        change_problem(enact(&desk, proposal, Some(card(66, rina)?)).await?),
        Some(ChangeProblem::HeadCannotLeave)
    );
    set_relationship(rina, 3).await?;
    // The family moved to the next village meanwhile: its new village records it.
    let move_to = |village: &'static str| {
        households::Entity::update_many()
            .col_expr(
                households::Column::VillageCode,
                sea_orm::sea_query::Expr::value(village),
            )
            .filter(households::Column::Id.eq(household))
            .exec(&desk.db)
    };
    move_to("32.09.01.2009").await?;
    assert_eq!(
        change_problem(enact(&desk, proposal, Some(card(66, rina)?)).await?),
        Some(ChangeProblem::FamilyMoved)
    );
    move_to(WALED_DESA).await?;
    assert_eq!(stage(&desk, proposal).await?, "submitted");
    assert_eq!(households::Entity::find().all(&desk.db).await?.len(), 1);

    enact(&desk, proposal, Some(card(66, rina)?)).await??;
    assert_eq!(stage(&desk, proposal).await?, "enacted");
    let all = households::Entity::find().all(&desk.db).await?;
    let new = all
        .iter()
        .find(|h| h.id != household)
        .ok_or("no new household")?;
    assert_eq!(new.head_name, "Rina Wulandari");
    // The house, not the old card's programmes, assets or photo.
    let details: serde_json::Value = serde_json::from_str(&new.details)?;
    assert_eq!(details["programmes"], serde_json::json!([]));
    assert_eq!(details["assets"], serde_json::json!([]));
    assert_eq!(details["has_house_photo"], serde_json::json!(false));
    let old_details: serde_json::Value = serde_json::from_str(
        &households::Entity::find_by_id(household)
            .one(&desk.db)
            .await?
            .ok_or("no household")?
            .details,
    )?;
    assert_eq!(details["housing"], old_details["housing"]);
    assert_eq!(old_details["programmes"], serde_json::json!(["pkh"]));
    assert_eq!(new.village_code, WALED_DESA);
    assert!(new.kk_masked.ends_with("0066"), "{}", new.kk_masked);
    // The members are the same records, moved: ids, NIK and history kept.
    let after: Vec<members::Model> = members::Entity::find().all(&desk.db).await?;
    for member in &after {
        let was = before
            .iter()
            .find(|m| m.id == member.id)
            .ok_or("a member appeared")?;
        assert_eq!(member.nik_hash, was.nik_hash);
        let expected = if [rina, ayu].contains(&member.id) {
            new.id
        } else {
            household
        };
        assert_eq!(member.household_id, expected, "{}", member.name);
    }
    assert_eq!(after.len(), before.len());
    let head = after.iter().find(|m| m.id == rina).ok_or("no Rina")?;
    assert_eq!(head.relationship, 1, "Rina heads the new card");
    assert!(head.details.contains("\"civil_registry_matched\":true"));
    // The old file keeps its head; both files show the event.
    let old = desk.services.households.file(&desk.fo, household).await?;
    assert_eq!(old.head_name, "Darto Wiryono");
    assert_eq!(old.members.len(), 2);
    let new_file = desk.services.households.file(&desk.fo, new.id).await?;
    assert_eq!(new_file.members.len(), 2);
    let events = server::entities::household_events::Entity::find()
        .all(&desk.db)
        .await?;
    for id in [household, new.id] {
        assert!(
            events
                .iter()
                .any(|e| e.household_id == id && e.kind == "split_family_card"),
            "household {id} records the split"
        );
    }
    // A second enactment is refused as a stale step; the counters equal a recount.
    assert!(
        enact(&desk, proposal, Some(card(67, rina)?))
            .await?
            .is_err()
    );
    assert_eq!(households::Entity::find().all(&desk.db).await?.len(), 2);
    let enacted = audit_rows(&desk.db, "proposal_transition", "ok").await?;
    assert!(enacted.iter().any(|a| {
        a.detail
            .as_deref()
            .is_some_and(|d| d.contains(&format!("new_household={}", new.id)))
    }));
    assert_eq!(common::stats_drift(&desk.db).await?, Vec::<String>::new());
    Ok(())
}

#[tokio::test]
async fn the_dashboards_count_proposals_by_kind_and_the_days_to_sending() -> TestResult {
    let desk = desk().await?;
    let head = actor(
        &desk.db,
        &desk.services,
        "bupati",
        Role::DistrictHead,
        Some("32.09"),
    )
    .await?;
    // Eight new families and one correction, proposed 10 or 4 days before
    // they are sent together.
    let mut ids = Vec::new();
    for serial in 21..29 {
        ids.push(new_family_verified(&desk, serial).await?);
    }
    common::in_registry(&desk.db, 29, WALED_DESA, 3).await?;
    let registered = family(&desk, &desk.fo, WALED_DESA, 29).await?;
    ids.push(
        verified(
            &desk,
            &desk.facilitator,
            registered,
            ProposalChange::Correction {
                field: CorrectedField::Rt,
                member_id: None,
                proposed: "7".into(),
            },
        )
        .await?,
    );
    for (n, id) in ids.iter().enumerate() {
        matched(&desk, &desk.bo, *id).await?;
        let days = if n % 3 == 0 { 10 } else { 4 };
        proposals::Entity::update_many()
            .col_expr(
                proposals::Column::CreatedAt,
                sea_orm::sea_query::Expr::value(chrono::Utc::now() - chrono::Duration::days(days)),
            )
            .filter(proposals::Column::Id.eq(*id))
            .exec(&desk.db)
            .await?;
    }
    // Before sending, no days to count.
    let board = desk.services.dashboards.area(&head, "32.09").await?;
    assert_eq!(board.median_days_to_send, None);
    let batch = ratify(&desk, "kinds", ids.clone()).await?;
    send(&desk, batch).await?;
    let board = desk.services.dashboards.area(&head, "32.09").await?;
    // Of six times 4 days and three times 10 the median, published when the count
    // of sent proposals is (with its noise, at least five).
    let stored = server::entities::area_stats::Entity::find()
        .filter(server::entities::area_stats::Column::AreaCode.eq("32.09"))
        .filter(server::entities::area_stats::Column::Metric.eq("send_days"))
        .all(&desk.db)
        .await?;
    let mut tally = shared::dashboard::Tally::default();
    for row in &stored {
        tally.add(&row.metric, &row.k1, &row.k2, row.value, row.key_sum);
    }
    assert_eq!(tally.median_days("send_days"), Some(4));
    let sent = shared::dashboard::publish(&common::config().key.noise(), tally.sum("send_days"));
    assert_eq!(
        board.median_days_to_send,
        sent.filter(|n| *n > 0).map(|_| 4),
        "published as its count is: {sent:?}"
    );
    let kinds: Vec<&str> = board
        .proposals_by_kind
        .iter()
        .map(|c| c.key.as_str())
        .collect();
    assert_eq!(
        kinds,
        shared::proposal_change::ChangeType::ALL
            .iter()
            .map(|t| t.code())
            .collect::<Vec<_>>()
    );
    // The counters behind them, exactly: eight new families and one correction,
    // all sent, at the district and in the village.
    for area in ["32.09", WALED_DESA] {
        let rows = server::entities::area_stats::Entity::find()
            .filter(server::entities::area_stats::Column::AreaCode.eq(area))
            .all(&desk.db)
            .await?;
        let sum = |metric: &str, k1: &str, k2: &str| -> i64 {
            rows.iter()
                .filter(|r| r.metric == metric && r.k1 == k1 && (k2.is_empty() || r.k2 == k2))
                .map(|r| r.value)
                .sum()
        };
        assert_eq!(sum("proposal_kind", "new_family", "submitted"), 8, "{area}");
        assert_eq!(sum("proposal_kind", "correction", "submitted"), 1, "{area}");
        assert_eq!(sum("send_days", "004", ""), 6, "{area}");
        assert_eq!(sum("send_days", "010", ""), 3, "{area}");
    }
    // A village's own dashboard shows too few to publish a median of.
    let village = desk
        .services
        .dashboards
        .area(&head, "32.09.01.2009")
        .await?;
    assert_eq!(village.median_days_to_send, None);
    assert_eq!(common::stats_drift(&desk.db).await?, Vec::<String>::new());
    // A server stopped between migration 13 and its recount: the next start
    // finds proposals without their newest counters and counts again.
    server::entities::area_stats::Entity::delete_many()
        .filter(server::entities::area_stats::Column::Metric.is_in(["proposal_kind", "send_days"]))
        .exec(&desk.db)
        .await?;
    assert!(!common::stats_drift(&desk.db).await?.is_empty());
    server::db::migrate(&desk.db).await?;
    assert_eq!(common::stats_drift(&desk.db).await?, Vec::<String>::new());
    Ok(())
}

#[tokio::test]
async fn the_submission_file_downloads_as_a_workbook_a_spreadsheet_reader_reads() -> TestResult {
    use calamine::Reader as _;
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let desk = desk().await?;
    let id = new_family_verified(&desk, 9).await?;
    matched(&desk, &desk.bo, id).await?;
    let batch = ratify(&desk, "xlsx", vec![id]).await?;
    send(&desk, batch).await?;
    let app = common::site_router(&desk.db, desk.services.clone());
    let cookie = common::sign_in(&app, "manajer").await?;
    let response = app
        .clone()
        .oneshot(
            axum::http::Request::get(format!("{}?id={batch}", server::downloads::SUBMISSION_XLSX))
                .header(axum::http::header::COOKIE, &cookie)
                .body(axum::body::Body::empty())?,
        )
        .await?;
    assert_eq!(response.status(), 200);
    let disposition = response
        .headers()
        .get(axum::http::header::CONTENT_DISPOSITION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    assert!(disposition.contains("usulan-bu-3209-"), "{disposition}");
    let bytes = response.into_body().collect().await?.to_bytes();
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes.to_vec()))?;
    let sheet = book.worksheet_range_at(0).ok_or("no sheet")??;
    let rows: Vec<Vec<String>> = sheet
        .rows()
        .map(|row| row.iter().map(ToString::to_string).collect())
        .collect();
    assert_eq!(rows[0], SUBMISSION_COLUMNS.map(str::to_string).to_vec());
    assert_eq!(rows.len(), 4, "the header and three people");
    // The NIK is a text cell, whole, with its leading digits: not a number in
    // scientific notation.
    let head_nik = nik(Sex::Male, common::people::date(1980, 4, 2)?, 9)?;
    let nik_at = SUBMISSION_COLUMNS
        .iter()
        .position(|c| *c == "nik")
        .ok_or("no nik column")?;
    assert_eq!(rows[1][nik_at], head_nik.as_str());
    assert!(matches!(
        sheet.get((1, nik_at)),
        Some(calamine::Data::String(_))
    ));
    // The same file as CSV says the same.
    let csv = app
        .oneshot(
            axum::http::Request::get(format!("{}?id={batch}", server::downloads::SUBMISSION_CSV))
                .header(axum::http::header::COOKIE, &cookie)
                .body(axum::body::Body::empty())?,
        )
        .await?;
    assert_eq!(csv.status(), 200);
    let text = String::from_utf8(csv.into_body().collect().await?.to_bytes().to_vec())?;
    assert!(text.contains(&head_nik.as_str()));
    Ok(())
}

#[tokio::test]
async fn the_civil_registry_s_file_matches_the_families_it_answers_whole() -> TestResult {
    let desk = desk().await?;
    let a = new_family_verified(&desk, 11).await?;
    let b = new_family_verified(&desk, 12).await?;
    let head = |serial| nik(Sex::Male, common::people::date(1980, 4, 2)?, serial);
    let spouse = |serial| nik(Sex::Female, common::people::date(1983, 9, 21)?, serial);
    // Excel in an Indonesian locale: ';', a title row, an answer in capitals,
    // a NIK that Excel turned into a number, a NIK of nobody waiting.
    let file = format!(
        "HASIL PADAN DUKCAPIL;;\nNIK;NAMA;STATUS PADAN\n{};Darto;PADAN\n{};Sumiati;Tidak Padan\n{};Darto;Padan\n3,20901E+15;X;Padan\n3209010101900009;Y;Padan\n",
        head(11)?.as_str(),
        spouse(11)?.as_str(),
        head(12)?.as_str(),
    );
    let proposals = &desk.services.proposals;
    // Only the roles of the match step, and audited when refused.
    assert!(matches!(
        proposals
            .import_matches(&desk.fo, file.clone().into_bytes())
            .await,
        Err(ServiceError::Forbidden)
    ));
    let report = proposals
        .import_matches(&desk.bo, file.clone().into_bytes())
        .await?;
    assert_eq!((report.rows, report.used), (5, 3));
    assert_eq!(report.matched, vec![a]);
    assert_eq!(
        report.incomplete,
        vec![b],
        "the second family's spouse is not answered"
    );
    assert_eq!(report.problems.len(), 1);
    assert_eq!(report.problems[0].0, 6, "the line in the file");
    assert_eq!(stage(&desk, a).await?, "civil_registry_matched");
    assert_eq!(stage(&desk, b).await?, "verified");
    let outcomes: Vec<Option<MatchOutcome>> = proposals
        .file(&desk.manager, a)
        .await?
        .match_members
        .iter()
        .map(|m| m.outcome)
        .collect();
    assert_eq!(
        outcomes,
        vec![
            Some(MatchOutcome::Matched),
            Some(MatchOutcome::NotMatched),
            Some(MatchOutcome::NoNik)
        ]
    );
    // Another district's back office: the same file matches nothing of Cirebon.
    let far = proposals
        .import_matches(&desk.far_bo, file.into_bytes())
        .await?;
    assert!(far.matched.is_empty() && far.incomplete.is_empty());

    // The rest comes as a workbook: the NIK as text, as an office keeps it.
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (row, cells) in [
        ["No", "NIK", "Hasil"],
        ["1", head(12)?.as_str().as_str(), "Padan"],
        ["2", spouse(12)?.as_str().as_str(), "padan"],
    ]
    .iter()
    .enumerate()
    {
        for (col, text) in cells.iter().enumerate() {
            sheet.write_string(u32::try_from(row)?, u16::try_from(col)?, *text)?;
        }
    }
    let report = proposals
        .import_matches(&desk.bo, book.save_to_buffer()?)
        .await?;
    assert_eq!(report.matched, vec![b]);
    assert_eq!(stage(&desk, b).await?, "civil_registry_matched");

    // A file without its columns changes nothing.
    assert_eq!(
        problem(
            proposals
                .import_matches(&desk.bo, b"nama,alamat\nBudi,Waled\n".to_vec())
                .await
        ),
        Some(BatchProblem::MatchFileHeader)
    );
    let imports = audit_rows(&desk.db, "import_civil_matches", "ok").await?;
    assert_eq!(imports.len(), 3);
    assert!(
        imports
            .iter()
            .all(|a| a.detail.as_deref().is_some_and(|d| !d.contains("3209")))
    );
    Ok(())
}

#[tokio::test]
async fn the_match_file_is_a_plain_upload_that_answers_with_its_counts() -> TestResult {
    use tower::ServiceExt;
    let desk = desk().await?;
    let id = new_family_verified(&desk, 21).await?;
    let file = format!(
        "nik,hasil\n{},padan\n{},padan\n",
        nik(Sex::Male, common::people::date(1980, 4, 2)?, 21)?.as_str(),
        nik(Sex::Female, common::people::date(1983, 9, 21)?, 21)?.as_str(),
    );
    let app = common::site_router(&desk.db, desk.services.clone());
    let boundary = "----batasPadan";
    let upload = |cookie: String, content: String| {
        let body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"padan.csv\"\r\nContent-Type: text/csv\r\n\r\n{content}\r\n--{boundary}--\r\n"
        );
        axum::http::Request::post(server::uploads::MATCH_FILE_UPLOAD)
            .header(
                axum::http::header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .header("sec-fetch-site", "same-origin")
            .header(axum::http::header::COOKIE, cookie)
            .body(axum::body::Body::from(body))
    };
    let cookie = common::sign_in(&app, "bo").await?;
    let answer = app.clone().oneshot(upload(cookie.clone(), file)?).await?;
    assert_eq!(answer.status(), 303);
    let location = answer
        .headers()
        .get(axum::http::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    assert_eq!(
        location,
        "/usulan?tahap=civil_registry_matched&padan=1-0-0-2&baris="
    );
    assert_eq!(stage(&desk, id).await?, "civil_registry_matched");
    // A file refused whole goes back with its reason; the front office is refused.
    let answer = app
        .clone()
        .oneshot(upload(cookie, "nama\nBudi\n".into())?)
        .await?;
    assert_eq!(
        answer
            .headers()
            .get(axum::http::header::LOCATION)
            .and_then(|v| v.to_str().ok()),
        Some("/usulan?padan_galat=match_file_header")
    );
    let front = common::sign_in(&app, "fo").await?;
    let answer = app.oneshot(upload(front, "nik,hasil\n".into())?).await?;
    assert_eq!(answer.status(), 403);
    Ok(())
}

#[tokio::test]
async fn a_proposal_refused_after_approval_leaves_its_batch_which_is_sent_without_it() -> TestResult
{
    let desk = desk().await?;
    let a = new_family_verified(&desk, 31).await?;
    let b = new_family_verified(&desk, 32).await?;
    matched(&desk, &desk.bo, a).await?;
    matched(&desk, &desk.bo, b).await?;
    // A gap in the district's numbers (a batch numbered by hand) is stepped over.
    let now = chrono::Utc::now();
    let year = now.format("%Y");
    sea_orm::ActiveModelTrait::insert(
        proposal_batches::ActiveModel {
            number: sea_orm::Set(format!("BU-3209-{year}-0002")),
            district_code: sea_orm::Set("32.09".into()),
            state: sea_orm::Set("ratified".into()),
            decree: sea_orm::Set("SK lama".into()),
            proposals: sea_orm::Set(0),
            people: sea_orm::Set(0),
            ratified_at: sea_orm::Set(now),
            created_at: sea_orm::Set(now),
            updated_at: sea_orm::Set(now),
            version: sea_orm::Set(1),
            ..Default::default()
        },
        &desk.db,
    )
    .await?;
    let batch = ratify(&desk, "refused-later", vec![a, b]).await?;
    let file = desk.services.batches.file(&desk.manager, batch).await?;
    assert_eq!(file.batch.number, format!("BU-3209-{year}-0003"));
    let version = proposals::Entity::find_by_id(b)
        .one(&desk.db)
        .await?
        .ok_or("no proposal")?
        .version;
    desk.services
        .proposals
        .transition(
            &desk.manager,
            ProposalTransitionRequest {
                new_card: None,
                proposal_id: b,
                version,
                action: ProposalAction::Reject,
                note: "Kepala daerah mencoret usulan ini".into(),
            },
        )
        .await?;
    let file = desk.services.batches.file(&desk.manager, batch).await?;
    assert_eq!(file.batch.proposals, 1);
    assert_eq!(
        file.proposals.iter().map(|p| p.id).collect::<Vec<_>>(),
        vec![a]
    );
    // The batch changed: the page seen before is told to reload.
    assert!(matches!(
        send(&desk, batch).await,
        Err(ServiceError::Conflict)
    ));
    let sent = desk
        .services
        .batches
        .submit(
            &desk.manager,
            SubmitBatch {
                batch_id: batch,
                version: file.batch.version,
            },
        )
        .await?;
    assert_eq!((sent.proposals, sent.people), (1, 3));
    assert_eq!(stage(&desk, a).await?, "submitted");
    assert_eq!(stage(&desk, b).await?, "rejected");
    assert_eq!(common::stats_drift(&desk.db).await?, Vec::<String>::new());
    Ok(())
}
