//! The service contract: what the portal can do. The server implements these
//! traits on its database; server functions and the REST API only call them, so
//! every rule (authorization by area, validation, audit) lives in one place.

use std::sync::Arc;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::account::{
    AssignmentInput, AssignmentView, AuditFilter, AuditRow, NewUser, UserDetail, UserFilter,
    UserRow,
};
use crate::complaint::Complaint;
use crate::dto::{
    CaseDetail, CaseFilter, CaseSummary, CaseTransitionRequest, Created, CurrentUser, HomeSummary,
    HouseholdFile, HouseholdFilter, HouseholdRow, IdentityLookup, IdentityQuery, InstitutionEntry,
    IssueReferral, OpenCase, Page, ProgrammeEntry, ProposalFilter, ProposalRow,
    ProposalTransitionRequest, ReferralCheck, ReferralFilter, ReferralInboxItem, ReferralLetter,
    ReferralTransitionRequest, ReferralView, RegisterHousehold, SaveInstitution, SaveProgramme,
    StartProposal, UpdateHousehold, UpdateMember, VillageOption,
};
use crate::error::DomainError;
use crate::export::ExportRows;
use crate::member::Member;
use crate::roles::Role;
use crate::workflow::StateChange;

/// Who is asking: the signed-in user with the assignment active in this session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub user_id: i64,
    pub username: String,
    pub full_name: String,
    pub role: Role,
    /// Kemendagri code of the assigned area; `None` means the whole nation.
    pub area_code: Option<String>,
    /// Name of the assigned area as stored in the area table.
    pub area_name: String,
    /// The receiving institution, for institution users.
    pub institution_id: Option<i64>,
    /// The assignment (role in an area) this session acts under.
    pub assignment_id: i64,
    /// The user must choose a new password before doing anything else
    /// (after an administrator set one).
    pub must_change_password: bool,
}

impl Actor {
    /// The view of this actor that the UI shows.
    /// The time zone of the actor's area (see [`crate::clock`]).
    pub fn zone(&self) -> crate::clock::Zone {
        crate::clock::Zone::of_area(self.area_code.as_deref().unwrap_or_default())
    }

    /// Today at the actor's area.
    pub fn today(&self) -> chrono::NaiveDate {
        self.zone().today(chrono::Utc::now())
    }

    pub fn to_current_user(&self, today: chrono::NaiveDate) -> CurrentUser {
        CurrentUser {
            username: self.username.clone(),
            full_name: self.full_name.clone(),
            role: self.role,
            area_code: self.area_code.clone().unwrap_or_default(),
            area_name: self.area_name.clone(),
            must_change_password: self.must_change_password,
            today,
        }
    }
}

/// Where a request came from, recorded in the audit log and used for throttling.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientInfo {
    pub address: Option<String>,
    /// The browser's `User-Agent`, for the user's own sessions list.
    pub user_agent: Option<String>,
}

/// A successful login: the secret session token for the cookie and the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginOutcome {
    pub session_token: String,
    pub actor: Actor,
}

/// Why a service call failed. Messages are for the person in front of the screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum ServiceError {
    #[error("Sesi Anda telah berakhir. Silakan masuk kembali.")]
    Unauthenticated,
    #[error("Nama pengguna atau kata sandi salah.")]
    InvalidCredentials,
    #[error("Akun Anda dinonaktifkan. Hubungi administrator.")]
    AccountDisabled,
    #[error("Terlalu banyak percobaan masuk. Coba lagi dalam {retry_after_seconds} detik.")]
    RateLimited { retry_after_seconds: u64 },
    /// Too many identity lookups or reveals in a short time (per user or address).
    #[error(
        "Terlalu banyak pencarian NIK/No KK dalam waktu singkat. Coba lagi dalam {retry_after_seconds} detik."
    )]
    LookupLimited { retry_after_seconds: u64 },
    #[error("Anda tidak berwenang mengakses data ini.")]
    Forbidden,
    #[error("Data tidak ditemukan.")]
    NotFound,
    #[error("Nomor KK ini sudah terdaftar. Cari keluarga dengan nomor KK tersebut.")]
    DuplicateNoKk,
    #[error("NIK ini sudah tercatat sebagai anggota keluarga lain.")]
    DuplicateNik,
    #[error("Data telah diubah oleh pengguna lain. Muat ulang halaman lalu coba lagi.")]
    Conflict,
    /// The input broke a domain rule; the error says which fields and why.
    #[error("{}", .0.message_id())]
    Invalid(DomainError),
    /// A passing failure (the database busy, the server overloaded): the same
    /// request may succeed when sent again.
    #[error("Layanan sedang sibuk. Coba lagi sebentar lagi.")]
    Unavailable,
    /// A fault of the server itself (a bug, damaged stored data), logged with its cause.
    #[error(
        "Terjadi kesalahan pada server. Kesalahan ini telah dicatat; hubungi administrator bila terulang."
    )]
    Internal,
}

