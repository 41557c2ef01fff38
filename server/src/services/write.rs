//! The one write path of the services. A [`Write`] is a write transaction
//! (holding its turn in the write queue), the counters its records move
//! ([`Touch`]) and the audit entry it commits with:
//!
//! ```text
//! let record = self.authorized_case(actor, action, id).await?;   // load in area, check rule
//! let write = self.db.change(Kind::Case, &[record.id]).await?;     // turn, counts before
//! let version = write.update::<cases::Entity>(record.id, seen, update).await?; // guarded by version
//! write.audit(entry(actor, "...", subject, area).detail(diff)).await?;
//! write.commit().await?;                                           // counters settled, committed
//! ```
//!
//! Dropping a [`Write`] without committing rolls everything back, counters
//! included. Every step answers in [`ServiceError`]s: a database failure is
//! `Unavailable` (transient, retried by the browser), a version that moved on
//! is `Conflict`.

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelBehavior, ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait,
    IntoActiveModel, PrimaryKeyTrait, QueryFilter, Set, UpdateMany,
};
use shared::access::{Action, Target};
use shared::contract::{Actor, ServiceError};
use shared::geo::AreaCode;
use shared::workflow::StateChange;

use super::audit_entry::{self, Entry, Outcome};
use super::common::{Subject, authorize, earlier_result, remember_result, stored_area};
use super::db_failure;
use super::numbering::is_unique_violation;
use super::stats::{Kind, Touch};
use super::store::{Store, WriteTx};
use crate::entities;

/// One write in progress: see the module's documentation.
#[derive(Debug)]
#[must_use = "a write is rolled back unless committed"]
pub(crate) struct Write {
    tx: WriteTx,
    touch: Touch,
}

impl Store {
    /// Begins a write that changes these records (their counts are taken now,
    /// and settled by [`Write::commit`]).
    pub(crate) async fn change(&self, kind: Kind, ids: &[i64]) -> Result<Write, ServiceError> {
        let mut write = self.begin_write().await?;
        write.touch(kind, ids).await?;
        Ok(write)
    }

    /// Begins a write; what it changes that dashboards count is noted with
    /// [`Write::touch`] or [`Write::created`].
    pub(crate) async fn begin_write(&self) -> Result<Write, ServiceError> {
        Ok(Write {
            tx: self.write().await?,
            touch: Touch::default(),
        })
    }
}

impl Write {
    /// Notes more records this write changes (their counts are taken now).
    pub(crate) async fn touch(&mut self, kind: Kind, ids: &[i64]) -> Result<(), ServiceError> {
        self.touch
            .note(&self.tx, kind, ids)
            .await
            .map_err(db_failure)
    }

    /// Notes a household with every case and proposal of it (a move takes them along).
    pub(crate) async fn touch_household_and_its_records(
        &mut self,
        household_id: i64,
    ) -> Result<(), ServiceError> {
        let case_ids: Vec<i64> = entities::cases::Entity::find()
            .filter(entities::cases::Column::HouseholdId.eq(household_id))
            .all(&self.tx)
            .await
            .map_err(db_failure)?
            .into_iter()
            .map(|c| c.id)
            .collect();
        let proposal_ids: Vec<i64> = entities::proposals::Entity::find()
            .filter(entities::proposals::Column::HouseholdId.eq(household_id))
            .all(&self.tx)
            .await
            .map_err(db_failure)?
            .into_iter()
            .map(|p| p.id)
            .collect();
        self.touch(Kind::Household, &[household_id]).await?;
        self.touch(Kind::Case, &case_ids).await?;
        self.touch(Kind::Proposal, &proposal_ids).await
    }

    /// Notes a record this write created (it counted nothing before).
    pub(crate) fn created(&mut self, kind: Kind, id: i64) {
        self.touch.created(kind, id);
    }

    /// Inserts a row and returns it as stored.
    pub(crate) async fn insert<A>(
        &self,
        row: A,
    ) -> Result<<A::Entity as EntityTrait>::Model, ServiceError>
    where
        A: ActiveModelTrait + ActiveModelBehavior + Send,
        <A::Entity as EntityTrait>::Model: IntoActiveModel<A>,
    {
        row.insert(&self.tx).await.map_err(db_failure)
    }

