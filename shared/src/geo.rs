//! Geography: Kemendagri area codes (province, district, sub-district, village) and addresses below the village.
//! An [`AreaCode`] is always valid; [`AreaScope`] adds "the whole nation" for users and aggregates.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::DomainError;

crate::coded_enum! {
    /// The level of an administrative area in the Kemendagri hierarchy.
    pub enum AreaLevel {
        /// Provinsi (province), code `32`.
        Province = ("province", "Provinsi", "Province"),
        /// Kabupaten/kota (regency or city; "district" in this portal), code `32.09`.
        District = ("district", "Kabupaten/Kota", "District (regency/city)"),
        /// Kecamatan (sub-district), code `32.09.01`.
        SubDistrict = ("sub_district", "Kecamatan", "Sub-district"),
        /// Desa/kelurahan (village), code `32.09.01.2001`.
        Village = ("village", "Desa/Kelurahan", "Village"),
    }
}

impl AreaLevel {
    /// How many dot-separated segments a code of this level has (1 to 4).
    pub fn depth(self) -> usize {
        match self {
            AreaLevel::Province => 1,
            AreaLevel::District => 2,
            AreaLevel::SubDistrict => 3,
            AreaLevel::Village => 4,
        }
    }
}

crate::coded_enum! {
    /// What kind of village a village code names, read from the first digit of its last segment.
    pub enum VillageKind {
        /// Kelurahan: an urban village run by the district (first digit 1).
        Kelurahan = ("kelurahan", "Kelurahan", "Urban village (kelurahan)"),
        /// Desa: a rural village with its own elected head and village fund (first digit 2).
        Desa = ("desa", "Desa", "Rural village (desa)"),
        /// Desa adat: a customary village, as in Papua (first digit 3).
        DesaAdat = ("desa_adat", "Desa Adat", "Customary village (desa adat)"),
    }
}

/// The two-digit codes of Indonesia's 38 provinces (Kemendagri, 2022 onward).
pub const PROVINCE_CODES: [u8; 38] = [
    11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 31, 32, 33, 34, 35, 36, 51, 52, 53, 61, 62, 63, 64, 65,
    71, 72, 73, 74, 75, 76, 81, 82, 91, 92, 93, 94, 95, 96,
];

/// The short name a province goes by on maps and in headlines (Jabar, NTT,
/// Kaltim ...), for the tiles of a map too small for "Kalimantan Timur".
pub fn province_short_name(code: u8) -> Option<&'static str> {
    Some(match code {
        11 => "Aceh",
        12 => "Sumut",
        13 => "Sumbar",
        14 => "Riau",
        15 => "Jambi",
        16 => "Sumsel",
        17 => "Bengkulu",
        18 => "Lampung",
        19 => "Babel",
        21 => "Kepri",
        31 => "Jakarta",
        32 => "Jabar",
        33 => "Jateng",
        34 => "DIY",
        35 => "Jatim",
        36 => "Banten",
        51 => "Bali",
        52 => "NTB",
        53 => "NTT",
        61 => "Kalbar",
        62 => "Kalteng",
        63 => "Kalsel",
        64 => "Kaltim",
        65 => "Kaltara",
        71 => "Sulut",
        72 => "Sulteng",
        73 => "Sulsel",
        74 => "Sultra",
        75 => "Gorontalo",
        76 => "Sulbar",
        81 => "Maluku",
        82 => "Malut",
        91 => "Papua",
        92 => "Pabar",
        93 => "Papsel",
        94 => "Papteng",
        95 => "Papeg",
        96 => "PBD",
        _ => return None,
    })
}

