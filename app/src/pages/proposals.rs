//! Registry proposals (flow B): the worklist of what awaits the user's step,
//! and a proposal's page with its timeline and the steps the user may take.

use leptos::either::Either;
use leptos::prelude::*;
use shared::document::DocumentRecord;
use shared::drafts::ProposalActionDraft;
use shared::dto::{CurrentUser, ProposalFile, ProposalFilter, ProposalListQuery, ProposalRow};
use shared::proposal::{ProposalAction, ProposalFlow, ProposalKind, ProposalStage};
use shared::roles::Role;
use shared::workflow::Workflow;

use crate::api::{ProposalStep, RecordCivilMatch, get_proposal, proposal_list};
use crate::components::documents::{Documents, DocumentsOf};
use crate::components::list::{ExportLinks, Pager, encode_query, query_page, query_value};
use crate::components::live_check::{LiveCheck, LiveError, StepNote};
use crate::components::page::{
    BUTTON, BUTTON_QUIET, ErrorPanel, FormResult, INPUT, LABEL, PageHeading, SignedInPage, outcome,
    route_id,
};
use crate::format::time_in;
use crate::i18n::{label, texts, tr};
use crate::pages::proposal_form::ChangePreview;
use crate::paths;

/// The `tahap` of the worklist that shows what awaits the user's own step.
const MINE: &str = ProposalListQuery::MINE;
/// The `tahap` that shows every proposal of the area.
const ALL: &str = ProposalListQuery::ALL;

/// The proposals of the user's area; first what awaits the user's step.
#[component]
pub fn ProposalListPage() -> impl IntoView {
    view! {
        <SignedInPage
            needs=shared::access::Action::ChangeProposal
            title=tr("Usulan registri", "Registry proposals")
            content=|user| view! { <ProposalListBody role=user.role /> }
        />
    }
}

