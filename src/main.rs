//! The `kpi` binary: parses the command line, runs the command, renders errors.

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // Before any thread starts: Ctrl-C then removes the run's private folders before it ends.
    kpi::interrupt::install();
    // A panic is a bug: say so, and exit with the code for internal errors. A panic inside a
    // dependency's work that the library contains (a reader on a damaged file) is the file's
    // problem, which the library reports.
    std::panic::set_hook(Box::new(|info| {
        if kpi::contain::in_contained_work() {
            kpi::contain::record(info.to_string());
            return;
        }
        let bug =
            kpi::Error::internal(info).note("this is a bug in kpi; please report it with the command that caused it");
        eprint!("{}", kpi::diagnostic::render(&bug.into()));
        std::process::exit(3);
    }));
    let args = cli::Args::parse();
    match cli::execute(args) {
        Ok(code) => ExitCode::from(code),
        Err(errors) => {
            eprint!("{}", kpi::diagnostic::render(&errors));
            ExitCode::from(errors.exit_code() as u8)
        }
    }
}
