//! Pecah KK: some members of a family take the new family card the civil
//! registry issued them. The new household gets its own No KK (sealed and
//! hashed like a registration), the chosen members move to it as they are
//! (same member records, so their NIK, referrals and history follow them),
//! one of them heads it, and both households record the event.
//!
//! The checks run before the write ([`check`]); the move itself runs inside
//! the caller's write ([`split_off`]), which has noted the old household for
//! the dashboard counters.

use chrono::{NaiveDate, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use shared::DomainError;
use shared::complaint::EvidenceDocument;
use shared::contract::{Actor, ServiceError};
use shared::dto::NewCard;
use shared::household::HouseholdEventKind;
use shared::member::Relationship;
use shared::proposal_change::ChangeProblem;

use super::db_failure;
use super::households::registry_for_kk_hash;
use super::numbering::is_unique_violation;
use super::rows::{stored_json, to_json};
use super::stats::Kind;
use super::write::Write;
use crate::entities::{household_events, households, members};
use crate::protect::{DataKey, IdKind};
use crate::records::HouseholdDetails;

/// A split as asked: the household, the members who go, their new card.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Split<'a> {
    pub from: &'a households::Model,
    pub member_ids: &'a [i64],
    pub card: &'a NewCard,
}

fn refused(problem: ChangeProblem) -> ServiceError {
    ServiceError::Invalid(DomainError::ProposalChange { problem })
}

/// Refuses a split that cannot be applied as asked: the head of the new card
/// not among those moving, a moving member no longer living in the family, or
/// a card number already on record.
pub(crate) async fn check<C: ConnectionTrait>(
    db: &C,
    key: &DataKey,
    split: &Split<'_>,
) -> Result<(), ServiceError> {
    let Split {
        from,
        member_ids,
        card,
    } = *split;
    if !member_ids.contains(&card.head_id) {
        return Err(refused(ChangeProblem::NewHeadNotMoving));
    }
    // The family as it is now, in one read: those who go and those who stay.
    let (moving, staying): (Vec<members::Model>, Vec<members::Model>) = members::Entity::find()
        .filter(members::Column::HouseholdId.eq(from.id))
        .all(db)
        .await
        .map_err(db_failure)?
        .into_iter()
        .partition(|m| member_ids.contains(&m.id));
    if moving.len() != member_ids.len() || !moving.iter().all(members::Model::is_living) {
        return Err(refused(ChangeProblem::SplitMemberGone));
    }
    // As when it was proposed: the head stays (a change of head enacted
    // since may have made one of those moving the head), and so does someone.
    let head = i16::from(Relationship::Head.number());
    if moving.iter().any(|m| m.relationship == head) {
        return Err(refused(ChangeProblem::HeadCannotLeave));
    }
    if !staying.iter().any(members::Model::is_living) {
        return Err(refused(ChangeProblem::SplitEveryone));
    }
    let hash = key.lookup_hash(IdKind::NoKk, &card.no_kk.as_str());
    let taken = households::Entity::find()
        .filter(households::Column::KkHash.eq(hash))
        .one(db)
        .await
        .map_err(db_failure)?;
    if taken.is_some() {
        return Err(ServiceError::DuplicateNoKk);
    }
    Ok(())
}

/// The old family's details as the new one starts with them: the house, not
/// its programmes (each card is enrolled on its own), its assets or its photo.
fn housing_only(details: &str) -> Result<String, ServiceError> {
    let old: HouseholdDetails = stored_json(details)?;
    to_json(&HouseholdDetails {
        housing: old.housing,
        assets: Vec::new(),
        programmes: Vec::new(),
        has_house_photo: false,
        // A house not surveyed yet is not surveyed for the new card either.
        awaiting_survey: old.awaiting_survey,
    })
}

