//! Folders of one run alone: a test case's rows in the system's temporary folder, and the
//! staging folder of a set of reports. Each has a random name and is created exclusively, with
//! permissions for its owner only, so that a folder or a link someone else put where it would
//! go is never used, and two runs (two containers whose processes are both number 1) never
//! share one.

use std::hash::{BuildHasher, Hasher};
use std::io;
use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};

use crate::error::{Error, ErrorKind, Result};

/// A fresh folder in the system's temporary folder, removed with everything in it when dropped.
pub struct Scratch(PathBuf);

impl Scratch {
    /// A new, empty folder whose name says what it is for: `kpi-test-3f9c…`.
    pub fn new(purpose: &str) -> Result<Scratch, Error> {
        // Absolute, as programs kpi runs from another folder are given paths in it.
        let parent = std::path::absolute(std::env::temp_dir()).unwrap_or_else(|_| std::env::temp_dir());
        let made = || {
            let made = fresh_folder(&parent, &format!("kpi-{purpose}"));
            let folders = made.iter().cloned().collect();
            (made, folders)
        };
        let dir = crate::interrupt::remembering(made).map_err(|e| {
            let kind = ErrorKind::UnwritableFile { path: parent.display().to_string(), message: e.to_string() };
            Error::new(kind).help("set TMPDIR to a folder you can write to")
        })?;
        Ok(Scratch(dir))
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
        crate::interrupt::forget(&self.0);
    }
}

/// A new folder in `parent` named `prefix-` and 16 random hexadecimal digits, created
/// exclusively (never a folder or link that is there already) and private to its owner.
pub fn fresh_folder(parent: &Path, prefix: &str) -> io::Result<PathBuf> {
    let mut last = None;
    for _ in 0..16 {
        let path = parent.join(format!("{prefix}-{:016x}", random()));
        match std::fs::DirBuilder::new().mode(0o700).create(&path) {
            Ok(()) => return Ok(path),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| io::Error::other("no free name")))
}

/// 64 random bits: the standard library seeds its hash keys from the system's randomness.
fn random() -> u64 {
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    hasher.write_u128(now.as_nanos());
    hasher.write_u32(std::process::id());
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    #[test]
    fn a_fresh_folder_is_new_private_and_never_one_that_is_there_already() {
        let parent = tempfile::tempdir().unwrap();
        let first = fresh_folder(parent.path(), "kpi-test").unwrap();
        let second = fresh_folder(parent.path(), "kpi-test").unwrap();
        assert_ne!(first, second);
        assert_eq!(std::fs::metadata(&first).unwrap().permissions().mode() & 0o777, 0o700);
        assert!(first.file_name().unwrap().to_string_lossy().starts_with("kpi-test-"));
    }

    #[test]
    fn a_scratch_folder_is_removed_with_what_is_in_it() {
        let scratch = Scratch::new("unit").unwrap();
        let path = scratch.path().to_path_buf();
        std::fs::write(path.join("rows.csv"), "a\n1\n").unwrap();
        drop(scratch);
        assert!(!path.exists());
    }
}
