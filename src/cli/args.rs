//! The command line, as clap parses it. Nothing here is trusted yet: [`super::config`] turns
//! these flags into a validated configuration before any work starts.

use std::path::PathBuf;

use clap::{Args as FlagGroup, Parser, Subcommand};
use kpi::locale::Locale;
use kpi::output::Format;
use kpi::report::ReportFormat;
use kpi::ruleset::model::Severity;

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
    #[arg(long, value_enum, ignore_case = true)]
    pub lang: Option<Locale>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Load, merge, validate and compile a ruleset; print nothing but errors. With --data, also
    /// check that every source's files exist and have every mapped column.
    Check {
        #[command(flatten)]
        input: Input,
    },
    /// Evaluate a ruleset over its data: one row per entity × period × KPI.
    Run {
        #[command(flatten)]
        input: Input,
        /// Only this period, e.g. `2026-10` (month), `2026-W05`, `2026-Q3`, `2026`, `2026-10-08`.
        #[arg(long)]
        period: Option<String>,
        /// Only this entity.
        #[arg(long)]
        entity: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
        /// Write to this file instead of standard output.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
        #[command(flatten)]
        language: Language,
        /// Exit with code 1 when a diagnosis of this severity or worse fires in the selection.
        #[arg(long, value_enum, value_name = "SEVERITY")]
        fail_on: Option<Severity>,
    },
    /// Show how a KPI was computed for one entity and period: the audit trail.
    Explain {
        #[command(flatten)]
        input: Input,
        /// The KPI's id.
        kpi: String,
        #[arg(long)]
        entity: String,
        #[arg(long)]
        period: String,
        #[command(flatten)]
        language: Language,
    },
    /// Render appraisal reports: a portfolio overview and, with --per-entity, one per entity.
    Report {
        #[command(flatten)]
        input: Input,
        /// The period to report (default: the latest with data).
        #[arg(long)]
        period: Option<String>,
        /// Formats, comma-separated: `html`, `md`.
        #[arg(long, value_enum, value_delimiter = ',', default_values = ["html", "md"])]
        format: Vec<ReportFormat>,
        #[command(flatten)]
        language: Language,
        /// A folder of templates that replace the shipped ones by name.
        #[arg(long, value_name = "DIR")]
        templates: Option<PathBuf>,
        /// Also write one report per entity.
        #[arg(long)]
        per_entity: bool,
        /// The folder to write into; reports go to DIR/PERIOD/.
        #[arg(short, long, value_name = "DIR")]
        output: PathBuf,
    },
    /// Start a client: a folder with a ruleset extending a built-in, sample exports, a passing
    /// test file, a templates/ folder, a .gitignore and a README.
    Init {
        /// The new client folder (it must not exist, or be empty).
        dir: PathBuf,
        /// The built-in ruleset to start from.
        #[arg(long, value_name = "builtin:NAME", default_value = kpi::scaffold::DEFAULT_BUILTIN)]
        from: String,
    },
    /// What changed between two rulesets, and with --data what the change does to totals, grades
    /// and diagnoses.
    Diff {
        /// The ruleset before: a path, or `git:REV:PATH` (PATH from the repository's root, or
        /// `./PATH` from here; `extends` resolved at that revision).
        old: String,
        /// The ruleset after, written the same way.
        new: String,
        /// The data both are evaluated on, to show the impact.
        #[arg(long, value_name = "DIR")]
        data: Option<PathBuf>,
        /// The period of the impact (default: the last with data).
        #[arg(long, requires = "data")]
        period: Option<String>,
        #[arg(long, value_enum, default_value_t = kpi::review::DiffFormat::Text)]
        format: kpi::review::DiffFormat,
    },
    /// Print a ruleset: as written, with --effective as `extends` and `remove` leave it, or with
    /// --sources the exports it reads.
    Show {
        #[command(flatten)]
        input: Input,
        /// The ruleset after `extends` and `remove`: a ruleset of its own, each definition
        /// marked with the file it comes from.
        #[arg(long, conflicts_with = "sources")]
        effective: bool,
        /// Every source: where to download it, the files it looks for and the headers it needs.
        #[arg(long)]
        sources: bool,
        #[command(flatten)]
        language: Language,
    },
    /// Run ruleset test files (`*.test.yaml`): files as given, folders searched for them.
    Test {
        /// Test files or folders (default: the current folder).
        #[arg(default_value = ".")]
        paths: Vec<PathBuf>,
        /// Also write the results as JUnit XML, for CI systems to display.
        #[arg(long, value_name = "FILE")]
        junit: Option<PathBuf>,
    },
    /// Print the JSON Schema of the ruleset format.
    Schema,
}
