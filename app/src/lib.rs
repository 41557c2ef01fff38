#![recursion_limit = "256"]
//! SLRT Portal user interface: the Leptos application rendered on the server
//! and hydrated in the browser. Pages call the service contract only through
//! the thin server functions in [`api`].

pub mod api;
pub mod components;
pub mod format;
pub mod i18n;
pub mod pages;
pub mod paths;
pub mod posted;

use leptos::prelude::*;
use leptos_meta::{MetaTags, Title, provide_meta_context};
use leptos_router::{
    SsrMode,
    components::{Route, Router, Routes},
    path,
};

use crate::pages::groups::{self, lazy};
use crate::pages::not_found::NotFoundPage;

/// The HTML document around the application, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    set_content_security_policy();
    let lang = i18n::detect();
    let stylesheet = format!("/{}/slrt.css", options.site_pkg_dir);
    let nonce = leptos::nonce::use_nonce();
    view! {
        <!DOCTYPE html>
        <html lang=lang.code()>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="theme-color" content="#0f766e" />
                // No icon file to fetch on slow links.
                <link rel="icon" href="data:," />
                <link rel="stylesheet" id="leptos" href=stylesheet />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <script type="module" nonce=nonce>{SERVICE_WORKER}</script>
                <MetaTags />
            </head>
            <body class="min-h-screen bg-slate-50 text-slate-900 antialiased">
                <App />
            </body>
        </html>
    }
}

/// Registers the service worker that keeps the browser bundle (`/sw.js`,
/// served by the server for the current build) once the page has hydrated,
/// and tells it which bundle files this page fetched (they are in the HTTP
/// cache, so keeping them downloads nothing). Not earlier: a worker taking
/// over while the page still loads its modules would fetch them a second
/// time on a weak link. Browsers without service workers (or off https) go
/// on without it.
const SERVICE_WORKER: &str = "if ('serviceWorker' in navigator) new MutationObserver((_, seen) => { \
    if (document.body?.dataset.hydrated !== 'true') return; seen.disconnect(); \
    navigator.serviceWorker.register('/sw.js').then(() => navigator.serviceWorker.ready)\
    .then((r) => r.active && r.active.postMessage(performance.getEntriesByType('resource')\
    .map((e) => e.name).filter((n) => n.includes('/pkg/')))).catch(() => {}); })\
    .observe(document.documentElement, { attributes: true, subtree: true, attributeFilter: ['data-hydrated'] });";

/// Sends the page's Content-Security-Policy: scripts only from this site and
/// only with this response's nonce (Leptos adds it to its hydration script).
#[cfg(feature = "ssr")]
fn set_content_security_policy() {
    let (Some(nonce), Some(response)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) else {
        return;
    };
    // `cargo xtask dev` (and only it) sets LEPTOS_WATCH: pages then open a
    // websocket to its reload port to learn of a rebuild.
    let connect = if std::env::var_os("LEPTOS_WATCH").is_some() {
        "'self' ws:"
    } else {
        "'self'"
    };
    let policy = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src {connect}; font-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    );
    if let Ok(value) = http::HeaderValue::from_str(&policy) {
        response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}

