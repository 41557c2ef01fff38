//! `cargo xtask`: sets up, builds, runs and tests SLRT Portal on a fresh machine.
//! Pure Rust (the standard library and the bundle splitter), so that it compiles
//! before anything else is installed.

mod dev;
mod import_bench;
mod postgres;
mod rush;
mod setup;
mod site;
mod util;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use util::{Steps, cmd, free_port, workspace_root};

const USAGE: &str = "\
cargo xtask <command> [options]

Commands:
  setup            install what is missing (WASM target, wasm-bindgen, npm tools,
                   Chromium and PostgreSQL for the tests); safe to repeat
  build [--debug]  build the browser bundle, CSS and server (release by default)
  run              setup, release build, migrate, load areas and demo data if
                   missing, then serve on http://127.0.0.1:3000
                     --database-url URL   (or DATABASE_URL) default sqlite://data/slrt.db
                     --listen ADDR        default 127.0.0.1:3000
  dev              the edit loop: debug server and unoptimised bundle on data/dev.db
                   (areas and demo data), rebuilt and restarted when a file under
                   app, shared, server, migrations or style changes; open pages
                   reload themselves
                     --database-url URL   --listen ADDR   as for `run`
  test             setup, fmt, clippy, rustdoc and wasm32 build of `shared`, all Rust tests on
                   SQLite, integration tests on a throwaway PostgreSQL, browser tests
                   (the release bundle builds beside the Rust tests)
                     --skip-postgres --skip-browser   leave out a lane
  site             the release browser bundle and CSS alone
  bench            release build, a fresh SQLite database with the real areas and
                   N synthetic households, then timings of the calls staff wait on
                     --households N   default 1000000
  bench import     the registry import of N synthetic rows on SQLite and PostgreSQL
                   (release build, the real areas), beside sqlite3 .import and COPY
                   of the same file; prints seconds, rows/s and peak memory
                     --rows N         default 1000000
                     --engine E       sqlite, postgres or both (default)
  bench pages      the village post's weak signal: release bundle and server, demo
                   data, then home, front desk and district dashboard opened in
                   Chromium at 360 px with 400 ms latency, 50 KB/s and the CPU 4x
                   slower, cold and warm; prints first paint, usable, bytes and
                   requests (SLRT_BIN=path uses that slrt binary)
                     --rounds N       median of N runs per page, default 3
  bench rush       a deadline-day rush: N front-desk clients at once sign in, then
                   look up, register a household, open a case, act on it and read
                   the case list; checks nothing confirmed was lost or duplicated,
                   compares list reads with a bare endpoint, kills the server and a
                   registry import with SIGKILL (release build; SLRT_BIN=path uses
                   that slrt binary instead)
                     --clients N      default 400
                     --rounds R       default 3
                     --engine E       sqlite, postgres or both (default)
                     --skip-kill      leave out the kill -9 step
                     --time-limit-minutes M   whole run, default 90
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = workspace_root();
    let result = match args.first().map(String::as_str) {
        Some("setup") => setup::run(&root, setup::Purpose::Test).map(|_| ()),
        Some("build") => build(&root, !args.iter().any(|a| a == "--debug")),
        Some("run") => run(&root, &args[1..]),
        Some("dev") => dev::run(&root, &args[1..]),
        Some("test") => test(&root, &args[1..]),
        Some("site") => site_only(&root),
        Some("bench") if args.get(1).is_some_and(|a| a == "rush") => rush::run(&root, &args[2..]),
        Some("bench") if args.get(1).is_some_and(|a| a == "import") => {
            import_bench::run(&root, &args[2..])
        }
        Some("bench") if args.get(1).is_some_and(|a| a == "pages") => {
            bench_pages(&root, &args[2..])
        }
        Some("bench") => bench(&root, &args[1..]),
        Some("-h" | "--help" | "help") | None => {
            print!("{USAGE}");
            Ok(())
        }
        Some(other) => Err(format!("unknown command `{other}`\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("\nxtask: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Value of `--name VALUE` in `args`, if given.
fn option(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|arg| arg == name)
        .and_then(|at| args.get(at + 1))
        .cloned()
}

fn build(root: &Path, release: bool) -> Result<(), String> {
    let mut steps = Steps::new("build");
    let tools = setup::run(root, setup::Purpose::Run)?;
    site::build_site(root, &tools, &mut steps, site::Mode::Release)?;
    steps.run("server", || {
        let mut command = cmd("cargo", ["build", "-p", "server"]);
        if release {
            command.arg("--release");
        }
        util::status(command.current_dir(root))
    })?;
    steps.print();
    Ok(())
}

/// Migrates the database `slrt` (a command for the `slrt` binary on it) and
/// fills it with the areas (when empty) and the demo data.
fn demo_database(
    root: &Path,
    slrt: &dyn Fn(&[&str]) -> std::process::Command,
) -> Result<(), String> {
    util::status(&mut slrt(&["migrate"]))?;
    let areas = root.join("node_modules/idn-area-data/data");
    util::status(&mut slrt(&[
        "import-areas",
        "--if-empty",
        &areas.to_string_lossy(),
    ]))?;
    util::status(&mut slrt(&["seed-demo"]))
}

/// `slrt serve` for a local demo on `listen`: the built site, plain-http
/// cookies and the published demo password allowed.
fn demo_serve_args(listen: &str) -> [&str; 7] {
    [
        "serve",
        "--listen",
        listen,
        "--site-root",
        "target/site",
        "--insecure-cookies",
        "--demo",
    ]
}

fn run(root: &Path, args: &[String]) -> Result<(), String> {
    let database_url = option(args, "--database-url")
        .or_else(|| std::env::var("DATABASE_URL").ok())
        .unwrap_or_else(|| "sqlite://data/slrt.db".to_string());
    let listen = option(args, "--listen").unwrap_or_else(|| "127.0.0.1:3000".to_string());
    build(root, true)?;
    let slrt = util::cargo_target_dir(root).join("release/slrt");
    let slrt_cmd = |sub: &[&str]| {
        let mut command = cmd(&slrt, sub);
        command.current_dir(root).env("DATABASE_URL", &database_url);
        command
    };
    demo_database(root, &slrt_cmd)?;
    println!(
        "\nSLRT Portal: http://{listen}  (demo accounts: see README.md; password slrt-demo-2026)\n"
    );
    util::status(&mut slrt_cmd(&demo_serve_args(&listen)))
}

/// Longest the SQLite lane may take, compiling the tests included while the
/// browser bundle builds beside it (a warm machine needs about a fifth of it,
/// a clean one shares both cores with the bundle's first build); past it, a
/// test is waiting forever.
const SQLITE_LANE_LIMIT: std::time::Duration = std::time::Duration::from_secs(45 * 60);
/// Longest the PostgreSQL lane may take (nothing to compile; about 2 min).
const POSTGRES_LANE_LIMIT: std::time::Duration = std::time::Duration::from_secs(15 * 60);

fn test(root: &Path, args: &[String]) -> Result<(), String> {
    let skip_postgres = args.iter().any(|a| a == "--skip-postgres");
    let skip_browser = args.iter().any(|a| a == "--skip-browser");
    let mut steps = Steps::new("test");
    let tools = steps.run("setup", || setup::run(root, setup::Purpose::Test))?;
    let cargo = |args: &[&str]| {
        let mut command = cmd("cargo", args);
        command.current_dir(root);
        util::status(&mut command)
    };
    steps.run("cargo fmt --check", || {
        cargo(&["fmt", "--all", "--", "--check"])
    })?;
    steps.run("cargo clippy -D warnings", || {
        cargo(&[
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ])
    })?;
    steps.run("rustdoc of shared, -D warnings", || {
        let mut command = cmd("cargo", ["doc", "-p", "shared", "--no-deps"]);
        command.current_dir(root).env("RUSTDOCFLAGS", "-D warnings");
        util::status(&mut command)
    })?;
    steps.run("shared builds for wasm32", || {
        site::wasm_cargo(root, &tools, &["build", "-p", "shared"])
    })?;
    let bundle = if skip_browser {
        None
    } else {
        Some(steps.run("browser bundle started", || Bundle::start(root, &tools))?)
    };
    steps.run("rust tests (SQLite)", || {
        let mut command = cmd("cargo", ["test", "--workspace"]);
        command.current_dir(root).env_remove("TEST_DATABASE_URL");
        util::status_within(&mut command, SQLITE_LANE_LIMIT)
    })?;
    if !skip_postgres {
        steps.run("integration tests (PostgreSQL)", || {
            let cluster = postgres::Cluster::start(root, &tools)?;
            // `--workspace` keeps the feature set of the SQLite run: nothing recompiles.
            let mut command = cmd("cargo", ["test", "--workspace", "--test", "*"]);
            command
                .current_dir(root)
                .env("TEST_DATABASE_URL", cluster.url());
            util::status_within(&mut command, POSTGRES_LANE_LIMIT)
        })?;
    }
    if let Some(bundle) = bundle {
        steps.run("browser bundle (built beside the Rust tests)", || {
            bundle.finish()
        })?;
        steps.run("browser tests (Chromium)", || browser_tests(root, &tools))?;
    }
    steps.print();
    println!("\nAll checks passed.");
    Ok(())
}

/// `cargo xtask site`: the release browser bundle alone, with the tools handed
/// over by the xtask that started it (or found by setup).
fn site_only(root: &Path) -> Result<(), String> {
    let tools = match std::env::var(setup::TOOLS_VAR) {
        Ok(line) => setup::Tools::from_env(&line)
            .ok_or_else(|| format!("{}: not a list of tools: {line:?}", setup::TOOLS_VAR))?,
        Err(_) => setup::run(root, setup::Purpose::Run)?,
    };
    let mut steps = Steps::new("site");
    site::build_site(root, &tools, &mut steps, site::Mode::Release)?;
    steps.print();
    Ok(())
}

/// The release browser bundle building in a process of its own beside the
/// Rust tests: its compiler and optimiser work mostly on one core while the
/// tests mostly wait on their databases. Its output goes to a log: its steps
/// are shown when it is done, the log's last 80 lines when it fails; it is
/// stopped (with all it started) when the run stops first.
struct Bundle {
    child: Option<std::process::Child>,
    log: PathBuf,
}

impl Bundle {
    fn start(root: &Path, tools: &setup::Tools) -> Result<Bundle, String> {
        use std::os::unix::process::CommandExt;
        let exe = std::env::current_exe().map_err(|e| format!("the xtask binary: {e}"))?;
        let log = util::cargo_target_dir(root).join("xtask-site.log");
        if let Some(folder) = log.parent() {
            std::fs::create_dir_all(folder).map_err(|e| format!("{}: {e}", folder.display()))?;
        }
        let out = std::fs::File::create(&log).map_err(|e| format!("{}: {e}", log.display()))?;
        let err = out.try_clone().map_err(|e| e.to_string())?;
        let child = std::process::Command::new(exe)
            .arg("site")
            .current_dir(root)
            .env(setup::TOOLS_VAR, tools.to_env())
            .stdout(out)
            .stderr(err)
            .process_group(0)
            .spawn()
            .map_err(|e| format!("cannot start the bundle's build: {e}"))?;
        println!(
            "   building beside the tests; its output: {}",
            log.display()
        );
        Ok(Bundle {
            child: Some(child),
            log,
        })
    }

    /// Waits for the build; prints its steps, or the end of its log when it failed.
    fn finish(mut self) -> Result<(), String> {
        let Some(mut child) = self.child.take() else {
            return Err("the bundle's build was not started".into());
        };
        let status = child
            .wait()
            .map_err(|e| format!("the bundle's build: {e}"))?;
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        if status.success() {
            for line in lines.iter().filter(|line| line.starts_with("<== ")) {
                println!("   {line}");
            }
            Ok(())
        } else {
            for line in &lines[lines.len().saturating_sub(80)..] {
                println!("   | {line}");
            }
            Err(format!(
                "the bundle's build failed ({status}); whole log: {}",
                self.log.display()
            ))
        }
    }
}

impl Drop for Bundle {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            // The whole group: cargo, rustc, wasm-opt.
            util::stop_group(&mut child, "-TERM");
        }
    }
}

