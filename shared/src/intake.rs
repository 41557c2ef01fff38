//! Front-desk forms as typed: every field is the text of an input (or the code
//! of a select), so a form keeps exactly what the officer entered. Converting a
//! draft checks every field at once and names each error after its field
//! (`no_kk`, `members.1.nik`, `complaints.0.description`), the same way in the
//! browser (errors shown beside the field as the officer types) and on the
//! server (the final word).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::coded::Coded;
use crate::complaint::{Channel, Complaint, ComplaintType, EvidenceDocument, Sector, Urgency};
use crate::dto::{OpenCase, RegisterHousehold};
use crate::error::{DomainError, FieldError, FieldErrors};
use crate::geo::NeighbourhoodUnit;
use crate::geo::{ADDRESS_LINE_MAX, Address, AreaCode, AreaLevel, NeighbourhoodNumber};
use crate::household::{
    CookingFuel, DrinkingWater, FLOOR_AREA_MAX, FloorMaterial, Household, HousingCondition,
    IncomeBand, Lighting, RoofMaterial, Tenure, ToiletFacility, WallMaterial,
};
use crate::identity::{Nik, NoKk, Sex};
use crate::member::{
    Education, MaritalStatus, Member, MemberRegistryStatus, NAME_MAX, Occupation, Relationship,
};

/// A household as typed into the registration form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HouseholdDraft {
    pub no_kk: String,
    pub head_name: String,
    pub village: String,
    pub dusun: String,
    pub rw: String,
    pub rt: String,
    pub street: String,
    pub house_tenure: String,
    pub land_tenure: String,
    pub floor_area_m2: String,
    pub floor: String,
    pub wall: String,
    pub roof: String,
    pub drinking_water: String,
    pub lighting: String,
    pub cooking_fuel: String,
    pub toilet: String,
    pub income_band: String,
    pub assets: Vec<String>,
    pub programmes: Vec<String>,
    pub has_house_photo: bool,
}

/// A member as typed into the registration form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberDraft {
    /// NIK as typed (spaces and dots allowed).
    pub nik: String,
    /// The member has no civil documents (no NIK).
    pub no_documents: bool,
    pub name: String,
    pub sex: String,
    pub birth_place: String,
    /// `yyyy-mm-dd` (a date input) or `dd/mm/yyyy`.
    pub birth_date: String,
    pub relationship: String,
    pub marital_status: String,
    pub education: String,
    pub occupation: String,
    pub disabilities: Vec<String>,
    pub chronic_illnesses: Vec<String>,
    pub pregnant: bool,
    pub ppks: Vec<String>,
    pub civil_registry_matched: bool,
}

/// The registration form: the household and its members.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistrationDraft {
    /// Made once when the form opens: a resubmission registers nothing twice.
    pub idempotency_key: String,
    pub household: HouseholdDraft,
    pub members: Vec<MemberDraft>,
    /// The households likely the same family were shown and this is another
    /// one (see [`crate::duplicates`]).
    #[serde(default)]
    pub confirmed_new: bool,
}

/// A complaint or need as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComplaintDraft {
    pub complaint_type: String,
    pub sector: String,
    pub description: String,
    pub urgency: String,
    /// Documents seen, by code.
    pub evidence: Vec<String>,
    /// Empty: today.
    pub received_on: String,
}

/// Opening a case: the visit's channel and its complaints.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenCaseDraft {
    pub idempotency_key: String,
    pub household_id: i64,
    pub channel: String,
    pub complaints: Vec<ComplaintDraft>,
}

/// An identity number as typed, without the spaces, dots and dashes people group it with.
pub fn id_digits(input: &str) -> String {
    input
        .chars()
        .filter(|c| !matches!(c, ' ' | '.' | '-'))
        .collect()
}

/// Parses a date typed as `yyyy-mm-dd` or `dd/mm/yyyy`.
pub fn parse_date(field: &str, input: &str) -> Result<NaiveDate, DomainError> {
    let input = input.trim();
    crate::dates::parse_iso(input)
        .or_else(|| crate::dates::parse_dmy(input))
        .ok_or_else(|| DomainError::DateInvalid {
            field: field.to_owned(),
        })
}

/// Parses a select's code into its value.
pub fn parse_code<T: Coded>(field: &str, code: &str) -> Result<T, DomainError> {
    T::from_code(code.trim()).ok_or_else(|| DomainError::UnknownCode {
        field: field.to_owned(),
        code: code.trim().to_owned(),
    })
}

