//! `kpi check`: the ruleset checked; with `--data`, every file's headers, then every file read,
//! evaluated and rolled up as `kpi run` does, so that `check` fails wherever `run` would on the
//! same files; with `--engine`, every table's columns and their types, then the same on the
//! engine. Sources missing or partial in the period a report would take (or `--period`) are
//! warnings.

use kpi::appraise::{Coverage, Selection};
use kpi::engine::Probes;
use kpi::engine::warehouse::{self, Warehouse};
use kpi::ruleset::CheckedRuleset;
use kpi::{Errors, engine, project};

use crate::cli::args::CheckArgs;
use crate::cli::progress::Waiting;
use crate::cli::shared::{open, own_period, warn};

pub struct Config {
    ruleset: CheckedRuleset,
    /// Whether the data files are checked too.
    data: bool,
    warehouse: Option<Warehouse>,
    /// The period `--period` names.
    selection: Selection,
}

impl Config {
    pub fn new(args: CheckArgs) -> Result<Config, Errors> {
        let warehouse = args.engine.warehouse()?;
        let ruleset = open(&args.input)?;
        let selection = Selection { period: own_period(&ruleset, args.period)?, entity: None };
        Ok(Config { data: args.input.data.is_some(), ruleset, warehouse, selection })
    }

    pub fn run(self) -> Result<u8, Errors> {
        warn(&kpi::ruleset::labels::missing_labels(&self.ruleset));
        let evaluation = match &self.warehouse {
            Some(on) => {
                let _waiting = Waiting::on(Some(on), self.ruleset.model.locale);
                warehouse::check_columns(&self.ruleset, on)?;
                warehouse::evaluate_where(&self.ruleset, Some(on), Probes::default())?
            }
            None if self.data => {
                warn(&project::verify_data(&self.ruleset)?);
                engine::evaluate(&self.ruleset)?
            }
            None => return Ok(0),
        };
        warn(&evaluation.warnings);
        self.selection.validate(&evaluation)?;
        let period = match self.selection.period {
            Some(period) => Some(period),
            None => evaluation.latest_complete_period(&self.ruleset)?,
        };
        let coverage = Coverage::new(&self.ruleset, &evaluation);
        warn(&coverage.warnings(&self.ruleset, &period.into_iter().collect::<Vec<_>>(), self.ruleset.model.locale));
        for attribute in &self.ruleset.model.rollups {
            engine::rollup::rollup(&self.ruleset, &evaluation, attribute, Probes::default())?;
        }
        Ok(0)
    }
}
