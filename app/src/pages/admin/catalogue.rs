//! Receiving institutions and the programme catalogue: lists with forms to add
//! and change entries (administrators, within their area).

use leptos::either::Either;
use leptos::prelude::*;
use shared::access::Action;
use shared::complaint::Sector;
use shared::dto::{InstitutionEntry, ProgrammeEntry};
use shared::geo::AreaScope;
use shared::programme::{InstitutionKind, ProgrammeKind};

use crate::api::{SaveInstitution, SaveProgramme, institutions, programmes};
use crate::components::live_check::{LiveCheck, LiveError};
use crate::components::page::{
    BUTTON, ErrorPanel, FormResult, INPUT, LABEL, PageHeading, SignedInPage, TABLE, TD, TH, outcome,
};
use crate::i18n::{label, texts, tr};
use shared::drafts::{InstitutionDraft, ProgrammeDraft};

fn area_text(scope: &AreaScope) -> String {
    match scope {
        AreaScope::National => String::new(),
        AreaScope::Area(code) => code.as_str().to_string(),
    }
}

fn area_label(scope: &AreaScope) -> String {
    match scope {
        AreaScope::National => tr("Nasional", "National").to_string(),
        AreaScope::Area(code) => code.as_str().to_string(),
    }
}

/// `<option>`s of a coded enum with one selected.
fn options<T: Copy + PartialEq + 'static>(
    all: &'static [T],
    code: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
    selected: Option<T>,
) -> impl IntoView {
    all.iter()
        .map(|item| {
            view! { <option value=code(*item) selected=selected == Some(*item)>{label(*item)}</option> }
        })
        .collect_view()
}

/// The receiving institutions.
#[component]
pub fn InstitutionsPage() -> impl IntoView {
    view! { <SignedInPage needs=Action::ManageCatalogue title=tr("Lembaga penerima rujukan", "Receiving institutions") content=|_user| view! { <InstitutionsBody /> } /> }
}

