//! `households`: A household (keluarga): No KK protected, address, registry link, housing and the rest as JSON details.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "households")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Keyed hash of the No KK, for exact lookup.
    pub kk_hash: String,
    /// The No KK encrypted with the data key.
    pub kk_sealed: String,
    pub kk_masked: String,
    pub head_name: String,
    pub village_code: String,
    pub dusun: Option<String>,
    pub rw: Option<String>,
    pub rt: Option<String>,
    pub street: Option<String>,
    pub registry_id: Option<String>,
    pub desil: Option<i16>,
    pub income_band: String,
    /// JSON of `HouseholdDetails`: housing, assets, programmes, photo flag.
    pub details: String,
    /// `active`, or `merged` into the household `merged_into`.
    pub status: String,
    /// The household this one was merged into (a family registered twice).
    pub merged_into: Option<i64>,
    pub created_by: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

/// The status of a record merged into another (`merged_into`).
pub const MERGED: &str = "merged";

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
