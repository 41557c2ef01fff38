//! Service cases (flow A): opening a case with its complaints, transitions
//! through the shared state machine, the case file with its full timeline, and
//! area-scoped, filtered, paginated case lists.

use std::collections::HashMap;

use async_trait::async_trait;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Func, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use shared::DomainError;
use shared::access::{Action, Target};
use shared::case::{
    CaseAction, CaseActionKind, CaseFlow, CaseState, CaseStatus, EscalationLevel,
    check_referrals_closed,
};
use shared::complaint::{Channel, Complaint, ComplaintType, EvidenceDocument, Sector, Urgency};
use shared::contract::{Actor, CaseService, ServiceError};
use shared::deadline::{Deadline, HolidayCalendar};
use shared::dto::{
    CaseDetail, CaseFilter, CaseSort, CaseSummary, CaseTransitionRequest, Created, OpenCase, Page,
    ReferralView,
};
use shared::export::ExportRows;
use shared::geo::{AreaLevel, AreaScope};
use shared::programme::{InstitutionId, ProgrammeKind};
use shared::referral::{Consent, ReferralNumber, ReferralState};
use shared::workflow::Workflow;

use super::common::{
    Subject, audit_list_read, authorize, check_version, earlier_result, entry, fetch_page, in_zone,
    overdue, own_scope, stored_area, today_in, within_scope, workflow_step,
};
use super::db_failure;
use super::export::{self, Order};
use super::numbering::NUMBER_ATTEMPTS;
use super::rows::{EventRow, head_names, stored, stored_json, usernames};
use super::stats::Kind;
use super::store::Store;
use super::write::{Step, Timeline, load, load_in_area};
use crate::entities::{
    case_events, cases, complaints, households, institutions, members, programmes, referral_events,
    referrals,
};

/// [`CaseService`] on the portal database.
pub struct DbCaseService {
    db: Store,
    calendar: HolidayCalendar,
    /// Rows an export reads at once.
    export_page_rows: u64,
}

/// A case list's order, for walking it page by page (the id breaks ties).
fn case_order(sort: CaseSort) -> Order<cases::Entity> {
    match sort {
        CaseSort::DueFirst => Order {
            cursor: |query| query.cursor_by((cases::Column::DueOn, cases::Column::Id)),
            descending: false,
            key: |row| (row.due_on, row.id).into(),
        },
        CaseSort::NewestFirst => Order {
            cursor: |query| query.cursor_by((cases::Column::OpenedOn, cases::Column::Id)),
            descending: true,
            key: |row| (row.opened_on, row.id).into(),
        },
        CaseSort::OldestFirst => Order {
            cursor: |query| query.cursor_by((cases::Column::OpenedOn, cases::Column::Id)),
            descending: false,
            key: |row| (row.opened_on, row.id).into(),
        },
    }
}

