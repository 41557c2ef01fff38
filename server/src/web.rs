//! The HTTP side: the axum router that serves Leptos pages, server functions,
//! static files and health checks, with the session and request-safety layers.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use app::api::ssr::SessionCookie;
use app::api::{AppError, ErrorKind};
use app::{App, shell};
use axum::Router;
use axum::extract::{ConnectInfo, FromRef, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use leptos::prelude::*;
use leptos_axum::{LeptosRoutes, generate_route_list};
use sea_orm::DatabaseConnection;
use shared::contract::{ClientInfo, Services};
use tokio::sync::Semaphore;
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{DefaultPredicate, Predicate};
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use crate::{db, downloads, form_posts};

/// Largest request body accepted (forms and server-function calls).
const BODY_LIMIT_BYTES: usize = 2 * 1024 * 1024;

/// How much work the server takes on at once: beyond `in_flight` requests being
/// answered, up to `queued` more wait for their turn (at most `queue_wait`);
/// beyond that a request is answered 503 at once, so that an overloaded server
/// slows down instead of timing everyone out.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub in_flight: usize,
    pub queued: usize,
    pub queue_wait: std::time::Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            in_flight: 16,
            queued: 4096,
            queue_wait: std::time::Duration::from_secs(30),
        }
    }
}

/// The turns of [`Limits`]: permits to run and a count of those waiting.
/// Reads also need one of `reads`, which are fewer than the permits to run:
/// the rest are kept for saves, so that on a deadline day a desk's "Simpan"
/// waits behind at most a few reads, while lookups and lists queue longer.
#[derive(Clone)]
struct Admission {
    running: Arc<Semaphore>,
    reads: Arc<Semaphore>,
    waiting: Arc<AtomicUsize>,
    limits: Limits,
}

/// The server functions that save a desk's work (the calls that must not wait
/// behind lists and renders on a busy day); plain-HTML form posts are saves too.
const SAVES: [&str; 14] = [
    "/api/register_household",
    "/api/open_case",
    "/api/case_action",
    "/api/issue_referral",
    "/api/answer_referral",
    "/api/propose_to_registry",
    "/api/proposal_step",
    "/api/save_meeting",
    "/api/decide_in_meeting",
    "/api/approve_meeting",
    "/api/save_home_visit",
    "/api/record_civil_match",
    "/api/ratify_batch",
    "/api/submit_batch",
];

/// True for a request that saves: a server function of [`SAVES`], or a form
/// posted as plain HTML to the pages that take them.
fn is_save(request: &Request) -> bool {
    let path = request.uri().path();
    request.method() == Method::POST
        && (SAVES.contains(&path)
            || path == app::paths::INTAKE
            || path.starts_with("/keluarga/")
            || crate::uploads::is_minutes_upload(path)
            || crate::uploads::is_photo_upload(path)
            || crate::uploads::is_document_upload(path)
            || path == crate::uploads::MATCH_FILE_UPLOAD)
}

/// The saves' own thread: a runtime of one thread that runs nothing but saves.
/// A save holds its turn to write through a dozen short statements, each handed
/// to the database and back; on the shared threads every hand-off waited
/// behind page renders, and the write queue moved at that pace with CPU idle.
fn save_lane() -> Option<&'static tokio::runtime::Handle> {
    static LANE: std::sync::OnceLock<Option<tokio::runtime::Handle>> = std::sync::OnceLock::new();
    LANE.get_or_init(|| {
        // The runtime is made and run on its own thread (a runtime may not be
        // dropped inside another one's task); the thread hands its handle back.
        let (handle_to, handle) = std::sync::mpsc::channel();
        let started = std::thread::Builder::new()
            .name("slrt-saves".into())
            .spawn(move || {
                match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(runtime) => {
                        let _ = handle_to.send(Some(runtime.handle().clone()));
                        runtime.block_on(std::future::pending::<()>());
                    }
                    Err(error) => {
                        tracing::error!(%error, "no runtime for saves: they share the others");
                        let _ = handle_to.send(None);
                    }
                }
            });
        match started {
            Ok(_) => handle.recv().ok().flatten(),
            Err(error) => {
                tracing::error!(%error, "no thread for saves: they share the others");
                None
            }
        }
    })
    .as_ref()
}

