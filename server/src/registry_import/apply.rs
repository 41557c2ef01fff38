//! Applying checked rows (on the database side, inside the transaction): the
//! checks that need the database, the upserts, and linking households.

use std::collections::{HashMap, HashSet};

use chrono::Utc;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseBackend, DatabaseTransaction, EntityTrait,
    QueryFilter, QuerySelect, Statement, Value,
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

/// What a run keeps between its batches, kept small: a fingerprint of each
/// family it stored, the villages it looked up, and the last family of the
/// last batch when that batch began it (the family a batch's edge cuts in two).
/// A family of a batch whose fingerprint is absent was not written by an
/// earlier batch, so it needs no look-up: only a family met again after other
/// families (and the rare fingerprint shared by chance) is read back. About 16
/// bytes a family, against reading back every batch's families and people.
#[derive(Default)]
pub(super) struct RunState {
    written: HashSet<u64>,
    /// Village codes looked up: whether each is a village of the area table.
    villages: HashMap<String, bool>,
    /// The last batch's last family, with its people, when that batch began it.
    recent: Option<Recent>,
}

/// A family carried to the next batch: its id, its state, its people (family, NIK hash).
type Recent = (String, FamilyState, Vec<(String, String)>);

impl RunState {
    fn fingerprint(registry_id: &str) -> u64 {
        use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
        BuildHasherDefault::<DefaultHasher>::default().hash_one(registry_id)
    }

    /// False when this run has certainly not written family `registry_id`.
    fn may_hold(&self, registry_id: &str) -> bool {
        self.written.contains(&Self::fingerprint(registry_id))
    }

    fn note(&mut self, registry_id: &str) {
        self.written.insert(Self::fingerprint(registry_id));
    }
}

/// Opens when the writes of the batch before are done (or were given up).
pub(super) type Gate = Option<tokio::sync::oneshot::Receiver<()>>;

/// Waits for `gate` to open, once: a look-up after it sees the batch before.
pub(super) async fn pass(gate: &mut Gate) {
    if let Some(receiver) = gate.take() {
        // A dropped sender means the write failed; the run stops on its error.
        let _ = receiver.await;
    }
}

/// A checked batch's writes, ready to go to the database.
pub(super) struct Writes {
    /// Row after row, in [`FAMILY_COLUMNS`] order.
    family_values: Vec<Value>,
    /// Families stored by an earlier batch whose head row came in this one.
    head_names: Vec<(String, String)>,
    /// Row after row, in [`PEOPLE_COLUMNS`] order.
    people_values: Vec<Value>,
    at: chrono::DateTime<Utc>,
}

