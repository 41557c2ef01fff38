//! Dashboards: the counters the services keep per area ([`metric`]), the
//! indicators derived from them ([`Indicators`]), small-cell suppression
//! ([`publish`], [`suppress_breakdown`]) and the dashboards' DTOs.
//!
//! The server keeps one counter per area, metric and key (see the
//! `area_stats` table); this module decides what the counters mean, so the
//! server's counting, the dashboards and the tests share one definition.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::case::CaseState;
pub use crate::cell_key::{Counted, Perturb};
use crate::household::Desil;

/// Counts below this (and above zero) are not published: with fewer than five
/// people behind a number, the people could be recognised.
pub const SMALL_CELL: u64 = 5;

/// Days to resolve are counted exactly up to this many; longer waits share one key.
pub const RESOLVE_DAYS_CAP: u32 = 91;

/// Days from a proposal to its sending are counted exactly up to this many; longer share one key.
pub const SEND_DAYS_CAP: u32 = 366;

/// School age for the education-aid gap, in years reached this calendar year.
pub const SCHOOL_AGE: (i32, i32) = (7, 18);

/// Names of the counters kept per area, with the meaning of their keys.
pub mod metric {
    /// Households; k1 = desil (`"1"`…`"10"`) or `"-"` outside the registry.
    pub const HOUSEHOLDS: &str = "hh";
    /// Living members, not duplicates; k1 as for households.
    pub const PEOPLE: &str = "people";
    /// Households in desil 1–2 receiving no programme.
    pub const GAP_POOR: &str = "gap_poor";
    /// Members of desil 1–5 households without state- or district-paid health insurance.
    pub const GAP_HEALTH: &str = "gap_health";
    /// Members of desil 1–4 households without KIP/PIP; k1 = birth year.
    pub const GAP_EDUCATION: &str = "gap_edu";
    /// Cases; k1 = state code.
    pub const CASES: &str = "case";
    /// Cases resolved at the village level (never escalated above the Puskesos).
    pub const RESOLVED_LOCAL: &str = "resolved_local";
    /// Unfinished cases; k1 = deadline (`yyyy-mm-dd`).
    pub const OPEN_DUE: &str = "open_due";
    /// Resolved cases; k1 = days from opening to resolution, three digits, capped at [`super::RESOLVE_DAYS_CAP`].
    pub const RESOLVE_DAYS: &str = "resolve_days";
    /// Cases opened; k1 = month (`yyyy-mm`).
    pub const OPENED_MONTH: &str = "opened_m";
    /// Cases resolved; k1 = month (`yyyy-mm`, WIB).
    pub const RESOLVED_MONTH: &str = "resolved_m";
    /// Complaints; k1 = sector, k2 = complaint type.
    pub const COMPLAINTS: &str = "complaint";
    /// Referrals; k1 = programme code, k2 = referral state.
    pub const REFERRALS: &str = "referral";
    /// Registry proposals; k1 = stage.
    pub const PROPOSALS: &str = "proposal";
    /// Registry proposals; k1 = the change's type (a `ChangeType` code), k2 = stage.
    pub const PROPOSAL_KINDS: &str = "proposal_kind";
    /// Proposals sent to Kemensos; k1 = days from the proposal to its
    /// batch's sending, three digits, capped at [`super::SEND_DAYS_CAP`].
    pub const SEND_DAYS: &str = "send_days";
    /// The headline totals, derived from the counters above as they change
    /// (k1 = one of [`super::HEADLINES`]), so that comparing hundreds of
    /// areas reads a few rows per area.
    pub const HEADLINE: &str = "head";
}

/// The keys of [`metric::HEADLINE`], each the total of one counter or part of it.
pub const HEADLINES: [&str; 15] = [
    "households",
    "in_registry",
    "poor",
    "people",
    "cases",
    "resolved",
    "closed",
    "resolved_local",
    "complaints",
    "referrals",
    "referrals_done",
    "proposals",
    "gap_poor",
    "gap_health",
    "open",
];

/// The headline keys a change of one counter moves (see [`metric::HEADLINE`]).
pub fn headlines_of(metric: &str, k1: &str, k2: &str) -> Vec<&'static str> {
    use crate::case::CaseState;
    use crate::referral::ReferralState;
    match metric {
        metric::HOUSEHOLDS => {
            let mut keys = vec!["households"];
            if k1 != "-" {
                keys.push("in_registry");
            }
            if k1 == "1" || k1 == "2" {
                keys.push("poor");
            }
            keys
        }
        metric::PEOPLE => vec!["people"],
        metric::CASES if k1 == CaseState::Resolved.code() => vec!["cases", "resolved"],
        metric::CASES if k1 == CaseState::Closed.code() => vec!["cases", "closed"],
        metric::CASES => vec!["cases"],
        metric::RESOLVED_LOCAL => vec!["resolved_local"],
        metric::COMPLAINTS => vec!["complaints"],
        metric::REFERRALS if k2 == ReferralState::Completed.code() => {
            vec!["referrals", "referrals_done"]
        }
        metric::REFERRALS => vec!["referrals"],
        metric::PROPOSALS => vec!["proposals"],
        metric::GAP_POOR => vec!["gap_poor"],
        metric::GAP_HEALTH => vec!["gap_health"],
        metric::OPEN_DUE => vec!["open"],
        _ => vec![],
    }
}

