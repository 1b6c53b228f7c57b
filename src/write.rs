//! Writing files whole or not at all.

use std::fs::Metadata;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::error::{Error, ErrorKind};
use crate::scratch;

/// Writes `bytes` to `path` whole or not at all. A regular file (or a new one) is written under a
/// temporary name beside it and renamed over it: a reader never sees a half-written file, and a
/// failure leaves any previous file untouched. A symbolic link is written through, so the file
/// it points to gets the bytes and the link stays; a pipe or a device (`/dev/stdout`,
/// `/proc/self/fd/1`) is written into as it is.
pub fn atomically(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let unwritable = |e: std::io::Error| unwritable(path, &e);
    if let Ok(metadata) = std::fs::metadata(path)
        && is_special(&metadata)
    {
        let mut file = std::fs::OpenOptions::new().write(true).open(path).map_err(unwritable)?;
        return file.write_all(bytes).and_then(|()| file.flush()).map_err(unwritable);
    }
    let target = through_links(path).map_err(unwritable)?;
    let dir = target.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(unwritable)?;
    let staging = scratch::fresh_folder(dir, ".kpi-write").map_err(unwritable)?;
    let temporary = staging.join("file");
    let written = std::fs::write(&temporary, bytes).and_then(|()| std::fs::rename(&temporary, &target));
    let _ = std::fs::remove_dir_all(&staging);
    written.map_err(unwritable)
}

/// Not a regular file or a folder: written into, never replaced.
fn is_special(metadata: &Metadata) -> bool {
    !metadata.is_file() && !metadata.is_dir()
}

/// Where the links at `path` end: the file a chain of symbolic links points to (which may not
/// exist yet), or `path` itself.
fn through_links(path: &Path) -> std::io::Result<PathBuf> {
    let mut at = path.to_path_buf();
    for _ in 0..40 {
        match std::fs::symlink_metadata(&at) {
            Ok(metadata) if metadata.file_type().is_symlink() => {
                let target = std::fs::read_link(&at)?;
                at = at.parent().unwrap_or(Path::new("")).join(target);
            }
            _ => return Ok(at),
        }
    }
    Err(std::io::Error::other("too many levels of symbolic links"))
}

/// A set of files written together: each is written into a staging folder beside where it
/// goes, and only when every one is written are they all moved into place. A failure (a full
/// disk, a folder where a file goes) leaves every previous file as it was, and the staging
/// folder is removed whatever happens, so no half-written file stays behind.
pub struct Staged {
    dir: PathBuf,
    /// The folders this set made to hold the files, outermost first (the target and any of its
    /// parents that were not there): removed again if nothing comes of the set.
    made: Vec<PathBuf>,
    /// Each staged file and where it goes, in the order written.
    files: Mutex<Vec<(PathBuf, PathBuf)>>,
    /// The staging folder's lock, held while this set lives: a run killed outright (the OOM
    /// killer, `kill -9`) leaves its folder behind unlocked, and the next run removes it.
    _lock: std::fs::File,
}

/// The name staging folders start with, and the lock each holds.
const STAGING: &str = ".kpi-staging";
const LOCK: &str = ".lock";

impl Staged {
    /// A staging folder inside `target`, the folder the files go to (so that moving them into
    /// place is a rename on one file system), of this set alone.
    pub fn new(target: &Path) -> Result<Staged, Error> {
        let mut made: Vec<PathBuf> = target.ancestors().take_while(|f| !f.exists()).map(Path::to_path_buf).collect();
        made.reverse();
        let create = || -> io::Result<PathBuf> {
            std::fs::create_dir_all(target)?;
            remove_abandoned(target);
            scratch::fresh_folder(target, STAGING)
        };
        // The outermost folder made and the staging folder, remembered as they are made.
        let dir = crate::interrupt::remembering(|| {
            let dir = create();
            let folders = made.first().into_iter().chain(dir.as_ref().ok()).cloned().collect();
            (dir, folders)
        });
        let dir = dir.map_err(|e| unwritable(target, &e))?;
        let lock = locked(&dir.join(LOCK), true).map_err(|e| unwritable(target, &e))?;
        let lock = lock.ok_or_else(|| unwritable(target, &io::Error::other("its staging folder is locked")))?;
        Ok(Staged { dir, made, files: Mutex::new(Vec::new()), _lock: lock })
    }

