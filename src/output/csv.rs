//! `kpi run --format csv`: the KPI rows for a spreadsheet. Excel on a Chinese Windows reads a
//! CSV file in the system's code page unless it starts with a UTF-8 byte-order mark, so it
//! does; numbers are written as short as they read back exactly (`329`, not `329.0`); each id
//! has its label in the report's language beside it; and no text cell starts a formula.

use crate::appraise::KpiResult;
use crate::locale::Locale;
use crate::ruleset::CheckedRuleset;

/// The UTF-8 byte-order mark.
pub const BOM: &str = "\u{feff}";

/// The columns: the JSON `results`' (the contract), then the labels, then whether the value
/// covers part of the period only.
const HEADER: [&str; 11] =
    ["entity", "period", "kpi", "value", "target", "attainment", "score", "band", "kpi_label", "band_label", "partial"];

/// The byte-order mark and the header line.
pub fn header() -> String {
    format!("{BOM}{}\n", HEADER.join(","))
}

/// KPI rows, a line each.
pub fn rows(out: &mut String, rows: &[KpiResult], ruleset: &CheckedRuleset, locale: Locale) {
    for row in rows {
        let band_label = row.band.as_ref().map(|band| ruleset.band_label(&row.kpi, band, locale));
        let cells = [
            text(&row.entity),
            text(&row.period),
            text(&row.kpi),
            number(row.value),
            number(row.target),
            number(row.attainment),
            number(row.score),
            row.band.as_deref().map(text).unwrap_or_default(),
            text(&ruleset.kpi_label(&row.kpi, locale)),
            band_label.as_deref().map(text).unwrap_or_default(),
            row.partial.to_string(),
        ];
        out.push_str(&cells.join(","));
        out.push('\n');
    }
}

/// A number as short as it reads back exactly; empty for no data.
fn number(value: Option<f64>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

/// A text cell: never a formula, quoted when it holds a comma, a quote or a line break.
fn text(value: &str) -> String {
    let value = crate::words::spreadsheet_text(value);
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_short_and_exact_and_text_is_quoted_only_when_needed() {
        assert_eq!(number(Some(329.0)), "329");
        assert_eq!(number(Some(0.1 + 0.2)), "0.30000000000000004");
        assert_eq!(number(Some(-0.05)), "-0.05");
        assert_eq!(number(None), "");
        assert_eq!(text("晨光咖啡"), "晨光咖啡");
        assert_eq!(text("a,b \"c\""), "\"a,b \"\"c\"\"\"");
        assert_eq!(text("=1+1"), "'=1+1");
    }
}
