//! `slrt bench`: measures the service calls staff wait on, against whatever
//! database it is pointed at (`cargo xtask bench` fills one with
//! `seed-scale` first). Prints a table; never asserts anything about speed.

use std::time::{Duration, Instant};

use anyhow::Context;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use shared::contract::{Actor, Services};
use shared::dto::{CaseFilter, IdentityQuery};
use shared::geo::AreaCode;
use shared::identity::Nik;
use shared::roles::Role;

use crate::entities::{cases, duplicate_scans, households, members, users};
use crate::protect::DataKey;

/// How many of each call to time.
#[derive(Debug, Clone, Copy)]
pub struct BenchOptions {
    pub lookups: usize,
    pub lists: usize,
    pub seed: u64,
}

/// One row of the result table.
#[derive(Debug, Clone)]
pub struct Timing {
    pub name: String,
    pub samples: usize,
    pub median: Duration,
    pub p95: Duration,
    pub p99: Duration,
}

fn timing(name: &str, mut samples: Vec<Duration>) -> Timing {
    samples.sort();
    let at = |q: f64| {
        samples
            .get(((samples.len() as f64 - 1.0) * q).round() as usize)
            .copied()
            .unwrap_or_default()
    };
    Timing {
        name: name.to_string(),
        samples: samples.len(),
        median: at(0.5),
        p95: at(0.95),
        p99: at(0.99),
    }
}

/// Prints timings as a table.
pub fn print_table(title: &str, rows: &[Timing]) {
    println!("\n{title}");
    println!(
        "| {:<52} | {:>7} | {:>10} | {:>10} | {:>10} |",
        "operation", "n", "median ms", "p95 ms", "p99 ms"
    );
    println!(
        "|{:-<54}|{:-<9}|{:-<12}|{:-<12}|{:-<12}|",
        "", "", "", "", ""
    );
    for row in rows {
        println!(
            "| {:<52} | {:>7} | {:>10.2} | {:>10.2} | {:>10.2} |",
            row.name,
            row.samples,
            row.median.as_secs_f64() * 1000.0,
            row.p95.as_secs_f64() * 1000.0,
            row.p99.as_secs_f64() * 1000.0
        );
    }
}

/// A nation-wide SLRT manager used only by the benchmark (created when missing),
/// signed in: the actor and the session token.
async fn bench_actor(
    db: &DatabaseConnection,
    services: &Services,
) -> anyhow::Result<(Actor, String)> {
    const USERNAME: &str = "bench.manager";
    const PASSWORD: &str = "bench-only-password-9";
    let exists = users::Entity::find()
        .filter(users::Column::Username.eq(USERNAME))
        .one(db)
        .await?
        .is_some();
    if !exists {
        super::create_admin::create(
            db,
            super::create_admin::NewAccount {
                username: USERNAME.into(),
                full_name: "Benchmark".into(),
                password: PASSWORD.into(),
                role: Role::SlrtManager,
                area_code: None,
            },
        )
        .await?;
    }
    let outcome = services
        .auth
        .login(USERNAME, PASSWORD, &Default::default())
        .await
        .map_err(|e| anyhow::anyhow!(e.message_en()))?;
    Ok((outcome.actor, outcome.session_token))
}

/// A page to time: its address for an area, and a text its HTML must contain.
type PageProbe<'a> = (&'a dyn Fn(&str) -> String, &'a [u8]);

/// Times the server-side render of a page for one of `areas` (`path` builds
/// its address), through the real router, reading the whole HTML answer,
/// which must contain `marker`.
async fn page_timings(
    db: &DatabaseConnection,
    services: &Services,
    token: &str,
    areas: &[String],
    rng: &mut StdRng,
    samples: usize,
    (path, marker): PageProbe<'_>,
) -> anyhow::Result<Vec<Duration>> {
    use tower::ServiceExt;
    let router = crate::web::router(crate::web::AppState {
        leptos_options: crate::web::leptos_options("target/site", "127.0.0.1:3000".parse()?),
        services: services.clone(),
        db: db.clone(),
        cookie: app::api::ssr::SessionCookie {
            secure: false,
            max_age_seconds: 3600,
        },
        trust_proxy: false,
    });
    let mut timings = Vec::with_capacity(samples);
    for _ in 0..samples {
        let area = &areas[rng.gen_range(0..areas.len())];
        let request = axum::http::Request::get(path(area))
            .header(axum::http::header::COOKIE, format!("slrt_session={token}"))
            .body(axum::body::Body::empty())?;
        let started = Instant::now();
        let response = router.clone().oneshot(request).await?;
        let status = response.status();
        let html = axum::body::to_bytes(response.into_body(), 16 * 1024 * 1024).await?;
        timings.push(started.elapsed());
        anyhow::ensure!(
            status.is_success() && html.windows(marker.len()).any(|w| w == marker),
            "the page {} did not render ({status})",
            path(area)
        );
    }
    Ok(timings)
}

