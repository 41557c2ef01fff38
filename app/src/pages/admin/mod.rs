//! Administration pages: users and their roles, institutions, the programme
//! catalogue and the audit log. The services decide who may use them.

pub mod audit;
pub mod catalogue;
pub mod users;
