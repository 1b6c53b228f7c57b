//! Numbers as people write them in exports: `1,234`, `1 234`, `12.5%`, `3.2万`, `10万+`, and
//! `0,35` or `1.234,5` from an Excel whose locale writes the decimal comma. This is the one
//! reader of such numbers: the engine applies it to whole columns, and the sampler
//! ([`super::sniff`]) applies the same expression to a file's first rows to decide whether a
//! column needs it and which decimal mark the file writes.

use polars::prelude::*;

pub use crate::ruleset::model::Decimal;

impl Decimal {
    pub const BOTH: [Decimal; 2] = [Decimal::Point, Decimal::Comma];

    /// The mark, as the ruleset's `decimal` names it.
    pub fn name(self) -> &'static str {
        match self {
            Decimal::Point => "point",
            Decimal::Comma => "comma",
        }
    }

    /// The mark, as people call it.
    pub fn mark(self) -> &'static str {
        match self {
            Decimal::Point => "decimal point",
            Decimal::Comma => "decimal comma",
        }
    }

    /// The mark that groups thousands, and the pattern a grouped number must follow: groups of
    /// three digits after a first of one to three (`12,34,567` and `1,23` are not numbers).
    fn grouping(self) -> (&'static str, &'static str) {
        match self {
            Decimal::Point => (",", r"^[+-]?[1-9]\d{0,2}(,\d{3})+(\.\d*)?$"),
            Decimal::Comma => (".", r"^[+-]?[1-9]\d{0,2}(\.\d{3})+(,\d*)?$"),
        }
    }
}

/// How a file writes its numbers: its decimal mark, and its source's own no-data markers.
#[derive(Clone, Copy, Debug)]
pub struct Notation<'a> {
    pub markers: &'a [String],
    pub decimal: Decimal,
}

