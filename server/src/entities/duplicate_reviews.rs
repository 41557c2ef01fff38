//! `duplicate_reviews`: two households the SLRT manager found to be different
//! families (lower id first): the pair leaves the district's duplicate list.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "duplicate_reviews")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub household_a: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub household_b: i64,
    pub reviewed_by: Option<i64>,
    pub reviewed_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
