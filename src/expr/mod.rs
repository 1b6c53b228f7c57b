//! The expression language: grammar, syntax tree, functions, checking.

pub mod ast;
pub mod check;
pub mod functions;
pub mod ir;
pub mod parser;
pub mod types;
pub mod usage;

pub use ast::{Condition, Span, Spanned, SpannedExpr};
pub use check::{ColumnLookup, Namespace, Place, check};
pub use functions::{Better, Function};
pub use ir::{Ir, IrNode, Ref};
pub use parser::{SyntaxError, parse_condition, parse_formula};
pub use types::Type;
pub use usage::Usage;
