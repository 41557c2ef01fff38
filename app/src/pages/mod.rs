//! One module per page of the portal.

pub mod account;
pub mod admin;
pub mod batches;
pub mod cases;
pub mod dashboard;
pub mod duplicates;
pub mod editing;
pub mod groups;
pub mod home;
pub mod households;
pub mod imports;
pub mod intake;
pub mod life_events;
pub mod login;
pub mod meetings;
pub mod not_found;
pub mod proposal_form;
pub mod proposals;
pub mod referrals;
pub mod visits;