#[component]
fn InstitutionsBody() -> impl IntoView {
    let save = ServerAction::<SaveInstitution>::new();
    let rows = Resource::new(move || save.version().get(), |_| institutions());
    view! {
        <PageHeading text=tr("Lembaga penerima rujukan", "Receiving institutions") />
        <details class="mb-4 rounded-xl border border-slate-200 bg-white p-3">
            <summary class="cursor-pointer font-medium" data-testid="new-institution">{tr("Tambah lembaga", "Add an institution")}</summary>
            <InstitutionForm save entry=None />
        </details>
        <Suspense fallback=|| view! { <p>{texts().loading}</p> }>
            {move || Suspend::new(async move {
                match rows.await {
                    Ok(rows) => Either::Left(view! {
                        <div class="overflow-x-auto rounded-xl border border-slate-200 bg-white">
                            <table class=TABLE data-testid="institution-table">
                                <thead class="bg-slate-50">
                                    <tr>
                                        <th class=TH>"ID"</th>
                                        <th class=TH>{tr("Nama", "Name")}</th>
                                        <th class=TH>{tr("Jenis", "Kind")}</th>
                                        <th class=TH>{tr("Wilayah layanan", "Serves")}</th>
                                        <th class=TH>{tr("Ubah", "Edit")}</th>
                                    </tr>
                                </thead>
                                <tbody class="divide-y divide-slate-100">
                                    {rows
                                        .into_iter()
                                        .map(|entry| {
                                            let institution = entry.institution.clone();
                                            view! {
                                                <tr class:text-slate-400=!institution.active>
                                                    <td class=TD>{institution.id.as_str().to_string()}</td>
                                                    <td class=TD>{institution.name.clone()}</td>
                                                    <td class=TD>{label(institution.kind)}</td>
                                                    <td class=TD>{area_label(&institution.serves)}</td>
                                                    <td class=TD>
                                                        <details>
                                                            <summary class="cursor-pointer text-teal-800 underline">{tr("Ubah", "Edit")}</summary>
                                                            <InstitutionForm save entry=Some(entry) />
                                                        </details>
                                                    </td>
                                                </tr>
                                            }
                                        })
                                        .collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }
                    ),
                    Err(error) => Either::Right(view! { <ErrorPanel error /> }),
                }
            })}
        </Suspense>
    }
}

#[component]
fn InstitutionForm(
    save: ServerAction<SaveInstitution>,
    entry: Option<InstitutionEntry>,
) -> impl IntoView {
    let id = entry
        .as_ref()
        .map(|e| e.institution.id.as_str().to_string())
        .unwrap_or_default();
    let version = entry
        .as_ref()
        .map(|e| e.version.to_string())
        .unwrap_or_default();
    let name = entry
        .as_ref()
        .map(|e| e.institution.name.clone())
        .unwrap_or_default();
    let kind = entry.as_ref().map(|e| e.institution.kind);
    let area = entry
        .as_ref()
        .map(|e| area_text(&e.institution.serves))
        .unwrap_or_default();
    let address = entry
        .as_ref()
        .and_then(|e| e.address.clone())
        .unwrap_or_default();
    let phone = entry
        .as_ref()
        .and_then(|e| e.phone.clone())
        .unwrap_or_default();
    let active = entry.as_ref().is_none_or(|e| e.institution.active);
    let live = LiveCheck::new(|d: &InstitutionDraft| d.to_request().err());
    view! {
        <ActionForm
            action=save
            attr:class="mt-3 grid max-w-2xl gap-3 sm:grid-cols-2"
            on:input=move |event| live.read(&event)
            on:focusout=move |event| live.leave(&event)
        >
            <input type="hidden" name="id" value=id />
            <input type="hidden" name="version" value=version />
            <div class="sm:col-span-2">
                <label class=LABEL>{tr("Nama", "Name")}
                    <input name="name" type="text" required value=name class=INPUT />
                </label>
            </div>
            <div>
                <label class=LABEL>{tr("Jenis", "Kind")}
                    <select name="kind" class=INPUT>
                        {options(InstitutionKind::ALL, InstitutionKind::code, InstitutionKind::label_id, kind)}
                    </select>
                </label>
            </div>
            <div>
                <label class=LABEL>{tr("Kode wilayah layanan (kosong: nasional)", "Area code served (empty: national)")}
                    <input name="area_code" type="text" value=area class=INPUT />
                </label>
                <LiveError live field="area_code" />
            </div>
            <div>
                <label class=LABEL>{tr("Alamat", "Address")}
                    <input name="address" type="text" value=address class=INPUT />
                </label>
            </div>
            <div>
                <label class=LABEL>{tr("Telepon", "Telephone")}
                    <input name="phone" type="tel" value=phone class=INPUT />
                </label>
            </div>
            <label class="flex items-center gap-2 text-sm">
                <input name="active" type="checkbox" value="true" checked=active />
                {tr("Menerima rujukan", "Takes referrals")}
            </label>
            <div class="sm:col-span-2 space-y-2">
                <FormResult result=outcome(save.value()) success=tr("Tersimpan.", "Saved.") />
                <button type="submit" class=BUTTON>{tr("Simpan", "Save")}</button>
            </div>
        </ActionForm>
    }
}

/// The programme catalogue.
#[component]
pub fn ProgrammesPage() -> impl IntoView {
    view! { <SignedInPage needs=Action::ManageCatalogue title=tr("Katalog program", "Programme catalogue") content=|_user| view! { <ProgrammesBody /> } /> }
}

#[component]
fn ProgrammesBody() -> impl IntoView {
    let save = ServerAction::<SaveProgramme>::new();
    let rows = Resource::new(move || save.version().get(), |_| programmes());
    view! {
        <PageHeading text=tr("Katalog program dan layanan", "Programme and service catalogue") />
        <details class="mb-4 rounded-xl border border-slate-200 bg-white p-3">
            <summary class="cursor-pointer font-medium">{tr("Tambah program", "Add a programme")}</summary>
            <ProgrammeForm save entry=None />
        </details>
        <Suspense fallback=|| view! { <p>{texts().loading}</p> }>
            {move || Suspend::new(async move {
                match rows.await {
                    Ok(rows) => Either::Left(view! {
                        <div class="overflow-x-auto rounded-xl border border-slate-200 bg-white">
                            <table class=TABLE data-testid="programme-table">
                                <thead class="bg-slate-50">
                                    <tr>
                                        <th class=TH>{tr("Kode", "Code")}</th>
                                        <th class=TH>{tr("Nama", "Name")}</th>
                                        <th class=TH>{tr("Sektor", "Sector")}</th>
                                        <th class=TH>{tr("Wilayah", "Area")}</th>
                                        <th class=TH>{tr("Ubah", "Edit")}</th>
                                    </tr>
                                </thead>
                                <tbody class="divide-y divide-slate-100">
                                    {rows
                                        .into_iter()
                                        .map(|entry| {
                                            let programme = entry.entry.clone();
                                            view! {
                                                <tr class:text-slate-400=!programme.active>
                                                    <td class=TD>{programme.code.clone()}</td>
                                                    <td class=TD>{programme.name.clone()}</td>
                                                    <td class=TD>{label(programme.sector)}</td>
                                                    <td class=TD>{area_label(&programme.area)}</td>
                                                    <td class=TD>
                                                        <details>
                                                            <summary class="cursor-pointer text-teal-800 underline">{tr("Ubah", "Edit")}</summary>
                                                            <ProgrammeForm save entry=Some(entry) />
                                                        </details>
                                                    </td>
                                                </tr>
                                            }
                                        })
                                        .collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }
                    ),
                    Err(error) => Either::Right(view! { <ErrorPanel error /> }),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ProgrammeForm(
    save: ServerAction<SaveProgramme>,
    entry: Option<ProgrammeEntry>,
) -> impl IntoView {
    let id = entry.as_ref().map(|e| e.id.to_string()).unwrap_or_default();
    let version = entry
        .as_ref()
        .map(|e| e.version.to_string())
        .unwrap_or_default();
    let institution_id = entry
        .as_ref()
        .and_then(|e| e.institution_id)
        .map(|id| id.to_string())
        .unwrap_or_default();
    let entry = entry.map(|e| e.entry);
    let code = entry.as_ref().map(|e| e.code.clone()).unwrap_or_default();
    let name = entry.as_ref().map(|e| e.name.clone()).unwrap_or_default();
    let kind = entry.as_ref().map(|e| e.kind);
    let sector = entry.as_ref().map(|e| e.sector);
    let kinds = entry
        .as_ref()
        .map(|e| {
            e.institution_kinds
                .iter()
                .map(|k| k.code())
                .collect::<Vec<_>>()
                .join(",")
        })
        .unwrap_or_default();
    let area = entry
        .as_ref()
        .map(|e| area_text(&e.area))
        .unwrap_or_default();
    let active = entry.as_ref().is_none_or(|e| e.active);
    let live = LiveCheck::new(|d: &ProgrammeDraft| d.to_request().err());
    view! {
        <ActionForm
            action=save
            attr:class="mt-3 grid max-w-2xl gap-3 sm:grid-cols-2"
            on:input=move |event| live.read(&event)
            on:focusout=move |event| live.leave(&event)
        >
            <input type="hidden" name="id" value=id />
            <input type="hidden" name="version" value=version />
            <div>
                <label class=LABEL>{tr("Kode", "Code")}
                    <input name="code" type="text" required value=code class=INPUT />
                </label>
            </div>
            <div>
                <label class=LABEL>{tr("Nama", "Name")}
                    <input name="name" type="text" required value=name class=INPUT />
                </label>
            </div>
            <div>
                <label class=LABEL>{tr("Jenis program", "Programme kind")}
                    <select name="kind" class=INPUT>
                        {options(ProgrammeKind::ALL, ProgrammeKind::code, ProgrammeKind::label_id, kind)}
                    </select>
                </label>
            </div>
            <div>
                <label class=LABEL>{tr("Sektor", "Sector")}
                    <select name="sector" class=INPUT>
                        {options(Sector::ALL, Sector::code, Sector::label_id, sector)}
                    </select>
                </label>
            </div>
            <div>
                <label class=LABEL>{tr("Jenis lembaga tujuan (kode, dipisah koma)", "Institution kinds (codes, comma-separated)")}
                    <input name="institution_kinds" type="text" value=kinds class=INPUT />
                </label>
                <LiveError live field="institution_kinds" />
            </div>
            <div>
                <label class=LABEL>{tr("Kode wilayah (kosong: nasional)", "Area code (empty: national)")}
                    <input name="area_code" type="text" value=area class=INPUT />
                </label>
                <LiveError live field="area_code" />
            </div>
            <div>
                <label class=LABEL>{tr("ID lembaga pelaksana", "Delivering institution id")}
                    <input name="institution_id" type="text" inputmode="numeric" value=institution_id class=INPUT />
                </label>
                <LiveError live field="institution_id" />
            </div>
            <label class="flex items-center gap-2 text-sm">
                <input name="active" type="checkbox" value="true" checked=active />
                {tr("Dapat dipilih", "Can be chosen")}
            </label>
            <div class="sm:col-span-2 space-y-2">
                <FormResult result=outcome(save.value()) success=tr("Tersimpan.", "Saved.") />
                <button type="submit" class=BUTTON>{tr("Simpan", "Save")}</button>
            </div>
        </ActionForm>
    }
}
