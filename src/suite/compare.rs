//! Expectations against what a case's appraisal gave: each failing one says what was expected
//! and what came out, in the KPI's format and at full precision, at its YAML line.

use std::collections::BTreeSet;

use super::file::{Expectation, Expected, KpiPart, ScorecardPart, TestCase, Want};
use super::run::Ran;
use crate::format::{self, ValueFormat};
use crate::location::Location;

/// An expectation that did not hold.
#[derive(Debug, Clone)]
pub struct Failure {
    pub location: Location,
    pub message: String,
}

/// How far apart two numbers may be and still be equal: their last digits, not their meaning.
const EXACT: f64 = 1e-9;

pub fn expectations(case: &TestCase, ran: &Ran) -> Vec<Failure> {
    let period = ran.period.map(|p| p.label()).unwrap_or_default();
    case.expectations
        .iter()
        .filter_map(|expectation| {
            check(expectation, ran, &period)
                .err()
                .map(|message| Failure { location: expectation.location.clone(), message })
        })
        .collect()
}

fn check(expectation: &Expectation, ran: &Ran, period: &str) -> Result<(), String> {
    let entity = expectation.entity.as_str();
    if !ran.evaluation.entities.iter().any(|e| e == entity) {
        let known = ran.evaluation.entities.iter().map(|e| format!("`{e}`")).collect::<Vec<_>>().join(", ");
        return Err(format!("no entity `{entity}` in the case's rows (they have {known})"));
    }
    match &expectation.expected {
        Expected::Kpi { kpi, part, want } => kpi_part(ran, entity, period, kpi, *part, want),
        Expected::Scorecard { scorecard, part, want } => scorecard_part(ran, entity, period, scorecard, *part, want),
        Expected::Diagnoses(ids) => {
            let fired = ran.appraisal.diagnoses.iter().filter(|d| d.entity == entity && d.period == period);
            same_set("diagnoses", entity, ids, fired.map(|d| d.id.clone()).collect())
        }
        Expected::Quality(kinds) => {
            let notes = ran.appraisal.quality.iter().filter(|q| q.entity.as_deref() == Some(entity));
            same_set("data-quality notes", entity, kinds, notes.map(|q| q.kind.to_string()).collect())
        }
    }
}

fn kpi_part(ran: &Ran, entity: &str, period: &str, kpi: &str, part: KpiPart, want: &Want) -> Result<(), String> {
    let Some(model) = ran.ruleset.model.kpis.get(kpi) else {
        let near = crate::suggest::nearest(kpi, ran.ruleset.model.kpis.keys().map(String::as_str));
        return Err(format!(
            "no KPI `{kpi}` in the ruleset{}",
            near.map(|n| format!("; did you mean `{n}`?")).unwrap_or_default()
        ));
    };
    let result = ran.appraisal.results.iter().find(|r| r.entity == entity && r.period == period && r.kpi == kpi);
    let Some(result) = result else { return Err(format!("no result for `{kpi}` of `{entity}` in {period}")) };
    let locale = ran.ruleset.model.locale;
    let (what, actual, shown_as) = match part {
        KpiPart::Value => ("value", result.value, model.format),
        KpiPart::Target => ("target", result.target, model.format),
        KpiPart::Score => ("score", result.score, ValueFormat::Number),
        KpiPart::Band => return text("band", kpi, entity, want, result.band.as_deref()),
    };
    number(&format!("{what} of `{kpi}` for `{entity}`"), want, actual, |v| {
        format::value(Some(v), shown_as, model.decimals, locale)
    })
}

fn scorecard_part(
    ran: &Ran,
    entity: &str,
    period: &str,
    scorecard: &str,
    part: ScorecardPart,
    want: &Want,
) -> Result<(), String> {
    if !ran.ruleset.model.scorecards.contains_key(scorecard) {
        let near = crate::suggest::nearest(scorecard, ran.ruleset.model.scorecards.keys().map(String::as_str));
        return Err(format!(
            "no scorecard `{scorecard}` in the ruleset{}",
            near.map(|n| format!("; did you mean `{n}`?")).unwrap_or_default()
        ));
    }
    let result =
        ran.appraisal.scorecards.iter().find(|s| s.entity == entity && s.period == period && s.scorecard == scorecard);
    match part {
        ScorecardPart::Grade => text("grade", scorecard, entity, want, result.and_then(|r| r.grade.as_deref())),
        ScorecardPart::Total => {
            let shown = |v: f64| format::fixed(v, 1);
            number(&format!("total of `{scorecard}` for `{entity}`"), want, result.and_then(|r| r.score), shown)
        }
    }
}

fn number(what: &str, want: &Want, actual: Option<f64>, shown: impl Fn(f64) -> String) -> Result<(), String> {
    let both = |v: Option<f64>| match v {
        Some(v) => format!("{} ({v})", shown(v)),
        None => "no data".to_string(),
    };
    let holds = match (want, actual) {
        (Want::Number(None), None) => true,
        (Want::Number(Some(expected)), Some(actual)) => (expected - actual).abs() <= EXACT * expected.abs().max(1.0),
        (Want::Approx { value, tolerance }, Some(actual)) => (value - actual).abs() <= *tolerance + EXACT,
        _ => false,
    };
    if holds {
        return Ok(());
    }
    let expected = match want {
        Want::Number(n) => both(*n),
        Want::Approx { value, tolerance } => format!("{} ± {tolerance}", both(Some(*value))),
        Want::Text(t) => t.clone().unwrap_or_else(|| "none".into()),
    };
    Err(format!("{what}: expected {expected}, got {}", both(actual)))
}

fn text(what: &str, of: &str, entity: &str, want: &Want, actual: Option<&str>) -> Result<(), String> {
    let expected = match want {
        Want::Text(t) => t.as_deref(),
        _ => return Err(format!("{what} of `{of}` for `{entity}`: expected a {what} name")),
    };
    if expected == actual {
        return Ok(());
    }
    let shown = |t: Option<&str>| t.map_or_else(|| "none".to_string(), |t| format!("`{t}`"));
    Err(format!("{what} of `{of}` for `{entity}`: expected {}, got {}", shown(expected), shown(actual)))
}

/// Exactly the `expected` ids, listing those missing and those not expected.
fn same_set(what: &str, entity: &str, expected: &[String], actual: BTreeSet<String>) -> Result<(), String> {
    let expected: BTreeSet<String> = expected.iter().cloned().collect();
    if expected == actual {
        return Ok(());
    }
    let list = |ids: Vec<&String>| ids.iter().map(|id| format!("`{id}`")).collect::<Vec<_>>().join(", ");
    let missing: Vec<&String> = expected.difference(&actual).collect();
    let extra: Vec<&String> = actual.difference(&expected).collect();
    let mut parts = Vec::new();
    if !missing.is_empty() {
        parts.push(format!("expected but absent: {}", list(missing)));
    }
    if !extra.is_empty() {
        parts.push(format!("present but not expected: {}", list(extra)));
    }
    Err(format!("{what} of `{entity}`: {}", parts.join("; ")))
}
