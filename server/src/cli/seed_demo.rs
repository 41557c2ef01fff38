//! `slrt seed-demo`: a believable demo district so that a newcomer can sign in and look around:
//! staff for every role in Kabupaten Cirebon (32.09) and a few in Kabupaten Banjarnegara (33.04),
//! receiving institutions, the programme catalogue, a few thousand synthetic households with
//! registry records, and cases, referrals and registry proposals in every state with legal
//! timelines. Synthetic people only; everything is written in one transaction.
//!
//! Every demo account has the password [`DEMO_PASSWORD`]:
//!
//! | username | role | area |
//! |---|---|---|
//! | `admin` | Administrator | nation |
//! | `fo.waled`, `bo.waled`, `koordinator.waled` | FO, BO, Koordinator Puskesos | Desa Waled Desa 32.09.01.2008 (`fo.waled` also serves 32.09.01.2009 and can switch) |
//! | `fasilitator.waled` | Fasilitator | Kec. Waled 32.09.01 |
//! | `supervisor.cirebon`, `manajer.cirebon`, `fo.cirebon`, `bo.cirebon` | Supervisor, Manajer SLRT, FO and BO of the SLRT secretariat | Kab. Cirebon 32.09 |
//! | `kadis.cirebon`, `bappeda.cirebon` | Kepala Dinas Sosial, Bappeda | Kab. Cirebon 32.09 |
//! | `lembaga.rsud` and `lembaga.<institution>` | Lembaga penerima rujukan | their institution |
//! | `pemantau.kemensos` | Pemantau Kemensos | nation |
//! | `fo.banjarnegara` | FO | Desa 33.04.01.2001 (Kab. Banjarnegara) |
//! | `bo.banjarnegara`, `manajer.banjarnegara` | BO, Manajer SLRT | Kab. Banjarnegara 33.04 |

use std::collections::{BTreeMap, HashMap};

use anyhow::{Context, bail};
use chrono::{DateTime, NaiveDate, Utc};
use rand::Rng;
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, Set,
    TransactionTrait,
};
use sha2::Digest;
use shared::identity::Sex;
use shared::meeting::{MeetingDecision, MeetingState, MinutesType, Participant};
use shared::programme::{InstitutionKind, ProgrammeKind};
use shared::proposal::{ProposalAction, ProposalFlow, ProposalKind, ProposalSource, ProposalStage};
use shared::proposal_change::{CorrectedField, ProposalChange};
use shared::roles::Role;
use shared::workflow::{Workflow, record_transition};

use super::seed_scale::{
    CaseMaker, HouseholdSummary, ID_TABLES, NextIds, ReferralTargets, Rows, Staff, StaffMember,
    Synth, Village, insert_all, pick, record_import, sync_sequences, take, villages_of, weighted,
    wib_today,
};
use crate::entities::{
    areas, institutions, meeting_minutes, programmes, proposal_events, proposals, user_assignments,
    users, village_meeting_items, village_meetings,
};
use crate::password;
use crate::protect::DataKey;
use crate::services::audit_entry::{self, Entry, Outcome};

/// The password of every demo account (stated in the README).
pub use crate::password::DEMO_PASSWORD;

/// Kabupaten Cirebon, Kecamatan Waled, Desa Waled Desa.
const DISTRICT: &str = "32.09";
const SUBDISTRICT: &str = "32.09.01";
const VILLAGE: &str = "32.09.01.2008";
/// The second village `fo.waled` serves (Desa Waled Kota).
const SECOND_WALED_VILLAGE: &str = "32.09.01.2009";
/// Kabupaten Banjarnegara and one of its villages (Kecamatan Susukan).
const SECOND_DISTRICT: &str = "33.04";
const SECOND_VILLAGE: &str = "33.04.01.2001";

/// Demo staff accounts: username, synthetic full name, role, area.
const ACCOUNTS: [(&str, &str, Role, Option<&str>); 16] = [
    ("admin", "Administrator Portal", Role::Admin, None),
    (
        "fo.waled",
        "Siti Nurhaliza",
        Role::FrontOffice,
        Some(VILLAGE),
    ),
    ("bo.waled", "Ahmad Fauzi", Role::BackOffice, Some(VILLAGE)),
    (
        "koordinator.waled",
        "Dewi Lestari",
        Role::PuskesosCoordinator,
        Some(VILLAGE),
    ),
    (
        "fasilitator.waled",
        "Budi Santoso",
        Role::Facilitator,
        Some(SUBDISTRICT),
    ),
    (
        "supervisor.cirebon",
        "Rina Marlina",
        Role::Supervisor,
        Some(DISTRICT),
    ),
    (
        "manajer.cirebon",
        "Hendra Gunawan",
        Role::SlrtManager,
        Some(DISTRICT),
    ),
    (
        "lembaga.rsud",
        "RSUD Waled (petugas rujukan)",
        Role::ReceivingInstitution,
        Some(DISTRICT),
    ),
    (
        "kadis.cirebon",
        "Kepala Dinas Sosial Kab. Cirebon",
        Role::DistrictHead,
        Some(DISTRICT),
    ),
    (
        "bappeda.cirebon",
        "Analis Bappeda Kab. Cirebon",
        Role::Bappeda,
        Some(DISTRICT),
    ),
    (
        "pemantau.kemensos",
        "Pemantau Kemensos",
        Role::KemensosMonitor,
        None,
    ),
    (
        "fo.cirebon",
        "Yuni Kartika",
        Role::FrontOffice,
        Some(DISTRICT),
    ),
    (
        "bo.cirebon",
        "Rahmat Hidayat",
        Role::BackOffice,
        Some(DISTRICT),
    ),
    (
        "fo.banjarnegara",
        "Tri Wahyuni",
        Role::FrontOffice,
        Some(SECOND_VILLAGE),
    ),
    (
        "bo.banjarnegara",
        "Slamet Riyadi",
        Role::BackOffice,
        Some(SECOND_DISTRICT),
    ),
    (
        "manajer.banjarnegara",
        "Endang Susilowati",
        Role::SlrtManager,
        Some(SECOND_DISTRICT),
    ),
];

