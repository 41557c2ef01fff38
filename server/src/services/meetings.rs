//! Village meetings (musdes/muskel) of flow B as records of their own: the
//! agenda of the village's waiting proposals, the decision on each, the
//! participants, the village head and the signed minutes; approving the
//! meeting takes every proposal on its agenda one step, in one write.
//!
//! Who may prepare and approve a meeting is who may record the musdes step of
//! the proposal state machine (facilitator, Puskesos coordinator), inside their
//! area; the record is read with the right to see personal data (it names the
//! families). Every view, download and change is audited.

use std::collections::{BTreeMap, HashMap, HashSet};

use async_trait::async_trait;
use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use sha2::{Digest, Sha256};
use shared::access::{Action, Target};
use shared::contract::{Actor, MeetingService, ServiceError};
use shared::dto::{Created, ProposalRow};
use shared::error::DomainError;
use shared::geo::{AreaCode, AreaLevel, AreaScope};
use shared::meeting::MeetingCandidates;
use shared::meeting::{
    ApprovalFacts, Decide, MeetingDecision, MeetingFile, MeetingItem, MeetingProblem, MeetingRow,
    MeetingState, MinutesInfo, MinutesType, Participant, SaveMeeting, approval_problem,
    check_minutes,
};
use shared::proposal::{ProposalAction, ProposalFlow, ProposalStage};
use shared::workflow::record_transition;

use super::common::{
    Subject, actor_ref, audit_list_read, authorize, check_version, earlier_result, entry,
    own_scope, stored_area, today_in, within_scope, workflow_step,
};
use super::db_failure;
use super::proposals::rows_of;
use super::rows::stored;
use super::stats::Kind;
use super::store::Store;
use super::write::{Step, Timeline, Write, load, load_for_proposal_work};
use crate::entities::{
    areas, households, meeting_minutes, proposals, village_meeting_items as items,
    village_meetings as meetings,
};

/// Object type of meetings in the audit log and the idempotency keys.
const OBJECT: &str = "village_meeting";

/// [`MeetingService`] on the portal database.
pub struct DbMeetingService {
    db: Store,
}

fn meeting_problem(problem: MeetingProblem) -> ServiceError {
    ServiceError::Invalid(DomainError::Meeting { problem })
}

/// A problem with the agenda, named after the form's field.
fn agenda_problem(problem: MeetingProblem) -> ServiceError {
    ServiceError::Invalid(DomainError::Invalid {
        errors: vec![shared::error::FieldError {
            field: "proposals".into(),
            error: DomainError::Meeting { problem },
        }],
    })
}

impl DbMeetingService {
    pub fn new(db: Store) -> Self {
        DbMeetingService { db }
    }

    /// Whether the actor's role records the musdes step of the proposal flow.
    fn records_meetings(actor: &Actor) -> bool {
        ProposalFlow::awaiting(actor.role).contains(&ProposalStage::Proposed)
    }

    /// Checks that the actor may prepare or approve meetings in `village`: the
    /// area rule, then the state machine's roles for the musdes step (a
    /// refusal of either is audited).
    async fn check_recorder(
        &self,
        actor: &Actor,
        village: &AreaCode,
        subject: Subject<'_>,
    ) -> Result<(), ServiceError> {
        authorize(
            &self.db,
            actor,
            Action::ChangeProposal,
            &Target::area(village.clone()),
            subject,
        )
        .await?;
        workflow_step::<ProposalFlow>(
            &self.db,
            actor,
            ProposalStage::Proposed,
            ProposalAction::ApproveInVillageMeeting,
            "",
            Utc::now(),
            "village_meeting",
            subject,
            Some(village),
        )
        .await
        .map(|_| ())
    }

