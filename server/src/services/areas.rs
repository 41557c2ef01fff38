//! Administrative areas: counts for the home page, scoped to the actor's area.

use async_trait::async_trait;
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, Select,
};
use shared::contract::{Actor, AreaService, ServiceError};
use shared::dto::HomeSummary;

use super::db_failure;
use crate::entities::areas;

/// Level numbers stored in `areas.level`.
pub const LEVEL_PROVINCE: i16 = 1;
pub const LEVEL_DISTRICT: i16 = 2;
pub const LEVEL_SUBDISTRICT: i16 = 3;
pub const LEVEL_VILLAGE: i16 = 4;

/// [`AreaService`] on the portal database.
pub struct DbAreaService {
    db: DatabaseConnection,
}

impl DbAreaService {
    pub fn new(db: DatabaseConnection) -> Self {
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
}
