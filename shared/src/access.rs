//! The access rule: `can(actor, action, target)` by role, area containment and institution.
//! Personal data stays inside the actor's area; heads, Bappeda and the Kemensos monitor see aggregates only.

use serde::{Deserialize, Serialize};

use crate::error::DomainError;
use crate::geo::{AreaCode, AreaScope};
use crate::programme::InstitutionId;
use crate::roles::Role;

crate::coded_enum! {
    /// Something a user may want to do; each is checked by [`can`].
    pub enum Action {
        /// Open a household's, member's or case's file (masked identity numbers).
        ViewPersonalData = ("view_personal_data", "Melihat data pribadi", "View personal data"),
        /// See a NIK or No KK whole.
        ViewFullIdentity = ("view_full_identity", "Melihat NIK/No KK lengkap", "View full NIK/No KK"),
        /// See members' specific personal data (disability, chronic illness,
        /// pregnancy, PPKS: UU 27/2022), by its own audited request.
        ViewSpecificData = ("view_specific_data", "Melihat data kesehatan dan disabilitas", "View health and disability data"),
        /// Register a visitor, household or member.
        RegisterHousehold = ("register_household", "Mendaftarkan keluarga", "Register a household"),
        /// Change a household's or member's data, record household events.
        EditHousehold = ("edit_household", "Mengubah data keluarga", "Edit a household"),
        /// See the district's families likely registered twice and merge them.
        MergeHouseholds = ("merge_households", "Menggabungkan data keluarga ganda", "Merge households registered twice"),
        /// Record a complaint or need.
        RecordComplaint = ("record_complaint", "Mencatat pengaduan", "Record a complaint"),
        /// Take a case action (which ones is decided by the case state machine).
        ChangeCaseState = ("change_case_state", "Mengubah status kasus", "Change a case's state"),
        /// Issue a referral and print its letter.
        IssueReferral = ("issue_referral", "Menerbitkan rujukan", "Issue a referral"),
        /// See a referral.
        ViewReferral = ("view_referral", "Melihat rujukan", "View a referral"),
        /// Accept, reject, process or complete a referral.
        RespondToReferral = ("respond_to_referral", "Menindaklanjuti rujukan", "Respond to a referral"),
        /// Start or advance a registry proposal (flow B).
        ChangeProposal = ("change_proposal", "Mengelola usulan registri", "Manage a registry proposal"),
        /// Read aggregate figures (dashboards).
        ViewAggregates = ("view_aggregates", "Melihat data agregat", "View aggregates"),
        /// See the team's workload.
        ViewWorkload = ("view_workload", "Melihat beban kerja tim", "View team workload"),
        /// Manage users and roles.
        ManageUsers = ("manage_users", "Mengelola pengguna", "Manage users"),
        /// Manage the programme catalogue and institutions.
        ManageCatalogue = ("manage_catalogue", "Mengelola katalog program", "Manage the programme catalogue"),
        /// Import registry data, areas and holidays.
        ImportData = ("import_data", "Mengimpor data", "Import data"),
        /// Upload a district's spreadsheets (the registry slice) from the browser, map, check and import them.
        ImportSpreadsheet = ("import_spreadsheet", "Mengimpor spreadsheet kabupaten/kota", "Import a district's spreadsheets"),
        /// Read the audit log.
        ViewAuditLog = ("view_audit_log", "Melihat log audit", "View the audit log"),
    }
}

crate::coded_enum! {
    /// Why access was refused.
    pub enum DenialReason {
        /// The role never does this.
        RoleCannot = ("role_cannot", "peran ini tidak memiliki wewenang tersebut", "this role does not have that permission"),
        /// The target lies outside the user's area.
        OutsideArea = ("outside_area", "data berada di luar wilayah tugas", "the data lies outside the assigned area"),
        /// The role may read aggregates only.
        AggregatesOnly = ("aggregates_only", "peran ini hanya dapat melihat data agregat", "this role may see aggregates only"),
        /// The referral is addressed to another institution.
        OtherInstitution = ("other_institution", "rujukan ditujukan kepada lembaga lain", "the referral is addressed to another institution"),
        /// The user is not linked to an institution.
        NoInstitution = ("no_institution", "pengguna tidak terhubung dengan lembaga", "the user is not linked to an institution"),
    }
}

