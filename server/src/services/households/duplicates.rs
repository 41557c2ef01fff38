//! Families registered twice (see `shared::duplicates`): the households on
//! record likely the same as one being registered, the district's list of
//! likely pairs for the SLRT manager, and the merge of two records into one.
//!
//! People are compared within their sub-district, with those who share a
//! word of their name and were born within a year of them only: a range read
//! of `member_words` per word of the person typed (see `words`), then
//! [`shared::names::likeness`] on what it returns. The district's list is
//! kept per sub-district and computed again only where people changed.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{NaiveDate, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use shared::DomainError;
use shared::access::{Action, Target};
use shared::contract::{Actor, ServiceError};
use shared::dto::{Created, HouseholdFile, RegisterHousehold};
use shared::duplicates::{
    DuplicatePair, LIKELY_SHOWN, LikelyHousehold, LikelyPerson, MergeHouseholds, MergePreview,
    MergeProblem, MergeSide, PairPerson, PairSide, Person, SamePerson, likely_pairs, same_people,
};
use shared::geo::AreaCode;
use shared::household::HouseholdEventKind;
use shared::member::{Member, MemberRegistryStatus, Relationship};
use shared::names::{Likeness, LikenessReason, likeness, name_keys};

use super::words::counts;
use super::{DbHouseholdService, subdistrict_of};
use crate::entities::{
    areas, attachments, cases, complaints, duplicate_found, duplicate_reviews, duplicate_scans,
    enrolments, house_photos, household_events, households, members, proposals, referrals,
};
use crate::records::HouseholdDetails;
use crate::services::common::{
    Subject, audit_list_read, authorize, check_version, earlier_result, entry, own_scope,
    scope_condition, today_in,
};
use crate::services::db_failure;
use crate::services::rows::{stored_json, to_json};
use crate::services::store::Store;
use crate::services::write::load_in_area;

/// The most pairs the district's list shows (the likeliest first).
pub const PAIRS_SHOWN: usize = 200;

/// A member as the look-up reads it, from the index alone: id, household,
/// name key, birth date, registry status.
type Row = (i64, i64, Option<String>, NaiveDate, String);

/// The columns of a [`Row`].
const ROW: [members::Column; 5] = [
    members::Column::Id,
    members::Column::HouseholdId,
    members::Column::NameKey,
    members::Column::BirthDate,
    members::Column::RegistryStatus,
];

/// The keys of a stored member's name (`members.name_key`, filled for every
/// member when the portal starts).
fn stored_keys(key: Option<&str>) -> Vec<String> {
    key.map(|key| key.split_whitespace().map(str::to_string).collect())
        .unwrap_or_default()
}

/// The people of `subdistrict` who count in their family and share a word of
/// their name with one of the `typed` people born within a year of them: one
/// read of `member_words` for the family, then these members' rows.
async fn sharing_a_word<C: ConnectionTrait>(
    db: &C,
    subdistrict: &str,
    typed: &[(Vec<String>, NaiveDate)],
) -> Result<Vec<Row>, ServiceError> {
    let ids = super::words::sharing_a_word(db, subdistrict, typed)
        .await
        .map_err(db_failure)?;
    let mut rows = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        rows.extend(
            members::Entity::find()
                .select_only()
                .columns(ROW)
                .filter(members::Column::Id.is_in(chunk.iter().copied()))
                .into_tuple::<Row>()
                .all(db)
                .await
                .map_err(db_failure)?,
        );
    }
    Ok(rows)
}

/// The names of these members.
async fn member_names<C: ConnectionTrait>(
    db: &C,
    ids: impl IntoIterator<Item = i64>,
) -> Result<HashMap<i64, String>, ServiceError> {
    let ids: Vec<i64> = ids
        .into_iter()
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let mut names = HashMap::new();
    for chunk in ids.chunks(500) {
        names.extend(
            members::Entity::find()
                .select_only()
                .columns([members::Column::Id, members::Column::Name])
                .filter(members::Column::Id.is_in(chunk.iter().copied()))
                .into_tuple::<(i64, String)>()
                .all(db)
                .await
                .map_err(db_failure)?,
        );
    }
    Ok(names)
}

/// A household likely the same family, with each typed person found there:
/// the typed person's place, the name on record and how alike.
pub(crate) type LikelyFamily = (households::Model, Vec<(usize, String, Likeness)>);

/// One typed person found likely a member on record.
struct Found {
    typed: usize,
    member: i64,
    likeness: Likeness,
}