/// Times NIK lookups and village case lists.
pub async fn run(
    db: &DatabaseConnection,
    key: &DataKey,
    services: &Services,
    options: BenchOptions,
) -> anyhow::Result<Vec<Timing>> {
    let (actor, token) = bench_actor(db, services).await?;
    let mut rng = StdRng::seed_from_u64(options.seed);
    let household_count = households::Entity::find().count(db).await?;
    let member_count = members::Entity::find().count(db).await?;
    println!("database: {household_count} households, {member_count} members");
    anyhow::ensure!(
        member_count > 0,
        "the database has no members: run `slrt seed-scale` first"
    );

    let max_member = members::Entity::find()
        .order_by_desc(members::Column::Id)
        .one(db)
        .await?
        .map(|m| m.id)
        .unwrap_or(0);
    let mut niks = Vec::with_capacity(options.lookups);
    while niks.len() < options.lookups {
        let id = rng.gen_range(1..=max_member);
        if let Some(sealed) = members::Entity::find_by_id(id)
            .one(db)
            .await?
            .and_then(|m| m.nik_sealed)
        {
            niks.push(
                Nik::parse(&key.open(&sealed)?).map_err(|e| anyhow::anyhow!(e.message_en()))?,
            );
        }
    }
    let mut lookups = Vec::with_capacity(niks.len());
    for nik in niks {
        let started = Instant::now();
        let found = services
            .households
            .lookup(&actor, IdentityQuery::Nik(nik))
            .await
            .map_err(|e| anyhow::anyhow!(e.message_en()))?;
        lookups.push(started.elapsed());
        anyhow::ensure!(!found.households.is_empty(), "a seeded NIK was not found");
    }

    let villages: Vec<String> = cases::Entity::find()
        .select_only()
        .column(cases::Column::VillageCode)
        .distinct()
        .limit(5_000)
        .into_tuple()
        .all(db)
        .await
        .context("cannot list villages with cases")?;
    anyhow::ensure!(!villages.is_empty(), "the database has no cases");
    let mut lists = Vec::with_capacity(options.lists);
    let mut overdue = Vec::with_capacity(options.lists);
    for _ in 0..options.lists {
        let village = AreaCode::parse(&villages[rng.gen_range(0..villages.len())])
            .map_err(|e| anyhow::anyhow!(e.message_en()))?;
        let filter = CaseFilter {
            area: Some(village.clone()),
            open_only: true,
            ..Default::default()
        };
        let started = Instant::now();
        services
            .cases
            .list(&actor, filter)
            .await
            .map_err(|e| anyhow::anyhow!(e.message_en()))?;
        lists.push(started.elapsed());
        let district = village
            .ancestor_at(shared::geo::AreaLevel::District)
            .unwrap_or(village);
        let filter = CaseFilter {
            area: Some(district),
            overdue_only: true,
            ..Default::default()
        };
        let started = Instant::now();
        services
            .cases
            .list(&actor, filter)
            .await
            .map_err(|e| anyhow::anyhow!(e.message_en()))?;
        overdue.push(started.elapsed());
    }
    let case_page = |village: &str| format!("{}?wilayah={village}", app::paths::CASES);
    let pages = page_timings(
        db,
        services,
        &token,
        &villages,
        &mut rng,
        options.lists,
        (&case_page, b"case-table"),
    )
    .await?;
    let dashboards = dashboard_timings(
        db,
        services,
        &actor,
        &token,
        &villages,
        &mut rng,
        options.lists,
    )
    .await?;
    let (families, duplicate_lists) =
        duplicate_timings(db, &villages, &mut rng, options.lookups).await?;
    let mut rows = vec![
        timing(
            "NIK lookup (keyed hash, with registry check + audit)",
            lookups,
        ),
        timing(
            "families likely the same, looked up at registration (whole family)",
            families,
        ),
        timing(
            "district's list of likely duplicates, computed for every sub-district (housekeeping)",
            duplicate_lists.computed,
        ),
        timing(
            "district's list of likely duplicates, as the manager opens it",
            duplicate_lists.opened,
        ),
        timing(
            "district's list of likely duplicates, opened after a change in one sub-district",
            duplicate_lists.after_change,
        ),
        timing("case list page /kasus, one village (SSR)", pages),
        timing("case list, one village, open, page 1", lists),
        timing("case list, one district, overdue, page 1", overdue),
    ];
    rows.extend(dashboards);
    Ok(rows)
}

