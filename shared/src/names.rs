//! Indonesian names as staff type them, reduced to a key that spelling
//! variants share: Muhammad, Muhamad, Mohamad, Mochammad and M. all give
//! `mhmd`; Siti and Sitti give `st`; old spellings (Soekarno, Djoko, Tjahjo)
//! give the new ones' keys (Sukarno, Joko, Cahyo). Each word is keyed on its
//! own, so that a search can match words in any order, and a name typed with
//! a word left out still finds the longer one. Two people are likely the same
//! ([`likeness`]) when their names are alike and their birth dates too.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Words that say nothing about who someone is (titles, kinship words).
const NOISE: &[&str] = &[
    "bin", "binti", "bt", "h", "hj", "haji", "hajjah", "ir", "dr", "drs", "st", "sh", "se", "spd",
    "amd",
];

/// Whole words spelled many ways, to one key each.
const WORDS: &[(&[&str], &str)] = &[
    (
        &[
            "m",
            "mhd",
            "moh",
            "muh",
            "mochamad",
            "mochammad",
            "mohamad",
            "mohammad",
            "mohamed",
            "muhamad",
            "muhammad",
            "muhammat",
            "mukhammad",
            "mokhamad",
            "mokhammad",
            "mamad",
        ],
        "mhmd",
    ),
    (&["siti", "sitti", "sity"], "st"),
    (&["nur", "noor", "nuur", "nurul"], "nr"),
    (&["abd", "abdul", "abdoel"], "abdl"),
    (&["achmad", "ahmad", "akhmad", "ahmat", "amad"], "ahmd"),
];

/// The key of one word: lower case letters only, old spellings modernised,
/// doubled letters single.
fn word_key(word: &str) -> String {
    let lower: String = word
        .chars()
        .filter(|c| c.is_alphabetic())
        .flat_map(char::to_lowercase)
        .collect();
    if lower.is_empty() {
        return lower;
    }
    for (spellings, key) in WORDS {
        if spellings.contains(&lower.as_str()) {
            return (*key).to_string();
        }
    }
    // The spelling before 1972 (EYD) and its sounds.
    let modern = lower
        .replace("oe", "u")
        .replace("dj", "j")
        .replace("tj", "c")
        .replace("sj", "sy")
        .replace("nj", "ny")
        .replace("ch", "kh")
        .replace("kh", "k")
        .replace("ph", "f")
        .replace("th", "t")
        .replace("dh", "d")
        .replace('q', "k")
        .replace('v', "f")
        // Before 1972 'j' was written for today's 'y' (Tjahjo, Cahyo); with
        // 'y' read as 'i' (Rizky, Rizki) the three are one sound here.
        .replace('j', "y")
        .replace('y', "i");
    let mut key = String::new();
    for c in modern.chars() {
        if !key.ends_with(c) {
            key.push(c);
        }
    }
    // A final 'h' is often left unwritten (Fatimah / Fatima).
    if key.len() > 2 && key.ends_with('h') {
        key.pop();
    }
    key
}

/// The keys of a name's words, in the order typed, without titles.
pub fn name_keys(name: &str) -> Vec<String> {
    name.split(|c: char| c.is_whitespace() || c == '.' || c == ',' || c == '-' || c == '\'')
        .filter(|w| !w.is_empty())
        .filter(|w| !NOISE.contains(&w.to_lowercase().as_str()))
        .map(word_key)
        .filter(|k| !k.is_empty())
        .collect()
}

/// The name's key as stored for search: its word keys joined by spaces, with
/// a space before and after (so that ` key` finds a word's start).
pub fn search_key(name: &str) -> String {
    let keys = name_keys(name);
    if keys.is_empty() {
        String::new()
    } else {
        format!(" {} ", keys.join(" "))
    }
}

