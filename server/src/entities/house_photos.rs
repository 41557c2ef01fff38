//! `house_photos`: The photo of a house's front (verivali), metadata removed.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "house_photos")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub household_id: i64,
    pub content: Vec<u8>,
    /// A `PhotoType` code.
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub uploaded_by: Option<i64>,
    pub uploaded_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
