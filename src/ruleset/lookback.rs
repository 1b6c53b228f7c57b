//! Which earlier periods a KPI rests on: `pct_change(revenue)` reads the period before,
//! `pct_change(x, n = 12)` the one a year before and no other, `rolling_mean(x, 3)` the two
//! before, `to_date(x)` every earlier period of its year. A value whose base has days without
//! data is itself partial, and so is a comparison with it.

use std::collections::BTreeSet;

use super::CheckedRuleset;
use crate::expr::functions::{Family, Reach};
use crate::expr::{Ir, IrNode, Ref};

/// The earlier periods a value reads, counted back from its own (1: the period before).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Lookback {
    /// Each period read, by how many periods before its own.
    pub lags: BTreeSet<usize>,
    /// `(anchor, extra)` where a year to date is read: every period from `extra` periods before
    /// the first period of the year that the period `anchor` before this one is in.
    pub year: Option<(usize, usize)>,
}

impl Lookback {
    pub fn reads_earlier(&self) -> bool {
        !self.lags.is_empty() || self.year.is_some()
    }

    /// Both: what either reads (a year's reads joined into the wider of the two).
    pub fn union(mut self, other: Lookback) -> Lookback {
        self.lags.extend(other.lags);
        self.year = match (self.year, other.year) {
            (Some(a), Some(b)) => Some((a.0.max(b.0), a.1.max(b.1))),
            (a, b) => a.or(b),
        };
        self
    }

    /// What the value `shift` periods before reads, counted from this one, with that value
    /// itself.
    fn shifted(&self, shift: usize) -> Lookback {
        let lags = self.lags.iter().map(|lag| lag + shift).chain([shift]).filter(|lag| *lag > 0).collect();
        Lookback { lags, year: self.year.map(|(anchor, extra)| (anchor + shift, extra)) }
    }

    /// The indices of the periods read from the period at `at`, where `year_start(i)` is the
    /// index of the first period of the year of period `i`.
    pub fn periods(&self, at: usize, year_start: impl Fn(usize) -> usize) -> BTreeSet<usize> {
        let mut read: BTreeSet<usize> = self.lags.iter().filter_map(|lag| at.checked_sub(*lag)).collect();
        if let Some((anchor, extra)) = self.year {
            let first = at.checked_sub(anchor).map_or(0, |p| year_start(p).saturating_sub(extra));
            read.extend(first..at);
        }
        read
    }
}

impl CheckedRuleset {
    /// The earlier periods a KPI's value reads, through the measures and KPIs its formula names.
    pub fn value_reads(&self, kpi: &str) -> Lookback {
        self.lookback(&self.kpis[kpi].formula.ir)
    }

    /// The earlier periods a KPI's value, target and score read: what its score rests on (a
    /// target of `prev(reads)` reads the period before).
    pub fn periods_read(&self, kpi: &str) -> Lookback {
        self.kpis[kpi].formulas().map(|f| self.lookback(&f.ir)).fold(Lookback::default(), Lookback::union)
    }

    fn lookback(&self, ir: &Ir) -> Lookback {
        let inner = ir.children().into_iter().map(|c| self.lookback(c)).fold(Lookback::default(), Lookback::union);
        match &ir.node {
            IrNode::Ref(Ref::Measure(name)) => self.lookback(&self.measures[name].ir),
            IrNode::Ref(Ref::Kpi(name)) => self.lookback(&self.kpis[name].formula.ir),
            IrNode::Call(function, args) => {
                let Family::Period(reach) = function.family() else { return inner };
                // The checker admits only a count written out; `to_date` has none.
                let n = args.get(1).and_then(|n| n.as_ref()?.number()).map_or(0, |n| n as usize);
                match reach {
                    Reach::Lag => inner.shifted(n),
                    Reach::Window => (0..n).map(|j| inner.shifted(j)).fold(Lookback::default(), Lookback::union),
                    Reach::Year => {
                        let extra = inner.lags.iter().max().copied().unwrap_or(0);
                        Lookback { year: Some((0, extra)), ..inner }
                    }
                }
            }
            _ => inner,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Lookback;

    fn lags(lags: &[usize]) -> Lookback {
        Lookback { lags: lags.iter().copied().collect(), year: None }
    }

    #[test]
    fn a_lag_reads_only_the_period_it_names_and_a_window_the_ones_inside_it() {
        let value = Lookback::default();
        assert_eq!(value.shifted(12), lags(&[12]), "pct_change(x, n = 12)");
        let window = (0..3).map(|j| value.shifted(j)).fold(Lookback::default(), Lookback::union);
        assert_eq!(window, lags(&[1, 2]), "rolling_mean(x, 3)");
        // rolling_mean(prev(x), 3): the periods 1 to 3 before.
        let prev = value.shifted(1);
        let window = (0..3).map(|j| prev.shifted(j)).fold(Lookback::default(), Lookback::union);
        assert_eq!(window, lags(&[1, 2, 3]));
    }

    #[test]
    fn a_year_to_date_of_a_lag_reads_back_past_the_years_first_period() {
        // Months from January (index 0) to December (11) of one year, then the next year's.
        let year_start = |i: usize| i / 12 * 12;
        let to_date_of_prev = Lookback { lags: [1].into(), year: Some((0, 1)) };
        // In March (14) of the second year: December (11) to February (13).
        assert_eq!(to_date_of_prev.periods(14, year_start), [11, 12, 13].into());
        assert_eq!(lags(&[12]).periods(14, year_start), [2].into());
    }
}
