//! `duplicate_scans`: per sub-district, how many writes changed its people
//! (`changes`) and how many had when its likely pairs were last computed
//! (`scanned_changes`, with `scanned_at`); the pairs are computed again only
//! when the two differ.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "duplicate_scans")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub subdistrict: String,
    pub changes: i64,
    pub scanned_changes: Option<i64>,
    pub scanned_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