/// What a search of households asks for, read from what staff typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Search {
    /// Sixteen digits: a NIK or a No KK (spaces and dots allowed).
    IdNumber(String),
    /// A case or referral number (`SLRT/3209012008/2026/00017`), as typed.
    RecordNumber(String),
    /// RT and RW (`RT 3`, `rt 03 rw 02`, `003/002`).
    Neighbourhood { rt: Option<u16>, rw: Option<u16> },
    /// A member's name: the keys of its words.
    Name(Vec<String>),
    /// Anything else: the head's name contains it, character for character.
    Literal(String),
}

/// Reads a search as staff type it; `None` for nothing to search.
pub fn read_search(typed: &str) -> Option<Search> {
    let typed = typed.trim();
    if typed.is_empty() {
        return None;
    }
    let digits: String = typed.chars().filter(char::is_ascii_digit).collect();
    if digits.len() == 16
        && typed
            .chars()
            .all(|c| c.is_ascii_digit() || c == ' ' || c == '.' || c == '-')
    {
        return Some(Search::IdNumber(digits));
    }
    if let Some(place) = neighbourhood(typed) {
        return Some(place);
    }
    if typed.contains('/') && typed.chars().any(|c| c.is_ascii_alphabetic()) {
        return Some(Search::RecordNumber(typed.to_uppercase()));
    }
    let name_like = typed
        .chars()
        .all(|c| c.is_alphabetic() || matches!(c, ' ' | '.' | ',' | '\'' | '-'));
    let keys = name_keys(typed);
    if name_like && !keys.is_empty() {
        Some(Search::Name(keys))
    } else {
        Some(Search::Literal(typed.to_string()))
    }
}

/// `RT 3`, `RW 2`, `rt 03 rw 02`, `RT.003/RW.002`, `003/002`.
fn neighbourhood(typed: &str) -> Option<Search> {
    let lower = typed.to_lowercase();
    let number = |text: &str| -> Option<u16> {
        let digits: String = text
            .chars()
            .skip_while(|c| !c.is_ascii_digit())
            .take_while(char::is_ascii_digit)
            .collect();
        digits.parse().ok().filter(|n| (1..=999).contains(n))
    };
    if let Some((rt, rw)) = lower.split_once('/')
        && rt
            .trim_start_matches("rt")
            .trim_start_matches('.')
            .trim()
            .chars()
            .all(|c| c.is_ascii_digit())
        && !rt.trim().is_empty()
    {
        let rw = rw
            .trim()
            .trim_start_matches("rw")
            .trim_start_matches('.')
            .trim();
        if rw.chars().all(|c| c.is_ascii_digit()) {
            return Some(Search::Neighbourhood {
                rt: number(rt),
                rw: number(rw),
            });
        }
    }
    // The number right after the word (`rt 3`, `rt.003`).
    let after = |word: &str| {
        lower.find(word).and_then(|at| {
            let rest = &lower[at + word.len()..];
            rest.trim_start_matches(['.', ' '])
                .starts_with(|c: char| c.is_ascii_digit())
                .then(|| number(rest))
                .flatten()
        })
    };
    let (rt, rw) = (after("rt"), after("rw"));
    // Nothing but the RT/RW words and their numbers.
    let rest: String = lower
        .replace("rt", "")
        .replace("rw", "")
        .chars()
        .filter(|c| !c.is_ascii_digit() && !matches!(c, ' ' | '.' | '/' | ','))
        .collect();
    ((rt.is_some() || rw.is_some()) && rest.is_empty()).then_some(Search::Neighbourhood { rt, rw })
}

/// How alike two people's names are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NameLikeness {
    /// The same words (spelled alike or otherwise), in any order.
    Same,
    /// Every word of the shorter name is one of the longer's, or its
    /// initial: a part dropped or abbreviated (Siti Aminah / Aminah,
    /// Rizki Pratama / Rizki P.).
    Part,
}

