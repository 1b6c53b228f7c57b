//! A YAML document as a tree in which every node knows where it is in its file.
//!
//! serde_yaml reports a position only for the first syntax error; a ruleset's diagnostics must
//! point inside any value (the character of a formula where an unknown name starts), so the file
//! is read with saphyr-parser, whose events carry spans, into this tree.

use std::collections::HashMap;
use std::sync::Arc;

use saphyr_parser::{Event, Parser, ScalarStyle, Span as YamlSpan};

use crate::error::{Error, ErrorKind, Errors};
use crate::location::{Location, SourceFile};

#[derive(Clone, Debug)]
pub struct Node {
    pub value: Value,
    pub location: Location,
}

#[derive(Clone, Debug)]
pub enum Value {
    /// A scalar as written; `plain` is false for quoted and block scalars, which are always strings.
    Scalar {
        text: String,
        plain: bool,
    },
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

/// A scalar read by the YAML 1.2 core schema.
#[derive(Clone, Debug, PartialEq)]
pub enum Scalar<'a> {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    String(&'a str),
}

impl Node {
    /// A map with no entries, placed at `location`.
    pub fn empty_map(location: Location) -> Node {
        Node { value: Value::Map(Vec::new()), location }
    }

    pub fn scalar(&self) -> Option<Scalar<'_>> {
        match &self.value {
            Value::Scalar { text, plain: true } => Some(resolve_plain(text)),
            Value::Scalar { text, plain: false } => Some(Scalar::String(text)),
            _ => None,
        }
    }

    /// The text of a scalar, whatever its type: `2026.10` stays `2026.10`.
    pub fn text(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        self.scalar() == Some(Scalar::Null)
    }

    pub fn entries(&self) -> &[(Node, Node)] {
        match &self.value {
            Value::Map(entries) => entries,
            _ => &[],
        }
    }

    pub fn items(&self) -> &[Node] {
        match &self.value {
            Value::Seq(items) => items,
            _ => &[],
        }
    }

    /// The value under `key` in a map.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entries().iter().find(|(k, _)| k.text() == Some(key)).map(|(_, v)| v)
    }

    /// The key node under which `key` sits in a map.
    pub fn key(&self, key: &str) -> Option<&Node> {
        self.entries().iter().find(|(k, _)| k.text() == Some(key)).map(|(k, _)| k)
    }

    /// Follows a path of map keys and sequence indices (`["kpis", "read_rate", "formula"]`).
    pub fn at<'a>(&'a self, path: &[PathStep<'_>]) -> Option<&'a Node> {
        path.iter().try_fold(self, |node, step| match step {
            PathStep::Key(key) => node.get(key),
            PathStep::Index(index) => node.items().get(*index),
        })
    }

    /// The location of the characters of a scalar's value from byte `range.start` to `range.end`,
    /// mapped back through quotes, escapes and block indentation to the file.
    pub fn value_location(&self, range: std::ops::Range<usize>) -> Location {
        let Value::Scalar { text, .. } = &self.value else {
            return self.location.clone();
        };
        let raw = &self.location.file.text()[self.location.span.clone()];
        let start = align(raw, text, range.start);
        let end = match text.get(range.start..range.end).and_then(|part| part.char_indices().last()) {
            Some((offset, _)) => {
                let last = align(raw, text, range.start + offset);
                last + char_len(raw, last)
            }
            None => start,
        };
        self.location.narrow(start..end.max(start))
    }

    pub fn kind_name(&self) -> &'static str {
        match &self.value {
            Value::Seq(_) => "a list",
            Value::Map(_) => "a map",
            Value::Scalar { .. } => match self.scalar() {
                Some(Scalar::Null) => "nothing",
                Some(Scalar::Bool(_)) => "a boolean",
                Some(Scalar::Int(_) | Scalar::Float(_)) => "a number",
                _ => "a string",
            },
        }
    }
}

#[derive(Clone, Copy, Debug)]
pub enum PathStep<'a> {
    Key(&'a str),
    Index(usize),
}

fn char_len(text: &str, at: usize) -> usize {
    text.get(at..).and_then(|rest| rest.chars().next()).map_or(0, char::len_utf8)
}

