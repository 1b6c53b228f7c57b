//! `git:REV:PATH`: a ruleset as it was at a git revision, with the files it extends read at that
//! revision too. Only those files are read, each asked of git by its object id after its size
//! is known, so that nothing of the working copy is read and a large file elsewhere in the
//! revision costs nothing. A revision is never an option of git's: it may not start with `-`,
//! and every command puts `--end-of-options` before it.

use std::io::{Read, Write};
use std::path::{Component, Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;

use crate::error::{Error, ErrorKind, Result};
use crate::location::SourceFile;
use crate::ruleset::RulesetFiles;
use crate::ruleset::load::MAX_RULESET_BYTES;

/// `git:REV:PATH` split into the revision and the path; `None` for a plain path.
pub fn parse(spec: &str) -> Option<(&str, &str)> {
    spec.strip_prefix("git:")?.split_once(':')
}

/// The ruleset files of one commit of the repository that holds the current folder.
pub struct Revision {
    /// As the user wrote it, to name files in messages: `git:HEAD~1:ruleset.yaml`.
    revision: String,
    commit: String,
}

impl Revision {
    /// The commit `revision` names, and the ruleset's path in it: `path` is from the
    /// repository's root, or from the current folder when it starts with `./`; it stays inside
    /// the repository.
    pub fn open(spec: &str, revision: &str, path: &str) -> Result<(Revision, PathBuf), Error> {
        let failed = |message: String| Error::new(ErrorKind::GitRevision { spec: spec.to_string(), message });
        if revision.is_empty() || revision.starts_with('-') || revision.chars().any(char::is_control) {
            return Err(failed(format!("`{revision}` is not a revision"))
                .help("name a commit, a branch or a tag: `git:HEAD~1:ruleset.yaml`, `git:main:ruleset.yaml`"));
        }
        let prefix = text(git(&["rev-parse", "--show-prefix"]).map_err(failed)?);
        let (from_here, path) = match path.strip_prefix("./") {
            Some(rest) => (true, rest),
            None => (false, path),
        };
        let relative = inside_repository(Path::new(path)).ok_or_else(|| {
            failed(format!("`{path}` is not a path inside the repository"))
                .help("write the path from the repository's root, or from this folder with `./`")
        })?;
        let relative = match from_here {
            true => inside_repository(&Path::new(&prefix).join(relative))
                .ok_or_else(|| failed(format!("`./{path}` is not a path inside the repository")))?,
            false => relative,
        };
        let verify = format!("{revision}^{{commit}}");
        let commit = text(
            git(&["rev-parse", "--verify", "--quiet", "--end-of-options", &verify])
                .map_err(|_| failed(format!("`{revision}` names no commit of this repository")))?,
        );
        Ok((Revision { revision: revision.to_string(), commit }, relative))
    }

    fn name(&self, path: &Path) -> String {
        format!("git:{}:{}", self.revision, path.display())
    }

    /// The object id and size of the file at `path`, symbolic links inside the revision followed.
    fn object(&self, path: &Path) -> Result<(String, u64), String> {
        let spec = format!("{}:{}", self.commit, path.display());
        if spec.contains('\n') {
            return Err("a path with a line break cannot be read from a revision".into());
        }
        let mut child = Command::new("git")
            .args(["cat-file", "--batch-check", "--follow-symlinks"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot run git: {e}"))?;
        child.stdin.take().expect("a piped stdin").write_all(format!("{spec}\n").as_bytes()).ok();
        let output = child.wait_with_output().map_err(|e| format!("cannot run git: {e}"))?;
        let answer = String::from_utf8_lossy(&output.stdout);
        let fields: Vec<&str> = answer.split_whitespace().collect();
        match fields.as_slice() {
            [id, "blob", size] => Ok((id.to_string(), size.parse().map_err(|_| "git gave no size")?)),
            [_, "tree", _] => Err("it is a folder".into()),
            ["symlink", ..] => Err("it is a symbolic link to a file outside the repository".into()),
            ["loop", ..] => Err("its symbolic links make a loop".into()),
            ["dangling", ..] | [_, "missing"] | ["notdir", ..] => Err("there is no such file".into()),
            _ => Err("there is no such file".into()),
        }
    }
}

impl RulesetFiles for Revision {
    fn read(&self, path: &Path) -> Result<Arc<SourceFile>, Error> {
        let name = self.name(path);
        let refused = |reason: &'static str| Error::new(ErrorKind::NotARuleset { path: name.clone(), reason });
        let unreadable =
            |message: String| Error::new(ErrorKind::GitRevision { spec: self.name(path), message: message.clone() });
        let path = inside_repository(path).ok_or_else(|| unreadable("it is outside the repository".into()))?;
        let (id, size) = self.object(&path).map_err(unreadable)?;
        if size > MAX_RULESET_BYTES {
            return Err(refused("it is larger than 1 MiB"));
        }
        let bytes = blob(&id, MAX_RULESET_BYTES).map_err(unreadable)?;
        let text = crate::read::decode(&bytes).map_err(|_| refused("it is not text (UTF-8, UTF-16 or GBK)"))?;
        Ok(SourceFile::new(self.name(&path), text.into_owned()))
    }
}

/// The bytes of a blob, at most `limit` of them: git's output is read no further.
fn blob(id: &str, limit: u64) -> Result<Vec<u8>, String> {
    let mut child = Command::new("git")
        .args(["cat-file", "blob", "--end-of-options", id])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot run git: {e}"))?;
    let mut bytes = Vec::new();
    let stdout = child.stdout.take().expect("a piped stdout");
    let read = stdout.take(limit + 1).read_to_end(&mut bytes);
    let _ = child.kill();
    let _ = child.wait();
    read.map_err(|e| format!("cannot read from git: {e}"))?;
    Ok(bytes)
}

/// `path` with `.` and `..` resolved, when it is relative and stays inside the folder it is
/// relative to.
fn inside_repository(path: &Path) -> Option<PathBuf> {
    let mut parts: Vec<&std::ffi::OsStr> = Vec::new();
    for component in path.components() {
        match component {
            Component::Normal(part) => parts.push(part),
            Component::CurDir => {}
            Component::ParentDir => {
                parts.pop()?;
            }
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    (!parts.is_empty()).then(|| parts.iter().collect())
}

/// A git command's standard output; its first line of errors where it fails.
fn git(args: &[&str]) -> Result<Vec<u8>, String> {
    let output = Command::new("git").args(args).output().map_err(|e| format!("cannot run git: {e}"))?;
    match output.status.success() {
        true => Ok(output.stdout),
        false => Err(String::from_utf8_lossy(&output.stderr).lines().next().unwrap_or_default().to_string()),
    }
}

fn text(bytes: Vec<u8>) -> String {
    String::from_utf8_lossy(&bytes).trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_stays_inside_the_repository() {
        assert_eq!(inside_repository(Path::new("a/./b/../c.yaml")), Some(PathBuf::from("a/c.yaml")));
        assert_eq!(inside_repository(Path::new("../c.yaml")), None);
        assert_eq!(inside_repository(Path::new("/etc/c.yaml")), None);
        assert_eq!(inside_repository(Path::new("a/..")), None);
    }
}
