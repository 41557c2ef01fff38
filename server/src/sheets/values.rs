//! Reading one cell as the value of a field, in any case and in the forms
//! offices write them (`LAKI-LAKI`, `Perempuan`, `L`; SHDK as `1` or `ISTRI`;
//! `RT 003`; `PKH, BPNT`), each refusal worded in Indonesian and English.

use serde::{Deserialize, Serialize};
use shared::error::DomainError;
use shared::geo::{NeighbourhoodNumber, NeighbourhoodUnit};
use shared::household::{Desil, RegistryId, RegistrySource};
use shared::identity::Sex;
use shared::member::Relationship;
use shared::programme::ProgrammeKind;
use shared::sheet_import::RelationshipNumbering;

use super::cell::{Cell, hide_long_numbers, number_text};
use super::fields::normalise_header;

/// Why a cell cannot be read as its field, in Bahasa Indonesia and English.
/// It never holds a NIK or No KK in clear.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValueProblem {
    pub reason_id: String,
    pub reason_en: String,
}

impl ValueProblem {
    pub fn new(reason_id: impl Into<String>, reason_en: impl Into<String>) -> ValueProblem {
        ValueProblem {
            reason_id: reason_id.into(),
            reason_en: reason_en.into(),
        }
    }

    /// The domain's own wording of `error`.
    pub fn domain(error: &DomainError) -> ValueProblem {
        ValueProblem::new(error.message_id(), error.message_en())
    }
}

/// A cell's text safe to quote in a problem: long digit runs hidden, 40 characters at most.
pub(crate) fn echo(text: &str) -> String {
    let text = hide_long_numbers(text.trim());
    if text.chars().count() > 40 {
        let mut short: String = text.chars().take(39).collect();
        short.push('…');
        short
    } else {
        text
    }
}

/// The cell if it holds a value: blank and a lone dash (how lists mark
/// "none") are `None`; an Excel error value is refused.
pub(crate) fn present(cell: &Cell) -> Result<Option<&Cell>, ValueProblem> {
    match cell {
        Cell::Error(error) => Err(ValueProblem::new(
            format!(
                "Sel berisi galat Excel ({error}), bukan nilai; perbaiki rumusnya atau ketik nilainya."
            ),
            format!(
                "The cell holds an Excel error ({error}), not a value; fix the formula or type the value."
            ),
        )),
        Cell::Text(text) if matches!(text.trim(), "-" | "–" | "—" | "--") => Ok(None),
        cell if cell.is_blank() => Ok(None),
        cell => Ok(Some(cell)),
    }
}

/// A whole number cell's value.
fn whole(number: f64) -> Option<i64> {
    (number.fract() == 0.0 && number.abs() < 1e15).then_some(number as i64)
}

/// Free text (name, place, address, dusun), trimmed, at most `max` characters;
/// a number or date cell is read as its text.
pub fn parse_text(cell: &Cell, max: usize) -> Result<Option<String>, ValueProblem> {
    let Some(cell) = present(cell)? else {
        return Ok(None);
    };
    let text = cell.text().split_whitespace().collect::<Vec<_>>().join(" ");
    let found = text.chars().count();
    if found > max {
        return Err(ValueProblem::new(
            format!("Isian paling banyak {max} karakter; yang diisi {found}."),
            format!("At most {max} characters; this has {found}."),
        ));
    }
    Ok(Some(text))
}

/// A person's name: text ([`parse_text`]) that is not a number or a date.
pub fn parse_name(cell: &Cell, max: usize) -> Result<Option<String>, ValueProblem> {
    if matches!(cell, Cell::Number(_) | Cell::Date(_) | Cell::Bool(_)) {
        return Err(ValueProblem::new(
            "Sel nama berisi angka atau tanggal, bukan nama; apakah kolomnya tertukar?",
            "The name cell holds a number or a date, not a name; are the columns swapped?",
        ));
    }
    parse_text(cell, max)
}

