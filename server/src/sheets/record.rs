//! One data row read through a mapping: every mapped cell parsed as its field,
//! problems kept per column, and the preview the mapping step shows.

use std::path::Path;

use chrono::NaiveDate;
use serde::Serialize;
use shared::geo::{AreaCode, AreaLevel, NeighbourhoodNumber, NeighbourhoodUnit};
use shared::household::{Desil, RegistryId, RegistrySource};
use shared::identity::{Nik, NoKk, Sex};
use shared::member::Relationship;
use shared::programme::ProgrammeKind;

use super::areas::AreaIndex;
use super::cell::{Cell, Row};
use super::dates::{parse_birth_date, text_date};
use super::fields::Field;
use super::header::{Header, find_header};
use super::identity::{parse_nik, parse_no_kk};
use super::mapping::{Mapping, layout_fingerprint};
use super::open::{FileKind, OpenOptions, Workbook};
use super::text::CsvFormat;
use super::values::{
    ValueProblem, parse_desil, parse_name, parse_neighbourhood, parse_phone, parse_programmes,
    parse_registry_id, parse_relationship, parse_rt_rw, parse_sex, parse_source, parse_text,
    present,
};
use super::{SheetError, SheetResult};

/// Longest name kept (as the registry tables hold it).
pub const NAME_MAX: usize = 120;
/// Longest address kept.
pub const ADDRESS_MAX: usize = 255;
/// Longest place of birth and dusun kept.
pub const PLACE_MAX: usize = 120;

/// A cell that could not be read as its column's field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CellProblem {
    /// 0 for column A.
    pub column: usize,
    /// The column's header as written.
    pub header: String,
    pub field: Field,
    pub problem: ValueProblem,
}

/// A data row read through a mapping. A field is `None` when its column is
/// not mapped, its cell is blank, or its cell has a problem (then listed).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Record {
    /// The row's number in the sheet.
    pub row: u64,
    pub registry_family_id: Option<RegistryId>,
    pub source: Option<RegistrySource>,
    #[serde(skip)]
    pub no_kk: Option<NoKk>,
    #[serde(skip)]
    pub nik: Option<Nik>,
    pub name: Option<String>,
    pub head_name: Option<String>,
    pub sex: Option<Sex>,
    pub birth_place: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub relationship: Option<Relationship>,
    pub address: Option<String>,
    pub rt: Option<NeighbourhoodNumber>,
    pub rw: Option<NeighbourhoodNumber>,
    pub dusun: Option<String>,
    pub village: Option<AreaCode>,
    pub sub_district: Option<AreaCode>,
    pub desil: Option<Desil>,
    pub programmes: Vec<ProgrammeKind>,
    pub phone: Option<String>,
    pub problems: Vec<CellProblem>,
}

/// `CIREBON, 12-01-1980`, `Cirebon 12/01/1980`: the place, then the date.
fn place_and_date(
    cell: &Cell,
    today: NaiveDate,
) -> Result<(Option<String>, Option<NaiveDate>), ValueProblem> {
    let Some(cell) = present(cell)? else {
        return Ok((None, None));
    };
    if let Cell::Date(date) = cell {
        return Ok((None, Some(*date)));
    }
    let text = cell.text();
    let text = text.trim();
    let split = text
        .rfind(',')
        .map(|at| (text.get(..at), text.get(at + 1..)))
        .or_else(|| {
            text.find(|c: char| c.is_ascii_digit())
                .map(|at| (text.get(..at), text.get(at..)))
        });
    let (place, date) = match split {
        Some((Some(place), Some(date))) => (place.trim(), date.trim()),
        _ => (text, ""),
    };
    let place = place.trim_end_matches(['/', ',', '-']).trim();
    let date = if date.is_empty() {
        None
    } else {
        let date = text_date(date, today)?;
        if date > today {
            return Err(ValueProblem::new(
                format!(
                    "Tanggal lahir {} setelah hari ini.",
                    shared::dates::dmy(date)
                ),
                format!(
                    "The date of birth {} is after today.",
                    shared::dates::dmy(date)
                ),
            ));
        }
        Some(date)
    };
    let place = (!place.is_empty())
        .then(|| parse_text(&Cell::Text(place.to_string()), PLACE_MAX))
        .transpose()?
        .flatten();
    Ok((place, date))
}

