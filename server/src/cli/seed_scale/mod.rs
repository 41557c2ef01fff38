//! `slrt seed-scale`: synthetic households, members, registry records and cases in bulk, for
//! benchmarks; also the synthetic-data generator the demo seed builds on. Synthetic people only:
//! NIK and No KK follow the civil-registry structure but belong to nobody, and are stored only
//! as keyed hash, sealed copy and masked form.
//!
//! The parts: `names` (names and places), `people` (the generator and members),
//! `households` (villages, housing, registry records), `templates` (needs, case paths and
//! notes), `cases` and `referrals` (timelines through the shared state machines) and `write`
//! (ids and batched inserts); this file is the command.

mod cases;
mod households;
mod names;
mod people;
mod referrals;
mod templates;
mod write;

use std::collections::HashMap;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use chrono::{DateTime, Days, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use rand::Rng;
use rand::rngs::StdRng;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseBackend, DatabaseConnection, EntityTrait, QueryFilter,
    TransactionTrait,
};
use shared::programme::ProgrammeKind;

use crate::entities::registry_imports;
use crate::protect::DataKey;

pub(crate) use cases::{CaseMaker, ReferralTargets, Staff, StaffMember};
pub(crate) use households::{HouseholdSummary, Village, villages_of};
pub(crate) use people::Synth;
pub(crate) use write::{ID_TABLES, NextIds, Rows, insert_all, record_import, sync_sequences, take};

/// Districts `seed-scale` fills when none are named.
pub const DEFAULT_DISTRICTS: &str = "32.09,32.03,32.04,33.04";

/// Households generated and written per transaction by `seed-scale`.
const SCALE_BATCH: usize = 10_000;

/// What `seed-scale` should make.
#[derive(Debug, Clone)]
pub struct ScaleOptions {
    /// How many households.
    pub households: u64,
    /// Seed of the random generator: the same seed gives the same data.
    pub seed: u64,
    /// District codes (`32.09`) whose villages receive the households.
    pub districts: Vec<String>,
    /// The day the data is generated for (WIB).
    pub today: NaiveDate,
    /// The moment no generated event may pass.
    pub now: DateTime<Utc>,
}

impl ScaleOptions {
    /// Options for `households` households generated now.
    pub fn new(households: u64, seed: u64, districts: Vec<String>) -> ScaleOptions {
        let (today, now) = wib_today();
        ScaleOptions {
            households,
            seed,
            districts,
            today,
            now,
        }
    }
}

/// What `seed-scale` wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ScaleReport {
    pub households: u64,
    pub members: u64,
    pub registry_families: u64,
    pub cases: u64,
    pub elapsed: Duration,
}

/// Today in WIB (UTC+7) and the current instant.
pub fn wib_today() -> (NaiveDate, DateTime<Utc>) {
    let now = Utc::now();
    ((now + chrono::Duration::hours(7)).date_naive(), now)
}

/// The UTC instant of `minutes` after midnight WIB on `date`.
pub(crate) fn wib(date: NaiveDate, minutes: i64) -> DateTime<Utc> {
    (NaiveDateTime::new(date, NaiveTime::MIN) + chrono::Duration::minutes(minutes - 7 * 60))
        .and_utc()
}

/// One of `items`, uniformly (the lists here are never empty).
pub(crate) fn pick<'a, T>(rng: &mut StdRng, items: &'a [T]) -> &'a T {
    &items[rng.gen_range(0..items.len())]
}

/// One of `items` with the given weights (the lists here are never empty).
pub(crate) fn weighted<T: Copy>(rng: &mut StdRng, items: &[(T, u32)]) -> T {
    let total: u32 = items.iter().map(|(_, w)| *w).sum();
    let mut roll = rng.gen_range(0..total.max(1));
    for (item, weight) in items {
        if roll < *weight {
            return *item;
        }
        roll -= weight;
    }
    items[items.len() - 1].0
}

fn chance(rng: &mut StdRng, percent: u32) -> bool {
    rng.gen_range(0..100) < percent
}

fn days_before(date: NaiveDate, days: u64) -> NaiveDate {
    date.checked_sub_days(Days::new(days)).unwrap_or(date)
}

/// Parses `32.09,33.04` into district codes.
pub fn parse_districts(text: &str) -> anyhow::Result<Vec<String>> {
    let mut out = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let ok =
            part.split('.').count() == 2 && part.chars().all(|c| c.is_ascii_digit() || c == '.');
        if !ok {
            bail!("`{part}` is not a district code like 32.09");
        }
        out.push(part.to_string());
    }
    if out.is_empty() {
        bail!("name at least one district, e.g. --districts 32.09");
    }
    Ok(out)
}

/// One generated batch and how many households it holds.
struct Batch {
    rows: Rows,
    households: u64,
    members: u64,
    families: u64,
    cases: u64,
}

