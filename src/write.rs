//! Writing files whole or not at all.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::error::{Error, ErrorKind};

/// Writes `bytes` to a temporary file beside `path`, then renames it over `path`: a reader
/// never sees a half-written file, and a failure leaves any previous file untouched.
pub fn atomically(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let unwritable = |e: std::io::Error| unwritable(path, &e);
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(unwritable)?;
    let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    let temporary = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let written = std::fs::write(&temporary, bytes).and_then(|()| std::fs::rename(&temporary, path));
    written.map_err(|e| {
        let _ = std::fs::remove_file(&temporary);
        unwritable(e)
    })
}

/// A set of files written together: each is written into a staging folder beside where it
/// goes, and only when every one is written are they all moved into place. A failure (a full
/// disk) leaves every previous file as it was, and the staging folder is removed whatever
/// happens, so no half-written file stays behind.
pub struct Staged {
    dir: PathBuf,
    /// The folder the files go to, when this set made it: removed again if nothing comes of it.
    made: Option<PathBuf>,
    /// Each staged file and where it goes, in the order written.
    files: Mutex<Vec<(PathBuf, PathBuf)>>,
}

impl Staged {
    /// A staging folder inside `target`, the folder the files go to (so that moving them into
    /// place is a rename on one file system).
    pub fn new(target: &Path) -> Result<Staged, Error> {
        let made = (!target.exists()).then(|| target.to_path_buf());
        std::fs::create_dir_all(target).map_err(|e| unwritable(target, &e))?;
        let dir = target.join(format!(".kpi-staging-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir(&dir).map_err(|e| unwritable(&dir, &e))?;
        Ok(Staged { dir, made, files: Mutex::new(Vec::new()) })
    }

    /// Writes the file that goes to `path` into the staging folder.
    pub fn write(&self, path: &Path, bytes: &[u8]) -> Result<(), Error> {
        let mut files = self.files.lock().expect("no writer panics holding the list");
        let staged = self.dir.join(files.len().to_string());
        files.push((staged.clone(), path.to_path_buf()));
        drop(files);
        std::fs::write(&staged, bytes).map_err(|e| unwritable(path, &e))
    }

    /// Moves every staged file into place, and returns where they went, in path order.
    pub fn commit(mut self) -> Result<Vec<PathBuf>, Error> {
        let mut files = std::mem::take(self.files.get_mut().expect("no writer panics holding the list"));
        files.sort_by(|a, b| a.1.cmp(&b.1));
        // The folder now holds the set: it stays, whatever happens to the staging folder.
        self.made = None;
        for (staged, path) in &files {
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(|e| unwritable(parent, &e))?;
            }
            std::fs::rename(staged, path).map_err(|e| unwritable(path, &e))?;
        }
        Ok(files.into_iter().map(|(_, path)| path).collect())
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
        if let Some(made) = &self.made {
            // Only if empty: what else is there was not written by this set.
            let _ = std::fs::remove_dir(made);
        }
    }
}

fn unwritable(path: &Path, error: &std::io::Error) -> Error {
    Error::new(ErrorKind::UnwritableFile { path: path.display().to_string(), message: error.to_string() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_staged_set_moves_into_place_whole_and_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let staged = Staged::new(dir.path()).unwrap();
        staged.write(&dir.path().join("sub/b.txt"), b"b").unwrap();
        staged.write(&dir.path().join("a.txt"), b"a").unwrap();
        assert!(!dir.path().join("a.txt").exists(), "nothing moves before the commit");
        let written = staged.commit().unwrap();
        assert_eq!(written, [dir.path().join("a.txt"), dir.path().join("sub/b.txt")]);
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names.len(), 2, "{names:?}");
    }

    #[test]
    fn a_set_that_is_not_committed_leaves_nothing_and_a_failed_write_says_cannot_write() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.txt"), b"previous").unwrap();
        let staged = Staged::new(dir.path()).unwrap();
        staged.write(&dir.path().join("a.txt"), b"new").unwrap();
        drop(staged);
        assert_eq!(std::fs::read(dir.path().join("a.txt")).unwrap(), b"previous");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        let new_folder = dir.path().join("2026-10");
        drop(Staged::new(&new_folder).unwrap());
        assert!(!new_folder.exists(), "a folder made for a set that was not committed is removed");
        let error = Staged::new(&dir.path().join("a.txt")).err().expect("a file is not a folder");
        assert!(error.to_string().starts_with("cannot write"), "{error}");
    }
}
