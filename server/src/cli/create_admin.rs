//! `slrt create-admin`: creates an account (by default an administrator for the
//! whole nation) and its role assignment. Also used by the demo seed.

use anyhow::{Context, bail};
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set,
    TransactionTrait,
};
use shared::roles::Role;

use crate::entities::{areas, user_assignments, users};
use crate::password;
use crate::services::audit_entry::{self, Entry, Outcome};

/// A new account and the role it starts with.
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub username: String,
    pub full_name: String,
    pub password: String,
    pub role: Role,
    /// `None` for the whole nation.
    pub area_code: Option<String>,
}

/// Creates the account and its first assignment in one transaction; returns the user id.
pub async fn create(db: &DatabaseConnection, account: NewAccount) -> anyhow::Result<i64> {
    let username = account.username.trim().to_lowercase();
    if username.is_empty()
        || !username
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
    {
        bail!(
            "nama pengguna hanya boleh berisi huruf, angka, titik, garis bawah atau tanda hubung"
        );
    }
    if let Err(error) = password::check_policy(&account.password, &username) {
        bail!("{}", error.message_id());
    }
    if users::Entity::find()
        .filter(users::Column::Username.eq(&username))
        .one(db)
        .await?
        .is_some()
    {
        bail!("nama pengguna `{username}` sudah dipakai");
    }
    if let Some(code) = &account.area_code
        && areas::Entity::find_by_id(code.clone())
            .one(db)
            .await?
            .is_none()
    {
        bail!("wilayah `{code}` tidak ada; jalankan `slrt import-areas` terlebih dahulu");
    }
    let password_hash = password::hash(account.password).await?;
    let now = Utc::now();
    let txn = db.begin().await?;
    let user = crate::services::auth::new_user(&username, &account.full_name, password_hash, false)
        .insert(&txn)
        .await
        .context("cannot store the account")?;
    user_assignments::ActiveModel {
        user_id: Set(user.id),
        role: Set(account.role.code().to_string()),
        area_code: Set(account.area_code.clone()),
        institution_id: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit_entry::record(
        &txn,
        Entry {
            action: "create_user",
            object_type: "user",
            object_id: Some(user.id.to_string()),
            area_code: account.area_code,
            detail: Some(format!("username={username}; role={}", account.role.code())),
            ..Default::default()
        },
        Outcome::Ok,
    )
    .await?;
    txn.commit().await?;
    Ok(user.id)
}
