//! What a registry proposal asks the registry to change, typed per kind of
//! change, checked against the household file it is about, and shown as
//! "now → proposed" side by side (the same code in the browser, before the
//! proposal is sent, and on the server, which stores it).
//!
//! A proposed change names members by their record id and never carries a NIK
//! or No KK in clear: a proposal is read by roles that see only masks.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::drafts::chosen;
use crate::dto::{HouseholdFile, MemberFile, StartProposal};
use crate::error::{DomainError, FieldErrors};
use crate::household::IncomeBand;
use crate::identity::Sex;
use crate::intake::{parse_code, parse_date};
use crate::member::Relationship;
use crate::proposal::ProposalKind;
use crate::proposal::ProposalSource;
use crate::text;
use crate::workflow::NOTE_MAX;

/// Longest proposed name or address line.
pub const PROPOSED_TEXT_MAX: usize = 120;
/// Oldest age accepted for a member joining a family.
const MAX_AGE_YEARS: i32 = 130;

crate::coded_enum! {
    /// The kinds of change a proposal can ask for.
    pub enum ChangeType {
        /// The whole family is not in the registry yet.
        NewFamily = ("new_family", "Keluarga baru", "New family"),
        /// A member is born or joins the family.
        AddMember = ("add_member", "Tambah anggota", "Add a member"),
        /// A member died, moved out or is listed twice.
        RemoveMember = ("remove_member", "Keluarkan anggota", "Remove a member"),
        /// Another member becomes the head of the family.
        ChangeHead = ("change_head", "Ganti kepala keluarga", "Change of head of family"),
        /// A field of the household or a member is wrong.
        Correction = ("correction", "Perbaikan data", "Correction of data"),
        /// Pecah KK: some members leave for a family card of their own.
        Split = ("split", "Pecah KK", "Split of the family card"),
        /// The family leaves the registry.
        Removal = ("removal", "Keluarkan keluarga", "Removal of the family"),
    }
}

crate::coded_enum! {
    /// Why a member joins.
    pub enum JoinReason {
        Birth = ("birth", "Kelahiran", "Birth"),
        Joined = ("joined", "Bergabung (pindah masuk, menikah)", "Joined (moved in, married)"),
    }
}

crate::coded_enum! {
    /// Why a member leaves.
    pub enum LeaveReason {
        Died = ("died", "Meninggal", "Died"),
        MovedOut = ("moved_out", "Pindah keluar", "Moved out"),
        Duplicate = ("duplicate", "Tercatat ganda", "Listed twice"),
    }
}

crate::coded_enum! {
    /// Why the whole family leaves the registry.
    pub enum RemovalReason {
        MovedOutOfDistrict = ("moved_out_of_district", "Pindah ke luar kabupaten/kota", "Moved out of the district"),
        AllDeceased = ("all_deceased", "Seluruh anggota meninggal", "Every member has died"),
        NotPoor = ("not_poor", "Tidak miskin lagi", "No longer poor"),
    }
}

crate::coded_enum! {
    /// The fields a correction may change.
    pub enum CorrectedField {
        Street = ("street", "Alamat (jalan, nomor rumah)", "Address (street, house number)"),
        Rt = ("rt", "RT", "RT"),
        Rw = ("rw", "RW", "RW"),
        IncomeBand = ("income_band", "Penghasilan per bulan", "Monthly income"),
        MemberName = ("member_name", "Nama anggota", "Member's name"),
    }
}

