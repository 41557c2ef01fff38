//! Identity numbers: NIK (Nomor Induk Kependudukan) and No KK (Nomor Kartu Keluarga), validated by structure, and masking.
//! Both are civil-registry data protected by UU 24/2013: they are masked in lists, logs and `Debug` output.

use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::error::DomainError;
use crate::geo::{AreaCode, AreaLevel};

crate::coded_enum! {
    /// Which of the two civil-registry numbers a value or an error is about.
    pub enum IdNumberKind {
        /// NIK: the 16-digit personal identity number on the KTP (identity card) and in the KK.
        Nik = ("nik", "NIK", "NIK (personal identity number)"),
        /// No KK: the 16-digit number of the Kartu Keluarga (family card) listing a household.
        NoKk = ("no_kk", "No KK", "Family card number (No KK)"),
    }
}

crate::coded_enum! {
    /// Sex as recorded in the civil registry (and encoded in the NIK).
    pub enum Sex {
        /// Laki-laki.
        Male = ("male", "Laki-laki", "Male"),
        /// Perempuan: in a NIK, 40 is added to the day of birth.
        Female = ("female", "Perempuan", "Female"),
    }
}

/// How many digits a NIK or No KK has.
pub const ID_NUMBER_LENGTH: usize = 16;

/// Masks a civil-registry number for display: the last four characters stay, every other
/// becomes `*` (`************0001`). Inputs of eight characters or fewer are masked whole.
///
/// The leading digits are never shown: they are the area of issue, which every page that
/// names the household's village gives away anyway, so showing them adds nothing for staff
/// and a piece of the number for anyone rebuilding it. Use this for a No KK (whose middle
/// digits, the date of issue, the portal never shows) and for echoing a number the user
/// typed; a member's NIK is masked whole ([`mask_nik`]).
pub fn mask_id_number(number: &str) -> String {
    let count = number.chars().count();
    number
        .chars()
        .enumerate()
        .map(|(index, c)| {
            if count > 8 && index >= count - 4 {
                c
            } else {
                '*'
            }
        })
        .collect()
}

/// A stored NIK as pages and answers show it: no digit at all (`****************`).
///
/// A NIK is the area of issue (digits 1–6), the birth date with 40 added to the day for
/// women (7–12) and a serial (13–16). Pages that show a member show the village, the sex
/// and, to the roles that need it, the birth date, so any digit shown beside them brings
/// the whole number within reach of someone refused the audited reveal (a serial shown
/// with the birth date rebuilds it exactly). The whole number is shown only through the
/// audited reveal.
pub fn mask_nik(number: &str) -> String {
    "*".repeat(number.chars().count().max(ID_NUMBER_LENGTH))
}

/// Checks length, digits, region and serial: what NIK and No KK share.
/// Returns the sixteen digit values and the sub-district of issue.
fn check_common(kind: IdNumberKind, input: &str) -> Result<([u8; 16], AreaCode), DomainError> {
    let trimmed = input.trim();
    let found = trimmed.chars().count();
    if found != ID_NUMBER_LENGTH {
        return Err(DomainError::IdNumberLength { kind, found });
    }
    let mut digits = [0u8; 16];
    for (index, c) in trimmed.chars().enumerate() {
        let value = c.to_digit(10).ok_or(DomainError::IdNumberNotDigits {
            kind,
            position: index + 1,
        })?;
        if let Some(slot) = digits.get_mut(index) {
            *slot = value as u8;
        }
    }
    let region = trimmed.get(..6).unwrap_or_default();
    let region = AreaCode::parse(region).map_err(|error| match error {
        DomainError::UnknownProvince { code } => DomainError::IdUnknownProvince { kind, code },
        DomainError::ZeroAreaSegment { level } => DomainError::IdZeroRegion { kind, level },
        other => other,
    })?;
    if digits[12..].iter().all(|&d| d == 0) {
        return Err(DomainError::IdZeroSerial { kind });
    }
    Ok((digits, region))
}

