//! How many identity lookups (cek NIK / No KK) and reveals one user may make in a
//! short time. A front desk looks up one or two residents a minute; mining the
//! registry by enumerating structured NIKs takes thousands. Beyond the allowance
//! the service answers [`ServiceError::LookupLimited`] (HTTP 429 with
//! `Retry-After`), and the first refusal of a burst is written to the audit log
//! as `lookup_volume` for the administrators.
//!
//! The web layer keeps a second allowance per client address
//! (`crate::web::lookup_guard`) for many accounts behind one address.

use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use shared::contract::{Actor, ServiceError};

use super::audit_entry::{Entry, Outcome};
use super::store::Store;

/// Lookups a user may make at once before the pace below applies.
pub const USER_BURST: u32 = 20;
/// One more lookup allowed every this often (20 a minute).
pub const USER_PERIOD: Duration = Duration::from_secs(3);

/// The allowance of every user (and the alarm's: one audit entry a minute at most).
pub struct LookupLimits {
    by_user: DefaultKeyedRateLimiter<i64>,
    alarms: DefaultKeyedRateLimiter<i64>,
}

impl Default for LookupLimits {
    fn default() -> Self {
        LookupLimits::new(USER_BURST, USER_PERIOD)
    }
}

impl LookupLimits {
    /// `burst` lookups at once, then one every `period`.
    pub fn new(burst: u32, period: Duration) -> LookupLimits {
        LookupLimits {
            by_user: RateLimiter::keyed(per(burst, period)),
            alarms: RateLimiter::keyed(per(1, Duration::from_secs(60))),
        }
    }

    /// Takes one lookup from the actor's allowance, or refuses it (audited once per burst).
    pub async fn take(&self, db: &Store, actor: &Actor, what: &str) -> Result<(), ServiceError> {
        if self.by_user.len() > 50_000 {
            self.by_user.retain_recent();
            self.alarms.retain_recent();
        }
        let Err(not_until) = self.by_user.check_key(&actor.user_id) else {
            return Ok(());
        };
        let retry_after_seconds = seconds_until(&not_until);
        if self.alarms.check_key(&actor.user_id).is_ok() {
            let entry = Entry {
                actor_user_id: Some(actor.user_id),
                action: "lookup_volume",
                object_type: what,
                area_code: actor.area_code.clone(),
                detail: Some(format!(
                    "more than {USER_BURST} identity lookups or reveals in a short time: \
                     refused for {retry_after_seconds} s; check what this account is doing"
                )),
                ..Default::default()
            };
            if let Err(error) = db.audit(entry, Outcome::Refused).await {
                tracing::error!(%error, "could not audit a lookup refusal");
            }
        }
        tracing::warn!(user = actor.user_id, what, "identity lookups limited");
        Err(ServiceError::LookupLimited {
            retry_after_seconds,
        })
    }
}

/// Whole seconds (at least one) until a refused limiter allows the next one, for `Retry-After`.
pub fn seconds_until(not_until: &governor::NotUntil<<DefaultClock as Clock>::Instant>) -> u64 {
    not_until
        .wait_time_from(DefaultClock::default().now())
        .as_secs()
        .max(1)
}

/// `burst` at once, one more every `period` (at least one of each).
pub fn per(burst: u32, period: Duration) -> Quota {
    let burst = NonZeroU32::new(burst.max(1)).unwrap_or(NonZeroU32::MIN);
    Quota::with_period(period.max(Duration::from_millis(1)))
        .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
        .allow_burst(burst)
}