/// The byte offset in `raw` (a scalar as written) of the character at byte `at` of `value` (the
/// scalar as read). Walks both in step, skipping what the YAML syntax added: quotes, escapes,
/// indentation and folded line breaks.
fn align(raw: &str, value: &str, at: usize) -> usize {
    let mut raw_chars = raw.char_indices().peekable();
    let mut last = 0;
    for (offset, wanted) in value.char_indices() {
        let found = loop {
            match raw_chars.next() {
                Some((position, c)) if c == wanted || (wanted == ' ' && c == '\n') => break Some(position),
                Some(_) => continue,
                None => break None,
            }
        };
        let Some(position) = found else { return last };
        last = position;
        if offset >= at {
            return position;
        }
    }
    raw.len().min(last + 1)
}

fn resolve_plain(text: &str) -> Scalar<'_> {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Scalar::Null,
        "true" | "True" | "TRUE" => return Scalar::Bool(true),
        "false" | "False" | "FALSE" => return Scalar::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" => return Scalar::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => return Scalar::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Scalar::Float(f64::NAN),
        _ => {}
    }
    let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
    if !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && let Ok(value) = text.parse()
    {
        return Scalar::Int(value);
    }
    if let Some(hex) = text.strip_prefix("0x")
        && let Ok(value) = i64::from_str_radix(hex, 16)
    {
        return Scalar::Int(value);
    }
    if let Some(octal) = text.strip_prefix("0o")
        && let Ok(value) = i64::from_str_radix(octal, 8)
    {
        return Scalar::Int(value);
    }
    let looks_numeric = digits.starts_with(|c: char| c.is_ascii_digit() || c == '.')
        && digits.chars().all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'));
    if looks_numeric && let Ok(value) = text.parse() {
        return Scalar::Float(value);
    }
    Scalar::String(text)
}

/// Parses one YAML document. Errors carry their position; all duplicate keys are reported.
pub fn parse(file: &Arc<SourceFile>) -> Result<Node, Errors> {
    let text = file.text();
    let byte_of = CharToByte::new(text);
    let mut builder = Builder {
        file,
        byte_of: &byte_of,
        stack: Vec::new(),
        anchors: HashMap::new(),
        nodes: 0,
        root: None,
        duplicates: Vec::new(),
    };
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|e| {
            let at = byte_of.get(e.marker().index());
            Error::new(ErrorKind::YamlSyntax { message: e.info().to_string() })
                .at(Location::new(file.clone(), at..at + char_len(text, at)))
                .help("check the indentation here; quote values that hold `: ` or ` #`")
        })?;
        builder.event(event, span)?;
    }
    let root = builder.root.ok_or_else(|| {
        Error::new(ErrorKind::YamlSyntax { message: "the file holds no YAML document".into() })
            .at(Location::new(file.clone(), 0..0))
    })?;
    Errors::check(builder.duplicates, root)
}

struct CharToByte(Option<Vec<usize>>);

impl CharToByte {
    fn new(text: &str) -> CharToByte {
        if text.is_ascii() {
            CharToByte(None)
        } else {
            CharToByte(Some(text.char_indices().map(|(at, _)| at).chain([text.len()]).collect()))
        }
    }

    fn get(&self, index: usize) -> usize {
        match &self.0 {
            None => index,
            Some(table) => table.get(index).copied().unwrap_or_else(|| *table.last().unwrap_or(&0)),
        }
    }
}

/// How many values a ruleset may hold, with aliases counted as often as they are used: a few
/// thousand is a large ruleset; without a bound, a kilobyte of nested aliases expands to
/// gigabytes.
pub const MAX_NODES: usize = 100_000;

/// How deep lists and maps may nest: a ruleset needs five or six levels.
pub const MAX_DEPTH: usize = 64;

/// A list or map being read, and the count of values read before it began.
enum Open {
    Seq { items: Vec<Node>, start: usize, anchor: usize, nodes_before: usize },
    Map { entries: Vec<(Node, Node)>, key: Option<Node>, start: usize, anchor: usize, nodes_before: usize },
}

struct Builder<'a> {
    file: &'a Arc<SourceFile>,
    byte_of: &'a CharToByte,
    stack: Vec<Open>,
    /// Each anchored value and how many values it holds.
    anchors: HashMap<usize, (Node, usize)>,
    /// Values read so far, an alias counting as the values it repeats.
    nodes: usize,
    root: Option<Node>,
    duplicates: Vec<Error>,
}

