//! Closing flow B: when a proposal is enacted (ditetapkan), the change it asked
//! for is applied to the household record in the same write, and its members'
//! civil-registry match flags are set from the padan Dukcapil recorded; a
//! registry import enacts the sent new-family proposals whose families appear
//! in it.
//!
//! What is applied: a member's death or double listing (their status), a new
//! head (relationships and the head's name), corrections of the street, RT,
//! RW, income band and a member's name; a birth (the baby added, without NIK
//! until staff record it); a pecah KK moves its members to the new card given
//! at enactment (`card_split`). A member who joined, a member moving out and
//! the removal of the family are recorded as enacted and left to the
//! household's own events (a move, a marriage), where staff record them with
//! the documents seen: the portal cannot know where the member went or what
//! the newcomer's other fields are.

use chrono::Utc;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set,
};
use shared::geo::{NeighbourhoodNumber, NeighbourhoodUnit};
use shared::identity::Sex;
use shared::member::{Education, MaritalStatus, MemberRegistryStatus, Occupation, Relationship};
use shared::proposal::{ProposalAction, ProposalKind, ProposalStage};
use shared::proposal_batch::{CivilMatch, MatchOutcome};
use shared::proposal_change::{CorrectedField, JoinReason, LeaveReason, ProposalChange};

use crate::entities::{households, members, proposal_events, proposals, registry_families};
use crate::records::MemberDetails;

/// What applying a change did, for the audit entry and the timeline.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Applied {
    /// Parts of the household record changed (`status`, `head`, `rt`, ...).
    pub changed: Vec<&'static str>,
    /// Members whose civil-registry match flag was set.
    pub matched_flags: u32,
    /// Whether the change waits for a household event (birth, move, split, removal).
    pub left_to_events: bool,
}

