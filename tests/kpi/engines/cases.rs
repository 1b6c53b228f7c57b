//! `kpi test --engine`: a ruleset's test cases run on the engine, each case's rows made into
//! tables there, pass and fail as they do on files, word for word.

use std::path::Path;

use super::{kpi, warehouse};

/// Cases over the engines' fixture ruleset: rows in two months, a source given no rows and one
/// given its headers alone (tables without rows: no data, not an error), and an expectation
/// that fails.
const CASES: &str = r#"ruleset: RULESET
cases:
  - name: two accounts in two months
    period: 2026-02
    data:
      users: |
        day,account,new,lost,total
        2026-01-03,a,10,2,100
        2026-01-20,a,5,1,104
        2026-02-02,a,8,4,110
        2026-01-10,b,3,3,50
        2026-02-10,b,1,0,51
      articles: |
        account,published,readers,likes,title
        a,2026-01-05,40,12,x
        a,2026-02-05,60,3,y
        b,2026-01-06,50,20,z
        b,2026-02-06,20,1,z
      accounts: |
        account,kind
        a,brand
        b,sales
    expect:
      kpis:
        a: { net_growth: 4, readers_rank: 1, readers_mom: 50%, churn: { approx: 3.6364%, tolerance: 0.0001% }, brand: 1 }
        b: { net_growth: 1, readers_rank: 2, readers_mom: -60%, brand: 0 }
      bands: { a: { read_rate: good }, b: { read_rate: pass } }
  - name: no articles
    period: 2026-02
    data:
      users: |
        day,account,new,lost,total
        2026-02-02,a,8,4,110
    expect:
      kpis: { a: { net_growth: 4, readers_rank: null, empty: 1, likes_or_null: null } }
  - name: articles without rows
    period: 2026-02
    data:
      users: |
        day,account,new,lost,total
        2026-02-02,a,8,4,110
      articles: |
        account,published,readers,likes,title
    expect:
      kpis: { a: { net_growth: 4, readers_rank: null, empty: 1 } }
  - name: a wrong expectation
    period: 2026-02
    data:
      users: |
        day,account,new,lost,total
        2026-02-02,a,8,4,110
    expect:
      kpis: { a: { net_growth: 5 } }
"#;

/// `kpi test` of the cases over `ruleset` in `dir`, on `engine` when given: its exit code and
/// what it prints, the ruleset's name and fingerprint left out.
pub(super) fn run_cases(dir: &Path, ruleset: &str, engine: Option<&str>) -> (Option<i32>, String) {
    let ruleset_name = ruleset.trim_end_matches(".yaml");
    let file = format!("{ruleset_name}.test.yaml");
    std::fs::write(dir.join(&file), CASES.replace("RULESET", ruleset)).unwrap();
    let mut args = vec!["test", file.as_str()];
    args.extend(engine.iter().flat_map(|engine| ["--engine", engine]));
    let output = kpi(dir, &args);
    let printed = String::from_utf8(output.stdout).unwrap();
    let printed: Vec<String> = printed.lines().skip(1).map(|line| line.replace(ruleset_name, "RULESET")).collect();
    (output.status.code(), printed.join("\n"))
}

#[test]
fn test_cases_pass_and_fail_on_duckdb_as_on_files() {
    let dir = warehouse("month");
    let on_files = run_cases(dir.path(), "files.yaml", None);
    let on_duckdb = run_cases(dir.path(), "tables.yaml", Some("duckdb:warehouse.duckdb"));
    assert_eq!(on_files, on_duckdb);
    let (code, printed) = on_duckdb;
    assert_eq!(code, Some(1), "{printed}");
    assert!(printed.contains("ok      two accounts in two months"), "{printed}");
    assert!(printed.contains("ok      no articles"), "{printed}");
    assert!(printed.contains("ok      articles without rows"), "{printed}");
    assert!(printed.contains("expected 5.00 (5), got 4.00 (4)"), "{printed}");
    assert!(printed.contains("3 passed, 1 failed"), "{printed}");
}

