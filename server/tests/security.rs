//! Security of accounts and sessions through the real router: session
//! fixation, logout, disabled accounts, cross-site requests against server
//! functions, sign-in throttling, password policy and changes, forced password
//! change after a reset, switching assignments, security headers, and that a
//! NIK never reaches the logs or a URL.

mod common;

use std::io::Write;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use app::api::ssr::SessionCookie;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::people::{complaint, household_request};
use common::{PASSWORD, TestResult, account, database_with_areas};
use http_body_util::BodyExt;
use sea_orm::{DatabaseConnection, EntityTrait, PaginatorTrait};
use server::entities::sessions;
use server::services::{self, LoginThrottle, ServiceConfig};
use server::web::{self, AppState};
use shared::complaint::{Channel, ComplaintType};
use shared::contract::{ClientInfo, ServiceError, Services};
use shared::dto::{IdentityQuery, OpenCase};
use shared::roles::Role;
use tower::ServiceExt;

const VILLAGE: &str = "32.09.01.2008";
const OTHER_VILLAGE: &str = "32.09.01.2009";

struct Site {
    db: DatabaseConnection,
    services: Services,
    router: axum::Router,
}

async fn site_with(
    secure: bool,
    config: ServiceConfig,
) -> Result<Site, Box<dyn std::error::Error>> {
    let db = database_with_areas().await?;
    let services = services::build(db.clone(), config);
    let listen: SocketAddr = "127.0.0.1:3000".parse()?;
    let router = web::router(AppState {
        leptos_options: web::leptos_options("target/site", listen),
        services: services.clone(),
        db: db.clone(),
        cookie: SessionCookie {
            secure,
            max_age_seconds: 3600,
        },
        trust_proxy: true,
    });
    Ok(Site {
        db,
        services,
        router,
    })
}

async fn site() -> Result<Site, Box<dyn std::error::Error>> {
    site_with(false, common::config()).await
}

struct Answer {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: String,
}

impl Answer {
    /// The session token of a `Set-Cookie` header, if one was set.
    fn new_token(&self) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .filter_map(|value| value.split(';').next())
            .filter_map(|pair| pair.split_once('='))
            .find(|(name, value)| name.ends_with("slrt_session") && !value.is_empty())
            .map(|(_, value)| value.to_string())
    }

    fn location(&self) -> Option<&str> {
        self.headers
            .get(header::LOCATION)
            .and_then(|value| value.to_str().ok())
    }
}

async fn send(
    router: &axum::Router,
    request: Request<Body>,
) -> Result<Answer, Box<dyn std::error::Error>> {
    let response = router.clone().oneshot(request).await?;
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await?.to_bytes();
    Ok(Answer {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    })
}

fn post(path: &str, token: Option<&str>, body: &str) -> Result<Request<Body>, axum::http::Error> {
    let mut request = Request::post(path)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "application/json")
        .header("sec-fetch-site", "same-origin");
    if let Some(token) = token {
        request = request.header(header::COOKIE, format!("slrt_session={token}"));
    }
    request.body(Body::from(body.to_string()))
}

fn get(path: &str, token: Option<&str>) -> Result<Request<Body>, axum::http::Error> {
    let mut request = Request::get(path);
    if let Some(token) = token {
        request = request.header(header::COOKIE, format!("slrt_session={token}"));
    }
    request.body(Body::empty())
}

async fn login(
    site: &Site,
    username: &str,
    password: &str,
    planted: Option<&str>,
) -> Result<Answer, Box<dyn std::error::Error>> {
    send(
        &site.router,
        post(
            "/api/login",
            planted,
            &format!("username={username}&password={password}"),
        )?,
    )
    .await
}

async fn sign_in(site: &Site, username: &str) -> Result<String, Box<dyn std::error::Error>> {
    login(site, username, PASSWORD, None)
        .await?
        .new_token()
        .ok_or_else(|| "no session cookie after signing in".into())
}

/// `fo.waled` (its id) and a district administrator able to manage it.
async fn officer_and_admin(
    site: &Site,
) -> Result<(i64, shared::contract::Actor), Box<dyn std::error::Error>> {
    let user_id = account(&site.db, "fo.waled", Role::FrontOffice, Some(VILLAGE)).await?;
    let admin = common::actor(
        &site.db,
        &site.services,
        "admin.cirebon",
        Role::Admin,
        Some("32.09"),
    )
    .await?;
    Ok((user_id, admin))
}