/// Receiving institutions: slug (account `lembaga.<slug>`), name, kind, area, address.
const INSTITUTIONS: [(&str, &str, InstitutionKind, &str, &str); 13] = [
    (
        "rsud",
        "RSUD Waled",
        InstitutionKind::Hospital,
        DISTRICT,
        "Jl. Prabu Kiansantang, Waled",
    ),
    (
        "puskesmas-waled",
        "Puskesmas Waled",
        InstitutionKind::HealthCentre,
        SUBDISTRICT,
        "Jl. Raya Waled, Waled",
    ),
    (
        "dinkes",
        "Dinas Kesehatan Kab. Cirebon",
        InstitutionKind::HealthOffice,
        DISTRICT,
        "Sumber, Kab. Cirebon",
    ),
    (
        "bpjs",
        "BPJS Kesehatan Cabang Cirebon",
        InstitutionKind::HealthInsurance,
        DISTRICT,
        "Kota Cirebon",
    ),
    (
        "disdukcapil",
        "Disdukcapil Kab. Cirebon",
        InstitutionKind::CivilRegistryOffice,
        DISTRICT,
        "Sumber, Kab. Cirebon",
    ),
    (
        "disdik",
        "Dinas Pendidikan Kab. Cirebon",
        InstitutionKind::EducationOffice,
        DISTRICT,
        "Sumber, Kab. Cirebon",
    ),
    (
        "dinsos",
        "Dinas Sosial Kab. Cirebon",
        InstitutionKind::SocialOffice,
        DISTRICT,
        "Sumber, Kab. Cirebon",
    ),
    (
        "pupr",
        "Dinas PUPR Kab. Cirebon",
        InstitutionKind::HousingOffice,
        DISTRICT,
        "Sumber, Kab. Cirebon",
    ),
    (
        "baznas",
        "BAZNAS Kab. Cirebon",
        InstitutionKind::Baznas,
        DISTRICT,
        "Sumber, Kab. Cirebon",
    ),
    (
        "desa-waled",
        "Pemerintah Desa Waled Desa",
        InstitutionKind::VillageGovernment,
        VILLAGE,
        "Balai Desa Waled Desa",
    ),
    (
        "csr",
        "Forum CSR Kab. Cirebon",
        InstitutionKind::PrivateOrCharity,
        DISTRICT,
        "Sumber, Kab. Cirebon",
    ),
    (
        "dinsos-banjarnegara",
        "Dinas Sosial PPKB Kab. Banjarnegara",
        InstitutionKind::SocialOffice,
        SECOND_DISTRICT,
        "Banjarnegara",
    ),
    (
        "rsud-banjarnegara",
        "RSUD Banjarnegara",
        InstitutionKind::Hospital,
        SECOND_DISTRICT,
        "Banjarnegara",
    ),
];

