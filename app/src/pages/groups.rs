//! The pages in the groups the browser loads on demand.
//!
//! The browser bundle is split by `cargo xtask build`: the application shell
//! (router, menu, shared components) is the main module, and each group below
//! is a module of its own, fetched the first time one of its pages is shown
//! (code several groups share lands in modules those groups load together).
//! A front-desk worker on a phone thus never downloads the dashboards or the
//! administration pages. The server renders every page as usual and names the
//! page's modules in the document's head, so the browser fetches them beside
//! the main module before it hydrates.
//!
//! Groups follow who uses them and how much code they carry: each group's
//! first page must stay under the bundle budget (400 KB gzipped, main module
//! included), which is why the front desk and the household files, the two
//! largest pages, are groups of their own. `cargo xtask build` prints what the
//! first page of each group downloads.

use leptos::prelude::*;
use leptos_router::{Lazy, LazyRoute};

use crate::i18n::tr;
use crate::pages::account::{AccountPage, ChangePasswordPage};
use crate::pages::admin::{
    audit::AuditPage,
    catalogue::{InstitutionsPage, ProgrammesPage},
    users::{NewUserPage, UserPage, UsersPage},
};
use crate::pages::batches::{BatchListPage, BatchPage};
use crate::pages::cases::{CaseDetailPage, CaseListPage};
use crate::pages::dashboard::{ComparisonPage, DashboardPage, DashboardPrintPage};
use crate::pages::duplicates::{DuplicateListPage, MergePage};
use crate::pages::editing::{HouseholdEditPage, MemberEditPage};
use crate::pages::households::{HouseholdListPage, HouseholdPage};
use crate::pages::imports::{ImportListPage, ImportPage};
use crate::pages::intake::IntakePage;
use crate::pages::life_events::LifeEventPage;
use crate::pages::meetings::{MeetingAgendaPage, MeetingListPage, MeetingPage, NewMeetingPage};
use crate::pages::not_found::NotFoundPage;
use crate::pages::proposals::{ProposalListPage, ProposalPage};
use crate::pages::referrals::{ReferralInboxPage, ReferralLetterPage, VerifyReferralPage};
use crate::pages::visits::VisitPage;
use crate::pages::{home::HomePage, login::LoginPage};

/// The route view of a page loaded with its group.
pub fn lazy<R: LazyRoute>() -> Lazy<R> {
    Lazy::new()
}

/// A group's module did not arrive (network gone, server restarted with a new build).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GroupLoadFailed;

#[cfg(feature = "hydrate")]
impl From<leptos::wasm_split::SplitLoaderError> for GroupLoadFailed {
    fn from(_: leptos::wasm_split::SplitLoaderError) -> Self {
        GroupLoadFailed
    }
}

/// Shown in place of a page whose code could not be fetched: a plain link
/// reloads the page from the server, which renders it whole.
#[component]
fn GroupLoadFailedNotice() -> impl IntoView {
    view! {
        <main class="mx-auto max-w-md px-4 py-16 text-center" role="alert">
            <h1 class="text-xl font-semibold">
                {tr("Halaman gagal dimuat", "The page could not be loaded")}
            </h1>
            <p class="mt-2 text-slate-600">
                {tr(
                    "Periksa koneksi internet Anda, lalu muat ulang halaman.",
                    "Check your internet connection, then reload the page.",
                )}
            </p>
            <a href="" rel="external" class="mt-6 inline-block text-teal-700 underline">
                {tr("Muat ulang", "Reload")}
            </a>
        </main>
    }
}

