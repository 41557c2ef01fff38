//! The service layer: the `shared` contract implemented on the database.
//! Every rule (authorization, validation, audit) is enforced here, whichever
//! door (server function, REST, CLI) the request came through.

pub mod accounts;
pub mod actor_cache;
pub mod areas;
pub mod audit;
pub mod audit_entry;
pub mod auth;
pub mod batches;
mod card_split;
pub mod cases;
pub mod catalogue;
pub mod common;
pub mod dashboards;
pub mod documents;
pub mod export;
pub mod households;
pub mod housekeeping;
pub mod lookup_limit;
pub mod match_file;
pub mod meetings;
pub mod numbering;
pub mod proposal_apply;
pub mod proposals;
pub mod referral_inbox;
pub mod referrals;
pub mod rows;
pub mod sheet_imports;
pub mod spreadsheet;
pub mod stats;
pub mod store;
pub mod visits;
pub(crate) mod write;

use std::sync::Arc;
use std::time::Duration;

use sea_orm::{DatabaseConnection, DbErr};
use shared::contract::{ServiceError, Services};
use shared::deadline::HolidayCalendar;

use crate::protect::DataKey;

/// How long sessions live.
#[derive(Debug, Clone, Copy)]
pub struct SessionPolicy {
    /// A session unused for this long ends.
    pub idle_timeout: Duration,
    /// A session ends this long after login, used or not.
    pub absolute_timeout: Duration,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        SessionPolicy {
            idle_timeout: Duration::from_secs(60 * 60),
            absolute_timeout: Duration::from_secs(12 * 60 * 60),
        }
    }
}

/// How failed sign-ins slow down further attempts (per username and per address).
#[derive(Debug, Clone, Copy)]
pub struct LoginThrottle {
    /// Failures older than this are forgotten.
    pub window: Duration,
    /// Failures of one username from one address allowed in the window before
    /// that address waits for that username.
    pub free_per_account: u32,
    /// Failures from one address allowed in the window before waits begin (an
    /// office behind one address has many staff, so this is higher).
    pub free_per_address: u32,
    /// The first wait; each further failure doubles it.
    pub first_wait: Duration,
    /// The longest wait of one address.
    pub longest_wait: Duration,
    /// Failures of one username from all addresses together allowed before every
    /// sign-in to it is slowed down (a guess spread over many addresses).
    pub free_account_wide: u32,
    /// The longest wait that failures from elsewhere can impose on an account: short,
    /// so that nobody can keep an account's owner out by failing on purpose.
    pub account_wide_longest_wait: Duration,
}

impl Default for LoginThrottle {
    fn default() -> Self {
        LoginThrottle {
            window: Duration::from_secs(15 * 60),
            free_per_account: 5,
            free_per_address: 20,
            first_wait: Duration::from_secs(30),
            longest_wait: Duration::from_secs(15 * 60),
            free_account_wide: 20,
            account_wide_longest_wait: Duration::from_secs(60),
        }
    }
}

/// What the services need besides the database.
#[derive(Debug, Clone)]
pub struct ServiceConfig {
    pub sessions: SessionPolicy,
    /// Sign-in throttling.
    pub throttle: LoginThrottle,
    /// Protects NIK and No KK at rest.
    pub key: DataKey,
    /// Public holidays, for working-day deadlines.
    pub calendar: HolidayCalendar,
    /// A demonstration server (`slrt serve --demo`): the published demo password
    /// is accepted as it is. Elsewhere an account signing in with it must change it.
    pub demo: bool,
    /// Identity lookups and reveals a user may make at once, and how often one
    /// more is allowed after them.
    pub lookups: (u32, Duration),
    /// The folder documents are kept in (outside the database and the served site).
    pub files: crate::files::FileStore,
    /// Rows an export (a list's download) reads from the database at once.
    pub export_page_rows: u64,
}

impl ServiceConfig {
    /// Default sessions and the built-in fixed-date holidays, with `key`.
    pub fn with_key(key: DataKey) -> ServiceConfig {
        ServiceConfig {
            sessions: SessionPolicy::default(),
            throttle: LoginThrottle::default(),
            key,
            calendar: builtin_holidays(),
            demo: false,
            lookups: (lookup_limit::USER_BURST, lookup_limit::USER_PERIOD),
            files: crate::files::FileStore::new(default_files_dir()),
            export_page_rows: export::EXPORT_PAGE_ROWS,
        }
    }
}

/// Where documents are kept when nothing else is configured: a folder of this
/// process under the system's temporary folder (tests; `slrt serve` always
/// names its own, see `--files-dir`).
fn default_files_dir() -> std::path::PathBuf {
    std::env::temp_dir().join(format!("slrt-files-{}", std::process::id()))
}

