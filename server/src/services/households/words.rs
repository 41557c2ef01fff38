//! The words of the names of the people who count in their family, kept with
//! their sub-district and birth date (`member_words`), so that the look-up of
//! people likely registered twice reads only those who share a word with the
//! person typed: every likely pair shares one (see [`shared::names::likeness`]).
//!
//! Every write that settles its counters ([`crate::services::stats::Touch`])
//! brings the words of the households it noted in step with their members
//! (registration, editing, life events, a pecah KK, a move, a merge, a
//! registry proposal applied). When a sub-district's words change, its count
//! of changes goes up, so that its likely pairs are computed again for the
//! district's list (see `duplicates`).

use std::collections::{BTreeSet, HashSet};

use chrono::{Duration, NaiveDate};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, NotSet, QueryFilter, QuerySelect,
    Set,
};
use shared::duplicates::BIRTH_WINDOW_DAYS;
use shared::member::MemberRegistryStatus;

use crate::entities::{duplicate_scans, member_words, members};

/// Rows per statement (well under SQLite's limit on bound values).
const CHUNK: usize = 500;

/// A member as its words are made: id, sub-district, name key, birth date,
/// registry status.
type StoredMember = (i64, Option<String>, Option<String>, NaiveDate, String);

/// One word of a member's name where it is looked up.
pub(crate) type Word = (String, String, NaiveDate, i64);

/// The distinct word keys of a stored name key (`members.name_key`).
pub(crate) fn stored_words(key: &str) -> BTreeSet<&str> {
    key.split_whitespace().collect()
}

/// Whether a stored registry status still counts in the family (not dead,
/// listed twice or moved out): only such people are looked for.
pub(crate) fn counts(status: &str) -> bool {
    MemberRegistryStatus::from_code(status).is_none_or(MemberRegistryStatus::counts_in_family)
}

/// The words of one member, as stored: none when they no longer count in the
/// family or have no sub-district or name key yet.
pub(crate) fn words_of(
    id: i64,
    subdistrict: Option<&str>,
    key: Option<&str>,
    birth: NaiveDate,
    status: &str,
) -> Vec<Word> {
    let (Some(subdistrict), Some(key)) = (subdistrict, key) else {
        return Vec::new();
    };
    if !counts(status) {
        return Vec::new();
    }
    stored_words(key)
        .into_iter()
        .map(|word| (subdistrict.to_string(), word.to_string(), birth, id))
        .collect()
}

/// A word as a row to insert.
pub(crate) fn word_row((subdistrict, word, birth, member): &Word) -> member_words::ActiveModel {
    member_words::ActiveModel {
        subdistrict: Set(subdistrict.clone()),
        word: Set(word.clone()),
        birth_date: Set(*birth),
        member_id: Set(*member),
    }
}