/// The key of a desil in the household counters (`"-"` outside the registry).
pub fn desil_key(desil: Option<Desil>) -> String {
    desil.map_or_else(|| "-".to_string(), |d| d.get().to_string())
}

/// The key of days-to-resolve in [`metric::RESOLVE_DAYS`].
pub fn resolve_days_key(days: i64) -> String {
    let capped = days.clamp(0, i64::from(RESOLVE_DAYS_CAP));
    format!("{capped:03}")
}

/// The key of days-to-sending in [`metric::SEND_DAYS`].
pub fn send_days_key(days: i64) -> String {
    let capped = days.clamp(0, i64::from(SEND_DAYS_CAP));
    format!("{capped:03}")
}

/// The key of a month (`yyyy-mm`).
pub fn month_key(date: NaiveDate) -> String {
    crate::dates::year_month(date)
}

/// A number as published: `None` when it was suppressed ("<5").
pub type Cell = Option<u64>;

pub use crate::cell_key::publish;

/// Publishes each cell of a breakdown. Each cell has its own noise, so the
/// published total minus the cells printed beside a hidden one gives that
/// cell plus a sum of draws, never the cell itself.
pub fn suppress_breakdown(noise: &dyn Perturb, counts: &[Counted]) -> Vec<Cell> {
    counts.iter().map(|&c| publish(noise, c)).collect()
}

/// Per mille of `part` in `whole`, from their published numbers and rounded
/// to the nearest (2 of 3 is 667, shown 66,7%), given only when the whole,
/// the part and the rest of the whole are all published: the share times the
/// whole then gives back only what is printed anyway.
pub fn per_mille(noise: &dyn Perturb, part: Counted, whole: Counted) -> Option<u32> {
    let rest = whole.minus(part);
    let (Some(whole), Some(part), Some(_)) = (
        publish(noise, whole),
        publish(noise, part),
        publish(noise, rest),
    ) else {
        return None;
    };
    if whole == 0 {
        return None;
    }
    let part = part.min(whole);
    u32::try_from((part.saturating_mul(1000) + whole / 2) / whole).ok()
}

/// The (lower) median of a histogram of days, or `None` when empty.
pub fn median_days(histogram: &BTreeMap<u32, u64>) -> Option<u32> {
    let total: u64 = histogram.values().sum();
    if total == 0 {
        return None;
    }
    let target = (total - 1) / 2;
    let mut seen = 0;
    for (days, count) in histogram {
        seen += count;
        if seen > target {
            return Some(*days);
        }
    }
    None
}

/// The counters of one area, as read from storage: metric → (k1, k2) →
/// count and cell key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    counts: BTreeMap<String, BTreeMap<(String, String), Counted>>,
}

impl Tally {
    /// Adds a stored count and its key sum to one counter (a negative count reads as zero).
    pub fn add(&mut self, metric: &str, k1: &str, k2: &str, value: i64, key: i64) {
        self.add_counted(metric, k1, k2, Counted::new(value, key));
    }

    /// Adds a count with its cell key to one counter.
    pub fn add_counted(&mut self, metric: &str, k1: &str, k2: &str, cell: Counted) {
        *self
            .counts
            .entry(metric.to_string())
            .or_default()
            .entry((k1.to_string(), k2.to_string()))
            .or_default() += cell;
    }

    /// Every counter of a metric.
    pub fn rows(&self, metric: &str) -> impl Iterator<Item = (&str, &str, Counted)> {
        self.counts
            .get(metric)
            .into_iter()
            .flat_map(|m| m.iter().map(|((k1, k2), v)| (k1.as_str(), k2.as_str(), *v)))
    }

    /// The (lower) median of a histogram of days kept as `metric` (k1 = days).
    pub fn median_days(&self, metric: &str) -> Option<u32> {
        let histogram: BTreeMap<u32, u64> = self
            .rows(metric)
            .filter_map(|(k1, _, v)| Some((k1.parse::<u32>().ok()?, v.n)))
            .fold(BTreeMap::new(), |mut h, (d, v)| {
                *h.entry(d).or_default() += v;
                h
            });
        median_days(&histogram)
    }

