//! Dashboard figures kept as counters per area: `area_stats` holds, for every
//! area (village, sub-district, district, province and the nation as `""`),
//! one count per metric and key (households by desil, cases by state, referrals
//! by programme and state ...). The services change these counters in the same
//! transaction as the records they summarise, so a dashboard reads a few
//! hundred rows instead of scanning the records.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AreaStats {
    Table,
    AreaCode,
    ParentCode,
    Level,
    Metric,
    K1,
    K2,
    Value,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AreaStats::Table)
                    // "" for the nation, otherwise a Kemendagri code.
                    .col(string_len(AreaStats::AreaCode, 13))
                    // The area one level up ("" for a province); NULL for the nation.
                    .col(string_len_null(AreaStats::ParentCode, 13))
                    // 0 nation, 1 province, 2 district, 3 sub-district, 4 village.
                    .col(small_integer(AreaStats::Level))
                    .col(string_len(AreaStats::Metric, 32))
                    .col(string_len(AreaStats::K1, 40).default(""))
                    .col(string_len(AreaStats::K2, 40).default(""))
                    .col(big_integer(AreaStats::Value).default(0))
                    .primary_key(
                        Index::create()
                            .col(AreaStats::AreaCode)
                            .col(AreaStats::Metric)
                            .col(AreaStats::K1)
                            .col(AreaStats::K2),
                    )
                    .to_owned(),
            )
            .await?;
        // Both indexes cover every column the dashboards read, so a
        // dashboard never touches the table itself: the children of an area,
        // and all areas of one level (the national comparison), by metric and key.
        for (name, first) in [
            ("idx_area_stats_parent", AreaStats::ParentCode),
            ("idx_area_stats_level", AreaStats::Level),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(AreaStats::Table)
                        .col(first)
                        .col(AreaStats::Metric)
                        .col(AreaStats::K1)
                        .col(AreaStats::AreaCode)
                        .col(AreaStats::K2)
                        .col(AreaStats::Value)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(AreaStats::Table).to_owned())
            .await
    }
}
