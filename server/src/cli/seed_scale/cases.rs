//! Cases: complaints and timelines driven through the shared state machines, acted on by
//! named staff (demo) or anonymous roles (bulk data).

use std::collections::{HashMap, HashSet};

use anyhow::bail;
use chrono::{DateTime, Datelike, Utc};
use rand::Rng;
use sea_orm::{ConnectionTrait, DbErr, EntityTrait, QuerySelect, Set};
use shared::case::{CaseAction, CaseFlow, CaseState, CaseStatus, CloseReason, EscalationLevel};
use shared::complaint::{Channel, Sector, Urgency};
use shared::deadline::{Deadline, HolidayCalendar};
use shared::programme::ProgrammeKind;
use shared::referral::ReferralState;
use shared::roles::Role;
use shared::workflow::{ActorRef, Workflow, record_transition};

use super::households::{HouseholdSummary, Village};
use super::people::Synth;
use super::referrals::RefContext;
use super::templates::{
    CLOSE_NOTES, CasePlan, ESCALATE_NOTES, NEEDS, NeedTemplate, PLAN_WEIGHTS, PLANS,
};
use super::write::{NextIds, Rows, take};
use super::{chance, days_before, pick, weighted, wib};
use crate::entities::{case_events, cases, complaints, referrals};

/// A member of staff who can act on records.
#[derive(Debug, Clone)]
pub(crate) struct StaffMember {
    pub user_id: i64,
    pub username: String,
    pub role: Role,
    /// `None` for the nation.
    pub area: Option<String>,
}

/// Who acts on cases: named staff (demo) or anonymous roles (bulk data).
#[derive(Debug, Clone, Default)]
pub(crate) struct Staff {
    pub members: Vec<StaffMember>,
}

impl Staff {
    /// The most local member of staff holding one of `roles` whose area covers `village`;
    /// without named staff, the first role, anonymously.
    pub(crate) fn pick(&self, village: &str, roles: &[Role]) -> Option<(Option<i64>, ActorRef)> {
        if self.members.is_empty() {
            let role = *roles.first()?;
            return Some((
                None,
                ActorRef {
                    username: "seed".to_string(),
                    role,
                },
            ));
        }
        let covers = |member: &&StaffMember| match &member.area {
            None => true,
            Some(area) => village == area || village.starts_with(&format!("{area}.")),
        };
        let mut best: Option<&StaffMember> = None;
        for role in roles {
            for member in self
                .members
                .iter()
                .filter(covers)
                .filter(|m| m.role == *role)
            {
                let depth = |m: &StaffMember| m.area.as_ref().map_or(0, String::len);
                if best.is_none_or(|b| depth(member) > depth(b)) {
                    best = Some(member);
                }
            }
        }
        best.map(|member| {
            (
                Some(member.user_id),
                ActorRef {
                    username: member.username.clone(),
                    role: member.role,
                },
            )
        })
    }

    /// Whether a front office or back office member sits in `village` itself (a Puskesos desk).
    fn has_village_desk(&self, village: &str) -> bool {
        self.members.is_empty()
            || self.members.iter().any(|m| {
                m.area.as_deref() == Some(village)
                    && matches!(m.role, Role::FrontOffice | Role::BackOffice)
            })
    }
}

/// Where referrals of a case go: the catalogue and the receiving institutions (demo only).
pub(crate) trait ReferralTargets {
    /// Programme id, institution id and the institution's responding staff for `kind` in `village`.
    fn target(&self, kind: ProgrammeKind, village: &str)
    -> Option<(i64, i64, Option<StaffMember>)>;
}

/// Builds cases with complaints, timelines and (with targets) referrals.
pub(crate) struct CaseMaker<'a> {
    pub staff: &'a Staff,
    pub calendar: &'a HolidayCalendar,
    pub targets: Option<&'a dyn ReferralTargets>,
    /// Cases per `SLRT/<village>/<year>/` prefix already numbered.
    pub case_serials: HashMap<String, u64>,
    /// Referrals per `RJK/<village>/<year>/` prefix already numbered.
    pub referral_serials: HashMap<String, u64>,
    pub verification_codes: HashSet<String>,
    /// Cases made so far (the first ones cycle through every plan).
    pub made: usize,
}

/// One step of a case timeline before it is written.
struct Step {
    action: CaseAction,
    from: CaseStatus,
    to: CaseStatus,
    actor: (Option<i64>, ActorRef),
    note: Option<String>,
}

