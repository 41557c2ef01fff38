//! Administrative areas: counts for the home page, scoped to the actor's area.

use async_trait::async_trait;
use std::collections::HashMap;

use sea_orm::{
    ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
    Select,
};
use shared::access::{Action, Target};
use shared::contract::{Actor, AreaService, ServiceError};
use shared::dto::{HomeSummary, VillageOption};

use super::common::{Subject, authorize, own_scope};
use super::db_failure;
use super::store::Store;
use crate::entities::areas;

pub use crate::entities::areas::{
    LEVEL_DISTRICT, LEVEL_PROVINCE, LEVEL_SUBDISTRICT, LEVEL_VILLAGE,
};

/// [`AreaService`] on the portal database.
pub struct DbAreaService {
    db: Store,
}

impl DbAreaService {
    pub fn new(db: Store) -> Self {
        DbAreaService { db }
    }
}

/// Restricts an area query to `code` and the areas below it (all areas when `None`).
/// Uses a range on the code (`"32.09."` ≤ code < `"32.09/"`) so the index serves it.
pub fn within(query: Select<areas::Entity>, code: Option<&str>) -> Select<areas::Entity> {
    match code {
        Some(code) => query.filter(
            Condition::any().add(areas::Column::Code.eq(code)).add(
                Condition::all()
                    .add(areas::Column::Code.gte(format!("{code}.")))
                    .add(areas::Column::Code.lt(format!("{code}/"))),
            ),
        ),
        None => query,
    }
}

#[async_trait]
impl AreaService for DbAreaService {
    async fn home_summary(&self, actor: &Actor) -> Result<HomeSummary, ServiceError> {
        let count = |level: i16| {
            within(areas::Entity::find(), actor.area_code.as_deref())
                .filter(areas::Column::Level.eq(level))
                .count(&self.db)
        };
        let village_count = count(LEVEL_VILLAGE).await.map_err(db_failure)?;
        let subdistrict_count = count(LEVEL_SUBDISTRICT).await.map_err(db_failure)?;
        Ok(HomeSummary {
            village_count,
            subdistrict_count,
        })
    }

    async fn villages(&self, actor: &Actor) -> Result<Vec<VillageOption>, ServiceError> {
        /// More villages than any district has: a national actor gets a bounded list.
        const LIMIT: u64 = 2_000;
        authorize(
            &self.db,
            actor,
            Action::RegisterHousehold,
            &Target::area(own_scope(actor)?),
            Subject::kind("village_list"),
        )
        .await?;
        let area = actor.area_code.as_deref();
        let villages = within(areas::Entity::find(), area)
            .filter(areas::Column::Level.eq(LEVEL_VILLAGE))
            .order_by_asc(areas::Column::Code)
            .limit(LIMIT)
            .all(&self.db)
            .await
            .map_err(db_failure)?;
        let subdistricts: HashMap<String, String> = within(areas::Entity::find(), area)
            .filter(areas::Column::Level.eq(LEVEL_SUBDISTRICT))
            .all(&self.db)
            .await
            .map_err(db_failure)?
            .into_iter()
            .map(|row| (row.code, row.name))
            .collect();
        // A village user's own sub-district lies above their area: look it up by code.
        let parent_of = |code: &str| code.rsplit_once('.').map(|(parent, _)| parent.to_string());
        let mut names = subdistricts;
        for parent in villages.iter().filter_map(|v| parent_of(&v.code)) {
            if !names.contains_key(&parent)
                && let Some(row) = areas::Entity::find_by_id(parent.clone())
                    .one(&self.db)
                    .await
                    .map_err(db_failure)?
            {
                names.insert(parent, row.name);
            }
        }
        Ok(villages
            .into_iter()
            .map(|village| VillageOption {
                subdistrict: parent_of(&village.code)
                    .and_then(|parent| names.get(&parent).cloned())
                    .unwrap_or_default(),
                code: village.code,
                name: village.name,
            })
            .collect())
    }
}
