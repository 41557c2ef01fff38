//! Data transfer objects of the service contract: what the server answers and the browser renders.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::case::{CaseAction, CaseActionKind, CaseStatus};
use crate::complaint::{Complaint, ComplaintType, Sector, Urgency};
use crate::deadline::Deadline;
use crate::error::{DomainError, FieldError};
use crate::geo::{AreaCode, AreaScope};
use crate::household::{Desil, RegistryRecord};
use crate::identity::{Nik, Sex};
use crate::member::{Member, MemberRegistryStatus, Relationship};
use crate::programme::{InstitutionId, ProgrammeKind};
use crate::proposal::{ProposalAction, ProposalKind, ProposalSource, ProposalStage};
use crate::referral::{Consent, ReferralAction, ReferralNumber, ReferralState};
use crate::roles::Role;
use crate::workflow::StateChange;

/// The signed-in user as the UI needs to show them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub username: String,
    pub full_name: String,
    pub role: Role,
    /// Kemendagri code of the assigned area (empty for the whole nation).
    pub area_code: String,
    /// Name of the assigned area, e.g. "KABUPATEN CIREBON".
    pub area_name: String,
    /// The user must choose a new password first.
    pub must_change_password: bool,
    /// Today in Western Indonesian Time, by the server's clock (forms check dates against it).
    pub today: NaiveDate,
}

/// Figures on the home page, read from the database for the user's area.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HomeSummary {
    /// Villages (desa/kelurahan) inside the user's area.
    pub village_count: u64,
    /// Sub-districts (kecamatan) inside the user's area.
    pub subdistrict_count: u64,
}

/// A page of a list, with the total for paging.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// How many items there are in all.
    pub total: u64,
    /// Page number, from 1.
    pub page: u32,
    /// Items per page.
    pub per_page: u32,
}

/// One field's error of an invalid form, as the browser shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldMessage {
    /// The field's API name.
    pub field: String,
    /// Stable error code.
    pub code: String,
    /// Message in Bahasa Indonesia.
    pub message_id: String,
    /// Message in English.
    pub message_en: String,
}

impl FieldMessage {
    /// The per-field messages of an invalid form (none for any other error).
    pub fn all_of(error: &DomainError) -> Vec<FieldMessage> {
        match error {
            DomainError::Invalid { errors } => errors
                .iter()
                .map(|FieldError { field, error }| FieldMessage {
                    field: field.clone(),
                    code: error.code().to_owned(),
                    message_id: error.message_id(),
                    message_en: error.message_en(),
                })
                .collect(),
            _ => Vec::new(),
        }
    }
}

/// The answer of the registry check (cek registri) for a NIK or No KK.
// Externally tagged, as `AreaScope`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegistryCheck {
    /// Found: the family's registry record (desil and programmes).
    Found {
        /// What the registry holds.
        record: RegistryRecord,
    },
    /// Not found: a registry proposal (flow B) should be started.
    NotFound,
    /// In the registry, but for a family of another area: its record is that area's
    /// to read. Only the district (kabupaten/kota) is named, to send the resident there.
    OtherArea {
        /// Name of the district holding the record.
        district_name: String,
    },
}

/// A household member in a list: identity masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberRow {
    /// Member id.
    pub id: i64,
    /// NIK masked (no digit shown: `****************`), or empty for members without documents.
    pub nik_masked: String,
    /// Full name.
    pub name: String,
    /// Sex.
    pub sex: Sex,
    /// Age in years today.
    pub age: u32,
    /// Relationship to the head.
    pub relationship: Relationship,
    /// Registry status.
    pub registry_status: MemberRegistryStatus,
}

impl MemberRow {
    /// The list row of `member` with database id `id`, ages counted on `today`.
    pub fn from_member(id: i64, member: &Member, today: NaiveDate) -> MemberRow {
        MemberRow {
            id,
            nik_masked: member.nik.as_ref().map(Nik::masked).unwrap_or_default(),
            name: member.name.clone(),
            sex: member.sex,
            age: member.age_on(today),
            relationship: member.relationship,
            registry_status: member.registry_status,
        }
    }
}

/// A household in a list: No KK masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HouseholdRow {
    /// Household id.
    pub id: i64,
    /// No KK masked.
    pub no_kk_masked: String,
    /// Head of family.
    pub head_name: String,
    /// Village code.
    pub village: AreaCode,
    /// Village name.
    pub village_name: String,
    /// Desil, when in the registry.
    pub desil: Option<Desil>,
    /// Number of members.
    pub member_count: u32,
}

/// A case in a list or at the head of its file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseSummary {
    /// Case id.
    pub id: i64,
    /// Case number, e.g. `SLRT/3209012008/2026/00017`.
    pub number: String,
    /// Optimistic-concurrency version: send it back with a transition.
    pub version: i32,
    /// The day the case was opened.
    pub opened_on: NaiveDate,
    /// Household id.
    pub household_id: i64,
    /// Head of family, for recognition.
    pub head_name: String,
    /// Village of the household.
    pub village: AreaCode,
    /// State and level.
    pub status: CaseStatus,
    /// Most urgent need's type and sector.
    pub complaint_type: ComplaintType,
    /// Sector of the main need.
    pub sector: Sector,
    /// Urgency.
    pub urgency: Urgency,
    /// The deadline.
    pub deadline: Deadline,
    /// Whether past its deadline on the day the summary was made.
    pub overdue: bool,
}

