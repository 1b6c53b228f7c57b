//! A source's files as one lazy frame of rows: the entity, the date, and the columns formulas
//! read, each parsed the way its sample says it is written.

use std::path::Path;
use std::sync::Arc;

use polars::prelude::*;

use super::files::{self, DataFile, Keep, Spills};
use super::period;
use super::shares::Share;
use super::sniff;
use super::values::{self, ColumnUse};
use crate::compile::RowColumn;
use crate::engine::bug::Bug;
use crate::error::{Error, ErrorKind, Errors};
use crate::expr::Usage;
use crate::location::Location;
use crate::ruleset::CheckedRuleset;
use crate::ruleset::model::{Source, SourceFormat, SourceRole};
use crate::ruleset::yaml::PathStep::{Index, Key};

/// A source, with the ruleset it is configured in, to point errors at its parts.
#[derive(Clone, Copy)]
pub struct SourceRef<'a> {
    pub name: &'a str,
    pub source: &'a Source,
    pub ruleset: &'a CheckedRuleset,
    /// Whether dates and numbers are read as text even where the reader could parse them
    /// itself: slower, but a total row (`合计`) in the date column is then left out instead of
    /// failing the read, and a number written for people (`1,234`) past the rows the sample
    /// saw is read as one.
    pub as_text: bool,
    /// The entities whose rows are read: all, unless the source is read in turns; and where
    /// the first turn sets aside the rows of the others.
    pub share: Share,
    pub spills: Option<&'a Arc<Spills>>,
}

impl<'a> SourceRef<'a> {
    pub fn new(name: &'a str, source: &'a Source, ruleset: &'a CheckedRuleset) -> SourceRef<'a> {
        SourceRef { name, source, ruleset, as_text: false, share: Share::WHOLE, spills: None }
    }

    /// The same source, read in `of` turns: its first share.
    pub fn in_turns(self, of: u32, spills: Option<&'a Arc<Spills>>) -> SourceRef<'a> {
        SourceRef { share: Share { index: 0, of }, spills, ..self }
    }

    /// The same source, its dates and numbers read as text.
    pub fn as_text(self) -> SourceRef<'a> {
        SourceRef { as_text: true, ..self }
    }

    /// The header of a logical column: its mapping in `columns`, or the name itself.
    pub fn header_of<'b>(&'b self, column: &'b str) -> &'b str {
        self.source.columns.get(column).map_or(column, String::as_str)
    }

    /// Where a part of the source is written: a `columns` entry, else a field (`date`,
    /// `path`), else the source itself.
    pub fn location_of(&self, field: Option<&str>, column: Option<&str>) -> Option<Location> {
        let tree = &self.ruleset.tree;
        let mapped = column.and_then(|c| tree.at(&[Key("sources"), Key(self.name), Key("columns"), Key(c)]));
        let field = field.and_then(|f| tree.at(&[Key("sources"), Key(self.name), Key(f)]));
        mapped.or(field).or_else(|| tree.at(&[Key("sources"), Key(self.name)])).map(|n| n.location.clone())
    }

    pub fn files(&self) -> Result<Vec<DataFile>, Errors> {
        let paths = files::find_parts(self.source, &self.ruleset.base_dir).map_err(|e| self.no_files(e))?;
        let mut opened = Vec::new();
        let mut errors = Vec::new();
        for (path, part) in paths {
            match DataFile::open(path, &part) {
                Ok(file) => opened.push(file),
                Err(error) => errors.push(error.at_opt(self.location_of(Some(self.format_field()), None))),
            }
        }
        Errors::check(errors, opened)
    }

    /// The field a file that cannot be opened is blamed on: `format`, where the source sets
    /// it, else `path`.
    fn format_field(&self) -> &'static str {
        if self.source.format == SourceFormat::Auto { "path" } else { "format" }
    }

