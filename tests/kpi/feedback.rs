//! The feedback loop: each finding new or recurring (for how many periods) against the period
//! before, and the findings of the period before that no longer fire, with their texts of then.

use crate::support::Case;

fn appraisal() -> kpi::appraise::Appraisal {
    let rules = "ruleset: feedback\ngrain: { entity: account, period: month }\n\
        sources:\n  users: { path: users.csv, date: day, entity: account }\n\
        measures:\n  n: sum(users.n)\n\
        kpis:\n  k: { formula: n, target: 10 }\n\
        diagnoses:\n  - id: low\n    when: k < target(k)\n    finding: \"k is {{ k }}\"\n";
    // Low in January and February, fine in March, low again in April and May.
    let data = "day,account,n\n2026-01-05,a,1\n2026-02-05,a,2\n2026-03-05,a,30\n2026-04-05,a,4\n2026-05-05,a,5\n";
    Case::new(rules, &[("users.csv", data)]).appraise()
}

#[test]
fn a_finding_is_new_then_recurring_for_the_periods_it_has_fired_in_a_row() {
    let appraisal = appraisal();
    let standing: Vec<(&str, String, usize)> =
        appraisal.diagnoses.iter().map(|d| (d.period.as_str(), format!("{:?}", d.status), d.periods)).collect();
    assert_eq!(
        standing,
        [
            ("2026-01", "New".to_string(), 1),
            ("2026-02", "Recurring".to_string(), 2),
            ("2026-04", "New".to_string(), 1),
            ("2026-05", "Recurring".to_string(), 2),
        ]
    );
}

#[test]
fn a_finding_that_stops_firing_is_resolved_with_its_text_of_then() {
    let appraisal = appraisal();
    let resolved: Vec<(&str, &str, usize)> =
        appraisal.resolved.iter().map(|d| (d.period.as_str(), d.finding.as_str(), d.periods)).collect();
    assert_eq!(resolved, [("2026-03", "k is 2.0", 2)], "March resolves February's finding after two periods");
    let json = serde_json::to_value(&appraisal).unwrap();
    assert_eq!(json["diagnoses"][1]["status"], "recurring");
    assert_eq!(json["resolved"][0]["status"], "resolved");
}

fn with_actions(actions: &str) -> Case {
    let rules = "ruleset: feedback\ngrain: { entity: account, period: month }\n\
        sources:\n  users: { path: users.csv, date: day, entity: account }\n\
        measures:\n  n: sum(users.n)\n\
        kpis:\n  k: { formula: n, target: 10 }\n\
        actions: actions.csv\n";
    let data = "day,account,n\n2026-01-05,a,1\n2026-02-05,a,2\n2026-03-05,a,30\n2026-04-05,a,4\n2026-05-05,a,5\n";
    Case::new(rules, &[("users.csv", data), ("actions.csv", actions)])
}