/// A case's file: summary, needs, referrals and the full timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseDetail {
    /// The summary.
    pub summary: CaseSummary,
    /// The name of the case's village (the summary carries its code).
    #[serde(default)]
    pub village_name: String,
    /// The household's members (id, name), for a referral meant for one of them.
    #[serde(default)]
    pub members: Vec<(i64, String)>,
    /// Complaints and needs.
    pub complaints: Vec<Complaint>,
    /// The storage id of each complaint, in the same order.
    pub complaint_ids: Vec<i64>,
    /// Referrals issued.
    pub referrals: Vec<ReferralView>,
    /// Every change of state, oldest first.
    pub timeline: Vec<StateChange>,
    /// Actions the current user can take now.
    pub available_actions: Vec<CaseActionKind>,
}

/// Asks to apply a case action, with the note for the timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseTransitionRequest {
    /// Case id.
    pub case_id: i64,
    /// The version the user saw; a stale version is refused as a conflict.
    pub version: i32,
    /// The action (closing carries its reason).
    pub action: CaseAction,
    /// Why (required for closing and escalating).
    pub note: String,
}

/// A referral as staff and the receiving institution see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferralView {
    /// Referral id.
    pub id: i64,
    /// Optimistic-concurrency version: send it back with a transition.
    pub version: i32,
    /// Number printed on the letter.
    pub number: ReferralNumber,
    /// Programme or service referred to.
    pub programme: ProgrammeKind,
    /// Catalogue entry name.
    pub service_name: String,
    /// Receiving institution.
    pub institution: InstitutionId,
    /// Institution name.
    pub institution_name: String,
    /// Issue date and deadline.
    pub deadline: Deadline,
    /// Current state.
    pub state: ReferralState,
    /// Outcome reported by the institution.
    pub outcome_note: Option<String>,
    /// The consent recorded before sending.
    pub consent: Consent,
    /// Code printed on the letter, checked by the institution on the portal.
    pub verification_code: String,
    /// The member of the household it is for (`None`: the family as a whole).
    #[serde(default)]
    pub member_id: Option<i64>,
}

/// Asks to apply a referral action, with the note for the timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferralTransitionRequest {
    /// Referral id.
    pub referral_id: i64,
    /// The version the user saw; a stale version is refused as a conflict.
    pub version: i32,
    /// The action.
    pub action: ReferralAction,
    /// Why or what came of it (required for reject, complete, cancel).
    pub note: String,
}

/// A registry proposal in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposalRow {
    /// Proposal id.
    pub id: i64,
    /// Optimistic-concurrency version.
    pub version: i32,
    /// Household id.
    pub household_id: i64,
    /// No KK masked.
    pub no_kk_masked: String,
    /// New family, correction or removal.
    pub kind: ProposalKind,
    /// The change asked for (none on proposals stored before it was recorded).
    pub change_type: Option<crate::proposal_change::ChangeType>,
    /// Where it came from.
    pub source: ProposalSource,
    /// Stage reached.
    pub stage: ProposalStage,
    /// Village.
    pub village: AreaCode,
    /// The head of the family, as registered.
    pub head_name: String,
    /// When the proposal last moved.
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

/// The proposals worklist: one page of proposals, and how many of the area's
/// proposals (of the kinds asked, every stage) stand at each stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposalWorklist {
    pub page: Page<ProposalRow>,
    /// Every stage with its count, in the order of the flow.
    pub stages: Vec<(ProposalStage, u64)>,
}

/// A registry proposal's page: the proposal and every step it took, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposalFile {
    pub proposal: ProposalRow,
    /// The change asked for, when it was recorded.
    pub change: Option<crate::proposal_change::ProposalChange>,
    /// "Now → proposed" against the household as it is today.
    pub comparison: Vec<crate::proposal_change::Comparison>,
    /// The family's other unfinished proposals, each with whether it conflicts
    /// with this one (names a member in common, or removes the family).
    pub others: Vec<(ProposalRow, bool)>,
    /// The family's living members with their civil-registry match (from
    /// verivali on, while the family lives where the proposal was made).
    pub match_members: Vec<crate::proposal_batch::MatchMember>,
    /// The batch the district approved it in, once approved: id and number.
    pub batch: Option<(i64, String)>,
    pub timeline: Vec<StateChange>,
}

/// Asks to apply a proposal action, with the note for the timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposalTransitionRequest {
    /// Proposal id.
    pub proposal_id: i64,
    /// The version the user saw; a stale version is refused as a conflict.
    pub version: i32,
    /// The action.
    pub action: ProposalAction,
    /// Why (required for reject); the musdes minutes or decree number otherwise.
    pub note: String,
    /// The card Dukcapil issued for a pecah KK, given when it is enacted.
    #[serde(default)]
    pub new_card: Option<NewCard>,
}

