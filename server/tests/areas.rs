//! Area import and the area-scoped home figures, on SQLite and PostgreSQL.

mod common;

use common::{PASSWORD, TestResult, account, area_fixture, database, database_with_areas};
use sea_orm::{EntityTrait, PaginatorTrait};
use server::cli::import_areas;
use server::entities::areas;
use server::services;
use shared::contract::ClientInfo;
use shared::roles::Role;

#[tokio::test]
async fn import_counts_every_level_and_is_idempotent() -> TestResult {
    let db = database().await?;
    let first = import_areas::run(&db, &area_fixture()).await?;
    assert_eq!(
        (
            first.provinces,
            first.districts,
            first.subdistricts,
            first.villages
        ),
        (2, 2, 3, 4)
    );
    let second = import_areas::run(&db, &area_fixture()).await?;
    assert_eq!(first, second);
    assert_eq!(areas::Entity::find().count(&db).await?, 11);
    let quoted = areas::Entity::find_by_id("33.04.01.2001".to_string())
        .one(&db)
        .await?
        .ok_or("village missing")?;
    assert_eq!(quoted.name, "Gumelem \"Kulon\"");
    assert_eq!(quoted.parent_code.as_deref(), Some("33.04.01"));
    assert_eq!(quoted.level, 4);
    Ok(())
}

#[tokio::test]
async fn a_bad_file_is_rejected_whole_and_changes_nothing() -> TestResult {
    let db = database().await?;
    let dir = std::env::temp_dir().join(format!("slrt-bad-areas-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir)?;
    for file in ["provinces.csv", "regencies.csv", "districts.csv"] {
        std::fs::copy(area_fixture().join(file), dir.join(file))?;
    }
    // A village whose code lies outside the sub-district it names.
    std::fs::write(
        dir.join("villages.csv"),
        "code,district_code,name\n32.09.01.2008,32.09.01,Waled Desa\n32.09.02.2001,32.09.01,Salah Induk\n",
    )?;
    let error = import_areas::run(&db, &dir)
        .await
        .err()
        .ok_or("import should fail")?;
    assert!(error.to_string().contains("villages.csv:3"), "{error}");
    assert_eq!(areas::Entity::find().count(&db).await?, 0);
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

#[tokio::test]
async fn home_figures_count_only_the_actors_area() -> TestResult {
    let db = database_with_areas().await?;
    account(&db, "manajer.cirebon", Role::SlrtManager, Some("32.09")).await?;
    account(&db, "fo.waled", Role::FrontOffice, Some("32.09.01.2008")).await?;
    account(&db, "pemantau", Role::KemensosMonitor, None).await?;
    let services = services::build(db, common::config());
    let client = ClientInfo::default();

    let summary_for = |username: &'static str| {
        let services = services.clone();
        let client = client.clone();
        async move {
            let actor = services
                .auth
                .login(username, PASSWORD, &client)
                .await?
                .actor;
            services.areas.home_summary(&actor).await
        }
    };
    let district = summary_for("manajer.cirebon").await?;
    assert_eq!((district.village_count, district.subdistrict_count), (3, 2));
    let village = summary_for("fo.waled").await?;
    assert_eq!((village.village_count, village.subdistrict_count), (1, 0));
    let nation = summary_for("pemantau").await?;
    assert_eq!((nation.village_count, nation.subdistrict_count), (4, 3));
    Ok(())
}