/// A label of at most ten characters for an area on a map tile: a
/// province's short name, a district's or sub-district's name without
/// "Kabupaten"/"Kecamatan" ("Kota" stays: Kota Cirebon is not Cirebon).
pub fn tile_label(code: &str, name: &str) -> String {
    if let Some(short) = code.parse::<u8>().ok().and_then(province_short_name) {
        return short.to_string();
    }
    let plain = [
        "Kabupaten ",
        "KABUPATEN ",
        "Kab. ",
        "Kecamatan ",
        "KECAMATAN ",
    ]
    .iter()
    .find_map(|prefix| name.strip_prefix(prefix))
    .unwrap_or(name)
    .replace("Kota ", "Kt ");
    if plain.chars().count() > 10 {
        plain.chars().take(9).chain(['…']).collect()
    } else {
        plain
    }
}

/// Whether a two-digit number is the code of one of the 38 provinces.
pub fn is_province_code(code: u8) -> bool {
    PROVINCE_CODES.contains(&code)
}

/// A valid Kemendagri area code at one of the four levels, kept in dotted form (`32.09.01.2001`).
///
/// Valid means: a known province; district and sub-district segments of two
/// digits that are not `00`; a village segment of four digits whose first digit
/// is 1 (kelurahan), 2 (desa) or 3 (desa adat). Whether the area exists today
/// is a question for the area table, not for this type.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AreaCode(String);

impl AreaCode {
    /// Parses a code in dotted form (`32.09.01.2001`) or as bare digits (`3209012001`).
    pub fn parse(input: &str) -> Result<AreaCode, DomainError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(DomainError::AreaCodeEmpty);
        }
        let malformed = || DomainError::AreaCodeMalformed {
            input: trimmed.chars().take(20).collect(),
        };
        let segments: Vec<&str> = if trimmed.contains('.') {
            trimmed.split('.').collect()
        } else {
            split_bare_digits(trimmed).ok_or_else(malformed)?
        };
        let widths = [2, 2, 2, 4];
        if segments.len() > widths.len()
            || segments
                .iter()
                .zip(widths)
                .any(|(segment, width)| segment.len() != width || !is_digits(segment))
        {
            return Err(malformed());
        }
        validate_segments(&segments)?;
        Ok(AreaCode(segments.join(".")))
    }

    /// The code in dotted form, e.g. `32.09.01.2001`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The code without dots, e.g. `3209012001` (as in the first digits of a NIK).
    pub fn digits(&self) -> String {
        self.0.replace('.', "")
    }

    /// The level of the area.
    pub fn level(&self) -> AreaLevel {
        match self.0.split('.').count() {
            1 => AreaLevel::Province,
            2 => AreaLevel::District,
            3 => AreaLevel::SubDistrict,
            _ => AreaLevel::Village,
        }
    }

    /// The area one level up, or `None` for a province.
    pub fn parent(&self) -> Option<AreaCode> {
        self.0
            .rsplit_once('.')
            .map(|(parent, _)| AreaCode(parent.to_owned()))
    }

    /// The enclosing area at `level`, or `None` when `level` is below this code's level.
    pub fn ancestor_at(&self, level: AreaLevel) -> Option<AreaCode> {
        if level.depth() > self.level().depth() {
            return None;
        }
        let kept: Vec<&str> = self.0.split('.').take(level.depth()).collect();
        Some(AreaCode(kept.join(".")))
    }

    /// The province this area lies in (itself for a province).
    pub fn province(&self) -> AreaCode {
        let first = self.0.split('.').next().unwrap_or_default();
        AreaCode(first.to_owned())
    }

    /// Whether `other` lies inside this area (an area contains itself).
    pub fn contains(&self, other: &AreaCode) -> bool {
        other.0 == self.0
            || (other.0.len() > self.0.len()
                && other.0.starts_with(&self.0)
                && other.0.as_bytes().get(self.0.len()) == Some(&b'.'))
    }

    /// For a village code, whether it is a kelurahan, desa or desa adat.
    pub fn village_kind(&self) -> Option<VillageKind> {
        if self.level() != AreaLevel::Village {
            return None;
        }
        match self
            .0
            .as_bytes()
            .last_chunk::<4>()
            .map(|segment| segment[0])
        {
            Some(b'1') => Some(VillageKind::Kelurahan),
            Some(b'2') => Some(VillageKind::Desa),
            Some(b'3') => Some(VillageKind::DesaAdat),
            _ => None,
        }
    }

    /// Checks that the code is of the expected level.
    pub fn require_level(self, expected: AreaLevel) -> Result<AreaCode, DomainError> {
        let found = self.level();
        if found == expected {
            Ok(self)
        } else {
            Err(DomainError::WrongAreaLevel { expected, found })
        }
    }
}

