//! The household service on SQLite and PostgreSQL: registration, idempotency,
//! lookups, masking, area scoping, optimistic concurrency, reveal, and the
//! specific personal data kept to the roles that work with it (life events:
//! `life_events.rs`).

mod common;

use common::people::{household_request, nik};
use common::{TestResult, actor, audit_rows, database_with_areas};
use sea_orm::{ConnectionTrait, EntityTrait, PaginatorTrait, Statement};
use server::entities::{households, members};
use server::services;
use shared::contract::ServiceError;
use shared::dto::{IdentityQuery, RegistryCheck, UpdateHousehold};
use shared::geo::AreaCode;
use shared::identity::Sex;
use shared::member::Relationship;
use shared::roles::Role;

const WALED_DESA: &str = "32.09.01.2008";
const WALED_KOTA: &str = "32.09.01.2009";
const SUSUKAN: &str = "33.04.01.2001";

#[tokio::test]
async fn registration_stores_identity_only_protected_and_shows_it_masked() -> TestResult {
    let db = database_with_areas().await?;
    let services = services::build(db.clone(), common::config());
    let fo = actor(
        &db,
        &services,
        "fo.waled",
        Role::FrontOffice,
        Some(WALED_DESA),
    )
    .await?;
    let request = household_request(WALED_DESA, 1, "key-1")?;
    let clear_kk = request.household.no_kk.as_str();
    let clear_niks: Vec<String> = request
        .members
        .iter()
        .filter_map(|m| m.nik.as_ref().map(|n| n.as_str()))
        .collect();
    let created = services.households.register(&fo, request).await?;

    let file = services.households.file(&fo, created.id).await?;
    assert_eq!(file.no_kk_masked, "************0001");
    assert_eq!(file.members.len(), 2);
    assert!(file.members.iter().all(|m| m.member.nik.is_none()));
    assert!(
        file.members
            .iter()
            .all(|m| m.nik_masked.as_deref().is_some_and(|n| n.contains("****")))
    );

    // No column of any table holds a clear number.
    let dump = format!(
        "{:?}{:?}",
        households::Entity::find().all(&db).await?,
        members::Entity::find().all(&db).await?
    );
    assert!(!dump.contains(&clear_kk));
    for nik in clear_niks {
        assert!(!dump.contains(&nik));
    }
    assert_eq!(audit_rows(&db, "register_household", "ok").await?.len(), 1);
    assert_eq!(audit_rows(&db, "view_household", "ok").await?.len(), 1);
    Ok(())
}

#[tokio::test]
async fn a_retried_registration_creates_one_household() -> TestResult {
    let db = database_with_areas().await?;
    let services = services::build(db.clone(), common::config());
    let fo = actor(
        &db,
        &services,
        "fo.waled",
        Role::FrontOffice,
        Some(WALED_DESA),
    )
    .await?;
    let first = services
        .households
        .register(&fo, household_request(WALED_DESA, 2, "same-key")?)
        .await?;
    let again = services
        .households
        .register(&fo, household_request(WALED_DESA, 2, "same-key")?)
        .await?;
    assert_eq!(first, again);
    assert_eq!(households::Entity::find().count(&db).await?, 1);

    let other_key = services
        .households
        .register(&fo, household_request(WALED_DESA, 2, "other-key")?)
        .await;
    assert_eq!(other_key.err(), Some(ServiceError::DuplicateNoKk));
    assert_eq!(households::Entity::find().count(&db).await?, 1);
    Ok(())
}

