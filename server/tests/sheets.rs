//! Reading spreadsheets as offices keep them (`server::sheets`, issue 21), on
//! files written by other programs (`tests/fixtures/sheets/make_fixtures.py`:
//! openpyxl, xlwt, odfpy, CSV bytes by hand): the header found below title
//! rows, the numbering row skipped, the mapping proposed, values parsed, the
//! NIK Excel kept as a number refused with the fix, a misspelt village offered
//! its near miss. People and numbers are made up; area names are Kabupaten
//! Cirebon's (public reference data).

mod common;

use std::path::{Path, PathBuf};

use common::TempDir;

use chrono::NaiveDate;
use server::sheets::{
    self, AreaIndex, CsvFormat, Delimiter, Field, FileKind, Header, Mapping, OpenOptions,
    PreviewOptions, Record, SheetError, TextEncoding, Workbook, find_header, layout_fingerprint,
    read_record,
};
use shared::geo::AreaCode;
use shared::household::RegistrySource;
use shared::identity::Sex;
use shared::member::Relationship;
use shared::programme::ProgrammeKind;

type TestResult = Result<(), Box<dyn std::error::Error>>;

const LOST_DIGIT: &str = "Excel menyimpan NIK sebagai angka dan menghapus digit terakhir: format kolom sebagai Teks lalu ketik ulang, atau awali dengan tanda petik (').";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/sheets")
        .join(name)
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 15).unwrap_or_default()
}

fn date(year: i32, month: u32, day: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, day)
}

fn code(text: &str) -> Option<AreaCode> {
    AreaCode::parse(text).ok()
}

/// Some sub-districts and villages of Kabupaten Cirebon, as the `areas` table holds them.
fn cirebon() -> Result<AreaIndex, Box<dyn std::error::Error>> {
    let district = AreaCode::parse("32.09")?;
    Ok(AreaIndex::new(
        &district,
        [
            ("32.09", "Kabupaten Cirebon", 2),
            ("32.09.01", "Waled", 3),
            ("32.09.02", "Ciledug", 3),
            ("32.09.16", "Dukupuntang", 3),
            ("32.09.01.2008", "Waled Desa", 4),
            ("32.09.01.2009", "Waled Kota", 4),
            ("32.09.01.2011", "Waled Asem", 4),
            ("32.09.01.2013", "Ciuyah", 4),
            ("32.09.01.2019", "Cisaat", 4),
            ("32.09.02.2011", "Jatiseeng", 4),
            ("32.09.16.2007", "Cisaat", 4),
        ],
    ))
}

/// A fixture read whole: the workbook, its header, the proposed mapping and every record.
type ReadAll = (Workbook, Header, Mapping, Vec<Record>);

/// Opens a fixture, finds its header and reads every data row through the proposed mapping.
fn read_all(path: &Path, options: &OpenOptions) -> Result<ReadAll, Box<dyn std::error::Error>> {
    let areas = cirebon()?;
    let mut book = Workbook::open(path, options)?;
    let (header, mapping, records) = {
        let mut rows = book.rows()?;
        let header = find_header(&mut rows, None)?;
        let mapping = Mapping::propose(&header);
        let mut records = Vec::new();
        while let Some(row) = rows.next_row()? {
            records.push(read_record(&row, &mapping, Some(&areas), today()));
        }
        (header, mapping, records)
    };
    Ok((book, header, mapping, records))
}

fn nik_of(record: &Record) -> Option<String> {
    record.nik.as_ref().map(|nik| nik.as_str())
}

const BNBA_FIELDS: [Field; 15] = [
    Field::Ignore,
    Field::NoKk,
    Field::Nik,
    Field::Name,
    Field::Sex,
    Field::BirthPlace,
    Field::BirthDate,
    Field::Relationship,
    Field::Address,
    Field::Rt,
    Field::Rw,
    Field::Dusun,
    Field::Village,
    Field::SubDistrict,
    Field::Desil,
];

