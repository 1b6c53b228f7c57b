//! The `kpi` binary: parses the command line, runs the command, renders errors.

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = cli::Args::parse();
    match cli::execute(args) {
        Ok(code) => ExitCode::from(code),
        Err(errors) => {
            eprint!("{}", kpi::diagnostic::render(&errors));
            ExitCode::from(errors.exit_code() as u8)
        }
    }
}
