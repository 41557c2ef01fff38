//! Signing in and out, and server-side sessions stored in the database.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rand::RngCore;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set,
    TransactionTrait,
};
use sha2::{Digest, Sha256};
use shared::contract::{Actor, AuthService, ClientInfo, LoginOutcome, ServiceError};
use shared::roles::Role;

use super::audit::{self, Entry, Outcome};
use super::{SessionPolicy, db_failure};
use crate::entities::{areas, sessions, user_assignments, users};
use crate::password;

/// Sessions only record a visit when the last one is older than this, to spare writes.
const LAST_SEEN_GRANULARITY_SECONDS: i64 = 60;

/// [`AuthService`] on the portal database.
pub struct DbAuthService {
    db: DatabaseConnection,
    policy: SessionPolicy,
}

impl DbAuthService {
    pub fn new(db: DatabaseConnection, policy: SessionPolicy) -> Self {
        DbAuthService { db, policy }
    }

    async fn audit_login(
        &self,
        user_id: Option<i64>,
        client: &ClientInfo,
        outcome: Outcome,
        detail: &str,
    ) {
        let entry = Entry {
            actor_user_id: user_id,
            action: "login",
            object_type: "session",
            client_address: client.address.clone(),
            detail: Some(detail.to_string()),
            ..Default::default()
        };
        if let Err(error) = audit::record(&self.db, entry, outcome).await {
            tracing::error!(%error, "could not write the login audit entry");
        }
    }

    /// Builds the actor of a user under one of their assignments.
    async fn actor_for(
        &self,
        user: &users::Model,
        assignment: &user_assignments::Model,
    ) -> Result<Actor, ServiceError> {
        let role = Role::from_code(&assignment.role).ok_or_else(|| {
            tracing::error!(
                assignment = assignment.id,
                "assignment has an unknown role code"
            );
            ServiceError::Unavailable
        })?;
        let area_name = match &assignment.area_code {
            Some(code) => areas::Entity::find_by_id(code.clone())
                .one(&self.db)
                .await
                .map_err(db_failure)?
                .map(|area| area.name)
                .unwrap_or_else(|| code.clone()),
            None => "Indonesia".to_string(),
        };
        Ok(Actor {
            user_id: user.id,
            username: user.username.clone(),
            full_name: user.full_name.clone(),
            role,
            area_code: assignment.area_code.clone(),
            area_name,
            institution_id: assignment.institution_id,
        })
    }
}

