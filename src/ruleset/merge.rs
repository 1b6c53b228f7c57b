//! `extends`: a ruleset on top of others. Merging happens on the YAML trees, so every merged
//! value keeps the file and line it came from, and errors point into the right file.
//!
//! - Sections of named definitions (`sources`, `measures`, `kpis`, `scorecards`, `grades`) merge
//!   by name; a later file's definition replaces the earlier one's fields that it sets
//!   (`kpis.read_rate.target` alone can be overridden), except measures and grades, which are
//!   replaced whole. A source's `columns` merge by name too, so an extending file maps only the
//!   headers its exports write differently; ordered maps (`bands`, a scorecard's `weights`) are
//!   replaced whole, as their meaning depends on all their entries. A source's `parts` merge by
//!   `path`. A source whose later file names the entity one way drops the earlier file's other
//!   ways (see [`merge_source`]).
//! - `grain` and `scoring` merge by field; `diagnoses` merge by `id`; anything else is replaced.
//! - `remove: [kpis.roi, diagnoses.low_read_rate]` drops inherited definitions before the
//!   extending file's own are merged on top.

use super::model::ENTITY_PLACEHOLDER;
use super::yaml::{Node, Value};
use crate::error::{Error, ErrorKind};
use crate::words;

/// Sections whose entries are merged field by field.
const FIELD_MERGED: [&str; 3] = ["sources", "kpis", "scorecards"];
/// Sections whose entries are replaced whole.
const ENTRY_REPLACED: [&str; 2] = ["measures", "grades"];

/// Merges `over` (an extending file, without its `extends`) onto `base` (the merged parents).
pub fn merge(base: Node, over: Node) -> Node {
    merge_map(base, over, |key, base, over| match key {
        "sources" => merge_map(base, over, |_, base, over| merge_source(base, over)),
        _ if FIELD_MERGED.contains(&key) => merge_map(base, over, |_, base, over| merge_fields(base, over)),
        _ if ENTRY_REPLACED.contains(&key) => merge_map(base, over, |_, _, over| over),
        "grain" | "scoring" => merge_map(base, over, |_, _, over| over),
        "diagnoses" => merge_by(base, over, "id", |_, over| over),
        _ => over,
    })
}

/// A definition's fields: a later file's replace the earlier's, `columns` merge by name.
fn merge_fields(base: Node, over: Node) -> Node {
    merge_map(
        base,
        over,
        |field, base, over| if field == "columns" { merge_map(base, over, |_, _, over| over) } else { over },
    )
}

/// The ways a source names the entity of its rows: a column, one value, or `{entity}` in its
/// path.
const ENTITY_FIELDS: [&str; 2] = ["entity", "entity_value"];

/// Where a source's rows are: a warehouse table (read under its `where`), or files.
const TABLE_FIELDS: [&str; 2] = ["table", "where"];
const FILE_FIELDS: [&str; 2] = ["path", "parts"];

/// A source's fields, merged; where the later file names the entity one way (`entity`,
/// `entity_value`, or `{entity}` in a new `path`), the earlier file's other ways are dropped: a
/// client whose exports come one file per account overrides the built-in's `path` alone. In the
/// same way a later `table` drops the earlier files, and later files an earlier `table`: a
/// client whose data is in a warehouse names its tables over a built-in that reads exports.
fn merge_source(base: Node, over: Node) -> Node {
    let names_entity = |node: &Node| {
        let placeholder = node.get("path").and_then(Node::text).is_some_and(|p| p.contains(ENTITY_PLACEHOLDER));
        placeholder || ENTITY_FIELDS.iter().any(|field| node.get(field).is_some())
    };
    let names_any = |fields: &[&str]| fields.iter().any(|field| over.get(field).is_some());
    let mut dropped: Vec<&str> = Vec::new();
    if names_entity(&over) {
        dropped.extend(ENTITY_FIELDS);
    }
    // A `where` alone narrows the earlier table; it does not move the rows.
    if over.get("table").is_some() {
        dropped.extend(FILE_FIELDS);
    }
    if names_any(&FILE_FIELDS) {
        dropped.extend(TABLE_FIELDS);
    }
    let base = match &base.value {
        Value::Map(entries) if !dropped.is_empty() => {
            let kept = entries.iter().filter(|(key, _)| !key.text().is_some_and(|k| dropped.contains(&k)));
            Node { value: Value::Map(kept.cloned().collect()), location: base.location.clone() }
        }
        _ => base,
    };
    merge_map(base, over, |field, base, over| match field {
        "columns" => merge_map(base, over, |_, _, over| over),
        // A part with an inherited path changes that part; one with a new path is added (a
        // client's Weibo export next to the built-in's platforms).
        "parts" => merge_by(base, over, "path", merge_fields),
        _ => over,
    })
}

