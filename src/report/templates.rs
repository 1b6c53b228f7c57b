//! The report templates: the shipped ones of `report-templates/`, embedded in the binary, and a
//! client's `--templates DIR`, whose templates win by name. A client template can extend the
//! shipped one it replaces as `builtin/NAME`, and restyle a single block.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, LazyLock};

use minijinja::value::{Kwargs, Value, ValueKind};
use minijinja::{AutoEscape, Environment, State, UndefinedBehavior};

use super::charts::{self, Axis, Bar, NumberStyle, Point};
use super::context::Report;
use super::{filters, format};
use crate::error::{Error, ErrorKind};
use crate::location::SourceFile;
use crate::ruleset::CheckedRuleset;
use crate::ruleset::model::{Locale, Text, ValueFormat};
use crate::ruleset::yaml;

/// The shipped templates, by name.
const BUILTIN: [(&str, &str); 7] = [
    ("base.html", include_str!("../../report-templates/base.html")),
    ("style.css", include_str!("../../report-templates/style.css")),
    ("entity.html", include_str!("../../report-templates/entity.html")),
    ("portfolio.html", include_str!("../../report-templates/portfolio.html")),
    ("entity.md", include_str!("../../report-templates/entity.md")),
    ("portfolio.md", include_str!("../../report-templates/portfolio.md")),
    ("macros.html", include_str!("../../report-templates/macros.html")),
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

/// The escaping of Markdown templates.
const MARKDOWN: &str = "markdown";

pub fn builtin(name: &str) -> Option<&'static str> {
    BUILTIN.iter().find(|(n, _)| *n == name).map(|(_, text)| *text)
}

pub struct Templates {
    env: Environment<'static>,
}

impl Templates {
    /// The templates in `locale`, with the client's `overrides` folder, for `ruleset`'s labels.
    pub fn new(ruleset: &CheckedRuleset, locale: Locale, overrides: Option<PathBuf>) -> Templates {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
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
                let text = if value.is_safe() { value.to_string() } else { markdown_escape(&value.to_string()) };
                out.write_str(&text)
                    .map_err(|e| minijinja::Error::new(minijinja::ErrorKind::WriteFailure, e.to_string()))
            }
            _ => minijinja::escape_formatter(out, state, value),
        });
        env.set_loader(move |name| load(overrides.as_ref(), name));
        filters::register(&mut env, locale);
        register_report_filters(&mut env, ruleset, locale);
        register_charts(&mut env, locale);
        env.add_function("t", move |key: &str| -> Result<String, minijinja::Error> {
            let (zh, en) = STRINGS.get(key).ok_or_else(|| {
                minijinja::Error::new(
                    minijinja::ErrorKind::UndefinedError,
                    format!("no string `{key}` in strings.yaml"),
                )
            })?;
            Ok(match locale {
                Locale::ZhCn => zh.clone(),
                Locale::En => en.clone(),
            })
        });
        Templates { env }
    }

    /// Renders a template over a report's context. An error names the template, its line and
    /// what went wrong (`undefined value` and the expression).
    pub fn render(&self, name: &str, report: &Report) -> Result<String, Error> {
        let template = self.env.get_template(name).map_err(template_error)?;
        let mut text = template.render(Value::from(minijinja::value::Serde(report))).map_err(template_error)?;
        if !text.ends_with('\n') {
            text.push('\n');
        }
        Ok(text)
    }
}

