//! Renders errors the way rustc does: the message, the file position, the source line with a
//! caret under the offending characters, and a hint.
//!
//! ```text
//! error: unknown name `raeders`
//!   --> rulesets/acme.yaml:14:19
//!    |
//! 14 |     formula: raeders / followers
//!    |              ^^^^^^^
//!    = help: did you mean `readers`?
//! ```

use std::fmt::Write;

use unicode_width::UnicodeWidthStr;

use crate::error::{Error, Errors};

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
    out
}

/// Problems that did not stop the work, as `warning:` diagnostics.
pub fn render_warnings(warnings: &[Error]) -> String {
    let mut out = String::new();
    for warning in warnings {
        render_one(&mut out, warning, "warning");
        out.push('\n');
    }
    out
}

fn render_one(out: &mut String, error: &Error, level: &str) {
    let _ = writeln!(out, "{level}: {}", error.kind());
    let gutter = match error.location() {
        Some(location) => {
            let (line, column) = location.line_col();
            let number = line.to_string();
            let pad = " ".repeat(number.len());
            let _ = writeln!(out, "{pad}--> {}:{line}:{column}", location.file.path().display());
            let text = location.file.line(line);
            let line_start = location.file.line_start(line);
            let start = (location.span.start - line_start).min(text.len());
            let end = (location.span.end - line_start).clamp(start, text.len());
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

/// Columns a terminal gives the text: CJK characters take two, so carets line up under them.
fn display_width(text: &str) -> usize {
    UnicodeWidthStr::width(text.replace('\t', " ").as_str())
}