/// Moves the split's members to a new household with its card, inside
/// `write`; returns the new household. `note` says what decided it (for the
/// events on both files).
pub(crate) async fn split_off(
    write: &mut Write,
    key: &DataKey,
    actor: &Actor,
    split: &Split<'_>,
    occurred_on: NaiveDate,
    note: &str,
) -> Result<households::Model, ServiceError> {
    let Split {
        from,
        member_ids,
        card,
    } = *split;
    let now = Utc::now();
    let no_kk = card.no_kk.as_str();
    let kk_hash = key.lookup_hash(IdKind::NoKk, &no_kk);
    let registry = registry_for_kk_hash(&*write, &kk_hash).await?;
    let head = members::Entity::find_by_id(card.head_id)
        .one(&*write)
        .await
        .map_err(db_failure)?
        .filter(|m| m.household_id == from.id)
        .ok_or_else(|| refused(ChangeProblem::SplitMemberGone))?;
    // The new family starts at the old address and housing: staff correct
    // them on its own file when it lives elsewhere.
    let inserted = households::ActiveModel {
        kk_hash: Set(kk_hash),
        kk_sealed: Set(key.seal(&no_kk)),
        kk_masked: Set(card.no_kk.masked()),
        head_name: Set(head.name.clone()),
        village_code: Set(from.village_code.clone()),
        dusun: Set(from.dusun.clone()),
        rw: Set(from.rw.clone()),
        rt: Set(from.rt.clone()),
        street: Set(from.street.clone()),
        registry_id: Set(registry.as_ref().map(|r| r.registry_id.clone())),
        desil: Set(registry.as_ref().map(|r| r.desil)),
        income_band: Set(from.income_band.clone()),
        details: Set(housing_only(&from.details)?),
        status: Set("active".to_string()),
        created_by: Set(Some(actor.user_id)),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
        ..Default::default()
    }
    .insert(&*write)
    .await;
    let household = match inserted {
        Ok(row) => row,
        Err(error) if is_unique_violation(&error) => return Err(ServiceError::DuplicateNoKk),
        Err(error) => return Err(db_failure(error)),
    };
    let moved = members::Entity::update_many()
        .col_expr(members::Column::HouseholdId, Expr::value(household.id))
        .col_expr(members::Column::UpdatedAt, Expr::value(now))
        .col_expr(
            members::Column::Version,
            Expr::col(members::Column::Version).add(1),
        )
        .filter(members::Column::HouseholdId.eq(from.id))
        .filter(members::Column::Id.is_in(member_ids.iter().copied()))
        .exec(&*write)
        .await
        .map_err(db_failure)?;
    // A member moved or removed since the check: nothing of this is kept.
    if usize::try_from(moved.rows_affected).ok() != Some(member_ids.len()) {
        return Err(ServiceError::Conflict);
    }
    members::Entity::update_many()
        .col_expr(
            members::Column::Relationship,
            Expr::value(i16::from(Relationship::Head.number())),
        )
        .filter(members::Column::Id.eq(head.id))
        .exec(&*write)
        .await
        .map_err(db_failure)?;
    households::Entity::update_many()
        .col_expr(households::Column::UpdatedAt, Expr::value(now))
        .col_expr(
            households::Column::Version,
            Expr::col(households::Column::Version).add(1),
        )
        .filter(households::Column::Id.eq(from.id))
        .exec(&*write)
        .await
        .map_err(db_failure)?;
    let event = |household_id: i64, text: String| household_events::ActiveModel {
        household_id: Set(household_id),
        kind: Set(HouseholdEventKind::SplitFamilyCard.code().to_string()),
        occurred_on: Set(occurred_on),
        document: Set(EvidenceDocument::Kk.code().to_string()),
        note: Set(Some(text)),
        from_village: Set(Some(from.village_code.clone())),
        to_village: Set(Some(from.village_code.clone())),
        recorded_by: Set(Some(actor.user_id)),
        recorded_at: Set(now),
        ..Default::default()
    };
    let count = member_ids.len();
    event(
        from.id,
        format!(
            "{count} anggota pindah ke KK baru {} ({note})",
            card.no_kk.masked()
        ),
    )
    .insert(&*write)
    .await
    .map_err(db_failure)?;
    event(
        household.id,
        format!(
            "Dipecah dari KK {} dengan {count} anggota ({note})",
            from.kk_masked
        ),
    )
    .insert(&*write)
    .await
    .map_err(db_failure)?;
    write.created(Kind::Household, household.id);
    Ok(household)
}