/// Runs a save on [`save_lane`]; everything else where it arrived.
async fn on_save_lane(request: Request, next: Next) -> Response {
    if !is_save(&request) {
        return next.run(request).await;
    }
    let Some(lane) = save_lane() else {
        return next.run(request).await;
    };
    let path = request.uri().path().to_string();
    // In the request's span, so that a save's log lines keep their request.
    let run = tracing::Instrument::in_current_span(next.run(request));
    match lane.spawn(run).await {
        Ok(response) => response,
        Err(error) => {
            tracing::error!(%error, %path, "a save stopped before answering");
            refusal(
                &path,
                StatusCode::INTERNAL_SERVER_ERROR,
                ErrorKind::Refused,
                "internal",
                "Terjadi kesalahan pada server.",
                "Something went wrong on the server.",
            )
        }
    }
}

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

/// Leptos options for a site whose built files live in `site_root`: under
/// `pkg/<build>/` when `pkg/current` names a build (`cargo xtask build`
/// writes it), else directly under `pkg/`.
pub fn leptos_options(site_root: &str, listen: SocketAddr) -> LeptosOptions {
    let pkg = current_build(site_root).map_or_else(|| "pkg".to_string(), |b| format!("pkg/{b}"));
    LeptosOptions::builder()
        .output_name("slrt")
        .site_root(site_root)
        .site_pkg_dir(pkg)
        .site_addr(listen)
        .build()
}

/// The build named by `<site_root>/pkg/current`, when its folder is there.
fn current_build(site_root: &str) -> Option<String> {
    let pkg = std::path::Path::new(site_root).join("pkg");
    let build = std::fs::read_to_string(pkg.join("current")).ok()?;
    let build = build.trim();
    let plain = !build.is_empty() && build.chars().all(|c| c.is_ascii_alphanumeric());
    (plain && pkg.join(build).is_dir()).then(|| build.to_string())
}

/// The build folder's name in the pages' addresses (`""` without one).
fn build_of(options: &LeptosOptions) -> &str {
    options
        .site_pkg_dir
        .strip_prefix("pkg/")
        .unwrap_or_default()
}

/// Files of a build (`/pkg/<build>/...`) never change: browsers keep them a
/// year without asking again. Anything else under `/pkg` is asked again.
async fn bundle_cache(request: axum::extract::Request, next: middleware::Next) -> Response {
    let in_build = request
        .uri()
        .path()
        .strip_prefix("/pkg/")
        .is_some_and(|rest| rest.contains('/'));
    let mut response = next.run(request).await;
    let policy = if in_build && response.status().is_success() {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    response
}

/// The service worker (`server/src/service_worker.js`) for the current build;
/// 404 when the site has no build folder (nothing it could keep).
async fn service_worker(State(options): State<LeptosOptions>) -> Response {
    let build = build_of(&options);
    if build.is_empty() {
        return StatusCode::NOT_FOUND.into_response();
    }
    let script = include_str!("service_worker.js").replace("__BUILD__", build);
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
            // The worker fetches the bundle from this site and nothing else.
            (header::CONTENT_SECURITY_POLICY, "default-src 'self'"),
        ],
        script,
    )
        .into_response()
}

/// The application's page routes, walked once per process.
///
/// While Leptos walks the route tree it holds back every resource that starts
/// loading anywhere in the process, and such a resource then waits forever: a
/// page rendered by one router while a second router is being built would
/// never finish (leptos issue 4773; tests build a router each, side by side).
/// Walking once, before the first router exists, leaves no render to overlap.
fn route_list() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> =
        std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// The whole application router, with the default [`Limits`].
pub fn router(state: AppState) -> Router {
    router_with(state, Limits::default())
}

