//! NDJSON: one object per line, as a table of text; the columns are every key, in the order
//! first seen.

use std::path::Path;

use indexmap::IndexMap;

use super::text_table::TextTable;
use super::{Reader, encoding};
use crate::ruleset::model::Source;

pub fn open(path: &Path, source: &Source) -> Result<Box<dyn Reader>, String> {
    let bytes = match encoding::decoded(path, source.encoding)? {
        Some(decoded) => decoded.to_vec(),
        None => std::fs::read(path).map_err(|e| e.to_string())?,
    };
    let text = std::str::from_utf8(&bytes).map_err(|e| e.to_string())?;
    let mut columns: IndexMap<String, Vec<Option<String>>> = IndexMap::new();
    let mut rows = 0;
    for (index, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let object: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(line).map_err(|e| format!("line {} is not a JSON object: {e}", index + 1))?;
        for (key, value) in object {
            let column = columns.entry(key).or_insert_with(|| vec![None; rows]);
            column.resize(rows, None);
            column.push(match value {
                serde_json::Value::Null => None,
                serde_json::Value::String(text) => Some(text),
                other => Some(other.to_string()),
            });
        }
        rows += 1;
        columns.values_mut().for_each(|column| column.resize(rows, None));
    }
    let headers: Vec<String> = columns.keys().cloned().collect();
    Ok(Box::new(TextTable::new(headers, 1, |column| columns[column].clone())?))
}
