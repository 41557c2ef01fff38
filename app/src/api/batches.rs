//! Flow B's last steps: the civil-registry match of a proposal, the district's
//! approval of matched proposals in batches, and their sending to Kemensos.

use leptos::prelude::*;
use shared::dto::{Created, ProposalRow};
use shared::proposal_batch::{
    BatchDesk, BatchFile, BatchRow, MatchDraft, RatifyDraft, SubmitDraft,
};

use super::AppError;
#[cfg(feature = "ssr")]
use super::ssr;

/// Records padan Dukcapil: each living member matched, not matched or without NIK.
#[server(prefix = "/api", endpoint = "record_civil_match")]
pub async fn record_civil_match(
    #[server(flatten)] draft: MatchDraft,
) -> Result<ProposalRow, AppError> {
    let actor = ssr::actor()?;
    let proposals = ssr::services()?.proposals;
    Ok(proposals.record_match(&actor, draft.to_request()?).await?)
}

/// The district's batches and the proposals waiting for approval.
#[server(prefix = "/api", endpoint = "batch_desk")]
pub async fn batches_and_waiting() -> Result<BatchDesk, AppError> {
    let actor = ssr::actor()?;
    Ok(ssr::services()?.batches.desk(&actor).await?)
}

/// Approves the ticked proposals as one batch; the browser goes to the batch.
#[server(prefix = "/api", endpoint = "ratify_batch")]
pub async fn ratify_batch(draft: RatifyDraft) -> Result<Created, AppError> {
    let actor = ssr::actor()?;
    let batches = ssr::services()?.batches;
    let created = batches.ratify(&actor, draft.to_request()?).await?;
    leptos_axum::redirect(&crate::paths::batch(created.id));
    Ok(created)
}

/// A batch with its proposals (the view is audited).
#[server(prefix = "/api", endpoint = "get_batch")]
pub async fn get_batch(id: i64) -> Result<BatchFile, AppError> {
    let actor = ssr::actor()?;
    Ok(ssr::services()?.batches.file(&actor, id).await?)
}

/// Sends a batch: makes and keeps its submission file, records every proposal as sent.
#[server(prefix = "/api", endpoint = "submit_batch")]
pub async fn submit_batch(#[server(flatten)] draft: SubmitDraft) -> Result<BatchRow, AppError> {
    let actor = ssr::actor()?;
    let batches = ssr::services()?.batches;
    Ok(batches.submit(&actor, draft.to_request()?).await?)
}
