//! A scratch folder in the system's temporary folder, removed when dropped: for a test case's
//! rows, or a ruleset checked out at a git revision.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::error::{Error, Result};

pub struct Scratch(PathBuf);

impl Scratch {
    /// A new, empty folder named after `purpose` and this process.
    pub fn new(purpose: &str) -> Result<Scratch> {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("kpi-{purpose}-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&dir).map_err(Error::internal)?;
        Ok(Scratch(dir))
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
