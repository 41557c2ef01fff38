//! Families registered twice, on SQLite and PostgreSQL: a registration whose
//! people are likely people on record is refused until the front desk has
//! seen them and confirms a new family (audited); staff of another village
//! learn only where; a table of true and false pairs as Indonesian names are
//! written; the district's list for the SLRT manager; and a merge that loses
//! nothing: every member, case, referral, event and proposal of the merged
//! record is reachable from the surviving one, which is closed to new work.

mod common;

use common::casework::Desk;
use common::people::{date, household_request, member, nik};
use common::{TestResult, actor, audit_rows, database_with_areas};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use server::entities::{cases, household_events, households, members, referrals};
use server::services;
use shared::DomainError;
use shared::contract::{Actor, ServiceError, Services};
use shared::dto::{HouseholdFilter, OpenCase, RegisterHousehold};
use shared::duplicates::{MergeHouseholds, MergePreview, MergeProblem, MergeSide, SamePerson};
use shared::identity::Sex;
use shared::member::{MemberRegistryStatus, Relationship};
use shared::names::LikenessReason;
use shared::roles::Role;

const WALED_DESA: &str = "32.09.01.2008";
/// Another village of the same sub-district (Kecamatan Waled).
const WALED_KOTA: &str = "32.09.01.2009";
/// A village of another sub-district of the district (Kecamatan Ciledug).
const JATISEENG: &str = "32.09.02.2001";

struct Desks {
    db: DatabaseConnection,
    services: Services,
    fo: Actor,
    coordinator: Actor,
    manager: Actor,
}

async fn desks() -> Result<Desks, Box<dyn std::error::Error>> {
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
    let manager = actor(&db, &services, "manajer", Role::SlrtManager, Some("32.09")).await?;
    Ok(Desks {
        db,
        services,
        fo,
        coordinator,
        manager,
    })
}

/// The Wiryono family of `village` (Darto, Sumiati) as first registered.
fn first_record(
    village: &str,
    serial: u16,
) -> Result<RegisterHousehold, Box<dyn std::error::Error>> {
    let mut request = household_request(village, serial, &format!("first-{serial}"))?;
    request.confirmed_new = false;
    Ok(request)
}

/// The same family registered again from another desk: the names in the
/// old spelling (Wirjono, Soemiati), other numbers (typed wrong), and their
/// daughter Rina.
fn second_record(
    village: &str,
    serial: u16,
) -> Result<RegisterHousehold, Box<dyn std::error::Error>> {
    let mut request = household_request(village, serial, &format!("second-{serial}"))?;
    request.confirmed_new = false;
    request.household.head_name = "Darto Wirjono".into();
    request.members[0].name = "Darto Wirjono".into();
    request.members[1].name = "Soemiati".into();
    let mut rina = member(
        nik(Sex::Female, date(2006, 3, 9)?, serial)?,
        "Rina",
        Relationship::Child,
    )?;
    rina.marital_status = shared::member::MaritalStatus::NeverMarried;
    request.members.push(rina);
    Ok(request)
}

async fn household_count(db: &DatabaseConnection) -> Result<usize, sea_orm::DbErr> {
    Ok(households::Entity::find().all(db).await?.len())
}

