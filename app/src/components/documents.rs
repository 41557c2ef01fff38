//! The documents of a household's file (KK, KTP, SKTM, letters, the house's
//! front): kind, member, case or proposal, date, who and size, a link opening
//! each one the user may see, and a plain upload form (it works without
//! script and from a phone's camera; the page comes back with what became of
//! the file). A case's or proposal's page shows the same list for its own
//! documents, with a link to attach one from the family's file.

use leptos::either::Either;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use shared::document::{
    DocumentAbout, DocumentKind, DocumentList, DocumentProblem, DocumentRecord, DocumentRow,
    size_text,
};

use crate::api::{case_documents, household_documents, proposal_documents};
use crate::components::page::{BUTTON_QUIET, ErrorPanel, INPUT, LABEL};
use crate::format::time_in;
use crate::i18n::{label, texts, tr};
use crate::paths;

/// Whose documents a "Dokumen" section shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentsOf {
    /// The whole file of a household, with the upload form.
    Household(i64),
    /// One of the family's cases or proposals (the list only).
    Record(DocumentRecord),
}

/// The "Dokumen" section of a household's file, or of a case's or proposal's page.
#[component]
pub fn Documents(of: DocumentsOf) -> impl IntoView {
    let query = use_query_map();
    // An upload comes back with `?dokumen=` or `?dokumen_galat=`: read again.
    let kept = move || query.with(|q| q.get(paths::DOCUMENT_KEPT).unwrap_or_default());
    let refused = move || query.with(|q| q.get(paths::DOCUMENT_REFUSED).unwrap_or_default());
    let list = Resource::new(kept, move |_| async move {
        match of {
            DocumentsOf::Household(id) => household_documents(id).await,
            DocumentsOf::Record(DocumentRecord::Case(id)) => case_documents(id).await,
            DocumentsOf::Record(DocumentRecord::Proposal(id)) => proposal_documents(id).await,
        }
    });
    view! {
        <section id="dokumen" class="mt-6 space-y-3 rounded-xl border border-slate-200 bg-white p-4 text-sm" data-testid="documents">
            <h2 class="text-lg font-semibold">{tr("Dokumen", "Documents")}</h2>
            {move || (kept() == "ok").then(|| view! {
                <p role="status" class="rounded-md bg-emerald-50 px-3 py-2 text-emerald-800" data-testid="document-kept">
                    {tr("Dokumen tersimpan. Foto disimpan tanpa lokasi dan data ponsel.", "Document kept. Photos are kept without their location and phone data.")}
                </p>
            })}
            {move || DocumentProblem::from_code(&refused()).map(|problem| view! {
                <p role="alert" class="rounded-md bg-red-50 px-3 py-2 text-red-800" data-testid="document-refused">{label(problem)}</p>
            })}
            <Suspense fallback=|| view! { <p>{texts().loading}</p> }>
                {move || Suspend::new(async move {
                    match list.await {
                        Ok(list) => Either::Left(view! { <DocumentTable list of /> }),
                        Err(error) => Either::Right(view! { <ErrorPanel error /> }),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// A case or proposal as the documents name it: `Kasus 3209-…`, `Usulan:
/// Keluarga baru (Diusulkan)`.
pub fn about_text(about: &DocumentAbout) -> String {
    match about {
        DocumentAbout::Case { number, .. } => format!("{} {number}", tr("Kasus", "Case")),
        DocumentAbout::Proposal { kind, stage, .. } => format!(
            "{}: {} ({})",
            tr("Usulan", "Proposal"),
            label(*kind),
            label(*stage)
        ),
    }
}

/// What a document is about, as its line says it: on the family's file its
/// case or proposal and its member (or the whole family); on a case's or
/// proposal's page its member only.
fn about_line(document: &DocumentRow, of: DocumentsOf) -> Option<String> {
    let record = match of {
        DocumentsOf::Household(_) => document.about.as_ref().map(about_text),
        DocumentsOf::Record(_) => None,
    };
    let parts: Vec<String> = record.into_iter().chain(document.member.clone()).collect();
    match (parts.is_empty(), of) {
        (false, _) => Some(parts.join(" · ")),
        (true, DocumentsOf::Household(_)) => {
            Some(tr("Seluruh keluarga", "The whole family").to_string())
        }
        (true, DocumentsOf::Record(_)) => None,
    }
}

/// The list and, for who may attach, the form (on a case's or proposal's
/// page, a link to attach one from the family's file).
#[component]
fn DocumentTable(list: DocumentList, of: DocumentsOf) -> impl IntoView {
    let zone = list.zone;
    let household_id = list.household_id;
    let empty = list.documents.is_empty();
    let form = match of {
        DocumentsOf::Household(_) => list.may_attach.then(|| {
            Either::Left(view! {
                <UploadForm household_id members=list.members.clone() records=list.records.clone() />
            })
        }),
        DocumentsOf::Record(record) => Some(Either::Right(view! {
            <p class="border-t border-slate-100 pt-3">
                <a class="text-teal-800 underline" data-testid="document-attach-here" href=paths::household_document_for(household_id, record)>
                    {tr("Unggah dokumen untuk ini dari berkas keluarga", "Upload a document for this from the household file")}
                </a>
            </p>
        })),
    };
    view! {
        {empty.then(|| view! { <p class="text-slate-600">{tr("Belum ada dokumen.", "No document yet.")}</p> })}
        <ul class="divide-y divide-slate-100" data-testid="document-list">
            {list
                .documents
                .into_iter()
                .map(|document| {
                    let details = about_line(&document, of)
                        .into_iter()
                        .chain([
                            time_in(document.uploaded_at, zone),
                            format!(
                                "{}{}",
                                document.uploaded_by.clone().map(|who| format!("{who} · ")).unwrap_or_default(),
                                size_text(document.size_bytes),
                            ),
                        ])
                        .collect::<Vec<_>>()
                        .join(" · ");
                    view! {
                        <li class="flex flex-wrap items-baseline justify-between gap-x-3 gap-y-1 py-2" data-testid="document">
                            <div class="min-w-0">
                                <p class="font-medium">{label(document.kind)}" "<span class="text-xs text-slate-500">{label(document.format)}</span></p>
                                <p class="break-words text-slate-600">{details}</p>
                            </div>
                            // `rel="external"`: a file the server sends, not a page of the app's router.
                            {if document.may_open {
                                Either::Left(view! {
                                    <a class="text-teal-800 underline" data-testid="document-open" rel="external" href=paths::document(document.id)>
                                        {tr("Lihat", "View")}
                                    </a>
                                })
                            } else {
                                Either::Right(view! {
                                    <span class="text-xs text-slate-500">{tr("Tidak dapat dibuka dengan peran Anda", "Not open to your role")}</span>
                                })
                            }}
                        </li>
                    }
                })
                .collect_view()}
        </ul>
        {form}
    }
}

/// A plain multipart form: the kind, the member it is about (or the whole
/// family), the case or proposal it is for (when the family has one) and the
/// file. A case's page links here with its case already chosen (`?untuk=`).
#[component]
fn UploadForm(
    household_id: i64,
    members: Vec<(i64, String)>,
    records: Vec<DocumentAbout>,
) -> impl IntoView {
    let query = use_query_map();
    let chosen = query.with_untracked(|q| q.get(paths::DOCUMENT_FOR).unwrap_or_default());
    let record_select = (!records.is_empty()).then(|| {
        view! {
            <div>
                <label for="document-record" class=LABEL>{tr("Untuk kasus atau usulan (pilihan)", "For a case or proposal (optional)")}</label>
                <select id="document-record" name="record" class=INPUT data-testid="document-record">
                    <option value="">{tr("Tidak untuk kasus atau usulan tertentu", "Not for a particular case or proposal")}</option>
                    {records
                        .iter()
                        .map(|about| {
                            let value = about.record().form_value();
                            let selected = value == chosen;
                            view! { <option value=value selected=selected>{about_text(about)}</option> }
                        })
                        .collect_view()}
                </select>
            </div>
        }
    });
    view! {
        <form method="post" enctype="multipart/form-data" action=paths::household_document_upload(household_id)
            class="space-y-3 border-t border-slate-100 pt-3" data-testid="document-form">
            <h3 class="font-semibold">{tr("Unggah dokumen", "Upload a document")}</h3>
            <div>
                <label for="document-kind" class=LABEL>{tr("Jenis dokumen", "Kind of document")}</label>
                <select id="document-kind" name="kind" required class=INPUT data-testid="document-kind">
                    <option value="">{tr("Pilih", "Choose")}</option>
                    {DocumentKind::ALL
                        .iter()
                        .map(|kind| view! { <option value=kind.code()>{label(*kind)}</option> })
                        .collect_view()}
                </select>
            </div>
            <div>
                <label for="document-member" class=LABEL>{tr("Tentang anggota (pilihan)", "About a member (optional)")}</label>
                <select id="document-member" name="member" class=INPUT data-testid="document-member">
                    <option value="">{tr("Seluruh keluarga", "The whole family")}</option>
                    {members
                        .into_iter()
                        .map(|(id, name)| view! { <option value=id.to_string()>{name}</option> })
                        .collect_view()}
                </select>
            </div>
            {record_select}
            <div>
                <label for="document-file" class=LABEL>
                    {tr("Foto JPEG atau PNG, atau pindaian PDF, paling besar 8 MB.", "A JPEG or PNG photo or a PDF scan, 8 MB at most.")}
                </label>
                <input id="document-file" name="file" type="file" required accept="image/jpeg,image/png,application/pdf"
                    class="block w-full text-sm" data-testid="document-file" />
            </div>
            <button type="submit" class=BUTTON_QUIET data-testid="document-upload">{tr("Unggah", "Upload")}</button>
        </form>
    }
}