    /// An open meeting the actor may change, at the version the client saw.
    async fn open_meeting(
        &self,
        actor: &Actor,
        id: i64,
        seen: i32,
    ) -> Result<(meetings::Model, AreaCode), ServiceError> {
        let row = load::<meetings::Entity>(&self.db, id).await?;
        let village = stored_area(&row.village_code)?;
        self.check_recorder(actor, &village, Subject::new(OBJECT, id))
            .await?;
        if stored::<MeetingState>(&row.state)? == MeetingState::Approved {
            return Err(meeting_problem(MeetingProblem::Approved));
        }
        check_version(row.version, seen)?;
        Ok((row, village))
    }

    /// The names of these areas by code.
    async fn village_names(
        &self,
        codes: Vec<String>,
    ) -> Result<HashMap<String, String>, ServiceError> {
        Ok(areas::Entity::find()
            .filter(areas::Column::Code.is_in(codes))
            .all(self.db.connection())
            .await
            .map_err(db_failure)?
            .into_iter()
            .map(|area| (area.code, area.name))
            .collect())
    }

    /// The rows of `list`, with village names and agenda counts.
    async fn rows(&self, list: Vec<meetings::Model>) -> Result<Vec<MeetingRow>, ServiceError> {
        let ids: Vec<i64> = list.iter().map(|m| m.id).collect();
        let agendas = items::Entity::find()
            .filter(items::Column::MeetingId.is_in(ids))
            .all(self.db.connection())
            .await
            .map_err(db_failure)?;
        self.rows_with(list, &agendas).await
    }

    /// The rows of `list` whose agenda items are `agendas`.
    async fn rows_with(
        &self,
        list: Vec<meetings::Model>,
        agendas: &[items::Model],
    ) -> Result<Vec<MeetingRow>, ServiceError> {
        let mut counts: HashMap<i64, (u32, u32, u32)> = HashMap::new();
        for item in agendas {
            let count = counts.entry(item.meeting_id).or_default();
            count.0 += 1;
            match item.decision.as_deref().map(stored::<MeetingDecision>) {
                Some(Ok(MeetingDecision::Agreed)) => count.1 += 1,
                Some(Ok(MeetingDecision::NotAgreed)) => count.2 += 1,
                Some(Err(error)) => return Err(error),
                None => {}
            }
        }
        let codes: Vec<String> = list.iter().map(|m| m.village_code.clone()).collect();
        let names = self.village_names(codes).await?;
        list.into_iter()
            .map(|m| {
                let (agenda, agreed, not_agreed) = counts.get(&m.id).copied().unwrap_or_default();
                Ok(MeetingRow {
                    id: m.id,
                    version: m.version,
                    village: stored_area(&m.village_code)?,
                    village_name: names
                        .get(&m.village_code)
                        .cloned()
                        .unwrap_or_else(|| m.village_code.clone()),
                    held_on: m.held_on,
                    place: m.place,
                    state: stored::<MeetingState>(&m.state)?,
                    agenda,
                    agreed,
                    not_agreed,
                    has_minutes: m.minutes_type.is_some(),
                })
            })
            .collect()
    }