/// The catalogue: one entry per programme kind, with its Indonesian name and default institution.
fn catalogue(kind: ProgrammeKind) -> (&'static str, &'static str, Option<&'static str>) {
    use ProgrammeKind as P;
    match kind {
        P::Pkh => ("Program Keluarga Harapan (PKH)", "dinsos", None),
        P::Bpnt => ("Program Sembako / BPNT (kartu KKS)", "dinsos", None),
        P::PbiJk => ("PBI Jaminan Kesehatan / KIS (APBN)", "bpjs", None),
        P::PbiApbd => ("PBI APBD Kabupaten Cirebon", "dinkes", Some(DISTRICT)),
        P::KipPip => ("Program Indonesia Pintar (KIP/PIP)", "disdik", None),
        P::Rtlh => (
            "Rehabilitasi Rumah Tidak Layak Huni (Rutilahu)",
            "pupr",
            Some(DISTRICT),
        ),
        P::Atensi => ("Asistensi Rehabilitasi Sosial (ATENSI)", "dinsos", None),
        P::Aspd => (
            "Asistensi Sosial Penyandang Disabilitas Berat (ASPD)",
            "dinsos",
            None,
        ),
        P::BltDanaDesa => ("BLT Dana Desa", "desa-waled", None),
        P::EnergySubsidy => ("Subsidi Listrik dan LPG 3 kg", "dinsos", None),
        P::CivilDocuments => (
            "Layanan Dokumen Kependudukan (KK, KTP-el, Akta Kelahiran)",
            "disdukcapil",
            None,
        ),
        P::HospitalFeeWaiver => (
            "Surat Keterangan Keringanan Biaya Rumah Sakit",
            "rsud",
            Some(DISTRICT),
        ),
        P::Baznas => (
            "Bantuan Zakat BAZNAS (konsumtif dan produktif)",
            "baznas",
            Some(DISTRICT),
        ),
        P::Local => (
            "Bantuan Sosial Daerah Kabupaten Cirebon",
            "dinsos",
            Some(DISTRICT),
        ),
        P::Csr => (
            "Bantuan Swasta (CSR) Kabupaten Cirebon",
            "csr",
            Some(DISTRICT),
        ),
    }
}

/// The institution kinds a referral for `kind` may go to.
fn institution_kinds(kind: ProgrammeKind) -> Vec<&'static str> {
    let (_, slug, _) = catalogue(kind);
    let mut kinds: Vec<&'static str> = INSTITUTIONS
        .iter()
        .filter(|i| i.0 == slug)
        .map(|i| i.2.code())
        .collect();
    match kind {
        ProgrammeKind::PbiApbd => kinds.push(InstitutionKind::HealthCentre.code()),
        ProgrammeKind::BltDanaDesa => kinds.push(InstitutionKind::SocialOffice.code()),
        ProgrammeKind::HospitalFeeWaiver | ProgrammeKind::Atensi => {
            kinds.push(InstitutionKind::SocialOffice.code())
        }
        _ => {}
    }
    kinds.dedup();
    kinds
}

/// What the demo seed should make.
#[derive(Debug, Clone)]
pub struct DemoConfig {
    /// Seed of the random generator: the same seed gives the same data.
    pub seed: u64,
    /// How many households.
    pub households: usize,
    /// The day the demo is generated for (WIB).
    pub today: NaiveDate,
    /// The moment no generated event may pass.
    pub now: DateTime<Utc>,
    /// Extra front-desk accounts for load tests: `fo.cirebon.001`.. of the
    /// district and `fo.waled.001`.. of Waled's first village, this many each.
    /// They take no part in the generated activity.
    pub desks: usize,
}

impl Default for DemoConfig {
    fn default() -> Self {
        let (today, now) = wib_today();
        DemoConfig {
            seed: 2026,
            households: 3_000,
            today,
            now,
            desks: 0,
        }
    }
}

/// The username of load-test desk `desk` (from 1) of `place` (`cirebon`, `waled`).
pub fn desk_username(place: &str, desk: usize) -> String {
    format!("fo.{place}.{desk:03}")
}

/// What the seed did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeedOutcome {
    Seeded(SeedCounts),
    AlreadySeeded,
}

/// Rows the demo seed wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SeedCounts {
    pub accounts: usize,
    pub institutions: usize,
    pub programmes: usize,
    pub households: usize,
    pub members: usize,
    pub registry_families: usize,
    pub cases: usize,
    pub referrals: usize,
    pub proposals: usize,
}

/// Seeds the demo district (default size, today) unless the database already has users.
pub async fn run(db: &DatabaseConnection, key: &DataKey) -> anyhow::Result<SeedOutcome> {
    run_with(db, key, &DemoConfig::default()).await
}

/// Seeds the demo district as `config` says unless the database already has users.
pub async fn run_with(
    db: &DatabaseConnection,
    key: &DataKey,
    config: &DemoConfig,
) -> anyhow::Result<SeedOutcome> {
    if users::Entity::find().count(db).await? > 0 {
        return Ok(SeedOutcome::AlreadySeeded);
    }
    for code in [VILLAGE, SECOND_VILLAGE] {
        if areas::Entity::find_by_id(code.to_string())
            .one(db)
            .await?
            .is_none()
        {
            bail!(
                "area data is missing (no {code}); run `slrt import-areas node_modules/idn-area-data/data` first"
            );
        }
    }
    let password_hash = password::hash(DEMO_PASSWORD.to_string()).await?;
    let txn = db.begin().await?;
    let counts = seed(&txn, key, config, &password_hash).await?;
    crate::services::stats::rebuild(&txn).await?;
    txn.commit().await.context("cannot store the demo data")?;
    Ok(SeedOutcome::Seeded(counts))
}

