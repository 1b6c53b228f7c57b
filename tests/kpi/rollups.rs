//! Roll-ups: a group of entities by an attribute is appraised from its summed measures — a ratio
//! of sums, never a mean of ratios — with its own rows in the JSON, and its own reports.

use crate::support::Case;

const RULES: &str = "ruleset: rollups\ngrain: { entity: account, period: month }\n\
    sources:\n  users: { path: users.csv, date: day, entity: account }\n  \
    accounts: { path: accounts.csv, entity: account, columns: { brand: brand } }\n\
    measures:\n  new: sum(users.new)\n  lost: sum(users.lost)\n  typical: mean(users.new)\n\
    kpis:\n  churn: { formula: lost / new, format: percent, better: lower, target: 20% }\n  \
    typical_new: { formula: typical }\n\
    rollups: [brand]\n";

fn case() -> Case {
    let users = "day,account,new,lost\n2026-10-01,a,200,20\n2026-10-01,b,100,50\n2026-10-01,c,10,1\n";
    let accounts = "account,brand\na,晨光\nb,晨光\nc,\n";
    Case::new(RULES, &[("users.csv", users), ("accounts.csv", accounts)])
}

fn rolled_up(case: &Case) -> (kpi::appraise::Rollup, Vec<kpi::Error>) {
    let ruleset = kpi::project::open(&case.ruleset_path(), None).unwrap();
    let evaluation = kpi::engine::evaluate(&ruleset).unwrap();
    let selection = kpi::appraise::Selection::default();
    kpi::appraise::Rollup::new(&ruleset, &evaluation, "brand", &selection, kpi::locale::Locale::En).unwrap()
}

#[test]
fn a_group_ratio_is_the_ratio_of_its_summed_measures() {
    let (rollup, _) = rolled_up(&case());
    let churn = rollup.results.iter().find(|r| r.entity == "晨光" && r.kpi == "churn").unwrap();
    // (20 + 50) / (200 + 100), not the mean of 10% and 50%.
    assert_eq!(churn.value.map(crate::support::round9), Some(0.233333333));
    assert_eq!(churn.target, Some(0.2));
    let groups: Vec<&str> = rollup.results.iter().map(|r| r.entity.as_str()).collect();
    assert!(groups.iter().all(|g| *g == "晨光"), "an entity without a brand is in no group: {groups:?}");
}

#[test]
fn what_does_not_add_up_is_computed_again_from_the_group_s_rows() {
    let rules = "ruleset: rollups\ngrain: { entity: account, period: month }\n\
        sources:\n  posts: { path: posts.csv, date: day, entity: account }\n  \
        accounts: { path: accounts.csv, entity: account, columns: { brand: brand } }\n\
        measures:\n  days: count_distinct(posts.day)\n  typical: mean(posts.reads)\n  middle: median(posts.reads)\n  \
        high: quantile(posts.reads, 0.9)\n  total: sum(posts.reads)\n\
        kpis:\n  posting_days: { formula: days }\n  mean_reads: { formula: typical }\n  median_reads: { formula: middle }\n  \
        high_reads: { formula: high }\n  reads: { formula: total }\n\
        rollups: [brand]\n";
    // Two accounts posting on the same two days: the brand posted on 2 days, not 4.
    let posts = "day,account,reads\n2026-10-01,a,200\n2026-10-02,a,10\n2026-10-01,b,100\n2026-10-02,b,20\n";
    let accounts = "account,brand\na,晨光\nb,晨光\n";
    let case = Case::new(rules, &[("posts.csv", posts), ("accounts.csv", accounts)]);
    let (rollup, warnings) = rolled_up(&case);
    let value = |kpi: &str| rollup.results.iter().find(|r| r.kpi == kpi).unwrap().value;
    assert_eq!(value("posting_days"), Some(2.0));
    assert_eq!(value("mean_reads"), Some(82.5), "(200 + 10 + 100 + 20) / 4");
    assert_eq!(value("median_reads"), Some(60.0), "between 20 and 100");
    assert_eq!(
        value("high_reads").map(crate::support::round9),
        Some(170.0),
        "PERCENTILE.INC of 10, 20, 100, 200 at 0.9"
    );
    assert_eq!(value("reads"), Some(330.0));
    assert!(warnings.is_empty(), "{warnings:?}");
}

#[test]
fn entities_without_the_attribute_are_left_out_and_said_so() {
    let (_, warnings) = rolled_up(&case());
    let said: Vec<String> = warnings.iter().map(ToString::to_string).collect();
    assert!(said.iter().any(|w| w.contains("entities without `brand` are left out of its roll-up: `c`")), "{said:?}");
}

