//! `slrt seed-scale` on a small scale: what it writes passes the domain's own checks, the
//! ones registration applies (NIK and No KK structure, members, households, complaints),
//! the counts match what was asked and reported, and every reference points at a row.

mod common;

use std::collections::{HashMap, HashSet};

use chrono::{NaiveDate, TimeZone, Utc};
use common::{TestResult, data_key, database_with_areas};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use server::cli::seed_scale::{self, ScaleOptions};
use server::entities::{
    areas, case_events, cases, complaints, households, members, registry_families,
    registry_imports, registry_people,
};
use server::protect::IdKind;
use server::records::{HouseholdDetails, MemberDetails};
use shared::complaint::{Channel, Complaint, ComplaintType, EvidenceDocument, Sector, Urgency};
use shared::geo::{Address, AreaCode, AreaLevel};
use shared::household::{
    Desil, Household, IncomeBand, RegistryId, RegistryRecord, RegistrySource, check_members,
};
use shared::identity::{Nik, NoKk, Sex, mask_id_number, mask_nik};
use shared::member::{Member, MemberRegistryStatus, Relationship};
use shared::programme::ProgrammeKind;

const HOUSEHOLDS: u64 = 60;
const DISTRICTS: [&str; 2] = ["32.09", "33.04"];

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default()
}

fn options() -> ScaleOptions {
    ScaleOptions {
        households: HOUSEHOLDS,
        seed: 17,
        districts: DISTRICTS.iter().map(|d| d.to_string()).collect(),
        today: today(),
        now: Utc
            .with_ymd_and_hms(2026, 11, 23, 6, 30, 0)
            .single()
            .unwrap_or_default(),
    }
}

fn coded<T>(what: &str, code: &str, from_code: impl Fn(&str) -> Option<T>) -> Result<T, String> {
    from_code(code).ok_or_else(|| format!("unknown {what} code {code:?}"))
}

/// The sub-district of a village code (`32.09.01.2008` → `32.09.01`).
fn sub_district(village: &str) -> Result<AreaCode, String> {
    AreaCode::parse(village)
        .map_err(|e| e.message_en())?
        .ancestor_at(AreaLevel::SubDistrict)
        .ok_or_else(|| format!("{village} has no sub-district"))
}

