//! Downloads: plain HTTP endpoints beside the server functions, opened by the
//! browser as a link (the lists' exports, see [`crate::export`]; a batch's
//! submission file; dashboard tables; documents). Every endpoint is listed in [`ROUTES`], which
//! the router is built from and the access-matrix test walks, so an endpoint
//! cannot be added without being tested for who may call it.

use axum::Extension;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get};
use shared::clock::Zone;
use shared::contract::{Actor, ServiceError};

use crate::export::lists;
use crate::services::spreadsheet::{csv_text, spreadsheet_safe};
use crate::web::AppState;

/// One download: method, path and the axum handler.
pub struct DownloadRoute {
    /// HTTP method, upper case.
    pub method: &'static str,
    /// Path as routed.
    pub path: &'static str,
    /// Builds the handler.
    pub handler: fn() -> MethodRouter<AppState>,
}

/// Every download of the portal.
pub const ROUTES: &[DownloadRoute] = &[
    DownloadRoute {
        method: "GET",
        path: AUDIT_CSV,
        handler: || lists::AUDIT.route(false),
    },
    DownloadRoute {
        method: "GET",
        path: AUDIT_XLSX,
        handler: || lists::AUDIT.route(true),
    },
    DownloadRoute {
        method: "GET",
        path: CASES_CSV,
        handler: || lists::CASES.route(false),
    },
    DownloadRoute {
        method: "GET",
        path: CASES_XLSX,
        handler: || lists::CASES.route(true),
    },
    DownloadRoute {
        method: "GET",
        path: HOUSEHOLDS_CSV,
        handler: || lists::HOUSEHOLDS.route(false),
    },
    DownloadRoute {
        method: "GET",
        path: HOUSEHOLDS_XLSX,
        handler: || lists::HOUSEHOLDS.route(true),
    },
    DownloadRoute {
        method: "GET",
        path: PROPOSALS_CSV,
        handler: || lists::PROPOSALS.route(false),
    },
    DownloadRoute {
        method: "GET",
        path: PROPOSALS_XLSX,
        handler: || lists::PROPOSALS.route(true),
    },
    DownloadRoute {
        method: "GET",
        path: REFERRALS_CSV,
        handler: || lists::REFERRALS.route(false),
    },
    DownloadRoute {
        method: "GET",
        path: REFERRALS_XLSX,
        handler: || lists::REFERRALS.route(true),
    },
    DownloadRoute {
        method: "GET",
        path: SUBMISSION_CSV,
        handler: || submission_download(false),
    },
    DownloadRoute {
        method: "GET",
        path: SUBMISSION_XLSX,
        handler: || submission_download(true),
    },
    DownloadRoute {
        method: "GET",
        path: MEETING_MINUTES,
        handler: || get(meeting_minutes),
    },
    DownloadRoute {
        method: "GET",
        path: app::paths::HOUSE_PHOTO,
        handler: || get(house_photo),
    },
    DownloadRoute {
        method: "GET",
        path: app::paths::DOCUMENT,
        handler: || get(document),
    },
    DownloadRoute {
        method: "GET",
        path: app::paths::SHEET_REJECTED,
        handler: || get(sheet_rejected),
    },
    DownloadRoute {
        method: "GET",
        path: DASHBOARD_CSV,
        handler: || download_route(Download::AreaCsv),
    },
    DownloadRoute {
        method: "GET",
        path: DASHBOARD_XLSX,
        handler: || download_route(Download::AreaXlsx),
    },
    DownloadRoute {
        method: "GET",
        path: COMPARISON_CSV,
        handler: || download_route(Download::ComparisonCsv),
    },
    DownloadRoute {
        method: "GET",
        path: COMPARISON_XLSX,
        handler: || download_route(Download::ComparisonXlsx),
    },
];

// The addresses are the pages' own (`app::paths`), so a link and its route cannot drift.
pub use app::paths::{
    AUDIT_CSV, AUDIT_XLSX, CASES_CSV, CASES_XLSX, COMPARISON_CSV, COMPARISON_XLSX, DASHBOARD_CSV,
    DASHBOARD_XLSX, HOUSEHOLDS_CSV, HOUSEHOLDS_XLSX, MEETING_MINUTES, PROPOSALS_CSV,
    PROPOSALS_XLSX, REFERRALS_CSV, REFERRALS_XLSX, SUBMISSION_CSV, SUBMISSION_XLSX,
};

