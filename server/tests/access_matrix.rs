//! The access matrix: every server function and every REST endpoint, called
//! through the real router by an actor of every role, once from inside the
//! target's area and once from outside it. Each call must get exactly what the
//! rules allow; every refusal must be written to the audit log.
//!
//! The list of endpoints comes from the running application (the server
//! function registry and `server::downloads::ROUTES`): an endpoint without a row in
//! [`MATRIX`] fails the test.

mod common;

use std::collections::BTreeSet;
use std::net::SocketAddr;

use app::api::AppError;
use app::api::ssr::SessionCookie;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::Utc;
use common::people::{complaint, household_request};
use common::{PASSWORD, TestResult, database_with_areas};
use http_body_util::BodyExt;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    Set,
};
use server::entities::{audit_log, referrals, sessions, user_assignments, users};
use server::services::{self, auth::session_id};
use server::web::{self, AppState};
use shared::case::CaseAction;
use shared::complaint::{Channel, ComplaintType};
use shared::contract::{Actor, ClientInfo, ServiceError, Services};
use shared::dto::{CaseTransitionRequest, IssueReferral, OpenCase};
use shared::roles::Role;
use tower::ServiceExt;

/// The village holding the target records.
const VILLAGE: &str = "32.09.01.2008";

/// What a call must get.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// Succeeds.
    Ok,
    /// Succeeds, and the answer does not mention the target (a list scoped away from it).
    OkWithout(Marker),
    /// Refused as forbidden, and the refusal is audited.
    Refused,
}

/// Something that identifies the target records in an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Marker {
    /// The target case's number.
    CaseNumber,
    /// The target user's username.
    TargetUser,
    /// Area codes of the target district.
    TargetDistrict,
    /// The target referral's number.
    Referral,
    /// The target household's head of family.
    HouseholdHead,
}

/// How an endpoint is called.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Call {
    /// Server function, form-encoded arguments.
    Form,
    /// Server function, JSON arguments.
    Json,
    /// REST `GET`.
    Get,
    /// A plain multipart form post of a file (the document upload), as a browser without script sends it.
    Upload,
}

/// The six roles that work on households and cases in an area.
const CASE_STAFF: [Role; 6] = [
    Role::FrontOffice,
    Role::BackOffice,
    Role::Facilitator,
    Role::Supervisor,
    Role::PuskesosCoordinator,
    Role::SlrtManager,
];

fn anyone(_: Role, _: bool) -> Expect {
    Expect::Ok
}

/// Administrators, whatever their area (an administration page is checked against one's own).
fn admin_anywhere(role: Role, _: bool) -> Expect {
    if role == Role::Admin {
        Expect::Ok
    } else {
        Expect::Refused
    }
}

/// Case staff see the target inside their area; lists from outside leave it out.
fn staff_list(role: Role, inside: bool) -> Expect {
    match (CASE_STAFF.contains(&role), inside) {
        (true, true) => Expect::Ok,
        (true, false) => Expect::OkWithout(Marker::CaseNumber),
        (false, _) => Expect::Refused,
    }
}

/// Case staff open the target inside their area only.
fn staff_record(role: Role, inside: bool) -> Expect {
    if CASE_STAFF.contains(&role) && inside {
        Expect::Ok
    } else {
        Expect::Refused
    }
}

/// Administrators act on targets inside their area only.
fn admin_record(role: Role, inside: bool) -> Expect {
    if role == Role::Admin && inside {
        Expect::Ok
    } else {
        Expect::Refused
    }
}

/// Administrators list their area; from outside the target is left out.
fn admin_list(marker: Marker) -> impl Fn(Role, bool) -> Expect {
    move |role, inside| match (role, inside) {
        (Role::Admin, true) => Expect::Ok,
        (Role::Admin, false) => Expect::OkWithout(marker),
        _ => Expect::Refused,
    }
}

/// Case staff see referrals of their area, institution staff those addressed to them.
fn referral_list(role: Role, inside: bool) -> Expect {
    match (
        CASE_STAFF.contains(&role) || role == Role::ReceivingInstitution,
        inside,
    ) {
        (true, true) => Expect::Ok,
        (true, false) => Expect::OkWithout(Marker::Referral),
        (false, _) => Expect::Refused,
    }
}

/// A referral's letter: case staff of its area and the addressed institution.
fn referral_record(role: Role, inside: bool) -> Expect {
    if (CASE_STAFF.contains(&role) || role == Role::ReceivingInstitution) && inside {
        Expect::Ok
    } else {
        Expect::Refused
    }
}

/// Only the addressed institution answers a referral.
fn institution_answer(role: Role, inside: bool) -> Expect {
    if role == Role::ReceivingInstitution && inside {
        Expect::Ok
    } else {
        Expect::Refused
    }
}

/// Everyone may switch to their own assignment ("inside") but never to someone else's.
fn own_only(_: Role, inside: bool) -> Expect {
    if inside { Expect::Ok } else { Expect::Refused }
}

/// Households of the area, listed or looked up: case staff; from outside the target is left out.
fn household_list(role: Role, inside: bool) -> Expect {
    match (CASE_STAFF.contains(&role), inside) {
        (true, true) => Expect::Ok,
        (true, false) => Expect::OkWithout(Marker::HouseholdHead),
        (false, _) => Expect::Refused,
    }
}

/// The desk roles that register households and record complaints.
const DESK: [Role; 3] = [Role::FrontOffice, Role::BackOffice, Role::Facilitator];

/// The villages a desk role may register in: its own area, wherever it is.
fn desk_anywhere(role: Role, _: bool) -> Expect {
    if DESK.contains(&role) {
        Expect::Ok
    } else {
        Expect::Refused
    }
}

/// Registering or opening a case in the target village: desk roles inside it.
fn desk_inside(role: Role, inside: bool) -> Expect {
    if DESK.contains(&role) && inside {
        Expect::Ok
    } else {
        Expect::Refused
    }
}

/// The whole NIK / No KK: case staff but supervisors, inside the area.
fn full_identity(role: Role, inside: bool) -> Expect {
    if CASE_STAFF.contains(&role) && role != Role::Supervisor && inside {
        Expect::Ok
    } else {
        Expect::Refused
    }
}

/// Members' health and disability: the back office and the facilitator, inside.
fn specific_data(role: Role, inside: bool) -> Expect {
    if matches!(role, Role::BackOffice | Role::Facilitator) && inside {
        Expect::Ok
    } else {
        Expect::Refused
    }
}

/// A case step (the registry check on a new case): the roles the state machine allows, inside.
fn registry_check_step(role: Role, inside: bool) -> Expect {
    use shared::case::{CaseFlow, CaseStatus, EscalationLevel};
    use shared::workflow::Workflow;
    let allowed = CaseFlow::transition(
        CaseStatus::new(EscalationLevel::Village),
        CaseAction::CheckRegistry,
        role,
    )
    .is_ok();
    if CASE_STAFF.contains(&role) && allowed && inside {
        Expect::Ok
    } else {
        Expect::Refused
    }
}

/// Issuing a referral: back office, coordinators and managers, inside.
fn referrer(role: Role, inside: bool) -> Expect {
    let allowed = matches!(
        role,
        Role::BackOffice | Role::PuskesosCoordinator | Role::SlrtManager
    );
    if allowed && inside {
        Expect::Ok
    } else {
        Expect::Refused
    }
}

/// Registry proposals: administrators and case staff but the front office, inside.
fn proposer(role: Role, inside: bool) -> Expect {
    let allowed = role == Role::Admin || (CASE_STAFF.contains(&role) && role != Role::FrontOffice);
    if allowed && inside {
        Expect::Ok
    } else {
        Expect::Refused
    }
}

