//! The built-in rulesets of `rulesets/`, embedded in the binary, for `extends: builtin:NAME`.

pub const NAMES: [&str; 1] = ["wechat-official-account"];

pub fn text(name: &str) -> Option<&'static str> {
    match name {
        "wechat-official-account" => Some(include_str!("../../rulesets/wechat-official-account.yaml")),
        _ => None,
    }
}