#[tokio::test]
async fn a_small_scale_seed_passes_the_domain_checks() -> TestResult {
    let db = database_with_areas().await?;
    let key = data_key();
    let options = options();
    let report = seed_scale::run(&db, &key, &options).await?;

    // Counts: what was asked, what the report says, what the tables hold.
    assert_eq!(report.households, HOUSEHOLDS);
    assert_eq!(households::Entity::find().count(&db).await?, HOUSEHOLDS);
    assert_eq!(members::Entity::find().count(&db).await?, report.members);
    assert_eq!(
        registry_families::Entity::find().count(&db).await?,
        report.registry_families
    );
    assert_eq!(cases::Entity::find().count(&db).await?, report.cases);
    assert!(report.members >= report.households);
    assert!(report.registry_families > 0 && report.registry_families < HOUSEHOLDS);
    assert!(report.cases > 0, "about one household in ten gets a case");

    let villages: HashSet<String> = areas::Entity::find()
        .filter(areas::Column::Level.eq(areas::LEVEL_VILLAGE))
        .all(&db)
        .await?
        .into_iter()
        .map(|area| area.code)
        .collect();
    let families: HashMap<String, registry_families::Model> = registry_families::Entity::find()
        .all(&db)
        .await?
        .into_iter()
        .map(|family| (family.registry_id.clone(), family))
        .collect();
    let all_members = members::Entity::find().all(&db).await?;
    let all_households = households::Entity::find().all(&db).await?;

    let mut kks = HashSet::new();
    let mut niks = HashSet::new();
    let mut member_household: HashMap<i64, i64> = HashMap::new();
    let mut household_village: HashMap<i64, String> = HashMap::new();
    for row in &all_households {
        // The village exists and lies in a district that was asked for.
        assert!(villages.contains(&row.village_code), "{}", row.village_code);
        assert!(
            DISTRICTS
                .iter()
                .any(|d| row.village_code.starts_with(&format!("{d}."))),
            "{}",
            row.village_code
        );
        household_village.insert(row.id, row.village_code.clone());

        // No KK: a valid number of the household's sub-district, stored only protected.
        let number = key.open(&row.kk_sealed)?;
        let no_kk = NoKk::parse(&number).map_err(|e| e.message_en())?;
        assert_eq!(
            no_kk.issuing_sub_district(),
            sub_district(&row.village_code)?
        );
        assert_eq!(row.kk_masked, mask_id_number(&number));
        assert_eq!(row.kk_hash, key.lookup_hash(IdKind::NoKk, &number));
        assert!(kks.insert(number), "No KK twice");

        // Members: each passes the member checks registration applies, together the
        // household's (one head, no NIK twice).
        let mut checked = Vec::new();
        for member in all_members.iter().filter(|m| m.household_id == row.id) {
            member_household.insert(member.id, row.id);
            let details: MemberDetails = serde_json::from_str(&member.details)?;
            let nik = match (&member.nik_sealed, &member.nik_hash, &member.nik_masked) {
                (Some(sealed), Some(hash), Some(masked)) => {
                    let number = key.open(sealed)?;
                    let nik = Nik::parse(&number).map_err(|e| e.message_en())?;
                    assert_eq!(nik.issuing_sub_district(), sub_district(&row.village_code)?);
                    assert_eq!(masked, &mask_nik(&number));
                    assert_eq!(hash, &key.lookup_hash(IdKind::Nik, &number));
                    assert!(niks.insert(number), "NIK twice");
                    Some(nik)
                }
                (None, None, None) => None,
                other => return Err(format!("NIK stored half: {other:?}").into()),
            };
            let relationship = u8::try_from(member.relationship)?;
            let candidate = Member {
                nik,
                name: member.name.clone(),
                sex: coded("sex", &member.sex, Sex::from_code)?,
                birth_place: details.birth_place,
                birth_date: member.birth_date,
                relationship: Relationship::from_number(relationship)
                    .map_err(|e| e.message_en())?,
                marital_status: details.marital_status,
                education: details.education,
                occupation: details.occupation,
                disabilities: details.disabilities,
                chronic_illnesses: details.chronic_illnesses,
                pregnant: details.pregnant,
                ppks: details.ppks,
                civil_registry_matched: details.civil_registry_matched,
                registry_status: coded(
                    "registry status",
                    &member.registry_status,
                    MemberRegistryStatus::from_code,
                )?,
            };
            let valid = candidate
                .clone()
                .validated(options.today)
                .map_err(|e| format!("member {}: {}", member.id, e.message_en()))?;
            assert_eq!(valid, candidate, "stored as registration would store it");
            checked.push(valid);
        }
        check_members(&checked).map_err(|e| e.message_en())?;
        let head = checked
            .iter()
            .find(|m| m.relationship == Relationship::Head)
            .ok_or("a household without a head")?;
        assert_eq!(row.head_name, head.name);

        // The household: its address, housing and registry record pass the household checks.
        let details: HouseholdDetails = serde_json::from_str(&row.details)?;
        let text = |value: &Option<String>| value.clone().unwrap_or_default();
        let address = Address::parse(
            &row.village_code,
            &text(&row.dusun),
            &text(&row.rw),
            &text(&row.rt),
            &text(&row.street),
        )
        .map_err(|e| e.message_en())?;
        let registry = match (&row.registry_id, row.desil) {
            (Some(registry_id), Some(desil)) => {
                let family = families
                    .get(registry_id)
                    .ok_or(format!("no registry family {registry_id}"))?;
                assert_eq!(family.kk_hash, row.kk_hash);
                assert_eq!(family.village_code, row.village_code);
                assert_eq!(family.desil, desil);
                assert_eq!(family.head_name, row.head_name);
                let codes: Vec<String> = serde_json::from_str(&family.programmes)?;
                Some(RegistryRecord {
                    registry_id: RegistryId::parse(registry_id).map_err(|e| e.message_en())?,
                    source: coded("source", &family.source, RegistrySource::from_code)?,
                    desil: Desil::new(u8::try_from(desil)?).map_err(|e| e.message_en())?,
                    programmes: codes
                        .iter()
                        .map(|code| coded("programme", code, ProgrammeKind::from_code))
                        .collect::<Result<_, _>>()?,
                })
            }
            (None, None) => None,
            other => return Err(format!("registry id and desil disagree: {other:?}").into()),
        };
        Household {
            no_kk,
            head_name: row.head_name.clone(),
            address,
            registry,
            housing: details.housing,
            assets: details.assets,
            income_band: coded("income band", &row.income_band, IncomeBand::from_code)?,
            programmes: details.programmes,
            has_house_photo: details.has_house_photo,
        }
        .validated()
        .map_err(|e| format!("household {}: {}", row.id, e.message_en()))?;
    }
    assert_eq!(member_household.len(), all_members.len(), "orphan members");

    // Registry records: every family belongs to a household of this run and to its import;
    // every registry person is a member of that household.
    let import = registry_imports::Entity::find()
        .one(&db)
        .await?
        .ok_or("no registry import recorded")?;
    assert_eq!(import.status, "done");
    assert_eq!(u64::try_from(import.rows_total)?, report.registry_families);
    for family in families.values() {
        assert_eq!(family.import_id, Some(import.id));
        assert!(
            all_households
                .iter()
                .any(|h| h.registry_id.as_ref() == Some(&family.registry_id))
        );
    }
    for person in registry_people::Entity::find().all(&db).await? {
        let family = families
            .get(&person.registry_id)
            .ok_or("a registry person without a family")?;
        let household = all_households
            .iter()
            .find(|h| h.kk_hash == family.kk_hash)
            .ok_or("a registry family without a household")?;
        assert!(all_members.iter().any(|m| {
            m.household_id == household.id && m.nik_hash.as_ref() == Some(&person.nik_hash)
        }));
        assert!(niks.contains(&key.open(&person.nik_sealed)?));
    }

    // Cases: on existing households in their village; complaints on existing cases, by members
    // of the case's household, valid as complaints; every event on an existing case.
    let all_cases = cases::Entity::find().all(&db).await?;
    let case_household: HashMap<i64, i64> = all_cases
        .iter()
        .map(|case| (case.id, case.household_id))
        .collect();
    for case in &all_cases {
        let village = household_village
            .get(&case.household_id)
            .ok_or(format!("case {} on a missing household", case.number))?;
        assert_eq!(&case.village_code, village);
        assert!(case.opened_on <= options.today);
    }
    let all_complaints = complaints::Entity::find().all(&db).await?;
    assert!(all_complaints.len() >= all_cases.len());
    for complaint in &all_complaints {
        let household = case_household
            .get(&complaint.case_id)
            .ok_or("a complaint on a missing case")?;
        let member = complaint.member_id.ok_or("a complaint without a member")?;
        assert_eq!(member_household.get(&member), Some(household));
        let evidence: Vec<String> = serde_json::from_str(&complaint.evidence)?;
        Complaint {
            complaint_type: coded(
                "complaint type",
                &complaint.complaint_type,
                ComplaintType::from_code,
            )?,
            sector: coded("sector", &complaint.sector, Sector::from_code)?,
            description: complaint.description.clone(),
            channel: coded("channel", &complaint.channel, Channel::from_code)?,
            received_on: complaint.received_on,
            // Bulk cases are opened by anonymous staff named `seed`.
            officer: "seed".to_string(),
            evidence: evidence
                .iter()
                .map(|code| coded("evidence", code, EvidenceDocument::from_code))
                .collect::<Result<_, _>>()?,
            urgency: coded("urgency", &complaint.urgency, Urgency::from_code)?,
        }
        .validated(options.today)
        .map_err(|e| format!("complaint {}: {}", complaint.id, e.message_en()))?;
    }
    for case in &all_cases {
        assert!(all_complaints.iter().any(|c| c.case_id == case.id));
    }
    for event in case_events::Entity::find().all(&db).await? {
        assert!(case_household.contains_key(&event.case_id));
    }
    Ok(())
}
