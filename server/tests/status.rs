//! What a refusal answers over HTTP: every kind with its own status (401, 403,
//! 404, 409, 422, 429 with `Retry-After`, 503 with `Retry-After` when the
//! server is full), a request the server cannot read 400 on every server
//! function, an oversize body 413, and never 500 for any of them.

mod common;

use std::net::SocketAddr;
use std::time::Duration;

use app::api::AppError;
use app::api::ssr::SessionCookie;
use axum::body::{Body, Bytes};
use axum::http::{Request, StatusCode, header};
use common::people::{complaint, household_request};
use common::{PASSWORD, TestResult, account, database_with_areas};
use http_body_util::BodyExt;
use server::services;
use server::web::{self, AppState, Limits};
use shared::complaint::{Channel, ComplaintType};
use shared::contract::{ClientInfo, Services};
use shared::dto::OpenCase;
use shared::roles::Role;
use tower::ServiceExt;

const VILLAGE: &str = "32.09.01.2008";
const OTHER_VILLAGE: &str = "32.09.01.2009";

struct Site {
    db: sea_orm::DatabaseConnection,
    services: Services,
    router: axum::Router,
    /// Session of a front-office desk of [`VILLAGE`].
    desk: String,
    /// Session of an administrator.
    admin: String,
}

async fn site_with(limits: Limits) -> Result<Site, Box<dyn std::error::Error>> {
    let db = database_with_areas().await?;
    let services = services::build(db.clone(), common::config());
    let listen: SocketAddr = "127.0.0.1:3000".parse()?;
    let router = web::router_with(
        AppState {
            leptos_options: web::leptos_options("target/site", listen),
            services: services.clone(),
            db: db.clone(),
            cookie: SessionCookie {
                secure: false,
                max_age_seconds: 3600,
            },
            trust_proxy: false,
        },
        limits,
    );
    let mut tokens = Vec::new();
    for (name, role, area) in [
        ("fo.status", Role::FrontOffice, Some(VILLAGE)),
        ("admin.status", Role::Admin, None),
    ] {
        account(&db, name, role, area).await?;
        tokens.push(
            services
                .auth
                .login(name, PASSWORD, &ClientInfo::default())
                .await?
                .session_token,
        );
    }
    let admin = tokens.pop().ok_or("no admin")?;
    let desk = tokens.pop().ok_or("no desk")?;
    Ok(Site {
        db,
        services,
        router,
        desk,
        admin,
    })
}

async fn site() -> Result<Site, Box<dyn std::error::Error>> {
    site_with(Limits::default()).await
}

/// A server-function call as the browser's bundle sends it.
fn call(
    path: &str,
    token: Option<&str>,
    content_type: &str,
    body: impl Into<Body>,
) -> Result<Request<Body>, axum::http::Error> {
    let mut request = Request::post(path)
        .header(header::CONTENT_TYPE, content_type)
        .header(header::ACCEPT, "application/json")
        .header("sec-fetch-site", "same-origin");
    if let Some(token) = token {
        request = request.header(header::COOKIE, format!("slrt_session={token}"));
    }
    request.body(body.into())
}

fn form(path: &str, token: Option<&str>, body: &str) -> Result<Request<Body>, axum::http::Error> {
    call(
        path,
        token,
        "application/x-www-form-urlencoded",
        body.to_string(),
    )
}

/// Status, `Retry-After` and body of the answer.
async fn send(
    router: &axum::Router,
    request: Request<Body>,
) -> Result<(StatusCode, Option<String>, String), Box<dyn std::error::Error>> {
    let response = router.clone().oneshot(request).await?;
    let status = response.status();
    let retry_after = response
        .headers()
        .get(header::RETRY_AFTER)
        .and_then(|value| value.to_str().ok())
        .map(str::to_string);
    let bytes = response.into_body().collect().await?.to_bytes();
    Ok((
        status,
        retry_after,
        String::from_utf8_lossy(&bytes).into_owned(),
    ))
}

/// The answer's error code (the `AppError` of a server function).
fn code(body: &str) -> String {
    serde_json::from_str::<AppError>(body)
        .map(|error| error.code)
        .unwrap_or_else(|_| format!("(not an AppError: {body})"))
}