/// Seconds a client should wait before sending a request answered
/// [`ServiceError::Unavailable`] again.
pub const RETRY_AFTER_BUSY_SECONDS: u64 = 2;

impl ServiceError {
    /// Stable snake_case code of the error, for the API and tests (a domain
    /// rule's own code for [`ServiceError::Invalid`]).
    pub fn code(&self) -> &'static str {
        match self {
            ServiceError::Unauthenticated => "unauthenticated",
            ServiceError::InvalidCredentials => "invalid_credentials",
            ServiceError::AccountDisabled => "account_disabled",
            ServiceError::RateLimited { .. } => "rate_limited",
            ServiceError::LookupLimited { .. } => "lookup_limited",
            ServiceError::Forbidden => "forbidden",
            ServiceError::NotFound => "not_found",
            ServiceError::DuplicateNoKk => "duplicate_no_kk",
            ServiceError::DuplicateNik => "duplicate_nik",
            ServiceError::Conflict => "conflict",
            ServiceError::Invalid(error) => error.code(),
            ServiceError::Unavailable => "unavailable",
            ServiceError::Internal => "internal",
        }
    }

    /// The HTTP status that answers this error: a refusal is a 4xx, a passing
    /// failure 503 (sent again by the browser), and only a fault of the server 500.
    pub fn http_status(&self) -> u16 {
        match self {
            ServiceError::Unauthenticated | ServiceError::InvalidCredentials => 401,
            ServiceError::AccountDisabled | ServiceError::Forbidden => 403,
            ServiceError::NotFound => 404,
            ServiceError::DuplicateNoKk | ServiceError::DuplicateNik | ServiceError::Conflict => {
                409
            }
            ServiceError::Invalid(_) => 422,
            ServiceError::RateLimited { .. } | ServiceError::LookupLimited { .. } => 429,
            ServiceError::Unavailable => 503,
            ServiceError::Internal => 500,
        }
    }

    /// Seconds to wait before trying again, for the refusals that pass with time.
    pub fn retry_after_seconds(&self) -> Option<u64> {
        match self {
            ServiceError::RateLimited {
                retry_after_seconds,
            }
            | ServiceError::LookupLimited {
                retry_after_seconds,
            } => Some(*retry_after_seconds),
            ServiceError::Unavailable => Some(RETRY_AFTER_BUSY_SECONDS),
            _ => None,
        }
    }

    /// The same message in English, for users who chose English.
    pub fn message_en(&self) -> String {
        match self {
            ServiceError::Unauthenticated => "Your session has ended. Please sign in again.".into(),
            ServiceError::InvalidCredentials => "Wrong username or password.".into(),
            ServiceError::AccountDisabled => {
                "Your account is disabled. Contact the administrator.".into()
            }
            ServiceError::RateLimited {
                retry_after_seconds,
            } => format!("Too many sign-in attempts. Try again in {retry_after_seconds} seconds."),
            ServiceError::LookupLimited {
                retry_after_seconds,
            } => format!(
                "Too many NIK/No KK lookups in a short time. Try again in {retry_after_seconds} seconds."
            ),
            ServiceError::Forbidden => "You are not allowed to access this data.".into(),
            ServiceError::NotFound => "Not found.".into(),
            ServiceError::DuplicateNoKk => {
                "This family card number is already registered. Search for it instead.".into()
            }
            ServiceError::DuplicateNik => {
                "This NIK is already recorded as a member of another household.".into()
            }
            ServiceError::Conflict => {
                "Someone else changed this record. Reload the page and try again.".into()
            }
            ServiceError::Invalid(error) => error.message_en(),
            ServiceError::Unavailable => "The service is busy. Please try again shortly.".into(),
            ServiceError::Internal => {
                "Something went wrong on the server. It has been logged; contact the administrator if it happens again.".into()
            }
        }
    }
}

