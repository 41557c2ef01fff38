//! `member_words`: one row per word key of a member's name, with the
//! member's sub-district and birth date, for the look-up of people likely
//! registered twice. Kept in step with `members` by every write that settles
//! its counters (see `services::households::words`).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "member_words")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub subdistrict: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub word: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub birth_date: Date,
    #[sea_orm(primary_key, auto_increment = false)]
    pub member_id: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