    /// Writes the file that goes to `path` into the staging folder.
    pub fn write(&self, path: &Path, bytes: &[u8]) -> Result<(), Error> {
        let mut files = self.files.lock().expect("no writer panics holding the list");
        let staged = self.dir.join(files.len().to_string());
        files.push((staged.clone(), path.to_path_buf()));
        drop(files);
        std::fs::write(&staged, bytes).map_err(|e| unwritable(path, &e))
    }

    /// Moves every staged file into place, and returns where they went, in path order. Every
    /// destination is checked first; should a move still fail, the files moved before it are
    /// put back as they were.
    pub fn commit(mut self) -> Result<Vec<PathBuf>, Error> {
        // Interrupted while moving, the staging folder stays: it holds the previous files.
        crate::interrupt::forget(&self.dir);
        if let Some(outermost) = self.made.first() {
            crate::interrupt::forget(outermost);
        }
        let mut files = std::mem::take(self.files.get_mut().expect("no writer panics holding the list"));
        files.sort_by(|a, b| a.1.cmp(&b.1));
        for (_, path) in &files {
            check_destination(path)?;
        }
        let mut moved = Moves { done: Vec::new(), backups: self.dir.join("previous") };
        std::fs::create_dir(&moved.backups).map_err(|e| unwritable(&moved.backups, &e))?;
        for (index, (staged, path)) in files.iter().enumerate() {
            if let Err(error) = moved.put(index, staged, path) {
                moved.undo();
                return Err(error);
            }
        }
        // The folder now holds the set: it stays, whatever happens to the staging folder.
        self.made.clear();
        Ok(files.into_iter().map(|(_, path)| path).collect())
    }
}

/// The moves of a commit so far, to put back should one fail.
struct Moves {
    /// Each file moved into place, and where its previous file was put, if it had one.
    done: Vec<(PathBuf, Option<PathBuf>)>,
    backups: PathBuf,
}

impl Moves {
    fn put(&mut self, index: usize, staged: &Path, path: &Path) -> Result<(), Error> {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| unwritable(parent, &e))?;
        }
        let previous = match std::fs::symlink_metadata(path) {
            Ok(_) => {
                let backup = self.backups.join(index.to_string());
                std::fs::rename(path, &backup).map_err(|e| unwritable(path, &e))?;
                Some(backup)
            }
            Err(_) => None,
        };
        let result = std::fs::rename(staged, path).map_err(|e| unwritable(path, &e));
        self.done.push((path.to_path_buf(), previous));
        result
    }

    /// Every file moved so far removed, and the file it replaced put back.
    fn undo(self) {
        for (path, previous) in self.done.into_iter().rev() {
            match previous {
                Some(backup) => {
                    let _ = std::fs::rename(backup, &path);
                }
                None => {
                    let _ = std::fs::remove_file(&path);
                }
            }
        }
    }
}

/// A file can go to `path`: nothing but a file is there, and each folder above it is a folder
/// or can be made.
fn check_destination(path: &Path) -> Result<(), Error> {
    let in_the_way = |at: &Path, what: &str| {
        let message = format!("`{}` is {what}, where the report goes", at.display());
        Error::new(ErrorKind::UnwritableFile { path: path.display().to_string(), message })
            .help("move it out of the way, or write the reports to another folder with `-o`")
    };
    match std::fs::symlink_metadata(path) {
        Ok(metadata) if metadata.is_dir() => return Err(in_the_way(path, "a folder")),
        Ok(metadata) if !metadata.is_file() && !metadata.file_type().is_symlink() => {
            return Err(in_the_way(path, "not a regular file"));
        }
        _ => {}
    }
    for folder in path.ancestors().skip(1).filter(|f| !f.as_os_str().is_empty()) {
        match std::fs::metadata(folder) {
            Ok(metadata) if metadata.is_dir() => break,
            Ok(_) => return Err(in_the_way(folder, "a file")),
            Err(_) => continue,
        }
    }
    Ok(())
}

