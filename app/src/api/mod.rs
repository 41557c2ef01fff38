//! Server functions: the browser's doors into the service contract. Each one
//! takes the session's actor and the services from the request context and
//! calls one service; rules live in the services, not here.

mod account;
mod admin;
mod batches;
mod cases;
mod dashboard;
mod documents;
mod duplicates;
mod intake;
mod meetings;
mod proposals;
mod referrals;
mod sheet_imports;
mod visits;

pub use account::*;
pub use admin::*;
pub use batches::*;
pub use cases::*;
pub use dashboard::*;
pub use documents::*;
pub use duplicates::*;
pub use intake::*;
pub use meetings::*;
pub use proposals::*;
pub use referrals::*;
pub use sheet_imports::*;
pub use visits::*;

use leptos::prelude::*;
use leptos::server_fn::codec::JsonEncoding;
use serde::{Deserialize, Serialize};
use shared::contract::ServiceError;
use shared::dto::{CurrentUser, FieldMessage, HomeSummary};

/// What kind of refusal or failure an [`AppError`] is; the pages decide on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ErrorKind {
    /// The user has to sign in (again).
    Unauthenticated,
    /// Outside the user's area or role.
    Forbidden,
    /// The record does not exist.
    NotFound,
    /// The input broke a rule; see the per-field messages.
    Invalid,
    /// Any other refusal or failure decided by a service.
    Refused,
    /// The request did not reach the server or its answer was unreadable.
    Transport,
}

/// The error every server function of the portal returns, as the browser
/// receives it: the kind, the message in both languages and per-field messages.
///
/// Flat on purpose: the services' [`ServiceError`] and its domain errors are
/// rich enums whose decoding would add ~40 KB (gzipped) to every page of the
/// browser bundle; the browser only needs to show the message and decide on
/// the kind. Built from a [`ServiceError`] on the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{message_id}")]
pub struct AppError {
    /// What kind of refusal or failure.
    pub kind: ErrorKind,
    /// Stable snake_case code ([`ServiceError::code`]; `transport` when the
    /// server was not reached).
    pub code: String,
    /// The message in Bahasa Indonesia.
    pub message_id: String,
    /// The message in English.
    pub message_en: String,
    /// Per-field messages of an invalid form.
    pub fields: Vec<FieldMessage>,
}

impl From<ServiceError> for AppError {
    fn from(error: ServiceError) -> Self {
        #[cfg(feature = "ssr")]
        ssr::answer_status(error.http_status(), error.retry_after_seconds());
        let kind = match &error {
            ServiceError::Unauthenticated => ErrorKind::Unauthenticated,
            ServiceError::Forbidden => ErrorKind::Forbidden,
            ServiceError::NotFound => ErrorKind::NotFound,
            ServiceError::Invalid(_) => ErrorKind::Invalid,
            _ => ErrorKind::Refused,
        };
        let fields = match &error {
            ServiceError::Invalid(invalid) => FieldMessage::all_of(invalid),
            _ => Vec::new(),
        };
        AppError {
            kind,
            code: error.code().to_string(),
            message_id: error.to_string(),
            message_en: error.message_en(),
            fields,
        }
    }
}

impl From<shared::DomainError> for AppError {
    /// A form's draft refused by its `to_request` (invalid input: 422).
    fn from(error: shared::DomainError) -> Self {
        ServiceError::from(error).into()
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(error: ServerFnErrorErr) -> Self {
        // On the server, the request itself was wrong (an argument missing or
        // unreadable): 400 with what failed, never sent again. Anything else
        // there is a fault of the server.
        #[cfg(feature = "ssr")]
        return ssr::request_failure(error);
        #[cfg(not(feature = "ssr"))]
        let _ = error;
        #[allow(unreachable_code)]
        AppError {
            kind: ErrorKind::Transport,
            code: "transport".into(),
            message_id: "Koneksi ke server gagal. Periksa jaringan Anda lalu coba lagi.".into(),
            message_en: "Could not reach the server. Check your connection and try again.".into(),
            fields: Vec::new(),
        }
    }
}

impl AppError {
    /// True when the user has to sign in (again) before going on.
    pub fn needs_login(&self) -> bool {
        self.kind == ErrorKind::Unauthenticated
    }

    /// True when the user may not see or do this (outside their area, wrong role).
    pub fn is_forbidden(&self) -> bool {
        self.kind == ErrorKind::Forbidden
    }

    /// True when the record does not exist.
    pub fn is_not_found(&self) -> bool {
        self.kind == ErrorKind::NotFound
    }