/// The BNBA layout, whichever program wrote it: two title rows (the first a
/// merged cell), a blank row, the header in row 4, the numbering row 5, data from 6.
fn check_bnba(name: &str, kind: FileKind) -> Result<String, Box<dyn std::error::Error>> {
    let (book, header, mapping, records) = read_all(&fixture(name), &OpenOptions::default())?;
    assert_eq!(book.kind(), kind);
    assert_eq!(book.sheet_names().first().map(String::as_str), Some("BNBA"));
    assert_eq!(book.sheet(), Some(0));
    assert_eq!(book.csv_format(), None);
    assert_eq!(header.row, 4, "{name}");
    assert_eq!(header.numbering_row, Some(5), "{name}");
    assert_eq!(header.data_start, 6);
    assert_eq!(
        header.titles,
        [
            "DAFTAR KELUARGA MISKIN DESA WALED KOTA",
            "KECAMATAN WALED KABUPATEN CIREBON TAHUN 2025"
        ]
    );
    assert_eq!(header.columns.len(), 15);
    assert_eq!(header.recognised, 15);
    assert!(header.detected);
    assert_eq!(mapping.fields(), BNBA_FIELDS, "{name}");
    assert_eq!(records.len(), 5, "{name}");
    assert_eq!(
        records.iter().map(|r| r.row).collect::<Vec<_>>(),
        [6, 7, 8, 9, 10]
    );

    let [budi, siti, ahmad, dewi, putri] = records.as_slice() else {
        return Err("five records expected".into());
    };
    // A date cell, upper-case values, numbers for RT/RW/desil.
    assert_eq!(budi.problems, [], "{name}");
    assert_eq!(nik_of(budi).as_deref(), Some("3209010601850001"));
    assert_eq!(
        budi.no_kk.as_ref().map(|kk| kk.as_str()).as_deref(),
        Some("3209011402150001")
    );
    assert_eq!(budi.name.as_deref(), Some("BUDI SANTOSO"));
    assert_eq!(budi.sex, Some(Sex::Male));
    assert_eq!(budi.birth_place.as_deref(), Some("CIREBON"));
    assert_eq!(budi.birth_date, date(1985, 1, 6));
    assert_eq!(budi.relationship, Some(Relationship::Head));
    assert_eq!(budi.address.as_deref(), Some("Blok Kliwon No. 12"));
    assert_eq!(budi.rt.map(|n| n.get()), Some(1));
    assert_eq!(budi.rw.map(|n| n.get()), Some(2));
    assert_eq!(budi.dusun.as_deref(), Some("Kliwon"));
    assert_eq!(budi.village, code("32.09.01.2009"));
    assert_eq!(budi.sub_district, code("32.09.01"));
    assert_eq!(budi.desil.map(|d| d.get()), Some(1));
    // Dates typed as text: dd/mm/yyyy, d-m-yy, "27 Februari 2015"; values in any case.
    assert_eq!(siti.problems, []);
    assert_eq!(siti.birth_date, date(1987, 1, 3));
    assert_eq!(siti.sex, Some(Sex::Female));
    assert_eq!(siti.relationship, Some(Relationship::Spouse));
    assert_eq!(ahmad.problems, []);
    assert_eq!(ahmad.birth_date, date(2010, 6, 15));
    assert_eq!(ahmad.sex, Some(Sex::Male));
    assert_eq!(ahmad.relationship, Some(Relationship::Child));
    assert_eq!(putri.problems, []);
    assert_eq!(putri.birth_date, date(2015, 2, 27));
    assert_eq!(putri.sex, Some(Sex::Female));
    // The NIK Excel kept as a number: refused, saying how to fix it; the rest of the row reads.
    assert_eq!(dewi.nik, None);
    let [problem] = dewi.problems.as_slice() else {
        return Err(format!("{name}: one problem expected: {:?}", dewi.problems).into());
    };
    assert_eq!(problem.column, 2);
    assert_eq!(problem.header, "NIK");
    assert_eq!(problem.field, Field::Nik);
    assert_eq!(problem.problem.reason_id, LOST_DIGIT);
    assert!(problem.problem.reason_en.contains("dropped its last digit"));
    assert_eq!(dewi.birth_date, date(1990, 12, 15));
    assert_eq!(dewi.relationship, Some(Relationship::Head));
    // "Cisaat" names two villages of the district; the sub-district column tells which.
    assert_eq!(dewi.village, code("32.09.01.2019"));
    assert_eq!(dewi.desil.map(|d| d.get()), Some(2));
    Ok(layout_fingerprint(&header.columns))
}

