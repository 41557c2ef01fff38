//! Front-desk drafts read back from a plain HTML form post (before the page's
//! script has loaded, or without JavaScript). The names are the ones the pages
//! give their inputs, which are also the names errors are reported under
//! (`no_kk`, `members.1.nik`, `complaints.0.description`), so a form re-rendered
//! by the server shows each error beside its field.
//!
//! A form post is hostile input like any other: unknown names are ignored,
//! list indexes beyond what a form can hold are dropped (no allocation follows a
//! typed index), and every value is checked afterwards by the draft's
//! `to_request`, exactly as for the browser's JSON.

use crate::dto::IdentityQuery;
use crate::error::{DomainError, FieldError};
use crate::identity::{Nik, NoKk};
use crate::intake::{
    ComplaintDraft, HouseholdDraft, MemberDraft, OpenCaseDraft, RegistrationDraft, id_digits,
};
use crate::member::Relationship;

/// The most member rows a registration form post may carry (a family card has far fewer).
pub const MEMBER_ROWS_MAX: usize = 40;

/// The most complaint rows an open-case form post may carry.
pub const COMPLAINT_ROWS_MAX: usize = 20;

/// The longest value kept from one posted field; longer text is cut (the checks
/// of `to_request` then name the field if it is still too long).
pub const POSTED_VALUE_MAX: usize = 4_000;

/// Where one posted value goes in a draft.
enum Slot<'a> {
    Text(&'a mut String),
    Codes(&'a mut Vec<String>),
    Flag(&'a mut bool),
}

impl Slot<'_> {
    fn take(self, value: &str) {
        let value: String = value.chars().take(POSTED_VALUE_MAX).collect();
        match self {
            Slot::Text(text) => *text = value,
            Slot::Codes(codes) => {
                if !value.is_empty() && !codes.contains(&value) && codes.len() < 64 {
                    codes.push(value);
                }
            }
            // A checkbox posts its name only when it is ticked.
            Slot::Flag(flag) => *flag = true,
        }
    }
}

/// `members.3.nik` → (3, "nik") for `prefix` = "members.".
fn indexed<'a>(name: &'a str, prefix: &str) -> Option<(usize, &'a str)> {
    let rest = name.strip_prefix(prefix)?;
    let (index, field) = rest.split_once('.')?;
    Some((index.parse().ok()?, field))
}

/// The row `index` of `rows`, added (empty) when the post names it first; `None`
/// beyond `max`.
fn row<T: Default>(rows: &mut Vec<T>, index: usize, max: usize) -> Option<&mut T> {
    if index >= max {
        return None;
    }
    if rows.len() <= index {
        rows.resize_with(index + 1, T::default);
    }
    rows.get_mut(index)
}

impl HouseholdDraft {
    fn slot(&mut self, name: &str) -> Option<Slot<'_>> {
        let text = match name {
            "no_kk" => &mut self.no_kk,
            "head_name" => &mut self.head_name,
            "village" => &mut self.village,
            "dusun" => &mut self.dusun,
            "rw" => &mut self.rw,
            "rt" => &mut self.rt,
            "street" => &mut self.street,
            "house_tenure" => &mut self.house_tenure,
            "land_tenure" => &mut self.land_tenure,
            "floor_area_m2" => &mut self.floor_area_m2,
            "floor" => &mut self.floor,
            "wall" => &mut self.wall,
            "roof" => &mut self.roof,
            "drinking_water" => &mut self.drinking_water,
            "lighting" => &mut self.lighting,
            "cooking_fuel" => &mut self.cooking_fuel,
            "toilet" => &mut self.toilet,
            "income_band" => &mut self.income_band,
            "assets" => return Some(Slot::Codes(&mut self.assets)),
            "programmes" => return Some(Slot::Codes(&mut self.programmes)),
            "has_house_photo" => return Some(Slot::Flag(&mut self.has_house_photo)),
            _ => return None,
        };
        Some(Slot::Text(text))
    }
}

impl MemberDraft {
    fn slot(&mut self, name: &str) -> Option<Slot<'_>> {
        let text = match name {
            "nik" => &mut self.nik,
            "name" => &mut self.name,
            "sex" => &mut self.sex,
            "birth_place" => &mut self.birth_place,
            "birth_date" => &mut self.birth_date,
            "relationship" => &mut self.relationship,
            "marital_status" => &mut self.marital_status,
            "education" => &mut self.education,
            "occupation" => &mut self.occupation,
            "disabilities" => return Some(Slot::Codes(&mut self.disabilities)),
            "chronic_illnesses" => return Some(Slot::Codes(&mut self.chronic_illnesses)),
            "ppks" => return Some(Slot::Codes(&mut self.ppks)),
            "no_documents" => return Some(Slot::Flag(&mut self.no_documents)),
            "pregnant" => return Some(Slot::Flag(&mut self.pregnant)),
            "civil_registry_matched" => return Some(Slot::Flag(&mut self.civil_registry_matched)),
            _ => return None,
        };
        Some(Slot::Text(text))
    }
}