/// Whether `path` is one of the downloads.
pub fn is_download(path: &str) -> bool {
    ROUTES.iter().any(|route| route.path == path)
}

/// `response` with its `Content-Disposition` (left without one if the name
/// cannot be a header value).
pub(crate) fn with_disposition(mut response: Response, disposition: &str) -> Response {
    if let Ok(value) = HeaderValue::from_str(disposition) {
        response
            .headers_mut()
            .insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

/// A service error as an HTTP answer with the Indonesian message.
pub fn error_response(error: &ServiceError) -> Response {
    let status =
        StatusCode::from_u16(error.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        format!("{error}\n{}\n", error.message_en()),
    )
        .into_response();
    if let Some(seconds) = error.retry_after_seconds() {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, header::HeaderValue::from(seconds));
    }
    response
}

/// Which record a download asks for (a meeting's minutes, a batch's file).
#[derive(serde::Deserialize)]
struct RecordQuery {
    id: i64,
}

/// The photo of a house's front, as kept (shown in the page; the view is audited).
async fn house_photo(
    State(state): State<AppState>,
    actor: Option<Extension<Actor>>,
    Query(query): Query<RecordQuery>,
) -> Response {
    let Some(Extension(actor)) = actor else {
        return error_response(&ServiceError::Unauthenticated);
    };
    match state.services.visits.house_photo(&actor, query.id).await {
        Ok((kind, content)) => (
            StatusCode::OK,
            [
                (header::CONTENT_TYPE, kind.content_type()),
                // Personal data: never kept by a shared cache.
                (header::CACHE_CONTROL, "private, no-store"),
            ],
            content,
        )
            .into_response(),
        Err(error) => error_response(&error),
    }
}

/// A document of a household's file, as kept (shown in the browser; the
/// opening is audited), under a name of its kind and number.
async fn document(
    State(state): State<AppState>,
    actor: Option<Extension<Actor>>,
    Query(query): Query<RecordQuery>,
) -> Response {
    let Some(Extension(actor)) = actor else {
        return error_response(&ServiceError::Unauthenticated);
    };
    match state.services.documents.open(&actor, query.id).await {
        Ok((format, name, content)) => {
            let response = (
                StatusCode::OK,
                [
                    (header::CONTENT_TYPE, format.content_type()),
                    // Personal data: never kept by a shared cache.
                    (header::CACHE_CONTROL, "private, no-store"),
                    // Nothing runs in it; the browser's own viewer may show a PDF.
                    (
                        header::CONTENT_SECURITY_POLICY,
                        "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; object-src 'self'; frame-ancestors 'self'; base-uri 'none'",
                    ),
                ],
                content,
            )
                .into_response();
            with_disposition(response, &format!("inline; filename=\"{name}\""))
        }
        Err(error) => error_response(&error),
    }
}

/// The rejected rows of a spreadsheet import, as CSV, streamed from its
/// report file (the download is audited).
async fn sheet_rejected(
    State(state): State<AppState>,
    actor: Option<Extension<Actor>>,
    Query(query): Query<RecordQuery>,
) -> Response {
    let Some(Extension(actor)) = actor else {
        return error_response(&ServiceError::Unauthenticated);
    };
    let (name, path) = match state
        .services
        .sheet_imports
        .rejected_rows(&actor, query.id)
        .await
    {
        Ok(found) => found,
        Err(error) => return error_response(&error),
    };
    let file = match tokio::fs::File::open(&path).await {
        Ok(file) => file,
        Err(error) => {
            tracing::error!(%error, "cannot open a rejected-rows report");
            return error_response(&ServiceError::Internal);
        }
    };
    let body = axum::body::Body::from_stream(tokio_util::io::ReaderStream::new(file));
    let response = (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (header::CACHE_CONTROL, "private, no-store"),
        ],
        body,
    )
        .into_response();
    with_disposition(response, &format!("attachment; filename=\"{name}\""))
}

/// The signed minutes of a village meeting, as uploaded (the download is audited).
async fn meeting_minutes(
    State(state): State<AppState>,
    actor: Option<Extension<Actor>>,
    Query(query): Query<RecordQuery>,
) -> Response {
    let Some(Extension(actor)) = actor else {
        return error_response(&ServiceError::Unauthenticated);
    };
    match state.services.meetings.minutes(&actor, query.id).await {
        Ok((kind, content)) => {
            let disposition = format!(
                "attachment; filename=\"berita-acara-musdes-{}.{}\"",
                query.id,
                kind.extension()
            );
            let response = (
                StatusCode::OK,
                [(header::CONTENT_TYPE, kind.content_type())],
                content,
            )
                .into_response();
            with_disposition(response, &disposition)
        }
        Err(error) => error_response(&error),
    }
}

