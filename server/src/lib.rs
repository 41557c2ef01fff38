#![recursion_limit = "256"]
//! SLRT Portal server: configuration, database, services, CLI commands and the
//! axum application that serves the Leptos UI.

pub mod cli;
pub mod db;
pub mod downloads;
pub mod entities;
pub mod export;
pub mod files;
pub mod form_posts;
pub mod password;
pub mod photo;
pub mod protect;
pub mod records;
pub mod registry_import;
pub mod services;
pub mod sheets;
pub mod uploads;
pub mod web;