/// Checks one batch against the database and the run's earlier batches, and
/// counts it; answers its writes and the rows it rejected, in file order. The
/// look-ups it may need wait for the writes of the batch before it.
pub(super) async fn check_batch(
    txn: &DatabaseTransaction,
    import_id: i64,
    district: Option<&shared::geo::AreaCode>,
    rows: Vec<Checked>,
    report: &mut ImportReport,
    run: &mut RunState,
    gate: &mut Gate,
) -> anyhow::Result<(Writes, Vec<RejectedRow>)> {
    let valid = || {
        rows.iter().filter_map(|row| match row {
            Checked::Valid(row) => Some(row.as_ref()),
            Checked::Rejected(_) => None,
        })
    };
    let registry_ids: HashSet<&str> = valid().map(|row| row.registry_id.as_str()).collect();
    let new_villages: HashSet<&str> = valid()
        .map(|row| row.family.village_code.as_str())
        .filter(|code| !run.villages.contains_key(*code))
        .collect();
    let last_family = valid().next_back().map(|row| row.registry_id.clone());

    // Neither look-up below waits for the batch before: the run writes no
    // area, and every family it writes lies in its district.
    if !new_villages.is_empty() {
        let known: HashSet<String> = areas::Entity::find()
            .select_only()
            .column(areas::Column::Code)
            .filter(areas::Column::Code.is_in(new_villages.iter().copied()))
            .filter(areas::Column::Level.eq(areas::LEVEL_VILLAGE))
            .into_tuple::<String>()
            .all(txn)
            .await?
            .into_iter()
            .collect();
        for code in new_villages {
            run.villages.insert(code.to_string(), known.contains(code));
        }
    }
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
    // The family the last batch ended with, as that batch left it.
    if let Some((registry_id, state, people)) = run.recent.take()
        && registry_ids.contains(registry_id.as_str())
    {
        people_seen.extend(people);
        families.insert(registry_id, state);
    }
    // Other families of this run stored by an earlier batch: only those are read back.
    let earlier: Vec<&str> = registry_ids
        .iter()
        .copied()
        .filter(|id| !families.contains_key(*id) && run.may_hold(id))
        .collect();
    if !earlier.is_empty() {
        pass(gate).await;
        let nik_hashes: HashSet<&str> = valid().map(|row| row.nik_hash.as_str()).collect();
        let stored = registry_families::Entity::find()
            .filter(registry_families::Column::RegistryId.is_in(earlier.iter().copied()))
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
            .filter(registry_people::Column::RegistryId.is_in(earlier.iter().copied()))
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

    let at = Utc::now();
    let mut rejected = Vec::new();
    let mut people_values = Vec::new();
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
            problems = family_problems(&row, &run.villages, &families, &people_seen);
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
        people_values.extend([
            Value::String(Some(registry_id)),
            Value::String(Some(nik_hash)),
            Value::String(Some(nik_sealed)),
            Value::String(Some(nik_masked)),
            Value::String(Some(name)),
            Value::SmallInt(Some(relationship)),
            Value::BigInt(Some(import_id)),
        ]);
    }

    // The last family, when this batch began it, stays for the next batch: its
    // people of this run are all in `people_seen`.
    let keep = last_family.filter(|id| {
        families
            .get(id)
            .is_some_and(|state| state.new_row.is_some())
    });
    let mut family_values = Vec::with_capacity(new_family_order.len() * FAMILY_COLUMNS.len());
    for registry_id in &new_family_order {
        let Some(mut state) = families.remove(registry_id) else {
            continue;
        };
        let Some(new_row) = state.new_row.take() else {
            continue;
        };
        run.note(registry_id);
        let kept = keep.as_ref() == Some(registry_id);
        let (fields, head_name) = if kept {
            (state.fields.clone(), state.head_name.clone())
        } else {
            (
                std::mem::take(&mut state.fields),
                std::mem::take(&mut state.head_name),
            )
        };
        family_values.extend([
            Value::String(Some(registry_id.clone())),
            Value::String(Some(fields.source)),
            Value::String(Some(fields.kk_hash)),
            Value::String(Some(new_row.kk_sealed)),
            Value::String(Some(new_row.kk_masked)),
            Value::String(Some(head_name)),
            Value::String(Some(fields.village_code)),
            Value::String(fields.address),
            Value::String(fields.rt),
            Value::String(fields.rw),
            Value::String(fields.dusun),
            Value::SmallInt(Some(fields.desil)),
            Value::String(Some(fields.programmes)),
            Value::BigInt(Some(import_id)),
            Value::ChronoDateTimeUtc(Some(at)),
        ]);
        if kept {
            let people = people_seen
                .iter()
                .filter(|(family, _)| family == registry_id)
                .cloned()
                .collect();
            run.recent = Some((registry_id.clone(), state, people));
        }
    }
    let head_names: Vec<(String, String)> = families
        .into_iter()
        .filter(|(_, state)| state.head_update)
        .map(|(registry_id, state)| (registry_id, state.head_name))
        .collect();
    let families = family_values.len() / FAMILY_COLUMNS.len();
    let people = people_values.len() / PEOPLE_COLUMNS.len();
    report.families_upserted += families as u64;
    report.rows_accepted += people as u64;
    report.people_upserted += people as u64;
    report.rows_rejected += rejected.len() as u64;
    rejected.sort_by_key(|row| row.line);
    Ok((
        Writes {
            family_values,
            head_names,
            people_values,
            at,
        },
        rejected,
    ))
}

