//! No code identifier ever reaches a user: every form's draft, sent empty and
//! filled with nonsense in every field, is refused with messages (Indonesian
//! and English, the whole refusal and each field's) that name fields as the
//! forms label them, never as `head_name`, `members.1.nik` or `house_tenure`.

use chrono::NaiveDate;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use shared::DomainError;
use shared::drafts::{
    AssignmentDraft, CaseActionDraft, InstitutionDraft, NewUserDraft, PasswordChangeDraft,
    ProgrammeDraft, ProposalActionDraft, ReferralAnswerDraft, ReferralDraft,
};
use shared::intake::{ComplaintDraft, MemberDraft, OpenCaseDraft, RegistrationDraft};
use shared::meeting::{DecisionDraft, MeetingDraft};
use shared::proposal_batch::{MatchDraft, MemberMatchDraft, RatifyDraft, SubmitDraft};
use shared::proposal_change::ProposalDraft;
use shared::visit::{MemberCheckDraft, VisitDraft};

/// What people type that a form refuses: nothing, words, signs, huge numbers.
const NONSENSE: [&str; 4] = ["x", "_", "-1", "99999999999999999999999"];

/// Every text field of `draft` (nested ones and lists of text included) set to `text`.
fn filled<T: Serialize + DeserializeOwned>(draft: &T, text: &str) -> T {
    fn fill(value: &mut Value, text: &str) {
        match value {
            Value::String(s) => *s = text.to_string(),
            Value::Array(items) if items.is_empty() => items.push(Value::String(text.into())),
            Value::Array(items) => items.iter_mut().for_each(|v| fill(v, text)),
            Value::Object(fields) => fields.values_mut().for_each(|v| fill(v, text)),
            _ => {}
        }
    }
    let mut value = serde_json::to_value(draft).unwrap_or(Value::Null);
    fill(&mut value, text);
    // A list of text that cannot hold text (a list of numbers) keeps the draft as it was.
    serde_json::from_value(value).unwrap_or_else(|_| {
        serde_json::from_value(serde_json::to_value(draft).unwrap_or(Value::Null))
            .unwrap_or_else(|_| unreachable!("a draft reads back what it wrote"))
    })
}

/// What a message must not contain: a word with `_`, or a field path
/// (`members.1`). What the person typed, echoed in quotes, is theirs.
fn identifiers(message: &str) -> Vec<String> {
    let unquoted: String = message
        .split('"')
        .enumerate()
        .filter(|(i, _)| i % 2 == 0)
        .map(|(_, part)| part)
        .collect::<Vec<_>>()
        .join("\"\"");
    unquoted
        .split(|c: char| c.is_whitespace() || matches!(c, '"' | '(' | ')' | ',' | ':' | ';'))
        .map(|word| word.trim_end_matches(['.', '!', '?']))
        .filter(|word| {
            word.contains('_')
                || word.split_once('.').is_some_and(|(a, b)| {
                    a.chars().all(|c| c.is_ascii_lowercase()) && !a.is_empty() && !b.is_empty()
                })
        })
        .map(str::to_string)
        .collect()
}

/// Every message a refusal shows, whole and per field.
fn messages(error: &DomainError) -> Vec<String> {
    let mut out = vec![error.message_id(), error.message_en()];
    if let DomainError::Invalid { errors } = error {
        for field in errors {
            out.push(field.error.message_id());
            out.push(field.error.message_en());
        }
    }
    out
}

struct Walk {
    refusals: usize,
    found: Vec<String>,
}

impl Walk {
    fn check<T>(&mut self, form: &str, result: Result<T, DomainError>) {
        if let Err(error) = result {
            self.refusals += 1;
            if let DomainError::Invalid { errors } = &error {
                for field in errors {
                    if !shared::error::field_is_named(&field.field) && !field.field.is_empty() {
                        self.found.push(format!(
                            "{form}: the field `{}` has no name for people",
                            field.field
                        ));
                    }
                }
            }
            for message in messages(&error) {
                let bad = identifiers(&message);
                if !bad.is_empty() {
                    self.found.push(format!("{form}: {bad:?} in \"{message}\""));
                }
            }
        }
    }

