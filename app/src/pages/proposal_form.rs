//! The proposal form of the household file: which change the registry is
//! asked for, the fields that change needs, and before it is sent, the change
//! as "now → proposed" side by side, checked against the household as the
//! server will check it.

use leptos::prelude::*;
use shared::dto::HouseholdFile;
use shared::household::IncomeBand;
use shared::identity::Sex;
use shared::member::Relationship;
use shared::proposal::ProposalSource;
use shared::proposal_change::{
    ChangeType, Comparison, CorrectedField, JoinReason, LeaveReason, ProposalDraft, RemovalReason,
};

use crate::api::{AppError, propose_to_registry};
use crate::components::form::{
    ChoiceList, FormState, FormSummary, NoScriptFields, SelectField, TextField, options_of, pick,
};
use crate::components::list::fresh_key;
use crate::components::page::{BUTTON, BUTTON_QUIET, TABLE, TD, TH};
use crate::components::saving::{KeyedSave, SaveProgress, keyed_save};
use crate::i18n::{texts, tr};
use crate::paths;
use crate::posted::OP;

/// Living members of the file, as (id, name) options; `with_head` keeps the head.
fn member_options(file: &HouseholdFile, with_head: bool) -> Vec<(String, String)> {
    file.members
        .iter()
        .filter(|m| {
            m.member.registry_status.counts_in_family()
                && (with_head || m.member.relationship != Relationship::Head)
        })
        .map(|m| (m.id.to_string(), m.member.name.clone()))
        .collect()
}

/// The change types a family may be proposed for: a new family outside the
/// registry, every other change inside it.
fn change_types(in_registry: bool) -> Vec<(String, String)> {
    options_of::<ChangeType>()
        .into_iter()
        .filter(|(code, _)| (code == ChangeType::NewFamily.code()) != in_registry)
        .collect()
}

fn is(draft: &ProposalDraft, change_type: ChangeType) -> bool {
    draft.change_type == change_type.code()
}

