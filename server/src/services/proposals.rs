//! Registry proposals (usulan DTKS/DTSEN, flow B): starting a proposal for a
//! household, moving it through the shared state machine (musdes, verivali,
//! padan Dukcapil, pengesahan, pengiriman, penetapan or penolakan), the
//! area-scoped worklist and the proposal's history.

use std::collections::HashMap;
use std::sync::Arc;

use async_trait::async_trait;
use chrono::Utc;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Select, Set,
};
use shared::access::{Action, Target};
use shared::contract::{Actor, ProposalService, ServiceError};
use shared::dto::{
    Created, Page, ProposalFile, ProposalFilter, ProposalRow, ProposalTransitionRequest,
    ProposalWorklist, StartProposal,
};
use shared::error::DomainError;
use shared::export::ExportRows;
use shared::geo::{AreaCode, AreaScope};
use shared::proposal::{ProposalAction, ProposalFlow, ProposalKind, ProposalSource, ProposalStage};
use shared::proposal_batch::{BatchProblem, CivilMatch, MatchMember, MatchOutcome, RecordMatch};
use shared::proposal_change::{ChangeProblem, ChangeType, ProposalChange};
use shared::workflow::{NOTE_MAX, StateChange, Workflow};

use super::card_split;
use super::common::{
    Subject, authorize, check_version, earlier_result, entry, fetch_page, own_scope, stored_area,
    within_scope, workflow_step,
};
use super::db_failure;
use super::export::{self, Order};
use super::households::DbHouseholdService;
use super::proposal_apply::apply_enacted;
use super::rows::{EventRow, stored, usernames};
use super::stats::Kind;
use super::store::Store;
use super::write::{Step, Timeline, Write, load, load_in_area};
use crate::entities::{households, proposal_batches, proposal_events, proposals};

/// Object type of proposals in the audit log and the idempotency keys.
const OBJECT: &str = "proposal";

/// [`ProposalService`] on the portal database.
pub struct DbProposalService {
    db: Store,
    /// The household files proposals are checked against and compared with.
    households: Arc<DbHouseholdService>,
    /// Rows an export reads at once.
    export_page_rows: u64,
}

impl DbProposalService {
    pub fn new(db: Store, households: Arc<DbHouseholdService>, export_page_rows: u64) -> Self {
        DbProposalService {
            db,
            households,
            export_page_rows,
        }
    }

    /// The portal database.
    pub(crate) fn store(&self) -> &Store {
        &self.db
    }

    /// The data key, for the lookup hashes of identity numbers.
    pub(crate) fn key(&self) -> &crate::protect::DataKey {
        self.households.key()
    }

    async fn proposal(&self, id: i64) -> Result<proposals::Model, ServiceError> {
        load::<proposals::Entity>(&self.db, id).await
    }

    /// The area a list asks for, once the actor may work on proposals there.
    async fn list_scope(
        &self,
        actor: &Actor,
        filter: &ProposalFilter,
    ) -> Result<AreaScope, ServiceError> {
        if let Some(days) = filter.idle_days
            && !shared::dto::ProposalListQuery::IDLE_DAYS.contains(&days)
        {
            return Err(ServiceError::Invalid(DomainError::UnknownCode {
                field: "umur".into(),
                code: days.to_string(),
            }));
        }
        let scope = scope_of(actor, filter)?;
        authorize(
            &self.db,
            actor,
            Action::ChangeProposal,
            &Target::area(scope.clone()),
            Subject::kind("proposal_list"),
        )
        .await?;
        Ok(scope)
    }