fn pair(digits: &[u8; 16], at: usize) -> u32 {
    u32::from(digits[at]) * 10 + u32::from(digits[at + 1])
}

/// Reads DDMMYY (day already without the +40) as a real date, 20YY when possible, else 19YY.
fn check_date(kind: IdNumberKind, day: u32, month: u32, yy: u32) -> Result<NaiveDate, DomainError> {
    if !(1..=12).contains(&month) {
        return Err(DomainError::IdMonthInvalid { kind, month });
    }
    let year = i32::try_from(yy).unwrap_or_default();
    NaiveDate::from_ymd_opt(2000 + year, month, day)
        .or_else(|| NaiveDate::from_ymd_opt(1900 + year, month, day))
        .ok_or(DomainError::IdImpossibleDate {
            kind,
            day,
            month,
            year: yy,
        })
}

fn digits_string(digits: &[u8; 16]) -> String {
    digits.iter().map(|d| char::from(b'0' + d)).collect()
}

/// A structurally valid NIK (Nomor Induk Kependudukan), the 16-digit personal identity number.
///
/// Structure: 6 digits of the sub-district where it was issued, 6 digits of
/// birth date DDMMYY (40 added to the day for women), 4 digits of serial
/// (never `0000`). `Debug` and `Display` show it masked; use [`Nik::as_str`]
/// only where the whole number is needed and allowed.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Nik {
    digits: [u8; 16],
    region: AreaCode,
    birth: NaiveDate,
}

impl Nik {
    /// Parses and checks a NIK; surrounding whitespace is ignored.
    pub fn parse(input: &str) -> Result<Nik, DomainError> {
        let kind = IdNumberKind::Nik;
        let (digits, region) = check_common(kind, input)?;
        let encoded_day = pair(&digits, 6);
        let day = match encoded_day {
            1..=31 => encoded_day,
            41..=71 => encoded_day - 40,
            _ => return Err(DomainError::NikDayInvalid { day: encoded_day }),
        };
        let birth = check_date(kind, day, pair(&digits, 8), pair(&digits, 10))?;
        Ok(Nik {
            digits,
            region,
            birth,
        })
    }

    /// The whole number; show it only to roles allowed to see it.
    pub fn as_str(&self) -> String {
        digits_string(&self.digits)
    }

    /// The number as pages show it: no digit at all ([`mask_nik`]).
    pub fn masked(&self) -> String {
        mask_nik(&self.as_str())
    }

    /// The last four digits after twelve stars (`************0001`): only for echoing a
    /// number back to the person who typed it (a form's own error), never for a stored member.
    pub fn typed_echo(&self) -> String {
        mask_id_number(&self.as_str())
    }

    /// Sex encoded in the number (day of birth above 40 means female).
    pub fn sex(&self) -> Sex {
        if self.digits[6] >= 4 {
            Sex::Female
        } else {
            Sex::Male
        }
    }

    /// Birth date encoded in the number. The two-digit year is read as the latest
    /// year not after `today` (so `05` is 2005 in 2025 and `30` is 1930).
    pub fn birth_date(&self, today: NaiveDate) -> NaiveDate {
        if self.birth <= today {
            return self.birth;
        }
        self.birth
            .with_year(self.birth.year() - 100)
            .unwrap_or(self.birth)
    }

    /// The sub-district where the number was issued.
    pub fn issuing_sub_district(&self) -> AreaCode {
        self.region.clone()
    }

    /// The four-digit serial (1 to 9999).
    pub fn serial(&self) -> u16 {
        self.digits[12..]
            .iter()
            .fold(0u16, |acc, &d| acc * 10 + u16::from(d))
    }
}

/// A structurally valid No KK (Nomor Kartu Keluarga), the 16-digit number of a family card.
///
/// Structure: 6 digits of the sub-district where it was issued, 6 digits of
/// the issue date DDMMYY (no offset), 4 digits of serial (never `0000`).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct NoKk {
    digits: [u8; 16],
    region: AreaCode,
}

