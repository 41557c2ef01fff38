//! The service layer: the `shared` contract implemented on the database.
//! Every rule (authorization, validation, audit) is enforced here, whichever
//! door (server function, REST, CLI) the request came through.

pub mod areas;
pub mod audit;
pub mod auth;

use std::sync::Arc;
use std::time::Duration;

use sea_orm::{DatabaseConnection, DbErr};
use shared::contract::{ServiceError, Services};

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

/// Builds every service on one database connection.
pub fn build(db: DatabaseConnection, sessions: SessionPolicy) -> Services {
    Services {
        auth: Arc::new(auth::DbAuthService::new(db.clone(), sessions)),
        areas: Arc::new(areas::DbAreaService::new(db)),
    }
}

/// Turns a database failure into the user-facing "unavailable" error, logging the cause.
pub(crate) fn db_failure(error: DbErr) -> ServiceError {
    tracing::error!(%error, "database error");
    ServiceError::Unavailable
}
