//! `kpi report`: the portfolio overview and, on request, one report per entity, in HTML and
//! Markdown, rendered in parallel and each written whole or not at all.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

use super::build::{ReportData, latest_period_with_data};
use super::templates::Templates;
use crate::appraise::Selection;
use crate::appraise::explain::Probes;
use crate::engine::{self, Period};
use crate::error::{Error, Result};
use crate::output::write_atomically;
use crate::ruleset::CheckedRuleset;
use crate::ruleset::model::Locale;

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

/// What a run wrote, and what the user should know about its data.
pub struct Written {
    pub period: Period,
    pub files: Vec<PathBuf>,
    pub warnings: Vec<Error>,
}

/// Renders the reports; `progress(done, total)` is called as each report is written.
pub fn render_reports(
    ruleset: &CheckedRuleset,
    options: &ReportOptions,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Written> {
    let probes = if options.per_entity {
        Probes::for_kpis(ruleset, ruleset.kpis.keys().map(String::as_str))
    } else {
        Probes::default()
    };
    let evaluation = engine::evaluate_with_probes(ruleset, probes.formulas())?;
    let period = match options.period {
        Some(period) => {
            Selection { period: Some(period), entity: None }.validate(&evaluation)?;
            period
        }
        None => latest_period_with_data(ruleset, &evaluation)?.ok_or_else(|| Error::bad_data("no period has data"))?,
    };
    let data = ReportData::new(ruleset, &evaluation, &probes, period, options.locale)?;
    let templates = Templates::new(ruleset, options.locale, options.templates.clone());
    let dir = options.output.join(period.label());
    let entities = if options.per_entity { data.entities().len() } else { 0 };
    let total = (1 + entities) * options.formats.len();
    let done = AtomicUsize::new(0);
    let write = |path: PathBuf, text: String| -> Result<PathBuf> {
        write_atomically(&path, text.as_bytes())?;
        progress(done.fetch_add(1, Ordering::Relaxed) + 1, total);
        Ok(path)
    };

    let portfolio = data.portfolio()?;
    let mut files = Vec::new();
    for format in &options.formats {
        let name = format!("portfolio.{}", format.extension());
        files.push(write(dir.join(&name), templates.render(&name, &portfolio)?)?);
    }
    let entity_files: Vec<Vec<PathBuf>> = (0..entities)
        .into_par_iter()
        .map(|entity| {
            let report = data.entity(entity)?;
            let stem = file_stem(&data.entities()[entity]);
            options
                .formats
                .iter()
                .map(|format| {
                    let text = templates.render(&format!("entity.{}", format.extension()), &report)?;
                    write(dir.join("entities").join(format!("{stem}.{}", format.extension())), text)
                })
                .collect()
        })
        .collect::<Result<_>>()?;
    files.extend(entity_files.into_iter().flatten());
    Ok(Written { period, files, warnings: evaluation.warnings.clone() })
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