async fn seed<C: ConnectionTrait>(
    txn: &C,
    key: &DataKey,
    config: &DemoConfig,
    password_hash: &str,
) -> anyhow::Result<SeedCounts> {
    let now = config.now;
    let mut counts = SeedCounts::default();

    // Institutions.
    let mut institution_ids: HashMap<&str, i64> = HashMap::new();
    let mut rows = Vec::new();
    for (index, (slug, name, kind, area, address)) in INSTITUTIONS.iter().enumerate() {
        let id = i64::try_from(index).unwrap_or(0) + 1;
        institution_ids.insert(slug, id);
        rows.push(institutions::ActiveModel {
            id: Set(id),
            name: Set(name.to_string()),
            kind: Set(kind.code().to_string()),
            area_code: Set(Some(area.to_string())),
            address: Set(Some(address.to_string())),
            phone: Set(Some(format!("0800-1000-{:04}", index + 1))),
            active: Set(true),
            created_at: Set(now),
            updated_at: Set(now),
            version: Set(1),
        });
    }
    counts.institutions = rows.len();
    insert_all(txn, rows, 500).await?;

    // Programme catalogue.
    let mut programme_ids: HashMap<ProgrammeKind, i64> = HashMap::new();
    let mut rows = Vec::new();
    for (index, kind) in ProgrammeKind::ALL.iter().enumerate() {
        let id = i64::try_from(index).unwrap_or(0) + 1;
        let (name, institution, area) = catalogue(*kind);
        programme_ids.insert(*kind, id);
        rows.push(programmes::ActiveModel {
            id: Set(id),
            code: Set(kind.code().to_string()),
            kind: Set(kind.code().to_string()),
            name: Set(name.to_string()),
            description: Set(Some(format!(
                "{} — sektor {}.",
                kind.label_id(),
                kind.sector().label_id().to_lowercase()
            ))),
            sector: Set(kind.sector().code().to_string()),
            institution_kinds: Set(serde_json::to_string(&institution_kinds(*kind))?),
            institution_id: Set(institution_ids.get(institution).copied()),
            area_code: Set(area.map(str::to_string)),
            active: Set(true),
            created_at: Set(now),
            updated_at: Set(now),
            version: Set(1),
        });
    }
    counts.programmes = rows.len();
    insert_all(txn, rows, 500).await?;

    // Accounts: the staff, then one account per institution.
    let mut accounts: Vec<Account> = ACCOUNTS
        .iter()
        .map(|(username, name, role, area)| Account {
            username: username.to_string(),
            full_name: name.to_string(),
            role: *role,
            area: area.map(str::to_string),
            institution: (*username == "lembaga.rsud")
                .then(|| institution_ids.get("rsud").copied())
                .flatten(),
        })
        .collect();
    for (slug, name, _, area, _) in INSTITUTIONS.iter().filter(|i| i.0 != "rsud") {
        accounts.push(Account {
            username: format!("lembaga.{slug}"),
            full_name: format!("{name} (petugas rujukan)"),
            role: Role::ReceivingInstitution,
            area: Some(area.to_string()),
            institution: institution_ids.get(slug).copied(),
        });
    }
    let demo_accounts = accounts.len();
    for desk in 1..=config.desks {
        for (place, name, area) in [
            ("cirebon", "Kab. Cirebon", DISTRICT),
            ("waled", "Waled", VILLAGE),
        ] {
            accounts.push(Account {
                username: desk_username(place, desk),
                full_name: format!("Meja layanan {desk} {name}"),
                role: Role::FrontOffice,
                area: Some(area.to_string()),
                institution: None,
            });
        }
    }
    let mut staff = Staff::default();
    let mut responders: HashMap<i64, StaffMember> = HashMap::new();
    let mut user_rows = Vec::new();
    let mut assignment_rows = Vec::new();
    for (index, account) in accounts.iter().enumerate() {
        let Account {
            username,
            full_name,
            role,
            area,
            institution,
        } = account;
        let id = i64::try_from(index).unwrap_or(0) + 1;
        user_rows.push(users::ActiveModel {
            id: Set(id),
            username: Set(username.clone()),
            full_name: Set(full_name.clone()),
            password_hash: Set(password_hash.to_string()),
            disabled: Set(false),
            must_change_password: Set(false),
            created_at: Set(now),
            updated_at: Set(now),
            version: Set(1),
        });
        assignment_rows.push(user_assignments::ActiveModel {
            id: Set(id),
            user_id: Set(id),
            role: Set(role.code().to_string()),
            area_code: Set(area.clone()),
            institution_id: Set(*institution),
            created_at: Set(now),
        });
        if index >= demo_accounts {
            continue;
        }
        let member = StaffMember {
            user_id: id,
            username: username.clone(),
            role: *role,
            area: area.clone(),
        };
        match institution {
            Some(institution) => {
                responders.insert(*institution, member);
            }
            None => staff.members.push(member),
        }
    }
    // A front-office officer serving two villages switches between them.
    if let Some(index) = accounts.iter().position(|a| a.username == "fo.waled") {
        let user_id = i64::try_from(index).unwrap_or(0) + 1;
        assignment_rows.push(user_assignments::ActiveModel {
            id: Set(i64::try_from(accounts.len()).unwrap_or(0) + 1),
            user_id: Set(user_id),
            role: Set(Role::FrontOffice.code().to_string()),
            area_code: Set(Some(SECOND_WALED_VILLAGE.to_string())),
            institution_id: Set(None),
            created_at: Set(now),
        });
    }
    counts.accounts = accounts.len();
    insert_all(txn, user_rows, 500).await?;
    insert_all(txn, assignment_rows, 500).await?;
    for Account {
        username,
        role,
        area,
        ..
    } in &accounts
    {
        audit_entry::record(
            txn,
            Entry {
                action: "create_user",
                object_type: "user",
                object_id: Some(username.clone()),
                area_code: area.clone(),
                detail: Some(format!(
                    "username={username}; role={}; seed-demo",
                    role.code()
                )),
                ..Default::default()
            },
            Outcome::Ok,
        )
        .await?;
    }
    sync_sequences(
        txn,
        &["institutions", "programmes", "users", "user_assignments"],
    )
    .await?;

    // Villages: most households in Kabupaten Cirebon, around the Waled desk; some in Banjarnegara.
    let cirebon = villages_of(txn, &[DISTRICT.to_string()]).await?;
    let banjarnegara = villages_of(txn, &[SECOND_DISTRICT.to_string()]).await?;
    let mut villages: Vec<Village> = cirebon.clone();
    villages.extend(banjarnegara.iter().cloned());
    let index_of = |code: &str| villages.iter().position(|v| v.code == code);
    let (Some(home), Some(second_home)) = (index_of(VILLAGE), index_of(SECOND_VILLAGE)) else {
        bail!("the demo villages are missing from the area table");
    };
    let waled: Vec<usize> = (0..cirebon.len())
        .filter(|&i| villages[i].code.starts_with(&format!("{SUBDISTRICT}.")))
        .collect();
    let second_range = cirebon.len()..villages.len();

    let families = i64::try_from(config.households * 6 / 10).unwrap_or(0);
    let import_id = record_import(txn, "demo", families, now).await?;
    let mut synth = Synth::new(config.seed, key.clone(), config.today, now)
        .with_programmes(programme_ids.clone())
        .with_import(import_id);
    let mut ids = NextIds::load(txn).await?;
    let mut rows = Rows::default();
    let mut households: Vec<HouseholdSummary> = Vec::with_capacity(config.households);
    for _ in 0..config.households {
        let roll = synth.rng.gen_range(0..100);
        let village = if roll < 22 {
            home
        } else if roll < 42 {
            *pick(&mut synth.rng, &waled)
        } else if roll < 85 || second_range.is_empty() {
            synth.rng.gen_range(0..cirebon.len())
        } else if roll < 91 {
            second_home
        } else {
            synth.rng.gen_range(second_range.clone())
        };
        let created_by = staff
            .pick(&villages[village].code, &[Role::FrontOffice])
            .and_then(|(id, _)| id);
        households.push(synth.household(&mut ids, &villages, village, created_by, &mut rows)?);
    }
    counts.households = rows.households.len();
    counts.members = rows.members.len();
    counts.registry_families = rows.families.len();

    // Cases, complaints, referrals.
    let calendar = crate::services::builtin_holidays();
    let targets = DemoTargets {
        programmes: programme_ids,
        institutions: institution_ids,
        responders,
    };
    let mut maker = CaseMaker::new(&staff, &calendar);
    maker.targets = Some(&targets);
    for household in &households {
        let village = &villages[household.village];
        let percent = if household.village == home || household.village == second_home {
            55
        } else {
            22
        };
        if synth.rng.gen_range(0..100) < percent {
            maker.case(&mut synth, &mut ids, household, village, &mut rows)?;
            if synth.rng.gen_range(0..100) < 12 {
                maker.case(&mut synth, &mut ids, household, village, &mut rows)?;
            }
        }
    }
    counts.cases = rows.cases.len();
    counts.referrals = rows.referrals.len();
    rows.insert(txn, 400).await?;

    // Registry proposals (flow B) from the villages of Kecamatan Waled.
    let candidates: Vec<&HouseholdSummary> = households
        .iter()
        .filter(|h| {
            villages[h.village]
                .code
                .starts_with(&format!("{SUBDISTRICT}."))
        })
        .collect();
    if !candidates.is_empty() {
        let wanted = (config.households / 20).max(ProposalStage::ALL.len() * 3);
        let (proposal_rows, event_rows) =
            proposals_for(&mut synth, &mut ids, &staff, &villages, &candidates, wanted)?;
        counts.proposals = proposal_rows.len();
        let meetings = meetings_for(&mut synth, &proposal_rows, &event_rows)?;
        insert_all(txn, proposal_rows, 400).await?;
        insert_all(txn, event_rows, 400).await?;
        insert_meetings(txn, meetings).await?;
        super::demo_batches::insert_batches(txn, key, "manajer.cirebon").await?;
    }
    sync_sequences(txn, &ID_TABLES).await?;
    audit_entry::record(
        txn,
        Entry {
            action: "seed_demo",
            object_type: "database",
            detail: Some(format!(
                "seed={}; households={}; members={}; cases={}; referrals={}; proposals={}",
                config.seed,
                counts.households,
                counts.members,
                counts.cases,
                counts.referrals,
                counts.proposals
            )),
            ..Default::default()
        },
        Outcome::Ok,
    )
    .await?;
    Ok(counts)
}

