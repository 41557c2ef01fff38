//! The front desk (flow A): look a resident up by NIK or No KK, register a
//! household, open its file, open a case with its complaints, act on the case,
//! issue a referral with consent, and propose a family to the registry.
//! Identity numbers travel only in request bodies, never in an address.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use shared::dto::{
    Created, HouseholdFile, HouseholdFilter, HouseholdRow, IdentityLookup, Page, ReferralView,
    VillageOption,
};
use shared::intake::{OpenCaseDraft, RegistrationDraft};

use super::AppError;
#[cfg(feature = "ssr")]
use super::{invalid_code, ssr};

/// Looks a NIK or No KK up in the area's households and in the registry.
#[server(prefix = "/api", endpoint = "lookup_identity", input = Json)]
pub async fn lookup_identity(kind: String, number: String) -> Result<IdentityLookup, AppError> {
    let actor = ssr::actor()?;
    let query = shared::form_post::lookup_query(&kind, &number)
        .map_err(shared::contract::ServiceError::from)?;
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
    let request = draft
        .to_request(ssr::today())
        .map_err(shared::contract::ServiceError::from)?;
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
    let request = draft
        .to_request(ssr::today())
        .map_err(shared::contract::ServiceError::from)?;
    Ok(ssr::services()?.cases.open(&actor, request).await?)
}

/// Applies a case action (closing carries its reason; escalating and closing need a note).
#[server(prefix = "/api", endpoint = "case_action")]
pub async fn case_action(
    case_id: i64,
    version: i32,
    action: String,
    #[server(default)] reason: String,
    #[server(default)] note: String,
) -> Result<(), AppError> {
    use shared::case::{CaseAction, CaseActionKind, CloseReason};
    let actor = ssr::actor()?;
    let kind = CaseActionKind::from_code(&action).ok_or_else(|| invalid_code("action", &action))?;
    let action = match kind {
        CaseActionKind::CheckRegistry => CaseAction::CheckRegistry,
        CaseActionKind::IdentifyNeeds => CaseAction::IdentifyNeeds,
        CaseActionKind::DecideService => CaseAction::DecideService,
        CaseActionKind::Refer => CaseAction::Refer,
        CaseActionKind::StartMonitoring => CaseAction::StartMonitoring,
        CaseActionKind::Resolve => CaseAction::Resolve,
        CaseActionKind::Close => CaseAction::Close(
            CloseReason::from_code(&reason).ok_or_else(|| invalid_code("reason", &reason))?,
        ),
        CaseActionKind::Escalate => CaseAction::Escalate,
        CaseActionKind::TakeOver => CaseAction::TakeOver,
    };
    ssr::services()?
        .cases
        .transition(
            &actor,
            shared::dto::CaseTransitionRequest {
                case_id,
                version,
                action,
                note,
            },
        )
        .await?;
    Ok(())
}

/// Issues a referral from a case, with the resident's consent to share data with the institution.
#[server(prefix = "/api", endpoint = "issue_referral")]
#[allow(clippy::too_many_arguments)]
pub async fn issue_referral(
    idempotency_key: String,
    case_id: i64,
    #[server(default)] complaint_id: String,
    #[server(default)] programme_id: String,
    #[server(default)] institution_id: String,
    #[server(default)] consent_given_by: String,
    #[server(default)] consent: String,
) -> Result<ReferralView, AppError> {
    let actor = ssr::actor()?;
    let mut errors = shared::error::FieldErrors::new();
    let id = |field: &str, text: &str| {
        text.trim()
            .parse::<i64>()
            .map_err(|_| shared::DomainError::TextRequired {
                field: field.to_owned(),
            })
    };
    let programme_id = errors.check("programme_id", id("programme_id", &programme_id));
    let institution_id = errors.check("institution_id", id("institution_id", &institution_id));
    let consent_given_by = errors.check(
        "consent_given_by",
        shared::text::required("consent_given_by", &consent_given_by, 100),
    );
    if consent != "1" {
        errors.push("consent", shared::DomainError::ConsentMissing);
    }
    errors
        .finish()
        .map_err(shared::contract::ServiceError::from)?;
    let (Some(programme_id), Some(institution_id), Some(consent_given_by)) =
        (programme_id, institution_id, consent_given_by)
    else {
        return Err(shared::contract::ServiceError::Internal.into());
    };
    Ok(ssr::services()?
        .referrals
        .issue(
            &actor,
            shared::dto::IssueReferral {
                idempotency_key,
                case_id,
                complaint_id: complaint_id.trim().parse().ok(),
                programme_id,
                institution_id,
                consent: Some(shared::referral::ConsentGiven {
                    given_by: consent_given_by,
                    given_on: ssr::today(),
                    institution_id,
                    programme_id,
                    resident_informed: consent == "1",
                }),
            },
        )
        .await?)
}

/// Proposes a household to the registry (flow B: a new family).
#[server(prefix = "/api", endpoint = "propose_to_registry")]
pub async fn propose_to_registry(
    idempotency_key: String,
    household_id: i64,
    #[server(default)] note: String,
) -> Result<Created, AppError> {
    use shared::proposal::{ProposalKind, ProposalSource};
    let actor = ssr::actor()?;
    Ok(ssr::services()?
        .proposals
        .start(
            &actor,
            shared::dto::StartProposal {
                idempotency_key,
                household_id,
                kind: ProposalKind::NewFamily,
                source: ProposalSource::WalkIn,
                note,
            },
        )
        .await?)
}
