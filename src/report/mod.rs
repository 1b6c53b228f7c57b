//! Presenting an evaluation to people: the Markdown and HTML appraisal reports, their template
//! context, filters and charts.

pub mod book;
pub mod brand;
pub mod build;
pub mod charts;
pub mod commentary;
pub mod context;
mod drawing;
pub mod escape;
mod filters;
mod meta;
mod names;
pub mod render;
pub mod templates;
pub mod word;

pub use build::GroupsOf;
pub use render::{ReportFormat, ReportOptions, Written, render_reports};
