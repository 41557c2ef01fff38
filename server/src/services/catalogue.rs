//! The programme and service catalogue and the receiving institutions: data that
//! every signed-in user reads (it holds no personal data) and only administrators
//! change, with optimistic concurrency and a field diff in the audit log.

use async_trait::async_trait;
use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use shared::DomainError;
use shared::access::{Action, Target};
use shared::complaint::Sector;
use shared::contract::{Actor, CatalogueService, ServiceError};
use shared::dto::{Created, InstitutionEntry, ProgrammeEntry, SaveInstitution, SaveProgramme};
use shared::geo::{AreaCode, AreaScope};
use shared::programme::{
    CATALOGUE_NAME_MAX, CatalogueEntry, InstitutionId, InstitutionKind, ProgrammeKind,
    ReceivingInstitution,
};

use super::common::{Subject, authorize, check_version, diff, entry, stored_scope};
use super::db_failure;
use super::rows::{stored, stored_json};
use super::store::Store;
use super::write::load;
use crate::entities::{areas, institutions, programmes};

/// Longest institution address (the column's width).
const ADDRESS_MAX: usize = 255;
/// Longest institution telephone number (the column's width).
const PHONE_MAX: usize = 32;

/// [`CatalogueService`] on the portal database.
pub struct DbCatalogueService {
    db: Store,
}

impl DbCatalogueService {
    pub fn new(db: Store) -> Self {
        DbCatalogueService { db }
    }

    /// Administrators edit the entries of their own area: a district administrator
    /// the district's institutions and local programmes, a national administrator
    /// everything. Refusals are audited.
    async fn authorize_manage(
        &self,
        actor: &Actor,
        subject: Subject<'_>,
        area: &AreaScope,
    ) -> Result<(), ServiceError> {
        authorize(
            &self.db,
            actor,
            Action::ManageCatalogue,
            &Target::area(area.clone()),
            subject,
        )
        .await
    }

    /// The area a catalogue row covers must be a known area; `None` stands for the nation.
    async fn known_area(
        &self,
        scope: &AreaScope,
        field: &str,
    ) -> Result<Option<String>, ServiceError> {
        match scope {
            AreaScope::National => Ok(None),
            AreaScope::Area(code) => {
                let found = areas::Entity::find_by_id(code.as_str().to_string())
                    .one(&self.db)
                    .await
                    .map_err(db_failure)?;
                match found {
                    Some(area) => Ok(Some(area.code)),
                    None => Err(ServiceError::Invalid(DomainError::UnknownCode {
                        field: field.to_string(),
                        code: code.as_str().to_string(),
                    })),
                }
            }
        }
    }

    /// Whether another catalogue entry than `except` already uses `code`.
    async fn code_taken<C: ConnectionTrait>(
        db: &C,
        code: &str,
        except: Option<i64>,
    ) -> Result<bool, ServiceError> {
        let mut query = programmes::Entity::find().filter(programmes::Column::Code.eq(code));
        if let Some(id) = except {
            query = query.filter(programmes::Column::Id.ne(id));
        }
        Ok(query.one(db).await.map_err(db_failure)?.is_some())
    }
}

fn code_taken_error() -> ServiceError {
    ServiceError::Invalid(DomainError::CodeTaken {
        field: "code".into(),
    })
}

/// A stored area column: `NULL` (or empty) is the whole nation.
fn area_of(scope: &AreaScope) -> Option<&AreaCode> {
    match scope {
        AreaScope::National => None,
        AreaScope::Area(code) => Some(code),
    }
}

fn programme_entry(row: programmes::Model) -> Result<ProgrammeEntry, ServiceError> {
    let kinds: Vec<String> = stored_json(&row.institution_kinds)?;
    Ok(ProgrammeEntry {
        id: row.id,
        version: row.version,
        entry: CatalogueEntry {
            code: row.code.clone(),
            name: row.name.clone(),
            kind: stored::<ProgrammeKind>(&row.kind)?,
            sector: stored::<Sector>(&row.sector)?,
            institution_kinds: kinds
                .iter()
                .map(|code| stored::<InstitutionKind>(code))
                .collect::<Result<_, _>>()?,
            area: stored_scope(row.area_code.as_deref())?,
            active: row.active,
        },
        institution_id: row.institution_id,
    })
}

fn institution_entry(row: institutions::Model) -> Result<InstitutionEntry, ServiceError> {
    Ok(InstitutionEntry {
        version: row.version,
        institution: ReceivingInstitution {
            id: InstitutionId::from(row.id),
            name: row.name.clone(),
            kind: stored::<InstitutionKind>(&row.kind)?,
            serves: stored_scope(row.area_code.as_deref())?,
            active: row.active,
        },
        address: row.address,
        phone: row.phone,
    })
}

/// The audited view of a catalogue entry's columns.
#[derive(serde::Serialize)]
struct ProgrammeColumns<'a> {
    code: &'a str,
    name: &'a str,
    kind: &'a str,
    sector: &'a str,
    institution_kinds: &'a [String],
    institution_id: Option<i64>,
    area_code: Option<&'a str>,
    active: bool,
}

