//! `kpi test`: every case of every test file; the results on standard output (and as JUnit XML
//! with `--junit`). Exit 1 when a case fails, 2 when a test file is broken.

use std::path::PathBuf;

use kpi::engine::warehouse::Warehouse;
use kpi::{Errors, write};

use crate::cli::args::TestArgs;
use crate::cli::progress::Progress;

pub struct Config {
    paths: Vec<PathBuf>,
    warehouse: Option<Warehouse>,
    junit: Option<PathBuf>,
}

impl Config {
    pub fn new(args: TestArgs) -> Result<Config, Errors> {
        Ok(Config { warehouse: args.engine.warehouse()?, paths: args.paths, junit: args.junit })
    }

    pub fn run(self) -> Result<u8, Errors> {
        let progress = Progress::new("running cases");
        let report =
            kpi::suite::run(&self.paths, self.warehouse.as_ref(), &|done, total| progress.update(done, total))?;
        progress.finish();
        print!("{}", report.render());
        if let Some(path) = &self.junit {
            write::atomically(path, report.junit().as_bytes())?;
        }
        Ok(report.exit_code())
    }
}
