//! Families registered twice: the same people written otherwise (see
//! [`crate::names::likeness`]) in two household records of one sub-district.
//! Found before a registration is saved (the front desk opens the family on
//! record or confirms a new one), listed per district for the SLRT manager,
//! and merged into one record: the values kept chosen field by field, every
//! member, case, referral, event and proposal of the other record carried
//! over, and the other record kept as merged, closed to new work.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::dto::HouseholdFile;
use crate::names::{Likeness, likeness};

/// The most households shown as likely the same as one being registered.
pub const LIKELY_SHOWN: usize = 5;

/// Birth dates further apart than this are never the same person's (see
/// [`crate::names::likeness`]: the same, or within a year).
pub const BIRTH_WINDOW_DAYS: i64 = 366;

/// How alike, in words (Indonesian, English), for a score of
/// [`crate::names::likeness`]: the score is a rule's rank, not a percentage.
pub fn how_alike(score: u8) -> (&'static str, &'static str) {
    if score >= 90 {
        ("Sangat mirip", "Very alike")
    } else {
        ("Mirip", "Alike")
    }
}

/// One person as the look-up compares them: who (a member's id, or the
/// index of a typed member), in which household, the keys of the name
/// ([`crate::names::name_keys`]) and the birth date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub id: i64,
    pub household_id: i64,
    pub keys: Vec<String>,
    pub birth: NaiveDate,
}

/// Two people of different households likely the same: their places in the
/// list given to [`likely_pairs`] and how alike they are.
pub type PersonPair = (usize, usize, Likeness);

/// The people of one sub-district likely the same as someone of another
/// household there. `people` is sorted by birth date here. Two people are
/// alike only when their names share a word's key (see
/// [`crate::names::likeness`]), so each person is compared only with those
/// sharing one of its words and born within [`BIRTH_WINDOW_DAYS`] of them:
/// a sub-district of a hundred thousand people is read in one pass.
pub fn likely_pairs(people: &mut [Person]) -> Vec<PersonPair> {
    people.sort_by_key(|p| p.birth);
    let people: &[Person] = people;
    // Each word's key → the people whose names hold it, by birth date.
    let mut by_word: HashMap<&str, Vec<usize>> = HashMap::new();
    for (index, person) in people.iter().enumerate() {
        let mut keys: Vec<&str> = person.keys.iter().map(String::as_str).collect();
        keys.sort_unstable();
        keys.dedup();
        for key in keys {
            by_word.entry(key).or_default().push(index);
        }
    }
    let mut compared: HashSet<(usize, usize)> = HashSet::new();
    let mut pairs = Vec::new();
    for sharing in by_word.values() {
        for (at, &a) in sharing.iter().enumerate() {
            for &b in &sharing[at + 1..] {
                let (first, second) = (&people[a], &people[b]);
                if (second.birth - first.birth).num_days() > BIRTH_WINDOW_DAYS {
                    break;
                }
                if first.household_id == second.household_id || !compared.insert((a, b)) {
                    continue;
                }
                if let Some(alike) = likeness(&first.keys, first.birth, &second.keys, second.birth)
                {
                    pairs.push((a, b, alike));
                }
            }
        }
    }
    pairs.sort_by_key(|(a, b, _)| (*a, *b));
    pairs
}

/// Which members of a merged record are people the surviving record already
/// lists: the likeliest pairs first, each person in one pair at most.
pub fn same_people(survivor: &[Person], merged: &[Person]) -> Vec<SamePerson> {
    let mut candidates: Vec<(u8, i64, i64)> = Vec::new();
    for kept in survivor {
        for other in merged {
            if let Some(alike) = likeness(&kept.keys, kept.birth, &other.keys, other.birth) {
                candidates.push((alike.score, kept.id, other.id));
            }
        }
    }
    candidates.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    let mut chosen: Vec<SamePerson> = Vec::new();
    for (_, kept, merged) in candidates {
        if chosen.iter().all(|p| p.kept != kept && p.merged != merged) {
            chosen.push(SamePerson { kept, merged });
        }
    }
    chosen
}

/// A typed member likely someone already on record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LikelyPerson {
    /// The name as typed in the registration.
    pub typed_name: String,
    /// The name on record; `None` when the household lies outside the
    /// caller's area (only its village is said).
    pub found_name: Option<String>,
    /// Why, and how sure.
    pub likeness: Likeness,
}

