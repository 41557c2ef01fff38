//! The home visit (verivali) of a proposal, on a phone: the housing and income
//! questions prefilled from the household file, each member's status, the
//! date and a note. "Simpan" keeps the visit as a draft of what was typed;
//! ticked "finished", it records the verivali step. A plain form: it works
//! before the bundle has loaded and without JavaScript.

use leptos::either::Either;
use leptos::prelude::*;
use shared::household::{
    CookingFuel, DrinkingWater, FloorMaterial, IncomeBand, Lighting, RoofMaterial, Tenure,
    ToiletFacility, WallMaterial,
};
use shared::member::MemberRegistryStatus;
use shared::visit::{VisitFile, VisitState};

use crate::api::{SaveHomeVisit, home_visit};
use crate::components::form::options_of;
use crate::components::page::{
    BUTTON, BUTTON_QUIET, ErrorPanel, FormResult, INPUT, LABEL, PageHeading, SignedInPage, outcome,
    route_id,
};
use crate::format::time_in;
use crate::i18n::{label, texts, tr};
use crate::paths;

/// A proposal's home visit.
#[component]
pub fn VisitPage() -> impl IntoView {
    view! {
        <SignedInPage
            needs=shared::access::Action::ChangeProposal
            title=tr("Verivali", "Home visit")
            content=|_user| view! { <VisitBody /> }
        />
    }
}

#[component]
fn VisitBody() -> impl IntoView {
    let id = route_id();
    let save = ServerAction::<SaveHomeVisit>::new();
    let file = Resource::new(id, home_visit);
    view! {
        <Suspense fallback=|| view! { <p>{texts().loading}</p> }>
            {move || Suspend::new(async move {
                // After a save the answer is the visit as stored; a refused save
                // changes nothing on the page, so what was typed stays.
                let saved = save.value().with(|last| match last {
                    Some(Ok(file)) => Some(file.clone()),
                    _ => None,
                });
                let shown = match saved {
                    Some(file) => Ok(file),
                    None => file.await,
                };
                match shown {
                    Ok(file) => Either::Left(view! { <VisitView file save /> }),
                    Err(error) => Either::Right(view! { <ErrorPanel error /> }),
                }
            })}
        </Suspense>
    }
}

/// The photo of the house's front: the one kept, and (while the visit is
/// open) a plain upload that works without script, straight from the camera.
#[component]
fn HousePhoto(
    proposal_id: i64,
    taken: Option<chrono::DateTime<chrono::Utc>>,
    may_upload: bool,
    zone: shared::clock::Zone,
) -> impl IntoView {
    let sent = crate::components::list::query_value("foto");
    let refused = crate::components::list::query_value("foto_galat");
    view! {
        <section class="mb-4 space-y-2 rounded-xl border border-slate-200 bg-white p-4" data-testid="house-photo">
            <h2 class="font-semibold">{tr("Foto rumah tampak depan (pilihan)", "Photo of the house's front (optional)")}</h2>
            {match taken {
                Some(at) => Either::Left(view! {
                    <img
                        src=paths::house_photo(proposal_id)
                        alt=tr("Foto rumah tampak depan", "Photo of the house's front")
                        loading="lazy"
                        class="max-h-64 w-auto rounded-md border border-slate-200"
                        data-testid="house-photo-image"
                    />
                    <p class="text-sm text-slate-600">{format!("{} {}", tr("Diunggah", "Uploaded"), time_in(at, zone))}</p>
                }),
                None => Either::Right(view! {
                    <p class="text-sm text-slate-600">{tr("Belum ada foto.", "No photo yet.")}</p>
                }),
            }}
            {move || (sent() == "ok").then(|| view! {
                <p role="status" class="rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-800" data-testid="house-photo-sent">
                    {tr("Foto tersimpan, tanpa lokasi dan data ponsel.", "Photo kept, without its location and phone data.")}
                </p>
            })}
            {move || shared::photo::PhotoProblem::from_code(&refused()).map(|problem| view! {
                <p role="alert" class="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800" data-testid="house-photo-refused">{label(problem)}</p>
            })}
            {may_upload.then(|| view! {
                <form method="post" enctype="multipart/form-data" action=paths::house_photo_upload(proposal_id) class="space-y-2" data-testid="house-photo-form">
                    <label for="house-photo-file" class=LABEL>
                        {tr("Foto JPEG atau PNG, paling besar 8 MB. Simpan isian kunjungan dulu: mengunggah memuat ulang halaman.", "A JPEG or PNG photo, 8 MB at most. Save the visit's answers first: uploading reloads the page.")}
                    </label>
                    <input id="house-photo-file" name="file" type="file" required accept="image/jpeg,image/png" capture="environment" class="block w-full text-sm" />
                    <button type="submit" class=BUTTON_QUIET data-testid="house-photo-upload">{tr("Unggah foto", "Upload the photo")}</button>
                </form>
            })}
        </section>
    }
}

