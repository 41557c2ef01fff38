//! `slrt seed-scale`: synthetic households, members, registry records and cases in bulk, for
//! benchmarks; also the synthetic-data generator the demo seed builds on. Synthetic people only:
//! NIK and No KK follow the civil-registry structure but belong to nobody, and are stored only
//! as keyed hash, sealed copy and masked form.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseBackend, DatabaseConnection, DbErr,
    EntityTrait, Iterable, QueryFilter, QueryOrder, QuerySelect, Set, Statement, TransactionTrait,
};
use sha2::{Digest, Sha256};
use shared::case::{CaseAction, CaseFlow, CaseState, CaseStatus, CloseReason, EscalationLevel};
use shared::complaint::{Channel, ComplaintType, EvidenceDocument, Sector, Urgency};
use shared::deadline::{Deadline, HolidayCalendar};
use shared::household::{
    AssetKind, CookingFuel, DrinkingWater, FloorMaterial, HousingCondition, IncomeBand, Lighting,
    RoofMaterial, Tenure, ToiletFacility, WallMaterial,
};
use shared::identity::{Sex, mask_id_number, mask_nik};
use shared::member::{
    ChronicIllness, DisabilityType, Education, MaritalStatus, MemberRegistryStatus, Occupation,
    PpksCategory, Relationship, age_on,
};
use shared::programme::ProgrammeKind;
use shared::referral::{ReferralAction, ReferralFlow, ReferralState};
use shared::roles::Role;
use shared::workflow::{ActorRef, Workflow, record_transition};

use crate::entities::{
    areas, case_events, cases, complaints, enrolments, households, members, referral_events,
    referrals, registry_families, registry_imports, registry_people,
};
use crate::protect::{DataKey, IdKind};
use crate::records::{HouseholdDetails, MemberDetails};

/// Districts `seed-scale` fills when none are named.
pub const DEFAULT_DISTRICTS: &str = "32.09,32.03,32.04,33.04";

/// Households generated and written per transaction by `seed-scale`.
const SCALE_BATCH: usize = 10_000;

/// What `seed-scale` should make.
#[derive(Debug, Clone)]
pub struct ScaleOptions {
    /// How many households.
    pub households: u64,
    /// Seed of the random generator: the same seed gives the same data.
    pub seed: u64,
    /// District codes (`32.09`) whose villages receive the households.
    pub districts: Vec<String>,
    /// The day the data is generated for (WIB).
    pub today: NaiveDate,
    /// The moment no generated event may pass.
    pub now: DateTime<Utc>,
}

impl ScaleOptions {
    /// Options for `households` households generated now.
    pub fn new(households: u64, seed: u64, districts: Vec<String>) -> ScaleOptions {
        let (today, now) = wib_today();
        ScaleOptions {
            households,
            seed,
            districts,
            today,
            now,
        }
    }
}

/// What `seed-scale` wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ScaleReport {
    pub households: u64,
    pub members: u64,
    pub registry_families: u64,
    pub cases: u64,
    pub elapsed: Duration,
}

/// Today in WIB (UTC+7) and the current instant.
pub fn wib_today() -> (NaiveDate, DateTime<Utc>) {
    let now = Utc::now();
    ((now + chrono::Duration::hours(7)).date_naive(), now)
}

/// The UTC instant of `minutes` after midnight WIB on `date`.
pub(crate) fn wib(date: NaiveDate, minutes: i64) -> DateTime<Utc> {
    (NaiveDateTime::new(date, NaiveTime::MIN) + chrono::Duration::minutes(minutes - 7 * 60))
        .and_utc()
}

// ---------------------------------------------------------------------------
// Areas

/// A village that receives synthetic households.
#[derive(Debug, Clone)]
pub(crate) struct Village {
    /// `32.09.01.2008`.
    pub code: String,
    /// `3209012008`.
    pub digits: String,
    /// The six digits of its sub-district, the region prefix of NIK and No KK.
    pub region: String,
    /// `32.09`.
    pub district: String,
}

impl Village {
    fn new(code: &str) -> Option<Village> {
        let digits: String = code.chars().filter(char::is_ascii_digit).collect();
        let parts: Vec<&str> = code.split('.').collect();
        if parts.len() != 4 || digits.len() != 10 {
            return None;
        }
        Some(Village {
            code: code.to_string(),
            region: digits.get(..6)?.to_string(),
            district: format!("{}.{}", parts[0], parts[1]),
            digits,
        })
    }
}

/// The villages of the given districts, in code order.
pub(crate) async fn villages_of<C: ConnectionTrait>(
    db: &C,
    districts: &[String],
) -> anyhow::Result<Vec<Village>> {
    let mut out = Vec::new();
    for district in districts {
        let rows = areas::Entity::find()
            .filter(areas::Column::Level.eq(areas::LEVEL_VILLAGE))
            .filter(areas::Column::Code.starts_with(format!("{district}.")))
            .order_by_asc(areas::Column::Code)
            .all(db)
            .await?;
        out.extend(rows.iter().filter_map(|row| Village::new(&row.code)));
    }
    Ok(out)
}

// ---------------------------------------------------------------------------
// Ids and bulk inserts

/// The next free id of every table the seeds fill with explicit ids.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct NextIds {
    pub households: i64,
    pub members: i64,
    pub registry_people: i64,
    pub enrolments: i64,
    pub cases: i64,
    pub complaints: i64,
    pub case_events: i64,
    pub referrals: i64,
    pub referral_events: i64,
    pub proposals: i64,
    pub proposal_events: i64,
}

/// Tables whose ids the seeds set themselves (PostgreSQL sequences must follow).
pub(crate) const ID_TABLES: [&str; 11] = [
    "households",
    "members",
    "registry_people",
    "enrolments",
    "cases",
    "complaints",
    "case_events",
    "referrals",
    "referral_events",
    "proposals",
    "proposal_events",
];

pub(crate) async fn max_id<C: ConnectionTrait>(db: &C, table: &str) -> Result<i64, DbErr> {
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            format!("SELECT COALESCE(MAX(id), 0) AS max_id FROM {table}"),
        ))
        .await?;
    match row {
        Some(row) => row.try_get::<i64>("", "max_id"),
        None => Ok(0),
    }
}

impl NextIds {
    pub(crate) async fn load<C: ConnectionTrait>(db: &C) -> Result<NextIds, DbErr> {
        let mut next = [0i64; 11];
        for (slot, table) in next.iter_mut().zip(ID_TABLES) {
            *slot = max_id(db, table).await? + 1;
        }
        let [
            households,
            members,
            registry_people,
            enrolments,
            cases,
            complaints,
            case_events,
            referrals,
            referral_events,
            proposals,
            proposal_events,
        ] = next;
        Ok(NextIds {
            households,
            members,
            registry_people,
            enrolments,
            cases,
            complaints,
            case_events,
            referrals,
            referral_events,
            proposals,
            proposal_events,
        })
    }
}

/// Takes the next id from a counter.
pub(crate) fn take(counter: &mut i64) -> i64 {
    let id = *counter;
    *counter += 1;
    id
}

/// After rows were written with explicit ids, moves PostgreSQL's id sequences past them.
pub(crate) async fn sync_sequences<C: ConnectionTrait>(
    db: &C,
    tables: &[&str],
) -> Result<(), DbErr> {
    if db.get_database_backend() != DatabaseBackend::Postgres {
        return Ok(());
    }
    for table in tables {
        db.execute_unprepared(&format!(
            "SELECT setval(pg_get_serial_sequence('{table}', 'id'), \
             (SELECT COALESCE(MAX(id), 0) + 1 FROM {table}), false)"
        ))
        .await?;
    }
    Ok(())
}

/// Writes rows with multi-row INSERTs of at most `max_rows` rows (and within the bind limits).
pub(crate) async fn insert_all<A, C>(db: &C, rows: Vec<A>, max_rows: usize) -> Result<(), DbErr>
where
    A: ActiveModelTrait + Send,
    C: ConnectionTrait,
{
    let columns = <<A::Entity as EntityTrait>::Column as Iterable>::iter().count();
    // SQLite binds at most 32,766 values per statement, PostgreSQL 65,535.
    let per_statement = (30_000 / columns.max(1)).clamp(1, max_rows.max(1));
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<A> = rows.by_ref().take(per_statement).collect();
        A::Entity::insert_many(chunk)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Random helpers

/// One of `items`, uniformly (the lists here are never empty).
pub(crate) fn pick<'a, T>(rng: &mut StdRng, items: &'a [T]) -> &'a T {
    &items[rng.gen_range(0..items.len())]
}

/// One of `items` with the given weights (the lists here are never empty).
pub(crate) fn weighted<T: Copy>(rng: &mut StdRng, items: &[(T, u32)]) -> T {
    let total: u32 = items.iter().map(|(_, w)| *w).sum();
    let mut roll = rng.gen_range(0..total.max(1));
    for (item, weight) in items {
        if roll < *weight {
            return *item;
        }
        roll -= weight;
    }
    items[items.len() - 1].0
}

fn chance(rng: &mut StdRng, percent: u32) -> bool {
    rng.gen_range(0..100) < percent
}

fn days_before(date: NaiveDate, days: u64) -> NaiveDate {
    date.checked_sub_days(Days::new(days)).unwrap_or(date)
}

// ---------------------------------------------------------------------------
// Synthetic people and households