    /// Why the source has no rows, when no file matches its `path`: warnings, as a client may
    /// not have every export a ruleset can read (no ad campaign, no ad export); the KPIs that
    /// need the source have no data. A source read in parts warns at each part's own `path`,
    /// naming its files; none while one part has files, as a client rarely publishes on every
    /// platform a source can read. Empty when the source has files.
    pub fn missing_files(&self) -> Vec<Error> {
        let base = &self.ruleset.base_dir;
        let Err(error) = files::find_parts(self.source, base) else { return Vec::new() };
        if !matches!(error.kind(), ErrorKind::NoFiles { .. }) {
            return Vec::new();
        }
        let note = format!("source `{}` has no rows; what is computed from it has no data", self.name);
        if self.source.parts.is_empty() {
            return vec![self.no_files(error).note(note)];
        }
        let parts = self.source.parts().into_iter().enumerate();
        let missing = parts.filter_map(|(index, part)| files::find(&part, base).err().map(|error| (index, error)));
        missing
            .map(|(index, error)| {
                let at = [Key("sources"), Key(self.name), Key("parts"), Index(index), Key("path")];
                let location = self.ruleset.tree.at(&at).map(|node| node.location.clone());
                self.no_files_at(error, location).note(note.clone())
            })
            .collect()
    }

    /// A warning when `{entity}` in the source's `path` could stand for a longer name in one of
    /// its files, one with more letters than the name read (`晨光咖啡-抖音`, not `晨光咖啡`): two
    /// accounts whose names begin alike would silently be read as one.
    pub fn ambiguous_entity(&self) -> Option<Error> {
        let base = &self.ruleset.base_dir;
        files::find_parts(self.source, base).ok()?.into_iter().find_map(|(path, part)| {
            let candidates = files::entity_candidates(&part, base, &path);
            let (read, longer) = candidates.split_first()?;
            let named = |candidate: &&String| candidate[read.len()..].chars().any(char::is_alphabetic);
            let others: Vec<&String> = longer.iter().filter(named).collect();
            (!others.is_empty()).then(|| {
                let kind = ErrorKind::AmbiguousEntity {
                    file: path.display().to_string(),
                    entity: read.clone(),
                    others: crate::words::quoted(&others),
                };
                let help = "make `path` say where the name ends: a fixed text after `{entity}` \
                            (`articles-{entity}-2026*.csv`), or one folder per account (`data/{entity}/*.csv`)";
                Error::new(kind).at_opt(self.location_of(Some("path"), None)).help(help)
            })
        })
    }

    /// A problem finding the source's files, at its `path`.
    fn no_files(&self, error: Error) -> Error {
        self.no_files_at(error, self.location_of(Some("path"), None))
    }

    fn no_files_at(&self, error: Error, location: Option<Location>) -> Error {
        let error = error.at_opt(location);
        match error.kind() {
            ErrorKind::NoFiles { .. } => {
                error.help("check `path` and `--data`; paths are relative to the ruleset file or `--data`")
            }
            _ => error,
        }
    }

    /// The error for a header the file does not have, at the YAML line that names it.
    /// What is wrong with `wanted` among a file's `headers`: none of them is it, or it names
    /// two columns or more (WeChat's two-row article download writes 人数 and 次数 under each
    /// group), of which reading the first would be a guess.
    pub fn header_problem(
        &self,
        file: &DataFile,
        wanted: &str,
        (field, column): (Option<&str>, Option<&str>),
        headers: &[String],
    ) -> Option<Error> {
        let named = occurrences(headers, wanted).len();
        if named == 0 {
            let error = Error::new(ErrorKind::MissingColumn { header: wanted.to_string(), file: file.display() })
                .at_opt(self.location_of(field, column))
                .note(format!("the file's headers are: {}", headers.join(", ")));
            return Some(error.suggest(wanted, headers.iter().map(String::as_str)));
        }
        (named > 1 && numbered(wanted).is_none()).then(|| {
            let kind = ErrorKind::HeaderNamesColumns { header: wanted.to_string(), count: named, file: file.display() };
            let choices: Vec<String> = (1..=named).map(|n| format!("`{}#{n}`", wanted.trim())).collect();
            Error::new(kind)
                .at_opt(self.location_of(field, column))
                .help(format!("name the one meant by its place among them: {}", choices.join(", ")))
        })
    }
}

/// `wanted`, as the file writes it: exactly, or with stray spaces around it; `人数#2` is the
/// second column a file heads `人数`.
pub fn find_header<'a>(headers: &'a [String], wanted: &str) -> Option<&'a str> {
    occurrences(headers, wanted).first().copied()
}

