//! What a report's documents say of themselves, the same in PDF and Word: who made them, who
//! prepared them, what they are about, and the day they are dated — the data's, so that the
//! same inputs make the same bytes.

use super::context::Report;

/// What made the documents, in their properties.
pub const CREATOR: &str = concat!("kpi ", env!("CARGO_PKG_VERSION"));

/// The day a report's documents are dated: the last day of its data in the period.
pub fn dated(report: &Report) -> String {
    let end = report.period.end.clone();
    report.data.last_date.clone().filter(|last| *last < end).unwrap_or(end)
}

/// Who a report's documents name as their author: the brand's `prepared_by`, else the client.
pub fn author(report: &Report) -> String {
    report.brand.prepared_by.clone().unwrap_or_else(|| report.client.clone())
}

/// What a report's documents are about: the client and the period.
pub fn subject(report: &Report) -> String {
    format!("{} · {}", report.client, report.period.label)
}