/// The new family card of a pecah KK: its number and who heads it (one of
/// the members who move to it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewCard {
    pub no_kk: crate::identity::NoKk,
    pub head_id: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_address_never_searches_for_an_identity_number() {
        let query = |q: &str| HouseholdListQuery {
            q: q.into(),
            ..HouseholdListQuery::default()
        };
        assert_eq!(query("3209011203150007").filter().search, None);
        assert_eq!(query("3209 0112 0315 0007").filter().search, None);
        assert_eq!(query("Siti").filter().search.as_deref(), Some("Siti"));
        assert_eq!(query("RT 3").filter().search.as_deref(), Some("RT 3"));
    }

    #[test]
    fn a_referral_inbox_address_reads_as_its_filter() {
        let query = |status: &str, cari: &str, urut: &str| ReferralListQuery {
            status: status.into(),
            terlambat: "1".into(),
            cari: cari.into(),
            urut: urut.into(),
            page: "2".into(),
        };
        let waiting = query("", "", "").filter();
        assert!(!waiting.states.is_empty());
        assert!(waiting.states.iter().all(|state| state.is_open()));
        assert_eq!(waiting.sort, CaseSort::NewestFirst);
        assert!(waiting.overdue_only);
        assert_eq!(waiting.page, 2);
        // A letter's number is looked for in every state.
        assert!(query("", "RJK/1", "").filter().states.is_empty());
        assert!(query("semua", "", "batas").filter().states.is_empty());
        assert_eq!(query("", "", "batas").filter().sort, CaseSort::DueFirst);
        assert_eq!(query("", "", "lama").filter().sort, CaseSort::OldestFirst);
        assert_eq!(
            query("completed", "", "").filter().states,
            vec![ReferralState::Completed]
        );
        assert!(
            query("x", "", "")
                .pairs()
                .contains(&("status", "x".to_string()))
        );
    }

    #[test]
    fn a_proposal_list_address_reads_as_its_filter() {
        use crate::roles::Role;
        let query = |tahap: &str, umur: &str| ProposalListQuery {
            tahap: tahap.into(),
            jenis: "removal".into(),
            wilayah: "32.09.01".into(),
            umur: umur.into(),
            page: "3".into(),
        };
        let mine = query("", "30").filter(Role::BackOffice);
        assert_eq!(mine.stages, vec![ProposalStage::Verified]);
        assert_eq!(mine.kinds, vec![ProposalKind::Removal]);
        assert_eq!(mine.idle_days, Some(30));
        assert_eq!(mine.page, 3);
        assert_eq!(mine.area.as_ref().map(AreaCode::as_str), Some("32.09.01"));
        assert!(
            query("semua", "")
                .filter(Role::BackOffice)
                .stages
                .is_empty()
        );
        assert_eq!(
            query("rejected", "").filter(Role::BackOffice).stages,
            vec![ProposalStage::Rejected]
        );
        // Only the offered choices of days count; anything else is no filter.
        assert_eq!(query("", "31").filter(Role::BackOffice).idle_days, None);
        assert_eq!(query("", "-7").filter(Role::BackOffice).idle_days, None);
        assert!(query("", "7").pairs().contains(&("umur", "7".to_string())));
    }

    #[test]
    fn case_list_addresses_become_filters_and_bad_values_are_ignored() {
        let query = CaseListQuery {
            q: " Siti ".into(),
            wilayah: "32.09.01".into(),
            status: "terbuka".into(),
            sektor: "health".into(),
            program: "bukan-program".into(),
            dari: "2026-01-31".into(),
            sampai: "31/12/2026".into(),
            terlambat: "1".into(),
            saya: "1".into(),
            urut: "baru".into(),
            page: "3".into(),
        };
        let filter = query.filter();
        assert_eq!(filter.search.as_deref(), Some("Siti"));
        assert_eq!(filter.area.as_ref().map(AreaCode::as_str), Some("32.09.01"));
        assert!(filter.open_only && filter.states.is_empty() && filter.overdue_only && filter.mine);
        assert_eq!(filter.sector, Some(Sector::Health));
        assert_eq!(filter.programme, None);
        assert_eq!(filter.opened_from, NaiveDate::from_ymd_opt(2026, 1, 31));
        assert_eq!(filter.opened_to, None, "not yyyy-mm-dd");
        assert_eq!((filter.sort, filter.page), (CaseSort::NewestFirst, 3));
        let referred = CaseListQuery {
            status: "referred".into(),
            ..CaseListQuery::default()
        }
        .filter();
        assert_eq!(referred.states, vec![crate::case::CaseState::Referred]);
        assert_eq!(referred.page, 1);
    }

    #[test]
    fn field_messages_carry_codes_and_both_languages() {
        let error = DomainError::Invalid {
            errors: vec![FieldError {
                field: "nik".into(),
                error: DomainError::NikRequired,
            }],
        };
        let fields = FieldMessage::all_of(&error);
        assert_eq!(fields.len(), 1);
        assert_eq!(fields[0].field, "nik");
        assert_eq!(fields[0].code, "nik_required");
        assert!(fields[0].message_id.starts_with("NIK wajib diisi"));
        assert!(fields[0].message_en.contains("A NIK is required"));
        assert!(FieldMessage::all_of(&DomainError::NikRequired).is_empty());
    }

    #[test]
    fn registry_check_round_trips_externally_tagged() {
        let json = serde_json::to_string(&RegistryCheck::NotFound).unwrap_or_default();
        assert_eq!(json, r#""not_found""#);
        let back: Result<RegistryCheck, _> = serde_json::from_str(&json);
        assert_eq!(back.ok(), Some(RegistryCheck::NotFound));
    }
}

