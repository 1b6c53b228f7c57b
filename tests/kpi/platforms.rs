//! builtin:social-media-general reads each platform's own download of works as it comes — the
//! Xiaohongshu note list with its notice row, the Douyin, Toutiao and Baijiahao work lists, the
//! WeChat BIFF file whose every cell is text — onto common measures (tests/fixtures/platforms).

use std::path::Path;

use crate::support::{round9, value};

#[test]
fn one_ruleset_appraises_an_account_on_each_platform_from_its_own_download() {
    let ruleset =
        kpi::project::open(Path::new("tests/fixtures/platforms/ruleset.yaml"), None).unwrap_or_else(|e| panic!("{e}"));
    let evaluation = kpi::engine::evaluate(&ruleset).unwrap_or_else(|e| panic!("{e}"));
    let appraisal =
        kpi::appraise::appraise(&ruleset, &evaluation, &Default::default(), kpi::locale::Locale::En).unwrap();
    let at = |entity: &str, kpi: &str| value(&appraisal, entity, "2026-10", kpi).map(round9);
    // Reach: 观看量, 播放量, 阅读量, 阅读量 (text), 总阅读人数 (text) of October's works.
    assert_eq!(at("xhs-main", "reach"), Some(1626.0));
    assert_eq!(at("douyin-main", "reach"), Some(25000.0));
    assert_eq!(at("toutiao-main", "reach"), Some(100.0), "the 2025 work is in its own month");
    assert_eq!(at("baijiahao-main", "reach"), Some(300.0));
    assert_eq!(at("wechat-main", "reach"), Some(1500.0));
    // Interactions over reach, each platform's likes, comments and shares (WeChat's shares alone).
    assert_eq!(at("xhs-main", "interaction_rate"), Some(round9(108.0 / 1626.0)));
    assert_eq!(at("douyin-main", "interaction_rate"), Some(round9(1105.0 / 25000.0)));
    assert_eq!(at("toutiao-main", "interaction_rate"), Some(0.15));
    assert_eq!(at("baijiahao-main", "interaction_rate"), Some(0.1));
    assert_eq!(at("wechat-main", "interaction_rate"), Some(0.04));
    // Reposts: only Toutiao writes them; the others' exports lack the column, which is no data.
    assert_eq!(at("toutiao-main", "repost_rate"), Some(0.04));
    assert_eq!(at("xhs-main", "repost_rate"), None);
}
