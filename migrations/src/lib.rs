//! SLRT Portal schema migrations: one file per change, each with up and down.
//! `slrt migrate` applies them; the test suites run them on SQLite and PostgreSQL.

pub use sea_orm_migration::prelude::*;

mod m20261123_000001_foundation;
mod m20261123_000002_service_records;
mod m20261123_000003_account_security;
mod m20261123_000004_area_stats;
mod m20261206_000005_number_counters;
mod m20261206_000006_privacy;
mod m20261206_000007_proposal_change;
mod m20261206_000008_village_meetings;
mod m20261206_000009_home_visits;
mod m20261206_000010_referral_member;
mod m20261206_000011_cell_keys;
mod m20261207_000012_proposal_batches;
mod m20261207_000013_proposal_counters;
mod m20261207_000014_house_photos;
mod m20261207_000015_member_name_keys;
mod m20261208_000016_documents;
mod m20261208_000017_household_duplicates;
mod m20261209_000018_member_words;
mod m20261210_000019_registry_neighbourhood;
mod m20261211_000020_sheet_imports;
mod m20261212_000021_sheet_numbering;

/// Every migration of the portal, oldest first.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_foundation::Migration),
            Box::new(m20261123_000002_service_records::Migration),
            Box::new(m20261123_000003_account_security::Migration),
            Box::new(m20261123_000004_area_stats::Migration),
            Box::new(m20261206_000005_number_counters::Migration),
            Box::new(m20261206_000006_privacy::Migration),
            Box::new(m20261206_000007_proposal_change::Migration),
            Box::new(m20261206_000008_village_meetings::Migration),
            Box::new(m20261206_000009_home_visits::Migration),
            Box::new(m20261206_000010_referral_member::Migration),
            Box::new(m20261206_000011_cell_keys::Migration),
            Box::new(m20261207_000012_proposal_batches::Migration),
            Box::new(m20261207_000013_proposal_counters::Migration),
            Box::new(m20261207_000014_house_photos::Migration),
            Box::new(m20261207_000015_member_name_keys::Migration),
            Box::new(m20261208_000016_documents::Migration),
            Box::new(m20261208_000017_household_duplicates::Migration),
            Box::new(m20261209_000018_member_words::Migration),
            Box::new(m20261210_000019_registry_neighbourhood::Migration),
            Box::new(m20261211_000020_sheet_imports::Migration),
            Box::new(m20261212_000021_sheet_numbering::Migration),
        ]
    }
}
