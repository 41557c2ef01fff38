//! The common shape of the three state machines (case, referral, registry proposal) and their timeline entries.
//! Each machine declares its diagram as `next` and `roles`; [`Workflow::transition`] applies both checks.

use std::fmt::Debug;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::coded::Coded;
use crate::error::DomainError;
use crate::roles::Role;

crate::coded_enum! {
    /// Which state machine a transition or an error belongs to.
    pub enum StateMachine {
        /// Flow A: a service case (kasus layanan).
        Case = ("case", "Kasus", "Case"),
        /// A referral (rujukan) to a receiving institution.
        Referral = ("referral", "Rujukan", "Referral"),
        /// Flow B: a registry proposal (usulan DTKS/DTSEN).
        Proposal = ("proposal", "Usulan registri", "Registry proposal"),
    }
}

impl StateMachine {
    fn label<T: Coded>(code: &str, indonesian: bool) -> String {
        T::from_code(code)
            .map(|value| {
                if indonesian {
                    value.label_id()
                } else {
                    value.label_en()
                }
            })
            .unwrap_or(code)
            .to_owned()
    }

    /// The Indonesian label of a state code of this machine (the code itself if unknown).
    pub fn state_label_id(self, code: &str) -> String {
        self.state_label(code, true)
    }

    /// The English label of a state code of this machine.
    pub fn state_label_en(self, code: &str) -> String {
        self.state_label(code, false)
    }

    /// The Indonesian label of an action code of this machine.
    pub fn action_label_id(self, code: &str) -> String {
        self.action_label(code, true)
    }

    /// The English label of an action code of this machine.
    pub fn action_label_en(self, code: &str) -> String {
        self.action_label(code, false)
    }

    fn state_label(self, code: &str, indonesian: bool) -> String {
        match self {
            StateMachine::Case => Self::label::<crate::case::CaseState>(code, indonesian),
            StateMachine::Referral => {
                Self::label::<crate::referral::ReferralState>(code, indonesian)
            }
            StateMachine::Proposal => {
                Self::label::<crate::proposal::ProposalStage>(code, indonesian)
            }
        }
    }

    fn action_label(self, code: &str, indonesian: bool) -> String {
        match self {
            StateMachine::Case => Self::label::<crate::case::CaseActionKind>(code, indonesian),
            StateMachine::Referral => {
                Self::label::<crate::referral::ReferralAction>(code, indonesian)
            }
            StateMachine::Proposal => {
                Self::label::<crate::proposal::ProposalAction>(code, indonesian)
            }
        }
    }
}

/// A state machine: its states, its actions, its diagram and who may act.
pub trait Workflow {
    /// A state of the machine.
    type State: Copy + Eq + Debug;
    /// An action an actor takes on it.
    type Action: Copy + Eq + Debug;
    /// Which machine this is.
    const MACHINE: StateMachine;

    /// The state every record starts in.
    fn initial() -> Self::State;
    /// Every state, for listing and exhaustive checks.
    fn all_states() -> Vec<Self::State>;
    /// Every action, for listing and exhaustive checks.
    fn all_actions() -> Vec<Self::Action>;
    /// Stable code of a state.
    fn state_code(state: Self::State) -> &'static str;
    /// Stable code of an action.
    fn action_code(action: Self::Action) -> &'static str;
    /// The diagram: where `action` leads from `state`, or `None` if it is not an edge.
    fn next(state: Self::State, action: Self::Action) -> Option<Self::State>;
    /// The roles that may take `action` from `state`.
    fn roles(state: Self::State, action: Self::Action) -> &'static [Role];
    /// Whether the action must be explained by a note in the timeline.
    fn requires_note(action: Self::Action) -> bool;

    /// Whether no action leads anywhere from `state`.
    fn is_terminal(state: Self::State) -> bool {
        Self::all_actions()
            .into_iter()
            .all(|action| Self::next(state, action).is_none())
    }

    /// Applies `action` by an actor of `role`: the new state, or why not.
    fn transition(
        state: Self::State,
        action: Self::Action,
        role: Role,
    ) -> Result<Self::State, DomainError> {
        let to = Self::next(state, action).ok_or_else(|| DomainError::TransitionNotAllowed {
            machine: Self::MACHINE,
            from: Self::state_code(state).to_owned(),
            action: Self::action_code(action).to_owned(),
        })?;
        if !Self::roles(state, action).contains(&role) {
            return Err(DomainError::RoleNotAllowed {
                machine: Self::MACHINE,
                action: Self::action_code(action).to_owned(),
                role,
            });
        }
        Ok(to)
    }

    /// The actions `role` can take from `state` (for showing buttons).
    fn available_actions(state: Self::State, role: Role) -> Vec<Self::Action> {
        Self::all_actions()
            .into_iter()
            .filter(|&action| Self::transition(state, action, role).is_ok())
            .collect()
    }
}

/// Longest note allowed on a timeline entry.
pub const NOTE_MAX: usize = 1000;

/// Who acted: the user's name and the role they acted in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActorRef {
    /// The user's login name.
    pub username: String,
    /// The role the user acted in.
    pub role: Role,
}