#[tokio::test]
async fn invalid_input_changes_nothing() -> TestResult {
    let db = database_with_areas().await?;
    let services = services::build(db.clone(), common::config());
    let fo = actor(
        &db,
        &services,
        "fo.waled",
        Role::FrontOffice,
        Some(WALED_DESA),
    )
    .await?;
    let mut request = household_request(WALED_DESA, 3, "k3")?;
    request.members[1].name = "   ".into();
    let result = services.households.register(&fo, request).await;
    assert!(
        matches!(result, Err(ServiceError::Invalid(_))),
        "{result:?}"
    );
    // Two heads are refused too.
    let mut request = household_request(WALED_DESA, 3, "k3b")?;
    request.members[1].relationship = Relationship::Head;
    assert!(matches!(
        services.households.register(&fo, request).await,
        Err(ServiceError::Invalid(_))
    ));
    assert_eq!(households::Entity::find().count(&db).await?, 0);
    assert_eq!(members::Entity::find().count(&db).await?, 0);
    Ok(())
}

#[tokio::test]
async fn other_areas_and_aggregate_roles_are_refused_and_audited() -> TestResult {
    let db = database_with_areas().await?;
    let services = services::build(db.clone(), common::config());
    let fo = actor(
        &db,
        &services,
        "fo.waled",
        Role::FrontOffice,
        Some(WALED_DESA),
    )
    .await?;
    let neighbour = actor(
        &db,
        &services,
        "fo.kota",
        Role::FrontOffice,
        Some(WALED_KOTA),
    )
    .await?;
    let far = actor(
        &db,
        &services,
        "fo.susukan",
        Role::FrontOffice,
        Some(SUSUKAN),
    )
    .await?;
    let head = actor(&db, &services, "kadis", Role::DistrictHead, Some("32.09")).await?;
    let manager = actor(&db, &services, "manajer", Role::SlrtManager, Some("32.09")).await?;
    let id = services
        .households
        .register(&fo, household_request(WALED_DESA, 4, "k4")?)
        .await?
        .id;

    for outsider in [&neighbour, &far, &head] {
        assert_eq!(
            services.households.file(outsider, id).await.err(),
            Some(ServiceError::Forbidden)
        );
    }
    // Registering into someone else's village is refused as well.
    let refused = services
        .households
        .register(&far, household_request(WALED_DESA, 5, "k5")?)
        .await;
    assert_eq!(refused.err(), Some(ServiceError::Forbidden));
    assert_eq!(
        audit_rows(&db, "view_personal_data", "refused")
            .await?
            .len(),
        3
    );
    assert_eq!(
        audit_rows(&db, "register_household", "refused")
            .await?
            .len(),
        1
    );

    // The district manager sees upward.
    assert_eq!(services.households.file(&manager, id).await?.id, id);

    // Lookups: inside the area the household is found; outside only "registered elsewhere".
    let query = IdentityQuery::Nik(nik(Sex::Male, common::people::date(1980, 4, 2)?, 4)?);
    let inside = services.households.lookup(&fo, query.clone()).await?;
    assert_eq!(inside.households.len(), 1);
    assert!(!inside.registered_elsewhere);
    let query_again = query.clone();
    let outside = services.households.lookup(&far, query).await?;
    assert!(outside.households.is_empty());
    assert!(outside.registered_elsewhere);
    // Only where to send the resident: the district, or the sub-district for a desk
    // of the same district; never the household, its village or its registry record.
    let kabupaten = area_name(&db, "32.09").await?;
    let kecamatan = area_name(&db, "32.09.01").await?;
    assert_eq!(outside.elsewhere_area.as_deref(), Some(kabupaten.as_str()));
    assert!(inside.elsewhere_area.is_none());
    let next_door = services.households.lookup(&neighbour, query_again).await?;
    assert_eq!(
        next_door.elsewhere_area.as_deref(),
        Some(kecamatan.as_str())
    );

    // A registry family of another area: its record is not given, only where it is.
    common::in_registry(&db, 77, WALED_DESA, 2).await?;
    let kk = IdentityQuery::NoKk(common::people::no_kk(77)?);
    match services.households.lookup(&fo, kk.clone()).await?.registry {
        RegistryCheck::Found { record } => assert_eq!(record.desil.get(), 2),
        other => panic!("the village's own desk sees the record, got {other:?}"),
    }
    let answer = services.households.lookup(&far, kk).await?;
    assert_eq!(
        answer.registry,
        RegistryCheck::OtherArea {
            district_name: kabupaten.clone()
        }
    );
    let text = serde_json::to_string(&answer)?;
    for leak in ["R-77", "desil", "programmes", WALED_DESA, "3209012008"] {
        assert!(!text.contains(leak), "{leak} in {text}");
    }
    Ok(())
}