impl ProgrammeColumns<'_> {
    fn json(&self) -> Result<serde_json::Value, ServiceError> {
        serde_json::to_value(self).map_err(|_| ServiceError::Internal)
    }
}

fn institution_json(
    name: &str,
    kind: &str,
    area_code: Option<&str>,
    address: Option<&str>,
    phone: Option<&str>,
    active: bool,
) -> serde_json::Value {
    serde_json::json!({
        "name": name,
        "kind": kind,
        "area_code": area_code,
        "address": address,
        "phone": phone,
        "active": active,
    })
}

/// The version a change must name.
fn seen_version(version: Option<i32>) -> Result<i32, ServiceError> {
    version.ok_or_else(|| {
        ServiceError::Invalid(DomainError::TextRequired {
            field: "version".into(),
        })
    })
}

#[async_trait]
impl CatalogueService for DbCatalogueService {
    async fn programmes(&self, _actor: &Actor) -> Result<Vec<ProgrammeEntry>, ServiceError> {
        programmes::Entity::find()
            .order_by_asc(programmes::Column::Name)
            .order_by_asc(programmes::Column::Id)
            .all(&self.db)
            .await
            .map_err(db_failure)?
            .into_iter()
            .map(programme_entry)
            .collect()
    }

    async fn institutions(&self, _actor: &Actor) -> Result<Vec<InstitutionEntry>, ServiceError> {
        institutions::Entity::find()
            .order_by_asc(institutions::Column::Name)
            .order_by_asc(institutions::Column::Id)
            .all(&self.db)
            .await
            .map_err(db_failure)?
            .into_iter()
            .map(institution_entry)
            .collect()
    }

    async fn save_programme(
        &self,
        actor: &Actor,
        request: SaveProgramme,
    ) -> Result<Created, ServiceError> {
        let subject = match request.id {
            Some(id) => Subject::new("programme", id),
            None => Subject::kind("programme"),
        };
        self.authorize_manage(actor, subject, &request.entry.area)
            .await?;
        let existing = match request.id {
            Some(id) => {
                let row = load::<programmes::Entity>(&self.db, id).await?;
                self.authorize_manage(actor, subject, &stored_scope(row.area_code.as_deref())?)
                    .await?;
                check_version(row.version, seen_version(request.version)?)?;
                Some(row)
            }
            None => None,
        };
        let entry_in = &request.entry;
        entry_in.validate()?;
        let name = shared::text::required("name", &entry_in.name, CATALOGUE_NAME_MAX)?;
        let mut kinds: Vec<String> = Vec::with_capacity(entry_in.institution_kinds.len());
        for kind in &entry_in.institution_kinds {
            let code = kind.code().to_string();
            if !kinds.contains(&code) {
                kinds.push(code);
            }
        }
        let kinds_json = serde_json::to_string(&kinds).map_err(|_| ServiceError::Internal)?;
        let area_code = self.known_area(&entry_in.area, "area").await?;
        if let Some(institution) = request.institution_id {
            let found = institutions::Entity::find_by_id(institution)
                .one(&self.db)
                .await
                .map_err(db_failure)?;
            if found.is_none() {
                return Err(ServiceError::Invalid(DomainError::UnknownCode {
                    field: "institution_id".into(),
                    code: institution.to_string(),
                }));
            }
        }
        if Self::code_taken(&self.db, &entry_in.code, request.id).await? {
            return Err(code_taken_error());
        }
        let after = ProgrammeColumns {
            code: &entry_in.code,
            name: &name,
            kind: entry_in.kind.code(),
            sector: entry_in.sector.code(),
            institution_kinds: &kinds,
            institution_id: request.institution_id,
            area_code: area_code.as_deref(),
            active: entry_in.active,
        }
        .json()?;
        let now = Utc::now();
        let write = self.db.begin_write().await?;
        let (id, action, before) = match existing {
            None => {
                let inserted = programmes::ActiveModel {
                    code: Set(entry_in.code.clone()),
                    kind: Set(entry_in.kind.code().to_string()),
                    name: Set(name.clone()),
                    description: Set(None),
                    sector: Set(entry_in.sector.code().to_string()),
                    institution_kinds: Set(kinds_json),
                    institution_id: Set(request.institution_id),
                    area_code: Set(area_code.clone()),
                    active: Set(entry_in.active),
                    created_at: Set(now),
                    updated_at: Set(now),
                    version: Set(1),
                    ..Default::default()
                }
                .insert(&write)
                .await;
                let inserted = match inserted {
                    Ok(row) => row,
                    Err(error) => {
                        // Two administrators may take the same code at once: the unique index refuses one.
                        drop(write);
                        if Self::code_taken(&self.db, &entry_in.code, None).await? {
                            return Err(code_taken_error());
                        }
                        return Err(db_failure(error));
                    }
                };
                (inserted.id, "create_programme", serde_json::json!({}))
            }
            Some(row) => {
                let stored_kinds: Vec<String> = stored_json(&row.institution_kinds)?;
                let before = ProgrammeColumns {
                    code: &row.code,
                    name: &row.name,
                    kind: &row.kind,
                    sector: &row.sector,
                    institution_kinds: &stored_kinds,
                    institution_id: row.institution_id,
                    area_code: row.area_code.as_deref(),
                    active: row.active,
                }
                .json()?;
                let updated = programmes::Entity::update_many()
                    .col_expr(programmes::Column::Code, Expr::value(entry_in.code.clone()))
                    .col_expr(programmes::Column::Kind, Expr::value(entry_in.kind.code()))
                    .col_expr(programmes::Column::Name, Expr::value(name.clone()))
                    .col_expr(
                        programmes::Column::Sector,
                        Expr::value(entry_in.sector.code()),
                    )
                    .col_expr(
                        programmes::Column::InstitutionKinds,
                        Expr::value(kinds_json),
                    )
                    .col_expr(
                        programmes::Column::InstitutionId,
                        Expr::value(request.institution_id),
                    )
                    .col_expr(programmes::Column::AreaCode, Expr::value(area_code.clone()))
                    .col_expr(programmes::Column::Active, Expr::value(entry_in.active));
                if let Err(error) = write.update(row.id, row.version, updated).await {
                    drop(write);
                    if Self::code_taken(&self.db, &entry_in.code, Some(row.id)).await? {
                        return Err(code_taken_error());
                    }
                    return Err(error);
                }
                (row.id, "update_programme", before)
            }
        };
        write
            .audit(
                entry(
                    actor,
                    action,
                    Subject::new("programme", id),
                    area_of(&entry_in.area),
                )
                .detail(diff(&before, &after, &[])),
            )
            .await?;
        write.commit().await?;
        Ok(Created { id })
    }

