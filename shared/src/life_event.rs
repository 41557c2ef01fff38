//! A family's life as the household file keeps it: a birth or a member who
//! joins, a death, a member who moves out, a change of head, a pecah KK and a
//! move of the whole family. Each is one form on the household page and one
//! write on the server; both check it here, against the household file as it
//! is, so the browser says what the server would refuse before it is sent.
//!
//! The head of a family is never left dead or gone: a head who dies or moves
//! out is recorded together with the member who heads the family from then on.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::complaint::EvidenceDocument;
use crate::drafts::chosen;
use crate::dto::{HouseholdFile, MemberFile, NewCard};
use crate::error::{DomainError, FieldError, FieldErrors};
use crate::geo::{Address, AreaCode, MoveReach};
use crate::intake::{MemberDraft, id_digits, parse_code, parse_date};
use crate::member::{Member, Relationship};
use crate::proposal_change::{ChangeProblem, JoinReason, LeaveReason, ProposalChange, living};
use crate::text;
use crate::workflow::NOTE_MAX;

crate::coded_enum! {
    /// The life events the household file records.
    pub enum LifeEventKind {
        /// A baby is born into the family.
        Birth = ("birth", "Kelahiran", "Birth"),
        /// Someone joins the family (moves in, marries in).
        Joined = ("joined", "Anggota masuk (pindah datang, menikah)", "A member joins (moves in, marries in)"),
        /// A member dies.
        Death = ("death", "Kematian", "Death"),
        /// A member moves out of the family.
        MovedOut = ("moved_out", "Anggota pindah keluar", "A member moves out"),
        /// Another member becomes the head of the family.
        HeadChanged = ("head_changed", "Ganti kepala keluarga", "Change of head of family"),
        /// Pecah KK: some members take a family card of their own.
        Split = ("split", "Pecah KK", "Split of the family card"),
        /// The whole family moves (another address, village, sub-district or district).
        Moved = ("moved", "Keluarga pindah", "The family moves"),
    }
}

/// What happened, with what it needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum LifeEvent {
    /// A birth or someone joining: the new member, every field.
    MemberJoins { member: Member, reason: JoinReason },
    /// A death or a move out; `new_head` when the member was the head.
    MemberLeaves {
        member_id: i64,
        reason: LeaveReason,
        new_head: Option<i64>,
    },
    /// Another member heads the family; the former head's new relationship
    /// (when the former head is still living in it).
    HeadChanged {
        member_id: i64,
        former_head_relationship: Relationship,
    },
    /// Pecah KK with the card the civil registry issued.
    Split { member_ids: Vec<i64>, card: NewCard },
    /// The family's new address (the village may be another one, anywhere).
    Moved { address: Address },
}

/// A life event to record on a household.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordLifeEvent {
    /// Made once when the form opens: a resubmission records nothing twice.
    pub idempotency_key: String,
    pub household_id: i64,
    /// The household's version the user saw.
    pub version: i32,
    pub event: LifeEvent,
    /// When it happened.
    pub occurred_on: NaiveDate,
    /// The document seen.
    pub document: EvidenceDocument,
    pub note: String,
}

fn problem(problem: ChangeProblem) -> DomainError {
    DomainError::ProposalChange { problem }
}