/// Inserts these words (none already stored).
pub(crate) async fn insert_words<C: ConnectionTrait>(
    db: &C,
    words: Vec<member_words::ActiveModel>,
) -> Result<(), DbErr> {
    for chunk in words.chunks(CHUNK) {
        member_words::Entity::insert_many(chunk.to_vec())
            .on_conflict_do_nothing()
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// Brings the words of the members of `households` in step with them; counts
/// a change for every sub-district whose words changed.
pub(crate) async fn reindex<C: ConnectionTrait>(db: &C, households: &[i64]) -> Result<(), DbErr> {
    for chunk in households.chunks(CHUNK) {
        let people: Vec<StoredMember> = members::Entity::find()
            .select_only()
            .columns([
                members::Column::Id,
                members::Column::Subdistrict,
                members::Column::NameKey,
                members::Column::BirthDate,
                members::Column::RegistryStatus,
            ])
            .filter(members::Column::HouseholdId.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(db)
            .await?;
        let ids: Vec<i64> = people.iter().map(|p| p.0).collect();
        let mut stored: HashSet<Word> = HashSet::new();
        for ids in ids.chunks(CHUNK) {
            stored.extend(
                member_words::Entity::find()
                    .filter(member_words::Column::MemberId.is_in(ids.iter().copied()))
                    .all(db)
                    .await?
                    .into_iter()
                    .map(|w| (w.subdistrict, w.word, w.birth_date, w.member_id)),
            );
        }
        let wanted: HashSet<Word> = people
            .iter()
            .flat_map(|(id, subdistrict, key, birth, status)| {
                words_of(*id, subdistrict.as_deref(), key.as_deref(), *birth, status)
            })
            .collect();
        if stored == wanted {
            continue;
        }
        let changed: BTreeSet<&String> = stored
            .symmetric_difference(&wanted)
            .map(|(subdistrict, ..)| subdistrict)
            .collect();
        for (subdistrict, word, birth, member) in stored.difference(&wanted) {
            member_words::Entity::delete_many()
                .filter(member_words::Column::Subdistrict.eq(subdistrict.as_str()))
                .filter(member_words::Column::Word.eq(word.as_str()))
                .filter(member_words::Column::BirthDate.eq(*birth))
                .filter(member_words::Column::MemberId.eq(*member))
                .exec(db)
                .await?;
        }
        let new: Vec<member_words::ActiveModel> =
            wanted.difference(&stored).map(word_row).collect();
        insert_words(db, new).await?;
        for subdistrict in changed {
            count_change(db, subdistrict).await?;
        }
    }
    Ok(())
}

/// Counts one change to the people of `subdistrict`.
async fn count_change<C: ConnectionTrait>(db: &C, subdistrict: &str) -> Result<(), DbErr> {
    duplicate_scans::Entity::insert(duplicate_scans::ActiveModel {
        subdistrict: Set(subdistrict.to_string()),
        changes: Set(1),
        scanned_changes: NotSet,
        scanned_at: NotSet,
    })
    .on_conflict(
        OnConflict::column(duplicate_scans::Column::Subdistrict)
            .value(
                duplicate_scans::Column::Changes,
                Expr::col((duplicate_scans::Entity, duplicate_scans::Column::Changes)).add(1),
            )
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Counts a change for every sub-district with people (after rows written
/// in bulk, bypassing the services).
pub(crate) async fn count_every_change<C: ConnectionTrait>(db: &C) -> Result<(), DbErr> {
    db.execute_unprepared(
        "INSERT INTO duplicate_scans (subdistrict, changes) \
         SELECT DISTINCT subdistrict, 1 FROM members WHERE subdistrict IS NOT NULL \
         ON CONFLICT (subdistrict) DO UPDATE SET changes = duplicate_scans.changes + 1",
    )
    .await?;
    Ok(())
}

/// The members of `subdistrict` who count in their family and share a word
/// of their name with one of the `typed` people (their name's keys and birth
/// date) born within a year of them: one statement for a whole family, each
/// person a range read of the key per word (the sub-district, the word, then
/// the birth dates of the window).
pub(crate) async fn sharing_a_word<C: ConnectionTrait>(
    db: &C,
    subdistrict: &str,
    typed: &[(Vec<String>, NaiveDate)],
) -> Result<Vec<i64>, DbErr> {
    let window = Duration::days(BIRTH_WINDOW_DAYS);
    let mut anyone = Condition::any();
    for (keys, birth) in typed {
        let words: BTreeSet<&str> = keys.iter().map(String::as_str).collect();
        if words.is_empty() {
            continue;
        }
        anyone = anyone.add(
            Condition::all()
                .add(member_words::Column::Word.is_in(words))
                .add(member_words::Column::BirthDate.between(*birth - window, *birth + window)),
        );
    }
    if anyone.is_empty() {
        return Ok(Vec::new());
    }
    let found: BTreeSet<i64> = member_words::Entity::find()
        .select_only()
        .column(member_words::Column::MemberId)
        .filter(member_words::Column::Subdistrict.eq(subdistrict))
        .filter(anyone)
        .into_tuple::<i64>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    Ok(found.into_iter().collect())
}
