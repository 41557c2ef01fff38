//! Households of the user's area: the list, and a household's file with its
//! members (identity masked; the whole number only on request, for roles that
//! may see it, and audited), its registry status, its cases, a new case with
//! its complaints, a proposal to the registry, and its documents.

use leptos::either::Either;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use shared::access::Action as Permission;
use shared::complaint::{Channel, ComplaintType, EvidenceDocument, Sector, Urgency};
use shared::dto::{
    CurrentUser, HouseholdFile, HouseholdListQuery, HouseholdRow, TimelineItem, TimelineWhat,
};
use shared::intake::{ComplaintDraft, OpenCaseDraft};
use shared::life_event::LifeEventKind;

use crate::api::{
    AppError, get_household_file, get_household_list, member_specifics, open_case, reveal_nik,
    reveal_no_kk,
};
use crate::components::documents::{Documents, DocumentsOf};
use crate::components::form::{
    ChoiceList, FormState, FormSummary, Lens, NoScriptFields, SelectField, TextAreaField,
    TextField, options_of, pick,
};
use crate::components::list::fresh_key;
use crate::components::list::{ExportLinks, Pager, encode_query};
use crate::components::page::{
    BUTTON, BUTTON_QUIET, ErrorPanel, INPUT, LABEL, PageHeading, SignedInPage, TABLE, TD, TH,
    route_id,
};
use crate::components::saving::{KeyedSave, SaveProgress, keyed_save};
use crate::format::{date_id, number_id};
use crate::i18n::{label, texts, tr};
use crate::pages::proposal_form::ProposeForm;
use crate::paths;
use crate::posted::{OP, Posted, posted_form};

/// A list search the browser sends: anything but sixteen digits (a NIK or
/// No KK, which would travel in the address).
const NO_ID_NUMBER: &str = r"(?![\s.\-]*(\d[\s.\-]*){16}$).*";

/// The households of the user's area.
#[component]
pub fn HouseholdListPage() -> impl IntoView {
    view! { <SignedInPage title=tr("Keluarga", "Households") content=|user| view! { <HouseholdListBody may_merge=user.role.may(Permission::MergeHouseholds) /> } /> }
}

