//! Protection of identity numbers (NIK, No KK) at rest (UU 24/2013, UU 27/2022).
//! Each number is stored three ways: a keyed hash (HMAC-SHA256) for exact
//! lookup, a sealed copy (AES-256-GCM) readable only through an authorised
//! service call, and the masked form shown on lists. The clear value is never
//! stored, logged or put in a URL.

use std::path::Path;

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// Why the data key could not be used.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("the data key must be 64 hexadecimal characters (32 bytes)")]
    Malformed,
    #[error("cannot read or write the data key file {path}: {source}")]
    File {
        path: String,
        source: std::io::Error,
    },
    #[error("a sealed value could not be opened (wrong data key or damaged data)")]
    Unseal,
}

/// The portal's data key and the two keys derived from it.
#[derive(Clone)]
pub struct DataKey {
    /// HMAC-SHA256 under the lookup key, its key already absorbed: each hash
    /// clones it rather than hashing the key again.
    lookup: HmacSha256,
    seal: Aes256Gcm,
    noise: CellNoise,
}

/// The dashboards' noise (`shared::cell_key`): two draws per cell key and
/// count from HMAC-SHA256 under a key derived from the data key, so the
/// same figure always shows the same number and nobody without the key can
/// foresee or undo it.
#[derive(Clone)]
pub struct CellNoise {
    key: [u8; 32],
}

impl std::fmt::Debug for CellNoise {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CellNoise(..)")
    }
}

impl shared::cell_key::Perturb for CellNoise {
    fn draws(&self, key: u64, n: u64) -> (f64, f64) {
        let mut mac = <HmacSha256 as Mac>::new_from_slice(&self.key)
            .unwrap_or_else(|_| unreachable!("HMAC-SHA256 takes any key length"));
        mac.update(&key.to_le_bytes());
        mac.update(&n.to_le_bytes());
        let bytes = mac.finalize().into_bytes();
        // 53 bits each, as a number in (0, 1].
        let draw = |at: usize| {
            let mut eight = [0u8; 8];
            eight.copy_from_slice(&bytes[at..at + 8]);
            ((u64::from_le_bytes(eight) >> 11) + 1) as f64 / (1u64 << 53) as f64
        };
        (draw(0), draw(8))
    }
}

impl std::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DataKey(..)")
    }
}

/// The kind of number being hashed: the same digits as NIK and as No KK hash differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdKind {
    Nik,
    NoKk,
}

impl IdKind {
    fn label(self) -> &'static [u8] {
        match self {
            IdKind::Nik => b"nik:",
            IdKind::NoKk => b"kk:",
        }
    }
}

fn derive(master: &[u8; 32], purpose: &[u8]) -> [u8; 32] {
    let mut mac = <HmacSha256 as Mac>::new_from_slice(master).unwrap_or_else(|_| {
        // HMAC accepts keys of any length; this branch cannot be taken.
        unreachable!("HMAC-SHA256 takes any key length")
    });
    mac.update(purpose);
    mac.finalize().into_bytes().into()
}

impl DataKey {
    /// A key from 32 bytes of secret.
    pub fn from_bytes(master: [u8; 32]) -> DataKey {
        let lookup = derive(&master, b"slrt-lookup-v1");
        let seal_key = derive(&master, b"slrt-seal-v1");
        DataKey {
            lookup: <HmacSha256 as Mac>::new_from_slice(&lookup)
                .unwrap_or_else(|_| unreachable!("HMAC-SHA256 takes any key length")),
            seal: Aes256Gcm::new(&seal_key.into()),
            noise: CellNoise {
                key: derive(&master, b"slrt-cell-noise-v1"),
            },
        }
    }

    /// A key from its 64-character hex form.
    pub fn from_hex(hex_key: &str) -> Result<DataKey, KeyError> {
        let bytes = hex::decode(hex_key.trim()).map_err(|_| KeyError::Malformed)?;
        let master: [u8; 32] = bytes.try_into().map_err(|_| KeyError::Malformed)?;
        Ok(DataKey::from_bytes(master))
    }

    /// The dashboards' noise under this key.
    pub fn noise(&self) -> CellNoise {
        self.noise.clone()
    }

