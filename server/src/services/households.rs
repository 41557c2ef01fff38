//! Households and members: front-desk lookup by NIK / No KK, registration,
//! the household file, changes with optimistic concurrency, revealing a whole
//! identity number, and household events (move, split, death, duplicate).

pub(crate) mod duplicates;
mod life_events;
pub(crate) mod words;

use std::collections::HashMap;

use async_trait::async_trait;
use chrono::Utc;
use sea_orm::sea_query::{Expr, ExprTrait, Func, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use shared::DomainError;
use shared::access::{Action, Target};
use shared::contract::{Actor, HouseholdService, ServiceError};
use shared::dto::{
    Created, HouseholdFile, HouseholdFilter, HouseholdRow, IdentityLookup, IdentityQuery,
    MemberFile, MemberSpecifics, Page, RegisterHousehold, RegistryCheck, TimelineItem,
    TimelineWhat, UpdateHousehold, UpdateMember,
};
use shared::export::ExportRows;
use shared::geo::{Address, AreaCode, AreaScope};
use shared::household::{
    Desil, Household, IncomeBand, RegistryId, RegistryRecord, RegistrySource, check_members,
};
use shared::identity::{Nik, NoKk, Sex};
use shared::member::{Member, MemberRegistryStatus, Relationship};
use shared::programme::ProgrammeKind;

use super::common::{
    Subject, audit_list_read, authorize, check_version, diff, earlier_result, entry, fetch_page,
    own_scope, stored_area, today_in, within_scope,
};
use super::export::{self, Order};
use super::numbering::is_unique_violation;
use super::rows::{stored, stored_json, to_json};
use super::stats::Kind;
use super::store::Store;
use super::write::{load, load_in_area};
use super::{cases, db_failure};
use crate::entities::cases as case_rows;
use crate::entities::proposals as proposal_rows;
use crate::entities::{
    areas, household_events, households, members, registry_families, registry_people,
};
use crate::protect::{DataKey, IdKind};
use crate::records::{HouseholdDetails, MemberDetails};

/// [`HouseholdService`] on the portal database.
pub struct DbHouseholdService {
    db: Store,
    key: DataKey,
    limits: std::sync::Arc<super::lookup_limit::LookupLimits>,
    /// Rows an export reads at once.
    export_page_rows: u64,
}

/// A failed insert of a registration: a unique-key clash is `clash` (the
/// family stored meanwhile), anything else a failure of the database.
fn clash_or_failure(
    error: sea_orm::DbErr,
    clash: ServiceError,
) -> Result<ServiceError, ServiceError> {
    if is_unique_violation(&error) {
        Ok(clash)
    } else {
        Err(db_failure(error))
    }
}

impl DbHouseholdService {
    /// The answer to a registration that clashed with one stored meanwhile: the
    /// household this user's request with `key` registered (a resend), or `clash`.
    async fn registered_meanwhile(
        &self,
        actor: &Actor,
        key: &str,
        clash: ServiceError,
    ) -> Result<Created, ServiceError> {
        match earlier_result(&self.db, actor, key, "household").await? {
            Some(id) => Ok(Created { id }),
            None => Err(clash),
        }
    }

    pub fn new(
        db: Store,
        key: DataKey,
        limits: super::lookup_limit::LookupLimits,
        export_page_rows: u64,
    ) -> Self {
        DbHouseholdService {
            db,
            key,
            limits: std::sync::Arc::new(limits),
            export_page_rows,
        }
    }

    /// The name of the area a front desk outside `scope` is told about for a
    /// record in `village`: the district, or the sub-district when the caller works
    /// in the same district (a village desk sending a resident to the next kecamatan).
    async fn area_to_refer_to(
        &self,
        scope: &AreaScope,
        village: &str,
    ) -> Result<Option<String>, ServiceError> {
        let Ok(village) = AreaCode::parse(village) else {
            return Ok(None);
        };
        let district = village.ancestor_at(shared::geo::AreaLevel::District);
        let same_district = match (scope, &district) {
            (AreaScope::Area(own), Some(district)) => {
                own.ancestor_at(shared::geo::AreaLevel::District).as_ref() == Some(district)
            }
            _ => false,
        };
        let named = if same_district {
            village.ancestor_at(shared::geo::AreaLevel::SubDistrict)
        } else {
            district
        };
        let Some(named) = named else {
            return Ok(None);
        };
        let code = named.to_string();
        let names = super::auth::area_names(&self.db, [code.clone()]).await?;
        Ok(names.get(&code).cloned())
    }
}

/// Whether a stored village code lies inside `scope` (a damaged code does not).
fn within(scope: &AreaScope, village: &str) -> bool {
    AreaCode::parse(village)
        .map(|code| scope.contains_code(&code))
        .unwrap_or(false)
}

/// The household's address from its columns.
pub(crate) fn address_of(row: &households::Model) -> Result<Address, ServiceError> {
    let text = |value: &Option<String>| value.clone().unwrap_or_default();
    Address::parse(
        &row.village_code,
        &text(&row.dusun),
        &text(&row.rw),
        &text(&row.rt),
        &text(&row.street),
    )
    .map_err(|error| {
        tracing::error!(household = row.id, error = %error.message_en(), "damaged address in the database");
        ServiceError::Internal
    })
}

pub(crate) fn number_text(value: Option<shared::geo::NeighbourhoodNumber>) -> Option<String> {
    value.map(|n| n.get().to_string())
}

fn member_details(member: &Member) -> MemberDetails {
    MemberDetails {
        birth_place: member.birth_place.clone(),
        marital_status: member.marital_status,
        education: member.education,
        occupation: member.occupation,
        disabilities: member.disabilities.clone(),
        chronic_illnesses: member.chronic_illnesses.clone(),
        pregnant: member.pregnant,
        ppks: member.ppks.clone(),
        civil_registry_matched: member.civil_registry_matched,
        awaiting_survey: false,
    }
}

/// Member fields whose change the audit records without the values: the NIK
/// and the specific personal data (the audit log has readers of its own).
const SECRET_MEMBER_FIELDS: &[&str] = &[
    "nik",
    "disabilities",
    "chronic_illnesses",
    "pregnant",
    "ppks",
];

/// 1 January of `date`'s year: a birth date for a role that may know only the year.
fn year_only(date: chrono::NaiveDate) -> chrono::NaiveDate {
    use chrono::Datelike;
    chrono::NaiveDate::from_ymd_opt(date.year(), 1, 1).unwrap_or(date)
}

/// The member as stored, without its NIK.
pub(crate) fn member_of(row: &members::Model) -> Result<Member, ServiceError> {
    let details: MemberDetails = stored_json(&row.details)?;
    Ok(Member {
        nik: None,
        name: row.name.clone(),
        sex: stored::<Sex>(&row.sex)?,
        birth_place: details.birth_place,
        birth_date: row.birth_date,
        relationship: Relationship::from_number(u8::try_from(row.relationship).unwrap_or(0))
            .map_err(|_| ServiceError::Internal)?,
        marital_status: details.marital_status,
        education: details.education,
        occupation: details.occupation,
        disabilities: details.disabilities,
        chronic_illnesses: details.chronic_illnesses,
        pregnant: details.pregnant,
        ppks: details.ppks,
        civil_registry_matched: details.civil_registry_matched,
        registry_status: stored::<MemberRegistryStatus>(&row.registry_status)?,
    })
}

/// The registry record of a stored registry family.
pub(crate) fn registry_record(
    row: &registry_families::Model,
) -> Result<RegistryRecord, ServiceError> {
    let codes: Vec<String> = stored_json(&row.programmes)?;
    Ok(RegistryRecord {
        registry_id: RegistryId::parse(&row.registry_id).map_err(|_| ServiceError::Internal)?,
        source: stored::<RegistrySource>(&row.source)?,
        desil: Desil::new(u8::try_from(row.desil).unwrap_or(0))
            .map_err(|_| ServiceError::Internal)?,
        programmes: codes
            .iter()
            .filter_map(|code| ProgrammeKind::from_code(code))
            .collect(),
    })
}

/// The registry family with this registry id, if the registry holds it.
pub(crate) async fn registry_family<C: sea_orm::ConnectionTrait>(
    db: &C,
    registry_id: &str,
) -> Result<Option<registry_families::Model>, ServiceError> {
    registry_families::Entity::find_by_id(registry_id.to_string())
        .one(db)
        .await
        .map_err(db_failure)
}

/// The registry family whose No KK has this keyed hash, if any.
pub(crate) async fn registry_for_kk_hash<C: sea_orm::ConnectionTrait>(
    db: &C,
    kk_hash: &str,
) -> Result<Option<registry_families::Model>, ServiceError> {
    registry_families::Entity::find()
        .filter(registry_families::Column::KkHash.eq(kk_hash))
        .one(db)
        .await
        .map_err(db_failure)
}

/// A NIK as stored: keyed hash, sealed copy, masked form.
struct ProtectedNik {
    hash: Option<String>,
    sealed: Option<String>,
    masked: Option<String>,
}

fn protect_nik(key: &DataKey, nik: Option<&Nik>) -> ProtectedNik {
    ProtectedNik {
        hash: nik.map(|n| key.lookup_hash(IdKind::Nik, &n.as_str())),
        sealed: nik.map(|n| key.seal(&n.as_str())),
        masked: nik.map(Nik::masked),
    }
}

/// A record merged into another is read for its history only: any other
/// action is refused, naming the record to go on with.
pub(crate) fn open_for_work(row: &households::Model, action: Action) -> Result<(), ServiceError> {
    let reading = matches!(
        action,
        Action::ViewPersonalData | Action::ViewFullIdentity | Action::ViewSpecificData
    );
    match row.merged_into {
        Some(into) if !reading && row.status == households::MERGED => {
            Err(ServiceError::Invalid(DomainError::HouseholdMerged { into }))
        }
        _ => Ok(()),
    }
}

/// The sub-district of a village's code: its first three parts
/// (`32.09.01.2001` → `32.09.01`).
pub(crate) fn subdistrict_of(village_code: &str) -> String {
    village_code
        .split('.')
        .take(3)
        .collect::<Vec<_>>()
        .join(".")
}

/// Column values of a new member row of a household in `village_code`.
pub(crate) fn member_model(
    key: &DataKey,
    household_id: i64,
    village_code: &str,
    member: &Member,
) -> Result<members::ActiveModel, ServiceError> {
    let now = Utc::now();
    let nik = protect_nik(key, member.nik.as_ref());
    Ok(members::ActiveModel {
        household_id: Set(household_id),
        nik_hash: Set(nik.hash),
        nik_sealed: Set(nik.sealed),
        nik_masked: Set(nik.masked),
        name: Set(member.name.clone()),
        name_key: Set(Some(shared::names::search_key(&member.name))),
        subdistrict: Set(Some(subdistrict_of(village_code))),
        sex: Set(member.sex.code().to_string()),
        birth_date: Set(member.birth_date),
        relationship: Set(i16::from(member.relationship.number())),
        registry_status: Set(member.registry_status.code().to_string()),
        details: Set(to_json(&member_details(member))?),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
        ..Default::default()
    })
}

/// Column values of a new member row read from a list (a village's BNBA
/// list) that gives no marital status, education or occupation: they stand
/// in, marked, until the member's data is edited.
pub(crate) fn listed_member_model(
    key: &DataKey,
    household_id: i64,
    village_code: &str,
    member: &Member,
) -> Result<members::ActiveModel, ServiceError> {
    let mut row = member_model(key, household_id, village_code, member)?;
    row.details = Set(to_json(&MemberDetails {
        awaiting_survey: true,
        ..member_details(member)
    })?);
    Ok(row)
}

/// A member's NIK must not already belong to a living member of another household,
/// unless the member is recorded as a duplicate (ganda).
pub(crate) async fn check_nik_free<C: sea_orm::ConnectionTrait>(
    db: &C,
    key: &DataKey,
    member: &Member,
    except_member: Option<i64>,
) -> Result<(), ServiceError> {
    let Some(nik) = &member.nik else {
        return Ok(());
    };
    if member.registry_status == MemberRegistryStatus::Duplicate {
        return Ok(());
    }
    let mut query = members::Entity::find()
        .filter(members::Column::NikHash.eq(key.lookup_hash(IdKind::Nik, &nik.as_str())))
        .filter(members::Column::RegistryStatus.ne(MemberRegistryStatus::Duplicate.code()))
        .filter(members::Column::RegistryStatus.ne(MemberRegistryStatus::Deceased.code()))
        // Someone who moved out of one family may join another.
        .filter(members::Column::RegistryStatus.ne(MemberRegistryStatus::MovedOut.code()));
    if let Some(id) = except_member {
        query = query.filter(members::Column::Id.ne(id));
    }
    if query.one(db).await.map_err(db_failure)?.is_some() {
        Err(ServiceError::DuplicateNik)
    } else {
        Ok(())
    }
}

impl DbHouseholdService {
    /// Loads a household and checks `action` on its village.
    async fn authorized_household(
        &self,
        actor: &Actor,
        action: Action,
        id: i64,
    ) -> Result<(households::Model, AreaCode), ServiceError> {
        let subject = Subject::new("household", id);
        let (row, village) =
            load_in_area::<households::Entity>(&self.db, actor, action, id, subject).await?;
        open_for_work(&row, action)?;
        Ok((row, village))
    }

    /// The village a registration is for, once the actor may register there.
    pub(crate) async fn registering_in(
        &self,
        actor: &Actor,
        request: &RegisterHousehold,
    ) -> Result<AreaCode, ServiceError> {
        let village = request.household.address.village.clone();
        authorize(
            &self.db,
            actor,
            Action::RegisterHousehold,
            &Target::area(village.clone()),
            Subject::kind("household"),
        )
        .await?;
        Ok(village)
    }

    /// The data key identity numbers are protected with.
    pub(crate) fn key(&self) -> &DataKey {
        &self.key
    }

    /// The file of household `row`, for a caller who was allowed to see it (or
    /// to act on it, as a proposal is checked against it); not audited here.
    /// Birth dates are whole only when `birth_date_exact`; the timeline is
    /// left empty (only the household page reads it, see `file`).
    pub(crate) async fn file_of(
        &self,
        row: households::Model,
        birth_date_exact: bool,
    ) -> Result<HouseholdFile, ServiceError> {
        let household_id = row.id;
        let details: HouseholdDetails = stored_json(&row.details)?;
        let today = today_in(&row.village_code);
        let mut member_files = Vec::new();
        for member in self.household_members(household_id).await? {
            let mut data = member_of(&member)?;
            let member_awaits = stored_json::<MemberDetails>(&member.details)?.awaiting_survey;
            // Specific personal data has its own audited request.
            data.disabilities.clear();
            data.chronic_illnesses.clear();
            data.pregnant = false;
            data.ppks.clear();
            let mut age = data.age_on(today);
            if !birth_date_exact {
                // From the year alone: an age that turns on the real birthday
                // would tell the day to whoever looks each morning.
                use chrono::Datelike;
                data.birth_date = year_only(data.birth_date);
                age = u32::try_from(today.year() - data.birth_date.year()).unwrap_or(0);
            }
            member_files.push(MemberFile {
                id: member.id,
                version: member.version,
                nik_masked: member.nik_masked.clone(),
                member: data,
                age,
                birth_date_exact,
                awaiting_survey: member_awaits,
            });
        }
        let registry = match &row.registry_id {
            Some(id) => registry_family(&self.db, id)
                .await?
                .map(|family| registry_record(&family))
                .transpose()?,
            None => None,
        };
        let village_name = areas::Entity::find_by_id(row.village_code.clone())
            .one(&self.db)
            .await
            .map_err(db_failure)?
            .map(|area| area.name)
            .unwrap_or_default();
        let cases = cases::summaries_for_household(&self.db, household_id).await?;
        Ok(HouseholdFile {
            id: row.id,
            version: row.version,
            no_kk_masked: row.kk_masked.clone(),
            head_name: row.head_name.clone(),
            address: address_of(&row)?,
            village_name,
            registry,
            housing: details.housing,
            assets: details.assets,
            income_band: stored::<IncomeBand>(&row.income_band)?,
            programmes: details.programmes,
            has_house_photo: details.has_house_photo,
            members: member_files,
            cases,
            // The household page's own: `file` reads it.
            timeline: Vec::new(),
            merged_into: row.merged_into,
            awaiting_survey: details.awaiting_survey,
        })
    }

    /// The household's events, cases and proposals, newest first.
    async fn timeline(
        &self,
        household_id: i64,
        cases: &[shared::dto::CaseSummary],
    ) -> Result<Vec<TimelineItem>, ServiceError> {
        let mut items: Vec<(chrono::DateTime<Utc>, TimelineItem)> = Vec::new();
        for event in household_events::Entity::find()
            .filter(household_events::Column::HouseholdId.eq(household_id))
            .all(&self.db)
            .await
            .map_err(db_failure)?
        {
            items.push((
                event.recorded_at,
                TimelineItem {
                    date: event.occurred_on,
                    what: TimelineWhat::Event(stored(&event.kind)?),
                    text: event.note.unwrap_or_default(),
                },
            ));
        }
        for case in cases {
            let opened = case
                .opened_on
                .and_hms_opt(0, 0, 0)
                .map(|at| at.and_utc())
                .unwrap_or_default();
            items.push((
                opened,
                TimelineItem {
                    date: case.opened_on,
                    what: TimelineWhat::Case(case.id, case.number.clone(), case.status.state),
                    text: String::new(),
                },
            ));
        }
        for proposal in proposal_rows::Entity::find()
            .filter(proposal_rows::Column::HouseholdId.eq(household_id))
            .all(&self.db)
            .await
            .map_err(db_failure)?
        {
            let zone = shared::clock::Zone::of_area(&proposal.village_code);
            items.push((
                proposal.created_at,
                TimelineItem {
                    date: zone.today(proposal.created_at),
                    what: TimelineWhat::Proposal(
                        proposal.id,
                        stored(&proposal.kind)?,
                        stored(&proposal.stage)?,
                    ),
                    text: String::new(),
                },
            ));
        }
        // Newest first by the day it happened, then by when it was written.
        items.sort_by_key(|(at, item)| std::cmp::Reverse((item.date, *at)));
        Ok(items.into_iter().map(|(_, item)| item).collect())
    }

    /// The household's members, head first.
    pub(crate) async fn household_members(
        &self,
        household_id: i64,
    ) -> Result<Vec<members::Model>, ServiceError> {
        members::Entity::find()
            .filter(members::Column::HouseholdId.eq(household_id))
            .order_by_asc(members::Column::Relationship)
            .order_by_asc(members::Column::Id)
            .all(&self.db)
            .await
            .map_err(db_failure)
    }

    /// List rows of `list` (see [`household_rows`]).
    async fn rows_for(
        &self,
        list: Vec<households::Model>,
    ) -> Result<Vec<HouseholdRow>, ServiceError> {
        household_rows(&self.db, list).await
    }

    /// The filtered query of a household list, after checking the actor may read the area.
    /// Narrows `query` to the households `typed` finds, read as staff type
    /// it ([`shared::names::read_search`]): a NIK or No KK, a case or referral
    /// number, an RT/RW, or a member's name (any member, words in any order,
    /// spelling variants alike, or the head's name as typed).
    fn searched(
        &self,
        query: sea_orm::Select<households::Entity>,
        typed: &str,
    ) -> sea_orm::Select<households::Entity> {
        use sea_orm::Condition;
        use shared::names::Search;
        let members_where = |condition: Condition| {
            households::Column::Id.in_subquery(
                Query::select()
                    .column(members::Column::HouseholdId)
                    .from(members::Entity)
                    .cond_where(condition)
                    .to_owned(),
            )
        };
        let Some(search) = shared::names::read_search(typed) else {
            return query;
        };
        let head_contains = Expr::expr(Func::lower(Expr::col(households::Column::HeadName)))
            .like(super::accounts::like_contains(typed));
        match search {
            Search::IdNumber(digits) => query.filter(
                Condition::any()
                    .add(households::Column::KkHash.eq(self.key.lookup_hash(IdKind::NoKk, &digits)))
                    .add(members_where(Condition::all().add(
                        members::Column::NikHash.eq(self.key.lookup_hash(IdKind::Nik, &digits)),
                    ))),
            ),
            Search::RecordNumber(number) => {
                let referral_cases = Query::select()
                    .column(crate::entities::referrals::Column::CaseId)
                    .from(crate::entities::referrals::Entity)
                    .and_where(
                        Expr::expr(Func::upper(Expr::col(
                            crate::entities::referrals::Column::Number,
                        )))
                        .eq(number.clone()),
                    )
                    .to_owned();
                query.filter(
                    households::Column::Id.in_subquery(
                        Query::select()
                            .column(case_rows::Column::HouseholdId)
                            .from(case_rows::Entity)
                            .cond_where(
                                Condition::any()
                                    .add(
                                        Expr::expr(Func::upper(Expr::col(
                                            case_rows::Column::Number,
                                        )))
                                        .eq(number),
                                    )
                                    .add(case_rows::Column::Id.in_subquery(referral_cases)),
                            )
                            .to_owned(),
                    ),
                )
            }
            Search::Neighbourhood { rt, rw } => {
                // Stored as `number_text` writes them: the number without zeros before it.
                let stored = |n: u16| n.to_string();
                let mut query = query;
                if let Some(rt) = rt {
                    query = query.filter(households::Column::Rt.eq(stored(rt)));
                }
                if let Some(rw) = rw {
                    query = query.filter(households::Column::Rw.eq(stored(rw)));
                }
                query
            }
            Search::Name(keys) => {
                // Every word typed begins a word of the same member's name.
                let mut words = Condition::all();
                for key in &keys {
                    words = words.add(members::Column::NameKey.like(format!("% {key}%")));
                }
                query.filter(
                    Condition::any()
                        .add(members_where(words))
                        .add(head_contains),
                )
            }
            Search::Literal(_) => query.filter(head_contains),
        }
    }

    async fn household_query(
        &self,
        actor: &Actor,
        filter: &HouseholdFilter,
    ) -> Result<(sea_orm::Select<households::Entity>, AreaScope), ServiceError> {
        let scope = match &filter.area {
            Some(area) => AreaScope::Area(area.clone()),
            None => own_scope(actor)?,
        };
        authorize(
            &self.db,
            actor,
            Action::ViewPersonalData,
            &Target::area(scope.clone()),
            Subject::kind("household_list"),
        )
        .await?;
        let mut query = within_scope(
            households::Entity::find(),
            households::Column::VillageCode,
            &scope,
        )
        // A record merged into another is reached through that one.
        .filter(households::Column::Status.ne(households::MERGED));
        if let Some(typed) = filter.search.as_deref() {
            query = self.searched(query, typed);
        }
        match filter.in_registry {
            Some(true) => query = query.filter(households::Column::RegistryId.is_not_null()),
            Some(false) => query = query.filter(households::Column::RegistryId.is_null()),
            None => {}
        }
        if let Some(desil) = filter.desil {
            query = query.filter(households::Column::Desil.eq(i16::from(desil)));
        }
        if filter.open_case_only {
            query = query.filter(
                households::Column::Id.in_subquery(
                    Query::select()
                        .column(case_rows::Column::HouseholdId)
                        .from(case_rows::Entity)
                        .and_where(case_rows::Column::State.is_not_in(cases::finished_codes()))
                        .to_owned(),
                ),
            );
        }
        let query = query
            .order_by_asc(households::Column::HeadName)
            .order_by_asc(households::Column::Id);
        Ok((query, scope))
    }
}

/// List rows of `list`: village names and member counts in one query each.
async fn household_rows<C: ConnectionTrait>(
    db: &C,
    list: Vec<households::Model>,
) -> Result<Vec<HouseholdRow>, ServiceError> {
    let mut villages: Vec<String> = list.iter().map(|h| h.village_code.clone()).collect();
    villages.sort();
    villages.dedup();
    let names = super::auth::area_names(db, villages).await?;
    let ids: Vec<i64> = list.iter().map(|h| h.id).collect();
    let counts: HashMap<i64, i64> = members::Entity::find()
        .select_only()
        .column(members::Column::HouseholdId)
        .column_as(members::Column::Id.count(), "count")
        .filter(members::Column::HouseholdId.is_in(ids))
        .group_by(members::Column::HouseholdId)
        .into_tuple::<(i64, i64)>()
        .all(db)
        .await
        .map_err(db_failure)?
        .into_iter()
        .collect();
    let mut rows = Vec::with_capacity(list.len());
    for household in list {
        rows.push(HouseholdRow {
            id: household.id,
            no_kk_masked: household.kk_masked.clone(),
            head_name: household.head_name.clone(),
            village: stored_area(&household.village_code)?,
            village_name: names
                .get(&household.village_code)
                .cloned()
                .unwrap_or_default(),
            desil: household
                .desil
                .and_then(|d| Desil::new(u8::try_from(d).ok()?).ok()),
            member_count: counts
                .get(&household.id)
                .and_then(|c| u32::try_from(*c).ok())
                .unwrap_or(0),
        });
    }
    Ok(rows)
}

#[async_trait]
impl HouseholdService for DbHouseholdService {
    async fn lookup(
        &self,
        actor: &Actor,
        query: IdentityQuery,
    ) -> Result<IdentityLookup, ServiceError> {
        let scope = own_scope(actor)?;
        authorize(
            &self.db,
            actor,
            Action::ViewPersonalData,
            &Target::area(scope.clone()),
            Subject::kind("identity_lookup"),
        )
        .await?;
        self.limits.take(&self.db, actor, "identity_lookup").await?;
        let (kind, found, registry) = match &query {
            IdentityQuery::Nik(nik) => {
                let hash = self.key.lookup_hash(IdKind::Nik, &nik.as_str());
                let member_rows = members::Entity::find()
                    .filter(members::Column::NikHash.eq(hash.clone()))
                    .all(&self.db)
                    .await
                    .map_err(db_failure)?;
                let ids: Vec<i64> = member_rows.iter().map(|m| m.household_id).collect();
                let found = households::Entity::find()
                    .filter(households::Column::Id.is_in(ids))
                    .all(&self.db)
                    .await
                    .map_err(db_failure)?;
                let person = registry_people::Entity::find()
                    .filter(registry_people::Column::NikHash.eq(hash))
                    .one(&self.db)
                    .await
                    .map_err(db_failure)?;
                let registry = match person {
                    Some(person) => registry_family(&self.db, &person.registry_id).await?,
                    None => None,
                };
                ("nik", found, registry)
            }
            IdentityQuery::NoKk(kk) => {
                let hash = self.key.lookup_hash(IdKind::NoKk, &kk.as_str());
                let found = households::Entity::find()
                    .filter(households::Column::KkHash.eq(hash.clone()))
                    .all(&self.db)
                    .await
                    .map_err(db_failure)?;
                ("no_kk", found, registry_for_kk_hash(&self.db, &hash).await?)
            }
        };
        let (inside, outside): (Vec<_>, Vec<_>) = found
            .into_iter()
            .partition(|household| within(&scope, &household.village_code));
        // A lookup answers what the front desk needs to act: the registry record of a
        // family in the caller's area; of one elsewhere only where to send the resident.
        let registry = match registry {
            Some(row) if within(&scope, &row.village_code) => RegistryCheck::Found {
                record: registry_record(&row)?,
            },
            Some(row) => RegistryCheck::OtherArea {
                district_name: self
                    .area_to_refer_to(&scope, &row.village_code)
                    .await?
                    .unwrap_or_default(),
            },
            None => RegistryCheck::NotFound,
        };
        let elsewhere_area = match outside.first() {
            Some(household) => {
                self.area_to_refer_to(&scope, &household.village_code)
                    .await?
            }
            None => None,
        };
        let households = self.rows_for(inside).await?;
        let mut audit = entry(actor, "lookup_identity", Subject::kind("household"), None);
        audit.detail = Some(format!(
            "kind={kind}; households_in_area={}; elsewhere={}; in_registry={}",
            households.len(),
            outside.len(),
            matches!(registry, RegistryCheck::Found { .. })
        ));
        self.db.audit_ok(audit).await?;
        Ok(IdentityLookup {
            households,
            registered_elsewhere: !outside.is_empty(),
            elsewhere_area,
            registry,
        })
    }

    async fn list(
        &self,
        actor: &Actor,
        filter: HouseholdFilter,
    ) -> Result<Page<HouseholdRow>, ServiceError> {
        let (query, scope) = self.household_query(actor, &filter).await?;
        let Page {
            items: rows,
            total,
            page,
            per_page,
        } = fetch_page(&self.db, query, filter.page, filter.per_page).await?;
        let items = self.rows_for(rows).await?;
        let detail = format!("page={page}; rows={}; total={total}", items.len());
        audit_list_read(
            &self.db,
            actor,
            "list_households",
            "household",
            &scope,
            detail,
        )
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
        filter: HouseholdFilter,
    ) -> Result<ExportRows<HouseholdRow>, ServiceError> {
        let (query, scope) = self.household_query(actor, &filter).await?;
        let db = self.db.clone();
        // The list's order: by the head's name, the id breaking ties.
        let order = Order::<households::Entity> {
            cursor: |query| query.cursor_by((households::Column::HeadName, households::Column::Id)),
            descending: false,
            key: |row| (row.head_name.clone(), row.id).into(),
        };
        let opened = export::open(
            &self.db,
            query,
            households::Column::Id,
            order,
            self.export_page_rows,
            export::rows_of(move |rows| {
                let db = db.clone();
                async move { household_rows(&db, rows).await }
            }),
        )
        .await?;
        let detail = format!("household list export; rows={}", opened.0);
        audit_list_read(&self.db, actor, "export", "household", &scope, detail).await?;
        let area = export::area_name(&self.db, actor, &scope).await?;
        Ok(export::rows(area, opened))
    }

    async fn register(
        &self,
        actor: &Actor,
        request: RegisterHousehold,
    ) -> Result<Created, ServiceError> {
        let village = self.registering_in(actor, &request).await?;
        if let Some(id) =
            earlier_result(&self.db, actor, &request.idempotency_key, "household").await?
        {
            return Ok(Created { id });
        }
        let household = request.household.validated()?;
        let today = today_in(household.address.village.as_str());
        let members = request
            .members
            .into_iter()
            .map(|member| member.validated(today))
            .collect::<Result<Vec<_>, DomainError>>()?;
        check_members(&members)?;
        if areas::Entity::find_by_id(village.as_str().to_string())
            .one(&self.db)
            .await
            .map_err(db_failure)?
            .is_none()
        {
            return Err(ServiceError::NotFound);
        }
        let kk_hash = self
            .key
            .lookup_hash(IdKind::NoKk, &household.no_kk.as_str());
        let duplicate = households::Entity::find()
            .filter(households::Column::KkHash.eq(kk_hash.clone()))
            .one(&self.db)
            .await
            .map_err(db_failure)?;
        // A family already on record may be this very request, stored by an
        // earlier try whose answer was lost: then that is the answer.
        if duplicate.is_some() {
            return self
                .registered_meanwhile(actor, &request.idempotency_key, ServiceError::DuplicateNoKk)
                .await;
        }
        for member in &members {
            match check_nik_free(&self.db, &self.key, member, None).await {
                Err(ServiceError::DuplicateNik) => {
                    return self
                        .registered_meanwhile(
                            actor,
                            &request.idempotency_key,
                            ServiceError::DuplicateNik,
                        )
                        .await;
                }
                checked => checked?,
            }
        }
        // The same family written otherwise: shown to the front desk first,
        // saved once it confirms a new family (the confirmation audited).
        let likely = self.likely_households(actor, &village, &members).await?;
        if !likely.is_empty() && !request.confirmed_new {
            return Err(ServiceError::Invalid(DomainError::LikelyDuplicate {
                households: likely.len(),
            }));
        }
        let registry = registry_for_kk_hash(&self.db, &kk_hash).await?;
        let now = Utc::now();
        let details = HouseholdDetails {
            housing: household.housing.clone(),
            assets: household.assets.clone(),
            programmes: household.programmes.clone(),
            has_house_photo: household.has_house_photo,
            awaiting_survey: false,
        };
        let address = &household.address;
        let mut write = self.db.begin_write().await?;
        let row = households::ActiveModel {
            kk_hash: Set(kk_hash),
            kk_sealed: Set(self.key.seal(&household.no_kk.as_str())),
            kk_masked: Set(household.no_kk.masked()),
            head_name: Set(household.head_name.clone()),
            village_code: Set(village.as_str().to_string()),
            dusun: Set(address.dusun.clone()),
            rw: Set(number_text(address.rw)),
            rt: Set(number_text(address.rt)),
            street: Set(address.street.clone()),
            registry_id: Set(registry.as_ref().map(|r| r.registry_id.clone())),
            desil: Set(registry.as_ref().map(|r| r.desil)),
            income_band: Set(household.income_band.code().to_string()),
            details: Set(to_json(&details)?),
            status: Set("active".to_string()),
            created_by: Set(Some(actor.user_id)),
            created_at: Set(now),
            updated_at: Set(now),
            version: Set(1),
            ..Default::default()
        }
        .insert(&write)
        .await;
        // The checks above ran before this write's turn: a resend of the same
        // request, or another desk registering the same family, may have been
        // stored meanwhile. The unique indexes tell; the key tells which.
        let row = match row {
            Ok(row) => row,
            Err(error) => {
                let clash = clash_or_failure(error, ServiceError::DuplicateNoKk)?;
                drop(write);
                return self
                    .registered_meanwhile(actor, &request.idempotency_key, clash)
                    .await;
            }
        };
        for member in &members {
            if let Err(error) = member_model(&self.key, row.id, village.as_str(), member)?
                .insert(&write)
                .await
            {
                let clash = clash_or_failure(error, ServiceError::DuplicateNik)?;
                drop(write);
                return self
                    .registered_meanwhile(actor, &request.idempotency_key, clash)
                    .await;
            }
        }
        write.created(Kind::Household, row.id);
        write
            .audit(
                entry(
                    actor,
                    "register_household",
                    Subject::new("household", row.id),
                    Some(&village),
                )
                .detail(if likely.is_empty() {
                    format!("members={}", members.len())
                } else {
                    let seen: Vec<String> = likely
                        .iter()
                        .map(|l| {
                            l.household_id
                                .map_or("other_area".into(), |id| id.to_string())
                        })
                        .collect();
                    format!(
                        "members={}; confirmed_new_despite=[{}]",
                        members.len(),
                        seen.join(",")
                    )
                }),
            )
            .await?;
        // A concurrent retry with the same key may have won the race: its result.
        let id = write
            .commit_keyed(
                &self.db,
                actor,
                &request.idempotency_key,
                "household",
                row.id,
            )
            .await?;
        Ok(Created { id })
    }

    async fn file(&self, actor: &Actor, household_id: i64) -> Result<HouseholdFile, ServiceError> {
        let (row, village) = self
            .authorized_household(actor, Action::ViewPersonalData, household_id)
            .await?;
        let mut file = self
            .file_of(row, actor.role.may(Action::ViewFullIdentity))
            .await?;
        file.timeline = self.timeline(household_id, &file.cases).await?;
        self.db
            .audit_ok(entry(
                actor,
                "view_household",
                Subject::new("household", household_id),
                Some(&village),
            ))
            .await?;
        Ok(file)
    }

    async fn update(&self, actor: &Actor, request: UpdateHousehold) -> Result<i32, ServiceError> {
        let (row, village) = self
            .authorized_household(actor, Action::EditHousehold, request.id)
            .await?;
        check_version(row.version, request.version)?;
        let no_kk = NoKk::parse(
            &self
                .key
                .open(&row.kk_sealed)
                .map_err(|_| ServiceError::Internal)?,
        )
        .map_err(|_| ServiceError::Internal)?;
        // The village changes only through a move event; the rest of the address may change here.
        let mut address = request.address.clone();
        address.village = village.clone();
        let household = Household {
            no_kk,
            head_name: request.head_name,
            address,
            registry: None,
            housing: request.housing,
            assets: request.assets,
            income_band: request.income_band,
            programmes: request.programmes,
            has_house_photo: request.has_house_photo,
        }
        .validated()?;
        let before = serde_json::json!({
            "head_name": row.head_name,
            "dusun": row.dusun, "rw": row.rw, "rt": row.rt, "street": row.street,
            "income_band": row.income_band,
            "details": stored_json::<serde_json::Value>(&row.details)?,
        });
        let details = HouseholdDetails {
            housing: household.housing.clone(),
            assets: household.assets.clone(),
            programmes: household.programmes.clone(),
            has_house_photo: household.has_house_photo,
            // The form answers every question: the house is recorded now.
            awaiting_survey: false,
        };
        let after = serde_json::json!({
            "head_name": household.head_name,
            "dusun": household.address.dusun, "rw": number_text(household.address.rw),
            "rt": number_text(household.address.rt), "street": household.address.street,
            "income_band": household.income_band.code(),
            "details": serde_json::to_value(&details).map_err(|_| ServiceError::Internal)?,
        });
        let write = self.db.change(Kind::Household, &[row.id]).await?;
        let update = households::Entity::update_many()
            .col_expr(
                households::Column::HeadName,
                Expr::value(household.head_name.clone()),
            )
            .col_expr(
                households::Column::Dusun,
                Expr::value(household.address.dusun.clone()),
            )
            .col_expr(
                households::Column::Rw,
                Expr::value(number_text(household.address.rw)),
            )
            .col_expr(
                households::Column::Rt,
                Expr::value(number_text(household.address.rt)),
            )
            .col_expr(
                households::Column::Street,
                Expr::value(household.address.street.clone()),
            )
            .col_expr(
                households::Column::IncomeBand,
                Expr::value(household.income_band.code()),
            )
            .col_expr(households::Column::Details, Expr::value(to_json(&details)?));
        let version = write.update(row.id, request.version, update).await?;
        write
            .audit(
                entry(
                    actor,
                    "update_household",
                    Subject::new("household", row.id),
                    Some(&village),
                )
                .detail(diff(&before, &after, &[])),
            )
            .await?;
        write.commit().await?;
        Ok(version)
    }

    async fn add_member(
        &self,
        actor: &Actor,
        household_id: i64,
        member: Member,
    ) -> Result<Created, ServiceError> {
        let (_, village) = self
            .authorized_household(actor, Action::EditHousehold, household_id)
            .await?;
        let member = member.validated(actor.today())?;
        let mut everyone = Vec::new();
        for row in self.household_members(household_id).await? {
            everyone.push(member_of(&row)?);
        }
        everyone.push(member.clone());
        check_members(&everyone)?;
        check_nik_free(&self.db, &self.key, &member, None).await?;
        let write = self.db.change(Kind::Household, &[household_id]).await?;
        let row = write
            .insert(member_model(
                &self.key,
                household_id,
                village.as_str(),
                &member,
            )?)
            .await?;
        write
            .audit(entry(
                actor,
                "add_member",
                Subject::new("member", row.id),
                Some(&village),
            ))
            .await?;
        write.commit().await?;
        Ok(Created { id: row.id })
    }

    async fn update_member(
        &self,
        actor: &Actor,
        request: UpdateMember,
    ) -> Result<i32, ServiceError> {
        let stored_member = load::<members::Entity>(&self.db, request.member_id).await?;
        let (_, village) = self
            .authorized_household(actor, Action::EditHousehold, stored_member.household_id)
            .await?;
        check_version(stored_member.version, request.version)?;
        // No NIK sent: keep the stored one (and validate against it).
        let mut member = request.member;
        let nik_changed = member.nik.is_some();
        if member.nik.is_none()
            && let Some(sealed) = &stored_member.nik_sealed
        {
            let clear = self.key.open(sealed).map_err(|_| ServiceError::Internal)?;
            member.nik = Some(Nik::parse(&clear).map_err(|_| ServiceError::Internal)?);
        }
        let stored = member_of(&stored_member)?;
        // Registry status is the verification's to say: an edit keeps it,
        // unless the member gains or loses a NIK.
        member.registry_status = match (member.nik.is_some(), stored.registry_status) {
            (false, _) => MemberRegistryStatus::Undocumented,
            (true, MemberRegistryStatus::Undocumented) => MemberRegistryStatus::Unconfirmed,
            (true, status) => status,
        };
        if !request.with_specifics || !actor.role.may(Action::ViewSpecificData) {
            // Who may not see a member's health and disability may not change
            // them either, nor a form that was not given them: what is stored stays.
            member.disabilities = stored.disabilities;
            member.chronic_illnesses = stored.chronic_illnesses;
            member.pregnant = stored.pregnant;
            member.ppks = stored.ppks;
        }
        let member = member.validated(actor.today())?;
        let head = Relationship::Head;
        if (stored.relationship == head) != (member.relationship == head) {
            return Err(ServiceError::Invalid(DomainError::Invalid {
                errors: vec![shared::error::FieldError {
                    field: "relationship".into(),
                    error: DomainError::ProposalChange {
                        problem: shared::proposal_change::ChangeProblem::HeadThroughEvent,
                    },
                }],
            }));
        }
        let mut everyone = Vec::new();
        for row in self.household_members(stored_member.household_id).await? {
            if row.id != stored_member.id {
                everyone.push(member_of(&row)?);
            }
        }
        everyone.push(member.clone());
        check_members(&everyone)?;
        check_nik_free(&self.db, &self.key, &member, Some(stored_member.id)).await?;
        let before =
            serde_json::to_value(member_of(&stored_member)?).map_err(|_| ServiceError::Internal)?;
        let mut after_member = member.clone();
        after_member.nik = None;
        let mut after = serde_json::to_value(&after_member).map_err(|_| ServiceError::Internal)?;
        if nik_changed && let Some(object) = after.as_object_mut() {
            object.insert("nik".into(), serde_json::Value::String("(changed)".into()));
        }
        let nik = protect_nik(&self.key, member.nik.as_ref());
        let write = self
            .db
            .change(Kind::Household, &[stored_member.household_id])
            .await?;
        let update = members::Entity::update_many()
            .col_expr(members::Column::NikHash, Expr::value(nik.hash))
            .col_expr(members::Column::NikSealed, Expr::value(nik.sealed))
            .col_expr(members::Column::NikMasked, Expr::value(nik.masked))
            .col_expr(members::Column::Name, Expr::value(member.name.clone()))
            .col_expr(
                members::Column::NameKey,
                Expr::value(shared::names::search_key(&member.name)),
            )
            .col_expr(members::Column::Sex, Expr::value(member.sex.code()))
            .col_expr(members::Column::BirthDate, Expr::value(member.birth_date))
            .col_expr(
                members::Column::Relationship,
                Expr::value(i16::from(member.relationship.number())),
            )
            .col_expr(
                members::Column::RegistryStatus,
                Expr::value(member.registry_status.code()),
            )
            .col_expr(
                members::Column::Details,
                Expr::value(to_json(&member_details(&member))?),
            );
        let version = write
            .update(stored_member.id, request.version, update)
            .await?;
        // The head's name is the household's head name too.
        if member.relationship == Relationship::Head && member.name != stored.name {
            households::Entity::update_many()
                .col_expr(
                    households::Column::HeadName,
                    Expr::value(member.name.clone()),
                )
                .col_expr(households::Column::UpdatedAt, Expr::value(Utc::now()))
                .col_expr(
                    households::Column::Version,
                    Expr::col(households::Column::Version).add(1),
                )
                .filter(households::Column::Id.eq(stored_member.household_id))
                .exec(&write)
                .await
                .map_err(db_failure)?;
        }
        write
            .audit(
                entry(
                    actor,
                    "update_member",
                    Subject::new("member", stored_member.id),
                    Some(&village),
                )
                .detail(diff(&before, &after, SECRET_MEMBER_FIELDS)),
            )
            .await?;
        write.commit().await?;
        Ok(version)
    }

    async fn specifics(
        &self,
        actor: &Actor,
        household_id: i64,
    ) -> Result<Vec<MemberSpecifics>, ServiceError> {
        let (_, village) = self
            .authorized_household(actor, Action::ViewSpecificData, household_id)
            .await?;
        let mut found = Vec::new();
        for row in self.household_members(household_id).await? {
            let details: MemberDetails = stored_json(&row.details)?;
            found.push(MemberSpecifics {
                member_id: row.id,
                disabilities: details.disabilities,
                chronic_illnesses: details.chronic_illnesses,
                pregnant: details.pregnant,
                ppks: details.ppks,
            });
        }
        let shown = found.iter().filter(|m| !m.is_empty()).count();
        self.db
            .audit_ok(
                entry(
                    actor,
                    "view_specific_data",
                    Subject::new("household", household_id),
                    Some(&village),
                )
                .detail(format!("members={}; with_data={shown}", found.len())),
            )
            .await?;
        Ok(found)
    }

    async fn reveal_nik(&self, actor: &Actor, member_id: i64) -> Result<String, ServiceError> {
        let member = load::<members::Entity>(&self.db, member_id).await?;
        let (_, village) = self
            .authorized_household(actor, Action::ViewFullIdentity, member.household_id)
            .await?;
        let sealed = member.nik_sealed.ok_or(ServiceError::NotFound)?;
        self.limits.take(&self.db, actor, "reveal_nik").await?;
        let clear = self.key.open(&sealed).map_err(|_| ServiceError::Internal)?;
        self.db
            .audit_ok(entry(
                actor,
                "reveal_nik",
                Subject::new("member", member_id),
                Some(&village),
            ))
            .await?;
        Ok(clear)
    }

    async fn reveal_no_kk(&self, actor: &Actor, household_id: i64) -> Result<String, ServiceError> {
        let (row, village) = self
            .authorized_household(actor, Action::ViewFullIdentity, household_id)
            .await?;
        self.limits.take(&self.db, actor, "reveal_no_kk").await?;
        let clear = self
            .key
            .open(&row.kk_sealed)
            .map_err(|_| ServiceError::Internal)?;
        self.db
            .audit_ok(entry(
                actor,
                "reveal_no_kk",
                Subject::new("household", household_id),
                Some(&village),
            ))
            .await?;
        Ok(clear)
    }

    async fn life_event(
        &self,
        actor: &Actor,
        request: shared::life_event::RecordLifeEvent,
    ) -> Result<Created, ServiceError> {
        self.record_life_event(actor, request).await
    }

    async fn registration_duplicates(
        &self,
        actor: &Actor,
        request: RegisterHousehold,
    ) -> Result<Vec<shared::duplicates::LikelyHousehold>, ServiceError> {
        DbHouseholdService::registration_duplicates(self, actor, request).await
    }

    async fn district_duplicates(
        &self,
        actor: &Actor,
    ) -> Result<Vec<shared::duplicates::DuplicatePair>, ServiceError> {
        DbHouseholdService::district_duplicates(self, actor).await
    }

    async fn merge_preview(
        &self,
        actor: &Actor,
        survivor_id: i64,
        merged_id: i64,
    ) -> Result<shared::duplicates::MergePreview, ServiceError> {
        DbHouseholdService::merge_preview(self, actor, survivor_id, merged_id).await
    }

    async fn merge(
        &self,
        actor: &Actor,
        request: shared::duplicates::MergeHouseholds,
    ) -> Result<Created, ServiceError> {
        DbHouseholdService::merge(self, actor, request).await
    }

    async fn dismiss_duplicate(
        &self,
        actor: &Actor,
        first: i64,
        second: i64,
    ) -> Result<(), ServiceError> {
        DbHouseholdService::dismiss_duplicate(self, actor, first, second).await
    }
}
