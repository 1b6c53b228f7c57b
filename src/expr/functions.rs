//! The functions of the expression language: one row each of a table that gives its name,
//! aliases, family, parameters and result. Checking ([`super::check`]) and compiling
//! ([`crate::compile`]) both read this table; [`Function::spec`] matches every variant, so a
//! function cannot be added without its row.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::types::Type;

/// Declares the functions and the list of all of them, from one list of names.
macro_rules! functions {
    ($($variant:ident),* $(,)?) => {
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Function {
            $($variant),*
        }

        impl Function {
            /// Every function, in the order of the table.
            pub const ALL: &'static [Function] = &[$(Function::$variant),*];
        }
    };
}

functions! {
    Sum, Mean, Min, Max, Count, CountDistinct, First, Last, Median, Quantile,
    Abs, Round, Ln, Log10, Sqrt, Exp, Clamp, Coalesce, Nullif, Least, Greatest, IsNull,
    Prev, Change, PctChange, RollingMean, RollingSum, RollingStd, ToDate,
    Rank, Percentile, Share, MeanAll, Zscore,
    Attainment, Linear, Bands,
}

/// Everything the language knows about a function.
pub struct Spec {
    pub name: &'static str,
    /// Other names it is called by (`avg` for `mean`).
    pub aliases: &'static [&'static str],
    pub family: Family,
    pub arguments: Arguments,
    pub returns: Returns,
}

/// Where a function may be used, and what its arguments range over.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    /// Over the source rows of one entity and period; arguments name `source.column`.
    Aggregation(Rows),
    Scalar,
    /// Across the periods of one entity, reaching back as far as it says.
    Period(Reach),
    /// Across the entities of one period.
    Entity,
    /// Of the value being scored: its KPI's value, target and bands.
    Scoring,
}

/// Which earlier periods a period function reads besides its own, by its count `n`: the
/// periods a value's comparison rests on, so a base with data missing is seen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reach {
    /// The period `n` before (`prev`, `change`, `pct_change`).
    Lag,
    /// The `n − 1` periods before (`rolling_mean(x, 3)` reads two).
    Window,
    /// Every earlier period of its year (`to_date`).
    Year,
}

/// How an aggregation treats the rows of a cell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rows {
    /// A cell without rows gives 0 (`count`), not no data.
    pub zero_without_rows: bool,
    /// The rows must be in date order (`first`, `last`).
    pub in_date_order: bool,
    /// How a group's value comes from its entities' (a row of the table, decided per function).
    pub rolls_up: RollUp,
}

/// How a group's value of an aggregation (a brand's, from its accounts) comes from its
/// entities': every aggregation says, so that a new one cannot be added without deciding it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RollUp {
    /// The sum of the entities' values: sums and counts, and levels at a period's start or end
    /// (`first` and `last` of followers).
    Sum,
    /// The least of the entities' values.
    Min,
    /// The greatest of the entities' values.
    Max,
    /// Computed again over the rows of all the group's entities: a mean, median, quantile or
    /// distinct count of the entities' own values would be wrong (two accounts posting on the
    /// same two days post on 2 days, not 4).
    FromRows,
}

const fn rows(rolls_up: RollUp) -> Family {
    Family::Aggregation(Rows { zero_without_rows: false, in_date_order: false, rolls_up })
}

const fn counted(rolls_up: RollUp) -> Family {
    Family::Aggregation(Rows { zero_without_rows: true, in_date_order: false, rolls_up })
}

const fn dated(rolls_up: RollUp) -> Family {
    Family::Aggregation(Rows { zero_without_rows: false, in_date_order: true, rolls_up })
}

/// The arguments a function takes.
#[derive(Clone, Copy, Debug)]
pub enum Arguments {
    /// These parameters, positional or named.
    Fixed(&'static [Param]),
    /// These parameters; more positional arguments like the last may follow (`coalesce(a, b, c)`).
    Variadic(&'static [Param]),
    /// `bands(name = points, ...)`: points for each of the scored KPI's bands, by name.
    BandPoints,
}

/// What a call gives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Returns {
    Number,
    Boolean,
    /// The type its `Any` arguments share (`first`, `coalesce`).
    LikeItsArguments,
}

/// The largest count a period function takes: a century of days.
pub const MAX_COUNT: f64 = 36_600.0;

/// What an argument must be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Number,
    Boolean,
    /// Any type; see [`Returns::LikeItsArguments`].
    Any,
    /// A count written in the formula, from 1 to [`MAX_COUNT`] (`prev(x, n = 12)`): it shapes
    /// the plan.
    Count,
    /// A cap on attainment: above 0 where it is written out (`cap = 120%`).
    Cap,
    /// A whole number written in the formula, which may be 0 or negative (`round(x, -2)`).
    Digits,
    /// A fraction written in the formula, from 0 to 1 (`quantile(x, q = 0.9)`).
    Fraction,
}