/// The whole application router.
pub fn router_with(state: AppState, limits: Limits) -> Router {
    let admission = Admission {
        running: Arc::new(Semaphore::new(limits.in_flight.max(1))),
        reads: Arc::new(Semaphore::new(reads_in_flight(limits.in_flight))),
        waiting: Arc::new(AtomicUsize::new(0)),
        limits,
    };
    let by_address: AddressLimiter = Arc::new(governor::RateLimiter::keyed(
        crate::services::lookup_limit::per(ADDRESS_LOOKUP_BURST, ADDRESS_LOOKUP_PERIOD),
    ));
    let routes = route_list();
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
        .layer(middleware::from_fn(bundle_cache));
    let secure = state.cookie.secure;
    let mut router = Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/sw.js", get(service_worker));
    for route in downloads::ROUTES {
        router = router.route(route.path, (route.handler)());
    }
    // Forms that work as plain HTML post to their own page (see `form_posts`).
    router = router
        .route(app::paths::INTAKE, post(form_posts::front_desk))
        .route("/keluarga/{id}", post(form_posts::household))
        .route("/keluarga/{id}/peristiwa", post(form_posts::life_event))
        .route("/keluarga/{id}/ubah", post(form_posts::household_edit))
        .route(
            "/keluarga/{id}/anggota/{member}",
            post(form_posts::member_edit),
        )
        .route(app::paths::DUPLICATES, post(form_posts::duplicates))
        .route("/ganda/{survivor}/{merged}", post(form_posts::merge))
        .route(
            crate::uploads::MATCH_FILE_UPLOAD,
            post(crate::uploads::match_file),
        )
        .route(
            crate::uploads::SHEET_UPLOAD,
            // Streamed to disk by the handler within its own limit (`read_whole_body` lets it through).
            post(crate::uploads::sheet).layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route(
            crate::uploads::MEETING_MINUTES_UPLOAD,
            // The whole body was already read within its limit (`read_whole_body`).
            post(crate::uploads::meeting_minutes).layer(axum::extract::DefaultBodyLimit::max(
                crate::uploads::MINUTES_BODY_LIMIT,
            )),
        )
        .route(
            crate::uploads::HOUSE_PHOTO_UPLOAD,
            post(crate::uploads::house_photo).layer(axum::extract::DefaultBodyLimit::max(
                crate::uploads::PHOTO_BODY_LIMIT,
            )),
        )
        .route(
            crate::uploads::DOCUMENT_UPLOAD,
            post(crate::uploads::household_document).layer(axum::extract::DefaultBodyLimit::max(
                crate::uploads::DOCUMENT_BODY_LIMIT,
            )),
        );
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
        .layer(middleware::from_fn_with_state(by_address, lookup_guard))
        .layer(middleware::from_fn_with_state(state.clone(), session_layer))
        .layer(middleware::from_fn(same_origin_writes))
        // Pages, server-function answers and exports carry personal data: no copy may
        // stay in the browser's cache or a proxy (shared PCs at village posts).
        // The browser files set their own (`bundle_cache`) above.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
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
        // Pages and answers go out gzipped to browsers that accept it (a district
        // dashboard's 181 KB of HTML is 16 KB on the wire); the bundle under /pkg
        // is compressed ahead (its `Content-Encoding` is left alone).
        .layer(middleware::from_fn(mark_echoing_input))
        .layer(
            CompressionLayer::new()
                .gzip(true)
                .compress_when(DefaultPredicate::new().and(NotEchoingInput)),
        )
        .layer(middleware::from_fn(on_save_lane))
        .layer(middleware::from_fn_with_state(admission, admit))
        .layer(middleware::from_fn(read_whole_body))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// A response that repeats what the request typed (a search) beside personal
/// data: sent uncompressed, so that its compressed size cannot be used to guess
/// the data by trying searches (BREACH).
#[derive(Clone, Copy)]
struct EchoesInput;

/// Marks the answers of the lists of people (households, cases, referrals,
/// users, the audit log) asked with a query string: they print the search back.
async fn mark_echoing_input(request: Request, next: Next) -> Response {
    const LISTS: [&str; 5] = [
        app::paths::HOUSEHOLDS,
        app::paths::CASES,
        app::paths::REFERRALS,
        app::paths::ADMIN_USERS,
        app::paths::ADMIN_AUDIT,
    ];
    let echoes = request.uri().query().is_some_and(|query| !query.is_empty())
        && LISTS.contains(&request.uri().path());
    let mut response = next.run(request).await;
    if echoes {
        response.extensions_mut().insert(EchoesInput);
    }
    response
}

/// Compress unless the answer echoes its request's input.
#[derive(Clone, Copy)]
struct NotEchoingInput;

impl Predicate for NotEchoingInput {
    fn should_compress<B>(&self, response: &axum::http::Response<B>) -> bool
    where
        B: axum::body::HttpBody,
    {
        response.extensions().get::<EchoesInput>().is_none()
    }
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
    let user_agent = request
        .headers()
        .get(header::USER_AGENT)
        .and_then(|value| value.to_str().ok())
        .map(str::to_string);
    request.extensions_mut().insert(ClientInfo {
        address,
        user_agent,
    });
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
            // Not "signed out": the same request may pass in a moment.
            Err(error) => {
                tracing::warn!(%error, "session could not be checked");
                return busy(path);
            }
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
        return refusal(
            path,
            StatusCode::FORBIDDEN,
            ErrorKind::Forbidden,
            "password_change_required",
            "Ganti kata sandi Anda terlebih dahulu.",
            "Change your password first.",
        );
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
    path.starts_with("/pkg/")
        || path == "/healthz"
        || path == "/readyz"
        || path == "/favicon.ico"
        || path == "/sw.js"
}

/// Every page except the sign-in page requires a session (server functions and
/// downloads answer for themselves).
fn is_protected_page(path: &str) -> bool {
    !(path == app::paths::LOGIN
        || path == app::paths::VERIFY
        || path.starts_with("/api/")
        || downloads::is_download(path)
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
        refusal(
            request.uri().path(),
            StatusCode::FORBIDDEN,
            ErrorKind::Forbidden,
            "cross_site",
            "Permintaan dari situs lain ditolak.",
            "Cross-site request refused.",
        )
    }
}

/// Identity lookups and reveals from one client address at once (an office of
/// many desks behind one address), before the pace below applies.
const ADDRESS_LOOKUP_BURST: u32 = 120;
/// One more lookup from an address allowed every this often (120 a minute).
const ADDRESS_LOOKUP_PERIOD: std::time::Duration = std::time::Duration::from_millis(500);
/// The server functions that look up or reveal an identity number.
const LOOKUP_PATHS: [&str; 3] = [
    "/api/lookup_identity",
    "/api/reveal_nik",
    "/api/reveal_no_kk",
];

type AddressLimiter = Arc<governor::DefaultKeyedRateLimiter<String>>;

/// The per-address allowance of identity lookups and reveals (each user also has
/// one in the service, see `services::lookup_limit`): beyond it, 429 with `Retry-After`.
async fn lookup_guard(
    State(limiter): State<AddressLimiter>,
    request: Request,
    next: Next,
) -> Response {
    let posted_form = request.method() == Method::POST
        && request.uri().path() == app::paths::INTAKE
        && request
            .extensions()
            .get::<shared::contract::Actor>()
            .is_some();
    let mut request = request;
    if posted_form {
        // Only the lookup among the front desk's forms is a lookup; the body
        // is already read whole (and limited) by `read_whole_body`.
        let (parts, body) = request.into_parts();
        let bytes = axum::body::to_bytes(body, usize::MAX)
            .await
            .unwrap_or_default();
        let lookup = bytes
            .split(|b| *b == b'&')
            .any(|pair| pair == b"form=lookup");
        request = Request::from_parts(parts, axum::body::Body::from(bytes));
        if !lookup {
            return next.run(request).await;
        }
    } else if !LOOKUP_PATHS.contains(&request.uri().path()) {
        return next.run(request).await;
    }
    let path = request.uri().path().to_string();
    let address = request
        .extensions()
        .get::<ClientInfo>()
        .and_then(|client| client.address.clone())
        .unwrap_or_default();
    if limiter.len() > 100_000 {
        limiter.retain_recent();
    }
    let Err(not_until) = limiter.check_key(&address) else {
        return next.run(request).await;
    };
    tracing::warn!(%address, %path, "identity lookups from one address limited");
    retry_later(
        &path,
        StatusCode::TOO_MANY_REQUESTS,
        &shared::contract::ServiceError::LookupLimited {
            retry_after_seconds: crate::services::lookup_limit::seconds_until(&not_until),
        },
    )
}

/// Lets a request in when it is its turn (see [`Limits`]); probes and static
/// files never wait.
async fn admit(State(admission): State<Admission>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_string();
    // A spreadsheet upload takes its own turn (`uploads::SHEET_UPLOADS_AT_ONCE`):
    // lasting minutes on a weak signal, it must not hold a page's or a save's.
    let sheet_upload = request.method() == Method::POST && path == crate::uploads::SHEET_UPLOAD;
    if is_static(&path) || sheet_upload {
        return next.run(request).await;
    }
    let read_turn = if is_save(&request) {
        None
    } else {
        match admission.turn(&admission.reads, &path).await {
            Ok(turn) => Some(turn),
            Err(busy) => return busy,
        }
    };
    let turn = match admission.turn(&admission.running, &path).await {
        Ok(turn) => turn,
        Err(busy) => return busy,
    };
    let response = next.run(request).await;
    drop(turn);
    drop(read_turn);
    response
}

/// A place in the queue, counted in `waiting` until it is left: also when the
/// request is dropped while it waits (the client gave up), so the count never
/// drifts upward until everyone is answered "busy".
struct Waiting<'a> {
    count: &'a AtomicUsize,
    /// How many were waiting before this one.
    ahead: usize,
}

impl<'a> Waiting<'a> {
    fn join(count: &'a AtomicUsize) -> Self {
        let ahead = count.fetch_add(1, Ordering::SeqCst);
        Waiting { count, ahead }
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.count.fetch_sub(1, Ordering::SeqCst);
    }
}

/// How many reads may run at once of `in_flight` requests: three in four,
/// the rest kept for saves.
fn reads_in_flight(in_flight: usize) -> usize {
    (in_flight.max(1) * 3 / 4).max(1)
}

impl Admission {
    /// A permit of `permits`, at once or after waiting in the queue; "busy"
    /// when the queue is full or the wait too long.
    async fn turn(
        &self,
        permits: &Arc<Semaphore>,
        path: &str,
    ) -> Result<tokio::sync::OwnedSemaphorePermit, Response> {
        if let Ok(turn) = permits.clone().try_acquire_owned() {
            return Ok(turn);
        }
        let waiting = Waiting::join(&self.waiting);
        if waiting.ahead >= self.limits.queued {
            tracing::warn!(%path, "queue full: answering busy");
            return Err(busy(path));
        }
        let turn =
            tokio::time::timeout(self.limits.queue_wait, permits.clone().acquire_owned()).await;
        drop(waiting);
        match turn {
            Ok(Ok(turn)) => Ok(turn),
            _ => {
                tracing::warn!(%path, "waited too long for a turn: answering busy");
                Err(busy(path))
            }
        }
    }
}

/// "Busy, try again": 503 with `Retry-After` (sent again by the browser).
fn busy(path: &str) -> Response {
    retry_later(
        path,
        StatusCode::SERVICE_UNAVAILABLE,
        &shared::contract::ServiceError::Unavailable,
    )
}

/// A refusal that passes with time: `error` answered with `status` and its `Retry-After`.
fn retry_later(path: &str, status: StatusCode, error: &shared::contract::ServiceError) -> Response {
    let seconds = error.retry_after_seconds().unwrap_or(1);
    let mut response = refusal(
        path,
        status,
        ErrorKind::Refused,
        error.code(),
        &error.to_string(),
        &error.message_en(),
    );
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    response
}

/// A refusal decided before any handler ran: for a server-function call the
/// error the bundle reads (an [`AppError`], so that it is shown, not taken
/// for a lost connection), otherwise a short text in both languages.
fn refusal(
    path: &str,
    status: StatusCode,
    kind: ErrorKind,
    code: &str,
    message_id: &str,
    message_en: &str,
) -> Response {
    if path.starts_with("/api/") {
        let error = AppError {
            kind,
            code: code.to_string(),
            message_id: message_id.to_string(),
            message_en: message_en.to_string(),
            fields: Vec::new(),
        };
        let body = serde_json::to_string(&error).unwrap_or_default();
        (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
    } else {
        (
            status,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            format!("{message_id}\n{message_en}\n"),
        )
            .into_response()
    }
}

/// How long a request body may take to arrive (2 MB at 50 KB/s take 40 s).
const BODY_WAIT: std::time::Duration = std::time::Duration::from_secs(120);

/// Reads a request's whole body before it is handled, so that a body over the
/// limit (also one sent in chunks, without a length) is answered 413, one that
/// breaks off 400 and one that does not arrive in time 408, instead of failing
/// inside a handler.
async fn read_whole_body(request: Request, next: Next) -> Response {
    let path = request.uri().path().to_string();
    // A district's spreadsheet may be hundreds of megabytes: its handler
    // streams it to disk and enforces its own limit and pace.
    if request.method() == Method::POST && path == crate::uploads::SHEET_UPLOAD {
        return next.run(request).await;
    }
    // A meeting's signed minutes may be a phone photo of several megabytes.
    let limit = if crate::uploads::is_minutes_upload(&path) {
        crate::uploads::MINUTES_BODY_LIMIT
    } else if crate::uploads::is_photo_upload(&path) {
        crate::uploads::PHOTO_BODY_LIMIT
    } else if crate::uploads::is_document_upload(&path) {
        crate::uploads::DOCUMENT_BODY_LIMIT
    } else {
        BODY_LIMIT_BYTES
    };
    let megabytes = limit.div_ceil(1024 * 1024);
    let too_large = || {
        refusal(
            &path,
            StatusCode::PAYLOAD_TOO_LARGE,
            ErrorKind::Invalid,
            "too_large",
            &format!("Data yang dikirim terlalu besar (paling banyak {megabytes} MB)."),
            &format!("The request is too large ({megabytes} MB at most)."),
        )
    };
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<usize>().ok());
    if declared.is_some_and(|length| length > limit) {
        return too_large();
    }
    let (parts, body) = request.into_parts();
    match tokio::time::timeout(BODY_WAIT, axum::body::to_bytes(body, limit)).await {
        Ok(Ok(bytes)) => {
            next.run(Request::from_parts(parts, axum::body::Body::from(bytes)))
                .await
        }
        Ok(Err(error)) => {
            let over_limit = std::iter::successors(
                Some(&error as &(dyn std::error::Error + 'static)),
                |error| error.source(),
            )
            .any(|error| error.is::<http_body_util::LengthLimitError>());
            if over_limit {
                too_large()
            } else {
                refusal(
                    &path,
                    StatusCode::BAD_REQUEST,
                    ErrorKind::Invalid,
                    "malformed_request",
                    "Data yang dikirim tidak lengkap.",
                    "The request body could not be read.",
                )
            }
        }
        Err(_) => refusal(
            &path,
            StatusCode::REQUEST_TIMEOUT,
            ErrorKind::Transport,
            "request_timeout",
            "Data yang dikirim tidak sampai tepat waktu. Periksa jaringan Anda lalu coba lagi.",
            "The request did not arrive in time. Check your connection and try again.",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_save_is_a_server_function_taking_posts() {
        let served: Vec<(&str, Method)> = leptos::server_fn::axum::server_fn_paths().collect();
        for save in SAVES {
            assert!(
                served
                    .iter()
                    .any(|(path, method)| *path == save && *method == Method::POST),
                "{save} is not a server function taking POST"
            );
        }
    }

    #[test]
    fn saves_are_posts_to_save_functions_or_to_pages() {
        let request = |method: Method, path: &str| {
            Request::builder()
                .method(method)
                .uri(path)
                .body(axum::body::Body::empty())
                .map(|request| is_save(&request))
        };
        assert_eq!(request(Method::POST, "/api/open_case").ok(), Some(true));
        assert_eq!(request(Method::POST, app::paths::INTAKE).ok(), Some(true));
        assert_eq!(request(Method::POST, "/musdes/4/notulen").ok(), Some(true));
        // Posts to other pages (a cross-site form, a guess) are not saves.
        assert_eq!(request(Method::POST, "/kasus").ok(), Some(false));
        assert_eq!(request(Method::POST, "/login").ok(), Some(false));
        assert_eq!(request(Method::POST, "/api/case_list").ok(), Some(false));
        assert_eq!(
            request(Method::POST, "/api/lookup_identity").ok(),
            Some(false)
        );
        assert_eq!(request(Method::GET, app::paths::CASES).ok(), Some(false));
    }

    #[test]
    fn a_place_in_the_queue_is_given_back_when_dropped() {
        let count = AtomicUsize::new(0);
        {
            let first = Waiting::join(&count);
            let second = Waiting::join(&count);
            assert_eq!((first.ahead, second.ahead), (0, 1));
            assert_eq!(count.load(Ordering::SeqCst), 2);
        }
        assert_eq!(count.load(Ordering::SeqCst), 0);
    }

    #[tokio::test]
    async fn a_waiting_request_dropped_by_its_client_leaves_the_queue() {
        let admission = Admission {
            running: Arc::new(Semaphore::new(1)),
            reads: Arc::new(Semaphore::new(1)),
            waiting: Arc::new(AtomicUsize::new(0)),
            limits: Limits {
                in_flight: 1,
                queued: 1,
                queue_wait: std::time::Duration::from_secs(30),
            },
        };
        let held = admission.running.clone().try_acquire_owned();
        assert!(held.is_ok());
        // The client gives up after 10 ms: its wait is dropped.
        let gave_up = tokio::time::timeout(
            std::time::Duration::from_millis(10),
            admission.turn(&admission.running, "/api/case_list"),
        )
        .await;
        assert!(gave_up.is_err());
        assert_eq!(admission.waiting.load(Ordering::SeqCst), 0);
    }

    #[test]
    fn reads_leave_a_quarter_of_the_turns_to_saves() {
        assert_eq!(reads_in_flight(16), 12);
        assert_eq!(reads_in_flight(4), 3);
        assert_eq!(reads_in_flight(1), 1);
        assert_eq!(reads_in_flight(0), 1);
    }
}