    /// The whole record of `row` for `actor` (not audited: the callers are).
    async fn file_of(
        &self,
        actor: &Actor,
        row: meetings::Model,
    ) -> Result<MeetingFile, ServiceError> {
        let agenda = items::Entity::find()
            .filter(items::Column::MeetingId.eq(row.id))
            .order_by_asc(items::Column::Id)
            .all(self.db.connection())
            .await
            .map_err(db_failure)?;
        let proposal_ids: Vec<i64> = agenda.iter().map(|item| item.proposal_id).collect();
        let stored_proposals = proposals::Entity::find()
            .filter(proposals::Column::Id.is_in(proposal_ids))
            .all(self.db.connection())
            .await
            .map_err(db_failure)?;
        let household_ids: Vec<i64> = stored_proposals.iter().map(|p| p.household_id).collect();
        let addresses: HashMap<i64, String> = households::Entity::find()
            .filter(households::Column::Id.is_in(household_ids))
            .all(self.db.connection())
            .await
            .map_err(db_failure)?
            .into_iter()
            .map(|household| (household.id, address_of(&household)))
            .collect();
        let by_id: HashMap<i64, ProposalRow> = rows_of(self.db.connection(), stored_proposals)
            .await?
            .into_iter()
            .map(|proposal| (proposal.id, proposal))
            .collect();
        let mut listed = Vec::with_capacity(agenda.len());
        for item in &agenda {
            let Some(proposal) = by_id.get(&item.proposal_id).cloned() else {
                continue;
            };
            listed.push(MeetingItem {
                address: addresses
                    .get(&proposal.household_id)
                    .cloned()
                    .unwrap_or_default(),
                proposal,
                decision: item
                    .decision
                    .as_deref()
                    .map(stored::<MeetingDecision>)
                    .transpose()?,
                reason: item.reason.clone().unwrap_or_default(),
            });
        }
        let participants: Vec<Participant> = serde_json::from_str(&row.participants)
            .inspect_err(
                |error| tracing::error!(%error, meeting = row.id, "participants unreadable"),
            )
            .unwrap_or_default();
        let minutes = match (&row.minutes_type, row.minutes_size, row.minutes_uploaded_at) {
            (Some(kind), Some(size_bytes), Some(uploaded_at)) => Some(MinutesInfo {
                kind: stored::<MinutesType>(kind)?,
                size_bytes,
                uploaded_at,
            }),
            _ => None,
        };
        let state = stored::<MeetingState>(&row.state)?;
        let problem = approval_problem(ApprovalFacts {
            state,
            held_on: row.held_on,
            today: today_in(&row.village_code),
            village_head: &row.village_head,
            participants: participants.len(),
            agenda: listed.len(),
            undecided: listed.iter().filter(|item| item.decision.is_none()).count(),
            has_minutes: minutes.is_some(),
        });
        let may_change = state == MeetingState::Open
            && Self::records_meetings(actor)
            && shared::access::can(
                &super::common::access_actor(actor)?,
                Action::ChangeProposal,
                &Target::area(stored_area(&row.village_code)?),
            );
        let village_head = row.village_head.clone();
        let approved_at = row.approved_at;
        let row = self
            // The counts from the items read above.
            .rows_with(vec![row], &agenda)
            .await?
            .pop()
            .ok_or(ServiceError::Internal)?;
        Ok(MeetingFile {
            row,
            village_head,
            participants,
            items: listed,
            minutes,
            approved_at,
            approval_problem: problem,
            may_change,
        })
    }

    /// The ids of proposals on the agenda of open meetings in `scope`
    /// (other than `except`).
    async fn on_open_agendas<C: ConnectionTrait>(
        db: &C,
        scope: &AreaScope,
        except: Option<i64>,
    ) -> Result<HashSet<i64>, ServiceError> {
        let mut open = within_scope(
            meetings::Entity::find(),
            meetings::Column::VillageCode,
            scope,
        )
        .filter(meetings::Column::State.eq(MeetingState::Open.code()));
        if let Some(id) = except {
            open = open.filter(meetings::Column::Id.ne(id));
        }
        let open_ids: Vec<i64> = open
            .all(db)
            .await
            .map_err(db_failure)?
            .into_iter()
            .map(|m| m.id)
            .collect();
        if open_ids.is_empty() {
            return Ok(HashSet::new());
        }
        Ok(items::Entity::find()
            .filter(items::Column::MeetingId.is_in(open_ids))
            .all(db)
            .await
            .map_err(db_failure)?
            .into_iter()
            .map(|item| item.proposal_id)
            .collect())
    }

