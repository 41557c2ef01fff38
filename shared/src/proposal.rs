//! Flow B: proposing a family for the registry (usulan DTKS/DTSEN) or correcting it, as a state machine.
//! `usulan → musdes → verivali → padan dukcapil → disahkan → dikirim → ditetapkan | ditolak`.

use crate::roles::Role;
use crate::workflow::{StateMachine, Workflow};

crate::coded_enum! {
    /// The stage a registry proposal has reached; each stage means that step is done.
    pub enum ProposalStage {
        /// Usulan: proposed (from a visit, the RT/RW, or a walk-in).
        Proposed = ("proposed", "Usulan", "Proposed"),
        /// Musdes: approved by the musyawarah desa (village meeting); minutes signed by the village head.
        VillageMeetingApproved = ("village_meeting_approved", "Musdes", "Approved by village meeting"),
        /// Verivali: verified by a home visit with the full questionnaire (verifikasi dan validasi).
        Verified = ("verified", "Verivali", "Verified by home visit"),
        /// Padan Dukcapil: matched against the civil registry (Disdukcapil).
        CivilRegistryMatched = ("civil_registry_matched", "Padan Dukcapil", "Matched with civil registry"),
        /// Disahkan: approved by the district head (bupati/wali kota).
        Ratified = ("ratified", "Disahkan", "Approved by district head"),
        /// Dikirim: sent to Kemensos.
        Submitted = ("submitted", "Dikirim", "Sent to Kemensos"),
        /// Ditetapkan: accepted; appears in the next registry release.
        Enacted = ("enacted", "Ditetapkan", "Enacted"),
        /// Ditolak: refused at some step (the timeline says where and why).
        Rejected = ("rejected", "Ditolak", "Rejected"),
    }
}

crate::coded_enum! {
    /// What an actor does to a proposal.
    pub enum ProposalAction {
        /// Record the village meeting's approval.
        ApproveInVillageMeeting = ("approve_in_village_meeting", "Catat persetujuan musdes", "Record village meeting approval"),
        /// Record the home-visit verification.
        Verify = ("verify", "Catat verivali", "Record verification"),
        /// Record the civil-registry match.
        MatchCivilRegistry = ("match_civil_registry", "Catat padan Dukcapil", "Record civil-registry match"),
        /// Record the district head's approval.
        Ratify = ("ratify", "Catat pengesahan", "Record district approval"),
        /// Record sending to Kemensos.
        Submit = ("submit", "Kirim ke Kemensos", "Send to Kemensos"),
        /// Record Kemensos' acceptance.
        Enact = ("enact", "Catat penetapan", "Record as enacted"),
        /// Record refusal at the current step (note required).
        Reject = ("reject", "Tolak", "Reject"),
    }
}

crate::coded_enum! {
    /// Where a proposal came from.
    pub enum ProposalSource {
        /// From an SLRT visit (flow A).
        Visit = ("visit", "Kunjungan SLRT", "SLRT visit"),
        /// From the neighbourhood heads (RT/RW).
        RtRw = ("rt_rw", "Usulan RT/RW", "Neighbourhood heads (RT/RW)"),
        /// From a walk-in resident (pendaftaran mandiri).
        WalkIn = ("walk_in", "Datang langsung", "Walk-in"),
        /// From a life event recorded on the household file: the change is
        /// already applied there; enacting the proposal records the registry's answer.
        HouseholdEvent = ("household_event", "Peristiwa keluarga (sudah dicatat di berkas)", "Household event (already on the file)"),
    }
}

crate::coded_enum! {
    /// What a proposal asks of the registry.
    pub enum ProposalKind {
        /// Add a family that is not in the registry.
        NewFamily = ("new_family", "Usulan baru", "New family"),
        /// Correct a family's data (wrong data, pindah, pecah KK, death, duplicate).
        Correction = ("correction", "Perbaikan data", "Data correction"),
        /// Remove a family that should no longer be listed.
        Removal = ("removal", "Usulan keluar", "Removal"),
    }
}

use Role::{
    Admin, BackOffice as Bo, Facilitator as Fac, PuskesosCoordinator as Coord, SlrtManager as Mgr,
    Supervisor as Sup,
};

/// The registry-proposal state machine (flow B).
///
/// Each forward step is recorded by the people who do it: the village meeting
/// by a facilitator or the Puskesos coordinator; verivali by a facilitator or
/// supervisor; padan Dukcapil by the back office or the SLRT manager; the
/// district head's approval, sending and Kemensos' answer by the SLRT manager
/// (or an administrator for sending and the answer). A proposal can fail at
/// every step: `reject` is allowed from every non-final stage, by the roles of
/// the step that failed.
pub struct ProposalFlow;

impl ProposalFlow {
    fn forward(stage: ProposalStage) -> Option<(ProposalAction, ProposalStage, &'static [Role])> {
        use ProposalAction as A;
        use ProposalStage as S;
        match stage {
            S::Proposed => Some((
                A::ApproveInVillageMeeting,
                S::VillageMeetingApproved,
                &[Fac, Coord],
            )),
            S::VillageMeetingApproved => Some((A::Verify, S::Verified, &[Fac, Sup])),
            S::Verified => Some((A::MatchCivilRegistry, S::CivilRegistryMatched, &[Bo, Mgr])),
            S::CivilRegistryMatched => Some((A::Ratify, S::Ratified, &[Mgr])),
            S::Ratified => Some((A::Submit, S::Submitted, &[Mgr, Admin])),
            S::Submitted => Some((A::Enact, S::Enacted, &[Mgr, Admin])),
            S::Enacted | S::Rejected => None,
        }
    }
}

