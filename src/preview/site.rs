//! The reports a preview serves: rendered into a private folder, and found by the address a
//! browser asks for among the files rendered, never by joining a requested path to a folder.

use std::collections::HashMap;
use std::path::PathBuf;

use super::Settings;
use crate::engine::{self, Period};
use crate::error::Errors;
use crate::report::{ReportFormat, ReportOptions, render_reports};
use crate::ruleset::model::Paper;
use crate::scratch::Scratch;

/// One build: the reports by address, or the diagnostics of a build that failed.
pub struct Site {
    /// Changes with every build; the page asks for it to know when to reload.
    pub version: u64,
    pub pages: Result<Pages, String>,
}

/// The rendered reports and the folder that holds them.
pub struct Pages {
    /// `/` and `/entities/晨光咖啡.html` → the file.
    pub files: HashMap<String, PathBuf>,
    _folder: Scratch,
}

impl Site {
    /// The first build: its failure stops `kpi preview` before it serves anything.
    pub fn build(settings: &Settings) -> std::result::Result<Site, Errors> {
        Ok(Site { version: 1, pages: Ok(render(settings)?) })
    }

    /// A rebuild, after a change: a failure is shown on the page.
    pub fn rebuild(&mut self, settings: &Settings) {
        self.version += 1;
        self.pages = render(settings).map_err(|errors| crate::diagnostic::render(&errors));
    }
}

fn render(settings: &Settings) -> std::result::Result<Pages, Errors> {
    let ruleset = crate::project::open(&settings.ruleset, settings.data.as_deref())?;
    let period = settings.period.as_deref().map(|label| Period::read(ruleset.model.grain.period, label)).transpose()?;
    let folder = Scratch::new("preview")?;
    let options = ReportOptions {
        formats: vec![ReportFormat::Html],
        locale: settings.locale.unwrap_or(ruleset.model.locale),
        audience: settings.audience.unwrap_or(ruleset.model.audience()),
        templates: settings.templates.clone(),
        reference_docx: None,
        paper: Paper::A4,
        per_entity: true,
        book: false,
        period,
        output: folder.path().to_path_buf(),
        rollup: None,
    };
    let evaluation = engine::evaluate_with(&ruleset, options.probes(&ruleset))?;
    let written = render_reports(&ruleset, &evaluation, &options, &|_, _| {})?;
    let dir = folder.path().join(written.period.label());
    let files = written
        .files
        .into_iter()
        .filter_map(|file| {
            let relative = file.strip_prefix(&dir).ok()?.to_str()?.to_string();
            let address = if relative == "portfolio.html" { "/".to_string() } else { format!("/{relative}") };
            Some((address, file))
        })
        .collect();
    Ok(Pages { files, _folder: folder })
}
