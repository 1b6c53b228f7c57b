//! `kpi report`: the portfolio overview and, on request, one report per entity, in HTML,
//! Markdown and PDF, rendered in parallel and each written whole or not at all.

use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

use super::build::{GroupsOf, ReportData};
use super::context::Report;
use super::escape;
use super::meta::{CREATOR, author, dated, subject};
use super::names::{ENTITY_FOLDER, file_stems};
use super::templates::Templates;
use super::word::{self, Reference};
use crate::appraise::Selection;
use crate::browser::{Browser, Info};
use crate::engine::{Evaluation, Period, Probes};
use crate::error::{Error, ErrorKind, Result};
use crate::locale::Locale;
use crate::ruleset::CheckedRuleset;
use crate::ruleset::model::{Audience, Paper, Section};
use crate::write;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReportFormat {
    Html,
    Markdown,
    /// The HTML report printed on A4 by a headless Chromium.
    Pdf,
    /// The Markdown report as a Word document, its charts drawn by a headless Chromium.
    Docx,
}

impl ReportFormat {
    pub fn extension(self) -> &'static str {
        match self {
            ReportFormat::Html => "html",
            ReportFormat::Markdown => "md",
            ReportFormat::Pdf => "pdf",
            ReportFormat::Docx => "docx",
        }
    }

    /// The template a report in this format is rendered from.
    fn template(self) -> &'static str {
        match self {
            ReportFormat::Html | ReportFormat::Pdf => "html",
            ReportFormat::Markdown | ReportFormat::Docx => "md",
        }
    }

    /// What a reader calls a file in this format.
    pub fn name(self) -> &'static str {
        match self {
            ReportFormat::Html => "HTML",
            ReportFormat::Markdown => "Markdown",
            ReportFormat::Pdf => "PDF",
            ReportFormat::Docx => "Word",
        }
    }

    /// Whether the format needs a browser: to print, or to draw charts as images.
    fn needs_browser(self) -> bool {
        matches!(self, ReportFormat::Pdf | ReportFormat::Docx)
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
    /// A client's Word document whose styles Word reports take (`--reference-docx`); else the
    /// ruleset's `report.reference_docx`.
    pub reference_docx: Option<PathBuf>,
    /// The paper PDF and Word reports are laid out on.
    pub paper: Paper,
    pub per_entity: bool,
    /// Whether the period's reports are written as one book (`book.pdf`); the separate files
    /// only with `per_entity`.
    pub book: bool,
    /// The period to report; by default the latest complete one.
    pub period: Option<Period>,
    pub output: PathBuf,
    /// The roll-up the evaluation is of, when its entities are groups: reports are titled as
    /// groups, with how many accounts each has.
    pub rollup: Option<GroupsOf>,
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
    /// What the reports' files warned of, written or not.
    pub warnings: Vec<Error>,
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
    let data = ReportData::new(ruleset, evaluation, period, options.locale)?
        .as_asked(options.audience, options.paper)
        .of_groups(options.rollup.clone());
    let stems = if options.per_entity { file_stems(data.entities()) } else { Vec::new() };
    let dir = options.output.join(period.label());
    let mut warnings = data.warnings().to_vec();
    let reports = 1 + (0..stems.len()).filter(|e| !data.is_competitor(*e)).count();
    let writer = Writer::new(ruleset, options, dir, reports, stems.len().max(1), &mut warnings, progress)?;
    writer.portfolio(&data, &stems)?;
    if options.per_entity {
        writer.entities(&data, &stems)?;
    }
    Ok(Written { period, files: writer.staged.commit()?, warnings })
}

/// The foot of a PDF's every page: the client's name and the brand's confidentiality line, and
/// the page number of the pages.
fn footer(report: &Report) -> String {
    let mut left = escape::html(&report.client);
    if let Some(line) = &report.brand.confidentiality {
        left.push_str(&format!(" · {}", escape::html(line)));
    }
    format!(
        "<div style=\"font: 8px sans-serif; color: #667; width: 100%; margin: 0 12mm; display: flex; \
         justify-content: space-between\"><span>{left}</span><span><span class=\"pageNumber\"></span> / \
         <span class=\"totalPages\"></span></span></div>"
    )
}

/// `html` printed, its properties the report's: its `title`, author, subject and the data's day.
pub(super) fn print(browser: &mut Browser, html: &str, report: &Report, title: &str) -> Result<Vec<u8>> {
    let (author, subject, date) = (author(report), subject(report), dated(report));
    let info = Info { title, author: &author, subject: &subject, creator: CREATOR, date: &date };
    browser.pdf(html, &footer(report), &info, report.paper.inches())
}

/// The period asked for, or the latest complete one.
pub(super) fn report_period(
    ruleset: &CheckedRuleset,
    evaluation: &Evaluation,
    wanted: Option<Period>,
) -> Result<Period> {
    match wanted {
        Some(period) => {
            Selection { period: Some(period), entity: None }.validate(evaluation)?;
            Ok(period)
        }
        None => {
            let latest = evaluation.latest_complete_period(ruleset)?;
            // A grid has periods only where some source has rows (`NoDatedRows` otherwise).
            latest.ok_or_else(|| Error::internal("a grid without a period with rows").into())
        }
    }
}

