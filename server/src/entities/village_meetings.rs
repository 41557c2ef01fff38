//! `village_meetings`: A village meeting (musdes/muskel) of flow B and its record.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "village_meetings")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub village_code: String,
    pub held_on: Date,
    pub place: String,
    pub village_head: String,
    /// `shared::meeting::Participant`s as JSON.
    pub participants: String,
    /// A `MeetingState` code.
    pub state: String,
    /// A `MinutesType` code, once the minutes are uploaded.
    pub minutes_type: Option<String>,
    pub minutes_size: Option<i64>,
    pub minutes_sha256: Option<String>,
    pub minutes_uploaded_at: Option<DateTimeUtc>,
    pub created_by: Option<i64>,
    pub approved_by: Option<i64>,
    pub approved_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
