//! `kpi report`: render the reports, with a progress bar on a terminal.

use std::path::PathBuf;

use kpi::report::{ReportFormat, ReportOptions, render_reports};
use kpi::{Error, Errors};

use super::args::ReportFormatArg;
use super::config::{Flags, Opened};
use super::progress::Progress;

pub fn report(
    flags: Flags,
    formats: &[ReportFormatArg],
    templates: Option<PathBuf>,
    per_entity: bool,
    output: PathBuf,
) -> Result<u8, Errors> {
    if let Some(dir) = templates.as_ref().filter(|dir| !dir.is_dir()) {
        return Err(Error::usage(format!("`--templates {}` is not a folder", dir.display())).into());
    }
    let mut formats: Vec<ReportFormat> = formats
        .iter()
        .map(|format| match format {
            ReportFormatArg::Html => ReportFormat::Html,
            ReportFormatArg::Md => ReportFormat::Markdown,
        })
        .collect();
    formats.dedup();
    let opened = Opened::new(flags)?;
    let options = ReportOptions {
        formats,
        locale: opened.locale,
        templates,
        per_entity,
        period: opened.selection.period,
        output,
    };
    let progress = Progress::new("rendering reports");
    let written = render_reports(&opened.ruleset, &options, &|done, total| progress.update(done, total))?;
    progress.finish();
    super::warn(&written.warnings);
    eprintln!(
        "wrote {} reports for {} into {}",
        written.files.len(),
        written.period.label(),
        options.output.join(written.period.label()).display()
    );
    Ok(0)
}