/// Who acts: a role held within an area, and for receiving institutions the institution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    /// The role.
    pub role: Role,
    /// The area the user is assigned to.
    pub area: AreaScope,
    /// For [`Role::ReceivingInstitution`]: the institution the user works for.
    pub institution: Option<InstitutionId>,
}

/// What is acted on: records in an area, or aggregates over it, or a referral addressed to an institution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Target {
    /// Where the record lies (a household's village) or what the aggregate covers.
    pub area: AreaScope,
    /// For referrals: the institution it is addressed to.
    pub institution: Option<InstitutionId>,
}

impl Target {
    /// Records or aggregates in `area`.
    pub fn area(area: impl Into<AreaScope>) -> Target {
        Target {
            area: area.into(),
            institution: None,
        }
    }

    /// A referral from a household in `area` to `institution`.
    pub fn referral(area: AreaCode, institution: InstitutionId) -> Target {
        Target {
            area: AreaScope::Area(area),
            institution: Some(institution),
        }
    }
}

impl Role {
    /// Whether the role reads aggregates only and never a person's record.
    pub fn is_aggregate_only(self) -> bool {
        matches!(
            self,
            Role::DistrictHead | Role::Bappeda | Role::KemensosMonitor
        )
    }

    /// The actions the role may take at all (before area and institution are checked).
    pub fn may(self, action: Action) -> bool {
        use Action as A;
        use Role as R;
        /// Everyone who works on households and cases in an area.
        const CASE_STAFF: [Role; 6] = [
            R::FrontOffice,
            R::BackOffice,
            R::Facilitator,
            R::Supervisor,
            R::PuskesosCoordinator,
            R::SlrtManager,
        ];
        match action {
            A::ViewPersonalData | A::ChangeCaseState => CASE_STAFF.contains(&self),
            A::ViewReferral => CASE_STAFF.contains(&self) || self == R::ReceivingInstitution,
            A::ViewFullIdentity => self != R::Supervisor && A::ViewReferral.allowed_for(self),
            // Those who work with a member's health and disability: the back
            // office identifies needs and drafts referrals, the facilitator
            // verifies at home. The front desk types them at registration but
            // does not read them back; deciders see the need on the case.
            A::ViewSpecificData => matches!(self, R::BackOffice | R::Facilitator),
            A::RegisterHousehold | A::EditHousehold | A::RecordComplaint => {
                matches!(self, R::FrontOffice | R::BackOffice | R::Facilitator)
            }
            A::IssueReferral => matches!(
                self,
                R::BackOffice | R::PuskesosCoordinator | R::SlrtManager
            ),
            A::RespondToReferral => self == R::ReceivingInstitution,
            // The SLRT manager keeps the district's records one per family.
            A::MergeHouseholds => self == R::SlrtManager,
            A::ChangeProposal => {
                self == R::Admin || (CASE_STAFF.contains(&self) && self != R::FrontOffice)
            }
            A::ViewAggregates => self != R::ReceivingInstitution,
            A::ViewWorkload => matches!(
                self,
                R::Supervisor | R::PuskesosCoordinator | R::SlrtManager
            ),
            A::ManageUsers | A::ManageCatalogue | A::ImportData | A::ViewAuditLog => {
                self == R::Admin
            }
            // The district's SLRT manager receives the registry slice and the
            // villages' lists; the administrator may stand in.
            A::ImportSpreadsheet => matches!(self, R::Admin | R::SlrtManager),
        }
    }
}

impl Action {
    /// Whether `role` may take this action at all (the same as [`Role::may`]).
    pub fn allowed_for(self, role: Role) -> bool {
        role.may(self)
    }
}

