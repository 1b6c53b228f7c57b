//! The built-in rulesets of `rulesets/`, embedded in the binary, for `extends: builtin:NAME`.

pub const NAMES: [&str; 3] = ["social-media-general", "social-media-monitoring", "wechat-official-account"];

pub fn text(name: &str) -> Option<&'static str> {
    match name {
        "wechat-official-account" => Some(include_str!("../../rulesets/wechat-official-account.yaml")),
        "social-media-general" => Some(include_str!("../../rulesets/social-media-general.yaml")),
        "social-media-monitoring" => Some(include_str!("../../rulesets/social-media-monitoring.yaml")),
        _ => None,
    }
}

/// Sample exports of a built-in ruleset, as `(path in a client folder, text)`: a few months of
/// rows in the formats its sources read, for `kpi init`.
pub fn samples(name: &str) -> &'static [(&'static str, &'static str)] {
    macro_rules! sample {
        ($builtin:literal, $file:literal) => {
            (concat!("data/", $file), include_str!(concat!("../../rulesets/samples/", $builtin, "/", $file)))
        };
    }
    match name {
        "wechat-official-account" => &[
            sample!("wechat-official-account", "accounts.csv"),
            sample!("wechat-official-account", "ads.csv"),
            sample!("wechat-official-account", "articles.csv"),
            sample!("wechat-official-account", "audience.csv"),
            sample!("wechat-official-account", "conversions.csv"),
            sample!("wechat-official-account", "events.csv"),
            sample!("wechat-official-account", "features.csv"),
            sample!("wechat-official-account", "messages.csv"),
            sample!("wechat-official-account", "reviews.csv"),
            sample!("wechat-official-account", "users-2026.csv"),
        ],
        "social-media-general" | "social-media-monitoring" => &[
            sample!("social-media-general", "accounts.csv"),
            sample!("social-media-general", "activity-2026.csv"),
            sample!("social-media-general", "mentions-2026.csv"),
            sample!("social-media-general", "sales-2026.csv"),
            sample!("social-media-general", "service-2026.csv"),
            sample!("social-media-general", "survey.csv"),
            sample!("social-media-general", "team.csv"),
        ],
        _ => &[],
    }
}
