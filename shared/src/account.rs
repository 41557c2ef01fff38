//! Accounts: the username and password rules, and what the account pages exchange.
//!
//! The password policy follows NIST SP 800-63B and OWASP: a length floor and a
//! generous ceiling, no composition rules, and a refusal of the most common
//! passwords (that list lives on the server; see `server/data/common-passwords.txt`).

use serde::{Deserialize, Serialize};

use crate::error::{DomainError, FieldErrors};
use crate::roles::Role;

/// The fewest characters a password may have.
pub const PASSWORD_MIN_CHARS: usize = 8;
/// The most characters a password may have (pass phrases welcome).
pub const PASSWORD_MAX_CHARS: usize = 128;
/// The fewest characters of a username.
pub const USERNAME_MIN_CHARS: usize = 3;
/// The most characters of a username.
pub const USERNAME_MAX_CHARS: usize = 64;

/// Checks a new password's length and that it is not the username itself.
/// The server also refuses passwords found on its list of common passwords.
///
/// Every rule looks at the same string: the password without the spaces, tabs and
/// line breaks around it, so eight spaces are not a password of eight characters.
pub fn check_password_shape(password: &str, username: &str) -> Result<(), DomainError> {
    let password = password.trim();
    let chars = password.chars().count();
    if !(PASSWORD_MIN_CHARS..=PASSWORD_MAX_CHARS).contains(&chars) {
        return Err(DomainError::PasswordLength {
            min: PASSWORD_MIN_CHARS,
            max: PASSWORD_MAX_CHARS,
        });
    }
    let lowered = password.to_lowercase();
    let username = username.trim().to_lowercase();
    let contains = username.chars().count() >= 4 && lowered.contains(&username);
    if !username.is_empty() && (lowered == username || contains) {
        return Err(DomainError::PasswordContainsUsername);
    }
    Ok(())
}

/// One of the user's own open sessions, for the list under **Akun**.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionView {
    /// When the user signed in.
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// When the session was last used (to the minute).
    pub last_seen_at: chrono::DateTime<chrono::Utc>,
    /// The address it was opened from, as the server saw it.
    pub client_address: Option<String>,
    /// The browser it was opened with, shortened (`Chrome di Android`).
    pub browser: Option<String>,
    /// This is the session of the page asking.
    pub current: bool,
}

/// A short description of a browser from its `User-Agent` (`Chrome · Android`),
/// enough for someone to recognise their own devices.
pub fn describe_browser(agent: &str) -> String {
    let browser = [
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("SamsungBrowser/", "Samsung Internet"),
        ("UCBrowser/", "UC Browser"),
        ("Firefox/", "Firefox"),
        ("Chrome/", "Chrome"),
        ("Chromium/", "Chromium"),
        ("Safari/", "Safari"),
    ]
    .into_iter()
    .find(|(marker, _)| agent.contains(marker))
    .map(|(_, name)| name);
    let system = [
        ("Android", "Android"),
        ("iPhone", "iPhone"),
        ("iPad", "iPad"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("CrOS", "ChromeOS"),
        ("Linux", "Linux"),
    ]
    .into_iter()
    .find(|(marker, _)| agent.contains(marker))
    .map(|(_, name)| name);
    match (browser, system) {
        (Some(browser), Some(system)) => format!("{browser} · {system}"),
        (Some(one), None) | (None, Some(one)) => one.to_string(),
        (None, None) => agent.chars().take(40).collect(),
    }
}

/// Normalises a username (trimmed, lower case) and checks its characters:
/// letters a–z, digits, dot, hyphen and underscore, 3 to 64 characters.
pub fn normalise_username(input: &str) -> Result<String, DomainError> {
    let name = input.trim().to_lowercase();
    let chars = name.chars().count();
    let allowed = name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '-' | '_'));
    if !(USERNAME_MIN_CHARS..=USERNAME_MAX_CHARS).contains(&chars) || !allowed {
        return Err(DomainError::UsernameInvalid);
    }
    Ok(name)
}

/// One role a user holds in one area (or at one institution).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssignmentView {
    /// Assignment id.
    pub id: i64,
    /// The role.
    pub role: Role,
    /// Kemendagri code of the area; empty for the whole nation.
    pub area_code: String,
    /// Name of the area.
    pub area_name: String,
    /// The receiving institution, for institution staff.
    pub institution_id: Option<i64>,
    /// The institution's name.
    pub institution_name: Option<String>,
    /// Whether this is the assignment the current session acts under.
    pub current: bool,
}

/// A role to grant: in an area (empty code: the nation), or at an institution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssignmentInput {
    /// The role.
    pub role: Role,
    /// Kemendagri code of the area; empty for the whole nation.
    pub area_code: String,
    /// The institution, required for [`Role::ReceivingInstitution`].
    pub institution_id: Option<i64>,
}

/// A new account with its first assignment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewUser {
    /// Username (normalised to lower case).
    pub username: String,
    /// Full name as shown to colleagues.
    pub full_name: String,
    /// First password; the user must change it at the first sign-in.
    pub password: String,
    /// The first role and area.
    pub assignment: AssignmentInput,
}

