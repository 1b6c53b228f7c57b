//! The rows of the later turns' shares, set aside on disk while the first turn reads a file:
//! a source read in turns (engine/shares.rs) is parsed once, not once a turn, so its cost grows
//! with its rows and not with their square.

use std::collections::HashMap;
use std::fs::File;
use std::io::BufWriter;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use polars::prelude::*;
use polars_io::parquet::write::BatchedWriter;
use polars_io::prelude::{ParquetCompression, ParquetReader, ParquetWriter, SerReader};

use crate::error::Error;
use crate::scratch::Scratch;

/// The files set aside in one run, in a private folder removed when the run ends.
pub struct Spills {
    folder: Scratch,
    /// What a read is (its source, file and columns) → its rows, once wholly set aside.
    set_aside: Mutex<HashMap<String, Spilled>>,
}

enum Spilled {
    /// The first turn's read is setting them aside.
    Writing,
    /// One file per share (the first turn's own share has none).
    Complete(Vec<PathBuf>),
}

impl Spills {
    pub fn new() -> Result<Arc<Spills>, Error> {
        Ok(Arc::new(Spills { folder: Scratch::new("turns")?, set_aside: Mutex::new(HashMap::new()) }))
    }

    /// The rows of `share` of the read `key`, when an earlier turn set them all aside (the
    /// first turn's own share, read again, is not).
    pub fn rows(&self, key: &str, share: u32) -> Result<Option<DataFrame>, String> {
        let path = match self.set_aside.lock().expect("not poisoned").get(key) {
            Some(Spilled::Complete(paths)) if share > 0 => paths[share as usize].clone(),
            _ => return Ok(None),
        };
        let file = File::open(&path).map_err(|e| e.to_string())?;
        ParquetReader::new(file).finish().map(Some).map_err(|e| e.to_string())
    }

    /// A writer of the rows of every share but the first of the read `key`, unless another
    /// read of it is setting them aside or has.
    pub fn writer(self: &Arc<Spills>, key: &str, shares: u32) -> Option<SpillWriter> {
        let mut set_aside = self.set_aside.lock().expect("not poisoned");
        if set_aside.contains_key(key) {
            return None;
        }
        let number = set_aside.len();
        set_aside.insert(key.to_string(), Spilled::Writing);
        let paths = (0..shares).map(|share| self.folder.path().join(format!("{number}-{share}.parquet"))).collect();
        Some(SpillWriter { spills: self.clone(), key: key.to_string(), paths, writers: Vec::new() })
    }
}

/// The rows of the later shares of one read, written as the read goes.
pub struct SpillWriter {
    spills: Arc<Spills>,
    key: String,
    paths: Vec<PathBuf>,
    /// One per share once the first rows come (their columns give the files' schema).
    writers: Vec<Option<BatchedWriter<BufWriter<File>>>>,
}

impl SpillWriter {
    /// Sets aside `rows` of `share`.
    pub fn write(&mut self, share: u32, mut rows: DataFrame) -> Result<(), String> {
        if self.writers.is_empty() {
            for (index, path) in self.paths.iter().enumerate() {
                let writer = match index {
                    0 => None,
                    _ => {
                        let file = BufWriter::new(File::create(path).map_err(|e| e.to_string())?);
                        let writer = ParquetWriter::new(file).with_compression(ParquetCompression::Lz4Raw);
                        Some(writer.batched(rows.schema()).map_err(|e| e.to_string())?)
                    }
                };
                self.writers.push(writer);
            }
        }
        let writer = self.writers[share as usize].as_mut().expect("a later share");
        rows.rechunk_mut();
        writer.write_batch(&rows).map_err(|e| e.to_string())
    }

    /// Every later share's rows are written: the next turns read them from here.
    pub fn finish(self) -> Result<(), String> {
        for writer in self.writers.iter().flatten() {
            writer.finish().map_err(|e| e.to_string())?;
        }
        if self.writers.is_empty() {
            // No rows at all: no share has any, and the next turns read the file again.
            self.spills.set_aside.lock().expect("not poisoned").remove(&self.key);
            return Ok(());
        }
        let paths = self.paths.clone();
        self.spills.set_aside.lock().expect("not poisoned").insert(self.key.clone(), Spilled::Complete(paths));
        Ok(())
    }
}
