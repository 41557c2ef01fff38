//! The frame of a signed-in page: top bar with the portal name, the user's role
//! and current area (with a link to switch areas), the menu and sign-out.

use leptos::prelude::*;
use shared::access::Action;
use shared::dto::CurrentUser;

use crate::api::Logout;
use crate::i18n::{label, texts, tr};
use crate::paths;

/// Top bar, menu and page body for signed-in users.
#[component]
pub fn SignedInLayout(user: CurrentUser, children: Children) -> impl IntoView {
    let texts = texts();
    let logout = ServerAction::<Logout>::new();
    let area = if user.area_code.is_empty() {
        texts.whole_nation.to_string()
    } else {
        user.area_name.clone()
    };
    let mut links: Vec<(&'static str, &'static str, &'static str)> =
        vec![(paths::HOME, tr("Beranda", "Home"), "nav-home")];
    if user.role.may(Action::RegisterHousehold) {
        links.push((paths::INTAKE, tr("Layanan baru", "New visit"), "nav-intake"));
    }
    if user.role.may(Action::ViewPersonalData) {
        links.push((paths::CASES, tr("Kasus", "Cases"), "nav-cases"));
        links.push((
            paths::HOUSEHOLDS,
            tr("Keluarga", "Households"),
            "nav-households",
        ));
    }
    if user.role.may(Action::ChangeProposal) {
        links.push((paths::PROPOSALS, tr("Usulan", "Proposals"), "nav-proposals"));
    }
    if user.role.may(Action::ViewReferral) {
        links.push((
            paths::REFERRALS,
            tr("Rujukan", "Referrals"),
            "nav-referrals",
        ));
    }
    if user.role.may(Action::ViewAggregates) {
        links.push((paths::DASHBOARD, tr("Dasbor", "Dashboard"), "nav-dashboard"));
    }
    if user.role.may(Action::ManageUsers) {
        links.push((paths::ADMIN_USERS, tr("Pengguna", "Users"), "nav-users"));
        links.push((
            paths::ADMIN_INSTITUTIONS,
            tr("Lembaga", "Institutions"),
            "nav-institutions",
        ));
        links.push((
            paths::ADMIN_PROGRAMMES,
            tr("Program", "Programmes"),
            "nav-programmes",
        ));
    }
    if user.role.may(Action::ImportSpreadsheet) {
        links.push((paths::IMPORTS, tr("Impor", "Import"), "nav-imports"));
    }
    if user.role.may(Action::ViewAuditLog) {
        links.push((
            paths::ADMIN_AUDIT,
            tr("Log audit", "Audit log"),
            "nav-audit",
        ));
    }
    links.push((paths::ACCOUNT, tr("Akun", "Account"), "nav-account"));
    view! {
        <header class="bg-teal-700 text-white print:hidden">
            <div class="mx-auto flex max-w-5xl flex-wrap items-center justify-between gap-2 px-4 py-3">
                <a href=paths::HOME class="min-w-0">
                    <span class="block text-lg font-semibold leading-tight">{texts.app_name}</span>
                    <span class="block truncate text-xs text-teal-100">{texts.app_tagline}</span>
                </a>
                <div class="flex items-center gap-3">
                    <LanguageSwitch />
                    <a
                        href=paths::ACCOUNT
                        class="min-w-0 text-right text-xs leading-tight hover:underline"
                        title=tr("Ganti wilayah tugas", "Switch assigned area")
                        data-testid="current-area"
                    >
                        <span class="block font-medium">{label(user.role)}</span>
                        <span class="block max-w-40 truncate text-teal-100">{area}</span>
                    </a>
                    <ActionForm action=logout>
                        <button
                            type="submit"
                            class="rounded-md bg-teal-900 px-3 py-2 text-sm font-medium hover:bg-teal-950 focus:outline-none focus-visible:ring-2 focus-visible:ring-white"
                        >
                            {texts.sign_out}
                        </button>
                    </ActionForm>
                </div>
            </div>
            <nav class="bg-teal-800" aria-label=tr("Menu utama", "Main menu")>
                // Wraps onto a second line on a phone: every entry stays in sight
                // (a row that scrolls sideways hid Rujukan, Dasbor and Akun at 360 px).
                <ul class="mx-auto flex max-w-5xl flex-wrap gap-x-1 px-2 text-sm">
                    {links
                        .into_iter()
                        .map(|(href, label, test_id)| {
                            view! {
                                <li>
                                    <a href=href data-testid=test_id class="block whitespace-nowrap px-3 py-2 hover:bg-white/10">
                                        {label}
                                    </a>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </nav>
        </header>
        <main class="mx-auto max-w-5xl px-4 py-6">
            <span class="sr-only" data-testid="header-user">{user.full_name.clone()}</span>
            {children()}
        </main>
    }
}

/// Switches the interface language: a plain form (works before and without
/// WebAssembly); the server remembers the choice in a cookie and sends the
/// browser back to the same page.
#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let (code, name) = match crate::i18n::lang() {
        crate::i18n::Lang::Id => ("en", "English"),
        crate::i18n::Lang::En => ("id", "Bahasa Indonesia"),
    };
    view! {
        <form method="post" action="/api/set_language" class="inline">
            <input type="hidden" name="lang" value=code />
            <button type="submit" lang=code class="rounded-md px-2 py-1 text-xs underline hover:bg-white/10" data-testid="language-switch">
                {name}
            </button>
        </form>
    }
}
