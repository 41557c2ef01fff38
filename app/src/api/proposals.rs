//! Registry proposals (flow B): the worklist, a proposal's page and its steps.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use shared::drafts::ProposalActionDraft;
use shared::dto::{ProposalFile, ProposalFilter, ProposalRow, ProposalWorklist};

use super::AppError;
#[cfg(feature = "ssr")]
use super::ssr;

/// Proposals inside the user's area, by stage and kind, with the count at each stage.
#[server(prefix = "/api", endpoint = "proposal_list", input = Json)]
pub async fn proposal_list(filter: ProposalFilter) -> Result<ProposalWorklist, AppError> {
    let actor = ssr::actor()?;
    Ok(ssr::services()?.proposals.worklist(&actor, filter).await?)
}

/// One proposal with every step it took (the view is audited).
#[server(prefix = "/api", endpoint = "get_proposal")]
pub async fn get_proposal(id: i64) -> Result<ProposalFile, AppError> {
    let actor = ssr::actor()?;
    Ok(ssr::services()?.proposals.file(&actor, id).await?)
}

/// Records the next step of a proposal (musdes, verivali, padan, approval, sending, answer) or its refusal.
#[server(prefix = "/api", endpoint = "proposal_step")]
pub async fn proposal_step(
    #[server(flatten)] draft: ProposalActionDraft,
) -> Result<ProposalRow, AppError> {
    let actor = ssr::actor()?;
    let proposals = ssr::services()?.proposals;
    Ok(proposals.transition(&actor, draft.to_request()?).await?)
}