impl Drop for Staged {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
        crate::interrupt::forget(&self.dir);
        if let Some(outermost) = self.made.first() {
            crate::interrupt::forget(outermost);
        }
        // Innermost first, each only if empty: what else is there was not written by this set.
        for folder in self.made.iter().rev() {
            let _ = std::fs::remove_dir(folder);
        }
    }
}

/// The staging folders in `target` that no living run holds: each a folder (not a link) whose
/// lock can be taken, or, made before locks were, without one and untouched for a day.
fn remove_abandoned(target: &Path) {
    let Ok(entries) = std::fs::read_dir(target) else { return };
    for entry in entries.flatten() {
        let is_staging = entry.file_name().to_str().is_some_and(|name| name.starts_with(&format!("{STAGING}-")));
        let Ok(kind) = entry.file_type() else { continue };
        if !is_staging || !kind.is_dir() {
            continue;
        }
        let abandoned = match locked(&entry.path().join(LOCK), false) {
            Ok(lock) => lock.is_some(),
            Err(_) => entry
                .metadata()
                .and_then(|m| m.modified())
                .is_ok_and(|at| at.elapsed().is_ok_and(|age| age.as_secs() > 86_400)),
        };
        if abandoned {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// The lock file at `path`, locked by this process, or `None` when another holds it; `create`
/// makes the file where it is not.
fn locked(path: &Path, create: bool) -> io::Result<Option<std::fs::File>> {
    use std::os::fd::AsRawFd;
    let file = std::fs::OpenOptions::new().write(true).create(create).truncate(false).open(path)?;
    // SAFETY: flock on a file descriptor this function owns.
    let taken = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } == 0;
    Ok(taken.then_some(file))
}

fn unwritable(path: &Path, error: &std::io::Error) -> Error {
    Error::new(ErrorKind::UnwritableFile { path: path.display().to_string(), message: error.to_string() })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> =
            std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        names.sort();
        names
    }

    #[test]
    fn a_staged_set_moves_into_place_whole_and_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let staged = Staged::new(dir.path()).unwrap();
        staged.write(&dir.path().join("sub/b.txt"), b"b").unwrap();
        staged.write(&dir.path().join("a.txt"), b"a").unwrap();
        assert!(!dir.path().join("a.txt").exists(), "nothing moves before the commit");
        let written = staged.commit().unwrap();
        assert_eq!(written, [dir.path().join("a.txt"), dir.path().join("sub/b.txt")]);
        assert_eq!(names(dir.path()), ["a.txt", "sub"]);
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

    #[test]
    fn two_sets_staged_in_one_folder_at_once_never_share_a_staging_folder() {
        let dir = tempfile::tempdir().unwrap();
        let (first, second) = (Staged::new(dir.path()).unwrap(), Staged::new(dir.path()).unwrap());
        assert_ne!(first.dir, second.dir);
        // A folder planted where a staging folder of this process number used to go is not used.
        std::fs::create_dir(dir.path().join(format!(".kpi-staging-{}", std::process::id()))).unwrap();
        first.write(&dir.path().join("a.txt"), b"first").unwrap();
        second.write(&dir.path().join("b.txt"), b"second").unwrap();
        first.commit().unwrap();
        second.commit().unwrap();
        assert_eq!(std::fs::read(dir.path().join("a.txt")).unwrap(), b"first");
        assert_eq!(std::fs::read(dir.path().join("b.txt")).unwrap(), b"second");
    }

    /// A run killed outright (SIGKILL) leaves its staging folder, with half its reports, in
    /// the folder that is zipped for the client: the next run into it removes it, and never
    /// the folder of a run still writing.
    #[test]
    fn staging_left_by_a_killed_run_is_removed_by_the_next_and_a_living_one_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let living = Staged::new(dir.path()).unwrap();
        let killed = dir.path().join(".kpi-staging-00000000000000ff");
        std::fs::create_dir(&killed).unwrap();
        std::fs::write(killed.join(".lock"), "").unwrap();
        std::fs::write(killed.join("0"), "half a report").unwrap();
        let next = Staged::new(dir.path()).unwrap();
        assert!(!killed.exists(), "the killed run's staging is removed");
        assert!(living.dir.exists(), "the living run's staging is kept");
        living.write(&dir.path().join("a.txt"), b"a").unwrap();
        living.commit().unwrap();
        drop(next);
        assert_eq!(names(dir.path()), ["a.txt"]);
    }

    #[test]
    fn a_folder_where_a_file_goes_fails_the_commit_before_anything_moves() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.html"), b"previous a").unwrap();
        std::fs::create_dir(dir.path().join("portfolio.md")).unwrap();
        let staged = Staged::new(dir.path()).unwrap();
        staged.write(&dir.path().join("a.html"), b"new a").unwrap();
        staged.write(&dir.path().join("entities/b.html"), b"new b").unwrap();
        staged.write(&dir.path().join("portfolio.md"), b"new portfolio").unwrap();
        let error = staged.commit().unwrap_err();
        assert!(error.to_string().contains("is a folder, where the report goes"), "{error}");
        assert_eq!(std::fs::read(dir.path().join("a.html")).unwrap(), b"previous a");
        assert_eq!(names(dir.path()), ["a.html", "portfolio.md"]);
    }

    #[test]
    fn a_move_that_fails_puts_back_the_files_moved_before_it() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.txt"), b"previous a").unwrap();
        let staged = Staged::new(dir.path()).unwrap();
        staged.write(&dir.path().join("a.txt"), b"new a").unwrap();
        staged.write(&dir.path().join("b.txt"), b"new b").unwrap();
        let mut files: Vec<(PathBuf, PathBuf)> = std::mem::take(&mut staged.files.lock().unwrap());
        // The second staged file is gone, as a full disk or another process could make it.
        std::fs::remove_file(&files[1].0).unwrap();
        let mut moves = Moves { done: Vec::new(), backups: staged.dir.join("previous") };
        std::fs::create_dir(&moves.backups).unwrap();
        moves.put(0, &files[0].0, &files[0].1).unwrap();
        assert_eq!(std::fs::read(dir.path().join("a.txt")).unwrap(), b"new a");
        assert!(moves.put(1, &files[1].0, &files[1].1).is_err());
        moves.undo();
        files.clear();
        drop(staged);
        assert_eq!(std::fs::read(dir.path().join("a.txt")).unwrap(), b"previous a");
        assert_eq!(names(dir.path()), ["a.txt"]);
    }

    #[test]
    fn a_file_is_written_through_a_symbolic_link_and_into_a_pipe() {
        let dir = tempfile::tempdir().unwrap();
        let elsewhere = dir.path().join("shared/results.json");
        std::fs::create_dir(dir.path().join("shared")).unwrap();
        std::fs::write(&elsewhere, b"stale").unwrap();
        let link = dir.path().join("results.json");
        std::os::unix::fs::symlink(&elsewhere, &link).unwrap();
        atomically(&link, b"fresh").unwrap();
        assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink(), "the link stays");
        assert_eq!(std::fs::read(&elsewhere).unwrap(), b"fresh");
        // A link to a file not there yet makes it.
        let dangling = dir.path().join("new.json");
        std::os::unix::fs::symlink("shared/new.json", &dangling).unwrap();
        atomically(&dangling, b"new").unwrap();
        assert_eq!(std::fs::read(dir.path().join("shared/new.json")).unwrap(), b"new");
        assert_eq!(names(&dir.path().join("shared")), ["new.json", "results.json"]);
        let pipe = dir.path().join("pipe");
        assert!(std::process::Command::new("mkfifo").arg(&pipe).status().unwrap().success());
        let reader = std::thread::spawn({
            let pipe = pipe.clone();
            move || std::fs::read(pipe).unwrap()
        });
        atomically(&pipe, b"through the pipe").unwrap();
        assert_eq!(reader.join().unwrap(), b"through the pipe");
    }
}