    /// The family's other unfinished proposals, each marked when it conflicts
    /// with `change` (what the approver must see before deciding).
    async fn others_open(
        &self,
        row: &proposals::Model,
        change: Option<&ProposalChange>,
    ) -> Result<Vec<(ProposalRow, bool)>, ServiceError> {
        let open: Vec<proposals::Model> = open_of(row.household_id)
            .filter(proposals::Column::Id.ne(row.id))
            .order_by_asc(proposals::Column::Id)
            .all(&self.db)
            .await
            .map_err(db_failure)?;
        let conflicts: Vec<bool> = open
            .iter()
            .map(|other| match (change, change_of(other)) {
                (Some(mine), Some(theirs)) => mine.conflicts_with(&theirs),
                _ => false,
            })
            .collect();
        Ok(rows_of(&self.db, open)
            .await?
            .into_iter()
            .zip(conflicts)
            .collect())
    }

    /// Loads a proposal and checks `action` on its village.
    async fn authorized_proposal(
        &self,
        actor: &Actor,
        action: Action,
        id: i64,
    ) -> Result<(proposals::Model, AreaCode), ServiceError> {
        let subject = Subject::new(OBJECT, id);
        load_in_area::<proposals::Entity>(&self.db, actor, action, id, subject).await
    }
}

/// The area a list asks for: the filter's, or the actor's own.
fn scope_of(actor: &Actor, filter: &ProposalFilter) -> Result<AreaScope, ServiceError> {
    match &filter.area {
        Some(area) => Ok(AreaScope::Area(area.clone())),
        None => own_scope(actor),
    }
}

/// The area code of a scope (none for the nation), for the audit entry.
fn area_of(scope: &AreaScope) -> Option<&AreaCode> {
    match scope {
        AreaScope::Area(code) => Some(code),
        AreaScope::National => None,
    }
}

/// The proposals in `scope` at these stages and of these kinds (empty: any),
/// unmoved for at least `idle_days` when given.
fn selected(
    scope: &AreaScope,
    stages: &[ProposalStage],
    kinds: &[ProposalKind],
    idle_days: Option<u32>,
) -> Select<proposals::Entity> {
    let mut query = within_scope(
        proposals::Entity::find(),
        proposals::Column::VillageCode,
        scope,
    );
    if !stages.is_empty() {
        query = query.filter(proposals::Column::Stage.is_in(stages.iter().map(|s| s.code())));
    }
    if !kinds.is_empty() {
        query = query.filter(proposals::Column::Kind.is_in(kinds.iter().map(|k| k.code())));
    }
    if let Some(since) = idle_days
        .and_then(|days| Utc::now().checked_sub_signed(chrono::Duration::days(i64::from(days))))
    {
        query = query.filter(proposals::Column::UpdatedAt.lte(since));
    }
    query
}

/// List rows of stored proposals, with the household's masked No KK.
pub(crate) async fn rows_of<C: ConnectionTrait>(
    db: &C,
    list: Vec<proposals::Model>,
) -> Result<Vec<ProposalRow>, ServiceError> {
    let ids: Vec<i64> = list.iter().map(|row| row.household_id).collect();
    let families: HashMap<i64, (String, String)> = households::Entity::find()
        .filter(households::Column::Id.is_in(ids))
        .all(db)
        .await
        .map_err(db_failure)?
        .into_iter()
        .map(|household| (household.id, (household.kk_masked, household.head_name)))
        .collect();
    let mut rows = Vec::with_capacity(list.len());
    for row in list {
        let (no_kk_masked, head_name) =
            families.get(&row.household_id).cloned().unwrap_or_default();
        rows.push(ProposalRow {
            id: row.id,
            version: row.version,
            household_id: row.household_id,
            no_kk_masked,
            head_name,
            updated_at: row.updated_at,
            kind: stored::<ProposalKind>(&row.kind)?,
            change_type: change_of(&row).map(|change| change.change_type()),
            source: stored::<ProposalSource>(&row.source)?,
            stage: stored::<ProposalStage>(&row.stage)?,
            village: stored_area(&row.village_code)?,
        });
    }
    Ok(rows)
}

