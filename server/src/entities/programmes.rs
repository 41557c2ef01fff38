//! `programmes`: A programme or service of the catalogue (editable data).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "programmes")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub code: String,
    /// A `ProgrammeKind` code.
    pub kind: String,
    pub name: String,
    pub description: Option<String>,
    /// The `Sector` code of the need it answers.
    pub sector: String,
    /// JSON array of the `InstitutionKind` codes a referral for it goes to.
    pub institution_kinds: String,
    /// The institution that delivers it by default.
    pub institution_id: Option<i64>,
    /// Set for local programmes.
    pub area_code: Option<String>,
    pub active: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
