//! Dashboard counters (`area_stats`), kept in the same transaction as the
//! records they count.
//!
//! Each household, case and proposal *contributes* counts to its village
//! (households by desil, a case's state, its complaints and referrals ...).
//! A write takes the contribution of the records it touches before and after
//! the change ([`Touch`]) and adds the difference to the village and to every
//! area above it, up to the nation. [`rebuild`] recounts everything from the
//! records (after bulk loads); [`refresh_villages`] recounts some villages.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::NaiveDate;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, OnConflict, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use shared::case::CaseState;
use shared::cell_key::{RecordKind, record_key};
use shared::clock::Zone;
use shared::dashboard::{desil_key, metric, month_key, resolve_days_key, send_days_key};
use shared::household::Desil;
use shared::programme::ProgrammeKind;

use crate::entities::{
    area_stats, cases, complaints, enrolments, households, members, programmes, proposal_batches,
    proposals, referrals,
};

/// A change of one counter: the count and the sum of the record keys
/// (`shared::cell_key`) of the records counted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Delta {
    pub n: i64,
    pub key: i64,
}

impl Delta {
    fn is_zero(self) -> bool {
        self.n == 0 && self.key == 0
    }

    fn add(&mut self, other: Delta, sign: i64) {
        self.n += sign * other.n;
        self.key += sign * other.key;
    }
}

/// Counts by (village, metric, k1, k2).
pub(crate) type Counts = BTreeMap<(String, &'static str, String, String), Delta>;

/// Rows loaded per query when counting many records.
const CHUNK: usize = 500;

/// Adds `by` records whose keys sum to `key` to one counter of a village.
fn bump(counts: &mut Counts, village: &str, metric: &'static str, k1: &str, k2: &str, by: Delta) {
    if !by.is_zero() {
        counts
            .entry((village.to_string(), metric, k1.to_string(), k2.to_string()))
            .or_default()
            .add(by, 1);
    }
}

/// One record of this kind.
fn one(kind: RecordKind, id: i64) -> Delta {
    Delta {
        n: 1,
        key: record_key(kind, id),
    }
}

/// These members, as people counted.
fn people(members: &[&&members::Model]) -> Delta {
    members.iter().fold(Delta::default(), |mut d, m| {
        d.add(one(RecordKind::Member, m.id), 1);
        d
    })
}

/// The programmes a household receives: those recorded on its file and its open enrolments.
fn programmes_of(details: &str, enrolled: Option<&BTreeSet<String>>) -> BTreeSet<String> {
    let mut codes: BTreeSet<String> = serde_json::from_str::<serde_json::Value>(details)
        .ok()
        .and_then(|v| v.get("programmes").cloned())
        .and_then(|v| serde_json::from_value::<Vec<String>>(v).ok())
        .unwrap_or_default()
        .into_iter()
        .collect();
    if let Some(enrolled) = enrolled {
        codes.extend(enrolled.iter().cloned());
    }
    codes
}

fn count_household(
    counts: &mut Counts,
    row: &households::Model,
    members: &[&members::Model],
    programmes: &BTreeSet<String>,
) {
    if row.status != "active" {
        return;
    }
    let village = row.village_code.as_str();
    let desil = row
        .desil
        .and_then(|d| Desil::new(u8::try_from(d).ok()?).ok());
    let key = desil_key(desil);
    let rank = desil.map_or(0, |d| d.get());
    let living: Vec<&&members::Model> = members.iter().filter(|m| m.is_living()).collect();
    let household = one(RecordKind::Household, row.id);
    let people = people(&living);
    bump(counts, village, metric::HOUSEHOLDS, &key, "", household);
    bump(counts, village, metric::PEOPLE, &key, "", people);
    let has = |kind: ProgrammeKind| programmes.contains(kind.code());
    if (1..=2).contains(&rank) && programmes.is_empty() {
        bump(counts, village, metric::GAP_POOR, "", "", household);
    }
    if (1..=5).contains(&rank) && !has(ProgrammeKind::PbiJk) && !has(ProgrammeKind::PbiApbd) {
        bump(counts, village, metric::GAP_HEALTH, "", "", people);
    }
    if (1..=4).contains(&rank) && !has(ProgrammeKind::KipPip) {
        for member in living {
            let year = member.birth_date.format("%Y").to_string();
            let person = one(RecordKind::Member, member.id);
            bump(counts, village, metric::GAP_EDUCATION, &year, "", person);
        }
    }
}

/// The counts contributed by these households (members, programmes).
async fn count_household_rows<C: ConnectionTrait>(
    db: &C,
    rows: &[households::Model],
    counts: &mut Counts,
) -> Result<(), DbErr> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let people = members::Entity::find()
        .filter(members::Column::HouseholdId.is_in(ids.clone()))
        .all(db)
        .await?;
    let mut by_household: HashMap<i64, Vec<&members::Model>> = HashMap::new();
    for member in &people {
        by_household
            .entry(member.household_id)
            .or_default()
            .push(member);
    }
    let enrolled = enrolments::Entity::find()
        .filter(enrolments::Column::HouseholdId.is_in(ids))
        .filter(enrolments::Column::Until.is_null())
        .all(db)
        .await?;
    let kinds: HashMap<i64, String> = if enrolled.is_empty() {
        HashMap::new()
    } else {
        let ids: BTreeSet<i64> = enrolled.iter().map(|e| e.programme_id).collect();
        programmes::Entity::find()
            .filter(programmes::Column::Id.is_in(ids))
            .all(db)
            .await?
            .into_iter()
            .map(|p| (p.id, p.kind))
            .collect()
    };
    let mut enrolled_kinds: HashMap<i64, BTreeSet<String>> = HashMap::new();
    for enrolment in &enrolled {
        if let Some(kind) = kinds.get(&enrolment.programme_id) {
            enrolled_kinds
                .entry(enrolment.household_id)
                .or_default()
                .insert(kind.clone());
        }
    }
    // A record merged into another counts nothing: its family is counted there.
    for row in rows.iter().filter(|r| r.status != households::MERGED) {
        let members = by_household.get(&row.id).map_or(&[][..], Vec::as_slice);
        let programmes = programmes_of(&row.details, enrolled_kinds.get(&row.id));
        count_household(counts, row, members, &programmes);
    }
    Ok(())
}

