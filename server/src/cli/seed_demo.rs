//! `slrt seed-demo`: demo accounts for every role in Kabupaten Cirebon (32.09),
//! so that a newcomer can sign in and look around. Synthetic people only.

use anyhow::bail;
use sea_orm::{DatabaseConnection, EntityTrait, PaginatorTrait};
use shared::roles::Role;

use super::create_admin::{self, NewAccount};
use crate::entities::{areas, users};

/// The password of every demo account (stated in the README).
pub const DEMO_PASSWORD: &str = "slrt-demo-2026";

/// Kabupaten Cirebon, Kecamatan Waled, Desa Waled Desa.
const DISTRICT: &str = "32.09";
const SUBDISTRICT: &str = "32.09.01";
const VILLAGE: &str = "32.09.01.2008";

/// Demo accounts: username, synthetic full name, role, area.
const ACCOUNTS: [(&str, &str, Role, Option<&str>); 11] = [
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
];

/// What the seed did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeedOutcome {
    Seeded { accounts: usize },
    AlreadySeeded,
}

/// Creates the demo accounts unless the database already has users.
pub async fn run(db: &DatabaseConnection) -> anyhow::Result<SeedOutcome> {
    if users::Entity::find().count(db).await? > 0 {
        return Ok(SeedOutcome::AlreadySeeded);
    }
    if areas::Entity::find_by_id(VILLAGE.to_string())
        .one(db)
        .await?
        .is_none()
    {
        bail!(
            "area data is missing (no {VILLAGE}); run `slrt import-areas node_modules/idn-area-data/data` first"
        );
    }
    for (username, full_name, role, area) in ACCOUNTS {
        create_admin::create(
            db,
            NewAccount {
                username: username.to_string(),
                full_name: full_name.to_string(),
                password: DEMO_PASSWORD.to_string(),
                role,
                area_code: area.map(str::to_string),
            },
        )
        .await?;
    }
    Ok(SeedOutcome::Seeded {
        accounts: ACCOUNTS.len(),
    })
}