/// Applies what `row` asked for to its household and sets its members' match
/// flags; to be called inside the write that enacts it (which has noted the
/// household for the dashboard counters).
pub(crate) async fn apply_enacted<C: ConnectionTrait>(
    db: &C,
    row: &proposals::Model,
    change: Option<&ProposalChange>,
) -> Result<Applied, DbErr> {
    let mut applied = Applied::default();
    let now = Utc::now();
    let touch_household = || {
        households::Entity::update_many()
            .col_expr(households::Column::UpdatedAt, Expr::value(now))
            .col_expr(
                households::Column::Version,
                Expr::col(households::Column::Version).add(1),
            )
            .filter(households::Column::Id.eq(row.household_id))
    };
    let in_family = |member_id: i64| {
        members::Entity::update_many()
            .col_expr(members::Column::UpdatedAt, Expr::value(now))
            .col_expr(
                members::Column::Version,
                Expr::col(members::Column::Version).add(1),
            )
            .filter(members::Column::Id.eq(member_id))
            .filter(members::Column::HouseholdId.eq(row.household_id))
    };
    match change {
        Some(ProposalChange::RemoveMember {
            member_id, reason, ..
        }) => {
            let status = match reason {
                LeaveReason::Died => Some(MemberRegistryStatus::Deceased),
                LeaveReason::Duplicate => Some(MemberRegistryStatus::Duplicate),
                LeaveReason::MovedOut => None,
            };
            match status {
                Some(status) => {
                    in_family(*member_id)
                        .col_expr(members::Column::RegistryStatus, Expr::value(status.code()))
                        .exec(db)
                        .await?;
                    applied.changed.push("member_status");
                }
                None => applied.left_to_events = true,
            }
        }
        Some(ProposalChange::ChangeHead { member_id }) => {
            let family = members::Entity::find()
                .filter(members::Column::HouseholdId.eq(row.household_id))
                .all(db)
                .await?;
            let head = i16::from(Relationship::Head.number());
            let other = i16::from(Relationship::Other.number());
            // The new head must still be in the family (not moved out meanwhile).
            let new_head = family.iter().find(|m| m.id == *member_id);
            if new_head.is_none() {
                applied.left_to_events = true;
            }
            if let Some(new_head) = new_head {
                for old in family
                    .iter()
                    .filter(|m| m.relationship == head && m.id != *member_id)
                {
                    in_family(old.id)
                        .col_expr(members::Column::Relationship, Expr::value(other))
                        .exec(db)
                        .await?;
                }
                in_family(new_head.id)
                    .col_expr(members::Column::Relationship, Expr::value(head))
                    .exec(db)
                    .await?;
                touch_household()
                    .col_expr(
                        households::Column::HeadName,
                        Expr::value(new_head.name.clone()),
                    )
                    .exec(db)
                    .await?;
                applied.changed.push("head");
            }
        }
        Some(ProposalChange::Correction { field, .. })
            if matches!(
                field,
                CorrectedField::Street | CorrectedField::Rt | CorrectedField::Rw
            ) && moved_away(db, row).await? =>
        {
            // The family lives elsewhere now: the old village's address line
            // does not overwrite the new one.
            applied.left_to_events = true;
        }
        Some(ProposalChange::Correction {
            field,
            member_id,
            proposed,
        }) => {
            let neighbourhood = |unit| {
                NeighbourhoodNumber::parse(unit, proposed)
                    .map(|n| n.get().to_string())
                    .ok()
            };
            match field {
                CorrectedField::Street => {
                    touch_household()
                        .col_expr(households::Column::Street, Expr::value(proposed.clone()))
                        .exec(db)
                        .await?;
                }
                CorrectedField::Rt => {
                    touch_household()
                        .col_expr(
                            households::Column::Rt,
                            Expr::value(neighbourhood(NeighbourhoodUnit::Rt)),
                        )
                        .exec(db)
                        .await?;
                }
                CorrectedField::Rw => {
                    touch_household()
                        .col_expr(
                            households::Column::Rw,
                            Expr::value(neighbourhood(NeighbourhoodUnit::Rw)),
                        )
                        .exec(db)
                        .await?;
                }
                CorrectedField::IncomeBand => {
                    touch_household()
                        .col_expr(
                            households::Column::IncomeBand,
                            Expr::value(proposed.clone()),
                        )
                        .exec(db)
                        .await?;
                }
                CorrectedField::MemberName => {
                    if let Some(member_id) = member_id {
                        in_family(*member_id)
                            .col_expr(members::Column::Name, Expr::value(proposed.clone()))
                            .col_expr(
                                members::Column::NameKey,
                                Expr::value(shared::names::search_key(proposed)),
                            )
                            .exec(db)
                            .await?;
                        let head = i16::from(Relationship::Head.number());
                        let is_head = members::Entity::find_by_id(*member_id)
                            .one(db)
                            .await?
                            .is_some_and(|m| m.relationship == head);
                        if is_head {
                            touch_household()
                                .col_expr(
                                    households::Column::HeadName,
                                    Expr::value(proposed.clone()),
                                )
                                .exec(db)
                                .await?;
                        }
                    }
                }
            }
            applied.changed.push(field.code());
        }
        // The members move to the new card in the caller's write, which has
        // the card's number (see `card_split`).
        Some(ProposalChange::Split { .. }) => applied.changed.push("split"),
        Some(ProposalChange::AddMember {
            reason: JoinReason::Birth,
            ..
        }) if moved_away(db, row).await? => {
            // Recorded by the new village's staff as a household event.
            applied.left_to_events = true;
        }
        Some(ProposalChange::AddMember {
            name,
            sex,
            birth_date,
            relationship,
            reason: JoinReason::Birth,
        }) => {
            if add_newborn(db, row.household_id, name, *sex, *birth_date, *relationship).await? {
                touch_household().exec(db).await?;
                applied.changed.push("member_added");
            } else {
                applied.left_to_events = true;
            }
        }
        Some(ProposalChange::AddMember { .. } | ProposalChange::Removal { .. }) => {
            applied.left_to_events = true;
        }
        Some(ProposalChange::NewFamily) | None => {}
    }
    if let Some(civil) = row
        .civil_match
        .as_deref()
        .and_then(|json| serde_json::from_str::<CivilMatch>(json).ok())
    {
        applied.matched_flags = set_match_flags(db, row.household_id, &civil).await?;
    }
    Ok(applied)
}