/// Sex: `L`, `LK`, `LAKI-LAKI`, `PRIA`, `1` or `P`, `PR`, `PEREMPUAN`, `WANITA`, `2`, any case.
pub fn parse_sex(cell: &Cell) -> Result<Option<Sex>, ValueProblem> {
    let Some(cell) = present(cell)? else {
        return Ok(None);
    };
    let text = normalise_header(&cell.text()).replace(' ', "");
    let sex = match text.as_str() {
        "L" | "LK" | "LAKILAKI" | "LAKI" | "LAKI2" | "PRIA" | "1" | "M" | "MALE" => Sex::Male,
        "P" | "PR" | "PEREMPUAN" | "WANITA" | "W" | "2" | "F" | "FEMALE" => Sex::Female,
        _ => {
            let shown = echo(&cell.text());
            return Err(ValueProblem::new(
                format!(
                    "Jenis kelamin \"{shown}\" tidak dikenal; isi L/Laki-laki atau P/Perempuan."
                ),
                format!(
                    "Sex \"{shown}\" is not known; use L/Laki-laki (male) or P/Perempuan (female)."
                ),
            ));
        }
    };
    Ok(Some(sex))
}

/// The relationship a name stands for.
fn relationship_named(name: &str) -> Option<Relationship> {
    use Relationship as R;
    Some(match name {
        "KEPALA KELUARGA" | "KEPALA RUMAH TANGGA" | "KEPALA" | "KK" | "KRT" => R::Head,
        "ISTRI" | "ISTERI" | "SUAMI" | "ISTRI SUAMI" | "SUAMI ISTRI" | "PASANGAN" => R::Spouse,
        "ANAK" | "ANAK KANDUNG" | "ANAK TIRI" | "ANAK ANGKAT" => R::Child,
        "MENANTU" => R::ChildInLaw,
        "CUCU" => R::Grandchild,
        "ORANG TUA" | "ORANGTUA" | "MERTUA" | "ORANG TUA MERTUA" | "AYAH" | "IBU" | "BAPAK" => {
            R::ParentOrInLaw
        }
        "PEMBANTU" | "PEMBANTU RUMAH TANGGA" | "PRT" => R::HouseholdHelp,
        "FAMILI LAIN" | "FAMILI" | "LAINNYA" | "LAIN LAIN" | "LAIN" | "SAUDARA"
        | "KELUARGA LAIN" => R::Other,
        _ => return None,
    })
}

/// SHDK (relationship to the head): a number in `numbering` (1–8 in the
/// registry's, 1–11 in the family card's), its name (`KEPALA KELUARGA`,
/// `ISTRI`, `ANAK`, `MENANTU`, `CUCU`, `ORANG TUA`, `MERTUA`, `PEMBANTU`,
/// `FAMILI LAIN`, `LAINNYA`, ...), or both (`3 - Anak`: the number decides).
pub fn parse_relationship(
    cell: &Cell,
    numbering: RelationshipNumbering,
) -> Result<Option<Relationship>, ValueProblem> {
    let Some(cell) = present(cell)? else {
        return Ok(None);
    };
    let text = normalise_header(&cell.text());
    let leading: String = text.chars().take_while(char::is_ascii_digit).collect();
    let found = if leading.is_empty() {
        relationship_named(&text)
    } else {
        leading
            .parse::<u8>()
            .ok()
            .and_then(|number| numbering.relationship(number))
    };
    found.map(Some).ok_or_else(|| {
        let shown = echo(&cell.text());
        let max = numbering.max();
        ValueProblem::new(
            format!(
                "Hubungan dengan kepala keluarga \"{shown}\" tidak dikenal; isi angka 1–{max} (penomoran {}) atau namanya (Kepala Keluarga, Istri/Suami, Anak, Menantu, Cucu, Orang Tua/Mertua, Pembantu, Lainnya).",
                numbering.label_id()
            ),
            format!(
                "Relationship to the head \"{shown}\" is not known; use a number 1–{max} ({} numbering) or its name (Kepala Keluarga, Istri/Suami, Anak, Menantu, Cucu, Orang Tua/Mertua, Pembantu, Lainnya).",
                numbering.label_en()
            ),
        )
    })
}

