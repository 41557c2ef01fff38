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
/// The household list as CSV (the list's own query, `;` unless [`SEPARATOR`]
/// says [`COMMA`]; a REST download served by the server).
pub const HOUSEHOLDS_CSV: &str = "/unduh/keluarga.csv";
/// The household list as a workbook (a REST download).
pub const HOUSEHOLDS_XLSX: &str = "/unduh/keluarga.xlsx";
/// The dashboard of an area (`?wilayah=`; the user's own area without it).
pub const DASHBOARD: &str = "/dasbor";
/// Areas side by side (`?tingkat=provinsi|kabupaten`).
pub const COMPARISON: &str = "/dasbor/perbandingan";
/// The printable one-page summary of an area (`?wilayah=`).
pub const DASHBOARD_PRINT: &str = "/dasbor/ringkasan";
/// One dashboard table as CSV (`?wilayah=&tabel=`; a REST download).
pub const DASHBOARD_CSV: &str = "/unduh/dasbor.csv";
/// Every dashboard table as XLSX (`?wilayah=`; a REST download).
pub const DASHBOARD_XLSX: &str = "/unduh/dasbor.xlsx";
/// The comparison as CSV (`?tingkat=&tabel=`; a REST download).
pub const COMPARISON_CSV: &str = "/unduh/perbandingan.csv";
/// The comparison as XLSX (`?tingkat=`; a REST download).
pub const COMPARISON_XLSX: &str = "/unduh/perbandingan.xlsx";
/// Case list.
pub const CASES: &str = "/kasus";
/// Referral inbox.
pub const REFERRALS: &str = "/rujukan";
/// Registry proposals (flow B): the worklist.
pub const PROPOSALS: &str = "/usulan";
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
/// The case list as a workbook (a REST download).
pub const CASES_XLSX: &str = "/unduh/kasus.xlsx";
/// The audit log as CSV (a REST download served by the server).
pub const AUDIT_CSV: &str = "/unduh/audit.csv";
/// The audit log as a workbook (a REST download).
pub const AUDIT_XLSX: &str = "/unduh/audit.xlsx";
/// The proposals list as CSV (`?tahap=&jenis=&wilayah=&umur=`; a REST download).
pub const PROPOSALS_CSV: &str = "/unduh/usulan.csv";
/// The proposals list as a workbook (a REST download).
pub const PROPOSALS_XLSX: &str = "/unduh/usulan.xlsx";
/// The referral inbox as CSV (`?status=&terlambat=&cari=&urut=`; a REST download).
pub const REFERRALS_CSV: &str = "/unduh/rujukan.csv";
/// The referral inbox as a workbook (a REST download).
pub const REFERRALS_XLSX: &str = "/unduh/rujukan.xlsx";
/// The query parameter of a list's CSV download that chooses its separator.
pub const SEPARATOR: &str = "pemisah";
/// [`SEPARATOR`]'s value for `,` (Excel with English settings); `;` without it.
pub const COMMA: &str = "koma";

/// A household's file.
pub fn household(id: i64) -> String {
    format!("{HOUSEHOLDS}/{id}")
}

/// The query of a household's page that says a life event was just recorded.
pub const EVENT_RECORDED: &str = "peristiwa";

/// The query of a household's page that says its data was just edited.
pub const EDITED: &str = "diubah";

/// The district's households likely registered twice (the SLRT manager's).
pub const DUPLICATES: &str = "/ganda";

/// The page merging household record `merged` into `survivor`.
pub fn merge(survivor: i64, merged: i64) -> String {
    format!("{DUPLICATES}/{survivor}/{merged}")
}

/// Household `id`'s page after another record was merged into it.
pub fn household_merged(id: i64) -> String {
    format!("{HOUSEHOLDS}/{id}?{EDITED}=digabung#riwayat")
}

/// The page editing household `id`'s own fields.
pub fn household_edit(id: i64) -> String {
    format!("{HOUSEHOLDS}/{id}/ubah")
}

/// The page editing member `member` of household `id`.
pub fn member_edit(id: i64, member: i64) -> String {
    format!("{HOUSEHOLDS}/{id}/anggota/{member}")
}

/// Household `id`'s page after a life event was recorded on it (its timeline).
pub fn household_event_recorded(id: i64) -> String {
    format!("{HOUSEHOLDS}/{id}?{EVENT_RECORDED}=dicatat#riwayat")
}

/// The page recording a life event of household `id`, opened on `kind`.
pub fn household_life_event(id: i64, kind: shared::life_event::LifeEventKind) -> String {
    format!("{HOUSEHOLDS}/{id}/peristiwa?jenis={}", kind.code())
}

/// A household's page at its registry proposal form.
pub fn household_proposal(id: i64) -> String {
    format!("{HOUSEHOLDS}/{id}#usulan")
}

/// The front desk for a family to propose to the registry that is not on
/// record yet: registered first, it lands on its proposal form.
pub const INTAKE_TO_PROPOSE: &str = "/layanan?usul=1";

/// The query (and posted field) that sends a registration on to the proposal form.
pub const THEN_PROPOSE: &str = "usul";