impl NewUser {
    /// Checks every field at once (the server adds the common-password check).
    pub fn validate(&self) -> Result<String, DomainError> {
        let mut errors = FieldErrors::new();
        let username = errors.check("username", normalise_username(&self.username));
        if self.full_name.trim().is_empty() {
            errors.push(
                "full_name",
                DomainError::TextRequired {
                    field: "full_name".into(),
                },
            );
        } else if self.full_name.trim().chars().count() > 120 {
            errors.push(
                "full_name",
                DomainError::TextTooLong {
                    field: "full_name".into(),
                    max: 120,
                },
            );
        }
        errors.check(
            "password",
            check_password_shape(&self.password, username.as_deref().unwrap_or("")),
        );
        errors.finish()?;
        Ok(username.unwrap_or_default())
    }
}

/// Filters of the user list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserFilter {
    /// Part of the username or full name.
    #[serde(default)]
    pub search: String,
    /// Only users holding this role.
    #[serde(default)]
    pub role: Option<Role>,
    /// Also list disabled accounts.
    #[serde(default)]
    pub include_disabled: bool,
    /// Page number from 1.
    #[serde(default)]
    pub page: u32,
}

/// A row of the user list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRow {
    /// User id.
    pub id: i64,
    /// Username.
    pub username: String,
    /// Full name.
    pub full_name: String,
    /// Whether the account is disabled.
    pub disabled: bool,
    /// Roles and areas.
    pub assignments: Vec<AssignmentView>,
}

/// One account as the administrator sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserDetail {
    /// The row.
    pub user: UserRow,
    /// The user must choose a new password at the next sign-in.
    pub must_change_password: bool,
    /// Sessions open now.
    pub open_sessions: u64,
    /// Optimistic-concurrency version of the account.
    pub version: i32,
}

/// Filters of the audit log.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditFilter {
    /// First day (WIB), `yyyy-mm-dd`.
    #[serde(default)]
    pub from: String,
    /// Last day (WIB), `yyyy-mm-dd`.
    #[serde(default)]
    pub to: String,
    /// Username of the actor.
    #[serde(default)]
    pub username: String,
    /// Action code (`login`, `view`, `update`, `export`, ...).
    #[serde(default)]
    pub action: String,
    /// `ok` or `refused`.
    #[serde(default)]
    pub outcome: String,
    /// Area code prefix.
    #[serde(default)]
    pub area_code: String,
    /// Page number from 1.
    #[serde(default)]
    pub page: u32,
}

/// One line of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRow {
    /// Entry id.
    pub id: i64,
    /// When, in WIB: `yyyy-mm-dd hh:mm:ss`.
    pub at: String,
    /// Who (username), if anyone was signed in.
    pub username: Option<String>,
    /// What.
    pub action: String,
    /// On what kind of record.
    pub object_type: String,
    /// Which record.
    pub object_id: Option<String>,
    /// The record's area.
    pub area_code: Option<String>,
    /// From which address.
    pub client_address: Option<String>,
    /// `ok` or `refused`.
    pub outcome: String,
    /// Details (field names changed, reason refused).
    pub detail: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn browsers_are_recognised_by_their_usual_names() {
        let phone = "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36";
        assert_eq!(describe_browser(phone), "Chrome · Android");
        let office =
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0";
        assert_eq!(describe_browser(office), "Firefox · Windows");
        assert_eq!(describe_browser("curl/8.5"), "curl/8.5");
    }

    #[test]
    fn passwords_need_length_not_composition() {
        assert!(check_password_shape("kopi tubruk pagi hari", "fo.waled").is_ok());
        assert!(check_password_shape("abcdefgh", "fo.waled").is_ok());
        assert_eq!(
            check_password_shape("pendek", "fo.waled"),
            Err(DomainError::PasswordLength { min: 8, max: 128 })
        );
        assert!(check_password_shape(&"a".repeat(128), "x.y").is_ok());
        assert!(check_password_shape(&"a".repeat(129), "x.y").is_err());
        // Characters, not bytes: eight non-ASCII characters are enough.
        assert!(check_password_shape("ééééééé€", "fo").is_ok());
        // Whitespace around a password does not count towards its length.
        for blank in [
            "        ",
            "\t\t\t\t\t\t\t\t",
            " \t \n \t \n \t ",
            "   abc    ",
        ] {
            assert_eq!(
                check_password_shape(blank, "fo.waled"),
                Err(DomainError::PasswordLength { min: 8, max: 128 }),
                "{blank:?}"
            );
        }
        assert!(check_password_shape("  kopi tubruk  ", "fo.waled").is_ok());
        assert_eq!(
            check_password_shape("FO.Waled2026", "fo.waled"),
            Err(DomainError::PasswordContainsUsername)
        );
    }

    #[test]
    fn usernames_are_normalised_and_checked() {
        assert_eq!(normalise_username("  FO.Waled ").as_deref(), Ok("fo.waled"));
        for bad in ["ab", "with space", "nama@desa", "", &"x".repeat(65)] {
            assert_eq!(normalise_username(bad), Err(DomainError::UsernameInvalid));
        }
    }

    #[test]
    fn a_new_user_reports_every_wrong_field() {
        let user = NewUser {
            username: "a b".into(),
            full_name: " ".into(),
            password: "short".into(),
            assignment: AssignmentInput {
                role: Role::FrontOffice,
                area_code: "32.09.01.2008".into(),
                institution_id: None,
            },
        };
        let Err(DomainError::Invalid { errors }) = user.validate() else {
            panic!("expected field errors");
        };
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["username", "full_name", "password"]);
    }
}
