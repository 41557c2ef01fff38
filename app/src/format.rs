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

/// Formats a date as `dd/mm/yyyy`.
pub fn date_id(date: chrono::NaiveDate) -> String {
    date.format("%d/%m/%Y").to_string()
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
}