/// A demo account before it is written.
struct Account {
    username: String,
    full_name: String,
    role: Role,
    area: Option<String>,
    institution: Option<i64>,
}

/// Where demo referrals go.
struct DemoTargets {
    programmes: HashMap<ProgrammeKind, i64>,
    institutions: HashMap<&'static str, i64>,
    responders: HashMap<i64, StaffMember>,
}

impl ReferralTargets for DemoTargets {
    fn target(
        &self,
        kind: ProgrammeKind,
        village: &str,
    ) -> Option<(i64, i64, Option<StaffMember>)> {
        use ProgrammeKind as P;
        let slug = if village.starts_with(&format!("{SECOND_DISTRICT}.")) {
            match kind {
                P::HospitalFeeWaiver => "rsud-banjarnegara",
                _ => "dinsos-banjarnegara",
            }
        } else {
            match kind {
                P::PbiApbd if village.starts_with(&format!("{SUBDISTRICT}.")) => "puskesmas-waled",
                P::BltDanaDesa if village != VILLAGE => "dinsos",
                other => catalogue(other).1,
            }
        };
        let programme = *self.programmes.get(&kind)?;
        let institution = *self.institutions.get(slug)?;
        Some((
            programme,
            institution,
            self.responders.get(&institution).cloned(),
        ))
    }
}

