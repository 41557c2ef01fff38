//! Editing a household's file: its own fields and each member's, with the
//! same drafts and checks as registration. Each form carries the version the
//! user opened; when someone else saved in between, the server refuses
//! (409) and the page shows, field by field, what is saved now beside what
//! the user typed ([`HouseholdEditDraft::differences`]).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::dto::{HouseholdFile, MemberFile, MemberSpecifics, UpdateHousehold, UpdateMember};
use crate::error::DomainError;
use crate::intake::{HouseholdDraft, HouseholdFacts, MemberDraft};

/// The household edit form: its fields as typed, on the version opened.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HouseholdEditDraft {
    pub household_id: i64,
    pub version: i32,
    pub household: HouseholdDraft,
}

/// One field saved meanwhile by someone else, beside what the user typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Difference {
    /// The field's name in the form.
    pub field: &'static str,
    /// Saved now (as the form would show it: a code, or text).
    pub saved: String,
    /// As the user typed it.
    pub typed: String,
}

fn differences(pairs: &[(&'static str, String, String)]) -> Vec<Difference> {
    pairs
        .iter()
        .filter(|(_, saved, typed)| saved.trim() != typed.trim())
        .map(|(field, saved, typed)| Difference {
            field,
            saved: saved.clone(),
            typed: typed.clone(),
        })
        .collect()
}

impl HouseholdEditDraft {
    /// The form filled from the household `file` as it is.
    pub fn of(file: &HouseholdFile) -> HouseholdEditDraft {
        let household = HouseholdDraft::filled(
            HouseholdFacts {
                head_name: &file.head_name,
                address: &file.address,
                housing: &file.housing,
                income_band: file.income_band,
                assets: &file.assets,
                programmes: &file.programmes,
                has_house_photo: file.has_house_photo,
            },
            file.no_kk_masked.clone(),
        );
        HouseholdEditDraft {
            household_id: file.id,
            version: file.version,
            // Placeholders are not offered as answers.
            household: if file.awaiting_survey {
                household.without_survey()
            } else {
                household
            },
        }
    }

    /// The change to send, or every error named after its field.
    pub fn to_request(&self) -> Result<UpdateHousehold, DomainError> {
        self.household.to_update(self.household_id, self.version)
    }

    /// The fields `now` (saved by someone else since this form was opened)
    /// holds otherwise than typed here.
    pub fn differences(&self, now: &HouseholdFile) -> Vec<Difference> {
        let saved = HouseholdEditDraft::of(now).household;
        let typed = &self.household;
        let list = |codes: &[String]| codes.join(", ");
        differences(&[
            (
                "head_name",
                saved.head_name.clone(),
                typed.head_name.clone(),
            ),
            ("dusun", saved.dusun.clone(), typed.dusun.clone()),
            ("rw", saved.rw.clone(), typed.rw.clone()),
            ("rt", saved.rt.clone(), typed.rt.clone()),
            ("street", saved.street.clone(), typed.street.clone()),
            (
                "house_tenure",
                saved.house_tenure.clone(),
                typed.house_tenure.clone(),
            ),
            (
                "land_tenure",
                saved.land_tenure.clone(),
                typed.land_tenure.clone(),
            ),
            (
                "floor_area_m2",
                saved.floor_area_m2.clone(),
                typed.floor_area_m2.clone(),
            ),
            ("floor", saved.floor.clone(), typed.floor.clone()),
            ("wall", saved.wall.clone(), typed.wall.clone()),
            ("roof", saved.roof.clone(), typed.roof.clone()),
            (
                "drinking_water",
                saved.drinking_water.clone(),
                typed.drinking_water.clone(),
            ),
            ("lighting", saved.lighting.clone(), typed.lighting.clone()),
            (
                "cooking_fuel",
                saved.cooking_fuel.clone(),
                typed.cooking_fuel.clone(),
            ),
            ("toilet", saved.toilet.clone(), typed.toilet.clone()),
            (
                "income_band",
                saved.income_band.clone(),
                typed.income_band.clone(),
            ),
            ("assets", list(&saved.assets), list(&typed.assets)),
            (
                "programmes",
                list(&saved.programmes),
                list(&typed.programmes),
            ),
        ])
    }
}

/// A member's edit form: the fields as typed, on the version opened. The NIK
/// is shown masked and left empty: typed, it replaces the stored one; empty,
/// the stored one stays.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberEditDraft {
    pub member_id: i64,
    pub version: i32,
    /// The member had a NIK when the form was opened (an empty NIK keeps it).
    pub has_nik: bool,
    /// The member headed the family when the form was opened (a head is
    /// changed by a life event, not by editing a relationship).
    pub was_head: bool,
    /// The specific personal data was given to this form (the roles that
    /// work with it); otherwise the stored data stays, whatever is sent.
    pub with_specifics: bool,
    pub member: MemberDraft,
}

impl MemberEditDraft {
    /// The form filled from `member` as it is (with its specific data, for
    /// the roles given it).
    pub fn of(member: &MemberFile, specifics: Option<&MemberSpecifics>) -> MemberEditDraft {
        let mut draft = MemberDraft::from(&member.member);
        if member.awaiting_survey {
            draft = draft.without_survey();
        }
        draft.nik = String::new();
        draft.no_documents = member.nik_masked.is_none();
        if let Some(specifics) = specifics {
            draft.disabilities = crate::intake::codes_of(&specifics.disabilities);
            draft.chronic_illnesses = crate::intake::codes_of(&specifics.chronic_illnesses);
            draft.pregnant = specifics.pregnant;
            draft.ppks = crate::intake::codes_of(&specifics.ppks);
        }
        MemberEditDraft {
            member_id: member.id,
            version: member.version,
            has_nik: member.nik_masked.is_some(),
            was_head: member.member.relationship == crate::member::Relationship::Head,
            with_specifics: specifics.is_some(),
            member: draft,
        }
    }

    /// Whether the stored NIK stays (the member has one and none was typed).
    pub fn keeps_nik(&self) -> bool {
        self.has_nik && !self.member.no_documents && self.member.nik.trim().is_empty()
    }

    /// The change to send on `today`, or every error named after its field.
    /// A kept NIK travels as none (the server checks sex and birth date
    /// against the stored one).
    pub fn to_request(&self, today: NaiveDate) -> Result<UpdateMember, DomainError> {
        let member = if self.keeps_nik() {
            // Checked as a member without documents, then sent without a NIK
            // and with the match flag as ticked.
            let mut checked = self.member.clone();
            checked.no_documents = true;
            checked.civil_registry_matched = false;
            let mut member = checked.to_member(today, "")?;
            member.civil_registry_matched = self.member.civil_registry_matched;
            member.registry_status = crate::member::MemberRegistryStatus::Unconfirmed;
            member
        } else {
            self.member.to_member(today, "")?
        };
        if self.was_head != (member.relationship == crate::member::Relationship::Head) {
            return Err(DomainError::Invalid {
                errors: vec![crate::error::FieldError {
                    field: "relationship".into(),
                    error: DomainError::ProposalChange {
                        problem: crate::proposal_change::ChangeProblem::HeadThroughEvent,
                    },
                }],
            });
        }
        Ok(UpdateMember {
            member_id: self.member_id,
            version: self.version,
            member,
            with_specifics: self.with_specifics,
        })
    }

    /// The fields `now` holds otherwise than typed here (the NIK aside).
    pub fn differences(&self, now: &MemberFile) -> Vec<Difference> {
        let saved = MemberEditDraft::of(now, None).member;
        let typed = &self.member;
        differences(&[
            ("name", saved.name.clone(), typed.name.clone()),
            ("sex", saved.sex.clone(), typed.sex.clone()),
            (
                "birth_place",
                saved.birth_place.clone(),
                typed.birth_place.clone(),
            ),
            (
                "birth_date",
                saved.birth_date.clone(),
                typed.birth_date.clone(),
            ),
            (
                "relationship",
                saved.relationship.clone(),
                typed.relationship.clone(),
            ),
            (
                "marital_status",
                saved.marital_status.clone(),
                typed.marital_status.clone(),
            ),
            (
                "education",
                saved.education.clone(),
                typed.education.clone(),
            ),
            (
                "occupation",
                saved.occupation.clone(),
                typed.occupation.clone(),
            ),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_household_form_reads_back_what_it_was_filled_with() -> Result<(), DomainError> {
        let file = crate::proposal_change::tests::file(false)?;
        let draft = HouseholdEditDraft::of(&file);
        let request = draft.to_request()?;
        assert_eq!(request.id, file.id);
        assert_eq!(request.version, file.version);
        assert_eq!(request.address, file.address);
        assert_eq!(request.housing, file.housing);
        assert!(draft.differences(&file).is_empty());
        let mut typed = draft.clone();
        typed.household.rt = "9".into();
        typed.household.floor_area_m2 = "0".into();
        let Err(DomainError::Invalid { errors }) = typed.to_request() else {
            panic!("a floor of 0 m² is refused");
        };
        assert!(
            errors.iter().any(|e| e.field == "floor_area_m2"),
            "{errors:?}"
        );
        let lines = typed.differences(&file);
        assert_eq!(
            lines.iter().map(|d| d.field).collect::<Vec<_>>(),
            ["rt", "floor_area_m2"]
        );
        Ok(())
    }

    #[test]
    fn a_member_form_keeps_the_stored_nik_unless_one_is_typed() -> Result<(), DomainError> {
        let file = crate::proposal_change::tests::file(false)?;
        let member = &file.members[0];
        let mut with_nik = member.clone();
        with_nik.nik_masked = Some("3209************".into());
        let draft = MemberEditDraft::of(&with_nik, None);
        assert!(draft.keeps_nik());
        let today = NaiveDate::from_ymd_opt(2026, 12, 6).unwrap_or_default();
        let request = draft.to_request(today)?;
        assert_eq!(request.member.nik, None);
        assert_eq!(request.member.name, member.member.name);
        let mut typed = draft.clone();
        typed.member.nik = "12".into();
        let Err(DomainError::Invalid { errors }) = typed.to_request(today) else {
            panic!("a short NIK is refused");
        };
        assert_eq!(errors[0].field, "nik");
        Ok(())
    }
}
