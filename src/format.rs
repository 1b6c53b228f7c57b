//! Numbers as a reader expects them: `31.2%`, `12,345`, `¥1,234.50`, per locale. Every number
//! the product shows (terminal tables, explanations, reports, charts, diagnosis texts) is
//! written by this module.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::locale::Locale;

/// How a KPI value is shown.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ValueFormat {
    Integer,
    #[default]
    Number,
    Percent,
    Currency,
    Ratio,
}

/// Shown for a value that has no data.
pub const NO_DATA: &str = "—";

/// A KPI value in its format; `—` for no data.
pub fn value(value: Option<f64>, format: ValueFormat, decimals: Option<u8>, locale: Locale) -> String {
    let Some(value) = value else { return NO_DATA.to_string() };
    let decimals = shown_decimals(format, decimals);
    match format {
        ValueFormat::Percent => percent(value, decimals),
        ValueFormat::Integer | ValueFormat::Number | ValueFormat::Ratio => grouped(value, decimals),
        ValueFormat::Currency => money(value, decimals, locale),
    }
}

/// The decimals a value in `format` is shown with: the KPI's own, else one for a percent, none
/// for an integer, two otherwise.
fn shown_decimals(format: ValueFormat, decimals: Option<u8>) -> u8 {
    match format {
        ValueFormat::Integer => 0,
        ValueFormat::Percent => decimals.unwrap_or(1),
        ValueFormat::Number | ValueFormat::Ratio | ValueFormat::Currency => decimals.unwrap_or(2),
    }
}

/// The Excel number format that shows a value as [`value`] does, so that a workbook's cell
/// reads like the report while it stays a number: `0.0%`, `#,##0`, `"¥"#,##0.00`.
pub fn spreadsheet_code(format: ValueFormat, decimals: Option<u8>) -> String {
    let decimals = usize::from(shown_decimals(format, decimals));
    let fraction = if decimals == 0 { String::new() } else { format!(".{}", "0".repeat(decimals)) };
    match format {
        ValueFormat::Percent => format!("0{fraction}%"),
        ValueFormat::Integer | ValueFormat::Number | ValueFormat::Ratio => format!("#,##0{fraction}"),
        ValueFormat::Currency => format!("\"¥\"#,##0{fraction};-\"¥\"#,##0{fraction}"),
    }
}

/// A number of no particular kind (a part of a formula): whole numbers grouped, others with up
/// to four decimals.
pub fn plain(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        return grouped(value, 0);
    }
    let text = grouped(value, 4);
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// A KPI's attainment, the same in every table, text and appendix: `1.182` → `118%`.
pub fn attainment(attainment: f64) -> String {
    percent(attainment, 0)
}

/// A change of a percent, in percentage points: `0.012` → `1.2pp`, `1.2 个百分点` (a narrow
/// column may break the line before the Chinese unit).
pub fn points(change: f64, decimals: u8, locale: Locale) -> String {
    format!("{}{}", fixed(change * 100.0, decimals), locale.pick(" 个百分点", "pp"))
}

/// `0.3125` → `31.3%` (one decimal by default).
pub fn percent(fraction: f64, decimals: u8) -> String {
    format!("{}%", fixed(fraction * 100.0, decimals))
}

pub fn money(value: f64, decimals: u8, locale: Locale) -> String {
    let symbol = locale.pick("¥", "¥");
    let sign = if value < 0.0 { "-" } else { "" };
    format!("{sign}{symbol}{}", grouped(value.abs(), decimals))
}

/// Thousands separators, fixed decimals, rounded half away from zero: `12345.678` → `12,345.68`.
pub fn grouped(value: f64, decimals: u8) -> String {
    let text = fixed(value, decimals);
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text.as_str()),
    };
    let (whole, fraction) = match digits.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (digits, None),
    };
    let mut out = String::with_capacity(text.len() + whole.len() / 3);
    for (index, digit) in whole.chars().enumerate() {
        if index > 0 && (whole.len() - index).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    match fraction {
        Some(fraction) => format!("{sign}{out}.{fraction}"),
        None => format!("{sign}{out}"),
    }
}

/// `value` with `decimals` digits, half away from zero (Rust's `{:.N}` rounds half to even on
/// the binary value), and never `-0`.
pub fn fixed(value: f64, decimals: u8) -> String {
    let scale = 10f64.powi(i32::from(decimals));
    let scaled = value.abs() * scale;
    let rounded = (scaled + 0.5 + scaled * 8.0 * f64::EPSILON).floor() / scale;
    let signed = if value < 0.0 && rounded != 0.0 { -rounded } else { rounded };
    format!("{signed:.prec$}", prec = decimals as usize)
}

/// Which way a change went, as a reader sees it: a change shown as `0.0` is flat, whatever
/// its sign before rounding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Up,
    Down,
    Flat,
}

impl Direction {
    /// The direction of `change`, whose magnitude is shown as `shown`.
    pub fn of(change: f64, shown: &str) -> Direction {
        if shown.chars().all(|c| !c.is_ascii_digit() || c == '0') {
            Direction::Flat
        } else if change > 0.0 {
            Direction::Up
        } else {
            Direction::Down
        }
    }

    /// `+`, `-`, or nothing for a flat change.
    pub fn sign(self) -> &'static str {
        match self {
            Direction::Up => "+",
            Direction::Down => "-",
            Direction::Flat => "",
        }
    }
}

/// A change with its sign: `+12.3%`, `-3.50`, `0`. `magnitude` writes its absolute value.
pub fn signed(change: f64, magnitude: impl Fn(f64) -> String) -> String {
    let shown = magnitude(change.abs());
    format!("{}{shown}", Direction::of(change, &shown).sign())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_each_kind_of_value() {
        assert_eq!(value(Some(0.3125), ValueFormat::Percent, None, Locale::En), "31.3%");
        assert_eq!(value(Some(1234567.0), ValueFormat::Integer, None, Locale::En), "1,234,567");
        assert_eq!(value(Some(-1234.5), ValueFormat::Currency, None, Locale::ZhCn), "-¥1,234.50");
        assert_eq!(value(Some(2.675), ValueFormat::Number, None, Locale::En), "2.68");
        assert_eq!(value(None, ValueFormat::Number, None, Locale::En), "—");
        assert_eq!(fixed(-0.0001, 2), "0.00");
    }

    #[test]
    fn a_change_shown_as_zero_has_no_sign() {
        assert_eq!(signed(0.123, |v| percent(v, 1)), "+12.3%");
        assert_eq!(signed(-3.5, |v| grouped(v, 2)), "-3.50");
        assert_eq!(signed(-0.2, |v| grouped(v, 0)), "0");
        assert_eq!(Direction::of(0.0004, "0.0pp"), Direction::Flat);
    }
}