/// The note of each forward step of a proposal.
/// The change a demo proposal asks for: a new family, or for a family in the
/// registry, its address line corrected.
fn demo_change(kind: ProposalKind, serial: i64) -> anyhow::Result<String> {
    let change = match kind {
        ProposalKind::NewFamily => ProposalChange::NewFamily,
        _ => ProposalChange::Correction {
            field: CorrectedField::Street,
            member_id: None,
            proposed: format!("Gang Mawar No. {}", serial % 90 + 1),
        },
    };
    Ok(serde_json::to_string(&change)?)
}

fn forward_note(action: ProposalAction, serial: usize, at: DateTime<Utc>) -> String {
    let year = at.format("%Y");
    let month = at.format("%m/%Y");
    match action {
        ProposalAction::ApproveInVillageMeeting => {
            format!("Berita acara musdes No. {serial}/{year} ditandatangani kepala desa.")
        }
        ProposalAction::Verify => "Verivali kunjungan rumah dengan kuesioner lengkap.".to_string(),
        ProposalAction::MatchCivilRegistry => {
            "Padan NIK dan No KK dengan data Disdukcapil: sesuai.".to_string()
        }
        ProposalAction::Ratify => format!("SK Bupati No. 400.9/{serial}/Dinsos/{year}."),
        ProposalAction::Submit => format!("Dikirim ke Kemensos periode {month}."),
        ProposalAction::Enact => format!("Ditetapkan dalam DTSEN rilis {month}."),
        ProposalAction::Reject => String::new(),
    }
}

fn reject_note(stage: ProposalStage) -> &'static str {
    match stage {
        ProposalStage::Proposed => "Tidak disetujui musdes: keluarga dinilai mampu.",
        ProposalStage::VillageMeetingApproved => {
            "Hasil verivali: kondisi rumah layak dan pendapatan di atas garis kemiskinan."
        }
        ProposalStage::Verified => "NIK kepala keluarga tidak padan dengan data Disdukcapil.",
        ProposalStage::CivilRegistryMatched => "Tidak disahkan: data ganda dengan usulan lain.",
        _ => "Ditolak Kemensos: tidak lolos pemeringkatan kesejahteraan.",
    }
}

