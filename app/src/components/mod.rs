//! Components shared by several pages.

pub mod charts;
pub mod documents;
pub mod form;
pub mod household_fields;
pub mod layout;
pub mod list;
pub mod live_check;
pub mod member_fields;
pub mod page;
pub mod saving;
