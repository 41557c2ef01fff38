//! Dates as offices keep them: date cells, Excel serial numbers, and text in
//! day-month-year order (`12/01/1980`, `12-1-80`, `12.01.1980`, `12 Januari
//! 1980`) or ISO (`1980-01-12`); a two-digit year is the one not in the future.

use chrono::{Datelike, Days, NaiveDate};

use super::cell::{Cell, number_text};
use super::values::{ValueProblem, echo, present};

/// The largest serial number Excel shows as a date (31 December 9999).
const LAST_SERIAL: f64 = 2_958_465.0;

/// A date from a cell; blank is `None`.
pub fn parse_date(cell: &Cell, today: NaiveDate) -> Result<Option<NaiveDate>, ValueProblem> {
    let Some(cell) = present(cell)? else {
        return Ok(None);
    };
    match cell {
        Cell::Date(date) => Ok(Some(*date)),
        Cell::Number(serial) => serial_date(*serial).map(Some),
        Cell::Text(text) => text_date(text.trim(), today).map(Some),
        other => Err(not_a_date(&other.text())),
    }
}

/// A date of birth: a date ([`parse_date`]) not after `today`.
pub fn parse_birth_date(cell: &Cell, today: NaiveDate) -> Result<Option<NaiveDate>, ValueProblem> {
    let date = parse_date(cell, today)?;
    match date {
        Some(date) if date > today => Err(ValueProblem::new(
            format!(
                "Tanggal lahir {} setelah hari ini.",
                shared::dates::dmy(date)
            ),
            format!(
                "The date of birth {} is after today.",
                shared::dates::dmy(date)
            ),
        )),
        _ => Ok(date),
    }
}

fn not_a_date(text: &str) -> ValueProblem {
    let shown = echo(text);
    ValueProblem::new(
        format!("\"{shown}\" bukan tanggal; tulis tanggal sebagai dd/mm/yyyy (mis. 12/01/1980)."),
        format!("\"{shown}\" is not a date; write dates as dd/mm/yyyy (e.g. 12/01/1980)."),
    )
}

/// An Excel serial number (days since 30 December 1899, Excel's 1900 date
/// system) as a date; a whole number from 1000 to 2999 is taken for a year
/// alone and refused.
pub fn serial_date(serial: f64) -> Result<NaiveDate, ValueProblem> {
    let shown = number_text(serial);
    if serial.fract() == 0.0 && (1000.0..3000.0).contains(&serial) {
        return Err(ValueProblem::new(
            format!(
                "Angka {shown} tampaknya hanya tahun, bukan tanggal; tulis tanggal lengkap dd/mm/yyyy."
            ),
            format!(
                "{shown} looks like a year alone, not a date; write the whole date as dd/mm/yyyy."
            ),
        ));
    }
    if !(1.0..=LAST_SERIAL).contains(&serial) {
        return Err(not_a_date(&shown));
    }
    let days = serial.trunc() as u64;
    // Excel counts a 29 February 1900 that never was (serial 60).
    let (epoch, days) = match days {
        60 => return Err(not_a_date(&shown)),
        0..60 => (NaiveDate::from_ymd_opt(1899, 12, 31), days),
        _ => (NaiveDate::from_ymd_opt(1899, 12, 30), days),
    };
    epoch
        .and_then(|epoch| epoch.checked_add_days(Days::new(days)))
        .ok_or_else(|| not_a_date(&shown))
}