/// Registry proposals with legal histories; the first ones end in every stage in turn.
fn proposals_for(
    synth: &mut Synth,
    ids: &mut NextIds,
    staff: &Staff,
    villages: &[Village],
    candidates: &[&HouseholdSummary],
    wanted: usize,
) -> anyhow::Result<(
    Vec<proposals::ActiveModel>,
    Vec<proposal_events::ActiveModel>,
)> {
    let mut proposal_rows = Vec::with_capacity(wanted);
    let mut event_rows = Vec::new();
    let stages = ProposalStage::ALL;
    for index in 0..wanted {
        let household = *pick(&mut synth.rng, candidates);
        let village = &villages[household.village].code;
        // How far it gets: every stage in turn first, then mostly forward.
        let target = if index < stages.len() * 2 {
            stages[index % stages.len()]
        } else {
            weighted(
                &mut synth.rng,
                &[
                    (ProposalStage::Proposed, 15),
                    (ProposalStage::VillageMeetingApproved, 12),
                    (ProposalStage::Verified, 12),
                    (ProposalStage::CivilRegistryMatched, 10),
                    (ProposalStage::Ratified, 8),
                    (ProposalStage::Submitted, 10),
                    (ProposalStage::Enacted, 20),
                    (ProposalStage::Rejected, 13),
                ],
            )
        };
        // A rejected proposal fails at some step.
        let reject_at = (target == ProposalStage::Rejected).then(|| {
            *pick(
                &mut synth.rng,
                &[
                    ProposalStage::Proposed,
                    ProposalStage::VillageMeetingApproved,
                    ProposalStage::Verified,
                    ProposalStage::CivilRegistryMatched,
                    ProposalStage::Submitted,
                ],
            )
        });
        let mut actions = Vec::new();
        let mut stage = ProposalStage::Proposed;
        loop {
            if Some(stage) == reject_at {
                actions.push(ProposalAction::Reject);
                break;
            }
            if stage == target {
                break;
            }
            let Some(action) = ProposalAction::ALL.iter().copied().find(|&action| {
                action != ProposalAction::Reject
                    && <ProposalFlow as Workflow>::next(stage, action).is_some()
            }) else {
                break;
            };
            actions.push(action);
            stage = <ProposalFlow as Workflow>::next(stage, action).unwrap_or(stage);
        }
        let (kind, source) = if household.in_registry {
            (ProposalKind::Correction, ProposalSource::Visit)
        } else {
            (
                ProposalKind::NewFamily,
                weighted(
                    &mut synth.rng,
                    &[
                        (ProposalSource::Visit, 50),
                        (ProposalSource::RtRw, 35),
                        (ProposalSource::WalkIn, 15),
                    ],
                ),
            )
        };
        let Some(proposer) = staff.pick(
            village,
            &[Role::FrontOffice, Role::BackOffice, Role::Facilitator],
        ) else {
            continue;
        };
        let room = (synth.now - household.created_at).num_minutes().max(60);
        let mut at = synth.now
            - chrono::Duration::minutes(synth.rng.gen_range(60..room.clamp(61, 330 * 24 * 60)));
        let step_room =
            (synth.now - at).num_minutes() / i64::try_from(actions.len() + 1).unwrap_or(1);
        let proposal_id = take(&mut ids.proposals);
        let created_at = at;
        let mut events = vec![proposal_events::ActiveModel {
            id: Set(take(&mut ids.proposal_events)),
            proposal_id: Set(proposal_id),
            at: Set(at),
            actor_user_id: Set(proposer.0),
            actor_role: Set(Some(proposer.1.role.code().to_string())),
            action: Set("propose".to_string()),
            from_state: Set(None),
            to_state: Set(ProposalStage::Proposed.code().to_string()),
            note: Set(Some(match source {
                ProposalSource::RtRw => "Diusulkan oleh ketua RT/RW.".to_string(),
                ProposalSource::WalkIn => "Warga datang mendaftar sendiri.".to_string(),
                ProposalSource::Visit => "Diusulkan dari kunjungan SLRT.".to_string(),
                ProposalSource::HouseholdEvent => "Dicatat di berkas keluarga.".to_string(),
            })),
        }];
        let mut stage = ProposalStage::Proposed;
        let mut complete = true;
        for action in actions {
            let roles = <ProposalFlow as Workflow>::roles(stage, action);
            let Some(actor) = staff.pick(village, roles) else {
                complete = false;
                break;
            };
            at += chrono::Duration::minutes(synth.rng.gen_range(step_room / 2..=step_room.max(1)));
            let note = if action == ProposalAction::Reject {
                reject_note(stage).to_string()
            } else {
                forward_note(action, index + 1, at)
            };
            let (next, change) =
                record_transition::<ProposalFlow>(stage, action, &actor.1, at, &note)
                    .map_err(|error| anyhow::anyhow!(error.message_en()))?;
            events.push(proposal_events::ActiveModel {
                id: Set(take(&mut ids.proposal_events)),
                proposal_id: Set(proposal_id),
                at: Set(at),
                actor_user_id: Set(actor.0),
                actor_role: Set(Some(actor.1.role.code().to_string())),
                action: Set(change.action),
                from_state: Set(Some(change.from)),
                to_state: Set(change.to),
                note: Set(change.note),
            });
            stage = next;
        }
        if !complete {
            bail!("no demo staff can move a proposal in {village}");
        }
        proposal_rows.push(proposals::ActiveModel {
            id: Set(proposal_id),
            household_id: Set(household.id),
            village_code: Set(village.clone()),
            kind: Set(kind.code().to_string()),
            change: Set(Some(demo_change(kind, proposal_id)?)),
            batch_id: Set(None),
            civil_match: Set(None),
            source: Set(source.code().to_string()),
            stage: Set(stage.code().to_string()),
            created_by: Set(proposer.0),
            created_at: Set(created_at),
            updated_at: Set(at),
            version: Set(i32::try_from(events.len()).unwrap_or(1)),
        });
        event_rows.extend(events);
    }
    Ok((proposal_rows, event_rows))
}

