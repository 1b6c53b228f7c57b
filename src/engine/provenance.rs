//! What produced an output: the effective ruleset and the data files, each named by a content
//! hash, so that two results can be told apart (or known alike) by their inputs alone.

use std::io::Read;

use serde::Serialize;

use super::files;
use crate::error::{Error, ErrorKind, Result};
use crate::fingerprint::Fingerprint;
use crate::ruleset::{CheckedRuleset, Ruleset};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Provenance {
    /// The hash of the ruleset as `extends` and `remove` leave it: the same for any files that
    /// merge to the same ruleset.
    pub ruleset_hash: String,
    /// The hash of every file every source reads: its path (from the data folder) and its bytes.
    pub data_hash: String,
}

pub fn provenance(ruleset: &CheckedRuleset) -> Result<Provenance> {
    let mut data = Fingerprint::default();
    let mut buffer = vec![0u8; 1 << 16];
    for (name, source) in &ruleset.model.sources {
        data.update(name.as_bytes());
        for (path, _) in files::find_parts(source, &ruleset.base_dir).unwrap_or_default() {
            let relative = path.strip_prefix(&ruleset.base_dir).unwrap_or(&path);
            data.update(relative.to_string_lossy().as_bytes());
            let unreadable = |error: std::io::Error| {
                Error::new(ErrorKind::UnreadableFile { path: path.display().to_string(), message: error.to_string() })
            };
            let mut file = crate::read::open(&path).map_err(unreadable)?;
            loop {
                let read = file.read(&mut buffer).map_err(unreadable)?;
                if read == 0 {
                    break;
                }
                data.update(&buffer[..read]);
            }
        }
    }
    Ok(Provenance { ruleset_hash: ruleset_hash(&ruleset.model), data_hash: data.hex() })
}

/// The hash of a ruleset as `extends` and `remove` leave it.
pub fn ruleset_hash(model: &Ruleset) -> String {
    let mut hash = Fingerprint::default();
    hash.update(&serde_json::to_vec(model).expect("a ruleset serializes"));
    hash.hex()
}