fn is_digits(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

fn split_bare_digits(text: &str) -> Option<Vec<&str>> {
    if !is_digits(text) {
        return None;
    }
    let cuts: &[usize] = match text.len() {
        2 => &[2],
        4 => &[2, 4],
        6 => &[2, 4, 6],
        10 => &[2, 4, 6, 10],
        _ => return None,
    };
    let mut start = 0;
    let mut segments = Vec::with_capacity(cuts.len());
    for &end in cuts {
        segments.push(text.get(start..end)?);
        start = end;
    }
    Some(segments)
}

/// Checks the meaning of already well-shaped segments (digits of the right widths).
fn validate_segments(segments: &[&str]) -> Result<(), DomainError> {
    let province = segments.first().copied().unwrap_or_default();
    if !province.parse::<u8>().is_ok_and(is_province_code) {
        return Err(DomainError::UnknownProvince {
            code: province.to_owned(),
        });
    }
    for (segment, level) in segments.iter().zip(AreaLevel::ALL).skip(1).take(2) {
        if segment.bytes().all(|b| b == b'0') {
            return Err(DomainError::ZeroAreaSegment { level: *level });
        }
    }
    if let Some(village) = segments.get(3)
        && !matches!(village.as_bytes().first(), Some(b'1'..=b'3'))
    {
        return Err(DomainError::VillageKindUnknown {
            code: (*village).to_owned(),
        });
    }
    Ok(())
}

impl fmt::Display for AreaCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for AreaCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AreaCode({})", self.0)
    }
}

impl FromStr for AreaCode {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        AreaCode::parse(s)
    }
}

impl TryFrom<String> for AreaCode {
    type Error = DomainError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        AreaCode::parse(&value)
    }
}

impl From<AreaCode> for String {
    fn from(code: AreaCode) -> String {
        code.0
    }
}

impl Serialize for AreaCode {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for AreaCode {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        AreaCode::parse(&text).map_err(|error| serde::de::Error::custom(error.message_en()))
    }
}

/// The area a user is assigned to or an aggregate covers: the whole nation or one area.
// Externally tagged: other representations need serde's buffering decoder,
// which is large in the browser bundle.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AreaScope {
    /// The whole of Indonesia (national users such as the Kemensos monitor).
    National,
    /// One province, district, sub-district or village.
    Area(AreaCode),
}

impl AreaScope {
    /// Reads a stored area code where the empty string means the nation (as in [`crate::dto::CurrentUser`]).
    pub fn from_stored(code: &str) -> Result<AreaScope, DomainError> {
        if code.trim().is_empty() {
            Ok(AreaScope::National)
        } else {
            AreaCode::parse(code).map(AreaScope::Area)
        }
    }

    /// The stored form: empty for the nation, the dotted code otherwise.
    pub fn to_stored(&self) -> String {
        match self {
            AreaScope::National => String::new(),
            AreaScope::Area(code) => code.0.clone(),
        }
    }

    /// Whether `other` lies inside this scope (a scope contains itself; the nation contains all).
    pub fn contains(&self, other: &AreaScope) -> bool {
        match (self, other) {
            (AreaScope::National, _) => true,
            (AreaScope::Area(_), AreaScope::National) => false,
            (AreaScope::Area(outer), AreaScope::Area(inner)) => outer.contains(inner),
        }
    }