impl Builder<'_> {
    fn location(&self, start: usize, end: usize) -> Location {
        Location::new(self.file.clone(), start..end.max(start))
    }

    fn event(&mut self, event: Event, span: YamlSpan) -> Result<(), Error> {
        let start = self.byte_of.get(span.start.index());
        let end = self.byte_of.get(span.end.index());
        match event {
            Event::Scalar(text, style, anchor, _) => {
                let plain = style == ScalarStyle::Plain;
                let node = Node {
                    value: Value::Scalar { text: text.into_owned(), plain },
                    location: self.location(start, end),
                };
                self.count(1, start, end)?;
                self.remember(anchor, &node, 1);
                self.push(node);
                Ok(())
            }
            Event::Alias(anchor) => {
                let (node, size) = self.anchors.get(&anchor).cloned().ok_or_else(|| {
                    Error::new(ErrorKind::YamlSyntax { message: "unknown alias".into() }).at(self.location(start, end))
                })?;
                self.count(size, start, end)?;
                self.push(node);
                Ok(())
            }
            Event::SequenceStart(anchor, _) => {
                self.open(start, end)?;
                self.stack.push(Open::Seq { items: Vec::new(), start, anchor, nodes_before: self.nodes });
                Ok(())
            }
            Event::MappingStart(anchor, _) => {
                self.open(start, end)?;
                self.stack.push(Open::Map { entries: Vec::new(), key: None, start, anchor, nodes_before: self.nodes });
                Ok(())
            }
            Event::SequenceEnd | Event::MappingEnd => self.close(end),
            Event::DocumentStart(_) if self.root.is_some() => Err(Error::new(ErrorKind::YamlSyntax {
                message: "a ruleset file holds one YAML document; remove the second `---`".into(),
            })
            .at(self.location(start, end))),
            _ => Ok(()),
        }
    }

    /// Ends the innermost list or map: its node spans its first key (or its start) to the end
    /// of its last value (or `end`, when it is empty).
    fn close(&mut self, end: usize) -> Result<(), Error> {
        let (value, start, anchor, nodes_before) = match self.stack.pop().expect("balanced events") {
            Open::Seq { items, start, anchor, nodes_before } => (Value::Seq(items), start, anchor, nodes_before),
            Open::Map { entries, start, anchor, nodes_before, .. } => {
                (Value::Map(entries), start, anchor, nodes_before)
            }
        };
        let end = match &value {
            Value::Seq(items) => items.last().map_or(end, |n| n.location.span.end),
            Value::Map(entries) => entries.last().map_or(end, |(_, v)| v.location.span.end),
            Value::Scalar { .. } => end,
        };
        let start = match &value {
            Value::Map(entries) => entries.first().map_or(start, |(k, _)| k.location.span.start),
            _ => start,
        };
        let node = Node { value, location: self.location(start, end) };
        self.count(1, start, end)?;
        self.remember(anchor, &node, self.nodes - nodes_before);
        self.push(node);
        Ok(())
    }

    /// A list or map begins: one level deeper.
    fn open(&self, start: usize, end: usize) -> Result<(), Error> {
        if self.stack.len() < MAX_DEPTH {
            return Ok(());
        }
        let kind = ErrorKind::YamlTooLarge { what: "lists and maps nest", limit: MAX_DEPTH, unit: "levels" };
        Err(Error::new(kind).at(self.location(start, end)))
    }

    /// `size` more values are read; past [`MAX_NODES`] the file is refused where it happens.
    fn count(&mut self, size: usize, start: usize, end: usize) -> Result<(), Error> {
        self.nodes = self.nodes.saturating_add(size);
        if self.nodes <= MAX_NODES {
            return Ok(());
        }
        let kind = ErrorKind::YamlTooLarge { what: "the file holds", limit: MAX_NODES, unit: "values" };
        let help = "aliases (`*name`) count once for every time they are used";
        Err(Error::new(kind).help(help).at(self.location(start, end)))
    }

    fn remember(&mut self, anchor: usize, node: &Node, size: usize) {
        if anchor != 0 {
            self.anchors.insert(anchor, (node.clone(), size));
        }
    }

    fn push(&mut self, node: Node) {
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some(Open::Seq { items, .. }) => items.push(node),
            Some(Open::Map { entries, key, .. }) => match key.take() {
                None => *key = Some(node),
                Some(k) => {
                    let name = k.text().unwrap_or_default();
                    if entries.iter().any(|(existing, _)| existing.text() == Some(name)) {
                        let error = Error::new(ErrorKind::DuplicateKey { key: name.to_string() });
                        self.duplicates.push(error.at(k.location.clone()));
                    } else {
                        entries.push((k, node));
                    }
                }
            },
        }
    }
}
