//! Families registered twice, for the SLRT manager: the district's list of
//! likely pairs (each opened side by side, or set aside as two families),
//! and the merge of two records, the values kept chosen field by field and
//! the people who are the same paired.

use leptos::either::Either;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map};
use shared::dto::{CurrentUser, HouseholdFile, MemberFile};
use shared::duplicates::{DuplicatePair, MergeHouseholds, MergePreview, MergeSide, SamePerson};

use crate::api::{
    AppError, dismiss_duplicate, district_duplicates, get_merge_preview, merge_household_records,
};
use crate::components::list::fresh_key;
use crate::components::page::{
    BUTTON, BUTTON_QUIET, ErrorPanel, INPUT, LABEL, PageHeading, SignedInPage,
};
use crate::format::date_id;
use crate::i18n::{label, texts, tr};
use crate::paths;
use crate::posted::{FORM, Posted, posted_form};

/// The district's households likely registered twice.
#[component]
pub fn DuplicateListPage() -> impl IntoView {
    view! {
        <SignedInPage
            title=tr("Keluarga ganda", "Duplicate households")
            content=|_user| view! { <DuplicateList /> }
        />
    }
}

#[component]
fn DuplicateList() -> impl IntoView {
    let dismissed = RwSignal::new(0_u32);
    let pairs = Resource::new(move || dismissed.get(), |_| district_duplicates());
    let posted = posted_form();
    // A pair set aside without script and refused: the refusal, above the list.
    let refused = move || {
        Suspend::new(async move {
            match posted.await {
                Some(Posted::Dismiss {
                    refusal: Some(error),
                }) => Some(view! {
                    <p role="alert" class="mb-3 rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">{error.message()}</p>
                }),
                _ => None,
            }
        })
    };
    view! {
        <PageHeading text=tr("Keluarga ganda", "Duplicate households") />
        <Suspense fallback=|| ()>{refused}</Suspense>
        <p class="mb-4 text-sm text-slate-600">
            {tr(
                "Keluarga di kecamatan yang sama dengan anggota yang namanya mirip (ejaan lain, disingkat, urutan ditukar) dan tanggal lahirnya sama atau berdekatan. Bandingkan keduanya lalu gabungkan, atau tandai sebagai keluarga yang berbeda.",
                "Households of one sub-district with members whose names are alike (spelled otherwise, shortened, in another order) and whose birth dates are the same or close. Compare them and merge, or mark them as different families.",
            )}
        </p>
        <Suspense fallback=|| view! { <p>{texts().loading}</p> }>
            {move || Suspend::new(async move {
                match pairs.await {
                    Ok(list) if list.is_empty() => Either::Left(view! {
                        <p class="rounded-lg bg-slate-50 p-3 text-sm" data-testid="duplicates-none">
                            {tr("Tidak ada keluarga yang tampak ganda.", "No household looks registered twice.")}
                        </p>
                    }.into_any()),
                    Ok(list) => Either::Left(view! {
                        <ul class="space-y-3" data-testid="duplicate-pairs">
                            {list.into_iter().map(|pair| view! { <PairItem pair dismissed /> }).collect_view()}
                        </ul>
                    }.into_any()),
                    Err(error) => Either::Right(view! { <ErrorPanel error /> }),
                }
            })}
        </Suspense>
    }
}

