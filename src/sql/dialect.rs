//! What differs between the engines a query runs on: how a name is quoted and a text escaped,
//! division, percentiles, first and last by date, periods and their labels, rounding. Each
//! difference is one `match` here, an arm per dialect; the rest of the query is the same text
//! on every engine.

use chrono::Datelike;

use crate::ruleset::model::{DayOfYear, PeriodGrain};

/// An SQL engine's language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    DuckDb,
    Postgres,
    Spark,
}

impl Dialect {
    pub const ALL: [Dialect; 3] = [Dialect::DuckDb, Dialect::Postgres, Dialect::Spark];

    /// The name `--dialect` takes.
    pub fn name(self) -> &'static str {
        match self {
            Dialect::DuckDb => "duckdb",
            Dialect::Postgres => "postgres",
            Dialect::Spark => "spark",
        }
    }

    pub fn from_name(name: &str) -> Option<Dialect> {
        Dialect::ALL.into_iter().find(|dialect| dialect.name() == name)
    }

    /// A name of the ruleset (a table, a column, a name the query gives) as a quoted
    /// identifier: whatever it holds, it stays one name.
    pub fn name_of(self, name: &str) -> String {
        match self {
            Dialect::DuckDb | Dialect::Postgres => format!("\"{}\"", name.replace('"', "\"\"")),
            Dialect::Spark => format!("`{}`", name.replace('`', "``")),
        }
    }

    /// Whether a quoted name finds a column whatever its case: DuckDB's and Spark's (by
    /// default), not PostgreSQL's.
    pub fn folds_case(self) -> bool {
        match self {
            Dialect::DuckDb | Dialect::Spark => true,
            Dialect::Postgres => false,
        }
    }

    /// A text value as a literal, whatever it holds. A control character (NUL, a line end, …)
    /// is written as `chr(n)` between the quoted runs around it, so that the script holds
    /// none: a client that reads its script as C strings or line by line cannot be made to end
    /// a literal early. PostgreSQL, whose text cannot hold NUL, refuses `chr(0)`.
    pub fn text(self, value: &str) -> String {
        let mut parts = Vec::new();
        let mut run = String::new();
        for c in value.chars() {
            if !c.is_control() {
                run.push(c);
                continue;
            }
            if !run.is_empty() {
                parts.push(self.quoted(&std::mem::take(&mut run)));
            }
            parts.push(format!("chr({})", u32::from(c)));
        }
        if parts.is_empty() {
            return self.quoted(&run);
        }
        if !run.is_empty() {
            parts.push(self.quoted(&run));
        }
        format!("({})", parts.join(" || "))
    }

    /// Text without control characters, quoted. PostgreSQL's `E'…'` reads backslashes the
    /// same way whatever the server's `standard_conforming_strings`; Spark reads backslash
    /// escapes in every literal.
    fn quoted(self, value: &str) -> String {
        match self {
            Dialect::DuckDb => format!("'{}'", value.replace('\'', "''")),
            Dialect::Postgres => format!("E'{}'", value.replace('\\', "\\\\").replace('\'', "''")),
            Dialect::Spark => format!("'{}'", value.replace('\\', "\\\\").replace('\'', "\\'")),
        }
    }

    /// An entity's name as rows compare it, as on files (`engine::values::entity_name`): its
    /// invisible characters removed, trimmed of every white space Unicode knows, composed
    /// (NFC). Spark has no NFC of its own: kpi's driver gives it `kpi_nfc`.
    pub fn entity_name(self, value: &str) -> String {
        // PostgreSQL's regular expressions write a code point `\u200B` or `\U000110BD`.
        let escape = match self {
            Dialect::Postgres => |code: u32| format!("\\U{code:08X}"),
            Dialect::DuckDb | Dialect::Spark => crate::words::braced_escape,
        };
        let invisible = self.text(&crate::words::invisible_class(escape));
        let space = crate::words::white_space_class(escape);
        let around = self.text(&format!("^{space}+|{space}+$"));
        match self {
            Dialect::DuckDb => {
                format!(
                    "nfc_normalize(regexp_replace(regexp_replace({value}, {invisible}, '', 'g'), {around}, '', 'g'))"
                )
            }
            Dialect::Postgres => format!(
                "normalize(regexp_replace(regexp_replace({value}, {invisible}, '', 'g'), {around}, '', 'g'), NFC)"
            ),
            Dialect::Spark => {
                format!("kpi_nfc(regexp_replace(regexp_replace({value}, {invisible}, ''), {around}, ''))")
            }
        }
    }

    /// The statement that places the session in time zone `zone`, in which a timestamp with a
    /// time zone is cast to its date.
    pub fn time_zone(self, zone: &str) -> String {
        match self {
            Dialect::DuckDb => format!("SET TimeZone = {}", self.text(zone)),
            Dialect::Postgres | Dialect::Spark => format!("SET TIME ZONE {}", self.text(zone)),
        }
    }

    /// A number as a literal of the floating-point type, written so it reads back exactly.
    pub fn number(self, value: f64) -> String {
        format!("CAST({value:?} AS {})", self.double())
    }

    /// A date as a literal.
    pub fn date(self, date: chrono::NaiveDate) -> String {
        format!("DATE '{}'", date.format("%Y-%m-%d"))
    }

    /// The 64-bit floating-point type every number is computed in, as polars computes in f64.
    pub fn double(self) -> &'static str {
        match self {
            Dialect::DuckDb | Dialect::Spark => "DOUBLE",
            Dialect::Postgres => "DOUBLE PRECISION",
        }
    }

    /// The type of text.
    pub fn string(self) -> &'static str {
        match self {
            Dialect::DuckDb => "VARCHAR",
            Dialect::Postgres => "TEXT",
            Dialect::Spark => "STRING",
        }
    }

    /// `value` where it is a finite number, else null: an overflow or `NaN` is no data.
    pub fn finite(self, value: &str) -> String {
        match self {
            Dialect::DuckDb => format!("CASE WHEN isfinite({value}) THEN {value} END"),
            Dialect::Postgres => format!(
                "CASE WHEN {value} NOT IN ('Infinity'::float8, '-Infinity'::float8, 'NaN'::float8) THEN {value} END"
            ),
            Dialect::Spark => {
                format!("CASE WHEN NOT isnan({value}) AND abs({value}) < double('Infinity') THEN {value} END")
            }
        }
    }

    /// The first (or, with `last`, the last) non-null `value` of the rows where `keep` holds,
    /// in the order of `date`, ties in the order of `line`.
    pub fn first(self, value: &str, keep: Option<&str>, (date, line): (&str, &str), last: bool) -> String {
        let keep = keep.map_or_else(String::new, |keep| format!(" AND {keep}"));
        let filter = format!("FILTER (WHERE {value} IS NOT NULL{keep})");
        let order = if last { "DESC" } else { "ASC" };
        match self {
            Dialect::DuckDb => format!("first({value} ORDER BY {date} {order}, {line} {order}) {filter}"),
            Dialect::Postgres => format!("(array_agg({value} ORDER BY {date} {order}, {line} {order}) {filter})[1]"),
            Dialect::Spark => {
                let by = if last { "max_by" } else { "min_by" };
                format!("{by}({value}, struct({date}, {line})) {filter}")
            }
        }
    }

    /// The `q` quantile of `value` over the rows `filter` (a `FILTER` clause, or nothing)
    /// keeps, interpolated linearly (Excel's PERCENTILE.INC).
    pub fn quantile(self, value: &str, q: &str, filter: &str) -> String {
        match self {
            Dialect::DuckDb => format!("quantile_cont({value}, {q}){filter}"),
            Dialect::Postgres => format!("percentile_cont({q}) WITHIN GROUP (ORDER BY {value}){filter}"),
            Dialect::Spark => format!("percentile({value}, {q}){filter}"),
        }
    }

    /// `value` rounded half away from zero to `digits` decimals, on the number as written in
    /// decimal (Excel's ROUND): 2.675 is 2.68, though it is stored as 2.67499999….
    pub fn round(self, value: &str, digits: i64) -> String {
        match self {
            // DuckDB rounds a double by scaling it in binary; a decimal rounds as written.
            Dialect::DuckDb => {
                format!("CAST(round(CAST(CAST({value} AS VARCHAR) AS DECIMAL(38, 18)), {digits}) AS DOUBLE)")
            }
            Dialect::Postgres => format!("CAST(round(CAST({value} AS NUMERIC), {digits}) AS DOUBLE PRECISION)"),
            // Spark rounds a double as its decimal text, half up.
            Dialect::Spark => format!("round({value}, {digits})"),
        }
    }

    /// Each row's place in its table, increasing in the order the table holds them: what
    /// orders `first` and `last` among rows of one date, as a file's line does.
    pub fn line(self) -> &'static str {
        match self {
            Dialect::DuckDb | Dialect::Postgres => "row_number() OVER ()",
            Dialect::Spark => "monotonically_increasing_id()",
        }
    }

    /// The first day of the period `date` falls in.
    pub fn period_start(self, grain: PeriodGrain, date: &str) -> String {
        let unit = match grain {
            PeriodGrain::Day => return format!("CAST({date} AS DATE)"),
            PeriodGrain::Week => "week",
            PeriodGrain::Month => "month",
            PeriodGrain::Quarter => "quarter",
            PeriodGrain::Year | PeriodGrain::YearTo(_) => "year",
        };
        format!("CAST(date_trunc('{unit}', {date}) AS DATE)")
    }

    /// Every period start from `first` to `last` (columns of one row of `bounds`), as rows of
    /// one column named `name`.
    pub fn periods(self, grain: PeriodGrain, (first, last): (&str, &str), bounds: &str, name: &str) -> String {
        let (count, unit) = match grain {
            PeriodGrain::Day => (1, "day"),
            PeriodGrain::Week => (7, "day"),
            PeriodGrain::Month => (1, "month"),
            PeriodGrain::Quarter => (3, "month"),
            PeriodGrain::Year | PeriodGrain::YearTo(_) => (1, "year"),
        };
        match self {
            Dialect::DuckDb => format!(
                "SELECT CAST(unnest(generate_series(CAST({first} AS TIMESTAMP), CAST({last} AS TIMESTAMP), INTERVAL '{count} {unit}')) AS DATE) AS {name} FROM {bounds}"
            ),
            Dialect::Postgres => format!(
                "SELECT CAST(generate_series(CAST({first} AS TIMESTAMP), CAST({last} AS TIMESTAMP), INTERVAL '{count} {unit}') AS DATE) AS {name} FROM {bounds}"
            ),
            Dialect::Spark => format!(
                "SELECT explode(sequence({first}, {last}, INTERVAL {count} {})) AS {name} FROM {bounds}",
                unit.to_uppercase()
            ),
        }
    }

    /// How many days the period that starts on `start` has.
    pub fn period_days(self, grain: PeriodGrain, start: &str) -> String {
        let months = match grain {
            PeriodGrain::Day => return "1".into(),
            PeriodGrain::Week => return "7".into(),
            PeriodGrain::Month => 1,
            PeriodGrain::Quarter => 3,
            PeriodGrain::Year => 12,
            PeriodGrain::YearTo(through) => return self.days_to_date(through, start),
        };
        match self {
            Dialect::DuckDb => format!("date_diff('day', {start}, CAST({start} + INTERVAL '{months} month' AS DATE))"),
            Dialect::Postgres => format!("(CAST({start} + INTERVAL '{months} month' AS DATE) - {start})"),
            Dialect::Spark => format!("datediff(add_months({start}, {months}), {start})"),
        }
    }

    /// The distinct dates of a group's rows, as ISO dates joined by commas, in any order.
    pub fn dates_listed(self, date: &str) -> String {
        match self {
            Dialect::DuckDb => format!("array_to_string(list_distinct(list({date})), ',')"),
            Dialect::Postgres => format!("string_agg(DISTINCT CAST({date} AS TEXT), ',')"),
            Dialect::Spark => format!("array_join(collect_set(CAST({date} AS STRING)), ',')"),
        }
    }

    /// How many distinct values of `value` a group's rows have (nulls aside). DuckDB and Spark
    /// count them in the group's own list or set: DuckDB's `count(DISTINCT …)` beside the
    /// measures took 20 GB and spilled 55 GB at 100 million rows, and Spark would read the rows
    /// once for each distinct count.
    pub fn distinct_count(self, value: &str) -> String {
        match self {
            Dialect::DuckDb => format!("len(list_distinct(list({value})))"),
            Dialect::Postgres => format!("count(DISTINCT {value})"),
            Dialect::Spark => format!("size(collect_set({value}))"),
        }
    }

    /// Several values as one, to count distinct rows by (a row that has no data in some is
    /// still one value). DuckDB's is their 64-bit hash, which two different rows of a cell
    /// share about once in 2^64: 8 bytes a row in the list each cell keeps, where the row is
    /// every column read. Spark's 64-bit hash skips no data, so that (1, none) and
    /// (none, 1) would hash alike: it keeps the rows.
    pub fn row_of(self, values: &[String]) -> String {
        match self {
            Dialect::DuckDb => format!("hash({})", values.join(", ")),
            Dialect::Postgres => format!("ROW({})", values.join(", ")),
            Dialect::Spark => format!("struct({})", values.join(", ")),
        }
    }

    /// Whether a number is not a whole number. Spark's `floor` is a 64-bit integer, which a
    /// large value overflows; its `round` stays a floating-point number.
    pub fn fraction(self, value: &str) -> String {
        match self {
            Dialect::DuckDb | Dialect::Postgres => format!("{value} <> floor({value})"),
            Dialect::Spark => format!("{value} <> round({value}, 0)"),
        }
    }

    /// The year a period counts towards for `to_date`: for weeks, the ISO year (that of the
    /// week's Thursday).
    pub fn year(self, grain: PeriodGrain, start: &str) -> String {
        let day = match (grain, self) {
            (PeriodGrain::Week, Dialect::Spark) => format!("date_add({start}, 3)"),
            (PeriodGrain::Week, _) => format!("CAST({start} + INTERVAL '3 day' AS DATE)"),
            _ => start.to_string(),
        };
        format!("CAST(extract(year FROM {day}) AS INTEGER)")
    }

    /// A period's label, as the JSON contract writes it: `2026-10-08`, `2026-W05`, `2026-10`,
    /// `2026-Q3`, `2026`.
    pub fn label(self, grain: PeriodGrain, start: &str) -> String {
        let text = |part: String| format!("CAST({part} AS {})", self.string());
        let two = |part: String| format!("lpad({}, 2, '0')", text(part));
        let year = text(format!("extract(year FROM {start})"));
        let month = two(format!("extract(month FROM {start})"));
        let join = |parts: &[String]| parts.join(" || ");
        match grain {
            PeriodGrain::Day => {
                join(&[year, "'-'".into(), month, "'-'".into(), two(format!("extract(day FROM {start})"))])
            }
            PeriodGrain::Week => {
                let week = match self {
                    Dialect::Spark => format!("weekofyear({start})"),
                    _ => format!("extract(week FROM {start})"),
                };
                join(&[text(self.year(grain, start)), "'-W'".into(), two(week)])
            }
            PeriodGrain::Month => join(&[year, "'-'".into(), month]),
            PeriodGrain::Quarter => join(&[year, "'-Q'".into(), text(format!("extract(quarter FROM {start})"))]),
            PeriodGrain::Year => year,
            PeriodGrain::YearTo(_) => join(&[year, "'-YTD'".into()]),
        }
    }

    /// Whether `date` is one of its period's days, for a grain that leaves days out (a year to
    /// date); rows without a date are kept, for the grid to report.
    pub fn within(self, grain: PeriodGrain, date: &str) -> Option<String> {
        let PeriodGrain::YearTo(through) = grain else { return None };
        let written = format!("extract(month FROM {date}) * 100 + extract(day FROM {date})");
        Some(format!("({written} <= {} OR {date} IS NULL)", through.month * 100 + through.day))
    }

    /// How many days a year to date that starts on `start` has: its last day's place in the
    /// year, which a leap year moves on by one after February.
    fn days_to_date(self, through: DayOfYear, start: &str) -> String {
        let place = |year| through.in_year(year).ordinal();
        let year_days = self.period_days(PeriodGrain::Year, start);
        format!("(CASE WHEN {year_days} = 366 THEN {} ELSE {} END)", place(2024), place(2025))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_stays_one_name_whatever_it_holds() {
        let name = "a\"b`c; DROP TABLE x; --";
        assert_eq!(Dialect::DuckDb.name_of(name), "\"a\"\"b`c; DROP TABLE x; --\"");
        assert_eq!(Dialect::Postgres.name_of(name), "\"a\"\"b`c; DROP TABLE x; --\"");
        assert_eq!(Dialect::Spark.name_of(name), "`a\"b``c; DROP TABLE x; --`");
    }

    #[test]
    fn a_text_stays_one_literal_whatever_it_holds() {
        let text = "it's \\' x";
        assert_eq!(Dialect::DuckDb.text(text), "'it''s \\'' x'");
        assert_eq!(Dialect::Postgres.text(text), "E'it''s \\\\'' x'");
        assert_eq!(Dialect::Spark.text(text), "'it\\'s \\\\\\' x'");
    }

    /// No control character of a value reaches the script, where a client would read NUL as
    /// the end of its input and a line end as the end of a line.
    #[test]
    fn a_text_holds_no_control_character_of_its_value() {
        let text = "a\0';\r\nCOPY x TO '/y'; --\u{85}";
        assert_eq!(
            Dialect::DuckDb.text(text),
            "('a' || chr(0) || ''';' || chr(13) || chr(10) || 'COPY x TO ''/y''; --' || chr(133))"
        );
        assert_eq!(Dialect::Postgres.text("\0"), "(chr(0))");
        assert_eq!(Dialect::Spark.text("x\ty\\"), r"('x' || chr(9) || 'y\\')");
        assert_eq!(Dialect::DuckDb.text(""), "''");
    }

    #[test]
    fn numbers_are_written_to_read_back_exactly() {
        assert_eq!(Dialect::DuckDb.number(0.1), "CAST(0.1 AS DOUBLE)");
        assert_eq!(Dialect::Postgres.number(1e300), "CAST(1e300 AS DOUBLE PRECISION)");
        assert_eq!(Dialect::Spark.number(-2.5), "CAST(-2.5 AS DOUBLE)");
    }
}