/// The households of `village`'s sub-district with people likely the ones
/// typed (name, birth date), the likeliest first, each typed person with its
/// best match there; `except` is left out.
pub(crate) async fn likely_in_subdistrict<C: ConnectionTrait>(
    db: &C,
    village: &str,
    typed: &[(String, NaiveDate)],
    except: Option<i64>,
) -> Result<Vec<LikelyFamily>, ServiceError> {
    let subdistrict = subdistrict_of(village);
    let typed: Vec<(Vec<String>, NaiveDate)> = typed
        .iter()
        .map(|(name, birth)| (name_keys(name), *birth))
        .collect();
    let mut by_household: BTreeMap<i64, Vec<Found>> = BTreeMap::new();
    for (member, household_id, key, born, status) in
        sharing_a_word(db, &subdistrict, &typed).await?
    {
        if Some(household_id) == except || !counts(&status) {
            continue;
        }
        let stored = stored_keys(key.as_deref());
        for (index, (keys, birth)) in typed.iter().enumerate() {
            let Some(alike) = likeness(keys, *birth, &stored, born) else {
                continue;
            };
            let found = by_household.entry(household_id).or_default();
            match found.iter_mut().find(|f| f.typed == index) {
                Some(best) if best.likeness.score >= alike.score => {}
                Some(best) => {
                    best.member = member;
                    best.likeness = alike;
                }
                None => found.push(Found {
                    typed: index,
                    member,
                    likeness: alike,
                }),
            }
        }
    }
    if by_household.is_empty() {
        return Ok(Vec::new());
    }
    let rows = households::Entity::find()
        .filter(households::Column::Id.is_in(by_household.keys().copied()))
        .filter(households::Column::Status.ne(households::MERGED))
        .all(db)
        .await
        .map_err(db_failure)?;
    let names = member_names(
        db,
        by_household.values().flatten().map(|found| found.member),
    )
    .await?;
    let mut likely: Vec<LikelyFamily> = rows
        .into_iter()
        .filter_map(|row| {
            let found = by_household.remove(&row.id)?;
            let people = found
                .into_iter()
                .map(|f| {
                    let name = names.get(&f.member).cloned().unwrap_or_default();
                    (f.typed, name, f.likeness)
                })
                .collect();
            Some((row, people))
        })
        .collect();
    let rank = |people: &[(usize, String, Likeness)]| {
        let best = people.iter().map(|p| p.2.score).max().unwrap_or(0);
        (best, people.len())
    };
    likely.sort_by(|a, b| rank(&b.1).cmp(&rank(&a.1)).then(a.0.id.cmp(&b.0.id)));
    likely.truncate(LIKELY_SHOWN);
    Ok(likely)
}

/// The names of these villages.
async fn village_names<C: ConnectionTrait>(
    db: &C,
    codes: impl IntoIterator<Item = String>,
) -> Result<HashMap<String, String>, ServiceError> {
    let codes: HashSet<String> = codes.into_iter().collect();
    Ok(areas::Entity::find()
        .filter(areas::Column::Code.is_in(codes))
        .all(db)
        .await
        .map_err(db_failure)?
        .into_iter()
        .map(|a| (a.code, a.name))
        .collect())
}

/// The persons of a household's file who count in the family, for [`same_people`].
fn persons(file: &HouseholdFile) -> Vec<Person> {
    file.members
        .iter()
        .filter(|m| m.member.registry_status.counts_in_family())
        .map(|m| Person {
            id: m.id,
            household_id: file.id,
            keys: name_keys(&m.member.name),
            birth: m.member.birth_date,
        })
        .collect()
}

/// The likely pairs of people of one sub-district (of different households,
/// the lower household id first): its people read from the covering index of
/// `members`, each compared with those sharing a word of their name and born
/// within a year of them ([`likely_pairs`]).
async fn scan_subdistrict<C: ConnectionTrait>(
    db: &C,
    subdistrict: &str,
) -> Result<Vec<duplicate_found::ActiveModel>, ServiceError> {
    let rows: Vec<Row> = members::Entity::find()
        .select_only()
        .columns(ROW)
        .filter(members::Column::Subdistrict.eq(subdistrict))
        .into_tuple::<Row>()
        .all(db)
        .await
        .map_err(db_failure)?;
    let mut people: Vec<Person> = rows
        .into_iter()
        .filter(|row| counts(&row.4))
        .map(|(id, household_id, key, birth, _)| Person {
            id,
            household_id,
            keys: stored_keys(key.as_deref()),
            birth,
        })
        .collect();
    Ok(likely_pairs(&mut people)
        .into_iter()
        .map(|(a, b, alike)| {
            let (mut first, mut second) = (&people[a], &people[b]);
            if first.household_id > second.household_id {
                std::mem::swap(&mut first, &mut second);
            }
            duplicate_found::ActiveModel {
                subdistrict: Set(subdistrict.to_string()),
                member_a: Set(first.id),
                member_b: Set(second.id),
                household_a: Set(first.household_id),
                household_b: Set(second.household_id),
                reason: Set(alike.reason.code().to_string()),
                score: Set(i16::from(alike.score)),
            }
        })
        .collect())
}

