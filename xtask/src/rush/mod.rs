//! `cargo xtask bench rush`: a deadline-day rush on the portal. N front-desk
//! clients at once register households and open cases on SQLite and/or
//! PostgreSQL; then checks that nothing confirmed was lost or duplicated,
//! a read-phase comparison and a kill -9 step.

mod clients;
mod drafts;
mod http;
mod json;
mod kill;
pub(crate) use kill::registry_csv;
mod ops;
mod options;
mod readphase;
mod report;
mod server;
mod session;
mod verify;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use clients::Plan;
use ops::Control;
use options::{Engine, Options};
use report::{Check, ReadStats, ScenarioReport};
use server::{Server, Slrt};

use crate::util::{self, Steps, TempDir, cmd, free_port};
use crate::{postgres, setup};

/// Longest a scenario's clients may run.
const SCENARIO_LIMIT: Duration = Duration::from_secs(20 * 60);
/// Read timeout of one request.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);
/// What the clients of a district scenario use.
const DISTRICT_USER: &str = verify::DISTRICT_USER;
const VILLAGE_USER: &str = "fo.waled";

/// What one engine produced.
#[derive(Default)]
struct EngineResult {
    scenarios: Vec<ScenarioReport>,
    reads: Vec<Result<ReadStats, String>>,
    checks: Vec<Check>,
}

/// Runs the rush on each engine asked for; an error if anything was refused
/// after the retries, lost or duplicated.
pub fn run(root: &Path, args: &[String]) -> Result<(), String> {
    let options = Options::parse(args)?;
    let deadline = Instant::now() + options.time_limit;
    let mut steps = Steps::new("bench rush");
    let bin = slrt_binary(root, &mut steps)?;
    let tools = if options.engines.contains(&Engine::Postgres) {
        Some(steps.run("setup (PostgreSQL)", || {
            setup::run(root, setup::Purpose::Test)
        })?)
    } else {
        None
    };
    let mut results = Vec::new();
    let mut failures = Vec::new();
    for &engine in &options.engines {
        if Instant::now() >= deadline {
            failures.push(format!(
                "{}: time limit reached before it ran",
                engine.name()
            ));
            continue;
        }
        let name = format!("rush on {}", engine.name());
        match steps.run(&name, || {
            run_engine(root, &bin, engine, &options, tools.as_ref(), deadline)
        }) {
            Ok(result) => results.push((engine, result)),
            Err(error) => failures.push(error),
        }
    }
    print_all(&results);
    steps.print();
    failures.extend(failures_of(&results));
    if failures.is_empty() {
        println!("\nNothing refused after retries, lost or duplicated.");
        Ok(())
    } else {
        Err(format!(
            "bench rush found problems:\n  {}",
            failures.join("\n  ")
        ))
    }
}

/// `SLRT_BIN` when set, else the release build (built now).
pub(crate) fn slrt_binary(root: &Path, steps: &mut Steps) -> Result<PathBuf, String> {
    if let Some(bin) = std::env::var_os("SLRT_BIN").map(PathBuf::from) {
        if !bin.is_file() {
            return Err(format!("SLRT_BIN={} is not a file", bin.display()));
        }
        println!("using SLRT_BIN={}", bin.display());
        return Ok(bin);
    }
    steps.run("server (release)", || {
        util::status(cmd("cargo", ["build", "--release", "-p", "server"]).current_dir(root))
    })?;
    Ok(util::cargo_target_dir(root).join("release/slrt"))
}

/// A fresh database with areas and demo data, the two scenarios, the read phase, the kill step.
fn run_engine(
    root: &Path,
    bin: &Path,
    engine: Engine,
    options: &Options,
    tools: Option<&setup::Tools>,
    deadline: Instant,
) -> Result<EngineResult, String> {
    let work = TempDir::new("slrt-rush")?;
    let cluster = match (engine, tools) {
        (Engine::Postgres, Some(tools)) => Some(postgres::Cluster::start(root, tools)?),
        (Engine::Postgres, None) => return Err("PostgreSQL was not set up".into()),
        (Engine::Sqlite, _) => None,
    };
    let database_url = match &cluster {
        Some(cluster) => cluster.url(),
        None => format!("sqlite://{}/rush.db", work.path().display()),
    };
    let logs = util::cargo_target_dir(root)
        .join("rush")
        .join(engine.name());
    let _ = std::fs::remove_dir_all(&logs);
    std::fs::create_dir_all(&logs).map_err(|e| format!("{}: {e}", logs.display()))?;
    println!("   logs and files of this run: {}", logs.display());
    let slrt = Slrt {
        bin: bin.to_path_buf(),
        root: root.to_path_buf(),
        database_url,
        key_file: work.path().join("rush.key"),
        logs,
    };
    slrt.run(&["migrate"])?;
    let areas = root.join("node_modules/idn-area-data/data");
    slrt.run(&["import-areas", &areas.to_string_lossy()])?;
    let desks = options.clients.to_string();
    slrt.run(&["seed-demo", "--desks", &desks])?;
    let server = slrt.serve(free_port()?)?;
    let setup_ctl = Control::new(server.port, REQUEST_TIMEOUT, deadline);
    let villages = district_villages(&setup_ctl)?;
    println!("   {} villages in the district", villages.len());
    let mut result = EngineResult::default();
    let scenarios = [
        (
            "district",
            DISTRICT_USER,
            district_plans(0, options, &villages),
        ),
        ("one village", VILLAGE_USER, village_plans(1, options)),
    ];
    for (name, user, plans) in scenarios {
        let report = run_scenario(engine, name, user, &server, plans, options.rounds, deadline)?;
        report.print_detail();
        result.scenarios.push(report);
    }
    result.reads = readphase::run(&setup_ctl, &slrt);
    report::print_reads(engine.name(), &result.reads);
    if options.skip_kill {
        drop(server);
    } else {
        // Rounds until the kill stops them (bounded): the rush is surely writing when it comes.
        let mut plans = district_plans(2, options, &villages);
        for plan in &mut plans {
            plan.rounds = drafts::MAX_ROUNDS - 1;
        }
        result.checks = kill::run(&slrt, server, plans, &villages, deadline);
        report::print_checks(engine.name(), &result.checks);
    }
    drop(cluster);
    Ok(result)
}

