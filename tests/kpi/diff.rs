//! `kpi diff`: the changes between two fixture rulesets and their impact on known grades and
//! diagnoses, in each format; and `git:REV:PATH`, with `extends` resolved at that revision.

use std::path::Path;
use std::process::Command;

use crate::support::manifest_dir;

fn kpi_diff(dir: &Path, args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_kpi")).arg("diff").args(args).current_dir(dir).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap()
}

const FIXTURES: [&str; 4] =
    ["tests/fixtures/diff/old.yaml", "tests/fixtures/diff/new.yaml", "--data", "tests/fixtures/diff"];

#[test]
fn the_changes_and_their_impact_read_as_lines() {
    insta::assert_snapshot!(kpi_diff(manifest_dir(), &FIXTURES));
}

#[test]
fn the_impact_is_a_pull_request_comment_in_markdown() {
    let mut args = FIXTURES.to_vec();
    args.extend(["--format", "md"]);
    insta::assert_snapshot!(kpi_diff(manifest_dir(), &args));
}

#[test]
fn the_review_is_json_for_tools() {
    let mut args = FIXTURES.to_vec();
    args.extend(["--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&kpi_diff(manifest_dir(), &args)).unwrap();
    let grade_changes: Vec<&serde_json::Value> =
        json["impact"]["totals"].as_array().unwrap().iter().filter(|t| t["grade_before"] != t["grade_after"]).collect();
    assert_eq!(grade_changes.len(), 1, "{json}");
    assert_eq!(grade_changes[0]["entity"], "b");
    assert_eq!((&grade_changes[0]["grade_before"], &grade_changes[0]["grade_after"]), (&"A".into(), &"B".into()));
    let target = json["changes"].as_array().unwrap().iter().find(|c| c["name"] == "growth").unwrap();
    assert_eq!(
        (&target["field"], &target["before"], &target["after"]),
        (&"target".into(), &"100".into(), &"150".into())
    );
}

#[test]
fn without_data_only_the_changes_are_shown() {
    let out = kpi_diff(manifest_dir(), &FIXTURES[..2]);
    assert!(out.contains("~ kpis.growth: target 100 → 150\n"), "{out}");
    assert!(!out.contains("impact"), "{out}");
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args(["-c", "user.name=kpi", "-c", "user.email=kpi@localhost", "-c", "commit.gpgsign=false"])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(status.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&status.stderr));
}

#[test]
fn a_ruleset_at_a_git_revision_extends_the_files_of_that_revision() {
    let repo = tempfile::tempdir().unwrap();
    let dir = repo.path();
    let fixtures = manifest_dir().join("tests/fixtures/diff");
    std::fs::create_dir(dir.join("data")).unwrap();
    for file in ["old.yaml", "data/users.csv", "data/accounts.csv"] {
        std::fs::copy(fixtures.join(file), dir.join(file.replace("old.yaml", "base.yaml"))).unwrap();
    }
    std::fs::write(dir.join("client.yaml"), "ruleset: client\nextends: base.yaml\n").unwrap();
    git(dir, &["init", "-q"]);
    git(dir, &["add", "."]);
    git(dir, &["commit", "-q", "-m", "the client"]);
    // The base changes after the commit: the revision must still read the committed base.
    let base = std::fs::read_to_string(dir.join("base.yaml")).unwrap();
    std::fs::write(dir.join("base.yaml"), base.replace("target: 100", "target: 150")).unwrap();
    let out = kpi_diff(dir, &["git:HEAD:client.yaml", "client.yaml", "--data", "."]);
    assert!(out.starts_with("git:HEAD:client.yaml → client.yaml\n~ kpis.growth: target 100 → 150\n"), "{out}");
    let from_here = kpi_diff(dir, &["git:HEAD:./client.yaml", "client.yaml"]);
    assert!(from_here.contains("~ kpis.growth: target 100 → 150\n"), "{from_here}");
    let missing = Command::new(env!("CARGO_BIN_EXE_kpi"))
        .args(["diff", "git:HEAD:nope.yaml", "client.yaml"])
        .current_dir(dir)
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&missing.stderr);
    assert!(stderr.contains("cannot read `git:HEAD:nope.yaml`: there is no such file"), "{stderr}");
}

