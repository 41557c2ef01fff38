//! Documents on a household's file: the list and what its upload form offers
//! (the upload itself is a plain multipart form posted to the server, see
//! `paths::household_document_upload`), and the documents about one of the
//! family's cases or proposals, shown on that case's or proposal's page.

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

/// The documents about a case, without their content (audited).
#[server(prefix = "/api", endpoint = "case_documents")]
pub async fn case_documents(case_id: i64) -> Result<DocumentList, AppError> {
    let actor = ssr::actor()?;
    let record = shared::document::DocumentRecord::Case(case_id);
    Ok(ssr::services()?
        .documents
        .list_for_record(&actor, record)
        .await?)
}

/// The documents about a registry proposal, without their content (audited).
#[server(prefix = "/api", endpoint = "proposal_documents")]
pub async fn proposal_documents(proposal_id: i64) -> Result<DocumentList, AppError> {
    let actor = ssr::actor()?;
    let record = shared::document::DocumentRecord::Proposal(proposal_id);
    Ok(ssr::services()?
        .documents
        .list_for_record(&actor, record)
        .await?)
}
