//! The functions of the expression language: names, aliases, families and parameters.
//! Checking ([`super::check`]) and compiling ([`crate::compile`]) both read this one table.

use super::types::Type;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Function {
    // Aggregations of source rows.
    Sum,
    Mean,
    Min,
    Max,
    Count,
    CountDistinct,
    First,
    Last,
    Median,
    Quantile,
    // Scalar.
    Abs,
    Round,
    Ln,
    Log10,
    Sqrt,
    Exp,
    Clamp,
    Coalesce,
    Nullif,
    Least,
    Greatest,
    IsNull,
    // Across the periods of one entity.
    Prev,
    Change,
    PctChange,
    RollingMean,
    RollingSum,
    ToDate,
    // Across the entities of one period.
    Rank,
    Percentile,
    Share,
    MeanAll,
    Zscore,
    // Scoring.
    Attainment,
    Linear,
    Bands,
}

/// Where a function may be used, and what its arguments range over.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    /// Over the source rows of one entity and period; arguments name `source.column`.
    Aggregation,
    Scalar,
    Period,
    Entity,
    Scoring,
}

/// What an argument must be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Number,
    Boolean,
    /// Any type; the result of `first`, `coalesce` etc. has the type of these arguments.
    Any,
    /// A whole number written in the formula (`prev(x, n = 12)`), since it shapes the plan.
    WholeNumber,
    /// A number written in the formula (`quantile(x, q = 0.9)`).
    Literal,
}

