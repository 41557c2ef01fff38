//! Signing in and out, server-side sessions stored in the database, switching
//! between one's assignments, changing one's password, and sign-in throttling.

use std::collections::HashMap;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rand::RngCore;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use sha2::{Digest, Sha256};
use shared::DomainError;
use shared::account::{AssignmentView, SessionView, describe_browser};
use shared::contract::{Actor, AuthService, ClientInfo, LoginOutcome, ServiceError};
use shared::error::FieldErrors;
use shared::roles::Role;

use super::audit_entry::{Entry, Outcome};
use super::store::Store;
use super::{LoginThrottle, SessionPolicy, db_failure};
use crate::entities::{areas, institutions, login_failures, sessions, user_assignments, users};
use crate::password;

/// Sessions only record a visit when the last one is older than this, to spare writes.
const LAST_SEEN_GRANULARITY_SECONDS: i64 = 60;
/// Longest username stored with a failed sign-in.
const FAILURE_USERNAME_CHARS: usize = 64;

/// [`AuthService`] on the portal database.
pub struct DbAuthService {
    db: Store,
    policy: SessionPolicy,
    throttle: LoginThrottle,
    demo: bool,
}

/// Failed sign-ins from the client's address (or from an unknown one).
fn from_address(client: &ClientInfo) -> sea_orm::sea_query::SimpleExpr {
    match &client.address {
        Some(address) => login_failures::Column::ClientAddress.eq(address.as_str()),
        None => login_failures::Column::ClientAddress.is_null(),
    }
}

/// Longest browser description kept with a session.
const USER_AGENT_CHARS: usize = 160;

/// The browser a session was opened with, as stored: printable characters, cut short.
fn short_user_agent(agent: &str) -> String {
    agent
        .chars()
        .filter(|c| !c.is_control())
        .take(USER_AGENT_CHARS)
        .collect()
}

/// How long a sign-in must wait, given the times of recent failures (any order),
/// the number of failures allowed before waits begin and the wait policy.
/// Each failure beyond the free ones doubles the wait after the latest failure.
pub fn throttle_wait(
    failures: &[DateTime<Utc>],
    free: u32,
    throttle: &LoginThrottle,
    now: DateTime<Utc>,
) -> Option<Duration> {
    let window_start = now - chrono_duration(throttle.window);
    let recent: Vec<&DateTime<Utc>> = failures.iter().filter(|at| **at > window_start).collect();
    let count = u32::try_from(recent.len()).unwrap_or(u32::MAX);
    if count < free {
        return None;
    }
    let latest = recent.into_iter().max()?;
    let doublings = (count - free).min(20);
    let wait = throttle
        .first_wait
        .saturating_mul(2u32.saturating_pow(doublings))
        .min(throttle.longest_wait);
    let unlock = *latest + chrono_duration(wait);
    (now < unlock).then(|| (unlock - now).to_std().unwrap_or(wait))
}

