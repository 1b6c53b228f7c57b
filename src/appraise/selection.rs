//! Which cells of the grid to report: `--period` and `--entity`.

use super::cells::Cell;
use crate::engine::{Evaluation, Period};
use crate::error::{Error, ErrorKind, Result};

#[derive(Clone, Debug, Default)]
pub struct Selection {
    pub period: Option<Period>,
    pub entity: Option<String>,
}

impl Selection {
    /// The period must be inside the data and the entity must exist.
    pub fn validate(&self, evaluation: &Evaluation) -> Result<()> {
        if let Some(period) = self.period
            && !evaluation.periods.contains(&period)
        {
            let first = evaluation.periods.first().map(|p| p.label()).unwrap_or_default();
            let last = evaluation.periods.last().map(|p| p.label()).unwrap_or_default();
            return Err(Error::new(ErrorKind::PeriodOutsideData { period: period.label(), first, last }).into());
        }
        if let Some(entity) = &self.entity
            && !evaluation.entities.contains(entity)
        {
            let error = Error::new(ErrorKind::UnknownEntity { entity: entity.clone() })
                .suggest(entity, evaluation.entities.iter().map(String::as_str));
            return Err(error.into());
        }
        Ok(())
    }

    pub fn periods<'a>(&'a self, evaluation: &'a Evaluation) -> impl Iterator<Item = Period> + 'a {
        evaluation.periods.iter().copied().filter(|p| self.period.is_none_or(|wanted| wanted == *p))
    }

    /// The selected cells, by entity then period.
    pub fn cells<'a>(&'a self, evaluation: &'a Evaluation) -> Vec<Cell<'a>> {
        let mut cells = Vec::new();
        for (e, entity) in evaluation.entities.iter().enumerate() {
            if self.entity.as_ref().is_some_and(|wanted| wanted != entity) {
                continue;
            }
            for (p, period) in evaluation.periods.iter().enumerate() {
                if self.period.is_none_or(|wanted| wanted == *period) {
                    cells.push(Cell::new(evaluation, e, p));
                }
            }
        }
        cells
    }
}
