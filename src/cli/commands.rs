//! One function per command, each running its validated configuration: the engine evaluates,
//! the library appraises, explains or reports, and the result goes to the terminal or a file.

use std::io::{IsTerminal, Write};

use kpi::appraise::{self, explain};
use kpi::engine::{self, Probes};
use kpi::report::render_reports;
use kpi::{Error, Errors, output, project, write};

use super::config::{CheckConfig, DiffConfig, ExplainConfig, ReportConfig, RunConfig, ShowConfig, Shown, TestConfig};
use super::progress::Progress;
use super::warn;

/// Exit code when `--fail-on` matched a diagnosis.
const DIAGNOSIS_FIRED: u8 = 1;

/// With `--data`, the headers of every file, then every file read and evaluated as `kpi run`
/// reads it, so that `check` fails wherever `run` would on the same files.
pub fn check(config: CheckConfig) -> Result<u8, Errors> {
    if config.data {
        warn(&project::verify_data(&config.ruleset)?);
        engine::evaluate(&config.ruleset)?;
    }
    Ok(0)
}

pub fn run(config: RunConfig) -> Result<u8, Errors> {
    let evaluation = engine::evaluate(&config.ruleset)?;
    warn(&evaluation.warnings);
    let mut appraisal = appraise::appraise(&config.ruleset, &evaluation, &config.selection, config.locale)?;
    if config.format == output::Format::Json {
        appraisal.provenance = Some(engine::provenance::provenance(&config.ruleset)?);
    }
    let width = config.output.is_none().then(terminal_width).flatten();
    let bytes = output::render(&appraisal, &config.ruleset, config.format, config.locale, width)?;
    match &config.output {
        Some(path) => write::atomically(path, &bytes)?,
        // A reader that stops early (`| head`) is not an error.
        None => match std::io::stdout().write_all(&bytes) {
            Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => return Ok(0),
            written => written.map_err(Error::internal)?,
        },
    }
    let failed = config.fail_on.is_some_and(|severity| appraisal.fired_at_least(severity));
    Ok(if failed { DIAGNOSIS_FIRED } else { 0 })
}

/// The width of the terminal standard output is shown on, if it is one.
fn terminal_width() -> Option<u16> {
    std::io::stdout().is_terminal().then(|| terminal_size::terminal_size().map(|(width, _)| width.0)).flatten()
}

pub fn explain(config: ExplainConfig) -> Result<u8, Errors> {
    let probes = Probes::for_kpis(&config.ruleset, [config.kpi.as_str()]);
    let evaluation = engine::evaluate_with(&config.ruleset, probes)?;
    warn(&evaluation.warnings);
    let explanation = explain::explain(&config.ruleset, &evaluation, &config.kpi, &config.selection, config.locale)?;
    print!("{}", output::explanation(&explanation, config.locale));
    Ok(0)
}

pub fn report(config: ReportConfig) -> Result<u8, Errors> {
    let ReportConfig { ruleset, options } = config;
    let evaluation = engine::evaluate_with(&ruleset, options.probes(&ruleset))?;
    warn(&evaluation.warnings);
    let progress = Progress::new("rendering reports");
    let written = render_reports(&ruleset, &evaluation, &options, &|done, total| progress.update(done, total))?;
    progress.finish();
    let dir = options.output.join(written.period.label());
    let dir = kpi::words::printable(&dir.display().to_string());
    eprintln!("wrote {} reports for {} into {dir}", written.files.len(), written.period.label());
    Ok(0)
}

/// Every case of every test file; the results on standard output (and as JUnit XML with
/// `--junit`). Exit 1 when a case fails, 2 when a test file is broken.
pub fn test(config: TestConfig) -> Result<u8, Errors> {
    let progress = Progress::new("running cases");
    let report = kpi::suite::run(&config.paths, &|done, total| progress.update(done, total))?;
    progress.finish();
    print!("{}", report.render());
    if let Some(path) = &config.junit {
        write::atomically(path, report.junit().as_bytes())?;
    }
    Ok(report.exit_code())
}

/// The ruleset as written, as `extends` leaves it, or the exports it reads.
pub fn show(config: ShowConfig) -> Result<u8, Errors> {
    let ShowConfig { path, ruleset, shown, locale } = config;
    match shown {
        Shown::AsWritten => {
            let text = std::fs::read_to_string(&path).map_err(Error::internal)?;
            print!("{text}");
        }
        Shown::Effective => {
            let origin = |node: &kpi::ruleset::yaml::Node| node.location.file.path().display().to_string();
            let header = format!(
                "# {}, after `extends` and `remove`: a ruleset of its own, each definition marked with its file.\n",
                path.display()
            );
            print!("{header}{}", kpi::ruleset::emit::yaml(&ruleset.tree, &origin));
        }
        Shown::Sources => print!("{}", output::sources(&ruleset, locale)),
    }
    Ok(0)
}

/// The changes between two rulesets, and with data their impact.
pub fn diff(config: DiffConfig) -> Result<u8, Errors> {
    let (old_name, old) = &config.old;
    let (new_name, new) = &config.new;
    let review = kpi::review::review((old_name, old), (new_name, new), config.with_data, config.period)?;
    print!("{}", review.render(config.format));
    Ok(0)
}

/// A new client folder, and what to do next.
pub fn init(dir: &std::path::Path, from: &str) -> Result<u8, Errors> {
    let written = kpi::scaffold::client_folder(dir, from)?;
    let dir = kpi::words::printable(&dir.display().to_string());
    eprintln!("wrote {} files into {dir}; next:", written.len());
    eprintln!("  kpi check {dir}/ruleset.yaml --data {dir}");
    eprintln!("  kpi test {dir}/tests");
    eprintln!("  kpi show {dir}/ruleset.yaml --sources    # the exports to download");
    Ok(0)
}

pub fn schema() -> Result<u8, Errors> {
    let schema = kpi::ruleset::Ruleset::json_schema();
    println!("{}", serde_json::to_string_pretty(&schema).expect("a schema serializes"));
    Ok(0)
}
