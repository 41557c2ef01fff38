//! Password hashing with Argon2id (the crate's defaults follow OWASP guidance).
//! Hashing is slow on purpose, so it runs on the blocking thread pool.

use argon2::Argon2;
use argon2::password_hash::{
    PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng,
};

/// Why a password could not be hashed or checked.
#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    #[error("hashing failed: {0}")]
    Hash(String),
    #[error("hashing task failed: {0}")]
    Task(String),
}

/// Hashes a password into a PHC string (`$argon2id$...`).
pub async fn hash(password: String) -> Result<String, PasswordError> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|hash| hash.to_string())
            .map_err(|error| PasswordError::Hash(error.to_string()))
    })
    .await
    .map_err(|error| PasswordError::Task(error.to_string()))?
}

/// Checks a password against a stored hash. A malformed hash never matches.
pub async fn verify(password: String, stored_hash: String) -> Result<bool, PasswordError> {
    tokio::task::spawn_blocking(move || {
        let Ok(parsed) = PasswordHash::new(&stored_hash) else {
            return false;
        };
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
    .await
    .map_err(|error| PasswordError::Task(error.to_string()))
}

/// A hash of a random password, checked against when a username does not exist
/// so that a wrong username costs the same time as a wrong password.
pub const DECOY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c2xydC1kZWNveS1zYWx0$1G0f8kS4m8v9Qm3c6wJt0y7hQ4m3V0wq2Jz0m9QxY1E";

#[cfg(test)]
mod tests {
    use super::*;

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
