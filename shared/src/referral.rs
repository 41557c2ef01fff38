//! Referrals (rujukan): a case's request to a receiving institution, its state machine, number and the resident's consent.
//! Consent to share data with the institution must be recorded before a referral is sent (UU 27/2022).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::DomainError;
use crate::geo::AreaCode;
use crate::programme::InstitutionId;
use crate::roles::Role;
use crate::workflow::{StateMachine, Workflow};

crate::coded_enum! {
    /// Where a referral stands: `dikirim → diterima | ditolak → diproses → selesai | dibatalkan`.
    pub enum ReferralState {
        /// Dikirim: issued and sent to the institution, with the printed referral letter (surat rujukan).
        Sent = ("sent", "Dikirim", "Sent"),
        /// Diterima: the institution accepted it.
        Accepted = ("accepted", "Diterima", "Accepted"),
        /// Ditolak: the institution refused it (with a reason).
        Rejected = ("rejected", "Ditolak", "Rejected"),
        /// Diproses: the institution is serving the resident.
        InProgress = ("in_progress", "Diproses", "In progress"),
        /// Selesai: served; the outcome is reported.
        Completed = ("completed", "Selesai", "Completed"),
        /// Dibatalkan: withdrawn before completion.
        Cancelled = ("cancelled", "Dibatalkan", "Cancelled"),
    }
}

impl ReferralState {
    /// Whether the referral still awaits the institution (sent, accepted or in progress).
    pub fn is_open(self) -> bool {
        matches!(
            self,
            ReferralState::Sent | ReferralState::Accepted | ReferralState::InProgress
        )
    }
}

crate::coded_enum! {
    /// What an actor does to a referral.
    pub enum ReferralAction {
        /// The institution accepts the referral.
        Accept = ("accept", "Terima", "Accept"),
        /// The institution refuses it (note required).
        Reject = ("reject", "Tolak", "Reject"),
        /// The institution starts serving.
        StartProcessing = ("start_processing", "Proses", "Start processing"),
        /// The institution reports the outcome (note required).
        Complete = ("complete", "Selesaikan", "Complete"),
        /// Withdraw the referral (note required).
        Cancel = ("cancel", "Batalkan", "Cancel"),
    }
}

use Role::{
    BackOffice as Bo, PuskesosCoordinator as Coord, ReceivingInstitution as Inst,
    SlrtManager as Mgr,
};

/// The referral state machine.
///
/// The receiving institution accepts, rejects, processes and completes; the
/// sending side (back office, coordinator, manager) may cancel while the
/// referral is open, and the institution may cancel once it is in progress
/// (e.g. the resident never came).
pub struct ReferralFlow;

impl Workflow for ReferralFlow {
    type State = ReferralState;
    type Action = ReferralAction;
    const MACHINE: StateMachine = StateMachine::Referral;

    fn initial() -> ReferralState {
        ReferralState::Sent
    }
    fn all_states() -> Vec<ReferralState> {
        ReferralState::ALL.to_vec()
    }
    fn all_actions() -> Vec<ReferralAction> {
        ReferralAction::ALL.to_vec()
    }
    fn state_code(state: ReferralState) -> &'static str {
        state.code()
    }
    fn action_code(action: ReferralAction) -> &'static str {
        action.code()
    }

    fn next(state: ReferralState, action: ReferralAction) -> Option<ReferralState> {
        use ReferralAction as A;
        use ReferralState as S;
        match (state, action) {
            (S::Sent, A::Accept) => Some(S::Accepted),
            (S::Sent, A::Reject) => Some(S::Rejected),
            (S::Accepted, A::StartProcessing) => Some(S::InProgress),
            (S::InProgress, A::Complete) => Some(S::Completed),
            (state, A::Cancel) if state.is_open() => Some(S::Cancelled),
            _ => None,
        }
    }

    fn roles(state: ReferralState, action: ReferralAction) -> &'static [Role] {
        match (state, action) {
            (ReferralState::InProgress, ReferralAction::Cancel) => &[Bo, Coord, Mgr, Inst],
            (_, ReferralAction::Cancel) => &[Bo, Coord, Mgr],
            _ => &[Inst],
        }
    }

    fn requires_note(action: ReferralAction) -> bool {
        matches!(
            action,
            ReferralAction::Reject | ReferralAction::Complete | ReferralAction::Cancel
        )
    }
}

