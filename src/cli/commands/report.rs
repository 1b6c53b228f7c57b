//! `kpi report`: the portfolio and entity reports of a period, with a progress bar on a terminal.

use kpi::Errors;
use kpi::engine;
use kpi::report::{ReportFormat, ReportOptions, render_reports};
use kpi::ruleset::CheckedRuleset;

use crate::cli::args::ReportArgs;
use crate::cli::progress::Progress;
use crate::cli::shared::{folder, locale, open, rollups, selection, warn};

pub struct Config {
    ruleset: CheckedRuleset,
    options: ReportOptions,
    rollups: Vec<String>,
}

impl Config {
    pub fn new(args: ReportArgs) -> Result<Config, Errors> {
        let ReportArgs { input, period, format, language, templates, per_entity, by, output } = args;
        folder("--templates", templates.as_ref())?;
        let ruleset = open(&input)?;
        let period = selection(&ruleset, period.period, None)?.period;
        let mut formats: Vec<ReportFormat> = format;
        formats.dedup();
        let locale = locale(&ruleset, &language);
        let rollups = rollups(&ruleset, &by)?;
        let options = ReportOptions { formats, locale, templates, per_entity, period, output };
        Ok(Config { ruleset, options, rollups })
    }

    pub fn run(self) -> Result<u8, Errors> {
        let Config { ruleset, options, rollups } = self;
        let evaluation = engine::evaluate_with(&ruleset, options.probes(&ruleset))?;
        warn(&evaluation.warnings);
        let progress = Progress::new("rendering reports");
        let written = render_reports(&ruleset, &evaluation, &options, &|done, total| progress.update(done, total))?;
        progress.finish();
        let dir = options.output.join(written.period.label());
        let dir = kpi::words::printable(&dir.display().to_string());
        eprintln!("wrote {} reports for {} into {dir}", written.files.len(), written.period.label());
        for attribute in rollups {
            // Each roll-up's reports: its groups ranked, and one report per group.
            let groups = engine::rollup::rollup(&ruleset, &evaluation, &attribute, options.probes(&ruleset))?;
            warn(&groups.warnings);
            let output = options.output.join("rollups").join(&attribute);
            let options = ReportOptions { output, period: Some(written.period), ..options.clone() };
            let progress = Progress::new("rendering roll-up reports");
            let done = render_reports(&ruleset, &groups, &options, &|done, total| progress.update(done, total))?;
            progress.finish();
            let dir = kpi::words::printable(&options.output.join(done.period.label()).display().to_string());
            eprintln!("wrote {} reports of the roll-up by `{attribute}` into {dir}", done.files.len());
        }
        Ok(0)
    }
}
