//! Checked formulas → SQL expressions, one visitor as `compile/` is for polars, with the same
//! null semantics (SPEC §4): a division by zero or null, a logarithm of a number that is not
//! positive, a window with too few peers give null.
//!
//! SQL cannot nest a window in a window (`rank(pct_change(x))`), and a rule that reads an
//! operand twice (`if`, a division's guard) would copy it. So an operand that is not a plain
//! column is computed once, as a column of its own, and read by name: every column has the
//! stage of the query it is computed in, one after the stages of the columns it reads.

use std::collections::HashMap;

use indexmap::IndexMap;

use super::dialect::Dialect;
use crate::compile::{GridColumn, RowColumn};
use crate::expr::ast::{BinaryOp, UnaryOp};
use crate::expr::{Better, Function, Ir, IrNode, Ref, Type};
use crate::ruleset::CheckedRuleset;
use crate::ruleset::uses::{AggregationUse, aggregation_uses};

/// A piece of SQL and the first stage of the query that can compute it.
#[derive(Clone, Debug)]
pub struct Sql {
    pub text: String,
    pub stage: usize,
    /// A name or a literal: read twice, it is not computed twice.
    simple: bool,
}

impl Sql {
    /// An expression computed at `stage` (at the earliest).
    pub fn new(text: String, stage: usize) -> Sql {
        Sql { text, stage, simple: false }
    }

    fn simple(text: String, stage: usize) -> Sql {
        Sql { text, stage, simple: true }
    }

    /// A literal: `TRUE`, `FALSE`.
    pub fn literal(text: &str) -> Sql {
        Sql::simple(text.to_string(), 1)
    }
}

/// No number.
pub fn null(d: Dialect) -> Sql {
    Sql::simple(format!("CAST(NULL AS {})", d.double()), 1)
}

/// The columns the query computes on its grid, each in its stage: stage 1 reads the grid,
/// stage n + 1 reads what stage n computed.
pub struct Columns {
    pub dialect: Dialect,
    /// (stage, name, SQL) in the order they were defined.
    pub defined: Vec<(usize, String, String)>,
    /// The first stage that can read each defined column.
    ready: HashMap<String, usize>,
}

impl Columns {
    pub fn new(dialect: Dialect) -> Columns {
        Columns { dialect, defined: Vec::new(), ready: HashMap::new() }
    }

    /// A column of the grid, or one defined already, as it is read in a formula.
    pub fn read(&self, column: GridColumn) -> Sql {
        let name = column.name().to_string();
        let stage = self.ready.get(&name).copied().unwrap_or(1);
        Sql::simple(self.dialect.name_of(&name), stage)
    }

    /// Computes `sql` as the grid column `column`: a number where it is finite (a name or a
    /// literal is).
    pub fn define(&mut self, column: GridColumn, sql: Sql, ty: Type) {
        let text = match ty {
            Type::Number if !sql.simple => self.dialect.finite(&sql.text),
            _ => sql.text,
        };
        self.push(column.name().to_string(), Sql::new(text, sql.stage));
    }

    fn push(&mut self, name: String, sql: Sql) -> Sql {
        let stage = sql.stage.max(1);
        self.defined.push((stage, name.clone(), sql.text));
        self.ready.insert(name.clone(), stage + 1);
        Sql::simple(self.dialect.name_of(&name), stage + 1)
    }

    /// `sql` computed once, as a column of its own, read by name.
    pub fn once(&mut self, sql: Sql) -> Sql {
        if sql.simple {
            return sql;
        }
        let name = format!("x:{}", self.defined.len());
        self.push(name, sql)
    }

    /// The last stage any column is computed in.
    pub fn stages(&self) -> usize {
        self.defined.iter().map(|(stage, ..)| *stage).max().unwrap_or(0)
    }
}

/// Where the aggregations of source rows are: a grid column each, numbered as the ruleset
/// finds them ([`aggregation_uses`]).
pub struct Aggregations {
    pub found: IndexMap<String, AggregationUse>,
}

impl Aggregations {
    pub fn of(ruleset: &CheckedRuleset) -> Aggregations {
        Aggregations { found: aggregation_uses(ruleset) }
    }