    /// The sum of a metric's counters whose keys pass `keep`.
    pub fn sum_where(&self, metric: &str, keep: impl Fn(&str, &str) -> bool) -> Counted {
        self.rows(metric)
            .filter(|(k1, k2, _)| keep(k1, k2))
            .map(|(_, _, v)| v)
            .sum()
    }

    /// The sum of all of a metric's counters.
    pub fn sum(&self, metric: &str) -> Counted {
        self.sum_where(metric, |_, _| true)
    }

    /// A metric's counters summed by k1.
    pub fn by_k1(&self, metric: &str) -> BTreeMap<String, Counted> {
        let mut out: BTreeMap<String, Counted> = BTreeMap::new();
        for (k1, _, v) in self.rows(metric) {
            *out.entry(k1.to_string()).or_default() += v;
        }
        out
    }

    /// A metric's counters summed by k2.
    pub fn by_k2(&self, metric: &str) -> BTreeMap<String, Counted> {
        let mut out: BTreeMap<String, Counted> = BTreeMap::new();
        for (_, k2, v) in self.rows(metric) {
            *out.entry(k2.to_string()).or_default() += v;
        }
        out
    }
}

/// The exact figures of one area on one day (counts with their cell keys), before publication.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Figures {
    pub households: Counted,
    pub people: Counted,
    pub households_in_registry: Counted,
    pub poor_households: Counted,
    pub cases: Counted,
    pub open_cases: Counted,
    pub overdue_cases: Counted,
    pub resolved_cases: Counted,
    pub closed_cases: Counted,
    pub resolved_locally: Counted,
    pub median_days_to_resolve: Option<u32>,
    pub complaints: Counted,
    pub referrals: Counted,
    pub referrals_completed: Counted,
    pub proposals: Counted,
    pub gap_poor_no_programme: Counted,
    pub gap_health_insurance: Counted,
    pub gap_education_aid: Counted,
}

impl Figures {
    /// Derives the figures from an area's counters, on `today` (WIB).
    pub fn from_tally(tally: &Tally, today: NaiveDate) -> Figures {
        let state = |s: CaseState| tally.sum_where(metric::CASES, |k1, _| k1 == s.code());
        let resolved_cases = state(CaseState::Resolved);
        let closed_cases = state(CaseState::Closed);
        let cases = tally.sum(metric::CASES);
        let today_key = crate::dates::iso(today);
        let (young, old) = (today.year() - SCHOOL_AGE.0, today.year() - SCHOOL_AGE.1);
        Figures {
            households: tally.sum(metric::HOUSEHOLDS),
            people: tally.sum(metric::PEOPLE),
            households_in_registry: tally.sum_where(metric::HOUSEHOLDS, |k1, _| k1 != "-"),
            poor_households: tally.sum_where(metric::HOUSEHOLDS, |k1, _| k1 == "1" || k1 == "2"),
            cases,
            open_cases: cases.minus(resolved_cases).minus(closed_cases),
            overdue_cases: tally.sum_where(metric::OPEN_DUE, |k1, _| k1 < today_key.as_str()),
            resolved_cases,
            closed_cases,
            resolved_locally: tally.sum(metric::RESOLVED_LOCAL),
            median_days_to_resolve: tally.median_days(metric::RESOLVE_DAYS),
            complaints: tally.sum(metric::COMPLAINTS),
            referrals: tally.sum(metric::REFERRALS),
            referrals_completed: tally.sum_where(metric::REFERRALS, |_, k2| {
                k2 == crate::referral::ReferralState::Completed.code()
            }),
            proposals: tally.sum(metric::PROPOSALS),
            gap_poor_no_programme: tally.sum(metric::GAP_POOR),
            gap_health_insurance: tally.sum(metric::GAP_HEALTH),
            gap_education_aid: tally.sum_where(metric::GAP_EDUCATION, |k1, _| {
                k1.parse::<i32>()
                    .is_ok_and(|year| (old..=young).contains(&year))
            }),
        }
    }

    /// The figures as published: every count with its noise, small results
    /// hidden, shares from published numbers only.
    pub fn published(&self, noise: &dyn Perturb) -> Indicators {
        let finished = self.resolved_cases.plus(self.closed_cases);
        let publish = |count: Counted| publish(noise, count);
        Indicators {
            households: publish(self.households),
            people: publish(self.people),
            households_in_registry: publish(self.households_in_registry),
            registry_coverage_per_mille: per_mille(
                noise,
                self.households_in_registry,
                self.households,
            ),
            poor_households: publish(self.poor_households),
            cases: publish(self.cases),
            open_cases: publish(self.open_cases),
            overdue_cases: publish(self.overdue_cases),
            resolved_cases: publish(self.resolved_cases),
            resolved_share_per_mille: per_mille(noise, self.resolved_cases, finished),
            resolved_locally_per_mille: per_mille(
                noise,
                self.resolved_locally,
                self.resolved_cases,
            ),
            median_days_to_resolve: publish(self.resolved_cases)
                .filter(|n| *n > 0)
                .and(self.median_days_to_resolve),
            complaints: publish(self.complaints),
            referrals: publish(self.referrals),
            referrals_completed: publish(self.referrals_completed),
            proposals: publish(self.proposals),
            gap_poor_no_programme: publish(self.gap_poor_no_programme),
            gap_health_insurance: publish(self.gap_health_insurance),
            gap_education_aid: publish(self.gap_education_aid),
        }
    }
}