const MALE_NAMES: [&str; 36] = [
    "Ahmad", "Budi", "Dedi", "Eko", "Agus", "Asep", "Ujang", "Dadang", "Yusuf", "Rahmat", "Slamet",
    "Sutrisno", "Wahyu", "Joko", "Bambang", "Hendra", "Iwan", "Rudi", "Taufik", "Nanang", "Cecep",
    "Didin", "Sugiarto", "Kusnadi", "Rohman", "Saepul", "Andi", "Fajar", "Rizky", "Dimas", "Bagus",
    "Aditya", "Ilham", "Arif", "Darsono", "Warsito",
];
const FEMALE_NAMES: [&str; 36] = [
    "Siti",
    "Sri",
    "Dewi",
    "Nur",
    "Ani",
    "Euis",
    "Yati",
    "Wati",
    "Lilis",
    "Ratna",
    "Sumarni",
    "Suparmi",
    "Tuti",
    "Nining",
    "Neneng",
    "Iis",
    "Rina",
    "Yuni",
    "Fitri",
    "Indah",
    "Aisyah",
    "Nurul",
    "Putri",
    "Ayu",
    "Dinda",
    "Salsabila",
    "Nabila",
    "Aulia",
    "Kartini",
    "Juju",
    "Darsih",
    "Warsini",
    "Tarmini",
    "Casmini",
    "Rohimah",
    "Khotimah",
];
const SECOND_NAMES: [&str; 30] = [
    "Hidayat",
    "Saputra",
    "Kurniawan",
    "Setiawan",
    "Pratama",
    "Wijaya",
    "Nugraha",
    "Permana",
    "Hermawan",
    "Suryana",
    "Rohmat",
    "Sudrajat",
    "Maulana",
    "Firmansyah",
    "Ramadhan",
    "Rahayu",
    "Lestari",
    "Wulandari",
    "Handayani",
    "Susanti",
    "Mulyani",
    "Fauzi",
    "Hakim",
    "Syahputra",
    "Kusuma",
    "Rahmawati",
    "Anggraini",
    "Nurjanah",
    "Sumarna",
    "Supriatna",
];
const DUSUN: [&str; 12] = [
    "Kliwon",
    "Manis",
    "Pahing",
    "Pon",
    "Wage",
    "Krajan",
    "Sukamaju",
    "Karanganyar",
    "Cibeureum",
    "Sindangsari",
    "Babakan",
    "Mekarjaya",
];
const STREETS: [&str; 10] = [
    "Jl. Melati",
    "Jl. Mawar",
    "Jl. Kenanga",
    "Jl. Raya Desa",
    "Gg. Masjid",
    "Gg. Damai",
    "Jl. Pesantren",
    "Blok Sawah",
    "Jl. Balai Desa",
    "Gg. Kembang",
];
const OTHER_BIRTH_PLACES: [&str; 8] = [
    "Indramayu",
    "Kuningan",
    "Majalengka",
    "Brebes",
    "Jakarta",
    "Wonosobo",
    "Purbalingga",
    "Tegal",
];

fn home_town(district: &str) -> &'static str {
    match district {
        "32.03" => "Cianjur",
        "32.04" => "Bandung",
        "33.04" => "Banjarnegara",
        _ => "Cirebon",
    }
}

/// A synthetic member before it becomes a row.
#[derive(Debug, Clone)]
pub(crate) struct PersonSpec {
    pub name: String,
    pub sex: Sex,
    pub birth: NaiveDate,
    pub relationship: Relationship,
    pub nik: Option<String>,
    pub status: MemberRegistryStatus,
    pub details: MemberDetails,
}

/// What the demo needs to know about a generated household.
#[derive(Debug, Clone)]
pub(crate) struct HouseholdSummary {
    pub id: i64,
    pub village: usize,
    pub head_name: String,
    pub member_ids: Vec<i64>,
    pub in_registry: bool,
    pub created_at: DateTime<Utc>,
}

/// Rows of one batch, ready to insert in dependency order.
#[derive(Default)]
pub(crate) struct Rows {
    pub households: Vec<households::ActiveModel>,
    pub members: Vec<members::ActiveModel>,
    pub families: Vec<registry_families::ActiveModel>,
    pub people: Vec<registry_people::ActiveModel>,
    pub enrolments: Vec<enrolments::ActiveModel>,
    pub cases: Vec<cases::ActiveModel>,
    pub complaints: Vec<complaints::ActiveModel>,
    pub case_events: Vec<case_events::ActiveModel>,
    pub referrals: Vec<referrals::ActiveModel>,
    pub referral_events: Vec<referral_events::ActiveModel>,
}

impl Rows {
    pub(crate) async fn insert<C: ConnectionTrait>(
        self,
        db: &C,
        max_rows: usize,
    ) -> Result<(), DbErr> {
        insert_all(db, self.households, max_rows).await?;
        insert_all(db, self.members, max_rows).await?;
        insert_all(db, self.families, max_rows).await?;
        insert_all(db, self.people, max_rows).await?;
        insert_all(db, self.enrolments, max_rows).await?;
        insert_all(db, self.cases, max_rows).await?;
        insert_all(db, self.complaints, max_rows).await?;
        insert_all(db, self.case_events, max_rows).await?;
        insert_all(db, self.referrals, max_rows).await?;
        insert_all(db, self.referral_events, max_rows).await
    }
}

/// The deterministic generator of synthetic households, members and registry records.
pub(crate) struct Synth {
    pub rng: StdRng,
    key: DataKey,
    pub today: NaiveDate,
    pub now: DateTime<Utc>,
    /// Last NIK serial used per region and encoded birth date.
    nik_serials: HashMap<(u32, u32), u16>,
    /// Programme ids by kind, when the catalogue exists (for enrolments).
    programme_ids: HashMap<ProgrammeKind, i64>,
    /// The registry import the generated registry records belong to.
    import_id: Option<i64>,
}

/// Desil weights: most families in the registry slice are in the poorest deciles.
const DESIL_WEIGHTS: [(u8, u32); 10] = [
    (1, 20),
    (2, 20),
    (3, 18),
    (4, 14),
    (5, 9),
    (6, 7),
    (7, 5),
    (8, 3),
    (9, 2),
    (10, 2),
];

impl Synth {
    pub(crate) fn new(seed: u64, key: DataKey, today: NaiveDate, now: DateTime<Utc>) -> Synth {
        Synth {
            rng: StdRng::seed_from_u64(seed),
            key,
            today,
            now,
            nik_serials: HashMap::new(),
            programme_ids: HashMap::new(),
            import_id: None,
        }
    }

    pub(crate) fn with_programmes(mut self, ids: HashMap<ProgrammeKind, i64>) -> Synth {
        self.programme_ids = ids;
        self
    }

    pub(crate) fn with_import(mut self, import_id: i64) -> Synth {
        self.import_id = Some(import_id);
        self
    }

    /// The No KK of household `id`: unique for every id (serial and issue date both follow the id),
    /// so bulk runs never collide with earlier ones on the unique KK hash.
    fn no_kk(region: &str, id: i64) -> String {
        // 7,919 is coprime with 9,999: serials look scattered yet stay distinct within a block.
        let serial = 1 + (id.rem_euclid(9_999) * 7_919).rem_euclid(9_999);
        // 97 is coprime with 7,000, so distinct blocks get distinct issue days.
        let day = (id.div_euclid(9_999).rem_euclid(7_000) * 97 + 1_234).rem_euclid(7_000);
        let start = NaiveDate::from_ymd_opt(2006, 1, 1).unwrap_or_default();
        let issued = start
            .checked_add_days(Days::new(day.unsigned_abs()))
            .unwrap_or(start);
        format!(
            "{region}{:02}{:02}{:02}{serial:04}",
            issued.day(),
            issued.month(),
            issued.year() % 100
        )
    }

    /// A NIK for a person of `sex` born on `birth`, issued in `region`.
    fn nik(&mut self, region: &str, sex: Sex, birth: NaiveDate) -> String {
        let day = birth.day() + if sex == Sex::Female { 40 } else { 0 };
        let encoded = day * 10_000 + birth.month() * 100 + (birth.year() % 100).unsigned_abs();
        let region_number = region.parse::<u32>().unwrap_or_default();
        let start = self.rng.gen_range(0..3_000);
        let serial = self
            .nik_serials
            .entry((region_number, encoded))
            .or_insert(start);
        *serial = if *serial >= 9_999 { 1 } else { *serial + 1 };
        format!(
            "{region}{day:02}{:02}{:02}{:04}",
            birth.month(),
            birth.year() % 100,
            *serial
        )
    }

