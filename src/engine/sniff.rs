//! What a file's sample rows say about how to read it: the date format, and whether a column
//! holds plain numbers, numbers written for people (`1,234`, `12.5%`, `10万+`), or text.

use chrono::{NaiveDate, NaiveTime};

use super::numbers::{self, Decimal, Notation};

/// Date formats tried, in order, when a source sets no `date_format`. Day-month orders that
/// differ between countries are left to `date_format`.
const DATE_FORMATS: [&str; 5] = ["%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%Y.%m.%d", "%Y年%m月%d日"];

/// How exports label a total row in its date or entity cell, compared without white space
/// (`合　计`, `合 计`) and colons (`合计：`); such rows are left out.
pub const TOTAL_LABELS: [&str; 16] = [
    "合计",
    "总计",
    "小计",
    "汇总",
    "平均",
    "平均值",
    "Total",
    "TOTAL",
    "total",
    "Subtotal",
    "SubTotal",
    "subtotal",
    "SUBTOTAL",
    "GrandTotal",
    "grandtotal",
    "GRANDTOTAL",
];

/// What a cell's text is compared with [`TOTAL_LABELS`] as: without white space (Unicode's,
/// the ideographic space too) and colons.
pub const TOTAL_LABEL_NOISE: &str = r"[\s:：]";

/// Whether `cell` labels a total row.
pub fn is_total_label(cell: &str) -> bool {
    let key: String = cell.chars().filter(|c| !c.is_whitespace() && !matches!(c, ':' | '：')).collect();
    TOTAL_LABELS.contains(&key.as_str())
}

/// Words of a header that names a difference, which can be below 0 (`净增关注人数`,
/// `net change`), unlike a count.
const DIFFERENCE_WORDS: [&str; 14] = [
    "净", "增减", "变化", "变动", "差", "增长", "盈亏", "net", "change", "growth", "delta", "diff", "balance", "profit",
];

/// Whether a column of numbers holds counts, whose values below 0 the quality notes count:
/// whole numbers, under a header that does not name a difference (`净增`, `change`).
pub fn holds_counts(header: &str, whole_numbers: bool) -> bool {
    whole_numbers && !names_a_difference(header)
}

/// Whether a column's header names a difference rather than a count.
fn names_a_difference(header: &str) -> bool {
    let header = header.to_lowercase();
    DIFFERENCE_WORDS.iter().any(|word| header.contains(word))
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DateFormat {
    /// Dates in this strftime format; `timed` when some carry a time of day after them
    /// (`2026-10-01 08:30:00`), which is dropped: a period is at least a day.
    Date { format: String, timed: bool },
    /// `2026-10`: a month written without its day.
    Month,
}

/// The first format that reads every non-empty sample value, or the value no format reads.
pub fn date_format<'a>(
    samples: impl Iterator<Item = &'a str> + Clone,
    declared: Option<&str>,
) -> Result<DateFormat, String> {
    let values = samples.map(str::trim).filter(|v| !v.is_empty() && !is_total_label(v));
    let reads = |format: &str| -> Result<bool, String> {
        let mut timed = false;
        for value in values.clone() {
            match date_part(value, format) {
                Some(has_time) => timed |= has_time,
                None => return Err(value.to_string()),
            }
        }
        Ok(timed)
    };
    if let Some(format) = declared {
        return reads(format).map(|timed| DateFormat::Date { format: format.to_string(), timed });
    }
    for format in DATE_FORMATS {
        if let Ok(timed) = reads(format) {
            return Ok(DateFormat::Date { format: format.to_string(), timed });
        }
    }
    if values.clone().all(|v| NaiveDate::parse_from_str(&format!("{v}-01"), "%Y-%m-%d").is_ok()) {
        return Ok(DateFormat::Month);
    }
    // Dates written in two ways: the value to show is the first one the most common way does
    // not read, not a valid date that happens to come first.
    let read_by = |format: &str| values.clone().filter(|v| date_part(v, format).is_some()).count();
    let most = DATE_FORMATS.iter().rev().max_by_key(|format| read_by(format)).filter(|format| read_by(format) > 0);
    let bad = values.clone().find(|v| most.is_none_or(|format| date_part(v, format).is_none()));
    Err(bad.unwrap_or_default().to_string())
}

/// Whether a common date format reads `value` (with or without a time of day after it).
pub fn reads_as_date(value: &str) -> bool {
    DATE_FORMATS.iter().any(|format| date_part(value.trim(), format).is_some())
}

