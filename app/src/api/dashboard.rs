//! Dashboards: aggregate figures of an area, and areas side by side.

use leptos::prelude::*;
use shared::dashboard::{AreaDashboard, Comparison};

use super::AppError;
#[cfg(feature = "ssr")]
use super::ssr;

/// The dashboard of one area (`""`: the nation), inside the user's area.
#[server(prefix = "/api", endpoint = "area_dashboard")]
pub async fn get_area_dashboard(area: String) -> Result<AreaDashboard, AppError> {
    let actor = ssr::actor()?;
    Ok(ssr::services()?.dashboards.area(&actor, &area).await?)
}

/// Provinces (`level = "provinsi"`) or districts (anything else) side by side.
#[server(prefix = "/api", endpoint = "dashboard_comparison")]
pub async fn get_comparison(level: String) -> Result<Comparison, AppError> {
    let actor = ssr::actor()?;
    let level = shared::drafts::compare_level(&level);
    Ok(ssr::services()?.dashboards.compare(&actor, level).await?)
}
