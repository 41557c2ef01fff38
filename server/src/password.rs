//! Password hashing with Argon2id (the crate's defaults follow OWASP guidance).
//! Hashing is slow on purpose, so it runs on the blocking thread pool.

use std::collections::HashSet;
use std::sync::OnceLock;

use argon2::password_hash::{
    self, Output, ParamsString, PasswordHash, Salt, SaltString, rand_core::OsRng,
};
use argon2::{Algorithm, Argon2, Block, Params};
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
///
/// Each turn comes with the gate's own Argon2 working memory (19 MiB with the
/// default parameters), used again by the next turn. Allocating it afresh for
/// every hash on whichever of hundreds of blocking threads ran it left the
/// allocator's per-thread arenas holding freed blocks: 400 sign-ins at once
/// grew the server to 1.6 GB and it never shrank.
struct Gate {
    free: std::sync::Mutex<Vec<Vec<Block>>>,
    freed: std::sync::Condvar,
}

/// A turn at the [`Gate`] with its working memory, both given back when dropped.
struct Turn {
    gate: &'static Gate,
    memory: Vec<Block>,
}

impl Gate {
    fn get() -> &'static Gate {
        static GATE: OnceLock<Gate> = OnceLock::new();
        GATE.get_or_init(|| {
            let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
            Gate {
                free: std::sync::Mutex::new(vec![Vec::new(); (cores / 2).max(1)]),
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
        loop {
            if let Some(memory) = free.pop() {
                return Turn { gate: self, memory };
            }
            free = self
                .freed
                .wait(free)
                .unwrap_or_else(std::sync::PoisonError::into_inner);
        }
    }
}

impl Drop for Turn {
    fn drop(&mut self) {
        let memory = std::mem::take(&mut self.memory);
        self.gate
            .free
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(memory);
        self.gate.freed.notify_one();
    }
}

/// Most Argon2 memory a stored hash may ask for (64 MiB): a hash asking for
/// more is not ours and never matches.
const MAX_BLOCKS: usize = 64 * 1024;

impl Turn {
    /// Argon2 of `password` with `salt` by `argon`, in this turn's memory.
    fn compute<'a>(
        &mut self,
        argon: &Argon2<'_>,
        algorithm: Algorithm,
        password: &[u8],
        salt: Salt<'a>,
    ) -> password_hash::Result<PasswordHash<'a>> {
        let params = argon.params();
        let blocks = params.block_count();
        if blocks > MAX_BLOCKS {
            return Err(password_hash::Error::ParamValueInvalid(
                password_hash::errors::InvalidValue::TooLong,
            ));
        }
        self.memory.resize(blocks, Block::default());
        let mut salt_bytes = [0u8; 64];
        let salt_bytes = salt.decode_b64(&mut salt_bytes)?;
        let length = params.output_len().unwrap_or(Params::DEFAULT_OUTPUT_LEN);
        let output = Output::init_with(length, |out| {
            argon
                .hash_password_into_with_memory(
                    password,
                    salt_bytes,
                    out,
                    &mut self.memory[..blocks],
                )
                .map_err(password_hash::Error::from)
        })?;
        Ok(PasswordHash {
            algorithm: algorithm.ident(),
            version: Some(argon2::Version::V0x13.into()),
            params: ParamsString::try_from(params)?,
            salt: Some(salt),
            hash: Some(output),
        })
    }
}

/// Runs one hash computation on the blocking pool when it is its turn.
async fn on_hashing_turn<T: Send + 'static>(
    work: impl FnOnce(&mut Turn) -> T + Send + 'static,
) -> Result<T, PasswordError> {
    tokio::task::spawn_blocking(move || {
        let mut turn = Gate::get().enter();
        work(&mut turn)
    })
    .await
    .map_err(|error| PasswordError::Task(error.to_string()))
}

/// Hashes a password into a PHC string (`$argon2id$...`).
pub async fn hash(password: String) -> Result<String, PasswordError> {
    on_hashing_turn(move |turn| {
        let salt = SaltString::generate(&mut OsRng);
        turn.compute(
            &Argon2::default(),
            Algorithm::Argon2id,
            password.as_bytes(),
            salt.as_salt(),
        )
        .map(|hash| hash.to_string())
        .map_err(|error| PasswordError::Hash(error.to_string()))
    })
    .await?
}

/// Checks a password against a stored hash. A malformed hash never matches.
pub async fn verify(password: String, stored_hash: String) -> Result<bool, PasswordError> {
    on_hashing_turn(move |turn| {
        let Ok(parsed) = PasswordHash::new(&stored_hash) else {
            return false;
        };
        let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
            return false;
        };
        let (Ok(algorithm), Ok(params)) = (
            Algorithm::try_from(parsed.algorithm),
            Params::try_from(&parsed),
        ) else {
            return false;
        };
        if parsed
            .version
            .is_some_and(|v| v != u32::from(argon2::Version::V0x13))
        {
            return false;
        }
        let argon = Argon2::new(algorithm, argon2::Version::V0x13, params);
        turn.compute(&argon, algorithm, password.as_bytes(), salt)
            .ok()
            .and_then(|computed| computed.hash)
            // `Output`'s equality takes the same time wherever the bytes differ.
            .is_some_and(|computed| computed == expected)
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

    /// Hashes stored before the gate lent its memory (the crate's own hasher),
    /// and hashes with other parameters, still verify; ours verify with the crate.
    #[tokio::test]
    async fn hashes_agree_with_the_argon2_crate() -> Result<(), PasswordError> {
        use argon2::password_hash::{PasswordHasher, PasswordVerifier};
        let salt = SaltString::generate(&mut OsRng);
        let light = Argon2::new(
            Algorithm::Argon2id,
            argon2::Version::V0x13,
            Params::new(8192, 1, 1, None).map_err(|e| PasswordError::Hash(e.to_string()))?,
        );
        for argon in [Argon2::default(), light] {
            let theirs = argon
                .hash_password(b"kopi tubruk", &salt)
                .map_err(|e| PasswordError::Hash(e.to_string()))?
                .to_string();
            assert!(verify("kopi tubruk".into(), theirs.clone()).await?);
            assert!(!verify("kopi tubruk!".into(), theirs).await?);
        }
        let ours = hash("kopi tubruk".into()).await?;
        let parsed = PasswordHash::new(&ours).map_err(|e| PasswordError::Hash(e.to_string()))?;
        assert!(
            Argon2::default()
                .verify_password(b"kopi tubruk", &parsed)
                .is_ok()
        );
        assert!(Argon2::default().verify_password(b"kopi", &parsed).is_err());
        Ok(())
    }
}
