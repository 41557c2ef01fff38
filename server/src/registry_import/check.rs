//! Checking one row with the shared domain validators (on the blocking reader
//! thread), protecting its identity numbers at once.

use std::collections::HashSet;

use shared::Coded;
use shared::error::DomainError;
use shared::geo::{AreaCode, AreaLevel};
use shared::household::{Desil, RegistryId, RegistrySource};
use shared::identity::{Nik, NoKk};
use shared::intake::parse_code;
use shared::member::Relationship;
use shared::programme::ProgrammeKind;

use super::read::{Layout, RawRow};
use super::{
    ADDRESS_MAX, ALAMAT, COLUMNS, DESIL, HUBUNGAN, ID_KELUARGA, KODE_WILAYAH, NAMA, NAME_MAX, NIK,
    NO_KK, PROGRAM, RejectedRow, RowProblem, SUMBER,
};
use crate::protect::{DataKey, IdKind};

/// Longest code a coded column may hold (longer is refused, not echoed whole).
const CODE_MAX: usize = 40;

/// Family-level fields, repeated on every person row of a family.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct FamilyFields {
    pub(super) source: String,
    pub(super) kk_hash: String,
    pub(super) village_code: String,
    pub(super) address: Option<String>,
    pub(super) rt: Option<String>,
    pub(super) rw: Option<String>,
    pub(super) dusun: Option<String>,
    pub(super) desil: i16,
    /// JSON array of programme codes, in catalogue order, without duplicates.
    pub(super) programmes: String,
}

impl FamilyFields {
    /// The columns whose values differ from `other`.
    pub(super) fn differing(&self, other: &FamilyFields) -> Vec<&'static str> {
        let mut fields = Vec::new();
        if self.source != other.source {
            fields.push(COLUMNS[SUMBER]);
        }
        if self.kk_hash != other.kk_hash {
            fields.push(COLUMNS[NO_KK]);
        }
        if self.village_code != other.village_code {
            fields.push(COLUMNS[KODE_WILAYAH]);
        }
        if self.address != other.address {
            fields.push(COLUMNS[ALAMAT]);
        }
        if (&self.rt, &self.rw, &self.dusun) != (&other.rt, &other.rw, &other.dusun) {
            fields.push("rt/rw/dusun");
        }
        if self.desil != other.desil {
            fields.push(COLUMNS[DESIL]);
        }
        if self.programmes != other.programmes {
            fields.push(COLUMNS[PROGRAM]);
        }
        fields
    }
}

/// A row that passed every check the file alone allows; identity numbers already protected.
pub(super) struct ValidRow {
    pub(super) line: u64,
    pub(super) registry_id: String,
    pub(super) family: FamilyFields,
    pub(super) kk_sealed: String,
    pub(super) kk_masked: String,
    pub(super) nik_hash: String,
    pub(super) nik_sealed: String,
    pub(super) nik_masked: String,
    pub(super) name: String,
    pub(super) relationship: i16,
}

impl ValidRow {
    /// The row as stored, in the documented columns' order (NIK and No KK masked).
    pub(super) fn values(&self) -> Vec<String> {
        vec![
            self.registry_id.clone(),
            self.family.source.clone(),
            self.kk_masked.clone(),
            self.nik_masked.clone(),
            self.name.clone(),
            self.relationship.to_string(),
            self.family.village_code.clone(),
            self.family.address.clone().unwrap_or_default(),
            self.family.desil.to_string(),
            self.family.programmes.clone(),
        ]
    }
}

pub(super) enum Checked {
    Valid(Box<ValidRow>),
    Rejected(RejectedRow),
}

/// The No KK of the family read last, as hashed, sealed and masked: a
/// family's rows follow each other, so each No KK is protected once.
#[derive(Default)]
pub(super) struct FamilyNumbers {
    digits: String,
    hash: String,
    sealed: String,
    masked: String,
}

impl FamilyNumbers {
    fn of(&mut self, key: &DataKey, kk: &NoKk) -> (&str, &str, &str) {
        let digits = kk.as_str();
        if self.digits != *digits || self.hash.is_empty() {
            self.hash = key.lookup_hash(IdKind::NoKk, &digits);
            self.sealed = key.seal(&digits);
            self.masked = kk.masked();
            self.digits = digits.to_string();
        }
        (&self.hash, &self.sealed, &self.masked)
    }
}

