//! Accounts managed by administrators: the user list, creating accounts,
//! password resets, disabling, and granting or removing roles in areas.
//!
//! An administrator manages the accounts whose every assignment lies inside
//! the administrator's own area (a district administrator manages the staff of
//! the district; a national administrator manages everyone). Refusals are audited.

use async_trait::async_trait;
use chrono::Utc;
use sea_orm::sea_query::{Expr, ExprTrait, Func};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, QueryTrait, Set,
};
use shared::DomainError;
use shared::access::{Action, Target};
use shared::account::{AssignmentInput, NewUser, UserDetail, UserFilter, UserRow};
use shared::contract::{AccountService, Actor, ServiceError};
use shared::dto::{Created, Page};
use shared::error::FieldErrors;
use shared::geo::{AreaCode, AreaLevel, AreaScope};
use shared::roles::Role;

use super::auth::{assignment_views, hash_password, new_user, store_password};
use super::common::{
    Subject, authorize, entry, fetch_page, own_scope, scope_condition, stored_scope,
};
use super::db_failure;
use super::store::Store;
use super::write::load;
use crate::entities::{areas, institutions, sessions, user_assignments, users};
use crate::password;

/// [`AccountService`] on the portal database.
pub struct DbAccountService {
    db: Store,
}

/// The `LIKE` expression "contains `text`" (lower-cased, wildcards taken literally).
pub(crate) fn like_contains(text: &str) -> sea_orm::sea_query::LikeExpr {
    sea_orm::sea_query::LikeExpr::new(like_pattern(text)).escape('\\')
}

/// Escapes `%`, `_` and `\` for a `LIKE` pattern.
pub(crate) fn like_pattern(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len() + 2);
    escaped.push('%');
    for c in text.trim().to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped.push('%');
    escaped
}

impl DbAccountService {
    pub fn new(db: Store) -> Self {
        DbAccountService { db }
    }

    /// The administrator may manage users (any area of theirs); refusals are audited.
    async fn authorize_admin(
        &self,
        actor: &Actor,
        subject: Subject<'_>,
    ) -> Result<AreaScope, ServiceError> {
        let scope = own_scope(actor)?;
        authorize(
            &self.db,
            actor,
            Action::ManageUsers,
            &Target::area(scope.clone()),
            subject,
        )
        .await?;
        Ok(scope)
    }

    /// The user, when every one of their assignments lies inside the administrator's area.
    async fn manageable_user<C: ConnectionTrait>(
        &self,
        db: &C,
        actor: &Actor,
        user_id: i64,
        action: Action,
    ) -> Result<(users::Model, Vec<user_assignments::Model>), ServiceError> {
        let subject = Subject::new("user", user_id);
        self.authorize_admin(actor, subject).await?;
        let user = load::<users::Entity>(db, user_id).await?;
        let assignments = user_assignments::Entity::find()
            .filter(user_assignments::Column::UserId.eq(user_id))
            .order_by_asc(user_assignments::Column::Id)
            .all(db)
            .await
            .map_err(db_failure)?;
        let own = own_scope(actor)?;
        if assignments.is_empty() && own != AreaScope::National {
            authorize(
                &self.db,
                actor,
                action,
                &Target::area(AreaScope::National),
                subject,
            )
            .await?;
        }
        for assignment in &assignments {
            let area = stored_scope(assignment.area_code.as_deref())?;
            authorize(&self.db, actor, action, &Target::area(area), subject).await?;
        }
        Ok((user, assignments))
    }

