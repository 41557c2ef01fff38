//! Batches of flow B (`shared::proposal_batch`): the SLRT manager approves the
//! district's matched proposals together on the district head's decree
//! (pengesahan), then sends the batch to Kemensos: the submission file (one
//! row per person, by name and address, whole NIK and No KK) is made once,
//! sealed with the data key and kept with the batch, and every proposal of the
//! batch is recorded as sent in the same write.
//!
//! Approving and sending are the proposal state machine's `ratify` and
//! `submit` steps (their roles, their timeline entries); the submission file
//! holds whole identity numbers, so downloading it also needs the right to
//! see them. Every view, change and download is audited.

use std::collections::{BTreeSet, HashMap};

use async_trait::async_trait;
use chrono::{Datelike, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use shared::access::{Action, Target};
use shared::contract::{Actor, BatchService, ServiceError};
use shared::dto::Created;
use shared::geo::{AreaCode, AreaLevel, AreaScope};
use shared::member::Relationship;
use shared::proposal::{ProposalAction, ProposalFlow, ProposalStage};
use shared::proposal_batch::{
    BatchDesk, BatchFile, BatchProblem, BatchRow, BatchState, CivilMatch, RatifyBatch,
    SUBMISSION_COLUMNS, SubmitBatch, batch_number, batch_prefix,
};
use shared::workflow::Workflow;

use super::common::{
    Subject, authorize, earlier_result, entry, own_scope, stored_area, within_scope, workflow_step,
};
use super::db_failure;
use super::proposals::{change_of, rows_of};
use super::rows::{stored, usernames};
use super::stats::Kind;
use super::store::Store;
use super::write::{Step, Timeline, load};
use crate::entities::{households, members, proposal_batches, proposals};
use crate::protect::DataKey;

/// Object type of batches in the audit log and the idempotency keys.
const OBJECT: &str = "proposal_batch";

/// Tries at a batch number before the approval is answered as busy.
const NUMBER_TRIES: usize = 5;

/// [`BatchService`] on the portal database.
pub struct DbBatchService {
    db: Store,
    /// Opens the families' numbers for the submission file and seals the file.
    key: DataKey,
}

impl DbBatchService {
    pub fn new(db: Store, key: DataKey) -> Self {
        DbBatchService { db, key }
    }

    /// Loads a batch and checks each of `actions` on its district (a refusal audited).
    async fn authorized(
        &self,
        actor: &Actor,
        actions: &[Action],
        id: i64,
    ) -> Result<(proposal_batches::Model, AreaCode), ServiceError> {
        let batch = load::<proposal_batches::Entity>(&self.db, id).await?;
        let district = stored_area(&batch.district_code)?;
        for action in actions {
            authorize(
                &self.db,
                actor,
                *action,
                &Target::area(district.clone()),
                Subject::new(OBJECT, id),
            )
            .await?;
        }
        Ok((batch, district))
    }

    async fn row_of(&self, batch: proposal_batches::Model) -> Result<BatchRow, ServiceError> {
        let people: Vec<i64> = [batch.ratified_by, batch.submitted_by]
            .into_iter()
            .flatten()
            .collect();
        let names = usernames(&self.db, people).await?;
        let name = |id: Option<i64>| id.and_then(|id| names.get(&id).cloned());
        Ok(BatchRow {
            id: batch.id,
            version: batch.version,
            district: stored_area(&batch.district_code)?,
            state: stored::<BatchState>(&batch.state)?,
            decree: batch.decree,
            proposals: u32::try_from(batch.proposals).unwrap_or(0),
            people: u32::try_from(batch.people).unwrap_or(0),
            ratified_at: batch.ratified_at,
            ratified_by: name(batch.ratified_by).unwrap_or_default(),
            submitted_at: batch.submitted_at,
            submitted_by: name(batch.submitted_by),
            number: batch.number,
        })
    }

    /// The proposals of a batch, oldest first.
    async fn members_of(&self, batch_id: i64) -> Result<Vec<proposals::Model>, ServiceError> {
        proposals::Entity::find()
            .filter(proposals::Column::BatchId.eq(batch_id))
            .order_by_asc(proposals::Column::Id)
            .all(&self.db)
            .await
            .map_err(db_failure)
    }
}

/// The submission file's rows of batch `number`: one per living person of
/// each family, whole numbers opened with `key`.
pub(crate) async fn submission_rows<C: ConnectionTrait>(
    db: &C,
    key: &DataKey,
    number: &str,
    list: &[proposals::Model],
) -> Result<Vec<Vec<String>>, ServiceError> {
    let ids: Vec<i64> = list.iter().map(|p| p.household_id).collect();
    let families: HashMap<i64, households::Model> = households::Entity::find()
        .filter(households::Column::Id.is_in(ids.clone()))
        .all(db)
        .await
        .map_err(db_failure)?
        .into_iter()
        .map(|h| (h.id, h))
        .collect();
    let mut people: HashMap<i64, Vec<members::Model>> = HashMap::new();
    for member in members::Entity::find()
        .filter(members::Column::HouseholdId.is_in(ids))
        .order_by_asc(members::Column::Relationship)
        .order_by_asc(members::Column::Id)
        .all(db)
        .await
        .map_err(db_failure)?
    {
        people.entry(member.household_id).or_default().push(member);
    }
    let open = |sealed: &str| {
        key.open(sealed).map_err(|_| {
            tracing::error!(batch = number, "a sealed number did not open");
            ServiceError::Internal
        })
    };
    let mut rows = Vec::new();
    for proposal in list {
        let Some(family) = families.get(&proposal.household_id) else {
            return Err(ServiceError::Internal);
        };
        let no_kk = open(&family.kk_sealed)?;
        let change = change_of(proposal);
        let civil = proposal
            .civil_match
            .as_deref()
            .and_then(|json| serde_json::from_str::<CivilMatch>(json).ok());
        let living = people
            .get(&family.id)
            .into_iter()
            .flatten()
            .filter(|m| m.is_living());
        for member in living {
            let nik = match &member.nik_sealed {
                Some(sealed) => open(sealed)?,
                None => String::new(),
            };
            let relationship = u8::try_from(member.relationship)
                .ok()
                .and_then(|n| Relationship::from_number(n).ok())
                .map_or_else(
                    || member.relationship.to_string(),
                    |r| r.number().to_string(),
                );
            let outcome = civil
                .as_ref()
                .and_then(|c| c.outcome_of(member.id))
                .map(|o| o.label_id().to_string())
                .unwrap_or_default();
            let mut row = vec![
                family.registry_id.clone().unwrap_or_default(),
                "dtsen".to_string(),
                no_kk.clone(),
                nik,
                member.name.clone(),
                relationship,
                family.village_code.clone(),
                family.street.clone().unwrap_or_default(),
                family.desil.map(|d| d.to_string()).unwrap_or_default(),
                String::new(),
            ];
            row.extend([
                (rows.len() + 1).to_string(),
                number.to_string(),
                proposal.id.to_string(),
                proposal.kind.clone(),
                change
                    .as_ref()
                    .map(|c| c.change_type().code().to_string())
                    .unwrap_or_default(),
                family.rt.clone().unwrap_or_default(),
                family.rw.clone().unwrap_or_default(),
                if member.sex == "female" { "P" } else { "L" }.to_string(),
                member.birth_date.format("%d/%m/%Y").to_string(),
                outcome,
            ]);
            debug_assert_eq!(row.len(), SUBMISSION_COLUMNS.len());
            rows.push(row);
        }
    }
    Ok(rows)
}

/// The district of a village code.
fn district_of(village: &str) -> Result<AreaCode, ServiceError> {
    stored_area(village)?
        .ancestor_at(AreaLevel::District)
        .ok_or(ServiceError::Internal)
}

fn refused(problem: BatchProblem) -> ServiceError {
    ServiceError::Invalid(problem.into())
}

#[async_trait]
impl BatchService for DbBatchService {
    async fn desk(&self, actor: &Actor) -> Result<BatchDesk, ServiceError> {
        let scope = own_scope(actor)?;
        authorize(
            &self.db,
            actor,
            Action::ChangeProposal,
            &Target::area(scope.clone()),
            Subject::kind(OBJECT),
        )
        .await?;
        // A batch is a district's: staff of the district or above see it.
        let batches = within_scope(
            proposal_batches::Entity::find(),
            proposal_batches::Column::DistrictCode,
            &scope,
        )
        .order_by_desc(proposal_batches::Column::Id)
        .all(&self.db)
        .await
        .map_err(db_failure)?;
        let mut rows = Vec::with_capacity(batches.len());
        for batch in batches {
            rows.push(self.row_of(batch).await?);
        }
        let waiting = within_scope(
            proposals::Entity::find(),
            proposals::Column::VillageCode,
            &scope,
        )
        .filter(proposals::Column::Stage.eq(ProposalStage::CivilRegistryMatched.code()))
        .order_by_asc(proposals::Column::Id)
        .all(&self.db)
        .await
        .map_err(db_failure)?;
        let waiting = rows_of(&self.db, waiting).await?;
        let area = match &scope {
            AreaScope::Area(code) => Some(code),
            AreaScope::National => None,
        };
        self.db
            .audit_ok(
                entry(actor, "list_batches", Subject::kind(OBJECT), area).detail(format!(
                    "batches={}; waiting={}",
                    rows.len(),
                    waiting.len()
                )),
            )
            .await?;
        Ok(BatchDesk {
            batches: rows,
            waiting,
        })
    }

    async fn ratify(&self, actor: &Actor, request: RatifyBatch) -> Result<Created, ServiceError> {
        if let Some(id) = earlier_result(&self.db, actor, &request.idempotency_key, OBJECT).await? {
            return Ok(Created { id });
        }
        let chosen = proposals::Entity::find()
            .filter(proposals::Column::Id.is_in(request.proposal_ids.clone()))
            .order_by_asc(proposals::Column::Id)
            .all(&self.db)
            .await
            .map_err(db_failure)?;
        if chosen.is_empty() {
            return Err(refused(BatchProblem::BatchEmpty));
        }
        if chosen.len() != request.proposal_ids.len() {
            return Err(ServiceError::NotFound);
        }
        let villages: BTreeSet<String> = chosen.iter().map(|p| p.village_code.clone()).collect();
        for village in &villages {
            authorize(
                &self.db,
                actor,
                Action::ChangeProposal,
                &Target::area(stored_area(village)?),
                Subject::kind(OBJECT),
            )
            .await?;
        }
        let districts: BTreeSet<AreaCode> = villages
            .iter()
            .map(|v| district_of(v))
            .collect::<Result<_, _>>()?;
        let district = match (districts.first(), districts.len()) {
            (Some(district), 1) => district.clone(),
            _ => return Err(refused(BatchProblem::OtherDistrict)),
        };
        // The role's right to approve, as the state machine says (a refusal audited).
        let now = Utc::now();
        let mut steps = Vec::with_capacity(chosen.len());
        for proposal in &chosen {
            let stage = stored::<ProposalStage>(&proposal.stage)?;
            if stage != ProposalStage::CivilRegistryMatched {
                return Err(refused(BatchProblem::NotAwaitingApproval));
            }
            let (_, change) = workflow_step::<ProposalFlow>(
                &self.db,
                actor,
                stage,
                ProposalAction::Ratify,
                &request.decree,
                now,
                "ratify_batch",
                Subject::new("proposal", proposal.id),
                Some(&stored_area(&proposal.village_code)?),
            )
            .await?;
            steps.push(change);
        }
        let ids: Vec<i64> = chosen.iter().map(|p| p.id).collect();
        let year = actor.zone().today(now).year();
        let prefix = batch_prefix(&district, year);
        // The next serial of the district's year: one past the highest taken
        // (a number taken meanwhile by another desk is tried again, a few times).
        for _ in 0..NUMBER_TRIES {
            let write = self.db.change(Kind::Proposal, &ids).await?;
            let taken = proposal_batches::Entity::find()
                .filter(proposal_batches::Column::DistrictCode.eq(district.as_str()))
                .filter(proposal_batches::Column::Number.starts_with(prefix.as_str()))
                .all(&write)
                .await
                .map_err(db_failure)?;
            let serial = taken
                .iter()
                .filter_map(|b| b.number.strip_prefix(prefix.as_str()))
                .filter_map(|tail| tail.parse::<u32>().ok())
                .max()
                .unwrap_or(0);
            let number = batch_number(&district, year, serial + 1);
            let batch = proposal_batches::ActiveModel {
                number: Set(number.clone()),
                district_code: Set(district.as_str().to_string()),
                state: Set(BatchState::Ratified.code().to_string()),
                decree: Set(request.decree.clone()),
                proposals: Set(i32::try_from(chosen.len()).unwrap_or(i32::MAX)),
                people: Set(0),
                ratified_by: Set(Some(actor.user_id)),
                ratified_at: Set(now),
                created_at: Set(now),
                updated_at: Set(now),
                version: Set(1),
                ..Default::default()
            };
            let Some(batch) = write.insert_numbered(batch).await? else {
                continue;
            };
            for (proposal, change) in chosen.iter().zip(&steps) {
                write
                    .update(
                        proposal.id,
                        proposal.version,
                        proposals::Entity::update_many()
                            .col_expr(
                                proposals::Column::Stage,
                                Expr::value(ProposalStage::Ratified.code()),
                            )
                            .col_expr(proposals::Column::BatchId, Expr::value(batch.id)),
                    )
                    .await
                    .map_err(|error| match error {
                        ServiceError::Conflict => refused(BatchProblem::NotAwaitingApproval),
                        other => other,
                    })?;
                write
                    .step(Timeline::Proposal, proposal.id, actor, Step::from(change))
                    .await?;
            }
            write
                .audit(
                    entry(
                        actor,
                        "ratify_batch",
                        Subject::new(OBJECT, batch.id),
                        Some(&district),
                    )
                    .detail(format!(
                        "number={number}; proposals={}",
                        ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
                    )),
                )
                .await?;
            let id = write
                .commit_keyed(&self.db, actor, &request.idempotency_key, OBJECT, batch.id)
                .await?;
            return Ok(Created { id });
        }
        // Numbers kept being taken: a passing clash the browser sends again.
        Err(ServiceError::Unavailable)
    }

    async fn submit(&self, actor: &Actor, request: SubmitBatch) -> Result<BatchRow, ServiceError> {
        let (batch, district) = self
            .authorized(actor, &[Action::ChangeProposal], request.batch_id)
            .await?;
        super::common::check_version(batch.version, request.version)?;
        if stored::<BatchState>(&batch.state)? != BatchState::Ratified {
            return Err(refused(BatchProblem::AlreadySubmitted));
        }
        let list = self.members_of(batch.id).await?;
        if list.is_empty() {
            // Every proposal of it was refused after its approval.
            return Err(refused(BatchProblem::BatchEmpty));
        }
        let now = Utc::now();
        let mut steps = Vec::with_capacity(list.len());
        for proposal in &list {
            let (_, change) = workflow_step::<ProposalFlow>(
                &self.db,
                actor,
                stored::<ProposalStage>(&proposal.stage)?,
                ProposalAction::Submit,
                &batch.number,
                now,
                "submit_batch",
                Subject::new("proposal", proposal.id),
                Some(&stored_area(&proposal.village_code)?),
            )
            .await?;
            steps.push(change);
        }
        let rows = submission_rows(&self.db, &self.key, &batch.number, &list).await?;
        let sealed = self.key.seal(&super::rows::to_json(&rows)?);
        let ids: Vec<i64> = list.iter().map(|p| p.id).collect();
        let write = self.db.change(Kind::Proposal, &ids).await?;
        for (proposal, change) in list.iter().zip(&steps) {
            write
                .update(
                    proposal.id,
                    proposal.version,
                    proposals::Entity::update_many().col_expr(
                        proposals::Column::Stage,
                        Expr::value(ProposalStage::Submitted.code()),
                    ),
                )
                .await?;
            write
                .step(Timeline::Proposal, proposal.id, actor, Step::from(change))
                .await?;
        }
        write
            .update(
                batch.id,
                request.version,
                proposal_batches::Entity::update_many()
                    .col_expr(
                        proposal_batches::Column::State,
                        Expr::value(BatchState::Submitted.code()),
                    )
                    .col_expr(proposal_batches::Column::FileSealed, Expr::value(sealed))
                    .col_expr(
                        proposal_batches::Column::People,
                        Expr::value(i32::try_from(rows.len()).unwrap_or(i32::MAX)),
                    )
                    .col_expr(
                        proposal_batches::Column::SubmittedBy,
                        Expr::value(actor.user_id),
                    )
                    .col_expr(proposal_batches::Column::SubmittedAt, Expr::value(now)),
            )
            .await?;
        write
            .audit(
                entry(
                    actor,
                    "submit_batch",
                    Subject::new(OBJECT, batch.id),
                    Some(&district),
                )
                .detail(format!(
                    "number={}; proposals={}; people={}",
                    batch.number,
                    list.len(),
                    rows.len()
                )),
            )
            .await?;
        write.commit().await?;
        let stored = load::<proposal_batches::Entity>(&self.db, batch.id).await?;
        self.row_of(stored).await
    }

    async fn file(&self, actor: &Actor, batch_id: i64) -> Result<BatchFile, ServiceError> {
        let (batch, district) = self
            .authorized(
                actor,
                &[Action::ChangeProposal, Action::ViewPersonalData],
                batch_id,
            )
            .await?;
        let list = self.members_of(batch.id).await?;
        let proposals = rows_of(&self.db, list).await?;
        self.db
            .audit_ok(entry(
                actor,
                "view_batch",
                Subject::new(OBJECT, batch_id),
                Some(&district),
            ))
            .await?;
        Ok(BatchFile {
            batch: self.row_of(batch).await?,
            proposals,
        })
    }

    async fn submission(
        &self,
        actor: &Actor,
        batch_id: i64,
    ) -> Result<(String, Vec<Vec<String>>), ServiceError> {
        let (batch, district) = self
            .authorized(
                actor,
                &[Action::ChangeProposal, Action::ViewFullIdentity],
                batch_id,
            )
            .await?;
        // Those who send may download what was sent (the state machine's roles).
        if let Err(error) =
            ProposalFlow::transition(ProposalStage::Ratified, ProposalAction::Submit, actor.role)
        {
            return Err(super::common::refuse_step(
                &self.db,
                actor,
                "download_submission",
                Subject::new(OBJECT, batch_id),
                Some(&district),
                error,
            )
            .await);
        }
        let Some(sealed) = &batch.file_sealed else {
            return Err(refused(BatchProblem::NotSubmitted));
        };
        let json = self.key.open(sealed).map_err(|_| {
            tracing::error!(batch = batch.id, "the submission file did not open");
            ServiceError::Internal
        })?;
        let rows: Vec<Vec<String>> = super::rows::stored_json(&json)?;
        self.db
            .audit_ok(
                entry(
                    actor,
                    "download_submission",
                    Subject::new(OBJECT, batch_id),
                    Some(&district),
                )
                .detail(format!("rows={}", rows.len())),
            )
            .await?;
        Ok((batch.number, rows))
    }
}
