//! Parquet: columns carry their own types; read from disk when the plan runs.

use std::fs::File;
use std::path::{Path, PathBuf};

use polars::prelude::*;
use polars_io::prelude::{ParquetReader, SerReader};

use super::blocks::Keep;
use super::deferred::{Wanted, deferred};
use super::{Reader, SAMPLE_ROWS};
use crate::ruleset::model::Source;

struct Parquet {
    path: PathBuf,
}

pub fn open(path: &Path, _source: &Source) -> Result<Box<dyn Reader>, String> {
    Ok(Box::new(Parquet { path: path.to_path_buf() }))
}

/// The file's reader: opened here, not by path, as the reader would read a leading `~` as the
/// home folder.
fn reader(path: &Path) -> Result<ParquetReader<File>, String> {
    Ok(ParquetReader::new(File::open(path).map_err(|e| e.to_string())?))
}

impl Reader for Parquet {
    fn sample(&self) -> Result<DataFrame, String> {
        reader(&self.path)?.with_slice(Some((0, SAMPLE_ROWS))).finish().map_err(|e| e.to_string())
    }

    fn scan(&self, _dtypes: &[(String, DataType)]) -> Result<LazyFrame, String> {
        let schema = reader(&self.path)?.schema().map_err(|e| e.to_string())?;
        let schema = Schema::from_arrow_schema(&schema);
        let path = self.path.clone();
        deferred(schema, move |wanted: Wanted| {
            let columns = wanted.columns.map(|names| names.iter().map(|name| name.to_string()).collect());
            let read = reader(&path)?.with_columns(columns).with_slice(wanted.rows.map(|rows| (0, rows)));
            read.finish().map_err(|e| e.to_string())
        })
    }

    /// The file a row group at a time (the unit Parquet is written and decoded in).
    fn scan_kept(&self, _dtypes: &[(String, DataType)], keep: Keep) -> Result<LazyFrame, String> {
        let schema = Schema::from_arrow_schema(reader(&self.path)?.schema().map_err(|e| e.to_string())?.as_ref());
        let path = self.path.clone();
        deferred(schema, move |wanted: Wanted| {
            let columns: Option<Vec<String>> =
                keep.columns_for(&wanted.columns).map(|names| names.iter().map(|name| name.to_string()).collect());
            keep.read(format!("{}\u{0}{columns:?}", path.display()), &wanted, || {
                let metadata = reader(&path)?.get_metadata().map_err(|e| e.to_string())?.clone();
                let mut offset = 0;
                let mut slices = vec![(0, 0)];
                for group in &metadata.row_groups {
                    slices.push((offset, group.num_rows()));
                    offset += group.num_rows();
                }
                let path = path.clone();
                Ok(slices.into_iter().map(move |slice| {
                    let read = reader(&path)?.with_columns(columns.clone()).with_slice(Some(slice));
                    read.finish().map_err(|e| e.to_string())
                }))
            })
        })
    }

    /// Parquet has no header line: data row 0 is row 1.
    fn data_line(&self, index: usize) -> usize {
        index + 1
    }
}
