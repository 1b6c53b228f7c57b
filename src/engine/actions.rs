//! The actions log a consultant keeps beside the exports: what was done, when, for which entity
//! and KPI (`actions: actions.csv` in the ruleset). Reports mark each action on the KPI's trend
//! and say what moved since.

use std::path::Path;

use chrono::NaiveDate;
use polars::prelude::*;

use crate::error::{Error, ErrorKind, Errors, Result};
use crate::ruleset::CheckedRuleset;
use crate::ruleset::yaml::PathStep::Key;

/// One thing done.
#[derive(Debug, Clone, PartialEq)]
pub struct Action {
    pub date: NaiveDate,
    pub entity: String,
    /// The KPI it was meant to move, if it names one.
    pub kpi: Option<String>,
    pub action: String,
}

/// The headers of an actions log, in English or in Chinese.
const HEADERS: [(&str, &str); 4] = [("date", "日期"), ("entity", "对象"), ("kpi", "指标"), ("action", "措施")];

/// The ruleset's actions log, every row checked: a readable date, an entity, a KPI of the
/// ruleset (or none), and what was done.
pub fn read(ruleset: &CheckedRuleset) -> Result<Vec<Action>> {
    let Some(file) = &ruleset.model.actions else { return Ok(Vec::new()) };
    let path = ruleset.base_dir.join(file);
    let location = ruleset.tree.at(&[Key("actions")]).map(|n| n.location.clone());
    let shown = path.display().to_string();
    let table = CsvReadOptions::default()
        .with_has_header(true)
        .with_infer_schema_length(Some(0))
        .try_into_reader_with_file_path(Some(path.clone()))
        .and_then(|reader| reader.finish())
        .map_err(|e| unreadable(&path, e.to_string()).at_opt(location.clone()))?;
    let column = |index: usize| -> Result<Vec<Option<String>>> {
        let (english, chinese) = HEADERS[index];
        let found = table.column(english).or_else(|_| table.column(chinese)).map_err(|_| {
            let kind = ErrorKind::MissingColumn { header: format!("{english}` or `{chinese}"), file: shown.clone() };
            Error::new(kind).at_opt(location.clone())
        })?;
        Ok(found.str()?.iter().map(|v| v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())).collect())
    };
    let (dates, entities, kpis, actions) = (column(0)?, column(1)?, column(2)?, column(3)?);
    let mut found = Vec::new();
    let mut errors = Vec::new();
    for row in 0..table.height() {
        let line = row + 2;
        let problem = |message: String| {
            Error::new(ErrorKind::BadAction { file: shown.clone(), line, message }).at_opt(location.clone())
        };
        let date = dates[row].as_deref().and_then(|d| {
            NaiveDate::parse_from_str(d, "%Y-%m-%d").or_else(|_| NaiveDate::parse_from_str(d, "%Y/%m/%d")).ok()
        });
        let Some(date) = date else {
            errors
                .push(problem(format!("`{}` is not a date like `2026-10-08`", dates[row].clone().unwrap_or_default())));
            continue;
        };
        let Some(entity) = entities[row].clone() else {
            errors.push(problem("it names no entity".into()));
            continue;
        };
        let kpi = kpis[row].clone();
        if let Some(kpi) = kpi.as_ref().filter(|k| !ruleset.kpis.contains_key(*k)) {
            let error = problem(format!("`{kpi}` is not a KPI of the ruleset"));
            errors.push(error.suggest(kpi, ruleset.kpis.keys().map(String::as_str)));
            continue;
        }
        found.push(Action { date, entity, kpi, action: actions[row].clone().unwrap_or_default() });
    }
    Errors::check(errors, found)
}

fn unreadable(path: &Path, message: String) -> Error {
    Error::new(ErrorKind::UnreadableFile { path: path.display().to_string(), message })
}
