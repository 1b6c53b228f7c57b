//! The example client's data is what its generator writes: the CSV exports byte for byte, and
//! the downloads in the backend's own formats (HTML and BIFF `.xls` per account, a GBK CSV,
//! written by examples/support/real_formats.py) giving the same appraisal as the CSV.

#[path = "../../examples/support/wechat_data.rs"]
#[allow(dead_code)]
pub(crate) mod wechat_data;

use std::path::Path;
use std::process::Command;

use chrono::NaiveDate;
use kpi::appraise::{Appraisal, Selection, appraise};
use kpi::locale::Locale;

use crate::support::manifest_dir;

/// The exports of the example client as the generator writes them, as CSV.
fn generated() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let start = NaiveDate::from_ymd_opt(2025, 10, 1).unwrap();
    let end = NaiveDate::from_ymd_opt(2026, 10, 31).unwrap();
    wechat_data::write_exports(dir.path(), &mut wechat_data::example_accounts(), start, end, 20261101).unwrap();
    dir
}

/// The files the conversion to the backend's formats turns into others.
const CONVERTED: [&str; 2] = ["users-", "articles"];

/// A ruleset reading the generated CSV: the built-in, with the two converted sources read from
/// the generator's files with their account column.
const FROM_CSV: &str = "ruleset: chenguang-wechat\nversion: \"2026.11\"\nclient: 晨光咖啡\n\
    extends: builtin:wechat-official-account\nsources:\n  \
    users: { path: data/users-*.csv, header_row: 1, entity: 公众号 }\n  \
    articles: { path: data/articles.csv, entity: 公众号 }\n";

/// `dir`'s CSV files moved into `dir/data/`, under a ruleset reading them as CSV.
fn read_as_csv(dir: &Path) -> std::path::PathBuf {
    let ruleset = dir.join("ruleset.yaml");
    std::fs::write(&ruleset, FROM_CSV).unwrap();
    std::fs::create_dir(dir.join("data")).unwrap();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "csv") {
            std::fs::rename(&path, dir.join("data").join(path.file_name().unwrap())).unwrap();
        }
    }
    ruleset
}
const RESAVED: &str = "messages.csv";

#[test]
fn the_committed_example_csv_is_what_the_generator_writes() {
    let dir = generated();
    let committed = manifest_dir().join("examples/wechat/data");
    let mut names: Vec<String> =
        std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().to_string()).collect();
    names.sort();
    assert!(names.len() >= 10, "{names:?}");
    for name in names.iter().filter(|n| !CONVERTED.iter().any(|c| n.starts_with(c))) {
        let generated = std::fs::read(dir.path().join(name)).unwrap();
        let expected = std::fs::read(committed.join(name)).unwrap_or_default();
        let expected = match name.as_str() {
            // Re-saved from Excel: GBK with CRLF line ends.
            RESAVED => {
                let (text, _, bad) = encoding_rs::GBK.decode(&expected);
                assert!(!bad && expected.windows(2).any(|w| w == b"\r\n"), "{name} is GBK with CRLF line ends");
                text.replace("\r\n", "\n").into_bytes()
            }
            _ => expected,
        };
        assert!(generated == expected, "{name:?} differs: see examples/generate_wechat.rs");
    }
}

/// The samples `kpi init` writes are two months of the generator's: its CSV exports byte for
/// byte, and the backend's per-account downloads (converted by examples/support/real_formats.py,
/// one file per account for the two months) giving the same appraisal as its CSV.
#[test]
fn the_samples_kpi_init_writes_are_what_the_generator_writes() {
    let dir = tempfile::tempdir().unwrap();
    let start = NaiveDate::from_ymd_opt(2026, 9, 1).unwrap();
    let end = NaiveDate::from_ymd_opt(2026, 10, 31).unwrap();
    wechat_data::write_exports(dir.path(), &mut wechat_data::example_accounts(), start, end, 20261101).unwrap();
    let samples = manifest_dir().join("rulesets/samples/wechat-official-account");
    let mut count = 0;
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().to_string();
        if CONVERTED.iter().any(|c| name.starts_with(c)) {
            continue;
        }
        let generated = std::fs::read(dir.path().join(&name)).unwrap();
        assert!(generated == std::fs::read(samples.join(&name)).unwrap_or_default(), "{name:?} differs");
        count += 1;
    }
    let csv = |e: &std::fs::DirEntry| e.path().extension().is_some_and(|x| x == "csv");
    assert_eq!(count, std::fs::read_dir(&samples).unwrap().filter(|e| csv(e.as_ref().unwrap())).count());

    let from_csv = appraisal(&read_as_csv(dir.path()));
    let client = tempfile::tempdir().unwrap();
    let status = Command::new(env!("CARGO_BIN_EXE_kpi")).arg("init").arg(client.path().join("c")).output().unwrap();
    assert!(status.status.success());
    let from_samples = appraisal(&client.path().join("c/ruleset.yaml"));
    assert!(from_samples.results.len() >= 3 * 2 * 10, "{}", from_samples.results.len());
    assert_eq!(json(&from_samples.results), json(&from_csv.results));
    assert_eq!(json(&from_samples.diagnoses), json(&from_csv.diagnoses));
}

fn appraisal(ruleset: &Path) -> Appraisal {
    let ruleset = kpi::project::open(ruleset, None).unwrap_or_else(|e| panic!("{e}"));
    let evaluation = kpi::engine::evaluate(&ruleset).unwrap_or_else(|e| panic!("{e}"));
    appraise(&ruleset, &evaluation, &Selection::default(), Locale::En).unwrap()
}

#[test]
fn the_example_in_the_backends_formats_appraises_as_the_generated_csv() {
    let dir = generated();
    let from_csv = appraisal(&read_as_csv(dir.path()));
    let example = appraisal(&manifest_dir().join("examples/wechat/ruleset.yaml"));
    assert!(from_csv.results.len() >= 3 * 13 * 10, "{}", from_csv.results.len());
    assert_eq!(json(&example.results), json(&from_csv.results));
    assert_eq!(json(&example.scorecards), json(&from_csv.scorecards));
    assert_eq!(json(&example.diagnoses), json(&from_csv.diagnoses));
}

fn json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string_pretty(value).unwrap()
}
