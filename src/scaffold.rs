//! `kpi init DIR --from builtin:NAME`: a new client folder that checks and tests at once — a
//! ruleset extending the built-in, the built-in's sample exports, a test file whose expectations
//! are what the ruleset gives for them today, a `templates/` folder for overrides, a `.gitignore`
//! and a README for the client.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::appraise::{Appraisal, Selection, appraise};
use crate::engine;
use crate::error::{Error, ErrorKind, Result};
use crate::ruleset::{CheckedRuleset, builtin};

/// The built-in a client starts from when `--from` is not given.
pub const DEFAULT_BUILTIN: &str = "builtin:wechat-official-account";

/// Writes the client folder; the files written, in the order written.
pub fn client_folder(dir: &Path, from: &str) -> Result<Vec<PathBuf>> {
    let name = builtin_name(from)?;
    refuse_files_in(dir)?;
    let client = client_id(dir);
    let mut written = Written::default();
    written.write(dir, "ruleset.yaml", ruleset_text(&client, name).as_bytes())?;
    for (relative, text) in builtin::samples(name) {
        written.write(dir, relative, text)?;
    }
    written.write(dir, "templates/README.md", TEMPLATES_README.as_bytes())?;
    written.write(dir, ".gitignore", GITIGNORE.as_bytes())?;
    written.write(dir, "README.md", client_readme(&client, name).as_bytes())?;
    let test = test_text(&dir.join("ruleset.yaml"), name)?;
    written.write(dir, "tests/sample.test.yaml", test.as_bytes())?;
    written.folders.clear();
    Ok(std::mem::take(&mut written.files))
}

/// The files and folders of the client folder written so far: removed again if the folder
/// cannot be written whole, so that a failed `kpi init` leaves nothing behind.
#[derive(Default)]
struct Written {
    files: Vec<PathBuf>,
    folders: Vec<PathBuf>,
}

impl Written {
    /// Creates `relative` in `dir`, where no file was: a file of the client's is never
    /// overwritten, even in a folder that cannot be listed.
    fn write(&mut self, dir: &Path, relative: &str, bytes: &[u8]) -> Result<()> {
        let path = dir.join(relative);
        if let Some(parent) = path.parent() {
            let missing: Vec<&Path> = parent.ancestors().take_while(|folder| !folder.exists()).collect();
            std::fs::create_dir_all(parent).map_err(|e| cannot_write(&path, e))?;
            self.folders.extend(missing.into_iter().rev().map(Path::to_path_buf));
        }
        let mut file =
            std::fs::OpenOptions::new().write(true).create_new(true).open(&path).map_err(|e| cannot_write(&path, e))?;
        self.files.push(path.clone());
        std::io::Write::write_all(&mut file, bytes).map_err(|e| cannot_write(&path, e))?;
        Ok(())
    }
}

impl Drop for Written {
    fn drop(&mut self) {
        for path in self.files.iter().rev() {
            let _ = std::fs::remove_file(path);
        }
        // Only empty folders go: one that holds anything not written here stays.
        for folder in self.folders.iter().rev() {
            let _ = std::fs::remove_dir(folder);
        }
    }
}

/// `builtin:NAME` (or `NAME`) of a built-in ruleset.
fn builtin_name(from: &str) -> Result<&'static str> {
    let name = from.strip_prefix("builtin:").unwrap_or(from);
    builtin::NAMES.iter().copied().find(|known| *known == name).ok_or_else(|| {
        let available: Vec<String> = builtin::NAMES.iter().map(|n| format!("builtin:{n}")).collect();
        Error::new(ErrorKind::UnknownBuiltin { name: name.to_string() })
            .note(format!("the built-in rulesets are: {}", available.join(", ")))
            .suggest(&format!("builtin:{name}"), available.iter().map(String::as_str))
            .into()
    })
}

