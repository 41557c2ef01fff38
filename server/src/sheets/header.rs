//! Finding the header row of a sheet as offices lay it out: title rows above it
//! (a merged title cell, the village's name), a row numbering the columns
//! (`1 2 3 …` or `(1) (2) …`) under it, the data after that.

use serde::{Deserialize, Serialize};

use super::SheetError;
use super::cell::{Cell, Row};
use super::fields::{Field, field_for_header};
use super::open::Rows;

/// Rows (not blank) looked at for the header.
pub const HEADER_SCAN_ROWS: usize = 30;

/// Known column names a row needs (besides known ignored ones such as `NO`) to be taken for the header.
pub const HEADER_MIN_FIELDS: usize = 2;

/// Where the header is and what it names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    /// The header's row number (the worksheet's, or a text file's line).
    pub row: u64,
    /// The row numbering the columns under the header, skipped.
    pub numbering_row: Option<u64>,
    /// The first row after the header (and numbering row) that may hold data.
    pub data_start: u64,
    /// The text of each row above the header (its cells joined), e.g. the list's title.
    pub titles: Vec<String>,
    /// The header's texts from column A to its last named column.
    pub columns: Vec<String>,
    /// How many columns carry a known name.
    pub recognised: usize,
    /// Found by the portal (false: the row the user chose).
    pub detected: bool,
}

/// How well `row` reads as a header: (fields named, known columns named);
/// each field counts once.
fn score(row: &Row) -> (usize, usize) {
    let mut fields: Vec<Field> = Vec::new();
    let mut known = 0;
    for (_, cell) in row.filled() {
        let Cell::Text(text) = cell else { continue };
        match field_for_header(text) {
            Some(Field::Ignore) => known += 1,
            Some(field) if !fields.contains(&field) => {
                fields.push(field);
                known += 1;
            }
            Some(_) => known += 1,
            None => {}
        }
    }
    (fields.len(), known)
}

/// The index in `rows` of the header: the row naming the most fields (at
/// least [`HEADER_MIN_FIELDS`]), then the most known columns, the first of equals.
pub fn detect_header(rows: &[Row]) -> Option<usize> {
    let mut best: Option<(usize, (usize, usize))> = None;
    for (index, row) in rows.iter().enumerate() {
        let found = score(row);
        if found.0 < HEADER_MIN_FIELDS {
            continue;
        }
        if best.is_none_or(|(_, seen)| found > seen) {
            best = Some((index, found));
        }
    }
    best.map(|(index, _)| index)
}

/// The number a numbering cell holds: `3`, `3.`, `(3)` or `[3]`, as text or a number cell.
fn column_number(cell: &Cell) -> Option<u64> {
    match cell {
        Cell::Number(number) if number.fract() == 0.0 && (1.0..=1000.0).contains(number) => {
            Some(*number as u64)
        }
        Cell::Text(text) => {
            let text = text.trim();
            let inner = text
                .strip_prefix('(')
                .and_then(|rest| rest.strip_suffix(')'))
                .or_else(|| {
                    text.strip_prefix('[')
                        .and_then(|rest| rest.strip_suffix(']'))
                })
                .or_else(|| text.strip_suffix('.'))
                .unwrap_or(text)
                .trim();
            if inner.is_empty() || inner.len() > 4 || !inner.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            inner.parse().ok().filter(|number| *number > 0)
        }
        _ => None,
    }
}

/// Whether `row` numbers the columns: at least two cells (and at least half
/// the header's named columns), each a number one more than the cell before.
pub fn is_numbering_row(row: &Row, header_columns: usize) -> bool {
    let mut count = 0;
    let mut previous: Option<u64> = None;
    for (_, cell) in row.filled() {
        let Some(number) = column_number(cell) else {
            return false;
        };
        if previous.is_some_and(|previous| number != previous + 1) {
            return false;
        }
        previous = Some(number);
        count += 1;
    }
    count >= 2 && count * 2 >= header_columns
}

