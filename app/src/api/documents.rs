//! Documents on a household's file: the list and what its upload form offers
//! (the upload itself is a plain multipart form posted to the server, see
//! `paths::household_document_upload`).

use leptos::prelude::*;
use shared::document::DocumentList;

use super::AppError;
#[cfg(feature = "ssr")]
use super::ssr;

/// The household's documents, without their content (audited).
#[server(prefix = "/api", endpoint = "household_documents")]
pub async fn household_documents(household_id: i64) -> Result<DocumentList, AppError> {
    let actor = ssr::actor()?;
    Ok(ssr::services()?
        .documents
        .list(&actor, household_id)
        .await?)
}