/// The month a name or abbreviation stands for (Indonesian or English).
fn month_number(name: &str) -> Option<u32> {
    let name = name.trim_end_matches('.').to_uppercase();
    Some(match name.as_str() {
        "JAN" | "JANUARI" | "JANUARY" => 1,
        "FEB" | "FEBR" | "PEB" | "FEBRUARI" | "PEBRUARI" | "FEBRUARY" => 2,
        "MAR" | "MRT" | "MARET" | "MARCH" => 3,
        "APR" | "APRIL" => 4,
        "MEI" | "MAY" => 5,
        "JUN" | "JUNI" | "JUNE" => 6,
        "JUL" | "JULI" | "JULY" => 7,
        "AGU" | "AGT" | "AGS" | "AGUS" | "AGUSTUS" | "AUG" | "AUGUST" => 8,
        "SEP" | "SEPT" | "SEPTEMBER" => 9,
        "OKT" | "OKTOBER" | "OCT" | "OCTOBER" => 10,
        "NOV" | "NOP" | "NOVEMBER" | "NOPEMBER" => 11,
        "DES" | "DESEMBER" | "DEC" | "DECEMBER" => 12,
        _ => return None,
    })
}

fn digits(part: &str, lengths: std::ops::RangeInclusive<usize>) -> Option<u32> {
    if lengths.contains(&part.len()) && part.bytes().all(|b| b.is_ascii_digit()) {
        part.parse().ok()
    } else {
        None
    }
}

/// A date written as text.
pub fn text_date(text: &str, today: NaiveDate) -> Result<NaiveDate, ValueProblem> {
    // A time after the date (`1980-01-12 00:00:00`, `1980-01-12T00:00`) is dropped.
    let mut date_part = text;
    if let Some((before, after)) = text.rsplit_once([' ', 'T'])
        && after.contains(':')
    {
        date_part = before.trim();
    }
    let parts: Vec<&str> = date_part
        .split(['/', '-', '.', ' ', ','])
        .filter(|part| !part.is_empty())
        .collect();
    let [first, second, third] = parts.as_slice() else {
        return Err(not_a_date(text));
    };
    // yyyy-mm-dd (or yyyy/mm/dd).
    if let Some(year) = digits(first, 4..=4) {
        let (Some(month), Some(day)) = (digits(second, 1..=2), digits(third, 1..=2)) else {
            return Err(not_a_date(text));
        };
        return calendar_date(text, i32::try_from(year).unwrap_or_default(), month, day);
    }
    let Some(day) = digits(first, 1..=2) else {
        return Err(not_a_date(text));
    };
    let Some(month) = digits(second, 1..=2).or_else(|| month_number(second)) else {
        return Err(not_a_date(text));
    };
    if month > 12 {
        let shown = echo(text);
        return Err(ValueProblem::new(
            format!(
                "Tanggal \"{shown}\" tidak sah: tidak ada bulan {month}. Tanggal ditulis hari/bulan/tahun (dd/mm/yyyy), bukan bulan/hari/tahun."
            ),
            format!(
                "The date \"{shown}\" is not valid: there is no month {month}. Dates are written day/month/year (dd/mm/yyyy), not month/day/year."
            ),
        ));
    }
    if let Some(year) = digits(third, 4..=4) {
        return calendar_date(text, i32::try_from(year).unwrap_or_default(), month, day);
    }
    let Some(short) = digits(third, 2..=2) else {
        return Err(not_a_date(text));
    };
    let short = i32::try_from(short).unwrap_or_default();
    // The century that does not put the date in the future.
    let this_century = today.year() - today.year().rem_euclid(100);
    for year in [this_century + short, this_century - 100 + short] {
        if let Some(date) = NaiveDate::from_ymd_opt(year, month, day)
            && date <= today
        {
            return Ok(date);
        }
    }
    calendar_date(text, this_century - 100 + short, month, day)
}

