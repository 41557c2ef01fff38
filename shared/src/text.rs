//! Free-text fields: trimming, required and optional values, length limits.
//! Lengths are counted in characters, not bytes, so Indonesian names with diacritics count fairly.

use crate::error::DomainError;

/// Trims `input` and requires it to be non-empty and at most `max` characters.
pub fn required(field: &str, input: &str, max: usize) -> Result<String, DomainError> {
    match optional(field, input, max)? {
        Some(text) => Ok(text),
        None => Err(DomainError::TextRequired {
            field: field.to_owned(),
        }),
    }
}

/// Trims `input`; empty becomes `None`; longer than `max` characters is an error.
pub fn optional(field: &str, input: &str, max: usize) -> Result<Option<String>, DomainError> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Ok(None);
    }
    if trimmed.chars().count() > max {
        return Err(DomainError::TextTooLong {
            field: field.to_owned(),
            max,
        });
    }
    Ok(Some(trimmed.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_requires_and_limits() {
        assert_eq!(required("name", "  Siti  ", 10), Ok("Siti".to_owned()));
        assert_eq!(
            required("name", "   ", 10),
            Err(DomainError::TextRequired {
                field: "name".into()
            })
        );
        assert_eq!(optional("note", "", 10), Ok(None));
        assert_eq!(optional("note", "ééééé", 5), Ok(Some("ééééé".into())));
        assert_eq!(
            optional("note", "abcdef", 5),
            Err(DomainError::TextTooLong {
                field: "note".into(),
                max: 5
            })
        );
    }
}