/// The change a stored proposal asks for: as recorded, or for a new-family
/// proposal stored before changes were recorded, the new family.
pub(crate) fn change_of(row: &proposals::Model) -> Option<ProposalChange> {
    match &row.change {
        // An unreadable change is logged and shown as none, rather than
        // breaking every list, download and new proposal of the family.
        Some(json) => serde_json::from_str(json)
            .inspect_err(|error| {
                tracing::error!(%error, proposal = row.id, "stored proposal change unreadable");
            })
            .ok(),
        None if row.kind == ProposalKind::NewFamily.code() => Some(ProposalChange::NewFamily),
        None => None,
    }
}

/// The household's unfinished proposals (neither enacted nor rejected).
pub(crate) fn open_of(household_id: i64) -> Select<proposals::Entity> {
    proposals::Entity::find()
        .filter(proposals::Column::HouseholdId.eq(household_id))
        .filter(proposals::Column::Stage.is_not_in([
            ProposalStage::Enacted.code(),
            ProposalStage::Rejected.code(),
        ]))
}

/// The household's open proposal asking for a change of `change_type`, if any.
async fn open_proposal_of<C: ConnectionTrait>(
    db: &C,
    household_id: i64,
    change_type: ChangeType,
) -> Result<Option<i64>, ServiceError> {
    let open = open_of(household_id).all(db).await.map_err(db_failure)?;
    Ok(open
        .iter()
        .find(|row| change_of(row).is_some_and(|change| change.change_type() == change_type))
        .map(|row| row.id))
}

/// Writes a new proposal at the first stage of flow B with its "propose" step;
/// `change` is what it asks for (events recorded on the household give none yet).
#[allow(clippy::too_many_arguments)]
pub(crate) async fn insert_proposal(
    db: &Write,
    actor: &Actor,
    household_id: i64,
    village_code: &str,
    kind: ProposalKind,
    change: Option<&ProposalChange>,
    source: ProposalSource,
    note: String,
) -> Result<proposals::Model, ServiceError> {
    let stage = ProposalFlow::initial();
    let now = Utc::now();
    let change = change
        .map(serde_json::to_string)
        .transpose()
        .map_err(|_| ServiceError::Internal)?;
    let proposal = proposals::ActiveModel {
        household_id: Set(household_id),
        village_code: Set(village_code.to_string()),
        kind: Set(kind.code().to_string()),
        change: Set(change),
        source: Set(source.code().to_string()),
        stage: Set(stage.code().to_string()),
        created_by: Set(Some(actor.user_id)),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
        ..Default::default()
    };
    let proposal = db.insert(proposal).await?;
    let proposed = Step {
        action: "propose",
        from: None,
        to: stage.code(),
        note: Some(note),
    };
    db.step(Timeline::Proposal, proposal.id, actor, proposed)
        .await?;
    Ok(proposal)
}

#[async_trait]
impl ProposalService for DbProposalService {
    async fn start(&self, actor: &Actor, request: StartProposal) -> Result<Created, ServiceError> {
        let (household, village) = load_in_area::<households::Entity>(
            &self.db,
            actor,
            Action::ChangeProposal,
            request.household_id,
            Subject::kind(OBJECT),
        )
        .await?;
        if let Some(id) = earlier_result(&self.db, actor, &request.idempotency_key, OBJECT).await? {
            return Ok(Created { id });
        }
        crate::services::households::open_for_work(&household, Action::ChangeProposal)?;
        let note = shared::text::required("note", &request.note, NOTE_MAX)?;
        // Checked against the household as it is; the proposer was allowed to
        // act on it above, so this read shows nothing and is not a view.
        let file = self
            .households
            .file_of(household.clone(), actor.role.may(Action::ViewFullIdentity))
            .await?;
        let change = request.change.checked(&file, actor.today())?;
        let mut write = self.db.begin_write().await?;
        // In the write, where a second desk's proposal cannot slip in between:
        // SQLite writes take turns; on PostgreSQL the family's row is locked
        // until the write ends, so a second desk waits and then sees this one.
        // The family as it is in this write: a merge that came first closed it.
        let mut current = households::Entity::find_by_id(household.id);
        if write.get_database_backend() == sea_orm::DbBackend::Postgres {
            current = current.lock_exclusive();
        }
        if let Some(current) = current.one(&write).await.map_err(db_failure)? {
            crate::services::households::open_for_work(&current, Action::ChangeProposal)?;
        }
        if let Some(proposal_id) =
            open_proposal_of(&write, household.id, change.change_type()).await?
        {
            return Err(ServiceError::Invalid(DomainError::OpenProposalExists {
                proposal_id,
            }));
        }
        let proposal = insert_proposal(
            &write,
            actor,
            household.id,
            village.as_str(),
            change.kind(),
            Some(&change),
            request.source,
            note,
        )
        .await?;
        write.created(Kind::Proposal, proposal.id);
        write
            .audit(
                entry(
                    actor,
                    "start_proposal",
                    Subject::new(OBJECT, proposal.id),
                    Some(&village),
                )
                .detail(format!(
                    "household={}; change={}; source={}",
                    household.id,
                    change.change_type().code(),
                    request.source.code()
                )),
            )
            .await?;
        let id = write
            .commit_keyed(
                &self.db,
                actor,
                &request.idempotency_key,
                OBJECT,
                proposal.id,
            )
            .await?;
        Ok(Created { id })
    }

