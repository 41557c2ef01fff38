//! `slrt db-check`: is the database whole (after a crash, a kill, a restore)?
//! SQLite's own integrity and foreign-key checks, and on either engine the links
//! between records (no member without its household, no complaint without its
//! case, no idempotency key pointing at nothing ...), optionally with row counts.

use sea_orm::{ConnectionTrait, DatabaseBackend, DbErr, Statement};

/// Child table, its link column, the parent table.
const LINKS: [(&str, &str, &str); 17] = [
    ("members", "household_id", "households"),
    ("cases", "household_id", "households"),
    ("complaints", "case_id", "cases"),
    ("case_events", "case_id", "cases"),
    ("referrals", "case_id", "cases"),
    ("referral_events", "referral_id", "referrals"),
    ("enrolments", "household_id", "households"),
    ("household_events", "household_id", "households"),
    ("proposals", "household_id", "households"),
    ("proposal_events", "proposal_id", "proposals"),
    ("village_meeting_items", "meeting_id", "village_meetings"),
    ("village_meeting_items", "proposal_id", "proposals"),
    ("meeting_minutes", "meeting_id", "village_meetings"),
    ("home_visits", "proposal_id", "proposals"),
    ("sessions", "user_id", "users"),
    ("user_assignments", "user_id", "users"),
    ("idempotency_keys", "user_id", "users"),
];

/// Tables whose rows `--counts` reports.
pub const COUNTED: [&str; 12] = [
    "households",
    "members",
    "cases",
    "complaints",
    "referrals",
    "proposals",
    "registry_families",
    "registry_people",
    "registry_imports",
    "idempotency_keys",
    "number_counters",
    "audit_log",
];

/// What the check found.
#[derive(Debug, Default)]
pub struct Report {
    /// Every problem, one line each; empty when the database is whole.
    pub problems: Vec<String>,
    /// Rows of each table of [`COUNTED`], when asked for.
    pub counts: Vec<(&'static str, i64)>,
}

/// Checks the database; with `counts`, also counts the rows of [`COUNTED`].
pub async fn run<C: ConnectionTrait>(db: &C, counts: bool) -> Result<Report, DbErr> {
    let mut report = Report::default();
    if db.get_database_backend() == DatabaseBackend::Sqlite {
        for row in db
            .query_all_raw(Statement::from_string(
                DatabaseBackend::Sqlite,
                "PRAGMA integrity_check",
            ))
            .await?
        {
            let said: String = row.try_get_by_index(0)?;
            if said != "ok" {
                report.problems.push(format!("integrity_check: {said}"));
            }
        }
        let broken = db
            .query_all_raw(Statement::from_string(
                DatabaseBackend::Sqlite,
                "PRAGMA foreign_key_check",
            ))
            .await?;
        if !broken.is_empty() {
            report
                .problems
                .push(format!("foreign_key_check: {} rows", broken.len()));
        }
    }
    for (child, column, parent) in LINKS {
        let orphans = count(
            db,
            &format!(
                "SELECT COUNT(*) FROM {child} c LEFT JOIN {parent} p ON p.id = c.{column} WHERE p.id IS NULL"
            ),
        )
        .await?;
        if orphans > 0 {
            report
                .problems
                .push(format!("{orphans} rows of {child} point at no {parent}"));
        }
    }
    if counts {
        for table in COUNTED {
            report.counts.push((
                table,
                count(db, &format!("SELECT COUNT(*) FROM {table}")).await?,
            ));
        }
    }
    Ok(report)
}

async fn count<C: ConnectionTrait>(db: &C, sql: &str) -> Result<i64, DbErr> {
    let backend = db.get_database_backend();
    let row = db
        .query_one_raw(Statement::from_string(backend, sql.to_string()))
        .await?
        .ok_or_else(|| DbErr::Custom(format!("no answer to {sql}")))?;
    row.try_get_by_index(0)
}
