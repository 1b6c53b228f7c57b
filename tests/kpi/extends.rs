//! `extends` and `remove`: rulesets on top of others.

use kpi::{engine, project};

use crate::support::{Case, manifest_dir, result, value};

const PARENT: &str = r#"
ruleset: parent
grain: { entity: account, period: month }
sources:
  users:
    path: users.csv
    date: day
    entity: account
    columns: { new: 新关注人数, lost: 取消关注人数 }
measures:
  new_: sum(users.new)
  lost_: sum(users.lost)
kpis:
  net: { formula: new_ - lost_, target: 10 }
  churn: { formula: lost_ / new_, better: lower, target: 50% }
scorecards:
  main: { weights: { net: 50, churn: 50 } }
diagnoses:
  - { id: shrinking, when: net < 0, finding: shrinking }
  - { id: noisy, when: lost_ > 0, finding: noisy }
"#;

#[test]
fn a_ruleset_overrides_fields_maps_columns_by_name_and_removes_inherited_definitions() {
    let child = r#"
ruleset: child
extends: parent.yaml
remove: [diagnoses.noisy]
sources:
  users: { columns: { lost: 取关人数 } }
kpis:
  net: { target: 20 }
diagnoses:
  - { id: shrinking, when: net < 100, finding: "net {{ net | int }}" }
"#;
    let data = "day,account,新关注人数,取关人数\n2026-01-05,a,50,20\n";
    let case = Case::new(child, &[("parent.yaml", PARENT), ("users.csv", data)]);
    let appraisal = case.appraise();
    let net = result(&appraisal, "a", "2026-01", "net");
    assert_eq!((net.value, net.target), (Some(30.0), Some(20.0)));
    assert_eq!(value(&appraisal, "a", "2026-01", "churn"), Some(0.4));
    let fired: Vec<(&str, &str)> = appraisal.diagnoses.iter().map(|d| (d.id.as_str(), d.finding.as_str())).collect();
    assert_eq!(fired, [("shrinking", "net 30")]);
    assert_eq!(appraisal.ruleset, "child");
}

#[test]
fn a_problem_in_an_extended_file_is_reported_in_that_file() {
    let parent = PARENT.replace("formula: new_ - lost_", "formula: new_ - lsot_");
    let case = Case::new("ruleset: child\nextends: parent.yaml\nremove: [kpis.nothing]\n", &[("parent.yaml", &parent)]);
    insta::assert_snapshot!(case.errors());
}

#[test]
fn a_client_without_every_export_of_the_builtin_gets_warnings_and_empty_kpis() {
    // One folder per account, as the backend downloads them: overriding `path` alone drops the
    // built-in's `entity` column.
    let client = "ruleset: small-client\nextends: builtin:wechat-official-account\nsources:\n  users: { path: \"data/{entity}/用户增长-*.xls\", header_row: 2 }\n  articles: { path: \"data/{entity}/内容分析-*.xls\" }\n";
    let case = Case::new(client, &[]);
    let example = manifest_dir().join("examples/wechat/data");
    for entry in std::fs::read_dir(&example).unwrap() {
        let path = entry.unwrap().path();
        let to = case.dir.path().join("data").join(path.file_name().unwrap());
        if path.is_dir() {
            std::fs::create_dir_all(&to).unwrap();
            for file in std::fs::read_dir(&path).unwrap() {
                let file = file.unwrap().path();
                std::fs::copy(&file, to.join(file.file_name().unwrap())).unwrap();
            }
        } else if path.file_name().is_some_and(|n| n == "accounts.csv") {
            std::fs::copy(&path, to).unwrap();
        }
    }
    let ruleset = project::open(&case.ruleset_path(), None).unwrap_or_else(|e| panic!("{e}"));
    let evaluation = engine::evaluate(&ruleset).unwrap_or_else(|e| panic!("{e}"));
    let missing: Vec<String> = evaluation.warnings.iter().map(|w| w.kind().to_string()).collect();
    assert_eq!(missing.len(), 7, "{missing:?}");
    assert!(missing[0].starts_with("no file matches") && missing[0].ends_with("data/messages.csv`"), "{missing:?}");
    let appraisal =
        kpi::appraise::appraise(&ruleset, &evaluation, &Default::default(), kpi::ruleset::model::Locale::En).unwrap();
    assert!(value(&appraisal, "晨光咖啡", "2026-10", "read_rate").is_some());
    assert_eq!(value(&appraisal, "晨光咖啡", "2026-10", "roi"), None);
}