#[test]
fn bnba_xlsx_written_by_openpyxl() -> TestResult {
    check_bnba("bnba.xlsx", FileKind::Xlsx)?;
    Ok(())
}

#[test]
fn bnba_xls_written_by_xlwt() -> TestResult {
    check_bnba("bnba.xls", FileKind::Xls)?;
    Ok(())
}

#[test]
fn bnba_ods_written_by_odfpy() -> TestResult {
    check_bnba("bnba.ods", FileKind::Ods)?;
    Ok(())
}

#[test]
fn one_layout_one_fingerprint_whatever_the_format() -> TestResult {
    let xlsx = check_bnba("bnba.xlsx", FileKind::Xlsx)?;
    assert_eq!(check_bnba("bnba.xls", FileKind::Xls)?, xlsx);
    assert_eq!(check_bnba("bnba.ods", FileKind::Ods)?, xlsx);
    Ok(())
}

#[test]
fn semicolon_csv_in_windows_1252_as_excel_saves_it_in_indonesia() -> TestResult {
    let (book, header, mapping, records) =
        read_all(&fixture("bnba-excel-id.csv"), &OpenOptions::default())?;
    assert_eq!(book.kind(), FileKind::Csv);
    assert!(book.sheet_names().is_empty());
    assert_eq!(
        book.csv_format(),
        Some(CsvFormat {
            encoding: TextEncoding::Windows1252,
            encoding_detected: true,
            delimiter: Delimiter::Semicolon,
            delimiter_detected: true,
        })
    );
    assert!(!book.replaced_characters());
    // The title line, a line of empty fields (blank), then the header.
    assert_eq!(header.row, 3);
    assert_eq!(header.numbering_row, None);
    assert_eq!(header.data_start, 4);
    assert_eq!(header.titles, ["DAFTAR KELUARGA MISKIN DESA WALED KOTA"]);
    assert_eq!(
        mapping.fields(),
        [
            Field::Ignore,
            Field::NoKk,
            Field::Nik,
            Field::Name,
            Field::Sex,
            Field::BirthPlaceDate,
            Field::Relationship,
            Field::Address,
            Field::RtRw,
            Field::Village,
            Field::SubDistrict,
            Field::Phone,
        ]
    );
    let [andre, chantal, rahmat] = records.as_slice() else {
        return Err(format!("three records expected, {}", records.len()).into());
    };
    assert_eq!(andre.problems, []);
    assert_eq!(andre.row, 4);
    assert_eq!(andre.name.as_deref(), Some("ANDRÉ WIJAYA"));
    assert_eq!(andre.birth_place.as_deref(), Some("CIREBON"));
    assert_eq!(andre.birth_date, date(1985, 1, 6));
    assert_eq!(andre.relationship, Some(Relationship::Head));
    // A comma inside a field of a ';' file needs no quotes.
    assert_eq!(andre.address.as_deref(), Some("Jl. Mawar, No 3"));
    assert_eq!(andre.rt.map(|n| n.get()), Some(1));
    assert_eq!(andre.rw.map(|n| n.get()), Some(2));
    assert_eq!(andre.village, code("32.09.01.2009"));
    assert_eq!(andre.phone.as_deref(), Some("081234567890"));
    assert_eq!(chantal.problems, []);
    assert_eq!(chantal.address.as_deref(), Some("Blok Manis; Gg. 2"));
    assert_eq!(chantal.birth_date, date(1987, 1, 3));
    assert_eq!(chantal.phone, None);
    // The NIK Excel wrote as 3,20901E+15: refused with the fix; a dash is no phone.
    assert_eq!(rahmat.nik, None);
    assert_eq!(rahmat.phone, None);
    assert_eq!(
        rahmat
            .problems
            .iter()
            .map(|p| (
                p.field,
                p.problem
                    .reason_id
                    .starts_with("Excel menyimpan NIK sebagai angka")
            ))
            .collect::<Vec<_>>(),
        [(Field::Nik, true)]
    );
    Ok(())
}

