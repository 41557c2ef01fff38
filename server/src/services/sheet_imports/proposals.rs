//! A village's BNBA list (by name, by address) of families to propose for the
//! registry (flow B): one row per person, the family's rows by their No KK.
//!
//! Checking reads the whole list and sorts each family into what importing
//! would do, writing nothing: propose it (no household file yet, or a file
//! without a registry record and without an open new-family proposal), leave
//! it (already proposed, already in the registry, kept by another district),
//! or hold it back as likely on record otherwise written (a NIK a household
//! holds, or people of the sub-district alike in name and birth date: the
//! front desk's duplicate check). Families held back are listed in the
//! report for a person to look at; they are never proposed blindly.
//!
//! Importing makes, for each family to propose, its household file (marked
//! as awaiting the home visit: the list gives no housing, assets or income)
//! and a new-family proposal from the RT/RW at the first stage, waiting for
//! the village meeting. Families are written in batches, each batch one
//! write, each family sorted again inside it: a rerun after a crash, or a
//! second upload of the same list, finds the families already proposed and
//! makes nothing twice.

use std::collections::HashMap;
use std::path::Path;

use anyhow::{Context, bail};
use chrono::{NaiveDate, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use shared::access::Action;
use shared::contract::{Actor, ServiceError};
use shared::error::DomainError;
use shared::geo::{Address, AreaCode};
use shared::household::{IncomeBand, check_members};
use shared::identity::NoKk;
use shared::member::{
    Education, MaritalStatus, Member, MemberRegistryStatus, Occupation, Relationship,
};
use shared::proposal::{ProposalKind, ProposalSource, ProposalStage};
use shared::proposal_change::ProposalChange;
use shared::sheet_import::{
    Field, PROPOSAL_ROWS_MAX, PROPOSALS_REQUIRED, SheetDestination, SheetResult, SheetSurvey,
    masked_sample,
};

use super::super::common::{Subject, entry, today_in};
use super::super::households::duplicates::likely_in_subdistrict;
use super::super::households::{
    check_nik_free, listed_member_model, number_text, open_for_work, registry_for_kk_hash,
};
use super::super::proposals::insert_proposal;
use super::super::rows::to_json;
use super::super::stats::Kind;
use super::super::write::Write;
use super::jobs::{JobContext, reading};
use super::view::stored_text;
use crate::entities::{households, proposals, sheet_imports};
use crate::protect::{DataKey, IdKind};
use crate::records::HouseholdDetails;
use crate::registry_import::{
    ImportProgress, Reading, RejectedRow, ReportWriter, RowProblem, area_index,
};
use crate::sheets::{self, AreaIndex, Mapping, Workbook};

/// Families written per write: short turns, so the desks' saves go between them.
const FAMILIES_PER_WRITE: usize = 25;

/// The place of birth of a member the list gives none for.
const NO_BIRTH_PLACE: &str = "-";

/// One family of the list: its members in the list's order and the lines they came from.
struct ListFamily {
    lines: Vec<u64>,
    no_kk: NoKk,
    address: Address,
    /// The head's name as the list gives it (a column of its own, else the head's row).
    head_name: Option<String>,
    members: Vec<Member>,
    /// Each row's values as they would be stored, NIK and No KK masked (for the report).
    values: Vec<Vec<String>>,
}

impl ListFamily {
    fn head_name(&self) -> String {
        self.head_name.clone().unwrap_or_else(|| {
            self.members
                .iter()
                .find(|member| member.relationship == Relationship::Head)
                .map(|member| member.name.clone())
                .unwrap_or_default()
        })
    }

    /// Every row of the family, refused for `problem`.
    fn refused(&self, problem: &RowProblem) -> Vec<RejectedRow> {
        self.lines
            .iter()
            .zip(&self.values)
            .map(|(line, values)| RejectedRow {
                line: *line,
                problems: vec![problem.clone()],
                values: values.clone(),
            })
            .collect()
    }
}

/// The whole list as read.
struct ListRead {
    /// Data rows.
    rows: u64,
    families: Vec<ListFamily>,
    /// Rows refused by the list alone (a cell that does not read, a family without a head).
    rejected: Vec<RejectedRow>,
    /// The names of the values each row carries in the report.
    columns: Vec<String>,
    /// Rows whose SHDK does not read (a hint that the list numbers it otherwise).
    relationship_unread: u64,
}

/// A row's problem with a field the list must give.
fn missing(field: Field) -> RowProblem {
    RowProblem::new(
        field.code(),
        format!("{} kosong.", field.label_id()),
        format!("{} is empty.", field.label_en()),
    )
}

/// Every problem of a member that does not validate.
fn member_problems(error: &DomainError) -> Vec<RowProblem> {
    match error {
        DomainError::Invalid { errors } => errors
            .iter()
            .map(|field| RowProblem::domain(&field.field, &field.error))
            .collect(),
        other => vec![RowProblem::domain("baris", other)],
    }
}

/// The member a row stands for, or what is wrong with it.
fn member_of(record: &sheets::Record, today: NaiveDate) -> Result<Member, Vec<RowProblem>> {
    let mut problems = Vec::new();
    let (sex, birth_date) = match &record.nik {
        // The NIK tells both; a column that gives them is checked against it.
        Some(nik) => (
            Some(record.sex.unwrap_or_else(|| nik.sex())),
            Some(record.birth_date.unwrap_or_else(|| nik.birth_date(today))),
        ),
        None => (record.sex, record.birth_date),
    };
    let name = record.name.clone();
    if name.is_none() {
        problems.push(missing(Field::Name));
    }
    if record.relationship.is_none() {
        problems.push(missing(Field::Relationship));
    }
    if record.nik.is_none() && (sex.is_none() || birth_date.is_none()) {
        problems.push(RowProblem::new(
            Field::Nik.code(),
            "NIK kosong: isi NIK, atau untuk anggota tanpa dokumen isi jenis kelamin dan tanggal lahirnya.".into(),
            "The NIK is empty: give the NIK or, for a member without civil documents, the sex and date of birth.".into(),
        ));
    }
    let (Some(name), Some(relationship), Some(sex), Some(birth_date)) =
        (name, record.relationship, sex, birth_date)
    else {
        return Err(problems);
    };
    if !problems.is_empty() {
        return Err(problems);
    }
    let member = Member {
        nik: record.nik.clone(),
        name,
        sex,
        birth_place: record
            .birth_place
            .clone()
            .unwrap_or_else(|| NO_BIRTH_PLACE.to_string()),
        birth_date,
        relationship,
        // The list gives none of these: they stand in until the member's data is edited.
        marital_status: MaritalStatus::NeverMarried,
        education: Education::NoSchooling,
        occupation: Occupation::NotWorking,
        disabilities: Vec::new(),
        chronic_illnesses: Vec::new(),
        pregnant: false,
        ppks: Vec::new(),
        civil_registry_matched: false,
        registry_status: if record.nik.is_some() {
            MemberRegistryStatus::Unconfirmed
        } else {
            MemberRegistryStatus::Undocumented
        },
    };
    member
        .validated(today)
        .map_err(|error| member_problems(&error))
}

/// Reads the whole list at `path` (on a blocking thread): rows grouped into
/// families by No KK, each row checked as the front desk checks a member.
fn read_list(
    path: &Path,
    reading: &Reading,
    areas: Option<&AreaIndex>,
    today: NaiveDate,
) -> anyhow::Result<ListRead> {
    let unreadable =
        |error: sheets::SheetError| anyhow::anyhow!("{}: {}", path.display(), error.message_en());
    let mut book = Workbook::open(path, &reading.open).map_err(unreadable)?;
    let mut rows = book.rows().map_err(unreadable)?;
    let header = sheets::find_header(&mut rows, reading.header_row).map_err(unreadable)?;
    let mapping = match &reading.fields {
        Some(fields) => Mapping::from_fields(&header, fields),
        None => Mapping::propose(&header),
    }
    .with_numbering(reading.numbering);
    let lacking = mapping.missing(&PROPOSALS_REQUIRED);
    if !lacking.is_empty() {
        let names: Vec<&str> = lacking.iter().map(|field| field.label_en()).collect();
        bail!("no column holds {}", names.join(", "));
    }
    let kept: Vec<Field> = mapping
        .columns()
        .iter()
        .map(|column| column.field)
        .filter(|field| SheetDestination::Proposals.keeps(*field))
        .collect();
    let mut list = ListRead {
        rows: 0,
        families: Vec::new(),
        rejected: Vec::new(),
        columns: kept
            .iter()
            .map(|field| field.label_id().to_string())
            .collect(),
        relationship_unread: 0,
    };
    let mut by_kk: HashMap<String, usize> = HashMap::new();
    // The first refused row of each No KK: its family is not proposed without it.
    let mut refused_kk: HashMap<String, u64> = HashMap::new();
    while let Some(row) = rows.next_row().map_err(unreadable)? {
        if row.number < header.data_start || row.is_blank() {
            continue;
        }
        list.rows += 1;
        if list.rows > PROPOSAL_ROWS_MAX {
            bail!(
                "{}",
                shared::sheet_import::SheetImportProblem::ListTooLong.label_id()
            );
        }
        let record = sheets::read_record(&row, &mapping, areas, today);
        let values: Vec<String> = kept
            .iter()
            .map(|field| masked_sample(&stored_text(&record, *field)))
            .collect();
        let mut problems: Vec<RowProblem> = record
            .problems
            .iter()
            .map(|problem| {
                RowProblem::new(
                    problem.header.trim(),
                    problem.problem.reason_id.clone(),
                    problem.problem.reason_en.clone(),
                )
            })
            .collect();
        let refused_fields: Vec<Field> = record.problems.iter().map(|p| p.field).collect();
        if refused_fields.contains(&Field::Relationship) {
            list.relationship_unread += 1;
        }
        for (field, given) in [
            (Field::NoKk, record.no_kk.is_some()),
            (Field::Village, record.village.is_some()),
        ] {
            if !given && !refused_fields.contains(&field) {
                problems.push(missing(field));
            }
        }
        let member = if problems.is_empty() {
            member_of(&record, today)
        } else {
            Err(Vec::new())
        };
        let (member, no_kk, village) = match (member, record.no_kk.clone(), record.village.clone())
        {
            (Ok(member), Some(no_kk), Some(village)) if problems.is_empty() => {
                (member, no_kk, village)
            }
            (member, no_kk, _) => {
                if let Err(more) = member {
                    problems.extend(more);
                }
                if let Some(no_kk) = no_kk {
                    refused_kk.entry(no_kk.as_str()).or_insert(row.number);
                }
                list.rejected.push(RejectedRow {
                    line: row.number,
                    problems,
                    values,
                });
                continue;
            }
        };
        let key = no_kk.as_str();
        if let Some(&index) = by_kk.get(&key) {
            let Some(family) = list.families.get_mut(index) else {
                continue;
            };
            if family.address.village != village {
                refused_kk.entry(key.clone()).or_insert(row.number);
                list.rejected.push(RejectedRow {
                    line: row.number,
                    problems: vec![RowProblem::new(
                        Field::Village.code(),
                        format!(
                            "Desa berbeda dengan baris {} yang ber-No KK sama: satu keluarga tinggal di satu desa.",
                            family.lines.first().copied().unwrap_or_default()
                        ),
                        format!(
                            "Another village than row {} with the same No KK: a family lives in one village.",
                            family.lines.first().copied().unwrap_or_default()
                        ),
                    )],
                    values,
                });
                continue;
            }
            if family.head_name.is_none() {
                family.head_name = record.head_name.clone();
            }
            family.lines.push(row.number);
            family.members.push(member);
            family.values.push(values);
        } else {
            by_kk.insert(key, list.families.len());
            list.families.push(ListFamily {
                lines: vec![row.number],
                no_kk,
                address: Address {
                    village,
                    dusun: record.dusun.clone(),
                    rw: record.rw,
                    rt: record.rt,
                    street: record.address.clone(),
                },
                head_name: record.head_name.clone(),
                members: vec![member],
                values: vec![values],
            });
        }
    }
    // A family is whole or not at all: no row refused, one head, no NIK twice.
    let families = std::mem::take(&mut list.families);
    for family in families {
        if let Some(line) = refused_kk.get(&family.no_kk.as_str()) {
            list.rejected.extend(family.refused(&RowProblem::new(
                "keluarga",
                format!(
                    "Baris {line} keluarga ini ditolak: keluarga diusulkan utuh, perbaiki baris itu lalu unggah lagi."
                ),
                format!(
                    "Row {line} of this family was refused: a family is proposed whole; mend that row and upload again."
                ),
            )));
            continue;
        }
        match check_members(&family.members) {
            Ok(()) => list.families.push(family),
            Err(error) => list
                .rejected
                .extend(family.refused(&RowProblem::domain("keluarga", &error))),
        }
    }
    list.rejected.sort_by_key(|row| row.line);
    Ok(list)
}

/// What importing does with one family of the list.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    /// No household file yet: make it, and its proposal.
    New,
    /// A household file without a registry record or an open new-family
    /// proposal: propose it (in the village the file keeps).
    ProposeExisting(i64, AreaCode),
    /// Left: an open new-family proposal exists.
    AlreadyProposed(i64),
    /// Left: its new-family proposal was enacted (the registry's next release lists it).
    Enacted(i64),
    /// Held back: its last new-family proposal was refused; a person decides on another.
    Refused(i64),
    /// Left: the registry holds the family.
    InRegistry,
    /// Left: another district keeps the family's file.
    Elsewhere,
    /// Held back: a member's NIK is held by a household on record.
    NikHeld,
    /// Held back: people alike in name and birth date live in these
    /// households of the sub-district.
    Likely(Vec<i64>),
}