/// The headline figures of an area as published (`None` = suppressed or not computable).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Indicators {
    pub households: Cell,
    pub people: Cell,
    pub households_in_registry: Cell,
    pub registry_coverage_per_mille: Option<u32>,
    pub poor_households: Cell,
    pub cases: Cell,
    pub open_cases: Cell,
    pub overdue_cases: Cell,
    pub resolved_cases: Cell,
    pub resolved_share_per_mille: Option<u32>,
    pub resolved_locally_per_mille: Option<u32>,
    /// Median days from opening to resolution; [`RESOLVE_DAYS_CAP`] means "more than 90".
    pub median_days_to_resolve: Option<u32>,
    pub complaints: Cell,
    pub referrals: Cell,
    pub referrals_completed: Cell,
    pub proposals: Cell,
    pub gap_poor_no_programme: Cell,
    pub gap_health_insurance: Cell,
    pub gap_education_aid: Cell,
}

/// An area on a dashboard.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AreaRef {
    /// Kemendagri code, `""` for the nation.
    pub code: String,
    /// Its name (`Indonesia` for the nation).
    pub name: String,
}

/// One labelled count of a breakdown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Count {
    /// The key's code (desil, sector, state, programme code ...).
    pub key: String,
    /// Its name in Bahasa Indonesia.
    pub label: String,
    /// Its name in English.
    pub label_en: String,
    /// The count as published.
    pub value: Cell,
}

/// One row of a two-way table (e.g. a programme's referrals by state).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CountRow {
    /// The row's key.
    pub key: String,
    /// Its name in Bahasa Indonesia.
    pub label: String,
    /// Its name in English.
    pub label_en: String,
    /// One published count per column.
    pub values: Vec<Cell>,
}

/// A child area's row on a dashboard (sub-districts of a district ...).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AreaRow {
    pub area: AreaRef,
    pub indicators: Indicators,
}

/// The dashboard of one area (district, sub-district, village, province or the nation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AreaDashboard {
    pub area: AreaRef,
    /// The area one level up, when the viewer may see it.
    pub parent: Option<AreaRef>,
    /// The day the figures are for (WIB).
    pub today: NaiveDate,
    pub indicators: Indicators,
    /// One row per area one level down.
    pub children: Vec<AreaRow>,
    pub households_by_desil: Vec<Count>,
    pub people_by_desil: Vec<Count>,
    pub cases_by_state: Vec<Count>,
    pub complaints_by_sector: Vec<Count>,
    pub complaints_by_type: Vec<Count>,
    /// Columns: referral states (codes), in their domain order.
    pub referral_states: Vec<Count>,
    /// Rows: programmes; values per referral state as in `referral_states`.
    pub referrals_by_programme: Vec<CountRow>,
    pub proposals_by_stage: Vec<Count>,
    /// Proposals by the change they ask for (`ChangeType` codes).
    pub proposals_by_kind: Vec<Count>,
    /// Median days from a proposal to its sending to Kemensos, when enough
    /// were sent to publish their count; [`SEND_DAYS_CAP`] means "a year or more".
    pub median_days_to_send: Option<u32>,
    /// The last twelve months (`yyyy-mm`), oldest first.
    pub months: Vec<String>,
    pub cases_opened_by_month: Vec<Cell>,
    pub cases_resolved_by_month: Vec<Cell>,
    /// Whether the viewer may open the personal records behind the figures.
    pub may_drill_to_records: bool,
}

/// The level compared on the national page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CompareLevel {
    Province,
    District,
}

/// Areas side by side (provinces or districts), for the national monitor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Comparison {
    pub level: CompareLevel,
    /// The area whose provinces or districts are compared (`""`: the nation).
    pub within: AreaRef,
    pub today: NaiveDate,
    pub rows: Vec<AreaRow>,
    /// The last twelve months (`yyyy-mm`), oldest first.
    pub months: Vec<String>,
    /// Cases opened per month, one list per row (same order as `rows`).
    pub activity: Vec<Vec<Cell>>,
    /// Rows with no case opened in the last three months.
    pub inactive: Vec<AreaRef>,
    /// The areas one level above the rows (the provinces, when districts are
    /// compared), for grouping.
    pub groups: Vec<AreaRef>,
}

