//! The JSON detail columns of `households` and `members`: the fields of the
//! shared `Household` and `Member` that are stored but not filtered on.

use serde::{Deserialize, Serialize};
use shared::household::{AssetKind, HousingCondition};
use shared::member::{
    ChronicIllness, DisabilityType, Education, MaritalStatus, Occupation, PpksCategory,
};
use shared::programme::ProgrammeKind;

/// `households.details`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HouseholdDetails {
    pub housing: HousingCondition,
    pub assets: Vec<AssetKind>,
    pub programmes: Vec<ProgrammeKind>,
    pub has_house_photo: bool,
}

/// `members.details`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberDetails {
    pub birth_place: String,
    pub marital_status: MaritalStatus,
    pub education: Education,
    pub occupation: Occupation,
    pub disabilities: Vec<DisabilityType>,
    pub chronic_illnesses: Vec<ChronicIllness>,
    pub pregnant: bool,
    pub ppks: Vec<PpksCategory>,
    pub civil_registry_matched: bool,
}
