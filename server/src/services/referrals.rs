//! Referrals (rujukan): issued from a case after the resident's consent, with a
//! number and a verification code for the printed letter; answered by the
//! receiving institution; the case follows its referrals.

use async_trait::async_trait;
use chrono::{Datelike, Utc};
use rand::Rng;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use shared::DomainError;
use shared::access::{Action, Target};
use shared::case::{CaseAction, CaseFlow, CaseState, CaseStatus, EscalationLevel};
use shared::complaint::ComplaintType;
use shared::contract::{Actor, ReferralService, ServiceError};
use shared::deadline::{Deadline, HolidayCalendar};
use shared::dto::{
    IssueReferral, Page, ReferralCheck, ReferralFilter, ReferralInboxItem, ReferralLetter,
    ReferralTransitionRequest, ReferralView,
};
use shared::export::ExportRows;
use shared::programme::InstitutionId;
use shared::referral::{
    ReferralAction, ReferralFlow, ReferralNumber, ReferralState, check_consent,
};
use shared::roles::Role;
use shared::workflow::Workflow;

use super::audit_entry::Outcome;
use super::cases::referral_views;
use super::common::{
    Subject, audit_list_read, authorize, check_version, earlier_result, entry, fetch_page,
    own_scope, stored_area, today_in, workflow_step,
};
use super::db_failure;
use super::export;
use super::numbering::NUMBER_ATTEMPTS;
use super::referral_inbox::{inbox_items, inbox_query, order as inbox_order, ordered};
use super::rows::stored;
use super::stats::Kind;
use super::store::Store;
use super::write::{Step, Timeline, Write, load, load_in_area};
use crate::entities::{areas, cases, complaints, institutions, members, programmes, referrals};

/// Letters of a verification code: no 0/O, 1/I/L, so it can be read aloud and typed back.
const CODE_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
const CODE_LENGTH: usize = 10;

fn verification_code() -> String {
    let mut rng = rand::rngs::OsRng;
    (0..CODE_LENGTH)
        .map(|_| char::from(CODE_ALPHABET[rng.gen_range(0..CODE_ALPHABET.len())]))
        .collect()
}

/// [`ReferralService`] on the portal database.
pub struct DbReferralService {
    db: Store,
    calendar: HolidayCalendar,
    /// Rows an export reads at once.
    export_page_rows: u64,
}

impl DbReferralService {
    pub fn new(db: Store, calendar: HolidayCalendar, export_page_rows: u64) -> Self {
        DbReferralService {
            db,
            calendar,
            export_page_rows,
        }
    }

    /// A referral with its case's resident, village and need; also answers the case.
    async fn inbox_item(
        &self,
        row: &referrals::Model,
    ) -> Result<(ReferralInboxItem, cases::Model), ServiceError> {
        inbox_items(&self.db, std::slice::from_ref(row))
            .await?
            .pop()
            .ok_or(ServiceError::Internal)
    }

    async fn view(&self, row: &referrals::Model) -> Result<ReferralView, ServiceError> {
        referral_views(&self.db, std::slice::from_ref(row))
            .await?
            .pop()
            .ok_or(ServiceError::Internal)
    }

    async fn next_number<C: ConnectionTrait>(
        db: &C,
        village: &shared::geo::AreaCode,
        year: i32,
    ) -> Result<ReferralNumber, ServiceError> {
        let prefix = format!("RJK/{}/{year:04}/", village.digits());
        let serial = super::numbering::next_in_series(db, &prefix, async || {
            super::numbering::highest_number::<referrals::Entity, _>(
                db,
                referrals::Column::Number,
                &prefix,
            )
            .await
        })
        .await
        .map_err(db_failure)?;
        Ok(ReferralNumber::new(
            village,
            year,
            u32::try_from(serial).unwrap_or(u32::MAX),
        ))
    }
}

/// Moves a case one step on account of its referrals (the case follows), recorded in its timeline.
async fn case_follows(
    db: &Write,
    actor: &Actor,
    case: &cases::Model,
    action: CaseAction,
    note: &str,
) -> Result<(), ServiceError> {
    let status = CaseStatus {
        state: stored::<CaseState>(&case.state)?,
        level: stored::<EscalationLevel>(&case.level)?,
    };
    let Some(next) = CaseFlow::next(status, action) else {
        return Ok(());
    };
    db.update(
        case.id,
        case.version,
        cases::Entity::update_many().col_expr(cases::Column::State, Expr::value(next.state.code())),
    )
    .await?;
    let followed = Step {
        action: CaseFlow::action_code(action),
        from: Some(status.state.code().to_string()),
        to: next.state.code(),
        note: Some(note.to_string()),
    };
    db.step(Timeline::Case, case.id, actor, followed).await
}

