//! Cell keys for the dashboards' noise (`shared::cell_key`): every counter
//! keeps, beside its count, the sum of the keys of the records in it. Counters
//! stored before this migration have none (0) until `slrt stats-rebuild`
//! recounts them; figures then still carry noise, but cells made only of
//! older records share their key.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AreaStats {
    Table,
    KeySum,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(AreaStats::Table)
                    .add_column(big_integer(AreaStats::KeySum).default(0))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(AreaStats::Table)
                    .drop_column(AreaStats::KeySum)
                    .to_owned(),
            )
            .await
    }
}
