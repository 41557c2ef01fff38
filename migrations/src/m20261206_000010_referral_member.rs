//! The member of the family a referral is for (the patient, the pupil): a
//! referral names the case's head of family when it is for the family as a
//! whole, and one member when it is for them. Referrals stored before it have
//! none (for the family).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Referrals {
    Table,
    MemberId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Referrals::Table)
                    .add_column(big_integer_null(Referrals::MemberId))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Referrals::Table)
                    .drop_column(Referrals::MemberId)
                    .to_owned(),
            )
            .await
    }
}