impl ComplaintDraft {
    fn slot(&mut self, name: &str) -> Option<Slot<'_>> {
        let text = match name {
            "complaint_type" => &mut self.complaint_type,
            "sector" => &mut self.sector,
            "description" => &mut self.description,
            "urgency" => &mut self.urgency,
            "received_on" => &mut self.received_on,
            "evidence" => return Some(Slot::Codes(&mut self.evidence)),
            _ => return None,
        };
        Some(Slot::Text(text))
    }
}

impl RegistrationDraft {
    /// The registration form as posted: `pairs` are the form's (name, value) pairs
    /// in order. Sex and birth date left empty are filled from a NIK that reads
    /// right, as the page does while the officer types.
    pub fn from_form(pairs: &[(String, String)], today: chrono::NaiveDate) -> RegistrationDraft {
        let mut draft = RegistrationDraft {
            members: Vec::new(),
            ..RegistrationDraft::default()
        };
        for (name, value) in pairs {
            let slot = if name == "idempotency_key" {
                Some(Slot::Text(&mut draft.idempotency_key))
            } else if name == "confirmed_new" {
                draft.confirmed_new = value == "1";
                None
            } else if let Some((index, field)) = indexed(name, "members.") {
                row(&mut draft.members, index, MEMBER_ROWS_MAX).and_then(|m| m.slot(field))
            } else {
                draft.household.slot(name)
            };
            if let Some(slot) = slot {
                slot.take(value);
            }
        }
        for member in &mut draft.members {
            member.fill_from_nik(today);
        }
        if draft.members.is_empty() {
            // A form always has the head's row to type into.
            draft.remove_member(0);
        }
        draft
    }

    /// A new registration for the number the front desk just looked up: the No KK,
    /// or the head's NIK (with the sex and birth date it encodes).
    pub fn for_number(
        idempotency_key: String,
        village: &str,
        kind: &str,
        typed: &str,
        today: chrono::NaiveDate,
    ) -> RegistrationDraft {
        let mut draft = RegistrationDraft::new(idempotency_key, village);
        if kind == "no_kk" {
            draft.household.no_kk = typed.chars().take(POSTED_VALUE_MAX).collect();
        } else if let Some(head) = draft.members.first_mut() {
            head.nik = typed.chars().take(POSTED_VALUE_MAX).collect();
            head.fill_from_nik(today);
        }
        draft
    }

    /// Adds an empty member row (up to [`MEMBER_ROWS_MAX`]).
    pub fn add_member(&mut self) {
        if self.members.len() < MEMBER_ROWS_MAX {
            self.members.push(MemberDraft::default());
        }
    }

    /// Removes member row `index`; the head's row (the first) stays.
    pub fn remove_member(&mut self, index: usize) {
        if index > 0 && index < self.members.len() {
            self.members.remove(index);
        }
        if self.members.is_empty() {
            self.members.push(MemberDraft {
                relationship: Relationship::Head.code().to_owned(),
                ..MemberDraft::default()
            });
        }
    }
}

impl crate::editing::HouseholdEditDraft {
    /// Household `household_id`'s edit form as posted.
    pub fn from_form(
        pairs: &[(String, String)],
        household_id: i64,
    ) -> crate::editing::HouseholdEditDraft {
        let mut draft = crate::editing::HouseholdEditDraft {
            household_id,
            ..Default::default()
        };
        let mut version = String::new();
        for (name, value) in pairs {
            let slot = match name.as_str() {
                "version" => Some(Slot::Text(&mut version)),
                other => draft.household.slot(other),
            };
            if let Some(slot) = slot {
                slot.take(value);
            }
        }
        draft.version = version.trim().parse().unwrap_or(-1);
        draft
    }
}

impl crate::editing::MemberEditDraft {
    /// Member `member_id`'s edit form as posted.
    pub fn from_form(
        pairs: &[(String, String)],
        member_id: i64,
    ) -> crate::editing::MemberEditDraft {
        let mut draft = crate::editing::MemberEditDraft {
            member_id,
            ..Default::default()
        };
        let mut version = String::new();
        // Hidden fields the page wrote: `true` or `false`.
        let (mut has_nik, mut was_head, mut with_specifics) =
            (String::new(), String::new(), String::new());
        for (name, value) in pairs {
            let slot = match name.as_str() {
                "version" => Some(Slot::Text(&mut version)),
                "has_nik" => Some(Slot::Text(&mut has_nik)),
                "was_head" => Some(Slot::Text(&mut was_head)),
                "with_specifics" => Some(Slot::Text(&mut with_specifics)),
                other => draft.member.slot(other),
            };
            if let Some(slot) = slot {
                slot.take(value);
            }
        }
        draft.version = version.trim().parse().unwrap_or(-1);
        draft.has_nik = has_nik == "true";
        draft.was_head = was_head == "true";
        draft.with_specifics = with_specifics == "true";
        draft
    }
}