#[component]
fn HouseholdListBody(
    /// The SLRT manager's: the link to the district's duplicates.
    may_merge: bool,
) -> impl IntoView {
    let query_map = use_query_map();
    let query = move || {
        let map = query_map.read();
        let get = |name: &str| map.get(name).unwrap_or_default();
        HouseholdListQuery {
            q: get("q"),
            wilayah: get("wilayah"),
            registri: get("registri"),
            desil: get("desil"),
            kasus: get("kasus"),
            page: get("page"),
        }
    };
    let households = Resource::new(query, |query| get_household_list(query.filter()));
    let current = query();
    view! {
        <div class="mb-4 flex flex-wrap items-center justify-between gap-2">
            <PageHeading text=tr("Keluarga", "Households") />
            {may_merge.then(|| view! {
                <a href=paths::DUPLICATES class=BUTTON_QUIET data-testid="duplicates-link">{tr("Keluarga ganda", "Duplicate households")}</a>
            })}
            <a href=paths::INTAKE class=BUTTON data-testid="new-visit">{tr("+ Layanan baru", "+ New visit")}</a>
        </div>
        <form method="get" class="mb-4 grid gap-3 sm:grid-cols-3 lg:grid-cols-6 sm:items-end" data-testid="household-filter">
            <div class="sm:col-span-2">
                <label for="q" class=LABEL>{tr("Cari nama anggota, nomor kasus/rujukan, RT/RW", "Search a member's name, case/referral number, RT/RW")}</label>
                // A NIK or No KK would travel in the address: the browser
                // refuses to send one, and the hint says where to look it up.
                <input id="q" name="q" type="search" value=current.q.clone() class=INPUT aria-describedby="q-hint"
                    pattern=NO_ID_NUMBER
                    title=tr("NIK/No KK dicari di Layanan baru, bukan di sini.", "Look a NIK/No KK up at New visit, not here.") />
                <p id="q-hint" class="mt-1 text-xs text-slate-600">
                    {tr("Ejaan berbeda tetap ditemukan (Muhamad/Mohammad, Siti/Sitti). NIK/No KK: ", "Other spellings are found too (Muhamad/Mohammad, Siti/Sitti). NIK/No KK: ")}
                    <a class="underline" href=paths::INTAKE>{tr("Layanan baru", "New visit")}</a>
                </p>
            </div>
            <div>
                <label for="registri" class=LABEL>{tr("Registri", "Registry")}</label>
                <select id="registri" name="registri" class=INPUT>
                    <option value="">{tr("Semua", "All")}</option>
                    <option value="ya" selected=current.registri == "ya">{tr("Terdaftar", "In the registry")}</option>
                    <option value="tidak" selected=current.registri == "tidak">{tr("Belum terdaftar", "Not in the registry")}</option>
                </select>
            </div>
            <div>
                <label for="desil" class=LABEL>{tr("Desil", "Decile")}</label>
                <select id="desil" name="desil" class=INPUT>
                    <option value="">{tr("Semua", "All")}</option>
                    {(1..=10u8)
                        .map(|d| view! { <option value=d.to_string() selected=current.desil == d.to_string()>{d.to_string()}</option> })
                        .collect_view()}
                </select>
            </div>
            <div>
                <label for="wilayah" class=LABEL>{tr("Kode wilayah", "Area code")}</label>
                <input id="wilayah" name="wilayah" type="text" inputmode="decimal" value=current.wilayah.clone() placeholder="32.09.01" class=INPUT />
            </div>
            <label class="flex items-center gap-2 text-sm">
                <input type="checkbox" name="kasus" value="1" checked=current.kasus == "1" />
                {tr("Punya kasus terbuka", "Has an open case")}
            </label>
            <div class="flex flex-wrap gap-2 sm:col-span-3 lg:col-span-6">
                <button type="submit" class=BUTTON_QUIET>{tr("Terapkan", "Apply")}</button>
                <ExportLinks csv=paths::HOUSEHOLDS_CSV xlsx=paths::HOUSEHOLDS_XLSX query=Signal::derive(move || query().pairs()) test_id="household-export" />
            </div>
        </form>
        <Suspense fallback=|| view! { <p>{texts().loading}</p> }>
            {move || Suspend::new(async move {
                match households.await {
                    Ok(page) => {
                        let links = encode_query(&query().pairs());
                        Either::Left(view! {
                            <p class="mb-2 text-sm text-slate-600" data-testid="household-total">
                                {format!("{} {}", number_id(page.total), tr("keluarga", "households"))}
                            </p>
                            <ul class="divide-y divide-slate-200 rounded-xl border border-slate-200 bg-white" data-testid="household-list">
                                {page.items.into_iter().map(|household| view! { <HouseholdItem household /> }).collect_view()}
                            </ul>
                            <Pager page=page.page per_page=page.per_page total=page.total query=links />
                        })
                    }
                    Err(error) => Either::Right(view! { <ErrorPanel error /> }),
                }
            })}
        </Suspense>
    }
}

/// One household in the list: a card that reads on a phone without scrolling sideways.
#[component]
fn HouseholdItem(household: HouseholdRow) -> impl IntoView {
    let registry = match household.desil {
        Some(desil) => format!("{} {}", tr("Desil", "Decile"), desil.get()),
        None => tr("Belum di registri", "Not in the registry").to_string(),
    };
    view! {
        <li class="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1 p-3">
            <a href=paths::household(household.id) class="font-medium text-teal-800 underline" data-testid="household-link">
                {household.head_name.clone()}
            </a>
            <span class="text-sm text-slate-600">
                {format!(
                    "KK {} · {} · {} {} · {registry}",
                    household.no_kk_masked,
                    household.village_name,
                    household.member_count,
                    tr("anggota", "members"),
                )}
            </span>
        </li>
    }
}

