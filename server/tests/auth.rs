//! Sign-in, sessions and the audit rows they leave, on SQLite and PostgreSQL.

mod common;

use std::time::Duration;

use common::{PASSWORD, TestResult, account, database_with_areas};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use server::entities::{audit_log, sessions, users};
use server::services::{self, ServiceConfig, SessionPolicy};
use shared::contract::{ClientInfo, ServiceError};
use shared::roles::Role;

fn client() -> ClientInfo {
    ClientInfo {
        address: Some("127.0.0.1".into()),
        ..Default::default()
    }
}

async fn audit_count(
    db: &sea_orm::DatabaseConnection,
    action: &str,
    outcome: &str,
) -> Result<u64, sea_orm::DbErr> {
    audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq(action))
        .filter(audit_log::Column::Outcome.eq(outcome))
        .count(db)
        .await
}

#[tokio::test]
async fn login_opens_a_session_that_resolves_to_the_actor() -> TestResult {
    let db = database_with_areas().await?;
    account(&db, "fo.waled", Role::FrontOffice, Some("32.09.01.2008")).await?;
    let services = services::build(db.clone(), common::config());

    let outcome = services.auth.login("FO.Waled", PASSWORD, &client()).await?;
    assert_eq!(outcome.session_token.len(), 64);
    assert_eq!(outcome.actor.role, Role::FrontOffice);
    assert_eq!(outcome.actor.area_name, "Waled Desa");

    let actor = services
        .auth
        .authenticate(&outcome.session_token)
        .await?
        .ok_or("session should resolve")?;
    assert_eq!(actor.username, "fo.waled");
    assert_eq!(actor.area_code.as_deref(), Some("32.09.01.2008"));

    // The token itself is never stored: only its hash.
    let stored = sessions::Entity::find()
        .one(&db)
        .await?
        .ok_or("no session row")?;
    assert_ne!(stored.id, outcome.session_token);
    assert_eq!(audit_count(&db, "login", "ok").await?, 1);
    Ok(())
}

#[tokio::test]
async fn every_login_gets_a_new_session_id() -> TestResult {
    let db = database_with_areas().await?;
    account(&db, "bo.waled", Role::BackOffice, Some("32.09.01.2008")).await?;
    let services = services::build(db.clone(), common::config());
    let first = services.auth.login("bo.waled", PASSWORD, &client()).await?;
    let second = services.auth.login("bo.waled", PASSWORD, &client()).await?;
    assert_ne!(first.session_token, second.session_token);
    assert_eq!(sessions::Entity::find().count(&db).await?, 2);
    Ok(())
}

#[tokio::test]
async fn wrong_password_and_unknown_user_are_refused_alike_and_audited() -> TestResult {
    let db = database_with_areas().await?;
    account(&db, "manajer", Role::SlrtManager, Some("32.09")).await?;
    let services = services::build(db.clone(), common::config());

    let wrong = services
        .auth
        .login("manajer", "bukan-sandinya", &client())
        .await;
    assert_eq!(wrong.err(), Some(ServiceError::InvalidCredentials));
    let unknown = services.auth.login("tidak.ada", PASSWORD, &client()).await;
    assert_eq!(unknown.err(), Some(ServiceError::InvalidCredentials));

    assert_eq!(sessions::Entity::find().count(&db).await?, 0);
    assert_eq!(audit_count(&db, "login", "refused").await?, 2);
    Ok(())
}

#[tokio::test]
async fn logout_ends_the_session_at_once() -> TestResult {
    let db = database_with_areas().await?;
    account(&db, "kadis", Role::DistrictHead, Some("32.09")).await?;
    let services = services::build(db.clone(), common::config());
    let outcome = services.auth.login("kadis", PASSWORD, &client()).await?;
    services.auth.logout(&outcome.session_token).await?;
    assert_eq!(
        services.auth.authenticate(&outcome.session_token).await?,
        None
    );
    assert_eq!(audit_count(&db, "logout", "ok").await?, 1);
    // Logging out twice is harmless.
    services.auth.logout(&outcome.session_token).await?;
    Ok(())
}

#[tokio::test]
async fn disabling_an_account_ends_its_sessions_and_blocks_login() -> TestResult {
    let db = database_with_areas().await?;
    let id = account(&db, "fasilitator", Role::Facilitator, Some("32.09.01")).await?;
    let services = services::build(db.clone(), common::config());
    let outcome = services
        .auth
        .login("fasilitator", PASSWORD, &client())
        .await?;

    let user = users::Entity::find_by_id(id)
        .one(&db)
        .await?
        .ok_or("no user")?;
    let mut user: users::ActiveModel = user.into();
    user.disabled = Set(true);
    user.update(&db).await?;

    assert_eq!(
        services.auth.authenticate(&outcome.session_token).await?,
        None
    );
    assert_eq!(sessions::Entity::find().count(&db).await?, 0);
    let again = services
        .auth
        .login("fasilitator", PASSWORD, &client())
        .await;
    assert_eq!(again.err(), Some(ServiceError::AccountDisabled));
    Ok(())
}

#[tokio::test]
async fn idle_and_absolute_expiry_end_sessions() -> TestResult {
    let db = database_with_areas().await?;
    account(&db, "pemantau", Role::KemensosMonitor, None).await?;

    let idle = services::build(
        db.clone(),
        ServiceConfig {
            sessions: SessionPolicy {
                idle_timeout: Duration::ZERO,
                absolute_timeout: Duration::from_secs(3600),
            },
            ..common::config()
        },
    );
    let outcome = idle.auth.login("pemantau", PASSWORD, &client()).await?;
    assert_eq!(idle.auth.authenticate(&outcome.session_token).await?, None);

    let absolute = services::build(
        db.clone(),
        ServiceConfig {
            sessions: SessionPolicy {
                idle_timeout: Duration::from_secs(3600),
                absolute_timeout: Duration::ZERO,
            },
            ..common::config()
        },
    );
    let outcome = absolute.auth.login("pemantau", PASSWORD, &client()).await?;
    assert_eq!(
        absolute.auth.authenticate(&outcome.session_token).await?,
        None
    );
    assert_eq!(sessions::Entity::find().count(&db).await?, 0);
    Ok(())
}

#[tokio::test]
async fn unknown_tokens_resolve_to_nobody() -> TestResult {
    let db = database_with_areas().await?;
    let services = services::build(db, common::config());
    assert_eq!(services.auth.authenticate("not-a-token").await?, None);
    Ok(())
}