    /// Inserts a row that carries a number from a counter. `None` when the
    /// number was taken meanwhile (by a record numbered outside the counter):
    /// the caller drops this write and tries again with the next number.
    pub(crate) async fn insert_numbered<A>(
        &self,
        row: A,
    ) -> Result<Option<<A::Entity as EntityTrait>::Model>, ServiceError>
    where
        A: ActiveModelTrait + ActiveModelBehavior + Send,
        <A::Entity as EntityTrait>::Model: IntoActiveModel<A>,
    {
        match row.insert(&self.tx).await {
            Ok(stored) => Ok(Some(stored)),
            Err(error) if is_unique_violation(&error) => {
                tracing::warn!(%error, "number taken, taking the next");
                Ok(None)
            }
            Err(error) => Err(db_failure(error)),
        }
    }

    /// The guarded update of a versioned record: `update`'s columns, the time
    /// and the next version, only where the record still has the version the
    /// client saw (`Conflict` otherwise). Returns the new version.
    pub(crate) async fn update<E: Versioned>(
        &self,
        id: i64,
        seen: i32,
        update: UpdateMany<E>,
    ) -> Result<i32, ServiceError> {
        let result = update
            .col_expr(E::updated_at(), Expr::value(Utc::now()))
            .col_expr(E::version(), Expr::value(seen + 1))
            .filter(E::id().eq(id))
            .filter(E::version().eq(seen))
            .exec(&self.tx)
            .await
            .map_err(db_failure)?;
        if result.rows_affected == 1 {
            Ok(seen + 1)
        } else {
            Err(ServiceError::Conflict)
        }
    }

    /// Writes the audit entry of this change (committed with it, or not at all).
    pub(crate) async fn audit(&self, entry: Entry<'_>) -> Result<(), ServiceError> {
        audit_entry::record(&self.tx, entry, Outcome::Ok)
            .await
            .map_err(db_failure)
    }

    /// Commits a keyed create ([`super::common::remember_result`]): remembers
    /// that the idempotency `key` made record `id`, settles and commits, and
    /// answers `id`. When another request with the same key got there first,
    /// rolls this write back and answers with that request's record.
    pub(crate) async fn commit_keyed(
        self,
        store: &Store,
        actor: &Actor,
        key: &str,
        object_type: &str,
        id: i64,
    ) -> Result<i64, ServiceError> {
        if remember_result(&self.tx, actor, key, object_type, id)
            .await
            .is_err()
        {
            drop(self);
            return earlier_result(store, actor, key, object_type)
                .await?
                .ok_or(ServiceError::Conflict);
        }
        self.commit().await?;
        Ok(id)
    }

    /// Settles the counters and commits; the turn in the queue passes on.
    pub(crate) async fn commit(self) -> Result<(), ServiceError> {
        self.touch.settle(&self.tx).await.map_err(db_failure)?;
        self.tx.commit().await.map_err(db_failure)
    }

    /// Appends a step by `actor` to the timeline of record `id`.
    pub(crate) async fn step(
        &self,
        timeline: Timeline,
        id: i64,
        actor: &Actor,
        step: Step<'_>,
    ) -> Result<(), ServiceError> {
        // The three timelines keep the same columns under their own owner column.
        macro_rules! insert_into {
            ($table:ident, $owner:ident) => {
                entities::$table::ActiveModel {
                    $owner: Set(id),
                    at: Set(Utc::now()),
                    actor_user_id: Set(Some(actor.user_id)),
                    actor_role: Set(Some(actor.role.code().to_string())),
                    action: Set(step.action.to_string()),
                    from_state: Set(step.from),
                    to_state: Set(step.to.to_string()),
                    note: Set(step.note),
                    ..Default::default()
                }
                .insert(&self.tx)
                .await
                .map(|_| ())
            };
        }
        match timeline {
            Timeline::Case => insert_into!(case_events, case_id),
            Timeline::Referral => insert_into!(referral_events, referral_id),
            Timeline::Proposal => insert_into!(proposal_events, proposal_id),
        }
        .map_err(db_failure)
    }
}