    async fn transition(
        &self,
        actor: &Actor,
        request: ProposalTransitionRequest,
    ) -> Result<ProposalRow, ServiceError> {
        let (row, village) = self
            .authorized_proposal(actor, Action::ChangeProposal, request.proposal_id)
            .await?;
        check_version(row.version, request.version)?;
        let stage = stored::<ProposalStage>(&row.stage)?;
        // On an open meeting's agenda, the meeting decides (or the proposal is
        // taken off its agenda first).
        if stage == ProposalStage::Proposed
            && super::meetings::open_meeting_of(self.db.connection(), row.id)
                .await?
                .is_some()
        {
            return Err(ServiceError::Invalid(DomainError::Meeting {
                problem: shared::meeting::MeetingProblem::OnOpenAgenda,
            }));
        }
        let now = Utc::now();
        let (next, change) = workflow_step::<ProposalFlow>(
            &self.db,
            actor,
            stage,
            request.action,
            &request.note,
            now,
            "proposal_transition",
            Subject::new(OBJECT, row.id),
            Some(&village),
        )
        .await?;
        // The match names each member's result and approval and sending go by
        // batch, each through its own door (see `record_match`, `batches`).
        match request.action {
            ProposalAction::MatchCivilRegistry => {
                return Err(ServiceError::Invalid(BatchProblem::MatchThroughForm.into()));
            }
            ProposalAction::Ratify | ProposalAction::Submit => {
                return Err(ServiceError::Invalid(BatchProblem::ThroughBatch.into()));
            }
            _ => {}
        }
        // A proposal opened by a life event asks the registry for what the
        // household file already records: enacting it applies nothing again.
        let asked = if row.source == ProposalSource::HouseholdEvent.code() {
            None
        } else {
            change_of(&row)
        };
        // A pecah KK is enacted with the card the civil registry issued.
        let split = match (next, asked.as_ref()) {
            (ProposalStage::Enacted, Some(ProposalChange::Split { member_ids })) => {
                let card = request.new_card.as_ref().ok_or(ServiceError::Invalid(
                    DomainError::ProposalChange {
                        problem: ChangeProblem::NewCardNeeded,
                    },
                ))?;
                let from =
                    load::<households::Entity>(self.db.connection(), row.household_id).await?;
                // Staff of the village it was proposed in do not create
                // households in the village it moved to.
                if from.village_code != row.village_code {
                    return Err(ServiceError::Invalid(DomainError::ProposalChange {
                        problem: ChangeProblem::FamilyMoved,
                    }));
                }
                let split = card_split::Split {
                    from: &from,
                    member_ids,
                    card,
                };
                card_split::check(self.db.connection(), self.households.key(), &split).await?;
                Some((from, member_ids, card))
            }
            _ => None,
        };
        let mut write = self.db.change(Kind::Proposal, &[row.id]).await?;
        // Enacted: the change is applied to the household in the same write.
        let applied = if next == ProposalStage::Enacted {
            write.touch(Kind::Household, &[row.household_id]).await?;
            let applied = apply_enacted(&write, &row, asked.as_ref())
                .await
                .map_err(db_failure)?;
            let new_card = match &split {
                Some((from, member_ids, card)) => {
                    let today = super::common::today_in(&from.village_code);
                    let split = card_split::Split {
                        from,
                        member_ids,
                        card,
                    };
                    let household = card_split::split_off(
                        &mut write,
                        self.households.key(),
                        actor,
                        &split,
                        today,
                        &format!("usulan {}", row.id),
                    )
                    .await?;
                    format!("; new_household={}", household.id)
                }
                None => String::new(),
            };
            format!(
                "; applied={}{new_card}; match_flags={}{}",
                applied.changed.join(","),
                applied.matched_flags,
                if applied.left_to_events {
                    "; left to household events"
                } else {
                    ""
                }
            )
        } else {
            String::new()
        };
        // Refused after its batch's approval, before the batch is sent: it
        // leaves the batch, which is sent without it.
        let leaves_batch = next == ProposalStage::Rejected && stage == ProposalStage::Ratified;
        let mut update = proposals::Entity::update_many()
            .col_expr(proposals::Column::Stage, Expr::value(next.code()));
        if leaves_batch {
            update = update.col_expr(proposals::Column::BatchId, Expr::value(Option::<i64>::None));
        }
        write.update(row.id, request.version, update).await?;
        if let (true, Some(batch)) = (leaves_batch, row.batch_id) {
            proposal_batches::Entity::update_many()
                .col_expr(
                    proposal_batches::Column::Proposals,
                    Expr::col(proposal_batches::Column::Proposals).sub(1),
                )
                .col_expr(
                    proposal_batches::Column::Version,
                    Expr::col(proposal_batches::Column::Version).add(1),
                )
                .col_expr(proposal_batches::Column::UpdatedAt, Expr::value(now))
                .filter(proposal_batches::Column::Id.eq(batch))
                .filter(
                    proposal_batches::Column::State
                        .eq(shared::proposal_batch::BatchState::Ratified.code()),
                )
                .exec(&write)
                .await
                .map_err(db_failure)?;
        }
        write
            .step(Timeline::Proposal, row.id, actor, Step::from(&change))
            .await?;
        write
            .audit(
                entry(
                    actor,
                    "proposal_transition",
                    Subject::new(OBJECT, row.id),
                    Some(&village),
                )
                .detail(format!(
                    "{}: {} → {}{applied}",
                    change.action, change.from, change.to
                )),
            )
            .await?;
        write.commit().await?;
        let updated = self.proposal(row.id).await?;
        rows_of(&self.db, vec![updated])
            .await?
            .pop()
            .ok_or(ServiceError::Internal)
    }

