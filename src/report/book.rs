//! `kpi report --book`: the period's reports as one document to send — a cover, the contents
//! with the page each part starts on, the management summary, every account's report, then
//! each roll-up's overview and groups — as `PERIOD/book.pdf` (bookmarks and live links) and
//! `PERIOD/book.docx`, or in HTML and Markdown.
//!
//! Each part is a report rendered as a section of the book (the `part` of its context is its
//! anchor). A PDF's contents need the pages its parts land on: the book is printed, the page of
//! each part's anchor read back from the PDF, and printed again with them, until they hold.

use rayon::prelude::*;
use serde::Serialize;

use super::build::{GroupsOf, ReportData};
use super::context::Report;
use super::meta::dated;
use super::names::file_stems;
use super::render::{Writer, Written, print, report_period};
use super::word;
use super::{ReportFormat, ReportOptions};
use crate::browser;
use crate::engine::Evaluation;
use crate::error::{Error, Result};
use crate::ruleset::CheckedRuleset;

/// The most times a book is printed for its contents to name the right pages: the second
/// printing only writes the page numbers in, so it lands where the first did.
const PRINTINGS: usize = 3;

/// One part of the book: a report and the line of the contents that leads to it.
struct Part {
    anchor: String,
    title: String,
    /// 1 for the summary and roll-up overviews, 2 for the reports under them.
    level: u8,
    report: Report,
}

#[derive(Serialize)]
struct Entry<'a> {
    anchor: &'a str,
    title: &'a str,
    level: u8,
    page: Option<usize>,
}

/// What the book's templates see as `book`.
#[derive(Serialize)]
struct Book<'a> {
    title: String,
    /// The day the data runs to: the cover's date.
    date: String,
    contents: Vec<Entry<'a>>,
    /// Each part rendered, in order.
    parts: &'a [String],
}

/// Writes the book of an evaluation and its roll-ups (each the attribute's groups and their
/// evaluation) in every format of `options`.
pub fn render_book(
    ruleset: &CheckedRuleset,
    evaluation: &Evaluation,
    rollups: &[(GroupsOf, Evaluation)],
    options: &ReportOptions,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Written> {
    let period = report_period(ruleset, evaluation, options.period)?;
    let dir = options.output.join(period.label());
    let mut warnings = Vec::new();
    let writer = Writer::new(ruleset, options, dir, 1, 1, &mut warnings, progress)?;
    let data = ReportData::new(ruleset, evaluation, period, options.locale)?.as_asked(options.audience, options.paper);
    warnings.extend(data.warnings().iter().cloned());
    let mut parts = reports(&writer, &data, "management_summary")?;
    for (index, (groups, evaluation)) in rollups.iter().enumerate() {
        let data = ReportData::new(ruleset, evaluation, period, options.locale)?
            .as_asked(options.audience, options.paper)
            .of_groups(Some(groups.clone()))
            .anchored(format!("rollup{index}-"));
        parts.extend(reports(&writer, &data, "rollup_overview")?);
    }
    let cover = &parts.first().ok_or_else(|| Error::internal("a book without a summary"))?.report;
    let title = writer.templates.string(&format!("appraisal_{}", cover.grain.name()))?;
    let binding = Binding { writer: &writer, cover, title: &title, parts: &parts };
    for format in writer.formats {
        let rendered = rendered(&writer, &parts, *format)?;
        let bytes = match format {
            ReportFormat::Html | ReportFormat::Markdown => {
                let template = format!("book.{}", format.extension());
                binding.render(&template, format.extension(), &rendered, &[])?.into_bytes()
            }
            ReportFormat::Pdf => binding.printed(&rendered)?,
            ReportFormat::Docx => {
                let text = binding.render("book.md", "docx", &rendered, &[])?;
                let title = binding.title()?;
                writer.with_browser(|b| word::document(&text, cover, &title, b, writer.reference.as_ref()))?
            }
        };
        writer.staged.write(&writer.dir.join(format!("book.{}", format.extension())), &bytes)?;
        writer.counted();
    }
    Ok(Written { period, files: writer.staged.commit()?, warnings })
}

/// The overview of `data` and the report of each of its client entities, as parts.
fn reports(writer: &Writer, data: &ReportData, overview: &str) -> Result<Vec<Part>> {
    let stems = file_stems(data.entities());
    let mut summary = data.portfolio(&stems)?;
    summary.part = Some(data.overview_anchor());
    let title = match &summary.rollup {
        Some(rollup) => writer.templates.string(overview)?.replace("{by}", &rollup.by),
        None => writer.templates.string(overview)?,
    };
    let mut parts = vec![Part { anchor: data.overview_anchor(), title, level: 1, report: summary }];
    let clients: Vec<usize> = (0..data.entities().len()).filter(|e| !data.is_competitor(*e)).collect();
    let entities: Vec<Part> = clients
        .into_par_iter()
        .map(|entity| {
            let mut report = data.entity(entity)?;
            report.part = Some(data.anchor(entity));
            let title = data.entities()[entity].clone();
            Ok(Part { anchor: data.anchor(entity), title, level: 2, report })
        })
        .collect::<Result<_>>()?;
    parts.extend(entities);
    Ok(parts)
}

/// Every part rendered from its kind's template for `format`.
fn rendered(writer: &Writer, parts: &[Part], format: ReportFormat) -> Result<Vec<String>> {
    let template = match format {
        ReportFormat::Html | ReportFormat::Pdf => "html",
        ReportFormat::Markdown | ReportFormat::Docx => "md",
    };
    parts
        .par_iter()
        .map(|part| {
            let kind = if part.report.entity.is_some() { "entity" } else { "portfolio" };
            Ok(writer.templates.render(&format!("{kind}.{template}"), format.extension(), &part.report)?)
        })
        .collect()
}

/// The book's template rendered over its parts, with the page each starts on where it is known.
struct Binding<'a> {
    writer: &'a Writer<'a>,
    cover: &'a Report,
    title: &'a str,
    parts: &'a [Part],
}