/// Whether `value` starts with a date in `format`, and if so whether a time follows it.
fn date_part(value: &str, format: &str) -> Option<bool> {
    let (_, rest) = NaiveDate::parse_and_remainder(value, format).ok()?;
    if rest.is_empty() {
        return Some(false);
    }
    // `2026年01月05日22时30分05秒`: a Chinese date, its time right after it.
    if format.ends_with('日') {
        let time = rest.trim();
        let read = ["%H时%M分%S秒", "%H时%M分", "%H:%M:%S", "%H:%M"];
        return read.iter().any(|f| NaiveTime::parse_from_str(time, f).is_ok()).then_some(true);
    }
    let time = rest.trim_start_matches(['T', ' ']);
    (rest.len() != time.len()
        && NaiveTime::parse_from_str(time.trim(), "%H:%M:%S%.f")
            .or_else(|_| NaiveTime::parse_from_str(time.trim(), "%H:%M"))
            .is_ok())
    .then_some(true)
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

/// How the sample writes a column's values: plain numbers, numbers the engine reads with
/// [`numbers::written_number`] (or placeholders for no value), or text.
pub fn number_style<'a>(samples: impl Iterator<Item = &'a str>, notation: Notation) -> NumberStyle {
    let values: Vec<&str> = samples.map(str::trim).filter(|v| !v.is_empty()).collect();
    let markers = notation.markers;
    // A source's own no-data markers are text to compare, not numbers to parse; where the
    // decimal mark is a comma, `1.234` is a thousand and more, which a plain reading is not.
    let plain = |v: &&str| {
        v.parse::<f64>().is_ok_and(f64::is_finite) && !(notation.decimal == Decimal::Comma && v.contains('.'))
    };
    if markers.is_empty() && values.iter().all(plain) {
        return NumberStyle::Plain;
    }
    let read = numbers::read(&values, notation);
    if values.iter().zip(read).all(|(value, number)| number.is_some() || numbers::is_placeholder(value, markers)) {
        NumberStyle::Written
    } else {
        NumberStyle::Text
    }
}

/// A value of a sample that shows a file's decimal mark: its row in the sample, its column.
#[derive(Clone, Debug, PartialEq)]
pub struct Shown<'a> {
    pub row: usize,
    pub column: &'a str,
    pub value: &'a str,
    pub decimal: Decimal,
}

