//! The portal's smaller forms as typed, each with its `to_request`: case
//! actions, the referral and its answers, the password change and the
//! administration forms. Every field is the text of an input (a form posted as
//! plain HTML sends nothing else), read in one place for the browser and the
//! server, and every error is named after its field. The front desk's larger
//! forms are in [`crate::intake`].
//!
//! A field every form sends (a text input, a select, a hidden input) must be
//! there: a post without it is not this form and answers 400. Checkboxes (sent
//! only when ticked) and fields some forms leave out default to empty.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::account::{AssignmentInput, NewUser};
use crate::case::{CaseAction, CaseActionKind, CloseReason};
use crate::complaint::Sector;
use crate::dto::{
    IssueReferral, ProposalTransitionRequest, ReferralTransitionRequest, SaveInstitution,
    SaveProgramme,
};
use crate::error::{DomainError, FieldErrors};
use crate::geo::AreaScope;
use crate::intake::parse_code;
use crate::programme::{CatalogueEntry, InstitutionKind, ProgrammeKind};
use crate::proposal::{ProposalAction, ProposalFlow};
use crate::referral::{CONSENT_GIVEN_BY_MAX, ConsentGiven, ReferralAction};
use crate::roles::Role;
use crate::workflow::{NOTE_MAX, Workflow};

/// A whole number typed in a form (ids and versions in hidden inputs).
pub(crate) fn number<T: std::str::FromStr>(field: &str, text: &str) -> Result<T, DomainError> {
    text.trim()
        .parse::<T>()
        .map_err(|_| DomainError::UnknownCode {
            field: field.to_owned(),
            code: text.chars().take(20).collect(),
        })
}

/// A number that may be left empty.
fn optional_number<T: std::str::FromStr>(
    field: &str,
    text: &str,
) -> Result<Option<T>, DomainError> {
    if text.trim().is_empty() {
        Ok(None)
    } else {
        number(field, text).map(Some)
    }
}

/// A choice that must be made (an empty select names the field as required).
pub(crate) fn chosen(field: &str, text: &str) -> Result<i64, DomainError> {
    if text.trim().is_empty() {
        return Err(DomainError::TextRequired {
            field: field.to_owned(),
        });
    }
    number(field, text)
}

/// An HTML checkbox: sent (with any value but `false`) when ticked.
pub fn ticked(value: &str) -> bool {
    !value.is_empty() && value != "false"
}

/// Text that may be left empty.
fn optional_text(text: &str) -> Option<String> {
    Some(text.trim().to_owned()).filter(|text| !text.is_empty())
}

/// A case action as chosen on the case page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseActionDraft {
    pub case_id: String,
    pub version: String,
    /// [`CaseActionKind`] code.
    pub action: String,
    /// [`CloseReason`] code, for closing.
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub note: String,
}

impl CaseActionDraft {
    /// The transition asked for, or every error named after its field.
    pub fn to_request(&self) -> Result<crate::dto::CaseTransitionRequest, DomainError> {
        let mut errors = FieldErrors::new();
        let case_id = errors.check("case_id", number("case_id", &self.case_id));
        let version = errors.check("version", number("version", &self.version));
        let kind = errors.check(
            "action",
            parse_code::<CaseActionKind>("action", &self.action),
        );
        let action = match kind {
            Some(CaseActionKind::Close) => errors
                .check("reason", parse_code::<CloseReason>("reason", &self.reason))
                .map(CaseAction::Close),
            Some(kind) => case_action(kind),
            None => None,
        };
        errors.finish()?;
        match (case_id, version, action) {
            (Some(case_id), Some(version), Some(action)) => Ok(crate::dto::CaseTransitionRequest {
                case_id,
                version,
                action,
                note: self.note.clone(),
            }),
            _ => Err(DomainError::Invalid { errors: Vec::new() }),
        }
    }
}

