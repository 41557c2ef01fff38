//! Applying checked rows (on the database side, inside the transaction): the
//! checks that need the database, the upserts, and linking households.

use std::collections::{HashMap, HashSet};

use chrono::Utc;
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseBackend, DatabaseTransaction, EntityTrait,
    NotSet, QueryFilter, QuerySelect, Set, Statement,
};
use shared::error::DomainError;

use super::check::{Checked, FamilyFields, ValidRow};
use super::{COLUMNS, HUBUNGAN, ImportReport, KODE_WILAYAH, NIK, RejectedRow, RowProblem};
use crate::entities::{areas, registry_families, registry_people};

/// A family seen by this run: its fields as first accepted, its head, whether to write it.
struct FamilyState {
    fields: FamilyFields,
    has_head: bool,
    head_name: String,
    /// Set when the family is new in this run: the whole family row is written.
    new_row: Option<NewFamily>,
    /// Set when a stored family of this run gets its head later: only the name is written.
    head_update: bool,
}

struct NewFamily {
    kk_sealed: String,
    kk_masked: String,
}

/// Applies one batch; returns the rows it rejected, in file order.
pub(super) async fn apply_batch(
    txn: &DatabaseTransaction,
    import_id: i64,
    district: Option<&shared::geo::AreaCode>,
    rows: Vec<Checked>,
    report: &mut ImportReport,
) -> anyhow::Result<Vec<RejectedRow>> {
    let valid = || {
        rows.iter().filter_map(|row| match row {
            Checked::Valid(row) => Some(row.as_ref()),
            Checked::Rejected(_) => None,
        })
    };
    let registry_ids: HashSet<&str> = valid().map(|row| row.registry_id.as_str()).collect();
    let village_codes: HashSet<&str> = valid()
        .map(|row| row.family.village_code.as_str())
        .collect();
    let nik_hashes: HashSet<&str> = valid().map(|row| row.nik_hash.as_str()).collect();

    let known_villages: HashSet<String> = if village_codes.is_empty() {
        HashSet::new()
    } else {
        areas::Entity::find()
            .select_only()
            .column(areas::Column::Code)
            .filter(areas::Column::Code.is_in(village_codes.iter().copied()))
            .filter(areas::Column::Level.eq(areas::LEVEL_VILLAGE))
            .into_tuple::<String>()
            .all(txn)
            .await?
            .into_iter()
            .collect()
    };
    // An import for one district (from the browser) keeps to it: its rows'
    // villages must lie in it, and a family the registry keeps in another
    // district is not moved or overwritten from here.
    let inside = |code: &str| {
        district.is_none_or(|district| code.starts_with(&format!("{}.", district.as_str())))
    };
    let elsewhere: HashSet<String> = match district {
        Some(district) if !registry_ids.is_empty() => registry_families::Entity::find()
            .select_only()
            .column(registry_families::Column::RegistryId)
            .filter(registry_families::Column::RegistryId.is_in(registry_ids.iter().copied()))
            .filter(
                registry_families::Column::VillageCode
                    .starts_with(format!("{}.", district.as_str()))
                    .not(),
            )
            .into_tuple::<String>()
            .all(txn)
            .await?
            .into_iter()
            .collect(),
        _ => HashSet::new(),
    };
    let mut families: HashMap<String, FamilyState> = HashMap::new();
    let mut people_seen: HashSet<(String, String)> = HashSet::new();
    if !registry_ids.is_empty() {
        let stored = registry_families::Entity::find()
            .filter(registry_families::Column::RegistryId.is_in(registry_ids.iter().copied()))
            .filter(registry_families::Column::ImportId.eq(import_id))
            .all(txn)
            .await?;
        let stored_people: Vec<(String, String, i16)> = registry_people::Entity::find()
            .select_only()
            .columns([
                registry_people::Column::RegistryId,
                registry_people::Column::NikHash,
                registry_people::Column::Relationship,
            ])
            .filter(registry_people::Column::ImportId.eq(import_id))
            .filter(registry_people::Column::RegistryId.is_in(registry_ids.iter().copied()))
            .filter(
                Condition::any()
                    .add(registry_people::Column::Relationship.eq(1_i16))
                    .add(registry_people::Column::NikHash.is_in(nik_hashes.iter().copied())),
            )
            .into_tuple()
            .all(txn)
            .await?;
        let heads: HashSet<&str> = stored_people
            .iter()
            .filter(|(_, _, relationship)| *relationship == 1)
            .map(|(registry_id, _, _)| registry_id.as_str())
            .collect();
        for family in stored {
            let has_head = heads.contains(family.registry_id.as_str());
            families.insert(
                family.registry_id.clone(),
                FamilyState {
                    fields: FamilyFields {
                        source: family.source,
                        kk_hash: family.kk_hash,
                        village_code: family.village_code,
                        address: family.address,
                        rt: family.rt,
                        rw: family.rw,
                        dusun: family.dusun,
                        desil: family.desil,
                        programmes: family.programmes,
                    },
                    has_head,
                    head_name: family.head_name,
                    new_row: None,
                    head_update: false,
                },
            );
        }
        people_seen.extend(
            stored_people
                .into_iter()
                .map(|(registry_id, nik_hash, _)| (registry_id, nik_hash)),
        );
    }

    let now = Utc::now();
    let mut rejected = Vec::new();
    let mut people = Vec::new();
    let mut new_family_order = Vec::new();
    for row in rows {
        let row = match row {
            Checked::Rejected(row) => {
                rejected.push(row);
                continue;
            }
            Checked::Valid(row) => row,
        };
        let mut problems = Vec::new();
        if !inside(&row.family.village_code) || elsewhere.contains(&row.registry_id) {
            problems.push(outside_district(&row, district));
        } else {
            problems = family_problems(&row, &known_villages, &families, &people_seen);
        }
        if !problems.is_empty() {
            rejected.push(RejectedRow {
                line: row.line,
                problems,
                values: row.values(),
            });
            continue;
        }
        let ValidRow {
            registry_id,
            family,
            kk_sealed,
            kk_masked,
            nik_hash,
            nik_sealed,
            nik_masked,
            name,
            relationship,
            ..
        } = *row;
        let is_head = relationship == 1;
        match families.get_mut(&registry_id) {
            Some(state) => {
                if is_head {
                    state.has_head = true;
                    state.head_name = name.clone();
                    state.head_update = state.new_row.is_none();
                }
            }
            None => {
                new_family_order.push(registry_id.clone());
                families.insert(
                    registry_id.clone(),
                    FamilyState {
                        fields: family,
                        has_head: is_head,
                        head_name: name.clone(),
                        new_row: Some(NewFamily {
                            kk_sealed,
                            kk_masked,
                        }),
                        head_update: false,
                    },
                );
            }
        }
        people_seen.insert((registry_id.clone(), nik_hash.clone()));
        people.push(registry_people::ActiveModel {
            id: NotSet,
            registry_id: Set(registry_id),
            nik_hash: Set(nik_hash),
            nik_sealed: Set(nik_sealed),
            nik_masked: Set(nik_masked),
            name: Set(name),
            relationship: Set(relationship),
            import_id: Set(Some(import_id)),
        });
    }

    let mut family_rows = Vec::with_capacity(new_family_order.len());
    for registry_id in new_family_order {
        let Some(state) = families.remove(&registry_id) else {
            continue;
        };
        let Some(new_row) = state.new_row else {
            continue;
        };
        family_rows.push(registry_families::ActiveModel {
            registry_id: Set(registry_id),
            source: Set(state.fields.source),
            kk_hash: Set(state.fields.kk_hash),
            kk_sealed: Set(new_row.kk_sealed),
            kk_masked: Set(new_row.kk_masked),
            head_name: Set(state.head_name),
            village_code: Set(state.fields.village_code),
            address: Set(state.fields.address),
            rt: Set(state.fields.rt),
            rw: Set(state.fields.rw),
            dusun: Set(state.fields.dusun),
            desil: Set(state.fields.desil),
            programmes: Set(state.fields.programmes),
            import_id: Set(Some(import_id)),
            updated_at: Set(now),
        });
    }
    report.families_upserted += family_rows.len() as u64;
    if !family_rows.is_empty() {
        registry_families::Entity::insert_many(family_rows)
            .on_conflict(
                OnConflict::column(registry_families::Column::RegistryId)
                    .update_columns([
                        registry_families::Column::Source,
                        registry_families::Column::KkHash,
                        registry_families::Column::KkSealed,
                        registry_families::Column::KkMasked,
                        registry_families::Column::HeadName,
                        registry_families::Column::VillageCode,
                        registry_families::Column::Address,
                        registry_families::Column::Rt,
                        registry_families::Column::Rw,
                        registry_families::Column::Dusun,
                        registry_families::Column::Desil,
                        registry_families::Column::Programmes,
                        registry_families::Column::ImportId,
                        registry_families::Column::UpdatedAt,
                    ])
                    .to_owned(),
            )
            .exec_without_returning(txn)
            .await?;
    }
    // Families first stored by an earlier batch whose head row came in this one.
    for (registry_id, state) in families.iter().filter(|(_, state)| state.head_update) {
        registry_families::Entity::update_many()
            .col_expr(
                registry_families::Column::HeadName,
                Expr::value(state.head_name.clone()),
            )
            .col_expr(registry_families::Column::UpdatedAt, Expr::value(now))
            .filter(registry_families::Column::RegistryId.eq(registry_id.as_str()))
            .exec(txn)
            .await?;
    }
    let accepted = people.len() as u64;
    if !people.is_empty() {
        registry_people::Entity::insert_many(people)
            .on_conflict(
                OnConflict::columns([
                    registry_people::Column::RegistryId,
                    registry_people::Column::NikHash,
                ])
                .update_columns([
                    registry_people::Column::NikSealed,
                    registry_people::Column::NikMasked,
                    registry_people::Column::Name,
                    registry_people::Column::Relationship,
                    registry_people::Column::ImportId,
                ])
                .to_owned(),
            )
            .exec_without_returning(txn)
            .await?;
    }
    report.rows_accepted += accepted;
    report.people_upserted += accepted;
    report.rows_rejected += rejected.len() as u64;
    rejected.sort_by_key(|row| row.line);
    Ok(rejected)
}