/// Articles whose cells hold what would end a literal, a line or a statement pasted into the
/// engine's script: NUL, CR and LF, quotes, backslashes, `;` and comments, in a title (text the
/// public writes) and an account's name. Cut at its NUL, the first title would be `x`, the
/// second's, and the rest of its text would run: a COPY writing `pwned.csv`.
const HOSTILE_ARTICLES: &[u8] = b"account,published,readers,likes,title\n\
a,2026-02-05,60,3,\"x\0'); COPY (SELECT 1) TO 'pwned.csv'; --\"\n\
a,2026-02-06,40,20,x\n\
\"b';\\ --\",2026-02-06,20,1,\"y\r\n'; COMMIT; CREATE TABLE pwned (x int); --\\\"\n";

/// A case over [`HOSTILE_ARTICLES`], with or without its NUL: for `a`, the aggregates are
/// 50 + 40 + 60 + 50 + 58 (mean, least, most, median, 90th percentile of 60 and 40), 2 titles,
/// 40 readers of liked posts and 20 likes last: 320, or 319 had a title been cut at its NUL.
const HOSTILE_CASE: &str = r#"ruleset: RULESET
cases:
  - name: cells that would break a pasted script
    period: 2026-02
    data:
      users: |
        day,account,new,lost,total
        2026-02-02,a,8,4,110
      articles: hostile-articles.csv
    expect:
      kpis:
        a: { readers_rank: 1, aggregates: 320 }
        'b'';\ --': { readers_rank: 2 }
  - name: one account however its name is written
    period: 2026-02
    data:
      users: hostile-users.csv
    expect:
      kpis: { a: { net_growth: 6 }, café: { net_growth: 2 } }
"#;

/// Rows of two accounts whose names come with what exports add unseen: a zero-width space, an
/// ideographic or a no-break space, a tab and a carriage return around them, and `café`
/// decomposed as a Mac's zip writes it (`e` and a combining accent). Split, `a` would grow by 1.
const HOSTILE_USERS: &str = "day,account,new,lost,total\n\
2026-02-02,a,1,0,1\n\
2026-02-03,a\u{200B},1,0,1\n\
2026-02-04,a\u{3000},1,0,1\n\
2026-02-05,\u{a0}a,1,0,1\n\
2026-02-06,\"a\t\",1,0,1\n\
2026-02-07,\"a\r\",1,0,1\n\
2026-02-08,caf\u{e9},1,0,1\n\
2026-02-09,cafe\u{301},1,0,1\n";

/// `kpi test` of [`HOSTILE_CASE`] in `dir` (its NUL replaced by a space unless `nul`), over
/// `tables.yaml` on `engine`, else over `files.yaml`: its exit code and what it prints.
pub(super) fn run_hostile_case(dir: &Path, engine: Option<&str>, nul: bool) -> (Option<i32>, String) {
    let ruleset = if engine.is_some() { "tables.yaml" } else { "files.yaml" };
    let rows: Vec<u8> = HOSTILE_ARTICLES.iter().map(|&b| if b == 0 && !nul { b' ' } else { b }).collect();
    std::fs::write(dir.join("hostile-articles.csv"), rows).unwrap();
    std::fs::write(dir.join("hostile-users.csv"), HOSTILE_USERS).unwrap();
    std::fs::write(dir.join("hostile.test.yaml"), HOSTILE_CASE.replace("RULESET", ruleset)).unwrap();
    let mut args = vec!["test", "hostile.test.yaml"];
    args.extend(engine.iter().flat_map(|engine| ["--engine", engine]));
    let output = kpi(dir, &args);
    assert!(!dir.join("pwned.csv").exists(), "a cell's text ran as SQL");
    let printed = String::from_utf8(output.stdout).unwrap() + &String::from_utf8(output.stderr).unwrap();
    let printed: Vec<String> = printed.lines().skip(1).map(|line| line.replace(ruleset, "RULESET")).collect();
    (output.status.code(), printed.join("\n"))
}

#[test]
fn cells_holding_nul_line_ends_quotes_and_separators_reach_duckdb_as_text() {
    let dir = warehouse("month");
    let on_files = run_hostile_case(dir.path(), None, true);
    assert!(on_files.1.contains("2 passed, 0 failed"), "{}", on_files.1);
    assert_eq!(run_hostile_case(dir.path(), Some("duckdb:warehouse.duckdb"), true), on_files);
}