impl crate::life_event::LifeEventDraft {
    /// The life-event form of household `household_id` as posted (the new
    /// member's fields as `member.name`, the members of a pecah KK as one
    /// `member_ids` per ticked box).
    pub fn from_form(
        pairs: &[(String, String)],
        household_id: i64,
    ) -> crate::life_event::LifeEventDraft {
        let mut draft = crate::life_event::LifeEventDraft {
            household_id: household_id.to_string(),
            ..Default::default()
        };
        for (name, value) in pairs {
            let slot = match name.as_str() {
                "idempotency_key" => Some(Slot::Text(&mut draft.idempotency_key)),
                "version" => Some(Slot::Text(&mut draft.version)),
                "kind" => Some(Slot::Text(&mut draft.kind)),
                "occurred_on" => Some(Slot::Text(&mut draft.occurred_on)),
                "document" => Some(Slot::Text(&mut draft.document)),
                "note" => Some(Slot::Text(&mut draft.note)),
                "member_id" => Some(Slot::Text(&mut draft.member_id)),
                "new_head" => Some(Slot::Text(&mut draft.new_head)),
                "former_head_relationship" => Some(Slot::Text(&mut draft.former_head_relationship)),
                "member_ids" => Some(Slot::Codes(&mut draft.member_ids)),
                "new_no_kk" => Some(Slot::Text(&mut draft.new_no_kk)),
                "village" => Some(Slot::Text(&mut draft.village)),
                "dusun" => Some(Slot::Text(&mut draft.dusun)),
                "rw" => Some(Slot::Text(&mut draft.rw)),
                "rt" => Some(Slot::Text(&mut draft.rt)),
                "street" => Some(Slot::Text(&mut draft.street)),
                other => other
                    .strip_prefix("member.")
                    .and_then(|field| draft.member.slot(field)),
            };
            if let Some(slot) = slot {
                slot.take(value);
            }
        }
        draft
    }
}

impl crate::proposal_change::ProposalDraft {
    /// The proposal form of household `household_id` as posted (the members
    /// moving to a new card come as one `member_ids` per ticked box).
    pub fn from_form(
        pairs: &[(String, String)],
        household_id: i64,
    ) -> crate::proposal_change::ProposalDraft {
        let mut draft = crate::proposal_change::ProposalDraft {
            household_id: household_id.to_string(),
            ..Default::default()
        };
        for (name, value) in pairs {
            let slot = match name.as_str() {
                "idempotency_key" => Slot::Text(&mut draft.idempotency_key),
                "change_type" => Slot::Text(&mut draft.change_type),
                "member_id" => Slot::Text(&mut draft.member_id),
                "member_ids" => Slot::Codes(&mut draft.member_ids),
                "reason" => Slot::Text(&mut draft.reason),
                "on" => Slot::Text(&mut draft.on),
                "name" => Slot::Text(&mut draft.name),
                "sex" => Slot::Text(&mut draft.sex),
                "birth_date" => Slot::Text(&mut draft.birth_date),
                "relationship" => Slot::Text(&mut draft.relationship),
                "field" => Slot::Text(&mut draft.field),
                "proposed" => Slot::Text(&mut draft.proposed),
                "source" => Slot::Text(&mut draft.source),
                "note" => Slot::Text(&mut draft.note),
                _ => continue,
            };
            slot.take(value);
        }
        draft
    }
}

impl OpenCaseDraft {
    /// The open-case form of household `household_id` as posted.
    pub fn from_form(pairs: &[(String, String)], household_id: i64) -> OpenCaseDraft {
        let mut draft = OpenCaseDraft {
            household_id,
            ..OpenCaseDraft::default()
        };
        for (name, value) in pairs {
            let slot = match name.as_str() {
                "idempotency_key" => Some(Slot::Text(&mut draft.idempotency_key)),
                "channel" => Some(Slot::Text(&mut draft.channel)),
                _ => indexed(name, "complaints.").and_then(|(index, field)| {
                    row(&mut draft.complaints, index, COMPLAINT_ROWS_MAX)
                        .and_then(|c| c.slot(field))
                }),
            };
            if let Some(slot) = slot {
                slot.take(value);
            }
        }
        if draft.complaints.is_empty() {
            draft.complaints.push(ComplaintDraft::default());
        }
        draft
    }