async fn area_name(
    db: &sea_orm::DatabaseConnection,
    code: &str,
) -> Result<String, Box<dyn std::error::Error>> {
    use sea_orm::EntityTrait;
    Ok(
        server::entities::areas::Entity::find_by_id(code.to_string())
            .one(db)
            .await?
            .ok_or("no such area")?
            .name,
    )
}

/// A user making more lookups and reveals than a front desk ever needs is
/// refused for a while (429 with a wait) and the administrators are told once.
#[tokio::test]
async fn lookups_beyond_a_desk_s_pace_are_limited_and_flagged() -> TestResult {
    let db = database_with_areas().await?;
    let services = services::build(
        db.clone(),
        server::services::ServiceConfig {
            lookups: (3, std::time::Duration::from_secs(600)),
            ..common::config()
        },
    );
    let fo = actor(
        &db,
        &services,
        "fo.waled",
        Role::FrontOffice,
        Some(WALED_DESA),
    )
    .await?;
    let other = actor(
        &db,
        &services,
        "fo.kota",
        Role::FrontOffice,
        Some(WALED_KOTA),
    )
    .await?;
    let query = |serial| -> Result<IdentityQuery, Box<dyn std::error::Error>> {
        Ok(IdentityQuery::NoKk(common::people::no_kk(serial)?))
    };
    for serial in 1..=3 {
        services.households.lookup(&fo, query(serial)?).await?;
    }
    for serial in 4..=6 {
        match services.households.lookup(&fo, query(serial)?).await {
            Err(ServiceError::LookupLimited {
                retry_after_seconds,
            }) => assert!((1..=600).contains(&retry_after_seconds)),
            other => panic!("expected a limit, got {other:?}"),
        }
    }
    assert_eq!(
        ServiceError::LookupLimited {
            retry_after_seconds: 5
        }
        .http_status(),
        429
    );
    // Another user's allowance is their own.
    services.households.lookup(&other, query(1)?).await?;
    assert_eq!(audit_rows(&db, "lookup_volume", "refused").await?.len(), 1);
    Ok(())
}

#[tokio::test]
async fn stale_updates_are_refused_and_changes_are_audited_field_by_field() -> TestResult {
    let db = database_with_areas().await?;
    let services = services::build(db.clone(), common::config());
    let fo = actor(
        &db,
        &services,
        "fo.waled",
        Role::FrontOffice,
        Some(WALED_DESA),
    )
    .await?;
    let id = services
        .households
        .register(&fo, household_request(WALED_DESA, 6, "k6")?)
        .await?
        .id;
    let file = services.households.file(&fo, id).await?;
    let update = |version, name: &str| UpdateHousehold {
        id,
        version,
        head_name: name.to_string(),
        address: file.address.clone(),
        housing: file.housing.clone(),
        assets: file.assets.clone(),
        income_band: file.income_band,
        programmes: file.programmes.clone(),
        has_house_photo: file.has_house_photo,
    };
    let version = services
        .households
        .update(&fo, update(file.version, "Darto W."))
        .await?;
    assert_eq!(version, file.version + 1);
    let stale = services
        .households
        .update(&fo, update(file.version, "Nama Lain"))
        .await;
    assert_eq!(stale.err(), Some(ServiceError::Conflict));
    assert_eq!(
        services.households.file(&fo, id).await?.head_name,
        "Darto W."
    );
    let audit = audit_rows(&db, "update_household", "ok").await?;
    assert_eq!(audit.len(), 1);
    let detail = audit[0].detail.clone().unwrap_or_default();
    assert!(
        detail.contains("head_name: \"Darto Wiryono\" → \"Darto W.\""),
        "{detail}"
    );
    Ok(())
}

