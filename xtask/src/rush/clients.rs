//! The rush's clients: one OS thread each, signed in with its own session,
//! released together, then R rounds of the front desk's work.

use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::drafts;
use super::ops::{self, Control, Jitter, Op, Record};
use super::session::{Request, Session};

/// Stack of a client thread: it holds a few small buffers, nothing deep.
const CLIENT_STACK: usize = 256 * 1024;
/// Longest wait for every client to sign in before the gate opens anyway.
const SIGN_IN_WAIT: Duration = Duration::from_secs(300);

/// A start line: clients arrive, the runner opens it once, everyone goes.
#[derive(Default)]
pub struct Gate {
    state: Mutex<(usize, bool)>,
    changed: Condvar,
}

impl Gate {
    /// Counts the caller in and waits until the gate opens (or `deadline`).
    pub fn arrive_and_wait(&self, deadline: Instant) {
        let Ok(mut state) = self.state.lock() else {
            return;
        };
        state.0 += 1;
        self.changed.notify_all();
        while !state.1 {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return;
            }
            match self.changed.wait_timeout(state, left) {
                Ok((next, _)) => state = next,
                Err(_) => return,
            }
        }
    }

    /// Waits until `count` callers arrived (or `limit` passed), then opens.
    pub fn open_when(&self, count: usize, limit: Duration) {
        let until = Instant::now() + limit;
        let Ok(mut state) = self.state.lock() else {
            return;
        };
        while state.0 < count {
            let left = until.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            match self.changed.wait_timeout(state, left) {
                Ok((next, _)) => state = next,
                Err(_) => return,
            }
        }
        state.1 = true;
        self.changed.notify_all();
    }
}

/// Who a client is and where it writes.
#[derive(Debug, Clone)]
pub struct Plan {
    pub scenario: u32,
    pub index: usize,
    pub username: String,
    pub village: String,
    pub channel: &'static str,
    pub rounds: u32,
}

/// What a client did and what the server confirmed to it.
#[derive(Debug, Default)]
pub struct Outcome {
    pub records: Vec<Record>,
    pub households: Vec<i64>,
    pub cases: Vec<i64>,
    /// Head name of the last household with a confirmed case (to check the name search).
    pub case_head: Option<String>,
    /// Head names of registrations that may have committed without a confirmation.
    pub uncertain_households: Vec<String>,
    /// Head names of households whose case opening may have committed unconfirmed.
    pub uncertain_cases: Vec<String>,
}

/// The address desk `index` sends from (behind the trusted proxy the bench
/// starts the server for): each desk its own, as each village post is.
fn desk_address(index: usize) -> String {
    format!(
        "10.{}.{}.{}",
        index / 65_536 % 256,
        index / 256 % 256,
        index % 256
    )
}

/// Runs one client: sign in, wait at the gate, then the rounds.
fn client(ctl: &Control, gate: &Gate, plan: &Plan) -> Outcome {
    let mut out = Outcome::default();
    let mut jitter = Jitter::new(plan.index as u64 + 1);
    let mut session = ctl.session();
    session.send_from(desk_address(plan.index));
    let login = ops::login(&mut session, ctl, &mut jitter, &plan.username);
    let signed_in = login.ok;
    out.records.push(login);
    gate.arrive_and_wait(ctl.deadline);
    if !signed_in {
        return out;
    }
    for round in 0..plan.rounds {
        if ctl.stopped() {
            break;
        }
        one_round(ctl, &mut session, &mut jitter, plan, round, &mut out);
    }
    out
}

/// Look up, register, open a case, check the registry, read the list.
fn one_round(
    ctl: &Control,
    session: &mut Session,
    jitter: &mut Jitter,
    plan: &Plan,
    round: u32,
    out: &mut Outcome,
) {
    let index = drafts::unique_index(plan.scenario, plan.index, round);
    let token = drafts::token(plan.scenario, plan.index, round);
    let who = drafts::identity(&drafts::region_of(&plan.village), index, &token);
    let mut step = |op: Op, request: Request, out: &mut Outcome| {
        let (record, response) = ops::perform(session, ctl, jitter, op, &request);
        let uncertain = record.uncertain && !record.ok;
        out.records.push(record);
        (response, uncertain)
    };
    step(
        Op::Lookup,
        Request::json("/api/lookup_identity", drafts::lookup(&who.nik)),
        out,
    );
    if ctl.stopped() {
        return;
    }
    let body = drafts::registration(&format!("rush-h-{token}"), &plan.village, &who);
    let (answer, uncertain) = step(
        Op::Register,
        Request::json("/api/register_household", body),
        out,
    );
    let Some(household_id) = answer.as_ref().and_then(ops::created_id) else {
        if uncertain {
            out.uncertain_households.push(who.head_name.clone());
        }
        return;
    };
    out.households.push(household_id);
    if ctl.stopped() {
        return;
    }
    let body = drafts::open_case(&format!("rush-c-{token}"), household_id, plan.channel);
    let (answer, uncertain) = step(Op::OpenCase, Request::json("/api/open_case", body), out);
    let Some(case_id) = answer.as_ref().and_then(ops::created_id) else {
        if uncertain {
            out.uncertain_cases.push(who.head_name.clone());
        }
        return;
    };
    out.cases.push(case_id);
    out.case_head = Some(who.head_name.clone());
    if ctl.stopped() {
        return;
    }
    // A new case is `registered` at version 1; the FO may record the registry check.
    let case_id = case_id.to_string();
    let action = Request::form(
        "/api/case_action",
        &[
            ("case_id", &case_id),
            ("version", "1"),
            ("action", "check_registry"),
        ],
    );
    step(Op::CaseAction, action, out);
    if ctl.stopped() {
        return;
    }
    let list = Request::json("/api/case_list", drafts::case_filter(None, None, 1));
    step(Op::CaseList, list, out);
}

/// Clients of one run, all released together.
pub struct Rush {
    pub outcomes: Vec<Outcome>,
    /// From the gate opening to the last client done.
    pub wall: Duration,
    /// Threads that could not be started.
    pub not_started: usize,
}

/// Starts one thread per plan, opens the gate once all signed in, runs
/// `meanwhile` (e.g. a kill -9 after a while) and waits for every client.
pub fn run(ctl: &Arc<Control>, plans: Vec<Plan>, meanwhile: impl FnOnce(&Control)) -> Rush {
    let gate = Arc::new(Gate::default());
    let mut handles: Vec<JoinHandle<Outcome>> = Vec::with_capacity(plans.len());
    let wanted = plans.len();
    for plan in plans {
        let (ctl, gate) = (Arc::clone(ctl), Arc::clone(&gate));
        let spawned = std::thread::Builder::new()
            .name(format!("rush-{}", plan.index))
            .stack_size(CLIENT_STACK)
            .spawn(move || client(&ctl, &gate, &plan));
        match spawned {
            Ok(handle) => handles.push(handle),
            Err(error) => {
                eprintln!("   cannot start client thread {}: {error}", handles.len());
                break;
            }
        }
    }
    gate.open_when(handles.len(), SIGN_IN_WAIT);
    let opened = Instant::now();
    meanwhile(ctl);
    let outcomes: Vec<Outcome> = handles
        .into_iter()
        .map(|handle| handle.join().unwrap_or_default())
        .collect();
    Rush {
        not_started: wanted - outcomes.len(),
        outcomes,
        wall: opened.elapsed(),
    }
}
