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
    AreaDashboard, AreaRef, AreaRow, CompareLevel, Comparison, Count, CountRow, Counted,
    ExportRequest, Exported, Figures, HEADLINES, Tally, last_twelve_months, metric, publish,
    suppress_breakdown,
};
use shared::geo::{AreaCode, AreaLevel, AreaScope};
use shared::proposal::ProposalStage;
use shared::proposal_change::ChangeType;
use shared::referral::ReferralState;

use super::common::{Subject, access_actor, authorize, entry, own_scope, today};
use super::db_failure;
use super::store::Store;
use crate::entities::{area_stats, areas, programmes};
use crate::protect::CellNoise;

/// The dashboards on the counters.
pub struct DbDashboardService {
    db: Store,
    /// The noise every published count carries (`shared::cell_key`).
    noise: CellNoise,
}

impl DbDashboardService {
    pub fn new(db: Store, noise: CellNoise) -> Self {
        DbDashboardService { db, noise }
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
    };
    let (young, old) = (
        (today.year() - shared::dashboard::SCHOOL_AGE.0).to_string(),
        (today.year() - shared::dashboard::SCHOOL_AGE.1).to_string(),
    );
    let months = last_twelve_months(today);
    // Each sum twice: the count, and the sum of its records' keys (`{name}_k`).
    let sum = |name: &str, condition: String| {
        format!(
            "CAST(SUM(CASE WHEN {condition} THEN value ELSE 0 END) AS BIGINT) AS {name}, \
             CAST(SUM(CASE WHEN {condition} THEN key_sum ELSE 0 END) AS BIGINT) AS {name}_k"
        )
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
        "SELECT area_code, CAST(SUM(value) AS BIGINT) AS n, \
           CAST(SUM(key_sum) AS BIGINT) AS n_k FROM area_stats \
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
        "SELECT area_code, CAST(SUM(value) AS BIGINT) AS n, \
           CAST(SUM(key_sum) AS BIGINT) AS n_k FROM area_stats \
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
    // A count and its cell key, read from the columns `{name}` and `{name}_k`.
    let counted = |row: &sea_orm::QueryResult, name: &str| -> Result<Counted, sea_orm::DbErr> {
        Ok(Counted::new(
            row.try_get::<i64>("", name)?,
            row.try_get::<i64>("", &format!("{name}_k"))?,
        ))
    };
    let mut overdue_of: BTreeMap<String, Counted> = BTreeMap::new();
    for row in late {
        overdue_of.insert(row.try_get("", "area_code")?, counted(&row, "n")?);
    }
    let mut tallies: BTreeMap<String, Tally> = BTreeMap::new();
    for row in heads {
        let n = |name: &str| counted(&row, name);
        let area: String = row.try_get("", "area_code")?;
        let overdue = overdue_of.get(&area).copied().unwrap_or_default();
        let tally = tallies.entry(area).or_default();
        // Back into the counters' own keys, as `Figures::from_tally` reads them.
        let (hh, registered, poor) = (n("households")?, n("in_registry")?, n("poor")?);
        tally.add_counted(metric::HOUSEHOLDS, "-", "", hh.minus(registered));
        tally.add_counted(metric::HOUSEHOLDS, "1", "", poor);
        tally.add_counted(metric::HOUSEHOLDS, "10", "", registered.minus(poor));
        let (cases, resolved, closed) = (n("cases")?, n("resolved")?, n("closed")?);
        tally.add_counted(metric::CASES, CaseState::Resolved.code(), "", resolved);
        tally.add_counted(metric::CASES, CaseState::Closed.code(), "", closed);
        let registered_cases = cases.minus(resolved).minus(closed);
        tally.add_counted(
            metric::CASES,
            CaseState::Registered.code(),
            "",
            registered_cases,
        );
        let (referrals, done) = (n("referrals")?, n("referrals_done")?);
        tally.add_counted(metric::REFERRALS, "", ReferralState::Completed.code(), done);
        tally.add_counted(metric::REFERRALS, "", "", referrals.minus(done));
        tally.add_counted(metric::OPEN_DUE, "0000-00-00", "", overdue);
        tally.add_counted(
            metric::OPEN_DUE,
            "9999-12-31",
            "",
            n("open")?.minus(overdue),
        );
        for (name, metric) in [
            ("people", metric::PEOPLE),
            ("resolved_local", metric::RESOLVED_LOCAL),
            ("gap_poor", metric::GAP_POOR),
            ("gap_health", metric::GAP_HEALTH),
            ("complaints", metric::COMPLAINTS),
            ("proposals", metric::PROPOSALS),
        ] {
            tally.add_counted(metric, "", "", n(name)?);
        }
    }
    for row in per_month {
        let area: String = row.try_get("", "area_code")?;
        let tally = tallies.entry(area).or_default();
        for (i, month) in months.iter().enumerate() {
            tally.add_counted(
                metric::OPENED_MONTH,
                month,
                "",
                counted(&row, &format!("m{i}"))?,
            );
        }
    }
    for row in educated {
        let area: String = row.try_get("", "area_code")?;
        let cell = counted(&row, "n")?;
        tallies
            .entry(area)
            .or_default()
            .add_counted(metric::GAP_EDUCATION, &young, "", cell);
    }
    for row in medians {
        let area: String = row.try_get("", "area_code")?;
        let k1: String = row.try_get("", "k1")?;
        tallies
            .entry(area)
            .or_default()
            .add(metric::RESOLVE_DAYS, &k1, "", 1, 0);
    }
    Ok(tallies)
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
        tally.add(&row.metric, &row.k1, &row.k2, row.value, row.key_sum);
    }
    Ok(tally)
}