/// Parses a list of checkbox codes.
fn parse_codes<T: Coded>(field: &str, codes: &[String]) -> Result<Vec<T>, DomainError> {
    codes.iter().map(|code| parse_code(field, code)).collect()
}

/// Collects the errors of one form, with a prefix for repeated parts (`members.1.`).
struct Form {
    errors: FieldErrors,
    prefix: String,
}

impl Form {
    fn new() -> Self {
        Form {
            errors: FieldErrors::new(),
            prefix: String::new(),
        }
    }

    fn check<T>(&mut self, field: &str, result: Result<T, DomainError>) -> Option<T> {
        let name = format!("{}{field}", self.prefix);
        self.errors.check(&name, result)
    }

    fn push(&mut self, field: &str, error: DomainError) {
        let name = format!("{}{field}", self.prefix);
        self.errors.push(&name, error);
    }

    /// Records the field errors of a whole-value check (e.g. [`Member::validated`]).
    fn absorb(&mut self, error: DomainError, fallback: &str) {
        match error {
            DomainError::Invalid { errors } => {
                for FieldError { field, error } in errors {
                    self.push(&field, error);
                }
            }
            other => self.push(fallback, other),
        }
    }

    fn finish(self) -> Result<(), DomainError> {
        self.errors.finish()
    }
}

fn neighbourhood(
    form: &mut Form,
    field: &str,
    unit: NeighbourhoodUnit,
    text: &str,
) -> Option<Option<NeighbourhoodNumber>> {
    if text.trim().is_empty() {
        Some(None)
    } else {
        form.check(field, NeighbourhoodNumber::parse(unit, text).map(Some))
    }
}

/// A household's fields but its card, checked.
struct HouseholdBody {
    head_name: String,
    address: Address,
    housing: crate::household::HousingCondition,
    assets: Vec<crate::household::AssetKind>,
    income_band: IncomeBand,
    programmes: Vec<crate::programme::ProgrammeKind>,
}

impl HouseholdDraft {
    fn body(&self, form: &mut Form) -> Option<HouseholdBody> {
        let head_name = form.check(
            "head_name",
            crate::text::required("head_name", &self.head_name, NAME_MAX),
        );
        let village = form.check(
            "village",
            AreaCode::parse(&self.village).and_then(|code| code.require_level(AreaLevel::Village)),
        );
        let dusun = form.check(
            "dusun",
            crate::text::optional("dusun", &self.dusun, ADDRESS_LINE_MAX),
        );
        let rw = neighbourhood(form, "rw", NeighbourhoodUnit::Rw, &self.rw);
        let rt = neighbourhood(form, "rt", NeighbourhoodUnit::Rt, &self.rt);
        let street = form.check(
            "street",
            crate::text::optional("street", &self.street, ADDRESS_LINE_MAX),
        );
        let housing = housing_answers(
            &mut form.errors,
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
        let income_band = form.check(
            "income_band",
            parse_code::<IncomeBand>("income_band", &self.income_band),
        );
        let assets = form.check("assets", parse_codes("assets", &self.assets));
        let programmes = form.check("programmes", parse_codes("programmes", &self.programmes));
        Some(HouseholdBody {
            head_name: head_name?,
            address: Address {
                village: village?,
                dusun: dusun?,
                rw: rw?,
                rt: rt?,
                street: street?,
            },
            housing: housing?,
            assets: assets?,
            income_band: income_band?,
            programmes: programmes?,
        })
    }

    fn check(&self, form: &mut Form) -> Option<Household> {
        let no_kk = form.check("no_kk", NoKk::parse(&id_digits(&self.no_kk)));
        let body = self.body(form)?;
        let household = Household {
            no_kk: no_kk?,
            head_name: body.head_name,
            address: body.address,
            registry: None,
            housing: body.housing,
            assets: body.assets,
            income_band: body.income_band,
            programmes: body.programmes,
            has_house_photo: self.has_house_photo,
        };
        match household.validated() {
            Ok(household) => Some(household),
            Err(error) => {
                form.absorb(error, "head_name");
                None
            }
        }
    }

    /// The changes of household `id` as the user saw it at `version`: every
    /// field but the family card (a new card is a pecah KK) and the village
    /// (a move is a life event); every error named after its field.
    pub fn to_update(
        &self,
        id: i64,
        version: i32,
    ) -> Result<crate::dto::UpdateHousehold, DomainError> {
        let mut form = Form::new();
        let body = self.body(&mut form);
        if let Some(body) = &body
            && let Err(error) = body.housing.validate()
        {
            form.absorb(error, "floor_area_m2");
        }
        form.finish()?;
        let body = body.ok_or(DomainError::Invalid { errors: Vec::new() })?;
        Ok(crate::dto::UpdateHousehold {
            id,
            version,
            head_name: body.head_name,
            address: body.address,
            housing: body.housing,
            assets: body.assets,
            income_band: body.income_band,
            programmes: body.programmes,
            has_house_photo: self.has_house_photo,
        })
    }
}

/// The housing answers of a form as typed (the fields of [`HousingCondition`]).
pub(crate) struct HousingTexts<'a> {
    pub house_tenure: &'a str,
    pub land_tenure: &'a str,
    pub floor_area_m2: &'a str,
    pub floor: &'a str,
    pub wall: &'a str,
    pub roof: &'a str,
    pub drinking_water: &'a str,
    pub lighting: &'a str,
    pub cooking_fuel: &'a str,
    pub toilet: &'a str,
}