#[tokio::test]
async fn whole_numbers_are_revealed_only_to_allowed_roles_and_audited() -> TestResult {
    let db = database_with_areas().await?;
    let services = services::build(db.clone(), common::config());
    let fo = actor(
        &db,
        &services,
        "fo.waled",
        Role::FrontOffice,
        Some(WALED_DESA),
    )
    .await?;
    let supervisor = actor(
        &db,
        &services,
        "supervisor",
        Role::Supervisor,
        Some("32.09"),
    )
    .await?;
    let request = household_request(WALED_DESA, 7, "k7")?;
    let expected = request.members[0]
        .nik
        .as_ref()
        .map(|n| n.as_str())
        .unwrap_or_default();
    let id = services.households.register(&fo, request).await?.id;
    let member_id = services.households.file(&fo, id).await?.members[0].id;
    assert_eq!(
        services.households.reveal_nik(&fo, member_id).await?,
        expected
    );
    assert_eq!(
        services.households.reveal_no_kk(&fo, id).await?,
        "3209011203150007"
    );
    assert_eq!(
        services
            .households
            .reveal_nik(&supervisor, member_id)
            .await
            .err(),
        Some(ServiceError::Forbidden)
    );
    assert_eq!(audit_rows(&db, "reveal_nik", "ok").await?.len(), 1);
    let audit_text = format!(
        "{:?}",
        server::entities::audit_log::Entity::find().all(&db).await?
    );
    assert!(
        !audit_text.contains(&expected),
        "the audit log must not hold the NIK"
    );
    Ok(())
}