/// Seeds a large synthetic database and prints how long the important calls take.
fn bench(root: &Path, args: &[String]) -> Result<(), String> {
    let households = option(args, "--households").unwrap_or_else(|| "1000000".to_string());
    let mut steps = Steps::new("bench");
    steps.run("server (release)", || {
        util::status(cmd("cargo", ["build", "--release", "-p", "server"]).current_dir(root))
    })?;
    let slrt = util::cargo_target_dir(root).join("release/slrt");
    let work = util::TempDir::new("slrt-bench")?;
    let database_url = format!("sqlite://{}/bench.db", work.path().display());
    let slrt_cmd = |sub: &[&str]| {
        let mut command = cmd(&slrt, sub);
        command
            .current_dir(root)
            .env("DATABASE_URL", &database_url)
            .env("SLRT_DATA_KEY_FILE", work.path().join("bench.key"));
        command
    };
    let areas = root.join("node_modules/idn-area-data/data");
    steps.run("import-areas (all of Indonesia)", || {
        util::status(&mut slrt_cmd(&["import-areas", &areas.to_string_lossy()]))
    })?;
    steps.run(&format!("seed-scale --households {households}"), || {
        util::status(&mut slrt_cmd(&["seed-scale", "--households", &households]))
    })?;
    steps.run("service timings", || {
        util::status(&mut slrt_cmd(&["bench"]))
    })?;
    steps.print();
    Ok(())
}

