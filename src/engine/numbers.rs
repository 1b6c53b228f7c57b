//! Numbers as people write them in exports: `1,234`, `1 234`, `12.5%`, `3.2万`, `10万+`. This
//! is the one reader of such numbers: the engine applies it to whole columns, and the sampler
//! ([`super::sniff`]) applies the same expression to a file's first rows to decide whether a
//! column needs it.

use polars::prelude::*;

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
/// too), thousands separators (`,`, `，`) and currency (`¥`, `￥`, `$`, `元`, `RMB`) are
/// dropped, a trailing `+` is ignored, and `%`, `万` and `亿` scale the number. A source's own
/// no-data `markers` (Toutiao's `-1`) are no value, and so is what still is not a number (a
/// placeholder such as `-`). This is the one reader of numbers written for people: the engine
/// applies it to whole columns, the sampler to a file's first rows.
pub fn written_number(column: Expr, markers: &[String]) -> Expr {
    let text = column.cast(DataType::String);
    let text = match markers {
        [] => text,
        markers => {
            let listed = Series::new("markers".into(), markers.iter().map(|m| m.trim()).collect::<Vec<_>>());
            let marked = text.clone().str().strip_chars(lit(NULL)).is_in(lit(listed).implode(false), false);
            when(marked.not()).then(text).otherwise(lit(NULL).cast(DataType::String))
        }
    };
    let number = parsed(text);
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
pub fn bad_number(column: Expr, markers: &[String]) -> Expr {
    let text = column.cast(DataType::String);
    let words: Vec<&str> = PLACEHOLDERS.iter().copied().chain(markers.iter().map(|m| m.trim())).collect();
    let no_data = text
        .clone()
        .str()
        .strip_chars(lit(NULL))
        .is_in(lit(Series::new("no data".into(), words)).implode(false), false);
    text.clone().is_not_null().and(no_data.not()).and(parsed(text).is_null())
}

/// Text cleaned of spaces, separators and currency, then read as a number.
fn parsed(text: Expr) -> Expr {
    let text = text.str().replace_all(lit(r"[\s,，¥￥$]|元|RMB"), lit(""), false).str().strip_chars_end(lit("+"));
    let scale = when(text.clone().str().ends_with(lit("%")))
        .then(lit(0.01))
        .when(text.clone().str().ends_with(lit("万")))
        .then(lit(1e4))
        .when(text.clone().str().ends_with(lit("亿")))
        .then(lit(1e8))
        .otherwise(lit(1.0));
    text.str().strip_chars_end(lit("%万亿")).cast(DataType::Float64) * scale
}

/// `values` read by [`written_number`], for a sample.
pub fn read(values: &[&str], markers: &[String]) -> Vec<Option<f64>> {
    let frame = DataFrame::new_infer_height(vec![Column::new("value".into(), values)]).expect("one column");
    let read = frame.lazy().select([written_number(col("value"), markers)]).collect().expect("the reader runs on text");
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
        assert_eq!(read(&values, &[]), expected);
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
        assert_eq!(read(&values, &markers), expected);
        assert!(is_placeholder(" -1.000 ", &markers) && is_placeholder("—", &[]) && !is_placeholder("0", &markers));
    }
}
