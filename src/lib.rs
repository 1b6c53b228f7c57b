//! kpi: declarative KPI appraisal. A YAML ruleset says which KPIs count and how they are
//! computed, targeted, scored and graded; the engine evaluates it over the platforms' data
//! exports with polars.
//!
//! The modules are layers (docs/design.md): each uses only the ones its row there names.

// Below the pipeline: places in files, errors, words, numbers and texts for people, writing.
pub mod contain;
pub mod diagnostic;
pub mod error;
pub mod fingerprint;
pub mod format;
pub mod interrupt;
pub mod locale;
pub mod location;
pub mod office;
pub mod read;
pub mod scratch;
pub mod suggest;
pub mod texts;
pub mod words;
pub mod write;

// The pipeline, in the order it runs.
pub mod appraise;
pub mod browser;
pub mod compile;
pub mod engine;
pub mod expr;
pub mod output;
pub mod preview;
pub mod project;
pub mod report;
pub mod review;
pub mod ruleset;
pub mod scaffold;
pub mod sql;
pub mod suite;

pub use error::{Error, ErrorCode, ErrorKind, Errors, Result};