/// Why a file's decimal mark is not told.
#[derive(Debug, PartialEq)]
pub enum Undecided<'a> {
    /// Values that show each mark, the later first.
    Both([Shown<'a>; 2]),
    /// A value that reads as a number either way (`1,200`: 1.2 or 1200), in a file separated
    /// by `;`, which Excel writes where the decimal mark is a comma, with no value to confirm
    /// it; `decimal` is the comma the separator suggests.
    Either(Shown<'a>),
}

/// The decimal mark a file writes, from its sample's columns of numbers (each value with its
/// row): a value that reads as a number one way only (`0,35`, `1.5`, `1,234.5`) shows it,
/// except in a file separated by commas, which no locale that writes the decimal comma writes
/// (there `"1,23"` is no number). Where none does, a file separated by `;` with a value that reads either way is undecided
/// (Excel writes `;` where the decimal mark is a comma, yet `1,200` may be a thousand written
/// elsewhere); any other file writes the decimal point, as the platforms' exports do.
pub fn decimal<'a>(
    separator: Option<u8>,
    columns: &[(&'a str, Vec<(usize, &'a str)>)],
    markers: &[String],
) -> Result<Decimal, Undecided<'a>> {
    if separator == Some(b',') {
        return Ok(Decimal::Point);
    }
    let mut first: [Option<Shown>; 3] = [None, None, None];
    for (column, values) in columns {
        let texts: Vec<&str> = values.iter().map(|(_, v)| *v).collect();
        let [point, comma] = Decimal::BOTH.map(|decimal| numbers::read(&texts, Notation { markers, decimal }));
        let numbers = values.iter().zip(point.iter().zip(&comma));
        if !numbers.clone().all(|((_, v), (p, c))| p.is_some() || c.is_some() || numbers::is_placeholder(v, markers)) {
            continue; // a column of text
        }
        for ((row, value), read) in numbers {
            let (slot, decimal) = match read {
                (Some(_), None) => (0, Decimal::Point),
                (None, Some(_)) => (1, Decimal::Comma),
                (Some(p), Some(c)) if p != c => (2, Decimal::Comma),
                _ => continue,
            };
            if first[slot].as_ref().is_none_or(|shown| shown.row > *row) {
                first[slot] = Some(Shown { row: *row, column, value, decimal });
            }
        }
    }
    match first {
        [Some(point), Some(comma), _] if point.row > comma.row => Err(Undecided::Both([point, comma])),
        [Some(point), Some(comma), _] => Err(Undecided::Both([comma, point])),
        [Some(_), None, _] => Ok(Decimal::Point),
        [None, Some(_), _] => Ok(Decimal::Comma),
        [None, None, Some(either)] if separator == Some(b';') => Err(Undecided::Either(either)),
        [None, None, _] if separator == Some(b';') => Ok(Decimal::Comma),
        [None, None, _] => Ok(Decimal::Point),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_date_format_that_reads_every_sample() {
        let date = |format: &str, timed| Ok(DateFormat::Date { format: format.into(), timed });
        assert_eq!(date_format(["2026-10-01", "2026-10-31"].into_iter(), None), date("%Y-%m-%d", false));
        assert_eq!(date_format(["2026/1/5", "2026/12/31"].into_iter(), None), date("%Y/%m/%d", false));
        assert_eq!(date_format(["2026年10月01日"].into_iter(), None), date("%Y年%m月%d日", false));
        let xiaohongshu = ["2026年01月05日22时30分05秒", "2026年7月1日"];
        assert_eq!(date_format(xiaohongshu.into_iter(), None), date("%Y年%m月%d日", true));
        let mixed = ["2026-10-01 08:30:00", "2026-10-02", "2026-10-03T09:15"];
        assert_eq!(date_format(mixed.into_iter(), None), date("%Y-%m-%d", true));
        assert_eq!(date_format(["01/10/2026"].into_iter(), Some("%d/%m/%Y")), date("%d/%m/%Y", false));
        assert_eq!(date_format(["2026-10"].into_iter(), None), Ok(DateFormat::Month));
        assert_eq!(date_format(["2026-10-01", "合计"].into_iter(), None), date("%Y-%m-%d", false));
        assert_eq!(date_format(["2026-10-01", "小 计："].into_iter(), None), date("%Y-%m-%d", false));
        assert_eq!(date_format(["2026-10-01", "备注"].into_iter(), None), Err("备注".into()));
        let two_ways = ["2026-10-01", "2026-10-02", "2026/10/03", "2026-10-04"];
        assert_eq!(date_format(two_ways.into_iter(), None), Err("2026/10/03".into()));
        assert_eq!(date_format(["2026/10/01", "2026-10-02", "2026/10/03"].into_iter(), None), Err("2026-10-02".into()));
    }

    #[test]
    fn tells_plain_numbers_from_written_numbers_and_text() {
        let style = |values: &[&'static str], markers: &[String]| {
            number_style(values.iter().copied(), Notation::point(markers))
        };
        assert_eq!(style(&["1", "2.5", "", "1e3"], &[]), NumberStyle::Plain);
        assert_eq!(style(&["1,234", "12.5%", "-", "10万+"], &[]), NumberStyle::Written);
        assert_eq!(style(&["1 234", "3.2亿", "¥5"], &[]), NumberStyle::Written);
        assert_eq!(style(&["brand", "sales"], &[]), NumberStyle::Text);
        assert_eq!(style(&["17.05", "-1.00"], &["-1.00".to_string()]), NumberStyle::Written);
        let comma = Notation { markers: &[], decimal: Decimal::Comma };
        assert_eq!(number_style(["1.234", "2"].into_iter(), comma), NumberStyle::Written);
    }

    #[test]
    fn the_decimal_mark_is_the_one_a_value_shows_else_the_separators() {
        let column = |values: &[&'static str]| ("n", values.iter().copied().enumerate().collect::<Vec<_>>());
        assert_eq!(decimal(Some(b';'), &[column(&["12", "0,35"])], &[]), Ok(Decimal::Comma));
        assert_eq!(decimal(Some(b';'), &[column(&["1,234", "0.35"])], &[]), Ok(Decimal::Point));
        assert_eq!(decimal(Some(b';'), &[column(&["12", "-"])], &[]), Ok(Decimal::Comma));
        assert_eq!(decimal(Some(b'\t'), &[column(&["1,234"])], &[]), Ok(Decimal::Point));
        assert_eq!(decimal(Some(b'\t'), &[column(&["1,5"])], &[]), Ok(Decimal::Comma));
        assert_eq!(decimal(Some(b','), &[column(&["1,234", "1,23"])], &[]), Ok(Decimal::Point));
        assert_eq!(decimal(Some(b','), &[column(&["2026.10.01", "0,5 stars"])], &[]), Ok(Decimal::Point));
        let Err(Undecided::Both([later, earlier])) = decimal(Some(b';'), &[column(&["1.234,5", "7", "0.35"])], &[])
        else {
            panic!("both marks are shown")
        };
        assert_eq!((later.value, later.row, earlier.value), ("0.35", 2, "1.234,5"));
        let Err(Undecided::Either(either)) = decimal(Some(b';'), &[column(&["7", "1,200"])], &[]) else {
            panic!("`1,200` reads either way")
        };
        assert_eq!((either.value, either.row), ("1,200", 1));
    }
}