#[test]
fn the_actions_log_is_marked_on_the_trend_and_says_what_moved_since() {
    let case = with_actions(
        "date,entity,kpi,action\n2026-02-20,a,k,\"New titles, pushed at 21:00\"\n2026-03-02,b,k,not this entity\n",
    );
    let out = case.dir.path().join("out");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_kpi"))
        .args([
            "report",
            case.ruleset_path().to_str().unwrap(),
            "--per-entity",
            "--lang",
            "en",
            "--period",
            "2026-05",
            "-o",
        ])
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success());
    let md = std::fs::read_to_string(out.join("2026-05/entities/a.md")).unwrap();
    let section = md.split("## What was done, and what moved since").nth(1).expect("a section of actions");
    assert!(
        section.contains("| 20 February 2026 | k | New titles, pushed at 21:00 | 2.00 | 5.00 | ▲ +3.00 |"),
        "{section}"
    );
    assert!(!section.contains("not this entity"), "{section}");
    let html = std::fs::read_to_string(out.join("2026-05/entities/a.html")).unwrap();
    assert!(html.contains(r#"<g class="action"><title>New titles, pushed at 21:00</title>"#), "a flag on the chart");
}

#[test]
fn an_action_on_a_kpi_the_ruleset_lacks_is_an_error_at_its_line() {
    let case = with_actions("日期,对象,指标,措施\n2026-02-20,a,kk,改标题\n");
    let out = case.dir.path().join("out");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_kpi"))
        .args(["report", case.ruleset_path().to_str().unwrap(), "-o"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(err.contains("action on line 2 of"), "{err}");
    assert!(err.contains("`kk` is not a KPI of the ruleset"), "{err}");
    assert!(err.contains("did you mean `k`?"), "{err}");
}

/// The actions of the log of `case`, as the engine reads them.
fn actions_of(case: &Case) -> Result<Vec<kpi::engine::actions::Action>, kpi::Errors> {
    let ruleset = kpi::project::open(&case.ruleset_path(), None).unwrap();
    kpi::engine::actions::read(&ruleset).map(|(actions, _)| actions)
}

#[test]
fn an_actions_log_is_decoded_as_exports_are_gbk_or_utf16_with_its_own_lines() {
    let text = "日期,对象,指标,措施\n2026-02-20,a,k,改标题\n\n2026-03-02,a,k,晚八点推送\n";
    for encoded in [encoding_rs::GBK.encode(text).0.into_owned(), {
        let mut utf16 = vec![0xFF, 0xFE];
        utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        utf16
    }] {
        let case = with_actions("");
        std::fs::write(case.dir.path().join("actions.csv"), &encoded).unwrap();
        let actions = actions_of(&case).unwrap();
        let done: Vec<&str> = actions.iter().map(|a| a.action.as_str()).collect();
        assert_eq!(done, ["改标题", "晚八点推送"]);
    }
    let case = with_actions("日期,对象,指标,措施\n2026-02-20,a,k,改标题\n\nnot a date,a,k,x\n");
    let errors = actions_of(&case).unwrap_err().to_string();
    assert!(errors.contains("action on line 4 of"), "the file's own line, past the blank one: {errors}");
}

/// An actions log committed as a link to another client's file is not read into a report:
/// no action, and the warning naming it.
#[test]
fn an_actions_log_that_leads_out_of_its_folder_is_not_read() {
    let case = with_actions("");
    let elsewhere = tempfile::tempdir().unwrap();
    std::fs::write(elsewhere.path().join("secret.csv"), "日期,对象,指标,措施\n2026-02-20,a,k,另一个客户的计划\n")
        .unwrap();
    let log = case.dir.path().join("actions.csv");
    std::fs::remove_file(&log).unwrap();
    std::os::unix::fs::symlink(elsewhere.path().join("secret.csv"), &log).unwrap();
    let ruleset = kpi::project::open(&case.ruleset_path(), None).unwrap();
    let (actions, warning) = kpi::engine::actions::read(&ruleset).unwrap();
    assert!(actions.is_empty());
    let said = warning.unwrap().to_string();
    assert_eq!(said, "`actions.csv` is a symbolic link that leads out of the ruleset's folder, and was not read");
}

#[test]
fn an_actions_log_that_is_a_named_pipe_is_refused_at_once() {
    let case = with_actions("");
    let log = case.dir.path().join("actions.csv");
    std::fs::remove_file(&log).unwrap();
    assert!(std::process::Command::new("mkfifo").arg(&log).status().unwrap().success());
    let errors = actions_of(&case).unwrap_err().to_string();
    assert!(errors.contains("it is not a regular file (a pipe, a socket or a device)"), "{errors}");
}

#[test]
fn rulesets_test_files_and_templates_saved_as_gbk_or_utf16_are_read_as_exports_are() {
    let rules = "ruleset: 编码\ngrain: { entity: 账号, period: month }\n\
        sources:\n  users: { path: users.csv, date: day, entity: account }\n\
        kpis:\n  fresh: { label: { zh-CN: 新增粉丝 }, formula: sum(users.new) }\n";
    let test = "ruleset: ruleset.yaml\ncases:\n  - name: 十月\n    period: 2026-10\n    data:\n      users: |\n        \
        day,account,new\n        2026-10-01,晨光,5\n    expect:\n      kpis: { 晨光: { fresh: 5 } }\n";
    let template = "<p>{{ period.label }} 月报</p>";
    let case = crate::support::Case::new("", &[("users.csv", "day,account,new\n2026-10-01,晨光,5\n")]);
    let dir = case.dir.path();
    let (gbk, _, _) = encoding_rs::GBK.encode(rules);
    std::fs::write(dir.join("ruleset.yaml"), gbk.as_ref()).unwrap();
    let utf16: Vec<u8> = [0xFF, 0xFE].into_iter().chain(test.encode_utf16().flat_map(u16::to_le_bytes)).collect();
    std::fs::write(dir.join("ruleset.test.yaml"), utf16).unwrap();
    std::fs::create_dir(dir.join("house")).unwrap();
    std::fs::write(dir.join("house/portfolio.html"), encoding_rs::GBK.encode(template).0.as_ref()).unwrap();
    let kpi = |args: &[&str]| {
        let output =
            std::process::Command::new(env!("CARGO_BIN_EXE_kpi")).args(args).current_dir(dir).output().unwrap();
        assert!(output.status.success(), "{args:?}: {}", String::from_utf8_lossy(&output.stderr));
        String::from_utf8(output.stdout).unwrap()
    };
    assert!(kpi(&["run", "ruleset.yaml"]).contains("新增粉丝"), "the GBK ruleset's label");
    assert!(kpi(&["test", "ruleset.test.yaml"]).contains("1 passed"), "the UTF-16 test file");
    kpi(&["report", "ruleset.yaml", "--templates", "house", "--format", "html", "-o", "out"]);
    let report = std::fs::read_to_string(dir.join("out/2026-10/portfolio.html")).unwrap();
    assert!(report.contains("月报"), "the GBK template: {report}");
}
