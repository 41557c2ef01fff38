//! The one error type of the domain layer, with user-facing messages in Bahasa Indonesia (first) and English.
//! Every validator, state machine and access rule in this crate answers with a [`DomainError`].

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::access::{Action, DenialReason};
use crate::geo::{AreaLevel, NeighbourhoodUnit};
use crate::identity::{IdNumberKind, Sex};
use crate::member::PpksCategory;
use crate::roles::Role;
use crate::workflow::StateMachine;

/// One field of a form and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// The form field, by its API name (e.g. `nik`, `address.rt`).
    pub field: String,
    /// What is wrong.
    pub error: DomainError,
}

/// Everything that the domain can refuse, each with a stable [`code`](DomainError::code)
/// and a message for people: [`message_id`](DomainError::message_id) (also `Display`)
/// and [`message_en`](DomainError::message_en).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "error", rename_all = "snake_case")]
#[error("{}", self.message_id())]
pub enum DomainError {
    /// No area code was given.
    AreaCodeEmpty,
    /// The area code is not 2, 2.2, 2.2.2 or 2.2.2.4 digits.
    AreaCodeMalformed { input: String },
    /// The first two digits are not one of the 38 province codes.
    UnknownProvince { code: String },
    /// A district or sub-district segment is `00`.
    ZeroAreaSegment { level: AreaLevel },
    /// A village segment does not start with 1, 2 or 3.
    VillageKindUnknown { code: String },
    /// An area of one level was given where another is needed.
    WrongAreaLevel {
        expected: AreaLevel,
        found: AreaLevel,
    },
    /// An RT or RW number is not 1 to 999.
    NeighbourhoodNumberInvalid {
        unit: NeighbourhoodUnit,
        input: String,
    },
    /// A required text field is empty.
    TextRequired { field: String },
    /// A text field is longer than allowed.
    TextTooLong { field: String, max: usize },
    /// A number lies outside its allowed range.
    NumberOutOfRange {
        field: String,
        min: i64,
        max: i64,
        found: i64,
    },
    /// A code that names no known value (e.g. an unknown sector).
    UnknownCode { field: String, code: String },
    /// A code that must be unique is already used by another record (e.g. a catalogue entry's code).
    CodeTaken { field: String },
    /// A date that is not a date (`dd/mm/yyyy` or `yyyy-mm-dd` expected).
    DateInvalid { field: String },
    /// A date after today where only past dates make sense.
    DateInFuture { field: String },
    /// A NIK or No KK does not have 16 characters.
    IdNumberLength { kind: IdNumberKind, found: usize },
    /// A NIK or No KK holds something other than a digit.
    IdNumberNotDigits { kind: IdNumberKind, position: usize },
    /// The region prefix names no province.
    IdUnknownProvince { kind: IdNumberKind, code: String },
    /// The region prefix has a `00` district or sub-district.
    IdZeroRegion {
        kind: IdNumberKind,
        level: AreaLevel,
    },
    /// The NIK's day of birth is neither 01–31 (men) nor 41–71 (women).
    NikDayInvalid { day: u32 },
    /// The No KK's day of issue is not 01–31.
    KkDayInvalid { day: u32 },
    /// The month is not 01–12.
    IdMonthInvalid { kind: IdNumberKind, month: u32 },
    /// Day, month and year do not form a real date (e.g. 31 April).
    IdImpossibleDate {
        kind: IdNumberKind,
        day: u32,
        month: u32,
        year: u32,
    },
    /// The last four digits are `0000`.
    IdZeroSerial { kind: IdNumberKind },
    /// A member without a NIK must have the status "tanpa dokumen".
    NikRequired,
    /// The sex recorded differs from the sex encoded in the NIK.
    NikSexMismatch { nik_sex: Sex, recorded: Sex },
    /// The birth date recorded differs from the one encoded in the NIK.
    NikBirthDateMismatch {
        nik_date: NaiveDate,
        recorded: NaiveDate,
    },
    /// Pregnancy recorded for someone who is not female.
    PregnancyRequiresFemale,
    /// A PPKS category that does not fit the member's age.
    PpksAgeMismatch { category: PpksCategory, age: u32 },
    /// A civil-registry match recorded for a member without NIK.
    CivilMatchRequiresNik,
    /// A household must have exactly one head (relationship 1).
    HouseholdHeadCount { found: usize },
    /// The same NIK appears twice in one household.
    DuplicateNik { masked: String },
    /// A registry id that is empty, too long or not letters and digits.
    RegistryIdInvalid,
    /// The action is not possible from the current state.
    TransitionNotAllowed {
        machine: StateMachine,
        from: String,
        action: String,
    },
    /// The action is possible, but not for this role.
    RoleNotAllowed {
        machine: StateMachine,
        action: String,
        role: Role,
    },
    /// A case at province/national level cannot be escalated further.
    EscalationAtTop,
    /// A case cannot be resolved while referrals are still open.
    ReferralsStillOpen { open: usize },
    /// No consent recorded before sending data to an institution.
    ConsentMissing,
    /// The consent recorded names another institution.
    ConsentForOtherInstitution,
    /// The consent recorded was given for another programme or service (purpose).
    ConsentForOtherPurpose,
    /// A line of a holiday list is not `yyyy-mm-dd [name]`.
    HolidayLineInvalid { line: usize },
    /// The actor may not do this here.
    AccessDenied {
        action: Action,
        reason: DenialReason,
    },
    /// A password is shorter or longer than allowed.
    PasswordLength { min: usize, max: usize },
    /// A password contains the username.
    PasswordContainsUsername,
    /// A password is on the list of the most common passwords.
    PasswordTooCommon,
    /// The current password given to change it is wrong.
    PasswordWrong,
    /// A username has characters or a length that are not allowed.
    UsernameInvalid,
    /// The new password is the same as the current one.
    PasswordUnchanged,
    /// The password typed twice differs.
    PasswordConfirmationMismatch,
    /// Administrators cannot disable their own account or remove their own roles.
    OwnAccountProtected,
    /// The role cannot be held in an area of that level.
    RoleAreaMismatch { role: Role },
    /// The household already has an open proposal of the same kind.
    OpenProposalExists { proposal_id: i64 },
    /// A proposed registry change does not fit the household it is about.
    ProposalChange {
        problem: crate::proposal_change::ChangeProblem,
    },
    /// A village meeting's record does not allow this (see [`crate::meeting`]).
    Meeting {
        problem: crate::meeting::MeetingProblem,
    },
    /// A civil-registry match or a batch does not allow this (see [`crate::proposal_batch`]).
    Batch {
        problem: crate::proposal_batch::BatchProblem,
    },
    /// A photo is refused (see [`crate::photo`]).
    Photo { problem: crate::photo::PhotoProblem },
    /// A spreadsheet upload, its mapping or its confirmation is refused (see [`crate::sheet_import`]).
    SheetImport {
        problem: crate::sheet_import::SheetImportProblem,
    },
    /// Households on record are likely the family being registered: it is
    /// saved once the front desk has looked and confirmed a new family.
    LikelyDuplicate { households: usize },
    /// The household was merged into another record: work goes on there.
    HouseholdMerged { into: i64 },
    /// A merge of two household records is refused (see [`crate::duplicates`]).
    Merge {
        problem: crate::duplicates::MergeProblem,
    },
    /// A document is refused (see [`crate::document`]).
    Document {
        problem: crate::document::DocumentProblem,
    },
    /// Several fields of a form are wrong.
    Invalid { errors: Vec<FieldError> },
}

