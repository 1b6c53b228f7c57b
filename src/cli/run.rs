//! `kpi run`: evaluate and print or write the results.

use std::io::Write;

use kpi::{Error, Errors, appraise, engine, output};

use super::args::OutputFormat;
use super::config::RunConfig;

pub fn run(config: &RunConfig) -> Result<u8, Errors> {
    let evaluation = engine::evaluate(&config.ruleset)?;
    let appraisal = appraise::appraise(&config.ruleset, &evaluation, &config.selection)?;
    let mut bytes = Vec::new();
    match config.format {
        OutputFormat::Table => bytes.extend(output::table(&appraisal, &config.ruleset, config.locale).into_bytes()),
        OutputFormat::Json => output::json(&appraisal, &mut bytes)?,
        OutputFormat::Csv => output::csv(&appraisal, &mut bytes)?,
        OutputFormat::Parquet => output::parquet(&appraisal, &mut bytes)?,
    }
    match &config.output {
        Some(path) => kpi::output::write_atomically(path, &bytes)?,
        None => std::io::stdout().write_all(&bytes).map_err(Error::internal)?,
    }
    Ok(0)
}
