//! The user's own account: roles and areas, switching, changing the password.

use leptos::prelude::*;
use shared::account::{AssignmentView, SessionView};

use super::AppError;
#[cfg(feature = "ssr")]
use super::ssr;

/// The user's assignments (roles in areas), the current one marked.
#[server(prefix = "/api", endpoint = "my_assignments")]
pub async fn my_assignments() -> Result<Vec<AssignmentView>, AppError> {
    let actor = ssr::actor()?;
    Ok(ssr::services()?.auth.assignments(&actor).await?)
}

/// Acts under another of the user's own assignments from now on; then goes home.
#[server(prefix = "/api", endpoint = "switch_assignment")]
pub async fn switch_assignment(assignment_id: i64) -> Result<(), AppError> {
    let actor = ssr::actor()?;
    let token = ssr::session_token()?;
    ssr::services()?
        .auth
        .switch_assignment(&actor, &token, assignment_id)
        .await?;
    leptos_axum::redirect(crate::paths::HOME);
    Ok(())
}

/// Changes the user's own password; other sessions of the user end.
#[server(prefix = "/api", endpoint = "change_password")]
pub async fn change_password(
    #[server(flatten)] draft: shared::drafts::PasswordChangeDraft,
) -> Result<(), AppError> {
    let actor = ssr::actor()?;
    let (current, new) = draft.to_request()?;
    let token = ssr::session_token()?;
    let auth = ssr::services()?.auth;
    Ok(auth.change_password(&actor, &token, &current, &new).await?)
}

/// The user's own open sessions (devices signed in), newest first.
#[server(prefix = "/api", endpoint = "my_sessions")]
pub async fn my_sessions() -> Result<Vec<SessionView>, AppError> {
    let actor = ssr::actor()?;
    let token = ssr::session_token()?;
    Ok(ssr::services()?.auth.sessions(&actor, &token).await?)
}

/// Ends every session of the user, this one included; then goes to the login page.
#[server(prefix = "/api", endpoint = "sign_out_everywhere")]
pub async fn sign_out_everywhere() -> Result<(), AppError> {
    let actor = ssr::actor()?;
    ssr::services()?.auth.end_all_sessions(&actor).await?;
    super::set_cookie(&ssr::session_cookie().clear());
    leptos_axum::redirect(crate::paths::LOGIN);
    Ok(())
}