/// Renders the reports of one run into a staging folder, counting them as it goes.
pub(super) struct Writer<'a> {
    pub(super) staged: write::Staged,
    pub(super) dir: PathBuf,
    pub(super) formats: &'a [ReportFormat],
    pub(super) templates: Templates,
    /// The browsers that print PDFs, when they are asked for.
    browsers: Vec<Mutex<Browser>>,
    pub(super) reference: Option<Reference>,
    done: AtomicUsize,
    total: usize,
    progress: &'a (dyn Fn(usize, usize) + Sync),
}

impl<'a> Writer<'a> {
    /// A writer of `reports` reports in every format of `options` into `dir`, with one browser
    /// for each of up to `parallel` reports at a time when a format needs one; the reference
    /// document's warnings are added to `warnings`.
    pub(super) fn new(
        ruleset: &CheckedRuleset,
        options: &'a ReportOptions,
        dir: PathBuf,
        reports: usize,
        parallel: usize,
        warnings: &mut Vec<Error>,
        progress: &'a (dyn Fn(usize, usize) + Sync),
    ) -> Result<Writer<'a>> {
        // One browser per thread that renders, each printing a report at a time.
        let browsers = match options.formats.iter().find(|f| f.needs_browser()) {
            Some(format) => (0..rayon::current_num_threads().min(parallel))
                .map(|_| Browser::launch(format.name()).map(Mutex::new))
                .collect::<Result<Vec<_>>>()?,
            None => Vec::new(),
        };
        let docx = options.formats.contains(&ReportFormat::Docx);
        let reference = match (reference_docx(ruleset, options, warnings), docx) {
            (Some(path), true) => Some(Reference::read(&path)?),
            _ => None,
        };
        warnings.extend(reference.iter().flat_map(|r| r.warnings.iter().cloned()));
        Ok(Writer {
            staged: write::Staged::new(&dir)?,
            browsers,
            reference,
            dir,
            formats: &options.formats,
            templates: Templates::new(ruleset, options.locale, options.templates.clone()),
            done: AtomicUsize::new(0),
            total: reports * options.formats.len(),
            progress,
        })
    }

    /// Counts a file written.
    pub(super) fn counted(&self) {
        (self.progress)(self.done.fetch_add(1, Ordering::Relaxed) + 1, self.total);
    }

    /// One report in every format asked for, as `stem.EXTENSION` in `dir`. A PDF is printed
    /// from the HTML template rendered for `pdf` (no links to files it is sent without).
    fn write(&self, kind: &str, report: &Report, dir: PathBuf, stem: &str) -> Result<()> {
        let title = match self.formats.iter().any(|f| f.needs_browser()) {
            true => self.templates.title(kind, report, minijinja::context! {})?,
            false => String::new(),
        };
        for format in self.formats {
            let template = format!("{kind}.{}", format.template());
            let output = format.extension();
            let text = self.templates.render(&template, output, report)?;
            let bytes = match format {
                ReportFormat::Html | ReportFormat::Markdown => text.into_bytes(),
                ReportFormat::Pdf => self.with_browser(|browser| print(browser, &text, report, &title))?,
                ReportFormat::Docx => self
                    .with_browser(|browser| word::document(&text, report, &title, browser, self.reference.as_ref()))?,
            };
            self.staged.write(&dir.join(format!("{stem}.{output}")), &bytes)?;
            self.counted();
        }
        Ok(())
    }

    /// Runs `work` with this thread's browser.
    pub(super) fn with_browser<T>(&self, work: impl FnOnce(&mut Browser) -> Result<T>) -> Result<T> {
        let thread = rayon::current_thread_index().unwrap_or(0);
        let browser = self.browsers.get(thread % self.browsers.len().max(1));
        let browser = browser.ok_or_else(|| Error::internal("no browser for a format that needs one"))?;
        let mut browser = browser.lock().map_err(|_| Error::internal("a browser's lock is poisoned"))?;
        work(&mut browser)
    }

    /// The portfolio, listing the entity reports by their file stems.
    fn portfolio(&self, data: &ReportData, stems: &[String]) -> Result<()> {
        self.write("portfolio", &data.portfolio(stems)?, self.dir.clone(), "portfolio")
    }

    /// Every entity's reports, rendered in parallel.
    fn entities(&self, data: &ReportData, stems: &[String]) -> Result<()> {
        let clients: Vec<usize> = (0..data.entities().len()).filter(|e| !data.is_competitor(*e)).collect();
        let dir = self.dir.join(ENTITY_FOLDER);
        clients
            .into_par_iter()
            .try_for_each(|entity| self.write("entity", &data.entity(entity)?, dir.clone(), &stems[entity]))
    }
}

/// The reference document Word reports take their styles from: the one given on the command
/// line, else the ruleset's, which is read only from inside the ruleset's folder (a committed
/// link leading out of it is a warning, and is not read).
fn reference_docx(ruleset: &CheckedRuleset, options: &ReportOptions, warnings: &mut Vec<Error>) -> Option<PathBuf> {
    if let Some(path) = &options.reference_docx {
        return Some(path.clone());
    }
    let named = ruleset.model.report.as_ref()?.reference_docx.as_ref()?;
    let path = ruleset.home.join(named);
    if crate::read::leads_out(&ruleset.home, &path) {
        let kind = ErrorKind::LinkLeadsOut { path: named.clone() };
        warnings.push(Error::new(kind).help("copy the document into the ruleset's folder instead of linking to it"));
        return None;
    }
    Some(path)
}
