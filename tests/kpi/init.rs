//! `kpi init`: a client folder that passes `kpi check` and `kpi test` at once, and refuses to
//! write over anything.

use std::process::Command;

use crate::support::manifest_dir;

fn kpi(args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_kpi")).args(args).current_dir(manifest_dir()).output().unwrap();
    let text = |bytes: Vec<u8>| String::from_utf8(bytes).unwrap();
    (output.status.code().unwrap(), text(output.stdout), text(output.stderr))
}

#[test]
fn a_new_client_folder_checks_and_tests_at_once() {
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("acme");
    let dir = dir.to_str().unwrap();
    let (code, _, err) = kpi(&["init", dir, "--from", "builtin:wechat-official-account"]);
    assert_eq!(code, 0, "{err}");
    let mut files: Vec<String> = walk(std::path::Path::new(dir));
    files.sort();
    let expected = [
        ".gitignore",
        "README.md",
        "data/accounts.csv",
        "data/ads.csv",
        "data/audience.csv",
        "data/conversions.csv",
        "data/events.csv",
        "data/features.csv",
        "data/messages.csv",
        "data/reviews.csv",
        "data/晨光会员俱乐部/内容分析-2026.xls",
        "data/晨光会员俱乐部/用户增长-2026.xls",
        "data/晨光咖啡/内容分析-2026.xls",
        "data/晨光咖啡/用户增长-2026.xls",
        "data/晨光咖啡商城/内容分析-2026.xls",
        "data/晨光咖啡商城/用户增长-2026.xls",
        "ruleset.yaml",
        "templates/README.md",
        "tests/sample.test.yaml",
    ];
    assert_eq!(files, expected);
    let ruleset = format!("{dir}/ruleset.yaml");
    let (code, out, err) = kpi(&["check", &ruleset, "--data", dir]);
    assert_eq!((code, out.as_str(), err.as_str()), (0, "", ""));
    let (code, out, _) = kpi(&["test", &format!("{dir}/tests")]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("\n1 passed, 0 failed\n"), "{out}");
    let (code, _, err) = kpi(&["report", &ruleset, "-o", &format!("{dir}/out")]);
    assert_eq!(code, 0, "{err}");
}

/// The client folder's `templates/` and its ruleset's brand (written by `kpi init` with
/// placeholders) apply to its reports with no flag.
#[test]
fn a_client_folders_templates_and_brand_apply_to_its_reports_without_a_flag() {
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("acme");
    let (code, _, err) = kpi(&["init", dir.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let ruleset = std::fs::read_to_string(dir.join("ruleset.yaml")).unwrap();
    assert!(ruleset.contains("  brand:\n    colours: { primary: \"#111827\", accent: \"#2563EB\" }"), "{ruleset}");
    assert!(ruleset.contains("    # prepared_by: "), "a placeholder to fill in, not a name on the cover");
    let branded = ruleset
        .replace("\"#111827\"", "\"#0F4C5C\"")
        .replace("    # prepared_by: 你们的公司名", "    prepared_by: 晨曦咨询");
    std::fs::write(dir.join("ruleset.yaml"), branded).unwrap();
    let own = "{% extends \"builtin/portfolio.html\" %}{% block style %}.acme-mark { color: red }{% endblock %}";
    std::fs::write(dir.join("templates/portfolio.html"), own).unwrap();
    let ruleset = dir.join("ruleset.yaml");
    let (code, _, err) =
        kpi(&["report", ruleset.to_str().unwrap(), "--format", "html", "-o", dir.join("out").to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let written = std::fs::read_dir(dir.join("out")).unwrap().next().unwrap().unwrap().path();
    let html = std::fs::read_to_string(written.join("portfolio.html")).unwrap();
    assert!(html.contains(".acme-mark { color: red }"), "the folder's template");
    assert!(html.contains("--primary: #0F4C5C;"), "the brand's colour");
}

#[test]
fn every_builtin_starts_a_client_that_checks_and_tests() {
    for builtin in kpi::ruleset::builtin::NAMES {
        let parent = tempfile::tempdir().unwrap();
        let dir = parent.path().join("client");
        let dir = dir.to_str().unwrap();
        let (code, _, err) = kpi(&["init", dir, "--from", &format!("builtin:{builtin}")]);
        assert_eq!(code, 0, "{builtin}: {err}");
        let (code, _, err) = kpi(&["check", &format!("{dir}/ruleset.yaml"), "--data", dir]);
        // Clean at once, every source read; the weekly monitoring of the monthly samples, which
        // begin on a Thursday, says only that their first week is partial.
        let said: Vec<&str> = err.lines().filter(|l| l.starts_with("warning[") || l.starts_with("error[")).collect();
        let expected: &[&str] = match builtin {
            "social-media-monitoring" => &[
                "warning[E546]: the data of `B`, `X` begins on 2026-10-01, inside 2026-W40: it covers 4 of its 7 days",
            ],
            _ => &[],
        };
        assert_eq!((code, said.as_slice()), (0, expected), "{builtin}: {err}");
        let (code, out, _) = kpi(&["test", &format!("{dir}/tests")]);
        assert_eq!(code, 0, "{builtin}: {out}");
    }
}

fn walk(dir: &std::path::Path) -> Vec<String> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            found.extend(walk(&path).into_iter().map(|f| format!("{name}/{f}")));
        } else {
            found.push(path.file_name().unwrap().to_string_lossy().to_string());
        }
    }
    found
}

#[test]
fn an_unknown_builtin_lists_the_available_ones_with_the_nearest() {
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("acme");
    let (code, _, err) = kpi(&["init", dir.to_str().unwrap(), "--from", "builtin:wechat-oficial"]);
    assert_eq!(code, 2);
    insta::assert_snapshot!(err);
    assert!(!dir.exists(), "nothing is written");
}

#[test]
fn a_folder_with_files_is_not_written_into() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "mine").unwrap();
    let (code, _, err) = kpi(&["init", dir.path().to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("is not empty"), "{err}");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn a_folder_named_like_a_yaml_value_is_still_the_client_s_name() {
    let parent = tempfile::tempdir().unwrap();
    for name in ["null", "true", "2026"] {
        let dir = parent.path().join(name);
        let dir = dir.to_str().unwrap();
        let (code, _, err) = kpi(&["init", dir]);
        assert_eq!(code, 0, "{err}");
        let ruleset = std::fs::read_to_string(format!("{dir}/ruleset.yaml")).unwrap();
        assert!(ruleset.contains(&format!("\nruleset: \"{name}\"\n")), "{ruleset}");
        let (code, _, err) = kpi(&["check", &format!("{dir}/ruleset.yaml"), "--data", dir]);
        assert_eq!(code, 0, "{err}");
    }
}
