//! Foundation schema: administrative areas, users and their role assignments,
//! server-side sessions and the audit log.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Areas {
    Table,
    Code,
    ParentCode,
    Level,
    Name,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    Username,
    FullName,
    PasswordHash,
    Disabled,
    CreatedAt,
    UpdatedAt,
    Version,
}

#[derive(DeriveIden)]
enum UserAssignments {
    Table,
    Id,
    UserId,
    Role,
    AreaCode,
    InstitutionId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    Id,
    UserId,
    AssignmentId,
    CreatedAt,
    LastSeenAt,
    ExpiresAt,
    ClientAddress,
}

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    Id,
    At,
    ActorUserId,
    Action,
    ObjectType,
    ObjectId,
    AreaCode,
    ClientAddress,
    Outcome,
    Detail,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Areas::Table)
                    .col(string_len(Areas::Code, 13).primary_key())
                    .col(string_len_null(Areas::ParentCode, 13))
                    .col(small_integer(Areas::Level))
                    .col(string_len(Areas::Name, 120))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_areas_parent_code")
                    .table(Areas::Table)
                    .col(Areas::ParentCode)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_areas_level_code")
                    .table(Areas::Table)
                    .col(Areas::Level)
                    .col(Areas::Code)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Users::Table)
                    .col(big_pk_auto(Users::Id))
                    .col(string_len_uniq(Users::Username, 64))
                    .col(string_len(Users::FullName, 120))
                    .col(string_len(Users::PasswordHash, 255))
                    .col(boolean(Users::Disabled).default(false))
                    .col(timestamp_with_time_zone(Users::CreatedAt))
                    .col(timestamp_with_time_zone(Users::UpdatedAt))
                    .col(integer(Users::Version).default(1))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(UserAssignments::Table)
                    .col(big_pk_auto(UserAssignments::Id))
                    .col(big_integer(UserAssignments::UserId))
                    .col(string_len(UserAssignments::Role, 32))
                    .col(string_len_null(UserAssignments::AreaCode, 13))
                    .col(big_integer_null(UserAssignments::InstitutionId))
                    .col(timestamp_with_time_zone(UserAssignments::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_user_assignments_user")
                            .from(UserAssignments::Table, UserAssignments::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_user_assignments_area")
                            .from(UserAssignments::Table, UserAssignments::AreaCode)
                            .to(Areas::Table, Areas::Code),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_user_assignments_user")
                    .table(UserAssignments::Table)
                    .col(UserAssignments::UserId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Sessions::Table)
                    .col(string_len(Sessions::Id, 64).primary_key())
                    .col(big_integer(Sessions::UserId))
                    .col(big_integer(Sessions::AssignmentId))
                    .col(timestamp_with_time_zone(Sessions::CreatedAt))
                    .col(timestamp_with_time_zone(Sessions::LastSeenAt))
                    .col(timestamp_with_time_zone(Sessions::ExpiresAt))
                    .col(string_len_null(Sessions::ClientAddress, 64))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_sessions_user")
                            .from(Sessions::Table, Sessions::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_sessions_user")
                    .table(Sessions::Table)
                    .col(Sessions::UserId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(AuditLog::Table)
                    .col(big_pk_auto(AuditLog::Id))
                    .col(timestamp_with_time_zone(AuditLog::At))
                    .col(big_integer_null(AuditLog::ActorUserId))
                    .col(string_len(AuditLog::Action, 64))
                    .col(string_len(AuditLog::ObjectType, 64))
                    .col(string_len_null(AuditLog::ObjectId, 64))
                    .col(string_len_null(AuditLog::AreaCode, 13))
                    .col(string_len_null(AuditLog::ClientAddress, 64))
                    .col(string_len(AuditLog::Outcome, 16))
                    .col(text_null(AuditLog::Detail))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_audit_log_at")
                    .table(AuditLog::Table)
                    .col(AuditLog::At)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_audit_log_actor_at")
                    .table(AuditLog::Table)
                    .col(AuditLog::ActorUserId)
                    .col(AuditLog::At)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            AuditLog::Table.into_iden(),
            Sessions::Table.into_iden(),
            UserAssignments::Table.into_iden(),
            Users::Table.into_iden(),
            Areas::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
