//! What a preview watches: the ruleset's folder (the ruleset, what it extends from there, its
//! commentary and templates), the data folder and the templates folder, looked at every so often
//! by the size and time of every file. No notification service is needed, and a folder on any
//! file system works the same.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use super::Settings;
use super::site::Site;

/// The most files looked at: past it, a change among the rest is not seen.
const MAX_FILES: usize = 50_000;

/// Rebuilds `site` whenever a watched file changes from how `seen` (taken before the site was
/// built) found them, for as long as the process runs: a file written while the first build ran,
/// or before this thread got to look, is a change too.
pub fn rebuild_on_change(settings: &Settings, site: &Mutex<Site>, seen: u64, every: Duration) {
    let folders = watched(settings);
    let mut last = seen;
    loop {
        std::thread::sleep(every);
        let now = fingerprint(&folders);
        if now != last {
            last = now;
            site.lock().unwrap_or_else(|e| e.into_inner()).rebuild(settings);
        }
    }
}

pub fn watched(settings: &Settings) -> Vec<PathBuf> {
    let home = settings.ruleset.parent().map(Path::to_path_buf).unwrap_or_default();
    let home = if home.as_os_str().is_empty() { PathBuf::from(".") } else { home };
    [Some(home), settings.data.clone(), settings.templates.clone()].into_iter().flatten().collect()
}

/// The size and modification time of every file under the folders, hashed.
pub fn fingerprint(folders: &[PathBuf]) -> u64 {
    let mut hasher = DefaultHasher::new();
    let mut pending: Vec<PathBuf> = folders.to_vec();
    let mut seen = 0;
    while let Some(dir) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        let mut entries: Vec<_> = entries.flatten().collect();
        entries.sort_by_key(|entry| entry.file_name());
        for entry in entries {
            seen += 1;
            if seen > MAX_FILES {
                return hasher.finish();
            }
            let Ok(meta) = entry.metadata() else { continue };
            if meta.is_dir() {
                pending.push(entry.path());
                continue;
            }
            entry.path().hash(&mut hasher);
            meta.len().hash(&mut hasher);
            meta.modified().ok().hash(&mut hasher);
        }
    }
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_or_added_file_changes_the_fingerprint() {
        let dir = tempfile_dir();
        std::fs::write(dir.join("ruleset.yaml"), "a").unwrap();
        let before = fingerprint(std::slice::from_ref(&dir));
        assert_eq!(before, fingerprint(std::slice::from_ref(&dir)), "nothing changed");
        std::fs::create_dir(dir.join("commentary")).unwrap();
        std::fs::write(dir.join("commentary/2026-10.md"), "x").unwrap();
        assert_ne!(before, fingerprint(std::slice::from_ref(&dir)), "a commentary was added");
        let _ = std::fs::remove_dir_all(dir);
    }

    fn tempfile_dir() -> PathBuf {
        crate::scratch::fresh_folder(&std::env::temp_dir(), "kpi-watch-test").unwrap()
    }
}