#[test]
fn encoding_and_delimiter_chosen_by_the_user_win() -> TestResult {
    // Read as UTF-8, the Windows-1252 'É' is not valid: the preview says so.
    let options = OpenOptions {
        encoding: Some(TextEncoding::Utf8),
        ..OpenOptions::default()
    };
    let (book, _, _, records) = read_all(&fixture("bnba-excel-id.csv"), &options)?;
    assert!(book.replaced_characters());
    assert_eq!(
        book.csv_format().map(|f| (f.encoding, f.encoding_detected)),
        Some((TextEncoding::Utf8, false))
    );
    assert!(
        records
            .first()
            .and_then(|r| r.name.as_deref())
            .is_some_and(|name| name.contains('\u{fffd}'))
    );
    // Split on commas, no line names two known columns.
    let options = OpenOptions {
        delimiter: Some(Delimiter::Comma),
        ..OpenOptions::default()
    };
    let Err(error) = read_all(&fixture("bnba-excel-id.csv"), &options) else {
        return Err("a header was found in a file split on the wrong delimiter".into());
    };
    let error = error
        .downcast::<SheetError>()
        .map_err(|_| "not a SheetError")?;
    assert!(matches!(*error, SheetError::HeaderNotFound));
    assert!(error.message_id().contains("Pilih baris judulnya sendiri"));
    Ok(())
}

#[test]
fn unicode_text_with_tabs_and_the_registry_columns() -> TestResult {
    let (book, header, mapping, records) =
        read_all(&fixture("registry-unicode.txt"), &OpenOptions::default())?;
    assert_eq!(
        book.csv_format().map(|f| (f.encoding, f.delimiter)),
        Some((TextEncoding::Utf16Le, Delimiter::Tab))
    );
    assert_eq!((header.row, header.numbering_row), (1, None));
    assert_eq!(mapping.fields(), server::sheets::REGISTRY_FIELDS);
    let [budi, siti, dewi] = records.as_slice() else {
        return Err("three records expected".into());
    };
    for record in &records {
        assert_eq!(record.problems, [], "row {}", record.row);
    }
    assert_eq!(
        budi.registry_family_id.as_ref().map(|id| id.as_str()),
        Some("F-001")
    );
    assert_eq!(budi.source, Some(RegistrySource::Dtsen));
    // Bare and dotted codes; programmes by name with ',' or as codes with ';'.
    assert_eq!(budi.village, code("32.09.01.2009"));
    assert_eq!(siti.village, code("32.09.01.2009"));
    assert_eq!(budi.programmes, [ProgrammeKind::Pkh, ProgrammeKind::Bpnt]);
    assert_eq!(siti.programmes, budi.programmes);
    assert_eq!(dewi.source, Some(RegistrySource::Dtks));
    assert_eq!(dewi.programmes, []);
    assert_eq!(nik_of(dewi).as_deref(), Some("3209015512900004"));
    assert_eq!(dewi.village, code("32.09.01.2019"));
    Ok(())
}

