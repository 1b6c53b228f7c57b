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
        let report = kpi::suite::run(&[relative.to_path_buf()], None, &|_, _| {}).unwrap();
        insta::assert_snapshot!(format!("exit {}\n{}", report.exit_code(), report.render()));
    });
}

#[test]
fn the_exit_code_says_whether_cases_passed_failed_or_could_not_be_read() {
    assert_eq!(kpi_test(&["examples/wechat"]).0, 0);
    assert_eq!(kpi_test(&["examples/social-brand"]).0, 0);
    let (code, out) = kpi_test(&["tests/fixtures/suite/failing.test.yaml"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("\n0 passed, 3 failed\n"), "{out}");
    assert_eq!(kpi_test(&["tests/fixtures/suite/broken/unknown_key.test.yaml"]).0, 2);
    let (code, _) = kpi_test(&["tests/fixtures/suite"]);
    assert_eq!(code, 2, "a broken file anywhere makes the run exit 2");
}

#[test]
fn a_folder_is_searched_for_test_files_and_a_path_that_is_not_there_is_an_error() {
    let report = kpi::suite::run(&[PathBuf::from("tests/fixtures/suite")], None, &|_, _| {}).unwrap();
    let files: Vec<&Path> = report.files.iter().map(|f| f.path.as_path()).collect();
    assert_eq!(files.len(), 5, "{files:?}");
    let missing = kpi::suite::run(&[PathBuf::from("tests/fixtures/no-such-folder")], None, &|_, _| {});
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

/// An element of the XML, with its attributes and children, as far as the rules below read it.
#[derive(Debug)]
struct Element {
    name: String,
    attributes: Vec<(String, String)>,
    children: Vec<Element>,
}

/// The elements of XML as kpi writes it (no CDATA, no comments): a check, not a general parser.
fn parse_xml(xml: &str) -> Element {
    let mut stack = vec![Element { name: "document".into(), attributes: Vec::new(), children: Vec::new() }];
    let mut rest = xml;
    while let Some(open) = rest.find('<') {
        let close = rest[open..].find('>').expect("a tag ends") + open;
        let tag = &rest[open + 1..close];
        rest = &rest[close + 1..];
        if tag.starts_with('?') {
            continue;
        }
        if let Some(name) = tag.strip_prefix('/') {
            let done = stack.pop().unwrap();
            assert_eq!(done.name, name, "tags nest");
            stack.last_mut().unwrap().children.push(done);
            continue;
        }
        let self_closing = tag.ends_with('/');
        let tag = tag.trim_end_matches('/');
        let name = tag.split_whitespace().next().unwrap().to_string();
        let mut attributes = Vec::new();
        let mut attrs = &tag[name.len()..];
        while let Some(eq) = attrs.find("=\"") {
            let key = attrs[..eq].trim().to_string();
            let end = attrs[eq + 2..].find('"').unwrap() + eq + 2;
            attributes.push((key, attrs[eq + 2..end].to_string()));
            attrs = &attrs[end + 1..];
        }
        let element = Element { name, attributes, children: Vec::new() };
        if self_closing {
            stack.last_mut().unwrap().children.push(element);
        } else {
            stack.push(element);
        }
    }
    assert_eq!(stack.len(), 1, "every tag is closed");
    stack.pop().unwrap().children.pop().unwrap()
}

/// The rules of the JUnit schema CI tools read (the `junit-10.xsd` of Jenkins' xUnit plugin,
/// which GitLab and the GitHub report actions follow): the elements each may contain, the
/// attributes each requires and allows, and the form of `time`.
fn check_junit(element: &Element) {
    let (required, allowed, children): (&[&str], &[&str], &[&str]) = match element.name.as_str() {
        "testsuites" => (&[], &["name", "time", "tests", "failures", "errors"], &["testsuite"]),
        "testsuite" => (
            &["name", "tests", "failures", "errors"],
            &[
                "name",
                "tests",
                "failures",
                "errors",
                "group",
                "time",
                "skipped",
                "timestamp",
                "hostname",
                "id",
                "package",
                "file",
                "log",
                "url",
            ],
            &["testsuite", "properties", "testcase", "system-out", "system-err"],
        ),
        "properties" => (&[], &[], &["property"]),
        "property" => (&["name", "value"], &["name", "value"], &[]),
        "testcase" => (
            &["name"],
            &["name", "time", "classname", "group"],
            &["skipped", "error", "failure", "system-out", "system-err"],
        ),
        "failure" | "error" | "skipped" => (&[], &["type", "message"], &[]),
        other => panic!("`{other}` is not an element of the JUnit schema"),
    };
    let names: Vec<&str> = element.attributes.iter().map(|(k, _)| k.as_str()).collect();
    for name in required {
        assert!(names.contains(name), "`{}` requires `{name}`", element.name);
    }
    for name in &names {
        assert!(allowed.contains(name), "`{}` has no attribute `{name}`", element.name);
    }
    for (key, value) in &element.attributes {
        if key == "time" && matches!(element.name.as_str(), "testsuite" | "testsuites") {
            assert!(value.chars().all(|c| c.is_ascii_digit() || c == '.'), "a time of digits: {value}");
        }
    }
    for child in &element.children {
        assert!(children.contains(&child.name.as_str()), "`{}` in `{}`", child.name, element.name);
        check_junit(child);
    }
}

#[test]
fn junit_follows_the_schema_ci_tools_read() {
    let out = tempfile::tempdir().unwrap();
    let junit = out.path().join("results.xml");
    let paths = ["tests/fixtures/suite", "examples/wechat", "--junit", junit.to_str().unwrap()];
    assert_eq!(kpi_test(&paths).0, 2, "a broken file is in the folder");
    let root = parse_xml(&std::fs::read_to_string(&junit).unwrap());
    assert_eq!(root.name, "testsuites");
    check_junit(&root);
    let suites = root.children.len();
    assert_eq!(suites, 6, "one testsuite per test file, broken ones included");
}

#[test]
fn the_builtin_rulesets_pass_their_own_tests() {
    let (code, out) = kpi_test(&["rulesets/tests"]);
    assert_eq!(code, 0, "{out}");
    // The weekly monitoring pack inherits the general pack's KPIs, which its tests cover.
    let general = "no case exercises, in rulesets/social-media-general.yaml";
    assert!(!out.contains(general), "every KPI and diagnosis of the general pack is tested: {out}");
}

/// A client folder with a ruleset reading one file per account, and a test file `case.test.yaml`.
fn client_with_test(test: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let ruleset = "ruleset: hostile\ngrain: { entity: account, period: month }\n\
                   sources:\n  users:\n    path: data/{entity}/users-*.csv\n    date: day\n\
                   kpis:\n  growth: { formula: sum(users.new) }\n";
    std::fs::write(dir.path().join("ruleset.yaml"), ruleset).unwrap();
    std::fs::write(dir.path().join("case.test.yaml"), test).unwrap();
    dir
}

fn kpi_test_in(dir: &Path, tmp: &Path, args: &[&str]) -> (i32, String) {
    let output =
        Command::new(env!("CARGO_BIN_EXE_kpi")).arg("test").args(args).env("TMPDIR", tmp).current_dir(dir).output();
    let output = output.unwrap();
    let text = String::from_utf8_lossy(&output.stdout).to_string() + &String::from_utf8_lossy(&output.stderr);
    (output.status.code().unwrap(), text)
}

#[test]
fn an_entity_given_its_own_rows_never_becomes_a_path_outside_the_case() {
    let outside = tempfile::tempdir().unwrap();
    let victim = outside.path().join("victim");
    std::fs::create_dir(&victim).unwrap();
    std::fs::write(victim.join("important.csv"), "keep").unwrap();
    std::fs::write(outside.path().join("rows.csv"), "day,new\n2026-10-01,5\n").unwrap();
    for entity in ["../../victim", "/tmp/escaped", "..", "a/b"] {
        let test = format!(
            "ruleset: ruleset.yaml\ncases:\n  - name: escape\n    data:\n      users:\n        \"{entity}\": {}\n    expect: {{}}\n",
            outside.path().join("rows.csv").display()
        );
        let dir = client_with_test(&test);
        let tmp = tempfile::tempdir().unwrap();
        let (code, out) = kpi_test_in(dir.path(), tmp.path(), &["case.test.yaml"]);
        assert_eq!(code, 2, "a broken test file: {out}");
        assert!(out.contains("expected an entity's name that can be a folder's"), "{out}");
        assert_eq!(std::fs::read_to_string(victim.join("important.csv")).unwrap(), "keep");
        assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 0, "no scratch folder is left");
    }
}

#[test]
fn a_case_reads_its_own_rows_from_a_private_folder_that_is_removed_after() {
    let test = "ruleset: ruleset.yaml\ncases:\n  - name: fixture names are names, not patterns\n    period: 2026-10\n\
                \x20   data:\n      users:\n        main: \"export[1].csv\"\n    expect: { kpis: { main: { growth: 5 } } }\n";
    let dir = client_with_test(test);
    std::fs::write(dir.path().join("export[1].csv"), "day,new\n2026-10-01,5\n").unwrap();
    let tmp = tempfile::tempdir().unwrap();
    // What an earlier run could have left where a scratch folder used to go is never read.
    let planted = tmp.path().join(format!("kpi-test-{}-0", std::process::id()));
    std::fs::create_dir_all(planted.join("users/main")).unwrap();
    std::fs::write(planted.join("users/main/users-old.csv"), "day,new\n2026-10-01,1000\n").unwrap();
    let (code, out) = kpi_test_in(dir.path(), tmp.path(), &["case.test.yaml"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("1 passed, 0 failed"), "{out}");
    let left: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(left, [planted], "the case's own folder is removed, and nothing else is touched");
}

#[test]
fn a_fixture_that_is_a_named_pipe_is_refused_at_once() {
    let test = "ruleset: ruleset.yaml\ncases:\n  - name: a pipe\n    data:\n      users:\n        main: pipe.csv\n    expect: {}\n";
    let dir = client_with_test(test);
    assert!(Command::new("mkfifo").arg(dir.path().join("pipe.csv")).status().unwrap().success());
    let tmp = tempfile::tempdir().unwrap();
    let (code, out) = kpi_test_in(dir.path(), tmp.path(), &["case.test.yaml"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("pipe.csv`: it is not a regular file (a pipe, a socket or a device)"), "{out}");
}

#[test]
fn a_case_name_xml_cannot_hold_is_written_out_in_the_junit_file() {
    let test = "ruleset: ruleset.yaml\ncases:\n  - name: \"odd \\uFFFF \\uFFFE \\e name\"\n    period: 2026-10\n\
                \x20   data:\n      users:\n        main: \"day,new\\n2026-10-01,5\\n\"\n    expect: { kpis: { main: { growth: 5 } } }\n";
    let dir = client_with_test(test);
    let tmp = tempfile::tempdir().unwrap();
    let junit = dir.path().join("junit.xml");
    let (code, out) = kpi_test_in(dir.path(), tmp.path(), &["case.test.yaml", "--junit", junit.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(!xml.contains(['\u{ffff}', '\u{fffe}', '\u{1b}']), "{xml}");
    assert!(xml.contains(r#"name="odd \u{ffff} \u{fffe} \u{1b} name""#), "{xml}");
    check_junit(&parse_xml(&xml));
}
