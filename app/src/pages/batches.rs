//! The district's end of flow B: proposals matched with the civil registry
//! wait here for the district head's approval, which the SLRT manager records
//! for a batch of them at once (with the decree's number); a batch is then
//! sent to Kemensos, and its submission file (one row per person) downloads as
//! CSV or XLSX. Plain forms: they work without JavaScript.

use leptos::either::Either;
use leptos::prelude::*;
use shared::dto::{CurrentUser, ProposalRow};
use shared::proposal::{ProposalAction, ProposalFlow, ProposalStage};
use shared::proposal_batch::{BatchFile, BatchRow, BatchState};
use shared::roles::Role;
use shared::workflow::Workflow;

use crate::api::{RatifyBatch, SubmitBatch, batches_and_waiting, get_batch};
use crate::components::list::fresh_key;
use crate::components::page::{
    BUTTON, ErrorPanel, FormResult, INPUT, LABEL, PageHeading, SignedInPage, outcome, route_id,
};
use crate::format::time_in;
use crate::i18n::{label, texts, tr};
use crate::paths;

/// Whether `role` records the district head's approval.
fn approves(role: Role) -> bool {
    ProposalFlow::roles(ProposalStage::CivilRegistryMatched, ProposalAction::Ratify).contains(&role)
}

/// Whether `role` sends batches (and downloads what was sent).
fn sends(role: Role) -> bool {
    ProposalFlow::roles(ProposalStage::Ratified, ProposalAction::Submit).contains(&role)
}

/// The proposals waiting for approval and the district's batches.
#[component]
pub fn BatchListPage() -> impl IntoView {
    view! {
        <SignedInPage
            needs=shared::access::Action::ChangeProposal
            title=tr("Pengesahan dan pengiriman", "Approval and sending")
            content=|user| view! { <BatchListBody user /> }
        />
    }
}

#[component]
fn BatchListBody(user: CurrentUser) -> impl IntoView {
    let ratify = ServerAction::<RatifyBatch>::new();
    let desk = Resource::new(move || ratify.version().get(), |_| batches_and_waiting());
    let role = user.role;
    let zone = shared::clock::Zone::of_area(&user.area_code);
    view! {
        <PageHeading text=tr("Pengesahan dan pengiriman usulan", "Approving and sending proposals") />
        <p class="mb-3 text-sm text-slate-600">
            {tr(
                "Usulan yang sudah padan Dukcapil disahkan bupati/wali kota per berkas (dengan nomor SK), lalu berkas dikirim ke Kemensos dengan file usulan satu baris per jiwa.",
                "Proposals matched with the civil registry are approved by the district head in batches (with the decree's number); a batch is then sent to Kemensos with its submission file, one row per person.",
            )}
        </p>
        <Transition fallback=|| view! { <p>{texts().loading}</p> }>
            {move || Suspend::new(async move {
                match desk.await {
                    Ok(desk) => Either::Left(view! {
                        <WaitingForApproval waiting=desk.waiting may_approve=approves(role) ratify />
                        <h2 class="mb-2 mt-6 text-lg font-semibold">{tr("Berkas usulan", "Batches")}</h2>
                        {desk.batches.is_empty().then(|| view! {
                            <p class="text-sm">{tr("Belum ada berkas.", "No batch yet.")}</p>
                        })}
                        <ul class="space-y-2" data-testid="batch-list">
                            {desk.batches.into_iter().map(|batch| view! { <BatchItem batch zone /> }).collect_view()}
                        </ul>
                    }),
                    Err(error) => Either::Right(view! { <ErrorPanel error /> }),
                }
            })}
        </Transition>
    }
}

