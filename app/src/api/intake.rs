//! The front desk (flow A): look a resident up by NIK or No KK, register a
//! household, open its file, open a case with its complaints, act on the case,
//! issue a referral with consent, and propose a family to the registry.
//! Identity numbers travel only in request bodies, never in an address.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use shared::drafts::{CaseActionDraft, ReferralDraft};
use shared::dto::{
    Created, HouseholdFile, HouseholdFilter, HouseholdRow, IdentityLookup, Page, ReferralView,
    VillageOption,
};
use shared::intake::{OpenCaseDraft, RegistrationDraft};

use super::AppError;
#[cfg(feature = "ssr")]
use super::ssr;

/// Looks a NIK or No KK up in the area's households and in the registry.
#[server(prefix = "/api", endpoint = "lookup_identity", input = Json)]
pub async fn lookup_identity(kind: String, number: String) -> Result<IdentityLookup, AppError> {
    let actor = ssr::actor()?;
    let query = shared::form_post::lookup_query(&kind, &number)?;
    Ok(ssr::services()?.households.lookup(&actor, query).await?)
}

/// The villages the user may register households in.
#[server(prefix = "/api", endpoint = "village_options")]
pub async fn village_options() -> Result<Vec<VillageOption>, AppError> {
    let actor = ssr::actor()?;
    Ok(ssr::services()?.areas.villages(&actor).await?)
}

/// Registers a household and its members from the form as typed.
#[server(prefix = "/api", endpoint = "register_household", input = Json)]
pub async fn register_household(draft: RegistrationDraft) -> Result<Created, AppError> {
    let actor = ssr::actor()?;
    let request = draft.to_request(ssr::today())?;
    Ok(ssr::services()?
        .households
        .register(&actor, request)
        .await?)
}

/// A household's file (a view of personal data: audited).
#[server(prefix = "/api", endpoint = "household_file")]
pub async fn get_household_file(household_id: i64) -> Result<HouseholdFile, AppError> {
    let actor = ssr::actor()?;
    Ok(ssr::services()?
        .households
        .file(&actor, household_id)
        .await?)
}

/// A page of the area's households.
#[server(prefix = "/api", endpoint = "household_list", input = Json)]
pub async fn get_household_list(filter: HouseholdFilter) -> Result<Page<HouseholdRow>, AppError> {
    let actor = ssr::actor()?;
    Ok(ssr::services()?.households.list(&actor, filter).await?)
}

/// A member's whole NIK, for roles allowed to see it (audited).
#[server(prefix = "/api", endpoint = "reveal_nik")]
pub async fn reveal_nik(member_id: i64) -> Result<String, AppError> {
    let actor = ssr::actor()?;
    Ok(ssr::services()?
        .households
        .reveal_nik(&actor, member_id)
        .await?)
}

/// The members' health, disability and PPKS data, for the roles that work
/// with it (audited; never part of the household file).
#[server(prefix = "/api", endpoint = "member_specifics")]
pub async fn member_specifics(
    household_id: i64,
) -> Result<Vec<shared::dto::MemberSpecifics>, AppError> {
    let actor = ssr::actor()?;
    Ok(ssr::services()?
        .households
        .specifics(&actor, household_id)
        .await?)
}

/// A household's whole No KK, for roles allowed to see it (audited).
#[server(prefix = "/api", endpoint = "reveal_no_kk")]
pub async fn reveal_no_kk(household_id: i64) -> Result<String, AppError> {
    let actor = ssr::actor()?;
    Ok(ssr::services()?
        .households
        .reveal_no_kk(&actor, household_id)
        .await?)
}

/// Opens a case for a household with its first complaints and needs.
#[server(prefix = "/api", endpoint = "open_case", input = Json)]
pub async fn open_case(draft: OpenCaseDraft) -> Result<Created, AppError> {
    let actor = ssr::actor()?;
    let request = draft.to_request(ssr::today())?;
    Ok(ssr::services()?.cases.open(&actor, request).await?)
}

/// Applies a case action (closing carries its reason; escalating and closing need a note).
#[server(prefix = "/api", endpoint = "case_action")]
pub async fn case_action(#[server(flatten)] draft: CaseActionDraft) -> Result<(), AppError> {
    let actor = ssr::actor()?;
    let cases = ssr::services()?.cases;
    cases.transition(&actor, draft.to_request()?).await?;
    Ok(())
}

/// Issues a referral from a case, with the resident's consent to share data with the institution.
#[server(prefix = "/api", endpoint = "issue_referral")]
pub async fn issue_referral(
    #[server(flatten)] draft: ReferralDraft,
) -> Result<ReferralView, AppError> {
    let actor = ssr::actor()?;
    let request = draft.to_request(ssr::today())?;
    Ok(ssr::services()?.referrals.issue(&actor, request).await?)
}

/// Saves a household's edited fields (its card and village stay); answers the
/// household, or a conflict when someone saved in between.
#[server(prefix = "/api", endpoint = "update_household", input = Json)]
pub async fn update_household(
    draft: shared::editing::HouseholdEditDraft,
) -> Result<Created, AppError> {
    let actor = ssr::actor()?;
    let request = draft.to_request()?;
    ssr::services()?.households.update(&actor, request).await?;
    Ok(Created {
        id: draft.household_id,
    })
}

/// Saves a member's edited fields; answers the member, or a conflict when
/// someone saved in between.
#[server(prefix = "/api", endpoint = "update_member", input = Json)]
pub async fn update_member(draft: shared::editing::MemberEditDraft) -> Result<Created, AppError> {
    let (actor, households) = (ssr::actor()?, ssr::services()?.households);
    households
        .update_member(&actor, draft.to_request(ssr::today())?)
        .await?;
    Ok(Created {
        id: draft.member_id,
    })
}

/// Records a life event on a household (birth, joining, death, moving out,
/// change of head, pecah KK, move) from the form as typed.
#[server(prefix = "/api", endpoint = "record_life_event", input = Json)]
pub async fn record_life_event(
    draft: shared::life_event::LifeEventDraft,
) -> Result<Created, AppError> {
    let actor = ssr::actor()?;
    let request = draft.to_request(ssr::today())?;
    Ok(ssr::services()?
        .households
        .life_event(&actor, request)
        .await?)
}

/// Proposes a change of a household to the registry (flow B): a new family,
/// a member added or removed, a new head, a correction, a split or a removal.
#[server(prefix = "/api", endpoint = "propose_to_registry", input = Json)]
pub async fn propose_to_registry(
    draft: shared::proposal_change::ProposalDraft,
) -> Result<Created, AppError> {
    let actor = ssr::actor()?;
    let proposals = ssr::services()?.proposals;
    Ok(proposals.start(&actor, draft.to_request()?).await?)
}
