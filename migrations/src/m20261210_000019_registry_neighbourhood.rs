//! A registry family keeps where in its village it lives as the district's
//! lists write it: RT and RW (three digits, `003`, as households keep them) and dusun
//! (lingkungan), read from the BNBA columns
//! of the file imported. Empty for families imported before, and for files
//! without those columns.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum RegistryFamilies {
    Table,
    Rt,
    Rw,
    Dusun,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite alters one column per statement.
        for column in [
            ColumnDef::new(RegistryFamilies::Rt)
                .string_len(3)
                .null()
                .to_owned(),
            ColumnDef::new(RegistryFamilies::Rw)
                .string_len(3)
                .null()
                .to_owned(),
            ColumnDef::new(RegistryFamilies::Dusun)
                .string_len(120)
                .null()
                .to_owned(),
        ] {
            let mut column = column;
            manager
                .alter_table(
                    Table::alter()
                        .table(RegistryFamilies::Table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            RegistryFamilies::Dusun,
            RegistryFamilies::Rw,
            RegistryFamilies::Rt,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(RegistryFamilies::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
