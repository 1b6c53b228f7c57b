//! Presenting results to people.

pub mod format;