impl Binding<'_> {
    fn render(&self, template: &str, output: &str, rendered: &[String], pages: &[Option<usize>]) -> Result<String> {
        Ok(self.writer.templates.render_with(template, output, self.cover, self.values(rendered, pages))?)
    }

    /// The book's title, as its HTML template names it.
    fn title(&self) -> Result<String> {
        Ok(self.writer.templates.title("book", self.cover, self.values(&[], &[]))?)
    }

    /// What the book's templates see besides the summary's report: `book`, and no `part`.
    fn values(&self, rendered: &[String], pages: &[Option<usize>]) -> minijinja::Value {
        let contents = self
            .parts
            .iter()
            .enumerate()
            .map(|(index, part)| Entry {
                anchor: &part.anchor,
                title: &part.title,
                level: part.level,
                page: pages.get(index).copied().flatten(),
            })
            .collect();
        let book = Book { title: self.title.to_string(), date: dated(self.cover), contents, parts: rendered };
        // The book is the page its parts are sections of: it is not a part itself.
        minijinja::context! { book => minijinja::Value::from(minijinja::value::Serde(&book)), part => () }
    }
}

impl Binding<'_> {
    /// The book as a PDF whose contents name the page of every part.
    fn printed(&self, rendered: &[String]) -> Result<Vec<u8>> {
        let mut pages: Vec<Option<usize>> = vec![None; self.parts.len()];
        let mut pdf = Vec::new();
        let title = self.title()?;
        for _ in 0..PRINTINGS {
            let html = self.render("book.html", "pdf", rendered, &pages)?;
            pdf = self.writer.with_browser(|browser| print(browser, &html, self.cover, &title))?;
            let found =
                browser::destinations(&pdf).map_err(|e| Error::internal(format!("a book Chromium printed: {e}")))?;
            let now: Vec<Option<usize>> = self.parts.iter().map(|part| found.get(&part.anchor).copied()).collect();
            if now == pages {
                break;
            }
            pages = now;
        }
        Ok(pdf)
    }
}