/// The twelve months up to and including `today`'s, oldest first (`yyyy-mm`).
pub fn last_twelve_months(today: NaiveDate) -> Vec<String> {
    let (mut year, mut month) = (today.year(), today.month());
    let mut months = Vec::with_capacity(12);
    for _ in 0..12 {
        months.push(format!("{year:04}-{month:02}"));
        if month == 1 {
            year -= 1;
            month = 12;
        } else {
            month -= 1;
        }
    }
    months.reverse();
    months
}

/// One cell of a dashboard table, typed for exports (numbers stay numbers in XLSX).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TableCell {
    /// Text (a name, a code, a month).
    Text(String),
    /// A published count.
    Count(u64),
    /// A share in per mille (shown as a percentage with one decimal).
    PerMille(u32),
    /// Days.
    Days(u32),
    /// Suppressed (1–4) or not computable.
    Hidden,
}

impl TableCell {
    fn count(cell: Cell) -> TableCell {
        cell.map_or(TableCell::Hidden, TableCell::Count)
    }

    /// A share or median that cannot be given (too few cases behind it).
    fn missing() -> TableCell {
        TableCell::Text("–".to_string())
    }

    /// The cell as CSV text: digits without separators, shares with a decimal point.
    pub fn plain(&self) -> String {
        match self {
            TableCell::Text(text) => text.clone(),
            TableCell::Count(n) => n.to_string(),
            TableCell::PerMille(p) => format!("{}.{}", p / 10, p % 10),
            TableCell::Days(d) if *d >= RESOLVE_DAYS_CAP => format!(">{}", RESOLVE_DAYS_CAP - 1),
            TableCell::Days(d) => d.to_string(),
            TableCell::Hidden => "<5".to_string(),
        }
    }
}

/// The headline indicators, in the order dashboards show them: key, name (id, en), value.
pub type IndicatorColumn = (
    &'static str,
    &'static str,
    &'static str,
    fn(&Indicators) -> TableCell,
);

/// Every headline indicator, for cards, comparison columns and exports.
pub const INDICATOR_COLUMNS: &[IndicatorColumn] = &[
    ("keluarga", "Keluarga", "Households", |i| {
        TableCell::count(i.households)
    }),
    ("jiwa", "Jiwa", "People", |i| TableCell::count(i.people)),
    (
        "cakupan",
        "Cakupan registri (%)",
        "Registry coverage (%)",
        |i| {
            i.registry_coverage_per_mille
                .map_or_else(TableCell::missing, TableCell::PerMille)
        },
    ),
    (
        "desil12",
        "Keluarga desil 1–2",
        "Households in decile 1–2",
        |i| TableCell::count(i.poor_households),
    ),
    ("kasus", "Kasus", "Cases", |i| TableCell::count(i.cases)),
    ("terbuka", "Kasus terbuka", "Open cases", |i| {
        TableCell::count(i.open_cases)
    }),
    ("terlambat", "Kasus terlambat", "Overdue cases", |i| {
        TableCell::count(i.overdue_cases)
    }),
    ("selesai", "Selesai (%)", "Resolved (%)", |i| {
        i.resolved_share_per_mille
            .map_or_else(TableCell::missing, TableCell::PerMille)
    }),
    (
        "selesai_desa",
        "Selesai di desa (%)",
        "Resolved in the village (%)",
        |i| {
            i.resolved_locally_per_mille
                .map_or_else(TableCell::missing, TableCell::PerMille)
        },
    ),
    (
        "median_hari",
        "Median hari selesai",
        "Median days to resolve",
        |i| {
            i.median_days_to_resolve
                .map_or_else(TableCell::missing, TableCell::Days)
        },
    ),
    ("pengaduan", "Pengaduan", "Complaints", |i| {
        TableCell::count(i.complaints)
    }),
    ("rujukan", "Rujukan", "Referrals", |i| {
        TableCell::count(i.referrals)
    }),
    (
        "rujukan_selesai",
        "Rujukan selesai",
        "Referrals completed",
        |i| TableCell::count(i.referrals_completed),
    ),
    ("usulan", "Usulan registri", "Registry proposals", |i| {
        TableCell::count(i.proposals)
    }),
    (
        "tanpa_program",
        "Desil 1–2 tanpa program",
        "Decile 1–2 with no programme",
        |i| TableCell::count(i.gap_poor_no_programme),
    ),
    (
        "tanpa_jkn",
        "Jiwa desil 1–5 tanpa PBI",
        "People in decile 1–5 without PBI",
        |i| TableCell::count(i.gap_health_insurance),
    ),
    (
        "tanpa_kip",
        "Anak usia sekolah tanpa KIP/PIP",
        "School-age children without KIP/PIP",
        |i| TableCell::count(i.gap_education_aid),
    ),
];

