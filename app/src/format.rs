//! Number and date formatting the Indonesian way (1.234.567; dd/mm/yyyy).

/// Formats a whole number with `.` as the thousands separator, e.g. `83.762`.
pub fn number_id(value: u64) -> String {
    let digits = value.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push('.');
        }
        out.push(digit);
    }
    out
}

/// Formats a date as `dd/mm/yyyy` (by hand in `shared::dates`: chrono's
/// formatter would add to the browser bundle).
pub fn date_id(date: chrono::NaiveDate) -> String {
    shared::dates::dmy(date)
}

/// Formats a moment as `dd/mm/yyyy hh:mm` on the clock of `zone`, with its name
/// (`08/03/2026 03:05 WIB`).
pub fn time_in(at: chrono::DateTime<chrono::Utc>, zone: shared::clock::Zone) -> String {
    zone.format(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_thousands_with_dots() {
        assert_eq!(number_id(0), "0");
        assert_eq!(number_id(999), "999");
        assert_eq!(number_id(1_000), "1.000");
        assert_eq!(number_id(83_762), "83.762");
        assert_eq!(number_id(1_234_567), "1.234.567");
    }

    #[test]
    fn dates_and_times_read_the_indonesian_way() {
        let day = chrono::NaiveDate::from_ymd_opt(2026, 3, 7).unwrap_or_default();
        assert_eq!(date_id(day), "07/03/2026");
        let at = day.and_hms_opt(20, 5, 0).unwrap_or_default().and_utc();
        use shared::clock::Zone;
        assert_eq!(
            time_in(at, Zone::Wib),
            "08/03/2026 03:05 WIB",
            "20:05 UTC is 03:05 WIB the next day"
        );
        assert_eq!(time_in(at, Zone::Wit), "08/03/2026 05:05 WIT");
    }
}
