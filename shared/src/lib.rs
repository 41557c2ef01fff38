//! The SLRT domain, shared by the browser (WebAssembly) and the server.
//!
//! Pure Rust: types, validation, rules, state machines and the data transfer
//! objects of the service contract. Nothing here performs I/O, so every rule
//! is decided the same way on both sides.
//!
//! SLRT (Sistem Layanan dan Rujukan Terpadu, "Integrated Service and Referral
//! System") is the one-door service where a Puskesos (Pusat Kesejahteraan
//! Sosial, the village social-welfare post) or the district's SLRT secretariat
//! registers a household, checks it against the national welfare registry,
//! identifies its needs, refers it to programmes and follows each referral.
//!
//! Modules, by the domain's own order: [`geo`] (areas and addresses),
//! [`identity`] (NIK, No KK), [`household`] and [`member`], [`complaint`],
//! [`programme`], the state machines [`case`] (flow A), [`referral`] and
//! [`proposal`] (flow B) over [`workflow`], [`deadline`] (working days),
//! [`roles`] and [`access`], [`dto`] and the one [`error`] type.

pub mod access;
pub mod account;
pub mod case;
pub mod cell_key;
pub mod clock;
pub mod coded;
pub mod complaint;
pub mod contract;
pub mod dashboard;
pub mod dates;
pub mod deadline;
pub mod document;
pub mod drafts;
pub mod dto;
pub mod duplicates;
pub mod editing;
pub mod error;
pub mod export;
pub mod form_post;
pub mod geo;
pub mod household;
pub mod identity;
pub mod intake;
pub mod life_event;
pub mod meeting;
pub mod member;
pub mod names;
pub mod photo;
pub mod programme;
pub mod proposal;
pub mod proposal_batch;
pub mod proposal_change;
pub mod referral;
pub mod roles;
pub mod sheet_import;
pub mod text;
pub mod visit;
pub mod workflow;

pub use coded::Coded;
pub use error::DomainError;
