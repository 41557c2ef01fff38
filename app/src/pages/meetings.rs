//! Village meetings (musdes/muskel) of flow B: the list, a new meeting with
//! its agenda of the village's waiting proposals, a meeting's record (the
//! decision on each proposal, the signed minutes, approval) and the agenda
//! printed for the meeting itself.
//!
//! The forms are plain forms (`ActionForm`, a file upload posted to the
//! server): they work before the bundle has loaded and without JavaScript.

use leptos::either::Either;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use shared::dto::{CurrentUser, ProposalRow};
use shared::meeting::{
    MINUTES_MAX_BYTES, MeetingDecision, MeetingDraft, MeetingFile, MeetingItem, MeetingProblem,
    MeetingRow, MeetingState,
};
use shared::proposal::{ProposalFlow, ProposalStage};
use shared::roles::Role;

use crate::api::{
    ApproveMeeting, DecideInMeeting, SaveMeeting, get_meeting, meeting_agenda_options, meeting_list,
};
use crate::components::list::fresh_key;
use crate::components::page::{
    BUTTON, BUTTON_QUIET, ErrorPanel, FormResult, INPUT, LABEL, PageHeading, SignedInPage, outcome,
    route_id,
};
use crate::format::{date_id, time_in};
use crate::i18n::{label, texts, tr};
use crate::paths;

/// Whether `role` prepares and approves village meetings (the musdes step's roles).
fn records_meetings(role: Role) -> bool {
    ProposalFlow::awaiting(role).contains(&ProposalStage::Proposed)
}

/// The meetings of the user's area.
#[component]
pub fn MeetingListPage() -> impl IntoView {
    view! {
        <SignedInPage
            needs=shared::access::Action::ChangeProposal
            title=tr("Musyawarah desa", "Village meetings")
            content=|user| view! { <MeetingListBody role=user.role /> }
        />
    }
}

#[component]
fn MeetingListBody(role: Role) -> impl IntoView {
    let list = Resource::new(|| (), |()| meeting_list());
    view! {
        <PageHeading text=tr("Musyawarah desa (musdes)", "Village meetings (musdes)") />
        <p class="mb-3 text-sm text-slate-600">
            {tr(
                "Usulan keluarga ke registri dibahas di musyawarah desa/kelurahan. Setelah berita acara diunggah dan musdes disahkan, usulan yang disetujui lanjut ke verivali.",
                "Registry proposals are discussed at the village meeting. Once its signed minutes are uploaded and the meeting is approved, agreed proposals go on to the home visit.",
            )}
        </p>
        <div class="mb-4 flex flex-wrap gap-2">
            {records_meetings(role).then(|| view! {
                <a href=paths::NEW_MEETING class=BUTTON data-testid="new-meeting">{tr("Musdes baru", "New meeting")}</a>
            })}
            <a href=paths::PROPOSALS class=BUTTON_QUIET>{tr("Daftar usulan", "Proposals")}</a>
        </div>
        <Suspense fallback=|| view! { <p>{texts().loading}</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(rows) if rows.is_empty() => Either::Left(Either::Left(view! {
                        <p class="rounded-md bg-slate-50 px-3 py-2 text-sm">{tr("Belum ada musdes di wilayah ini.", "No village meeting in this area yet.")}</p>
                    })),
                    Ok(rows) => Either::Left(Either::Right(view! {
                        <ul class="space-y-3" data-testid="meeting-list">
                            {rows.into_iter().map(|row| view! { <MeetingCard row /> }).collect_view()}
                        </ul>
                    })),
                    Err(error) => Either::Right(view! { <ErrorPanel error /> }),
                }
            })}
        </Suspense>
    }
}