/// Reads `row` through `mapping`. Village and sub-district names resolve in
/// `areas` (the chosen district); without it only village codes are read.
/// `today` decides two-digit years and refuses birth dates in the future.
pub fn read_record(
    row: &Row,
    mapping: &Mapping,
    areas: Option<&AreaIndex>,
    today: NaiveDate,
) -> Record {
    let mut record = Record {
        row: row.number,
        ..Record::default()
    };
    let mut problems = Vec::new();
    let sub_district_text = mapping
        .column_of(Field::SubDistrict)
        .map(|index| row.cell(index).text());
    for column in mapping.columns() {
        let cell = row.cell(column.index);
        let mut fail = |problem: ValueProblem| {
            problems.push(CellProblem {
                column: column.index,
                header: column.header.clone(),
                field: column.field,
                problem,
            });
        };
        macro_rules! read {
            ($target:expr, $parsed:expr) => {
                match $parsed {
                    Ok(value) => $target = value,
                    Err(problem) => fail(problem),
                }
            };
        }
        match column.field {
            Field::Ignore => {}
            Field::RegistryFamilyId => read!(record.registry_family_id, parse_registry_id(cell)),
            Field::Source => read!(record.source, parse_source(cell)),
            Field::NoKk => read!(record.no_kk, parse_no_kk(cell)),
            Field::Nik => read!(record.nik, parse_nik(cell)),
            Field::Name => read!(record.name, parse_name(cell, NAME_MAX)),
            Field::HeadName => read!(record.head_name, parse_name(cell, NAME_MAX)),
            Field::Sex => read!(record.sex, parse_sex(cell)),
            Field::BirthPlace => read!(record.birth_place, parse_text(cell, PLACE_MAX)),
            Field::BirthDate => read!(record.birth_date, parse_birth_date(cell, today)),
            Field::BirthPlaceDate => match place_and_date(cell, today) {
                Ok((place, date)) => {
                    record.birth_place = place.or(record.birth_place.take());
                    record.birth_date = date.or(record.birth_date);
                }
                Err(problem) => fail(problem),
            },
            Field::Relationship => read!(
                record.relationship,
                parse_relationship(cell, mapping.numbering())
            ),
            Field::Address => read!(record.address, parse_text(cell, ADDRESS_MAX)),
            Field::Rt => read!(record.rt, parse_neighbourhood(cell, NeighbourhoodUnit::Rt)),
            Field::Rw => read!(record.rw, parse_neighbourhood(cell, NeighbourhoodUnit::Rw)),
            Field::RtRw => match parse_rt_rw(cell) {
                Ok((rt, rw)) => {
                    record.rt = rt.or(record.rt);
                    record.rw = rw.or(record.rw);
                }
                Err(problem) => fail(problem),
            },
            Field::Dusun => read!(record.dusun, parse_text(cell, PLACE_MAX)),
            Field::Village => read!(
                record.village,
                read_area(
                    cell,
                    AreaLevel::Village,
                    areas,
                    sub_district_text.as_deref()
                )
            ),
            Field::SubDistrict => read!(
                record.sub_district,
                read_area(cell, AreaLevel::SubDistrict, areas, None)
            ),
            Field::Desil => read!(record.desil, parse_desil(cell)),
            Field::Programmes => read!(record.programmes, parse_programmes(cell)),
            Field::Phone => read!(record.phone, parse_phone(cell)),
        }
    }
    record.problems = problems;
    record
}

/// A village or sub-district from its name or code.
fn read_area(
    cell: &Cell,
    level: AreaLevel,
    areas: Option<&AreaIndex>,
    sub_district: Option<&str>,
) -> Result<Option<AreaCode>, ValueProblem> {
    let Some(cell) = present(cell)? else {
        return Ok(None);
    };
    let text = cell.text();
    let Some(areas) = areas else {
        // No district chosen: a code is read as it is; the importer checks it exists.
        if !text.trim().bytes().all(|b| b.is_ascii_digit() || b == b'.') {
            let shown = super::values::echo(&text);
            return Err(ValueProblem::new(
                format!(
                    "\"{shown}\" bukan kode wilayah; nama desa atau kecamatan hanya dicocokkan setelah kabupaten/kota dipilih."
                ),
                format!(
                    "\"{shown}\" is not an area code; village and sub-district names are matched only once the district is chosen."
                ),
            ));
        }
        return AreaCode::parse(&text)
            .and_then(|code| code.require_level(level))
            .map(Some)
            .map_err(|error| ValueProblem::domain(&error));
    };
    let sub_district = sub_district.filter(|name| !name.trim().is_empty());
    let found = match level {
        AreaLevel::Village => areas.village(&text, sub_district),
        _ => areas.sub_district(&text),
    };
    match found.problem(&text, level) {
        Some(problem) => Err(problem),
        None => Ok(found.code().cloned()),
    }
}

