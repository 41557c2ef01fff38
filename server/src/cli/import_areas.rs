//! `slrt import-areas <dir>`: loads the Kemendagri area codes from the
//! `idn-area-data` CSV files (provinces, regencies, districts, villages).
//! Idempotent: existing codes are updated, new ones inserted, in one transaction.

use std::path::Path;

use anyhow::{Context, bail};
use sea_orm::sea_query::OnConflict;
use sea_orm::{DatabaseConnection, EntityTrait, Set, TransactionTrait};

use crate::entities::areas;

/// The files of `idn-area-data`, with the level of their rows and their parent column.
const FILES: [(&str, i16, Option<&str>); 4] = [
    ("provinces.csv", 1, None),
    ("regencies.csv", 2, Some("province_code")),
    ("districts.csv", 3, Some("regency_code")),
    ("villages.csv", 4, Some("district_code")),
];

/// Rows per INSERT statement (SQLite allows 32,766 bound values; 4 per row).
const BATCH: usize = 1_000;

/// Row counts per level after an import.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub provinces: usize,
    pub districts: usize,
    pub subdistricts: usize,
    pub villages: usize,
}

/// True when at least one area is stored.
pub async fn has_areas(db: &DatabaseConnection) -> anyhow::Result<bool> {
    Ok(areas::Entity::find().one(db).await?.is_some())
}

/// Imports all four files from `dir`; the whole import is one transaction.
pub async fn run(db: &DatabaseConnection, dir: &Path) -> anyhow::Result<ImportReport> {
    let mut counts = [0usize; 4];
    let mut rows_per_file = Vec::with_capacity(FILES.len());
    for (file, level, parent_column) in FILES {
        let rows = read_file(&dir.join(file), level, parent_column)?;
        counts[usize::from(level.unsigned_abs()) - 1] = rows.len();
        rows_per_file.push(rows);
    }
    let txn = db.begin().await?;
    for rows in rows_per_file {
        for chunk in rows.chunks(BATCH) {
            areas::Entity::insert_many(chunk.iter().cloned())
                .on_conflict(
                    OnConflict::column(areas::Column::Code)
                        .update_columns([
                            areas::Column::ParentCode,
                            areas::Column::Level,
                            areas::Column::Name,
                        ])
                        .to_owned(),
                )
                .exec_without_returning(&txn)
                .await?;
        }
    }
    txn.commit().await?;
    Ok(ImportReport {
        provinces: counts[0],
        districts: counts[1],
        subdistricts: counts[2],
        villages: counts[3],
    })
}

fn read_file(
    path: &Path,
    level: i16,
    parent_column: Option<&str>,
) -> anyhow::Result<Vec<areas::ActiveModel>> {
    let mut reader =
        csv::Reader::from_path(path).with_context(|| format!("cannot open {}", path.display()))?;
    let headers = reader.headers()?.clone();
    let column = |name: &str| -> anyhow::Result<usize> {
        headers
            .iter()
            .position(|header| header == name)
            .with_context(|| format!("{} has no column `{name}`", path.display()))
    };
    let code_at = column("code")?;
    let name_at = column("name")?;
    let parent_at = parent_column.map(column).transpose()?;
    let mut rows = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let line = index + 2;
        let record =
            record.with_context(|| format!("{}:{line}: unreadable row", path.display()))?;
        let field = |at: usize| record.get(at).map(str::trim).unwrap_or_default();
        let code = field(code_at);
        let name = field(name_at);
        if code.split('.').count() != usize::from(level.unsigned_abs()) || name.is_empty() {
            bail!(
                "{}:{line}: `{code}` is not a level-{level} area code with a name",
                path.display()
            );
        }
        let parent = parent_at.map(|at| field(at).to_string());
        if let Some(parent) = &parent
            && !code.starts_with(&format!("{parent}."))
        {
            bail!(
                "{}:{line}: `{code}` does not lie inside its parent `{parent}`",
                path.display()
            );
        }
        rows.push(areas::ActiveModel {
            code: Set(code.to_string()),
            parent_code: Set(parent),
            level: Set(level),
            name: Set(name.to_string()),
        });
    }
    Ok(rows)
}
