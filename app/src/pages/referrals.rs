//! Referrals: the inbox where receiving institutions answer and case staff
//! follow up, the printable referral letter (A4), and the public check of a
//! letter's verification code.

use leptos::either::{Either, EitherOf3};
use leptos::prelude::*;
use leptos_meta::Title;
use shared::dto::{ReferralCheck, ReferralInboxItem, ReferralLetter, ReferralListQuery};
use shared::referral::{ReferralFlow, ReferralState};
use shared::roles::Role;
use shared::workflow::Workflow;

use crate::api::{AnswerReferral, get_referral_letter, referral_inbox, verify_referral};
use crate::components::list::{ExportLinks, Pager, encode_query, query_page, query_value};
use crate::components::live_check::{LiveCheck, LiveError};
use crate::components::page::{
    BUTTON, BUTTON_QUIET, ErrorPanel, FormResult, INPUT, LABEL, PageHeading, SignedInPage, outcome,
    route_id,
};
use crate::format::date_id;
use crate::i18n::{label, texts, tr};
use crate::paths;
use shared::drafts::ReferralAnswerDraft;

/// The referrals of the user's institution or area, earliest deadline first.
#[component]
pub fn ReferralInboxPage() -> impl IntoView {
    view! {
        <SignedInPage
            title=tr("Rujukan", "Referrals")
            content=|user| view! { <InboxBody role=user.role /> }
        />
    }
}