fn load(overrides: Option<&PathBuf>, name: &str) -> Result<Option<String>, minijinja::Error> {
    if name.split('/').any(|part| part == ".." || part.is_empty()) {
        return Ok(None);
    }
    if let Some(shipped) = name.strip_prefix("builtin/") {
        return Ok(builtin(shipped).map(str::to_string));
    }
    if let Some(path) = overrides.map(|dir| dir.join(name)).filter(|path| path.is_file()) {
        return std::fs::read_to_string(&path).map(Some).map_err(|e| {
            minijinja::Error::new(
                minijinja::ErrorKind::InvalidOperation,
                format!("cannot read {}: {e}", path.display()),
            )
        });
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

/// A value in Markdown: a `|` cannot end a table cell, `<` cannot open HTML, and a line break
/// cannot end a row. Other characters stay as they are, so the file reads well in a diff.
fn markdown_escape(text: &str) -> String {
    text.replace('|', "\\|").replace('<', "&lt;").replace('>', "&gt;").replace(['\n', '\r'], " ")
}

fn is_html(state: &State) -> bool {
    matches!(state.auto_escape(), AutoEscape::Html)
}

fn number(value: &Value) -> Option<f64> {
    (value.kind() == ValueKind::Number).then(|| f64::try_from(value.clone()).ok()).flatten().filter(|v| v.is_finite())
}

fn value_format(value: &Value) -> ValueFormat {
    value
        .as_str()
        .and_then(|f| serde_json::from_value(serde_json::Value::String(f.to_string())).ok())
        .unwrap_or_default()
}

fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The filters that depend on the report: `as_kpi`, `delta`, `band`, `label`, `date`.
fn register_report_filters(env: &mut Environment<'static>, ruleset: &CheckedRuleset, locale: Locale) {
    // A value formatted like a KPI (or a scorecard row): `{{ row.target | as_kpi(row) }}`.
    env.add_filter("as_kpi", move |value: Value, kpi: Value| -> Result<String, minijinja::Error> {
        let format = value_format(&kpi.get_attr("format")?);
        let decimals = number(&kpi.get_attr("decimals")?).map(|d| d as u8);
        Ok(format::value(number(&value), format, decimals, locale))
    });
    // A change with an arrow, coloured by whether it is good: `{{ row.change | delta(row) }}`.
    env.add_filter(
        "delta",
        move |state: &State, change: Value, kpi: Option<Value>| -> Result<Value, minijinja::Error> {
            let Some(change) = number(&change) else { return Ok(Value::from(format::NO_DATA)) };
            let (format, decimals, lower) = match &kpi {
                Some(kpi) => (
                    value_format(&kpi.get_attr("format")?),
                    number(&kpi.get_attr("decimals")?).map(|d| d as u8),
                    kpi.get_attr("better")?.as_str() == Some("lower"),
                ),
                None => (ValueFormat::Number, Some(1), false),
            };
            let magnitude = match format {
                ValueFormat::Percent => format!("{}pp", format::fixed(change.abs() * 100.0, decimals.unwrap_or(1))),
                _ => format::value(Some(change.abs()), format, decimals, locale),
            };
            let zero = magnitude.chars().all(|c| !c.is_ascii_digit() || c == '0');
            let (arrow, sign, direction) = if zero {
                ("▬", "", "flat")
            } else if change > 0.0 {
                ("▲", "+", "up")
            } else {
                ("▼", "-", "down")
            };
            let tone = match (direction, lower) {
                ("flat", _) => "flat",
                ("up", false) | ("down", true) => "good",
                _ => "bad",
            };
            let text = format!("{arrow} {sign}{magnitude}");
            Ok(if is_html(state) {
                Value::from_safe_string(format!(r#"<span class="delta {tone}">{}</span>"#, escape_html(&text)))
            } else {
                Value::from(text)
            })
        },
    );
    // A band's name as a badge (toned `good`, `mid` or `bad`): `{{ row.band | band(row.band_tone) }}`.
    env.add_filter("band", |state: &State, band: Value, tone: Option<Value>| -> Value {
        if band.is_none() || band.is_undefined() {
            return Value::from("");
        }
        let name = band.to_string();
        if !is_html(state) {
            return Value::from(name);
        }
        let tone = tone.and_then(|t| t.as_str().map(str::to_string)).unwrap_or_else(|| "mid".into());
        Value::from_safe_string(format!(r#"<span class="band {}">{}</span>"#, escape_html(&tone), escape_html(&name)))
    });
    // A KPI, measure or scorecard id, or a `{zh-CN, en}` map, in the report's language.
    let labels: HashMap<String, Text> = ruleset
        .model
        .kpis
        .iter()
        .filter_map(|(id, kpi)| kpi.label.clone().map(|l| (id.clone(), l)))
        .chain(ruleset.model.scorecards.iter().filter_map(|(id, s)| s.label.clone().map(|l| (id.clone(), l))))
        .chain(ruleset.model.measures.iter().filter_map(|(id, m)| m.label().cloned().map(|l| (id.clone(), l))))
        // An attribute reads best under the header it has in the client's file.
        .chain(ruleset.attributes.iter().map(|(id, attribute)| (id.clone(), Text::Plain(attribute.header.clone()))))
        .collect();
    let labels = Arc::new(labels);
    env.add_filter("label", move |value: Value| -> Result<String, minijinja::Error> {
        if let Some(id) = value.as_str() {
            return Ok(labels.get(id).and_then(|l| l.get(locale)).unwrap_or(id).to_string());
        }
        let text: Text = serde::Deserialize::deserialize(value).map_err(|e| {
            minijinja::Error::new(
                minijinja::ErrorKind::InvalidOperation,
                format!("`label` takes an id or a map keyed by locale: {e}"),
            )
        })?;
        Ok(text.get(locale).unwrap_or_default().to_string())
    });
    // A period label (`2026-10`, `2026-W05`, `2026-Q3`, `2026`) or a date, as a reader writes it.
    env.add_filter("date", move |value: Value| -> String { date(&value.to_string(), locale) });
}

/// `2026-10` → `2026年10月` / `October 2026`; `2026-10-31` → `2026年10月31日` / `31 October 2026`.
pub fn date(text: &str, locale: Locale) -> String {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let parts: Vec<&str> = text.split('-').collect();
    let number = |s: &str| s.parse::<usize>().ok();
    match (parts.as_slice(), locale) {
        ([year, month, day], Locale::ZhCn) => {
            format!("{year}年{}月{}日", number(month).unwrap_or(0), number(day).unwrap_or(0))
        }
        ([year, month, day], Locale::En) => {
            format!(
                "{} {} {year}",
                number(day).unwrap_or(0),
                MONTHS.get(number(month).unwrap_or(1).max(1) - 1).unwrap_or(&"")
            )
        }
        ([year, week], Locale::ZhCn) if week.starts_with('W') => {
            format!("{year}年第{}周", number(&week[1..]).unwrap_or(0))
        }
        ([year, week], Locale::En) if week.starts_with('W') => {
            format!("week {}, {year}", number(&week[1..]).unwrap_or(0))
        }
        ([year, quarter], Locale::ZhCn) if quarter.starts_with('Q') => format!("{year}年第{}季度", &quarter[1..]),
        ([year, quarter], Locale::En) if quarter.starts_with('Q') => format!("{quarter} {year}"),
        ([year, month], Locale::ZhCn) => format!("{year}年{}月", number(month).unwrap_or(0)),
        ([year, month], Locale::En) => {
            format!("{} {year}", MONTHS.get(number(month).unwrap_or(1).max(1) - 1).unwrap_or(&""))
        }
        ([year], Locale::ZhCn) => format!("{year}年"),
        _ => text.to_string(),
    }
}

/// `line_chart(kpi)`, `bar_chart(items, value=, label=, format=)`, `radar_chart(scorecard)`,
/// `sparkline(kpi)`: SVG in HTML reports; in Markdown, sparklines are text and other charts are
/// left out.
fn register_charts(env: &mut Environment<'static>, locale: Locale) {
    env.add_function("line_chart", move |state: &State, kpi: Value| -> Result<Value, minijinja::Error> {
        if !is_html(state) {
            return Ok(Value::from(charts::text_sparkline(&trend_values(&kpi)?)));
        }
        let trend = kpi.get_attr("trend")?;
        let mut periods = Vec::new();
        for point in trend.try_iter()? {
            periods.push((
                point.get_attr("period")?.to_string(),
                number(&point.get_attr("value")?),
                number(&point.get_attr("target")?),
            ));
        }
        let points: Vec<Point> =
            periods.iter().map(|(label, value, target)| Point { label, value: *value, target: *target }).collect();
        let style = NumberStyle {
            format: value_format(&kpi.get_attr("format")?),
            decimals: number(&kpi.get_attr("decimals")?).map(|d| d as u8),
            locale,
        };
        Ok(Value::from_safe_string(charts::line_chart(&points, style, &kpi.get_attr("label")?.to_string())))
    });
    env.add_function(
        "bar_chart",
        move |state: &State, items: Value, kwargs: Kwargs| -> Result<Value, minijinja::Error> {
            let value_key: String = kwargs.get::<Option<String>>("value")?.unwrap_or_else(|| "value".into());
            let label_key: String = kwargs.get::<Option<String>>("label")?.unwrap_or_else(|| "label".into());
            let format: Option<String> = kwargs.get("format")?;
            let title: Option<String> = kwargs.get("title")?;
            kwargs.assert_all_used()?;
            if !is_html(state) {
                return Ok(Value::from(""));
            }
            let mut rows = Vec::new();
            for item in items.try_iter()? {
                rows.push((item.get_attr(&label_key)?.to_string(), number(&item.get_attr(&value_key)?)));
            }
            let bars: Vec<Bar> = rows.iter().map(|(label, value)| Bar { label, value: *value }).collect();
            let style = NumberStyle {
                format: value_format(&Value::from(format.unwrap_or_default())),
                decimals: Some(1),
                locale,
            };
            Ok(Value::from_safe_string(charts::bar_chart(&bars, style, title.as_deref().unwrap_or_default())))
        },
    );
    env.add_function("radar_chart", move |state: &State, scorecard: Value| -> Result<Value, minijinja::Error> {
        if !is_html(state) {
            return Ok(Value::from(""));
        }
        let mut rows = Vec::new();
        for row in scorecard.get_attr("rows")?.try_iter()? {
            rows.push((row.get_attr("label")?.to_string(), number(&row.get_attr("score")?)));
        }
        let axes: Vec<Axis> = rows.iter().map(|(label, score)| Axis { label, score: *score }).collect();
        Ok(Value::from_safe_string(charts::radar_chart(&axes, locale, &scorecard.get_attr("label")?.to_string())))
    });
    env.add_function("sparkline", |state: &State, series: Value| -> Result<Value, minijinja::Error> {
        let values = trend_values(&series)?;
        if !is_html(state) {
            return Ok(Value::from(charts::text_sparkline(&values)));
        }
        let title =
            series.get_attr("label").ok().filter(|l| !l.is_undefined()).map(|l| l.to_string()).unwrap_or_default();
        Ok(Value::from_safe_string(charts::sparkline(&values, &title)))
    });
}

/// The values of a KPI's trend, or of a plain list of numbers.
fn trend_values(series: &Value) -> Result<Vec<Option<f64>>, minijinja::Error> {
    let list = match series.kind() {
        ValueKind::Seq => series.clone(),
        _ => series.get_attr("trend")?,
    };
    let mut values = Vec::new();
    for item in list.try_iter()? {
        values.push(match item.kind() {
            ValueKind::Map => number(&item.get_attr("value")?),
            _ => number(&item),
        });
    }
    Ok(values)
}
