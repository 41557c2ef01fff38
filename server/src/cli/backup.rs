//! `slrt backup <path>`: a consistent copy of a live SQLite database, made with `VACUUM INTO`
//! (safe while the portal runs). PostgreSQL is backed up with `pg_dump --format=custom` instead.

use std::path::Path;

use anyhow::{Context, bail};
use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection};

/// Why and how to back up PostgreSQL instead.
pub const POSTGRES_ADVICE: &str = "`slrt backup` copies SQLite databases only; back up PostgreSQL with \
     `pg_dump --format=custom --file slrt.dump <database>` (restore with `pg_restore`), \
     and keep a copy of the data key with it";

/// Writes a consistent copy of the database to `target` (a new file); returns its size in bytes.
pub async fn run(db: &DatabaseConnection, target: &Path) -> anyhow::Result<u64> {
    match db.get_database_backend() {
        DatabaseBackend::Sqlite => {}
        DatabaseBackend::Postgres => bail!("{POSTGRES_ADVICE}"),
        _ => bail!("`slrt backup` supports SQLite only"),
    }
    if target.exists() {
        bail!(
            "{} already exists; choose a new file name (a backup never overwrites)",
            target.display()
        );
    }
    let Some(text) = target.to_str() else {
        bail!("the backup path must be valid UTF-8: {}", target.display());
    };
    if text.is_empty() {
        bail!("name the backup file, e.g. `slrt backup backups/slrt-2026-11-23.db`");
    }
    if let Some(parent) = target.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create the folder {}", parent.display()))?;
    }
    db.execute_unprepared(&format!("VACUUM INTO {}", target_literal(text)))
        .await
        .with_context(|| format!("cannot write the backup to {}", target.display()))?;
    let size = std::fs::metadata(target)
        .with_context(|| format!("the backup {} was not written", target.display()))?
        .len();
    Ok(size)
}

/// The target as an SQL string literal holding a `file:` URI. The URI form (which the portal's
/// SQLite connections accept) lets `mode=rwc` ask for a file on disk even when the source is an
/// in-memory database, whose open flags `VACUUM INTO` would otherwise inherit. In the URI, `%`,
/// `?` and `#` are percent-encoded; in the literal, single quotes are doubled (VACUUM INTO takes
/// no bound parameters).
fn target_literal(path: &str) -> String {
    let mut uri = String::from("file:");
    for c in path.chars() {
        match c {
            '%' => uri.push_str("%25"),
            '?' => uri.push_str("%3F"),
            '#' => uri.push_str("%23"),
            other => uri.push(other),
        }
    }
    uri.push_str("?mode=rwc");
    format!("'{}'", uri.replace('\'', "''"))
}

#[cfg(test)]
mod tests {
    use super::target_literal;

    #[test]
    fn targets_are_quoted_and_uri_encoded() {
        assert_eq!(
            target_literal("/tmp/it's #1?.db"),
            "'file:/tmp/it''s %231%3F.db?mode=rwc'"
        );
        assert_eq!(target_literal("a%b"), "'file:a%25b?mode=rwc'");
    }
}
