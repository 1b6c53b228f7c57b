//! Parts of KPI formulas computed as grid columns of their own, so that an explanation can
//! show the value of every part of a formula, not only of the whole.

use std::collections::{HashMap, HashSet};

use crate::compile::GridColumn;
use crate::expr::{Ir, IrNode, Ref};
use crate::ruleset::CheckedRuleset;

#[derive(Default)]
pub struct Probes {
    list: Vec<Ir>,
    /// A part's canonical text → its position in `list`.
    index: HashMap<String, usize>,
    /// The KPIs whose formulas are collected.
    kpis: HashSet<String>,
}

impl Probes {
    /// The parts of these KPIs' formulas, and of the KPIs they read.
    pub fn for_kpis<'a>(ruleset: &CheckedRuleset, kpis: impl IntoIterator<Item = &'a str>) -> Probes {
        let mut probes = Probes::default();
        for kpi in kpis {
            probes.collect_kpi(ruleset, kpi);
        }
        probes
    }

    /// Every part, in the order of their columns.
    pub fn formulas(&self) -> &[Ir] {
        &self.list
    }

    /// Whether the parts of `kpi`'s formula are among these.
    pub fn explain(&self, kpi: &str) -> bool {
        self.kpis.contains(kpi)
    }

    /// The column a part is computed into, if it is one of these.
    pub fn column(&self, ir: &Ir) -> Option<GridColumn<'static>> {
        self.index.get(&ir.to_string()).map(|index| GridColumn::Probe(*index))
    }

    fn collect_kpi(&mut self, ruleset: &CheckedRuleset, kpi: &str) {
        if self.kpis.insert(kpi.to_string()) {
            self.collect(ruleset, &ruleset.kpis[kpi].formula.ir);
        }
    }

    /// A part that is computed, not read from a column or written out, and the parts below it;
    /// an aggregation is one part.
    fn collect(&mut self, ruleset: &CheckedRuleset, ir: &Ir) {
        match &ir.node {
            IrNode::Ref(Ref::Kpi(name)) => self.collect_kpi(ruleset, name),
            IrNode::Number(_) | IrNode::String(_) | IrNode::Bool(_) | IrNode::Null | IrNode::Ref(_) => {}
            _ => {
                let key = ir.to_string();
                if !self.index.contains_key(&key) {
                    self.index.insert(key, self.list.len());
                    self.list.push(ir.clone());
                }
                if !matches!(ir.node, IrNode::Aggregate { .. }) {
                    ir.children().into_iter().for_each(|child| self.collect(ruleset, child));
                }
            }
        }
    }
}
