//! Numbers as people write them in exports: `1,234`, `1 234`, `12.5%`, `3.2万`, `10万+`. This
//! is the one reader of such numbers: the engine applies it to whole columns, and the sampler
//! ([`super::sniff`]) applies the same expression to a file's first rows to decide whether a
//! column needs it.

use polars::prelude::*;

/// How exports write "no value".
const PLACEHOLDERS: [&str; 8] = ["-", "--", "—", "N/A", "n/a", "NA", "null", "NULL"];

/// Whether `value` is how an export writes "no value".
pub fn is_placeholder(value: &str) -> bool {
    PLACEHOLDERS.contains(&value.trim())
}

/// A column of numbers as people write them, as numbers: spaces anywhere (non-breaking ones
/// too) and thousands separators (`,`, `，`) are dropped, a trailing `+` is ignored, and `%`,
/// `万` and `亿` scale the number. What still is not a number (a placeholder such as `-`) is
/// no value.
pub fn written_number(column: Expr) -> Expr {
    let text = column
        .cast(DataType::String)
        .str()
        .replace_all(lit(r"[\s,，]"), lit(""), false)
        .str()
        .strip_chars_end(lit("+"));
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
pub fn read(values: &[&str]) -> Vec<Option<f64>> {
    let frame = DataFrame::new_infer_height(vec![Column::new("value".into(), values)]).expect("one column");
    let read = frame.lazy().select([written_number(col("value"))]).collect().expect("the reader runs on text");
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
        assert_eq!(read(&values), expected);
    }
}