/// Why `actor` may not take `action` on `target`, or `Ok(())` when it may.
///
/// Rules: the role must be allowed the action at all ([`Role::may`]); district
/// heads, Bappeda and the Kemensos monitor are refused everything but
/// aggregates; a receiving institution acts only on referrals addressed to its
/// own institution, wherever the household lives; everyone else only inside
/// their area (the target's area must lie inside the actor's area, so data is
/// shared upward but never sideways).
pub fn authorize(actor: &Actor, action: Action, target: &Target) -> Result<(), DomainError> {
    let deny = |reason| Err(DomainError::AccessDenied { action, reason });
    if !actor.role.may(action) {
        return if actor.role.is_aggregate_only() {
            deny(DenialReason::AggregatesOnly)
        } else {
            deny(DenialReason::RoleCannot)
        };
    }
    if actor.role == Role::ReceivingInstitution {
        return match (&actor.institution, &target.institution) {
            (None, _) => deny(DenialReason::NoInstitution),
            (Some(own), Some(addressed)) if own == addressed => Ok(()),
            _ => deny(DenialReason::OtherInstitution),
        };
    }
    if actor.area.contains(&target.area) {
        Ok(())
    } else {
        deny(DenialReason::OutsideArea)
    }
}

/// Whether `actor` may take `action` on `target` (see [`authorize`] for the rules).
pub fn can(actor: &Actor, action: Action, target: &Target) -> bool {
    authorize(actor, action, target).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coded::tests::check_coded;
    use proptest::prelude::*;

    fn area(code: &str) -> AreaScope {
        AreaScope::from_stored(code).unwrap_or_else(|e| panic!("{e}"))
    }

    fn actor(role: Role, code: &str) -> Actor {
        Actor {
            role,
            area: area(code),
            institution: None,
        }
    }

    fn denied(action: Action, reason: DenialReason) -> Result<(), DomainError> {
        Err(DomainError::AccessDenied { action, reason })
    }

    fn village(code: &str) -> Target {
        Target::area(area(code))
    }

    #[test]
    fn coded_enums_keep_their_promises() {
        check_coded::<Action>();
        check_coded::<DenialReason>();
    }

    #[test]
    fn staff_see_inside_their_area_and_never_sideways() {
        let fo = actor(Role::FrontOffice, "32.09.01.2001");
        assert!(can(
            &fo,
            Action::RegisterHousehold,
            &village("32.09.01.2001")
        ));
        assert_eq!(
            authorize(&fo, Action::ViewPersonalData, &village("32.09.01.2002")),
            denied(Action::ViewPersonalData, DenialReason::OutsideArea)
        );
        let manager = actor(Role::SlrtManager, "32.09");
        assert!(can(
            &manager,
            Action::ViewPersonalData,
            &village("32.09.01.2002")
        ));
        assert!(!can(
            &manager,
            Action::ViewPersonalData,
            &village("32.10.01.2001")
        ));
        assert!(
            !can(&manager, Action::ViewAggregates, &village("32")),
            "no aggregates of the wider province"
        );
        assert!(!can(&fo, Action::IssueReferral, &village("32.09.01.2001")));
    }

    #[test]
    fn heads_and_monitors_see_aggregates_only() {
        let head = actor(Role::DistrictHead, "32.09");
        assert!(can(&head, Action::ViewAggregates, &village("32.09.01")));
        assert_eq!(
            authorize(&head, Action::ViewPersonalData, &village("32.09.01.2001")),
            denied(Action::ViewPersonalData, DenialReason::AggregatesOnly)
        );
        let monitor = actor(Role::KemensosMonitor, "");
        assert!(can(&monitor, Action::ViewAggregates, &village("")));
        assert!(can(&monitor, Action::ViewAggregates, &village("91")));
        for action in Action::ALL {
            if *action != Action::ViewAggregates {
                assert!(!can(&monitor, *action, &village("32.09")), "{action:?}");
                assert!(
                    !can(&actor(Role::Bappeda, "32.09"), *action, &village("32.09")),
                    "{action:?}"
                );
            }
        }
    }

    #[test]
    fn institutions_see_only_referrals_addressed_to_them() {
        let hospital = InstitutionId::new("rsud-waled");
        let inst = Actor {
            role: Role::ReceivingInstitution,
            area: area("32.09"),
            institution: Some(hospital.clone()),
        };
        let far_village = AreaCode::parse("33.01.01.2001").unwrap_or_else(|e| panic!("{e}"));
        assert!(can(
            &inst,
            Action::RespondToReferral,
            &Target::referral(far_village.clone(), hospital)
        ));
        assert_eq!(
            authorize(
                &inst,
                Action::ViewReferral,
                &Target::referral(far_village, InstitutionId::new("sdn-1"))
            ),
            denied(Action::ViewReferral, DenialReason::OtherInstitution)
        );
        assert!(!can(
            &inst,
            Action::ViewPersonalData,
            &village("32.09.01.2001")
        ));
        assert!(!can(&inst, Action::ViewAggregates, &village("32.09")));
        let unlinked = Actor {
            institution: None,
            ..inst
        };
        assert_eq!(
            authorize(&unlinked, Action::ViewReferral, &village("32.09")),
            denied(Action::ViewReferral, DenialReason::NoInstitution)
        );
    }

    #[test]
    fn role_permissions_by_action() {
        let allowed = |action: Action| -> Vec<&str> {
            Role::ALL
                .iter()
                .filter(|r| r.may(action))
                .map(|r| r.code())
                .collect()
        };
        assert_eq!(
            allowed(Action::ViewFullIdentity),
            [
                "front_office",
                "back_office",
                "facilitator",
                "puskesos_coordinator",
                "slrt_manager",
                "receiving_institution"
            ]
        );
        assert_eq!(
            allowed(Action::ChangeProposal),
            [
                "back_office",
                "facilitator",
                "supervisor",
                "puskesos_coordinator",
                "slrt_manager",
                "admin"
            ]
        );
        assert_eq!(
            allowed(Action::RespondToReferral),
            ["receiving_institution"]
        );
        assert_eq!(allowed(Action::ViewAggregates).len(), 10);
        assert!(Action::ImportData.allowed_for(Role::Admin));
    }

    #[test]
    fn admins_administer_but_do_not_read_files() {
        let admin = actor(Role::Admin, "32.09");
        assert!(can(&admin, Action::ManageUsers, &village("32.09.01")));
        assert!(!can(&admin, Action::ManageUsers, &village("32.10")));
        assert!(!can(
            &admin,
            Action::ViewPersonalData,
            &village("32.09.01.2001")
        ));
        assert!(!can(
            &actor(Role::Supervisor, "32.09"),
            Action::ViewFullIdentity,
            &village("32.09")
        ));
    }

    fn scope_strategy() -> impl Strategy<Value = AreaScope> {
        (0usize..5, 0u8..3, 1u8..3, 1u8..3, 1u16..3).prop_map(|(depth, p, d, s, v)| {
            let parts = [
                format!("{}", [32, 33, 91][usize::from(p)]),
                format!("{d:02}"),
                format!("{s:02}"),
                format!("200{v}"),
            ];
            AreaScope::from_stored(&parts[..depth.min(4)].join(".")).unwrap_or(AreaScope::National)
        })
    }

    proptest! {
        #[test]
        fn area_staff_access_is_exactly_containment(role_index in 0usize..11, action_index in 0usize..16, own in scope_strategy(), target in scope_strategy()) {
            let role = Role::ALL[role_index];
            let action = Action::ALL[action_index % Action::ALL.len()];
            let actor = Actor { role, area: own.clone(), institution: None };
            let allowed = can(&actor, action, &Target::area(target.clone()));
            if role != Role::ReceivingInstitution {
                prop_assert_eq!(allowed, role.may(action) && own.contains(&target));
            } else {
                prop_assert!(!allowed);
            }
            if role.is_aggregate_only() && action != Action::ViewAggregates {
                prop_assert!(!allowed);
            }
        }
    }
}
