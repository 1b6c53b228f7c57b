//! `kpi run` output: JSON (the full appraisal), CSV and Parquet (the KPI rows), and a terminal
//! table for people.

mod explain;
mod table;

use std::io::Write;

use polars::prelude::*;

use crate::appraise::Appraisal;
use crate::error::{Error, Result};

pub use explain::explanation;
pub use table::table;

pub fn json(appraisal: &Appraisal, out: &mut dyn Write) -> Result<()> {
    serde_json::to_writer_pretty(&mut *out, appraisal).map_err(Error::internal)?;
    writeln!(out).map_err(Error::internal)?;
    Ok(())
}

/// The KPI rows as a frame with the columns of the JSON `results`.
fn results_frame(appraisal: &Appraisal) -> Result<DataFrame> {
    let rows = &appraisal.results;
    let text = |name: &str, get: &dyn Fn(usize) -> Option<String>| {
        Column::new(name.into(), (0..rows.len()).map(get).collect::<Vec<_>>())
    };
    let number = |name: &str, get: &dyn Fn(usize) -> Option<f64>| {
        Column::new(name.into(), (0..rows.len()).map(get).collect::<Vec<_>>())
    };
    let frame = DataFrame::new_infer_height(vec![
        text("entity", &|i| Some(rows[i].entity.clone())),
        text("period", &|i| Some(rows[i].period.clone())),
        text("kpi", &|i| Some(rows[i].kpi.clone())),
        number("value", &|i| rows[i].value),
        number("target", &|i| rows[i].target),
        number("attainment", &|i| rows[i].attainment),
        number("score", &|i| rows[i].score),
        text("band", &|i| rows[i].band.clone()),
    ])?;
    Ok(frame)
}

pub fn csv(appraisal: &Appraisal, out: &mut dyn Write) -> Result<()> {
    let mut frame = results_frame(appraisal)?;
    CsvWriter::new(out).include_header(true).finish(&mut frame)?;
    Ok(())
}

pub fn parquet(appraisal: &Appraisal, out: &mut dyn Write) -> Result<()> {
    let mut frame = results_frame(appraisal)?;
    ParquetWriter::new(out).finish(&mut frame)?;
    Ok(())
}

/// Writes `bytes` to a temporary file beside `path`, then renames it over `path`: a reader
/// never sees a half-written file, and a failure leaves any previous file untouched.
pub fn write_atomically(path: &std::path::Path, bytes: &[u8]) -> Result<()> {
    let unwritable = |e: std::io::Error| {
        Error::new(crate::error::ErrorKind::UnreadableFile { path: path.display().to_string(), message: e.to_string() })
    };
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
    std::fs::create_dir_all(dir).map_err(unwritable)?;
    let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    let temporary = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    std::fs::write(&temporary, bytes).map_err(unwritable)?;
    std::fs::rename(&temporary, path).map_err(|e| {
        let _ = std::fs::remove_file(&temporary);
        unwritable(e).into()
    })
}