/// Computes again the likely pairs of the sub-districts of `scope` whose
/// people changed since they were last computed (every such sub-district
/// when `scope` is the nation), one sub-district at a time; answers how many
/// were computed. A change made meanwhile leaves its sub-district to be
/// computed again next time.
pub(crate) async fn refresh_pairs(
    store: &Store,
    scope: &shared::geo::AreaScope,
) -> Result<usize, ServiceError> {
    let mut query = duplicate_scans::Entity::find();
    if let Some(condition) = scope_condition(duplicate_scans::Column::Subdistrict, scope) {
        query = query.filter(condition);
    }
    let stale: Vec<duplicate_scans::Model> = query
        .all(store.connection())
        .await
        .map_err(db_failure)?
        .into_iter()
        .filter(|scan| scan.scanned_changes != Some(scan.changes))
        .collect();
    for scan in &stale {
        let found = scan_subdistrict(store.connection(), &scan.subdistrict).await?;
        store
            .write_one(async |txn| {
                duplicate_found::Entity::delete_many()
                    .filter(duplicate_found::Column::Subdistrict.eq(scan.subdistrict.as_str()))
                    .exec(txn)
                    .await?;
                for chunk in found.chunks(500) {
                    duplicate_found::Entity::insert_many(chunk.to_vec())
                        .exec_without_returning(txn)
                        .await?;
                }
                duplicate_scans::Entity::update_many()
                    .col_expr(
                        duplicate_scans::Column::ScannedChanges,
                        Expr::value(scan.changes),
                    )
                    .col_expr(duplicate_scans::Column::ScannedAt, Expr::value(Utc::now()))
                    .filter(duplicate_scans::Column::Subdistrict.eq(scan.subdistrict.as_str()))
                    .exec(txn)
                    .await?;
                Ok(())
            })
            .await?;
    }
    Ok(stale.len())
}

/// The `limit` likeliest pairs of households of `scope` (lower id first) as
/// last computed ([`refresh_pairs`]), without the pairs the SLRT manager
/// found to be different families, with their people alike: ranked by the
/// database (best score, then the most people alike), so that only the pairs
/// shown are read whole.
pub(crate) async fn likely_pairs_in<C: ConnectionTrait>(
    db: &C,
    scope: &shared::geo::AreaScope,
    limit: usize,
) -> Result<Vec<((i64, i64), Vec<PairPerson>)>, ServiceError> {
    use duplicate_found::Column as F;
    use sea_orm::sea_query::{Order, Query};
    let reviewed = Query::select()
        .expr(Expr::val(1))
        .from(duplicate_reviews::Entity)
        .and_where(
            Expr::col((
                duplicate_reviews::Entity,
                duplicate_reviews::Column::HouseholdA,
            ))
            .equals((duplicate_found::Entity, F::HouseholdA)),
        )
        .and_where(
            Expr::col((
                duplicate_reviews::Entity,
                duplicate_reviews::Column::HouseholdB,
            ))
            .equals((duplicate_found::Entity, F::HouseholdB)),
        )
        .to_owned();
    let mut query = duplicate_found::Entity::find()
        .select_only()
        .column(F::HouseholdA)
        .column(F::HouseholdB)
        .expr_as(Expr::col(F::Score).max(), "best")
        .expr_as(Expr::col(F::MemberA).count(), "people")
        .filter(Expr::exists(reviewed).not())
        .group_by(F::HouseholdA)
        .group_by(F::HouseholdB)
        .order_by(Expr::cust("best"), Order::Desc)
        .order_by(Expr::cust("people"), Order::Desc)
        .order_by(F::HouseholdA, Order::Asc)
        .order_by(F::HouseholdB, Order::Asc)
        .limit(u64::try_from(limit).unwrap_or(u64::MAX));
    if let Some(condition) = scope_condition(F::Subdistrict, scope) {
        query = query.filter(condition);
    }
    let top: Vec<(i64, i64, i16, i64)> = query.into_tuple().all(db).await.map_err(db_failure)?;
    let wanted: HashSet<(i64, i64)> = top.iter().map(|(a, b, ..)| (*a, *b)).collect();
    let firsts: Vec<i64> = wanted
        .iter()
        .map(|(a, _)| *a)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let mut found = Vec::new();
    for chunk in firsts.chunks(500) {
        let mut rows = duplicate_found::Entity::find()
            .filter(F::HouseholdA.is_in(chunk.iter().copied()))
            .order_by(F::MemberA, Order::Asc)
            .order_by(F::MemberB, Order::Asc);
        if let Some(condition) = scope_condition(F::Subdistrict, scope) {
            rows = rows.filter(condition);
        }
        found.extend(
            rows.all(db)
                .await
                .map_err(db_failure)?
                .into_iter()
                .filter(|row| wanted.contains(&(row.household_a, row.household_b))),
        );
    }
    let names = member_names(db, found.iter().flat_map(|f| [f.member_a, f.member_b])).await?;
    let name = |id: &i64| names.get(id).cloned().unwrap_or_default();
    let mut people: HashMap<(i64, i64), Vec<PairPerson>> = HashMap::new();
    for row in found {
        let Some(reason) = LikenessReason::from_code(&row.reason) else {
            continue;
        };
        people
            .entry((row.household_a, row.household_b))
            .or_default()
            .push(PairPerson {
                first_name: name(&row.member_a),
                second_name: name(&row.member_b),
                likeness: Likeness {
                    reason,
                    score: u8::try_from(row.score).unwrap_or(0),
                },
            });
    }
    Ok(top
        .into_iter()
        .filter_map(|(a, b, ..)| Some(((a, b), people.remove(&(a, b))?)))
        .collect())
}