#[tokio::test]
async fn the_household_list_filters_searches_literally_pages_and_stays_in_the_area() -> TestResult {
    use shared::dto::{HouseholdFilter, OpenCase};
    let db = database_with_areas().await?;
    let services = services::build(db.clone(), common::config());
    let fo = actor(
        &db,
        &services,
        "fo.waled",
        Role::FrontOffice,
        Some(WALED_DESA),
    )
    .await?;
    let fo_kota = actor(
        &db,
        &services,
        "fo.kota",
        Role::FrontOffice,
        Some(WALED_KOTA),
    )
    .await?;
    let mut ids = Vec::new();
    for (serial, name) in [(1, "Sri 50% Rahayu"), (2, "Sri 50 Rahayu"), (3, "Darto")] {
        let mut request = household_request(WALED_DESA, serial, &format!("list-{serial}"))?;
        request.household.head_name = name.to_string();
        ids.push(services.households.register(&fo, request).await?.id);
    }
    services
        .households
        .register(&fo_kota, household_request(WALED_KOTA, 4, "list-4")?)
        .await?;
    // The third household is in the registry at desil 2 and has an open case.
    db.execute_raw(Statement::from_string(
        db.get_database_backend(),
        format!(
            "UPDATE households SET registry_id = 'P3209010000099', desil = 2 WHERE id = {}",
            ids[2]
        ),
    ))
    .await?;
    services
        .cases
        .open(
            &fo,
            OpenCase {
                idempotency_key: "list-case".into(),
                household_id: ids[2],
                channel: shared::complaint::Channel::WalkInPuskesos,
                complaints: vec![common::people::complaint(
                    shared::complaint::ComplaintType::ServiceRequest,
                )],
            },
        )
        .await?;
    let list = |filter: HouseholdFilter| {
        let services = services.clone();
        let fo = fo.clone();
        async move { services.households.list(&fo, filter).await }
    };
    let all = HouseholdFilter {
        page: 1,
        per_page: 25,
        ..HouseholdFilter::default()
    };
    let page = list(all.clone()).await?;
    assert_eq!(page.total, 3, "only the officer's village");
    assert_eq!(
        page.items
            .iter()
            .map(|h| h.head_name.as_str())
            .collect::<Vec<_>>(),
        vec!["Darto", "Sri 50 Rahayu", "Sri 50% Rahayu"],
        "ordered by head of family"
    );
    assert!(
        page.items
            .iter()
            .all(|h| h.member_count == 2 && h.no_kk_masked.contains("****"))
    );
    let names = |page: shared::dto::Page<shared::dto::HouseholdRow>| {
        page.items
            .into_iter()
            .map(|h| h.head_name)
            .collect::<Vec<_>>()
    };
    let search = |text: &str| HouseholdFilter {
        search: Some(text.to_string()),
        ..all.clone()
    };
    assert_eq!(
        names(list(search("50%")).await?),
        vec!["Sri 50% Rahayu"],
        "% is a character, not a wildcard"
    );
    assert_eq!(
        names(list(search("sri 50")).await?).len(),
        2,
        "case-insensitive"
    );
    let registered = HouseholdFilter {
        in_registry: Some(true),
        ..all.clone()
    };
    assert_eq!(names(list(registered).await?), vec!["Darto"]);
    let unregistered = HouseholdFilter {
        in_registry: Some(false),
        ..all.clone()
    };
    assert_eq!(list(unregistered).await?.total, 2);
    let desil = HouseholdFilter {
        desil: Some(2),
        ..all.clone()
    };
    assert_eq!(names(list(desil).await?), vec!["Darto"]);
    let open = HouseholdFilter {
        open_case_only: true,
        ..all.clone()
    };
    assert_eq!(names(list(open).await?), vec!["Darto"]);
    let paged = list(HouseholdFilter {
        per_page: 2,
        page: 2,
        ..all.clone()
    })
    .await?;
    assert_eq!((paged.total, paged.items.len()), (3, 1));

    // Another village is refused (and audited); the export holds exactly the list.
    let elsewhere = HouseholdFilter {
        area: Some(AreaCode::parse(WALED_KOTA)?),
        ..all.clone()
    };
    assert!(matches!(
        list(elsewhere).await,
        Err(ServiceError::Forbidden)
    ));
    assert!(
        !audit_rows(&db, "view_personal_data", "refused")
            .await?
            .is_empty()
    );
    let exported = services.households.export(&fo, all.clone()).await?;
    assert_eq!(exported.total, 3);
    assert_eq!(exported.collect_all().await?, list(all).await?.items);
    assert_eq!(audit_rows(&db, "export", "ok").await?.len(), 1);
    assert!(!audit_rows(&db, "list_households", "ok").await?.is_empty());
    Ok(())
}

