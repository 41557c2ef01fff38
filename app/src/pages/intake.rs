//! The front desk (layanan): look the resident up by NIK or No KK first; a
//! household found opens its file, a household not found is registered here.
//! The number typed stays in the page (sent in a request body, never in an
//! address), and its display is masked once the lookup has answered.

use leptos::either::Either;
use leptos::prelude::*;
use shared::dto::{CurrentUser, IdentityLookup, RegistryCheck, VillageOption};
use shared::intake::{MemberDraft, RegistrationDraft};

use crate::api::{
    AppError, lookup_identity, register_household, registration_duplicates, village_options,
};
use crate::components::form::{
    FormState, FormSummary, Lens, NoScriptFields, SelectField, TextField, pick,
};
use crate::components::household_fields::{AddressFields, EconomyFields, HouseFields};
use crate::components::list::fresh_key;
use crate::components::member_fields::{MemberInputs, Reader};
use crate::components::page::{BUTTON, BUTTON_QUIET, INPUT, LABEL, PageHeading, SignedInPage};
use crate::components::saving::{KeyedSave, SaveProgress, keyed_save};
use crate::i18n::{label, texts, tr};
use crate::paths;
use crate::posted::{FORM, OP, Posted, posted_form};

/// The front desk page.
#[component]
pub fn IntakePage() -> impl IntoView {
    view! {
        <SignedInPage
            title=tr("Layanan baru", "New visit")
            content=|user| view! { <IntakeBody user /> }
        />
    }
}

#[component]
fn IntakeBody(user: CurrentUser) -> impl IntoView {
    let posted = posted_form();
    view! {
        <Suspense fallback=|| view! { <p>{texts().loading}</p> }>
            {move || {
                let user = user.clone();
                Suspend::new(async move {
                    let posted = posted.await;
                    view! { <FrontDesk user posted /> }
                })
            }}
        </Suspense>
    }
}

