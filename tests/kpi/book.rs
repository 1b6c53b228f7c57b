//! `kpi report --book`: the period's reports as one document with the house's brand, read back
//! as its reader's tools read it — the PDF's outline, named destinations, links and properties
//! with pypdf, its pages' text with poppler, the Word document with python-docx — and written
//! twice to the same bytes.

use std::path::Path;
use std::process::Command;

use serde_json::{Value, json};

use crate::documents::{kpi, read_back};

/// The text of one page of a PDF, as pdftotext lays it out.
fn page_text(pdf: &Path, page: usize) -> String {
    let page = page.to_string();
    let args = ["-layout", "-f", &page, "-l", &page];
    let output = Command::new("pdftotext").args(args).arg(pdf).arg("-").output();
    let output = output.expect("pdftotext runs: run scripts/test, which installs poppler-utils");
    String::from_utf8(output.stdout).unwrap()
}

/// The social brand's August book: the brand's four accounts, then its roll-up by brand.
const PARTS: [(&str, &str); 7] = [
    ("account-overview", "账号考核总览"),
    ("account-0", "晨光咖啡-公众号 · 月度考核报告"),
    ("account-1", "晨光咖啡-头条 · 月度考核报告"),
    ("account-2", "晨光咖啡-小红书 · 月度考核报告"),
    ("account-3", "晨光咖啡-抖音 · 月度考核报告"),
    ("rollup0-overview", "按品牌汇总总览"),
    ("rollup0-0", "晨光咖啡 · 品牌汇总 · 4 个账号"),
];

#[test]
fn a_book_has_a_branded_cover_contents_naming_each_parts_page_bookmarks_and_live_links() {
    let out = tempfile::tempdir().unwrap();
    kpi(&["report", "examples/social-brand/ruleset.yaml", "--period", "2026-08", "--book"], out.path());
    let dir = out.path().join("2026-08");
    let mut written: Vec<String> =
        std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    written.sort();
    assert_eq!(written, ["book.docx", "book.pdf"], "the separate files only with --per-entity");
    let pdf = read_back("pdf", &dir.join("book.pdf"));

    // Every part is a bookmark at the top of the outline, on the page its anchor leads to.
    let top: Vec<(String, u64)> = pdf["outline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|item| item[0] == 0)
        .map(|item| (item[1].as_str().unwrap().to_string(), item[2].as_u64().unwrap()))
        .collect();
    assert_eq!(top[0], ("晨光咖啡".to_string(), 1), "the cover");
    for ((anchor, title), (bookmark, page)) in PARTS.iter().zip(&top[1..]) {
        assert_eq!(bookmark, title);
        assert_eq!(pdf["destinations"][anchor], json!(page), "{anchor}");
    }
    assert_eq!(top.len(), PARTS.len() + 1);

    // The contents (page 2) link to every part and name the page it starts on.
    let links: Vec<&Value> = pdf["links"].as_array().unwrap().iter().filter(|link| link[0] == 2).collect();
    let targets: Vec<&str> = links.iter().map(|link| link[1].as_str().unwrap()).collect();
    assert_eq!(targets, PARTS.iter().map(|(anchor, _)| *anchor).collect::<Vec<_>>());
    let contents = page_text(&dir.join("book.pdf"), 2);
    for (anchor, _) in PARTS {
        let page = pdf["destinations"][anchor].as_u64().unwrap();
        let line = contents
            .lines()
            .filter(|l| !l.trim().is_empty())
            .nth(1 + PARTS.iter().position(|p| p.0 == anchor).unwrap());
        assert!(line.unwrap().trim_end().ends_with(&format!(" {page}")), "{anchor} on page {page}:\n{contents}");
    }

    // The cover: the client, the grain's title, the period, the house and the confidentiality
    // line, dated by the data; the properties say the same.
    let cover = page_text(&dir.join("book.pdf"), 1);
    for text in
        ["晨光咖啡", "月度考核报告", "2026年8月", "编制", "晨曦咨询", "日期", "2026年8月31日", "仅供晨光咖啡内部使用"]
    {
        assert!(cover.contains(text), "{text} on the cover:\n{cover}");
    }
    let metadata = &pdf["metadata"];
    assert_eq!(metadata["/Title"], "晨光咖啡 · 2026年8月 · 月度考核报告");
    assert_eq!(metadata["/Author"], "晨曦咨询");
    assert_eq!(metadata["/Subject"], "晨光咖啡 · 2026-08");
    assert_eq!(metadata["/Creator"], concat!("kpi ", env!("CARGO_PKG_VERSION")));
    assert_eq!(metadata["/CreationDate"], "D:20260831000000Z");
}

#[test]
fn a_book_in_word_has_its_cover_a_contents_field_real_lists_and_properties_from_the_data() {
    let out = tempfile::tempdir().unwrap();
    let args = ["report", "examples/social-brand/ruleset.yaml", "--period", "2026-08", "--book", "--lang", "en"];
    kpi(&[&args[..], &["--format", "docx"]].concat(), out.path());
    let doc = read_back("docx", &out.path().join("2026-08/book.docx"));
    assert_eq!(
        doc["properties"],
        json!({"title": "晨光咖啡 · August 2026 · Monthly appraisal", "author": "Dawn Consulting",
               "subject": "晨光咖啡 · 2026-08", "created": "2026-08-31T00:00:00+00:00"})
    );
    assert_eq!(doc["fields"][0], r#"TOC \o "1-2" \h \z \u"#, "the contents, a field Word fills in");
    // The cover, the contents, then each of the seven parts on a page of its own.
    assert_eq!(doc["page_breaks"], 1 + PARTS.len());
    let headings: Vec<&str> = doc["headings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h[0] == "Heading 1")
        .map(|h| h[1].as_str().unwrap())
        .collect();
    assert_eq!(headings[0], "晨光咖啡");
    assert_eq!(headings.len(), 1 + PARTS.len());
    // Lists are Word's, by levels; no bullet is typed.
    let items = doc["list_items"].as_array().unwrap();
    assert!(items.iter().any(|i| i[1] == 0) && items.iter().any(|i| i[1] == 1), "{items:?}");
    assert_eq!(doc["typed_bullets"], 0);
    assert_eq!(doc["heading_keep_with_next"], json!([true, true, true]));
    assert_eq!(doc["table_text_pt"], 10.0);
    assert_eq!(doc["heading_1_color"], "0F4C5C", "the brand's primary colour");
    assert_eq!(doc["east_asian_fonts"], json!(["Noto Sans CJK SC"]), "the brand's font on every run");
    assert_eq!(doc["footer"], "晨光咖啡 · Confidential: for 晨光咖啡 only\t1 / 1");
}

#[test]
fn the_same_inputs_write_the_same_pdf_word_and_workbook_bytes() {
    let runs: Vec<tempfile::TempDir> = (0..2).map(|_| tempfile::tempdir().unwrap()).collect();
    for out in &runs {
        let report = ["report", "examples/wechat/ruleset.yaml", "--book", "--per-entity", "--format", "pdf,docx"];
        kpi(&report, out.path());
        kpi(&["run", "examples/wechat/ruleset.yaml", "--format", "xlsx"], &out.path().join("results.xlsx"));
    }
    let files = ["2026-10/book.pdf", "2026-10/book.docx", "2026-10/portfolio.pdf", "2026-10/entities/晨光咖啡.docx"];
    for file in files.iter().chain(&["results.xlsx"]) {
        let [first, second] = [0, 1].map(|run| std::fs::read(runs[run].path().join(file)).unwrap());
        assert!(first == second, "{file} differs between two runs");
    }
}
