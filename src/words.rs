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

/// Text a spreadsheet shows as written, never as a formula: a cell that starts with `=`, `+`,
/// `-`, `@` (or their full-width forms), a tab or a carriage return gets a `'` before it, which
/// Excel, LibreOffice and Google Sheets read as "text follows". An entity named
/// `=HYPERLINK(…)` in an export stays a name.
pub fn spreadsheet_text(text: &str) -> std::borrow::Cow<'_, str> {
    let starts_a_formula = text.starts_with(['=', '+', '-', '@', '\t', '\r', '＝', '＋', '－', '＠']);
    match starts_a_formula {
        true => format!("'{text}").into(),
        false => text.into(),
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
    fn a_cell_that_would_start_a_formula_is_text_in_a_spreadsheet() {
        assert_eq!(spreadsheet_text("=HYPERLINK(\"http://x\",\"y\")"), "'=HYPERLINK(\"http://x\",\"y\")");
        assert_eq!(spreadsheet_text("@SUM(1+1)|cmd"), "'@SUM(1+1)|cmd");
        for text in ["+1", "-2", "\tx", "\rx", "＝1"] {
            assert!(spreadsheet_text(text).starts_with('\''), "{text:?}");
        }
        assert_eq!(spreadsheet_text("晨光会员俱乐部"), "晨光会员俱乐部");
        assert_eq!(spreadsheet_text("a=b"), "a=b");
    }

    #[test]
    fn lists_read_as_a_sentence() {
        assert_eq!(quoted(["x", "n"]), "`x`, `n`");
        assert_eq!(one_of(["a map", "a list", "a map", "a string"]), "a map, a list or a string");
        assert_eq!(one_of(["a value"]), "a value");
    }
}