impl From<DomainError> for ServiceError {
    fn from(error: DomainError) -> Self {
        if error.is_access_denied() {
            ServiceError::Forbidden
        } else if error.is_conflict() {
            ServiceError::Conflict
        } else {
            ServiceError::Invalid(error)
        }
    }
}

/// Signing in and out, and turning a session token back into an actor.
#[async_trait]
pub trait AuthService: Send + Sync {
    /// Checks the password and opens a new session (a fresh id at every login).
    async fn login(
        &self,
        username: &str,
        password: &str,
        client: &ClientInfo,
    ) -> Result<LoginOutcome, ServiceError>;

    /// Ends the session at once. Unknown tokens are ignored.
    async fn logout(&self, session_token: &str) -> Result<(), ServiceError>;

    /// The actor behind a session token, or `None` when it is unknown or expired.
    async fn authenticate(&self, session_token: &str) -> Result<Option<Actor>, ServiceError>;

    /// The actor's own assignments, the current one marked.
    async fn assignments(&self, actor: &Actor) -> Result<Vec<AssignmentView>, ServiceError>;

    /// Moves the session to another of the user's own assignments.
    async fn switch_assignment(
        &self,
        actor: &Actor,
        session_token: &str,
        assignment_id: i64,
    ) -> Result<Actor, ServiceError>;

    /// The user's own open sessions, newest first, the one of `session_token` marked.
    async fn sessions(
        &self,
        actor: &Actor,
        session_token: &str,
    ) -> Result<Vec<crate::account::SessionView>, ServiceError>;

    /// Ends every session of the user, this one included ("sign out everywhere");
    /// answers how many ended.
    async fn end_all_sessions(&self, actor: &Actor) -> Result<u64, ServiceError>;

    /// Changes the user's own password (checked against the current one) and ends
    /// every other session of the user.
    async fn change_password(
        &self,
        actor: &Actor,
        session_token: &str,
        current_password: &str,
        new_password: &str,
    ) -> Result<(), ServiceError>;
}

/// Accounts and their roles, managed by administrators within their area.
#[async_trait]
pub trait AccountService: Send + Sync {
    /// A page of accounts the administrator manages.
    async fn users(&self, actor: &Actor, filter: UserFilter)
    -> Result<Page<UserRow>, ServiceError>;
    /// One account.
    async fn user(&self, actor: &Actor, user_id: i64) -> Result<UserDetail, ServiceError>;
    /// Creates an account with its first assignment.
    async fn create_user(&self, actor: &Actor, request: NewUser) -> Result<Created, ServiceError>;
    /// Sets a new password chosen by the administrator; the user must change it at
    /// the next sign-in, and every session of the user ends.
    async fn reset_password(
        &self,
        actor: &Actor,
        user_id: i64,
        new_password: &str,
    ) -> Result<(), ServiceError>;
    /// Disables (ending every session at once) or enables an account.
    async fn set_disabled(
        &self,
        actor: &Actor,
        user_id: i64,
        disabled: bool,
    ) -> Result<(), ServiceError>;
    /// Grants a role in an area (or at an institution).
    async fn add_assignment(
        &self,
        actor: &Actor,
        user_id: i64,
        assignment: AssignmentInput,
    ) -> Result<Created, ServiceError>;
    /// Takes a role away; sessions acting under it end.
    async fn remove_assignment(
        &self,
        actor: &Actor,
        assignment_id: i64,
    ) -> Result<(), ServiceError>;
}