impl Outcome {
    /// Why the family is not proposed, for the report.
    fn reason(&self) -> Option<RowProblem> {
        let (id, en) = match self {
            Outcome::New | Outcome::ProposeExisting(..) => return None,
            Outcome::AlreadyProposed(proposal) => (
                format!("Sudah diusulkan (usulan #{proposal}); tidak dibuat lagi."),
                format!("Already proposed (proposal #{proposal}); not made again."),
            ),
            Outcome::Enacted(proposal) => (
                format!("Usulannya sudah ditetapkan (usulan #{proposal}); menunggu rilis DTKS/DTSEN berikutnya."),
                format!("Its proposal was enacted (proposal #{proposal}); waiting for the next registry release."),
            ),
            Outcome::Refused(proposal) => (
                format!("Usulan sebelumnya ditolak (usulan #{proposal}): periksa alasannya; usulkan lagi dari halaman keluarga bila keadaannya berubah."),
                format!("The earlier proposal was refused (proposal #{proposal}): check why; propose again from the household page if things have changed."),
            ),
            Outcome::InRegistry => (
                "Keluarga ini sudah ada di DTKS/DTSEN; tidak diusulkan sebagai keluarga baru.".into(),
                "This family is already in the registry; not proposed as a new family.".into(),
            ),
            Outcome::Elsewhere => (
                "Keluarga ini tercatat di kabupaten/kota lain; tidak diusulkan dari sini.".into(),
                "This family is on record in another district; not proposed from here.".into(),
            ),
            Outcome::NikHeld => (
                "NIK seorang anggota sudah tercatat di keluarga lain: periksa di portal sebelum mengusulkan.".into(),
                "A member's NIK is on record in another household: check in the portal before proposing.".into(),
            ),
            Outcome::Likely(households) => {
                let ids: Vec<String> = households.iter().map(|id| format!("#{id}")).collect();
                (
                    format!(
                        "Mungkin sama dengan keluarga yang sudah tercatat ({}): periksa; bila memang keluarga lain, daftarkan lewat formulir keluarga baru.",
                        ids.join(", ")
                    ),
                    format!(
                        "Likely the same as a household on record ({}): check; if it is another family, register it with the new household form.",
                        ids.join(", ")
                    ),
                )
            }
        };
        Some(RowProblem::new("keluarga", id, en))
    }
}

