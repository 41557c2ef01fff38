//! The audit log: who did what, where and when, with filters and its export (XLSX, CSV).

use leptos::either::Either;
use leptos::prelude::*;
use shared::access::Action;
use shared::account::{AuditFilter, AuditRow};

use crate::api::audit_search;
use crate::components::list::{ExportLinks, Pager, encode_query, query_page, query_value};
use crate::components::page::{
    BUTTON_QUIET, ErrorPanel, INPUT, LABEL, PageHeading, SignedInPage, TABLE, TD, TH,
};
use crate::format::number_id;
use crate::i18n::{texts, tr};
use crate::paths;

/// Filters, the newest entries first, and the export link for the same filters.
#[component]
pub fn AuditPage() -> impl IntoView {
    view! { <SignedInPage needs=Action::ViewAuditLog title=tr("Log audit", "Audit log") content=|_user| view! { <AuditBody /> } /> }
}

#[component]
fn AuditBody() -> impl IntoView {
    let from = query_value("from");
    let to = query_value("to");
    let username = query_value("username");
    let action = query_value("action");
    let outcome = query_value("outcome");
    let area = query_value("area_code");
    let page = query_page();
    let filter = move || AuditFilter {
        from: from(),
        to: to(),
        username: username(),
        action: action(),
        outcome: outcome(),
        area_code: area(),
        page: page(),
    };
    let rows = Resource::new(filter, audit_search);
    let pairs = move || {
        vec![
            ("from", from()),
            ("to", to()),
            ("username", username()),
            ("action", action()),
            ("outcome", outcome()),
            ("area_code", area()),
        ]
    };
    let query = move || encode_query(&pairs());
    view! {
        <PageHeading text=tr("Log audit", "Audit log") />
        <form method="get" class="mb-4 grid gap-3 sm:grid-cols-3 lg:grid-cols-6 sm:items-end" data-testid="audit-filter">
            <div>
                <label for="from" class=LABEL>{tr("Dari tanggal", "From")}</label>
                <input id="from" name="from" type="date" value=from class=INPUT />
            </div>
            <div>
                <label for="to" class=LABEL>{tr("Sampai tanggal", "To")}</label>
                <input id="to" name="to" type="date" value=to class=INPUT />
            </div>
            <div>
                <label for="username" class=LABEL>{tr("Pengguna", "User")}</label>
                <input id="username" name="username" type="text" value=username class=INPUT />
            </div>
            <div>
                <label for="action" class=LABEL>{tr("Aksi", "Action")}</label>
                <input id="action" name="action" type="text" list="audit-actions" value=action class=INPUT />
                <datalist id="audit-actions">
                    {["login", "logout", "view", "view_personal_data", "export", "create_user", "reset_password", "disable_user", "add_assignment", "switch_assignment", "change_password"]
                        .into_iter()
                        .map(|code| view! { <option value=code></option> })
                        .collect_view()}
                </datalist>
            </div>
            <div>
                <label for="outcome" class=LABEL>{tr("Hasil", "Outcome")}</label>
                <select id="outcome" name="outcome" class=INPUT>
                    <option value="" selected=outcome().is_empty()>{tr("Semua", "All")}</option>
                    <option value="ok" selected=outcome() == "ok">{tr("Berhasil", "Succeeded")}</option>
                    <option value="refused" selected=outcome() == "refused">{tr("Ditolak", "Refused")}</option>
                    <option value="failed" selected=outcome() == "failed">{tr("Gagal", "Failed")}</option>
                </select>
            </div>
            <div>
                <label for="area_code" class=LABEL>{tr("Kode wilayah", "Area code")}</label>
                <input id="area_code" name="area_code" type="text" value=area class=INPUT />
            </div>
            <div class="flex flex-wrap gap-2 sm:col-span-3 lg:col-span-6">
                <button type="submit" class=BUTTON_QUIET>{tr("Terapkan", "Apply")}</button>
                <ExportLinks csv=paths::AUDIT_CSV xlsx=paths::AUDIT_XLSX query=Signal::derive(pairs) test_id="audit-export" />
            </div>
        </form>
        <Suspense fallback=|| view! { <p>{texts().loading}</p> }>
            {move || Suspend::new(async move {
                match rows.await {
                    Ok(found) => Either::Left(view! {
                        <p class="mb-2 text-sm text-slate-600" data-testid="audit-total">
                            {format!("{} {}", number_id(found.total), tr("entri", "entries"))}
                        </p>
                        <div class="overflow-x-auto rounded-xl border border-slate-200 bg-white">
                            <table class=TABLE data-testid="audit-table">
                                <thead class="bg-slate-50">
                                    <tr>
                                        <th class=TH>{tr("Waktu (WIB)", "Time (WIB)")}</th>
                                        <th class=TH>{tr("Pengguna", "User")}</th>
                                        <th class=TH>{tr("Aksi", "Action")}</th>
                                        <th class=TH>{tr("Objek", "Object")}</th>
                                        <th class=TH>{tr("Wilayah", "Area")}</th>
                                        <th class=TH>{tr("Hasil", "Outcome")}</th>
                                        <th class=TH>{tr("Rincian", "Details")}</th>
                                    </tr>
                                </thead>
                                <tbody class="divide-y divide-slate-100">
                                    {found.items.into_iter().map(|row| view! { <AuditLine row /> }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                        <Pager page=found.page per_page=found.per_page total=found.total query=query() />
                    }
                    ),
                    Err(error) => Either::Right(view! { <ErrorPanel error /> }),
                }
            })}
        </Suspense>
    }
}

#[component]
fn AuditLine(row: AuditRow) -> impl IntoView {
    let object = match &row.object_id {
        Some(id) => format!("{} #{id}", row.object_type),
        None => row.object_type.clone(),
    };
    let refused = row.outcome != "ok";
    view! {
        <tr class:bg-red-50=refused data-outcome=row.outcome.clone()>
            <td class=TD>{row.at.clone()}</td>
            <td class=TD>{row.username.clone().unwrap_or_else(|| "–".into())}</td>
            <td class=TD>{row.action.clone()}</td>
            <td class=TD>{object}</td>
            <td class=TD>{row.area_code.clone().unwrap_or_default()}</td>
            <td class=TD>{row.outcome.clone()}</td>
            <td class="px-3 py-2 align-top whitespace-pre-line text-xs text-slate-600">{row.detail.clone().unwrap_or_default()}</td>
        </tr>
    }
}
