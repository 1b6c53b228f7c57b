//! Charts as inline SVG, drawn in Rust: a line chart with its target line, a bar chart, a radar
//! chart of a scorecard's KPI scores, and a sparkline. They are legible printed: a line chart is
//! drawn small (400 px) so that its 12.5 px text is about 8 pt in half an A4 page, in a
//! CJK-capable font stack. One notation throughout, as IBCS has it: the actual a solid line, the
//! target dashed, the previous year grey; meaning is carried by shape and words as well as
//! colour, a legend names only what is drawn, a value axis of positive numbers starts at zero,
//! and the latest value is written beside its point, never over the line.

use std::fmt::Write;

use unicode_width::UnicodeWidthChar;

use super::escape::html as escape;
use crate::format::{self, ValueFormat};
use crate::locale::Locale;

const FONT: &str = "'PingFang SC','Hiragino Sans GB','Microsoft YaHei','Noto Sans CJK SC','Source Han Sans SC','WenQuanYi Micro Hei',sans-serif";
const INK: &str = "#1f2937";
const MUTED: &str = "#6b7280";
const GRID: &str = "#e5e7eb";
const VALUE: &str = "#2563eb";
const TARGET: &str = "#d97706";
/// The previous year's line.
const PREVIOUS_YEAR: &str = "#9ca3af";
/// The text of a line chart's axes and legend.
const AXIS_TEXT: f64 = 12.5;

/// One point of a series; `None` is a period without data (the line breaks there).
pub struct Point<'a> {
    pub label: &'a str,
    pub value: Option<f64>,
    pub target: Option<f64>,
    /// The value of the same period a year before, where the data has it.
    pub previous_year: Option<f64>,
    /// What was done in the period, from the actions log: a marker on the chart.
    pub action: Option<&'a str>,
}

/// How the chart writes numbers.
#[derive(Clone, Copy)]
pub struct NumberStyle {
    pub format: ValueFormat,
    pub decimals: Option<u8>,
    pub locale: Locale,
}

impl NumberStyle {
    fn show(&self, value: f64) -> String {
        format::value(Some(value), self.format, self.decimals, self.locale)
    }
}

/// Words the charts write, in the report's language.
pub struct ChartWords {
    pub value: &'static str,
    pub target: &'static str,
    pub previous_year: &'static str,
    pub no_data: &'static str,
}

pub fn words(locale: Locale) -> ChartWords {
    locale.pick(
        ChartWords { value: "实际", target: "目标", previous_year: "上年同期", no_data: "无数据" },
        ChartWords { value: "Actual", target: "Target", previous_year: "Previous year", no_data: "No data" },
    )
}

fn open_svg(out: &mut String, width: u32, height: u32, title: &str) {
    let title = escape(title);
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" width="100%" role="img" aria-label="{title}" font-family="{FONT}" font-size="12" fill="{INK}"><title>{title}</title>"#
    );
}

/// Round, readable tick values covering `lo..hi`.
fn ticks(lo: f64, hi: f64, count: usize) -> Vec<f64> {
    let span = (hi - lo).max(f64::EPSILON);
    let raw = span / count as f64;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| span / s <= count as f64)
        .unwrap_or(10.0 * magnitude);
    let first = (lo / step).floor() as i64;
    let last = ((hi / step).ceil() as i64).max(first + 1);
    (first..=last).map(|k| k as f64 * step).collect()
}

/// The colour of an action's marker.
const ACTION: &str = "#7c3aed";

