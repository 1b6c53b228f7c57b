//! How messages list things (`` `a`, `b`, `c` `` and "a, b or c"), and how text from data is
//! made safe to print.

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

/// Text a terminal shows as written: control characters (ESC, BEL, a carriage return…) are
/// escaped as `\u{1b}`, so a data cell cannot move the cursor, recolour or retitle the
/// terminal. Line breaks and tabs stay.
pub fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() && c != '\n' && c != '\t' {
            out.push_str(&c.escape_unicode().to_string());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped_for_the_terminal() {
        assert_eq!(printable("a\x1b]0;title\x07b\r\nc\td"), "a\\u{1b}]0;title\\u{7}b\\u{d}\nc\td");
        assert_eq!(printable("阅读率 31%"), "阅读率 31%");
    }

    #[test]
    fn lists_read_as_a_sentence() {
        assert_eq!(quoted(["x", "n"]), "`x`, `n`");
        assert_eq!(one_of(["a map", "a list", "a map", "a string"]), "a map, a list or a string");
        assert_eq!(one_of(["a value"]), "a value");
    }
}