/// Updates every row of `table` whose `column` names household `from` to name `to`.
macro_rules! repoint {
    ($write:expr, $entity:ident, $column:ident, $from:expr, $to:expr) => {
        $entity::Entity::update_many()
            .col_expr($entity::Column::$column, Expr::value($to))
            .filter($entity::Column::$column.eq($from))
            .exec(&$write)
            .await
            .map_err(db_failure)?
    };
}

impl DbHouseholdService {
    /// The households likely the family of `members`, registered in
    /// `village`: named and openable when inside the actor's area, else only
    /// their village is said.
    pub(crate) async fn likely_households(
        &self,
        actor: &Actor,
        village: &AreaCode,
        members: &[Member],
    ) -> Result<Vec<LikelyHousehold>, ServiceError> {
        let typed: Vec<(String, NaiveDate)> = members
            .iter()
            .map(|m| (m.name.clone(), m.birth_date))
            .collect();
        let likely =
            likely_in_subdistrict(self.db.connection(), village.as_str(), &typed, None).await?;
        let names = village_names(
            self.db.connection(),
            likely.iter().map(|(row, _)| row.village_code.clone()),
        )
        .await?;
        let scope = own_scope(actor)?;
        Ok(likely
            .into_iter()
            .map(|(row, people)| {
                let visible =
                    AreaCode::parse(&row.village_code).is_ok_and(|code| scope.contains_code(&code));
                LikelyHousehold {
                    household_id: visible.then_some(row.id),
                    head_name: visible.then(|| row.head_name.clone()),
                    no_kk_masked: visible.then(|| row.kk_masked.clone()),
                    village_name: names.get(&row.village_code).cloned().unwrap_or_default(),
                    // Outside the area, not how alike nor why: retyping a
                    // name with other dates would tell a stranger's birth date.
                    score: if visible {
                        people.iter().map(|p| p.2.score).max().unwrap_or(0)
                    } else {
                        0
                    },
                    people: people
                        .into_iter()
                        .filter(|_| visible)
                        .map(|(typed, name, likeness)| LikelyPerson {
                            typed_name: typed_name(members, typed),
                            found_name: Some(name),
                            likeness,
                        })
                        .collect(),
                }
            })
            .collect())
    }

    /// The households likely the family a registration is about, for the
    /// front desk to look at before saving (a read of others' names: audited).
    pub(crate) async fn registration_duplicates(
        &self,
        actor: &Actor,
        request: RegisterHousehold,
    ) -> Result<Vec<LikelyHousehold>, ServiceError> {
        let village = self.registering_in(actor, &request).await?;
        // Names and birth dates typed to see who is on record: counted with
        // the identity look-ups, so that nobody can comb the sub-district.
        self.limits
            .take(&self.db, actor, "duplicate_lookup")
            .await?;
        let likely = self
            .likely_households(actor, &village, &request.members)
            .await?;
        let ids: Vec<String> = likely
            .iter()
            .map(|l| {
                l.household_id
                    .map_or("other_area".into(), |id| id.to_string())
            })
            .collect();
        self.db
            .audit_ok(
                entry(
                    actor,
                    "check_duplicates",
                    Subject::kind("household"),
                    Some(&village),
                )
                .detail(format!("likely=[{}]", ids.join(","))),
            )
            .await?;
        Ok(likely)
    }

    /// The district's households likely registered twice, the likeliest
    /// first, without the pairs the manager found to be different families.
    pub(crate) async fn district_duplicates(
        &self,
        actor: &Actor,
    ) -> Result<Vec<DuplicatePair>, ServiceError> {
        let scope = own_scope(actor)?;
        authorize(
            &self.db,
            actor,
            Action::MergeHouseholds,
            &Target::area(scope.clone()),
            Subject::kind("household_duplicates"),
        )
        .await?;
        refresh_pairs(&self.db, &scope).await?;
        let ranked = likely_pairs_in(self.db.connection(), &scope, PAIRS_SHOWN).await?;
        let best = |people: &[PairPerson]| people.iter().map(|p| p.likeness.score).max();
        let ids: HashSet<i64> = ranked.iter().flat_map(|((a, b), _)| [*a, *b]).collect();
        let sides = self.pair_sides(ids, &scope).await?;
        let list: Vec<DuplicatePair> = ranked
            .into_iter()
            .filter_map(|((a, b), people)| {
                Some(DuplicatePair {
                    first: sides.get(&a)?.clone(),
                    second: sides.get(&b)?.clone(),
                    score: best(&people).unwrap_or(0),
                    people,
                })
            })
            .collect();
        audit_list_read(
            &self.db,
            actor,
            "list",
            "household_duplicates",
            &scope,
            format!("pairs={}", list.len()),
        )
        .await?;
        Ok(list)
    }