    /// Checks the agenda inside the write: each proposal of this village,
    /// waiting for its meeting and on no other open meeting's agenda.
    async fn check_agenda(
        write: &Write,
        village: &AreaCode,
        meeting: Option<i64>,
        proposal_ids: &[i64],
    ) -> Result<(), ServiceError> {
        let mut query =
            proposals::Entity::find().filter(proposals::Column::Id.is_in(proposal_ids.to_vec()));
        // Two meetings being saved at once wait for each other on PostgreSQL
        // (SQLite's writes already queue).
        if write.get_database_backend() == sea_orm::DbBackend::Postgres {
            query = sea_orm::QuerySelect::lock_exclusive(query);
        }
        let found = query.all(write).await.map_err(db_failure)?;
        if found.len() != proposal_ids.len() {
            return Err(ServiceError::NotFound);
        }
        if found.iter().any(|p| p.village_code != village.as_str()) {
            return Err(agenda_problem(MeetingProblem::ProposalOfOtherVillage));
        }
        if found
            .iter()
            .any(|p| p.stage != ProposalStage::Proposed.code())
        {
            return Err(agenda_problem(MeetingProblem::ProposalNotWaiting));
        }
        let elsewhere =
            Self::on_open_agendas(write, &AreaScope::Area(village.clone()), meeting).await?;
        if proposal_ids.iter().any(|id| elsewhere.contains(id)) {
            return Err(agenda_problem(MeetingProblem::ProposalOnOtherMeeting));
        }
        Ok(())
    }

    /// Writes the agenda of `meeting_id`: proposals taken off lose their row,
    /// new ones get one; decisions already taken stay.
    async fn write_agenda(
        write: &Write,
        meeting_id: i64,
        proposal_ids: &[i64],
    ) -> Result<(), ServiceError> {
        let current: Vec<i64> = items::Entity::find()
            .filter(items::Column::MeetingId.eq(meeting_id))
            .all(write)
            .await
            .map_err(db_failure)?
            .into_iter()
            .map(|item| item.proposal_id)
            .collect();
        let gone: Vec<i64> = current
            .iter()
            .copied()
            .filter(|id| !proposal_ids.contains(id))
            .collect();
        if !gone.is_empty() {
            items::Entity::delete_many()
                .filter(items::Column::MeetingId.eq(meeting_id))
                .filter(items::Column::ProposalId.is_in(gone))
                .exec(write)
                .await
                .map_err(db_failure)?;
        }
        for id in proposal_ids.iter().filter(|id| !current.contains(id)) {
            write
                .insert(items::ActiveModel {
                    meeting_id: Set(meeting_id),
                    proposal_id: Set(*id),
                    decision: Set(None),
                    reason: Set(None),
                    ..Default::default()
                })
                .await?;
        }
        Ok(())
    }
}

/// The open meeting whose agenda holds `proposal_id`, if any: its decision is
/// taken there, not by a step on the proposal's own page.
pub(crate) async fn open_meeting_of<C: ConnectionTrait>(
    db: &C,
    proposal_id: i64,
) -> Result<Option<i64>, ServiceError> {
    let on_agendas: Vec<i64> = items::Entity::find()
        .filter(items::Column::ProposalId.eq(proposal_id))
        .all(db)
        .await
        .map_err(db_failure)?
        .into_iter()
        .map(|item| item.meeting_id)
        .collect();
    if on_agendas.is_empty() {
        return Ok(None);
    }
    Ok(meetings::Entity::find()
        .filter(meetings::Column::Id.is_in(on_agendas))
        .filter(meetings::Column::State.eq(MeetingState::Open.code()))
        .one(db)
        .await
        .map_err(db_failure)?
        .map(|meeting| meeting.id))
}

/// The audit entry of a meeting saved with its agenda.
fn agenda_entry<'a>(
    actor: &Actor,
    action: &'a str,
    id: i64,
    village: &AreaCode,
    meeting: &SaveMeeting,
) -> super::audit_entry::Entry<'a> {
    entry(actor, action, Subject::new(OBJECT, id), Some(village)).detail(format!(
        "held_on={} agenda={} participants={}",
        meeting.held_on,
        meeting.proposal_ids.len(),
        meeting.participants.len()
    ))
}