/// A household's file.
#[component]
pub fn HouseholdPage() -> impl IntoView {
    view! { <SignedInPage title=tr("Berkas keluarga", "Household file") content=|user| view! { <HouseholdBody user /> } /> }
}

#[component]
fn HouseholdBody(user: CurrentUser) -> impl IntoView {
    let household_id = route_id();
    let query = use_query_map();
    // A life event just recorded comes back with a new `?peristiwa=`: the file is read again.
    let recorded = move || query.with(|q| q.get(paths::EVENT_RECORDED));
    let edited = move || query.with(|q| q.get(paths::EDITED));
    let file = Resource::new(
        move || (household_id(), recorded(), edited()),
        |(id, _, _)| get_household_file(id),
    );
    let posted = posted_form();
    view! {
        <Suspense fallback=|| view! { <p>{texts().loading}</p> }>
            {move || {
                let user = user.clone();
                Suspend::new(async move {
                    let (posted, proposal) = match posted.await {
                        Some(Posted::OpenCase { draft, refusal }) => (Some((draft, refusal)), None),
                        Some(Posted::Proposal { draft, refusal }) => (None, Some((*draft, refusal))),
                        _ => (None, None),
                    };
                    let just_recorded = recorded().is_some();
                    let just_edited = edited().is_some();
                    match file.await {
                        Ok(file) => Either::Left(view! { <HouseholdFileView file user posted proposal just_recorded just_edited /> }),
                        Err(error) => Either::Right(view! { <ErrorPanel error /> }),
                    }
                })
            }}
        </Suspense>
    }
}

/// A masked number with a button that shows it whole (asked from the server, audited).
#[component]
fn Revealable(
    masked: String,
    reveal: Callback<(), ()>,
    shown: ReadSignal<Option<String>>,
    allowed: bool,
) -> impl IntoView {
    view! {
        <span class="font-mono" data-testid="masked-number">{move || shown.get().unwrap_or_else(|| masked.clone())}</span>
        {(allowed)
            .then_some(view! {
                <Show when=move || shown.get().is_none()>
                    <button type="button" class="ml-2 text-xs text-teal-800 underline" data-testid="reveal" on:click=move |_| reveal.run(())>
                        {tr("Lihat lengkap", "Show in full")}
                    </button>
                </Show>
            })}
    }
}

