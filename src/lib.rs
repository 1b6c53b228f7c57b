//! kpi: declarative KPI appraisal. A YAML ruleset says which KPIs count and how they are
//! computed, targeted, scored and graded; the engine evaluates it over the platforms' data
//! exports with polars.

// Errors carry their location, help and notes; they are built on the cold path only, so their
// size does not matter.
#![allow(clippy::result_large_err)]

pub mod diagnostic;
pub mod error;
pub mod expr;
pub mod location;
pub mod ruleset;
pub mod suggest;

pub use error::{Error, ErrorKind, Errors, Result};
pub mod appraise;
pub mod compile;
pub mod engine;
pub mod output;
pub mod project;
pub mod report;