crate::coded_enum! {
    /// Why a proposed change does not fit the household it is about.
    pub enum ChangeProblem {
        AlreadyInRegistry = ("already_in_registry", "Keluarga ini sudah ada di registri: usulkan perbaikan, bukan keluarga baru.", "This family is already in the registry: propose a correction, not a new family."),
        NotInRegistry = ("not_in_registry", "Keluarga ini belum ada di registri: usulkan sebagai keluarga baru lebih dahulu.", "This family is not in the registry: propose it as a new family first."),
        MemberUnknown = ("member_unknown", "Anggota yang dipilih bukan anggota keluarga ini.", "The member chosen is not a member of this family."),
        MemberNotLiving = ("member_not_living", "Anggota yang dipilih sudah tercatat meninggal atau ganda.", "The member chosen is already recorded as deceased or listed twice."),
        HeadCannotLeave = ("head_cannot_leave", "Kepala keluarga tidak dapat dikeluarkan atau dipindahkan ke KK baru: usulkan ganti kepala keluarga lebih dahulu.", "The head of family cannot be removed or moved to a new card: propose a change of head first."),
        AlreadyHead = ("already_head", "Anggota ini sudah kepala keluarga.", "This member is already the head of family."),
        SecondHead = ("second_head", "Anggota baru tidak dapat menjadi kepala keluarga kedua: usulkan ganti kepala keluarga.", "A new member cannot be a second head of family: propose a change of head."),
        NothingChanges = ("nothing_changes", "Nilai yang diusulkan sama dengan data sekarang.", "The proposed value is what is recorded now."),
        SplitEmpty = ("split_empty", "Pilih anggota yang pindah ke KK baru.", "Choose the members who move to the new card."),
        SplitEveryone = ("split_everyone", "Tidak semua anggota dapat pindah ke KK baru: yang tinggal tetap di KK lama.", "Not every member can move to the new card: those staying keep the old one."),
        MemberNeeded = ("member_needed", "Pilih anggota yang datanya diperbaiki.", "Choose the member whose data is corrected."),
        NewCardNeeded = ("new_card_needed", "Pecah KK ditetapkan dengan KK baru yang diterbitkan Dukcapil: isi No KK baru dan pilih kepala keluarganya.", "A pecah KK is enacted with the new card the civil registry issued: give the new card's number and choose its head."),
        NewHeadNotMoving = ("new_head_not_moving", "Kepala keluarga KK baru harus salah satu anggota yang pindah ke KK baru.", "The new card's head must be one of the members who move to it."),
        FamilyMoved = ("family_moved", "Keluarga ini sudah pindah dari desa tempat usulan dibuat: pecah KK-nya dicatat di desa barunya.", "This family has moved away from the village the proposal was made in: its card split is recorded in its new village."),
        SplitMemberGone = ("split_member_gone", "Ada anggota yang diusulkan pindah ke KK baru yang tidak lagi tercatat di keluarga ini atau sudah meninggal: tolak usulan ini dan buat yang baru.", "A member proposed for the new card is no longer recorded in this family, or has died: refuse this proposal and make a new one."),
        NewHeadNeeded = ("new_head_needed", "Kepala keluarga meninggal atau pindah: pilih anggota lain yang masih tinggal sebagai kepala keluarga baru.", "The head of family died or moved out: choose another member still living in the family as the new head."),
        FormerHeadRelationship = ("former_head_relationship", "Pilih hubungan kepala keluarga lama dengan kepala keluarga baru (bukan kepala keluarga).", "Choose the former head's relationship to the new head (not head of family)."),
        HeadThroughEvent = ("head_through_event", "Kepala keluarga diganti lewat peristiwa keluarga \u{201c}Ganti kepala keluarga\u{201d}, bukan dengan mengubah hubungan.", "The head of family is changed through the household event \u{201c}Change of head of family\u{201d}, not by editing the relationship."),
        BirthDateTooOld = ("birth_date_too_old", "Tanggal lahir lebih dari 130 tahun yang lalu.", "The birth date is more than 130 years ago."),
    }
}

/// A change asked of the registry, with what it needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ProposalChange {
    NewFamily,
    AddMember {
        name: String,
        sex: Sex,
        birth_date: NaiveDate,
        relationship: Relationship,
        reason: JoinReason,
    },
    RemoveMember {
        member_id: i64,
        reason: LeaveReason,
        /// The day of the death or the move.
        on: NaiveDate,
    },
    ChangeHead {
        member_id: i64,
    },
    Correction {
        field: CorrectedField,
        /// The member whose field is corrected (member fields only).
        member_id: Option<i64>,
        proposed: String,
    },
    Split {
        member_ids: Vec<i64>,
    },
    Removal {
        reason: RemovalReason,
    },
}

/// One line of "now → proposed".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Comparison {
    pub label_id: String,
    pub label_en: String,
    pub now: String,
    pub proposed: String,
}

impl Comparison {
    fn new(label: (&str, &str), now: impl Into<String>, proposed: impl Into<String>) -> Self {
        Comparison {
            label_id: label.0.to_string(),
            label_en: label.1.to_string(),
            now: now.into(),
            proposed: proposed.into(),
        }
    }
}

fn problem(problem: ChangeProblem) -> DomainError {
    DomainError::ProposalChange { problem }
}

/// Whether a member still counts in the family (neither deceased nor listed twice).
pub fn living(member: &MemberFile) -> bool {
    member.member.registry_status.counts_in_family()
}

fn member_of(file: &HouseholdFile, id: i64) -> Result<&MemberFile, DomainError> {
    let member = file
        .members
        .iter()
        .find(|m| m.id == id)
        .ok_or(problem(ChangeProblem::MemberUnknown))?;
    if living(member) {
        Ok(member)
    } else {
        Err(problem(ChangeProblem::MemberNotLiving))
    }
}

fn is_head(member: &MemberFile) -> bool {
    member.member.relationship == Relationship::Head
}

/// A birth date as a role may see it: the whole date, or only the year.
fn birth(date: NaiveDate, exact: bool) -> String {
    if exact {
        crate::dates::dmy(date)
    } else {
        date.year().to_string()
    }
}

fn names(file: &HouseholdFile, pick: impl Fn(&MemberFile) -> bool) -> String {
    let names: Vec<&str> = file
        .members
        .iter()
        .filter(|m| living(m) && pick(m))
        .map(|m| m.member.name.as_str())
        .collect();
    if names.is_empty() {
        "—".to_string()
    } else {
        names.join(", ")
    }
}

impl ProposalChange {
    /// The members this change names (who leaves, becomes head, is renamed or moves).
    pub fn members_touched(&self) -> Vec<i64> {
        match self {
            ProposalChange::RemoveMember { member_id, .. }
            | ProposalChange::ChangeHead { member_id }
            | ProposalChange::Correction {
                member_id: Some(member_id),
                ..
            } => vec![*member_id],
            ProposalChange::Split { member_ids } => member_ids.clone(),
            _ => Vec::new(),
        }
    }

