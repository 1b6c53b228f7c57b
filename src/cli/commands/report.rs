//! `kpi report`: the portfolio and entity reports of a period, with a progress bar on a terminal.

use kpi::Errors;
use kpi::engine;
use kpi::report::{ReportFormat, ReportOptions, render_reports};
use kpi::ruleset::CheckedRuleset;

use crate::cli::args::ReportArgs;
use crate::cli::progress::Progress;
use crate::cli::shared::{folder, locale, open, selection, warn};

pub struct Config {
    ruleset: CheckedRuleset,
    options: ReportOptions,
}

impl Config {
    pub fn new(args: ReportArgs) -> Result<Config, Errors> {
        let ReportArgs { input, period, format, language, templates, per_entity, output } = args;
        folder("--templates", templates.as_ref())?;
        let ruleset = open(&input)?;
        let period = selection(&ruleset, period.period, None)?.period;
        let mut formats: Vec<ReportFormat> = format;
        formats.dedup();
        let locale = locale(&ruleset, &language);
        let options = ReportOptions { formats, locale, templates, per_entity, period, output };
        Ok(Config { ruleset, options })
    }

    pub fn run(self) -> Result<u8, Errors> {
        let Config { ruleset, options } = self;
        let evaluation = engine::evaluate_with(&ruleset, options.probes(&ruleset))?;
        warn(&evaluation.warnings);
        let progress = Progress::new("rendering reports");
        let written = render_reports(&ruleset, &evaluation, &options, &|done, total| progress.update(done, total))?;
        progress.finish();
        let dir = options.output.join(written.period.label());
        let dir = kpi::words::printable(&dir.display().to_string());
        eprintln!("wrote {} reports for {} into {dir}", written.files.len(), written.period.label());
        Ok(0)
    }
}
