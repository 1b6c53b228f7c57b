//! Renders errors the way rustc does: the message, the file position, the source line with a
//! caret under the offending characters, and a hint. Control characters (from data quoted in
//! a message) are escaped.
//!
//! ```text
//! error[E304]: unknown name `raeders`
//!   --> rulesets/acme.yaml:14:19
//!    |
//! 14 |     formula: raeders / followers
//!    |              ^^^^^^^
//!    = help: did you mean `readers`?
//! ```

use std::fmt::Write;

use unicode_width::UnicodeWidthStr;

use crate::error::{Error, Errors};
use crate::words;

pub fn render(errors: &Errors) -> String {
    let mut out = String::new();
    let mut count = 0;
    for error in errors.iter() {
        if count > 0 {
            out.push('\n');
        }
        render_one(&mut out, error, "error");
        count += 1;
    }
    if count > 1 {
        let _ = writeln!(out, "\nerror: {count} problems found");
    }
    words::printable(&out)
}

/// Problems that did not stop the work, as `warning[E…]:` diagnostics.
pub fn render_warnings(warnings: &[Error]) -> String {
    let mut out = String::new();
    for warning in warnings {
        render_one(&mut out, warning, "warning");
        out.push('\n');
    }
    words::printable(&out)
}

fn render_one(out: &mut String, error: &Error, level: &str) {
    let _ = writeln!(out, "{level}[{}]: {}", error.kind().code().as_str(), error.kind());
    let gutter = match error.location() {
        Some(location) => {
            let (line, column) = location.line_col();
            let number = line.to_string();
            let pad = " ".repeat(number.len());
            let _ = writeln!(out, "{pad}--> {}:{line}:{column}", location.file.path().display());
            let line_text = location.file.line(line);
            let line_start = location.file.line_start(line);
            let start = (location.span.start - line_start).min(line_text.len());
            let end = (location.span.end - line_start).clamp(start, line_text.len());
            let (text, start, end) = window(line_text, start, end);
            let text = text.as_str();
            let indent = display_width(&text[..start]);
            let carets = display_width(&text[start..end]).max(1);
            let _ = writeln!(out, "{pad} |");
            let _ = writeln!(out, "{number} | {}", text.replace('\t', " "));
            let _ = writeln!(out, "{pad} | {}{}", " ".repeat(indent), "^".repeat(carets));
            pad
        }
        None => String::new(),
    };
    for note in error.notes() {
        let _ = writeln!(out, "{gutter} = note: {note}");
    }
    if let Some(help) = error.help_text() {
        let _ = writeln!(out, "{gutter} = help: {help}");
    }
}

/// How many characters of a long line a diagnostic quotes, and how many of them before the
/// problem: enough to recognise the line, and the caret stays on the screen.
const QUOTED_CHARS: usize = 100;
const CONTEXT_CHARS: usize = 30;

/// The part of `line` a diagnostic quotes, and the byte range `start..end` inside it: a long
/// line is cut around the range, with `…` where it is cut.
fn window(line: &str, start: usize, end: usize) -> (String, usize, usize) {
    if line.chars().count() <= QUOTED_CHARS {
        return (line.to_string(), start, end);
    }
    let before: Vec<usize> = line[..start].char_indices().map(|(at, _)| at).collect();
    let from = before.len().checked_sub(CONTEXT_CHARS).map_or(0, |first| before[first]);
    let to = line[from..].char_indices().nth(QUOTED_CHARS).map_or(line.len(), |(at, _)| from + at);
    let prefix = if from > 0 { "…" } else { "" };
    let suffix = if to < line.len() { "…" } else { "" };
    let shift = |at: usize| at.min(to) - from + prefix.len();
    (format!("{prefix}{}{suffix}", &line[from..to]), shift(start), shift(end))
}

/// Columns a terminal gives the text: CJK characters take two, so carets line up under them.
fn display_width(text: &str) -> usize {
    UnicodeWidthStr::width(text.replace('\t', " ").as_str())
}

#[cfg(test)]
mod tests {
    use super::window;

    #[test]
    fn a_long_line_is_quoted_around_the_problem() {
        let line = format!("{}raeders{}", "a".repeat(150), "b".repeat(150));
        let (quoted, start, end) = window(&line, 150, 157);
        assert_eq!(&quoted[start..end], "raeders");
        assert!(quoted.starts_with('…') && quoted.ends_with('…'), "{quoted}");
        assert_eq!(quoted.chars().count(), 102);
        assert_eq!(window("short", 0, 5), ("short".to_string(), 0, 5));
    }
}