    fn first_name(&mut self, sex: Sex) -> &'static str {
        match sex {
            Sex::Male => MALE_NAMES[self.rng.gen_range(0..MALE_NAMES.len())],
            Sex::Female => FEMALE_NAMES[self.rng.gen_range(0..FEMALE_NAMES.len())],
        }
    }

    fn full_name(&mut self, sex: Sex) -> String {
        let first = self.first_name(sex);
        if chance(&mut self.rng, 65) {
            format!("{first} {}", pick(&mut self.rng, &SECOND_NAMES))
        } else {
            first.to_string()
        }
    }

    fn birth_date(&mut self, age: u32) -> NaiveDate {
        let extra = self.rng.gen_range(0..365);
        days_before(
            self.today,
            u64::from(age) * 365 + age as u64 / 4 + extra + 1,
        )
    }

    fn person(
        &mut self,
        village: &Village,
        relationship: Relationship,
        sex: Sex,
        age: u32,
        married: bool,
        desil: Option<u8>,
    ) -> PersonSpec {
        let birth = self.birth_date(age);
        let age = age_on(birth, self.today);
        let name = self.full_name(sex);
        let rng = &mut self.rng;
        let birth_place = if chance(rng, 85) {
            home_town(&village.district)
        } else {
            *pick(rng, &OTHER_BIRTH_PLACES)
        };
        let marital_status = if married {
            weighted(
                rng,
                &[
                    (MaritalStatus::MarriedRegistered, 85),
                    (MaritalStatus::MarriedUnregistered, 15),
                ],
            )
        } else if age >= 25 && relationship == Relationship::Head {
            weighted(
                rng,
                &[
                    (MaritalStatus::Widowed, 60),
                    (MaritalStatus::Divorced, 25),
                    (MaritalStatus::NeverMarried, 15),
                ],
            )
        } else if relationship == Relationship::ParentOrInLaw {
            MaritalStatus::Widowed
        } else {
            MaritalStatus::NeverMarried
        };
        let education = match age {
            0..=6 => Education::NoSchooling,
            7..=12 => Education::PrimaryIncomplete,
            13..=15 => Education::Primary,
            16..=18 => Education::JuniorSecondary,
            _ => weighted(
                rng,
                &[
                    (Education::PrimaryIncomplete, 12),
                    (Education::Primary, 35),
                    (Education::JuniorSecondary, 22),
                    (Education::SeniorSecondary, 22),
                    (Education::DiplomaThree, 3),
                    (Education::Bachelor, 5),
                    (Education::NoSchooling, 1),
                ],
            ),
        };
        let occupation = match age {
            0..=5 => Occupation::NotWorking,
            6..=18 => Occupation::Student,
            65.. => weighted(
                rng,
                &[
                    (Occupation::NotWorking, 60),
                    (Occupation::Farmer, 25),
                    (Occupation::Retired, 15),
                ],
            ),
            _ if sex == Sex::Female && relationship == Relationship::Spouse => weighted(
                rng,
                &[
                    (Occupation::Homemaker, 60),
                    (Occupation::Trader, 15),
                    (Occupation::FarmLabourer, 10),
                    (Occupation::DomesticWorker, 5),
                    (Occupation::CasualLabourer, 10),
                ],
            ),
            _ => weighted(
                rng,
                &[
                    (Occupation::FarmLabourer, 22),
                    (Occupation::CasualLabourer, 22),
                    (Occupation::Farmer, 15),
                    (Occupation::Trader, 12),
                    (Occupation::Driver, 8),
                    (Occupation::Craftsperson, 6),
                    (Occupation::PrivateEmployee, 6),
                    (Occupation::Fisher, 2),
                    (Occupation::NotWorking, 5),
                    (Occupation::CivilServant, 2),
                ],
            ),
        };
        let mut disabilities = Vec::new();
        if chance(rng, 3) {
            disabilities.push(*pick(rng, DisabilityType::ALL));
        }
        let mut chronic_illnesses = Vec::new();
        if age >= 40 && chance(rng, 12) {
            chronic_illnesses.push(weighted(
                rng,
                &[
                    (ChronicIllness::Hypertension, 45),
                    (ChronicIllness::Diabetes, 20),
                    (ChronicIllness::HeartDisease, 8),
                    (ChronicIllness::Stroke, 7),
                    (ChronicIllness::Tuberculosis, 6),
                    (ChronicIllness::KidneyFailure, 4),
                    (ChronicIllness::ChronicLungDisease, 6),
                    (ChronicIllness::Cancer, 4),
                ],
            ));
        }
        let pregnant = sex == Sex::Female && married && (18..=40).contains(&age) && chance(rng, 6);
        let mut ppks = Vec::new();
        if !disabilities.is_empty() {
            ppks.push(if age < 18 {
                PpksCategory::ChildWithDisability
            } else {
                PpksCategory::PersonWithDisability
            });
        }
        if age >= 60 && chance(rng, 8) {
            ppks.push(PpksCategory::NeglectedElderly);
        }
        if relationship == Relationship::Head && desil == Some(1) && chance(rng, 40) {
            ppks.push(PpksCategory::Poor);
        }
        if relationship == Relationship::Head
            && sex == Sex::Female
            && age >= 18
            && desil.is_some_and(|d| d <= 3)
            && chance(rng, 30)
        {
            ppks.push(PpksCategory::VulnerableWoman);
        }
        ppks.sort();
        // A few young children have no civil documents yet.
        let undocumented = age < 5 && chance(rng, 8);
        let nik = (!undocumented).then(|| self.nik(&village.region, sex, birth));
        let status = if undocumented {
            MemberRegistryStatus::Undocumented
        } else if desil.is_some() {
            weighted(
                &mut self.rng,
                &[
                    (MemberRegistryStatus::Confirmed, 95),
                    (MemberRegistryStatus::Unconfirmed, 5),
                ],
            )
        } else {
            MemberRegistryStatus::Unconfirmed
        };
        let civil_registry_matched = nik.is_some() && chance(&mut self.rng, 92);
        PersonSpec {
            name,
            sex,
            birth,
            relationship,
            nik,
            status,
            details: MemberDetails {
                birth_place: birth_place.to_string(),
                marital_status,
                education,
                occupation,
                disabilities,
                chronic_illnesses,
                pregnant,
                ppks,
                civil_registry_matched,
            },
        }
    }

    fn members(&mut self, village: &Village, desil: Option<u8>) -> Vec<PersonSpec> {
        let size: usize = weighted(
            &mut self.rng,
            &[(1, 8), (2, 15), (3, 22), (4, 25), (5, 16), (6, 9), (7, 5)],
        );
        let head_sex = if size == 1 || chance(&mut self.rng, 15) {
            weighted(&mut self.rng, &[(Sex::Female, 55), (Sex::Male, 45)])
        } else {
            Sex::Male
        };
        let head_age: u32 = self.rng.gen_range(24..=78);
        let with_spouse = size >= 2 && head_sex == Sex::Male && chance(&mut self.rng, 92);
        let mut people = vec![self.person(
            village,
            Relationship::Head,
            head_sex,
            head_age,
            with_spouse,
            desil,
        )];
        if with_spouse {
            let age = head_age.saturating_sub(self.rng.gen_range(0..=7)).max(19);
            people.push(self.person(village, Relationship::Spouse, Sex::Female, age, true, desil));
        }
        let mut parent_added = false;
        while people.len() < size {
            let roll = self.rng.gen_range(0..100);
            let sex = if chance(&mut self.rng, 50) {
                Sex::Male
            } else {
                Sex::Female
            };
            let person = if roll < 8 && !parent_added && head_age < 60 {
                parent_added = true;
                let age = (head_age + self.rng.gen_range(20..=30)).min(92);
                self.person(village, Relationship::ParentOrInLaw, sex, age, false, desil)
            } else if roll < 16 && head_age >= 50 {
                let age = self.rng.gen_range(0..=(head_age - 40).min(12));
                self.person(village, Relationship::Grandchild, sex, age, false, desil)
            } else if roll < 19 && head_age >= 48 {
                let age = self.rng.gen_range(20..=30);
                self.person(village, Relationship::ChildInLaw, sex, age, true, desil)
            } else {
                let oldest = head_age.saturating_sub(19).min(30);
                let age = self.rng.gen_range(0..=oldest);
                self.person(village, Relationship::Child, sex, age, false, desil)
            };
            people.push(person);
        }
        people
    }

    fn housing(&mut self, desil: Option<u8>) -> (HousingCondition, IncomeBand, Vec<AssetKind>) {
        let poor = desil.is_none_or(|d| d <= 4);
        let rng = &mut self.rng;
        let income = if poor {
            weighted(
                rng,
                &[
                    (IncomeBand::Below500k, 25),
                    (IncomeBand::From500kTo1m, 35),
                    (IncomeBand::From1mTo2m, 30),
                    (IncomeBand::From2mTo3m, 10),
                ],
            )
        } else {
            weighted(
                rng,
                &[
                    (IncomeBand::From1mTo2m, 30),
                    (IncomeBand::From2mTo3m, 35),
                    (IncomeBand::From3mTo5m, 25),
                    (IncomeBand::From5m, 10),
                ],
            )
        };
        let weak = poor && chance(rng, 35);
        let housing = HousingCondition {
            house_tenure: weighted(
                rng,
                &[
                    (Tenure::Owned, 75),
                    (Tenure::RentFree, 13),
                    (Tenure::Rented, 10),
                    (Tenure::Other, 2),
                ],
            ),
            land_tenure: weighted(
                rng,
                &[
                    (Tenure::Owned, 70),
                    (Tenure::RentFree, 20),
                    (Tenure::Other, 10),
                ],
            ),
            floor_area_m2: rng.gen_range(if weak { 14..45 } else { 30..110 }),
            floor: if weak {
                weighted(
                    rng,
                    &[
                        (FloorMaterial::Earth, 50),
                        (FloorMaterial::Cement, 40),
                        (FloorMaterial::Bamboo, 10),
                    ],
                )
            } else {
                weighted(
                    rng,
                    &[
                        (FloorMaterial::Ceramic, 55),
                        (FloorMaterial::Cement, 30),
                        (FloorMaterial::Tile, 15),
                    ],
                )
            },
            wall: if weak {
                weighted(
                    rng,
                    &[
                        (WallMaterial::WovenBamboo, 45),
                        (WallMaterial::Wood, 30),
                        (WallMaterial::PlasteredWeave, 25),
                    ],
                )
            } else {
                weighted(
                    rng,
                    &[(WallMaterial::Masonry, 90), (WallMaterial::Wood, 10)],
                )
            },
            roof: weighted(
                rng,
                &[
                    (RoofMaterial::ClayTile, 70),
                    (RoofMaterial::Asbestos, 15),
                    (RoofMaterial::Zinc, 10),
                    (RoofMaterial::Thatch, if weak { 5 } else { 0 }),
                ],
            ),
            drinking_water: weighted(
                rng,
                &[
                    (DrinkingWater::Refill, 35),
                    (DrinkingWater::ProtectedWell, 25),
                    (DrinkingWater::Borehole, 15),
                    (DrinkingWater::PipedMetered, 10),
                    (DrinkingWater::UnprotectedWell, 8),
                    (DrinkingWater::ProtectedSpring, 7),
                ],
            ),
            lighting: if poor {
                weighted(
                    rng,
                    &[
                        (Lighting::Pln450, 55),
                        (Lighting::Pln900, 30),
                        (Lighting::PlnNoMeter, 15),
                    ],
                )
            } else {
                weighted(
                    rng,
                    &[
                        (Lighting::Pln900, 50),
                        (Lighting::Pln1300, 40),
                        (Lighting::Pln2200, 10),
                    ],
                )
            },
            cooking_fuel: weighted(
                rng,
                &[
                    (CookingFuel::Lpg3kg, 82),
                    (CookingFuel::Firewood, if poor { 15 } else { 2 }),
                    (CookingFuel::LpgLarge, 3),
                ],
            ),
            toilet: if weak {
                weighted(
                    rng,
                    &[
                        (ToiletFacility::Shared, 35),
                        (ToiletFacility::OwnWithoutSepticTank, 35),
                        (ToiletFacility::None, 15),
                        (ToiletFacility::Public, 15),
                    ],
                )
            } else {
                weighted(
                    rng,
                    &[
                        (ToiletFacility::OwnWithSepticTank, 80),
                        (ToiletFacility::OwnWithoutSepticTank, 20),
                    ],
                )
            },
        };
        let mut assets = Vec::new();
        for (asset, percent) in [
            (AssetKind::Smartphone, if poor { 70 } else { 95 }),
            (AssetKind::Motorcycle, if poor { 45 } else { 85 }),
            (AssetKind::Bicycle, 30),
            (AssetKind::Refrigerator, if poor { 15 } else { 70 }),
            (AssetKind::FlatTelevision, if poor { 20 } else { 60 }),
            (AssetKind::Livestock, 15),
            (AssetKind::Gold, if poor { 3 } else { 25 }),
            (AssetKind::Car, if poor { 0 } else { 12 }),
        ] {
            if chance(rng, percent) {
                assets.push(asset);
            }
        }
        assets.sort();
        (housing, income, assets)
    }

    fn registry_programmes(&mut self, desil: u8, has_school_child: bool) -> Vec<ProgrammeKind> {
        let rng = &mut self.rng;
        let mut programmes = Vec::new();
        let (pkh, bpnt, pbi, kip) = match desil {
            1..=2 => (45, 65, 80, 45),
            3..=4 => (15, 35, 60, 20),
            _ => (0, 3, 20, 0),
        };
        for (kind, percent) in [
            (ProgrammeKind::Pkh, pkh),
            (ProgrammeKind::Bpnt, bpnt),
            (ProgrammeKind::PbiJk, pbi),
            (
                ProgrammeKind::KipPip,
                if has_school_child { kip } else { 0 },
            ),
            (
                ProgrammeKind::EnergySubsidy,
                if desil <= 4 { 30 } else { 0 },
            ),
        ] {
            if chance(rng, percent) {
                programmes.push(kind);
            }
        }
        programmes
    }

    /// One synthetic household with its members, registry record (about 60 %) and enrolments.
    pub(crate) fn household(
        &mut self,
        ids: &mut NextIds,
        villages: &[Village],
        village: usize,
        created_by: Option<i64>,
        rows: &mut Rows,
    ) -> anyhow::Result<HouseholdSummary> {
        let Some(place) = villages.get(village) else {
            bail!("no village to place a household in");
        };
        let id = take(&mut ids.households);
        let in_registry = chance(&mut self.rng, 60);
        let desil = in_registry.then(|| weighted(&mut self.rng, &DESIL_WEIGHTS));
        let people = self.members(place, desil);
        let head_name = people.first().map(|p| p.name.clone()).unwrap_or_default();
        let has_school_child = people
            .iter()
            .any(|p| (6..=18).contains(&age_on(p.birth, self.today)));
        let programmes = match desil {
            Some(desil) => self.registry_programmes(desil, has_school_child),
            None => Vec::new(),
        };
        let (housing, income, assets) = self.housing(desil);
        let kk = Synth::no_kk(&place.region, id);
        let kk_hash = self.key.lookup_hash(IdKind::NoKk, &kk);
        let kk_masked = mask_id_number(&kk);
        let registry_id = desil.map(|_| format!("DTSEN-{}-{id:07}", place.digits));
        let dusun = *pick(&mut self.rng, &DUSUN);
        let rw = self.rng.gen_range(1..=8);
        let rt = self.rng.gen_range(1..=12);
        let street = format!(
            "{} No. {}",
            pick(&mut self.rng, &STREETS),
            self.rng.gen_range(1..=120)
        );
        let created_at =
            self.now - chrono::Duration::minutes(self.rng.gen_range(400 * 24 * 60..760 * 24 * 60));
        let details = HouseholdDetails {
            housing,
            assets,
            programmes: programmes.clone(),
            has_house_photo: chance(&mut self.rng, 30),
        };
        rows.households.push(households::ActiveModel {
            id: Set(id),
            kk_hash: Set(kk_hash.clone()),
            kk_sealed: Set(self.key.seal(&kk)),
            kk_masked: Set(kk_masked.clone()),
            head_name: Set(head_name.clone()),
            village_code: Set(place.code.clone()),
            dusun: Set(Some(dusun.to_string())),
            rw: Set(Some(rw.to_string())),
            rt: Set(Some(rt.to_string())),
            street: Set(Some(street)),
            registry_id: Set(registry_id.clone()),
            desil: Set(desil.map(i16::from)),
            income_band: Set(income.code().to_string()),
            details: Set(serde_json::to_string(&details)?),
            status: Set("active".to_string()),
            created_by: Set(created_by),
            created_at: Set(created_at),
            updated_at: Set(created_at),
            version: Set(1),
        });
        if let (Some(registry_id), Some(desil)) = (&registry_id, desil) {
            let codes: Vec<&str> = programmes.iter().map(|p| p.code()).collect();
            rows.families.push(registry_families::ActiveModel {
                registry_id: Set(registry_id.clone()),
                source: Set("dtsen".to_string()),
                kk_hash: Set(kk_hash),
                kk_sealed: Set(self.key.seal(&kk)),
                kk_masked: Set(kk_masked),
                head_name: Set(head_name.clone()),
                village_code: Set(place.code.clone()),
                address: Set(Some(format!("Dusun {dusun} RT {rt:03}/RW {rw:03}"))),
                desil: Set(i16::from(desil)),
                programmes: Set(serde_json::to_string(&codes)?),
                import_id: Set(self.import_id),
                updated_at: Set(created_at),
            });
            for kind in &programmes {
                if let Some(programme_id) = self.programme_ids.get(kind) {
                    let since = days_before(self.today, self.rng.gen_range(200..1500));
                    rows.enrolments.push(enrolments::ActiveModel {
                        id: Set(take(&mut ids.enrolments)),
                        household_id: Set(id),
                        programme_id: Set(*programme_id),
                        since: Set(since),
                        until: Set(None),
                        source: Set("registry".to_string()),
                        created_at: Set(created_at),
                    });
                }
            }
        }
        let mut member_ids = Vec::with_capacity(people.len());
        for person in people {
            let member_id = take(&mut ids.members);
            member_ids.push(member_id);
            let protected = person.nik.as_ref().map(|nik| {
                (
                    self.key.lookup_hash(IdKind::Nik, nik),
                    self.key.seal(nik),
                    mask_nik(nik),
                )
            });
            if let (Some(registry_id), Some((hash, _, masked)), Some(nik)) =
                (&registry_id, &protected, &person.nik)
                && person.status == MemberRegistryStatus::Confirmed
            {
                rows.people.push(registry_people::ActiveModel {
                    id: Set(take(&mut ids.registry_people)),
                    registry_id: Set(registry_id.clone()),
                    nik_hash: Set(hash.clone()),
                    nik_sealed: Set(self.key.seal(nik)),
                    nik_masked: Set(masked.clone()),
                    name: Set(person.name.clone()),
                    relationship: Set(i16::from(person.relationship.number())),
                    import_id: Set(self.import_id),
                });
            }
            let (nik_hash, nik_sealed, nik_masked) = match protected {
                Some((hash, sealed, masked)) => (Some(hash), Some(sealed), Some(masked)),
                None => (None, None, None),
            };
            rows.members.push(members::ActiveModel {
                id: Set(member_id),
                household_id: Set(id),
                nik_hash: Set(nik_hash),
                nik_sealed: Set(nik_sealed),
                nik_masked: Set(nik_masked),
                name: Set(person.name),
                sex: Set(person.sex.code().to_string()),
                birth_date: Set(person.birth),
                relationship: Set(i16::from(person.relationship.number())),
                registry_status: Set(person.status.code().to_string()),
                details: Set(serde_json::to_string(&person.details)?),
                created_at: Set(created_at),
                updated_at: Set(created_at),
                version: Set(1),
            });
        }
        Ok(HouseholdSummary {
            id,
            village,
            head_name,
            member_ids,
            in_registry,
            created_at,
        })
    }
}