/// One likely pair: both households, the people alike, and what to do.
#[component]
fn PairItem(pair: DuplicatePair, dismissed: RwSignal<u32>) -> impl IntoView {
    let (first, second) = (pair.first.household_id, pair.second.household_id);
    let dismiss = Action::new(move |(): &()| dismiss_duplicate(first, second));
    Effect::new(move |_| {
        if let Some(Ok(())) = dismiss.value().get() {
            dismissed.update(|n| *n += 1);
        }
    });
    let side = |side: &shared::duplicates::PairSide| {
        format!(
            "{} · KK {} · {} · {} {} · {} {}",
            side.head_name,
            side.no_kk_masked,
            side.village_name,
            side.member_count,
            tr("anggota", "members"),
            tr("didaftarkan", "registered"),
            date_id(side.registered_on),
        )
    };
    view! {
        <li class="rounded-xl border border-slate-200 bg-white p-4" data-testid="duplicate-pair">
            <p class="text-sm font-medium">{let (id, en) = shared::duplicates::how_alike(pair.score); tr(id, en)}</p>
            <p class="text-sm"><span class="font-medium">"1. "</span>{side(&pair.first)}</p>
            <p class="text-sm"><span class="font-medium">"2. "</span>{side(&pair.second)}</p>
            <ul class="my-2 list-disc pl-5 text-sm text-slate-700">
                {pair.people.iter().map(|p| view! {
                    <li>{format!("{} ↔ {}: {}", p.first_name, p.second_name, label(p.likeness.reason))}</li>
                }).collect_view()}
            </ul>
            <div class="flex flex-wrap gap-3">
                <a class=BUTTON href=paths::merge(first, second) data-testid="compare-pair">
                    {tr("Bandingkan dan gabungkan", "Compare and merge")}
                </a>
                <form
                    method="post"
                    action=paths::DUPLICATES
                    on:submit=move |ev| {
                        ev.prevent_default();
                        dismiss.dispatch(());
                    }
                >
                    <input type="hidden" name=FORM value="dismiss" />
                    <input type="hidden" name="first" value=first />
                    <input type="hidden" name="second" value=second />
                    <button type="submit" class=BUTTON_QUIET data-testid="dismiss-pair" disabled=move || dismiss.pending().get()>
                        {tr("Keluarga berbeda", "Different families")}
                    </button>
                </form>
            </div>
            {move || dismiss.value().get().and_then(Result::err).map(|error| view! {
                <p role="alert" class="mt-2 text-sm text-red-800">{error.message()}</p>
            })}
        </li>
    }
}

/// Two records side by side and the merge.
#[component]
pub fn MergePage() -> impl IntoView {
    view! {
        <SignedInPage
            title=tr("Gabungkan keluarga ganda", "Merge duplicate households")
            content=|user| view! { <MergeBody user /> }
        />
    }
}

#[component]
fn MergeBody(user: CurrentUser) -> impl IntoView {
    let _ = user;
    let params = use_params_map();
    let ids = move || {
        params.with(|p| {
            let id = |name: &str| p.get(name).and_then(|v| v.parse::<i64>().ok()).unwrap_or(0);
            (id("survivor"), id("merged"))
        })
    };
    let preview = Resource::new(ids, |(survivor, merged)| {
        get_merge_preview(survivor, merged)
    });
    let posted = posted_form();
    view! {
        <a class="text-sm text-teal-800 underline" href=paths::DUPLICATES>{tr("← Keluarga ganda", "← Duplicate households")}</a>
        <PageHeading text=tr("Gabungkan keluarga ganda", "Merge duplicate households") />
        <Suspense fallback=|| view! { <p>{texts().loading}</p> }>
            {move || Suspend::new(async move {
                let posted = match posted.await {
                    Some(Posted::Merge { request, refusal }) => Some((*request, refusal)),
                    _ => None,
                };
                match preview.await {
                    Ok(preview) => Either::Left(view! { <MergeForm preview posted /> }),
                    Err(error) => Either::Right(view! { <ErrorPanel error /> }),
                }
            })}
        </Suspense>
    }
}

/// What each record says of a group of fields.
fn head_of(file: &HouseholdFile) -> String {
    file.head_name.clone()
}

fn address_of(file: &HouseholdFile) -> String {
    let line = file.address.local_line();
    if line.is_empty() {
        file.village_name.clone()
    } else {
        format!("{line}, {}", file.village_name)
    }
}

/// What a record recorded from a list shows for what it does not know yet.
fn not_recorded() -> String {
    tr(
        "Belum didata (dari daftar BNBA)",
        "Not recorded yet (from a BNBA list)",
    )
    .to_string()
}

fn house_of(file: &HouseholdFile) -> String {
    if file.awaiting_survey {
        return not_recorded();
    }
    format!(
        "{} m² · {} · {} · {}",
        file.housing.floor_area_m2,
        label(file.housing.floor),
        label(file.housing.wall),
        label(file.housing.toilet)
    )
}

fn economy_of(file: &HouseholdFile) -> String {
    if file.awaiting_survey {
        return not_recorded();
    }
    let assets = if file.assets.is_empty() {
        tr("tanpa aset", "no assets").to_string()
    } else {
        file.assets
            .iter()
            .map(|a| label(*a))
            .collect::<Vec<_>>()
            .join(", ")
    };
    format!("{} · {assets}", label(file.income_band))
}

/// The fields a merge chooses, with the test id of their radios.
type Group = (
    &'static str,
    &'static str,
    &'static str,
    fn(&HouseholdFile) -> String,
);