#[test]
fn a_misspelt_village_is_offered_its_near_miss_never_guessed() -> TestResult {
    let (_, header, mapping, records) =
        read_all(&fixture("desa-salah-ketik.xlsx"), &OpenOptions::default())?;
    assert_eq!((header.row, header.numbering_row), (1, None));
    assert_eq!(header.titles, Vec::<String>::new());
    assert_eq!(
        mapping.fields(),
        [
            Field::Nik,
            Field::Name,
            Field::Sex,
            Field::Village,
            Field::SubDistrict
        ]
    );
    let [typo, shared_name, with_sub_district, prefixed] = records.as_slice() else {
        return Err("four records expected".into());
    };
    assert_eq!(typo.village, None);
    let [problem] = typo.problems.as_slice() else {
        return Err(format!("one problem expected: {:?}", typo.problems).into());
    };
    assert_eq!(problem.field, Field::Village);
    assert_eq!(problem.header, "Desa");
    assert!(
        problem.problem.reason_id.contains(
            "Desa/kelurahan \"Waled Kotta\" tidak ada di kabupaten/kota ini; mungkin maksudnya: Waled Kota (Kec. Waled, 32.09.01.2009)?"
        ),
        "{}",
        problem.problem.reason_id
    );
    assert!(
        problem
            .problem
            .reason_en
            .contains("did you mean: Waled Kota")
    );
    assert_eq!(typo.sub_district, code("32.09.01"));
    // Two villages are called Cisaat: without the sub-district it is not guessed.
    assert_eq!(shared_name.village, None);
    assert!(shared_name.problems.first().is_some_and(|p| {
        p.problem
            .reason_id
            .contains("Ada 2 desa/kelurahan bernama \"Cisaat\"")
    }));
    assert_eq!(with_sub_district.problems, []);
    assert_eq!(with_sub_district.village, code("32.09.16.2007"));
    assert_eq!(with_sub_district.sub_district, code("32.09.16"));
    assert_eq!(prefixed.problems, []);
    assert_eq!(prefixed.village, code("32.09.01.2013"));
    Ok(())
}

#[test]
fn the_preview_proposes_then_follows_the_remembered_mapping() -> TestResult {
    let areas = cirebon()?;
    let options = PreviewOptions {
        rows: 2,
        ..PreviewOptions::default()
    };
    let preview = sheets::preview(&fixture("bnba.xlsx"), &options, Some(&areas), today())?;
    assert_eq!(preview.kind, FileKind::Xlsx);
    assert_eq!(preview.sheet_names, ["BNBA", "Catatan"]);
    assert_eq!(preview.header.row, 4);
    assert_eq!(preview.records.len(), 2);
    assert_eq!(preview.mapping.fields(), BNBA_FIELDS);
    assert_eq!(
        preview.fingerprint,
        layout_fingerprint(&preview.header.columns)
    );

    // The user said column E is not to be imported and column A is the phone (say).
    let mut fields = preview.mapping.fields();
    if let Some(sex) = fields.get_mut(4) {
        *sex = Field::Ignore;
    }
    let remembered = PreviewOptions {
        fields: Some(fields),
        rows: 1,
        ..PreviewOptions::default()
    };
    let again = sheets::preview(&fixture("bnba.xlsx"), &remembered, Some(&areas), today())?;
    assert_eq!(again.mapping.column_of(Field::Sex), None);
    assert_eq!(again.records.first().and_then(|r| r.sex), None);
    assert_eq!(again.fingerprint, preview.fingerprint);

    // The header row chosen by hand: the numbering row under it is still skipped.
    let chosen = PreviewOptions {
        header_row: Some(4),
        rows: 1,
        ..PreviewOptions::default()
    };
    let by_hand = sheets::preview(&fixture("bnba.xlsx"), &chosen, Some(&areas), today())?;
    assert!(!by_hand.header.detected);
    assert_eq!(by_hand.header.numbering_row, Some(5));
    assert_eq!(by_hand.records.first().map(|r| r.row), Some(6));
    let missing = PreviewOptions {
        header_row: Some(99),
        ..PreviewOptions::default()
    };
    assert!(matches!(
        sheets::preview(&fixture("bnba.xlsx"), &missing, Some(&areas), today()),
        Err(SheetError::HeaderRowMissing { row: 99 })
    ));
    // The second worksheet holds no header.
    let second = PreviewOptions {
        open: OpenOptions {
            sheet: Some(1),
            ..OpenOptions::default()
        },
        ..PreviewOptions::default()
    };
    assert!(matches!(
        sheets::preview(&fixture("bnba.xlsx"), &second, Some(&areas), today()),
        Err(SheetError::HeaderNotFound)
    ));
    let third = PreviewOptions {
        open: OpenOptions {
            sheet: Some(2),
            ..OpenOptions::default()
        },
        ..PreviewOptions::default()
    };
    assert!(matches!(
        sheets::preview(&fixture("bnba.xlsx"), &third, Some(&areas), today()),
        Err(SheetError::SheetMissing {
            index: 2,
            sheets: 2
        })
    ));
    Ok(())
}

