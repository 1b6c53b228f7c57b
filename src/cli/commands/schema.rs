//! `kpi schema`: the JSON Schema of the ruleset format.

use kpi::Errors;

pub fn run() -> Result<u8, Errors> {
    let schema = kpi::ruleset::Ruleset::json_schema();
    println!("{}", serde_json::to_string_pretty(&schema).expect("a schema serializes"));
    Ok(0)
}
