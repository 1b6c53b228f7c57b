//! Helpers: a ruleset and its data written to a temporary folder, evaluated through the library.

use std::path::{Path, PathBuf};

use kpi::appraise::{Appraisal, Selection, appraise};
use kpi::{engine, project};

pub struct Case {
    pub dir: tempfile::TempDir,
}

impl Case {
    /// A folder with `ruleset.yaml` and the given data files.
    pub fn new(ruleset: &str, files: &[(&str, &str)]) -> Case {
        let dir = tempfile::tempdir().expect("a temporary folder");
        std::fs::write(dir.path().join("ruleset.yaml"), ruleset).expect("write the ruleset");
        for (name, text) in files {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).expect("write a data file");
        }
        Case { dir }
    }

    pub fn ruleset_path(&self) -> PathBuf {
        self.dir.path().join("ruleset.yaml")
    }

    /// Every KPI of every entity and period.
    pub fn appraise(&self) -> Appraisal {
        self.try_appraise().unwrap_or_else(|errors| panic!("evaluation failed:\n{errors}"))
    }

    pub fn try_appraise(&self) -> Result<Appraisal, kpi::Errors> {
        let ruleset = project::open(&self.ruleset_path(), None)?;
        let evaluation = engine::evaluate(&ruleset)?;
        appraise(&ruleset, &evaluation, &Selection::default(), kpi::ruleset::model::Locale::ZhCn)
    }

    /// The errors of opening and evaluating, rendered as the command line shows them, with the
    /// temporary folder's path replaced by `case`.
    pub fn errors(&self) -> String {
        let errors = match self.try_appraise() {
            Ok(_) => panic!("expected errors"),
            Err(errors) => errors,
        };
        let rendered = kpi::diagnostic::render(&errors);
        rendered.replace(&self.dir.path().display().to_string(), "case")
    }
}

/// A KPI's value for an entity in a period.
pub fn value(appraisal: &Appraisal, entity: &str, period: &str, kpi: &str) -> Option<f64> {
    result(appraisal, entity, period, kpi).value
}

pub fn result<'a>(appraisal: &'a Appraisal, entity: &str, period: &str, kpi: &str) -> &'a kpi::appraise::KpiResult {
    appraisal
        .results
        .iter()
        .find(|r| r.entity == entity && r.period == period && r.kpi == kpi)
        .unwrap_or_else(|| panic!("no result for {entity} {period} {kpi}"))
}

/// A KPI's values over all periods of one entity.
pub fn series(appraisal: &Appraisal, entity: &str, kpi: &str) -> Vec<Option<f64>> {
    appraisal.results.iter().filter(|r| r.entity == entity && r.kpi == kpi).map(|r| r.value.map(round9)).collect()
}

/// Rounded to 9 decimals, so hand-computed expectations compare exactly.
pub fn round9(value: f64) -> f64 {
    (value * 1e9).round() / 1e9
}

pub fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A client folder of each built-in, made by `kpi init` under `dir`: the rulesets of the samples
/// a new client starts from.
pub fn init_samples(dir: &Path) -> Vec<PathBuf> {
    let sample = |builtin: &str| {
        let folder = dir.join(builtin);
        let status = std::process::Command::new(env!("CARGO_BIN_EXE_kpi"))
            .args(["init", "--from", &format!("builtin:{builtin}"), "--"])
            .arg(&folder)
            .stderr(std::process::Stdio::null())
            .status()
            .unwrap();
        assert!(status.success(), "kpi init --from builtin:{builtin}");
        folder.join("ruleset.yaml")
    };
    kpi::ruleset::builtin::NAMES.iter().map(|builtin| sample(builtin)).collect()
}
