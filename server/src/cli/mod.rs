//! Commands of the `slrt` executable besides `serve`.

pub mod backup;
pub mod bench;
pub mod create_admin;
pub mod import_areas;
pub mod seed_demo;
pub mod seed_scale;
