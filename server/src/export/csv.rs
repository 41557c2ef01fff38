//! A list as CSV, written a page at a time: UTF-8 with a byte-order mark (so
//! that Excel reads it as UTF-8), the header row, then one record per row,
//! fields separated by `;` (what Excel expects under Indonesian regional
//! settings, where `,` is the decimal comma) or by `,` when asked.

use super::table::{Table, Value};

/// The byte-order mark that tells a spreadsheet the file is UTF-8.
const BOM: &str = "\u{feff}";

/// What separates the fields of a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Separator {
    /// `;`: Excel with Indonesian (and most European) regional settings.
    #[default]
    Semicolon,
    /// `,`: Excel with English settings, and most other programs.
    Comma,
}

impl Separator {
    /// The separator a download link asks for (`?pemisah=koma`); anything
    /// else, or nothing, is `;`.
    pub fn from_query(value: &str) -> Separator {
        match value.trim() {
            v if v == app::paths::COMMA || v == "," => Separator::Comma,
            _ => Separator::Semicolon,
        }
    }

    fn byte(self) -> u8 {
        match self {
            Separator::Semicolon => b';',
            Separator::Comma => b',',
        }
    }
}

/// Records separated by `separator`, with a fresh buffer.
fn writer(separator: Separator) -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new()
        .delimiter(separator.byte())
        .has_headers(false)
        .from_writer(Vec::new())
}

fn finish(mut out: csv::Writer<Vec<u8>>) -> Result<Vec<u8>, csv::Error> {
    out.flush()?;
    out.into_inner()
        .map_err(|error| csv::Error::from(error.into_error()))
}

/// The start of the file: the byte-order mark and the header row.
pub fn head(table: &Table, separator: Separator) -> Result<Vec<u8>, csv::Error> {
    let mut out = writer(separator);
    out.write_record(table.columns.iter().map(|column| column.header))?;
    let mut bytes = BOM.as_bytes().to_vec();
    bytes.extend(finish(out)?);
    Ok(bytes)
}

/// The records of a page of rows.
pub fn records<'a>(
    rows: impl IntoIterator<Item = &'a [Value]>,
    separator: Separator,
) -> Result<Vec<u8>, csv::Error> {
    let mut out = writer(separator);
    for row in rows {
        out.write_record(row.iter().map(Value::plain))?;
    }
    finish(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::table::{Column, Kind};

    const TABLE: Table = Table {
        title: "Daftar uji",
        sheet: "Uji",
        stem: "uji",
        columns: &[
            Column::new("no_kk", Kind::Code, 20.0),
            Column::new("nama", Kind::Text, 20.0),
            Column::new("dibuka", Kind::Date, 12.0),
        ],
    };

    fn row() -> Vec<Value> {
        vec![
            Value::text("0012000000000001"),
            Value::text("=HYPERLINK(\"http://x\";\"klik\")"),
            Value::Date(chrono::NaiveDate::from_ymd_opt(2026, 1, 31).unwrap_or_default()),
        ]
    }

    #[test]
    fn a_file_starts_with_the_mark_and_the_header_and_quotes_what_needs_it()
    -> Result<(), csv::Error> {
        let mut file = head(&TABLE, Separator::default())?;
        file.extend(records([row().as_slice()], Separator::Semicolon)?);
        let text = String::from_utf8(file).unwrap_or_default();
        assert_eq!(
            text,
            "\u{feff}no_kk;nama;dibuka\n0012000000000001;\"'=HYPERLINK(\"\"http://x\"\";\"\"klik\"\")\";31/01/2026\n"
        );
        let comma =
            String::from_utf8(records([row().as_slice()], Separator::Comma)?).unwrap_or_default();
        assert!(
            comma.starts_with("0012000000000001,\"'=HYPERLINK("),
            "{comma}"
        );
        Ok(())
    }

    #[test]
    fn the_link_chooses_the_separator() {
        assert_eq!(Separator::from_query("koma"), Separator::Comma);
        assert_eq!(Separator::from_query(","), Separator::Comma);
        assert_eq!(Separator::from_query(""), Separator::Semicolon);
        assert_eq!(Separator::from_query("titik-koma"), Separator::Semicolon);
        assert_eq!(Separator::from_query("apa"), Separator::Semicolon);
    }
}