/// The fixed-date national holidays shipped with the portal (`server/data/holidays.txt`).
pub fn builtin_holidays() -> HolidayCalendar {
    HolidayCalendar::parse(include_str!("../../data/holidays.txt")).unwrap_or_default()
}

/// Builds every service on one database connection.
pub fn build(db: DatabaseConnection, config: ServiceConfig) -> Services {
    build_on(store::Store::new(db), config)
}

/// Builds every service on one [`store::Store`] (shared with the housekeeping task).
pub fn build_on(db: store::Store, config: ServiceConfig) -> Services {
    let page = config.export_page_rows;
    let households = Arc::new(households::DbHouseholdService::new(
        db.clone(),
        config.key.clone(),
        lookup_limit::LookupLimits::new(config.lookups.0, config.lookups.1),
        page,
    ));
    Services {
        auth: Arc::new(auth::DbAuthService::new(
            db.clone(),
            config.sessions,
            config.throttle,
            config.demo,
        )),
        accounts: Arc::new(accounts::DbAccountService::new(db.clone())),
        audit: Arc::new(audit::DbAuditService::new(db.clone(), page)),
        areas: Arc::new(areas::DbAreaService::new(db.clone())),
        households: households.clone(),
        cases: Arc::new(cases::DbCaseService::new(
            db.clone(),
            config.calendar.clone(),
            page,
        )),
        referrals: Arc::new(referrals::DbReferralService::new(
            db.clone(),
            config.calendar,
            page,
        )),
        proposals: Arc::new(proposals::DbProposalService::new(
            db.clone(),
            households.clone(),
            page,
        )),
        batches: Arc::new(batches::DbBatchService::new(db.clone(), config.key.clone())),
        meetings: Arc::new(meetings::DbMeetingService::new(db.clone())),
        visits: Arc::new(visits::DbVisitService::new(db.clone(), households)),
        documents: Arc::new(documents::DbDocumentService::new(
            db.clone(),
            config.files.clone(),
        )),
        sheet_imports: Arc::new(sheet_imports::DbSheetImportService::new(
            db.clone(),
            config.key.clone(),
            config.files.clone(),
        )),
        dashboards: Arc::new(dashboards::DbDashboardService::new(
            db.clone(),
            config.key.noise(),
        )),
        catalogue: Arc::new(catalogue::DbCatalogueService::new(db)),
    }
}

/// Turns a database failure into the caller's error, logging the cause: a
/// passing failure (busy, overloaded, connection lost, a serialization conflict)
/// is `Unavailable`, which the browser sends again; anything else is a fault of
/// the server (`Internal`).
pub(crate) fn db_failure(error: DbErr) -> ServiceError {
    if is_transient(&error) {
        tracing::warn!(%error, "database busy");
        ServiceError::Unavailable
    } else {
        tracing::error!(%error, "database error");
        ServiceError::Internal
    }
}

/// True when the same statement may succeed if tried again later.
pub fn is_transient(error: &DbErr) -> bool {
    use sea_orm::RuntimeErr;
    use sea_orm::sqlx::Error as Sqlx;
    let sqlx = match error {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => return true,
        DbErr::Exec(RuntimeErr::SqlxError(error)) | DbErr::Query(RuntimeErr::SqlxError(error)) => {
            error
        }
        _ => return false,
    };
    match sqlx.as_ref() {
        Sqlx::PoolTimedOut | Sqlx::PoolClosed | Sqlx::WorkerCrashed | Sqlx::Io(_) => true,
        Sqlx::Database(error) => error.code().is_some_and(|code| transient_code(&code)),
        _ => false,
    }
}

/// Database error codes of passing failures: SQLite's busy and locked (any of
/// their extended codes: the low byte is 5 or 6), PostgreSQL's serialization
/// failure, deadlock, lock not available, too many connections, a statement
/// cancelled (time-out), shutdown, and connection exceptions.
fn transient_code(code: &str) -> bool {
    // PostgreSQL's SQLSTATE has five characters; SQLite's codes are numbers below 10,000.
    if code.len() < 5
        && let Ok(sqlite) = code.parse::<i32>()
    {
        return matches!(sqlite & 0xff, 5 | 6);
    }
    matches!(
        code,
        "40001" | "40P01" | "55P03" | "53300" | "57014" | "57P01" | "57P02" | "57P03"
    ) || code.starts_with("08")
}

#[cfg(test)]
mod tests {
    use super::transient_code;

    #[test]
    fn busy_and_lost_connections_pass_other_errors_do_not() {
        for code in [
            "5", "6", "261", "517", "773", "40001", "40P01", "08006", "57P01",
        ] {
            assert!(transient_code(code), "{code}");
        }
        // SQLite: constraint, error; PostgreSQL: unique violation, syntax, bad binary data.
        for code in ["19", "1", "2067", "23505", "42601", "22P03"] {
            assert!(!transient_code(code), "{code}");
        }
    }
}