/// Desil: a whole number 1 to 10 (`3`, `DESIL 3`).
pub fn parse_desil(cell: &Cell) -> Result<Option<Desil>, ValueProblem> {
    let Some(cell) = present(cell)? else {
        return Ok(None);
    };
    let number = match cell {
        Cell::Number(number) => whole(*number),
        other => {
            let text = normalise_header(&other.text());
            let text = text.strip_prefix("DESIL").unwrap_or(&text).trim();
            text.parse::<i64>().ok()
        }
    };
    let Some(number) = number else {
        let shown = echo(&cell.text());
        return Err(ValueProblem::new(
            format!("Desil \"{shown}\" harus angka bulat 1 sampai 10."),
            format!("Desil \"{shown}\" must be a whole number from 1 to 10."),
        ));
    };
    let error = DomainError::NumberOutOfRange {
        field: "desil".into(),
        min: 1,
        max: 10,
        found: number,
    };
    let value = u8::try_from(number).map_err(|_| ValueProblem::domain(&error))?;
    Desil::new(value)
        .map(Some)
        .map_err(|error| ValueProblem::domain(&error))
}

/// An RT or RW number 1–999 (`3`, `003`, `RT 003`, `RT.03`).
pub fn parse_neighbourhood(
    cell: &Cell,
    unit: NeighbourhoodUnit,
) -> Result<Option<NeighbourhoodNumber>, ValueProblem> {
    let Some(cell) = present(cell)? else {
        return Ok(None);
    };
    let text = match cell {
        Cell::Number(number) => {
            whole(*number).map_or_else(|| number_text(*number), |n| n.to_string())
        }
        other => {
            let text = normalise_header(&other.text());
            let prefix = match unit {
                NeighbourhoodUnit::Rt => "RT",
                NeighbourhoodUnit::Rw => "RW",
            };
            text.strip_prefix(prefix)
                .unwrap_or(&text)
                .trim()
                .to_string()
        }
    };
    NeighbourhoodNumber::parse(unit, &text)
        .map(Some)
        .map_err(|error| ValueProblem::domain(&error))
}

/// RT and RW in one cell: two numbers (`001/002`, `1 / 2`, `RT 01 RW 02`).
pub fn parse_rt_rw(
    cell: &Cell,
) -> Result<(Option<NeighbourhoodNumber>, Option<NeighbourhoodNumber>), ValueProblem> {
    let Some(cell) = present(cell)? else {
        return Ok((None, None));
    };
    let text = cell.text();
    let numbers: Vec<&str> = text
        .split(|c: char| !c.is_ascii_digit())
        .filter(|part| !part.is_empty())
        .collect();
    let (Cell::Text(_), [rt, rw]) = (cell, numbers.as_slice()) else {
        let shown = echo(&text);
        return Err(ValueProblem::new(
            format!("RT/RW \"{shown}\" harus berisi dua angka, mis. 001/002."),
            format!("RT/RW \"{shown}\" must hold two numbers, e.g. 001/002."),
        ));
    };
    let rt = NeighbourhoodNumber::parse(NeighbourhoodUnit::Rt, rt)
        .map_err(|error| ValueProblem::domain(&error))?;
    let rw = NeighbourhoodNumber::parse(NeighbourhoodUnit::Rw, rw)
        .map_err(|error| ValueProblem::domain(&error))?;
    Ok((Some(rt), Some(rw)))
}

/// A registry family id (1–32 letters, digits, `-`, `/`); a number cell reads as its digits.
pub fn parse_registry_id(cell: &Cell) -> Result<Option<RegistryId>, ValueProblem> {
    let Some(cell) = present(cell)? else {
        return Ok(None);
    };
    RegistryId::parse(&cell.text())
        .map(Some)
        .map_err(|error| ValueProblem::domain(&error))
}

