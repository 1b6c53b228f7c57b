//! The library's front door: open a ruleset (load, merge, validate) with its data folder, check
//! that the data has every mapped column, evaluate it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::engine::files::DataFile;
use crate::engine::sources::{SourceRef, peek_headers};
use crate::error::{Errors, Result};
use crate::ruleset::{self, CheckedRuleset, RulesetFiles};

/// Loads and validates a ruleset. Source paths are relative to `data_dir` when given, else to
/// the ruleset's folder. Where source files can be read, their headers help resolve names.
pub fn open(ruleset_path: &Path, data_dir: Option<&Path>) -> Result<CheckedRuleset> {
    let loaded = ruleset::load(ruleset_path)?;
    let base_dir: PathBuf = data_dir.map_or_else(|| loaded.base_dir.clone(), Path::to_path_buf);
    validate(loaded, base_dir)
}

/// Loads and validates the ruleset at `ruleset_path` of `files` (a git revision), with what it
/// extends from there too. Source paths are relative to `data_dir`; without one, no data file
/// is read at all.
pub fn open_from(ruleset_path: &Path, data_dir: Option<&Path>, files: &dyn RulesetFiles) -> Result<CheckedRuleset> {
    let loaded = ruleset::load_from(ruleset_path, files)?;
    match data_dir {
        Some(dir) => validate(loaded, dir.to_path_buf()),
        None => {
            let base_dir = loaded.base_dir.clone();
            ruleset::validate(loaded, base_dir, &HashMap::new())
        }
    }
}

/// Validates a loaded ruleset (whose sources a caller may have pointed at other files) with
/// its source paths relative to `base_dir`.
pub fn validate(loaded: ruleset::Loaded, base_dir: PathBuf) -> Result<CheckedRuleset> {
    let headers = headers(&loaded, &base_dir);
    ruleset::validate(loaded, base_dir, &headers)
}

/// The headers of each source's first file, where its files can be read.
pub fn headers(loaded: &ruleset::Loaded, base_dir: &Path) -> HashMap<String, Vec<String>> {
    let sources = loaded.model.sources.iter();
    sources.filter_map(|(name, source)| peek_headers(source, base_dir).map(|headers| (name.clone(), headers))).collect()
}

/// Every file of every source has the headers the source maps: its date, its entity and each
/// of its `columns`. Problems are reported at the YAML line of the mapping. A source without
/// files is a warning (the KPIs it feeds will have no data), returned for the caller to show.
pub fn verify_data(ruleset: &CheckedRuleset) -> Result<Vec<crate::Error>> {
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    // A warehouse table's columns are checked on its engine (`kpi check --engine`).
    for (name, source) in ruleset.model.sources.iter().filter(|(_, source)| source.table.is_none()) {
        let source_ref = SourceRef::new(name, source, ruleset);
        let missing = source_ref.missing_files();
        if !missing.is_empty() {
            warnings.extend(missing);
            continue;
        }
        warnings.extend(source_ref.ambiguous_entity());
        let files = match source_ref.files() {
            Ok(files) => files,
            Err(found) => {
                errors.extend(found.into_vec());
                continue;
            }
        };
        for file in files {
            errors.extend(missing_headers(&source_ref, &file));
        }
    }
    Errors::check(errors, warnings)
}

fn missing_headers(source: &SourceRef, file: &DataFile) -> Vec<crate::Error> {
    // The file as its part of the source reads it.
    let source = &SourceRef { source: file.source(), ..*source };
    let headers = match file.headers() {
        Ok(headers) => headers,
        Err(error) => return vec![error.at_opt(source.location_of(Some("path"), None))],
    };
    let wanted = [("date", source.source.date.as_ref()), ("entity", source.source.entity.as_ref())];
    let fields = wanted.into_iter().filter_map(|(field, header)| header.map(|h| (Some(field), None, h.as_str())));
    let columns = source.source.columns.iter().map(|(name, header)| (None, Some(name.as_str()), header.as_str()));
    let columns = columns.filter(|(_, name, _)| !name.is_some_and(|n| source.source.absent.iter().any(|a| a == n)));
    let problems = fields.chain(columns);
    problems
        .filter_map(|(field, column, header)| source.header_problem(file, header, (field, column), &headers))
        .collect()
}