    /// The aggregations over `source`, with their grid columns.
    pub fn of_source<'a>(&'a self, source: &'a str) -> impl Iterator<Item = (GridColumn<'static>, &'a AggregationUse)> {
        let over =
            move |found: &&AggregationUse| matches!(&found.ir.node, IrNode::Aggregate { source: s, .. } if s == source);
        self.found
            .values()
            .enumerate()
            .filter(move |(_, found)| over(found))
            .map(|(index, found)| (GridColumn::Aggregate(index), found))
    }

    pub fn column(&self, aggregation: &Ir) -> GridColumn<'static> {
        GridColumn::Aggregate(self.found.get_index_of(&aggregation.to_string()).expect("found in every formula"))
    }
}

/// What `value` and `target` are where a score or band is computed, and the scored KPI's
/// bands (their names, and the columns that say whether each holds).
pub struct Subject<'a> {
    pub value: GridColumn<'a>,
    pub target: Option<GridColumn<'a>>,
    pub better: Better,
    pub bands: &'a [(String, Sql)],
}

/// Compiles a formula of the grid.
pub fn grid(ir: &Ir, columns: &mut Columns, aggregations: &Aggregations, subject: Option<&Subject>) -> Sql {
    Compiler { dialect: columns.dialect, columns: Some(columns), aggregations: Some(aggregations), subject }.expr(ir)
}

/// Compiles a formula of one source's rows: a row filter, or the inside of an aggregation.
pub fn rows(ir: &Ir, dialect: Dialect) -> String {
    Compiler { dialect, columns: None, aggregations: None, subject: None }.expr(ir).text
}

struct Compiler<'c> {
    dialect: Dialect,
    /// The grid's columns; `None` over a source's rows, which are read in one stage.
    columns: Option<&'c mut Columns>,
    aggregations: Option<&'c Aggregations>,
    subject: Option<&'c Subject<'c>>,
}

