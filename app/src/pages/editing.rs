//! Editing a household's file: its own fields (address to RT/RW, house,
//! economy) and each member's, on pages of their own, with the checks of
//! registration. Someone else's save in between is a conflict: the page shows
//! what is saved now beside what was typed, field by field, and the user
//! takes the saved data or saves theirs over it. Plain forms without script.

use leptos::either::Either;
use leptos::prelude::*;
use shared::Coded;
use shared::dto::{CurrentUser, HouseholdFile};
use shared::editing::{Difference, HouseholdEditDraft, MemberEditDraft};
use shared::household::{
    AssetKind, CookingFuel, DrinkingWater, FloorMaterial, IncomeBand, Lighting, RoofMaterial,
    Tenure, ToiletFacility, WallMaterial,
};
use shared::identity::Sex;
use shared::intake::MemberDraft;
use shared::member::{Education, MaritalStatus, Occupation, Relationship};
use shared::programme::ProgrammeKind;

use crate::api::{AppError, get_household_file, member_specifics, update_household, update_member};
use crate::components::form::{FormState, FormSummary, Lens, NoScriptFields};
use crate::components::household_fields::{AddressFields, EconomyFields, HouseFields};
use crate::components::member_fields::{MemberInputs, Reader};
use crate::components::page::{
    BUTTON, BUTTON_QUIET, ErrorPanel, SignedInPage, TABLE, TD, TH, route_id,
};
use crate::components::saving::{KeyedSave, SaveProgress, keyed_save};
use crate::i18n::{Lang, lang, texts, tr};
use crate::paths;
use crate::posted::{Posted, posted_form};

/// The label of `code` among the values of `T` (the code itself when unknown).
fn named<T: Coded>(code: &str) -> String {
    T::from_code(code).map_or_else(|| code.to_string(), |v| crate::i18n::label(v).to_string())
}

