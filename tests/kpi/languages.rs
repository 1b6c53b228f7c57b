//! Both languages whole: every shipped example's reports, in English and in Chinese, for the
//! client and the consultant, hold no word of the other language that did not come from the
//! data (account names, attribute values, the actions log, file names) or from the ruleset
//! (its ids, labels and formulas).

use std::collections::HashSet;
use std::path::Path;

use kpi::locale::{Locale, has_cjk};
use kpi::report::{ReportFormat, ReportOptions, render_reports};
use kpi::ruleset::model::{Audience, Paper};

use crate::support::manifest_dir;

const EXAMPLES: [&str; 6] = [
    "examples/wechat/ruleset.yaml",
    "examples/social-brand/ruleset.yaml",
    "examples/social-brand/monitoring.yaml",
    "examples/tour/ruleset.yaml",
    "examples/formats/ruleset.yaml",
    "examples/targets/ruleset.yaml",
];

/// The text of every report of `example` in `locale` for `audience`, markup left out.
fn report_texts(example: &str, locale: Locale, audience: Audience) -> Vec<(String, String)> {
    let path = manifest_dir().join(example);
    let data = (example == "examples/tour/ruleset.yaml").then(|| manifest_dir().join("examples/wechat"));
    let ruleset = kpi::project::open(&path, data.as_deref()).unwrap();
    let out = tempfile::tempdir().unwrap();
    let options = ReportOptions {
        formats: vec![ReportFormat::Html, ReportFormat::Markdown],
        locale,
        audience,
        templates: None,
        reference_docx: None,
        paper: Paper::A4,
        per_entity: true,
        book: false,
        period: None,
        output: out.path().to_path_buf(),
        rollup: None,
    };
    let evaluation = kpi::engine::evaluate_with(&ruleset, options.probes(&ruleset)).unwrap();
    let written = render_reports(&ruleset, &evaluation, &options, &|_, _| {}).unwrap();
    written.files.iter().map(|file| (file.display().to_string(), text_of(file))).collect()
}

/// What a reader reads: tags, style and entities of HTML left out.
fn text_of(file: &Path) -> String {
    let html = std::fs::read_to_string(file).unwrap();
    let without_style = match (html.find("<style>"), html.find("</style>")) {
        (Some(start), Some(end)) => format!("{}{}", &html[..start], &html[end..]),
        _ => html,
    };
    let mut text = String::new();
    let mut in_tag = false;
    for c in without_style.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                text.push(' ');
            }
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    let text = text.replace("&#x2f;", "/").replace("&gt;", ">").replace("&lt;", "<").replace("&#x27;", "'");
    let text = text.replace("&quot;", "\"").replace("&amp;", "&");
    without_hashes(&text)
}

/// The text with content hashes (16 hexadecimal digits and more) left out: they are not words.
fn without_hashes(text: &str) -> String {
    let mut out = String::new();
    let mut run = String::new();
    for c in text.chars().chain([' ']) {
        if c.is_ascii_alphanumeric() {
            run.push(c);
            continue;
        }
        if !(run.len() >= 16 && run.chars().all(|c| c.is_ascii_hexdigit())) {
            out.push_str(&run);
        }
        run.clear();
        out.push(c);
    }
    out
}

/// The texts a report in `locale` for `audience` may quote whatever their language: the data's;
/// in a Chinese report, the ruleset's ids; in the working papers, the ruleset's formulas. An
/// English report for the client quotes nothing Chinese of the ruleset: every label it shows is
/// written in English.
fn allowed(example: &str, locale: Locale, audience: Audience) -> Vec<String> {
    let path = manifest_dir().join(example);
    let data_dir = path.parent().unwrap().to_path_buf();
    let mut words: Vec<String> = Vec::new();
    if locale == Locale::ZhCn || audience == Audience::Internal {
        // The ruleset as `extends` leaves it: ids, formulas, plain texts, its texts for `locale`.
        let ruleset = kpi::ruleset::load(&path).unwrap();
        let mut json = serde_json::to_value(&ruleset.model).unwrap();
        drop_texts_for(&mut json, locale.pick("en", "zh-CN"));
        words.push(json.to_string());
        // The formula language's own words, in the working papers' formulas.
        for function in kpi::expr::Function::ALL {
            words.push(function.name().to_string());
            words.extend(function.params().iter().map(|param| param.name.to_string()));
        }
    }
    // The data: every file's contents and name (account names, attribute values, actions).
    let data = if example.contains("tour") { manifest_dir().join("examples/wechat") } else { data_dir };
    for entry in walk(&data) {
        words.push(entry.display().to_string());
        if let Ok(text) = std::fs::read_to_string(&entry) {
            words.push(text);
        }
    }
    words
}

/// The JSON without the texts written for `other`, the other language.
fn drop_texts_for(json: &mut serde_json::Value, other: &str) {
    match json {
        serde_json::Value::Object(map) => {
            map.remove(other);
            // Where a source comes from is for whoever downloads it, not for reports.
            map.remove("description");
            map.values_mut().for_each(|value| drop_texts_for(value, other));
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(|value| drop_texts_for(value, other)),
        _ => {}
    }
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(walk(&path));
        } else {
            found.push(path);
        }
    }
    found
}

/// Runs of Chinese characters, and runs of Latin letters of two or more.
fn runs(text: &str, chinese: bool) -> HashSet<String> {
    let mut found = HashSet::new();
    let mut run = String::new();
    let belongs = |c: char| match chinese {
        true => has_cjk(c.encode_utf8(&mut [0; 4])),
        false => c.is_ascii_alphabetic(),
    };
    for c in text.chars().chain([' ']) {
        if belongs(c) {
            run.push(c);
        } else if !run.is_empty() {
            if chinese || run.len() >= 2 {
                found.insert(std::mem::take(&mut run));
            }
            run.clear();
        }
    }
    found
}

/// The runs of `report` in the other language that neither the data nor the ruleset holds.
fn foreign(report: &str, chinese: bool, allowed: &[String]) -> Vec<String> {
    let mut left: Vec<String> = runs(report, chinese)
        .into_iter()
        .filter(|run| !allowed.iter().any(|text| text.contains(run.as_str())))
        .collect();
    left.sort();
    left
}

#[test]
fn english_reports_hold_no_chinese_and_chinese_reports_no_english_but_the_datas_and_the_rulesets() {
    let mut problems = Vec::new();
    for example in EXAMPLES {
        for audience in [Audience::Client, Audience::Internal] {
            for (locale, chinese) in [(Locale::En, true), (Locale::ZhCn, false)] {
                let allowed = allowed(example, locale, audience);
                for (file, text) in report_texts(example, locale, audience) {
                    let left = foreign(&text, chinese, &allowed);
                    if !left.is_empty() {
                        problems.push(format!("{example} {audience:?} {file}: {left:?}"));
                    }
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
