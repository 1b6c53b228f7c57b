//! The ruleset file: its model, loading (with positions and `extends`), and validation.

pub mod builtin;
pub mod checked;
pub mod dependants;
pub mod emit;
pub mod labels;
pub mod load;
pub mod lookback;
pub mod merge;
pub mod model;
pub mod namespace;
pub mod order;
pub mod shape;
pub mod uses;
pub mod validate;
pub mod yaml;

pub use checked::CheckedRuleset;
pub use load::{Loaded, RulesetFiles, load, load_from, load_text};
pub use lookback::Lookback;
pub use model::Ruleset;
pub use validate::validate;