/// The source registry: `DTKS` or `DTSEN`, any case.
pub fn parse_source(cell: &Cell) -> Result<Option<RegistrySource>, ValueProblem> {
    let Some(cell) = present(cell)? else {
        return Ok(None);
    };
    match normalise_header(&cell.text()).as_str() {
        "DTKS" => Ok(Some(RegistrySource::Dtks)),
        "DTSEN" => Ok(Some(RegistrySource::Dtsen)),
        _ => {
            let shown = echo(&cell.text());
            Err(ValueProblem::new(
                format!("Sumber data \"{shown}\" tidak dikenal; isi DTKS atau DTSEN."),
                format!("Source \"{shown}\" is not known; use DTKS or DTSEN."),
            ))
        }
    }
}

/// The programme a name, abbreviation or code stands for (normalised).
fn programme_named(name: &str) -> Option<ProgrammeKind> {
    use ProgrammeKind as P;
    Some(match name {
        "PKH" | "PROGRAM KELUARGA HARAPAN" => P::Pkh,
        "BPNT" | "SEMBAKO" | "PROGRAM SEMBAKO" | "BSP" | "KKS" => P::Bpnt,
        "PBI" | "PBI JK" | "PBIJK" | "KIS" | "PBI JKN" | "JKN PBI" | "KIS PBI" => P::PbiJk,
        "PBI APBD" | "PBID" | "PBI DAERAH" | "JAMKESDA" => P::PbiApbd,
        "KIP" | "PIP" | "KIP PIP" => P::KipPip,
        "RTLH" | "RUTILAHU" => P::Rtlh,
        "ATENSI" => P::Atensi,
        "ASPD" => P::Aspd,
        "BLT DD" | "BLTDD" | "BLT DANA DESA" | "BLT DESA" => P::BltDanaDesa,
        "ENERGY SUBSIDY" | "SUBSIDI LISTRIK" | "SUBSIDI LPG" | "SUBSIDI ENERGI" => P::EnergySubsidy,
        "CIVIL DOCUMENTS" | "ADMINDUK" | "DOKUMEN KEPENDUDUKAN" => P::CivilDocuments,
        "HOSPITAL FEE WAIVER" | "SKTM" => P::HospitalFeeWaiver,
        "BAZNAS" => P::Baznas,
        "LOCAL" | "PROGRAM DAERAH" => P::Local,
        "CSR" => P::Csr,
        _ => return None,
    })
}

/// The programmes a family receives: names, abbreviations or the portal's
/// codes separated by `;` `,` `/` `+` or `dan` (`PKH, BPNT`, `pkh;pbi_jk`),
/// in catalogue order without repeats. `TIDAK ADA` or a dash is none.
pub fn parse_programmes(cell: &Cell) -> Result<Vec<ProgrammeKind>, ValueProblem> {
    let Some(cell) = present(cell)? else {
        return Ok(Vec::new());
    };
    let text = cell.text();
    let mut found = Vec::new();
    let mut unknown = Vec::new();
    let parts = text.split([';', ',', '/', '+', '\n']).flat_map(|part| {
        // "PKH dan BPNT": the word "dan" (and) separates too.
        let mut pieces = vec![String::new()];
        for word in part.split_whitespace() {
            if word.eq_ignore_ascii_case("dan") {
                pieces.push(String::new());
            } else if let Some(piece) = pieces.last_mut() {
                if !piece.is_empty() {
                    piece.push(' ');
                }
                piece.push_str(word);
            }
        }
        pieces
    });
    for part in parts {
        let name = normalise_header(&part);
        if name.is_empty() || name == "TIDAK ADA" || name == "TIDAK" {
            continue;
        }
        match programme_named(&name) {
            Some(kind) => found.push(kind),
            None => unknown.push(echo(&part)),
        }
    }
    if !unknown.is_empty() {
        let list = unknown.join(", ");
        return Err(ValueProblem::new(
            format!(
                "Program \"{list}\" tidak dikenal; gunakan mis. PKH, BPNT, PBI-JK, KIP, RTLH, BLT DD."
            ),
            format!(
                "Programme \"{list}\" is not known; use e.g. PKH, BPNT, PBI-JK, KIP, RTLH, BLT DD."
            ),
        ));
    }
    Ok(ProgrammeKind::ALL
        .iter()
        .copied()
        .filter(|kind| found.contains(kind))
        .collect())
}

