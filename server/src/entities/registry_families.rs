//! `registry_families`: A family of the district's registry slice (DTKS/DTSEN), upserted by registry id.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "registry_families")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub registry_id: String,
    pub source: String,
    pub kk_hash: String,
    pub kk_sealed: String,
    pub kk_masked: String,
    pub head_name: String,
    pub village_code: String,
    pub address: Option<String>,
    /// RT and RW as three digits (`003`), and the dusun, when the file gave them.
    pub rt: Option<String>,
    pub rw: Option<String>,
    pub dusun: Option<String>,
    pub desil: i16,
    /// JSON array of `ProgrammeKind` codes received.
    pub programmes: String,
    pub import_id: Option<i64>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
