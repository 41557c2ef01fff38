//! Page addresses, shared by the router, the links and the server's page guards.

/// Sign-in page.
pub const LOGIN: &str = "/login";
/// Home page.
pub const HOME: &str = "/";
/// The user's own account: roles and areas, switching between them.
pub const ACCOUNT: &str = "/akun";
/// Changing one's own password.
pub const CHANGE_PASSWORD: &str = "/akun/kata-sandi";
/// The front desk: lookup by NIK / No KK and registration.
pub const INTAKE: &str = "/layanan";
/// Household list.
pub const HOUSEHOLDS: &str = "/keluarga";
/// The household list as CSV (a REST download served by the server).
pub const HOUSEHOLDS_CSV: &str = "/unduh/keluarga.csv";
/// Case list.
pub const CASES: &str = "/kasus";
/// Referral inbox.
pub const REFERRALS: &str = "/rujukan";
/// Public check of a referral letter's verification code (`?kode=`).
pub const VERIFY: &str = "/verifikasi";
/// Users (administrators).
pub const ADMIN_USERS: &str = "/admin/pengguna";
/// New user form (administrators).
pub const ADMIN_NEW_USER: &str = "/admin/pengguna/baru";
/// Receiving institutions (administrators).
pub const ADMIN_INSTITUTIONS: &str = "/admin/lembaga";
/// Programme catalogue (administrators).
pub const ADMIN_PROGRAMMES: &str = "/admin/program";
/// Audit log (administrators).
pub const ADMIN_AUDIT: &str = "/admin/audit";
/// The case list as CSV (a REST download served by the server).
pub const CASES_CSV: &str = "/unduh/kasus.csv";
/// The audit log as CSV (a REST download served by the server).
pub const AUDIT_CSV: &str = "/unduh/audit.csv";

/// A household's file.
pub fn household(id: i64) -> String {
    format!("{HOUSEHOLDS}/{id}")
}

/// A case's page.
pub fn case(id: i64) -> String {
    format!("{CASES}/{id}")
}

/// A referral's printable letter.
pub fn referral_letter(id: i64) -> String {
    format!("{REFERRALS}/{id}/surat")
}

/// A user's page (administrators).
pub fn admin_user(id: i64) -> String {
    format!("{ADMIN_USERS}/{id}")
}
