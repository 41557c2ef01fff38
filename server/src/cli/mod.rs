//! Commands of the `slrt` executable besides `serve`.

pub mod backup;
pub mod bare_list;
pub mod bench;
pub mod create_admin;
pub mod db_check;
mod demo_batches;
pub mod import_areas;
pub mod seed_demo;
pub mod seed_scale;