/// The columns `wanted` names, in the file's order: the first as written, the others as the
/// reader renamed them (`人数_duplicated_0` by polars' CSV reader, `人数_2` in a table of
/// text); for `人数#2`, the second of them alone (unless a header is written so).
fn occurrences<'a>(headers: &'a [String], wanted: &str) -> Vec<&'a str> {
    let first = headers.iter().find(|h| *h == wanted).or_else(|| headers.iter().find(|h| h.trim() == wanted.trim()));
    let Some(first) = first else {
        let Some((name, n)) = numbered(wanted) else { return Vec::new() };
        return occurrences(headers, name).get(n - 1).copied().into_iter().collect();
    };
    let repeats = headers.iter().filter(|h| {
        let rest = h.strip_prefix(first.as_str());
        let number = rest.and_then(|r| r.strip_prefix("_duplicated_").or_else(|| r.strip_prefix('_')));
        number.is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    });
    std::iter::once(first.as_str()).chain(repeats.map(String::as_str)).collect()
}

/// `人数#2` as the header and the place among the columns it names (from 1).
fn numbered(wanted: &str) -> Option<(&str, usize)> {
    let (name, n) = wanted.rsplit_once('#')?;
    n.parse::<usize>().ok().filter(|n| *n >= 1).map(|n| (name, n))
}

/// How a file's rows are scanned.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Scan<'a> {
    /// The rows, without total rows.
    Rows,
    /// The rows, without total rows, each with its `row` number in the file (total rows
    /// counted) and its date as written, for errors that name a line.
    Numbered,
    /// Every row, total rows marked ([`RowColumn::TotalRow`]): for aggregation.
    Marked,
    /// As [`Scan::Marked`], each row with the whole row as written ([`RowColumn::Whole`])
    /// under `headers` (those of all the source's files): to tell rows written twice.
    Whole { headers: &'a [String] },
}

/// The rows of a source: the entity, the date (for dated sources) and each column in
/// `columns`, from all its files concatenated in name order. Total rows are left out.
pub fn scan_rows(source: &SourceRef, columns: &[ColumnUse]) -> Result<LazyFrame, Errors> {
    Ok(scan_files(source, columns, Scan::Rows)?.rows)
}

/// A source's rows as [`Scan::Marked`] reads them, and what its files show about the data.
pub struct Scanned {
    pub rows: LazyFrame,
    /// Files whose headers differ from the first file's.
    pub differences: Vec<HeaderDifference>,
    /// The columns that hold counts: whole numbers in every file's sample, under a header that
    /// does not name a difference (`净增`, `change`).
    pub counts: Vec<String>,
}

pub fn scan_marked(source: &SourceRef, columns: &[ColumnUse]) -> Result<Scanned, Errors> {
    scan_files(source, columns, Scan::Marked)
}

/// A source's rows as [`Scan::Whole`] reads them.
pub fn scan_whole(source: &SourceRef, columns: &[ColumnUse]) -> Result<LazyFrame, Errors> {
    Ok(scan_files(source, columns, Scan::Whole { headers: &[] })?.rows)
}

fn scan_files(source: &SourceRef, columns: &[ColumnUse], scan: Scan) -> Result<Scanned, Errors> {
    let files = source.files()?;
    let mut differences = Vec::new();
    let mut counts: Vec<String> = columns.iter().map(|c| c.name.clone()).collect();
    // Every header of every file, in the order first seen: a row is the same row in files
    // that lack a column it has no value in.
    let mut every_header: Vec<String> = Vec::new();
    // The first file of each part: the others of the part should have its headers.
    let mut first_headers: Vec<(&DataFile, Vec<String>)> = Vec::new();
    for file in &files {
        let Ok(sample) = file.sample() else { continue };
        let headers: Vec<String> = sample.get_column_names().iter().map(|n| n.to_string()).collect();
        let part = SourceRef { source: file.source(), ..*source };
        counts.retain(|column| {
            part.source.absent.contains(column) || holds_counts(&part, file, &sample, &headers, column)
        });
        every_header.extend(headers.iter().filter(|h| !every_header.contains(h)).cloned().collect::<Vec<_>>());
        match first_headers.iter().find(|(first, _)| first.source().path == file.source().path) {
            None => first_headers.push((file, headers)),
            Some((first, expected)) => differences.extend(different_headers(source, first, expected, file, &headers)),
        }
    }
    let scan = match scan {
        Scan::Whole { .. } => Scan::Whole { headers: &every_header },
        other => other,
    };
    let mut frames = Vec::new();
    let mut errors = Vec::new();
    for file in &files {
        if !in_share(source, file) {
            continue;
        }
        match scan_file(source, file, columns, scan) {
            Ok(frame) => frames.push(frame),
            Err(found) => errors.extend(found.into_vec()),
        }
    }
    Errors::check(errors, ())?;
    let rows = match frames.is_empty() {
        // No file of this share: no rows, in the columns the first file's rows have.
        true => {
            let whole = SourceRef { share: Share::WHOLE, ..*source };
            let mut first = scan_file(&whole, &files[0], columns, scan)?;
            DataFrame::empty_with_schema(first.collect_schema().or_bug()?.as_ref()).lazy()
        }
        false => concat(frames, UnionArgs { rechunk: false, parallel: true, ..Default::default() }).or_bug()?,
    };
    Ok(Scanned { rows, differences, counts })
}

