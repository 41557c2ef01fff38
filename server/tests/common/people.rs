//! Synthetic households, members and complaints for the service tests. The
//! numbers follow the NIK / No KK structure but belong to nobody.

use chrono::NaiveDate;
use shared::complaint::{Channel, Complaint, ComplaintType, EvidenceDocument, Sector, Urgency};
use shared::dto::RegisterHousehold;
use shared::geo::Address;
use shared::household::{
    CookingFuel, DrinkingWater, FloorMaterial, Household, HousingCondition, IncomeBand, Lighting,
    RoofMaterial, Tenure, ToiletFacility, WallMaterial,
};
use shared::identity::{Nik, NoKk, Sex};
use shared::member::{
    Education, MaritalStatus, Member, MemberRegistryStatus, Occupation, Relationship,
};

pub type Fixture<T> = Result<T, Box<dyn std::error::Error>>;

/// A NIK issued in Kecamatan Waled (320901) for a birth date; `serial` from 1.
pub fn nik(sex: Sex, birth: NaiveDate, serial: u16) -> Fixture<Nik> {
    use chrono::Datelike;
    let day = birth.day() + if sex == Sex::Female { 40 } else { 0 };
    Ok(Nik::parse(&format!(
        "320901{day:02}{:02}{:02}{serial:04}",
        birth.month(),
        birth.year() % 100
    ))?)
}

/// A No KK issued in Kecamatan Waled on 12/03/2015 with serial `serial`.
pub fn no_kk(serial: u16) -> Fixture<NoKk> {
    Ok(NoKk::parse(&format!("320901120315{serial:04}"))?)
}

pub fn date(y: i32, m: u32, d: u32) -> Fixture<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| "bad date".into())
}

/// A member with plain defaults.
pub fn member(nik: Nik, name: &str, relationship: Relationship) -> Fixture<Member> {
    let today = chrono::Utc::now().date_naive();
    Ok(Member {
        sex: nik.sex(),
        birth_date: nik.birth_date(today),
        nik: Some(nik),
        name: name.to_string(),
        birth_place: "Cirebon".to_string(),
        relationship,
        marital_status: MaritalStatus::MarriedRegistered,
        education: Education::PrimaryIncomplete,
        occupation: Occupation::NotWorking,
        disabilities: vec![],
        chronic_illnesses: vec![],
        pregnant: false,
        ppks: vec![],
        civil_registry_matched: true,
        registry_status: MemberRegistryStatus::Unconfirmed,
    })
}

pub fn housing() -> HousingCondition {
    HousingCondition {
        house_tenure: Tenure::Owned,
        land_tenure: Tenure::Owned,
        floor_area_m2: 36,
        floor: FloorMaterial::Marble,
        wall: WallMaterial::Masonry,
        roof: RoofMaterial::Concrete,
        drinking_water: DrinkingWater::Bottled,
        lighting: Lighting::Pln450,
        cooking_fuel: CookingFuel::Electricity,
        toilet: ToiletFacility::OwnWithSepticTank,
    }
}

/// A household of two (head and spouse) in `village`, with KK serial `serial`.
pub fn household_request(village: &str, serial: u16, key: &str) -> Fixture<RegisterHousehold> {
    let head = member(
        nik(Sex::Male, date(1980, 4, 2)?, serial)?,
        "Darto Wiryono",
        Relationship::Head,
    )?;
    let spouse = member(
        nik(Sex::Female, date(1983, 9, 21)?, serial)?,
        "Sumiati",
        Relationship::Spouse,
    )?;
    Ok(RegisterHousehold {
        idempotency_key: key.to_string(),
        household: Household {
            no_kk: no_kk(serial)?,
            head_name: "Darto Wiryono".to_string(),
            address: Address::parse(village, "Kaliwon", "2", "3", "Jl. Melati 5")?,
            registry: None,
            housing: housing(),
            assets: vec![],
            income_band: IncomeBand::Below500k,
            programmes: vec![],
            has_house_photo: false,
        },
        // The test families share their names: each is another family.
        confirmed_new: true,
        members: vec![head, spouse],
    })
}

/// A service request about health, received today.
pub fn complaint(kind: ComplaintType) -> Complaint {
    Complaint {
        complaint_type: kind,
        sector: Sector::Health,
        description: "Membutuhkan surat keterangan tidak mampu untuk berobat".to_string(),
        channel: Channel::WalkInPuskesos,
        received_on: chrono::Utc::now().date_naive(),
        officer: String::new(),
        evidence: vec![EvidenceDocument::Ktp, EvidenceDocument::Kk],
        urgency: Urgency::Normal,
    }
}