    /// The households of a pair as the list shows them: inside `scope` (a
    /// family that moved away is no longer the district's), not merged.
    async fn pair_sides(
        &self,
        ids: HashSet<i64>,
        scope: &shared::geo::AreaScope,
    ) -> Result<HashMap<i64, PairSide>, ServiceError> {
        let db = self.db.connection();
        let mut rows = Vec::new();
        let ids: Vec<i64> = ids.into_iter().collect();
        for chunk in ids.chunks(500) {
            rows.extend(
                crate::services::common::within_scope(
                    households::Entity::find(),
                    households::Column::VillageCode,
                    scope,
                )
                .filter(households::Column::Id.is_in(chunk.iter().copied()))
                .filter(households::Column::Status.ne(households::MERGED))
                .all(db)
                .await
                .map_err(db_failure)?,
            );
        }
        let names = village_names(db, rows.iter().map(|r| r.village_code.clone())).await?;
        let mut counted: HashMap<i64, u32> = HashMap::new();
        for chunk in ids.chunks(500) {
            for (household_id, status) in members::Entity::find()
                .select_only()
                .columns([
                    members::Column::HouseholdId,
                    members::Column::RegistryStatus,
                ])
                .filter(members::Column::HouseholdId.is_in(chunk.iter().copied()))
                .into_tuple::<(i64, String)>()
                .all(db)
                .await
                .map_err(db_failure)?
            {
                if counts(&status) {
                    *counted.entry(household_id).or_default() += 1;
                }
            }
        }
        Ok(rows
            .into_iter()
            .map(|row| {
                let side = PairSide {
                    household_id: row.id,
                    head_name: row.head_name.clone(),
                    no_kk_masked: row.kk_masked.clone(),
                    village_name: names.get(&row.village_code).cloned().unwrap_or_default(),
                    member_count: counted.get(&row.id).copied().unwrap_or(0),
                    registered_on: shared::clock::Zone::of_area(&row.village_code)
                        .today(row.created_at),
                };
                (row.id, side)
            })
            .collect())
    }

    /// Loads two different records, both open for work, for a merge.
    async fn merge_pair(
        &self,
        actor: &Actor,
        survivor_id: i64,
        merged_id: i64,
    ) -> Result<(households::Model, households::Model), ServiceError> {
        if survivor_id == merged_id {
            return Err(merge_refused(MergeProblem::SameHousehold));
        }
        let mut rows = Vec::new();
        for id in [survivor_id, merged_id] {
            let (row, _) = load_in_area::<households::Entity>(
                &self.db,
                actor,
                Action::MergeHouseholds,
                id,
                Subject::new("household", id),
            )
            .await?;
            super::open_for_work(&row, Action::MergeHouseholds)?;
            rows.push(row);
        }
        match (rows.pop(), rows.pop()) {
            (Some(merged), Some(survivor)) => Ok((survivor, merged)),
            _ => Err(ServiceError::Internal),
        }
    }

    /// Two records side by side, with the people proposed as the same (a
    /// view of both families: audited).
    pub(crate) async fn merge_preview(
        &self,
        actor: &Actor,
        survivor_id: i64,
        merged_id: i64,
    ) -> Result<MergePreview, ServiceError> {
        let (survivor, merged) = self.merge_pair(actor, survivor_id, merged_id).await?;
        let exact = actor.role.may(Action::ViewFullIdentity);
        let village = AreaCode::parse(&survivor.village_code).ok();
        let survivor = self.file_of(survivor, exact).await?;
        let merged = self.file_of(merged, exact).await?;
        let same = same_people(&persons(&survivor), &persons(&merged));
        self.db
            .audit_ok(
                entry(
                    actor,
                    "merge_preview",
                    Subject::new("household", survivor.id),
                    village.as_ref(),
                )
                .detail(format!("merged={}", merged.id)),
            )
            .await?;
        Ok(MergePreview {
            survivor,
            merged,
            same_people: same,
        })
    }

    /// The manager's word that two households are different families: the
    /// pair leaves the district's duplicate list.
    pub(crate) async fn dismiss_duplicate(
        &self,
        actor: &Actor,
        first: i64,
        second: i64,
    ) -> Result<(), ServiceError> {
        let (a, b) = self.merge_pair(actor, first, second).await?;
        let village = AreaCode::parse(&a.village_code).ok();
        let (low, high) = (Ord::min(a.id, b.id), Ord::max(a.id, b.id));
        let write = self.db.begin_write().await?;
        duplicate_reviews::Entity::insert(duplicate_reviews::ActiveModel {
            household_a: Set(low),
            household_b: Set(high),
            reviewed_by: Set(Some(actor.user_id)),
            reviewed_at: Set(Utc::now()),
        })
        .on_conflict_do_nothing_on([
            duplicate_reviews::Column::HouseholdA,
            duplicate_reviews::Column::HouseholdB,
        ])
        .exec(&write)
        .await
        .map_err(db_failure)?;
        write
            .audit(
                entry(
                    actor,
                    "dismiss_duplicate",
                    Subject::new("household", low),
                    village.as_ref(),
                )
                .detail(format!("other={high}")),
            )
            .await?;
        write.commit().await
    }

