//! The frame of every signed-in page (loads the user, sends strangers to the
//! sign-in page) and the panels that show a refusal, an error or a form's errors.

use std::sync::Arc;

use leptos::either::EitherOf3;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use shared::dto::CurrentUser;

use crate::api::{AppError, get_current_user};
use crate::components::layout::SignedInLayout;
use crate::i18n::{texts, tr};

/// A signed-in page titled `title`, whose body `content` builds from the user.
/// A user who must choose a new password is sent to do that first, except on
/// the page where it is done (`password_change`).
#[component]
pub fn SignedInPage<F, V>(
    title: &'static str,
    content: F,
    #[prop(optional)] password_change: bool,
    /// The page exists for this action (administration): other roles get 403.
    #[prop(optional)]
    needs: Option<shared::access::Action>,
) -> impl IntoView
where
    F: Fn(CurrentUser) -> V + Send + Sync + 'static,
    V: IntoView + 'static,
{
    // Everything below is one function for all pages (not one copy per page's
    // closure type): the browser bundle carries it once.
    signed_in_page(
        title,
        Arc::new(move |user| content(user).into_any()),
        password_change,
        needs,
    )
}

/// The body of [`SignedInPage`], independent of the page.
fn signed_in_page(
    title: &'static str,
    content: Arc<dyn Fn(CurrentUser) -> AnyView + Send + Sync>,
    password_change: bool,
    needs: Option<shared::access::Action>,
) -> AnyView {
    let user = Resource::new_blocking(|| (), |_| get_current_user());
    let access = Resource::new_blocking(
        move || needs,
        |needs| async move {
            match needs {
                Some(action) => crate::api::page_access(action).await,
                None => Ok(()),
            }
        },
    );
    view! {
        <Title text=title />
        <Suspense fallback=|| view! { <p class="p-4 text-slate-600">{texts().loading}</p> }>
            // One future, not a closure: Suspense walks a closure child once to
            // find its resources, again to double-check and a third time to
            // render, and every walk would build the page's body anew, each
            // time with its own resources (three reads of the same list per
            // server render). The user and the right are loaded once per
            // page, so nothing here needs to run again.
            {Suspend::new(async move {
                    match user.await {
                        Ok(user) if user.must_change_password && !password_change => {
                            EitherOf3::A(view! { <Redirect path=crate::paths::CHANGE_PASSWORD /> })
                        }
                        Ok(user) => {
                            let body = match access.await {
                                Ok(()) => content(user.clone()),
                                Err(error) => view! { <ErrorPanel error /> }.into_any(),
                            };
                            EitherOf3::B(view! { <SignedInLayout user>{body}</SignedInLayout> })
                        }
                        Err(error) if error.needs_login() => {
                            EitherOf3::A(view! { <Redirect path=crate::paths::LOGIN /> })
                        }
                        Err(error) => EitherOf3::C(view! { <ErrorPanel error /> }),
                    }
            })}
        </Suspense>
    }
    .into_any()
}

/// Shows why something cannot be shown: a refusal (HTTP 403), a missing record
/// (404) or another error, in the user's language, with a way back.
#[component]
pub fn ErrorPanel(error: AppError) -> impl IntoView {
    let (status_code, heading) = if error.is_forbidden() {
        (403, tr("Akses ditolak", "Access refused"))
    } else if error.is_not_found() {
        (404, tr("Data tidak ditemukan", "Not found"))
    } else {
        (0, tr("Terjadi kesalahan", "Something went wrong"))
    };
    #[cfg(feature = "ssr")]
    if status_code > 0
        && let (Some(response), Ok(status)) = (
            use_context::<leptos_axum::ResponseOptions>(),
            http::StatusCode::from_u16(status_code),
        )
    {
        response.set_status(status);
    }
    let explanation = if error.is_forbidden() {
        tr(
            "Data ini berada di luar wilayah atau wewenang tugas Anda. Percobaan akses ini dicatat dalam log audit.",
            "This data lies outside your assigned area or role. This attempt has been recorded in the audit log.",
        )
    } else {
        ""
    };
    view! {
        <section
            role="alert"
            data-testid=if status_code == 403 { "access-refused" } else { "error-panel" }
            class="rounded-xl border border-red-200 bg-red-50 p-5 text-red-900"
        >
            <h1 class="text-lg font-semibold">{heading}</h1>
            <p class="mt-1">{error.message()}</p>
            <Show when=move || !explanation.is_empty()>
                <p class="mt-1 text-sm">{explanation}</p>
            </Show>
            <a href=crate::paths::HOME class="mt-3 inline-block text-sm font-medium underline">
                {texts().back_home}
            </a>
        </section>
    }
}

