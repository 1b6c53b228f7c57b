//! Presenting results to people: number formats, template filters, diagnosis texts, and the
//! Markdown and HTML appraisal reports.

pub mod build;
pub mod charts;
pub mod context;
pub mod filters;
pub mod format;
pub mod render;
pub mod templates;
pub mod texts;

pub use render::{ReportFormat, ReportOptions, render_reports};
