//! `kpi test`: ruleset test files (`*.test.yaml`, SPEC §7). Each case gives sources rows
//! (inline CSV or fixture files) and expects KPI values, targets, scores, bands, scorecard
//! totals and grades, exactly the diagnoses that fire, and data-quality notes. A ruleset is
//! tested like code: every failing expectation says what was expected and what came out, at its
//! YAML line.

mod case_files;
mod compare;
mod file;
mod junit;
mod parts;
mod render;
mod run;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Instant;

pub use compare::Failure;
pub use file::{Expected, TestFile};

use crate::engine::warehouse::Warehouse;
use crate::error::{Error, ErrorKind, Errors, Result};
use crate::location::Location;
use crate::scratch::Scratch;

/// What a case gave: the failing expectations, or the errors that kept it from running
/// (rendered, the case's scratch folder named `<case data>`).
pub enum Outcome {
    Passed,
    Failed(Vec<Failure>),
    Errors(String),
}

/// Runs one case in its own scratch folder.
fn run_case(file: &TestFile, case: &file::TestCase, scratch: &Path, warehouse: Option<&Warehouse>) -> Outcome {
    match run::evaluate_case(file, case, scratch, warehouse) {
        Ok(ran) => match compare::expectations(case, &ran) {
            failures if failures.is_empty() => Outcome::Passed,
            failures => Outcome::Failed(failures),
        },
        Err(errors) => {
            let rendered = crate::diagnostic::render(&errors);
            Outcome::Errors(rendered.replace(&scratch.display().to_string(), "<case data>"))
        }
    }
}

/// What running the test files gave.
pub struct SuiteReport {
    pub files: Vec<FileReport>,
    /// Per ruleset under test, the KPIs and diagnoses no case has an expectation on.
    pub unexercised: Vec<Unexercised>,
}

pub struct FileReport {
    pub path: PathBuf,
    /// The ruleset under test: its id, version and content hash (`chenguang-wechat 2026.11,
    /// 6aa950efb7616107`).
    pub ruleset: Option<String>,
    pub cases: Vec<CaseReport>,
    /// Why no case of the file ran, when it is broken.
    pub broken: Option<Errors>,
}

pub struct CaseReport {
    pub name: String,
    pub location: Location,
    pub outcome: Outcome,
    pub seconds: f64,
}

pub struct Unexercised {
    pub ruleset: PathBuf,
    pub kpis: Vec<String>,
    pub diagnoses: Vec<String>,
}

/// Exit codes: a case failed; a test file is broken.
pub const CASE_FAILED: u8 = 1;
pub const FILE_BROKEN: u8 = 2;

impl SuiteReport {
    pub fn passed(&self) -> usize {
        self.cases().filter(|c| matches!(c.outcome, Outcome::Passed)).count()
    }

    pub fn failed(&self) -> usize {
        self.cases().filter(|c| !matches!(c.outcome, Outcome::Passed)).count()
    }

    fn cases(&self) -> impl Iterator<Item = &CaseReport> {
        self.files.iter().flat_map(|f| &f.cases)
    }

    pub fn exit_code(&self) -> u8 {
        if self.files.iter().any(|f| f.broken.is_some()) {
            FILE_BROKEN
        } else if self.failed() > 0 {
            CASE_FAILED
        } else {
            0
        }
    }

    /// The results for people: each file's cases, each failure at its line, the summary line
    /// and what no case exercised.
    pub fn render(&self) -> String {
        render::text(self)
    }

    /// The results as JUnit XML, one testcase per case, for CI systems to display.
    pub fn junit(&self) -> String {
        junit::xml(self)
    }
}

