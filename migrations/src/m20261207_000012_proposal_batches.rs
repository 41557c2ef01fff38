//! Flow B's last steps: the civil-registry match of a proposal's members
//! (padan Dukcapil, kept on the proposal) and the batches the district
//! approves and sends to Kemensos with their submission file (sealed).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ProposalBatches {
    Table,
    Id,
    Number,
    DistrictCode,
    State,
    Decree,
    Proposals,
    People,
    RatifiedBy,
    RatifiedAt,
    SubmittedBy,
    SubmittedAt,
    FileSealed,
    CreatedAt,
    UpdatedAt,
    Version,
}

#[derive(DeriveIden)]
enum Proposals {
    Table,
    BatchId,
    CivilMatch,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ProposalBatches::Table)
                    .col(big_pk_auto(ProposalBatches::Id))
                    .col(string_len(ProposalBatches::Number, 40))
                    .col(string_len(ProposalBatches::DistrictCode, 13))
                    .col(string_len(ProposalBatches::State, 20))
                    .col(string_len(ProposalBatches::Decree, 120))
                    .col(integer(ProposalBatches::Proposals))
                    .col(integer(ProposalBatches::People).default(0))
                    .col(big_integer_null(ProposalBatches::RatifiedBy))
                    .col(timestamp_with_time_zone(ProposalBatches::RatifiedAt))
                    .col(big_integer_null(ProposalBatches::SubmittedBy))
                    .col(timestamp_with_time_zone_null(ProposalBatches::SubmittedAt))
                    .col(text_null(ProposalBatches::FileSealed))
                    .col(timestamp_with_time_zone(ProposalBatches::CreatedAt))
                    .col(timestamp_with_time_zone(ProposalBatches::UpdatedAt))
                    .col(integer(ProposalBatches::Version).default(1))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_proposal_batches_number")
                    .table(ProposalBatches::Table)
                    .col(ProposalBatches::Number)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_proposal_batches_district")
                    .table(ProposalBatches::Table)
                    .col(ProposalBatches::DistrictCode)
                    .to_owned(),
            )
            .await?;
        // One column per statement: SQLite alters a table one column at a time.
        manager
            .alter_table(
                Table::alter()
                    .table(Proposals::Table)
                    .add_column(big_integer_null(Proposals::BatchId))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Proposals::Table)
                    .add_column(text_null(Proposals::CivilMatch))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [Proposals::CivilMatch, Proposals::BatchId] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Proposals::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .drop_table(Table::drop().table(ProposalBatches::Table).to_owned())
            .await
    }
}