/// The counts contributed by these cases (with their complaints and referrals).
async fn count_case_rows<C: ConnectionTrait>(
    db: &C,
    rows: &[cases::Model],
    counts: &mut Counts,
) -> Result<(), DbErr> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let village_of: HashMap<i64, &str> = rows
        .iter()
        .map(|r| (r.id, r.village_code.as_str()))
        .collect();
    for row in rows {
        let village = row.village_code.as_str();
        let case = one(RecordKind::Case, row.id);
        bump(counts, village, metric::CASES, &row.state, "", case);
        let opened = month_key(row.opened_on);
        bump(counts, village, metric::OPENED_MONTH, &opened, "", case);
        let resolved = row.state == CaseState::Resolved.code();
        let finished = resolved || row.state == CaseState::Closed.code();
        if !finished {
            let due = row.due_on.format("%Y-%m-%d").to_string();
            bump(counts, village, metric::OPEN_DUE, &due, "", case);
        }
        if resolved {
            if row.level == shared::case::EscalationLevel::Village.code() {
                bump(counts, village, metric::RESOLVED_LOCAL, "", "", case);
            }
            if let Some(at) = row.closed_at {
                let day: NaiveDate = Zone::of_area(village).today(at);
                let days = (day - row.opened_on).num_days();
                let (days, month) = (resolve_days_key(days), month_key(day));
                bump(counts, village, metric::RESOLVE_DAYS, &days, "", case);
                bump(counts, village, metric::RESOLVED_MONTH, &month, "", case);
            }
        }
    }
    for complaint in complaints::Entity::find()
        .filter(complaints::Column::CaseId.is_in(ids.clone()))
        .all(db)
        .await?
    {
        if let Some(village) = village_of.get(&complaint.case_id) {
            bump(
                counts,
                village,
                metric::COMPLAINTS,
                &complaint.sector,
                &complaint.complaint_type,
                one(RecordKind::Complaint, complaint.id),
            );
        }
    }
    let issued = referrals::Entity::find()
        .filter(referrals::Column::CaseId.is_in(ids))
        .all(db)
        .await?;
    if !issued.is_empty() {
        let programme_ids: BTreeSet<i64> = issued.iter().map(|r| r.programme_id).collect();
        let codes: HashMap<i64, String> = programmes::Entity::find()
            .filter(programmes::Column::Id.is_in(programme_ids))
            .all(db)
            .await?
            .into_iter()
            .map(|p| (p.id, p.code))
            .collect();
        for referral in &issued {
            if let (Some(village), Some(code)) = (
                village_of.get(&referral.case_id),
                codes.get(&referral.programme_id),
            ) {
                let one = one(RecordKind::Referral, referral.id);
                bump(
                    counts,
                    village,
                    metric::REFERRALS,
                    code,
                    &referral.state,
                    one,
                );
            }
        }
    }
    Ok(())
}

