//! A household's life events, each one write: a member who joins (birth,
//! moving in), a death or a move out (with the new head when the head
//! leaves), a change of head, a pecah KK (the new household with its card and
//! its members, their open cases following them) and a move of the whole
//! family (its open cases going to the staff of the new village, anywhere).
//! Where the family is in the registry, the same change is opened as a
//! registry proposal of flow B for review: proposed, not sent, and marked as
//! already applied here, so that enacting it records the registry's answer
//! without applying the change a second time.

use std::collections::{HashMap, HashSet};

use chrono::Utc;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use shared::DomainError;
use shared::access::Action;
use shared::contract::{Actor, ServiceError};
use shared::dto::{Created, MemberFile};
use shared::household::HouseholdEventKind;
use shared::life_event::{LifeEvent, LifeEventKind, RecordLifeEvent};
use shared::member::{MemberRegistryStatus, Relationship};
use shared::proposal::ProposalSource;
use shared::proposal_change::{LeaveReason, ProposalChange, living};

use super::{DbHouseholdService, check_nik_free, member_model, number_text};
use crate::entities::{areas, cases, complaints, household_events, households, members, referrals};
use crate::services::card_split::{self, Split};
use crate::services::common::{Subject, check_version, earlier_result, entry, today_in};
use crate::services::db_failure;
use crate::services::proposals::insert_proposal;
use crate::services::stats::Kind;
use crate::services::write::Write;

/// What the household's own event row says happened.
fn recorded_as(kind: LifeEventKind) -> HouseholdEventKind {
    match kind {
        LifeEventKind::Birth => HouseholdEventKind::MemberBorn,
        LifeEventKind::Joined => HouseholdEventKind::MemberJoined,
        LifeEventKind::Death => HouseholdEventKind::MemberDied,
        LifeEventKind::MovedOut => HouseholdEventKind::MemberMovedOut,
        LifeEventKind::HeadChanged => HouseholdEventKind::HeadChanged,
        LifeEventKind::Split => HouseholdEventKind::SplitFamilyCard,
        LifeEventKind::Moved => HouseholdEventKind::Moved,
    }
}

/// Makes `member` the head of household `household_id` (and its name the
/// household's head name), inside `write`.
async fn make_head(
    write: &Write,
    household_id: i64,
    member: &MemberFile,
) -> Result<(), ServiceError> {
    set_member(
        write,
        member.id,
        members::Column::Relationship,
        Expr::value(i16::from(Relationship::Head.number())),
    )
    .await?;
    households::Entity::update_many()
        .col_expr(
            households::Column::HeadName,
            Expr::value(member.member.name.clone()),
        )
        .filter(households::Column::Id.eq(household_id))
        .exec(write)
        .await
        .map_err(db_failure)?;
    Ok(())
}

