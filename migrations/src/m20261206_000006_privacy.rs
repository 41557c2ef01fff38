//! Privacy hardening:
//!
//! - masked numbers that cannot be rebuilt: a stored NIK mask shows no digit
//!   (`****************`), a No KK mask only its last four (`************0001`);
//! - sign-in failures remembered per account *and* address, so that failures
//!   from one place slow that place down without locking the account's owner out
//!   (the table already holds both columns; an index on the pair is added);
//! - idempotency keys scoped per user and kind: the services now store a hash of
//!   user, kind and key (no schema change); keys stored before are forgotten here
//!   (they only guard resends of the last minutes);
//! - what a session was opened with (browser), for the sessions list under Akun.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum LoginFailures {
    Table,
    Username,
    ClientAddress,
    At,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    UserAgent,
}

/// The statements that rewrite the stored masks (the same SQL on both engines).
const REMASK: [&str; 4] = [
    "UPDATE members SET nik_masked = '****************' WHERE nik_masked IS NOT NULL",
    "UPDATE registry_people SET nik_masked = '****************'",
    "UPDATE households SET kk_masked = '************' || substr(kk_masked, 13, 4) \
     WHERE length(kk_masked) = 16",
    "UPDATE registry_families SET kk_masked = '************' || substr(kk_masked, 13, 4) \
     WHERE length(kk_masked) = 16",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared("DELETE FROM idempotency_keys")
            .await?;
        for statement in REMASK {
            db.execute_unprepared(statement).await?;
        }
        manager
            .create_index(
                Index::create()
                    .name("idx_login_failures_pair")
                    .table(LoginFailures::Table)
                    .col(LoginFailures::Username)
                    .col(LoginFailures::ClientAddress)
                    .col(LoginFailures::At)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Sessions::Table)
                    .add_column(ColumnDef::new(Sessions::UserAgent).string_len(160).null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Sessions::Table)
                    .drop_column(Sessions::UserAgent)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("idx_login_failures_pair")
                    .table(LoginFailures::Table)
                    .to_owned(),
            )
            .await
    }
}
