//! The read phase: 32 clients for 10 s each on the case list as a server
//! function, as the SSR page, and as the bare sqlx endpoint (`slrt bare-list`).

use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::clients::Gate;
use super::drafts;
use super::ops::{self, Control, Jitter};
use super::report::ReadStats;
use super::server::{Server, Slrt};
use super::session::{Request, Session};
use crate::util::free_port;

const READERS: usize = 32;
const READ_FOR: Duration = Duration::from_secs(10);
const READ_STACK: usize = 256 * 1024;
/// The village of `fo.waled`, whose case list is read.
pub const VILLAGE: &str = "32.09.01.2008";
const READ_USER: &str = "fo.waled";

/// The three measurements (a skipped one carries why).
pub fn run(ctl: &Control, slrt: &Slrt) -> Vec<Result<ReadStats, String>> {
    let pages = match village_pages(ctl) {
        Ok(pages) => pages,
        Err(error) => return vec![Err(format!("read phase skipped: {error}"))],
    };
    println!("   reading pages 1..={pages} of {VILLAGE}'s cases");
    let list = hammer(
        ctl,
        ctl.port,
        Some(READ_USER),
        "case_list (server fn)",
        pages,
        |page| {
            Request::json(
                "/api/case_list",
                drafts::case_filter(Some(VILLAGE), None, page),
            )
        },
    );
    let page = hammer(
        ctl,
        ctl.port,
        Some(READ_USER),
        "GET /kasus (SSR)",
        pages,
        |page| Request::get(format!("/kasus?wilayah={VILLAGE}&page={page}"), "text/html"),
    );
    let bare = bare_list(ctl, slrt, pages);
    vec![Ok(list), Ok(page), bare]
}

/// How many pages of 25 the village has, at most 4.
fn village_pages(ctl: &Control) -> Result<u32, String> {
    let mut session = ops::signed_in(ctl, READ_USER)?;
    let filter = drafts::case_filter(Some(VILLAGE), None, 1);
    let page = ops::call(&mut session, ctl, &Request::json("/api/case_list", filter))?;
    let total = page
        .get("total")
        .and_then(super::json::Value::as_i64)
        .ok_or("case_list answer without total")?;
    Ok(u32::try_from(((total.max(1) + 24) / 25).min(4)).unwrap_or(1))
}

/// Starts `slrt bare-list` next to the server and reads it; skipped if it does not start.
fn bare_list(ctl: &Control, slrt: &Slrt, pages: u32) -> Result<ReadStats, String> {
    let port = free_port()?;
    let listen = format!("127.0.0.1:{port}");
    let child = slrt
        .spawn(&["bare-list", "--listen", &listen], "bare-list.log")
        .map_err(|error| format!("bare endpoint skipped: {error}"))?;
    let mut bare = Server::new(child, port, slrt.logs.join("bare-list.log"));
    bare.wait_ready(&format!("/cases?village={VILLAGE}&page=1"))
        .map_err(|error| {
            let first_lines: Vec<&str> = error
                .lines()
                .filter(|l| !l.trim().is_empty())
                .take(2)
                .collect();
            format!(
                "bare endpoint skipped: `slrt bare-list` {}",
                first_lines.join(" ")
            )
        })?;
    let stats = hammer(ctl, port, None, "GET /cases (bare sqlx)", pages, |page| {
        Request::get(
            format!("/cases?village={VILLAGE}&page={page}"),
            "application/json",
        )
    });
    bare.stop();
    Ok(stats)
}

/// `READERS` threads send `request(page)` for `READ_FOR` each, pages cycling.
fn hammer(
    ctl: &Control,
    port: u16,
    login: Option<&str>,
    name: &str,
    pages: u32,
    request: impl Fn(u32) -> Request + Sync,
) -> ReadStats {
    let gate = Gate::default();
    let tally = Mutex::new(ReadStats::new(name));
    std::thread::scope(|scope| {
        let mut started = 0;
        for reader in 0..READERS {
            let (gate, tally, request) = (&gate, &tally, &request);
            let spawned = std::thread::Builder::new()
                .stack_size(READ_STACK)
                .spawn_scoped(scope, move || {
                    let mut session = Session::new(port, ctl.timeout);
                    let signed_in = login.is_none_or(|user| {
                        ops::login(&mut session, ctl, &mut Jitter::new(reader as u64), user).ok
                    });
                    gate.arrive_and_wait(ctl.deadline);
                    if signed_in {
                        read_for(&mut session, ctl, reader, pages, request, tally);
                    } else if let Ok(mut tally) = tally.lock() {
                        tally.note_failure("sign-in failed".into());
                    }
                });
            if spawned.is_ok() {
                started += 1;
            }
        }
        gate.open_when(started, Duration::from_secs(120));
    });
    let mut stats = tally
        .into_inner()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    stats.seconds = READ_FOR.as_secs_f64();
    stats
}

fn read_for(
    session: &mut Session,
    ctl: &Control,
    reader: usize,
    pages: u32,
    request: &(impl Fn(u32) -> Request + Sync),
    tally: &Mutex<ReadStats>,
) {
    let until = Instant::now() + READ_FOR;
    let mut latencies = Vec::new();
    let (mut failed, mut first_failure) = (0, None);
    let mut sent: u32 = reader as u32;
    while Instant::now() < until && !ctl.stopped() && latencies.len() + failed < 1_000_000 {
        let page = sent % pages + 1;
        sent = sent.wrapping_add(1);
        let started = Instant::now();
        match session.send(&request(page)) {
            Ok(response) if response.is_success() => {
                latencies.push(started.elapsed().as_secs_f64() * 1000.0);
            }
            Ok(response) => {
                failed += 1;
                first_failure.get_or_insert_with(|| {
                    format!("status {}: {:.200}", response.status, response.text())
                });
            }
            Err(error) => {
                failed += 1;
                first_failure.get_or_insert_with(|| error.to_string());
            }
        }
    }
    if let Ok(mut tally) = tally.lock() {
        tally.latencies_ms.extend(latencies);
        tally.failed += failed;
        if let Some(failure) = first_failure {
            tally.note_failure(failure);
        }
    }
}