#[async_trait]
impl ReferralService for DbReferralService {
    async fn issue(
        &self,
        actor: &Actor,
        request: IssueReferral,
    ) -> Result<ReferralView, ServiceError> {
        let (case, village) = load_in_area::<cases::Entity>(
            &self.db,
            actor,
            Action::IssueReferral,
            request.case_id,
            Subject::new("case", request.case_id),
        )
        .await?;
        if let Some(id) =
            earlier_result(&self.db, actor, &request.idempotency_key, "referral").await?
        {
            let row = load::<referrals::Entity>(&self.db, id).await?;
            return self.view(&row).await;
        }
        let state = stored::<CaseState>(&case.state)?;
        if !matches!(
            state,
            CaseState::ServiceDecided | CaseState::Referred | CaseState::Monitoring
        ) {
            return Err(ServiceError::Invalid(DomainError::TransitionNotAllowed {
                machine: shared::workflow::StateMachine::Case,
                from: state.code().to_string(),
                action: "refer".to_string(),
            }));
        }
        if state == CaseState::ServiceDecided {
            // The first referral is the case's `refer` step: the role must be allowed it.
            let status = CaseStatus {
                state,
                level: stored::<EscalationLevel>(&case.level)?,
            };
            CaseFlow::transition(status, CaseAction::Refer, actor.role)?;
        }
        let programme = programmes::Entity::find_by_id(request.programme_id)
            .one(&self.db)
            .await
            .map_err(db_failure)?
            .filter(|p| p.active)
            .ok_or(ServiceError::NotFound)?;
        let institution = institutions::Entity::find_by_id(request.institution_id)
            .one(&self.db)
            .await
            .map_err(db_failure)?
            .filter(|i| i.active)
            .ok_or(ServiceError::NotFound)?;
        let complaint = match request.complaint_id {
            Some(id) => Some(
                complaints::Entity::find_by_id(id)
                    .one(&self.db)
                    .await
                    .map_err(db_failure)?
                    .filter(|c| c.case_id == case.id)
                    .ok_or(ServiceError::NotFound)?,
            ),
            None => None,
        };
        if let Some(id) = request.member_id {
            // Only a member of the case's own family.
            members::Entity::find_by_id(id)
                .one(&self.db)
                .await
                .map_err(db_failure)?
                .filter(|m| m.household_id == case.household_id)
                .ok_or(ServiceError::NotFound)?;
        }
        let today = today_in(&case.village_code);
        // Consent is part of the request and checked here, whoever calls: no data
        // goes to an institution without it (UU 27/2022).
        let consent_checked = check_consent(request.consent.as_ref(), institution.id, programme.id);
        let Some(consent) = request.consent.as_ref().filter(|_| consent_checked.is_ok()) else {
            let reason = consent_checked.err().unwrap_or(DomainError::ConsentMissing);
            let mut refusal = entry(
                actor,
                "issue_referral",
                Subject::new("case", case.id),
                Some(&village),
            );
            refusal.detail = Some(format!(
                "refused: {}; institution={}; programme={}",
                reason.code(),
                institution.id,
                programme.code
            ));
            if let Err(error) = self.db.audit(refusal, Outcome::Refused).await {
                tracing::error!(%error, "could not audit a refused referral");
            }
            return Err(ServiceError::Invalid(reason));
        };
        let given_by = shared::text::required(
            "consent_given_by",
            &consent.given_by,
            shared::referral::CONSENT_GIVEN_BY_MAX,
        )?;
        if consent.given_on > today {
            return Err(ServiceError::Invalid(DomainError::DateInFuture {
                field: "consent_given_on".into(),
            }));
        }
        let kind = match &complaint {
            Some(c) => stored::<ComplaintType>(&c.complaint_type)?,
            None => ComplaintType::ServiceRequest,
        };
        let deadline = Deadline::for_complaint(kind, today, &self.calendar);
        let consent_at = consent
            .given_on
            .and_hms_opt(0, 0, 0)
            .map(|t| t.and_utc())
            .unwrap_or_else(Utc::now);
        let now = Utc::now();
        for _attempt in 0..NUMBER_ATTEMPTS {
            let write = self.db.change(Kind::Case, &[case.id]).await?;
            let number = Self::next_number(&write, &village, today.year()).await?;
            let inserted = referrals::ActiveModel {
                number: Set(number.as_str().to_string()),
                case_id: Set(case.id),
                complaint_id: Set(request.complaint_id),
                member_id: Set(request.member_id),
                programme_id: Set(programme.id),
                institution_id: Set(institution.id),
                state: Set(ReferralFlow::initial().code().to_string()),
                issued_on: Set(today),
                due_on: Set(deadline.due),
                outcome_note: Set(None),
                verification_code: Set(verification_code()),
                consent_at: Set(consent_at),
                consent_by: Set(given_by.clone()),
                consent_note: Set(Some(format!(
                    "for {} ({}); resident informed; recorded by {}",
                    institution.name, programme.code, actor.username
                ))),
                created_by: Set(Some(actor.user_id)),
                created_at: Set(now),
                updated_at: Set(now),
                version: Set(1),
                ..Default::default()
            };
            let Some(row) = write.insert_numbered(inserted).await? else {
                continue;
            };
            let issued = Step {
                action: "issue",
                from: None,
                to: ReferralState::Sent.code(),
                note: None,
            };
            write
                .step(Timeline::Referral, row.id, actor, issued)
                .await?;
            if state == CaseState::ServiceDecided {
                case_follows(
                    &write,
                    actor,
                    &case,
                    CaseAction::Refer,
                    &format!("Rujukan {}", row.number),
                )
                .await?;
            }
            write
                .audit(
                    entry(
                        actor,
                        "issue_referral",
                        Subject::new("referral", row.id),
                        Some(&village),
                    )
                    .detail(format!(
                        "case={}; programme={}; institution={}; consent recorded",
                        case.id, programme.code, institution.id
                    )),
                )
                .await?;
            let id = write
                .commit_keyed(
                    &self.db,
                    actor,
                    &request.idempotency_key,
                    "referral",
                    row.id,
                )
                .await?;
            if id == row.id {
                return self.view(&row).await;
            }
            // Another request with the same key got there first: its referral.
            let row = load::<referrals::Entity>(&self.db, id).await?;
            return self.view(&row).await;
        }
        tracing::error!(
            attempts = NUMBER_ATTEMPTS,
            "every number the counter gave was taken"
        );
        Err(ServiceError::Internal)
    }

