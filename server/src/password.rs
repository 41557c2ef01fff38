//! Password hashing with Argon2id (the crate's defaults follow OWASP guidance).
//! Hashing is slow on purpose, so it runs on the blocking thread pool.

use std::collections::HashSet;
use std::sync::OnceLock;

use argon2::Argon2;
use argon2::password_hash::{
    PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng,
};
use shared::DomainError;

/// Why a password could not be hashed or checked.
#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    #[error("hashing failed: {0}")]
    Hash(String),
    #[error("hashing task failed: {0}")]
    Task(String),
}

/// Password hashes computed at once: half the cores (at least one), so that a
/// rush of sign-ins queues here and leaves the other cores to the saves.
///
/// A plain blocking gate, taken on the blocking thread that hashes: no async
/// waiter is involved, so turns pass correctly between runtimes too (each test
/// runs its own runtime; an async semaphore shared by them was suspected of
/// leaving a test waiting for a turn that never came).
struct Gate {
    free: std::sync::Mutex<usize>,
    freed: std::sync::Condvar,
}

/// A turn at the [`Gate`], given back when dropped.
struct Turn(&'static Gate);

impl Gate {
    fn get() -> &'static Gate {
        static GATE: OnceLock<Gate> = OnceLock::new();
        GATE.get_or_init(|| {
            let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
            Gate {
                free: std::sync::Mutex::new((cores / 2).max(1)),
                freed: std::sync::Condvar::new(),
            }
        })
    }

    /// Waits (blocking this thread) for a turn.
    fn enter(&'static self) -> Turn {
        let mut free = self
            .free
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        while *free == 0 {
            free = self
                .freed
                .wait(free)
                .unwrap_or_else(std::sync::PoisonError::into_inner);
        }
        *free -= 1;
        Turn(self)
    }
}

impl Drop for Turn {
    fn drop(&mut self) {
        let mut free = self
            .0
            .free
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *free += 1;
        self.0.freed.notify_one();
    }
}

/// Runs one hash computation on the blocking pool when it is its turn.
async fn on_hashing_turn<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, PasswordError> {
    tokio::task::spawn_blocking(move || {
        let _turn = Gate::get().enter();
        work()
    })
    .await
    .map_err(|error| PasswordError::Task(error.to_string()))
}

/// Hashes a password into a PHC string (`$argon2id$...`).
pub async fn hash(password: String) -> Result<String, PasswordError> {
    on_hashing_turn(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|hash| hash.to_string())
            .map_err(|error| PasswordError::Hash(error.to_string()))
    })
    .await?
}

/// Checks a password against a stored hash. A malformed hash never matches.
pub async fn verify(password: String, stored_hash: String) -> Result<bool, PasswordError> {
    on_hashing_turn(move || {
        let Ok(parsed) = PasswordHash::new(&stored_hash) else {
            return false;
        };
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
    .await
}

/// The most common passwords (`server/data/common-passwords.txt`), lower case.
fn common_passwords() -> &'static HashSet<&'static str> {
    static LIST: OnceLock<HashSet<&'static str>> = OnceLock::new();
    LIST.get_or_init(|| {
        include_str!("../data/common-passwords.txt")
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty() && !line.starts_with('#'))
            .collect()
    })
}

/// Whether a password is on the list of the most common passwords (case-insensitive,
/// also with a trailing run of digits or punctuation removed, so `Sayangku2026!` counts).
pub fn is_common(password: &str) -> bool {
    let lowered = password.trim().to_lowercase();
    let list = common_passwords();
    let stem = lowered.trim_end_matches(|c: char| c.is_ascii_digit() || c.is_ascii_punctuation());
    list.contains(lowered.as_str()) || (stem.chars().count() >= 6 && list.contains(stem))
}

/// The password of every demo account, published in the README: no account may
/// choose it, and outside a demo server signing in with it forces a change.
pub const DEMO_PASSWORD: &str = "slrt-demo-2026";

/// The whole password policy: length, not the username, not a common password,
/// not the published demo password.
pub fn check_policy(password: &str, username: &str) -> Result<(), DomainError> {
    shared::account::check_password_shape(password, username)?;
    if is_common(password) || password.trim() == DEMO_PASSWORD {
        return Err(DomainError::PasswordTooCommon);
    }
    Ok(())
}

/// A hash of a random password, checked against when a username does not exist
/// so that a wrong username costs the same time as a wrong password.
pub const DECOY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c2xydC1kZWNveS1zYWx0$1G0f8kS4m8v9Qm3c6wJt0y7hQ4m3V0wq2Jz0m9QxY1E";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_passwords_are_refused_whatever_their_case_or_suffix() {
        assert!(common_passwords().len() > 10_000);
        for common in [
            "password",
            "12345678",
            "Bismillah",
            "sayangku2026!",
            "QWERTYUIOP",
        ] {
            assert!(is_common(common), "{common}");
            assert_eq!(
                check_policy(common, "fo.waled"),
                Err(DomainError::PasswordTooCommon)
            );
        }
        assert_eq!(
            check_policy(DEMO_PASSWORD, "fo.waled"),
            Err(DomainError::PasswordTooCommon)
        );
        assert_eq!(
            check_policy(&format!(" {DEMO_PASSWORD}\t"), "fo.waled"),
            Err(DomainError::PasswordTooCommon)
        );
        assert_eq!(
            check_policy("         ", "fo.waled"),
            Err(DomainError::PasswordLength { min: 8, max: 128 })
        );
        assert!(!is_common("kopi tubruk di balai desa"));
        assert_eq!(
            check_policy("kopi tubruk di balai desa", "fo.waled"),
            Ok(())
        );
    }

    #[tokio::test]
    async fn a_hash_verifies_only_its_own_password() -> Result<(), PasswordError> {
        let stored = hash("kata-sandi-rahasia".into()).await?;
        assert!(stored.starts_with("$argon2id$"));
        assert!(verify("kata-sandi-rahasia".into(), stored.clone()).await?);
        assert!(!verify("kata-sandi-salah".into(), stored).await?);
        Ok(())
    }

    #[tokio::test]
    async fn malformed_hashes_never_match() -> Result<(), PasswordError> {
        assert!(!verify("x".into(), "not-a-hash".into()).await?);
        assert!(!verify("x".into(), DECOY_HASH.into()).await?);
        Ok(())
    }
}