    async fn list(
        &self,
        actor: &Actor,
        filter: ProposalFilter,
    ) -> Result<Page<ProposalRow>, ServiceError> {
        let scope = self.list_scope(actor, &filter).await?;
        let query = selected(&scope, &filter.stages, &filter.kinds, filter.idle_days);
        let Page {
            items: rows,
            total,
            page,
            per_page,
        } = fetch_page(
            &self.db,
            query
                .order_by_desc(proposals::Column::CreatedAt)
                .order_by_desc(proposals::Column::Id),
            filter.page,
            filter.per_page,
        )
        .await?;
        let items = rows_of(&self.db, rows).await?;
        let area = area_of(&scope);
        let detail = format!("page={page}; rows={}; total={total}", items.len());
        self.db
            .audit_ok(entry(actor, "list_proposals", Subject::kind(OBJECT), area).detail(detail))
            .await?;
        Ok(Page {
            items,
            total,
            page,
            per_page,
        })
    }

    async fn export(
        &self,
        actor: &Actor,
        filter: ProposalFilter,
    ) -> Result<ExportRows<ProposalRow>, ServiceError> {
        let scope = self.list_scope(actor, &filter).await?;
        let db = self.db.clone();
        // The list's order: newest first, the id breaking ties.
        let order = Order::<proposals::Entity> {
            cursor: |query| query.cursor_by((proposals::Column::CreatedAt, proposals::Column::Id)),
            descending: true,
            key: |row| (row.created_at, row.id).into(),
        };
        let opened = export::open(
            &self.db,
            selected(&scope, &filter.stages, &filter.kinds, filter.idle_days),
            proposals::Column::Id,
            order,
            self.export_page_rows,
            export::rows_of(move |rows| {
                let db = db.clone();
                async move { rows_of(&db, rows).await }
            }),
        )
        .await?;
        let area = area_of(&scope);
        let detail = format!("proposal list download; rows={}", opened.0);
        self.db
            .audit_ok(entry(actor, "export_proposals", Subject::kind(OBJECT), area).detail(detail))
            .await?;
        let area = export::area_name(&self.db, actor, &scope).await?;
        Ok(export::rows(area, opened))
    }

