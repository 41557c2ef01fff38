//! Home visits (verivali) of flow B: one per proposal, kept as the draft of
//! what was typed until the facilitator finishes it; finishing records the
//! proposal's verivali step in the same write.
//!
//! Who may visit is who may take the verivali step of the proposal state
//! machine (facilitator, supervisor), inside their area, while the proposal
//! waits for it (after its village meeting). Reading a visit needs the right
//! to see personal data in the proposal's village. Every view and save is
//! audited.

use std::sync::Arc;

use async_trait::async_trait;
use chrono::Utc;
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QuerySelect, Set};
use sha2::{Digest, Sha256};
use shared::access::{Action, Target};
use shared::contract::{Actor, ServiceError, VisitService};
use shared::error::{DomainError, FieldError};
use shared::member::MemberRegistryStatus;
use shared::photo::PhotoType;
use shared::proposal::{ProposalAction, ProposalFlow, ProposalStage};
use shared::visit::{SaveVisit, VisitDraft, VisitFile, VisitMember, VisitState};
use shared::workflow::record_transition;

use super::common::{Subject, access_actor, actor_ref, entry, workflow_step};
use super::db_failure;
use super::households::DbHouseholdService;
use super::numbering::is_unique_violation;
use super::proposals::rows_of;
use super::rows::{stored, stored_json, to_json, usernames};
use super::stats::Kind;
use super::store::Store;
use super::write::{Step, Timeline, load, load_for_proposal_work, load_in_area};
use crate::entities::{home_visits, house_photos, households, proposals};

/// Object type of visits in the audit log.
const OBJECT: &str = "home_visit";

/// [`VisitService`] on the portal database.
pub struct DbVisitService {
    db: Store,
    /// The household files visits are prefilled from.
    households: Arc<DbHouseholdService>,
}

impl DbVisitService {
    pub fn new(db: Store, households: Arc<DbHouseholdService>) -> Self {
        DbVisitService { db, households }
    }

    async fn visit_of(&self, proposal_id: i64) -> Result<Option<home_visits::Model>, ServiceError> {
        home_visits::Entity::find()
            .filter(home_visits::Column::ProposalId.eq(proposal_id))
            .one(self.db.connection())
            .await
            .map_err(db_failure)
    }

    /// The file of `proposal`'s visit for `actor` (not audited: callers are).
    async fn file_of(
        &self,
        actor: &Actor,
        proposal: proposals::Model,
    ) -> Result<VisitFile, ServiceError> {
        let household = load::<households::Entity>(&self.db, proposal.household_id).await?;
        let exact = actor.role.may(Action::ViewFullIdentity);
        let household = self.households.file_of(household, exact).await?;
        let visit = self.visit_of(proposal.id).await?;
        let members: Vec<VisitMember> = household
            .members
            .iter()
            .map(|m| VisitMember {
                id: m.id,
                name: m.member.name.clone(),
                relationship: m.member.relationship,
                status: m.member.registry_status,
            })
            .collect();
        let (draft, state, version, saved_by, saved_at) = match &visit {
            Some(visit) => {
                let draft: VisitDraft = serde_json::from_str(&visit.draft)
                    .inspect_err(|error| {
                        tracing::error!(%error, visit = visit.id, "visit draft unreadable");
                    })
                    .unwrap_or_default();
                let names =
                    usernames(self.db.connection(), visit.saved_by.into_iter().collect()).await?;
                (
                    draft,
                    Some(stored::<VisitState>(&visit.state)?),
                    visit.version,
                    visit.saved_by.and_then(|id| names.get(&id).cloned()),
                    Some(visit.updated_at),
                )
            }
            None => {
                let draft = VisitDraft {
                    members: members
                        .iter()
                        .map(|m| shared::visit::MemberCheckDraft {
                            member_id: m.id.to_string(),
                            status: m.status.code().to_string(),
                        })
                        .collect(),
                    ..VisitDraft::default()
                };
                // A family recorded from a list has placeholders, not answers.
                let draft = if household.awaiting_survey {
                    draft
                } else {
                    draft.prefilled(&household.housing, household.income_band)
                };
                (draft, None, 0, None, None)
            }
        };
        let draft = VisitDraft {
            proposal_id: proposal.id.to_string(),
            version: if version == 0 {
                String::new()
            } else {
                version.to_string()
            },
            finish: String::new(),
            ..draft
        };
        let stage = stored::<ProposalStage>(&proposal.stage)?;
        let may_visit = stage == ProposalStage::VillageMeetingApproved
            && state != Some(VisitState::Done)
            && ProposalFlow::awaiting(actor.role).contains(&ProposalStage::VillageMeetingApproved)
            && shared::access::can(
                &access_actor(actor)?,
                Action::ChangeProposal,
                &Target::area(super::common::stored_area(&proposal.village_code)?),
            );
        let house_photo = house_photos::Entity::find_by_id(proposal.household_id)
            .select_only()
            .column(house_photos::Column::UploadedAt)
            .into_tuple::<chrono::DateTime<Utc>>()
            .one(self.db.connection())
            .await
            .map_err(db_failure)?;
        let proposal = rows_of(self.db.connection(), vec![proposal])
            .await?
            .pop()
            .ok_or(ServiceError::Internal)?;
        Ok(VisitFile {
            house_photo,
            proposal,
            version,
            state,
            draft,
            members,
            saved_by,
            saved_at,
            may_visit,
            awaiting_survey: household.awaiting_survey,
        })
    }
}

