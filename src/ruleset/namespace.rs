//! What names mean in a ruleset's formulas: its measures, KPIs, entity attributes and source
//! columns.

use std::collections::HashMap;

use indexmap::IndexMap;

use super::checked::Attribute;
use super::model::{Ruleset, SourceRole};
use crate::expr::{ColumnLookup, Namespace, Ref, Type};

pub struct RulesetNames<'a> {
    ruleset: &'a Ruleset,
    /// The headers of each source's files, where the files could be read.
    headers: &'a HashMap<String, Vec<String>>,
    pub attributes: IndexMap<String, Attribute>,
}

impl<'a> RulesetNames<'a> {
    pub fn new(ruleset: &'a Ruleset, headers: &'a HashMap<String, Vec<String>>) -> RulesetNames<'a> {
        let mut attributes = IndexMap::new();
        for (source_name, source) in &ruleset.sources {
            if ruleset.source_role(source_name) != SourceRole::Attributes {
                continue;
            }
            let columns: Vec<(String, String)> = if source.columns.is_empty() {
                let entity = source.entity.as_deref();
                let headers = headers.get(source_name).into_iter().flatten();
                headers.filter(|h| Some(h.as_str()) != entity).map(|h| (h.clone(), h.clone())).collect()
            } else {
                source.columns.iter().map(|(name, header)| (name.clone(), header.clone())).collect()
            };
            for (name, header) in columns {
                attributes.entry(name).or_insert(Attribute { source: source_name.clone(), header });
            }
        }
        RulesetNames { ruleset, headers, attributes }
    }
}

impl Namespace for RulesetNames<'_> {
    fn lookup(&self, name: &str) -> Option<(Ref, Type)> {
        if self.ruleset.kpis.contains_key(name) {
            Some((Ref::Kpi(name.to_string()), Type::Number))
        } else if self.ruleset.measures.contains_key(name) {
            Some((Ref::Measure(name.to_string()), Type::Any))
        } else if self.attributes.contains_key(name) {
            Some((Ref::Attribute(name.to_string()), Type::Any))
        } else {
            None
        }
    }

    fn column(&self, source_name: &str, column: &str) -> ColumnLookup {
        let Some(source) = self.ruleset.sources.get(source_name) else {
            return ColumnLookup::UnknownSource;
        };
        if !source.is_dated() {
            return match self.attributes.get(column) {
                Some(attribute) if attribute.source == source_name => {
                    ColumnLookup::Found(Ref::Attribute(column.to_string()), Type::Any)
                }
                _ => ColumnLookup::UnknownColumn {
                    known: self
                        .attributes
                        .iter()
                        .filter(|(_, a)| a.source == source_name)
                        .map(|(n, _)| n.clone())
                        .collect(),
                },
            };
        }
        let found =
            ColumnLookup::Found(Ref::Column { source: source_name.to_string(), column: column.to_string() }, Type::Any);
        if source.columns.contains_key(column) {
            return found;
        }
        let mapped = source.columns.keys().cloned();
        match self.headers.get(source_name) {
            Some(headers) if headers.iter().any(|h| h == column) => found,
            Some(headers) => ColumnLookup::UnknownColumn { known: mapped.chain(headers.iter().cloned()).collect() },
            // Without the files, a source that maps no columns is read by its headers as they are.
            None if source.columns.is_empty() => found,
            None => ColumnLookup::UnknownColumn { known: mapped.collect() },
        }
    }

    fn names(&self) -> Vec<&str> {
        let kpis = self.ruleset.kpis.keys();
        let measures = self.ruleset.measures.keys();
        kpis.chain(measures).chain(self.attributes.keys()).map(String::as_str).collect()
    }

    fn sources(&self) -> Vec<&str> {
        self.ruleset.sources.keys().map(String::as_str).collect()
    }

    fn source_with_column(&self, column: &str) -> Option<&str> {
        self.ruleset
            .sources
            .iter()
            .find(|(name, source)| {
                source.is_dated()
                    && (source.columns.contains_key(column)
                        || self.headers.get(*name).is_some_and(|h| h.iter().any(|h| h == column)))
            })
            .map(|(name, _)| name.as_str())
    }
}
