//! Flags checked and resolved before work starts.

use std::path::{Path, PathBuf};

use kpi::appraise::Selection;
use kpi::engine::Period;
use kpi::ruleset::CheckedRuleset;
use kpi::ruleset::model::Locale;
use kpi::{Error, ErrorKind, Errors};

use super::args::OutputFormat;

pub struct RunConfig {
    pub ruleset: CheckedRuleset,
    pub selection: Selection,
    pub format: OutputFormat,
    pub output: Option<PathBuf>,
    pub locale: Locale,
}

impl RunConfig {
    pub fn new(
        ruleset_path: &Path,
        data: Option<&Path>,
        period: Option<String>,
        entity: Option<String>,
        format: OutputFormat,
        output: Option<PathBuf>,
        lang: Option<String>,
    ) -> Result<RunConfig, Errors> {
        super::existing_dir(data)?;
        let lang = lang.map(|code| parse_locale(&code)).transpose()?;
        if format == OutputFormat::Parquet && output.is_none() {
            return Err(Error::usage("`--format parquet` writes a file: add `-o FILE`").into());
        }
        let ruleset = kpi::project::open(ruleset_path, data)?;
        let grain = ruleset.model.grain.period;
        let period = period
            .map(|label| {
                Period::parse(grain, &label).ok_or_else(|| {
                    Error::new(ErrorKind::UnknownPeriod { period: label })
                        .help(format!("this ruleset's periods are written like `{}`", Period::example(grain)))
                })
            })
            .transpose()?;
        let locale = lang.unwrap_or(ruleset.model.locale);
        Ok(RunConfig { ruleset, selection: Selection { period, entity }, format, output, locale })
    }
}

pub fn parse_locale(code: &str) -> Result<Locale, Error> {
    Locale::from_code(code).ok_or_else(|| {
        Error::usage(format!("unknown language `{code}`"))
            .suggest(code, Locale::ALL.iter().map(|l| l.code()))
            .note("the languages are `zh-CN` and `en`")
    })
}
