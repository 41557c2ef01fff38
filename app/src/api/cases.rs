//! Cases: the list of the user's area and a case's file.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use shared::dto::{CaseDetail, CaseFilter, CaseSummary, Page};

use super::AppError;
#[cfg(feature = "ssr")]
use super::ssr;

/// A page of cases inside the user's area.
#[server(prefix = "/api", endpoint = "case_list", input = Json)]
pub async fn get_case_list(filter: CaseFilter) -> Result<Page<CaseSummary>, AppError> {
    let actor = ssr::actor()?;
    Ok(ssr::services()?.cases.list(&actor, filter).await?)
}

/// A case's file with its timeline (a view of personal data: audited).
#[server(prefix = "/api", endpoint = "case_detail")]
pub async fn get_case_detail(case_id: i64) -> Result<CaseDetail, AppError> {
    let actor = ssr::actor()?;
    Ok(ssr::services()?.cases.detail(&actor, case_id).await?)
}