/// A form value as a person reads it: a choice by its label, a list by its labels.
fn shown(field: &str, value: &str) -> String {
    let each = |one: fn(&str) -> String| {
        value
            .split(", ")
            .filter(|v| !v.is_empty())
            .map(one)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let text = match field {
        "house_tenure" | "land_tenure" => named::<Tenure>(value),
        "floor" => named::<FloorMaterial>(value),
        "wall" => named::<WallMaterial>(value),
        "roof" => named::<RoofMaterial>(value),
        "drinking_water" => named::<DrinkingWater>(value),
        "lighting" => named::<Lighting>(value),
        "cooking_fuel" => named::<CookingFuel>(value),
        "toilet" => named::<ToiletFacility>(value),
        "income_band" => named::<IncomeBand>(value),
        "assets" => each(named::<AssetKind>),
        "programmes" => each(named::<ProgrammeKind>),
        "sex" => named::<Sex>(value),
        "relationship" => named::<Relationship>(value),
        "marital_status" => named::<MaritalStatus>(value),
        "education" => named::<Education>(value),
        "occupation" => named::<Occupation>(value),
        _ => value.to_string(),
    };
    if text.trim().is_empty() {
        "—".to_string()
    } else {
        text
    }
}

/// Someone saved in between: what is saved now beside what was typed, and
/// the two ways on.
#[component]
fn ConflictPanel(
    differences: Vec<Difference>,
    /// Take the saved data into the form.
    take_saved: Callback<()>,
    /// Save what was typed over the saved data.
    keep_mine: Callback<()>,
) -> impl IntoView {
    let english = lang() == Lang::En;
    view! {
        <section class="rounded-xl border border-amber-300 bg-amber-50 p-4 text-sm" role="alert" data-testid="edit-conflict">
            <h2 class="font-semibold">{tr("Data ini diubah orang lain sejak Anda membukanya", "Someone else changed this since you opened it")}</h2>
            <p class="mt-1">{tr("Isian Anda belum disimpan. Bandingkan, lalu pilih.", "What you typed is not saved yet. Compare, then choose.")}</p>
            <div class="mt-2 overflow-x-auto rounded-lg border border-amber-200 bg-white">
                <table class=TABLE>
                    <thead class="bg-slate-50">
                        <tr>
                            <th class=TH>{tr("Data", "Item")}</th>
                            <th class=TH>{tr("Tersimpan sekarang", "Saved now")}</th>
                            <th class=TH>{tr("Isian Anda", "Yours")}</th>
                        </tr>
                    </thead>
                    <tbody class="divide-y divide-slate-100">
                        {differences
                            .into_iter()
                            .map(|d| view! {
                                <tr data-testid="conflict-row" data-field=d.field>
                                    <td class=TD>{shared::error::field_name(d.field, english)}</td>
                                    <td class=TD>{shown(d.field, &d.saved)}</td>
                                    <td class=TD>{shown(d.field, &d.typed)}</td>
                                </tr>
                            })
                            .collect_view()}
                    </tbody>
                </table>
            </div>
            <div class="mt-3 flex flex-wrap gap-2">
                <button type="button" class=BUTTON_QUIET data-testid="conflict-take-saved" on:click=move |_| take_saved.run(())>
                    {tr("Pakai data tersimpan", "Take the saved data")}
                </button>
                <button type="button" class=BUTTON data-testid="conflict-keep-mine" on:click=move |_| keep_mine.run(())>
                    {tr("Simpan isian saya", "Save mine over it")}
                </button>
            </div>
        </section>
    }
}

/// The way back to household `household_id`'s file, above a page of its own.
#[component]
pub fn BackToFile(household_id: i64, head_name: String) -> impl IntoView {
    view! {
        <p class="text-sm">
            <a class="text-teal-800 underline" href=paths::household(household_id)>
                {format!("← {} {head_name}", tr("Berkas keluarga", "Household file"))}
            </a>
        </p>
    }
}

/// Whether `error` says someone saved in between.
fn is_conflict(error: &AppError) -> bool {
    error.code == "conflict"
}

/// An edit form's saving: the summary's refusal (a conflict has its own
/// panel), and the household as saved now once a save met a conflict.
struct Saving {
    refusal: Signal<Option<String>>,
    saved_now: RwSignal<Option<HouseholdFile>>,
}

/// Wires an edit form of household `file` to `save`: a success goes back to
/// the file (read again), a conflict reads the file as saved now. Without
/// script the refusal came with the page, and so did the file as saved now.
fn saving<D: Clone + PartialEq + Send + Sync + 'static>(
    form: FormState<D>,
    save: Action<D, Result<shared::dto::Created, AppError>>,
    refused: Option<AppError>,
    file: &HouseholdFile,
    key: String,
) -> Saving {
    let household_id = file.id;
    let posted_conflict = refused
        .as_ref()
        .is_some_and(is_conflict)
        .then(|| file.clone());
    let refusal = form.refused_before(
        refused.filter(|e| !is_conflict(e)),
        form.on_created(save, move |_| saved_page(household_id, &key)),
        save,
    );
    let conflicted = move || {
        save.value()
            .with(|v| matches!(v, Some(Err(e)) if is_conflict(e)))
    };
    let saved_now = RwSignal::new(posted_conflict);
    Effect::new(move |_| {
        if conflicted() {
            leptos::task::spawn_local(async move {
                if let Ok(now) = get_household_file(household_id).await {
                    saved_now.set(Some(now));
                }
            });
        }
    });
    Saving {
        refusal: Signal::derive(move || if conflicted() { None } else { refusal.get() }),
        saved_now,
    }
}

/// The household's page after an edit (read again: a new address each time).
fn saved_page(household_id: i64, key: &str) -> String {
    format!("{}?{}={key}", paths::household(household_id), paths::EDITED)
}

/// The household edit page.
#[component]
pub fn HouseholdEditPage() -> impl IntoView {
    view! { <SignedInPage title=tr("Ubah data keluarga", "Edit household") content=|_user: CurrentUser| view! { <HouseholdEditBody /> } /> }
}

#[component]
fn HouseholdEditBody() -> impl IntoView {
    let household_id = route_id();
    let file = Resource::new(household_id, get_household_file);
    let posted = posted_form();
    view! {
        <Suspense fallback=|| view! { <p>{texts().loading}</p> }>
            {move || Suspend::new(async move {
                let posted = match posted.await {
                    Some(Posted::HouseholdEdit { draft, refusal }) => Some((*draft, refusal)),
                    _ => None,
                };
                match file.await {
                    Ok(file) => Either::Left(view! { <HouseholdEditForm file posted /> }),
                    Err(error) => Either::Right(view! { <ErrorPanel error /> }),
                }
            })}
        </Suspense>
    }
}