/// The action of a kind that carries nothing more (`None` for closing, which
/// carries its reason).
fn case_action(kind: CaseActionKind) -> Option<CaseAction> {
    Some(match kind {
        CaseActionKind::CheckRegistry => CaseAction::CheckRegistry,
        CaseActionKind::IdentifyNeeds => CaseAction::IdentifyNeeds,
        CaseActionKind::DecideService => CaseAction::DecideService,
        CaseActionKind::Refer => CaseAction::Refer,
        CaseActionKind::StartMonitoring => CaseAction::StartMonitoring,
        CaseActionKind::Resolve => CaseAction::Resolve,
        CaseActionKind::Close => return None,
        CaseActionKind::Escalate => CaseAction::Escalate,
        CaseActionKind::TakeOver => CaseAction::TakeOver,
    })
}

/// The referral form of a case, with the resident's consent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferralDraft {
    pub idempotency_key: String,
    pub case_id: String,
    /// The complaint the referral answers (empty: the case as a whole).
    #[serde(default)]
    pub complaint_id: String,
    /// The member of the household it is for (empty: the family as a whole).
    #[serde(default)]
    pub member_id: String,
    #[serde(default)]
    pub programme_id: String,
    #[serde(default)]
    pub institution_id: String,
    /// Who gave consent: the resident or their guardian.
    #[serde(default)]
    pub consent_given_by: String,
    /// The consent box (`1` when ticked).
    #[serde(default)]
    pub consent: String,
}

impl ReferralDraft {
    /// The referral asked for on `today`, or every error named after its field.
    pub fn to_request(&self, today: NaiveDate) -> Result<IssueReferral, DomainError> {
        let mut errors = FieldErrors::new();
        let case_id = errors.check("case_id", number("case_id", &self.case_id));
        let complaint_id = errors.check(
            "complaint_id",
            optional_number("complaint_id", &self.complaint_id),
        );
        let member_id = errors.check("member_id", optional_number("member_id", &self.member_id));
        let programme_id = errors.check("programme_id", chosen("programme_id", &self.programme_id));
        let institution_id = errors.check(
            "institution_id",
            chosen("institution_id", &self.institution_id),
        );
        let given_by = errors.check(
            "consent_given_by",
            crate::text::required(
                "consent_given_by",
                &self.consent_given_by,
                CONSENT_GIVEN_BY_MAX,
            ),
        );
        if !ticked(&self.consent) {
            errors.push("consent", DomainError::ConsentMissing);
        }
        errors.finish()?;
        match (
            case_id,
            complaint_id,
            member_id,
            programme_id,
            institution_id,
            given_by,
        ) {
            (
                Some(case_id),
                Some(complaint_id),
                Some(member_id),
                Some(programme_id),
                Some(institution_id),
                Some(given_by),
            ) => Ok(IssueReferral {
                idempotency_key: self.idempotency_key.clone(),
                case_id,
                complaint_id,
                member_id,
                programme_id,
                institution_id,
                consent: Some(ConsentGiven {
                    given_by,
                    given_on: today,
                    institution_id,
                    programme_id,
                    resident_informed: true,
                }),
            }),
            _ => Err(DomainError::Invalid { errors: Vec::new() }),
        }
    }
}

/// A step of a registry proposal (flow B), as chosen on the proposal's page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposalActionDraft {
    pub proposal_id: String,
    pub version: String,
    /// [`ProposalAction`] code.
    pub action: String,
    /// The musdes minutes, decree or visit reference; why, for a refusal.
    #[serde(default)]
    pub note: String,
    /// A pecah KK's new family card number, when it is enacted.
    #[serde(default)]
    pub new_no_kk: String,
    /// The member who heads the new card (their id).
    #[serde(default)]
    pub new_head: String,
}

