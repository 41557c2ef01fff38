//! Home visits (verivali) of flow B: a proposal's visit form and its saves.

use leptos::prelude::*;
use shared::visit::{VisitDraft, VisitFile};

use super::AppError;
#[cfg(feature = "ssr")]
use super::ssr;

/// The visit of a proposal: as saved, or prefilled from the household (audited).
#[server(prefix = "/api", endpoint = "home_visit")]
pub async fn home_visit(proposal_id: i64) -> Result<VisitFile, AppError> {
    let actor = ssr::actor()?;
    Ok(ssr::services()?.visits.file(&actor, proposal_id).await?)
}

/// Saves the visit as typed; ticked "finished", records the verivali step.
#[server(prefix = "/api", endpoint = "save_home_visit")]
pub async fn save_home_visit(#[server(flatten)] draft: VisitDraft) -> Result<VisitFile, AppError> {
    let actor = ssr::actor()?;
    let visit = draft.checked(ssr::today())?;
    Ok(ssr::services()?.visits.save(&actor, visit).await?)
}
