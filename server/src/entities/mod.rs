//! SeaORM entities: one module per table, mirroring the `migrations` crate.

pub mod area_stats;
pub mod areas;
pub mod attachments;
pub mod audit_log;
pub mod case_events;
pub mod cases;
pub mod complaints;
pub mod enrolments;
pub mod household_events;
pub mod households;
pub mod idempotency_keys;
pub mod institutions;
pub mod login_failures;
pub mod members;
pub mod programmes;
pub mod proposal_events;
pub mod proposals;
pub mod referral_events;
pub mod referrals;
pub mod registry_families;
pub mod registry_imports;
pub mod registry_people;
pub mod sessions;
pub mod user_assignments;
pub mod users;