/// The lookup and, once asked for, the registration form; `posted` is the
/// server's answer to a form posted before the script loaded (see [`crate::posted`]).
#[component]
fn FrontDesk(user: CurrentUser, posted: Option<Posted>) -> impl IntoView {
    let then_propose = leptos_router::hooks::use_query_map()
        .with_untracked(|q| q.get(paths::THEN_PROPOSE).as_deref() == Some("1"));
    let (typed_kind, typed_number, answered, registration) = match posted {
        Some(Posted::Lookup {
            kind,
            number,
            answer,
        }) => (kind, number, Some(answer), None),
        Some(Posted::Registration { draft, refusal }) => (
            "nik".to_string(),
            String::new(),
            None,
            Some((*draft, refusal)),
        ),
        _ => ("nik".to_string(), String::new(), None, None),
    };
    let kind = RwSignal::new(if typed_kind == "no_kk" {
        typed_kind
    } else {
        "nik".to_string()
    });
    let number = RwSignal::new(typed_number);
    // Once the lookup has answered, the number shows masked (`************0001`)
    // for whoever looks at the screen; focusing the field starts a new search.
    let masked = RwSignal::new(matches!(answered, Some(Ok(_))));
    let lookup = Action::new(|(kind, number): &(String, String)| {
        lookup_identity(kind.clone(), number.clone())
    });
    let shown = RwSignal::new(answered);
    let register = RwSignal::new(registration);
    Effect::new(move |_| {
        if let Some(answer) = lookup.value().get() {
            masked.set(answer.is_ok());
            shown.set(Some(answer));
        }
    });
    let today = user.today;
    let area = user.area_code.clone();
    let start_registration = move || {
        let (kind, typed) = (kind.get_untracked(), number.get_untracked());
        let draft = RegistrationDraft::for_number(fresh_key(), &area, &kind, &typed, today);
        register.set(Some((draft, None)));
    };
    let on_register = Callback::new(move |()| start_registration());
    let shown_number = move || {
        if masked.get() {
            shared::identity::mask_id_number(&shared::intake::id_digits(&number.get()))
        } else {
            number.get()
        }
    };
    view! {
        <PageHeading text=tr("Layanan baru", "New visit") />
        <p class="mb-4 text-sm text-slate-600">
            {tr(
                "Cari dulu dengan NIK atau nomor KK warga. Bila keluarganya belum tercatat, daftarkan di sini.",
                "First look the resident up by NIK or family card number. If the household is not on record, register it here.",
            )}
        </p>
        {then_propose.then(|| view! {
            <p class="mb-4 rounded-md bg-sky-50 px-3 py-2 text-sm text-sky-900" data-testid="intake-to-propose">
                {tr(
                    "Usulan keluarga baru ke registri: cari keluarganya dulu. Bila belum tercatat, daftarkan dengan kartu keluarganya (Dukcapil memadankan dengan nomor KK); formulir usulan terbuka setelah disimpan.",
                    "Proposing a new family to the registry: look the family up first. If it is not on record, register it with its family card (the civil registry matches by its number); the proposal form opens once it is saved.",
                )}
            </p>
        })}
        // `post`: a submission before the page's script has loaded must never put
        // the number in the address (history, proxy and server logs).
        <form
            method="post"
            class="mb-4 rounded-xl border border-slate-200 bg-white p-4"
            data-testid="lookup-form"
            on:submit=move |ev| {
                ev.prevent_default();
                register.set(None);
                lookup.dispatch((kind.get_untracked(), number.get_untracked()));
            }
        >
            <input type="hidden" name=FORM value="lookup" />
            <fieldset class="mb-3 flex flex-wrap gap-4 text-sm">
                <legend class="sr-only">{tr("Cari dengan", "Search by")}</legend>
                <label class="flex items-center gap-2">
                    <input type="radio" name="kind" value="nik" checked=move || kind.get() == "nik" prop:checked=move || kind.get() == "nik" on:change=move |_| kind.set("nik".into()) />
                    "NIK"
                </label>
                <label class="flex items-center gap-2">
                    <input type="radio" name="kind" value="no_kk" checked=move || kind.get() == "no_kk" prop:checked=move || kind.get() == "no_kk" on:change=move |_| kind.set("no_kk".into()) />
                    {tr("Nomor KK", "Family card number")}
                </label>
            </fieldset>
            <div class="flex flex-col gap-2 sm:flex-row sm:items-end">
                <div class="grow">
                    <label for="lookup-number" class=LABEL>{tr("Nomor (16 digit)", "Number (16 digits)")}</label>
                    <input
                        id="lookup-number"
                        name="number"
                        type="text"
                        inputmode="numeric"
                        autocomplete="off"
                        maxlength="24"
                        class=INPUT
                        value=shown_number
                        prop:value=shown_number
                        on:focus=move |_| {
                            if masked.get_untracked() {
                                masked.set(false);
                                number.set(String::new());
                            }
                        }
                        on:input=move |ev| number.set(event_target_value(&ev))
                    />
                </div>
                <button type="submit" class=BUTTON disabled=move || lookup.pending().get() data-testid="lookup-submit">
                    {move || if lookup.pending().get() { texts().loading } else { tr("Cari", "Search") }}
                </button>
            </div>
        </form>
        {move || {
            shown
                .get()
                .map(|result| match result {
                    Ok(found) => {
                        let (kind, number) = (kind.get_untracked(), number.get_untracked());
                        Either::Left(view! { <LookupResult found on_register kind number /> })
                    }
                    Err(error) => Either::Right(view! {
                        <p role="alert" data-testid="lookup-error" class="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
                            {error.field_messages().into_iter().next().map(|(_, m)| m).unwrap_or_else(|| error.message())}
                        </p>
                    }),
                })
        }}
        {move || register.get().map(|(draft, refused)| view! { <RegistrationForm draft today refused then_propose /> })}
    }
}