/// A row of an import for one district whose village, or whose family as the
/// registry keeps it, lies in another district.
fn outside_district(row: &ValidRow, district: Option<&shared::geo::AreaCode>) -> RowProblem {
    let district = district.map_or("", |district| district.as_str());
    RowProblem::new(
        COLUMNS[KODE_WILAYAH],
        format!(
            "Keluarga {} (desa/kelurahan {}) tidak berada di kabupaten/kota {district}; impor ini hanya untuk {district}.",
            row.registry_id, row.family.village_code
        ),
        format!(
            "Family {} (village {}) is not in district {district}; this import is for {district} only.",
            row.registry_id, row.family.village_code
        ),
    )
}

/// What the database and the rows accepted before say against a valid row.
fn family_problems(
    row: &ValidRow,
    known_villages: &HashSet<String>,
    families: &HashMap<String, FamilyState>,
    people_seen: &HashSet<(String, String)>,
) -> Vec<RowProblem> {
    let mut problems = Vec::new();
    let village = &row.family.village_code;
    if !known_villages.contains(village) {
        let field = COLUMNS[KODE_WILAYAH];
        problems.push(RowProblem::new(
            field,
            format!("Kode wilayah {village} tidak ada dalam tabel wilayah (desa/kelurahan)."),
            format!("Area code {village} is not a village in the area table."),
        ));
        return problems;
    }
    let registry_id = &row.registry_id;
    if let Some(state) = families.get(registry_id) {
        for field in row.family.differing(&state.fields) {
            problems.push(RowProblem::new(
                field,
                format!(
                    "Isian {field} berbeda dengan baris keluarga {registry_id} yang sudah diterima; \
                     data keluarga harus sama di setiap baris anggotanya."
                ),
                format!(
                    "{field} differs from the accepted row of family {registry_id}; family \
                     fields must be the same on every member row."
                ),
            ));
        }
        if row.relationship == 1 && state.has_head {
            problems.push(RowProblem::new(
                COLUMNS[HUBUNGAN],
                format!(
                    "Keluarga {registry_id} sudah memiliki kepala keluarga (hubungan 1) di baris lain."
                ),
                format!("Family {registry_id} already has a head (hubungan 1) on another row."),
            ));
        }
    }
    if people_seen.contains(&(registry_id.clone(), row.nik_hash.clone())) {
        problems.push(RowProblem::domain(
            COLUMNS[NIK],
            &DomainError::DuplicateNik {
                masked: row.nik_masked.clone(),
            },
        ));
    }
    problems
}