/// A line chart of a KPI over periods, with its target as a dashed line and the actions taken as
/// flags.
pub fn line_chart(points: &[Point], style: NumberStyle, title: &str) -> String {
    let mut out = String::new();
    open_svg(&mut out, LINE_CHART.width, LINE_CHART.height, title);
    let values: Vec<f64> =
        points.iter().flat_map(|p| [p.value, p.target, p.previous_year]).flatten().filter(|v| v.is_finite()).collect();
    let Some(plot) = LinePlot::new(&values, points.len()) else {
        let (x, y) = (LINE_CHART.width / 2, LINE_CHART.height / 2);
        let no_data = words(style.locale).no_data;
        let _ = write!(out, r#"<text x="{x}" y="{y}" text-anchor="middle" fill="{MUTED}">{no_data}</text></svg>"#);
        return out;
    };
    y_axis(&mut out, &plot, style);
    x_labels(&mut out, &plot, points);
    series(&mut out, &plot, points, style);
    legend(&mut out, points, style.locale);
    out
}

/// The size and margins of a line chart.
struct Frame {
    width: u32,
    height: u32,
    left: f64,
    right: f64,
    top: f64,
    bottom: f64,
}

/// The right margin holds the latest value, written beside its point.
const LINE_CHART: Frame = Frame { width: 400, height: 200, left: 58.0, right: 64.0, top: 32.0, bottom: 30.0 };

/// Where a line chart's periods and values are drawn.
struct LinePlot {
    ticks: Vec<f64>,
    periods: usize,
}

impl LinePlot {
    /// The plot of `periods` periods over `values`; `None` when there is nothing to draw.
    fn new(values: &[f64], periods: usize) -> Option<LinePlot> {
        if values.is_empty() || periods == 0 {
            return None;
        }
        let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        // From zero: a cost that moves from ¥25.50 to ¥26.75 is a small move, not a collapse.
        let lo = lo.min(0.0);
        Some(LinePlot { ticks: ticks(lo, if hi > lo { hi } else { lo + 1.0 }, 4), periods })
    }

    fn width(&self) -> f64 {
        f64::from(LINE_CHART.width) - LINE_CHART.left - LINE_CHART.right
    }

    fn x(&self, period: usize) -> f64 {
        let offset = match self.periods {
            1 => self.width() / 2.0,
            n => self.width() * period as f64 / (n - 1) as f64,
        };
        LINE_CHART.left + offset
    }

    fn y(&self, value: f64) -> f64 {
        let (low, high) = (self.ticks[0], *self.ticks.last().expect("two ticks at least"));
        let height = f64::from(LINE_CHART.height) - LINE_CHART.top - LINE_CHART.bottom;
        LINE_CHART.top + height * (1.0 - (value - low) / (high - low))
    }
}

/// A grid line and a label for each tick.
fn y_axis(out: &mut String, plot: &LinePlot, style: NumberStyle) {
    let (left, right) = (LINE_CHART.left, LINE_CHART.left + plot.width());
    for tick in &plot.ticks {
        let _ = write!(
            out,
            r#"<line x1="{left}" y1="{y:.1}" x2="{right:.1}" y2="{y:.1}" stroke="{GRID}"/><text x="{tx:.1}" y="{ty:.1}" text-anchor="end" fill="{MUTED}" font-size="{AXIS_TEXT}">{label}</text>"#,
            y = plot.y(*tick),
            tx = left - 6.0,
            ty = plot.y(*tick) + 4.0,
            label = escape(&style.show(*tick))
        );
    }
}

/// Every n-th period is labelled, counting back from the latest, so labels never crowd; a label
/// that would cross the chart's edge is aligned with it.
fn x_labels(out: &mut String, plot: &LinePlot, points: &[Point]) {
    let every = points.len().div_ceil(5).max(1);
    let y = f64::from(LINE_CHART.height) - LINE_CHART.bottom + 18.0;
    let width = f64::from(LINE_CHART.width);
    for (i, point) in points.iter().enumerate() {
        if (points.len() - 1 - i).is_multiple_of(every) {
            let (x, half) = (plot.x(i), drawn_width(point.label, AXIS_TEXT) / 2.0);
            let (x, anchor) = match () {
                _ if x + half > width - 2.0 => (width - 2.0, "end"),
                _ if x - half < 2.0 => (2.0, "start"),
                _ => (x, "middle"),
            };
            let _ = write!(
                out,
                r#"<text x="{x:.1}" y="{y:.1}" text-anchor="{anchor}" fill="{MUTED}" font-size="{AXIS_TEXT}">{}</text>"#,
                escape(point.label)
            );
        }
    }
}

/// The previous year as a grey line, the target as a dashed line, the values as a line with
/// dots, the latest value written to the right of its point.
fn series(out: &mut String, plot: &LinePlot, points: &[Point], style: NumberStyle) {
    let at = |pick: fn(&Point) -> Option<f64>| {
        points.iter().enumerate().map(move |(i, p)| pick(p).map(|v| (plot.x(i), plot.y(v))))
    };
    let previous_path = path(at(|p| p.previous_year));
    if !previous_path.is_empty() {
        let _ = write!(out, r#"<path d="{previous_path}" fill="none" stroke="{PREVIOUS_YEAR}" stroke-width="2"/>"#);
    }
    // Dots too: a year of data before the trend may give the previous year a single point.
    for (x, y) in at(|p| p.previous_year).flatten() {
        let _ = write!(out, r#"<circle cx="{x:.1}" cy="{y:.1}" r="3" fill="{PREVIOUS_YEAR}"/>"#);
    }
    let target_path = path(at(|p| p.target));
    if !target_path.is_empty() {
        let _ = write!(
            out,
            r#"<path d="{target_path}" fill="none" stroke="{TARGET}" stroke-width="2" stroke-dasharray="6 4"/>"#
        );
    }
    // Each action: a dotted line up from the period, a flag at its top, the action as its title.
    for (i, point) in points.iter().enumerate() {
        let Some(action) = point.action else { continue };
        let (x, bottom) = (plot.x(i), f64::from(LINE_CHART.height) - LINE_CHART.bottom);
        let _ = write!(
            out,
            r#"<g class="action"><title>{}</title><line x1="{x:.1}" y1="{bottom:.1}" x2="{x:.1}" y2="{top:.1}" stroke="{ACTION}" stroke-width="1.5" stroke-dasharray="2 3"/><path d="M{x:.1} {top:.1} l9 4 l-9 4 z" fill="{ACTION}"/></g>"#,
            escape(action),
            top = LINE_CHART.top
        );
    }
    let value_path = path(at(|p| p.value));
    if !value_path.is_empty() {
        let _ = write!(out, r#"<path d="{value_path}" fill="none" stroke="{VALUE}" stroke-width="2.5"/>"#);
    }
    for (x, y) in at(|p| p.value).flatten() {
        let _ = write!(out, r#"<circle cx="{x:.1}" cy="{y:.1}" r="3.5" fill="{VALUE}"/>"#);
    }
    if let Some((i, v)) = points.iter().enumerate().rev().find_map(|(i, p)| p.value.map(|v| (i, v))) {
        let _ = write!(
            out,
            r#"<text x="{:.1}" y="{:.1}" font-weight="600" fill="{VALUE}" font-size="{AXIS_TEXT}">{}</text>"#,
            plot.x(i) + 7.0,
            plot.y(v) + 4.0,
            escape(&fit(&style.show(v), LINE_CHART.right - 9.0, AXIS_TEXT))
        );
    }
}

/// The legend names each line that is drawn, in words, drawn as it is in the chart.
fn legend(out: &mut String, points: &[Point], locale: Locale) {
    let words = words(locale);
    let drawn = |pick: fn(&Point) -> Option<f64>| points.iter().any(|p| pick(p).is_some());
    let entries = [
        (drawn(|p| p.value), words.value, VALUE, ""),
        (drawn(|p| p.target), words.target, TARGET, r#" stroke-dasharray="6 4""#),
        (drawn(|p| p.previous_year), words.previous_year, PREVIOUS_YEAR, ""),
    ];
    let mut x = LINE_CHART.left;
    for (_, word, colour, dash) in entries.iter().filter(|(shown, ..)| *shown) {
        let _ = write!(
            out,
            r#"<line x1="{x:.1}" y1="12" x2="{:.1}" y2="12" stroke="{colour}" stroke-width="2.5"{dash}/><text x="{:.1}" y="16" font-size="{AXIS_TEXT}">{word}</text>"#,
            x + 22.0,
            x + 28.0,
        );
        x += 28.0 + drawn_width(word, AXIS_TEXT) + 16.0;
    }
    out.push_str("</svg>");
}

/// An SVG path through points, broken where a point is missing.
fn path(points: impl Iterator<Item = Option<(f64, f64)>>) -> String {
    let mut d = String::new();
    let mut drawing = false;
    for point in points {
        match point {
            Some((x, y)) => {
                let _ = write!(d, "{}{x:.1},{y:.1} ", if drawing { "L" } else { "M" });
                drawing = true;
            }
            None => drawing = false,
        }
    }
    d.trim_end().to_string()
}

/// One bar: a label and its value.
pub struct Bar<'a> {
    pub label: &'a str,
    pub value: Option<f64>,
}

/// Horizontal bars, each with its label and its value written out.
pub fn bar_chart(bars: &[Bar], style: NumberStyle, title: &str) -> String {
    let row = 26.0;
    let (width, top) = (560u32, 8.0);
    let height = (top * 2.0 + row * bars.len().max(1) as f64).ceil() as u32;
    let (label_w, value_w) = (150.0, 80.0);
    let plot_w = f64::from(width) - label_w - value_w;
    let words = words(style.locale);
    let mut out = String::new();
    open_svg(&mut out, width, height, title);
    let max = bars.iter().filter_map(|b| b.value).fold(0.0, f64::max);
    for (i, bar) in bars.iter().enumerate() {
        let y = top + row * i as f64;
        let _ = write!(
            out,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"#,
            label_w - 8.0,
            y + 17.0,
            escape(&fit(bar.label, label_w - 12.0, 12.0))
        );
        match bar.value {
            Some(v) => {
                let w = if max > 0.0 { (v.max(0.0) / max) * plot_w } else { 0.0 };
                let _ = write!(
                    out,
                    r#"<rect x="{label_w}" y="{:.1}" width="{w:.1}" height="{:.1}" rx="3" fill="{VALUE}"/><text x="{:.1}" y="{:.1}">{}</text>"#,
                    y + 4.0,
                    row - 8.0,
                    label_w + w + 6.0,
                    y + 17.0,
                    escape(&style.show(v))
                );
            }
            None => {
                let _ =
                    write!(out, r#"<text x="{label_w}" y="{:.1}" fill="{MUTED}">{}</text>"#, y + 17.0, words.no_data);
            }
        }
    }
    out.push_str("</svg>");
    out
}

/// `text` cut to fit `px` pixels at `font_size`, ending in `…` when cut.
fn fit(text: &str, px: f64, font_size: f64) -> String {
    if drawn_width(text, font_size) <= px {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = drawn_width("…", font_size);
    for c in text.chars() {
        used += drawn_width(c.encode_utf8(&mut [0; 4]), font_size);
        if used > px {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

/// About how wide `text` is drawn: a CJK character is as wide as the font is tall, others a
/// little over half of that.
fn drawn_width(text: &str, font_size: f64) -> f64 {
    text.chars().map(|c| if c.width() == Some(2) { font_size } else { 0.55 * font_size }).sum()
}

/// One axis of a radar chart: a KPI and its score.
pub struct Axis<'a> {
    pub label: &'a str,
    pub score: Option<f64>,
}

/// A scorecard's KPI scores on a radar, with the 100-point ring (on target) drawn and labelled.
/// Fewer than three KPIs make no radar: they are drawn as bars.
pub fn radar_chart(axes: &[Axis], locale: Locale, title: &str) -> String {
    let style = NumberStyle { format: ValueFormat::Number, decimals: Some(0), locale };
    if axes.len() < 3 {
        let bars: Vec<Bar> = axes.iter().map(|a| Bar { label: a.label, value: a.score }).collect();
        return bar_chart(&bars, style, title);
    }
    let radar = Radar { axes: axes.len() };
    let mut out = String::new();
    open_svg(&mut out, Radar::WIDTH as u32, Radar::HEIGHT as u32, title);
    radar.rings(&mut out);
    radar.axes(&mut out, axes, style);
    let scores = axes.iter().enumerate().map(|(i, a)| radar.point(i, a.score.unwrap_or(0.0).clamp(0.0, Radar::SCALE)));
    let _ = write!(
        out,
        r#"<polygon points="{}" fill="{VALUE}" fill-opacity="0.18" stroke="{VALUE}" stroke-width="2"/></svg>"#,
        Radar::corners(scores)
    );
    out
}

/// Where a radar of `axes` axes draws: scores from the centre out to [`Radar::SCALE`].
struct Radar {
    axes: usize,
}

impl Radar {
    /// Wide enough for a label of seven CJK characters and its score on either side.
    const WIDTH: f64 = 460.0;
    const HEIGHT: f64 = 350.0;
    const CENTRE: (f64, f64) = (Self::WIDTH / 2.0, Self::HEIGHT / 2.0);
    const RADIUS: f64 = 110.0;
    /// The score at the outer ring.
    const SCALE: f64 = 120.0;

    /// The point of axis `i` at `score`.
    fn point(&self, i: usize, score: f64) -> (f64, f64) {
        self.at(i, Self::RADIUS * score / Self::SCALE)
    }

    /// The point of axis `i` at `distance` from the centre; the first axis points up.
    fn at(&self, i: usize, distance: f64) -> (f64, f64) {
        let angle = -std::f64::consts::FRAC_PI_2 + std::f64::consts::TAU * i as f64 / self.axes as f64;
        (Self::CENTRE.0 + distance * angle.cos(), Self::CENTRE.1 + distance * angle.sin())
    }

    fn corners(points: impl Iterator<Item = (f64, f64)>) -> String {
        points.map(|(x, y)| format!("{x:.1},{y:.1}")).collect::<Vec<_>>().join(" ")
    }

    /// Rings at 50, 100 (on target, dashed) and 120 points, each labelled between the last axis
    /// and the first, where no corner of the scores' polygon is, over a white halo.
    fn rings(&self, out: &mut String) {
        for ring in [50.0, 100.0, 120.0] {
            let corners = Self::corners((0..self.axes).map(|i| self.point(i, ring)));
            let (stroke, dash) = if ring == 100.0 { (TARGET, r#" stroke-dasharray="6 4""#) } else { (GRID, "") };
            let _ = write!(out, r#"<polygon points="{corners}" fill="none" stroke="{stroke}"{dash}/>"#);
            let (x, y) = self.between_last_and_first(Self::RADIUS * ring / Self::SCALE);
            let _ = write!(
                out,
                r##"<text x="{x:.1}" y="{y:.1}" text-anchor="middle" font-size="9" fill="{MUTED}" stroke="#fff" stroke-width="3" paint-order="stroke">{ring}</text>"##
            );
        }
    }

    /// The point at `distance` from the centre, half-way between the last axis and the first.
    fn between_last_and_first(&self, distance: f64) -> (f64, f64) {
        let angle = -std::f64::consts::FRAC_PI_2 - std::f64::consts::PI / self.axes as f64;
        (Self::CENTRE.0 + distance * angle.cos(), Self::CENTRE.1 + distance * angle.sin() + 3.0)
    }

    /// A line for each axis, and its KPI and score at its end.
    fn axes(&self, out: &mut String, axes: &[Axis], style: NumberStyle) {
        let (cx, cy) = Self::CENTRE;
        for (i, axis) in axes.iter().enumerate() {
            let (x, y) = self.at(i, Self::RADIUS);
            let _ = write!(out, r#"<line x1="{cx}" y1="{cy}" x2="{x:.1}" y2="{y:.1}" stroke="{GRID}"/>"#);
            let (lx, ly) = self.at(i, Self::RADIUS + 18.0);
            let anchor = if (lx - cx).abs() < 1.0 {
                "middle"
            } else if lx > cx {
                "start"
            } else {
                "end"
            };
            let score = axis.score.map_or_else(|| format::NO_DATA.to_string(), |s| style.show(s));
            let room = match anchor {
                "start" => Self::WIDTH - lx,
                "end" => lx,
                _ => Self::WIDTH,
            } - 4.0;
            // The label on up to three lines, the score after it on the last; never over the edge.
            let room = room - drawn_width(&format!(" {score}"), 11.0);
            let mut lines = wrap(axis.label, room, 11.0, 3);
            let last = lines.pop().unwrap_or_default();
            lines.push(fit(&last, room, 11.0));
            // Labels above the centre grow upwards, the others downwards, away from the polygon.
            let top = if ly < cy - 1.0 { ly + 4.0 - 13.0 * (lines.len() - 1) as f64 } else { ly + 4.0 };
            let _ = write!(out, r#"<text text-anchor="{anchor}" font-size="11">"#);
            for (index, line) in lines.iter().enumerate() {
                let y = top + 13.0 * index as f64;
                let _ = write!(out, r#"<tspan x="{lx:.1}" y="{y:.1}">{}</tspan>"#, escape(line));
            }
            let _ = write!(out, r#"<tspan font-weight="600"> {}</tspan></text>"#, escape(&score));
        }
    }
}

/// `text` in lines of at most `px` drawn width, broken between words (or between CJK
/// characters), at most `max` lines; the last may be longer, for [`fit`] to cut.
fn wrap(text: &str, px: f64, font_size: f64, max: usize) -> Vec<String> {
    let mut lines: Vec<String> = vec![String::new()];
    for word in text.split_inclusive(|c: char| c == ' ' || c.width() == Some(2)) {
        let line = lines.last_mut().expect("one line at least");
        let fits = drawn_width(&format!("{line}{word}"), font_size) <= px;
        if fits || line.is_empty() || lines.len() == max {
            lines.last_mut().expect("one line at least").push_str(word);
        } else {
            lines.push(word.to_string());
        }
    }
    lines.into_iter().map(|line| line.trim_end().to_string()).collect()
}

/// A small inline line of recent values, with the latest one marked.
pub fn sparkline(values: &[Option<f64>], title: &str) -> String {
    let (width, height) = (96.0, 24.0);
    let mut out = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="sparkline" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" aria-label="{t}"><title>{t}</title>"#,
        t = escape(title)
    );
    let present: Vec<f64> = values.iter().flatten().copied().collect();
    if present.is_empty() {
        out.push_str("</svg>");
        return out;
    }
    let lo = present.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = present.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let span = if hi > lo { hi - lo } else { 1.0 };
    let x = |i: usize| 2.0 + (width - 4.0) * i as f64 / (values.len().max(2) - 1) as f64;
    let y = |v: f64| height - 3.0 - (height - 6.0) * (v - lo) / span;
    let d = path(values.iter().enumerate().map(|(i, value)| value.map(|v| (x(i), y(v)))));
    let _ = write!(out, r#"<path d="{d}" fill="none" stroke="{VALUE}" stroke-width="1.5"/>"#);
    if let Some((i, v)) = values.iter().enumerate().rev().find_map(|(i, v)| v.map(|v| (i, v))) {
        let _ = write!(out, r#"<circle cx="{:.1}" cy="{:.1}" r="2.5" fill="{VALUE}"/>"#, x(i), y(v));
    }
    out.push_str("</svg>");
    out
}

/// A sparkline in text, for Markdown: `▁▂▄▆█`, with `·` for a period without data.
pub fn text_sparkline(values: &[Option<f64>]) -> String {
    const BLOCKS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let present: Vec<f64> = values.iter().flatten().copied().collect();
    let lo = present.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = present.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    values
        .iter()
        .map(|value| match value {
            Some(v) if hi > lo => BLOCKS[(((v - lo) / (hi - lo)) * 7.0).round() as usize],
            Some(_) => BLOCKS[3],
            None => '·',
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_and_cover_the_range() {
        assert_eq!(ticks(0.0, 0.42, 4), [0.0, 0.2, 0.4, 0.6000000000000001]);
        assert_eq!(ticks(1200.0, 4800.0, 4), [1000.0, 2000.0, 3000.0, 4000.0, 5000.0]);
    }

    fn point<'a>(label: &'a str, value: f64, target: Option<f64>) -> Point<'a> {
        Point { label, value: Some(value), target, previous_year: None, action: None }
    }

    #[test]
    fn a_line_chart_starts_at_zero_and_its_legend_names_only_what_is_drawn() {
        let style = NumberStyle { format: ValueFormat::Currency, decimals: Some(2), locale: Locale::En };
        let points = [point("2026-09", 25.5, None), point("2026-10", 26.75, None)];
        let svg = line_chart(&points, style, "CPM");
        assert!(svg.contains(">¥0.00</text>"), "the axis from zero: {svg}");
        assert!(svg.contains(">Actual</text>") && !svg.contains(">Target</text>"), "no target is drawn: {svg}");
        let with_target = [point("2026-09", 25.5, Some(30.0)), point("2026-10", 26.75, Some(30.0))];
        assert!(line_chart(&with_target, style, "CPM").contains(">Target</text>"));
        // The latest value is written to the right of its point, which is the plot's right edge.
        let right = f64::from(LINE_CHART.width) - LINE_CHART.right;
        assert!(svg.contains(&format!(r#"<text x="{:.1}""#, right + 7.0)), "{svg}");
    }

    #[test]
    fn text_sparklines_scale_to_the_range_and_mark_gaps() {
        assert_eq!(text_sparkline(&[Some(1.0), Some(2.0), None, Some(3.0)]), "▁▅·█");
    }

    #[test]
    fn chart_text_is_escaped() {
        let svg = bar_chart(
            &[Bar { label: "<b>x</b>", value: Some(1.0) }],
            NumberStyle { format: ValueFormat::Number, decimals: None, locale: Locale::En },
            "t&t",
        );
        assert!(svg.contains("&lt;b&gt;x&lt;/b&gt;") && svg.contains("t&amp;t") && !svg.contains("<b>"));
    }

    #[test]
    fn labels_are_cut_by_their_drawn_width_so_cjk_ones_stay_inside_the_chart() {
        assert_eq!(fit("品牌提及量占比", 77.0, 11.0), "品牌提及量占比", "seven glyphs of 11 px fit in 77 px");
        assert_eq!(fit("品牌提及量占比", 60.0, 11.0), "品牌提及…");
        assert_eq!(fit("share of voice", 60.0, 11.0), "share of…", "Latin letters are narrower");
        let axes: Vec<Axis> = ["触达人数", "互动率", "内容分享率", "粉丝净增长", "品牌提及量占比"]
            .into_iter()
            .map(|label| Axis { label, score: Some(120.0) })
            .collect();
        assert!(radar_chart(&axes, Locale::ZhCn, "t").contains(">品牌提及量占比</tspan>"), "the side label fits whole");
    }

    #[test]
    fn a_long_radar_label_wraps_onto_a_second_line_before_it_is_cut() {
        assert_eq!(wrap("Share of voice", 60.0, 11.0, 2), ["Share of", "voice"]);
        assert_eq!(wrap("粉丝复合增长率（推广期）", 77.0, 11.0, 2), ["粉丝复合增长率", "（推广期）"]);
        let axes: Vec<Axis> = ["Reach", "Share rate", "Interaction rate", "Follower growth", "Share of voice"]
            .into_iter()
            .map(|label| Axis { label, score: Some(100.0) })
            .collect();
        let svg = radar_chart(&axes, Locale::En, "t");
        assert!(svg.contains(">Share of voice</tspan>") || svg.contains(">voice</tspan>"), "{svg}");
        assert!(!svg.contains('…'), "nothing is cut: {svg}");
    }
}