/// Records the registry import the synthetic registry records belong to; returns its id.
pub(crate) async fn record_import<C: ConnectionTrait>(
    db: &C,
    label: &str,
    families: i64,
    at: DateTime<Utc>,
) -> Result<i64, DbErr> {
    let model = registry_imports::ActiveModel {
        file_name: Set(format!("dtsen-sintetis-{label}.csv")),
        file_sha256: Set(hex::encode(Sha256::digest(label.as_bytes()))),
        started_at: Set(at),
        finished_at: Set(Some(at)),
        rows_total: Set(families),
        rows_accepted: Set(families),
        rows_rejected: Set(0),
        status: Set("done".to_string()),
        imported_by: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(model.id)
}

// ---------------------------------------------------------------------------
// Cases: complaints and timelines driven through the shared state machines

/// A member of staff who can act on records.
#[derive(Debug, Clone)]
pub(crate) struct StaffMember {
    pub user_id: i64,
    pub username: String,
    pub role: Role,
    /// `None` for the nation.
    pub area: Option<String>,
}

/// Who acts on cases: named staff (demo) or anonymous roles (bulk data).
#[derive(Debug, Clone, Default)]
pub(crate) struct Staff {
    pub members: Vec<StaffMember>,
}

impl Staff {
    /// The most local member of staff holding one of `roles` whose area covers `village`;
    /// without named staff, the first role, anonymously.
    pub(crate) fn pick(&self, village: &str, roles: &[Role]) -> Option<(Option<i64>, ActorRef)> {
        if self.members.is_empty() {
            let role = *roles.first()?;
            return Some((
                None,
                ActorRef {
                    username: "seed".to_string(),
                    role,
                },
            ));
        }
        let covers = |member: &&StaffMember| match &member.area {
            None => true,
            Some(area) => village == area || village.starts_with(&format!("{area}.")),
        };
        let mut best: Option<&StaffMember> = None;
        for role in roles {
            for member in self
                .members
                .iter()
                .filter(covers)
                .filter(|m| m.role == *role)
            {
                let depth = |m: &StaffMember| m.area.as_ref().map_or(0, String::len);
                if best.is_none_or(|b| depth(member) > depth(b)) {
                    best = Some(member);
                }
            }
        }
        best.map(|member| {
            (
                Some(member.user_id),
                ActorRef {
                    username: member.username.clone(),
                    role: member.role,
                },
            )
        })
    }

    /// Whether a front office or back office member sits in `village` itself (a Puskesos desk).
    fn has_village_desk(&self, village: &str) -> bool {
        self.members.is_empty()
            || self.members.iter().any(|m| {
                m.area.as_deref() == Some(village)
                    && matches!(m.role, Role::FrontOffice | Role::BackOffice)
            })
    }
}

/// One need a resident brings, with the programme that answers it.
struct NeedTemplate {
    sector: Sector,
    complaint_type: ComplaintType,
    description: &'static str,
    programme: Option<ProgrammeKind>,
    evidence: &'static [EvidenceDocument],
}

use EvidenceDocument as E;

static NEEDS: [NeedTemplate; 18] = [
    NeedTemplate {
        sector: Sector::Health,
        complaint_type: ComplaintType::ServiceRequest,
        description: "Membutuhkan surat keringanan biaya rawat inap di rumah sakit.",
        programme: Some(ProgrammeKind::HospitalFeeWaiver),
        evidence: &[E::Ktp, E::Kk, E::MedicalLetter, E::PovertyLetter],
    },
    NeedTemplate {
        sector: Sector::Health,
        complaint_type: ComplaintType::ServiceRequest,
        description: "Belum memiliki jaminan kesehatan; mohon didaftarkan PBI.",
        programme: Some(ProgrammeKind::PbiApbd),
        evidence: &[E::Ktp, E::Kk],
    },
    NeedTemplate {
        sector: Sector::Health,
        complaint_type: ComplaintType::Grievance,
        description: "Kartu KIS tidak aktif saat berobat ke Puskesmas.",
        programme: Some(ProgrammeKind::PbiJk),
        evidence: &[E::Ktp, E::ProgrammeCard],
    },
    NeedTemplate {
        sector: Sector::Education,
        complaint_type: ComplaintType::ServiceRequest,
        description: "Anak usia sekolah membutuhkan bantuan biaya sekolah (PIP).",
        programme: Some(ProgrammeKind::KipPip),
        evidence: &[E::Kk, E::SchoolLetter],
    },
    NeedTemplate {
        sector: Sector::Food,
        complaint_type: ComplaintType::ServiceRequest,
        description: "Keluarga belum menerima bantuan sembako.",
        programme: Some(ProgrammeKind::Bpnt),
        evidence: &[E::Ktp, E::Kk],
    },
    NeedTemplate {
        sector: Sector::Housing,
        complaint_type: ComplaintType::ServiceRequest,
        description: "Rumah tidak layak huni: atap bocor dan dinding bilik rusak.",
        programme: Some(ProgrammeKind::Rtlh),
        evidence: &[E::Ktp, E::Kk, E::Photo],
    },
    NeedTemplate {
        sector: Sector::CivilDocuments,
        complaint_type: ComplaintType::ServiceRequest,
        description: "Anak belum memiliki akta kelahiran.",
        programme: Some(ProgrammeKind::CivilDocuments),
        evidence: &[E::Kk],
    },
    NeedTemplate {
        sector: Sector::CivilDocuments,
        complaint_type: ComplaintType::ServiceRequest,
        description: "KK belum diperbarui setelah anggota keluarga meninggal.",
        programme: Some(ProgrammeKind::CivilDocuments),
        evidence: &[E::Kk, E::DeathCertificate],
    },
    NeedTemplate {
        sector: Sector::SocialAssistance,
        complaint_type: ComplaintType::ServiceRequest,
        description: "Mohon didaftarkan sebagai penerima PKH.",
        programme: Some(ProgrammeKind::Pkh),
        evidence: &[E::Ktp, E::Kk, E::PovertyLetter],
    },
    NeedTemplate {
        sector: Sector::Disability,
        complaint_type: ComplaintType::ServiceRequest,
        description: "Anggota keluarga penyandang disabilitas membutuhkan kursi roda.",
        programme: Some(ProgrammeKind::Atensi),
        evidence: &[E::Ktp, E::Kk, E::MedicalLetter],
    },
    NeedTemplate {
        sector: Sector::Disability,
        complaint_type: ComplaintType::ServiceRequest,
        description: "Penyandang disabilitas berat belum menerima ASPD.",
        programme: Some(ProgrammeKind::Aspd),
        evidence: &[E::Ktp, E::Kk, E::MedicalLetter],
    },
    NeedTemplate {
        sector: Sector::Elderly,
        complaint_type: ComplaintType::ServiceRequest,
        description: "Lansia tinggal sendiri membutuhkan pendampingan dan permakanan.",
        programme: Some(ProgrammeKind::Atensi),
        evidence: &[E::Ktp, E::Kk],
    },
    NeedTemplate {
        sector: Sector::EmploymentEconomic,
        complaint_type: ComplaintType::ServiceRequest,
        description: "Membutuhkan modal usaha warung setelah suami sakit.",
        programme: Some(ProgrammeKind::Baznas),
        evidence: &[E::Ktp, E::Kk, E::PovertyLetter],
    },
    NeedTemplate {
        sector: Sector::SocialAssistance,
        complaint_type: ComplaintType::ServiceRequest,
        description: "Mohon bantuan langsung tunai Dana Desa.",
        programme: Some(ProgrammeKind::BltDanaDesa),
        evidence: &[E::Ktp, E::Kk],
    },
    NeedTemplate {
        sector: Sector::SocialAssistance,
        complaint_type: ComplaintType::Question,
        description: "Menanyakan jadwal penyaluran bantuan sosial bulan ini.",
        programme: None,
        evidence: &[E::Ktp],
    },
    NeedTemplate {
        sector: Sector::SocialAssistance,
        complaint_type: ComplaintType::Question,
        description: "Menanyakan status desil keluarga di DTSEN.",
        programme: None,
        evidence: &[E::Kk],
    },
    NeedTemplate {
        sector: Sector::SocialAssistance,
        complaint_type: ComplaintType::Grievance,
        description: "Bantuan PKH tahap ini belum diterima.",
        programme: None,
        evidence: &[E::Ktp, E::ProgrammeCard],
    },
    NeedTemplate {
        sector: Sector::Other,
        complaint_type: ComplaintType::Suggestion,
        description: "Usul jam layanan Puskesos ditambah pada hari Sabtu.",
        programme: None,
        evidence: &[],
    },
];

const CLOSE_NOTES: [&str; 4] = [
    "Warga menyatakan mencabut permohonan.",
    "Tidak memenuhi syarat program yang diminta.",
    "Warga tidak dapat dihubungi setelah tiga kali kunjungan.",
    "Layanan yang dibutuhkan belum tersedia di daerah.",
];
const ESCALATE_NOTES: [&str; 3] = [
    "Melewati batas waktu layanan; perlu keputusan tingkat kabupaten.",
    "Kebutuhan di luar kewenangan Puskesos.",
    "Belum ada tindak lanjut lembaga; diteruskan ke tingkat berikutnya.",
];

/// The path of a case from registration: its actions in order.
struct CasePlan {
    actions: &'static [CaseAction],
    /// Finished cases are spread over the year; open ones are recent.
    finished: bool,
}

use CaseAction as A;

static PLANS: [CasePlan; 18] = [
    CasePlan {
        actions: &[],
        finished: false,
    },
    CasePlan {
        actions: &[A::CheckRegistry],
        finished: false,
    },
    CasePlan {
        actions: &[A::CheckRegistry, A::IdentifyNeeds],
        finished: false,
    },
    CasePlan {
        actions: &[A::CheckRegistry, A::IdentifyNeeds, A::DecideService],
        finished: false,
    },
    CasePlan {
        actions: &[
            A::CheckRegistry,
            A::IdentifyNeeds,
            A::DecideService,
            A::Refer,
        ],
        finished: false,
    },
    CasePlan {
        actions: &[
            A::CheckRegistry,
            A::IdentifyNeeds,
            A::DecideService,
            A::Refer,
            A::StartMonitoring,
        ],
        finished: false,
    },
    CasePlan {
        actions: &[
            A::CheckRegistry,
            A::IdentifyNeeds,
            A::DecideService,
            A::Refer,
            A::StartMonitoring,
            A::Resolve,
        ],
        finished: true,
    },
    CasePlan {
        actions: &[
            A::CheckRegistry,
            A::IdentifyNeeds,
            A::DecideService,
            A::Resolve,
        ],
        finished: true,
    },
    CasePlan {
        actions: &[A::CheckRegistry, A::Close(CloseReason::Withdrawn)],
        finished: true,
    },
    CasePlan {
        actions: &[
            A::CheckRegistry,
            A::IdentifyNeeds,
            A::Close(CloseReason::NotEligible),
        ],
        finished: true,
    },
    CasePlan {
        actions: &[
            A::CheckRegistry,
            A::IdentifyNeeds,
            A::DecideService,
            A::Refer,
            A::Close(CloseReason::NoServiceAvailable),
        ],
        finished: true,
    },
    CasePlan {
        actions: &[A::CheckRegistry, A::IdentifyNeeds, A::Escalate],
        finished: false,
    },
    CasePlan {
        actions: &[
            A::CheckRegistry,
            A::IdentifyNeeds,
            A::DecideService,
            A::Refer,
            A::StartMonitoring,
            A::Escalate,
        ],
        finished: false,
    },
    CasePlan {
        actions: &[
            A::CheckRegistry,
            A::IdentifyNeeds,
            A::Escalate,
            A::TakeOver,
            A::DecideService,
            A::Refer,
            A::StartMonitoring,
            A::Resolve,
        ],
        finished: true,
    },
    CasePlan {
        actions: &[A::CheckRegistry, A::Escalate, A::TakeOver, A::Escalate],
        finished: false,
    },
    CasePlan {
        actions: &[
            A::CheckRegistry,
            A::Escalate,
            A::TakeOver,
            A::Escalate,
            A::Resolve,
        ],
        finished: true,
    },
    CasePlan {
        actions: &[
            A::CheckRegistry,
            A::IdentifyNeeds,
            A::DecideService,
            A::Refer,
            A::StartMonitoring,
            A::Close(CloseReason::Unreachable),
        ],
        finished: true,
    },
    CasePlan {
        actions: &[
            A::CheckRegistry,
            A::IdentifyNeeds,
            A::Escalate,
            A::TakeOver,
            A::Close(CloseReason::Duplicate),
        ],
        finished: true,
    },
];

/// How often each plan is chosen after every plan has been used once.
const PLAN_WEIGHTS: [u32; 18] = [6, 4, 5, 4, 5, 8, 22, 12, 4, 4, 2, 3, 2, 4, 1, 1, 2, 1];

/// Where referrals of a case go: the catalogue and the receiving institutions (demo only).
pub(crate) trait ReferralTargets {
    /// Programme id, institution id and the institution's responding staff for `kind` in `village`.
    fn target(&self, kind: ProgrammeKind, village: &str)
    -> Option<(i64, i64, Option<StaffMember>)>;
}

/// Builds cases with complaints, timelines and (with targets) referrals.
pub(crate) struct CaseMaker<'a> {
    pub staff: &'a Staff,
    pub calendar: &'a HolidayCalendar,
    pub targets: Option<&'a dyn ReferralTargets>,
    /// Cases per `SLRT/<village>/<year>/` prefix already numbered.
    pub case_serials: HashMap<String, u64>,
    /// Referrals per `RJK/<village>/<year>/` prefix already numbered.
    pub referral_serials: HashMap<String, u64>,
    pub verification_codes: HashSet<String>,
    /// Cases made so far (the first ones cycle through every plan).
    pub made: usize,
}