#[tokio::test]
async fn a_family_registered_twice_is_shown_before_saving_and_saved_only_when_confirmed()
-> TestResult {
    let d = desks().await?;
    let first = d
        .services
        .households
        .register(&d.fo, first_record(WALED_DESA, 1)?)
        .await?
        .id;
    let again = second_record(WALED_DESA, 2)?;
    let before = household_count(&d.db).await?;
    match d.services.households.register(&d.fo, again.clone()).await {
        Err(ServiceError::Invalid(DomainError::LikelyDuplicate { households: 1 })) => {}
        other => return Err(format!("expected a likely duplicate, got {other:?}").into()),
    }
    assert_eq!(household_count(&d.db).await?, before, "nothing stored");
    let likely = d
        .services
        .households
        .registration_duplicates(&d.fo, again.clone())
        .await?;
    assert_eq!(likely.len(), 1);
    let found = &likely[0];
    assert_eq!(found.household_id, Some(first));
    assert_eq!(found.head_name.as_deref(), Some("Darto Wiryono"));
    assert_eq!(found.village_name, "Waled Desa");
    assert_eq!(found.score, 95);
    let mut people: Vec<(String, Option<String>, LikenessReason)> = found
        .people
        .iter()
        .map(|p| {
            (
                p.typed_name.clone(),
                p.found_name.clone(),
                p.likeness.reason,
            )
        })
        .collect();
    people.sort();
    assert_eq!(
        people,
        vec![
            (
                "Darto Wirjono".into(),
                Some("Darto Wiryono".into()),
                LikenessReason::SameNameSameBirth
            ),
            (
                "Soemiati".into(),
                Some("Sumiati".into()),
                LikenessReason::SameNameSameBirth
            ),
        ],
        "Rina has no one alike on record"
    );
    assert_eq!(audit_rows(&d.db, "check_duplicates", "ok").await?.len(), 1);

    // Staff of another village of the sub-district learn only where.
    let other_fo = actor(
        &d.db,
        &d.services,
        "fo-kota",
        Role::FrontOffice,
        Some(WALED_KOTA),
    )
    .await?;
    let elsewhere = second_record(WALED_KOTA, 3)?;
    let likely = d
        .services
        .households
        .registration_duplicates(&other_fo, elsewhere.clone())
        .await?;
    assert_eq!(likely.len(), 1);
    assert_eq!(likely[0].household_id, None);
    assert_eq!(likely[0].head_name, None);
    assert_eq!(likely[0].no_kk_masked, None);
    // Neither who nor how alike: retyping other dates would tell a birth date.
    assert!(likely[0].people.is_empty());
    assert_eq!(likely[0].score, 0);
    assert_eq!(likely[0].village_name, "Waled Desa");

    // Confirmed as another family: saved, the confirmation audited with what was seen.
    let confirmed = RegisterHousehold {
        confirmed_new: true,
        ..again
    };
    let second = d.services.households.register(&d.fo, confirmed).await?.id;
    assert_ne!(second, first);
    let registered = audit_rows(&d.db, "register_household", "ok").await?;
    assert!(
        registered
            .iter()
            .any(|row| row.object_id == Some(second.to_string())
                && row
                    .detail
                    .as_deref()
                    .is_some_and(|d| d.contains(&format!("confirmed_new_despite=[{first}]")))),
        "{registered:?}"
    );
    // Another family altogether is saved at once.
    let mut other = household_request(WALED_DESA, 4, "other")?;
    other.confirmed_new = false;
    other.household.head_name = "Bambang Hartono".into();
    other.members[0].name = "Bambang Hartono".into();
    other.members[1].name = "Yuliani".into();
    d.services.households.register(&d.fo, other).await?;
    Ok(())
}

/// Whether registering `typed` (born `typed_birth`) beside `stored` (born
/// `stored_birth`) finds the stored family.
async fn caught(
    d: &Desks,
    row: u16,
    stored: (&str, chrono::NaiveDate),
    typed: (&str, chrono::NaiveDate),
) -> Result<bool, Box<dyn std::error::Error>> {
    let make = |serial: u16,
                name: &str,
                birth: chrono::NaiveDate|
     -> Result<RegisterHousehold, Box<dyn std::error::Error>> {
        let mut request = household_request(WALED_DESA, serial, &format!("table-{serial}"))?;
        request.household.head_name = name.into();
        request.members.truncate(1);
        request.members[0].name = name.into();
        request.members[0].nik = None;
        request.members[0].registry_status = MemberRegistryStatus::Undocumented;
        request.members[0].civil_registry_matched = false;
        request.members[0].birth_date = birth;
        Ok(request)
    };
    let kept = d
        .services
        .households
        .register(&d.fo, make(100 + row * 2, stored.0, stored.1)?)
        .await?
        .id;
    let likely = d
        .services
        .households
        .registration_duplicates(&d.fo, make(101 + row * 2, typed.0, typed.1)?)
        .await?;
    Ok(likely.iter().any(|l| l.household_id == Some(kept)))
}

/// A birth date as (year, month, day).
type Day = (i32, u32, u32);

