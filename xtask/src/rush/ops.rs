//! One operation as the browser does it: send, and on 429/502/503/504 or a
//! broken connection send the same request again with backoff; what it cost.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use super::http::Response;
use super::json::{self, Value};
use super::session::{Request, Session};

/// Attempts per operation (the first and four retries).
pub const MAX_ATTEMPTS: u32 = 5;
/// Backoff before retry 1, 2, 3, 4 (milliseconds), plus up to 20% jitter.
const BACKOFF_MS: [u64; 4] = [500, 1_000, 2_000, 4_000];
/// Longest `Retry-After` honoured.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(30);
/// Bodies of 500 answers kept for the report.
const KEPT_500_BODIES: usize = 5;

/// The password of every demo account.
pub const PASSWORD: &str = "slrt-demo-2026";
/// Cookie that carries the session when cookies are not `Secure`.
pub const SESSION_COOKIE: &str = "slrt_session";

/// What the clients of one run share: where the server is, when to stop.
pub struct Control {
    pub port: u16,
    pub timeout: Duration,
    pub deadline: Instant,
    stop: AtomicBool,
    server_errors: Mutex<(usize, Vec<String>)>,
}

impl Control {
    pub fn new(port: u16, timeout: Duration, deadline: Instant) -> Control {
        Control {
            port,
            timeout,
            deadline,
            stop: AtomicBool::new(false),
            server_errors: Mutex::new((0, Vec::new())),
        }
    }

    /// Tells every client to give up at its next step.
    pub fn stop(&self) {
        self.stop.store(true, Ordering::SeqCst);
    }

    /// Stopped, or past the deadline.
    pub fn stopped(&self) -> bool {
        self.stop.load(Ordering::SeqCst) || Instant::now() >= self.deadline
    }

    pub fn session(&self) -> Session {
        Session::new(self.port, self.timeout)
    }

    fn note_500(&self, op: Op, body: &str) {
        if let Ok(mut kept) = self.server_errors.lock() {
            kept.0 += 1;
            if kept.1.len() < KEPT_500_BODIES {
                kept.1.push(format!("{}: {body:.400}", op.name()));
            }
        }
    }

    /// How many 500 answers there were, and the first few bodies; resets both.
    pub fn take_500s(&self) -> (usize, Vec<String>) {
        self.server_errors
            .lock()
            .map(|mut kept| std::mem::take(&mut *kept))
            .unwrap_or_default()
    }
}

/// The operations of a client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Op {
    Login,
    Lookup,
    Register,
    OpenCase,
    CaseAction,
    CaseList,
    Read,
}

impl Op {
    pub const ALL: [Op; 7] = [
        Op::Login,
        Op::Lookup,
        Op::Register,
        Op::OpenCase,
        Op::CaseAction,
        Op::CaseList,
        Op::Read,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Op::Login => "login",
            Op::Lookup => "lookup_identity",
            Op::Register => "register_household",
            Op::OpenCase => "open_case",
            Op::CaseAction => "case_action",
            Op::CaseList => "case_list",
            Op::Read => "verify read",
        }
    }
}

/// What one operation cost and how it ended.
#[derive(Debug, Clone)]
pub struct Record {
    pub op: Op,
    /// Latency of the first attempt.
    pub first: Duration,
    /// Latency of the whole operation, retries and waits included.
    pub total: Duration,
    pub attempts: u32,
    pub first_ok: bool,
    pub ok: bool,
    /// Not confirmed, yet an attempt may have reached the database
    /// (broken connection or a 5xx answer).
    pub uncertain: bool,
    /// Final status (0: no answer).
    pub status: u16,
    /// The error code of a refusal, when the answer had one.
    pub code: Option<String>,
}

/// Whether an answer is final: success (2xx, 3xx), retried (429, 502, 503, 504) or refused.
fn retried(status: u16) -> bool {
    matches!(status, 429 | 502 | 503 | 504)
}

/// Small generator for backoff jitter (xorshift).
pub struct Jitter(u64);

impl Jitter {
    pub fn new(seed: u64) -> Jitter {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        Jitter((seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ u64::from(nanos)) | 1)
    }

