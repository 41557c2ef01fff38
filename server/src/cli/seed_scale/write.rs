//! Ids and bulk inserts: the next free id of each table, multi-row inserts of a batch's
//! rows, PostgreSQL's sequences, and the registry import the synthetic records belong to.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseBackend, DbErr, EntityTrait, Iterable, Set,
    Statement,
};
use sha2::{Digest, Sha256};

use crate::entities::{
    case_events, cases, complaints, enrolments, households, member_words, members, referral_events,
    referrals, registry_families, registry_imports, registry_people,
};

/// The next free id of every table the seeds fill with explicit ids.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct NextIds {
    pub households: i64,
    pub members: i64,
    pub registry_people: i64,
    pub enrolments: i64,
    pub cases: i64,
    pub complaints: i64,
    pub case_events: i64,
    pub referrals: i64,
    pub referral_events: i64,
    pub proposals: i64,
    pub proposal_events: i64,
}

/// Tables whose ids the seeds set themselves (PostgreSQL sequences must follow).
pub(crate) const ID_TABLES: [&str; 11] = [
    "households",
    "members",
    "registry_people",
    "enrolments",
    "cases",
    "complaints",
    "case_events",
    "referrals",
    "referral_events",
    "proposals",
    "proposal_events",
];

pub(crate) async fn max_id<C: ConnectionTrait>(db: &C, table: &str) -> Result<i64, DbErr> {
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            format!("SELECT COALESCE(MAX(id), 0) AS max_id FROM {table}"),
        ))
        .await?;
    match row {
        Some(row) => row.try_get::<i64>("", "max_id"),
        None => Ok(0),
    }
}

impl NextIds {
    pub(crate) async fn load<C: ConnectionTrait>(db: &C) -> Result<NextIds, DbErr> {
        let mut next = [0i64; 11];
        for (slot, table) in next.iter_mut().zip(ID_TABLES) {
            *slot = max_id(db, table).await? + 1;
        }
        let [
            households,
            members,
            registry_people,
            enrolments,
            cases,
            complaints,
            case_events,
            referrals,
            referral_events,
            proposals,
            proposal_events,
        ] = next;
        Ok(NextIds {
            households,
            members,
            registry_people,
            enrolments,
            cases,
            complaints,
            case_events,
            referrals,
            referral_events,
            proposals,
            proposal_events,
        })
    }
}

/// Takes the next id from a counter.
pub(crate) fn take(counter: &mut i64) -> i64 {
    let id = *counter;
    *counter += 1;
    id
}

/// After rows were written with explicit ids, moves PostgreSQL's id sequences past them.
pub(crate) async fn sync_sequences<C: ConnectionTrait>(
    db: &C,
    tables: &[&str],
) -> Result<(), DbErr> {
    if db.get_database_backend() != DatabaseBackend::Postgres {
        return Ok(());
    }
    for table in tables {
        db.execute_unprepared(&format!(
            "SELECT setval(pg_get_serial_sequence('{table}', 'id'), \
             (SELECT COALESCE(MAX(id), 0) + 1 FROM {table}), false)"
        ))
        .await?;
    }
    Ok(())
}

/// Writes rows with multi-row INSERTs of at most `max_rows` rows (and within the bind limits).
pub(crate) async fn insert_all<A, C>(db: &C, rows: Vec<A>, max_rows: usize) -> Result<(), DbErr>
where
    A: ActiveModelTrait + Send,
    C: ConnectionTrait,
{
    let columns = <<A::Entity as EntityTrait>::Column as Iterable>::iter().count();
    // SQLite binds at most 32,766 values per statement, PostgreSQL 65,535.
    let per_statement = (30_000 / columns.max(1)).clamp(1, max_rows.max(1));
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<A> = rows.by_ref().take(per_statement).collect();
        A::Entity::insert_many(chunk)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// Rows of one batch, ready to insert in dependency order.
#[derive(Default)]
pub(crate) struct Rows {
    pub households: Vec<households::ActiveModel>,
    pub members: Vec<members::ActiveModel>,
    pub member_words: Vec<member_words::ActiveModel>,
    pub families: Vec<registry_families::ActiveModel>,
    pub people: Vec<registry_people::ActiveModel>,
    pub enrolments: Vec<enrolments::ActiveModel>,
    pub cases: Vec<cases::ActiveModel>,
    pub complaints: Vec<complaints::ActiveModel>,
    pub case_events: Vec<case_events::ActiveModel>,
    pub referrals: Vec<referrals::ActiveModel>,
    pub referral_events: Vec<referral_events::ActiveModel>,
}

impl Rows {
    pub(crate) async fn insert<C: ConnectionTrait>(
        self,
        db: &C,
        max_rows: usize,
    ) -> Result<(), DbErr> {
        insert_all(db, self.households, max_rows).await?;
        insert_all(db, self.members, max_rows).await?;
        insert_all(db, self.member_words, max_rows).await?;
        insert_all(db, self.families, max_rows).await?;
        insert_all(db, self.people, max_rows).await?;
        insert_all(db, self.enrolments, max_rows).await?;
        insert_all(db, self.cases, max_rows).await?;
        insert_all(db, self.complaints, max_rows).await?;
        insert_all(db, self.case_events, max_rows).await?;
        insert_all(db, self.referrals, max_rows).await?;
        insert_all(db, self.referral_events, max_rows).await
    }
}

/// Records the registry import the synthetic registry records belong to; returns its id.
pub(crate) async fn record_import<C: ConnectionTrait>(
    db: &C,
    label: &str,
    families: i64,
    at: DateTime<Utc>,
) -> Result<i64, DbErr> {
    let model = registry_imports::ActiveModel {
        file_name: Set(format!("dtsen-sintetis-{label}.csv")),
        file_sha256: Set(hex::encode(Sha256::digest(label.as_bytes()))),
        started_at: Set(at),
        finished_at: Set(Some(at)),
        rows_total: Set(families),
        rows_accepted: Set(families),
        rows_rejected: Set(0),
        status: Set("done".to_string()),
        imported_by: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(model.id)
}