#[component]
fn InboxBody(role: Role) -> impl IntoView {
    let state = query_value("status");
    let overdue = query_value("terlambat");
    let search = query_value("cari");
    let sort = query_value("urut");
    let page = query_page();
    let act = ServerAction::<AnswerReferral>::new();
    let query = move || ReferralListQuery {
        status: state(),
        terlambat: overdue(),
        cari: search(),
        urut: sort(),
        page: page().to_string(),
    };
    let rows = Resource::new(
        move || (query(), act.version().get()),
        |(query, _)| referral_inbox(query.filter()),
    );
    view! {
        <PageHeading text=tr("Rujukan", "Referrals") />
        <form method="get" class="mb-4 flex flex-wrap items-end gap-3">
            <div>
                <label for="cari" class=LABEL>{tr("Nomor surat atau kode", "Letter number or code")}</label>
                <input id="cari" name="cari" type="search" value=search class=INPUT />
            </div>
            <div>
                <label for="status" class=LABEL>{tr("Status", "Status")}</label>
                <select id="status" name="status" class=INPUT>
                    <option value="">{tr("Belum selesai", "Unfinished")}</option>
                    <option value="semua" selected=state() == "semua">{tr("Semua", "All")}</option>
                    {ReferralState::ALL
                        .iter()
                        .map(|s| view! { <option value=s.code() selected=state() == s.code()>{label(*s)}</option> })
                        .collect_view()}
                </select>
            </div>
            <div>
                <label for="urut" class=LABEL>{tr("Urutan", "Order")}</label>
                <select id="urut" name="urut" class=INPUT>
                    <option value="">{tr("Terbaru", "Newest")}</option>
                    <option value="batas" selected=sort() == "batas">{tr("Batas waktu terdekat", "Earliest deadline")}</option>
                    <option value="lama" selected=sort() == "lama">{tr("Terlama", "Oldest")}</option>
                </select>
            </div>
            <label class="flex items-center gap-2 text-sm">
                <input type="checkbox" name="terlambat" value="1" checked=overdue() == "1" />
                {tr("Hanya yang lewat batas waktu", "Overdue only")}
            </label>
            <button type="submit" class=BUTTON_QUIET>{tr("Terapkan", "Apply")}</button>
            <ExportLinks csv=paths::REFERRALS_CSV xlsx=paths::REFERRALS_XLSX query=Signal::derive(move || query().pairs()) test_id="referral-export" />
        </form>
        <FormResult result=outcome(act.value()) success=tr("Rujukan diperbarui.", "Referral updated.") />
        <Suspense fallback=|| view! { <p>{texts().loading}</p> }>
            {move || Suspend::new(async move {
                match rows.await {
                    Ok(found) => {
                        let query = encode_query(&query().pairs());
                        Either::Left(view! {
                            <p class="mb-2 text-sm text-slate-600">{format!("{} {}", found.total, tr("rujukan", "referrals"))}</p>
                            <ul class="space-y-3" data-testid="referral-list">
                                {found.items.into_iter().map(|item| view! { <InboxCard item role act /> }).collect_view()}
                            </ul>
                            <Pager page=found.page per_page=found.per_page total=found.total query />
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
fn InboxCard(
    item: ReferralInboxItem,
    role: Role,
    act: ServerAction<AnswerReferral>,
) -> impl IntoView {
    let referral = item.referral.clone();
    let actions = if role == Role::ReceivingInstitution {
        ReferralFlow::available_actions(referral.state, role)
    } else {
        Vec::new()
    };
    let overdue = item.overdue;
    view! {
        <li class="rounded-xl border border-slate-200 bg-white p-4" data-testid="referral-card" data-number=referral.number.as_str().to_string()>
            <div class="flex flex-wrap items-start justify-between gap-2">
                <div>
                    <p class="font-semibold">{referral.number.as_str().to_string()}</p>
                    <p class="text-sm text-slate-600">{format!("{} · {}", referral.service_name, referral.institution_name)}</p>
                </div>
                <span class="rounded-full bg-slate-100 px-3 py-1 text-xs font-semibold" data-testid="referral-state">
                    {label(referral.state)}
                </span>
            </div>
            <dl class="mt-2 grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-sm">
                <dt class="font-medium">{tr("Warga", "Resident")}</dt>
                <dd>{format!("{} ({})", item.resident_name, item.village_name)}</dd>
                {item.member_name.clone().map(|name| view! {
                    <dt class="font-medium">{tr("Untuk anggota", "For member")}</dt>
                    <dd data-testid="referral-member">{name}</dd>
                })}
                <dt class="font-medium">{tr("Kebutuhan", "Need")}</dt>
                <dd>{item.need.clone()}</dd>
                <dt class="font-medium">{tr("Batas waktu", "Due")}</dt>
                <dd class:text-red-700=overdue class:font-semibold=overdue>{date_id(referral.deadline.due)}</dd>
                {referral.outcome_note.clone().map(|note| view! {
                    <dt class="font-medium">{tr("Catatan", "Note")}</dt>
                    <dd>{note}</dd>
                })}
            </dl>
            <div class="mt-3 flex flex-wrap gap-2">
                <a href=paths::referral_letter(referral.id) class=BUTTON_QUIET data-testid="letter-link">{tr("Surat rujukan", "Referral letter")}</a>
                {(role != Role::ReceivingInstitution).then(|| view! {
                    <a href=paths::case(item.case_id) class=BUTTON_QUIET>{tr("Berkas kasus", "Case file")}</a>
                })}
            </div>
            {actions
                .into_iter()
                .map(|action| {
                    let needs_note = ReferralFlow::requires_note(action);
                    let live = LiveCheck::new(|d: &ReferralAnswerDraft| d.to_request().err());
                    view! {
                        <ActionForm
                            action=act
                            attr:class="mt-3 flex flex-wrap items-end gap-2"
                            on:input=move |event| live.read(&event)
                            on:focusout=move |event| live.leave(&event)
                        >
                            <input type="hidden" name="referral_id" value=referral.id.to_string() />
                            <input type="hidden" name="version" value=referral.version.to_string() />
                            <input type="hidden" name="action" value=action.code() />
                            {needs_note.then(|| view! {
                                <label class="min-w-48 flex-1 text-sm">
                                    <span class="sr-only">{tr("Alasan atau hasil", "Reason or outcome")}</span>
                                    <input
                                        name="note"
                                        type="text"
                                        required
                                        placeholder=tr("Alasan atau hasil layanan", "Reason or outcome")
                                        class=INPUT
                                        data-testid=format!("note-{}", action.code())
                                    />
                                    <LiveError live field="note" />
                                </label>
                            })}
                            <button type="submit" class=BUTTON data-testid=format!("action-{}", action.code())>
                                {label(action)}
                            </button>
                        </ActionForm>
                    }
                })
                .collect_view()}
        </li>
    }
}

/// The referral letter, laid out for A4 paper.
#[component]
pub fn ReferralLetterPage() -> impl IntoView {
    view! { <SignedInPage title=tr("Surat rujukan", "Referral letter") content=|_user| view! { <LetterBody /> } /> }
}

#[component]
fn LetterBody() -> impl IntoView {
    let referral_id = route_id();
    let letter = Resource::new(referral_id, get_referral_letter);
    view! {
        <Suspense fallback=|| view! { <p>{texts().loading}</p> }>
            {move || Suspend::new(async move {
                match letter.await {
                    Ok(letter) => Either::Left(view! { <Letter letter /> }),
                    Err(error) => Either::Right(view! { <ErrorPanel error /> }),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Letter(letter: ReferralLetter) -> impl IntoView {
    let referral = letter.item.referral.clone();
    let code = referral.verification_code.clone();
    let verify_path = format!("{}?kode={code}", paths::VERIFY);
    view! {
        <div class="mb-4 flex gap-2 print:hidden">
            <button type="button" class=BUTTON data-testid="print-letter" on:click=move |_| {
                let _ = window().print();
            }>
                {tr("Cetak surat", "Print letter")}
            </button>
            <a href=paths::REFERRALS class=BUTTON_QUIET>{tr("Kembali ke rujukan", "Back to referrals")}</a>
        </div>
        <article class="letter mx-auto max-w-[210mm] bg-white p-4 text-[15px] leading-relaxed shadow sm:p-8 print:max-w-none print:p-0 print:shadow-none" data-testid="referral-letter">
            <header class="border-b-4 border-double border-slate-800 pb-3 text-center">
                <p class="text-lg font-bold uppercase">{format!("Pemerintah {}", letter.district_name)}</p>
                <p class="font-bold uppercase">"Dinas Sosial"</p>
                <p class="text-sm">"Sistem Layanan dan Rujukan Terpadu (SLRT)"</p>
            </header>
            <h1 class="mt-6 text-center text-lg font-bold underline">"SURAT RUJUKAN"</h1>
            <p class="text-center wrap-anywhere" data-testid="letter-number">{format!("Nomor: {}", referral.number.as_str())}</p>
            <p class="mt-6">"Kepada Yth."</p>
            <p class="font-semibold" data-testid="letter-institution">{referral.institution_name.clone()}</p>
            <p>"di tempat"</p>
            <p class="mt-4">"Dengan hormat, bersama ini kami rujuk warga berikut untuk mendapatkan layanan:"</p>
            <table class="mt-2">
                <tbody>
                    <tr><td class="pr-4 align-top">"Nama kepala keluarga"</td><td class="align-top wrap-anywhere">{format!(": {}", letter.item.resident_name)}</td></tr>
                    {letter.item.member_name.clone().map(|name| view! {
                        <tr><td class="pr-4 align-top">"Untuk anggota keluarga"</td><td class="align-top wrap-anywhere" data-testid="letter-member">{format!(": {name}")}</td></tr>
                    })}
                    <tr><td class="pr-4 align-top">"Desa/kelurahan"</td><td class="align-top wrap-anywhere">{format!(": {} ({})", letter.item.village_name, letter.village_code)}</td></tr>
                    <tr><td class="pr-4 align-top">"Kebutuhan"</td><td class="align-top wrap-anywhere">{format!(": {}", letter.item.need)}</td></tr>
                    <tr><td class="pr-4 align-top">"Program/layanan"</td><td class="align-top wrap-anywhere">{format!(": {}", referral.service_name)}</td></tr>
                    <tr><td class="pr-4 align-top">"Nomor kasus"</td><td class="align-top wrap-anywhere">{format!(": {}", letter.item.case_number)}</td></tr>
                    <tr><td class="pr-4 align-top">"Batas tindak lanjut"</td><td class="align-top wrap-anywhere">{format!(": {}", date_id(referral.deadline.due))}</td></tr>
                </tbody>
            </table>
            <p class="mt-4">
                {format!(
                    "Warga yang bersangkutan ({}) telah menyetujui data pribadinya disampaikan kepada lembaga tersebut untuk keperluan layanan ini. Mohon hasil layanan dicatat pada Portal SLRT.",
                    letter.consent_by
                )}
            </p>
            <div class="mt-6 rounded border border-slate-400 p-3 text-sm">
                <p class="font-semibold">"Keaslian surat"</p>
                <p>
                    "Periksa di Portal SLRT, halaman Verifikasi Rujukan ("
                    <span class="font-mono">{verify_path.clone()}</span>
                    "), dengan kode:"
                </p>
                <p class="mt-1 font-mono text-xl font-bold tracking-widest" data-testid="letter-code">{code.clone()}</p>
            </div>
            <div class="mt-10 flex justify-end">
                <div class="text-center">
                    <p>{format!("{}, {}", letter.district_name, date_id(letter.issued_on))}</p>
                    <p>"Petugas SLRT"</p>
                    <p class="mt-16">"(..............................)"</p>
                </div>
            </div>
        </article>
    }
}

/// Anyone holding a letter checks its code; no personal data is shown.
#[component]
pub fn VerifyReferralPage() -> impl IntoView {
    let code = query_value("kode");
    let check = Resource::new(code, |code| async move {
        if code.trim().is_empty() {
            Ok(None)
        } else {
            verify_referral(code).await.map(Some)
        }
    });
    let title = tr("Verifikasi surat rujukan", "Verify a referral letter");
    view! {
        <Title text=title />
        <main class="mx-auto max-w-lg px-4 py-8">
            <h1 class="mb-2 text-2xl font-semibold">{title}</h1>
            <p class="mb-4 text-sm text-slate-600">
                {tr(
                    "Masukkan kode pada surat rujukan untuk memastikan surat itu asli dan melihat statusnya.",
                    "Enter the code printed on a referral letter to check that it is genuine and see its status.",
                )}
            </p>
            <form method="get" class="flex gap-2">
                <label for="kode" class="sr-only">{tr("Kode verifikasi", "Verification code")}</label>
                <input id="kode" name="kode" type="text" value=code autocapitalize="characters" class=INPUT required />
                <button type="submit" class=BUTTON>{tr("Periksa", "Check")}</button>
            </form>
            <Suspense fallback=|| view! { <p class="mt-4">{texts().loading}</p> }>
                {move || Suspend::new(async move {
                    match check.await {
                        Ok(Some(found)) => EitherOf3::A(view! { <CheckResult found /> }),
                        Ok(None) => EitherOf3::B(()),
                        Err(error) => EitherOf3::C(view! {
                            <p role="alert" data-testid="verify-error" class="mt-4 rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
                                {if error.is_not_found() {
                                    tr("Kode tidak dikenal: surat ini tidak tercatat di Portal SLRT.", "Unknown code: this letter is not recorded in the SLRT Portal.").to_string()
                                } else {
                                    error.message()
                                }}
                            </p>
                        }),
                    }
                })}
            </Suspense>
        </main>
    }
}

#[component]
fn CheckResult(found: ReferralCheck) -> impl IntoView {
    view! {
        <dl class="mt-4 grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 rounded-xl border border-emerald-200 bg-emerald-50 p-4 text-sm" data-testid="verify-result">
            <dt class="font-medium">{tr("Nomor", "Number")}</dt>
            <dd>{found.number}</dd>
            <dt class="font-medium">{tr("Lembaga", "Institution")}</dt>
            <dd>{found.institution_name}</dd>
            <dt class="font-medium">{tr("Layanan", "Service")}</dt>
            <dd>{found.service_name}</dd>
            <dt class="font-medium">{tr("Diterbitkan", "Issued")}</dt>
            <dd>{date_id(found.issued_on)}</dd>
            <dt class="font-medium">{tr("Batas waktu", "Due")}</dt>
            <dd>{date_id(found.due_on)}</dd>
            <dt class="font-medium">{tr("Status", "Status")}</dt>
            <dd data-testid="verify-state">{label(found.state)}</dd>
        </dl>
    }
}