/// The housing answers checked, each error recorded under its field (the
/// registration form's and the home visit's, which ask the same questions).
pub(crate) fn housing_answers(
    errors: &mut FieldErrors,
    t: &HousingTexts<'_>,
) -> Option<HousingCondition> {
    let floor_area = errors.check("floor_area_m2", floor_area(t.floor_area_m2));
    let house_tenure = errors.check(
        "house_tenure",
        parse_code::<Tenure>("house_tenure", t.house_tenure),
    );
    let land_tenure = errors.check(
        "land_tenure",
        parse_code::<Tenure>("land_tenure", t.land_tenure),
    );
    let floor = errors.check("floor", parse_code::<FloorMaterial>("floor", t.floor));
    let wall = errors.check("wall", parse_code::<WallMaterial>("wall", t.wall));
    let roof = errors.check("roof", parse_code::<RoofMaterial>("roof", t.roof));
    let drinking_water = errors.check(
        "drinking_water",
        parse_code::<DrinkingWater>("drinking_water", t.drinking_water),
    );
    let lighting = errors.check("lighting", parse_code::<Lighting>("lighting", t.lighting));
    let cooking_fuel = errors.check(
        "cooking_fuel",
        parse_code::<CookingFuel>("cooking_fuel", t.cooking_fuel),
    );
    let toilet = errors.check("toilet", parse_code::<ToiletFacility>("toilet", t.toilet));
    Some(HousingCondition {
        house_tenure: house_tenure?,
        land_tenure: land_tenure?,
        floor_area_m2: floor_area?,
        floor: floor?,
        wall: wall?,
        roof: roof?,
        drinking_water: drinking_water?,
        lighting: lighting?,
        cooking_fuel: cooking_fuel?,
        toilet: toilet?,
    })
}

pub(crate) fn floor_area(text: &str) -> Result<u32, DomainError> {
    let digits: String = text.trim().chars().filter(|c| *c != '.').collect();
    let found = digits
        .parse::<i64>()
        .map_err(|_| DomainError::NumberOutOfRange {
            field: "floor_area_m2".into(),
            min: 1,
            max: i64::from(FLOOR_AREA_MAX),
            found: 0,
        })?;
    u32::try_from(found)
        .ok()
        .filter(|area| (1..=FLOOR_AREA_MAX).contains(area))
        .ok_or(DomainError::NumberOutOfRange {
            field: "floor_area_m2".into(),
            min: 1,
            max: i64::from(FLOOR_AREA_MAX),
            found,
        })
}

impl MemberDraft {
    /// The head's row with no name of its own: it takes the name typed as
    /// the head of the family (the form shows no name field for it).
    pub fn takes_head_name(&self) -> bool {
        self.relationship == Relationship::Head.code() && self.name.trim().is_empty()
    }

    /// The member's NIK when it parses (used to fill sex and birth date as the officer types).
    pub fn parsed_nik(&self) -> Option<Nik> {
        if self.no_documents {
            None
        } else {
            Nik::parse(&id_digits(&self.nik)).ok()
        }
    }

    /// Fills an empty sex and birth date from the NIK, which encodes both.
    pub fn fill_from_nik(&mut self, today: NaiveDate) {
        if let Some(nik) = self.parsed_nik() {
            if self.sex.is_empty() {
                self.sex = nik.sex().code().to_owned();
            }
            if self.birth_date.is_empty() {
                self.birth_date = crate::dates::iso(nik.birth_date(today));
            }
        }
    }

