//! Test support: a fresh, migrated database per test, on SQLite in memory by
//! default or on PostgreSQL when `TEST_DATABASE_URL` names a server
//! (`cargo xtask test` runs the suite both ways).

#![allow(dead_code)]

pub mod casework;
pub mod people;

use std::path::PathBuf;

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    Set,
};
use server::cli::create_admin::{self, NewAccount};
use server::cli::import_areas;
use server::db;
use server::entities::{institutions, programmes, user_assignments, users};
use server::protect::DataKey;
use server::services::ServiceConfig;
use shared::roles::Role;

pub type TestResult = Result<(), Box<dyn std::error::Error>>;

/// The password of accounts made by [`account`].
pub const PASSWORD: &str = "kata-sandi-uji-123";

/// The data key of the tests (a fixed, made-up key).
pub fn data_key() -> DataKey {
    DataKey::from_bytes([42; 32])
}

/// Service configuration of the tests: default sessions, built-in holidays, [`data_key`].
pub fn config() -> ServiceConfig {
    ServiceConfig::with_key(data_key())
}

/// Shows the server's warnings and errors (database errors with their cause
/// among them) in the output of a failing test; the test harness hides them for
/// a passing one. A plain printer, without spans: a test that installs its own
/// subscriber for a while (the log-scanning security test) keeps working.
pub fn show_server_log() {
    let _ = tracing::subscriber::set_global_default(TestLog);
}

/// The most detailed level printed: WARN, or what `TEST_LOG` says
/// (`debug`, `trace`, ...) when a hang or a failure needs every step.
fn test_log_level() -> tracing::Level {
    static LEVEL: std::sync::OnceLock<tracing::Level> = std::sync::OnceLock::new();
    *LEVEL.get_or_init(|| {
        std::env::var("TEST_LOG")
            .ok()
            .and_then(|level| level.parse().ok())
            .unwrap_or(tracing::Level::WARN)
    })
}

/// Prints events at WARN and above (or [`test_log_level`]); ignores spans.
struct TestLog;

impl tracing::Subscriber for TestLog {
    fn enabled(&self, metadata: &tracing::Metadata<'_>) -> bool {
        *metadata.level() <= test_log_level()
    }

    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }

    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}

    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}

    fn event(&self, event: &tracing::Event<'_>) {
        struct Fields(String);
        impl tracing::field::Visit for Fields {
            fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
                self.0.push_str(&format!(" {}={value:?}", field.name()));
            }
        }
        let mut fields = Fields(String::new());
        event.record(&mut fields);
        let metadata = event.metadata();
        println!(
            "[server {} {} {}]{}",
            std::thread::current().name().unwrap_or("-"),
            metadata.level(),
            metadata.target(),
            fields.0
        );
    }

    fn enter(&self, _: &tracing::span::Id) {}

    fn exit(&self, _: &tracing::span::Id) {}
}

/// A new, empty, migrated database for one test.
pub async fn database() -> Result<DatabaseConnection, Box<dyn std::error::Error>> {
    show_server_log();
    let db = match std::env::var("TEST_DATABASE_URL") {
        Ok(url) if url.starts_with("postgres") => {
            let admin = db::connect(&url).await?;
            let name = format!("slrt_test_{}", uuid::Uuid::new_v4().simple());
            admin
                .execute_unprepared(&format!("CREATE DATABASE {name}"))
                .await?;
            admin.close().await?;
            let base = url.rsplit_once('/').map(|(base, _)| base).unwrap_or(&url);
            db::connect(&format!("{base}/{name}")).await?
        }
        _ => db::connect("sqlite::memory:").await?,
    };
    db::migrate(&db).await?;
    Ok(db)
}

