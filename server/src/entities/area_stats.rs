//! `area_stats`: dashboard counters per area, metric and key (see `shared::dashboard::metric`).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "area_stats")]
pub struct Model {
    /// `""` for the nation, otherwise a Kemendagri code.
    #[sea_orm(primary_key, auto_increment = false)]
    pub area_code: String,
    /// The area one level up (`""` for a province); `None` for the nation.
    pub parent_code: Option<String>,
    /// 0 nation, 1 province, 2 district, 3 sub-district, 4 village.
    pub level: i16,
    #[sea_orm(primary_key, auto_increment = false)]
    pub metric: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub k1: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub k2: String,
    pub value: i64,
    /// The sum of the record keys behind `value` (`shared::cell_key`).
    pub key_sum: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
