//! Evaluation: sources scanned lazily, aggregated per entity and period, and every formula
//! computed on the full grid of entities × periods, all in polars.

pub mod aggregates;
pub mod evaluate;
pub mod files;
pub mod formulas;
pub mod period;
pub mod sniff;
pub mod sources;
pub mod tables;
pub mod targets;

pub use evaluate::{Evaluation, evaluate, evaluate_with_probes};
pub use period::Period;
