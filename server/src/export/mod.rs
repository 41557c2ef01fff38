//! The files a list is downloaded as: one table description (its columns and
//! the kind of each, see [`table`]) written as XLSX ([`xlsx`]) or as CSV with
//! `;` or `,` ([`csv`]).

pub mod csv;
pub mod table;
pub mod xlsx;
