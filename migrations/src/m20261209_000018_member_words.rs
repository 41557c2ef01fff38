//! Families registered twice are looked up by the words of a name. Each
//! member's name word keys are kept once per word with the sub-district and
//! the birth date (`member_words`), so that the look-up at registration reads
//! only the people of the sub-district who share a word with the person typed
//! and were born within a year of them (every likely pair shares a word).
//!
//! The district's list of likely pairs is kept per sub-district
//! (`duplicate_found`) with a count of the changes to the sub-district's
//! people (`duplicate_scans.changes`): the list is computed again only for
//! the sub-districts changed since it was last computed.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum MemberWords {
    Table,
    Subdistrict,
    Word,
    BirthDate,
    MemberId,
}

#[derive(DeriveIden)]
enum DuplicateScans {
    Table,
    Subdistrict,
    Changes,
    ScannedChanges,
    ScannedAt,
}

#[derive(DeriveIden)]
enum DuplicateFound {
    Table,
    Subdistrict,
    MemberA,
    MemberB,
    HouseholdA,
    HouseholdB,
    Reason,
    Score,
}

const BY_MEMBER: &str = "idx_member_words_member";

/// Every word of every member's name key (`members.name_key` holds the keys
/// with a space before, between and after them).
const FILL_SQLITE: &str = "WITH RECURSIVE split(id, subdistrict, birth_date, word, rest) AS ( \
     SELECT id, subdistrict, birth_date, '', ltrim(name_key) || ' ' FROM members \
     WHERE name_key IS NOT NULL AND subdistrict IS NOT NULL \
     AND registry_status NOT IN ('deceased', 'duplicate', 'moved_out') \
     UNION ALL \
     SELECT id, subdistrict, birth_date, substr(rest, 1, instr(rest, ' ') - 1), \
     ltrim(substr(rest, instr(rest, ' ') + 1)) FROM split WHERE instr(rest, ' ') > 0) \
     INSERT OR IGNORE INTO member_words (subdistrict, word, birth_date, member_id) \
     SELECT subdistrict, word, birth_date, id FROM split WHERE word <> ''";

const FILL_POSTGRES: &str = "INSERT INTO member_words (subdistrict, word, birth_date, member_id) \
     SELECT DISTINCT m.subdistrict, w.word, m.birth_date, m.id FROM members m \
     CROSS JOIN LATERAL unnest(string_to_array(trim(m.name_key), ' ')) AS w(word) \
     WHERE m.name_key IS NOT NULL AND m.subdistrict IS NOT NULL AND w.word <> '' \
     AND m.registry_status NOT IN ('deceased', 'duplicate', 'moved_out') \
     ON CONFLICT DO NOTHING";

/// A row for every sub-district with people, never scanned.
const SCANS: &str = "INSERT INTO duplicate_scans (subdistrict, changes) \
     SELECT DISTINCT subdistrict, 1 FROM members WHERE subdistrict IS NOT NULL";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(MemberWords::Table)
                    .col(
                        ColumnDef::new(MemberWords::Subdistrict)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(ColumnDef::new(MemberWords::Word).string().not_null())
                    .col(ColumnDef::new(MemberWords::BirthDate).date().not_null())
                    .col(
                        ColumnDef::new(MemberWords::MemberId)
                            .big_integer()
                            .not_null(),
                    )
                    .primary_key(
                        Index::create()
                            .col(MemberWords::Subdistrict)
                            .col(MemberWords::Word)
                            .col(MemberWords::BirthDate)
                            .col(MemberWords::MemberId),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(BY_MEMBER)
                    .table(MemberWords::Table)
                    .col(MemberWords::MemberId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(DuplicateScans::Table)
                    .col(
                        ColumnDef::new(DuplicateScans::Subdistrict)
                            .string_len(16)
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(DuplicateScans::Changes)
                            .big_integer()
                            .not_null()
                            .default(0),
                    )
                    .col(
                        ColumnDef::new(DuplicateScans::ScannedChanges)
                            .big_integer()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(DuplicateScans::ScannedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(DuplicateFound::Table)
                    .col(
                        ColumnDef::new(DuplicateFound::Subdistrict)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(DuplicateFound::MemberA)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(DuplicateFound::MemberB)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(DuplicateFound::HouseholdA)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(DuplicateFound::HouseholdB)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(DuplicateFound::Reason)
                            .string_len(32)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(DuplicateFound::Score)
                            .small_integer()
                            .not_null(),
                    )
                    .primary_key(
                        Index::create()
                            .col(DuplicateFound::Subdistrict)
                            .col(DuplicateFound::MemberA)
                            .col(DuplicateFound::MemberB),
                    )
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        let fill = match db.get_database_backend() {
            DbBackend::Postgres => FILL_POSTGRES,
            _ => FILL_SQLITE,
        };
        db.execute_unprepared(fill).await?;
        db.execute_unprepared(SCANS).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            DuplicateFound::Table.into_iden(),
            DuplicateScans::Table.into_iden(),
            MemberWords::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
