//! How a spreadsheet numbers SHDK (the relationship to the head): the
//! registry's 1–8 (`dtks`) or the family card's 1–11 (`dukcapil`), chosen in
//! the mapping step and remembered with the layout's mapping. Uploads and
//! mappings saved before read as the registry's numbering, as they were read.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SheetImports {
    Table,
    RelationshipNumbering,
}

#[derive(DeriveIden)]
enum SheetMappings {
    Table,
    RelationshipNumbering,
}

fn numbering<T: IntoIden>(column: T) -> ColumnDef {
    ColumnDef::new(column)
        .string_len(20)
        .not_null()
        .default("dtks")
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(SheetImports::Table)
                    .add_column(numbering(SheetImports::RelationshipNumbering))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(SheetMappings::Table)
                    .add_column(numbering(SheetMappings::RelationshipNumbering))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(SheetMappings::Table)
                    .drop_column(SheetMappings::RelationshipNumbering)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(SheetImports::Table)
                    .drop_column(SheetImports::RelationshipNumbering)
                    .to_owned(),
            )
            .await
    }
}
