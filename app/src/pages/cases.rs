//! Cases of the user's area: the list and a case's file with its timeline.

use leptos::either::Either;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use shared::case::{CaseActionKind, CaseState, CloseReason};
use shared::complaint::Sector;
use shared::document::DocumentRecord;
use shared::drafts::{CaseActionDraft, ReferralDraft};
use shared::dto::{
    CaseDetail, CaseListQuery, CaseSummary, CurrentUser, InstitutionEntry, ProgrammeEntry,
};
use shared::programme::ProgrammeKind;

use crate::components::list::{ExportLinks, Pager, encode_query};

use crate::api::{
    CaseAction, IssueReferral, get_case_detail, get_case_list, institutions, programmes,
};
use crate::components::documents::{Documents, DocumentsOf};
use crate::components::list::fresh_key;
use crate::components::live_check::{LiveCheck, LiveError, StepNote};
use crate::components::page::{
    BUTTON, BUTTON_QUIET, ErrorPanel, FormResult, INPUT, LABEL, PageHeading, SignedInPage, TABLE,
    TD, TH, outcome, route_id,
};
use crate::format::{date_id, number_id, time_in};
use crate::i18n::{label, texts, tr};
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
            saya: get("saya"),
            urut: get("urut"),
            page: get("page"),
        }
    };
    let cases = Resource::new(query, |query| get_case_list(query.filter()));
    let current = query();
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
                        .map(|s| view! { <option value=s.code() selected=current.status == s.code()>{label(*s)}</option> })
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
                        .map(|s| view! { <option value=s.code() selected=current.sektor == s.code()>{label(*s)}</option> })
                        .collect_view()}
                </select>
            </div>
            <div>
                <label for="program" class=LABEL>{tr("Program rujukan", "Referred programme")}</label>
                <select id="program" name="program" class=INPUT>
                    <option value="">{tr("Semua", "All")}</option>
                    {ProgrammeKind::ALL
                        .iter()
                        .map(|p| view! { <option value=p.code() selected=current.program == p.code()>{label(*p)}</option> })
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
            <label class="flex items-center gap-2 text-sm">
                <input type="checkbox" name="saya" value="1" checked=current.saya == "1" />
                {tr("Kasus saya", "My cases")}
            </label>
            <div class="flex flex-wrap gap-2 sm:col-span-3 lg:col-span-5">
                <button type="submit" class=BUTTON_QUIET>{tr("Terapkan", "Apply")}</button>
                <ExportLinks csv=paths::CASES_CSV xlsx=paths::CASES_XLSX query=Signal::derive(move || query().pairs()) test_id="case-export" />
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
            <td class=format!("{TD} hidden sm:table-cell")>{label(case.status.state)}</td>
            <td class=TD class:text-red-700=case.overdue>{date_id(case.deadline.due)}</td>
        </tr>
    }
}

/// A case's file: who, what was asked, referrals and every step so far.
#[component]
pub fn CaseDetailPage() -> impl IntoView {
    view! { <SignedInPage title=tr("Berkas kasus", "Case file") content=|user| view! { <CaseDetailBody user /> } /> }
}