impl<'a> CaseMaker<'a> {
    pub(crate) fn new(staff: &'a Staff, calendar: &'a HolidayCalendar) -> CaseMaker<'a> {
        CaseMaker {
            staff,
            calendar,
            targets: None,
            case_serials: HashMap::new(),
            referral_serials: HashMap::new(),
            verification_codes: HashSet::new(),
            made: 0,
        }
    }

    /// Counts the numbers already used, so new numbers continue them.
    pub(crate) async fn load_serials<C: ConnectionTrait>(&mut self, db: &C) -> Result<(), DbErr> {
        let prefix = |number: &str| number.rsplit_once('/').map(|(p, _)| format!("{p}/"));
        let numbers: Vec<String> = cases::Entity::find()
            .select_only()
            .column(cases::Column::Number)
            .into_tuple()
            .all(db)
            .await?;
        for number in numbers {
            if let Some(p) = prefix(&number) {
                *self.case_serials.entry(p).or_default() += 1;
            }
        }
        let numbers: Vec<String> = referrals::Entity::find()
            .select_only()
            .column(referrals::Column::Number)
            .into_tuple()
            .all(db)
            .await?;
        for number in numbers {
            if let Some(p) = prefix(&number) {
                *self.referral_serials.entry(p).or_default() += 1;
            }
        }
        Ok(())
    }

    /// Legal steps of `plan` from `start` with the staff available, or `None`.
    fn steps(
        &self,
        synth: &mut Synth,
        plan: &CasePlan,
        start: CaseStatus,
        village: &str,
    ) -> Option<Vec<Step>> {
        let mut status = start;
        let mut steps = Vec::with_capacity(plan.actions.len());
        for &action in plan.actions {
            let roles = <CaseFlow as Workflow>::roles(status, action);
            let actor = self.staff.pick(village, roles)?;
            let note = match action {
                CaseAction::Close(reason) => Some(
                    match reason {
                        CloseReason::Withdrawn => CLOSE_NOTES[0],
                        CloseReason::NotEligible => CLOSE_NOTES[1],
                        CloseReason::Unreachable => CLOSE_NOTES[2],
                        CloseReason::Duplicate => {
                            "Kebutuhan yang sama sudah ditangani pada kasus lain."
                        }
                        _ => CLOSE_NOTES[3],
                    }
                    .to_string(),
                ),
                CaseAction::Escalate => Some(pick(&mut synth.rng, &ESCALATE_NOTES).to_string()),
                CaseAction::Resolve => Some("Kebutuhan warga telah terpenuhi.".to_string()),
                _ => None,
            };
            let (to, _change) = record_transition::<CaseFlow>(
                status,
                action,
                &actor.1,
                synth.now,
                note.as_deref().unwrap_or(""),
            )
            .ok()?;
            steps.push(Step {
                action,
                from: status,
                to,
                actor,
                note,
            });
            status = to;
        }
        Some(steps)
    }

    fn choose_plan(&self, synth: &mut Synth, referrals_allowed: bool) -> usize {
        let usable =
            |index: usize| referrals_allowed || !PLANS[index].actions.contains(&CaseAction::Refer);
        if self.made < PLANS.len() * 2 {
            let mut index = self.made % PLANS.len();
            while !usable(index) {
                index = (index + 1) % PLANS.len();
            }
            return index;
        }
        let choices: Vec<(usize, u32)> = PLAN_WEIGHTS
            .iter()
            .enumerate()
            .filter(|(index, _)| usable(*index))
            .map(|(index, weight)| (index, *weight))
            .collect();
        weighted(&mut synth.rng, &choices)
    }

    /// Makes one case for `household` with 1–3 complaints and a legal timeline.
    pub(crate) fn case(
        &mut self,
        synth: &mut Synth,
        ids: &mut NextIds,
        household: &HouseholdSummary,
        village: &Village,
        rows: &mut Rows,
    ) -> anyhow::Result<()> {
        let start = if self.staff.has_village_desk(&village.code) {
            CaseStatus::new(EscalationLevel::Village)
        } else {
            CaseStatus::new(EscalationLevel::District)
        };
        let first = self.choose_plan(synth, self.targets.is_some());
        let mut chosen = None;
        for offset in 0..PLANS.len() {
            let index = (first + offset) % PLANS.len();
            if self.targets.is_none() && PLANS[index].actions.contains(&CaseAction::Refer) {
                continue;
            }
            if let Some(steps) = self.steps(synth, &PLANS[index], start, &village.code) {
                chosen = Some((index, steps));
                break;
            }
        }
        let Some((plan_index, steps)) = chosen else {
            bail!("no staff can act on a case in {}", village.code);
        };
        self.made += 1;
        let plan = &PLANS[plan_index];
        let Some(opener) = self
            .staff
            .pick(&village.code, &[Role::FrontOffice, Role::BackOffice])
        else {
            bail!("no front office can open a case in {}", village.code);
        };

        // When: finished cases over the last year, open ones recent (some past their deadline).
        let age_days: u64 = if plan.finished {
            synth.rng.gen_range(3..365)
        } else if plan.actions.contains(&CaseAction::Escalate) {
            synth.rng.gen_range(10..150)
        } else if chance(&mut synth.rng, 60) {
            synth.rng.gen_range(0..21)
        } else {
            // A backlog: older open cases, past their deadline.
            synth.rng.gen_range(21..120)
        };
        let opened_on = days_before(synth.today, age_days);
        let open_at = wib(opened_on, synth.rng.gen_range(8 * 60..14 * 60))
            .max(household.created_at)
            .min(synth.now);
        let mut offsets = Vec::with_capacity(steps.len());
        let mut total = 0i64;
        for _ in &steps {
            total += synth.rng.gen_range(45..4 * 24 * 60);
            offsets.push(total);
        }
        let room = (synth.now - open_at).num_minutes().max(0);
        let room = if plan.finished { room } else { room * 9 / 10 };
        let times: Vec<DateTime<Utc>> = offsets
            .iter()
            .map(|&offset| {
                let minutes = if total > room && total > 0 {
                    offset * room / total
                } else {
                    offset
                };
                open_at + chrono::Duration::minutes(minutes)
            })
            .collect();

        // Complaints.
        let channel = if start.level == EscalationLevel::Village {
            weighted(
                &mut synth.rng,
                &[
                    (Channel::WalkInPuskesos, 60),
                    (Channel::FacilitatorVisit, 25),
                    (Channel::PhoneWhatsapp, 15),
                ],
            )
        } else {
            weighted(
                &mut synth.rng,
                &[
                    (Channel::WalkInDistrict, 55),
                    (Channel::FacilitatorVisit, 20),
                    (Channel::PhoneWhatsapp, 25),
                ],
            )
        };
        let case_id = take(&mut ids.cases);
        let count = weighted(&mut synth.rng, &[(1usize, 60), (2, 30), (3, 10)]);
        let mut needs: Vec<&NeedTemplate> = Vec::with_capacity(count);
        let mut complaint_ids = Vec::with_capacity(count);
        let mut due_on = opened_on;
        for n in 0..count {
            // Cases that refer start from a need some programme answers.
            let need = if n == 0 && plan.actions.contains(&CaseAction::Refer) {
                pick(&mut synth.rng, &NEEDS[..14])
            } else {
                pick(&mut synth.rng, &NEEDS)
            };
            if needs.iter().any(|m| std::ptr::eq(*m, need)) {
                continue;
            }
            needs.push(need);
            let deadline = Deadline::for_complaint(need.complaint_type, opened_on, self.calendar);
            due_on = due_on.max(deadline.due);
            let urgency = if need.sector == Sector::Health {
                weighted(
                    &mut synth.rng,
                    &[
                        (Urgency::Normal, 50),
                        (Urgency::Urgent, 35),
                        (Urgency::Emergency, 15),
                    ],
                )
            } else {
                weighted(
                    &mut synth.rng,
                    &[(Urgency::Normal, 85), (Urgency::Urgent, 15)],
                )
            };
            let evidence: Vec<&str> = need.evidence.iter().map(|e| e.code()).collect();
            let complaint_id = take(&mut ids.complaints);
            complaint_ids.push(complaint_id);
            rows.complaints.push(complaints::ActiveModel {
                id: Set(complaint_id),
                case_id: Set(case_id),
                member_id: Set(Some(*pick(&mut synth.rng, &household.member_ids))),
                complaint_type: Set(need.complaint_type.code().to_string()),
                sector: Set(need.sector.code().to_string()),
                description: Set(need.description.to_string()),
                channel: Set(channel.code().to_string()),
                urgency: Set(urgency.code().to_string()),
                evidence: Set(serde_json::to_string(&evidence)?),
                received_on: Set(opened_on),
                due_on: Set(deadline.due),
                officer_user_id: Set(opener.0),
                created_at: Set(open_at),
            });
        }

        // Number.
        let prefix = format!("SLRT/{}/{:04}/", village.digits, opened_on.year());
        let serial = self.case_serials.entry(prefix.clone()).or_default();
        *serial += 1;
        let number = format!("{prefix}{:05}", *serial);

        // Timeline.
        let event = |ids: &mut NextIds,
                     at: DateTime<Utc>,
                     actor: &(Option<i64>, ActorRef),
                     action: &str,
                     from: Option<&str>,
                     to: &str,
                     note: Option<String>| case_events::ActiveModel {
            id: Set(take(&mut ids.case_events)),
            case_id: Set(case_id),
            at: Set(at),
            actor_user_id: Set(actor.0),
            actor_role: Set(Some(actor.1.role.code().to_string())),
            action: Set(action.to_string()),
            from_state: Set(from.map(str::to_string)),
            to_state: Set(to.to_string()),
            note: Set(note),
        };
        rows.case_events.push(event(
            ids,
            open_at,
            &opener,
            "open",
            None,
            CaseState::Registered.code(),
            None,
        ));
        let mut referral_states: Vec<ReferralState> = Vec::new();
        for (index, step) in steps.iter().enumerate() {
            let at = times.get(index).copied().unwrap_or(open_at);
            if step.action == CaseAction::Refer
                && let Some(targets) = self.targets
            {
                let ends_at = steps
                    .iter()
                    .zip(&times)
                    .skip(index + 1)
                    .find(|(s, _)| s.action != CaseAction::StartMonitoring)
                    .map(|(_, t)| *t);
                let outcome = steps
                    .iter()
                    .skip(index + 1)
                    .find(|s| s.action != CaseAction::StartMonitoring)
                    .map(|s| s.action);
                let monitoring = steps
                    .iter()
                    .skip(index + 1)
                    .any(|s| s.action == CaseAction::StartMonitoring);
                referral_states = self.referrals(
                    synth,
                    ids,
                    targets,
                    RefContext {
                        case_id,
                        village,
                        household,
                        needs: &needs,
                        complaint_ids: &complaint_ids,
                        issued_at: at,
                        ends_at: ends_at.unwrap_or(synth.now),
                        outcome,
                        monitoring,
                        case_actor: &step.actor,
                    },
                    rows,
                )?;
            }
            if step.action == CaseAction::Resolve && step.from.state == CaseState::Monitoring {
                shared::case::check_referrals_closed(&referral_states)
                    .map_err(|error| anyhow::anyhow!(error.message_en()))?;
            }
            rows.case_events.push(event(
                ids,
                at,
                &step.actor,
                step.action.kind().code(),
                Some(step.from.state.code()),
                step.to.state.code(),
                step.note.clone(),
            ));
        }
        let last = steps.last();
        let status = last.map_or(start, |s| s.to);
        let last_at = times.last().copied().unwrap_or(open_at);
        let close_reason = steps.iter().rev().find_map(|s| match s.action {
            CaseAction::Close(reason) => Some(reason.code().to_string()),
            _ => None,
        });
        let finished = matches!(status.state, CaseState::Resolved | CaseState::Closed);
        let assigned_to = steps
            .iter()
            .find(|s| s.action == CaseAction::IdentifyNeeds)
            .and_then(|s| s.actor.0);
        rows.cases.push(cases::ActiveModel {
            id: Set(case_id),
            number: Set(number),
            household_id: Set(household.id),
            village_code: Set(village.code.clone()),
            channel: Set(channel.code().to_string()),
            state: Set(status.state.code().to_string()),
            level: Set(status.level.code().to_string()),
            close_reason: Set(close_reason),
            opened_on: Set(opened_on),
            due_on: Set(due_on),
            opened_by: Set(opener.0),
            assigned_to: Set(assigned_to),
            closed_at: Set(finished.then_some(last_at)),
            created_at: Set(open_at),
            updated_at: Set(last_at),
            version: Set(1 + i32::try_from(steps.len()).unwrap_or(0)),
        });
        Ok(())
    }
}