#[component]
fn ProposalListBody(role: Role) -> impl IntoView {
    let choice = query_value("tahap");
    let kind = query_value("jenis");
    let area = query_value("wilayah");
    let idle = query_value("umur");
    let page = query_page();
    let mine_exists = !ProposalFlow::awaiting(role).is_empty();
    let query = move || ProposalListQuery {
        tahap: choice(),
        jenis: kind(),
        wilayah: area(),
        umur: idle(),
        page: String::new(),
    };
    let rows = Resource::new(
        move || (query(), page()),
        move |(query, page)| {
            proposal_list(ProposalFilter {
                page,
                ..query.filter(role)
            })
        },
    );
    let selected = move |value: &str| {
        let now = choice();
        now == value || (value == MINE && now.is_empty() && mine_exists)
    };
    view! {
        <PageHeading text=tr("Usulan registri", "Registry proposals") />
        <p class="mb-3 text-sm text-slate-600">
            {tr(
                "Usulan keluarga ke DTSEN: musdes, verivali, padan Dukcapil, pengesahan, kirim ke Kemensos.",
                "Proposals of families to the registry: village meeting, home visit, civil-registry match, approval, sending to Kemensos.",
            )}
        </p>
        <form method="get" class="mb-4 flex flex-wrap items-end gap-3">
            <div>
                <label for="tahap" class=LABEL>{tr("Tampilkan", "Show")}</label>
                <select id="tahap" name="tahap" class=INPUT data-testid="proposal-stage-filter">
                    {mine_exists.then(|| view! {
                        <option value=MINE selected=selected(MINE)>{tr("Menunggu langkah saya", "Awaiting my step")}</option>
                    })}
                    <option value=ALL selected=selected(ALL) || (choice().is_empty() && !mine_exists)>{tr("Semua tahap", "Every stage")}</option>
                    {ProposalStage::ALL
                        .iter()
                        .map(|stage| view! { <option value=stage.code() selected=selected(stage.code())>{label(*stage)}</option> })
                        .collect_view()}
                </select>
            </div>
            <div>
                <label for="jenis" class=LABEL>{tr("Jenis", "Kind")}</label>
                <select id="jenis" name="jenis" class=INPUT>
                    <option value="">{tr("Semua jenis", "Every kind")}</option>
                    {ProposalKind::ALL
                        .iter()
                        .map(|k| view! { <option value=k.code() selected=kind() == k.code()>{label(*k)}</option> })
                        .collect_view()}
                </select>
            </div>
            <div>
                <label for="wilayah" class=LABEL>{tr("Kode desa/kecamatan", "Village or sub-district code")}</label>
                <input id="wilayah" name="wilayah" type="text" inputmode="decimal" value=area placeholder="32.09.01.2008" class=INPUT />
            </div>
            <div>
                <label for="umur" class=LABEL>{tr("Tanpa langkah selama", "No step for")}</label>
                <select id="umur" name="umur" class=INPUT>
                    <option value="">{tr("Berapa pun", "Any time")}</option>
                    {ProposalListQuery::IDLE_DAYS
                        .iter()
                        .map(|days| {
                            let value = days.to_string();
                            let chosen = idle() == value;
                            view! { <option value=value selected=chosen>{format!("≥ {days} {}", tr("hari", "days"))}</option> }
                        })
                        .collect_view()}
                </select>
            </div>
            <button type="submit" class=BUTTON_QUIET>{tr("Terapkan", "Apply")}</button>
            <a href=paths::MEETINGS class=BUTTON_QUIET data-testid="meetings-link">{tr("Musdes", "Village meetings")}</a>
            <a href=paths::BATCHES class=BUTTON_QUIET data-testid="batches-link">{tr("Pengesahan dan pengiriman", "Approval and sending")}</a>
            {(role.may(shared::access::Action::RegisterHousehold) && role.may(shared::access::Action::ChangeProposal)).then(|| view! {
                <a href=paths::INTAKE_TO_PROPOSE class=BUTTON_QUIET data-testid="propose-new-family">{tr("Usulkan keluarga baru", "Propose a new family")}</a>
            })}
            <ExportLinks csv=paths::PROPOSALS_CSV xlsx=paths::PROPOSALS_XLSX query=Signal::derive(move || query().pairs()) test_id="proposal-export" />
        </form>
        {ProposalFlow::awaiting(role).contains(&ProposalStage::Verified).then(|| view! { <MatchFileForm /> })}
        <Suspense fallback=|| view! { <p>{texts().loading}</p> }>
            {move || Suspend::new(async move {
                match rows.await {
                    Ok(found) => {
                        let query = encode_query(&query().pairs());
                        let found_page = found.page;
                        Either::Left(view! {
                            <StageCounts stages=found.stages kind=kind() area=area() />
                            <p class="mb-2 text-sm text-slate-600" data-testid="proposal-count">
                                {format!("{} {}", found_page.total, tr("usulan", "proposals"))}
                            </p>
                            {found_page.items.is_empty().then(|| view! {
                                <p class="rounded-md bg-slate-50 px-3 py-2 text-sm">{tr("Tidak ada usulan di sini.", "No proposal here.")}</p>
                            })}
                            <ul class="space-y-3" data-testid="proposal-list">
                                {found_page.items.into_iter().map(|row| view! { <ProposalCard row /> }).collect_view()}
                            </ul>
                            <Pager page=found_page.page per_page=found_page.per_page total=found_page.total query />
                        })
                    }
                    Err(error) => Either::Right(view! { <ErrorPanel error /> }),
                }
            })}
        </Suspense>
    }
}