#[tokio::test]
async fn who_is_caught_as_registered_twice_follows_indonesian_naming() -> TestResult {
    let d = desks().await?;
    // Each row's people are born years away from every other row's.
    let table: Vec<(&str, Day, &str, Day, bool)> = vec![
        (
            "Muhammad Rizki",
            (1950, 1, 5),
            "Mochamad Rizky",
            (1950, 1, 5),
            true,
        ),
        (
            "Siti Aminah",
            (1953, 2, 7),
            "Sitti Aminah",
            (1953, 2, 7),
            true,
        ),
        (
            "Siti Aminah",
            (1956, 3, 9),
            "Aminah Siti",
            (1956, 3, 9),
            true,
        ),
        (
            "Sri Rahayu Ningsih",
            (1959, 4, 1),
            "Sri Rahayu",
            (1959, 4, 1),
            true,
        ),
        ("Soekarno", (1962, 6, 6), "Sukarno", (1962, 6, 6), true),
        (
            "Djoko Santoso",
            (1965, 8, 3),
            "Joko Santoso",
            (1965, 3, 8),
            true,
        ),
        (
            "Budi Santoso",
            (1968, 5, 5),
            "Budi Susanto",
            (1968, 5, 5),
            false,
        ),
        (
            "Rina Wulandari",
            (1971, 9, 9),
            "Rini Wulandari",
            (1971, 9, 9),
            false,
        ),
        (
            "Hasan Basri",
            (1974, 1, 1),
            "Husain Basri",
            (1974, 1, 1),
            false,
        ),
        (
            "Agus Salim",
            (1977, 1, 1),
            "Agus Salim",
            (1980, 1, 1),
            false,
        ),
    ];
    for (row, (stored, sb, typed, tb, expected)) in table.into_iter().enumerate() {
        let day = |(y, m, dd): (i32, u32, u32)| date(y, m, dd);
        let row = u16::try_from(row)?;
        let found = caught(&d, row, (stored, day(sb)?), (typed, day(tb)?)).await?;
        assert_eq!(found, expected, "{stored} / {typed}");
    }
    Ok(())
}

/// Both records of the Wiryono family, the second with a case whose
/// referral names its Soemiati, a birth recorded on it, and an open case.
struct Twice {
    kept: i64,
    merged: i64,
    merged_case: i64,
    referral: i64,
    sumiati: i64,
    soemiati: i64,
}

async fn registered_twice(d: &Desks) -> Result<Twice, Box<dyn std::error::Error>> {
    let (kept, merged) = same_family_twice(d).await?;
    let member_named = |household: i64, name: &'static str| {
        let db = d.db.clone();
        async move {
            members::Entity::find()
                .filter(members::Column::HouseholdId.eq(household))
                .filter(members::Column::Name.eq(name))
                .one(&db)
                .await?
                .map(|m| m.id)
                .ok_or_else(|| format!("no {name}").into())
        }
    };
    let sumiati: i64 = member_named(kept, "Sumiati")
        .await
        .map_err(|e: Box<dyn std::error::Error>| e)?;
    let soemiati: i64 = member_named(merged, "Soemiati")
        .await
        .map_err(|e: Box<dyn std::error::Error>| e)?;
    let desk = Desk {
        db: &d.db,
        services: &d.services,
        fo: &d.fo,
        coordinator: &d.coordinator,
        village: WALED_DESA,
    };
    let merged_case = desk.case_for(merged, "twice", Some(soemiati)).await?;
    // A baby born into the second record's family.
    let mut baby = member(
        nik(Sex::Male, chrono::Utc::now().date_naive(), 2)?,
        "Bayi Wirjono",
        Relationship::Child,
    )?;
    baby.nik = None;
    baby.registry_status = MemberRegistryStatus::Undocumented;
    baby.civil_registry_matched = false;
    baby.marital_status = shared::member::MaritalStatus::NeverMarried;
    let version = d.services.households.file(&d.fo, merged).await?.version;
    d.services
        .households
        .life_event(
            &d.fo,
            shared::life_event::RecordLifeEvent {
                idempotency_key: "birth".into(),
                household_id: merged,
                version,
                event: shared::life_event::LifeEvent::MemberJoins {
                    member: baby,
                    reason: shared::proposal_change::JoinReason::Birth,
                },
                occurred_on: chrono::Utc::now().date_naive(),
                document: shared::complaint::EvidenceDocument::BirthCertificate,
                note: String::new(),
            },
        )
        .await?;
    let referral = referrals::Entity::find()
        .filter(referrals::Column::CaseId.eq(merged_case))
        .one(&d.db)
        .await?
        .ok_or("no referral")?
        .id;
    Ok(Twice {
        kept,
        merged,
        merged_case,
        referral,
        sumiati,
        soemiati,
    })
}

