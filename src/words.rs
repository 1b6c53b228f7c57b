//! How messages list things: `` `a`, `b`, `c` `` and "a, b or c".

use std::fmt::Display;

/// Names in backticks, separated by commas: `` `x`, `n` ``.
pub fn quoted<T: Display>(names: impl IntoIterator<Item = T>) -> String {
    names.into_iter().map(|name| format!("`{name}`")).collect::<Vec<_>>().join(", ")
}

/// Alternatives, each once, the last after "or": "a value, an operator or `then`".
pub fn one_of<T: AsRef<str>>(items: impl IntoIterator<Item = T>) -> String {
    let mut unique: Vec<String> = Vec::new();
    for item in items {
        if !unique.iter().any(|seen| seen == item.as_ref()) {
            unique.push(item.as_ref().to_string());
        }
    }
    match unique.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_read_as_a_sentence() {
        assert_eq!(quoted(["x", "n"]), "`x`, `n`");
        assert_eq!(one_of(["a map", "a list", "a map", "a string"]), "a map, a list or a string");
        assert_eq!(one_of(["a value"]), "a value");
    }
}