fn coded_counts<T: Coded>(
    noise: &CellNoise,
    tally: &Tally,
    metric: &str,
    by_k2: bool,
) -> Vec<Count> {
    let counts = if by_k2 {
        tally.by_k2(metric)
    } else {
        tally.by_k1(metric)
    };
    let values: Vec<Counted> = T::ALL
        .iter()
        .map(|v| counts.get(v.code()).copied().unwrap_or_default())
        .collect();
    T::ALL
        .iter()
        .zip(suppress_breakdown(noise, &values))
        .map(|(v, value)| Count {
            key: v.code().to_string(),
            label: v.label_id().to_string(),
            label_en: v.label_en().to_string(),
            value,
        })
        .collect()
}

fn desil_counts(noise: &CellNoise, tally: &Tally, metric: &str) -> Vec<Count> {
    let counts = tally.by_k1(metric);
    let keys: Vec<String> = (1..=10)
        .map(|d: u8| d.to_string())
        .chain(["-".to_string()])
        .collect();
    let values: Vec<Counted> = keys
        .iter()
        .map(|k| counts.get(k).copied().unwrap_or_default())
        .collect();
    keys.into_iter()
        .zip(suppress_breakdown(noise, &values))
        .map(|(key, value)| {
            let (label, label_en) = if key == "-" {
                (
                    "Di luar registri".to_string(),
                    "Not in the registry".to_string(),
                )
            } else {
                (format!("Desil {key}"), format!("Decile {key}"))
            };
            Count {
                key,
                label,
                label_en,
                value,
            }
        })
        .collect()
}