/// Whether the token opens the home page (a page, not a redirect to sign-in).
async fn opens_home(site: &Site, token: &str) -> Result<bool, Box<dyn std::error::Error>> {
    Ok(send(&site.router, get("/", Some(token))?).await?.status == StatusCode::OK)
}

#[tokio::test]
async fn a_planted_session_id_is_never_adopted_at_sign_in() -> TestResult {
    let site = site().await?;
    account(&site.db, "fo.waled", Role::FrontOffice, Some(VILLAGE)).await?;
    let planted = "a".repeat(64);
    let answer = login(&site, "fo.waled", PASSWORD, Some(&planted)).await?;
    let token = answer.new_token().ok_or("no cookie")?;
    assert_ne!(token, planted, "the server chooses the session id");
    assert!(!opens_home(&site, &planted).await?);
    assert!(opens_home(&site, &token).await?);

    // Signing in again while signed in gives yet another id.
    let again = login(&site, "fo.waled", PASSWORD, Some(&token))
        .await?
        .new_token()
        .ok_or("no cookie")?;
    assert_ne!(again, token);
    Ok(())
}

#[tokio::test]
async fn logout_ends_the_session_at_once() -> TestResult {
    let site = site().await?;
    account(&site.db, "fo.waled", Role::FrontOffice, Some(VILLAGE)).await?;
    let token = sign_in(&site, "fo.waled").await?;
    assert!(opens_home(&site, &token).await?);
    let answer = send(&site.router, post("/api/logout", Some(&token), "")?).await?;
    assert!(answer.status.is_success() || answer.status.is_redirection());
    let cleared = answer
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.contains("Max-Age=0"));
    assert!(cleared, "the cookie is cleared");
    let home = send(&site.router, get("/", Some(&token))?).await?;
    assert_eq!(home.location(), Some("/login"));
    Ok(())
}

#[tokio::test]
async fn disabling_an_account_ends_its_sessions_and_refuses_sign_in() -> TestResult {
    let site = site().await?;
    let (user_id, admin) = officer_and_admin(&site).await?;
    let token = sign_in(&site, "fo.waled").await?;
    site.services
        .accounts
        .set_disabled(&admin, user_id, true)
        .await?;
    assert!(!opens_home(&site, &token).await?, "the open session ended");
    let refused = login(&site, "fo.waled", PASSWORD, None).await?;
    assert!(refused.new_token().is_none());
    assert!(
        refused.body.contains(r#""code":"account_disabled""#),
        "{}",
        refused.body
    );

    site.services
        .accounts
        .set_disabled(&admin, user_id, false)
        .await?;
    assert!(opens_home(&site, &sign_in(&site, "fo.waled").await?).await?);
    assert!(
        !common::audit_rows(&site.db, "disable_user", "ok")
            .await?
            .is_empty()
    );
    Ok(())
}

#[tokio::test]
async fn cross_site_calls_of_server_functions_are_refused() -> TestResult {
    let site = site().await?;
    account(&site.db, "fo.waled", Role::FrontOffice, Some(VILLAGE)).await?;
    let token = sign_in(&site, "fo.waled").await?;
    let forged = Request::post("/api/change_password")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "cross-site")
        .header(header::ORIGIN, "https://evil.example")
        .header(header::COOKIE, format!("slrt_session={token}"))
        .body(Body::from(format!(
            "current_password={PASSWORD}&new_password=diambil-alih-99&confirm_password=diambil-alih-99"
        )))?;
    let answer = send(&site.router, forged).await?;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    // The password did not change: the old one still signs in.
    assert!(
        login(&site, "fo.waled", PASSWORD, None)
            .await?
            .new_token()
            .is_some()
    );

    // An Origin of another site without Sec-Fetch-Site is refused too.
    let forged = Request::post("/api/logout")
        .header(header::ORIGIN, "https://evil.example")
        .header(header::HOST, "127.0.0.1:3000")
        .header(header::COOKIE, format!("slrt_session={token}"))
        .body(Body::empty())?;
    assert_eq!(
        send(&site.router, forged).await?.status,
        StatusCode::FORBIDDEN
    );
    assert!(opens_home(&site, &token).await?);
    Ok(())
}