/// One entry of a record's timeline: who changed what, when and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StateChange {
    /// Which machine.
    pub machine: StateMachine,
    /// State code before.
    pub from: String,
    /// State code after.
    pub to: String,
    /// Action code.
    pub action: String,
    /// Who acted.
    pub actor: ActorRef,
    /// When (UTC).
    pub at: DateTime<Utc>,
    /// Why, in the actor's words (required for some actions).
    pub note: Option<String>,
}

/// Applies a transition and writes its timeline entry: role check, diagram check, and the note rule.
pub fn record_transition<W: Workflow>(
    state: W::State,
    action: W::Action,
    actor: &ActorRef,
    at: DateTime<Utc>,
    note: &str,
) -> Result<(W::State, StateChange), DomainError> {
    let to = W::transition(state, action, actor.role)?;
    let note = if W::requires_note(action) {
        Some(crate::text::required("note", note, NOTE_MAX)?)
    } else {
        crate::text::optional("note", note, NOTE_MAX)?
    };
    let change = StateChange {
        machine: W::MACHINE,
        from: W::state_code(state).to_owned(),
        to: W::state_code(to).to_owned(),
        action: W::action_code(action).to_owned(),
        actor: actor.clone(),
        at,
        note,
    };
    Ok((to, change))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::collections::{BTreeSet, HashSet, VecDeque};

    /// One edge of a diagram as written in DOMAIN.md: from, action, to, roles (by code).
    pub(crate) type Edge = (&'static str, &'static str, &'static str, &'static [Role]);

    fn key<W: Workflow>(state: W::State, action: W::Action) -> (&'static str, &'static str) {
        (W::state_code(state), W::action_code(action))
    }

    /// The implementation agrees with the written diagram on every (state, action, role).
    pub(crate) fn implementation_matches_spec<W: Workflow>(spec: &[Edge]) {
        let mut covered = HashSet::new();
        for state in W::all_states() {
            for action in W::all_actions() {
                let (from, act) = key::<W>(state, action);
                let edge = spec.iter().find(|(f, a, _, _)| *f == from && *a == act);
                for role in Role::ALL {
                    let result = W::transition(state, action, role);
                    match (edge, result) {
                        (Some((_, _, to, roles)), Ok(next)) => {
                            assert!(
                                roles.contains(&role),
                                "{from} --{act}--> by {role:?} should be refused"
                            );
                            assert_eq!(W::state_code(next), *to, "{from} --{act}-->");
                            covered.insert((from, act));
                        }
                        (Some((_, _, _, roles)), Err(error)) => {
                            assert!(
                                !roles.contains(&role),
                                "{from} --{act}--> by {role:?}: {error}"
                            );
                            assert!(
                                matches!(error, DomainError::RoleNotAllowed { .. }),
                                "{error:?}"
                            );
                        }
                        (None, Ok(next)) => {
                            panic!("{from} --{act}--> {:?} is not in the diagram", next)
                        }
                        (None, Err(error)) => assert!(
                            matches!(
                                error,
                                DomainError::TransitionNotAllowed { .. }
                                    | DomainError::EscalationAtTop
                            ),
                            "{error:?}"
                        ),
                    }
                }
            }
        }
        let spec_keys: HashSet<_> = spec.iter().map(|(f, a, _, _)| (*f, *a)).collect();
        assert_eq!(
            covered, spec_keys,
            "every edge of the diagram is implemented"
        );
    }

    /// Every state of the diagram is reachable from the initial state; returns the reachable codes.
    pub(crate) fn reachable<W: Workflow>() -> BTreeSet<&'static str> {
        let mut seen = vec![W::initial()];
        let mut queue = VecDeque::from([W::initial()]);
        while let Some(state) = queue.pop_front() {
            for action in W::all_actions() {
                for role in Role::ALL {
                    if let Ok(next) = W::transition(state, action, role)
                        && !seen.contains(&next)
                    {
                        seen.push(next);
                        queue.push_back(next);
                    }
                }
            }
        }
        seen.into_iter().map(W::state_code).collect()
    }

    /// Applies a random walk; every step taken must be an edge of the spec.
    pub(crate) fn walk_stays_in_spec<W: Workflow>(
        spec: &[Edge],
        steps: &[(usize, usize)],
    ) -> Vec<&'static str> {
        let actions = W::all_actions();
        let mut state = W::initial();
        let mut visited = vec![W::state_code(state)];
        for &(action_index, role_index) in steps {
            let action = actions[action_index % actions.len()];
            let role = Role::ALL[role_index % Role::ALL.len()];
            if let Ok(next) = W::transition(state, action, role) {
                let (from, act) = key::<W>(state, action);
                assert!(
                    spec.iter().any(|(f, a, t, roles)| *f == from
                        && *a == act
                        && *t == W::state_code(next)
                        && roles.contains(&role)),
                    "{from} --{act}--> by {role:?} is outside the diagram"
                );
                state = next;
                visited.push(W::state_code(state));
            } else if W::is_terminal(state) {
                assert!(W::available_actions(state, role).is_empty());
            }
        }
        visited
    }

    #[test]
    fn machine_codes_and_labels() {
        crate::coded::tests::check_coded::<StateMachine>();
        assert_eq!(StateMachine::Referral.state_label_id("sent"), "Dikirim");
        assert_eq!(
            StateMachine::Referral.state_label_id("nonsense"),
            "nonsense"
        );
        assert_eq!(
            StateMachine::Proposal.action_label_en("enact"),
            "Record as enacted"
        );
    }
}