/// The audit log, for administrators (rows inside their area).
#[async_trait]
pub trait AuditService: Send + Sync {
    /// A page of entries, newest first.
    async fn search(
        &self,
        actor: &Actor,
        filter: AuditFilter,
    ) -> Result<Page<AuditRow>, ServiceError>;
    /// Every matching entry, newest first, page by page for a download (the
    /// export itself is audited once, with its row count).
    async fn export(
        &self,
        actor: &Actor,
        filter: AuditFilter,
    ) -> Result<ExportRows<AuditRow>, ServiceError>;
    /// Whether the actor's role may open a page that exists for `action` (the
    /// administration pages); a refusal is written to the audit log like any other.
    async fn page_access(
        &self,
        actor: &Actor,
        action: crate::access::Action,
    ) -> Result<(), ServiceError>;
}

/// Administrative areas and the figures of the home page.
#[async_trait]
pub trait AreaService: Send + Sync {
    /// Counts read from the database for the actor's area.
    async fn home_summary(&self, actor: &Actor) -> Result<HomeSummary, ServiceError>;
    /// The villages inside the actor's area (where it may register households).
    async fn villages(&self, actor: &Actor) -> Result<Vec<VillageOption>, ServiceError>;
}

/// Households and members at the front desk: lookup, registration, the file, changes.
/// Every call is authorised by area and audited; identity numbers leave only masked,
/// except through the two `reveal_*` calls, which are audited separately.
#[async_trait]
pub trait HouseholdService: Send + Sync {
    /// Finds households and the registry record by NIK or No KK.
    async fn lookup(
        &self,
        actor: &Actor,
        query: IdentityQuery,
    ) -> Result<IdentityLookup, ServiceError>;
    /// Registers a household and its members (idempotent on the request's key).
    async fn register(
        &self,
        actor: &Actor,
        request: RegisterHousehold,
    ) -> Result<Created, ServiceError>;
    /// A page of households inside the actor's area (audited as a list view).
    async fn list(
        &self,
        actor: &Actor,
        filter: HouseholdFilter,
    ) -> Result<Page<HouseholdRow>, ServiceError>;
    /// Every household the filter matches, in the list's order, page by page
    /// for a download (audited once, with its row count).
    async fn export(
        &self,
        actor: &Actor,
        filter: HouseholdFilter,
    ) -> Result<ExportRows<HouseholdRow>, ServiceError>;
    /// The household's file (a view of personal data: audited).
    async fn file(&self, actor: &Actor, household_id: i64) -> Result<HouseholdFile, ServiceError>;
    /// Changes the household's data; returns the new version.
    async fn update(&self, actor: &Actor, request: UpdateHousehold) -> Result<i32, ServiceError>;
    /// Adds a member to a household.
    async fn add_member(
        &self,
        actor: &Actor,
        household_id: i64,
        member: Member,
    ) -> Result<Created, ServiceError>;
    /// Changes a member; returns the new version.
    async fn update_member(
        &self,
        actor: &Actor,
        request: UpdateMember,
    ) -> Result<i32, ServiceError>;
    /// The members' specific personal data (health, disability, PPKS), for
    /// the roles that work with it (audited).
    async fn specifics(
        &self,
        actor: &Actor,
        household_id: i64,
    ) -> Result<Vec<crate::dto::MemberSpecifics>, ServiceError>;
    /// The member's whole NIK, for roles allowed to see it.
    async fn reveal_nik(&self, actor: &Actor, member_id: i64) -> Result<String, ServiceError>;
    /// The household's whole No KK, for roles allowed to see it.
    async fn reveal_no_kk(&self, actor: &Actor, household_id: i64) -> Result<String, ServiceError>;
    /// Records a life event (birth, joining, death, moving out, change of
    /// head, pecah KK, move) in one write; answers the household (idempotent
    /// on the request's key).
    async fn life_event(
        &self,
        actor: &Actor,
        request: crate::life_event::RecordLifeEvent,
    ) -> Result<Created, ServiceError>;
    /// The households on record likely the family a registration is about
    /// (see [`crate::duplicates`]; a read of others' names: audited).
    async fn registration_duplicates(
        &self,
        actor: &Actor,
        request: RegisterHousehold,
    ) -> Result<Vec<crate::duplicates::LikelyHousehold>, ServiceError>;
    /// The actor's district's households likely registered twice (audited).
    async fn district_duplicates(
        &self,
        actor: &Actor,
    ) -> Result<Vec<crate::duplicates::DuplicatePair>, ServiceError>;
    /// Two records side by side before a merge (a view of both: audited).
    async fn merge_preview(
        &self,
        actor: &Actor,
        survivor_id: i64,
        merged_id: i64,
    ) -> Result<crate::duplicates::MergePreview, ServiceError>;
    /// Merges one record into another; answers the surviving record
    /// (idempotent on the request's key).
    async fn merge(
        &self,
        actor: &Actor,
        request: crate::duplicates::MergeHouseholds,
    ) -> Result<Created, ServiceError>;
    /// Two households are different families: the pair leaves the duplicate list.
    async fn dismiss_duplicate(
        &self,
        actor: &Actor,
        first: i64,
        second: i64,
    ) -> Result<(), ServiceError>;
}

