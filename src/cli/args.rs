//! The command line, as clap parses it: one struct of flags per command, and the flags commands
//! share (the ruleset and its data, the period, the language) defined once. Nothing here is
//! trusted yet: each command's module turns its flags into a validated configuration before any
//! work starts.

use std::path::PathBuf;

use clap::{Args as FlagGroup, Parser, Subcommand};

use super::choice::choice;
use kpi::engine::warehouse::Warehouse;
use kpi::locale::Locale;
use kpi::output::Format;
use kpi::report::ReportFormat;
use kpi::review::DiffFormat;
use kpi::ruleset::model::{Audience, Paper, Severity};
use kpi::sql::Dialect;

#[derive(Debug, Parser)]
#[command(name = "kpi", version, about = "Declarative KPI appraisal: YAML rulesets in, appraisal reports out")]
pub struct Args {
    #[command(subcommand)]
    pub command: Command,
}

/// The ruleset and its data, which every command that reads data takes.
#[derive(Debug, FlagGroup)]
pub struct Input {
    /// The ruleset file.
    pub ruleset: PathBuf,
    /// The folder source paths are relative to (default: the ruleset's folder).
    #[arg(long, value_name = "DIR")]
    pub data: Option<PathBuf>,
}

#[derive(Debug, FlagGroup)]
pub struct Language {
    /// Language of labels and texts (default: the ruleset's `locale`).
    #[arg(long, value_parser = choice::<Locale>(), ignore_case = true)]
    pub lang: Option<Locale>,
}

#[derive(Debug, FlagGroup)]
pub struct PeriodFlag {
    /// The period, in the ruleset's grain: `2026-10` (month), `2026-W05`, `2026-Q3`, `2026`,
    /// `2026-10-08`.
    #[arg(long)]
    pub period: Option<String>,
}

#[derive(Debug, FlagGroup)]
pub struct RollupFlag {
    /// Also appraise the groups of entities by this attribute (a brand, a region), besides the
    /// ruleset's `rollups`; repeatable.
    #[arg(long, value_name = "ATTRIBUTE")]
    pub by: Vec<String>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Load, merge, validate and compile a ruleset; print nothing but errors. With --data, also
    /// check that every source's files exist and have every mapped column, and read them all.
    Check(CheckArgs),
    /// Evaluate a ruleset over its data: one row per entity × period × KPI (every period unless
    /// --period).
    Run(RunArgs),
    /// Show how a KPI was computed for one entity and period: the audit trail.
    Explain(ExplainArgs),
    /// Render appraisal reports (of the latest period with data unless --period): a portfolio
    /// overview and, with --per-entity, one per entity.
    Report(ReportArgs),
    /// Serve the reports on 127.0.0.1 and reload them in the browser when the ruleset, the
    /// data, the templates or the commentary change.
    Preview(PreviewArgs),
    /// Start a client: a folder with a ruleset extending a built-in, sample exports, a passing
    /// test file, a templates/ folder, a .gitignore and a README.
    Init(InitArgs),
    /// What changed between two rulesets, and with --data what the change does to totals, grades
    /// and diagnoses (in the latest period with data unless --period).
    Diff(DiffArgs),
    /// Print a ruleset: as written, with --effective as `extends` and `remove` leave it, or with
    /// --sources the exports it reads.
    Show(ShowArgs),
    /// Run ruleset test files (`*.test.yaml`): files as given, folders searched for them.
    Test(TestArgs),
    /// Print the SQL that computes the ruleset's results where the data lives: a view of the
    /// grid, then the results, scorecards and diagnoses read from it.
    Sql(SqlArgs),
    /// Print the JSON Schema of the ruleset format.
    Schema,
}

#[derive(Debug, FlagGroup)]
pub struct SqlArgs {
    /// The ruleset file; its sources are warehouse tables (`table:`).
    pub ruleset: PathBuf,
    /// The engine's SQL.
    #[arg(long, value_parser = choice::<Dialect>())]
    pub dialect: Dialect,
    #[command(flatten)]
    pub period: PeriodFlag,
}

#[derive(Debug, FlagGroup)]
pub struct CheckArgs {
    #[command(flatten)]
    pub input: Input,
    #[command(flatten)]
    pub engine: EngineFlag,
    /// With `--data` or `--engine`: the period whose coverage is checked (by default the one
    /// `kpi report` would take, the latest complete period).
    #[arg(long)]
    pub period: Option<String>,
}

/// Where the evaluation runs.
#[derive(Debug, FlagGroup)]
pub struct EngineFlag {
    /// Evaluate where the data lives, on the engine that holds the sources' tables:
    /// `duckdb:FILE`, `postgres://USER@HOST/DB` or `spark://local|yarn|HOST:PORT`
    /// (docs/engines.md). The results are those of the built-in engine.
    #[arg(long, value_name = "ENGINE")]
    pub engine: Option<String>,
}

impl EngineFlag {
    /// The engine `--engine` names, read.
    pub fn warehouse(self) -> Result<Option<Warehouse>, kpi::Errors> {
        self.engine.map(|engine| Warehouse::parse(&engine)).transpose()
    }
}

