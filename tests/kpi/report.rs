//! `kpi report`: the example client's reports in both languages, HTML that stands alone and
//! escapes what came from data, determinism, template overrides, and a real browser.

use std::path::{Path, PathBuf};
use std::process::Command;

use kpi::report::{ReportFormat, ReportOptions, render_reports};
use kpi::ruleset::model::{Audience, Locale, Paper};

use crate::support::{Case, manifest_dir};

fn example() -> kpi::ruleset::CheckedRuleset {
    kpi::project::open(&manifest_dir().join("examples/wechat/ruleset.yaml"), None).unwrap()
}

fn options(output: &Path, locale: Locale, templates: Option<PathBuf>) -> ReportOptions {
    ReportOptions {
        formats: vec![ReportFormat::Html, ReportFormat::Markdown],
        locale,
        audience: Audience::Client,
        templates,
        reference_docx: None,
        paper: Paper::A4,
        per_entity: true,
        book: false,
        period: None,
        output: output.to_path_buf(),
        rollup: None,
    }
}

/// Evaluates the ruleset for the reports, as `kpi report` does, and renders them.
fn try_render(ruleset: &kpi::ruleset::CheckedRuleset, options: &ReportOptions) -> Result<Vec<PathBuf>, kpi::Errors> {
    let evaluation = kpi::engine::evaluate_with(ruleset, options.probes(ruleset))?;
    Ok(render_reports(ruleset, &evaluation, options, &|_, _| {})?.files)
}

fn render(ruleset: &kpi::ruleset::CheckedRuleset, options: &ReportOptions) -> Vec<PathBuf> {
    try_render(ruleset, options).unwrap_or_else(|e| panic!("{e}"))
}

