//! The user's own account: the roles and areas they hold (switching between
//! them) and changing their password.

use leptos::either::Either;
use leptos::prelude::*;
use shared::account::{AssignmentView, PASSWORD_MAX_CHARS, PASSWORD_MIN_CHARS, SessionView};

use crate::api::{
    ChangePassword, SignOutEverywhere, SwitchAssignment, my_assignments, my_sessions,
};
use crate::components::live_check::{LiveCheck, LiveError};
use crate::components::page::{
    BUTTON, BUTTON_QUIET, ErrorPanel, FormResult, INPUT, LABEL, PageHeading, SignedInPage, outcome,
};
use crate::format::time_in;
use crate::i18n::{label, texts, tr};
use crate::paths;
use shared::drafts::PasswordChangeDraft;

/// Roles and areas of the user, with a switch, and a link to change the password.
#[component]
pub fn AccountPage() -> impl IntoView {
    view! {
        <SignedInPage title=tr("Akun saya", "My account") content=|user| view! { <AccountBody zone=shared::clock::Zone::of_area(&user.area_code) /> } />
    }
}

#[component]
fn AccountBody(zone: shared::clock::Zone) -> impl IntoView {
    let assignments = Resource::new(|| (), |_| my_assignments());
    view! {
        <PageHeading text=tr("Akun saya", "My account") />
        <h2 class="mb-2 text-lg font-semibold">{tr("Peran dan wilayah tugas", "Roles and assigned areas")}</h2>
        <p class="mb-3 text-sm text-slate-600">
            {tr(
                "Anda hanya melihat data di wilayah tugas yang sedang dipakai. Pilih wilayah lain bila Anda bertugas di beberapa tempat.",
                "You see only the data of the area you are working in now. Choose another if you serve several.",
            )}
        </p>
        <Suspense fallback=|| view! { <p>{texts().loading}</p> }>
            {move || Suspend::new(async move {
                match assignments.await {
                    Ok(rows) => Either::Left(view! { <AssignmentList rows /> }),
                    Err(error) => Either::Right(view! { <ErrorPanel error /> }),
                }
            })}
        </Suspense>
        <h2 class="mb-2 mt-8 text-lg font-semibold">{tr("Kata sandi", "Password")}</h2>
        <a href=paths::CHANGE_PASSWORD class=BUTTON_QUIET data-testid="change-password-link">
            {tr("Ganti kata sandi", "Change password")}
        </a>
        <Sessions zone />
    }
}

/// The devices the user is signed in on, and "sign out everywhere".
#[component]
fn Sessions(zone: shared::clock::Zone) -> impl IntoView {
    let sessions = Resource::new(|| (), |_| my_sessions());
    let everywhere = ServerAction::<SignOutEverywhere>::new();
    view! {
        <h2 class="mb-2 mt-8 text-lg font-semibold">{tr("Perangkat yang sedang masuk", "Devices signed in")}</h2>
        <p class="mb-3 text-sm text-slate-600">
            {tr(
                "Bila ada perangkat yang tidak Anda kenal, keluar dari semua perangkat lalu ganti kata sandi.",
                "If you do not recognise a device, sign out everywhere and change your password.",
            )}
        </p>
        <Suspense fallback=|| view! { <p>{texts().loading}</p> }>
            {move || Suspend::new(async move {
                match sessions.await {
                    Ok(rows) => Either::Left(view! { <SessionList rows zone /> }),
                    Err(error) => Either::Right(view! { <ErrorPanel error /> }),
                }
            })}
        </Suspense>
        <ActionForm action=everywhere attr:class="mt-3">
            <button type="submit" class=BUTTON_QUIET data-testid="sign-out-everywhere">
                {tr("Keluar dari semua perangkat", "Sign out everywhere")}
            </button>
        </ActionForm>
        <FormResult result=outcome(everywhere.value()) success="" />
    }
}