impl ProposalActionDraft {
    /// The step, or every error named after its field (a refusal needs its reason).
    pub fn to_request(&self) -> Result<ProposalTransitionRequest, DomainError> {
        let mut errors = FieldErrors::new();
        let proposal_id = errors.check("proposal_id", number("proposal_id", &self.proposal_id));
        let version = errors.check("version", number("version", &self.version));
        let action = errors.check(
            "action",
            parse_code::<ProposalAction>("action", &self.action),
        );
        let note = match action {
            Some(action) if ProposalFlow::requires_note(action) => {
                errors.check("note", crate::text::required("note", &self.note, NOTE_MAX))
            }
            _ => errors
                .check("note", crate::text::optional("note", &self.note, NOTE_MAX))
                .map(Option::unwrap_or_default),
        };
        // Only a pecah KK's enactment carries a new card; the server asks for
        // it there and ignores it elsewhere.
        let new_card = if self.new_no_kk.trim().is_empty() && self.new_head.trim().is_empty() {
            Some(None)
        } else {
            let no_kk = errors.check("new_no_kk", crate::identity::NoKk::parse(&self.new_no_kk));
            let head_id = errors.check("new_head", number("new_head", &self.new_head));
            match (no_kk, head_id) {
                (Some(no_kk), Some(head_id)) => Some(Some(crate::dto::NewCard { no_kk, head_id })),
                _ => None,
            }
        };
        errors.finish()?;
        match (proposal_id, version, action, note, new_card) {
            (Some(proposal_id), Some(version), Some(action), Some(note), Some(new_card)) => {
                Ok(ProposalTransitionRequest {
                    proposal_id,
                    version,
                    action,
                    note,
                    new_card,
                })
            }
            _ => Err(DomainError::Invalid { errors: Vec::new() }),
        }
    }
}

/// An institution's answer to a referral (accept, reject, start, complete, cancel).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferralAnswerDraft {
    pub referral_id: String,
    pub version: String,
    /// [`ReferralAction`] code.
    pub action: String,
    #[serde(default)]
    pub note: String,
}

impl ReferralAnswerDraft {
    /// The answer, or every error named after its field.
    pub fn to_request(&self) -> Result<ReferralTransitionRequest, DomainError> {
        let mut errors = FieldErrors::new();
        let referral_id = errors.check("referral_id", number("referral_id", &self.referral_id));
        let version = errors.check("version", number("version", &self.version));
        let action = errors.check(
            "action",
            parse_code::<ReferralAction>("action", &self.action),
        );
        errors.finish()?;
        match (referral_id, version, action) {
            (Some(referral_id), Some(version), Some(action)) => Ok(ReferralTransitionRequest {
                referral_id,
                version,
                action,
                note: self.note.clone(),
            }),
            _ => Err(DomainError::Invalid { errors: Vec::new() }),
        }
    }
}

/// Changing one's own password: the current one, the new one twice.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordChangeDraft {
    pub current_password: String,
    pub new_password: String,
    pub confirm_password: String,
}

impl PasswordChangeDraft {
    /// The (current, new) passwords when the new one was typed the same twice.
    /// The password policy itself is the service's.
    pub fn to_request(&self) -> Result<(String, String), DomainError> {
        if self.new_password != self.confirm_password {
            return Err(DomainError::Invalid {
                errors: vec![crate::error::FieldError {
                    field: "confirm_password".into(),
                    error: DomainError::PasswordConfirmationMismatch,
                }],
            });
        }
        Ok((self.current_password.clone(), self.new_password.clone()))
    }
}

/// A role in an area (or at an institution), as chosen by an administrator.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssignmentDraft {
    /// The account (empty when the account is being created).
    #[serde(default)]
    pub user_id: String,
    /// [`Role`] code.
    pub role: String,
    pub area_code: String,
    /// For receiving-institution staff.
    #[serde(default)]
    pub institution_id: String,
}

impl AssignmentDraft {
    fn check(&self, errors: &mut FieldErrors) -> Option<AssignmentInput> {
        let role = errors.check("role", parse_code::<Role>("role", &self.role));
        let institution_id = errors.check(
            "institution_id",
            optional_number("institution_id", &self.institution_id),
        );
        Some(AssignmentInput {
            role: role?,
            area_code: self.area_code.trim().to_owned(),
            institution_id: institution_id?,
        })
    }

