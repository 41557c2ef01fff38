//! Referrals of a case to receiving institutions, their history played through the shared
//! referral machine.

use anyhow::bail;
use chrono::{DateTime, Datelike, Utc};
use rand::Rng;
use sea_orm::Set;
use shared::case::CaseAction;
use shared::complaint::ComplaintType;
use shared::deadline::Deadline;
use shared::referral::{ReferralAction, ReferralFlow, ReferralState};
use shared::roles::Role;
use shared::workflow::{ActorRef, Workflow, record_transition};

use super::cases::{CaseMaker, ReferralTargets};
use super::households::{HouseholdSummary, Village};
use super::people::Synth;
use super::templates::{CANCEL_NOTES, COMPLETE_NOTES, NeedTemplate, REJECT_NOTES};
use super::write::{NextIds, Rows, take};
use super::{pick, weighted};
use crate::entities::{referral_events, referrals};

/// What the referrals of one case need to know.
pub(super) struct RefContext<'c> {
    pub(super) case_id: i64,
    pub(super) village: &'c Village,
    pub(super) household: &'c HouseholdSummary,
    pub(super) needs: &'c [&'c NeedTemplate],
    pub(super) complaint_ids: &'c [i64],
    pub(super) issued_at: DateTime<Utc>,
    /// The next case event after the referrals were issued (other than starting to monitor).
    pub(super) ends_at: DateTime<Utc>,
    /// That event's action, if any.
    pub(super) outcome: Option<CaseAction>,
    pub(super) monitoring: bool,
    pub(super) case_actor: &'c (Option<i64>, ActorRef),
}