super::store::delegate_connection!(Write, tx);

/// The records that keep a timeline of their steps.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Timeline {
    Case,
    Referral,
    Proposal,
}

/// One step in a timeline: what was done, from which state to which, and why.
#[derive(Debug, Clone)]
pub(crate) struct Step<'a> {
    pub action: &'a str,
    pub from: Option<String>,
    pub to: &'a str,
    pub note: Option<String>,
}

impl<'a> From<&'a StateChange> for Step<'a> {
    /// The step a workflow took.
    fn from(change: &'a StateChange) -> Self {
        Step {
            action: &change.action,
            from: Some(change.from.clone()),
            to: &change.to,
            note: change.note.clone(),
        }
    }
}

/// A record kept with a version (bumped by every change) and the time of its last change.
pub(crate) trait Versioned: EntityTrait {
    fn id() -> Self::Column;
    fn version() -> Self::Column;
    fn updated_at() -> Self::Column;
}

macro_rules! versioned {
    ($($table:ident),* $(,)?) => {$(
        impl Versioned for entities::$table::Entity {
            fn id() -> Self::Column {
                entities::$table::Column::Id
            }
            fn version() -> Self::Column {
                entities::$table::Column::Version
            }
            fn updated_at() -> Self::Column {
                entities::$table::Column::UpdatedAt
            }
        }
    )*};
}

versioned!(
    cases,
    households,
    institutions,
    members,
    programmes,
    proposal_batches,
    proposals,
    referrals,
    users,
    village_meetings,
);

/// Loads one record by its id; `NotFound` when there is none.
pub(crate) async fn load<E>(db: &impl ConnectionTrait, id: i64) -> Result<E::Model, ServiceError>
where
    E: EntityTrait,
    <E::PrimaryKey as PrimaryKeyTrait>::ValueType: From<i64>,
{
    E::find_by_id(id)
        .one(db)
        .await
        .map_err(db_failure)?
        .ok_or(ServiceError::NotFound)
}

/// A record kept in one village: the area its access rules are checked on.
pub(crate) trait InVillage: EntityTrait {
    fn village_code(row: &Self::Model) -> &str;
}

macro_rules! in_village {
    ($($table:ident),* $(,)?) => {$(
        impl InVillage for entities::$table::Entity {
            fn village_code(row: &Self::Model) -> &str {
                &row.village_code
            }
        }
    )*};
}

in_village!(cases, households, proposals, village_meetings);

/// Loads a record and checks that `actor` may do `action` in its village (a
/// refusal is audited about `subject`): the record and its village.
pub(crate) async fn load_in_area<E>(
    db: &Store,
    actor: &Actor,
    action: Action,
    id: i64,
    subject: Subject<'_>,
) -> Result<(E::Model, AreaCode), ServiceError>
where
    E: InVillage,
    <E::PrimaryKey as PrimaryKeyTrait>::ValueType: From<i64>,
{
    let row = load::<E>(db, id).await?;
    let village = stored_area(E::village_code(&row))?;
    authorize(db, actor, action, &Target::area(village.clone()), subject).await?;
    Ok((row, village))
}

/// Loads a record of flow B (a meeting, a proposal's visit) for reading: it
/// names families, so the actor needs both the right to see personal data in
/// its village and to work on proposals there (a refusal is audited).
pub(crate) async fn load_for_proposal_work<E>(
    db: &Store,
    actor: &Actor,
    id: i64,
    subject: Subject<'_>,
) -> Result<(E::Model, AreaCode), ServiceError>
where
    E: InVillage,
    <E::PrimaryKey as PrimaryKeyTrait>::ValueType: From<i64>,
{
    let (row, village) =
        load_in_area::<E>(db, actor, Action::ViewPersonalData, id, subject).await?;
    authorize(
        db,
        actor,
        Action::ChangeProposal,
        &Target::area(village.clone()),
        subject,
    )
    .await?;
    Ok((row, village))
}