    /// Merges one household record into another (see the module's
    /// documentation); answers the surviving record's id.
    pub(crate) async fn merge(
        &self,
        actor: &Actor,
        request: MergeHouseholds,
    ) -> Result<Created, ServiceError> {
        if let Some(id) =
            earlier_result(&self.db, actor, &request.idempotency_key, "household_merge").await?
        {
            return Ok(Created { id });
        }
        let (survivor, merged) = self
            .merge_pair(actor, request.survivor_id, request.merged_id)
            .await?;
        check_version(survivor.version, request.survivor_version)?;
        check_version(merged.version, request.merged_version)?;
        let survivor_file = self.file_of(survivor.clone(), true).await?;
        let merged_file = self.file_of(merged.clone(), true).await?;
        check_pairs(&survivor_file, &merged_file, &request.same_people)?;
        let mut write = self.db.begin_write().await?;
        // On PostgreSQL both records are held until the merge ends: a case or
        // proposal opened on the merged record meanwhile waits, then is refused.
        if write.get_database_backend() == sea_orm::DbBackend::Postgres {
            households::Entity::find()
                .filter(households::Column::Id.is_in([survivor.id, merged.id]))
                .lock_exclusive()
                .all(&write)
                .await
                .map_err(db_failure)?;
        }
        // A registry proposal under way names the merged record's people:
        // it is finished or withdrawn first (and the family keeps one per kind).
        if crate::services::proposals::open_of(merged.id)
            .one(&write)
            .await
            .map_err(db_failure)?
            .is_some()
        {
            return Err(merge_refused(MergeProblem::OpenProposal));
        }
        // The address chosen, in its own village: the kept record lives there.
        let home = from_side(request.address, &survivor, &merged)
            .village_code
            .clone();
        let village = AreaCode::parse(&home).ok();
        write.touch_household_and_its_records(survivor.id).await?;
        write.touch_household_and_its_records(merged.id).await?;
        // The surviving record with the values chosen.
        let from = |side: MergeSide| from_side(side, &survivor, &merged);
        let mut details: HouseholdDetails = stored_json(&survivor.details)?;
        let theirs: HouseholdDetails = stored_json(&merged.details)?;
        if request.house == MergeSide::Merged {
            details.housing = theirs.housing;
        }
        if request.economy == MergeSide::Merged {
            details.assets = theirs.assets;
            details.programmes = theirs.programmes;
        }
        details.has_house_photo |= theirs.has_house_photo;
        // Placeholders of a family recorded from a list stay marked as such
        // when the side they come from is chosen, and only then.
        let awaits = |side: MergeSide| match side {
            MergeSide::Merged => theirs.awaiting_survey,
            MergeSide::Survivor => details.awaiting_survey,
        };
        details.awaiting_survey = awaits(request.house) || awaits(request.economy);
        let address = from(request.address);
        let head_name = from(request.head_name).head_name.clone();
        let registry = survivor
            .registry_id
            .clone()
            .map(|id| (Some(id), survivor.desil))
            .unwrap_or((merged.registry_id.clone(), merged.desil));
        let update = households::Entity::update_many()
            .col_expr(households::Column::HeadName, Expr::value(head_name.clone()))
            .col_expr(households::Column::VillageCode, Expr::value(home.clone()))
            .col_expr(
                households::Column::Dusun,
                Expr::value(address.dusun.clone()),
            )
            .col_expr(households::Column::Rw, Expr::value(address.rw.clone()))
            .col_expr(households::Column::Rt, Expr::value(address.rt.clone()))
            .col_expr(
                households::Column::Street,
                Expr::value(address.street.clone()),
            )
            .col_expr(
                households::Column::IncomeBand,
                Expr::value(from(request.economy).income_band.clone()),
            )
            .col_expr(households::Column::Details, Expr::value(to_json(&details)?))
            .col_expr(households::Column::RegistryId, Expr::value(registry.0))
            .col_expr(households::Column::Desil, Expr::value(registry.1));
        write
            .update(survivor.id, request.survivor_version, update)
            .await?;
        // The head's own name follows the name chosen for the head.
        if head_name != survivor.head_name {
            members::Entity::update_many()
                .col_expr(members::Column::Name, Expr::value(head_name.clone()))
                .col_expr(
                    members::Column::NameKey,
                    Expr::value(shared::names::search_key(&head_name)),
                )
                .filter(members::Column::HouseholdId.eq(survivor.id))
                .filter(members::Column::Relationship.eq(i16::from(Relationship::Head.number())))
                .filter(members::Column::RegistryStatus.is_not_in(not_counting()))
                .exec(&write)
                .await
                .map_err(db_failure)?;
        }
        self.unite_people(&write, &request.same_people).await?;
        // Every member, case, event, proposal, enrolment, photo and document
        // of the merged record now belongs to the surviving one (photo: see below).
        members::Entity::update_many()
            .col_expr(members::Column::HouseholdId, Expr::value(survivor.id))
            .col_expr(members::Column::UpdatedAt, Expr::value(Utc::now()))
            .col_expr(
                members::Column::Version,
                Expr::col(members::Column::Version).add(1),
            )
            .filter(members::Column::HouseholdId.eq(merged.id))
            .exec(&write)
            .await
            .map_err(db_failure)?;
        members::Entity::update_many()
            .col_expr(
                members::Column::Subdistrict,
                Expr::value(subdistrict_of(&home)),
            )
            .filter(members::Column::HouseholdId.eq(survivor.id))
            .exec(&write)
            .await
            .map_err(db_failure)?;
        let moved_cases = repoint!(write, cases, HouseholdId, merged.id, survivor.id).rows_affected;
        repoint!(write, household_events, HouseholdId, merged.id, survivor.id);
        repoint!(write, proposals, HouseholdId, merged.id, survivor.id);
        repoint!(write, enrolments, HouseholdId, merged.id, survivor.id);
        // A household has one photo of its house's front: the kept record's
        // stays; the other's moves only to a record without one (else it
        // stays with the merged record, which keeps it readable).
        if house_photos::Entity::find_by_id(survivor.id)
            .one(&write)
            .await
            .map_err(db_failure)?
            .is_none()
        {
            repoint!(write, house_photos, HouseholdId, merged.id, survivor.id);
        }
        // Documents: those about the family follow it; those about a member
        // stay with the member, who is now on the record kept.
        attachments::Entity::update_many()
            .col_expr(attachments::Column::OwnerId, Expr::value(survivor.id))
            .filter(attachments::Column::OwnerType.eq("household"))
            .filter(attachments::Column::OwnerId.eq(merged.id))
            .exec(&write)
            .await
            .map_err(db_failure)?;
        attachments::Entity::update_many()
            .col_expr(attachments::Column::HouseholdId, Expr::value(survivor.id))
            .filter(attachments::Column::HouseholdId.eq(merged.id))
            .exec(&write)
            .await
            .map_err(db_failure)?;
        // Open cases are worked where the family's record now is.
        if merged.village_code != home || survivor.village_code != home {
            crate::services::cases::move_open_cases(&write, survivor.id, &home).await?;
        }
        // The merged record stays, for its history, closed to new work; the
        // registry family is the kept record's alone.
        let closed = households::Entity::update_many()
            .col_expr(households::Column::Status, Expr::value(households::MERGED))
            .col_expr(households::Column::MergedInto, Expr::value(survivor.id))
            .col_expr(households::Column::RegistryId, Expr::value(None::<String>))
            .col_expr(households::Column::Desil, Expr::value(None::<i16>));
        write
            .update(merged.id, request.merged_version, closed)
            .await?;
        let today = today_in(&survivor.village_code);
        for (household_id, note) in [
            (
                survivor.id,
                format!(
                    "Catatan ganda keluarga {} (KK {}, {} anggota) digabungkan ke catatan ini",
                    merged.head_name,
                    merged.kk_masked,
                    merged_file.members.len()
                ),
            ),
            (
                merged.id,
                format!(
                    "Digabungkan ke catatan keluarga {} (KK {})",
                    survivor.head_name, survivor.kk_masked
                ),
            ),
        ] {
            household_events::ActiveModel {
                household_id: Set(household_id),
                kind: Set(HouseholdEventKind::Merged.code().to_string()),
                occurred_on: Set(today),
                document: Set(shared::complaint::EvidenceDocument::Kk.code().to_string()),
                note: Set(Some(note)),
                from_village: Set(Some(merged.village_code.clone())),
                to_village: Set(Some(home.clone())),
                recorded_by: Set(Some(actor.user_id)),
                recorded_at: Set(Utc::now()),
                ..Default::default()
            }
            .insert(&write)
            .await
            .map_err(db_failure)?;
        }
        let choices = format!(
            "head_name={}; address={}; house={}; economy={}",
            request.head_name.code(),
            request.address.code(),
            request.house.code(),
            request.economy.code()
        );
        write
            .audit(
                entry(
                    actor,
                    "merge_households",
                    Subject::new("household", survivor.id),
                    village.as_ref(),
                )
                .detail(format!(
                    "merged={}; members={}; same_people={}; cases={moved_cases}; {choices}",
                    merged.id,
                    merged_file.members.len(),
                    request.same_people.len(),
                )),
            )
            .await?;
        let id = write
            .commit_keyed(
                &self.db,
                actor,
                &request.idempotency_key,
                "household_merge",
                survivor.id,
            )
            .await?;
        Ok(Created { id })
    }

