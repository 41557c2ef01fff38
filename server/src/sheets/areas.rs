//! Village and sub-district names (or codes) resolved to Kemendagri codes inside
//! the chosen district: exact after normalisation, else the near-miss
//! spellings offered and never a guess; a name two villages share needs the
//! sub-district.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use shared::geo::{AreaCode, AreaLevel};

use super::values::{ValueProblem, echo};

/// Near-miss spellings offered at most.
pub const NEAR_MAX: usize = 5;

/// A village or sub-district offered for a name (a near miss, or one of the
/// villages a shared name may mean).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AreaChoice {
    /// Dotted code, e.g. `32.09.01.2009`.
    pub code: String,
    pub name: String,
    /// The sub-district's name, for a village.
    pub sub_district: Option<String>,
}

/// What a name or code in a sheet resolves to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum AreaMatch {
    /// The one area it names.
    Found(AreaCode),
    /// No area of the district is called that; `near` are the spellings
    /// closest to it, best first (maybe none).
    Unknown { near: Vec<AreaChoice> },
    /// Several villages of the district have that name (in different
    /// sub-districts): the sub-district must be given.
    Ambiguous { candidates: Vec<AreaChoice> },
    /// The sub-district given has no village of that name, other sub-districts have.
    InOtherSubDistrict { candidates: Vec<AreaChoice> },
    /// A code that is not of this district, not of the level asked for, or
    /// not in the area table.
    CodeNotHere { code: String },
}

#[derive(Clone)]
struct Area {
    code: AreaCode,
    name: String,
    key: String,
    parent: Option<AreaCode>,
}

/// The sub-districts and villages of one district, for resolving names.
#[derive(Clone)]
pub struct AreaIndex {
    district: AreaCode,
    sub_districts: Vec<Area>,
    villages: Vec<Area>,
    /// Index in `sub_districts` / `villages` of each name key (a key two villages share has two).
    sub_district_keys: HashMap<String, Vec<usize>>,
    village_keys: HashMap<String, Vec<usize>>,
}

/// A name as compared: upper case, a leading `DESA`, `DS`, `KELURAHAN`, `KEL`,
/// `KECAMATAN` or `KEC` dropped, then letters and digits only (`Kel. Waled-Kota` → `WALEDKOTA`).
pub fn area_key(name: &str) -> String {
    let words = super::fields::normalise_header(name);
    let mut words: Vec<&str> = words.split(' ').filter(|word| !word.is_empty()).collect();
    if words.len() > 1
        && matches!(
            words.first(),
            Some(&("DESA" | "DS" | "KELURAHAN" | "KEL" | "KECAMATAN" | "KEC"))
        )
    {
        words.remove(0);
    }
    words.concat()
}

/// Edits (insert, delete, substitute, swap two neighbours) from `a` to `b`.
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let width = b.len() + 1;
    let mut table = vec![0usize; (a.len() + 1) * width];
    let at = |i: usize, j: usize| i * width + j;
    for i in 0..=a.len() {
        if let Some(cell) = table.get_mut(at(i, 0)) {
            *cell = i;
        }
    }
    for j in 0..=b.len() {
        if let Some(cell) = table.get_mut(at(0, j)) {
            *cell = j;
        }
    }
    let get = |table: &Vec<usize>, i: usize, j: usize| table.get(at(i, j)).copied().unwrap_or(0);
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a.get(i - 1) != b.get(j - 1));
            let mut best = (get(&table, i - 1, j) + 1)
                .min(get(&table, i, j - 1) + 1)
                .min(get(&table, i - 1, j - 1) + cost);
            if i > 1 && j > 1 && a.get(i - 1) == b.get(j - 2) && a.get(i - 2) == b.get(j - 1) {
                best = best.min(get(&table, i - 2, j - 2) + 1);
            }
            if let Some(cell) = table.get_mut(at(i, j)) {
                *cell = best;
            }
        }
    }
    get(&table, a.len(), b.len())
}

/// How far `typed` is from `name` if it is a near miss: at most two edits
/// (one for names of five letters or fewer), or one the start of the other.
fn near_miss(typed: &str, name: &str) -> Option<usize> {
    let (typed_length, name_length) = (typed.chars().count(), name.chars().count());
    let allowed = if typed_length.min(name_length) <= 5 {
        1
    } else {
        2
    };
    let apart = typed_length.abs_diff(name_length);
    // Edits are never fewer than the difference in length: only count them when they may do.
    if apart <= allowed {
        let edits = distance(typed, name);
        if edits <= allowed {
            return Some(edits);
        }
    }
    let (short, long) = if typed_length <= name_length {
        (typed, name)
    } else {
        (name, typed)
    };
    (short.chars().count() >= 4 && long.starts_with(short)).then_some(apart)
}

