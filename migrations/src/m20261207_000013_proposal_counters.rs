//! The dashboards count registry proposals by kind and the days from a
//! proposal to its sending (`proposal_kind`, `send_days`): the proposals'
//! batch is looked up by index, and the portal counts every figure again
//! from the records once this migration is applied (`server::db::migrate`).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Proposals {
    Table,
    BatchId,
}

const INDEX: &str = "idx_proposals_batch";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name(INDEX)
                    .table(Proposals::Table)
                    .col(Proposals::BatchId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(Index::drop().name(INDEX).table(Proposals::Table).to_owned())
            .await
    }
}