    /// True when the same request may succeed if sent again: the server was not
    /// reached, or answered that it is busy.
    pub fn is_transient(&self) -> bool {
        self.kind == ErrorKind::Transport || self.code == "unavailable"
    }

    /// The message for the user, in the current language.
    pub fn message(&self) -> String {
        if crate::i18n::lang() == crate::i18n::Lang::En {
            self.message_en.clone()
        } else {
            self.message_id.clone()
        }
    }

    /// Per-field messages of an invalid form, by field name, in the current language.
    pub fn field_messages(&self) -> Vec<(String, String)> {
        let english = crate::i18n::lang() == crate::i18n::Lang::En;
        self.fields
            .iter()
            .map(|f| {
                let message = if english {
                    &f.message_en
                } else {
                    &f.message_id
                };
                (f.field.clone(), message.clone())
            })
            .collect()
    }
}

/// Server-side plumbing shared by the server functions.
#[cfg(feature = "ssr")]
pub mod ssr {
    use leptos::prelude::*;
    use shared::contract::{Actor, ClientInfo, ServiceError, Services};

    /// How the session cookie is written; provided by the server from its configuration.
    #[derive(Debug, Clone)]
    pub struct SessionCookie {
        /// Send the cookie only over https (and use the `__Host-` prefix).
        pub secure: bool,
        /// Absolute lifetime of a session, in seconds.
        pub max_age_seconds: i64,
    }

    impl SessionCookie {
        /// Name of the cookie that carries the session token.
        pub fn name(&self) -> &'static str {
            if self.secure {
                "__Host-slrt_session"
            } else {
                "slrt_session"
            }
        }

        /// The `Set-Cookie` value that stores a new session token.
        pub fn set(&self, token: &str) -> String {
            format!(
                "{}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{}",
                self.name(),
                self.max_age_seconds,
                if self.secure { "; Secure" } else { "" }
            )
        }

        /// The `Set-Cookie` value that removes the session cookie.
        pub fn clear(&self) -> String {
            format!(
                "{}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{}",
                self.name(),
                if self.secure { "; Secure" } else { "" }
            )
        }

        /// Reads the session token from a request's `Cookie` headers.
        pub fn token_from(&self, headers: &http::HeaderMap) -> Option<String> {
            cookie_value(headers, self.name()).filter(|value| !value.is_empty())
        }
    }

    /// The value of the cookie `name` in a request's `Cookie` headers.
    pub fn cookie_value(headers: &http::HeaderMap, name: &str) -> Option<String> {
        headers
            .get_all(http::header::COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(found, _)| *found == name)
            .map(|(_, value)| value.to_string())
    }

    /// Sets the HTTP status (and `Retry-After`) of a server function's answer to
    /// a call from the bundle or another client. A plain HTML form post keeps
    /// Leptos's redirect back to its page; a page being rendered keeps its own status.
    pub fn answer_status(status: u16, retry_after_seconds: Option<u64>) {
        let Some(response) = use_context::<leptos_axum::ResponseOptions>() else {
            return;
        };
        let Some(parts) = use_context::<http::request::Parts>() else {
            return;
        };
        let accepts_html = parts
            .headers
            .get(http::header::ACCEPT)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| value.contains("text/html"));
        if !parts.uri.path().starts_with("/api/") || accepts_html {
            return;
        }
        if let Ok(status) = http::StatusCode::from_u16(status) {
            response.set_status(status);
        }
        if let Some(seconds) = retry_after_seconds {
            response.insert_header(http::header::RETRY_AFTER, http::HeaderValue::from(seconds));
        }
    }

    /// The answer to a request the server function could not take: its
    /// arguments missing or unreadable (400, naming what failed), or a fault
    /// of the server while answering (500).
    pub fn request_failure(error: ServerFnErrorErr) -> super::AppError {
        use ServerFnErrorErr as Failure;
        let detail: String = match &error {
            Failure::Args(detail) | Failure::Deserialization(detail) => detail.clone(),
            Failure::MissingArg(name) => format!("missing argument `{name}`"),
            _ => {
                tracing::error!(%error, "server function failed");
                return ServiceError::Internal.into();
            }
        };
        let detail = shared::text::without_personal_numbers(&detail, 160);
        answer_status(400, None);
        super::AppError {
            kind: super::ErrorKind::Invalid,
            code: "malformed_request".into(),
            message_id: format!(
                "Permintaan tidak dapat dibaca (data tidak lengkap atau salah format): {detail}"
            ),
            message_en: format!(
                "The request could not be read (missing or malformed data): {detail}"
            ),
            fields: Vec::new(),
        }
    }

    /// Today at the signed-in user's area (its own time zone; WIB without a session).
    pub fn today() -> chrono::NaiveDate {
        actor().map_or_else(
            |_| shared::clock::Zone::Wib.today(chrono::Utc::now()),
            |actor| actor.today(),
        )
    }

    /// The services placed in the context by the server.
    pub fn services() -> Result<Services, ServiceError> {
        use_context::<Services>().ok_or(ServiceError::Internal)
    }

    /// The request being answered.
    pub fn request_parts() -> Result<http::request::Parts, ServiceError> {
        use_context::<http::request::Parts>().ok_or(ServiceError::Internal)
    }

    /// The signed-in actor of this request (resolved by the server's session layer).
    pub fn actor() -> Result<Actor, ServiceError> {
        request_parts()?
            .extensions
            .get::<Actor>()
            .cloned()
            .ok_or(ServiceError::Unauthenticated)
    }

    /// The caller's address, as the server recorded it.
    pub fn client_info() -> ClientInfo {
        request_parts()
            .ok()
            .and_then(|parts| parts.extensions.get::<ClientInfo>().cloned())
            .unwrap_or_default()
    }

    /// The session token of this request, from its cookie.
    pub fn session_token() -> Result<String, ServiceError> {
        session_cookie()
            .token_from(&request_parts()?.headers)
            .ok_or(ServiceError::Unauthenticated)
    }

    /// Cookie settings, or the safe default (secure) when the server did not say.
    pub fn session_cookie() -> SessionCookie {
        use_context::<SessionCookie>().unwrap_or(SessionCookie {
            secure: true,
            max_age_seconds: 12 * 60 * 60,
        })
    }
}

