//! A list as a table: its title, its columns with the kind of each (text,
//! a code kept as text, a date, a date and time, a number) and a row's values.

use chrono::{NaiveDate, NaiveDateTime};

use crate::services::spreadsheet::spreadsheet_safe;

/// What a column holds, which decides how its cells are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Words (a name, a state).
    Text,
    /// A code or number that must stay as typed: a No KK, an area code, a
    /// letter number (leading zeros kept, never turned into a number).
    Code,
    /// A day, shown `dd/mm/yyyy`.
    Date,
    /// A day and a time of day (in a named zone), shown `dd/mm/yyyy hh:mm:ss`.
    DateTime,
    /// A whole number.
    Number,
}

/// One column of a table.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    /// The header, as the current downloads have named it.
    pub header: &'static str,
    /// What it holds.
    pub kind: Kind,
    /// Its width in characters in a workbook.
    pub width: f64,
}

impl Column {
    pub const fn new(header: &'static str, kind: Kind, width: f64) -> Column {
        Column {
            header,
            kind,
            width,
        }
    }
}

/// A list's table.
#[derive(Debug, Clone, Copy)]
pub struct Table {
    /// The list's name in the title row (`Daftar kasus`).
    pub title: &'static str,
    /// The worksheet's name (31 characters at most, no `[]:*?/\`).
    pub sheet: &'static str,
    /// The file's name before its date (`kasus` → `kasus-20260305.xlsx`).
    pub stem: &'static str,
    /// The columns, in order.
    pub columns: &'static [Column],
}

/// One value of a row.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Text(String),
    Date(NaiveDate),
    DateTime(NaiveDateTime),
    Number(i64),
    /// Nothing (an unknown desil, no member named).
    Empty,
}

impl Value {
    /// A text value.
    pub fn text(text: impl Into<String>) -> Value {
        Value::Text(text.into())
    }

    /// A text value, or [`Value::Empty`] for none.
    pub fn optional(text: Option<impl Into<String>>) -> Value {
        text.map_or(Value::Empty, |text| Value::Text(text.into()))
    }

    /// The value as a CSV field: dates `dd/mm/yyyy`, a formula-like text quoted
    /// (see [`spreadsheet_safe`]).
    pub fn plain(&self) -> String {
        match self {
            Value::Text(text) => spreadsheet_safe(text),
            Value::Date(day) => day.format("%d/%m/%Y").to_string(),
            Value::DateTime(at) => at.format("%d/%m/%Y %H:%M:%S").to_string(),
            Value::Number(number) => number.to_string(),
            Value::Empty => String::new(),
        }
    }
}

/// The title row: `<list> — <area> — <dd/mm/yyyy>`.
pub fn title(table: &Table, area: &str, day: NaiveDate) -> String {
    format!("{} — {} — {}", table.title, area, day.format("%d/%m/%Y"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_read_as_offices_write_them_and_formulas_are_quoted() {
        let day = NaiveDate::from_ymd_opt(2026, 3, 5).unwrap_or_default();
        assert_eq!(Value::Date(day).plain(), "05/03/2026");
        let at = day.and_hms_opt(7, 4, 9).unwrap_or_default();
        assert_eq!(Value::DateTime(at).plain(), "05/03/2026 07:04:09");
        assert_eq!(Value::Number(-12).plain(), "-12", "a number is no formula");
        assert_eq!(Value::text("0012").plain(), "0012");
        for formula in ["=1+1", "+62", "-2", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(Value::text(formula).plain(), format!("'{formula}"));
        }
        assert_eq!(Value::optional(None::<String>), Value::Empty);
        assert_eq!(Value::Empty.plain(), "");
        let table = Table {
            title: "Daftar kasus",
            sheet: "Kasus",
            stem: "kasus",
            columns: &[],
        };
        assert_eq!(
            title(&table, "Kabupaten Cirebon", day),
            "Daftar kasus — Kabupaten Cirebon — 05/03/2026"
        );
    }
}