/// Sorts `family` by what is on record, read through `db`: the portal (a
/// check), or the import's write (`writing`), where on PostgreSQL the
/// family's file is locked until the write ends, as a desk's proposal and a
/// merge lock it: one of them waits for the other and then sees what it did.
async fn outcome_of<C: ConnectionTrait>(
    db: &C,
    key: &DataKey,
    district: &AreaCode,
    family: &ListFamily,
    writing: bool,
) -> Result<Outcome, ServiceError> {
    let kk_hash = key.lookup_hash(IdKind::NoKk, &family.no_kk.as_str());
    let mut on_file =
        households::Entity::find().filter(households::Column::KkHash.eq(kk_hash.as_str()));
    if writing && db.get_database_backend() == sea_orm::DbBackend::Postgres {
        on_file = on_file.lock_exclusive();
    }
    let on_file = on_file.one(db).await.map_err(super::super::db_failure)?;
    if let Some(household) = on_file {
        if !household
            .village_code
            .starts_with(&format!("{}.", district.as_str()))
        {
            return Ok(Outcome::Elsewhere);
        }
        if household.registry_id.is_some() {
            return Ok(Outcome::InRegistry);
        }
        // The family's last new-family proposal: open, enacted (waiting for
        // the registry's release) or refused (a person decides on another).
        let last = proposals::Entity::find()
            .filter(proposals::Column::HouseholdId.eq(household.id))
            .filter(proposals::Column::Kind.eq(ProposalKind::NewFamily.code()))
            .order_by_desc(proposals::Column::Id)
            .one(db)
            .await
            .map_err(super::super::db_failure)?;
        if let Some(last) = last {
            if last.stage == ProposalStage::Enacted.code() {
                return Ok(Outcome::Enacted(last.id));
            }
            if last.stage == ProposalStage::Rejected.code() {
                return Ok(Outcome::Refused(last.id));
            }
            return Ok(Outcome::AlreadyProposed(last.id));
        }
        // A file merged into another is the other's to propose.
        if let Err(error) = open_for_work(&household, Action::ChangeProposal) {
            return match error {
                ServiceError::Invalid(DomainError::HouseholdMerged { into }) => {
                    Ok(Outcome::Likely(vec![into]))
                }
                other => Err(other),
            };
        }
        let village = super::super::common::stored_area(&household.village_code)?;
        return Ok(Outcome::ProposeExisting(household.id, village));
    }
    if registry_for_kk_hash(db, &kk_hash).await?.is_some() {
        return Ok(Outcome::InRegistry);
    }
    for member in &family.members {
        match check_nik_free(db, key, member, None).await {
            Err(ServiceError::DuplicateNik) => return Ok(Outcome::NikHeld),
            checked => checked?,
        }
    }
    let typed: Vec<(String, NaiveDate)> = family
        .members
        .iter()
        .map(|member| (member.name.clone(), member.birth_date))
        .collect();
    let likely = likely_in_subdistrict(db, family.address.village.as_str(), &typed, None).await?;
    if likely.is_empty() {
        Ok(Outcome::New)
    } else {
        Ok(Outcome::Likely(
            likely.iter().map(|(household, _)| household.id).collect(),
        ))
    }
}

