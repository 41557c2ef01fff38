//! Housekeeping: ended sessions, spent idempotency keys and old sign-in
//! failures are swept; what is still in use stays.

mod common;

use chrono::{Duration, Utc};
use common::{TestResult, database_with_areas};
use sea_orm::{ActiveModelTrait, EntityTrait, PaginatorTrait, Set};
use server::entities::{idempotency_keys, login_failures, sessions};
use server::services::housekeeping::{self, Swept};
use server::services::store::Store;
use server::services::{self, SessionPolicy};
use shared::contract::ClientInfo;
use shared::roles::Role;

#[tokio::test]
async fn a_sweep_deletes_what_has_ended_and_keeps_what_is_in_use() -> TestResult {
    let db = database_with_areas().await?;
    let services = services::build(db.clone(), common::config());
    let policy = SessionPolicy::default();
    let now = Utc::now();
    common::account(&db, "fo.sapu", Role::FrontOffice, Some("32.09.01.2008")).await?;
    let live = services
        .auth
        .login("fo.sapu", common::PASSWORD, &ClientInfo::default())
        .await?;
    let session = sessions::Entity::find()
        .one(&db)
        .await?
        .ok_or("no session")?;
    // An idle session and one past its end, beside the live one.
    for (id, last_seen, expires) in [
        ("idle", now - Duration::hours(2), now + Duration::hours(5)),
        (
            "ended",
            now - Duration::minutes(1),
            now - Duration::minutes(1),
        ),
    ] {
        sessions::ActiveModel {
            id: Set(id.into()),
            last_seen_at: Set(last_seen),
            expires_at: Set(expires),
            ..session.clone().into()
        }
        .insert(&db)
        .await?;
    }
    for (key, age) in [("lama", Duration::days(8)), ("baru", Duration::minutes(5))] {
        idempotency_keys::ActiveModel {
            key: Set(key.into()),
            user_id: Set(session.user_id),
            object_type: Set("case".into()),
            object_id: Set(1),
            created_at: Set(now - age),
        }
        .insert(&db)
        .await?;
    }
    for age in [Duration::hours(30), Duration::minutes(3)] {
        login_failures::ActiveModel {
            at: Set(now - age),
            username: Set("siapa".into()),
            client_address: Set(None),
            ..Default::default()
        }
        .insert(&db)
        .await?;
    }

    let swept = housekeeping::sweep(&Store::new(db.clone()), &policy, now).await?;
    assert_eq!(
        swept,
        Swept {
            sessions: 2,
            idempotency_keys: 1,
            login_failures: 1
        }
    );
    assert_eq!(sessions::Entity::find().count(&db).await?, 1);
    assert!(
        services
            .auth
            .authenticate(&live.session_token)
            .await?
            .is_some(),
        "the live session still works"
    );
    assert!(
        idempotency_keys::Entity::find_by_id("baru".to_string())
            .one(&db)
            .await?
            .is_some()
    );
    assert_eq!(login_failures::Entity::find().count(&db).await?, 1);
    Ok(())
}