fn merge_request(preview: &MergePreview, same: Vec<SamePerson>, key: &str) -> MergeHouseholds {
    MergeHouseholds {
        idempotency_key: key.into(),
        survivor_id: preview.survivor.id,
        survivor_version: preview.survivor.version,
        merged_id: preview.merged.id,
        merged_version: preview.merged.version,
        head_name: MergeSide::Merged,
        address: MergeSide::Survivor,
        house: MergeSide::Survivor,
        economy: MergeSide::Merged,
        same_people: same,
    }
}

#[tokio::test]
async fn a_merge_loses_nothing_and_closes_the_merged_record() -> TestResult {
    let d = desks().await?;
    let t = registered_twice(&d).await?;
    // The district's list shows the pair.
    let list = d
        .services
        .households
        .district_duplicates(&d.manager)
        .await?;
    assert_eq!(list.len(), 1, "{list:?}");
    assert_eq!(
        (list[0].first.household_id, list[0].second.household_id),
        (t.kept, t.merged)
    );
    assert_eq!(list[0].people.len(), 2);
    assert_eq!(list[0].first.member_count, 2);
    assert_eq!(list[0].second.member_count, 4);
    // The front desk may not merge; the manager's preview pairs the people alike.
    let preview = d
        .services
        .households
        .merge_preview(&d.manager, t.kept, t.merged)
        .await?;
    assert!(matches!(
        d.services
            .households
            .merge_preview(&d.fo, t.kept, t.merged)
            .await,
        Err(ServiceError::Forbidden | ServiceError::Invalid(DomainError::AccessDenied { .. }))
    ));
    assert_eq!(preview.same_people.len(), 2);
    assert!(preview.same_people.contains(&SamePerson {
        kept: t.sumiati,
        merged: t.soemiati
    }));
    // Refusals change nothing: the merged head left unpaired, a stale version.
    let heads_only: Vec<SamePerson> = preview
        .same_people
        .iter()
        .copied()
        .filter(|p| p.kept == t.sumiati)
        .collect();
    match d
        .services
        .households
        .merge(
            &d.manager,
            merge_request(&preview, heads_only, "m-unpaired"),
        )
        .await
    {
        Err(ServiceError::Invalid(DomainError::Merge {
            problem: MergeProblem::HeadNotPaired,
        })) => {}
        other => return Err(format!("expected the head unpaired, got {other:?}").into()),
    }
    let mut stale = merge_request(&preview, preview.same_people.clone(), "m-stale");
    stale.merged_version = 7;
    assert!(matches!(
        d.services.households.merge(&d.manager, stale).await,
        Err(ServiceError::Conflict)
    ));
    assert_eq!(
        households::Entity::find_by_id(t.merged)
            .one(&d.db)
            .await?
            .ok_or("gone")?
            .status,
        "active"
    );

    // A document on the second record's file.
    let document = server::entities::attachments::ActiveModel {
        owner_type: sea_orm::Set("household".into()),
        owner_id: sea_orm::Set(t.merged),
        file_name: sea_orm::Set("kk-1.jpg".into()),
        content_type: sea_orm::Set("jpeg".into()),
        size_bytes: sea_orm::Set(10),
        sha256: sea_orm::Set("0".repeat(64)),
        storage_path: sea_orm::Set(format!("00/{}", "0".repeat(64))),
        uploaded_by: sea_orm::Set(None),
        uploaded_at: sea_orm::Set(chrono::Utc::now()),
        household_id: sea_orm::Set(Some(t.merged)),
        member_id: sea_orm::Set(None),
        kind: sea_orm::Set(Some("kk".into())),
        ..Default::default()
    };
    let document = sea_orm::ActiveModelTrait::insert(document, &d.db).await?.id;
    let request = merge_request(&preview, preview.same_people.clone(), "m-ok");
    let survivor = d
        .services
        .households
        .merge(&d.manager, request.clone())
        .await?;
    assert_eq!(survivor.id, t.kept);
    // A resend answers the same and merges nothing twice.
    assert_eq!(
        d.services.households.merge(&d.manager, request).await?.id,
        t.kept
    );

    // Every member of both records is on the surviving one; the same people
    // are kept once (the second entry marked as listed twice).
    let everyone = members::Entity::find()
        .filter(members::Column::HouseholdId.eq(t.kept))
        .all(&d.db)
        .await?;
    assert_eq!(everyone.len(), 6);
    let mut living: Vec<String> = everyone
        .iter()
        .filter(|m| m.is_living())
        .map(|m| m.name.clone())
        .collect();
    living.sort();
    assert_eq!(
        living,
        vec!["Bayi Wirjono", "Darto Wirjono", "Rina", "Sumiati"]
    );
    assert!(
        members::Entity::find()
            .filter(members::Column::HouseholdId.eq(t.merged))
            .all(&d.db)
            .await?
            .is_empty()
    );
    // The case follows the family; its referral names the member kept.
    let case = cases::Entity::find_by_id(t.merged_case)
        .one(&d.db)
        .await?
        .ok_or("no case")?;
    assert_eq!(case.household_id, t.kept);
    let referral = referrals::Entity::find_by_id(t.referral)
        .one(&d.db)
        .await?
        .ok_or("no referral")?;
    assert_eq!(referral.member_id, Some(t.sumiati));
    let document = server::entities::attachments::Entity::find_by_id(document)
        .one(&d.db)
        .await?
        .ok_or("no document")?;
    assert_eq!(
        (document.household_id, document.owner_id),
        (Some(t.kept), t.kept)
    );
    // The values chosen: the head's name of the second record, the rest as chosen.
    let kept = households::Entity::find_by_id(t.kept)
        .one(&d.db)
        .await?
        .ok_or("no household")?;
    assert_eq!(kept.head_name, "Darto Wirjono");
    let merged = households::Entity::find_by_id(t.merged)
        .one(&d.db)
        .await?
        .ok_or("no household")?;
    assert_eq!(
        (merged.status.as_str(), merged.merged_into),
        ("merged", Some(t.kept))
    );
    // Both records say what happened.
    let events = household_events::Entity::find()
        .filter(household_events::Column::Kind.eq("merged"))
        .all(&d.db)
        .await?;
    assert_eq!(events.len(), 2);
    // The second record's history is the kept record's now.
    let births = household_events::Entity::find()
        .filter(household_events::Column::Kind.eq("member_born"))
        .all(&d.db)
        .await?;
    assert_eq!(
        births.iter().map(|e| e.household_id).collect::<Vec<_>>(),
        vec![t.kept]
    );

    // The survivor's file holds it all; the merged record is read only.
    let file = d.services.households.file(&d.fo, t.kept).await?;
    assert_eq!(file.cases.len(), 1);
    assert_eq!(file.merged_into, None);
    let old = d.services.households.file(&d.fo, t.merged).await?;
    assert_eq!(old.merged_into, Some(t.kept));
    match d
        .services
        .cases
        .open(
            &d.fo,
            OpenCase {
                idempotency_key: "after-merge".into(),
                household_id: t.merged,
                channel: shared::complaint::Channel::WalkInPuskesos,
                complaints: vec![common::people::complaint(
                    shared::complaint::ComplaintType::ServiceRequest,
                )],
            },
        )
        .await
    {
        Err(ServiceError::Invalid(DomainError::HouseholdMerged { into })) => {
            assert_eq!(into, t.kept)
        }
        other => return Err(format!("expected the merged record refused, got {other:?}").into()),
    }
    let listed = d
        .services
        .households
        .list(&d.fo, HouseholdFilter::default())
        .await?;
    assert!(listed.items.iter().all(|h| h.id != t.merged));
    assert!(listed.items.iter().any(|h| h.id == t.kept));
    // No pair left to show; the counters equal a recount.
    assert!(
        d.services
            .households
            .district_duplicates(&d.manager)
            .await?
            .is_empty()
    );
    assert_eq!(common::stats_drift(&d.db).await?, Vec::<String>::new());
    assert_eq!(audit_rows(&d.db, "merge_households", "ok").await?.len(), 1);
    Ok(())
}