/// The application: routes and the elements every page shares.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_context(i18n::detect());
    let texts = i18n::texts();

    view! {
        <Title formatter=move |page: String| {
            if page.is_empty() {
                texts.app_name.to_string()
            } else {
                format!("{page} · {}", texts.app_name)
            }
        } />
        <Router>
            // Async rendering: each page arrives as one complete HTML document, so it
            // reads right even when the WebAssembly bundle never loads (no streamed
            // fragments that need a script to slot in). Each page's code is loaded
            // with its group (see `pages::groups`).
            <Routes fallback=NotFoundPage>
                <Route path=path!("/") view={lazy::<groups::Home>()} ssr=SsrMode::Async />
                <Route path=path!("/login") view={lazy::<groups::Login>()} ssr=SsrMode::Async />
                <Route path=path!("/akun") view={lazy::<groups::Account>()} ssr=SsrMode::Async />
                <Route path=path!("/akun/kata-sandi") view={lazy::<groups::ChangePassword>()} ssr=SsrMode::Async />
                <Route path=path!("/layanan") view={lazy::<groups::Intake>()} ssr=SsrMode::Async />
                <Route path=path!("/keluarga") view={lazy::<groups::HouseholdList>()} ssr=SsrMode::Async />
                <Route path=path!("/keluarga/:id") view={lazy::<groups::Household>()} ssr=SsrMode::Async />
                <Route path=path!("/keluarga/:id/peristiwa") view={lazy::<groups::LifeEvent>()} ssr=SsrMode::Async />
                <Route path=path!("/keluarga/:id/ubah") view={lazy::<groups::HouseholdEdit>()} ssr=SsrMode::Async />
                <Route path=path!("/keluarga/:id/anggota/:member") view={lazy::<groups::MemberEdit>()} ssr=SsrMode::Async />
                <Route path=path!("/ganda") view={lazy::<groups::DuplicateList>()} ssr=SsrMode::Async />
                <Route path=path!("/ganda/:survivor/:merged") view={lazy::<groups::Merge>()} ssr=SsrMode::Async />
                <Route path=path!("/kasus") view={lazy::<groups::CaseList>()} ssr=SsrMode::Async />
                <Route path=path!("/kasus/:id") view={lazy::<groups::CaseDetail>()} ssr=SsrMode::Async />
                <Route path=path!("/rujukan") view={lazy::<groups::ReferralInbox>()} ssr=SsrMode::Async />
                <Route path=path!("/usulan") view={lazy::<groups::ProposalList>()} ssr=SsrMode::Async />
                <Route path=path!("/usulan/berkas") view={lazy::<groups::BatchList>()} ssr=SsrMode::Async />
                <Route path=path!("/usulan/berkas/:id") view={lazy::<groups::Batch>()} ssr=SsrMode::Async />
                <Route path=path!("/usulan/:id") view={lazy::<groups::Proposal>()} ssr=SsrMode::Async />
                <Route path=path!("/usulan/:id/verivali") view={lazy::<groups::Visit>()} ssr=SsrMode::Async />
                <Route path=path!("/musdes") view={lazy::<groups::MeetingList>()} ssr=SsrMode::Async />
                <Route path=path!("/musdes/baru") view={lazy::<groups::NewMeeting>()} ssr=SsrMode::Async />
                <Route path=path!("/musdes/:id") view={lazy::<groups::Meeting>()} ssr=SsrMode::Async />
                <Route path=path!("/musdes/:id/agenda") view={lazy::<groups::MeetingAgenda>()} ssr=SsrMode::Async />
                <Route path=path!("/dasbor") view={lazy::<groups::Dashboard>()} ssr=SsrMode::Async />
                <Route path=path!("/dasbor/perbandingan") view={lazy::<groups::Comparison>()} ssr=SsrMode::Async />
                <Route path=path!("/dasbor/ringkasan") view={lazy::<groups::DashboardPrint>()} ssr=SsrMode::Async />
                <Route path=path!("/rujukan/:id/surat") view={lazy::<groups::ReferralLetter>()} ssr=SsrMode::Async />
                <Route path=path!("/verifikasi") view={lazy::<groups::VerifyReferral>()} ssr=SsrMode::Async />
                <Route path=path!("/admin/pengguna") view={lazy::<groups::Users>()} ssr=SsrMode::Async />
                <Route path=path!("/admin/pengguna/baru") view={lazy::<groups::NewUser>()} ssr=SsrMode::Async />
                <Route path=path!("/admin/pengguna/:id") view={lazy::<groups::User>()} ssr=SsrMode::Async />
                <Route path=path!("/admin/lembaga") view={lazy::<groups::Institutions>()} ssr=SsrMode::Async />
                <Route path=path!("/admin/program") view={lazy::<groups::Programmes>()} ssr=SsrMode::Async />
                <Route path=path!("/admin/audit") view={lazy::<groups::Audit>()} ssr=SsrMode::Async />
                <Route path=path!("/impor") view={lazy::<groups::ImportList>()} ssr=SsrMode::Async />
                <Route path=path!("/impor/:id") view={lazy::<groups::Import>()} ssr=SsrMode::Async />
            </Routes>
        </Router>
    }
}

/// Entry point of the browser bundle: hydrates the server-rendered page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_lazy(App);
}