#[component]
fn HouseholdEditForm(
    file: HouseholdFile,
    /// The form as posted without script, and the server's refusal.
    posted: Option<(HouseholdEditDraft, Option<AppError>)>,
) -> impl IntoView {
    let household_id = file.id;
    let (draft, refused) = posted.unwrap_or_else(|| (HouseholdEditDraft::of(&file), None));
    let key = crate::components::list::fresh_key();
    let form = FormState::new(draft, |d: &HouseholdEditDraft| d.to_request().err());
    let KeyedSave {
        action: save,
        attempt,
    } = keyed_save(update_household);
    let Saving { refusal, saved_now } = saving(form, save, refused, &file, key.clone());
    let pending = save.pending();
    let conflict = move || {
        saved_now.get().map(|now| {
            let differences = form.draft.with(|d| d.differences(&now));
            let take = now.clone();
            let take_saved = Callback::new(move |()| {
                form.draft.set(HouseholdEditDraft::of(&take));
                saved_now.set(None);
            });
            let version = now.version;
            let keep_mine = Callback::new(move |()| {
                form.draft.update(|d| d.version = version);
                saved_now.set(None);
                form.submit(save);
            });
            view! { <ConflictPanel differences take_saved keep_mine /> }
        })
    };
    let version = move || form.draft.with(|d| d.version);
    view! {
        <BackToFile household_id head_name=file.head_name.clone() />
        <form method="post" class="mt-3 space-y-4" data-testid="household-edit-form" novalidate
            on:submit=move |ev| {
                ev.prevent_default();
                form.submit(save);
            }
        >
            <h1 class="text-xl font-semibold">{tr("Ubah data keluarga", "Edit household")}</h1>
            <NoScriptFields form="household_edit" key />
            <input type="hidden" name="version" prop:value=version />
            <p class="text-sm text-slate-700">
                {format!("{} · {} · {}", file.head_name, file.no_kk_masked, file.village_name)}
                <br />
                <span class="text-slate-600">{tr(
                    "Kepala keluarga, No KK dan desa diubah lewat peristiwa keluarga (ganti kepala keluarga, pecah KK, pindah).",
                    "The head, the family card and the village change through household events (change of head, pecah KK, move).",
                )}</span>
            </p>
            {conflict}
            <section class="grid gap-3 rounded-xl border border-slate-200 bg-white p-4 sm:grid-cols-2">
                <h2 class="font-semibold sm:col-span-2">{tr("Alamat", "Address")}</h2>
                <AddressFields form />
            </section>
            <section class="grid gap-3 rounded-xl border border-slate-200 bg-white p-4 sm:grid-cols-2">
                <h2 class="font-semibold sm:col-span-2">{tr("Rumah", "House")}</h2>
                <HouseFields form />
            </section>
            <section class="grid gap-3 rounded-xl border border-slate-200 bg-white p-4">
                <h2 class="font-semibold">{tr("Ekonomi", "Economy")}</h2>
                <EconomyFields form />
            </section>
            <FormSummary errors=form.summary_errors() refusal />
            <div>
                <button type="submit" class=BUTTON disabled=move || pending.get() data-testid="household-edit-save">
                    {move || if pending.get() { texts().loading } else { tr("Simpan perubahan", "Save the changes") }}
                </button>
                <SaveProgress attempt />
            </div>
        </form>
    }
}

/// A member's edit page.
#[component]
pub fn MemberEditPage() -> impl IntoView {
    view! { <SignedInPage title=tr("Ubah data anggota", "Edit member") content=|user| view! { <MemberEditBody user /> } /> }
}

#[component]
fn MemberEditBody(user: CurrentUser) -> impl IntoView {
    let household_id = route_id();
    let params = leptos_router::hooks::use_params_map();
    let member_id = move || {
        params
            .with(|p| p.get("member").and_then(|m| m.parse::<i64>().ok()))
            .unwrap_or_default()
    };
    let with_specifics = user.role.may(shared::access::Action::ViewSpecificData);
    let file = Resource::new(household_id, get_household_file);
    // The roles that work with health and disability edit them too: given to the form.
    let specifics = Resource::new(household_id, move |id| async move {
        if with_specifics {
            member_specifics(id).await.map(Some)
        } else {
            Ok(None)
        }
    });
    let posted = posted_form();
    let today = user.today;
    view! {
        <Suspense fallback=|| view! { <p>{texts().loading}</p> }>
            {move || Suspend::new(async move {
                let posted = match posted.await {
                    Some(Posted::MemberEdit { draft, refusal }) => Some((*draft, refusal)),
                    _ => None,
                };
                let id = member_id();
                match (file.await, specifics.await) {
                    (Ok(file), Ok(specifics)) => {
                        match file.members.iter().find(|m| m.id == id).cloned() {
                            Some(member) => {
                                let own = specifics.as_ref().and_then(|all| all.iter().find(|s| s.member_id == id).cloned());
                                let draft = MemberEditDraft::of(&member, own.as_ref());
                                Either::Left(view! { <MemberEditForm file draft posted today /> })
                            }
                            None => Either::Right(view! { <ErrorPanel error=AppError::from(shared::contract::ServiceError::NotFound) /> }),
                        }
                    }
                    (Err(error), _) | (_, Err(error)) => Either::Right(view! { <ErrorPanel error /> }),
                }
            })}
        </Suspense>
    }
}

