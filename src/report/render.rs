//! `kpi report`: the portfolio overview and, on request, one report per entity, in HTML and
//! Markdown, rendered in parallel and each written whole or not at all.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

use super::build::ReportData;
use super::names::{ENTITY_FOLDER, file_stems};
use super::templates::Templates;
use crate::appraise::Selection;
use crate::engine::{Evaluation, Period, Probes};
use crate::error::{Error, Result};
use crate::locale::Locale;
use crate::ruleset::CheckedRuleset;
use crate::ruleset::model::{Audience, Section};
use crate::write;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReportFormat {
    Html,
    Markdown,
}

impl ReportFormat {
    pub fn extension(self) -> &'static str {
        match self {
            ReportFormat::Html => "html",
            ReportFormat::Markdown => "md",
        }
    }
}

#[derive(Clone)]
pub struct ReportOptions {
    pub formats: Vec<ReportFormat>,
    pub locale: Locale,
    /// Who the reports are for: the client's, or with the working papers.
    pub audience: Audience,
    /// A client's templates, which win over the shipped ones by name.
    pub templates: Option<PathBuf>,
    pub per_entity: bool,
    /// The period to report; by default the latest with data.
    pub period: Option<Period>,
    pub output: PathBuf,
}

impl ReportOptions {
    /// What the evaluation must compute besides the grid: the parts of every KPI's formula,
    /// for the calculation appendix of entity reports, which the working papers hold.
    pub fn probes(&self, ruleset: &CheckedRuleset) -> Probes {
        match self.explains(ruleset) {
            true => Probes::for_kpis(ruleset, ruleset.kpis.keys().map(String::as_str)),
            false => Probes::default(),
        }
    }

    /// Whether entity reports with a calculation appendix are written.
    fn explains(&self, ruleset: &CheckedRuleset) -> bool {
        self.per_entity && ruleset.model.sections(self.audience).contains(&Section::Appendix)
    }
}

/// What a run wrote.
pub struct Written {
    pub period: Period,
    pub files: Vec<PathBuf>,
}

/// Renders the reports of an evaluation made with [`ReportOptions::probes`]; `progress(done,
/// total)` is called as each report is rendered. The whole set is rendered first and then moved
/// into place: a failure leaves the previous reports as they were.
pub fn render_reports(
    ruleset: &CheckedRuleset,
    evaluation: &Evaluation,
    options: &ReportOptions,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Written> {
    if options.explains(ruleset) && !ruleset.kpis.keys().all(|kpi| evaluation.probes.explain(kpi)) {
        return Err(Error::internal("entity reports need an evaluation that explains every KPI").into());
    }
    let period = report_period(ruleset, evaluation, options.period)?;
    let data = ReportData::new(ruleset, evaluation, period, options.locale)?.for_audience(options.audience);
    let stems = if options.per_entity { file_stems(data.entities()) } else { Vec::new() };
    let dir = options.output.join(period.label());
    let writer = Writer {
        staged: write::Staged::new(&dir)?,
        dir,
        formats: &options.formats,
        templates: Templates::new(ruleset, options.locale, options.templates.clone()),
        done: AtomicUsize::new(0),
        total: (1 + (0..stems.len()).filter(|e| !data.is_competitor(*e)).count()) * options.formats.len(),
        progress,
    };
    writer.portfolio(&data, &stems)?;
    if options.per_entity {
        writer.entities(&data, &stems)?;
    }
    Ok(Written { period, files: writer.staged.commit()? })
}

/// The period asked for, or the latest with data.
fn report_period(ruleset: &CheckedRuleset, evaluation: &Evaluation, wanted: Option<Period>) -> Result<Period> {
    match wanted {
        Some(period) => {
            Selection { period: Some(period), entity: None }.validate(evaluation)?;
            Ok(period)
        }
        None => {
            let latest = evaluation.latest_period_with_data(ruleset)?;
            // A grid has periods only where some source has rows (`NoDatedRows` otherwise).
            latest.ok_or_else(|| Error::internal("a grid without a period with rows").into())
        }
    }
}

/// Renders the reports of one run into a staging folder, counting them as it goes.
struct Writer<'a> {
    staged: write::Staged,
    dir: PathBuf,
    formats: &'a [ReportFormat],
    templates: Templates,
    done: AtomicUsize,
    total: usize,
    progress: &'a (dyn Fn(usize, usize) + Sync),
}

impl Writer<'_> {
    fn write(&self, path: PathBuf, text: &str) -> Result<()> {
        self.staged.write(&path, text.as_bytes())?;
        (self.progress)(self.done.fetch_add(1, Ordering::Relaxed) + 1, self.total);
        Ok(())
    }

    /// The portfolio, listing the entity reports by their file stems.
    fn portfolio(&self, data: &ReportData, stems: &[String]) -> Result<()> {
        let report = data.portfolio(stems)?;
        for format in self.formats {
            let name = format!("portfolio.{}", format.extension());
            self.write(self.dir.join(&name), &self.templates.render(&name, &report)?)?;
        }
        Ok(())
    }

    /// Every entity's reports, rendered in parallel.
    fn entities(&self, data: &ReportData, stems: &[String]) -> Result<()> {
        let clients: Vec<usize> = (0..data.entities().len()).filter(|e| !data.is_competitor(*e)).collect();
        clients.into_par_iter().try_for_each(|entity| self.entity(data, entity, &stems[entity]))
    }

    fn entity(&self, data: &ReportData, entity: usize, stem: &str) -> Result<()> {
        let report = data.entity(entity)?;
        for format in self.formats {
            let text = self.templates.render(&format!("entity.{}", format.extension()), &report)?;
            self.write(self.dir.join(ENTITY_FOLDER).join(format!("{stem}.{}", format.extension())), &text)?;
        }
        Ok(())
    }
}
