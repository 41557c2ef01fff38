//! Exports read page by page: a list's query is counted and bounded to the rows
//! that exist when the export opens (the count its audit entry holds), then
//! walked in the list's own order by keyset (the order's columns, the id last),
//! one page at a time, so that any number of rows leaves in bounded memory.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use async_trait::async_trait;
use sea_orm::sea_query::{Func, ValueTuple};
use sea_orm::{
    ColumnTrait, Cursor, EntityTrait, FromQueryResult, QueryFilter, QuerySelect, QueryTrait,
    Select, SelectModel,
};
use shared::contract::{Actor, ServiceError};
use shared::export::{ExportPages, ExportRows};
use shared::geo::AreaScope;

use super::common::own_scope;
use super::db_failure;
use super::store::Store;
use crate::entities::areas;

/// Rows an export reads from the database at once, unless configured otherwise.
pub const EXPORT_PAGE_ROWS: u64 = 1000;

/// What the rows of one page become (names looked up, numbers masked).
pub(crate) type RowsOf<M, T> = Arc<
    dyn Fn(Vec<M>) -> Pin<Box<dyn Future<Output = Result<Vec<T>, ServiceError>> + Send>>
        + Send
        + Sync,
>;

/// Wraps an async function of a page's rows as [`RowsOf`].
pub(crate) fn rows_of<M, T, F, Fut>(make: F) -> RowsOf<M, T>
where
    F: Fn(Vec<M>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<Vec<T>, ServiceError>> + Send + 'static,
{
    Arc::new(move |rows| Box::pin(make(rows)))
}

/// How a list is ordered, for walking it by keyset.
pub(crate) struct Order<E: EntityTrait> {
    /// The cursor over the order's columns, the id last (it makes each key unique).
    pub cursor: fn(Select<E>) -> Cursor<SelectModel<E::Model>>,
    /// Largest first (every column of the key the same way).
    pub descending: bool,
    /// A row's values of the key's columns, in the same order.
    pub key: fn(&E::Model) -> ValueTuple,
}

/// One export's walk through its list.
struct Keyset<E: EntityTrait, T> {
    db: Store,
    /// The list's filtered query, bounded to the ids that existed when it opened.
    query: Select<E>,
    order: Order<E>,
    rows_of: RowsOf<E::Model, T>,
    page_rows: u64,
    /// The key of the last row handed out.
    after: Option<ValueTuple>,
    done: bool,
}

#[async_trait]
impl<E, T> ExportPages<T> for Keyset<E, T>
where
    E: EntityTrait,
    E::Model: FromQueryResult + Send + Sync,
    T: Send + 'static,
{
    async fn next_page(&mut self) -> Result<Option<Vec<T>>, ServiceError> {
        if self.done {
            return Ok(None);
        }
        let mut cursor = (self.order.cursor)(self.query.clone());
        if self.order.descending {
            cursor.desc();
        }
        if let Some(after) = self.after.clone() {
            cursor.after(after);
        }
        cursor.first(self.page_rows);
        let models = cursor.all(&self.db).await.map_err(db_failure)?;
        if (models.len() as u64) < self.page_rows {
            self.done = true;
        }
        let Some(last) = models.last() else {
            self.done = true;
            return Ok(None);
        };
        let key = (self.order.key)(last);
        if self.after.as_ref() == Some(&key) {
            // A key that does not move would hand out the same page forever.
            tracing::error!(?key, "an export's keyset did not advance");
            return Err(ServiceError::Internal);
        }
        self.after = Some(key);
        (self.rows_of)(models).await.map(Some)
    }
}

/// Opens an export of `query` (filtered, in any order): counts its rows,
/// bounds it to the ids that exist now (rows added later are left out, so the
/// count stays true), and walks it in `order`, `page_rows` at a time.
pub(crate) async fn open<E, T>(
    db: &Store,
    query: Select<E>,
    id: E::Column,
    order: Order<E>,
    page_rows: u64,
    rows_of: RowsOf<E::Model, T>,
) -> Result<(u64, Box<dyn ExportPages<T>>), ServiceError>
where
    E: EntityTrait,
    E::Column: ColumnTrait,
    E::Model: FromQueryResult + Send + Sync,
    T: Send + 'static,
{
    let mut counting = query.clone();
    QueryTrait::query(&mut counting).clear_order_by();
    let (count, highest): (i64, Option<i64>) = counting
        .select_only()
        .expr_as(Func::count(id.into_expr()), "n")
        .expr_as(Func::max(id.into_expr()), "highest")
        .into_tuple()
        .one(db)
        .await
        .map_err(db_failure)?
        .unwrap_or((0, None));
    let total = u64::try_from(count).unwrap_or(0);
    let pages = Keyset {
        db: db.clone(),
        query: query.filter(id.lte(highest.unwrap_or(0))),
        order,
        rows_of,
        page_rows: page_rows.max(1),
        after: None,
        done: highest.is_none(),
    };
    Ok((total, Box::new(pages)))
}

/// An opened export's rows under the name of the area they cover.
pub(crate) fn rows<T>(
    area_name: String,
    (total, pages): (u64, Box<dyn ExportPages<T>>),
) -> ExportRows<T> {
    ExportRows {
        area_name,
        total,
        pages,
    }
}

/// The name of the area `scope` (for a file's title): the actor's own as the
/// session knows it (an institution's name for its staff), else as stored.
pub(crate) async fn area_name(
    db: &Store,
    actor: &Actor,
    scope: &AreaScope,
) -> Result<String, ServiceError> {
    if own_scope(actor)? == *scope {
        return Ok(actor.area_name.clone());
    }
    match scope {
        AreaScope::National => Ok("Indonesia".to_string()),
        AreaScope::Area(code) => Ok(areas::Entity::find_by_id(code.as_str().to_string())
            .one(db)
            .await
            .map_err(db_failure)?
            .map_or_else(|| code.as_str().to_string(), |area| area.name)),
    }
}
