//! `kpi check`: the ruleset checked; with `--data`, every file's headers, then every file read,
//! evaluated and rolled up as `kpi run` does, so that `check` fails wherever `run` would on the
//! same files.

use kpi::engine::Probes;
use kpi::ruleset::CheckedRuleset;
use kpi::{Errors, engine, project};

use crate::cli::args::CheckArgs;
use crate::cli::shared::{open, warn};

pub struct Config {
    ruleset: CheckedRuleset,
    /// Whether the data files are checked too.
    data: bool,
}

impl Config {
    pub fn new(args: CheckArgs) -> Result<Config, Errors> {
        Ok(Config { data: args.input.data.is_some(), ruleset: open(&args.input)? })
    }

    pub fn run(self) -> Result<u8, Errors> {
        warn(&kpi::ruleset::labels::missing_labels(&self.ruleset));
        if self.data {
            warn(&project::verify_data(&self.ruleset)?);
            let evaluation = engine::evaluate(&self.ruleset)?;
            for attribute in &self.ruleset.model.rollups {
                engine::rollup::rollup(&self.ruleset, &evaluation, attribute, Probes::default())?;
            }
        }
        Ok(0)
    }
}
