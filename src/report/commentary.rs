//! The consultant's voice: a Markdown commentary beside the ruleset, one per period
//! (`commentary/2026-10.md`, in the portfolio) and one per entity and period
//! (`commentary/2026-10/晨光咖啡.md`, in its report). It is the consultant's text, not a template:
//! raw HTML in it is shown as text, links go only to the web or to mail, and images are their
//! description, in the HTML report and the Markdown one alike, so a report stays
//! self-contained and nothing in it runs.

use std::collections::HashMap;
use std::path::Path;

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd, html};
use serde::Serialize;

use crate::error::{Error, ErrorKind, Result};

/// The folder beside the ruleset.
pub const FOLDER: &str = "commentary";

/// The longest commentary read: a page of text is a few kilobytes.
const MAX_COMMENTARY_BYTES: u64 = 1024 * 1024;

/// A commentary as the report shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Commentary {
    /// Where it was read, relative to the ruleset's folder (`commentary/2026-10.md`): named in
    /// the working papers.
    pub file: String,
    /// As written, with raw HTML made text and links and images as in `html`: the Markdown
    /// report's.
    pub markdown: String,
    /// Rendered to HTML, every piece of text escaped: the HTML report's.
    pub html: String,
}

/// The commentaries of one period: the portfolio's, and each entity's by its name.
pub struct Commentaries {
    period: Option<Commentary>,
    entities: HashMap<String, Commentary>,
    /// The files not read: links leading out of the ruleset's folder.
    pub warnings: Vec<Error>,
}

impl Commentaries {
    /// The commentaries of `period` beside the ruleset in `base_dir`; none when there are none.
    /// An entity's file is found by listing the folder, never by joining its name to a path.
    pub fn read(base_dir: &Path, period: &str) -> Result<Commentaries> {
        let folder = base_dir.join(FOLDER);
        let mut warnings = Vec::new();
        let mut load = |path: &Path, name: String| -> Result<Option<Commentary>> {
            if crate::read::leads_out(base_dir, path) {
                let kind = ErrorKind::LinkLeadsOut { path: name };
                warnings.push(Error::new(kind).help("copy the commentary into the folder instead of linking to it"));
                return Ok(None);
            }
            load(path, name).map(Some)
        };
        let period_file = folder.join(format!("{period}.md"));
        let period_commentary = match period_file.is_file() {
            true => load(&period_file, format!("{FOLDER}/{period}.md"))?,
            false => None,
        };
        let mut entities = HashMap::new();
        let entity_folder = folder.join(period);
        if entity_folder.is_dir() {
            let listed = std::fs::read_dir(&entity_folder).map_err(|e| unreadable(&entity_folder, &e))?;
            for entry in listed {
                let path = entry.map_err(|e| unreadable(&entity_folder, &e))?.path();
                let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
                if let Some(entity) = name.strip_suffix(".md").filter(|_| path.is_file())
                    && let Some(commentary) = load(&path, format!("{FOLDER}/{period}/{name}"))?
                {
                    entities.insert(entity.to_string(), commentary);
                }
            }
        }
        Ok(Commentaries { period: period_commentary, entities, warnings })
    }

    pub fn of_period(&self) -> Option<Commentary> {
        self.period.clone()
    }

    pub fn of_entity(&self, entity: &str) -> Option<Commentary> {
        self.entities.get(entity).cloned()
    }
}

fn load(path: &Path, file: String) -> Result<Commentary> {
    let text = crate::read::text(path, MAX_COMMENTARY_BYTES).map_err(|e| unreadable(path, &e))?;
    Ok(Commentary { file, markdown: to_markdown(&text), html: to_html(&text) })
}

fn unreadable(path: &Path, error: &std::io::Error) -> Error {
    Error::new(ErrorKind::UnreadableFile { path: path.display().to_string(), message: error.to_string() })
}

/// The Markdown with `<` written as `&lt;`, so that no tag in it is read as HTML.
fn without_html(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;")
}

/// Whether a link's target is one a report may keep: the web or mail.
fn is_safe(target: &str) -> bool {
    ["https://", "http://", "mailto:"].iter().any(|s| target.to_lowercase().starts_with(s))
}

fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH
}

/// The Markdown as HTML: raw HTML becomes text, a link keeps its target only when it goes to
/// the web or to mail, and an image becomes its description.
fn to_html(text: &str) -> String {
    let mut in_image = false;
    let mut events = Vec::new();
    for event in Parser::new_ext(text, options()) {
        match event {
            Event::Start(Tag::Image { .. }) => in_image = true,
            Event::End(TagEnd::Image) => in_image = false,
            Event::Html(raw) | Event::InlineHtml(raw) => events.push(Event::Text(raw)),
            Event::Text(_) | Event::Code(_) if in_image => events.push(event),
            _ if in_image => {}
            Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
                let dest_url = if is_safe(&dest_url) { dest_url } else { CowStr::Borrowed("") };
                events.push(Event::Start(Tag::Link { link_type, dest_url, title, id }));
            }
            other => events.push(other),
        }
    }
    let mut out = String::new();
    html::push_html(&mut out, events.into_iter());
    out
}

/// The Markdown as written, but that raw HTML becomes text and, as in [`to_html`], a link to
/// anything but the web or mail and every image become their text.
fn to_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut kept_to = 0;
    let mut replaced: Option<(std::ops::Range<usize>, usize, String)> = None;
    for (event, range) in Parser::new_ext(text, options()).into_offset_iter() {
        match (&mut replaced, event) {
            (None, Event::Start(Tag::Image { .. })) => replaced = Some((range, 0, String::new())),
            (None, Event::Start(Tag::Link { dest_url, .. })) if !is_safe(&dest_url) => {
                replaced = Some((range, 0, String::new()));
            }
            (Some((_, depth, _)), Event::Start(_)) => *depth += 1,
            (Some((_, depth, _)), Event::End(_)) if *depth > 0 => *depth -= 1,
            (Some((_, _, words)), Event::Text(piece) | Event::Code(piece)) => words.push_str(&piece),
            (Some(_), Event::End(_)) => {
                let Some((range, _, words)) = replaced.take() else { continue };
                out.push_str(&without_html(&text[kept_to..range.start]));
                out.push_str(&crate::words::markdown(&words));
                kept_to = range.end;
            }
            _ => {}
        }
    }
    out.push_str(&without_html(&text[kept_to..]));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_in_a_commentary_is_text_and_only_web_links_are_kept() {
        let html = to_html(
            "**Good** month <script>alert(1)</script>\n\n[a](javascript:alert(1)) [b](https://x.cn) ![c](http://img)",
        );
        assert!(html.contains("<strong>Good</strong>"), "{html}");
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(html.contains(r#"<a href="https://x.cn">b</a>"#), "{html}");
        assert!(!html.contains("<img") && html.contains('c'), "{html}");
        assert_eq!(without_html("a <b> & c"), "a &lt;b> &amp; c");
    }

    /// The Markdown report keeps what the HTML one keeps: web and mail links; others and
    /// images become their text.
    #[test]
    fn links_and_images_in_markdown_are_filtered_as_in_html() {
        let markdown = to_markdown(
            "**Good** [a](javascript:alert(1)) [b](https://x.cn) [c](file:///etc/passwd) [d](data:text/html,x)\n\n\
             ![pixel](https://tracker/p.gif) [**e** f](JavaScript:x) <b>",
        );
        assert_eq!(markdown, "**Good** a [b](https://x.cn) c d\n\npixel e f &lt;b>");
    }
}
