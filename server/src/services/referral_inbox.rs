//! Reading the referral inbox: which referrals an actor may list (an
//! institution's own, or those issued in staff's area) with the inbox's
//! filters and order, and the inbox rows of a page of them, each table read
//! once per page (the inbox page, its export and a referral letter share it).

use std::collections::HashMap;

use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait,
    Select,
};
use shared::access::{Action, Target};
use shared::contract::{Actor, ServiceError};
use shared::dto::{CaseSort, ReferralFilter, ReferralInboxItem};
use shared::geo::AreaScope;
use shared::referral::ReferralState;
use shared::roles::Role;

use super::cases::referral_views;
use super::common::{Subject, authorize, in_zone, overdue, own_scope, today_in, within_scope};
use super::db_failure;
use super::export::Order;
use super::store::Store;
use crate::entities::{cases, complaints, households, members, referrals};

/// The referrals `actor` may list with `filter` (unordered), once the actor
/// may read them: an institution's staff those addressed to it, case staff
/// those of cases in their area.
pub(crate) async fn inbox_query(
    db: &Store,
    actor: &Actor,
    filter: &ReferralFilter,
) -> Result<Select<referrals::Entity>, ServiceError> {
    let mut query = referrals::Entity::find();
    if actor.role == Role::ReceivingInstitution {
        let Some(institution) = actor.institution_id else {
            authorize(
                db,
                actor,
                Action::ViewReferral,
                &Target::area(AreaScope::National),
                Subject::kind("referral_list"),
            )
            .await?;
            return Err(ServiceError::Forbidden);
        };
        query = query.filter(referrals::Column::InstitutionId.eq(institution));
    } else {
        let scope = own_scope(actor)?;
        authorize(
            db,
            actor,
            Action::ViewReferral,
            &Target::area(scope.clone()),
            Subject::kind("referral_list"),
        )
        .await?;
        let case_ids = within_scope(cases::Entity::find(), cases::Column::VillageCode, &scope)
            .select_only()
            .column(cases::Column::Id)
            .into_query();
        query = query.filter(referrals::Column::CaseId.in_subquery(case_ids));
    }
    if !filter.states.is_empty() {
        query =
            query.filter(referrals::Column::State.is_in(filter.states.iter().map(|s| s.code())));
    }
    let search = filter.search.trim();
    if !search.is_empty() {
        query = query.filter(
            sea_orm::Condition::any()
                .add(referrals::Column::Number.eq(search))
                .add(referrals::Column::VerificationCode.eq(search.to_uppercase())),
        );
    }
    if filter.overdue_only {
        let open: Vec<&str> = ReferralState::ALL
            .iter()
            .filter(|s| s.is_open())
            .map(|s| s.code())
            .collect();
        query = query
            .filter(overdue(referrals::Column::DueOn, |zone| {
                let cases_in_zone = cases::Entity::find()
                    .filter(in_zone(cases::Column::VillageCode, zone))
                    .select_only()
                    .column(cases::Column::Id)
                    .into_query();
                sea_orm::Condition::all().add(referrals::Column::CaseId.in_subquery(cases_in_zone))
            }))
            .filter(referrals::Column::State.is_in(open));
    }
    Ok(query)
}

/// `query` in the inbox's `sort`.
pub(crate) fn ordered(
    query: Select<referrals::Entity>,
    sort: CaseSort,
) -> Select<referrals::Entity> {
    match sort {
        CaseSort::DueFirst => query
            .order_by_asc(referrals::Column::DueOn)
            .order_by_asc(referrals::Column::Id),
        CaseSort::NewestFirst => query.order_by_desc(referrals::Column::Id),
        CaseSort::OldestFirst => query.order_by_asc(referrals::Column::Id),
    }
}

