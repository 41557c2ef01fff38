//! `home_visits`: The home visit (verivali) of a registry proposal.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "home_visits")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub proposal_id: i64,
    pub village_code: String,
    /// A `VisitState` code.
    pub state: String,
    /// The form as typed, a `shared::visit::VisitDraft` as JSON.
    pub draft: String,
    pub visited_on: Option<Date>,
    pub saved_by: Option<i64>,
    pub finished_by: Option<i64>,
    pub finished_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
