//! `proposal_batches`: proposals a district approved together (pengesahan) and sent to Kemensos with their submission file.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "proposal_batches")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The batch's number, e.g. `BU-3209-2026-0001`.
    pub number: String,
    pub district_code: String,
    /// A `BatchState` code.
    pub state: String,
    /// The district head's decree (SK) or approval letter number.
    pub decree: String,
    pub proposals: i32,
    pub people: i32,
    pub ratified_by: Option<i64>,
    pub ratified_at: DateTimeUtc,
    pub submitted_by: Option<i64>,
    pub submitted_at: Option<DateTimeUtc>,
    /// The submission file's rows (JSON), sealed with the data key: it holds whole NIKs.
    pub file_sealed: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
