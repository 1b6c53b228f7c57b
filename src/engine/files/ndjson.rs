//! NDJSON: one object per line, as a table of text; the columns are every key, in the order
//! first seen. Each line keeps only the keys it has, so lines that each bring a new key cost
//! what they hold.

use std::path::Path;

use indexmap::IndexMap;

use super::text_table::{MAX_COLUMNS, Row, TextTable};
use super::{Reader, encoding};
use crate::ruleset::model::Source;

pub fn open(path: &Path, source: &Source) -> Result<Box<dyn Reader>, String> {
    let text = encoding::text(path, source.encoding)?;
    let mut keys: IndexMap<String, usize> = IndexMap::new();
    let mut rows = Vec::new();
    for (index, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let object: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(line).map_err(|e| format!("line {} is not a JSON object: {e}", index + 1))?;
        let mut cells = Vec::with_capacity(object.len());
        for (key, value) in object {
            let next = keys.len();
            let column = *keys.entry(key).or_insert(next);
            if keys.len() > MAX_COLUMNS {
                return Err(format!("line {} brings more than {MAX_COLUMNS} different keys", index + 1));
            }
            let text = match value {
                serde_json::Value::Null => continue,
                serde_json::Value::String(text) => text,
                other => other.to_string(),
            };
            cells.push((column, text));
        }
        cells.sort_unstable_by_key(|(column, _)| *column);
        rows.push(Row { line: index + 1, cells });
    }
    let header = Row { line: 1, cells: keys.into_iter().map(|(key, column)| (column, key)).collect() };
    Ok(Box::new(TextTable::new(header, rows)?))
}
