//! The committed JSON Schema is the one the model types generate.

use crate::support::manifest_dir;

#[test]
fn committed_schema_matches_the_model() {
    let committed = std::fs::read_to_string(manifest_dir().join("schema/ruleset.schema.json")).unwrap();
    let generated = serde_json::to_string_pretty(&kpi::ruleset::Ruleset::json_schema()).unwrap() + "\n";
    assert!(
        committed == generated,
        "schema/ruleset.schema.json is stale: run `cargo run -- schema > schema/ruleset.schema.json`"
    );
}

#[test]
fn the_builtin_ruleset_and_the_example_pass_the_schema_check() {
    for path in ["rulesets/wechat-official-account.yaml", "examples/wechat/ruleset.yaml"] {
        kpi::ruleset::load(&manifest_dir().join(path)).unwrap_or_else(|e| panic!("{path}:\n{e}"));
    }
}