    /// Whether the area `code` lies inside this scope.
    pub fn contains_code(&self, code: &AreaCode) -> bool {
        match self {
            AreaScope::National => true,
            AreaScope::Area(outer) => outer.contains(code),
        }
    }
}

impl From<AreaCode> for AreaScope {
    fn from(code: AreaCode) -> Self {
        AreaScope::Area(code)
    }
}

crate::coded_enum! {
    /// How far a household moves (pindah), which decides whose staff take over its file.
    pub enum MoveReach {
        /// To another village of the same sub-district.
        SameSubDistrict = ("same_sub_district", "Dalam kecamatan", "Within the sub-district"),
        /// To another sub-district of the same district.
        SameDistrict = ("same_district", "Dalam kabupaten/kota", "Within the district"),
        /// To another district of the same province.
        SameProvince = ("same_province", "Antar kabupaten/kota", "To another district"),
        /// To another province.
        OtherProvince = ("other_province", "Antar provinsi", "To another province"),
    }
}

impl MoveReach {
    /// Classifies a move between two villages; `None` when they are the same area.
    pub fn between(from: &AreaCode, to: &AreaCode) -> Option<MoveReach> {
        if from == to {
            return None;
        }
        let shared = |level| {
            from.ancestor_at(level).is_some() && from.ancestor_at(level) == to.ancestor_at(level)
        };
        Some(if shared(AreaLevel::SubDistrict) {
            MoveReach::SameSubDistrict
        } else if shared(AreaLevel::District) {
            MoveReach::SameDistrict
        } else if shared(AreaLevel::Province) {
            MoveReach::SameProvince
        } else {
            MoveReach::OtherProvince
        })
    }

    /// Whether the district's own registry slice loses the household (it moves out of the district).
    pub fn leaves_district(self) -> bool {
        matches!(self, MoveReach::SameProvince | MoveReach::OtherProvince)
    }
}

crate::coded_enum! {
    /// The two neighbourhood units below a village: RW (rukun warga) holds several RT (rukun tetangga).
    pub enum NeighbourhoodUnit {
        /// RT (rukun tetangga): the smallest neighbourhood unit, a few dozen households.
        Rt = ("rt", "RT", "RT (neighbourhood)"),
        /// RW (rukun warga): a group of RTs.
        Rw = ("rw", "RW", "RW (hamlet ward)"),
    }
}

/// An RT or RW number, 1 to 999, shown with three digits (`003`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct NeighbourhoodNumber(u16);

impl NeighbourhoodNumber {
    /// Parses `3`, `03` or `003`; rejects 0, more than three digits and anything not a digit.
    pub fn parse(unit: NeighbourhoodUnit, input: &str) -> Result<Self, DomainError> {
        let trimmed = input.trim();
        let invalid = || DomainError::NeighbourhoodNumberInvalid {
            unit,
            input: trimmed.chars().take(10).collect(),
        };
        if trimmed.len() > 3 || !is_digits(trimmed) {
            return Err(invalid());
        }
        match trimmed.parse::<u16>() {
            Ok(number) if number > 0 => Ok(NeighbourhoodNumber(number)),
            _ => Err(invalid()),
        }
    }

    /// The number itself.
    pub fn get(self) -> u16 {
        self.0
    }
}

impl fmt::Display for NeighbourhoodNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:03}", self.0)
    }
}

/// Longest free text allowed in an address line (dusun, street).
pub const ADDRESS_LINE_MAX: usize = 120;

/// A full address: the village (desa/kelurahan) and what lies below it.
///
/// Dusun: a hamlet, the customary subdivision of a desa (lingkungan in a
/// kelurahan). Not every village has dusun, RW or RT, so they are optional.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    /// The village; always an area code of village level.
    pub village: AreaCode,
    /// Dusun or lingkungan name.
    pub dusun: Option<String>,
    /// RW number.
    pub rw: Option<NeighbourhoodNumber>,
    /// RT number.
    pub rt: Option<NeighbourhoodNumber>,
    /// Street, house number, landmarks.
    pub street: Option<String>,
}

