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

/// Text a terminal shows as written: control characters (ESC, BEL, a carriage return…) and
/// invisible format characters ([`is_invisible`]: bidi overrides that show `1024.6 → 1042.2`
/// reversed, zero-width spaces) are escaped as `\u{1b}`, so a data cell can neither move the
/// cursor, recolour or retitle the terminal nor read as other text. Line breaks and tabs stay.
pub fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if (c.is_control() && c != '\n' && c != '\t') || is_invisible(c) {
            out.push_str(&c.escape_unicode().to_string());
        } else {
            out.push(c);
        }
    }
    out
}

/// What is drawn as nothing, yet changes how text reads or compares: Unicode's format
/// characters (general category Cf: zero-width spaces and joiners, bidi marks, embeddings,
/// overrides and isolates, the byte-order mark, the soft hyphen, tags) and the line and
/// paragraph separators.
const INVISIBLE: &[(u32, u32)] = &[
    (0x00AD, 0x00AD),
    (0x0600, 0x0605),
    (0x061C, 0x061C),
    (0x06DD, 0x06DD),
    (0x070F, 0x070F),
    (0x0890, 0x0891),
    (0x08E2, 0x08E2),
    (0x180E, 0x180E),
    (0x200B, 0x200F),
    (0x2028, 0x202E),
    (0x2060, 0x2064),
    (0x2066, 0x206F),
    (0xFEFF, 0xFEFF),
    (0xFFF9, 0xFFFB),
    (0x110BD, 0x110BD),
    (0x110CD, 0x110CD),
    (0x13430, 0x1343F),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0001, 0xE0001),
    (0xE0020, 0xE007F),
];

/// White space, as Unicode's White_Space property lists it: besides the ASCII spaces, the
/// next line, the no-break spaces, the ideographic space `　` and the other wide ones.
const WHITE_SPACE: &[(u32, u32)] = &[
    (0x0009, 0x000D),
    (0x0020, 0x0020),
    (0x0085, 0x0085),
    (0x00A0, 0x00A0),
    (0x1680, 0x1680),
    (0x2000, 0x200A),
    (0x2028, 0x2029),
    (0x202F, 0x202F),
    (0x205F, 0x205F),
    (0x3000, 0x3000),
];

/// Whether `c` is drawn as nothing (see [`INVISIBLE`]).
pub fn is_invisible(c: char) -> bool {
    let code = u32::from(c);
    INVISIBLE.iter().any(|(first, last)| (*first..=*last).contains(&code))
}

/// An entity's name as rows compare it, on every path: without the invisible characters it
/// can carry (a zero-width space, a bidi mark), without the white space around it (every kind
/// Unicode knows, the ideographic space too), and in Unicode's composed form (NFC), so that a
/// Mac's decomposed folder name and the name typed in accounts.csv are one account. A name
/// that is already so (nearly all) is only trimmed: a check per character, no copy. The
/// engines' SQL does the same (`sql::dialect`).
pub fn entity_name(name: &str) -> std::borrow::Cow<'_, str> {
    use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};
    let trimmed = name.trim();
    if !trimmed.chars().any(is_invisible) && is_nfc_quick(trimmed.chars()) == IsNormalized::Yes {
        return trimmed.into();
    }
    let visible: String = name.chars().filter(|c| !is_invisible(*c)).collect();
    visible.trim().nfc().collect::<String>().into()
}

/// What a name reads as on a page: its compatibility form (`Ａ` is `A`), without white space
/// or variation selectors, in lower case. Two names that differ but read alike are told apart
/// only by characters a reader cannot see.
pub fn printed_alike(name: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let kept = name.nfkc().filter(|c| !c.is_whitespace() && !('\u{FE00}'..='\u{FE0F}').contains(c));
    kept.flat_map(char::to_lowercase).collect()
}

/// A regular expression's class of the invisible characters, each written by `escape` (the
/// regular expressions' own escape of a code point: `\x{200B}` for Rust's, RE2 and Java's),
/// so that a query shows none of them raw.
pub fn invisible_class(escape: fn(u32) -> String) -> String {
    class(INVISIBLE, escape)
}

/// A regular expression's class of white space, as [`invisible_class`].
pub fn white_space_class(escape: fn(u32) -> String) -> String {
    class(WHITE_SPACE, escape)
}