/// A download of a dashboard's tables (CSV: one table; XLSX: all of them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportRequest {
    /// Provinces or districts side by side; `None`: the dashboard of [`ExportRequest::area`].
    pub comparison: Option<CompareLevel>,
    /// The area (`""`: the nation) of an area dashboard.
    pub area: String,
    /// The key of the one table wanted; empty: every table.
    pub table: String,
    /// Column names in English instead of Indonesian.
    pub english: bool,
}

/// The tables of a download and the area they are about (`""`: the nation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exported {
    pub area: String,
    pub tables: Vec<Table>,
}

/// A table of a dashboard, as exported to CSV and XLSX.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// Short name (`wilayah`, `desil` ...), used in file and sheet names.
    pub key: &'static str,
    /// Column names.
    pub headers: Vec<String>,
    pub rows: Vec<Vec<TableCell>>,
}

fn pick_label(english: bool, id: &str, en: &str) -> String {
    if english { en } else { id }.to_string()
}

fn counts_table(key: &'static str, name: &str, counts: &[Count], english: bool) -> Table {
    Table {
        key,
        headers: vec![name.to_string(), pick_label(english, "Jumlah", "Count")],
        rows: counts
            .iter()
            .map(|c| {
                vec![
                    TableCell::Text(pick_label(english, &c.label, &c.label_en)),
                    TableCell::count(c.value),
                ]
            })
            .collect(),
    }
}

/// Areas side by side: code, name and every headline indicator.
fn area_rows_table(key: &'static str, rows: &[AreaRow], english: bool) -> Table {
    Table {
        key,
        headers: [
            pick_label(english, "Kode", "Code"),
            pick_label(english, "Wilayah", "Area"),
        ]
        .into_iter()
        .chain(
            INDICATOR_COLUMNS
                .iter()
                .map(|(_, id, en, _)| pick_label(english, id, en)),
        )
        .collect(),
        rows: rows
            .iter()
            .map(|row| {
                [
                    TableCell::Text(row.area.code.clone()),
                    TableCell::Text(row.area.name.clone()),
                ]
                .into_iter()
                .chain(
                    INDICATOR_COLUMNS
                        .iter()
                        .map(|(_, _, _, value)| value(&row.indicators)),
                )
                .collect()
            })
            .collect(),
    }
}

/// Every table of an area's dashboard.
pub fn area_tables(d: &AreaDashboard, english: bool) -> Vec<Table> {
    let mut tables = vec![Table {
        key: "ringkasan",
        headers: vec![
            pick_label(english, "Indikator", "Indicator"),
            pick_label(english, "Nilai", "Value"),
        ],
        rows: INDICATOR_COLUMNS
            .iter()
            .map(|(_, id, en, value)| {
                vec![
                    TableCell::Text(pick_label(english, id, en)),
                    value(&d.indicators),
                ]
            })
            .collect(),
    }];
    tables.push(area_rows_table("wilayah", &d.children, english));
    let desil = pick_label(english, "Desil", "Decile");
    let mut by_desil = counts_table("desil", &desil, &d.households_by_desil, english);
    by_desil.headers = vec![
        desil,
        pick_label(english, "Keluarga", "Households"),
        pick_label(english, "Jiwa", "People"),
    ];
    for (row, people) in by_desil.rows.iter_mut().zip(&d.people_by_desil) {
        row.push(TableCell::count(people.value));
    }
    tables.push(by_desil);
    tables.push(counts_table(
        "status_kasus",
        &pick_label(english, "Status kasus", "Case state"),
        &d.cases_by_state,
        english,
    ));
    tables.push(counts_table(
        "sektor",
        &pick_label(english, "Sektor", "Sector"),
        &d.complaints_by_sector,
        english,
    ));
    tables.push(counts_table(
        "jenis",
        &pick_label(english, "Jenis pengaduan", "Complaint type"),
        &d.complaints_by_type,
        english,
    ));
    tables.push(Table {
        key: "rujukan",
        headers: std::iter::once(pick_label(english, "Program", "Programme"))
            .chain(
                d.referral_states
                    .iter()
                    .map(|s| pick_label(english, &s.label, &s.label_en)),
            )
            .collect(),
        rows: d
            .referrals_by_programme
            .iter()
            .map(|row| {
                std::iter::once(TableCell::Text(pick_label(
                    english,
                    &row.label,
                    &row.label_en,
                )))
                .chain(row.values.iter().map(|v| TableCell::count(*v)))
                .collect()
            })
            .collect(),
    });
    tables.push(counts_table(
        "usulan",
        &pick_label(english, "Tahap usulan", "Proposal stage"),
        &d.proposals_by_stage,
        english,
    ));
    tables.push(counts_table(
        "usulan_jenis",
        &pick_label(english, "Jenis usulan", "Proposal kind"),
        &d.proposals_by_kind,
        english,
    ));
    tables.push(Table {
        key: "tren",
        headers: vec![
            pick_label(english, "Bulan", "Month"),
            pick_label(english, "Kasus dibuka", "Cases opened"),
            pick_label(english, "Kasus selesai", "Cases resolved"),
        ],
        rows: d
            .months
            .iter()
            .zip(
                d.cases_opened_by_month
                    .iter()
                    .zip(&d.cases_resolved_by_month),
            )
            .map(|(m, (o, r))| {
                vec![
                    TableCell::Text(m.clone()),
                    TableCell::count(*o),
                    TableCell::count(*r),
                ]
            })
            .collect(),
    });
    tables
}

