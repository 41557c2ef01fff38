//! Synthetic people: the deterministic generator, names, birth dates, NIK and No KK, and
//! the members of a household.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, Days, NaiveDate, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use shared::identity::Sex;
use shared::member::{
    ChronicIllness, DisabilityType, Education, MaritalStatus, MemberRegistryStatus, Occupation,
    PpksCategory, Relationship, age_on,
};
use shared::programme::ProgrammeKind;

use super::households::Village;
use super::names::{FEMALE_NAMES, MALE_NAMES, OTHER_BIRTH_PLACES, SECOND_NAMES, home_town};
use super::{chance, days_before, pick, weighted};
use crate::protect::DataKey;
use crate::records::MemberDetails;

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

/// The deterministic generator of synthetic households, members and registry records.
pub(crate) struct Synth {
    pub rng: StdRng,
    pub(super) key: DataKey,
    pub today: NaiveDate,
    pub now: DateTime<Utc>,
    /// Last NIK serial used per region and encoded birth date.
    nik_serials: HashMap<(u32, u32), u16>,
    /// Programme ids by kind, when the catalogue exists (for enrolments).
    pub(super) programme_ids: HashMap<ProgrammeKind, i64>,
    /// The registry import the generated registry records belong to.
    pub(super) import_id: Option<i64>,
}

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
    pub(super) fn no_kk(region: &str, id: i64) -> String {
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

    pub(crate) fn full_name(&mut self, sex: Sex) -> String {
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
                awaiting_survey: false,
            },
        }
    }

    pub(super) fn members(&mut self, village: &Village, desil: Option<u8>) -> Vec<PersonSpec> {
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
}
