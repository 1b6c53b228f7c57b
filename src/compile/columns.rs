//! The columns of the frames the engine builds: a source's rows, and the grid of every entity ×
//! every period. Their names are written here only; everyone else names a column by its kind.
//! Every name has a prefix that no user name has, so no user name can collide with them.

use polars::prelude::{Expr, PlSmallStr, col};

/// A column of a source's rows, before they are aggregated onto the grid.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowColumn<'a> {
    Entity,
    /// The full date of the row, which places it in a period and orders `first` and `last`.
    Date,
    /// The period the row falls in.
    Period,
    /// A column of the file, by its name in formulas (`readers` of `articles.readers`).
    Source(&'a str),
    /// How many values of the row in number columns are not numbers at all.
    BadValues,
    /// Whether the row is a total row (`合计` in its date column).
    TotalRow,
    /// Every cell of the row as written, to tell repeated rows.
    Whole,
    /// The row's number among the file's data rows, for errors that name its line.
    Line,
    /// The row's date as written, for errors that quote it.
    WrittenDate,
}

/// A column of a source's rows aggregated per entity and period that says something about the
/// data, not about the appraisal: read off for the data-quality notes before the grid is built.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QualityColumn<'a> {
    /// The distinct dates of the cell's rows.
    Days,
    /// How many rows repeat another row of the cell exactly.
    Repeated,
    /// How many of the cell's rows are total rows.
    Totals,
    /// How many values below 0 a column of counts has.
    Negative(&'a str),
    /// How many rows fail the source's check with this number.
    Failed(usize),
}

/// What an engine counts of a source's rows per cell for the data-quality notes, as a column of
/// the grid it returns (the polars engine keeps its own in the source's frame: [`QualityColumn`]).
/// Columns of numbers are numbered in the order `sql` reads them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Counted {
    /// The distinct dates of the cell's rows.
    Days,
    /// The dates themselves, joined by commas, where the cell lacks some days of its period.
    Dates,
    /// How many rows are alike in their date and every column read, beyond the first of each.
    Alike,
    /// How many values of a column of numbers are below 0.
    Negative(usize),
    /// How many values of a column of numbers are not whole numbers.
    Fraction(usize),
    /// How many rows fail the source's check with this number.
    Failed(usize),
}

