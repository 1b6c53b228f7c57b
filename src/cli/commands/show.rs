//! `kpi show`: the ruleset as written, as `extends` and `remove` leave it, or the exports it
//! reads.

use std::path::PathBuf;

use kpi::locale::Locale;
use kpi::ruleset::CheckedRuleset;
use kpi::ruleset::yaml::Node;
use kpi::{Error, ErrorKind, Errors, output};

use crate::cli::args::ShowArgs;
use crate::cli::shared::{locale, open};

/// What `kpi show` prints.
enum Shown {
    AsWritten,
    Effective,
    Sources,
}

pub struct Config {
    path: PathBuf,
    ruleset: CheckedRuleset,
    shown: Shown,
    locale: Locale,
}

impl Config {
    pub fn new(args: ShowArgs) -> Result<Config, Errors> {
        let ShowArgs { input, effective, sources, language } = args;
        let ruleset = open(&input)?;
        let shown = match (effective, sources) {
            (true, _) => Shown::Effective,
            (_, true) => Shown::Sources,
            _ => Shown::AsWritten,
        };
        let locale = locale(&ruleset, &language);
        Ok(Config { path: input.ruleset, ruleset, shown, locale })
    }

    pub fn run(self) -> Result<u8, Errors> {
        match self.shown {
            Shown::AsWritten => {
                let unreadable = |error: std::io::Error| {
                    let path = self.path.display().to_string();
                    Error::new(ErrorKind::UnreadableFile { path, message: error.to_string() })
                };
                print!("{}", std::fs::read_to_string(&self.path).map_err(unreadable)?)
            }
            Shown::Effective => {
                let origin = |node: &Node| node.location.file.path().display().to_string();
                let header = format!(
                    "# {}, after `extends` and `remove`: a ruleset of its own, each definition marked with its file.\n",
                    self.path.display()
                );
                print!("{header}{}", kpi::ruleset::emit::yaml(&self.ruleset.tree, &origin));
            }
            Shown::Sources => print!("{}", output::sources(&self.ruleset, self.locale)),
        }
        Ok(0)
    }
}
