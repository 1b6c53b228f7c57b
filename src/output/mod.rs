//! `kpi run` output: JSON (the full appraisal), CSV and Parquet (the KPI rows), a workbook, and a
//! terminal table for people; and the text of `kpi explain`.

mod csv;
mod explain;
mod sources;
mod table;
mod xlsx;

use polars::prelude::*;
use polars_io::prelude::ParquetWriter;

use crate::appraise::{Appraisal, KpiResult};
use crate::error::{Error, Result};
use crate::locale::Locale;
use crate::ruleset::CheckedRuleset;

pub use explain::explanation;
pub use sources::sources;
pub use table::{fail_on, table};

/// How `kpi run` writes an appraisal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
    Csv,
    Parquet,
    Xlsx,
}

impl Format {
    /// Whether the format is for a file, not a terminal.
    pub fn needs_file(self) -> bool {
        matches!(self, Format::Parquet | Format::Xlsx)
    }

    /// Whether the format writes only the KPI rows (no scorecards, no diagnoses).
    pub fn writes_results_only(self) -> bool {
        matches!(self, Format::Csv | Format::Parquet)
    }

    pub fn name(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Json => "json",
            Format::Csv => "csv",
            Format::Parquet => "parquet",
            Format::Xlsx => "xlsx",
        }
    }
}

/// The appraisal in `format`, its labels and texts in `locale`; a table wraps to `width`.
pub fn render(
    appraisal: &Appraisal,
    ruleset: &CheckedRuleset,
    format: Format,
    locale: Locale,
    width: Option<u16>,
) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    match format {
        Format::Table => bytes.extend(table(appraisal, ruleset, locale, width).into_bytes()),
        Format::Json => {
            serde_json::to_writer_pretty(&mut bytes, appraisal).map_err(Error::internal)?;
            bytes.push(b'\n');
        }
        Format::Csv | Format::Parquet => bytes = results(format, [&appraisal.results], ruleset, locale)?,
        Format::Xlsx => bytes = xlsx::results(appraisal, ruleset, locale)?,
    }
    Ok(bytes)
}

/// The KPI rows, given a part at a time, as CSV or Parquet (a row group a part), each part
/// written before the next is made.
pub fn results(
    format: Format,
    parts: impl IntoIterator<Item = impl AsRef<[KpiResult]>>,
    ruleset: &CheckedRuleset,
    locale: Locale,
) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    match format {
        Format::Parquet => {
            let empty = results_frame(&[])?;
            let mut writer = ParquetWriter::new(&mut bytes).batched(empty.schema()).map_err(Error::internal)?;
            for part in parts {
                writer.write_batch(&results_frame(part.as_ref())?).map_err(Error::internal)?;
            }
            writer.finish().map_err(Error::internal)?;
        }
        _ => {
            let mut text = csv::header();
            for part in parts {
                csv::rows(&mut text, part.as_ref(), ruleset, locale);
            }
            bytes = text.into_bytes();
        }
    }
    Ok(bytes)
}

/// The KPI rows as a frame with the columns of the JSON `results`: Parquet is read by
/// programs, which get every text as it is.
fn results_frame(rows: &[KpiResult]) -> Result<DataFrame> {
    let text = |name: &str, get: fn(&KpiResult) -> Option<&str>| {
        StringChunked::from_iter_options(name.into(), rows.iter().map(get)).into_column()
    };
    let number = |name: &str, get: fn(&KpiResult) -> Option<f64>| {
        Float64Chunked::from_iter_options(name.into(), rows.iter().map(get)).into_column()
    };
    let frame = DataFrame::new_infer_height(vec![
        text("entity", |r| Some(&r.entity)),
        text("period", |r| Some(&r.period)),
        text("kpi", |r| Some(&r.kpi)),
        number("value", |r| r.value),
        number("target", |r| r.target),
        number("attainment", |r| r.attainment),
        number("score", |r| r.score),
        text("band", |r| r.band.as_deref()),
        BooleanChunked::from_iter_values("partial".into(), rows.iter().map(|r| r.partial)).into_column(),
    ]);
    // Columns of one length each, written into memory: a failure is a bug.
    Ok(frame.map_err(Error::internal)?)
}