    /// Checks every field on `today`: the member, or every error named after
    /// its field with `prefix` before it (`member.` for a member who joins).
    pub fn to_member(&self, today: NaiveDate, prefix: &str) -> Result<Member, DomainError> {
        let mut form = Form::new();
        form.prefix = prefix.to_owned();
        let member = self.check(&mut form, today);
        form.finish()?;
        member.ok_or(DomainError::Invalid { errors: Vec::new() })
    }

    fn check(&self, form: &mut Form, today: NaiveDate) -> Option<Member> {
        let nik = if self.no_documents {
            Some(None)
        } else {
            form.check("nik", Nik::parse(&id_digits(&self.nik)).map(Some))
        };
        let name = form.check("name", crate::text::required("name", &self.name, NAME_MAX));
        let sex = form.check("sex", parse_code::<Sex>("sex", &self.sex));
        let birth_place = form.check(
            "birth_place",
            crate::text::required("birth_place", &self.birth_place, NAME_MAX),
        );
        let birth_date = form.check("birth_date", parse_date("birth_date", &self.birth_date));
        let relationship = form.check(
            "relationship",
            parse_code::<Relationship>("relationship", &self.relationship),
        );
        let marital_status = form.check(
            "marital_status",
            parse_code::<MaritalStatus>("marital_status", &self.marital_status),
        );
        let education = form.check(
            "education",
            parse_code::<Education>("education", &self.education),
        );
        let occupation = form.check(
            "occupation",
            parse_code::<Occupation>("occupation", &self.occupation),
        );
        let disabilities = form.check(
            "disabilities",
            parse_codes("disabilities", &self.disabilities),
        );
        let chronic_illnesses = form.check(
            "chronic_illnesses",
            parse_codes("chronic_illnesses", &self.chronic_illnesses),
        );
        let ppks = form.check("ppks", parse_codes("ppks", &self.ppks));
        let member = Member {
            nik: nik?,
            name: name?,
            sex: sex?,
            birth_place: birth_place?,
            birth_date: birth_date?,
            relationship: relationship?,
            marital_status: marital_status?,
            education: education?,
            occupation: occupation?,
            disabilities: disabilities?,
            chronic_illnesses: chronic_illnesses?,
            pregnant: self.pregnant,
            ppks: ppks?,
            civil_registry_matched: self.civil_registry_matched,
            registry_status: if self.no_documents {
                MemberRegistryStatus::Undocumented
            } else {
                MemberRegistryStatus::Unconfirmed
            },
        };
        match member.validated(today) {
            Ok(member) => Some(member),
            Err(error) => {
                form.absorb(error, "name");
                None
            }
        }
    }
}

impl RegistrationDraft {
    /// A new, empty form with the head's row ready.
    pub fn new(idempotency_key: String, village: &str) -> RegistrationDraft {
        RegistrationDraft {
            idempotency_key,
            household: HouseholdDraft {
                village: village.to_owned(),
                ..HouseholdDraft::default()
            },
            members: vec![MemberDraft {
                relationship: Relationship::Head.code().to_owned(),
                ..MemberDraft::default()
            }],
            confirmed_new: false,
        }
    }

    /// The head's row takes the name typed once as the head of the family
    /// (the form shows no second name field for the head). While that name
    /// is missing, a stand-in lets the rest of the row be checked: the
    /// missing head name is refused under its own field, so the stand-in
    /// never reaches a request.
    fn named(&self, member: &MemberDraft) -> MemberDraft {
        if !member.takes_head_name() {
            return member.clone();
        }
        let name = match self.household.head_name.trim() {
            "" => "Kepala keluarga",
            typed => typed,
        };
        MemberDraft {
            name: name.to_owned(),
            ..member.clone()
        }
    }

    /// Checks every field on `today`; the request, or every error named after its field.
    pub fn to_request(&self, today: NaiveDate) -> Result<RegisterHousehold, DomainError> {
        let mut form = Form::new();
        let household = self.household.check(&mut form);
        let mut members = Vec::with_capacity(self.members.len());
        for (index, draft) in self.members.iter().enumerate() {
            form.prefix = format!("members.{index}.");
            members.push(self.named(draft).check(&mut form, today));
        }
        form.prefix.clear();
        if self.members.is_empty() {
            form.push("members", DomainError::HouseholdHeadCount { found: 0 });
        }
        let members: Option<Vec<Member>> = members.into_iter().collect();
        if let Some(members) = &members
            && let Err(error) = crate::household::check_members(members)
        {
            form.push("members", error);
        }
        form.finish()?;
        match (household, members) {
            (Some(household), Some(members)) => Ok(RegisterHousehold {
                idempotency_key: self.idempotency_key.clone(),
                household,
                members,
                confirmed_new: self.confirmed_new,
            }),
            // Unreachable: a missing part always left an error behind.
            _ => Err(DomainError::Invalid { errors: Vec::new() }),
        }
    }
}

