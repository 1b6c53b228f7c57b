//! A YAML tree written back as YAML: the ruleset after `extends` and `remove`, for `kpi show
//! --effective`. Every definition (a source, measure, KPI, scorecard, grade or diagnosis) says in
//! a comment which file it comes from, and so does any part of it that another file set.

use super::yaml::{Node, Value};

/// The sections whose entries are definitions, each marked with its file.
const DEFINITIONS: [&str; 6] = ["sources", "measures", "kpis", "scorecards", "grades", "diagnoses"];

/// The tree as YAML text; `origin` names a node's file as the comments show it.
pub fn yaml(tree: &Node, origin: &dyn Fn(&Node) -> String) -> String {
    let mut out = String::new();
    let writer = Writer { origin };
    for (key, value) in tree.entries() {
        let name = key.text().unwrap_or_default();
        let definitions = DEFINITIONS.contains(&name);
        writer.entry(&mut out, 0, key, value, None, definitions);
    }
    out
}

struct Writer<'a> {
    origin: &'a dyn Fn(&Node) -> String,
}

impl Writer<'_> {
    /// `key: value` at `indent`; `parent` is the file of the enclosing definition, to mark a part
    /// that comes from another; the entries of `definitions` are each marked.
    fn entry(
        &self,
        out: &mut String,
        indent: usize,
        key: &Node,
        value: &Node,
        parent: Option<&str>,
        definitions: bool,
    ) {
        let file = (self.origin)(key);
        let comment = match parent {
            Some(parent) if parent != file => format!("  # from {file}"),
            _ => String::new(),
        };
        out.push_str(&format!("{}{}:", " ".repeat(indent), scalar(key)));
        self.value(out, indent, value, &comment, Some(&file), definitions);
    }

    fn value(
        &self,
        out: &mut String,
        indent: usize,
        value: &Node,
        comment: &str,
        file: Option<&str>,
        definitions: bool,
    ) {
        match &value.value {
            Value::Scalar { .. } => out.push_str(&format!(" {}{comment}\n", scalar(value))),
            Value::Map(entries) if entries.is_empty() => out.push_str(&format!(" {{}}{comment}\n")),
            Value::Seq(items) if items.is_empty() => out.push_str(&format!(" []{comment}\n")),
            Value::Map(entries) => {
                out.push_str(&format!("{comment}\n"));
                for (key, value) in entries {
                    match definitions {
                        true => {
                            let file = (self.origin)(key);
                            out.push_str(&format!("{}{}:", " ".repeat(indent + 2), scalar(key)));
                            self.value(out, indent + 2, value, &format!("  # from {file}"), Some(&file), false);
                        }
                        false => self.entry(out, indent + 2, key, value, file, false),
                    }
                }
            }
            Value::Seq(items) => {
                out.push_str(&format!("{comment}\n"));
                for item in items {
                    let item_file = (self.origin)(item);
                    let marked = definitions || file.is_some_and(|f| f != item_file);
                    self.item(out, indent + 2, item, marked.then_some(item_file.as_str()));
                }
            }
        }
    }

    /// A list item; `marked` names its file when it is a definition or comes from another file.
    fn item(&self, out: &mut String, indent: usize, item: &Node, marked: Option<&str>) {
        let pad = " ".repeat(indent);
        let comment = marked.map(|file| format!("  # from {file}")).unwrap_or_default();
        match &item.value {
            Value::Map(entries) if !entries.is_empty() => {
                out.push_str(&format!("{pad}-{comment}\n"));
                let file = (self.origin)(item);
                for (key, value) in entries {
                    self.entry(out, indent + 2, key, value, Some(&file), false);
                }
            }
            _ => {
                out.push_str(&format!("{pad}-"));
                self.value(out, indent, item, &comment, None, false);
            }
        }
    }
}

/// A scalar as it was written: plain where it was plain, else double-quoted (a JSON string is a
/// YAML double-quoted scalar).
fn scalar(node: &Node) -> String {
    match &node.value {
        Value::Scalar { text, plain: true } => text.clone(),
        Value::Scalar { text, plain: false } => serde_json::to_string(text).expect("a string serializes"),
        _ => String::new(),
    }
}