/// Checks one row with the shared validators and protects its identity numbers.
pub(super) fn check_row(
    key: &DataKey,
    layout: &Layout,
    row: RawRow,
    family_numbers: &mut FamilyNumbers,
) -> Checked {
    if !row.issues.is_empty() {
        let values = layout.values(&row);
        return Checked::Rejected(RejectedRow {
            line: row.line,
            problems: row.issues,
            values,
        });
    }
    let mut problems = Vec::new();
    let field = |column: usize| layout.field(&row, column);

    let registry_id = RegistryId::parse(field(ID_KELUARGA))
        .map_err(|error| problems.push(RowProblem::domain(layout.name(ID_KELUARGA), &error)))
        .ok();
    let source = coded::<RegistrySource>(field(SUMBER), layout.name(SUMBER))
        .map_err(|problem| problems.push(problem))
        .ok();
    let kk = NoKk::parse(field(NO_KK))
        .map_err(|error| problems.push(RowProblem::domain(layout.name(NO_KK), &error)))
        .ok();
    let nik = Nik::parse(field(NIK))
        .map_err(|error| problems.push(RowProblem::domain(layout.name(NIK), &error)))
        .ok();
    let name = shared::text::required(layout.name(NAMA), field(NAMA), NAME_MAX)
        .map_err(|error| problems.push(RowProblem::domain(layout.name(NAMA), &error)))
        .ok();
    let relationship = number(field(HUBUNGAN), layout.name(HUBUNGAN), 1, 8)
        .and_then(|n| {
            let n = u8::try_from(n).unwrap_or_default();
            Relationship::from_number(n)
                .map(Relationship::number)
                .map_err(|error| RowProblem::domain(layout.name(HUBUNGAN), &error))
        })
        .map_err(|problem| problems.push(problem))
        .ok();
    let village = village_code(field(KODE_WILAYAH), layout.name(KODE_WILAYAH))
        .map_err(|problem| problems.push(problem))
        .ok();
    let address = shared::text::optional(layout.name(ALAMAT), field(ALAMAT), ADDRESS_MAX)
        .map_err(|error| problems.push(RowProblem::domain(layout.name(ALAMAT), &error)))
        .ok();
    let desil = number(field(DESIL), layout.name(DESIL), 1, 10)
        .and_then(|n| {
            Desil::new(u8::try_from(n).unwrap_or_default())
                .map_err(|error| RowProblem::domain(layout.name(DESIL), &error))
        })
        .map_err(|problem| problems.push(problem))
        .ok();
    let programmes = programme_codes(field(PROGRAM), layout.name(PROGRAM))
        .map_err(|problem| problems.push(problem))
        .ok();

    match (
        registry_id,
        source,
        kk,
        nik,
        name,
        relationship,
        village,
        address,
        desil,
        programmes,
    ) {
        (
            Some(registry_id),
            Some(source),
            Some(kk),
            Some(nik),
            Some(name),
            Some(relationship),
            Some(village),
            Some(address),
            Some(desil),
            Some(programmes),
        ) if problems.is_empty() => {
            let (kk_hash, kk_sealed, kk_masked) = family_numbers.of(key, &kk);
            let nik_digits = nik.as_str();
            Checked::Valid(Box::new(ValidRow {
                line: row.line,
                registry_id: registry_id.as_str().to_string(),
                family: FamilyFields {
                    source: source.code().to_string(),
                    kk_hash: kk_hash.to_string(),
                    village_code: village.as_str().to_string(),
                    address,
                    rt: row.rt.clone(),
                    rw: row.rw.clone(),
                    dusun: row.dusun.clone(),
                    desil: i16::from(desil.get()),
                    programmes,
                },
                kk_sealed: kk_sealed.to_string(),
                kk_masked: kk_masked.to_string(),
                nik_hash: key.lookup_hash(IdKind::Nik, &nik_digits),
                nik_sealed: key.seal(&nik_digits),
                nik_masked: nik.masked(),
                name,
                relationship: i16::from(relationship),
            }))
        }
        _ => Checked::Rejected(RejectedRow {
            line: row.line,
            problems,
            values: layout.values(&row),
        }),
    }
}

/// A coded value (`dtks`), case-insensitive, read as the forms read theirs.
fn coded<T: Coded>(input: &str, field: &str) -> Result<T, RowProblem> {
    shared::text::required(field, input, CODE_MAX)
        .and_then(|code| parse_code(field, &code.to_ascii_lowercase()))
        .map_err(|error| RowProblem::domain(field, &error))
}

/// A whole number from `min` to `max`.
fn number(input: &str, field: &str, min: i64, max: i64) -> Result<i64, RowProblem> {
    let Ok(found) = input.parse::<i64>() else {
        return Err(RowProblem::new(
            field,
            format!("Isian {field} harus berupa angka {min} sampai {max}."),
            format!("{field} must be a whole number from {min} to {max}."),
        ));
    };
    if (min..=max).contains(&found) {
        Ok(found)
    } else {
        Err(RowProblem::domain(
            field,
            &DomainError::NumberOutOfRange {
                field: field.to_string(),
                min,
                max,
                found,
            },
        ))
    }
}

/// A village code (dotted or bare digits), in dotted form.
fn village_code(input: &str, field: &str) -> Result<AreaCode, RowProblem> {
    let code = AreaCode::parse(input).map_err(|error| RowProblem::domain(field, &error))?;
    code.require_level(AreaLevel::Village)
        .map_err(|error| RowProblem::domain(field, &error))
}

/// `;`-separated programme codes as a JSON array in catalogue order, without duplicates.
fn programme_codes(input: &str, field: &str) -> Result<String, RowProblem> {
    let mut kinds = HashSet::new();
    for code in input.split(';').map(str::trim).filter(|c| !c.is_empty()) {
        kinds.insert(coded::<ProgrammeKind>(code, field)?);
    }
    let codes: Vec<&str> = ProgrammeKind::ALL
        .iter()
        .filter(|kind| kinds.contains(*kind))
        .map(|kind| kind.code())
        .collect();
    serde_json::to_string(&codes).map_err(|error| {
        RowProblem::new(
            field,
            format!("Isian {field} tidak dapat disimpan: {error}"),
            format!("{field} cannot be stored: {error}"),
        )
    })
}
