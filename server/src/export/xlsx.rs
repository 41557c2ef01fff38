//! A list as an XLSX workbook, written row after row in rust_xlsxwriter's
//! constant-memory mode (each finished row goes to a temporary file, so memory
//! does not grow with the list): a title row, the header row frozen under it,
//! column widths set, codes as text cells, dates as real dates shown
//! `dd/mm/yyyy`, formula-like text as quoted strings that never run. A list
//! longer than a worksheet holds continues on the next one, said in its title.

use std::io::Write;

use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};
use rust_xlsxwriter::{Color, ExcelDateTime, Format, FormatBorder, Workbook, XlsxError};

use super::table::{Kind, Table, Value};
use crate::services::spreadsheet::formula_like;

/// Rows of one worksheet (Excel's limit).
pub const SHEET_ROWS: u32 = 1_048_576;
/// The title row and the header row.
const HEAD_ROWS: u32 = 2;

/// The cell formats of a list.
struct Formats {
    title: Format,
    header: Format,
    /// Quoted text: shown as typed, never read as a formula, also once edited.
    guarded: Format,
    /// Text format (`@`): a code stays text when it is edited.
    code: Format,
    code_guarded: Format,
    date: Format,
    date_time: Format,
    number: Format,
}

impl Formats {
    fn new() -> Formats {
        Formats {
            title: Format::new().set_bold().set_font_size(14),
            header: Format::new()
                .set_bold()
                .set_background_color(Color::RGB(0xE2E8F0))
                .set_border_bottom(FormatBorder::Thin),
            guarded: Format::new().set_quote_prefix(),
            code: Format::new().set_num_format("@"),
            code_guarded: Format::new().set_num_format("@").set_quote_prefix(),
            date: Format::new().set_num_format("dd/mm/yyyy"),
            date_time: Format::new().set_num_format("dd/mm/yyyy hh:mm:ss"),
            number: Format::new().set_num_format("0"),
        }
    }
}

/// A workbook being written, one list in it.
pub struct XlsxFile {
    book: Workbook,
    formats: Formats,
    table: &'static Table,
    title: String,
    /// Worksheets so far (the current one is the last).
    sheets: usize,
    /// The next row of the current worksheet.
    next_row: u32,
    /// Rows of the list one worksheet holds under its title and header.
    rows_per_sheet: u32,
}

impl XlsxFile {
    /// A workbook for `table` under `title`, as many rows a worksheet as Excel allows.
    pub fn new(table: &'static Table, title: &str) -> Result<XlsxFile, XlsxError> {
        XlsxFile::with_sheet_rows(table, title, SHEET_ROWS - HEAD_ROWS)
    }

    /// A workbook whose worksheets hold `rows_per_sheet` rows of the list each.
    pub fn with_sheet_rows(
        table: &'static Table,
        title: &str,
        rows_per_sheet: u32,
    ) -> Result<XlsxFile, XlsxError> {
        let mut file = XlsxFile {
            book: Workbook::new(),
            formats: Formats::new(),
            table,
            title: title.to_string(),
            sheets: 0,
            next_row: 0,
            rows_per_sheet: rows_per_sheet.clamp(1, SHEET_ROWS - HEAD_ROWS),
        };
        file.add_sheet()?;
        Ok(file)
    }

    /// Starts a worksheet: widths, the title, the header, frozen under them.
    fn add_sheet(&mut self) -> Result<(), XlsxError> {
        self.sheets += 1;
        let (name, title) = if self.sheets == 1 {
            (self.table.sheet.to_string(), self.title.clone())
        } else {
            (
                format!("{} ({})", self.table.sheet, self.sheets),
                format!("{} (lanjutan, lembar {})", self.title, self.sheets),
            )
        };
        let formats = &self.formats;
        let sheet = self.book.add_worksheet_with_constant_memory()?;
        sheet.set_name(name)?;
        for (col, column) in (0u16..).zip(self.table.columns) {
            sheet.set_column_width(col, column.width)?;
        }
        sheet.set_freeze_panes(HEAD_ROWS, 0)?;
        sheet.write_string_with_format(0, 0, title, &formats.title)?;
        for (col, column) in (0u16..).zip(self.table.columns) {
            sheet.write_string_with_format(1, col, column.header, &formats.header)?;
        }
        self.next_row = HEAD_ROWS;
        Ok(())
    }