    /// Whether this change and `other` cannot both be applied as they stand:
    /// they name a member in common, or either removes the whole family.
    pub fn conflicts_with(&self, other: &ProposalChange) -> bool {
        let removal = |c: &ProposalChange| matches!(c, ProposalChange::Removal { .. });
        removal(self)
            || removal(other)
            || self
                .members_touched()
                .iter()
                .any(|id| other.members_touched().contains(id))
    }

    /// The change's type.
    pub fn change_type(&self) -> ChangeType {
        match self {
            ProposalChange::NewFamily => ChangeType::NewFamily,
            ProposalChange::AddMember { .. } => ChangeType::AddMember,
            ProposalChange::RemoveMember { .. } => ChangeType::RemoveMember,
            ProposalChange::ChangeHead { .. } => ChangeType::ChangeHead,
            ProposalChange::Correction { .. } => ChangeType::Correction,
            ProposalChange::Split { .. } => ChangeType::Split,
            ProposalChange::Removal { .. } => ChangeType::Removal,
        }
    }

    /// The registry's category of the proposal.
    pub fn kind(&self) -> ProposalKind {
        match self {
            ProposalChange::NewFamily => ProposalKind::NewFamily,
            ProposalChange::Removal { .. } => ProposalKind::Removal,
            _ => ProposalKind::Correction,
        }
    }

    /// The change as a role without whole identity numbers may see it: a new
    /// member's birth date becomes 1 January of its year (with the village and
    /// sex on the page, a whole birth date is most of a NIK).
    pub fn without_birth_day(mut self) -> Self {
        if let ProposalChange::AddMember { birth_date, .. } = &mut self {
            *birth_date = NaiveDate::from_ymd_opt(birth_date.year(), 1, 1).unwrap_or(*birth_date);
        }
        self
    }

