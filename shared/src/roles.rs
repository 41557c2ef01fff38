//! Roles a portal user can hold, as listed in the SLRT domain (Permensos 15/2018 practice).

use serde::{Deserialize, Serialize};

/// A role held by a user within one area (or one receiving institution).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Role {
    /// Petugas Front Office: registers visitors, households, members and complaints.
    FrontOffice,
    /// Petugas Back Office: identifies needs, drafts referrals, records outcomes.
    BackOffice,
    /// Fasilitator desa: outreach and home-visit verification (verivali).
    Facilitator,
    /// Supervisor of facilitators across the villages of a district.
    Supervisor,
    /// Koordinator Puskesos: decides the service in a village, signs referrals.
    PuskesosCoordinator,
    /// Manajer SLRT: decides the service at district level, sees team workload.
    SlrtManager,
    /// Lembaga penerima rujukan: sees only referrals addressed to its institution.
    ReceivingInstitution,
    /// Kepala Daerah / Kepala Dinas Sosial: reads district aggregates only.
    DistrictHead,
    /// Bappeda (planning agency): reads district aggregates only.
    Bappeda,
    /// Pemantau Kemensos: compares regions; read-only, aggregates only.
    KemensosMonitor,
    /// Administrator: users, roles, areas, programme catalogue, imports.
    Admin,
}

impl Role {
    /// Every role, in the order the domain lists them.
    pub const ALL: [Role; 11] = [
        Role::FrontOffice,
        Role::BackOffice,
        Role::Facilitator,
        Role::Supervisor,
        Role::PuskesosCoordinator,
        Role::SlrtManager,
        Role::ReceivingInstitution,
        Role::DistrictHead,
        Role::Bappeda,
        Role::KemensosMonitor,
        Role::Admin,
    ];

    /// Stable code stored in the database and used in the API.
    pub fn code(self) -> &'static str {
        match self {
            Role::FrontOffice => "front_office",
            Role::BackOffice => "back_office",
            Role::Facilitator => "facilitator",
            Role::Supervisor => "supervisor",
            Role::PuskesosCoordinator => "puskesos_coordinator",
            Role::SlrtManager => "slrt_manager",
            Role::ReceivingInstitution => "receiving_institution",
            Role::DistrictHead => "district_head",
            Role::Bappeda => "bappeda",
            Role::KemensosMonitor => "kemensos_monitor",
            Role::Admin => "admin",
        }
    }

    /// Parses a stored code back into a role.
    pub fn from_code(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.code() == code)
    }

    /// The role's name in Bahasa Indonesia, as staff know it.
    pub fn label_id(self) -> &'static str {
        match self {
            Role::FrontOffice => "Petugas Front Office",
            Role::BackOffice => "Petugas Back Office",
            Role::Facilitator => "Fasilitator Desa",
            Role::Supervisor => "Supervisor",
            Role::PuskesosCoordinator => "Koordinator Puskesos",
            Role::SlrtManager => "Manajer SLRT",
            Role::ReceivingInstitution => "Lembaga Penerima Rujukan",
            Role::DistrictHead => "Kepala Daerah / Kepala Dinas Sosial",
            Role::Bappeda => "Bappeda",
            Role::KemensosMonitor => "Pemantau Kemensos",
            Role::Admin => "Administrator",
        }
    }

    /// The role's name in English.
    pub fn label_en(self) -> &'static str {
        match self {
            Role::FrontOffice => "Front office officer",
            Role::BackOffice => "Back office officer",
            Role::Facilitator => "Village facilitator",
            Role::Supervisor => "Supervisor",
            Role::PuskesosCoordinator => "Puskesos coordinator",
            Role::SlrtManager => "SLRT manager",
            Role::ReceivingInstitution => "Receiving institution",
            Role::DistrictHead => "District head",
            Role::Bappeda => "Bappeda (planning)",
            Role::KemensosMonitor => "Kemensos monitor",
            Role::Admin => "Administrator",
        }
    }
}

impl crate::coded::Coded for Role {
    const ALL: &'static [Role] = &Role::ALL;

    fn code(self) -> &'static str {
        Role::code(self)
    }

    fn label_id(self) -> &'static str {
        Role::label_id(self)
    }

    fn label_en(self) -> &'static str {
        Role::label_en(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_round_trips_and_is_unique() {
        let mut seen = std::collections::HashSet::new();
        for role in Role::ALL {
            assert_eq!(Role::from_code(role.code()), Some(role));
            assert!(seen.insert(role.code()), "duplicate code {}", role.code());
        }
        assert_eq!(Role::from_code("root"), None);
    }
}
