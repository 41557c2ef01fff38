//! Families registered twice are found and merged. Each member keeps the
//! sub-district of its household (`members.subdistrict`, the area code's first
//! three parts), so that people likely the same are looked up by sub-district
//! and birth date on one index that holds what the look-up compares; a merged household points to the one it was
//! merged into (`households.merged_into`); and the SLRT manager's word that
//! two households are different families is kept (`duplicate_reviews`), so
//! that the pair leaves the district's duplicate list.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Members {
    Table,
    Subdistrict,
    BirthDate,
    NameKey,
    HouseholdId,
    RegistryStatus,
}

#[derive(DeriveIden)]
enum Households {
    Table,
    MergedInto,
}

#[derive(DeriveIden)]
enum DuplicateReviews {
    Table,
    HouseholdA,
    HouseholdB,
    ReviewedBy,
    ReviewedAt,
}

const INDEX: &str = "idx_members_subdistrict_birth";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Members::Table)
                    .add_column(ColumnDef::new(Members::Subdistrict).string_len(16).null())
                    .to_owned(),
            )
            .await?;
        // The sub-district of every member stored before: the household's
        // village code without its last part (`32.09.01.2001` → `32.09.01`).
        manager
            .get_connection()
            .execute_unprepared(
                "UPDATE members SET subdistrict = (SELECT substr(h.village_code, 1, 8) \
                 FROM households h WHERE h.id = members.household_id)",
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(INDEX)
                    .table(Members::Table)
                    .col(Members::Subdistrict)
                    .col(Members::BirthDate)
                    // What the look-up reads of each person, so that it reads
                    // the index alone (the name is read for those found only).
                    .col(Members::NameKey)
                    .col(Members::HouseholdId)
                    .col(Members::RegistryStatus)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Households::Table)
                    .add_column(ColumnDef::new(Households::MergedInto).big_integer().null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(DuplicateReviews::Table)
                    .col(
                        ColumnDef::new(DuplicateReviews::HouseholdA)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(DuplicateReviews::HouseholdB)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(DuplicateReviews::ReviewedBy)
                            .big_integer()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(DuplicateReviews::ReviewedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .primary_key(
                        Index::create()
                            .col(DuplicateReviews::HouseholdA)
                            .col(DuplicateReviews::HouseholdB),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(DuplicateReviews::Table).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Households::Table)
                    .drop_column(Households::MergedInto)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_index(Index::drop().name(INDEX).table(Members::Table).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Members::Table)
                    .drop_column(Members::Subdistrict)
                    .to_owned(),
            )
            .await
    }
}