/// Times the look-up of households likely the same family as one being
/// registered (a stored family typed again with each name's words in another
/// order, so that it finds itself), and a few districts' duplicate lists.
async fn duplicate_timings(
    db: &DatabaseConnection,
    villages: &[String],
    rng: &mut StdRng,
    samples: usize,
) -> anyhow::Result<(Vec<Duration>, DuplicateLists)> {
    use crate::services::households::duplicates::{
        PAIRS_SHOWN, likely_in_subdistrict, likely_pairs_in, refresh_pairs,
    };
    let fail = |e: shared::contract::ServiceError| anyhow::anyhow!(e.to_string());
    let max_household = households::Entity::find()
        .order_by_desc(households::Column::Id)
        .one(db)
        .await?
        .map(|h| h.id)
        .unwrap_or(0);
    let mut families = Vec::with_capacity(samples);
    let mut found = 0;
    while families.len() < samples {
        let Some(household) = households::Entity::find_by_id(rng.gen_range(1..=max_household))
            .one(db)
            .await?
        else {
            continue;
        };
        let typed: Vec<(String, chrono::NaiveDate)> = members::Entity::find()
            .filter(members::Column::HouseholdId.eq(household.id))
            .all(db)
            .await?
            .into_iter()
            .map(|m| {
                let words: Vec<&str> = m.name.split_whitespace().rev().collect();
                (words.join(" "), m.birth_date)
            })
            .collect();
        let started = Instant::now();
        let likely = likely_in_subdistrict(db, &household.village_code, &typed, None)
            .await
            .map_err(fail)?;
        families.push(started.elapsed());
        found += usize::from(likely.iter().any(|(row, _)| row.id == household.id));
    }
    anyhow::ensure!(found == samples, "a family typed again was not found");
    let store = crate::services::store::Store::new(db.clone());
    let mut lists = DuplicateLists::default();
    // Up to three districts, each timed once: computing its list changes
    // what the next opening costs.
    let mut district_codes: Vec<AreaCode> = Vec::new();
    for village in villages {
        let village = AreaCode::parse(village).map_err(|e| anyhow::anyhow!(e.message_en()))?;
        let district = village
            .ancestor_at(shared::geo::AreaLevel::District)
            .unwrap_or(village);
        if !district_codes.contains(&district) {
            district_codes.push(district);
        }
    }
    district_codes.truncate(3);
    for district in district_codes {
        let scope = shared::geo::AreaScope::Area(district.clone());
        let started = Instant::now();
        refresh_pairs(&store, &scope).await.map_err(fail)?;
        lists.computed.push(started.elapsed());
        let started = Instant::now();
        refresh_pairs(&store, &scope).await.map_err(fail)?;
        likely_pairs_in(db, &scope, PAIRS_SHOWN)
            .await
            .map_err(fail)?;
        lists.opened.push(started.elapsed());
        let village = &villages[rng.gen_range(0..villages.len())];
        let subdistrict = crate::services::households::subdistrict_of(village);
        duplicate_scans::Entity::update_many()
            .col_expr(
                duplicate_scans::Column::Changes,
                sea_orm::sea_query::ExprTrait::add(
                    sea_orm::sea_query::Expr::col(duplicate_scans::Column::Changes),
                    1,
                ),
            )
            .filter(duplicate_scans::Column::Subdistrict.eq(subdistrict))
            .exec(db)
            .await?;
        let started = Instant::now();
        refresh_pairs(&store, &scope).await.map_err(fail)?;
        likely_pairs_in(db, &scope, PAIRS_SHOWN)
            .await
            .map_err(fail)?;
        lists.after_change.push(started.elapsed());
    }
    Ok((families, lists))
}

/// Timings of the districts' duplicate lists.
#[derive(Default)]
struct DuplicateLists {
    computed: Vec<Duration>,
    opened: Vec<Duration>,
    after_change: Vec<Duration>,
}