/// The proposal worklist: the proposing roles list their area (from outside,
/// without the target family's proposal).
fn proposal_list(role: Role, inside: bool) -> Expect {
    match (proposer(role, true), inside) {
        (Expect::Ok, true) => Expect::Ok,
        (Expect::Ok, false) => Expect::OkWithout(Marker::HouseholdHead),
        _ => Expect::Refused,
    }
}

/// The village meeting's step of a proposal: facilitators and Puskesos coordinators, inside.
fn musdes_step(role: Role, inside: bool) -> Expect {
    if matches!(role, Role::Facilitator | Role::PuskesosCoordinator) && inside {
        Expect::Ok
    } else {
        Expect::Refused
    }
}

/// A village meeting's record and minutes (they name families): case staff who
/// work on proposals, inside.
fn proposal_record(role: Role, inside: bool) -> Expect {
    if CASE_STAFF.contains(&role) && role != Role::FrontOffice && inside {
        Expect::Ok
    } else {
        Expect::Refused
    }
}

/// The home visit of a proposal: facilitators and supervisors, inside.
fn visit_step(role: Role, inside: bool) -> Expect {
    if matches!(role, Role::Facilitator | Role::Supervisor) && inside {
        Expect::Ok
    } else {
        Expect::Refused
    }
}

/// Padan Dukcapil of a proposal: the back office and the SLRT manager, inside.
fn match_step(role: Role, inside: bool) -> Expect {
    if matches!(role, Role::BackOffice | Role::SlrtManager) && inside {
        Expect::Ok
    } else {
        Expect::Refused
    }
}

/// Approving a batch, or downloading what was sent (whole numbers): the
/// district's SLRT manager.
fn ratify_step(role: Role, inside: bool) -> Expect {
    if role == Role::SlrtManager && inside {
        Expect::Ok
    } else {
        Expect::Refused
    }
}

/// Sending a batch: the district's SLRT manager or an administrator of it.
fn submit_step(role: Role, inside: bool) -> Expect {
    if matches!(role, Role::SlrtManager | Role::Admin) && inside {
        Expect::Ok
    } else {
        Expect::Refused
    }
}

/// A batch's page (it names families): district staff who work on proposals
/// and see personal data.
fn batch_record(role: Role, inside: bool) -> Expect {
    if matches!(role, Role::SlrtManager | Role::Supervisor) && inside {
        Expect::Ok
    } else {
        Expect::Refused
    }
}

/// The meetings list: the proposing roles list their own area, wherever it is.
fn meeting_list(role: Role, _inside: bool) -> Expect {
    proposer(role, true)
}

/// Aggregate figures of the target village: every role but institutions, inside
/// (the national monitor is inside everywhere).
fn aggregates(role: Role, inside: bool) -> Expect {
    if role != Role::ReceivingInstitution && (inside || role == Role::KemensosMonitor) {
        Expect::Ok
    } else {
        Expect::Refused
    }
}

/// Comparing districts: national users (and provincial ones, not in the matrix) only.
fn comparison(role: Role, _: bool) -> Expect {
    if role == Role::KemensosMonitor {
        Expect::Ok
    } else {
        Expect::Refused
    }
}

/// The district's duplicates and their merge: the district's SLRT manager.
fn merger(role: Role, inside: bool) -> Expect {
    if role == Role::SlrtManager && inside {
        Expect::Ok
    } else {
        Expect::Refused
    }
}

/// The duplicate list: the SLRT manager's own district (another district's
/// list leaves the target's households out).
fn duplicate_list(role: Role, inside: bool) -> Expect {
    match (role == Role::SlrtManager, inside) {
        (true, true) => Expect::Ok,
        (true, false) => Expect::OkWithout(Marker::HouseholdHead),
        (false, _) => Expect::Refused,
    }
}

/// One row of the matrix: endpoint path, how it is called, the rule.
struct Row {
    path: &'static str,
    call: Call,
    rule: Box<dyn Fn(Role, bool) -> Expect>,
}