#[tokio::test]
async fn health_and_disability_reach_only_the_roles_that_work_with_them() -> TestResult {
    use axum::body::Body;
    use axum::http::{Request, header};
    use shared::member::{ChronicIllness, DisabilityType, PpksCategory};
    use tower::ServiceExt;
    let db = database_with_areas().await?;
    let services = services::build(db.clone(), common::config());
    let fo = actor(
        &db,
        &services,
        "fo.waled",
        Role::FrontOffice,
        Some(WALED_DESA),
    )
    .await?;
    actor(
        &db,
        &services,
        "bo.waled",
        Role::BackOffice,
        Some(WALED_DESA),
    )
    .await?;
    actor(
        &db,
        &services,
        "koordinator",
        Role::PuskesosCoordinator,
        Some(WALED_DESA),
    )
    .await?;
    actor(
        &db,
        &services,
        "supervisor",
        Role::Supervisor,
        Some("32.09"),
    )
    .await?;
    let mut request = household_request(WALED_DESA, 31, "k31")?;
    request.members[0].disabilities = vec![DisabilityType::Physical];
    request.members[0].chronic_illnesses = vec![ChronicIllness::Diabetes];
    request.members[1].pregnant = true;
    request.members[1].ppks = vec![PpksCategory::VulnerableWoman];
    let id = services.households.register(&fo, request).await?.id;

    let app = common::site_router(&db, services.clone());
    let call = |cookie: String, endpoint: &'static str| {
        let app = app.clone();
        async move {
            let response = app
                .oneshot(
                    Request::post(format!("/api/{endpoint}"))
                        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                        .header("sec-fetch-site", "same-origin")
                        .header(header::COOKIE, cookie)
                        .body(Body::from(format!("household_id={id}")))?,
                )
                .await?;
            let status = response.status();
            let body = axum::body::to_bytes(response.into_body(), 1 << 20).await?;
            Ok::<_, Box<dyn std::error::Error>>((status, String::from_utf8(body.to_vec())?))
        }
    };
    // Every role that opens the file gets the members without their health,
    // disability, pregnancy or PPKS: not hidden on the page, absent from the payload.
    for username in ["fo.waled", "bo.waled", "koordinator", "supervisor"] {
        let cookie = common::sign_in(&app, username).await?;
        let (status, body) = call(cookie, "household_file").await?;
        assert_eq!(status, 200, "{username}: {body}");
        assert!(body.contains("Sumiati"), "{username}: {body}");
        for field in ["disabilities", "chronic_illnesses", "pregnant", "ppks"] {
            assert!(!body.contains(field), "{username} received {field}: {body}");
        }
        for value in ["physical", "diabetes", "vulnerable_woman"] {
            assert!(!body.contains(value), "{username} received {value}: {body}");
        }
    }
    // The back office asks for them on purpose, and that is audited.
    let bo = common::sign_in(&app, "bo.waled").await?;
    let (status, body) = call(bo, "member_specifics").await?;
    assert_eq!(status, 200, "{body}");
    let specifics: Vec<shared::dto::MemberSpecifics> = serde_json::from_str(&body)?;
    assert_eq!(specifics.len(), 2);
    assert!(
        specifics
            .iter()
            .any(|m| m.disabilities == [DisabilityType::Physical]
                && m.chronic_illnesses == [ChronicIllness::Diabetes])
    );
    assert!(
        specifics
            .iter()
            .any(|m| m.pregnant && m.ppks == [PpksCategory::VulnerableWoman])
    );
    let views = audit_rows(&db, "view_specific_data", "ok").await?;
    assert_eq!(views.len(), 1);
    // The front desk and the deciders are refused, and the refusal is audited too.
    for username in ["fo.waled", "koordinator", "supervisor"] {
        let cookie = common::sign_in(&app, username).await?;
        let (status, body) = call(cookie, "member_specifics").await?;
        assert_eq!(status, 403, "{username}: {body}");
    }
    assert_eq!(
        audit_rows(&db, "view_specific_data", "refused")
            .await?
            .len(),
        3
    );
    Ok(())
}

