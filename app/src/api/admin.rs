//! Administration: accounts and roles, institutions, the programme catalogue and
//! the audit log. Form-shaped arguments (flat strings) so the forms work as plain
//! HTML before the WebAssembly bundle loads; the services check everything.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use shared::account::{AuditFilter, AuditRow, UserDetail, UserFilter, UserRow};
use shared::dto::{Created, InstitutionEntry, Page, ProgrammeEntry};
#[cfg(feature = "ssr")]
use shared::roles::Role;

use super::AppError;
#[cfg(feature = "ssr")]
use super::{invalid_field, ssr};

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
    username: String,
    full_name: String,
    password: String,
    role: String,
    area_code: String,
    #[server(default)] institution_id: String,
) -> Result<Created, AppError> {
    let actor = ssr::actor()?;
    let institution_id = optional_number("institution_id", &institution_id)?;
    let created = ssr::services()?
        .accounts
        .create_user(
            &actor,
            shared::account::NewUser {
                username,
                full_name,
                password,
                assignment: shared::account::AssignmentInput {
                    role: role_from(&role)?,
                    area_code,
                    institution_id,
                },
            },
        )
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
    user_id: i64,
    role: String,
    area_code: String,
    #[server(default)] institution_id: String,
) -> Result<Created, AppError> {
    let actor = ssr::actor()?;
    let institution_id = optional_number("institution_id", &institution_id)?;
    Ok(ssr::services()?
        .accounts
        .add_assignment(
            &actor,
            user_id,
            shared::account::AssignmentInput {
                role: role_from(&role)?,
                area_code,
                institution_id,
            },
        )
        .await?)
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
#[allow(clippy::too_many_arguments)]
#[server(prefix = "/api", endpoint = "save_institution")]
pub async fn save_institution(
    #[server(default)] id: String,
    #[server(default)] version: String,
    name: String,
    kind: shared::programme::InstitutionKind,
    #[server(default)] area_code: String,
    #[server(default)] address: String,
    #[server(default)] phone: String,
    #[server(default)] active: Option<String>,
) -> Result<Created, AppError> {
    let actor = ssr::actor()?;
    let serves = area_scope("area_code", &area_code)?;
    let id = optional_number("id", &id)?;
    let version = optional_number("version", &version)?;
    Ok(ssr::services()?
        .catalogue
        .save_institution(
            &actor,
            shared::dto::SaveInstitution {
                id,
                version,
                name,
                kind,
                serves,
                address: Some(address).filter(|text| !text.trim().is_empty()),
                phone: Some(phone).filter(|text| !text.trim().is_empty()),
                active: checkbox(active.as_deref()),
            },
        )
        .await?)
}

/// Creates (no `id`) or changes a catalogue entry. `institution_kinds` is a
/// comma-separated list of institution kind codes.
#[allow(clippy::too_many_arguments)]
#[server(prefix = "/api", endpoint = "save_programme")]
pub async fn save_programme(
    #[server(default)] id: String,
    #[server(default)] version: String,
    code: String,
    name: String,
    kind: shared::programme::ProgrammeKind,
    sector: shared::complaint::Sector,
    #[server(default)] institution_kinds: String,
    #[server(default)] area_code: String,
    #[server(default)] institution_id: String,
    #[server(default)] active: Option<String>,
) -> Result<Created, AppError> {
    use shared::programme::InstitutionKind;
    let actor = ssr::actor()?;
    let area = area_scope("area_code", &area_code)?;
    let id = optional_number("id", &id)?;
    let version = optional_number("version", &version)?;
    let institution_id = optional_number("institution_id", &institution_id)?;
    let mut kinds = Vec::new();
    for code in institution_kinds
        .split(',')
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        match InstitutionKind::from_code(code) {
            Some(kind) => kinds.push(kind),
            None => {
                return Err(invalid_field(
                    "institution_kinds",
                    shared::DomainError::UnknownCode {
                        field: "institution_kinds".into(),
                        code: code.to_string(),
                    },
                ));
            }
        }
    }
    Ok(ssr::services()?
        .catalogue
        .save_programme(
            &actor,
            shared::dto::SaveProgramme {
                id,
                version,
                entry: shared::programme::CatalogueEntry {
                    code: code.trim().to_string(),
                    name,
                    kind,
                    sector,
                    institution_kinds: kinds,
                    area,
                    active: checkbox(active.as_deref()),
                },
                institution_id,
            },
        )
        .await?)
}

/// A page of the audit log, newest first.
#[server(prefix = "/api", endpoint = "audit_search", input = Json)]
pub async fn audit_search(filter: AuditFilter) -> Result<Page<AuditRow>, AppError> {
    let actor = ssr::actor()?;
    Ok(ssr::services()?.audit.search(&actor, filter).await?)
}

/// An HTML checkbox: present (any value but `false`) means ticked.
#[cfg(feature = "ssr")]
fn checkbox(value: Option<&str>) -> bool {
    value.is_some_and(|value| value != "false")
}

/// A role chosen in a form, by its code.
#[cfg(feature = "ssr")]
fn role_from(code: &str) -> Result<Role, AppError> {
    Role::from_code(code).ok_or_else(|| {
        invalid_field(
            "role",
            shared::DomainError::UnknownCode {
                field: "role".into(),
                code: code.chars().take(40).collect(),
            },
        )
    })
}

/// A number typed in a form; empty means none.
#[cfg(feature = "ssr")]
fn optional_number<T: std::str::FromStr>(field: &str, text: &str) -> Result<Option<T>, AppError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    text.parse::<T>().map(Some).map_err(|_| {
        invalid_field(
            field,
            shared::DomainError::UnknownCode {
                field: field.to_string(),
                code: text.chars().take(20).collect(),
            },
        )
    })
}

#[cfg(feature = "ssr")]
fn area_scope(field: &str, code: &str) -> Result<shared::geo::AreaScope, AppError> {
    shared::geo::AreaScope::from_stored(code.trim()).map_err(|error| invalid_field(field, error))
}

/// Whether the signed-in user's role may open the administration page made for
/// `action` (a refusal is audited and answers 403).
#[server(prefix = "/api", endpoint = "page_access")]
pub async fn page_access(action: shared::access::Action) -> Result<(), AppError> {
    let actor = ssr::actor()?;
    Ok(ssr::services()?.audit.page_access(&actor, action).await?)
}
