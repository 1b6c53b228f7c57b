//! One case run: the ruleset under test, its sources pointed at the case's rows (inline CSV
//! written to a scratch folder, or fixture files), evaluated and appraised in the case's period,
//! and every expectation compared with what came out.

use std::path::{Path, PathBuf};

use super::file::{CaseData, Given, TestCase, TestFile};
use super::{case_files, parts};
use crate::appraise::{Appraisal, Selection, appraise};
use crate::engine::warehouse::{self, CaseTable, Warehouse};
use crate::engine::{self, Evaluation, Period};
use crate::error::{Error, ErrorKind, Errors, Result};
use crate::ruleset::model::{SourceEncoding, SourceFormat};
use crate::ruleset::{self, CheckedRuleset, Loaded};

/// A case's ruleset, evaluation and appraisal of its period.
pub struct Ran {
    /// The period the expectations are about; none when no source has rows.
    pub period: Option<Period>,
    pub ruleset: CheckedRuleset,
    pub evaluation: Evaluation,
    pub appraisal: Appraisal,
}

/// The ruleset under test, as `extends` leaves it; a test file whose ruleset cannot be read is
/// broken.
pub fn load_ruleset(file: &TestFile) -> Result<Loaded> {
    let path = ruleset_path(file);
    if !path.is_file() {
        let kind = ErrorKind::UnreadableFile { path: path.display().to_string(), message: "no such file".into() };
        return Err(Error::new(kind).at(file.ruleset_location.clone()).into());
    }
    ruleset::load(&path)
}

fn ruleset_path(file: &TestFile) -> PathBuf {
    file.path.parent().unwrap_or(Path::new("")).join(&file.ruleset)
}

/// The case's rows evaluated by the ruleset under test, and appraised in the case's period; on
/// `warehouse`, when given, its tables made of the case's rows there.
pub fn evaluate_case(file: &TestFile, case: &TestCase, scratch: &Path, warehouse: Option<&Warehouse>) -> Result<Ran> {
    let mut loaded = load_ruleset(file)?;
    // Names resolve by the headers of the ruleset's own files, so that rows a case gives without
    // a column fail as rows without it (an attribute table resolves by the case's rows, where
    // the ruleset has no file of it).
    let mut headers = crate::project::headers(&loaded, &loaded.base_dir);
    let tables = match warehouse {
        Some(warehouse) => case_tables(&mut loaded, file, case, scratch, warehouse)?,
        None => Vec::new(),
    };
    point_sources(&mut loaded, file, case, scratch)?;
    for (name, found) in crate::project::headers(&loaded, scratch) {
        if !loaded.model.sources[&name].is_dated() {
            headers.entry(name).or_insert(found);
        }
    }
    let ruleset = ruleset::validate(loaded, scratch.to_path_buf(), &headers)?;
    let evaluation = match warehouse {
        Some(warehouse) => warehouse::evaluate_case(&ruleset, warehouse, &tables)?,
        None => engine::evaluate(&ruleset)?,
    };
    let period = match &case.period {
        Some((label, location)) => {
            Some(Period::read(ruleset.model.grain.period, label).map_err(|e| e.at(location.clone()))?)
        }
        None => evaluation.latest_period_with_data(&ruleset)?,
    };
    let selection = Selection { period, entity: None };
    let appraisal = appraise(&ruleset, &evaluation, &selection, ruleset.model.locale)?;
    Ok(Ran { period, ruleset, evaluation, appraisal })
}

/// Every table source reads the case's rows from a table made of them on the engine: the rows
/// the case gives, as CSV, or none (a table of the columns the ruleset reads, without rows).
fn case_tables(
    loaded: &mut Loaded,
    file: &TestFile,
    case: &TestCase,
    scratch: &Path,
    warehouse: &Warehouse,
) -> Result<Vec<CaseTable>> {
    let fixtures = file.path.parent().unwrap_or(Path::new("")).to_path_buf();
    let mut tables = Vec::new();
    let mut errors = Vec::new();
    for (name, source) in loaded.model.sources.iter_mut().filter(|(_, source)| source.table.is_some()) {
        let rows = match case.data.iter().find(|d| &d.source == name) {
            None => None,
            Some(data) => match case_csv(data, &fixtures, &scratch.join(format!("table-{}", tables.len()))) {
                Ok(path) => Some(path),
                Err(error) => {
                    errors.push(error);
                    continue;
                }
            },
        };
        let table = warehouse.case_table(tables.len());
        source.table = Some(table.clone());
        tables.push(CaseTable { source: name.clone(), table, rows });
    }
    Errors::check(errors, tables)
}

/// The file of a table's rows in a case: its inline CSV written to `folder`, or its fixture
/// file, which must be CSV (a table has columns, not an export's sheets).
fn case_csv(data: &CaseData, fixtures: &Path, folder: &Path) -> Result<PathBuf, Error> {
    let (path, inline) = write_given(data, &data.given, fixtures, folder)?;
    let csv = path.extension().is_some_and(|extension| extension.eq_ignore_ascii_case("csv"));
    match inline || csv {
        true => Ok(path),
        false => {
            let message = "a table's rows are given as CSV, inline or in a `.csv` file".to_string();
            let kind = ErrorKind::InvalidTestData { source_name: data.source.clone(), message };
            Err(Error::new(kind).at(data.location.clone()))
        }
    }
}

