//! `kpi run`: evaluate and print or write the results.

use std::io::Write;

use kpi::{Error, Errors, appraise, engine, output};

use super::args::OutputFormat;
use super::config::RunConfig;

/// Exit code when `--fail-on` matched a diagnosis.
const DIAGNOSIS_FIRED: u8 = 1;

pub fn run(config: &RunConfig) -> Result<u8, Errors> {
    let opened = &config.opened;
    let evaluation = engine::evaluate(&opened.ruleset)?;
    super::warn(&evaluation.warnings);
    let appraisal = appraise::appraise(&opened.ruleset, &evaluation, &opened.selection, opened.locale)?;
    let mut bytes = Vec::new();
    match config.format {
        OutputFormat::Table => bytes.extend(output::table(&appraisal, &opened.ruleset, opened.locale).into_bytes()),
        OutputFormat::Json => output::json(&appraisal, &mut bytes)?,
        OutputFormat::Csv => output::csv(&appraisal, &mut bytes)?,
        OutputFormat::Parquet => output::parquet(&appraisal, &mut bytes)?,
    }
    match &config.output {
        Some(path) => output::write_atomically(path, &bytes)?,
        None => std::io::stdout().write_all(&bytes).map_err(Error::internal)?,
    }
    let failed = config.fail_on.is_some_and(|severity| appraisal.fired_at_least(severity));
    Ok(if failed { DIAGNOSIS_FIRED } else { 0 })
}