/// The signed-in user, or an `Unauthenticated` error.
#[server(prefix = "/api", endpoint = "current_user")]
pub async fn get_current_user() -> Result<CurrentUser, AppError> {
    Ok(ssr::actor()?.to_current_user(ssr::today()))
}

/// Figures for the home page, scoped to the user's area.
#[server(prefix = "/api", endpoint = "home_summary")]
pub async fn get_home_summary() -> Result<HomeSummary, AppError> {
    let actor = ssr::actor()?;
    Ok(ssr::services()?.areas.home_summary(&actor).await?)
}

/// Remembers the chosen interface language in a cookie and goes back to the page
/// the form was on (a plain form post: works before and without WebAssembly).
#[server(prefix = "/api", endpoint = "set_language")]
pub async fn set_language(lang: String) -> Result<(), AppError> {
    let lang = crate::i18n::Lang::from_code(&lang);
    let cookie = format!(
        "{}={}; Path=/; Max-Age=31536000; SameSite=Lax",
        crate::i18n::LANG_COOKIE,
        lang.code()
    );
    set_cookie(&cookie);
    // Back to the page the form was on: only its path, never another site.
    let back = ssr::request_parts()
        .ok()
        .and_then(|parts| {
            parts
                .headers
                .get(http::header::REFERER)
                .and_then(|value| value.to_str().ok())
                .and_then(|referer| referer.parse::<http::Uri>().ok())
                .and_then(|uri| uri.path_and_query().map(|pq| pq.as_str().to_string()))
        })
        .filter(|path| path.starts_with('/') && !path.starts_with("//"))
        .unwrap_or_else(|| crate::paths::HOME.to_string());
    leptos_axum::redirect(&back);
    Ok(())
}

/// Signs in and sets the session cookie; then goes to the home page.
#[server(prefix = "/api", endpoint = "login")]
pub async fn login(username: String, password: String) -> Result<(), AppError> {
    let services = ssr::services()?;
    let outcome = services
        .auth
        .login(username.trim(), &password, &ssr::client_info())
        .await?;
    let cookie = ssr::session_cookie();
    set_cookie(&cookie.set(&outcome.session_token));
    leptos_axum::redirect(if outcome.actor.must_change_password {
        crate::paths::CHANGE_PASSWORD
    } else {
        crate::paths::HOME
    });
    Ok(())
}

/// Ends the session and clears the cookie; then goes to the login page.
#[server(prefix = "/api", endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    let cookie = ssr::session_cookie();
    let parts = ssr::request_parts()?;
    if let Some(token) = cookie.token_from(&parts.headers) {
        ssr::services()?.auth.logout(&token).await?;
    }
    set_cookie(&cookie.clear());
    leptos_axum::redirect("/login");
    Ok(())
}

#[cfg(feature = "ssr")]
pub(crate) fn set_cookie(value: &str) {
    if let (Some(response), Ok(value)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::HeaderValue::from_str(value),
    ) {
        response.append_header(http::header::SET_COOKIE, value);
    }
}