/// What the lookup found: households in the area, a note when the number is on
/// record elsewhere, and the registry's answer.
#[component]
fn LookupResult(
    found: IdentityLookup,
    on_register: Callback<()>,
    /// The number looked up, carried into a registration started without script.
    kind: String,
    number: String,
) -> impl IntoView {
    let registry = match found.registry {
        RegistryCheck::Found { record } => Either::Left(view! {
            <div data-testid="registry-found" class="rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-900">
                <p class="font-medium">{tr("Terdaftar di registri (DTSEN)", "In the registry (DTSEN)")}</p>
                <p>{format!("{} {}", tr("Desil", "Decile"), record.desil.get())}</p>
                <p>
                    {tr("Program diterima: ", "Programmes received: ")}
                    {if record.programmes.is_empty() {
                        tr("belum ada", "none").to_string()
                    } else {
                        record.programmes.iter().map(|p| label(*p)).collect::<Vec<_>>().join(", ")
                    }}
                </p>
            </div>
        }),
        RegistryCheck::OtherArea { district_name } => Either::Right(Either::Left(view! {
            <p data-testid="registry-other-area" class="rounded-md bg-slate-100 px-3 py-2 text-sm">
                {format!(
                    "{} {}. {}",
                    tr("Terdaftar di registri (DTSEN) untuk keluarga di", "In the registry (DTSEN) for a family in"),
                    district_name,
                    tr(
                        "Data registri keluarga itu hanya dapat dilihat petugas wilayah tersebut: rujuk warga ke sana.",
                        "That family's registry record is for that area's staff: refer the resident there.",
                    ),
                )}
            </p>
        })),
        RegistryCheck::NotFound => Either::Right(Either::Right(view! {
            <p data-testid="registry-not-found" class="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
                {tr(
                    "Tidak ditemukan di registri (DTSEN). Setelah keluarga terdaftar di portal, usulkan ke registri dari halaman keluarganya.",
                    "Not found in the registry (DTSEN). Once the household is registered here, propose it to the registry from its page.",
                )}
            </p>
        })),
    };
    let none_here = found.households.is_empty();
    let elsewhere_note = match found.elsewhere_area.clone() {
        Some(area) => format!(
            "{} {}. {}",
            tr("Nomor ini tercatat di", "This number is on record in"),
            area,
            tr(
                "Rujuk warga ke petugas wilayah tersebut atau ke sekretariat SLRT.",
                "Refer the resident to that area's staff or to the SLRT secretariat.",
            )
        ),
        None => tr(
            "Nomor ini tercatat di wilayah lain. Hubungi petugas wilayah tersebut atau sekretariat SLRT.",
            "This number is on record in another area. Contact that area's staff or the SLRT secretariat.",
        )
        .to_string(),
    };
    view! {
        <section class="mb-4 space-y-3" data-testid="lookup-result" aria-live="polite">
            {registry}
            {found
                .registered_elsewhere
                .then_some(view! {
                    <p class="rounded-md bg-slate-100 px-3 py-2 text-sm" data-testid="lookup-elsewhere">
                        {elsewhere_note}
                    </p>
                })}
            <ul class="divide-y divide-slate-200 rounded-xl border border-slate-200 bg-white">
                {found
                    .households
                    .into_iter()
                    .map(|household| {
                        view! {
                            <li class="p-3">
                                <a href=paths::household(household.id) class="font-medium text-teal-800 underline" data-testid="lookup-household">
                                    {household.head_name.clone()}
                                </a>
                                <p class="text-sm text-slate-600">
                                    {format!(
                                        "KK {} · {} · {} {}",
                                        household.no_kk_masked,
                                        household.village_name,
                                        household.member_count,
                                        tr("anggota", "members"),
                                    )}
                                </p>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            {none_here
                .then_some(view! {
                    <form
                        method="post"
                        class="rounded-xl border border-dashed border-slate-300 p-4"
                        on:submit=move |ev| {
                            ev.prevent_default();
                            on_register.run(());
                        }
                    >
                        <input type="hidden" name=FORM value="start_registration" />
                        <input type="hidden" name="kind" value=kind />
                        <input type="hidden" name="number" value=number />
                        <p class="mb-2 text-sm">{tr("Keluarga belum tercatat di wilayah Anda.", "The household is not on record in your area.")}</p>
                        <button type="submit" class=BUTTON data-testid="start-registration">
                            {tr("Daftarkan keluarga baru", "Register a new household")}
                        </button>
                    </form>
                })}
        </section>
    }
}

type Draft = RegistrationDraft;

/// The registration form: the family card, address, house, economy and every member.
#[component]
fn RegistrationForm(
    draft: RegistrationDraft,
    today: chrono::NaiveDate,
    /// The server's refusal of this form posted without script.
    refused: Option<AppError>,
    /// Registered to be proposed to the registry: on to its proposal form.
    then_propose: bool,
) -> impl IntoView {
    let key = draft.idempotency_key.clone();
    let form = FormState::new(draft, move |d: &Draft| d.to_request(today).err());
    let villages = Resource::new(|| (), |()| village_options());
    let KeyedSave {
        action: save,
        attempt,
    } = keyed_save(register_household);
    let page_of = if then_propose {
        paths::household_proposal
    } else {
        paths::household
    };
    // Households on record likely the same family: shown, then saved only
    // once the front desk confirms another family.
    let posted_duplicate = refused.as_ref().is_some_and(is_likely_duplicate);
    let asks_to_confirm = Signal::derive(move || {
        save.value().with(|last| match last {
            Some(Err(error)) => is_likely_duplicate(error),
            Some(Ok(_)) => false,
            None => posted_duplicate && !save.pending().get(),
        })
    });
    let refusal = form.refused_before(refused, form.on_created(save, page_of), save);
    let pending = save.pending();
    let member_count = move || form.draft.with(|d| d.members.len());
    let village_select = move || {
        villages.get().map(|list| {
            let list: Vec<VillageOption> = list.unwrap_or_default();
            let options: Vec<(String, String)> = list
                .into_iter()
                .map(|v| (v.code, format!("{} — {}", v.name, v.subdistrict)))
                .collect();
            view! {
                <SelectField label=tr("Desa/kelurahan", "Village") binding=form.text("village", pick(|d| &mut d.household.village)) options required=true />
            }
        })
    };
    view! {
        <form
            method="post"
            class="space-y-6"
            data-testid="registration-form"
            novalidate
            on:submit=move |ev| {
                ev.prevent_default();
                form.submit(save);
            }
        >
            <h2 class="text-xl font-semibold">{tr("Pendaftaran keluarga", "Household registration")}</h2>
            <NoScriptFields form="registration" key />
            <SectionNav form />
            <section id=SECTIONS[0].0 class="grid scroll-mt-4 gap-3 rounded-xl border border-slate-200 bg-white p-4 sm:grid-cols-2">
                <h3 class="font-semibold sm:col-span-2">{tr(SECTIONS[0].1, SECTIONS[0].2)}</h3>
                <TextField label=tr("Nomor KK", "Family card number") binding=form.text("no_kk", pick(|d| &mut d.household.no_kk)) inputmode="numeric" required=true hint=tr("16 digit, sesuai kartu keluarga", "16 digits, as on the family card") />
                <TextField label=tr("Nama kepala keluarga", "Head of family") binding=form.text("head_name", pick(|d| &mut d.household.head_name)) required=true />
                <Suspense fallback=|| view! { <p>{texts().loading}</p> }>{village_select}</Suspense>
                <AddressFields form />
            </section>
            <section id=SECTIONS[1].0 class="grid scroll-mt-4 gap-3 rounded-xl border border-slate-200 bg-white p-4 sm:grid-cols-2">
                <h3 class="font-semibold sm:col-span-2">{tr(SECTIONS[1].1, SECTIONS[1].2)}</h3>
                <HouseFields form />
            </section>
            <section id=SECTIONS[2].0 class="grid scroll-mt-4 gap-3 rounded-xl border border-slate-200 bg-white p-4">
                <h3 class="font-semibold">{tr(SECTIONS[2].1, SECTIONS[2].2)}</h3>
                <EconomyFields form />
            </section>
            <section id=SECTIONS[3].0 class="scroll-mt-4 space-y-4">
                <h3 class="font-semibold">{tr(SECTIONS[3].1, SECTIONS[3].2)}</h3>
                <For each=move || 0..member_count() key=|index| *index let:index>
                    <MemberFields form index today />
                </For>
                <button
                    type="submit"
                    name=OP
                    value="add_member"
                    formnovalidate
                    class=BUTTON_QUIET
                    data-testid="add-member"
                    on:click=move |ev| {
                        ev.prevent_default();
                        form.draft.update(RegistrationDraft::add_member);
                    }
                >
                    {tr("+ Tambah anggota", "+ Add a member")}
                </button>
                {move || form.error("members").map(|message| view! { <p class="text-sm text-red-700" data-field-error="">{message}</p> })}
            </section>
            <FormSummary errors=form.summary_errors() refusal />
            {move || asks_to_confirm.get().then(|| view! { <LikelyDuplicates form save /> })}
            <button type="submit" class=BUTTON disabled=move || pending.get() data-testid="registration-submit">
                {move || if pending.get() { texts().loading } else { tr("Simpan keluarga", "Save household") }}
            </button>
                <SaveProgress attempt />
        </form>
    }
}

/// The registration form's sections: anchor, name (id, en).
const SECTIONS: [(&str, &str, &str); 4] = [
    (
        "bagian-alamat",
        "Kartu keluarga dan alamat",
        "Family card and address",
    ),
    ("bagian-rumah", "Kondisi rumah", "Housing"),
    (
        "bagian-ekonomi",
        "Ekonomi dan program",
        "Economy and programmes",
    ),
    ("bagian-anggota", "Anggota keluarga", "Household members"),
];

/// The section of [`SECTIONS`] a field of the registration draft is in.
fn section_of(field: &str) -> usize {
    match field {
        "no_kk" | "head_name" | "village" | "dusun" | "rw" | "rt" | "street" => 0,
        "income_band" | "assets" | "programmes" | "has_house_photo" => 2,
        f if f.starts_with("members") => 3,
        _ => 1,
    }
}

/// The form's sections as links to jump to, each with what is still missing
/// in it, and how many are complete: a long form on a phone, read at a glance.
#[component]
fn SectionNav(form: FormState<Draft>) -> impl IntoView {
    let open_in = move |section: usize| {
        form.check.with(|errors| {
            errors
                .iter()
                .filter(|(f, _)| section_of(f) == section)
                .count()
        })
    };
    let complete = move || (0..SECTIONS.len()).filter(|i| open_in(*i) == 0).count();
    view! {
        <nav aria-label=tr("Bagian formulir", "Form sections") class="rounded-xl border border-slate-200 bg-white p-3 text-sm" data-testid="registration-sections">
            <p class="font-medium" data-testid="registration-progress">
                {move || format!("{} {} {} {}", tr("Bagian lengkap:", "Sections complete:"), complete(), tr("dari", "of"), SECTIONS.len())}
            </p>
            <ol class="mt-1 grid gap-1 sm:grid-cols-2">
                {SECTIONS.iter().enumerate().map(|(i, (anchor, id, en))| view! {
                    <li>
                        <a href=format!("#{anchor}") class="text-teal-800 underline">{format!("{}. {}", i + 1, tr(id, en))}</a>
                        <span class="text-slate-600">
                            {move || match open_in(i) {
                                0 => " ✓".to_string(),
                                n => format!(" · {n} {}", tr("isian belum benar", "fields to fix")),
                            }}
                        </span>
                    </li>
                }).collect_view()}
            </ol>
        </nav>
    }
}

/// One member's fields in the registration form.
#[component]
fn MemberFields(form: FormState<Draft>, index: usize, today: chrono::NaiveDate) -> impl IntoView {
    let member: Lens<Draft, MemberDraft> =
        std::sync::Arc::new(move |d: &mut Draft| d.members.get_mut(index));
    let read: Reader<Draft> = std::sync::Arc::new(move |d: &Draft| d.members.get(index));
    let head_name = Signal::derive(move || form.draft.with(|d| d.household.head_name.clone()));
    view! {
        <fieldset class="grid gap-3 rounded-xl border border-slate-200 bg-white p-4 sm:grid-cols-2" data-testid="member">
            <legend class="px-1 font-medium">{format!("{} {}", tr("Anggota", "Member"), index + 1)}</legend>
            <MemberInputs form prefix=format!("members.{index}.") member read today head_name />
            {(index > 0)
                .then_some(view! {
                    <div class="sm:col-span-2">
                        <button
                            type="submit"
                            name=OP
                            value=format!("remove_member.{index}")
                            formnovalidate
                            class="text-sm text-red-700 underline"
                            on:click=move |ev| {
                                ev.prevent_default();
                                form.draft.update(|d| d.remove_member(index));
                            }
                        >
                            {tr("Hapus anggota ini", "Remove this member")}
                        </button>
                    </div>
                })}
        </fieldset>
    }
}

fn is_likely_duplicate(error: &AppError) -> bool {
    error.code == "likely_duplicate"
}

/// The households on record likely the family being registered: open the
/// same family, or confirm that this is another one and save it.
#[component]
fn LikelyDuplicates(
    form: FormState<Draft>,
    save: leptos::prelude::Action<Draft, Result<shared::dto::Created, AppError>>,
) -> impl IntoView {
    let found = Resource::new(
        || (),
        move |()| registration_duplicates(form.draft.get_untracked()),
    );
    let listed = move || {
        found.get().map(|answer| match answer {
            Ok(households) => Either::Left(
                households
                    .into_iter()
                    .map(|household| view! { <LikelyHouseholdItem household /> })
                    .collect_view(),
            ),
            Err(error) => {
                Either::Right(view! { <li class="text-sm text-red-800">{error.message()}</li> })
            }
        })
    };
    view! {
        <section class="space-y-3 rounded-xl border border-amber-300 bg-amber-50 p-4" data-testid="likely-duplicates" aria-live="polite">
            <h3 class="font-semibold text-amber-950">{tr("Mungkin keluarga ini sudah tercatat", "This family may already be on record")}</h3>
            <p class="text-sm text-amber-950">
                {tr(
                    "Nama dan tanggal lahir anggotanya mirip dengan keluarga di bawah (ejaan lain, nama disingkat atau urutan ditukar). Bila keluarganya sama, buka catatannya dan lanjutkan di sana: jangan daftarkan dua kali.",
                    "Its members' names and birth dates are alike those of the households below (spelled otherwise, shortened or in another order). If it is the same family, open its record and carry on there: do not register it twice.",
                )}
            </p>
            <ul class="space-y-3">
                <Suspense fallback=|| view! { <li>{texts().loading}</li> }>{listed}</Suspense>
            </ul>
            <button
                type="submit"
                name="confirmed_new"
                value="1"
                class=BUTTON_QUIET
                data-testid="confirm-new-household"
                on:click=move |ev| {
                    ev.prevent_default();
                    // For this save only: a later save after a change is looked at again.
                    form.draft.update(|d| d.confirmed_new = true);
                    form.submit(save);
                    form.draft.update(|d| d.confirmed_new = false);
                }
            >
                {tr("Keluarga lain: simpan sebagai keluarga baru", "Another family: save it as a new household")}
            </button>
        </section>
    }
}

/// One household likely the same, with the people alike and why.
#[component]
fn LikelyHouseholdItem(household: shared::duplicates::LikelyHousehold) -> impl IntoView {
    let title = household.head_name.clone().unwrap_or_else(|| {
        tr("Keluarga di desa lain", "A household in another village").to_string()
    });
    let place = match &household.no_kk_masked {
        Some(kk) => format!("KK {kk} · {}", household.village_name),
        None => household.village_name.clone(),
    };
    let open = match household.household_id {
        Some(id) => Either::Left(view! {
            <a href=paths::household(id) class="inline-block font-medium text-teal-800 underline" data-testid="open-likely-household">
                {tr("Buka keluarga ini", "Open this household")}
            </a>
        }),
        None => Either::Right(view! {
            <p class="text-sm">
                {tr(
                    "Tercatat di desa lain di kecamatan yang sama: tanyakan ke petugas desa tersebut atau sekretariat SLRT.",
                    "On record in another village of the same sub-district: ask that village's staff or the SLRT secretariat.",
                )}
            </p>
        }),
    };
    view! {
        <li class="rounded-lg border border-amber-200 bg-white p-3" data-testid="likely-household">
            <p class="font-medium">{title}</p>
            <p class="text-sm text-slate-600">{place}</p>
            {(household.score > 0).then(|| {
                let (id, en) = shared::duplicates::how_alike(household.score);
                view! { <p class="text-sm font-medium" data-testid="likely-score">{tr(id, en)}</p> }
            })}
            <ul class="my-2 list-disc pl-5 text-sm">
                {household
                    .people
                    .into_iter()
                    .map(|person| {
                        let found = person.found_name.clone().unwrap_or_else(|| "…".into());
                        view! {
                            <li>{format!("{} ↔ {}: {}", person.typed_name, found, label(person.likeness.reason))}</li>
                        }
                    })
                    .collect_view()}
            </ul>
            {open}
        </li>
    }
}
