//! The filters report templates have besides the number filters of every text: `as_kpi`,
//! `delta`, `band`, `label`, `date`, `code` and `column_groups`.

use std::collections::HashMap;
use std::sync::Arc;

use minijinja::value::Value;
use minijinja::{Environment, State};

use super::escape::{self, is_html};
use crate::format::{self, Direction, ValueFormat};
use crate::locale::Locale;
use crate::ruleset::CheckedRuleset;
use crate::ruleset::model::Text;
use crate::texts::number;

pub fn register(env: &mut Environment<'static>, ruleset: &CheckedRuleset, locale: Locale) {
    // A value formatted like a KPI (or a scorecard row): `{{ row.target | as_kpi(row) }}`.
    env.add_filter("as_kpi", move |value: Value, kpi: Value| -> Result<String, minijinja::Error> {
        let (format, decimals) = shown_as(&kpi)?;
        Ok(format::value(number(&value), format, decimals, locale))
    });
    env.add_filter("delta", move |state: &State, change: Value, kpi: Option<Value>| delta(state, &change, kpi, locale));
    env.add_filter("band", band);
    env.add_filter("attainment", |value: Value| {
        number(&value).map_or_else(|| format::NO_DATA.to_string(), format::attainment)
    });
    let labels = Arc::new(labels(ruleset, locale));
    env.add_filter("label", move |value: Value| label(&labels, value, locale));
    // A period label (`2026-10`, `2026-W05`, `2026-Q3`, `2026`) or a date, as a reader writes it.
    env.add_filter("date", move |value: Value| -> String { date(&value.to_string(), locale) });
    // A wide table's columns in groups of at most `most`, as even as they can be, each a table
    // of its own that repeats the first column: `{% for g in columns | column_groups(8) %}`
    // gives `g.start` and `g.end` for `columns[g.start:g.end]`.
    env.add_filter("column_groups", |columns: Value, most: usize| -> Result<Value, minijinja::Error> {
        Ok(Value::from(minijinja::value::Serde(column_groups(columns.len().unwrap_or(0), most))))
    });
    // A formula, a name or a hash as code, exactly as written: `{{ step.text | code }}`.
    env.add_filter("code", |state: &State, value: Value| -> Value {
        let text = value.to_string();
        match is_html(state) {
            true => Value::from_safe_string(format!("<code>{}</code>", escape::html(&text))),
            false => Value::from_safe_string(escape::markdown_code(&text)),
        }
    });
}

#[derive(serde::Serialize, Debug, PartialEq)]
struct ColumnGroup {
    start: usize,
    end: usize,
}

/// `columns` in the fewest groups of at most `most`, the first ones larger by one where they
/// cannot all be alike: 15 columns by 8 are 8 and 7.
fn column_groups(columns: usize, most: usize) -> Vec<ColumnGroup> {
    let groups = columns.div_ceil(most.max(1)).max(1);
    let (size, larger) = (columns / groups, columns % groups);
    let mut start = 0;
    (0..groups)
        .map(|group| {
            let end = start + size + usize::from(group < larger);
            let found = ColumnGroup { start, end };
            start = end;
            found
        })
        .collect()
}

/// The format and decimals of a KPI (or of a scorecard row) in the report context.
pub fn shown_as(kpi: &Value) -> Result<(ValueFormat, Option<u8>), minijinja::Error> {
    Ok((value_format(&kpi.get_attr("format")?), number(&kpi.get_attr("decimals")?).map(|d| d as u8)))
}

/// A format written as in the ruleset (`percent`); a number for anything else.
pub fn value_format(format: &Value) -> ValueFormat {
    let format = format.as_str().and_then(|f| serde_json::from_value(serde_json::Value::String(f.to_string())).ok());
    format.unwrap_or_default()
}

