//! Cases of the user's area: the list and a case's file with its timeline.

use leptos::either::Either;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use leptos_router::hooks::use_query_map;
use shared::case::CaseState;
use shared::complaint::Sector;
use shared::dto::{CaseDetail, CaseListQuery, CaseSummary};
use shared::programme::ProgrammeKind;

use super::admin::{Pager, encode_query};

use crate::api::{get_case_detail, get_case_list};
use crate::components::page::{
    BUTTON_QUIET, ErrorPanel, INPUT, LABEL, PageHeading, SignedInPage, TABLE, TD, TH,
};
use crate::format::{date_id, number_id, time_wib};
use crate::i18n::{texts, tr};
use crate::paths;

/// The open cases of the user's area, most urgent deadline first.
#[component]
pub fn CaseListPage() -> impl IntoView {
    view! { <SignedInPage title=tr("Kasus", "Cases") content=|_user| view! { <CaseListBody /> } /> }
}

#[component]
fn CaseListBody() -> impl IntoView {
    let query_map = use_query_map();
    let query = move || {
        let map = query_map.read();
        let get = |name: &str| map.get(name).unwrap_or_default();
        CaseListQuery {
            q: get("q"),
            wilayah: get("wilayah"),
            status: map.get("status").unwrap_or_else(|| "terbuka".to_string()),
            sektor: get("sektor"),
            program: get("program"),
            dari: get("dari"),
            sampai: get("sampai"),
            terlambat: get("terlambat"),
            urut: get("urut"),
            page: get("page"),
        }
    };
    let cases = Resource::new(query, |query| get_case_list(query.filter()));
    let current = query();
    let export = {
        let pairs = encode_query(&current.pairs());
        if pairs.is_empty() {
            paths::CASES_CSV.to_string()
        } else {
            format!("{}?{pairs}", paths::CASES_CSV)
        }
    };
    view! {
        <PageHeading text=tr("Kasus", "Cases") />
        <form method="get" class="mb-4 grid gap-3 sm:grid-cols-3 lg:grid-cols-5 sm:items-end" data-testid="case-filter">
            <div class="sm:col-span-2">
                <label for="q" class=LABEL>{tr("Cari nama kepala keluarga", "Search head of family")}</label>
                <input id="q" name="q" type="search" value=current.q.clone() class=INPUT />
            </div>
            <div>
                <label for="status" class=LABEL>{tr("Status", "Status")}</label>
                <select id="status" name="status" class=INPUT>
                    <option value="terbuka" selected=current.status == "terbuka">{tr("Semua yang belum selesai", "All unfinished")}</option>
                    <option value="semua" selected=current.status == "semua">{tr("Semua", "All")}</option>
                    {CaseState::ALL
                        .iter()
                        .map(|s| view! { <option value=s.code() selected=current.status == s.code()>{s.label_id()}</option> })
                        .collect_view()}
                </select>
            </div>
            <details
                class="sm:col-span-3 lg:col-span-5 rounded-lg border border-slate-200 bg-white p-3"
                open=current.has_more_filters()
            >
                <summary class="cursor-pointer text-sm font-medium">{tr("Saring lainnya", "More filters")}</summary>
                <div class="mt-3 grid gap-3 sm:grid-cols-3 lg:grid-cols-5 sm:items-end">
            <div>
                <label for="sektor" class=LABEL>{tr("Sektor", "Sector")}</label>
                <select id="sektor" name="sektor" class=INPUT>
                    <option value="">{tr("Semua", "All")}</option>
                    {Sector::ALL
                        .iter()
                        .map(|s| view! { <option value=s.code() selected=current.sektor == s.code()>{s.label_id()}</option> })
                        .collect_view()}
                </select>
            </div>
            <div>
                <label for="program" class=LABEL>{tr("Program rujukan", "Referred programme")}</label>
                <select id="program" name="program" class=INPUT>
                    <option value="">{tr("Semua", "All")}</option>
                    {ProgrammeKind::ALL
                        .iter()
                        .map(|p| view! { <option value=p.code() selected=current.program == p.code()>{p.label_id()}</option> })
                        .collect_view()}
                </select>
            </div>
            <div>
                <label for="wilayah" class=LABEL>{tr("Kode wilayah", "Area code")}</label>
                <input id="wilayah" name="wilayah" type="text" inputmode="decimal" value=current.wilayah.clone() placeholder="32.09.01" class=INPUT />
            </div>
            <div>
                <label for="dari" class=LABEL>{tr("Dibuka sejak", "Opened from")}</label>
                <input id="dari" name="dari" type="date" value=current.dari.clone() class=INPUT />
            </div>
            <div>
                <label for="sampai" class=LABEL>{tr("Dibuka sampai", "Opened until")}</label>
                <input id="sampai" name="sampai" type="date" value=current.sampai.clone() class=INPUT />
            </div>
            <div>
                <label for="urut" class=LABEL>{tr("Urutan", "Order")}</label>
                <select id="urut" name="urut" class=INPUT>
                    <option value="" selected=current.urut.is_empty()>{tr("Batas waktu terdekat", "Earliest deadline")}</option>
                    <option value="baru" selected=current.urut == "baru">{tr("Terbaru", "Newest")}</option>
                    <option value="lama" selected=current.urut == "lama">{tr("Terlama", "Oldest")}</option>
                </select>
            </div>
                </div>
            </details>
            <label class="flex items-center gap-2 text-sm">
                <input type="checkbox" name="terlambat" value="1" checked=current.terlambat == "1" />
                {tr("Hanya yang terlambat", "Overdue only")}
            </label>
            <div class="flex flex-wrap gap-2 sm:col-span-3 lg:col-span-5">
                <button type="submit" class=BUTTON_QUIET>{tr("Terapkan", "Apply")}</button>
                <a href=export class=BUTTON_QUIET rel="external" download="" data-testid="case-export">{tr("Unduh CSV", "Download CSV")}</a>
            </div>
        </form>
        <Suspense fallback=|| view! { <p>{texts().loading}</p> }>
            {move || Suspend::new(async move {
                match cases.await {
                    Ok(page) => {
                        let total = number_id(page.total);
                        let links = encode_query(&query().pairs());
                        Either::Left(view! {
                            <p class="mb-2 text-sm text-slate-600" data-testid="case-total">{format!("{total} {}", tr("kasus", "cases"))}</p>
                            <div class="overflow-x-auto rounded-xl border border-slate-200 bg-white">
                                <table class=TABLE data-testid="case-table">
                                    <thead class="bg-slate-50">
                                        <tr>
                                            <th class=TH>{tr("Nomor", "Number")}</th>
                                            <th class=TH>{tr("Kepala keluarga", "Head of family")}</th>
                                            <th class=format!("{TH} hidden sm:table-cell")>{tr("Desa/kelurahan", "Village")}</th>
                                            <th class=format!("{TH} hidden sm:table-cell")>{tr("Status", "Status")}</th>
                                            <th class=TH>{tr("Batas waktu", "Due")}</th>
                                        </tr>
                                    </thead>
                                    <tbody class="divide-y divide-slate-100">
                                        {page.items.into_iter().map(|case| view! { <CaseRow case /> }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                            <Pager page=page.page per_page=page.per_page total=page.total query=links />
                        })
                    }
                    Err(error) => Either::Right(view! { <ErrorPanel error /> }),
                }
            })}
        </Suspense>
    }
}

#[component]
fn CaseRow(case: CaseSummary) -> impl IntoView {
    view! {
        <tr data-village=case.village.as_str().to_string()>
            <td class=TD>
                <a href=paths::case(case.id) class="font-medium text-teal-800 underline" data-testid="case-link">
                    {case.number.clone()}
                </a>
            </td>
            <td class=TD>{case.head_name.clone()}</td>
            <td class=format!("{TD} hidden sm:table-cell")>{case.village.as_str().to_string()}</td>
            <td class=format!("{TD} hidden sm:table-cell")>{case.status.state.label_id()}</td>
            <td class=TD class:text-red-700=case.overdue>{date_id(case.deadline.due)}</td>
        </tr>
    }
}

/// A case's file: who, what was asked, referrals and every step so far.
#[component]
pub fn CaseDetailPage() -> impl IntoView {
    view! { <SignedInPage title=tr("Berkas kasus", "Case file") content=|_user| view! { <CaseDetailBody /> } /> }
}

#[component]
fn CaseDetailBody() -> impl IntoView {
    let params = use_params_map();
    let case_id = move || {
        params
            .read()
            .get("id")
            .and_then(|id| id.parse::<i64>().ok())
            .unwrap_or(0)
    };
    let detail = Resource::new(case_id, get_case_detail);
    view! {
        <Suspense fallback=|| view! { <p>{texts().loading}</p> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok(detail) => Either::Left(view! { <CaseFile detail /> }),
                    Err(error) => Either::Right(view! { <ErrorPanel error /> }),
                }
            })}
        </Suspense>
    }
}

