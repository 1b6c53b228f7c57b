//! The chart functions of report templates: `line_chart`, `bar_chart`, `radar_chart` and
//! `sparkline`, which read the report context and draw with [`super::charts`].

use minijinja::value::{Kwargs, Value, ValueKind};
use minijinja::{Environment, State};

use super::charts::{self, Axis, Bar, NumberStyle, Point};
use base64::Engine;

use super::escape::{self, is_html};
use super::filters::{shown_as, value_format};
use crate::locale::Locale;
use crate::texts::number;

type Drawn = Result<Value, minijinja::Error>;

/// `line_chart(kpi)`, `bar_chart(items, value=, label=, format=)`, `radar_chart(scorecard)`,
/// `sparkline(kpi)`: SVG in HTML reports, images in Word; in Markdown, sparklines and line
/// charts are text and other charts are left out.
pub fn register(env: &mut Environment<'static>, locale: Locale) {
    env.add_function("line_chart", move |state: &State, kpi: Value| line_chart(state, &kpi, locale));
    env.add_function("bar_chart", move |state: &State, items: Value, kwargs: Kwargs| {
        bar_chart(state, &items, &kwargs, locale)
    });
    env.add_function("radar_chart", move |state: &State, scorecard: Value| radar_chart(state, &scorecard, locale));
    env.add_function("sparkline", sparkline);
}

/// A chart where the output can show one: SVG in HTML; in a Word document's Markdown, an image
/// whose SVG travels as a data URL until the converter draws it ([`super::word`]); else
/// `otherwise`, text or nothing.
fn drawn(state: &State, title: &str, draw: impl FnOnce() -> String, otherwise: impl FnOnce() -> Drawn) -> Drawn {
    if is_html(state) {
        return Ok(Value::from_safe_string(draw()));
    }
    if state.lookup("output").is_some_and(|output| output.as_str() == Some("docx")) {
        let data = base64::engine::general_purpose::STANDARD.encode(draw());
        let image = format!("![{}](data:image/svg+xml;base64,{data})", escape::markdown(title));
        return Ok(Value::from_safe_string(image));
    }
    otherwise()
}

fn line_chart(state: &State, kpi: &Value, locale: Locale) -> Drawn {
    let mut periods = Vec::new();
    for point in kpi.get_attr("trend")?.try_iter()? {
        let (value, target) = (number(&point.get_attr("value")?), number(&point.get_attr("target")?));
        let previous_year = number(&point.get_attr("previous_year")?);
        let actions = point.get_attr("actions")?;
        let actions: Vec<String> = actions.try_iter().map(|a| a.map(|a| a.to_string()).collect()).unwrap_or_default();
        let action = (!actions.is_empty()).then(|| actions.join("; "));
        periods.push((point.get_attr("period")?.to_string(), value, target, previous_year, action));
    }
    let points: Vec<Point> = periods
        .iter()
        .map(|(label, value, target, previous_year, action)| Point {
            label,
            value: *value,
            target: *target,
            previous_year: *previous_year,
            action: action.as_deref(),
        })
        .collect();
    let (format, decimals) = shown_as(kpi)?;
    let style = NumberStyle { format, decimals, locale };
    let title = kpi.get_attr("label")?.to_string();
    let text = || Ok(Value::from(charts::text_sparkline(&trend_values(kpi)?)));
    drawn(state, &title, || charts::line_chart(&points, style, &title), text)
}

fn bar_chart(state: &State, items: &Value, kwargs: &Kwargs, locale: Locale) -> Drawn {
    let value_key: String = kwargs.get::<Option<String>>("value")?.unwrap_or_else(|| "value".into());
    let label_key: String = kwargs.get::<Option<String>>("label")?.unwrap_or_else(|| "label".into());
    let format: Option<String> = kwargs.get("format")?;
    let title: Option<String> = kwargs.get("title")?;
    kwargs.assert_all_used()?;
    let mut rows = Vec::new();
    for item in items.try_iter()? {
        rows.push((item.get_attr(&label_key)?.to_string(), number(&item.get_attr(&value_key)?)));
    }
    let bars: Vec<Bar> = rows.iter().map(|(label, value)| Bar { label, value: *value }).collect();
    let format = value_format(&Value::from(format.unwrap_or_default()));
    let style = NumberStyle { format, decimals: Some(1), locale };
    let title = title.unwrap_or_default();
    drawn(state, &title, || charts::bar_chart(&bars, style, &title), || Ok(Value::from("")))
}

fn radar_chart(state: &State, scorecard: &Value, locale: Locale) -> Drawn {
    let mut rows = Vec::new();
    for row in scorecard.get_attr("rows")?.try_iter()? {
        rows.push((row.get_attr("label")?.to_string(), number(&row.get_attr("score")?)));
    }
    let axes: Vec<Axis> = rows.iter().map(|(label, score)| Axis { label, score: *score }).collect();
    let title = scorecard.get_attr("label")?.to_string();
    drawn(state, &title, || charts::radar_chart(&axes, locale, &title), || Ok(Value::from("")))
}

fn sparkline(state: &State, series: Value) -> Drawn {
    let values = trend_values(&series)?;
    if !is_html(state) {
        return Ok(Value::from(charts::text_sparkline(&values)));
    }
    let title = series.get_attr("label").ok().filter(|l| !l.is_undefined()).map(|l| l.to_string()).unwrap_or_default();
    Ok(Value::from_safe_string(charts::sparkline(&values, &title)))
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
