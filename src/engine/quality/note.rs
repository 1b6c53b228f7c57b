//! The data-quality notes themselves: what a note says, about which cell and source.

use chrono::NaiveDate;

use crate::engine::period::Period;

/// Something about the rows of a source, in a cell (entity × period) where it applies.
#[derive(Clone, Debug, PartialEq)]
pub struct QualityNote {
    pub entity: Option<String>,
    pub period: Option<Period>,
    pub source: String,
    pub issue: Issue,
}

/// What a note says.
#[derive(Clone, Debug, PartialEq)]
pub enum Issue {
    /// Days of the period without a row, in a source with a row a day.
    MissingDays { missing: Vec<NaiveDate>, days: usize },
    /// No rows at all in the period, where the entity has rows of the source in every period
    /// since its first (two at least): an export forgotten, whose KPIs have no data there.
    MissingSource,
    /// Rows that repeat another row exactly: the same entity, date and values.
    RepeatedRows { count: usize },
    /// Values below 0 in a column of counts.
    NegativeCounts { column: String, count: usize, lines: Vec<Line> },
    /// Values that are not numbers, read as no data (`on_bad_value: null`).
    ValuesMadeNoData { count: usize, lines: Vec<Line> },
    /// Total rows (`合计`), left out.
    TotalRowsLeftOut { count: usize },
    /// A file whose headers are not those of the source's first file.
    DifferentHeaders { file: String, first_file: String, missing: Vec<String>, extra: Vec<String> },
    /// Rows that fail one of the source's `checks`.
    FailedCheck { check: String, count: usize, lines: Vec<Line> },
}

/// A row of a file, by its line (or sheet row).
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    pub file: String,
    pub line: usize,
}

impl Issue {
    /// The note's kind, as the JSON names it.
    pub fn kind(&self) -> &'static str {
        match self {
            Issue::MissingDays { .. } => "missing_days",
            Issue::MissingSource => "missing_source",
            Issue::RepeatedRows { .. } => "repeated_rows",
            Issue::NegativeCounts { .. } => "negative_counts",
            Issue::ValuesMadeNoData { .. } => "values_made_no_data",
            Issue::TotalRowsLeftOut { .. } => "total_rows_left_out",
            Issue::DifferentHeaders { .. } => "different_headers",
            Issue::FailedCheck { .. } => "failed_check",
        }
    }

    /// How many days, rows, values or headers the note is about.
    pub fn count(&self) -> usize {
        match self {
            Issue::MissingDays { missing, .. } => missing.len(),
            Issue::MissingSource => 1,
            Issue::RepeatedRows { count }
            | Issue::NegativeCounts { count, .. }
            | Issue::ValuesMadeNoData { count, .. }
            | Issue::TotalRowsLeftOut { count }
            | Issue::FailedCheck { count, .. } => *count,
            Issue::DifferentHeaders { missing, extra, .. } => missing.len() + extra.len(),
        }
    }
}
