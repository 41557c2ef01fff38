//! The home page of a signed-in user: who they are, their area, and figures
//! for that area read from the database.

use leptos::either::Either;
use leptos::prelude::*;
use shared::dto::{CurrentUser, HomeSummary};

use crate::api::{AppError, get_home_summary};
use crate::components::page::SignedInPage;
use crate::format::number_id;
use crate::i18n::{label, texts};

/// Home page; sends visitors without a session to the sign-in page.
#[component]
pub fn HomePage() -> impl IntoView {
    view! {
        <SignedInPage title=texts().home_title content=|user| view! { <HomeContent user /> } />
    }
}

#[component]
fn HomeContent(user: CurrentUser) -> impl IntoView {
    let texts = texts();
    let summary = Resource::new(|| (), |_| get_home_summary());
    let area = if user.area_code.is_empty() {
        texts.whole_nation.to_string()
    } else {
        format!("{} ({})", user.area_name, user.area_code)
    };
    view! {
            <h1 class="text-2xl font-semibold" data-testid="welcome">
                {format!("{}, {}", texts.welcome, user.full_name)}
            </h1>
            <dl class="mt-2 grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm text-slate-700">
                <dt class="font-medium">{texts.role}</dt>
                <dd data-testid="user-role">{label(user.role)}</dd>
                <dt class="font-medium">{texts.area}</dt>
                <dd data-testid="user-area">{area}</dd>
            </dl>
            {user.role.may(shared::access::Action::ViewAggregates).then(|| view! {
                <p class="mt-4">
                    <a href=crate::paths::DASHBOARD class=crate::components::page::BUTTON data-testid="home-dashboard">
                        {crate::i18n::tr("Buka dasbor wilayah", "Open the area dashboard")}
                    </a>
                </p>
            })}
            <section class="mt-6 grid gap-4 sm:grid-cols-2">
                <Suspense fallback=|| view! { <SummaryCards summary=None /> }>
                    {move || Suspend::new(async move {
                        match summary.await {
                            Ok(summary) => Either::Left(view! { <SummaryCards summary=Some(summary) /> }),
                            Err(error) => Either::Right(view! { <ErrorNotice error /> }),
                        }
                    })}
                </Suspense>
            </section>
    }
}

/// Two figure cards; with `None` they keep their size and show a placeholder,
/// so nothing jumps when the numbers arrive.
#[component]
fn SummaryCards(summary: Option<HomeSummary>) -> impl IntoView {
    let texts = texts();
    let figure = |value: Option<u64>| value.map(number_id).unwrap_or_else(|| "–".to_string());
    view! {
        <StatCard
            label=texts.villages_in_area
            value=figure(summary.as_ref().map(|s| s.village_count))
            test_id="village-count"
        />
        <StatCard
            label=texts.subdistricts_in_area
            value=figure(summary.as_ref().map(|s| s.subdistrict_count))
            test_id="subdistrict-count"
        />
    }
}

#[component]
fn StatCard(label: &'static str, value: String, test_id: &'static str) -> impl IntoView {
    view! {
        <div class="rounded-xl border border-slate-200 bg-white p-4 shadow-sm">
            <p class="text-sm text-slate-600">{label}</p>
            <p class="mt-1 text-3xl font-semibold tabular-nums" data-testid=test_id>
                {value}
            </p>
        </div>
    }
}

#[component]
fn ErrorNotice(error: AppError) -> impl IntoView {
    view! {
        <p role="alert" class="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
            {error.message()}
        </p>
    }
}