/// Service cases (flow A): opening, needs, transitions, the file and the worklists.
#[async_trait]
pub trait CaseService: Send + Sync {
    /// Opens a case with its first complaints (idempotent on the request's key).
    async fn open(&self, actor: &Actor, request: OpenCase) -> Result<Created, ServiceError>;
    /// Adds a complaint or need to an open case.
    async fn add_complaint(
        &self,
        actor: &Actor,
        case_id: i64,
        complaint: Complaint,
    ) -> Result<Created, ServiceError>;
    /// Applies a case action through the state machine.
    async fn transition(
        &self,
        actor: &Actor,
        request: CaseTransitionRequest,
    ) -> Result<CaseDetail, ServiceError>;
    /// The case's file with its timeline (a view of personal data: audited).
    async fn detail(&self, actor: &Actor, case_id: i64) -> Result<CaseDetail, ServiceError>;
    /// A page of cases inside the actor's area.
    async fn list(
        &self,
        actor: &Actor,
        filter: CaseFilter,
    ) -> Result<Page<CaseSummary>, ServiceError>;
    /// Every case the filter matches, in the list's order, page by page for a
    /// download (audited once as an export, with its row count).
    async fn export(
        &self,
        actor: &Actor,
        filter: CaseFilter,
    ) -> Result<ExportRows<CaseSummary>, ServiceError>;
}

/// Referrals (rujukan): issuing with consent, the receiving institution's answers, inboxes.
#[async_trait]
pub trait ReferralService: Send + Sync {
    /// Issues a referral (idempotent on the request's key); the first one moves the case to `referred`.
    async fn issue(
        &self,
        actor: &Actor,
        request: IssueReferral,
    ) -> Result<ReferralView, ServiceError>;
    /// Applies a referral action (accept, reject, process, complete, cancel).
    async fn transition(
        &self,
        actor: &Actor,
        request: ReferralTransitionRequest,
    ) -> Result<ReferralView, ServiceError>;
    /// Referrals addressed to the actor's institution, or issued inside the actor's area.
    async fn inbox(
        &self,
        actor: &Actor,
        filter: ReferralFilter,
    ) -> Result<Page<ReferralInboxItem>, ServiceError>;
    /// Every referral the inbox's filter matches, in its order, page by page
    /// for a download (audited once as an export, with its row count).
    async fn export(
        &self,
        actor: &Actor,
        filter: ReferralFilter,
    ) -> Result<ExportRows<ReferralInboxItem>, ServiceError>;
    /// Checks a referral letter's verification code; answers without personal data.
    async fn verify(&self, code: &str) -> Result<ReferralCheck, ServiceError>;
    /// The referral letter, for staff of the case's area and the addressed institution (audited).
    async fn letter(&self, actor: &Actor, referral_id: i64)
    -> Result<ReferralLetter, ServiceError>;
}

