//! `kpi report`: the portfolio and entity reports of a period, with a progress bar on a terminal.

use kpi::appraise::Coverage;
use kpi::engine::warehouse::{self, Warehouse};
use kpi::engine::{self, Evaluation, Period};
use kpi::locale::Locale;
use kpi::report::book::render_book;
use kpi::report::{GroupsOf, ReportFormat, ReportOptions, render_reports};
use kpi::ruleset::CheckedRuleset;
use kpi::{Error, Errors};

use crate::cli::args::ReportArgs;
use crate::cli::progress::{Progress, Waiting};
use crate::cli::shared::{folder, locale, open, rollups, selection, warn};

pub struct Config {
    ruleset: CheckedRuleset,
    warehouse: Option<Warehouse>,
    options: ReportOptions,
    rollups: Vec<String>,
}

impl Config {
    pub fn new(args: ReportArgs) -> Result<Config, Errors> {
        let ReportArgs {
            input,
            engine,
            period,
            format,
            language,
            templates,
            book,
            per_entity,
            audience,
            reference_docx,
            paper,
            by,
            output,
        } = args;
        let warehouse = engine.warehouse()?;
        folder("--templates", templates.as_ref())?;
        let (ruleset, selection) = selection(open(&input)?, period.period, None, warehouse.as_ref())?;
        let period = selection.period;
        let mut formats: Vec<ReportFormat> = match (format.is_empty(), book) {
            (false, _) => format,
            (true, false) => vec![ReportFormat::Html, ReportFormat::Markdown],
            (true, true) => vec![ReportFormat::Pdf, ReportFormat::Docx],
        };
        formats.dedup();
        let locale = locale(&ruleset, &language);
        let rollups = rollups(&ruleset, &by)?;
        let audience = audience.unwrap_or(ruleset.model.audience());
        let options = ReportOptions {
            formats,
            locale,
            audience,
            templates,
            reference_docx,
            paper: paper.unwrap_or(ruleset.model.paper()),
            per_entity,
            book,
            period,
            output,
            rollup: None,
        };
        Ok(Config { ruleset, warehouse, options, rollups })
    }

    pub fn run(self) -> Result<u8, Errors> {
        let Config { ruleset, warehouse, options, rollups } = self;
        let waiting = Waiting::on(warehouse.as_ref(), options.locale);
        let evaluation = warehouse::evaluate_where(&ruleset, warehouse.as_ref(), options.probes(&ruleset))?;
        drop(waiting);
        warn(&evaluation.warnings);
        let locale = options.locale;
        let options = ReportOptions { period: Some(report_period(&ruleset, &evaluation, &options)?), ..options };
        let periods: Vec<_> = options.period.into_iter().collect();
        warn(&Coverage::new(&ruleset, &evaluation).warnings(&ruleset, &periods, locale));
        // Each roll-up evaluated once, for the book and the separate reports alike.
        let groups = rollups.iter().map(|attribute| rolled_up(&ruleset, &evaluation, attribute, &options));
        let groups = groups.collect::<Result<Vec<_>, Errors>>()?;
        if options.book {
            book(&ruleset, &evaluation, &options, &groups)?;
        }
        if !options.book || options.per_entity {
            separate(&ruleset, &evaluation, &options, &groups)?;
        }
        Ok(0)
    }
}

/// The roll-up of `attribute`: its groups, with how many entities each has, and their
/// evaluation, its warnings shown.
fn rolled_up(
    ruleset: &CheckedRuleset,
    evaluation: &Evaluation,
    attribute: &str,
    options: &ReportOptions,
) -> Result<(GroupsOf, Evaluation), Errors> {
    let rolled = engine::rollup::rollup(ruleset, evaluation, attribute, options.probes(ruleset))?;
    warn(&rolled.warnings);
    Ok((GroupsOf::of(evaluation, attribute), rolled))
}

/// The period's book: the reports of the evaluation and of each roll-up in one document.
fn book(
    ruleset: &CheckedRuleset,
    evaluation: &Evaluation,
    options: &ReportOptions,
    groups: &[(GroupsOf, Evaluation)],
) -> Result<(), Errors> {
    let locale = options.locale;
    let progress = Progress::new(locale.pick("正在生成报告册", "rendering the book"));
    let written = render_book(ruleset, evaluation, groups, options, &|done, total| progress.update(done, total))?;
    progress.finish();
    warn(&written.warnings);
    let files: Vec<String> = written.files.iter().map(|f| kpi::words::printable(&f.display().to_string())).collect();
    let (period, files) = (written.period.label(), files.join(", "));
    eprintln!(
        "{}",
        locale.pick(format!("已写入 {period} 的报告册：{files}"), format!("wrote the book of {period}: {files}"))
    );
    Ok(())
}

