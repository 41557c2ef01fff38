//! `proposals`: A registry proposal (usulan, flow B).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "proposals")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub household_id: i64,
    pub village_code: String,
    pub kind: String,
    pub source: String,
    /// A `ProposalStage` code.
    pub stage: String,
    /// The change asked for, a `ProposalChange` as JSON (none before it was recorded).
    pub change: Option<String>,
    /// The batch the district approved it in (from pengesahan on).
    pub batch_id: Option<i64>,
    /// The civil-registry match of its members, a `CivilMatch` as JSON (from padan Dukcapil on).
    pub civil_match: Option<String>,
    pub created_by: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