/// Registry proposals (usulan, flow B).
#[async_trait]
pub trait ProposalService: Send + Sync {
    /// Starts a proposal for a household (idempotent on the request's key).
    async fn start(&self, actor: &Actor, request: StartProposal) -> Result<Created, ServiceError>;
    /// Applies a proposal action through the state machine.
    async fn transition(
        &self,
        actor: &Actor,
        request: ProposalTransitionRequest,
    ) -> Result<ProposalRow, ServiceError>;
    /// A page of proposals inside the actor's area.
    async fn list(
        &self,
        actor: &Actor,
        filter: ProposalFilter,
    ) -> Result<Page<ProposalRow>, ServiceError>;
    /// Every proposal the filter matches, newest first, page by page for a
    /// download of the list (audited once as an export, with its row count).
    async fn export(
        &self,
        actor: &Actor,
        filter: ProposalFilter,
    ) -> Result<ExportRows<ProposalRow>, ServiceError>;
    /// A page of the list and the count at each stage (of the kinds asked).
    async fn worklist(
        &self,
        actor: &Actor,
        filter: ProposalFilter,
    ) -> Result<crate::dto::ProposalWorklist, ServiceError>;
    /// The proposal with its history (the view is audited).
    async fn file(
        &self,
        actor: &Actor,
        proposal_id: i64,
    ) -> Result<crate::dto::ProposalFile, ServiceError>;
    /// The proposal's history, oldest first.
    async fn history(
        &self,
        actor: &Actor,
        proposal_id: i64,
    ) -> Result<Vec<StateChange>, ServiceError>;
    /// Records the civil-registry match of every living member (padan
    /// Dukcapil) and the proposal's step to it, in one write.
    async fn record_match(
        &self,
        actor: &Actor,
        request: crate::proposal_batch::RecordMatch,
    ) -> Result<ProposalRow, ServiceError>;
    /// Reads the match-result file the civil registry returned (CSV or XLSX,
    /// one row per NIK with its answer) and records the match of every
    /// proposal of the actor's area it answers whole; the others stay waiting.
    async fn import_matches(
        &self,
        actor: &Actor,
        content: Vec<u8>,
    ) -> Result<crate::proposal_batch::MatchImport, ServiceError>;
}

/// The district's approval of matched proposals in batches (pengesahan) and
/// their sending to Kemensos with the submission file.
#[async_trait]
pub trait BatchService: Send + Sync {
    /// The batches of the actor's district and the proposals waiting for approval.
    async fn desk(&self, actor: &Actor) -> Result<crate::proposal_batch::BatchDesk, ServiceError>;
    /// Approves the chosen proposals as one batch (idempotent on the request's key).
    async fn ratify(
        &self,
        actor: &Actor,
        request: crate::proposal_batch::RatifyBatch,
    ) -> Result<Created, ServiceError>;
    /// Makes the submission file, keeps it with the batch and records every
    /// proposal of the batch as sent, in one write.
    async fn submit(
        &self,
        actor: &Actor,
        request: crate::proposal_batch::SubmitBatch,
    ) -> Result<crate::proposal_batch::BatchRow, ServiceError>;
    /// A batch with its proposals (the view is audited).
    async fn file(
        &self,
        actor: &Actor,
        batch_id: i64,
    ) -> Result<crate::proposal_batch::BatchFile, ServiceError>;
    /// The submission file of a sent batch: its number and its rows in
    /// [`crate::proposal_batch::SUBMISSION_COLUMNS`] order, whole NIKs (audited).
    async fn submission(
        &self,
        actor: &Actor,
        batch_id: i64,
    ) -> Result<(String, Vec<Vec<String>>), ServiceError>;
}

/// The programme catalogue and the receiving institutions (data edited by administrators).
#[async_trait]
pub trait CatalogueService: Send + Sync {
    /// Every catalogue entry (any signed-in user).
    async fn programmes(&self, actor: &Actor) -> Result<Vec<ProgrammeEntry>, ServiceError>;
    /// Every receiving institution (any signed-in user).
    async fn institutions(&self, actor: &Actor) -> Result<Vec<InstitutionEntry>, ServiceError>;
    /// Creates or changes a catalogue entry (administrators).
    async fn save_programme(
        &self,
        actor: &Actor,
        request: SaveProgramme,
    ) -> Result<Created, ServiceError>;
    /// Creates or changes an institution (administrators).
    async fn save_institution(
        &self,
        actor: &Actor,
        request: SaveInstitution,
    ) -> Result<Created, ServiceError>;
}

