//! Published counts that cannot be worked back: the cell-key method.
//!
//! Every record that counts on a dashboard (a household, a member, a case, a
//! complaint, a referral, a proposal) has a fixed *record key* ([`record_key`]).
//! Each counter keeps, beside its count, the sum of the keys of the records
//! in it, so a figure carries a *cell key* that depends only on which records
//! are behind it: the same records give the same key whether they are read
//! as a village, the sub-district above it, a headline figure or a table's
//! cell. [`publish`] adds to each non-zero count a whole number drawn from a
//! two-sided geometric distribution ([`ALPHA`]), chosen by the cell key and
//! the count through the server's secret ([`Perturb`]):
//!
//! - the same figure always shows the same number, so asking again (or
//!   through another page, an export, another level holding the same
//!   records) gives nothing new to average away;
//! - the noise has no bound: a total minus its parts, a parent minus its
//!   other children, a share times its whole gives the true count plus a sum
//!   of draws, never the count itself with certainty;
//! - one record more or less changes the chance of any published number by
//!   at most a factor `1/ALPHA` = 2 (ε = ln 2 per figure).
//!
//! Zero stays zero and a non-zero count never shows as zero (the difference
//! between none and some is published, as before); what is left below
//! [`crate::dashboard::SMALL_CELL`] after the noise is shown as "<5".

use serde::{Deserialize, Serialize};

/// Record and cell keys are numbers below this.
pub const KEY_SPACE: u64 = 1 << 24;

/// The ratio of successive probabilities of the noise: a draw of `k` is
/// `ALPHA` times as likely as one of `k − 1` (for `k > 0`). 0.5 gives a
/// standard deviation of 2, and an unchanged count one time in three.
pub const ALPHA: f64 = 0.5;

/// The kinds of records behind dashboard figures (each has its own keys).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordKind {
    Household,
    Member,
    Case,
    Complaint,
    Referral,
    Proposal,
}

impl RecordKind {
    fn tag(self) -> u64 {
        match self {
            RecordKind::Household => 1,
            RecordKind::Member => 2,
            RecordKind::Case => 3,
            RecordKind::Complaint => 4,
            RecordKind::Referral => 5,
            RecordKind::Proposal => 6,
        }
    }
}

/// The fixed key of one record, below [`KEY_SPACE`]. It is not secret: the
/// noise is chosen by the server's secret from the sum of such keys.
pub fn record_key(kind: RecordKind, id: i64) -> i64 {
    // SplitMix64's finaliser: every bit of the id moves every bit of the key.
    let mut z = (id as u64) ^ (kind.tag() << 56);
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z % KEY_SPACE) as i64
}

/// A count and the cell key of the records in it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Counted {
    pub n: u64,
    /// The sum of the records' keys, modulo [`KEY_SPACE`].
    pub key: u64,
}

impl Counted {
    /// From stored sums (a negative count reads as zero).
    pub fn new(n: i64, key: i64) -> Counted {
        Counted {
            n: u64::try_from(n).unwrap_or(0),
            key: key.rem_euclid(KEY_SPACE as i64) as u64,
        }
    }

    /// Counts one more record with this key.
    pub fn add_record(&mut self, key: i64) {
        *self += Counted::new(1, key);
    }

    /// The records of both.
    pub fn plus(self, other: Counted) -> Counted {
        Counted {
            n: self.n + other.n,
            key: (self.key + other.key) % KEY_SPACE,
        }
    }

    /// The records of `self` without those of `other` (a part of it).
    pub fn minus(self, other: Counted) -> Counted {
        Counted {
            n: self.n.saturating_sub(other.n),
            key: (self.key + KEY_SPACE - other.key % KEY_SPACE) % KEY_SPACE,
        }
    }
}

impl std::ops::AddAssign for Counted {
    fn add_assign(&mut self, other: Counted) {
        *self = self.plus(other);
    }
}

impl std::iter::Sum for Counted {
    fn sum<I: Iterator<Item = Counted>>(iter: I) -> Counted {
        iter.fold(Counted::default(), Counted::plus)
    }
}

/// The source of the noise: two numbers in (0, 1] fixed by a cell key and a
/// count, that nobody without the server's secret can foresee.
pub trait Perturb: Send + Sync {
    fn draws(&self, key: u64, n: u64) -> (f64, f64);
}

/// A geometric draw (0, 1, 2 ... with probabilities falling by [`ALPHA`]) from `u` in (0, 1].
fn geometric(u: f64) -> i64 {
    let u = u.clamp(f64::MIN_POSITIVE, 1.0);
    // At most 53 bits of chance in `u`: at most about 53 steps.
    (u.ln() / ALPHA.ln()).floor().clamp(0.0, 64.0) as i64
}

