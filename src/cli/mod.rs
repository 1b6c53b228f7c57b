//! The `kpi` command: flags → validated configuration → a call into the library.

pub mod args;
mod config;
mod run;

use std::path::Path;

use kpi::{Errors, project};

pub use args::Args;
use args::Command;

/// Runs a command; the exit code on success.
pub fn execute(args: Args) -> Result<u8, Errors> {
    match args.command {
        Command::Check { ruleset, data } => {
            let checked = project::open(&ruleset, data.as_deref())?;
            if data.is_some() {
                project::verify_data(&checked)?;
            }
            Ok(0)
        }
        Command::Run { ruleset, data, period, entity, format, output, lang } => {
            let config = config::RunConfig::new(&ruleset, data.as_deref(), period, entity, format, output, lang)?;
            run::run(&config)
        }
        Command::Schema => {
            let schema = kpi::ruleset::Ruleset::json_schema();
            println!("{}", serde_json::to_string_pretty(&schema).expect("a schema serializes"));
            Ok(0)
        }
    }
}

/// The folder given with `--data` must exist.
fn existing_dir(dir: Option<&Path>) -> Result<(), Errors> {
    match dir {
        Some(dir) if !dir.is_dir() => Err(kpi::Error::usage(format!("`--data {}` is not a folder", dir.display())).into()),
        _ => Ok(()),
    }
}
