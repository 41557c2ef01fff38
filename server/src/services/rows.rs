//! Reading and writing stored rows: enum codes, JSON detail columns, names by
//! id. Shared by every service, so that none imports another for them.

use std::collections::HashMap;

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use shared::Coded;
use shared::contract::ServiceError;

use super::db_failure;
use crate::entities::households;

/// Reads a stored enum code; a bad stored code is a server fault.
pub(crate) fn stored<T: Coded>(code: &str) -> Result<T, ServiceError> {
    T::from_code(code).ok_or_else(|| {
        tracing::error!(code, "unknown code in the database");
        ServiceError::Internal
    })
}

/// Reads a JSON detail column.
pub(crate) fn stored_json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, ServiceError> {
    serde_json::from_str(text).map_err(|error| {
        tracing::error!(%error, "damaged JSON in the database");
        ServiceError::Internal
    })
}

pub(crate) fn to_json<T: serde::Serialize>(value: &T) -> Result<String, ServiceError> {
    serde_json::to_string(value).map_err(|error| {
        tracing::error!(%error, "cannot serialise a record");
        ServiceError::Internal
    })
}

/// Households by id, for list joins.
pub(crate) async fn head_names<C: sea_orm::ConnectionTrait>(
    db: &C,
    ids: Vec<i64>,
) -> Result<HashMap<i64, String>, ServiceError> {
    Ok(households::Entity::find()
        .filter(households::Column::Id.is_in(ids))
        .all(db)
        .await
        .map_err(db_failure)?
        .into_iter()
        .map(|h| (h.id, h.head_name))
        .collect())
}
