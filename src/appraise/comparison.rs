//! How a KPI's value is compared with its target where people read it: as attainment (value
//! over target) only where that ratio means something — a positive target of a level, scored
//! by attainment — and as the variance to target everywhere else. A growth rate of 3.1%
//! against a target of 1.5% is not "202% attained", and a net growth of 22 against a target of
//! −12 is not "0%".

use crate::expr::ast::BinaryOp;
use crate::expr::{Function, Ir, IrNode, Ref};
use crate::locale::Locale;
use crate::ruleset::CheckedRuleset;

/// Whether a KPI's attainment is shown against `target`: the KPI is a level (not a change or
/// a rate of change since an earlier period), the target is above 0, and the score is its
/// attainment.
pub fn shows_attainment(ruleset: &CheckedRuleset, kpi: &str, target: Option<f64>) -> bool {
    target.is_some_and(|t| t > 0.0)
        && scored_by_attainment(ruleset, kpi)
        && !is_change(ruleset, &ruleset.kpis[kpi].formula.ir)
}

/// How a KPI is scored, in words for the client (no formula code), where it is not scored by
/// attainment: the rule a variance to target is read against.
pub fn scoring_rule(ruleset: &CheckedRuleset, kpi: &str, locale: Locale) -> Option<String> {
    let score = ruleset.kpis[kpi].score.as_ref()?;
    let rule = match &score.ir.node {
        IrNode::Call(Function::Attainment, _) => return None,
        IrNode::Call(Function::Linear, _) => {
            locale.pick("在两个界值之间线性计分", "scored on a straight line between two bounds")
        }
        IrNode::Call(Function::Bands, _) => locale.pick("按所在档位计分", "scored by the band the value falls in"),
        _ => locale.pick("按规则集中数值与目标的计分规则计分", "scored by the ruleset's own rule of value and target"),
    };
    Some(rule.to_string())
}

fn scored_by_attainment(ruleset: &CheckedRuleset, kpi: &str) -> bool {
    let score = ruleset.kpis[kpi].score.as_ref();
    score.is_some_and(|score| matches!(&score.ir.node, IrNode::Call(Function::Attainment, _)))
}

/// Whether a formula is a change since an earlier period: `change(x)`, `pct_change(x)`, or
/// written out as `x - prev(x)` or `(x - prev(x)) / prev(x)`, directly or through the measure
/// or KPI it names.
fn is_change(ruleset: &CheckedRuleset, ir: &Ir) -> bool {
    match &ir.node {
        IrNode::Call(Function::Change | Function::PctChange, _) => true,
        IrNode::Binary(BinaryOp::Sub, _, rhs) => reads_prev(rhs),
        IrNode::Binary(BinaryOp::Div | BinaryOp::Mul, lhs, _) => is_change(ruleset, lhs),
        IrNode::Ref(Ref::Kpi(name)) => is_change(ruleset, &ruleset.kpis[name].formula.ir),
        IrNode::Ref(Ref::Measure(name)) => is_change(ruleset, &ruleset.measures[name].ir),
        _ => false,
    }
}

fn reads_prev(ir: &Ir) -> bool {
    let mut found = false;
    ir.visit(&mut |node| found |= matches!(&node.node, IrNode::Call(Function::Prev, _)));
    found
}
