//! Every migration goes up, down and up again cleanly, on SQLite and PostgreSQL;
//! the real Kemendagri area files import with exactly their row counts.

mod common;

use common::TestResult;
use migrations::{Migrator, MigratorTrait};
use sea_orm::{EntityTrait, PaginatorTrait};
use server::cli::import_areas;
use server::entities::areas;

#[tokio::test]
async fn migrations_go_down_and_up_again() -> TestResult {
    let db = common::database().await?;
    let applied = Migrator::get_applied_migrations(&db).await?.len();
    assert_eq!(applied, Migrator::migrations().len());
    Migrator::down(&db, None).await?;
    assert!(Migrator::get_applied_migrations(&db).await?.is_empty());
    Migrator::up(&db, None).await?;
    assert_eq!(Migrator::get_applied_migrations(&db).await?.len(), applied);
    // The schema works after the round trip.
    import_areas::run(&db, &common::area_fixture()).await?;
    assert_eq!(areas::Entity::find().count(&db).await?, 11);
    Ok(())
}

/// Data lines (without the header) of one reference CSV.
fn data_lines(dir: &std::path::Path, file: &str) -> Result<usize, Box<dyn std::error::Error>> {
    let mut reader = csv::Reader::from_path(dir.join(file))?;
    Ok(reader.records().count())
}

#[tokio::test]
async fn the_real_area_files_import_with_exactly_their_row_counts() -> TestResult {
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../node_modules/idn-area-data/data");
    assert!(
        dir.is_dir(),
        "{} is missing: run `cargo xtask setup` (it installs the npm package idn-area-data)",
        dir.display()
    );
    let db = common::database().await?;
    let report = import_areas::run(&db, &dir).await?;
    assert_eq!(report.provinces, data_lines(&dir, "provinces.csv")?);
    assert_eq!(report.districts, data_lines(&dir, "regencies.csv")?);
    assert_eq!(report.subdistricts, data_lines(&dir, "districts.csv")?);
    assert_eq!(report.villages, data_lines(&dir, "villages.csv")?);
    assert_eq!((report.provinces, report.districts), (38, 514));
    let total = report.provinces + report.districts + report.subdistricts + report.villages;
    assert_eq!(
        areas::Entity::find().count(&db).await?,
        u64::try_from(total)?
    );
    Ok(())
}