    /// Reads the key file, or creates it (mode 0600) with a new random key.
    pub fn load_or_create(path: &Path) -> Result<DataKey, KeyError> {
        let file_error = |source| KeyError::File {
            path: path.display().to_string(),
            source,
        };
        match std::fs::read_to_string(path) {
            Ok(text) => DataKey::from_hex(&text),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                    std::fs::create_dir_all(parent).map_err(file_error)?;
                }
                let mut master = [0u8; 32];
                rand::rngs::OsRng.fill_bytes(&mut master);
                write_private(path, &hex::encode(master)).map_err(file_error)?;
                tracing::warn!(
                    path = %path.display(),
                    "created a new data key: back it up with the database, NIK and No KK cannot be read without it"
                );
                Ok(DataKey::from_bytes(master))
            }
            Err(error) => Err(file_error(error)),
        }
    }

    /// Keyed hash of an identity number, for exact lookup (64 hex characters).
    pub fn lookup_hash(&self, kind: IdKind, value: &str) -> String {
        let mut mac = self.lookup.clone();
        mac.update(kind.label());
        mac.update(value.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    /// Encrypts a value; the result (hex of nonce and ciphertext) differs at every call.
    ///
    /// The 96-bit nonce is drawn from the thread's CSPRNG (ChaCha, seeded and
    /// reseeded from the operating system), not from a system call per value:
    /// an import seals two numbers a row.
    pub fn seal(&self, value: &str) -> String {
        let mut nonce = [0u8; 12];
        rand::thread_rng().fill_bytes(&mut nonce);
        let sealed = self
            .seal
            .encrypt(Nonce::from_slice(&nonce), value.as_bytes())
            .unwrap_or_default();
        let mut out = nonce.to_vec();
        out.extend(sealed);
        hex::encode(out)
    }

    /// Decrypts a value made by [`DataKey::seal`].
    pub fn open(&self, sealed: &str) -> Result<String, KeyError> {
        let bytes = hex::decode(sealed).map_err(|_| KeyError::Unseal)?;
        if bytes.len() < 12 {
            return Err(KeyError::Unseal);
        }
        let (nonce, ciphertext) = bytes.split_at(12);
        let clear = self
            .seal
            .decrypt(Nonce::from_slice(nonce), ciphertext)
            .map_err(|_| KeyError::Unseal)?;
        String::from_utf8(clear).map_err(|_| KeyError::Unseal)
    }
}

#[cfg(unix)]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(text.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    std::fs::write(path, text)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NIK: &str = "3209014506870001";

    #[test]
    fn hashes_are_stable_keyed_and_kind_specific() {
        let key = DataKey::from_bytes([7; 32]);
        let other = DataKey::from_bytes([8; 32]);
        assert_eq!(
            key.lookup_hash(IdKind::Nik, NIK),
            key.lookup_hash(IdKind::Nik, NIK)
        );
        assert_ne!(
            key.lookup_hash(IdKind::Nik, NIK),
            other.lookup_hash(IdKind::Nik, NIK)
        );
        assert_ne!(
            key.lookup_hash(IdKind::Nik, NIK),
            key.lookup_hash(IdKind::NoKk, NIK)
        );
        assert!(!key.lookup_hash(IdKind::Nik, NIK).contains(NIK));
    }

    #[test]
    fn sealed_values_open_only_with_the_same_key() -> Result<(), KeyError> {
        let key = DataKey::from_bytes([1; 32]);
        let sealed = key.seal(NIK);
        assert!(!sealed.contains(NIK));
        assert_ne!(sealed, key.seal(NIK), "a fresh nonce every time");
        assert_eq!(key.open(&sealed)?, NIK);
        assert!(DataKey::from_bytes([2; 32]).open(&sealed).is_err());
        assert!(key.open("00").is_err());
        Ok(())
    }

    #[test]
    fn key_files_are_created_once_and_reread() -> Result<(), KeyError> {
        let dir = std::env::temp_dir().join(format!("slrt-key-{}", std::process::id()));
        let path = dir.join("slrt.key");
        let _ = std::fs::remove_file(&path);
        let first = DataKey::load_or_create(&path)?;
        let again = DataKey::load_or_create(&path)?;
        assert_eq!(
            first.lookup_hash(IdKind::Nik, NIK),
            again.lookup_hash(IdKind::Nik, NIK)
        );
        assert!(matches!(DataKey::from_hex("abc"), Err(KeyError::Malformed)));
        let _ = std::fs::remove_dir_all(&dir);
        Ok(())
    }
}