/// The id of something just created.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Created {
    /// Its id.
    pub id: i64,
}

/// What to look up at the front desk: a NIK or a No KK (sent in a request body, never a URL).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum IdentityQuery {
    /// A person's NIK.
    Nik(Nik),
    /// A family card number.
    NoKk(crate::identity::NoKk),
}

/// The answer of a front-desk lookup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentityLookup {
    /// Households inside the actor's area that match.
    pub households: Vec<HouseholdRow>,
    /// True when the number is registered in another area.
    pub registered_elsewhere: bool,
    /// Where, when it is: only the name of the district (kabupaten/kota) to refer
    /// the resident to, or of the sub-district (kecamatan) when it is the caller's own
    /// district. Never the household, its village or its registry record.
    #[serde(default)]
    pub elsewhere_area: Option<String>,
    /// The registry check.
    pub registry: RegistryCheck,
}

/// Registers a household with its members at the front desk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterHousehold {
    /// Client-generated key: a retry with the same key returns the first result.
    pub idempotency_key: String,
    /// The household.
    pub household: crate::household::Household,
    /// Its members (at least the head).
    pub members: Vec<Member>,
    /// The front desk has seen the households on record likely the same
    /// family and confirms this is another one (see [`crate::duplicates`]).
    #[serde(default)]
    pub confirmed_new: bool,
}

/// A household's file as staff see it: identity numbers masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HouseholdFile {
    /// Household id.
    pub id: i64,
    /// Optimistic-concurrency version.
    pub version: i32,
    /// No KK masked.
    pub no_kk_masked: String,
    /// Head of family.
    pub head_name: String,
    /// Address.
    pub address: crate::geo::Address,
    /// Village name.
    pub village_name: String,
    /// The registry record, when the family is in the registry.
    pub registry: Option<RegistryRecord>,
    /// Housing condition.
    pub housing: crate::household::HousingCondition,
    /// Assets owned.
    pub assets: Vec<crate::household::AssetKind>,
    /// Monthly income band.
    pub income_band: crate::household::IncomeBand,
    /// Programmes the household is enrolled in.
    pub programmes: Vec<ProgrammeKind>,
    /// Whether a house photo is on file.
    pub has_house_photo: bool,
    /// Members, identity masked.
    pub members: Vec<MemberFile>,
    /// The household's cases, newest first.
    pub cases: Vec<CaseSummary>,
    /// Its life events, cases and registry proposals together, newest first.
    #[serde(default)]
    pub timeline: Vec<TimelineItem>,
    /// The household this record was merged into: it is kept for its
    /// history only, and work goes on there.
    #[serde(default)]
    pub merged_into: Option<i64>,
    /// Recorded from a village's BNBA list: housing, assets and income are
    /// not known yet (the home visit or an edit records them); `housing`,
    /// `assets` and `income_band` are placeholders meanwhile, not to be shown.
    #[serde(default)]
    pub awaiting_survey: bool,
}

/// One line of a household's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineItem {
    /// The day it happened (an event's date; the day a case was opened or a
    /// proposal made).
    pub date: NaiveDate,
    pub what: TimelineWhat,
    /// What the event's record says (empty for a case or a proposal).
    pub text: String,
}

/// What a timeline line is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum TimelineWhat {
    /// A life event recorded on the file.
    Event(crate::household::HouseholdEventKind),
    /// A case (id, number, state now).
    Case(i64, String, crate::case::CaseState),
    /// A registry proposal (id, kind, stage now).
    Proposal(i64, ProposalKind, ProposalStage),
}

/// A member's specific personal data (UU 27/2022: disability, chronic illness,
/// pregnancy, PPKS). A household file never carries it: it is sent on its own
/// audited request to the roles that work with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberSpecifics {
    /// Member id.
    pub member_id: i64,
    /// Disabilities (empty: none).
    pub disabilities: Vec<crate::member::DisabilityType>,
    /// Chronic illnesses (empty: none).
    pub chronic_illnesses: Vec<crate::member::ChronicIllness>,
    /// Currently pregnant.
    pub pregnant: bool,
    /// PPKS categories (empty: none).
    pub ppks: Vec<crate::member::PpksCategory>,
}

