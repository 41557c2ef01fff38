//! Database connection and schema: SQLite (embedded default) or PostgreSQL.

use std::path::Path;
use std::time::Duration;

use migrations::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbErr};

/// Pages the SQLite log may hold before a commit moves them into the database itself.
pub const WAL_PAGES_BEFORE_CHECKPOINT: u32 = 20_000;

/// Opens the database named by `url`, creating a SQLite file (and its folder) if needed.
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    let url = normalise_sqlite_url(url)?;
    let mut options = ConnectOptions::new(url.clone());
    options
        .connect_timeout(Duration::from_secs(10))
        // Requests wait for a connection rather than fail (the server's own
        // admission limit keeps the wait short).
        .acquire_timeout(Duration::from_secs(30))
        .sqlx_logging(false);
    if url.starts_with("sqlite:") {
        // One writer at a time is SQLite's rule; a small pool avoids lock storms.
        options.max_connections(if url.contains(":memory:") { 1 } else { 8 });
        // Fresh connections of a pool each keep their own pragmas.
        options.map_sqlx_sqlite_opts(|opts| {
            opts.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
                // Pages move from the log into the database file in the
                // background (`services::housekeeping::spawn_checkpoints`), not in
                // the commit of whichever save crosses the default 1,000 pages;
                // this bound only acts if the background stops.
                .pragma(
                    "wal_autocheckpoint",
                    WAL_PAGES_BEFORE_CHECKPOINT.to_string(),
                )
        });
    } else {
        options.max_connections(16);
    }
    let db = Database::connect(options).await?;
    Ok(db)
}

/// Applies every pending migration.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    let pending: Vec<String> = Migrator::get_pending_migrations(db)
        .await?
        .iter()
        .map(|m| m.name().to_string())
        .collect();
    Migrator::up(db, None).await?;
    // A migration that changed what the dashboards count: count again (also
    // when the server stopped between that migration and its recount, which
    // left proposals without their newest counters).
    if pending
        .iter()
        .any(|name| RECOUNT_AFTER.contains(&name.as_str()))
        || newest_counters_missing(db).await?
    {
        let txn = sea_orm::TransactionTrait::begin(db).await?;
        crate::services::stats::rebuild(&txn).await?;
        txn.commit().await?;
    }
    fill_name_keys(db).await
}

/// Gives members stored before their names had search keys (or by an older
/// import) the key of their name, and its words for the look-up of families
/// registered twice (`member_words`), a batch at a time.
async fn fill_name_keys(db: &DatabaseConnection) -> Result<(), DbErr> {
    use crate::entities::members;
    use crate::services::households::words;
    use sea_orm::sea_query::Expr;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
    const BATCH: u64 = 1_000;
    type Unkeyed = (i64, String, Option<String>, chrono::NaiveDate, String);
    loop {
        let rows: Vec<Unkeyed> = members::Entity::find()
            .select_only()
            .columns([
                members::Column::Id,
                members::Column::Name,
                members::Column::Subdistrict,
                members::Column::BirthDate,
                members::Column::RegistryStatus,
            ])
            .filter(members::Column::NameKey.is_null())
            .limit(BATCH)
            .into_tuple()
            .all(db)
            .await?;
        if rows.is_empty() {
            return Ok(());
        }
        let txn = sea_orm::TransactionTrait::begin(db).await?;
        let mut new_words = Vec::new();
        for (id, name, subdistrict, birth, status) in &rows {
            let key = shared::names::search_key(name);
            members::Entity::update_many()
                .col_expr(members::Column::NameKey, Expr::value(key.clone()))
                .filter(members::Column::Id.eq(*id))
                .exec(&txn)
                .await?;
            new_words.extend(
                words::words_of(*id, subdistrict.as_deref(), Some(&key), *birth, status)
                    .iter()
                    .map(words::word_row),
            );
        }
        words::insert_words(&txn, new_words).await?;
        txn.commit().await?;
    }
}

/// Whether records exist that the newest counters would count, but none of
/// those counters do.
async fn newest_counters_missing(db: &DatabaseConnection) -> Result<bool, DbErr> {
    use crate::entities::{area_stats, proposals};
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    if proposals::Entity::find().one(db).await?.is_none() {
        return Ok(false);
    }
    Ok(area_stats::Entity::find()
        .filter(area_stats::Column::Metric.eq(shared::dashboard::metric::PROPOSAL_KINDS))
        .one(db)
        .await?
        .is_none())
}

/// Migrations after which the dashboard counters are counted again from the
/// records, because the portal counts something new.
const RECOUNT_AFTER: &[&str] = &["m20261207_000013_proposal_counters"];

/// True when the database answers a trivial query.
pub async fn is_ready(db: &DatabaseConnection) -> bool {
    db.execute_unprepared("SELECT 1").await.is_ok()
}

/// Makes `sqlite://path` create the file (and its parent folder) on first use.
/// Where documents are kept by default: `files/` beside a SQLite database
/// file, `data/files` for PostgreSQL or a database in memory.
pub fn files_dir_beside(url: &str) -> std::path::PathBuf {
    let beside = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .map(|rest| rest.split_once('?').map_or(rest, |(path, _)| path))
        .filter(|path| !path.is_empty() && *path != ":memory:")
        .map(|path| {
            Path::new(path)
                .parent()
                .unwrap_or_else(|| Path::new(""))
                .join("files")
        });
    beside.unwrap_or_else(|| Path::new("data").join("files"))
}

fn normalise_sqlite_url(url: &str) -> Result<String, DbErr> {
    let Some(rest) = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
    else {
        return Ok(url.to_string());
    };
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    if path.is_empty() || path == ":memory:" {
        return Ok(url.to_string());
    }
    if let Some(parent) = Path::new(path)
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
    {
        std::fs::create_dir_all(parent).map_err(|error| {
            DbErr::Custom(format!(
                "tidak dapat membuat folder basis data {}: {error}",
                parent.display()
            ))
        })?;
    }
    let query = if query.contains("mode=") {
        query.to_string()
    } else if query.is_empty() {
        "mode=rwc".to_string()
    } else {
        format!("{query}&mode=rwc")
    };
    Ok(format!("sqlite://{path}?{query}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_are_kept_beside_the_database_file() {
        for (url, dir) in [
            ("sqlite://data/slrt.db", "data/files"),
            ("sqlite:///tmp/e2e/e2e.db?mode=rwc", "/tmp/e2e/files"),
            ("sqlite:slrt.db", "files"),
            ("sqlite::memory:", "data/files"),
            ("postgres://slrt@localhost/slrt", "data/files"),
        ] {
            assert_eq!(files_dir_beside(url), Path::new(dir), "{url}");
        }
    }

    #[test]
    fn sqlite_urls_gain_create_mode() {
        assert_eq!(
            normalise_sqlite_url("sqlite::memory:").ok().as_deref(),
            Some("sqlite::memory:")
        );
        let dir = std::env::temp_dir().join("slrt-db-url-test");
        let url = format!("sqlite://{}/x.db", dir.display());
        assert_eq!(
            normalise_sqlite_url(&url).ok(),
            Some(format!("{url}?mode=rwc"))
        );
        assert!(dir.is_dir());
        assert_eq!(
            normalise_sqlite_url("postgres://u@h/db").ok().as_deref(),
            Some("postgres://u@h/db")
        );
    }
}