    /// The account and the role to grant it, or every error named after its field.
    pub fn to_request(&self) -> Result<(i64, AssignmentInput), DomainError> {
        let mut errors = FieldErrors::new();
        let user_id = errors.check("user_id", number("user_id", &self.user_id));
        let assignment = self.check(&mut errors);
        errors.finish()?;
        user_id
            .zip(assignment)
            .ok_or(DomainError::Invalid { errors: Vec::new() })
    }
}

/// A new account with its first role.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewUserDraft {
    pub username: String,
    pub full_name: String,
    pub password: String,
    #[serde(flatten)]
    pub assignment: AssignmentDraft,
}

impl NewUserDraft {
    /// The account to create (names and password are checked by the service).
    pub fn to_request(&self) -> Result<NewUser, DomainError> {
        let mut errors = FieldErrors::new();
        let assignment = self.assignment.check(&mut errors);
        errors.finish()?;
        let assignment = assignment.ok_or(DomainError::Invalid { errors: Vec::new() })?;
        Ok(NewUser {
            username: self.username.clone(),
            full_name: self.full_name.clone(),
            password: self.password.clone(),
            assignment,
        })
    }
}

/// A receiving institution, new (no `id`) or changed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstitutionDraft {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub version: String,
    pub name: String,
    /// [`InstitutionKind`] code.
    pub kind: String,
    /// The area it serves (empty: the whole nation).
    #[serde(default)]
    pub area_code: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub phone: String,
    /// The "active" checkbox.
    #[serde(default)]
    pub active: String,
}

impl InstitutionDraft {
    /// The institution to save, or every error named after its field.
    pub fn to_request(&self) -> Result<SaveInstitution, DomainError> {
        let mut errors = FieldErrors::new();
        let id = errors.check("id", optional_number("id", &self.id));
        let version = errors.check("version", optional_number("version", &self.version));
        let kind = errors.check("kind", parse_code::<InstitutionKind>("kind", &self.kind));
        let serves = errors.check("area_code", AreaScope::from_stored(self.area_code.trim()));
        errors.finish()?;
        match (id, version, kind, serves) {
            (Some(id), Some(version), Some(kind), Some(serves)) => Ok(SaveInstitution {
                id,
                version,
                name: self.name.clone(),
                kind,
                serves,
                address: optional_text(&self.address),
                phone: optional_text(&self.phone),
                active: ticked(&self.active),
            }),
            _ => Err(DomainError::Invalid { errors: Vec::new() }),
        }
    }
}

/// A catalogue entry, new (no `id`) or changed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgrammeDraft {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub version: String,
    pub code: String,
    pub name: String,
    /// [`ProgrammeKind`] code.
    pub kind: String,
    /// [`Sector`] code.
    pub sector: String,
    /// Institution kind codes, comma-separated.
    #[serde(default)]
    pub institution_kinds: String,
    /// The area it is offered in (empty: the whole nation).
    #[serde(default)]
    pub area_code: String,
    /// The institution that delivers it, if one.
    #[serde(default)]
    pub institution_id: String,
    /// The "active" checkbox.
    #[serde(default)]
    pub active: String,
}

