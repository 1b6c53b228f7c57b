//! Targets tables (`target: { table: NAME }`): a KPI's target per entity, and per period when
//! the table has a date.

use std::collections::HashMap;

use polars::prelude::*;

use super::failure;
use super::period::truncate;
use super::sources::{SourceRef, scan_rows};
use super::values::ColumnUse;
use crate::compile::{GridColumn, RowColumn};
use crate::engine::bug::Bug;
use crate::error::{Error, ErrorKind, Result};
use crate::expr::Usage;
use crate::ruleset::CheckedRuleset;
use crate::ruleset::checked::CheckedTarget;
use crate::ruleset::model::TargetTable;

const KPI_COLUMN: &str = TargetTable::KPI_COLUMN;
const TARGET_COLUMN: &str = TargetTable::TARGET_COLUMN;

/// A targets table as read, and whether its targets are per period.
struct Table {
    frame: DataFrame,
    dated: bool,
}

/// Joins the target of each KPI with a targets table onto the grid: by entity and period for
/// a table with a `date`, by entity alone (the same target every period) for one without. A
/// table without files gives no targets, and a warning.
pub fn join(mut grid: LazyFrame, ruleset: &CheckedRuleset, warnings: &mut Vec<Error>) -> Result<LazyFrame> {
    let mut tables: HashMap<&str, Option<Table>> = HashMap::new();
    for (kpi, checked) in &ruleset.kpis {
        let Some(CheckedTarget::Table(name)) = &checked.target else { continue };
        if !tables.contains_key(name.as_str()) {
            let source = SourceRef::new(name, &ruleset.model.sources[name], ruleset);
            let missing = source.missing_files();
            let table = match missing.is_empty() {
                true => Some(read(&source)?),
                false => {
                    warnings.extend(missing);
                    None
                }
            };
            tables.insert(name, table);
        }
        grid = match &tables[name.as_str()] {
            Some(table) => join_targets(grid, table, kpi),
            None => grid.with_column(crate::compile::null().alias(GridColumn::Target(kpi).name())),
        };
    }
    Ok(grid)
}

fn join_targets(grid: LazyFrame, table: &Table, kpi: &str) -> LazyFrame {
    let mut keys = vec![GridColumn::Entity.col()];
    if table.dated {
        keys.push(GridColumn::Period.col());
    }
    let target = RowColumn::Source(TARGET_COLUMN).col().alias(GridColumn::Target(kpi).name());
    let selected: Vec<Expr> = keys.iter().cloned().chain([target]).collect();
    let of_kpi = RowColumn::Source(KPI_COLUMN).col().eq(lit(kpi));
    let rows = table.frame.clone().lazy().filter(of_kpi).select(selected);
    grid.join(rows, keys.clone(), keys, JoinArgs::new(JoinType::Left))
}

fn read(source: &SourceRef) -> Result<Table> {
    let columns = [
        ColumnUse { name: KPI_COLUMN.into(), usage: Usage::Text },
        ColumnUse { name: TARGET_COLUMN.into(), usage: Usage::Number },
    ];
    let dated = source.source.date.is_some();
    let mut rows = scan_rows(source, &columns)?;
    if dated {
        let period = truncate(source.ruleset.model.grain.period, RowColumn::Date.col());
        rows = rows.with_column(period.alias(RowColumn::Period.name()));
    }
    let frame = rows.collect().map_err(|error| failure::reading(source, &columns, error))?;
    check_unique_targets(source, &frame, dated)?;
    Ok(Table { frame, dated })
}

/// An entity, a period (for a dated table) and a KPI.
type TargetKey<'a> = (Option<&'a str>, Option<i32>, Option<&'a str>);

/// Each entity, period and KPI has one target: a second would be ambiguous.
fn check_unique_targets(source: &SourceRef, frame: &DataFrame, dated: bool) -> Result<()> {
    let entities = frame.column(&RowColumn::Entity.name()).or_bug()?.str().or_bug()?;
    let kpis = frame.column(&RowColumn::Source(KPI_COLUMN).name()).or_bug()?.str().or_bug()?;
    let periods = if dated {
        Some(frame.column(&RowColumn::Period.name()).or_bug()?.cast(&DataType::Int32).or_bug()?)
    } else {
        None
    };
    let periods = periods.as_ref().map(|p| p.i32()).transpose().or_bug()?;
    let mut seen: HashMap<TargetKey, usize> = HashMap::new();
    let line = |index: usize| source.source.header_row as usize + 1 + index;
    for row in 0..frame.height() {
        let key = (entities.get(row), periods.and_then(|p| p.get(row)), kpis.get(row));
        if let Some(first) = seen.insert(key, row) {
            let kind = ErrorKind::DuplicateTarget {
                table: source.name.to_string(),
                kpi: key.2.unwrap_or_default().to_string(),
                entity: key.0.unwrap_or_default().to_string(),
                lines: Some([line(first), line(row)]),
            };
            return Err(Error::new(kind).into());
        }
    }
    Ok(())
}