/// The demo server's SQLite database in `work`.
fn demo_database_url(work: &Path) -> String {
    format!("sqlite://{}/demo.db", work.display())
}

/// Starts `slrt serve --demo` on a fresh SQLite database in `work` with the
/// real areas and the demo data (its data key in `work` too), its output in
/// `log_path` (`log_filter`: its `SLRT_LOG`), and waits until it is ready.
/// Answers the server (stopped when dropped) and its address.
fn demo_server(
    root: &Path,
    slrt: &Path,
    work: &Path,
    log_path: &Path,
    log_filter: Option<&str>,
) -> Result<(util::Child, String), String> {
    let database_url = demo_database_url(work);
    let slrt_cmd = |sub: &[&str]| {
        let mut command = cmd(slrt, sub);
        command
            .current_dir(root)
            .env("DATABASE_URL", &database_url)
            .env("SLRT_DATA_KEY_FILE", work.join("demo.key"));
        command
    };
    let areas: PathBuf = root.join("node_modules/idn-area-data/data");
    util::status(&mut slrt_cmd(&["import-areas", &areas.to_string_lossy()]))?;
    util::status(&mut slrt_cmd(&["seed-demo"]))?;
    let listen = format!("127.0.0.1:{}", free_port()?);
    let log =
        std::fs::File::create(log_path).map_err(|e| format!("{}: {e}", log_path.display()))?;
    let log_err = log.try_clone().map_err(|e| e.to_string())?;
    let mut server = slrt_cmd(&demo_serve_args(&listen));
    if let Some(filter) = log_filter {
        server.env("SLRT_LOG", filter);
    }
    server.stdout(log).stderr(log_err);
    let server = util::Child::spawn(server, "slrt serve")?;
    let base_url = format!("http://{listen}");
    util::wait_for_http(
        &format!("{base_url}/readyz"),
        std::time::Duration::from_secs(60),
    )?;
    Ok((server, base_url))
}