/// Gives households whose No KK matches a family of this import its registry id and desil.
/// Where several families share a No KK, the one with the smallest registry id is used.
pub(super) async fn link_households(
    txn: &DatabaseTransaction,
    import_id: i64,
) -> anyhow::Result<u64> {
    let backend = txn.get_database_backend();
    let pick = |column: &str| {
        format!(
            "(SELECT rf.{column} FROM registry_families rf \
              WHERE rf.kk_hash = households.kk_hash AND rf.import_id = $1 \
              ORDER BY rf.registry_id LIMIT 1)"
        )
    };
    let condition = format!(
        "EXISTS (SELECT 1 FROM registry_families rf \
                 WHERE rf.kk_hash = households.kk_hash AND rf.import_id = $1) \
           AND (households.registry_id IS NULL OR households.desil IS NULL \
                OR households.registry_id <> {id} OR households.desil <> {desil})",
        id = pick("registry_id"),
        desil = pick("desil"),
    );
    let sql = format!(
        "UPDATE households SET registry_id = {id}, desil = {desil}, \
           updated_at = $2, version = version + 1 WHERE {condition}",
        id = pick("registry_id"),
        desil = pick("desil"),
    );
    let for_backend = |sql: String| match backend {
        DatabaseBackend::Postgres => sql,
        // SQLite numbers its parameters `?1`, `?2`.
        _ => sql.replace('$', "?"),
    };
    // The dashboard counters follow the households whose desil changes.
    let ids: Vec<i64> = txn
        .query_all_raw(Statement::from_sql_and_values(
            backend,
            for_backend(format!("SELECT id FROM households WHERE {condition}")),
            [import_id.into()],
        ))
        .await?
        .iter()
        .map(|row| row.try_get::<i64>("", "id"))
        .collect::<Result<_, _>>()?;
    let mut touch = crate::services::stats::Touch::default();
    touch.members_unchanged();
    touch
        .note(txn, crate::services::stats::Kind::Household, &ids)
        .await?;
    let result = txn
        .execute_raw(Statement::from_sql_and_values(
            backend,
            for_backend(sql),
            [import_id.into(), Utc::now().into()],
        ))
        .await?;
    touch.settle(txn).await?;
    Ok(result.rows_affected())
}
