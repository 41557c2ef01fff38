//! The mapping of a sheet's columns to fields: proposed from the column names,
//! corrected by the user, and remembered by the layout's fingerprint.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::fields::{Field, field_for_header, normalise_header};
use super::header::Header;
use shared::sheet_import::RelationshipNumbering;

/// One column of the sheet and the field it is read as.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MappedColumn {
    /// 0 for column A.
    pub index: usize,
    /// The header as written in the file.
    pub header: String,
    pub field: Field,
    /// The field was proposed from a known column name (not chosen by hand).
    pub recognised: bool,
}

/// Which column holds which field. Each field but [`Field::Ignore`] is held by
/// one column at most.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mapping {
    columns: Vec<MappedColumn>,
    /// How the file numbers SHDK.
    #[serde(default)]
    numbering: RelationshipNumbering,
}

impl Mapping {
    /// The mapping proposed from the header's column names: each known name
    /// its field, a field named twice kept by its first column, every other
    /// column ignored.
    pub fn propose(header: &Header) -> Mapping {
        let mut mapping = Mapping {
            columns: Vec::with_capacity(header.columns.len()),
            numbering: RelationshipNumbering::default(),
        };
        for (index, name) in header.columns.iter().enumerate() {
            let field = field_for_header(name).unwrap_or(Field::Ignore);
            let taken = field != Field::Ignore && mapping.column_of(field).is_some();
            mapping.columns.push(MappedColumn {
                index,
                header: name.clone(),
                field: if taken { Field::Ignore } else { field },
                recognised: field != Field::Ignore && !taken,
            });
        }
        mapping
    }

    /// A mapping from fields chosen per column (remembered for this layout, or
    /// sent back by the mapping form), over the header's columns: missing
    /// entries are ignored columns, entries beyond the header are dropped, a
    /// field chosen twice is kept by its first column.
    pub fn from_fields(header: &Header, fields: &[Field]) -> Mapping {
        let mut mapping = Mapping::propose(header);
        for column in &mut mapping.columns {
            column.field = Field::Ignore;
            column.recognised = false;
        }
        for (index, field) in fields.iter().enumerate().take(header.columns.len()) {
            if mapping.column_of(*field).is_none() || *field == Field::Ignore {
                mapping.set(index, *field);
            }
        }
        mapping
    }

    /// Reads column `index` as `field`; a column that held `field` before is ignored now.
    pub fn set(&mut self, index: usize, field: Field) {
        if field != Field::Ignore {
            for column in &mut self.columns {
                if column.field == field && column.index != index {
                    column.field = Field::Ignore;
                    column.recognised = false;
                }
            }
        }
        if let Some(column) = self.columns.get_mut(index) {
            column.field = field;
            column.recognised = false;
        }
    }

    /// The mapping reading SHDK numbers in `numbering`.
    pub fn with_numbering(mut self, numbering: RelationshipNumbering) -> Mapping {
        self.numbering = numbering;
        self
    }

    /// How SHDK numbers are read.
    pub fn numbering(&self) -> RelationshipNumbering {
        self.numbering
    }

    /// Every column of the header, in order.
    pub fn columns(&self) -> &[MappedColumn] {
        &self.columns
    }

    /// The field of each column, in order (what is remembered for a layout).
    pub fn fields(&self) -> Vec<Field> {
        self.columns.iter().map(|column| column.field).collect()
    }

    /// The column holding `field`.
    pub fn column_of(&self, field: Field) -> Option<usize> {
        if field == Field::Ignore {
            return None;
        }
        self.columns
            .iter()
            .find(|column| column.field == field)
            .map(|column| column.index)
    }

    /// The fields of `required` that no column holds.
    pub fn missing(&self, required: &[Field]) -> Vec<Field> {
        required
            .iter()
            .copied()
            .filter(|field| *field != Field::Ignore && self.column_of(*field).is_none())
            .collect()
    }
}

/// The fingerprint of a layout: SHA-256 (hex) of the normalised column names
/// in order, from column A to the last named column. Sheets made from the same
/// template share it whatever their title rows say (another village's name)
/// and wherever their header row is, so a mapping chosen once can be
/// remembered per district and fingerprint.
pub fn layout_fingerprint(columns: &[String]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"slrt-sheet-layout-1");
    for name in columns {
        hasher.update([0x1f]);
        hasher.update(normalise_header(name).as_bytes());
    }
    hex::encode(hasher.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(names: &[&str]) -> Header {
        Header {
            row: 1,
            numbering_row: None,
            data_start: 2,
            titles: Vec::new(),
            columns: names.iter().map(|name| (*name).to_string()).collect(),
            recognised: 0,
            detected: true,
        }
    }

    #[test]
    fn a_field_is_held_by_one_column() {
        let header = header(&["NO", "NAMA", "Nama Lengkap", "Status", "NIK"]);
        let mut mapping = Mapping::propose(&header);
        assert_eq!(
            mapping.fields(),
            [
                Field::Ignore,
                Field::Name,
                Field::Ignore,
                Field::Ignore,
                Field::Nik
            ]
        );
        assert!(mapping.columns().get(1).is_some_and(|c| c.recognised));
        mapping.set(2, Field::Name);
        assert_eq!(mapping.column_of(Field::Name), Some(2));
        assert_eq!(
            mapping.columns().get(1).map(|c| c.field),
            Some(Field::Ignore)
        );
        assert_eq!(
            mapping.missing(&[Field::Name, Field::Sex, Field::Ignore]),
            [Field::Sex]
        );
        let remembered = Mapping::from_fields(
            &header,
            &[Field::Ignore, Field::Name, Field::Name, Field::Sex],
        );
        assert_eq!(
            remembered.fields(),
            [
                Field::Ignore,
                Field::Name,
                Field::Ignore,
                Field::Sex,
                Field::Ignore
            ]
        );
    }

    #[test]
    fn the_fingerprint_follows_the_names_not_their_spelling_details() {
        let a = layout_fingerprint(&["No".into(), "NIK".into(), "Nama".into()]);
        let b = layout_fingerprint(&["NO.".into(), "nik".into(), "NAMA".into()]);
        let c = layout_fingerprint(&["NIK".into(), "No".into(), "Nama".into()]);
        let d = layout_fingerprint(&["".into(), "No".into(), "NIK".into(), "Nama".into()]);
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_ne!(a, d);
        assert_eq!(a.len(), 64);
    }
}