impl ProposalFlow {
    /// The stages at which `role` takes the next step: a worker's worklist.
    pub fn awaiting(role: Role) -> Vec<ProposalStage> {
        ProposalStage::ALL
            .iter()
            .copied()
            .filter(|stage| {
                Self::forward(*stage).is_some_and(|(_, _, roles)| roles.contains(&role))
            })
            .collect()
    }
}

impl Workflow for ProposalFlow {
    type State = ProposalStage;
    type Action = ProposalAction;
    const MACHINE: StateMachine = StateMachine::Proposal;

    fn initial() -> ProposalStage {
        ProposalStage::Proposed
    }
    fn all_states() -> Vec<ProposalStage> {
        ProposalStage::ALL.to_vec()
    }
    fn all_actions() -> Vec<ProposalAction> {
        ProposalAction::ALL.to_vec()
    }
    fn state_code(stage: ProposalStage) -> &'static str {
        stage.code()
    }
    fn action_code(action: ProposalAction) -> &'static str {
        action.code()
    }

    fn next(stage: ProposalStage, action: ProposalAction) -> Option<ProposalStage> {
        let (forward, to, _) = Self::forward(stage)?;
        if action == forward {
            Some(to)
        } else if action == ProposalAction::Reject {
            Some(ProposalStage::Rejected)
        } else {
            None
        }
    }

    fn roles(stage: ProposalStage, _action: ProposalAction) -> &'static [Role] {
        Self::forward(stage).map_or(&[], |(_, _, roles)| roles)
    }

    fn requires_note(action: ProposalAction) -> bool {
        action == ProposalAction::Reject
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coded::tests::check_coded;
    use crate::error::DomainError;
    use crate::workflow::tests::{
        Edge, implementation_matches_spec, reachable, walk_stays_in_spec,
    };
    use proptest::prelude::*;

    fn spec() -> Vec<Edge> {
        let steps: [(&str, &str, &str, &'static [Role]); 6] = [
            (
                "proposed",
                "approve_in_village_meeting",
                "village_meeting_approved",
                &[Fac, Coord],
            ),
            (
                "village_meeting_approved",
                "verify",
                "verified",
                &[Fac, Sup],
            ),
            (
                "verified",
                "match_civil_registry",
                "civil_registry_matched",
                &[Bo, Mgr],
            ),
            ("civil_registry_matched", "ratify", "ratified", &[Mgr]),
            ("ratified", "submit", "submitted", &[Mgr, Admin]),
            ("submitted", "enact", "enacted", &[Mgr, Admin]),
        ];
        let mut spec: Vec<Edge> = steps.to_vec();
        spec.extend(
            steps
                .iter()
                .map(|(from, _, _, roles)| (*from, "reject", "rejected", *roles)),
        );
        spec
    }

    #[test]
    fn coded_enums_keep_their_promises() {
        check_coded::<ProposalStage>();
        check_coded::<ProposalAction>();
        check_coded::<ProposalSource>();
        check_coded::<ProposalKind>();
    }

    #[test]
    fn implementation_matches_the_diagram() {
        implementation_matches_spec::<ProposalFlow>(&spec());
        let all: std::collections::BTreeSet<&str> =
            ProposalStage::ALL.iter().map(|s| s.code()).collect();
        assert_eq!(reachable::<ProposalFlow>(), all);
    }

    #[test]
    fn each_role_awaits_the_stages_of_its_own_steps() {
        use ProposalStage as S;
        assert_eq!(
            ProposalFlow::awaiting(Fac),
            vec![S::Proposed, S::VillageMeetingApproved]
        );
        assert_eq!(ProposalFlow::awaiting(Bo), vec![S::Verified]);
        assert_eq!(
            ProposalFlow::awaiting(Mgr),
            vec![
                S::Verified,
                S::CivilRegistryMatched,
                S::Ratified,
                S::Submitted
            ]
        );
        assert!(ProposalFlow::awaiting(Role::FrontOffice).is_empty());
        // Every stage a role awaits offers that role its forward step.
        for role in Role::ALL {
            for stage in ProposalFlow::awaiting(role) {
                assert!(!ProposalFlow::available_actions(stage, role).is_empty());
            }
        }
    }

    #[test]
    fn stages_cannot_be_skipped() {
        let skipped =
            ProposalFlow::transition(ProposalStage::Proposed, ProposalAction::Verify, Fac);
        assert!(matches!(
            skipped,
            Err(DomainError::TransitionNotAllowed { .. })
        ));
        let wrong_role = ProposalFlow::transition(
            ProposalStage::CivilRegistryMatched,
            ProposalAction::Ratify,
            Role::DistrictHead,
        );
        assert!(matches!(
            wrong_role,
            Err(DomainError::RoleNotAllowed { .. })
        ));
        assert!(ProposalFlow::is_terminal(ProposalStage::Enacted));
        assert!(ProposalFlow::is_terminal(ProposalStage::Rejected));
        assert!(ProposalFlow::requires_note(ProposalAction::Reject));
    }

    proptest! {
        #[test]
        fn random_walks_move_forward_only(steps in proptest::collection::vec((0usize..7, 0usize..11), 0..40)) {
            let visited = walk_stays_in_spec::<ProposalFlow>(&spec(), &steps);
            let order: Vec<usize> = visited.iter()
                .map(|code| ProposalStage::ALL.iter().position(|s| s.code() == *code).unwrap_or(usize::MAX))
                .collect();
            prop_assert!(order.windows(2).all(|pair| pair[0] < pair[1]), "{:?}", visited);
        }
    }
}
