//! NIK and No KK from a cell. Written as text they are cleaned (spaces, dots,
//! a leading apostrophe) and checked by the shared validators; kept by Excel
//! as a number they are refused, with how to fix it in Excel: Excel keeps 15
//! significant digits, so a 16-digit number has lost its last digit (or may
//! have), and `3,20901E+15` in a CSV has lost most of them.

use shared::error::DomainError;
use shared::identity::{IdNumberKind, Nik, NoKk};

use super::cell::{Cell, number_text};
use super::values::{ValueProblem, present};

/// A NIK from a cell; blank is `None`.
pub fn parse_nik(cell: &Cell) -> Result<Option<Nik>, ValueProblem> {
    id_number(cell, IdNumberKind::Nik, Nik::parse)
}

/// A No KK from a cell; blank is `None`.
pub fn parse_no_kk(cell: &Cell) -> Result<Option<NoKk>, ValueProblem> {
    id_number(cell, IdNumberKind::NoKk, NoKk::parse)
}

/// The refusal of a number Excel kept as a number. `last_digit`: the cell has
/// 16 digits ending in zero, exactly what Excel leaves of a typed number.
pub fn excel_number_problem(kind: IdNumberKind, last_digit: bool) -> ValueProblem {
    let name = kind.label_id();
    let fix_id = "format kolom sebagai Teks lalu ketik ulang, atau awali dengan tanda petik (')";
    let fix_en =
        "format the column as Text and type the number again, or start it with an apostrophe (')";
    if last_digit {
        ValueProblem::new(
            format!("Excel menyimpan {name} sebagai angka dan menghapus digit terakhir: {fix_id}."),
            format!("Excel stored the {name} as a number and dropped its last digit: {fix_en}."),
        )
    } else {
        ValueProblem::new(
            format!(
                "Excel menyimpan {name} sebagai angka, dan angka hanya disimpan 15 digit sehingga nomor 16 digit berubah atau bisa berubah: {fix_id}."
            ),
            format!(
                "Excel stored the {name} as a number, and keeps only 15 digits of a number, so a 16-digit number has changed or may change: {fix_en}."
            ),
        )
    }
}

/// Text Excel wrote for a large number in scientific form (`3.20901E+15`, `3,20901E+15`).
pub(crate) fn is_scientific(text: &str) -> bool {
    let upper = text.trim().to_ascii_uppercase();
    let Some((mantissa, exponent)) = upper.split_once('E') else {
        return false;
    };
    let exponent = exponent.strip_prefix('+').unwrap_or(exponent);
    let mantissa_ok = !mantissa.is_empty()
        && mantissa.bytes().any(|b| b.is_ascii_digit())
        && mantissa
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b',');
    mantissa_ok && !exponent.is_empty() && exponent.bytes().all(|b| b.is_ascii_digit())
}

fn id_number<T>(
    cell: &Cell,
    kind: IdNumberKind,
    parse: fn(&str) -> Result<T, DomainError>,
) -> Result<Option<T>, ValueProblem> {
    let Some(cell) = present(cell)? else {
        return Ok(None);
    };
    match cell {
        Cell::Number(number) => {
            let digits = number_text(number.abs());
            let last_digit = number.fract() == 0.0 && digits.len() == 16 && digits.ends_with('0');
            Err(excel_number_problem(kind, last_digit))
        }
        Cell::Text(text) if is_scientific(text) => Err(excel_number_problem(kind, false)),
        Cell::Text(text) => {
            let cleaned: String = text
                .trim()
                .trim_start_matches(['\'', '’', '`'])
                .chars()
                .filter(|c| !matches!(c, ' ' | '.' | '\u{a0}' | '\t'))
                .collect();
            parse(&cleaned).map(Some).map_err(|error| match error {
                // A serial of 0000 is what a CSV keeps of a number Excel cut short.
                DomainError::IdZeroSerial { .. } if cleaned.ends_with('0') => {
                    let plain = ValueProblem::domain(&error);
                    let excel = excel_number_problem(kind, true);
                    ValueProblem::new(
                        format!(
                            "{} Bila kolom ini pernah berupa angka di Excel: {}",
                            plain.reason_id, excel.reason_id
                        ),
                        format!(
                            "{} If this column was ever a number in Excel: {}",
                            plain.reason_en, excel.reason_en
                        ),
                    )
                }
                other => ValueProblem::domain(&other),
            })
        }
        _ => {
            let name = kind.label_id();
            Err(ValueProblem::new(
                format!("Sel {name} berisi tanggal atau nilai benar/salah, bukan nomor 16 digit."),
                format!(
                    "The {name} cell holds a date or a true/false value, not a 16-digit number."
                ),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOST_DIGIT: &str = "Excel menyimpan NIK sebagai angka dan menghapus digit terakhir: format kolom sebagai Teks lalu ketik ulang, atau awali dengan tanda petik (').";

    #[test]
    fn text_numbers_are_cleaned_and_checked() {
        for value in [
            "3209014301850002",
            " 3209014301850002 ",
            "'3209014301850002",
            "3209 0143 0185 0002",
            "3209.0143.0185.0002",
        ] {
            assert_eq!(
                parse_nik(&Cell::Text(value.into())).map(|nik| nik.map(|n| n.as_str())),
                Ok(Some("3209014301850002".into())),
                "{value}"
            );
        }
        assert!(parse_nik(&Cell::Text("320901430185000".into())).is_err());
        assert_eq!(parse_nik(&Cell::Empty), Ok(None));
        assert_eq!(
            parse_no_kk(&Cell::Text("3209011402150001".into())).map(|kk| kk.is_some()),
            Ok(true)
        );
    }

    #[test]
    fn numbers_excel_kept_as_numbers_are_refused_with_the_fix() {
        let problem = parse_nik(&Cell::Number(3_209_014_301_850_000.0)).err();
        assert_eq!(problem.map(|p| p.reason_id), Some(LOST_DIGIT.to_string()));
        // Sixteen digits another program kept exactly: still not trusted.
        let problem = parse_nik(&Cell::Number(3_209_014_301_850_002.0)).err();
        assert!(problem.is_some_and(|p| p.reason_id.contains("hanya disimpan 15 digit")));
        let problem = parse_no_kk(&Cell::Number(3_209_011_402_150_000.0)).err();
        assert!(problem.is_some_and(|p| p.reason_id.starts_with("Excel menyimpan No KK")));
        for value in ["3.20901E+15", "3,20901E+15", "3.20901e15"] {
            let problem = parse_nik(&Cell::Text(value.into())).err();
            assert!(
                problem.is_some_and(|p| p.reason_en.contains("only 15 digits")),
                "{value}"
            );
        }
        // What a CSV keeps of a cut number: the serial 0000, with the hint.
        let problem = parse_nik(&Cell::Text("3209014301850000".into())).err();
        assert!(problem.is_some_and(|p| p.reason_id.contains("menghapus digit terakhir")));
    }

    #[test]
    fn problems_never_hold_the_number() {
        for cell in [
            Cell::Text("3209019901850002".into()),
            Cell::Text("3209014301850000".into()),
            Cell::Number(3_209_014_301_850_000.0),
        ] {
            if let Err(problem) = parse_nik(&cell) {
                assert!(!problem.reason_id.contains("320901430185"));
                assert!(!problem.reason_en.contains("320901430185"));
                assert!(!problem.reason_id.contains("320901990185"));
            }
        }
    }
}