/// A CSV download with a dated file name.
fn csv_download(zone: Zone, stem: &str, body: String) -> Response {
    // A byte-order mark so spreadsheet programs read the text as UTF-8.
    let body = format!("\u{feff}{body}").into_bytes();
    attachment(zone, stem, "csv", "text/csv; charset=utf-8", body)
}

/// A file to save: `<stem>-<yyyymmdd>.<extension>`, dated on the user's own day.
fn attachment(
    zone: Zone,
    stem: &str,
    extension: &str,
    content_type: &'static str,
    body: Vec<u8>,
) -> Response {
    let day = zone.today(chrono::Utc::now()).format("%Y%m%d");
    let disposition = format!("attachment; filename=\"{stem}-{day}.{extension}\"");
    let response = (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response();
    with_disposition(response, &disposition)
}

/// A list of text cells as a workbook (one sheet, every cell text: numbers
/// with leading zeros stay whole) or as CSV.
fn text_download(
    zone: Zone,
    stem: &str,
    headers: &[&str],
    lines: impl Iterator<Item = Vec<String>>,
    workbook: bool,
) -> Response {
    if workbook {
        use shared::dashboard::{Table, TableCell};
        let table = Table {
            key: "usulan",
            headers: headers.iter().map(|h| (*h).to_string()).collect(),
            rows: lines
                .map(|line| line.into_iter().map(TableCell::Text).collect())
                .collect(),
        };
        return xlsx_download(zone, stem, &[table]);
    }
    match csv_text(headers, lines) {
        Ok(text) => csv_download(zone, stem, text),
        Err(error) => error_response(&error),
    }
}

/// A sent batch's submission file (`?id=`): one row per person with whole
/// NIK and No KK, text cells, for the district to send upward (audited).
fn submission_download(workbook: bool) -> MethodRouter<AppState> {
    get(
        move |State(state): State<AppState>,
              actor: Option<Extension<Actor>>,
              Query(query): Query<RecordQuery>| async move {
            let Some(Extension(actor)) = actor else {
                return error_response(&ServiceError::Unauthenticated);
            };
            let (number, rows) = match state.services.batches.submission(&actor, query.id).await {
                Ok(found) => found,
                Err(error) => return error_response(&error),
            };
            let zone = actor.zone();
            let stem = format!("usulan-{}", number.to_lowercase());
            let headers = shared::proposal_batch::SUBMISSION_COLUMNS;
            let lines = rows.into_iter().map(|row| {
                row.iter()
                    .map(|cell| spreadsheet_safe(cell))
                    .collect::<Vec<_>>()
            });
            text_download(zone, &stem, &headers, lines, workbook)
        },
    )
}

/// Query of the dashboard downloads.
#[derive(Debug, Default, serde::Deserialize)]
pub struct DashboardQuery {
    /// Area code (`""`: the nation).
    #[serde(default)]
    pub wilayah: String,
    /// `provinsi` or `kabupaten` (comparison downloads).
    #[serde(default)]
    pub tingkat: String,
    /// The table's key (CSV downloads); the first table when empty.
    #[serde(default)]
    pub tabel: String,
    /// `en` for English column names.
    #[serde(default)]
    pub bahasa: String,
}

impl DashboardQuery {
    fn level(&self) -> shared::dashboard::CompareLevel {
        if self.tingkat == "provinsi" {
            shared::dashboard::CompareLevel::Province
        } else {
            shared::dashboard::CompareLevel::District
        }
    }
}

/// The tables a dashboard download is made of (checked and audited by the
/// service) and the file name they go out under.
async fn dashboard_tables(
    state: &AppState,
    actor: Option<Extension<Actor>>,
    query: &DashboardQuery,
    comparison: bool,
) -> Result<(String, Vec<shared::dashboard::Table>), ServiceError> {
    let Some(Extension(actor)) = actor else {
        return Err(ServiceError::Unauthenticated);
    };
    use shared::dashboard::CompareLevel;
    let level = comparison.then(|| query.level());
    let request = shared::dashboard::ExportRequest {
        comparison: level,
        area: query.wilayah.clone(),
        table: query.tabel.clone(),
        english: query.bahasa == "en",
    };
    let exported = state.services.dashboards.export(&actor, request).await?;
    let stem = match (level, exported.area.as_str()) {
        (Some(CompareLevel::Province), _) => "perbandingan-provinsi".to_string(),
        (Some(CompareLevel::District), _) => "perbandingan-kabupaten".to_string(),
        (None, "") => "dasbor-nasional".to_string(),
        (None, code) => format!("dasbor-{}", code.replace('.', "")),
    };
    Ok((stem, exported.tables))
}

fn one_table_csv(
    zone: Zone,
    stem: String,
    tables: Vec<shared::dashboard::Table>,
    key: &str,
) -> Response {
    let table = if key.is_empty() {
        tables.into_iter().next()
    } else {
        tables.into_iter().find(|t| t.key == key)
    };
    let Some(table) = table else {
        return error_response(&ServiceError::NotFound);
    };
    let headers: Vec<&str> = table.headers.iter().map(String::as_str).collect();
    let text = csv_text(
        &headers,
        table.rows.iter().map(|row| {
            row.iter()
                .map(|cell| spreadsheet_safe(&cell.plain()))
                .collect::<Vec<_>>()
        }),
    );
    match text {
        Ok(text) => csv_download(zone, &format!("{stem}-{}", table.key), text),
        Err(error) => error_response(&error),
    }
}

/// Writes tables as the sheets of one workbook: counts as numbers, shares as percentages, "<5" as text.
fn workbook(tables: &[shared::dashboard::Table]) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    use shared::dashboard::TableCell;
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let percent = Format::new().set_num_format("0.0%");
    let whole = Format::new().set_num_format("#,##0");
    for table in tables {
        let sheet = book.add_worksheet();
        sheet.set_name(table.key)?;
        for (col, header) in table.headers.iter().enumerate() {
            sheet.write_string_with_format(
                0,
                u16::try_from(col).unwrap_or(u16::MAX),
                header,
                &bold,
            )?;
        }
        for (r, row) in table.rows.iter().enumerate() {
            let r = u32::try_from(r + 1).unwrap_or(u32::MAX);
            for (c, cell) in row.iter().enumerate() {
                let c = u16::try_from(c).unwrap_or(u16::MAX);
                match cell {
                    TableCell::Count(n) => {
                        sheet.write_number_with_format(r, c, *n as f64, &whole)?;
                    }
                    TableCell::PerMille(p) => {
                        sheet.write_number_with_format(r, c, f64::from(*p) / 1000.0, &percent)?;
                    }
                    TableCell::Days(d) if *d < shared::dashboard::RESOLVE_DAYS_CAP => {
                        sheet.write_number(r, c, f64::from(*d))?;
                    }
                    other => {
                        sheet.write_string(r, c, other.plain())?;
                    }
                }
            }
        }
        sheet.autofit();
    }
    book.save_to_buffer()
}