/// One step of a case timeline before it is written.
struct Step {
    action: CaseAction,
    from: CaseStatus,
    to: CaseStatus,
    actor: (Option<i64>, ActorRef),
    note: Option<String>,
}

impl<'a> CaseMaker<'a> {
    pub(crate) fn new(staff: &'a Staff, calendar: &'a HolidayCalendar) -> CaseMaker<'a> {
        CaseMaker {
            staff,
            calendar,
            targets: None,
            case_serials: HashMap::new(),
            referral_serials: HashMap::new(),
            verification_codes: HashSet::new(),
            made: 0,
        }
    }

    /// Counts the numbers already used, so new numbers continue them.
    pub(crate) async fn load_serials<C: ConnectionTrait>(&mut self, db: &C) -> Result<(), DbErr> {
        let prefix = |number: &str| number.rsplit_once('/').map(|(p, _)| format!("{p}/"));
        let numbers: Vec<String> = cases::Entity::find()
            .select_only()
            .column(cases::Column::Number)
            .into_tuple()
            .all(db)
            .await?;
        for number in numbers {
            if let Some(p) = prefix(&number) {
                *self.case_serials.entry(p).or_default() += 1;
            }
        }
        let numbers: Vec<String> = referrals::Entity::find()
            .select_only()
            .column(referrals::Column::Number)
            .into_tuple()
            .all(db)
            .await?;
        for number in numbers {
            if let Some(p) = prefix(&number) {
                *self.referral_serials.entry(p).or_default() += 1;
            }
        }
        Ok(())
    }

    /// Legal steps of `plan` from `start` with the staff available, or `None`.
    fn steps(
        &self,
        synth: &mut Synth,
        plan: &CasePlan,
        start: CaseStatus,
        village: &str,
    ) -> Option<Vec<Step>> {
        let mut status = start;
        let mut steps = Vec::with_capacity(plan.actions.len());
        for &action in plan.actions {
            let roles = <CaseFlow as Workflow>::roles(status, action);
            let actor = self.staff.pick(village, roles)?;
            let note = match action {
                CaseAction::Close(reason) => Some(
                    match reason {
                        CloseReason::Withdrawn => CLOSE_NOTES[0],
                        CloseReason::NotEligible => CLOSE_NOTES[1],
                        CloseReason::Unreachable => CLOSE_NOTES[2],
                        CloseReason::Duplicate => {
                            "Kebutuhan yang sama sudah ditangani pada kasus lain."
                        }
                        _ => CLOSE_NOTES[3],
                    }
                    .to_string(),
                ),
                CaseAction::Escalate => Some(pick(&mut synth.rng, &ESCALATE_NOTES).to_string()),
                CaseAction::Resolve => Some("Kebutuhan warga telah terpenuhi.".to_string()),
                _ => None,
            };
            let (to, _change) = record_transition::<CaseFlow>(
                status,
                action,
                &actor.1,
                synth.now,
                note.as_deref().unwrap_or(""),
            )
            .ok()?;
            steps.push(Step {
                action,
                from: status,
                to,
                actor,
                note,
            });
            status = to;
        }
        Some(steps)
    }

    fn choose_plan(&self, synth: &mut Synth, referrals_allowed: bool) -> usize {
        let usable =
            |index: usize| referrals_allowed || !PLANS[index].actions.contains(&CaseAction::Refer);
        if self.made < PLANS.len() * 2 {
            let mut index = self.made % PLANS.len();
            while !usable(index) {
                index = (index + 1) % PLANS.len();
            }
            return index;
        }
        let choices: Vec<(usize, u32)> = PLAN_WEIGHTS
            .iter()
            .enumerate()
            .filter(|(index, _)| usable(*index))
            .map(|(index, weight)| (index, *weight))
            .collect();
        weighted(&mut synth.rng, &choices)
    }

    /// Makes one case for `household` with 1–3 complaints and a legal timeline.
    pub(crate) fn case(
        &mut self,
        synth: &mut Synth,
        ids: &mut NextIds,
        household: &HouseholdSummary,
        village: &Village,
        rows: &mut Rows,
    ) -> anyhow::Result<()> {
        let start = if self.staff.has_village_desk(&village.code) {
            CaseStatus::new(EscalationLevel::Village)
        } else {
            CaseStatus::new(EscalationLevel::District)
        };
        let first = self.choose_plan(synth, self.targets.is_some());
        let mut chosen = None;
        for offset in 0..PLANS.len() {
            let index = (first + offset) % PLANS.len();
            if self.targets.is_none() && PLANS[index].actions.contains(&CaseAction::Refer) {
                continue;
            }
            if let Some(steps) = self.steps(synth, &PLANS[index], start, &village.code) {
                chosen = Some((index, steps));
                break;
            }
        }
        let Some((plan_index, steps)) = chosen else {
            bail!("no staff can act on a case in {}", village.code);
        };
        self.made += 1;
        let plan = &PLANS[plan_index];
        let Some(opener) = self
            .staff
            .pick(&village.code, &[Role::FrontOffice, Role::BackOffice])
        else {
            bail!("no front office can open a case in {}", village.code);
        };

        // When: finished cases over the last year, open ones recent (some past their deadline).
        let age_days: u64 = if plan.finished {
            synth.rng.gen_range(3..365)
        } else if plan.actions.contains(&CaseAction::Escalate) {
            synth.rng.gen_range(10..150)
        } else if chance(&mut synth.rng, 60) {
            synth.rng.gen_range(0..21)
        } else {
            // A backlog: older open cases, past their deadline.
            synth.rng.gen_range(21..120)
        };
        let opened_on = days_before(synth.today, age_days);
        let open_at = wib(opened_on, synth.rng.gen_range(8 * 60..14 * 60))
            .max(household.created_at)
            .min(synth.now);
        let mut offsets = Vec::with_capacity(steps.len());
        let mut total = 0i64;
        for _ in &steps {
            total += synth.rng.gen_range(45..4 * 24 * 60);
            offsets.push(total);
        }
        let room = (synth.now - open_at).num_minutes().max(0);
        let room = if plan.finished { room } else { room * 9 / 10 };
        let times: Vec<DateTime<Utc>> = offsets
            .iter()
            .map(|&offset| {
                let minutes = if total > room && total > 0 {
                    offset * room / total
                } else {
                    offset
                };
                open_at + chrono::Duration::minutes(minutes)
            })
            .collect();

        // Complaints.
        let channel = if start.level == EscalationLevel::Village {
            weighted(
                &mut synth.rng,
                &[
                    (Channel::WalkInPuskesos, 60),
                    (Channel::FacilitatorVisit, 25),
                    (Channel::PhoneWhatsapp, 15),
                ],
            )
        } else {
            weighted(
                &mut synth.rng,
                &[
                    (Channel::WalkInDistrict, 55),
                    (Channel::FacilitatorVisit, 20),
                    (Channel::PhoneWhatsapp, 25),
                ],
            )
        };
        let case_id = take(&mut ids.cases);
        let count = weighted(&mut synth.rng, &[(1usize, 60), (2, 30), (3, 10)]);
        let mut needs: Vec<&NeedTemplate> = Vec::with_capacity(count);
        let mut complaint_ids = Vec::with_capacity(count);
        let mut due_on = opened_on;
        for n in 0..count {
            // Cases that refer start from a need some programme answers.
            let need = if n == 0 && plan.actions.contains(&CaseAction::Refer) {
                pick(&mut synth.rng, &NEEDS[..14])
            } else {
                pick(&mut synth.rng, &NEEDS)
            };
            if needs.iter().any(|m| std::ptr::eq(*m, need)) {
                continue;
            }
            needs.push(need);
            let deadline = Deadline::for_complaint(need.complaint_type, opened_on, self.calendar);
            due_on = due_on.max(deadline.due);
            let urgency = if need.sector == Sector::Health {
                weighted(
                    &mut synth.rng,
                    &[
                        (Urgency::Normal, 50),
                        (Urgency::Urgent, 35),
                        (Urgency::Emergency, 15),
                    ],
                )
            } else {
                weighted(
                    &mut synth.rng,
                    &[(Urgency::Normal, 85), (Urgency::Urgent, 15)],
                )
            };
            let evidence: Vec<&str> = need.evidence.iter().map(|e| e.code()).collect();
            let complaint_id = take(&mut ids.complaints);
            complaint_ids.push(complaint_id);
            rows.complaints.push(complaints::ActiveModel {
                id: Set(complaint_id),
                case_id: Set(case_id),
                member_id: Set(Some(*pick(&mut synth.rng, &household.member_ids))),
                complaint_type: Set(need.complaint_type.code().to_string()),
                sector: Set(need.sector.code().to_string()),
                description: Set(need.description.to_string()),
                channel: Set(channel.code().to_string()),
                urgency: Set(urgency.code().to_string()),
                evidence: Set(serde_json::to_string(&evidence)?),
                received_on: Set(opened_on),
                due_on: Set(deadline.due),
                officer_user_id: Set(opener.0),
                created_at: Set(open_at),
            });
        }

        // Number.
        let prefix = format!("SLRT/{}/{:04}/", village.digits, opened_on.year());
        let serial = self.case_serials.entry(prefix.clone()).or_default();
        *serial += 1;
        let number = format!("{prefix}{:05}", *serial);

        // Timeline.
        let event = |ids: &mut NextIds,
                     at: DateTime<Utc>,
                     actor: &(Option<i64>, ActorRef),
                     action: &str,
                     from: Option<&str>,
                     to: &str,
                     note: Option<String>| case_events::ActiveModel {
            id: Set(take(&mut ids.case_events)),
            case_id: Set(case_id),
            at: Set(at),
            actor_user_id: Set(actor.0),
            actor_role: Set(Some(actor.1.role.code().to_string())),
            action: Set(action.to_string()),
            from_state: Set(from.map(str::to_string)),
            to_state: Set(to.to_string()),
            note: Set(note),
        };
        rows.case_events.push(event(
            ids,
            open_at,
            &opener,
            "open",
            None,
            CaseState::Registered.code(),
            None,
        ));
        let mut referral_states: Vec<ReferralState> = Vec::new();
        for (index, step) in steps.iter().enumerate() {
            let at = times.get(index).copied().unwrap_or(open_at);
            if step.action == CaseAction::Refer
                && let Some(targets) = self.targets
            {
                let ends_at = steps
                    .iter()
                    .zip(&times)
                    .skip(index + 1)
                    .find(|(s, _)| s.action != CaseAction::StartMonitoring)
                    .map(|(_, t)| *t);
                let outcome = steps
                    .iter()
                    .skip(index + 1)
                    .find(|s| s.action != CaseAction::StartMonitoring)
                    .map(|s| s.action);
                let monitoring = steps
                    .iter()
                    .skip(index + 1)
                    .any(|s| s.action == CaseAction::StartMonitoring);
                referral_states = self.referrals(
                    synth,
                    ids,
                    targets,
                    RefContext {
                        case_id,
                        village,
                        household,
                        needs: &needs,
                        complaint_ids: &complaint_ids,
                        issued_at: at,
                        ends_at: ends_at.unwrap_or(synth.now),
                        outcome,
                        monitoring,
                        case_actor: &step.actor,
                    },
                    rows,
                )?;
            }
            if step.action == CaseAction::Resolve && step.from.state == CaseState::Monitoring {
                shared::case::check_referrals_closed(&referral_states)
                    .map_err(|error| anyhow::anyhow!(error.message_en()))?;
            }
            rows.case_events.push(event(
                ids,
                at,
                &step.actor,
                step.action.kind().code(),
                Some(step.from.state.code()),
                step.to.state.code(),
                step.note.clone(),
            ));
        }
        let last = steps.last();
        let status = last.map_or(start, |s| s.to);
        let last_at = times.last().copied().unwrap_or(open_at);
        let close_reason = steps.iter().rev().find_map(|s| match s.action {
            CaseAction::Close(reason) => Some(reason.code().to_string()),
            _ => None,
        });
        let finished = matches!(status.state, CaseState::Resolved | CaseState::Closed);
        let assigned_to = steps
            .iter()
            .find(|s| s.action == CaseAction::IdentifyNeeds)
            .and_then(|s| s.actor.0);
        rows.cases.push(cases::ActiveModel {
            id: Set(case_id),
            number: Set(number),
            household_id: Set(household.id),
            village_code: Set(village.code.clone()),
            channel: Set(channel.code().to_string()),
            state: Set(status.state.code().to_string()),
            level: Set(status.level.code().to_string()),
            close_reason: Set(close_reason),
            opened_on: Set(opened_on),
            due_on: Set(due_on),
            opened_by: Set(opener.0),
            assigned_to: Set(assigned_to),
            closed_at: Set(finished.then_some(last_at)),
            created_at: Set(open_at),
            updated_at: Set(last_at),
            version: Set(1 + i32::try_from(steps.len()).unwrap_or(0)),
        });
        Ok(())
    }
}

