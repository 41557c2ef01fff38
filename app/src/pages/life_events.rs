//! A household's life event, on a page of its own (one form, readable on a
//! phone): a birth or a member joining, a death, a member moving out, a change
//! of head, a pecah KK, a move of the whole family. The fields follow the kind
//! chosen; the checks are the server's own (shared), so a head left dead or a
//! new card's head who stays is said before anything is sent. Works as a
//! plain form without script: the post is answered by the server.

use leptos::either::Either;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use shared::complaint::EvidenceDocument;
use shared::dto::{CurrentUser, HouseholdFile};
use shared::intake::MemberDraft;
use shared::life_event::{LifeEventDraft, LifeEventKind};
use shared::member::Relationship;
use shared::proposal_change::living;

use crate::api::{AppError, get_household_file, record_life_event};
use crate::components::form::{
    ChoiceList, FormState, FormSummary, Lens, NoScriptFields, SelectField, TextField, options_of,
    pick,
};
use crate::components::list::fresh_key;
use crate::components::member_fields::{MemberInputs, Reader};
use crate::components::page::{BUTTON, BUTTON_QUIET, ErrorPanel, SignedInPage, route_id};
use crate::components::saving::{KeyedSave, SaveProgress, keyed_save};
use crate::i18n::{texts, tr};
use crate::pages::editing::BackToFile;
use crate::paths;
use crate::posted::{OP, Posted, posted_form};

/// The query naming the kind of event the page opens on (`?jenis=birth`).
pub const KIND_QUERY: &str = "jenis";

/// The life-event page of a household.
#[component]
pub fn LifeEventPage() -> impl IntoView {
    view! { <SignedInPage title=tr("Catat peristiwa keluarga", "Record a household event") content=|user| view! { <LifeEventBody user /> } /> }
}

#[component]
fn LifeEventBody(user: CurrentUser) -> impl IntoView {
    let household_id = route_id();
    let file = Resource::new(household_id, get_household_file);
    let posted = posted_form();
    let query = use_query_map();
    view! {
        <Suspense fallback=|| view! { <p>{texts().loading}</p> }>
            {move || {
                let today = user.today;
                let kind = query
                    .with_untracked(|q| q.get(KIND_QUERY))
                    .and_then(|code| LifeEventKind::from_code(&code))
                    .unwrap_or(LifeEventKind::Birth);
                Suspend::new(async move {
                    let posted = match posted.await {
                        Some(Posted::LifeEvent { draft, refusal }) => Some((*draft, refusal)),
                        _ => None,
                    };
                    match file.await {
                        Ok(file) => Either::Left(view! {
                            <BackToFile household_id=file.id head_name=file.head_name.clone() />
                            <LifeEventForm file today kind posted />
                        }),
                        Err(error) => Either::Right(view! { <ErrorPanel error /> }),
                    }
                })
            }}
        </Suspense>
    }
}

/// Living members of the file as (id, name) options; `heads` keeps the head,
/// `others` keeps everyone else.
fn members(file: &HouseholdFile, heads: bool, others: bool) -> Vec<(String, String)> {
    file.members
        .iter()
        .filter(|m| living(m))
        .filter(|m| {
            let head = m.member.relationship == Relationship::Head;
            (head && heads) || (!head && others)
        })
        .map(|m| (m.id.to_string(), m.member.name.clone()))
        .collect()
}

fn is(draft: &LifeEventDraft, kind: LifeEventKind) -> bool {
    draft.kind == kind.code()
}