#[tokio::test]
async fn repeated_failures_slow_down_sign_in_per_account_and_per_address() -> TestResult {
    let site = site().await?;
    account(&site.db, "fo.waled", Role::FrontOffice, Some(VILLAGE)).await?;
    account(&site.db, "bo.waled", Role::BackOffice, Some(VILLAGE)).await?;
    let auth = &site.services.auth;
    let office = ClientInfo {
        address: Some("203.0.113.7".into()),
        ..Default::default()
    };
    for _ in 0..5 {
        assert_eq!(
            auth.login("fo.waled", "salah-tebak-123", &office).await,
            Err(ServiceError::InvalidCredentials)
        );
    }
    // Now even the right password must wait at that address.
    match auth.login("fo.waled", PASSWORD, &office).await {
        Err(ServiceError::RateLimited {
            retry_after_seconds,
        }) => {
            assert!(
                (1..=30).contains(&retry_after_seconds),
                "{retry_after_seconds}"
            );
        }
        other => panic!("expected a wait, got {other:?}"),
    }
    // The owner elsewhere is not locked out by someone else's failures.
    let elsewhere = ClientInfo {
        address: Some("198.51.100.1".into()),
        ..Default::default()
    };
    assert!(auth.login("fo.waled", PASSWORD, &elsewhere).await.is_ok());
    // Another account from the same office is not affected by one account's failures.
    assert!(auth.login("bo.waled", PASSWORD, &office).await.is_ok());
    assert!(
        !common::audit_rows(&site.db, "login", "refused")
            .await?
            .is_empty()
    );

    // Many failures from one address, across usernames, slow that address down.
    let guesser = ClientInfo {
        address: Some("192.0.2.99".into()),
        ..Default::default()
    };
    for attempt in 0..20 {
        let _ = auth
            .login(&format!("tebak{attempt}"), "salah-tebak-123", &guesser)
            .await;
    }
    assert!(matches!(
        auth.login("bo.waled", PASSWORD, &guesser).await,
        Err(ServiceError::RateLimited { .. })
    ));

    // A policy with no wait lets the right password in again.
    let relaxed = without_waits(&site);
    assert!(
        relaxed
            .auth
            .login("fo.waled", PASSWORD, &office)
            .await
            .is_ok()
    );
    Ok(())
}

/// Failing on purpose against someone else's account, from as many addresses as
/// one likes, slows that account down by at most a minute and tells the
/// administrators; it never locks the owner out.
#[tokio::test]
async fn nobody_can_lock_another_account_out() -> TestResult {
    let site = site().await?;
    account(&site.db, "admin.pusat", Role::Admin, None).await?;
    let auth = &site.services.auth;
    let limits = LoginThrottle::default();
    let mut waits = Vec::new();
    for attempt in 0..(limits.free_account_wide + 15) {
        let from = ClientInfo {
            address: Some(format!("192.0.2.{attempt}")),
            ..Default::default()
        };
        for _ in 0..8 {
            match auth.login("admin.pusat", "tebakan-jahat-99", &from).await {
                Err(ServiceError::InvalidCredentials) => {}
                Err(ServiceError::RateLimited {
                    retry_after_seconds,
                }) => waits.push(retry_after_seconds),
                other => panic!("a wrong password got {other:?}"),
            }
        }
    }
    assert!(!waits.is_empty(), "the guesses were never slowed down");
    let owner = ClientInfo {
        address: Some("198.51.100.20".into()),
        ..Default::default()
    };
    match auth.login("admin.pusat", PASSWORD, &owner).await {
        Ok(_) => {}
        Err(ServiceError::RateLimited {
            retry_after_seconds,
        }) => assert!(
            retry_after_seconds <= limits.account_wide_longest_wait.as_secs(),
            "the owner waits {retry_after_seconds} s"
        ),
        Err(other) => panic!("the owner got {other:?}"),
    }
    // The administrators are told once per burst, not per guess.
    let alarms = common::audit_rows(&site.db, "login_alarm", "refused").await?;
    assert_eq!(alarms.len(), 1, "{alarms:?}");
    // With the waits over (a policy without them), the owner signs in.
    let relaxed = without_waits(&site);
    assert!(
        relaxed
            .auth
            .login("admin.pusat", PASSWORD, &owner)
            .await
            .is_ok()
    );
    Ok(())
}

/// The services of `site` with sign-in waits of zero (the waits over).
fn without_waits(site: &Site) -> Services {
    services::build(
        site.db.clone(),
        ServiceConfig {
            throttle: LoginThrottle {
                first_wait: std::time::Duration::ZERO,
                ..LoginThrottle::default()
            },
            ..common::config()
        },
    )
}

