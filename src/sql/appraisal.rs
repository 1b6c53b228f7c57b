//! The computed columns of the grid, as the polars engine's layers compute them (engine/
//! formulas.rs, scoring.rs, scorecards.rs): measures and KPIs, targets, each KPI's
//! attainment, band and score, competitors, diagnoses, scorecards' weights, totals, grades and
//! ranks; and the tables of the JSON contract read from the grid.

use chrono::NaiveDate;

use super::dialect::Dialect;
use super::formula::{self, Aggregations, Columns, Sql, Subject};
use super::{GRID_VIEW, quoted};
use crate::compile::GridColumn;
use crate::expr::{Better, Ref, Type};
use crate::ruleset::CheckedRuleset;
use crate::ruleset::checked::{Band, CheckedTarget};
use crate::ruleset::model::{COVERAGE_TOLERANCE, MissingPolicy};

pub fn columns(ruleset: &CheckedRuleset, aggregations: &Aggregations, columns: &mut Columns) {
    for reference in &ruleset.order {
        let (name, formula, ty) = match reference {
            Ref::Measure(name) => (name, &ruleset.measures[name], ruleset.measures[name].ir.ty),
            Ref::Kpi(name) => (name, &ruleset.kpis[name].formula, Type::Number),
            _ => continue,
        };
        let value = formula::grid(&formula.ir, columns, aggregations, None);
        let ty = if ty == Type::Number { Type::Number } else { Type::Any };
        columns.define(GridColumn::Value(name), value, ty);
    }
    for (name, kpi) in &ruleset.kpis {
        let target = match &kpi.target {
            Some(CheckedTarget::Formula(target)) => formula::grid(&target.ir, columns, aggregations, None),
            // Joined onto the grid from its table.
            Some(CheckedTarget::Table(_)) => continue,
            None => formula::null(columns.dialect),
        };
        columns.define(GridColumn::Target(name), target, Type::Number);
    }
    for name in ruleset.kpis.keys() {
        kpi_appraisal(ruleset, aggregations, columns, name);
    }
    let competitor = match &ruleset.competitors {
        Some(formula) => holds(formula::grid(&formula.ir, columns, aggregations, None)),
        None => Sql::literal("FALSE"),
    };
    columns.define(GridColumn::Competitor, competitor, Type::Boolean);
    let client = |columns: &Columns| {
        let competitor = columns.read(GridColumn::Competitor);
        Sql::new(format!("(NOT {})", competitor.text), competitor.stage)
    };
    for (index, diagnosis) in ruleset.diagnoses.iter().enumerate() {
        let when = formula::grid(&diagnosis.when.ir, columns, aggregations, None);
        let when = columns.once(when);
        let assessed = Sql::new(format!("({} IS NOT NULL)", when.text), when.stage);
        let fires = both(holds(when), client(columns));
        columns.define(GridColumn::Fired(index), fires, Type::Boolean);
        columns.define(GridColumn::Assessed(index), assessed, Type::Boolean);
    }
    for (name, scorecard) in &ruleset.scorecards {
        let applies = match &scorecard.applies_to {
            Some(formula) => both(holds(formula::grid(&formula.ir, columns, aggregations, None)), client(columns)),
            None => client(columns),
        };
        columns.define(GridColumn::Applies(name), applies, Type::Boolean);
        let policy = ruleset.model.scorecards[name].missing;
        scorecard_total(columns, name, &scorecard.weights, policy);
        let total = GridColumn::Total(name);
        let subject = Subject { value: total, target: None, better: Better::Higher, bands: &[] };
        let grades = conditions(&ruleset.grades, columns, aggregations, &subject);
        let graded = enough(columns, name, scorecard.min_coverage);
        let grade = band_name(columns, total, &grades);
        let stage = grade.stage.max(graded.stage);
        let grade = Sql::new(format!("CASE WHEN {} THEN {} END", graded.text, grade.text), stage);
        columns.define(GridColumn::Grade(name), grade, Type::String);
        standing(columns, name, &graded);
    }
}

