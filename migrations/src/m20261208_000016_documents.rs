//! Documents on a household's file (KK, KTP, SKTM, letters, house photos) in
//! the `attachments` table: the household every document belongs to (its
//! access and retention follow the household), the member it is about, and
//! its kind. The files themselves live on disk under their content hash.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Attachments {
    Table,
    HouseholdId,
    MemberId,
    Kind,
    Sha256,
}

const HOUSEHOLD_INDEX: &str = "idx_attachments_household";
const HASH_INDEX: &str = "idx_attachments_sha256";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters one thing at a time.
        for column in [
            ColumnDef::new(Attachments::HouseholdId)
                .big_integer()
                .null()
                .to_owned(),
            ColumnDef::new(Attachments::MemberId)
                .big_integer()
                .null()
                .to_owned(),
            ColumnDef::new(Attachments::Kind)
                .string_len(40)
                .null()
                .to_owned(),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Attachments::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        for (name, column) in [
            (HOUSEHOLD_INDEX, Attachments::HouseholdId),
            (HASH_INDEX, Attachments::Sha256),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(Attachments::Table)
                        .col(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for name in [HOUSEHOLD_INDEX, HASH_INDEX] {
            manager
                .drop_index(
                    Index::drop()
                        .name(name)
                        .table(Attachments::Table)
                        .to_owned(),
                )
                .await?;
        }
        for column in [
            Attachments::Kind,
            Attachments::MemberId,
            Attachments::HouseholdId,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Attachments::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