    /// Writes the next row of the list.
    pub fn write_row(&mut self, values: &[Value]) -> Result<(), XlsxError> {
        if self.next_row >= HEAD_ROWS + self.rows_per_sheet {
            self.add_sheet()?;
        }
        let row = self.next_row;
        let formats = &self.formats;
        let sheet = self.book.worksheet_from_index(self.sheets - 1)?;
        for ((col, column), value) in (0u16..).zip(self.table.columns).zip(values) {
            match (value, column.kind) {
                (Value::Empty, _) => {}
                (Value::Number(number), _) => {
                    sheet.write_number_with_format(row, col, *number as f64, &formats.number)?;
                }
                (Value::Date(day), _) => match excel_day(*day) {
                    Some(day) => {
                        sheet.write_datetime_with_format(row, col, day, &formats.date)?;
                    }
                    None => {
                        sheet.write_string(row, col, value.plain())?;
                    }
                },
                (Value::DateTime(at), _) => match excel_time(*at) {
                    Some(at) => {
                        sheet.write_datetime_with_format(row, col, at, &formats.date_time)?;
                    }
                    None => {
                        sheet.write_string(row, col, value.plain())?;
                    }
                },
                (Value::Text(text), kind) => {
                    let format = match (kind == Kind::Code, formula_like(text)) {
                        (true, true) => Some(&formats.code_guarded),
                        (true, false) => Some(&formats.code),
                        (false, true) => Some(&formats.guarded),
                        (false, false) => None,
                    };
                    // Always a string cell: a text is never read as a formula or a number.
                    match format {
                        Some(format) => sheet.write_string_with_format(row, col, text, format)?,
                        None => sheet.write_string(row, col, text)?,
                    };
                }
            }
        }
        self.next_row += 1;
        Ok(())
    }

    /// Writes the finished workbook to `out` (in one pass: `out` need not seek).
    pub fn finish<W: Write + Send>(mut self, out: W) -> Result<(), XlsxError> {
        self.book.save_to_writer(out)
    }
}

fn excel_day(day: NaiveDate) -> Option<ExcelDateTime> {
    let year = u16::try_from(day.year()).ok()?;
    let month = u8::try_from(day.month()).ok()?;
    let date = u8::try_from(day.day()).ok()?;
    ExcelDateTime::from_ymd(year, month, date).ok()
}