/// The noise added to a non-zero count: the difference of two geometric draws.
pub fn offset(noise: &dyn Perturb, cell: Counted) -> i64 {
    let (a, b) = noise.draws(cell.key, cell.n);
    geometric(a) - geometric(b)
}

/// The number published for a count: zero as zero, anything else with its
/// noise, at least 1, and `None` ("<5") when that is below the small-cell limit.
pub fn publish(noise: &dyn Perturb, cell: Counted) -> Option<u64> {
    if cell.n == 0 {
        return Some(0);
    }
    let shown = cell.n.saturating_add_signed(offset(noise, cell)).max(1);
    (shown >= crate::dashboard::SMALL_CELL).then_some(shown)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A stand-in for the server's keyed noise: the same mixing, no secret.
    pub(crate) struct Mixed(pub u64);

    impl Perturb for Mixed {
        fn draws(&self, key: u64, n: u64) -> (f64, f64) {
            let mix = |salt: u64| {
                let k = record_key(
                    RecordKind::Case,
                    (key ^ (n << 24) ^ (salt << 50) ^ self.0) as i64,
                );
                let m = record_key(RecordKind::Member, k ^ (n as i64) ^ (salt as i64));
                ((k as u64) << 24 | m as u64) as f64 / (1u64 << 48) as f64
            };
            (1.0 - mix(1), 1.0 - mix(2))
        }
    }

    #[test]
    fn record_keys_differ_by_kind_and_id_and_stay_in_range() {
        let a = record_key(RecordKind::Case, 7);
        assert_eq!(a, record_key(RecordKind::Case, 7));
        assert_ne!(a, record_key(RecordKind::Household, 7));
        assert_ne!(a, record_key(RecordKind::Case, 8));
        for id in 0..1000 {
            assert!((0..KEY_SPACE as i64).contains(&record_key(RecordKind::Member, id)));
        }
    }

    #[test]
    fn cell_keys_add_and_subtract_like_the_counts() {
        let mut whole = Counted::default();
        let mut part = Counted::default();
        for id in 1..=9 {
            whole.add_record(record_key(RecordKind::Case, id));
            if id % 3 == 0 {
                part.add_record(record_key(RecordKind::Case, id));
            }
        }
        let rest: Counted = (1..=9)
            .filter(|id| id % 3 != 0)
            .map(|id| Counted::new(1, record_key(RecordKind::Case, id)))
            .sum();
        assert_eq!(whole.minus(part), rest);
        assert_eq!(part.plus(rest), whole);
        assert_eq!(
            Counted::new(-3, -1),
            Counted {
                n: 0,
                key: KEY_SPACE - 1
            }
        );
    }

    #[test]
    fn zero_stays_zero_and_nothing_else_becomes_zero() {
        let noise = Mixed(1);
        assert_eq!(publish(&noise, Counted { n: 0, key: 99 }), Some(0));
        for key in 0..2000 {
            let shown = publish(&noise, Counted { n: 6, key });
            assert_ne!(shown, Some(0), "key {key}");
        }
    }

    #[test]
    fn the_same_cell_always_shows_the_same_number() {
        let noise = Mixed(5);
        for key in 0..200 {
            let cell = Counted { n: 40, key };
            assert_eq!(publish(&noise, cell), publish(&noise, cell));
        }
    }

    #[test]
    fn the_noise_is_centred_unbounded_and_one_time_in_three_nothing() {
        let noise = Mixed(11);
        let draws: Vec<i64> = (0..20_000)
            .map(|key| offset(&noise, Counted { n: 100, key }))
            .collect();
        let mean = draws.iter().sum::<i64>() as f64 / draws.len() as f64;
        let zeros = draws.iter().filter(|d| **d == 0).count() as f64 / draws.len() as f64;
        let spread =
            (draws.iter().map(|d| (d * d) as f64).sum::<f64>() / draws.len() as f64).sqrt();
        assert!(mean.abs() < 0.1, "mean {mean}");
        assert!((0.30..0.37).contains(&zeros), "unchanged {zeros}");
        assert!((1.8..2.2).contains(&spread), "standard deviation {spread}");
        assert!(draws.iter().any(|d| *d >= 6) && draws.iter().any(|d| *d <= -6));
    }

    #[test]
    fn small_results_are_hidden() {
        let noise = Mixed(3);
        for key in 0..500 {
            let cell = Counted { n: 3, key };
            let expected = 3_u64.saturating_add_signed(offset(&noise, cell)).max(1);
            let shown = publish(&noise, cell);
            assert_eq!(shown, (expected >= 5).then_some(expected));
        }
    }
}