/// The English reports of a case's ruleset over its files, and the folder they are in.
fn case_reports(rules: &str, files: &[(&str, &str)]) -> tempfile::TempDir {
    let case = Case::new(rules, files);
    let ruleset = kpi::project::open(&case.ruleset_path(), None).unwrap();
    let dir = tempfile::tempdir().unwrap();
    render(&ruleset, &options(dir.path(), Locale::En, None));
    dir
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn the_example_reports_in_markdown_in_both_languages() {
    let ruleset = example();
    for locale in [Locale::ZhCn, Locale::En] {
        let dir = tempfile::tempdir().unwrap();
        let files = render(&ruleset, &options(dir.path(), locale, None));
        // Without --period, the latest period with data.
        assert!(files.iter().all(|f| f.starts_with(dir.path().join("2026-10"))), "{files:?}");
        for file in files.iter().filter(|f| f.extension().is_some_and(|e| e == "md")) {
            let name = file.strip_prefix(dir.path()).unwrap().display().to_string();
            insta::assert_snapshot!(format!("{}-{name}", locale.code()), read(file));
        }
    }
}

#[test]
fn html_reports_stand_alone() {
    let ruleset = example();
    let dir = tempfile::tempdir().unwrap();
    let files = render(&ruleset, &options(dir.path(), Locale::ZhCn, None));
    let html: Vec<&PathBuf> = files.iter().filter(|f| f.extension().is_some_and(|e| e == "html")).collect();
    assert_eq!(html.len(), 4);
    for file in html {
        let text = read(file);
        assert!(text.starts_with("<!DOCTYPE html>"), "{}", file.display());
        assert!(!text.contains("<script"), "no script in {}", file.display());
        assert!(
            !text.contains("<link") && !text.contains("@import") && !text.contains("url("),
            "no external resource in {}",
            file.display()
        );
        let without_namespaces = text.replace("http://www.w3.org/2000/svg", "");
        assert!(
            !without_namespaces.contains("http://") && !without_namespaces.contains("https://"),
            "no network address in {}",
            file.display()
        );
        assert!(text.contains("@page") && text.contains("@media print"), "a print stylesheet in {}", file.display());
        assert!(text.contains("<svg"), "inline charts in {}", file.display());
    }
    let entity = read(&dir.path().join("2026-10/entities/晨光咖啡.html"));
    assert!(entity.contains(r#"<table class="scorecard"#));
    assert_eq!(
        entity.matches(r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart""#).count(),
        7,
        "a radar, the trends of the headline scorecard's five KPIs, and of 转化率, which a finding concerns"
    );
    assert!(entity.contains("诊断与建议") && !entity.contains("计算附录"), "the appendix is the consultant's");
}

#[test]
fn values_from_data_are_escaped_in_html_and_markdown() {
    let ruleset = r#"
ruleset: escaping
client: "<i>Acme</i>"
grain: { entity: account, period: month }
sources:
  rows: { path: rows.csv, date: date, entity: account }
  accounts: { path: accounts.csv, entity: account, columns: { note: note } }
kpis:
  reads: { formula: sum(rows.reads), target: 10 }
scorecards:
  main: { weights: { reads: 100 } }
diagnoses:
  - { id: says, when: reads > 0, finding: "{{ note }} said {{ entity }}" }
"#;
    let case = Case::new(
        ruleset,
        &[
            ("rows.csv", "date,account,reads\n2026-01-05,<b>x</b>,5\n"),
            ("accounts.csv", "account,note\n<b>x</b>,<script>alert(1)</script>|\n"),
        ],
    );
    let checked = kpi::project::open(&case.ruleset_path(), None).unwrap();
    let out = tempfile::tempdir().unwrap();
    let files = render(&checked, &options(out.path(), Locale::En, None));
    // `<`, `>` and `/` cannot be in a file name: they become `_`, and the name gets a suffix.
    let entity_report = |extension: &str| {
        let name = |f: &&PathBuf| f.file_name().unwrap().to_string_lossy().to_string();
        let found = files.iter().find(|f| name(f).starts_with("_b_x__b_-") && name(f).ends_with(extension));
        found.unwrap_or_else(|| panic!("no entity report in {files:?}")).clone()
    };
    let html = read(&entity_report(".html"));
    assert!(!html.contains("<b>x</b>") && html.contains("&lt;b&gt;x&lt;&#x2f;b&gt;"), "{html}");
    assert!(!html.contains("<script>alert") && !html.contains("<i>Acme"));
    let markdown = read(&entity_report(".md"));
    assert!(markdown.contains("&lt;script&gt;alert(1)&lt;/script&gt;\\|"), "{markdown}");
}

#[test]
fn the_same_inputs_give_byte_identical_reports() {
    let ruleset = example();
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let first = render(&ruleset, &options(a.path(), Locale::En, None));
    let second = render(&ruleset, &options(b.path(), Locale::En, None));
    assert_eq!(first.len(), second.len());
    for (x, y) in first.iter().zip(&second) {
        assert_eq!(std::fs::read(x).unwrap(), std::fs::read(y).unwrap(), "{}", x.display());
    }
}

#[test]
fn a_client_template_overrides_one_block_and_keeps_the_rest() {
    let ruleset = example();
    let templates = tempfile::tempdir().unwrap();
    std::fs::write(
        templates.path().join("entity.html"),
        r#"{% extends "builtin/entity.html" %}{% block header %}<header class="client-brand"><img alt="logo" src="data:image/png;base64,iVBORw0KGgo="> {{ entity.id }}</header>{% endblock %}"#,
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    render(&ruleset, &options(out.path(), Locale::ZhCn, Some(templates.path().to_path_buf())));
    let html = read(&out.path().join("2026-10/entities/晨光咖啡.html"));
    assert!(html.contains(
        r#"<header class="client-brand"><img alt="logo" src="data:image/png;base64,iVBORw0KGgo="> 晨光咖啡</header>"#
    ));
    assert!(!html.contains(r#"<header class="report">"#), "the header block is replaced");
    assert!(html.contains(r#"<table class="scorecard"#) && html.contains("<style>"), "the rest is kept");
    let portfolio = read(&out.path().join("2026-10/portfolio.html"));
    assert!(portfolio.contains(r#"<header class="report">"#), "other templates are the shipped ones");
}

#[test]
fn a_template_error_names_the_template_line_and_variable_and_keeps_the_previous_report() {
    let ruleset = example();
    let out = tempfile::tempdir().unwrap();
    render(&ruleset, &options(out.path(), Locale::ZhCn, None));
    let previous = std::fs::read(out.path().join("2026-10/entities/晨光咖啡.html")).unwrap();
    let previous_portfolio = std::fs::read(out.path().join("2026-10/portfolio.html")).unwrap();
    let templates = tempfile::tempdir().unwrap();
    std::fs::write(
        templates.path().join("entity.html"),
        "<h1>{{ entity.id }}</h1>\n<p>{{ entity.scorecard_total }}</p>\n",
    )
    .unwrap();
    let error = try_render(&ruleset, &options(out.path(), Locale::ZhCn, Some(templates.path().to_path_buf())))
        .expect_err("an undefined variable fails the render");
    let message = kpi::diagnostic::render(&error);
    assert!(message.contains("template `entity.html, line 2`"), "{message}");
    assert!(message.contains("scorecard_total"), "{message}");
    // The set is rendered before anything moves: the portfolio, rendered before the entity
    // that failed, is the previous one too, and nothing staged is left behind.
    assert_eq!(std::fs::read(out.path().join("2026-10/entities/晨光咖啡.html")).unwrap(), previous);
    assert_eq!(std::fs::read(out.path().join("2026-10/portfolio.html")).unwrap(), previous_portfolio);
    for folder in ["2026-10", "2026-10/entities"] {
        let names: Vec<String> = std::fs::read_dir(out.path().join(folder))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .collect();
        assert!(names.iter().all(|n| !n.starts_with('.') && !n.ends_with(".tmp")), "{names:?}");
    }
}

#[test]
fn every_entity_gets_its_own_report_file_listed_in_the_portfolio() {
    let long = "晨".repeat(88);
    let entities = ["a/b", "a_b", "a\\b", ".", "..", "Acme", "acme", long.as_str()];
    let rows: String = entities.iter().map(|e| format!("2026-01-05,\"{e}\",5\n")).collect();
    let ruleset = "ruleset: names\ngrain: { entity: account, period: month }\n\
                   sources:\n  rows: { path: rows.csv, date: date, entity: account }\n\
                   kpis:\n  reads: { formula: sum(rows.reads) }\n";
    let case = Case::new(ruleset, &[("rows.csv", &format!("date,account,reads\n{rows}"))]);
    let checked = kpi::project::open(&case.ruleset_path(), None).unwrap();
    let out = tempfile::tempdir().unwrap();
    let files = render(&checked, &options(out.path(), Locale::En, None));
    let html: Vec<&PathBuf> = files.iter().filter(|f| f.parent().unwrap().ends_with("entities")).collect();
    assert_eq!(html.len(), 2 * entities.len(), "{files:?}");
    let portfolio = read(&out.path().join("2026-01/portfolio.md"));
    for file in
        files.iter().filter(|f| f.extension().is_some_and(|e| e == "md") && f.parent().unwrap().ends_with("entities"))
    {
        let name = file.file_name().unwrap().to_string_lossy().to_string();
        assert!(portfolio.contains(&format!("(<entities/{name}>)")), "{name} is not listed:\n{portfolio}");
        assert!(std::fs::metadata(file).unwrap().len() > 0);
    }
}

#[test]
fn the_html_report_renders_in_headless_chromium_without_errors_or_network() {
    let ruleset = example();
    let out = tempfile::tempdir().unwrap();
    render(&ruleset, &options(out.path(), Locale::ZhCn, None));
    let report = out.path().join("2026-10/entities/晨光咖啡.html");
    let pdf = out.path().join("report.pdf");
    let script = manifest_dir().join("tests/browser/check-report.mjs");
    assert!(
        manifest_dir().join("tests/browser/node_modules/playwright-core").is_dir(),
        "the browser test needs Chromium and playwright-core: run scripts/test, which installs them"
    );
    let output = Command::new("node").arg(&script).arg(&report).arg(&pdf).output().expect("node runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let result: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(result["errors"], serde_json::json!([]), "console errors");
    assert_eq!(result["requests"], serde_json::json!([]), "network requests");
    assert_eq!(result["scorecardVisible"], true);
    assert_eq!(result["chartVisible"], true);
    assert!(result["pdfBytes"].as_u64().unwrap() > 10_000, "printed to PDF: {result}");
}

#[test]
fn a_folder_where_a_report_goes_fails_the_set_before_any_report_moves() {
    let ruleset = example();
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("2026-10/portfolio.md")).unwrap();
    let errors = try_render(&ruleset, &options(dir.path(), Locale::ZhCn, None)).unwrap_err();
    let message = errors.to_string();
    assert!(message.contains("portfolio.md` is a folder, where the report goes"), "{message}");
    let left: Vec<String> = std::fs::read_dir(dir.path().join("2026-10"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left, ["portfolio.md"], "no report moved in, and no staging folder is left");
}

#[test]
fn a_template_that_writes_without_end_stops_at_the_report_size_limit_and_leaves_nothing() {
    let ruleset = example();
    let templates = tempfile::tempdir().unwrap();
    let endless = "{% for i in range(10000) %}{{ (\"x\" * 1000000) | safe }}{% endfor %}";
    std::fs::write(templates.path().join("portfolio.md"), endless).unwrap();
    let out = tempfile::tempdir().unwrap();
    let error = try_render(&ruleset, &options(out.path(), Locale::ZhCn, Some(templates.path().to_path_buf())));
    let message = error.unwrap_err().to_string();
    assert!(message.contains("the report is longer than 268435456 bytes"), "{message}");
    assert_eq!(std::fs::read_dir(out.path()).unwrap().count(), 0, "no report and no staging folder is left");
}

#[test]
fn the_weighted_column_uses_the_weights_the_total_used_and_adds_up_to_it() {
    // `lost` has no data in the month, so `churn` has no score: `growth` carries the whole total.
    let rules = "ruleset: weights\ngrain: { entity: account, period: month }\n\
        sources:\n  users: { path: users.csv, date: day, entity: account }\n\
        measures:\n  new: sum(users.new)\n  lost: sum(users.lost)\n\
        kpis:\n  growth: { formula: new, target: 200, score: attainment() }\n  \
        churn: { formula: lost / new, target: 10%, better: lower, score: attainment() }\n\
        scorecards:\n  main: { weights: { growth: 40, churn: 60 } }\n";
    let case = crate::support::Case::new(rules, &[("users.csv", "day,account,new,lost\n2026-10-01,a,100,\n")]);
    let ruleset = kpi::project::open(&case.ruleset_path(), None).unwrap();
    let evaluation = kpi::engine::evaluate(&ruleset).unwrap();
    let period = evaluation.periods[0];
    let data = kpi::report::build::ReportData::new(&ruleset, &evaluation, period, kpi::locale::Locale::En).unwrap();
    let report = data.entity(0).unwrap();
    let scorecard = &report.entity.unwrap().scorecards[0];
    let growth = scorecard.rows.iter().find(|row| row.kpi.id == "growth").unwrap();
    assert_eq!((growth.weight, growth.written_weight), (100.0, 40.0), "40 of the 40 points that have a score");
    assert_eq!(growth.weighted, Some(50.0), "attainment 50% scores 50, all of the total");
    let added: f64 = scorecard.rows.iter().filter_map(|row| row.weighted).sum();
    assert_eq!(scorecard.total, Some(added), "the weighted column adds up to the total");
}

#[test]
fn grade_badges_and_severities_are_coloured_by_meaning() {
    use kpi::report::context::Tone;
    // Grades A, B, C, D: the best reads good, the worst bad, the others between.
    let tones: Vec<Tone> = (0..4).map(|index| Tone::of_position(index, 4)).collect();
    assert_eq!(tones, [Tone::Good, Tone::Neutral, Tone::Neutral, Tone::Bad]);
    let ruleset = example();
    let dir = tempfile::tempdir().unwrap();
    render(&ruleset, &options(dir.path(), Locale::En, None));
    let portfolio = read(&dir.path().join("2026-10/portfolio.html"));
    assert!(portfolio.contains(r#"<span class="grade good">A</span>"#), "A is the best grade");
    assert!(portfolio.contains(r#"<span class="grade neutral">C</span>"#), "C is between");
    let style = read(&manifest_dir().join("report-templates/style.css"));
    let info = style.lines().find(|line| line.starts_with(".severity.info")).unwrap();
    assert!(info.contains("--info") && !info.contains("--good"), "an info finding is not good news: {info}");
}

#[test]
fn every_kpi_with_a_finding_or_an_action_has_its_trend_chart() {
    let rules = "ruleset: trends\ngrain: { entity: account, period: month }\n\
        sources:\n  users: { path: users.csv, date: day, entity: account }\n\
        measures:\n  new: sum(users.new)\n  lost: sum(users.lost)\n\
        kpis:\n  growth: { formula: new, target: 200, score: attainment() }\n  churn: { formula: lost / new }\n  \
        quiet: { formula: new * 2 }\n  other: { formula: lost }\n\
        scorecards:\n  main: { weights: { growth: 100 } }\n\
        diagnoses:\n  - id: churning\n    when: churn > 10%\n    severity: warning\n    finding: { en: churn is high }\n\
        actions: actions.csv\n";
    let users = "day,account,new,lost\n2026-09-01,a,100,5\n2026-10-01,a,100,20\n";
    let actions = "date,entity,kpi,action\n2026-10-08,a,other,called the churned members\n";
    let case = crate::support::Case::new(rules, &[("users.csv", users), ("actions.csv", actions)]);
    let ruleset = kpi::project::open(&case.ruleset_path(), None).unwrap();
    let evaluation = kpi::engine::evaluate(&ruleset).unwrap();
    let period = *evaluation.periods.last().unwrap();
    let data = kpi::report::build::ReportData::new(&ruleset, &evaluation, period, Locale::En).unwrap();
    let entity = data.entity(0).unwrap().entity.unwrap();
    let charted: Vec<&str> = entity.trends.iter().map(|kpi| kpi.id.as_str()).collect();
    // The headline scorecard's KPI, the finding's, the action's; not `quiet`.
    assert_eq!(charted, ["growth", "churn", "other"]);
}

#[test]
fn a_target_without_peers_to_compare_with_says_so() {
    let rules = "ruleset: peers\ngrain: { entity: account, period: month }\n\
        sources:\n  users: { path: users.csv, date: day, entity: account }\n\
        measures:\n  new: sum(users.new)\n\
        kpis:\n  growth: { formula: new, target: mean_all(growth), score: attainment() }\n\
        scorecards:\n  main: { weights: { growth: 100 } }\n";
    let alone = crate::support::Case::new(rules, &[("users.csv", "day,account,new\n2026-10-01,a,100\n")]);
    let ruleset = kpi::project::open(&alone.ruleset_path(), None).unwrap();
    let evaluation = kpi::engine::evaluate(&ruleset).unwrap();
    let data = kpi::report::build::ReportData::new(&ruleset, &evaluation, evaluation.periods[0], Locale::En).unwrap();
    let growth = data.entity(0).unwrap().entity.unwrap().kpis[0].clone();
    assert_eq!((growth.target, growth.score), (None, None), "never 100% of itself");
    assert!(growth.target_without_peers);
    let dir = tempfile::tempdir().unwrap();
    render(&ruleset, &options(dir.path(), Locale::En, None));
    let markdown = read(&dir.path().join("2026-10/entities/a.md"));
    assert!(markdown.contains("| growth | 100.00 | too few peers | — | — |"), "{markdown}");
}

#[test]
fn a_total_above_100_is_explained_and_english_lists_use_english_commas() {
    let ruleset = example();
    let dir = tempfile::tempdir().unwrap();
    render(&ruleset, &options(dir.path(), Locale::En, None));
    let entity = read(&dir.path().join("2026-10/entities/晨光咖啡.html"));
    assert!(entity.contains("Total score 115.3"), "the example's brand account passes 100");
    assert!(entity.contains("A total can pass 100: a KPI past its target scores by its attainment"));
    for file in ["2026-10/portfolio.html", "2026-10/entities/晨光咖啡.html", "2026-10/entities/晨光会员俱乐部.html"]
    {
        let text = read(&dir.path().join(file));
        assert!(!text.contains('、') && !text.contains('（'), "Chinese punctuation in the English {file}");
    }
}

#[test]
fn a_band_shows_its_label_in_the_report_language_and_its_declared_tone() {
    let rules = "ruleset: bands\ngrain: { entity: account, period: month }\n\
        sources:\n  users: { path: users.csv, date: day, entity: account }\n\
        measures:\n  new: sum(users.new)\n\
        kpis:\n  growth:\n    formula: new\n    target: 200\n    bands:\n      \
        高: { when: \">= target\", tone: good, label: { zh-CN: 高, en: High } }\n      \
        偏低: { when: \">= 50\", tone: warning, label: { zh-CN: 偏低, en: Low } }\n      \
        差: otherwise\n\
        scorecards:\n  main: { weights: { growth: 100 } }\n";
    let dir = case_reports(rules, &[("users.csv", "day,account,new\n2026-10-01,a,100\n")]);
    let report = read(&dir.path().join("2026-10/entities/a.html"));
    assert!(report.contains(r#"<span class="band warning">Low</span>"#), "{report}");
    assert!(!report.contains("偏低"), "the band's Chinese name stays out of the English report");
    let markdown = read(&dir.path().join("2026-10/entities/a.md"));
    assert!(markdown.contains("| Low |"), "{markdown}");
}

#[test]
fn a_finding_shows_a_kpi_with_the_decimals_of_its_table() {
    // `pct` without decimals shows `rate` as the table does (two decimals), not with one.
    let rules = "ruleset: decimals\ngrain: { entity: account, period: month }\n\
        sources:\n  users: { path: users.csv, date: day, entity: account }\n\
        measures:\n  new: sum(users.new)\n  lost: sum(users.lost)\n\
        kpis:\n  rate: { formula: lost / new, format: percent, decimals: 2 }\n\
        diagnoses:\n  - { id: high, when: rate > 1%, finding: \"rate {{ rate | pct }}, new {{ new | num(0) }}\" }\n";
    let dir = case_reports(rules, &[("users.csv", "day,account,new,lost\n2026-10-01,a,1000,34.5\n")]);
    let report = read(&dir.path().join("2026-10/entities/a.md"));
    assert!(report.contains("rate 3.45%, new 1,000"), "{report}");
}

#[test]
fn the_clients_report_has_no_ids_files_or_formulas_and_the_internal_one_adds_the_working_papers() {
    let ruleset = example();
    let client = tempfile::tempdir().unwrap();
    render(&ruleset, &options(client.path(), Locale::En, None));
    let internal = tempfile::tempdir().unwrap();
    render(&ruleset, &ReportOptions { audience: Audience::Internal, ..options(internal.path(), Locale::En, None) });
    for format in ["html", "md"] {
        let entity = format!("2026-10/entities/晨光咖啡.{format}");
        let for_client = read(&client.path().join(&entity));
        // The sources by their labels, in one line; no file, source id, formula or hash.
        assert!(for_client.contains("Data: User growth, Articles, Messages"), "{for_client}");
        for working_paper in
            ["用户增长-2026Q4.xls", "messages.csv", "sum(users.new_follows)", "chenguang-wechat", "Working papers"]
        {
            assert!(!for_client.contains(working_paper), "{working_paper} in the client's {format} report");
        }
        let for_consultant = read(&internal.path().join(&entity));
        for working_paper in
            ["Working papers", "用户增长-2026Q4.xls", "sum(users.new_follows)", "chenguang-wechat", "User growth"]
        {
            assert!(for_consultant.contains(working_paper), "{working_paper} not in the internal {format} report");
        }
        let portfolio = read(&client.path().join(format!("2026-10/portfolio.{format}")));
        assert!(!portfolio.contains("messages.csv") && !portfolio.contains("Working papers"), "{portfolio}");
    }
}

#[test]
fn the_rulesets_report_section_chooses_the_sections_and_the_default_audience() {
    let rules = "ruleset: sections\ngrain: { entity: account, period: month }\n\
        sources:\n  users: { path: users.csv, date: day, entity: account, label: { zh-CN: 用户, en: Users } }\n\
        measures:\n  new: sum(users.new)\n\
        kpis:\n  growth: { formula: new, target: 200 }\n\
        scorecards:\n  main: { weights: { growth: 100 } }\n\
        diagnoses:\n  - { id: low, when: growth < 200, finding: low growth }\n\
        report: { audience: internal, sections: [scorecards, appendix] }\n";
    let case = crate::support::Case::new(rules, &[("users.csv", "day,account,new\n2026-10-01,a,100\n")]);
    let ruleset = kpi::project::open(&case.ruleset_path(), None).unwrap();
    assert_eq!(ruleset.model.audience(), Audience::Internal);
    let dir = tempfile::tempdir().unwrap();
    let options = ReportOptions { audience: ruleset.model.audience(), ..options(dir.path(), Locale::En, None) };
    render(&ruleset, &options);
    let report = read(&dir.path().join("2026-10/entities/a.md"));
    assert!(report.contains("· Total score") && report.contains("### Calculation appendix"), "{report}");
    assert!(!report.contains("low growth"), "findings are not among the sections: {report}");
    assert!(!report.contains("### Data sources"), "nor the files read: {report}");
}

#[test]
fn the_consultants_commentary_is_rendered_escaped_in_its_place_and_named_in_the_working_papers() {
    let rules = "ruleset: commentary\ngrain: { entity: account, period: month }\n\
        sources:\n  users: { path: users.csv, date: day, entity: account }\n\
        measures:\n  new: sum(users.new)\n\
        kpis:\n  growth: { formula: new }\n";
    let case = Case::new(
        rules,
        &[
            ("users.csv", "day,account,new\n2026-10-01,a,100\n2026-10-01,../b,5\n"),
            ("commentary/2026-10.md", "A **strong** month <script>alert(1)</script> [see](javascript:alert(1))\n"),
            ("commentary/2026-10/a.md", "- Reads *doubled* after the <b>relaunch</b>\n"),
            ("commentary/b.md", "not for any entity"),
        ],
    );
    let ruleset = kpi::project::open(&case.ruleset_path(), None).unwrap();
    let dir = tempfile::tempdir().unwrap();
    render(&ruleset, &ReportOptions { audience: Audience::Internal, ..options(dir.path(), Locale::En, None) });
    let portfolio = read(&dir.path().join("2026-10/portfolio.html"));
    assert!(portfolio.contains("A <strong>strong</strong> month &lt;script&gt;alert(1)&lt;/script&gt;"), "{portfolio}");
    assert!(!portfolio.contains("javascript:") && !portfolio.contains("<script"), "{portfolio}");
    assert!(portfolio.contains("commentary&#x2f;2026-10.md"), "the file is named in the working papers");
    let entity = read(&dir.path().join("2026-10/entities/a.html"));
    assert!(entity.contains("<li>Reads <em>doubled</em> after the &lt;b&gt;relaunch&lt;/b&gt;</li>"), "{entity}");
    assert!(entity.contains("commentary&#x2f;2026-10&#x2f;a.md"), "{entity}");
    let markdown = read(&dir.path().join("2026-10/entities/a.md"));
    assert!(markdown.contains("## Commentary\n\n- Reads *doubled* after the &lt;b>relaunch&lt;/b>"), "{markdown}");
    // `../b` is an entity name, never a path: its report has no commentary.
    let other = std::fs::read_dir(dir.path().join("2026-10/entities")).unwrap();
    for report in other.map(|e| e.unwrap().path()).filter(|p| !p.ends_with("a.html") && !p.ends_with("a.md")) {
        assert!(!read(&report).contains("not for any entity"), "{}", report.display());
    }
}

#[test]
fn the_portfolio_summary_names_best_and_weakest_the_biggest_moves_with_their_drivers_and_the_concerns() {
    let ruleset = example();
    let evaluation = kpi::engine::evaluate(&ruleset).unwrap();
    let period = *evaluation.periods.last().unwrap();
    let data = kpi::report::build::ReportData::new(&ruleset, &evaluation, period, Locale::En).unwrap();
    let portfolio = data.portfolio(&[]).unwrap().portfolio.unwrap();
    let summary = &portfolio.summary;
    let graded: usize = summary.grades.iter().map(|g| g.count).sum();
    assert_eq!(graded, 18, "every graded scorecard of the accounts is counted");
    // By the grades of all their scorecards: 晨光会员俱乐部 A 5 · C 1, 晨光咖啡商城 A 3 · B 1 · C 2.
    let best = summary.best.as_ref().unwrap();
    let worst = summary.worst.as_ref().unwrap();
    assert_eq!((best.entity.as_str(), worst.entity.as_str()), ("晨光会员俱乐部", "晨光咖啡商城"));
    assert_eq!((worst.scorecard.as_str(), worst.grade.as_deref()), ("Content operations", Some("C")));
    // 晨光咖啡's brand-exposure total rose 13.2 points in October, the largest move.
    let top = &summary.moves[0];
    assert_eq!((top.entity.as_str(), top.scorecard.as_str()), ("晨光咖啡", "brand_exposure"));
    assert!((top.change.unwrap() - 13.2).abs() < 0.05, "{top:?}");
    let moves: Vec<f64> = summary.moves.iter().map(|m| m.change.unwrap().abs()).collect();
    assert!(moves.windows(2).all(|w| w[0] >= w[1]), "largest first: {moves:?}");
    let driven: f64 = top.drivers.iter().map(|d| d.change).sum();
    assert!((driven - top.change.unwrap()).abs() < 0.05, "the drivers add up to the move: {driven} {top:?}");
    // The open-rate warning fired for all three accounts: the most pressing, its advice once.
    let concern = &summary.concerns[0];
    assert_eq!((concern.id.as_str(), concern.entities.len(), concern.findings.len()), ("low_open_rate", 3, 3));
    assert!(!concern.alike, "each account's own open rate: {:?}", concern.findings);
    assert_eq!(portfolio.concerns.iter().map(|c| c.entities.len()).sum::<usize>(), portfolio.findings.len());
    // The accounts × KPIs table: the KPIs with bands, each value with its band's tone.
    assert!(portfolio.kpi_columns.iter().any(|c| c.id == "read_rate"), "{:?}", portfolio.kpi_columns);
    let read_rate = portfolio.kpi_columns.iter().position(|c| c.id == "read_rate").unwrap();
    let mall = portfolio.kpi_rows.iter().find(|row| row.entity == "晨光咖啡商城").unwrap();
    let cell = &mall.values[read_rate];
    assert_eq!((cell.band_label.as_deref(), cell.band_tone), (Some("Fail"), Some(kpi::report::context::Tone::Bad)));
    let trend = &portfolio.scorecards[0].ranking[0].trend;
    assert_eq!(trend.len(), 12, "each account's total over the last 12 periods");
}

#[test]
fn every_kpi_a_finding_names_is_written_as_its_table_writes_it() {
    // "Conversion rate 0.85%" in the finding, 0.85% in the table: one rounding for one number.
    let mut checked = 0;
    for example in ["examples/wechat/ruleset.yaml", "examples/social-brand/ruleset.yaml"] {
        let ruleset = kpi::project::open(&manifest_dir().join(example), None).unwrap();
        let evaluation = kpi::engine::evaluate(&ruleset).unwrap();
        for locale in [Locale::ZhCn, Locale::En] {
            for period in evaluation.periods.iter().rev().take(3) {
                let data = kpi::report::build::ReportData::new(&ruleset, &evaluation, *period, locale).unwrap();
                for index in (0..data.entities().len()).filter(|i| !data.is_competitor(*i)) {
                    let entity = data.entity(index).unwrap().entity.unwrap();
                    for finding in &entity.diagnoses {
                        for kpi in entity.kpis.iter().filter(|k| finding.finding.contains(&format!("{} ", k.label))) {
                            let shown = kpi::format::value(kpi.value, kpi.format, kpi.decimals, locale);
                            let said = format!("{} {shown}", kpi.label);
                            assert!(finding.finding.contains(&said), "{example} {period:?}: {said:?} in {finding:?}");
                            checked += 1;
                        }
                    }
                }
            }
        }
    }
    assert!(checked > 20, "the examples' findings name their KPIs: {checked} checked");
}

/// Hostile text in the Markdown a client or a pull request reads: an account named as a link
/// or an image stays text, a commentary's link to anything but the web or mail becomes its
/// words, and a commentary that is a link leading out of the ruleset's folder is not read (the
/// run warns of it).
#[test]
fn names_and_commentary_stay_text_in_markdown_and_a_link_out_of_the_folder_is_not_read() {
    let rules = "ruleset: hostile\ngrain: { entity: account, period: month }\n\
        sources:\n  users: { path: users.csv, date: day, entity: account }\n\
        measures:\n  new: sum(users.new)\n\
        kpis:\n  growth: { formula: new }\n";
    let users = "day,account,new\n2026-10-01,[点此领取](https://evil.example),100\n2026-10-01,![](https://tracker.example/p.gif),5\n2026-10-01,a,7\n";
    let case = Case::new(
        rules,
        &[
            ("users.csv", users),
            (
                "commentary/2026-10.md",
                "[see](javascript:alert(1)) and [file](file:///etc/passwd) ![x](https://tracker.example/c.gif)\n",
            ),
        ],
    );
    let secret = tempfile::tempdir().unwrap();
    std::fs::write(secret.path().join("secret.txt"), "the other client's margins").unwrap();
    std::fs::create_dir_all(case.dir.path().join("commentary/2026-10")).unwrap();
    std::os::unix::fs::symlink(secret.path().join("secret.txt"), case.dir.path().join("commentary/2026-10/a.md"))
        .unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_kpi"))
        .args(["report", "ruleset.yaml", "--per-entity", "--format", "md,html", "--lang", "en", "-o", "out"])
        .current_dir(case.dir.path())
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{said}");
    assert!(
        said.contains(
            "warning[E538]: `commentary/2026-10/a.md` is a symbolic link that leads out of the ruleset's folder"
        ),
        "{said}"
    );
    let out = case.dir.path().join("out/2026-10");
    let mut reports = vec![out.join("portfolio.md"), out.join("portfolio.html")];
    reports.extend(std::fs::read_dir(out.join("entities")).unwrap().map(|e| e.unwrap().path()));
    for report in &reports {
        let text = read(report);
        assert!(!text.contains("margins"), "{}", report.display());
        // A link or an image to anywhere but the reports' own files (`(<entities/…>)`, left
        // out): `](` unescaped, or a tag.
        let own = text.split("(<entities/").map(|part| part.split_once(">)").map_or(part, |(_, rest)| rest));
        let rest: String = own.collect();
        let live = rest.match_indices("](").filter(|(at, _)| !rest[..*at].ends_with('\\'));
        let live: Vec<String> = live.map(|(at, _)| rest[at..].chars().take(24).collect()).collect();
        let markdown = report.extension().is_some_and(|e| e == "md");
        assert!(!markdown || live.is_empty(), "{live:?} in {}:\n{text}", report.display());
        for tag in ["href=\"https://evil", "href=\"javascript:", "href=\"file:", "<img", "src=\"https://tracker"] {
            assert!(!text.contains(tag), "{tag} in {}:\n{text}", report.display());
        }
    }
    let portfolio = read(&out.join("portfolio.md"));
    assert!(portfolio.contains("\\[点此领取\\](https://evil.example)"), "{portfolio}");
    assert!(portfolio.contains("see and file x"), "{portfolio}");
}
