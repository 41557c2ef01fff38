//! Data transfer objects of the service contract: what the server answers and the browser renders.

use serde::{Deserialize, Serialize};

use crate::roles::Role;

/// The signed-in user as the UI needs to show them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub username: String,
    pub full_name: String,
    pub role: Role,
    /// Kemendagri code of the assigned area (empty for the whole nation).
    pub area_code: String,
    /// Name of the assigned area, e.g. "KABUPATEN CIREBON".
    pub area_name: String,
}

/// Figures on the home page, read from the database for the user's area.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HomeSummary {
    /// Villages (desa/kelurahan) inside the user's area.
    pub village_count: u64,
    /// Sub-districts (kecamatan) inside the user's area.
    pub subdistrict_count: u64,
}