#[component]
fn HouseholdFileView(
    file: HouseholdFile,
    user: CurrentUser,
    posted: Option<(OpenCaseDraft, Option<AppError>)>,
    /// The proposal form as posted without script, and the server's refusal.
    proposal: Option<(shared::proposal_change::ProposalDraft, Option<AppError>)>,
    /// A life event was just recorded (the page came back from its form).
    just_recorded: bool,
    /// The household's or a member's data was just saved.
    just_edited: bool,
) -> impl IntoView {
    // A record merged into another is kept for its history: work goes on there.
    let open = file.merged_into.is_none();
    let may_reveal = user.role.may(Permission::ViewFullIdentity);
    let may_open_case = open && user.role.may(Permission::RecordComplaint);
    let may_propose = open && user.role.may(Permission::ChangeProposal);
    let may_see_specifics = user.role.may(Permission::ViewSpecificData);
    let may_edit = open && user.role.may(Permission::EditHousehold);
    let member_names: Vec<(i64, String)> = file
        .members
        .iter()
        .map(|m| (m.id, m.member.name.clone()))
        .collect();
    let household_id = file.id;
    let (kk_shown, set_kk_shown) = signal(None::<String>);
    let reveal_kk = Callback::new(move |()| {
        leptos::task::spawn_local(async move {
            if let Ok(number) = reveal_no_kk(household_id).await {
                set_kk_shown.set(Some(number));
            }
        });
    });
    let today = user.today;
    let registry = match file.registry.clone() {
        Some(record) => Either::Left(view! {
            <p data-testid="household-registry">
                {format!(
                    "{} · {} {} · {}",
                    tr("Terdaftar di registri", "In the registry"),
                    tr("desil", "decile"),
                    record.desil.get(),
                    if record.programmes.is_empty() {
                        tr("belum menerima program", "no programme yet").to_string()
                    } else {
                        record.programmes.iter().map(|p| label(*p)).collect::<Vec<_>>().join(", ")
                    },
                )}
            </p>
        }),
        None => Either::Right(view! {
            <div>
                <p data-testid="household-registry">{tr("Belum terdaftar di registri (DTSEN).", "Not in the registry (DTSEN).")}</p>
            </div>
        }),
    };
    let address = file.address.local_line();
    // A family outside the registry may be proposed as a new family once at
    // a time: while that proposal runs, the page points to it instead.
    let new_family_running = file.timeline.iter().find_map(|item| match item.what {
        shared::dto::TimelineWhat::Proposal(
            id,
            shared::proposal::ProposalKind::NewFamily,
            stage,
        ) if !matches!(
            stage,
            shared::proposal::ProposalStage::Enacted | shared::proposal::ProposalStage::Rejected
        ) =>
        {
            Some((id, stage))
        }
        _ => None,
    });
    let propose = may_propose.then(|| match new_family_running.filter(|_| file.registry.is_none()) {
        Some((id, stage)) => Either::Left(view! {
            <p class="mt-2 text-sm" data-testid="household-proposal-running">
                {format!("{} ({}). ", tr("Usulan keluarga baru sedang berjalan", "A new-family proposal is under way"), label(stage))}
                <a href=paths::proposal(id) class="text-teal-800 underline">{tr("Lihat usulan", "See the proposal")}</a>
            </p>
        }),
        None => {
            let file = file.clone();
            Either::Right(view! { <ProposeForm file today exact_dates=may_reveal posted=proposal /> })
        }
    });
    view! {
        {just_edited.then(|| view! {
            <p class="mb-2 rounded-lg bg-teal-50 p-2 text-sm text-teal-900" role="status" data-testid="household-edited">
                {tr("Perubahan disimpan.", "Changes saved.")}
            </p>
        })}
        {file.merged_into.map(|into| view! {
            <p class="mb-2 rounded-lg bg-amber-50 p-2 text-sm text-amber-950" role="status" data-testid="household-merged-into">
                {tr(
                    "Catatan ini ganda dan sudah digabungkan ke catatan keluarga lain; riwayat, anggota dan kasusnya ada di sana.",
                    "This record was a duplicate and has been merged into another household's record; its history, members and cases are there.",
                )}
                " "
                <a class="font-medium underline" href=paths::household(into)>{tr("Buka catatan keluarga itu", "Open that household's record")}</a>
            </p>
        })}
        <h1 class="text-2xl font-semibold" data-testid="household-head">{file.head_name.clone()}</h1>
        {may_edit.then(|| view! {
            <a class="text-sm text-teal-800 underline" data-testid="household-edit" href=paths::household_edit(household_id)>
                {tr("Ubah data keluarga", "Edit household")}
            </a>
        })}
        <dl class="mt-2 grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
            <dt class="font-medium">{tr("Nomor KK", "Family card")}</dt>
            <dd><Revealable masked=file.no_kk_masked.clone() reveal=reveal_kk shown=kk_shown allowed=may_reveal /></dd>
            <dt class="font-medium">{tr("Alamat", "Address")}</dt>
            <dd>{format!("{address}{}{}", if address.is_empty() { "" } else { ", " }, file.village_name)}</dd>
            {if file.awaiting_survey {
                Either::Left(view! {
                    <dt class="font-medium">{tr("Rumah dan penghasilan", "House and income")}</dt>
                    <dd class="text-amber-900" data-testid="household-awaiting-survey">{tr(
                        "Belum didata: keluarga ini tercatat dari daftar BNBA desa. Kondisi rumah, aset dan penghasilan diisi saat verivali atau lewat Ubah data keluarga.",
                        "Not recorded yet: this family was recorded from the village's BNBA list. The house, assets and income are recorded at the home visit (verivali) or with Edit household.",
                    )}</dd>
                })
            } else {
                Either::Right(view! {
                    <dt class="font-medium">{tr("Penghasilan", "Income")}</dt>
                    <dd>{label(file.income_band)}</dd>
                    <dt class="font-medium">{tr("Rumah", "House")}</dt>
                    <dd>
                        {format!(
                            "{} m² · {} · {} · {}",
                            file.housing.floor_area_m2,
                            label(file.housing.floor),
                            label(file.housing.wall),
                            label(file.housing.toilet),
                        )}
                    </dd>
                })
            }}
        </dl>
        <section class="mt-4 rounded-xl border border-slate-200 bg-white p-4 text-sm">
            <h2 class="mb-1 font-semibold">{tr("Registri", "Registry")}</h2>
            {registry}
            {propose}
        </section>
        <h2 class="mb-2 mt-6 text-lg font-semibold">{tr("Anggota keluarga", "Members")}</h2>
        <div class="relative overflow-x-auto rounded-xl border border-slate-200 bg-white">
            <table class=TABLE data-testid="member-table">
                <thead class="bg-slate-50">
                    <tr>
                        <th class=TH>{tr("Nama", "Name")}</th>
                        <th class=TH>"NIK"</th>
                        <th class=format!("{TH} hidden sm:table-cell")>{tr("Hubungan", "Relationship")}</th>
                        <th class=TH>{tr("Umur", "Age")}</th>
                        {may_edit.then(|| view! { <th class=TH><span class="sr-only">{tr("Ubah", "Edit")}</span></th> })}
                    </tr>
                </thead>
                <tbody class="divide-y divide-slate-100">
                    {file
                        .members
                        .into_iter()
                        .map(|member| {
                            let member_id = member.id;
                            let (shown, set_shown) = signal(None::<String>);
                            let reveal = Callback::new(move |()| {
                                leptos::task::spawn_local(async move {
                                    if let Ok(number) = reveal_nik(member_id).await {
                                        set_shown.set(Some(number));
                                    }
                                });
                            });
                            let age = member.age;
                            view! {
                                <tr>
                                    <td class=TD>
                                        {member.member.name.clone()}
                                        {(!member.member.registry_status.counts_in_family()).then(|| view! {
                                            <span class="ml-1 rounded bg-slate-200 px-1 text-xs" data-testid="member-status">
                                                {label(member.member.registry_status)}
                                            </span>
                                        })}
                                    </td>
                                    <td class=TD>
                                        {match member.nik_masked.clone() {
                                            Some(masked) => Either::Left(view! { <Revealable masked reveal shown allowed=may_reveal /> }),
                                            None => Either::Right(view! { <span>{tr("tanpa dokumen", "no documents")}</span> }),
                                        }}
                                    </td>
                                    <td class=format!("{TD} hidden sm:table-cell")>{label(member.member.relationship)}</td>
                                    <td class=TD>{age}</td>
                                    {may_edit.then(|| view! {
                                        <td class=TD>
                                            <a class="text-teal-800 underline" data-testid="member-edit" href=paths::member_edit(household_id, member_id)>
                                                {tr("Ubah", "Edit")}
                                            </a>
                                        </td>
                                    })}
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
        {may_see_specifics.then(|| view! { <SpecificData household_id names=member_names /> })}
        {may_edit.then(|| view! { <LifeEventLinks household_id /> })}
        <Documents of=DocumentsOf::Household(household_id) />
        <Timeline items=file.timeline.clone() just_recorded />
        <h2 class="mb-2 mt-6 text-lg font-semibold">{tr("Kasus", "Cases")}</h2>
        <ul class="space-y-2" data-testid="household-cases">
            {file
                .cases
                .iter()
                .map(|case| {
                    view! {
                        <li class="rounded-lg border border-slate-200 bg-white p-3 text-sm">
                            <a href=paths::case(case.id) class="font-medium text-teal-800 underline">{case.number.clone()}</a>
                            <span class="ml-2 text-slate-600">
                                {format!("{} · {} {}", label(case.status.state), tr("batas", "due"), date_id(case.deadline.due))}
                            </span>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
        {file.cases.is_empty().then(|| view! { <p class="text-sm text-slate-600">{tr("Belum ada kasus.", "No case yet.")}</p> })}
        {may_open_case.then(|| view! { <OpenCaseForm household_id today posted /> })}
    }
}

/// Where a household's life is recorded: one link per kind of event, each
/// opening its form on a page of its own.
#[component]
fn LifeEventLinks(household_id: i64) -> impl IntoView {
    view! {
        <section class="mt-6" data-testid="life-event-links">
            <h2 class="mb-2 text-lg font-semibold">{tr("Catat peristiwa keluarga", "Record a household event")}</h2>
            <ul class="flex flex-wrap gap-2 text-sm">
                {LifeEventKind::ALL
                    .iter()
                    .map(|kind| view! {
                        <li>
                            <a class="inline-block rounded-lg border border-teal-700 px-3 py-2 text-teal-800"
                                data-kind=kind.code()
                                href=paths::household_life_event(household_id, *kind)>
                                {label(*kind)}
                            </a>
                        </li>
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}

/// The household's life: its events, cases and registry proposals together, newest first.
#[component]
fn Timeline(items: Vec<TimelineItem>, just_recorded: bool) -> impl IntoView {
    let empty = items.is_empty();
    view! {
        <section id="riwayat" class="mt-6" data-testid="household-timeline">
            <h2 class="mb-2 text-lg font-semibold">{tr("Riwayat keluarga", "Household history")}</h2>
            {just_recorded.then(|| view! {
                <p class="mb-2 rounded-lg bg-teal-50 p-2 text-sm text-teal-900" role="status" data-testid="life-event-recorded">
                    {tr("Peristiwa dicatat.", "Event recorded.")}
                </p>
            })}
            <ol class="space-y-2 text-sm">
                {items
                    .into_iter()
                    .map(|item| {
                        let (what, link) = match &item.what {
                            TimelineWhat::Event(kind) => (label(*kind).to_string(), None),
                            TimelineWhat::Case(id, number, state) => (
                                format!("{} {number} · {}", tr("Kasus", "Case"), label(*state)),
                                Some(paths::case(*id)),
                            ),
                            TimelineWhat::Proposal(id, kind, stage) => (
                                format!("{} · {} · {}", tr("Usulan registri", "Registry proposal"), label(*kind), label(*stage)),
                                Some(paths::proposal(*id)),
                            ),
                        };
                        view! {
                            <li class="rounded-lg border border-slate-200 bg-white p-3" data-testid="timeline-item">
                                <span class="text-slate-600">{date_id(item.date)}</span>" · "
                                {match link {
                                    Some(href) => Either::Left(view! { <a class="font-medium text-teal-800 underline" href=href>{what}</a> }),
                                    None => Either::Right(view! { <span class="font-medium">{what}</span> }),
                                }}
                                {(!item.text.is_empty()).then(|| view! { <p class="mt-1 text-slate-700">{item.text.clone()}</p> })}
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
            {empty.then(|| view! { <p class="text-sm text-slate-600">{tr("Belum ada riwayat.", "No history yet.")}</p> })}
        </section>
    }
}

/// The query that asks for the members' specific data on the household page.
const SPECIFICS_QUERY: &str = "data";
const SPECIFICS_VALUE: &str = "khusus";

/// The members' health, disability, pregnancy and PPKS: never part of the
/// file, fetched (and audited) only when the user asks, by a plain link that
/// works without script too.
#[component]
fn SpecificData(household_id: i64, names: Vec<(i64, String)>) -> impl IntoView {
    let query = use_query_map();
    let asked = move || query.with(|q| q.get(SPECIFICS_QUERY).as_deref() == Some(SPECIFICS_VALUE));
    let specifics = Resource::new(asked, move |asked| async move {
        if asked {
            Some(member_specifics(household_id).await)
        } else {
            None
        }
    });
    let names = StoredValue::new(names);
    view! {
        <section class="mt-4 rounded-xl border border-amber-200 bg-amber-50 p-4 text-sm" data-testid="specific-data">
            <h2 class="font-semibold">{tr("Data kesehatan dan disabilitas", "Health and disability data")}</h2>
            <Suspense fallback=|| view! { <p>{texts().loading}</p> }>
                {move || Suspend::new(async move {
                    match specifics.await {
                        None => Either::Left(view! {
                            <p class="mt-1 text-slate-700">
                                {tr(
                                    "Data pribadi spesifik (UU 27/2022): dibuka hanya bila diperlukan, dan setiap pembukaan dicatat.",
                                    "Specific personal data (UU 27/2022): opened only when needed, and every opening is recorded.",
                                )}
                            </p>
                            <a class="mt-2 inline-block text-teal-800 underline" data-testid="show-specific-data"
                                href=format!("?{SPECIFICS_QUERY}={SPECIFICS_VALUE}")>
                                {tr("Tampilkan data kesehatan dan disabilitas", "Show health and disability data")}
                            </a>
                        }),
                        Some(Err(error)) => Either::Right(Either::Left(view! { <ErrorPanel error /> })),
                        Some(Ok(found)) => Either::Right(Either::Right(view! {
                            <ul class="mt-2 space-y-1" data-testid="specific-data-list">
                                {found
                                    .into_iter()
                                    .map(|m| {
                                        let name = names.with_value(|names| {
                                            names.iter().find(|(id, _)| *id == m.member_id).map(|(_, n)| n.clone()).unwrap_or_default()
                                        });
                                        let mut parts: Vec<String> = Vec::new();
                                        parts.extend(m.disabilities.iter().map(|d| label(*d).to_string()));
                                        parts.extend(m.chronic_illnesses.iter().map(|c| label(*c).to_string()));
                                        if m.pregnant {
                                            parts.push(tr("Sedang hamil", "Pregnant").to_string());
                                        }
                                        parts.extend(m.ppks.iter().map(|p| label(*p).to_string()));
                                        let text = if parts.is_empty() { tr("tidak ada", "none").to_string() } else { parts.join(", ") };
                                        view! { <li><span class="font-medium">{name}</span>": "{text}</li> }
                                    })
                                    .collect_view()}
                            </ul>
                        })),
                    }
                })}
            </Suspense>
        </section>
    }
}

type CaseDraft = OpenCaseDraft;

fn complaint_text(
    index: usize,
    pick: fn(&mut ComplaintDraft) -> &mut String,
) -> Lens<CaseDraft, String> {
    std::sync::Arc::new(move |d: &mut CaseDraft| d.complaints.get_mut(index).map(pick))
}

/// Opens a case: how the resident came and one or more complaints or needs.
#[component]
fn OpenCaseForm(
    household_id: i64,
    today: chrono::NaiveDate,
    /// The form as posted without script, and the server's refusal.
    posted: Option<(OpenCaseDraft, Option<AppError>)>,
) -> impl IntoView {
    let (draft, refused) = posted.unwrap_or_else(|| {
        let draft = OpenCaseDraft {
            idempotency_key: fresh_key(),
            household_id,
            channel: Channel::WalkInPuskesos.code().to_string(),
            complaints: vec![ComplaintDraft::default()],
        };
        (draft, None)
    });
    let key = draft.idempotency_key.clone();
    let form = FormState::new(draft, move |d: &CaseDraft| d.to_request(today).err());
    let KeyedSave {
        action: save,
        attempt,
    } = keyed_save(open_case);
    let refusal = form.refused_before(refused, form.on_created(save, paths::case), save);
    let pending = save.pending();
    let count = move || form.draft.with(|d| d.complaints.len());
    view! {
        <form
            method="post"
            class="mt-6 space-y-4 rounded-xl border border-slate-200 bg-white p-4"
            data-testid="open-case-form"
            novalidate
            on:submit=move |ev| {
                ev.prevent_default();
                form.submit(save);
            }
        >
            <h2 class="text-lg font-semibold">{tr("Buka kasus baru", "Open a new case")}</h2>
            <NoScriptFields form="open_case" key />
            <SelectField label=tr("Cara warga datang", "How the resident came") binding=form.text("channel", pick(|d: &mut CaseDraft| &mut d.channel)) options={options_of::<Channel>()} required=true />
            <For each=move || 0..count() key=|index| *index let:index>
                <fieldset class="grid gap-3 rounded-lg border border-slate-200 p-3 sm:grid-cols-2" data-testid="complaint">
                    <legend class="px-1 text-sm font-medium">{format!("{} {}", tr("Pengaduan/kebutuhan", "Complaint/need"), index + 1)}</legend>
                    <SelectField label=tr("Jenis", "Type") binding=form.text(&format!("complaints.{index}.complaint_type"), complaint_text(index, |c| &mut c.complaint_type)) options={options_of::<ComplaintType>()} required=true />
                    <SelectField label=tr("Sektor", "Sector") binding=form.text(&format!("complaints.{index}.sector"), complaint_text(index, |c| &mut c.sector)) options={options_of::<Sector>()} required=true />
                    <div class="sm:col-span-2">
                        <TextAreaField label=tr("Uraian", "Description") binding=form.text(&format!("complaints.{index}.description"), complaint_text(index, |c| &mut c.description)) required=true />
                    </div>
                    <SelectField label=tr("Urgensi", "Urgency") binding=form.text(&format!("complaints.{index}.urgency"), complaint_text(index, |c| &mut c.urgency)) options={options_of::<Urgency>()} required=true />
                    <TextField label=tr("Tanggal diterima", "Received on") binding=form.text(&format!("complaints.{index}.received_on"), complaint_text(index, |c| &mut c.received_on)) kind="date" hint=tr("Kosong: hari ini", "Empty: today") />
                    <div class="sm:col-span-2">
                        <ChoiceList
                            label=tr("Dokumen yang diperlihatkan", "Documents seen")
                            binding=form.codes(
                                &format!("complaints.{index}.evidence"),
                                std::sync::Arc::new(move |d: &mut CaseDraft| d.complaints.get_mut(index).map(|c| &mut c.evidence)),
                            )
                            options={options_of::<EvidenceDocument>()}
                        />
                    </div>
                </fieldset>
            </For>
            <button
                type="submit"
                name=OP
                value="add_complaint"
                formnovalidate
                class=BUTTON_QUIET
                data-testid="add-complaint"
                on:click=move |ev| {
                    ev.prevent_default();
                    form.draft.update(OpenCaseDraft::add_complaint);
                }
            >
                {tr("+ Tambah pengaduan/kebutuhan", "+ Add a complaint/need")}
            </button>
            <FormSummary errors=form.summary_errors() refusal />
            <div>
                <button type="submit" class=BUTTON disabled=move || pending.get() data-testid="open-case-submit">
                    {move || if pending.get() { texts().loading } else { tr("Buka kasus", "Open the case") }}
                </button>
                <SaveProgress attempt />
            </div>
        </form>
    }
}
