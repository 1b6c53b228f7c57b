//! `kpi show`: the effective ruleset (after `extends` and `remove`) is a ruleset of its own that
//! gives the same results, each definition marked with its file; `--sources` lists the exports.

use std::process::Command;

use kpi::appraise::{Selection, appraise};
use kpi::locale::Locale;

use crate::support::manifest_dir;

fn kpi_show(args: &[&str]) -> String {
    let output =
        Command::new(env!("CARGO_BIN_EXE_kpi")).arg("show").args(args).current_dir(manifest_dir()).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap()
}

fn appraisal_json(ruleset: &std::path::Path, data: &std::path::Path) -> String {
    let ruleset = kpi::project::open(ruleset, Some(data)).unwrap_or_else(|e| panic!("{e}"));
    let evaluation = kpi::engine::evaluate(&ruleset).unwrap();
    let appraisal = appraise(&ruleset, &evaluation, &Selection::default(), Locale::En).unwrap();
    serde_json::to_string(&appraisal).unwrap()
}

#[test]
fn the_effective_ruleset_checks_and_runs_to_the_same_results() {
    let effective = kpi_show(&["examples/wechat/ruleset.yaml", "--effective"]);
    assert!(!effective.contains("extends:"), "{effective}");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("effective.yaml");
    std::fs::write(&path, &effective).unwrap();
    let data = manifest_dir().join("examples/wechat");
    assert_eq!(appraisal_json(&path, &data), appraisal_json(&data.join("ruleset.yaml"), &data));
}

#[test]
fn each_definition_of_the_effective_ruleset_names_its_file() {
    let dir = tempfile::tempdir().unwrap();
    let client = dir.path().join("client.yaml");
    let text = "ruleset: client\nextends: builtin:wechat-official-account\nsources:\n  users: { header_row: 3 }\n";
    std::fs::write(&client, text).unwrap();
    let effective = kpi_show(&[client.to_str().unwrap(), "--effective"]);
    assert!(effective.contains(&format!("\n  users:  # from {}\n", client.display())), "{effective}");
    assert!(effective.contains("\n    date: 时间  # from builtin:wechat-official-account\n"), "{effective}");
    assert!(effective.contains("\n  read_rate:  # from builtin:wechat-official-account\n"), "{effective}");
    assert!(effective.contains("\n  A: \">= 90\"  # from builtin:wechat-official-account\n"), "{effective}");
    assert!(
        effective.contains("\n  -  # from builtin:wechat-official-account\n    id: low_read_rate\n"),
        "{effective}"
    );
}

#[test]
fn the_sources_say_where_to_download_each_export_and_what_it_needs() {
    insta::assert_snapshot!(kpi_show(&["examples/wechat/ruleset.yaml", "--sources", "--lang", "en"]));
}

#[test]
fn without_a_flag_the_ruleset_is_printed_as_written() {
    let written = std::fs::read_to_string(manifest_dir().join("examples/wechat/ruleset.yaml")).unwrap();
    assert_eq!(kpi_show(&["examples/wechat/ruleset.yaml"]), written);
}
