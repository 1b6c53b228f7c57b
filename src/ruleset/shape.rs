//! Checks the shape of a YAML tree against the ruleset's JSON Schema (generated from the model
//! types) and converts it to JSON for serde. Walking the schema rather than letting serde stop at
//! the first mismatch means every unknown key, wrong type and unknown value is reported in one
//! run, each at its own position, with the nearest valid key or value suggested. What does not
//! fit is left out of the JSON, so the rest of the ruleset can still be checked in the same run.

use serde_json::{Map, Value as Json};

use super::yaml::{Node, Scalar, Value};
use crate::error::{Error, ErrorKind};
use crate::words;

pub struct Shape<'s> {
    root: &'s Json,
}

impl<'s> Shape<'s> {
    pub fn new(root: &'s Json) -> Shape<'s> {
        Shape { root }
    }

    /// The node as JSON, without the parts that do not fit the schema, and every mismatch.
    pub fn convert(&self, node: &Node) -> (Json, Vec<Error>) {
        let (json, errors) = self.convert_with(node, self.root, None);
        (json.unwrap_or(Json::Null), errors)
    }

    fn resolve(&self, mut schema: &'s Json) -> &'s Json {
        while let Some(reference) = schema.get("$ref").and_then(Json::as_str) {
            let name = reference.trim_start_matches("#/$defs/");
            schema = &self.root["$defs"][name];
        }
        schema
    }

    /// The node as JSON (`None` when nothing of it fits) and the mismatches found in it. `key`
    /// is the map key the node is the value of, where a missing key is reported.
    fn convert_with(&self, node: &Node, schema: &'s Json, key: Option<&Node>) -> (Option<Json>, Vec<Error>) {
        let schema = self.resolve(schema);
        if let Some(choices) = schema.get("anyOf").or_else(|| schema.get("oneOf")).and_then(Json::as_array) {
            return self.convert_choice(node, choices, key);
        }
        if let Some(values) = enum_values(schema) {
            return whole(convert_enum(node, values));
        }
        let types = types_of(schema);
        match &node.value {
            Value::Map(entries) if types.contains(&"object") => self.convert_map(node, entries, schema, key),
            Value::Seq(items) if types.contains(&"array") => {
                let item_schema = schema.get("items").unwrap_or(&Json::Bool(true));
                let mut errors = Vec::new();
                let mut out = Vec::new();
                for item in items {
                    let (value, mut found) = self.convert_with(item, item_schema, None);
                    out.extend(value);
                    errors.append(&mut found);
                }
                (Some(Json::Array(out)), errors)
            }
            Value::Scalar { .. } => whole(convert_scalar(node, &types, schema)),
            _ => (None, vec![wrong_type(node, &types)]),
        }
    }

    fn convert_map(
        &self,
        node: &Node,
        entries: &[(Node, Node)],
        schema: &'s Json,
        owner: Option<&Node>,
    ) -> (Option<Json>, Vec<Error>) {
        let properties = schema.get("properties").and_then(Json::as_object);
        let additional = schema.get("additionalProperties");
        let mut errors = Vec::new();
        let mut out = Map::new();
        for (key, value) in entries {
            let Some(name) = key.text() else {
                errors.push(
                    Error::new(ErrorKind::WrongType { expected: "a name".into(), found: key.kind_name().into() })
                        .at(key.location.clone()),
                );
                continue;
            };
            let value_schema = match (properties.and_then(|p| p.get(name)), additional) {
                (Some(property), _) => property,
                (None, Some(Json::Bool(false))) => {
                    let known = properties.into_iter().flat_map(|p| p.keys().map(String::as_str));
                    let error = Error::new(ErrorKind::UnknownKey { key: name.to_string() }).at(key.location.clone());
                    errors.push(error.suggest(name, known));
                    continue;
                }
                (None, Some(additional)) => additional,
                (None, None) => &Json::Bool(true),
            };
            let (converted, mut found) = self.convert_with(value, value_schema, Some(key));
            if let Some(converted) = converted {
                out.insert(name.to_string(), converted);
            }
            errors.append(&mut found);
        }
        let required = schema.get("required").and_then(Json::as_array).into_iter().flatten();
        for key in required.filter_map(Json::as_str) {
            if !out.contains_key(key) && node.get(key).is_none() {
                let location = owner.map_or_else(|| node.location.narrow(0..0), |owner| owner.location.clone());
                errors.push(Error::new(ErrorKind::MissingKey { key: key.to_string() }).at(location));
            }
        }
        (Some(Json::Object(out)), errors)
    }

    /// An untagged union (a string or a map, a value or nothing): the first branch that fits;
    /// when none does, the errors of the branch of the same kind as the node.
    fn convert_choice(&self, node: &Node, choices: &'s [Json], key: Option<&Node>) -> (Option<Json>, Vec<Error>) {
        let resolved: Vec<&Json> = choices.iter().map(|choice| self.resolve(choice)).collect();
        // Variants with and without descriptions: an `enum` and some `const`s, one list of names.
        let names: Option<Vec<Vec<&str>>> = resolved.iter().map(|choice| enum_values(choice)).collect();
        if let Some(names) = names {
            return whole(convert_enum(node, names.concat()));
        }
        let mut same_kind = None;
        for choice in &resolved {
            let (value, errors) = self.convert_with(node, choice, key);
            if errors.is_empty() {
                return (value, errors);
            }
            if same_kind.is_none() && accepts_kind(&self.types_of(choice), node) {
                same_kind = Some((value, errors));
            }
        }
        same_kind.unwrap_or_else(|| {
            let expected: Vec<&str> = resolved.iter().flat_map(|choice| self.types_of(choice)).collect();
            (None, vec![wrong_type(node, &expected)])
        })
    }

    /// The JSON types a schema accepts, looking through references and unions.
    fn types_of(&self, schema: &'s Json) -> Vec<&'s str> {
        let schema = self.resolve(schema);
        match schema.get("anyOf").or_else(|| schema.get("oneOf")).and_then(Json::as_array) {
            Some(choices) => choices.iter().flat_map(|choice| self.types_of(choice)).collect(),
            None => types_of(schema),
        }
    }
}

/// The names a schema of names (`enum` or `const`) accepts.
fn enum_values(schema: &Json) -> Option<Vec<&str>> {
    if let Some(values) = schema.get("enum").and_then(Json::as_array) {
        return Some(values.iter().filter_map(Json::as_str).collect());
    }
    schema.get("const").and_then(Json::as_str).map(|value| vec![value])
}

/// A scalar converts whole or not at all.
fn whole(converted: Result<Json, Vec<Error>>) -> (Option<Json>, Vec<Error>) {
    match converted {
        Ok(json) => (Some(json), Vec::new()),
        Err(errors) => (None, errors),
    }
}

fn types_of(schema: &Json) -> Vec<&str> {
    match schema.get("type") {
        Some(Json::String(one)) => vec![one.as_str()],
        Some(Json::Array(many)) => many.iter().filter_map(Json::as_str).collect(),
        _ if schema.get("enum").is_some() || schema.get("const").is_some() => vec!["string"],
        _ => Vec::new(),
    }
}

fn accepts_kind(types: &[&str], node: &Node) -> bool {
    match &node.value {
        Value::Map(_) => types.contains(&"object"),
        Value::Seq(_) => types.contains(&"array"),
        Value::Scalar { .. } => !node.is_null() && types.iter().any(|t| !matches!(*t, "object" | "array" | "null")),
    }
}

fn convert_scalar(node: &Node, types: &[&str], schema: &Json) -> Result<Json, Vec<Error>> {
    let scalar = node.scalar().expect("a scalar node");
    let fits = |t: &str| types.contains(&t);
    let converted = match scalar {
        Scalar::Null if fits("null") => Some(Json::Null),
        Scalar::Bool(value) if fits("boolean") => Some(Json::Bool(value)),
        Scalar::Int(value) if fits("integer") => {
            return in_bounds(value as f64, schema)
                .then(|| Json::from(value))
                .ok_or_else(|| vec![out_of_bounds(node, schema)]);
        }
        Scalar::Int(value) if fits("number") => Some(Json::from(value as f64)),
        Scalar::Float(value) if fits("number") && value.is_finite() => Some(Json::from(value)),
        Scalar::Float(_) if fits("number") => {
            let found = format!("`{}`", node.text().unwrap_or_default());
            let error = Error::new(ErrorKind::WrongType { expected: "a finite number".into(), found });
            return Err(vec![error.at(node.location.clone())]);
        }
        // Formulas, versions and labels are text even when YAML reads them as numbers: `0.3`, `2026.10`.
        Scalar::Bool(_) | Scalar::Int(_) | Scalar::Float(_) | Scalar::String(_) if fits("string") => {
            Some(Json::String(node.text().unwrap_or_default().to_string()))
        }
        _ => None,
    };
    converted.ok_or_else(|| vec![wrong_type(node, types)])
}

fn in_bounds(value: f64, schema: &Json) -> bool {
    let minimum = schema.get("minimum").and_then(Json::as_f64).unwrap_or(f64::NEG_INFINITY);
    let maximum = schema.get("maximum").and_then(Json::as_f64).unwrap_or(f64::INFINITY);
    (minimum..=maximum).contains(&value)
}

fn out_of_bounds(node: &Node, schema: &Json) -> Error {
    let bound = |key: &str| schema.get(key).and_then(Json::as_f64);
    let expected = match (bound("minimum"), bound("maximum")) {
        (Some(lo), Some(hi)) => format!("a whole number from {lo} to {hi}"),
        (Some(lo), None) => format!("a whole number of at least {lo}"),
        (None, Some(hi)) => format!("a whole number of at most {hi}"),
        (None, None) => "a whole number".to_string(),
    };
    Error::new(ErrorKind::WrongType { expected, found: node.text().unwrap_or_default().to_string() })
        .at(node.location.clone())
}

fn convert_enum(node: &Node, values: Vec<&str>) -> Result<Json, Vec<Error>> {
    let text = match node.scalar() {
        // `on_bad_value: null` names the value `null`, which YAML reads as no value.
        Some(Scalar::Null) if values.contains(&"null") && node.text() == Some("null") => "null",
        Some(Scalar::Null) | None => return Err(vec![wrong_type(node, &["string"])]),
        Some(_) => node.text().unwrap_or_default(),
    };
    if values.contains(&text) {
        return Ok(Json::String(text.to_string()));
    }
    let error = Error::new(ErrorKind::UnknownValue { value: text.to_string() }).at(node.location.clone());
    let error = match crate::suggest::nearest(text, values.iter().copied()) {
        Some(near) => error.help(format!("did you mean `{near}`?")),
        None => error.help(format!("expected one of {}", words::quoted(&values))),
    };
    Err(vec![error])
}

fn wrong_type(node: &Node, types: &[&str]) -> Error {
    let words_for = types.iter().filter_map(|t| match *t {
        "object" => Some("a map"),
        "array" => Some("a list"),
        "string" => Some("a string"),
        "number" => Some("a number"),
        "integer" => Some("a whole number"),
        "boolean" => Some("`true` or `false`"),
        _ => None,
    });
    let expected = match words::one_of(words_for) {
        none if none.is_empty() => "something else".to_string(),
        some => some,
    };
    Error::new(ErrorKind::WrongType { expected, found: node.kind_name().to_string() }).at(node.location.clone())
}
