//! A family's casework as the tests need it: an open case, taken through its
//! steps to a referral for one member.

use chrono::Utc;
use shared::case::CaseAction;
use shared::complaint::{Channel, ComplaintType};
use shared::contract::{Actor, ServiceError, Services};
use shared::dto::{CaseTransitionRequest, IssueReferral, OpenCase};
use shared::roles::Role;

use super::people::complaint;

/// Who works a village's cases: its front desk and its Puskesos coordinator.
pub struct Desk<'a> {
    pub db: &'a sea_orm::DatabaseConnection,
    pub services: &'a Services,
    pub fo: &'a Actor,
    pub coordinator: &'a Actor,
    pub village: &'a str,
}

impl Desk<'_> {
    /// An open case of household `household_id`, with a referral for
    /// `member_id` when given (the case taken through its steps to it).
    pub async fn case_for(
        &self,
        household_id: i64,
        key: &str,
        member_id: Option<i64>,
    ) -> Result<i64, Box<dyn std::error::Error>> {
        let case_id = self
            .services
            .cases
            .open(
                self.fo,
                OpenCase {
                    idempotency_key: key.into(),
                    household_id,
                    channel: Channel::WalkInPuskesos,
                    complaints: vec![complaint(ComplaintType::ServiceRequest)],
                },
            )
            .await?
            .id;
        let Some(member_id) = member_id else {
            return Ok(case_id);
        };
        let bo = super::actor(
            self.db,
            self.services,
            &format!("bo-{key}"),
            Role::BackOffice,
            Some(self.village),
        )
        .await?;
        for (who, action) in [
            (self.fo, CaseAction::CheckRegistry),
            (&bo, CaseAction::IdentifyNeeds),
            (self.coordinator, CaseAction::DecideService),
        ] {
            step(self.services, who, case_id, action).await?;
        }
        let institution_id = super::institution(self.db, &format!("RSUD {key}")).await?;
        let programme_id = super::programme(self.db, institution_id).await?;
        self.services
            .referrals
            .issue(
                self.coordinator,
                IssueReferral {
                    idempotency_key: format!("r-{key}"),
                    case_id,
                    complaint_id: None,
                    member_id: Some(member_id),
                    programme_id,
                    institution_id,
                    consent: Some(shared::referral::ConsentGiven {
                        given_by: "Rina".into(),
                        given_on: Utc::now().date_naive(),
                        institution_id,
                        programme_id,
                        resident_informed: true,
                    }),
                },
            )
            .await?;
        Ok(case_id)
    }
}

/// Takes case `case_id` one step, at the version it has now.
pub async fn step(
    services: &Services,
    who: &Actor,
    case_id: i64,
    action: CaseAction,
) -> Result<(), ServiceError> {
    let version = services.cases.detail(who, case_id).await?.summary.version;
    services
        .cases
        .transition(
            who,
            CaseTransitionRequest {
                case_id,
                version,
                action,
                note: "Dicatat".into(),
            },
        )
        .await
        .map(|_| ())
}