fn refusal(path: &Path) -> Option<SheetError> {
    Workbook::open(path, &OpenOptions::default()).err()
}

#[test]
fn files_are_told_by_content_not_by_name() -> TestResult {
    let dir = TempDir::new()?;
    let xlsx = std::fs::read(fixture("bnba.xlsx"))?;
    let ods = std::fs::read(fixture("bnba.ods"))?;
    let xls = std::fs::read(fixture("bnba.xls"))?;
    for (name, bytes, kind) in [
        ("data.csv", &xlsx, FileKind::Xlsx),
        ("data.xlsx", &ods, FileKind::Ods),
        ("data", &xls, FileKind::Xls),
    ] {
        let book = Workbook::open(&dir.write(name, bytes)?, &OpenOptions::default())?;
        assert_eq!(book.kind(), kind, "{name}");
    }
    let page = dir.write(
        "laporan.xls",
        b"<html><body><table><tr><td>NIK</td></tr></table></body></html>",
    )?;
    let refused = refusal(&page);
    assert!(matches!(
        refused,
        Some(SheetError::NotASpreadsheet {
            what: sheets::NotSpreadsheet::WebPage
        })
    ));
    assert!(refused.is_some_and(|e| e.message_id().contains("simpan sebagai .xlsx")));
    let picture = dir.write("foto.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")?;
    assert!(matches!(
        refusal(&picture),
        Some(SheetError::NotASpreadsheet {
            what: sheets::NotSpreadsheet::Binary
        })
    ));
    let empty = dir.write("kosong.csv", b"")?;
    assert!(matches!(refusal(&empty), Some(SheetError::Empty)));
    let damaged = dir.write("rusak.xlsx", xlsx.get(..xlsx.len() / 2).unwrap_or_default())?;
    assert!(matches!(
        refusal(&damaged),
        Some(SheetError::Damaged { .. })
    ));
    Ok(())
}

#[test]
fn csv_rows_keep_their_line_numbers_and_stream() -> TestResult {
    let dir = TempDir::new()?;
    let mut text = String::from("\u{feff}NIK,NAMA,ALAMAT\r\n");
    text.push_str("3209010601850001,Budi,\"Blok Kliwon\r\nNo. 12\"\r\n");
    text.push_str("\r\n");
    for serial in 2..5_002u32 {
        text.push_str(&format!(
            "320901060185{serial:04},Orang {serial},Blok Manis\r\n"
        ));
    }
    let path = dir.write("besar.csv", text.as_bytes())?;
    let mut book = Workbook::open(&path, &OpenOptions::default())?;
    assert_eq!(
        book.csv_format().map(|f| (f.encoding, f.delimiter)),
        Some((TextEncoding::Utf8, Delimiter::Comma))
    );
    let mut rows = book.rows()?;
    let header = find_header(&mut rows, None)?;
    assert_eq!(header.columns, ["NIK", "NAMA", "ALAMAT"]);
    let mapping = Mapping::propose(&header);
    let first = rows.next_row()?.ok_or("no first row")?;
    let record = read_record(&first, &mapping, None, today());
    assert_eq!(record.row, 2);
    assert_eq!(record.address.as_deref(), Some("Blok Kliwon No. 12"));
    // The quoted line break and the blank line are counted: the next record is line 5.
    let second = rows.next_row()?.ok_or("no second row")?;
    assert_eq!(second.number, 5);
    let mut count = 2;
    let mut last = second.number;
    while let Some(row) = rows.next_row()? {
        count += 1;
        last = row.number;
    }
    assert_eq!(count, 5_001);
    assert_eq!(last, 5_004);
    assert_eq!(rows.bytes_read(), Some(text.len() as u64));
    Ok(())
}