/// The number printed on a referral letter: `RJK/<village digits>/<year>/<serial>`,
/// e.g. `RJK/3209012001/2025/00017`. Serial counts per village and year from 1.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ReferralNumber(String);

impl ReferralNumber {
    /// Builds the number for the `serial`-th referral of `year` issued in `area`.
    pub fn new(area: &AreaCode, year: i32, serial: u32) -> ReferralNumber {
        ReferralNumber(format!("RJK/{}/{year:04}/{serial:05}", area.digits()))
    }

    /// A number read back from storage, where it was written by [`ReferralNumber::new`].
    pub fn from_stored(number: &str) -> ReferralNumber {
        ReferralNumber(number.to_string())
    }

    /// The number as printed.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The resident's consent to share their data with one institution, recorded before sending.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consent {
    /// The institution the consent names.
    pub institution: InstitutionId,
    /// Name of the person who gave consent (the resident or their guardian).
    pub given_by: String,
    /// The date it was given.
    pub given_on: NaiveDate,
    /// Login name of the officer who recorded it.
    pub recorded_by: String,
}

/// The longest name of who gave consent (the resident or their guardian).
pub const CONSENT_GIVEN_BY_MAX: usize = 120;

/// The resident's consent as the desk records it with a request to share their
/// data (a referral): who gave it and when, for which institution and which
/// programme or service (the purpose), and that the resident was told what is
/// shared, with whom and why. The service that shares the data checks it
/// ([`check_consent`]); a page's checkbox alone is not consent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentGiven {
    /// The resident or their guardian.
    pub given_by: String,
    /// The day it was given.
    pub given_on: NaiveDate,
    /// The institution the resident agreed their data goes to.
    pub institution_id: i64,
    /// The programme or service it was agreed for.
    pub programme_id: i64,
    /// The resident was told what is shared, with whom and for what.
    pub resident_informed: bool,
}