impl<'a> Notation<'a> {
    /// Numbers with a decimal point, and `markers` for no data.
    pub fn point(markers: &'a [String]) -> Notation<'a> {
        Notation { markers, decimal: Decimal::Point }
    }
}

/// How exports write "no value".
const PLACEHOLDERS: [&str; 10] = ["", "-", "--", "—", "——", "N/A", "n/a", "NA", "null", "NULL"];

/// Whether `value` is how an export writes "no value", or one of a source's own `markers`.
pub fn is_placeholder(value: &str, markers: &[String]) -> bool {
    let value = value.trim();
    let number = value.parse::<f64>().ok();
    let marks = |marker: &String| {
        let marker = marker.trim();
        marker == value || number.is_some_and(|n| marker.parse::<f64>().ok() == Some(n))
    };
    PLACEHOLDERS.contains(&value) || markers.iter().any(marks)
}

/// A column of numbers as people write them, as numbers: spaces anywhere (non-breaking ones
/// too), thousands separators (`,`, `，`, or `.` where the decimal mark is a comma) in groups
/// of three and currency (`¥`, `￥`, `$`, `元`, `RMB`) are dropped, a trailing `+` is ignored,
/// and `%`, `万` and `亿` scale the number. A source's own no-data `markers` (Toutiao's `-1`)
/// are no value, and so is what still is not a number (a placeholder such as `-`, or `1,23`).
/// This is the one reader of numbers written for people: the engine applies it to whole
/// columns, the sampler to a file's first rows.
pub fn written_number(column: Expr, notation: Notation) -> Expr {
    let Notation { markers, decimal } = notation;
    let text = column.cast(DataType::String);
    let text = match markers {
        [] => text,
        markers => {
            let listed = Series::new("markers".into(), markers.iter().map(|m| m.trim()).collect::<Vec<_>>());
            let marked = text.clone().str().strip_chars(lit(NULL)).is_in(lit(listed).implode(false), false);
            when(marked.not()).then(text).otherwise(lit(NULL).cast(DataType::String))
        }
    };
    let number = parsed(text, decimal);
    // A marker that is a number (`-1`) is no data however it is written: `-1.00`, or a cell
    // that holds the number -1.
    let numeric: Vec<f64> = markers.iter().filter_map(|m| m.trim().parse().ok()).collect();
    match numeric.is_empty() {
        true => number,
        false => {
            let listed = Series::new("markers".into(), numeric);
            let marked = number.clone().is_in(lit(listed).implode(false), false);
            when(marked.not()).then(number).otherwise(lit(NULL).cast(DataType::Float64))
        }
    }
}

/// Whether a value written as text is not a number, and not a way of writing "no data"
/// either (a placeholder or one of `markers`): what a number column must not hold.
pub fn bad_number(column: Expr, notation: Notation) -> Expr {
    let text = column.cast(DataType::String);
    let no_data = no_data(text.clone(), notation.markers);
    text.clone().is_not_null().and(no_data.not()).and(parsed(text, notation.decimal).is_null())
}

/// Whether a value written as text is a way of writing "no data": a placeholder or one of a
/// source's `markers`, as written.
pub fn no_data(text: Expr, markers: &[String]) -> Expr {
    let words: Vec<&str> = PLACEHOLDERS.iter().copied().chain(markers.iter().map(|m| m.trim())).collect();
    text.str().strip_chars(lit(NULL)).is_in(lit(Series::new("no data".into(), words)).implode(false), false)
}

/// Text cleaned of spaces, separators and currency, then read as a number; a number whose
/// thousands are not grouped by three is none.
fn parsed(text: Expr, decimal: Decimal) -> Expr {
    let text = text.str().replace_all(lit(r"[\s¥￥$]|元|RMB"), lit(""), false);
    let text = text.str().replace_all(lit("，"), lit(","), true).str().strip_chars_end(lit("+"));
    let scale = when(text.clone().str().ends_with(lit("%")))
        .then(lit(0.01))
        .when(text.clone().str().ends_with(lit("万")))
        .then(lit(1e4))
        .when(text.clone().str().ends_with(lit("亿")))
        .then(lit(1e8))
        .otherwise(lit(1.0));
    let bare = text.str().strip_chars_end(lit("%万亿"));
    let (group, pattern) = decimal.grouping();
    let misgrouped =
        bare.clone().str().contains_literal(lit(group)).and(bare.clone().str().contains(lit(pattern), false).not());
    let number = bare.str().replace_all(lit(group), lit(""), true);
    let number = match decimal {
        Decimal::Point => number,
        Decimal::Comma => number.str().replace_all(lit(","), lit("."), true),
    };
    when(misgrouped.not()).then(number.cast(DataType::Float64) * scale).otherwise(lit(NULL).cast(DataType::Float64))
}

/// `values` read by [`written_number`], for a sample.
pub fn read(values: &[&str], notation: Notation) -> Vec<Option<f64>> {
    let frame = DataFrame::new_infer_height(vec![Column::new("value".into(), values)]).expect("one column");
    let read =
        frame.lazy().select([written_number(col("value"), notation)]).collect().expect("the reader runs on text");
    let column = read.column("value").expect("the column read").f64().expect("numbers").clone();
    column.iter().map(|value| value.filter(|v| v.is_finite())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_numbers_as_people_write_them() {
        let values = ["1,234", "1 234", "1\u{a0}234", "12.5%", "10万+", "3.2亿", " 7 ", "-", "brand"];
        let expected =
            [Some(1234.0), Some(1234.0), Some(1234.0), Some(0.125), Some(1e5), Some(3.2e8), Some(7.0), None, None];
        assert_eq!(read(&values, Notation::point(&[])), expected);
    }

    #[test]
    fn reads_money_full_width_separators_and_a_sources_own_markers() {
        let values =
            ["¥256.58", "￥1，234.5", "$12", "100元", "RMB 3,000", "1.2万", "", "—", "N/A", "-1", "-1.00", "-2"];
        let markers = ["-1".to_string(), "-1.00".to_string()];
        let expected = [
            Some(256.58),
            Some(1234.5),
            Some(12.0),
            Some(100.0),
            Some(3000.0),
            Some(12000.0),
            None,
            None,
            None,
            None,
            None,
            Some(-2.0),
        ];
        assert_eq!(read(&values, Notation::point(&markers)), expected);
        assert!(is_placeholder(" -1.000 ", &markers) && is_placeholder("—", &[]) && !is_placeholder("0", &markers));
    }

    #[test]
    fn a_thousands_group_that_is_not_three_digits_is_no_number() {
        let values = ["1,23", "12,34,567", "0,350", "1,234,567", "-1,234.5", "1,234."];
        let expected = [None, None, None, Some(1234567.0), Some(-1234.5), Some(1234.0)];
        assert_eq!(read(&values, Notation::point(&[])), expected);
    }

    #[test]
    fn reads_the_decimal_comma_with_points_grouping_thousands() {
        let values = ["0,35", "1234,5", "12,5%", "1.234,5", "1.234", "1 234,5", "35", "1.5", "1.23,4"];
        let expected =
            [Some(0.35), Some(1234.5), Some(0.125), Some(1234.5), Some(1234.0), Some(1234.5), Some(35.0), None, None];
        let comma = Notation { markers: &[], decimal: Decimal::Comma };
        assert_eq!(read(&values, comma), expected);
    }
}