/// A select of a coded answer, with the draft's value chosen.
#[component]
fn Choice(
    name: &'static str,
    label_text: &'static str,
    options: Vec<(String, String)>,
    value: String,
    disabled: bool,
) -> impl IntoView {
    let id = format!("visit-{name}");
    view! {
        <div>
            <label for=id.clone() class=LABEL>{label_text}</label>
            <select id=id name=name class=INPUT disabled=disabled data-field=name>
                <option value="" selected=value.is_empty()>{tr("Pilih", "Choose")}</option>
                {options
                    .into_iter()
                    .map(|(code, text)| {
                        let chosen = code == value;
                        view! { <option value=code selected=chosen>{text}</option> }
                    })
                    .collect_view()}
            </select>
        </div>
    }
}

#[component]
fn VisitView(file: VisitFile, save: ServerAction<SaveHomeVisit>) -> impl IntoView {
    let proposal = file.proposal.clone();
    let zone = shared::clock::Zone::of_area(proposal.village.as_str());
    let draft = file.draft.clone();
    let done = file.state == Some(VisitState::Done);
    let locked = !file.may_visit;
    let statuses: Vec<(String, String)> = options_of::<MemberRegistryStatus>();
    view! {
        <PageHeading text=tr("Verivali (kunjungan rumah)", "Home visit (verivali)") />
        <p class="mb-2 text-sm">
            <a href=paths::proposal(proposal.id) class="font-semibold text-teal-800 underline break-words">{proposal.head_name.clone()}</a>
            {format!(" · {} · {}", proposal.no_kk_masked, label(proposal.stage))}
        </p>
        <p class="mb-3 text-sm text-slate-600" data-testid="visit-state">
            {match (file.state, &file.saved_by, file.saved_at) {
                (Some(state), Some(who), Some(at)) => format!("{} · {} {who}, {}", label(state), tr("disimpan oleh", "saved by"), time_in(at, zone)),
                (Some(state), _, _) => label(state).to_string(),
                _ if file.awaiting_survey => tr(
                    "Belum ada kunjungan. Keluarga ini tercatat dari daftar BNBA desa: rumah dan penghasilannya belum pernah didata, jadi semua isian masih kosong.",
                    "No visit yet. This family was recorded from the village's BNBA list: its house and income were never recorded, so every answer is still empty.",
                ).to_string(),
                _ => tr("Belum ada kunjungan: isian diambil dari data keluarga.", "No visit yet: the answers come from the household file.").to_string(),
            }}
        </p>
        {(locked && !done).then(|| view! {
            <p class="mb-3 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900" data-testid="visit-locked">
                {tr(
                    "Verivali dicatat oleh fasilitator atau supervisor setelah usulan disetujui musdes.",
                    "The home visit is recorded by a facilitator or supervisor once the village meeting agreed the proposal.",
                )}
            </p>
        })}
        <HousePhoto proposal_id=proposal.id taken=file.house_photo may_upload=file.may_visit zone />
        <ActionForm action=save attr:class="space-y-4" attr:data-testid="visit-form">
            <input type="hidden" name="proposal_id" value=draft.proposal_id.clone() />
            <input type="hidden" name="version" value=draft.version.clone() />
            <section class="space-y-3 rounded-xl border border-slate-200 bg-white p-4">
                <h2 class="font-semibold">{tr("Kunjungan", "Visit")}</h2>
                <div>
                    <label for="visit-visited_on" class=LABEL>{tr("Tanggal kunjungan", "Date of the visit")}</label>
                    <input id="visit-visited_on" name="visited_on" type="date" value=draft.visited_on.clone() class=INPUT disabled=locked data-field="visited_on" />
                </div>
            </section>
            <section class="grid gap-3 rounded-xl border border-slate-200 bg-white p-4 sm:grid-cols-2">
                <h2 class="font-semibold sm:col-span-2">{tr("Rumah dan penghasilan", "House and income")}</h2>
                <Choice name="house_tenure" label_text=tr("Status kepemilikan rumah", "Tenure of the house") options={options_of::<Tenure>()} value=draft.house_tenure.clone() disabled=locked />
                <Choice name="land_tenure" label_text=tr("Status lahan", "Tenure of the land") options={options_of::<Tenure>()} value=draft.land_tenure.clone() disabled=locked />
                <div>
                    <label for="visit-floor_area_m2" class=LABEL>{tr("Luas lantai (m²)", "Floor area (m²)")}</label>
                    <input id="visit-floor_area_m2" name="floor_area_m2" type="text" inputmode="numeric" value=draft.floor_area_m2.clone() class=INPUT disabled=locked data-field="floor_area_m2" />
                </div>
                <Choice name="floor" label_text=tr("Jenis lantai", "Floor") options={options_of::<FloorMaterial>()} value=draft.floor.clone() disabled=locked />
                <Choice name="wall" label_text=tr("Jenis dinding", "Walls") options={options_of::<WallMaterial>()} value=draft.wall.clone() disabled=locked />
                <Choice name="roof" label_text=tr("Jenis atap", "Roof") options={options_of::<RoofMaterial>()} value=draft.roof.clone() disabled=locked />
                <Choice name="drinking_water" label_text=tr("Sumber air minum", "Drinking water") options={options_of::<DrinkingWater>()} value=draft.drinking_water.clone() disabled=locked />
                <Choice name="lighting" label_text=tr("Sumber penerangan", "Lighting") options={options_of::<Lighting>()} value=draft.lighting.clone() disabled=locked />
                <Choice name="cooking_fuel" label_text=tr("Bahan bakar memasak", "Cooking fuel") options={options_of::<CookingFuel>()} value=draft.cooking_fuel.clone() disabled=locked />
                <Choice name="toilet" label_text=tr("Fasilitas BAB", "Toilet") options={options_of::<ToiletFacility>()} value=draft.toilet.clone() disabled=locked />
                <Choice name="income_band" label_text=tr("Penghasilan keluarga per bulan", "Monthly household income") options={options_of::<IncomeBand>()} value=draft.income_band.clone() disabled=locked />
            </section>
            <section class="space-y-3 rounded-xl border border-slate-200 bg-white p-4">
                <h2 class="font-semibold">{tr("Status anggota keluarga", "Members' status")}</h2>
                <ul class="space-y-3" data-testid="visit-members">
                    {file
                        .members
                        .iter()
                        .enumerate()
                        .map(|(index, member)| {
                            let chosen = draft
                                .members
                                .iter()
                                .find(|m| m.member_id == member.id.to_string())
                                .map(|m| m.status.clone())
                                .unwrap_or_default();
                            let select_id = format!("visit-member-{}", member.id);
                            view! {
                                <li>
                                    <input type="hidden" name=format!("members[{index}][member_id]") value=member.id />
                                    <label for=select_id.clone() class=LABEL>
                                        {format!("{} ({})", member.name, label(member.relationship))}
                                    </label>
                                    <select id=select_id name=format!("members[{index}][status]") class=INPUT disabled=locked data-field=format!("members.{index}.status")>
                                        <option value="" selected=chosen.is_empty()>{tr("Pilih", "Choose")}</option>
                                        {statuses
                                            .iter()
                                            .map(|(code, text)| {
                                                let selected = *code == chosen;
                                                view! { <option value=code.clone() selected=selected>{text.clone()}</option> }
                                            })
                                            .collect_view()}
                                    </select>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </section>
            <section class="space-y-3 rounded-xl border border-slate-200 bg-white p-4">
                <div>
                    <label for="visit-note" class=LABEL>{tr("Catatan kunjungan", "Notes of the visit")}</label>
                    <textarea id="visit-note" name="note" rows="3" maxlength="2000" class=INPUT disabled=locked data-field="note">{draft.note.clone()}</textarea>
                </div>
                {(!locked).then(|| view! {
                    <label class="flex items-start gap-2 text-sm">
                        <input type="checkbox" name="finish" value="true" class="mt-1 h-5 w-5" data-testid="visit-finish" />
                        <span>{tr(
                            "Kunjungan selesai: catat verivali dan teruskan usulan ke padan Dukcapil (semua isian wajib).",
                            "The visit is finished: record it and pass the proposal on to the civil-registry match (every answer required).",
                        )}</span>
                    </label>
                    <button type="submit" class=BUTTON data-testid="visit-save">{tr("Simpan", "Save")}</button>
                })}
                <FormResult result=outcome(save.value()) success=tr("Kunjungan tersimpan.", "Visit saved.") />
            </section>
        </ActionForm>
        <div class="mt-4">
            <a href=paths::proposal(proposal.id) class=BUTTON_QUIET>{tr("Kembali ke usulan", "Back to the proposal")}</a>
        </div>
    }
}