/// A proposal on a demo meeting's agenda: its id, the decision and the reason.
type DemoItem = (i64, MeetingDecision, Option<String>);

/// A demo village meeting: the meeting and its agenda.
struct DemoMeeting {
    meeting: village_meetings::ActiveModel,
    items: Vec<DemoItem>,
}

/// The minutes file of every demo meeting: a one-page PDF saying it is synthetic.
const DEMO_MINUTES: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R/Resources<</Font<</F1 5 0 R>>>>>>endobj\n4 0 obj<</Length 58>>stream\nBT /F1 14 Tf 72 770 Td (Berita acara musdes - data demo) Tj ET\nendstream endobj\n5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";

/// One approved meeting per village whose proposals passed or failed their
/// village meeting in the demo histories: agreed for those that went on,
/// not agreed (with the refusal's note) for those refused at that step; held
/// on the day of the latest of those steps, with its minutes.
fn meetings_for(
    synth: &mut Synth,
    proposal_rows: &[proposals::ActiveModel],
    event_rows: &[proposal_events::ActiveModel],
) -> anyhow::Result<Vec<DemoMeeting>> {
    let village_of: HashMap<i64, String> = proposal_rows
        .iter()
        .filter_map(|p| Some((*p.id.try_as_ref()?, p.village_code.try_as_ref()?.clone())))
        .collect();
    // Per village: the proposals decided at the meeting, and the latest step.
    let mut decided: BTreeMap<String, (Vec<DemoItem>, DateTime<Utc>)> = BTreeMap::new();
    for event in event_rows {
        let (Some(proposal), Some(action), Some(from), Some(at)) = (
            event.proposal_id.try_as_ref(),
            event.action.try_as_ref(),
            event.from_state.try_as_ref(),
            event.at.try_as_ref(),
        ) else {
            continue;
        };
        if from.as_deref() != Some(ProposalStage::Proposed.code()) {
            continue;
        }
        let decision = if action == ProposalAction::ApproveInVillageMeeting.code() {
            MeetingDecision::Agreed
        } else if action == ProposalAction::Reject.code() {
            MeetingDecision::NotAgreed
        } else {
            continue;
        };
        let Some(village) = village_of.get(proposal) else {
            continue;
        };
        let reason = (decision == MeetingDecision::NotAgreed).then(|| {
            event
                .note
                .try_as_ref()
                .cloned()
                .flatten()
                .unwrap_or_default()
        });
        let entry = decided.entry(village.clone()).or_insert((Vec::new(), *at));
        entry.0.push((*proposal, decision, reason));
        entry.1 = entry.1.max(*at);
    }
    let mut meetings = Vec::new();
    for (village, (items, latest)) in decided {
        let head = synth.full_name(Sex::Male);
        let participants = vec![
            Participant {
                name: head.clone(),
                role: "Kepala Desa".into(),
            },
            Participant {
                name: synth.full_name(Sex::Female),
                role: "BPD".into(),
            },
            Participant {
                name: synth.full_name(Sex::Male),
                role: "Ketua RT".into(),
            },
            Participant {
                name: synth.full_name(Sex::Female),
                role: "Pendamping PKH".into(),
            },
        ];
        let held_on = (latest + chrono::Duration::hours(7)).date_naive();
        meetings.push(DemoMeeting {
            meeting: village_meetings::ActiveModel {
                village_code: Set(village),
                held_on: Set(held_on),
                place: Set("Balai desa".into()),
                village_head: Set(head),
                participants: Set(serde_json::to_string(&participants)?),
                state: Set(MeetingState::Approved.code().to_string()),
                minutes_type: Set(Some(MinutesType::Pdf.code().to_string())),
                minutes_size: Set(Some(i64::try_from(DEMO_MINUTES.len())?)),
                minutes_sha256: Set(Some(hex::encode(sha2::Sha256::digest(DEMO_MINUTES)))),
                minutes_uploaded_at: Set(Some(latest)),
                created_by: Set(None),
                approved_by: Set(None),
                approved_at: Set(Some(latest)),
                created_at: Set(latest),
                updated_at: Set(latest),
                version: Set(1),
                ..Default::default()
            },
            items,
        });
    }
    Ok(meetings)
}

/// Stores the demo meetings with their agendas and minutes.
async fn insert_meetings<C: ConnectionTrait>(
    txn: &C,
    meetings: Vec<DemoMeeting>,
) -> anyhow::Result<()> {
    for demo in meetings {
        let meeting = demo.meeting.insert(txn).await?;
        for (proposal_id, decision, reason) in demo.items {
            village_meeting_items::ActiveModel {
                meeting_id: Set(meeting.id),
                proposal_id: Set(proposal_id),
                decision: Set(Some(decision.code().to_string())),
                reason: Set(reason),
                ..Default::default()
            }
            .insert(txn)
            .await?;
        }
        meeting_minutes::ActiveModel {
            meeting_id: Set(meeting.id),
            content: Set(DEMO_MINUTES.to_vec()),
        }
        .insert(txn)
        .await?;
    }
    Ok(())
}