/// A case's page.
pub fn case(id: i64) -> String {
    format!("{CASES}/{id}")
}

/// The home visit (verivali) of a proposal.
pub fn home_visit(proposal_id: i64) -> String {
    format!("{PROPOSALS}/{proposal_id}/verivali")
}

/// Where the photo of the house's front is posted from the home visit (a plain form post).
pub fn house_photo_upload(proposal_id: i64) -> String {
    format!("{PROPOSALS}/{proposal_id}/verivali/foto")
}

/// The photo of the house's front of a proposal's family (`?id=` the proposal), downloaded.
pub const HOUSE_PHOTO: &str = "/unduh/foto-rumah";

/// The download of the house photo of proposal `proposal_id`'s family.
pub fn house_photo(proposal_id: i64) -> String {
    format!("{HOUSE_PHOTO}?id={proposal_id}")
}

/// Where a document of household `id`'s file is posted (a plain multipart form).
pub fn household_document_upload(id: i64) -> String {
    format!("{HOUSEHOLDS}/{id}/dokumen")
}

/// The query of a household's page saying a document was just kept.
pub const DOCUMENT_KEPT: &str = "dokumen";

/// The query of a household's page saying why a document was refused.
pub const DOCUMENT_REFUSED: &str = "dokumen_galat";

/// Household `id`'s page at its documents, with what became of an upload
/// (`dokumen=ok`, `dokumen_galat=<problem>`).
pub fn household_documents(id: i64, outcome: &str) -> String {
    format!("{HOUSEHOLDS}/{id}?{outcome}#dokumen")
}

/// The query of a household's page choosing the case or proposal its upload
/// form attaches to (`untuk=kasus-12`).
pub const DOCUMENT_FOR: &str = "untuk";

/// Household `id`'s page at its upload form, with the case or proposal
/// `record` already chosen.
pub fn household_document_for(id: i64, record: shared::document::DocumentRecord) -> String {
    format!(
        "{HOUSEHOLDS}/{id}?{DOCUMENT_FOR}={}#dokumen",
        record.form_value()
    )
}

/// A document of a household's file (`?id=` the document), opened.
pub const DOCUMENT: &str = "/unduh/dokumen";

/// The address opening document `id`.
pub fn document(id: i64) -> String {
    format!("{DOCUMENT}?id={id}")
}

/// The district's approval of matched proposals in batches, and their sending.
pub const BATCHES: &str = "/usulan/berkas";
/// A batch's submission file as CSV (`?id=`; a REST download).
pub const SUBMISSION_CSV: &str = "/unduh/berkas-usulan.csv";
/// A batch's submission file as a workbook (`?id=`; a REST download).
pub const SUBMISSION_XLSX: &str = "/unduh/berkas-usulan.xlsx";

/// Where the civil registry's match-result file is posted (a plain multipart form).
pub const MATCH_FILE_UPLOAD: &str = "/usulan/padan";

/// A batch's page.
pub fn batch(id: i64) -> String {
    format!("{BATCHES}/{id}")
}

/// Village meetings (musdes/muskel) of flow B.
pub const MEETINGS: &str = "/musdes";
/// A new village meeting (`?desa=` the village).
pub const NEW_MEETING: &str = "/musdes/baru";
/// The signed minutes of a meeting (`?id=`), downloaded.
pub const MEETING_MINUTES: &str = "/unduh/notulen-musdes";

/// A village meeting's page.
pub fn meeting(id: i64) -> String {
    format!("{MEETINGS}/{id}")
}

/// A village meeting's printable agenda.
pub fn meeting_agenda(id: i64) -> String {
    format!("{MEETINGS}/{id}/agenda")
}

/// Where a meeting's signed minutes are uploaded (a plain form post).
pub fn meeting_minutes_upload(id: i64) -> String {
    format!("{MEETINGS}/{id}/notulen")
}

/// The download of a meeting's signed minutes.
pub fn meeting_minutes(id: i64) -> String {
    format!("{MEETING_MINUTES}?id={id}")
}

/// A registry proposal's page.
pub fn proposal(id: i64) -> String {
    format!("{PROPOSALS}/{id}")
}

/// A referral's printable letter.
pub fn referral_letter(id: i64) -> String {
    format!("{REFERRALS}/{id}/surat")
}

/// A user's page (administrators).
pub fn admin_user(id: i64) -> String {
    format!("{ADMIN_USERS}/{id}")
}

/// The district's spreadsheet imports: the list and the upload form.
pub const IMPORTS: &str = "/impor";

/// Where a spreadsheet is posted (a plain multipart form).
pub const SHEET_UPLOAD: &str = "/impor/unggah";

/// The query naming why an upload was refused (a `SheetImportProblem` code).
pub const IMPORT_REFUSED: &str = "galat";

/// One upload: its mapping, preview, progress and report.
pub fn sheet_import(id: i64) -> String {
    format!("{IMPORTS}/{id}")
}

/// The rejected rows of an import, as CSV.
pub const SHEET_REJECTED: &str = "/unduh/impor-ditolak.csv";

/// The rejected rows of import `id`.
pub fn sheet_rejected(id: i64) -> String {
    format!("{SHEET_REJECTED}?id={id}")
}
