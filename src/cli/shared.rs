//! What the commands' configurations share: opening the ruleset with its data folder, reading
//! `--period` and `--entity` in the ruleset's grain, the language, and the terminal.

use std::io::IsTerminal;
use std::path::PathBuf;

use chrono::{Datelike, NaiveDate};
use kpi::appraise::Selection;
use kpi::engine::warehouse::{self, Warehouse};
use kpi::engine::{Asked, Evaluation, Period, Probes};
use kpi::locale::Locale;
use kpi::ruleset::CheckedRuleset;
use kpi::ruleset::model::{DayOfYear, PeriodGrain};
use kpi::{Error, ErrorKind, Errors, project};

use super::args::{Input, Language, RollupFlag};

/// The ruleset, loaded, merged and validated against its data folder.
pub fn open(input: &Input) -> Result<CheckedRuleset, Errors> {
    folder("--data", input.data.as_ref())?;
    project::open(&input.ruleset, input.data.as_deref())
}

/// A folder a flag names must be one.
pub fn folder(flag: &'static str, dir: Option<&PathBuf>) -> Result<(), Error> {
    match dir.filter(|dir| !dir.is_dir()) {
        Some(dir) => Err(Error::new(ErrorKind::NotAFolder { flag, path: dir.display().to_string() })),
        None => Ok(()),
    }
}

/// `--period` and `--entity`, with the ruleset they are appraised by: a period longer than the
/// ruleset's (`2026-Q3` on a monthly ruleset) views the ruleset at that length, and a year to
/// date runs to the last day of the latest complete period of the ruleset's own, which an
/// evaluation at that grain finds.
pub fn selection(
    ruleset: CheckedRuleset,
    period: Option<String>,
    entity: Option<String>,
    warehouse: Option<&Warehouse>,
) -> Result<(CheckedRuleset, Selection), Errors> {
    let Some(label) = period else { return Ok((ruleset, Selection { period: None, entity })) };
    let (ruleset, period) = match Period::asked(ruleset.model.grain.period, &label)? {
        Asked::Own(period) => (ruleset, period),
        Asked::Longer(period) => (viewed(ruleset, period.grain), period),
        Asked::YearToDate { year } => {
            let evaluation = warehouse::evaluate_where(&ruleset, warehouse, Probes::default())?;
            let end = year_to_date_end(&ruleset, &evaluation, year)?;
            let through = end.map_or(DayOfYear::default(), |end| DayOfYear { month: end.month(), day: end.day() });
            let grain = PeriodGrain::YearTo(through);
            let start =
                NaiveDate::from_ymd_opt(year, 1, 1).ok_or_else(|| Error::internal("a year without 1 January"))?;
            (viewed(ruleset, grain), Period { grain, start })
        }
    };
    Ok((ruleset, Selection { period: Some(period), entity }))
}

/// The last day of `year`'s year to date: that of the latest complete period, or, where the
/// year has none complete yet, of its latest period with data (which then reads as partial);
/// none, for the whole year, when the year is over or has no data (which the selection reports).
fn year_to_date_end(ruleset: &CheckedRuleset, evaluation: &Evaluation, year: i32) -> Result<Option<NaiveDate>, Errors> {
    let complete = evaluation.latest_complete_period(ruleset)?.map(Period::end);
    let latest = evaluation.latest_period_with_data(ruleset)?.map(Period::end);
    Ok([complete, latest].into_iter().flatten().find(|end| end.year() >= year).filter(|end| end.year() == year))
}

/// The ruleset viewed at a longer grain, its warnings shown.
fn viewed(ruleset: CheckedRuleset, grain: PeriodGrain) -> CheckedRuleset {
    let (ruleset, warnings) = ruleset.viewed(grain);
    warn(&warnings);
    ruleset
}

/// `--period` in the ruleset's own grain, for the commands that compare or check a ruleset as
/// written rather than view it at a longer period.
pub fn own_period(ruleset: &CheckedRuleset, period: Option<String>) -> Result<Option<Period>, Error> {
    period.map(|label| Period::read(ruleset.model.grain.period, &label)).transpose()
}

/// The attributes to roll up by: the ruleset's `rollups`, then `--by`, each once; an attribute
/// the ruleset does not have is an error.
pub fn rollups(ruleset: &CheckedRuleset, by: &RollupFlag) -> Result<Vec<String>, Error> {
    let mut attributes = ruleset.model.rollups.clone();
    for attribute in &by.by {
        if !ruleset.attributes.contains_key(attribute) {
            let known = ruleset.attributes.keys().map(String::as_str);
            let error = Error::new(ErrorKind::UnknownAttribute { name: attribute.clone() }).suggest(attribute, known);
            return Err(error);
        }
        if !attributes.contains(attribute) {
            attributes.push(attribute.clone());
        }
    }
    Ok(attributes)
}

/// `--lang`, else the ruleset's `locale`.
pub fn locale(ruleset: &CheckedRuleset, language: &Language) -> Locale {
    language.lang.unwrap_or(ruleset.model.locale)
}

/// Shows problems that did not stop the command.
pub fn warn(warnings: &[kpi::Error]) {
    if !warnings.is_empty() {
        eprint!("{}", kpi::diagnostic::render_warnings(warnings));
    }
}

/// The width tables are fitted to: `COLUMNS` when it is set (as shells and scripts set it),
/// else the terminal's that standard output is shown on, if it is one.
pub fn terminal_width() -> Option<u16> {
    let columns = std::env::var("COLUMNS").ok().and_then(|c| c.trim().parse::<u16>().ok()).filter(|c| *c > 0);
    columns.or_else(|| {
        std::io::stdout().is_terminal().then(|| terminal_size::terminal_size().map(|(width, _)| width.0)).flatten()
    })
}
