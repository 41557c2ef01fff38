//! A cell as the sheet holds it (text, number, date, ...), so that a date stays a
//! date and a number a number, and a row of cells with its number in the sheet.

use std::fmt;

use calamine::{Data, DataRef, ExcelDateTime};
use chrono::NaiveDate;

/// One cell. Text is kept as written (not trimmed); a text cell holding only
/// spaces counts as blank.
#[derive(Clone, PartialEq, Default)]
pub enum Cell {
    /// Nothing in the cell.
    #[default]
    Empty,
    /// Text, as written (CSV fields are always text).
    Text(String),
    /// A number cell (Excel keeps 15 significant digits of it).
    Number(f64),
    /// A cell the sheet holds as a date (its time of day dropped).
    Date(NaiveDate),
    /// TRUE or FALSE.
    Bool(bool),
    /// An Excel error value such as `#N/A` or `#REF!`.
    Error(String),
}

impl Cell {
    /// Whether the cell holds nothing (or only spaces).
    pub fn is_blank(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(text) => text.trim().is_empty(),
            _ => false,
        }
    }

    /// The cell as people would read it: whole numbers without a decimal point,
    /// dates as `dd/mm/yyyy`, errors as Excel shows them.
    pub fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(text) => text.clone(),
            Cell::Number(number) => number_text(*number),
            Cell::Date(date) => shared::dates::dmy(*date),
            Cell::Bool(true) => "TRUE".into(),
            Cell::Bool(false) => "FALSE".into(),
            Cell::Error(error) => error.clone(),
        }
    }
}

/// A number as text: `12` for a whole number (however large), `1.5` otherwise.
pub(crate) fn number_text(number: f64) -> String {
    if number.fract() == 0.0 && number.abs() < 1e21 {
        format!("{number:.0}")
    } else {
        number.to_string()
    }
}

/// `Debug` hides long digit runs (a NIK or No KK in a cell must not reach a log).
impl fmt::Debug for Cell {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cell::Empty => f.write_str("Empty"),
            Cell::Text(text) => write!(f, "Text({:?})", hide_long_numbers(text)),
            Cell::Number(number) if number.abs() >= 1e7 => f.write_str("Number(…)"),
            Cell::Number(number) => write!(f, "Number({number})"),
            Cell::Date(date) => write!(f, "Date({date})"),
            Cell::Bool(value) => write!(f, "Bool({value})"),
            Cell::Error(error) => write!(f, "Error({error:?})"),
        }
    }
}

/// `text` with every run of eight or more digits replaced by `…`.
pub(crate) fn hide_long_numbers(text: &str) -> String {
    shared::sheet_import::replace_digit_runs(text, 8, |_| "…".to_string())
}

/// One row of a sheet: its number (the worksheet's row number, or a CSV
/// record's first line) and its cells from column A (index 0) on.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Row {
    pub number: u64,
    pub cells: Vec<Cell>,
}

impl Row {
    /// The cell in column `index` (0 is column A); beyond the row's end, empty.
    pub fn cell(&self, index: usize) -> &Cell {
        const EMPTY: &Cell = &Cell::Empty;
        self.cells.get(index).unwrap_or(EMPTY)
    }

    /// Whether every cell of the row is blank.
    pub fn is_blank(&self) -> bool {
        self.cells.iter().all(Cell::is_blank)
    }

    /// The cells that are not blank, with their column index.
    pub fn filled(&self) -> impl Iterator<Item = (usize, &Cell)> {
        self.cells
            .iter()
            .enumerate()
            .filter(|(_, cell)| !cell.is_blank())
    }
}

/// A date cell's day, or `None` for a time of day alone, a duration or a
/// serial number outside the calendar (Excel's 29 February 1900).
fn excel_date(value: &ExcelDateTime) -> Option<NaiveDate> {
    if !value.is_datetime() || value.as_f64() < 1.0 {
        return None;
    }
    let (year, month, day, ..) = value.to_ymd_hms_milli();
    NaiveDate::from_ymd_opt(i32::from(year), u32::from(month), u32::from(day))
}