fn xlsx_download(zone: Zone, stem: &str, tables: &[shared::dashboard::Table]) -> Response {
    match workbook(tables) {
        Ok(bytes) => attachment(
            zone,
            stem,
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            bytes,
        ),
        Err(error) => {
            tracing::error!(%error, "could not write a workbook");
            error_response(&ServiceError::Internal)
        }
    }
}

/// What a dashboard download holds, and in which format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Download {
    AreaCsv,
    AreaXlsx,
    ComparisonCsv,
    ComparisonXlsx,
}

fn download_route(what: Download) -> MethodRouter<AppState> {
    get(
        move |State(state): State<AppState>,
              actor: Option<Extension<Actor>>,
              Query(query): Query<DashboardQuery>| async move {
            let comparison = matches!(what, Download::ComparisonCsv | Download::ComparisonXlsx);
            let zone = actor
                .as_ref()
                .map_or(Zone::Wib, |Extension(actor)| actor.zone());
            match dashboard_tables(&state, actor, &query, comparison).await {
                Ok((stem, tables))
                    if matches!(what, Download::AreaCsv | Download::ComparisonCsv) =>
                {
                    one_table_csv(zone, stem, tables, &query.tabel)
                }
                Ok((stem, tables)) => xlsx_download(zone, &stem, &tables),
                Err(error) => error_response(&error),
            }
        },
    )
}
