//! Dates written and read by hand in the two forms the portal uses
//! (`yyyy-mm-dd` for forms and keys, `dd/mm/yyyy` for people): chrono's
//! pattern formatter and parser would add to the browser bundle on every page.

use chrono::{Datelike, NaiveDate};

/// `yyyy-mm-dd`.
pub fn iso(date: NaiveDate) -> String {
    format!("{:04}-{:02}-{:02}", date.year(), date.month(), date.day())
}

/// `dd/mm/yyyy`.
pub fn dmy(date: NaiveDate) -> String {
    format!("{:02}/{:02}/{:04}", date.day(), date.month(), date.year())
}

/// `yyyy-mm`.
pub fn year_month(date: NaiveDate) -> String {
    format!("{:04}-{:02}", date.year(), date.month())
}

/// Reads `yyyy-mm-dd` (as a date input sends it; one-digit month and day allowed).
pub fn parse_iso(text: &str) -> Option<NaiveDate> {
    let mut parts = text.split('-');
    let (year, month, day) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    ymd(year, month, day)
}

/// Reads `dd/mm/yyyy` (one-digit day and month allowed, as people type them).
pub fn parse_dmy(text: &str) -> Option<NaiveDate> {
    let mut parts = text.split('/');
    let (day, month, year) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    ymd(year, month, day)
}

/// A date from a four-digit year and a one- or two-digit month and day.
fn ymd(year: &str, month: &str, day: &str) -> Option<NaiveDate> {
    if year.len() != 4 || !(1..=2).contains(&month.len()) || !(1..=2).contains(&day.len()) {
        return None;
    }
    let number = |text: &str| {
        if text.bytes().all(|b| b.is_ascii_digit()) {
            text.parse::<u32>().ok()
        } else {
            None
        }
    };
    let year = i32::try_from(number(year)?).ok()?;
    NaiveDate::from_ymd_opt(year, number(month)?, number(day)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_both_forms_with_leading_zeros() {
        let date = NaiveDate::from_ymd_opt(2026, 3, 7).unwrap_or_default();
        assert_eq!(iso(date), "2026-03-07");
        assert_eq!(dmy(date), "07/03/2026");
        assert_eq!(year_month(date), "2026-03");
    }

    #[test]
    fn reads_what_it_writes_and_what_people_type() {
        let date = NaiveDate::from_ymd_opt(1987, 12, 1);
        assert_eq!(parse_iso("1987-12-01"), date);
        assert_eq!(parse_dmy("01/12/1987"), date);
        assert_eq!(parse_dmy("1/12/1987"), date);
        assert_eq!(parse_iso("1987-12-1"), date);
    }

    #[test]
    fn refuses_what_is_not_a_date() {
        for text in [
            "",
            "1987-12",
            "87-12-01",
            "1987-13-01",
            "1987-02-30",
            "1987-12-01-02",
            "+987-12-01",
            "1987-1a-01",
            "x/12/1987",
            "01/12/87",
            "31/04/2026",
            "001/12/1987",
        ] {
            assert_eq!(parse_iso(text), None, "{text}");
            assert_eq!(parse_dmy(text), None, "{text}");
        }
        assert_eq!(
            parse_dmy("29/02/2024"),
            NaiveDate::from_ymd_opt(2024, 2, 29)
        );
        assert_eq!(parse_dmy("29/02/2026"), None);
    }

    #[test]
    fn agrees_with_chrono_on_a_run_of_days() {
        let mut date = NaiveDate::from_ymd_opt(1899, 12, 25).unwrap_or_default();
        for _ in 0..60_000 {
            assert_eq!(iso(date), date.format("%Y-%m-%d").to_string());
            assert_eq!(dmy(date), date.format("%d/%m/%Y").to_string());
            assert_eq!(parse_iso(&iso(date)), Some(date));
            assert_eq!(parse_dmy(&dmy(date)), Some(date));
            date = date.succ_opt().unwrap_or(date);
        }
    }
}
