//! Deadline day in a test: many desks of one village saving at the same moment,
//! on a pooled database as the server has it (a SQLite file, or PostgreSQL).
//! Every save must be stored, each case and referral with its own number, and a
//! save sent again while the first is still running must be stored once.

mod common;

use std::collections::BTreeSet;

use common::people::{complaint, household_request};
use common::{TestResult, pooled_database_with_areas};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use server::entities::{cases, households, idempotency_keys};
use server::services;
use shared::complaint::{Channel, ComplaintType};
use shared::contract::Services;
use shared::dto::OpenCase;
use shared::roles::Role;
use tokio::task::JoinSet;

/// The village every desk works in.
const VILLAGE: &str = "32.09.01.2008";
/// Desks saving at once.
const DESKS: u16 = 40;

fn open_case(household_id: i64, key: &str) -> OpenCase {
    OpenCase {
        idempotency_key: key.to_string(),
        household_id,
        channel: Channel::WalkInPuskesos,
        complaints: vec![complaint(ComplaintType::ServiceRequest)],
    }
}

/// Registers `DESKS` households at once, one per desk; answers their ids.
async fn register_at_once(
    services: &Services,
    actor: &shared::contract::Actor,
) -> Result<Vec<i64>, Box<dyn std::error::Error>> {
    let mut desks = JoinSet::new();
    for desk in 1..=DESKS {
        let request = household_request(VILLAGE, desk, &format!("daftar-{desk}"))?;
        let (services, actor) = (services.clone(), actor.clone());
        desks.spawn(async move { services.households.register(&actor, request).await });
    }
    let mut ids = Vec::new();
    while let Some(saved) = desks.join_next().await {
        ids.push(saved??.id);
    }
    Ok(ids)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn desks_of_one_village_saving_at_once_are_all_stored_with_distinct_numbers() -> TestResult {
    let (db, _folder) = pooled_database_with_areas().await?;
    let services = services::build(db.clone(), common::config());
    let desk = common::actor(
        &db,
        &services,
        "fo.serentak",
        Role::FrontOffice,
        Some(VILLAGE),
    )
    .await?;

    let household_ids = register_at_once(&services, &desk).await?;
    assert_eq!(household_ids.len(), usize::from(DESKS));
    assert_eq!(
        households::Entity::find().count(&db).await?,
        u64::from(DESKS)
    );

    let mut desks = JoinSet::new();
    for (n, household_id) in household_ids.iter().enumerate() {
        let (services, actor) = (services.clone(), desk.clone());
        let request = open_case(*household_id, &format!("kasus-{n}"));
        desks.spawn(async move { services.cases.open(&actor, request).await });
    }
    let mut case_ids = BTreeSet::new();
    while let Some(opened) = desks.join_next().await {
        case_ids.insert(opened??.id);
    }
    assert_eq!(case_ids.len(), usize::from(DESKS), "one case per desk");

    let numbers: BTreeSet<String> = cases::Entity::find()
        .all(&db)
        .await?
        .into_iter()
        .map(|case| case.number)
        .collect();
    let year = chrono::Utc::now().date_naive().format("%Y");
    let expected: BTreeSet<String> = (1..=DESKS)
        .map(|serial| format!("SLRT/3209012008/{year}/{serial:05}"))
        .collect();
    assert_eq!(numbers, expected, "numbers 1..={DESKS}, each once");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_save_sent_again_while_the_first_runs_is_stored_once() -> TestResult {
    let (db, _folder) = pooled_database_with_areas().await?;
    let services = services::build(db.clone(), common::config());
    let desk = common::actor(&db, &services, "fo.ulang", Role::FrontOffice, Some(VILLAGE)).await?;
    let household = services
        .households
        .register(&desk, household_request(VILLAGE, 7, "daftar-sekali")?)
        .await?;

    // The same request (same key) five times at once, as a browser retrying
    // over a connection that dropped its answers.
    let mut tries = JoinSet::new();
    for _ in 0..5 {
        let (services, actor) = (services.clone(), desk.clone());
        let request = open_case(household.id, "kasus-sama");
        tries.spawn(async move { services.cases.open(&actor, request).await });
    }
    let mut answers = BTreeSet::new();
    while let Some(answer) = tries.join_next().await {
        answers.insert(answer??.id);
    }
    assert_eq!(answers.len(), 1, "every try answers the same case");
    assert_eq!(
        cases::Entity::find()
            .filter(cases::Column::HouseholdId.eq(household.id))
            .count(&db)
            .await?,
        1
    );
    assert_eq!(
        idempotency_keys::Entity::find()
            .filter(idempotency_keys::Column::UserId.eq(desk.user_id))
            .filter(idempotency_keys::Column::ObjectType.eq("case"))
            .count(&db)
            .await?,
        1
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn counters_continue_after_cases_numbered_without_them() -> TestResult {
    let (db, _folder) = pooled_database_with_areas().await?;
    let services = services::build(db.clone(), common::config());
    let desk = common::actor(
        &db,
        &services,
        "fo.lanjut",
        Role::FrontOffice,
        Some(VILLAGE),
    )
    .await?;
    let first = services
        .households
        .register(&desk, household_request(VILLAGE, 1, "daftar-1")?)
        .await?;
    services
        .cases
        .open(&desk, open_case(first.id, "kasus-1"))
        .await?;
    // Numbers given outside the counter (an older database, a bulk seed): the
    // stored case is renumbered 7, and the counter row of the series is gone.
    use sea_orm::ConnectionTrait;
    let year = chrono::Utc::now().date_naive().format("%Y");
    db.execute_unprepared(&format!(
        "UPDATE cases SET number = 'SLRT/3209012008/{year}/00007'"
    ))
    .await?;
    db.execute_unprepared("DELETE FROM number_counters").await?;
    let second = services
        .cases
        .open(&desk, open_case(first.id, "kasus-2"))
        .await?;
    let number_of = async |id: i64| -> Result<String, Box<dyn std::error::Error>> {
        Ok(cases::Entity::find_by_id(id)
            .one(&db)
            .await?
            .ok_or("case missing")?
            .number)
    };
    let number = number_of(second.id).await?;
    assert!(number.ends_with("/00008"), "{number}");
    // And a counter behind the stored numbers (the row back at 1, a case at 9).
    db.execute_unprepared("UPDATE number_counters SET last_serial = 1")
        .await?;
    db.execute_unprepared(&format!(
        "UPDATE cases SET number = 'SLRT/3209012008/{year}/00009' WHERE id = {}",
        second.id
    ))
    .await?;
    let third = services
        .cases
        .open(&desk, open_case(first.id, "kasus-3"))
        .await?;
    let number = number_of(third.id).await?;
    assert!(number.ends_with("/00010"), "{number}");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_registration_sent_again_or_by_two_desks_at_once_is_stored_once() -> TestResult {
    let (db, _folder) = pooled_database_with_areas().await?;
    let services = services::build(db.clone(), common::config());
    let desk = common::actor(
        &db,
        &services,
        "fo.kembar",
        Role::FrontOffice,
        Some(VILLAGE),
    )
    .await?;
    // The same request five times at once (a browser resending), then the same
    // family by two desks at once with their own keys.
    let mut tries = JoinSet::new();
    for n in 0..7 {
        let key = if n < 5 {
            "daftar-sama".to_string()
        } else {
            format!("meja-{n}")
        };
        let request = household_request(VILLAGE, 11, &key)?;
        let (services, actor) = (services.clone(), desk.clone());
        tries.spawn(async move { (key, services.households.register(&actor, request).await) });
    }
    let mut stored = BTreeSet::new();
    let mut stored_by = BTreeSet::new();
    let mut refused = Vec::new();
    while let Some(answer) = tries.join_next().await {
        let (key, answer) = answer?;
        match answer {
            Ok(created) => {
                stored.insert(created.id);
                stored_by.insert(key);
            }
            Err(error) => refused.push((key, error)),
        }
    }
    assert_eq!(
        stored.len(),
        1,
        "one household: {stored:?}, refused {refused:?}"
    );
    assert_eq!(stored_by.len(), 1, "stored by one request: {stored_by:?}");
    // When the resent request is the one stored, every resend gets it; the
    // others are told the family (its card or its members) is on record.
    for (key, error) in &refused {
        assert!(
            !stored_by.contains(key),
            "a resend refused: {key} {error:?}"
        );
        assert!(
            matches!(
                error,
                shared::contract::ServiceError::DuplicateNoKk
                    | shared::contract::ServiceError::DuplicateNik
            ),
            "{key}: {error:?}"
        );
    }
    assert_eq!(households::Entity::find().count(&db).await?, 1);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_key_used_by_two_desks_and_for_two_kinds_at_once_keeps_them_apart() -> TestResult {
    let (db, _folder) = pooled_database_with_areas().await?;
    let services = services::build(db.clone(), common::config());
    let first = common::actor(&db, &services, "fo.satu", Role::FrontOffice, Some(VILLAGE)).await?;
    let second = common::actor(&db, &services, "fo.dua", Role::FrontOffice, Some(VILLAGE)).await?;
    let household = services
        .households
        .register(&first, household_request(VILLAGE, 21, "kunci-sama")?)
        .await?;
    // Two desks whose browsers happened to make the same key, each sending twice
    // at once; and the first desk's case with the key of its registration.
    let mut tries = JoinSet::new();
    for (n, desk) in [&first, &second, &first, &second].into_iter().enumerate() {
        let (services, actor) = (services.clone(), desk.clone());
        let request = open_case(household.id, "kunci-sama");
        tries.spawn(async move { (n % 2, services.cases.open(&actor, request).await) });
    }
    let mut by_desk: [BTreeSet<i64>; 2] = [BTreeSet::new(), BTreeSet::new()];
    while let Some(answer) = tries.join_next().await {
        let (desk, opened) = answer?;
        by_desk[desk].insert(opened?.id);
    }
    assert_eq!(
        by_desk[0].len(),
        1,
        "each desk's resend answers its own case"
    );
    assert_eq!(by_desk[1].len(), 1);
    assert_ne!(
        by_desk[0], by_desk[1],
        "one desk never gets the other's case"
    );
    assert_eq!(
        cases::Entity::find()
            .filter(cases::Column::HouseholdId.eq(household.id))
            .count(&db)
            .await?,
        2
    );
    // The registration under the same key still answers the household.
    let again = services
        .households
        .register(&first, household_request(VILLAGE, 21, "kunci-sama")?)
        .await?;
    assert_eq!(again.id, household.id);
    Ok(())
}