/// Measures the pages staff open first under a weak 3G signal
/// (`end2end/bench/slow-link.mjs`) against a release build with demo data.
fn bench_pages(root: &Path, args: &[String]) -> Result<(), String> {
    let rounds = option(args, "--rounds").unwrap_or_else(|| "3".to_string());
    let tools = setup::run(root, setup::Purpose::Test)?;
    let mut steps = Steps::new("bench pages");
    site::build_site(root, &tools, &mut steps, site::Mode::Release)?;
    let slrt = rush::slrt_binary(root, &mut steps)?;
    let work = util::TempDir::new("slrt-bench-pages")?;
    let log_path = work.path().join("server.log");
    let (server, base_url) = steps.run("demo server (areas and demo data)", || {
        demo_server(root, &slrt, work.path(), &log_path, None)
    })?;
    let outcome = steps.run("pages under the slow profile (Chromium)", || {
        let mut node = cmd("node", ["end2end/bench/slow-link.mjs"]);
        node.current_dir(root)
            .env("BASE_URL", &base_url)
            .env("CHROMIUM_PATH", &tools.chromium)
            .env("ROUNDS", &rounds);
        util::status_within(&mut node, std::time::Duration::from_secs(30 * 60))
    });
    drop(server);
    outcome?;
    steps.print();
    Ok(())
}