impl DbCaseService {
    /// The filtered, sorted query of a case list, after checking the actor may read the area.
    async fn case_query(
        &self,
        actor: &Actor,
        filter: &CaseFilter,
    ) -> Result<(sea_orm::Select<cases::Entity>, AreaScope), ServiceError> {
        let own = own_scope(actor)?;
        let scope = match &filter.area {
            Some(area) => AreaScope::Area(area.clone()),
            None => own,
        };
        authorize(
            &self.db,
            actor,
            Action::ViewPersonalData,
            &Target::area(scope.clone()),
            Subject::kind("case_list"),
        )
        .await?;
        let mut query = within_scope(cases::Entity::find(), cases::Column::VillageCode, &scope);
        if !filter.states.is_empty() {
            query =
                query.filter(cases::Column::State.is_in(filter.states.iter().map(|s| s.code())));
        }
        if filter.open_only {
            query = query.filter(cases::Column::State.is_not_in(finished_codes()));
        }
        if let Some(sector) = filter.sector {
            query = query.filter(
                cases::Column::Id.in_subquery(
                    Query::select()
                        .column(complaints::Column::CaseId)
                        .from(complaints::Entity)
                        .and_where(complaints::Column::Sector.eq(sector.code()))
                        .to_owned(),
                ),
            );
        }
        if let Some(programme) = filter.programme {
            query = query.filter(
                cases::Column::Id.in_subquery(
                    Query::select()
                        .column(referrals::Column::CaseId)
                        .from(referrals::Entity)
                        .and_where(
                            referrals::Column::ProgrammeId.in_subquery(
                                Query::select()
                                    .column(programmes::Column::Id)
                                    .from(programmes::Entity)
                                    .and_where(programmes::Column::Kind.eq(programme.code()))
                                    .to_owned(),
                            ),
                        )
                        .to_owned(),
                ),
            );
        }
        if let Some(from) = filter.opened_from {
            query = query.filter(cases::Column::OpenedOn.gte(from));
        }
        if let Some(to) = filter.opened_to {
            query = query.filter(cases::Column::OpenedOn.lte(to));
        }
        if filter.mine {
            query = query.filter(
                cases::Column::Id.in_subquery(
                    Query::select()
                        .column(case_events::Column::CaseId)
                        .from(case_events::Entity)
                        .and_where(case_events::Column::ActorUserId.eq(actor.user_id))
                        .to_owned(),
                ),
            );
        }
        if filter.overdue_only {
            query = query
                .filter(overdue(cases::Column::DueOn, |zone| {
                    in_zone(cases::Column::VillageCode, zone)
                }))
                .filter(cases::Column::State.is_not_in(finished_codes()));
        }
        if let Some(search) = filter
            .search
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            query = query.filter(
                cases::Column::HouseholdId.in_subquery(
                    Query::select()
                        .column(households::Column::Id)
                        .from(households::Entity)
                        .and_where(
                            Expr::expr(Func::lower(Expr::col(households::Column::HeadName)))
                                .like(super::accounts::like_contains(search)),
                        )
                        .to_owned(),
                ),
            );
        }
        let query = match filter.sort {
            CaseSort::DueFirst => query
                .order_by_asc(cases::Column::DueOn)
                .order_by_asc(cases::Column::Id),
            CaseSort::NewestFirst => query
                .order_by_desc(cases::Column::OpenedOn)
                .order_by_desc(cases::Column::Id),
            CaseSort::OldestFirst => query
                .order_by_asc(cases::Column::OpenedOn)
                .order_by_asc(cases::Column::Id),
        };
        Ok((query, scope))
    }
    pub fn new(db: Store, calendar: HolidayCalendar, export_page_rows: u64) -> Self {
        DbCaseService {
            db,
            calendar,
            export_page_rows,
        }
    }
}

/// States in which a case still needs someone's work.
const FINISHED: [CaseState; 2] = [CaseState::Resolved, CaseState::Closed];

pub(crate) fn finished_codes() -> Vec<&'static str> {
    FINISHED.iter().map(|state| state.code()).collect()
}

fn status_of(row: &cases::Model) -> Result<CaseStatus, ServiceError> {
    Ok(CaseStatus {
        state: stored::<CaseState>(&row.state)?,
        level: stored::<EscalationLevel>(&row.level)?,
    })
}

fn urgency_rank(urgency: Urgency) -> usize {
    Urgency::ALL.iter().position(|u| *u == urgency).unwrap_or(0)
}

/// Summaries of case rows, with the most urgent complaint of each and the household head.
async fn summaries<C: ConnectionTrait>(
    db: &C,
    rows: Vec<cases::Model>,
) -> Result<Vec<CaseSummary>, ServiceError> {
    let ids: Vec<i64> = rows.iter().map(|row| row.id).collect();
    let mut main: HashMap<i64, complaints::Model> = HashMap::new();
    for complaint in complaints::Entity::find()
        .filter(complaints::Column::CaseId.is_in(ids))
        .order_by_asc(complaints::Column::Id)
        .all(db)
        .await
        .map_err(db_failure)?
    {
        let rank = urgency_rank(stored::<Urgency>(&complaint.urgency)?);
        let replace = match main.get(&complaint.case_id) {
            Some(current) => rank > urgency_rank(stored::<Urgency>(&current.urgency)?),
            None => true,
        };
        if replace {
            main.insert(complaint.case_id, complaint);
        }
    }
    let heads = head_names(db, rows.iter().map(|row| row.household_id).collect()).await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let status = status_of(&row)?;
        let complaint = main.get(&row.id);
        let unfinished = !FINISHED.contains(&status.state);
        out.push(CaseSummary {
            id: row.id,
            number: row.number.clone(),
            version: row.version,
            opened_on: row.opened_on,
            household_id: row.household_id,
            head_name: heads.get(&row.household_id).cloned().unwrap_or_default(),
            village: stored_area(&row.village_code)?,
            status,
            complaint_type: complaint
                .map(|c| stored::<ComplaintType>(&c.complaint_type))
                .transpose()?
                .unwrap_or(ComplaintType::Question),
            sector: complaint
                .map(|c| stored::<Sector>(&c.sector))
                .transpose()?
                .unwrap_or(Sector::Other),
            urgency: complaint
                .map(|c| stored::<Urgency>(&c.urgency))
                .transpose()?
                .unwrap_or(Urgency::Normal),
            deadline: Deadline {
                received_on: row.opened_on,
                due: row.due_on,
            },
            overdue: unfinished && today_in(&row.village_code) > row.due_on,
        });
    }
    Ok(out)
}