/// The separate reports: the overview and each entity's, then each roll-up's.
fn separate(
    ruleset: &CheckedRuleset,
    evaluation: &Evaluation,
    options: &ReportOptions,
    groups: &[(GroupsOf, Evaluation)],
) -> Result<(), Errors> {
    let locale = options.locale;
    let progress = Progress::new(locale.pick("正在生成报告", "rendering reports"));
    let written = render_reports(ruleset, evaluation, options, &|done, total| progress.update(done, total))?;
    progress.finish();
    warn(&written.warnings);
    let dir = options.output.join(written.period.label());
    let dir = kpi::words::printable(&dir.display().to_string());
    let count = reports_written(locale, written.files.len(), options.formats.len());
    let period = written.period.label();
    eprintln!(
        "{}",
        locale.pick(format!("已写入{count}，{period}：{dir}"), format!("wrote {count} for {period} into {dir}"))
    );
    for (rollup, groups) in groups {
        // Each roll-up's reports: its groups ranked, and one report per group.
        let attribute = &rollup.attribute;
        let output = options.output.join("rollups").join(attribute);
        let rollup = Some(rollup.clone());
        let options = ReportOptions { output, period: Some(written.period), rollup, ..options.clone() };
        let progress = Progress::new(locale.pick("正在生成汇总报告", "rendering roll-up reports"));
        let done = render_reports(ruleset, groups, &options, &|done, total| progress.update(done, total))?;
        progress.finish();
        let dir = kpi::words::printable(&options.output.join(done.period.label()).display().to_string());
        let count = reports_written(locale, done.files.len(), options.formats.len());
        let message = locale.pick(
            format!("已写入按 `{attribute}` 汇总的{count}：{dir}"),
            format!("wrote {count} of the roll-up by `{attribute}` into {dir}"),
        );
        eprintln!("{message}");
    }
    Ok(())
}

/// The period `--period` names, else the latest complete one, saying so when a later period
/// has data but is incomplete.
fn report_period(ruleset: &CheckedRuleset, evaluation: &Evaluation, options: &ReportOptions) -> Result<Period, Errors> {
    if let Some(period) = options.period {
        return Ok(period);
    }
    let latest = evaluation.latest_period_with_data(ruleset)?;
    let Some(complete) = evaluation.latest_complete_period(ruleset)? else {
        return Err(Error::internal("a grid without a period with rows").into());
    };
    if let Some(latest) = latest.filter(|latest| *latest != complete) {
        let locale = options.locale;
        let short: Vec<String> = evaluation
            .daily_data_ends()?
            .into_iter()
            .filter(|(_, end)| *end < latest.end())
            .map(|(source, end)| format!("`{}` {}", ruleset.source_label(&source, locale), end))
            .collect();
        let (latest, complete, short) = (latest.label(), complete.label(), short.join(", "));
        eprintln!(
            "{}",
            locale.pick(
                format!(
                    "{latest} 的数据不完整（{short}）：报告最近的完整周期 {complete}；`--period {latest}` 仍可报告它"
                ),
                format!(
                    "{latest} is incomplete ({short} through): reporting {complete}, the latest complete period; \
                     `--period {latest}` reports it anyway"
                ),
            )
        );
    }
    Ok(complete)
}

/// A set of reports as the report language counts it: `4 个报告（8 个文件）`, `1 report (2
/// files)`; each report is written once per format.
fn reports_written(locale: Locale, files: usize, formats: usize) -> String {
    let reports = files / formats.max(1);
    let files_too = files != reports;
    match locale {
        Locale::ZhCn if files_too => format!(" {reports} 个报告（{files} 个文件）"),
        Locale::ZhCn => format!(" {reports} 个报告"),
        Locale::En => {
            let noun = if reports == 1 { "report" } else { "reports" };
            match files_too {
                true => format!("{reports} {noun} ({files} files)"),
                false => format!("{reports} {noun}"),
            }
        }
    }
}
