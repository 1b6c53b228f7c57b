//! The `kpi` command: flags → validated configuration → a call into the library. The only
//! place that knows about terminals.

pub mod args;
mod choice;
mod commands;
mod progress;
mod shared;

pub use args::Args;
use args::Command;
use commands::*;
use kpi::Errors;

/// Runs a command; the exit code on success.
pub fn execute(args: Args) -> Result<u8, Errors> {
    match args.command {
        Command::Check(args) => check::Config::new(args)?.run(),
        Command::Run(args) => run::Config::new(args)?.run(),
        Command::Explain(args) => explain::Config::new(args)?.run(),
        Command::Report(args) => report::Config::new(args)?.run(),
        Command::Preview(args) => preview::Config::new(args)?.run(),
        Command::Init(args) => init::Config::new(args)?.run(),
        Command::Diff(args) => diff::Config::new(args)?.run(),
        Command::Show(args) => show::Config::new(args)?.run(),
        Command::Test(args) => test::Config::new(args)?.run(),
        Command::Sql(args) => sql::Config::new(args)?.run(),
        Command::Schema => schema::run(),
    }
}