/// A folder that has files, or that cannot be listed to tell, is not written into: nothing of a
/// client's is overwritten.
fn refuse_files_in(dir: &Path) -> Result<()> {
    let not_empty = || Error::new(ErrorKind::FolderNotEmpty { path: dir.display().to_string() });
    match std::fs::read_dir(dir).map(|mut entries| entries.next().is_none()) {
        Ok(true) => Ok(()),
        Ok(false) => Err(not_empty().help("name a new folder, or an empty one").into()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(not_empty()
            .note(format!("it cannot be listed to see what is in it: {e}"))
            .help("name a new folder, or one you can list")
            .into()),
    }
}

fn cannot_write(path: &Path, error: std::io::Error) -> Error {
    Error::new(ErrorKind::UnwritableFile { path: path.display().to_string(), message: error.to_string() })
}

/// The client's id: the folder's name, as an id is written.
fn client_id(dir: &Path) -> String {
    let name = dir.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    let id: String = name.chars().map(|c| if c.is_alphanumeric() || c == '-' || c == '_' { c } else { '-' }).collect();
    if id.is_empty() { "client".to_string() } else { id }
}

fn ruleset_text(client: &str, builtin: &str) -> String {
    let (kpi, source, diagnosis) = first_definitions(builtin);
    // Quoted: a folder named `null`, `true` or `2026` is still a name.
    let id = quoted(client);
    format!(
        "# The ruleset of {client}: the built-in `{builtin}` with this client's changes. Every KPI,\n\
         # source, scorecard and diagnosis of the built-in applies; change only what differs, e.g.\n\
         #\n\
         #   kpis:\n\
         #     {kpi}: {{ target: ... }}                   # another target\n\
         #   sources:\n\
         #     {source}: {{ path: \"data/{{entity}}/*.xlsx\" }}   # one download per account\n\
         #   remove: [diagnoses.{diagnosis}]          # advice this client does not want\n\
         #\n\
         # `kpi show ruleset.yaml --effective` prints the whole ruleset; `kpi show ruleset.yaml --sources`\n\
         # lists the exports to download; `kpi schema > ruleset.schema.json` gives editors the format.\n\
         ruleset: {id}\n\
         version: \"1\"\n\
         client: {id}\n\
         extends: builtin:{builtin}\n\
         \n\
         # The house's look on every report, the book's cover and the workbook (docs/templates.md).\n\
         report:\n\
         \x20 brand:\n\
         \x20   colours: {{ primary: \"#111827\", accent: \"#2563EB\" }}   # headings and table heads; highlights\n\
         \x20   # logo: logo.png                   # PNG, JPEG or SVG in this folder\n\
         \x20   # font: Source Han Sans SC          # every text, Latin and Chinese\n\
         \x20   # prepared_by: 你们的公司名          # on the cover, and the documents' author\n\
         \x20   # confidentiality: 仅供客户内部使用  # on the cover and at the foot of every page\n"
    )
}

/// The built-in's first KPI, source and diagnosis, for the examples of the client's ruleset.
fn first_definitions(builtin: &str) -> (String, String, String) {
    let text = builtin::text(builtin).unwrap_or_default();
    let file = crate::location::SourceFile::new(format!("builtin:{builtin}"), text);
    let loaded = crate::ruleset::load_text(file, std::path::PathBuf::new()).ok();
    let model = loaded.as_ref().map(|l| &l.model);
    let kpi = model.and_then(|m| m.kpis.keys().next().cloned()).unwrap_or_else(|| "KPI".into());
    let source = model.and_then(|m| m.sources.keys().next().cloned()).unwrap_or_else(|| "SOURCE".into());
    let diagnosis = model.and_then(|m| m.diagnoses.first().map(|d| d.id.clone())).unwrap_or_else(|| "ID".into());
    (kpi, source, diagnosis)
}

const TEMPLATES_README: &str = "# Report templates\n\n\
A template here replaces the shipped one of the same name (`entity.html`, `portfolio.md`, \
`style.css`, …) in every report of this ruleset, and `{% extends \"builtin/entity.html\" %}` \
reaches the shipped ones. The logo, colours and font need no template: see `report.brand` in \
ruleset.yaml.\n\n\
See docs/templates.md of kpi for the names and the template context.\n";

const GITIGNORE: &str =
    "# Reports and results are written from the data: keep them out of git.\n/out/\n/reports/\n*.json\n*.parquet\n";

fn client_readme(client: &str, builtin: &str) -> String {
    format!(
        "# {client}\n\n\
         The appraisal of {client}, built on `builtin:{builtin}`.\n\n\
         - `ruleset.yaml`: this client's changes to the built-in.\n\
         - `data/`: the exports; `kpi show ruleset.yaml --sources` says which, and where to download them.\n\
           The files here are samples: replace them with the client's own.\n\
         - `tests/`: what the appraisal must give for given rows; run them before every change.\n\
         - `templates/`: report templates that replace the shipped ones.\n\n\
         Each month:\n\n\
         ```sh\n\
         kpi check ruleset.yaml --data .     # every formula, and every column of every export\n\
         kpi test tests                      # the expectations still hold\n\
         kpi report ruleset.yaml --book -o out   # the month as one PDF and Word document\n\
         ```\n"
    )
}

/// A test file with one case: the sample exports, and what the ruleset gives for the first
/// entity in their last month — every KPI's value, every grade and the diagnoses that fire.
fn test_text(ruleset_path: &Path, builtin: &str) -> Result<String> {
    let ruleset = crate::project::open(ruleset_path, None)?;
    let evaluation = engine::evaluate(&ruleset)?;
    let period = evaluation.latest_period_with_data(&ruleset)?;
    let selection = Selection { period, entity: evaluation.entities.first().cloned() };
    let appraisal = appraise(&ruleset, &evaluation, &selection, ruleset.model.locale)?;
    let entity = selection.entity.unwrap_or_default();
    let mut out = format!(
        "# What the ruleset gives for the sample exports of `builtin:{builtin}`, written by `kpi init`.\n\
         # Change the expectations to what they must be, add cases for this client, and run\n\
         # `kpi test tests` before every change to the ruleset.\n\
         ruleset: ../ruleset.yaml\n\
         cases:\n  - name: the last sample month of {entity}\n"
    );
    if let Some(period) = period {
        let _ = writeln!(out, "    period: {}", period.label());
    }
    out.push_str("    data:\n");
    let read: Vec<(&str, Option<String>, &str)> = builtin::samples(builtin)
        .iter()
        .filter_map(|(relative, _)| {
            source_reading(&ruleset, relative).map(|(source, entity)| (source, entity, *relative))
        })
        .collect();
    let mut sources: Vec<&str> = Vec::new();
    for (source, ..) in &read {
        if !sources.contains(source) {
            sources.push(source);
        }
    }
    for source in sources {
        let files: Vec<&(&str, Option<String>, &str)> = read.iter().filter(|(s, ..)| *s == source).collect();
        match files[..] {
            [(_, None, relative)] => {
                let _ = writeln!(out, "      {source}: ../{relative}");
            }
            // A source read one file per account: its files by account.
            _ => {
                let _ = writeln!(out, "      {source}:");
                for (_, entity, relative) in files {
                    let _ = writeln!(out, "        {}: ../{relative}", quoted(entity.as_deref().unwrap_or_default()));
                }
            }
        }
    }
    out.push_str(&expectations(&appraisal, &quoted(&entity)));
    Ok(out)
}

/// The source whose `path` (or one of whose parts') reads a sample file, and the account the
/// file's path names where the path has `{entity}`. The samples of a source read one file per
/// account are listed under it, by account.
fn source_reading<'a>(ruleset: &'a CheckedRuleset, relative: &str) -> Option<(&'a str, Option<String>)> {
    let matches = |pattern: &str| {
        let pattern = pattern.replace(crate::ruleset::model::ENTITY_PLACEHOLDER, "*");
        glob::Pattern::new(&pattern).is_ok_and(|p| p.matches(relative))
    };
    ruleset.model.sources.iter().find_map(|(name, source)| {
        let part = source.parts().into_iter().find(|part| matches(&part.path))?;
        let file = ruleset.base_dir.join(relative);
        let entity = engine::files::entity_in_path(&part, &ruleset.base_dir, &file);
        Some((name.as_str(), entity))
    })
}