/// Gives an account a password directly (as the demo seed does).
async fn set_password(
    db: &DatabaseConnection,
    user_id: i64,
    password: &str,
) -> Result<(), Box<dyn std::error::Error>> {
    use sea_orm::{ActiveModelTrait, Set};
    let hash = server::password::hash(password.to_string()).await?;
    server::entities::users::ActiveModel {
        id: Set(user_id),
        password_hash: Set(hash),
        ..Default::default()
    }
    .update(db)
    .await?;
    Ok(())
}

/// Outside a demo server, signing in with the published demo password works once,
/// straight to the page that makes the user choose another.
#[tokio::test]
async fn the_published_demo_password_must_be_changed() -> TestResult {
    let site = site().await?;
    let user_id = account(&site.db, "fo.waled", Role::FrontOffice, Some(VILLAGE)).await?;
    set_password(&site.db, user_id, server::password::DEMO_PASSWORD).await?;
    let client = ClientInfo::default();
    let outcome = site
        .services
        .auth
        .login("fo.waled", server::password::DEMO_PASSWORD, &client)
        .await?;
    assert!(outcome.actor.must_change_password);
    // The change refuses the demo password itself and whitespace.
    let auth = &site.services.auth;
    for refused in [
        server::password::DEMO_PASSWORD,
        "          ",
        "\t\t\t\t\t\t\t\t\t",
    ] {
        assert!(matches!(
            auth.change_password(
                &outcome.actor,
                &outcome.session_token,
                server::password::DEMO_PASSWORD,
                refused
            )
            .await,
            Err(ServiceError::Invalid(_))
        ));
    }
    // A demo server accepts it as it is.
    let demo = services::build(
        site.db.clone(),
        ServiceConfig {
            demo: true,
            ..common::config()
        },
    );
    let other = account(&site.db, "bo.waled", Role::BackOffice, Some(VILLAGE)).await?;
    set_password(&site.db, other, server::password::DEMO_PASSWORD).await?;
    let outcome = demo
        .auth
        .login("bo.waled", server::password::DEMO_PASSWORD, &client)
        .await?;
    assert!(!outcome.actor.must_change_password);
    Ok(())
}

#[tokio::test]
async fn passwords_follow_the_policy_and_a_change_ends_the_other_sessions() -> TestResult {
    let site = site().await?;
    account(&site.db, "fo.waled", Role::FrontOffice, Some(VILLAGE)).await?;
    let phone = sign_in(&site, "fo.waled").await?;
    let office_pc = sign_in(&site, "fo.waled").await?;

    let change = |current: &str, new: &str, confirm: &str| {
        format!("current_password={current}&new_password={new}&confirm_password={confirm}")
    };
    for (body, field_code) in [
        (change(PASSWORD, "pendek", "pendek"), "password_length"),
        (
            change(PASSWORD, "password123", "password123"),
            "password_too_common",
        ),
        (
            change(PASSWORD, "fo.waled-2026", "fo.waled-2026"),
            "password_contains_username",
        ),
        (
            change("bukan-sandinya", "kopi-tubruk-pagi", "kopi-tubruk-pagi"),
            "password_wrong",
        ),
        (
            change(PASSWORD, "kopi-tubruk-pagi", "kopi-tubruk-sore"),
            "password_confirmation_mismatch",
        ),
    ] {
        let answer = send(
            &site.router,
            post("/api/change_password", Some(&phone), &body)?,
        )
        .await?;
        assert!(
            answer.body.contains(field_code),
            "{field_code}: {}",
            answer.body
        );
    }
    assert!(
        opens_home(&site, &office_pc).await?,
        "failed changes end nothing"
    );

    let answer = send(
        &site.router,
        post(
            "/api/change_password",
            Some(&phone),
            &change(PASSWORD, "kopi-tubruk-pagi", "kopi-tubruk-pagi"),
        )?,
    )
    .await?;
    assert!(answer.status.is_success(), "{}", answer.body);
    assert!(
        opens_home(&site, &phone).await?,
        "the session that changed it stays"
    );
    assert!(!opens_home(&site, &office_pc).await?, "other sessions end");
    assert!(
        login(&site, "fo.waled", PASSWORD, None)
            .await?
            .new_token()
            .is_none()
    );
    assert!(
        login(&site, "fo.waled", "kopi-tubruk-pagi", None)
            .await?
            .new_token()
            .is_some()
    );
    assert!(
        !common::audit_rows(&site.db, "change_password", "ok")
            .await?
            .is_empty()
    );
    Ok(())
}

