//! Checks a typed ruleset as a whole, before any data is read: every formula parses and
//! resolves, sources are configured consistently, scorecard weights name scorable KPIs and sum to
//! 100, nothing depends on itself. Every problem is reported, each at its place in the file.

use std::collections::HashMap;
use std::path::PathBuf;

use indexmap::IndexMap;

use super::checked::{Band, CheckedDiagnosis, CheckedKpi, CheckedRuleset, CheckedScorecard, CheckedTarget, Formula};
use super::load::Loaded;
use super::model::{
    Brand, ENTITY_PLACEHOLDER, Kpi, KpiBand, MIN_COVERAGE, Measure, Ruleset, Share, Source, SourceRole, Target, Text,
};
use super::namespace::RulesetNames;
use super::order::dependency_order;
use super::yaml::{Node, PathStep};
use crate::error::{Error, ErrorKind, Errors, Result};
use crate::expr::ast::{Expr, Name, Spanned};
use crate::expr::check::expect_type;
use crate::expr::{Condition, Function, Ir, IrNode, Namespace, Place, Ref, Span, SyntaxError, Type};
use crate::expr::{check, parse_condition, parse_formula};
use crate::location::Location;
use crate::texts;

use PathStep::{Index, Key};

/// Validates a loaded ruleset; `headers` are the column headers of the sources whose files
/// could be read, which lets formulas name unmapped columns.
pub fn validate(loaded: Loaded, base_dir: PathBuf, headers: &HashMap<String, Vec<String>>) -> Result<CheckedRuleset> {
    let Loaded { model, tree, problems, base_dir: home } = loaded;
    let names = RulesetNames::new(&model, headers);
    let mut validator = Validator { model: &model, tree: &tree, names: &names, errors: problems };
    validator.sources();
    validator.unique_names();
    let measures = validator.measures();
    let kpis = validator.kpis();
    let scorecards = validator.scorecards(&kpis);
    let grades = validator.grades();
    let diagnoses = validator.diagnoses();
    let checks = validator.checks();
    let filters = validator.filters();
    let competitors = validator.model.competitors.as_ref().and_then(|_| {
        let place = Place { what: "`competitors`", grid: false, ..Place::GRID };
        validator.formula(&[Key("competitors")], place, Type::Boolean, "`competitors`")
    });
    validator.rollups();
    validator.timezone();
    validator.brand();
    let order = match dependency_order(&measures, &kpis) {
        Ok(order) => order,
        Err(cycle) => {
            validator.cycle(&cycle, &measures, &kpis);
            Vec::new()
        }
    };
    let errors = validator.errors;
    let attributes = names.attributes;
    Errors::check(errors, ())?;
    let checked = CheckedRuleset {
        model,
        tree,
        base_dir,
        home,
        measures,
        kpis,
        order,
        attributes,
        scorecards,
        grades,
        diagnoses,
        checks,
        filters,
        competitors,
    };
    Errors::check(super::uses::check_rollups(&checked), checked)
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
    fn formula(&mut self, path: &[PathStep], place: Place, want: Type, what: &str) -> Option<Formula> {
        let node = self.node(path);
        match parse_formula(node.text().unwrap_or_default()) {
            Ok(parsed) => self.checked(node, &parsed, place, want, what),
            Err(syntax) => {
                self.syntax_error(node, syntax, None);
                None
            }
        }
    }

    /// A formula that does not parse; `help` says how it is written, for what it says rather
    /// than for its size.
    fn syntax_error(&mut self, node: &Node, syntax: SyntaxError, help: Option<&str>) {
        let error = match (syntax.too_large, help) {
            (true, _) => Error::new(ErrorKind::FormulaTooLarge { message: syntax.message })
                .help("split the formula: give its parts names of their own as measures or KPIs"),
            (false, Some(help)) => Error::new(ErrorKind::FormulaSyntax { message: syntax.message }).help(help),
            (false, None) => Error::new(ErrorKind::FormulaSyntax { message: syntax.message }),
        };
        self.error(error.at(node.value_location(syntax.span.range())));
    }

    fn checked(
        &mut self,
        node: &Node,
        parsed: &Spanned<Expr>,
        place: Place,
        want: Type,
        what: &str,
    ) -> Option<Formula> {
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
        Some(Formula::new(ir, node.clone()))
    }

    /// A band or grade condition: `otherwise`, `>= 30%` (the value compared), or a formula.
    fn condition(&mut self, path: &[PathStep], place: Place) -> Option<Band> {
        let node = self.node(path);
        let text = node.text().unwrap_or_default();
        let condition = match parse_condition(text) {
            Ok(condition) => condition,
            Err(syntax) => {
                let help = "write a condition like `>= 30%`, a formula of `value`, or `otherwise`";
                self.syntax_error(node, syntax, Some(help));
                return None;
            }
        };
        let formula = match condition.node {
            Condition::Otherwise => return Some(Band::Otherwise),
            Condition::Formula(Spanned { node: Expr::Number(_), span }) => {
                let kind = ErrorKind::WrongValueType {
                    expected: "a condition",
                    found: "a number",
                    what: "a band or grade".into(),
                };
                let help = format!("compare the value with it: `\">= {text}\"` or `\"<= {text}\"`", text = text.trim());
                self.error(Error::new(kind).help(help).at(node.value_location(span.range())));
                return None;
            }
            Condition::Formula(formula) => formula,
            Condition::Compared { op, rhs } => {
                let at = Span::new(condition.span.start, condition.span.start);
                let value = Spanned::new(Expr::Name(Name { source: None, name: "value".into() }), at);
                Spanned::new(Expr::Binary { op, lhs: Box::new(value), rhs: Box::new(rhs) }, condition.span)
            }
        };
        self.checked(node, &formula, place, Type::Boolean, "a condition").map(Band::When)
    }

    fn sources(&mut self) {
        for (name, source) in &self.model.sources {
            let invalid = |message: &str| {
                Error::new(ErrorKind::InvalidSource { source_name: name.clone(), message: message.to_string() })
            };
            let source_path = [Key("sources"), Key(name.as_str())];
            if let Some(table) = &source.table {
                self.table_source(name, source, table);
                continue;
            }
            match (source.path.is_empty(), source.parts.is_empty()) {
                (true, true) => {
                    let error = Error::new(ErrorKind::MissingKey { key: "path".into() })
                        .help("`path` names the source's files (or `parts`, for several exports written differently)");
                    self.error(error.at(self.key_location(&[Key("sources")], name)));
                    continue;
                }
                (false, false) => {
                    let error = invalid("`path` and `parts` both name files")
                        .help("keep one: `parts` gives each export its own `path`");
                    self.error(error.at(self.key_location(&source_path, "parts")));
                }
                _ => {}
            }
            // Each export as it is read: the source itself, or each part over it.
            for (index, part) in source.parts().iter().enumerate() {
                let place: Vec<PathStep> = match source.parts.is_empty() {
                    true => source_path.to_vec(),
                    false => [source_path.as_slice(), &[Key("parts"), PathStep::Index(index)]].concat(),
                };
                self.source_part(name, part, &place);
            }
            self.column_labels(name, source);
        }
    }

    /// A warehouse table: named by a schema and a table (or a table alone), each a plain name,
    /// and not also by files.
    fn table_source(&mut self, name: &str, source: &Source, table: &str) {
        let invalid = |message: &str| {
            Error::new(ErrorKind::InvalidSource { source_name: name.to_string(), message: message.to_string() })
        };
        let place = [Key("sources"), Key(name)];
        if !source.path.is_empty() || !source.parts.is_empty() {
            let key = if source.path.is_empty() { "parts" } else { "path" };
            let error = invalid("`table` and files both say where the rows are")
                .help("keep one: `table` for rows in a warehouse (read with --engine), `path` for files");
            self.error(error.at(self.key_location(&place, key)));
        }
        let parts: Vec<&str> = table.split('.').collect();
        if parts.len() > 3 || parts.iter().any(|part| part.trim().is_empty()) {
            let error = invalid("`table` names a table as `table`, `schema.table` or `catalog.schema.table`")
                .help("each part is a name, as the warehouse spells it: `analytics.wechat_users`");
            self.error(error.at(self.location(&[Key("sources"), Key(name), Key("table")])));
        }
        // A quoted name cannot write a control character as a literal can (`chr(0)`), and a
        // client would read NUL or a line end in the script as the end of something else.
        let names = [Some(table), source.date.as_deref(), source.entity.as_deref()].into_iter().flatten();
        if let Some(named) =
            names.chain(source.columns.values().map(String::as_str)).find(|n| n.chars().any(char::is_control))
        {
            let error = invalid(&format!("the name {named:?} holds a control character, which no warehouse name can"))
                .help("name the table and its columns as the warehouse spells them, without control characters");
            self.error(error.at(self.location(&place)));
        }
        self.entity_named_once(name, source, &place);
        self.column_labels(name, source);
    }

    /// Each table source's `where`: the condition its rows are read under.
    fn filters(&mut self) -> IndexMap<String, Formula> {
        let mut filters = IndexMap::new();
        for (name, source) in &self.model.sources {
            if source.filter.is_none() {
                continue;
            }
            let place = [Key("sources"), Key(name), Key("where")];
            if source.table.is_none() {
                let kind = ErrorKind::InvalidSource {
                    source_name: name.clone(),
                    message: "`where` chooses the rows of a warehouse `table`".to_string(),
                };
                let help = "a source of files reads every row; a measure's `where =` filters what it aggregates";
                self.error(Error::new(kind).help(help).at(self.key_location(&[Key("sources"), Key(name)], "where")));
                continue;
            }
            if let Some(formula) = self.formula(&place, Place::rows(name), Type::Boolean, "a condition") {
                filters.insert(name.clone(), formula);
            }
        }
        filters
    }

    /// Every column a source labels is one of its columns.
    fn column_labels(&mut self, name: &str, source: &Source) {
        let columns: Vec<String> = source.parts().into_iter().flat_map(|part| part.columns.into_keys()).collect();
        for column in source.labels.keys().filter(|c| !columns.contains(c)) {
            let kind = ErrorKind::UnknownColumn { source_name: name.to_string(), column: column.clone() };
            let error = Error::new(kind).suggest(column, columns.iter().map(String::as_str));
            self.error(error.at(self.key_location(&[Key("sources"), Key(name), Key("labels")], column)));
        }
    }

    /// One export of a source: it names the entity of its rows one way, its path and range are
    /// well written.
    fn source_part(&mut self, name: &str, part: &Source, place: &[PathStep]) {
        let invalid = |message: &str| {
            Error::new(ErrorKind::InvalidSource { source_name: name.to_string(), message: message.to_string() })
        };
        let at = |field: &'static str| [place, &[Key(field)]].concat();
        self.entity_named_once(name, part, place);
        if let Some(problem) = path_problem(&part.path) {
            self.error(invalid(&problem).at(self.location(&at("path"))));
        }
        if let Some(Err(problem)) = part.block() {
            self.error(invalid(&problem).at(self.location(&at("range"))));
        }
    }

    /// A source (or one export of it) names the entity of its rows one way: a column, one
    /// value, or (files only) `{entity}` in its path.
    fn entity_named_once(&mut self, name: &str, part: &Source, place: &[PathStep]) {
        let invalid = |message: &str| {
            Error::new(ErrorKind::InvalidSource { source_name: name.to_string(), message: message.to_string() })
        };
        let (rows, ways) = match part.table {
            Some(_) => ("table", "add `entity: COLUMN` (the column naming the entity) or `entity_value: NAME`"),
            None => (
                "file",
                "add `entity: HEADER` (the column naming the entity), `entity_value: NAME`, or `{entity}` in `path` for one file or folder per entity",
            ),
        };
        let needs_entity = self.model.source_role(name) != SourceRole::Targets || part.date.is_some();
        match (&part.entity, &part.entity_value, part.entity_from_path()) {
            (Some(_), Some(_), _) => {
                let error = invalid("`entity` and `entity_value` cannot both be set").help(format!(
                    "use `entity` for a column naming the entity, `entity_value` when the whole {rows} is one entity"
                ));
                self.error(error.at(self.key_location(place, "entity_value")));
            }
            (Some(_), None, true) | (None, Some(_), true) => {
                let error = invalid("`{entity}` in `path` and `entity` or `entity_value` both name the entity")
                    .help("keep one: `{entity}` in `path` takes each file's entity from its path");
                self.error(error.at(self.location(&[place, &[Key("path")]].concat())));
            }
            (None, None, false) if needs_entity => {
                let error = invalid("which entity do the rows belong to?").help(ways);
                let (owner, key) = place.split_at(place.len() - 1);
                let location = match key {
                    [Key(key)] => self.key_location(owner, key),
                    _ => self.location(place),
                };
                self.error(error.at(location));
            }
            _ => {}
        }
    }

    /// `grain.timezone` is a time zone of the IANA database, which every engine knows.
    fn timezone(&mut self) {
        let Some(zone) = &self.model.grain.timezone else { return };
        if zone.parse::<chrono_tz::Tz>().is_ok() {
            return;
        }
        let location = self.location(&[Key("grain"), Key("timezone")]);
        let known = chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name());
        let error = Error::new(ErrorKind::UnknownValue { value: zone.clone() }).at(location).suggest(zone, known);
        self.error(error.note("a time zone of the IANA database, such as `Asia/Shanghai` or `Europe/Berlin`"));
    }

    /// The brand's colours are `#RRGGBB` and its logo an image every report can show.
    fn brand(&mut self) {
        let Some(brand) = self.model.report.as_ref().and_then(|r| r.brand.as_ref()) else { return };
        let colours = brand.colours.clone().unwrap_or_default();
        for (key, colour) in [("primary", &colours.primary), ("accent", &colours.accent)] {
            let Some(colour) = colour.as_ref().filter(|c| !Brand::is_colour(c)) else { continue };
            let expected = "a colour written `#RRGGBB`, like `#1F4E79`".to_string();
            let error = Error::new(ErrorKind::WrongType { expected, found: format!("`{colour}`") });
            self.error(error.at(self.location(&[Key("report"), Key("brand"), Key("colours"), Key(key)])));
        }
        if let Some(logo) = brand.logo.as_ref().filter(|logo| Brand::logo_type(logo).is_none()) {
            let expected = "a PNG, JPEG or SVG file".to_string();
            let error = Error::new(ErrorKind::WrongType { expected, found: format!("`{logo}`") })
                .help("save the logo as `logo.png` or `logo.svg` beside the ruleset");
            self.error(error.at(self.location(&[Key("report"), Key("brand"), Key("logo")])));
        }
    }

    /// Every attribute rolled up by is an attribute of the ruleset.
    fn rollups(&mut self) {
        for (index, attribute) in self.model.rollups.iter().enumerate() {
            if !self.names.attributes.contains_key(attribute) {
                let known = self.names.attributes.keys().map(String::as_str);
                let error =
                    Error::new(ErrorKind::UnknownAttribute { name: attribute.clone() }).suggest(attribute, known);
                self.error(error.at(self.location(&[Key("rollups"), PathStep::Index(index)])));
            }
        }
    }

    /// Each dated source's `checks`: conditions on each of its rows.
    fn checks(&mut self) -> IndexMap<String, Vec<Formula>> {
        let mut checks = IndexMap::new();
        for (name, source) in &self.model.sources {
            if source.checks.is_empty() {
                continue;
            }
            if !source.is_dated() {
                let kind = ErrorKind::InvalidSource {
                    source_name: name.clone(),
                    message: "`checks` apply to the rows of a dated source".to_string(),
                };
                let help = "a source without `date` is a table of attributes; check its values in a formula";
                self.error(Error::new(kind).help(help).at(self.key_location(&[Key("sources"), Key(name)], "checks")));
                continue;
            }
            let path = |index| [Key("sources"), Key(name), Key("checks"), PathStep::Index(index)];
            let checked = (0..source.checks.len())
                .filter_map(|index| self.formula(&path(index), Place::rows(name), Type::Boolean, "a check"))
                .collect();
            checks.insert(name.clone(), checked);
        }
        checks
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
            let location = location.unwrap_or_else(|| self.location(&[Key("sources"), Key(&attribute.source)]));
            self.error(error.at(location));
        }
    }

    fn measures(&mut self) -> IndexMap<String, Formula> {
        let mut measures = IndexMap::new();
        for (name, measure) in &self.model.measures {
            let path: Vec<PathStep> = match measure {
                Measure::Formula(_) => vec![Key("measures"), Key(name)],
                Measure::Described(_) => vec![Key("measures"), Key(name), Key("formula")],
            };
            let place = Place { what: "a measure", ..Place::GRID };
            if let Some(formula) = self.formula(&path, place, Type::Any, "a measure") {
                measures.insert(name.clone(), formula);
            }
        }
        measures
    }

    fn kpis(&mut self) -> IndexMap<String, CheckedKpi> {
        let mut kpis = IndexMap::new();
        for (name, kpi) in &self.model.kpis {
            let place = Place { what: "a KPI formula", ..Place::GRID };
            let formula = self.formula(&[Key("kpis"), Key(name), Key("formula")], place, Type::Number, "a KPI formula");
            let target =
                kpi.target.as_ref().and_then(|target| self.target(&[Key("kpis"), Key(name), Key("target")], target));
            let longer = kpi.targets.iter().flat_map(|targets| targets.written().map(move |grain| (grain, targets)));
            let longer: Vec<_> = longer.collect();
            let targets = longer.into_iter().filter_map(|(grain, targets)| {
                let at = [Key("kpis"), Key(name), Key("targets"), Key(grain.name())];
                Some((grain.name(), self.target(&at, targets.of(grain)?)?))
            });
            let targets = targets.collect();
            let bands = self.bands(name, kpi);
            let score = self.score(name, kpi);
            if let Some(formula) = formula {
                kpis.insert(name.clone(), CheckedKpi { formula, target, targets, bands, score });
            }
        }
        kpis
    }

    /// The target written at `at`: `kpis.X.target`, or a longer period's `kpis.X.targets.quarter`.
    fn target(&mut self, at: &[PathStep], target: &Target) -> Option<CheckedTarget> {
        match target {
            Target::Table(table) => {
                if !self.model.sources.contains_key(&table.table) {
                    let error = Error::new(ErrorKind::UnknownSource { name: table.table.clone() })
                        .suggest(&table.table, self.model.sources.keys().map(String::as_str));
                    self.error(error.at(self.location(&[at, &[Key("table")]].concat())));
                }
                Some(CheckedTarget::Table(table.table.clone()))
            }
            Target::Formula(_) => {
                let place = Place { what: "a target", ..Place::GRID };
                self.formula(at, place, Type::Number, "a target").map(CheckedTarget::Formula)
            }
        }
    }

    fn bands(&mut self, name: &str, kpi: &Kpi) -> Vec<(String, Band)> {
        let place = Place { what: "a band", value: true, target: kpi.has_target(), targets: true, ..Place::GRID };
        let bands = kpi.bands.iter().map(|(band, written)| (band, matches!(written, KpiBand::Described(_))));
        self.conditions(&[Key("kpis"), Key(name), Key("bands")], bands, place)
    }

    /// Band or grade conditions, in order; one after `otherwise` could never match. Each name
    /// comes with whether its condition is written under `when:`.
    fn conditions<'k>(
        &mut self,
        path: &[PathStep],
        names: impl Iterator<Item = (&'k String, bool)>,
        place: Place,
    ) -> Vec<(String, Band)> {
        let mut conditions: Vec<(String, Band)> = Vec::new();
        for (name, under_when) in names {
            let mut at = path.to_vec();
            at.push(Key(name));
            if under_when {
                at.push(Key("when"));
            }
            let Some(condition) = self.condition(&at, place) else { continue };
            if let Some((otherwise, _)) = conditions.iter().find(|(_, c)| matches!(c, Band::Otherwise)) {
                let kind = ErrorKind::Unreachable { name: name.clone(), otherwise: otherwise.clone() };
                let help = "the first condition that holds wins: move `otherwise` to the end";
                self.error(Error::new(kind).help(help).at(self.key_location(path, name)));
            }
            conditions.push((name.clone(), condition));
        }
        conditions
    }

    /// The KPI's own `score:`; else, for a KPI with a target, `scoring.default` or, without
    /// one, `attainment()`.
    fn score(&mut self, name: &str, kpi: &Kpi) -> Option<Formula> {
        let band_names: Vec<String> = kpi.bands.keys().cloned().collect();
        let place = Place {
            what: "a score",
            targets: true,
            value: true,
            target: kpi.has_target(),
            bands: Some(&band_names),
            ..Place::GRID
        };
        let default = self.model.scoring.as_ref().and_then(|s| s.default.as_ref());
        match (&kpi.score, kpi.has_target(), default) {
            (Some(_), _, _) => self.formula(&[Key("kpis"), Key(name), Key("score")], place, Type::Number, "a score"),
            (None, true, Some(_)) => self.formula(&[Key("scoring"), Key("default")], place, Type::Number, "a score"),
            (None, true, None) => {
                let key = if kpi.target.is_some() { "target" } else { "targets" };
                let target = self.node(&[Key("kpis"), Key(name), Key(key)]);
                Some(Formula::new(default_attainment(), target.clone()))
            }
            (None, false, _) => None,
        }
    }

    fn scorecards(&mut self, kpis: &IndexMap<String, CheckedKpi>) -> IndexMap<String, CheckedScorecard> {
        let mut scorecards = IndexMap::new();
        for (name, scorecard) in &self.model.scorecards {
            self.weights(name, &scorecard.weights, kpis);
            let applies_to = scorecard.applies_to.as_ref().and_then(|_| {
                let place = Place { what: "`applies_to`", grid: false, ..Place::GRID };
                let path = [Key("scorecards"), Key(name), Key("applies_to")];
                self.formula(&path, place, Type::Boolean, "`applies_to`")
            });
            let min_coverage = self.min_coverage(name);
            let weights = scorecard.weights.clone();
            scorecards.insert(name.clone(), CheckedScorecard { applies_to, weights, min_coverage });
        }
        scorecards
    }

    /// The share of a scorecard's weight that must have a score for its total to be graded:
    /// its own `min_coverage`, else the `scoring:` one, else 2/3.
    fn min_coverage(&mut self, scorecard: &str) -> f64 {
        let own = self.model.scorecards[scorecard].min_coverage.as_ref();
        let path: Vec<PathStep> = match own {
            Some(_) => vec![Key("scorecards"), Key(scorecard), Key("min_coverage")],
            None => vec![Key("scoring"), Key("min_coverage")],
        };
        let Some(share) = own.or(self.model.scoring.as_ref().and_then(|s| s.min_coverage.as_ref())) else {
            return MIN_COVERAGE;
        };
        share.fraction().unwrap_or_else(|| {
            let found = match share {
                Share::Fraction(fraction) => format!("`{fraction}`"),
                Share::Written(text) => format!("`{text}`"),
            };
            let expected = "a share from 0 to 1, like `0.9` or `90%`".to_string();
            let error = Error::new(ErrorKind::WrongType { expected, found })
                .help("`min_coverage` is the share of the scorecard's weight that must have a score to be graded");
            self.error(error.at(self.location(&path)));
            MIN_COVERAGE
        })
    }

    /// Weights name KPIs that have a score, and sum to 100.
    fn weights(&mut self, scorecard: &str, weights: &IndexMap<String, f64>, kpis: &IndexMap<String, CheckedKpi>) {
        let weights_path = [Key("scorecards"), Key(scorecard), Key("weights")];
        for kpi in weights.keys() {
            let key = self.key_location(&weights_path, kpi);
            match (self.model.kpis.get(kpi), kpis.get(kpi)) {
                (None, _) => {
                    let error = Error::new(ErrorKind::UnknownKpi { name: kpi.clone() })
                        .suggest(kpi, self.model.kpis.keys().map(String::as_str));
                    self.error(error.at(key));
                }
                // A KPI with a `score` or `target` that failed its check is reported there.
                (Some(model), Some(checked))
                    if checked.score.is_none() && model.score.is_none() && !model.has_target() =>
                {
                    let error = Error::new(ErrorKind::UnscorableKpi { name: kpi.clone() })
                        .note(format!("`{kpi}` has neither a `target` nor a `score`, so it has no score to weight"))
                        .help(format!("give `{kpi}` a `target:` or a `score:`"));
                    self.error(error.at(key));
                }
                _ => {}
            }
        }
        for (kpi, weight) in weights.iter().filter(|(_, weight)| **weight < 0.0) {
            let kind = ErrorKind::NegativeWeight { kpi: kpi.clone(), weight: *weight };
            let mut path = weights_path.to_vec();
            path.push(Key(kpi));
            self.error(Error::new(kind).help("weights are points from 0 to 100").at(self.location(&path)));
        }
        let sum: f64 = weights.values().sum();
        if (sum - 100.0).abs() > 1e-6 {
            let kind = ErrorKind::WeightsDoNotSum { scorecard: scorecard.to_string(), sum: round_for_message(sum) };
            let error = Error::new(kind).help("weights are points: make them add up to 100");
            self.error(error.at(self.key_location(&[Key("scorecards"), Key(scorecard)], "weights")));
        }
    }

    fn grades(&mut self) -> Vec<(String, Band)> {
        let place = Place { what: "a grade", grid: false, attributes: false, value: true, ..Place::GRID };
        self.conditions(&[Key("grades")], self.model.grades.keys().map(|grade| (grade, false)), place)
    }

    fn diagnoses(&mut self) -> Vec<CheckedDiagnosis> {
        let mut seen: HashMap<&str, usize> = HashMap::new();
        let mut diagnoses = Vec::new();
        for (index, diagnosis) in self.model.diagnoses.iter().enumerate() {
            if seen.insert(&diagnosis.id, index).is_some() {
                let error = Error::new(ErrorKind::DuplicateDiagnosis { id: diagnosis.id.clone() })
                    .note("each diagnosis needs its own `id`");
                self.error(error.at(self.location(&[Key("diagnoses"), Index(index), Key("id")])));
            }
            let place = Place { what: "a diagnosis", targets: true, ..Place::GRID };
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
        let env = texts::environment(self.model.locale);
        for (locale, template) in text.variants() {
            let mut path = vec![Key("diagnoses"), Index(index), Key(field)];
            path.extend(locale.map(|locale| Key(locale.code())));
            let node = self.node(&path);
            match env.template_from_str(template) {
                Ok(compiled) => {
                    for (problem, span) in texts::unsupported(&env, &compiled) {
                        let error = Error::new(ErrorKind::NotInText { what: problem });
                        let help = "a text is a sentence with values: `{{ read_rate | pct }}`, and `{% if %}`";
                        self.error(error.help(help).at(node.value_location(span)));
                    }
                    self.text_variables(node, template, compiled.undeclared_variables(false));
                    self.text_targets(node, template);
                }
                Err(error) => {
                    let message = error.detail().unwrap_or("invalid template").to_string();
                    let location = node.value_location(error.range().unwrap_or(0..template.len()));
                    self.error(Error::new(ErrorKind::TemplateSyntax { message }).at(location));
                }
            }
        }
    }

    /// Every variable a text uses is a name of the ruleset or of the cell.
    fn text_variables(&mut self, node: &Node, template: &str, variables: impl IntoIterator<Item = String>) {
        let known = |name: &str| self.names.lookup(name).is_some() || texts::CELL_VARIABLES.contains(&name);
        let mut unknown: Vec<String> = variables.into_iter().filter(|name| !known(name)).collect();
        unknown.sort();
        for name in unknown {
            let at = template.find(name.as_str()).unwrap_or(0);
            let mut candidates = self.names.names();
            candidates.extend(texts::CELL_VARIABLES);
            let error = Error::new(ErrorKind::UnknownTextVariable { name: name.clone() })
                .note("a diagnosis text can use the cell's KPIs, measures and attributes, `entity`, `period` and `target.KPI`")
                .suggest(&name, candidates);
            self.error(error.at(node.value_location(at..at + name.len())));
        }
    }

    /// Every `target.NAME` of a text names a KPI: an unknown one would render as nothing.
    fn text_targets(&mut self, node: &Node, template: &str) {
        for (at, _) in template.match_indices("target.") {
            let preceded =
                template[..at].chars().next_back().is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.');
            let start = at + "target.".len();
            let end = template[start..]
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .map_or(template.len(), |e| start + e);
            let name = &template[start..end];
            if preceded || name.is_empty() || self.model.kpis.contains_key(name) {
                continue;
            }
            let error = Error::new(ErrorKind::UnknownTextVariable { name: format!("target.{name}") })
                .note("`target.KPI` is the target of a KPI of the ruleset")
                .suggest(name, self.model.kpis.keys().map(String::as_str));
            self.error(error.at(node.value_location(start..end)));
        }
    }

    /// A cycle `a → b → a`, at the reference that closes it: `a` in the formula of `b`.
    fn cycle(&mut self, cycle: &[Ref], measures: &IndexMap<String, Formula>, kpis: &IndexMap<String, CheckedKpi>) {
        let path: Vec<String> = cycle.iter().map(ToString::to_string).collect();
        let [.., closing_formula, closed] = cycle else { unreachable!("a cycle has at least two steps") };
        let formula = match closing_formula {
            Ref::Measure(name) => &measures[name],
            Ref::Kpi(name) => &kpis[name].formula,
            _ => unreachable!("only measures and KPIs have dependencies"),
        };
        let mut closing = None;
        formula.ir.visit(&mut |node| {
            if closing.is_none() && matches!(&node.node, IrNode::Ref(reference) if reference == closed) {
                closing = Some(node.span);
            }
        });
        let location = closing.map_or_else(|| formula.location(), |span| formula.location_at(span));
        let error = Error::new(ErrorKind::Cycle { path }).help("a formula cannot depend on its own value");
        self.error(error.at(location));
    }
}

/// What is wrong with a source's `path`, if anything: a glob that does not parse, a
/// placeholder other than `{entity}`, or `{entity}` twice.
fn path_problem(path: &str) -> Option<String> {
    if path.matches(ENTITY_PLACEHOLDER).count() > 1 {
        return Some(format!("`{ENTITY_PLACEHOLDER}` can appear once in `path`"));
    }
    let rest = path.replace(ENTITY_PLACEHOLDER, "*");
    if let Some(open) = rest.find('{') {
        let placeholder = rest[open..].split_inclusive('}').next().unwrap_or_default();
        return Some(format!("unknown placeholder `{placeholder}` in `path`; `{ENTITY_PLACEHOLDER}` is the only one"));
    }
    glob::Pattern::new(&rest).err().map(|problem| format!("`path` is not a valid pattern: {}", problem.msg))
}

/// `attainment()`: value / target, uncapped, for KPIs with a target when `scoring.default` is not set.
fn default_attainment() -> Ir {
    let span = Span::default();
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