fn kpi_diff_fails(dir: &Path, args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_kpi")).arg("diff").args(args).current_dir(dir).output().unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stderr).unwrap()
}

/// A repository with `client.yaml` extending `base.yaml`, committed.
fn client_repository() -> tempfile::TempDir {
    let repo = tempfile::tempdir().unwrap();
    let dir = repo.path();
    std::fs::copy(manifest_dir().join("tests/fixtures/diff/old.yaml"), dir.join("base.yaml")).unwrap();
    std::fs::write(dir.join("client.yaml"), "ruleset: client\nextends: base.yaml\n").unwrap();
    git(dir, &["init", "-q"]);
    git(dir, &["add", "."]);
    git(dir, &["commit", "-q", "-m", "the client"]);
    repo
}

#[test]
fn a_revision_is_never_an_option_of_git_and_a_path_never_leaves_the_revision() {
    let repo = client_repository();
    let dir = repo.path();
    let outside = tempfile::tempdir().unwrap();
    let victim = outside.path().join("victim.txt");
    std::fs::write(&victim, "important").unwrap();
    let option = format!("git:--output={}:client.yaml", victim.display());
    let stderr = kpi_diff_fails(dir, &[&option, "client.yaml"]);
    assert!(stderr.contains("is not a revision"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "important");
    // A path outside the repository names no file of the revision, even where the working copy has one.
    let absolute = format!("git:HEAD:{}", dir.join("client.yaml").display());
    let stderr = kpi_diff_fails(dir, &[&absolute, "client.yaml"]);
    assert!(stderr.contains("is not a path inside the repository"), "{stderr}");
    let stderr = kpi_diff_fails(dir, &["git:HEAD:../client.yaml", "client.yaml"]);
    assert!(stderr.contains("is not a path inside the repository"), "{stderr}");
    let stderr = kpi_diff_fails(dir, &["git:nosuchbranch:client.yaml", "client.yaml"]);
    assert!(stderr.contains("`nosuchbranch` names no commit of this repository"), "{stderr}");
    // A file that is in the working copy but was never committed is not in the revision.
    std::fs::write(dir.join("new.yaml"), "ruleset: new\nextends: base.yaml\n").unwrap();
    let stderr = kpi_diff_fails(dir, &["git:HEAD:new.yaml", "client.yaml"]);
    assert!(stderr.contains("cannot read `git:HEAD:new.yaml`: there is no such file"), "{stderr}");
}

#[test]
fn a_revision_follows_its_own_symbolic_links_and_reads_no_file_it_does_not_need() {
    let repo = client_repository();
    let dir = repo.path();
    std::fs::create_dir(dir.join("shared")).unwrap();
    std::fs::rename(dir.join("base.yaml"), dir.join("shared/base.yaml")).unwrap();
    std::os::unix::fs::symlink("shared/base.yaml", dir.join("base.yaml")).unwrap();
    std::os::unix::fs::symlink("/etc/passwd", dir.join("passwd.yaml")).unwrap();
    std::fs::write(dir.join("leaks.yaml"), "ruleset: leaks\nextends: passwd.yaml\n").unwrap();
    // Larger than a ruleset may be: refused by its size, before it is read.
    std::fs::write(dir.join("large.yaml"), format!("ruleset: large\n#{}\n", "x".repeat(2 << 20))).unwrap();
    std::fs::write(dir.join("extends-large.yaml"), "ruleset: big\nextends: large.yaml\n").unwrap();
    git(dir, &["add", "."]);
    git(dir, &["commit", "-q", "-m", "a shared base"]);
    let out = kpi_diff(dir, &["git:HEAD:client.yaml", "client.yaml"]);
    assert!(out.starts_with("git:HEAD:client.yaml → client.yaml\n"), "{out}");
    let stderr = kpi_diff_fails(dir, &["git:HEAD:leaks.yaml", "client.yaml"]);
    assert!(stderr.contains("a symbolic link to a file outside the repository"), "{stderr}");
    assert!(!stderr.contains("root:"), "{stderr}");
    let stderr = kpi_diff_fails(dir, &["git:HEAD:extends-large.yaml", "client.yaml"]);
    assert!(stderr.contains("`git:HEAD:large.yaml` is not read as a ruleset: it is larger than 1 MiB"), "{stderr}");
}

#[test]
fn a_stricter_target_on_the_example_client_shows_the_diagnoses_it_starts() {
    let dir = tempfile::tempdir().unwrap();
    let example = manifest_dir().join("examples/wechat");
    let stricter = dir.path().join("stricter.yaml");
    let text = format!(
        "ruleset: chenguang-wechat\nextends: {}\nkpis:\n  read_rate: {{ target: 35% }}\n",
        example.join("ruleset.yaml").display()
    );
    std::fs::write(&stricter, text).unwrap();
    let out = kpi_diff(
        manifest_dir(),
        &[
            "examples/wechat/ruleset.yaml",
            stricter.to_str().unwrap(),
            "--data",
            "examples/wechat",
            "--period",
            "2026-10",
        ],
    );
    assert!(out.contains("~ kpis.read_rate: target 30% → 35%\n"), "{out}");
    assert!(out.contains("新触发的诊断: 晨光会员俱乐部 · low_read_rate\n"), "in the ruleset's language: {out}");
}

#[test]
fn the_review_reads_in_the_rulesets_language_or_lang() {
    let mut args = FIXTURES.to_vec();
    args.extend(["--lang", "zh-CN"]);
    let review = kpi_diff(manifest_dir(), &args);
    assert!(review.contains("- diagnoses.low_growth: 删除\n+ diagnoses.short_of_target: 新增"), "{review}");
    assert!(review.contains("2026-10 的影响：\n  b · main: 100.0 → 93.3 (A → B)  ← 等级改变"), "{review}");
    assert!(review.contains("不再触发的诊断: b · low_growth"), "{review}");
    args.extend(["--format", "md"]);
    let markdown = kpi_diff(manifest_dir(), &args);
    assert!(markdown.contains("### 2026-10 的影响\n\n1 个等级改变；1 个其他总分不变。"), "{markdown}");
}

/// `--by` appraises the groups on both sides: a block of their own in text, Markdown and JSON.
#[test]
fn the_impact_on_roll_ups_is_shown_like_the_accounts() {
    let mut args = FIXTURES.to_vec();
    args.extend(["--by", "kind", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&kpi_diff(manifest_dir(), &args)).unwrap();
    let rollups = json["impact"]["rollups"].as_array().unwrap();
    assert_eq!(rollups.len(), 1, "{json}");
    assert_eq!(rollups[0]["by"], "kind");
    let totals = rollups[0]["totals"].as_array().unwrap();
    assert_eq!(totals.iter().map(|t| t["entity"].as_str().unwrap()).collect::<Vec<_>>(), ["brand"]);
    assert!(totals[0]["before"].is_number() && totals[0]["after"].is_number(), "{json}");
    let mut args = FIXTURES.to_vec();
    args.extend(["--by", "kind"]);
    let text = kpi_diff(manifest_dir(), &args);
    assert!(text.contains("\nroll-up by `kind`:\n  "), "{text}");
    let mut args = FIXTURES.to_vec();
    args.extend(["--by", "kind", "--format", "md"]);
    let markdown = kpi_diff(manifest_dir(), &args);
    assert!(markdown.contains("\n#### Roll-up by `kind`\n\n"), "{markdown}");
}