#[tokio::test]
async fn two_families_set_aside_leave_the_list() -> TestResult {
    let d = desks().await?;
    let t = registered_twice(&d).await?;
    assert_eq!(
        d.services
            .households
            .district_duplicates(&d.manager)
            .await?
            .len(),
        1
    );
    // Another district's manager sees none of it, while the pair is there.
    let other = actor(
        &d.db,
        &d.services,
        "manajer-klaten",
        Role::SlrtManager,
        Some("33.04"),
    )
    .await?;
    assert!(
        d.services
            .households
            .district_duplicates(&other)
            .await?
            .is_empty()
    );
    assert!(
        d.services
            .households
            .dismiss_duplicate(&d.fo, t.kept, t.merged)
            .await
            .is_err(),
        "the front desk may not"
    );
    d.services
        .households
        .dismiss_duplicate(&d.manager, t.merged, t.kept)
        .await?;
    // Said twice, kept once.
    d.services
        .households
        .dismiss_duplicate(&d.manager, t.kept, t.merged)
        .await?;
    assert!(
        d.services
            .households
            .district_duplicates(&d.manager)
            .await?
            .is_empty()
    );
    assert_eq!(audit_rows(&d.db, "dismiss_duplicate", "ok").await?.len(), 2);
    Ok(())
}

