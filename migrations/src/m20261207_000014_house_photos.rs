//! The photo of a house's front taken at the home visit (verivali): one per
//! household, the latest kept, stored in the database like a meeting's
//! minutes (never in a served folder), without the metadata a phone writes.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum HousePhotos {
    Table,
    HouseholdId,
    Content,
    ContentType,
    SizeBytes,
    Sha256,
    UploadedBy,
    UploadedAt,
}

#[derive(DeriveIden)]
enum Households {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(HousePhotos::Table)
                    .col(big_integer(HousePhotos::HouseholdId).primary_key())
                    .col(blob(HousePhotos::Content))
                    .col(string_len(HousePhotos::ContentType, 40))
                    .col(big_integer(HousePhotos::SizeBytes))
                    .col(string_len(HousePhotos::Sha256, 64))
                    .col(big_integer_null(HousePhotos::UploadedBy))
                    .col(timestamp_with_time_zone(HousePhotos::UploadedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_house_photos_household")
                            .from(HousePhotos::Table, HousePhotos::HouseholdId)
                            .to(Households::Table, Households::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(HousePhotos::Table).to_owned())
            .await
    }
}