/// The proposals given `decision`.
fn ids_decided(
    decisions: &BTreeMap<i64, (MeetingDecision, String)>,
    decision: MeetingDecision,
) -> Vec<i64> {
    decisions
        .iter()
        .filter(|(_, (taken, _))| *taken == decision)
        .map(|(id, _)| *id)
        .collect()
}

/// A family's address as read out at the meeting: street, RT/RW, dusun.
fn address_of(household: &households::Model) -> String {
    let mut parts = Vec::new();
    if let Some(street) = household.street.as_deref().filter(|s| !s.is_empty()) {
        parts.push(street.to_string());
    }
    match (household.rt.as_deref(), household.rw.as_deref()) {
        (Some(rt), Some(rw)) => parts.push(format!("RT {rt}/RW {rw}")),
        (Some(rt), None) => parts.push(format!("RT {rt}")),
        (None, Some(rw)) => parts.push(format!("RW {rw}")),
        (None, None) => {}
    }
    if let Some(dusun) = household.dusun.as_deref().filter(|s| !s.is_empty()) {
        parts.push(format!("Dusun {dusun}"));
    }
    parts.join(", ")
}

#[async_trait]
impl MeetingService for DbMeetingService {
    async fn list(
        &self,
        actor: &Actor,
        village: Option<AreaCode>,
    ) -> Result<Vec<MeetingRow>, ServiceError> {
        let scope = match village {
            Some(code) => AreaScope::Area(code),
            None => own_scope(actor)?,
        };
        authorize(
            &self.db,
            actor,
            Action::ChangeProposal,
            &Target::area(scope.clone()),
            Subject::kind(OBJECT),
        )
        .await?;
        let list = within_scope(
            meetings::Entity::find(),
            meetings::Column::VillageCode,
            &scope,
        )
        .order_by_desc(meetings::Column::HeldOn)
        .order_by_desc(meetings::Column::Id)
        .all(self.db.connection())
        .await
        .map_err(db_failure)?;
        let rows = self.rows(list).await?;
        audit_list_read(
            &self.db,
            actor,
            "list_village_meetings",
            OBJECT,
            &scope,
            format!("rows={}", rows.len()),
        )
        .await?;
        Ok(rows)
    }