#[tokio::test]
async fn staff_find_families_as_they_type_them() -> TestResult {
    use shared::dto::{HouseholdFilter, OpenCase};
    let db = database_with_areas().await?;
    let services = services::build(db.clone(), common::config());
    let fo = actor(
        &db,
        &services,
        "fo.waled",
        Role::FrontOffice,
        Some(WALED_DESA),
    )
    .await?;
    let far = actor(
        &db,
        &services,
        "fo.susukan",
        Role::FrontOffice,
        Some(SUSUKAN),
    )
    .await?;
    let named = |village: &str, serial: u16, head: &str, spouse: &str, rt: &str| {
        let mut request = household_request(village, serial, &format!("s{serial}"))?;
        request.household.head_name = head.to_string();
        request.members[0].name = head.to_string();
        request.members[1].name = spouse.to_string();
        request.household.address =
            shared::geo::Address::parse(village, "Kaliwon", "2", rt, "Jl. Melati 5")?;
        Ok::<_, Box<dyn std::error::Error>>(request)
    };
    let rizki = named(WALED_DESA, 51, "Muhammad Rizki", "Siti Aminah", "3")?;
    let spouse_nik = rizki.members[1]
        .nik
        .as_ref()
        .map(|n| n.as_str())
        .unwrap_or_default();
    let rizki = services.households.register(&fo, rizki).await?.id;
    let budi = services
        .households
        .register(
            &fo,
            named(WALED_DESA, 52, "Budi Santoso", "Sitti Fatimah", "5")?,
        )
        .await?
        .id;
    // The same name in another province: never found from Waled.
    services
        .households
        .register(
            &far,
            named(SUSUKAN, 53, "Mochammad Rizky", "Siti Aminah", "3")?,
        )
        .await?;
    let case = services
        .cases
        .open(
            &fo,
            OpenCase {
                idempotency_key: "c-budi".into(),
                household_id: budi,
                channel: shared::complaint::Channel::WalkInPuskesos,
                complaints: vec![common::people::complaint(
                    shared::complaint::ComplaintType::ServiceRequest,
                )],
            },
        )
        .await?;
    let case_number = services.cases.detail(&fo, case.id).await?.summary.number;
    let found = |typed: String| {
        let services = services.clone();
        let fo = fo.clone();
        async move {
            let page = services
                .households
                .list(
                    &fo,
                    HouseholdFilter {
                        area: None,
                        search: Some(typed),
                        in_registry: None,
                        desil: None,
                        open_case_only: false,
                        page: 1,
                        per_page: 50,
                    },
                )
                .await?;
            let mut ids: Vec<i64> = page.items.iter().map(|h| h.id).collect();
            ids.sort_unstable();
            Ok::<_, ServiceError>(ids)
        }
    };
    for (typed, expected) in [
        // A name spelled another way, words swapped, a title, a word left out.
        ("Muhamad Rizky", vec![rizki]),
        ("M. Rizki", vec![rizki]),
        ("rizki mohamad", vec![rizki]),
        // Any member, not only the head.
        ("Aminah", vec![rizki]),
        ("Hj. Sitti Aminah", vec![rizki]),
        ("siti", vec![rizki, budi]),
        ("Fatima", vec![budi]),
        // The beginning of a word.
        ("Sant", vec![budi]),
        // Not a variant: another name.
        ("Maimunah", vec![]),
        // Numbers: the No KK, a member's NIK, the case number as typed, the RT/RW.
        ("3209 0112 0315 0052", vec![budi]),
        (spouse_nik.as_str(), vec![rizki]),
        (&case_number.to_lowercase(), vec![budi]),
        ("RT 5 RW 2", vec![budi]),
        ("003/002", vec![rizki]),
        // Typed characters are never a pattern.
        ("%", vec![]),
    ] {
        assert_eq!(found(typed.to_string()).await?, expected, "{typed:?}");
    }
    Ok(())
}

#[tokio::test]
async fn members_stored_before_name_keys_get_theirs_at_start() -> TestResult {
    use sea_orm::{ColumnTrait, QueryFilter};
    let db = database_with_areas().await?;
    let services = services::build(db.clone(), common::config());
    let fo = actor(
        &db,
        &services,
        "fo.waled",
        Role::FrontOffice,
        Some(WALED_DESA),
    )
    .await?;
    services
        .households
        .register(&fo, household_request(WALED_DESA, 61, "k61")?)
        .await?;
    // As a database migrated from before the keys holds them.
    members::Entity::update_many()
        .col_expr(
            members::Column::NameKey,
            sea_orm::sea_query::Expr::value(Option::<String>::None),
        )
        .exec(&db)
        .await?;
    server::db::migrate(&db).await?;
    let keys: Vec<Option<String>> = members::Entity::find()
        .filter(members::Column::Name.eq("Sumiati"))
        .all(&db)
        .await?
        .into_iter()
        .map(|m| m.name_key)
        .collect();
    assert_eq!(keys, [Some(" sumiati ".to_string())]);
    Ok(())
}

