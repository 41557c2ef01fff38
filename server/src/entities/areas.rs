//! `areas`: Kemendagri administrative areas (province, district, sub-district, village).

use sea_orm::entity::prelude::*;

// Level numbers stored in `areas.level` and `area_stats.level` (a SMALLINT: compare
// it with these `i16` constants only, never an integer literal, which binds as a
// 4-byte integer and breaks PostgreSQL's cached statement of the same query).
/// Level of a province.
pub const LEVEL_PROVINCE: i16 = 1;
/// Level of a district (kabupaten/kota).
pub const LEVEL_DISTRICT: i16 = 2;
/// Level of a sub-district (kecamatan).
pub const LEVEL_SUBDISTRICT: i16 = 3;
/// Level of a village (desa/kelurahan).
pub const LEVEL_VILLAGE: i16 = 4;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "areas")]
pub struct Model {
    /// Dotted Kemendagri code, e.g. `32.09.01.2008`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub code: String,
    pub parent_code: Option<String>,
    /// 1 province, 2 district (kabupaten/kota), 3 sub-district (kecamatan), 4 village.
    pub level: i16,
    pub name: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
