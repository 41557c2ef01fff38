//! `attachments`: A document on a household's file (KK, KTP, SKTM, letters,
//! house photos); the bytes live on disk under their content hash (`files`).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "attachments")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// `household` or `member`: what the document is about.
    pub owner_type: String,
    pub owner_id: i64,
    /// The name it is served under (kind and number; never what it was sent as).
    pub file_name: String,
    /// A `DocumentFormat` code.
    pub content_type: String,
    pub size_bytes: i64,
    /// SHA-256 of the bytes as kept (after metadata was removed).
    pub sha256: String,
    /// Where the bytes are, under the files folder (`ab/abcdef…`).
    pub storage_path: String,
    pub uploaded_by: Option<i64>,
    pub uploaded_at: DateTimeUtc,
    /// The household whose file it is on (access and retention follow it).
    pub household_id: Option<i64>,
    /// The member it is about, if one.
    pub member_id: Option<i64>,
    /// A `DocumentKind` code.
    pub kind: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