#[tokio::test]
async fn a_record_with_a_proposal_under_way_is_not_merged_until_it_is_decided() -> TestResult {
    let d = desks().await?;
    let t = registered_twice(&d).await?;
    d.services
        .proposals
        .start(
            &d.coordinator,
            shared::dto::StartProposal {
                idempotency_key: "p-1".into(),
                household_id: t.merged,
                change: shared::proposal_change::ProposalChange::NewFamily,
                source: shared::proposal::ProposalSource::Visit,
                note: "Belum terdaftar di DTSEN".into(),
            },
        )
        .await?;
    let preview = d
        .services
        .households
        .merge_preview(&d.manager, t.kept, t.merged)
        .await?;
    let request = merge_request(&preview, preview.same_people.clone(), "m-1");
    match d.services.households.merge(&d.manager, request).await {
        Err(ServiceError::Invalid(DomainError::Merge {
            problem: MergeProblem::OpenProposal,
        })) => {}
        other => return Err(format!("expected the proposal to wait for, got {other:?}").into()),
    }
    let merged = households::Entity::find_by_id(t.merged)
        .one(&d.db)
        .await?
        .ok_or("gone")?;
    assert_eq!(
        (merged.status.as_str(), merged.merged_into),
        ("active", None)
    );
    Ok(())
}

#[tokio::test]
async fn a_merge_across_villages_keeps_the_family_where_the_address_chosen_is() -> TestResult {
    let d = desks().await?;
    let kota_fo = actor(
        &d.db,
        &d.services,
        "fo-kota",
        Role::FrontOffice,
        Some(WALED_KOTA),
    )
    .await?;
    let kota_coordinator = actor(
        &d.db,
        &d.services,
        "koordinator-kota",
        Role::PuskesosCoordinator,
        Some(WALED_KOTA),
    )
    .await?;
    let kept = d
        .services
        .households
        .register(&d.fo, first_record(WALED_DESA, 1)?)
        .await?
        .id;
    let second = RegisterHousehold {
        confirmed_new: true,
        ..second_record(WALED_KOTA, 2)?
    };
    let merged = d.services.households.register(&kota_fo, second).await?.id;
    let desk = Desk {
        db: &d.db,
        services: &d.services,
        fo: &d.fo,
        coordinator: &d.coordinator,
        village: WALED_DESA,
    };
    let desa_case = desk.case_for(kept, "desa", None).await?;
    let kota_desk = Desk {
        fo: &kota_fo,
        coordinator: &kota_coordinator,
        village: WALED_KOTA,
        ..desk
    };
    let kota_case = kota_desk.case_for(merged, "kota", None).await?;
    let preview = d
        .services
        .households
        .merge_preview(&d.manager, kept, merged)
        .await?;
    let mut request = merge_request(&preview, preview.same_people.clone(), "m-1");
    // The family lives at the second record's address, in Waled Kota.
    request.address = MergeSide::Merged;
    d.services.households.merge(&d.manager, request).await?;
    let row = households::Entity::find_by_id(kept)
        .one(&d.db)
        .await?
        .ok_or("gone")?;
    assert_eq!(row.village_code, WALED_KOTA);
    // Both open cases are worked by Waled Kota's staff now.
    for case in [desa_case, kota_case] {
        let case = cases::Entity::find_by_id(case)
            .one(&d.db)
            .await?
            .ok_or("no case")?;
        assert_eq!(
            (case.household_id, case.village_code.as_str()),
            (kept, WALED_KOTA)
        );
    }
    assert!(d.services.households.file(&kota_fo, kept).await.is_ok());
    assert_eq!(
        d.services.households.file(&d.fo, kept).await.err(),
        Some(ServiceError::Forbidden)
    );
    assert_eq!(common::stats_drift(&d.db).await?, Vec::<String>::new());
    Ok(())
}