/// Every endpoint, in the order they are exercised (sign-out last).
fn matrix() -> Vec<Row> {
    let row = |path: &'static str, call: Call, rule: Box<dyn Fn(Role, bool) -> Expect>| Row {
        path,
        call,
        rule,
    };
    vec![
        row("/api/current_user", Call::Form, Box::new(anyone)),
        row("/api/home_summary", Call::Form, Box::new(anyone)),
        row("/api/my_assignments", Call::Form, Box::new(anyone)),
        row("/api/institutions", Call::Form, Box::new(anyone)),
        row("/api/programmes", Call::Form, Box::new(anyone)),
        row("/api/login", Call::Form, Box::new(anyone)),
        row("/api/switch_assignment", Call::Form, Box::new(own_only)),
        row("/api/case_list", Call::Json, Box::new(staff_list)),
        row("/api/case_detail", Call::Form, Box::new(staff_record)),
        row("/api/referral_inbox", Call::Json, Box::new(referral_list)),
        row(
            "/api/referral_letter",
            Call::Form,
            Box::new(referral_record),
        ),
        row(
            "/api/answer_referral",
            Call::Form,
            Box::new(institution_answer),
        ),
        row("/api/verify_referral", Call::Form, Box::new(anyone)),
        row("/api/set_language", Call::Form, Box::new(anyone)),
        row("/api/lookup_identity", Call::Json, Box::new(household_list)),
        row("/api/household_list", Call::Json, Box::new(household_list)),
        row("/api/household_file", Call::Form, Box::new(staff_record)),
        row("/api/reveal_nik", Call::Form, Box::new(full_identity)),
        row("/api/reveal_no_kk", Call::Form, Box::new(full_identity)),
        row("/api/member_specifics", Call::Form, Box::new(specific_data)),
        row("/api/record_life_event", Call::Json, Box::new(desk_inside)),
        row("/api/update_household", Call::Json, Box::new(desk_inside)),
        row("/api/update_member", Call::Json, Box::new(desk_inside)),
        row("/api/village_options", Call::Form, Box::new(desk_anywhere)),
        row("/api/register_household", Call::Json, Box::new(desk_inside)),
        row(
            "/api/registration_duplicates",
            Call::Json,
            Box::new(desk_inside),
        ),
        row(
            "/api/district_duplicates",
            Call::Form,
            Box::new(duplicate_list),
        ),
        row("/api/merge_preview", Call::Form, Box::new(merger)),
        row("/api/merge_households", Call::Json, Box::new(merger)),
        row("/api/dismiss_duplicate", Call::Form, Box::new(merger)),
        row("/api/open_case", Call::Json, Box::new(desk_inside)),
        row(
            "/api/case_action",
            Call::Form,
            Box::new(registry_check_step),
        ),
        row("/api/issue_referral", Call::Form, Box::new(referrer)),
        row("/api/propose_to_registry", Call::Json, Box::new(proposer)),
        row("/api/proposal_list", Call::Json, Box::new(proposal_list)),
        row("/api/get_proposal", Call::Form, Box::new(staff_record)),
        row("/api/proposal_step", Call::Form, Box::new(musdes_step)),
        row("/api/meeting_list", Call::Form, Box::new(meeting_list)),
        row(
            "/api/meeting_agenda_options",
            Call::Form,
            Box::new(proposal_record),
        ),
        row("/api/get_meeting", Call::Form, Box::new(proposal_record)),
        row("/api/save_meeting", Call::Form, Box::new(musdes_step)),
        row("/api/decide_in_meeting", Call::Form, Box::new(musdes_step)),
        row("/api/approve_meeting", Call::Form, Box::new(musdes_step)),
        row("/api/home_visit", Call::Form, Box::new(proposal_record)),
        row("/api/save_home_visit", Call::Form, Box::new(visit_step)),
        row(
            server::downloads::MEETING_MINUTES,
            Call::Get,
            Box::new(proposal_record),
        ),
        row(
            app::paths::HOUSE_PHOTO,
            Call::Get,
            Box::new(proposal_record),
        ),
        row(
            "/api/household_documents",
            Call::Form,
            Box::new(staff_record),
        ),
        row("/api/case_documents", Call::Form, Box::new(staff_record)),
        row(
            "/api/proposal_documents",
            Call::Form,
            Box::new(staff_record),
        ),
        row(
            server::uploads::DOCUMENT_UPLOAD,
            Call::Upload,
            Box::new(staff_record),
        ),
        row(app::paths::DOCUMENT, Call::Get, Box::new(staff_record)),
        row("/api/record_civil_match", Call::Form, Box::new(match_step)),
        row("/api/batch_desk", Call::Form, Box::new(proposal_list)),
        row("/api/ratify_batch", Call::Form, Box::new(ratify_step)),
        row("/api/get_batch", Call::Form, Box::new(batch_record)),
        row("/api/submit_batch", Call::Form, Box::new(submit_step)),
        row(
            server::downloads::SUBMISSION_CSV,
            Call::Get,
            Box::new(ratify_step),
        ),
        row(
            server::downloads::SUBMISSION_XLSX,
            Call::Get,
            Box::new(ratify_step),
        ),
        row(
            server::downloads::PROPOSALS_CSV,
            Call::Get,
            Box::new(proposal_list),
        ),
        row(
            server::downloads::PROPOSALS_XLSX,
            Call::Get,
            Box::new(proposal_list),
        ),
        row(
            server::downloads::HOUSEHOLDS_CSV,
            Call::Get,
            Box::new(household_list),
        ),
        row(
            server::downloads::HOUSEHOLDS_XLSX,
            Call::Get,
            Box::new(household_list),
        ),
        row(
            server::downloads::REFERRALS_CSV,
            Call::Get,
            Box::new(referral_list),
        ),
        row(
            server::downloads::REFERRALS_XLSX,
            Call::Get,
            Box::new(referral_list),
        ),
        row(
            "/api/admin_users",
            Call::Json,
            Box::new(admin_list(Marker::TargetUser)),
        ),
        row("/api/admin_user", Call::Form, Box::new(admin_record)),
        row("/api/admin_create_user", Call::Form, Box::new(admin_record)),
        row(
            "/api/admin_reset_password",
            Call::Form,
            Box::new(admin_record),
        ),
        row(
            "/api/admin_set_disabled",
            Call::Form,
            Box::new(admin_record),
        ),
        row(
            "/api/admin_add_assignment",
            Call::Form,
            Box::new(admin_record),
        ),
        row(
            "/api/admin_remove_assignment",
            Call::Form,
            Box::new(admin_record),
        ),
        row("/api/save_institution", Call::Form, Box::new(admin_record)),
        row("/api/save_programme", Call::Form, Box::new(admin_record)),
        row(
            "/api/audit_search",
            Call::Json,
            Box::new(admin_list(Marker::TargetDistrict)),
        ),
        row(
            server::downloads::CASES_CSV,
            Call::Get,
            Box::new(staff_list),
        ),
        row(
            server::downloads::CASES_XLSX,
            Call::Get,
            Box::new(staff_list),
        ),
        row(
            server::downloads::AUDIT_CSV,
            Call::Get,
            Box::new(admin_list(Marker::TargetDistrict)),
        ),
        row(
            server::downloads::AUDIT_XLSX,
            Call::Get,
            Box::new(admin_list(Marker::TargetDistrict)),
        ),
        row("/api/area_dashboard", Call::Form, Box::new(aggregates)),
        row(
            "/api/dashboard_comparison",
            Call::Form,
            Box::new(comparison),
        ),
        row(
            server::downloads::DASHBOARD_CSV,
            Call::Get,
            Box::new(aggregates),
        ),
        row(
            server::downloads::DASHBOARD_XLSX,
            Call::Get,
            Box::new(aggregates),
        ),
        row(
            server::downloads::COMPARISON_CSV,
            Call::Get,
            Box::new(comparison),
        ),
        row(
            server::downloads::COMPARISON_XLSX,
            Call::Get,
            Box::new(comparison),
        ),
        row("/api/sheet_imports", Call::Form, Box::new(importer_list)),
        row("/api/sheet_import", Call::Form, Box::new(importer_record)),
        row(
            "/api/save_sheet_mapping",
            Call::Form,
            Box::new(importer_record),
        ),
        row(
            "/api/confirm_sheet_import",
            Call::Form,
            Box::new(importer_record),
        ),
        row(
            app::paths::SHEET_REJECTED,
            Call::Get,
            Box::new(importer_record),
        ),
        row("/api/change_password", Call::Form, Box::new(anyone)),
        row("/api/my_sessions", Call::Form, Box::new(anyone)),
        row("/api/page_access", Call::Form, Box::new(admin_anywhere)),
        row("/api/sign_out_everywhere", Call::Form, Box::new(anyone)),
        row("/api/logout", Call::Form, Box::new(anyone)),
    ]
}

/// The district's SLRT manager and the administrator import the district's
/// spreadsheets; from outside the district its uploads are left out.
fn importer_list(role: Role, inside: bool) -> Expect {
    match (matches!(role, Role::SlrtManager | Role::Admin), inside) {
        (true, true) => Expect::Ok,
        (true, false) => Expect::OkWithout(Marker::TargetDistrict),
        (false, _) => Expect::Refused,
    }
}

/// An upload of the district: its manager and administrator only.
fn importer_record(role: Role, inside: bool) -> Expect {
    if matches!(role, Role::SlrtManager | Role::Admin) && inside {
        Expect::Ok
    } else {
        Expect::Refused
    }
}

/// Where an actor of `role` sits: inside the target's area, or outside it.
fn area_for(role: Role, inside: bool) -> Option<&'static str> {
    match (role, inside) {
        (Role::KemensosMonitor, _) => None,
        (Role::FrontOffice | Role::BackOffice | Role::PuskesosCoordinator, true) => Some(VILLAGE),
        (Role::FrontOffice | Role::BackOffice | Role::PuskesosCoordinator, false) => {
            Some("32.09.02.2001")
        }
        (Role::Facilitator, true) => Some("32.09.01"),
        (Role::Facilitator, false) => Some("32.09.02"),
        (_, true) => Some("32.09"),
        (_, false) => Some("33.04"),
    }
}

/// A matrix actor: its account, assignment and open session.
struct Caller {
    role: Role,
    inside: bool,
    username: String,
    user_id: i64,
    assignment_id: i64,
    token: String,
}

/// The records the matrix acts on.
struct Targets {
    case_id: i64,
    case_number: String,
    target_user: String,
    target_user_id: i64,
    institution_inside: i64,
    institution_outside: i64,
    referral_id: i64,
    referral_number: String,
    verification_code: String,
    household_id: i64,
    proposal_id: i64,
    meeting_id: i64,
    /// A batch sent to Kemensos, with its submission file.
    batch_id: i64,
    member_id: i64,
    /// A photo of the target household's house front (open to all case staff of the area).
    document_id: i64,
    no_kk: String,
    programme_id: i64,
    /// A spreadsheet of the district, imported, with its rejected rows kept.
    sheet_id: i64,
}

struct World {
    db: DatabaseConnection,
    /// A front-office officer of the target village, for setting records up.
    desk: Actor,
    /// A Puskesos coordinator of the target village, who starts proposals.
    proposer: Actor,
    /// The district's SLRT manager, who approves batches.
    manager: Actor,
    services: Services,
    router: axum::Router,
    targets: Targets,
    password_hash: String,
    serial: std::cell::Cell<u32>,
    /// The documents folder (removed at the end).
    _files: common::TempFolder,
}

impl World {
    fn next(&self) -> u32 {
        let next = self.serial.get() + 1;
        self.serial.set(next);
        next
    }

