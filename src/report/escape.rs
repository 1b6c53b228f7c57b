//! Escaping text from data for the two report formats, where filters and charts write markup
//! themselves (values that templates write are escaped by minijinja).

use minijinja::{AutoEscape, State};

/// Whether the template being rendered is HTML: filters then write markup.
pub fn is_html(state: &State) -> bool {
    matches!(state.auto_escape(), AutoEscape::Html)
}

/// Text in HTML: in an element or in a quoted attribute.
pub fn html(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The text HTML escaped: the entities minijinja and [`html`] write, read back.
pub fn html_text(html: &str) -> String {
    [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#x27;", "'"), ("&#x2f;", "/"), ("&amp;", "&")]
        .iter()
        .fold(html.to_string(), |text, (entity, character)| text.replace(entity, character))
}

/// Text in Markdown ([`crate::words::markdown`], which `kpi diff --format md` writes too).
pub use crate::words::markdown;

/// Text as code in Markdown, shown exactly as written: a code span fenced by one backtick
/// more than the longest run it holds, a line break a space, and `|` escaped (the one escape
/// a table cell reads inside code).
pub fn markdown_code(text: &str) -> String {
    let text = text.replace(['\n', '\r'], " ").replace('|', "\\|");
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') { " " } else { "" };
    format!("{fence}{pad}{text}{pad}{fence}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn markup_in_data_stays_text() {
        assert_eq!(super::html(r#"<b a="1">&</b>"#), "&lt;b a=&quot;1&quot;&gt;&amp;&lt;/b&gt;");
        assert_eq!(super::markdown_code("sum(users.new_follows)"), "`sum(users.new_follows)`");
        assert_eq!(super::markdown_code("a `b` | c"), "``a `b` \\| c``");
        assert_eq!(super::markdown_code("`x"), "`` `x ``");
        assert_eq!(super::html_text(&super::html("a&lt;b <c> \"d\"")), "a&lt;b <c> \"d\"");
    }
}