    /// The form field a refusal of [`ProposalChange::checked`] belongs beside,
    /// so that the form shows it there (the registry's state, beside the choice of kind).
    pub fn field_of(change_type: ChangeType, error: &DomainError) -> &'static str {
        let problem = match error {
            DomainError::ProposalChange { problem } => Some(*problem),
            _ => None,
        };
        match (change_type, problem) {
            (_, Some(ChangeProblem::AlreadyInRegistry | ChangeProblem::NotInRegistry)) => {
                "change_type"
            }
            (ChangeType::AddMember, Some(ChangeProblem::SecondHead)) => "relationship",
            (ChangeType::AddMember, _) => "birth_date",
            (ChangeType::RemoveMember, None) => "on",
            (ChangeType::Split, _) => "member_ids",
            (
                ChangeType::Correction,
                Some(
                    ChangeProblem::MemberNeeded
                    | ChangeProblem::MemberUnknown
                    | ChangeProblem::MemberNotLiving,
                ),
            ) => "member_id",
            (ChangeType::Correction, _) => "proposed",
            _ => "member_id",
        }
    }

    /// [`ProposalChange::checked`], with a refusal placed beside its form field.
    pub fn checked_in_form(
        self,
        file: &HouseholdFile,
        today: NaiveDate,
    ) -> Result<Self, DomainError> {
        let change_type = self.change_type();
        self.checked(file, today).map_err(|error| match error {
            DomainError::Invalid { .. } => error,
            other => DomainError::Invalid {
                errors: vec![crate::error::FieldError {
                    field: Self::field_of(change_type, &other).to_string(),
                    error: other,
                }],
            },
        })
    }

    /// The change with its text trimmed, if it fits the household `file` on `today`.
    pub fn checked(self, file: &HouseholdFile, today: NaiveDate) -> Result<Self, DomainError> {
        let in_registry = file.registry.is_some();
        let new_family = matches!(self, ProposalChange::NewFamily);
        match (new_family, in_registry) {
            (true, true) => return Err(problem(ChangeProblem::AlreadyInRegistry)),
            (true, false) => return Ok(self),
            (false, false) => return Err(problem(ChangeProblem::NotInRegistry)),
            (false, true) => {}
        }
        match self {
            ProposalChange::NewFamily => Ok(ProposalChange::NewFamily),
            ProposalChange::AddMember {
                name,
                sex,
                birth_date,
                relationship,
                reason,
            } => {
                let name = text::required("name", &name, PROPOSED_TEXT_MAX)?;
                if birth_date > today {
                    return Err(DomainError::DateInFuture {
                        field: "birth_date".into(),
                    });
                }
                if today.year() - birth_date.year() > MAX_AGE_YEARS {
                    return Err(problem(ChangeProblem::BirthDateTooOld));
                }
                if relationship == Relationship::Head {
                    return Err(problem(ChangeProblem::SecondHead));
                }
                Ok(ProposalChange::AddMember {
                    name,
                    sex,
                    birth_date,
                    relationship,
                    reason,
                })
            }
            ProposalChange::RemoveMember {
                member_id,
                reason,
                on,
            } => {
                if is_head(member_of(file, member_id)?) {
                    return Err(problem(ChangeProblem::HeadCannotLeave));
                }
                if on > today {
                    return Err(DomainError::DateInFuture { field: "on".into() });
                }
                Ok(ProposalChange::RemoveMember {
                    member_id,
                    reason,
                    on,
                })
            }
            ProposalChange::ChangeHead { member_id } => {
                if is_head(member_of(file, member_id)?) {
                    return Err(problem(ChangeProblem::AlreadyHead));
                }
                Ok(ProposalChange::ChangeHead { member_id })
            }
            ProposalChange::Correction {
                field,
                member_id,
                proposed,
            } => Self::checked_correction(file, field, member_id, &proposed),
            ProposalChange::Split { mut member_ids } => {
                member_ids.sort_unstable();
                member_ids.dedup();
                if member_ids.is_empty() {
                    return Err(problem(ChangeProblem::SplitEmpty));
                }
                for id in &member_ids {
                    if is_head(member_of(file, *id)?) {
                        return Err(problem(ChangeProblem::HeadCannotLeave));
                    }
                }
                if file.members.iter().filter(|m| living(m)).count() <= member_ids.len() {
                    return Err(problem(ChangeProblem::SplitEveryone));
                }
                Ok(ProposalChange::Split { member_ids })
            }
            ProposalChange::Removal { reason } => Ok(ProposalChange::Removal { reason }),
        }
    }

    fn checked_correction(
        file: &HouseholdFile,
        field: CorrectedField,
        member_id: Option<i64>,
        proposed: &str,
    ) -> Result<Self, DomainError> {
        let proposed = text::required("proposed", proposed, PROPOSED_TEXT_MAX)?;
        let (member_id, now) = match field {
            CorrectedField::MemberName => {
                let id = member_id.ok_or(problem(ChangeProblem::MemberNeeded))?;
                (Some(id), member_of(file, id)?.member.name.clone())
            }
            CorrectedField::Street => (None, file.address.street.clone().unwrap_or_default()),
            CorrectedField::Rt | CorrectedField::Rw => {
                let number = crate::geo::NeighbourhoodNumber::parse(
                    if field == CorrectedField::Rt {
                        crate::geo::NeighbourhoodUnit::Rt
                    } else {
                        crate::geo::NeighbourhoodUnit::Rw
                    },
                    &proposed,
                )?;
                let now = if field == CorrectedField::Rt {
                    file.address.rt
                } else {
                    file.address.rw
                };
                if now == Some(number) {
                    return Err(problem(ChangeProblem::NothingChanges));
                }
                return Ok(ProposalChange::Correction {
                    field,
                    member_id: None,
                    proposed: number.to_string(),
                });
            }
            CorrectedField::IncomeBand => {
                let band = IncomeBand::from_code(&proposed).ok_or(DomainError::UnknownCode {
                    field: "proposed".into(),
                    code: proposed.clone(),
                })?;
                if band == file.income_band {
                    return Err(problem(ChangeProblem::NothingChanges));
                }
                return Ok(ProposalChange::Correction {
                    field,
                    member_id: None,
                    proposed: band.code().to_string(),
                });
            }
        };
        if now.trim() == proposed {
            return Err(problem(ChangeProblem::NothingChanges));
        }
        Ok(ProposalChange::Correction {
            field,
            member_id,
            proposed,
        })
    }

    /// "Now → proposed", line by line, for the household `file` as it is now.
    /// Birth dates show only their year unless `exact_dates` (see [`MemberFile`]).
    pub fn compare(&self, file: &HouseholdFile, exact_dates: bool) -> Vec<Comparison> {
        let member_name = |id: i64| {
            file.members
                .iter()
                .find(|m| m.id == id)
                .map_or_else(|| format!("#{id}"), |m| m.member.name.clone())
        };
        let members_now = names(file, |_| true);
        match self {
            ProposalChange::NewFamily => vec![
                Comparison::new(
                    ("Di registri", "In the registry"),
                    "Belum ada",
                    "Keluarga baru",
                ),
                Comparison::new(
                    ("Kepala keluarga", "Head of family"),
                    "—",
                    file.head_name.clone(),
                ),
                Comparison::new(("Anggota", "Members"), "—", members_now),
            ],
            ProposalChange::AddMember {
                name,
                sex,
                birth_date,
                relationship,
                reason,
            } => vec![
                Comparison::new(
                    ("Anggota", "Members"),
                    members_now.clone(),
                    format!("{members_now}, {name}"),
                ),
                Comparison::new(
                    ("Anggota baru", "New member"),
                    "—",
                    format!(
                        "{name} ({}, {}, lahir {}) — {}",
                        sex.label_id(),
                        relationship.label_id(),
                        birth(*birth_date, exact_dates),
                        reason.label_id()
                    ),
                ),
            ],
            ProposalChange::RemoveMember {
                member_id,
                reason,
                on,
            } => vec![
                Comparison::new(
                    ("Anggota", "Members"),
                    members_now,
                    names(file, |m| m.id != *member_id),
                ),
                Comparison::new(
                    ("Keluar", "Leaves"),
                    "—",
                    format!(
                        "{} — {} ({})",
                        member_name(*member_id),
                        reason.label_id(),
                        crate::dates::dmy(*on)
                    ),
                ),
            ],
            ProposalChange::ChangeHead { member_id } => vec![Comparison::new(
                ("Kepala keluarga", "Head of family"),
                file.head_name.clone(),
                member_name(*member_id),
            )],
            ProposalChange::Correction {
                field,
                member_id,
                proposed,
            } => {
                let now = match field {
                    CorrectedField::Street => file.address.street.clone().unwrap_or_default(),
                    CorrectedField::Rt => {
                        file.address.rt.map(|n| n.to_string()).unwrap_or_default()
                    }
                    CorrectedField::Rw => {
                        file.address.rw.map(|n| n.to_string()).unwrap_or_default()
                    }
                    CorrectedField::IncomeBand => file.income_band.label_id().to_string(),
                    CorrectedField::MemberName => member_id.map(member_name).unwrap_or_default(),
                };
                let proposed = match field {
                    CorrectedField::IncomeBand => IncomeBand::from_code(proposed)
                        .map_or_else(|| proposed.clone(), |b| b.label_id().to_string()),
                    _ => proposed.clone(),
                };
                vec![Comparison::new(
                    (field.label_id(), field.label_en()),
                    if now.is_empty() {
                        "—".to_string()
                    } else {
                        now
                    },
                    proposed,
                )]
            }
            ProposalChange::Split { member_ids } => vec![
                Comparison::new(
                    ("KK lama", "Old card"),
                    members_now,
                    names(file, |m| !member_ids.contains(&m.id)),
                ),
                Comparison::new(
                    ("KK baru", "New card"),
                    "—",
                    names(file, |m| member_ids.contains(&m.id)),
                ),
            ],
            ProposalChange::Removal { reason } => vec![Comparison::new(
                ("Di registri", "In the registry"),
                "Terdaftar",
                format!("Dikeluarkan — {}", reason.label_id()),
            )],
        }
    }
}