/// Dashboards: aggregate figures only, never a person's record (any role but receiving institutions).
#[async_trait]
pub trait DashboardService: Send + Sync {
    /// The dashboard of one area (`""` = the nation) inside the actor's area.
    async fn area(
        &self,
        actor: &Actor,
        area_code: &str,
    ) -> Result<crate::dashboard::AreaDashboard, ServiceError>;
    /// Provinces or districts side by side, those inside the actor's area.
    async fn compare(
        &self,
        actor: &Actor,
        level: crate::dashboard::CompareLevel,
    ) -> Result<crate::dashboard::Comparison, ServiceError>;
    /// The tables of a download, audited as an export; `NotFound` for a table
    /// the dashboard does not have (nothing is exported, nothing audited).
    async fn export(
        &self,
        actor: &Actor,
        request: crate::dashboard::ExportRequest,
    ) -> Result<crate::dashboard::Exported, ServiceError>;
}

/// Village meetings (musdes/muskel) of flow B: see [`crate::meeting`].
#[async_trait]
pub trait MeetingService: Send + Sync {
    /// The meetings of villages inside the actor's area (or of one of them), newest first.
    async fn list(
        &self,
        actor: &Actor,
        village: Option<crate::geo::AreaCode>,
    ) -> Result<Vec<crate::meeting::MeetingRow>, ServiceError>;
    /// The villages of the actor's area with proposals waiting for a meeting
    /// (on no open meeting's agenda), and those proposals of `village` (of the
    /// only such village when none is given).
    async fn candidates(
        &self,
        actor: &Actor,
        village: Option<crate::geo::AreaCode>,
    ) -> Result<crate::meeting::MeetingCandidates, ServiceError>;
    /// A meeting's whole record (the view is audited).
    async fn file(
        &self,
        actor: &Actor,
        meeting_id: i64,
    ) -> Result<crate::meeting::MeetingFile, ServiceError>;
    /// Makes a meeting (idempotent on the key) or changes an open one.
    async fn save(
        &self,
        actor: &Actor,
        meeting: crate::meeting::SaveMeeting,
    ) -> Result<Created, ServiceError>;
    /// Records the decision on one proposal of an open meeting's agenda.
    async fn decide(
        &self,
        actor: &Actor,
        decision: crate::meeting::Decide,
    ) -> Result<crate::meeting::MeetingFile, ServiceError>;
    /// Stores the signed minutes of an open meeting (replacing earlier ones).
    async fn attach_minutes(
        &self,
        actor: &Actor,
        meeting_id: i64,
        version: i32,
        content: Vec<u8>,
    ) -> Result<(), ServiceError>;
    /// The minutes file (the download is audited).
    async fn minutes(
        &self,
        actor: &Actor,
        meeting_id: i64,
    ) -> Result<(crate::meeting::MinutesType, Vec<u8>), ServiceError>;
    /// Approves the meeting: every agreed proposal moves on to the home visit,
    /// every one not agreed is rejected with the meeting's reason, in one step.
    async fn approve(
        &self,
        actor: &Actor,
        meeting_id: i64,
        version: i32,
    ) -> Result<crate::meeting::MeetingFile, ServiceError>;
}

/// Home visits (verivali) of flow B: see [`crate::visit`].
#[async_trait]
pub trait VisitService: Send + Sync {
    /// The visit of a proposal: as saved, or a new one prefilled from the
    /// household file (the view is audited).
    async fn file(
        &self,
        actor: &Actor,
        proposal_id: i64,
    ) -> Result<crate::visit::VisitFile, ServiceError>;
    /// Saves the visit as typed; a finished one records the proposal's
    /// verivali step in the same write.
    async fn save(
        &self,
        actor: &Actor,
        visit: crate::visit::SaveVisit,
    ) -> Result<crate::visit::VisitFile, ServiceError>;
    /// Keeps the photo of the house's front taken at the visit (the latest
    /// replaces an earlier one), without the metadata the phone wrote into it.
    async fn attach_house_photo(
        &self,
        actor: &Actor,
        proposal_id: i64,
        content: Vec<u8>,
    ) -> Result<(), ServiceError>;
    /// The photo of the house's front of a proposal's family (the view is audited).
    async fn house_photo(
        &self,
        actor: &Actor,
        proposal_id: i64,
    ) -> Result<(crate::photo::PhotoType, Vec<u8>), ServiceError>;
}