fn calendar_date(text: &str, year: i32, month: u32, day: u32) -> Result<NaiveDate, ValueProblem> {
    NaiveDate::from_ymd_opt(year, month, day).ok_or_else(|| {
        let shown = echo(text);
        ValueProblem::new(
            format!(
                "Tanggal \"{shown}\" tidak ada di kalender (mis. 31 April atau 29 Februari pada tahun bukan kabisat)."
            ),
            format!(
                "The date \"{shown}\" is not in the calendar (e.g. 31 April, or 29 February in a year that is not a leap year)."
            ),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).unwrap_or_default()
    }

    const TODAY: fn() -> NaiveDate = || day(2026, 3, 1);

    fn text(input: &str) -> Result<Option<NaiveDate>, ValueProblem> {
        parse_date(&Cell::Text(input.into()), TODAY())
    }

    #[test]
    fn written_dates_in_the_forms_offices_use() {
        for input in [
            "12/01/1980",
            "12/1/1980",
            "12-01-1980",
            "12.01.1980",
            "1980-01-12",
            "1980/01/12",
            "12-1-80",
            "12/01/80",
            "12 Januari 1980",
            "12 januari 1980",
            "12 Jan 1980",
            "12-Jan-80",
            "12 Jan. 1980",
            "1980-01-12 00:00:00",
            "1980-01-12T00:00:00",
            " 12/01/1980 ",
        ] {
            assert_eq!(text(input), Ok(Some(day(1980, 1, 12))), "{input}");
        }
        assert_eq!(text("5-6-10"), Ok(Some(day(2010, 6, 5))));
        // Two-digit years never land in the future.
        assert_eq!(text("1-2-26"), Ok(Some(day(2026, 2, 1))));
        assert_eq!(text("1-4-26"), Ok(Some(day(1926, 4, 1))));
        assert_eq!(text("17 Agustus 1945"), Ok(Some(day(1945, 8, 17))));
        assert_eq!(text(""), Ok(None));
        assert_eq!(text("-"), Ok(None));
    }

    #[test]
    fn what_is_not_a_date_is_refused_saying_why() {
        let refused = |input: &str| text(input).err().map(|p| p.reason_id).unwrap_or_default();
        assert!(refused("12/25/1980").contains("tidak ada bulan 25"));
        assert!(refused("31/04/1980").contains("tidak ada di kalender"));
        assert!(refused("29/02/1981").contains("tidak ada di kalender"));
        assert!(refused("kemarin").contains("bukan tanggal"));
        assert!(refused("12/1980").contains("bukan tanggal"));
        assert!(refused("12 Foo 1980").contains("bukan tanggal"));
        assert!(
            parse_date(&Cell::Error("#VALUE!".into()), TODAY())
                .err()
                .is_some_and(|p| p.reason_en.contains("#VALUE!"))
        );
    }

    #[test]
    fn date_cells_and_serial_numbers() {
        assert_eq!(
            parse_date(&Cell::Date(day(1980, 1, 12)), TODAY()),
            Ok(Some(day(1980, 1, 12)))
        );
        assert_eq!(
            parse_date(&Cell::Number(29232.0), TODAY()),
            Ok(Some(day(1980, 1, 12)))
        );
        assert_eq!(serial_date(29232.75), Ok(day(1980, 1, 12)));
        assert_eq!(serial_date(1.0), Ok(day(1900, 1, 1)));
        assert_eq!(serial_date(59.0), Ok(day(1900, 2, 28)));
        assert_eq!(serial_date(61.0), Ok(day(1900, 3, 1)));
        assert_eq!(serial_date(45943.0), Ok(day(2025, 10, 13)));
        assert!(serial_date(60.0).is_err());
        assert!(serial_date(0.0).is_err());
        assert!(serial_date(12_011_980.0).is_err());
        assert!(
            serial_date(1980.0)
                .err()
                .is_some_and(|p| p.reason_id.contains("hanya tahun"))
        );
    }

    #[test]
    fn a_birth_date_is_not_in_the_future() {
        assert!(
            parse_birth_date(&Cell::Text("02/03/2026".into()), TODAY())
                .err()
                .is_some_and(|p| p.reason_id.contains("setelah hari ini"))
        );
        assert_eq!(
            parse_birth_date(&Cell::Text("01/03/2026".into()), TODAY()),
            Ok(Some(day(2026, 3, 1)))
        );
    }
}
