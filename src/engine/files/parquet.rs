//! Parquet: columns carry their own types; scanned lazily from disk.

use std::path::{Path, PathBuf};

use polars::prelude::*;

use super::{Reader, SAMPLE_ROWS};
use crate::ruleset::model::Source;

struct Parquet {
    path: PathBuf,
}

pub fn open(path: &Path, _source: &Source) -> Result<Box<dyn Reader>, String> {
    Ok(Box::new(Parquet { path: path.to_path_buf() }))
}

impl Reader for Parquet {
    fn sample(&self) -> Result<DataFrame, String> {
        self.scan(&[])?.limit(SAMPLE_ROWS as IdxSize).collect().map_err(|e| e.to_string())
    }

    fn scan(&self, _dtypes: &[(String, DataType)]) -> Result<LazyFrame, String> {
        let path = PlRefPath::try_from_path(&self.path).map_err(|e| e.to_string())?;
        // The path is the file found, never a pattern: `export[1].parquet` is that file.
        LazyFrame::scan_parquet(path, ScanArgsParquet { glob: false, ..Default::default() }).map_err(|e| e.to_string())
    }

    /// Parquet has no header line: data row 0 is row 1.
    fn data_line(&self, index: usize) -> usize {
        index + 1
    }
}