#[component]
fn CaseDetailBody(user: CurrentUser) -> impl IntoView {
    let case_id = route_id();
    // One resource for the page: the case and, when a referral can be issued, the catalogue
    // (a second resource created inside this one would not be ready when the page hydrates).
    let detail = Resource::new(case_id, |id| async move {
        let detail = get_case_detail(id).await?;
        let referable = matches!(
            detail.summary.status.state,
            CaseState::ServiceDecided | CaseState::Referred | CaseState::Monitoring
        );
        if referable {
            let (programmes, institutions) = (programmes().await?, institutions().await?);
            Ok((detail, programmes, institutions))
        } else {
            Ok((detail, Vec::new(), Vec::new()))
        }
    });
    // What the last save did, kept above the file: the file itself is drawn
    // anew after every save, and a confirmation inside it vanished with it.
    let notice = RwSignal::new(None::<String>);
    let refresh = Callback::new(move |saved: String| {
        notice.set(Some(saved));
        detail.refetch();
        // The new state, the next step and this notice are at the top.
        window().scroll_to_with_x_and_y(0.0, 0.0);
    });
    view! {
        {move || notice.get().map(|text| view! {
            <p role="status" class="mb-3 rounded-lg border border-teal-300 bg-teal-50 p-3 text-sm font-medium text-teal-900" data-testid="case-notice">
                {text}
            </p>
        })}
        <Transition fallback=|| view! { <p>{texts().loading}</p> }>
            {move || {
                let user = user.clone();
                Suspend::new(async move {
                    match detail.await {
                        Ok((detail, programmes, institutions)) => Either::Left(view! { <CaseFile detail user refresh programmes institutions /> }),
                        Err(error) => Either::Right(view! { <ErrorPanel error /> }),
                    }
                })
            }}
        </Transition>
    }
}