#[tokio::test]
async fn members_are_edited_on_the_version_seen_and_keep_what_the_editor_may_not_see() -> TestResult
{
    use shared::dto::UpdateMember;
    use shared::member::{ChronicIllness, MemberRegistryStatus};
    let db = database_with_areas().await?;
    let services = services::build(db.clone(), common::config());
    let fo = actor(
        &db,
        &services,
        "fo.waled",
        Role::FrontOffice,
        Some(WALED_DESA),
    )
    .await?;
    let bo = actor(
        &db,
        &services,
        "bo.waled",
        Role::BackOffice,
        Some(WALED_DESA),
    )
    .await?;
    let mut request = household_request(WALED_DESA, 71, "k71")?;
    request.members[1].chronic_illnesses = vec![ChronicIllness::Diabetes];
    let id = services.households.register(&fo, request).await?.id;
    let file = services.households.file(&fo, id).await?;
    let spouse = file
        .members
        .iter()
        .find(|m| m.member.name == "Sumiati")
        .ok_or("no spouse")?;
    let head = file
        .members
        .iter()
        .find(|m| m.member.name == "Darto Wiryono")
        .ok_or("no head")?;
    let edit = |member: &shared::dto::MemberFile, version: i32| {
        let mut data = member.member.clone();
        data.nik = None;
        UpdateMember {
            member_id: member.id,
            version,
            member: data,
            with_specifics: false,
        }
    };
    // The front desk corrects the spouse's schooling; her illness, which the
    // desk never sees, stays; so does her registry status.
    let mut schooling = edit(spouse, spouse.version);
    schooling.member.education = shared::member::Education::Primary;
    schooling.member.registry_status = MemberRegistryStatus::Confirmed;
    let version = services
        .households
        .update_member(&fo, schooling.clone())
        .await?;
    assert_eq!(version, spouse.version + 1);
    let specifics = services.households.specifics(&bo, id).await?;
    let hers = specifics
        .iter()
        .find(|s| s.member_id == spouse.id)
        .ok_or("none")?;
    assert_eq!(hers.chronic_illnesses, [ChronicIllness::Diabetes]);
    let row = members::Entity::find_by_id(spouse.id)
        .one(&db)
        .await?
        .ok_or("gone")?;
    assert_eq!(
        row.registry_status,
        MemberRegistryStatus::Unconfirmed.code()
    );
    // A second editor on the version both opened: refused, nothing changed.
    let mut other = edit(spouse, spouse.version);
    other.member.occupation = shared::member::Occupation::Farmer;
    assert_eq!(
        services.households.update_member(&fo, other).await.err(),
        Some(ServiceError::Conflict)
    );
    // The back office, given her data, clears the illness.
    let mut cleared = edit(spouse, version);
    cleared.member.education = shared::member::Education::Primary;
    cleared.with_specifics = true;
    services.households.update_member(&bo, cleared).await?;
    let specifics = services.households.specifics(&bo, id).await?;
    assert!(specifics.iter().all(|s| s.chronic_illnesses.is_empty()));
    // The head stays the head (a change of head is a life event); his name
    // edited is the household's head name too.
    let mut demoted = edit(head, head.version);
    demoted.member.relationship = Relationship::Spouse;
    let refused = services.households.update_member(&fo, demoted).await;
    assert!(
        matches!(&refused, Err(ServiceError::Invalid(shared::DomainError::Invalid { errors })) if errors[0].field == "relationship"),
        "{refused:?}"
    );
    let mut renamed = edit(head, head.version);
    renamed.member.name = "Darto Wiryono Saputro".into();
    services.households.update_member(&fo, renamed).await?;
    assert_eq!(
        services.households.file(&fo, id).await?.head_name,
        "Darto Wiryono Saputro"
    );
    // Each change audited field by field, the illness without its value.
    let audit = audit_rows(&db, "update_member", "ok").await?;
    assert_eq!(audit.len(), 3);
    let details: Vec<String> = audit.iter().filter_map(|a| a.detail.clone()).collect();
    assert!(
        details.iter().any(|d| d.contains("education")),
        "{details:?}"
    );
    assert!(
        details
            .iter()
            .any(|d| d.contains("chronic_illnesses: (changed)")),
        "{details:?}"
    );
    assert!(
        !details.iter().any(|d| d.contains("diabetes")),
        "{details:?}"
    );
    Ok(())
}