/// The photo of a family that has moved is its new village's: through a
/// proposal of the old village it is not found.
async fn still_here(db: &Store, proposal: &proposals::Model) -> Result<(), ServiceError> {
    let household = load::<households::Entity>(db, proposal.household_id).await?;
    if household.village_code == proposal.village_code {
        Ok(())
    } else {
        Err(ServiceError::NotFound)
    }
}

/// A family recorded from a list takes its housing and income from its
/// finished home visit: they were placeholders until now.
async fn surveyed(
    write: &super::write::Write,
    actor: &Actor,
    proposal: &proposals::Model,
    visit: &shared::visit::HomeVisit,
) -> Result<(), ServiceError> {
    let household_id = proposal.household_id;
    let Some(household) = households::Entity::find_by_id(household_id)
        .one(write)
        .await
        .map_err(db_failure)?
    else {
        return Ok(());
    };
    let mut details: crate::records::HouseholdDetails = stored_json(&household.details)?;
    if !details.awaiting_survey {
        return Ok(());
    }
    details.housing = visit.housing.clone();
    details.awaiting_survey = false;
    households::Entity::update_many()
        .col_expr(households::Column::Details, Expr::value(to_json(&details)?))
        .col_expr(
            households::Column::IncomeBand,
            Expr::value(visit.income_band.code()),
        )
        .col_expr(households::Column::UpdatedAt, Expr::value(Utc::now()))
        .col_expr(
            households::Column::Version,
            Expr::col(households::Column::Version).add(1),
        )
        .filter(households::Column::Id.eq(household_id))
        .exec(write)
        .await
        .map_err(db_failure)?;
    let village = super::common::stored_area(&household.village_code)?;
    write
        .audit(
            entry(
                actor,
                "update_household",
                Subject::new("household", household_id),
                Some(&village),
            )
            .detail(format!(
                "housing and income from the home visit of proposal {}",
                proposal.id
            )),
        )
        .await
}

/// A field error of the visit form.
fn field_error(field: &str, error: DomainError) -> ServiceError {
    ServiceError::Invalid(DomainError::Invalid {
        errors: vec![FieldError {
            field: field.into(),
            error,
        }],
    })
}