impl NoKk {
    /// Parses and checks a No KK; surrounding whitespace is ignored.
    pub fn parse(input: &str) -> Result<NoKk, DomainError> {
        let kind = IdNumberKind::NoKk;
        let (digits, region) = check_common(kind, input)?;
        let day = pair(&digits, 6);
        if !(1..=31).contains(&day) {
            return Err(DomainError::KkDayInvalid { day });
        }
        check_date(kind, day, pair(&digits, 8), pair(&digits, 10))?;
        Ok(NoKk { digits, region })
    }

    /// The whole number; show it only to roles allowed to see it.
    pub fn as_str(&self) -> String {
        digits_string(&self.digits)
    }

    /// The masked number for lists, e.g. `************0001`.
    pub fn masked(&self) -> String {
        mask_id_number(&self.as_str())
    }

    /// The sub-district where the card was issued.
    pub fn issuing_sub_district(&self) -> AreaCode {
        self.region.clone()
    }
}

macro_rules! id_number_traits {
    ($name:ident) => {
        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.masked())
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.masked())
            }
        }

        impl std::str::FromStr for $name {
            type Err = DomainError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $name::parse(s)
            }
        }

        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = String::deserialize(deserializer)?;
                $name::parse(&text).map_err(|error| serde::de::Error::custom(error.message_en()))
            }
        }
    };
}

id_number_traits!(Nik);
id_number_traits!(NoKk);