    /// The draft as it comes (empty) and filled with each kind of nonsense.
    fn each<T: Serialize + DeserializeOwned>(
        &mut self,
        form: &str,
        draft: T,
        to_request: impl Fn(&T) -> Result<(), DomainError>,
    ) {
        self.check(form, to_request(&draft));
        for text in NONSENSE {
            self.check(form, to_request(&filled(&draft, text)));
        }
    }
}

#[test]
fn no_refusal_names_a_field_by_its_code() {
    let today = NaiveDate::from_ymd_opt(2026, 12, 6).unwrap_or_default();
    let mut walk = Walk {
        refusals: 0,
        found: Vec::new(),
    };
    let registration = RegistrationDraft {
        members: vec![MemberDraft::default(), MemberDraft::default()],
        ..RegistrationDraft::default()
    };
    walk.each("registration", registration, |d| {
        d.to_request(today).map(drop)
    });
    let case = OpenCaseDraft {
        complaints: vec![ComplaintDraft::default()],
        ..OpenCaseDraft::default()
    };
    walk.each("open case", case, |d| d.to_request(today).map(drop));
    walk.each("case action", CaseActionDraft::default(), |d| {
        d.to_request().map(drop)
    });
    walk.each("referral", ReferralDraft::default(), |d| {
        d.to_request(today).map(drop)
    });
    walk.each("referral answer", ReferralAnswerDraft::default(), |d| {
        d.to_request().map(drop)
    });
    walk.each("proposal step", ProposalActionDraft::default(), |d| {
        d.to_request().map(drop)
    });
    walk.each("proposal", ProposalDraft::default(), |d| {
        d.to_request().map(drop)
    });
    walk.each("password", PasswordChangeDraft::default(), |d| {
        d.to_request().map(drop)
    });
    walk.each("assignment", AssignmentDraft::default(), |d| {
        d.to_request().map(drop)
    });
    walk.each("new user", NewUserDraft::default(), |d| {
        d.to_request().map(drop)
    });
    walk.each("institution", InstitutionDraft::default(), |d| {
        d.to_request().map(drop)
    });
    walk.each("programme", ProgrammeDraft::default(), |d| {
        d.to_request().map(drop)
    });
    walk.each("meeting", MeetingDraft::default(), |d| {
        d.checked().map(drop)
    });
    walk.each("meeting decision", DecisionDraft::default(), |d| {
        d.checked().map(drop)
    });
    let visit = VisitDraft {
        members: vec![MemberCheckDraft::default()],
        ..VisitDraft::default()
    };
    walk.each("home visit", visit, |d| d.checked(today).map(drop));
    let matched = MatchDraft {
        members: vec![MemberMatchDraft::default()],
        ..MatchDraft::default()
    };
    walk.each("civil-registry match", matched, |d| {
        d.to_request().map(drop)
    });
    walk.each("batch approval", RatifyDraft::default(), |d| {
        d.to_request().map(drop)
    });
    walk.each("batch sending", SubmitDraft::default(), |d| {
        d.to_request().map(drop)
    });
    assert!(
        walk.refusals >= 40,
        "the forms refused nonsense: {}",
        walk.refusals
    );
    assert!(walk.found.is_empty(), "{}", walk.found.join("\n"));
}

#[test]
fn the_detector_sees_identifiers() {
    assert_eq!(identifiers("Isian head_name wajib diisi."), ["head_name"]);
    assert_eq!(identifiers("NIK (members.1.nik) salah"), ["members.1.nik"]);
    assert!(identifiers("Nama kepala keluarga wajib diisi.").is_empty());
    assert!(identifiers("Pilihan \"abc\" untuk lembaga tidak dikenal. Coba lagi.").is_empty());
    assert!(
        identifiers("Pilihan \"a_b\" untuk lembaga tidak dikenal.").is_empty(),
        "typed by the person"
    );
}
