//! SeaORM entities: one module per table, mirroring the `migrations` crate.

pub mod areas;
pub mod audit_log;
pub mod sessions;
pub mod user_assignments;
pub mod users;