/// Reads upload `row`'s list in a blocking task.
async fn read(
    context: &JobContext,
    row: &sheet_imports::Model,
    path: &Path,
) -> anyhow::Result<(ListRead, AreaCode)> {
    let district = AreaCode::parse(&row.district_code).map_err(|_| {
        anyhow::anyhow!("the upload's district {} is not a code", row.district_code)
    })?;
    let areas = area_index(context.db.connection(), &district).await?;
    let today = today_in(&row.district_code);
    let (path, reading) = (path.to_path_buf(), reading(row));
    let list = tokio::task::spawn_blocking(move || read_list(&path, &reading, Some(&areas), today))
        .await
        .context("the list reader stopped unexpectedly")??;
    Ok((list, district))
}

/// Shows `done` of the list's rows as read.
fn progress(context: &JobContext, id: i64, done: u64) {
    context.jobs.update(
        id,
        &ImportProgress {
            rows_read: done,
            ..ImportProgress::default()
        },
    );
}

/// Checks the whole list (nothing written): its rows, families, the rows to
/// refuse, the families already proposed or in the registry, those likely on
/// record otherwise written, and those to propose.
pub(super) async fn survey(
    context: &JobContext,
    row: &sheet_imports::Model,
    path: &Path,
) -> anyhow::Result<SheetSurvey> {
    let (list, district) = read(context, row, path).await?;
    let mut survey = SheetSurvey {
        rows: list.rows,
        families: list.families.len() as u64,
        invalid: list.rejected.len() as u64,
        relationship_unread: list.relationship_unread,
        ..SheetSurvey::default()
    };
    let mut done = 0;
    for family in &list.families {
        let outcome = outcome_of(
            context.db.connection(),
            &context.key,
            &district,
            family,
            false,
        )
        .await?;
        let rows = family.lines.len() as u64;
        survey.valid += rows;
        match outcome {
            Outcome::New | Outcome::ProposeExisting(..) => survey.to_propose += 1,
            Outcome::AlreadyProposed(_)
            | Outcome::Enacted(_)
            | Outcome::InRegistry
            | Outcome::Elsewhere => survey.known_families += 1,
            Outcome::NikHeld | Outcome::Likely(_) | Outcome::Refused(_) => {
                survey.likely_duplicates += 1
            }
        }
        done += rows;
        progress(context, row.id, done);
    }
    Ok(survey)
}