    /// Adds an empty complaint row (up to [`COMPLAINT_ROWS_MAX`]).
    pub fn add_complaint(&mut self) {
        if self.complaints.len() < COMPLAINT_ROWS_MAX {
            self.complaints.push(ComplaintDraft::default());
        }
    }
}

/// The front desk's lookup as typed: which number (`nik` or `no_kk`) and the number.
pub fn lookup_query(kind: &str, number: &str) -> Result<IdentityQuery, DomainError> {
    let digits = id_digits(number);
    let field = |error| DomainError::Invalid {
        errors: vec![FieldError {
            field: "number".into(),
            error,
        }],
    };
    match kind {
        "nik" => Ok(IdentityQuery::Nik(Nik::parse(&digits).map_err(field)?)),
        "no_kk" => Ok(IdentityQuery::NoKk(NoKk::parse(&digits).map_err(field)?)),
        other => Err(DomainError::UnknownCode {
            field: "kind".into(),
            code: other.chars().take(40).collect(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect()
    }

    fn today() -> chrono::NaiveDate {
        chrono::NaiveDate::from_ymd_opt(2026, 12, 6).unwrap_or_default()
    }

    #[test]
    fn a_registration_post_fills_the_draft_the_page_would_have_built() {
        let posted = pairs(&[
            ("idempotency_key", "k1"),
            ("no_kk", "3209010101010001"),
            ("head_name", "Sutrisno"),
            ("assets", "motorcycle"),
            ("assets", "tv"),
            ("has_house_photo", "on"),
            ("members.0.nik", "3209011204850001"),
            ("members.0.name", "Sutrisno"),
            ("members.1.name", "Sulastri"),
            ("members.1.pregnant", "on"),
            ("members.1.ppks", "elderly"),
            ("unknown", "ignored"),
        ]);
        let draft = RegistrationDraft::from_form(&posted, today());
        assert_eq!(draft.idempotency_key, "k1");
        assert_eq!(draft.household.no_kk, "3209010101010001");
        assert_eq!(draft.household.assets, vec!["motorcycle", "tv"]);
        assert!(draft.household.has_house_photo);
        assert_eq!(draft.members.len(), 2);
        // The NIK encodes the sex and birth date: filled as the page does.
        assert_eq!(draft.members[0].sex, "male");
        assert_eq!(draft.members[0].birth_date, "1985-04-12");
        assert!(draft.members[1].pregnant && !draft.members[0].pregnant);
        assert_eq!(draft.members[1].ppks, vec!["elderly"]);
    }

    #[test]
    fn hostile_indexes_and_lengths_allocate_nothing_beyond_a_form() {
        let long = "x".repeat(POSTED_VALUE_MAX * 3);
        let posted = pairs(&[
            ("members.999999999.name", "far"),
            ("members.18446744073709551616.name", "overflow"),
            ("members.-1.name", "negative"),
            ("members.3.name", &long),
            ("complaints.5000000.description", "far"),
        ]);
        let draft = RegistrationDraft::from_form(&posted, today());
        assert_eq!(draft.members.len(), 4);
        assert_eq!(draft.members[3].name.len(), POSTED_VALUE_MAX);
        let case = OpenCaseDraft::from_form(&posted, 7);
        assert_eq!(case.complaints.len(), 1, "one empty row to type into");
        assert_eq!(case.household_id, 7);
    }

    #[test]
    fn rows_are_added_and_removed_but_the_head_stays() {
        let mut draft = RegistrationDraft::for_number(
            "k".into(),
            "32.09.01.2001",
            "nik",
            "3209015204850002",
            today(),
        );
        assert_eq!(draft.members[0].sex, "female");
        assert_eq!(draft.members[0].relationship, "head");
        draft.add_member();
        draft.remove_member(0);
        assert_eq!(draft.members.len(), 2, "the head's row cannot be removed");
        draft.remove_member(1);
        assert_eq!(draft.members.len(), 1);
        let by_kk =
            RegistrationDraft::for_number("k".into(), "v", "no_kk", "3209010101010001", today());
        assert_eq!(by_kk.household.no_kk, "3209010101010001");
        assert!(by_kk.members[0].nik.is_empty());
    }

    #[test]
    fn a_lookup_names_the_field_that_is_wrong() {
        assert!(matches!(
            lookup_query("nik", "3209 0112 0485 0001"),
            Ok(IdentityQuery::Nik(_))
        ));
        assert!(matches!(
            lookup_query("no_kk", "3209010101010001"),
            Ok(IdentityQuery::NoKk(_))
        ));
        match lookup_query("nik", "12") {
            Err(DomainError::Invalid { errors }) => assert_eq!(errors[0].field, "number"),
            other => panic!("expected a field error, got {other:?}"),
        }
        assert!(matches!(
            lookup_query("passport", "1"),
            Err(DomainError::UnknownCode { .. })
        ));
    }
}
