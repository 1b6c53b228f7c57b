//! Flags checked and resolved before work starts.

use std::path::{Path, PathBuf};

use kpi::appraise::Selection;
use kpi::engine::Period;
use kpi::ruleset::CheckedRuleset;
use kpi::ruleset::model::{Locale, Severity};
use kpi::{Error, ErrorKind, Errors};

use super::args::{FailOn, OutputFormat};

/// The flags every evaluating command shares.
pub struct Flags<'a> {
    pub ruleset: &'a Path,
    pub data: Option<&'a Path>,
    pub period: Option<String>,
    pub entity: Option<String>,
    pub lang: Option<String>,
}

/// A validated ruleset with the cells and language the flags ask for.
pub struct Opened {
    pub ruleset: CheckedRuleset,
    pub selection: Selection,
    pub locale: Locale,
}

impl Opened {
    pub fn new(flags: Flags) -> Result<Opened, Errors> {
        if let Some(dir) = flags.data.filter(|dir| !dir.is_dir()) {
            return Err(Error::usage(format!("`--data {}` is not a folder", dir.display())).into());
        }
        let lang = flags.lang.map(|code| parse_locale(&code)).transpose()?;
        let ruleset = kpi::project::open(flags.ruleset, flags.data)?;
        let grain = ruleset.model.grain.period;
        let period = flags
            .period
            .map(|label| {
                Period::parse(grain, &label).ok_or_else(|| {
                    Error::new(ErrorKind::UnknownPeriod { period: label })
                        .help(format!("this ruleset's periods are written like `{}`", Period::example(grain)))
                })
            })
            .transpose()?;
        let locale = lang.unwrap_or(ruleset.model.locale);
        Ok(Opened { ruleset, selection: Selection { period, entity: flags.entity }, locale })
    }
}

pub struct RunConfig {
    pub opened: Opened,
    pub format: OutputFormat,
    pub output: Option<PathBuf>,
    pub fail_on: Option<Severity>,
}

impl RunConfig {
    pub fn new(
        flags: Flags,
        format: OutputFormat,
        output: Option<PathBuf>,
        fail_on: Option<FailOn>,
    ) -> Result<RunConfig, Errors> {
        if format == OutputFormat::Parquet && output.is_none() {
            return Err(Error::usage("`--format parquet` writes a file: add `-o FILE`").into());
        }
        let fail_on = fail_on.map(|f| match f {
            FailOn::Warning => Severity::Warning,
            FailOn::Critical => Severity::Critical,
        });
        Ok(RunConfig { opened: Opened::new(flags)?, format, output, fail_on })
    }
}

pub fn parse_locale(code: &str) -> Result<Locale, Error> {
    Locale::from_code(code).ok_or_else(|| {
        Error::usage(format!("unknown language `{code}`"))
            .suggest(code, Locale::ALL.iter().map(|l| l.code()))
            .note("the languages are `zh-CN` and `en`")
    })
}