#[component]
fn MeetingCard(row: MeetingRow) -> impl IntoView {
    view! {
        <li class="rounded-xl border border-slate-200 bg-white p-4" data-testid="meeting-card" data-state=row.state.code()>
            <div class="flex flex-wrap items-start justify-between gap-2">
                <div class="min-w-0">
                    <a href=paths::meeting(row.id) class="font-semibold text-teal-800 underline break-words">
                        {format!("{} · {}", row.village_name, date_id(row.held_on))}
                    </a>
                    <p class="text-sm text-slate-600 break-words">{row.place.clone()}</p>
                    <p class="text-sm text-slate-600">
                        {format!(
                            "{} {} · {} {} · {} {}",
                            row.agenda,
                            tr("usulan", "proposals"),
                            row.agreed,
                            tr("disetujui", "agreed"),
                            row.not_agreed,
                            tr("tidak disetujui", "not agreed"),
                        )}
                    </p>
                </div>
                <StateBadge state=row.state />
            </div>
        </li>
    }
}

#[component]
fn StateBadge(state: MeetingState) -> impl IntoView {
    let class = match state {
        MeetingState::Open => {
            "rounded-full bg-amber-100 px-3 py-1 text-xs font-semibold text-amber-900"
        }
        MeetingState::Approved => {
            "rounded-full bg-emerald-100 px-3 py-1 text-xs font-semibold text-emerald-900"
        }
    };
    view! { <span class=class data-testid="meeting-state">{label(state)}</span> }
}

/// A new meeting: the village, date, place and people, and the agenda.
#[component]
pub fn NewMeetingPage() -> impl IntoView {
    view! {
        <SignedInPage
            needs=shared::access::Action::ChangeProposal
            title=tr("Musdes baru", "New village meeting")
            content=|_user| view! { <NewMeetingBody /> }
        />
    }
}

#[component]
fn NewMeetingBody() -> impl IntoView {
    let query = use_query_map();
    let village = move || query.read().get("desa").unwrap_or_default();
    let candidates = Resource::new(village, meeting_agenda_options);
    view! {
        <PageHeading text=tr("Musdes baru", "New village meeting") />
        <Suspense fallback=|| view! { <p>{texts().loading}</p> }>
            {move || Suspend::new(async move {
                match candidates.await {
                    Ok(found) => {
                        let choose = view! {
                            <form method="get" class="mb-4 flex flex-wrap items-end gap-3" data-testid="meeting-village">
                                <div>
                                    <label for="desa" class=LABEL>{tr("Desa/kelurahan", "Village")}</label>
                                    <select id="desa" name="desa" class=INPUT>
                                        <option value="">{tr("Pilih desa", "Choose a village")}</option>
                                        {found
                                            .villages
                                            .iter()
                                            .map(|(code, name)| {
                                                let chosen = found.village.as_ref() == Some(code);
                                                view! { <option value=code.as_str().to_string() selected=chosen>{format!("{name} ({})", code.as_str())}</option> }
                                            })
                                            .collect_view()}
                                    </select>
                                </div>
                                <button type="submit" class=BUTTON_QUIET>{tr("Tampilkan usulannya", "Show its proposals")}</button>
                            </form>
                        };
                        let body = match found.village.clone() {
                            None if found.villages.is_empty() => Either::Left(view! {
                                <p class="rounded-md bg-slate-50 px-3 py-2 text-sm" data-testid="meeting-nothing-waits">
                                    {tr(
                                        "Tidak ada usulan yang menunggu musdes di wilayah Anda.",
                                        "No proposal in your area waits for a village meeting.",
                                    )}
                                </p>
                            }.into_any()),
                            None => Either::Left(().into_any()),
                            Some(code) => {
                                let draft = MeetingDraft {
                                    idempotency_key: fresh_key(),
                                    village: code.as_str().to_string(),
                                    proposals: found.proposals.iter().map(|p| p.id.to_string()).collect(),
                                    ..MeetingDraft::default()
                                };
                                let save = ServerAction::<SaveMeeting>::new();
                                Either::Right(view! { <MeetingForm draft candidates=found.proposals save /> })
                            }
                        };
                        Either::Left(view! { {choose} {body} })
                    }
                    Err(error) => Either::Right(view! { <ErrorPanel error /> }),
                }
            })}
        </Suspense>
    }
}