/// Whether a file holds rows of the source's share: one whose entity is its name or its
/// source's `entity_value` holds rows of that entity's share only; one with a column of
/// entities is filtered as it is read.
fn in_share(source: &SourceRef, file: &DataFile) -> bool {
    let part = file.source();
    if source.share.is_whole() || part.entity.is_some() {
        return true;
    }
    let named = part.entity_value.clone().or_else(|| files::entity_in_path(part, &source.ruleset.base_dir, &file.path));
    named.is_none_or(|name| source.share.holds_name(&crate::words::entity_name(&name)))
}

/// Whether a column holds counts in a file, as its sample shows.
fn holds_counts(source: &SourceRef, file: &DataFile, sample: &DataFrame, headers: &[String], column: &str) -> bool {
    let header = source.header_of(column);
    let Some(found) = find_header(headers, header) else { return false };
    let Ok(notation) = values::notation(file, sample, source.source) else { return false };
    sniff::holds_counts(header, values::whole_numbers(sample, found, notation))
}

/// A file of a source whose headers are not those of its first file.
pub struct HeaderDifference {
    pub file: String,
    pub first_file: String,
    /// The file's entity, where its path names it.
    pub entity: Option<String>,
    /// The first file's headers it lacks, and the headers it has that the first file lacks.
    pub missing: Vec<String>,
    pub extra: Vec<String>,
}

fn different_headers(
    source: &SourceRef,
    first: &DataFile,
    expected: &[String],
    file: &DataFile,
    headers: &[String],
) -> Option<HeaderDifference> {
    let missing: Vec<String> = expected.iter().filter(|h| !headers.contains(h)).cloned().collect();
    let extra: Vec<String> = headers.iter().filter(|h| !expected.contains(h)).cloned().collect();
    if missing.is_empty() && extra.is_empty() {
        return None;
    }
    let entity = files::entity_in_path(source.source, &source.ruleset.base_dir, &file.path);
    Some(HeaderDifference { file: file.display(), first_file: first.display(), entity, missing, extra })
}

/// The first file of a source whose rows cannot be read, and why: for an error that names the
/// file, when reading the source as a whole failed.
pub fn failing_file(source: &SourceRef, columns: &[ColumnUse]) -> Option<(String, PolarsError)> {
    let files = source.files().ok()?;
    files.iter().find_map(|file| match scan_file(source, file, columns, Scan::Rows).ok()?.collect() {
        Ok(_) => None,
        Err(error) => Some((file.display(), error)),
    })
}

/// The headers of a file that the source names: its date, its entity and each column used.
struct Headers {
    date: Option<String>,
    entity: Option<String>,
    columns: Vec<String>,
}