/// A KPI's attainment (value over target, capped as its score is), band and score.
fn kpi_appraisal(ruleset: &CheckedRuleset, aggregations: &Aggregations, columns: &mut Columns, name: &str) {
    let kpi = &ruleset.kpis[name];
    let d = columns.dialect;
    let better = ruleset.model.kpis[name].better;
    let (value, target) = (GridColumn::Value(name), GridColumn::Target(name));
    let has_target = kpi.target.is_some();
    let attainment = match has_target {
        true => {
            let (v, t) = (columns.read(value), columns.read(target));
            let cap = kpi.attainment_cap().map(|cap| d.number(cap));
            let text = formula::attainment(d, &v.text, &t.text, cap.as_deref(), better);
            Sql::new(text, v.stage.max(t.stage))
        }
        false => formula::null(d),
    };
    columns.define(GridColumn::Attainment(name), attainment, Type::Number);
    let subject = Subject { value, target: has_target.then_some(target), better, bands: &[] };
    let bands = conditions(&kpi.bands, columns, aggregations, &subject);
    let band = band_name(columns, value, &bands);
    columns.define(GridColumn::Band(name), band, Type::String);
    let banded = Subject { bands: &bands, ..subject };
    let score = match &kpi.score {
        Some(score) => formula::grid(&score.ir, columns, aggregations, Some(&banded)),
        None => formula::null(d),
    };
    columns.define(GridColumn::Score(name), score, Type::Number);
}

/// Whether each band (or grade) holds, by its name; a null condition does not hold.
fn conditions(
    bands: &[(String, Band)],
    columns: &mut Columns,
    aggregations: &Aggregations,
    subject: &Subject,
) -> Vec<(String, Sql)> {
    let mut holding = |condition: &Band| match condition {
        Band::When(formula) => holds(formula::grid(&formula.ir, columns, aggregations, Some(subject))),
        Band::Otherwise => Sql::literal("TRUE"),
    };
    bands.iter().map(|(band, condition)| (band.clone(), holding(condition))).collect()
}

/// The name of the first band (or grade) that holds; null for a null value.
fn band_name(columns: &Columns, value: GridColumn, bands: &[(String, Sql)]) -> Sql {
    let d = columns.dialect;
    let value = columns.read(value);
    let mut text = format!("CASE WHEN {} IS NULL THEN NULL", value.text);
    let mut stage = value.stage;
    for (band, condition) in bands {
        text += &format!(" WHEN {} THEN {}", condition.text, d.text(band));
        stage = stage.max(condition.stage);
    }
    text += &format!(" ELSE CAST(NULL AS {}) END", d.string());
    Sql::new(text, stage)
}

/// A scorecard's weights in the cell and its total: Σ weight × score / 100, the weights of
/// the KPIs with a score scaled up to 100 (`renormalize`), a missing score counted as 0
/// (`zero`), or no total when one is missing (`fail`).
fn scorecard_total(
    columns: &mut Columns,
    name: &str,
    weights: &indexmap::IndexMap<String, f64>,
    policy: MissingPolicy,
) {
    let d = columns.dialect;
    let scores: Vec<(Sql, f64)> =
        weights.iter().map(|(kpi, weight)| (columns.read(GridColumn::Score(kpi)), *weight)).collect();
    let stage = scores.iter().map(|(score, _)| score.stage).max().unwrap_or(1);
    let scored = scores
        .iter()
        .map(|(score, weight)| format!("CASE WHEN {} IS NOT NULL THEN {} ELSE 0 END", score.text, d.number(*weight)))
        .collect::<Vec<_>>()
        .join(" + ");
    // The points of the KPIs that have a score, which the coverage, the weights and the total
    // read.
    let column = columns.once(Sql::new(scored, stage));
    let (scored, stage) = (column.text, column.stage);
    let whole: f64 = weights.values().sum();
    let coverage = Sql::new(format!("({scored}) / {}", d.number(whole)), stage);
    columns.define(GridColumn::Coverage(name), coverage, Type::Number);
    let sum = scores
        .iter()
        .map(|(score, weight)| format!("coalesce({} * {}, 0)", score.text, d.number(weight / 100.0)))
        .collect::<Vec<_>>()
        .join(" + ");
    let hundred = d.number(100.0);
    let at = |text: String| Sql::new(text, stage);
    for (kpi, weight) in weights {
        let weight = match policy {
            MissingPolicy::Renormalize => format!("{} * {hundred} / NULLIF({scored}, 0)", d.number(*weight)),
            MissingPolicy::Zero | MissingPolicy::Fail => d.number(*weight),
        };
        columns.define(GridColumn::Weight { scorecard: name, kpi }, at(weight), Type::Number);
    }
    let total = match policy {
        MissingPolicy::Renormalize => format!("({sum}) * {hundred} / NULLIF({scored}, 0)"),
        MissingPolicy::Zero => format!("({sum})"),
        MissingPolicy::Fail => format!("CASE WHEN ({scored}) = {hundred} THEN ({sum}) END"),
    };
    columns.define(GridColumn::Total(name), at(total), Type::Number);
}

/// Whether enough of a scorecard's weight has a score for its total to be graded, as the
/// polars engine decides it.
fn enough(columns: &Columns, name: &str, min_coverage: f64) -> Sql {
    let d = columns.dialect;
    let coverage = columns.read(GridColumn::Coverage(name));
    let tolerance = d.number(COVERAGE_TOLERANCE);
    Sql::new(format!("coalesce({} + {tolerance} >= {}, FALSE)", coverage.text, d.number(min_coverage)), coverage.stage)
}

