//! The attributes of every entity, from the attribute tables: one row per entity.

use polars::prelude::*;

use super::failure;
use super::sources::{SourceRef, scan_rows};
use super::values::ColumnUse;
use crate::compile::{GridColumn, RowColumn};
use crate::engine::bug::Bug;
use crate::error::{Error, ErrorKind, Errors, Result};
use crate::expr::Usage;
use crate::ruleset::CheckedRuleset;
use crate::ruleset::checked::Attribute;
use crate::ruleset::yaml::PathStep::Key;

/// One row per entity with a column per attribute, from all attribute tables; `None` without
/// attributes. A table without files gives no attributes, and a warning.
pub fn table(ruleset: &CheckedRuleset, warnings: &mut Vec<Error>) -> Result<Option<DataFrame>> {
    let mut table: Option<DataFrame> = None;
    for (source_name, source) in &ruleset.model.sources {
        let attributes: Vec<(&String, &Attribute)> =
            ruleset.attributes.iter().filter(|(_, a)| a.source == *source_name).collect();
        if attributes.is_empty() {
            continue;
        }
        let source = SourceRef::new(source_name, source, ruleset);
        let missing = source.missing_files();
        if !missing.is_empty() {
            warnings.extend(missing);
            continue;
        }
        let frame = read(&source, &attributes)?;
        table = Some(match table {
            None => frame,
            Some(existing) => {
                let entity = [GridColumn::Entity.col()];
                let full = JoinArgs::new(JoinType::Full).with_coalesce(JoinCoalesce::CoalesceColumns);
                existing.lazy().join(frame.lazy(), entity.clone(), entity, full).collect().or_bug()?
            }
        });
    }
    Ok(table)
}

fn read(source: &SourceRef, attributes: &[(&String, &Attribute)]) -> Result<DataFrame> {
    let columns: Vec<ColumnUse> =
        attributes.iter().map(|(_, a)| ColumnUse { name: a.header.clone(), usage: Usage::AsWritten }).collect();
    let renamed =
        attributes.iter().map(|(name, a)| RowColumn::Source(&a.header).col().alias(GridColumn::Attribute(name).name()));
    let select: Vec<Expr> = std::iter::once(RowColumn::Entity.col()).chain(renamed).collect();
    let frame = scan_rows(source, &columns)?.select(select).collect();
    let frame = frame.map_err(|error| failure::reading(source, &columns, error))?;
    check_unique_entities(source, &frame)?;
    Ok(frame)
}

/// An attribute table has one row per entity: a second row would make attributes ambiguous.
fn check_unique_entities(source: &SourceRef, frame: &DataFrame) -> Result<()> {
    let entities = frame.column(&RowColumn::Entity.name()).or_bug()?.str().or_bug()?;
    let mut lines: indexmap::IndexMap<&str, Vec<usize>> = indexmap::IndexMap::new();
    for (index, entity) in entities.iter().enumerate() {
        lines.entry(entity.unwrap_or_default()).or_default().push(source.source.header_row as usize + 1 + index);
    }
    let location = source.ruleset.locate(&[Key("sources"), Key(source.name), Key("path")]);
    let errors: Vec<Error> = lines
        .into_iter()
        .filter(|(_, lines)| lines.len() > 1)
        .map(|(entity, lines)| {
            let kind = ErrorKind::DuplicateEntity { entity: entity.to_string(), table: source.name.to_string(), lines };
            Error::new(kind).at_opt(location.clone()).help("an attribute table holds one row per entity")
        })
        .collect();
    Errors::check(errors, ())
}
