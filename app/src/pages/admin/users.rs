//! Users: the list with filters, a new account, and one account's page
//! (roles and areas, password reset, disabling).

use leptos::either::Either;
use leptos::prelude::*;
use shared::access::Action;
use shared::account::{UserDetail, UserFilter, UserRow};
use shared::roles::Role;

use crate::api::{
    AdminAddAssignment, AdminCreateUser, AdminRemoveAssignment, AdminResetPassword,
    AdminSetDisabled, admin_user, admin_users,
};
use crate::components::list::{Pager, encode_query, query_page, query_value};
use crate::components::live_check::{LiveCheck, LiveError};
use crate::components::page::{
    BUTTON, BUTTON_QUIET, ErrorPanel, FormResult, INPUT, LABEL, PageHeading, SignedInPage, TABLE,
    TD, TH, outcome, route_id,
};
use crate::i18n::{label, texts, tr};
use crate::paths;
use shared::drafts::{AssignmentDraft, NewUserDraft};

/// The accounts the administrator manages.
#[component]
pub fn UsersPage() -> impl IntoView {
    view! { <SignedInPage needs=Action::ManageUsers title=tr("Pengguna", "Users") content=|_user| view! { <UsersBody /> } /> }
}

#[component]
fn UsersBody() -> impl IntoView {
    let search = query_value("q");
    let role = query_value("role");
    let disabled = query_value("disabled");
    let page = query_page();
    let users = Resource::new(
        move || (search(), role(), disabled(), page()),
        |(search, role, disabled, page)| {
            admin_users(UserFilter {
                search,
                role: Role::from_code(&role),
                include_disabled: disabled == "1",
                page,
            })
        },
    );
    view! {
        <div class="mb-4 flex flex-wrap items-center justify-between gap-2">
            <PageHeading text=tr("Pengguna", "Users") />
            <a href=paths::ADMIN_NEW_USER class=BUTTON data-testid="new-user">{tr("Tambah pengguna", "Add user")}</a>
        </div>
        <form method="get" class="mb-4 grid gap-3 sm:grid-cols-4 sm:items-end">
            <div class="sm:col-span-2">
                <label for="q" class=LABEL>{tr("Cari nama atau nama pengguna", "Search name or username")}</label>
                <input id="q" name="q" type="search" value=search class=INPUT />
            </div>
            <div>
                <label for="role" class=LABEL>{tr("Peran", "Role")}</label>
                <RoleSelect name="role" selected=Role::from_code(&role()) allow_empty=true />
            </div>
            <div class="flex items-center gap-2">
                <input id="disabled" name="disabled" type="checkbox" value="1" checked=disabled() == "1" />
                <label for="disabled" class="text-sm">{tr("Termasuk yang nonaktif", "Include disabled")}</label>
                <button type="submit" class=BUTTON_QUIET>{tr("Terapkan", "Apply")}</button>
            </div>
        </form>
        <Suspense fallback=|| view! { <p>{texts().loading}</p> }>
            {move || Suspend::new(async move {
                match users.await {
                    Ok(page_of_users) => {
                        let query = encode_query(&[("q", search()), ("role", role()), ("disabled", disabled())]);
                        Either::Left(view! {
                            <div class="overflow-x-auto rounded-xl border border-slate-200 bg-white">
                                <table class=TABLE data-testid="user-table">
                                    <thead class="bg-slate-50">
                                        <tr>
                                            <th class=TH>{tr("Nama pengguna", "Username")}</th>
                                            <th class=TH>{tr("Nama", "Name")}</th>
                                            <th class=TH>{tr("Peran dan wilayah", "Roles and areas")}</th>
                                        </tr>
                                    </thead>
                                    <tbody class="divide-y divide-slate-100">
                                        {page_of_users.items.into_iter().map(|user| view! { <UserLine user /> }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                            <Pager page=page_of_users.page per_page=page_of_users.per_page total=page_of_users.total query />
                        }
                        )
                    }
                    Err(error) => Either::Right(view! { <ErrorPanel error /> }),
                }
            })}
        </Suspense>
    }
}

#[component]
fn UserLine(user: UserRow) -> impl IntoView {
    view! {
        <tr>
            <td class=TD>
                <a href=paths::admin_user(user.id) class="font-medium text-teal-800 underline">{user.username.clone()}</a>
                {user.disabled.then(|| view! { <span class="ml-2 rounded bg-slate-200 px-1 text-xs">{tr("nonaktif", "disabled")}</span> })}
            </td>
            <td class=TD>{user.full_name.clone()}</td>
            <td class=TD>
                {user
                    .assignments
                    .iter()
                    .map(|a| {
                        let place = a.institution_name.clone().unwrap_or_else(|| a.area_name.clone());
                        view! { <p>{format!("{} · {place}", label(a.role))}</p> }
                    })
                    .collect_view()}
            </td>
        </tr>
    }
}

/// A `<select>` of roles.
#[component]
fn RoleSelect(name: &'static str, selected: Option<Role>, allow_empty: bool) -> impl IntoView {
    view! {
        <select id=name name=name class=INPUT>
            {allow_empty.then(|| view! { <option value="">{tr("Semua", "All")}</option> })}
            {Role::ALL
                .iter()
                .map(|role| {
                    view! {
                        <option value=role.code() selected=selected == Some(*role)>{label(*role)}</option>
                    }
                })
                .collect_view()}
        </select>
    }
}

/// Role, area and institution fields of an assignment form.
#[component]
fn AssignmentFields(live: LiveCheck) -> impl IntoView {
    view! {
        <div>
            <label for="role" class=LABEL>{tr("Peran", "Role")}</label>
            <RoleSelect name="role" selected=Some(Role::FrontOffice) allow_empty=false />
        </div>
        <div>
            <label for="area_code" class=LABEL>{tr("Kode wilayah", "Area code")}</label>
            <input id="area_code" name="area_code" type="text" inputmode="decimal" placeholder="32.09.01.2008" class=INPUT />
            <p class="mt-1 text-xs text-slate-600">
                {tr(
                    "Kode Kemendagri: desa 32.09.01.2008, kecamatan 32.09.01, kabupaten 32.09, provinsi 32; kosong untuk seluruh Indonesia.",
                    "Kemendagri code: village 32.09.01.2008, sub-district 32.09.01, district 32.09, province 32; empty for all of Indonesia.",
                )}
            </p>
        </div>
        <div>
            <label for="institution_id" class=LABEL>{tr("ID lembaga (khusus peran lembaga penerima)", "Institution id (receiving institutions only)")}</label>
            <input id="institution_id" name="institution_id" type="text" inputmode="numeric" class=INPUT />
            <LiveError live field="institution_id" />
        </div>
    }
}

/// Creating an account with its first role.
#[component]
pub fn NewUserPage() -> impl IntoView {
    view! { <SignedInPage needs=Action::ManageUsers title=tr("Tambah pengguna", "Add user") content=|_user| view! { <NewUserForm /> } /> }
}

#[component]
fn NewUserForm() -> impl IntoView {
    let create = ServerAction::<AdminCreateUser>::new();
    let live = LiveCheck::new(|d: &NewUserDraft| d.to_request().err());
    view! {
        <PageHeading text=tr("Tambah pengguna", "Add user") />
        <ActionForm
            action=create
            attr:class="max-w-lg space-y-4"
            on:input=move |event| live.read(&event)
            on:focusout=move |event| live.leave(&event)
        >
            <div>
                <label for="username" class=LABEL>{tr("Nama pengguna", "Username")}</label>
                <input id="username" name="username" type="text" autocapitalize="none" spellcheck="false" required class=INPUT />
            </div>
            <div>
                <label for="full_name" class=LABEL>{tr("Nama lengkap", "Full name")}</label>
                <input id="full_name" name="full_name" type="text" required class=INPUT />
            </div>
            <div>
                <label for="password" class=LABEL>{tr("Kata sandi sementara", "Temporary password")}</label>
                <input id="password" name="password" type="text" autocomplete="off" required minlength="8" class=INPUT />
                <p class="mt-1 text-xs text-slate-600">
                    {tr(
                        "Sampaikan secara langsung; pengguna wajib menggantinya saat pertama masuk.",
                        "Hand it over in person; the user must change it at the first sign-in.",
                    )}
                </p>
            </div>
            <AssignmentFields live />
            <FormResult result=outcome(create.value()) success=tr("Pengguna dibuat.", "User created.") />
            <button type="submit" class=BUTTON data-testid="create-user-submit">{tr("Simpan", "Save")}</button>
        </ActionForm>
    }
}

/// One account: roles, password reset, disabling.
#[component]
pub fn UserPage() -> impl IntoView {
    view! { <SignedInPage needs=Action::ManageUsers title=tr("Pengguna", "User") content=|_user| view! { <UserBody /> } /> }
}

#[component]
fn UserBody() -> impl IntoView {
    let user_id = route_id();
    let reset = ServerAction::<AdminResetPassword>::new();
    let disable = ServerAction::<AdminSetDisabled>::new();
    let add = ServerAction::<AdminAddAssignment>::new();
    let remove = ServerAction::<AdminRemoveAssignment>::new();
    let user = Resource::new(
        move || {
            (
                user_id(),
                reset.version().get(),
                disable.version().get(),
                add.version().get(),
                remove.version().get(),
            )
        },
        |(id, ..)| admin_user(id),
    );
    view! {
        <Suspense fallback=|| view! { <p>{texts().loading}</p> }>
            {move || Suspend::new(async move {
                match user.await {
                    Ok(detail) => Either::Left(view! { <UserFile detail reset disable add remove /> }),
                    Err(error) => Either::Right(view! { <ErrorPanel error /> }),
                }
            })}
        </Suspense>
    }
}

#[component]
fn UserFile(
    detail: UserDetail,
    reset: ServerAction<AdminResetPassword>,
    disable: ServerAction<AdminSetDisabled>,
    add: ServerAction<AdminAddAssignment>,
    remove: ServerAction<AdminRemoveAssignment>,
) -> impl IntoView {
    let user = detail.user;
    let id_add = user.id.to_string();
    let add_live = LiveCheck::new(|d: &AssignmentDraft| d.to_request().err());
    let id_reset = id_add.clone();
    let id_disable = id_add.clone();
    let status = if user.disabled {
        tr("Nonaktif", "Disabled")
    } else {
        tr("Aktif", "Active")
    };
    view! {
        <h1 class="text-2xl font-semibold" data-testid="user-username">{user.username.clone()}</h1>
        <dl class="mt-2 grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
            <dt class="font-medium">{tr("Nama", "Name")}</dt>
            <dd>{user.full_name.clone()}</dd>
            <dt class="font-medium">{tr("Status", "Status")}</dt>
            <dd data-testid="user-status">{status}</dd>
            <dt class="font-medium">{tr("Sesi terbuka", "Open sessions")}</dt>
            <dd>{detail.open_sessions.to_string()}</dd>
            <dt class="font-medium">{tr("Wajib ganti kata sandi", "Must change password")}</dt>
            <dd>{if detail.must_change_password { tr("Ya", "Yes") } else { tr("Tidak", "No") }}</dd>
        </dl>

        <h2 class="mb-2 mt-6 text-lg font-semibold">{tr("Peran dan wilayah", "Roles and areas")}</h2>
        <ul class="divide-y divide-slate-200 rounded-xl border border-slate-200 bg-white" data-testid="user-assignments">
            {user
                .assignments
                .into_iter()
                .map(|a| {
                    let place = match &a.institution_name {
                        Some(name) => name.clone(),
                        None if a.area_code.is_empty() => a.area_name.clone(),
                        None => format!("{} ({})", a.area_name, a.area_code),
                    };
                    view! {
                        <li class="flex flex-wrap items-center justify-between gap-2 p-3">
                            <span>{format!("{} · {place}", label(a.role))}</span>
                            <ActionForm action=remove>
                                <input type="hidden" name="assignment_id" value=a.id.to_string() />
                                <button type="submit" class=BUTTON_QUIET>{tr("Cabut", "Remove")}</button>
                            </ActionForm>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
        <FormResult result=outcome(remove.value()) success=tr("Peran dicabut.", "Role removed.") />
        <details class="mt-3 rounded-xl border border-slate-200 bg-white p-3">
            <summary class="cursor-pointer font-medium">{tr("Tambah peran", "Add a role")}</summary>
            <ActionForm
                action=add
                attr:class="mt-3 max-w-lg space-y-3"
                on:input=move |event| add_live.read(&event)
                on:focusout=move |event| add_live.leave(&event)
            >
                <input type="hidden" name="user_id" value=id_add />
                <AssignmentFields live=add_live />
                <FormResult result=outcome(add.value()) success=tr("Peran ditambahkan.", "Role added.") />
                <button type="submit" class=BUTTON>{tr("Tambah", "Add")}</button>
            </ActionForm>
        </details>

        <h2 class="mb-2 mt-6 text-lg font-semibold">{tr("Atur ulang kata sandi", "Reset password")}</h2>
        <ActionForm action=reset attr:class="max-w-lg space-y-3">
            <input type="hidden" name="user_id" value=id_reset />
            <label for="new_password" class=LABEL>{tr("Kata sandi sementara baru", "New temporary password")}</label>
            <input id="new_password" name="new_password" type="text" autocomplete="off" required minlength="8" class=INPUT />
            <FormResult
                result=outcome(reset.value())
                success=tr(
                    "Kata sandi diatur ulang; semua sesi pengguna diakhiri dan ia wajib menggantinya saat masuk.",
                    "Password reset; all of the user's sessions ended and they must change it at sign-in.",
                )
            />
            <button type="submit" class=BUTTON data-testid="reset-password-submit">{tr("Atur ulang", "Reset")}</button>
        </ActionForm>

        <h2 class="mb-2 mt-6 text-lg font-semibold">{tr("Status akun", "Account status")}</h2>
        <ActionForm action=disable>
            <input type="hidden" name="user_id" value=id_disable />
            <input type="hidden" name="disabled" value=(!user.disabled).to_string() />
            <button type="submit" class=BUTTON_QUIET data-testid="toggle-disabled">
                {if user.disabled {
                    tr("Aktifkan akun", "Enable account")
                } else {
                    tr("Nonaktifkan akun (mengakhiri semua sesinya)", "Disable account (ends all its sessions)")
                }}
            </button>
        </ActionForm>
        <FormResult result=outcome(disable.value()) success=tr("Status akun diubah.", "Account status changed.") />
    }
}