    /// Each pair of the same person: the merged record's member is kept as
    /// listed twice (ganda), its referrals go to the member kept, and a NIK
    /// only it had goes to the member kept too.
    async fn unite_people(
        &self,
        write: &crate::services::write::Write,
        same: &[SamePerson],
    ) -> Result<(), ServiceError> {
        for pair in same {
            let kept = members::Entity::find_by_id(pair.kept)
                .one(write)
                .await
                .map_err(db_failure)?;
            let twice = members::Entity::find_by_id(pair.merged)
                .one(write)
                .await
                .map_err(db_failure)?;
            let (Some(kept), Some(twice)) = (kept, twice) else {
                return Err(merge_refused(MergeProblem::PersonNotInHousehold));
            };
            // What named the person now names the member kept.
            referrals::Entity::update_many()
                .col_expr(referrals::Column::MemberId, Expr::value(kept.id))
                .filter(referrals::Column::MemberId.eq(twice.id))
                .exec(write)
                .await
                .map_err(db_failure)?;
            complaints::Entity::update_many()
                .col_expr(complaints::Column::MemberId, Expr::value(kept.id))
                .filter(complaints::Column::MemberId.eq(twice.id))
                .exec(write)
                .await
                .map_err(db_failure)?;
            attachments::Entity::update_many()
                .col_expr(attachments::Column::MemberId, Expr::value(kept.id))
                .filter(attachments::Column::MemberId.eq(twice.id))
                .exec(write)
                .await
                .map_err(db_failure)?;
            attachments::Entity::update_many()
                .col_expr(attachments::Column::OwnerId, Expr::value(kept.id))
                .filter(attachments::Column::OwnerType.eq("member"))
                .filter(attachments::Column::OwnerId.eq(twice.id))
                .exec(write)
                .await
                .map_err(db_failure)?;
            let mut update = members::Entity::update_many()
                .col_expr(
                    members::Column::RegistryStatus,
                    Expr::value(MemberRegistryStatus::Duplicate.code()),
                )
                .filter(members::Column::Id.eq(twice.id));
            let nik_moves = kept.nik_hash.is_none() && twice.nik_hash.is_some();
            if nik_moves {
                update = update
                    .col_expr(members::Column::NikHash, Expr::value(None::<String>))
                    .col_expr(members::Column::NikSealed, Expr::value(None::<String>))
                    .col_expr(members::Column::NikMasked, Expr::value(None::<String>));
            }
            update.exec(write).await.map_err(db_failure)?;
            if nik_moves {
                members::Entity::update_many()
                    .col_expr(members::Column::NikHash, Expr::value(twice.nik_hash))
                    .col_expr(members::Column::NikSealed, Expr::value(twice.nik_sealed))
                    .col_expr(members::Column::NikMasked, Expr::value(twice.nik_masked))
                    .col_expr(
                        members::Column::RegistryStatus,
                        Expr::value(twice.registry_status),
                    )
                    .filter(members::Column::Id.eq(kept.id))
                    .exec(write)
                    .await
                    .map_err(db_failure)?;
            }
        }
        Ok(())
    }
}

