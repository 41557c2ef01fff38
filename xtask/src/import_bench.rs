//! `cargo xtask bench import`: the registry import of N synthetic rows timed
//! on SQLite and PostgreSQL (release build, the real area table), beside what
//! the engine's own bulk loader takes for the same file into a plain table
//! with the two indexes an import needs (`sqlite3 .import`, PostgreSQL
//! `COPY`), and the import's peak memory. Prints a table; asserts nothing.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::util::{self, Steps, TempDir, cmd};
use crate::{option, postgres, rush, setup};

/// One engine's measurements.
struct Measured {
    engine: &'static str,
    seconds: f64,
    peak_mb: f64,
    accepted: Option<String>,
    baseline: Option<(&'static str, f64)>,
}

/// The plain table and indexes the engines' own loaders fill.
const PLAIN_TABLE: &str = "CREATE TABLE plain_registry (id_keluarga TEXT, sumber TEXT, \
    no_kk TEXT, nik TEXT, nama TEXT, hubungan TEXT, kode_wilayah TEXT, alamat TEXT, desil TEXT, \
    program TEXT); CREATE INDEX plain_family ON plain_registry (id_keluarga); \
    CREATE UNIQUE INDEX plain_nik ON plain_registry (nik);";

pub fn run(root: &Path, args: &[String]) -> Result<(), String> {
    let rows: usize = option(args, "--rows")
        .map(|rows| {
            rows.parse()
                .map_err(|_| format!("--rows {rows}: not a number"))
        })
        .transpose()?
        .unwrap_or(1_000_000);
    let engine = option(args, "--engine").unwrap_or_else(|| "both".into());
    let (sqlite, postgres) = match engine.as_str() {
        "sqlite" => (true, false),
        "postgres" => (false, true),
        "both" => (true, true),
        other => return Err(format!("--engine {other}: sqlite, postgres or both")),
    };
    let mut steps = Steps::new("bench import");
    // The npm packages hold the area table; PostgreSQL comes with the test setup.
    let purpose = if postgres {
        setup::Purpose::Test
    } else {
        setup::Purpose::Run
    };
    let tools = setup::run(root, purpose)?;
    let tools = postgres.then_some(tools);
    steps.run("server (release)", || {
        util::status(cmd("cargo", ["build", "--release", "-p", "server"]).current_dir(root))
    })?;
    let slrt = util::cargo_target_dir(root).join("release/slrt");
    let areas = root.join("node_modules/idn-area-data/data");
    let work = TempDir::new("slrt-import-bench")?;
    let file = work.path().join("registry.csv");
    steps.run(&format!("a registry file of {rows} rows"), || {
        let villages = district_villages(&areas, "32.09.")?;
        let families = rows.div_ceil(4);
        std::fs::write(&file, rush::registry_csv(&villages, families))
            .map_err(|e| format!("{}: {e}", file.display()))
    })?;
    let rows_written = rows.div_ceil(4) * 4;
    let mut measured = Vec::new();
    if sqlite {
        let url = format!("sqlite://{}/bench.db", work.path().display());
        let result = steps.run("SQLite: areas, import, sqlite3 .import", || {
            let mut result = import(root, &slrt, &url, work.path(), &areas, &file, "SQLite")?;
            if util::on_path("sqlite3") {
                let plain = work.path().join("plain.db");
                let script = format!(
                    "{PLAIN_TABLE}\n.mode csv\n.import --skip 1 {} plain_registry\n",
                    file.display()
                );
                let seconds = timed(
                    cmd("sqlite3", [plain.to_string_lossy().as_ref()]),
                    Some(&script),
                )?;
                result.baseline = Some(("sqlite3 .import", seconds));
            }
            Ok(result)
        })?;
        measured.push(result);
    }
    if let Some(tools) = &tools {
        let result = steps.run("PostgreSQL: areas, import, COPY", || {
            let cluster = postgres::Cluster::start(root, tools)?;
            let url = cluster.url();
            let mut result = import(root, &slrt, &url, work.path(), &areas, &file, "PostgreSQL")?;
            let psql = tools
                .postgres_bin
                .as_ref()
                .map(|bin| bin.join("psql"))
                .ok_or("no PostgreSQL binaries")?;
            util::status(
                cmd(&psql, [url.as_str(), "-q", "-c", PLAIN_TABLE]).stdout(Stdio::null()),
            )?;
            let copy = format!(
                "\\copy plain_registry FROM '{}' WITH (FORMAT csv, HEADER true)",
                file.display()
            );
            let seconds = timed(cmd(&psql, [url.as_str(), "-q", "-c", copy.as_str()]), None)?;
            result.baseline = Some(("COPY", seconds));
            Ok(result)
        })?;
        measured.push(result);
    }
    steps.print();
    println!("\nRegistry import of {rows_written} rows (families of four), 2 cores:\n");
    println!(
        "| engine | import | rows/s | peak memory | engine's own loader | import ÷ loader | accepted |"
    );
    println!("|---|---:|---:|---:|---|---:|---|");
    for m in &measured {
        let (loader, ratio) = match m.baseline {
            Some((name, seconds)) => (
                format!("{name}: {seconds:.1} s"),
                format!("{:.1}×", m.seconds / seconds.max(0.001)),
            ),
            None => ("(sqlite3 not installed)".into(), "–".into()),
        };
        println!(
            "| {} | {:.1} s | {:.0} | {:.0} MB | {loader} | {ratio} | {} |",
            m.engine,
            m.seconds,
            rows_written as f64 / m.seconds.max(0.001),
            m.peak_mb,
            m.accepted.as_deref().unwrap_or("?"),
        );
    }
    Ok(())
}

/// The village codes of the areas file under `prefix` (`32.09.`).
fn district_villages(areas: &Path, prefix: &str) -> Result<Vec<String>, String> {
    let path = areas.join("villages.csv");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let villages: Vec<String> = text
        .lines()
        .filter_map(|line| line.split(',').next())
        .filter(|code| code.starts_with(prefix))
        .map(str::to_string)
        .collect();
    if villages.is_empty() {
        return Err(format!("no village under {prefix} in {}", path.display()));
    }
    Ok(villages)
}

/// Loads the areas into `url`, then times `slrt import-registry` on `file`
/// while watching its peak memory.
fn import(
    root: &Path,
    slrt: &Path,
    url: &str,
    work: &Path,
    areas: &Path,
    file: &Path,
    engine: &'static str,
) -> Result<Measured, String> {
    let slrt_cmd = |sub: &[&str]| {
        let mut command = cmd(slrt, sub);
        command
            .current_dir(root)
            .env("DATABASE_URL", url)
            .env("SLRT_DATA_KEY_FILE", work.join("bench.key"))
            .env("SLRT_LOG", "warn,slrt=info,server=info");
        command
    };
    util::status(&mut slrt_cmd(&["import-areas", &areas.to_string_lossy()]))?;
    let log = work.join(format!("import-{engine}.log"));
    let log_file = std::fs::File::create(&log).map_err(|e| format!("{}: {e}", log.display()))?;
    let log_err = log_file.try_clone().map_err(|e| e.to_string())?;
    let mut command = slrt_cmd(&["import-registry", &file.to_string_lossy()]);
    command.stdout(log_file).stderr(log_err);
    let started = Instant::now();
    let mut child = command
        .spawn()
        .map_err(|e| format!("slrt import-registry: {e}"))?;
    let status_path = format!("/proc/{}/status", child.id());
    let mut peak_kb = 0u64;
    let status = loop {
        if let Ok(status) = std::fs::read_to_string(&status_path)
            && let Some(kb) = status
                .lines()
                .find_map(|line| line.strip_prefix("VmHWM:"))
                .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        {
            peak_kb = peak_kb.max(kb);
        }
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) => std::thread::sleep(Duration::from_millis(50)),
            Err(e) => return Err(format!("slrt import-registry: {e}")),
        }
    };
    let seconds = started.elapsed().as_secs_f64();
    let output = std::fs::read_to_string(&log).unwrap_or_default();
    if !status.success() {
        return Err(format!(
            "slrt import-registry on {engine} failed: {}",
            output.lines().rev().take(5).collect::<Vec<_>>().join(" / ")
        ));
    }
    let accepted = without_colours(&output)
        .split_whitespace()
        .find_map(|word| word.strip_prefix("accepted="))
        .map(str::to_string);
    Ok(Measured {
        engine,
        seconds,
        peak_mb: peak_kb as f64 / 1024.0,
        accepted,
        baseline: None,
    })
}

/// `text` without the terminal's colour sequences (`ESC [ ... m`).
fn without_colours(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for next in chars.by_ref() {
                if next.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Seconds `command` takes, `input` given on its standard input.
fn timed(mut command: Command, input: Option<&str>) -> Result<f64, String> {
    use std::io::Write as _;
    command.stdin(if input.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    });
    let started = Instant::now();
    let mut child = command.spawn().map_err(|e| format!("{command:?}: {e}"))?;
    if let (Some(input), Some(mut stdin)) = (input, child.stdin.take()) {
        stdin
            .write_all(input.as_bytes())
            .map_err(|e| format!("{command:?}: {e}"))?;
    }
    let status = child.wait().map_err(|e| format!("{command:?}: {e}"))?;
    if !status.success() {
        return Err(format!("{command:?} failed: {status}"));
    }
    Ok(started.elapsed().as_secs_f64())
}