/// A file's rows, as `scan` says.
pub(super) fn scan_file(
    source: &SourceRef,
    file: &DataFile,
    columns: &[ColumnUse],
    scan: Scan,
) -> Result<LazyFrame, Errors> {
    // The file is read as its part of the source: its date, entity and headers.
    let source = &SourceRef { source: file.source(), ..*source };
    let sample = file.sample().map_err(|error| error.at_opt(source.location_of(Some("path"), None)))?;
    let headers = headers_in(source, file, &sample, columns)?;
    let mut dtypes: Vec<(String, DataType)> = Vec::new();
    let entity = entity(source, file, &headers)?;
    if let Entity::Column(header) = &entity {
        dtypes.push((header.clone(), DataType::String));
    }
    let mut select = vec![entity.text().alias(RowColumn::Entity.name())];
    if let Some(date_header) = &headers.date {
        let declared = source.source.date_format.as_deref();
        let date = values::date(file, &sample, date_header, declared, source.as_text, &mut dtypes)
            .map_err(|(error, field)| error.at_opt(source.location_of(Some(field), None)))?;
        select.push(date.alias(RowColumn::Date.name()));
    }
    let notation = values::notation(file, &sample, source.source)
        .map_err(|error| error.at_opt(source.location_of(Some("path"), None)))?;
    let mut bad = Vec::new();
    for (column, header) in columns.iter().zip(&headers.columns) {
        if source.source.absent.contains(&column.name) {
            // The part's export lacks the column: no data, typed as the column would be read.
            let dtype = if column.usage == Usage::Text { DataType::String } else { DataType::Float64 };
            select.push(lit(NULL).cast(dtype).alias(RowColumn::Source(&column.name).name()));
            continue;
        }
        let read =
            values::column(column.usage, file, &sample, header, (source.source, notation, source.as_text), &mut dtypes);
        select.push(read.value.alias(RowColumn::Source(&column.name).name()));
        bad.extend(read.bad.map(|flag| flag.cast(DataType::UInt32)));
    }
    // How many values of the row are not numbers, in the columns that can hold one.
    let bad = match bad.is_empty() {
        true => lit(0u32),
        false => polars::lazy::dsl::sum_horizontal(bad, false).or_bug()?,
    };
    // One type whatever the number of columns summed, so that files of several layouts concatenate.
    select.push(bad.cast(DataType::UInt32).alias(RowColumn::BadValues.name()));
    let total = total_row_flag(&headers, &dtypes)?;
    let written: Vec<String> = sample.get_column_names().iter().map(|n| n.to_string()).collect();
    if let Scan::Whole { headers: every_header } = scan {
        // Every column is read, as text, to tell a repeated row from rows that differ only in a
        // column no formula reads.
        for header in &written {
            if !dtypes.iter().any(|(h, _)| h == header) {
                dtypes.push((header.clone(), DataType::String));
            }
        }
        // Joined by a unit separator, no data (or no such column) written as a character of
        // its own.
        let cell = |h: &String| match written.contains(h) {
            true => col(h.as_str()).cast(DataType::String).fill_null(lit("\u{0}")),
            false => lit("\u{0}"),
        };
        let cells: Vec<Expr> = every_header.iter().map(cell).collect();
        select.push(concat_str(cells, "\u{1f}", false).alias(RowColumn::Whole.name()));
    }
    if matches!(scan, Scan::Marked | Scan::Whole { .. }) {
        select.push(total.clone().alias(RowColumn::TotalRow.name()));
    }
    // A header read two ways (the date column, also counted as a column) is read as it is
    // first named: the date as a date, which the column's own reading then casts.
    let mut named = std::collections::HashSet::new();
    dtypes.retain(|(header, _)| named.insert(header.clone()));
    // A share of the entities is filtered as the file is read; line numbers count every row.
    let keep = match &entity {
        Entity::Column(header) if !source.share.is_whole() && scan != Scan::Numbered => {
            let index = Share::index_of(source.share.of, entity.text());
            let (spills, reader) = (source.spills.cloned(), source.name.to_string());
            Some(Keep { column: header.clone(), index, share: source.share, spills, reader })
        }
        _ => None,
    };
    let rows = file.scan(&dtypes, keep)?;
    let rows = match scan {
        Scan::Numbered => {
            let line = unused_name(&written, RowColumn::Line.name().as_str());
            select.push(col(line.as_str()).alias(RowColumn::Line.name()));
            let written = headers
                .date
                .as_deref()
                .map_or_else(|| lit(NULL).cast(DataType::String), |h| col(h).cast(DataType::String));
            select.push(written.alias(RowColumn::WrittenDate.name()));
            rows.with_row_index(line.as_str(), None)
        }
        _ => rows,
    };
    let rows = rows.filter(not_blank(&dtypes)?);
    let rows = if matches!(scan, Scan::Marked | Scan::Whole { .. }) { rows } else { rows.filter(total.not()) };
    let rows = rows.select(select);
    // A view that leaves days of its periods out (a year to date) reads none of their rows; a
    // targets table's dates only say which period a target is for.
    let grain = source.ruleset.model.grain.period;
    let rows_of_data = source.ruleset.model.source_role(source.name) == SourceRole::Rows;
    Ok(match rows_of_data.then(|| period::within(grain, RowColumn::Date.col())).flatten() {
        Some(within) => rows.filter(within),
        None => rows,
    })
}

/// A name for a column the engine adds to a file's columns that none of them has (a file may
/// well have a column `row`, or one named like the engine's).
pub(super) fn unused_name(headers: &[String], base: &str) -> String {
    let mut name = base.to_string();
    while headers.contains(&name) {
        name.push('\'');
    }
    name
}