#[tokio::test]
async fn each_refusal_answers_its_own_status() -> TestResult {
    let site = site().await?;
    // A household of the other village, registered by a desk there.
    let elsewhere = common::actor(
        &site.db,
        &site.services,
        "fo.desa.lain",
        Role::FrontOffice,
        Some(OTHER_VILLAGE),
    )
    .await?;
    let district = site
        .services
        .households
        .register(
            &elsewhere,
            household_request(OTHER_VILLAGE, 3, "lain-desa")?,
        )
        .await?;
    let mine = {
        let desk = site
            .services
            .auth
            .login("fo.status", PASSWORD, &ClientInfo::default())
            .await?
            .actor;
        let household = site
            .services
            .households
            .register(&desk, household_request(VILLAGE, 4, "desa-ini")?)
            .await?;
        site.services
            .cases
            .open(
                &desk,
                OpenCase {
                    idempotency_key: "kasus-status".into(),
                    household_id: household.id,
                    channel: Channel::WalkInPuskesos,
                    complaints: vec![complaint(ComplaintType::ServiceRequest)],
                },
            )
            .await?
    };
    let desk = Some(site.desk.as_str());

    // 401: no session.
    let (status, _, body) =
        send(&site.router, form("/api/case_detail", None, "case_id=1")?).await?;
    assert_eq!(
        (status, code(&body).as_str()),
        (StatusCode::UNAUTHORIZED, "unauthenticated")
    );

    // 403: another village's household.
    let (status, _, body) = send(
        &site.router,
        form(
            "/api/household_file",
            desk,
            &format!("household_id={}", district.id),
        )?,
    )
    .await?;
    assert_eq!(
        (status, code(&body).as_str()),
        (StatusCode::FORBIDDEN, "forbidden")
    );

    // 404: no such case.
    let (status, _, body) = send(
        &site.router,
        form("/api/case_detail", desk, "case_id=987654")?,
    )
    .await?;
    assert_eq!(
        (status, code(&body).as_str()),
        (StatusCode::NOT_FOUND, "not_found")
    );

    // 409: a case changed since the page was loaded (stale version).
    let (status, _, body) = send(
        &site.router,
        form(
            "/api/case_action",
            desk,
            &format!("case_id={}&version=99&action=check_registry", mine.id),
        )?,
    )
    .await?;
    assert_eq!(
        (status, code(&body).as_str()),
        (StatusCode::CONFLICT, "conflict")
    );

    // 422: a rule broken (a password too short), with the field named.
    let (status, _, body) = send(
        &site.router,
        form(
            "/api/change_password",
            desk,
            &format!("current_password={PASSWORD}&new_password=pendek&confirm_password=pendek"),
        )?,
    )
    .await?;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");

    // 429 with Retry-After: wrong passwords until throttled.
    let mut throttled = None;
    for _ in 0..10 {
        let answer = send(
            &site.router,
            form(
                "/api/login",
                None,
                "username=fo.status&password=salah-sekali",
            )?,
        )
        .await?;
        if answer.0 == StatusCode::TOO_MANY_REQUESTS {
            throttled = Some(answer);
            break;
        }
        assert_eq!(answer.0, StatusCode::UNAUTHORIZED, "{}", answer.2);
    }
    let (_, retry_after, body) = throttled.ok_or("never throttled")?;
    assert_eq!(code(&body), "rate_limited");
    let seconds: u64 = retry_after.ok_or("no Retry-After")?.parse()?;
    assert!(seconds > 0);
    Ok(())
}

#[tokio::test]
async fn a_full_server_answers_503_with_retry_after_and_recovers() -> TestResult {
    let site = site_with(Limits {
        in_flight: 1,
        queued: 0,
        queue_wait: Duration::from_secs(1),
    })
    .await?;
    // A request that waits for the database holds the only turn: the test
    // holds a transaction (in memory, SQLite's one connection; on PostgreSQL a
    // lock on the sessions every request reads).
    let blocker = sea_orm::TransactionTrait::begin(&site.db).await?;
    if sea_orm::ConnectionTrait::get_database_backend(&blocker) == sea_orm::DbBackend::Postgres {
        sea_orm::ConnectionTrait::execute_unprepared(
            &blocker,
            "LOCK TABLE sessions IN ACCESS EXCLUSIVE MODE",
        )
        .await?;
    }
    let held = tokio::spawn({
        let router = site.router.clone();
        let request = form("/api/current_user", Some(&site.desk), "")?;
        async move { router.oneshot(request).await }
    });
    tokio::time::sleep(Duration::from_millis(100)).await;
    let (status, retry_after, body) = send(
        &site.router,
        form("/api/current_user", Some(&site.desk), "")?,
    )
    .await?;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(code(&body), "unavailable");
    assert!(retry_after.is_some_and(|s| s.parse::<u64>().is_ok_and(|s| s > 0)));
    // Probes are never turned away.
    let (status, _, _) = send(&site.router, Request::get("/healthz").body(Body::empty())?).await?;
    assert_eq!(status, StatusCode::OK);
    // Once the database answers again, the held request and the next one are served.
    blocker.rollback().await?;
    let held = held.await??;
    assert_eq!(held.status(), StatusCode::OK);
    let (status, _, body) = send(
        &site.router,
        form("/api/current_user", Some(&site.desk), "")?,
    )
    .await?;
    assert_eq!(status, StatusCode::OK, "{body}");
    Ok(())
}