/// The cases of one household, newest first (the caller has authorised the view).
pub(crate) async fn summaries_for_household<C: ConnectionTrait>(
    db: &C,
    household_id: i64,
) -> Result<Vec<CaseSummary>, ServiceError> {
    let rows = cases::Entity::find()
        .filter(cases::Column::HouseholdId.eq(household_id))
        .order_by_desc(cases::Column::OpenedOn)
        .order_by_desc(cases::Column::Id)
        .all(db)
        .await
        .map_err(db_failure)?;
    summaries(db, rows).await
}

/// When a household moves, its unfinished cases go with it to the new village.
pub(crate) async fn move_open_cases<C: ConnectionTrait>(
    db: &C,
    household_id: i64,
    village_code: &str,
) -> Result<(), ServiceError> {
    cases::Entity::update_many()
        .col_expr(cases::Column::VillageCode, Expr::value(village_code))
        .col_expr(
            cases::Column::Version,
            Expr::col(cases::Column::Version).add(1),
        )
        .col_expr(cases::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(cases::Column::HouseholdId.eq(household_id))
        .filter(cases::Column::State.is_not_in(finished_codes()))
        .exec(db)
        .await
        .map_err(db_failure)?;
    Ok(())
}

/// Referral views of a case (the caller has authorised the view).
pub(crate) async fn referral_views<C: ConnectionTrait>(
    db: &C,
    rows: &[referrals::Model],
) -> Result<Vec<ReferralView>, ServiceError> {
    let programme_ids: Vec<i64> = rows.iter().map(|r| r.programme_id).collect();
    let institution_ids: Vec<i64> = rows.iter().map(|r| r.institution_id).collect();
    let programme_rows: HashMap<i64, programmes::Model> = programmes::Entity::find()
        .filter(programmes::Column::Id.is_in(programme_ids))
        .all(db)
        .await
        .map_err(db_failure)?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let institution_names: HashMap<i64, String> = institutions::Entity::find()
        .filter(institutions::Column::Id.is_in(institution_ids))
        .all(db)
        .await
        .map_err(db_failure)?
        .into_iter()
        .map(|i| (i.id, i.name))
        .collect();
    let officers = usernames(db, rows.iter().filter_map(|r| r.created_by).collect()).await?;
    let mut views = Vec::with_capacity(rows.len());
    for row in rows {
        let programme = programme_rows
            .get(&row.programme_id)
            .ok_or(ServiceError::Internal)?;
        views.push(ReferralView {
            id: row.id,
            version: row.version,
            number: ReferralNumber::from_stored(&row.number),
            programme: stored::<ProgrammeKind>(&programme.kind)?,
            service_name: programme.name.clone(),
            institution: InstitutionId::from(row.institution_id),
            institution_name: institution_names
                .get(&row.institution_id)
                .cloned()
                .unwrap_or_default(),
            deadline: Deadline {
                received_on: row.issued_on,
                due: row.due_on,
            },
            state: stored::<ReferralState>(&row.state)?,
            outcome_note: row.outcome_note.clone(),
            consent: Consent {
                institution: InstitutionId::from(row.institution_id),
                given_by: row.consent_by.clone(),
                given_on: row.consent_at.date_naive(),
                recorded_by: row
                    .created_by
                    .and_then(|id| officers.get(&id).cloned())
                    .unwrap_or_default(),
            },
            verification_code: row.verification_code.clone(),
            member_id: row.member_id,
        });
    }
    Ok(views)
}

impl DbCaseService {
    async fn case_row(&self, id: i64) -> Result<cases::Model, ServiceError> {
        load::<cases::Entity>(&self.db, id).await
    }

    async fn authorized_case(
        &self,
        actor: &Actor,
        action: Action,
        id: i64,
    ) -> Result<cases::Model, ServiceError> {
        let subject = Subject::new("case", id);
        let (row, _) = load_in_area::<cases::Entity>(&self.db, actor, action, id, subject).await?;
        Ok(row)
    }

    /// The note of a registry check: what the registry says about the case's
    /// family now (by its registry link, else by its No KK), then the desk's own.
    async fn registry_check_note(
        &self,
        case: &cases::Model,
        typed: &str,
    ) -> Result<String, ServiceError> {
        use super::households::{registry_family, registry_for_kk_hash};
        let household = load::<households::Entity>(&self.db, case.household_id).await?;
        let by_link = match &household.registry_id {
            Some(id) => registry_family(&self.db, id).await?,
            None => None,
        };
        let family = match by_link {
            Some(family) => Some(family),
            None => registry_for_kk_hash(&self.db, &household.kk_hash).await?,
        };
        let record = family
            .as_ref()
            .map(super::households::registry_record)
            .transpose()?;
        let said = shared::household::registry_check_note(record.as_ref());
        Ok(match typed.trim() {
            "" => said,
            typed => format!("{said}\n{typed}"),
        })
    }

    /// The case file (the caller has authorised and audits the view).
    async fn build_detail(
        &self,
        actor: &Actor,
        row: cases::Model,
    ) -> Result<CaseDetail, ServiceError> {
        let status = status_of(&row)?;
        let complaint_rows = complaints::Entity::find()
            .filter(complaints::Column::CaseId.eq(row.id))
            .order_by_asc(complaints::Column::Id)
            .all(&self.db)
            .await
            .map_err(db_failure)?;
        let referral_rows = referrals::Entity::find()
            .filter(referrals::Column::CaseId.eq(row.id))
            .order_by_asc(referrals::Column::Id)
            .all(&self.db)
            .await
            .map_err(db_failure)?;
        let mut events: Vec<EventRow> = case_events::Entity::find()
            .filter(case_events::Column::CaseId.eq(row.id))
            .all(&self.db)
            .await
            .map_err(db_failure)?
            .into_iter()
            .map(EventRow::from)
            .collect();
        let referral_ids: Vec<i64> = referral_rows.iter().map(|r| r.id).collect();
        events.extend(
            referral_events::Entity::find()
                .filter(referral_events::Column::ReferralId.is_in(referral_ids))
                .all(&self.db)
                .await
                .map_err(db_failure)?
                .into_iter()
                .map(EventRow::from),
        );
        events.sort_by_key(|event| event.at);
        let mut people: Vec<i64> = events.iter().filter_map(|e| e.actor_user_id).collect();
        people.extend(complaint_rows.iter().filter_map(|c| c.officer_user_id));
        let names = usernames(&self.db, people).await?;
        let timeline = events
            .into_iter()
            .map(|event| event.named(&names))
            .collect();
        let mut complaint_list = Vec::with_capacity(complaint_rows.len());
        for c in &complaint_rows {
            let evidence: Vec<String> = stored_json(&c.evidence)?;
            complaint_list.push(Complaint {
                complaint_type: stored::<ComplaintType>(&c.complaint_type)?,
                sector: stored::<Sector>(&c.sector)?,
                description: c.description.clone(),
                channel: stored::<Channel>(&c.channel)?,
                received_on: c.received_on,
                officer: c
                    .officer_user_id
                    .and_then(|id| names.get(&id).cloned())
                    .unwrap_or_default(),
                evidence: evidence
                    .iter()
                    .filter_map(|code| EvidenceDocument::from_code(code))
                    .collect(),
                urgency: stored::<Urgency>(&c.urgency)?,
            });
        }
        let referrals = referral_views(&self.db, &referral_rows).await?;
        let village_name = super::auth::area_names(&self.db, [row.village_code.clone()])
            .await?
            .remove(&row.village_code)
            .unwrap_or_default();
        let members = members::Entity::find()
            .filter(members::Column::HouseholdId.eq(row.household_id))
            .order_by_asc(members::Column::Relationship)
            .order_by_asc(members::Column::Id)
            .all(&self.db)
            .await
            .map_err(db_failure)?
            .into_iter()
            .map(|m| (m.id, m.name))
            .collect();
        let summary = summaries(&self.db, vec![row])
            .await?
            .pop()
            .ok_or(ServiceError::Internal)?;
        // Closing is one action whatever its reason: each kind once, in the machine's order.
        let mut available_actions: Vec<CaseActionKind> = Vec::new();
        for kind in CaseFlow::available_actions(status, actor.role)
            .into_iter()
            .map(CaseAction::kind)
        {
            if !available_actions.contains(&kind) {
                available_actions.push(kind);
            }
        }
        Ok(CaseDetail {
            summary,
            village_name,
            members,
            complaint_ids: complaint_rows.iter().map(|c| c.id).collect(),
            complaints: complaint_list,
            referrals,
            timeline,
            available_actions,
        })
    }

    /// The next case number of a village and year (from the series' counter).
    async fn next_number<C: ConnectionTrait>(
        db: &C,
        village_digits: &str,
        year: i32,
    ) -> Result<String, ServiceError> {
        let prefix = format!("SLRT/{village_digits}/{year:04}/");
        let serial = super::numbering::next_in_series(db, &prefix, async || {
            super::numbering::highest_number::<cases::Entity, _>(db, cases::Column::Number, &prefix)
                .await
        })
        .await
        .map_err(db_failure)?;
        Ok(format!("{prefix}{serial:05}"))
    }
}

#[async_trait]
impl CaseService for DbCaseService {
    async fn open(&self, actor: &Actor, request: OpenCase) -> Result<Created, ServiceError> {
        let household = load::<households::Entity>(&self.db, request.household_id).await?;
        let village = stored_area(&household.village_code)?;
        authorize(
            &self.db,
            actor,
            Action::RecordComplaint,
            &Target::area(village.clone()),
            Subject::kind("case"),
        )
        .await?;
        if let Some(id) = earlier_result(&self.db, actor, &request.idempotency_key, "case").await? {
            return Ok(Created { id });
        }
        crate::services::households::open_for_work(&household, Action::RecordComplaint)?;
        if request.complaints.is_empty() {
            return Err(ServiceError::Invalid(DomainError::TextRequired {
                field: "complaints".into(),
            }));
        }
        let today = actor.today();
        let mut complaints_in = Vec::with_capacity(request.complaints.len());
        for mut complaint in request.complaints {
            complaint.officer = actor.username.clone();
            complaints_in.push(complaint.validated(today)?);
        }
        let deadlines: Vec<Deadline> = complaints_in
            .iter()
            .map(|c| Deadline::for_complaint(c.complaint_type, c.received_on, &self.calendar))
            .collect();
        let due_on = deadlines.iter().map(|d| d.due).max().unwrap_or(today);
        let opened_on = complaints_in
            .iter()
            .map(|c| c.received_on)
            .min()
            .unwrap_or(today);
        let level = match own_scope(actor)? {
            AreaScope::Area(code) if code.level() == AreaLevel::Village => EscalationLevel::Village,
            _ => EscalationLevel::District,
        };
        let now = Utc::now();
        // Two desks may take the same number at once: the unique index refuses one; try again.
        for _attempt in 0..NUMBER_ATTEMPTS {
            let mut write = self.db.begin_write().await?;
            // The family as it is in this write: a merge that came first closed
            // it (on PostgreSQL a merge under way finishes first).
            let mut current = households::Entity::find_by_id(household.id);
            if write.get_database_backend() == sea_orm::DbBackend::Postgres {
                current = current.lock_shared();
            }
            if let Some(current) = current.one(&write).await.map_err(db_failure)? {
                crate::services::households::open_for_work(&current, Action::RecordComplaint)?;
            }
            let number = Self::next_number(&write, &village.digits(), opened_on.year()).await?;
            let inserted = cases::ActiveModel {
                number: Set(number),
                household_id: Set(household.id),
                village_code: Set(village.as_str().to_string()),
                channel: Set(request.channel.code().to_string()),
                state: Set(CaseState::Registered.code().to_string()),
                level: Set(level.code().to_string()),
                close_reason: Set(None),
                opened_on: Set(opened_on),
                due_on: Set(due_on),
                opened_by: Set(Some(actor.user_id)),
                assigned_to: Set(None),
                closed_at: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
                version: Set(1),
                ..Default::default()
            };
            let Some(case) = write.insert_numbered(inserted).await? else {
                continue;
            };
            for (complaint, deadline) in complaints_in.iter().zip(&deadlines) {
                write
                    .insert(complaint_row(case.id, complaint, deadline.due, actor, now)?)
                    .await?;
            }
            let opened = Step {
                action: "open",
                from: None,
                to: CaseState::Registered.code(),
                note: None,
            };
            write.step(Timeline::Case, case.id, actor, opened).await?;
            write.created(Kind::Case, case.id);
            write
                .audit(
                    entry(
                        actor,
                        "open_case",
                        Subject::new("case", case.id),
                        Some(&village),
                    )
                    .detail(format!("complaints={}", complaints_in.len())),
                )
                .await?;
            let id = write
                .commit_keyed(&self.db, actor, &request.idempotency_key, "case", case.id)
                .await?;
            return Ok(Created { id });
        }
        tracing::error!(
            attempts = NUMBER_ATTEMPTS,
            "every number the counter gave was taken"
        );
        Err(ServiceError::Internal)
    }

    async fn add_complaint(
        &self,
        actor: &Actor,
        case_id: i64,
        mut complaint: Complaint,
    ) -> Result<Created, ServiceError> {
        let row = self
            .authorized_case(actor, Action::RecordComplaint, case_id)
            .await?;
        if FINISHED.contains(&stored::<CaseState>(&row.state)?) {
            return Err(ServiceError::Conflict);
        }
        complaint.officer = actor.username.clone();
        let complaint = complaint.validated(today_in(&row.village_code))?;
        let deadline = Deadline::for_complaint(
            complaint.complaint_type,
            complaint.received_on,
            &self.calendar,
        );
        let write = self.db.change(Kind::Case, &[row.id]).await?;
        let inserted = write
            .insert(complaint_row(
                row.id,
                &complaint,
                deadline.due,
                actor,
                Utc::now(),
            )?)
            .await?;
        if deadline.due > row.due_on {
            cases::Entity::update_many()
                .col_expr(cases::Column::DueOn, Expr::value(deadline.due))
                .filter(cases::Column::Id.eq(row.id))
                .exec(&write)
                .await
                .map_err(db_failure)?;
        }
        let village = stored_area(&row.village_code)?;
        write
            .audit(entry(
                actor,
                "add_complaint",
                Subject::new("case", row.id),
                Some(&village),
            ))
            .await?;
        write.commit().await?;
        Ok(Created { id: inserted.id })
    }

    async fn transition(
        &self,
        actor: &Actor,
        request: CaseTransitionRequest,
    ) -> Result<CaseDetail, ServiceError> {
        let row = self
            .authorized_case(actor, Action::ChangeCaseState, request.case_id)
            .await?;
        check_version(row.version, request.version)?;
        let status = status_of(&row)?;
        if request.action == CaseAction::Resolve && status.state == CaseState::Monitoring {
            let states = referrals::Entity::find()
                .filter(referrals::Column::CaseId.eq(row.id))
                .all(&self.db)
                .await
                .map_err(db_failure)?
                .iter()
                .map(|r| stored::<ReferralState>(&r.state))
                .collect::<Result<Vec<_>, _>>()?;
            check_referrals_closed(&states)?;
        }
        let note = if request.action == CaseAction::CheckRegistry {
            self.registry_check_note(&row, &request.note).await?
        } else {
            request.note.clone()
        };
        let now = Utc::now();
        let (next, change) = workflow_step::<CaseFlow>(
            &self.db,
            actor,
            status,
            request.action,
            &note,
            now,
            "case_transition",
            Subject::new("case", row.id),
            Some(&stored_area(&row.village_code)?),
        )
        .await?;
        let close_reason = match request.action {
            CaseAction::Close(reason) => Some(reason.code().to_string()),
            _ => row.close_reason.clone(),
        };
        let closed_at = FINISHED.contains(&next.state).then_some(now);
        let write = self.db.change(Kind::Case, &[row.id]).await?;
        write
            .update(
                row.id,
                request.version,
                cases::Entity::update_many()
                    .col_expr(cases::Column::State, Expr::value(next.state.code()))
                    .col_expr(cases::Column::Level, Expr::value(next.level.code()))
                    .col_expr(cases::Column::CloseReason, Expr::value(close_reason))
                    .col_expr(cases::Column::ClosedAt, Expr::value(closed_at)),
            )
            .await?;
        write
            .step(Timeline::Case, row.id, actor, Step::from(&change))
            .await?;
        let village = stored_area(&row.village_code)?;
        write
            .audit(
                entry(
                    actor,
                    "case_transition",
                    Subject::new("case", row.id),
                    Some(&village),
                )
                .detail(format!(
                    "{}: {} → {} (level {} → {})",
                    change.action,
                    change.from,
                    change.to,
                    status.level.code(),
                    next.level.code()
                )),
            )
            .await?;
        write.commit().await?;
        let row = self.case_row(row.id).await?;
        self.build_detail(actor, row).await
    }

    async fn detail(&self, actor: &Actor, case_id: i64) -> Result<CaseDetail, ServiceError> {
        let row = self
            .authorized_case(actor, Action::ViewPersonalData, case_id)
            .await?;
        let village = stored_area(&row.village_code)?;
        self.db
            .audit_ok(entry(
                actor,
                "view_case",
                Subject::new("case", case_id),
                Some(&village),
            ))
            .await?;
        self.build_detail(actor, row).await
    }

    async fn export(
        &self,
        actor: &Actor,
        filter: CaseFilter,
    ) -> Result<ExportRows<CaseSummary>, ServiceError> {
        let (query, scope) = self.case_query(actor, &filter).await?;
        let db = self.db.clone();
        let opened = export::open(
            &self.db,
            query,
            cases::Column::Id,
            case_order(filter.sort),
            self.export_page_rows,
            export::rows_of(move |rows| {
                let db = db.clone();
                async move { summaries(&db, rows).await }
            }),
        )
        .await?;
        let detail = format!("case list export; rows={}", opened.0);
        audit_list_read(&self.db, actor, "export", "case", &scope, detail).await?;
        let area = export::area_name(&self.db, actor, &scope).await?;
        Ok(export::rows(area, opened))
    }

    async fn list(
        &self,
        actor: &Actor,
        filter: CaseFilter,
    ) -> Result<Page<CaseSummary>, ServiceError> {
        let (query, scope) = self.case_query(actor, &filter).await?;
        let Page {
            items: rows,
            total,
            page,
            per_page,
        } = fetch_page(&self.db, query, filter.page, filter.per_page).await?;
        let items = summaries(&self.db, rows).await?;
        let detail = format!("page={page}; rows={}; total={total}", items.len());
        audit_list_read(&self.db, actor, "list_cases", "case", &scope, detail).await?;
        Ok(Page {
            items,
            total,
            page,
            per_page,
        })
    }
}

/// The row of a complaint received on a case.
fn complaint_row(
    case_id: i64,
    complaint: &Complaint,
    due_on: NaiveDate,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<complaints::ActiveModel, ServiceError> {
    let evidence: Vec<&str> = complaint.evidence.iter().map(|e| e.code()).collect();
    Ok(complaints::ActiveModel {
        case_id: Set(case_id),
        member_id: Set(None),
        complaint_type: Set(complaint.complaint_type.code().to_string()),
        sector: Set(complaint.sector.code().to_string()),
        description: Set(complaint.description.clone()),
        channel: Set(complaint.channel.code().to_string()),
        urgency: Set(complaint.urgency.code().to_string()),
        evidence: Set(serde_json::to_string(&evidence).map_err(|_| ServiceError::Internal)?),
        received_on: Set(complaint.received_on),
        due_on: Set(due_on),
        officer_user_id: Set(Some(actor.user_id)),
        created_at: Set(now),
        ..Default::default()
    })
}