impl AreaIndex {
    /// The index of `district`'s sub-districts and villages, from rows of the
    /// `areas` table as (code, name, level); rows outside the district or of
    /// another level are left out, malformed codes too.
    pub fn new<C, N>(district: &AreaCode, areas: impl IntoIterator<Item = (C, N, i16)>) -> AreaIndex
    where
        C: AsRef<str>,
        N: AsRef<str>,
    {
        let mut index = AreaIndex {
            district: district.clone(),
            sub_districts: Vec::new(),
            villages: Vec::new(),
            sub_district_keys: HashMap::new(),
            village_keys: HashMap::new(),
        };
        for (code, name, level) in areas {
            let Ok(code) = AreaCode::parse(code.as_ref()) else {
                continue;
            };
            if !district.contains(&code) {
                continue;
            }
            let area = Area {
                parent: code.parent(),
                key: area_key(name.as_ref()),
                name: name.as_ref().trim().to_string(),
                code,
            };
            match level {
                3 if area.code.level() == AreaLevel::SubDistrict => index.sub_districts.push(area),
                4 if area.code.level() == AreaLevel::Village => index.villages.push(area),
                _ => {}
            }
        }
        index.sub_districts.sort_by(|a, b| a.code.cmp(&b.code));
        index.villages.sort_by(|a, b| a.code.cmp(&b.code));
        for (at, area) in index.sub_districts.iter().enumerate() {
            index
                .sub_district_keys
                .entry(area.key.clone())
                .or_default()
                .push(at);
        }
        for (at, area) in index.villages.iter().enumerate() {
            index
                .village_keys
                .entry(area.key.clone())
                .or_default()
                .push(at);
        }
        index
    }

    fn named<'a>(
        areas: &'a [Area],
        keys: &HashMap<String, Vec<usize>>,
        key: &str,
    ) -> Vec<&'a Area> {
        keys.get(key)
            .map(|found| found.iter().filter_map(|&at| areas.get(at)).collect())
            .unwrap_or_default()
    }

    /// The district it resolves in.
    pub fn district(&self) -> &AreaCode {
        &self.district
    }

    fn sub_district_name(&self, code: Option<&AreaCode>) -> Option<String> {
        let code = code?;
        self.sub_districts
            .iter()
            .find(|area| &area.code == code)
            .map(|area| area.name.clone())
    }

    fn choice(&self, area: &Area) -> AreaChoice {
        AreaChoice {
            code: area.code.as_str().to_string(),
            name: area.name.clone(),
            sub_district: match area.code.level() {
                AreaLevel::Village => self.sub_district_name(area.parent.as_ref()),
                _ => None,
            },
        }
    }

    /// A code (dotted or bare digits) of `level` that the index holds.
    fn by_code(&self, text: &str, level: AreaLevel) -> Option<AreaMatch> {
        let trimmed = text.trim();
        let looks_like_code = !trimmed.is_empty()
            && trimmed.bytes().all(|b| b.is_ascii_digit() || b == b'.')
            && trimmed.bytes().any(|b| b.is_ascii_digit());
        if !looks_like_code {
            return None;
        }
        let areas = match level {
            AreaLevel::Village => &self.villages,
            _ => &self.sub_districts,
        };
        let found = AreaCode::parse(trimmed)
            .ok()
            .filter(|code| areas.binary_search_by(|area| area.code.cmp(code)).is_ok());
        Some(match found {
            Some(code) => AreaMatch::Found(code),
            None => AreaMatch::CodeNotHere {
                code: trimmed.chars().take(20).collect(),
            },
        })
    }

    fn near(&self, key: &str, areas: &[&Area]) -> Vec<AreaChoice> {
        let mut near: Vec<(usize, &Area)> = areas
            .iter()
            .filter_map(|area| near_miss(key, &area.key).map(|edits| (edits, *area)))
            .collect();
        near.sort_by(|(a, x), (b, y)| a.cmp(b).then_with(|| x.name.cmp(&y.name)));
        near.into_iter()
            .take(NEAR_MAX)
            .map(|(_, area)| self.choice(area))
            .collect()
    }

    /// A sub-district of the district by name or code.
    pub fn sub_district(&self, text: &str) -> AreaMatch {
        if let Some(found) = self.by_code(text, AreaLevel::SubDistrict) {
            return found;
        }
        let key = area_key(text);
        if let Some(area) = Self::named(&self.sub_districts, &self.sub_district_keys, &key).first()
        {
            return AreaMatch::Found(area.code.clone());
        }
        let all: Vec<&Area> = self.sub_districts.iter().collect();
        AreaMatch::Unknown {
            near: self.near(&key, &all),
        }
    }

    /// A village of the district by name or code; `sub_district` (its name or
    /// code, when the sheet has it) tells apart villages of the same name and
    /// narrows the near misses. A sub-district that does not resolve is left
    /// out (its own column reports it).
    pub fn village(&self, text: &str, sub_district: Option<&str>) -> AreaMatch {
        if let Some(found) = self.by_code(text, AreaLevel::Village) {
            return found;
        }
        let within = sub_district.and_then(|name| match self.sub_district(name) {
            AreaMatch::Found(code) => Some(code),
            _ => None,
        });
        let key = area_key(text);
        let same = Self::named(&self.villages, &self.village_keys, &key);
        if let Some(within) = &within {
            if let Some(area) = same
                .iter()
                .find(|area| area.parent.as_ref() == Some(within))
            {
                return AreaMatch::Found(area.code.clone());
            }
            if !same.is_empty() {
                return AreaMatch::InOtherSubDistrict {
                    candidates: same.iter().map(|area| self.choice(area)).collect(),
                };
            }
            let inside: Vec<&Area> = self
                .villages
                .iter()
                .filter(|area| area.parent.as_ref() == Some(within))
                .collect();
            let near = self.near(&key, &inside);
            if !near.is_empty() {
                return AreaMatch::Unknown { near };
            }
        }
        match same.as_slice() {
            [area] => AreaMatch::Found(area.code.clone()),
            [] => {
                let all: Vec<&Area> = self.villages.iter().collect();
                AreaMatch::Unknown {
                    near: self.near(&key, &all),
                }
            }
            several => AreaMatch::Ambiguous {
                candidates: several.iter().map(|area| self.choice(area)).collect(),
            },
        }
    }
}

