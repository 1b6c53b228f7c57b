//! The actions log a consultant keeps beside the exports: what was done, when, for which entity
//! and KPI (`actions: actions.csv` in the ruleset). Reports mark each action on the KPI's trend
//! and say what moved since.

use chrono::NaiveDate;
use polars::prelude::*;

use super::files::DataFile;
use crate::engine::bug::Bug;
use crate::error::{Error, ErrorKind, Errors, Result};
use crate::ruleset::CheckedRuleset;
use crate::ruleset::model::Source;
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
/// ruleset (or none), and what was done. A log that is a link leading out of its folder is not
/// read (its text would reach a client's report): none, and the warning naming it.
pub fn read(ruleset: &CheckedRuleset) -> Result<(Vec<Action>, Option<Error>)> {
    let Some(name) = &ruleset.model.actions else { return Ok((Vec::new(), None)) };
    let path = ruleset.base_dir.join(name);
    if crate::read::leads_out(&ruleset.base_dir, &path) {
        let warning = Error::new(ErrorKind::LinkLeadsOut { path: name.clone() })
            .help("copy the actions log into the folder instead of linking to it");
        return Ok((Vec::new(), Some(warning)));
    }
    read_from(ruleset, name, path).map(|actions| (actions, None))
}

fn read_from(ruleset: &CheckedRuleset, name: &str, path: std::path::PathBuf) -> Result<Vec<Action>> {
    let location = ruleset.tree.at(&[Key("actions")]).map(|n| n.location.clone());
    let shown = path.display().to_string();
    // Read as the exports are: a GBK or UTF-16 CSV, a workbook, whatever its name says.
    let file = DataFile::open(path, &Source::of_file(name)).map_err(|e| e.at_opt(location.clone()))?;
    let headers = file.headers().map_err(|e| e.at_opt(location.clone()))?;
    let mut wanted = Vec::new();
    for (english, chinese) in HEADERS {
        let found = headers.iter().find(|h| h.trim() == english || h.trim() == chinese).ok_or_else(|| {
            let kind = ErrorKind::MissingColumn { header: format!("{english}` or `{chinese}"), file: shown.clone() };
            Error::new(kind).at_opt(location.clone()).note(format!("the file's headers are: {}", headers.join(", ")))
        })?;
        wanted.push((found.clone(), DataType::String));
    }
    let select: Vec<Expr> = wanted.iter().map(|(header, _)| col(header.as_str()).cast(DataType::String)).collect();
    let table = file
        .scan(&wanted, None)
        .and_then(|rows| {
            rows.select(select)
                .collect()
                .map_err(|e| Error::new(ErrorKind::UnreadableFile { path: shown.clone(), message: e.to_string() }))
        })
        .map_err(|e| e.at_opt(location.clone()))?;
    let column = |index: usize| -> Result<Vec<Option<String>>> {
        let values = table.select_at_idx(index).expect("four columns are selected").str().or_bug()?;
        Ok(values.iter().map(|v| v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())).collect())
    };
    let (dates, entities, kpis, actions) = (column(0)?, column(1)?, column(2)?, column(3)?);
    let mut found = Vec::new();
    let mut errors = Vec::new();
    for row in 0..table.height() {
        if dates[row].is_none() && entities[row].is_none() && kpis[row].is_none() && actions[row].is_none() {
            continue;
        }
        let line = file.data_line(row);
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
