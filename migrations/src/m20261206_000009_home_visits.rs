//! Home visits (verivali) of flow B (`shared::visit`): one per proposal, kept
//! as the draft of what was typed until it is finished.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum HomeVisits {
    Table,
    Id,
    ProposalId,
    VillageCode,
    State,
    Draft,
    VisitedOn,
    SavedBy,
    FinishedBy,
    FinishedAt,
    CreatedAt,
    UpdatedAt,
    Version,
}

#[derive(DeriveIden)]
enum Proposals {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(HomeVisits::Table)
                    .col(big_pk_auto(HomeVisits::Id))
                    .col(big_integer(HomeVisits::ProposalId))
                    .col(string_len(HomeVisits::VillageCode, 13))
                    .col(string_len(HomeVisits::State, 20))
                    .col(text(HomeVisits::Draft))
                    .col(date_null(HomeVisits::VisitedOn))
                    .col(big_integer_null(HomeVisits::SavedBy))
                    .col(big_integer_null(HomeVisits::FinishedBy))
                    .col(timestamp_with_time_zone_null(HomeVisits::FinishedAt))
                    .col(timestamp_with_time_zone(HomeVisits::CreatedAt))
                    .col(timestamp_with_time_zone(HomeVisits::UpdatedAt))
                    .col(integer(HomeVisits::Version).default(1))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_home_visits_proposal")
                            .from(HomeVisits::Table, HomeVisits::ProposalId)
                            .to(Proposals::Table, Proposals::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_home_visits_proposal")
                    .table(HomeVisits::Table)
                    .col(HomeVisits::ProposalId)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(HomeVisits::Table).to_owned())
            .await
    }
}