/// Adds a baby born into the family, as the registry now lists it: no NIK
/// yet (staff record it from the birth certificate), never married, not in
/// school, not working. `false` when the family already lists someone of that
/// name born that day (recorded meanwhile as a household event).
async fn add_newborn<C: ConnectionTrait>(
    db: &C,
    household_id: i64,
    name: &str,
    sex: Sex,
    birth_date: chrono::NaiveDate,
    relationship: Relationship,
) -> Result<bool, DbErr> {
    let listed = members::Entity::find()
        .filter(members::Column::HouseholdId.eq(household_id))
        .filter(members::Column::BirthDate.eq(birth_date))
        .all(db)
        .await?
        .iter()
        .any(|m| m.name.trim().eq_ignore_ascii_case(name.trim()));
    if listed {
        return Ok(false);
    }
    let details = MemberDetails {
        birth_place: String::new(),
        marital_status: MaritalStatus::NeverMarried,
        education: Education::NoSchooling,
        occupation: Occupation::NotWorking,
        disabilities: Vec::new(),
        chronic_illnesses: Vec::new(),
        pregnant: false,
        ppks: Vec::new(),
        civil_registry_matched: false,
        // True of a baby: nothing stands in.
        awaiting_survey: false,
    };
    let details = serde_json::to_string(&details).map_err(|e| DbErr::Custom(e.to_string()))?;
    let subdistrict = households::Entity::find_by_id(household_id)
        .one(db)
        .await?
        .map(|h| crate::services::households::subdistrict_of(&h.village_code));
    let now = Utc::now();
    members::ActiveModel {
        household_id: Set(household_id),
        nik_hash: Set(None),
        nik_sealed: Set(None),
        nik_masked: Set(None),
        name: Set(name.trim().to_string()),
        name_key: Set(Some(shared::names::search_key(name))),
        subdistrict: Set(subdistrict),
        sex: Set(sex.code().to_string()),
        birth_date: Set(birth_date),
        relationship: Set(i16::from(relationship.number())),
        registry_status: Set(MemberRegistryStatus::Undocumented.code().to_string()),
        details: Set(details),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(true)
}

/// Whether the proposal's family has moved out of the village it was proposed in.
async fn moved_away<C: ConnectionTrait>(db: &C, row: &proposals::Model) -> Result<bool, DbErr> {
    Ok(households::Entity::find_by_id(row.household_id)
        .one(db)
        .await?
        .is_none_or(|h| h.village_code != row.village_code))
}

/// Sets each matched member's civil-registry flag (and clears it for a member
/// the civil registry did not match); the count of members set.
async fn set_match_flags<C: ConnectionTrait>(
    db: &C,
    household_id: i64,
    civil: &CivilMatch,
) -> Result<u32, DbErr> {
    let ids: Vec<i64> = civil.members.iter().map(|m| m.member_id).collect();
    let rows = members::Entity::find()
        .filter(members::Column::HouseholdId.eq(household_id))
        .filter(members::Column::Id.is_in(ids))
        .all(db)
        .await?;
    let mut set = 0;
    for row in rows {
        let Some(outcome) = civil.outcome_of(row.id) else {
            continue;
        };
        let Ok(mut details) = serde_json::from_str::<MemberDetails>(&row.details) else {
            tracing::error!(
                member = row.id,
                "member details unreadable; match flag left"
            );
            continue;
        };
        // Only a member with a NIK can be matched (the member's own rule).
        let matched = outcome == MatchOutcome::Matched && row.nik_hash.is_some();
        if details.civil_registry_matched == matched {
            set += u32::from(matched);
            continue;
        }
        details.civil_registry_matched = matched;
        let json = serde_json::to_string(&details).map_err(|e| DbErr::Custom(e.to_string()))?;
        members::Entity::update_many()
            .col_expr(members::Column::Details, Expr::value(json))
            .col_expr(
                members::Column::Version,
                Expr::col(members::Column::Version).add(1),
            )
            .filter(members::Column::Id.eq(row.id))
            .exec(db)
            .await?;
        set += u32::from(matched);
    }
    Ok(set)
}

/// What a registry import did to the proposals sent to Kemensos.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Enactments {
    /// New-family proposals enacted because their family appears in the import.
    pub enacted: Vec<i64>,
    /// New-family proposals sent and still missing from the registry after it.
    pub still_missing: Vec<i64>,
}