/// The household file of a family from the list: awaiting the home visit for
/// its housing, assets and income.
async fn new_household(
    write: &mut Write,
    key: &DataKey,
    actor: &Actor,
    family: &ListFamily,
    upload: i64,
) -> Result<i64, ServiceError> {
    let no_kk = family.no_kk.as_str();
    let address = &family.address;
    let details = HouseholdDetails {
        housing: crate::records::unsurveyed_housing(),
        assets: Vec::new(),
        programmes: Vec::new(),
        has_house_photo: false,
        awaiting_survey: true,
    };
    let now = Utc::now();
    let household = write
        .insert(households::ActiveModel {
            kk_hash: Set(key.lookup_hash(IdKind::NoKk, &no_kk)),
            kk_sealed: Set(key.seal(&no_kk)),
            kk_masked: Set(family.no_kk.masked()),
            head_name: Set(family.head_name()),
            village_code: Set(address.village.as_str().to_string()),
            dusun: Set(address.dusun.clone()),
            rw: Set(number_text(address.rw)),
            rt: Set(number_text(address.rt)),
            street: Set(address.street.clone()),
            registry_id: Set(None),
            desil: Set(None),
            income_band: Set(IncomeBand::ALL[0].code().to_string()),
            details: Set(to_json(&details)?),
            status: Set("active".to_string()),
            created_by: Set(Some(actor.user_id)),
            created_at: Set(now),
            updated_at: Set(now),
            version: Set(1),
            ..Default::default()
        })
        .await?;
    for member in &family.members {
        write
            .insert(listed_member_model(
                key,
                household.id,
                address.village.as_str(),
                member,
            )?)
            .await?;
    }
    write.created(Kind::Household, household.id);
    write
        .audit(
            entry(
                actor,
                "register_household",
                Subject::new("household", household.id),
                Some(&address.village),
            )
            .detail(format!(
                "members={}; sheet_import={upload}",
                family.members.len()
            )),
        )
        .await?;
    Ok(household.id)
}

