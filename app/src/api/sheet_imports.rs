//! A district's spreadsheet imports: the list, one upload's page, the mapping
//! and the confirmation (the upload itself is a plain multipart form posted to
//! the server, see `paths::SHEET_UPLOAD`; the rejected rows download from
//! `paths::sheet_rejected`).

use leptos::prelude::*;
use shared::sheet_import::{MappingDraft, SheetImportRow, SheetImportView};

use super::AppError;
#[cfg(feature = "ssr")]
use super::ssr;

/// The uploads of the user's district, newest first (audited).
#[server(prefix = "/api", endpoint = "sheet_imports")]
pub async fn sheet_imports() -> Result<Vec<SheetImportRow>, AppError> {
    let actor = ssr::actor()?;
    Ok(ssr::services()?.sheet_imports.list(&actor).await?)
}

/// One upload as its page shows it (audited).
#[server(prefix = "/api", endpoint = "sheet_import")]
pub async fn sheet_import(id: i64) -> Result<SheetImportView, AppError> {
    let actor = ssr::actor()?;
    Ok(ssr::services()?.sheet_imports.view(&actor, id).await?)
}

/// Saves the mapping chosen and starts checking the whole file.
#[server(prefix = "/api", endpoint = "save_sheet_mapping")]
pub async fn save_sheet_mapping(draft: MappingDraft) -> Result<(), AppError> {
    let actor = ssr::actor()?;
    Ok(ssr::services()?
        .sheet_imports
        .save_mapping(&actor, draft)
        .await?)
}

/// Starts importing a checked upload.
#[server(prefix = "/api", endpoint = "confirm_sheet_import")]
pub async fn confirm_sheet_import(id: i64, version: i32) -> Result<(), AppError> {
    let actor = ssr::actor()?;
    Ok(ssr::services()?
        .sheet_imports
        .confirm(&actor, id, version)
        .await?)
}