#[component]
fn MemberEditForm(
    file: HouseholdFile,
    /// The form filled from the member as saved.
    draft: MemberEditDraft,
    /// The form as posted without script, and the server's refusal.
    posted: Option<(MemberEditDraft, Option<AppError>)>,
    today: chrono::NaiveDate,
) -> impl IntoView {
    let household_id = file.id;
    let member_id = draft.member_id;
    let masked = file
        .members
        .iter()
        .find(|m| m.id == member_id)
        .and_then(|m| m.nik_masked.clone());
    let (draft, refused) = posted.unwrap_or((draft, None));
    let has_nik = masked.is_some();
    let key = crate::components::list::fresh_key();
    let form = FormState::new(draft, move |d: &MemberEditDraft| d.to_request(today).err());
    let KeyedSave {
        action: save,
        attempt,
    } = keyed_save(update_member);
    let Saving { refusal, saved_now } = saving(form, save, refused, &file, key.clone());
    let pending = save.pending();
    let conflict = move || {
        saved_now.get().and_then(|now| {
            let member = now.members.iter().find(|m| m.id == member_id)?.clone();
            let differences = form.draft.with(|d| d.differences(&member));
            let take = member.clone();
            let take_saved = Callback::new(move |()| {
                form.draft.update(|d| {
                    let fresh = MemberEditDraft::of(&take, None);
                    let (specific, with) = (d.member.clone(), d.with_specifics);
                    *d = MemberEditDraft {
                        with_specifics: with,
                        member: MemberDraft {
                            disabilities: specific.disabilities,
                            chronic_illnesses: specific.chronic_illnesses,
                            pregnant: specific.pregnant,
                            ppks: specific.ppks,
                            ..fresh.member
                        },
                        ..fresh
                    };
                });
                saved_now.set(None);
            });
            let version = member.version;
            let keep_mine = Callback::new(move |()| {
                form.draft.update(|d| d.version = version);
                saved_now.set(None);
                form.submit(save);
            });
            Some(view! { <ConflictPanel differences take_saved keep_mine /> })
        })
    };
    let member: Lens<MemberEditDraft, MemberDraft> =
        std::sync::Arc::new(|d: &mut MemberEditDraft| Some(&mut d.member));
    let read: Reader<MemberEditDraft> = std::sync::Arc::new(|d: &MemberEditDraft| Some(&d.member));
    let with_specifics = form.draft.with_untracked(|d| d.with_specifics);
    let version = move || form.draft.with(|d| d.version);
    view! {
        <BackToFile household_id head_name=file.head_name.clone() />
        <form method="post" class="mt-3 space-y-4" data-testid="member-edit-form" novalidate
            on:submit=move |ev| {
                ev.prevent_default();
                form.submit(save);
            }
        >
            <h1 class="text-xl font-semibold">{tr("Ubah data anggota", "Edit member")}</h1>
            <NoScriptFields form="member_edit" key />
            <input type="hidden" name="version" prop:value=version />
            <input type="hidden" name="has_nik" value=masked.is_some().to_string() />
            <input type="hidden" name="was_head" value=form.draft.with_untracked(|d| d.was_head).to_string() />
            <input type="hidden" name="with_specifics" value=with_specifics.to_string() />
            {masked.map(|masked| view! {
                <p class="text-sm text-slate-700">
                    {format!("{} {masked}. ", tr("NIK tersimpan:", "NIK on file:"))}
                    {tr("Kosongkan NIK untuk tetap memakainya; ketik NIK baru hanya bila salah.", "Leave the NIK empty to keep it; type a new one only if it is wrong.")}
                </p>
            })}
            {conflict}
            <fieldset class="grid gap-3 rounded-xl border border-slate-200 bg-white p-4 sm:grid-cols-2">
                <MemberInputs form prefix=String::new() member read today specifics=with_specifics nik_kept=has_nik />
            </fieldset>
            <FormSummary errors=form.summary_errors() refusal />
            <div>
                <button type="submit" class=BUTTON disabled=move || pending.get() data-testid="member-edit-save">
                    {move || if pending.get() { texts().loading } else { tr("Simpan perubahan", "Save the changes") }}
                </button>
                <SaveProgress attempt />
            </div>
        </form>
    }
}