/// Starts the debug server built by `cargo test` on a fresh SQLite database
/// with demo data, runs the Playwright specs against it, then stops it.
fn browser_tests(root: &Path, tools: &setup::Tools) -> Result<(), String> {
    let slrt = util::cargo_target_dir(root).join("debug/slrt");
    if !slrt.exists() {
        util::status(cmd("cargo", ["build", "-p", "server"]).current_dir(root))?;
    }
    let artifacts = root.join("end2end/artifacts");
    std::fs::create_dir_all(&artifacts).map_err(|e| format!("{}: {e}", artifacts.display()))?;
    let work = util::TempDir::new("slrt-e2e")?;
    let (server, base_url) = demo_server(
        root,
        &slrt,
        work.path(),
        &artifacts.join("server.log"),
        Some("info,tower_http=debug"),
    )?;
    // Missing when a run is clean; a leftover from an earlier run would be read twice.
    let _ = std::fs::remove_file(artifacts.join("urls.txt"));
    // A test that waits forever fails after 3 min with its name; the whole lane after 20.
    let mut node = cmd(
        "node",
        [
            "--test",
            "--test-concurrency=1",
            "--test-timeout=180000",
            "end2end/tests/",
        ],
    );
    // The server's own binary, database and key: a test imports a registry
    // release with them, as a district does from its shell.
    node.current_dir(root)
        .env("BASE_URL", &base_url)
        .env("CHROMIUM_PATH", &tools.chromium)
        .env("ARTIFACTS_DIR", &artifacts)
        .env("SLRT_BIN", &slrt)
        .env("DATABASE_URL", demo_database_url(work.path()))
        .env("SLRT_DATA_KEY_FILE", work.path().join("demo.key"));
    let outcome = util::status_within(&mut node, std::time::Duration::from_secs(20 * 60));
    drop(server);
    if outcome.is_err() {
        print_server_trouble(&artifacts.join("server.log"));
    }
    outcome?;
    // UU 24/2013: NIK and No KK never appear in logs or addresses. The whole
    // browser run's server log and every URL the browser requested are searched.
    for file in ["server.log", "urls.txt"] {
        let path = artifacts.join(file);
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let found = identity_numbers_in(&text);
        if !found.is_empty() {
            return Err(format!(
                "{}: {} NIK/No KK-shaped numbers found (first at byte {})",
                path.display(),
                found.len(),
                found[0]
            ));
        }
        println!("   {file}: no NIK or No KK ({} bytes searched)", text.len());
    }
    Ok(())
}

/// After a failed browser run: the server's last warnings, errors and refused
/// requests, so that a failure on a machine whose artifacts are gone can be read
/// from its output alone.
fn print_server_trouble(log: &Path) {
    let Ok(text) = std::fs::read_to_string(log) else {
        return;
    };
    let trouble: Vec<&str> = text.lines().filter(|line| is_trouble(line)).collect();
    let shown = &trouble[trouble.len().saturating_sub(40)..];
    println!(
        "   server log: the last {} of {} warnings, errors and 4xx/5xx answers",
        shown.len(),
        trouble.len()
    );
    for line in shown {
        println!("   | {line}");
    }
}

/// A server log line worth reading after a failure.
fn is_trouble(line: &str) -> bool {
    line.contains(" WARN ")
        || line.contains(" ERROR ")
        || line.contains("status=4")
        || line.contains("status=5")
}

/// Byte offsets of 16-digit numbers standing alone (the shape of a NIK or No KK).
fn identity_numbers_in(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut start = 0;
    while start < bytes.len() {
        if !bytes[start].is_ascii_digit() {
            start += 1;
            continue;
        }
        let mut end = start;
        while end < bytes.len() && bytes[end].is_ascii_digit() {
            end += 1;
        }
        let before = start.checked_sub(1).map(|i| bytes[i]);
        let after = bytes.get(end).copied();
        let alone = |b: Option<u8>| b.is_none_or(|b| !b.is_ascii_alphanumeric());
        if end - start == 16 && alone(before) && alone(after) {
            found.push(start);
        }
        start = end;
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_run_shows_refusals_and_warnings_but_not_plain_requests() {
        assert!(is_trouble(
            "2026-12-08T00:06:42Z DEBUG request{method=POST uri=/api/x}: finished processing request latency=7 ms status=422"
        ));
        assert!(is_trouble(
            "2026-12-08T00:06:42Z  WARN slrt::web: database busy: answering 503"
        ));
        assert!(!is_trouble(
            "2026-12-08T00:06:42Z DEBUG request{method=GET uri=/musdes/4}: finished processing request latency=9 ms status=200"
        ));
        assert!(!is_trouble(
            "2026-12-08T00:06:42Z DEBUG request{method=POST uri=/musdes/4/notulen}: finished processing request latency=9 ms status=303"
        ));
    }

    #[test]
    fn sixteen_digits_alone_are_found_and_longer_runs_are_not() {
        let text = "nik=3209123456789012 id=12345678901234567 x3209123456789012";
        assert_eq!(identity_numbers_in(text), vec![4]);
    }
}