/// The form of one life event of the household `file`.
#[component]
fn LifeEventForm(
    file: HouseholdFile,
    today: chrono::NaiveDate,
    kind: LifeEventKind,
    /// The form as posted without script, and the server's refusal.
    posted: Option<(LifeEventDraft, Option<AppError>)>,
) -> impl IntoView {
    let household_id = file.id;
    let (draft, refused) =
        posted.unwrap_or_else(|| (LifeEventDraft::new(fresh_key(), &file, kind, today), None));
    let key = draft.idempotency_key.clone();
    let version = draft.version.clone();
    let head_id = file
        .members
        .iter()
        .find(|m| living(m) && m.member.relationship == Relationship::Head)
        .map(|m| m.id.to_string());
    let file = StoredValue::new(file);
    let form = FormState::new(draft, move |d: &LifeEventDraft| {
        d.to_request(today)
            .and_then(|request| file.with_value(|f| request.event.checked_in_form(f, today)))
            .err()
    });
    let KeyedSave {
        action: save,
        attempt,
    } = keyed_save(record_life_event);
    // Back to the file, whose timeline shows the event (a new address each
    // time, so the file is read again).
    let recorded = {
        let key = key.clone();
        move |_| {
            format!(
                "{}?{}={key}#riwayat",
                paths::household(household_id),
                paths::EVENT_RECORDED
            )
        }
    };
    let refusal = form.refused_before(refused, form.on_created(save, recorded), save);
    let pending = save.pending();
    let shown = move |kind: LifeEventKind| form.draft.with(|d| is(d, kind));
    let joins = move || shown(LifeEventKind::Birth) || shown(LifeEventKind::Joined);
    let leaves = move || shown(LifeEventKind::Death) || shown(LifeEventKind::MovedOut);
    // The head leaving needs the new head: asked when the head is chosen
    // (always shown without script, where nothing is known as it is typed).
    let head_leaves = move || {
        leaves()
            && form
                .draft
                .with(|d| head_id.as_deref() == Some(d.member_id.as_str()))
    };
    let everyone = file.with_value(|f| members(f, true, true));
    let not_head = file.with_value(|f| members(f, false, true));
    let member: Lens<LifeEventDraft, MemberDraft> =
        std::sync::Arc::new(|d: &mut LifeEventDraft| Some(&mut d.member));
    let read: Reader<LifeEventDraft> = std::sync::Arc::new(|d: &LifeEventDraft| Some(&d.member));
    let (leavers, new_heads, splitters, card_heads, heads_to_be) = (
        everyone.clone(),
        not_head.clone(),
        not_head.clone(),
        not_head.clone(),
        not_head,
    );
    view! {
        <form
            method="post"
            class="mt-3 space-y-4 rounded-xl border border-slate-200 bg-white p-4"
            data-testid="life-event-form"
            novalidate
            on:submit=move |ev| {
                ev.prevent_default();
                form.submit(save);
            }
        >
            <h1 class="text-xl font-semibold">{tr("Catat peristiwa keluarga", "Record a household event")}</h1>
            <NoScriptFields form="life_event" key />
            <input type="hidden" name="version" value=version />
            <SelectField label=tr("Peristiwa", "Event") binding=form.text("kind", pick(|d: &mut LifeEventDraft| &mut d.kind)) options={options_of::<LifeEventKind>()} required=true />
            <noscript>
                <button type="submit" name=OP value="choose_kind" formnovalidate class=BUTTON_QUIET>
                    {tr("Tampilkan isian peristiwa ini", "Show this event's fields")}
                </button>
            </noscript>
            <Show when=joins>
                <fieldset class="grid gap-3 sm:grid-cols-2" data-testid="life-event-member">
                    <legend class="font-medium">{tr("Anggota baru", "New member")}</legend>
                    <MemberInputs form prefix="member.".to_string() member=member.clone() read=read.clone() today />
                </fieldset>
            </Show>
            <Show when=leaves>
                <SelectField label=tr("Anggota", "Member") binding=form.text("member_id", pick(|d: &mut LifeEventDraft| &mut d.member_id)) options=leavers.clone() required=true />
            </Show>
            <Show when=head_leaves>
                <SelectField label=tr("Kepala keluarga baru", "New head of family") binding=form.text("new_head", pick(|d: &mut LifeEventDraft| &mut d.new_head)) options=new_heads.clone() required=true />
            </Show>
            <Show when=move || shown(LifeEventKind::HeadChanged)>
                <div class="grid gap-3 sm:grid-cols-2">
                    <SelectField label=tr("Kepala keluarga baru", "New head of family") binding=form.text("member_id", pick(|d: &mut LifeEventDraft| &mut d.member_id)) options=heads_to_be.clone() required=true />
                    <SelectField label=tr("Hubungan kepala keluarga lama", "Former head's relationship") binding=form.text("former_head_relationship", pick(|d: &mut LifeEventDraft| &mut d.former_head_relationship)) options={options_of::<Relationship>().into_iter().filter(|(code, _)| code != Relationship::Head.code()).collect::<Vec<_>>()} required=true />
                </div>
            </Show>
            <Show when=move || shown(LifeEventKind::Split)>
                <div class="grid gap-3" data-testid="life-event-split">
                    <ChoiceList label=tr("Anggota yang pindah ke KK baru", "Members who move to the new card") binding=form.codes("member_ids", pick(|d: &mut LifeEventDraft| &mut d.member_ids)) options=splitters.clone() />
                    <TextField label=tr("No KK baru (dari Dukcapil)", "New family card number (from the civil registry)") binding=form.text("new_no_kk", pick(|d: &mut LifeEventDraft| &mut d.new_no_kk)) inputmode="numeric" required=true />
                    <SelectField label=tr("Kepala keluarga KK baru", "Head of the new card") binding=form.text("new_head", pick(|d: &mut LifeEventDraft| &mut d.new_head)) options=card_heads.clone() required=true />
                </div>
            </Show>
            <Show when=move || shown(LifeEventKind::Moved)>
                <div class="grid gap-3 sm:grid-cols-2" data-testid="life-event-move">
                    <TextField label=tr("Kode desa tujuan (Kemendagri)", "Destination village code (Kemendagri)") binding=form.text("village", pick(|d: &mut LifeEventDraft| &mut d.village)) required=true hint=tr("mis. 32.09.01.2009; desa di kabupaten lain juga dapat dipilih", "e.g. 32.09.01.2009; a village in another district is allowed") />
                    <TextField label=tr("Dusun", "Dusun") binding=form.text("dusun", pick(|d: &mut LifeEventDraft| &mut d.dusun)) />
                    <TextField label="RW" binding=form.text("rw", pick(|d: &mut LifeEventDraft| &mut d.rw)) inputmode="numeric" />
                    <TextField label="RT" binding=form.text("rt", pick(|d: &mut LifeEventDraft| &mut d.rt)) inputmode="numeric" />
                    <TextField label=tr("Jalan, nomor rumah", "Street, house number") binding=form.text("street", pick(|d: &mut LifeEventDraft| &mut d.street)) />
                </div>
            </Show>
            <div class="grid gap-3 sm:grid-cols-2">
                <TextField label=tr("Tanggal peristiwa", "Date of the event") binding=form.text("occurred_on", pick(|d: &mut LifeEventDraft| &mut d.occurred_on)) kind="date" required=true />
                <SelectField label=tr("Dokumen yang dilihat", "Document seen") binding=form.text("document", pick(|d: &mut LifeEventDraft| &mut d.document)) options={options_of::<EvidenceDocument>()} required=true />
            </div>
            <TextField label=tr("Catatan", "Note") binding=form.text("note", pick(|d: &mut LifeEventDraft| &mut d.note)) />
            <p class="text-sm text-slate-600">
                {tr(
                    "Bila keluarga terdaftar di registri, usulan perubahan yang sama dibuka untuk ditinjau (tidak langsung dikirim).",
                    "When the family is in the registry, a proposal of the same change is opened for review (not sent by itself).",
                )}
            </p>
            <FormSummary errors=form.summary_errors() refusal />
            <div>
                <button type="submit" class=BUTTON disabled=move || pending.get() data-testid="life-event-submit">
                    {move || if pending.get() { texts().loading } else { tr("Simpan peristiwa", "Save the event") }}
                </button>
                <SaveProgress attempt />
            </div>
        </form>
    }
}