/// A household on record likely the family being registered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LikelyHousehold {
    /// The household, when the caller may open it (inside their area).
    pub household_id: Option<i64>,
    /// Head of family, when the caller may see it.
    pub head_name: Option<String>,
    /// No KK masked, when the caller may see it.
    pub no_kk_masked: Option<String>,
    /// The village it is registered in.
    pub village_name: String,
    /// The highest score of its people.
    pub score: u8,
    /// The typed members likely its people.
    pub people: Vec<LikelyPerson>,
}

/// One side of a likely pair in the district's duplicate list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PairSide {
    pub household_id: i64,
    pub head_name: String,
    pub no_kk_masked: String,
    pub village_name: String,
    /// Members who count in the family.
    pub member_count: u32,
    /// When it was registered (the date in the district's zone).
    pub registered_on: NaiveDate,
}

/// Two people of a likely pair, by name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PairPerson {
    pub first_name: String,
    pub second_name: String,
    pub likeness: Likeness,
}

/// Two households of one sub-district likely the same family.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DuplicatePair {
    /// The one registered first.
    pub first: PairSide,
    pub second: PairSide,
    /// The highest score of its people.
    pub score: u8,
    pub people: Vec<PairPerson>,
}

/// A member of the merged record who is a member of the surviving one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SamePerson {
    /// The member kept (of the surviving record).
    pub kept: i64,
    /// The member of the merged record, kept as listed twice (ganda).
    pub merged: i64,
}

/// Two households side by side before a merge, with the people proposed as the same.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MergePreview {
    pub survivor: HouseholdFile,
    pub merged: HouseholdFile,
    pub same_people: Vec<SamePerson>,
}

crate::coded_enum! {
    /// Whose values a merged household keeps for a group of fields.
    pub enum MergeSide {
        Survivor = ("survivor", "Catatan yang dipertahankan", "The record kept"),
        Merged = ("merged", "Catatan yang digabungkan", "The record merged into it"),
    }
}

/// Merges household `merged_id` into `survivor_id`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MergeHouseholds {
    pub idempotency_key: String,
    pub survivor_id: i64,
    pub survivor_version: i32,
    pub merged_id: i64,
    pub merged_version: i32,
    /// The head of family's name.
    pub head_name: MergeSide,
    /// Dusun, RT, RW and street.
    pub address: MergeSide,
    /// The house's condition.
    pub house: MergeSide,
    /// Income band, assets and programmes.
    pub economy: MergeSide,
    /// Members of the merged record who are members of the surviving one.
    pub same_people: Vec<SamePerson>,
}

impl MergeHouseholds {
    /// The merge form as posted without script: `pairs` are the form's (name,
    /// value) pairs; `same.{member}` names the kept member a member of the
    /// merged record is (`0` or absent: another person).
    pub fn from_form(pairs: &[(String, String)], survivor_id: i64, merged_id: i64) -> Self {
        let value = |name: &str| {
            pairs
                .iter()
                .find(|(n, _)| n == name)
                .map_or("", |(_, v)| v.as_str())
        };
        let side = |name: &str| MergeSide::from_code(value(name)).unwrap_or(MergeSide::Survivor);
        let same_people = pairs
            .iter()
            .filter_map(|(name, kept)| {
                let merged = name.strip_prefix("same.")?.parse().ok()?;
                let kept = kept.parse().ok().filter(|k: &i64| *k > 0)?;
                Some(SamePerson { kept, merged })
            })
            .collect();
        MergeHouseholds {
            idempotency_key: value("idempotency_key").to_string(),
            survivor_id,
            survivor_version: value("survivor_version").parse().unwrap_or(0),
            merged_id,
            merged_version: value("merged_version").parse().unwrap_or(0),
            head_name: side("head_name"),
            address: side("address"),
            house: side("house"),
            economy: side("economy"),
            same_people,
        }
    }
}