async fn count_proposal_rows<C: ConnectionTrait>(
    db: &C,
    rows: &[proposals::Model],
    counts: &mut Counts,
) -> Result<(), DbErr> {
    // When each one's batch was sent, for the days to sending.
    let batch_ids: BTreeSet<i64> = rows.iter().filter_map(|r| r.batch_id).collect();
    let sent: HashMap<i64, chrono::DateTime<chrono::Utc>> = if batch_ids.is_empty() {
        HashMap::new()
    } else {
        proposal_batches::Entity::find()
            .filter(proposal_batches::Column::Id.is_in(batch_ids))
            .all(db)
            .await?
            .into_iter()
            .filter_map(|b| Some((b.id, b.submitted_at?)))
            .collect()
    };
    for row in rows {
        let village = row.village_code.as_str();
        let proposal = one(RecordKind::Proposal, row.id);
        bump(counts, village, metric::PROPOSALS, &row.stage, "", proposal);
        bump(
            counts,
            village,
            metric::PROPOSAL_KINDS,
            &proposal_type(row),
            &row.stage,
            proposal,
        );
        if let Some(at) = row.batch_id.and_then(|b| sent.get(&b)) {
            let zone = Zone::of_area(village);
            let days = (zone.today(*at) - zone.today(row.created_at)).num_days();
            bump(
                counts,
                village,
                metric::SEND_DAYS,
                &send_days_key(days),
                "",
                proposal,
            );
        }
    }
    Ok(())
}

/// The type of change a proposal asks for (its kind, before the change was
/// recorded: the kinds' codes are change types too).
fn proposal_type(row: &proposals::Model) -> String {
    row.change
        .as_deref()
        .and_then(|json| serde_json::from_str::<shared::proposal_change::ProposalChange>(json).ok())
        .map_or_else(|| row.kind.clone(), |c| c.change_type().code().to_string())
}

/// The counts of these households as they are now.
pub(crate) async fn household_counts<C: ConnectionTrait>(
    db: &C,
    ids: &[i64],
) -> Result<Counts, DbErr> {
    let mut counts = Counts::new();
    for chunk in ids.chunks(CHUNK) {
        let rows = households::Entity::find()
            .filter(households::Column::Id.is_in(chunk.iter().copied()))
            .all(db)
            .await?;
        count_household_rows(db, &rows, &mut counts).await?;
    }
    Ok(counts)
}

/// The counts of these cases as they are now.
pub(crate) async fn case_counts<C: ConnectionTrait>(db: &C, ids: &[i64]) -> Result<Counts, DbErr> {
    let mut counts = Counts::new();
    for chunk in ids.chunks(CHUNK) {
        let rows = cases::Entity::find()
            .filter(cases::Column::Id.is_in(chunk.iter().copied()))
            .all(db)
            .await?;
        count_case_rows(db, &rows, &mut counts).await?;
    }
    Ok(counts)
}

