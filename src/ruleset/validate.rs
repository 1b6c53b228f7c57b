//! Checks a typed ruleset as a whole, before any data is read: every formula parses and
//! resolves, sources are configured consistently, scorecard weights name scorable KPIs and sum to
//! 100, nothing depends on itself. Every problem is reported, each at its place in the file.

use std::collections::HashMap;
use std::path::PathBuf;

use indexmap::IndexMap;

use super::checked::{Band, CheckedDiagnosis, CheckedKpi, CheckedRuleset, CheckedScorecard, CheckedTarget};
use super::load::Loaded;
use super::model::{Measure, Ruleset, Target, Text};
use super::namespace::{RulesetNames, is_targets_table};
use super::order::dependency_order;
use super::yaml::{Node, PathStep};
use crate::error::{Error, ErrorKind, Errors, Result};
use crate::expr::ast::{Expr, Name, Spanned};
use crate::expr::check::expect_type;
use crate::expr::{Condition, Ir, IrNode, Namespace, Place, Ref, Type, check, parse_condition, parse_formula};
use crate::location::Location;

use PathStep::{Index, Key};

/// Validates a loaded ruleset; `headers` are the column headers of the sources whose files
/// could be read, which lets formulas name unmapped columns.
pub fn validate(loaded: Loaded, base_dir: PathBuf, headers: &HashMap<String, Vec<String>>) -> Result<CheckedRuleset> {
    let Loaded { model, tree, problems, .. } = loaded;
    let names = RulesetNames::new(&model, headers);
    let mut validator = Validator { model: &model, tree: &tree, names: &names, errors: problems };
    validator.sources();
    validator.unique_names();
    let measures = validator.measures();
    let kpis = validator.kpis();
    let scorecards = validator.scorecards(&kpis);
    let grades = validator.grades();
    let diagnoses = validator.diagnoses();
    let order = match dependency_order(&measures, &kpis) {
        Ok(order) => order,
        Err(cycle) => {
            validator.cycle(&cycle);
            Vec::new()
        }
    };
    let errors = validator.errors;
    let attributes = names.attributes;
    Errors::check(errors, ())?;
    Ok(CheckedRuleset { model, tree, base_dir, measures, kpis, order, attributes, scorecards, grades, diagnoses })
}

struct Validator<'a> {
    model: &'a Ruleset,
    tree: &'a Node,
    names: &'a RulesetNames<'a>,
    errors: Vec<Error>,
}