/// `\x{200B}`: a code point as Rust's regular expressions, RE2 and Java's escape it.
pub fn braced_escape(code: u32) -> String {
    format!("\\x{{{code:X}}}")
}

fn class(ranges: &[(u32, u32)], escape: fn(u32) -> String) -> String {
    let ranges = ranges.iter().map(|&(first, last)| match first == last {
        true => escape(first),
        false => format!("{}-{}", escape(first), escape(last)),
    });
    format!("[{}]", ranges.collect::<String>())
}

/// Text from data in Markdown, read as the text it is wherever it stands: no character of it
/// starts a link or an image (`[点此领取](https://…)`, `![](https://tracker…)`), emphasis,
/// code, a strikethrough, HTML or an entity, ends a table cell (`|`) or a row (a line break),
/// and none at its start makes a heading, a list or a quote. Other characters stay as they
/// are, so the file reads well in a diff.
pub fn markdown(text: &str) -> String {
    let marker = block_marker(text);
    let mut out = String::with_capacity(text.len() + 8);
    for (at, c) in text.char_indices() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '~' | '|' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\n' | '\r' => out.push(' '),
            _ if Some(at) == marker => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

/// Where the character is that would make `text`, at a line's start, a heading (`# `), a list
/// (`- `, `+ `, `1. `, `1) `) or a rule or underline (`---`, `===`).
fn block_marker(text: &str) -> Option<usize> {
    let ends_marker = |after: &str| after.is_empty() || after.starts_with([' ', '\t']);
    let digits = text.len() - text.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    if digits > 0 {
        let after = text[digits..].strip_prefix(['.', ')'])?;
        return ends_marker(after).then_some(digits);
    }
    let first = text.chars().next().filter(|c| matches!(c, '#' | '-' | '+' | '='))?;
    let after = text.trim_start_matches(first);
    ends_marker(after).then_some(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped_for_the_terminal() {
        assert_eq!(printable("a\x1b]0;title\x07b\r\nc\td"), "a\\u{1b}]0;title\\u{7}b\\u{d}\nc\td");
        assert_eq!(printable("阅读率 31%"), "阅读率 31%");
    }

    /// A right-to-left override would show `1024.6 → 1042.2` as `2.2401 → 6.4201`; a
    /// zero-width space makes two names that print alike.
    #[test]
    fn bidi_and_invisible_format_characters_are_escaped_for_the_terminal() {
        assert_eq!(printable("a\u{202E}1024.6 → 1042.2"), "a\\u{202e}1024.6 → 1042.2");
        assert_eq!(
            printable("晨光\u{200B}咖啡\u{2066}x\u{2069}\u{FEFF}"),
            "晨光\\u{200b}咖啡\\u{2066}x\\u{2069}\\u{feff}"
        );
        assert!(!is_invisible('　') && !is_invisible('a') && !is_invisible('晨'));
        let names = ["a", " a\u{3000}", "\u{a0}a\t", "a\u{200B}", "\u{200B} a", "cafe\u{301}", "café"];
        let read: Vec<String> = names.iter().map(|n| entity_name(n).into_owned()).collect();
        assert_eq!(read, ["a", "a", "a", "a", "a", "café", "café"]);
    }

    /// Names written as links or images stay text, and so do the marks of emphasis, code,
    /// tables and blocks; numbers and plain names are unchanged.
    #[test]
    fn text_in_markdown_is_only_text() {
        assert_eq!(markdown("[点此领取](https://x.cn)"), "\\[点此领取\\](https://x.cn)");
        assert_eq!(markdown("![](https://tracker/p.gif)"), "!\\[\\](https://tracker/p.gif)");
        assert_eq!(
            markdown("a|<b>\nc & *d* `e` _f_ ~~g~~ \\"),
            "a\\|&lt;b&gt; c &amp; \\*d\\* \\`e\\` \\_f\\_ \\~\\~g\\~\\~ \\\\"
        );
        assert_eq!(markdown("# 标题"), "\\# 标题");
        assert_eq!(markdown("- item"), "\\- item");
        assert_eq!(markdown("1. 晨光"), "1\\. 晨光");
        assert_eq!(markdown("---"), "\\---");
        for plain in ["-12.5%", "#1", "1.5", "晨光咖啡", "2026-10", "+3"] {
            assert_eq!(markdown(plain), plain);
        }
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
