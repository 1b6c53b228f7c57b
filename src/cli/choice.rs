//! Flags whose value is one of a library type's named values (`--lang en`, `--format md`): the
//! library names its values; clap, which only the command line knows, offers and parses them.

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use kpi::locale::Locale;
use kpi::output::Format;
use kpi::report::ReportFormat;
use kpi::review::DiffFormat;
use kpi::ruleset::model::{Audience, Paper, Severity};
use kpi::sql::Dialect;

/// A value a flag can take, by name.
pub trait Choice: Copy + Send + Sync + 'static {
    /// Every value the flag offers, in the order `--help` lists them.
    const OFFERED: &'static [Self];

    fn name(self) -> &'static str;

    /// What `--help` says of the value, if the name does not say it all.
    fn help(self) -> Option<&'static str> {
        None
    }
}

/// The parser of a flag taking one of `T`'s values.
pub fn choice<T: Choice>() -> impl TypedValueParser<Value = T> {
    let offered = T::OFFERED.iter().map(|value| {
        let possible = PossibleValue::new(value.name());
        match value.help() {
            Some(help) => possible.help(help),
            None => possible,
        }
    });
    PossibleValuesParser::new(offered).map(|name| {
        *T::OFFERED.iter().find(|value| value.name().eq_ignore_ascii_case(&name)).expect("clap offers only these")
    })
}

impl Choice for Locale {
    const OFFERED: &'static [Locale] = &[Locale::ZhCn, Locale::En];

    fn name(self) -> &'static str {
        self.code()
    }
}

impl Choice for Format {
    const OFFERED: &'static [Format] = &[Format::Table, Format::Json, Format::Csv, Format::Parquet, Format::Xlsx];

    fn name(self) -> &'static str {
        Format::name(self)
    }
}

impl Choice for Audience {
    const OFFERED: &'static [Audience] = &[Audience::Client, Audience::Internal];

    fn name(self) -> &'static str {
        self.name()
    }

    fn help(self) -> Option<&'static str> {
        Some(match self {
            Audience::Client => "the client's report: no ids, formula code or file lists",
            Audience::Internal => "the client's report with the working papers: files, formulas, quality details",
        })
    }
}

impl Choice for Paper {
    const OFFERED: &'static [Paper] = &[Paper::A4, Paper::Letter];

    fn name(self) -> &'static str {
        self.name()
    }

    fn help(self) -> Option<&'static str> {
        Some(match self {
            Paper::A4 => "210 × 297 mm",
            Paper::Letter => "US Letter, 8.5 × 11 in",
        })
    }
}

impl Choice for ReportFormat {
    const OFFERED: &'static [ReportFormat] =
        &[ReportFormat::Html, ReportFormat::Markdown, ReportFormat::Pdf, ReportFormat::Docx];

    fn name(self) -> &'static str {
        self.extension()
    }
}

impl Choice for DiffFormat {
    const OFFERED: &'static [DiffFormat] = &[DiffFormat::Text, DiffFormat::Md, DiffFormat::Json];

    fn name(self) -> &'static str {
        match self {
            DiffFormat::Text => "text",
            DiffFormat::Md => "md",
            DiffFormat::Json => "json",
        }
    }

    fn help(self) -> Option<&'static str> {
        match self {
            DiffFormat::Text => Some("Lines for a terminal"),
            DiffFormat::Md => Some("Markdown, for a pull-request comment"),
            DiffFormat::Json => None,
        }
    }
}

/// `--fail-on info` would fail on every run that has a finding at all: not offered.
impl Choice for Severity {
    const OFFERED: &'static [Severity] = &[Severity::Warning, Severity::Critical];

    fn name(self) -> &'static str {
        Severity::name(self)
    }
}

impl Choice for Dialect {
    const OFFERED: &'static [Dialect] = &Dialect::ALL;

    fn name(self) -> &'static str {
        Dialect::name(self)
    }
}