/// What the mapping step shows of a file: how it was read, where its header
/// is, the mapping (proposed, or the one given), the layout's fingerprint and
/// the first data rows read through the mapping.
#[derive(Debug, Clone, Serialize)]
pub struct Preview {
    pub kind: FileKind,
    pub sheet_names: Vec<String>,
    pub sheet: Option<usize>,
    pub csv: Option<CsvFormat>,
    /// A text file held bytes not valid in its encoding: probably the wrong one.
    pub replaced_characters: bool,
    pub header: Header,
    pub mapping: Mapping,
    pub fingerprint: String,
    pub records: Vec<Record>,
    /// The same rows as the sheet holds them (for showing sample values).
    #[serde(skip)]
    pub rows: Vec<Row>,
}

/// What the caller chose for a preview.
#[derive(Debug, Clone, Default)]
pub struct PreviewOptions {
    pub open: OpenOptions,
    /// The header's row number, when the user picked it.
    pub header_row: Option<u64>,
    /// The field of each column (remembered for this layout, or corrected by the user).
    pub fields: Option<Vec<Field>>,
    /// How the file numbers SHDK.
    pub numbering: shared::sheet_import::RelationshipNumbering,
    /// Data rows read.
    pub rows: usize,
}

/// Opens `path`, finds its header, maps its columns and reads the first rows.
pub fn preview(
    path: &Path,
    options: &PreviewOptions,
    areas: Option<&AreaIndex>,
    today: NaiveDate,
) -> SheetResult<Preview> {
    let mut book = Workbook::open(path, &options.open)?;
    let (header, mapping, records, raw) = {
        let mut rows = book.rows()?;
        let header = find_header(&mut rows, options.header_row)?;
        let mapping = match &options.fields {
            Some(fields) => Mapping::from_fields(&header, fields),
            None => Mapping::propose(&header),
        }
        .with_numbering(options.numbering);
        let mut records = Vec::with_capacity(options.rows.min(1_000));
        let mut raw = Vec::with_capacity(options.rows.min(1_000));
        while records.len() < options.rows {
            let Some(row) = rows.next_row()? else { break };
            if row.number < header.data_start || row.is_blank() {
                continue;
            }
            records.push(read_record(&row, &mapping, areas, today));
            raw.push(row);
        }
        (header, mapping, records, raw)
    };
    if header.columns.is_empty() {
        return Err(SheetError::HeaderNotFound);
    }
    Ok(Preview {
        kind: book.kind(),
        sheet_names: book.sheet_names().to_vec(),
        sheet: book.sheet(),
        csv: book.csv_format(),
        replaced_characters: book.replaced_characters(),
        fingerprint: layout_fingerprint(&header.columns),
        header,
        mapping,
        records,
        rows: raw,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 1, 15).unwrap_or_default()
    }

    fn text(value: &str) -> Cell {
        Cell::Text(value.into())
    }

    #[test]
    fn place_and_date_in_one_cell() {
        let day = NaiveDate::from_ymd_opt(1980, 1, 12);
        for value in [
            "CIREBON, 12-01-1980",
            "Cirebon 12/01/1980",
            "CIREBON / 12 Januari 1980",
        ] {
            let (place, date) = place_and_date(&text(value), today()).unwrap_or_default();
            assert_eq!(
                place.as_deref().map(str::to_uppercase).as_deref(),
                Some("CIREBON"),
                "{value}"
            );
            assert_eq!(date, day, "{value}");
        }
        assert_eq!(
            place_and_date(&text("Kuningan"), today()),
            Ok((Some("Kuningan".into()), None))
        );
        assert_eq!(
            place_and_date(&Cell::Date(day.unwrap_or_default()), today()),
            Ok((None, day))
        );
        assert!(place_and_date(&text("Cirebon, 31-02-1980"), today()).is_err());
        assert!(place_and_date(&text("Cirebon, 01-02-2030"), today()).is_err());
    }

    #[test]
    fn without_a_district_only_codes_are_read() {
        let header = Header {
            row: 1,
            numbering_row: None,
            data_start: 2,
            titles: Vec::new(),
            columns: vec!["KODE DESA".into(), "DESA".into(), "NAMA".into()],
            recognised: 3,
            detected: true,
        };
        let mut mapping = Mapping::propose(&header);
        let row = Row {
            number: 2,
            cells: vec![text("3209012009"), text("Waled Kota"), text("Budi")],
        };
        let record = read_record(&row, &mapping, None, today());
        assert_eq!(record.village, AreaCode::parse("32.09.01.2009").ok());
        assert_eq!(record.name.as_deref(), Some("Budi"));
        assert_eq!(record.problems, []);
        mapping.set(1, Field::Village);
        let record = read_record(&row, &mapping, None, today());
        assert_eq!(record.village, None);
        assert!(record.problems.first().is_some_and(|p| {
            p.column == 1
                && p.problem
                    .reason_id
                    .contains("setelah kabupaten/kota dipilih")
        }));
    }
}
