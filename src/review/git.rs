//! `git:REV:PATH`: a ruleset as it was at a git revision, with the files it extends at that
//! revision. The revision's tree is exported into a scratch folder (`git archive`), so that
//! relative `extends` resolve there and nothing of the working copy changes.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::error::{Error, ErrorKind, Result};
use crate::scratch::Scratch;

/// A ruleset at a revision: its path inside the scratch folder that holds the revision's tree.
pub struct AtRevision {
    pub scratch: Scratch,
    pub path: PathBuf,
}

/// `git:REV:PATH` split into the revision and the path; `None` for a plain path.
pub fn parse(spec: &str) -> Option<(&str, &str)> {
    spec.strip_prefix("git:")?.split_once(':')
}

/// The revision's tree of the repository holding the current folder, and the ruleset in it. A
/// `PATH` is from the repository's root, or from the current folder when it starts with `./`.
pub fn checkout(spec: &str, revision: &str, path: &str) -> Result<AtRevision> {
    let failed = |message: String| Error::new(ErrorKind::GitRevision { spec: spec.to_string(), message });
    let git = |args: &[&str]| -> Result<Vec<u8>, Error> {
        let output = Command::new("git").args(args).output().map_err(|e| failed(format!("cannot run git: {e}")))?;
        match output.status.success() {
            true => Ok(output.stdout),
            false => {
                Err(failed(String::from_utf8_lossy(&output.stderr).lines().next().unwrap_or_default().to_string()))
            }
        }
    };
    let text = |bytes: Vec<u8>| String::from_utf8_lossy(&bytes).trim().to_string();
    let prefix = text(git(&["rev-parse", "--show-prefix"])?);
    let relative = match path.strip_prefix("./") {
        Some(from_here) => Path::new(&prefix).join(from_here),
        None => PathBuf::from(path),
    };
    let scratch = Scratch::new("revision")?;
    let archive = git(&["archive", "--format=tar", revision])?;
    unpack(&archive, scratch.path()).map_err(|e| failed(format!("cannot unpack the revision: {e}")))?;
    let path = scratch.path().join(&relative);
    if !path.is_file() {
        return Err(failed(format!("`{}` is not in revision `{revision}`", relative.display())).into());
    }
    Ok(AtRevision { scratch, path })
}

/// A tar archive's files written under `into` (regular files and folders; `git archive` writes
/// nothing else that a ruleset needs).
fn unpack(archive: &[u8], into: &Path) -> std::io::Result<()> {
    let mut at = 0;
    let mut long_name: Option<String> = None;
    while at + 512 <= archive.len() {
        let header = &archive[at..at + 512];
        if header.iter().all(|b| *b == 0) {
            break;
        }
        let field = |start: usize, len: usize| {
            let raw = &header[start..start + len];
            String::from_utf8_lossy(&raw[..raw.iter().position(|b| *b == 0).unwrap_or(len)]).to_string()
        };
        let size = usize::from_str_radix(field(124, 12).trim(), 8).unwrap_or(0);
        let kind = header[156];
        let prefix = field(345, 155);
        let name = long_name
            .take()
            .unwrap_or_else(|| if prefix.is_empty() { field(0, 100) } else { format!("{prefix}/{}", field(0, 100)) });
        let body = &archive[at + 512..(at + 512 + size).min(archive.len())];
        match kind {
            // A pax header: its `path=` record names the next entry.
            b'x' => {
                let records = String::from_utf8_lossy(body);
                long_name = records.lines().find_map(|r| r.split_once("path=").map(|(_, p)| p.to_string()));
            }
            b'0' | 0 if !name.contains("..") => {
                let path = into.join(&name);
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent)?;
                }
                std::fs::write(path, body)?;
            }
            b'5' if !name.contains("..") => std::fs::create_dir_all(into.join(&name))?,
            _ => {}
        }
        at += 512 + size.div_ceil(512) * 512;
    }
    Ok(())
}