/// The inbox's `sort`, for walking it page by page.
pub(crate) fn order(sort: CaseSort) -> Order<referrals::Entity> {
    match sort {
        CaseSort::DueFirst => Order {
            cursor: |query| query.cursor_by((referrals::Column::DueOn, referrals::Column::Id)),
            descending: false,
            key: |row| (row.due_on, row.id).into(),
        },
        CaseSort::NewestFirst => Order {
            cursor: |query| query.cursor_by(referrals::Column::Id),
            descending: true,
            key: |row| row.id.into(),
        },
        CaseSort::OldestFirst => Order {
            cursor: |query| query.cursor_by(referrals::Column::Id),
            descending: false,
            key: |row| row.id.into(),
        },
    }
}

/// The inbox rows of `rows` (each with its case): the resident, the village,
/// the need (the complaint named, else the case's first) and the member named.
pub(crate) async fn inbox_items<C: ConnectionTrait>(
    db: &C,
    rows: &[referrals::Model],
) -> Result<Vec<(ReferralInboxItem, cases::Model)>, ServiceError> {
    let views = referral_views(db, rows).await?;
    let case_rows: HashMap<i64, cases::Model> = cases::Entity::find()
        .filter(cases::Column::Id.is_in(rows.iter().map(|r| r.case_id)))
        .all(db)
        .await
        .map_err(db_failure)?
        .into_iter()
        .map(|case| (case.id, case))
        .collect();
    let heads: HashMap<i64, String> = households::Entity::find()
        .filter(households::Column::Id.is_in(case_rows.values().map(|c| c.household_id)))
        .all(db)
        .await
        .map_err(db_failure)?
        .into_iter()
        .map(|household| (household.id, household.head_name))
        .collect();
    let village_names =
        super::auth::area_names(db, case_rows.values().map(|c| c.village_code.clone())).await?;
    let named: HashMap<i64, String> = complaints::Entity::find()
        .filter(complaints::Column::Id.is_in(rows.iter().filter_map(|r| r.complaint_id)))
        .all(db)
        .await
        .map_err(db_failure)?
        .into_iter()
        .map(|complaint| (complaint.id, complaint.description))
        .collect();
    let mut first_need: HashMap<i64, String> = HashMap::new();
    for complaint in complaints::Entity::find()
        .filter(
            complaints::Column::CaseId.is_in(
                rows.iter()
                    .filter(|r| r.complaint_id.is_none())
                    .map(|r| r.case_id),
            ),
        )
        .order_by_asc(complaints::Column::Id)
        .all(db)
        .await
        .map_err(db_failure)?
    {
        first_need
            .entry(complaint.case_id)
            .or_insert(complaint.description);
    }
    let member_names: HashMap<i64, String> = members::Entity::find()
        .filter(members::Column::Id.is_in(rows.iter().filter_map(|r| r.member_id)))
        .all(db)
        .await
        .map_err(db_failure)?
        .into_iter()
        .map(|member| (member.id, member.name))
        .collect();
    let mut items = Vec::with_capacity(rows.len());
    for (row, view) in rows.iter().zip(views) {
        let case = case_rows
            .get(&row.case_id)
            .cloned()
            .ok_or(ServiceError::Internal)?;
        let resident_name = heads
            .get(&case.household_id)
            .cloned()
            .ok_or(ServiceError::Internal)?;
        let need = match row.complaint_id {
            Some(id) => named.get(&id).cloned(),
            None => first_need.get(&case.id).cloned(),
        }
        .unwrap_or_default();
        let overdue = view.state.is_open() && view.deadline.due < today_in(&case.village_code);
        let item = ReferralInboxItem {
            overdue,
            referral: view,
            case_id: case.id,
            case_number: case.number.clone(),
            resident_name,
            member_name: row.member_id.and_then(|id| member_names.get(&id).cloned()),
            village_name: village_names
                .get(&case.village_code)
                .cloned()
                .unwrap_or_default(),
            need,
        };
        items.push((item, case));
    }
    Ok(items)
}
