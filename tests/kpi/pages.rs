//! The printed pages of every shipped example and every `kpi init` sample, in both languages,
//! on A4 and on US Letter: no heading ends a page, and no page is less than half full before
//! one that does not start a part of its own. Each is printed as the book a client receives
//! (cover, summary, every account's report, the roll-ups) and read back with poppler and pypdf
//! (tests/office/read.py). Each ruleset is evaluated once and its four books printed from it.

use std::path::{Path, PathBuf};
use std::process::Command;

use kpi::engine::rollup::rollup;
use kpi::report::book::render_book;
use kpi::report::{GroupsOf, ReportFormat, ReportOptions};
use kpi::ruleset::model::{Audience, Locale, Paper};

use crate::documents::read_back;
use crate::support::manifest_dir;

/// The rulesets printed, with the attribute each is rolled up by.
fn printed(samples: &Path) -> Vec<(PathBuf, Option<&'static str>)> {
    let mut printed = vec![
        (manifest_dir().join("examples/wechat/ruleset.yaml"), None),
        (manifest_dir().join("examples/social-brand/ruleset.yaml"), Some("brand")),
        (manifest_dir().join("examples/social-brand/monitoring.yaml"), None),
    ];
    printed.extend(crate::support::init_samples(samples).into_iter().map(|ruleset| (ruleset, None)));
    printed
}

#[test]
fn no_heading_ends_a_page_and_no_page_is_left_half_empty_on_a4_or_letter_in_either_language() {
    let out = tempfile::tempdir().unwrap();
    let mut problems = Vec::new();
    let mut books = 0;
    for (index, (path, by)) in printed(&out.path().join("samples")).iter().enumerate() {
        let ruleset = kpi::project::open(path, None).unwrap();
        let evaluation = kpi::engine::evaluate(&ruleset).unwrap();
        let rollups: Vec<(GroupsOf, kpi::engine::Evaluation)> = by
            .iter()
            .map(|by| (GroupsOf::of(&evaluation, by), rollup(&ruleset, &evaluation, by, Default::default()).unwrap()))
            .collect();
        for locale in [Locale::ZhCn, Locale::En] {
            for paper in [Paper::A4, Paper::Letter] {
                let output = out.path().join(format!("{index}-{}-{}", locale.code(), paper.name()));
                let options = ReportOptions {
                    formats: vec![ReportFormat::Pdf],
                    locale,
                    audience: Audience::Client,
                    templates: None,
                    reference_docx: None,
                    paper,
                    per_entity: false,
                    book: true,
                    period: None,
                    output,
                    rollup: None,
                };
                let written = render_book(&ruleset, &evaluation, &rollups, &options, &|_, _| {}).unwrap();
                let book = written.files.iter().find(|f| f.extension().is_some_and(|e| e == "pdf")).unwrap();
                books += 1;
                let layout = read_back("layout", book);
                assert!(layout["pages"].as_u64() > Some(3) && layout["headings"].as_u64() > Some(10), "{layout}");
                let found = |key: &str| !layout[key].as_array().expect("a list of what does not hold").is_empty();
                if found("headings_ending_pages") || found("underfull_pages") {
                    problems.push(format!("{} ({}, {}): {layout}", path.display(), locale.code(), paper.name()));
                }
            }
        }
    }
    assert_eq!(books, 24);
    assert!(problems.is_empty(), "pages that do not hold:\n{}", problems.join("\n"));
}

#[test]
fn a_letter_report_is_printed_on_letter_and_its_word_document_set_to_it() {
    let out = tempfile::tempdir().unwrap();
    let args = ["report", "examples/wechat/ruleset.yaml", "--book", "--paper", "letter"];
    crate::documents::kpi(&args, out.path());
    let pdf = out.path().join("2026-10/book.pdf");
    let info = Command::new("pdfinfo").arg(&pdf).output().expect("pdfinfo runs: run scripts/test");
    let info = String::from_utf8(info.stdout).unwrap();
    assert!(info.contains("Page size:       612 x 792 pts (letter)"), "{info}");
    let word = read_back("docx", &out.path().join("2026-10/book.docx"));
    assert_eq!(word["page_cm"], serde_json::json!([21.6, 27.9]));
}