    async fn worklist(
        &self,
        actor: &Actor,
        filter: ProposalFilter,
    ) -> Result<ProposalWorklist, ServiceError> {
        // The list first: it checks the access rule (and audits the reading).
        let scope = scope_of(actor, &filter)?;
        let (kinds, idle_days) = (filter.kinds.clone(), filter.idle_days);
        let page = self.list(actor, filter).await?;
        let counted: Vec<(String, i64)> = selected(&scope, &[], &kinds, idle_days)
            .select_only()
            .column(proposals::Column::Stage)
            .column_as(proposals::Column::Id.count(), "n")
            .group_by(proposals::Column::Stage)
            .into_tuple()
            .all(&self.db)
            .await
            .map_err(db_failure)?;
        let stages = ProposalStage::ALL
            .iter()
            .map(|stage| {
                let n = counted
                    .iter()
                    .find(|(code, _)| code == stage.code())
                    .map_or(0, |(_, n)| u64::try_from(*n).unwrap_or(0));
                (*stage, n)
            })
            .collect();
        Ok(ProposalWorklist { page, stages })
    }

    async fn file(&self, actor: &Actor, proposal_id: i64) -> Result<ProposalFile, ServiceError> {
        let (row, timeline) = self.viewed(actor, proposal_id).await?;
        let change = change_of(&row);
        let exact = actor.role.may(Action::ViewFullIdentity);
        // The view of the proposal (audited by `viewed`) shows its family,
        // while the family still lives where the proposal was made (a family
        // moved away is the new village's to see).
        let household = load::<households::Entity>(&self.db, row.household_id).await?;
        let family = if household.village_code == row.village_code {
            Some(self.households.file_of(household, exact).await?)
        } else {
            None
        };
        let comparison = match (&change, &family) {
            (Some(change), Some(family)) => change.compare(family, exact),
            _ => Vec::new(),
        };
        let stage = stored::<ProposalStage>(&row.stage)?;
        let match_members = match &family {
            Some(family)
                if !matches!(
                    stage,
                    ProposalStage::Proposed | ProposalStage::VillageMeetingApproved
                ) =>
            {
                let recorded = row
                    .civil_match
                    .as_deref()
                    .and_then(|json| serde_json::from_str::<CivilMatch>(json).ok());
                MatchMember::of_file(family, recorded.as_ref())
            }
            _ => Vec::new(),
        };
        let batch = match row.batch_id {
            Some(id) => proposal_batches::Entity::find_by_id(id)
                .one(&self.db)
                .await
                .map_err(db_failure)?
                .map(|batch| (batch.id, batch.number)),
            None => None,
        };
        let others = self.others_open(&row, change.as_ref()).await?;
        let change = change.map(|change| {
            if exact {
                change
            } else {
                change.without_birth_day()
            }
        });
        let proposal = rows_of(&self.db, vec![row])
            .await?
            .pop()
            .ok_or(ServiceError::Internal)?;
        Ok(ProposalFile {
            proposal,
            change,
            comparison,
            others,
            match_members,
            batch,
            timeline,
        })
    }