/// What an omitted argument becomes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Omitted {
    Required,
    /// Nothing: the function does without (a `where` filter, a `cap`).
    Absent,
    Number(f64),
    /// The value being scored: `attainment(cap = 120%)` in a score is
    /// `attainment(value, target, cap = 120%)`.
    Value,
    /// The target of the KPI being scored.
    Target,
}

#[derive(Clone, Copy, Debug)]
pub struct Param {
    pub name: &'static str,
    pub kind: Kind,
    pub omitted: Omitted,
}

const fn param(name: &'static str, kind: Kind) -> Param {
    Param { name, kind, omitted: Omitted::Required }
}

const fn optional(name: &'static str, kind: Kind, omitted: Omitted) -> Param {
    Param { name, kind, omitted }
}

const X_NUMBER: Param = param("x", Kind::Number);
const X_ANY: Param = param("x", Kind::Any);
const WHERE: Param = optional("where", Kind::Boolean, Omitted::Absent);
const N_ONE: Param = optional("n", Kind::Count, Omitted::Number(1.0));
const VALUE: Param = optional("value", Kind::Number, Omitted::Value);
const TARGET: Param = optional("target", Kind::Number, Omitted::Target);
/// How many of the period's entities must have a value for one to be compared with them: an
/// entity alone would be its own benchmark (`mean_all` its own value, `share` 100%).
const MIN_PEERS: Param = optional("min_peers", Kind::Count, Omitted::Number(2.0));

/// A row of the table: `spec!(name, family, arguments, returns)`, then any aliases.
macro_rules! spec {
    ($name:literal, $family:expr, $arguments:expr, $returns:expr $(, $alias:literal)* $(,)?) => {
        const { &Spec { name: $name, aliases: &[$($alias),*], family: $family, arguments: $arguments, returns: $returns } }
    };
}

