//! The command line, as clap parses it. Nothing here is trusted yet: [`super::config`] turns
//! these flags into a validated configuration before any work starts.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(name = "kpi", version, about = "Declarative KPI appraisal: YAML rulesets in, appraisal reports out")]
pub struct Args {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Load, merge, validate and compile a ruleset; print nothing but errors.
    Check {
        ruleset: PathBuf,
        /// Also check that every source's files exist and have every mapped column.
        #[arg(long, value_name = "DIR")]
        data: Option<PathBuf>,
    },
    /// Evaluate a ruleset over its data: one row per entity × period × KPI.
    Run {
        ruleset: PathBuf,
        /// The folder source paths are relative to (default: the ruleset's folder).
        #[arg(long, value_name = "DIR")]
        data: Option<PathBuf>,
        /// Only this period, e.g. `2026-10` (month), `2026-W05`, `2026-Q3`, `2026`, `2026-10-08`.
        #[arg(long)]
        period: Option<String>,
        /// Only this entity.
        #[arg(long)]
        entity: Option<String>,
        #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
        format: OutputFormat,
        /// Write to this file instead of standard output.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Language of labels and diagnosis texts: `zh-CN` or `en` (default: the ruleset's `locale`).
        #[arg(long)]
        lang: Option<String>,
        /// Exit with code 1 when a diagnosis of this severity or worse fires in the selection.
        #[arg(long, value_enum, value_name = "SEVERITY")]
        fail_on: Option<FailOn>,
    },
    /// Show how a KPI was computed for one entity and period: the audit trail.
    Explain {
        ruleset: PathBuf,
        /// The KPI's id.
        kpi: String,
        #[arg(long)]
        entity: String,
        #[arg(long)]
        period: String,
        #[arg(long, value_name = "DIR")]
        data: Option<PathBuf>,
        #[arg(long)]
        lang: Option<String>,
    },
    /// Render appraisal reports: a portfolio overview and, with --per-entity, one per entity.
    Report {
        ruleset: PathBuf,
        #[arg(long, value_name = "DIR")]
        data: Option<PathBuf>,
        /// The period to report (default: the latest with data).
        #[arg(long)]
        period: Option<String>,
        /// Formats, comma-separated: `html`, `md`.
        #[arg(long, value_delimiter = ',', default_values = ["html", "md"])]
        format: Vec<ReportFormatArg>,
        #[arg(long)]
        lang: Option<String>,
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
    /// Print the JSON Schema of the ruleset format.
    Schema,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormatArg {
    Html,
    Md,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Warning,
    Critical,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Table,
    Json,
    Csv,
    Parquet,
}