/// The proposal form as typed: the change's type, then the fields that type
/// needs (the others are ignored), where it came from, and why.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ProposalDraft {
    pub idempotency_key: String,
    pub household_id: String,
    /// [`ChangeType`] code.
    pub change_type: String,
    /// The member who leaves, becomes head, or whose name is corrected.
    pub member_id: String,
    /// The members who move to the new family card (pecah KK).
    pub member_ids: Vec<String>,
    /// [`JoinReason`], [`LeaveReason`] or [`RemovalReason`] code, by type.
    pub reason: String,
    /// The day of the death or the move.
    pub on: String,
    /// The new member's name, sex, birth date and relationship.
    pub name: String,
    pub sex: String,
    pub birth_date: String,
    pub relationship: String,
    /// [`CorrectedField`] code and its proposed value.
    pub field: String,
    pub proposed: String,
    /// [`ProposalSource`] code.
    pub source: String,
    pub note: String,
}

impl ProposalDraft {
    /// A fresh form for household `household_id`.
    pub fn new(idempotency_key: String, household_id: i64, change_type: ChangeType) -> Self {
        ProposalDraft {
            idempotency_key,
            household_id: household_id.to_string(),
            change_type: change_type.code().to_string(),
            source: ProposalSource::Visit.code().to_string(),
            ..ProposalDraft::default()
        }
    }

    /// The proposal to start, or every error named after its field. Whether it
    /// fits the household is [`ProposalChange::checked`]'s to say.
    pub fn to_request(&self) -> Result<StartProposal, DomainError> {
        let mut errors = FieldErrors::new();
        let household_id = errors.check("household_id", chosen("household_id", &self.household_id));
        let change_type = errors.check(
            "change_type",
            parse_code::<ChangeType>("change_type", &self.change_type),
        );
        let source = errors.check(
            "source",
            parse_code::<ProposalSource>("source", &self.source),
        );
        let note = errors.check("note", text::required("note", &self.note, NOTE_MAX));
        let change = change_type.and_then(|t| self.change(t, &mut errors));
        errors.finish()?;
        match (household_id, change, source, note) {
            (Some(household_id), Some(change), Some(source), Some(note)) => Ok(StartProposal {
                idempotency_key: self.idempotency_key.clone(),
                household_id,
                change,
                source,
                note,
            }),
            _ => Err(DomainError::Invalid { errors: Vec::new() }),
        }
    }