#[component]
fn CaseFile(
    detail: CaseDetail,
    user: CurrentUser,
    refresh: Callback<String>,
    programmes: Vec<ProgrammeEntry>,
    institutions: Vec<InstitutionEntry>,
) -> impl IntoView {
    let summary = detail.summary;
    // Times on the case's own clock (its village's zone), named.
    let zone = shared::clock::Zone::of_area(summary.village.as_str());
    // Only what serves the household's village, and is in use.
    let village = summary.village.clone();
    let programmes: Vec<(String, String)> = programmes
        .into_iter()
        .filter(|p| p.entry.active && p.entry.area.contains_code(&village))
        .map(|p| {
            (
                p.id.to_string(),
                format!("{} ({})", p.entry.name, label(p.entry.sector)),
            )
        })
        .collect();
    let institutions: Vec<(String, String)> = institutions
        .into_iter()
        .filter(|i| i.institution.active && i.institution.serves.contains_code(&village))
        .map(|i| {
            (
                i.institution.id.as_str().to_string(),
                i.institution.name.clone(),
            )
        })
        .collect();
    let case_id = summary.id;
    let may_propose = user.role.may(shared::access::Action::ChangeProposal);
    let may_refer = user.role.may(shared::access::Action::IssueReferral)
        && matches!(
            summary.status.state,
            CaseState::ServiceDecided | CaseState::Referred | CaseState::Monitoring
        );
    let member_choices: Vec<(String, String)> = detail
        .members
        .iter()
        .map(|(id, name)| (id.to_string(), name.clone()))
        .collect();
    let complaint_choices: Vec<(String, String)> = detail
        .complaint_ids
        .iter()
        .zip(detail.complaints.iter())
        .map(|(id, c)| {
            (
                id.to_string(),
                format!("{} · {}", label(c.sector), c.description),
            )
        })
        .collect();
    view! {
        <h1 class="text-2xl font-semibold wrap-anywhere" data-testid="case-number">{summary.number.clone()}</h1>
        <dl class="mt-2 grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
            <dt class="font-medium">{tr("Kepala keluarga", "Head of family")}</dt>
            <dd data-testid="case-head">{summary.head_name.clone()}</dd>
            <dt class="font-medium">{tr("Desa/kelurahan", "Village")}</dt>
            <dd data-testid="case-village">
                {if detail.village_name.is_empty() { summary.village.as_str().to_string() } else { detail.village_name.clone() }}
                <span class="ml-1 text-xs text-slate-500">{summary.village.as_str().to_string()}</span>
            </dd>
            <dt class="font-medium">{tr("Status", "Status")}</dt>
            <dd data-testid="case-state">{format!("{} · {}", label(summary.status.state), label(summary.status.level))}</dd>
            <dt class="font-medium">{tr("Dibuka", "Opened")}</dt>
            <dd>{date_id(summary.opened_on)}</dd>
            <dt class="font-medium">{tr("Batas waktu", "Due")}</dt>
            <dd class:text-red-700=summary.overdue data-testid="case-due">
                {date_id(summary.deadline.due)}
                {summary.overdue.then_some(tr(" (terlambat)", " (overdue)"))}
            </dd>
        </dl>
        <p class="mt-1 flex flex-wrap gap-x-4 gap-y-1 text-sm">
            <a href=paths::household(summary.household_id) class="text-teal-800 underline">{tr("Buka berkas keluarga", "Open the household file")}</a>
            // Found missing from the registry or wrong in it at intake: straight to the proposal form.
            {may_propose.then(|| view! {
                <a href=format!("{}#usulan", paths::household(summary.household_id)) class="text-teal-800 underline" data-testid="case-propose">
                    {tr("Usulkan ke registri", "Propose to the registry")}
                </a>
            })}
        </p>
        <NextStep status=summary.status role=user.role />
        <CaseActions case_id version=summary.version state=summary.status.state actions=detail.available_actions.clone() refresh />
        <h2 class="mb-2 mt-6 text-lg font-semibold">{tr("Pengaduan dan kebutuhan", "Complaints and needs")}</h2>
        <ul class="space-y-2">
            {detail
                .complaints
                .into_iter()
                .map(|complaint| {
                    view! {
                        <li class="rounded-lg border border-slate-200 bg-white p-3 text-sm">
                            <p class="font-medium">
                                {format!("{} · {}", label(complaint.complaint_type), label(complaint.sector))}
                            </p>
                            <p>{complaint.description}</p>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
        <h2 class="mb-2 mt-6 text-lg font-semibold">{tr("Rujukan", "Referrals")}</h2>
        <ul class="space-y-2" data-testid="case-referrals">
            {detail
                .referrals
                .iter()
                .map(|referral| {
                    let member = referral.member_id.and_then(|id| {
                        detail.members.iter().find(|(m, _)| *m == id).map(|(_, name)| name.clone())
                    });
                    view! {
                        <li class="rounded-lg border border-slate-200 bg-white p-3 text-sm">
                            <p class="font-medium">{format!("{} · {}", referral.service_name, referral.institution_name)}</p>
                            {member.map(|name| view! {
                                <p data-testid="referral-member">{format!("{} {name}", tr("Untuk", "For"))}</p>
                            })}
                            <p class="text-slate-600">
                                {format!("{} · {} · {} {}", referral.number.as_str(), label(referral.state), tr("batas", "due"), date_id(referral.deadline.due))}
                            </p>
                            {referral.outcome_note.clone().map(|note| view! { <p>{note}</p> })}
                            <a href=paths::referral_letter(referral.id) class="text-teal-800 underline" data-testid="letter-link">{tr("Surat rujukan", "Referral letter")}</a>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
        {detail.referrals.is_empty().then(|| view! { <p class="text-sm text-slate-600">{tr("Belum ada rujukan.", "No referral yet.")}</p> })}
        {may_refer.then(|| view! { <ReferralForm case_id today=user.today complaints=complaint_choices members=member_choices programmes institutions refresh /> })}
        <Documents of=DocumentsOf::Record(DocumentRecord::Case(case_id)) />
        <h2 class="mb-2 mt-6 text-lg font-semibold">{tr("Riwayat", "Timeline")}</h2>
        <ol class="space-y-2 border-l-2 border-teal-200 pl-4 text-sm" data-testid="case-timeline">
            {detail
                .timeline
                .into_iter()
                .map(|step| {
                    let when = time_in(step.at, zone);
                    view! {
                        <li>
                            <p class="font-medium">
                                {format!(
                                    "{}{} → {}",
                                    if step.machine == shared::workflow::StateMachine::Referral { tr("Rujukan: ", "Referral: ") } else { "" },
                                    state_label(&step.from),
                                    state_label(&step.to),
                                )}
                            </p>
                            <p class="text-slate-600">
                                {format!("{when} · {} ({})", step.actor.username, label(step.actor.role))}
                            </p>
                            {step.note.map(|note| view! { <p>{note}</p> })}
                        </li>
                    }
                })
                .collect_view()}
        </ol>
    }
}

/// Whose turn it is and what they are expected to do, so that nobody waits
/// on a case thinking someone else has it.
#[component]
fn NextStep(status: shared::case::CaseStatus, role: shared::roles::Role) -> impl IntoView {
    let Some((kind, roles)) = shared::case::next_step(status) else {
        return Either::Left(view! {
            <p class="mt-3 text-sm text-slate-600" data-testid="case-next-step">
                {tr("Kasus ini sudah selesai; tidak ada langkah lagi.", "This case is finished; there is no further step.")}
            </p>
        });
    };
    let mine = roles.contains(&role);
    let who = roles
        .iter()
        .map(|r| label(*r))
        .collect::<Vec<_>>()
        .join(tr(" atau ", " or "));
    let what = match kind {
        CaseActionKind::Refer => tr(
            "terbitkan rujukan dengan formulir Rujukan di bawah",
            "issue the referral with the Referral form below",
        ),
        CaseActionKind::Resolve if status.state == CaseState::Monitoring => tr(
            "pantau rujukan sampai semuanya dijawab, lalu selesaikan kasus",
            "follow the referrals until each is answered, then resolve the case",
        ),
        _ => label(kind),
    };
    Either::Right(view! {
        <p
            class=if mine {
                "mt-3 rounded-lg border border-teal-300 bg-teal-50 p-3 text-sm"
            } else {
                "mt-3 rounded-lg border border-slate-200 bg-white p-3 text-sm"
            }
            data-testid="case-next-step"
            data-mine=if mine { "true" } else { "false" }
        >
            <span class="font-semibold">{tr("Langkah berikutnya: ", "Next step: ")}</span>
            {format!("{what} — {} {who}.", tr("oleh", "by"))}
            {mine.then(|| view! { <span class="ml-1 font-semibold text-teal-800">{tr("Giliran Anda.", "Your turn.")}</span> })}
        </p>
    })
}

/// The actions the user may take on the case now, each a small form that works
/// without WebAssembly too. Closing asks for the reason; closing and escalating
/// ask for a note.
#[component]
fn CaseActions(
    case_id: i64,
    version: i32,
    state: CaseState,
    actions: Vec<CaseActionKind>,
    refresh: Callback<String>,
) -> impl IntoView {
    let act = ServerAction::<CaseAction>::new();
    Effect::new(move |_| {
        if matches!(act.value().get(), Some(Ok(()))) {
            refresh.run(
                tr(
                    "Tindakan tersimpan; status dan langkah berikutnya di bawah ini sudah diperbarui.",
                    "Action saved; the state and the next step below are updated.",
                )
                .to_string(),
            );
        }
    });
    // Issuing the first referral is the `refer` step: that happens in the referral form.
    let actions: Vec<CaseActionKind> = actions
        .into_iter()
        .filter(|kind| *kind != CaseActionKind::Refer)
        .collect();
    let escalate_hint = match state {
        CaseState::Escalated => tr(
            "Eskalasi menyerahkan kasus ke tingkat berikutnya di atasnya.",
            "Escalation hands the case to the next level up.",
        ),
        _ => tr(
            "Eskalasi menyerahkan kasus ke tingkat di atasnya (desa → kabupaten/kota → provinsi/nasional).",
            "Escalation hands the case to the level above (village → district → province/national).",
        ),
    };
    (!actions.is_empty()).then(|| {
        view! {
            <section class="mt-4 rounded-xl border border-slate-200 bg-white p-4" data-testid="case-actions">
                <h2 class="mb-2 font-semibold">{tr("Tindakan", "Actions")}</h2>
                <div class="grid gap-3 sm:grid-cols-2">
                    {actions
                        .into_iter()
                        .map(|kind| {
                            let needs_note = matches!(kind, CaseActionKind::Close | CaseActionKind::Escalate);
                            let live = LiveCheck::new(|d: &CaseActionDraft| d.to_request().err());
                            let note_id = format!("note-{}", kind.code());
                            view! {
                                <ActionForm
                                    action=act
                                    attr:class="space-y-2 rounded-lg border border-slate-200 p-3"
                                    attr:data-action=kind.code()
                                    on:input=move |event| live.read(&event)
                                    on:focusout=move |event| live.leave(&event)
                                >
                                    <input type="hidden" name="case_id" value=case_id />
                                    <input type="hidden" name="version" value=version />
                                    <input type="hidden" name="action" value=kind.code() />
                                    {(kind == CaseActionKind::Close)
                                        .then(|| view! {
                                            <div>
                                                <label for="close-reason" class=LABEL>{tr("Alasan penutupan", "Reason for closing")}</label>
                                                <select id="close-reason" name="reason" class=INPUT required>
                                                    {CloseReason::ALL
                                                        .iter()
                                                        .map(|r| view! { <option value=r.code()>{label(*r)}</option> })
                                                        .collect_view()}
                                                </select>
                                            </div>
                                        })}
                                    {(kind == CaseActionKind::Escalate).then_some(view! { <p class="text-xs text-slate-600">{escalate_hint}</p> })}
                                    // Resolving and closing end the case: asked for in so many words,
                                    // so that a tap meant for the previous button cannot do it (the
                                    // browser holds the form until ticked, with or without script).
                                    {shared::case::is_final(kind).then(|| view! {
                                        <label class="flex items-start gap-2 text-sm">
                                            <input type="checkbox" required data-testid=format!("confirm-{}", kind.code()) class="mt-1" />
                                            <span>{if kind == CaseActionKind::Resolve {
                                                tr("Ya, kebutuhan warga sudah terpenuhi dan kasus ini diselesaikan.", "Yes, the resident's needs are met and this case is resolved.")
                                            } else {
                                                tr("Ya, tutup kasus ini tanpa penyelesaian.", "Yes, close this case without resolution.")
                                            }}</span>
                                        </label>
                                    })}
                                    <StepNote
                                        id=note_id
                                        label=if needs_note { tr("Catatan (wajib)", "Note (required)") } else { tr("Catatan", "Note") }
                                        required=needs_note
                                        taken=Signal::derive(move || matches!(act.value().get(), Some(Ok(()))))
                                        live
                                    />
                                    <button type="submit" class=BUTTON data-testid=format!("action-{}", kind.code())>{label(kind)}</button>
                                </ActionForm>
                            }
                        })
                        .collect_view()}
                </div>
                <div class="mt-3">
                    <FormResult result=outcome(act.value()) success=tr("Tersimpan.", "Saved.") />
                </div>
            </section>
        }
    })
}

/// Issues a referral: the service from the catalogue, the receiving institution,
/// and the resident's consent to share their data with it.
#[component]
fn ReferralForm(
    case_id: i64,
    today: chrono::NaiveDate,
    complaints: Vec<(String, String)>,
    members: Vec<(String, String)>,
    programmes: Vec<(String, String)>,
    institutions: Vec<(String, String)>,
    refresh: Callback<String>,
) -> impl IntoView {
    let issue = ServerAction::<IssueReferral>::new();
    Effect::new(move |_| {
        if let Some(Ok(issued)) = issue.value().get() {
            refresh.run(format!(
                "{} {} {}",
                tr("Rujukan", "Referral"),
                issued.number.as_str(),
                tr(
                    "terbit; surat rujukan siap dicetak dari daftar Rujukan.",
                    "issued; its letter is ready to print from the Referrals list.",
                ),
            ));
        }
    });
    let key = fresh_key();
    let live = LiveCheck::new(move |d: &ReferralDraft| d.to_request(today).err());
    let options = |list: Vec<(String, String)>| {
        list.into_iter()
            .map(|(value, text)| view! { <option value=value>{text}</option> })
            .collect_view()
    };
    view! {
        <ActionForm
            action=issue
            attr:class="mt-4 grid gap-3 rounded-xl border border-slate-200 bg-white p-4 sm:grid-cols-2"
            attr:data-testid="referral-form"
            on:input=move |event| live.read(&event)
            on:focusout=move |event| live.leave(&event)
        >
            <h3 class="font-semibold sm:col-span-2">{tr("Terbitkan rujukan", "Issue a referral")}</h3>
            <input type="hidden" name="idempotency_key" value=key />
            <input type="hidden" name="case_id" value=case_id />
            <div class="sm:col-span-2">
                <label for="ref-complaint" class=LABEL>{tr("Untuk kebutuhan", "For the need")}</label>
                <select id="ref-complaint" name="complaint_id" class=INPUT>
                    <option value="">{tr("Semua kebutuhan kasus ini", "All needs of this case")}</option>
                    {options(complaints)}
                </select>
            </div>
            <div class="sm:col-span-2">
                <label for="ref-member" class=LABEL>{tr("Untuk anggota keluarga", "For the family member")}</label>
                <select id="ref-member" name="member_id" class=INPUT>
                    <option value="">{tr("Seluruh keluarga", "The whole family")}</option>
                    {options(members)}
                </select>
            </div>
            <div>
                <label for="ref-programme" class=LABEL>{tr("Program/layanan", "Programme/service")}</label>
                <select id="ref-programme" name="programme_id" class=INPUT required>
                    <option value="">{tr("— pilih —", "— choose —")}</option>
                    {options(programmes)}
                </select>
                <LiveError live field="programme_id" />
            </div>
            <div>
                <label for="ref-institution" class=LABEL>{tr("Lembaga penerima", "Receiving institution")}</label>
                <select id="ref-institution" name="institution_id" class=INPUT required>
                    <option value="">{tr("— pilih —", "— choose —")}</option>
                    {options(institutions)}
                </select>
                <LiveError live field="institution_id" />
            </div>
            <div>
                <label for="ref-consent-by" class=LABEL>{tr("Persetujuan diberikan oleh", "Consent given by")}</label>
                <input id="ref-consent-by" name="consent_given_by" type="text" class=INPUT required placeholder=tr("nama warga atau walinya", "the resident or their guardian") />
                <LiveError live field="consent_given_by" />
            </div>
            <label class="flex items-start gap-2 text-sm sm:col-span-2">
                <input type="checkbox" name="consent" value="1" class="mt-1" required data-testid="consent" />
                <span>
                    {tr(
                        "Warga telah diberi tahu dan menyetujui datanya dibagikan kepada lembaga penerima untuk keperluan layanan ini (UU 27/2022).",
                        "The resident was told and agrees that their data is shared with the receiving institution for this service (Law 27/2022).",
                    )}
                </span>
            </label>
            <div class="sm:col-span-2">
                <button type="submit" class=BUTTON data-testid="referral-submit">{tr("Terbitkan rujukan", "Issue the referral")}</button>
            </div>
            <div class="sm:col-span-2">
                {move || issue.value().get().map(|result| match result {
                    Ok(referral) => Either::Left(view! {
                        <p role="status" data-testid="form-success" class="rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-800">
                            {format!("{} {} · ", tr("Rujukan terbit:", "Referral issued:"), referral.number.as_str())}
                            <a href=paths::referral_letter(referral.id) class="underline" data-testid="issued-letter">{tr("cetak surat rujukan", "print the referral letter")}</a>
                        </p>
                    }),
                    Err(error) => Either::Right(view! { <FormResult result=Signal::derive(move || Some(Err(error.clone()))) success="" /> }),
                })}
            </div>
        </ActionForm>
    }
}

/// The name of a case or referral state code in the timeline (both machines write to it).
fn state_label(code: &str) -> String {
    CaseState::from_code(code)
        .map(label)
        .or_else(|| shared::referral::ReferralState::from_code(code).map(label))
        .unwrap_or(code)
        .to_string()
}