impl Compiler<'_> {
    fn expr(&mut self, ir: &Ir) -> Sql {
        let d = self.dialect;
        match &ir.node {
            IrNode::Number(value) => Sql::simple(d.number(*value), 1),
            IrNode::String(text) => Sql::simple(d.text(text), 1),
            IrNode::Bool(value) => Sql::simple(value.to_string().to_uppercase(), 1),
            IrNode::Null => null(d),
            IrNode::Ref(reference) => self.reference(reference, ir.ty),
            IrNode::Unary(UnaryOp::Neg, operand) => match ir.number() {
                Some(value) => Sql::simple(d.number(value), 1),
                None => self.map(operand, |x| format!("(-{x})")),
            },
            IrNode::Unary(UnaryOp::Not, operand) => self.map(operand, |x| format!("(NOT {x})")),
            IrNode::Binary(op, lhs, rhs) => self.binary(*op, lhs, rhs),
            IrNode::If(branches, otherwise) => self.conditional(branches, otherwise),
            IrNode::Call(function, args) => self.call(*function, args),
            IrNode::Aggregate { .. } => {
                let aggregations = self.aggregations.expect("the checker keeps aggregations out of aggregations");
                self.read(aggregations.column(ir))
            }
            IrNode::BandPoints(points) => self.band_points(points),
        }
    }

    fn reference(&mut self, reference: &Ref, ty: Type) -> Sql {
        let d = self.dialect;
        match reference {
            Ref::Measure(name) | Ref::Kpi(name) => self.read(GridColumn::Value(name)),
            Ref::Attribute(name) => self.read(GridColumn::Attribute(name)),
            Ref::Column { column, .. } => {
                let name = d.name_of(&RowColumn::Source(column).name());
                match ty {
                    Type::Number => Sql::simple(format!("CAST({name} AS {})", d.double()), 1),
                    _ => Sql::simple(name, 1),
                }
            }
            Ref::Value => self.read(self.subject().value),
            Ref::Target => match self.subject().target {
                Some(target) => self.read(target),
                None => null(d),
            },
            Ref::TargetOf(kpi) => self.read(GridColumn::Target(kpi)),
        }
    }

    fn subject(&self) -> &Subject<'_> {
        self.subject.expect("`value` and `target` pass the checker only where there is a subject")
    }

    fn read(&self, column: GridColumn) -> Sql {
        self.columns.as_ref().expect("grid columns are read on the grid").read(column)
    }

    /// `sql` where it is read more than once: a column of its own on the grid.
    fn once(&mut self, sql: Sql) -> Sql {
        match &mut self.columns {
            Some(columns) => columns.once(sql),
            None => sql,
        }
    }

    fn map(&mut self, operand: &Ir, f: impl FnOnce(&str) -> String) -> Sql {
        let x = self.expr(operand);
        Sql::new(f(&x.text), x.stage)
    }

    /// Several operands into one expression, computed at the stage all of them are ready.
    fn join(parts: &[&Sql], text: String) -> Sql {
        Sql::new(text, parts.iter().map(|p| p.stage).max().unwrap_or(1))
    }

    fn binary(&mut self, op: BinaryOp, lhs: &Ir, rhs: &Ir) -> Sql {
        let (a, b) = (self.expr(lhs), self.expr(rhs));
        let (x, y) = (&a.text, &b.text);
        let text = match op {
            BinaryOp::Or => format!("({x} OR {y})"),
            BinaryOp::And => format!("({x} AND {y})"),
            BinaryOp::Eq => format!("({x} = {y})"),
            BinaryOp::Ne => format!("({x} <> {y})"),
            BinaryOp::Lt => format!("({x} < {y})"),
            BinaryOp::Le => format!("({x} <= {y})"),
            BinaryOp::Gt => format!("({x} > {y})"),
            BinaryOp::Ge => format!("({x} >= {y})"),
            BinaryOp::Add => format!("({x} + {y})"),
            BinaryOp::Sub => format!("({x} - {y})"),
            BinaryOp::Mul => format!("({x} * {y})"),
            BinaryOp::Div => self.divide(x, y),
            BinaryOp::Pow => {
                // A negative number to a fractional power, or 0 to a negative one, is no
                // number: some engines raise an error for it.
                let (a, b) = (self.once(a.clone()), self.once(b.clone()));
                let (x, y) = (&a.text, &b.text);
                let text = format!(
                    "CASE WHEN ({x} < 0 AND {y} <> floor({y})) OR ({x} = 0 AND {y} < 0) THEN NULL ELSE power({x}, {y}) END"
                );
                return Self::join(&[&a, &b], text);
            }
        };
        Self::join(&[&a, &b], text)
    }

    /// `x / y`, null where `y` is 0 or null: never infinite, never an error.
    fn divide(&self, x: &str, y: &str) -> String {
        format!("(CAST({x} AS {}) / NULLIF({y}, 0))", self.dialect.double())
    }

    /// `if c then a else b`: a null condition gives null rather than falling through.
    fn conditional(&mut self, branches: &[(Ir, Ir)], otherwise: &Ir) -> Sql {
        let mut parts = Vec::new();
        let mut text = String::from("CASE");
        for (condition, value) in branches {
            let condition = self.expr(condition);
            let condition = self.once(condition);
            let value = self.expr(value);
            text += &format!(" WHEN {c} IS NULL THEN NULL WHEN {c} THEN {v}", c = condition.text, v = value.text);
            parts.extend([condition, value]);
        }
        let otherwise = self.expr(otherwise);
        text += &format!(" ELSE {} END", otherwise.text);
        parts.push(otherwise);
        Self::join(&parts.iter().collect::<Vec<_>>(), text)
    }

    /// The points of the first band that holds; null for a null value or when none holds.
    fn band_points(&mut self, points: &[(String, Ir)]) -> Sql {
        let subject = self.subject.expect("`bands()` passes the checker only where there is a subject");
        let (value, bands) = (subject.value, subject.bands);
        let value = self.read(value);
        let mut parts = vec![value.clone()];
        let mut text = format!("CASE WHEN {} IS NULL THEN NULL", value.text);
        for (band, holds) in bands {
            let points = match points.iter().find(|(name, _)| name == band) {
                Some((_, points)) => self.expr(points),
                None => null(self.dialect),
            };
            text += &format!(" WHEN {} THEN {}", holds.text, points.text);
            parts.extend([holds.clone(), points]);
        }
        text += " END";
        Self::join(&parts.iter().collect::<Vec<_>>(), text)
    }

    fn call(&mut self, function: Function, args: &[Option<Ir>]) -> Sql {
        use Function::*;
        let literal =
            |index: usize| args[index].as_ref().and_then(Ir::number).expect("the checker admits a number written out");
        let mut compiled: Vec<Sql> = args.iter().flatten().map(|arg| self.expr(arg)).collect();
        let d = self.dialect;
        let double = d.double();
        match function {
            Abs => self.apply(compiled, |x| format!("abs({})", x[0])),
            Round => {
                let digits = literal(1) as i64;
                compiled.truncate(1);
                self.apply(compiled, |x| d.round(&x[0], digits))
            }
            Ln => self.of_once(compiled, |x| format!("CASE WHEN {x} > 0 THEN ln({x}) END")),
            Log10 => self.of_once(compiled, |x| format!("CASE WHEN {x} > 0 THEN log10({x}) END")),
            Sqrt => self.of_once(compiled, |x| format!("CASE WHEN {x} >= 0 THEN sqrt({x}) END")),
            Exp => self.apply(compiled, |x| format!("exp({})", x[0])),
            Clamp => {
                let operands: Vec<Sql> = compiled.into_iter().map(|sql| self.once(sql)).collect();
                self.apply(operands, |x| {
                    let (x, lo, hi) = (&x[0], &x[1], &x[2]);
                    format!("CASE WHEN {x} IS NULL THEN NULL WHEN {x} < {lo} THEN {lo} WHEN {x} > {hi} THEN {hi} ELSE {x} END")
                })
            }
            Coalesce => self.apply(compiled, |x| format!("coalesce({})", x.join(", "))),
            Nullif => self.apply(compiled, |x| format!("NULLIF({}, {})", x[0], x[1])),
            // Every engine's LEAST and GREATEST skip nulls, as polars does.
            Least => self.apply(compiled, |x| format!("least({})", x.join(", "))),
            Greatest => self.apply(compiled, |x| format!("greatest({})", x.join(", "))),
            IsNull => self.apply(compiled, |x| format!("({} IS NULL)", x[0])),
            Prev => self.per_entity(compiled, |x, w| format!("LAG({x}, {}) OVER ({w})", literal(1) as usize)),
            Change => self.per_entity(compiled, |x, w| format!("({x} - LAG({x}, {}) OVER ({w}))", literal(1) as usize)),
            PctChange => self.per_entity(compiled, |x, w| {
                format!("(CAST({x} AS {double}) / NULLIF(LAG({x}, {}) OVER ({w}), 0) - 1)", literal(1) as usize)
            }),
            RollingMean | RollingSum | RollingStd => {
                let how = match function {
                    RollingMean => "avg",
                    RollingSum => "sum",
                    _ => "stddev_samp",
                };
                let rows = (literal(1) as usize).saturating_sub(1);
                self.per_entity(compiled, |x, w| {
                    format!("{how}({x}) OVER ({w} ROWS BETWEEN {rows} PRECEDING AND CURRENT ROW)")
                })
            }
            ToDate => {
                let [entity, period, year] =
                    [GridColumn::Entity, GridColumn::Period, GridColumn::Year].map(|column| d.name_of(&column.name()));
                let window = format!("PARTITION BY {entity}, {year} ORDER BY {period} ROWS UNBOUNDED PRECEDING");
                self.of_once(compiled, |x| format!("sum({x}) OVER ({window})"))
            }
            Rank | Percentile | Share | MeanAll | Zscore => self.across(function, compiled, literal(1)),
            Attainment => {
                let better = self.subject.map_or(Better::Higher, |s| s.better);
                let operands: Vec<Sql> = compiled.into_iter().map(|sql| self.once(sql)).collect();
                self.apply(operands, |x| {
                    format!("({} * 100)", attainment(d, &x[0], &x[1], x.get(2).map(String::as_str), better))
                })
            }
            Linear => {
                let operands: Vec<Sql> = compiled.into_iter().map(|sql| self.once(sql)).collect();
                self.apply(operands, |x| {
                    let (v, lo, hi) = (&x[0], &x[1], &x[2]);
                    format!(
                        "CASE WHEN {v} IS NULL OR {lo} IS NULL OR {hi} IS NULL OR {hi} = {lo} THEN NULL \
                         WHEN ({v} - {lo}) / ({hi} - {lo}) < 0 THEN {zero} \
                         WHEN ({v} - {lo}) / ({hi} - {lo}) > 1 THEN {hundred} \
                         ELSE ({v} - {lo}) / ({hi} - {lo}) * 100 END",
                        zero = d.number(0.0),
                        hundred = d.number(100.0)
                    )
                })
            }
            Sum | Mean | Min | Max | Count | CountDistinct | First | Last | Median | Quantile => {
                unreachable!("`{}` aggregates source rows: see `aggregate`", function.name())
            }
            Bands => unreachable!("`bands` is compiled from its band points"),
        }
    }

    fn apply(&self, operands: Vec<Sql>, f: impl FnOnce(&[String]) -> String) -> Sql {
        let texts: Vec<String> = operands.iter().map(|sql| sql.text.clone()).collect();
        Self::join(&operands.iter().collect::<Vec<_>>(), f(&texts))
    }

    /// A function of its first operand that reads it more than once (a guard, a window):
    /// the operand is computed before, as a column, and read by name.
    fn of_once(&mut self, mut operands: Vec<Sql>, f: impl FnOnce(&str) -> String) -> Sql {
        let x = self.once(operands.remove(0));
        Sql::new(f(&x.text), x.stage)
    }

    /// Down one entity's periods, in calendar order: the grid has every period, so a row
    /// before is a period before.
    fn per_entity(&mut self, operands: Vec<Sql>, f: impl FnOnce(&str, &str) -> String) -> Sql {
        let d = self.dialect;
        let (entity, period) = (d.name_of(&GridColumn::Entity.name()), d.name_of(&GridColumn::Period.name()));
        let window = format!("PARTITION BY {entity} ORDER BY {period}");
        self.of_once(operands, |x| f(x, &window))
    }

    /// A value among the values of its period, where at least `peers` entities have one.
    fn across(&mut self, function: Function, operands: Vec<Sql>, peers: f64) -> Sql {
        let d = self.dialect;
        let double = d.double();
        let by_period = format!("PARTITION BY {}", d.name_of(&GridColumn::Period.name()));
        self.of_once(operands, |x| {
            let compared = format!("count({x}) OVER ({by_period}) >= {}", peers as usize);
            let value = match function {
                Function::Rank => format!("CAST(rank() OVER ({by_period} ORDER BY {x} DESC NULLS LAST) AS {double})"),
                Function::Percentile => format!(
                    "CAST(count({x}) OVER ({by_period} ORDER BY {x} RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS {double}) / count({x}) OVER ({by_period})"
                ),
                Function::Share => format!("CAST({x} AS {double}) / NULLIF(sum({x}) OVER ({by_period}), 0)"),
                Function::MeanAll => format!("avg({x}) OVER ({by_period})"),
                _ => format!(
                    "({x} - avg({x}) OVER ({by_period})) / NULLIF(stddev_samp({x}) OVER ({by_period}), 0)"
                ),
            };
            match function {
                Function::MeanAll => format!("CASE WHEN {compared} THEN {value} END"),
                _ => format!("CASE WHEN {x} IS NOT NULL AND {compared} THEN {value} END"),
            }
        })
    }
}

