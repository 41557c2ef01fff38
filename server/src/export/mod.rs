//! The files a list is downloaded as: one table description (its columns and
//! the kind of each, see [`table`]) written as XLSX ([`xlsx`]) or as CSV with
//! `;` or `,` ([`csv`]), streamed while the rows are read ([`stream`]); the
//! five lists and their routes are in [`lists`].

pub mod csv;
pub mod lists;
pub mod stream;
pub mod table;
pub mod xlsx;
