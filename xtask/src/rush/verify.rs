//! After a rush: is every confirmed household and case still there, and did any
//! idempotency key make two records?

use std::sync::Mutex;

use super::clients::Outcome;
use super::drafts;
use super::json::Value;
use super::ops::{self, Control, Jitter, Op};
use super::session::{Request, Session};

/// Threads reading the confirmed records back.
const READERS: usize = 4;
/// The account whose lists cover the whole demo district.
pub const DISTRICT_USER: &str = "fo.cirebon";

/// Households and cases in the demo district, as `fo.cirebon` counts them.
#[derive(Debug, Clone, Copy, Default)]
pub struct Totals {
    pub households: u64,
    pub cases: u64,
}

fn total_of(session: &mut Session, ctl: &Control, request: &Request) -> Result<u64, String> {
    let page = ops::call(session, ctl, request)?;
    page.get("total")
        .and_then(Value::as_i64)
        .and_then(|total| u64::try_from(total).ok())
        .ok_or_else(|| format!("{}: no total in the answer", request.path))
}

fn case_total(session: &mut Session, ctl: &Control, search: Option<&str>) -> Result<u64, String> {
    let filter = drafts::case_filter(None, search, 1);
    total_of(session, ctl, &Request::json("/api/case_list", filter))
}

fn household_total(
    session: &mut Session,
    ctl: &Control,
    search: Option<&str>,
) -> Result<u64, String> {
    let filter = drafts::household_filter(search);
    total_of(session, ctl, &Request::json("/api/household_list", filter))
}

/// Counts households and cases of the district.
pub fn totals(ctl: &Control) -> Result<Totals, String> {
    let mut session = ops::signed_in(ctl, DISTRICT_USER)?;
    Ok(Totals {
        households: household_total(&mut session, ctl, None)?,
        cases: case_total(&mut session, ctl, None)?,
    })
}

/// What the checks found.
#[derive(Debug, Clone, Default)]
pub struct Verification {
    pub confirmed_households: usize,
    pub confirmed_cases: usize,
    /// Confirmed, yet not found.
    pub lost: usize,
    /// Could not be read back for another reason (the check is incomplete).
    pub unreadable: usize,
    /// Unconfirmed writes that may have committed, and how many did.
    pub uncertain: usize,
    pub uncertain_committed: usize,
    /// Records beyond one per idempotency key (negative: fewer records than confirmations).
    pub duplicated: i64,
    /// The name search used to resolve unconfirmed writes did not work.
    pub search_broken: bool,
    pub notes: Vec<String>,
}

impl Verification {
    pub fn failed(&self) -> bool {
        self.lost > 0 || self.unreadable > 0 || self.duplicated != 0 || self.search_broken
    }
}