    async fn history(
        &self,
        actor: &Actor,
        proposal_id: i64,
    ) -> Result<Vec<StateChange>, ServiceError> {
        Ok(self.viewed(actor, proposal_id).await?.1)
    }

    async fn import_matches(
        &self,
        actor: &Actor,
        content: Vec<u8>,
    ) -> Result<shared::proposal_batch::MatchImport, ServiceError> {
        super::match_file::import(self, actor, content).await
    }

    async fn record_match(
        &self,
        actor: &Actor,
        request: RecordMatch,
    ) -> Result<ProposalRow, ServiceError> {
        let (row, village) = self
            .authorized_proposal(actor, Action::ChangeProposal, request.proposal_id)
            .await?;
        check_version(row.version, request.version)?;
        let stage = stored::<ProposalStage>(&row.stage)?;
        let household = load::<households::Entity>(&self.db, row.household_id).await?;
        let family = self.households.file_of(household, false).await?;
        let (next, change) = workflow_step::<ProposalFlow>(
            &self.db,
            actor,
            stage,
            ProposalAction::MatchCivilRegistry,
            &request.note,
            Utc::now(),
            "proposal_transition",
            Subject::new(OBJECT, row.id),
            Some(&village),
        )
        .await?;
        let civil = CivilMatch::checked(&request.members, &CivilMatch::people(&family))
            .map_err(|problem| ServiceError::Invalid(problem.into()))?;
        let count = |outcome: MatchOutcome| {
            civil
                .members
                .iter()
                .filter(|m| m.outcome == outcome)
                .count()
        };
        let detail = format!(
            "matched={}; not_matched={}; no_nik={}",
            count(MatchOutcome::Matched),
            count(MatchOutcome::NotMatched),
            count(MatchOutcome::NoNik)
        );
        let write = self.db.change(Kind::Proposal, &[row.id]).await?;
        write
            .update(
                row.id,
                request.version,
                proposals::Entity::update_many()
                    .col_expr(proposals::Column::Stage, Expr::value(next.code()))
                    .col_expr(
                        proposals::Column::CivilMatch,
                        Expr::value(super::rows::to_json(&civil)?),
                    ),
            )
            .await?;
        write
            .step(Timeline::Proposal, row.id, actor, Step::from(&change))
            .await?;
        write
            .audit(
                entry(
                    actor,
                    "record_civil_match",
                    Subject::new(OBJECT, row.id),
                    Some(&village),
                )
                .detail(detail),
            )
            .await?;
        write.commit().await?;
        let updated = self.proposal(row.id).await?;
        rows_of(&self.db, vec![updated])
            .await?
            .pop()
            .ok_or(ServiceError::Internal)
    }
}

impl DbProposalService {
    /// A proposal the actor may see, with its timeline; the view is audited.
    async fn viewed(
        &self,
        actor: &Actor,
        proposal_id: i64,
    ) -> Result<(proposals::Model, Vec<StateChange>), ServiceError> {
        let (row, village) = self
            .authorized_proposal(actor, Action::ViewPersonalData, proposal_id)
            .await?;
        let events = proposal_events::Entity::find()
            .filter(proposal_events::Column::ProposalId.eq(row.id))
            .order_by_asc(proposal_events::Column::At)
            .order_by_asc(proposal_events::Column::Id)
            .all(&self.db)
            .await
            .map_err(db_failure)?;
        let people: Vec<i64> = events.iter().filter_map(|e| e.actor_user_id).collect();
        let names = usernames(&self.db, people).await?;
        self.db
            .audit_ok(entry(
                actor,
                "view_proposal",
                Subject::new(OBJECT, row.id),
                Some(&village),
            ))
            .await?;
        let timeline = events
            .into_iter()
            .map(|event| EventRow::from(event).named(&names))
            .collect();
        Ok((row, timeline))
    }
}
