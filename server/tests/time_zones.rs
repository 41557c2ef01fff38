//! Each area keeps its own clock, on SQLite and PostgreSQL: a case in Papua
//! (WIT, UTC+9) turns overdue at Papua's midnight, two hours before a case in
//! Java (WIB, UTC+7) due the same day.

mod common;

use chrono::{NaiveDate, TimeZone, Utc};
use common::people::{complaint, household_request};
use common::{TempFolder, TestResult, actor, area_fixture, database};
use sea_orm::{ActiveModelTrait, EntityTrait, QueryFilter, Set};
use server::cli::import_areas;
use server::entities::cases;
use server::services;
use server::services::common::{in_zone, overdue_at};
use shared::clock::Zone;
use shared::complaint::{Channel, ComplaintType};
use shared::dto::OpenCase;
use shared::roles::Role;

const JAVA: &str = "32.09.01.2008";
const PAPUA: &str = "91.03.01.1001";

/// The fixture areas and one village of Kabupaten Jayapura (Papua).
fn areas_with_papua() -> Result<TempFolder, Box<dyn std::error::Error>> {
    let folder = TempFolder::new()?;
    let extra = [
        ("provinces.csv", "91,Papua\n"),
        ("regencies.csv", "91.03,91,Kabupaten Jayapura\n"),
        ("districts.csv", "91.03.01,91.03,Sentani\n"),
        ("villages.csv", "91.03.01.1001,91.03.01,Sentani Kota\n"),
    ];
    for (file, rows) in extra {
        let mut text = std::fs::read_to_string(area_fixture().join(file))?;
        if !text.ends_with('\n') {
            text.push('\n');
        }
        text.push_str(rows);
        std::fs::write(folder.0.join(file), text)?;
    }
    Ok(folder)
}

#[tokio::test]
async fn a_case_in_papua_is_overdue_at_papua_s_midnight() -> TestResult {
    let db = database().await?;
    let folder = areas_with_papua()?;
    import_areas::run(&db, &folder.0).await?;
    let services = services::build(db.clone(), common::config());
    let mut ids = Vec::new();
    for (name, village, serial) in [("fo.jawa", JAVA, 31), ("fo.papua", PAPUA, 32)] {
        let desk = actor(&db, &services, name, Role::FrontOffice, Some(village)).await?;
        assert_eq!(desk.zone(), Zone::of_area(village));
        let household = services
            .households
            .register(&desk, household_request(village, serial, name)?)
            .await?;
        let case = services
            .cases
            .open(
                &desk,
                OpenCase {
                    idempotency_key: format!("c-{name}"),
                    household_id: household.id,
                    channel: Channel::WalkInPuskesos,
                    complaints: vec![complaint(ComplaintType::ServiceRequest)],
                },
            )
            .await?;
        ids.push(case.id);
    }
    // Both due on 6 December 2026.
    let due = NaiveDate::from_ymd_opt(2026, 12, 6).ok_or("date")?;
    for id in &ids {
        let row = cases::Entity::find_by_id(*id)
            .one(&db)
            .await?
            .ok_or("case")?;
        let mut row: cases::ActiveModel = row.into();
        row.due_on = Set(due);
        row.update(&db).await?;
    }
    let overdue_at_utc = |hour: u32, minute: u32| {
        let db = db.clone();
        async move {
            let now = Utc
                .with_ymd_and_hms(2026, 12, 6, hour, minute, 0)
                .single()
                .ok_or("time")?;
            let rows = cases::Entity::find()
                .filter(overdue_at(
                    cases::Column::DueOn,
                    |zone| in_zone(cases::Column::VillageCode, zone),
                    now,
                ))
                .all(&db)
                .await?;
            let mut villages: Vec<String> = rows.into_iter().map(|r| r.village_code).collect();
            villages.sort();
            Ok::<_, Box<dyn std::error::Error>>(villages)
        }
    };
    // 14:30 UTC: 21:30 in Java, 23:30 in Papua: the 6th everywhere.
    assert!(overdue_at_utc(14, 30).await?.is_empty());
    // 15:30 UTC: 00:30 on the 7th in Papua, still 22:30 on the 6th in Java.
    assert_eq!(overdue_at_utc(15, 30).await?, vec![PAPUA.to_string()]);
    // 17:30 UTC: the 7th in Java too.
    assert_eq!(
        overdue_at_utc(17, 30).await?,
        vec![JAVA.to_string(), PAPUA.to_string()]
    );
    // The rows of a zone are told apart by their village's province.
    let in_wit = cases::Entity::find()
        .filter(in_zone(cases::Column::VillageCode, Zone::Wit))
        .all(&db)
        .await?;
    assert_eq!(in_wit.len(), 1);
    assert!(in_wit.iter().all(|r| r.village_code == PAPUA));
    Ok(())
}