impl Address {
    /// Builds an address from form text: the village code must be of village level,
    /// RT/RW must be numbers from 1 to 999, text lines at most [`ADDRESS_LINE_MAX`] characters.
    pub fn parse(
        village_code: &str,
        dusun: &str,
        rw: &str,
        rt: &str,
        street: &str,
    ) -> Result<Address, DomainError> {
        let village = AreaCode::parse(village_code)?.require_level(AreaLevel::Village)?;
        let number = |unit, text: &str| {
            if text.trim().is_empty() {
                Ok(None)
            } else {
                NeighbourhoodNumber::parse(unit, text).map(Some)
            }
        };
        Ok(Address {
            village,
            dusun: crate::text::optional("dusun", dusun, ADDRESS_LINE_MAX)?,
            rw: number(NeighbourhoodUnit::Rw, rw)?,
            rt: number(NeighbourhoodUnit::Rt, rt)?,
            street: crate::text::optional("street", street, ADDRESS_LINE_MAX)?,
        })
    }

    /// The part below the village as one line, e.g. `Jl. Melati 5, Dusun Kaliwon, RT 003/RW 001`.
    pub fn local_line(&self) -> String {
        let mut parts = Vec::new();
        if let Some(street) = &self.street {
            parts.push(street.clone());
        }
        if let Some(dusun) = &self.dusun {
            parts.push(format!("Dusun {dusun}"));
        }
        match (self.rt, self.rw) {
            (Some(rt), Some(rw)) => parts.push(format!("RT {rt}/RW {rw}")),
            (Some(rt), None) => parts.push(format!("RT {rt}")),
            (None, Some(rw)) => parts.push(format!("RW {rw}")),
            (None, None) => {}
        }
        parts.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coded::tests::check_coded;
    use proptest::prelude::*;

    fn code(text: &str) -> AreaCode {
        AreaCode::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    #[test]
    fn every_province_has_a_short_name_for_its_tile() {
        for code in PROVINCE_CODES {
            let short = province_short_name(code).unwrap_or_default();
            assert!(
                !short.is_empty() && short.chars().count() <= 9,
                "{code}: {short}"
            );
        }
        assert_eq!(province_short_name(10), None);
        assert_eq!(tile_label("32", "Jawa Barat"), "Jabar");
        assert_eq!(tile_label("32.09", "Kabupaten Cirebon"), "Cirebon");
        assert_eq!(tile_label("32.74", "Kota Cirebon"), "Kt Cirebon");
        assert_eq!(tile_label("32.04", "Kabupaten Bandung Barat"), "Bandung B…");
    }

    #[test]
    fn coded_enums_keep_their_promises() {
        check_coded::<AreaLevel>();
        check_coded::<VillageKind>();
        check_coded::<MoveReach>();
        check_coded::<NeighbourhoodUnit>();
    }

    #[test]
    fn parses_every_level_dotted_and_bare() {
        for (text, level) in [
            ("32", AreaLevel::Province),
            ("32.09", AreaLevel::District),
            ("32.09.01", AreaLevel::SubDistrict),
            ("32.09.01.2001", AreaLevel::Village),
        ] {
            let parsed = code(text);
            assert_eq!(parsed.level(), level);
            assert_eq!(parsed.as_str(), text);
            assert_eq!(code(&parsed.digits()), parsed);
        }
        assert_eq!(code(" 3209012001 ").as_str(), "32.09.01.2001");
    }

    #[test]
    fn rejects_malformed_and_implausible_codes() {
        assert_eq!(AreaCode::parse("  "), Err(DomainError::AreaCodeEmpty));
        for bad in [
            "3",
            "32.9",
            "32.09.1",
            "32.09.01.201",
            "32.09.01.2001.1",
            "32.0a",
            "320",
            "32..01",
            "32.09.01.2001.",
        ] {
            assert!(
                matches!(
                    AreaCode::parse(bad),
                    Err(DomainError::AreaCodeMalformed { .. })
                ),
                "{bad}"
            );
        }
        assert_eq!(
            AreaCode::parse("20"),
            Err(DomainError::UnknownProvince { code: "20".into() })
        );
        assert_eq!(
            AreaCode::parse("32.00"),
            Err(DomainError::ZeroAreaSegment {
                level: AreaLevel::District
            })
        );
        assert_eq!(
            AreaCode::parse("32.09.00"),
            Err(DomainError::ZeroAreaSegment {
                level: AreaLevel::SubDistrict
            })
        );
        assert_eq!(
            AreaCode::parse("32.09.01.5001"),
            Err(DomainError::VillageKindUnknown {
                code: "5001".into()
            })
        );
    }

    #[test]
    fn parent_ancestor_and_province() {
        let village = code("32.09.01.2001");
        assert_eq!(village.parent(), Some(code("32.09.01")));
        assert_eq!(code("32").parent(), None);
        assert_eq!(
            village.ancestor_at(AreaLevel::District),
            Some(code("32.09"))
        );
        assert_eq!(code("32.09").ancestor_at(AreaLevel::Village), None);
        assert_eq!(village.province(), code("32"));
    }

    #[test]
    fn containment_follows_the_hierarchy_not_the_text() {
        let district = code("32.09");
        assert!(district.contains(&code("32.09.01.2001")));
        assert!(district.contains(&district));
        assert!(!district.contains(&code("32.10.01")));
        assert!(!code("32.09.01").contains(&code("32.09")));
        assert!(!code("32.09.01.2001").contains(&code("32.09.01.2002")));
        assert!(AreaScope::National.contains_code(&district));
        assert!(!AreaScope::Area(district.clone()).contains(&AreaScope::National));
    }

    #[test]
    fn village_kind_from_first_digit() {
        assert_eq!(
            code("32.09.01.1001").village_kind(),
            Some(VillageKind::Kelurahan)
        );
        assert_eq!(
            code("32.09.01.2001").village_kind(),
            Some(VillageKind::Desa)
        );
        assert_eq!(
            code("91.03.01.3007").village_kind(),
            Some(VillageKind::DesaAdat)
        );
        assert_eq!(code("32.09").village_kind(), None);
    }

    #[test]
    fn require_level_names_both_levels() {
        assert_eq!(
            code("32.09").require_level(AreaLevel::Village),
            Err(DomainError::WrongAreaLevel {
                expected: AreaLevel::Village,
                found: AreaLevel::District
            })
        );
    }

    #[test]
    fn scope_stored_form_round_trips() {
        assert_eq!(AreaScope::from_stored(""), Ok(AreaScope::National));
        let scope = AreaScope::from_stored("32.09").unwrap_or(AreaScope::National);
        assert_eq!(scope.to_stored(), "32.09");
        assert_eq!(AreaScope::National.to_stored(), "");
    }

    #[test]
    fn move_reach_classifies_moves() {
        let from = code("32.09.01.2001");
        assert_eq!(MoveReach::between(&from, &from), None);
        assert_eq!(
            MoveReach::between(&from, &code("32.09.01.2002")),
            Some(MoveReach::SameSubDistrict)
        );
        assert_eq!(
            MoveReach::between(&from, &code("32.09.02.2001")),
            Some(MoveReach::SameDistrict)
        );
        assert_eq!(
            MoveReach::between(&from, &code("32.10.01.2001")),
            Some(MoveReach::SameProvince)
        );
        assert_eq!(
            MoveReach::between(&from, &code("33.09.01.2001")),
            Some(MoveReach::OtherProvince)
        );
        assert!(MoveReach::SameProvince.leaves_district());
        assert!(!MoveReach::SameDistrict.leaves_district());
    }

    #[test]
    fn address_parses_and_formats() {
        let address = Address::parse("32.09.01.2001", " Kaliwon ", "1", "003", "Jl. Melati 5");
        let address = address.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            address.local_line(),
            "Jl. Melati 5, Dusun Kaliwon, RT 003/RW 001"
        );
        let bare = Address::parse("32.09.01.2001", "", "", "", "");
        assert_eq!(bare.map(|a| a.local_line()), Ok(String::new()));
        assert!(matches!(
            Address::parse("32.09.01", "", "", "", ""),
            Err(DomainError::WrongAreaLevel { .. })
        ));
        assert!(matches!(
            Address::parse("32.09.01.2001", "", "0", "", ""),
            Err(DomainError::NeighbourhoodNumberInvalid {
                unit: NeighbourhoodUnit::Rw,
                ..
            })
        ));
        assert!(matches!(
            Address::parse("32.09.01.2001", "", "", "1000", ""),
            Err(DomainError::NeighbourhoodNumberInvalid {
                unit: NeighbourhoodUnit::Rt,
                ..
            })
        ));
        let long = "x".repeat(ADDRESS_LINE_MAX + 1);
        assert!(matches!(
            Address::parse("32.09.01.2001", "", "", "", &long),
            Err(DomainError::TextTooLong { .. })
        ));
    }

    #[test]
    fn serde_validates_area_codes() {
        let json = serde_json::to_string(&code("32.09")).unwrap_or_default();
        assert_eq!(json, "\"32.09\"");
        assert!(serde_json::from_str::<AreaCode>("\"32.00\"").is_err());
        let scope: Result<AreaScope, _> = serde_json::from_str(r#"{"area":"32.09"}"#);
        assert_eq!(scope.ok(), Some(AreaScope::Area(code("32.09"))));
        let national: Result<AreaScope, _> = serde_json::from_str(r#""national""#);
        assert_eq!(national.ok(), Some(AreaScope::National));
        assert!(serde_json::from_str::<AreaScope>(r#"{"area":"32.00"}"#).is_err());
    }

    fn village_strategy() -> impl Strategy<Value = String> {
        (
            proptest::sample::select(PROVINCE_CODES.to_vec()),
            1u8..=99,
            1u8..=99,
            1u8..=3,
            0u16..=999,
        )
            .prop_map(|(p, d, s, k, v)| format!("{p:02}.{d:02}.{s:02}.{k}{v:03}"))
    }

    proptest! {
        #[test]
        fn generated_villages_parse_and_every_ancestor_contains_them(text in village_strategy()) {
            let village = AreaCode::parse(&text);
            prop_assert!(village.is_ok());
            let village = village.unwrap_or_else(|_| code("32"));
            let mut current = Some(village.clone());
            while let Some(area) = current {
                prop_assert!(area.contains(&village));
                prop_assert_eq!(AreaCode::parse(area.as_str()).ok(), Some(area.clone()));
                current = area.parent();
            }
        }

        #[test]
        fn parse_never_panics_and_accepts_only_valid_shapes(text in "\\PC{0,16}") {
            if let Ok(parsed) = AreaCode::parse(&text) {
                prop_assert!(parsed.as_str().bytes().all(|b| b.is_ascii_digit() || b == b'.'));
            }
        }

        #[test]
        fn containment_is_antisymmetric(a in village_strategy(), b in village_strategy(), level in 0usize..4) {
            let (a, b) = (code(&a), code(&b));
            let level = AreaLevel::ALL[level];
            if let Some(ancestor) = a.ancestor_at(level) {
                prop_assert_eq!(ancestor.contains(&b), b.ancestor_at(level) == Some(ancestor.clone()));
            }
            if a.contains(&b) && b.contains(&a) {
                prop_assert_eq!(a, b);
            }
        }
    }
}