#[async_trait]
impl VisitService for DbVisitService {
    async fn attach_house_photo(
        &self,
        actor: &Actor,
        proposal_id: i64,
        content: Vec<u8>,
    ) -> Result<(), ServiceError> {
        let subject = Subject::new(OBJECT, proposal_id);
        let (proposal, village) = load_in_area::<proposals::Entity>(
            &self.db,
            actor,
            Action::ChangeProposal,
            proposal_id,
            subject,
        )
        .await?;
        // Taken by whoever visits, while the proposal waits for its visit.
        let stage = stored::<ProposalStage>(&proposal.stage)?;
        workflow_step::<ProposalFlow>(
            &self.db,
            actor,
            stage,
            ProposalAction::Verify,
            "",
            Utc::now(),
            "house_photo",
            subject,
            Some(&village),
        )
        .await?;
        still_here(&self.db, &proposal).await?;
        let received = content.len();
        let (kind, clean) = crate::photo::cleaned(&content).map_err(DomainError::from)?;
        let sha256 = hex::encode(Sha256::digest(&clean));
        let kept = clean.len();
        let size = i64::try_from(kept).map_err(|_| ServiceError::Internal)?;
        let write = self.db.begin_write().await?;
        // The latest photo replaces an earlier one, also one sent at the same
        // moment from another desk.
        house_photos::Entity::insert(house_photos::ActiveModel {
            household_id: Set(proposal.household_id),
            content: Set(clean),
            content_type: Set(kind.code().to_string()),
            size_bytes: Set(size),
            sha256: Set(sha256.clone()),
            uploaded_by: Set(Some(actor.user_id)),
            uploaded_at: Set(Utc::now()),
        })
        .on_conflict(
            OnConflict::column(house_photos::Column::HouseholdId)
                .update_columns([
                    house_photos::Column::Content,
                    house_photos::Column::ContentType,
                    house_photos::Column::SizeBytes,
                    house_photos::Column::Sha256,
                    house_photos::Column::UploadedBy,
                    house_photos::Column::UploadedAt,
                ])
                .to_owned(),
        )
        .exec(&write)
        .await
        .map_err(db_failure)?;
        write
            .audit(
                entry(actor, "upload_house_photo", subject, Some(&village)).detail(format!(
                    "household={}; type={}; bytes={size}; metadata_removed={}; sha256={sha256}",
                    proposal.household_id,
                    kind.code(),
                    received.saturating_sub(kept),
                )),
            )
            .await?;
        write.commit().await
    }

    async fn house_photo(
        &self,
        actor: &Actor,
        proposal_id: i64,
    ) -> Result<(PhotoType, Vec<u8>), ServiceError> {
        let subject = Subject::new(OBJECT, proposal_id);
        let (proposal, village) =
            load_for_proposal_work::<proposals::Entity>(&self.db, actor, proposal_id, subject)
                .await?;
        still_here(&self.db, &proposal).await?;
        let photo = house_photos::Entity::find_by_id(proposal.household_id)
            .one(self.db.connection())
            .await
            .map_err(db_failure)?
            .ok_or(ServiceError::NotFound)?;
        let kind = stored::<PhotoType>(&photo.content_type)?;
        self.db
            .audit_ok(
                entry(actor, "view_house_photo", subject, Some(&village))
                    .detail(format!("household={}", proposal.household_id)),
            )
            .await?;
        Ok((kind, photo.content))
    }

    async fn file(&self, actor: &Actor, proposal_id: i64) -> Result<VisitFile, ServiceError> {
        let subject = Subject::new(OBJECT, proposal_id);
        let (proposal, village) =
            load_for_proposal_work::<proposals::Entity>(&self.db, actor, proposal_id, subject)
                .await?;
        let file = self.file_of(actor, proposal).await?;
        self.db
            .audit_ok(entry(actor, "view_home_visit", subject, Some(&village)))
            .await?;
        Ok(file)
    }