#[tokio::test]
async fn after_an_admin_reset_the_user_must_choose_a_password_first() -> TestResult {
    let site = site().await?;
    let (user_id, admin) = officer_and_admin(&site).await?;
    let before = sign_in(&site, "fo.waled").await?;
    site.services
        .accounts
        .reset_password(&admin, user_id, "sementara-sekali-pakai")
        .await?;
    assert!(
        !opens_home(&site, &before).await?,
        "a reset ends every session"
    );

    let token = login(&site, "fo.waled", "sementara-sekali-pakai", None)
        .await?
        .new_token()
        .ok_or("no cookie")?;
    let home = send(&site.router, get("/", Some(&token))?).await?;
    assert_eq!(home.location(), Some(app::paths::CHANGE_PASSWORD));
    let blocked = send(&site.router, post("/api/home_summary", Some(&token), "")?).await?;
    assert_eq!(blocked.status, StatusCode::FORBIDDEN);
    let page = send(
        &site.router,
        get(app::paths::CHANGE_PASSWORD, Some(&token))?,
    )
    .await?;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("must-change"), "the page says why");

    let answer = send(
        &site.router,
        post(
            "/api/change_password",
            Some(&token),
            "current_password=sementara-sekali-pakai&new_password=milik-saya-sendiri&confirm_password=milik-saya-sendiri",
        )?,
    )
    .await?;
    assert!(answer.status.is_success(), "{}", answer.body);
    assert!(opens_home(&site, &token).await?);
    Ok(())
}

#[tokio::test]
async fn switching_assignment_moves_the_scope_to_the_other_village() -> TestResult {
    let site = site().await?;
    let (fo_id, admin) = officer_and_admin(&site).await?;
    site.services
        .accounts
        .add_assignment(
            &admin,
            fo_id,
            shared::account::AssignmentInput {
                role: Role::FrontOffice,
                area_code: OTHER_VILLAGE.into(),
                institution_id: None,
            },
        )
        .await?;
    let helper = common::actor(
        &site.db,
        &site.services,
        "fo.lain",
        Role::FrontOffice,
        Some(OTHER_VILLAGE),
    )
    .await?;
    let household = site
        .services
        .households
        .register(&helper, household_request(OTHER_VILLAGE, 3, "hh-x")?)
        .await?;
    let case = site
        .services
        .cases
        .open(
            &helper,
            OpenCase {
                idempotency_key: "c-x".into(),
                household_id: household.id,
                channel: Channel::WalkInPuskesos,
                complaints: vec![complaint(ComplaintType::ServiceRequest)],
            },
        )
        .await?;

    let token = sign_in(&site, "fo.waled").await?;
    let case_page = app::paths::case(case.id);
    let refused = send(&site.router, get(&case_page, Some(&token))?).await?;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(
        refused.body.contains("Akses ditolak"),
        "an Indonesian refusal page"
    );

    let actor = site
        .services
        .auth
        .authenticate(&token)
        .await?
        .ok_or("signed out")?;
    let views = site.services.auth.assignments(&actor).await?;
    assert_eq!(views.len(), 2);
    assert_eq!(views.iter().filter(|view| view.current).count(), 1);
    let other = views
        .iter()
        .find(|view| view.area_code == OTHER_VILLAGE)
        .ok_or("no second assignment")?;
    let answer = send(
        &site.router,
        post(
            "/api/switch_assignment",
            Some(&token),
            &format!("assignment_id={}", other.id),
        )?,
    )
    .await?;
    assert!(
        answer.status.is_success() || answer.status.is_redirection(),
        "{}",
        answer.body
    );
    let opened = send(&site.router, get(&case_page, Some(&token))?).await?;
    assert_eq!(opened.status, StatusCode::OK);
    assert!(opened.body.contains("case-number"));
    assert!(
        !common::audit_rows(&site.db, "switch_assignment", "ok")
            .await?
            .is_empty()
    );
    Ok(())
}