    /// An account with one assignment and an open session, without going through sign-in.
    async fn caller(
        &self,
        username: &str,
        role: Role,
        area: Option<&str>,
        institution: Option<i64>,
    ) -> Result<Caller, Box<dyn std::error::Error>> {
        let now = Utc::now();
        let user = users::ActiveModel {
            username: Set(username.to_string()),
            full_name: Set(format!("Petugas {username}")),
            password_hash: Set(self.password_hash.clone()),
            disabled: Set(false),
            must_change_password: Set(false),
            created_at: Set(now),
            updated_at: Set(now),
            version: Set(1),
            ..Default::default()
        }
        .insert(&self.db)
        .await?;
        let assignment = user_assignments::ActiveModel {
            user_id: Set(user.id),
            role: Set(role.code().to_string()),
            area_code: Set(area.map(str::to_string)),
            institution_id: Set(institution),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&self.db)
        .await?;
        let token = format!("{:064x}", u128::from(self.next()) + 0xabc0_0000);
        sessions::ActiveModel {
            id: Set(session_id(&token)),
            user_id: Set(user.id),
            assignment_id: Set(assignment.id),
            created_at: Set(now),
            last_seen_at: Set(now),
            expires_at: Set(now + chrono::Duration::hours(1)),
            client_address: Set(None),
            user_agent: Set(None),
        }
        .insert(&self.db)
        .await?;
        Ok(Caller {
            role,
            inside: false,
            username: username.to_string(),
            user_id: user.id,
            assignment_id: assignment.id,
            token,
        })
    }