/// The matched proposals, each to tick, and the decree that approves them.
#[component]
fn WaitingForApproval(
    waiting: Vec<ProposalRow>,
    may_approve: bool,
    ratify: ServerAction<RatifyBatch>,
) -> impl IntoView {
    if waiting.is_empty() {
        return Either::Left(view! {
            <p class="rounded-xl border border-slate-200 bg-white p-4 text-sm" data-testid="batch-waiting-none">
                {tr("Tidak ada usulan yang menunggu pengesahan.", "No proposal waits for approval.")}
            </p>
        });
    }
    let list = view! {
        <ul class="space-y-1" data-testid="batch-waiting">
            {waiting
                .into_iter()
                .enumerate()
                .map(|(index, row)| {
                    let input_id = format!("batch-pick-{}", row.id);
                    let text = format!(
                        "{} · {} · {}",
                        row.head_name,
                        row.change_type.map_or_else(|| label(row.kind), label),
                        row.no_kk_masked,
                    );
                    view! {
                        <li class="flex items-start gap-2">
                            {may_approve.then(|| view! {
                                <input id=input_id.clone() type="checkbox" name=format!("draft[proposals][{index}]") value=row.id.to_string() checked=true class="mt-1 h-5 w-5" />
                            })}
                            <label for=input_id class="break-words text-sm">
                                <a href=paths::proposal(row.id) class="text-teal-800 underline">{text}</a>
                            </label>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    };
    Either::Right(view! {
        <section class="rounded-xl border border-slate-200 bg-white p-4">
            <h2 class="mb-2 font-semibold">{tr("Menunggu pengesahan", "Waiting for approval")}</h2>
            {if may_approve {
                Either::Left(view! {
                    <ActionForm action=ratify attr:class="space-y-3" attr:data-testid="batch-ratify-form">
                        <input type="hidden" name="draft[idempotency_key]" value=fresh_key() />
                        {list}
                        <div>
                            <label for="batch-decree" class=LABEL>{tr("Nomor SK / surat pengesahan bupati/wali kota", "District head's decree or approval letter number")}</label>
                            <input id="batch-decree" name="draft[decree]" type="text" required maxlength="120" placeholder="400.9/123/Dinsos/2026" class=INPUT data-testid="batch-decree" />
                        </div>
                        <button type="submit" class=BUTTON data-testid="batch-ratify">{tr("Catat pengesahan berkas", "Record the batch's approval")}</button>
                        <FormResult result=outcome(ratify.value()) success=tr("Berkas disahkan.", "Batch approved.") />
                    </ActionForm>
                })
            } else {
                Either::Right(view! {
                    {list}
                    <p class="mt-2 text-sm">{tr("Pengesahan dicatat oleh Manajer SLRT kabupaten/kota.", "The district's SLRT manager records the approval.")}</p>
                })
            }}
        </section>
    })
}

#[component]
fn BatchItem(batch: BatchRow, zone: shared::clock::Zone) -> impl IntoView {
    view! {
        <li class="rounded-xl border border-slate-200 bg-white p-3 text-sm" data-testid="batch-item">
            <a href=paths::batch(batch.id) class="font-semibold text-teal-800 underline">{batch.number.clone()}</a>
            <span class="ml-2 rounded-full bg-slate-100 px-2 py-0.5 text-xs font-semibold">{label(batch.state)}</span>
            <p class="text-slate-600">
                {format!(
                    "{} {} · {} {} · {} {}",
                    batch.proposals,
                    tr("usulan", "proposals"),
                    tr("SK", "decree"),
                    batch.decree,
                    tr("disahkan", "approved"),
                    time_in(batch.ratified_at, zone),
                )}
            </p>
        </li>
    }
}

/// One batch: its proposals, sending it, and its submission file.
#[component]
pub fn BatchPage() -> impl IntoView {
    view! {
        <SignedInPage
            needs=shared::access::Action::ChangeProposal
            title=tr("Berkas usulan", "Proposal batch")
            content=|user| view! { <BatchBody user /> }
        />
    }
}

#[component]
fn BatchBody(user: CurrentUser) -> impl IntoView {
    let id = route_id();
    let submit = ServerAction::<SubmitBatch>::new();
    let file = Resource::new(
        move || (id(), submit.version().get()),
        |(id, _)| get_batch(id),
    );
    let role = user.role;
    view! {
        <Transition fallback=|| view! { <p>{texts().loading}</p> }>
            {move || Suspend::new(async move {
                match file.await {
                    Ok(file) => Either::Left(view! { <BatchView file role submit /> }),
                    Err(error) => Either::Right(view! { <ErrorPanel error /> }),
                }
            })}
        </Transition>
    }
}

#[component]
fn BatchView(file: BatchFile, role: Role, submit: ServerAction<SubmitBatch>) -> impl IntoView {
    let batch = file.batch;
    let zone = shared::clock::Zone::of_area(batch.district.as_str());
    let sent = batch.state == BatchState::Submitted;
    let id = batch.id;
    view! {
        <h1 class="mb-4 break-words text-2xl font-semibold" data-testid="batch-number">{format!("{} {}", tr("Berkas usulan", "Proposal batch"), batch.number)}</h1>
        <p class="mb-3 text-sm"><a href=paths::BATCHES class="text-teal-800 underline">{tr("← Semua berkas", "← All batches")}</a></p>
        <dl class="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 rounded-xl border border-slate-200 bg-white p-4 text-sm" data-testid="batch-summary">
            <dt class="font-medium">{tr("Status", "State")}</dt>
            <dd class="font-semibold" data-testid="batch-state">{label(batch.state)}</dd>
            <dt class="font-medium">{tr("SK pengesahan", "Decree")}</dt>
            <dd class="break-words">{batch.decree.clone()}</dd>
            <dt class="font-medium">{tr("Disahkan", "Approved")}</dt>
            <dd>{format!("{} · {}", time_in(batch.ratified_at, zone), batch.ratified_by)}</dd>
            <dt class="font-medium">{tr("Dikirim", "Sent")}</dt>
            <dd>
                {match (batch.submitted_at, batch.submitted_by.clone()) {
                    (Some(at), by) => format!("{} · {}", time_in(at, zone), by.unwrap_or_default()),
                    _ => tr("belum", "not yet").to_string(),
                }}
            </dd>
            <dt class="font-medium">{tr("Jiwa dalam file", "People in the file")}</dt>
            <dd data-testid="batch-people">{if sent { batch.people.to_string() } else { "–".to_string() }}</dd>
        </dl>
        <section class="mt-4 rounded-xl border border-slate-200 bg-white p-4" data-testid="batch-actions">
            {match (sent, sends(role)) {
                (true, true) => Either::Left(view! {
                    <h2 class="mb-2 font-semibold">{tr("File usulan ke Kemensos", "Submission file for Kemensos")}</h2>
                    <p class="mb-2 text-sm">{tr("Satu baris per jiwa, NIK dan No KK lengkap: simpan dan kirim lewat saluran resmi saja.", "One row per person with whole NIK and No KK: keep it safe and send it through the official channel only.")}</p>
                    <div class="flex flex-wrap gap-2">
                        <a href=format!("{}?id={id}", paths::SUBMISSION_XLSX) class=BUTTON data-testid="batch-xlsx" rel="external" download>{tr("Unduh XLSX", "Download XLSX")}</a>
                        <a href=format!("{}?id={id}", paths::SUBMISSION_CSV) class=BUTTON data-testid="batch-csv" rel="external" download>{tr("Unduh CSV", "Download CSV")}</a>
                    </div>
                }.into_any()),
                (true, false) => Either::Left(view! {
                    <p class="text-sm">{tr("Berkas ini sudah dikirim ke Kemensos.", "This batch was sent to Kemensos.")}</p>
                }.into_any()),
                (false, true) => Either::Right(view! {
                    <ActionForm action=submit attr:class="space-y-2" attr:data-testid="batch-submit-form">
                        <input type="hidden" name="batch_id" value=id />
                        <input type="hidden" name="version" value=batch.version />
                        <p class="text-sm">{tr("Mengirim membuat file usulan (satu baris per jiwa) dan mencatat setiap usulan berkas ini sebagai dikirim.", "Sending makes the submission file (one row per person) and records every proposal of this batch as sent.")}</p>
                        <button type="submit" class=BUTTON data-testid="batch-submit">{tr("Kirim ke Kemensos", "Send to Kemensos")}</button>
                        <FormResult result=outcome(submit.value()) success=tr("Berkas dikirim.", "Batch sent.") />
                    </ActionForm>
                }),
                (false, false) => Either::Left(view! {
                    <p class="text-sm">{tr("Menunggu pengiriman oleh Manajer SLRT.", "Waiting to be sent by the SLRT manager.")}</p>
                }.into_any()),
            }}
        </section>
        <h2 class="mb-2 mt-6 text-lg font-semibold">{tr("Usulan dalam berkas", "Proposals in the batch")}</h2>
        <ul class="space-y-1 text-sm" data-testid="batch-proposals">
            {file
                .proposals
                .into_iter()
                .map(|row| view! {
                    <li class="break-words">
                        <a href=paths::proposal(row.id) class="text-teal-800 underline">
                            {format!(
                                "{} · {} · {} · {}",
                                row.head_name,
                                row.change_type.map_or_else(|| label(row.kind), label),
                                row.no_kk_masked,
                                label(row.stage),
                            )}
                        </a>
                    </li>
                })
                .collect_view()}
        </ul>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_manager_approves_and_sends_and_no_one_else_approves() {
        assert!(approves(Role::SlrtManager));
        assert!(sends(Role::SlrtManager));
        assert!(!approves(Role::BackOffice));
        assert!(!approves(Role::Facilitator));
        assert!(!sends(Role::FrontOffice));
    }
}