fn month_cells(
    noise: &CellNoise,
    tally: &Tally,
    metric: &str,
    months: &[String],
) -> Vec<Option<u64>> {
    let counts = tally.by_k1(metric);
    months
        .iter()
        .map(|m| publish(noise, counts.get(m).copied().unwrap_or_default()))
        .collect()
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

    fn rows(
        &self,
        children: Vec<AreaRef>,
        tallies: &BTreeMap<String, Tally>,
        today: NaiveDate,
    ) -> Vec<AreaRow> {
        let empty = Tally::default();
        children
            .into_iter()
            .map(|area| {
                let tally = tallies.get(&area.code).unwrap_or(&empty);
                AreaRow {
                    indicators: Figures::from_tally(tally, today).published(&self.noise),
                    area,
                }
            })
            .collect()
    }
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
        let children = match &scope {
            AreaScope::Area(area) if area.level() == AreaLevel::Village => Vec::new(),
            _ => {
                let tallies = condensed_tallies(&self.db, &Areas::ChildrenOf(&code), today)
                    .await
                    .map_err(db_failure)?;
                self.rows(self.children(&code).await?, &tallies, today)
            }
        };
        let months = last_twelve_months(today);
        let noise = &self.noise;
        let states = coded_counts::<ReferralState>(noise, &tally, metric::REFERRALS, true);
        let programme_names = self.programme_names().await?;
        let mut by_programme: BTreeMap<String, BTreeMap<String, Counted>> = BTreeMap::new();
        for (programme, state, n) in tally.rows(metric::REFERRALS) {
            *by_programme
                .entry(programme.to_string())
                .or_default()
                .entry(state.to_string())
                .or_default() += n;
        }
        let referrals_by_programme = by_programme
            .into_iter()
            .map(|(programme, counts)| {
                let values: Vec<Counted> = ReferralState::ALL
                    .iter()
                    .map(|s| counts.get(s.code()).copied().unwrap_or_default())
                    .collect();
                let label = programme_names
                    .get(&programme)
                    .cloned()
                    .unwrap_or_else(|| programme.clone());
                CountRow {
                    key: programme,
                    label_en: label.clone(),
                    label,
                    values: suppress_breakdown(noise, &values),
                }
            })
            .collect();
        let figures = Figures::from_tally(&tally, today);
        let may_drill_to_records = access::can(
            &viewer,
            Action::ViewPersonalData,
            &Target::area(scope.clone()),
        );
        Ok(AreaDashboard {
            area: AreaRef { code, name },
            parent,
            today,
            indicators: figures.published(noise),
            children,
            households_by_desil: desil_counts(noise, &tally, metric::HOUSEHOLDS),
            people_by_desil: desil_counts(noise, &tally, metric::PEOPLE),
            cases_by_state: coded_counts::<CaseState>(noise, &tally, metric::CASES, false),
            complaints_by_sector: coded_counts::<Sector>(noise, &tally, metric::COMPLAINTS, false),
            complaints_by_type: coded_counts::<ComplaintType>(
                noise,
                &tally,
                metric::COMPLAINTS,
                true,
            ),
            referral_states: states,
            referrals_by_programme,
            proposals_by_stage: coded_counts::<ProposalStage>(
                noise,
                &tally,
                metric::PROPOSALS,
                false,
            ),
            proposals_by_kind: coded_counts::<ChangeType>(
                noise,
                &tally,
                metric::PROPOSAL_KINDS,
                false,
            ),
            // Published only with the count it is the median of.
            median_days_to_send: shared::dashboard::publish(noise, tally.sum(metric::SEND_DAYS))
                .filter(|n| *n > 0)
                .and(tally.median_days(metric::SEND_DAYS)),
            cases_opened_by_month: month_cells(noise, &tally, metric::OPENED_MONTH, &months),
            cases_resolved_by_month: month_cells(noise, &tally, metric::RESOLVED_MONTH, &months),
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
        let tallies = condensed_tallies(&self.db, &areas, today)
            .await
            .map_err(db_failure)?;
        let listed = match &areas {
            Areas::ChildrenOf(code) => self.children(code).await?,
            Areas::Level(level) => self.areas_where(areas::Column::Level.eq(*level)).await?,
        };
        let months = last_twelve_months(today);
        let recent = &months[months.len().saturating_sub(3)..];
        let empty = Tally::default();
        let mut activity = Vec::with_capacity(listed.len());
        let mut inactive = Vec::new();
        for area in &listed {
            let tally = tallies.get(&area.code).unwrap_or(&empty);
            let opened = tally.by_k1(metric::OPENED_MONTH);
            if recent
                .iter()
                .all(|m| opened.get(m).is_none_or(|c| c.n == 0))
            {
                inactive.push(area.clone());
            }
            activity.push(month_cells(
                &self.noise,
                tally,
                metric::OPENED_MONTH,
                &months,
            ));
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
            rows: self.rows(listed, &tallies, today),
            months,
            activity,
            inactive,
            groups,
        })
    }

    async fn export(
        &self,
        actor: &Actor,
        request: ExportRequest,
    ) -> Result<Exported, ServiceError> {
        let (area, tables) = match request.comparison {
            Some(level) => {
                let compared = self.compare(actor, level).await?;
                let tables = shared::dashboard::comparison_tables(&compared, request.english);
                (compared.within.code, tables)
            }
            None => {
                let board = self.area(actor, &request.area).await?;
                let tables = shared::dashboard::area_tables(&board, request.english);
                (board.area.code, tables)
            }
        };
        // A table that does not exist is "not found", and nothing was exported: no
        // audit row says otherwise, and the caller's text is never copied into it.
        let detail = match tables.iter().find(|table| table.key == request.table) {
            Some(table) => table.key.to_string(),
            None if request.table.is_empty() => "*".to_string(),
            None => return Err(ServiceError::NotFound),
        };
        let subject = if request.comparison.is_some() {
            "dashboard_comparison"
        } else {
            "dashboard"
        };
        let code = AreaCode::parse(&area).ok();
        self.db
            .audit_ok(
                entry(
                    actor,
                    "dashboard_export",
                    Subject::kind(subject),
                    code.as_ref(),
                )
                .detail(detail),
            )
            .await?;
        Ok(Exported { area, tables })
    }
}