/// Proposes the families of upload `row`'s list (see the module
/// documentation); the rows refused and the families left or held back go
/// to the report.
pub(super) async fn import(
    context: &JobContext,
    row: &sheet_imports::Model,
    path: &Path,
    actor: &Actor,
) -> anyhow::Result<SheetResult> {
    let (list, district) = read(context, row, path).await?;
    let mut result = SheetResult {
        rows: list.rows,
        rejected: list.rejected.len() as u64,
        families: list.families.len() as u64,
        ..SheetResult::default()
    };
    let report_path = super::report_path(&context.folder, row.id);
    let mut report = ReportWriter::with_columns(&report_path, &list.columns)?;
    let mut held: Vec<RejectedRow> = list.rejected;
    let batches = Batches {
        context,
        district: &district,
        actor,
        upload: row.id,
        // Not the file's name: offices name files after families, and the
        // proposal's timeline has more readers than the upload.
        note: format!("Dari daftar BNBA desa (unggahan impor #{}).", row.id),
    };
    let mut done = 0;
    for batch in list.families.chunks(FAMILIES_PER_WRITE) {
        // A write that fails (a desk registering one of the families in the
        // same moment) is tried once more: its families are sorted again.
        let outcome = match batches.propose(batch).await {
            Ok(outcome) => outcome,
            Err(error) => {
                tracing::info!(
                    upload = row.id,
                    ?error,
                    "a batch of a BNBA list is tried again"
                );
                batches.propose(batch).await?
            }
        };
        held.extend(outcome.held);
        result.proposals_made += outcome.made;
        result.accepted += outcome.accepted;
        result.families_skipped += outcome.skipped;
        done += batch
            .iter()
            .map(|family| family.lines.len() as u64)
            .sum::<u64>();
        progress(context, row.id, done);
    }
    held.sort_by_key(|row| row.line);
    for rejected in &held {
        report.write(rejected)?;
    }
    report.finish()?;
    Ok(result)
}