fn living_member(file: &HouseholdFile, id: i64) -> Result<&MemberFile, DomainError> {
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

impl LifeEvent {
    /// The kind of event.
    pub fn kind(&self) -> LifeEventKind {
        match self {
            LifeEvent::MemberJoins {
                reason: JoinReason::Birth,
                ..
            } => LifeEventKind::Birth,
            LifeEvent::MemberJoins { .. } => LifeEventKind::Joined,
            LifeEvent::MemberLeaves {
                reason: LeaveReason::Died,
                ..
            } => LifeEventKind::Death,
            LifeEvent::MemberLeaves { .. } => LifeEventKind::MovedOut,
            LifeEvent::HeadChanged { .. } => LifeEventKind::HeadChanged,
            LifeEvent::Split { .. } => LifeEventKind::Split,
            LifeEvent::Moved { .. } => LifeEventKind::Moved,
        }
    }

    /// The form field an error of this event belongs to.
    fn field_of(&self, error: &DomainError) -> &'static str {
        let DomainError::ProposalChange { problem } = error else {
            return "kind";
        };
        match (self, problem) {
            (_, ChangeProblem::NewHeadNeeded | ChangeProblem::NewHeadNotMoving) => "new_head",
            (_, ChangeProblem::SecondHead) => "member.relationship",
            (_, ChangeProblem::FormerHeadRelationship) => "former_head_relationship",
            (LifeEvent::Split { .. }, _) => "member_ids",
            (LifeEvent::Moved { .. }, _) => "street",
            _ => "member_id",
        }
    }

    /// The event if it fits the household `file` on `today` (errors named
    /// after the form's fields).
    pub fn checked_in_form(
        self,
        file: &HouseholdFile,
        today: NaiveDate,
    ) -> Result<Self, DomainError> {
        let field = |event: &LifeEvent, error: DomainError| match error {
            DomainError::Invalid { .. } => error,
            other => DomainError::Invalid {
                errors: vec![FieldError {
                    field: event.field_of(&other).to_string(),
                    error: other,
                }],
            },
        };
        let copy = self.clone();
        self.checked(file, today)
            .map_err(|error| field(&copy, error))
    }

    /// The event if it fits the household `file` on `today`.
    pub fn checked(self, file: &HouseholdFile, today: NaiveDate) -> Result<Self, DomainError> {
        match self {
            LifeEvent::MemberJoins { member, reason } => {
                let member = member.validated(today)?;
                if member.relationship == Relationship::Head {
                    return Err(problem(ChangeProblem::SecondHead));
                }
                Ok(LifeEvent::MemberJoins { member, reason })
            }
            LifeEvent::MemberLeaves {
                member_id,
                reason,
                new_head,
            } => {
                let leaving = living_member(file, member_id)?;
                let new_head = if is_head(leaving) {
                    let id = new_head.ok_or(problem(ChangeProblem::NewHeadNeeded))?;
                    if id == member_id {
                        return Err(problem(ChangeProblem::NewHeadNeeded));
                    }
                    living_member(file, id).map_err(|_| problem(ChangeProblem::NewHeadNeeded))?;
                    Some(id)
                } else {
                    None
                };
                // Someone living stays: a family whose last member leaves is
                // removed from the registry instead.
                if file.members.iter().filter(|m| living(m)).count() <= 1 {
                    return Err(problem(ChangeProblem::SplitEveryone));
                }
                Ok(LifeEvent::MemberLeaves {
                    member_id,
                    reason,
                    new_head,
                })
            }
            LifeEvent::HeadChanged {
                member_id,
                former_head_relationship,
            } => {
                if is_head(living_member(file, member_id)?) {
                    return Err(problem(ChangeProblem::AlreadyHead));
                }
                if former_head_relationship == Relationship::Head {
                    return Err(problem(ChangeProblem::FormerHeadRelationship));
                }
                Ok(LifeEvent::HeadChanged {
                    member_id,
                    former_head_relationship,
                })
            }
            LifeEvent::Split {
                mut member_ids,
                card,
            } => {
                member_ids.sort_unstable();
                member_ids.dedup();
                if member_ids.is_empty() {
                    return Err(problem(ChangeProblem::SplitEmpty));
                }
                for id in &member_ids {
                    if is_head(living_member(file, *id)?) {
                        return Err(problem(ChangeProblem::HeadCannotLeave));
                    }
                }
                if file.members.iter().filter(|m| living(m)).count() <= member_ids.len() {
                    return Err(problem(ChangeProblem::SplitEveryone));
                }
                if !member_ids.contains(&card.head_id) {
                    return Err(problem(ChangeProblem::NewHeadNotMoving));
                }
                Ok(LifeEvent::Split { member_ids, card })
            }
            LifeEvent::Moved { address } => {
                if address == file.address {
                    return Err(problem(ChangeProblem::NothingChanges));
                }
                Ok(LifeEvent::Moved { address })
            }
        }
    }

    /// How far a move goes from `from` (none for any other event, or a new
    /// address in the same village).
    pub fn reach(&self, from: &AreaCode) -> Option<MoveReach> {
        match self {
            LifeEvent::Moved { address } => MoveReach::between(from, &address.village),
            _ => None,
        }
    }

    /// The registry proposal (flow B) the event opens for a family in the
    /// registry: the same change, for review before it is sent.
    pub fn proposal_change(&self) -> ProposalChange {
        match self {
            LifeEvent::MemberJoins { member, reason } => ProposalChange::AddMember {
                name: member.name.clone(),
                sex: member.sex,
                birth_date: member.birth_date,
                relationship: member.relationship,
                reason: *reason,
            },
            LifeEvent::MemberLeaves {
                member_id, reason, ..
            } => ProposalChange::RemoveMember {
                member_id: *member_id,
                reason: *reason,
                // Set by the caller to the day it happened.
                on: NaiveDate::MIN,
            },
            LifeEvent::HeadChanged { member_id, .. } => ProposalChange::ChangeHead {
                member_id: *member_id,
            },
            LifeEvent::Split { member_ids, .. } => ProposalChange::Split {
                member_ids: member_ids.clone(),
            },
            LifeEvent::Moved { address } => ProposalChange::Correction {
                field: crate::proposal_change::CorrectedField::Street,
                member_id: None,
                proposed: address.local_line(),
            },
        }
    }
}