/// A new, empty, migrated database with the fixture areas, on a connection pool
/// as the server has it: a SQLite file (several connections, unlike
/// [`database`]'s one in memory), or PostgreSQL when `TEST_DATABASE_URL` names
/// a server. The folder holding the file is removed when the guard drops.
pub async fn pooled_database_with_areas()
-> Result<(DatabaseConnection, Option<TempFolder>), Box<dyn std::error::Error>> {
    let (db, folder) = match std::env::var("TEST_DATABASE_URL") {
        Ok(url) if url.starts_with("postgres") => (database().await?, None),
        _ => {
            show_server_log();
            let folder = TempFolder::new()?;
            let url = format!("sqlite://{}/test.db", folder.0.display());
            let db = db::connect(&url).await?;
            db::migrate(&db).await?;
            (db, Some(folder))
        }
    };
    import_areas::run(&db, &area_fixture()).await?;
    Ok((db, folder))
}

/// A folder of its own under the system's temporary folder, removed on drop.
pub struct TempFolder(pub PathBuf);

impl TempFolder {
    pub fn new() -> std::io::Result<TempFolder> {
        let path =
            std::env::temp_dir().join(format!("slrt-test-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&path)?;
        Ok(TempFolder(path))
    }
}

impl Drop for TempFolder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The folder of the small area CSV fixture (two provinces, four villages).
pub fn area_fixture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/areas")
}

/// A migrated database with the fixture areas loaded.
pub async fn database_with_areas() -> Result<DatabaseConnection, Box<dyn std::error::Error>> {
    let db = database().await?;
    import_areas::run(&db, &area_fixture()).await?;
    Ok(db)
}

/// Creates an account with [`PASSWORD`] and returns its id.
pub async fn account(
    db: &DatabaseConnection,
    username: &str,
    role: Role,
    area: Option<&str>,
) -> Result<i64, Box<dyn std::error::Error>> {
    Ok(create_admin::create(
        db,
        NewAccount {
            username: username.to_string(),
            full_name: format!("Petugas {username}"),
            password: PASSWORD.to_string(),
            role,
            area_code: area.map(str::to_string),
        },
    )
    .await?)
}

/// Creates an account and signs it in; returns the actor the services see.
pub async fn actor(
    db: &DatabaseConnection,
    services: &shared::contract::Services,
    username: &str,
    role: Role,
    area: Option<&str>,
) -> Result<shared::contract::Actor, Box<dyn std::error::Error>> {
    account(db, username, role, area).await?;
    let client = shared::contract::ClientInfo::default();
    Ok(services
        .auth
        .login(username, PASSWORD, &client)
        .await?
        .actor)
}

/// Audit rows with this action and outcome.
pub async fn audit_rows(
    db: &DatabaseConnection,
    action: &str,
    outcome: &str,
) -> Result<Vec<server::entities::audit_log::Model>, sea_orm::DbErr> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    use server::entities::audit_log;
    audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq(action))
        .filter(audit_log::Column::Outcome.eq(outcome))
        .all(db)
        .await
}

/// A hospital serving Kabupaten Cirebon.
pub async fn institution(db: &DatabaseConnection, name: &str) -> Result<i64, sea_orm::DbErr> {
    let now = Utc::now();
    Ok(institutions::ActiveModel {
        name: Set(name.into()),
        kind: Set("hospital".into()),
        area_code: Set(Some("32.09".into())),
        address: Set(None),
        phone: Set(None),
        active: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
        ..Default::default()
    }
    .insert(db)
    .await?
    .id)
}

/// The district-paid health insurance programme, delivered by `institution_id`.
pub async fn programme(
    db: &DatabaseConnection,
    institution_id: i64,
) -> Result<i64, sea_orm::DbErr> {
    let now = Utc::now();
    Ok(programmes::ActiveModel {
        code: Set("pbi_apbd".into()),
        kind: Set("pbi_apbd".into()),
        name: Set("PBI APBD Kabupaten Cirebon".into()),
        description: Set(None),
        sector: Set("health".into()),
        institution_kinds: Set("[\"hospital\"]".into()),
        institution_id: Set(Some(institution_id)),
        area_code: Set(Some("32.09".into())),
        active: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
        ..Default::default()
    }
    .insert(db)
    .await?
    .id)
}