/// A form field's name as people call it, in Indonesian or English:
/// `head_name` → "nama kepala keluarga", `members.1.name` → "nama (anggota
/// ke-2)". A name not listed stays as it is (registry columns, for instance,
/// are already the spreadsheet's own Indonesian names).
pub fn field_name(field: &str, english: bool) -> String {
    let parts: Vec<&str> = field.split('.').collect();
    let (row, base) = match parts.as_slice() {
        [list, index, base] => match index.parse::<usize>() {
            Ok(index) => (Some((*list, index + 1)), *base),
            Err(_) => (None, *base),
        },
        // One entry of a plain list (`proposals.0`): the list, and which entry.
        [.., list, index] if index.parse::<usize>().is_ok() => {
            let n = index.parse::<usize>().unwrap_or_default() + 1;
            let label = field_label(list).map_or_else(
                || (*list).to_string(),
                |(id, en)| if english { en } else { id }.to_string(),
            );
            return if english {
                format!("{label} (entry {n})")
            } else {
                format!("{label} (ke-{n})")
            };
        }
        [.., base] => (None, *base),
        [] => (None, field),
    };
    let label = field_label(base).map_or_else(
        || base.to_string(),
        |(id, en)| if english { en } else { id }.to_string(),
    );
    match row {
        Some(("members", n)) if english => format!("{label} (member {n})"),
        Some(("members", n)) => format!("{label} (anggota ke-{n})"),
        Some(("complaints", n)) if english => format!("{label} (complaint {n})"),
        Some(("complaints", n)) => format!("{label} (pengaduan ke-{n})"),
        _ => label,
    }
}

/// Whether a form field has a name for people (see [`field_name`]); the
/// last part of a row's field counts (`members.1.nik` → `nik`).
pub fn field_is_named(field: &str) -> bool {
    let mut parts = field.rsplit('.').skip_while(|p| p.parse::<usize>().is_ok());
    field_label(parts.next().unwrap_or(field)).is_some()
}