/// The life-event form as typed: the kind, then the fields that kind needs
/// (the others are ignored).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LifeEventDraft {
    pub idempotency_key: String,
    pub household_id: String,
    pub version: String,
    /// [`LifeEventKind`] code.
    pub kind: String,
    /// `yyyy-mm-dd` or `dd/mm/yyyy`.
    pub occurred_on: String,
    /// [`EvidenceDocument`] code.
    pub document: String,
    pub note: String,
    /// The new member (birth, joined).
    pub member: MemberDraft,
    /// The member who dies, moves out or becomes head.
    pub member_id: String,
    /// The member who heads the family from now on (the head died or left;
    /// the new card's head in a pecah KK).
    pub new_head: String,
    /// [`Relationship`] code of the former head after a change of head.
    pub former_head_relationship: String,
    /// Pecah KK: the members who move, and the new card's number.
    pub member_ids: Vec<String>,
    pub new_no_kk: String,
    /// The new address (village code, dusun, RW, RT, street).
    pub village: String,
    pub dusun: String,
    pub rw: String,
    pub rt: String,
    pub street: String,
}

impl LifeEventDraft {
    /// A fresh form for the household `file`, `kind` chosen, dated `today`.
    pub fn new(
        idempotency_key: String,
        file: &HouseholdFile,
        kind: LifeEventKind,
        today: NaiveDate,
    ) -> Self {
        let address = &file.address;
        LifeEventDraft {
            idempotency_key,
            household_id: file.id.to_string(),
            version: file.version.to_string(),
            kind: kind.code().to_string(),
            occurred_on: today.to_string(),
            document: EvidenceDocument::Kk.code().to_string(),
            member: MemberDraft {
                relationship: Relationship::Child.code().to_string(),
                birth_date: today.to_string(),
                ..MemberDraft::default()
            },
            former_head_relationship: Relationship::Spouse.code().to_string(),
            village: address.village.as_str().to_string(),
            dusun: address.dusun.clone().unwrap_or_default(),
            rw: address.rw.map(|n| n.to_string()).unwrap_or_default(),
            rt: address.rt.map(|n| n.to_string()).unwrap_or_default(),
            street: address.street.clone().unwrap_or_default(),
            ..LifeEventDraft::default()
        }
    }

    /// The request, or every error named after its field. Whether the event
    /// fits the household is [`LifeEvent::checked`]'s to say.
    pub fn to_request(&self, today: NaiveDate) -> Result<RecordLifeEvent, DomainError> {
        let mut errors = FieldErrors::new();
        let household_id = errors.check("household_id", chosen("household_id", &self.household_id));
        let version = errors.check(
            "version",
            self.version
                .trim()
                .parse::<i32>()
                .map_err(|_| DomainError::TextRequired {
                    field: "version".into(),
                }),
        );
        let kind = errors.check("kind", parse_code::<LifeEventKind>("kind", &self.kind));
        let occurred_on = errors.check("occurred_on", parse_date("occurred_on", &self.occurred_on));
        if let Some(day) = occurred_on
            && day > today
        {
            errors.push(
                "occurred_on",
                DomainError::DateInFuture {
                    field: "occurred_on".into(),
                },
            );
        }
        let document = errors.check(
            "document",
            parse_code::<EvidenceDocument>("document", &self.document),
        );
        let note = errors.check("note", text::optional("note", &self.note, NOTE_MAX));
        let event = kind.and_then(|kind| self.event(kind, today, &mut errors));
        errors.finish()?;
        match (household_id, version, event, occurred_on, document, note) {
            (
                Some(household_id),
                Some(version),
                Some(event),
                Some(occurred_on),
                Some(document),
                Some(note),
            ) => Ok(RecordLifeEvent {
                idempotency_key: self.idempotency_key.clone(),
                household_id,
                version,
                event,
                occurred_on,
                document,
                note: note.unwrap_or_default(),
            }),
            _ => Err(DomainError::Invalid { errors: Vec::new() }),
        }
    }