/// Documents on a household's file (photos and scans): kept without the
/// metadata phones write into photos, opened by who may see what they show;
/// every upload and every opening audited.
#[async_trait]
pub trait DocumentService: Send + Sync {
    /// The household's documents (without content) and what its upload form offers.
    async fn list(
        &self,
        actor: &Actor,
        household_id: i64,
    ) -> Result<crate::document::DocumentList, ServiceError>;
    /// The documents about one of a family's cases or proposals (without
    /// content), to whoever may see that case or proposal (audited).
    async fn list_for_record(
        &self,
        actor: &Actor,
        record: crate::document::DocumentRecord,
    ) -> Result<crate::document::DocumentList, ServiceError>;
    /// Checks a document by its content, removes a photo's metadata, keeps the
    /// file and its row; answers the document's id.
    async fn attach(
        &self,
        actor: &Actor,
        document: crate::document::AttachDocument,
    ) -> Result<i64, ServiceError>;
    /// A document's format, its file name for people (kind and number, never
    /// what the file was sent as) and its content, as kept (the opening is audited).
    async fn open(
        &self,
        actor: &Actor,
        document_id: i64,
    ) -> Result<(crate::document::DocumentFormat, String, Vec<u8>), ServiceError>;
}

/// Spreadsheets a district imports from the browser: upload, mapping (found,
/// proposed, remembered, corrected), a preview and a check of the whole file,
/// then the import as a job on the server whose progress and report stay
/// available. For the district's SLRT manager and the administrator; every
/// step audited.
#[async_trait]
pub trait SheetImportService: Send + Sync {
    /// The uploads of the actor's district, newest first.
    async fn list(
        &self,
        actor: &Actor,
    ) -> Result<Vec<crate::sheet_import::SheetImportRow>, ServiceError>;
    /// Where the upload handler writes a file as it arrives (the disk the uploads are kept on).
    fn staging_folder(&self) -> std::path::PathBuf;
    /// Keeps a file the upload handler wrote to disk; answers its upload's id
    /// (the same file still waiting to be imported is answered instead).
    async fn accept(
        &self,
        actor: &Actor,
        upload: crate::sheet_import::StagedSheet,
    ) -> Result<i64, ServiceError>;
    /// An upload as its page shows it: the mapping, the preview, the check,
    /// the progress or the report, by its state.
    async fn view(
        &self,
        actor: &Actor,
        id: i64,
    ) -> Result<crate::sheet_import::SheetImportView, ServiceError>;
    /// Saves the mapping (remembered for the layout) and starts checking the whole file.
    async fn save_mapping(
        &self,
        actor: &Actor,
        draft: crate::sheet_import::MappingDraft,
    ) -> Result<(), ServiceError>;
    /// Starts importing a checked upload (or one whose import failed).
    async fn confirm(&self, actor: &Actor, id: i64, version: i32) -> Result<(), ServiceError>;
    /// The rejected rows' report: its name for people and where it is on disk.
    async fn rejected_rows(
        &self,
        actor: &Actor,
        id: i64,
    ) -> Result<(String, std::path::PathBuf), ServiceError>;
}

/// Every service of the portal, as one value placed in the request context.
#[derive(Clone)]
pub struct Services {
    pub auth: Arc<dyn AuthService>,
    pub areas: Arc<dyn AreaService>,
    pub households: Arc<dyn HouseholdService>,
    pub cases: Arc<dyn CaseService>,
    pub referrals: Arc<dyn ReferralService>,
    pub proposals: Arc<dyn ProposalService>,
    pub batches: Arc<dyn BatchService>,
    pub meetings: Arc<dyn MeetingService>,
    pub visits: Arc<dyn VisitService>,
    pub documents: Arc<dyn DocumentService>,
    pub sheet_imports: Arc<dyn SheetImportService>,
    pub catalogue: Arc<dyn CatalogueService>,
    pub accounts: Arc<dyn AccountService>,
    pub audit: Arc<dyn AuditService>,
    pub dashboards: Arc<dyn DashboardService>,
}