impl<'a> Validator<'a> {
    fn node(&self, path: &[PathStep]) -> &'a Node {
        self.tree.at(path).unwrap_or(self.tree)
    }

    fn location(&self, path: &[PathStep]) -> Location {
        self.node(path).location.clone()
    }

    fn key_location(&self, path: &[PathStep], key: &str) -> Location {
        let node = self.node(path);
        node.key(key).unwrap_or(node).location.clone()
    }

    fn error(&mut self, error: Error) {
        self.errors.push(error);
    }

    /// Parses and checks the formula at `path`, reporting problems at their characters.
    fn formula(&mut self, path: &[PathStep], place: Place, want: Type, what: &str) -> Option<Ir> {
        let node = self.node(path);
        let text = node.text().unwrap_or_default();
        let parsed = match parse_formula(text) {
            Ok(parsed) => parsed,
            Err(syntax) => {
                let error = Error::new(ErrorKind::FormulaSyntax { message: syntax.message });
                self.error(error.at(node.value_location(syntax.span.range())));
                return None;
            }
        };
        self.checked(node, &parsed, place, want, what)
    }

    fn checked(&mut self, node: &Node, parsed: &Spanned<Expr>, place: Place, want: Type, what: &str) -> Option<Ir> {
        let ir = match check(parsed, self.names, place) {
            Ok(ir) => ir,
            Err(problems) => {
                for (span, error) in problems {
                    self.error(error.at(node.value_location(span.range())));
                }
                return None;
            }
        };
        if let Err((span, error)) = expect_type(&ir, want, what) {
            self.error(error.at(node.value_location(span.range())));
            return None;
        }
        Some(ir)
    }

    /// A band or grade condition: `otherwise`, `>= 30%` (the value compared), or a formula.
    fn condition(&mut self, path: &[PathStep], place: Place) -> Option<Band> {
        let node = self.node(path);
        let text = node.text().unwrap_or_default();
        let condition = match parse_condition(text) {
            Ok(condition) => condition,
            Err(syntax) => {
                let error = Error::new(ErrorKind::FormulaSyntax { message: syntax.message })
                    .help("write a condition like `>= 30%`, a formula of `value`, or `otherwise`");
                self.error(error.at(node.value_location(syntax.span.range())));
                return None;
            }
        };
        let formula = match condition.node {
            Condition::Otherwise => return Some(Band::Otherwise),
            Condition::Formula(Spanned { node: Expr::Number(_), span }) => {
                let error = Error::new(ErrorKind::WrongValueType {
                    expected: "a condition",
                    found: "a number",
                    what: "a band or grade".into(),
                })
                .help(format!("compare the value with it: `\">= {text}\"` or `\"<= {text}\"`", text = text.trim()));
                self.error(error.at(node.value_location(span.range())));
                return None;
            }
            Condition::Formula(formula) => formula,
            Condition::Compared { op, rhs } => {
                let at = crate::expr::Span::new(condition.span.start, condition.span.start);
                let value = Spanned::new(Expr::Name(Name { source: None, name: "value".into() }), at);
                let span = condition.span;
                Spanned::new(Expr::Binary { op, lhs: Box::new(value), rhs: Box::new(rhs) }, span)
            }
        };
        self.checked(node, &formula, place, Type::Boolean, "a condition").map(Band::When)
    }

    fn sources(&mut self) {
        for (name, source) in &self.model.sources {
            let path = [Key("sources"), Key(name)];
            let invalid = |message: &str| {
                Error::new(ErrorKind::InvalidSource { source_name: name.clone(), message: message.to_string() })
            };
            match (&source.entity, &source.entity_value) {
                (Some(_), Some(_)) => {
                    let error = invalid("`entity` and `entity_value` cannot both be set").help(
                        "use `entity` for a column naming the entity, `entity_value` when the whole file is one entity",
                    );
                    self.error(error.at(self.key_location(&path, "entity_value")));
                }
                (None, None) if !is_targets_table(self.model, name) || source.date.is_some() => {
                    let error = invalid("which entity do the rows belong to?")
                        .help("add `entity: HEADER` (the column naming the entity) or `entity_value: NAME`");
                    self.error(error.at(self.key_location(&[Key("sources")], name)));
                }
                _ => {}
            }
            if let Err(problem) = glob::Pattern::new(&source.path) {
                let error = invalid(&format!("`path` is not a valid pattern: {}", problem.msg));
                self.error(error.at(self.location(&[Key("sources"), Key(name), Key("path")])));
            }
            if source.header_row == 0 {
                let error = invalid("`header_row` counts from 1");
                self.error(error.at(self.location(&[Key("sources"), Key(name), Key("header_row")])));
            }
        }
    }

    fn unique_names(&mut self) {
        for name in self.model.kpis.keys() {
            if self.model.measures.contains_key(name) {
                let error =
                    Error::new(ErrorKind::DuplicateName { name: name.clone(), first: "a measure", second: "a KPI" });
                self.error(error.at(self.key_location(&[Key("kpis")], name)));
            }
        }
        for (name, attribute) in &self.names.attributes {
            let kind = if self.model.kpis.contains_key(name) {
                "a KPI"
            } else if self.model.measures.contains_key(name) {
                "a measure"
            } else {
                continue;
            };
            let error =
                Error::new(ErrorKind::DuplicateName { name: name.clone(), first: kind, second: "an attribute" });
            let columns = [Key("sources"), Key(&attribute.source), Key("columns")];
            let location = self.tree.at(&columns).and_then(|c| c.key(name)).map(|k| k.location.clone());
            self.error(
                error.at_opt(location.or_else(|| Some(self.location(&[Key("sources"), Key(&attribute.source)])))),
            );
        }
    }

    fn measures(&mut self) -> IndexMap<String, Ir> {
        let mut measures = IndexMap::new();
        for (name, measure) in &self.model.measures {
            let path: Vec<PathStep> = match measure {
                Measure::Formula(_) => vec![Key("measures"), Key(name)],
                Measure::Described(_) => vec![Key("measures"), Key(name), Key("formula")],
            };
            if let Some(ir) = self.formula(&path, Place { what: "a measure", ..Place::GRID }, Type::Any, "a measure") {
                measures.insert(name.clone(), ir);
            }
        }
        measures
    }

    fn kpis(&mut self) -> IndexMap<String, CheckedKpi> {
        let mut kpis = IndexMap::new();
        let default_score = self.model.scoring.as_ref().and_then(|s| s.default.as_ref()).map(|_| ());
        for (name, kpi) in &self.model.kpis {
            let at = |field: &'static str| vec![Key("kpis"), Key(name), Key(field)];
            let formula = self.formula(
                &at("formula"),
                Place { what: "a KPI formula", ..Place::GRID },
                Type::Number,
                "a KPI formula",
            );
            let target = match &kpi.target {
                None => None,
                Some(Target::Table(table)) => {
                    if !self.model.sources.contains_key(&table.table) {
                        let error = Error::new(ErrorKind::UnknownSource { name: table.table.clone() })
                            .suggest(&table.table, self.model.sources.keys().map(String::as_str));
                        self.error(error.at(self.location(&[Key("kpis"), Key(name), Key("target"), Key("table")])));
                    }
                    Some(CheckedTarget::Table(table.table.clone()))
                }
                Some(Target::Formula(_)) => {
                    let place = Place { what: "a target", ..Place::GRID };
                    self.formula(&at("target"), place, Type::Number, "a target").map(CheckedTarget::Formula)
                }
            };
            let band_names: Vec<String> = kpi.bands.keys().cloned().collect();
            let band_place = Place { what: "a band", value: true, target: kpi.target.is_some(), ..Place::GRID };
            let mut bands = Vec::new();
            for band in kpi.bands.keys() {
                let path = [Key("kpis"), Key(name), Key("bands"), Key(band)];
                if let Some(condition) = self.condition(&path, band_place) {
                    bands.push((band.clone(), condition));
                }
            }
            let score_place = Place {
                what: "a score",
                value: true,
                target: kpi.target.is_some(),
                bands: Some(&band_names),
                ..Place::GRID
            };
            let score = match (&kpi.score, &kpi.target, default_score) {
                (Some(_), _, _) => self.formula(&at("score"), score_place, Type::Number, "a score"),
                (None, Some(_), Some(())) => {
                    self.formula(&[Key("scoring"), Key("default")], score_place, Type::Number, "a score")
                }
                (None, Some(_), None) => Some(default_attainment()),
                (None, None, _) => None,
            };
            if let Some(formula) = formula {
                kpis.insert(name.clone(), CheckedKpi { formula, target, bands, score });
            }
        }
        kpis
    }

    fn scorecards(&mut self, kpis: &IndexMap<String, CheckedKpi>) -> IndexMap<String, CheckedScorecard> {
        let mut scorecards = IndexMap::new();
        for (name, scorecard) in &self.model.scorecards {
            let weights_path = [Key("scorecards"), Key(name), Key("weights")];
            for (kpi, _) in &scorecard.weights {
                let key = self.key_location(&weights_path, kpi);
                match (self.model.kpis.get(kpi), kpis.get(kpi)) {
                    (None, _) => {
                        let error = Error::new(ErrorKind::UnknownKpi { name: kpi.clone() })
                            .suggest(kpi, self.model.kpis.keys().map(String::as_str));
                        self.error(error.at(key));
                    }
                    (Some(_), Some(checked)) if checked.score.is_none() => {
                        let error = Error::new(ErrorKind::NotAllowedHere {
                            what: format!("KPI `{kpi}`"),
                            place: "scorecard weights",
                        })
                        .note(format!("`{kpi}` has neither a `target` nor a `score`, so it has no score to weight"))
                        .help(format!("give `{kpi}` a `target:` or a `score:`"));
                        self.error(error.at(key));
                    }
                    _ => {}
                }
            }
            let sum: f64 = scorecard.weights.values().sum();
            if (sum - 100.0).abs() > 1e-6 {
                let error =
                    Error::new(ErrorKind::WeightsDoNotSum { scorecard: name.clone(), sum: round_for_message(sum) })
                        .help("weights are points: make them add up to 100");
                self.error(error.at(self.key_location(&[Key("scorecards"), Key(name)], "weights")));
            }
            let applies_to = scorecard.applies_to.as_ref().and_then(|_| {
                let place = Place {
                    what: "`applies_to`",
                    grid: false,
                    attributes: true,
                    value: false,
                    target: false,
                    bands: None,
                };
                self.formula(&[Key("scorecards"), Key(name), Key("applies_to")], place, Type::Boolean, "`applies_to`")
            });
            scorecards.insert(name.clone(), CheckedScorecard { applies_to, weights: scorecard.weights.clone() });
        }
        scorecards
    }

    fn grades(&mut self) -> Vec<(String, Band)> {
        let place = Place { what: "a grade", grid: false, attributes: false, value: true, target: false, bands: None };
        let mut grades = Vec::new();
        for grade in self.model.grades.keys() {
            if let Some(condition) = self.condition(&[Key("grades"), Key(grade)], place) {
                grades.push((grade.clone(), condition));
            }
        }
        grades
    }

    fn diagnoses(&mut self) -> Vec<CheckedDiagnosis> {
        let mut seen: HashMap<&str, usize> = HashMap::new();
        let mut diagnoses = Vec::new();
        for (index, diagnosis) in self.model.diagnoses.iter().enumerate() {
            if seen.insert(&diagnosis.id, index).is_some() {
                let error = Error::new(ErrorKind::DuplicateKey { key: diagnosis.id.clone() })
                    .note("each diagnosis needs its own `id`");
                self.error(error.at(self.location(&[Key("diagnoses"), Index(index), Key("id")])));
            }
            let place = Place { what: "a diagnosis", ..Place::GRID };
            let path = [Key("diagnoses"), Index(index), Key("when")];
            if let Some(when) = self.formula(&path, place, Type::Boolean, "`when`") {
                diagnoses.push(CheckedDiagnosis { when });
            }
            self.texts(index, "finding", Some(&diagnosis.finding));
            self.texts(index, "advice", diagnosis.advice.as_ref());
        }
        diagnoses
    }

    /// A diagnosis text compiles as a template, and names only what a cell has.
    fn texts(&mut self, index: usize, field: &'static str, text: Option<&Text>) {
        let Some(text) = text else { return };
        let env = crate::report::texts::new_environment(self.model.locale);
        for (locale, template) in crate::report::texts::variants(text) {
            let mut path = vec![Key("diagnoses"), Index(index), Key(field)];
            path.extend(locale.map(Key));
            let node = self.node(&path);
            let compiled = match env.template_from_str(template) {
                Ok(compiled) => compiled,
                Err(error) => {
                    let message = error.detail().unwrap_or("invalid template").to_string();
                    let location = node.value_location(error.range().unwrap_or(0..template.len()));
                    self.error(Error::new(ErrorKind::TemplateSyntax { message }).at(location));
                    continue;
                }
            };
            let mut unknown: Vec<String> = compiled
                .undeclared_variables(false)
                .into_iter()
                .filter(|name| {
                    self.names.lookup(name).is_none() && !crate::report::texts::CELL_VARIABLES.contains(&name.as_str())
                })
                .collect();
            unknown.sort();
            for name in unknown {
                let at = template.find(name.as_str()).unwrap_or(0);
                let mut candidates = self.names.names();
                candidates.extend(crate::report::texts::CELL_VARIABLES);
                let error = Error::new(ErrorKind::UnknownName { name: name.clone() })
                    .note("a diagnosis text can use the cell's KPIs, measures and attributes, `entity` and `period`")
                    .suggest(&name, candidates);
                self.error(error.at(node.value_location(at..at + name.len())));
            }
        }
    }

    fn cycle(&mut self, cycle: &[Ref]) {
        let path: Vec<String> = cycle.iter().map(ToString::to_string).collect();
        let (section, name) = match &cycle[0] {
            Ref::Measure(name) => ("measures", name),
            Ref::Kpi(name) => ("kpis", name),
            _ => unreachable!("only measures and KPIs have dependencies"),
        };
        let error = Error::new(ErrorKind::Cycle { path }).help("a formula cannot depend on its own value");
        self.error(error.at(self.key_location(&[Key(section)], name)));
    }
}

/// `attainment()`: value / target, uncapped, for KPIs with a target when `scoring.default` is not set.
fn default_attainment() -> Ir {
    use crate::expr::Function;
    let span = crate::expr::Span::default();
    let name = |reference| Some(Ir { node: IrNode::Ref(reference), span, ty: Type::Number });
    Ir {
        node: IrNode::Call(Function::Attainment, vec![name(Ref::Value), name(Ref::Target), None]),
        span,
        ty: Type::Number,
    }
}

/// Rounded to 6 decimals, and never `-0`.
fn round_for_message(value: f64) -> f64 {
    (value * 1e6).round() / 1e6 + 0.0
}