    async fn save_institution(
        &self,
        actor: &Actor,
        request: SaveInstitution,
    ) -> Result<Created, ServiceError> {
        let subject = match request.id {
            Some(id) => Subject::new("institution", id),
            None => Subject::kind("institution"),
        };
        self.authorize_manage(actor, subject, &request.serves)
            .await?;
        let existing = match request.id {
            Some(id) => {
                let row = load::<institutions::Entity>(&self.db, id).await?;
                self.authorize_manage(actor, subject, &stored_scope(row.area_code.as_deref())?)
                    .await?;
                check_version(row.version, seen_version(request.version)?)?;
                Some(row)
            }
            None => None,
        };
        let name = shared::text::required("name", &request.name, CATALOGUE_NAME_MAX)?;
        let address = shared::text::optional(
            "address",
            request.address.as_deref().unwrap_or(""),
            ADDRESS_MAX,
        )?;
        let phone =
            shared::text::optional("phone", request.phone.as_deref().unwrap_or(""), PHONE_MAX)?;
        let area_code = self.known_area(&request.serves, "serves").await?;
        let after = institution_json(
            &name,
            request.kind.code(),
            area_code.as_deref(),
            address.as_deref(),
            phone.as_deref(),
            request.active,
        );
        let now = Utc::now();
        let write = self.db.begin_write().await?;
        let (id, action, before) = match existing {
            None => {
                let inserted = institutions::ActiveModel {
                    name: Set(name.clone()),
                    kind: Set(request.kind.code().to_string()),
                    area_code: Set(area_code.clone()),
                    address: Set(address.clone()),
                    phone: Set(phone.clone()),
                    active: Set(request.active),
                    created_at: Set(now),
                    updated_at: Set(now),
                    version: Set(1),
                    ..Default::default()
                };
                let inserted = write.insert(inserted).await?;
                (inserted.id, "create_institution", serde_json::json!({}))
            }
            Some(row) => {
                let before = institution_json(
                    &row.name,
                    &row.kind,
                    row.area_code.as_deref(),
                    row.address.as_deref(),
                    row.phone.as_deref(),
                    row.active,
                );
                let updated = institutions::Entity::update_many()
                    .col_expr(institutions::Column::Name, Expr::value(name.clone()))
                    .col_expr(institutions::Column::Kind, Expr::value(request.kind.code()))
                    .col_expr(
                        institutions::Column::AreaCode,
                        Expr::value(area_code.clone()),
                    )
                    .col_expr(institutions::Column::Address, Expr::value(address.clone()))
                    .col_expr(institutions::Column::Phone, Expr::value(phone.clone()))
                    .col_expr(institutions::Column::Active, Expr::value(request.active));
                write.update(row.id, row.version, updated).await?;
                (row.id, "update_institution", before)
            }
        };
        write
            .audit(
                entry(
                    actor,
                    action,
                    Subject::new("institution", id),
                    area_of(&request.serves),
                )
                .detail(diff(&before, &after, &[])),
            )
            .await?;
        write.commit().await?;
        Ok(Created { id })
    }
}
