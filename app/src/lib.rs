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

use leptos::prelude::*;
use leptos_meta::{MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::{
    SsrMode,
    components::{Route, Router, Routes},
    path,
};

use crate::pages::account::{AccountPage, ChangePasswordPage};
use crate::pages::admin::{
    audit::AuditPage,
    catalogue::{InstitutionsPage, ProgrammesPage},
    users::{NewUserPage, UserPage, UsersPage},
};
use crate::pages::cases::{CaseDetailPage, CaseListPage};
use crate::pages::dashboard::{ComparisonPage, DashboardPage, DashboardPrintPage};
use crate::pages::households::{HouseholdListPage, HouseholdPage};
use crate::pages::intake::IntakePage;
use crate::pages::referrals::{ReferralInboxPage, ReferralLetterPage, VerifyReferralPage};
use crate::pages::{home::HomePage, login::LoginPage, not_found::NotFoundPage};

/// The HTML document around the application, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    set_content_security_policy();
    let lang = i18n::detect();
    view! {
        <!DOCTYPE html>
        <html lang=lang.code()>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="theme-color" content="#0f766e" />
                // No icon file to fetch on slow links.
                <link rel="icon" href="data:," />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body class="min-h-screen bg-slate-50 text-slate-900 antialiased">
                <App />
            </body>
        </html>
    }
}

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
    let policy = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; \
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

    // Marks the document once the WebAssembly bundle has taken over, so that
    // tests (and curious developers) can tell a hydrated page from plain HTML.
    Effect::new(move |_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });

    view! {
        <Stylesheet id="leptos" href="/pkg/slrt.css" />
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
            // fragments that need a script to slot in).
            <Routes fallback=NotFoundPage>
                <Route path=path!("/") view=HomePage ssr=SsrMode::Async />
                <Route path=path!("/login") view=LoginPage ssr=SsrMode::Async />
                <Route path=path!("/akun") view=AccountPage ssr=SsrMode::Async />
                <Route path=path!("/akun/kata-sandi") view=ChangePasswordPage ssr=SsrMode::Async />
                <Route path=path!("/layanan") view=IntakePage ssr=SsrMode::Async />
                <Route path=path!("/keluarga") view=HouseholdListPage ssr=SsrMode::Async />
                <Route path=path!("/keluarga/:id") view=HouseholdPage ssr=SsrMode::Async />
                <Route path=path!("/kasus") view=CaseListPage ssr=SsrMode::Async />
                <Route path=path!("/kasus/:id") view=CaseDetailPage ssr=SsrMode::Async />
                <Route path=path!("/rujukan") view=ReferralInboxPage ssr=SsrMode::Async />
                <Route path=path!("/dasbor") view=DashboardPage ssr=SsrMode::Async />
                <Route path=path!("/dasbor/perbandingan") view=ComparisonPage ssr=SsrMode::Async />
                <Route path=path!("/dasbor/ringkasan") view=DashboardPrintPage ssr=SsrMode::Async />
                <Route path=path!("/rujukan/:id/surat") view=ReferralLetterPage ssr=SsrMode::Async />
                <Route path=path!("/verifikasi") view=VerifyReferralPage ssr=SsrMode::Async />
                <Route path=path!("/admin/pengguna") view=UsersPage ssr=SsrMode::Async />
                <Route path=path!("/admin/pengguna/baru") view=NewUserPage ssr=SsrMode::Async />
                <Route path=path!("/admin/pengguna/:id") view=UserPage ssr=SsrMode::Async />
                <Route path=path!("/admin/lembaga") view=InstitutionsPage ssr=SsrMode::Async />
                <Route path=path!("/admin/program") view=ProgrammesPage ssr=SsrMode::Async />
                <Route path=path!("/admin/audit") view=AuditPage ssr=SsrMode::Async />
            </Routes>
        </Router>
    }
}

/// Entry point of the browser bundle: hydrates the server-rendered page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(App);
}