#[component]
fn CaseFile(detail: CaseDetail) -> impl IntoView {
    let summary = detail.summary;
    view! {
        <h1 class="text-2xl font-semibold" data-testid="case-number">{summary.number.clone()}</h1>
        <dl class="mt-2 grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
            <dt class="font-medium">{tr("Kepala keluarga", "Head of family")}</dt>
            <dd data-testid="case-head">{summary.head_name.clone()}</dd>
            <dt class="font-medium">{tr("Desa/kelurahan", "Village")}</dt>
            <dd>{summary.village.as_str().to_string()}</dd>
            <dt class="font-medium">{tr("Status", "Status")}</dt>
            <dd>{summary.status.state.label_id()}</dd>
            <dt class="font-medium">{tr("Dibuka", "Opened")}</dt>
            <dd>{date_id(summary.opened_on)}</dd>
            <dt class="font-medium">{tr("Batas waktu", "Due")}</dt>
            <dd>{date_id(summary.deadline.due)}</dd>
        </dl>
        <h2 class="mb-2 mt-6 text-lg font-semibold">{tr("Pengaduan dan kebutuhan", "Complaints and needs")}</h2>
        <ul class="space-y-2">
            {detail
                .complaints
                .into_iter()
                .map(|complaint| {
                    view! {
                        <li class="rounded-lg border border-slate-200 bg-white p-3 text-sm">
                            <p class="font-medium">
                                {format!("{} · {}", complaint.complaint_type.label_id(), complaint.sector.label_id())}
                            </p>
                            <p>{complaint.description}</p>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
        <h2 class="mb-2 mt-6 text-lg font-semibold">{tr("Riwayat", "Timeline")}</h2>
        <ol class="space-y-2 border-l-2 border-teal-200 pl-4 text-sm" data-testid="case-timeline">
            {detail
                .timeline
                .into_iter()
                .map(|step| {
                    let when = time_wib(step.at);
                    view! {
                        <li>
                            <p class="font-medium">{format!("{} → {}", step.from, step.to)}</p>
                            <p class="text-slate-600">
                                {format!("{when} WIB · {} ({})", step.actor.username, step.actor.role.label_id())}
                            </p>
                            {step.note.map(|note| view! { <p>{note}</p> })}
                        </li>
                    }
                })
                .collect_view()}
        </ol>
    }
}
