//! The rush's numbers: percentiles, per-operation statistics and the printed tables.

use std::time::Duration;

use super::ops::{Op, Record};
use super::verify::Verification;

/// The `p`-th percentile (0–100) of sorted values, nearest rank; `None` when empty.
pub fn percentile(sorted: &[f64], p: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (p.clamp(0.0, 100.0) / 100.0 * sorted.len() as f64).ceil() as usize;
    sorted.get(rank.clamp(1, sorted.len()) - 1).copied()
}

fn sorted(mut values: Vec<f64>) -> Vec<f64> {
    values.sort_by(f64::total_cmp);
    values
}

fn ms(value: Option<f64>) -> String {
    value.map_or("-".to_string(), |v| format!("{v:.0}"))
}

fn mb(value: Option<f64>) -> String {
    value.map_or("-".to_string(), |mb| format!("{mb:.1}"))
}

fn millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

/// One operation's numbers in one scenario.
#[derive(Debug, Clone)]
pub struct OpStats {
    pub op: Op,
    pub count: usize,
    pub first_refused: usize,
    pub refused: usize,
    /// Sorted latencies (ms) of first attempts and of whole operations.
    pub first_ms: Vec<f64>,
    pub total_ms: Vec<f64>,
}

/// Statistics per operation, in the order of [`Op::ALL`], for operations that ran.
pub fn op_stats<'a>(records: impl Iterator<Item = &'a Record> + Clone) -> Vec<OpStats> {
    Op::ALL
        .iter()
        .map(|&op| {
            let mine: Vec<&Record> = records.clone().filter(|r| r.op == op).collect();
            OpStats {
                op,
                count: mine.len(),
                first_refused: mine.iter().filter(|r| !r.first_ok).count(),
                refused: mine.iter().filter(|r| !r.ok).count(),
                first_ms: sorted(mine.iter().map(|r| millis(r.first)).collect()),
                total_ms: sorted(mine.iter().map(|r| millis(r.total)).collect()),
            }
        })
        .filter(|stats| stats.count > 0)
        .collect()
}

/// One scenario on one engine.
#[derive(Debug, Clone, Default)]
pub struct ScenarioReport {
    pub engine: String,
    pub scenario: String,
    pub clients: usize,
    pub rounds: u32,
    pub requests: u64,
    pub first_refused: usize,
    pub refused: usize,
    pub succeeded: usize,
    pub ops: Vec<OpStats>,
    pub wall: Duration,
    /// Peak resident memory of the server during the rounds, and while the clients signed in.
    pub peak_rss_mb: Option<f64>,
    pub sign_in_peak_rss_mb: Option<f64>,
    pub verification: Verification,
    pub answers_500: usize,
    pub bodies_500: Vec<String>,
    pub not_started: usize,
}

impl ScenarioReport {
    /// Operations confirmed per second of the rush (sign-ins, made before the start, left out).
    pub fn throughput(&self) -> f64 {
        let secs = self.wall.as_secs_f64();
        if secs > 0.0 {
            self.succeeded as f64 / secs
        } else {
            0.0
        }
    }

    /// Fills the counts from the clients' records.
    pub fn count<'a>(&mut self, records: impl Iterator<Item = &'a Record> + Clone) {
        self.requests = records.clone().map(|r| u64::from(r.attempts)).sum();
        self.first_refused = records.clone().filter(|r| !r.first_ok).count();
        self.refused = records.clone().filter(|r| !r.ok).count();
        self.succeeded = records
            .clone()
            .filter(|r| r.ok && r.op != Op::Login)
            .count();
        self.ops = op_stats(records);
    }

    /// The scenario's per-operation table and what the checks said.
    pub fn print_detail(&self) {
        println!(
            "\n{} / {}: {} clients x {} rounds, {:.1} s",
            self.engine,
            self.scenario,
            self.clients,
            self.rounds,
            self.wall.as_secs_f64()
        );
        println!(
            "  {:<20} {:>6} {:>8} {:>8} | {:>7} {:>7} {:>7} | {:>7} {:>7} {:>7}",
            "operation (ms)",
            "count",
            "1st refd",
            "refused",
            "1st p50",
            "1st p95",
            "1st p99",
            "p50",
            "p95",
            "p99"
        );
        for s in &self.ops {
            let (f, t) = (&s.first_ms, &s.total_ms);
            println!(
                "  {:<20} {:>6} {:>8} {:>8} | {:>7} {:>7} {:>7} | {:>7} {:>7} {:>7}",
                s.op.name(),
                s.count,
                s.first_refused,
                s.refused,
                ms(percentile(f, 50.0)),
                ms(percentile(f, 95.0)),
                ms(percentile(f, 99.0)),
                ms(percentile(t, 50.0)),
                ms(percentile(t, 95.0)),
                ms(percentile(t, 99.0)),
            );
        }
        println!("  (1st: the first attempt; p50/p95/p99: the whole operation with retries)");
        println!(
            "  server peak RSS: {} MB while the clients signed in, {} MB during the rounds",
            mb(self.sign_in_peak_rss_mb),
            mb(self.peak_rss_mb)
        );
        let v = &self.verification;
        println!(
            "  confirmed: {} households, {} cases; lost {}, unreadable {}, duplicated {}; \
             unconfirmed writes that may have committed: {} ({} did)",
            v.confirmed_households,
            v.confirmed_cases,
            v.lost,
            v.unreadable,
            v.duplicated,
            v.uncertain,
            v.uncertain_committed
        );
        for note in &v.notes {
            println!("  note: {note}");
        }
        if self.not_started > 0 {
            println!("  {} client threads could not be started", self.not_started);
        }
        if self.answers_500 > 0 {
            println!("  {} answers were 500; the first bodies:", self.answers_500);
            for body in &self.bodies_500 {
                println!("    {body}");
            }
        }
    }
}

