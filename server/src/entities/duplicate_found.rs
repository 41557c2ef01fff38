//! `duplicate_found`: two members of different households of one
//! sub-district likely the same person, as last computed for the district's
//! duplicate list (lower household id first), with why and how sure.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "duplicate_found")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub subdistrict: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub member_a: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub member_b: i64,
    pub household_a: i64,
    pub household_b: i64,
    pub reason: String,
    pub score: i16,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
