//! A source read from several exports that write the same rows differently — one platform's
//! layout each — concatenated under the source's names.

use crate::support::{Case, value};

const RULES: &str = "ruleset: parts\ngrain: { entity: account, period: month }\n\
    sources:\n  activity:\n    date: 日期\n    entity: 账号\n    columns: { reach: 触达, likes: 点赞 }\n    parts:\n      \
    - path: data/weibo-*.csv\n      \
    - path: \"data/xhs/{entity}/notes.csv\"\n        date: 发布时间\n        columns: { reach: 观看量, likes: ~ }\n\
    measures:\n  reach: sum(activity.reach)\n  likes: sum(activity.likes)\n\
    kpis:\n  total_reach: { formula: reach }\n  total_likes: { formula: likes }\n";

fn case() -> Case {
    let weibo = "日期,账号,触达,点赞\n2026-10-01,a,100,10\n2026-10-02,b,50,5\n";
    let xhs = "发布时间,观看量,收藏\n2026年10月05日22时30分05秒,1000,3\n";
    Case::new(RULES, &[("data/weibo-1.csv", weibo), ("data/xhs/a/notes.csv", xhs)])
}

#[test]
fn every_part_is_read_in_its_own_layout_onto_the_sources_columns() {
    let appraisal = case().appraise();
    // a: 100 on Weibo, 1,000 on Xiaohongshu (its entity from the folder, its date written the
    // platform's way); the Xiaohongshu export has no likes: a's likes are Weibo's alone.
    assert_eq!(value(&appraisal, "a", "2026-10", "total_reach"), Some(1100.0));
    assert_eq!(value(&appraisal, "a", "2026-10", "total_likes"), Some(10.0));
    assert_eq!(value(&appraisal, "b", "2026-10", "total_reach"), Some(50.0));
}

#[test]
fn a_parts_header_that_is_missing_is_an_error_naming_the_parts_file() {
    let case = Case::new(
        RULES,
        &[
            ("data/weibo-1.csv", "日期,账号,触达,点赞\n2026-10-01,a,100,10\n"),
            ("data/xhs/a/notes.csv", "发布时间,播放量\n2026-10-05,1\n"),
        ],
    );
    let errors = case.errors();
    assert!(errors.contains("column `观看量` is not in `case/data/xhs/a/notes.csv`"), "{errors}");
}

#[test]
fn path_and_parts_together_are_an_error() {
    let case = Case::new(&RULES.replace("    parts:\n", "    path: data/x.csv\n    parts:\n"), &[]);
    let errors = case.errors();
    assert!(errors.contains("`path` and `parts` both name files"), "{errors}");
}

/// A source with no file at all warns at each part's own `path`, naming the part's files; a
/// source with one part's files (a client on Weibo alone) does not warn of the others.
#[test]
fn a_source_without_files_warns_at_each_parts_path_and_a_part_alone_without_files_does_not() {
    let empty = Case::new(RULES, &[]);
    let ruleset = kpi::project::open(&empty.ruleset_path(), None).unwrap();
    let warnings = kpi::project::verify_data(&ruleset).unwrap();
    let rendered: Vec<String> =
        warnings.iter().map(|w| w.to_string().replace(&*empty.dir.path().to_string_lossy(), "")).collect();
    assert_eq!(
        rendered,
        [
            "no file matches `/data/weibo-*.csv` (/ruleset.yaml:9:15)",
            "no file matches `/data/xhs/{entity}/notes.csv` (/ruleset.yaml:10:15)",
        ]
    );
    let weibo_only = Case::new(RULES, &[("data/weibo-1.csv", "日期,账号,触达,点赞\n2026-10-01,a,100,10\n")]);
    let ruleset = kpi::project::open(&weibo_only.ruleset_path(), None).unwrap();
    assert!(kpi::project::verify_data(&ruleset).unwrap().is_empty());
    assert!(kpi::engine::evaluate(&ruleset).unwrap().warnings.is_empty());
}
