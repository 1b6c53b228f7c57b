//! Data-quality notes: every kind, on fixture folders under tests/fixtures/quality, as the
//! JSON lists them (one snapshot each), and where they are shown: the terminal footer and the
//! reports.

use std::path::Path;

use kpi::appraise::{Appraisal, Selection, appraise};
use kpi::locale::Locale;
use kpi::{engine, project};

use crate::support::manifest_dir;

fn appraisal_of(path: &Path, locale: Locale) -> Appraisal {
    let ruleset = project::open(path, None).unwrap_or_else(|e| panic!("{e}"));
    let evaluation = engine::evaluate(&ruleset).unwrap_or_else(|e| panic!("{e}"));
    appraise(&ruleset, &evaluation, &Selection::default(), locale).unwrap()
}

/// The notes, one a line, as the JSON has them.
fn notes(appraisal: &Appraisal) -> String {
    let lines: Vec<String> = appraisal
        .quality
        .iter()
        .map(|q| {
            let entity = q.entity.as_deref().unwrap_or("-");
            let period = q.period.as_deref().unwrap_or("-");
            format!("{entity} | {period} | {} | {} | {} | {}", q.source, q.kind, q.count, q.detail)
        })
        .collect();
    if lines.is_empty() { "no notes".to_string() } else { lines.join("\n") }
}

#[test]
fn every_kind_of_note_is_found_where_the_rows_show_it() {
    insta::glob!("../fixtures", "quality/*/ruleset.yaml", |path| {
        let relative = path.strip_prefix(manifest_dir()).unwrap();
        let english = notes(&appraisal_of(relative, Locale::En));
        let chinese = notes(&appraisal_of(relative, Locale::ZhCn));
        insta::assert_snapshot!(format!("{english}\n\n{chinese}"));
    });
}

#[test]
fn the_notes_are_in_the_json_contract() {
    let appraisal = appraisal_of(Path::new("tests/fixtures/quality/every_kind/ruleset.yaml"), Locale::En);
    let json = serde_json::to_value(&appraisal).unwrap();
    let first = &json["quality"][0];
    let keys: Vec<&str> = first.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["entity", "period", "source", "kind", "count", "detail"]);
    assert_eq!(first["count"], 2, "{first}");
}

#[test]
fn the_terminal_table_ends_with_the_notes() {
    let path = Path::new("tests/fixtures/quality/every_kind/ruleset.yaml");
    let ruleset = project::open(path, None).unwrap();
    let appraisal = appraisal_of(path, Locale::En);
    let table = kpi::output::table(&appraisal, &ruleset, Locale::En, Some(80));
    let footer = table.split("Data quality (10)\n").nth(1).expect("a footer with every note");
    assert!(footer.starts_with("  A · 2026-01 · users: no rows on 2 of 31 days: 2026-01-10–2026-01-11\n"), "{footer}");
    assert!(footer.contains("  all · all · users: 1 total row left out\n"), "{footer}");
    let widest = footer.lines().map(unicode_width::UnicodeWidthStr::width).max().unwrap();
    assert!(widest <= 80, "the notes wrap to the terminal: {footer}");
    assert!(footer.contains("\n    "), "a wrapped note hangs under its start: {footer}");
}

#[test]
fn a_period_without_notes_has_no_footer() {
    let appraisal = appraisal_of(Path::new("tests/fixtures/quality/clean/ruleset.yaml"), Locale::En);
    let ruleset = project::open(Path::new("tests/fixtures/quality/clean/ruleset.yaml"), None).unwrap();
    assert!(!kpi::output::table(&appraisal, &ruleset, Locale::En, None).contains("Data quality"));
}

#[test]
fn each_report_shows_the_notes_of_its_entity_and_period() {
    let out = tempfile::tempdir().unwrap();
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_kpi"))
        .args(["report", "tests/fixtures/quality/every_kind/ruleset.yaml", "--period", "2026-02", "--lang", "en"])
        .args(["--per-entity", "--audience", "internal", "--format", "md,html", "-o"])
        .arg(out.path())
        .status()
        .unwrap();
    assert!(status.success());
    let read = |name: &str| std::fs::read_to_string(out.path().join("2026-02").join(name)).unwrap();
    let entity = read("entities/A.md");
    let section = entity.split("### Data quality").nth(1).expect("a data-quality section").split("###").next().unwrap();
    assert!(section.contains("| 2026-02 | users | no rows on 1 of 28 days: 2026-02-03 |"), "{section}");
    assert!(!section.contains("2026-01"), "notes of other periods stay out: {section}");
    assert!(section.contains("| — | users | 1 total row left out |"), "{section}");
    let portfolio = read("portfolio.html");
    assert!(
        portfolio.contains("<td>B</td><td>2026-02</td><td>users</td><td>no rows on 1 of 28 days: 2026-02-03</td>"),
        "{portfolio}"
    );
}