/// Marks the document once the page's own code has taken over (its group's
/// module loaded and the page hydrated), so that tests (and curious
/// developers) can tell a live page from plain HTML.
#[component]
pub fn HydratedMark() -> impl IntoView {
    Effect::new(move |_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
}

/// Declares the groups: for each, a split function (a module of its own in the
/// browser) rendering its pages, and one route type per page.
macro_rules! page_groups {
    ($(
        $(#[$doc:meta])*
        $group:ident / $preload:ident { $($route:ident => $page:ident),+ $(,)? }
    )+) => {
        /// Every page loaded on demand, as the argument of its group's function.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        #[repr(u8)]
        pub enum Page {
            $($(
                #[doc = concat!("`", stringify!($page), "`")]
                $route,
            )+)+
        }

        $(
            $(#[$doc])*
            #[cfg_attr(feature = "hydrate", leptos::wasm_split::wasm_split(
                $group,
                wasm_split_path = ::leptos::wasm_split,
                preload($preload),
                fallible
            ))]
            #[allow(improper_ctypes_definitions)]
            fn $group(page: Page) -> Result<AnyView, GroupLoadFailed> {
                Ok(match page {
                    $(Page::$route => view! { <$page /> }.into_any(),)+
                    #[allow(unreachable_patterns)]
                    _ => view! { <NotFoundPage /> }.into_any(),
                })
            }

            $(
                #[doc = concat!("Route of `", stringify!($page), "`, loaded with `", stringify!($group), "`.")]
                #[derive(Debug)]
                pub struct $route;

                impl LazyRoute for $route {
                    fn data() -> Self {
                        $route
                    }

                    async fn view(_this: Self) -> AnyView {
                        #[cfg(feature = "hydrate")]
                        let page = $group(Page::$route).await;
                        #[cfg(not(feature = "hydrate"))]
                        let page = {
                            // Names the group's modules in the document's head.
                            leptos::prefetch_lazy_fn_on_server(stringify!($group));
                            $group(Page::$route)
                        };
                        match page {
                            Ok(page) => view! { {page} <HydratedMark /> }.into_any(),
                            Err(_) => view! { <GroupLoadFailedNotice /> }.into_any(),
                        }
                    }

                    async fn preload() {
                        #[cfg(feature = "hydrate")]
                        let _ = $preload().await;
                    }
                }
            )+
        )+
    };
}

page_groups! {
    /// What everyone opens: sign-in, home, one's account.
    start / preload_start {
        Home => HomePage,
        Login => LoginPage,
        Account => AccountPage,
        ChangePassword => ChangePasswordPage,
    }
    /// The front desk: look a resident up, register a household.
    intake / preload_intake {
        Intake => IntakePage,
    }
    /// Household lists and files (members, new cases, registry proposals).
    households / preload_households {
        HouseholdList => HouseholdListPage,
        Household => HouseholdPage,
        LifeEvent => LifeEventPage,
        HouseholdEdit => HouseholdEditPage,
        MemberEdit => MemberEditPage,
        DuplicateList => DuplicateListPage,
        Merge => MergePage,
        ProposalList => ProposalListPage,
        Proposal => ProposalPage,
        MeetingList => MeetingListPage,
        NewMeeting => NewMeetingPage,
        Meeting => MeetingPage,
        MeetingAgenda => MeetingAgendaPage,
        Visit => VisitPage,
        BatchList => BatchListPage,
        Batch => BatchPage,
    }
    /// Case lists and case files (follow-up, decisions, referrals).
    cases / preload_cases {
        CaseList => CaseListPage,
        CaseDetail => CaseDetailPage,
    }
    /// The receiving institutions' desk: referral inbox, letters, verification.
    referrals / preload_referrals {
        ReferralInbox => ReferralInboxPage,
        ReferralLetter => ReferralLetterPage,
        VerifyReferral => VerifyReferralPage,
    }
    /// Dashboards and comparisons (heads, planners, monitors).
    dashboards / preload_dashboards {
        Dashboard => DashboardPage,
        Comparison => ComparisonPage,
        DashboardPrint => DashboardPrintPage,
    }
    /// Administration: users, catalogue, audit log, the district's spreadsheet imports.
    admin / preload_admin {
        Users => UsersPage,
        NewUser => NewUserPage,
        User => UserPage,
        Institutions => InstitutionsPage,
        Programmes => ProgrammesPage,
        Audit => AuditPage,
        ImportList => ImportListPage,
        Import => ImportPage,
    }
}
