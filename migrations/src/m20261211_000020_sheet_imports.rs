//! Spreadsheets imported from the browser (issue 21): `sheet_imports` keeps
//! each upload (the file under the files folder, its hash, the district it is
//! for, the mapping chosen, what checking and importing found) and
//! `sheet_mappings` remembers the mapping a district chose for a layout of
//! columns, so that next month's file of the same shape is mapped already.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    big_integer, big_integer_null, big_pk_auto, integer, integer_null, string_len, string_len_null,
    text, text_null, timestamp_with_time_zone,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SheetImports {
    Table,
    Id,
    DistrictCode,
    Destination,
    FileName,
    FileSha256,
    FileBytes,
    StoredName,
    State,
    HeaderRow,
    Sheet,
    Encoding,
    Fields,
    Fingerprint,
    Survey,
    Result,
    Failure,
    RegistryImportId,
    UploadedBy,
    UploadedAt,
    UpdatedAt,
    Version,
}

#[derive(DeriveIden)]
enum SheetMappings {
    Table,
    DistrictCode,
    Fingerprint,
    Fields,
    SavedBy,
    SavedAt,
}

const SAME_FILE_INDEX: &str = "idx_sheet_imports_district_sha";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(SheetImports::Table)
                    .col(big_pk_auto(SheetImports::Id))
                    .col(string_len(SheetImports::DistrictCode, 20))
                    .col(string_len(SheetImports::Destination, 20))
                    .col(string_len(SheetImports::FileName, 255))
                    .col(string_len(SheetImports::FileSha256, 64))
                    .col(big_integer(SheetImports::FileBytes))
                    .col(string_len(SheetImports::StoredName, 120))
                    .col(string_len(SheetImports::State, 20))
                    .col(big_integer_null(SheetImports::HeaderRow))
                    .col(integer_null(SheetImports::Sheet))
                    .col(string_len_null(SheetImports::Encoding, 20))
                    .col(text_null(SheetImports::Fields))
                    .col(string_len_null(SheetImports::Fingerprint, 64))
                    .col(text_null(SheetImports::Survey))
                    .col(text_null(SheetImports::Result))
                    .col(text_null(SheetImports::Failure))
                    .col(big_integer_null(SheetImports::RegistryImportId))
                    .col(big_integer(SheetImports::UploadedBy))
                    .col(timestamp_with_time_zone(SheetImports::UploadedAt))
                    .col(timestamp_with_time_zone(SheetImports::UpdatedAt))
                    .col(integer(SheetImports::Version))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(SAME_FILE_INDEX)
                    .table(SheetImports::Table)
                    .col(SheetImports::DistrictCode)
                    .col(SheetImports::FileSha256)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SheetMappings::Table)
                    .col(string_len(SheetMappings::DistrictCode, 20))
                    .col(string_len(SheetMappings::Fingerprint, 64))
                    .col(text(SheetMappings::Fields))
                    .col(big_integer(SheetMappings::SavedBy))
                    .col(timestamp_with_time_zone(SheetMappings::SavedAt))
                    .primary_key(
                        Index::create()
                            .col(SheetMappings::DistrictCode)
                            .col(SheetMappings::Fingerprint),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(SheetMappings::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(SheetImports::Table).to_owned())
            .await
    }
}