    fn change(&self, change_type: ChangeType, errors: &mut FieldErrors) -> Option<ProposalChange> {
        let member = |errors: &mut FieldErrors| {
            errors.check("member_id", chosen("member_id", &self.member_id))
        };
        match change_type {
            ChangeType::NewFamily => Some(ProposalChange::NewFamily),
            ChangeType::AddMember => {
                let name = errors.check(
                    "name",
                    text::required("name", &self.name, PROPOSED_TEXT_MAX),
                );
                let sex = errors.check("sex", parse_code::<Sex>("sex", &self.sex));
                let birth_date =
                    errors.check("birth_date", parse_date("birth_date", &self.birth_date));
                let relationship = errors.check(
                    "relationship",
                    parse_code::<Relationship>("relationship", &self.relationship),
                );
                let reason =
                    errors.check("reason", parse_code::<JoinReason>("reason", &self.reason));
                Some(ProposalChange::AddMember {
                    name: name?,
                    sex: sex?,
                    birth_date: birth_date?,
                    relationship: relationship?,
                    reason: reason?,
                })
            }
            ChangeType::RemoveMember => {
                let member_id = member(errors);
                let reason =
                    errors.check("reason", parse_code::<LeaveReason>("reason", &self.reason));
                let on = errors.check("on", parse_date("on", &self.on));
                Some(ProposalChange::RemoveMember {
                    member_id: member_id?,
                    reason: reason?,
                    on: on?,
                })
            }
            ChangeType::ChangeHead => Some(ProposalChange::ChangeHead {
                member_id: member(errors)?,
            }),
            ChangeType::Correction => {
                let field =
                    errors.check("field", parse_code::<CorrectedField>("field", &self.field));
                let member_id = if field == Some(CorrectedField::MemberName) {
                    Some(member(errors)?)
                } else {
                    None
                };
                let proposed = errors.check(
                    "proposed",
                    text::required("proposed", &self.proposed, PROPOSED_TEXT_MAX),
                );
                Some(ProposalChange::Correction {
                    field: field?,
                    member_id,
                    proposed: proposed?,
                })
            }
            ChangeType::Split => {
                let mut member_ids = Vec::new();
                for text in &self.member_ids {
                    member_ids.push(errors.check("member_ids", chosen("member_ids", text))?);
                }
                if member_ids.is_empty() {
                    errors.check::<()>("member_ids", Err(problem(ChangeProblem::SplitEmpty)));
                    return None;
                }
                Some(ProposalChange::Split { member_ids })
            }
            ChangeType::Removal => {
                let reason = errors.check(
                    "reason",
                    parse_code::<RemovalReason>("reason", &self.reason),
                );
                Some(ProposalChange::Removal { reason: reason? })
            }
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::coded::tests::check_coded;
    use crate::geo::Address;
    use crate::household::{Desil, RegistryId, RegistryRecord, RegistrySource};
    use crate::member::MemberRegistryStatus;
    use crate::member::tests::{boy, woman};

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 6).unwrap_or_default()
    }

    fn member(id: i64, member: crate::member::Member) -> MemberFile {
        MemberFile {
            id,
            version: 1,
            nik_masked: None,
            member,
            age: 0,
            birth_date_exact: true,
            awaiting_survey: false,
        }
    }

    /// Siti (head, 1), Budi (child, 2), Rina (child, 3), Ani (child, deceased, 4).
    pub(crate) fn file(in_registry: bool) -> Result<HouseholdFile, DomainError> {
        let rina = crate::member::Member {
            name: "Rina Contoh".into(),
            ..boy()
        };
        let ani = crate::member::Member {
            name: "Ani Contoh".into(),
            registry_status: MemberRegistryStatus::Deceased,
            ..boy()
        };
        Ok(HouseholdFile {
            id: 7,
            version: 1,
            no_kk_masked: "************0001".into(),
            head_name: "Siti Contoh".into(),
            address: Address::parse("32.09.01.2008", "", "2", "3", "Jl. Melati 4")?,
            village_name: "Waled Desa".into(),
            registry: in_registry.then(|| RegistryRecord {
                registry_id: RegistryId::parse("DTSEN-3209/0001").unwrap_or_else(|e| panic!("{e}")),
                source: RegistrySource::Dtsen,
                desil: Desil::new(1).unwrap_or_else(|e| panic!("{e}")),
                programmes: vec![],
            }),
            housing: crate::household::tests::housing(),
            assets: vec![],
            income_band: IncomeBand::Below500k,
            programmes: vec![],
            has_house_photo: false,
            members: vec![
                member(1, woman()),
                member(2, boy()),
                member(3, rina),
                member(4, ani),
            ],
            cases: vec![],
            timeline: vec![],
            merged_into: None,
            awaiting_survey: false,
        })
    }

    fn refusal(result: Result<ProposalChange, DomainError>) -> Option<ChangeProblem> {
        match result {
            Err(DomainError::ProposalChange { problem }) => Some(problem),
            _ => None,
        }
    }

    #[test]
    fn coded_enums_keep_their_promises() {
        check_coded::<ChangeType>();
        check_coded::<JoinReason>();
        check_coded::<LeaveReason>();
        check_coded::<RemovalReason>();
        check_coded::<CorrectedField>();
        check_coded::<ChangeProblem>();
    }

    #[test]
    fn new_families_are_for_families_outside_the_registry_and_corrections_for_those_in_it()
    -> Result<(), DomainError> {
        let outside = file(false)?;
        let inside = file(true)?;
        assert!(ProposalChange::NewFamily.checked(&outside, today()).is_ok());
        assert_eq!(
            refusal(ProposalChange::NewFamily.checked(&inside, today())),
            Some(ChangeProblem::AlreadyInRegistry)
        );
        let removal = ProposalChange::Removal {
            reason: RemovalReason::NotPoor,
        };
        assert_eq!(
            refusal(removal.clone().checked(&outside, today())),
            Some(ChangeProblem::NotInRegistry)
        );
        assert_eq!(
            removal.clone().checked(&inside, today())?.kind(),
            ProposalKind::Removal
        );
        assert_eq!(ProposalChange::NewFamily.kind(), ProposalKind::NewFamily);
        assert_eq!(
            ProposalChange::ChangeHead { member_id: 2 }.kind(),
            ProposalKind::Correction
        );
        Ok(())
    }