/// What one batch's write did.
#[derive(Default)]
struct BatchOutcome {
    held: Vec<RejectedRow>,
    made: u64,
    accepted: u64,
    skipped: u64,
}

/// What every batch of one import shares.
struct Batches<'a> {
    context: &'a JobContext,
    district: &'a AreaCode,
    actor: &'a Actor,
    upload: i64,
    note: String,
}

impl Batches<'_> {
    /// Proposes the families of `batch` that are to be proposed, in one write.
    async fn propose(&self, batch: &[ListFamily]) -> Result<BatchOutcome, ServiceError> {
        let (context, actor) = (self.context, self.actor);
        let mut outcome = BatchOutcome::default();
        let mut write = context.db.begin_write().await?;
        for family in batch {
            // Sorted again inside the write: a rerun, or a desk meanwhile,
            // may have proposed it already.
            let sorted = outcome_of(&write, &context.key, self.district, family, true).await?;
            let (household, village) = match &sorted {
                Outcome::New => (
                    new_household(&mut write, &context.key, actor, family, self.upload).await?,
                    family.address.village.clone(),
                ),
                Outcome::ProposeExisting(household, village) => (*household, village.clone()),
                _ => {
                    if let Some(reason) = sorted.reason() {
                        outcome.held.extend(family.refused(&reason));
                    }
                    outcome.skipped += 1;
                    continue;
                }
            };
            let proposal = insert_proposal(
                &write,
                actor,
                household,
                village.as_str(),
                ProposalKind::NewFamily,
                Some(&ProposalChange::NewFamily),
                ProposalSource::RtRw,
                self.note.clone(),
            )
            .await?;
            write.created(Kind::Proposal, proposal.id);
            write
                .audit(
                    entry(
                        actor,
                        "start_proposal",
                        Subject::new("proposal", proposal.id),
                        Some(&village),
                    )
                    .detail(format!(
                        "household={household}; change=new_family; source=rt_rw; sheet_import={}",
                        self.upload
                    )),
                )
                .await?;
            outcome.made += 1;
            outcome.accepted += family.lines.len() as u64;
        }
        write.commit().await?;
        Ok(outcome)
    }
}