/// The record whose values `side` names.
fn from_side<'a>(
    side: MergeSide,
    survivor: &'a households::Model,
    merged: &'a households::Model,
) -> &'a households::Model {
    match side {
        MergeSide::Survivor => survivor,
        MergeSide::Merged => merged,
    }
}

/// The statuses of members who no longer count in the family.
fn not_counting() -> Vec<&'static str> {
    [
        MemberRegistryStatus::Deceased,
        MemberRegistryStatus::Duplicate,
        MemberRegistryStatus::MovedOut,
    ]
    .iter()
    .map(|s| s.code())
    .collect()
}

fn merge_refused(problem: MergeProblem) -> ServiceError {
    ServiceError::Invalid(DomainError::Merge { problem })
}

/// The pairs of the same person name a member of each record, each person
/// once, and the merged record's head among them (a family has one head).
fn check_pairs(
    survivor: &HouseholdFile,
    merged: &HouseholdFile,
    same: &[SamePerson],
) -> Result<(), ServiceError> {
    let counting = |file: &HouseholdFile, id: i64| {
        file.members
            .iter()
            .any(|m| m.id == id && m.member.registry_status.counts_in_family())
    };
    let mut kept = HashSet::new();
    let mut twice = HashSet::new();
    for pair in same {
        if !counting(survivor, pair.kept) || !counting(merged, pair.merged) {
            return Err(merge_refused(MergeProblem::PersonNotInHousehold));
        }
        if !kept.insert(pair.kept) || !twice.insert(pair.merged) {
            return Err(merge_refused(MergeProblem::PersonPairedTwice));
        }
    }
    let head_paired = merged
        .members
        .iter()
        .filter(|m| m.member.registry_status.counts_in_family())
        .filter(|m| m.member.relationship == Relationship::Head)
        .all(|m| twice.contains(&m.id));
    if head_paired {
        Ok(())
    } else {
        Err(merge_refused(MergeProblem::HeadNotPaired))
    }
}

/// The name typed for member `index` of a registration.
fn typed_name(members: &[Member], index: usize) -> String {
    members
        .get(index)
        .map(|m| m.name.clone())
        .unwrap_or_default()
}
