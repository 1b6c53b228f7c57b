//! `kpi init`: a new client folder, and what to do next.

use std::path::PathBuf;

use kpi::Errors;

use crate::cli::args::InitArgs;

pub struct Config {
    dir: PathBuf,
    from: String,
}

impl Config {
    pub fn new(args: InitArgs) -> Result<Config, Errors> {
        Ok(Config { dir: args.dir, from: args.from })
    }

    pub fn run(self) -> Result<u8, Errors> {
        let written = kpi::scaffold::client_folder(&self.dir, &self.from)?;
        let dir = kpi::words::printable(&self.dir.display().to_string());
        eprintln!("wrote {} files into {dir}; next:", written.len());
        eprintln!("  kpi check {dir}/ruleset.yaml --data {dir}");
        eprintln!("  kpi test {dir}/tests");
        eprintln!("  kpi show {dir}/ruleset.yaml --sources    # the exports to download");
        Ok(0)
    }
}
