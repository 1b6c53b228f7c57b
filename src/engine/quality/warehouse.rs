//! The notes of a run on an engine, read from the counts its view `kpi_quality` returns
//! (`sql::quality`): the same notes files give of the same rows, but those only files can
//! have — lines named, total rows, values that are not numbers, headers that differ. Rows
//! written twice are rows alike in their date and every column the ruleset reads: a table
//! has no other row than its columns, and a table loaded twice differs in its load's columns.

use chrono::NaiveDate;
use polars::prelude::*;

use super::{Issue, QualityNote, daily, days_missing, in_order};
use crate::engine::bug::Bug;
use crate::engine::period::{Period, epoch_days, from_epoch_days};
use crate::engine::sniff;
use crate::error::Result;
use crate::ruleset::CheckedRuleset;

/// One row of the counts: of a cell, or of the whole source (without entity and period).
struct Count {
    source: String,
    entity: Option<String>,
    period: Option<NaiveDate>,
    kind: String,
    count: usize,
    detail: String,
}

/// Every note the counts of `frame` make, in entity, period and source order.
pub fn notes_counted(ruleset: &CheckedRuleset, frame: &DataFrame, entities: &[String]) -> Result<Vec<QualityNote>> {
    let counts = read(frame)?;
    let mut notes = Vec::new();
    for (name, _) in ruleset.row_sources() {
        let of_source: Vec<&Count> = counts.iter().filter(|count| count.source == *name).collect();
        notes.extend(source_notes(ruleset, name, &of_source, entities));
    }
    Ok(in_order(notes))
}

fn read(frame: &DataFrame) -> Result<Vec<Count>> {
    let text = |name: &str| -> Result<Vec<Option<String>>> {
        let column = frame.column(name).or_bug()?.cast(&DataType::String).or_bug()?;
        Ok(column.str().or_bug()?.iter().map(|value| value.map(str::to_string)).collect())
    };
    let periods = frame.column("period").or_bug()?.cast(&DataType::Int32).or_bug()?;
    let counts = frame.column("count").or_bug()?.cast(&DataType::Float64).or_bug()?;
    let (sources, entities, kinds, details) = (text("source")?, text("entity")?, text("kind")?, text("detail")?);
    let rows = sources.into_iter().zip(entities).zip(kinds).zip(details);
    let numbers = periods.i32().or_bug()?.iter().zip(counts.f64().or_bug()?.iter());
    Ok(rows
        .zip(numbers)
        .map(|((((source, entity), kind), detail), (period, count))| Count {
            source: source.unwrap_or_default(),
            entity,
            period: period.map(from_epoch_days),
            kind: kind.unwrap_or_default(),
            count: count.unwrap_or(0.0) as usize,
            detail: detail.unwrap_or_default(),
        })
        .collect())
}

/// The notes of one source, cell by cell in the order files give them: missing days, rows
/// written twice, values below 0 (column by column), failed checks (check by check).
fn source_notes(ruleset: &CheckedRuleset, name: &str, counts: &[&Count], entities: &[String]) -> Vec<QualityNote> {
    let source = &ruleset.model.sources[name];
    let header = |column: &str| source.columns.get(column).map_or(column, String::as_str).to_string();
    let total =
        |kind: &str| -> usize { counts.iter().filter(|c| c.entity.is_none() && c.kind == kind).map(|c| c.count).sum() };
    let repeated: usize = counts.iter().filter(|c| c.kind == "repeated").map(|c| c.count).sum();
    let is_daily = daily(total("days"), total("rows").saturating_sub(repeated), total("spanned"));
    let whole = |column: &str| counts.iter().any(|c| c.kind == "fraction" && c.detail == column && c.count == 0);
    let checks = ruleset.checks.get(name).map(Vec::as_slice).unwrap_or_default();
    let grain = ruleset.model.grain.period;
    let mut cells: Vec<(&Count, (u8, usize))> =
        counts.iter().filter_map(|c| Some((*c, order(c, &source.columns)?))).collect();
    cells.sort_by_key(|(count, order)| (count.entity.clone(), count.period, *order));
    let mut notes = Vec::new();
    for (count, _) in cells {
        let (Some(entity), Some(start)) = (&count.entity, count.period) else { continue };
        let period = Period::containing(grain, start);
        let issue = match count.kind.as_str() {
            "present" if is_daily => {
                let present: Vec<i32> =
                    count.detail.split(',').filter_map(|day| day.trim().parse().ok()).map(epoch_days).collect();
                let missing = days_missing(period, &present);
                let days = (period.end() - period.start).num_days() as usize + 1;
                (!missing.is_empty()).then_some(Issue::MissingDays { missing, days })
            }
            "repeated" => Some(Issue::RepeatedRows { count: count.count }),
            "negative" if sniff::holds_counts(&header(&count.detail), whole(&count.detail)) => {
                Some(Issue::NegativeCounts { column: header(&count.detail), count: count.count, lines: Vec::new() })
            }
            "failed" => count.detail.parse::<usize>().ok().and_then(|index| checks.get(index)).map(|check| {
                Issue::FailedCheck { check: check.text().trim().to_string(), count: count.count, lines: Vec::new() }
            }),
            _ => None,
        };
        let known = entities.iter().any(|known| known == entity);
        notes.extend(issue.map(|issue| QualityNote {
            entity: known.then(|| entity.clone()),
            period: Some(period),
            source: name.to_string(),
            issue,
        }));
    }
    notes
}

/// Where a count of a cell comes among the cell's notes (its kind, then its column by the
/// source's `columns` or its check); `None` for a count of the whole source.
fn order(count: &Count, columns: &indexmap::IndexMap<String, String>) -> Option<(u8, usize)> {
    count.entity.as_ref()?;
    match count.kind.as_str() {
        "present" => Some((0, 0)),
        "repeated" => Some((1, 0)),
        "negative" => Some((2, columns.get_index_of(&count.detail).unwrap_or(usize::MAX))),
        "failed" => Some((3, count.detail.parse().unwrap_or_default())),
        _ => None,
    }
}
