//! The `kpi` command: flags → validated configuration → a call into the library.

pub mod args;
mod config;
mod progress;
mod report;
mod run;

use kpi::{Errors, project};

pub use args::Args;
use args::Command;

/// Runs a command; the exit code on success.
pub fn execute(args: Args) -> Result<u8, Errors> {
    match args.command {
        Command::Check { ruleset, data } => {
            let checked = project::open(&ruleset, data.as_deref())?;
            if data.is_some() {
                warn(&project::verify_data(&checked)?);
            }
            Ok(0)
        }
        Command::Run { ruleset, data, period, entity, format, output, lang, fail_on } => {
            let selection = config::Flags { ruleset: &ruleset, data: data.as_deref(), period, entity, lang };
            let config = config::RunConfig::new(selection, format, output, fail_on)?;
            run::run(&config)
        }
        Command::Explain { ruleset, kpi, entity, period, data, lang } => {
            let flags = config::Flags {
                ruleset: &ruleset,
                data: data.as_deref(),
                period: Some(period),
                entity: Some(entity),
                lang,
            };
            let opened = config::Opened::new(flags)?;
            let (explanation, warnings) =
                kpi::appraise::explain::explain(&opened.ruleset, &kpi, &opened.selection, opened.locale)?;
            warn(&warnings);
            print!("{}", kpi::output::explanation(&explanation, opened.locale));
            Ok(0)
        }
        Command::Report { ruleset, data, period, format, lang, templates, per_entity, output } => {
            let flags = config::Flags { ruleset: &ruleset, data: data.as_deref(), period, entity: None, lang };
            report::report(flags, &format, templates, per_entity, output)
        }
        Command::Schema => {
            let schema = kpi::ruleset::Ruleset::json_schema();
            println!("{}", serde_json::to_string_pretty(&schema).expect("a schema serializes"));
            Ok(0)
        }
    }
}

/// Shows problems that did not stop the command.
fn warn(warnings: &[kpi::Error]) {
    if !warnings.is_empty() {
        eprint!("{}", kpi::diagnostic::render_warnings(warnings));
    }
}