fn chrono_duration(duration: Duration) -> chrono::Duration {
    chrono::Duration::from_std(duration).unwrap_or(chrono::Duration::hours(12))
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

fn after(now: DateTime<Utc>, duration: Duration) -> DateTime<Utc> {
    now + chrono_duration(duration)
}

/// Hashes a new password for the services (a hashing failure is "unavailable").
pub(crate) async fn hash_password(password: &str) -> Result<String, ServiceError> {
    password::hash(password.to_string()).await.map_err(|error| {
        tracing::error!(%error, "password hashing failed");
        ServiceError::Internal
    })
}

/// Stores a new password hash on the account (bumping its version).
pub(crate) async fn store_password<C: ConnectionTrait>(
    db: &C,
    user: users::Model,
    hash: String,
    must_change: bool,
) -> Result<(), ServiceError> {
    let version = user.version;
    let mut changed: users::ActiveModel = user.into();
    changed.password_hash = Set(hash);
    changed.must_change_password = Set(must_change);
    changed.updated_at = Set(Utc::now());
    changed.version = Set(version + 1);
    changed.update(db).await.map_err(db_failure)?;
    Ok(())
}

/// A new, enabled account row.
pub fn new_user(
    username: &str,
    full_name: &str,
    password_hash: String,
    must_change_password: bool,
) -> users::ActiveModel {
    let now = Utc::now();
    users::ActiveModel {
        username: Set(username.to_string()),
        full_name: Set(full_name.trim().to_string()),
        password_hash: Set(password_hash),
        disabled: Set(false),
        must_change_password: Set(must_change_password),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
        ..Default::default()
    }
}

/// Names of areas by code, for assignments.
pub(crate) async fn area_names<C: ConnectionTrait>(
    db: &C,
    codes: impl IntoIterator<Item = String>,
) -> Result<HashMap<String, String>, ServiceError> {
    let codes: Vec<String> = codes.into_iter().collect();
    if codes.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(areas::Entity::find()
        .filter(areas::Column::Code.is_in(codes))
        .all(db)
        .await
        .map_err(db_failure)?
        .into_iter()
        .map(|area| (area.code, area.name))
        .collect())
}

/// The assignments as the UI shows them, with area and institution names.
pub(crate) async fn assignment_views<C: ConnectionTrait>(
    db: &C,
    rows: &[user_assignments::Model],
    current: Option<i64>,
) -> Result<Vec<AssignmentView>, ServiceError> {
    let names = area_names(db, rows.iter().filter_map(|row| row.area_code.clone())).await?;
    let institution_ids: Vec<i64> = rows.iter().filter_map(|row| row.institution_id).collect();
    let institution_names: HashMap<i64, String> = if institution_ids.is_empty() {
        HashMap::new()
    } else {
        institutions::Entity::find()
            .filter(institutions::Column::Id.is_in(institution_ids))
            .all(db)
            .await
            .map_err(db_failure)?
            .into_iter()
            .map(|row| (row.id, row.name))
            .collect()
    };
    rows.iter()
        .map(|row| {
            let role = Role::from_code(&row.role).ok_or_else(|| {
                tracing::error!(assignment = row.id, "assignment has an unknown role code");
                ServiceError::Internal
            })?;
            let area_code = row.area_code.clone().unwrap_or_default();
            let area_name = if area_code.is_empty() {
                "Indonesia".to_string()
            } else {
                names
                    .get(&area_code)
                    .cloned()
                    .unwrap_or_else(|| area_code.clone())
            };
            Ok(AssignmentView {
                id: row.id,
                role,
                area_code,
                area_name,
                institution_id: row.institution_id,
                institution_name: row
                    .institution_id
                    .and_then(|id| institution_names.get(&id).cloned()),
                current: Some(row.id) == current,
            })
        })
        .collect()
}

impl DbAuthService {
    pub fn new(db: Store, policy: SessionPolicy, throttle: LoginThrottle, demo: bool) -> Self {
        DbAuthService {
            db,
            policy,
            throttle,
            demo,
        }
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
        if let Err(error) = self.db.audit(entry, outcome).await {
            tracing::error!(%error, "could not write the login audit entry");
        }
    }

    /// Builds the actor of a user under one of their assignments.
    async fn actor_for(
        &self,
        user: &users::Model,
        assignment: &user_assignments::Model,
    ) -> Result<Actor, ServiceError> {
        let view = assignment_views(&self.db, std::slice::from_ref(assignment), None)
            .await?
            .pop()
            .ok_or(ServiceError::Internal)?;
        Ok(Actor {
            user_id: user.id,
            username: user.username.clone(),
            full_name: user.full_name.clone(),
            role: view.role,
            area_code: assignment.area_code.clone(),
            area_name: view.institution_name.unwrap_or(view.area_name),
            institution_id: assignment.institution_id,
            assignment_id: assignment.id,
            must_change_password: user.must_change_password,
        })
    }

    /// Recent failure times matching `filter` (a username, an address or both).
    async fn recent_failures(
        &self,
        filter: sea_orm::Condition,
        now: DateTime<Utc>,
    ) -> Result<Vec<DateTime<Utc>>, ServiceError> {
        Ok(login_failures::Entity::find()
            .filter(filter)
            .filter(login_failures::Column::At.gt(now - chrono_duration(self.throttle.window)))
            .order_by_desc(login_failures::Column::At)
            .limit(64)
            .all(&self.db)
            .await
            .map_err(db_failure)?
            .into_iter()
            .map(|row| row.at)
            .collect())
    }

    /// How long this username from this address must wait before trying again, if at all.
    ///
    /// Three counts, so that failing on purpose cannot keep an account's owner out:
    /// the username from this very address (5 free, then waits doubling up to 15
    /// minutes: a guesser at one place is slowed down), this address for any username
    /// (20 free: a guesser trying many accounts), and the username from everywhere
    /// (20 free, then waits capped at a minute: a guess spread over many addresses
    /// slows the account down but never locks it). Each time the account-wide count
    /// crosses its threshold the administrators are told in the audit log.
    async fn wait_before_login(
        &self,
        username: &str,
        client: &ClientInfo,
    ) -> Result<Option<Duration>, ServiceError> {
        use sea_orm::Condition;
        let now = Utc::now();
        let throttle = &self.throttle;
        let by_name = login_failures::Column::Username.eq(username);
        let pair = self
            .recent_failures(
                Condition::all()
                    .add(by_name.clone())
                    .add(from_address(client)),
                now,
            )
            .await?;
        let mut wait = throttle_wait(&pair, throttle.free_per_account, throttle, now);
        if let Some(address) = &client.address {
            let by_address = self
                .recent_failures(
                    Condition::all().add(login_failures::Column::ClientAddress.eq(address)),
                    now,
                )
                .await?;
            let address_wait = throttle_wait(&by_address, throttle.free_per_address, throttle, now);
            wait = wait.max(address_wait);
        }
        let account_wide = self
            .recent_failures(Condition::all().add(by_name), now)
            .await?;
        let capped = LoginThrottle {
            first_wait: throttle.first_wait.min(throttle.account_wide_longest_wait),
            longest_wait: throttle.account_wide_longest_wait,
            ..*throttle
        };
        let account_wait = throttle_wait(&account_wide, throttle.free_account_wide, &capped, now);
        Ok(wait.max(account_wait))
    }

    /// Tells the administrators (in the audit log, action `login_alarm`) when a
    /// username's failures from everywhere reach the account-wide threshold.
    async fn raise_alarm_if_due(&self, username: &str, client: &ClientInfo) {
        let now = Utc::now();
        let filter = sea_orm::Condition::all().add(login_failures::Column::Username.eq(username));
        let Ok(failures) = self.recent_failures(filter, now).await else {
            return;
        };
        let count = u32::try_from(failures.len()).unwrap_or(u32::MAX);
        if count != self.throttle.free_account_wide {
            return;
        }
        let user_id = users::Entity::find()
            .filter(users::Column::Username.eq(username))
            .one(&self.db)
            .await
            .ok()
            .flatten()
            .map(|user| user.id);
        let entry = Entry {
            actor_user_id: user_id,
            action: "login_alarm",
            object_type: "user",
            object_id: user_id.map(|id| id.to_string()),
            client_address: client.address.clone(),
            detail: Some(format!(
                "{count} failed sign-ins to this account within {} minutes, from several \
                 addresses: sign-ins to it are slowed down; check with its owner",
                self.throttle.window.as_secs() / 60
            )),
            ..Default::default()
        };
        if let Err(error) = self.db.audit(entry, Outcome::Refused).await {
            tracing::error!(%error, "could not record a sign-in alarm");
        }
    }

    /// Remembers a failed password for throttling.
    async fn record_failure(&self, username: &str, client: &ClientInfo) {
        let row = login_failures::ActiveModel {
            at: Set(Utc::now()),
            username: Set(username.chars().take(FAILURE_USERNAME_CHARS).collect()),
            client_address: Set(client.address.clone()),
            ..Default::default()
        };
        if let Err(error) = self.db.write_one(async |txn| row.insert(txn).await).await {
            tracing::error!(%error, "could not record a failed sign-in");
        }
        self.raise_alarm_if_due(username, client).await;
    }

    /// Forgets a username's failures from this address after a successful sign-in
    /// from it (failures from elsewhere stay: the owner signing in must not open the
    /// way for a guesser; old failures of anyone are swept by the housekeeping task).
    async fn clear_failures(
        &self,
        username: &str,
        client: &ClientInfo,
    ) -> Result<(), ServiceError> {
        let filter = sea_orm::Condition::all()
            .add(login_failures::Column::Username.eq(username))
            .add(from_address(client));
        let failed = login_failures::Entity::find()
            .filter(filter.clone())
            .count(&self.db)
            .await
            .map_err(db_failure)?;
        if failed > 0 {
            self.db
                .write_one(async |txn| {
                    login_failures::Entity::delete_many()
                        .filter(filter)
                        .exec(txn)
                        .await
                })
                .await?;
        }
        Ok(())
    }

    async fn user_of(&self, actor: &Actor) -> Result<users::Model, ServiceError> {
        users::Entity::find_by_id(actor.user_id)
            .one(&self.db)
            .await
            .map_err(db_failure)?
            .ok_or(ServiceError::Unauthenticated)
    }
}

#[async_trait]
impl AuthService for DbAuthService {
    async fn login(
        &self,
        username: &str,
        password_attempt: &str,
        client: &ClientInfo,
    ) -> Result<LoginOutcome, ServiceError> {
        let username = username.trim().to_lowercase();
        if let Some(wait) = self.wait_before_login(&username, client).await? {
            let seconds = wait.as_secs().max(1);
            self.audit_login(
                None,
                client,
                Outcome::Refused,
                &format!("throttled for {seconds} s after repeated failures"),
            )
            .await;
            return Err(ServiceError::RateLimited {
                retry_after_seconds: seconds,
            });
        }
        let user = users::Entity::find()
            .filter(users::Column::Username.eq(&username))
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
                ServiceError::Internal
            })?;
        let Some(user) = user.filter(|_| matches) else {
            self.record_failure(&username, client).await;
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
        let mut actor = self.actor_for(&user, &assignment).await?;
        self.clear_failures(&username, client).await?;
        let token = new_token();
        let now = Utc::now();
        let write = self.db.begin_write().await?;
        let published_password = !self.demo && password_attempt == password::DEMO_PASSWORD;
        if published_password && !user.must_change_password {
            // The demo password is printed in the README: outside a demo server an
            // account signing in with it must choose another before anything else.
            let version = user.version;
            let mut changed: users::ActiveModel = user.clone().into();
            changed.must_change_password = Set(true);
            changed.version = Set(version + 1);
            changed.update(&write).await.map_err(db_failure)?;
            actor.must_change_password = true;
        }
        sessions::ActiveModel {
            id: Set(session_id(&token)),
            user_id: Set(user.id),
            assignment_id: Set(assignment.id),
            created_at: Set(now),
            last_seen_at: Set(now),
            expires_at: Set(after(now, self.policy.absolute_timeout)),
            client_address: Set(client.address.clone()),
            user_agent: Set(client.user_agent.as_deref().map(short_user_agent)),
        }
        .insert(&write)
        .await
        .map_err(db_failure)?;
        write
            .audit(Entry {
                actor_user_id: Some(user.id),
                action: "login",
                object_type: "session",
                area_code: assignment.area_code.clone(),
                client_address: client.address.clone(),
                ..Default::default()
            })
            .await?;
        write.commit().await?;
        Ok(LoginOutcome {
            session_token: token,
            actor,
        })
    }

    async fn logout(&self, session_token: &str) -> Result<(), ServiceError> {
        let id = session_id(session_token);
        self.db.actors().forget_session(&id);
        let write = self.db.begin_write().await?;
        if let Some(session) = sessions::Entity::find_by_id(id.clone())
            .one(&write)
            .await
            .map_err(db_failure)?
        {
            sessions::Entity::delete_by_id(id.clone())
                .exec(&write)
                .await
                .map_err(db_failure)?;
            write
                .audit(Entry {
                    actor_user_id: Some(session.user_id),
                    action: "logout",
                    object_type: "session",
                    client_address: session.client_address,
                    ..Default::default()
                })
                .await?;
        }
        write.commit().await?;
        self.db.actors().forget_session(&id);
        Ok(())
    }

    async fn authenticate(&self, session_token: &str) -> Result<Option<Actor>, ServiceError> {
        let id = session_id(session_token);
        if let Some(actor) = self.db.actors().get(&id) {
            return Ok(Some(actor));
        }
        let read_at = self.db.actors().generation();
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
            self.db
                .write_one(async |txn| sessions::Entity::delete_by_id(id).exec(txn).await)
                .await?;
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
            self.db
                .write_one(async |txn| sessions::Entity::delete_by_id(id).exec(txn).await)
                .await?;
            return Ok(None);
        };
        if user.disabled || assignment.user_id != user.id {
            self.db
                .write_one(async |txn| {
                    sessions::Entity::delete_many()
                        .filter(sessions::Column::UserId.eq(user.id))
                        .exec(txn)
                        .await
                })
                .await?;
            return Ok(None);
        }
        if (now - session.last_seen_at).num_seconds() >= LAST_SEEN_GRANULARITY_SECONDS {
            // Noting the session as used waits for a write turn: in the
            // background, so that no request waits for it; a miss is harmless.
            let db = self.db.clone();
            tokio::spawn(async move {
                let touched = db
                    .write_one(async |txn| {
                        sessions::Entity::update_many()
                            .col_expr(
                                sessions::Column::LastSeenAt,
                                sea_orm::sea_query::Expr::value(now),
                            )
                            .filter(sessions::Column::Id.eq(session.id))
                            .exec(txn)
                            .await
                    })
                    .await;
                if let Err(error) = touched {
                    tracing::warn!(%error, "could not note a session as used");
                }
            });
        }
        let actor = self.actor_for(&user, &assignment).await?;
        self.db.actors().put(&id, &actor, read_at);
        Ok(Some(actor))
    }

    async fn assignments(&self, actor: &Actor) -> Result<Vec<AssignmentView>, ServiceError> {
        let rows = user_assignments::Entity::find()
            .filter(user_assignments::Column::UserId.eq(actor.user_id))
            .order_by_asc(user_assignments::Column::Id)
            .all(&self.db)
            .await
            .map_err(db_failure)?;
        assignment_views(&self.db, &rows, Some(actor.assignment_id)).await
    }

    async fn switch_assignment(
        &self,
        actor: &Actor,
        session_token: &str,
        assignment_id: i64,
    ) -> Result<Actor, ServiceError> {
        let user = self.user_of(actor).await?;
        let assignment = user_assignments::Entity::find_by_id(assignment_id)
            .one(&self.db)
            .await
            .map_err(db_failure)?
            .filter(|row| row.user_id == actor.user_id);
        let Some(assignment) = assignment else {
            let entry = Entry {
                actor_user_id: Some(actor.user_id),
                action: "switch_assignment",
                object_type: "assignment",
                object_id: Some(assignment_id.to_string()),
                detail: Some("not one of the user's own assignments".into()),
                ..Default::default()
            };
            if let Err(error) = self.db.audit(entry, Outcome::Refused).await {
                tracing::error!(%error, "could not audit a refusal");
            }
            return Err(ServiceError::Forbidden);
        };
        let write = self.db.begin_write().await?;
        let updated = sessions::Entity::update_many()
            .col_expr(
                sessions::Column::AssignmentId,
                sea_orm::sea_query::Expr::value(assignment.id),
            )
            .filter(sessions::Column::Id.eq(session_id(session_token)))
            .filter(sessions::Column::UserId.eq(actor.user_id))
            .exec(&write)
            .await
            .map_err(db_failure)?;
        if updated.rows_affected != 1 {
            return Err(ServiceError::Unauthenticated);
        }
        write
            .audit(Entry {
                actor_user_id: Some(actor.user_id),
                action: "switch_assignment",
                object_type: "assignment",
                object_id: Some(assignment.id.to_string()),
                area_code: assignment.area_code.clone(),
                detail: Some(format!("role={}", assignment.role)),
                ..Default::default()
            })
            .await?;
        write.commit().await?;
        self.db.actors().forget_session(&session_id(session_token));
        self.actor_for(&user, &assignment).await
    }

    async fn sessions(
        &self,
        actor: &Actor,
        session_token: &str,
    ) -> Result<Vec<SessionView>, ServiceError> {
        let current = session_id(session_token);
        let now = Utc::now();
        let rows = sessions::Entity::find()
            .filter(sessions::Column::UserId.eq(actor.user_id))
            .filter(sessions::Column::ExpiresAt.gt(now))
            .order_by_desc(sessions::Column::CreatedAt)
            .limit(100)
            .all(&self.db)
            .await
            .map_err(db_failure)?;
        Ok(rows
            .into_iter()
            .filter(|row| now < after(row.last_seen_at, self.policy.idle_timeout))
            .map(|row| SessionView {
                created_at: row.created_at,
                last_seen_at: row.last_seen_at,
                client_address: row.client_address,
                browser: row.user_agent.as_deref().map(describe_browser),
                current: row.id == current,
            })
            .collect())
    }

    async fn end_all_sessions(&self, actor: &Actor) -> Result<u64, ServiceError> {
        let write = self.db.begin_write().await?;
        let ended = sessions::Entity::delete_many()
            .filter(sessions::Column::UserId.eq(actor.user_id))
            .exec(&write)
            .await
            .map_err(db_failure)?;
        write
            .audit(Entry {
                actor_user_id: Some(actor.user_id),
                action: "logout_everywhere",
                object_type: "session",
                area_code: actor.area_code.clone(),
                detail: Some(format!("sessions ended: {}", ended.rows_affected)),
                ..Default::default()
            })
            .await?;
        write.commit().await?;
        self.db.actors().forget_user(actor.user_id);
        Ok(ended.rows_affected)
    }

    async fn change_password(
        &self,
        actor: &Actor,
        session_token: &str,
        current_password: &str,
        new_password: &str,
    ) -> Result<(), ServiceError> {
        let user = self.user_of(actor).await?;
        let client = ClientInfo::default();
        if let Some(wait) = self.wait_before_login(&user.username, &client).await? {
            return Err(ServiceError::RateLimited {
                retry_after_seconds: wait.as_secs().max(1),
            });
        }
        let mut errors = FieldErrors::new();
        errors.check(
            "new_password",
            password::check_policy(new_password, &user.username),
        );
        if current_password == new_password {
            errors.push("new_password", DomainError::PasswordUnchanged);
        }
        let matches = password::verify(current_password.to_string(), user.password_hash.clone())
            .await
            .map_err(|error| {
                tracing::error!(%error, "password check failed");
                ServiceError::Internal
            })?;
        if !matches {
            self.record_failure(&user.username, &client).await;
            errors.push("current_password", DomainError::PasswordWrong);
        }
        errors.finish()?;
        let hash = hash_password(new_password).await?;
        let write = self.db.begin_write().await?;
        store_password(&write, user, hash, false).await?;
        let ended = sessions::Entity::delete_many()
            .filter(sessions::Column::UserId.eq(actor.user_id))
            .filter(sessions::Column::Id.ne(session_id(session_token)))
            .exec(&write)
            .await
            .map_err(db_failure)?;
        write
            .audit(Entry {
                actor_user_id: Some(actor.user_id),
                action: "change_password",
                object_type: "user",
                object_id: Some(actor.user_id.to_string()),
                detail: Some(format!("other sessions ended: {}", ended.rows_affected)),
                ..Default::default()
            })
            .await?;
        write.commit().await?;
        self.db.actors().forget_user(actor.user_id);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seconds_ago(now: DateTime<Utc>, seconds: i64) -> DateTime<Utc> {
        now - chrono::Duration::seconds(seconds)
    }

    #[test]
    fn waits_begin_after_the_free_failures_and_double() {
        let policy = LoginThrottle::default();
        let now = Utc::now();
        let four: Vec<_> = (0..4).map(|i| seconds_ago(now, 10 + i)).collect();
        assert_eq!(throttle_wait(&four, 5, &policy, now), None);

        let five: Vec<_> = (0..5).map(|i| seconds_ago(now, 10 + i)).collect();
        assert_eq!(
            throttle_wait(&five, 5, &policy, now),
            Some(Duration::from_secs(20)),
            "30 s after the latest failure, 10 s ago"
        );
        let seven: Vec<_> = (0..7).map(|i| seconds_ago(now, 10 + i)).collect();
        assert_eq!(
            throttle_wait(&seven, 5, &policy, now),
            Some(Duration::from_secs(110)),
            "120 s (30 s doubled twice) after the latest failure"
        );
        let many: Vec<_> = (0..60).map(|i| seconds_ago(now, 1 + i)).collect();
        assert_eq!(
            throttle_wait(&many, 5, &policy, now),
            Some(Duration::from_secs(15 * 60 - 1)),
            "never longer than the longest wait"
        );
    }

    #[test]
    fn old_failures_are_forgotten_and_waits_end() {
        let policy = LoginThrottle::default();
        let now = Utc::now();
        let old: Vec<_> = (0..10).map(|i| seconds_ago(now, 16 * 60 + i)).collect();
        assert_eq!(throttle_wait(&old, 5, &policy, now), None);
        let waited: Vec<_> = (0..5).map(|i| seconds_ago(now, 31 + i)).collect();
        assert_eq!(throttle_wait(&waited, 5, &policy, now), None);
    }
}
