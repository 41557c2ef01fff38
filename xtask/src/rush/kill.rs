//! The kill -9 step of one engine: a rush cut by SIGKILL, a restart on the same
//! database, `slrt db-check`, and a registry import killed half-way.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::clients::{self, Plan};
use super::drafts;
use super::ops::Control;
use super::report::Check;
use super::server::{Server, Slrt};
use super::verify::{self, DISTRICT_USER};
use crate::util::free_port;

/// When the server is killed after the rush started.
const KILL_AFTER: Duration = Duration::from_secs(3);
/// When the registry import is killed after it started.
const IMPORT_KILL_AFTER: Duration = Duration::from_secs(1);
/// Registry rows generated: families of four.
const REGISTRY_FAMILIES: usize = 12_500;
const PEOPLE_PER_FAMILY: usize = 4;

/// Runs the step on a running `server`; every check, passed or not.
pub fn run(
    slrt: &Slrt,
    server: Server,
    plans: Vec<Plan>,
    villages: &[String],
    deadline: Instant,
) -> Vec<Check> {
    let mut checks = Vec::new();
    match rush_and_kill(slrt, server, plans, deadline, &mut checks) {
        Ok(()) => {}
        Err(error) => checks.push(Check::new("kill -9 rush", Some(false), error)),
    }
    checks.push(db_check(slrt));
    if let Err(error) = registry_import(slrt, villages, &mut checks) {
        checks.push(Check::new("registry import", Some(false), error));
    }
    checks
}

fn rush_and_kill(
    slrt: &Slrt,
    mut server: Server,
    plans: Vec<Plan>,
    deadline: Instant,
    checks: &mut Vec<Check>,
) -> Result<(), String> {
    let ctl = Arc::new(Control::new(server.port, Duration::from_secs(60), deadline));
    let before = verify::totals(&ctl)?;
    let mut killed = Err("not killed".to_string());
    let clients = plans.len();
    let rush = clients::run(&ctl, plans, |ctl| {
        let until = Instant::now() + KILL_AFTER;
        while Instant::now() < until && !ctl.stopped() {
            std::thread::sleep(Duration::from_millis(20));
        }
        killed = server.kill9();
        ctl.stop();
    });
    killed?;
    let cut = rush
        .outcomes
        .iter()
        .flat_map(|o| o.records.iter())
        .filter(|r| !r.ok)
        .count();
    let confirmed: usize = rush
        .outcomes
        .iter()
        .map(|o| o.households.len() + o.cases.len())
        .sum();
    checks.push(Check::new(
        "kill -9 during the rush",
        Some(true),
        format!(
            "{clients} clients; {confirmed} confirmations before the kill, {cut} operations cut by it{}; \
             clients done {:.1} s after the start",
            if cut == 0 { " (the rush had ended: nothing in flight)" } else { "" },
            rush.wall.as_secs_f64()
        ),
    ));
    let port = free_port()?;
    let started = Instant::now();
    let mut restarted = slrt.serve(port)?;
    checks.push(Check::new(
        "restart on the same database",
        Some(true),
        format!("ready in {:.1} s", started.elapsed().as_secs_f64()),
    ));
    let ctl = Control::new(port, Duration::from_secs(60), deadline);
    let found = verify::verify(&ctl, DISTRICT_USER, &rush.outcomes, before)?;
    checks.push(Check::new(
        "confirmed records readable",
        Some(found.lost == 0 && found.unreadable == 0),
        format!(
            "{} households, {} cases confirmed; lost {}, unreadable {}",
            found.confirmed_households, found.confirmed_cases, found.lost, found.unreadable
        ),
    ));
    let mut detail = format!(
        "duplicated {}; unconfirmed writes {} ({} committed)",
        found.duplicated, found.uncertain, found.uncertain_committed
    );
    for note in &found.notes {
        let _ = write!(detail, "; {note}");
    }
    checks.push(Check::new(
        "one record per idempotency key",
        Some(found.duplicated == 0 && !found.search_broken),
        detail,
    ));
    restarted.stop();
    Ok(())
}