/// What the referrals of one case need to know.
struct RefContext<'c> {
    case_id: i64,
    village: &'c Village,
    household: &'c HouseholdSummary,
    needs: &'c [&'c NeedTemplate],
    complaint_ids: &'c [i64],
    issued_at: DateTime<Utc>,
    /// The next case event after the referrals were issued (other than starting to monitor).
    ends_at: DateTime<Utc>,
    /// That event's action, if any.
    outcome: Option<CaseAction>,
    monitoring: bool,
    case_actor: &'c (Option<i64>, ActorRef),
}

const REJECT_NOTES: [&str; 3] = [
    "Berkas belum lengkap; surat keterangan dokter tidak ada.",
    "Bukan kewenangan lembaga kami; silakan ke dinas terkait.",
    "Kuota program tahun ini sudah penuh.",
];
const COMPLETE_NOTES: [&str; 4] = [
    "Layanan telah diberikan; warga sudah menerima manfaat.",
    "Warga telah didaftarkan dan kartu sudah diterbitkan.",
    "Biaya perawatan dibebaskan sesuai surat keterangan.",
    "Dokumen kependudukan telah terbit dan diserahkan.",
];
const CANCEL_NOTES: [&str; 2] = [
    "Warga tidak datang ke lembaga dalam batas waktu.",
    "Kebutuhan sudah terpenuhi melalui program lain.",
];