fn names_alike(a: &[String], b: &[String]) -> Option<NameLikeness> {
    if a.is_empty() || b.is_empty() {
        return None;
    }
    let mut sorted_a = a.to_vec();
    let mut sorted_b = b.to_vec();
    sorted_a.sort();
    sorted_b.sort();
    if sorted_a == sorted_b {
        return Some(NameLikeness::Same);
    }
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    let mut free: Vec<&String> = long.iter().collect();
    let mut whole_words = 0;
    for word in short {
        let initial = word.chars().count() == 1;
        let found = free.iter().position(|other| {
            *other == word
                || (initial && other.starts_with(word.as_str()))
                || (other.chars().count() == 1 && word.starts_with(other.as_str()))
        })?;
        if !initial && free[found].chars().count() > 1 {
            whole_words += 1;
        }
        free.remove(found);
    }
    (whole_words > 0).then_some(NameLikeness::Part)
}

/// How alike two birth dates are: 2 the same, 1 near (within a year, or day
/// and month swapped as forms often get them), 0 otherwise.
fn births_alike(a: NaiveDate, b: NaiveDate) -> u8 {
    use chrono::Datelike;
    if a == b {
        return 2;
    }
    let swapped = a.day() == b.month() && a.month() == b.day() && a.year() == b.year();
    let days = (a - b).num_days().abs();
    if swapped || days <= 366 { 1 } else { 0 }
}

crate::coded_enum! {
    /// Why two people are likely the same.
    pub enum LikenessReason {
        SameNameSameBirth = ("same_name_same_birth", "Nama sama (mungkin ejaan lain) dan tanggal lahir sama", "The same name (perhaps spelled otherwise) and the same birth date"),
        SameNameNearBirth = ("same_name_near_birth", "Nama sama dan tanggal lahir hampir sama", "The same name and a birth date close to it"),
        PartNameSameBirth = ("part_name_same_birth", "Sebagian nama sama (disingkat atau tidak lengkap) dan tanggal lahir sama", "Part of the name the same (shortened or incomplete) and the same birth date"),
    }
}

/// Two people likely the same, why, and how sure (0–100).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Likeness {
    pub reason: LikenessReason,
    pub score: u8,
}