/// The counts of these proposals as they are now.
pub(crate) async fn proposal_counts<C: ConnectionTrait>(
    db: &C,
    ids: &[i64],
) -> Result<Counts, DbErr> {
    let mut counts = Counts::new();
    for chunk in ids.chunks(CHUNK) {
        let rows = proposals::Entity::find()
            .filter(proposals::Column::Id.is_in(chunk.iter().copied()))
            .all(db)
            .await?;
        count_proposal_rows(db, &rows, &mut counts).await?;
    }
    Ok(counts)
}

/// The kinds of records that contribute counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Kind {
    Household,
    Case,
    Proposal,
}

/// The counts of these records of one kind as they are now.
async fn counts_of<C: ConnectionTrait>(db: &C, kind: Kind, ids: &[i64]) -> Result<Counts, DbErr> {
    match kind {
        Kind::Household => household_counts(db, ids).await,
        Kind::Case => case_counts(db, ids).await,
        Kind::Proposal => proposal_counts(db, ids).await,
    }
}

/// The records a write changes; their counts are taken before the change
/// and again by [`Touch::settle`], which stores the difference.
#[derive(Debug, Default)]
#[must_use = "a Touch changes the counters only when settled"]
pub(crate) struct Touch {
    before: Counts,
    noted: BTreeMap<Kind, BTreeSet<i64>>,
    /// Set by writes that change no member (the registry import): the
    /// households' name words are then left as they are.
    members_unchanged: bool,
}

impl Touch {
    /// Notes records about to change (their counts now are taken).
    pub async fn note<C: ConnectionTrait>(
        &mut self,
        db: &C,
        kind: Kind,
        ids: &[i64],
    ) -> Result<(), DbErr> {
        let noted = self.noted.entry(kind).or_default();
        let new: Vec<i64> = ids.iter().copied().filter(|id| noted.insert(*id)).collect();
        let counts = counts_of(db, kind, &new).await?;
        add_into(&mut self.before, &counts, 1);
        Ok(())
    }

    /// Notes a record created by this write (it counted nothing before).
    pub fn created(&mut self, kind: Kind, id: i64) {
        self.noted.entry(kind).or_default().insert(id);
    }

    /// Says that this write changes no household's members.
    pub fn members_unchanged(&mut self) {
        self.members_unchanged = true;
    }

    /// Counts the noted records again and stores the difference, and brings
    /// the name words of the noted households in step with their members
    /// (see `households::words`); call it inside the write's transaction,
    /// after the change.
    pub async fn settle<C: ConnectionTrait>(self, db: &C) -> Result<(), DbErr> {
        if !self.members_unchanged
            && let Some(households) = self.noted.get(&Kind::Household)
        {
            let ids: Vec<i64> = households.iter().copied().collect();
            super::households::words::reindex(db, &ids).await?;
        }
        let mut delta = Counts::new();
        for (kind, ids) in &self.noted {
            let ids: Vec<i64> = ids.iter().copied().collect();
            add_into(&mut delta, &counts_of(db, *kind, &ids).await?, 1);
        }
        add_into(&mut delta, &self.before, -1);
        apply(db, &delta).await
    }
}

fn add_into(target: &mut Counts, counts: &Counts, sign: i64) {
    for (key, value) in counts {
        target.entry(key.clone()).or_default().add(*value, sign);
    }
}

/// The area itself and every area above it, with parent and level:
/// `32.09.01.2001` → the village, `32.09.01`, `32.09`, `32` and the nation `""`.
fn lineage(village: &str) -> Vec<(String, Option<String>, i16)> {
    let parts: Vec<&str> = village.split('.').filter(|p| !p.is_empty()).collect();
    let mut out = Vec::with_capacity(parts.len() + 1);
    for depth in (1..=parts.len()).rev() {
        let level = i16::try_from(depth).unwrap_or(4);
        out.push((
            parts[..depth].join("."),
            Some(parts[..depth - 1].join(".")),
            level,
        ));
    }
    out.push((String::new(), None, 0));
    out
}

