//! Dashboards read from the `area_stats` counters (see [`super::stats`]),
//! never from the records: one area's counters are a few hundred rows, and
//! a comparison of areas is condensed in SQL to a few rows per area.

use std::collections::BTreeMap;

use async_trait::async_trait;
use chrono::{Datelike, NaiveDate};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseBackend, EntityTrait, QueryFilter, QueryOrder, Statement,
    Value,
};
use shared::Coded;
use shared::access::{self, Action, Target};
use shared::case::CaseState;
use shared::clock::Zone;
use shared::complaint::{ComplaintType, Sector};
use shared::contract::{Actor, DashboardService, ServiceError};
use shared::dashboard::{
    AreaDashboard, AreaRef, AreaRow, CompareLevel, Comparison, Count, CountRow, Figures, HEADLINES,
    Tally, last_twelve_months, metric,
};
use shared::disclosure::areas::{
    AreaNode, Counts, Decisions, Published, area_counts, desil_keys, key, protect_tree_noting_gaps,
};
use shared::geo::{AreaCode, AreaLevel, AreaScope};
use shared::proposal::ProposalStage;
use shared::referral::ReferralState;

use super::common::{Subject, access_actor, authorize, own_scope, today};
use super::db_failure;
use super::store::Store;
use crate::entities::{area_stats, areas, programmes};

/// The dashboards on the counters.
pub struct DbDashboardService {
    db: Store,
}

impl DbDashboardService {
    pub fn new(db: Store) -> Self {
        DbDashboardService { db }
    }
}

/// The name of the nation's area (code `""`).
const NATION: &str = "Indonesia";