impl CaseMaker<'_> {
    /// Issues referrals for the programme needs of a case and plays their history.
    fn referrals(
        &mut self,
        synth: &mut Synth,
        ids: &mut NextIds,
        targets: &dyn ReferralTargets,
        context: RefContext<'_>,
        rows: &mut Rows,
    ) -> anyhow::Result<Vec<ReferralState>> {
        use ReferralAction as RA;
        let mut states = Vec::new();
        for (need, complaint_id) in context.needs.iter().zip(context.complaint_ids) {
            let Some(kind) = need.programme else { continue };
            let Some((programme_id, institution_id, responder)) =
                targets.target(kind, &context.village.code)
            else {
                continue;
            };
            // The final state follows what the case did next.
            let wanted: ReferralState = match context.outcome {
                Some(CaseAction::Resolve) => weighted(
                    &mut synth.rng,
                    &[
                        (ReferralState::Completed, 80),
                        (ReferralState::Rejected, 12),
                        (ReferralState::Cancelled, 8),
                    ],
                ),
                Some(CaseAction::Close(_)) => weighted(
                    &mut synth.rng,
                    &[
                        (ReferralState::Cancelled, 60),
                        (ReferralState::Rejected, 40),
                    ],
                ),
                _ if context.monitoring => weighted(
                    &mut synth.rng,
                    &[
                        (ReferralState::Accepted, 25),
                        (ReferralState::InProgress, 40),
                        (ReferralState::Completed, 20),
                        (ReferralState::Rejected, 8),
                        (ReferralState::Cancelled, 7),
                    ],
                ),
                _ => weighted(
                    &mut synth.rng,
                    &[(ReferralState::Sent, 60), (ReferralState::Accepted, 40)],
                ),
            };
            let path: &[ReferralAction] = match wanted {
                ReferralState::Sent => &[],
                ReferralState::Accepted => &[RA::Accept],
                ReferralState::Rejected => &[RA::Reject],
                ReferralState::InProgress => &[RA::Accept, RA::StartProcessing],
                ReferralState::Completed => &[RA::Accept, RA::StartProcessing, RA::Complete],
                ReferralState::Cancelled => match synth.rng.gen_range(0..3) {
                    0 => &[RA::Cancel],
                    1 => &[RA::Accept, RA::Cancel],
                    _ => &[RA::Accept, RA::StartProcessing, RA::Cancel],
                },
            };
            let referral_id = take(&mut ids.referrals);
            let issued_on = (context.issued_at + chrono::Duration::hours(7)).date_naive();
            let prefix = format!("RJK/{}/{:04}/", context.village.digits, issued_on.year());
            let serial = self.referral_serials.entry(prefix.clone()).or_default();
            *serial += 1;
            let number = format!("{prefix}{:05}", *serial);
            let verification = loop {
                let code: String = (0..10)
                    .map(|_| char::from(*pick(&mut synth.rng, b"ABCDEFGHJKMNPQRSTUVWXYZ23456789")))
                    .collect();
                if self.verification_codes.insert(code.clone()) {
                    break code;
                }
            };
            let due =
                Deadline::for_complaint(ComplaintType::ServiceRequest, issued_on, self.calendar);
            let consent_at =
                context.issued_at - chrono::Duration::minutes(synth.rng.gen_range(5..40));
            let sender = context.case_actor;
            let mut state = ReferralState::Sent;
            let mut events = vec![referral_events::ActiveModel {
                id: Set(take(&mut ids.referral_events)),
                referral_id: Set(referral_id),
                at: Set(context.issued_at),
                actor_user_id: Set(sender.0),
                actor_role: Set(Some(sender.1.role.code().to_string())),
                action: Set("issue".to_string()),
                from_state: Set(None),
                to_state: Set(ReferralState::Sent.code().to_string()),
                note: Set(None),
            }];
            let span = (context.ends_at - context.issued_at).num_minutes().max(2);
            let mut outcome_note = None;
            let mut last_at = context.issued_at;
            for (step, &action) in path.iter().enumerate() {
                let roles = <ReferralFlow as Workflow>::roles(state, action);
                let actor = if roles.contains(&Role::ReceivingInstitution)
                    && (action != RA::Cancel || state == ReferralState::InProgress)
                {
                    match &responder {
                        Some(member) => (
                            Some(member.user_id),
                            ActorRef {
                                username: member.username.clone(),
                                role: member.role,
                            },
                        ),
                        None => (
                            None,
                            ActorRef {
                                username: "lembaga".to_string(),
                                role: Role::ReceivingInstitution,
                            },
                        ),
                    }
                } else {
                    match self.staff.pick(&context.village.code, roles) {
                        Some(actor) => actor,
                        None => bail!("no staff may {} a referral", action.code()),
                    }
                };
                let note = match action {
                    RA::Reject => Some(pick(&mut synth.rng, &REJECT_NOTES).to_string()),
                    RA::Complete => Some(pick(&mut synth.rng, &COMPLETE_NOTES).to_string()),
                    RA::Cancel => Some(pick(&mut synth.rng, &CANCEL_NOTES).to_string()),
                    _ => None,
                };
                let at = context.issued_at
                    + chrono::Duration::minutes(
                        span * i64::try_from(step + 1).unwrap_or(1)
                            / i64::try_from(path.len() + 1).unwrap_or(2),
                    );
                let (next, change) = record_transition::<ReferralFlow>(
                    state,
                    action,
                    &actor.1,
                    at,
                    note.as_deref().unwrap_or(""),
                )
                .map_err(|error| anyhow::anyhow!(error.message_en()))?;
                if matches!(action, RA::Reject | RA::Complete | RA::Cancel) {
                    outcome_note = change.note.clone();
                }
                events.push(referral_events::ActiveModel {
                    id: Set(take(&mut ids.referral_events)),
                    referral_id: Set(referral_id),
                    at: Set(at),
                    actor_user_id: Set(actor.0),
                    actor_role: Set(Some(actor.1.role.code().to_string())),
                    action: Set(change.action),
                    from_state: Set(Some(change.from)),
                    to_state: Set(change.to),
                    note: Set(change.note),
                });
                state = next;
                last_at = at;
            }
            rows.referrals.push(referrals::ActiveModel {
                id: Set(referral_id),
                number: Set(number),
                case_id: Set(context.case_id),
                complaint_id: Set(Some(*complaint_id)),
                programme_id: Set(programme_id),
                institution_id: Set(institution_id),
                state: Set(state.code().to_string()),
                issued_on: Set(issued_on),
                due_on: Set(due.due),
                outcome_note: Set(outcome_note),
                verification_code: Set(verification),
                consent_at: Set(consent_at),
                consent_by: Set(context.household.head_name.clone()),
                consent_note: Set(Some(
                    "Warga menyetujui data keluarga dibagikan kepada lembaga tujuan rujukan."
                        .to_string(),
                )),
                created_by: Set(sender.0),
                created_at: Set(context.issued_at),
                updated_at: Set(last_at),
                version: Set(1 + i32::try_from(path.len()).unwrap_or(0)),
            });
            rows.referral_events.extend(events);
            states.push(state);
        }
        Ok(states)
    }
}