impl MemberSpecifics {
    /// Whether there is nothing to show.
    pub fn is_empty(&self) -> bool {
        self.disabilities.is_empty()
            && self.chronic_illnesses.is_empty()
            && !self.pregnant
            && self.ppks.is_empty()
    }
}

/// A member in a household file: NIK masked (`member.nik` is always `None`),
/// specific personal data left out (see [`MemberSpecifics`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberFile {
    /// Member id.
    pub id: i64,
    /// Optimistic-concurrency version.
    pub version: i32,
    /// NIK masked, when the member has one.
    pub nik_masked: Option<String>,
    /// The member's data (without the NIK). When `birth_date_exact` is false,
    /// `member.birth_date` is 1 January of the birth year: only the year is true.
    pub member: Member,
    /// Age in whole years today (WIB), from the real birth date.
    pub age: u32,
    /// Whether `member.birth_date` is the real date. It is given only to roles
    /// that may see the whole NIK: with the village and sex on the same page, a
    /// birth date is most of a NIK (digits 7–12).
    pub birth_date_exact: bool,
    /// Recorded from a list: marital status, education and occupation are
    /// placeholders until the member's data is edited.
    #[serde(default)]
    pub awaiting_survey: bool,
}

/// Changes a household's data (not its No KK).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateHousehold {
    /// Household id.
    pub id: i64,
    /// The version the user saw.
    pub version: i32,
    /// Head of family.
    pub head_name: String,
    /// Address (a move to another village is a household event instead).
    pub address: crate::geo::Address,
    /// Housing condition.
    pub housing: crate::household::HousingCondition,
    /// Assets.
    pub assets: Vec<crate::household::AssetKind>,
    /// Income band.
    pub income_band: crate::household::IncomeBand,
    /// Programmes enrolled.
    pub programmes: Vec<ProgrammeKind>,
    /// House photo on file.
    pub has_house_photo: bool,
}

/// Changes a member. `member.nik = None` keeps the stored NIK.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateMember {
    /// Member id.
    pub member_id: i64,
    /// The version the user saw.
    pub version: i32,
    /// The new data.
    pub member: Member,
    /// The member's specific personal data (health, disability, PPKS) is in
    /// `member` as the user saw it; otherwise the stored data stays.
    #[serde(default)]
    pub with_specifics: bool,
}

/// Opens a case for a household, with its first complaints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenCase {
    /// Client-generated key: a retry with the same key returns the first case.
    pub idempotency_key: String,
    /// Household id.
    pub household_id: i64,
    /// How the resident came.
    pub channel: crate::complaint::Channel,
    /// The complaints and needs (at least one).
    pub complaints: Vec<Complaint>,
}

/// How a case list is ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseSort {
    /// Earliest deadline first (overdue on top).
    #[default]
    DueFirst,
    /// Newest first.
    NewestFirst,
    /// Oldest first.
    OldestFirst,
}

/// Filters of a case list; everything is further limited to the actor's area.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseFilter {
    /// Only cases in this area (must lie inside the actor's area).
    pub area: Option<AreaCode>,
    /// Only these states (empty: all).
    pub states: Vec<crate::case::CaseState>,
    /// Only open cases (not resolved or closed).
    pub open_only: bool,
    /// Only cases with a complaint in this sector.
    pub sector: Option<Sector>,
    /// Only cases with a referral to this programme.
    pub programme: Option<ProgrammeKind>,
    /// Opened on or after.
    pub opened_from: Option<NaiveDate>,
    /// Opened on or before.
    pub opened_to: Option<NaiveDate>,
    /// Only cases past their deadline.
    pub overdue_only: bool,
    /// Only cases the actor has worked on (opened or moved a step): "my cases".
    #[serde(default)]
    pub mine: bool,
    /// What staff typed ([`crate::names::read_search`]): a member's name
    /// (spelling variants alike), a NIK or No KK, a case or referral number,
    /// or an RT/RW.
    pub search: Option<String>,
    /// Order.
    pub sort: CaseSort,
    /// Page number from 1.
    pub page: u32,
    /// Rows per page (at most 100).
    pub per_page: u32,
}

/// A case list's filters as they travel in a page address or an export link
/// (`/kasus?status=referred&terlambat=1`): plain strings, so that any address
/// opens; what does not parse is ignored.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseListQuery {
    /// Head of family name contains.
    #[serde(default)]
    pub q: String,
    /// Area code inside the user's area.
    #[serde(default)]
    pub wilayah: String,
    /// A case state code, or `terbuka` for every unfinished case.
    #[serde(default)]
    pub status: String,
    /// A sector code.
    #[serde(default)]
    pub sektor: String,
    /// A programme kind code.
    #[serde(default)]
    pub program: String,
    /// Opened on or after (`yyyy-mm-dd`).
    #[serde(default)]
    pub dari: String,
    /// Opened on or before (`yyyy-mm-dd`).
    #[serde(default)]
    pub sampai: String,
    /// `1`: overdue only.
    #[serde(default)]
    pub terlambat: String,
    /// `1`: only the cases the user has worked on.
    #[serde(default)]
    pub saya: String,
    /// `baru` (newest first), `lama` (oldest first); otherwise earliest deadline first.
    #[serde(default)]
    pub urut: String,
    /// Page number.
    #[serde(default)]
    pub page: String,
}

