//! The home visit (verivali) of flow B: the facilitator sees the family at
//! home, answers the housing and income questions (prefilled from the
//! household file) and confirms each member's status. A visit is kept as a
//! draft of what was typed (a weak signal in the middle of a visit loses
//! nothing that was saved), and once finished it records the verivali step of
//! the proposal.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::drafts::number;
use crate::error::{DomainError, FieldErrors};
use crate::household::{HousingCondition, IncomeBand};
use crate::intake::{HousingTexts, housing_answers, parse_code, parse_date};
use crate::member::MemberRegistryStatus;

/// Longest note of a visit.
pub const VISIT_NOTE_MAX: usize = 2_000;
/// Most members one visit confirms.
pub const VISIT_MEMBERS_MAX: usize = 40;
/// Longest text kept in any one field of a draft.
const DRAFT_FIELD_MAX: usize = 200;

crate::coded_enum! {
    /// Where a home visit stands.
    pub enum VisitState {
        /// Being filled in: saved as typed, changed at will.
        Draft = ("draft", "Draf", "Draft"),
        /// Finished: the proposal's verivali step is recorded.
        Done = ("done", "Selesai", "Done"),
    }
}

/// A member's status as confirmed at the visit.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberCheckDraft {
    pub member_id: String,
    /// [`MemberRegistryStatus`] code (empty: not answered yet).
    #[serde(default)]
    pub status: String,
}

/// The visit as typed on the form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitDraft {
    pub proposal_id: String,
    /// The visit's version as last seen (empty before its first save).
    #[serde(default)]
    pub version: String,
    #[serde(default)]
    pub visited_on: String,
    #[serde(default)]
    pub house_tenure: String,
    #[serde(default)]
    pub land_tenure: String,
    #[serde(default)]
    pub floor_area_m2: String,
    #[serde(default)]
    pub floor: String,
    #[serde(default)]
    pub wall: String,
    #[serde(default)]
    pub roof: String,
    #[serde(default)]
    pub drinking_water: String,
    #[serde(default)]
    pub lighting: String,
    #[serde(default)]
    pub cooking_fuel: String,
    #[serde(default)]
    pub toilet: String,
    #[serde(default)]
    pub income_band: String,
    #[serde(default)]
    pub members: Vec<MemberCheckDraft>,
    #[serde(default)]
    pub note: String,
    /// `"true"` when ticked: the visit is finished and the verivali step is
    /// recorded (text, as a checkbox posts it inside a flattened form).
    #[serde(default)]
    pub finish: String,
}

/// A finished visit, every answer checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HomeVisit {
    pub visited_on: NaiveDate,
    pub housing: HousingCondition,
    pub income_band: IncomeBand,
    /// Each member's status, by member id.
    pub members: Vec<(i64, MemberRegistryStatus)>,
    pub note: String,
}

/// A visit to save: the proposal, the version seen, and what was typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SaveVisit {
    pub proposal_id: i64,
    /// `None` before the visit's first save.
    pub version: Option<i32>,
    /// What was typed, kept as it is (bounded).
    pub draft: VisitDraft,
    /// Checked answers when the visit is finished now.
    pub finished: Option<HomeVisit>,
}

fn bounded(field: &str, text: &str, max: usize) -> Result<(), DomainError> {
    if text.chars().count() > max {
        Err(DomainError::TextTooLong {
            field: field.into(),
            max,
        })
    } else {
        Ok(())
    }
}

impl VisitDraft {
    /// The draft with the household's answers where nothing was typed yet.
    pub fn prefilled(mut self, housing: &HousingCondition, income: IncomeBand) -> VisitDraft {
        let fill = |slot: &mut String, value: &str| {
            if slot.trim().is_empty() {
                *slot = value.to_string();
            }
        };
        fill(&mut self.house_tenure, housing.house_tenure.code());
        fill(&mut self.land_tenure, housing.land_tenure.code());
        fill(&mut self.floor_area_m2, &housing.floor_area_m2.to_string());
        fill(&mut self.floor, housing.floor.code());
        fill(&mut self.wall, housing.wall.code());
        fill(&mut self.roof, housing.roof.code());
        fill(&mut self.drinking_water, housing.drinking_water.code());
        fill(&mut self.lighting, housing.lighting.code());
        fill(&mut self.cooking_fuel, housing.cooking_fuel.code());
        fill(&mut self.toilet, housing.toilet.code());
        fill(&mut self.income_band, income.code());
        self
    }

