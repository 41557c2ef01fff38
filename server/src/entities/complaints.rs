//! `complaints`: A complaint or need recorded in a case.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "complaints")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub case_id: i64,
    pub member_id: Option<i64>,
    pub complaint_type: String,
    pub sector: String,
    pub description: String,
    pub channel: String,
    pub urgency: String,
    /// JSON array of `EvidenceDocument` codes.
    pub evidence: String,
    pub received_on: Date,
    pub due_on: Date,
    pub officer_user_id: Option<i64>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