// ---------------------------------------------------------------------------
// seed-scale

/// Parses `32.09,33.04` into district codes.
pub fn parse_districts(text: &str) -> anyhow::Result<Vec<String>> {
    let mut out = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let ok =
            part.split('.').count() == 2 && part.chars().all(|c| c.is_ascii_digit() || c == '.');
        if !ok {
            bail!("`{part}` is not a district code like 32.09");
        }
        out.push(part.to_string());
    }
    if out.is_empty() {
        bail!("name at least one district, e.g. --districts 32.09");
    }
    Ok(out)
}

/// One generated batch and how many households it holds.
struct Batch {
    rows: Rows,
    households: u64,
    members: u64,
    families: u64,
    cases: u64,
}

/// Generates `options.households` synthetic households (with members, registry records for
/// about 60 % and a case for about 10 %) into the villages of `options.districts`.
pub async fn run(
    db: &DatabaseConnection,
    key: &DataKey,
    options: &ScaleOptions,
) -> anyhow::Result<ScaleReport> {
    let started = Instant::now();
    let villages = villages_of(db, &options.districts).await?;
    if villages.is_empty() {
        bail!(
            "no villages in {}; run `slrt import-areas node_modules/idn-area-data/data` first",
            options.districts.join(", ")
        );
    }
    let programmes: HashMap<ProgrammeKind, i64> = crate::entities::programmes::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .filter_map(|p| ProgrammeKind::from_code(&p.kind).map(|kind| (kind, p.id)))
        .collect();
    let import_id = record_import(
        db,
        &format!("scale-{}-{}", options.seed, options.households),
        0,
        options.now,
    )
    .await?;
    let mut ids = NextIds::load(db).await?;
    let calendar = crate::services::builtin_holidays();
    let no_staff = Staff::default();
    let mut maker_serials = CaseMaker::new(&no_staff, &calendar);
    maker_serials.load_serials(db).await?;
    let (case_serials, referral_serials) =
        (maker_serials.case_serials, maker_serials.referral_serials);

    let (sender, mut receiver) = tokio::sync::mpsc::channel::<anyhow::Result<Batch>>(3);
    let key = key.clone();
    let options_for_thread = options.clone();
    let generator = std::thread::spawn(move || {
        let options = options_for_thread;
        let staff = Staff::default();
        let mut maker = CaseMaker::new(&staff, &calendar);
        maker.case_serials = case_serials;
        maker.referral_serials = referral_serials;
        let mut synth = Synth::new(options.seed, key, options.today, options.now)
            .with_programmes(programmes)
            .with_import(import_id);
        let mut left = options.households;
        while left > 0 {
            let size = left.min(SCALE_BATCH as u64);
            let result = (|| -> anyhow::Result<Batch> {
                let mut rows = Rows::default();
                let mut batch = Batch {
                    rows: Rows::default(),
                    households: size,
                    members: 0,
                    families: 0,
                    cases: 0,
                };
                for _ in 0..size {
                    let village = synth.rng.gen_range(0..villages.len());
                    let household =
                        synth.household(&mut ids, &villages, village, None, &mut rows)?;
                    if synth.rng.gen_range(0..10) == 0 {
                        maker.case(
                            &mut synth,
                            &mut ids,
                            &household,
                            &villages[village],
                            &mut rows,
                        )?;
                        batch.cases += 1;
                    }
                }
                batch.members = rows.members.len() as u64;
                batch.families = rows.families.len() as u64;
                batch.rows = rows;
                Ok(batch)
            })();
            let failed = result.is_err();
            if sender.blocking_send(result).is_err() || failed {
                return;
            }
            left -= size;
        }
    });

    let sqlite = db.get_database_backend() == DatabaseBackend::Sqlite;
    let mut report = ScaleReport::default();
    let mut next_progress = options.households / 10;
    while let Some(batch) = receiver.recv().await {
        let batch = batch?;
        let txn = db.begin().await?;
        if sqlite {
            // A larger page cache (256 MiB) for this connection speeds up index maintenance.
            txn.execute_unprepared("PRAGMA cache_size = -262144")
                .await?;
        }
        batch.rows.insert(&txn, 5_000).await?;
        sync_sequences(&txn, &ID_TABLES).await?;
        txn.commit().await?;
        report.households += batch.households;
        report.members += batch.members;
        report.registry_families += batch.families;
        report.cases += batch.cases;
        if report.households >= next_progress || report.households == options.households {
            let seconds = started.elapsed().as_secs_f64().max(0.001);
            tracing::info!(
                households = report.households,
                of = options.households,
                per_second = (report.households as f64 / seconds) as u64,
                "seed-scale progress"
            );
            next_progress = report.households + (options.households / 10).max(1);
        }
    }
    if generator.join().is_err() {
        bail!("the data generator stopped unexpectedly");
    }
    // Bulk rows bypass the services: recount the dashboard figures once.
    let txn = db.begin().await?;
    crate::services::stats::rebuild(&txn).await?;
    txn.commit().await?;
    if report.households != options.households {
        bail!(
            "only {} of {} households were written",
            report.households,
            options.households
        );
    }
    crate::entities::registry_imports::Entity::update_many()
        .col_expr(
            registry_imports::Column::RowsTotal,
            sea_orm::sea_query::Expr::value(
                i64::try_from(report.registry_families).unwrap_or(i64::MAX),
            ),
        )
        .col_expr(
            registry_imports::Column::RowsAccepted,
            sea_orm::sea_query::Expr::value(
                i64::try_from(report.registry_families).unwrap_or(i64::MAX),
            ),
        )
        .filter(registry_imports::Column::Id.eq(import_id))
        .exec(db)
        .await
        .context("cannot update the registry import record")?;
    if sqlite {
        db.execute_unprepared("PRAGMA optimize").await?;
    }
    report.elapsed = started.elapsed();
    Ok(report)
}
