//! The HTTP surface through the real router: health checks, the sign-in flow
//! with its cookie, page protection and refusal of cross-site writes.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{PASSWORD, TestResult, account, database_with_areas};
use http_body_util::BodyExt;
use server::services;
use shared::roles::Role;
use tower::ServiceExt;

async fn router() -> Result<axum::Router, Box<dyn std::error::Error>> {
    let db = database_with_areas().await?;
    account(&db, "manajer.cirebon", Role::SlrtManager, Some("32.09")).await?;
    Ok(common::site_router(
        &db,
        services::build(db.clone(), common::config()),
    ))
}

async fn body_text(
    response: axum::response::Response,
) -> Result<String, Box<dyn std::error::Error>> {
    let bytes = response.into_body().collect().await?.to_bytes();
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// The text inside the element carrying `data-testid="<test_id>"`.
fn text_of<'a>(html: &'a str, test_id: &str) -> Option<&'a str> {
    let at = html.find(&format!(r#"data-testid="{test_id}""#))?;
    let rest = &html[at..];
    let start = rest.find('>')? + 1;
    let end = rest[start..].find('<')?;
    Some(&rest[start..start + end])
}

fn login_request(password: &str) -> Result<Request<Body>, axum::http::Error> {
    Request::post("/api/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "text/html")
        .header(header::REFERER, "http://127.0.0.1:3000/login")
        .header("sec-fetch-site", "same-origin")
        .body(Body::from(format!(
            "username=manajer.cirebon&password={password}"
        )))
}

/// Signs the manager in and answers the `name=value` pair of the session cookie.
async fn session_cookie(app: &axum::Router) -> Result<String, Box<dyn std::error::Error>> {
    let signed_in = app.clone().oneshot(login_request(PASSWORD)?).await?;
    Ok(signed_in
        .headers()
        .get(header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .ok_or("no cookie")?
        .to_string())
}

#[tokio::test]
async fn health_and_readiness_answer() -> TestResult {
    let app = router().await?;
    let health = app
        .clone()
        .oneshot(Request::get("/healthz").body(Body::empty())?)
        .await?;
    assert_eq!(health.status(), StatusCode::OK);
    let ready = app
        .oneshot(Request::get("/readyz").body(Body::empty())?)
        .await?;
    assert_eq!(ready.status(), StatusCode::OK);
    assert_eq!(body_text(ready).await?, "ready");
    Ok(())
}

#[tokio::test]
async fn the_login_page_is_indonesian_and_loads_the_bundle() -> TestResult {
    let app = router().await?;
    let response = app
        .oneshot(Request::get("/login").body(Body::empty())?)
        .await?;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response
            .headers()
            .get(header::X_CONTENT_TYPE_OPTIONS)
            .map(|v| v.as_bytes()),
        Some(&b"nosniff"[..])
    );
    let html = body_text(response).await?;
    assert!(html.contains("<html lang=\"id\""), "{html}");
    assert!(html.contains("Kata sandi"));
    assert!(html.contains("/pkg/slrt.js"));
    assert!(html.contains("/pkg/slrt.wasm"));
    Ok(())
}

#[tokio::test]
async fn the_home_page_sends_strangers_to_login() -> TestResult {
    let app = router().await?;
    let response = app.oneshot(Request::get("/").body(Body::empty())?).await?;
    assert!(
        response.status().is_redirection(),
        "status {}",
        response.status()
    );
    assert_eq!(
        response
            .headers()
            .get(header::LOCATION)
            .map(|v| v.as_bytes()),
        Some(&b"/login"[..])
    );
    Ok(())
}

#[tokio::test]
async fn signing_in_sets_a_safe_cookie_that_opens_the_home_page() -> TestResult {
    let app = router().await?;
    let response = app.clone().oneshot(login_request(PASSWORD)?).await?;
    assert!(
        response.status().is_redirection(),
        "status {}",
        response.status()
    );
    let cookie = response
        .headers()
        .get(header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .ok_or("no cookie")?
        .to_string();
    assert!(cookie.starts_with("slrt_session="), "{cookie}");
    assert!(cookie.contains("HttpOnly"));
    assert!(cookie.contains("SameSite=Lax"));
    let pair = cookie.split(';').next().ok_or("empty cookie")?.to_string();

    let home = app
        .oneshot(
            Request::get("/")
                .header(header::COOKIE, &pair)
                .body(Body::empty())?,
        )
        .await?;
    assert_eq!(home.status(), StatusCode::OK);
    let html = body_text(home).await?;
    assert!(html.contains("Petugas manajer.cirebon"), "{html}");
    assert!(html.contains("Manajer SLRT"));
    assert!(html.contains("Kabupaten Cirebon (32.09)"));
    // The figures are in the first HTML, not streamed in later by a script.
    assert_eq!(text_of(&html, "village-count"), Some("3"));
    assert_eq!(text_of(&html, "subdistrict-count"), Some("2"));
    Ok(())
}

#[tokio::test]
async fn a_wrong_password_sets_no_cookie() -> TestResult {
    let app = router().await?;
    let response = app.oneshot(login_request("salah-sandi")?).await?;
    assert!(response.headers().get(header::SET_COOKIE).is_none());
    Ok(())
}

#[tokio::test]
async fn cross_site_posts_are_refused() -> TestResult {
    let app = router().await?;
    let mut request = login_request(PASSWORD)?;
    request
        .headers_mut()
        .insert("sec-fetch-site", "cross-site".parse()?);
    let response = app.clone().oneshot(request).await?;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(response.headers().get(header::SET_COOKIE).is_none());

    let mut request = login_request(PASSWORD)?;
    request.headers_mut().remove("sec-fetch-site");
    request
        .headers_mut()
        .insert(header::ORIGIN, "https://evil.example".parse()?);
    request
        .headers_mut()
        .insert(header::HOST, "127.0.0.1:3000".parse()?);
    let response = app.oneshot(request).await?;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    Ok(())
}

#[tokio::test]
async fn pages_go_out_compressed_to_browsers_that_accept_it() -> TestResult {
    let app = router().await?;
    let page = |encoding: &'static str| {
        Request::get("/login")
            .header(header::ACCEPT_ENCODING, encoding)
            .body(Body::empty())
    };
    let zipped = app.clone().oneshot(page("gzip, deflate, br")?).await?;
    assert_eq!(zipped.status(), StatusCode::OK);
    assert_eq!(
        zipped
            .headers()
            .get(header::CONTENT_ENCODING)
            .map(|v| v.as_bytes()),
        Some(&b"gzip"[..])
    );
    assert_eq!(
        zipped
            .headers()
            .get(header::CACHE_CONTROL)
            .map(|v| v.as_bytes()),
        Some(&b"no-store"[..]),
        "compressed pages stay out of caches too"
    );
    let small = zipped.into_body().collect().await?.to_bytes().len();
    let plain = app.oneshot(page("identity")?).await?;
    assert!(plain.headers().get(header::CONTENT_ENCODING).is_none());
    let whole = plain.into_body().collect().await?.to_bytes().len();
    assert!(small * 2 < whole, "{small} bytes gzipped against {whole}");
    Ok(())
}

#[tokio::test]
async fn a_list_searched_by_name_is_not_compressed() -> TestResult {
    let app = router().await?;
    let cookie = session_cookie(&app).await?;
    let list = |uri: &str| {
        Request::get(uri)
            .header(header::ACCEPT_ENCODING, "gzip")
            .header(header::COOKIE, cookie.clone())
            .body(Body::empty())
    };
    // The plain list goes out compressed; searched by name it does not (its
    // compressed size would tell a guessed name from a wrong one).
    let plain = app.clone().oneshot(list("/kasus")?).await?;
    assert_eq!(plain.status(), StatusCode::OK);
    assert_eq!(
        plain
            .headers()
            .get(header::CONTENT_ENCODING)
            .map(|v| v.as_bytes()),
        Some(&b"gzip"[..])
    );
    let searched = app.oneshot(list("/kasus?q=Darto")?).await?;
    assert_eq!(searched.status(), StatusCode::OK);
    assert!(searched.headers().get(header::CONTENT_ENCODING).is_none());
    Ok(())
}

/// Routers built on other threads while a page renders (as each test of a
/// binary builds its own, side by side) never leave the page waiting: Leptos
/// holds back every resource that starts loading anywhere in the process
/// while it walks the route tree, so the walk is done once.
#[tokio::test]
async fn pages_finish_while_other_routers_are_built() -> TestResult {
    let app = router().await?;
    let pair = session_cookie(&app).await?;
    let building = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let builder = {
        let building = building.clone();
        std::thread::spawn(move || -> Result<usize, String> {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|error| error.to_string())?;
            let mut built = 0;
            while building.load(std::sync::atomic::Ordering::Relaxed) {
                let built_router = runtime
                    .block_on(router())
                    .map_err(|error| error.to_string())?;
                drop(built_router);
                built += 1;
            }
            Ok(built)
        })
    };
    let mut rendered = 0;
    for _ in 0..40 {
        let home = app.clone().oneshot(
            Request::get("/")
                .header(header::COOKIE, &pair)
                .body(Body::empty())?,
        );
        // A render held back waits forever; a healthy one takes milliseconds.
        let home = tokio::time::timeout(std::time::Duration::from_secs(60), async {
            let response = home.await?;
            body_text(response).await
        })
        .await
        .map_err(|_| "a page never finished while a router was being built")??;
        assert_eq!(text_of(&home, "village-count"), Some("3"));
        rendered += 1;
    }
    building.store(false, std::sync::atomic::Ordering::Relaxed);
    let built = builder.join().map_err(|_| "the builder panicked")??;
    assert_eq!(rendered, 40);
    assert!(built > 0, "no router was built meanwhile");
    Ok(())
}

#[tokio::test]
async fn a_build_folder_is_served_immutable_and_its_service_worker_keeps_only_it() -> TestResult {
    let site = std::env::temp_dir().join(format!("slrt-site-{}", std::process::id()));
    let build = "0123456789abcdef";
    std::fs::create_dir_all(site.join("pkg").join(build))?;
    std::fs::write(site.join("pkg/current"), format!("{build}\n"))?;
    std::fs::write(site.join("pkg").join(build).join("slrt.css"), "body{}")?;
    let db = database_with_areas().await?;
    let listen = std::net::SocketAddr::from(([127, 0, 0, 1], 3000));
    let options = server::web::leptos_options(&site.to_string_lossy(), listen);
    assert_eq!(options.site_pkg_dir.as_ref(), format!("pkg/{build}"));
    let app = server::web::router(server::web::AppState {
        leptos_options: options,
        services: services::build(db.clone(), common::config()),
        db,
        cookie: app::api::ssr::SessionCookie {
            secure: false,
            max_age_seconds: 3600,
        },
        trust_proxy: false,
    });
    let get = |path: String| {
        let app = app.clone();
        async move {
            let request = Request::get(path).body(Body::empty())?;
            Ok::<_, Box<dyn std::error::Error>>(app.oneshot(request).await?)
        }
    };
    let cache_control = |response: &axum::response::Response| {
        response
            .headers()
            .get(header::CACHE_CONTROL)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    let css = get(format!("/pkg/{build}/slrt.css")).await?;
    assert_eq!(css.status(), StatusCode::OK);
    assert_eq!(cache_control(&css), "public, max-age=31536000, immutable");
    let missing = get(format!("/pkg/{build}/nothing.wasm")).await?;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert_eq!(cache_control(&missing), "no-cache", "a 404 is not kept");
    let current = get("/pkg/current".to_string()).await?;
    assert_eq!(cache_control(&current), "no-cache");
    let worker = get("/sw.js".to_string()).await?;
    assert_eq!(worker.status(), StatusCode::OK);
    assert_eq!(cache_control(&worker), "no-cache");
    assert_eq!(
        worker
            .headers()
            .get(header::CONTENT_SECURITY_POLICY)
            .map(|v| v.as_bytes()),
        Some(&b"default-src 'self'"[..])
    );
    let script = body_text(worker).await?;
    assert!(
        script.contains(&format!("const BUILD = '{build}';")),
        "{script}"
    );
    assert!(!script.contains("__BUILD__"));
    let page = body_text(get("/login".to_string()).await?).await?;
    assert!(page.contains(&format!("/pkg/{build}/slrt.css")), "{page}");
    assert!(page.contains(&format!("/pkg/{build}/slrt.js")));
    assert!(page.contains("navigator.serviceWorker.register('/sw.js')"));
    assert!(
        page.contains("r.active && r.active"),
        "the script is not escaped"
    );
    // Without a build folder there is no worker to install.
    let plain = router().await?;
    let none = plain
        .oneshot(Request::get("/sw.js").body(Body::empty())?)
        .await?;
    assert_eq!(none.status(), StatusCode::NOT_FOUND);
    let _ = std::fs::remove_dir_all(&site);
    Ok(())
}
