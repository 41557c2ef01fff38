//! The folder documents are kept in: outside the database and outside the
//! served site, each file named by the SHA-256 of its content (the same
//! content is kept once), written whole or not at all (a temporary file,
//! synced, then renamed into place). Files are read by their hash from a
//! database row, never by a path a request names.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use sha2::{Digest, Sha256};

/// Where a stored file lies, relative to the folder: `ab/abcdef…`.
pub fn relative_path(sha256: &str) -> Option<String> {
    is_hash(sha256).then(|| format!("{}/{sha256}", &sha256[..2]))
}

/// True for 64 lower-case hexadecimal digits.
fn is_hash(text: &str) -> bool {
    text.len() == 64
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The folder under the files folder where uploaded spreadsheets wait to be
/// imported (`services::sheet_imports`); the sweep of documents leaves it alone.
pub const IMPORTS_FOLDER: &str = "imports";

/// The documents folder.
#[derive(Debug, Clone)]
pub struct FileStore {
    dir: PathBuf,
}

impl FileStore {
    pub fn new(dir: impl Into<PathBuf>) -> FileStore {
        FileStore { dir: dir.into() }
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn path_of(&self, sha256: &str) -> std::io::Result<PathBuf> {
        relative_path(sha256)
            .map(|relative| self.dir.join(relative))
            .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a hash"))
    }

    /// Keeps `bytes` under their hash and answers it. Content already kept is
    /// not written again, but marked as just kept (so that a sweep of files no
    /// row names, running meanwhile, leaves it for the row about to name it).
    pub async fn put(&self, bytes: Vec<u8>) -> std::io::Result<String> {
        let store = self.clone();
        tokio::task::spawn_blocking(move || store.put_blocking(&bytes))
            .await
            .map_err(std::io::Error::other)?
    }

    fn put_blocking(&self, bytes: &[u8]) -> std::io::Result<String> {
        let sha256 = hex::encode(Sha256::digest(bytes));
        let target = self.path_of(&sha256)?;
        let folder = target
            .parent()
            .ok_or_else(|| std::io::Error::other("a stored file has a folder"))?;
        std::fs::create_dir_all(folder)?;
        if let Ok(existing) = std::fs::File::options().append(true).open(&target) {
            existing.set_modified(SystemTime::now())?;
            return Ok(sha256);
        }
        let temporary = folder.join(format!(".{sha256}.{}.tmp", uuid::Uuid::new_v4()));
        let written = (|| {
            let mut file = std::fs::File::create_new(&temporary)?;
            file.write_all(bytes)?;
            file.sync_all()?;
            std::fs::rename(&temporary, &target)
        })();
        if written.is_err() {
            let _ = std::fs::remove_file(&temporary);
        }
        written?;
        // The rename itself survives a crash once the folder is synced.
        if let Ok(folder) = std::fs::File::open(folder) {
            let _ = folder.sync_all();
        }
        Ok(sha256)
    }

    /// The content kept under `sha256`.
    pub async fn read(&self, sha256: &str) -> std::io::Result<Vec<u8>> {
        tokio::fs::read(self.path_of(sha256)?).await
    }

    /// Whether content is kept under `sha256`.
    pub async fn holds(&self, sha256: &str) -> bool {
        match self.path_of(sha256) {
            Ok(path) => tokio::fs::try_exists(path).await.unwrap_or(false),
            Err(_) => false,
        }
    }

    /// Every file kept (its hash and when it was last kept), and the
    /// temporary files a write left behind, as (hash or `None`, path, time).
    pub async fn list(&self) -> std::io::Result<Vec<StoredFile>> {
        let store = self.clone();
        tokio::task::spawn_blocking(move || store.list_blocking())
            .await
            .map_err(std::io::Error::other)?
    }

    fn list_blocking(&self) -> std::io::Result<Vec<StoredFile>> {
        let mut found = Vec::new();
        let folders = match std::fs::read_dir(&self.dir) {
            Ok(folders) => folders,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(found),
            Err(error) => return Err(error),
        };
        for folder in folders {
            let folder = folder?;
            if !folder.file_type()?.is_dir() || folder.file_name() == IMPORTS_FOLDER {
                continue;
            }
            for file in std::fs::read_dir(folder.path())? {
                let file = file?;
                if !file.file_type()?.is_file() {
                    continue;
                }
                let name = file.file_name().to_string_lossy().into_owned();
                found.push(StoredFile {
                    sha256: is_hash(&name).then_some(name),
                    path: file.path(),
                    modified: file.metadata()?.modified()?,
                });
            }
        }
        Ok(found)
    }

    /// Removes a file found by [`FileStore::list`].
    pub async fn remove(&self, file: &StoredFile) -> std::io::Result<()> {
        match tokio::fs::remove_file(&file.path).await {
            Err(error) if error.kind() != std::io::ErrorKind::NotFound => Err(error),
            _ => Ok(()),
        }
    }
}

/// A file in the documents folder.
#[derive(Debug, Clone)]
pub struct StoredFile {
    /// Its hash; `None` for a temporary file a write left behind.
    pub sha256: Option<String>,
    pub path: PathBuf,
    pub modified: SystemTime,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_hash_names_a_stored_file() {
        let hash = "ab".repeat(32);
        assert_eq!(relative_path(&hash), Some(format!("ab/{hash}")));
        for bad in ["../../etc/passwd", "", &"AB".repeat(32), &"ab".repeat(33)] {
            assert_eq!(relative_path(bad), None, "{bad}");
        }
    }

    #[tokio::test]
    async fn the_same_content_is_kept_once_and_read_back_whole() -> std::io::Result<()> {
        let dir = std::env::temp_dir().join(format!("slrt-files-unit-{}", uuid::Uuid::new_v4()));
        let store = FileStore::new(&dir);
        let first = store.put(b"isi berkas".to_vec()).await?;
        let second = store.put(b"isi berkas".to_vec()).await?;
        assert_eq!(first, second);
        assert_eq!(store.read(&first).await?, b"isi berkas");
        let listed = store.list().await?;
        assert_eq!(listed.len(), 1, "{listed:?}");
        assert_eq!(listed[0].sha256.as_deref(), Some(first.as_str()));
        store.remove(&listed[0]).await?;
        assert!(!store.holds(&first).await);
        std::fs::remove_dir_all(&dir)
    }
}