    /// The arguments of a call of `path` by `caller`.
    async fn arguments(
        &self,
        path: &str,
        caller: &Caller,
        others: &Caller,
    ) -> Result<String, Box<dyn std::error::Error>> {
        let t = &self.targets;
        let n = self.next();
        Ok(match path {
            "/api/login" => format!("username={}&password={PASSWORD}", caller.username),
            "/api/switch_assignment" => {
                let id = if caller.inside {
                    caller.assignment_id
                } else {
                    others.assignment_id
                };
                format!("assignment_id={id}")
            }
            "/api/case_list" => r#"{"filter":{"area":null,"states":[],"open_only":false,"sector":null,"programme":null,"opened_from":null,"opened_to":null,"overdue_only":false,"search":null,"sort":"due_first","page":1,"per_page":100}}"#.to_string(),
            "/api/case_detail" | "/api/case_documents" => format!("case_id={}", t.case_id),
            "/api/proposal_documents" => format!("proposal_id={}", t.proposal_id),
            "/api/referral_inbox" => r#"{"filter":{"states":[],"overdue_only":false,"page":1,"per_page":100}}"#.to_string(),
            "/api/referral_letter" => format!("referral_id={}", t.referral_id),
            "/api/answer_referral" => {
                // Each caller finds the referral just sent, so that only the rule decides.
                let row = referrals::Entity::find_by_id(t.referral_id)
                    .one(&self.db)
                    .await?
                    .ok_or("no referral")?;
                let version = row.version;
                let mut sent: referrals::ActiveModel = row.into();
                sent.state = Set("sent".into());
                sent.update(&self.db).await?;
                format!("referral_id={}&version={version}&action=accept", t.referral_id)
            }
            "/api/verify_referral" => format!("code={}", t.verification_code),
            "/api/admin_users" => r#"{"filter":{"search":"","role":null,"include_disabled":true,"page":1}}"#.to_string(),
            "/api/admin_user" => format!("user_id={}", t.target_user_id),
            "/api/admin_create_user" => format!(
                "username=baru.{n}&full_name=Petugas+Baru&password=kopi-tubruk-{n}-pagi&role=front_office&area_code={VILLAGE}"
            ),
            "/api/admin_reset_password" => format!(
                "user_id={}&new_password=teh-manis-{n}-sore",
                t.target_user_id
            ),
            "/api/admin_set_disabled" => format!("user_id={}&disabled=false", t.target_user_id),
            "/api/admin_add_assignment" => format!(
                "user_id={}&role=back_office&area_code=32.09.01.2009",
                t.target_user_id
            ),
            "/api/admin_remove_assignment" => {
                let extra = user_assignments::ActiveModel {
                    user_id: Set(t.target_user_id),
                    role: Set(Role::Facilitator.code().to_string()),
                    area_code: Set(Some("32.09.01".into())),
                    institution_id: Set(None),
                    created_at: Set(Utc::now()),
                    ..Default::default()
                }
                .insert(&self.db)
                .await?;
                format!("assignment_id={}", extra.id)
            }
            "/api/save_institution" => format!(
                "name=Puskesmas+Uji+{n}&kind=health_centre&area_code=32.09.01&active=true"
            ),
            "/api/save_programme" => format!(
                "code=uji-{n}&name=Program+Uji+{n}&kind=pbi_jk&sector=health&institution_kinds=&area_code=32.09.01&active=true"
            ),
            "/api/audit_search" => r#"{"filter":{"page":1}}"#.to_string(),
            server::downloads::AUDIT_CSV
            | server::downloads::AUDIT_XLSX
            | server::downloads::CASES_CSV
            | server::downloads::CASES_XLSX
            | server::downloads::HOUSEHOLDS_CSV
            | server::downloads::HOUSEHOLDS_XLSX => String::new(),
            // Every state, so that the target referral is listed whatever the matrix did to it.
            server::downloads::REFERRALS_CSV | server::downloads::REFERRALS_XLSX => {
                "status=semua".to_string()
            }
            server::downloads::PROPOSALS_CSV | server::downloads::PROPOSALS_XLSX => {
                "tahap=semua".to_string()
            }
            "/api/set_language" => "lang=en".to_string(),
            "/api/area_dashboard" => format!("area={VILLAGE}"),
            server::downloads::DASHBOARD_CSV | server::downloads::DASHBOARD_XLSX => {
                format!("wilayah={VILLAGE}&tabel=desil")
            }
            "/api/dashboard_comparison" => "level=kabupaten".to_string(),
            server::downloads::COMPARISON_CSV | server::downloads::COMPARISON_XLSX => {
                "tingkat=kabupaten".to_string()
            }
            "/api/lookup_identity" => format!(r#"{{"kind":"no_kk","number":"{}"}}"#, t.no_kk),
            "/api/household_list" => r#"{"filter":{"area":null,"search":null,"in_registry":null,"desil":null,"open_case_only":false,"page":1,"per_page":100}}"#.to_string(),
            "/api/household_file" | "/api/reveal_no_kk" | "/api/member_specifics" | "/api/household_documents" => format!("household_id={}", t.household_id),
            app::paths::DOCUMENT => format!("id={}", t.document_id),
            "/api/reveal_nik" => format!("member_id={}", t.member_id),
            "/api/update_household" => {
                let version = server::entities::households::Entity::find_by_id(t.household_id)
                    .one(&self.db)
                    .await?
                    .ok_or("no household")?
                    .version;
                let request = household_request(VILLAGE, 1, "edit")?;
                let draft = shared::editing::HouseholdEditDraft {
                    household_id: t.household_id,
                    version,
                    household: shared::intake::RegistrationDraft::from(&request).household,
                };
                format!(r#"{{"draft":{}}}"#, serde_json::to_string(&draft)?)
            }
            "/api/update_member" => {
                let row = server::entities::members::Entity::find_by_id(t.member_id)
                    .one(&self.db)
                    .await?
                    .ok_or("no member")?;
                let relationship = shared::member::Relationship::from_number(u8::try_from(row.relationship)?)?;
                let draft = shared::editing::MemberEditDraft {
                    member_id: row.id,
                    version: row.version,
                    has_nik: row.nik_hash.is_some(),
                    was_head: relationship == shared::member::Relationship::Head,
                    with_specifics: false,
                    member: shared::intake::MemberDraft {
                        name: format!("{} {n}", row.name.split(' ').next().unwrap_or("Nama")),
                        sex: row.sex.clone(),
                        birth_place: "Cirebon".into(),
                        birth_date: row.birth_date.to_string(),
                        relationship: shared::Coded::code(relationship).to_string(),
                        marital_status: "married_registered".into(),
                        education: "primary_incomplete".into(),
                        occupation: "not_working".into(),
                        no_documents: row.nik_hash.is_none(),
                        ..Default::default()
                    },
                };
                format!(r#"{{"draft":{}}}"#, serde_json::to_string(&draft)?)
            }
            "/api/record_life_event" => {
                // A birth on the target's family, at the version it has now.
                let version = server::entities::households::Entity::find_by_id(t.household_id)
                    .one(&self.db)
                    .await?
                    .ok_or("no household")?
                    .version;
                format!(
                    r#"{{"draft":{{"idempotency_key":"life-{n}","household_id":"{}","version":"{version}","kind":"birth","occurred_on":"2026-01-02","document":"birth_certificate","note":"","member":{{"nik":"","no_documents":true,"disabilities":[],"chronic_illnesses":[],"pregnant":false,"ppks":[],"civil_registry_matched":false,"name":"Bayi {n}","sex":"female","birth_place":"Cirebon","birth_date":"2026-01-02","relationship":"grandchild","marital_status":"never_married","education":"no_schooling","occupation":"not_working"}}}}}}"#,
                    t.household_id
                )
            }
            "/api/register_household" | "/api/registration_duplicates" => {
                let request = household_request(VILLAGE, 100 + (n % 9000) as u16, &format!("reg-{n}"))?;
                let draft = shared::intake::RegistrationDraft::from(&request);
                format!(r#"{{"draft":{}}}"#, serde_json::to_string(&draft)?)
            }
            "/api/district_duplicates" => String::new(),
            "/api/merge_preview" => {
                let (a, b) = self.fresh_pair(n).await?;
                format!("survivor={a}&merged={b}")
            }
            "/api/dismiss_duplicate" => {
                let (a, b) = self.fresh_pair(n).await?;
                format!("first={a}&second={b}")
            }
            "/api/merge_households" => {
                // Two fresh records of one family, their heads the same person.
                let (a, b) = self.fresh_pair(n).await?;
                let head = |id: i64| async move {
                    server::entities::members::Entity::find()
                        .filter(server::entities::members::Column::HouseholdId.eq(id))
                        .filter(server::entities::members::Column::Relationship.eq(1))
                        .one(&self.db)
                        .await
                };
                let (kept, merged) = (
                    head(a).await?.ok_or("no head")?.id,
                    head(b).await?.ok_or("no head")?.id,
                );
                let request = shared::duplicates::MergeHouseholds {
                    idempotency_key: format!("merge-{n}"),
                    survivor_id: a,
                    survivor_version: 1,
                    merged_id: b,
                    merged_version: 1,
                    head_name: shared::duplicates::MergeSide::Survivor,
                    address: shared::duplicates::MergeSide::Merged,
                    house: shared::duplicates::MergeSide::Survivor,
                    economy: shared::duplicates::MergeSide::Survivor,
                    same_people: vec![shared::duplicates::SamePerson { kept, merged }],
                };
                format!(r#"{{"request":{}}}"#, serde_json::to_string(&request)?)
            }
            "/api/open_case" => format!(
                r#"{{"draft":{{"idempotency_key":"open-{n}","household_id":{},"channel":"walk_in_puskesos","complaints":[{{"complaint_type":"service_request","sector":"health","description":"Butuh bantuan berobat","urgency":"normal","evidence":[],"received_on":""}}]}}}}"#,
                t.household_id
            ),
            "/api/case_action" => {
                // A fresh case for each caller, so that only the rule decides.
                let case = self
                    .services
                    .cases
                    .open(
                        &self.desk,
                        OpenCase {
                            idempotency_key: format!("step-{n}"),
                            household_id: t.household_id,
                            channel: Channel::WalkInPuskesos,
                            complaints: vec![complaint(ComplaintType::ServiceRequest)],
                        },
                    )
                    .await?;
                format!("case_id={}&version=1&action=check_registry", case.id)
            }
            "/api/issue_referral" => format!(
                "idempotency_key=ref-{n}&case_id={}&programme_id={}&institution_id={}&consent_given_by=Darto&consent=1",
                t.case_id, t.programme_id, t.institution_inside
            ),
            "/api/propose_to_registry" => {
                let household = self
                    .services
                    .households
                    .register(
                        &self.desk,
                        household_request(VILLAGE, 5000 + (n % 4000) as u16, &format!("prop-{n}"))?,
                    )
                    .await?;
                format!(
                    r#"{{"draft":{{"idempotency_key":"propose-{n}","household_id":"{}","change_type":"new_family","source":"visit","note":"Keluarga baru"}}}}"#,
                    household.id
                )
            }
            "/api/proposal_list" => {
                r#"{"filter":{"area":null,"stages":[],"page":1,"per_page":100}}"#.to_string()
            }
            "/api/get_proposal" => format!("id={}", t.proposal_id),
            "/api/proposal_step" => {
                // A fresh proposal for each caller, so that only the rule decides.
                let household = self
                    .services
                    .households
                    .register(
                        &self.desk,
                        household_request(VILLAGE, 1000 + (n % 4000) as u16, &format!("step-{n}"))?,
                    )
                    .await?;
                let started = self
                    .services
                    .proposals
                    .start(&self.proposer, proposal_request(&format!("step-{n}"), household.id))
                    .await?;
                format!(
                    "proposal_id={}&version=1&action=approve_in_village_meeting&note=BA+musdes",
                    started.id
                )
            }
            "/api/meeting_agenda_options" => format!("village={VILLAGE}"),
            "/api/get_meeting" => format!("id={}", t.meeting_id),
            "/api/home_visit" => format!("proposal_id={}", t.proposal_id),
            "/api/save_home_visit" => {
                // A fresh proposal past its village meeting for each caller.
                let proposal = self.fresh_proposal(n).await?;
                self.services
                    .proposals
                    .transition(
                        &self.proposer,
                        shared::dto::ProposalTransitionRequest {
                            new_card: None,
                            proposal_id: proposal,
                            version: 1,
                            action: shared::proposal::ProposalAction::ApproveInVillageMeeting,
                            note: "BA musdes".into(),
                        },
                    )
                    .await?;
                format!("proposal_id={proposal}&version=&note=Kunjungan+pertama")
            }
            server::downloads::MEETING_MINUTES => format!("id={}", t.meeting_id),
            app::paths::HOUSE_PHOTO => format!("id={}", t.proposal_id),
            server::downloads::SUBMISSION_CSV | server::downloads::SUBMISSION_XLSX | "/api/get_batch" => {
                format!("id={}", t.batch_id)
            }
            "/api/record_civil_match" => {
                // A fresh proposal verified at home for each caller.
                let proposal = self.fresh_at(n, "verified").await?;
                let mut form = vec![
                    ("proposal_id".to_string(), proposal.to_string()),
                    ("version".to_string(), "1".to_string()),
                ];
                for (index, member) in self.members_of_proposal(proposal).await?.iter().enumerate() {
                    form.push((format!("members[{index}][member_id]"), member.to_string()));
                    form.push((format!("members[{index}][outcome]"), "matched".to_string()));
                }
                serde_urlencoded::to_string(form)?
            }
            "/api/ratify_batch" => {
                let proposal = self.fresh_at(n, "civil_registry_matched").await?;
                serde_urlencoded::to_string([
                    ("draft[idempotency_key]", format!("batch-{n}")),
                    ("draft[proposals][0]", proposal.to_string()),
                    ("draft[decree]", "SK 400/1/2026".to_string()),
                ])?
            }
            "/api/submit_batch" => {
                let batch = self.fresh_batch(n).await?;
                format!("batch_id={batch}&version=1")
            }
            "/api/sheet_import" | app::paths::SHEET_REJECTED => format!("id={}", t.sheet_id),
            "/api/save_sheet_mapping" => {
                // Reading a fresh upload again: no job starts.
                let sheet = sheet_of(&self.services, &self.manager, n).await?;
                serde_urlencoded::to_string([
                    ("draft[import_id]", sheet.to_string()),
                    ("draft[version]", "1".to_string()),
                    ("draft[header_row]", "1".to_string()),
                    ("draft[intent]", shared::sheet_import::REREAD.to_string()),
                ])?
            }
            "/api/confirm_sheet_import" => {
                // A fresh upload, checked: confirming starts its import.
                let sheet = sheet_of(&self.services, &self.manager, n).await?;
                let mut row: server::entities::sheet_imports::ActiveModel =
                    server::entities::sheet_imports::Entity::find_by_id(sheet)
                        .one(&self.db)
                        .await?
                        .ok_or("no upload")?
                        .into();
                row.state = Set("checked".into());
                row.fields = Set(Some(
                    "registry_family_id,source,no_kk,nik,name,relationship,village,address,desil,programmes".into(),
                ));
                row.survey = Set(Some(serde_json::to_string(&shared::sheet_import::SheetSurvey::default())?));
                row.update(&self.db).await?;
                format!("id={sheet}&version=1")
            }
            "/api/save_meeting" => {
                let proposal = self.fresh_proposal(n).await?;
                let held_on = (Utc::now() - chrono::Duration::days(1)).date_naive();
                serde_urlencoded::to_string([
                    ("draft[idempotency_key]", format!("meeting-{n}")),
                    ("draft[village]", VILLAGE.to_string()),
                    ("draft[held_on]", held_on.to_string()),
                    ("draft[place]", "Balai desa".to_string()),
                    ("draft[participants]", "Warga, BPD".to_string()),
                    ("draft[proposals][0]", proposal.to_string()),
                ])?
            }
            "/api/decide_in_meeting" | "/api/approve_meeting" => {
                // A fresh meeting for each caller, so that only the rule decides.
                let proposal = self.fresh_proposal(n).await?;
                let meetings = &self.services.meetings;
                let meeting = meetings
                    .save(&self.proposer, meeting_request(&format!("meeting-{n}"), &[proposal]))
                    .await?;
                if path == "/api/decide_in_meeting" {
                    format!(
                        "meeting_id={}&version=1&proposal_id={proposal}&decision=agreed",
                        meeting.id
                    )
                } else {
                    meetings
                        .decide(
                            &self.proposer,
                            shared::meeting::Decide {
                                meeting_id: meeting.id,
                                version: 1,
                                proposal_id: proposal,
                                decision: shared::meeting::MeetingDecision::Agreed,
                                reason: String::new(),
                            },
                        )
                        .await?;
                    meetings
                        .attach_minutes(&self.proposer, meeting.id, 2, b"%PDF-1.4 ba".to_vec())
                        .await?;
                    format!("meeting_id={}&version=3", meeting.id)
                }
            }
            "/api/change_password" => format!(
                "current_password={PASSWORD}&new_password=jalan-desa-{n}-berbatu&confirm_password=jalan-desa-{n}-berbatu"
            ),
            "/api/page_access" => "action=manage_users".to_string(),
            _ => String::new(),
        })
    }

    /// A new proposal of the target village, set at `stage` (as if its
    /// earlier steps were taken), version 1.
    async fn fresh_at(&self, n: u32, stage: &str) -> Result<i64, Box<dyn std::error::Error>> {
        let proposal = self.fresh_proposal(n).await?;
        set_stage(&self.db, proposal, stage).await?;
        Ok(proposal)
    }

    /// The members of a proposal's family.
    async fn members_of_proposal(
        &self,
        proposal: i64,
    ) -> Result<Vec<i64>, Box<dyn std::error::Error>> {
        let row = server::entities::proposals::Entity::find_by_id(proposal)
            .one(&self.db)
            .await?
            .ok_or("no proposal")?;
        Ok(server::entities::members::Entity::find()
            .filter(server::entities::members::Column::HouseholdId.eq(row.household_id))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|m| m.id)
            .collect())
    }

    /// A batch of one fresh matched proposal, approved by the district's manager.
    async fn fresh_batch(&self, n: u32) -> Result<i64, Box<dyn std::error::Error>> {
        let proposal = self.fresh_at(n, "civil_registry_matched").await?;
        Ok(batch_of(
            &self.services,
            &self.manager,
            &format!("batch-{n}"),
            proposal,
        )
        .await?)
    }

    /// Two new households of the target village, the same family registered twice.
    async fn fresh_pair(&self, n: u32) -> Result<(i64, i64), Box<dyn std::error::Error>> {
        let mut ids = Vec::new();
        for offset in 0..2 {
            let serial = 9100 + (n % 440) as u16 * 2 + offset;
            let created = self
                .services
                .households
                .register(
                    &self.desk,
                    household_request(VILLAGE, serial, &format!("pair-{n}-{offset}"))?,
                )
                .await?;
            ids.push(created.id);
        }
        Ok((ids[0], ids[1]))
    }

    /// A new proposal of a new household of the target village.
    async fn fresh_proposal(&self, n: u32) -> Result<i64, Box<dyn std::error::Error>> {
        let household = self
            .services
            .households
            .register(
                &self.desk,
                household_request(VILLAGE, 1000 + (n % 4000) as u16, &format!("meeting-{n}"))?,
            )
            .await?;
        Ok(self
            .services
            .proposals
            .start(
                &self.proposer,
                proposal_request(&format!("meeting-{n}"), household.id),
            )
            .await?
            .id)
    }

    /// Calls `path` as `caller`; answers the status and body.
    async fn call(
        &self,
        path: &str,
        call: Call,
        caller: &Caller,
        arguments: String,
    ) -> Result<(StatusCode, String), Box<dyn std::error::Error>> {
        let cookie = format!("slrt_session={}", caller.token);
        let request = match call {
            Call::Get if !arguments.is_empty() => Request::get(format!("{path}?{arguments}"))
                .header(header::COOKIE, cookie)
                .body(Body::empty())?,
            Call::Get if !arguments.is_empty() => Request::get(format!("{path}?{arguments}"))
                .header(header::COOKIE, cookie)
                .body(Body::empty())?,
            Call::Get => Request::get(path)
                .header(header::COOKIE, cookie)
                .body(Body::empty())?,
            Call::Upload => {
                let boundary = "----batasMatriks";
                let mut body = format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\nfoto_rumah\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"rumah.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n"
                )
                .into_bytes();
                body.extend_from_slice(&tiny_jpeg());
                body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
                Request::post(path.replace("{id}", &self.targets.household_id.to_string()))
                    .header(
                        header::CONTENT_TYPE,
                        format!("multipart/form-data; boundary={boundary}"),
                    )
                    .header("sec-fetch-site", "same-origin")
                    .header(header::COOKIE, cookie)
                    .body(Body::from(body))?
            }
            Call::Form | Call::Json => Request::post(path)
                .header(
                    header::CONTENT_TYPE,
                    if call == Call::Json {
                        "application/json"
                    } else {
                        "application/x-www-form-urlencoded"
                    },
                )
                .header(header::ACCEPT, "application/json")
                .header("sec-fetch-site", "same-origin")
                .header(header::COOKIE, cookie)
                .body(Body::from(arguments))?,
        };
        let response = self.router.clone().oneshot(request).await?;
        let status = response.status();
        let bytes = response.into_body().collect().await?.to_bytes();
        Ok((status, String::from_utf8_lossy(&bytes).into_owned()))
    }

    async fn refusals_of(&self, user_id: i64) -> Result<u64, sea_orm::DbErr> {
        audit_log::Entity::find()
            .filter(audit_log::Column::ActorUserId.eq(user_id))
            .filter(audit_log::Column::Outcome.eq("refused"))
            .count(&self.db)
            .await
    }

    fn marker(&self, marker: Marker) -> String {
        match marker {
            Marker::CaseNumber => self.targets.case_number.clone(),
            Marker::TargetUser => self.targets.target_user.clone(),
            Marker::TargetDistrict => "32.09".to_string(),
            Marker::Referral => self.targets.referral_number.clone(),
            Marker::HouseholdHead => "Darto Wiryono".to_string(),
        }
    }
}

/// A registry list of one family (one person per `n`), uploaded into 32.09 by `manager`.
async fn sheet_of(
    services: &Services,
    manager: &Actor,
    n: u32,
) -> Result<i64, Box<dyn std::error::Error>> {
    let content = format!(
        "id_keluarga,sumber,no_kk,nik,nama,hubungan,kode_wilayah,alamat,desil,program\n\
         M-{n},dtsen,3209011402150001,320901010185{:04},Warga {n},1,32.09.01.2008,,1,\n",
        n % 10_000
    );
    let folder = services.sheet_imports.staging_folder();
    std::fs::create_dir_all(&folder)?;
    let path = folder.join(format!(".upload-matrix-{n}.part"));
    std::fs::write(&path, &content)?;
    let upload = shared::sheet_import::StagedSheet {
        path,
        file_name: format!("daftar-{n}.csv"),
        sha256: format!("{:064x}", n),
        bytes: content.len() as u64,
        district: None,
        destination: None,
    };
    Ok(services.sheet_imports.accept(manager, upload).await?)
}

/// The smallest JPEG the portal keeps: a header, a table, a frame, a scan, its end.
fn tiny_jpeg() -> Vec<u8> {
    let segment = |marker: u8, body: &[u8]| {
        let mut s = vec![0xFF, marker];
        s.extend_from_slice(&u16::try_from(body.len() + 2).unwrap_or(0).to_be_bytes());
        s.extend_from_slice(body);
        s
    };
    let mut file = vec![0xFF, 0xD8];
    file.extend(segment(0xE0, b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0"));
    file.extend(segment(0xDB, &[0; 65]));
    file.extend(segment(0xC0, &[8, 0, 16, 0, 16, 1, 1, 0x11, 0]));
    file.extend(segment(0xDA, &[1, 1, 0, 0, 63, 0]));
    file.extend_from_slice(&[0x12, 0x34, 0xFF, 0xD9]);
    file
}

/// Puts a proposal at `stage`, as if its earlier steps were taken.
async fn set_stage(
    db: &DatabaseConnection,
    proposal: i64,
    stage: &str,
) -> Result<(), sea_orm::DbErr> {
    server::entities::proposals::Entity::update_many()
        .col_expr(
            server::entities::proposals::Column::Stage,
            sea_orm::sea_query::Expr::value(stage),
        )
        .filter(server::entities::proposals::Column::Id.eq(proposal))
        .exec(db)
        .await
        .map(|_| ())
}

/// A batch of one matched proposal, approved by `manager`.
async fn batch_of(
    services: &Services,
    manager: &Actor,
    key: &str,
    proposal: i64,
) -> Result<i64, ServiceError> {
    Ok(services
        .batches
        .ratify(
            manager,
            shared::proposal_batch::RatifyBatch {
                idempotency_key: key.to_string(),
                proposal_ids: vec![proposal],
                decree: "SK 400/2/2026".into(),
            },
        )
        .await?
        .id)
}

/// A new-family proposal of `household_id` under the idempotency key `key`.
fn proposal_request(key: &str, household_id: i64) -> shared::dto::StartProposal {
    shared::dto::StartProposal {
        idempotency_key: key.to_string(),
        household_id,
        change: shared::proposal_change::ProposalChange::NewFamily,
        source: shared::proposal::ProposalSource::Visit,
        note: "Belum terdaftar di DTSEN".to_string(),
    }
}

/// A village meeting of the target village, held yesterday, on these proposals.
fn meeting_request(key: &str, proposals: &[i64]) -> shared::meeting::SaveMeeting {
    shared::meeting::SaveMeeting {
        existing: None,
        idempotency_key: key.to_string(),
        village: shared::geo::AreaCode::parse(VILLAGE).unwrap_or_else(|_| unreachable!()),
        held_on: (Utc::now() - chrono::Duration::days(1)).date_naive(),
        place: "Balai desa".into(),
        village_head: "Kepala Desa".into(),
        participants: vec![shared::meeting::Participant {
            name: "Warga".into(),
            role: "BPD".into(),
        }],
        proposal_ids: proposals.to_vec(),
    }
}

/// The targets: a household and case in the village, a user there, two institutions.
async fn world() -> Result<World, Box<dyn std::error::Error>> {
    let db = database_with_areas().await?;
    let files = common::TempFolder::new()?;
    let services = services::build(
        db.clone(),
        services::ServiceConfig {
            files: server::files::FileStore::new(files.0.join("dokumen")),
            ..common::config()
        },
    );
    let listen: SocketAddr = "127.0.0.1:3000".parse()?;
    let router = web::router(AppState {
        leptos_options: web::leptos_options("target/site", listen),
        services: services.clone(),
        db: db.clone(),
        cookie: SessionCookie {
            secure: false,
            max_age_seconds: 3600,
        },
        trust_proxy: false,
    });
    let fo: Actor = common::actor(
        &db,
        &services,
        "fo.penyiap",
        Role::FrontOffice,
        Some(VILLAGE),
    )
    .await?;
    let admin: Actor = common::actor(&db, &services, "admin.penyiap", Role::Admin, None).await?;
    let household = services
        .households
        .register(&fo, household_request(VILLAGE, 1, "hh-matrix")?)
        .await?;
    let case = services
        .cases
        .open(
            &fo,
            OpenCase {
                idempotency_key: "case-matrix".into(),
                household_id: household.id,
                channel: Channel::WalkInPuskesos,
                complaints: vec![complaint(ComplaintType::ServiceRequest)],
            },
        )
        .await?;
    let detail = services.cases.detail(&fo, case.id).await?;
    let institution = |name: &str, area: &str| shared::dto::SaveInstitution {
        id: None,
        version: None,
        name: name.to_string(),
        kind: shared::programme::InstitutionKind::Hospital,
        serves: shared::geo::AreaScope::from_stored(area)
            .unwrap_or(shared::geo::AreaScope::National),
        address: None,
        phone: None,
        active: true,
    };
    let inside = services
        .catalogue
        .save_institution(&admin, institution("RSUD Uji Dalam", "32.09"))
        .await?;
    let outside = services
        .catalogue
        .save_institution(&admin, institution("RSUD Uji Luar", "33.04"))
        .await?;
    let bo: Actor = common::actor(
        &db,
        &services,
        "bo.penyiap",
        Role::BackOffice,
        Some(VILLAGE),
    )
    .await?;
    let coordinator: Actor = common::actor(
        &db,
        &services,
        "koordinator.penyiap",
        Role::PuskesosCoordinator,
        Some(VILLAGE),
    )
    .await?;
    for (who, action) in [
        (&fo, CaseAction::CheckRegistry),
        (&bo, CaseAction::IdentifyNeeds),
        (&coordinator, CaseAction::DecideService),
    ] {
        let version = services.cases.detail(who, case.id).await?.summary.version;
        services
            .cases
            .transition(
                who,
                CaseTransitionRequest {
                    case_id: case.id,
                    version,
                    action,
                    note: String::new(),
                },
            )
            .await?;
    }
    let now = Utc::now();
    let programme_id = common::programme(&db, inside.id).await?;
    let referral = services
        .referrals
        .issue(
            &coordinator,
            IssueReferral {
                idempotency_key: "ref-matrix".into(),
                case_id: case.id,
                complaint_id: None,
                member_id: None,
                programme_id,
                institution_id: inside.id,
                consent: Some(shared::referral::ConsentGiven {
                    given_by: "Darto Wiryono".into(),
                    given_on: now.date_naive(),
                    institution_id: inside.id,
                    programme_id,
                    resident_informed: true,
                }),
            },
        )
        .await?;
    let proposal = services
        .proposals
        .start(&coordinator, proposal_request("matrix", household.id))
        .await?;
    let meeting = services
        .meetings
        .save(&coordinator, meeting_request("matrix", &[proposal.id]))
        .await?;
    services
        .meetings
        .attach_minutes(
            &coordinator,
            meeting.id,
            1,
            b"%PDF-1.4 berita acara".to_vec(),
        )
        .await?;
    // The family's house photo, as a visit keeps it.
    sea_orm::ActiveModelTrait::insert(
        server::entities::house_photos::ActiveModel {
            household_id: sea_orm::Set(household.id),
            content: sea_orm::Set(vec![0xFF, 0xD8, 0xFF, 0xD9]),
            content_type: sea_orm::Set("jpeg".into()),
            size_bytes: sea_orm::Set(4),
            sha256: sea_orm::Set("0".repeat(64)),
            uploaded_by: sea_orm::Set(None),
            uploaded_at: sea_orm::Set(chrono::Utc::now()),
        },
        &db,
    )
    .await?;
    let document_id = services
        .documents
        .attach(
            &fo,
            shared::document::AttachDocument {
                household_id: household.id,
                member_id: None,
                record: None,
                kind: shared::document::DocumentKind::HouseFront,
                file_name: "rumah.jpg".into(),
                declared_type: "image/jpeg".into(),
                content: tiny_jpeg(),
            },
        )
        .await?;
    let target_user_id =
        common::account(&db, "target.desa", Role::FrontOffice, Some(VILLAGE)).await?;
    let password_hash = server::password::hash(PASSWORD.to_string()).await?;
    let member_id = services.households.file(&fo, household.id).await?.members[0].id;
    let no_kk = household_request(VILLAGE, 1, "hh-matrix")?
        .household
        .no_kk
        .as_str();
    let manager: Actor = common::actor(
        &db,
        &services,
        "manajer.penyiap",
        Role::SlrtManager,
        Some("32.09"),
    )
    .await?;
    let sheet_id = sheet_of(&services, &manager, 0).await?;
    std::fs::write(
        services
            .sheet_imports
            .staging_folder()
            .join(format!("{sheet_id}.rejected.csv")),
        "baris,kolom,alasan,reason\n",
    )?;
    let sent = services
        .households
        .register(&fo, household_request(VILLAGE, 2, "hh-batch")?)
        .await?;
    let sent = services
        .proposals
        .start(&coordinator, proposal_request("batch", sent.id))
        .await?;
    set_stage(&db, sent.id, "civil_registry_matched").await?;
    let batch_id = batch_of(&services, &manager, "batch-matrix", sent.id).await?;
    services
        .batches
        .submit(
            &manager,
            shared::proposal_batch::SubmitBatch {
                batch_id,
                version: 1,
            },
        )
        .await?;
    Ok(World {
        desk: fo,
        proposer: coordinator,
        manager,
        db,
        services,
        router,
        targets: Targets {
            case_id: case.id,
            case_number: detail.summary.number,
            target_user: "target.desa".into(),
            target_user_id,
            institution_inside: inside.id,
            institution_outside: outside.id,
            referral_id: referral.id,
            referral_number: referral.number.as_str().to_string(),
            verification_code: referral.verification_code.clone(),
            household_id: household.id,
            proposal_id: proposal.id,
            meeting_id: meeting.id,
            batch_id,
            member_id,
            document_id,
            no_kk,
            programme_id,
            sheet_id,
        },
        _files: files,
        password_hash,
        serial: std::cell::Cell::new(0),
    })
}

#[tokio::test]
async fn every_endpoint_answers_each_role_inside_and_outside_exactly_as_the_rules_say() -> TestResult
{
    let world = world().await?;
    let rows = matrix();

    // The matrix covers every endpoint the application serves, and nothing else.
    let mut served: BTreeSet<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.to_string())
        .collect();
    served.extend(
        server::downloads::ROUTES
            .iter()
            .map(|route| route.path.to_string()),
    );
    served.insert(server::uploads::DOCUMENT_UPLOAD.to_string());
    let listed: BTreeSet<String> = rows.iter().map(|row| row.path.to_string()).collect();
    let missing: Vec<_> = served.difference(&listed).collect();
    assert!(
        missing.is_empty(),
        "endpoints without a row in the access matrix: {missing:?}"
    );
    let stale: Vec<_> = listed.difference(&served).collect();
    assert!(
        stale.is_empty(),
        "matrix rows for endpoints that do not exist: {stale:?}"
    );

    // One actor per role and side; one extra account whose assignment nobody else may use.
    let stranger = world
        .caller("orang.lain", Role::FrontOffice, Some("33.04.01.2001"), None)
        .await?;
    let mut callers = Vec::new();
    for role in Role::ALL {
        for inside in [true, false] {
            let institution = (role == Role::ReceivingInstitution).then_some(if inside {
                world.targets.institution_inside
            } else {
                world.targets.institution_outside
            });
            let area = if role == Role::ReceivingInstitution {
                Some(if inside { "32.09" } else { "33.04" })
            } else {
                area_for(role, inside)
            };
            let username = format!("{}.{}", role.code(), if inside { "dalam" } else { "luar" });
            let mut caller = world.caller(&username, role, area, institution).await?;
            caller.inside = inside;
            callers.push(caller);
        }
    }

    let mut failures = Vec::new();
    for row in &rows {
        for caller in &callers {
            let expect = (row.rule)(caller.role, caller.inside);
            let refusals_before = world.refusals_of(caller.user_id).await?;
            let arguments = world.arguments(row.path, caller, &stranger).await?;
            let (status, body) = world.call(row.path, row.call, caller, arguments).await?;
            let refusals_after = world.refusals_of(caller.user_id).await?;
            let who = format!(
                "{} {} ({})",
                row.path,
                caller.username,
                if caller.inside { "inside" } else { "outside" }
            );
            let refused = match row.call {
                Call::Get | Call::Upload => status == StatusCode::FORBIDDEN,
                _ => serde_json::from_str::<AppError>(&body)
                    .is_ok_and(|error| error == AppError::from(ServiceError::Forbidden)),
            };
            let succeeded = status.is_success() || status.is_redirection();
            match expect {
                Expect::Ok | Expect::OkWithout(_) if !succeeded => {
                    failures.push(format!("{who}: expected success, got {status} {body}"));
                }
                Expect::OkWithout(marker) if body.contains(&world.marker(marker)) => {
                    failures.push(format!(
                        "{who}: the answer shows a record outside the caller's area"
                    ));
                }
                Expect::Refused if !refused => {
                    failures.push(format!("{who}: expected a refusal, got {status} {body}"));
                }
                Expect::Refused if refusals_after <= refusals_before => {
                    failures.push(format!("{who}: refused but not written to the audit log"));
                }
                _ => {}
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} calls broke the rules:\n{}",
        failures.len(),
        failures.join("\n")
    );

    // The letter check is public: it answers without a session, and without personal data.
    let anonymous = Request::post("/api/verify_referral")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "same-origin")
        .body(Body::from(format!(
            "code={}",
            world.targets.verification_code
        )))?;
    let response = world.router.clone().oneshot(anonymous).await?;
    assert_eq!(response.status(), StatusCode::OK);
    let bytes = response.into_body().collect().await?.to_bytes();
    let text = String::from_utf8_lossy(&bytes);
    assert!(text.contains(&world.targets.referral_number));
    assert!(
        !text.contains("Darto"),
        "no resident name in the public check: {text}"
    );

    // The services still answer for the target after the whole run (nothing leaked or broke).
    let client = ClientInfo::default();
    let admin = world
        .services
        .auth
        .login("admin.penyiap", PASSWORD, &client)
        .await?;
    assert!(
        !world
            .services
            .accounts
            .user(&admin.actor, world.targets.target_user_id)
            .await?
            .user
            .disabled
    );
    Ok(())
}