#[test]
fn the_json_and_the_table_carry_the_rollup_rows() {
    let case = case();
    let run = |format: &str| {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_kpi"))
            .args(["run", case.ruleset_path().to_str().unwrap(), "--format", format, "--lang", "en"])
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        String::from_utf8(output.stdout).unwrap()
    };
    let json: serde_json::Value = serde_json::from_str(&run("json")).unwrap();
    assert_eq!(json["rollups"][0]["by"], "brand");
    assert_eq!(json["rollups"][0]["results"][0]["entity"], "晨光");
    assert!(run("table").contains("Roll-up by `brand`\n\n晨光 · 2026-10\n"));
}

#[test]
fn each_group_gets_its_report() {
    let case = case();
    let out = case.dir.path().join("out");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_kpi"))
        .args(["report", case.ruleset_path().to_str().unwrap(), "--per-entity", "--format", "md", "-o"])
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success());
    let group = std::fs::read_to_string(out.join("rollups/brand/2026-10/entities/晨光.md")).unwrap();
    assert!(group.starts_with("# 晨光"), "{group}");
    assert!(out.join("rollups/brand/2026-10/portfolio.md").is_file());
}

#[test]
fn rolling_up_by_an_attribute_the_ruleset_lacks_is_an_error() {
    let case = Case::new(&RULES.replace("rollups: [brand]", "rollups: [brnad]"), &[]);
    let errors = case.errors();
    assert!(errors.contains("error[E510]: no attribute `brnad` to roll up by"), "{errors}");
    assert!(errors.contains("did you mean `brand`?"), "{errors}");
}

#[test]
fn a_group_keeps_the_attributes_its_entities_share_so_a_competitors_brand_is_a_competitor() {
    let rules = RULES.replace("columns: { brand: brand }", "columns: { brand: brand, role: role }")
        + "competitors: role == \"competitor\"\n\
           scorecards:\n  main: { weights: { churn: 100 } }\n";
    let users =
        "day,account,new,lost\n2026-10-01,a,200,20\n2026-10-01,b,100,50\n2026-10-01,x,300,30\n2026-10-01,y,50,5\n";
    let accounts = "account,brand,role\na,晨光,client\nb,晨光,client\nx,rival,competitor\ny,rival,competitor\n";
    let case = Case::new(&rules, &[("users.csv", users), ("accounts.csv", accounts)]);
    let (rollup, _) = rolled_up(&case);
    let graded: Vec<&str> = rollup.scorecards.iter().map(|s| s.entity.as_str()).collect();
    assert_eq!(graded, ["晨光"], "the rival brand is a competitor: no scorecard");
    let rival = rollup.results.iter().find(|r| r.entity == "rival" && r.kpi == "churn").unwrap();
    assert_eq!(rival.value.map(crate::support::round9), Some(0.1), "it still has its values, to compare against");
}

#[test]
fn text_that_only_the_data_shows_is_refused_by_a_roll_up_at_its_own_formula() {
    // Nothing in the ruleset says `label` is text, and `--by` rolls up what `check` did not see.
    let rules = RULES
        .replace("rollups: [brand]\n", "")
        .replace("typical: mean(users.new)", "label: last(users.label)")
        .replace("formula: typical", "formula: new");
    let users = "day,account,new,lost,label\n2026-10-01,a,200,20,gold\n2026-10-01,b,100,50,silver\n";
    let case = Case::new(&rules, &[("users.csv", users), ("accounts.csv", "account,brand\na,晨光\nb,晨光\n")]);
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_kpi"))
        .args(["run", case.ruleset_path().to_str().unwrap(), "--by", "brand", "--lang", "en"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("error[E512]: `last(users.label)` holds text, which the roll-up by `brand` cannot add up"),
        "{stderr}"
    );
    assert!(stderr.contains("ruleset.yaml:9:10\n"), "at the measure that holds it: {stderr}");
}

#[test]
fn a_brand_alone_is_not_its_own_benchmark() {
    // The accounts have peers; their brand, the only group, has none: no target, not 100% of itself.
    let case = case();
    std::fs::write(case.ruleset_path(), RULES.replace("target: 20%", "target: mean_all(churn)")).unwrap();
    let (rollup, _) = rolled_up(&case);
    let brand = rollup.results.iter().find(|r| r.entity == "晨光" && r.kpi == "churn").unwrap();
    assert_eq!(brand.target, None);
    assert_eq!(brand.attainment, None);
    let appraisal = case.appraise();
    let account = crate::support::result(&appraisal, "a", "2026-10", "churn");
    assert_eq!(account.target.map(crate::support::round9), Some(0.233333333), "the mean of 10%, 50% and 10%");
}
