//! Serial numbers of cases and referrals per village and year, from a counter
//! row incremented inside the writing transaction (`number_counters`): the row
//! lock (PostgreSQL) or the write queue (SQLite) makes concurrent desks wait for
//! each other, so no two records ever take the same number.

use sea_orm::{ConnectionTrait, DbErr, SqlErr, Statement, Value};

/// How many numbers a write takes before giving up: more than one only where
/// records were numbered outside the counter.
pub const NUMBER_ATTEMPTS: usize = 20;

/// True when `error` is a unique-key clash.
pub fn is_unique_violation(error: &DbErr) -> bool {
    matches!(error.sql_err(), Some(SqlErr::UniqueConstraintViolation(_)))
}

/// The next number of `series` (1 for a new series). `existing` counts the
/// records the series already has, for a series numbered before its counter
/// existed (databases from before the counters, bulk seeds).
pub async fn next_in_series<C: ConnectionTrait>(
    db: &C,
    series: &str,
    existing: impl AsyncFnOnce() -> Result<u64, DbErr>,
) -> Result<u64, DbErr> {
    let backend = db.get_database_backend();
    let placeholder = |n: u32| match backend {
        sea_orm::DbBackend::Postgres => format!("${n}"),
        _ => "?".to_string(),
    };
    let bump = format!(
        "UPDATE number_counters SET last_serial = last_serial + 1 WHERE series = {} RETURNING last_serial",
        placeholder(1)
    );
    if let Some(row) = db
        .query_one_raw(Statement::from_sql_and_values(
            backend,
            bump,
            [Value::from(series)],
        ))
        .await?
    {
        return last_of(&row);
    }
    let first = existing().await? + 1;
    // Another transaction may create the row first: then this one continues from it.
    let create = format!(
        "INSERT INTO number_counters (series, last_serial) VALUES ({}, {}) \
         ON CONFLICT (series) DO UPDATE SET last_serial = number_counters.last_serial + 1 RETURNING last_serial",
        placeholder(1),
        placeholder(2)
    );
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            backend,
            create,
            [
                Value::from(series),
                Value::from(i64::try_from(first).unwrap_or(i64::MAX)),
            ],
        ))
        .await?
        .ok_or_else(|| DbErr::Custom(format!("no number returned for series {series}")))?;
    last_of(&row)
}

fn last_of(row: &sea_orm::QueryResult) -> Result<u64, DbErr> {
    let last: i64 = row.try_get("", "last_serial")?;
    u64::try_from(last).map_err(|_| DbErr::Custom(format!("negative serial number {last}")))
}
