//! The `kpi` command: flags → validated configuration → a call into the library. The only
//! place that knows about terminals.

pub mod args;
mod commands;
mod config;
mod progress;

pub use args::Args;
use config::Config;
use kpi::Errors;

/// Runs a command; the exit code on success.
pub fn execute(args: Args) -> Result<u8, Errors> {
    match Config::new(args.command)? {
        Config::Check(config) => commands::check(config),
        Config::Run(config) => commands::run(config),
        Config::Explain(config) => commands::explain(config),
        Config::Report(config) => commands::report(config),
        Config::Test(config) => commands::test(config),
        Config::Show(config) => commands::show(config),
        Config::Init { dir, from } => commands::init(&dir, &from),
        Config::Diff(config) => commands::diff(*config),
        Config::Schema => commands::schema(),
    }
}

/// Shows problems that did not stop the command.
fn warn(warnings: &[kpi::Error]) {
    if !warnings.is_empty() {
        eprint!("{}", kpi::diagnostic::render_warnings(warnings));
    }
}