/// Writes a checked batch: its new families, the heads of families stored
/// before, and its people.
pub(super) async fn write_batch(txn: &DatabaseTransaction, writes: Writes) -> anyhow::Result<()> {
    upsert(txn, &FAMILY_UPSERT, writes.family_values).await?;
    for (registry_id, head_name) in writes.head_names {
        registry_families::Entity::update_many()
            .col_expr(registry_families::Column::HeadName, Expr::value(head_name))
            .col_expr(registry_families::Column::UpdatedAt, Expr::value(writes.at))
            .filter(registry_families::Column::RegistryId.eq(registry_id))
            .exec(txn)
            .await?;
    }
    upsert(txn, &PEOPLE_UPSERT, writes.people_values).await
}

/// The columns of a family row as the import writes it (every column).
const FAMILY_COLUMNS: [&str; 15] = [
    "registry_id",
    "source",
    "kk_hash",
    "kk_sealed",
    "kk_masked",
    "head_name",
    "village_code",
    "address",
    "rt",
    "rw",
    "dusun",
    "desil",
    "programmes",
    "import_id",
    "updated_at",
];

/// The columns of a person's row as the import writes it (all but the id).
const PEOPLE_COLUMNS: [&str; 7] = [
    "registry_id",
    "nik_hash",
    "nik_sealed",
    "nik_masked",
    "name",
    "relationship",
    "import_id",
];

/// An upsert of many rows into one table: a family replaces the stored one
/// with its id; a person the stored one with the same family and NIK.
struct Upsert {
    table: &'static str,
    columns: &'static [&'static str],
    key: &'static [&'static str],
}

const FAMILY_UPSERT: Upsert = Upsert {
    table: "registry_families",
    columns: &FAMILY_COLUMNS,
    key: &["registry_id"],
};

const PEOPLE_UPSERT: Upsert = Upsert {
    table: "registry_people",
    columns: &PEOPLE_COLUMNS,
    key: &["registry_id", "nik_hash"],
};

impl Upsert {
    /// `INSERT … VALUES (…), … ON CONFLICT (key) DO UPDATE SET` every other
    /// column, for `rows` rows, with the backend's placeholders. The text is the
    /// same for every full batch of people, whose prepared statement the driver
    /// keeps; families vary in number from batch to batch.
    fn sql(&self, backend: DatabaseBackend, rows: usize) -> String {
        use std::fmt::Write;
        let width = self.columns.len();
        let mut sql = format!(
            "INSERT INTO {} ({}) VALUES ",
            self.table,
            self.columns.join(", ")
        );
        sql.reserve(rows * width * 6);
        for row in 0..rows {
            sql.push_str(if row == 0 { "(" } else { ", (" });
            for column in 0..width {
                if column > 0 {
                    sql.push_str(", ");
                }
                match backend {
                    DatabaseBackend::Postgres => {
                        let _ = write!(sql, "${}", row * width + column + 1);
                    }
                    _ => sql.push('?'),
                }
            }
            sql.push(')');
        }
        let updates: Vec<String> = self
            .columns
            .iter()
            .filter(|column| !self.key.contains(column))
            .map(|column| format!("{column} = excluded.{column}"))
            .collect();
        let _ = write!(
            sql,
            " ON CONFLICT ({}) DO UPDATE SET {}",
            self.key.join(", "),
            updates.join(", ")
        );
        sql
    }
}

/// Writes the rows whose values are `values`, row after row (nothing for none).
async fn upsert(
    txn: &DatabaseTransaction,
    upsert: &Upsert,
    values: Vec<Value>,
) -> anyhow::Result<()> {
    let rows = values.len() / upsert.columns.len();
    if rows == 0 {
        return Ok(());
    }
    debug_assert_eq!(values.len(), rows * upsert.columns.len());
    let backend = txn.get_database_backend();
    txn.execute_raw(Statement::from_sql_and_values(
        backend,
        upsert.sql(backend, rows),
        values,
    ))
    .await?;
    Ok(())
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
    villages: &HashMap<String, bool>,
    families: &HashMap<String, FamilyState>,
    people_seen: &HashSet<(String, String)>,
) -> Vec<RowProblem> {
    let mut problems = Vec::new();
    let village = &row.family.village_code;
    if villages.get(village) != Some(&true) {
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