#[tokio::test]
async fn pages_carry_a_nonce_policy_and_https_sites_send_hsts() -> TestResult {
    let site = site_with(true, common::config()).await?;
    let page = send(&site.router, get("/login", None)?).await?;
    let policy = page
        .headers
        .get(header::CONTENT_SECURITY_POLICY)
        .and_then(|v| v.to_str().ok())
        .ok_or("no CSP")?
        .to_string();
    let nonce = policy
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .ok_or("no nonce in the policy")?;
    assert!(policy.contains("frame-ancestors 'none'"));
    assert!(!policy.contains("unsafe-inline"));
    let scripts = page.body.matches("<script").count();
    assert!(scripts > 0);
    assert_eq!(
        page.body.matches(&format!("nonce=\"{nonce}\"")).count(),
        scripts,
        "every script carries this response's nonce"
    );
    let second = send(&site.router, get("/login", None)?).await?;
    let second_policy = second
        .headers
        .get(header::CONTENT_SECURITY_POLICY)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    assert!(!second_policy.contains(nonce), "a new nonce per response");
    assert!(
        page.headers
            .get(header::STRICT_TRANSPORT_SECURITY)
            .is_some()
    );
    assert_eq!(
        page.headers
            .get(header::X_FRAME_OPTIONS)
            .and_then(|v| v.to_str().ok()),
        Some("DENY")
    );

    let plain = self::site().await?;
    let page = send(&plain.router, get("/login", None)?).await?;
    assert!(
        page.headers
            .get(header::STRICT_TRANSPORT_SECURITY)
            .is_none(),
        "no HSTS over plain http"
    );
    Ok(())
}

#[tokio::test]
async fn oversized_requests_are_refused() -> TestResult {
    let site = site().await?;
    let body = "x".repeat(3 * 1024 * 1024);
    let request = Request::post("/api/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::CONTENT_LENGTH, body.len())
        .body(Body::from(body.clone()))?;
    let answer = send(&site.router, request).await?;
    assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE);
    // Without a declared length the body is cut off while read: still nothing is done.
    let answer = send(&site.router, post("/api/login", None, &body)?).await?;
    assert!(!answer.status.is_success());
    assert!(
        common::audit_rows(&site.db, "login", "ok")
            .await?
            .is_empty()
    );
    Ok(())
}

