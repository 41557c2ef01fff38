//! CSV documents for downloads, safe to open in a spreadsheet.

use shared::contract::ServiceError;

/// Whether a spreadsheet could read `text` as a formula: it begins with `=`,
/// `+`, `-` or `@`, or with a tab or carriage return (which can hide one).
pub fn formula_like(text: &str) -> bool {
    text.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// A text cell safe to open in a spreadsheet: a [`formula_like`] text is
/// quoted (`'=...`) so that it is never run as a formula.
pub fn spreadsheet_safe(text: &str) -> String {
    if formula_like(text) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

/// A CSV document: the header, then one record per row.
pub fn csv_text(
    header: &[&str],
    rows: impl IntoIterator<Item = Vec<String>>,
) -> Result<String, ServiceError> {
    let mut out = csv::Writer::from_writer(Vec::new());
    let mut written = out.write_record(header);
    for row in rows {
        if written.is_err() {
            break;
        }
        written = out.write_record(row);
    }
    written
        .map_err(|error| error.to_string())
        .and_then(|()| out.into_inner().map_err(|error| error.to_string()))
        .and_then(|bytes| String::from_utf8(bytes).map_err(|error| error.to_string()))
        .map_err(|error| {
            tracing::error!(%error, "could not write a CSV export");
            ServiceError::Internal
        })
}