/// Adds per-village differences to the counters of each village and every area above it.
pub(crate) async fn apply<C: ConnectionTrait>(db: &C, delta: &Counts) -> Result<(), DbErr> {
    type Row = (String, &'static str, String, String);
    let mut rolled: BTreeMap<Row, (Option<String>, i16, Delta)> = BTreeMap::new();
    // Each change also moves the headline totals it belongs to.
    let mut changes: Vec<(&str, &'static str, String, String, Delta)> = Vec::new();
    for ((village, metric, k1, k2), by) in delta {
        if by.is_zero() {
            continue;
        }
        for headline in shared::dashboard::headlines_of(metric, k1, k2) {
            changes.push((
                village,
                metric::HEADLINE,
                headline.to_string(),
                String::new(),
                *by,
            ));
        }
        changes.push((village, metric, k1.clone(), k2.clone(), *by));
    }
    for (village, metric, k1, k2, by) in changes {
        for (area, parent, level) in lineage(village) {
            rolled
                .entry((area, metric, k1.clone(), k2.clone()))
                .or_insert((parent, level, Delta::default()))
                .2
                .add(by, 1);
        }
    }
    let rows: Vec<_> = rolled
        .into_iter()
        .filter(|(_, (_, _, by))| !by.is_zero())
        .collect();
    for chunk in rows.chunks(200) {
        let mut insert = Query::insert();
        insert.into_table(area_stats::Entity).columns([
            area_stats::Column::AreaCode,
            area_stats::Column::ParentCode,
            area_stats::Column::Level,
            area_stats::Column::Metric,
            area_stats::Column::K1,
            area_stats::Column::K2,
            area_stats::Column::Value,
            area_stats::Column::KeySum,
        ]);
        for ((area, metric, k1, k2), (parent, level, by)) in chunk {
            insert
                .values([
                    area.clone().into(),
                    parent.clone().into(),
                    (*level).into(),
                    (*metric).into(),
                    k1.clone().into(),
                    k2.clone().into(),
                    by.n.into(),
                    by.key.into(),
                ])
                .map_err(|e| DbErr::Custom(e.to_string()))?;
        }
        insert.on_conflict(
            OnConflict::columns([
                area_stats::Column::AreaCode,
                area_stats::Column::Metric,
                area_stats::Column::K1,
                area_stats::Column::K2,
            ])
            .value(
                area_stats::Column::Value,
                Expr::col((area_stats::Entity, area_stats::Column::Value)).add(Expr::col((
                    Alias::new("excluded"),
                    area_stats::Column::Value,
                ))),
            )
            .value(
                area_stats::Column::KeySum,
                Expr::col((area_stats::Entity, area_stats::Column::KeySum)).add(Expr::col((
                    Alias::new("excluded"),
                    area_stats::Column::KeySum,
                ))),
            )
            .to_owned(),
        );
        db.execute(&insert).await?;
    }
    Ok(())
}

/// The village-level counters stored for these villages.
async fn stored_village_counts<C: ConnectionTrait>(
    db: &C,
    villages: &[String],
) -> Result<Counts, DbErr> {
    let mut counts = Counts::new();
    for chunk in villages.chunks(CHUNK) {
        for row in area_stats::Entity::find()
            .filter(area_stats::Column::Level.eq(crate::entities::areas::LEVEL_VILLAGE))
            .filter(area_stats::Column::AreaCode.is_in(chunk.iter().cloned()))
            .all(db)
            .await?
        {
            if let Some(metric) = known_metric(&row.metric) {
                bump(
                    &mut counts,
                    &row.area_code,
                    metric,
                    &row.k1,
                    &row.k2,
                    Delta {
                        n: row.value,
                        key: row.key_sum,
                    },
                );
            }
        }
    }
    Ok(counts)
}

fn known_metric(name: &str) -> Option<&'static str> {
    [
        metric::HOUSEHOLDS,
        metric::PEOPLE,
        metric::GAP_POOR,
        metric::GAP_HEALTH,
        metric::GAP_EDUCATION,
        metric::CASES,
        metric::RESOLVED_LOCAL,
        metric::OPEN_DUE,
        metric::RESOLVE_DAYS,
        metric::OPENED_MONTH,
        metric::RESOLVED_MONTH,
        metric::COMPLAINTS,
        metric::REFERRALS,
        metric::PROPOSALS,
        metric::PROPOSAL_KINDS,
        metric::SEND_DAYS,
    ]
    .into_iter()
    .find(|m| *m == name)
}

/// Counts every record of the given villages (or of all villages) from the records.
async fn recount<C: ConnectionTrait>(db: &C, villages: Option<&[String]>) -> Result<Counts, DbErr> {
    let mut counts = Counts::new();
    let mut last = 0_i64;
    loop {
        let mut query = households::Entity::find()
            .filter(households::Column::Id.gt(last))
            .order_by_asc(households::Column::Id)
            .limit(2000);
        if let Some(villages) = villages {
            query = query.filter(households::Column::VillageCode.is_in(villages.iter().cloned()));
        }
        let rows = query.all(db).await?;
        let Some(tail) = rows.last() else { break };
        last = tail.id;
        for chunk in rows.chunks(CHUNK) {
            count_household_rows(db, chunk, &mut counts).await?;
        }
    }
    let mut last = 0_i64;
    loop {
        let mut query = cases::Entity::find()
            .filter(cases::Column::Id.gt(last))
            .order_by_asc(cases::Column::Id)
            .limit(2000);
        if let Some(villages) = villages {
            query = query.filter(cases::Column::VillageCode.is_in(villages.iter().cloned()));
        }
        let rows = query.all(db).await?;
        let Some(tail) = rows.last() else { break };
        last = tail.id;
        for chunk in rows.chunks(CHUNK) {
            count_case_rows(db, chunk, &mut counts).await?;
        }
    }
    let mut query = proposals::Entity::find();
    if let Some(villages) = villages {
        query = query.filter(proposals::Column::VillageCode.is_in(villages.iter().cloned()));
    }
    count_proposal_rows(db, &query.all(db).await?, &mut counts).await?;
    Ok(counts)
}

/// Recounts the given villages from their records and corrects their counters
/// (and those of the areas above them) by the difference.
pub async fn refresh_villages<C: ConnectionTrait>(
    db: &C,
    villages: &[String],
) -> Result<(), DbErr> {
    if villages.is_empty() {
        return Ok(());
    }
    let mut delta = recount(db, Some(villages)).await?;
    add_into(&mut delta, &stored_village_counts(db, villages).await?, -1);
    apply(db, &delta).await
}

/// Throws every counter away and counts everything again from the records
/// (after bulk loads that bypass the services, or to repair).
pub async fn rebuild<C: ConnectionTrait>(db: &C) -> Result<(), DbErr> {
    area_stats::Entity::delete_many().exec(db).await?;
    let counts = recount(db, None).await?;
    apply(db, &counts).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_village_rolls_up_to_the_nation() {
        let lineage = lineage("32.09.01.2001");
        let codes: Vec<&str> = lineage.iter().map(|(c, _, _)| c.as_str()).collect();
        assert_eq!(codes, ["32.09.01.2001", "32.09.01", "32.09", "32", ""]);
        assert_eq!(lineage[0].1.as_deref(), Some("32.09.01"));
        assert_eq!(lineage[3].1.as_deref(), Some(""));
        assert_eq!(lineage[4].1, None);
        let levels: Vec<i16> = lineage.iter().map(|(_, _, l)| *l).collect();
        assert_eq!(levels, [4, 3, 2, 1, 0]);
    }

    #[test]
    fn programmes_come_from_the_file_and_open_enrolments() {
        let enrolled: BTreeSet<String> = ["pkh".to_string()].into();
        let got = programmes_of(
            r#"{"programmes":["kip_pip"],"housing":{}}"#,
            Some(&enrolled),
        );
        assert_eq!(got, ["kip_pip".to_string(), "pkh".to_string()].into());
        assert!(programmes_of("not json", None).is_empty());
    }
}