/// Whether the person named `a` born on `a_birth` is likely the one named
/// `b` born on `b_birth` (the names' keys already taken, see [`name_keys`]).
pub fn likeness(
    a: &[String],
    a_birth: NaiveDate,
    b: &[String],
    b_birth: NaiveDate,
) -> Option<Likeness> {
    let name = names_alike(a, b)?;
    let (reason, score) = match (name, births_alike(a_birth, b_birth)) {
        (NameLikeness::Same, 2) => (LikenessReason::SameNameSameBirth, 95),
        (NameLikeness::Same, 1) => (LikenessReason::SameNameNearBirth, 75),
        (NameLikeness::Part, 2) => (LikenessReason::PartNameSameBirth, 70),
        _ => return None,
    };
    Some(Likeness { reason, score })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn likely_the_same_person_as_indonesian_names_are_written() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default();
        let same = |a: &str, ab: NaiveDate, b: &str, bb: NaiveDate| {
            likeness(&name_keys(a), ab, &name_keys(b), bb).map(|l| l.reason)
        };
        use LikenessReason::*;
        let b = day(2001, 3, 4);
        // (name, birth, name, birth, expected)
        let table: Vec<(&str, NaiveDate, &str, NaiveDate, Option<LikenessReason>)> = vec![
            (
                "Muhammad Rizki",
                b,
                "Muhamad Rizky",
                b,
                Some(SameNameSameBirth),
            ),
            ("Siti Aminah", b, "Sitti Aminah", b, Some(SameNameSameBirth)),
            ("Aminah Siti", b, "Siti Aminah", b, Some(SameNameSameBirth)),
            (
                "Soekarno",
                day(1961, 6, 6),
                "Sukarno",
                day(1961, 6, 6),
                Some(SameNameSameBirth),
            ),
            ("Siti Aminah", b, "Aminah", b, Some(PartNameSameBirth)),
            (
                "Mochammad Rizki Pratama",
                b,
                "M. Rizki P.",
                b,
                Some(PartNameSameBirth),
            ),
            (
                "Sri Rahayu binti Sastro",
                b,
                "Sri Rahayu",
                b,
                Some(PartNameSameBirth),
            ),
            (
                "Djoko Susilo",
                day(1975, 1, 2),
                "Joko Susilo",
                day(1975, 2, 1),
                Some(SameNameNearBirth),
            ),
            (
                "Hj. Nur Aini",
                day(1980, 5, 5),
                "Noor Aini",
                day(1980, 9, 5),
                Some(SameNameNearBirth),
            ),
            // Different people.
            ("Siti Aminah", b, "Siti Maimunah", b, None),
            ("Rina", b, "Rini", b, None),
            ("Budi Santoso", b, "Budi Susanto", b, None),
            ("Hasan", b, "Husain", b, None),
            (
                "Agus Salim",
                day(1990, 1, 1),
                "Agus Salim",
                day(1960, 1, 1),
                None,
            ),
            (
                "Siti Aminah",
                day(1980, 1, 1),
                "Aminah",
                day(1980, 8, 1),
                None,
            ),
            ("A.", b, "Aminah", b, None),
        ];
        crate::coded::tests::check_coded::<LikenessReason>();
        for (a, ab, other, bb, expected) in table {
            assert_eq!(same(a, ab, other, bb), expected, "{a} {ab} / {other} {bb}");
            assert_eq!(same(other, bb, a, ab), expected, "{other} / {a}");
        }
    }

    #[test]
    fn searches_are_read_as_staff_type_them() {
        assert_eq!(
            read_search("3209 0112 0315 0007"),
            Some(Search::IdNumber("3209011203150007".into()))
        );
        assert_eq!(
            read_search("slrt/3209012008/2026/00017"),
            Some(Search::RecordNumber("SLRT/3209012008/2026/00017".into()))
        );
        for typed in ["RT 3 RW 2", "rt.003/rw.002", "003/002", "RT 03, RW 02"] {
            assert_eq!(
                read_search(typed),
                Some(Search::Neighbourhood {
                    rt: Some(3),
                    rw: Some(2)
                }),
                "{typed}"
            );
        }
        assert_eq!(
            read_search("RW 5"),
            Some(Search::Neighbourhood {
                rt: None,
                rw: Some(5)
            })
        );
        assert_eq!(
            read_search("Muhamad Rizky"),
            Some(Search::Name(vec!["mhmd".into(), "rizki".into()]))
        );
        assert_eq!(read_search("Rita"), Some(Search::Name(vec!["rita".into()])));
        assert_eq!(read_search("   "), None);
        assert_eq!(read_search("50%"), Some(Search::Literal("50%".into())));
    }

    #[test]
    fn spelling_variants_share_a_key() {
        for (a, b) in [
            ("Muhammad Rizki", "Muhamad Rizky"),
            ("Mohamad Rizki", "M. Rizki"),
            ("Mochammad Rizki", "Moh Rizki"),
            ("Siti Aminah", "Sitti Aminah"),
            ("Siti Fatimah", "Siti Fatima"),
            ("Soekarno", "Sukarno"),
            ("Djoko Susilo", "Joko Susilo"),
            ("Tjahjo", "Cahyo"),
            ("Achmad Yani", "Ahmad Yani"),
            ("Nur Aini", "Noor Aini"),
            ("Hj. Siti Aminah", "Siti Aminah"),
        ] {
            assert_eq!(name_keys(a), name_keys(b), "{a} / {b}");
        }
    }

    #[test]
    fn different_people_keep_different_keys() {
        for (a, b) in [
            ("Siti Aminah", "Siti Maimunah"),
            ("Budi Santoso", "Budi Susanto"),
            ("Rina", "Rini"),
            ("Agus", "Bagus"),
        ] {
            assert_ne!(name_keys(a), name_keys(b), "{a} / {b}");
        }
    }
}
