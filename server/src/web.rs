//! The HTTP side: the axum router that serves Leptos pages, server functions,
//! static files and health checks, with the session and request-safety layers.

use std::net::SocketAddr;

use app::api::ssr::SessionCookie;
use app::{App, shell};
use axum::Router;
use axum::extract::{ConnectInfo, FromRef, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use leptos::prelude::*;
use leptos_axum::{LeptosRoutes, generate_route_list};
use sea_orm::DatabaseConnection;
use shared::contract::{ClientInfo, Services};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use crate::{db, rest};

/// Largest request body accepted (forms and server-function calls).
const BODY_LIMIT_BYTES: usize = 2 * 1024 * 1024;

/// Everything a request handler may need.
#[derive(Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub services: Services,
    pub db: DatabaseConnection,
    pub cookie: SessionCookie,
    /// Take the client address from `X-Forwarded-For` (set when a reverse proxy is in front).
    pub trust_proxy: bool,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// Leptos options for a site whose built files live in `site_root` (`pkg/` below it).
pub fn leptos_options(site_root: &str, listen: SocketAddr) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("slrt")
        .site_root(site_root)
        .site_pkg_dir("pkg")
        .site_addr(listen)
        .build()
}

/// The whole application router.
pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let context = {
        let services = state.services.clone();
        let cookie = state.cookie.clone();
        move || {
            provide_context(services.clone());
            provide_context(cookie.clone());
        }
    };
    let pkg_dir = format!("{}/pkg", state.leptos_options.site_root);
    let static_files = Router::new()
        .nest_service(
            "/pkg",
            ServeDir::new(pkg_dir)
                .precompressed_gzip()
                .precompressed_br(),
        )
        // Files keep their names between releases: revalidate, but never re-download unchanged.
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-cache"),
        ));
    let secure = state.cookie.secure;
    let mut router = Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz));
    for route in rest::ROUTES {
        router = router.route(route.path, (route.handler)());
    }
    router
        .leptos_routes_with_context(&state, routes, context.clone(), {
            let options = state.leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(context, shell))
        .merge(static_files)
        .layer(middleware::from_fn_with_state(state.clone(), session_layer))
        .layer(middleware::from_fn(same_origin_writes))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        // Pages set their own policy with the nonce of their scripts (see `app::shell`);
        // everything else gets the strictest one.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
            ),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::STRICT_TRANSPORT_SECURITY,
            secure.then(|| HeaderValue::from_static("max-age=31536000")),
        ))
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT_BYTES))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Liveness: the process answers.
async fn healthz() -> &'static str {
    "ok"
}

/// Readiness: the database answers.
async fn readyz(State(state): State<AppState>) -> Response {
    if db::is_ready(&state.db).await {
        (StatusCode::OK, "ready").into_response()
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database unreachable").into_response()
    }
}

/// Resolves the session cookie into the request's actor and records the client address.
async fn session_layer(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let address = client_address(&request, state.trust_proxy);
    request.extensions_mut().insert(ClientInfo { address });
    let path = request.uri().path();
    if is_static(path) {
        return next.run(request).await;
    }
    let mut signed_in = false;
    let mut must_change_password = false;
    if let Some(token) = state.cookie.token_from(request.headers()) {
        match state.services.auth.authenticate(&token).await {
            Ok(Some(actor)) => {
                must_change_password = actor.must_change_password;
                request.extensions_mut().insert(actor);
                signed_in = true;
            }
            Ok(None) => {}
            Err(error) => tracing::warn!(%error, "session could not be checked"),
        }
    }
    // Pages need a session; without one the visitor goes to the sign-in page
    // (server functions answer for themselves with an Indonesian error).
    let path = request.uri().path();
    if !signed_in && request.method() == Method::GET && is_protected_page(path) {
        return Redirect::to("/login").into_response();
    }
    // After an administrator set the password, the user chooses their own before anything else.
    if must_change_password && !PASSWORD_CHANGE_PATHS.contains(&path) && !is_static(path) {
        if request.method() == Method::GET && !path.starts_with("/api/") {
            return Redirect::to(app::paths::CHANGE_PASSWORD).into_response();
        }
        return (
            StatusCode::FORBIDDEN,
            "Ganti kata sandi Anda terlebih dahulu. / Change your password first.",
        )
            .into_response();
    }
    next.run(request).await
}

/// What a user who must change their password may still reach.
const PASSWORD_CHANGE_PATHS: [&str; 4] = [
    app::paths::CHANGE_PASSWORD,
    "/api/change_password",
    "/api/logout",
    "/api/current_user",
];

/// The client's address: the connecting peer, or behind a trusted reverse proxy the
/// last `X-Forwarded-For` entry (the one the proxy itself appended).
fn client_address(request: &Request, trust_proxy: bool) -> Option<String> {
    let forwarded = trust_proxy
        .then(|| request.headers().get_all("x-forwarded-for"))
        .and_then(|values| values.iter().filter_map(|v| v.to_str().ok()).next_back())
        .and_then(|value| value.rsplit(',').next())
        .map(str::trim)
        .filter(|address| address.parse::<std::net::IpAddr>().is_ok())
        .map(str::to_string);
    forwarded.or_else(|| {
        request
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map(|info| info.0.ip().to_string())
    })
}

/// Files and probes that need no session lookup.
fn is_static(path: &str) -> bool {
    path.starts_with("/pkg/") || path == "/healthz" || path == "/readyz" || path == "/favicon.ico"
}

/// Every page except the sign-in page requires a session (server functions and
/// REST endpoints answer for themselves).
fn is_protected_page(path: &str) -> bool {
    !(path == app::paths::LOGIN
        || path == app::paths::VERIFY
        || path.starts_with("/api/")
        || rest::is_rest(path)
        || is_static(path))
}

/// Refuses state-changing requests sent by other sites (CSRF): the browser's
/// `Sec-Fetch-Site` must say same-origin, or `Origin` must match `Host`.
async fn same_origin_writes(request: Request, next: Next) -> Response {
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        return next.run(request).await;
    }
    let headers = request.headers();
    let header_str = |name: &str| headers.get(name).and_then(|value| value.to_str().ok());
    let allowed = match (header_str("sec-fetch-site"), header_str("origin")) {
        (Some(site), _) => matches!(site, "same-origin" | "none"),
        (None, Some(origin)) => {
            let origin_host = origin.split_once("://").map(|(_, host)| host);
            origin_host.is_some() && origin_host == header_str("host")
        }
        // Not a browser (curl, scripts): no ambient cookies to abuse.
        (None, None) => true,
    };
    if allowed {
        next.run(request).await
    } else {
        tracing::warn!(path = %request.uri().path(), "cross-site write refused");
        (
            StatusCode::FORBIDDEN,
            "Permintaan dari situs lain ditolak. / Cross-site request refused.",
        )
            .into_response()
    }
}