/// The stored id of a session: SHA-256 of the secret cookie token, in hex.
pub fn session_id(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A new secret session token: 256 random bits, hex encoded.
fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

fn after(now: DateTime<Utc>, duration: std::time::Duration) -> DateTime<Utc> {
    now + chrono::Duration::from_std(duration).unwrap_or(chrono::Duration::hours(12))
}

#[async_trait]
impl AuthService for DbAuthService {
    async fn login(
        &self,
        username: &str,
        password_attempt: &str,
        client: &ClientInfo,
    ) -> Result<LoginOutcome, ServiceError> {
        let user = users::Entity::find()
            .filter(users::Column::Username.eq(username.to_lowercase()))
            .one(&self.db)
            .await
            .map_err(db_failure)?;
        let stored_hash = user
            .as_ref()
            .map(|user| user.password_hash.clone())
            .unwrap_or_else(|| password::DECOY_HASH.to_string());
        let matches = password::verify(password_attempt.to_string(), stored_hash)
            .await
            .map_err(|error| {
                tracing::error!(%error, "password check failed");
                ServiceError::Unavailable
            })?;
        let Some(user) = user.filter(|_| matches) else {
            self.audit_login(None, client, Outcome::Refused, "wrong username or password")
                .await;
            return Err(ServiceError::InvalidCredentials);
        };
        if user.disabled {
            self.audit_login(Some(user.id), client, Outcome::Refused, "account disabled")
                .await;
            return Err(ServiceError::AccountDisabled);
        }
        let Some(assignment) = user_assignments::Entity::find()
            .filter(user_assignments::Column::UserId.eq(user.id))
            .order_by_asc(user_assignments::Column::Id)
            .one(&self.db)
            .await
            .map_err(db_failure)?
        else {
            self.audit_login(
                Some(user.id),
                client,
                Outcome::Refused,
                "no role assignment",
            )
            .await;
            return Err(ServiceError::Forbidden);
        };
        let actor = self.actor_for(&user, &assignment).await?;

        let token = new_token();
        let now = Utc::now();
        let txn = self.db.begin().await.map_err(db_failure)?;
        sessions::ActiveModel {
            id: Set(session_id(&token)),
            user_id: Set(user.id),
            assignment_id: Set(assignment.id),
            created_at: Set(now),
            last_seen_at: Set(now),
            expires_at: Set(after(now, self.policy.absolute_timeout)),
            client_address: Set(client.address.clone()),
        }
        .insert(&txn)
        .await
        .map_err(db_failure)?;
        audit::record(
            &txn,
            Entry {
                actor_user_id: Some(user.id),
                action: "login",
                object_type: "session",
                area_code: assignment.area_code.clone(),
                client_address: client.address.clone(),
                ..Default::default()
            },
            Outcome::Ok,
        )
        .await
        .map_err(db_failure)?;
        txn.commit().await.map_err(db_failure)?;
        Ok(LoginOutcome {
            session_token: token,
            actor,
        })
    }

    async fn logout(&self, session_token: &str) -> Result<(), ServiceError> {
        let id = session_id(session_token);
        let txn = self.db.begin().await.map_err(db_failure)?;
        if let Some(session) = sessions::Entity::find_by_id(id.clone())
            .one(&txn)
            .await
            .map_err(db_failure)?
        {
            sessions::Entity::delete_by_id(id)
                .exec(&txn)
                .await
                .map_err(db_failure)?;
            audit::record(
                &txn,
                Entry {
                    actor_user_id: Some(session.user_id),
                    action: "logout",
                    object_type: "session",
                    client_address: session.client_address,
                    ..Default::default()
                },
                Outcome::Ok,
            )
            .await
            .map_err(db_failure)?;
        }
        txn.commit().await.map_err(db_failure)
    }

    async fn authenticate(&self, session_token: &str) -> Result<Option<Actor>, ServiceError> {
        let id = session_id(session_token);
        let Some(session) = sessions::Entity::find_by_id(id.clone())
            .one(&self.db)
            .await
            .map_err(db_failure)?
        else {
            return Ok(None);
        };
        let now = Utc::now();
        let idle_deadline = after(session.last_seen_at, self.policy.idle_timeout);
        if now >= session.expires_at || now >= idle_deadline {
            sessions::Entity::delete_by_id(id)
                .exec(&self.db)
                .await
                .map_err(db_failure)?;
            return Ok(None);
        }
        let user = users::Entity::find_by_id(session.user_id)
            .one(&self.db)
            .await
            .map_err(db_failure)?;
        let assignment = user_assignments::Entity::find_by_id(session.assignment_id)
            .one(&self.db)
            .await
            .map_err(db_failure)?;
        let (Some(user), Some(assignment)) = (user, assignment) else {
            sessions::Entity::delete_by_id(id)
                .exec(&self.db)
                .await
                .map_err(db_failure)?;
            return Ok(None);
        };
        if user.disabled {
            sessions::Entity::delete_many()
                .filter(sessions::Column::UserId.eq(user.id))
                .exec(&self.db)
                .await
                .map_err(db_failure)?;
            return Ok(None);
        }
        if (now - session.last_seen_at).num_seconds() >= LAST_SEEN_GRANULARITY_SECONDS {
            let mut touched: sessions::ActiveModel = session.into();
            touched.last_seen_at = Set(now);
            touched.update(&self.db).await.map_err(db_failure)?;
        }
        self.actor_for(&user, &assignment).await.map(Some)
    }
}
