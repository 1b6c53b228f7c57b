//! Tables of per-entity values: targets tables (`target: { table: NAME }`) and the uniqueness
//! of attribute tables.

use std::collections::HashMap;

use polars::prelude::*;

use super::evaluate::data_error;
use super::period::truncate;
use super::sources::{RowColumn, SourceRef, Usage, scan_rows};
use crate::compile::columns;
use crate::error::{Error, Result};
use crate::ruleset::CheckedRuleset;
use crate::ruleset::checked::CheckedTarget;
use crate::ruleset::yaml::PathStep::Key;

/// The logical columns a targets table maps, besides its entity and date.
pub const KPI_COLUMN: &str = "kpi";
pub const TARGET_COLUMN: &str = "target";

/// Joins `t:KPI` columns from each targets table onto the grid: by entity and period for a
/// table with a `date`, by entity alone (the same target every period) for one without. A table
/// without files gives no targets (and a warning).
pub fn join_target_tables(
    mut grid: LazyFrame,
    ruleset: &CheckedRuleset,
    warnings: &mut Vec<Error>,
) -> Result<LazyFrame> {
    let mut tables: HashMap<&str, Option<(DataFrame, bool)>> = HashMap::new();
    for (kpi, checked) in &ruleset.kpis {
        let Some(CheckedTarget::Table(table)) = &checked.target else { continue };
        if !tables.contains_key(table.as_str()) {
            let source = SourceRef { name: table, source: &ruleset.model.sources[table], ruleset };
            let read = match source.missing_files() {
                Some(warning) => {
                    warnings.push(warning);
                    None
                }
                None => Some(read_targets(&source)?),
            };
            tables.insert(table, read);
        }
        let Some((frame, dated)) = &tables[table.as_str()] else {
            grid = grid.with_column(crate::compile::null().alias(columns::target(kpi)));
            continue;
        };
        let mut keys = vec![col(columns::ENTITY)];
        if *dated {
            keys.push(col(columns::PERIOD));
        }
        let selected: Vec<Expr> = keys
            .iter()
            .cloned()
            .chain([col(columns::source_column(TARGET_COLUMN)).alias(columns::target(kpi))])
            .collect();
        let rows =
            frame.clone().lazy().filter(col(columns::source_column(KPI_COLUMN)).eq(lit(kpi.clone()))).select(selected);
        grid = grid.join(rows, keys.clone(), keys, JoinArgs::new(JoinType::Left));
    }
    Ok(grid)
}

fn read_targets(source_ref: &SourceRef) -> Result<(DataFrame, bool)> {
    let (name, source, ruleset) = (source_ref.name, source_ref.source, source_ref.ruleset);
    let columns = [
        RowColumn { name: KPI_COLUMN.into(), usage: Usage::Text },
        RowColumn { name: TARGET_COLUMN.into(), usage: Usage::Number },
    ];
    let dated = source.date.is_some();
    let mut rows = scan_rows(source_ref, &columns)?;
    if dated {
        rows = rows.with_column(truncate(ruleset.model.grain.period, col(columns::DATE)).alias(columns::PERIOD));
    }
    let frame = rows.collect().map_err(|e| data_error(&e))?;
    // (entity, period, KPI) → the first row that gives it.
    let mut seen: HashMap<TargetKey, usize> = HashMap::new();
    let entities = frame.column(columns::ENTITY)?.str()?;
    let kpis = frame.column(&columns::source_column(KPI_COLUMN))?.str()?;
    let periods = if dated { Some(frame.column(columns::PERIOD)?.cast(&DataType::Int32)?) } else { None };
    let periods = periods.as_ref().map(|p| p.i32()).transpose()?;
    for row in 0..frame.height() {
        let key = (entities.get(row), periods.and_then(|p| p.get(row)), kpis.get(row));
        if let Some(first) = seen.insert(key, row) {
            let entity = key.0.unwrap_or_default();
            let kpi = key.2.unwrap_or_default();
            return Err(Error::bad_data(format!(
                "targets table `{name}` gives KPI `{kpi}` of `{entity}` twice (rows {} and {})",
                data_row(source.header_row, first),
                data_row(source.header_row, row)
            ))
            .into());
        }
    }
    Ok((frame, dated))
}

type TargetKey<'a> = (Option<&'a str>, Option<i32>, Option<&'a str>);

/// The line number in the file of the `index`-th data row.
fn data_row(header_row: u32, index: usize) -> usize {
    header_row as usize + 1 + index
}

/// An attribute table has one row per entity: a second row would make attributes ambiguous.
pub fn check_unique_entities(source: &SourceRef, frame: &DataFrame) -> Result<()> {
    let entities = frame.column(columns::ENTITY)?.str()?;
    let mut rows: indexmap::IndexMap<&str, Vec<usize>> = indexmap::IndexMap::new();
    for (index, entity) in entities.iter().enumerate() {
        rows.entry(entity.unwrap_or_default()).or_default().push(data_row(source.source.header_row, index));
    }
    let location = source.ruleset.locate(&[Key("sources"), Key(source.name), Key("path")]);
    let errors: Vec<Error> = rows
        .iter()
        .filter(|(_, lines)| lines.len() > 1)
        .map(|(entity, lines)| {
            let lines: Vec<String> = lines.iter().map(ToString::to_string).collect();
            Error::bad_data(format!(
                "entity `{entity}` appears {} times in attribute table `{}`, on lines {}",
                lines.len(),
                source.name,
                lines.join(", ")
            ))
            .at_opt(location.clone())
            .help("an attribute table holds one row per entity")
        })
        .collect();
    crate::error::Errors::check(errors, ())
}