/// `slrt db-check`: skipped when the binary does not have it yet.
fn db_check(slrt: &Slrt) -> Check {
    match slrt.capture(&["db-check"]) {
        Err(error) => Check::new("slrt db-check", Some(false), error),
        Ok(ran) if lacks_command(&ran.stderr) => {
            Check::new("slrt db-check", None, "this slrt has no db-check command")
        }
        Ok(ran) => {
            let ok = ran.success && ran.stdout.contains("integrity: ok");
            let said = format!("{} {}", ran.stdout.trim(), ran.stderr.trim());
            Check::new(
                "slrt db-check",
                Some(ok),
                said.trim().chars().take(300).collect::<String>(),
            )
        }
    }
}

fn lacks_command(stderr: &str) -> bool {
    stderr.contains("unrecognized subcommand")
}

/// Row counts per table from `slrt db-check --counts`; `None` if the binary lacks it.
fn table_counts(slrt: &Slrt) -> Result<Option<BTreeMap<String, u64>>, String> {
    let ran = slrt.capture(&["db-check", "--counts"])?;
    if lacks_command(&ran.stderr) {
        return Ok(None);
    }
    if !ran.success {
        return Err(format!(
            "db-check --counts failed: {:.300}",
            ran.stderr.trim()
        ));
    }
    let counts = ran
        .stdout
        .lines()
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            (words.next() == Some("table")).then_some(())?;
            let name = words.next()?.to_string();
            Some((name, words.next()?.parse().ok()?))
        })
        .collect();
    Ok(Some(counts))
}

/// The registry tables' rows: (families, people).
fn registry_rows(counts: &BTreeMap<String, u64>) -> Result<(u64, u64), String> {
    let get = |name: &str| {
        counts
            .get(name)
            .copied()
            .ok_or_else(|| format!("db-check --counts printed no `table {name} <rows>` line"))
    };
    Ok((get("registry_families")?, get("registry_people")?))
}

/// Imports ~50,000 registry rows, kills the import after ~1 s, checks all-or-nothing, imports again.
fn registry_import(
    slrt: &Slrt,
    villages: &[String],
    checks: &mut Vec<Check>,
) -> Result<(), String> {
    let Some(counts_before) = table_counts(slrt)? else {
        checks.push(Check::new(
            "registry import kill -9",
            None,
            "this slrt has no db-check --counts",
        ));
        return Ok(());
    };
    let before = registry_rows(&counts_before)?;
    let file = slrt.logs.join("registry-rush.csv");
    std::fs::write(&file, registry_csv(villages, REGISTRY_FAMILIES))
        .map_err(|e| format!("{}: {e}", file.display()))?;
    let file_arg = file.to_string_lossy().into_owned();
    let child = slrt.spawn(&["import-registry", &file_arg], "import-registry.log")?;
    let mut import = Server::new(child, 0, slrt.logs.join("import-registry.log"));
    std::thread::sleep(IMPORT_KILL_AFTER);
    let finished_early = import.exited();
    if !finished_early {
        import.kill9()?;
    }
    let counts_after_kill = table_counts(slrt)?.ok_or("db-check --counts vanished")?;
    let after_kill = registry_rows(&counts_after_kill)?;
    // The import records its run (`running`) in its own first step: did it get that far?
    let runs = |counts: &BTreeMap<String, u64>| counts.get("registry_imports").copied();
    let started = match (runs(&counts_before), runs(&counts_after_kill)) {
        (Some(a), Some(b)) if b > a => "the import had recorded its run",
        (Some(_), Some(_)) => "the import had not yet recorded its run",
        _ => "no registry_imports count",
    };
    let expected = (
        before.0 + REGISTRY_FAMILIES as u64,
        before.1 + (REGISTRY_FAMILIES * PEOPLE_PER_FAMILY) as u64,
    );
    let whole = after_kill == before || after_kill == expected;
    checks.push(Check::new(
        "registry import kill -9: no partial import",
        Some(whole),
        format!(
            "{} ({started}); families/people {:?} -> {:?} (complete would be {:?})",
            if finished_early {
                "the import FINISHED before the kill (nothing was cut)"
            } else {
                "killed after 1 s"
            },
            before,
            after_kill,
            expected
        ),
    ));
    let ran = slrt.capture(&["import-registry", &file_arg])?;
    let after = registry_rows(&table_counts(slrt)?.ok_or("db-check --counts vanished")?)?;
    let rejected = std::fs::read_to_string(format!("{file_arg}.rejected.csv"))
        .map(|text| text.lines().count().saturating_sub(1))
        .unwrap_or(0);
    checks.push(Check::new(
        "registry import again, to completion",
        Some(ran.success && after == expected),
        format!(
            "exit {}; families/people {after:?}, expected {expected:?}; {rejected} rows rejected",
            if ran.success { "ok" } else { "FAILED" }
        ),
    ));
    Ok(())
}