    async fn transition(
        &self,
        actor: &Actor,
        request: ReferralTransitionRequest,
    ) -> Result<ReferralView, ServiceError> {
        let row = load::<referrals::Entity>(&self.db, request.referral_id).await?;
        let case = load::<cases::Entity>(&self.db, row.case_id).await?;
        let village = stored_area(&case.village_code)?;
        let (action, target) = if actor.role == Role::ReceivingInstitution {
            (
                Action::RespondToReferral,
                Target::referral(village.clone(), InstitutionId::from(row.institution_id)),
            )
        } else {
            (Action::IssueReferral, Target::area(village.clone()))
        };
        authorize(
            &self.db,
            actor,
            action,
            &target,
            Subject::new("referral", row.id),
        )
        .await?;
        check_version(row.version, request.version)?;
        let state = stored::<ReferralState>(&row.state)?;
        let now = Utc::now();
        let (next, change) = workflow_step::<ReferralFlow>(
            &self.db,
            actor,
            state,
            request.action,
            &request.note,
            now,
            "referral_transition",
            Subject::new("referral", row.id),
            Some(&village),
        )
        .await?;
        let outcome_note = match request.action {
            ReferralAction::Reject | ReferralAction::Complete | ReferralAction::Cancel => {
                change.note.clone()
            }
            _ => row.outcome_note.clone(),
        };
        let write = self.db.change(Kind::Case, &[row.case_id]).await?;
        write
            .update(
                row.id,
                request.version,
                referrals::Entity::update_many()
                    .col_expr(referrals::Column::State, Expr::value(next.code()))
                    .col_expr(referrals::Column::OutcomeNote, Expr::value(outcome_note)),
            )
            .await?;
        write
            .step(Timeline::Referral, row.id, actor, Step::from(&change))
            .await?;
        // The case follows: once an institution takes a referral up, the case is being monitored.
        if next == ReferralState::Accepted
            && stored::<CaseState>(&case.state)? == CaseState::Referred
        {
            case_follows(
                &write,
                actor,
                &case,
                CaseAction::StartMonitoring,
                &format!("Rujukan {} diterima lembaga", row.number),
            )
            .await?;
        }
        write
            .audit(
                entry(
                    actor,
                    "referral_transition",
                    Subject::new("referral", row.id),
                    Some(&village),
                )
                .detail(format!(
                    "{}: {} → {}",
                    change.action, change.from, change.to
                )),
            )
            .await?;
        write.commit().await?;
        let row = load::<referrals::Entity>(&self.db, row.id).await?;
        self.view(&row).await
    }