/// How far `value` is towards `target`, as `compile::attainment` defines it: value / target
/// when higher is better, target / value when lower is (a value at or below 0 attains the
/// cap), clipped to [0, cap]; null when either is missing or the target is 0.
pub fn attainment(d: Dialect, value: &str, target: &str, cap: Option<&str>, better: Better) -> String {
    let double = d.double();
    let ratio = match better {
        Better::Higher => format!("CAST({value} AS {double}) / {target}"),
        Better::Lower => {
            let at_most_zero = cap.map_or_else(|| "NULL".to_string(), str::to_string);
            format!("CASE WHEN {value} <= 0 THEN {at_most_zero} ELSE CAST({target} AS {double}) / {value} END")
        }
    };
    let zero = d.number(0.0);
    let clipped = match cap {
        Some(cap) => format!(
            "CASE WHEN ({ratio}) < 0 THEN {zero} WHEN ({ratio}) > {cap} THEN CASE WHEN {cap} < 0 THEN {zero} ELSE {cap} END ELSE ({ratio}) END"
        ),
        None => format!("CASE WHEN ({ratio}) < 0 THEN {zero} ELSE ({ratio}) END"),
    };
    let missing_cap = cap.map_or_else(String::new, |cap| format!(" OR {cap} IS NULL"));
    format!("CASE WHEN {value} IS NULL OR {target} IS NULL OR {target} = 0{missing_cap} THEN NULL ELSE {clipped} END")
}
