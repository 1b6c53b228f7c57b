//! `kpi test`: every test file under tests/fixtures/suite rendered exactly as the command prints
//! it (failing expectations, broken files), the exit codes, and the JUnit XML.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::manifest_dir;

fn kpi_test(args: &[&str]) -> (i32, String) {
    let output =
        Command::new(env!("CARGO_BIN_EXE_kpi")).arg("test").args(args).current_dir(manifest_dir()).output().unwrap();
    (output.status.code().unwrap(), String::from_utf8(output.stdout).unwrap())
}

#[test]
fn every_test_file_is_reported_exactly() {
    insta::glob!("../fixtures", "suite/**/*.test.yaml", |path| {
        let relative = path.strip_prefix(manifest_dir()).unwrap();
        let report = kpi::suite::run(&[relative.to_path_buf()], &|_, _| {}).unwrap();
        insta::assert_snapshot!(format!("exit {}\n{}", report.exit_code(), report.render()));
    });
}

#[test]
fn the_exit_code_says_whether_cases_passed_failed_or_could_not_be_read() {
    assert_eq!(kpi_test(&["examples/wechat"]).0, 0);
    let (code, out) = kpi_test(&["tests/fixtures/suite/failing.test.yaml"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("\n0 passed, 3 failed\n"), "{out}");
    assert_eq!(kpi_test(&["tests/fixtures/suite/broken/unknown_key.test.yaml"]).0, 2);
    let (code, _) = kpi_test(&["tests/fixtures/suite"]);
    assert_eq!(code, 2, "a broken file anywhere makes the run exit 2");
}

#[test]
fn a_folder_is_searched_for_test_files_and_a_path_that_is_not_there_is_an_error() {
    let report = kpi::suite::run(&[PathBuf::from("tests/fixtures/suite")], &|_, _| {}).unwrap();
    let files: Vec<&Path> = report.files.iter().map(|f| f.path.as_path()).collect();
    assert_eq!(files.len(), 4, "{files:?}");
    let missing = kpi::suite::run(&[PathBuf::from("tests/fixtures/no-such-folder")], &|_, _| {});
    assert!(missing.err().unwrap().to_string().contains("no-such-folder"));
}

/// The XML without its timings, which change from run to run.
fn without_times(xml: &str) -> String {
    let mut out = String::new();
    let mut rest = xml;
    while let Some(at) = rest.find(" time=\"") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 7..];
        rest = &after[after.find('"').unwrap() + 1..];
    }
    out.push_str(rest);
    out
}

#[test]
fn junit_has_one_testcase_per_case_with_its_failures() {
    let out = tempfile::tempdir().unwrap();
    let junit = out.path().join("results.xml");
    let args = ["tests/fixtures/suite/failing.test.yaml", "examples/wechat", "--junit"];
    let (code, _) = kpi_test(&[args[0], args[1], args[2], junit.to_str().unwrap()]);
    assert_eq!(code, 1);
    let xml = std::fs::read_to_string(&junit).unwrap();
    insta::assert_snapshot!(without_times(&xml));
    // The shape CI tools read: counts that agree with the elements.
    assert_eq!(xml.matches("<testcase ").count(), 5);
    assert_eq!(xml.matches("<failure ").count(), 2);
    assert_eq!(xml.matches("<error ").count(), 1);
    assert!(xml.contains("<testsuites name=\"kpi test\" tests=\"5\" failures=\"2\" errors=\"1\">"), "{xml}");
}
