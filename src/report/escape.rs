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

/// Text in Markdown: a `|` cannot end a table cell, `<` cannot open HTML, and a line break
/// cannot end a row. Other characters stay as they are, so the file reads well in a diff.
pub fn markdown(text: &str) -> String {
    text.replace('|', "\\|").replace('<', "&lt;").replace('>', "&gt;").replace(['\n', '\r'], " ")
}

#[cfg(test)]
mod tests {
    #[test]
    fn markup_in_data_stays_text() {
        assert_eq!(super::html(r#"<b a="1">&</b>"#), "&lt;b a=&quot;1&quot;&gt;&amp;&lt;/b&gt;");
        assert_eq!(super::markdown("a|<b>\nc"), "a\\|&lt;b&gt; c");
    }
}
