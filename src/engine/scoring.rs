//! What each KPI's value and target give: its attainment, band and score; and which
//! diagnoses fire.

use polars::prelude::*;

use super::aggregates::Aggregates;
use super::layers::{Computed, Layer};
use crate::compile::{self, Context, GridColumn, Subject};
use crate::ruleset::CheckedRuleset;
use crate::ruleset::checked::{Band, CheckedKpi};

/// Every KPI's attainment, band and score, and every diagnosis.
pub fn appraisal<'a>(ruleset: &'a CheckedRuleset, aggregates: &Aggregates) -> Layer<'a> {
    let mut layer = Vec::new();
    for (name, kpi) in &ruleset.kpis {
        layer.extend(kpi_appraisal(ruleset, aggregates, name, kpi));
    }
    let context = Context::plain(aggregates);
    let client = competitor(ruleset, aggregates).not();
    layer.push(Computed::engine(competitor(ruleset, aggregates).alias(GridColumn::Competitor.name())));
    for (index, diagnosis) in ruleset.diagnoses.iter().enumerate() {
        // Diagnoses and their advice are for the client's entities, not its competitors.
        let when = compile::compile(&diagnosis.when.ir, &context);
        let fires = when.clone().fill_null(lit(false)).and(client.clone());
        layer.push(Computed::of(&diagnosis.when, fires.alias(GridColumn::Fired(index).name())));
        layer.push(Computed::of(&diagnosis.when, when.is_not_null().alias(GridColumn::Assessed(index).name())));
    }
    layer
}

/// Whether an entity is a competitor: the ruleset's `competitors` holds for its attributes.
pub fn competitor(ruleset: &CheckedRuleset, aggregates: &Aggregates) -> Expr {
    match &ruleset.competitors {
        Some(formula) => compile::compile(&formula.ir, &Context::plain(aggregates)).fill_null(lit(false)),
        None => lit(false),
    }
}

fn kpi_appraisal<'a>(
    ruleset: &CheckedRuleset,
    aggregates: &Aggregates,
    name: &str,
    kpi: &'a CheckedKpi,
) -> [Computed<'a>; 3] {
    let better = ruleset.model.kpis[name].better;
    let has_target = kpi.target.is_some();
    let unbanded = Context { aggregates, subject: Some(Subject::kpi(name, better, has_target, &[])) };
    let bands: Vec<(String, Expr)> =
        kpi.bands.iter().map(|(band, condition)| (band.clone(), holds(condition, &unbanded))).collect();
    let (value, target) = (GridColumn::Value(name).col(), GridColumn::Target(name).col());
    let attainment = match has_target {
        true => compile::attainment(value.clone(), target, kpi.attainment_cap().map(lit), better),
        false => compile::null(),
    };
    let banded = Context { aggregates, subject: Some(Subject::kpi(name, better, has_target, &bands)) };
    let score = match &kpi.score {
        Some(score) => Computed::of(score, compile::compile(&score.ir, &banded).cast(DataType::Float64)),
        None => Computed::engine(compile::null()),
    };
    let first_band = kpi.bands.iter().find_map(|(_, band)| band.formula());
    [
        Computed::engine(attainment.alias(GridColumn::Attainment(name).name())),
        Computed { expr: band_name(value, &bands).alias(GridColumn::Band(name).name()), formula: first_band },
        Computed { expr: score.expr.alias(GridColumn::Score(name).name()), formula: score.formula },
    ]
}

/// Whether a band or grade condition holds; a null condition does not.
pub fn holds(condition: &Band, context: &Context) -> Expr {
    match condition {
        Band::When(formula) => compile::compile(&formula.ir, context).fill_null(lit(false)),
        Band::Otherwise => lit(true),
    }
}

/// The name of the first band (or grade) whose condition holds; null for a null value.
pub fn band_name(value: Expr, bands: &[(String, Expr)]) -> Expr {
    let name = bands.iter().rev().fold(compile::null_text(), |rest, (band, condition)| {
        when(condition.clone()).then(lit(band.clone())).otherwise(rest)
    });
    when(value.is_null()).then(compile::null_text()).otherwise(name)
}
