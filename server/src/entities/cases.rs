//! `cases`: A service case (flow A): one visit with one or more complaints.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "cases")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub number: String,
    pub household_id: i64,
    /// The household village when the case was opened; scopes access.
    pub village_code: String,
    pub channel: String,
    /// A `CaseState` code.
    pub state: String,
    /// An `EscalationLevel` code.
    pub level: String,
    pub close_reason: Option<String>,
    pub opened_on: Date,
    pub due_on: Date,
    pub opened_by: Option<i64>,
    pub assigned_to: Option<i64>,
    pub closed_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
