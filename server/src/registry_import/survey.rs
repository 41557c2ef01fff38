//! Checking a whole file before it is imported (the browser's preview): the
//! same reading and row checks as the import, and look-ups of what the
//! registry already holds, with nothing written.

use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::path::Path;

use anyhow::Context;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect};
use shared::sheet_import::SheetSurvey;
use tokio::sync::mpsc;

use super::check::Checked;
use super::read::{Batch, produce};
use super::report::ProgressBar;
use super::{DEFAULT_BATCH_ROWS, Format, ImportProgress, Progress, Reading, area_index};
use crate::entities::{registry_families, registry_people};
use crate::protect::DataKey;

/// A number standing for `text` (for counting distinct values in little memory).
fn fingerprint(text: &str) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut hasher);
    hasher.finish()
}

/// Reads and checks the whole of `path` as [`super::import`] would, and
/// counts its rows, families, rows to accept and reject, families the
/// registry holds already and rows whose NIK is likely a duplicate (held by
/// the registry in another family, or twice in the file). Writes nothing.
pub async fn survey(
    db: &DatabaseConnection,
    key: &DataKey,
    path: &Path,
    reading: Reading,
    progress: Progress,
) -> anyhow::Result<SheetSurvey> {
    let format = Format::of(path)?;
    let bytes_total = std::fs::metadata(path)
        .with_context(|| format!("cannot read {}", path.display()))?
        .len();
    let areas = match &reading.district {
        Some(district) => Some(area_index(db, district).await?),
        None => None,
    };
    let district_prefix = reading
        .district
        .as_ref()
        .map(|district| format!("{}.", district.as_str()));
    let (sender, mut receiver) = mpsc::channel::<anyhow::Result<Batch>>(2);
    let reader = {
        let (path, key) = (path.to_path_buf(), key.clone());
        tokio::task::spawn_blocking(move || {
            produce(&path, reading, areas, key, DEFAULT_BATCH_ROWS, sender)
        })
    };
    let mut bar = ProgressBar::new(&progress, format, bytes_total);
    let mut survey = SheetSurvey::default();
    let mut families: HashSet<u64> = HashSet::new();
    let mut people: HashSet<u64> = HashSet::new();
    while let Some(batch) = receiver.recv().await {
        let batch = batch?;
        let mut new_families: Vec<&str> = Vec::new();
        let mut first_seen: Vec<(&str, &str)> = Vec::new();
        for row in &batch.rows {
            survey.rows += 1;
            let row = match row {
                Checked::Rejected(_) => {
                    survey.invalid += 1;
                    continue;
                }
                Checked::Valid(row) => row,
            };
            let outside = district_prefix
                .as_deref()
                .is_some_and(|prefix| !row.family.village_code.starts_with(prefix));
            if outside {
                survey.invalid += 1;
                continue;
            }
            survey.valid += 1;
            if families.insert(fingerprint(&row.registry_id)) {
                new_families.push(&row.registry_id);
            }
            if people.insert(fingerprint(&row.nik_hash)) {
                first_seen.push((&row.nik_hash, &row.registry_id));
            } else {
                survey.likely_duplicates += 1;
            }
        }
        if !new_families.is_empty() {
            let known: Vec<String> = registry_families::Entity::find()
                .select_only()
                .column(registry_families::Column::RegistryId)
                .filter(registry_families::Column::RegistryId.is_in(new_families))
                .into_tuple()
                .all(db)
                .await?;
            survey.known_families += known.len() as u64;
        }
        if !first_seen.is_empty() {
            let stored: Vec<(String, String)> = registry_people::Entity::find()
                .select_only()
                .columns([
                    registry_people::Column::NikHash,
                    registry_people::Column::RegistryId,
                ])
                .filter(
                    registry_people::Column::NikHash
                        .is_in(first_seen.iter().map(|(hash, _)| *hash)),
                )
                .into_tuple()
                .all(db)
                .await?;
            let mut held: HashMap<&str, Vec<&str>> = HashMap::new();
            for (hash, family) in &stored {
                held.entry(hash.as_str()).or_default().push(family.as_str());
            }
            survey.likely_duplicates += first_seen
                .iter()
                .filter(|(hash, family)| {
                    held.get(hash)
                        .is_some_and(|families| families.iter().any(|held| held != family))
                })
                .count() as u64;
        }
        let read = ImportProgress {
            rows_read: survey.rows,
            rows_accepted: survey.valid,
            rows_rejected: survey.invalid,
            bytes_read: batch.bytes_read.min(bytes_total),
            bytes_total: (format == Format::Csv).then_some(bytes_total),
        };
        if bar.update(&read).is_break() {
            bar.finish();
            anyhow::bail!("the check was cancelled");
        }
    }
    bar.finish();
    reader
        .await
        .context("the file reader stopped unexpectedly")?;
    survey.families = families.len() as u64;
    Ok(survey)
}
