//! The report templates: the shipped ones of `report-templates/`, embedded in the binary, and a
//! client's `--templates DIR`, whose templates win by name. A client template can extend the
//! shipped one it replaces as `builtin/NAME`, and restyle a single block.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::LazyLock;

use minijinja::value::Value;
use minijinja::{AutoEscape, Environment, UndefinedBehavior};

use super::context::Report;
use super::{drawing, escape, filters};
use crate::error::{Error, ErrorKind};
use crate::locale::Locale;
use crate::location::SourceFile;
use crate::ruleset::CheckedRuleset;
use crate::ruleset::yaml;
use crate::texts;

/// The shipped templates, by name.
const BUILTIN: [(&str, &str); 11] = [
    ("base.html", include_str!("../../report-templates/base.html")),
    ("style.css", include_str!("../../report-templates/style.css")),
    ("entity.html", include_str!("../../report-templates/entity.html")),
    ("portfolio.html", include_str!("../../report-templates/portfolio.html")),
    ("entity.md", include_str!("../../report-templates/entity.md")),
    ("portfolio.md", include_str!("../../report-templates/portfolio.md")),
    ("header.md", include_str!("../../report-templates/header.md")),
    ("working_papers.md", include_str!("../../report-templates/working_papers.md")),
    ("macros.html", include_str!("../../report-templates/macros.html")),
    ("book.html", include_str!("../../report-templates/book.html")),
    ("book.md", include_str!("../../report-templates/book.md")),
];

/// The fixed words of the shipped templates in each language: key → (zh-CN, en).
static STRINGS: LazyLock<HashMap<String, (String, String)>> = LazyLock::new(|| {
    let file = SourceFile::new("report-templates/strings.yaml", include_str!("../../report-templates/strings.yaml"));
    let tree = yaml::parse(&file).expect("the shipped strings are valid YAML");
    tree.entries()
        .iter()
        .map(|(key, texts)| {
            let text = |locale: &str| texts.get(locale).and_then(|n| n.text()).unwrap_or_default().to_string();
            (key.text().unwrap_or_default().to_string(), (text("zh-CN"), text("en")))
        })
        .collect()
});

/// The steps one report may take to render: the shipped entity report takes about a hundred
/// thousand; a client's template that loops without end stops here.
const REPORT_FUEL: u64 = 100_000_000;

/// The longest one report may be: the shipped entity report is about a hundred kilobytes, a
/// portfolio of a thousand accounts a few megabytes; a client's template that writes without
/// end stops here, before it fills the memory or the disk.
pub const MAX_REPORT_BYTES: usize = 256 * 1024 * 1024;

/// The largest template file read: the shipped ones are a few kilobytes.
const MAX_TEMPLATE_BYTES: u64 = 1024 * 1024;

/// The escaping of Markdown templates.
const MARKDOWN: &str = "markdown";

pub fn builtin(name: &str) -> Option<&'static str> {
    BUILTIN.iter().find(|(n, _)| *n == name).map(|(_, text)| *text)
}

pub struct Templates {
    env: Environment<'static>,
    locale: Locale,
}

impl Templates {
    /// The templates in `locale`, with the client's `overrides` folder (by default the
    /// ruleset's own `templates/`, when it has one), for `ruleset`'s labels.
    pub fn new(ruleset: &CheckedRuleset, locale: Locale, overrides: Option<PathBuf>) -> Templates {
        let overrides = overrides.or_else(|| Some(ruleset.home.join("templates")).filter(|dir| dir.is_dir()));
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_fuel(Some(REPORT_FUEL));
        set_escaping(&mut env);
        env.set_loader(move |name| load(overrides.as_ref(), name));
        texts::register_number_filters(&mut env, locale);
        filters::register(&mut env, ruleset, locale);
        drawing::register(&mut env, locale);
        env.add_function("t", move |key: &str| string(key, locale));
        Templates { env, locale }
    }

    /// A fixed word of the templates (strings.yaml) in the report's language.
    pub fn string(&self, key: &str) -> Result<String, Error> {
        string(key, self.locale).map_err(template_error)
    }

    /// Renders a template over a report's context, for a file in the `output` format (`html`,
    /// `md`, `pdf`, `docx`; templates see it as `output`). An error names the template, its
    /// line and what went wrong (`undefined value` and the expression).
    pub fn render(&self, name: &str, output: &str, report: &Report) -> Result<String, Error> {
        self.render_with(name, output, report, minijinja::context! {})
    }