/// The people's name of a field (Indonesian, English), for the fields of the portal's forms.
fn field_label(base: &str) -> Option<(&'static str, &'static str)> {
    Some(match base {
        "head_name" => ("nama kepala keluarga", "head of family's name"),
        "no_kk" => ("Nomor KK", "family card number"),
        "new_no_kk" => ("Nomor KK baru", "new family card number"),
        "new_head" => ("kepala keluarga KK baru", "head of the new card"),
        "nik" => ("NIK", "NIK"),
        "name" => ("nama", "name"),
        "full_name" => ("nama lengkap", "full name"),
        "birth_date" => ("tanggal lahir", "birth date"),
        "birth_place" => ("tempat lahir", "birth place"),
        "relationship" => (
            "hubungan dengan kepala keluarga",
            "relationship to the head",
        ),
        "sex" => ("jenis kelamin", "sex"),
        "marital_status" => ("status perkawinan", "marital status"),
        "education" => ("pendidikan", "education"),
        "occupation" => ("pekerjaan", "occupation"),
        "village" => ("desa/kelurahan", "village"),
        "dusun" => ("dusun", "hamlet (dusun)"),
        "rt" => ("RT", "RT"),
        "rw" => ("RW", "RW"),
        "street" => ("alamat", "address"),
        "house_tenure" => ("status kepemilikan rumah", "house tenure"),
        "land_tenure" => ("status lahan", "land tenure"),
        "floor_area_m2" => ("luas lantai (m²)", "floor area (m²)"),
        "floor" => ("jenis lantai", "floor"),
        "wall" => ("jenis dinding", "walls"),
        "roof" => ("jenis atap", "roof"),
        "drinking_water" => ("sumber air minum", "drinking water"),
        "lighting" => ("sumber penerangan", "lighting"),
        "cooking_fuel" => ("bahan bakar memasak", "cooking fuel"),
        "toilet" => ("fasilitas buang air besar", "toilet"),
        "income_band" => ("penghasilan per bulan", "monthly income"),
        "channel" => ("cara warga datang", "how the resident came"),
        "complaint_type" => ("jenis pengaduan", "type of complaint"),
        "sector" => ("sektor", "sector"),
        "description" => ("uraian", "description"),
        "urgency" => ("urgensi", "urgency"),
        "received_on" => ("tanggal diterima", "date received"),
        "note" => ("catatan", "note"),
        "institution_id" => ("lembaga", "institution"),
        "programme_id" => ("program/layanan", "programme/service"),
        "consent_given_by" => ("persetujuan diberikan oleh", "consent given by"),
        "username" => ("nama pengguna", "username"),
        "password" => ("kata sandi", "password"),
        "role" => ("peran", "role"),
        "area_code" => ("kode wilayah", "area code"),
        "code" => ("kode", "code"),
        "kind" => ("jenis", "kind"),
        "change_type" => ("jenis usulan", "kind of proposal"),
        "member_id" => ("anggota", "member"),
        "member_ids" => (
            "anggota yang pindah ke KK baru",
            "members moving to the new card",
        ),
        "reason" => ("alasan", "reason"),
        "on" => ("tanggal", "date"),
        "proposed" => ("nilai yang benar", "correct value"),
        "field" => ("data yang diperbaiki", "field to correct"),
        "source" => ("asal usulan", "source"),
        "action" => ("langkah", "step"),
        "held_on" => ("tanggal musdes", "meeting date"),
        "place" => ("tempat", "place"),
        "village_head" => ("kepala desa/lurah", "village head"),
        "participants" => ("peserta", "participants"),
        "proposals" => ("usulan di agenda", "proposals on the agenda"),
        "decision" => ("keputusan", "decision"),
        "visited_on" => ("tanggal kunjungan", "date of the visit"),
        "status" => ("status anggota", "member's status"),
        "outcome" => ("hasil padan Dukcapil", "civil-registry match result"),
        "decree" => ("nomor SK pengesahan", "decree number"),
        "batch_id" => ("nomor berkas", "batch number"),
        "members" => ("anggota keluarga", "family members"),
        "assets" => ("aset yang dimiliki", "assets owned"),
        "programmes" => ("program yang diterima", "programmes received"),
        "disabilities" => ("disabilitas", "disabilities"),
        "chronic_illnesses" => ("penyakit kronis", "chronic illnesses"),
        "ppks" => ("kategori PPKS", "PPKS categories"),
        "institution_kinds" => ("jenis lembaga", "kinds of institution"),
        "case_id" => ("kasus", "case"),
        "complaint_id" => ("pengaduan", "complaint"),
        "referral_id" => ("rujukan", "referral"),
        "household_id" => ("keluarga", "household"),
        "proposal_id" => ("usulan", "proposal"),
        "meeting_id" => ("musyawarah desa", "village meeting"),
        "user_id" => ("pengguna", "user"),
        "version" => ("versi data yang dibuka", "version of the record opened"),
        "id" => ("data yang diubah", "record changed"),
        "evidence" => ("bukti", "evidence"),
        "consent" => ("persetujuan warga", "resident's consent"),
        _ => return None,
    })
}

fn dmy(date: &NaiveDate) -> String {
    crate::dates::dmy(*date)
}

