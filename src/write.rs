//! Writing files whole or not at all.

use std::path::Path;

use crate::error::{Error, ErrorKind};

/// Writes `bytes` to a temporary file beside `path`, then renames it over `path`: a reader
/// never sees a half-written file, and a failure leaves any previous file untouched.
pub fn atomically(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let unwritable = |e: std::io::Error| {
        Error::new(ErrorKind::UnwritableFile { path: path.display().to_string(), message: e.to_string() })
    };
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
