//! The files of a case in its scratch folder: each created where nothing was, and fixtures
//! copied from regular files only.

use std::path::Path;

use crate::error::{Error, ErrorKind};

/// A fixture file copied into the case's scratch folder: a regular file (a named pipe would
/// block the copy forever), to a file that was not there.
pub(super) fn copy_fixture(from: &Path, to: &Path) -> Result<(), Error> {
    let unreadable = |e: std::io::Error| {
        Error::new(ErrorKind::UnreadableFile { path: from.display().to_string(), message: e.to_string() })
    };
    let mut source = crate::read::open(from).map_err(unreadable)?;
    let mut copy = new_file(to)?;
    std::io::copy(&mut source, &mut copy).map_err(|e| unwritable(to, e))?;
    Ok(())
}

/// A file created in the case's scratch folder, where nothing was.
pub(super) fn new_file(path: &Path) -> Result<std::fs::File, Error> {
    std::fs::OpenOptions::new().write(true).create_new(true).open(path).map_err(|e| unwritable(path, e))
}

pub(super) fn unwritable(path: &Path, error: std::io::Error) -> Error {
    Error::new(ErrorKind::UnwritableFile { path: path.display().to_string(), message: error.to_string() })
}