/// The family of `household` moves to Jatiseeng (another sub-district).
async fn move_to_jatiseeng(d: &Desks, household: i64) -> TestResult {
    let version = d.services.households.file(&d.fo, household).await?.version;
    d.services
        .households
        .life_event(
            &d.fo,
            shared::life_event::RecordLifeEvent {
                idempotency_key: "move".into(),
                household_id: household,
                version,
                event: shared::life_event::LifeEvent::Moved {
                    address: shared::geo::Address::parse(JATISEENG, "", "1", "1", "")?,
                },
                occurred_on: chrono::Utc::now().date_naive(),
                document: shared::complaint::EvidenceDocument::MovingLetter,
                note: String::new(),
            },
        )
        .await?;
    Ok(())
}

#[tokio::test]
async fn a_family_that_moved_is_looked_for_where_it_lives_now() -> TestResult {
    let d = desks().await?;
    let moved = d
        .services
        .households
        .register(&d.fo, first_record(WALED_DESA, 1)?)
        .await?
        .id;
    move_to_jatiseeng(&d, moved).await?;
    let there = actor(
        &d.db,
        &d.services,
        "fo-jati",
        Role::FrontOffice,
        Some(JATISEENG),
    )
    .await?;
    let found = d
        .services
        .households
        .registration_duplicates(&there, second_record(JATISEENG, 2)?)
        .await?;
    assert_eq!(
        found.iter().map(|l| l.household_id).collect::<Vec<_>>(),
        vec![Some(moved)]
    );
    let here = d
        .services
        .households
        .registration_duplicates(&d.fo, second_record(WALED_DESA, 3)?)
        .await?;
    assert!(here.is_empty(), "{here:?}");
    assert_eq!(common::stats_drift(&d.db).await?, Vec::<String>::new());
    Ok(())
}

/// The scan of one sub-district: (changes, changes when last computed).
async fn scan_of(
    db: &DatabaseConnection,
    subdistrict: &str,
) -> Result<(i64, Option<i64>), Box<dyn std::error::Error>> {
    let scan = server::entities::duplicate_scans::Entity::find_by_id(subdistrict.to_string())
        .one(db)
        .await?
        .ok_or("no scan")?;
    Ok((scan.changes, scan.scanned_changes))
}

#[tokio::test]
async fn the_district_list_follows_the_families_as_they_change() -> TestResult {
    let d = desks().await?;
    let list = |d: &Desks| {
        let services = d.services.clone();
        let manager = d.manager.clone();
        async move { services.households.district_duplicates(&manager).await }
    };
    d.services
        .households
        .register(&d.fo, first_record(WALED_DESA, 1)?)
        .await?;
    assert!(list(&d).await?.is_empty());
    // Computed: the sub-district is up to date until its people change.
    let (changes, scanned) = scan_of(&d.db, "32.09.01").await?;
    assert_eq!(scanned, Some(changes));
    // The family registered again, confirmed as new by the desk: a change.
    let again = d
        .services
        .households
        .register(
            &d.fo,
            RegisterHousehold {
                confirmed_new: true,
                ..second_record(WALED_DESA, 2)?
            },
        )
        .await?
        .id;
    let (changes_now, _) = scan_of(&d.db, "32.09.01").await?;
    assert!(changes_now > changes, "a registration is a change");
    let pairs = list(&d).await?;
    assert_eq!(pairs.len(), 1, "{pairs:?}");
    assert_eq!(pairs[0].second.household_id, again);
    assert_eq!(pairs[0].people.len(), 2);
    // The family registered again moves to another sub-district: no longer a pair.
    move_to_jatiseeng(&d, again).await?;
    assert!(list(&d).await?.is_empty());
    let (changes, scanned) = scan_of(&d.db, "32.09.02").await?;
    assert_eq!(
        scanned,
        Some(changes),
        "the new sub-district was computed too"
    );
    assert_eq!(common::stats_drift(&d.db).await?, Vec::<String>::new());
    Ok(())
}

