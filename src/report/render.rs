//! `kpi report`: the portfolio overview and, on request, one report per entity, in HTML and
//! Markdown, rendered in parallel and each written whole or not at all.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

use super::build::{ReportData, latest_period_with_data};
use super::templates::Templates;
use crate::appraise::Selection;
use crate::engine::{Evaluation, Period, Probes};
use crate::error::{Error, ErrorKind, Result};
use crate::locale::Locale;
use crate::ruleset::CheckedRuleset;
use crate::write;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    Html,
    #[value(name = "md")]
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

pub struct ReportOptions {
    pub formats: Vec<ReportFormat>,
    pub locale: Locale,
    /// A client's templates, which win over the shipped ones by name.
    pub templates: Option<PathBuf>,
    pub per_entity: bool,
    /// The period to report; by default the latest with data.
    pub period: Option<Period>,
    pub output: PathBuf,
}

impl ReportOptions {
    /// What the evaluation must compute besides the grid: the parts of every KPI's formula,
    /// for the calculation appendix of entity reports.
    pub fn probes(&self, ruleset: &CheckedRuleset) -> Probes {
        match self.per_entity {
            true => Probes::for_kpis(ruleset, ruleset.kpis.keys().map(String::as_str)),
            false => Probes::default(),
        }
    }
}

/// What a run wrote.
pub struct Written {
    pub period: Period,
    pub files: Vec<PathBuf>,
}

/// Renders the reports of an evaluation made with [`ReportOptions::probes`]; `progress(done,
/// total)` is called as each report is written.
pub fn render_reports(
    ruleset: &CheckedRuleset,
    evaluation: &Evaluation,
    options: &ReportOptions,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Written> {
    if options.per_entity && !ruleset.kpis.keys().all(|kpi| evaluation.probes.explain(kpi)) {
        return Err(Error::internal("entity reports need an evaluation that explains every KPI").into());
    }
    let period = report_period(ruleset, evaluation, options.period)?;
    let data = ReportData::new(ruleset, evaluation, period, options.locale)?;
    let entities = if options.per_entity { data.entities().len() } else { 0 };
    let writer = Writer {
        dir: options.output.join(period.label()),
        formats: &options.formats,
        templates: Templates::new(ruleset, options.locale, options.templates.clone()),
        done: AtomicUsize::new(0),
        total: (1 + entities) * options.formats.len(),
        progress,
    };
    let mut files = writer.portfolio(&data)?;
    if options.per_entity {
        files.extend(writer.entities(&data)?);
    }
    Ok(Written { period, files })
}

/// The period asked for, or the latest with data.
fn report_period(ruleset: &CheckedRuleset, evaluation: &Evaluation, wanted: Option<Period>) -> Result<Period> {
    match wanted {
        Some(period) => {
            Selection { period: Some(period), entity: None }.validate(evaluation)?;
            Ok(period)
        }
        None => {
            let latest = latest_period_with_data(ruleset, evaluation)?;
            latest.ok_or_else(|| Error::new(ErrorKind::NoPeriodWithData).into())
        }
    }
}

/// Renders and writes the reports of one run into their folder, counting them as it goes.
struct Writer<'a> {
    dir: PathBuf,
    formats: &'a [ReportFormat],
    templates: Templates,
    done: AtomicUsize,
    total: usize,
    progress: &'a (dyn Fn(usize, usize) + Sync),
}

impl Writer<'_> {
    fn write(&self, path: PathBuf, text: &str) -> Result<PathBuf> {
        write::atomically(&path, text.as_bytes())?;
        (self.progress)(self.done.fetch_add(1, Ordering::Relaxed) + 1, self.total);
        Ok(path)
    }

    fn portfolio(&self, data: &ReportData) -> Result<Vec<PathBuf>> {
        let report = data.portfolio()?;
        let render = |format: &ReportFormat| {
            let name = format!("portfolio.{}", format.extension());
            self.write(self.dir.join(&name), &self.templates.render(&name, &report)?)
        };
        self.formats.iter().map(render).collect()
    }

    /// Every entity's reports, rendered in parallel.
    fn entities(&self, data: &ReportData) -> Result<Vec<PathBuf>> {
        let per_entity: Vec<Vec<PathBuf>> = (0..data.entities().len())
            .into_par_iter()
            .map(|entity| self.entity(data, entity))
            .collect::<Result<_>>()?;
        Ok(per_entity.into_iter().flatten().collect())
    }

    fn entity(&self, data: &ReportData, entity: usize) -> Result<Vec<PathBuf>> {
        let report = data.entity(entity)?;
        let stem = file_stem(&data.entities()[entity]);
        let render = |format: &ReportFormat| {
            let text = self.templates.render(&format!("entity.{}", format.extension()), &report)?;
            self.write(self.dir.join("entities").join(format!("{stem}.{}", format.extension())), &text)
        };
        self.formats.iter().map(render).collect()
    }
}

/// An entity's name as a file name: characters that paths do not allow become `_`.
pub fn file_stem(entity: &str) -> String {
    let stem: String =
        entity
            .chars()
            .map(|c| {
                if matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') || c.is_control() {
                    '_'
                } else {
                    c
                }
            })
            .collect();
    match stem.trim() {
        "" | "." | ".." => "_".to_string(),
        trimmed => trimmed.to_string(),
    }
}