    #[test]
    fn members_must_be_living_members_of_the_family_and_the_head_stays() -> Result<(), DomainError>
    {
        let f = file(true)?;
        let remove = |member_id| ProposalChange::RemoveMember {
            member_id,
            reason: LeaveReason::Died,
            on: today(),
        };
        assert!(remove(2).checked(&f, today()).is_ok());
        assert_eq!(
            refusal(remove(1).checked(&f, today())),
            Some(ChangeProblem::HeadCannotLeave)
        );
        assert_eq!(
            refusal(remove(4).checked(&f, today())),
            Some(ChangeProblem::MemberNotLiving)
        );
        assert_eq!(
            refusal(remove(99).checked(&f, today())),
            Some(ChangeProblem::MemberUnknown)
        );
        let tomorrow = ProposalChange::RemoveMember {
            member_id: 2,
            reason: LeaveReason::MovedOut,
            on: today().succ_opt().unwrap_or_default(),
        };
        assert!(matches!(
            tomorrow.checked(&f, today()),
            Err(DomainError::DateInFuture { .. })
        ));
        assert_eq!(
            refusal(ProposalChange::ChangeHead { member_id: 1 }.checked(&f, today())),
            Some(ChangeProblem::AlreadyHead)
        );
        assert!(
            ProposalChange::ChangeHead { member_id: 3 }
                .checked(&f, today())
                .is_ok()
        );
        Ok(())
    }

    #[test]
    fn a_split_takes_some_living_members_but_never_the_head_or_everyone() -> Result<(), DomainError>
    {
        let f = file(true)?;
        let split = |ids: &[i64]| ProposalChange::Split {
            member_ids: ids.to_vec(),
        };
        assert_eq!(
            split(&[3, 2, 3]).checked(&f, today())?,
            split(&[2, 3]),
            "sorted, each member once"
        );
        assert_eq!(
            refusal(split(&[]).checked(&f, today())),
            Some(ChangeProblem::SplitEmpty)
        );
        assert_eq!(
            refusal(split(&[1, 2]).checked(&f, today())),
            Some(ChangeProblem::HeadCannotLeave)
        );
        assert_eq!(
            refusal(split(&[2, 4]).checked(&f, today())),
            Some(ChangeProblem::MemberNotLiving)
        );
        let two = HouseholdFile {
            members: f.members.iter().take(2).cloned().collect(),
            ..f.clone()
        };
        assert!(split(&[2]).checked(&two, today()).is_ok());
        let only = HouseholdFile {
            members: vec![f.members[1].clone()],
            ..f.clone()
        };
        assert_eq!(
            refusal(split(&[2]).checked(&only, today())),
            Some(ChangeProblem::SplitEveryone)
        );
        let lines = split(&[2, 3]).compare(&f, true);
        assert_eq!(lines[0].now, "Siti Contoh, Budi Contoh, Rina Contoh");
        assert_eq!(lines[0].proposed, "Siti Contoh");
        assert_eq!(lines[1].proposed, "Budi Contoh, Rina Contoh");
        Ok(())
    }

    #[test]
    fn corrections_change_something_and_are_normalised() -> Result<(), DomainError> {
        let f = file(true)?;
        let correct = |field, member_id, proposed: &str| ProposalChange::Correction {
            field,
            member_id,
            proposed: proposed.into(),
        };
        assert_eq!(
            correct(CorrectedField::Rt, None, "7").checked(&f, today())?,
            correct(CorrectedField::Rt, None, "007")
        );
        assert_eq!(
            refusal(correct(CorrectedField::Rt, None, "3").checked(&f, today())),
            Some(ChangeProblem::NothingChanges)
        );
        assert!(
            correct(CorrectedField::Rw, None, "1000")
                .checked(&f, today())
                .is_err()
        );
        assert_eq!(
            refusal(correct(CorrectedField::IncomeBand, None, "below_500k").checked(&f, today())),
            Some(ChangeProblem::NothingChanges)
        );
        assert!(matches!(
            correct(CorrectedField::IncomeBand, None, "banyak").checked(&f, today()),
            Err(DomainError::UnknownCode { .. })
        ));
        assert_eq!(
            refusal(correct(CorrectedField::MemberName, None, "Budi C.").checked(&f, today())),
            Some(ChangeProblem::MemberNeeded)
        );
        let name = correct(CorrectedField::MemberName, Some(2), "  Budi Contoh Putra ")
            .checked(&f, today())?;
        assert_eq!(
            name,
            correct(CorrectedField::MemberName, Some(2), "Budi Contoh Putra")
        );
        let line = &name.compare(&f, true)[0];
        assert_eq!(
            (line.now.as_str(), line.proposed.as_str()),
            ("Budi Contoh", "Budi Contoh Putra")
        );
        assert_eq!(
            refusal(correct(CorrectedField::Street, None, "Jl. Melati 4").checked(&f, today())),
            Some(ChangeProblem::NothingChanges)
        );
        Ok(())
    }

    #[test]
    fn a_new_member_is_not_a_second_head_and_shows_its_birth_year_to_those_without_dates()
    -> Result<(), DomainError> {
        let f = file(true)?;
        let baby = |relationship| ProposalChange::AddMember {
            name: " Bayi Contoh ".into(),
            sex: Sex::Female,
            birth_date: NaiveDate::from_ymd_opt(2026, 11, 30).unwrap_or_default(),
            relationship,
            reason: JoinReason::Birth,
        };
        let checked = baby(Relationship::Child).checked(&f, today())?;
        assert!(
            matches!(&checked, ProposalChange::AddMember { name, .. } if name == "Bayi Contoh")
        );
        assert_eq!(
            refusal(baby(Relationship::Head).checked(&f, today())),
            Some(ChangeProblem::SecondHead)
        );
        let exact = checked.compare(&f, true);
        let year_only = checked.compare(&f, false);
        assert!(exact[1].proposed.contains("30/11/2026"), "{exact:?}");
        assert!(!year_only[1].proposed.contains("30/11"), "{year_only:?}");
        assert!(year_only[1].proposed.contains("2026"));
        Ok(())
    }

