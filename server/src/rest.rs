//! Plain HTTP endpoints beside the server functions: downloads that a browser
//! opens as a link (CSV exports). Every endpoint is listed in [`ROUTES`], which
//! the router is built from and the access-matrix test walks, so an endpoint
//! cannot be added without being tested for who may call it.

use axum::Extension;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get};
use shared::account::AuditFilter;
use shared::contract::{Actor, ServiceError};
use shared::dto::{CaseListQuery, HouseholdListQuery};

use crate::services::audit::{csv_text, spreadsheet_safe};
use crate::web::AppState;

/// One REST endpoint: method, path and the axum handler.
pub struct RestRoute {
    /// HTTP method, upper case.
    pub method: &'static str,
    /// Path as routed.
    pub path: &'static str,
    /// Builds the handler.
    pub handler: fn() -> MethodRouter<AppState>,
}

/// Every REST endpoint of the portal.
pub const ROUTES: &[RestRoute] = &[
    RestRoute {
        method: "GET",
        path: AUDIT_CSV,
        handler: || get(audit_csv),
    },
    RestRoute {
        method: "GET",
        path: CASES_CSV,
        handler: || get(cases_csv),
    },
    RestRoute {
        method: "GET",
        path: HOUSEHOLDS_CSV,
        handler: || get(households_csv),
    },
];

/// The household list as CSV (the list's filters as query parameters; No KK masked; audited).
pub const HOUSEHOLDS_CSV: &str = "/unduh/keluarga.csv";

/// The case list as CSV (the list's filters as query parameters; audited as an export).
pub const CASES_CSV: &str = "/unduh/kasus.csv";

/// The audit log as CSV (administrators; filters as query parameters).
pub const AUDIT_CSV: &str = "/unduh/audit.csv";

/// Whether `path` is one of the REST endpoints.
pub fn is_rest(path: &str) -> bool {
    ROUTES.iter().any(|route| route.path == path)
}

/// A service error as an HTTP answer with the Indonesian message.
pub fn error_response(error: &ServiceError) -> Response {
    let status = match error {
        ServiceError::Unauthenticated => StatusCode::UNAUTHORIZED,
        ServiceError::InvalidCredentials | ServiceError::AccountDisabled => {
            StatusCode::UNAUTHORIZED
        }
        ServiceError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
        ServiceError::Forbidden => StatusCode::FORBIDDEN,
        ServiceError::NotFound => StatusCode::NOT_FOUND,
        ServiceError::DuplicateNoKk | ServiceError::DuplicateNik | ServiceError::Conflict => {
            StatusCode::CONFLICT
        }
        ServiceError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
        ServiceError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
    };
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        format!("{error}\n{}\n", error.message_en()),
    )
        .into_response()
}

/// A CSV download with a dated file name.
fn csv_download(stem: &str, body: String) -> Response {
    let day = (chrono::Utc::now() + chrono::Duration::hours(7)).format("%Y%m%d");
    let disposition = format!("attachment; filename=\"{stem}-{day}.csv\"");
    let mut response = (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        // A byte-order mark so spreadsheet programs read the text as UTF-8.
        format!("\u{feff}{body}"),
    )
        .into_response();
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        response
            .headers_mut()
            .insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

async fn audit_csv(
    State(state): State<AppState>,
    actor: Option<Extension<Actor>>,
    Query(filter): Query<AuditFilter>,
) -> Response {
    let Some(Extension(actor)) = actor else {
        return error_response(&ServiceError::Unauthenticated);
    };
    match state.services.audit.export_csv(&actor, filter).await {
        Ok(body) => csv_download("audit", body),
        Err(error) => error_response(&error),
    }
}

async fn cases_csv(
    State(state): State<AppState>,
    actor: Option<Extension<Actor>>,
    Query(query): Query<CaseListQuery>,
) -> Response {
    let Some(Extension(actor)) = actor else {
        return error_response(&ServiceError::Unauthenticated);
    };
    let cases = match state.services.cases.export(&actor, query.filter()).await {
        Ok(cases) => cases,
        Err(error) => return error_response(&error),
    };
    let text = csv_text(
        &[
            "nomor",
            "dibuka",
            "kepala_keluarga",
            "desa",
            "status",
            "tingkat",
            "jenis",
            "sektor",
            "urgensi",
            "batas_waktu",
            "terlambat",
        ],
        cases.iter().map(|case| {
            vec![
                case.number.clone(),
                case.opened_on.to_string(),
                spreadsheet_safe(&case.head_name),
                case.village.as_str().to_string(),
                case.status.state.label_id().to_string(),
                case.status.level.label_id().to_string(),
                case.complaint_type.label_id().to_string(),
                case.sector.label_id().to_string(),
                case.urgency.label_id().to_string(),
                case.deadline.due.to_string(),
                if case.overdue { "ya" } else { "tidak" }.to_string(),
            ]
        }),
    );
    match text {
        Ok(text) => csv_download("kasus", text),
        Err(error) => error_response(&error),
    }
}

async fn households_csv(
    State(state): State<AppState>,
    actor: Option<Extension<Actor>>,
    Query(query): Query<HouseholdListQuery>,
) -> Response {
    let Some(Extension(actor)) = actor else {
        return error_response(&ServiceError::Unauthenticated);
    };
    let households = match state
        .services
        .households
        .export(&actor, query.filter())
        .await
    {
        Ok(households) => households,
        Err(error) => return error_response(&error),
    };
    let text = csv_text(
        &[
            "no_kk",
            "kepala_keluarga",
            "kode_desa",
            "desa",
            "desil",
            "anggota",
        ],
        households.iter().map(|household| {
            vec![
                household.no_kk_masked.clone(),
                spreadsheet_safe(&household.head_name),
                household.village.as_str().to_string(),
                spreadsheet_safe(&household.village_name),
                household
                    .desil
                    .map(|desil| desil.get().to_string())
                    .unwrap_or_default(),
                household.member_count.to_string(),
            ]
        }),
    );
    match text {
        Ok(text) => csv_download("keluarga", text),
        Err(error) => error_response(&error),
    }
}
