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

/// The next number of `series` (1 for a new series). `highest_stored` answers
/// the highest serial already stored in the series: asked after the counter
/// row is locked, it lets the counter skip numbers given outside it (databases
/// from before the counters, bulk seeds), so a number is never taken twice.
pub async fn next_in_series<C: ConnectionTrait>(
    db: &C,
    series: &str,
    highest_stored: impl AsyncFnOnce() -> Result<u64, DbErr>,
) -> Result<u64, DbErr> {
    // `$n` placeholders serve both engines (SQLite reads them by number too).
    let backend = db.get_database_backend();
    let statement =
        |text: &str, values: Vec<Value>| Statement::from_sql_and_values(backend, text, values);
    // Takes the counter row (and on PostgreSQL its lock until commit).
    let bumped = db
        .query_one_raw(statement(
            "UPDATE number_counters SET last_serial = last_serial + 1 WHERE series = $1 RETURNING last_serial",
            vec![Value::from(series)],
        ))
        .await?;
    let highest = highest_stored().await?;
    let next = match bumped {
        Some(row) => last_of(&row)?,
        None => {
            // Another transaction may create the row first: then this one continues from it.
            let row = db
                .query_one_raw(statement(
                    "INSERT INTO number_counters (series, last_serial) VALUES ($1, $2) \
                     ON CONFLICT (series) DO UPDATE SET last_serial = number_counters.last_serial + 1 \
                     RETURNING last_serial",
                    vec![Value::from(series), Value::from(as_i64(highest + 1))],
                ))
                .await?
                .ok_or_else(|| DbErr::Custom(format!("no number returned for series {series}")))?;
            last_of(&row)?
        }
    };
    if next > highest {
        return Ok(next);
    }
    db.execute_raw(statement(
        "UPDATE number_counters SET last_serial = $1 WHERE series = $2",
        vec![Value::from(as_i64(highest + 1)), Value::from(series)],
    ))
    .await?;
    Ok(highest + 1)
}

/// The serial at the end of `number` in `series` (0 for none).
pub fn serial_of(series: &str, number: Option<&str>) -> u64 {
    number
        .and_then(|number| number.strip_prefix(series))
        .and_then(|serial| serial.parse().ok())
        .unwrap_or(0)
}

fn as_i64(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

fn last_of(row: &sea_orm::QueryResult) -> Result<u64, DbErr> {
    let last: i64 = row.try_get("", "last_serial")?;
    u64::try_from(last).map_err(|_| DbErr::Custom(format!("negative serial number {last}")))
}

/// The highest number stored in `column` (a text column of numbers
/// `<series><serial>`, the serial zero-padded to five digits) under `series`:
/// one step down the column's unique index.
pub async fn highest_number<E, C>(db: &C, column: E::Column, series: &str) -> Result<u64, DbErr>
where
    E: sea_orm::EntityTrait,
    C: ConnectionTrait,
{
    use sea_orm::{ColumnTrait, QueryFilter, QueryOrder, QuerySelect};
    let highest: Option<String> = E::find()
        .select_only()
        .column(column)
        .filter(column.gte(series))
        .filter(column.lt(after_every(series)))
        .order_by_desc(column)
        .limit(1)
        .into_tuple()
        .one(db)
        .await?;
    Ok(serial_of(series, highest.as_deref()))
}

/// The first text after every text that starts with `prefix` (its last
/// character moved one on: `".../2026/"` → `".../20260"`).
fn after_every(prefix: &str) -> String {
    let mut chars: Vec<char> = prefix.chars().collect();
    if let Some(last) = chars.pop() {
        chars.push(char::from_u32(u32::from(last) + 1).unwrap_or(char::MAX));
    }
    chars.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serials_are_read_after_the_series() {
        assert_eq!(
            serial_of("SLRT/3209012008/2026/", Some("SLRT/3209012008/2026/00042")),
            42
        );
        assert_eq!(serial_of("SLRT/3209012008/2026/", None), 0);
        assert_eq!(serial_of("RJK/1/2026/", Some("RJK/1/2026/x")), 0);
    }

    #[test]
    fn a_series_is_a_range_of_text() {
        assert_eq!(
            after_every("SLRT/3209012008/2026/"),
            "SLRT/3209012008/20260"
        );
        assert!(
            "SLRT/3209012008/2026/99999".as_bytes()
                < after_every("SLRT/3209012008/2026/").as_bytes()
        );
    }
}