crate::coded_enum! {
    /// Why a merge is refused.
    pub enum MergeProblem {
        SameHousehold = ("same_household", "Pilih dua catatan keluarga yang berbeda.", "Choose two different household records."),
        HeadNotPaired = ("head_not_paired", "Kepala keluarga pada catatan yang digabungkan harus dipasangkan dengan orang yang sama pada catatan yang dipertahankan.", "The head of the merged record must be paired with the same person in the record kept."),
        PersonPairedTwice = ("person_paired_twice", "Setiap orang hanya boleh dipasangkan sekali.", "Each person may be paired once only."),
        PersonNotInHousehold = ("person_not_in_household", "Pasangan orang yang sama harus anggota kedua catatan keluarga ini.", "Each pair of the same person must be members of these two records."),
        OpenProposal = ("open_proposal", "Catatan yang digabungkan masih punya usulan registri yang berjalan: tunggu sampai usulan itu ditetapkan atau ditolak, lalu gabungkan.", "The record to merge still has a registry proposal under way: wait until it is enacted or rejected, then merge."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::names::name_keys;

    fn person(id: i64, household_id: i64, name: &str, birth: (i32, u32, u32)) -> Person {
        Person {
            id,
            household_id,
            keys: name_keys(name),
            birth: NaiveDate::from_ymd_opt(birth.0, birth.1, birth.2).unwrap_or_default(),
        }
    }

    #[test]
    fn a_sub_district_is_read_in_one_pass_for_people_of_other_households() {
        let mut people = vec![
            person(1, 10, "Siti Aminah", (1980, 5, 1)),
            person(2, 10, "Sitti Aminah", (1980, 5, 1)), // the same family: not a pair
            person(3, 20, "Aminah", (1980, 5, 1)),
            person(4, 30, "Siti Aminah", (1983, 5, 1)), // born three years later
            person(5, 40, "Budi Santoso", (1980, 5, 1)),
            person(6, 50, "Budi Susanto", (1980, 5, 1)), // another man
            person(7, 60, "Muhamad Rizki", (1981, 1, 2)),
            person(8, 70, "Mochammad Rizky", (1981, 2, 1)), // day and month swapped
        ];
        let pairs = likely_pairs(&mut people);
        let mut found: Vec<(i64, i64)> = pairs
            .iter()
            .map(|(a, b, _)| {
                let (a, b) = (people[*a].id, people[*b].id);
                (a.min(b), a.max(b))
            })
            .collect();
        found.sort_unstable();
        assert_eq!(found, vec![(1, 3), (2, 3), (7, 8)]);
    }

    #[test]
    fn the_likeliest_pairs_are_chosen_each_person_once() {
        let survivor = vec![
            person(1, 10, "Siti Aminah", (1980, 5, 1)),
            person(2, 10, "Rina", (2005, 1, 1)),
            person(3, 10, "Rini", (2005, 1, 1)),
        ];
        let merged = vec![
            person(11, 20, "Sitti Aminah", (1980, 5, 1)),
            person(12, 20, "Aminah", (1980, 5, 1)),
            person(13, 20, "Rina", (2005, 1, 1)),
        ];
        assert_eq!(
            same_people(&survivor, &merged),
            vec![
                SamePerson {
                    kept: 1,
                    merged: 11
                },
                SamePerson {
                    kept: 2,
                    merged: 13
                },
            ]
        );
    }

    #[test]
    fn a_merge_posted_without_script_reads_as_the_page_would_send_it() {
        let posted: Vec<(String, String)> = [
            ("form", "merge"),
            ("idempotency_key", "k"),
            ("survivor_version", "3"),
            ("merged_version", "2"),
            ("head_name", "merged"),
            ("address", "survivor"),
            ("house", "nonsense"),
            ("same.21", "11"),
            ("same.22", "0"),
            ("same.x", "12"),
        ]
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect();
        let request = MergeHouseholds::from_form(&posted, 1, 2);
        assert_eq!(
            request,
            MergeHouseholds {
                idempotency_key: "k".into(),
                survivor_id: 1,
                survivor_version: 3,
                merged_id: 2,
                merged_version: 2,
                head_name: MergeSide::Merged,
                address: MergeSide::Survivor,
                house: MergeSide::Survivor,
                economy: MergeSide::Survivor,
                same_people: vec![SamePerson {
                    kept: 11,
                    merged: 21
                }],
            }
        );
    }

    #[test]
    fn coded_enums_keep_their_promises() {
        crate::coded::tests::check_coded::<MergeSide>();
        crate::coded::tests::check_coded::<MergeProblem>();
    }
}
