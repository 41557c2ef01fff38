//! `slrt backup`: a consistent, readable SQLite copy with the same rows; never overwrites;
//! PostgreSQL is pointed to pg_dump.

mod common;

use chrono::{NaiveDate, TimeZone, Utc};
use common::{TestResult, data_key, database_with_areas};
use sea_orm::{DatabaseBackend, EntityTrait, PaginatorTrait};
use server::cli::backup;
use server::cli::seed_demo::{self, DemoConfig};
use server::db;
use server::entities::{areas, case_events, cases, households, members, users};

#[tokio::test]
async fn backup_copies_a_live_sqlite_database() -> TestResult {
    let db = database_with_areas().await?;
    let dir = std::env::temp_dir().join(format!("slrt-backup-{}", uuid::Uuid::new_v4()));
    // A quote in the path must not break the statement.
    let target = dir.join("it's #1?").join("slrt backup.db");
    if db.get_database_backend() == DatabaseBackend::Postgres {
        let refused = backup::run(&db, &target).await;
        let message = refused.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(message.contains("pg_dump --format=custom"), "{message}");
        assert!(!target.exists());
        return Ok(());
    }
    let config = DemoConfig {
        seed: 21,
        households: 60,
        today: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default(),
        now: Utc
            .with_ymd_and_hms(2026, 11, 23, 6, 0, 0)
            .single()
            .unwrap_or_default(),
        desks: 0,
    };
    seed_demo::run_with(&db, &data_key(), &config).await?;

    let bytes = backup::run(&db, &target).await?;
    assert!(bytes > 0 && target.is_file());
    let encoded = target
        .display()
        .to_string()
        .replace('%', "%25")
        .replace('?', "%3F")
        .replace('#', "%23");
    let copy = db::connect(&format!("sqlite://{encoded}")).await?;
    assert_eq!(
        areas::Entity::find().count(&copy).await?,
        areas::Entity::find().count(&db).await?
    );
    assert_eq!(
        users::Entity::find().count(&copy).await?,
        users::Entity::find().count(&db).await?
    );
    assert_eq!(
        households::Entity::find().count(&copy).await?,
        households::Entity::find().count(&db).await?
    );
    assert_eq!(
        members::Entity::find().count(&copy).await?,
        members::Entity::find().count(&db).await?
    );
    assert_eq!(
        cases::Entity::find().count(&copy).await?,
        cases::Entity::find().count(&db).await?
    );
    assert_eq!(
        case_events::Entity::find().count(&copy).await?,
        case_events::Entity::find().count(&db).await?
    );
    assert!(households::Entity::find().count(&copy).await? == 60);
    copy.close().await?;

    // An existing file is never overwritten.
    let again = backup::run(&db, &target).await;
    assert!(again.is_err());
    assert_eq!(std::fs::metadata(&target)?.len(), bytes);
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}