const GROUPS: [Group; 4] = [
    (
        "head_name",
        "Nama kepala keluarga",
        "Head of family",
        head_of,
    ),
    ("address", "Alamat", "Address", address_of),
    ("house", "Kondisi rumah", "Housing", house_of),
    (
        "economy",
        "Penghasilan dan aset",
        "Income and assets",
        economy_of,
    ),
];

fn member_line(member: &MemberFile) -> String {
    format!(
        "{} · {} · {} {}",
        member.member.name,
        label(member.member.relationship),
        member.age,
        tr("th", "yrs")
    )
}

#[component]
fn MergeForm(
    preview: MergePreview,
    /// The merge as posted without script, and the server's refusal.
    posted: Option<(MergeHouseholds, Option<AppError>)>,
) -> impl IntoView {
    let MergePreview {
        survivor,
        merged,
        mut same_people,
    } = preview;
    let (sent, refused) =
        posted.map_or((None, None), |(request, refusal)| (Some(request), refusal));
    let chosen = |index: usize| {
        sent.as_ref().map_or(MergeSide::Survivor, |r| {
            [r.head_name, r.address, r.house, r.economy][index]
        })
    };
    let choices: [RwSignal<MergeSide>; 4] = std::array::from_fn(|i| RwSignal::new(chosen(i)));
    if let Some(request) = &sent {
        same_people = request.same_people.clone();
    }
    // For each counting member of the merged record: the member of the
    // surviving record it is (0: another person, who joins the family).
    let pairing: Vec<(MemberFile, RwSignal<i64>)> = merged
        .members
        .iter()
        .filter(|m| m.member.registry_status.counts_in_family())
        .map(|m| {
            let kept = same_people
                .iter()
                .find(|p| p.merged == m.id)
                .map_or(0, |p| p.kept);
            (m.clone(), RwSignal::new(kept))
        })
        .collect();
    let kept_options: Vec<(i64, String)> = survivor
        .members
        .iter()
        .filter(|m| m.member.registry_status.counts_in_family())
        .map(|m| (m.id, member_line(m)))
        .collect();
    let key = sent
        .as_ref()
        .map_or_else(fresh_key, |r| r.idempotency_key.clone());
    let hidden_key = key.clone();
    let (survivor_id, survivor_version) = (survivor.id, survivor.version);
    let (merged_id, merged_version) = (merged.id, merged.version);
    let pairs_now = pairing.clone();
    let save = Action::new(move |(): &()| {
        let request = MergeHouseholds {
            idempotency_key: key.clone(),
            survivor_id,
            survivor_version,
            merged_id,
            merged_version,
            head_name: choices[0].get_untracked(),
            address: choices[1].get_untracked(),
            house: choices[2].get_untracked(),
            economy: choices[3].get_untracked(),
            same_people: pairs_now
                .iter()
                .filter(|(_, kept)| kept.get_untracked() != 0)
                .map(|(member, kept)| SamePerson {
                    kept: kept.get_untracked(),
                    merged: member.id,
                })
                .collect(),
        };
        merge_household_records(request)
    });
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(created)) = save.value().get() {
            navigate(&paths::household_merged(created.id), Default::default());
        }
    });
    let records = [&survivor, &merged].map(|file| {
        let id = file.id;
        view! {
            <div class="rounded-xl border border-slate-200 bg-white p-3 text-sm">
                <p class="font-semibold">
                    <a class="text-teal-800 underline" href=paths::household(id)>{file.head_name.clone()}</a>
                </p>
                <p>{format!("KK {} · {}", file.no_kk_masked, file.village_name)}</p>
                <p>{format!("{} {} · {} {}", file.members.len(), tr("anggota", "members"), file.cases.len(), tr("kasus", "cases"))}</p>
                <ul class="mt-1 list-disc pl-5">
                    {file.members.iter().map(|m| view! { <li>{member_line(m)}</li> }).collect_view()}
                </ul>
            </div>
        }
    });
    let [kept_view, merged_view] = records;
    view! {
        <p class="mb-3 text-sm text-slate-600">
            {tr(
                "Catatan pertama dipertahankan; anggota, kasus, rujukan, peristiwa dan usulan catatan kedua dipindahkan ke sana. Catatan kedua disimpan sebagai riwayat dan tidak dapat dipakai lagi.",
                "The first record is kept; the second record's members, cases, referrals, events and proposals move to it. The second record is kept as history and can no longer be worked on.",
            )}
        </p>
        <div class="grid gap-3 sm:grid-cols-2" data-testid="merge-records">
            <div>
                <h2 class="mb-1 font-semibold">{tr("1. Dipertahankan", "1. Kept")}</h2>
                {kept_view}
            </div>
            <div>
                <h2 class="mb-1 font-semibold">{tr("2. Digabungkan ke catatan 1", "2. Merged into record 1")}</h2>
                {merged_view}
            </div>
        </div>
        <a class="mt-2 inline-block text-sm text-teal-800 underline" href=paths::merge(merged_id, survivor_id) data-testid="swap-records">
            {tr("Tukar: pertahankan catatan 2", "Swap: keep record 2")}
        </a>
        <form
            method="post"
            class="mt-4 space-y-4"
            data-testid="merge-form"
            on:submit=move |ev| {
                ev.prevent_default();
                save.dispatch(());
            }
        >
            <input type="hidden" name=FORM value="merge" />
            <input type="hidden" name="idempotency_key" value=hidden_key />
            <input type="hidden" name="survivor_version" value=survivor_version />
            <input type="hidden" name="merged_version" value=merged_version />
            {GROUPS.iter().zip(choices).map(|((name, id, en, of), choice)| {
                let ours = of(&survivor);
                let theirs = of(&merged);
                let same = ours == theirs;
                view! {
                    <fieldset class="rounded-xl border border-slate-200 bg-white p-3 text-sm" data-testid=format!("merge-{name}")>
                        <legend class="px-1 font-medium">{tr(id, en)}</legend>
                        {[(MergeSide::Survivor, ours), (MergeSide::Merged, theirs)].into_iter().filter(|(side, _)| !same || *side == MergeSide::Survivor).map(|(side, value)| view! {
                            <label class="flex items-start gap-2 py-1">
                                <input
                                    type="radio"
                                    name=*name
                                    value=side.code()
                                    checked=move || choice.get() == side
                                    prop:checked=move || choice.get() == side
                                    on:change=move |_| choice.set(side)
                                />
                                <span>{format!("{} {}", if side == MergeSide::Survivor { "1." } else { "2." }, value)}</span>
                            </label>
                        }).collect_view()}
                    </fieldset>
                }
            }).collect_view()}
            <fieldset class="rounded-xl border border-slate-200 bg-white p-3 text-sm" data-testid="merge-people">
                <legend class="px-1 font-medium">{tr("Anggota catatan 2", "Members of record 2")}</legend>
                <p class="mb-2 text-slate-600">
                    {tr(
                        "Pasangkan orang yang sama dengan anggota catatan 1 (rujukannya ikut, catatannya ditandai ganda). Yang lain bergabung sebagai anggota. Kepala keluarga catatan 2 harus dipasangkan.",
                        "Pair each person who is the same with a member of record 1 (their referrals follow, their entry is marked as a duplicate). The others join as members. The head of record 2 must be paired.",
                    )}
                </p>
                {pairing.into_iter().map(|(member, kept)| {
                    let id = format!("pair-{}", member.id);
                    let options = kept_options.clone();
                    view! {
                        <div class="mb-2">
                            <label for=id.clone() class=LABEL>{member_line(&member)}</label>
                            <select
                                id=id
                                name=format!("same.{}", member.id)
                                class=INPUT
                                data-testid="merge-pair"
                                on:change=move |ev| kept.set(event_target_value(&ev).parse().unwrap_or(0))
                            >
                                <option value="0" selected=move || kept.get() == 0>{tr("Orang lain: bergabung sebagai anggota", "Another person: joins as a member")}</option>
                                {options.into_iter().map(|(value, line)| view! {
                                    <option value=value.to_string() selected=move || kept.get() == value>
                                        {format!("{} {line}", tr("Orang yang sama dengan:", "The same person as:"))}
                                    </option>
                                }).collect_view()}
                            </select>
                        </div>
                    }
                }).collect_view()}
            </fieldset>
            {move || {
                let shown = match save.value().get() {
                    Some(Err(error)) => Some(error),
                    Some(Ok(_)) => None,
                    None => refused.clone(),
                };
                shown.map(|error| view! {
                    <p role="alert" class="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800" data-testid="merge-error">{error.message()}</p>
                })
            }}
            <button type="submit" class=BUTTON disabled=move || save.pending().get() data-testid="merge-submit">
                {move || if save.pending().get() { texts().loading } else { tr("Gabungkan", "Merge") }}
            </button>
        </form>
    }
}
