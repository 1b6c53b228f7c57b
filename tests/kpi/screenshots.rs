//! The reports as a client sees them, in headless Chromium with the Noto CJK fonts: the
//! portfolio and an account's report, in Chinese and in English, compared with reviewed
//! screenshots (tests/screenshots/) with a tolerance, and checked for text that does not fit at
//! 1280 px on screen and at A4 width in print: header and table cells that overflow, chart labels
//! outside their chart. `UPDATE_SCREENSHOTS=1 cargo test screenshots` takes new baselines, to be
//! looked at before they are committed.

use std::path::Path;
use std::process::Command;

use kpi::report::{ReportFormat, ReportOptions, render_reports};
use kpi::ruleset::model::{Audience, Locale, Paper};

use crate::support::manifest_dir;

/// The share of pixels that may differ from the baseline: font hinting and anti-aliasing move a
/// few; a moved section, a lost label or another colour moves many more.
const TOLERANCE: f64 = 0.01;

#[test]
fn the_reports_look_as_reviewed_and_nothing_overflows_on_screen_or_on_a4() {
    let script = manifest_dir().join("tests/browser/screenshot.mjs");
    assert!(
        manifest_dir().join("tests/browser/node_modules/playwright-core").is_dir(),
        "the screenshot test needs Chromium, fonts-noto-cjk and playwright-core: run scripts/test, which installs them"
    );
    let ruleset = kpi::project::open(&manifest_dir().join("examples/wechat/ruleset.yaml"), None).unwrap();
    let out = tempfile::tempdir().unwrap();
    let mut problems = Vec::new();
    for locale in [Locale::ZhCn, Locale::En] {
        let dir = out.path().join(locale.code());
        let options = ReportOptions {
            formats: vec![ReportFormat::Html],
            locale,
            audience: Audience::Client,
            templates: None,
            reference_docx: None,
            paper: Paper::A4,
            per_entity: true,
            book: false,
            period: None,
            output: dir.clone(),
            rollup: None,
        };
        let evaluation = kpi::engine::evaluate_with(&ruleset, options.probes(&ruleset)).unwrap();
        render_reports(&ruleset, &evaluation, &options, &|_, _| {}).unwrap();
        for (name, report) in [("portfolio", "2026-10/portfolio.html"), ("entity", "2026-10/entities/晨光咖啡.html")]
        {
            let baseline = manifest_dir().join(format!("tests/screenshots/{}-{name}.png", locale.code()));
            let shot = out.path().join(format!("{}-{name}.png", locale.code()));
            problems.extend(check(&script, &dir.join(report), &baseline, &shot));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// What is wrong with one report: what overflows, and how far it is from its baseline.
fn check(script: &Path, report: &Path, baseline: &Path, shot: &Path) -> Vec<String> {
    let output = Command::new("node").arg(script).arg(report).arg(baseline).arg(shot).output().expect("node runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let result: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let name = baseline.file_name().unwrap().to_string_lossy().into_owned();
    let mut problems = Vec::new();
    for media in ["screen", "print"] {
        if result[media] != serde_json::json!([]) {
            problems.push(format!("{name}: does not fit in {media}: {}", result[media]));
        }
    }
    if std::env::var_os("UPDATE_SCREENSHOTS").is_some() {
        std::fs::copy(shot, baseline).unwrap();
        return problems;
    }
    match result["difference"]["ratio"].as_f64() {
        Some(ratio) if ratio <= TOLERANCE => {}
        Some(ratio) => problems.push(format!("{name}: {:.2}% of the pixels differ from the baseline", ratio * 100.0)),
        None if baseline.exists() => {
            problems.push(format!("{name}: another size than the baseline: {}", result["difference"]))
        }
        None => problems.push(format!("{name}: no baseline; take one with UPDATE_SCREENSHOTS=1 and look at it")),
    }
    if !problems.is_empty() {
        let kept = baseline.with_extension("new.png");
        let _ = std::fs::copy(shot, &kept);
        problems.push(format!("the screenshot taken is at {}", kept.display()));
    }
    problems
}

#[test]
fn no_report_of_a_shipped_example_or_sample_overflows_or_breaks_a_word_on_screen_a4_or_letter() {
    let script = manifest_dir().join("tests/browser/screenshot.mjs");
    let out = tempfile::tempdir().unwrap();
    let mut reports = Vec::new();
    let mut examples = vec![
        ("examples/wechat/ruleset.yaml".to_string(), vec![]),
        ("examples/social-brand/ruleset.yaml".to_string(), vec!["--by", "brand"]),
        ("examples/social-brand/monitoring.yaml".to_string(), vec![]),
    ];
    let samples = crate::support::init_samples(&out.path().join("samples"));
    examples.extend(samples.iter().map(|ruleset| (ruleset.display().to_string(), vec![])));
    for (index, (example, flags)) in examples.iter().enumerate() {
        for language in ["zh-CN", "en"] {
            let dir = out.path().join(format!("{index}-{language}"));
            let status = Command::new(env!("CARGO_BIN_EXE_kpi"))
                .current_dir(manifest_dir())
                .args(["report", example.as_str(), "--per-entity", "--format", "html", "--lang", language])
                .args(flags)
                .arg("-o")
                .arg(&dir)
                .status()
                .unwrap();
            assert!(status.success(), "{example}");
            reports.extend(html_files(&dir));
        }
    }
    assert!(reports.len() > 50, "{} reports", reports.len());
    let output = Command::new("node").arg(&script).arg("--fit").args(&reports).output().expect("node runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(String::from_utf8_lossy(&output.stdout).trim(), "{}", "what does not fit, by report");
}

fn html_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(html_files(&path));
        } else if path.extension().is_some_and(|e| e == "html") {
            found.push(path);
        }
    }
    found
}
