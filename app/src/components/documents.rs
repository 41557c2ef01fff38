//! The documents of a household's file (KK, KTP, SKTM, letters, the house's
//! front): kind, member, date, who and size, a link opening each one the
//! user may see, and a plain upload form (it works without script and from
//! a phone's camera; the page comes back with what became of the file).

use leptos::either::Either;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use shared::document::{DocumentKind, DocumentList, DocumentProblem, size_text};

use crate::api::household_documents;
use crate::components::page::{BUTTON_QUIET, ErrorPanel, INPUT, LABEL};
use crate::format::time_in;
use crate::i18n::{label, texts, tr};
use crate::paths;

/// The "Dokumen" section of household `household_id`'s file.
#[component]
pub fn Documents(household_id: i64) -> impl IntoView {
    let query = use_query_map();
    // An upload comes back with `?dokumen=` or `?dokumen_galat=`: read again.
    let kept = move || query.with(|q| q.get(paths::DOCUMENT_KEPT).unwrap_or_default());
    let refused = move || query.with(|q| q.get(paths::DOCUMENT_REFUSED).unwrap_or_default());
    let list = Resource::new(kept, move |_| household_documents(household_id));
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
                        Ok(list) => Either::Left(view! { <DocumentTable list /> }),
                        Err(error) => Either::Right(view! { <ErrorPanel error /> }),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// The list and, for who may attach, the form.
#[component]
fn DocumentTable(list: DocumentList) -> impl IntoView {
    let zone = list.zone;
    let household_id = list.household_id;
    let empty = list.documents.is_empty();
    let form = list
        .may_attach
        .then(|| view! { <UploadForm household_id members=list.members.clone() /> });
    view! {
        {empty.then(|| view! { <p class="text-slate-600">{tr("Belum ada dokumen.", "No document yet.")}</p> })}
        <ul class="divide-y divide-slate-100" data-testid="document-list">
            {list
                .documents
                .into_iter()
                .map(|document| {
                    let about = document.member.clone().unwrap_or_else(|| tr("Seluruh keluarga", "The whole family").to_string());
                    let details = format!(
                        "{} · {} · {}{}",
                        about,
                        time_in(document.uploaded_at, zone),
                        document.uploaded_by.clone().map(|who| format!("{who} · ")).unwrap_or_default(),
                        size_text(document.size_bytes),
                    );
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
/// family) and the file.
#[component]
fn UploadForm(household_id: i64, members: Vec<(i64, String)>) -> impl IntoView {
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