/// Every table of a comparison: the indicators side by side, and the monthly activity.
pub fn comparison_tables(c: &Comparison, english: bool) -> Vec<Table> {
    vec![
        area_rows_table("perbandingan", &c.rows, english),
        Table {
            key: "aktivitas",
            headers: [
                pick_label(english, "Kode", "Code"),
                pick_label(english, "Wilayah", "Area"),
            ]
            .into_iter()
            .chain(c.months.iter().cloned())
            .collect(),
            rows: c
                .rows
                .iter()
                .zip(&c.activity)
                .map(|(row, months)| {
                    [
                        TableCell::Text(row.area.code.clone()),
                        TableCell::Text(row.area.name.clone()),
                    ]
                    .into_iter()
                    .chain(months.iter().map(|m| TableCell::count(*m)))
                    .collect()
                })
                .collect(),
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default()
    }

    /// No noise at all (both draws 1): the rules around the noise, seen alone.
    struct Flat;

    impl Perturb for Flat {
        fn draws(&self, _: u64, _: u64) -> (f64, f64) {
            (1.0, 1.0)
        }
    }

    fn n(count: u64) -> Counted {
        Counted {
            n: count,
            key: count * 7,
        }
    }

    #[test]
    fn small_counts_are_suppressed_and_zero_is_shown() {
        assert_eq!(publish(&Flat, n(0)), Some(0));
        for count in 1..5 {
            assert_eq!(publish(&Flat, n(count)), None, "{count}");
        }
        assert_eq!(publish(&Flat, n(5)), Some(5));
        assert_eq!(
            suppress_breakdown(&Flat, &[n(40), n(3), n(7), n(0)]),
            vec![Some(40), None, Some(7), Some(0)]
        );
    }

    #[test]
    fn breakdown_cells_carry_their_own_noise() {
        let noise = crate::cell_key::tests::Mixed(9);
        let cells: Vec<Counted> = (0..64).map(|key| Counted { n: 50, key }).collect();
        let shown = suppress_breakdown(&noise, &cells);
        let distinct: std::collections::BTreeSet<_> = shown.iter().collect();
        assert!(
            distinct.len() > 3,
            "cells of one count differ by their keys: {shown:?}"
        );
        assert!(shown.iter().all(|c| c.is_some_and(|v| v > 30 && v < 70)));
    }

    #[test]
    fn shares_need_a_publishable_whole_and_part_and_are_rounded() {
        assert_eq!(per_mille(&Flat, n(1), n(4)), None);
        assert_eq!(per_mille(&Flat, n(0), n(0)), None);
        assert_eq!(per_mille(&Flat, n(0), n(8)), Some(0));
        assert_eq!(per_mille(&Flat, n(3), n(8)), None, "3 is hidden");
        assert_eq!(per_mille(&Flat, n(5), n(10)), Some(500));
        assert_eq!(
            per_mille(&Flat, n(10), n(15)),
            Some(667),
            "rounded, not cut to 666"
        );
        assert_eq!(per_mille(&Flat, n(5), n(15)), Some(333));
        assert_eq!(per_mille(&Flat, n(8), n(8)), Some(1000));
        assert_eq!(per_mille(&Flat, n(6), n(8)), None, "the other 2 are hidden");
    }

    #[test]
    fn shares_are_taken_from_the_published_numbers() {
        let noise = crate::cell_key::tests::Mixed(4);
        for key in 0..300 {
            let (part, whole) = (
                Counted { n: 40, key },
                Counted {
                    n: 90,
                    key: key * 3 + 1,
                },
            );
            let (Some(p), Some(w)) = (publish(&noise, part), publish(&noise, whole)) else {
                continue;
            };
            if let Some(share) = per_mille(&noise, part, whole) {
                let expected = (p.min(w) * 1000 + w / 2) / w;
                assert_eq!(
                    u64::from(share),
                    expected,
                    "share × published whole = published part"
                );
            }
        }
    }

    #[test]
    fn median_is_the_lower_middle_of_the_days() {
        let h = |pairs: &[(u32, u64)]| pairs.iter().copied().collect::<BTreeMap<_, _>>();
        assert_eq!(median_days(&h(&[])), None);
        assert_eq!(median_days(&h(&[(4, 1)])), Some(4));
        assert_eq!(median_days(&h(&[(1, 1), (9, 1)])), Some(1));
        assert_eq!(median_days(&h(&[(1, 2), (5, 1), (30, 2)])), Some(5));
    }

    #[test]
    fn figures_follow_the_counters() {
        let mut t = Tally::default();
        t.add(metric::HOUSEHOLDS, "1", "", 6, 60);
        t.add(metric::HOUSEHOLDS, "7", "", 4, 40);
        t.add(metric::HOUSEHOLDS, "-", "", 10, 100);
        t.add(metric::CASES, "resolved", "", 6, 6);
        t.add(metric::CASES, "closed", "", 2, 2);
        t.add(metric::CASES, "referred", "", 3, 3);
        t.add(metric::OPEN_DUE, "2026-11-20", "", 2, 2);
        t.add(metric::OPEN_DUE, "2026-11-23", "", 1, 1);
        t.add(metric::RESOLVE_DAYS, "003", "", 4, 4);
        t.add(metric::RESOLVE_DAYS, "010", "", 2, 2);
        t.add(metric::GAP_EDUCATION, "2019", "", 2, 2); // 7 this year
        t.add(metric::GAP_EDUCATION, "2008", "", 3, 3); // 18
        t.add(metric::GAP_EDUCATION, "2007", "", 9, 9); // 19: not school age
        t.add(metric::GAP_EDUCATION, "2020", "", 9, 9); // 6: not yet
        let f = Figures::from_tally(&t, day("2026-11-23"));
        assert_eq!(f.households, Counted { n: 20, key: 200 });
        assert_eq!(f.households_in_registry.n, 10);
        assert_eq!(f.poor_households.n, 6);
        assert_eq!((f.cases.n, f.open_cases.n, f.resolved_cases.n), (11, 3, 6));
        assert_eq!(
            f.open_cases,
            Counted { n: 3, key: 3 },
            "the open cases' key is that of the cases neither resolved nor closed"
        );
        assert_eq!(f.overdue_cases.n, 2, "due today is not overdue");
        assert_eq!(f.median_days_to_resolve, Some(3));
        assert_eq!(f.gap_education_aid.n, 5);
        let p = f.published(&Flat);
        assert_eq!(p.households, Some(20));
        assert_eq!(p.registry_coverage_per_mille, Some(500));
        assert_eq!(p.open_cases, None);
        assert_eq!(
            p.resolved_share_per_mille, None,
            "6 of 8 finished would give the 2 closed (hidden) back"
        );
        assert_eq!(p.median_days_to_resolve, Some(3));
    }

    #[test]
    fn twelve_months_cross_the_new_year() {
        let months = last_twelve_months(day("2026-02-10"));
        assert_eq!(months.len(), 12);
        assert_eq!(months[0], "2025-03");
        assert_eq!(months[10], "2026-01");
        assert_eq!(months[11], "2026-02");
    }

    #[test]
    fn exported_cells_keep_suppression_and_shares() {
        assert_eq!(TableCell::Hidden.plain(), "<5");
        assert_eq!(TableCell::PerMille(375).plain(), "37.5");
        assert_eq!(TableCell::Days(RESOLVE_DAYS_CAP).plain(), ">90");
        assert_eq!(TableCell::Count(12345).plain(), "12345");
        let indicators = Indicators {
            households: Some(20),
            cases: None,
            ..Indicators::default()
        };
        let values: Vec<TableCell> = INDICATOR_COLUMNS
            .iter()
            .map(|c| (c.3)(&indicators))
            .collect();
        assert_eq!(values[0], TableCell::Count(20));
        assert_eq!(values[4], TableCell::Hidden);
        let keys: std::collections::BTreeSet<&str> =
            INDICATOR_COLUMNS.iter().map(|c| c.0).collect();
        assert_eq!(keys.len(), INDICATOR_COLUMNS.len(), "keys are unique");
    }

    #[test]
    fn keys_are_stable() {
        assert_eq!(resolve_days_key(4), "004");
        assert_eq!(resolve_days_key(400), "091");
        assert_eq!(resolve_days_key(-2), "000");
        assert_eq!(month_key(day("2026-03-09")), "2026-03");
        assert_eq!(desil_key(None), "-");
        assert_eq!(desil_key(Desil::new(3).ok()), "3");
    }
}
