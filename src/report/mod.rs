//! Presenting results to people: number formats, template filters, diagnosis texts.

pub mod filters;
pub mod format;
pub mod texts;