impl CaseMaker<'_> {
    /// Issues referrals for the programme needs of a case and plays their history.
    pub(super) fn referrals(
        &mut self,
        synth: &mut Synth,
        ids: &mut NextIds,
        targets: &dyn ReferralTargets,
        context: RefContext<'_>,
        rows: &mut Rows,
    ) -> anyhow::Result<Vec<ReferralState>> {
        use ReferralAction as RA;
        let mut states = Vec::new();
        for (need, complaint_id) in context.needs.iter().zip(context.complaint_ids) {
            let Some(kind) = need.programme else { continue };
            let Some((programme_id, institution_id, responder)) =
                targets.target(kind, &context.village.code)
            else {
                continue;
            };
            // The final state follows what the case did next.
            let wanted: ReferralState = match context.outcome {
                Some(CaseAction::Resolve) => weighted(
                    &mut synth.rng,
                    &[
                        (ReferralState::Completed, 80),
                        (ReferralState::Rejected, 12),
                        (ReferralState::Cancelled, 8),
                    ],
                ),
                Some(CaseAction::Close(_)) => weighted(
                    &mut synth.rng,
                    &[
                        (ReferralState::Cancelled, 60),
                        (ReferralState::Rejected, 40),
                    ],
                ),
                _ if context.monitoring => weighted(
                    &mut synth.rng,
                    &[
                        (ReferralState::Accepted, 25),
                        (ReferralState::InProgress, 40),
                        (ReferralState::Completed, 20),
                        (ReferralState::Rejected, 8),
                        (ReferralState::Cancelled, 7),
                    ],
                ),
                _ => weighted(
                    &mut synth.rng,
                    &[(ReferralState::Sent, 60), (ReferralState::Accepted, 40)],
                ),
            };
            let path: &[ReferralAction] = match wanted {
                ReferralState::Sent => &[],
                ReferralState::Accepted => &[RA::Accept],
                ReferralState::Rejected => &[RA::Reject],
                ReferralState::InProgress => &[RA::Accept, RA::StartProcessing],
                ReferralState::Completed => &[RA::Accept, RA::StartProcessing, RA::Complete],
                ReferralState::Cancelled => match synth.rng.gen_range(0..3) {
                    0 => &[RA::Cancel],
                    1 => &[RA::Accept, RA::Cancel],
                    _ => &[RA::Accept, RA::StartProcessing, RA::Cancel],
                },
            };
            let referral_id = take(&mut ids.referrals);
            let issued_on = (context.issued_at + chrono::Duration::hours(7)).date_naive();
            let prefix = format!("RJK/{}/{:04}/", context.village.digits, issued_on.year());
            let serial = self.referral_serials.entry(prefix.clone()).or_default();
            *serial += 1;
            let number = format!("{prefix}{:05}", *serial);
            let verification = loop {
                let code: String = (0..10)
                    .map(|_| char::from(*pick(&mut synth.rng, b"ABCDEFGHJKMNPQRSTUVWXYZ23456789")))
                    .collect();
                if self.verification_codes.insert(code.clone()) {
                    break code;
                }
            };
            let due =
                Deadline::for_complaint(ComplaintType::ServiceRequest, issued_on, self.calendar);
            let consent_at =
                context.issued_at - chrono::Duration::minutes(synth.rng.gen_range(5..40));
            let sender = context.case_actor;
            let mut state = ReferralState::Sent;
            let mut events = vec![referral_events::ActiveModel {
                id: Set(take(&mut ids.referral_events)),
                referral_id: Set(referral_id),
                at: Set(context.issued_at),
                actor_user_id: Set(sender.0),
                actor_role: Set(Some(sender.1.role.code().to_string())),
                action: Set("issue".to_string()),
                from_state: Set(None),
                to_state: Set(ReferralState::Sent.code().to_string()),
                note: Set(None),
            }];
            let span = (context.ends_at - context.issued_at).num_minutes().max(2);
            let mut outcome_note = None;
            let mut last_at = context.issued_at;
            for (step, &action) in path.iter().enumerate() {
                let roles = <ReferralFlow as Workflow>::roles(state, action);
                let actor = if roles.contains(&Role::ReceivingInstitution)
                    && (action != RA::Cancel || state == ReferralState::InProgress)
                {
                    match &responder {
                        Some(member) => (
                            Some(member.user_id),
                            ActorRef {
                                username: member.username.clone(),
                                role: member.role,
                            },
                        ),
                        None => (
                            None,
                            ActorRef {
                                username: "lembaga".to_string(),
                                role: Role::ReceivingInstitution,
                            },
                        ),
                    }
                } else {
                    match self.staff.pick(&context.village.code, roles) {
                        Some(actor) => actor,
                        None => bail!("no staff may {} a referral", action.code()),
                    }
                };
                let note = match action {
                    RA::Reject => Some(pick(&mut synth.rng, &REJECT_NOTES).to_string()),
                    RA::Complete => Some(pick(&mut synth.rng, &COMPLETE_NOTES).to_string()),
                    RA::Cancel => Some(pick(&mut synth.rng, &CANCEL_NOTES).to_string()),
                    _ => None,
                };
                let at = context.issued_at
                    + chrono::Duration::minutes(
                        span * i64::try_from(step + 1).unwrap_or(1)
                            / i64::try_from(path.len() + 1).unwrap_or(2),
                    );
                let (next, change) = record_transition::<ReferralFlow>(
                    state,
                    action,
                    &actor.1,
                    at,
                    note.as_deref().unwrap_or(""),
                )
                .map_err(|error| anyhow::anyhow!(error.message_en()))?;
                if matches!(action, RA::Reject | RA::Complete | RA::Cancel) {
                    outcome_note = change.note.clone();
                }
                events.push(referral_events::ActiveModel {
                    id: Set(take(&mut ids.referral_events)),
                    referral_id: Set(referral_id),
                    at: Set(at),
                    actor_user_id: Set(actor.0),
                    actor_role: Set(Some(actor.1.role.code().to_string())),
                    action: Set(change.action),
                    from_state: Set(Some(change.from)),
                    to_state: Set(change.to),
                    note: Set(change.note),
                });
                state = next;
                last_at = at;
            }
            rows.referrals.push(referrals::ActiveModel {
                id: Set(referral_id),
                number: Set(number),
                case_id: Set(context.case_id),
                complaint_id: Set(Some(*complaint_id)),
                member_id: Set(None),
                programme_id: Set(programme_id),
                institution_id: Set(institution_id),
                state: Set(state.code().to_string()),
                issued_on: Set(issued_on),
                due_on: Set(due.due),
                outcome_note: Set(outcome_note),
                verification_code: Set(verification),
                consent_at: Set(consent_at),
                consent_by: Set(context.household.head_name.clone()),
                consent_note: Set(Some(
                    "Warga menyetujui data keluarga dibagikan kepada lembaga tujuan rujukan."
                        .to_string(),
                )),
                created_by: Set(sender.0),
                created_at: Set(context.issued_at),
                updated_at: Set(last_at),
                version: Set(1 + i32::try_from(path.len()).unwrap_or(0)),
            });
            rows.referral_events.extend(events);
            states.push(state);
        }
        Ok(states)
    }
}
