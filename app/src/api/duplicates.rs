//! Families registered twice: the households likely the same as one being
//! registered, the district's list of likely pairs, and the merge.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use shared::dto::Created;
use shared::duplicates::{DuplicatePair, LikelyHousehold, MergeHouseholds, MergePreview};
use shared::intake::RegistrationDraft;

use super::AppError;
#[cfg(feature = "ssr")]
use super::ssr;

/// The households on record likely the family of the registration form as
/// typed (audited: it names other families).
#[server(prefix = "/api", endpoint = "registration_duplicates", input = Json)]
pub async fn registration_duplicates(
    draft: RegistrationDraft,
) -> Result<Vec<LikelyHousehold>, AppError> {
    let actor = ssr::actor()?;
    let request = draft.to_request(ssr::today())?;
    Ok(ssr::services()?
        .households
        .registration_duplicates(&actor, request)
        .await?)
}

/// The district's households likely registered twice (audited).
#[server(prefix = "/api", endpoint = "district_duplicates")]
pub async fn district_duplicates() -> Result<Vec<DuplicatePair>, AppError> {
    let actor = ssr::actor()?;
    Ok(ssr::services()?
        .households
        .district_duplicates(&actor)
        .await?)
}

/// Two records side by side before a merge (audited).
#[server(prefix = "/api", endpoint = "merge_preview")]
pub async fn get_merge_preview(survivor: i64, merged: i64) -> Result<MergePreview, AppError> {
    let actor = ssr::actor()?;
    Ok(ssr::services()?
        .households
        .merge_preview(&actor, survivor, merged)
        .await?)
}

/// Merges one household record into another.
#[server(prefix = "/api", endpoint = "merge_households", input = Json)]
pub async fn merge_household_records(request: MergeHouseholds) -> Result<Created, AppError> {
    let actor = ssr::actor()?;
    Ok(ssr::services()?.households.merge(&actor, request).await?)
}

/// Two households are different families: the pair leaves the list.
#[server(prefix = "/api", endpoint = "dismiss_duplicate")]
pub async fn dismiss_duplicate(first: i64, second: i64) -> Result<(), AppError> {
    let actor = ssr::actor()?;
    Ok(ssr::services()?
        .households
        .dismiss_duplicate(&actor, first, second)
        .await?)
}
