//! A member's fields, as the registration form and the household file's
//! "a member joins" form both ask them: NIK (or none), name, relationship,
//! sex, birth, marriage, schooling, work, and the specific personal data
//! (disability, illness, PPKS, pregnancy) folded away. Sex and birth date
//! fill in from a NIK that reads right.

use std::sync::Arc;

use leptos::prelude::*;
use shared::identity::Sex;
use shared::intake::MemberDraft;
use shared::member::{
    ChronicIllness, DisabilityType, Education, MaritalStatus, Occupation, PpksCategory,
    Relationship,
};

use crate::components::form::{
    CheckField, ChoiceList, FormState, Lens, SelectField, TextField, options_of,
};
use crate::i18n::tr;

/// The lens on one field of the member `member` picks out of the draft.
fn lens<D: 'static, T: 'static>(
    member: &Lens<D, MemberDraft>,
    pick: fn(&mut MemberDraft) -> &mut T,
) -> Lens<D, T> {
    let member = member.clone();
    Arc::new(move |d: &mut D| member(d).map(pick))
}

/// Reads the member out of the draft.
pub type Reader<D> = Arc<dyn Fn(&D) -> Option<&MemberDraft> + Send + Sync>;

/// The fields of one member of draft `D`, named `{prefix}{field}`.
#[component]
pub fn MemberInputs<D>(
    form: FormState<D>,
    /// `members.2.` in the registration form, `member.` for a member who joins.
    prefix: String,
    /// The member in the draft, to change it.
    member: Lens<D, MemberDraft>,
    /// The member in the draft, to read it.
    read: Reader<D>,
    today: chrono::NaiveDate,
    /// The name typed for the head of the family: a head's row without a name
    /// of its own shows it instead of a name field (registration).
    #[prop(optional)]
    head_name: Option<Signal<String>>,
    /// Whether the specific personal data (disability, illness, PPKS,
    /// pregnancy) is asked: not of a role that may not see it.
    #[prop(default = true)]
    specifics: bool,
    /// The member has a NIK on file that an empty field keeps (editing).
    #[prop(optional)]
    nik_kept: bool,
) -> impl IntoView
where
    D: Clone + PartialEq + Send + Sync + 'static,
{
    // Stored, so that the closures below are `Copy` (shown again and again).
    let prefix = StoredValue::new(prefix);
    let field = move |name: &str| prefix.with_value(|p| format!("{p}{name}"));
    let stored_member = StoredValue::new(member.clone());
    let at =
        move |pick: fn(&mut MemberDraft) -> &mut String| lens(&stored_member.get_value(), pick);
    let no_documents = form.flag(
        &field("no_documents"),
        lens(&member, |m| &mut m.no_documents),
    );
    // The NIK encodes sex and birth date: fill them as soon as it reads right.
    let nik_value = {
        let read = read.clone();
        Memo::new(move |_| {
            form.draft
                .with(|d| read(d).map(|m| m.nik.clone()))
                .unwrap_or_default()
        })
    };
    {
        let read = read.clone();
        let member = member.clone();
        Effect::new(move |_| {
            // Read (not only track) the memo: an unread memo has no sources and never changes.
            let _typed = nik_value.get();
            let fills = form.draft.with_untracked(|d| {
                read(d).is_some_and(|m| {
                    let mut filled = m.clone();
                    filled.fill_from_nik(today);
                    filled != *m
                })
            });
            if fills {
                form.draft.update(|d| {
                    if let Some(m) = member(d) {
                        m.fill_from_nik(today);
                    }
                });
            }
        });
    }
    let undocumented = no_documents.value;
    let takes_head_name = {
        let read = read.clone();
        move || {
            head_name.is_some()
                && form
                    .draft
                    .with(|d| read(d).is_some_and(MemberDraft::takes_head_name))
        }
    };
    view! {
        // A NIK on file is corrected by typing the right one, not removed.
        <div class="sm:col-span-2" class:hidden=nik_kept>
            <CheckField label=tr("Tidak memiliki dokumen kependudukan (tanpa NIK)", "Has no civil documents (no NIK)") binding=no_documents />
        </div>
        <Show when=move || !undocumented.get()>
            <TextField label="NIK" binding=form.text(&field("nik"), at(|m| &mut m.nik)) inputmode="numeric" required=!nik_kept
                hint=if nik_kept { tr("kosongkan untuk tetap memakai NIK tersimpan", "leave empty to keep the NIK on file") } else { tr("16 digit; jenis kelamin dan tanggal lahir terisi sendiri", "16 digits; sex and birth date fill in by themselves") } />
        </Show>
        // The head's name was typed once, above, as the head of the family.
        <Show
            when=move || !takes_head_name()
            fallback=move || view! {
                <p class="text-sm sm:col-span-2" data-testid="head-member-name">
                    <span class="font-medium">{tr("Nama lengkap: ", "Full name: ")}</span>
                    {move || {
                        let name = head_name.map(|n| n.get().trim().to_string()).unwrap_or_default();
                        if name.is_empty() { tr("(isi Nama kepala keluarga di atas)", "(fill in Head of family above)").to_string() } else { name }
                    }}
                </p>
            }
        >
            <TextField label=tr("Nama lengkap", "Full name") binding=form.text(&field("name"), at(|m| &mut m.name)) required=true />
        </Show>
        <SelectField label=tr("Hubungan dengan kepala keluarga", "Relationship to the head") binding=form.text(&field("relationship"), lens(&member, |m| &mut m.relationship)) options={options_of::<Relationship>()} required=true />
        <SelectField label=tr("Jenis kelamin", "Sex") binding=form.text(&field("sex"), lens(&member, |m| &mut m.sex)) options={options_of::<Sex>()} required=true />
        <TextField label=tr("Tempat lahir", "Place of birth") binding=form.text(&field("birth_place"), lens(&member, |m| &mut m.birth_place)) required=true />
        <TextField label=tr("Tanggal lahir", "Date of birth") binding=form.text(&field("birth_date"), lens(&member, |m| &mut m.birth_date)) kind="date" required=true />
        <SelectField label=tr("Status perkawinan", "Marital status") binding=form.text(&field("marital_status"), lens(&member, |m| &mut m.marital_status)) options={options_of::<MaritalStatus>()} required=true />
        <SelectField label=tr("Pendidikan tertinggi", "Highest education") binding=form.text(&field("education"), lens(&member, |m| &mut m.education)) options={options_of::<Education>()} required=true />
        <SelectField label=tr("Pekerjaan utama", "Main occupation") binding=form.text(&field("occupation"), lens(&member, |m| &mut m.occupation)) options={options_of::<Occupation>()} required=true />
        <details class="sm:col-span-2" class:hidden=!specifics>
            <summary class="cursor-pointer text-sm font-medium">{tr("Disabilitas, penyakit, kehamilan, PPKS", "Disability, illness, pregnancy, PPKS")}</summary>
            <div class="mt-3 grid gap-3">
                <ChoiceList label=tr("Disabilitas", "Disabilities") binding=form.codes(&field("disabilities"), lens(&member, |m| &mut m.disabilities)) options={options_of::<DisabilityType>()} />
                <ChoiceList label=tr("Penyakit kronis", "Chronic illnesses") binding=form.codes(&field("chronic_illnesses"), lens(&member, |m| &mut m.chronic_illnesses)) options={options_of::<ChronicIllness>()} />
                <ChoiceList label=tr("Kategori PPKS", "PPKS categories") binding=form.codes(&field("ppks"), lens(&member, |m| &mut m.ppks)) options={options_of::<PpksCategory>()} />
                <CheckField label=tr("Sedang hamil", "Pregnant") binding=form.flag(&field("pregnant"), lens(&member, |m| &mut m.pregnant)) />
                <CheckField label=tr("Sudah padan Dukcapil", "Matched with the civil registry") binding=form.flag(&field("civil_registry_matched"), lens(&member, |m| &mut m.civil_registry_matched)) />
            </div>
        </details>
    }
}