/// A synthetic DTSEN slice of the district: families of four in its villages.
/// NIK serials 5000–8999 and No KK issue year 2005 keep clear of the demo and the rush.
pub(crate) fn registry_csv(villages: &[String], families: usize) -> String {
    const HEADS: [&str; 6] = [
        "Darsono", "Karmin", "Suharja", "Taryono", "Wasman", "Rohadi",
    ];
    const WIVES: [&str; 6] = [
        "Sunarti", "Carsih", "Wartini", "Rasminah", "Kuraesin", "Tarsih",
    ];
    const KIDS: [&str; 6] = ["Ade", "Nining", "Rizki", "Dewi", "Fajar", "Iis"];
    let mut csv = String::from(
        "id_keluarga,sumber,no_kk,nik,nama,hubungan,kode_wilayah,alamat,desil,program\n",
    );
    let fallback = [String::from("32.09.01.2008")];
    let villages = if villages.is_empty() {
        &fallback[..]
    } else {
        villages
    };
    for family in 0..families {
        let village = &villages[family % villages.len()];
        let region = drafts::region_of(village);
        let kk_rest = family / 9_999;
        let no_kk = format!(
            "{region}{:02}{:02}05{:04}",
            kk_rest % 28 + 1,
            (kk_rest / 28) % 12 + 1,
            1 + family % 9_999
        );
        let programmes = ["pkh;bpnt", "", "pbi_jk", "bpnt"][family % 4];
        let people = [
            (HEADS[family % 6], "1", false, 75),
            (WIVES[family % 6], "2", true, 78),
            (KIDS[family % 6], "3", family % 2 == 1, 8),
            (KIDS[(family + 1) % 6], "3", family % 2 == 0, 11),
        ];
        for (member, (name, relationship, female, year)) in people.into_iter().enumerate() {
            let row = family * PEOPLE_PER_FAMILY + member;
            let rest = row / 4_000;
            let day = rest % 28 + 1 + if female { 40 } else { 0 };
            let nik = format!(
                "{region}{day:02}{:02}{year:02}{:04}",
                (rest / 28) % 12 + 1,
                5_000 + row % 4_000
            );
            let _ = writeln!(
                csv,
                "RUSH-{family:06},dtsen,{no_kk},{nik},{name} {family},{relationship},{village},Dusun Kliwon RT 001/RW 002,{},{programmes}",
                family % 10 + 1
            );
        }
    }
    csv
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_rows_are_unique_and_well_formed() {
        let villages = vec!["32.09.01.2008".to_string(), "32.09.02.2001".to_string()];
        let csv = registry_csv(&villages, REGISTRY_FAMILIES);
        let rows: Vec<&str> = csv.lines().skip(1).collect();
        assert_eq!(rows.len(), REGISTRY_FAMILIES * PEOPLE_PER_FAMILY);
        let mut niks = std::collections::HashSet::new();
        for row in &rows {
            let cells: Vec<&str> = row.split(',').collect();
            assert_eq!(cells.len(), 10, "{row}");
            assert_eq!(cells[3].len(), 16);
            assert!(niks.insert(cells[3]), "NIK twice: {row}");
        }
    }
}