/// Proposes a change of the household to the registry (flow B).
#[component]
pub fn ProposeForm(
    file: HouseholdFile,
    today: chrono::NaiveDate,
    exact_dates: bool,
    /// The form as posted without script, and the server's refusal.
    posted: Option<(ProposalDraft, Option<AppError>)>,
) -> impl IntoView {
    let in_registry = file.registry.is_some();
    let first = if in_registry {
        ChangeType::Correction
    } else {
        ChangeType::NewFamily
    };
    let (draft, refused) =
        posted.unwrap_or_else(|| (ProposalDraft::new(fresh_key(), file.id, first), None));
    let key = draft.idempotency_key.clone();
    let file = StoredValue::new(file);
    let form = FormState::new(draft, move |d: &ProposalDraft| {
        d.to_request()
            .and_then(|request| file.with_value(|f| request.change.checked_in_form(f, today)))
            .err()
    });
    let KeyedSave {
        action: save,
        attempt,
    } = keyed_save(propose_to_registry);
    let refusal = form.refused_before(refused, form.on_created(save, paths::proposal), save);
    let pending = save.pending();
    let shown = move |change_type: ChangeType| form.draft.with(|d| is(d, change_type));
    let preview = move || -> Vec<Comparison> {
        form.draft.with(|d| {
            d.to_request()
                .ok()
                .and_then(|request| {
                    file.with_value(|f| {
                        request
                            .change
                            .checked(f, today)
                            .ok()
                            .map(|change| change.compare(f, exact_dates))
                    })
                })
                .unwrap_or_default()
        })
    };
    let everyone = StoredValue::new(file.with_value(|f| member_options(f, true)));
    let without_head = file.with_value(|f| member_options(f, false));
    let (leavers, new_heads, splitters) =
        (without_head.clone(), without_head.clone(), without_head);
    view! {
        <form
            method="post"
            id="usulan"
            class="mt-3 space-y-3"
            data-testid="propose-form"
            novalidate
            on:submit=move |ev| {
                ev.prevent_default();
                form.submit(save);
            }
        >
            <h3 class="font-semibold">{tr("Usulkan ke registri", "Propose to the registry")}</h3>
            <NoScriptFields form="propose" key />
            <SelectField label=tr("Jenis usulan", "What changes") binding=form.text("change_type", pick(|d: &mut ProposalDraft| &mut d.change_type)) options=change_types(in_registry) required=true />
            // Without script the fields of another change come with the page again.
            <noscript>
                <button type="submit" name=OP value="choose_type" formnovalidate class=BUTTON_QUIET>
                    {tr("Tampilkan isian jenis ini", "Show this kind's fields")}
                </button>
            </noscript>
            <Show when=move || shown(ChangeType::AddMember)>
                <div class="grid gap-3 sm:grid-cols-2">
                    <TextField label=tr("Nama anggota baru", "New member's name") binding=form.text("name", pick(|d: &mut ProposalDraft| &mut d.name)) required=true />
                    <SelectField label=tr("Jenis kelamin", "Sex") binding=form.text("sex", pick(|d: &mut ProposalDraft| &mut d.sex)) options={options_of::<Sex>()} required=true />
                    <TextField label=tr("Tanggal lahir", "Birth date") binding=form.text("birth_date", pick(|d: &mut ProposalDraft| &mut d.birth_date)) kind="date" required=true />
                    <SelectField label=tr("Hubungan dengan kepala keluarga", "Relationship to the head") binding=form.text("relationship", pick(|d: &mut ProposalDraft| &mut d.relationship)) options={options_of::<Relationship>()} required=true />
                    <SelectField label=tr("Alasan", "Reason") binding=form.text("reason", pick(|d: &mut ProposalDraft| &mut d.reason)) options={options_of::<JoinReason>()} required=true />
                </div>
            </Show>
            <Show when=move || shown(ChangeType::RemoveMember)>
                <div class="grid gap-3 sm:grid-cols-2">
                    <SelectField label=tr("Anggota yang keluar", "Member who leaves") binding=form.text("member_id", pick(|d: &mut ProposalDraft| &mut d.member_id)) options=leavers.clone() required=true />
                    <SelectField label=tr("Alasan", "Reason") binding=form.text("reason", pick(|d: &mut ProposalDraft| &mut d.reason)) options={options_of::<LeaveReason>()} required=true />
                    <TextField label=tr("Tanggal (meninggal atau pindah)", "Date (of death or move)") binding=form.text("on", pick(|d: &mut ProposalDraft| &mut d.on)) kind="date" required=true />
                </div>
            </Show>
            <Show when=move || shown(ChangeType::ChangeHead)>
                <SelectField label=tr("Kepala keluarga baru", "New head of family") binding=form.text("member_id", pick(|d: &mut ProposalDraft| &mut d.member_id)) options=new_heads.clone() required=true />
            </Show>
            <Show when=move || shown(ChangeType::Correction)>
                <div class="grid gap-3 sm:grid-cols-2">
                    <SelectField label=tr("Data yang diperbaiki", "Field to correct") binding=form.text("field", pick(|d: &mut ProposalDraft| &mut d.field)) options={options_of::<CorrectedField>()} required=true />
                    <Show when=move || form.draft.with(|d| d.field == CorrectedField::MemberName.code())>
                        <SelectField label=tr("Anggota", "Member") binding=form.text("member_id", pick(|d: &mut ProposalDraft| &mut d.member_id)) options=everyone.get_value() required=true />
                    </Show>
                    <Show
                        when=move || form.draft.with(|d| d.field == CorrectedField::IncomeBand.code())
                        fallback=move || view! { <TextField label=tr("Nilai yang benar", "Correct value") binding=form.text("proposed", pick(|d: &mut ProposalDraft| &mut d.proposed)) required=true /> }
                    >
                        <SelectField label=tr("Penghasilan yang benar", "Correct income") binding=form.text("proposed", pick(|d: &mut ProposalDraft| &mut d.proposed)) options={options_of::<IncomeBand>()} required=true />
                    </Show>
                </div>
            </Show>
            <Show when=move || shown(ChangeType::Split)>
                <ChoiceList label=tr("Anggota yang pindah ke KK baru", "Members who move to the new card") binding=form.codes("member_ids", pick(|d: &mut ProposalDraft| &mut d.member_ids)) options=splitters.clone() />
            </Show>
            <Show when=move || shown(ChangeType::Removal)>
                <SelectField label=tr("Alasan", "Reason") binding=form.text("reason", pick(|d: &mut ProposalDraft| &mut d.reason)) options={options_of::<RemovalReason>()} required=true />
            </Show>
            <SelectField label=tr("Asal usulan", "Where it came from") binding=form.text("source", pick(|d: &mut ProposalDraft| &mut d.source)) options={options_of::<ProposalSource>()} required=true />
            <TextField label=tr("Catatan usulan", "Proposal note") binding=form.text("note", pick(|d: &mut ProposalDraft| &mut d.note)) required=true />
            <Show when=move || !preview().is_empty()>
                <ChangePreview lines=Signal::derive(preview) />
            </Show>
            <FormSummary errors=form.summary_errors() refusal />
            <div>
                <button type="submit" class=BUTTON disabled=move || pending.get() data-testid="propose-submit">
                    {move || if pending.get() { texts().loading } else { tr("Kirim usulan", "Send the proposal") }}
                </button>
                <SaveProgress attempt />
            </div>
        </form>
    }
}

/// "Now → proposed", one line per changed item.
#[component]
pub fn ChangePreview(#[prop(into)] lines: Signal<Vec<Comparison>>) -> impl IntoView {
    view! {
        <div class="overflow-x-auto rounded-lg border border-slate-200" data-testid="change-preview">
            <table class=TABLE>
                <thead class="bg-slate-50">
                    <tr>
                        <th class=TH>{tr("Data", "Item")}</th>
                        <th class=TH>{tr("Sekarang", "Now")}</th>
                        <th class=TH>{tr("Diusulkan", "Proposed")}</th>
                    </tr>
                </thead>
                <tbody class="divide-y divide-slate-100">
                    {move || {
                        lines
                            .get()
                            .into_iter()
                            .map(|line| {
                                let label = if crate::i18n::lang() == crate::i18n::Lang::En { line.label_en } else { line.label_id };
                                view! {
                                    <tr>
                                        <td class=TD>{label}</td>
                                        <td class=TD>{line.now}</td>
                                        <td class=format!("{TD} font-medium")>{line.proposed}</td>
                                    </tr>
                                }
                            })
                            .collect_view()
                    }}
                </tbody>
            </table>
        </div>
    }
}
