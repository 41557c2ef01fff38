//! Indonesian names as staff type them, reduced to a key that spelling
//! variants share: Muhammad, Muhamad, Mohamad, Mochammad and M. all give
//! `mhmd`; Siti and Sitti give `st`; old spellings (Soekarno, Djoko, Tjahjo)
//! give the new ones' keys (Sukarno, Joko, Cahyo). Each word is keyed on its
//! own, so that a search can match words in any order, and a name typed with
//! a word left out still finds the longer one.

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
    let rt = lower.find("rt").and_then(|at| {
        let rest = &lower[at + 2..];
        rest.trim_start_matches(['.', ' '])
            .starts_with(|c: char| c.is_ascii_digit())
            .then(|| number(rest))
            .flatten()
    });
    let rw = lower.find("rw").and_then(|at| {
        let rest = &lower[at + 2..];
        rest.trim_start_matches(['.', ' '])
            .starts_with(|c: char| c.is_ascii_digit())
            .then(|| number(rest))
            .flatten()
    });
    // Nothing but the RT/RW words and their numbers.
    let rest: String = lower
        .replace("rt", "")
        .replace("rw", "")
        .chars()
        .filter(|c| !c.is_ascii_digit() && !matches!(c, ' ' | '.' | '/' | ','))
        .collect();
    ((rt.is_some() || rw.is_some()) && rest.is_empty()).then_some(Search::Neighbourhood { rt, rw })
}

#[cfg(test)]
mod tests {
    use super::*;

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
