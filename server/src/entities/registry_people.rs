//! `registry_people`: A person of a registry family.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "registry_people")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub registry_id: String,
    pub nik_hash: String,
    pub nik_sealed: String,
    pub nik_masked: String,
    pub name: String,
    pub relationship: i16,
    pub import_id: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