/// Reads every confirmed record back as `username`, compares the totals with `before`.
pub fn verify(
    ctl: &Control,
    username: &str,
    outcomes: &[Outcome],
    before: Totals,
) -> Result<Verification, String> {
    let mut found = Verification::default();
    let mut reads: Vec<Request> = Vec::new();
    for outcome in outcomes {
        found.confirmed_households += outcome.households.len();
        found.confirmed_cases += outcome.cases.len();
        for id in &outcome.households {
            let id = id.to_string();
            reads.push(Request::form(
                "/api/household_file",
                &[("household_id", &id)],
            ));
        }
        for id in &outcome.cases {
            let id = id.to_string();
            reads.push(Request::form("/api/case_detail", &[("case_id", &id)]));
        }
    }
    let (lost, unreadable, notes) = read_back(ctl, username, &reads)?;
    found.lost = lost;
    found.unreadable = unreadable;
    found.notes = notes;
    let after = totals(ctl)?;
    let mut session = ops::signed_in(ctl, DISTRICT_USER)?;
    let (mut committed_households, mut committed_cases) = (0u64, 0u64);
    let uncertain = outcomes
        .iter()
        .any(|o| !o.uncertain_households.is_empty() || !o.uncertain_cases.is_empty());
    if uncertain {
        check_name_search(&mut session, ctl, outcomes, &mut found)?;
    }
    for outcome in outcomes {
        for name in &outcome.uncertain_households {
            found.uncertain += 1;
            committed_households += household_total(&mut session, ctl, Some(name))?.min(1);
        }
        for name in &outcome.uncertain_cases {
            found.uncertain += 1;
            committed_cases += case_total(&mut session, ctl, Some(name))?.min(1);
        }
    }
    found.uncertain_committed = (committed_households + committed_cases) as usize;
    let extra = |after: u64, before: u64, confirmed: usize, committed: u64| {
        after as i64 - before as i64 - confirmed as i64 - committed as i64
    };
    let households = extra(
        after.households,
        before.households,
        found.confirmed_households,
        committed_households,
    );
    let cases = extra(
        after.cases,
        before.cases,
        found.confirmed_cases,
        committed_cases,
    );
    if households != 0 || cases != 0 {
        found.notes.push(format!(
            "households {} -> {} ({} confirmed, {committed_households} unconfirmed found): {households:+}; \
             cases {} -> {} ({} confirmed, {committed_cases} unconfirmed found): {cases:+}",
            before.households,
            after.households,
            found.confirmed_households,
            before.cases,
            after.cases,
            found.confirmed_cases
        ));
    }
    found.duplicated = households + cases;
    Ok(found)
}

/// Unconfirmed writes are looked up by their unique head name: make sure the
/// search finds a confirmed one exactly once, or the lookups would prove nothing.
fn check_name_search(
    session: &mut Session,
    ctl: &Control,
    outcomes: &[Outcome],
    found: &mut Verification,
) -> Result<(), String> {
    let Some(name) = outcomes.iter().find_map(|o| o.case_head.as_deref()) else {
        found
            .notes
            .push("no confirmed case to check the name search with".into());
        return Ok(());
    };
    let (households, cases) = (
        household_total(session, ctl, Some(name))?,
        case_total(session, ctl, Some(name))?,
    );
    if (households, cases) != (1, 1) {
        found.search_broken = true;
        found.notes.push(format!(
            "searching a confirmed head name found {households} households and {cases} cases, not 1 and 1: \
             unconfirmed writes cannot be told apart"
        ));
    }
    Ok(())
}

/// Reads each request's record on a few signed-in sessions: (not found, other failures, notes).
fn read_back(
    ctl: &Control,
    username: &str,
    reads: &[Request],
) -> Result<(usize, usize, Vec<String>), String> {
    let tally = Mutex::new((0usize, 0usize, Vec::<String>::new()));
    let chunk = reads.len().div_ceil(READERS).max(1);
    let results: Vec<Result<(), String>> = std::thread::scope(|scope| {
        let handles: Vec<_> = reads
            .chunks(chunk)
            .map(|part| scope.spawn(|| read_part(ctl, username, part, &tally)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|_| Err("reader panicked".into())))
            .collect()
    });
    for result in results {
        result?;
    }
    tally
        .into_inner()
        .map_err(|_| "reader tally poisoned".to_string())
}

fn read_part(
    ctl: &Control,
    username: &str,
    part: &[Request],
    tally: &Mutex<(usize, usize, Vec<String>)>,
) -> Result<(), String> {
    let mut session = ops::signed_in(ctl, username)?;
    let mut jitter = Jitter::new(part.len() as u64);
    for request in part {
        let (record, _) = ops::perform(&mut session, ctl, &mut jitter, Op::Read, request);
        if record.ok {
            continue;
        }
        let not_found = record.code.as_deref() == Some("not_found") || record.status == 404;
        if let Ok(mut tally) = tally.lock() {
            if not_found {
                tally.0 += 1;
            } else {
                tally.1 += 1;
            }
            if tally.2.len() < 5 {
                let what = String::from_utf8_lossy(&request.body).into_owned();
                tally.2.push(format!(
                    "{} {what}: status {} {}",
                    request.path,
                    record.status,
                    record.code.unwrap_or_default()
                ));
            }
        }
    }
    Ok(())
}