fn expectations(appraisal: &Appraisal, entity: &str) -> String {
    let mut out = String::from("    expect:\n      kpis:\n");
    let _ = writeln!(out, "        {entity}:");
    for result in &appraisal.results {
        let value = result.value.map_or_else(|| "null".to_string(), |v| v.to_string());
        let _ = writeln!(out, "          {}: {value}", result.kpi);
    }
    if !appraisal.scorecards.is_empty() {
        let _ = writeln!(out, "      grades:\n        {entity}:");
        for scorecard in &appraisal.scorecards {
            let grade = scorecard.grade.as_deref().map_or_else(|| "null".to_string(), quoted);
            let _ = writeln!(out, "          {}: {grade}", scorecard.scorecard);
        }
    }
    let fired: Vec<&str> = appraisal.diagnoses.iter().map(|d| d.id.as_str()).collect();
    let _ = writeln!(out, "      diagnoses:\n        {entity}: [{}]", fired.join(", "));
    out
}

/// Text as a YAML double-quoted scalar.
fn quoted(text: &str) -> String {
    serde_json::to_string(text).expect("a string serializes")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_that_is_there_is_never_written_over_and_a_half_written_folder_is_taken_back() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("ruleset.yaml"), "the client's own").unwrap();
        let mut written = Written::default();
        written.write(dir.path(), "README.md", b"new").unwrap();
        written.write(dir.path(), "new/data/a/file.csv", b"x").unwrap();
        let error = written.write(dir.path(), "ruleset.yaml", b"ruleset: x\n").unwrap_err();
        assert!(error.to_string().starts_with("cannot write"), "{error}");
        drop(written);
        assert_eq!(std::fs::read_to_string(dir.path().join("ruleset.yaml")).unwrap(), "the client's own");
        assert!(!dir.path().join("README.md").exists(), "what this init wrote is removed");
        assert!(!dir.path().join("new").exists(), "and the folders it made");
    }

    #[test]
    fn a_folder_that_cannot_be_listed_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("file"), "").unwrap();
        let error = refuse_files_in(&dir.path().join("file")).unwrap_err();
        assert!(error.to_string().contains("is not empty"), "{error}");
        assert!(refuse_files_in(&dir.path().join("new")).is_ok());
    }
}