#[component]
fn SessionList(rows: Vec<SessionView>, zone: shared::clock::Zone) -> impl IntoView {
    view! {
        <ul class="divide-y divide-slate-200 rounded-xl border border-slate-200 bg-white" data-testid="sessions">
            {rows
                .into_iter()
                .map(|row| {
                    let device = row
                        .browser
                        .clone()
                        .unwrap_or_else(|| tr("Peramban tidak dikenal", "Unknown browser").to_string());
                    let place = row.client_address.clone().unwrap_or_default();
                    view! {
                        <li class="flex flex-wrap items-center justify-between gap-2 p-3" data-testid="session">
                            <div>
                                <p class="font-medium">{device}</p>
                                <p class="text-sm text-slate-600">
                                    {format!(
                                        "{} {} · {} {} · {}",
                                        tr("Masuk", "Signed in"),
                                        time_in(row.created_at, zone),
                                        tr("terakhir dipakai", "last used"),
                                        time_in(row.last_seen_at, zone),
                                        place,
                                    )}
                                </p>
                            </div>
                            <Show when=move || row.current>
                                <span class="rounded-full bg-teal-100 px-3 py-1 text-xs font-semibold text-teal-800" data-testid="session-current">
                                    {tr("Perangkat ini", "This device")}
                                </span>
                            </Show>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}

#[component]
fn AssignmentList(rows: Vec<AssignmentView>) -> impl IntoView {
    let switch = ServerAction::<SwitchAssignment>::new();
    view! {
        <ul class="divide-y divide-slate-200 rounded-xl border border-slate-200 bg-white" data-testid="assignments">
            {rows
                .into_iter()
                .map(|row| {
                    let place = match &row.institution_name {
                        Some(name) => name.clone(),
                        None if row.area_code.is_empty() => row.area_name.clone(),
                        None => format!("{} ({})", row.area_name, row.area_code),
                    };
                    view! {
                        <li class="flex flex-wrap items-center justify-between gap-2 p-3">
                            <div>
                                <p class="font-medium">{label(row.role)}</p>
                                <p class="text-sm text-slate-600">{place}</p>
                            </div>
                            {if row.current {
                                Either::Left(view! {
                                    <span class="rounded-full bg-teal-100 px-3 py-1 text-xs font-semibold text-teal-800" data-testid="assignment-current">
                                        {tr("Sedang dipakai", "In use")}
                                    </span>
                                })
                            } else {
                                Either::Right(view! {
                                    <ActionForm action=switch>
                                        <input type="hidden" name="assignment_id" value=row.id.to_string() />
                                        <button type="submit" class=BUTTON_QUIET data-testid="assignment-switch">
                                            {tr("Pakai wilayah ini", "Use this area")}
                                        </button>
                                    </ActionForm>
                                })
                            }}
                        </li>
                    }
                })
                .collect_view()}
        </ul>
        <FormResult result=outcome(switch.value()) success="" />
    }
}

/// Changing one's own password (also the page a user must pass after an administrator's reset).
#[component]
pub fn ChangePasswordPage() -> impl IntoView {
    let title = tr("Ganti kata sandi", "Change password");
    view! {
        <SignedInPage
            title
            password_change=true
            content=move |user| {
                let must = user.must_change_password;
                view! {
                    <PageHeading text=title />
                    <Show when=move || must>
                        <p role="status" data-testid="must-change" class="mb-4 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
                            {tr(
                                "Kata sandi Anda harus diganti sebelum melanjutkan: kata sandi sementara dari administrator, atau kata sandi yang sudah diketahui umum. Pilih kata sandi Anda sendiri.",
                                "Your password must be changed before going on: a temporary one from an administrator, or one that is publicly known. Choose your own.",
                            )}
                        </p>
                    </Show>
                    <PasswordForm />
                }
            }
        />
    }
}

#[component]
fn PasswordForm() -> impl IntoView {
    let change = ServerAction::<ChangePassword>::new();
    let hint = format!(
        "{} {PASSWORD_MIN_CHARS}–{PASSWORD_MAX_CHARS} {}",
        tr("Panjang", "Length"),
        tr(
            "karakter. Gabungan beberapa kata mudah diingat dan sulit ditebak. Kata sandi yang umum ditolak.",
            "characters. Several words together are easy to remember and hard to guess. Common passwords are refused.",
        )
    );
    let new_password = RwSignal::new(String::new());
    let length_note = move || {
        let count = new_password.get().chars().count();
        if count == 0 || (PASSWORD_MIN_CHARS..=PASSWORD_MAX_CHARS).contains(&count) {
            String::new()
        } else {
            format!("{count} {}", tr("karakter", "characters"))
        }
    };
    let live = LiveCheck::new(|d: &PasswordChangeDraft| d.to_request().err());
    view! {
        <ActionForm
            action=change
            attr:class="max-w-md space-y-4"
            on:input=move |event| live.read(&event)
            on:focusout=move |event| live.leave(&event)
        >
            <div>
                <label for="current_password" class=LABEL>{tr("Kata sandi saat ini", "Current password")}</label>
                <input id="current_password" name="current_password" type="password" autocomplete="current-password" required class=INPUT />
            </div>
            <div>
                <label for="new_password" class=LABEL>{tr("Kata sandi baru", "New password")}</label>
                <input
                    id="new_password"
                    name="new_password"
                    type="password"
                    autocomplete="new-password"
                    required
                    minlength=PASSWORD_MIN_CHARS.to_string()
                    maxlength=PASSWORD_MAX_CHARS.to_string()
                    aria-describedby="new_password_hint"
                    class=INPUT
                    on:input=move |event| new_password.set(event_target_value(&event))
                />
                <p id="new_password_hint" class="mt-1 text-xs text-slate-600">{hint}</p>
                <p class="mt-1 text-xs text-amber-800" aria-live="polite">{length_note}</p>
            </div>
            <div>
                <label for="confirm_password" class=LABEL>{tr("Ulangi kata sandi baru", "Repeat the new password")}</label>
                <input id="confirm_password" name="confirm_password" type="password" autocomplete="new-password" required class=INPUT />
                <LiveError live field="confirm_password" />
            </div>
            <FormResult
                result=outcome(change.value())
                success=tr(
                    "Kata sandi telah diganti. Sesi Anda di perangkat lain telah diakhiri.",
                    "Your password has been changed. Your sessions on other devices have ended.",
                )
            />
            <button type="submit" class=BUTTON data-testid="change-password-submit" disabled=move || change.pending().get()>
                {tr("Simpan kata sandi", "Save password")}
            </button>
        </ActionForm>
    }
}
