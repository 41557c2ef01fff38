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
    /// Recorded from a list (a village's BNBA list) that gives no housing,
    /// assets or income: those above stand in until the home visit (verivali)
    /// or an edit of the file records them, and are not shown meanwhile.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub awaiting_survey: bool,
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
    /// Recorded from a list that gives no marital status, education or
    /// occupation: those stand in until the member's data is edited.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub awaiting_survey: bool,
}

/// What stands in for the housing of a household recorded from a list that
/// gives none ([`HouseholdDetails::awaiting_survey`]): never shown, replaced
/// by the home visit's answers or an edit of the file.
pub fn unsurveyed_housing() -> HousingCondition {
    use shared::household::{
        CookingFuel, DrinkingWater, FloorMaterial, Lighting, RoofMaterial, Tenure, ToiletFacility,
        WallMaterial,
    };
    HousingCondition {
        house_tenure: Tenure::ALL[0],
        land_tenure: Tenure::ALL[0],
        floor_area_m2: 1,
        floor: FloorMaterial::ALL[0],
        wall: WallMaterial::ALL[0],
        roof: RoofMaterial::ALL[0],
        drinking_water: DrinkingWater::ALL[0],
        lighting: Lighting::ALL[0],
        cooking_fuel: CookingFuel::ALL[0],
        toilet: ToiletFacility::ALL[0],
    }
}
