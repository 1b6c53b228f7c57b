//! The files a source's `path` matches. The folders are walked here rather than by the glob
//! crate, which follows a symlink loop as deep as the system allows (the same file found 41
//! times) and walks the whole disk for `/**`: each folder is entered once by its real path,
//! each file is found once, and the walk stops with an error past [`MAX_ENTRIES`].

use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};

use glob::{MatchOptions, Pattern};

use crate::error::{Error, ErrorKind};

/// The most files and folders one `path` may look at. An export folder holds hundreds.
pub const MAX_ENTRIES: usize = 100_000;

/// The files `path` (relative to `base`) matches, in name order, each once.
pub fn find(path: &str, base: &Path) -> Result<Vec<PathBuf>, Error> {
    find_within(path, base, MAX_ENTRIES)
}

fn find_within(path: &str, base: &Path, limit: usize) -> Result<Vec<PathBuf>, Error> {
    let pattern_path = base.join(path);
    let pattern_text = pattern_path.to_string_lossy().to_string();
    let pattern = Pattern::new(&pattern_text)
        .map_err(|e| Error::new(ErrorKind::NoFiles { pattern: format!("{pattern_text} ({})", e.msg) }))?;
    let (root, depth) = walk_plan(&pattern_path);
    let mut walk =
        Walk { pattern, found: Vec::new(), seen_files: HashSet::new(), seen_dirs: HashSet::new(), entries: 0, limit };
    if root.is_file() {
        walk.file(&root);
    } else {
        walk.folder(&root, depth).map_err(|()| {
            let kind = ErrorKind::TooManyFiles { pattern: pattern_text.clone(), limit };
            Error::new(kind).help("make `path` narrower: name the folder the exports are in")
        })?;
    }
    let mut paths = walk.found;
    paths.sort();
    if paths.is_empty() {
        return Err(Error::new(ErrorKind::NoFiles { pattern: pattern_text }));
    }
    Ok(paths)
}

/// The folder where the pattern's first wildcard is, and how many levels below it a match can
/// be: `None` for no bound (a `**`).
fn walk_plan(pattern: &Path) -> (PathBuf, Option<usize>) {
    let components: Vec<Component> = pattern.components().collect();
    let wild = |c: &Component| c.as_os_str().to_string_lossy().contains(['*', '?', '[']);
    let literal = components.iter().position(wild).unwrap_or(components.len());
    let root: PathBuf = components[..literal].iter().collect();
    let rest = &components[literal..];
    let unbounded = rest.iter().any(|c| c.as_os_str().to_string_lossy().contains("**"));
    (root, (!unbounded).then_some(rest.len()))
}

struct Walk {
    pattern: Pattern,
    found: Vec<PathBuf>,
    /// The real paths of the files found, so that a file reached twice is read once.
    seen_files: HashSet<PathBuf>,
    /// The real paths of the folders entered, so that a symlink loop is entered once.
    seen_dirs: HashSet<PathBuf>,
    entries: usize,
    limit: usize,
}

impl Walk {
    /// Walks `folder`, `depth` levels deep at most; `Err` past `limit` entries.
    fn folder(&mut self, folder: &Path, depth: Option<usize>) -> Result<(), ()> {
        if depth == Some(0) {
            return Ok(());
        }
        let Ok(real) = folder.canonicalize() else { return Ok(()) };
        if !self.seen_dirs.insert(real) {
            return Ok(());
        }
        let Ok(entries) = std::fs::read_dir(folder) else { return Ok(()) };
        let mut paths = Vec::new();
        for entry in entries.flatten() {
            self.entries += 1;
            if self.entries > self.limit {
                return Err(());
            }
            paths.push(entry.path());
        }
        // In name order, so that of two paths to one file the first by name is kept.
        paths.sort();
        for path in paths {
            if path.is_dir() {
                self.folder(&path, depth.map(|d| d - 1))?;
            } else if path.is_file() {
                self.file(&path);
            }
        }
        Ok(())
    }

    fn file(&mut self, path: &Path) {
        let options = MatchOptions { require_literal_separator: true, ..MatchOptions::new() };
        if !self.pattern.matches_path_with(path, options) {
            return;
        }
        if let Ok(real) = path.canonicalize()
            && self.seen_files.insert(real)
        {
            self.found.push(path.to_path_buf());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_symlink_loop_is_followed_once_and_each_file_found_once() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("a")).unwrap();
        std::fs::write(dir.path().join("a/x.csv"), "").unwrap();
        std::os::unix::fs::symlink(dir.path().join("a"), dir.path().join("a/loop")).unwrap();
        std::os::unix::fs::symlink(dir.path().join("a/x.csv"), dir.path().join("a/same.csv")).unwrap();
        let found = find("**/*.csv", dir.path()).unwrap();
        assert_eq!(found, [dir.path().join("a/same.csv")]);
    }

    #[test]
    fn a_pattern_that_looks_through_too_much_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        for i in 0..20 {
            std::fs::write(dir.path().join(format!("{i}.txt")), "").unwrap();
        }
        let error = find_within("**/*.csv", dir.path(), 10).unwrap_err();
        assert!(matches!(error.kind(), ErrorKind::TooManyFiles { limit: 10, .. }), "{error}");
        assert_eq!(find_within("*.txt", dir.path(), 100).unwrap().len(), 20);
    }

    #[test]
    fn the_walk_starts_at_the_first_wildcard_and_stops_where_the_pattern_does() {
        assert_eq!(walk_plan(Path::new("/data/users-*.csv")), (PathBuf::from("/data"), Some(1)));
        assert_eq!(walk_plan(Path::new("/data/*/a.csv")), (PathBuf::from("/data"), Some(2)));
        assert_eq!(walk_plan(Path::new("/data/**/a.csv")), (PathBuf::from("/data"), None));
        assert_eq!(walk_plan(Path::new("/data/a.csv")), (PathBuf::from("/data/a.csv"), Some(0)));
    }
}
