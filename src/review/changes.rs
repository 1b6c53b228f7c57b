//! What changed between two rulesets, definition by definition: each KPI, measure, source,
//! scorecard, grade and diagnosis added, removed, or changed in a field (a target, a band, a
//! weight, a formula), on a line a reviewer reads. The rulesets are compared as `extends` and
//! `remove` leave them, field by field as the format writes them, so no field is overlooked.

use serde::Serialize;
use serde_json::Value as Json;

use crate::locale::Locale;
use crate::ruleset::Ruleset;

/// One change, as `kpi diff` shows it: `kpis.read_rate: target 30% → 35%`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    /// `kpis`, `scorecards`, …, or `ruleset` for the top-level settings.
    pub section: String,
    /// The definition's name (a diagnosis's id); empty for a top-level setting.
    pub name: String,
    /// `added`, `removed` or `changed`.
    pub kind: ChangeKind,
    /// The field changed, as a path (`target`, `weights.read_rate`, `bands.合格`).
    pub field: Option<String>,
    pub before: Option<String>,
    pub after: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    Added,
    Removed,
    Changed,
}

/// The sections of named definitions, in the order the format lists them.
const SECTIONS: [&str; 7] = ["sources", "measures", "kpis", "scoring", "scorecards", "grades", "diagnoses"];

/// Every change from `old` to `new`.
pub fn changes(old: &Ruleset, new: &Ruleset) -> Vec<Change> {
    let (old, new) = (json(old), json(new));
    let mut found = Vec::new();
    for key in ["ruleset", "version", "client", "locale", "grain"] {
        leaves(&mut found, "ruleset", "", key, old.get(key), new.get(key));
    }
    for section in SECTIONS {
        let entries = |ruleset: &Json| -> Vec<(String, Json)> {
            match ruleset.get(section) {
                Some(Json::Object(map)) => map.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
                // Diagnoses are a list, named by their ids.
                Some(Json::Array(items)) => items
                    .iter()
                    .map(|item| (item.get("id").and_then(Json::as_str).unwrap_or_default().to_string(), item.clone()))
                    .collect(),
                _ => Vec::new(),
            }
        };
        let (before, after) = (entries(&old), entries(&new));
        for (name, value) in &before {
            match after.iter().find(|(n, _)| n == name) {
                None => found.push(whole(section, name, ChangeKind::Removed, value)),
                Some((_, new_value)) => leaves(&mut found, section, name, "", Some(value), Some(new_value)),
            }
        }
        for (name, value) in &after {
            if !before.iter().any(|(n, _)| n == name) {
                found.push(whole(section, name, ChangeKind::Added, value));
            }
        }
    }
    found
}

fn json(ruleset: &Ruleset) -> Json {
    serde_json::to_value(ruleset).expect("a ruleset serializes")
}

fn whole(section: &str, name: &str, kind: ChangeKind, value: &Json) -> Change {
    let (before, after) = match kind {
        ChangeKind::Removed => (Some(shown(value)), None),
        _ => (None, Some(shown(value))),
    };
    Change { section: section.to_string(), name: name.to_string(), kind, field: None, before, after }
}

/// The differing leaves of two values under `path`, each a change of a field.
fn leaves(found: &mut Vec<Change>, section: &str, name: &str, path: &str, old: Option<&Json>, new: Option<&Json>) {
    let join = |key: &str| if path.is_empty() { key.to_string() } else { format!("{path}.{key}") };
    match (old, new) {
        (Some(Json::Object(a)), Some(Json::Object(b))) => {
            for (key, value) in a {
                leaves(found, section, name, &join(key), Some(value), b.get(key));
            }
            for (key, value) in b.iter().filter(|(key, _)| !a.contains_key(*key)) {
                leaves(found, section, name, &join(key), None, Some(value));
            }
        }
        (a, b) if a == b => {}
        (a, b) => {
            let kind = match (a, b) {
                (None, _) => ChangeKind::Added,
                (_, None) => ChangeKind::Removed,
                _ => ChangeKind::Changed,
            };
            found.push(Change {
                section: section.to_string(),
                name: name.to_string(),
                kind,
                field: (!path.is_empty()).then(|| path.to_string()),
                before: a.map(shown),
                after: b.map(shown),
            });
        }
    }
}

/// A value as the ruleset writes it: text without quotes, anything else as compact JSON.
fn shown(value: &Json) -> String {
    match value {
        Json::String(text) => text.clone(),
        // Weights and counts are read as floats: `20`, not `20.0`.
        Json::Number(number) => match number.as_f64() {
            Some(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{n:.0}"),
            _ => number.to_string(),
        },
        other => other.to_string(),
    }
}

impl Change {
    /// The change on one line, its words in `locale`: `~ kpis.growth: target 100 → 150`.
    pub fn describe(&self, locale: Locale) -> String {
        let what = match (self.section.as_str(), self.name.is_empty()) {
            (_, true) => self.field.clone().unwrap_or_default(),
            (section, false) => format!("{section}.{}", self.name),
        };
        let field = match (&self.field, self.name.is_empty()) {
            (Some(field), false) => format!(" {field}"),
            _ => String::new(),
        };
        let value = |v: &Option<String>| v.clone().unwrap_or_default();
        match self.kind {
            ChangeKind::Added if self.field.is_none() => format!("+ {what}: {}", locale.pick("新增", "added")),
            ChangeKind::Removed if self.field.is_none() => format!("- {what}: {}", locale.pick("删除", "removed")),
            ChangeKind::Added => format!("~ {what}:{field} {} {}", locale.pick("设为", "set to"), value(&self.after)),
            ChangeKind::Removed => {
                let before = value(&self.before);
                locale.pick(
                    format!("~ {what}:{field} 取消（原为 {before}）"),
                    format!("~ {what}:{field} unset (was {before})"),
                )
            }
            ChangeKind::Changed => format!("~ {what}:{field} {} → {}", value(&self.before), value(&self.after)),
        }
    }
}
