//! `kpi diff`: two rulesets opened (each as it is, or as it was at a git revision) on the same
//! data, their changes, and with data their impact.

use std::path::PathBuf;

use kpi::engine::Period;
use kpi::engine::warehouse::Warehouse;
use kpi::locale::Locale;
use kpi::review::DiffFormat;
use kpi::review::git::{self, Revision};
use kpi::ruleset::CheckedRuleset;
use kpi::{Error, ErrorKind, Errors, project};

use crate::cli::args::DiffArgs;
use crate::cli::progress::Waiting;
use crate::cli::shared::{folder, locale, own_period, rollups};

pub struct Config {
    old: (String, CheckedRuleset),
    new: (String, CheckedRuleset),
    with_data: bool,
    warehouse: Option<Warehouse>,
    period: Option<Period>,
    /// The attributes whose roll-ups the impact covers: the ruleset's `rollups`, then `--by`.
    rollups: Vec<String>,
    format: DiffFormat,
    /// The language of the review: `--lang`, else the new ruleset's.
    locale: Locale,
}

impl Config {
    pub fn new(args: DiffArgs) -> Result<Config, Errors> {
        let DiffArgs { old, new, data, engine, period, by, format, language } = args;
        let warehouse = engine.warehouse()?;
        folder("--data", data.as_ref())?;
        if period.period.is_some() && data.is_none() && warehouse.is_none() {
            return Err(Error::new(ErrorKind::FlagNeeds { flag: "--period", needs: "--data" }).into());
        }
        let open_spec = |spec: &str| -> Result<CheckedRuleset, Errors> {
            match git::parse(spec) {
                Some((revision, path)) => {
                    let (revision, path) = Revision::open(spec, revision, path)?;
                    project::open_from(&path, data.as_deref(), &revision)
                }
                None => project::open(&PathBuf::from(spec), data.as_deref()),
            }
        };
        let (old_ruleset, new_ruleset) = match (open_spec(&old), open_spec(&new)) {
            (Ok(a), Ok(b)) => (a, b),
            (a, b) => {
                let errors = a.err().into_iter().chain(b.err()).flat_map(Errors::into_vec).collect();
                return Err(Errors::from_vec(errors));
            }
        };
        let period = own_period(&new_ruleset, period.period)?;
        let rollups = rollups(&new_ruleset, &by)?;
        let with_data = data.is_some() || warehouse.is_some();
        let locale = locale(&new_ruleset, &language);
        let (old, new) = ((old, old_ruleset), (new, new_ruleset));
        Ok(Config { old, new, with_data, warehouse, period, rollups, format, locale })
    }

    pub fn run(self) -> Result<u8, Errors> {
        let (old_name, old) = &self.old;
        let (new_name, new) = &self.new;
        let waiting = Waiting::on(self.warehouse.as_ref(), self.locale);
        let review = kpi::review::review(
            (old_name, old),
            (new_name, new),
            self.with_data,
            self.warehouse.as_ref(),
            self.period,
            &self.rollups,
        )?;
        drop(waiting);
        print!("{}", review.render(self.format, self.locale));
        Ok(0)
    }
}