/// Reads the first rows of `rows`, takes the header from them (the row numbered
/// `chosen` when the user picked it, else the detected one) and skips a
/// numbering row under it; `rows` then goes on with the first data row.
pub fn find_header(rows: &mut Rows<'_>, chosen: Option<u64>) -> Result<Header, SheetError> {
    let mut seen = Vec::with_capacity(HEADER_SCAN_ROWS);
    while seen.len() < HEADER_SCAN_ROWS {
        match rows.next_row()? {
            Some(row) => seen.push(row),
            None => break,
        }
    }
    if seen.is_empty() {
        return Err(SheetError::Empty);
    }
    let index = match chosen {
        Some(number) => seen
            .iter()
            .position(|row| row.number == number)
            .ok_or(SheetError::HeaderRowMissing { row: number })?,
        None => detect_header(&seen).ok_or(SheetError::HeaderNotFound)?,
    };
    let mut rest = seen.split_off(index);
    let above = seen;
    let mut after = rest.split_off(1);
    let Some(header_row) = rest.pop() else {
        return Err(SheetError::HeaderNotFound);
    };
    let mut columns: Vec<String> = header_row
        .cells
        .iter()
        .map(|cell| cell.text().trim().to_string())
        .collect();
    while columns.last().is_some_and(String::is_empty) {
        columns.pop();
    }
    let named = columns.iter().filter(|name| !name.is_empty()).count();
    let numbering_row = match after.first() {
        Some(row) if is_numbering_row(row, named) => {
            let number = row.number;
            after.remove(0);
            Some(number)
        }
        _ => None,
    };
    let recognised = columns
        .iter()
        .filter(|name| field_for_header(name).is_some())
        .count();
    let titles = above
        .iter()
        .map(|row| {
            row.filled()
                .map(|(_, cell)| cell.text().trim().to_string())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    rows.put_back(after);
    Ok(Header {
        row: header_row.number,
        numbering_row,
        data_start: numbering_row.unwrap_or(header_row.number) + 1,
        titles,
        columns,
        recognised,
        detected: chosen.is_none(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(number: u64, cells: &[&str]) -> Row {
        Row {
            number,
            cells: cells
                .iter()
                .map(|text| {
                    if text.is_empty() {
                        Cell::Empty
                    } else {
                        Cell::Text((*text).to_string())
                    }
                })
                .collect(),
        }
    }

    #[test]
    fn the_header_is_the_row_naming_most_fields_below_the_titles() {
        let rows = [
            row(1, &["DAFTAR KELUARGA MISKIN DESA WALED KOTA"]),
            row(2, &["KECAMATAN", "WALED"]),
            row(4, &["NO", "NIK", "NAMA", "JK", "DESA"]),
            row(5, &["1", "2", "3", "4", "5"]),
            row(6, &["1", "3209010601850001", "BUDI", "L", "Waled Kota"]),
        ];
        assert_eq!(detect_header(&rows), Some(2));
        // One known name is not a header.
        assert_eq!(detect_header(&rows[..2]), None);
    }

    #[test]
    fn numbering_rows_in_their_usual_forms() {
        assert!(is_numbering_row(&row(5, &["1", "2", "3", "4"]), 4));
        assert!(is_numbering_row(&row(5, &["(1)", "(2)", "(3)"]), 3));
        assert!(is_numbering_row(&row(5, &["", "2.", "3.", "4."]), 4));
        assert!(is_numbering_row(
            &Row {
                number: 5,
                cells: vec![Cell::Number(1.0), Cell::Number(2.0), Cell::Number(3.0)]
            },
            3
        ));
        assert!(!is_numbering_row(&row(5, &["1", "3", "4"]), 3));
        assert!(!is_numbering_row(&row(5, &["1", "BUDI", "L"]), 3));
        assert!(!is_numbering_row(&row(5, &["1"]), 3));
        assert!(!is_numbering_row(&row(5, &["1", "2"]), 10));
    }
}