/// The area level of the region prefix of every NIK and No KK.
pub const ID_REGION_LEVEL: AreaLevel = AreaLevel::SubDistrict;

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::coded::tests::check_coded;
    use proptest::prelude::*;

    /// Synthetic NIK of a woman born 12 May 1985 in 32.09.01 (not a real person).
    pub(crate) const WOMAN_NIK: &str = "3209015205850001";
    /// Synthetic NIK of a man born 3 January 2010 in 32.09.01.
    pub(crate) const BOY_NIK: &str = "3209010301100002";
    /// Synthetic No KK issued 14 February 2015 in 32.09.01.
    pub(crate) const KK: &str = "3209011402150003";

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    fn today() -> NaiveDate {
        date(2025, 6, 1)
    }

    #[test]
    fn coded_enums_keep_their_promises() {
        check_coded::<IdNumberKind>();
        check_coded::<Sex>();
    }

    #[test]
    fn woman_nik_gives_sex_birth_date_region_and_serial() {
        let nik = Nik::parse(WOMAN_NIK).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(nik.sex(), Sex::Female);
        assert_eq!(nik.birth_date(today()), date(1985, 5, 12));
        assert_eq!(nik.issuing_sub_district().as_str(), "32.09.01");
        assert_eq!(nik.serial(), 1);
        assert_eq!(nik.as_str(), WOMAN_NIK);
    }

    #[test]
    fn two_digit_year_is_read_as_the_latest_year_not_after_today() {
        let nik = Nik::parse(BOY_NIK).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(nik.sex(), Sex::Male);
        assert_eq!(nik.birth_date(today()), date(2010, 1, 3));
        let old = Nik::parse("3209010301300002").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(old.birth_date(today()), date(1930, 1, 3));
        assert_eq!(old.birth_date(date(2031, 1, 1)), date(2030, 1, 3));
    }

    #[test]
    fn leap_day_accepted_only_where_some_century_has_it() {
        assert!(Nik::parse("3209012902000001").is_ok()); // 29/02/2000 was a leap day
        assert!(Nik::parse("3209016902040001").is_ok()); // woman, 29/02/2004
        assert_eq!(
            Nik::parse("3209012902010001"),
            Err(DomainError::IdImpossibleDate {
                kind: IdNumberKind::Nik,
                day: 29,
                month: 2,
                year: 1
            })
        );
        assert_eq!(
            Nik::parse("3209017104900001"),
            Err(DomainError::IdImpossibleDate {
                kind: IdNumberKind::Nik,
                day: 31,
                month: 4,
                year: 90
            })
        );
    }

    #[test]
    fn every_structural_fault_has_its_own_error() {
        let nik = IdNumberKind::Nik;
        assert_eq!(
            Nik::parse("320901520585000"),
            Err(DomainError::IdNumberLength {
                kind: nik,
                found: 15
            })
        );
        assert_eq!(
            Nik::parse("32090152058500012"),
            Err(DomainError::IdNumberLength {
                kind: nik,
                found: 17
            })
        );
        assert_eq!(
            Nik::parse("3209015205850O01"),
            Err(DomainError::IdNumberNotDigits {
                kind: nik,
                position: 14
            })
        );
        assert_eq!(
            Nik::parse("2009015205850001"),
            Err(DomainError::IdUnknownProvince {
                kind: nik,
                code: "20".into()
            })
        );
        assert_eq!(
            Nik::parse("3200015205850001"),
            Err(DomainError::IdZeroRegion {
                kind: nik,
                level: AreaLevel::District
            })
        );
        assert_eq!(
            Nik::parse("3209005205850001"),
            Err(DomainError::IdZeroRegion {
                kind: nik,
                level: AreaLevel::SubDistrict
            })
        );
        assert_eq!(
            Nik::parse("3209013205850001"),
            Err(DomainError::NikDayInvalid { day: 32 })
        );
        assert_eq!(
            Nik::parse("3209010005850001"),
            Err(DomainError::NikDayInvalid { day: 0 })
        );
        assert_eq!(
            Nik::parse("3209014005850001"),
            Err(DomainError::NikDayInvalid { day: 40 })
        );
        assert_eq!(
            Nik::parse("3209017205850001"),
            Err(DomainError::NikDayInvalid { day: 72 })
        );
        assert_eq!(
            Nik::parse("3209011213850001"),
            Err(DomainError::IdMonthInvalid {
                kind: nik,
                month: 13
            })
        );
        assert_eq!(
            Nik::parse("3209011200850001"),
            Err(DomainError::IdMonthInvalid {
                kind: nik,
                month: 0
            })
        );
        assert_eq!(
            Nik::parse("3209015205850000"),
            Err(DomainError::IdZeroSerial { kind: nik })
        );
        assert!(Nik::parse(" 3209015205850001\n").is_ok());
    }

    #[test]
    fn errors_speak_indonesian_first_and_english_on_request() {
        let error = Nik::parse("32090152058500")
            .err()
            .unwrap_or(DomainError::AreaCodeEmpty);
        assert_eq!(
            error.to_string(),
            "NIK harus 16 digit angka; yang diisi 14 digit."
        );
        assert_eq!(
            error.message_en(),
            "NIK (personal identity number) must have 16 digits; 14 were entered."
        );
        let error = Nik::parse("3209013205850001")
            .err()
            .unwrap_or(DomainError::AreaCodeEmpty);
        assert!(error.message_id().contains("32"), "{}", error.message_id());
    }

    #[test]
    fn kk_checks_issue_date_without_offset() {
        let kk = NoKk::parse(KK).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(kk.issuing_sub_district().as_str(), "32.09.01");
        assert_eq!(kk.masked(), "************0003");
        assert_eq!(
            NoKk::parse("3209015402150003"),
            Err(DomainError::KkDayInvalid { day: 54 })
        );
        assert_eq!(
            NoKk::parse("3209013002150003"),
            Err(DomainError::IdImpossibleDate {
                kind: IdNumberKind::NoKk,
                day: 30,
                month: 2,
                year: 15
            })
        );
        assert_eq!(
            NoKk::parse("3209011402150000"),
            Err(DomainError::IdZeroSerial {
                kind: IdNumberKind::NoKk
            })
        );
    }

    #[test]
    fn debug_display_and_masking_never_show_the_middle() {
        let nik = Nik::parse(WOMAN_NIK).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(nik.masked(), "****************");
        assert_eq!(nik.typed_echo(), "************0001");
        assert_eq!(format!("{nik}"), "****************");
        assert_eq!(format!("{nik:?}"), "Nik(****************)");
        assert_eq!(mask_id_number("12345678"), "********");
        assert_eq!(mask_id_number(""), "");
    }

    #[test]
    fn serde_carries_the_whole_number_and_validates_it() {
        let nik = Nik::parse(WOMAN_NIK).unwrap_or_else(|e| panic!("{e}"));
        let json = serde_json::to_string(&nik).unwrap_or_default();
        assert_eq!(json, format!("\"{WOMAN_NIK}\""));
        assert_eq!(serde_json::from_str::<Nik>(&json).ok(), Some(nik));
        assert!(serde_json::from_str::<Nik>("\"3209015205850000\"").is_err());
        assert!(serde_json::from_str::<NoKk>(&format!("\"{KK}\"")).is_ok());
    }

    /// Valid NIK parts: region, sex, birth date, serial.
    pub(crate) fn nik_parts() -> impl Strategy<Value = (String, Sex, NaiveDate, u16)> {
        (
            proptest::sample::select(crate::geo::PROVINCE_CODES.to_vec()),
            1u8..=99,
            1u8..=99,
            any::<bool>(),
            (1950i32..=2024, 1u32..=12, 1u32..=28),
            1u16..=9999,
        )
            .prop_map(|(p, d, s, female, (y, m, day), serial)| {
                let sex = if female { Sex::Female } else { Sex::Male };
                (format!("{p:02}{d:02}{s:02}"), sex, date(y, m, day), serial)
            })
    }

    pub(crate) fn nik_text(region: &str, sex: Sex, birth: NaiveDate, serial: u16) -> String {
        let day = birth.day() + if sex == Sex::Female { 40 } else { 0 };
        format!(
            "{region}{day:02}{:02}{:02}{serial:04}",
            birth.month(),
            birth.year() % 100
        )
    }

    proptest! {
        #[test]
        fn valid_niks_round_trip_their_meaning((region, sex, birth, serial) in nik_parts()) {
            let text = nik_text(&region, sex, birth, serial);
            let nik = Nik::parse(&text);
            prop_assert!(nik.is_ok(), "{:?}", nik);
            let nik = nik.unwrap_or_else(|_| panic!("checked above"));
            prop_assert_eq!(nik.sex(), sex);
            prop_assert_eq!(nik.birth_date(today()), birth);
            prop_assert_eq!(nik.serial(), serial);
            prop_assert_eq!(nik.issuing_sub_district().digits(), region);
            prop_assert_eq!(nik.as_str(), text);
        }

        #[test]
        fn parse_never_panics_and_accepts_only_sixteen_digits(text in "\\PC{0,20}") {
            if let Ok(nik) = Nik::parse(&text) {
                prop_assert_eq!(nik.as_str(), text.trim());
                prop_assert!(nik.as_str().bytes().all(|b| b.is_ascii_digit()));
            }
            if let Ok(kk) = NoKk::parse(&text) {
                prop_assert_eq!(kk.as_str().len(), 16);
            }
        }

        #[test]
        fn any_sixteen_digits_are_either_valid_or_explained(text in "[0-9]{16}") {
            match Nik::parse(&text) {
                Ok(nik) => prop_assert!(nik.serial() > 0),
                Err(error) => prop_assert!(!error.message_id().is_empty() && !error.message_en().is_empty()),
            }
        }

        #[test]
        fn masking_keeps_length_and_the_last_four_only(text in "[0-9]{9,24}") {
            let masked = mask_id_number(&text);
            prop_assert_eq!(masked.len(), text.len());
            prop_assert_eq!(&masked[text.len() - 4..], &text[text.len() - 4..]);
            prop_assert!(masked[..text.len() - 4].chars().all(|c| c == '*'));
        }

        #[test]
        fn a_masked_nik_has_no_digit(text in "[0-9]{0,24}") {
            let masked = mask_nik(&text);
            prop_assert!(masked.len() >= ID_NUMBER_LENGTH);
            prop_assert!(masked.chars().all(|c| c == '*'));
        }

        #[test]
        fn short_numbers_are_masked_whole(text in "[0-9]{0,8}") {
            prop_assert!(mask_id_number(&text).chars().all(|c| c == '*'));
        }
    }
}