#[derive(Debug, FlagGroup)]
pub struct RunArgs {
    #[command(flatten)]
    pub input: Input,
    #[command(flatten)]
    pub engine: EngineFlag,
    #[command(flatten)]
    pub period: PeriodFlag,
    /// Only this entity.
    #[arg(long)]
    pub entity: Option<String>,
    /// How to write it: `table` for people, `json` (the whole appraisal) or `parquet` for
    /// programs, `csv` or `xlsx` (a workbook: results, scorecards, findings, data quality) for
    /// spreadsheets; `parquet` and `xlsx` need `-o FILE`.
    #[arg(long, value_parser = choice::<Format>(), default_value = "table")]
    pub format: Format,
    /// Write to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub language: Language,
    #[command(flatten)]
    pub by: RollupFlag,
    /// Tables as wide as their contents, labels whole, whatever the terminal's width.
    #[arg(long)]
    pub wide: bool,
    /// Exit with code 1 when a diagnosis of this severity or worse fires in the selection.
    #[arg(long, value_parser = choice::<Severity>(), value_name = "SEVERITY")]
    pub fail_on: Option<Severity>,
}

#[derive(Debug, FlagGroup)]
pub struct ExplainArgs {
    #[command(flatten)]
    pub input: Input,
    #[command(flatten)]
    pub engine: EngineFlag,
    /// The KPI's id.
    pub kpi: String,
    #[arg(long)]
    pub entity: String,
    /// The period, in the ruleset's grain (`2026-10`).
    #[arg(long)]
    pub period: String,
    #[command(flatten)]
    pub language: Language,
}

#[derive(Debug, FlagGroup)]
pub struct ReportArgs {
    #[command(flatten)]
    pub input: Input,
    #[command(flatten)]
    pub engine: EngineFlag,
    #[command(flatten)]
    pub period: PeriodFlag,
    /// Formats, comma-separated: `html`, `md`, `pdf`, `docx` (PDF and Word need Chromium);
    /// `html,md` by default, `pdf,docx` for a book.
    #[arg(long, value_parser = choice::<ReportFormat>(), value_delimiter = ',')]
    pub format: Vec<ReportFormat>,
    #[command(flatten)]
    pub language: Language,
    /// A folder of templates that replace the shipped ones by name (by default the ruleset's
    /// `templates/` folder, when it has one).
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// Write the period's reports as one book to send (`PERIOD/book.pdf`, `book.docx`): cover,
    /// contents, summary, every account's report and the roll-ups.
    #[arg(long)]
    pub book: bool,
    /// Also write one report per entity (with `--book`: the separate files too).
    #[arg(long)]
    pub per_entity: bool,
    /// Who the reports are for (the ruleset's `report.audience`, else the client).
    #[arg(long, value_parser = choice::<Audience>())]
    pub audience: Option<Audience>,
    /// A Word document whose styles the `docx` reports take (the ruleset's
    /// `report.reference_docx`, else the shipped styles).
    #[arg(long, value_name = "FILE")]
    pub reference_docx: Option<PathBuf>,
    /// The paper PDF and Word reports are laid out on (the ruleset's `report.paper`, else A4).
    #[arg(long, value_parser = choice::<Paper>())]
    pub paper: Option<Paper>,
    #[command(flatten)]
    pub by: RollupFlag,
    /// The folder to write into; reports go to DIR/PERIOD/.
    #[arg(short, long, value_name = "DIR")]
    pub output: PathBuf,
}

#[derive(Debug, FlagGroup)]
pub struct PreviewArgs {
    #[command(flatten)]
    pub input: Input,
    #[command(flatten)]
    pub period: PeriodFlag,
    #[command(flatten)]
    pub language: Language,
    /// A folder of templates that replace the shipped ones by name.
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// Who the reports are for (the ruleset's `report.audience`, else the client).
    #[arg(long, value_parser = choice::<Audience>())]
    pub audience: Option<Audience>,
    /// The port on 127.0.0.1 (0: any free one).
    #[arg(long, default_value_t = 8000)]
    pub port: u16,
}

#[derive(Debug, FlagGroup)]
pub struct InitArgs {
    /// The new client folder (it must not exist, or be empty).
    pub dir: PathBuf,
    /// The built-in ruleset to start from.
    #[arg(long, value_name = "builtin:NAME", default_value = kpi::scaffold::DEFAULT_BUILTIN)]
    pub from: String,
}

#[derive(Debug, FlagGroup)]
pub struct DiffArgs {
    /// The ruleset before: a path, or `git:REV:PATH` (PATH from the repository's root, or
    /// `./PATH` from here; `extends` resolved at that revision).
    pub old: String,
    /// The ruleset after, written the same way.
    pub new: String,
    /// The data both are evaluated on, to show the impact.
    #[arg(long, value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// The engine both are evaluated on, to show the impact, when their sources are tables.
    #[command(flatten)]
    pub engine: EngineFlag,
    #[command(flatten)]
    pub period: PeriodFlag,
    #[command(flatten)]
    pub by: RollupFlag,
    #[arg(long, value_parser = choice::<DiffFormat>(), default_value = "text")]
    pub format: DiffFormat,
    #[command(flatten)]
    pub language: Language,
}

#[derive(Debug, FlagGroup)]
pub struct ShowArgs {
    #[command(flatten)]
    pub input: Input,
    /// The ruleset after `extends` and `remove`: a ruleset of its own, each definition marked
    /// with the file it comes from.
    #[arg(long, conflicts_with = "sources")]
    pub effective: bool,
    /// Every source: where to download it, the files it looks for and the headers it needs.
    #[arg(long)]
    pub sources: bool,
    #[command(flatten)]
    pub language: Language,
}

#[derive(Debug, FlagGroup)]
pub struct TestArgs {
    /// Test files or folders (default: the current folder).
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    // Each case's rows are made into tables on the engine for the case (docs/engines.md).
    #[command(flatten)]
    pub engine: EngineFlag,
    /// Also write the results as JUnit XML, for CI systems to display.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
}