#[tokio::test]
async fn people_stored_before_their_words_were_kept_are_found_after_the_upgrade() -> TestResult {
    use migrations::{Migrator, MigratorTrait};
    let d = desks().await?;
    let kept = d
        .services
        .households
        .register(&d.fo, first_record(WALED_DESA, 1)?)
        .await?
        .id;
    let version = d.services.households.file(&d.fo, kept).await?.version;
    // Sumiati dies: the dead are not looked for, before or after the upgrade.
    let sumiati = members::Entity::find()
        .filter(members::Column::HouseholdId.eq(kept))
        .filter(members::Column::Name.eq("Sumiati"))
        .one(&d.db)
        .await?
        .ok_or("no Sumiati")?
        .id;
    d.services
        .households
        .life_event(
            &d.fo,
            shared::life_event::RecordLifeEvent {
                idempotency_key: "death".into(),
                household_id: kept,
                version,
                event: shared::life_event::LifeEvent::MemberLeaves {
                    member_id: sumiati,
                    reason: shared::proposal_change::LeaveReason::Died,
                    new_head: None,
                },
                occurred_on: chrono::Utc::now().date_naive(),
                document: shared::complaint::EvidenceDocument::DeathCertificate,
                note: String::new(),
            },
        )
        .await?;
    // The database as it was before the words were kept, then upgraded.
    Migrator::down(&d.db, Some(1)).await?;
    Migrator::up(&d.db, None).await?;
    assert_eq!(common::stats_drift(&d.db).await?, Vec::<String>::new());
    let found = d
        .services
        .households
        .registration_duplicates(&d.fo, second_record(WALED_DESA, 2)?)
        .await?;
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].household_id, Some(kept));
    let names: Vec<Option<String>> = found[0]
        .people
        .iter()
        .map(|p| p.found_name.clone())
        .collect();
    assert_eq!(names, vec![Some("Darto Wiryono".to_string())]);
    // And the district's list is computed for the sub-districts there were.
    assert!(
        d.services
            .households
            .district_duplicates(&d.manager)
            .await?
            .is_empty()
    );
    Ok(())
}

/// The same family registered twice in Waled Desa (confirmed as new the
/// second time): the two records' ids.
async fn same_family_twice(d: &Desks) -> Result<(i64, i64), Box<dyn std::error::Error>> {
    let first = d
        .services
        .households
        .register(&d.fo, first_record(WALED_DESA, 1)?)
        .await?
        .id;
    let second = RegisterHousehold {
        confirmed_new: true,
        ..second_record(WALED_DESA, 2)?
    };
    let second = d.services.households.register(&d.fo, second).await?.id;
    Ok((first, second))
}

/// A record made from a village's BNBA list holds placeholders for the house
/// and the income: merged with a record the front desk surveyed, the
/// survivor is marked as not recorded only where the list's side is chosen.
#[tokio::test]
async fn a_merge_keeps_the_not_yet_recorded_mark_with_the_side_chosen() -> TestResult {
    let d = desks().await?;
    let (kept, listed) = same_family_twice(&d).await?;
    // As the BNBA import records it: placeholders, marked.
    common::mark_awaiting_survey(&d.db, listed).await?;

    let preview = d
        .services
        .households
        .merge_preview(&d.manager, kept, listed)
        .await?;
    assert!(preview.merged.awaiting_survey && !preview.survivor.awaiting_survey);
    // The surveyed house is kept; the economy from the list's side: still to be recorded.
    let request = merge_request(&preview, preview.same_people.clone(), "m-listed");
    assert_eq!(
        (request.house, request.economy),
        (MergeSide::Survivor, MergeSide::Merged)
    );
    d.services.households.merge(&d.manager, request).await?;
    let file = d.services.households.file(&d.fo, kept).await?;
    assert!(file.awaiting_survey, "the list's economy is no answer");
    Ok(())
}

/// The same merge choosing the surveyed side for both: recorded.
#[tokio::test]
async fn a_merge_choosing_the_surveyed_side_is_recorded() -> TestResult {
    let d = desks().await?;
    let (kept, listed) = same_family_twice(&d).await?;
    common::mark_awaiting_survey(&d.db, kept).await?;
    let preview = d
        .services
        .households
        .merge_preview(&d.manager, kept, listed)
        .await?;
    let mut request = merge_request(&preview, preview.same_people.clone(), "m-surveyed");
    request.house = MergeSide::Merged;
    request.economy = MergeSide::Merged;
    d.services.households.merge(&d.manager, request).await?;
    let file = d.services.households.file(&d.fo, kept).await?;
    assert!(
        !file.awaiting_survey,
        "both answers come from the surveyed record"
    );
    Ok(())
}