/// Enacts every sent new-family proposal whose family (by No KK) appears in
/// import `import_id`, applying it like a manual enactment; inside the
/// import's transaction.
pub(crate) async fn enact_registered<C: ConnectionTrait>(
    db: &C,
    import_id: i64,
) -> Result<Enactments, DbErr> {
    let sent = proposals::Entity::find()
        .filter(proposals::Column::Stage.eq(ProposalStage::Submitted.code()))
        .filter(proposals::Column::Kind.eq(ProposalKind::NewFamily.code()))
        .all(db)
        .await?;
    let mut result = Enactments::default();
    if sent.is_empty() {
        return Ok(result);
    }
    let families = households::Entity::find()
        .filter(households::Column::Id.is_in(sent.iter().map(|p| p.household_id)))
        .all(db)
        .await?;
    let hashes: Vec<String> = families.iter().map(|h| h.kk_hash.clone()).collect();
    let released: std::collections::HashSet<String> = registry_families::Entity::find()
        .filter(registry_families::Column::ImportId.eq(import_id))
        .filter(registry_families::Column::KkHash.is_in(hashes))
        .all(db)
        .await?
        .into_iter()
        .map(|f| f.kk_hash)
        .collect();
    let appeared: Vec<&proposals::Model> = sent
        .iter()
        .filter(|p| {
            families
                .iter()
                .find(|h| h.id == p.household_id)
                .is_some_and(|h| released.contains(&h.kk_hash))
        })
        .collect();
    let ids: Vec<i64> = appeared.iter().map(|p| p.id).collect();
    let mut touch = super::stats::Touch::default();
    touch.note(db, super::stats::Kind::Proposal, &ids).await?;
    let households: Vec<i64> = appeared.iter().map(|p| p.household_id).collect();
    touch
        .note(db, super::stats::Kind::Household, &households)
        .await?;
    let now = Utc::now();
    let mut enacted = Vec::with_capacity(appeared.len());
    for proposal in &appeared {
        let moved = proposals::Entity::update_many()
            .col_expr(
                proposals::Column::Stage,
                Expr::value(ProposalStage::Enacted.code()),
            )
            .col_expr(proposals::Column::UpdatedAt, Expr::value(now))
            .col_expr(
                proposals::Column::Version,
                Expr::col(proposals::Column::Version).add(1),
            )
            .filter(proposals::Column::Id.eq(proposal.id))
            // Only as read: one refused or enacted by hand meanwhile is left.
            .filter(proposals::Column::Stage.eq(ProposalStage::Submitted.code()))
            .filter(proposals::Column::Version.eq(proposal.version))
            .exec(db)
            .await?;
        if moved.rows_affected != 1 {
            continue;
        }
        enacted.push(proposal.id);
        apply_enacted(db, proposal, Some(&ProposalChange::NewFamily)).await?;
        proposal_events::Entity::insert(proposal_events::ActiveModel {
            proposal_id: sea_orm::Set(proposal.id),
            at: sea_orm::Set(now),
            actor_user_id: sea_orm::Set(None),
            actor_role: sea_orm::Set(None),
            action: sea_orm::Set(ProposalAction::Enact.code().to_string()),
            from_state: sea_orm::Set(Some(ProposalStage::Submitted.code().to_string())),
            to_state: sea_orm::Set(ProposalStage::Enacted.code().to_string()),
            note: sea_orm::Set(Some(format!(
                "Keluarga muncul di data registri (impor nomor {import_id}). / The family appears in the registry (import {import_id})."
            ))),
            ..Default::default()
        })
        .exec(db)
        .await?;
    }
    touch.settle(db).await?;
    result.enacted = enacted;
    result.still_missing = sent
        .iter()
        .filter(|p| !result.enacted.contains(&p.id))
        .map(|p| p.id)
        .collect();
    Ok(result)
}
