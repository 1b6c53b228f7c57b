//! A ruleset test file (`*.test.yaml`), read with the position of every part, so that a failing
//! expectation points at its YAML line. Every key is checked: a test file that cannot be read as
//! written is broken, and no case of it runs.

use std::path::{Path, PathBuf};

use crate::engine::numbers::{self, Notation};
use crate::error::{Error, ErrorKind, Errors, Result};
use crate::location::{Location, SourceFile};
use crate::ruleset::yaml::{self, Node};

pub struct TestFile {
    pub path: PathBuf,
    /// The ruleset under test, relative to the test file's folder.
    pub ruleset: PathBuf,
    pub ruleset_location: Location,
    pub cases: Vec<TestCase>,
}

pub struct TestCase {
    pub name: String,
    pub location: Location,
    /// The period the expectations are about (default: the last period with data).
    pub period: Option<(String, Location)>,
    pub data: Vec<CaseData>,
    pub expectations: Vec<Expectation>,
}

/// The rows a case gives a source.
pub struct CaseData {
    pub source: String,
    pub location: Location,
    pub given: Given,
}

pub enum Given {
    /// CSV written in the test file, with the export's own headers.
    Inline(String),
    /// A fixture file, relative to the test file's folder.
    File(PathBuf),
    /// For a source with `{entity}` in its path: the rows of each entity.
    PerEntity(Vec<(String, Given)>),
}

pub struct Expectation {
    pub location: Location,
    pub entity: String,
    pub expected: Expected,
}