impl ProgrammeDraft {
    /// The entry to save, or every error named after its field.
    pub fn to_request(&self) -> Result<SaveProgramme, DomainError> {
        let mut errors = FieldErrors::new();
        let id = errors.check("id", optional_number("id", &self.id));
        let version = errors.check("version", optional_number("version", &self.version));
        let kind = errors.check("kind", parse_code::<ProgrammeKind>("kind", &self.kind));
        let sector = errors.check("sector", parse_code::<Sector>("sector", &self.sector));
        let area = errors.check("area_code", AreaScope::from_stored(self.area_code.trim()));
        let institution_id = errors.check(
            "institution_id",
            optional_number("institution_id", &self.institution_id),
        );
        let kinds: Vec<Option<InstitutionKind>> = self
            .institution_kinds
            .split(',')
            .map(str::trim)
            .filter(|code| !code.is_empty())
            .map(|code| errors.check("institution_kinds", parse_code("institution_kinds", code)))
            .collect();
        errors.finish()?;
        let institution_kinds = kinds.into_iter().flatten().collect();
        match (id, version, kind, sector, area, institution_id) {
            (
                Some(id),
                Some(version),
                Some(kind),
                Some(sector),
                Some(area),
                Some(institution_id),
            ) => Ok(SaveProgramme {
                id,
                version,
                entry: CatalogueEntry {
                    code: self.code.trim().to_owned(),
                    name: self.name.clone(),
                    kind,
                    sector,
                    institution_kinds,
                    area,
                    active: ticked(&self.active),
                },
                institution_id,
            }),
            _ => Err(DomainError::Invalid { errors: Vec::new() }),
        }
    }
}