/// Runs every test file of `paths`: files as given, folders searched for `*.test.yaml`.
/// `progress` is told of each case as it ends.
pub fn run(paths: &[PathBuf], warehouse: Option<&Warehouse>, progress: &dyn Fn(usize, usize)) -> Result<SuiteReport> {
    let files = test_files(paths)?;
    let read: Vec<(PathBuf, Result<TestFile>)> =
        files.into_iter().map(|path| (path.clone(), file::read(&path))).collect();
    let total = read.iter().map(|(_, file)| file.as_ref().map_or(0, |f| f.cases.len())).sum();
    let mut done = 0;
    let mut reports = Vec::new();
    let mut exercised: Vec<(PathBuf, BTreeSet<String>, BTreeSet<String>)> = Vec::new();
    for (path, file) in read {
        let file = match file.and_then(|file| run::load_ruleset(&file).map(|loaded| (file, loaded))) {
            Ok(file) => file,
            Err(errors) => {
                reports.push(FileReport { path, ruleset: None, cases: Vec::new(), broken: Some(errors) });
                continue;
            }
        };
        let (file, loaded) = file;
        let ruleset = lexically_normal(&file.path.parent().unwrap_or(Path::new("")).join(&file.ruleset));
        let at = match exercised.iter().position(|(r, _, _)| same_file(r, &ruleset)) {
            Some(at) => at,
            None => {
                let kpis = loaded.model.kpis.keys().cloned().collect();
                let diagnoses = loaded.model.diagnoses.iter().map(|d| d.id.clone()).collect();
                exercised.push((ruleset.clone(), kpis, diagnoses));
                exercised.len() - 1
            }
        };
        let mut cases = Vec::new();
        for case in &file.cases {
            note_exercised(case, &mut exercised[at]);
            let started = Instant::now();
            let scratch = Scratch::new("test")?;
            let outcome = run_case(&file, case, scratch.path(), warehouse);
            let seconds = started.elapsed().as_secs_f64();
            cases.push(CaseReport { name: case.name.clone(), location: case.location.clone(), outcome, seconds });
            done += 1;
            progress(done, total);
        }
        let model = &loaded.model;
        let version = model.version.as_ref().map(|v| format!(" {v}")).unwrap_or_default();
        let named = format!("{}{version}, {}", model.ruleset, crate::engine::provenance::ruleset_hash(model));
        reports.push(FileReport { path, ruleset: Some(named), cases, broken: None });
    }
    let unexercised = exercised
        .into_iter()
        .map(|(ruleset, kpis, diagnoses)| Unexercised {
            ruleset,
            kpis: kpis.into_iter().collect(),
            diagnoses: diagnoses.into_iter().collect(),
        })
        .filter(|u| !u.kpis.is_empty() || !u.diagnoses.is_empty())
        .collect();
    Ok(SuiteReport { files: reports, unexercised })
}

/// Takes the KPIs and diagnoses a case has expectations on off the ones not yet exercised.
fn note_exercised(case: &file::TestCase, (_, kpis, diagnoses): &mut (PathBuf, BTreeSet<String>, BTreeSet<String>)) {
    for expectation in &case.expectations {
        match &expectation.expected {
            Expected::Kpi { kpi, .. } => {
                kpis.remove(kpi);
            }
            Expected::Diagnoses(ids) => ids.iter().for_each(|id| {
                diagnoses.remove(id);
            }),
            _ => {}
        }
    }
}

/// The most files and folders a search for test files looks through.
const MAX_WALKED: usize = 100_000;

/// The `*.test.yaml` files in `dir` and below, leaving out hidden folders and the build and
/// package folders (`target`, `node_modules`) where no test file lives.
fn walk(dir: &Path, found: &mut Vec<PathBuf>, walked: &mut usize) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        *walked += 1;
        if *walked > MAX_WALKED {
            return;
        }
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().to_string();
        let Ok(kind) = entry.file_type() else { continue };
        if kind.is_dir() && !name.starts_with('.') && name != "target" && name != "node_modules" {
            walk(&path, found, walked);
        } else if kind.is_file() && name.ends_with(".test.yaml") {
            found.push(path);
        }
    }
}

/// The path without `.` and with each `dir/..` taken away, as people write it.
fn lexically_normal(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut normal = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir if matches!(normal.components().next_back(), Some(Component::Normal(_))) => {
                normal.pop();
            }
            other => normal.push(other),
        }
    }
    normal
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

/// The test files of `paths`, each once, in name order within a folder.
fn test_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    for path in paths {
        if path.is_file() {
            found.push(path.clone());
        } else if path.is_dir() {
            let mut files = Vec::new();
            walk(path, &mut files, &mut 0);
            files.sort();
            found.extend(files);
        } else {
            let kind = ErrorKind::UnreadableFile {
                path: path.display().to_string(),
                message: "no such file or folder".into(),
            };
            return Err(Error::new(kind).into());
        }
    }
    let mut seen = Vec::new();
    found.retain(|path| {
        let key = path.canonicalize().unwrap_or_else(|_| path.clone());
        let new = !seen.contains(&key);
        seen.push(key);
        new
    });
    if found.is_empty() {
        let paths = paths.iter().map(|p| format!("`{}`", p.display())).collect::<Vec<_>>().join(", ");
        return Err(Error::new(ErrorKind::NoTestFiles { paths }).into());
    }
    Ok(found)
}