    /// A number in [0, 1).
    pub fn next(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// The wait before retry `retry` (1-based): `Retry-After` when given, else the backoff with jitter.
pub fn backoff(retry: u32, retry_after: Option<Duration>, jitter: &mut Jitter) -> Duration {
    if let Some(after) = retry_after {
        return after.min(MAX_RETRY_AFTER);
    }
    let index = (retry.max(1) as usize - 1).min(BACKOFF_MS.len() - 1);
    let base = BACKOFF_MS[index] as f64;
    Duration::from_millis((base * (1.0 + 0.2 * jitter.next())) as u64)
}

/// Sleeps `wait`, waking early when the run stops. False when stopped.
fn pause(ctl: &Control, wait: Duration) -> bool {
    let until = Instant::now() + wait;
    while Instant::now() < until {
        if ctl.stopped() {
            return false;
        }
        std::thread::sleep(Duration::from_millis(50).min(until - Instant::now()));
    }
    !ctl.stopped()
}

/// Runs one operation with the browser's retries; the record and the final answer if it succeeded.
pub fn perform(
    session: &mut Session,
    ctl: &Control,
    jitter: &mut Jitter,
    op: Op,
    request: &Request,
) -> (Record, Option<Response>) {
    let started = Instant::now();
    let mut record = Record {
        op,
        first: Duration::ZERO,
        total: Duration::ZERO,
        attempts: 0,
        first_ok: false,
        ok: false,
        uncertain: false,
        status: 0,
        code: None,
    };
    loop {
        record.attempts += 1;
        let sent = Instant::now();
        let result = session.send(request);
        if record.attempts == 1 {
            record.first = sent.elapsed();
            record.first_ok = result.as_ref().is_ok_and(|r| r.status < 400);
        }
        let retry_after = match result {
            Ok(response) if response.status < 400 => {
                record.status = response.status;
                record.ok = true;
                record.total = started.elapsed();
                return (record, Some(response));
            }
            Ok(response) if !retried(response.status) => {
                record.status = response.status;
                let body = response.text();
                record.code = error_code(&body);
                record.uncertain |= response.status >= 500;
                if response.status == 500 {
                    ctl.note_500(op, &body);
                }
                record.total = started.elapsed();
                return (record, None);
            }
            Ok(response) => {
                record.status = response.status;
                record.uncertain |= response.status >= 500;
                response.retry_after()
            }
            Err(error) => {
                record.status = 0;
                record.code = Some(error.kind().to_string());
                record.uncertain = true;
                None
            }
        };
        if record.attempts >= MAX_ATTEMPTS
            || !pause(ctl, backoff(record.attempts, retry_after, jitter))
        {
            record.total = started.elapsed();
            return (record, None);
        }
    }
}

/// The `code` of an `AppError` answer.
pub fn error_code(body: &str) -> Option<String> {
    json::parse(body)
        .ok()?
        .get("code")?
        .as_str()
        .map(str::to_string)
}

/// The `id` of a `Created` answer.
pub fn created_id(response: &Response) -> Option<i64> {
    json::parse(&response.text()).ok()?.get("id")?.as_i64()
}

/// Signs `username` in on `session`; the record says whether a session cookie came back.
pub fn login(session: &mut Session, ctl: &Control, jitter: &mut Jitter, username: &str) -> Record {
    let request = Request::form(
        "/api/login",
        &[("username", username), ("password", PASSWORD)],
    );
    let (mut record, _) = perform(session, ctl, jitter, Op::Login, &request);
    if record.ok && !session.has_cookie(SESSION_COOKIE) {
        record.ok = false;
        record.first_ok = false;
        record.code = Some("no session cookie".into());
    }
    record
}

/// A signed-in session for checks made outside the rush.
pub fn signed_in(ctl: &Control, username: &str) -> Result<Session, String> {
    let mut session = ctl.session();
    let record = login(&mut session, ctl, &mut Jitter::new(7), username);
    if record.ok {
        Ok(session)
    } else {
        Err(format!(
            "cannot sign in as {username}: status {} {}",
            record.status,
            record.code.unwrap_or_default()
        ))
    }
}

/// Calls a server function for a check; the parsed answer, or why not.
pub fn call(session: &mut Session, ctl: &Control, request: &Request) -> Result<Value, String> {
    let (record, response) = perform(session, ctl, &mut Jitter::new(11), Op::Read, request);
    match response {
        Some(response) => json::parse(&response.text()),
        None => Err(format!(
            "{} answered {} {}",
            request.path,
            record.status,
            record.code.unwrap_or_default()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rush::session::scripted_server;

    fn control(port: u16) -> Control {
        Control::new(
            port,
            Duration::from_secs(5),
            Instant::now() + Duration::from_secs(60),
        )
    }

    #[test]
    fn a_busy_answer_is_retried_after_retry_after_and_a_500_is_not() {
        let busy =
            "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 0\r\nContent-Length: 0\r\n\r\n";
        let created = "HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n{\"id\":42}";
        let failed = "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 19\r\n\r\n{\"code\":\"internal\"}";
        let port = scripted_server(vec![vec![busy, created, failed]]);
        let ctl = control(port);
        let mut session = ctl.session();
        let request = Request::json("/api/open_case", "{}".into());
        let (record, answer) = perform(
            &mut session,
            &ctl,
            &mut Jitter::new(1),
            Op::OpenCase,
            &request,
        );
        assert_eq!(
            (record.attempts, record.first_ok, record.ok),
            (2, false, true)
        );
        assert_eq!(answer.as_ref().and_then(created_id), Some(42));
        let (record, answer) = perform(
            &mut session,
            &ctl,
            &mut Jitter::new(1),
            Op::OpenCase,
            &request,
        );
        assert_eq!(
            (record.attempts, record.ok, record.uncertain),
            (1, false, true)
        );
        assert_eq!(record.code.as_deref(), Some("internal"));
        assert!(answer.is_none());
        assert_eq!(ctl.take_500s().0, 1);
    }

    #[test]
    fn a_stopped_run_does_not_retry() {
        let ctl = control(scripted_server(vec![]));
        ctl.stop();
        let mut session = ctl.session();
        let request = Request::get("/readyz", "*/*");
        let started = Instant::now();
        let (record, _) = perform(&mut session, &ctl, &mut Jitter::new(1), Op::Read, &request);
        assert_eq!(
            (record.attempts, record.ok, record.uncertain),
            (1, false, true)
        );
        assert!(started.elapsed() < Duration::from_secs(2));
    }

    #[test]
    fn backoff_doubles_with_bounded_jitter_or_follows_retry_after() {
        let mut jitter = Jitter::new(3);
        for (retry, base) in [(1, 500), (2, 1_000), (3, 2_000), (4, 4_000), (9, 4_000)] {
            let wait = backoff(retry, None, &mut jitter).as_millis() as u64;
            assert!(wait >= base && wait <= base + base / 5, "{retry}: {wait}");
        }
        let after = Some(Duration::from_secs(7));
        assert_eq!(backoff(1, after, &mut jitter), Duration::from_secs(7));
        let long = Some(Duration::from_secs(600));
        assert_eq!(backoff(1, long, &mut jitter), MAX_RETRY_AFTER);
    }
}
