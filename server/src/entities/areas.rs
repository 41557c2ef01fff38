//! `areas`: Kemendagri administrative areas (province, district, sub-district, village).

use sea_orm::entity::prelude::*;

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
