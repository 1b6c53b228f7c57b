//! `kpi explain`: the audit trail of one KPI for one entity and period.

use kpi::appraise::{Selection, explain};
use kpi::engine::Probes;
use kpi::engine::warehouse::{self, Warehouse};
use kpi::locale::Locale;
use kpi::ruleset::CheckedRuleset;
use kpi::{Errors, output};

use crate::cli::args::ExplainArgs;
use crate::cli::progress::Waiting;
use crate::cli::shared::{locale, open, selection, warn};

pub struct Config {
    ruleset: CheckedRuleset,
    warehouse: Option<Warehouse>,
    kpi: String,
    selection: Selection,
    locale: Locale,
}

impl Config {
    pub fn new(args: ExplainArgs) -> Result<Config, Errors> {
        let ExplainArgs { input, engine, kpi, entity, period, language } = args;
        let warehouse = engine.warehouse()?;
        let ruleset = open(&input)?;
        explain::known_kpi(&ruleset, &kpi)?;
        let (ruleset, selection) = selection(ruleset, Some(period), Some(entity), warehouse.as_ref())?;
        let locale = locale(&ruleset, &language);
        Ok(Config { ruleset, warehouse, kpi, selection, locale })
    }

    pub fn run(self) -> Result<u8, Errors> {
        let probes = Probes::for_kpis(&self.ruleset, [self.kpi.as_str()]);
        let waiting = Waiting::on(self.warehouse.as_ref(), self.locale);
        let evaluation = warehouse::evaluate_where(&self.ruleset, self.warehouse.as_ref(), probes)?;
        drop(waiting);
        warn(&evaluation.warnings);
        let explanation = explain::explain(&self.ruleset, &evaluation, &self.kpi, &self.selection, self.locale)?;
        print!("{}", output::explanation(&explanation, self.locale));
        Ok(0)
    }
}
