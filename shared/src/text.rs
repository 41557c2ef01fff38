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

/// `text` cut to `max` characters with every quoted value and every run of six
/// or more digits replaced by `…`: safe to echo back in an error message (which
/// may travel in an address) when the text came from what a client sent.
pub fn without_personal_numbers(text: &str, max: usize) -> String {
    let mut out = String::new();
    let mut digits = String::new();
    let mut in_quotes = false;
    let flush = |digits: &mut String, out: &mut String| {
        if digits.len() >= 6 {
            out.push('…');
        } else {
            out.push_str(digits);
        }
        digits.clear();
    };
    for c in text.chars() {
        if c == '"' {
            flush(&mut digits, &mut out);
            if !in_quotes {
                out.push_str("\"…");
            } else {
                out.push('"');
            }
            in_quotes = !in_quotes;
        } else if in_quotes {
            continue;
        } else if c.is_ascii_digit() {
            digits.push(c);
        } else {
            flush(&mut digits, &mut out);
            out.push(c);
        }
    }
    flush(&mut digits, &mut out);
    out.chars().take(max).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn echoed_text_keeps_no_number_or_quoted_value() {
        assert_eq!(
            without_personal_numbers(
                "invalid type: string \"3209011204850001\", expected i64",
                200
            ),
            "invalid type: string \"…\", expected i64"
        );
        assert_eq!(
            without_personal_numbers("unknown variant `3209011204850001`, expected `nik`", 200),
            "unknown variant `…`, expected `nik`"
        );
        assert_eq!(
            without_personal_numbers("missing field `case_id` at 12", 200),
            "missing field `case_id` at 12"
        );
        assert_eq!(without_personal_numbers("abcdef", 3), "abc");
    }

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
