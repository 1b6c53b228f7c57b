//! Evaluation: sources scanned lazily, aggregated per entity and period, and every formula
//! computed on the full grid of entities × periods, all in polars.

pub mod actions;
pub mod aggregates;
mod attributes;
mod bad_rows;
mod bug;
pub mod cell_value;
pub mod evaluate;
pub mod evaluation;
mod failure;
pub mod files;
mod formulas;
pub(crate) mod grid;
mod instants;
mod layers;
pub mod numbers;
pub mod period;
pub mod probes;
pub mod provenance;
pub mod quality;
pub mod rollup;
mod scorecards;
mod scoring;
pub mod shares;
pub mod sniff;
pub mod sources;
mod targets;
pub mod values;
pub mod warehouse;

pub use evaluate::{Turns, evaluate, evaluate_in_turns, evaluate_with};
pub use evaluation::Evaluation;
pub use period::{Asked, Period};
pub use probes::Probes;
