//! The files a source's `path` matches. The folders are walked here rather than by the glob
//! crate, which follows a symlink loop as deep as the system allows (the same file found 41
//! times) and walks the whole disk for `/**`: each folder is entered once by its real path,
//! each file is found once, and the walk stops with an error past [`MAX_ENTRIES`].

use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};

use glob::{MatchOptions, Pattern};

use crate::error::{Error, ErrorKind};
use crate::ruleset::model::ENTITY_PLACEHOLDER;

/// The most files and folders one `path` may look at. An export folder holds hundreds.
pub const MAX_ENTRIES: usize = 100_000;

/// The files `path` (relative to `base`) matches, in name order, each once. `{entity}` in
/// `path` matches any part of one folder or file name.
pub fn find(path: &str, base: &Path) -> Result<Vec<PathBuf>, Error> {
    find_within(path, base, MAX_ENTRIES)
}

/// The entity a file's path gives where `path` has `{entity}`: the shortest part of the file's
/// path there, within one folder or file name, that lets the rest match; `None` when `path`
/// has no `{entity}`, the file does not match it, or the part is empty (`users-.csv`).
pub fn entity_in_path(path: &str, base: &Path, file: &Path) -> Option<String> {
    entity_candidates(path, base, file).into_iter().next()
}

/// Every part of a file's path that `{entity}` can stand for while the rest of `path` matches,
/// shortest first: `articles-{entity}-*.csv` reads `articles-晨光咖啡-抖音-10.csv` as
/// `晨光咖啡`, and could read it as `晨光咖啡-抖音`.
pub fn entity_candidates(path: &str, base: &Path, file: &Path) -> Vec<String> {
    let Some((before, after)) = path.split_once(ENTITY_PLACEHOLDER) else { return Vec::new() };
    let (Ok(before), Ok(after)) =
        (Pattern::new(&absolute_glob(before, base)), Pattern::new(&after.replace(ENTITY_PLACEHOLDER, "*")))
    else {
        return Vec::new();
    };
    let options = match_options();
    let text = file.to_string_lossy();
    let starts = (0..=text.len()).filter(|at| text.is_char_boundary(*at));
    let candidates = starts.filter(|at| before.matches_with(&text[..*at], options)).map(|start| {
        let ends = (start + 1..=text.len()).filter(|at| text.is_char_boundary(*at));
        ends.take_while(|end| !text[start..*end].contains('/'))
            .filter(|end| after.matches_with(&text[*end..], options))
            .map(|end| text[start..end].to_string())
            .collect::<Vec<String>>()
    });
    candidates.into_iter().find(|found| !found.is_empty()).unwrap_or_default()
}

/// `path` as a glob anchored at `base`: the folder's own name is taken literally, and
/// `{entity}` matches like `*`.
fn absolute_glob(path: &str, base: &Path) -> String {
    let base = Pattern::escape(&base.to_string_lossy());
    let path = path.replace(ENTITY_PLACEHOLDER, "*");
    if Path::new(&path).is_absolute() || base.is_empty() { path } else { format!("{base}/{path}") }
}

fn match_options() -> MatchOptions {
    MatchOptions { require_literal_separator: true, ..MatchOptions::new() }
}

fn find_within(path: &str, base: &Path, limit: usize) -> Result<Vec<PathBuf>, Error> {
    let pattern_text = base.join(path).to_string_lossy().to_string();
    let pattern = Pattern::new(&absolute_glob(path, base))
        .map_err(|e| Error::new(ErrorKind::NoFiles { pattern: format!("{pattern_text} ({})", e.msg) }))?;
    let (root, depth) = walk_plan(Path::new(&path.replace(ENTITY_PLACEHOLDER, "*")));
    let root = base.join(root);
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

/// The folder where the pattern's first wildcard is (relative to where the pattern is), and
/// how many levels below it a match can be: `None` for no bound (a `**`).
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
        if !self.pattern.matches_path_with(path, match_options()) {
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
    fn the_entity_is_the_part_of_the_path_where_the_placeholder_is() {
        let base = Path::new("/clients/acme [2026]");
        let entity = |path: &str, file: &str| entity_in_path(path, base, &base.join(file));
        assert_eq!(entity("data/{entity}/result.xls", "data/晨光咖啡/result.xls").as_deref(), Some("晨光咖啡"));
        assert_eq!(entity("data/articles-{entity}-*.csv", "data/articles-main-2026-10.csv").as_deref(), Some("main"));
        assert_eq!(entity("data/{entity}.csv", "data/a.b.csv").as_deref(), Some("a.b"));
        assert_eq!(entity("data/{entity}/result.xls", "data/a/b/result.xls"), None);
        assert_eq!(entity("data/users.csv", "data/users.csv"), None);
    }

    #[test]
    fn every_name_a_placeholder_could_stand_for_is_a_candidate_and_an_empty_one_is_none() {
        let base = Path::new("/c");
        let candidates = |path: &str, file: &str| entity_candidates(path, base, &base.join(file));
        assert_eq!(
            candidates("articles-{entity}-*.csv", "articles-晨光咖啡-抖音-10.csv"),
            ["晨光咖啡", "晨光咖啡-抖音"]
        );
        assert_eq!(candidates("data/{entity}/result.xls", "data/a/result.xls"), ["a"]);
        assert!(candidates("users-{entity}.csv", "users-.csv").is_empty());
    }

    #[test]
    fn a_placeholder_matches_like_a_wildcard_and_the_folder_is_taken_literally() {
        let dir = tempfile::tempdir().unwrap();
        let base = dir.path().join("acme [2026]");
        for account in ["a", "b"] {
            std::fs::create_dir_all(base.join("data").join(account)).unwrap();
            std::fs::write(base.join("data").join(account).join("result.xls"), "").unwrap();
        }
        let found = find("data/{entity}/result.xls", &base).unwrap();
        assert_eq!(found, [base.join("data/a/result.xls"), base.join("data/b/result.xls")]);
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