/// The civil registry's match-result file, sent as a plain form, and what
/// became of the last one (from the address the upload answered with).
#[component]
fn MatchFileForm() -> impl IntoView {
    use shared::proposal_batch::BatchProblem;
    let done = query_value("padan");
    let lines = query_value("baris");
    let refused = query_value("padan_galat");
    let outcome = move || {
        let done = done();
        let counts: Vec<&str> = done.split('-').collect();
        match (refused().as_str(), counts.as_slice()) {
            ("", [matched, incomplete, problems, rows]) => Some((
                false,
                format!(
                    "{} {rows} {}: {matched} {}, {incomplete} {}, {problems} {}{}",
                    tr("File dibaca,", "File read,"),
                    tr("baris", "rows"),
                    tr("usulan tercatat padan", "proposals recorded as matched"),
                    tr(
                        "usulan belum lengkap (tunggu anggota lain)",
                        "proposals incomplete (members missing)"
                    ),
                    tr("baris ditolak", "rows refused"),
                    if lines().is_empty() {
                        String::new()
                    } else {
                        format!(
                            " ({} {}: {})",
                            tr("baris", "rows"),
                            lines(),
                            tr(
                                "periksa NIK 16 digit sebagai Teks dan hasil Padan/Tidak padan",
                                "check the 16-digit NIK as Text and the answer matched/not matched"
                            )
                        )
                    },
                ),
            )),
            ("", _) => None,
            (code, _) => Some((
                true,
                BatchProblem::from_code(code).map_or_else(
                    || {
                        tr(
                            "File tidak dapat diimpor.",
                            "The file could not be imported.",
                        )
                        .to_string()
                    },
                    |problem| label(problem).to_string(),
                ),
            )),
        }
    };
    view! {
        <details class="mb-4 rounded-xl border border-slate-200 bg-white p-3 text-sm" open=move || outcome().is_some() data-testid="match-file">
            <summary class="cursor-pointer font-semibold">{tr("Impor file hasil padan Dukcapil", "Import the civil registry's match-result file")}</summary>
            <p class="mt-2 text-slate-600">
                {tr(
                    "CSV atau XLSX dengan kolom NIK dan kolom hasil (Padan / Tidak padan). Usulan yang semua anggotanya terjawab tercatat padan; yang lain tetap menunggu.",
                    "CSV or XLSX with a NIK column and an answer column (matched / not matched). Proposals whose every member is answered are recorded as matched; the others keep waiting.",
                )}
            </p>
            <form method="post" enctype="multipart/form-data" action=paths::MATCH_FILE_UPLOAD class="mt-2 flex flex-wrap items-end gap-2">
                <label for="match-file-input" class="sr-only">{tr("File hasil padan", "Match-result file")}</label>
                <input id="match-file-input" type="file" name="file" required accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" class="max-w-full text-sm" data-testid="match-file-input" />
                <button type="submit" class=BUTTON data-testid="match-file-upload">{tr("Impor", "Import")}</button>
            </form>
            {move || outcome().map(|(failed, text)| view! {
                <p
                    class=if failed { "mt-2 rounded-md bg-red-50 px-3 py-2 text-red-900" } else { "mt-2 rounded-md bg-emerald-50 px-3 py-2 text-emerald-900" }
                    role="status"
                    data-testid=if failed { "match-file-error" } else { "match-file-result" }
                >
                    {text}
                </p>
            })}
        </details>
    }
}

