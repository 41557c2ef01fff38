//! The SLRT domain, shared by the browser (WebAssembly) and the server.
//!
//! Pure Rust: types, validation, rules, state machines and the data transfer
//! objects of the service contract. Nothing here performs I/O, so every rule
//! is decided the same way on both sides.

pub mod contract;
pub mod dto;
pub mod roles;
