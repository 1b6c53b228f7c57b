//! `kpi sql`: the query an engine runs for a ruleset whose sources are warehouse tables.

use kpi::Errors;
use kpi::engine::Period;
use kpi::ruleset::CheckedRuleset;
use kpi::sql::Query;

use crate::cli::args::{Input, SqlArgs};
use crate::cli::shared::open;

pub struct Config {
    ruleset: CheckedRuleset,
    query: Query,
    period: Option<Period>,
}

impl Config {
    pub fn new(args: SqlArgs) -> Result<Config, Errors> {
        let SqlArgs { ruleset, dialect, period } = args;
        let ruleset = open(&Input { ruleset, data: None })?;
        let period = period.period.map(|label| Period::read(ruleset.model.grain.period, &label)).transpose()?;
        let query = Query::new(&ruleset, dialect, &[])?;
        Ok(Config { ruleset, query, period })
    }

    pub fn run(self) -> Result<u8, Errors> {
        print!("{}", self.query.script(&self.ruleset, self.period.map(|period| period.start)));
        Ok(0)
    }
}