/// One line per engine and scenario.
pub fn print_summary(reports: &[ScenarioReport]) {
    println!("\nRush summary:");
    println!(
        "  {:<9} {:<11} {:>11} {:>9} {:>9} {:>9} {:>5} {:>5} {:>8} {:>9} {:>7}",
        "engine",
        "scenario",
        "clients",
        "requests",
        "1st refd",
        "refused",
        "lost",
        "dup",
        "ops/s",
        "peak MB",
        "wall s"
    );
    for r in reports {
        println!(
            "  {:<9} {:<11} {:>11} {:>9} {:>9} {:>9} {:>5} {:>5} {:>8.1} {:>9} {:>7.1}",
            r.engine,
            r.scenario,
            format!("{}x{}", r.clients, r.rounds),
            r.requests,
            r.first_refused,
            r.refused,
            r.verification.lost,
            r.verification.duplicated,
            r.throughput(),
            r.peak_rss_mb
                .map_or("-".to_string(), |mb| format!("{mb:.1}")),
            r.wall.as_secs_f64()
        );
    }
}

/// One read-phase measurement.
#[derive(Debug, Clone, Default)]
pub struct ReadStats {
    pub name: String,
    pub latencies_ms: Vec<f64>,
    pub failed: usize,
    pub seconds: f64,
    pub failures: Vec<String>,
}

impl ReadStats {
    pub fn new(name: &str) -> ReadStats {
        ReadStats {
            name: name.to_string(),
            ..ReadStats::default()
        }
    }

    pub fn note_failure(&mut self, failure: String) {
        if self.failures.len() < 3 {
            self.failures.push(failure);
        }
    }

    pub fn per_second(&self) -> f64 {
        if self.seconds > 0.0 {
            self.latencies_ms.len() as f64 / self.seconds
        } else {
            0.0
        }
    }

    fn p(&self, p: f64) -> Option<f64> {
        percentile(&sorted(self.latencies_ms.clone()), p)
    }
}

/// The read phase of one engine, with each list's ratio to the bare endpoint.
pub fn print_reads(engine: &str, reads: &[Result<ReadStats, String>]) {
    println!("\n{engine} / read phase (32 clients, 10 s each):");
    println!(
        "  {:<24} {:>8} {:>7} {:>8} {:>8} {:>8} {:>14}",
        "target", "ok", "failed", "req/s", "p50 ms", "p99 ms", "p50 vs bare"
    );
    let bare = reads.iter().flatten().find(|r| r.name.contains("bare"));
    for read in reads {
        match read {
            Ok(r) => {
                let ratio = match (bare.and_then(|b| b.p(50.0)), r.p(50.0)) {
                    (Some(b), Some(mine)) if b > 0.0 => format!("{:.1}x", mine / b),
                    _ => "-".to_string(),
                };
                println!(
                    "  {:<24} {:>8} {:>7} {:>8.1} {:>8} {:>8} {:>14}",
                    r.name,
                    r.latencies_ms.len(),
                    r.failed,
                    r.per_second(),
                    ms(r.p(50.0)),
                    ms(r.p(99.0)),
                    ratio
                );
                for failure in &r.failures {
                    println!("    failure: {failure}");
                }
            }
            Err(note) => println!("  {note}"),
        }
    }
    if let Some(bare) = bare.filter(|b| b.per_second() > 0.0) {
        for r in reads.iter().flatten().filter(|r| !r.name.contains("bare")) {
            println!(
                "  {} / bare: {:.2}x the latency (p50), {:.2}x the throughput",
                r.name,
                r.p(50.0).zip(bare.p(50.0)).map_or(0.0, |(a, b)| a / b),
                r.per_second() / bare.per_second()
            );
        }
    }
}

/// One check of the kill -9 step: passed, failed, or skipped (`None`).
#[derive(Debug, Clone)]
pub struct Check {
    pub name: String,
    pub passed: Option<bool>,
    pub detail: String,
}

impl Check {
    pub fn new(name: &str, passed: Option<bool>, detail: impl Into<String>) -> Check {
        Check {
            name: name.to_string(),
            passed,
            detail: detail.into(),
        }
    }
}

pub fn print_checks(engine: &str, checks: &[Check]) {
    println!("\n{engine} / kill -9:");
    for check in checks {
        let verdict = match check.passed {
            Some(true) => "ok",
            Some(false) => "FAILED",
            None => "skipped",
        };
        println!("  {:<44} {:<8} {}", check.name, verdict, check.detail);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_by_nearest_rank() {
        let values: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&values, 50.0), Some(50.0));
        assert_eq!(percentile(&values, 95.0), Some(95.0));
        assert_eq!(percentile(&values, 99.0), Some(99.0));
        assert_eq!(percentile(&values, 100.0), Some(100.0));
        assert_eq!(percentile(&values, 0.0), Some(1.0));
        assert_eq!(percentile(&[7.0], 99.0), Some(7.0));
        assert_eq!(percentile(&[], 50.0), None);
        let few = sorted(vec![30.0, 10.0, 20.0, 40.0]);
        assert_eq!(percentile(&few, 50.0), Some(20.0));
        assert_eq!(percentile(&few, 99.0), Some(40.0));
    }
}
