//! `kpi run`: the appraisal of the selected cells as a terminal table, JSON, CSV or Parquet.

use std::io::Write;
use std::path::PathBuf;

use kpi::appraise::{self, Coverage, Rollup, Selection};
use kpi::engine::Probes;
use kpi::engine::warehouse::{self, Warehouse};
use kpi::locale::Locale;
use kpi::output::{self, Format};
use kpi::ruleset::CheckedRuleset;
use kpi::ruleset::model::Severity;
use kpi::{Error, ErrorKind, Errors, engine, write};

use crate::cli::args::RunArgs;
use crate::cli::progress::Waiting;
use crate::cli::shared::{locale, open, rollups, selection, terminal_width, warn};

/// Exit code when `--fail-on` matched a diagnosis.
const DIAGNOSIS_FIRED: u8 = 1;

pub struct Config {
    ruleset: CheckedRuleset,
    /// The engine `--engine` names, if any.
    warehouse: Option<Warehouse>,
    selection: Selection,
    locale: Locale,
    format: Format,
    output: Option<PathBuf>,
    /// Tables unfitted to the terminal.
    wide: bool,
    fail_on: Option<Severity>,
    rollups: Vec<String>,
}

impl Config {
    pub fn new(args: RunArgs) -> Result<Config, Errors> {
        let RunArgs { input, engine, period, entity, format, output, language, by, wide, fail_on } = args;
        let warehouse = engine.warehouse()?;
        if format.needs_file() && output.is_none() {
            return Err(Error::new(ErrorKind::NeedsOutputFile { format: format.name() }).into());
        }
        let (ruleset, selection) = selection(open(&input)?, period.period, entity, warehouse.as_ref())?;
        let locale = locale(&ruleset, &language);
        let rollups = rollups(&ruleset, &by)?;
        Ok(Config { ruleset, warehouse, selection, locale, format, output, wide, fail_on, rollups })
    }

    pub fn run(self) -> Result<u8, Errors> {
        let waiting = Waiting::on(self.warehouse.as_ref(), self.locale);
        let evaluation = warehouse::evaluate_where(&self.ruleset, self.warehouse.as_ref(), Probes::default())?;
        drop(waiting);
        warn(&evaluation.warnings);
        let periods: Vec<_> = self.selection.periods(&evaluation).collect();
        warn(&Coverage::new(&self.ruleset, &evaluation).warnings(&self.ruleset, &periods, self.locale));
        // CSV and Parquet hold the KPI rows alone, made a part at a time; unless `--fail-on`
        // lists the diagnoses that fired, whatever the format.
        if self.format.writes_results_only() && self.fail_on.is_none() {
            let parts = appraise::results_in_parts(&self.ruleset, &evaluation, &self.selection)?;
            self.write(&output::results(self.format, parts, &self.ruleset, self.locale)?)?;
            std::mem::forget(evaluation);
            return Ok(0);
        }
        let mut appraisal = appraise::appraise(&self.ruleset, &evaluation, &self.selection, self.locale)?;
        for attribute in &self.rollups {
            let (rollup, warnings) = Rollup::new(&self.ruleset, &evaluation, attribute, &self.selection, self.locale)?;
            warn(&warnings);
            appraisal.rollups.push(rollup);
        }
        if self.format == Format::Json {
            appraisal.provenance = Some(engine::provenance::provenance(&self.ruleset)?);
        }
        let width = (self.output.is_none() && !self.wide).then(terminal_width).flatten();
        let bytes = output::render(&appraisal, &self.ruleset, self.format, self.locale, width)?;
        self.write(&bytes)?;
        let code = match self.fail_on.filter(|severity| appraisal.fired_at_least(*severity)) {
            Some(severity) => {
                eprint!("{}", output::fail_on(&appraisal, severity, self.locale));
                DIAGNOSIS_FIRED
            }
            None => 0,
        };
        // The process ends with the command: freeing the grid and every result row one by one
        // would take a tenth of the run's time on a large portfolio.
        std::mem::forget((evaluation, appraisal));
        Ok(code)
    }

    /// The output, to its file or to standard output.
    fn write(&self, bytes: &[u8]) -> Result<(), Errors> {
        match &self.output {
            Some(path) => Ok(write::atomically(path, bytes)?),
            // A reader that stops early (`| head`) is not an error.
            None => match std::io::stdout().write_all(bytes) {
                Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                written => Ok(written.map_err(|error| {
                    Error::new(ErrorKind::UnwritableFile { path: "standard output".into(), message: error.to_string() })
                })?),
            },
        }
    }
}