/// Server functions that take no arguments: no body is malformed for them.
const WITHOUT_ARGUMENTS: [&str; 13] = [
    "/api/batch_desk",
    "/api/current_user",
    "/api/district_duplicates",
    "/api/meeting_list",
    "/api/home_summary",
    "/api/logout",
    "/api/my_assignments",
    "/api/my_sessions",
    "/api/sign_out_everywhere",
    "/api/institutions",
    "/api/programmes",
    "/api/village_options",
    "/api/sheet_imports",
];

#[tokio::test]
async fn a_body_the_server_cannot_read_answers_400_on_every_server_function() -> TestResult {
    let site = site().await?;
    let mut paths: Vec<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.to_string())
        .collect();
    paths.sort();
    assert!(paths.len() > 30, "the registry lists the server functions");
    let broken: [(&str, &str); 4] = [
        ("application/json", "{\"filter\": "),
        ("application/json", "[1, 2"),
        ("application/x-www-form-urlencoded", "%zz=%zz&&=="),
        (
            "application/x-www-form-urlencoded",
            "case_id=1e3&household_id=99999999999999999999999",
        ),
    ];
    let mut wrong = Vec::new();
    for path in &paths {
        if WITHOUT_ARGUMENTS.contains(&path.as_str()) {
            continue;
        }
        for (content_type, body) in broken {
            let (status, _, answer) = send(
                &site.router,
                call(path, Some(&site.admin), content_type, body.to_string())?,
            )
            .await?;
            if status != StatusCode::BAD_REQUEST || code(&answer) != "malformed_request" {
                wrong.push(format!("{path} {content_type} {body:?}: {status} {answer}"));
            }
        }
    }
    assert!(wrong.is_empty(), "not 400:\n{}", wrong.join("\n"));

    // What failed is said: a missing field by its name, an unreadable value by why.
    for (path, body, said) in [
        ("/api/household_file", "", "household_id"),
        ("/api/case_detail", "case_id=1e3", "invalid"),
        (
            "/api/case_detail",
            "case_id=99999999999999999999",
            "too large",
        ),
    ] {
        let (status, _, answer) = send(&site.router, form(path, Some(&site.admin), body)?).await?;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path} {body}: {answer}");
        let error: AppError = serde_json::from_str(&answer)?;
        assert!(
            error.message_en.contains(said) && error.message_id.contains(said),
            "{path} {body}: {} / {}",
            error.message_en,
            error.message_id
        );
    }
    Ok(())
}

#[tokio::test]
async fn an_oversize_body_answers_413_also_when_sent_in_chunks() -> TestResult {
    let site = site().await?;
    let big = "x".repeat(3 * 1024 * 1024);
    // With its length declared.
    let (status, _, _) = send(
        &site.router,
        form("/api/case_detail", Some(&site.desk), &big)?,
    )
    .await?;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    // In chunks, without a length.
    let chunks: Vec<Result<Bytes, std::io::Error>> = (0..48)
        .map(|_| Ok(Bytes::from(vec![b'x'; 64 * 1024])))
        .collect();
    let (status, _, _) = send(
        &site.router,
        call(
            "/api/case_detail",
            Some(&site.desk),
            "application/x-www-form-urlencoded",
            Body::from_stream(futures_util::stream::iter(chunks)),
        )?,
    )
    .await?;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    Ok(())
}

/// The lists' downloads: 401 without a session; an address with junk in it is
/// ignored or refused as the request's fault, never answered with a 500.
#[tokio::test]
async fn list_downloads_answer_401_without_a_session_and_never_500() -> TestResult {
    let site = site().await?;
    use app::paths;
    for path in [
        paths::CASES_CSV,
        paths::CASES_XLSX,
        paths::HOUSEHOLDS_CSV,
        paths::HOUSEHOLDS_XLSX,
        paths::PROPOSALS_CSV,
        paths::PROPOSALS_XLSX,
        paths::REFERRALS_CSV,
        paths::REFERRALS_XLSX,
        paths::AUDIT_CSV,
        paths::AUDIT_XLSX,
    ] {
        let (status, _, _) = send(&site.router, Request::get(path).body(Body::empty())?).await?;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{path}");
        let junk = format!(
            "{path}?page=x&status=%ZZ&pemisah=%00&wilayah=99.99&umur=-1&from=kemarin&urut=%E2%80%8B"
        );
        for token in [&site.desk, &site.admin] {
            let request = Request::get(&junk)
                .header(header::COOKIE, format!("slrt_session={token}"))
                .body(Body::empty())?;
            let (status, _, body) = send(&site.router, request).await?;
            assert!(
                status.is_success() || status.is_client_error(),
                "{junk}: {status} {body}"
            );
        }
    }
    Ok(())
}
