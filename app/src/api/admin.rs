//! Administration: accounts and roles, institutions, the programme catalogue and
//! the audit log. Each form arrives as its draft (flat strings, so the forms
//! work as plain HTML before the WebAssembly bundle loads), read by the draft's
//! `to_request`; the services check everything else.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use shared::account::{AuditFilter, AuditRow, UserDetail, UserFilter, UserRow};
use shared::drafts::{AssignmentDraft, InstitutionDraft, NewUserDraft, ProgrammeDraft};
use shared::dto::{Created, InstitutionEntry, Page, ProgrammeEntry};

use super::AppError;
#[cfg(feature = "ssr")]
use super::ssr;

/// A page of the accounts the administrator manages.
#[server(prefix = "/api", endpoint = "admin_users", input = Json)]
pub async fn admin_users(filter: UserFilter) -> Result<Page<UserRow>, AppError> {
    let actor = ssr::actor()?;
    Ok(ssr::services()?.accounts.users(&actor, filter).await?)
}

/// One account.
#[server(prefix = "/api", endpoint = "admin_user")]
pub async fn admin_user(user_id: i64) -> Result<UserDetail, AppError> {
    let actor = ssr::actor()?;
    Ok(ssr::services()?.accounts.user(&actor, user_id).await?)
}

/// Creates an account with its first role; then opens the account's page.
#[server(prefix = "/api", endpoint = "admin_create_user")]
pub async fn admin_create_user(
    #[server(flatten)] draft: NewUserDraft,
) -> Result<Created, AppError> {
    let actor = ssr::actor()?;
    let created = ssr::services()?
        .accounts
        .create_user(&actor, draft.to_request()?)
        .await?;
    leptos_axum::redirect(&crate::paths::admin_user(created.id));
    Ok(created)
}

/// Sets a new password for a user (who must change it at the next sign-in).
#[server(prefix = "/api", endpoint = "admin_reset_password")]
pub async fn admin_reset_password(user_id: i64, new_password: String) -> Result<(), AppError> {
    let actor = ssr::actor()?;
    Ok(ssr::services()?
        .accounts
        .reset_password(&actor, user_id, &new_password)
        .await?)
}

/// Disables (`disabled = true`) or enables an account.
#[server(prefix = "/api", endpoint = "admin_set_disabled")]
pub async fn admin_set_disabled(user_id: i64, disabled: bool) -> Result<(), AppError> {
    let actor = ssr::actor()?;
    Ok(ssr::services()?
        .accounts
        .set_disabled(&actor, user_id, disabled)
        .await?)
}

/// Grants a role in an area (or at an institution).
#[server(prefix = "/api", endpoint = "admin_add_assignment")]
pub async fn admin_add_assignment(
    #[server(flatten)] draft: AssignmentDraft,
) -> Result<Created, AppError> {
    let actor = ssr::actor()?;
    let (user_id, assignment) = draft.to_request()?;
    let accounts = ssr::services()?.accounts;
    Ok(accounts.add_assignment(&actor, user_id, assignment).await?)
}

/// Takes a role away.
#[server(prefix = "/api", endpoint = "admin_remove_assignment")]
pub async fn admin_remove_assignment(assignment_id: i64) -> Result<(), AppError> {
    let actor = ssr::actor()?;
    Ok(ssr::services()?
        .accounts
        .remove_assignment(&actor, assignment_id)
        .await?)
}

/// Every receiving institution.
#[server(prefix = "/api", endpoint = "institutions")]
pub async fn institutions() -> Result<Vec<InstitutionEntry>, AppError> {
    let actor = ssr::actor()?;
    Ok(ssr::services()?.catalogue.institutions(&actor).await?)
}

/// Every programme of the catalogue.
#[server(prefix = "/api", endpoint = "programmes")]
pub async fn programmes() -> Result<Vec<ProgrammeEntry>, AppError> {
    let actor = ssr::actor()?;
    Ok(ssr::services()?.catalogue.programmes(&actor).await?)
}

/// Creates (no `id`) or changes an institution.
#[server(prefix = "/api", endpoint = "save_institution")]
pub async fn save_institution(
    #[server(flatten)] draft: InstitutionDraft,
) -> Result<Created, AppError> {
    let actor = ssr::actor()?;
    let catalogue = ssr::services()?.catalogue;
    Ok(catalogue
        .save_institution(&actor, draft.to_request()?)
        .await?)
}

/// Creates (no `id`) or changes a catalogue entry (`institution_kinds`: kind
/// codes, comma-separated).
#[server(prefix = "/api", endpoint = "save_programme")]
pub async fn save_programme(#[server(flatten)] draft: ProgrammeDraft) -> Result<Created, AppError> {
    let actor = ssr::actor()?;
    let catalogue = ssr::services()?.catalogue;
    Ok(catalogue
        .save_programme(&actor, draft.to_request()?)
        .await?)
}

/// A page of the audit log, newest first.
#[server(prefix = "/api", endpoint = "audit_search", input = Json)]
pub async fn audit_search(filter: AuditFilter) -> Result<Page<AuditRow>, AppError> {
    let actor = ssr::actor()?;
    Ok(ssr::services()?.audit.search(&actor, filter).await?)
}

/// Whether the signed-in user's role may open the administration page made for
/// `action` (a refusal is audited and answers 403).
#[server(prefix = "/api", endpoint = "page_access")]
pub async fn page_access(action: shared::access::Action) -> Result<(), AppError> {
    let actor = ssr::actor()?;
    Ok(ssr::services()?.audit.page_access(&actor, action).await?)
}