    fn event(
        &self,
        kind: LifeEventKind,
        today: NaiveDate,
        errors: &mut FieldErrors,
    ) -> Option<LifeEvent> {
        let member_id = |errors: &mut FieldErrors| {
            errors.check("member_id", chosen("member_id", &self.member_id))
        };
        match kind {
            LifeEventKind::Birth | LifeEventKind::Joined => {
                let member = match self.member.to_member(today, "member.") {
                    Ok(member) => Some(member),
                    Err(DomainError::Invalid { errors: found }) => {
                        for FieldError { field, error } in found {
                            errors.push(&field, error);
                        }
                        None
                    }
                    Err(other) => {
                        errors.push("member.name", other);
                        None
                    }
                };
                let reason = if kind == LifeEventKind::Birth {
                    JoinReason::Birth
                } else {
                    JoinReason::Joined
                };
                Some(LifeEvent::MemberJoins {
                    member: member?,
                    reason,
                })
            }
            LifeEventKind::Death | LifeEventKind::MovedOut => {
                let member_id = member_id(errors);
                let new_head = if self.new_head.trim().is_empty() {
                    Some(None)
                } else {
                    errors
                        .check("new_head", chosen("new_head", &self.new_head))
                        .map(Some)
                };
                let reason = if kind == LifeEventKind::Death {
                    LeaveReason::Died
                } else {
                    LeaveReason::MovedOut
                };
                Some(LifeEvent::MemberLeaves {
                    member_id: member_id?,
                    reason,
                    new_head: new_head?,
                })
            }
            LifeEventKind::HeadChanged => {
                let member_id = member_id(errors);
                let former = errors.check(
                    "former_head_relationship",
                    parse_code::<Relationship>(
                        "former_head_relationship",
                        &self.former_head_relationship,
                    ),
                );
                Some(LifeEvent::HeadChanged {
                    member_id: member_id?,
                    former_head_relationship: former?,
                })
            }
            LifeEventKind::Split => {
                let mut member_ids = Vec::new();
                for id in &self.member_ids {
                    member_ids.extend(errors.check("member_ids", chosen("member_ids", id)));
                }
                if self.member_ids.is_empty() {
                    errors.push("member_ids", problem(ChangeProblem::SplitEmpty));
                }
                let no_kk = errors.check(
                    "new_no_kk",
                    crate::identity::NoKk::parse(&id_digits(&self.new_no_kk)),
                );
                let head_id = errors.check("new_head", chosen("new_head", &self.new_head));
                Some(LifeEvent::Split {
                    member_ids,
                    card: NewCard {
                        no_kk: no_kk?,
                        head_id: head_id?,
                    },
                })
            }
            LifeEventKind::Moved => {
                use crate::geo::{AreaLevel, NeighbourhoodNumber, NeighbourhoodUnit};
                let village = errors.check(
                    "village",
                    AreaCode::parse(&self.village)
                        .and_then(|c| c.require_level(AreaLevel::Village)),
                );
                let mut number = |field: &str, unit, typed: &str| {
                    if typed.trim().is_empty() {
                        Some(None)
                    } else {
                        errors.check(field, NeighbourhoodNumber::parse(unit, typed).map(Some))
                    }
                };
                let rw = number("rw", NeighbourhoodUnit::Rw, &self.rw);
                let rt = number("rt", NeighbourhoodUnit::Rt, &self.rt);
                let dusun = errors.check(
                    "dusun",
                    text::optional("dusun", &self.dusun, crate::geo::ADDRESS_LINE_MAX),
                );
                let street = errors.check(
                    "street",
                    text::optional("street", &self.street, crate::geo::ADDRESS_LINE_MAX),
                );
                Some(LifeEvent::Moved {
                    address: Address {
                        village: village?,
                        dusun: dusun?,
                        rw: rw?,
                        rt: rt?,
                        street: street?,
                    },
                })
            }
        }
    }
}