/// Generates `options.households` synthetic households (with members, registry records for
/// about 60 % and a case for about 10 %) into the villages of `options.districts`.
pub async fn run(
    db: &DatabaseConnection,
    key: &DataKey,
    options: &ScaleOptions,
) -> anyhow::Result<ScaleReport> {
    let started = Instant::now();
    let villages = villages_of(db, &options.districts).await?;
    if villages.is_empty() {
        bail!(
            "no villages in {}; run `slrt import-areas node_modules/idn-area-data/data` first",
            options.districts.join(", ")
        );
    }
    let programmes: HashMap<ProgrammeKind, i64> = crate::entities::programmes::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .filter_map(|p| ProgrammeKind::from_code(&p.kind).map(|kind| (kind, p.id)))
        .collect();
    let import_id = record_import(
        db,
        &format!("scale-{}-{}", options.seed, options.households),
        0,
        options.now,
    )
    .await?;
    let mut ids = NextIds::load(db).await?;
    let calendar = crate::services::builtin_holidays();
    let no_staff = Staff::default();
    let mut maker_serials = CaseMaker::new(&no_staff, &calendar);
    maker_serials.load_serials(db).await?;
    let (case_serials, referral_serials) =
        (maker_serials.case_serials, maker_serials.referral_serials);

    let (sender, mut receiver) = tokio::sync::mpsc::channel::<anyhow::Result<Batch>>(3);
    let key = key.clone();
    let options_for_thread = options.clone();
    let generator = std::thread::spawn(move || {
        let options = options_for_thread;
        let staff = Staff::default();
        let mut maker = CaseMaker::new(&staff, &calendar);
        maker.case_serials = case_serials;
        maker.referral_serials = referral_serials;
        let mut synth = Synth::new(options.seed, key, options.today, options.now)
            .with_programmes(programmes)
            .with_import(import_id);
        let mut left = options.households;
        while left > 0 {
            let size = left.min(SCALE_BATCH as u64);
            let result = (|| -> anyhow::Result<Batch> {
                let mut rows = Rows::default();
                let mut batch = Batch {
                    rows: Rows::default(),
                    households: size,
                    members: 0,
                    families: 0,
                    cases: 0,
                };
                for _ in 0..size {
                    let village = synth.rng.gen_range(0..villages.len());
                    let household =
                        synth.household(&mut ids, &villages, village, None, &mut rows)?;
                    if synth.rng.gen_range(0..10) == 0 {
                        maker.case(
                            &mut synth,
                            &mut ids,
                            &household,
                            &villages[village],
                            &mut rows,
                        )?;
                        batch.cases += 1;
                    }
                }
                batch.members = rows.members.len() as u64;
                batch.families = rows.families.len() as u64;
                batch.rows = rows;
                Ok(batch)
            })();
            let failed = result.is_err();
            if sender.blocking_send(result).is_err() || failed {
                return;
            }
            left -= size;
        }
    });

    let sqlite = db.get_database_backend() == DatabaseBackend::Sqlite;
    let mut report = ScaleReport::default();
    let mut next_progress = options.households / 10;
    while let Some(batch) = receiver.recv().await {
        let batch = batch?;
        let txn = db.begin().await?;
        if sqlite {
            // A larger page cache (256 MiB) for this connection speeds up index maintenance.
            txn.execute_unprepared("PRAGMA cache_size = -262144")
                .await?;
        }
        batch.rows.insert(&txn, 5_000).await?;
        sync_sequences(&txn, &ID_TABLES).await?;
        txn.commit().await?;
        report.households += batch.households;
        report.members += batch.members;
        report.registry_families += batch.families;
        report.cases += batch.cases;
        if report.households >= next_progress || report.households == options.households {
            let seconds = started.elapsed().as_secs_f64().max(0.001);
            tracing::info!(
                households = report.households,
                of = options.households,
                per_second = (report.households as f64 / seconds) as u64,
                "seed-scale progress"
            );
            next_progress = report.households + (options.households / 10).max(1);
        }
    }
    if generator.join().is_err() {
        bail!("the data generator stopped unexpectedly");
    }
    // Bulk rows bypass the services: recount the dashboard figures once.
    let txn = db.begin().await?;
    crate::services::stats::rebuild(&txn).await?;
    crate::services::households::words::count_every_change(&txn).await?;
    txn.commit().await?;
    if report.households != options.households {
        bail!(
            "only {} of {} households were written",
            report.households,
            options.households
        );
    }
    crate::entities::registry_imports::Entity::update_many()
        .col_expr(
            registry_imports::Column::RowsTotal,
            sea_orm::sea_query::Expr::value(
                i64::try_from(report.registry_families).unwrap_or(i64::MAX),
            ),
        )
        .col_expr(
            registry_imports::Column::RowsAccepted,
            sea_orm::sea_query::Expr::value(
                i64::try_from(report.registry_families).unwrap_or(i64::MAX),
            ),
        )
        .filter(registry_imports::Column::Id.eq(import_id))
        .exec(db)
        .await
        .context("cannot update the registry import record")?;
    if sqlite {
        db.execute_unprepared("PRAGMA optimize").await?;
    }
    report.elapsed = started.elapsed();
    Ok(report)
}