/// Sets one member's column `column` to `value` (and its version), inside `write`.
async fn set_member(
    write: &Write,
    member_id: i64,
    column: members::Column,
    value: Expr,
) -> Result<(), ServiceError> {
    members::Entity::update_many()
        .col_expr(column, value)
        .col_expr(
            members::Column::Version,
            Expr::col(members::Column::Version).add(1),
        )
        .col_expr(members::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(members::Column::Id.eq(member_id))
        .exec(write)
        .await
        .map_err(db_failure)?;
    Ok(())
}

/// The open cases of household `from` that concern only members in `movers`
/// (every complaint and referral naming a member names one of them): after a
/// pecah KK they follow those members to household `to`. Returns their ids.
async fn cases_following(
    write: &mut Write,
    from: i64,
    to: i64,
    movers: &[i64],
) -> Result<Vec<i64>, ServiceError> {
    let open: Vec<cases::Model> = cases::Entity::find()
        .filter(cases::Column::HouseholdId.eq(from))
        .filter(cases::Column::State.is_not_in(crate::services::cases::finished_codes()))
        .all(&*write)
        .await
        .map_err(db_failure)?;
    if open.is_empty() {
        return Ok(Vec::new());
    }
    let case_ids: Vec<i64> = open.iter().map(|c| c.id).collect();
    let mut named: HashMap<i64, HashSet<i64>> = HashMap::new();
    for complaint in complaints::Entity::find()
        .filter(complaints::Column::CaseId.is_in(case_ids.clone()))
        .all(&*write)
        .await
        .map_err(db_failure)?
    {
        if let Some(member) = complaint.member_id {
            named.entry(complaint.case_id).or_default().insert(member);
        }
    }
    for referral in referrals::Entity::find()
        .filter(referrals::Column::CaseId.is_in(case_ids))
        .all(&*write)
        .await
        .map_err(db_failure)?
    {
        if let Some(member) = referral.member_id {
            named.entry(referral.case_id).or_default().insert(member);
        }
    }
    let following: Vec<i64> = open
        .iter()
        .filter(|case| {
            named
                .get(&case.id)
                .is_some_and(|members| members.iter().all(|m| movers.contains(m)))
        })
        .map(|case| case.id)
        .collect();
    if following.is_empty() {
        return Ok(following);
    }
    write.touch(Kind::Case, &following).await?;
    cases::Entity::update_many()
        .col_expr(cases::Column::HouseholdId, Expr::value(to))
        .col_expr(
            cases::Column::Version,
            Expr::col(cases::Column::Version).add(1),
        )
        .col_expr(cases::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(cases::Column::Id.is_in(following.clone()))
        .exec(&*write)
        .await
        .map_err(db_failure)?;
    Ok(following)
}

impl DbHouseholdService {
    /// Records a life event on a household (see the module's documentation);
    /// answers the household's id (a resend with the same key answers the same).
    pub(crate) async fn record_life_event(
        &self,
        actor: &Actor,
        request: RecordLifeEvent,
    ) -> Result<Created, ServiceError> {
        let (row, village) = self
            .authorized_household(actor, Action::EditHousehold, request.household_id)
            .await?;
        if let Some(id) =
            earlier_result(&self.db, actor, &request.idempotency_key, "household_event").await?
        {
            return Ok(Created { id });
        }
        check_version(row.version, request.version)?;
        let today = today_in(&row.village_code);
        if request.occurred_on > today {
            return Err(ServiceError::Invalid(DomainError::DateInFuture {
                field: "occurred_on".into(),
            }));
        }
        let note = shared::text::optional("note", &request.note, shared::workflow::NOTE_MAX)?;
        let file = self.file_of(row.clone(), true).await?;
        let event = request.event.checked_in_form(&file, today)?;
        // The family as the file read it (the checks above read the same).
        let family = &file.members;
        let name_of = |id: i64| {
            family
                .iter()
                .find(|m| m.id == id)
                .map(|m| m.member.name.clone())
                .unwrap_or_default()
        };
        // What the database has to say before the write.
        match &event {
            LifeEvent::MemberJoins { member, .. } => {
                let mut everyone: Vec<_> = family.iter().map(|m| m.member.clone()).collect();
                everyone.push(member.clone());
                shared::household::check_members(&everyone)?;
                check_nik_free(&self.db, &self.key, member, None).await?;
            }
            LifeEvent::Split { member_ids, card } => {
                let split = Split {
                    from: &row,
                    member_ids,
                    card,
                };
                card_split::check(self.db.connection(), &self.key, &split).await?;
            }
            LifeEvent::Moved { address } => {
                let village = areas::Entity::find_by_id(address.village.as_str().to_string())
                    .one(&self.db)
                    .await
                    .map_err(db_failure)?;
                if village.is_none() {
                    return Err(ServiceError::Invalid(DomainError::Invalid {
                        errors: vec![shared::error::FieldError {
                            field: "village".into(),
                            error: DomainError::UnknownCode {
                                field: "village".into(),
                                code: address.village.as_str().to_string(),
                            },
                        }],
                    }));
                }
            }
            _ => {}
        }
        let kind = event.kind();
        let reach = event.reach(&village);
        let mut to_village = village.clone();
        let mut write = self.db.begin_write().await?;
        write.touch_household_and_its_records(row.id).await?;
        // The version the user saw, or a conflict: nothing is written.
        let mut guarded = households::Entity::update_many();
        if let LifeEvent::Moved { address } = &event {
            to_village = address.village.clone();
            guarded = guarded
                .col_expr(
                    households::Column::VillageCode,
                    Expr::value(address.village.as_str()),
                )
                .col_expr(
                    households::Column::Dusun,
                    Expr::value(address.dusun.clone()),
                )
                .col_expr(households::Column::Rw, Expr::value(number_text(address.rw)))
                .col_expr(households::Column::Rt, Expr::value(number_text(address.rt)))
                .col_expr(
                    households::Column::Street,
                    Expr::value(address.street.clone()),
                );
        }
        write.update(row.id, request.version, guarded).await?;
        let mut detail = format!("kind={}", kind.code());
        let summary = match &event {
            LifeEvent::MemberJoins { member, .. } => {
                let added = write
                    .insert(member_model(&self.key, row.id, &row.village_code, member)?)
                    .await?;
                detail.push_str(&format!("; member={}", added.id));
                format!("{}: {}", kind.label_id(), member.name)
            }
            LifeEvent::MemberLeaves {
                member_id,
                reason,
                new_head,
            } => {
                let status = if *reason == LeaveReason::Died {
                    MemberRegistryStatus::Deceased
                } else {
                    MemberRegistryStatus::MovedOut
                };
                set_member(
                    &write,
                    *member_id,
                    members::Column::RegistryStatus,
                    Expr::value(status.code()),
                )
                .await?;
                detail.push_str(&format!("; member={member_id}"));
                let mut text = format!("{}: {}", kind.label_id(), name_of(*member_id));
                if let Some(head) = new_head.and_then(|id| family.iter().find(|m| m.id == id)) {
                    make_head(&write, row.id, head).await?;
                    detail.push_str(&format!("; new_head={}", head.id));
                    text.push_str(&format!("; kepala keluarga baru: {}", head.member.name));
                }
                text
            }
            LifeEvent::HeadChanged {
                member_id,
                former_head_relationship,
            } => {
                for former in family
                    .iter()
                    .filter(|m| living(m) && m.member.relationship == Relationship::Head)
                {
                    set_member(
                        &write,
                        former.id,
                        members::Column::Relationship,
                        Expr::value(i16::from(former_head_relationship.number())),
                    )
                    .await?;
                }
                let head = family
                    .iter()
                    .find(|m| m.id == *member_id)
                    .ok_or(ServiceError::Conflict)?;
                make_head(&write, row.id, head).await?;
                detail.push_str(&format!("; new_head={member_id}"));
                format!("{}: {}", kind.label_id(), head.member.name)
            }
            LifeEvent::Split { member_ids, card } => {
                let split = Split {
                    from: &row,
                    member_ids,
                    card,
                };
                let reason = note.clone().unwrap_or_else(|| kind.label_id().to_string());
                let household = card_split::split_off(
                    &mut write,
                    &self.key,
                    actor,
                    &split,
                    request.occurred_on,
                    &reason,
                )
                .await?;
                let following =
                    cases_following(&mut write, row.id, household.id, member_ids).await?;
                detail.push_str(&format!(
                    "; new_household={}; members={}; cases_following={}",
                    household.id,
                    member_ids.len(),
                    following.len()
                ));
                String::new()
            }
            LifeEvent::Moved { address } => {
                if to_village != village {
                    // The open cases go with the family to the new village's
                    // staff; closed ones stay with those who worked on them.
                    crate::services::cases::move_open_cases(&write, row.id, to_village.as_str())
                        .await?;
                    // Its people are looked for as registered twice where they live now.
                    members::Entity::update_many()
                        .col_expr(
                            members::Column::Subdistrict,
                            Expr::value(super::subdistrict_of(to_village.as_str())),
                        )
                        .filter(members::Column::HouseholdId.eq(row.id))
                        .exec(&write)
                        .await
                        .map_err(db_failure)?;
                }
                let reach = reach.map(|r| r.label_id()).unwrap_or("Dalam desa");
                detail.push_str(&format!(
                    "; from={}; to={}; reach={}",
                    village.as_str(),
                    to_village.as_str(),
                    reach
                ));
                let to_name = areas::Entity::find_by_id(to_village.as_str().to_string())
                    .one(&write)
                    .await
                    .map_err(db_failure)?
                    .map(|a| a.name)
                    .unwrap_or_default();
                format!(
                    "{} ({reach}) ke {}{}{to_name}",
                    kind.label_id(),
                    address.local_line(),
                    if address.local_line().is_empty() {
                        ""
                    } else {
                        ", "
                    },
                )
            }
        };
        // The pecah KK wrote its own event on both households.
        if !summary.is_empty() {
            let text = match &note {
                Some(note) => format!("{summary} — {note}"),
                None => summary,
            };
            household_events::ActiveModel {
                household_id: Set(row.id),
                kind: Set(recorded_as(kind).code().to_string()),
                occurred_on: Set(request.occurred_on),
                document: Set(request.document.code().to_string()),
                note: Set(Some(text)),
                from_village: Set(Some(village.as_str().to_string())),
                to_village: Set(Some(to_village.as_str().to_string())),
                recorded_by: Set(Some(actor.user_id)),
                recorded_at: Set(Utc::now()),
                ..Default::default()
            }
            .insert(&write)
            .await
            .map_err(db_failure)?;
        }
        if row.registry_id.is_some() {
            let mut change = event.proposal_change();
            if let ProposalChange::RemoveMember { on, .. } = &mut change {
                *on = request.occurred_on;
            }
            let proposal = insert_proposal(
                &write,
                actor,
                row.id,
                to_village.as_str(),
                change.kind(),
                Some(&change),
                ProposalSource::HouseholdEvent,
                format!(
                    "{} ({}), dicatat di berkas keluarga",
                    kind.label_id(),
                    shared::dates::dmy(request.occurred_on)
                ),
            )
            .await?;
            write.created(Kind::Proposal, proposal.id);
            detail.push_str(&format!("; proposal={}", proposal.id));
        }
        write
            .audit(
                entry(
                    actor,
                    "life_event",
                    Subject::new("household", row.id),
                    Some(&village),
                )
                .detail(detail),
            )
            .await?;
        let id = write
            .commit_keyed(
                &self.db,
                actor,
                &request.idempotency_key,
                "household_event",
                row.id,
            )
            .await?;
        Ok(Created { id })
    }
}