impl DomainError {
    /// Stable snake_case code of the error kind, for the API and tests.
    pub fn code(&self) -> &'static str {
        match self {
            DomainError::AreaCodeEmpty => "area_code_empty",
            DomainError::AreaCodeMalformed { .. } => "area_code_malformed",
            DomainError::UnknownProvince { .. } => "unknown_province",
            DomainError::ZeroAreaSegment { .. } => "zero_area_segment",
            DomainError::VillageKindUnknown { .. } => "village_kind_unknown",
            DomainError::WrongAreaLevel { .. } => "wrong_area_level",
            DomainError::NeighbourhoodNumberInvalid { .. } => "neighbourhood_number_invalid",
            DomainError::TextRequired { .. } => "text_required",
            DomainError::TextTooLong { .. } => "text_too_long",
            DomainError::NumberOutOfRange { .. } => "number_out_of_range",
            DomainError::UnknownCode { .. } => "unknown_code",
            DomainError::CodeTaken { .. } => "code_taken",
            DomainError::DateInvalid { .. } => "date_invalid",
            DomainError::DateInFuture { .. } => "date_in_future",
            DomainError::IdNumberLength { .. } => "id_number_length",
            DomainError::IdNumberNotDigits { .. } => "id_number_not_digits",
            DomainError::IdUnknownProvince { .. } => "id_unknown_province",
            DomainError::IdZeroRegion { .. } => "id_zero_region",
            DomainError::NikDayInvalid { .. } => "nik_day_invalid",
            DomainError::KkDayInvalid { .. } => "kk_day_invalid",
            DomainError::IdMonthInvalid { .. } => "id_month_invalid",
            DomainError::IdImpossibleDate { .. } => "id_impossible_date",
            DomainError::IdZeroSerial { .. } => "id_zero_serial",
            DomainError::NikRequired => "nik_required",
            DomainError::NikSexMismatch { .. } => "nik_sex_mismatch",
            DomainError::NikBirthDateMismatch { .. } => "nik_birth_date_mismatch",
            DomainError::PregnancyRequiresFemale => "pregnancy_requires_female",
            DomainError::PpksAgeMismatch { .. } => "ppks_age_mismatch",
            DomainError::CivilMatchRequiresNik => "civil_match_requires_nik",
            DomainError::HouseholdHeadCount { .. } => "household_head_count",
            DomainError::DuplicateNik { .. } => "duplicate_nik",
            DomainError::RegistryIdInvalid => "registry_id_invalid",
            DomainError::TransitionNotAllowed { .. } => "transition_not_allowed",
            DomainError::RoleNotAllowed { .. } => "role_not_allowed",
            DomainError::EscalationAtTop => "escalation_at_top",
            DomainError::ReferralsStillOpen { .. } => "referrals_still_open",
            DomainError::ConsentMissing => "consent_missing",
            DomainError::ConsentForOtherInstitution => "consent_for_other_institution",
            DomainError::ConsentForOtherPurpose => "consent_for_other_purpose",
            DomainError::HolidayLineInvalid { .. } => "holiday_line_invalid",
            DomainError::AccessDenied { .. } => "access_denied",
            DomainError::PasswordLength { .. } => "password_length",
            DomainError::PasswordContainsUsername => "password_contains_username",
            DomainError::PasswordTooCommon => "password_too_common",
            DomainError::PasswordWrong => "password_wrong",
            DomainError::UsernameInvalid => "username_invalid",
            DomainError::PasswordUnchanged => "password_unchanged",
            DomainError::PasswordConfirmationMismatch => "password_confirmation_mismatch",
            DomainError::OwnAccountProtected => "own_account_protected",
            DomainError::RoleAreaMismatch { .. } => "role_area_mismatch",
            DomainError::ProposalChange { .. } => "proposal_change",
            DomainError::Meeting { .. } => "meeting",
            DomainError::Batch { .. } => "batch",
            DomainError::Photo { .. } => "photo",
            DomainError::SheetImport { .. } => "sheet_import",
            DomainError::LikelyDuplicate { .. } => "likely_duplicate",
            DomainError::HouseholdMerged { .. } => "household_merged",
            DomainError::Merge { .. } => "merge",
            DomainError::Document { .. } => "document",
            DomainError::OpenProposalExists { .. } => "open_proposal_exists",
            DomainError::Invalid { .. } => "invalid",
        }
    }

    /// Whether this is a refusal of access (HTTP 403) rather than invalid input (HTTP 422)
    /// or a conflict with the current state (HTTP 409).
    pub fn is_access_denied(&self) -> bool {
        matches!(
            self,
            DomainError::AccessDenied { .. } | DomainError::RoleNotAllowed { .. }
        )
    }

    /// Whether the request conflicts with the current state of a record (HTTP 409).
    pub fn is_conflict(&self) -> bool {
        matches!(
            self,
            DomainError::TransitionNotAllowed { .. }
                | DomainError::EscalationAtTop
                | DomainError::ReferralsStillOpen { .. }
                | DomainError::ConsentMissing
                | DomainError::ConsentForOtherInstitution
                | DomainError::ConsentForOtherPurpose
                | DomainError::Meeting {
                    problem: crate::meeting::MeetingProblem::Approved
                        | crate::meeting::MeetingProblem::ProposalNotWaiting
                        | crate::meeting::MeetingProblem::ProposalOnOtherMeeting
                        | crate::meeting::MeetingProblem::OnOpenAgenda
                }
        )
    }

    /// The message in Bahasa Indonesia, saying exactly what is wrong.
    pub fn message_id(&self) -> String {
        match self {
            DomainError::AreaCodeEmpty => "Kode wilayah wajib diisi.".into(),
            DomainError::AreaCodeMalformed { input } => format!(
                "Kode wilayah \"{input}\" tidak berbentuk 32, 32.09, 32.09.01 atau 32.09.01.2001."
            ),
            DomainError::UnknownProvince { code } => {
                format!("Kode provinsi {code} tidak dikenal (bukan salah satu dari 38 provinsi).")
            }
            DomainError::ZeroAreaSegment { level } => {
                format!("Kode {} tidak boleh 00.", level.label_id().to_lowercase())
            }
            DomainError::VillageKindUnknown { code } => format!(
                "Kode desa/kelurahan {code} harus diawali 1 (kelurahan), 2 (desa) atau 3 (desa adat)."
            ),
            DomainError::WrongAreaLevel { expected, found } => format!(
                "Wilayah harus setingkat {}, bukan {}.",
                expected.label_id(),
                found.label_id()
            ),
            DomainError::NeighbourhoodNumberInvalid { unit, input } => format!(
                "Nomor {} \"{input}\" harus angka 1 sampai 999.",
                unit.label_id()
            ),
            DomainError::TextRequired { field } => {
                format!("Isian {} wajib diisi.", field_name(field, false))
            }
            DomainError::TextTooLong { field, max } => {
                format!("Isian {} paling banyak {max} karakter.", field_name(field, false))
            }
            DomainError::NumberOutOfRange {
                field,
                min,
                max,
                found,
            } => {
                format!(
                    "Isian {} harus antara {min} dan {max}; yang diisi {found}.",
                    field_name(field, false)
                )
            }
            DomainError::UnknownCode { field, code } => {
                if code.trim().is_empty() {
                    format!("Isian {} belum dipilih.", field_name(field, false))
                } else {
                    format!(
                        "Pilihan \"{code}\" untuk {} tidak dikenal.",
                        field_name(field, false)
                    )
                }
            }
            DomainError::CodeTaken { field } => {
                format!(
                    "Kode pada isian {field} sudah dipakai entri lain; gunakan kode yang berbeda."
                )
            }
            DomainError::DateInvalid { field } => {
                format!(
                    "Isian {} bukan tanggal yang benar; gunakan format dd/mm/yyyy.",
                    field_name(field, false)
                )
            }
            DomainError::DateInFuture { field } => {
                format!("Isian {} tidak boleh setelah hari ini.", field_name(field, false))
            }
            DomainError::IdNumberLength { kind, found } => format!(
                "{} harus 16 digit angka; yang diisi {found} digit.",
                kind.label_id()
            ),
            DomainError::IdNumberNotDigits { kind, position } => format!(
                "{} hanya boleh berisi angka; karakter ke-{position} bukan angka.",
                kind.label_id()
            ),
            DomainError::IdUnknownProvince { kind, code } => format!(
                "Dua digit pertama {} ({code}) bukan kode provinsi.",
                kind.label_id()
            ),
            DomainError::IdZeroRegion { kind, level } => format!(
                "Kode {} pada 6 digit pertama {} tidak boleh 00.",
                level.label_id().to_lowercase(),
                kind.label_id()
            ),
            DomainError::NikDayInvalid { day } => format!(
                "Digit 7–8 NIK (tanggal lahir) bernilai {day:02}; harus 01–31 untuk laki-laki atau 41–71 untuk perempuan."
            ),
            DomainError::KkDayInvalid { day } => {
                format!("Digit 7–8 No KK (tanggal terbit) bernilai {day:02}; harus 01–31.")
            }
            DomainError::IdMonthInvalid { kind, month } => format!(
                "Digit 9–10 {} (bulan) bernilai {month:02}; harus 01–12.",
                kind.label_id()
            ),
            DomainError::IdImpossibleDate {
                kind,
                day,
                month,
                year,
            } => format!(
                "Tanggal pada {} ({day:02}-{month:02}-{year:02}) tidak ada di kalender.",
                kind.label_id()
            ),
            DomainError::IdZeroSerial { kind } => {
                format!("Empat digit terakhir {} tidak boleh 0000.", kind.label_id())
            }
            DomainError::NikRequired => {
                "NIK wajib diisi, kecuali anggota berstatus tanpa dokumen.".into()
            }
            DomainError::NikSexMismatch { nik_sex, recorded } => format!(
                "Jenis kelamin {} tidak sesuai NIK, yang menunjukkan {}.",
                recorded.label_id().to_lowercase(),
                nik_sex.label_id().to_lowercase()
            ),
            DomainError::NikBirthDateMismatch { nik_date, recorded } => format!(
                "Tanggal lahir {} tidak sesuai NIK, yang menunjukkan {}.",
                dmy(recorded),
                dmy(nik_date)
            ),
            DomainError::PregnancyRequiresFemale => {
                "Status hamil hanya dapat dicatat untuk perempuan.".into()
            }
            DomainError::PpksAgeMismatch { category, age } => format!(
                "Kategori PPKS \"{}\" tidak sesuai dengan umur {age} tahun.",
                category.label_id()
            ),
            DomainError::CivilMatchRequiresNik => {
                "Padan Dukcapil hanya dapat dicatat untuk anggota yang memiliki NIK.".into()
            }
            DomainError::HouseholdHeadCount { found } => {
                format!("Keluarga harus memiliki tepat satu kepala keluarga; tercatat {found}.")
            }
            DomainError::DuplicateNik { masked } => {
                format!("NIK {masked} tercatat lebih dari sekali dalam keluarga ini.")
            }
            DomainError::RegistryIdInvalid => {
                "ID registri harus 1–32 huruf atau angka (boleh tanda - atau /).".into()
            }
            DomainError::TransitionNotAllowed {
                machine,
                from,
                action,
            } => format!(
                "{} berstatus \"{}\" tidak dapat diproses dengan tindakan \"{}\".",
                machine.label_id(),
                machine.state_label_id(from),
                machine.action_label_id(action)
            ),
            DomainError::RoleNotAllowed {
                machine,
                action,
                role,
            } => format!(
                "Peran {} tidak berwenang melakukan \"{}\" pada {}.",
                role.label_id(),
                machine.action_label_id(action),
                machine.label_id().to_lowercase()
            ),
            DomainError::EscalationAtTop => {
                "Kasus sudah di tingkat provinsi/nasional dan tidak dapat dieskalasi lagi.".into()
            }
            DomainError::ReferralsStillOpen { open } => format!(
                "Kasus belum dapat diselesaikan: masih ada {open} rujukan yang belum ditutup."
            ),
            DomainError::ConsentMissing => {
                "Persetujuan warga untuk berbagi data dengan lembaga penerima belum dicatat.".into()
            }
            DomainError::ConsentForOtherInstitution => {
                "Persetujuan yang dicatat untuk lembaga lain, bukan lembaga penerima rujukan ini."
                    .into()
            }
            DomainError::ConsentForOtherPurpose => {
                "Persetujuan yang dicatat untuk program atau layanan lain, bukan untuk rujukan ini."
                    .into()
            }
            DomainError::HolidayLineInvalid { line } => format!(
                "Baris {line} daftar hari libur tidak berbentuk yyyy-mm-dd diikuti nama libur."
            ),
            DomainError::AccessDenied { action, reason } => format!(
                "Akses ditolak untuk \"{}\": {}.",
                action.label_id(),
                reason.label_id()
            ),
            DomainError::PasswordLength { min, max } => {
                format!("Kata sandi harus {min} sampai {max} karakter.")
            }
            DomainError::PasswordContainsUsername => {
                "Kata sandi tidak boleh memuat nama pengguna.".into()
            }
            DomainError::PasswordTooCommon => {
                "Kata sandi ini terlalu umum dan mudah ditebak; pilih yang lain, misalnya gabungan beberapa kata.".into()
            }
            DomainError::PasswordWrong => "Kata sandi saat ini salah.".into(),
            DomainError::PasswordUnchanged => {
                "Kata sandi baru harus berbeda dari kata sandi saat ini.".into()
            }
            DomainError::PasswordConfirmationMismatch => {
                "Ulangan kata sandi tidak sama dengan kata sandi baru.".into()
            }
            DomainError::OwnAccountProtected => {
                "Anda tidak dapat menonaktifkan akun sendiri atau mencabut peran sendiri; minta administrator lain.".into()
            }
            DomainError::RoleAreaMismatch { role } => format!(
                "Peran {} tidak dapat ditugaskan pada wilayah ini: Pemantau Kemensos untuk seluruh Indonesia, Kepala Daerah dan Bappeda untuk satu kabupaten/kota.",
                role.label_id()
            ),
            DomainError::ProposalChange { problem } => problem.label_id().to_string(),
            DomainError::Meeting { problem } => problem.label_id().to_string(),
            DomainError::Batch { problem } => problem.label_id().to_string(),
            DomainError::Photo { problem } => problem.label_id().to_string(),
            DomainError::SheetImport { problem } => problem.label_id().to_string(),
            DomainError::LikelyDuplicate { households } => format!(
                "Keluarga ini mungkin sudah tercatat: {households} keluarga dengan anggota yang mirip (nama dan tanggal lahir). Periksa daftarnya: buka keluarga yang sama, atau simpan sebagai keluarga baru bila memang berbeda."
            ),
            DomainError::HouseholdMerged { .. } => "Catatan keluarga ini ganda dan sudah digabungkan ke catatan lain: buka catatan itu dari halaman keluarga ini dan lanjutkan di sana.".into(),
            DomainError::Merge { problem } => problem.label_id().to_string(),
            DomainError::Document { problem } => problem.label_id().to_string(),
            DomainError::OpenProposalExists { proposal_id } => format!(
                "Keluarga ini sudah punya usulan jenis yang sama yang belum selesai (usulan nomor {proposal_id}): lanjutkan usulan itu."
            ),
            DomainError::UsernameInvalid => "Nama pengguna harus 3 sampai 64 karakter: huruf kecil a–z, angka, titik, tanda hubung atau garis bawah.".into(),
            DomainError::Invalid { errors } => {
                let details: Vec<String> = errors
                    .iter()
                    .map(|e| {
                        // Named with its field when the message does not say it
                        // (which member's NIK, for instance).
                        let message = e.error.message_id();
                        let name = field_name(&e.field, false);
                        if e.field.is_empty() || message.contains(&name) {
                            message
                        } else {
                            format!("{name}: {message}")
                        }
                    })
                    .collect();
                format!("Data belum benar. {}", details.join(" "))
            }
        }
    }

    /// The message in English.
    pub fn message_en(&self) -> String {
        match self {
            DomainError::AreaCodeEmpty => "An area code is required.".into(),
            DomainError::AreaCodeMalformed { input } => format!(
                "Area code \"{input}\" is not shaped like 32, 32.09, 32.09.01 or 32.09.01.2001."
            ),
            DomainError::UnknownProvince { code } => {
                format!("Province code {code} is unknown (not one of the 38 provinces).")
            }
            DomainError::ZeroAreaSegment { level } => {
                format!("The {} code must not be 00.", level.label_en().to_lowercase())
            }
            DomainError::VillageKindUnknown { code } => format!(
                "Village code {code} must start with 1 (kelurahan), 2 (desa) or 3 (desa adat)."
            ),
            DomainError::WrongAreaLevel { expected, found } => format!(
                "The area must be a {}, not a {}.",
                expected.label_en().to_lowercase(),
                found.label_en().to_lowercase()
            ),
            DomainError::NeighbourhoodNumberInvalid { unit, input } => format!(
                "{} number \"{input}\" must be a number from 1 to 999.",
                unit.label_en()
            ),
            DomainError::TextRequired { field } => {
                format!("The {} is required.", field_name(field, true))
            }
            DomainError::TextTooLong { field, max } => {
                format!("The {} must be at most {max} characters.", field_name(field, true))
            }
            DomainError::NumberOutOfRange { field, min, max, found } => {
                format!(
                    "The {} must be between {min} and {max}; {found} was entered.",
                    field_name(field, true)
                )
            }
            DomainError::UnknownCode { field, code } => {
                if code.trim().is_empty() {
                    format!("The {} is not chosen.", field_name(field, true))
                } else {
                    format!(
                        "\"{code}\" is not a known choice for the {}.",
                        field_name(field, true)
                    )
                }
            }
            DomainError::CodeTaken { field } => {
                format!("The code in {field} is already used by another entry; choose a different code.")
            }
            DomainError::DateInvalid { field } => {
                format!(
                    "The {} is not a valid date; use dd/mm/yyyy.",
                    field_name(field, true)
                )
            }
            DomainError::DateInFuture { field } => {
                format!("The {} must not be after today.", field_name(field, true))
            }
            DomainError::IdNumberLength { kind, found } => format!(
                "{} must have 16 digits; {found} were entered.",
                kind.label_en()
            ),
            DomainError::IdNumberNotDigits { kind, position } => format!(
                "{} may hold digits only; character {position} is not a digit.",
                kind.label_en()
            ),
            DomainError::IdUnknownProvince { kind, code } => format!(
                "The first two digits of the {} ({code}) are not a province code.",
                kind.label_en()
            ),
            DomainError::IdZeroRegion { kind, level } => format!(
                "The {} code in the first 6 digits of the {} must not be 00.",
                level.label_en().to_lowercase(),
                kind.label_en()
            ),
            DomainError::NikDayInvalid { day } => format!(
                "Digits 7–8 of the NIK (day of birth) are {day:02}; they must be 01–31 for men or 41–71 for women."
            ),
            DomainError::KkDayInvalid { day } => format!(
                "Digits 7–8 of the No KK (day of issue) are {day:02}; they must be 01–31."
            ),
            DomainError::IdMonthInvalid { kind, month } => format!(
                "Digits 9–10 of the {} (month) are {month:02}; they must be 01–12.",
                kind.label_en()
            ),
            DomainError::IdImpossibleDate { kind, day, month, year } => format!(
                "The date in the {} ({day:02}-{month:02}-{year:02}) does not exist.",
                kind.label_en()
            ),
            DomainError::IdZeroSerial { kind } => {
                format!("The last four digits of the {} must not be 0000.", kind.label_en())
            }
            DomainError::NikRequired => {
                "A NIK is required unless the member has the status 'no civil documents'.".into()
            }
            DomainError::NikSexMismatch { nik_sex, recorded } => format!(
                "Sex {} does not match the NIK, which says {}.",
                recorded.label_en().to_lowercase(),
                nik_sex.label_en().to_lowercase()
            ),
            DomainError::NikBirthDateMismatch { nik_date, recorded } => format!(
                "Birth date {} does not match the NIK, which says {}.",
                dmy(recorded),
                dmy(nik_date)
            ),
            DomainError::PregnancyRequiresFemale => {
                "Pregnancy can only be recorded for a woman.".into()
            }
            DomainError::PpksAgeMismatch { category, age } => format!(
                "PPKS category \"{}\" does not fit an age of {age}.",
                category.label_en()
            ),
            DomainError::CivilMatchRequiresNik => {
                "A civil-registry match can only be recorded for a member with a NIK.".into()
            }
            DomainError::HouseholdHeadCount { found } => format!(
                "A household must have exactly one head of family; {found} recorded."
            ),
            DomainError::DuplicateNik { masked } => {
                format!("NIK {masked} appears more than once in this household.")
            }
            DomainError::RegistryIdInvalid => {
                "A registry id must be 1–32 letters or digits (- and / allowed).".into()
            }
            DomainError::TransitionNotAllowed { machine, from, action } => format!(
                "A {} in state \"{}\" cannot take the action \"{}\".",
                machine.label_en().to_lowercase(),
                machine.state_label_en(from),
                machine.action_label_en(action)
            ),
            DomainError::RoleNotAllowed { machine, action, role } => format!(
                "The role {} may not \"{}\" on a {}.",
                role.label_en(),
                machine.action_label_en(action),
                machine.label_en().to_lowercase()
            ),
            DomainError::EscalationAtTop => {
                "The case is already at province/national level and cannot be escalated further."
                    .into()
            }
            DomainError::ReferralsStillOpen { open } => format!(
                "The case cannot be resolved yet: {open} referral(s) are still open."
            ),
            DomainError::ConsentMissing => {
                "The resident's consent to share data with the receiving institution is not recorded."
                    .into()
            }
            DomainError::ConsentForOtherInstitution => {
                "The consent recorded names another institution, not this referral's receiver."
                    .into()
            }
            DomainError::ConsentForOtherPurpose => {
                "The consent recorded was given for another programme or service, not this referral."
                    .into()
            }
            DomainError::HolidayLineInvalid { line } => {
                format!("Line {line} of the holiday list is not yyyy-mm-dd followed by a name.")
            }
            DomainError::AccessDenied { action, reason } => format!(
                "Access denied to \"{}\": {}.",
                action.label_en(),
                reason.label_en()
            ),
            DomainError::PasswordLength { min, max } => {
                format!("A password must have {min} to {max} characters.")
            }
            DomainError::PasswordContainsUsername => {
                "A password must not contain the username.".into()
            }
            DomainError::PasswordTooCommon => {
                "This password is too common and easy to guess; choose another, for example several words together.".into()
            }
            DomainError::PasswordWrong => "The current password is wrong.".into(),
            DomainError::PasswordUnchanged => {
                "The new password must differ from the current one.".into()
            }
            DomainError::PasswordConfirmationMismatch => {
                "The repeated password differs from the new password.".into()
            }
            DomainError::OwnAccountProtected => {
                "You cannot disable your own account or remove your own roles; ask another administrator.".into()
            }
            DomainError::RoleAreaMismatch { role } => format!(
                "The role {} cannot be held in this area: the Kemensos monitor covers all of Indonesia, district heads and Bappeda one district.",
                role.label_en()
            ),
            DomainError::ProposalChange { problem } => problem.label_en().to_string(),
            DomainError::Meeting { problem } => problem.label_en().to_string(),
            DomainError::Batch { problem } => problem.label_en().to_string(),
            DomainError::Photo { problem } => problem.label_en().to_string(),
            DomainError::SheetImport { problem } => problem.label_en().to_string(),
            DomainError::LikelyDuplicate { households } => format!(
                "This family may already be on record: {households} households with members alike (name and birth date). Check the list: open the same family, or save a new one if it really is another."
            ),
            DomainError::HouseholdMerged { .. } => "This household record was a duplicate and has been merged into another: open that one from this household's page and carry on there.".into(),
            DomainError::Merge { problem } => problem.label_en().to_string(),
            DomainError::Document { problem } => problem.label_en().to_string(),
            DomainError::OpenProposalExists { proposal_id } => format!(
                "This family already has an open proposal of the same kind (proposal number {proposal_id}): continue that one."
            ),
            DomainError::UsernameInvalid => "A username has 3 to 64 characters: lower-case letters a–z, digits, dot, hyphen or underscore.".into(),
            DomainError::Invalid { errors } => {
                let details: Vec<String> = errors
                    .iter()
                    .map(|e| {
                        // Named with its field when the message does not say it
                        // (which member's NIK, for instance).
                        let message = e.error.message_en();
                        let name = field_name(&e.field, true);
                        if e.field.is_empty() || message.contains(&name) {
                            message
                        } else {
                            format!("{name}: {message}")
                        }
                    })
                    .collect();
                format!("Some data is not right. {}", details.join(" "))
            }
        }
    }
}