impl ComplaintDraft {
    fn check(&self, form: &mut Form, channel: Channel, today: NaiveDate) -> Option<Complaint> {
        let complaint_type = form.check(
            "complaint_type",
            parse_code::<ComplaintType>("complaint_type", &self.complaint_type),
        );
        let sector = form.check("sector", parse_code::<Sector>("sector", &self.sector));
        let urgency = form.check("urgency", parse_code::<Urgency>("urgency", &self.urgency));
        let evidence = form.check(
            "evidence",
            parse_codes::<EvidenceDocument>("evidence", &self.evidence),
        );
        let received_on = if self.received_on.trim().is_empty() {
            Some(today)
        } else {
            form.check("received_on", parse_date("received_on", &self.received_on))
        };
        let complaint = Complaint {
            complaint_type: complaint_type?,
            sector: sector?,
            description: self.description.clone(),
            channel,
            received_on: received_on?,
            // The server records the signed-in officer; a placeholder passes the check here.
            officer: "-".to_owned(),
            evidence: evidence?,
            urgency: urgency?,
        };
        match complaint.validated(today) {
            Ok(complaint) => Some(complaint),
            Err(error) => {
                form.absorb(error, "description");
                None
            }
        }
    }

    /// Checks one complaint added to an open case.
    pub fn to_complaint(
        &self,
        channel: Channel,
        today: NaiveDate,
    ) -> Result<Complaint, DomainError> {
        let mut form = Form::new();
        let complaint = self.check(&mut form, channel, today);
        form.finish()?;
        complaint.ok_or(DomainError::Invalid { errors: Vec::new() })
    }
}

impl OpenCaseDraft {
    /// Checks every field on `today`; the request, or every error named after its field.
    pub fn to_request(&self, today: NaiveDate) -> Result<OpenCase, DomainError> {
        let mut form = Form::new();
        let channel = form.check("channel", parse_code::<Channel>("channel", &self.channel));
        if self.complaints.is_empty() {
            form.push(
                "complaints",
                DomainError::TextRequired {
                    field: "complaints".into(),
                },
            );
        }
        let mut complaints = Vec::with_capacity(self.complaints.len());
        for (index, draft) in self.complaints.iter().enumerate() {
            form.prefix = format!("complaints.{index}.");
            complaints.push(draft.check(
                &mut form,
                channel.unwrap_or(Channel::WalkInPuskesos),
                today,
            ));
        }
        form.prefix.clear();
        form.finish()?;
        let complaints: Option<Vec<Complaint>> = complaints.into_iter().collect();
        match (channel, complaints) {
            (Some(channel), Some(complaints)) => Ok(OpenCase {
                idempotency_key: self.idempotency_key.clone(),
                household_id: self.household_id,
                channel,
                complaints,
            }),
            _ => Err(DomainError::Invalid { errors: Vec::new() }),
        }
    }
}

pub(crate) fn codes_of<T: Coded>(values: &[T]) -> Vec<String> {
    values.iter().map(|v| v.code().to_owned()).collect()
}

impl From<&Member> for MemberDraft {
    /// The form as it would be filled for `member` (to edit it, or in tests).
    fn from(member: &Member) -> Self {
        MemberDraft {
            nik: member.nik.as_ref().map(Nik::as_str).unwrap_or_default(),
            no_documents: member.nik.is_none(),
            name: member.name.clone(),
            sex: member.sex.code().to_owned(),
            birth_place: member.birth_place.clone(),
            birth_date: crate::dates::iso(member.birth_date),
            relationship: member.relationship.code().to_owned(),
            marital_status: member.marital_status.code().to_owned(),
            education: member.education.code().to_owned(),
            occupation: member.occupation.code().to_owned(),
            disabilities: codes_of(&member.disabilities),
            chronic_illnesses: codes_of(&member.chronic_illnesses),
            pregnant: member.pregnant,
            ppks: codes_of(&member.ppks),
            civil_registry_matched: member.civil_registry_matched,
        }
    }
}

/// What a household form shows of a household (the card aside).
pub struct HouseholdFacts<'a> {
    pub head_name: &'a str,
    pub address: &'a Address,
    pub housing: &'a crate::household::HousingCondition,
    pub income_band: IncomeBand,
    pub assets: &'a [crate::household::AssetKind],
    pub programmes: &'a [crate::programme::ProgrammeKind],
    pub has_house_photo: bool,
}