    async fn inbox(
        &self,
        actor: &Actor,
        filter: ReferralFilter,
    ) -> Result<Page<ReferralInboxItem>, ServiceError> {
        let query = inbox_query(&self.db, actor, &filter).await?;
        let Page {
            items: rows,
            total,
            page,
            per_page,
        } = fetch_page(
            &self.db,
            ordered(query, filter.sort),
            filter.page,
            filter.per_page,
        )
        .await?;
        let items: Vec<ReferralInboxItem> = inbox_items(&self.db, &rows)
            .await?
            .into_iter()
            .map(|(item, _)| item)
            .collect();
        let mut audit = entry(actor, "list_referrals", Subject::kind("referral"), None);
        audit.detail = Some(format!("page={page}; rows={}; total={total}", items.len()));
        self.db.audit_ok(audit).await?;
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
        filter: ReferralFilter,
    ) -> Result<ExportRows<ReferralInboxItem>, ServiceError> {
        let query = inbox_query(&self.db, actor, &filter).await?;
        let db = self.db.clone();
        let opened = export::open(
            &self.db,
            query,
            referrals::Column::Id,
            inbox_order(filter.sort),
            self.export_page_rows,
            export::rows_of(move |rows: Vec<referrals::Model>| {
                let db = db.clone();
                async move {
                    Ok(inbox_items(&db, &rows)
                        .await?
                        .into_iter()
                        .map(|(item, _)| item)
                        .collect())
                }
            }),
        )
        .await?;
        let detail = format!("referral list export; rows={}", opened.0);
        audit_list_read(
            &self.db,
            actor,
            "export",
            "referral",
            &own_scope(actor)?,
            detail,
        )
        .await?;
        Ok(export::rows(actor.area_name.clone(), opened))
    }

    async fn letter(
        &self,
        actor: &Actor,
        referral_id: i64,
    ) -> Result<ReferralLetter, ServiceError> {
        let row = load::<referrals::Entity>(&self.db, referral_id).await?;
        let (item, case) = self.inbox_item(&row).await?;
        let village = stored_area(&case.village_code)?;
        let subject = Subject::new("referral", row.id);
        authorize(
            &self.db,
            actor,
            Action::ViewReferral,
            &Target::referral(village.clone(), InstitutionId::from(row.institution_id)),
            subject,
        )
        .await?;
        let district_code: String = case.village_code.chars().take(5).collect();
        let district_name = areas::Entity::find_by_id(district_code.clone())
            .one(&self.db)
            .await
            .map_err(db_failure)?
            .map(|a| a.name)
            .unwrap_or(district_code);
        self.db
            .audit_ok(entry(
                actor,
                "view_referral_letter",
                subject,
                Some(&village),
            ))
            .await?;
        Ok(ReferralLetter {
            item,
            issued_on: row.issued_on,
            village_code: case.village_code,
            district_name,
            consent_by: row.consent_by,
        })
    }

    async fn verify(&self, code: &str) -> Result<ReferralCheck, ServiceError> {
        let code: String = code
            .trim()
            .to_uppercase()
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect();
        if code.len() != CODE_LENGTH {
            return Err(ServiceError::NotFound);
        }
        let row = referrals::Entity::find()
            .filter(referrals::Column::VerificationCode.eq(code))
            .one(&self.db)
            .await
            .map_err(db_failure)?
            .ok_or(ServiceError::NotFound)?;
        let view = self.view(&row).await?;
        Ok(ReferralCheck {
            number: row.number,
            institution_name: view.institution_name,
            service_name: view.service_name,
            issued_on: row.issued_on,
            due_on: row.due_on,
            state: view.state,
        })
    }
}