/// Checks that consent is given for sending data to `institution_id` for
/// `programme_id`, as required before a referral is sent (UU 27/2022).
pub fn check_consent(
    consent: Option<&ConsentGiven>,
    institution_id: i64,
    programme_id: i64,
) -> Result<(), DomainError> {
    match consent {
        None => Err(DomainError::ConsentMissing),
        Some(consent) if !consent.resident_informed || consent.given_by.trim().is_empty() => {
            Err(DomainError::ConsentMissing)
        }
        Some(consent) if consent.institution_id != institution_id => {
            Err(DomainError::ConsentForOtherInstitution)
        }
        Some(consent) if consent.programme_id != programme_id => {
            Err(DomainError::ConsentForOtherPurpose)
        }
        Some(_) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coded::tests::check_coded;
    use crate::workflow::tests::{
        Edge, implementation_matches_spec, reachable, walk_stays_in_spec,
    };
    use crate::workflow::{ActorRef, record_transition};
    use proptest::prelude::*;

    const SENDERS: &[Role] = &[Bo, Coord, Mgr];

    fn spec() -> Vec<Edge> {
        vec![
            ("sent", "accept", "accepted", &[Inst]),
            ("sent", "reject", "rejected", &[Inst]),
            ("accepted", "start_processing", "in_progress", &[Inst]),
            ("in_progress", "complete", "completed", &[Inst]),
            ("sent", "cancel", "cancelled", SENDERS),
            ("accepted", "cancel", "cancelled", SENDERS),
            (
                "in_progress",
                "cancel",
                "cancelled",
                &[Bo, Coord, Mgr, Inst],
            ),
        ]
    }

    #[test]
    fn coded_enums_keep_their_promises() {
        check_coded::<ReferralState>();
        check_coded::<ReferralAction>();
    }

    #[test]
    fn implementation_matches_the_diagram() {
        implementation_matches_spec::<ReferralFlow>(&spec());
        let all: std::collections::BTreeSet<&str> =
            ReferralState::ALL.iter().map(|s| s.code()).collect();
        assert_eq!(reachable::<ReferralFlow>(), all);
    }

    #[test]
    fn terminal_and_open_states() {
        for state in ReferralState::ALL {
            assert_eq!(
                ReferralFlow::is_terminal(*state),
                !state.is_open(),
                "{state:?}"
            );
        }
        assert_eq!(
            ReferralFlow::available_actions(ReferralState::Sent, Inst),
            vec![ReferralAction::Accept, ReferralAction::Reject]
        );
        assert_eq!(
            ReferralFlow::available_actions(ReferralState::Sent, Bo),
            vec![ReferralAction::Cancel]
        );
    }

    #[test]
    fn rejecting_needs_a_note_and_the_timeline_records_it() {
        let actor = ActorRef {
            username: "rsud.cirebon".into(),
            role: Inst,
        };
        let at = chrono::DateTime::UNIX_EPOCH;
        let missing = record_transition::<ReferralFlow>(
            ReferralState::Sent,
            ReferralAction::Reject,
            &actor,
            at,
            "  ",
        );
        assert_eq!(
            missing,
            Err(DomainError::TextRequired {
                field: "note".into()
            })
        );
        let (to, change) = record_transition::<ReferralFlow>(
            ReferralState::Sent,
            ReferralAction::Reject,
            &actor,
            at,
            "Kuota penuh",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(to, ReferralState::Rejected);
        assert_eq!(
            (
                change.from.as_str(),
                change.to.as_str(),
                change.action.as_str()
            ),
            ("sent", "rejected", "reject")
        );
        assert_eq!(change.note.as_deref(), Some("Kuota penuh"));
        let accepted = record_transition::<ReferralFlow>(
            ReferralState::Sent,
            ReferralAction::Accept,
            &actor,
            at,
            "",
        );
        assert!(accepted.is_ok_and(|(_, change)| change.note.is_none()));
    }

    #[test]
    fn consent_must_name_the_receiving_institution_and_purpose() {
        let consent = ConsentGiven {
            given_by: "Warga Contoh".into(),
            given_on: NaiveDate::from_ymd_opt(2025, 3, 1).unwrap_or_default(),
            institution_id: 7,
            programme_id: 3,
            resident_informed: true,
        };
        assert_eq!(check_consent(None, 7, 3), Err(DomainError::ConsentMissing));
        assert_eq!(
            check_consent(Some(&consent), 8, 3),
            Err(DomainError::ConsentForOtherInstitution)
        );
        assert_eq!(
            check_consent(Some(&consent), 7, 4),
            Err(DomainError::ConsentForOtherPurpose)
        );
        let uninformed = ConsentGiven {
            resident_informed: false,
            ..consent.clone()
        };
        assert_eq!(
            check_consent(Some(&uninformed), 7, 3),
            Err(DomainError::ConsentMissing)
        );
        let nobody = ConsentGiven {
            given_by: "  ".into(),
            ..consent.clone()
        };
        assert_eq!(
            check_consent(Some(&nobody), 7, 3),
            Err(DomainError::ConsentMissing)
        );
        assert_eq!(check_consent(Some(&consent), 7, 3), Ok(()));
    }

    #[test]
    fn referral_numbers_are_printed_with_fixed_widths() {
        let village = AreaCode::parse("32.09.01.2001").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            ReferralNumber::new(&village, 2025, 17).as_str(),
            "RJK/3209012001/2025/00017"
        );
    }

    proptest! {
        #[test]
        fn random_walks_stay_in_the_diagram(steps in proptest::collection::vec((0usize..5, 0usize..11), 0..30)) {
            let visited = walk_stays_in_spec::<ReferralFlow>(&spec(), &steps);
            let terminal_at = visited.iter().position(|s| matches!(*s, "rejected" | "completed" | "cancelled"));
            if let Some(index) = terminal_at {
                prop_assert_eq!(index, visited.len() - 1, "nothing follows a terminal state");
            }
        }
    }
}