/// The outcome of a form's last submission: the error (with each field's problem)
/// or a success note. Takes the action's value through [`outcome`].
#[component]
pub fn FormResult(
    result: Signal<Option<Result<(), AppError>>>,
    success: &'static str,
) -> impl IntoView {
    move || match result.get() {
        None => EitherOf3::A(()),
        Some(Ok(())) => EitherOf3::B(view! {
            <p role="status" data-testid="form-success" class="rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-800">
                {success}
            </p>
        }),
        Some(Err(error)) => {
            let fields = error.field_messages();
            let summary = if fields.is_empty() {
                error.message()
            } else {
                tr("Data belum benar:", "Some data is not right:").to_string()
            };
            EitherOf3::C(view! {
                <div role="alert" data-testid="form-error" class="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
                    <p>{summary}</p>
                    <ul class="list-disc pl-5">
                        {fields
                            .into_iter()
                            .map(|(field, message)| view! { <li data-field=field>{message}</li> })
                            .collect_view()}
                    </ul>
                </div>
            })
        }
    }
}

/// A form action's last outcome without its value, for [`FormResult`].
pub fn outcome<T: Send + Sync + 'static>(
    value: MappedSignal<Option<Result<T, AppError>>>,
) -> Signal<Option<Result<(), AppError>>> {
    Signal::derive(move || {
        value.with(|last| {
            last.as_ref()
                .map(|result| result.as_ref().map(|_| ()).map_err(Clone::clone))
        })
    })
}

/// Class of text inputs.
pub const INPUT: &str = "block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-base shadow-sm focus:border-teal-600 focus:outline-none focus:ring-2 focus:ring-teal-600/30";
/// Class of labels.
pub const LABEL: &str = "mb-1 block text-sm font-medium";
/// Class of primary buttons.
pub const BUTTON: &str = "rounded-md bg-teal-700 px-4 py-2 font-semibold text-white hover:bg-teal-800 focus:outline-none focus-visible:ring-2 focus-visible:ring-teal-600 focus-visible:ring-offset-2 disabled:opacity-60";
/// Class of secondary buttons.
pub const BUTTON_QUIET: &str = "rounded-md border border-slate-300 bg-white px-3 py-2 text-sm font-medium text-slate-800 hover:bg-slate-100";
/// Class of tables.
pub const TABLE: &str = "min-w-full divide-y divide-slate-200 text-sm";
/// Class of table header cells.
pub const TH: &str = "px-3 py-2 text-left font-semibold text-slate-700";
/// Class of table cells.
pub const TD: &str = "px-3 py-2 align-top";

/// Page title heading.
#[component]
pub fn PageHeading(text: &'static str) -> impl IntoView {
    view! { <h1 class="mb-4 text-2xl font-semibold">{text}</h1> }
}

/// The record id in the page's address (`/kasus/:id`), read as the route
/// changes; 0 when it is missing or not a number (the record is then not found).
pub fn route_id() -> impl Fn() -> i64 + Copy + Send + Sync + 'static {
    let params = leptos_router::hooks::use_params_map();
    move || {
        params
            .read()
            .get("id")
            .and_then(|id| id.parse::<i64>().ok())
            .unwrap_or(0)
    }
}
