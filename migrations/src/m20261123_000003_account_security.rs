//! Account security: a "must change password" flag on accounts (set by an
//! administrator's reset), failed sign-ins kept for throttling, and audit-log
//! indexes for the administrators' audit page.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    MustChangePassword,
}

#[derive(DeriveIden)]
enum LoginFailures {
    Table,
    Id,
    At,
    Username,
    ClientAddress,
}

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    At,
    Action,
    AreaCode,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column(boolean(Users::MustChangePassword).default(false))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(LoginFailures::Table)
                    .col(big_pk_auto(LoginFailures::Id))
                    .col(timestamp_with_time_zone(LoginFailures::At))
                    .col(string_len(LoginFailures::Username, 64))
                    .col(string_len_null(LoginFailures::ClientAddress, 64))
                    .to_owned(),
            )
            .await?;
        for (name, table, columns) in [
            (
                "idx_login_failures_username",
                LoginFailures::Table.into_iden(),
                [
                    LoginFailures::Username.into_iden(),
                    LoginFailures::At.into_iden(),
                ],
            ),
            (
                "idx_login_failures_address",
                LoginFailures::Table.into_iden(),
                [
                    LoginFailures::ClientAddress.into_iden(),
                    LoginFailures::At.into_iden(),
                ],
            ),
            (
                "idx_audit_log_action",
                AuditLog::Table.into_iden(),
                [AuditLog::Action.into_iden(), AuditLog::At.into_iden()],
            ),
            (
                "idx_audit_log_area",
                AuditLog::Table.into_iden(),
                [AuditLog::AreaCode.into_iden(), AuditLog::At.into_iden()],
            ),
        ] {
            let mut index = Index::create();
            index.name(name).table(table);
            for column in columns {
                index.col(column);
            }
            manager.create_index(index.to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, table) in [
            ("idx_audit_log_area", AuditLog::Table.into_iden()),
            ("idx_audit_log_action", AuditLog::Table.into_iden()),
        ] {
            manager
                .drop_index(Index::drop().name(name).table(table).to_owned())
                .await?;
        }
        manager
            .drop_table(Table::drop().table(LoginFailures::Table).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .drop_column(Users::MustChangePassword)
                    .to_owned(),
            )
            .await
    }
}