#[test]
fn a_client_that_changes_a_target_changes_the_bands_diagnoses_and_texts_built_on_it() {
    let example = manifest_dir().join("examples/wechat");
    let appraise_with = |target: &str| {
        let client = format!(
            "ruleset: stricter\nextends: {}\nkpis:\n  read_rate: {{ target: {target} }}\n",
            example.join("ruleset.yaml").display()
        );
        let case = Case::new(&client, &[]);
        let ruleset = project::open(&case.ruleset_path(), Some(&example)).unwrap_or_else(|e| panic!("{e}"));
        let evaluation = engine::evaluate(&ruleset).unwrap();
        let selection = kpi::appraise::Selection { period: None, entity: Some("晨光咖啡商城".into()) };
        kpi::appraise::appraise(&ruleset, &evaluation, &selection, kpi::ruleset::model::Locale::ZhCn).unwrap()
    };
    let in_october = |appraisal: &kpi::appraise::Appraisal| {
        let result = appraisal.results.iter().find(|r| r.period == "2026-10" && r.kpi == "read_rate").unwrap().clone();
        let finding = appraisal.diagnoses.iter().find(|d| d.period == "2026-10" && d.id == "low_read_rate");
        (result.value.unwrap(), result.band, finding.map(|d| d.finding.clone()))
    };
    let (value, band, finding) = in_october(&appraise_with("20%"));
    assert!((0.2..0.25).contains(&value), "{value}");
    assert_eq!((band.as_deref(), finding), (Some("合格"), None), "23.8% passes a 20% target");
    let (_, band, finding) = in_october(&appraise_with("25%"));
    assert_eq!(band.as_deref(), Some("不合格"));
    assert_eq!(finding.as_deref(), Some("阅读率 23.8%，低于 25% 合格线"), "the text names the client's target");
}

#[test]
fn a_clients_part_with_a_new_path_is_added_and_one_with_an_inherited_path_changes_that_part() {
    let child = r#"
ruleset: brand
extends: builtin:social-media-general
sources:
  works:
    parts:
      - path: "data/{entity}/微博博文*.csv"
        date: 发布时间
        columns: { impressions: 阅读数, reach: 阅读数, likes: 点赞数, comments: 评论数, shares: ~, reposts: 转发数, saves: ~, new_followers: ~ }
      - path: "data/{entity}/抖音作品列表*.xlsx"
        columns: { reach: 播放次数 }
"#;
    let weibo = "发布时间,阅读数,点赞数,评论数,转发数\n2026-10-03 10:00,1000,30,5,15\n2026-10-20 10:00,3000,60,10,5\n";
    let case = Case::new(child, &[("data/weibo-main/微博博文-2026-10.csv", weibo)]);
    let loaded = kpi::ruleset::load(&case.ruleset_path()).unwrap_or_else(|e| panic!("{e}"));
    let parts = &loaded.model.sources["works"].parts;
    assert_eq!(parts.len(), 6, "the five platforms of the built-in and Weibo");
    assert_eq!(parts[5].path, "data/{entity}/微博博文*.csv");
    let douyin = parts.iter().find(|p| p.path.contains("抖音")).unwrap();
    assert_eq!(douyin.columns["reach"].as_deref(), Some("播放次数"), "the client's header");
    assert_eq!(douyin.columns["likes"].as_deref(), Some("点赞量"), "the built-in's other headers");
    assert_eq!(douyin.date.as_deref(), Some("发布时间"), "and its other fields");
    let appraisal = case.appraise();
    assert_eq!(value(&appraisal, "weibo-main", "2026-10", "reach"), Some(4000.0));
    assert_eq!(value(&appraisal, "weibo-main", "2026-10", "repost_rate"), Some(0.005));
}
