//! Counters for the numbers of cases and referrals, one row per series
//! (`SLRT/<village>/<year>/`, `RJK/<village>/<year>/`): a new record takes the
//! series' next number by incrementing its row in the writing transaction, so
//! two desks of one village saving at once wait for each other instead of
//! taking the same number.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum NumberCounters {
    Table,
    Series,
    LastSerial,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(NumberCounters::Table)
                    .col(string_len(NumberCounters::Series, 64).primary_key())
                    .col(big_integer(NumberCounters::LastSerial))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(NumberCounters::Table).to_owned())
            .await
    }
}