    #[test]
    fn refusals_land_beside_their_fields_and_birth_days_can_be_hidden() -> Result<(), DomainError> {
        let f = file(true)?;
        let beside = |change: ProposalChange| match change.checked_in_form(&f, today()) {
            Err(DomainError::Invalid { errors }) => errors.first().map(|e| e.field.clone()),
            _ => None,
        };
        let future = NaiveDate::from_ymd_opt(2027, 1, 1).unwrap_or_default();
        assert_eq!(
            beside(ProposalChange::RemoveMember {
                member_id: 2,
                reason: LeaveReason::Died,
                on: future
            })
            .as_deref(),
            Some("on")
        );
        assert_eq!(
            beside(ProposalChange::RemoveMember {
                member_id: 1,
                reason: LeaveReason::Died,
                on: today()
            })
            .as_deref(),
            Some("member_id")
        );
        assert_eq!(
            beside(ProposalChange::Correction {
                field: CorrectedField::Rt,
                member_id: None,
                proposed: "1000".into()
            })
            .as_deref(),
            Some("proposed")
        );
        assert_eq!(
            beside(ProposalChange::Split {
                member_ids: vec![1]
            })
            .as_deref(),
            Some("member_ids")
        );
        assert_eq!(
            beside(ProposalChange::NewFamily).as_deref(),
            Some("change_type")
        );
        let baby = ProposalChange::AddMember {
            name: "Bayi".into(),
            sex: Sex::Male,
            birth_date: future,
            relationship: Relationship::Child,
            reason: JoinReason::Birth,
        };
        assert_eq!(beside(baby.clone()).as_deref(), Some("birth_date"));
        assert!(matches!(
            baby.without_birth_day(),
            ProposalChange::AddMember { birth_date, .. } if birth_date == NaiveDate::from_ymd_opt(2027, 1, 1).unwrap_or_default()
        ));
        let late = ProposalChange::AddMember {
            name: "Bayi".into(),
            sex: Sex::Male,
            birth_date: NaiveDate::from_ymd_opt(2026, 11, 30).unwrap_or_default(),
            relationship: Relationship::Child,
            reason: JoinReason::Birth,
        };
        assert!(matches!(
            late.without_birth_day(),
            ProposalChange::AddMember { birth_date, .. } if birth_date == NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default()
        ));
        Ok(())
    }

    #[test]
    fn changes_naming_the_same_member_conflict() {
        let leaves = ProposalChange::RemoveMember {
            member_id: 2,
            reason: LeaveReason::MovedOut,
            on: today(),
        };
        let split = ProposalChange::Split {
            member_ids: vec![2, 3],
        };
        let head = ProposalChange::ChangeHead { member_id: 3 };
        let rename = ProposalChange::Correction {
            field: CorrectedField::MemberName,
            member_id: Some(4),
            proposed: "Ani".into(),
        };
        assert!(leaves.conflicts_with(&split) && split.conflicts_with(&head));
        assert!(!leaves.conflicts_with(&head) && !rename.conflicts_with(&split));
        let removal = ProposalChange::Removal {
            reason: RemovalReason::NotPoor,
        };
        assert!(removal.conflicts_with(&rename) && rename.conflicts_with(&removal));
        assert_eq!(split.members_touched(), vec![2, 3]);
        assert!(ProposalChange::NewFamily.members_touched().is_empty());
    }

    #[test]
    fn the_draft_names_each_wrong_field_and_reads_each_type() {
        let mut draft = ProposalDraft::new("k".into(), 7, ChangeType::RemoveMember);
        let Err(DomainError::Invalid { errors }) = draft.to_request() else {
            panic!("an empty removal is refused");
        };
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["note", "member_id", "reason", "on"]);
        draft.member_id = "2".into();
        draft.reason = "died".into();
        draft.on = "2026-12-01".into();
        draft.note = "Meninggal, surat keterangan desa".into();
        let request = draft.to_request().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(request.change.change_type(), ChangeType::RemoveMember);
        assert_eq!(request.source, ProposalSource::Visit);
        draft.change_type = "split".into();
        draft.member_ids = vec!["3".into(), "2".into()];
        assert_eq!(
            draft.to_request().map(|r| r.change).ok(),
            Some(ProposalChange::Split {
                member_ids: vec![3, 2]
            })
        );
        draft.member_ids.clear();
        assert!(draft.to_request().is_err());
        draft.change_type = "correction".into();
        draft.field = "member_name".into();
        draft.member_id.clear();
        draft.proposed = "Budi".into();
        assert!(
            draft.to_request().is_err(),
            "a member's name needs the member"
        );
        draft.change_type = "bogus".into();
        assert!(draft.to_request().is_err());
    }
}