/// A log sink the test can read back.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut buffer) = self.0.lock() {
            buffer.extend_from_slice(bytes);
        }
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn a_nik_never_reaches_the_logs() -> TestResult {
    let captured = Captured::default();
    let sink = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || sink.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let site = site().await?;
    let fo = common::actor(
        &site.db,
        &site.services,
        "fo.waled",
        Role::FrontOffice,
        Some(VILLAGE),
    )
    .await?;
    let request = household_request(VILLAGE, 7, "hh-log")?;
    let niks: Vec<String> = request
        .members
        .iter()
        .filter_map(|m| m.nik.as_ref().map(|n| n.as_str()))
        .collect();
    let first = request
        .members
        .first()
        .and_then(|m| m.nik.clone())
        .ok_or("no NIK")?;
    let no_kk = request.household.no_kk.as_str();
    let created = site
        .services
        .households
        .register(&fo, request.clone())
        .await?;
    // A duplicate, a lookup, a reveal and a refused lookup from another village.
    let _ = site
        .services
        .households
        .register(&fo, household_request(VILLAGE, 7, "hh-log-2")?)
        .await;
    let first_nik = first.as_str();
    site.services
        .households
        .lookup(&fo, IdentityQuery::Nik(first))
        .await?;
    let _ = site
        .services
        .households
        .reveal_no_kk(&fo, created.id)
        .await?;
    let outsider = common::actor(
        &site.db,
        &site.services,
        "fo.jauh",
        Role::FrontOffice,
        Some("33.04.01.2001"),
    )
    .await?;
    let _ = site.services.households.file(&outsider, created.id).await;
    // And through the router, with the NIK in a request body.
    let token = sign_in(&site, "fo.waled").await?;
    let _ = send(
        &site.router,
        post(
            "/api/home_summary",
            Some(&token),
            &format!("nik={first_nik}"),
        )?,
    )
    .await?;

    let text =
        String::from_utf8_lossy(&captured.0.lock().map_err(|_| "log lock")?.clone()).into_owned();
    assert!(text.len() > 100, "the run logged something: {text}");
    for number in niks.iter().chain(std::iter::once(&no_kk)) {
        assert!(
            !text.contains(number.as_str()),
            "an identity number reached the logs"
        );
    }
    assert!(sessions::Entity::find().count(&site.db).await? > 0);
    Ok(())
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_client_address_is_throttled_on_its_own() -> TestResult {
    let site = site().await?;
    account(&site.db, "fo.waled", Role::FrontOffice, Some(VILLAGE)).await?;
    let attempt = |address: &str,
                   username: &str,
                   password: &str|
     -> Result<Request<Body>, axum::http::Error> {
        Request::post("/api/login")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header("sec-fetch-site", "same-origin")
            // A client may send its own header; the proxy appends the real address last.
            .header("x-forwarded-for", format!("10.9.9.9, {address}"))
            .body(Body::from(format!(
                "username={username}&password={password}"
            )))
    };
    for n in 0..20 {
        send(
            &site.router,
            attempt("198.51.100.23", &format!("tebak{n}"), "salah-tebak-123")?,
        )
        .await?;
    }
    let throttled = send(
        &site.router,
        attempt("198.51.100.23", "fo.waled", PASSWORD)?,
    )
    .await?;
    assert!(
        throttled.body.contains(r#""code":"rate_limited""#),
        "{}",
        throttled.body
    );
    // Colleagues at another address are not locked out by the guesser.
    let colleague = send(&site.router, attempt("203.0.113.40", "fo.waled", PASSWORD)?).await?;
    assert!(colleague.new_token().is_some(), "{}", colleague.body);
    let rows = common::audit_rows(&site.db, "login", "ok").await?;
    assert_eq!(
        rows.last().and_then(|row| row.client_address.as_deref()),
        Some("203.0.113.40")
    );
    Ok(())
}

#[tokio::test]
async fn the_case_export_lists_what_the_filters_show_and_is_audited() -> TestResult {
    let site = site().await?;
    let fo = common::actor(
        &site.db,
        &site.services,
        "fo.waled",
        Role::FrontOffice,
        Some(VILLAGE),
    )
    .await?;
    for (serial, sector_case) in [
        (11, ComplaintType::ServiceRequest),
        (12, ComplaintType::Grievance),
    ] {
        let household = site
            .services
            .households
            .register(
                &fo,
                household_request(VILLAGE, serial, &format!("hh-{serial}"))?,
            )
            .await?;
        site.services
            .cases
            .open(
                &fo,
                OpenCase {
                    idempotency_key: format!("c-{serial}"),
                    household_id: household.id,
                    channel: Channel::WalkInPuskesos,
                    complaints: vec![complaint(sector_case)],
                },
            )
            .await?;
    }
    let token = sign_in(&site, "fo.waled").await?;
    let all = send(&site.router, get("/unduh/kasus.csv", Some(&token))?).await?;
    assert_eq!(all.status, StatusCode::OK);
    assert_eq!(
        all.headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok()),
        Some("text/csv; charset=utf-8")
    );
    let lines: Vec<&str> = all.body.trim_end().lines().collect();
    assert_eq!(lines.len(), 3, "header and two cases: {}", all.body);
    assert!(
        lines[0].contains("nomor;dibuka;kepala_keluarga"),
        "';' by default"
    );
    assert!(lines[1].contains("Darto Wiryono"));
    // A filter narrows the export the same way it narrows the list.
    let none = send(
        &site.router,
        get("/unduh/kasus.csv?status=closed", Some(&token))?,
    )
    .await?;
    assert_eq!(none.body.trim_end().lines().count(), 1);
    let exports = common::audit_rows(&site.db, "export", "ok").await?;
    assert_eq!(exports.len(), 2);
    assert!(exports.iter().all(|row| {
        row.detail
            .as_deref()
            .is_some_and(|d| d.contains("case list export"))
    }));
    // Without a session there is nothing to download.
    let stranger = send(&site.router, get("/unduh/kasus.csv", None)?).await?;
    assert_eq!(stranger.status, StatusCode::UNAUTHORIZED);
    Ok(())
}

/// Under Akun a user sees where they are signed in and can end every session.
#[tokio::test]
async fn sessions_are_listed_and_can_all_be_ended() -> TestResult {
    let site = site().await?;
    account(&site.db, "fo.waled", Role::FrontOffice, Some(VILLAGE)).await?;
    let auth = &site.services.auth;
    let phone = ClientInfo {
        address: Some("203.0.113.8".into()),
        user_agent: Some(
            "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 Chrome/120.0 Mobile Safari/537.36"
                .into(),
        ),
    };
    let office = ClientInfo {
        address: Some("198.51.100.3".into()),
        user_agent: Some(
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0"
                .into(),
        ),
    };
    let old = auth.login("fo.waled", PASSWORD, &phone).await?;
    let new = auth.login("fo.waled", PASSWORD, &office).await?;
    let listed = auth.sessions(&new.actor, &new.session_token).await?;
    assert_eq!(listed.len(), 2, "{listed:?}");
    let current: Vec<_> = listed.iter().filter(|row| row.current).collect();
    assert_eq!(current.len(), 1);
    assert_eq!(current[0].browser.as_deref(), Some("Firefox · Windows"));
    assert!(
        listed
            .iter()
            .any(|row| !row.current && row.browser.as_deref() == Some("Chrome · Android"))
    );
    // Another user's sessions are not listed.
    account(&site.db, "bo.waled", Role::BackOffice, Some(VILLAGE)).await?;
    let other = auth.login("bo.waled", PASSWORD, &phone).await?;
    assert_eq!(
        auth.sessions(&other.actor, &other.session_token)
            .await?
            .len(),
        1
    );
    assert_eq!(auth.end_all_sessions(&new.actor).await?, 2);
    assert!(auth.authenticate(&old.session_token).await?.is_none());
    assert!(auth.authenticate(&new.session_token).await?.is_none());
    assert!(auth.authenticate(&other.session_token).await?.is_some());
    assert_eq!(
        common::audit_rows(&site.db, "logout_everywhere", "ok")
            .await?
            .len(),
        1
    );
    Ok(())
}

/// Administration pages answer 403 (audited) to other roles, as every other
/// refused page does; nothing with personal data may be cached; a download that
/// fails is not audited as done and never copies the caller's text.
#[tokio::test]
async fn admin_pages_refuse_staff_answers_are_not_stored_and_failed_exports_say_so() -> TestResult {
    let site = site().await?;
    account(&site.db, "fo.waled", Role::FrontOffice, Some(VILLAGE)).await?;
    account(&site.db, "admin.cirebon", Role::Admin, Some("32.09")).await?;
    account(&site.db, "kadis.cirebon", Role::DistrictHead, Some("32.09")).await?;
    let staff = sign_in(&site, "fo.waled").await?;
    for path in [
        "/admin/lembaga",
        "/admin/program",
        "/admin/pengguna",
        "/admin/pengguna/baru",
        "/admin/audit",
    ] {
        let answer = send(&site.router, get(path, Some(&staff))?).await?;
        assert_eq!(answer.status, StatusCode::FORBIDDEN, "{path}");
        assert!(answer.body.contains("access-refused"), "{path}");
        assert!(!answer.body.contains("name=\"contact"), "{path}");
        assert!(!answer.body.contains("name=\"username\""), "{path}");
    }
    for action in ["manage_catalogue", "manage_users", "view_audit_log"] {
        assert!(
            !common::audit_rows(&site.db, action, "refused")
                .await?
                .is_empty(),
            "{action}"
        );
    }
    let admin = sign_in(&site, "admin.cirebon").await?;
    for path in ["/admin/lembaga", "/admin/pengguna/baru"] {
        let answer = send(&site.router, get(path, Some(&admin))?).await?;
        assert_eq!(answer.status, StatusCode::OK, "{path}");
    }

    // Pages, server-function answers and downloads are never stored by the browser.
    let answers = [
        send(&site.router, get("/", Some(&staff))?).await?,
        send(&site.router, get("/keluarga", Some(&staff))?).await?,
        send(&site.router, post("/api/my_sessions", Some(&staff), "")?).await?,
        send(&site.router, get("/unduh/keluarga.csv", Some(&staff))?).await?,
    ];
    for answer in &answers {
        assert_eq!(
            answer
                .headers
                .get(header::CACHE_CONTROL)
                .and_then(|value| value.to_str().ok()),
            Some("no-store"),
            "{}: {}",
            answer.status,
            answer.body.chars().take(200).collect::<String>()
        );
    }

    // A dashboard table that does not exist: 404, and no "ok" export with the text.
    let head = sign_in(&site, "kadis.cirebon").await?;
    let junk = "x".repeat(5000);
    let missing = send(
        &site.router,
        get(
            &format!("/unduh/dasbor.csv?wilayah=32.09&tabel={junk}"),
            Some(&head),
        )?,
    )
    .await?;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    let exports = common::audit_rows(&site.db, "dashboard_export", "ok").await?;
    assert!(exports.is_empty(), "{exports:?}");
    let found = send(
        &site.router,
        get("/unduh/dasbor.csv?wilayah=32.09", Some(&head))?,
    )
    .await?;
    assert_eq!(found.status, StatusCode::OK);
    assert_eq!(
        common::audit_rows(&site.db, "dashboard_export", "ok")
            .await?
            .len(),
        1
    );
    Ok(())
}