fn choices_text(choices: &[AreaChoice]) -> String {
    choices
        .iter()
        .map(|choice| match &choice.sub_district {
            Some(sub) => format!("{} (Kec. {sub}, {})", choice.name, choice.code),
            None => format!("{} ({})", choice.name, choice.code),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

impl AreaMatch {
    /// The code, when the name or code resolved.
    pub fn code(&self) -> Option<&AreaCode> {
        match self {
            AreaMatch::Found(code) => Some(code),
            _ => None,
        }
    }

    /// Why `typed` did not resolve to an area of `level`, or `None` when it did.
    pub fn problem(&self, typed: &str, level: AreaLevel) -> Option<ValueProblem> {
        let (what_id, what_en) = match level {
            AreaLevel::Village => ("Desa/kelurahan", "Village"),
            _ => ("Kecamatan", "Sub-district"),
        };
        let shown = echo(typed);
        Some(match self {
            AreaMatch::Found(_) => return None,
            AreaMatch::Unknown { near } if near.is_empty() => ValueProblem::new(
                format!("{what_id} \"{shown}\" tidak ada di kabupaten/kota ini."),
                format!("{what_en} \"{shown}\" is not in this district."),
            ),
            AreaMatch::Unknown { near } => {
                let list = choices_text(near);
                ValueProblem::new(
                    format!(
                        "{what_id} \"{shown}\" tidak ada di kabupaten/kota ini; mungkin maksudnya: {list}? Perbaiki ejaannya di berkas atau pilih wilayahnya."
                    ),
                    format!(
                        "{what_en} \"{shown}\" is not in this district; did you mean: {list}? Correct the spelling in the file or choose the area."
                    ),
                )
            }
            AreaMatch::Ambiguous { candidates } => {
                let list = choices_text(candidates);
                ValueProblem::new(
                    format!(
                        "Ada {} desa/kelurahan bernama \"{shown}\" di kabupaten/kota ini: {list}. Sertakan kolom kecamatan atau tulis kode desanya.",
                        candidates.len()
                    ),
                    format!(
                        "{} villages of this district are called \"{shown}\": {list}. Include the sub-district column or write the village code.",
                        candidates.len()
                    ),
                )
            }
            AreaMatch::InOtherSubDistrict { candidates } => {
                let list = choices_text(candidates);
                ValueProblem::new(
                    format!(
                        "Desa/kelurahan \"{shown}\" tidak ada di kecamatan yang ditulis; yang bernama itu: {list}. Periksa kolom kecamatan."
                    ),
                    format!(
                        "There is no village \"{shown}\" in the sub-district given; villages of that name: {list}. Check the sub-district column."
                    ),
                )
            }
            AreaMatch::CodeNotHere { code } => ValueProblem::new(
                format!(
                    "Kode {} {code} tidak ada di kabupaten/kota ini (atau bukan kode {}).",
                    what_id.to_lowercase(),
                    what_id.to_lowercase()
                ),
                format!(
                    "The {} code {code} is not in this district (or not a {} code).",
                    what_en.to_lowercase(),
                    what_en.to_lowercase()
                ),
            ),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A few real areas of Kabupaten Cirebon (public Kemendagri reference data).
    fn index() -> AreaIndex {
        let district = AreaCode::parse("32.09").unwrap_or_else(|_| unreachable!());
        AreaIndex::new(
            &district,
            [
                ("32.09", "Kabupaten Cirebon", 2),
                ("32.09.01", "Waled", 3),
                ("32.09.16", "Dukupuntang", 3),
                ("32.09.01.2008", "Waled Desa", 4),
                ("32.09.01.2009", "Waled Kota", 4),
                ("32.09.01.2011", "Waled Asem", 4),
                ("32.09.01.2019", "Cisaat", 4),
                ("32.09.16.2007", "Cisaat", 4),
                ("33.04.01.2001", "Gumelem Kulon", 4),
            ],
        )
    }

    fn code(text: &str) -> Option<AreaCode> {
        AreaCode::parse(text).ok()
    }

    #[test]
    fn names_resolve_after_normalisation() {
        let index = index();
        for typed in [
            "Waled Kota",
            "WALED KOTA",
            "waled-kota",
            "Desa Waled Kota",
            "Ds. Waled Kota",
            "WaledKota",
        ] {
            assert_eq!(
                index.village(typed, None).code(),
                code("32.09.01.2009").as_ref(),
                "{typed}"
            );
        }
        assert_eq!(
            index.sub_district("Kec. Waled").code(),
            code("32.09.01").as_ref()
        );
        // "Waled Desa" is a village's name: only a leading DESA is a prefix.
        assert_eq!(
            index.village("Waled Desa", None).code(),
            code("32.09.01.2008").as_ref()
        );
    }

    #[test]
    fn codes_resolve_when_they_are_of_the_district() {
        let index = index();
        assert_eq!(
            index.village("3209012009", None).code(),
            code("32.09.01.2009").as_ref()
        );
        assert_eq!(
            index.village("32.09.01.2009", None).code(),
            code("32.09.01.2009").as_ref()
        );
        assert!(matches!(
            index.village("33.04.01.2001", None),
            AreaMatch::CodeNotHere { .. }
        ));
        assert!(matches!(
            index.village("32.09.01", None),
            AreaMatch::CodeNotHere { .. }
        ));
        assert_eq!(
            index.sub_district("32.09.16").code(),
            code("32.09.16").as_ref()
        );
    }

    #[test]
    fn a_typo_is_offered_its_near_misses_never_guessed() {
        let index = index();
        let found = index.village("Waled Kotta", None);
        let AreaMatch::Unknown { near } = &found else {
            panic!("{found:?}");
        };
        assert_eq!(near.first().map(|c| c.code.as_str()), Some("32.09.01.2009"));
        assert_eq!(
            near.first().and_then(|c| c.sub_district.as_deref()),
            Some("Waled")
        );
        let problem = found.problem("Waled Kotta", AreaLevel::Village);
        assert!(problem.is_some_and(|p| {
            p.reason_id
                .contains("mungkin maksudnya: Waled Kota (Kec. Waled, 32.09.01.2009)")
        }));
        // A start of several names offers them all.
        let AreaMatch::Unknown { near } = index.village("Waled", None) else {
            panic!("Waled alone is not a village");
        };
        assert_eq!(near.len(), 3);
        assert_eq!(
            index.village("Jakarta", None),
            AreaMatch::Unknown { near: vec![] }
        );
    }

    #[test]
    fn a_shared_name_needs_its_sub_district() {
        let index = index();
        let found = index.village("Cisaat", None);
        assert!(matches!(&found, AreaMatch::Ambiguous { candidates } if candidates.len() == 2));
        assert!(
            found
                .problem("Cisaat", AreaLevel::Village)
                .is_some_and(|p| p.reason_id.contains("Sertakan kolom kecamatan"))
        );
        assert_eq!(
            index.village("Cisaat", Some("Dukupuntang")).code(),
            code("32.09.16.2007").as_ref()
        );
        assert_eq!(
            index.village("Cisaat", Some("32.09.01")).code(),
            code("32.09.01.2019").as_ref()
        );
        assert!(matches!(
            index.village("Waled Kota", Some("Dukupuntang")),
            AreaMatch::InOtherSubDistrict { .. }
        ));
        // An unknown sub-district is left to its own column.
        assert_eq!(
            index.village("Waled Kota", Some("Atlantis")).code(),
            code("32.09.01.2009").as_ref()
        );
    }

    #[test]
    fn edit_distance_counts_swaps_as_one() {
        assert_eq!(distance("WALEDKOTA", "WALEDKOTTA"), 1);
        assert_eq!(distance("CISAAT", "CISATA"), 1);
        assert_eq!(distance("", "ABC"), 3);
        assert_eq!(distance("WALEDDESA", "WALEDKOTA"), 3);
    }
}