impl<'a> From<&'a Household> for HouseholdFacts<'a> {
    fn from(household: &'a Household) -> Self {
        HouseholdFacts {
            head_name: &household.head_name,
            address: &household.address,
            housing: &household.housing,
            income_band: household.income_band,
            assets: &household.assets,
            programmes: &household.programmes,
            has_house_photo: household.has_house_photo,
        }
    }
}

impl HouseholdDraft {
    /// The form as it would be filled for `household`, its card shown as `no_kk`.
    pub fn filled(household: HouseholdFacts<'_>, no_kk: String) -> HouseholdDraft {
        let housing = household.housing;
        let number =
            |n: Option<NeighbourhoodNumber>| n.map(|n| n.get().to_string()).unwrap_or_default();
        HouseholdDraft {
            no_kk,
            head_name: household.head_name.to_owned(),
            village: household.address.village.as_str().to_owned(),
            dusun: household.address.dusun.clone().unwrap_or_default(),
            rw: number(household.address.rw),
            rt: number(household.address.rt),
            street: household.address.street.clone().unwrap_or_default(),
            house_tenure: housing.house_tenure.code().to_owned(),
            land_tenure: housing.land_tenure.code().to_owned(),
            floor_area_m2: housing.floor_area_m2.to_string(),
            floor: housing.floor.code().to_owned(),
            wall: housing.wall.code().to_owned(),
            roof: housing.roof.code().to_owned(),
            drinking_water: housing.drinking_water.code().to_owned(),
            lighting: housing.lighting.code().to_owned(),
            cooking_fuel: housing.cooking_fuel.code().to_owned(),
            toilet: housing.toilet.code().to_owned(),
            income_band: household.income_band.code().to_owned(),
            assets: codes_of(household.assets),
            programmes: codes_of(household.programmes),
            has_house_photo: household.has_house_photo,
        }
    }
}

impl HouseholdDraft {
    /// The form with the housing, assets and income left to answer (a
    /// household recorded from a list holds placeholders for them).
    pub fn without_survey(self) -> HouseholdDraft {
        HouseholdDraft {
            house_tenure: String::new(),
            land_tenure: String::new(),
            floor_area_m2: String::new(),
            floor: String::new(),
            wall: String::new(),
            roof: String::new(),
            drinking_water: String::new(),
            lighting: String::new(),
            cooking_fuel: String::new(),
            toilet: String::new(),
            income_band: String::new(),
            assets: Vec::new(),
            ..self
        }
    }
}

impl MemberDraft {
    /// The form with what a list does not give left to answer: marital
    /// status, education, occupation, and the place of birth when not given.
    pub fn without_survey(self) -> MemberDraft {
        MemberDraft {
            marital_status: String::new(),
            education: String::new(),
            occupation: String::new(),
            birth_place: if self.birth_place == "-" {
                String::new()
            } else {
                self.birth_place.clone()
            },
            ..self
        }
    }
}

impl From<&RegisterHousehold> for RegistrationDraft {
    /// The form as it would be filled for `request`.
    fn from(request: &RegisterHousehold) -> Self {
        RegistrationDraft {
            idempotency_key: request.idempotency_key.clone(),
            household: HouseholdDraft::filled(
                HouseholdFacts::from(&request.household),
                request.household.no_kk.as_str(),
            ),
            members: request.members.iter().map(MemberDraft::from).collect(),
            confirmed_new: request.confirmed_new,
        }
    }
}