/// How many proposals stand at each stage, each a link to that stage's list.
#[component]
fn StageCounts(stages: Vec<(ProposalStage, u64)>, kind: String, area: String) -> impl IntoView {
    view! {
        <nav aria-label=tr("Jumlah per tahap", "Count per stage") class="mb-3">
            <ul class="flex flex-wrap gap-2 text-sm" data-testid="proposal-stage-counts">
                {stages
                    .into_iter()
                    .map(|(stage, count)| {
                        let href = format!(
                            "?{}",
                            encode_query(&[("tahap", stage.code().to_string()), ("jenis", kind.clone()), ("wilayah", area.clone())])
                        );
                        view! {
                            <li>
                                <a href=href class="inline-block rounded-full border border-slate-300 bg-white px-3 py-1" data-stage=stage.code() data-count=count>
                                    {format!("{} {count}", label(stage))}
                                </a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </nav>
    }
}

#[component]
fn ProposalCard(row: ProposalRow) -> impl IntoView {
    let zone = shared::clock::Zone::of_area(row.village.as_str());
    view! {
        <li class="rounded-xl border border-slate-200 bg-white p-4" data-testid="proposal-card" data-stage=row.stage.code()>
            <div class="flex flex-wrap items-start justify-between gap-2">
                <div class="min-w-0">
                    <a href=paths::proposal(row.id) class="font-semibold text-teal-800 underline break-words" data-testid="proposal-link">
                        {row.head_name.clone()}
                    </a>
                    <p class="text-sm text-slate-600 break-words">
                        {format!(
                            "{} · {} · {}",
                            row.change_type.map_or_else(|| label(row.kind), label),
                            row.no_kk_masked,
                            row.village.as_str(),
                        )}
                    </p>
                </div>
                <span class="rounded-full bg-slate-100 px-3 py-1 text-xs font-semibold" data-testid="proposal-stage">
                    {label(row.stage)}
                </span>
            </div>
            <p class="mt-1 text-xs text-slate-600">
                {format!("{} {}", tr("Terakhir bergerak", "Last moved"), time_in(row.updated_at, zone))}
            </p>
        </li>
    }
}

/// One proposal: the family, the change asked, every step so far and the user's next step.
#[component]
pub fn ProposalPage() -> impl IntoView {
    view! {
        <SignedInPage
            needs=shared::access::Action::ChangeProposal
            title=tr("Usulan registri", "Registry proposal")
            content=|user| view! { <ProposalBody user /> }
        />
    }
}

#[component]
fn ProposalBody(user: CurrentUser) -> impl IntoView {
    let id = route_id();
    let step = ServerAction::<ProposalStep>::new();
    let matched = ServerAction::<RecordCivilMatch>::new();
    let file = Resource::new(
        move || (id(), step.version().get(), matched.version().get()),
        |(id, _, _)| get_proposal(id),
    );
    let role = user.role;
    view! {
        <Transition fallback=|| view! { <p>{texts().loading}</p> }>
            {move || Suspend::new(async move {
                match file.await {
                    Ok(file) => Either::Left(view! { <ProposalView file role step matched /> }),
                    Err(error) => Either::Right(view! { <ErrorPanel error /> }),
                }
            })}
        </Transition>
    }
}

#[component]
fn ProposalView(
    file: ProposalFile,
    role: Role,
    step: ServerAction<ProposalStep>,
    matched: ServerAction<RecordCivilMatch>,
) -> impl IntoView {
    let new_card = moving_to_new_card(&file);
    let proposal = file.proposal;
    let zone = shared::clock::Zone::of_area(proposal.village.as_str());
    let actions = ProposalFlow::available_actions(proposal.stage, role);
    let finished = matches!(
        proposal.stage,
        ProposalStage::Enacted | ProposalStage::Rejected
    );
    view! {
        <PageHeading text=tr("Usulan registri", "Registry proposal") />
        <dl class="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 rounded-xl border border-slate-200 bg-white p-4 text-sm" data-testid="proposal-summary">
            <dt class="font-medium">{tr("Kepala keluarga", "Head of family")}</dt>
            <dd class="break-words">
                <a href=paths::household(proposal.household_id) class="text-teal-800 underline">{proposal.head_name.clone()}</a>
            </dd>
            <dt class="font-medium">{tr("No KK", "Family card")}</dt>
            <dd>{proposal.no_kk_masked.clone()}</dd>
            <dt class="font-medium">{tr("Desa/kelurahan", "Village")}</dt>
            <dd>{proposal.village.as_str().to_string()}</dd>
            <dt class="font-medium">{tr("Jenis", "Kind")}</dt>
            <dd data-testid="proposal-kind">
                {match proposal.change_type {
                    Some(change) => format!("{} ({})", label(proposal.kind), label(change)),
                    None => label(proposal.kind).to_string(),
                }}
            </dd>
            <dt class="font-medium">{tr("Asal", "Source")}</dt>
            <dd>{label(proposal.source)}</dd>
            <dt class="font-medium">{tr("Tahap", "Stage")}</dt>
            <dd class="font-semibold" data-testid="proposal-stage">{label(proposal.stage)}</dd>
        </dl>
        {(!file.comparison.is_empty()).then(|| {
            let lines = file.comparison.clone();
            view! {
                <section class="mt-4 rounded-xl border border-slate-200 bg-white p-4">
                    <h2 class="mb-2 font-semibold">{tr("Perubahan yang diusulkan", "The change proposed")}</h2>
                    <ChangePreview lines=Signal::stored(lines) />
                </section>
            }
        })}
        {(!file.others.is_empty()).then(|| {
            let others = file.others.clone();
            view! {
                <section class="mt-4 rounded-xl border border-amber-300 bg-amber-50 p-4 text-sm" data-testid="proposal-others">
                    <h2 class="mb-2 font-semibold">{tr("Usulan lain keluarga ini yang belum selesai", "This family's other unfinished proposals")}</h2>
                    <ul class="space-y-1">
                        {others
                            .into_iter()
                            .map(|(other, conflict)| view! {
                                <li data-conflict=conflict.to_string()>
                                    <a href=paths::proposal(other.id) class="text-teal-800 underline">
                                        {format!(
                                            "{} · {}",
                                            other.change_type.map_or_else(|| label(other.kind), label),
                                            label(other.stage),
                                        )}
                                    </a>
                                    {conflict.then(|| view! {
                                        <span class="ml-2 font-semibold text-amber-900">
                                            {tr("bertentangan: menyangkut anggota yang sama atau seluruh keluarga", "conflicts: names the same member or the whole family")}
                                        </span>
                                    })}
                                </li>
                            })
                            .collect_view()}
                    </ul>
                </section>
            }
        })}
        {(proposal.stage != ProposalStage::Proposed).then(|| view! {
            <p class="mt-4 text-sm">
                <a href=paths::home_visit(proposal.id) class="font-semibold text-teal-800 underline" data-testid="proposal-visit-link">
                    {if proposal.stage == ProposalStage::VillageMeetingApproved {
                        tr("Isi formulir verivali (kunjungan rumah)", "Fill in the home visit form")
                    } else {
                        tr("Lihat verivali (kunjungan rumah)", "See the home visit")
                    }}
                </a>
            </p>
        })}
        {(!file.match_members.is_empty() && file.match_members.iter().any(|m| m.outcome.is_some())).then(|| {
            let members = file.match_members.clone();
            view! {
                <section class="mt-4 rounded-xl border border-slate-200 bg-white p-4 text-sm" data-testid="proposal-match">
                    <h2 class="mb-2 font-semibold">{tr("Hasil padan Dukcapil", "Civil-registry match")}</h2>
                    <ul class="space-y-1">
                        {members.into_iter().map(|m| view! {
                            <li class="break-words">
                                {format!(
                                    "{} ({}) · {} · {}",
                                    m.name,
                                    label(m.relationship),
                                    m.nik_masked.unwrap_or_else(|| tr("tanpa NIK", "no NIK").to_string()),
                                    m.outcome.map(label).unwrap_or("–"),
                                )}
                            </li>
                        }).collect_view()}
                    </ul>
                </section>
            }
        })}
        {file.batch.clone().map(|(batch_id, number)| view! {
            <p class="mt-4 text-sm" data-testid="proposal-batch">
                {tr("Berkas: ", "Batch: ")}
                <a href=paths::batch(batch_id) class="font-semibold text-teal-800 underline">{number}</a>
            </p>
        })}
        <section class="mt-4 rounded-xl border border-slate-200 bg-white p-4" data-testid="proposal-actions">
            <h2 class="mb-2 font-semibold">{tr("Langkah berikutnya", "Next step")}</h2>
            {match (finished, actions.is_empty()) {
                (true, _) => Either::Left(view! {
                    <p class="text-sm">{tr("Usulan ini sudah selesai.", "This proposal is finished.")}</p>
                }.into_any()),
                (false, true) => Either::Left(view! {
                    <p class="text-sm" data-testid="proposal-waits">
                        {format!("{} {}", tr("Menunggu:", "Waiting for:"), waiting_for(proposal.stage))}
                    </p>
                }.into_any()),
                (false, false) => Either::Right(view! {
                    {(proposal.stage == ProposalStage::Proposed).then(|| view! {
                        <p class="mb-2 text-sm" data-testid="proposal-meeting-hint">
                            {tr("Keputusan musdes dicatat untuk semua usulan desa sekaligus di ", "The village meeting's decisions are recorded for all of the village's proposals at once under ")}
                            <a href=paths::NEW_MEETING class="text-teal-800 underline">{tr("Musdes", "Village meetings")}</a>
                            {tr(" (dengan berita acara); langkah di bawah untuk musdes yang dicatat di luar portal.", " (with the signed minutes); the step below is for a meeting recorded outside the portal.")}
                        </p>
                    })}
                    <div class="grid gap-3 sm:grid-cols-2">
                        {actions
                            .into_iter()
                            .map(|action| match action {
                                ProposalAction::MatchCivilRegistry => view! {
                                    <MatchForm proposal=proposal.clone() members=file.match_members.clone() matched />
                                }.into_any(),
                                ProposalAction::Ratify | ProposalAction::Submit => view! {
                                    <p class="rounded-lg border border-slate-200 p-3 text-sm" data-testid="proposal-batch-hint">
                                        {tr("Pengesahan dan pengiriman dicatat per berkas di ", "Approval and sending are recorded per batch under ")}
                                        <a href=paths::BATCHES class="font-semibold text-teal-800 underline">{tr("Pengesahan dan pengiriman", "Approval and sending")}</a>
                                        "."
                                    </p>
                                }.into_any(),
                                ProposalAction::Enact => view! {
                                    <StepForm proposal=proposal.clone() action step new_card=new_card.clone() />
                                }.into_any(),
                                _ => view! { <StepForm proposal=proposal.clone() action step new_card=None /> }.into_any(),
                            })
                            .collect_view()}
                    </div>
                }),
            }}
            <div class="mt-3">
                <FormResult result=outcome(step.value()) success=tr("Langkah tercatat.", "Step recorded.") />
                <FormResult result=outcome(matched.value()) success=tr("Hasil padan tercatat.", "Match recorded.") />
            </div>
        </section>
        <Documents of=DocumentsOf::Record(DocumentRecord::Proposal(proposal.id)) />
        <h2 class="mb-2 mt-6 text-lg font-semibold">{tr("Riwayat", "Timeline")}</h2>
        <ol class="space-y-2 border-l-2 border-teal-200 pl-4 text-sm" data-testid="proposal-timeline">
            {file
                .timeline
                .into_iter()
                .map(|change| {
                    let when = time_in(change.at, zone);
                    let to = ProposalStage::from_code(&change.to).map(label).unwrap_or_default();
                    let done = ProposalAction::from_code(&change.action).map(label).unwrap_or_else(|| tr("Diusulkan", "Proposed"));
                    view! {
                        <li>
                            <p class="font-medium">{format!("{done} → {to}")}</p>
                            <p class="text-slate-600">{format!("{when} · {} ({})", change.actor.username, label(change.actor.role))}</p>
                            {change.note.map(|note| view! { <p class="break-words">{note}</p> })}
                        </li>
                    }
                })
                .collect_view()}
        </ol>
    }
}

/// Who takes the next step of a proposal at `stage`.
fn waiting_for(stage: ProposalStage) -> String {
    let roles = ProposalFlow::roles(stage, ProposalAction::Reject);
    roles
        .iter()
        .map(|role| label(*role))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The members a pecah KK moves to the new card (id and name), when `file` is
/// one; its enactment asks for the new card.
fn moving_to_new_card(file: &ProposalFile) -> Option<Vec<(i64, String)>> {
    // A pecah KK recorded on the household file has its card already.
    if file.proposal.source == shared::proposal::ProposalSource::HouseholdEvent {
        return None;
    }
    match &file.change {
        Some(shared::proposal_change::ProposalChange::Split { member_ids }) => Some(
            member_ids
                .iter()
                .map(|id| {
                    let name = file
                        .match_members
                        .iter()
                        .find(|m| m.id == *id)
                        .map_or_else(|| format!("#{id}"), |m| m.name.clone());
                    (*id, name)
                })
                .collect(),
        ),
        _ => None,
    }
}

/// One step the user may take, with its note (the refusal's reason is
/// required); a pecah KK's enactment also takes the new card's number and head.
#[component]
fn StepForm(
    proposal: ProposalRow,
    action: ProposalAction,
    step: ServerAction<ProposalStep>,
    new_card: Option<Vec<(i64, String)>>,
) -> impl IntoView {
    let live = LiveCheck::new(|d: &ProposalActionDraft| d.to_request().err());
    let needs_note = ProposalFlow::requires_note(action);
    let note_id = format!("proposal-note-{}", action.code());
    view! {
        <ActionForm
            action=step
            attr:class="space-y-2 rounded-lg border border-slate-200 p-3"
            attr:data-action=action.code()
            on:input=move |event| live.read(&event)
            on:focusout=move |event| live.leave(&event)
        >
            <input type="hidden" name="proposal_id" value=proposal.id />
            <input type="hidden" name="version" value=proposal.version />
            <input type="hidden" name="action" value=action.code() />
            {new_card.map(|moving| view! {
                <div data-testid="proposal-new-card">
                    <label for="proposal-new-no-kk" class=LABEL>{tr("No KK baru (dari Dukcapil)", "New family card number (from the civil registry)")}</label>
                    <input id="proposal-new-no-kk" name="new_no_kk" type="text" inputmode="numeric" maxlength="16" required class=INPUT data-testid="proposal-new-no-kk" />
                    <LiveError live field="new_no_kk" />
                    <label for="proposal-new-head" class=LABEL>{tr("Kepala keluarga KK baru", "Head of the new card")}</label>
                    <select id="proposal-new-head" name="new_head" required class=INPUT data-testid="proposal-new-head">
                        <option value="">{tr("Pilih", "Choose")}</option>
                        {moving
                            .into_iter()
                            .map(|(id, name)| view! { <option value=id>{name}</option> })
                            .collect_view()}
                    </select>
                    <LiveError live field="new_head" />
                </div>
            })}
            <StepNote
                id=note_id
                label=if needs_note {
                    tr("Alasan (wajib)", "Reason (required)")
                } else {
                    tr("Nomor berita acara / catatan", "Minutes or decree number / note")
                }
                required=needs_note
                taken=Signal::derive(move || matches!(step.value().get(), Some(Ok(_))))
                live
                test_id=format!("proposal-note-{}", action.code())
            />
            <button type="submit" class=BUTTON data-testid=format!("proposal-{}", action.code())>{label(action)}</button>
        </ActionForm>
    }
}

/// The padan Dukcapil form: what the civil registry answered for each living
/// member (a member without NIK can only be "no NIK").
#[component]
fn MatchForm(
    proposal: ProposalRow,
    members: Vec<shared::proposal_batch::MatchMember>,
    matched: ServerAction<RecordCivilMatch>,
) -> impl IntoView {
    use shared::proposal_batch::MatchOutcome;
    view! {
        <ActionForm action=matched attr:class="space-y-2 rounded-lg border border-slate-200 p-3 sm:col-span-2" attr:data-testid="proposal-match-form">
            <input type="hidden" name="proposal_id" value=proposal.id />
            <input type="hidden" name="version" value=proposal.version />
            <p class="text-sm font-semibold">{tr("Hasil padan Dukcapil per anggota", "Civil-registry match per member")}</p>
            <ul class="space-y-2">
                {members
                    .into_iter()
                    .enumerate()
                    .map(|(index, member)| {
                        let select_id = format!("match-member-{}", member.id);
                        let choices: Vec<MatchOutcome> = if member.nik_masked.is_some() {
                            vec![MatchOutcome::Matched, MatchOutcome::NotMatched]
                        } else {
                            vec![MatchOutcome::NoNik]
                        };
                        let only = choices.len() == 1;
                        view! {
                            <li>
                                <input type="hidden" name=format!("members[{index}][member_id]") value=member.id />
                                <label for=select_id.clone() class=LABEL>
                                    {format!(
                                        "{} ({}) · {}",
                                        member.name,
                                        label(member.relationship),
                                        member.nik_masked.clone().unwrap_or_else(|| tr("tanpa NIK", "no NIK").to_string()),
                                    )}
                                </label>
                                <select id=select_id name=format!("members[{index}][outcome]") class=INPUT required data-field=format!("members.{index}.outcome")>
                                    {(!only).then(|| view! { <option value="">{tr("Pilih", "Choose")}</option> })}
                                    {choices
                                        .into_iter()
                                        .map(|choice| view! { <option value=choice.code()>{label(choice)}</option> })
                                        .collect_view()}
                                </select>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            <div>
                <label for="match-note" class=LABEL>{tr("Nomor surat hasil padan / catatan", "Match letter number / note")}</label>
                <input id="match-note" name="note" type="text" maxlength="1000" class=INPUT data-testid="proposal-match-note" />
            </div>
            <button type="submit" class=BUTTON data-testid="proposal-match_civil_registry">{tr("Catat padan Dukcapil", "Record the match")}</button>
        </ActionForm>
    }
}