impl CaseListQuery {
    /// The service filter these parameters describe (25 rows a page).
    pub fn filter(&self) -> CaseFilter {
        let date = |text: &str| crate::dates::parse_iso(text.trim());
        let status = self.status.trim();
        CaseFilter {
            area: AreaCode::parse(self.wilayah.trim()).ok(),
            states: crate::case::CaseState::from_code(status)
                .into_iter()
                .collect(),
            open_only: status == "terbuka",
            sector: Sector::from_code(self.sektor.trim()),
            programme: ProgrammeKind::from_code(self.program.trim()),
            opened_from: date(&self.dari),
            opened_to: date(&self.sampai),
            overdue_only: self.terlambat == "1",
            mine: self.saya == "1",
            search: Some(self.q.trim().to_string()).filter(|q| !q.is_empty()),
            sort: match self.urut.as_str() {
                "baru" => CaseSort::NewestFirst,
                "lama" => CaseSort::OldestFirst,
                _ => CaseSort::DueFirst,
            },
            page: self.page.parse().unwrap_or(1).max(1),
            per_page: 25,
        }
    }

    /// Whether a filter beyond the search and the status is set.
    pub fn has_more_filters(&self) -> bool {
        [
            &self.wilayah,
            &self.sektor,
            &self.program,
            &self.dari,
            &self.sampai,
            &self.urut,
        ]
        .iter()
        .any(|value| !value.trim().is_empty())
    }

    /// The parameters as name/value pairs (for links), without the page.
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        vec![
            ("q", self.q.clone()),
            ("wilayah", self.wilayah.clone()),
            ("status", self.status.clone()),
            ("sektor", self.sektor.clone()),
            ("program", self.program.clone()),
            ("dari", self.dari.clone()),
            ("sampai", self.sampai.clone()),
            ("terlambat", self.terlambat.clone()),
            ("saya", self.saya.clone()),
            ("urut", self.urut.clone()),
        ]
    }
}

/// Filters of a household list; everything is further limited to the actor's area.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HouseholdFilter {
    /// Only households in this area (must lie inside the actor's area).
    pub area: Option<AreaCode>,
    /// Head of family name contains (case-insensitive).
    pub search: Option<String>,
    /// `Some(true)`: in the registry; `Some(false)`: not in it.
    pub in_registry: Option<bool>,
    /// Only this desil.
    pub desil: Option<u8>,
    /// Only households with an unfinished case.
    pub open_case_only: bool,
    /// Page number from 1.
    pub page: u32,
    /// Rows per page (at most 100).
    pub per_page: u32,
}

/// A household list's filters as they travel in a page address (`/keluarga?registri=tidak`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HouseholdListQuery {
    /// Head of family name contains.
    #[serde(default)]
    pub q: String,
    /// Area code inside the user's area.
    #[serde(default)]
    pub wilayah: String,
    /// `ya` (in the registry) or `tidak` (not in it).
    #[serde(default)]
    pub registri: String,
    /// Desil 1 to 10.
    #[serde(default)]
    pub desil: String,
    /// `1`: only households with an unfinished case.
    #[serde(default)]
    pub kasus: String,
    /// Page number.
    #[serde(default)]
    pub page: String,
}

impl HouseholdListQuery {
    /// The service filter these parameters describe (25 rows a page); what does not parse is ignored.
    pub fn filter(&self) -> HouseholdFilter {
        HouseholdFilter {
            area: AreaCode::parse(self.wilayah.trim()).ok(),
            // A NIK or No KK never travels in an address: one that arrived
            // in `?q=` is not searched for (the front desk looks them up).
            search: Some(self.q.trim().to_string()).filter(|q| {
                !q.is_empty()
                    && !matches!(
                        crate::names::read_search(q),
                        Some(crate::names::Search::IdNumber(_))
                    )
            }),
            in_registry: match self.registri.trim() {
                "ya" => Some(true),
                "tidak" => Some(false),
                _ => None,
            },
            desil: self
                .desil
                .trim()
                .parse()
                .ok()
                .filter(|d| (1..=10).contains(d)),
            open_case_only: self.kasus == "1",
            page: self.page.parse().unwrap_or(1).max(1),
            per_page: 25,
        }
    }

    /// The parameters as name/value pairs (for links), without the page.
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        vec![
            ("q", self.q.clone()),
            ("wilayah", self.wilayah.clone()),
            ("registri", self.registri.clone()),
            ("desil", self.desil.clone()),
            ("kasus", self.kasus.clone()),
        ]
    }
}