    /// What to save: the draft as typed (only its size is checked, so that a
    /// half-done visit is never refused), and when `finish` is ticked, every
    /// answer checked for the verivali step (`today` bounds the date).
    pub fn checked(&self, today: NaiveDate) -> Result<SaveVisit, DomainError> {
        let mut errors = FieldErrors::new();
        let proposal_id = errors.check(
            "proposal_id",
            number::<i64>("proposal_id", &self.proposal_id),
        );
        let version = if self.version.trim().is_empty() {
            Some(None)
        } else {
            errors
                .check("version", number::<i32>("version", &self.version))
                .map(Some)
        };
        for (field, text) in self.texts() {
            let max = if field == "note" {
                VISIT_NOTE_MAX
            } else {
                DRAFT_FIELD_MAX
            };
            errors.check(field, bounded(field, text, max));
        }
        if self.members.len() > VISIT_MEMBERS_MAX {
            errors.push(
                "members",
                DomainError::NumberOutOfRange {
                    field: "members".into(),
                    min: 0,
                    max: VISIT_MEMBERS_MAX as i64,
                    found: i64::try_from(self.members.len()).unwrap_or(i64::MAX),
                },
            );
        }
        let finished = if self.finishing() {
            self.complete(today, &mut errors)
        } else {
            None
        };
        errors.finish()?;
        match (proposal_id, version) {
            (Some(proposal_id), Some(version)) => Ok(SaveVisit {
                proposal_id,
                version,
                draft: self.clone(),
                finished,
            }),
            _ => Err(DomainError::Invalid { errors: Vec::new() }),
        }
    }

    /// Whether the visit is to be finished now.
    pub fn finishing(&self) -> bool {
        matches!(self.finish.trim(), "true" | "on" | "1")
    }

    fn texts(&self) -> [(&'static str, &str); 14] {
        [
            ("visited_on", &self.visited_on),
            ("house_tenure", &self.house_tenure),
            ("land_tenure", &self.land_tenure),
            ("floor_area_m2", &self.floor_area_m2),
            ("floor", &self.floor),
            ("wall", &self.wall),
            ("roof", &self.roof),
            ("drinking_water", &self.drinking_water),
            ("lighting", &self.lighting),
            ("cooking_fuel", &self.cooking_fuel),
            ("toilet", &self.toilet),
            ("income_band", &self.income_band),
            ("note", &self.note),
            ("proposal_id", &self.proposal_id),
        ]
    }

    /// Every answer of a finished visit, or its errors in `errors`.
    fn complete(&self, today: NaiveDate, errors: &mut FieldErrors) -> Option<HomeVisit> {
        let visited_on = errors.check(
            "visited_on",
            parse_date("visited_on", &self.visited_on).and_then(|date| {
                if date > today {
                    Err(DomainError::DateInFuture {
                        field: "visited_on".into(),
                    })
                } else {
                    Ok(date)
                }
            }),
        );
        let housing = housing_answers(
            errors,
            &HousingTexts {
                house_tenure: &self.house_tenure,
                land_tenure: &self.land_tenure,
                floor_area_m2: &self.floor_area_m2,
                floor: &self.floor,
                wall: &self.wall,
                roof: &self.roof,
                drinking_water: &self.drinking_water,
                lighting: &self.lighting,
                cooking_fuel: &self.cooking_fuel,
                toilet: &self.toilet,
            },
        );
        let income_band = errors.check(
            "income_band",
            parse_code::<IncomeBand>("income_band", &self.income_band),
        );
        let mut members = Vec::with_capacity(self.members.len());
        for (index, check) in self.members.iter().enumerate() {
            let id = errors.check(
                &format!("members.{index}.member_id"),
                number::<i64>("member_id", &check.member_id),
            );
            let status = errors.check(
                &format!("members.{index}.status"),
                parse_code::<MemberRegistryStatus>("status", &check.status),
            );
            if let (Some(id), Some(status)) = (id, status) {
                members.push((id, status));
            }
        }
        Some(HomeVisit {
            visited_on: visited_on?,
            housing: housing?,
            income_band: income_band?,
            members,
            note: self.note.trim().to_string(),
        })
    }
}

/// A member as the visit form lists them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitMember {
    pub id: i64,
    pub name: String,
    pub relationship: crate::member::Relationship,
    /// The status recorded now.
    pub status: MemberRegistryStatus,
}

