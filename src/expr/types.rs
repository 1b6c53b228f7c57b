//! The value types of the expression language.

/// What a formula gives. `Any` is a value whose type is only known from the data (a source
/// column, an attribute, `null`); it fits wherever a type is wanted and is checked by the engine.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Type {
    Number,
    String,
    Boolean,
    Any,
}

impl Type {
    pub fn fits(self, wanted: Type) -> bool {
        self == wanted || self == Type::Any || wanted == Type::Any
    }

    /// The type two values share, if any: `if` branches, `coalesce` arguments.
    pub fn unify(self, other: Type) -> Option<Type> {
        match (self, other) {
            (Type::Any, t) | (t, Type::Any) => Some(t),
            (a, b) if a == b => Some(a),
            _ => None,
        }
    }

    pub fn article_name(self) -> &'static str {
        match self {
            Type::Number => "a number",
            Type::String => "a string",
            Type::Boolean => "a condition (true or false)",
            Type::Any => "a value",
        }
    }
}