/// The message of `field` in a form's error, if it has one (first one wins).
pub fn field_error<'a>(error: &'a DomainError, field: &str) -> Option<&'a DomainError> {
    match error {
        DomainError::Invalid { errors } => errors
            .iter()
            .find(|candidate| candidate.field == field)
            .map(|candidate| &candidate.error),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default()
    }

    fn household() -> HouseholdDraft {
        HouseholdDraft {
            no_kk: "3209011503260001".into(),
            head_name: "Sukarta".into(),
            village: "32.09.01.2001".into(),
            rt: "3".into(),
            rw: "1".into(),
            house_tenure: "owned".into(),
            land_tenure: "owned".into(),
            floor_area_m2: "36".into(),
            floor: FloorMaterial::ALL[0].code().into(),
            wall: WallMaterial::ALL[0].code().into(),
            roof: RoofMaterial::ALL[0].code().into(),
            drinking_water: DrinkingWater::ALL[0].code().into(),
            lighting: Lighting::ALL[0].code().into(),
            cooking_fuel: CookingFuel::ALL[0].code().into(),
            toilet: ToiletFacility::ALL[0].code().into(),
            income_band: "below_500k".into(),
            ..HouseholdDraft::default()
        }
    }

    fn head() -> MemberDraft {
        MemberDraft {
            nik: "3209011203800001".into(),
            name: "Sukarta".into(),
            sex: "male".into(),
            birth_place: "Cirebon".into(),
            birth_date: "12/03/1980".into(),
            relationship: "head".into(),
            marital_status: MaritalStatus::ALL[1].code().into(),
            education: Education::ALL[0].code().into(),
            occupation: Occupation::ALL[0].code().into(),
            ..MemberDraft::default()
        }
    }

    fn fields(error: &DomainError) -> Vec<String> {
        match error {
            DomainError::Invalid { errors } => errors.iter().map(|e| e.field.clone()).collect(),
            other => vec![format!("not a form error: {other:?}")],
        }
    }

    #[test]
    fn a_complete_form_becomes_a_request() {
        let draft = RegistrationDraft {
            idempotency_key: "k".into(),
            household: household(),
            members: vec![head()],
            confirmed_new: false,
        };
        let request = draft.to_request(today());
        let request = match request {
            Ok(request) => request,
            Err(error) => panic!("refused: {:?}", fields(&error)),
        };
        assert_eq!(request.household.housing.floor_area_m2, 36);
        assert_eq!(
            request.members[0].birth_date,
            NaiveDate::from_ymd_opt(1980, 3, 12).unwrap_or_default()
        );
        assert_eq!(
            request.members[0].registry_status,
            MemberRegistryStatus::Unconfirmed
        );
    }

    #[test]
    fn the_head_is_named_once() {
        let unnamed = MemberDraft {
            name: String::new(),
            ..head()
        };
        let draft = RegistrationDraft {
            idempotency_key: "k".into(),
            household: household(),
            members: vec![unnamed.clone()],
            confirmed_new: false,
        };
        match draft.to_request(today()) {
            Ok(request) => assert_eq!(request.members[0].name, "Sukarta"),
            Err(error) => panic!("refused: {:?}", fields(&error)),
        }
        // Without a head name, the refusal names that one field, not a hidden one.
        let nameless = RegistrationDraft {
            household: HouseholdDraft {
                head_name: String::new(),
                ..household()
            },
            ..draft
        };
        let refused = nameless.to_request(today()).err().map(|e| fields(&e));
        assert_eq!(refused, Some(vec!["head_name".to_string()]));
        // Another member still needs a name of their own.
        let child = MemberDraft {
            nik: String::new(),
            no_documents: true,
            relationship: "child".into(),
            ..unnamed
        };
        let family = RegistrationDraft {
            idempotency_key: "k".into(),
            household: household(),
            members: vec![head(), child],
            confirmed_new: false,
        };
        let refused = family.to_request(today()).err().map(|e| fields(&e));
        assert!(
            refused.is_some_and(|f| f.contains(&"members.1.name".to_string())),
            "a child without a name"
        );
    }

    #[test]
    fn a_request_filled_into_the_form_reads_back_the_same() {
        let draft = RegistrationDraft {
            idempotency_key: "k".into(),
            household: HouseholdDraft {
                assets: vec!["motorcycle".into()],
                dusun: "Kaliwon".into(),
                ..household()
            },
            members: vec![head()],
            confirmed_new: false,
        };
        let request = draft.to_request(today());
        let Ok(request) = request else {
            panic!("refused: {request:?}");
        };
        let again = RegistrationDraft::from(&request).to_request(today());
        assert_eq!(again, Ok(request));
    }

    #[test]
    fn every_wrong_field_is_named_at_once_with_its_member() {
        let mut household = household();
        household.no_kk = "12345".into();
        household.rt = "abc".into();
        household.floor_area_m2 = "0".into();
        let mut second = head();
        second.nik = "3209015203800001".into();
        second.relationship = "bogus".into();
        second.sex = "male".into();
        second.name = " ".into();
        let draft = RegistrationDraft {
            idempotency_key: "k".into(),
            household,
            members: vec![head(), second],
            confirmed_new: false,
        };
        let error = draft
            .to_request(today())
            .err()
            .unwrap_or(DomainError::NikRequired);
        let named = fields(&error);
        for expected in [
            "no_kk",
            "rt",
            "floor_area_m2",
            "members.1.name",
            "members.1.relationship",
        ] {
            assert!(
                named.iter().any(|f| f == expected),
                "{expected} missing from {named:?}"
            );
        }
        assert!(
            !named.iter().any(|f| f.starts_with("members.0")),
            "{named:?}"
        );
    }

    #[test]
    fn cross_field_rules_land_on_the_members_field() {
        let mut member = head();
        member.sex = "female".into();
        let draft = RegistrationDraft {
            idempotency_key: "k".into(),
            household: household(),
            members: vec![member],
            confirmed_new: false,
        };
        let error = draft
            .to_request(today())
            .err()
            .unwrap_or(DomainError::NikRequired);
        assert!(
            fields(&error).contains(&"members.0.sex".to_string()),
            "{:?}",
            fields(&error)
        );
        let mut undocumented = head();
        undocumented.no_documents = true;
        undocumented.nik.clear();
        undocumented.civil_registry_matched = true;
        let draft = RegistrationDraft {
            idempotency_key: "k".into(),
            household: household(),
            members: vec![undocumented],
            confirmed_new: false,
        };
        let error = draft
            .to_request(today())
            .err()
            .unwrap_or(DomainError::NikRequired);
        assert_eq!(
            fields(&error),
            vec!["members.0.civil_registry_matched".to_string()]
        );
    }

    #[test]
    fn two_heads_or_none_is_a_household_error() {
        let draft = RegistrationDraft {
            idempotency_key: "k".into(),
            household: household(),
            members: vec![
                head(),
                MemberDraft {
                    nik: "3209011203800002".into(),
                    ..head()
                },
            ],
            confirmed_new: false,
        };
        let error = draft
            .to_request(today())
            .err()
            .unwrap_or(DomainError::NikRequired);
        assert_eq!(fields(&error), vec!["members".to_string()]);
        assert!(matches!(
            field_error(&error, "members"),
            Some(DomainError::HouseholdHeadCount { found: 2 })
        ));
    }

    #[test]
    fn the_nik_fills_sex_and_birth_date_but_never_overwrites() {
        let mut member = MemberDraft {
            nik: "3209 0152 0380 0001".into(),
            ..MemberDraft::default()
        };
        member.fill_from_nik(today());
        assert_eq!(member.sex, "female");
        assert_eq!(member.birth_date, "1980-03-12");
        member.birth_date = "1981-01-01".into();
        member.fill_from_nik(today());
        assert_eq!(member.birth_date, "1981-01-01");
    }

    #[test]
    fn a_case_needs_a_channel_and_described_complaints() {
        let draft = OpenCaseDraft {
            idempotency_key: "k".into(),
            household_id: 7,
            channel: "walk_in_puskesos".into(),
            complaints: vec![ComplaintDraft {
                complaint_type: ComplaintType::ALL[0].code().into(),
                sector: "health".into(),
                description: "  ".into(),
                urgency: Urgency::ALL[0].code().into(),
                evidence: vec!["bogus".into()],
                received_on: "31/02/2026".into(),
            }],
        };
        let error = draft
            .to_request(today())
            .err()
            .unwrap_or(DomainError::NikRequired);
        let named = fields(&error);
        assert!(
            named.contains(&"complaints.0.evidence".to_string()),
            "{named:?}"
        );
        assert!(
            named.contains(&"complaints.0.received_on".to_string()),
            "{named:?}"
        );
        let mut fixed = draft.clone();
        fixed.complaints[0].evidence.clear();
        fixed.complaints[0].received_on = "2030-01-01".into();
        let error = fixed
            .to_request(today())
            .err()
            .unwrap_or(DomainError::NikRequired);
        let named = fields(&error);
        assert!(
            named.contains(&"complaints.0.description".to_string()),
            "{named:?}"
        );
        assert!(
            named.contains(&"complaints.0.received_on".to_string()),
            "{named:?}"
        );
        fixed.complaints[0].received_on.clear();
        fixed.complaints[0].description = "Anak butuh biaya berobat".into();
        let request = fixed.to_request(today());
        assert!(
            matches!(&request, Ok(open) if open.complaints[0].received_on == today() && open.channel == Channel::WalkInPuskesos),
            "{request:?}"
        );
        let empty = OpenCaseDraft {
            complaints: Vec::new(),
            ..fixed
        };
        let error = empty
            .to_request(today())
            .err()
            .unwrap_or(DomainError::NikRequired);
        assert_eq!(fields(&error), vec!["complaints".to_string()]);
    }
}