/// The visit of a proposal as its page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitFile {
    pub proposal: crate::dto::ProposalRow,
    /// The visit's version (0 before its first save).
    pub version: i32,
    pub state: Option<VisitState>,
    /// What was typed (or the household's answers for a new visit).
    pub draft: VisitDraft,
    pub members: Vec<VisitMember>,
    /// Who last saved it and when.
    pub saved_by: Option<String>,
    pub saved_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Whether the user may fill it in (and finish it).
    pub may_visit: bool,
    /// When the photo of the house's front was taken in, if one is kept.
    #[serde(default)]
    pub house_photo: Option<chrono::DateTime<chrono::Utc>>,
    /// The family was recorded from a village's BNBA list: no answer of the
    /// house and income is known yet, so none is prefilled.
    #[serde(default)]
    pub awaiting_survey: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::household::{
        CookingFuel, DrinkingWater, FloorMaterial, Lighting, RoofMaterial, Tenure, ToiletFacility,
        WallMaterial,
    };

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 6).unwrap_or_default()
    }

    fn complete() -> VisitDraft {
        VisitDraft {
            proposal_id: "7".into(),
            visited_on: "2026-12-05".into(),
            house_tenure: Tenure::ALL[0].code().into(),
            land_tenure: Tenure::ALL[0].code().into(),
            floor_area_m2: "36".into(),
            floor: FloorMaterial::ALL[0].code().into(),
            wall: WallMaterial::ALL[0].code().into(),
            roof: RoofMaterial::ALL[0].code().into(),
            drinking_water: DrinkingWater::ALL[0].code().into(),
            lighting: Lighting::ALL[0].code().into(),
            cooking_fuel: CookingFuel::ALL[0].code().into(),
            toilet: ToiletFacility::ALL[0].code().into(),
            income_band: IncomeBand::ALL[0].code().into(),
            members: vec![MemberCheckDraft {
                member_id: "3".into(),
                status: "confirmed".into(),
            }],
            note: "Rumah semi permanen".into(),
            finish: "true".into(),
            ..VisitDraft::default()
        }
    }

    fn fields(error: DomainError) -> Vec<String> {
        match error {
            DomainError::Invalid { errors } => errors.into_iter().map(|e| e.field).collect(),
            other => vec![format!("not field errors: {other:?}")],
        }
    }

    #[test]
    fn a_half_done_draft_is_kept_as_typed() {
        let half = VisitDraft {
            proposal_id: "7".into(),
            floor_area_m2: "tiga puluh".into(),
            floor: "???".into(),
            ..VisitDraft::default()
        };
        let saved = half.checked(today());
        assert_eq!(saved.as_ref().map(|s| s.finished.is_none()), Ok(true));
        assert_eq!(saved.map(|s| s.draft), Ok(half));
    }

    #[test]
    fn finishing_checks_every_answer_and_names_each_field() {
        let saved = complete().checked(today());
        let visit = saved.map(|s| s.finished);
        assert!(
            matches!(visit, Ok(Some(ref v)) if v.members == vec![(3, MemberRegistryStatus::Confirmed)] && v.housing.floor_area_m2 == 36)
        );
        let broken = VisitDraft {
            visited_on: "2026-12-07".into(),
            floor_area_m2: "0".into(),
            roof: String::new(),
            members: vec![MemberCheckDraft {
                member_id: "3".into(),
                status: String::new(),
            }],
            ..complete()
        };
        assert_eq!(
            broken.checked(today()).map_err(fields).err(),
            Some(vec![
                "visited_on".to_string(),
                "floor_area_m2".to_string(),
                "roof".to_string(),
                "members.0.status".to_string(),
            ])
        );
    }

    #[test]
    fn drafts_are_bounded() {
        let long = VisitDraft {
            proposal_id: "7".into(),
            note: "x".repeat(VISIT_NOTE_MAX + 1),
            members: vec![MemberCheckDraft::default(); VISIT_MEMBERS_MAX + 1],
            ..VisitDraft::default()
        };
        assert_eq!(
            long.checked(today()).map_err(fields).err(),
            Some(vec!["note".to_string(), "members".to_string()])
        );
    }

    #[test]
    fn the_household_fills_only_what_was_not_typed() {
        let housing = match complete().checked(today()) {
            Ok(SaveVisit {
                finished: Some(visit),
                ..
            }) => visit.housing,
            other => panic!("{other:?}"),
        };
        let typed = VisitDraft {
            floor_area_m2: "50".into(),
            ..VisitDraft::default()
        };
        let filled = typed.prefilled(&housing, IncomeBand::ALL[1]);
        assert_eq!(filled.floor_area_m2, "50");
        assert_eq!(filled.roof, housing.roof.code());
        assert_eq!(filled.income_band, IncomeBand::ALL[1].code());
    }
}