    /// Checks a role to grant: known area of the right level, inside the administrator's
    /// area, and an existing institution for institution staff. Returns the area to store.
    async fn checked_assignment<C: ConnectionTrait>(
        &self,
        db: &C,
        actor: &Actor,
        user_id: Option<i64>,
        input: &AssignmentInput,
    ) -> Result<Option<String>, ServiceError> {
        let mut errors = FieldErrors::new();
        let mut area = errors
            .check("area_code", AreaScope::from_stored(input.area_code.trim()))
            .unwrap_or(AreaScope::National);
        if let AreaScope::Area(code) = &area {
            let known = areas::Entity::find_by_id(code.as_str().to_string())
                .one(db)
                .await
                .map_err(db_failure)?;
            if known.is_none() {
                errors.push(
                    "area_code",
                    DomainError::UnknownCode {
                        field: "area_code".into(),
                        code: code.as_str().to_string(),
                    },
                );
            }
        }
        let level_fits = match input.role {
            Role::KemensosMonitor => area == AreaScope::National,
            Role::DistrictHead | Role::Bappeda => area_level(&area) == Some(AreaLevel::District),
            _ => true,
        };
        if !level_fits {
            errors.push(
                "area_code",
                DomainError::RoleAreaMismatch { role: input.role },
            );
        }
        if input.role == Role::ReceivingInstitution {
            match input.institution_id {
                None => errors.push(
                    "institution_id",
                    DomainError::TextRequired {
                        field: "institution_id".into(),
                    },
                ),
                Some(id) => {
                    match institutions::Entity::find_by_id(id)
                        .one(db)
                        .await
                        .map_err(db_failure)?
                    {
                        // Institution staff are placed in the institution's area.
                        Some(institution) => area = stored_scope(institution.area_code.as_deref())?,
                        None => errors.push(
                            "institution_id",
                            DomainError::UnknownCode {
                                field: "institution_id".into(),
                                code: id.to_string(),
                            },
                        ),
                    }
                }
            }
        }
        errors.finish()?;
        let subject = match user_id {
            Some(id) => Subject::new("user", id),
            None => Subject::kind("user"),
        };
        authorize(
            &self.db,
            actor,
            Action::ManageUsers,
            &Target::area(area.clone()),
            subject,
        )
        .await?;
        Ok(match area {
            AreaScope::National => None,
            AreaScope::Area(code) => Some(code.as_str().to_string()),
        })
    }

    async fn end_sessions<C: ConnectionTrait>(
        db: &C,
        condition: Condition,
    ) -> Result<u64, ServiceError> {
        Ok(sessions::Entity::delete_many()
            .filter(condition)
            .exec(db)
            .await
            .map_err(db_failure)?
            .rows_affected)
    }

    async fn rows_for(&self, users: Vec<users::Model>) -> Result<Vec<UserRow>, ServiceError> {
        let ids: Vec<i64> = users.iter().map(|user| user.id).collect();
        let assignments = user_assignments::Entity::find()
            .filter(user_assignments::Column::UserId.is_in(ids))
            .order_by_asc(user_assignments::Column::Id)
            .all(&self.db)
            .await
            .map_err(db_failure)?;
        let views = assignment_views(&self.db, &assignments, None).await?;
        Ok(users
            .into_iter()
            .map(|user| UserRow {
                id: user.id,
                assignments: assignments
                    .iter()
                    .zip(&views)
                    .filter(|(row, _)| row.user_id == user.id)
                    .map(|(_, view)| view.clone())
                    .collect(),
                username: user.username,
                full_name: user.full_name,
                disabled: user.disabled,
            })
            .collect())
    }
}

fn area_level(scope: &AreaScope) -> Option<AreaLevel> {
    match scope {
        AreaScope::National => None,
        AreaScope::Area(code) => Some(code.level()),
    }
}

/// An audit entry about a user account, placed in `area_code` (the nation when `None`).
fn user_entry<'a>(
    actor: &Actor,
    action: &'a str,
    user_id: i64,
    area_code: Option<&str>,
) -> super::audit_entry::Entry<'a> {
    let area = area_code.and_then(|code| AreaCode::parse(code).ok());
    entry(actor, action, Subject::new("user", user_id), area.as_ref())
}

/// The area of a user's first assignment, for the audit log.
fn first_area(assignments: &[user_assignments::Model]) -> Option<&str> {
    assignments.first().and_then(|row| row.area_code.as_deref())
}