impl Function {
    /// The function's row of the table.
    pub fn spec(self) -> &'static Spec {
        use Arguments::{BandPoints, Fixed, Variadic};
        use Family::{Entity, Scalar, Scoring};
        use Function::*;
        use Reach::{Lag, Window, Year};
        use Returns::{Boolean, LikeItsArguments, Number};
        match self {
            Sum => spec!("sum", rows(RollUp::Sum), Fixed(&[X_NUMBER, WHERE]), Number),
            Mean => spec!("mean", rows(RollUp::FromRows), Fixed(&[X_NUMBER, WHERE]), Number, "avg", "average"),
            Min => spec!("min", rows(RollUp::Min), Fixed(&[X_ANY, WHERE]), LikeItsArguments),
            Max => spec!("max", rows(RollUp::Max), Fixed(&[X_ANY, WHERE]), LikeItsArguments),
            Count => spec!("count", counted(RollUp::Sum), Fixed(&[X_ANY, WHERE]), Number),
            CountDistinct => {
                spec!("count_distinct", counted(RollUp::FromRows), Fixed(&[X_ANY, WHERE]), Number, "n_unique")
            }
            First => spec!("first", dated(RollUp::Sum), Fixed(&[X_ANY, WHERE]), LikeItsArguments),
            Last => spec!("last", dated(RollUp::Sum), Fixed(&[X_ANY, WHERE]), LikeItsArguments),
            Median => spec!("median", rows(RollUp::FromRows), Fixed(&[X_NUMBER, WHERE]), Number),
            Quantile => {
                spec!("quantile", rows(RollUp::FromRows), Fixed(&[X_NUMBER, param("q", Kind::Fraction), WHERE]), Number)
            }
            Abs => spec!("abs", Scalar, Fixed(&[X_NUMBER]), Number),
            Round => {
                spec!(
                    "round",
                    Scalar,
                    Fixed(&[X_NUMBER, optional("digits", Kind::Digits, Omitted::Number(0.0))]),
                    Number
                )
            }
            Ln => spec!("ln", Scalar, Fixed(&[X_NUMBER]), Number),
            Log10 => spec!("log10", Scalar, Fixed(&[X_NUMBER]), Number),
            Sqrt => spec!("sqrt", Scalar, Fixed(&[X_NUMBER]), Number),
            Exp => spec!("exp", Scalar, Fixed(&[X_NUMBER]), Number),
            Clamp => {
                spec!("clamp", Scalar, Fixed(&[X_NUMBER, param("lo", Kind::Number), param("hi", Kind::Number)]), Number)
            }
            Coalesce => {
                spec!("coalesce", Scalar, Variadic(&[param("a", Kind::Any), param("b", Kind::Any)]), LikeItsArguments)
            }
            Nullif => {
                spec!("nullif", Scalar, Fixed(&[param("a", Kind::Any), param("b", Kind::Any)]), LikeItsArguments)
            }
            Least => spec!("least", Scalar, Variadic(&[param("a", Kind::Number), param("b", Kind::Number)]), Number),
            Greatest => {
                spec!("greatest", Scalar, Variadic(&[param("a", Kind::Number), param("b", Kind::Number)]), Number)
            }
            IsNull => spec!("is_null", Scalar, Fixed(&[X_ANY]), Boolean),
            Prev => spec!("prev", Family::Period(Lag), Fixed(&[X_ANY, N_ONE]), LikeItsArguments, "lag"),
            Change => spec!("change", Family::Period(Lag), Fixed(&[X_NUMBER, N_ONE]), Number),
            PctChange => spec!("pct_change", Family::Period(Lag), Fixed(&[X_NUMBER, N_ONE]), Number),
            RollingMean => {
                spec!("rolling_mean", Family::Period(Window), Fixed(&[X_NUMBER, param("n", Kind::Count)]), Number)
            }
            RollingSum => {
                spec!("rolling_sum", Family::Period(Window), Fixed(&[X_NUMBER, param("n", Kind::Count)]), Number)
            }
            RollingStd => {
                spec!("rolling_std", Family::Period(Window), Fixed(&[X_NUMBER, param("n", Kind::Count)]), Number)
            }
            ToDate => spec!("to_date", Family::Period(Year), Fixed(&[X_NUMBER]), Number, "ytd"),
            Rank => spec!("rank", Entity, Fixed(&[X_NUMBER, MIN_PEERS]), Number),
            Percentile => spec!("percentile", Entity, Fixed(&[X_NUMBER, MIN_PEERS]), Number),
            Share => spec!("share", Entity, Fixed(&[X_NUMBER, MIN_PEERS]), Number),
            MeanAll => spec!("mean_all", Entity, Fixed(&[X_NUMBER, MIN_PEERS]), Number),
            Zscore => spec!("zscore", Entity, Fixed(&[X_NUMBER, MIN_PEERS]), Number),
            Attainment => {
                spec!(
                    "attainment",
                    Scoring,
                    Fixed(&[VALUE, TARGET, optional("cap", Kind::Cap, Omitted::Absent)]),
                    Number
                )
            }
            Linear => {
                spec!("linear", Scoring, Fixed(&[VALUE, param("lo", Kind::Number), param("hi", Kind::Number)]), Number)
            }
            Bands => spec!("bands", Scoring, BandPoints, Number),
        }
    }

    pub fn name(self) -> &'static str {
        self.spec().name
    }

    pub fn family(self) -> Family {
        self.spec().family
    }

    /// The function called `name`, or one of its aliases.
    pub fn from_name(name: &str) -> Option<Function> {
        Function::ALL.iter().copied().find(|function| {
            let spec = function.spec();
            spec.name == name || spec.aliases.contains(&name)
        })
    }

    /// The declared parameters, in positional order; none for `bands`.
    pub fn params(self) -> &'static [Param] {
        match self.spec().arguments {
            Arguments::Fixed(params) | Arguments::Variadic(params) => params,
            Arguments::BandPoints => &[],
        }
    }

    /// The parameter an argument at `index` is for: variadic functions repeat their last one.
    pub fn param(self, index: usize) -> Option<&'static Param> {
        let params = self.params();
        match self.spec().arguments {
            Arguments::Variadic(_) => params.get(index).or(params.last()),
            _ => params.get(index),
        }
    }

    pub fn is_variadic(self) -> bool {
        matches!(self.spec().arguments, Arguments::Variadic(_))
    }

    /// The type of the result, given the type the `Any` arguments share.
    pub fn returns(self, any_args: Type) -> Type {
        match self.spec().returns {
            Returns::Number => Type::Number,
            Returns::Boolean => Type::Boolean,
            Returns::LikeItsArguments => any_args,
        }
    }
}

// Which way a subject's value is better: it decides what `attainment` divides by what.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Better {
    #[default]
    Higher,
    Lower,
}

#[cfg(test)]
mod tests {
    use super::Function;

    #[test]
    fn every_function_is_found_by_its_name_and_aliases_resolve() {
        for function in Function::ALL {
            assert_eq!(Function::from_name(function.name()), Some(*function));
        }
        assert_eq!(Function::from_name("avg"), Some(Function::Mean));
        assert_eq!(Function::from_name("ytd"), Some(Function::ToDate));
        assert_eq!(Function::from_name("frobnicate"), None);
    }
}
