//! `referrals`: A referral (rujukan) to a receiving institution.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "referrals")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub number: String,
    pub case_id: i64,
    pub complaint_id: Option<i64>,
    /// The member of the household it is for (`None`: the family as a whole).
    pub member_id: Option<i64>,
    pub programme_id: i64,
    pub institution_id: i64,
    /// A `ReferralState` code.
    pub state: String,
    pub issued_on: Date,
    pub due_on: Date,
    pub outcome_note: Option<String>,
    #[sea_orm(unique)]
    pub verification_code: String,
    pub consent_at: DateTimeUtc,
    /// Who gave consent (name of the resident).
    pub consent_by: String,
    pub consent_note: Option<String>,
    pub created_by: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
