//! `sheet_mappings`: the mapping a district chose for a layout of columns,
//! proposed again for the next file with the same columns.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sheet_mappings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub district_code: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub fingerprint: String,
    /// Field codes, comma-separated, column A first.
    pub fields: String,
    /// How the layout numbers SHDK (a `RelationshipNumbering` code).
    pub relationship_numbering: String,
    pub saved_by: i64,
    pub saved_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