/// A telephone number as digits starting with `0` (`+62 812-3456-7890` →
/// `081234567890`); a number cell that lost its leading zero (`81234567890`) gets it back.
pub fn parse_phone(cell: &Cell) -> Result<Option<String>, ValueProblem> {
    let Some(cell) = present(cell)? else {
        return Ok(None);
    };
    let text = cell.text();
    let kept: String = text
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')' | '\'' | '+' | '\u{a0}'))
        .collect();
    let digits = if let Some(rest) = kept.strip_prefix("62") {
        format!("0{rest}")
    } else if kept.starts_with('8') {
        format!("0{kept}")
    } else {
        kept
    };
    if digits.starts_with('0')
        && (9..=15).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
    {
        Ok(Some(digits))
    } else {
        let shown = echo(&text);
        Err(ValueProblem::new(
            format!("Nomor telepon \"{shown}\" tidak sah; tulis 9–15 angka diawali 0 atau +62."),
            format!(
                "Telephone \"{shown}\" is not valid; write 9–15 digits starting with 0 or +62."
            ),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(value: &str) -> Cell {
        Cell::Text(value.into())
    }

    #[test]
    fn sex_in_any_case_and_form() {
        for value in [
            "L",
            "l",
            "LK",
            "Laki-laki",
            "LAKI-LAKI",
            "laki laki",
            "Pria",
            "1",
        ] {
            assert_eq!(parse_sex(&text(value)), Ok(Some(Sex::Male)), "{value}");
        }
        for value in ["P", "p", "PR", "Perempuan", "PEREMPUAN", "Wanita", "2"] {
            assert_eq!(parse_sex(&text(value)), Ok(Some(Sex::Female)), "{value}");
        }
        assert_eq!(parse_sex(&Cell::Number(2.0)), Ok(Some(Sex::Female)));
        assert_eq!(parse_sex(&Cell::Empty), Ok(None));
        assert!(
            parse_sex(&text("X"))
                .err()
                .is_some_and(|p| p.reason_id.contains("\"X\" tidak dikenal"))
        );
    }

    #[test]
    fn relationship_as_number_or_name() {
        use Relationship as R;
        for (value, expected) in [
            ("1", R::Head),
            ("01", R::Head),
            ("KEPALA KELUARGA", R::Head),
            ("Kepala Keluarga", R::Head),
            ("ISTRI", R::Spouse),
            ("Suami", R::Spouse),
            ("Istri/Suami", R::Spouse),
            ("ANAK", R::Child),
            ("3 - Anak", R::Child),
            ("MENANTU", R::ChildInLaw),
            ("CUCU", R::Grandchild),
            ("ORANG TUA", R::ParentOrInLaw),
            ("MERTUA", R::ParentOrInLaw),
            ("PEMBANTU", R::HouseholdHelp),
            ("FAMILI LAIN", R::Other),
            ("Lainnya", R::Other),
            ("8", R::Other),
        ] {
            assert_eq!(
                parse_relationship(&text(value), RelationshipNumbering::Registry),
                Ok(Some(expected)),
                "{value}"
            );
        }
        assert_eq!(
            parse_relationship(&Cell::Number(5.0), RelationshipNumbering::Registry),
            Ok(Some(R::Grandchild))
        );
        assert!(parse_relationship(&text("9"), RelationshipNumbering::Registry).is_err());
        assert!(parse_relationship(&text("TETANGGA"), RelationshipNumbering::Registry).is_err());
        // The family card numbers a wife 3 and a parent-in-law 8.
        let kk = RelationshipNumbering::CivilRegistry;
        assert_eq!(parse_relationship(&text("3"), kk), Ok(Some(R::Spouse)));
        assert_eq!(
            parse_relationship(&Cell::Number(8.0), kk),
            Ok(Some(R::ParentOrInLaw))
        );
        assert_eq!(parse_relationship(&text("11"), kk), Ok(Some(R::Other)));
        assert_eq!(parse_relationship(&text("ISTRI"), kk), Ok(Some(R::Spouse)));
        let refused = parse_relationship(&text("12"), kk);
        assert!(
            refused
                .as_ref()
                .is_err_and(|problem| problem.reason_id.contains("1–11")),
            "{refused:?}"
        );
    }

    #[test]
    fn desil_and_neighbourhood_numbers() {
        assert_eq!(
            parse_desil(&Cell::Number(3.0)).map(|d| d.map(Desil::get)),
            Ok(Some(3))
        );
        assert_eq!(
            parse_desil(&text("Desil 2")).map(|d| d.map(Desil::get)),
            Ok(Some(2))
        );
        assert!(
            parse_desil(&text("11"))
                .err()
                .is_some_and(|p| p.reason_id == "Isian desil harus antara 1 dan 10; yang diisi 11.")
        );
        assert!(parse_desil(&text("miskin")).is_err());
        let rt = |cell: &Cell| {
            parse_neighbourhood(cell, NeighbourhoodUnit::Rt)
                .map(|n| n.map(NeighbourhoodNumber::get))
        };
        assert_eq!(rt(&Cell::Number(3.0)), Ok(Some(3)));
        assert_eq!(rt(&text("003")), Ok(Some(3)));
        assert_eq!(rt(&text("RT. 03")), Ok(Some(3)));
        assert!(rt(&text("0")).is_err());
        assert!(rt(&text("1000")).is_err());
        let both = parse_rt_rw(&text("001/002")).map(|(rt, rw)| {
            (
                rt.map(NeighbourhoodNumber::get),
                rw.map(NeighbourhoodNumber::get),
            )
        });
        assert_eq!(both, Ok((Some(1), Some(2))));
        assert!(parse_rt_rw(&text("001")).is_err());
        assert!(parse_rt_rw(&Cell::Number(1.2)).is_err());
    }

    #[test]
    fn programmes_by_name_abbreviation_or_code() {
        use ProgrammeKind as P;
        assert_eq!(
            parse_programmes(&text("BPNT, PKH dan KIS")),
            Ok(vec![P::Pkh, P::Bpnt, P::PbiJk])
        );
        assert_eq!(
            parse_programmes(&text("pkh;pbi_jk")),
            Ok(vec![P::Pkh, P::PbiJk])
        );
        assert_eq!(
            parse_programmes(&text("BLT DD / PKH")),
            Ok(vec![P::Pkh, P::BltDanaDesa])
        );
        assert_eq!(parse_programmes(&text("Tidak ada")), Ok(vec![]));
        assert_eq!(parse_programmes(&text("-")), Ok(vec![]));
        assert!(
            parse_programmes(&text("PKH, bansos X"))
                .err()
                .is_some_and(|p| p.reason_id.contains("bansos X"))
        );
    }

    #[test]
    fn phones_text_names_sources() {
        assert_eq!(
            parse_phone(&text("+62 812-3456-7890")),
            Ok(Some("081234567890".into()))
        );
        assert_eq!(
            parse_phone(&Cell::Number(81_234_567_890.0)),
            Ok(Some("081234567890".into()))
        );
        assert!(parse_phone(&text("12")).is_err());
        assert_eq!(
            parse_text(&text("  Blok   Kliwon \n No 3 "), 120),
            Ok(Some("Blok Kliwon No 3".into()))
        );
        assert!(parse_text(&text("abcdef"), 3).is_err());
        assert!(parse_name(&Cell::Number(3.0), 120).is_err());
        assert_eq!(
            parse_source(&text("dtsen")),
            Ok(Some(RegistrySource::Dtsen))
        );
        assert!(parse_source(&text("bdt")).is_err());
        assert_eq!(
            parse_registry_id(&Cell::Number(12345.0))
                .map(|id| id.map(|id| id.as_str().to_string())),
            Ok(Some("12345".into()))
        );
    }
}