/// Stores an assignment (the institution only for institution staff).
async fn insert_assignment<C: ConnectionTrait>(
    db: &C,
    user_id: i64,
    input: &AssignmentInput,
    area_code: Option<String>,
) -> Result<user_assignments::Model, ServiceError> {
    user_assignments::ActiveModel {
        user_id: Set(user_id),
        role: Set(input.role.code().to_string()),
        area_code: Set(area_code),
        institution_id: Set(input
            .institution_id
            .filter(|_| input.role == Role::ReceivingInstitution)),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(db_failure)
}

#[async_trait]
impl AccountService for DbAccountService {
    async fn users(
        &self,
        actor: &Actor,
        filter: UserFilter,
    ) -> Result<Page<UserRow>, ServiceError> {
        let scope = self.authorize_admin(actor, Subject::kind("user")).await?;
        let mut query = users::Entity::find();
        if let Some(inside) = scope_condition(user_assignments::Column::AreaCode, &scope) {
            let with_inside = user_assignments::Entity::find()
                .select_only()
                .column(user_assignments::Column::UserId)
                .filter(inside.clone())
                .into_query();
            let with_outside = user_assignments::Entity::find()
                .select_only()
                .column(user_assignments::Column::UserId)
                .filter(
                    Condition::any()
                        .add(user_assignments::Column::AreaCode.is_null())
                        .add(inside.not()),
                )
                .into_query();
            query = query
                .filter(users::Column::Id.in_subquery(with_inside))
                .filter(users::Column::Id.not_in_subquery(with_outside));
        }
        if let Some(role) = filter.role {
            query = query.filter(
                users::Column::Id.in_subquery(
                    user_assignments::Entity::find()
                        .select_only()
                        .column(user_assignments::Column::UserId)
                        .filter(user_assignments::Column::Role.eq(role.code()))
                        .into_query(),
                ),
            );
        }
        if !filter.search.trim().is_empty() {
            query = query.filter(
                Condition::any()
                    .add(
                        Expr::expr(Func::lower(Expr::col(users::Column::Username)))
                            .like(like_contains(&filter.search)),
                    )
                    .add(
                        Expr::expr(Func::lower(Expr::col(users::Column::FullName)))
                            .like(like_contains(&filter.search)),
                    ),
            );
        }
        if !filter.include_disabled {
            query = query.filter(users::Column::Disabled.eq(false));
        }
        let Page {
            items: rows,
            total,
            page,
            per_page,
        } = fetch_page(
            &self.db,
            query.order_by_asc(users::Column::Username),
            filter.page,
            50,
        )
        .await?;
        let items = self.rows_for(rows).await?;
        Ok(Page {
            items,
            total,
            page,
            per_page,
        })
    }

    async fn user(&self, actor: &Actor, user_id: i64) -> Result<UserDetail, ServiceError> {
        let (user, _) = self
            .manageable_user(&self.db, actor, user_id, Action::ManageUsers)
            .await?;
        let open_sessions = sessions::Entity::find()
            .filter(sessions::Column::UserId.eq(user_id))
            .filter(sessions::Column::ExpiresAt.gt(Utc::now()))
            .count(&self.db)
            .await
            .map_err(db_failure)?;
        let must_change_password = user.must_change_password;
        let version = user.version;
        let row = self
            .rows_for(vec![user])
            .await?
            .pop()
            .ok_or(ServiceError::NotFound)?;
        Ok(UserDetail {
            user: row,
            must_change_password,
            open_sessions,
            version,
        })
    }

    async fn create_user(&self, actor: &Actor, request: NewUser) -> Result<Created, ServiceError> {
        self.authorize_admin(actor, Subject::kind("user")).await?;
        let username = request.validate()?;
        if password::is_common(&request.password) {
            return Err(DomainError::Invalid {
                errors: vec![shared::error::FieldError {
                    field: "password".into(),
                    error: DomainError::PasswordTooCommon,
                }],
            }
            .into());
        }
        let hash = hash_password(&request.password).await?;
        // Checks (and the audit of a refusal) run before the transaction, so that a
        // refusal's audit row is never rolled back with the refused change.
        let area_code = self
            .checked_assignment(&self.db, actor, None, &request.assignment)
            .await?;
        let write = self.db.begin_write().await?;
        let taken = users::Entity::find()
            .filter(users::Column::Username.eq(&username))
            .one(&write)
            .await
            .map_err(db_failure)?;
        if taken.is_some() {
            return Err(DomainError::CodeTaken {
                field: "username".into(),
            }
            .into());
        }
        let user = new_user(&username, &request.full_name, hash, true)
            .insert(&write)
            .await
            .map_err(db_failure)?;
        insert_assignment(&write, user.id, &request.assignment, area_code.clone()).await?;
        let mut created = user_entry(actor, "create_user", user.id, area_code.as_deref());
        created.detail = Some(format!(
            "username={username}; role={}",
            request.assignment.role.code()
        ));
        write.audit(created).await?;
        write.commit().await?;
        Ok(Created { id: user.id })
    }

    async fn reset_password(
        &self,
        actor: &Actor,
        user_id: i64,
        new_password: &str,
    ) -> Result<(), ServiceError> {
        let (user, assignments) = self
            .manageable_user(&self.db, actor, user_id, Action::ManageUsers)
            .await?;
        let mut errors = FieldErrors::new();
        errors.check(
            "new_password",
            password::check_policy(new_password, &user.username),
        );
        errors.finish()?;
        let hash = hash_password(new_password).await?;
        let write = self.db.begin_write().await?;
        store_password(&write, user, hash, user_id != actor.user_id).await?;
        let ended = Self::end_sessions(
            &write,
            Condition::all().add(sessions::Column::UserId.eq(user_id)),
        )
        .await?;
        let mut reset = user_entry(actor, "reset_password", user_id, first_area(&assignments));
        reset.detail = Some(format!("sessions ended: {ended}"));
        write.audit(reset).await?;
        write.commit().await?;
        self.db.actors().forget_user(user_id);
        Ok(())
    }

    async fn set_disabled(
        &self,
        actor: &Actor,
        user_id: i64,
        disabled: bool,
    ) -> Result<(), ServiceError> {
        let (user, assignments) = self
            .manageable_user(&self.db, actor, user_id, Action::ManageUsers)
            .await?;
        if user_id == actor.user_id && disabled {
            return Err(DomainError::OwnAccountProtected.into());
        }
        let write = self.db.begin_write().await?;
        let version = user.version;
        let mut changed: users::ActiveModel = user.into();
        changed.disabled = Set(disabled);
        changed.updated_at = Set(Utc::now());
        changed.version = Set(version + 1);
        changed.update(&write).await.map_err(db_failure)?;
        let ended = if disabled {
            Self::end_sessions(
                &write,
                Condition::all().add(sessions::Column::UserId.eq(user_id)),
            )
            .await?
        } else {
            0
        };
        let action = if disabled {
            "disable_user"
        } else {
            "enable_user"
        };
        let mut changed_entry = user_entry(actor, action, user_id, first_area(&assignments));
        changed_entry.detail = Some(format!("sessions ended: {ended}"));
        write.audit(changed_entry).await?;
        write.commit().await?;
        self.db.actors().forget_user(user_id);
        Ok(())
    }

    async fn add_assignment(
        &self,
        actor: &Actor,
        user_id: i64,
        assignment: AssignmentInput,
    ) -> Result<Created, ServiceError> {
        let (_, existing) = self
            .manageable_user(&self.db, actor, user_id, Action::ManageUsers)
            .await?;
        let area_code = self
            .checked_assignment(&self.db, actor, Some(user_id), &assignment)
            .await?;
        let write = self.db.begin_write().await?;
        let institution_id = assignment
            .institution_id
            .filter(|_| assignment.role == Role::ReceivingInstitution);
        let duplicate = existing.iter().any(|row| {
            row.role == assignment.role.code()
                && row.area_code == area_code
                && row.institution_id == institution_id
        });
        if duplicate {
            return Err(DomainError::CodeTaken {
                field: "assignment".into(),
            }
            .into());
        }
        let row = insert_assignment(&write, user_id, &assignment, area_code.clone()).await?;
        let mut granted = user_entry(actor, "add_assignment", user_id, area_code.as_deref());
        granted.detail = Some(format!(
            "assignment={}; role={}",
            row.id,
            assignment.role.code()
        ));
        write.audit(granted).await?;
        write.commit().await?;
        Ok(Created { id: row.id })
    }

    async fn remove_assignment(
        &self,
        actor: &Actor,
        assignment_id: i64,
    ) -> Result<(), ServiceError> {
        let assignment = load::<user_assignments::Entity>(&self.db, assignment_id).await?;
        self.manageable_user(&self.db, actor, assignment.user_id, Action::ManageUsers)
            .await?;
        if assignment.user_id == actor.user_id {
            return Err(DomainError::OwnAccountProtected.into());
        }
        let write = self.db.begin_write().await?;
        user_assignments::Entity::delete_by_id(assignment_id)
            .exec(&write)
            .await
            .map_err(db_failure)?;
        let ended = Self::end_sessions(
            &write,
            Condition::all().add(sessions::Column::AssignmentId.eq(assignment_id)),
        )
        .await?;
        let mut removed = user_entry(
            actor,
            "remove_assignment",
            assignment.user_id,
            assignment.area_code.as_deref(),
        );
        removed.detail = Some(format!(
            "assignment={assignment_id}; role={}; sessions ended: {ended}",
            assignment.role
        ));
        write.audit(removed).await?;
        write.commit().await?;
        self.db.actors().forget_user(assignment.user_id);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(like_pattern(" Siti "), "%siti%");
        assert_eq!(like_pattern("50%_a\\b"), "%50\\%\\_a\\\\b%");
    }
}