/// An ISO date (`1980-01-12`, maybe with a time after it) as ODS writes date cells.
fn iso_date(text: &str) -> Option<NaiveDate> {
    shared::dates::parse_iso(text.get(..10).unwrap_or(text))
}

impl From<&DataRef<'_>> for Cell {
    fn from(value: &DataRef<'_>) -> Cell {
        match value {
            DataRef::Empty => Cell::Empty,
            DataRef::String(text) => Cell::Text(text.clone()),
            DataRef::SharedString(text) => Cell::Text((*text).to_string()),
            DataRef::Int(number) => Cell::Number(*number as f64),
            DataRef::Float(number) => Cell::Number(*number),
            DataRef::Bool(value) => Cell::Bool(*value),
            DataRef::DateTime(value) => {
                excel_date(value).map_or(Cell::Number(value.as_f64()), Cell::Date)
            }
            DataRef::DateTimeIso(text) => {
                iso_date(text).map_or(Cell::Text(text.clone()), Cell::Date)
            }
            DataRef::DurationIso(text) => Cell::Text(text.clone()),
            DataRef::Error(error) => Cell::Error(error.to_string()),
        }
    }
}

impl From<&Data> for Cell {
    fn from(value: &Data) -> Cell {
        match value {
            Data::Empty => Cell::Empty,
            Data::String(text) => Cell::Text(text.clone()),
            Data::Int(number) => Cell::Number(*number as f64),
            Data::Float(number) => Cell::Number(*number),
            Data::Bool(value) => Cell::Bool(*value),
            Data::DateTime(value) => {
                excel_date(value).map_or(Cell::Number(value.as_f64()), Cell::Date)
            }
            Data::DateTimeIso(text) => iso_date(text).map_or(Cell::Text(text.clone()), Cell::Date),
            Data::DurationIso(text) => Cell::Text(text.clone()),
            Data::Error(error) => Cell::Error(error.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use calamine::ExcelDateTimeType;

    use super::*;

    #[test]
    fn whole_numbers_read_without_a_decimal_point() {
        assert_eq!(Cell::Number(3.0).text(), "3");
        assert_eq!(
            Cell::Number(3_209_014_301_850_000.0).text(),
            "3209014301850000"
        );
        assert_eq!(Cell::Number(1.5).text(), "1.5");
        assert_eq!(
            Cell::Date(NaiveDate::from_ymd_opt(1980, 1, 12).unwrap_or_default()).text(),
            "12/01/1980"
        );
    }

    #[test]
    fn debug_hides_identity_numbers() {
        let text = format!("{:?}", Cell::Text("NIK 3209014301850002".into()));
        assert!(!text.contains("3209014301850002"), "{text}");
        assert_eq!(format!("{:?}", Cell::Number(3.2e15)), "Number(…)");
        assert_eq!(
            format!("{:?}", Cell::Text("RT 003".into())),
            "Text(\"RT 003\")"
        );
    }

    #[test]
    fn date_cells_become_days_and_times_stay_numbers() {
        let date = ExcelDateTime::new(29232.0, ExcelDateTimeType::DateTime, false);
        assert_eq!(
            Cell::from(&Data::DateTime(date)),
            Cell::Date(NaiveDate::from_ymd_opt(1980, 1, 12).unwrap_or_default())
        );
        let time = ExcelDateTime::new(0.5, ExcelDateTimeType::DateTime, false);
        assert_eq!(Cell::from(&Data::DateTime(time)), Cell::Number(0.5));
        assert_eq!(
            Cell::from(&Data::DateTimeIso("1980-01-12T00:00:00".into())),
            Cell::Date(NaiveDate::from_ymd_opt(1980, 1, 12).unwrap_or_default())
        );
    }

    #[test]
    fn blank_rows_and_cells() {
        let row = Row {
            number: 3,
            cells: vec![Cell::Empty, Cell::Text("  ".into()), Cell::Text("x".into())],
        };
        assert!(!row.is_blank());
        assert_eq!(
            row.filled().map(|(index, _)| index).collect::<Vec<_>>(),
            [2]
        );
        assert_eq!(row.cell(9), &Cell::Empty);
    }
}