/// Which areas' counters a condensed query reads.
enum Areas<'a> {
    /// The areas one level below this one (`""`: the provinces).
    ChildrenOf(&'a str),
    /// Every area of a level (1 provinces, 2 districts).
    Level(i16),
    /// One area (`""`: the nation).
    One(&'a str),
}

fn level_number(level: AreaLevel) -> i16 {
    match level {
        AreaLevel::Province => 1,
        AreaLevel::District => 2,
        AreaLevel::SubDistrict => 3,
        AreaLevel::Village => 4,
    }
}

fn sql_for(backend: DatabaseBackend, sql: &str) -> String {
    match backend {
        DatabaseBackend::Postgres => sql.to_string(),
        // SQLite numbers its parameters `?1`, `?2`.
        _ => sql.replace('$', "?"),
    }
}

/// Per area, the counters the headline figures need, condensed in SQL to one
/// row per area (a column per figure and per month), plus the school-age gap
/// and the median days to resolve: three queries, run side by side, a few
/// rows per area whatever the number of counters.
async fn condensed_tallies<C: ConnectionTrait>(
    db: &C,
    areas: &Areas<'_>,
    today: NaiveDate,
) -> Result<BTreeMap<String, Tally>, sea_orm::DbErr> {
    use shared::referral::ReferralState;
    let backend = db.get_database_backend();
    let (filter, first): (&str, Value) = match areas {
        Areas::ChildrenOf(code) => ("parent_code = $1", (*code).into()),
        Areas::Level(level) => ("level = $1", (*level).into()),
        Areas::One(code) => ("area_code = $1", (*code).into()),
    };
    let (young, old) = (
        (today.year() - shared::dashboard::SCHOOL_AGE.0).to_string(),
        (today.year() - shared::dashboard::SCHOOL_AGE.1).to_string(),
    );
    let months = last_twelve_months(today);
    let sum = |name: &str, condition: String| {
        format!("CAST(SUM(CASE WHEN {condition} THEN value ELSE 0 END) AS BIGINT) AS {name}")
    };
    // The headline totals, one column each.
    let headlines = format!(
        "SELECT area_code, {} FROM area_stats WHERE {filter} AND metric = '{}' GROUP BY area_code",
        HEADLINES
            .iter()
            .map(|key| sum(key, format!("k1 = '{key}'")))
            .collect::<Vec<_>>()
            .join(", "),
        metric::HEADLINE,
    );
    // Overdue at each area's own midnight (its province's zone): $2, $3, $4 are
    // today in WIB, WITA and WIT. The nation's own row keeps to WIB.
    let in_provinces = |zone: Zone| {
        zone.provinces()
            .iter()
            .map(|p| format!("'{p}'"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let overdue = format!(
        "SELECT area_code, CAST(SUM(value) AS BIGINT) AS n FROM area_stats \
         WHERE {filter} AND metric = '{}' AND k1 < CASE \
           WHEN substr(area_code, 1, 2) IN ({}) THEN $3 \
           WHEN substr(area_code, 1, 2) IN ({}) THEN $4 ELSE $2 END \
         GROUP BY area_code",
        metric::OPEN_DUE,
        in_provinces(Zone::Wita),
        in_provinces(Zone::Wit),
    );
    let zone_keys: Vec<Value> = shared::clock::todays(chrono::Utc::now())
        .iter()
        .map(|(_, day)| day.format("%Y-%m-%d").to_string().into())
        .collect();
    let opened = format!(
        "SELECT area_code, {} FROM area_stats WHERE {filter} AND metric = '{}' AND k1 >= $2 \
         GROUP BY area_code",
        months
            .iter()
            .enumerate()
            .map(|(i, month)| sum(&format!("m{i}"), format!("k1 = '{month}'")))
            .collect::<Vec<_>>()
            .join(", "),
        metric::OPENED_MONTH,
    );
    let education = format!(
        "SELECT area_code, CAST(SUM(value) AS BIGINT) AS n FROM area_stats \
         WHERE {filter} AND metric = '{}' AND k1 >= $2 AND k1 <= $3 GROUP BY area_code",
        metric::GAP_EDUCATION,
    );
    // The lower median of days to resolve, from the running sum of the histogram.
    let median = format!(
        "SELECT area_code, MIN(k1) AS k1 FROM ( \
           SELECT area_code, k1, \
                  SUM(value) OVER (PARTITION BY area_code ORDER BY k1) AS running, \
                  SUM(value) OVER (PARTITION BY area_code) AS total \
           FROM area_stats WHERE {filter} AND metric = '{}' AND value > 0 \
         ) days WHERE running > (total - 1) / 2 GROUP BY area_code",
        metric::RESOLVE_DAYS,
    );
    let run = |sql: String, values: Vec<Value>| async move {
        db.query_all_raw(Statement::from_sql_and_values(
            backend,
            sql_for(backend, &sql),
            values,
        ))
        .await
    };
    let first_month = months.first().cloned().unwrap_or_default();
    let (heads, late, per_month, educated, medians) = tokio::try_join!(
        run(headlines, vec![first.clone()]),
        run(overdue, [vec![first.clone()], zone_keys].concat()),
        run(opened, vec![first.clone(), first_month.into()]),
        run(
            education,
            vec![first.clone(), old.into(), young.clone().into()]
        ),
        run(median, vec![first]),
    )?;
    let mut overdue_of: BTreeMap<String, i64> = BTreeMap::new();
    for row in late {
        overdue_of.insert(row.try_get("", "area_code")?, row.try_get("", "n")?);
    }
    let mut tallies: BTreeMap<String, Tally> = BTreeMap::new();
    for row in heads {
        let n = |name: &str| row.try_get::<i64>("", name);
        let area: String = row.try_get("", "area_code")?;
        let overdue = overdue_of.get(&area).copied().unwrap_or(0);
        let tally = tallies.entry(area).or_default();
        // Back into the counters' own keys, as `Figures::from_tally` reads them.
        let (hh, registered, poor) = (n("households")?, n("in_registry")?, n("poor")?);
        tally.add(metric::HOUSEHOLDS, "-", "", hh - registered);
        tally.add(metric::HOUSEHOLDS, "1", "", poor);
        tally.add(metric::HOUSEHOLDS, "10", "", registered - poor);
        let (cases, resolved, closed) = (n("cases")?, n("resolved")?, n("closed")?);
        tally.add(metric::CASES, CaseState::Resolved.code(), "", resolved);
        tally.add(metric::CASES, CaseState::Closed.code(), "", closed);
        tally.add(
            metric::CASES,
            CaseState::Registered.code(),
            "",
            cases - resolved - closed,
        );
        let (referrals, done) = (n("referrals")?, n("referrals_done")?);
        tally.add(metric::REFERRALS, "", ReferralState::Completed.code(), done);
        tally.add(metric::REFERRALS, "", "", referrals - done);
        tally.add(metric::OPEN_DUE, "0000-00-00", "", overdue);
        tally.add(metric::OPEN_DUE, "9999-12-31", "", n("open")? - overdue);
        for (name, metric) in [
            ("people", metric::PEOPLE),
            ("resolved_local", metric::RESOLVED_LOCAL),
            ("gap_poor", metric::GAP_POOR),
            ("gap_health", metric::GAP_HEALTH),
            ("complaints", metric::COMPLAINTS),
            ("proposals", metric::PROPOSALS),
        ] {
            tally.add(metric, "", "", n(name)?);
        }
    }
    for row in per_month {
        let area: String = row.try_get("", "area_code")?;
        let tally = tallies.entry(area).or_default();
        for (i, month) in months.iter().enumerate() {
            tally.add(
                metric::OPENED_MONTH,
                month,
                "",
                row.try_get::<i64>("", &format!("m{i}"))?,
            );
        }
    }
    for row in educated {
        let area: String = row.try_get("", "area_code")?;
        let n: i64 = row.try_get("", "n")?;
        tallies
            .entry(area)
            .or_default()
            .add(metric::GAP_EDUCATION, &young, "", n);
    }
    for row in medians {
        let area: String = row.try_get("", "area_code")?;
        let k1: String = row.try_get("", "k1")?;
        tallies
            .entry(area)
            .or_default()
            .add(metric::RESOLVE_DAYS, &k1, "", 1);
    }
    Ok(tallies)
}

/// Per area, the counters the dashboards break down by key (desil, state,
/// sector, type, referral, proposal stage, month), summed in SQL per key:
/// the cells of [`area_counts`] beside the headline figures.
async fn breakdown_tallies<C: ConnectionTrait>(
    db: &C,
    areas: &Areas<'_>,
) -> Result<BTreeMap<String, Tally>, sea_orm::DbErr> {
    let backend = db.get_database_backend();
    let (filter, first): (&str, Value) = match areas {
        Areas::ChildrenOf(code) => ("parent_code = $1", (*code).into()),
        Areas::Level(level) => ("level = $1", (*level).into()),
        Areas::One(code) => ("area_code = $1", (*code).into()),
    };
    let metrics = [
        metric::HOUSEHOLDS,
        metric::PEOPLE,
        metric::CASES,
        metric::COMPLAINTS,
        metric::REFERRALS,
        metric::PROPOSALS,
        metric::OPENED_MONTH,
        metric::RESOLVED_MONTH,
    ]
    .iter()
    .map(|m| format!("'{m}'"))
    .collect::<Vec<_>>()
    .join(", ");
    let sql = format!(
        "SELECT area_code, metric, k1, k2, CAST(SUM(value) AS BIGINT) AS n FROM area_stats \
         WHERE {filter} AND metric IN ({metrics}) GROUP BY area_code, metric, k1, k2"
    );
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(
            backend,
            sql_for(backend, &sql),
            vec![first],
        ))
        .await?;
    let mut tallies: BTreeMap<String, Tally> = BTreeMap::new();
    for row in rows {
        let area: String = row.try_get("", "area_code")?;
        let metric: String = row.try_get("", "metric")?;
        let (k1, k2): (String, String) = (row.try_get("", "k1")?, row.try_get("", "k2")?);
        let n: i64 = row.try_get("", "n")?;
        tallies.entry(area).or_default().add(&metric, &k1, &k2, n);
    }
    Ok(tallies)
}

/// One area of a family: its headline figures (exact) and every count it prints.
struct Member {
    area: AreaRef,
    figures: Figures,
    counts: Counts,
}

/// The exact figures of one area from its counters (before suppression).
pub async fn figures<C: ConnectionTrait>(
    db: &C,
    area_code: &str,
    today: NaiveDate,
) -> Result<Figures, sea_orm::DbErr> {
    Ok(Figures::from_tally(
        &area_tally(db, area_code).await?,
        today,
    ))
}

/// Every counter of one area.
async fn area_tally<C: ConnectionTrait>(db: &C, code: &str) -> Result<Tally, sea_orm::DbErr> {
    let mut tally = Tally::default();
    for row in area_stats::Entity::find()
        .filter(area_stats::Column::AreaCode.eq(code))
        .all(db)
        .await?
    {
        tally.add(&row.metric, &row.k1, &row.k2, row.value);
    }
    Ok(tally)
}

/// A breakdown by a coded key, as published.
fn coded_counts<T: Coded>(published: &Published<'_>, key_of: fn(&str) -> String) -> Vec<Count> {
    T::ALL
        .iter()
        .map(|v| Count {
            key: v.code().to_string(),
            label: v.label_id().to_string(),
            label_en: v.label_en().to_string(),
            value: published.get(&key_of(v.code())),
        })
        .collect()
}

/// Households (`"hh"`) or people (`"people"`) by desil, as published.
fn desil_counts(published: &Published<'_>, what: &str) -> Vec<Count> {
    desil_keys()
        .into_iter()
        .map(|d| {
            let (label, label_en) = if d == "-" {
                (
                    "Di luar registri".to_string(),
                    "Not in the registry".to_string(),
                )
            } else {
                (format!("Desil {d}"), format!("Decile {d}"))
            };
            Count {
                value: published.get(&key::desil(what, &d)),
                key: d,
                label,
                label_en,
            }
        })
        .collect()
}

/// A monthly series, as published.
fn month_cells(
    published: &Published<'_>,
    key_of: fn(&str) -> String,
    months: &[String],
) -> Vec<Option<u64>> {
    months.iter().map(|m| published.get(&key_of(m))).collect()
}

/// The published view of one area under the decisions.
fn published<'a>(counts: &'a Counts, decisions: &'a Decisions, code: &str) -> Published<'a> {
    static NONE: std::sync::OnceLock<std::collections::BTreeSet<String>> =
        std::sync::OnceLock::new();
    Published {
        counts,
        hidden: decisions
            .get(code)
            .unwrap_or_else(|| NONE.get_or_init(Default::default)),
    }
}

/// The codes from the nation down to `code`: `""`, `"32"`, `"32.09"` ...
fn path_to(code: &str) -> Vec<String> {
    let mut path = vec![String::new()];
    let mut at = String::new();
    for part in code.split('.').filter(|p| !p.is_empty()) {
        if !at.is_empty() {
            at.push('.');
        }
        at.push_str(part);
        path.push(at.clone());
    }
    path
}

/// Builds the tree of families the decisions need: the nation, its
/// provinces, and below each area in `families` its children.
fn tree(nation: Counts, families: &BTreeMap<String, Vec<Member>>) -> AreaNode {
    fn node(code: &str, counts: Counts, families: &BTreeMap<String, Vec<Member>>) -> AreaNode {
        AreaNode {
            code: code.to_string(),
            counts,
            children: families.get(code).map(|members| {
                members
                    .iter()
                    .map(|m| node(&m.area.code, m.counts.clone(), families))
                    .collect()
            }),
        }
    }
    node("", nation, families)
}

impl DbDashboardService {
    async fn names(&self, codes: &[String]) -> Result<BTreeMap<String, String>, ServiceError> {
        Ok(areas::Entity::find()
            .filter(areas::Column::Code.is_in(codes.iter().cloned()))
            .all(&self.db)
            .await
            .map_err(db_failure)?
            .into_iter()
            .map(|a| (a.code, a.name))
            .collect())
    }

    /// The areas one level below `code` (`""`: the provinces), by code.
    async fn children(&self, code: &str) -> Result<Vec<AreaRef>, ServiceError> {
        if code.is_empty() {
            self.areas_where(areas::Column::Level.eq(areas::LEVEL_PROVINCE))
                .await
        } else {
            self.areas_where(areas::Column::ParentCode.eq(code)).await
        }
    }

    /// The areas matching `condition`, by code.
    async fn areas_where(
        &self,
        condition: sea_orm::sea_query::SimpleExpr,
    ) -> Result<Vec<AreaRef>, ServiceError> {
        Ok(areas::Entity::find()
            .filter(condition)
            .order_by_asc(areas::Column::Code)
            .all(&self.db)
            .await
            .map_err(db_failure)?
            .into_iter()
            .map(|a| AreaRef {
                code: a.code,
                name: a.name,
            })
            .collect())
    }

    async fn programme_names(&self) -> Result<BTreeMap<String, String>, ServiceError> {
        Ok(programmes::Entity::find()
            .all(&self.db)
            .await
            .map_err(db_failure)?
            .into_iter()
            .map(|p| (p.code, p.name))
            .collect())
    }

    /// The children of `code` (`""`: the provinces) with their figures and counts.
    async fn family(
        &self,
        code: &str,
        today: NaiveDate,
        months: &[String],
    ) -> Result<Vec<Member>, ServiceError> {
        let listed = self.children(code).await?;
        let areas = Areas::ChildrenOf(code);
        let (figures, breakdowns) = tokio::try_join!(
            condensed_tallies(&self.db, &areas, today),
            breakdown_tallies(&self.db, &areas),
        )
        .map_err(db_failure)?;
        Ok(members(listed, &figures, &breakdowns, today, months))
    }

    /// The nation's own counts.
    async fn nation(&self, today: NaiveDate, months: &[String]) -> Result<Counts, ServiceError> {
        let areas = Areas::One("");
        let (figures, breakdowns) = tokio::try_join!(
            condensed_tallies(&self.db, &areas, today),
            breakdown_tallies(&self.db, &areas),
        )
        .map_err(db_failure)?;
        let nation = AreaRef::default();
        Ok(members(vec![nation], &figures, &breakdowns, today, months)
            .pop()
            .map(|m| m.counts)
            .unwrap_or_default())
    }
}

/// Areas with their figures and counts (no counters: all zero).
fn members(
    listed: Vec<AreaRef>,
    figures: &BTreeMap<String, Tally>,
    breakdowns: &BTreeMap<String, Tally>,
    today: NaiveDate,
    months: &[String],
) -> Vec<Member> {
    let empty = Tally::default();
    listed
        .into_iter()
        .map(|area| {
            let f = Figures::from_tally(figures.get(&area.code).unwrap_or(&empty), today);
            let b = breakdowns.get(&area.code).unwrap_or(&empty);
            Member {
                counts: area_counts(&f, b, months),
                figures: f,
                area,
            }
        })
        .collect()
}

/// The suppression decisions of a tree; a family left with a count that can
/// still be worked out is logged (area codes only) for the operators.
fn decide(tree: &AreaNode) -> Decisions {
    let mut gaps = Vec::new();
    let decisions = protect_tree_noting_gaps(tree, &mut gaps);
    if !gaps.is_empty() {
        tracing::warn!(
            families = ?gaps,
            "complementary suppression left counts that can be worked out below these areas"
        );
    }
    decisions
}

/// Rows of areas, as published under the decisions.
fn rows(members: &[Member], decisions: &Decisions) -> Vec<AreaRow> {
    members
        .iter()
        .map(|m| AreaRow {
            indicators: published(&m.counts, decisions, &m.area.code)
                .indicators(m.figures.median_days_to_resolve),
            area: m.area.clone(),
        })
        .collect()
}

fn scope_code(scope: &AreaScope) -> &str {
    match scope {
        AreaScope::National => "",
        AreaScope::Area(code) => code.as_str(),
    }
}

#[async_trait]
impl DashboardService for DbDashboardService {
    async fn area(&self, actor: &Actor, area_code: &str) -> Result<AreaDashboard, ServiceError> {
        let code = area_code.trim();
        let scope = if code.is_empty() {
            AreaScope::National
        } else {
            AreaScope::Area(AreaCode::parse(code).map_err(ServiceError::Invalid)?)
        };
        authorize(
            &self.db,
            actor,
            Action::ViewAggregates,
            &Target::area(scope.clone()),
            Subject::kind("dashboard"),
        )
        .await?;
        let viewer = access_actor(actor)?;
        let code = scope_code(&scope).to_string();
        // The area's own day (its province's zone), as its row in the parent's
        // table counts it: one figure, one value.
        let today = super::common::today_in(&code);
        let (name, parent) = match &scope {
            AreaScope::National => (NATION.to_string(), None),
            AreaScope::Area(area) => {
                let parent_scope = area.parent().map_or(AreaScope::National, AreaScope::Area);
                let may_see_parent = access::can(
                    &viewer,
                    Action::ViewAggregates,
                    &Target::area(parent_scope.clone()),
                );
                let parent_code = scope_code(&parent_scope).to_string();
                let names = self.names(&[code.clone(), parent_code.clone()]).await?;
                let name = names.get(&code).cloned().ok_or(ServiceError::NotFound)?;
                let parent = may_see_parent.then(|| AreaRef {
                    name: names
                        .get(&parent_code)
                        .cloned()
                        .unwrap_or_else(|| NATION.to_string()),
                    code: parent_code,
                });
                (name, parent)
            }
        };
        let tally = area_tally(&self.db, &code).await.map_err(db_failure)?;
        let months = last_twelve_months(today);
        let figures = Figures::from_tally(&tally, today);
        let counts = area_counts(&figures, &tally, &months);
        // The families from the nation down to this area (and its own children):
        // every count is decided once, the same on every page that prints it.
        let is_village = matches!(&scope, AreaScope::Area(a) if a.level() == AreaLevel::Village);
        let path = path_to(&code);
        let mut families: BTreeMap<String, Vec<Member>> = BTreeMap::new();
        for ancestor in &path {
            if *ancestor == code && is_village {
                break;
            }
            families.insert(
                ancestor.clone(),
                self.family(ancestor, today, &months).await?,
            );
        }
        let nation = if code.is_empty() {
            counts.clone()
        } else {
            self.nation(today, &months).await?
        };
        let decisions = decide(&tree(nation, &families));
        let children = families
            .get(&code)
            .map_or_else(Vec::new, |members| rows(members, &decisions));
        let own = published(&counts, &decisions, &code);
        let programme_names = self.programme_names().await?;
        let programmes: std::collections::BTreeSet<&str> =
            tally.rows(metric::REFERRALS).map(|(p, _, _)| p).collect();
        let referrals_by_programme = programmes
            .into_iter()
            .map(|programme| {
                let label = programme_names
                    .get(programme)
                    .cloned()
                    .unwrap_or_else(|| programme.to_string());
                CountRow {
                    key: programme.to_string(),
                    label_en: label.clone(),
                    label,
                    values: ReferralState::ALL
                        .iter()
                        .map(|s| own.get(&key::referral(programme, s.code())))
                        .collect(),
                }
            })
            .collect();
        let may_drill_to_records = access::can(
            &viewer,
            Action::ViewPersonalData,
            &Target::area(scope.clone()),
        );
        Ok(AreaDashboard {
            area: AreaRef {
                code: code.clone(),
                name,
            },
            parent,
            today,
            indicators: own.indicators(figures.median_days_to_resolve),
            children,
            households_by_desil: desil_counts(&own, "hh"),
            people_by_desil: desil_counts(&own, "people"),
            cases_by_state: coded_counts::<CaseState>(&own, key::state),
            complaints_by_sector: coded_counts::<Sector>(&own, key::sector),
            complaints_by_type: coded_counts::<ComplaintType>(&own, key::complaint_type),
            referral_states: coded_counts::<ReferralState>(&own, key::referral_state),
            referrals_by_programme,
            proposals_by_stage: coded_counts::<ProposalStage>(&own, key::stage),
            cases_opened_by_month: month_cells(&own, key::opened, &months),
            cases_resolved_by_month: month_cells(&own, key::resolved_in, &months),
            months,
            may_drill_to_records,
        })
    }

    async fn compare(
        &self,
        actor: &Actor,
        level: CompareLevel,
    ) -> Result<Comparison, ServiceError> {
        let scope = own_scope(actor)?;
        let wanted = match level {
            CompareLevel::Province => areas::LEVEL_PROVINCE,
            CompareLevel::District => areas::LEVEL_DISTRICT,
        };
        // Only areas below the actor's own are compared (the nation's provinces
        // or districts, a province's districts): a district sees its
        // sub-districts on its own dashboard, never its neighbours. Anyone else
        // is refused as asking for the nation's figures.
        let (areas, within, target) = match &scope {
            AreaScope::Area(code) if level_number(code.level()) + 1 == wanted => (
                Areas::ChildrenOf(code.as_str()),
                code.as_str().to_string(),
                scope.clone(),
            ),
            _ => (Areas::Level(wanted), String::new(), AreaScope::National),
        };
        authorize(
            &self.db,
            actor,
            Action::ViewAggregates,
            &Target::area(target),
            Subject::kind("dashboard_comparison"),
        )
        .await?;
        let today = today();
        let months = last_twelve_months(today);
        // The provinces, and below each compared province its districts: the
        // same families, decided the same way, as on each area's dashboard.
        let mut families: BTreeMap<String, Vec<Member>> = BTreeMap::new();
        families.insert(String::new(), self.family("", today, &months).await?);
        let compared: Vec<Member> = match &areas {
            Areas::Level(2) => {
                let listed = self
                    .areas_where(areas::Column::Level.eq(areas::LEVEL_DISTRICT))
                    .await?;
                let (figures, breakdowns) = tokio::try_join!(
                    condensed_tallies(&self.db, &areas, today),
                    breakdown_tallies(&self.db, &areas),
                )
                .map_err(db_failure)?;
                let all = members(listed, &figures, &breakdowns, today, &months);
                let mut compared = Vec::with_capacity(all.len());
                for member in all {
                    let province = member
                        .area
                        .code
                        .split_once('.')
                        .map_or(String::new(), |(p, _)| p.to_string());
                    families.entry(province).or_default().push(Member {
                        area: member.area.clone(),
                        figures: member.figures.clone(),
                        counts: member.counts.clone(),
                    });
                    compared.push(member);
                }
                compared
            }
            Areas::ChildrenOf(code) => {
                let own = self.family(code, today, &months).await?;
                let copy = own
                    .iter()
                    .map(|m| Member {
                        area: m.area.clone(),
                        figures: m.figures.clone(),
                        counts: m.counts.clone(),
                    })
                    .collect();
                families.insert((*code).to_string(), own);
                copy
            }
            _ => families
                .get("")
                .map(|provinces| {
                    provinces
                        .iter()
                        .map(|m| Member {
                            area: m.area.clone(),
                            figures: m.figures.clone(),
                            counts: m.counts.clone(),
                        })
                        .collect()
                })
                .unwrap_or_default(),
        };
        let decisions = decide(&tree(self.nation(today, &months).await?, &families));
        let listed: Vec<AreaRef> = compared.iter().map(|m| m.area.clone()).collect();
        let recent = &months[months.len().saturating_sub(3)..];
        let mut activity = Vec::with_capacity(listed.len());
        let mut inactive = Vec::new();
        for member in &compared {
            if recent
                .iter()
                .all(|m| member.counts.get(&key::opened(m)).copied().unwrap_or(0) == 0)
            {
                inactive.push(member.area.clone());
            }
            let shown = published(&member.counts, &decisions, &member.area.code);
            activity.push(month_cells(&shown, key::opened, &months));
        }
        let mut group_codes: Vec<String> = listed
            .iter()
            .filter_map(|a| {
                a.code
                    .rsplit_once('.')
                    .map(|(parent, _)| parent.to_string())
            })
            .collect();
        group_codes.dedup();
        let group_names = self.names(&group_codes).await?;
        let groups = group_codes
            .into_iter()
            .map(|code| AreaRef {
                name: group_names
                    .get(&code)
                    .cloned()
                    .unwrap_or_else(|| code.clone()),
                code,
            })
            .collect();
        let within_name = if within.is_empty() {
            NATION.to_string()
        } else {
            self.names(std::slice::from_ref(&within))
                .await?
                .remove(&within)
                .unwrap_or_default()
        };
        Ok(Comparison {
            level,
            within: AreaRef {
                code: within,
                name: within_name,
            },
            today,
            rows: rows(&compared, &decisions),
            months,
            activity,
            inactive,
            groups,
        })
    }
}
