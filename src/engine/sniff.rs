//! What a file's sample rows say about how to read it: the date format, and whether a column
//! holds plain numbers, numbers written for people (`1,234`, `12.5%`, `10万+`), or text.

use chrono::{NaiveDate, NaiveDateTime};

/// Date formats tried, in order, when a source sets no `date_format`.
/// Day-month orders that differ between countries are left to `date_format`.
const DATE_FORMATS: [&str; 5] = ["%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%Y.%m.%d", "%Y年%m月%d日"];
const DATETIME_FORMATS: [&str; 6] =
    ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y年%m月%d日 %H:%M"];

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DateFormat {
    Date(String),
    DateTime(String),
    /// `2026-10`: a month written without its day.
    Month,
}

/// The first format that reads every non-empty sample value, or the value no format reads.
pub fn date_format<'a>(samples: impl Iterator<Item = &'a str> + Clone, declared: Option<&str>) -> Result<DateFormat, String> {
    let values = samples.map(str::trim).filter(|v| !v.is_empty());
    if let Some(format) = declared {
        let is_datetime = format.contains("%H");
        return match values.clone().find(|v| !parses(v, format, is_datetime)) {
            None if is_datetime => Ok(DateFormat::DateTime(format.to_string())),
            None => Ok(DateFormat::Date(format.to_string())),
            Some(bad) => Err(bad.to_string()),
        };
    }
    for format in DATE_FORMATS {
        if values.clone().all(|v| parses(v, format, false)) {
            return Ok(DateFormat::Date(format.to_string()));
        }
    }
    for format in DATETIME_FORMATS {
        if values.clone().all(|v| parses(v, format, true)) {
            return Ok(DateFormat::DateTime(format.to_string()));
        }
    }
    if values.clone().all(|v| parses(&format!("{v}-01"), "%Y-%m-%d", false)) {
        return Ok(DateFormat::Month);
    }
    let bad = values.clone().find(|v| !DATE_FORMATS.iter().any(|f| parses(v, f, false)));
    Err(bad.or_else(|| values.clone().next()).unwrap_or_default().to_string())
}

fn parses(value: &str, format: &str, is_datetime: bool) -> bool {
    if is_datetime {
        NaiveDateTime::parse_from_str(value, format).is_ok()
    } else {
        NaiveDate::parse_from_str(value, format).is_ok()
    }
}

/// How a column's values are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NumberStyle {
    /// Plain numbers (or empty): the CSV reader parses them natively.
    Plain,
    /// Numbers with separators, percent signs, `万`, or placeholders like `-`: cleaned first.
    Written,
    /// Not numbers.
    Text,
}

pub fn number_style<'a>(samples: impl Iterator<Item = &'a str> + Clone) -> NumberStyle {
    let values = samples.map(str::trim).filter(|v| !v.is_empty());
    if values.clone().all(|v| v.parse::<f64>().is_ok_and(f64::is_finite)) {
        NumberStyle::Plain
    } else if values.clone().all(|v| written_number(v).is_some() || is_placeholder(v)) {
        NumberStyle::Written
    } else {
        NumberStyle::Text
    }
}

/// `-`, `--`, `—`, `N/A`: how exports write "no value".
pub fn is_placeholder(value: &str) -> bool {
    matches!(value, "-" | "--" | "—" | "N/A" | "n/a" | "NA" | "null" | "NULL")
}

/// A number as people write it: `1,234`, `12.5%`, `3.2万`, `10万+`.
pub fn written_number(value: &str) -> Option<f64> {
    let value = value.trim().trim_end_matches('+').replace([',', '，', ' '], "");
    let (digits, scale) = if let Some(d) = value.strip_suffix('%') {
        (d, 0.01)
    } else if let Some(d) = value.strip_suffix('万') {
        (d, 1e4)
    } else if let Some(d) = value.strip_suffix('亿') {
        (d, 1e8)
    } else {
        (value.as_str(), 1.0)
    };
    digits.parse::<f64>().ok().filter(|v| v.is_finite()).map(|v| v * scale)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_date_format_that_reads_every_sample() {
        let iso = ["2026-10-01", "2026-10-31"];
        assert_eq!(date_format(iso.into_iter(), None), Ok(DateFormat::Date("%Y-%m-%d".into())));
        let slashes = ["2026/1/5", "2026/12/31"];
        assert_eq!(date_format(slashes.into_iter(), None), Ok(DateFormat::Date("%Y/%m/%d".into())));
        let chinese = ["2026年10月01日"];
        assert_eq!(date_format(chinese.into_iter(), None), Ok(DateFormat::Date("%Y年%m月%d日".into())));
        let times = ["2026-10-01 08:30:00"];
        assert_eq!(date_format(times.into_iter(), None), Ok(DateFormat::DateTime("%Y-%m-%d %H:%M:%S".into())));
        assert_eq!(date_format(["2026-10"].into_iter(), None), Ok(DateFormat::Month));
        assert_eq!(date_format(["2026-10-01", "合计"].into_iter(), None), Err("合计".into()));
    }

    #[test]
    fn tells_plain_numbers_from_written_numbers_and_text() {
        assert_eq!(number_style(["1", "2.5", "", "1e3"].into_iter()), NumberStyle::Plain);
        assert_eq!(number_style(["1,234", "12.5%", "-", "10万+"].into_iter()), NumberStyle::Written);
        assert_eq!(number_style(["brand", "sales"].into_iter()), NumberStyle::Text);
        assert_eq!(written_number("1,234"), Some(1234.0));
        assert_eq!(written_number("12.5%"), Some(0.125));
        assert_eq!(written_number("10万+"), Some(100000.0));
    }
}