    async fn candidates(
        &self,
        actor: &Actor,
        village: Option<AreaCode>,
    ) -> Result<MeetingCandidates, ServiceError> {
        let scope = match &village {
            Some(code) => AreaScope::Area(code.clone()),
            None => own_scope(actor)?,
        };
        for action in [Action::ChangeProposal, Action::ViewPersonalData] {
            authorize(
                &self.db,
                actor,
                action,
                &Target::area(scope.clone()),
                Subject::kind(OBJECT),
            )
            .await?;
        }
        let taken = Self::on_open_agendas(self.db.connection(), &scope, None).await?;
        let waiting: Vec<proposals::Model> = within_scope(
            proposals::Entity::find(),
            proposals::Column::VillageCode,
            &scope,
        )
        .filter(proposals::Column::Stage.eq(ProposalStage::Proposed.code()))
        .order_by_asc(proposals::Column::Id)
        .all(self.db.connection())
        .await
        .map_err(db_failure)?
        .into_iter()
        .filter(|p| !taken.contains(&p.id))
        .collect();
        let codes: std::collections::BTreeSet<String> =
            waiting.iter().map(|p| p.village_code.clone()).collect();
        let names = self.village_names(codes.iter().cloned().collect()).await?;
        let villages = codes
            .iter()
            .map(|code| {
                let name = names.get(code).cloned().unwrap_or_else(|| code.clone());
                stored_area(code).map(|area| (area, name))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let chosen = match village {
            Some(code) => Some(code),
            None if villages.len() == 1 => villages.first().map(|(code, _)| code.clone()),
            None => None,
        };
        let mine: Vec<proposals::Model> = waiting
            .into_iter()
            .filter(|p| {
                chosen
                    .as_ref()
                    .is_some_and(|c| p.village_code == c.as_str())
            })
            .collect();
        let rows = rows_of(self.db.connection(), mine).await?;
        audit_list_read(
            &self.db,
            actor,
            "list_meeting_candidates",
            OBJECT,
            &scope,
            format!("rows={}", rows.len()),
        )
        .await?;
        Ok(MeetingCandidates {
            villages,
            village: chosen,
            proposals: rows,
        })
    }

    async fn file(&self, actor: &Actor, meeting_id: i64) -> Result<MeetingFile, ServiceError> {
        let subject = Subject::new(OBJECT, meeting_id);
        let (row, village) =
            load_for_proposal_work::<meetings::Entity>(&self.db, actor, meeting_id, subject)
                .await?;
        let file = self.file_of(actor, row).await?;
        self.db
            .audit_ok(entry(
                actor,
                "view_village_meeting",
                subject,
                Some(&village),
            ))
            .await?;
        Ok(file)
    }

    async fn save(&self, actor: &Actor, meeting: SaveMeeting) -> Result<Created, ServiceError> {
        let village = meeting.village.clone();
        if village.level() != AreaLevel::Village {
            return Err(ServiceError::Invalid(DomainError::Invalid {
                errors: vec![shared::error::FieldError {
                    field: "village".into(),
                    error: DomainError::WrongAreaLevel {
                        expected: AreaLevel::Village,
                        found: village.level(),
                    },
                }],
            }));
        }
        let participants =
            serde_json::to_string(&meeting.participants).map_err(|_| ServiceError::Internal)?;
        let now = Utc::now();
        match meeting.existing {
            Some((id, seen)) => {
                let (row, stored_village) = self.open_meeting(actor, id, seen).await?;
                if stored_village != village {
                    return Err(meeting_problem(MeetingProblem::ProposalOfOtherVillage));
                }
                let write = self.db.begin_write().await?;
                Self::check_agenda(&write, &village, Some(row.id), &meeting.proposal_ids).await?;
                write
                    .update(
                        row.id,
                        seen,
                        meetings::Entity::update_many()
                            .col_expr(meetings::Column::HeldOn, Expr::value(meeting.held_on))
                            .col_expr(meetings::Column::Place, Expr::value(meeting.place.clone()))
                            .col_expr(
                                meetings::Column::VillageHead,
                                Expr::value(meeting.village_head.clone()),
                            )
                            .col_expr(meetings::Column::Participants, Expr::value(participants)),
                    )
                    .await?;
                Self::write_agenda(&write, row.id, &meeting.proposal_ids).await?;
                write
                    .audit(agenda_entry(
                        actor,
                        "change_village_meeting",
                        row.id,
                        &village,
                        &meeting,
                    ))
                    .await?;
                write.commit().await?;
                Ok(Created { id: row.id })
            }
            None => {
                self.check_recorder(actor, &village, Subject::kind(OBJECT))
                    .await?;
                if let Some(id) =
                    earlier_result(&self.db, actor, &meeting.idempotency_key, OBJECT).await?
                {
                    return Ok(Created { id });
                }
                let write = self.db.begin_write().await?;
                Self::check_agenda(&write, &village, None, &meeting.proposal_ids).await?;
                let stored = write
                    .insert(meetings::ActiveModel {
                        village_code: Set(village.as_str().to_string()),
                        held_on: Set(meeting.held_on),
                        place: Set(meeting.place.clone()),
                        village_head: Set(meeting.village_head.clone()),
                        participants: Set(participants),
                        state: Set(MeetingState::Open.code().to_string()),
                        minutes_type: Set(None),
                        minutes_size: Set(None),
                        minutes_sha256: Set(None),
                        minutes_uploaded_at: Set(None),
                        created_by: Set(Some(actor.user_id)),
                        approved_by: Set(None),
                        approved_at: Set(None),
                        created_at: Set(now),
                        updated_at: Set(now),
                        version: Set(1),
                        ..Default::default()
                    })
                    .await?;
                Self::write_agenda(&write, stored.id, &meeting.proposal_ids).await?;
                write
                    .audit(agenda_entry(
                        actor,
                        "create_village_meeting",
                        stored.id,
                        &village,
                        &meeting,
                    ))
                    .await?;
                let id = write
                    .commit_keyed(&self.db, actor, &meeting.idempotency_key, OBJECT, stored.id)
                    .await?;
                Ok(Created { id })
            }
        }
    }

    async fn decide(&self, actor: &Actor, decision: Decide) -> Result<MeetingFile, ServiceError> {
        let (row, village) = self
            .open_meeting(actor, decision.meeting_id, decision.version)
            .await?;
        let item = items::Entity::find()
            .filter(items::Column::MeetingId.eq(row.id))
            .filter(items::Column::ProposalId.eq(decision.proposal_id))
            .one(self.db.connection())
            .await
            .map_err(db_failure)?
            .ok_or_else(|| meeting_problem(MeetingProblem::ProposalNotOnAgenda))?;
        let reason =
            (decision.decision == MeetingDecision::NotAgreed).then(|| decision.reason.clone());
        let write = self.db.begin_write().await?;
        write
            .update(row.id, decision.version, meetings::Entity::update_many())
            .await?;
        items::Entity::update_many()
            .col_expr(
                items::Column::Decision,
                Expr::value(decision.decision.code()),
            )
            .col_expr(items::Column::Reason, Expr::value(reason))
            .filter(items::Column::Id.eq(item.id))
            .exec(&write)
            .await
            .map_err(db_failure)?;
        write
            .audit(
                entry(
                    actor,
                    "decide_in_village_meeting",
                    Subject::new(OBJECT, row.id),
                    Some(&village),
                )
                .detail(format!(
                    "proposal={} decision={}",
                    decision.proposal_id,
                    decision.decision.code()
                )),
            )
            .await?;
        write.commit().await?;
        let row = load::<meetings::Entity>(&self.db, row.id).await?;
        self.file_of(actor, row).await
    }

    async fn attach_minutes(
        &self,
        actor: &Actor,
        meeting_id: i64,
        version: i32,
        content: Vec<u8>,
    ) -> Result<(), ServiceError> {
        let (row, village) = self.open_meeting(actor, meeting_id, version).await?;
        let kind = check_minutes(&content).map_err(meeting_problem)?;
        let sha256 = hex::encode(Sha256::digest(&content));
        let size = i64::try_from(content.len()).map_err(|_| ServiceError::Internal)?;
        let write = self.db.begin_write().await?;
        write
            .update(
                row.id,
                version,
                meetings::Entity::update_many()
                    .col_expr(meetings::Column::MinutesType, Expr::value(kind.code()))
                    .col_expr(meetings::Column::MinutesSize, Expr::value(size))
                    .col_expr(meetings::Column::MinutesSha256, Expr::value(sha256.clone()))
                    .col_expr(meetings::Column::MinutesUploadedAt, Expr::value(Utc::now())),
            )
            .await?;
        meeting_minutes::Entity::delete_by_id(row.id)
            .exec(&write)
            .await
            .map_err(db_failure)?;
        write
            .insert(meeting_minutes::ActiveModel {
                meeting_id: Set(row.id),
                content: Set(content),
            })
            .await?;
        write
            .audit(
                entry(
                    actor,
                    "upload_meeting_minutes",
                    Subject::new(OBJECT, row.id),
                    Some(&village),
                )
                .detail(format!("type={} bytes={size} sha256={sha256}", kind.code())),
            )
            .await?;
        write.commit().await
    }

    async fn minutes(
        &self,
        actor: &Actor,
        meeting_id: i64,
    ) -> Result<(MinutesType, Vec<u8>), ServiceError> {
        let subject = Subject::new(OBJECT, meeting_id);
        let (row, village) =
            load_for_proposal_work::<meetings::Entity>(&self.db, actor, meeting_id, subject)
                .await?;
        let kind = row
            .minutes_type
            .as_deref()
            .map(stored::<MinutesType>)
            .transpose()?
            .ok_or(ServiceError::NotFound)?;
        let file = meeting_minutes::Entity::find_by_id(row.id)
            .one(self.db.connection())
            .await
            .map_err(db_failure)?
            .ok_or(ServiceError::NotFound)?;
        self.db
            .audit_ok(
                entry(actor, "download_meeting_minutes", subject, Some(&village))
                    .detail(format!("bytes={}", file.content.len())),
            )
            .await?;
        Ok((kind, file.content))
    }

    async fn approve(
        &self,
        actor: &Actor,
        meeting_id: i64,
        version: i32,
    ) -> Result<MeetingFile, ServiceError> {
        let (row, village) = self.open_meeting(actor, meeting_id, version).await?;
        let file = self.file_of(actor, row.clone()).await?;
        if let Some(problem) = file.approval_problem {
            return Err(meeting_problem(problem));
        }
        let proposal_ids: Vec<i64> = file.items.iter().map(|item| item.proposal.id).collect();
        let decisions: BTreeMap<i64, (MeetingDecision, String)> = file
            .items
            .iter()
            .filter_map(|item| {
                item.decision
                    .map(|decision| (item.proposal.id, (decision, item.reason.clone())))
            })
            .collect();
        let now = Utc::now();
        let held = format!("Musdes {} di {}", row.held_on.format("%d/%m/%Y"), row.place);
        let write = self.db.change(Kind::Proposal, &proposal_ids).await?;
        write
            .update(
                row.id,
                version,
                meetings::Entity::update_many()
                    .col_expr(
                        meetings::Column::State,
                        Expr::value(MeetingState::Approved.code()),
                    )
                    .col_expr(meetings::Column::ApprovedBy, Expr::value(actor.user_id))
                    .col_expr(meetings::Column::ApprovedAt, Expr::value(now)),
            )
            .await?;
        let stored_proposals = proposals::Entity::find()
            .filter(proposals::Column::Id.is_in(proposal_ids.clone()))
            .all(&write)
            .await
            .map_err(db_failure)?;
        for proposal in stored_proposals {
            let Some((decision, reason)) = decisions.get(&proposal.id) else {
                return Err(meeting_problem(MeetingProblem::Undecided));
            };
            let stage = stored::<ProposalStage>(&proposal.stage)?;
            if stage != ProposalStage::Proposed {
                return Err(meeting_problem(MeetingProblem::ProposalNotWaiting));
            }
            let (action, note) = match decision {
                MeetingDecision::Agreed => (
                    ProposalAction::ApproveInVillageMeeting,
                    format!("{held}: disetujui"),
                ),
                MeetingDecision::NotAgreed => (
                    ProposalAction::Reject,
                    format!("{held}: tidak disetujui. {reason}"),
                ),
            };
            let (next, change) =
                record_transition::<ProposalFlow>(stage, action, &actor_ref(actor), now, &note)
                    .map_err(ServiceError::from)?;
            write
                .update(
                    proposal.id,
                    proposal.version,
                    proposals::Entity::update_many()
                        .col_expr(proposals::Column::Stage, Expr::value(next.code())),
                )
                .await?;
            write
                .step(Timeline::Proposal, proposal.id, actor, Step::from(&change))
                .await?;
        }
        write
            .audit(
                entry(
                    actor,
                    "approve_village_meeting",
                    Subject::new(OBJECT, row.id),
                    Some(&village),
                )
                .detail(format!(
                    "agreed={:?} not_agreed={:?}",
                    ids_decided(&decisions, MeetingDecision::Agreed),
                    ids_decided(&decisions, MeetingDecision::NotAgreed),
                )),
            )
            .await?;
        write.commit().await?;
        let row = load::<meetings::Entity>(&self.db, row.id).await?;
        self.file_of(actor, row).await
    }
}