/// An institution account: a receiving-institution assignment linked to `institution_id`.
pub async fn institution_user(
    db: &DatabaseConnection,
    services: &shared::contract::Services,
    username: &str,
    institution_id: i64,
) -> Result<shared::contract::Actor, Box<dyn std::error::Error>> {
    account(db, username, Role::ReceivingInstitution, Some("32.09")).await?;
    let user = users::Entity::find()
        .filter(users::Column::Username.eq(username))
        .one(db)
        .await?
        .ok_or("no user")?;
    let assignment = user_assignments::Entity::find()
        .filter(user_assignments::Column::UserId.eq(user.id))
        .one(db)
        .await?
        .ok_or("no assignment")?;
    let mut assignment: user_assignments::ActiveModel = assignment.into();
    assignment.institution_id = Set(Some(institution_id));
    assignment.update(db).await?;
    Ok(services
        .auth
        .login(username, PASSWORD, &Default::default())
        .await?
        .actor)
}

/// Puts a family with this No KK serial in the registry, so that registering it gives it a desil.
pub async fn in_registry(
    db: &DatabaseConnection,
    serial: u16,
    village: &str,
    desil: i16,
) -> Result<(), Box<dyn std::error::Error>> {
    let key = data_key();
    let no_kk = people::no_kk(serial)?;
    server::entities::registry_families::ActiveModel {
        registry_id: Set(format!("R-{serial}")),
        source: Set("dtsen".into()),
        kk_hash: Set(key.lookup_hash(server::protect::IdKind::NoKk, &no_kk.as_str())),
        kk_sealed: Set(key.seal(&no_kk.as_str())),
        kk_masked: Set(no_kk.masked()),
        head_name: Set("Darto Wiryono".into()),
        village_code: Set(village.into()),
        address: Set(None),
        rt: Set(None),
        rw: Set(None),
        dusun: Set(None),
        desil: Set(desil),
        programmes: Set("[]".into()),
        import_id: Set(None),
        updated_at: Set(Utc::now()),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The portal's router on `db` and `services` as a local site serves it
/// (session cookies over plain http, no reverse proxy).
pub fn site_router(db: &DatabaseConnection, services: shared::contract::Services) -> axum::Router {
    let listen = std::net::SocketAddr::from(([127, 0, 0, 1], 3000));
    server::web::router(server::web::AppState {
        leptos_options: server::web::leptos_options("target/site", listen),
        services,
        db: db.clone(),
        cookie: app::api::ssr::SessionCookie {
            secure: false,
            max_age_seconds: 3600,
        },
        trust_proxy: false,
    })
}

/// The session cookie (`name=value`) of `username`, signed in on `app` with
/// [`PASSWORD`] through the sign-in server function.
pub async fn sign_in(
    app: &axum::Router,
    username: &str,
) -> Result<String, Box<dyn std::error::Error>> {
    use tower::ServiceExt;
    let body = serde_urlencoded::to_string([("username", username), ("password", PASSWORD)])?;
    let signed_in = app
        .clone()
        .oneshot(
            axum::http::Request::post("/api/login")
                .header(
                    axum::http::header::CONTENT_TYPE,
                    "application/x-www-form-urlencoded",
                )
                .header("sec-fetch-site", "same-origin")
                .body(axum::body::Body::from(body))?,
        )
        .await?;
    Ok(signed_in
        .headers()
        .get(axum::http::header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .ok_or("no session cookie")?
        .to_string())
}

/// The dashboard counters that differ from a rebuild from the records (the
/// rebuild is rolled back): `area|metric|k1|k2: kept → recounted`.
#[allow(dead_code)]
pub async fn stats_drift(db: &DatabaseConnection) -> Result<Vec<String>, sea_orm::DbErr> {
    use sea_orm::{EntityTrait, TransactionTrait};
    use server::entities::area_stats;
    async fn counters<C: sea_orm::ConnectionTrait>(
        db: &C,
    ) -> Result<std::collections::BTreeMap<String, (i64, i64)>, sea_orm::DbErr> {
        Ok(area_stats::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .filter(|r| r.value != 0 || r.key_sum != 0)
            .map(|r| {
                (
                    format!("{}|{}|{}|{}", r.area_code, r.metric, r.k1, r.k2),
                    (r.value, r.key_sum),
                )
            })
            .collect())
    }
    let kept = counters(db).await?;
    let txn = db.begin().await?;
    server::services::stats::rebuild(&txn).await?;
    let recounted = counters(&txn).await?;
    txn.rollback().await?;
    let keys: std::collections::BTreeSet<&String> = kept.keys().chain(recounted.keys()).collect();
    let mut drift: Vec<String> = keys
        .into_iter()
        .filter(|key| kept.get(*key) != recounted.get(*key))
        .map(|key| format!("{key}: {:?} → {:?}", kept.get(key), recounted.get(key)))
        .collect();
    drift.extend(name_words_drift(db).await?);
    Ok(drift)
}

/// The words of the names kept for the look-up of families registered twice
/// (`member_words`) that differ from what the members say now: each word of
/// every member who counts in the family, with the household's sub-district
/// and the birth date.
pub async fn name_words_drift(db: &DatabaseConnection) -> Result<Vec<String>, sea_orm::DbErr> {
    use sea_orm::EntityTrait;
    use server::entities::{households, member_words, members};
    use std::collections::{BTreeSet, HashMap};
    let villages: HashMap<i64, String> = households::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|h| (h.id, h.village_code))
        .collect();
    let mut wanted = BTreeSet::new();
    for member in members::Entity::find().all(db).await? {
        let counts = shared::member::MemberRegistryStatus::from_code(&member.registry_status)
            .is_none_or(shared::member::MemberRegistryStatus::counts_in_family);
        let Some(village) = villages.get(&member.household_id) else {
            continue;
        };
        if !counts {
            continue;
        }
        let subdistrict: String = village.split('.').take(3).collect::<Vec<_>>().join(".");
        for word in shared::names::name_keys(&member.name) {
            wanted.insert(format!(
                "{subdistrict} {word} {} {}",
                member.birth_date, member.id
            ));
        }
    }
    let kept: BTreeSet<String> = member_words::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|w| {
            format!(
                "{} {} {} {}",
                w.subdistrict, w.word, w.birth_date, w.member_id
            )
        })
        .collect();
    Ok(wanted
        .symmetric_difference(&kept)
        .map(|word| {
            let side = if kept.contains(word) {
                "kept, not wanted"
            } else {
                "wanted, not kept"
            };
            format!("member_words {word}: {side}")
        })
        .collect())
}

/// A folder of its own for one test's files, removed at the end.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new() -> Result<TempDir, std::io::Error> {
        let path =
            std::env::temp_dir().join(format!("slrt-test-files-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&path)?;
        Ok(TempDir(path))
    }

    /// Writes `bytes` as the file `name` in the folder; answers its path.
    pub fn write(&self, name: &str, bytes: &[u8]) -> Result<PathBuf, std::io::Error> {
        let path = self.0.join(name);
        std::fs::write(&path, bytes)?;
        Ok(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Marks household `id` as the import of a village's BNBA list records it:
/// its house, assets and income are placeholders, not yet recorded.
pub async fn mark_awaiting_survey(
    db: &DatabaseConnection,
    id: i64,
) -> Result<(), Box<dyn std::error::Error>> {
    use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel};
    let row = server::entities::households::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or("no household")?;
    let mut details: serde_json::Value = serde_json::from_str(&row.details)?;
    details["awaiting_survey"] = serde_json::Value::Bool(true);
    let mut active = row.into_active_model();
    active.details = Set(details.to_string());
    active.update(db).await?;
    Ok(())
}
