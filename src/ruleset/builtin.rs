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

/// Sample exports of a built-in ruleset, as `(path in a client folder, bytes)`: a few months of
/// rows in the formats the platforms download (per-account `.xls` and `.xlsx` in a folder named
/// after the account), for `kpi init`.
pub fn samples(name: &str) -> &'static [(&'static str, &'static [u8])] {
    macro_rules! sample {
        ($builtin:literal, $file:literal) => {
            (concat!("data/", $file), include_bytes!(concat!("../../rulesets/samples/", $builtin, "/", $file)))
        };
    }
    match name {
        "wechat-official-account" => &[
            sample!("wechat-official-account", "accounts.csv"),
            sample!("wechat-official-account", "ads.csv"),
            sample!("wechat-official-account", "audience.csv"),
            sample!("wechat-official-account", "conversions.csv"),
            sample!("wechat-official-account", "events.csv"),
            sample!("wechat-official-account", "features.csv"),
            sample!("wechat-official-account", "messages.csv"),
            sample!("wechat-official-account", "reviews.csv"),
            sample!("wechat-official-account", "晨光会员俱乐部/用户增长-2026.xls"),
            sample!("wechat-official-account", "晨光会员俱乐部/内容分析-2026.xls"),
            sample!("wechat-official-account", "晨光咖啡/用户增长-2026.xls"),
            sample!("wechat-official-account", "晨光咖啡/内容分析-2026.xls"),
            sample!("wechat-official-account", "晨光咖啡商城/用户增长-2026.xls"),
            sample!("wechat-official-account", "晨光咖啡商城/内容分析-2026.xls"),
        ],
        "social-media-general" | "social-media-monitoring" => &[
            sample!("social-media-general", "accounts.csv"),
            sample!("social-media-general", "B/笔记列表明细表-2026.xlsx"),
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