/// A change with an arrow, coloured by whether it is good: `{{ row.change | delta(row) }}`.
/// Percent KPIs change by percentage points.
fn delta(state: &State, change: &Value, kpi: Option<Value>, locale: Locale) -> Result<Value, minijinja::Error> {
    let Some(change) = number(change) else { return Ok(Value::from(format::NO_DATA)) };
    let ((format, decimals), lower) = match &kpi {
        Some(kpi) => (shown_as(kpi)?, kpi.get_attr("better")?.as_str() == Some("lower")),
        None => ((ValueFormat::Number, Some(1)), false),
    };
    let magnitude = match format {
        ValueFormat::Percent => format::points(change.abs(), decimals.unwrap_or(1), locale),
        _ => format::value(Some(change.abs()), format, decimals, locale),
    };
    let direction = Direction::of(change, &magnitude);
    let arrow = match direction {
        Direction::Up => "▲",
        Direction::Down => "▼",
        Direction::Flat => "▬",
    };
    let tone = match (direction, lower) {
        (Direction::Flat, _) => "flat",
        (Direction::Up, false) | (Direction::Down, true) => "good",
        _ => "bad",
    };
    let text = format!("{arrow} {}{magnitude}", direction.sign());
    Ok(if is_html(state) {
        Value::from_safe_string(format!(r#"<span class="delta {tone}">{}</span>"#, escape::html(&text)))
    } else {
        Value::from(text)
    })
}

/// A band as a badge coloured by its tone: `{{ row.band_label | band(row.band_tone) }}`.
fn band(state: &State, band: Value, tone: Option<Value>) -> Value {
    if band.is_none() || band.is_undefined() {
        return Value::from("");
    }
    let name = band.to_string();
    if !is_html(state) {
        return Value::from(name);
    }
    let tone = tone.and_then(|t| t.as_str().map(str::to_string)).unwrap_or_else(|| "neutral".into());
    Value::from_safe_string(format!(r#"<span class="band {}">{}</span>"#, escape::html(&tone), escape::html(&name)))
}

/// The labels of the ruleset's KPIs, scorecards, measures, attributes and sources, by id.
fn labels(ruleset: &CheckedRuleset, locale: Locale) -> HashMap<String, Text> {
    let model = &ruleset.model;
    let kpis = model.kpis.iter().filter_map(|(id, kpi)| kpi.label.clone().map(|l| (id.clone(), l)));
    let scorecards = model.scorecards.iter().filter_map(|(id, s)| s.label.clone().map(|l| (id.clone(), l)));
    let measures = model.measures.iter().filter_map(|(id, m)| m.label().cloned().map(|l| (id.clone(), l)));
    let attributes = ruleset
        .attributes
        .keys()
        .filter_map(|id| ruleset.attribute_label(id, locale).map(|label| (id.clone(), Text::Plain(label))));
    let sources = model.sources.iter().filter_map(|(id, s)| s.label.clone().map(|l| (id.clone(), l)));
    sources.chain(kpis).chain(scorecards).chain(measures).chain(attributes).collect()
}

/// A KPI, measure or scorecard id, or a `{zh-CN, en}` map, in the report's language.
fn label(labels: &HashMap<String, Text>, value: Value, locale: Locale) -> Result<String, minijinja::Error> {
    if let Some(id) = value.as_str() {
        return Ok(labels.get(id).and_then(|l| l.get(locale)).unwrap_or(id).to_string());
    }
    let text: Text = serde::Deserialize::deserialize(value).map_err(|e| {
        let message = format!("`label` takes an id or a map keyed by locale: {e}");
        minijinja::Error::new(minijinja::ErrorKind::InvalidOperation, message)
    })?;
    Ok(text.get(locale).unwrap_or_default().to_string())
}

/// `2026-10` → `2026年10月` / `October 2026`; `2026-YTD` → `2026年初至今` / `2026 year to date`; `2026-10-31` → `2026年10月31日` / `31 October 2026`.
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
        ([year, "YTD"], Locale::ZhCn) => format!("{year}年初至今"),
        ([year, "YTD"], Locale::En) => format!("{year} year to date"),
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

#[cfg(test)]
mod tests {
    use super::{ColumnGroup, column_groups, date};
    use crate::locale::Locale;

    #[test]
    fn a_period_label_reads_as_the_report_language_writes_it() {
        let cases = [("2026-10", "2026年10月", "October 2026"), ("2026-Q3", "2026年第3季度", "Q3 2026")];
        let cases = cases.into_iter().chain([("2026-YTD", "2026年初至今", "2026 year to date")]);
        for (label, zh, en) in cases {
            assert_eq!((date(label, Locale::ZhCn).as_str(), date(label, Locale::En).as_str()), (zh, en));
        }
    }

    #[test]
    fn wide_tables_split_into_even_groups_of_at_most_the_limit() {
        let spans = |columns, most| -> Vec<(usize, usize)> {
            column_groups(columns, most).into_iter().map(|ColumnGroup { start, end }| (start, end)).collect()
        };
        assert_eq!(spans(15, 8), [(0, 8), (8, 15)]);
        assert_eq!(spans(17, 8), [(0, 6), (6, 12), (12, 17)]);
        assert_eq!(spans(5, 8), [(0, 5)]);
        assert_eq!(spans(0, 8), [(0, 0)]);
    }
}