/// Every source reads the case's rows: those it gives, or none (a source the case does not give
/// has no files, and what is computed from it no data).
fn point_sources(loaded: &mut Loaded, file: &TestFile, case: &TestCase, scratch: &Path) -> Result<()> {
    let fixtures = file.path.parent().unwrap_or(Path::new("")).to_path_buf();
    let mut errors = Vec::new();
    for data in &case.data {
        if !loaded.model.sources.contains_key(&data.source) {
            let known = loaded.model.sources.keys().map(String::as_str);
            let error = Error::new(ErrorKind::UnknownSource { name: data.source.clone() }).suggest(&data.source, known);
            errors.push(error.at(data.location.clone()));
        }
    }
    let files = loaded.model.sources.iter_mut().enumerate().filter(|(_, (_, source))| source.table.is_none());
    for (index, (name, source)) in files {
        // A source's name is the ruleset's text: a folder's name where it can be one, never a path.
        let folder = match super::file::is_folder_name(name) {
            true => scratch.join(name),
            false => scratch.join(format!("source-{index}")),
        };
        let none = glob::Pattern::escape(&folder.join("none").display().to_string());
        match case.data.iter().find(|d| &d.source == name) {
            None if source.parts.is_empty() => source.path = none,
            None => source.parts.iter_mut().for_each(|part| part.path = none.clone()),
            Some(data)
                if !source.parts.is_empty()
                    && let Some(files) = parts::fixture_files(&data.given) =>
            {
                if let Err(error) = parts::route(data, files, source, &fixtures, &folder) {
                    errors.push(error);
                }
            }
            Some(data) => match write_data(data, &fixtures, &folder, source.entity_from_path()) {
                Ok((path, inline)) => {
                    // Inline rows stand for every export of the source, in the source's own terms
                    // (dated as its first part, where only its parts are).
                    if let Some(first) = source.parts.first() {
                        source.date = source.date.clone().or_else(|| first.date.clone());
                        source.date_format = source.date_format.clone().or_else(|| first.date_format.clone());
                    }
                    source.parts.clear();
                    source.path = path;
                    if inline {
                        // Inline rows are CSV with their headers on the first line.
                        source.format = SourceFormat::Csv;
                        source.encoding = SourceEncoding::Utf8;
                        source.header_row = 1;
                        source.sheet = None;
                        source.range = None;
                    }
                }
                Err(error) => errors.push(error),
            },
        }
    }
    Errors::check(errors, ())
}

/// The case's rows for one source, in `folder`: the `path` that reads them, and whether they
/// are inline CSV.
fn write_data(data: &CaseData, fixtures: &Path, folder: &Path, per_entity: bool) -> Result<(String, bool), Error> {
    let invalid = |message: String| {
        Error::new(ErrorKind::InvalidTestData { source_name: data.source.clone(), message }).at(data.location.clone())
    };
    let write = |given: &Given, into: &Path| write_given(data, given, fixtures, into);
    match (&data.given, per_entity) {
        (Given::PerEntity(entities), true) => {
            let mut inline = true;
            for (entity, given) in entities {
                inline &= write(given, &folder.join(entity))?.1;
            }
            Ok((format!("{}/{{entity}}/*", glob::Pattern::escape(&folder.display().to_string())), inline))
        }
        (Given::PerEntity(_), false) => {
            Err(invalid("the source names the entity of each row: give its rows as CSV or a file".into()))
        }
        (_, true) => Err(invalid(
            "the source takes one file per entity (`{entity}` in its path): give the rows of each, `source: { main: ... }`"
                .into(),
        )),
        (given, false) => {
            let (path, inline) = write(given, folder)?;
            // A path is a pattern: a fixture named `export[1].csv` is that file, not a class of characters.
            Ok((glob::Pattern::escape(&path.display().to_string()), inline))
        }
    }
}

/// `given` rows of `data` as a file in `into`, and whether they were inline CSV.
fn write_given(data: &CaseData, given: &Given, fixtures: &Path, into: &Path) -> Result<(PathBuf, bool), Error> {
    std::fs::create_dir_all(into).map_err(|e| case_files::unwritable(into, e))?;
    match given {
        Given::Inline(text) => {
            let path = into.join("rows.csv");
            let mut file = case_files::new_file(&path)?;
            std::io::Write::write_all(&mut file, text.as_bytes()).map_err(|e| case_files::unwritable(&path, e))?;
            Ok((path, true))
        }
        Given::File(relative) => {
            let name = relative.file_name().unwrap_or_default();
            let path = into.join(name);
            case_files::copy_fixture(&fixtures.join(relative), &path).map_err(|e| e.at(data.location.clone()))?;
            Ok((path, false))
        }
        Given::PerEntity(_) => {
            let message = "an entity's rows are CSV or a file, not a map".to_string();
            let kind = ErrorKind::InvalidTestData { source_name: data.source.clone(), message };
            Err(Error::new(kind).at(data.location.clone()))
        }
    }
}
