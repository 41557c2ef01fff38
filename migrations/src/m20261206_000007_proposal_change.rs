//! The change a registry proposal asks for (`shared::proposal_change::ProposalChange`
//! as JSON): which member leaves, who becomes head, which field is corrected,
//! which members move to a new family card. Proposals stored before it have
//! none (a new-family proposal needs nothing more).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Proposals {
    Table,
    Change,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Proposals::Table)
                    .add_column(text_null(Proposals::Change))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Proposals::Table)
                    .drop_column(Proposals::Change)
                    .to_owned(),
            )
            .await
    }
}
