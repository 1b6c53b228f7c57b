//! `kpi preview`: the reports served on 127.0.0.1, rebuilt and reloaded as the consultant edits.

use kpi::Errors;
use kpi::preview::{Preview, Settings};

use crate::cli::args::PreviewArgs;
use crate::cli::shared::folder;

pub struct Config {
    preview: Preview,
}

impl Config {
    pub fn new(args: PreviewArgs) -> Result<Config, Errors> {
        let PreviewArgs { input, period, language, templates, audience, port } = args;
        folder("--data", input.data.as_ref())?;
        folder("--templates", templates.as_ref())?;
        let settings = Settings {
            ruleset: input.ruleset,
            data: input.data,
            templates,
            period: period.period,
            locale: language.lang,
            audience,
            port,
        };
        Ok(Config { preview: Preview::bind(settings)? })
    }

    /// Serves until the process is stopped.
    pub fn run(self) -> Result<u8, Errors> {
        let address = self.preview.address();
        eprintln!("{address}  (Ctrl-C)");
        self.preview.serve();
        Ok(0)
    }
}