    /// Renders a template over a report's context and `extra` values (a book's `book`).
    pub fn render_with(&self, name: &str, output: &str, report: &Report, extra: Value) -> Result<String, Error> {
        let template = self.env.get_template(name).map_err(template_error)?;
        let report = Value::from(minijinja::value::Serde(report));
        // The last map that has a name wins: `extra` over the report's own values.
        let context = minijinja::value::merge_maps([report, extra, minijinja::context! { output => output }]);
        let mut text = texts::render_within(&template, &context, MAX_REPORT_BYTES, "report").map_err(template_error)?;
        if !text.ends_with('\n') {
            text.push('\n');
        }
        Ok(text)
    }
}

/// A fixed word of the templates in `locale`; the key of one that is not there.
pub fn word(key: &str, locale: Locale) -> String {
    string(key, locale).unwrap_or_else(|_| key.to_string())
}

fn string(key: &str, locale: Locale) -> Result<String, minijinja::Error> {
    let (zh_cn, en) = STRINGS.get(key).ok_or_else(|| {
        let message = format!("no string `{key}` in strings.yaml");
        minijinja::Error::new(minijinja::ErrorKind::UndefinedError, message)
    })?;
    Ok(locale.pick(zh_cn, en).clone())
}

impl Templates {
    /// The title of a report of `kind` (`entity`, `portfolio`, `book`): its HTML template's
    /// `title` block, as the browser's tab shows it and the documents' properties name it.
    pub fn title(&self, kind: &str, report: &Report, extra: Value) -> Result<String, Error> {
        let template = self.env.get_template(&format!("{kind}.html")).map_err(template_error)?;
        let report = Value::from(minijinja::value::Serde(report));
        let context = minijinja::value::merge_maps([report, extra, minijinja::context! { output => "html" }]);
        let title =
            texts::render_block_within(&template, "title", &context, MAX_REPORT_BYTES).map_err(template_error)?;
        Ok(escape::html_text(title.trim()))
    }
}

/// Values are escaped as HTML in `.html` and `.svg` templates, as Markdown in `.md` ones.
fn set_escaping(env: &mut Environment<'static>) {
    env.set_auto_escape_callback(|name| {
        if name.ends_with(".html") || name.ends_with(".svg") {
            AutoEscape::Html
        } else if name.ends_with(".md") {
            AutoEscape::Custom(MARKDOWN.into())
        } else {
            AutoEscape::None
        }
    });
    env.set_formatter(|out, state, value| match state.auto_escape() {
        AutoEscape::Custom(name) if name == MARKDOWN => {
            let text = if value.is_safe() { value.to_string() } else { escape::markdown(&value.to_string()) };
            out.write_str(&text).map_err(|e| minijinja::Error::new(minijinja::ErrorKind::WriteFailure, e.to_string()))
        }
        _ => minijinja::escape_formatter(out, state, value),
    });
}

fn load(overrides: Option<&PathBuf>, name: &str) -> Result<Option<String>, minijinja::Error> {
    if name.split('/').any(|part| part == ".." || part.is_empty()) {
        return Ok(None);
    }
    if let Some(shipped) = name.strip_prefix("builtin/") {
        return Ok(builtin(shipped).map(str::to_string));
    }
    if let Some((dir, path)) = overrides.map(|dir| (dir, dir.join(name))).filter(|(_, path)| path.is_file()) {
        let cannot_read = |e: String| {
            let message = format!("cannot read {}: {e}", path.display());
            minijinja::Error::new(minijinja::ErrorKind::InvalidOperation, message)
        };
        if crate::read::leads_out(dir, &path) {
            return Err(cannot_read(format!("it is a link that leads out of {}", dir.display())));
        }
        return crate::read::text(&path, MAX_TEMPLATE_BYTES).map(Some).map_err(|e| cannot_read(e.to_string()));
    }
    Ok(builtin(name).map(str::to_string))
}

fn template_error(error: minijinja::Error) -> Error {
    let template = error.name().unwrap_or("?").to_string();
    let line = error.line().map_or(String::new(), |line| format!(", line {line}"));
    let mut message = error.detail().map_or_else(|| error.kind().to_string(), |d| format!("{}: {d}", error.kind()));
    if let Some(source) = std::error::Error::source(&error) {
        message.push_str(&format!(" ({source})"));
    }
    Error::new(ErrorKind::Template { template: format!("{template}{line}"), message })
}