/// Whether a row holds a value in a column that is read: rows that hold none (`,,,` at the
/// end of a CSV that Excel saved with formatted empty rows) are left out, as empty rows of a
/// sheet are.
fn not_blank(dtypes: &[(String, DataType)]) -> Result<Expr, Errors> {
    let filled: Vec<Expr> = dtypes.iter().map(|(header, _)| col(header.as_str()).is_not_null()).collect();
    Ok(match filled.is_empty() {
        true => lit(true),
        false => polars::lazy::dsl::any_horizontal(filled).or_bug()?,
    })
}

/// Whether a row is a total row, by its date cell (or, in a source without dates, its entity
/// cell) read as text; a date the reader parses itself cannot hold one. In a dated source, an
/// entity that is a total is left out once the rows are grouped (see `Aggregates::plan`),
/// which is cheaper than a test of every row.
fn total_row_flag(headers: &Headers, dtypes: &[(String, DataType)]) -> Result<Expr, Errors> {
    let as_text = |header: &&str| dtypes.iter().any(|(h, dtype)| h == header && *dtype == DataType::String);
    let entity_header = headers.entity.as_deref().filter(|_| headers.date.is_none());
    let totals: Vec<Expr> = [headers.date.as_deref(), entity_header]
        .into_iter()
        .flatten()
        .filter(as_text)
        .map(|header| values::total_row(col(header)))
        .collect();
    Ok(match totals.is_empty() {
        true => lit(false),
        false => polars::lazy::dsl::any_horizontal(totals).or_bug()?,
    })
}

/// The headers the source names, as the file writes them; every one it lacks is an error.
fn headers_in(
    source: &SourceRef,
    file: &DataFile,
    sample: &DataFrame,
    columns: &[ColumnUse],
) -> Result<Headers, Errors> {
    let headers: Vec<String> = sample.get_column_names().iter().map(|n| n.to_string()).collect();
    let mut errors = Vec::new();
    let mut header = |wanted: &str, field: Option<&str>, column: Option<&str>| -> String {
        if let Some(problem) = source.header_problem(file, wanted, (field, column), &headers) {
            errors.push(problem);
        }
        find_header(&headers, wanted).unwrap_or_default().to_string()
    };
    let date = source.source.date.as_deref().map(|h| header(h, Some("date"), None));
    let entity = source.source.entity.as_deref().map(|h| header(h, Some("entity"), None));
    let absent = |c: &&ColumnUse| source.source.absent.contains(&c.name);
    let columns = columns
        .iter()
        .map(|c| if absent(&c) { String::new() } else { header(source.header_of(&c.name), None, Some(&c.name)) })
        .collect();
    Errors::check(errors, Headers { date, entity, columns })
}

/// Where the entity of each row is read: its entity column, or the name the source's
/// `entity_value` or the part of the file's path at `{entity}` gives all the file's rows.
enum Entity {
    Column(String),
    Named(String),
}

impl Entity {
    /// The entity as text, as [`values::entity_name`] compares names (`a` and `a ` are one
    /// account). A blank one is empty, which `bad_rows::no_entity` tells.
    fn text(&self) -> Expr {
        match self {
            Entity::Column(header) => values::entity_name(col(header.as_str()).cast(DataType::String)),
            Entity::Named(name) => values::entity_name(lit(name.clone())),
        }
    }
}

fn entity(source: &SourceRef, file: &DataFile, headers: &Headers) -> Result<Entity, Error> {
    match (&headers.entity, &source.source.entity_value) {
        (Some(header), _) => Ok(Entity::Column(header.clone())),
        (None, Some(value)) => Ok(Entity::Named(value.clone())),
        (None, None) => {
            let found = files::entity_in_path(source.source, &source.ruleset.base_dir, &file.path);
            let name = found.filter(|name| !name.trim().is_empty()).ok_or_else(|| {
                let kind = ErrorKind::NoEntityInPath { file: file.display(), pattern: source.source.path.clone() };
                Error::new(kind)
                    .at_opt(source.location_of(Some("path"), None))
                    .help("name the file after its account, or move it out of the folder")
            })?;
            Ok(Entity::Named(name))
        }
    }
}

/// The headers of a source's first file, when its files can be found and read.
pub fn peek_headers(source: &Source, base: &Path) -> Option<Vec<String>> {
    let (path, part) = files::find_parts(source, base).ok()?.into_iter().next()?;
    DataFile::open(path, &part).ok()?.headers().ok()
}