fn merge_map(base: Node, over: Node, merge_value: impl Fn(&str, Node, Node) -> Node) -> Node {
    let (Value::Map(mut entries), Value::Map(overrides)) = (base.value.clone(), over.value.clone()) else {
        return over;
    };
    for (key, value) in overrides {
        let name = key.text().unwrap_or_default().to_string();
        match entries.iter().position(|(k, _)| k.text() == Some(&name)) {
            Some(at) => {
                let old = entries[at].1.clone();
                entries[at] = (key, merge_value(&name, old, value));
            }
            None => entries.push((key, value)),
        }
    }
    Node { value: Value::Map(entries), location: over.location }
}

/// Lists whose items are named by `key`: an item with an inherited name is merged onto it, a new
/// one is added.
fn merge_by(base: Node, over: Node, key: &str, merge_item: impl Fn(Node, Node) -> Node) -> Node {
    let (Value::Seq(mut items), Value::Seq(overrides)) = (base.value.clone(), over.value.clone()) else {
        return over;
    };
    for item in overrides {
        let name = item.get(key).and_then(Node::text).map(str::to_string);
        match items
            .iter()
            .position(|existing| name.is_some() && existing.get(key).and_then(Node::text) == name.as_deref())
        {
            Some(at) => items[at] = merge_item(items[at].clone(), item),
            None => items.push(item),
        }
    }
    Node { value: Value::Seq(items), location: over.location }
}

/// The sections whose entries have names that `remove` can name.
const REMOVABLE: [&str; 6] = ["sources", "measures", "kpis", "scorecards", "grades", "diagnoses"];

/// Drops the definitions named in `remove` (a list of `section.name`) from `base`; what is not
/// there goes to `errors`.
pub fn remove(mut base: Node, remove: &Node, errors: &mut Vec<Error>) -> Node {
    for item in remove.items() {
        let text = item.text().unwrap_or_default();
        let Some((section, name)) = text.split_once('.') else {
            let error = Error::new(ErrorKind::NotASectionName { found: text.to_string() });
            errors.push(error.at(item.location.clone()));
            continue;
        };
        if !REMOVABLE.contains(&section) {
            let error = Error::new(ErrorKind::UnknownSection { section: section.to_string() })
                .note(format!("`remove` takes entries of {}", words::quoted(REMOVABLE)));
            errors.push(error.suggest(section, REMOVABLE).at(item.location.clone()));
            continue;
        }
        if !remove_one(&mut base, section, name) {
            let known: Vec<String> = inherited_names(&base);
            let error = Error::new(ErrorKind::NotInherited { name: text.to_string() })
                .note("`remove` drops definitions inherited through `extends`")
                .suggest(text, known.iter().map(String::as_str));
            errors.push(error.at(item.location.clone()));
        }
    }
    base
}

fn remove_one(base: &mut Node, section: &str, name: &str) -> bool {
    let Value::Map(entries) = &mut base.value else { return false };
    let Some((_, section_node)) = entries.iter_mut().find(|(k, _)| k.text() == Some(section)) else {
        return false;
    };
    match &mut section_node.value {
        Value::Map(items) => {
            let before = items.len();
            items.retain(|(k, _)| k.text() != Some(name));
            items.len() != before
        }
        Value::Seq(items) => {
            let before = items.len();
            items.retain(|item| item.get("id").and_then(Node::text) != Some(name));
            items.len() != before
        }
        Value::Scalar { .. } => false,
    }
}

fn inherited_names(base: &Node) -> Vec<String> {
    let mut names = Vec::new();
    for (section, node) in base.entries() {
        let section = section.text().unwrap_or_default();
        for (key, _) in node.entries() {
            names.push(format!("{section}.{}", key.text().unwrap_or_default()));
        }
        for item in node.items() {
            if let Some(id) = item.get("id").and_then(Node::text) {
                names.push(format!("{section}.{id}"));
            }
        }
    }
    names
}

/// The tree without the keys that only steer loading.
pub fn without_loading_keys(node: Node) -> Node {
    match node.value {
        Value::Map(entries) => Node {
            value: Value::Map(
                entries.into_iter().filter(|(k, _)| !matches!(k.text(), Some("extends" | "remove"))).collect(),
            ),
            location: node.location,
        },
        _ => node,
    }
}
