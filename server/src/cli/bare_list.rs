//! `slrt bare-list`: the yardstick of the benchmark's read phase. axum and sqlx
//! reading what the case list shows (a page of one village's cases, earliest
//! deadline first, with the head of family and the first complaint's type, and
//! the total), with no session, access rule, audit or rendering: the list
//! server function is measured against it in the same run.

use std::net::SocketAddr;

use anyhow::Context;
use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::routing::get;
use sea_orm::sqlx::{self, Row};
use sea_orm::{DatabaseBackend, DatabaseConnection};
use serde::{Deserialize, Serialize};

/// Rows of one page, as the case list.
const PER_PAGE: i64 = 25;

const PAGE_SQL: &str = "SELECT c.id, c.number, c.state, c.opened_on, c.due_on, h.head_name, \
     (SELECT complaint_type FROM complaints WHERE case_id = c.id ORDER BY id LIMIT 1) AS complaint_type \
     FROM cases c JOIN households h ON h.id = c.household_id \
     WHERE c.village_code = $1 ORDER BY c.due_on, c.id LIMIT $2 OFFSET $3";
const COUNT_SQL: &str = "SELECT COUNT(*) AS total FROM cases WHERE village_code = $1";

#[derive(Debug, Deserialize)]
struct ListQuery {
    village: String,
    #[serde(default)]
    page: i64,
}

#[derive(Debug, Serialize)]
struct Row25 {
    id: i64,
    number: String,
    state: String,
    opened_on: String,
    due_on: String,
    head_name: String,
    complaint_type: Option<String>,
}

#[derive(Debug, Serialize)]
struct ListPage {
    items: Vec<Row25>,
    total: i64,
}

/// Serves `GET /cases?village=<code>&page=<n>` on `listen` until stopped.
pub async fn serve(db: DatabaseConnection, listen: SocketAddr) -> anyhow::Result<()> {
    let router = axum::Router::new()
        .route("/cases", get(list))
        .with_state(db);
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("cannot listen on {listen}"))?;
    tracing::info!("bare list endpoint on http://{listen}/cases");
    axum::serve(listener, router).await?;
    Ok(())
}

async fn list(
    State(db): State<DatabaseConnection>,
    Query(query): Query<ListQuery>,
) -> Result<Json<ListPage>, (StatusCode, String)> {
    let offset = query.page.max(1).saturating_sub(1) * PER_PAGE;
    let failed = |error: sqlx::Error| (StatusCode::SERVICE_UNAVAILABLE, error.to_string());
    // The same statements on either engine's own pool (row types differ per engine).
    macro_rules! read_page {
        ($pool:expr) => {{
            let pool = $pool;
            let total: i64 = sqlx::query(COUNT_SQL)
                .bind(&query.village)
                .fetch_one(pool)
                .await
                .and_then(|row| row.try_get("total"))
                .map_err(failed)?;
            let rows = sqlx::query(PAGE_SQL)
                .bind(&query.village)
                .bind(PER_PAGE)
                .bind(offset)
                .fetch_all(pool)
                .await
                .map_err(failed)?;
            let items = rows
                .iter()
                .map(|row| {
                    Ok(Row25 {
                        id: row.try_get("id")?,
                        number: row.try_get("number")?,
                        state: row.try_get("state")?,
                        opened_on: row
                            .try_get::<chrono::NaiveDate, _>("opened_on")?
                            .to_string(),
                        due_on: row.try_get::<chrono::NaiveDate, _>("due_on")?.to_string(),
                        head_name: row.try_get("head_name")?,
                        complaint_type: row.try_get("complaint_type")?,
                    })
                })
                .collect::<Result<Vec<_>, sqlx::Error>>()
                .map_err(failed)?;
            ListPage { items, total }
        }};
    }
    let page = match db.get_database_backend() {
        DatabaseBackend::Postgres => read_page!(db.get_postgres_connection_pool()),
        _ => read_page!(db.get_sqlite_connection_pool()),
    };
    Ok(Json(page))
}