    async fn save(&self, actor: &Actor, visit: SaveVisit) -> Result<VisitFile, ServiceError> {
        let subject = Subject::new(OBJECT, visit.proposal_id);
        let (proposal, village) = load_in_area::<proposals::Entity>(
            &self.db,
            actor,
            Action::ChangeProposal,
            visit.proposal_id,
            subject,
        )
        .await?;
        let stage = stored::<ProposalStage>(&proposal.stage)?;
        // The role and the stage, as the state machine says (a refusal of the
        // role is audited).
        let now = Utc::now();
        workflow_step::<ProposalFlow>(
            &self.db,
            actor,
            stage,
            ProposalAction::Verify,
            "",
            now,
            "home_visit",
            subject,
            Some(&village),
        )
        .await?;
        if let Some(finished) = &visit.finished {
            // Every member of the family is answered for, and only they.
            let members = self
                .households
                .household_members(proposal.household_id)
                .await?;
            let answered: Vec<i64> = finished.members.iter().map(|(id, _)| *id).collect();
            if answered
                .iter()
                .any(|id| !members.iter().any(|m| m.id == *id))
                || members.iter().any(|m| !answered.contains(&m.id))
            {
                return Err(field_error(
                    "members",
                    DomainError::TextRequired {
                        field: "members".into(),
                    },
                ));
            }
        }
        let existing = self.visit_of(proposal.id).await?;
        if let Some(stored_visit) = &existing
            && stored::<VisitState>(&stored_visit.state)? == VisitState::Done
        {
            return Err(ServiceError::Conflict);
        }
        let draft = serde_json::to_string(&VisitDraft {
            finish: String::new(),
            version: String::new(),
            ..visit.draft.clone()
        })
        .map_err(|_| ServiceError::Internal)?;
        let state = if visit.finished.is_some() {
            VisitState::Done
        } else {
            VisitState::Draft
        };
        let visited_on = visit.finished.as_ref().map(|f| f.visited_on);
        let write = self.db.change(Kind::Proposal, &[proposal.id]).await?;
        match (&existing, visit.version) {
            (Some(stored_visit), Some(seen)) if stored_visit.version == seen => {
                let result = home_visits::Entity::update_many()
                    .col_expr(home_visits::Column::Draft, Expr::value(draft))
                    .col_expr(home_visits::Column::State, Expr::value(state.code()))
                    .col_expr(home_visits::Column::VisitedOn, Expr::value(visited_on))
                    .col_expr(home_visits::Column::SavedBy, Expr::value(actor.user_id))
                    .col_expr(
                        home_visits::Column::FinishedBy,
                        Expr::value(visit.finished.as_ref().map(|_| actor.user_id)),
                    )
                    .col_expr(
                        home_visits::Column::FinishedAt,
                        Expr::value(visit.finished.as_ref().map(|_| now)),
                    )
                    .col_expr(home_visits::Column::UpdatedAt, Expr::value(now))
                    .col_expr(home_visits::Column::Version, Expr::value(seen + 1))
                    .filter(home_visits::Column::Id.eq(stored_visit.id))
                    .filter(home_visits::Column::Version.eq(seen))
                    .exec(&write)
                    .await
                    .map_err(db_failure)?;
                if result.rows_affected != 1 {
                    return Err(ServiceError::Conflict);
                }
            }
            (None, None) => {
                let inserted = home_visits::ActiveModel {
                    proposal_id: Set(proposal.id),
                    village_code: Set(proposal.village_code.clone()),
                    state: Set(state.code().to_string()),
                    draft: Set(draft),
                    visited_on: Set(visited_on),
                    saved_by: Set(Some(actor.user_id)),
                    finished_by: Set(visit.finished.as_ref().map(|_| actor.user_id)),
                    finished_at: Set(visit.finished.as_ref().map(|_| now)),
                    created_at: Set(now),
                    updated_at: Set(now),
                    version: Set(1),
                    ..Default::default()
                }
                .insert(&write)
                .await;
                match inserted {
                    Ok(_) => {}
                    // Another save made the visit first: this one saw no version.
                    Err(error) if is_unique_violation(&error) => {
                        return Err(ServiceError::Conflict);
                    }
                    Err(error) => return Err(db_failure(error)),
                }
            }
            _ => return Err(ServiceError::Conflict),
        }
        if let Some(finished) = &visit.finished {
            let confirmed = finished
                .members
                .iter()
                .filter(|(_, status)| *status == MemberRegistryStatus::Confirmed)
                .count();
            let mut note = format!(
                "Verivali {}: {confirmed} dari {} anggota terkonfirmasi.",
                shared::dates::dmy(finished.visited_on),
                finished.members.len()
            );
            if !finished.note.is_empty() {
                note = format!("{note} {}", finished.note);
            }
            let note: String = note.chars().take(shared::workflow::NOTE_MAX).collect();
            let (next, change) = record_transition::<ProposalFlow>(
                stage,
                ProposalAction::Verify,
                &actor_ref(actor),
                now,
                &note,
            )
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
            surveyed(&write, actor, &proposal, finished).await?;
        }
        write
            .audit(
                entry(
                    actor,
                    if visit.finished.is_some() {
                        "finish_home_visit"
                    } else {
                        "save_home_visit"
                    },
                    subject,
                    Some(&village),
                )
                .detail(format!("state={}", state.code())),
            )
            .await?;
        write.commit().await?;
        let proposal = load::<proposals::Entity>(&self.db, proposal.id).await?;
        self.file_of(actor, proposal).await
    }
}