/// A village the actor may register households in, with its sub-district for grouping.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VillageOption {
    /// Village code.
    pub code: String,
    /// Village name.
    pub name: String,
    /// Sub-district name.
    pub subdistrict: String,
}

/// Issues a referral from a case whose service is decided, after the resident's consent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssueReferral {
    /// Client-generated key: a retry with the same key returns the first referral.
    pub idempotency_key: String,
    /// Case id.
    pub case_id: i64,
    /// The complaint or need it answers, when one is singled out.
    pub complaint_id: Option<i64>,
    /// The member of the household it is for (the patient, the pupil); `None`
    /// for the family as a whole.
    #[serde(default)]
    pub member_id: Option<i64>,
    /// Catalogue entry (programme or service) id.
    pub programme_id: i64,
    /// Receiving institution id.
    pub institution_id: i64,
    /// The resident's consent to share their data with the institution for this
    /// programme or service; the service refuses the referral without it.
    pub consent: Option<crate::referral::ConsentGiven>,
}

/// Filters of a referral list (an institution's inbox, or staff's view of their area).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferralFilter {
    /// Only these states (empty: all).
    pub states: Vec<ReferralState>,
    /// A letter's number or verification code, as typed at the desk (empty: all).
    #[serde(default)]
    pub search: String,
    /// Only referrals past their deadline and still open.
    pub overdue_only: bool,
    /// The order of the rows (by deadline, or by when they were sent).
    #[serde(default)]
    pub sort: CaseSort,
    /// Page number from 1.
    pub page: u32,
    /// Rows per page (at most 100).
    pub per_page: u32,
}

/// The referral inbox's filters as they travel in a page address or a
/// download link (`/rujukan?status=sent&terlambat=1&urut=batas`): plain
/// strings, so that any address opens; what does not parse is ignored.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferralListQuery {
    /// Empty: what still awaits an answer; `semua`: every state; else one state's code.
    #[serde(default)]
    pub status: String,
    /// `1`: only the referrals past their deadline.
    #[serde(default)]
    pub terlambat: String,
    /// A letter's number or verification code.
    #[serde(default)]
    pub cari: String,
    /// `batas` (earliest deadline first), `lama` (oldest first); otherwise newest first.
    #[serde(default)]
    pub urut: String,
    /// Page number.
    #[serde(default)]
    pub page: String,
}

impl ReferralListQuery {
    /// The states the inbox shows for its `status` choice: by default what
    /// still awaits the institution (but a letter's number or code is looked
    /// for in every state), `semua` everything, else the one state chosen.
    pub fn states(&self) -> Vec<ReferralState> {
        match self.status.trim() {
            "" if self.cari.trim().is_empty() => ReferralState::ALL
                .iter()
                .copied()
                .filter(|s| s.is_open())
                .collect(),
            "" | "semua" => Vec::new(),
            code => ReferralState::from_code(code).into_iter().collect(),
        }
    }

    /// The service filter these parameters describe (25 rows a page).
    pub fn filter(&self) -> ReferralFilter {
        ReferralFilter {
            states: self.states(),
            search: self.cari.clone(),
            overdue_only: self.terlambat == "1",
            sort: match self.urut.as_str() {
                "batas" => CaseSort::DueFirst,
                "lama" => CaseSort::OldestFirst,
                _ => CaseSort::NewestFirst,
            },
            page: self.page.parse().unwrap_or(1).max(1),
            per_page: 25,
        }
    }

    /// The parameters as name/value pairs (for links), without the page.
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        vec![
            ("status", self.status.clone()),
            ("terlambat", self.terlambat.clone()),
            ("cari", self.cari.clone()),
            ("urut", self.urut.clone()),
        ]
    }
}

/// A referral in an inbox or list, with what the receiving desk needs to serve the resident.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferralInboxItem {
    /// The referral.
    pub referral: ReferralView,
    /// Case id.
    pub case_id: i64,
    /// Case number.
    pub case_number: String,
    /// Head of the resident's family.
    pub resident_name: String,
    /// The member of the household the referral is for, when it names one.
    #[serde(default)]
    pub member_name: Option<String>,
    /// Village name.
    pub village_name: String,
    /// What is needed, in the officer's words.
    pub need: String,
    /// Still open and past its deadline (on the server's today, WIB).
    pub overdue: bool,
}

/// A referral letter (surat rujukan) as printed for the resident to take along.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferralLetter {
    /// The referral with the resident, the village and the need.
    pub item: ReferralInboxItem,
    /// The day it was issued.
    pub issued_on: NaiveDate,
    /// Kemendagri code of the resident's village.
    pub village_code: String,
    /// The issuing district's name (the letterhead), e.g. "Kabupaten Cirebon".
    pub district_name: String,
    /// Who gave consent to share data with the institution.
    pub consent_by: String,
}

/// What anyone holding a referral letter may check on the portal: no personal data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferralCheck {
    /// Referral number.
    pub number: String,
    /// Receiving institution.
    pub institution_name: String,
    /// Programme or service.
    pub service_name: String,
    /// Issue date.
    pub issued_on: NaiveDate,
    /// Deadline.
    pub due_on: NaiveDate,
    /// Current state.
    pub state: ReferralState,
}