/// Collects field errors of a form, so all of them can be shown at once.
#[derive(Debug, Default)]
pub struct FieldErrors(Vec<FieldError>);

impl FieldErrors {
    /// No errors yet.
    pub fn new() -> Self {
        FieldErrors(Vec::new())
    }

    /// Keeps the value of `result`, or records its error under `field` and gives `None`.
    pub fn check<T>(&mut self, field: &str, result: Result<T, DomainError>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(error) => {
                self.0.push(FieldError {
                    field: field.to_owned(),
                    error,
                });
                None
            }
        }
    }

    /// Records an error under `field`.
    pub fn push(&mut self, field: &str, error: DomainError) {
        self.0.push(FieldError {
            field: field.to_owned(),
            error,
        });
    }

    /// Whether nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok(())` when nothing was recorded, otherwise [`DomainError::Invalid`].
    pub fn finish(self) -> Result<(), DomainError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(DomainError::Invalid { errors: self.0 })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_fields_as_people_call_them() {
        let required = DomainError::TextRequired {
            field: "head_name".into(),
        };
        assert_eq!(
            required.message_id(),
            "Isian nama kepala keluarga wajib diisi."
        );
        assert_eq!(
            required.message_en(),
            "The head of family's name is required."
        );
        let unchosen = DomainError::UnknownCode {
            field: "house_tenure".into(),
            code: String::new(),
        };
        assert_eq!(
            unchosen.message_id(),
            "Isian status kepemilikan rumah belum dipilih."
        );
        let letters = DomainError::UnknownCode {
            field: "institution_id".into(),
            code: "abc".into(),
        };
        assert_eq!(
            letters.message_id(),
            "Pilihan \"abc\" untuk lembaga tidak dikenal."
        );
        assert_eq!(field_name("members.1.name", false), "nama (anggota ke-2)");
        assert_eq!(
            field_name("complaints.0.description", true),
            "description (complaint 1)"
        );
        assert_eq!(field_name("address.rt", false), "RT");
        assert_eq!(field_name("proposals.0", false), "usulan di agenda (ke-1)");
        assert!(field_is_named("members.2.chronic_illnesses"));
        assert!(field_is_named("proposals.3"));
        assert!(!field_is_named("no_such_field"));
        assert_eq!(field_name("nama", false), "nama", "a name not listed stays");
        // No message of a form field shows a code identifier.
        for field in [
            "floor_area_m2",
            "head_name",
            "members.3.birth_date",
            "income_band",
        ] {
            let text = DomainError::TextRequired {
                field: field.into(),
            }
            .message_id();
            assert!(!text.contains('_'), "{text}");
            assert!(!text.contains(field), "{text}");
        }
    }

    #[test]
    fn a_taken_code_names_its_field_in_both_languages() {
        let error = DomainError::CodeTaken {
            field: "code".into(),
        };
        assert_eq!(error.code(), "code_taken");
        assert!(!error.is_access_denied());
        assert!(!error.is_conflict(), "invalid input, not a state conflict");
        assert_eq!(
            error.message_id(),
            "Kode pada isian code sudah dipakai entri lain; gunakan kode yang berbeda."
        );
        assert_eq!(
            error.message_en(),
            "The code in code is already used by another entry; choose a different code."
        );
    }
}