/// A column of the grid: one row per entity × period.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum GridColumn<'a> {
    Entity,
    /// The first day of the period.
    Period,
    /// The year the period counts towards, for `to_date`.
    Year,
    /// A measure's or a KPI's value.
    Value(&'a str),
    Target(&'a str),
    Attainment(&'a str),
    Score(&'a str),
    Band(&'a str),
    Attribute(&'a str),
    /// An aggregation of source rows, by its number.
    Aggregate(usize),
    /// Whether the diagnosis with this number fires.
    Fired(usize),
    /// Whether the condition of the diagnosis with this number could be evaluated: it is true
    /// or false, not no data.
    Assessed(usize),
    /// A part of a formula computed for an explanation, by its number.
    Probe(usize),
    /// Whether the entity is a competitor (the ruleset's `competitors`).
    Competitor,
    /// Whether a scorecard applies to the entity.
    Applies(&'a str),
    Total(&'a str),
    /// The share of a scorecard's weight whose KPIs have a score in this cell, from 0 to 1.
    Coverage(&'a str),
    Grade(&'a str),
    /// The entity's rank by a scorecard total in its period, and how many entities are ranked.
    Rank(&'a str),
    Ranked(&'a str),
    /// The weight a KPI has in a scorecard total in this cell: its points, scaled when the
    /// scorecard renormalizes over the KPIs that have a score.
    Weight {
        scorecard: &'a str,
        kpi: &'a str,
    },
    /// How many rows of a source the cell has, and the first and last of their dates.
    Rows(&'a str),
    /// Whether a source's data is missing in the cell: the entity had rows of it in every
    /// period since its first (two at least) and has none in this one. What is computed from
    /// it there has no data.
    Missing(&'a str),
    /// How many of a source's rows in the cell hold a value that is not a number where a number
    /// is read.
    BadValues(&'a str),
    FirstDate(&'a str),
    LastDate(&'a str),
    /// A count of a source's rows for the quality notes, on an engine.
    Counted(&'a str, Counted),
}

const ENTITY: &str = ":entity";
const PERIOD: &str = ":period";

impl RowColumn<'_> {
    pub fn name(self) -> PlSmallStr {
        match self {
            RowColumn::Entity => ENTITY.into(),
            RowColumn::Date => ":date".into(),
            RowColumn::Period => PERIOD.into(),
            RowColumn::Source(name) => format!("c:{name}").into(),
            RowColumn::BadValues => ":bad".into(),
            RowColumn::TotalRow => ":total".into(),
            RowColumn::Whole => ":whole".into(),
            RowColumn::Line => ":line".into(),
            RowColumn::WrittenDate => ":written_date".into(),
        }
    }

    pub fn col(self) -> Expr {
        col(self.name())
    }
}

impl QualityColumn<'_> {
    /// The prefix of every quality column, which tells them from the grid's.
    pub const PREFIX: &'static str = "q:";

    pub fn name(self) -> PlSmallStr {
        match self {
            QualityColumn::Days => "q:days".into(),
            QualityColumn::Repeated => "q:repeated".into(),
            QualityColumn::Totals => "q:totals".into(),
            QualityColumn::Negative(column) => format!("q:negative:{column}").into(),
            QualityColumn::Failed(index) => format!("q:failed:{index}").into(),
        }
    }

    pub fn col(self) -> Expr {
        col(self.name())
    }
}

impl GridColumn<'_> {
    pub fn name(self) -> PlSmallStr {
        use GridColumn::*;
        match self {
            Entity => ENTITY.into(),
            Period => PERIOD.into(),
            Year => ":year".into(),
            Value(name) => format!("v:{name}").into(),
            Target(kpi) => format!("t:{kpi}").into(),
            Attainment(kpi) => format!("r:{kpi}").into(),
            Score(kpi) => format!("s:{kpi}").into(),
            Band(kpi) => format!("b:{kpi}").into(),
            Attribute(name) => format!("a:{name}").into(),
            Aggregate(index) => format!("g:{index}").into(),
            Fired(index) => format!("d:{index}").into(),
            Assessed(index) => format!("assessed:{index}").into(),
            Probe(index) => format!("probe:{index}").into(),
            Competitor => ":competitor".into(),
            Applies(scorecard) => format!("applies:{scorecard}").into(),
            Total(scorecard) => format!("total:{scorecard}").into(),
            Coverage(scorecard) => format!("coverage:{scorecard}").into(),
            Grade(scorecard) => format!("grade:{scorecard}").into(),
            Rank(scorecard) => format!("rank:{scorecard}").into(),
            Ranked(scorecard) => format!("ranked:{scorecard}").into(),
            // The length keeps `a:b` + `c` apart from `a` + `b:c`.
            Weight { scorecard, kpi } => format!("w:{}:{scorecard}:{kpi}", scorecard.len()).into(),
            Rows(source) => format!("rows:{source}").into(),
            Missing(source) => format!("missing:{source}").into(),
            BadValues(source) => format!("bad:{source}").into(),
            FirstDate(source) => format!("from:{source}").into(),
            LastDate(source) => format!("to:{source}").into(),
            // What is counted first, so that the source's name can hold anything.
            Counted(source, counted) => match counted {
                self::Counted::Days => format!("q:days:{source}").into(),
                self::Counted::Dates => format!("q:dates:{source}").into(),
                self::Counted::Alike => format!("q:alike:{source}").into(),
                self::Counted::Negative(index) => format!("q:negative:{index}:{source}").into(),
                self::Counted::Fraction(index) => format!("q:fraction:{index}:{source}").into(),
                self::Counted::Failed(index) => format!("q:failed:{index}:{source}").into(),
            },
        }
    }

    pub fn col(self) -> Expr {
        col(self.name())
    }
}