/// The meeting's record as a form: new (its agenda from `candidates`, all
/// ticked) or an open meeting's (its agenda ticked and the village's other
/// waiting proposals to add). Saved, the browser goes to the meeting's page.
#[component]
fn MeetingForm(
    draft: MeetingDraft,
    candidates: Vec<ProposalRow>,
    save: ServerAction<SaveMeeting>,
) -> impl IntoView {
    let chosen = draft.proposals.clone();
    view! {
        <ActionForm action=save attr:class="space-y-3 rounded-xl border border-slate-200 bg-white p-4" attr:data-testid="meeting-form">
            <input type="hidden" name="draft[meeting_id]" value=draft.meeting_id.clone() />
            <input type="hidden" name="draft[version]" value=draft.version.clone() />
            <input type="hidden" name="draft[idempotency_key]" value=draft.idempotency_key.clone() />
            <input type="hidden" name="draft[village]" value=draft.village.clone() />
            <div class="grid gap-3 sm:grid-cols-2">
                <div>
                    <label for="held_on" class=LABEL>{tr("Tanggal musdes", "Meeting date")}</label>
                    <input id="held_on" name="draft[held_on]" type="date" required value=draft.held_on.clone() class=INPUT data-testid="meeting-date" />
                </div>
                <div>
                    <label for="place" class=LABEL>{tr("Tempat", "Place")}</label>
                    <input id="place" name="draft[place]" type="text" required maxlength="200" value=draft.place.clone() placeholder="Balai desa" class=INPUT data-testid="meeting-place" />
                </div>
                <div class="sm:col-span-2">
                    <label for="village_head" class=LABEL>{tr("Kepala desa/lurah (penandatangan berita acara)", "Village head (who signs the minutes)")}</label>
                    <input id="village_head" name="draft[village_head]" type="text" maxlength="200" value=draft.village_head.clone() class=INPUT data-testid="meeting-head" />
                </div>
                <div class="sm:col-span-2">
                    <label for="participants" class=LABEL>{tr("Peserta (satu orang per baris: nama, jabatan)", "Participants (one per line: name, role)")}</label>
                    <textarea id="participants" name="draft[participants]" rows="5" class=INPUT data-testid="meeting-participants" placeholder="Sutrisno, Kepala Desa&#10;Ani Lestari, BPD">{draft.participants.clone()}</textarea>
                </div>
            </div>
            <fieldset>
                <legend class=LABEL>{tr("Usulan di agenda", "Proposals on the agenda")}</legend>
                {candidates.is_empty().then(|| view! {
                    <p class="text-sm">{tr("Tidak ada usulan yang menunggu musdes di desa ini.", "No proposal of this village waits for a meeting.")}</p>
                })}
                <ul class="space-y-1" data-testid="meeting-candidates">
                    {candidates
                        .into_iter()
                        .enumerate()
                        .map(|(index, row)| {
                            let id = row.id.to_string();
                            let ticked = chosen.contains(&id);
                            let input_id = format!("agenda-{}", row.id);
                            view! {
                                <li class="flex items-start gap-2">
                                    <input id=input_id.clone() type="checkbox" name=format!("draft[proposals][{index}]") value=id checked=ticked class="mt-1 h-5 w-5" />
                                    <label for=input_id class="break-words text-sm">
                                        {format!(
                                            "{} · {} · {}",
                                            row.head_name,
                                            row.change_type.map_or_else(|| label(row.kind), label),
                                            row.no_kk_masked,
                                        )}
                                    </label>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </fieldset>
            <button type="submit" class=BUTTON data-testid="meeting-save">{tr("Simpan musdes", "Save the meeting")}</button>
            <FormResult result=outcome(save.value()) success=tr("Musdes tersimpan.", "Meeting saved.") />
        </ActionForm>
    }
}

/// A meeting's record.
#[component]
pub fn MeetingPage() -> impl IntoView {
    view! {
        <SignedInPage
            needs=shared::access::Action::ChangeProposal
            title=tr("Musyawarah desa", "Village meeting")
            content=|user| view! { <MeetingBody user /> }
        />
    }
}

#[component]
fn MeetingBody(user: CurrentUser) -> impl IntoView {
    let id = route_id();
    let decide = ServerAction::<DecideInMeeting>::new();
    let approve = ServerAction::<ApproveMeeting>::new();
    let save = ServerAction::<SaveMeeting>::new();
    let file = Resource::new(
        move || {
            (
                id(),
                decide.version().get(),
                approve.version().get(),
                save.version().get(),
            )
        },
        |(id, _, _, _)| async move {
            let file = get_meeting(id).await?;
            // An open meeting's edit form also offers the village's other waiting proposals.
            let waiting = if file.may_change {
                meeting_agenda_options(file.row.village.as_str().to_string())
                    .await
                    .map(|found| found.proposals)
                    .unwrap_or_default()
            } else {
                Vec::new()
            };
            Ok::<_, crate::api::AppError>((file, waiting))
        },
    );
    let query = use_query_map();
    let upload_problem = move || {
        query
            .read()
            .get("galat")
            .and_then(|code| MeetingProblem::from_code(&code))
    };
    let uploaded = move || query.read().get("notulen").is_some_and(|v| v == "ok");
    let _ = user;
    view! {
        <Transition fallback=|| view! { <p>{texts().loading}</p> }>
            {move || Suspend::new(async move {
                match file.await {
                    Ok((file, waiting)) => Either::Left(view! {
                        <MeetingView file waiting decide approve save upload_problem=upload_problem() uploaded=uploaded() />
                    }),
                    Err(error) => Either::Right(view! { <ErrorPanel error /> }),
                }
            })}
        </Transition>
    }
}

#[component]
fn MeetingView(
    file: MeetingFile,
    /// The village's other waiting proposals (for an open meeting's edit form).
    waiting: Vec<ProposalRow>,
    decide: ServerAction<DecideInMeeting>,
    approve: ServerAction<ApproveMeeting>,
    save: ServerAction<SaveMeeting>,
    upload_problem: Option<MeetingProblem>,
    uploaded: bool,
) -> impl IntoView {
    let row = file.row.clone();
    let zone = shared::clock::Zone::of_area(row.village.as_str());
    let may_change = file.may_change;
    let draft = file.draft();
    let agenda_rows: Vec<ProposalRow> = file
        .items
        .iter()
        .map(|item| item.proposal.clone())
        .collect();
    let mut candidates = agenda_rows;
    candidates.extend(waiting);
    view! {
        <PageHeading text=tr("Musyawarah desa", "Village meeting") />
        <div class="mb-3 flex flex-wrap items-center gap-2">
            <StateBadge state=row.state />
            <a href=paths::meeting_agenda(row.id) class=BUTTON_QUIET data-testid="meeting-agenda-link">{tr("Cetak agenda", "Print the agenda")}</a>
            <a href=paths::MEETINGS class=BUTTON_QUIET>{tr("Semua musdes", "All meetings")}</a>
        </div>
        <dl class="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 rounded-xl border border-slate-200 bg-white p-4 text-sm" data-testid="meeting-summary">
            <dt class="font-medium">{tr("Desa/kelurahan", "Village")}</dt>
            <dd class="break-words">{row.village_name.clone()}</dd>
            <dt class="font-medium">{tr("Tanggal", "Date")}</dt>
            <dd>{date_id(row.held_on)}</dd>
            <dt class="font-medium">{tr("Tempat", "Place")}</dt>
            <dd class="break-words">{row.place.clone()}</dd>
            <dt class="font-medium">{tr("Kepala desa/lurah", "Village head")}</dt>
            <dd class="break-words">{if file.village_head.is_empty() { "—".to_string() } else { file.village_head.clone() }}</dd>
            <dt class="font-medium">{tr("Peserta", "Participants")}</dt>
            <dd class="break-words" data-testid="meeting-participant-count">
                {format!("{} {}", file.participants.len(), tr("orang", "people"))}
            </dd>
            {file.approved_at.map(|at| view! {
                <dt class="font-medium">{tr("Disahkan", "Approved")}</dt>
                <dd>{time_in(at, zone)}</dd>
            })}
        </dl>
        {(!file.participants.is_empty()).then(|| view! {
            <details class="mt-2 text-sm">
                <summary class="cursor-pointer">{tr("Daftar peserta", "List of participants")}</summary>
                <ul class="mt-1 list-disc pl-5">
                    {file.participants.iter().map(|p| {
                        let text = if p.role.is_empty() { p.name.clone() } else { format!("{} ({})", p.name, p.role) };
                        view! { <li class="break-words">{text}</li> }
                    }).collect_view()}
                </ul>
            </details>
        })}
        <h2 class="mb-2 mt-6 text-lg font-semibold">{tr("Agenda dan keputusan", "Agenda and decisions")}</h2>
        <ol class="space-y-3" data-testid="meeting-agenda">
            {file.items.iter().cloned().map(|item| view! {
                <AgendaItem item meeting_id=row.id version=row.version may_change decide />
            }).collect_view()}
        </ol>
        <div class="mt-2">
            <FormResult result=outcome(decide.value()) success=tr("Keputusan tercatat.", "Decision recorded.") />
        </div>
        <h2 class="mb-2 mt-6 text-lg font-semibold">{tr("Berita acara", "Signed minutes")}</h2>
        <section class="rounded-xl border border-slate-200 bg-white p-4 text-sm" data-testid="meeting-minutes">
            {match file.minutes.clone() {
                Some(minutes) => Either::Left(view! {
                    <p>
                        <a href=paths::meeting_minutes(row.id) rel="external" class="text-teal-800 underline" data-testid="meeting-minutes-download">
                            {format!("{} {} ({} KB)", tr("Unduh berita acara", "Download the minutes"), label(minutes.kind), (minutes.size_bytes + 1023) / 1024)}
                        </a>
                        <span class="text-slate-600">{format!(" · {}", time_in(minutes.uploaded_at, zone))}</span>
                    </p>
                }),
                None => Either::Right(view! { <p>{tr("Belum diunggah.", "Not uploaded yet.")}</p> }),
            }}
            {uploaded.then(|| view! {
                <p role="status" class="mt-2 rounded-md bg-emerald-50 px-3 py-2 text-emerald-800" data-testid="meeting-minutes-ok">
                    {tr("Berita acara tersimpan.", "Minutes saved.")}
                </p>
            })}
            {upload_problem.map(|problem| view! {
                <p role="alert" class="mt-2 rounded-md bg-red-50 px-3 py-2 text-red-800" data-testid="meeting-minutes-error">
                    {label(problem)}
                </p>
            })}
            {may_change.then(|| view! {
                <form method="post" enctype="multipart/form-data" action=paths::meeting_minutes_upload(row.id) class="mt-3 space-y-2" data-testid="meeting-minutes-form">
                    <input type="hidden" name="version" value=row.version />
                    <label for="minutes-file" class=LABEL>
                        {format!("{} ({} MB)", tr("Berkas berita acara yang sudah ditandatangani: PDF, foto JPEG atau PNG, paling besar", "Signed minutes: PDF, JPEG photo or PNG, at most"), MINUTES_MAX_BYTES / (1024 * 1024))}
                    </label>
                    <input id="minutes-file" name="file" type="file" required accept="application/pdf,image/jpeg,image/png" class="block w-full text-sm" />
                    <button type="submit" class=BUTTON_QUIET data-testid="meeting-minutes-upload">{tr("Unggah", "Upload")}</button>
                </form>
            })}
        </section>
        {may_change.then(|| view! {
            <section class="mt-6 rounded-xl border border-slate-200 bg-white p-4" data-testid="meeting-approve">
                <h2 class="mb-2 font-semibold">{tr("Sahkan musdes", "Approve the meeting")}</h2>
                <p class="mb-2 text-sm">
                    {tr(
                        "Setelah disahkan, usulan yang disetujui lanjut ke verivali, yang tidak disetujui ditolak dengan alasannya, dan musdes tidak dapat diubah lagi.",
                        "Once approved, agreed proposals go on to the home visit, the others are rejected with their reason, and the meeting can no longer change.",
                    )}
                </p>
                {file.approval_problem.map(|problem| view! {
                    <p class="mb-2 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900" data-testid="meeting-approval-problem">
                        {label(problem)}
                    </p>
                })}
                <ActionForm action=approve>
                    <input type="hidden" name="meeting_id" value=row.id />
                    <input type="hidden" name="version" value=row.version />
                    <button type="submit" class=BUTTON disabled=file.approval_problem.is_some() data-testid="meeting-approve-button">
                        {tr("Sahkan musdes", "Approve the meeting")}
                    </button>
                </ActionForm>
                <div class="mt-2">
                    <FormResult result=outcome(approve.value()) success=tr("Musdes disahkan.", "Meeting approved.") />
                </div>
            </section>
            <details class="mt-6">
                <summary class="cursor-pointer font-semibold">{tr("Ubah data musdes dan agenda", "Change the meeting's details and agenda")}</summary>
                <div class="mt-3">
                    <MeetingForm draft=draft.clone() candidates=candidates.clone() save />
                </div>
            </details>
        })}
    }
}

/// One proposal of the agenda, with the decision form while the meeting is open.
#[component]
fn AgendaItem(
    item: MeetingItem,
    meeting_id: i64,
    version: i32,
    may_change: bool,
    decide: ServerAction<DecideInMeeting>,
) -> impl IntoView {
    let proposal = item.proposal.clone();
    let decided = item.decision;
    let reason_id = format!("reason-{}", proposal.id);
    view! {
        <li class="rounded-xl border border-slate-200 bg-white p-4 text-sm" data-testid="meeting-item" data-decision=decided.map(|d| d.code()).unwrap_or("")>
            <a href=paths::proposal(proposal.id) class="font-semibold text-teal-800 underline break-words">{proposal.head_name.clone()}</a>
            <p class="break-words text-slate-600">
                {format!(
                    "{} · {} · {}",
                    proposal.change_type.map_or_else(|| label(proposal.kind), label),
                    proposal.no_kk_masked,
                    item.address,
                )}
            </p>
            <p class="mt-1 font-medium" data-testid="meeting-item-decision">
                {match decided {
                    Some(MeetingDecision::NotAgreed) => format!("{}: {}", label(MeetingDecision::NotAgreed), item.reason),
                    Some(decision) => label(decision).to_string(),
                    None => tr("Belum diputuskan", "Not decided yet").to_string(),
                }}
            </p>
            {may_change.then(|| view! {
                <ActionForm action=decide attr:class="mt-2 flex flex-wrap items-end gap-2">
                    <input type="hidden" name="meeting_id" value=meeting_id />
                    <input type="hidden" name="version" value=version />
                    <input type="hidden" name="proposal_id" value=proposal.id />
                    <fieldset class="flex gap-3">
                        <legend class="sr-only">{tr("Keputusan", "Decision")}</legend>
                        {MeetingDecision::ALL.iter().map(|decision| view! {
                            <label class="flex items-center gap-1">
                                <input type="radio" name="decision" value=decision.code() checked=decided == Some(*decision) required class="h-5 w-5" />
                                {label(*decision)}
                            </label>
                        }).collect_view()}
                    </fieldset>
                    <div class="min-w-[12rem] flex-1">
                        <label for=reason_id.clone() class="sr-only">{tr("Alasan (jika tidak disetujui)", "Reason (if not agreed)")}</label>
                        <input id=reason_id name="reason" type="text" maxlength="200" value=item.reason.clone() placeholder=tr("Alasan jika tidak disetujui", "Reason if not agreed") class=INPUT />
                    </div>
                    <button type="submit" class=BUTTON_QUIET data-testid="meeting-decide">{tr("Simpan keputusan", "Save decision")}</button>
                </ActionForm>
            })}
        </li>
    }
}

/// The agenda to read out at the meeting, printable on A4.
#[component]
pub fn MeetingAgendaPage() -> impl IntoView {
    view! {
        <SignedInPage
            needs=shared::access::Action::ChangeProposal
            title=tr("Agenda musdes", "Meeting agenda")
            content=|_user| view! { <AgendaBody /> }
        />
    }
}

#[component]
fn AgendaBody() -> impl IntoView {
    let id = route_id();
    let file = Resource::new(id, get_meeting);
    view! {
        <Suspense fallback=|| view! { <p>{texts().loading}</p> }>
            {move || Suspend::new(async move {
                match file.await {
                    Ok(file) => Either::Left(view! { <Agenda file /> }),
                    Err(error) => Either::Right(view! { <ErrorPanel error /> }),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Agenda(file: MeetingFile) -> impl IntoView {
    let row = file.row.clone();
    view! {
        <div class="mb-4 flex gap-2 print:hidden">
            <button type="button" class=BUTTON data-testid="print-agenda" on:click=move |_| {
                let _ = window().print();
            }>
                {tr("Cetak agenda", "Print the agenda")}
            </button>
            <a href=paths::meeting(row.id) class=BUTTON_QUIET>{tr("Kembali ke musdes", "Back to the meeting")}</a>
        </div>
        <article class="mx-auto max-w-[210mm] bg-white p-6 text-[15px] leading-relaxed shadow print:max-w-none print:p-0 print:shadow-none" data-testid="meeting-agenda-print">
            <h1 class="text-center text-lg font-bold uppercase">"Agenda Musyawarah Desa/Kelurahan"</h1>
            <p class="text-center">"Usulan ke Data Tunggal Sosial dan Ekonomi Nasional (DTSEN)"</p>
            <table class="mt-4 text-sm">
                <tbody>
                    <tr><td class="pr-4">"Desa/kelurahan"</td><td>{format!(": {} ({})", row.village_name, row.village.as_str())}</td></tr>
                    <tr><td class="pr-4">"Hari, tanggal"</td><td>{format!(": {}", date_id(row.held_on))}</td></tr>
                    <tr><td class="pr-4">"Tempat"</td><td>{format!(": {}", row.place)}</td></tr>
                </tbody>
            </table>
            <div class="mt-4 overflow-x-auto">
                <table class="w-full border-collapse text-sm" data-testid="agenda-table">
                    <thead>
                        <tr>
                            <th class="border border-slate-400 px-2 py-1 text-left">"No"</th>
                            <th class="border border-slate-400 px-2 py-1 text-left">"Kepala keluarga"</th>
                            <th class="border border-slate-400 px-2 py-1 text-left">"No KK"</th>
                            <th class="border border-slate-400 px-2 py-1 text-left">"Alamat"</th>
                            <th class="border border-slate-400 px-2 py-1 text-left">"Usulan"</th>
                            <th class="border border-slate-400 px-2 py-1 text-left">"Keputusan"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {file.items.iter().enumerate().map(|(n, item)| view! {
                            <tr>
                                <td class="border border-slate-400 px-2 py-1">{n + 1}</td>
                                <td class="border border-slate-400 px-2 py-1 break-words">{item.proposal.head_name.clone()}</td>
                                <td class="border border-slate-400 px-2 py-1">{item.proposal.no_kk_masked.clone()}</td>
                                <td class="border border-slate-400 px-2 py-1 break-words">{item.address.clone()}</td>
                                <td class="border border-slate-400 px-2 py-1">{item.proposal.change_type.map_or_else(|| label(item.proposal.kind), label)}</td>
                                <td class="border border-slate-400 px-2 py-1">{item.decision.map(label).unwrap_or("")}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            <p class="mt-6 text-sm">"Nomor KK ditampilkan tersamar. Keputusan musdes dicatat di portal setelah rapat, bersama berita acara yang ditandatangani."</p>
            <div class="mt-10 grid grid-cols-2 gap-8 text-center text-sm">
                <div>
                    <p>"Notulis,"</p>
                    <p class="mt-16">"(........................................)"</p>
                </div>
                <div>
                    <p>"Kepala Desa/Lurah,"</p>
                    <p class="mt-16">{if file.village_head.is_empty() { "(........................................)".to_string() } else { format!("({})", file.village_head) }}</p>
                </div>
            </div>
        </article>
    }
}
