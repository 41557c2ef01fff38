//! `members`: A member (anggota) of a household: NIK protected; the sensitive fields live in JSON details.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "members")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub household_id: i64,
    pub nik_hash: Option<String>,
    pub nik_sealed: Option<String>,
    pub nik_masked: Option<String>,
    pub name: String,
    /// The name's key for search (`shared::names::search_key`): spelling variants share it.
    pub name_key: Option<String>,
    /// The household's sub-district (`32.09.01`), kept beside the birth date for the
    /// look-up of people likely the same (`services::households::duplicates`).
    pub subdistrict: Option<String>,
    pub sex: String,
    pub birth_date: Date,
    pub relationship: i16,
    pub registry_status: String,
    /// JSON of `MemberDetails`.
    pub details: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl Model {
    /// Whether the member still counts in the family (a status not stored as
    /// deceased or listed twice).
    pub fn is_living(&self) -> bool {
        <shared::member::MemberRegistryStatus as shared::Coded>::from_code(&self.registry_status)
            .is_none_or(shared::member::MemberRegistryStatus::counts_in_family)
    }
}
