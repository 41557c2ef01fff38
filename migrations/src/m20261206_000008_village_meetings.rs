//! Village meetings (musdes/muskel) of flow B as records of their own
//! (`shared::meeting`): the meeting, the proposals on its agenda with the
//! decision on each, and the signed minutes (kept in the database, outside any
//! served folder, so that every server of a deployment reads the same file and
//! a backup holds it).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum VillageMeetings {
    Table,
    Id,
    VillageCode,
    HeldOn,
    Place,
    VillageHead,
    Participants,
    State,
    MinutesType,
    MinutesSize,
    MinutesSha256,
    MinutesUploadedAt,
    CreatedBy,
    ApprovedBy,
    ApprovedAt,
    CreatedAt,
    UpdatedAt,
    Version,
}

#[derive(DeriveIden)]
enum VillageMeetingItems {
    Table,
    Id,
    MeetingId,
    ProposalId,
    Decision,
    Reason,
}

#[derive(DeriveIden)]
enum MeetingMinutes {
    Table,
    MeetingId,
    Content,
}

#[derive(DeriveIden)]
enum Proposals {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(VillageMeetings::Table)
                    .col(big_pk_auto(VillageMeetings::Id))
                    .col(string_len(VillageMeetings::VillageCode, 13))
                    .col(date(VillageMeetings::HeldOn))
                    .col(text(VillageMeetings::Place))
                    .col(text(VillageMeetings::VillageHead))
                    .col(text(VillageMeetings::Participants))
                    .col(string_len(VillageMeetings::State, 20))
                    .col(string_len_null(VillageMeetings::MinutesType, 10))
                    .col(big_integer_null(VillageMeetings::MinutesSize))
                    .col(string_len_null(VillageMeetings::MinutesSha256, 64))
                    .col(timestamp_with_time_zone_null(
                        VillageMeetings::MinutesUploadedAt,
                    ))
                    .col(big_integer_null(VillageMeetings::CreatedBy))
                    .col(big_integer_null(VillageMeetings::ApprovedBy))
                    .col(timestamp_with_time_zone_null(VillageMeetings::ApprovedAt))
                    .col(timestamp_with_time_zone(VillageMeetings::CreatedAt))
                    .col(timestamp_with_time_zone(VillageMeetings::UpdatedAt))
                    .col(integer(VillageMeetings::Version).default(1))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_village_meetings_village")
                    .table(VillageMeetings::Table)
                    .col(VillageMeetings::VillageCode)
                    .col(VillageMeetings::HeldOn)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(VillageMeetingItems::Table)
                    .col(big_pk_auto(VillageMeetingItems::Id))
                    .col(big_integer(VillageMeetingItems::MeetingId))
                    .col(big_integer(VillageMeetingItems::ProposalId))
                    .col(string_len_null(VillageMeetingItems::Decision, 20))
                    .col(text_null(VillageMeetingItems::Reason))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_village_meeting_items_meeting")
                            .from(VillageMeetingItems::Table, VillageMeetingItems::MeetingId)
                            .to(VillageMeetings::Table, VillageMeetings::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_village_meeting_items_proposal")
                            .from(VillageMeetingItems::Table, VillageMeetingItems::ProposalId)
                            .to(Proposals::Table, Proposals::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_village_meeting_items_meeting_proposal")
                    .table(VillageMeetingItems::Table)
                    .col(VillageMeetingItems::MeetingId)
                    .col(VillageMeetingItems::ProposalId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_village_meeting_items_proposal")
                    .table(VillageMeetingItems::Table)
                    .col(VillageMeetingItems::ProposalId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(MeetingMinutes::Table)
                    .col(big_integer(MeetingMinutes::MeetingId).primary_key())
                    .col(blob(MeetingMinutes::Content))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_meeting_minutes_meeting")
                            .from(MeetingMinutes::Table, MeetingMinutes::MeetingId)
                            .to(VillageMeetings::Table, VillageMeetings::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            MeetingMinutes::Table.into_iden(),
            VillageMeetingItems::Table.into_iden(),
            VillageMeetings::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