/// The entity's rank by a scorecard's total among the entities of its period it applies to
/// and is graded in (1 for the highest, ties sharing the better rank), and how many are ranked.
fn standing(columns: &mut Columns, name: &str, graded: &Sql) {
    let d = columns.dialect;
    let (applies, total) = (columns.read(GridColumn::Applies(name)), columns.read(GridColumn::Total(name)));
    let stage = applies.stage.max(total.stage).max(graded.stage);
    let ranked = format!("CASE WHEN {} AND {} THEN {} END", applies.text, graded.text, total.text);
    let period = format!("PARTITION BY {}", quoted(d, GridColumn::Period));
    let double = d.double();
    let rank = format!(
        "CASE WHEN {ranked} IS NOT NULL THEN CAST(rank() OVER ({period} ORDER BY {ranked} DESC NULLS LAST) AS {double}) END"
    );
    let count = format!("CAST(count({ranked}) OVER ({period}) AS {double})");
    columns.define(GridColumn::Rank(name), Sql::new(rank, stage), Type::Number);
    columns.define(GridColumn::Ranked(name), Sql::new(count, stage), Type::Number);
}

/// A condition that holds: false where it is null.
fn holds(condition: Sql) -> Sql {
    Sql::new(format!("coalesce({}, FALSE)", condition.text), condition.stage)
}

fn both(a: Sql, b: Sql) -> Sql {
    let stage = a.stage.max(b.stage);
    Sql::new(format!("({} AND {})", a.text, b.text), stage)
}

/// The tables of the JSON contract, read from the grid view: the KPIs' results, the
/// scorecards of the entities they apply to, and the diagnoses that fire. In `period` only,
/// when given; sorted by entity, period, then declaration order.
pub fn tables(ruleset: &CheckedRuleset, d: Dialect, period: Option<NaiveDate>) -> Vec<String> {
    let grain = ruleset.model.grain.period;
    let at = quoted(d, GridColumn::Period);
    let label = d.label(grain, &at);
    let entity = quoted(d, GridColumn::Entity);
    let within = period.map_or_else(String::new, |start| format!(" AND {at} = {}", d.date(start)));
    let union = |rows: Vec<String>, columns: &str| {
        format!(
            "SELECT {columns}\nFROM (\n  {}\n) AS rows_of_the_table\nORDER BY entity, period_start, declared",
            rows.join("\n  UNION ALL\n  ")
        )
    };
    let kpis = ruleset.kpis.keys().enumerate().map(|(index, kpi)| {
        let [value, target, attainment, score, band] = [
            GridColumn::Value(kpi),
            GridColumn::Target(kpi),
            GridColumn::Attainment(kpi),
            GridColumn::Score(kpi),
            GridColumn::Band(kpi),
        ]
        .map(|column| quoted(d, column));
        format!(
            "SELECT {entity} AS entity, {at} AS period_start, {label} AS period, {} AS kpi, {value} AS value, {target} AS target, {attainment} AS attainment, {score} AS score, {band} AS band, {index} AS declared FROM {GRID_VIEW} WHERE TRUE{within}",
            d.text(kpi)
        )
    });
    let scorecards = ruleset.scorecards.keys().enumerate().map(|(index, scorecard)| {
        let [applies, total, grade] =
            [GridColumn::Applies(scorecard), GridColumn::Total(scorecard), GridColumn::Grade(scorecard)]
                .map(|column| quoted(d, column));
        format!(
            "SELECT {entity} AS entity, {at} AS period_start, {label} AS period, {} AS scorecard, {total} AS score, {grade} AS grade, {index} AS declared FROM {GRID_VIEW} WHERE {applies}{within}",
            d.text(scorecard)
        )
    });
    let diagnoses = ruleset.model.diagnoses.iter().enumerate().map(|(index, written)| {
        format!(
            "SELECT {entity} AS entity, {at} AS period_start, {label} AS period, {} AS id, {} AS severity, {index} AS declared FROM {GRID_VIEW} WHERE {}{within}",
            d.text(&written.id),
            d.text(written.severity.name()),
            quoted(d, GridColumn::Fired(index))
        )
    });
    let mut tables = vec![union(kpis.collect(), "entity, period, kpi, value, target, attainment, score, band")];
    if !ruleset.scorecards.is_empty() {
        tables.push(union(scorecards.collect(), "entity, period, scorecard, score, grade"));
    }
    if !ruleset.diagnoses.is_empty() {
        tables.push(union(diagnoses.collect(), "entity, period, id, severity"));
    }
    tables
}