/// What an omitted argument becomes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Omitted {
    Required,
    /// Nothing: the function does without (a `where` filter, a `cap`).
    Absent,
    Number(f64),
    /// A name of the place the formula is in: `attainment(cap = 120%)` in a score means
    /// `attainment(value, target, cap = 120%)`.
    Name(&'static str),
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
const N_ONE: Param = optional("n", Kind::WholeNumber, Omitted::Number(1.0));

impl Function {
    pub const ALL: [Function; 36] = [
        Function::Sum,
        Function::Mean,
        Function::Min,
        Function::Max,
        Function::Count,
        Function::CountDistinct,
        Function::First,
        Function::Last,
        Function::Median,
        Function::Quantile,
        Function::Abs,
        Function::Round,
        Function::Ln,
        Function::Log10,
        Function::Sqrt,
        Function::Exp,
        Function::Clamp,
        Function::Coalesce,
        Function::Nullif,
        Function::Least,
        Function::Greatest,
        Function::IsNull,
        Function::Prev,
        Function::Change,
        Function::PctChange,
        Function::RollingMean,
        Function::RollingSum,
        Function::ToDate,
        Function::Rank,
        Function::Percentile,
        Function::Share,
        Function::MeanAll,
        Function::Zscore,
        Function::Attainment,
        Function::Linear,
        Function::Bands,
    ];

    pub fn name(self) -> &'static str {
        use Function::*;
        match self {
            Sum => "sum",
            Mean => "mean",
            Min => "min",
            Max => "max",
            Count => "count",
            CountDistinct => "count_distinct",
            First => "first",
            Last => "last",
            Median => "median",
            Quantile => "quantile",
            Abs => "abs",
            Round => "round",
            Ln => "ln",
            Log10 => "log10",
            Sqrt => "sqrt",
            Exp => "exp",
            Clamp => "clamp",
            Coalesce => "coalesce",
            Nullif => "nullif",
            Least => "least",
            Greatest => "greatest",
            IsNull => "is_null",
            Prev => "prev",
            Change => "change",
            PctChange => "pct_change",
            RollingMean => "rolling_mean",
            RollingSum => "rolling_sum",
            ToDate => "to_date",
            Rank => "rank",
            Percentile => "percentile",
            Share => "share",
            MeanAll => "mean_all",
            Zscore => "zscore",
            Attainment => "attainment",
            Linear => "linear",
            Bands => "bands",
        }
    }

    /// The function called `name`, or one of its aliases (`avg` for `mean`).
    pub fn from_name(name: &str) -> Option<Function> {
        let canonical = match name {
            "avg" | "average" => "mean",
            "n_unique" => "count_distinct",
            "lag" => "prev",
            "ytd" => "to_date",
            other => other,
        };
        Function::ALL.into_iter().find(|function| function.name() == canonical)
    }

    pub fn family(self) -> Family {
        use Function::*;
        match self {
            Sum | Mean | Min | Max | Count | CountDistinct | First | Last | Median | Quantile => Family::Aggregation,
            Abs | Round | Ln | Log10 | Sqrt | Exp | Clamp | Coalesce | Nullif | Least | Greatest | IsNull => {
                Family::Scalar
            }
            Prev | Change | PctChange | RollingMean | RollingSum | ToDate => Family::Period,
            Rank | Percentile | Share | MeanAll | Zscore => Family::Entity,
            Attainment | Linear | Bands => Family::Scoring,
        }
    }

    /// The declared parameters, in positional order. [`Function::variadic`] functions repeat the
    /// last one.
    pub fn params(self) -> &'static [Param] {
        use Function::*;
        match self {
            Sum | Mean | Median => const { &[X_NUMBER, WHERE] },
            Min | Max | Count | CountDistinct | First | Last => const { &[X_ANY, WHERE] },
            Quantile => const { &[X_NUMBER, param("q", Kind::Literal), WHERE] },
            Abs | Ln | Log10 | Sqrt | Exp => const { &[X_NUMBER] },
            Round => const { &[X_NUMBER, optional("digits", Kind::WholeNumber, Omitted::Number(0.0))] },
            Clamp => const { &[X_NUMBER, param("lo", Kind::Number), param("hi", Kind::Number)] },
            Coalesce => const { &[param("a", Kind::Any), param("b", Kind::Any)] },
            Nullif => const { &[param("a", Kind::Any), param("b", Kind::Any)] },
            Least | Greatest => const { &[param("a", Kind::Number), param("b", Kind::Number)] },
            IsNull => const { &[X_ANY] },
            Prev => const { &[X_ANY, N_ONE] },
            Change | PctChange => const { &[X_NUMBER, N_ONE] },
            RollingMean | RollingSum => const { &[X_NUMBER, param("n", Kind::WholeNumber)] },
            ToDate => const { &[X_NUMBER] },
            Rank | Percentile | Share | MeanAll | Zscore => const { &[X_NUMBER] },
            Attainment => {
                const {
                    &[
                        optional("value", Kind::Number, Omitted::Name("value")),
                        optional("target", Kind::Number, Omitted::Name("target")),
                        optional("cap", Kind::Number, Omitted::Absent),
                    ]
                }
            }
            Linear => {
                const {
                    &[
                        optional("value", Kind::Number, Omitted::Name("value")),
                        param("lo", Kind::Number),
                        param("hi", Kind::Number),
                    ]
                }
            }
            Bands => const { &[] },
        }
    }

    /// Whether more positional arguments like the last parameter may follow (`coalesce(a, b, c)`).
    pub fn variadic(self) -> bool {
        matches!(self, Function::Coalesce | Function::Least | Function::Greatest)
    }

    /// The type of the result, given the types of the `Any` arguments.
    pub fn returns(self, any_args: Type) -> Type {
        use Function::*;
        match self {
            Min | Max | First | Last | Coalesce | Nullif | Prev => any_args,
            IsNull => Type::Boolean,
            _ => Type::Number,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Function;

    #[test]
    fn every_function_is_found_by_its_name_and_aliases_resolve() {
        for function in Function::ALL {
            assert_eq!(Function::from_name(function.name()), Some(function));
        }
        assert_eq!(Function::from_name("avg"), Some(Function::Mean));
        assert_eq!(Function::from_name("frobnicate"), None);
    }
}
