//! Each command's flags, checked and resolved into its configuration before work starts: the
//! ruleset opened and validated, periods and entities parsed, folders checked to exist.

use std::path::PathBuf;

use kpi::appraise::Selection;
use kpi::engine::Period;
use kpi::locale::Locale;
use kpi::output::Format;
use kpi::report::{ReportFormat, ReportOptions};
use kpi::ruleset::CheckedRuleset;
use kpi::ruleset::model::Severity;
use kpi::{Error, ErrorKind, Errors, project};

use super::args::{Command, Input, Language};

pub enum Config {
    Check(CheckConfig),
    Run(RunConfig),
    Explain(ExplainConfig),
    Report(ReportConfig),
    Test(TestConfig),
    Show(ShowConfig),
    Init { dir: PathBuf, from: String },
    Diff(Box<DiffConfig>),
    Schema,
}

/// Two rulesets opened (each as it is, or as it was at a git revision) on the same data.
pub struct DiffConfig {
    pub old: (String, CheckedRuleset),
    pub new: (String, CheckedRuleset),
    pub with_data: bool,
    pub period: Option<Period>,
    pub format: kpi::review::DiffFormat,
    /// The revisions' trees, kept until the command is done.
    pub _revisions: Vec<kpi::review::git::AtRevision>,
}

/// What `kpi show` prints.
pub enum Shown {
    AsWritten,
    Effective,
    Sources,
}

pub struct ShowConfig {
    pub path: PathBuf,
    pub ruleset: CheckedRuleset,
    pub shown: Shown,
    pub locale: Locale,
}

pub struct TestConfig {
    pub paths: Vec<PathBuf>,
    pub junit: Option<PathBuf>,
}

pub struct CheckConfig {
    pub ruleset: CheckedRuleset,
    /// Whether the data files are checked too.
    pub data: bool,
}

pub struct RunConfig {
    pub ruleset: CheckedRuleset,
    pub selection: Selection,
    pub locale: Locale,
    pub format: Format,
    pub output: Option<PathBuf>,
    pub fail_on: Option<Severity>,
}

pub struct ExplainConfig {
    pub ruleset: CheckedRuleset,
    pub kpi: String,
    pub selection: Selection,
    pub locale: Locale,
}

pub struct ReportConfig {
    pub ruleset: CheckedRuleset,
    pub options: ReportOptions,
}

impl Config {
    pub fn new(command: Command) -> Result<Config, Errors> {
        Ok(match command {
            Command::Check { input } => {
                Config::Check(CheckConfig { data: input.data.is_some(), ruleset: open(&input)? })
            }
            Command::Run { input, period, entity, format, output, language, fail_on } => {
                if format.needs_file() && output.is_none() {
                    return Err(Error::new(ErrorKind::NeedsOutputFile { format: format.name() }).into());
                }
                let ruleset = open(&input)?;
                let selection = selection(&ruleset, period, entity)?;
                let locale = locale(&ruleset, &language);
                Config::Run(RunConfig { ruleset, selection, locale, format, output, fail_on })
            }
            Command::Explain { input, kpi, entity, period, language } => {
                let ruleset = open(&input)?;
                kpi::appraise::explain::known_kpi(&ruleset, &kpi)?;
                let selection = selection(&ruleset, Some(period), Some(entity))?;
                let locale = locale(&ruleset, &language);
                Config::Explain(ExplainConfig { ruleset, kpi, selection, locale })
            }
            Command::Report { input, period, format, language, templates, per_entity, output } => {
                folder("--templates", templates.as_ref())?;
                let ruleset = open(&input)?;
                let period = selection(&ruleset, period, None)?.period;
                let mut formats: Vec<ReportFormat> = format;
                formats.dedup();
                let locale = locale(&ruleset, &language);
                let options = ReportOptions { formats, locale, templates, per_entity, period, output };
                Config::Report(ReportConfig { ruleset, options })
            }
            Command::Show { input, effective, sources, language } => {
                let ruleset = open(&input)?;
                let shown = match (effective, sources) {
                    (true, _) => Shown::Effective,
                    (_, true) => Shown::Sources,
                    _ => Shown::AsWritten,
                };
                let locale = locale(&ruleset, &language);
                Config::Show(ShowConfig { path: input.ruleset, ruleset, shown, locale })
            }
            Command::Init { dir, from } => Config::Init { dir, from },
            Command::Diff { old, new, data, period, format } => {
                folder("--data", data.as_ref())?;
                let mut revisions = Vec::new();
                let mut open_spec = |spec: &str| -> Result<CheckedRuleset, Errors> {
                    let ruleset = match kpi::review::git::parse(spec) {
                        Some((revision, path)) => {
                            let at = kpi::review::git::checkout(spec, revision, path)?;
                            let path = at.path.clone();
                            revisions.push(at);
                            path
                        }
                        None => PathBuf::from(spec),
                    };
                    project::open(&ruleset, data.as_deref())
                };
                let (old_ruleset, new_ruleset) = (open_spec(&old), open_spec(&new));
                let (old_ruleset, new_ruleset) = match (old_ruleset, new_ruleset) {
                    (Ok(a), Ok(b)) => (a, b),
                    (a, b) => {
                        let errors = a.err().into_iter().chain(b.err()).flat_map(Errors::into_vec).collect();
                        return Err(Errors::from_vec(errors));
                    }
                };
                let period = selection(&new_ruleset, period, None)?.period;
                Config::Diff(Box::new(DiffConfig {
                    old: (old, old_ruleset),
                    new: (new, new_ruleset),
                    with_data: data.is_some(),
                    period,
                    format,
                    _revisions: revisions,
                }))
            }
            Command::Test { paths, junit } => Config::Test(TestConfig { paths, junit }),
            Command::Schema => Config::Schema,
        })
    }
}

/// The ruleset, loaded, merged and validated against its data folder.
fn open(input: &Input) -> Result<CheckedRuleset, Errors> {
    folder("--data", input.data.as_ref())?;
    project::open(&input.ruleset, input.data.as_deref())
}

fn folder(flag: &'static str, dir: Option<&PathBuf>) -> Result<(), Error> {
    match dir.filter(|dir| !dir.is_dir()) {
        Some(dir) => Err(Error::new(ErrorKind::NotAFolder { flag, path: dir.display().to_string() })),
        None => Ok(()),
    }
}

/// `--period` read in the ruleset's grain, and `--entity`.
fn selection(ruleset: &CheckedRuleset, period: Option<String>, entity: Option<String>) -> Result<Selection, Error> {
    let grain = ruleset.model.grain.period;
    let period = period
        .map(|label| {
            Period::parse(grain, &label).ok_or_else(|| {
                Error::new(ErrorKind::UnknownPeriod { period: label })
                    .help(format!("this ruleset's periods are written like `{}`", Period::example(grain)))
            })
        })
        .transpose()?;
    Ok(Selection { period, entity })
}

fn locale(ruleset: &CheckedRuleset, language: &Language) -> Locale {
    language.lang.unwrap_or(ruleset.model.locale)
}