/// The level of the comparison page from its address (`?tingkat=provinsi`; anything else: districts).
pub fn compare_level(query: &str) -> crate::dashboard::CompareLevel {
    if query == "provinsi" {
        crate::dashboard::CompareLevel::Province
    } else {
        crate::dashboard::CompareLevel::District
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_of(result: Result<impl std::fmt::Debug, DomainError>) -> Vec<String> {
        match result {
            Err(DomainError::Invalid { errors }) => errors.into_iter().map(|e| e.field).collect(),
            other => panic!("expected field errors, got {other:?}"),
        }
    }

    #[test]
    fn a_pecah_kk_s_new_card_is_a_real_no_kk_and_a_member() {
        let draft = |no_kk: &str, head: &str| ProposalActionDraft {
            proposal_id: "4".into(),
            version: "2".into(),
            action: "enact".into(),
            note: String::new(),
            new_no_kk: no_kk.into(),
            new_head: head.into(),
        };
        let card = draft("3209011507260066", "12")
            .to_request()
            .map(|r| r.new_card);
        assert!(
            matches!(&card, Ok(Some(c)) if c.head_id == 12 && c.no_kk.as_str() == "3209011507260066"),
            "{card:?}"
        );
        assert!(matches!(draft("", "").to_request(), Ok(r) if r.new_card.is_none()));
        for (no_kk, head, field) in [
            ("3209", "12", "new_no_kk"),
            ("3209011507260066", "", "new_head"),
            ("", "12", "new_no_kk"),
        ] {
            match draft(no_kk, head).to_request() {
                Err(DomainError::Invalid { errors }) => {
                    assert!(errors.iter().any(|e| e.field == field), "{errors:?}");
                }
                other => panic!("expected field errors, got {other:?}"),
            }
        }
    }

    #[test]
    fn a_proposal_step_needs_a_reason_only_when_it_refuses() {
        let mut draft = ProposalActionDraft {
            proposal_id: "4".into(),
            version: "2".into(),
            action: "approve_in_village_meeting".into(),
            note: String::new(),
            new_no_kk: String::new(),
            new_head: String::new(),
        };
        let request = draft.to_request();
        assert!(
            matches!(request, Ok(ref r) if r.proposal_id == 4 && r.version == 2 && r.action == ProposalAction::ApproveInVillageMeeting && r.note.is_empty()),
            "{request:?}"
        );
        draft.action = "reject".into();
        assert_eq!(field_of(draft.to_request()), ["note"]);
        draft.note = "  Sudah pindah ke Kuningan ".into();
        assert!(matches!(draft.to_request(), Ok(ref r) if r.note == "Sudah pindah ke Kuningan"));
        draft.action = "approve".into();
        draft.version = "v2".into();
        assert_eq!(field_of(draft.to_request()), ["version", "action"]);
    }

    #[test]
    fn a_case_action_reads_its_kind_and_the_reason_for_closing() {
        let mut draft = CaseActionDraft {
            case_id: "12".into(),
            version: "3".into(),
            action: "close".into(),
            reason: "duplicate".into(),
            note: "Sudah tercatat".into(),
        };
        let request = draft.to_request();
        assert!(
            matches!(request, Ok(ref r) if r.case_id == 12 && r.version == 3 && matches!(r.action, CaseAction::Close(CloseReason::Duplicate))),
            "{request:?}"
        );
        draft.reason = "bored".into();
        assert_eq!(field_of(draft.to_request()), ["reason"]);
        draft.action = "fly".into();
        draft.case_id = "12abc".into();
        assert_eq!(field_of(draft.to_request()), ["case_id", "action"]);
    }

    #[test]
    fn a_referral_needs_its_choices_and_the_consent_of_someone_named() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 6).unwrap_or_default();
        let mut draft = ReferralDraft {
            idempotency_key: "k".into(),
            case_id: "5".into(),
            ..ReferralDraft::default()
        };
        assert_eq!(
            field_of(draft.to_request(today)),
            [
                "programme_id",
                "institution_id",
                "consent_given_by",
                "consent"
            ]
        );
        draft.programme_id = "2".into();
        draft.institution_id = "9".into();
        draft.consent_given_by = "x".repeat(CONSENT_GIVEN_BY_MAX + 1);
        draft.consent = "1".into();
        assert_eq!(field_of(draft.to_request(today)), ["consent_given_by"]);
        draft.consent_given_by = "  Sumiati ".into();
        let request = draft.to_request(today).map_err(|e| e.message_en());
        let consent = request.as_ref().ok().and_then(|r| r.consent.clone());
        assert_eq!(
            consent,
            Some(ConsentGiven {
                given_by: "Sumiati".into(),
                given_on: today,
                institution_id: 9,
                programme_id: 2,
                resident_informed: true,
            })
        );
    }

    #[test]
    fn administration_forms_name_the_field_that_is_wrong() {
        let user = NewUserDraft {
            username: "fo.baru".into(),
            full_name: "Petugas Baru".into(),
            password: "rahasia-panjang-1".into(),
            assignment: AssignmentDraft {
                role: "front_office".into(),
                area_code: " 32.09.01.2008 ".into(),
                ..AssignmentDraft::default()
            },
        };
        let request = user.to_request().map_err(|e| e.message_en());
        assert_eq!(
            request.as_ref().map(|r| r.assignment.area_code.as_str()),
            Ok("32.09.01.2008")
        );
        let wrong = AssignmentDraft {
            user_id: "7".into(),
            role: "king".into(),
            institution_id: "x".into(),
            ..AssignmentDraft::default()
        };
        assert_eq!(field_of(wrong.to_request()), ["role", "institution_id"]);

        let institution = InstitutionDraft {
            name: "RSUD Waled".into(),
            kind: "hospital".into(),
            active: "on".into(),
            ..InstitutionDraft::default()
        };
        let saved = institution.to_request().map_err(|e| e.message_en());
        assert!(
            matches!(saved, Ok(ref s) if s.active && s.id.is_none() && s.address.is_none()),
            "{saved:?}"
        );

        let programme = ProgrammeDraft {
            code: " PBI ".into(),
            name: "PBI JK".into(),
            kind: "pbi_jk".into(),
            sector: "health".into(),
            institution_kinds: "hospital, nope".into(),
            ..ProgrammeDraft::default()
        };
        assert_eq!(field_of(programme.to_request()), ["institution_kinds"]);
    }

    #[test]
    fn the_new_password_must_be_typed_the_same_twice() {
        let draft = PasswordChangeDraft {
            current_password: "lama".into(),
            new_password: "baru-yang-panjang".into(),
            confirm_password: "baru-yang-panjanG".into(),
        };
        assert_eq!(field_of(draft.to_request()), ["confirm_password"]);
    }

    #[test]
    fn a_checkbox_is_ticked_when_sent() {
        assert!(ticked("on") && ticked("1") && ticked("true"));
        assert!(!ticked("") && !ticked("false"));
    }
}