pub enum Expected {
    /// A KPI's value, target or score, or its band.
    Kpi { kpi: String, part: KpiPart, want: Want },
    /// A scorecard's total, or its grade.
    Scorecard { scorecard: String, part: ScorecardPart, want: Want },
    /// Exactly these diagnoses fire.
    Diagnoses(Vec<String>),
    /// Exactly these kinds of data-quality note concern the entity.
    Quality(Vec<String>),
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum KpiPart {
    Value,
    Target,
    Score,
    Band,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ScorecardPart {
    Total,
    Grade,
}

/// What an expectation wants: a number (none for no data), one within a tolerance, or a text.
#[derive(Clone, Debug, PartialEq)]
pub enum Want {
    Number(Option<f64>),
    Approx { value: f64, tolerance: f64 },
    Text(Option<String>),
}

const FILE_KEYS: [&str; 2] = ["ruleset", "cases"];
const CASE_KEYS: [&str; 4] = ["name", "period", "data", "expect"];
const EXPECT_KEYS: [&str; 9] =
    ["kpis", "targets", "scores", "bands", "totals", "grades", "diagnoses", "quality", "values"];

/// The largest test file read: inline rows make a test file larger than a ruleset, but a test
/// of many megabytes is a data file in the wrong place.
pub const MAX_TEST_FILE_BYTES: u64 = 16 * 1024 * 1024;

pub fn read(path: &Path) -> Result<TestFile> {
    let unreadable =
        |message: String| Error::new(ErrorKind::UnreadableFile { path: path.display().to_string(), message });
    let text = crate::read::text(path, MAX_TEST_FILE_BYTES).map_err(|e| unreadable(e.to_string()))?;
    let root = yaml::parse(&SourceFile::new(path, text))?;
    let mut reader = Reader { errors: Vec::new() };
    let file = reader.file(path, &root);
    Errors::check(reader.errors, ())?;
    file.ok_or_else(|| Error::internal("a test file without errors is read").into())
}

struct Reader {
    errors: Vec<Error>,
}

/// A name that is one folder's, and stays inside the folder it is in.
pub(super) fn is_folder_name(name: &str) -> bool {
    !matches!(name, "" | "." | "..") && !name.contains(['/', '\\', '\0'])
}

impl Reader {
    fn error(&mut self, error: Error) {
        self.errors.push(error);
    }

    /// The entries of a map, each key one of `known`; a node that is not a map is an error.
    fn map<'n>(&mut self, node: &'n Node, known: Option<&[&str]>) -> Vec<(&'n str, &'n Node)> {
        if !node.entries().is_empty() || matches!(node.value, yaml::Value::Map(_)) {
            let mut entries = Vec::new();
            for (key, value) in node.entries() {
                let name = key.text().unwrap_or_default();
                match known {
                    Some(known) if !known.contains(&name) => {
                        let error = Error::new(ErrorKind::UnknownKey { key: name.to_string() })
                            .suggest(name, known.iter().copied())
                            .at(key.location.clone());
                        self.error(error);
                    }
                    _ => entries.push((name, value)),
                }
            }
            return entries;
        }
        self.wrong_type(node, "a map");
        Vec::new()
    }

    fn wrong_type(&mut self, node: &Node, expected: &str) {
        let kind = ErrorKind::WrongType { expected: expected.to_string(), found: node.kind_name().to_string() };
        self.error(Error::new(kind).at(node.location.clone()));
    }

    fn text(&mut self, node: &Node, what: &str) -> Option<String> {
        match node.text() {
            Some(text) if !node.is_null() => Some(text.to_string()),
            _ => {
                self.wrong_type(node, what);
                None
            }
        }
    }

    fn file(&mut self, path: &Path, root: &Node) -> Option<TestFile> {
        let entries = self.map(root, Some(&FILE_KEYS));
        let get = |key: &str| entries.iter().find(|(k, _)| *k == key).map(|(_, v)| *v);
        let Some(ruleset_node) = get("ruleset") else {
            self.error(Error::new(ErrorKind::MissingKey { key: "ruleset".into() }).at(root.location.clone()));
            return None;
        };
        let ruleset = self.text(ruleset_node, "the path of the ruleset under test")?;
        let cases = match get("cases") {
            Some(cases) if matches!(cases.value, yaml::Value::Seq(_)) => {
                cases.items().iter().filter_map(|case| self.case(case)).collect()
            }
            Some(other) => {
                self.wrong_type(other, "a list of cases");
                Vec::new()
            }
            None => {
                self.error(Error::new(ErrorKind::MissingKey { key: "cases".into() }).at(root.location.clone()));
                Vec::new()
            }
        };
        let location = ruleset_node.location.clone();
        Some(TestFile { path: path.to_path_buf(), ruleset: PathBuf::from(ruleset), ruleset_location: location, cases })
    }

    fn case(&mut self, node: &Node) -> Option<TestCase> {
        let entries = self.map(node, Some(&CASE_KEYS));
        let get = |key: &str| entries.iter().find(|(k, _)| *k == key).map(|(_, v)| *v);
        let name = match get("name") {
            Some(name) => self.text(name, "the case's name")?,
            None => {
                self.error(Error::new(ErrorKind::MissingKey { key: "name".into() }).at(node.location.clone()));
                return None;
            }
        };
        let period = get("period").and_then(|p| Some((self.text(p, "a period, like `2026-10`")?, p.location.clone())));
        let data = get("data").map(|data| self.data(data)).unwrap_or_default();
        let expectations = get("expect").map(|expect| self.expectations(expect)).unwrap_or_default();
        Some(TestCase { name, location: node.location.clone(), period, data, expectations })
    }

    fn data(&mut self, node: &Node) -> Vec<CaseData> {
        let entries = self.map(node, None);
        entries
            .into_iter()
            .filter_map(|(source, node)| {
                let given = self.given(node, true)?;
                Some(CaseData { source: source.to_string(), location: node.location.clone(), given })
            })
            .collect()
    }

    /// Inline CSV (text with a line break), a fixture's path, or, where `per_entity` may be
    /// given, a map of entity → either.
    fn given(&mut self, node: &Node, per_entity: bool) -> Option<Given> {
        if per_entity && matches!(node.value, yaml::Value::Map(_)) {
            let mut given = Vec::new();
            for (key, value) in node.entries() {
                let entity = key.text().unwrap_or_default();
                if !is_folder_name(entity) {
                    let kind = ErrorKind::WrongType {
                        expected: "an entity's name that can be a folder's".into(),
                        found: format!("`{entity}`"),
                    };
                    let help = "an entity given its own rows is the folder `{entity}` stands for: one name, without `/`, not `.` or `..`";
                    self.error(Error::new(kind).at(key.location.clone()).help(help));
                    continue;
                }
                given.extend(self.given(value, false).map(|g| (entity.to_string(), g)));
            }
            return Some(Given::PerEntity(given));
        }
        let text = self.text(node, "inline CSV or the path of a fixture file")?;
        Some(if text.contains('\n') { Given::Inline(text) } else { Given::File(PathBuf::from(text)) })
    }

    fn expectations(&mut self, node: &Node) -> Vec<Expectation> {
        let mut found = Vec::new();
        for (section, by_entity) in self.map(node, Some(&EXPECT_KEYS)) {
            for (entity, expected) in self.map(by_entity, None) {
                found.extend(self.section(section, entity, expected));
            }
        }
        found
    }

    /// The expectations of one section (`kpis`, `grades`, …) about one entity.
    fn section(&mut self, section: &str, entity: &str, node: &Node) -> Vec<Expectation> {
        let expectation = |location: &Location, expected| Expectation {
            location: location.clone(),
            entity: entity.to_string(),
            expected,
        };
        if matches!(section, "diagnoses" | "quality") {
            let ids: Vec<String> = match &node.value {
                yaml::Value::Seq(items) => items.iter().filter_map(|item| self.text(item, "an id")).collect(),
                _ => {
                    self.wrong_type(node, "a list of ids, `[]` for none");
                    return Vec::new();
                }
            };
            let expected = if section == "diagnoses" { Expected::Diagnoses(ids) } else { Expected::Quality(ids) };
            return vec![expectation(&node.location, expected)];
        }
        let mut found = Vec::new();
        for (name, wanted) in self.map(node, None) {
            let textual = matches!(section, "bands" | "grades");
            let Some(want) = self.want(wanted, textual) else { continue };
            let name = name.to_string();
            let expected = match section {
                "kpis" | "values" => Expected::Kpi { kpi: name, part: KpiPart::Value, want },
                "targets" => Expected::Kpi { kpi: name, part: KpiPart::Target, want },
                "scores" => Expected::Kpi { kpi: name, part: KpiPart::Score, want },
                "bands" => Expected::Kpi { kpi: name, part: KpiPart::Band, want },
                "totals" => Expected::Scorecard { scorecard: name, part: ScorecardPart::Total, want },
                _ => Expected::Scorecard { scorecard: name, part: ScorecardPart::Grade, want },
            };
            found.push(expectation(&wanted.location, expected));
        }
        found
    }

    /// A number as people write it (`25%`, `1,234`, `null` for no data), `{ approx, tolerance }`,
    /// or, for bands and grades, a text.
    fn want(&mut self, node: &Node, textual: bool) -> Option<Want> {
        if node.is_null() {
            return Some(if textual { Want::Text(None) } else { Want::Number(None) });
        }
        if textual {
            return self.text(node, "a band or grade").map(|t| Want::Text(Some(t)));
        }
        if matches!(node.value, yaml::Value::Map(_)) {
            let entries = self.map(node, Some(&["approx", "tolerance"]));
            let get = |key: &str| entries.iter().find(|(k, _)| *k == key).map(|(_, v)| *v);
            let (Some(value), Some(tolerance)) = (get("approx"), get("tolerance")) else {
                let missing = if get("approx").is_none() { "approx" } else { "tolerance" };
                self.error(Error::new(ErrorKind::MissingKey { key: missing.into() }).at(node.location.clone()));
                return None;
            };
            return Some(Want::Approx { value: self.number(value)?, tolerance: self.number(tolerance)?.abs() });
        }
        self.number(node).map(|n| Want::Number(Some(n)))
    }

    fn number(&mut self, node: &Node) -> Option<f64> {
        let text = self.text(node, "a number")?;
        let read = numbers::read(&[text.as_str()], Notation::point(&[]))[0];
        if read.is_none() {
            let kind =
                ErrorKind::WrongType { expected: "a number, like `25%` or `1,234`".into(), found: format!("`{text}`") };
            self.error(Error::new(kind).at(node.location.clone()));
        }
        read
    }
}
