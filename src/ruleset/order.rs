//! The order measures and KPIs are computed in, and dependency cycles.

use indexmap::{IndexMap, IndexSet};

use super::checked::{CheckedKpi, Formula};
use crate::expr::{Ir, Ref};

/// Measures and KPIs, each after everything it reads, in declaration order otherwise; or the
/// first cycle found, as a path that starts and ends at the same name.
pub fn dependency_order(
    measures: &IndexMap<String, Formula>,
    kpis: &IndexMap<String, CheckedKpi>,
) -> Result<Vec<Ref>, Vec<Ref>> {
    let formula = |reference: &Ref| match reference {
        Ref::Measure(name) => measures.get(name).map(|measure| &measure.ir),
        Ref::Kpi(name) => kpis.get(name).map(|kpi| &kpi.formula.ir),
        _ => None,
    };
    let all = measures.keys().map(|n| Ref::Measure(n.clone())).chain(kpis.keys().map(|n| Ref::Kpi(n.clone())));
    let mut done: IndexSet<Ref> = IndexSet::new();
    for start in all {
        let mut path: Vec<Ref> = Vec::new();
        visit(start, &formula, &mut done, &mut path)?;
    }
    Ok(done.into_iter().collect())
}

fn visit<'a>(
    node: Ref,
    formula: &impl Fn(&Ref) -> Option<&'a Ir>,
    done: &mut IndexSet<Ref>,
    path: &mut Vec<Ref>,
) -> Result<(), Vec<Ref>> {
    if done.contains(&node) {
        return Ok(());
    }
    if let Some(at) = path.iter().position(|r| *r == node) {
        let mut cycle = path[at..].to_vec();
        cycle.push(node);
        return Err(cycle);
    }
    path.push(node.clone());
    if let Some(ir) = formula(&node) {
        for dependency in ir.refs() {
            if matches!(dependency, Ref::Measure(_) | Ref::Kpi(_)) {
                visit(dependency.clone(), formula, done, path)?;
            }
        }
    }
    path.pop();
    done.insert(node);
    Ok(())
}