/// The same figures the district dashboard shows, counted from the records by
/// plain SQL aggregates (what a dashboard without counters would have to do).
/// `district` empty: every district at once, grouped by district.
async fn raw_aggregates(
    db: &DatabaseConnection,
    district: &str,
    today: chrono::NaiveDate,
) -> anyhow::Result<usize> {
    use sea_orm::{ConnectionTrait, DatabaseBackend, Statement};
    let backend = db.get_database_backend();
    let (area, filter) = if district.is_empty() {
        ("substr(h.village_code, 1, 5)", "1 = 1")
    } else {
        ("'d'", "h.village_code LIKE :like")
    };
    let case_area = area.replace("h.", "c.");
    let case_filter = filter.replace("h.", "c.");
    let queries = [
        format!(
            "SELECT {area}, h.desil, COUNT(*) FROM households h WHERE {filter} AND h.status = 'active' GROUP BY 1, 2"
        ),
        format!(
            "SELECT {area}, h.desil, COUNT(*) FROM members m JOIN households h ON h.id = m.household_id \
                 WHERE {filter} AND m.registry_status NOT IN ('deceased', 'duplicate') GROUP BY 1, 2"
        ),
        format!(
            "SELECT {case_area}, c.state, c.level, COUNT(*), \
                        SUM(CASE WHEN c.due_on < :today AND c.state NOT IN ('resolved', 'closed') THEN 1 ELSE 0 END) \
                 FROM cases c WHERE {case_filter} GROUP BY 1, 2, 3"
        ),
        format!(
            "SELECT {case_area}, substr(CAST(c.opened_on AS TEXT), 1, 7), COUNT(*) FROM cases c WHERE {case_filter} GROUP BY 1, 2"
        ),
        format!(
            "SELECT {case_area}, p.sector, p.complaint_type, COUNT(*) FROM complaints p JOIN cases c ON c.id = p.case_id \
                 WHERE {case_filter} GROUP BY 1, 2, 3"
        ),
        format!(
            "SELECT {case_area}, g.code, r.state, COUNT(*) FROM referrals r JOIN cases c ON c.id = r.case_id \
                 JOIN programmes g ON g.id = r.programme_id WHERE {case_filter} GROUP BY 1, 2, 3"
        ),
        format!(
            "SELECT {case_area}, c.stage, COUNT(*) FROM proposals c WHERE {case_filter} GROUP BY 1, 2"
        ),
    ];
    let mut rows = 0;
    for template in queries {
        // Named parameters become numbered ones, bound in that order.
        let mut sql = template;
        let mut values: Vec<sea_orm::Value> = Vec::new();
        let named: [(&str, sea_orm::Value); 2] = [
            (":like", format!("{district}.%").into()),
            (":today", today.into()),
        ];
        for (name, value) in named {
            if sql.contains(name) {
                values.push(value);
                let mark = match backend {
                    DatabaseBackend::Postgres => format!("${}", values.len()),
                    _ => format!("?{}", values.len()),
                };
                sql = sql.replace(name, &mark);
            }
        }
        rows += db
            .query_all_raw(Statement::from_sql_and_values(backend, sql, values))
            .await?
            .len();
    }
    Ok(rows)
}

/// Times the dashboards: the district dashboard and the national comparison
/// (service calls on the counters and the page through the router), and the
/// same figures counted by raw SQL aggregates; prints the ratios.
async fn dashboard_timings(
    db: &DatabaseConnection,
    services: &Services,
    actor: &Actor,
    token: &str,
    villages: &[String],
    rng: &mut StdRng,
    samples: usize,
) -> anyhow::Result<Vec<Timing>> {
    let mut districts: Vec<String> = villages
        .iter()
        .filter_map(|v| v.get(..5))
        .map(str::to_string)
        .collect();
    districts.sort();
    districts.dedup();
    let today = crate::services::common::today();
    let mut boards = Vec::with_capacity(samples);
    let mut compares = Vec::with_capacity(samples);
    for _ in 0..samples {
        let district = &districts[rng.gen_range(0..districts.len())];
        let started = Instant::now();
        services
            .dashboards
            .area(actor, district)
            .await
            .map_err(|e| anyhow::anyhow!(e.message_en()))?;
        boards.push(started.elapsed());
        let started = Instant::now();
        services
            .dashboards
            .compare(actor, shared::dashboard::CompareLevel::District)
            .await
            .map_err(|e| anyhow::anyhow!(e.message_en()))?;
        compares.push(started.elapsed());
    }
    let raw_samples = samples.clamp(1, 10);
    let mut raw_district = Vec::with_capacity(raw_samples);
    let mut raw_national = Vec::with_capacity(raw_samples);
    for _ in 0..raw_samples {
        let district = &districts[rng.gen_range(0..districts.len())];
        let started = Instant::now();
        raw_aggregates(db, district, today).await?;
        raw_district.push(started.elapsed());
        let started = Instant::now();
        raw_aggregates(db, "", today).await?;
        raw_national.push(started.elapsed());
    }
    let dashboard_page = |district: &str| format!("{}?wilayah={district}", app::paths::DASHBOARD);
    let pages = page_timings(
        db,
        services,
        token,
        &districts,
        rng,
        samples,
        (&dashboard_page, b"indicator-cards"),
    )
    .await?;
    let rows = vec![
        timing("district dashboard (service, from the counters)", boards),
        timing("district dashboard page /dasbor (SSR)", pages),
        timing("national comparison of districts (service)", compares),
        timing("raw SQL aggregates of one district's figures", raw_district),
        timing(
            "raw SQL aggregates of every district's figures",
            raw_national,
        ),
    ];
    let ratio = |raw: &Timing, kept: &Timing| {
        raw.median.as_secs_f64() / kept.median.as_secs_f64().max(1e-9)
    };
    println!(
        "dashboard ratios (raw SQL median / counters median): district {:.0}x, national {:.0}x",
        ratio(&rows[3], &rows[0]),
        ratio(&rows[4], &rows[2])
    );
    Ok(rows)
}