/// The account of desk `desk` (from 1) of `place`, as `slrt seed-demo --desks`
/// names it: every client is a desk of its own, as on a real deadline day
/// (the lookup allowance is per account and per address).
fn desk_username(place: &str, desk: usize) -> String {
    format!("fo.{place}.{desk:03}")
}

/// The villages `fo.cirebon` may register households in.
fn district_villages(ctl: &Control) -> Result<Vec<String>, String> {
    let mut session = ops::signed_in(ctl, DISTRICT_USER)?;
    let request = session::Request::form("/api/village_options", &[]);
    let answer = ops::call(&mut session, ctl, &request)?;
    let villages: Vec<String> = answer
        .as_array()
        .unwrap_or_default()
        .iter()
        .filter_map(|v| v.get("code").and_then(json::Value::as_str))
        .map(str::to_string)
        .collect();
    if villages.is_empty() {
        return Err("village_options gave no village to fo.cirebon".into());
    }
    Ok(villages)
}

fn district_plans(scenario: u32, options: &Options, villages: &[String]) -> Vec<Plan> {
    (0..options.clients)
        .map(|index| Plan {
            scenario,
            index,
            username: desk_username("cirebon", index + 1),
            village: villages[index % villages.len()].clone(),
            channel: "walk_in_district",
            rounds: options.rounds,
        })
        .collect()
}

fn village_plans(scenario: u32, options: &Options) -> Vec<Plan> {
    (0..options.clients)
        .map(|index| Plan {
            scenario,
            index,
            username: desk_username("waled", index + 1),
            village: readphase::VILLAGE.to_string(),
            channel: "walk_in_puskesos",
            rounds: options.rounds,
        })
        .collect()
}

/// One scenario: the totals before, the rush, the peak memory, the checks.
fn run_scenario(
    engine: Engine,
    name: &str,
    user: &str,
    server: &Server,
    plans: Vec<Plan>,
    rounds: u32,
    deadline: Instant,
) -> Result<ScenarioReport, String> {
    let deadline = deadline.min(Instant::now() + SCENARIO_LIMIT);
    let ctl = Arc::new(Control::new(server.port, REQUEST_TIMEOUT, deadline));
    let before = verify::totals(&ctl)?;
    let peak_is_scenarios = server.reset_peak_rss();
    let clients = plans.len();
    println!("   {name}: {clients} clients signing in, then {rounds} rounds each");
    let mut sign_in_peak = None;
    let rush = clients::run(&ctl, plans, |_| {
        // Sign-ins (password hashing) happen before the start: their peak apart.
        sign_in_peak = server.peak_rss_mb();
        server.reset_peak_rss();
    });
    let peak_rss_mb = server.peak_rss_mb();
    let (answers_500, bodies_500) = ctl.take_500s();
    println!(
        "   {name}: done in {:.1} s; checking",
        rush.wall.as_secs_f64()
    );
    let verification = verify::verify(&ctl, user, &rush.outcomes, before)?;
    let mut report = ScenarioReport {
        engine: engine.name().to_string(),
        scenario: name.to_string(),
        clients,
        rounds,
        wall: rush.wall,
        peak_rss_mb,
        sign_in_peak_rss_mb: sign_in_peak,
        verification,
        answers_500,
        bodies_500,
        not_started: rush.not_started,
        ..ScenarioReport::default()
    };
    if !peak_is_scenarios {
        report
            .verification
            .notes
            .push("peak RSS covers the server's whole life (clear_refs refused)".into());
    }
    report.count(rush.outcomes.iter().flat_map(|o| o.records.iter()));
    Ok(report)
}

fn print_all(results: &[(Engine, EngineResult)]) {
    let scenarios: Vec<ScenarioReport> = results
        .iter()
        .flat_map(|(_, r)| r.scenarios.iter().cloned())
        .collect();
    report::print_summary(&scenarios);
    for (engine, result) in results {
        if !result.reads.is_empty() {
            report::print_reads(engine.name(), &result.reads);
        }
        if !result.checks.is_empty() {
            report::print_checks(engine.name(), &result.checks);
        }
    }
}

fn failures_of(results: &[(Engine, EngineResult)]) -> Vec<String> {
    let mut failures = Vec::new();
    for (engine, result) in results {
        for s in result.scenarios.iter().filter(|s| s.refused > 0) {
            failures.push(format!(
                "{} / {}: {} operations refused after the browser's retries",
                engine.name(),
                s.scenario,
                s.refused
            ));
        }
        for s in result.scenarios.iter().filter(|s| s.verification.failed()) {
            let v = &s.verification;
            failures.push(format!(
                "{} / {}: lost {}, unreadable {}, duplicated {}{}",
                engine.name(),
                s.scenario,
                v.lost,
                v.unreadable,
                v.duplicated,
                if v.search_broken {
                    ", the name search could not resolve unconfirmed writes"
                } else {
                    ""
                }
            ));
        }
        for check in result.checks.iter().filter(|c| c.passed == Some(false)) {
            failures.push(format!(
                "{} / kill -9: {}: {}",
                engine.name(),
                check.name,
                check.detail
            ));
        }
    }
    failures
}