/// Starts a registry proposal (flow B) for a household.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StartProposal {
    /// Client-generated key: a retry returns the first proposal.
    pub idempotency_key: String,
    /// Household id.
    pub household_id: i64,
    /// What the registry is asked to change (its kind follows from it).
    pub change: crate::proposal_change::ProposalChange,
    /// Where it came from.
    pub source: ProposalSource,
    /// Why.
    pub note: String,
}

/// Filters of a proposal list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposalFilter {
    /// Only proposals in this area (inside the actor's area).
    pub area: Option<AreaCode>,
    /// Only these stages (empty: all).
    pub stages: Vec<ProposalStage>,
    /// Only these kinds (empty: all).
    #[serde(default)]
    pub kinds: Vec<ProposalKind>,
    /// Only proposals that have not moved for at least this many days.
    #[serde(default)]
    pub idle_days: Option<u32>,
    /// Page number from 1.
    pub page: u32,
    /// Rows per page (at most 100).
    pub per_page: u32,
}

/// The proposals list's filters as they travel in a page address
/// (`/usulan?tahap=saya&jenis=correction&wilayah=32.09.01&umur=30`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposalListQuery {
    /// [`ProposalListQuery::MINE`] (empty too: the stages of the user's own
    /// steps), [`ProposalListQuery::ALL`], or one stage's code.
    #[serde(default)]
    pub tahap: String,
    /// A [`ProposalKind`] code.
    #[serde(default)]
    pub jenis: String,
    /// A village or sub-district code inside the user's area.
    #[serde(default)]
    pub wilayah: String,
    /// Days without a step: `7`, `30`, `90`.
    #[serde(default)]
    pub umur: String,
    /// Page number.
    #[serde(default)]
    pub page: String,
}

impl ProposalListQuery {
    /// The stages of the user's own steps.
    pub const MINE: &'static str = "saya";
    /// Every stage.
    pub const ALL: &'static str = "semua";
    /// The choices of days without a step.
    pub const IDLE_DAYS: [u32; 3] = [7, 30, 90];

    /// The stages `tahap` stands for when `role` asks (empty: every stage).
    pub fn stages(&self, role: crate::roles::Role) -> Vec<ProposalStage> {
        match self.tahap.trim() {
            Self::ALL => Vec::new(),
            "" | Self::MINE => crate::proposal::ProposalFlow::awaiting(role),
            code => ProposalStage::from_code(code).into_iter().collect(),
        }
    }

    /// The service filter these parameters describe for `role` (25 rows a
    /// page); what does not parse is left out.
    pub fn filter(&self, role: crate::roles::Role) -> ProposalFilter {
        ProposalFilter {
            area: AreaCode::parse(self.wilayah.trim()).ok(),
            stages: self.stages(role),
            kinds: ProposalKind::from_code(self.jenis.trim())
                .into_iter()
                .collect(),
            idle_days: self
                .umur
                .trim()
                .parse()
                .ok()
                .filter(|days| Self::IDLE_DAYS.contains(days)),
            page: self.page.parse().unwrap_or(1).max(1),
            per_page: 25,
        }
    }

    /// The parameters as name/value pairs (for links), without the page.
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        vec![
            ("tahap", self.tahap.clone()),
            ("jenis", self.jenis.clone()),
            ("wilayah", self.wilayah.clone()),
            ("umur", self.umur.clone()),
        ]
    }
}

/// A catalogue entry with its storage id and version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgrammeEntry {
    /// Programme id.
    pub id: i64,
    /// Optimistic-concurrency version.
    pub version: i32,
    /// The entry.
    pub entry: crate::programme::CatalogueEntry,
    /// The institution that delivers it by default.
    pub institution_id: Option<i64>,
}

/// Creates (`id = None`) or changes a catalogue entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SaveProgramme {
    /// Programme id when changing one.
    pub id: Option<i64>,
    /// The version seen, when changing one.
    pub version: Option<i32>,
    /// The entry.
    pub entry: crate::programme::CatalogueEntry,
    /// Default institution.
    pub institution_id: Option<i64>,
}

/// A receiving institution with its contact details and version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstitutionEntry {
    /// Optimistic-concurrency version.
    pub version: i32,
    /// The institution.
    pub institution: crate::programme::ReceivingInstitution,
    /// Address.
    pub address: Option<String>,
    /// Telephone.
    pub phone: Option<String>,
}

/// Creates (`id = None`) or changes a receiving institution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SaveInstitution {
    /// Institution id when changing one.
    pub id: Option<i64>,
    /// The version seen, when changing one.
    pub version: Option<i32>,
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: crate::programme::InstitutionKind,
    /// Area served.
    pub serves: AreaScope,
    /// Address.
    pub address: Option<String>,
    /// Telephone.
    pub phone: Option<String>,
    /// Still takes referrals.
    pub active: bool,
}