fn excel_time(at: NaiveDateTime) -> Option<ExcelDateTime> {
    let hour = u16::try_from(at.hour()).ok()?;
    let minute = u8::try_from(at.minute()).ok()?;
    excel_day(at.date())?
        .and_hms(hour, minute, at.second())
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::table::Column;
    use calamine::{Data, Reader, Xlsx};

    static TABLE: Table = Table {
        title: "Daftar uji",
        sheet: "Uji",
        stem: "uji",
        columns: &[
            Column::new("no_kk", Kind::Code, 20.0),
            Column::new("nama", Kind::Text, 24.0),
            Column::new("dibuka", Kind::Date, 12.0),
            Column::new("anggota", Kind::Number, 8.0),
            Column::new("bergerak", Kind::DateTime, 16.0),
        ],
    };

    fn row(serial: i64) -> Vec<Value> {
        let day = NaiveDate::from_ymd_opt(2026, 1, 31).unwrap_or_default();
        vec![
            Value::text(format!("00120000000000{serial:02}")),
            Value::text(if serial == 1 { "=1+1" } else { "Siti" }),
            Value::Date(day),
            Value::Number(serial),
            Value::DateTime(day.and_hms_opt(14, 5, 0).unwrap_or_default()),
        ]
    }

    fn written(
        rows_per_sheet: u32,
        rows: i64,
    ) -> Result<Xlsx<std::io::Cursor<Vec<u8>>>, Box<dyn std::error::Error>> {
        let mut file = XlsxFile::with_sheet_rows(
            &TABLE,
            "Daftar uji — Desa Waled — 31/01/2026",
            rows_per_sheet,
        )?;
        for serial in 1..=rows {
            file.write_row(&row(serial))?;
        }
        let mut bytes = Vec::new();
        file.finish(&mut bytes)?;
        Ok(Xlsx::new(std::io::Cursor::new(bytes))?)
    }

    #[test]
    fn a_workbook_holds_title_header_text_codes_real_dates_and_no_formula()
    -> Result<(), Box<dyn std::error::Error>> {
        let mut book = written(100, 2)?;
        assert_eq!(book.sheet_names(), vec!["Uji".to_string()]);
        let range = book.worksheet_range("Uji")?;
        assert_eq!(
            range.get_value((0, 0)),
            Some(&Data::String("Daftar uji — Desa Waled — 31/01/2026".into()))
        );
        assert_eq!(range.get_value((1, 0)), Some(&Data::String("no_kk".into())));
        assert_eq!(
            range.get_value((1, 4)),
            Some(&Data::String("bergerak".into()))
        );
        // A code with leading zeros is a text cell, whole.
        assert_eq!(
            range.get_value((2, 0)),
            Some(&Data::String("0012000000000001".into()))
        );
        // A formula-like name is a string, and no cell holds a formula.
        assert_eq!(range.get_value((2, 1)), Some(&Data::String("=1+1".into())));
        let formulas = book.worksheet_formula("Uji")?;
        assert!(
            formulas.used_cells().all(|(_, _, f)| f.is_empty()),
            "no formula"
        );
        // A date is a date (31/01/2026 is Excel's day 46053), shown dd/mm/yyyy.
        match range.get_value((2, 2)) {
            Some(Data::DateTime(day)) => {
                assert_eq!(day.as_f64(), 46053.0);
            }
            other => panic!("not a date: {other:?}"),
        }
        match range.get_value((3, 4)) {
            Some(Data::DateTime(at)) => {
                assert!((at.as_f64() - (46053.0 + (14.0 * 60.0 + 5.0) / 1440.0)).abs() < 1e-6);
            }
            other => panic!("not a date and time: {other:?}"),
        }
        assert_eq!(range.get_value((3, 3)), Some(&Data::Float(2.0)));
        Ok(())
    }

    /// A part of a written workbook, as XML text.
    fn part(bytes: &[u8], name: &str) -> Result<String, Box<dyn std::error::Error>> {
        use std::io::Read;
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))?;
        let mut text = String::new();
        archive.by_name(name)?.read_to_string(&mut text)?;
        Ok(text)
    }

    #[test]
    fn the_header_is_frozen_columns_have_widths_and_formulas_are_quoted()
    -> Result<(), Box<dyn std::error::Error>> {
        let mut file = XlsxFile::new(&TABLE, "Daftar uji")?;
        file.write_row(&row(1))?;
        let mut bytes = Vec::new();
        file.finish(&mut bytes)?;
        let sheet = part(&bytes, "xl/worksheets/sheet1.xml")?;
        assert!(
            sheet.contains(r#"ySplit="2""#) && sheet.contains(r#"state="frozen""#),
            "title and header frozen: {sheet}"
        );
        assert!(
            sheet.contains(r#"<col min="2" max="2" width="24.7109375" customWidth="1"/>"#),
            "{sheet}"
        );
        let styles = part(&bytes, "xl/styles.xml")?;
        assert!(styles.contains(r#"formatCode="dd/mm/yyyy""#), "{styles}");
        assert!(styles.contains(r#"quotePrefix="1""#), "{styles}");
        Ok(())
    }

    #[test]
    fn a_list_longer_than_a_sheet_continues_on_the_next_one()
    -> Result<(), Box<dyn std::error::Error>> {
        let mut book = written(3, 7)?;
        assert_eq!(book.sheet_names(), vec!["Uji", "Uji (2)", "Uji (3)"]);
        let mut numbers = Vec::new();
        for name in ["Uji", "Uji (2)", "Uji (3)"] {
            let range = book.worksheet_range(name)?;
            assert_eq!(
                range.get_value((1, 0)),
                Some(&Data::String("no_kk".into())),
                "{name}"
            );
            for row in 2..range.height() {
                if let Some(Data::Float(n)) = range.get_value((row as u32, 3)) {
                    numbers.push(*n as i64);
                }
            }
        }
        assert_eq!(
            numbers,
            (1..=7).collect::<Vec<_>>(),
            "every row, once, in order"
        );
        let last = book.worksheet_range("Uji (3)")?;
        assert_eq!(
            last.get_value((0, 0)),
            Some(&Data::String(
                "Daftar uji — Desa Waled — 31/01/2026 (lanjutan, lembar 3)".into()
            ))
        );
        Ok(())
    }
}
