//! The grid, the calendar and the reading of data files.

use crate::support::{Case, series, value};

fn ruleset(grain: &str, sources: &str, measures: &str, kpis: &str) -> String {
    format!(
        "ruleset: semantics\ngrain: {{ entity: account, period: {grain} }}\nsources:\n{sources}\nmeasures:\n{measures}\nkpis:\n{kpis}"
    )
}

#[test]
fn the_grid_spans_every_entity_of_any_source_and_every_period_between_first_and_last() {
    let rules = ruleset(
        "month",
        "  users: { path: users.csv, date: day, entity: account }\n  orders: { path: orders.csv, date: day, entity: account }\n  accounts: { path: accounts.csv, entity: account, columns: { kind: type } }",
        "  users_: sum(users.n)\n  orders_: sum(orders.n)",
        "  total: { formula: 'coalesce(users_, 0) + coalesce(orders_, 0)' }",
    );
    let case = Case::new(
        &rules,
        &[
            ("users.csv", "day,account,n\n2026-01-15,a,1\n2026-03-15,a,3\n"),
            ("orders.csv", "day,account,n\n2026-05-01,b,5\n"),
            ("accounts.csv", "account,type\na,brand\nb,sales\nc,brand\n"),
        ],
    );
    let appraisal = case.appraise();
    assert_eq!(appraisal.periods, ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05"]);
    assert_eq!(series(&appraisal, "a", "total"), [Some(1.0), Some(0.0), Some(3.0), Some(0.0), Some(0.0)]);
    assert_eq!(series(&appraisal, "b", "total"), [Some(0.0), Some(0.0), Some(0.0), Some(0.0), Some(5.0)]);
    // `c` is only in the attribute table, and still has a row in every period.
    assert_eq!(series(&appraisal, "c", "total"), [Some(0.0); 5]);
}

#[test]
fn first_and_last_follow_the_date_column_with_ties_in_file_order() {
    let rules = ruleset(
        "month",
        "  users: { path: users.csv, date: day, entity: account }",
        "  opening: first(users.n)\n  closing: last(users.n)",
        "  first_: { formula: opening }\n  last_: { formula: closing }",
    );
    let data = "day,account,n\n2026-01-20,a,1\n2026-01-05,a,2\n2026-01-20,a,3\n2026-01-31,a,\n";
    let appraisal = Case::new(&rules, &[("users.csv", data)]).appraise();
    assert_eq!(value(&appraisal, "a", "2026-01", "first_"), Some(2.0));
    assert_eq!(value(&appraisal, "a", "2026-01", "last_"), Some(3.0));
}

#[test]
fn weeks_are_iso_weeks_and_quarters_and_years_have_their_labels() {
    for (grain, periods) in [
        ("week", vec!["2026-W52", "2026-W53", "2027-W01"]),
        ("quarter", vec!["2026-Q4", "2027-Q1"]),
        ("year", vec!["2026", "2027"]),
        ("day", vec!["2026-12-27", "2026-12-28"]),
    ] {
        let rules = ruleset(
            grain,
            "  users: { path: users.csv, date: day, entity: account }",
            "  n: sum(users.n)",
            "  total: { formula: n }",
        );
        let data = if grain == "day" {
            "day,account,n\n2026-12-27,a,1\n2026-12-28,a,2\n"
        } else {
            "day,account,n\n2026-12-27,a,1\n2026-12-28,a,2\n2027-01-04,a,4\n"
        };
        let appraisal = Case::new(&rules, &[("users.csv", data)]).appraise();
        assert_eq!(appraisal.periods, periods, "grain {grain}");
    }
}

#[test]
fn to_date_restarts_with_each_year() {
    let rules = ruleset(
        "quarter",
        "  users: { path: users.csv, date: day, entity: account }",
        "  n: sum(users.n)",
        "  ytd: { formula: to_date(n) }",
    );
    let data = "day,account,n\n2026-08-01,a,1\n2026-11-01,a,2\n2027-02-01,a,4\n";
    let appraisal = Case::new(&rules, &[("users.csv", data)]).appraise();
    assert_eq!(series(&appraisal, "a", "ytd"), [Some(1.0), Some(3.0), Some(4.0)]);
}

#[test]
fn exports_are_read_as_written_byte_order_marks_gbk_separators_and_written_numbers() {
    let rules = ruleset(
        "month",
        "  users: { path: users-*.csv, date: 时间, entity: 公众号, columns: { new: 新关注人数, rate: 打开率 } }",
        "  new_: sum(users.new)\n  rate_: mean(users.rate)",
        "  new_follows: { formula: new_ }\n  open_rate: { formula: rate_ }",
    );
    let utf8 = "\u{feff}时间,公众号,新关注人数,打开率\n2026/01/05,主号,\"1,200\",12.5%\n2026/01/06,主号,10万+,-\n";
    let (gbk, _, _) = encoding_rs::GBK.encode("时间,公众号,新关注人数,打开率\n2026/02/01,主号,5,20%\n");
    let case = Case::new(&rules, &[("users-1.csv", utf8)]);
    std::fs::write(case.dir.path().join("users-2.csv"), gbk.as_ref()).unwrap();
    let appraisal = case.appraise();
    assert_eq!(series(&appraisal, "主号", "new_follows"), [Some(101_200.0), Some(5.0)]);
    assert_eq!(series(&appraisal, "主号", "open_rate"), [Some(0.125), Some(0.2)]);
}

#[test]
fn tsv_parquet_header_rows_and_entity_values_are_read() {
    let rules = ruleset(
        "month",
        "  tsv: { path: rows.tsv, date: day, entity_value: main, header_row: 3 }\n  pq: { path: rows.parquet, date: day, entity: account }",
        "  a: sum(tsv.n)\n  b: sum(pq.n)",
        "  both: { formula: a + b }",
    );
    let case = Case::new(&rules, &[("rows.tsv", "exported by the backend\n\nday\tn\n2026-01-05\t2\n")]);
    let mut frame = polars::df!(
        "day" => ["2026-01-09"], "account" => ["main"], "n" => [40.0]
    )
    .unwrap();
    let file = std::fs::File::create(case.dir.path().join("rows.parquet")).unwrap();
    polars_io::prelude::ParquetWriter::new(file).finish(&mut frame).unwrap();
    let appraisal = case.appraise();
    assert_eq!(value(&appraisal, "main", "2026-01", "both"), Some(42.0));
}

#[test]
fn attributes_can_be_used_in_formulas() {
    let rules = ruleset(
        "month",
        "  users: { path: users.csv, date: day, entity: account }\n  accounts: { path: accounts.csv, entity: account, columns: { kind: type, size: employees } }",
        "  n: sum(users.n)",
        "  brand_n: { formula: 'if kind == \"brand\" then n else 0' }\n  per_head: { formula: n / size }",
    );
    let case = Case::new(
        &rules,
        &[
            ("users.csv", "day,account,n\n2026-01-15,a,10\n2026-01-15,b,20\n"),
            ("accounts.csv", "account,type,employees\na,brand,5\nb,sales,4\n"),
        ],
    );
    let appraisal = case.appraise();
    assert_eq!(value(&appraisal, "a", "2026-01", "brand_n"), Some(10.0));
    assert_eq!(value(&appraisal, "b", "2026-01", "brand_n"), Some(0.0));
    assert_eq!(value(&appraisal, "b", "2026-01", "per_head"), Some(5.0));
}

#[test]
fn workbooks_are_read_by_sheet_and_header_row_with_their_dates_and_numbers() {
    let rules = ruleset(
        "month",
        "  users: { path: users.xlsx, sheet: 用户分析, header_row: 3, date: 时间, entity: 公众号, columns: { new: 新关注人数, lost: 取消关注人数 } }",
        "  new_: sum(users.new)\n  lost_: sum(users.lost)",
        "  new_follows: { formula: new_ }\n  unfollows: { formula: lost_ }",
    );
    let case = Case::new(&rules, &[]);
    std::fs::copy(
        crate::support::manifest_dir().join("examples/formats/data/users.xlsx"),
        case.dir.path().join("users.xlsx"),
    )
    .unwrap();
    let appraisal = case.appraise();
    assert_eq!(series(&appraisal, "主号", "new_follows"), [Some(1120.0), Some(80.5)]);
    assert_eq!(series(&appraisal, "主号", "unfollows"), [Some(50.0), None]);
}

#[test]
fn a_workbook_is_read_as_one_whatever_its_file_is_named() {
    for misnamed in ["users.xls", "users.csv", "users.txt"] {
        let rules = ruleset(
            "month",
            &format!(
                "  users: {{ path: {misnamed}, sheet: 用户分析, header_row: 3, date: 时间, entity: 公众号, columns: {{ new: 新关注人数 }} }}"
            ),
            "  new_: sum(users.new)",
            "  new_follows: { formula: new_ }",
        );
        let case = Case::new(&rules, &[]);
        std::fs::copy(
            crate::support::manifest_dir().join("examples/formats/data/users.xlsx"),
            case.dir.path().join(misnamed),
        )
        .unwrap();
        let appraisal = case.appraise();
        assert_eq!(series(&appraisal, "主号", "new_follows"), [Some(1120.0), Some(80.5)], "{misnamed}");
    }
}

#[test]
fn ndjson_lines_are_read_with_every_key_as_a_column() {
    let rules = ruleset(
        "month",
        "  users: { path: users.ndjson, date: date, entity: account }",
        "  new_: sum(users.new)\n  lost_: sum(users.unfollows)",
        "  new_follows: { formula: new_ }\n  unfollows: { formula: lost_ }",
    );
    let case = Case::new(&rules, &[]);
    std::fs::copy(
        crate::support::manifest_dir().join("examples/formats/data/events.ndjson"),
        case.dir.path().join("users.ndjson"),
    )
    .unwrap();
    let appraisal = case.appraise();
    assert_eq!(series(&appraisal, "主号", "new_follows"), [Some(120.0), Some(80.0)]);
    assert_eq!(series(&appraisal, "主号", "unfollows"), [None, Some(3.0)]);
}

#[test]
fn a_grid_without_a_column_the_ruleset_implies_is_an_internal_error() {
    let rules = ruleset(
        "month",
        "  users: { path: users.csv, date: day, entity: account }",
        "  n: sum(users.n)",
        "  total: { formula: n }",
    );
    let case = Case::new(&rules, &[("users.csv", "day,account,n\n2026-01-05,a,1\n")]);
    let ruleset = kpi::project::open(&case.ruleset_path(), None).unwrap();
    let evaluation = kpi::engine::evaluate(&ruleset).unwrap();
    let without_score = evaluation.frame().drop("s:total").unwrap();
    let made = kpi::engine::Evaluation::new(
        &ruleset,
        without_score,
        evaluation.entities.clone(),
        evaluation.periods.clone(),
        kpi::engine::evaluation::Found {
            warnings: Vec::new(),
            quality: Vec::new(),
            daily: Vec::new(),
            files: evaluation.files.clone(),
        },
        kpi::engine::Probes::default(),
    );
    let error = made.err().expect("a grid without a score column is refused");
    assert_eq!(error.exit_code(), 3, "{error}");
    assert!(error.to_string().contains("`s:total`"), "{error}");
}

#[test]
fn nan_and_infinite_cells_are_no_data_and_nothing_scores_bands_or_grades_from_them() {
    let rules = ruleset(
        "month",
        "  users: { path: users.csv, date: day, entity: account }",
        "  n: sum(users.n)",
        "  k: { formula: n, target: 10, bands: { good: '>= 5', poor: otherwise } }\nscorecards:\n  main: { weights: { k: 100 } }\ngrades: { A: '>= 0', B: otherwise }",
    );
    let data = "day,account,n\n2026-01-15,a,NaN\n2026-01-15,b,inf\n2026-01-15,c,-inf\n2026-01-15,d,5\n";
    let appraisal = Case::new(&rules, &[("users.csv", data)]).appraise();
    for entity in ["a", "b", "c"] {
        let result = crate::support::result(&appraisal, entity, "2026-01", "k");
        assert_eq!((result.value, result.score, result.band.as_deref()), (None, None, None), "{entity}");
        let total = appraisal.scorecards.iter().find(|s| s.entity == entity).unwrap();
        assert_eq!((total.score, total.grade.as_deref()), (None, None), "{entity}");
    }
    assert_eq!(value(&appraisal, "d", "2026-01", "k"), Some(5.0));
}

#[test]
fn entity_names_are_trimmed_of_spaces() {
    let rules = ruleset(
        "month",
        "  users: { path: users.csv, date: day, entity: account }",
        "  n: sum(users.n)",
        "  k: { formula: n }",
    );
    let data = "day,account,n\n2026-01-15,a,1\n2026-01-15,a ,2\n2026-01-15, a,4\n";
    let appraisal = Case::new(&rules, &[("users.csv", data)]).appraise();
    let entities: Vec<&str> = appraisal.results.iter().map(|r| r.entity.as_str()).collect();
    assert_eq!(entities, ["a"]);
    assert_eq!(value(&appraisal, "a", "2026-01", "k"), Some(7.0));
}

#[test]
fn the_entity_can_come_from_each_files_path() {
    let rules = ruleset(
        "month",
        "  users: { path: 'data/{entity}/result.csv', date: day }\n  articles: { path: 'exports/articles-{entity}-*.csv', date: day }",
        "  n: sum(users.n)\n  reads: sum(articles.reads)",
        "  k: { formula: n }\n  r: { formula: reads }",
    );
    let case = Case::new(
        &rules,
        &[
            ("data/晨光咖啡/result.csv", "day,n\n2026-01-15,1\n2026-01-16,2\n"),
            ("data/main/result.csv", "day,n\n2026-01-15,5\n"),
            ("exports/articles-main-2026-01.csv", "day,reads\n2026-01-15,10\n"),
            ("exports/articles-main-2026-02.csv", "day,reads\n2026-02-15,20\n"),
            ("exports/articles-晨光咖啡-2026-01.csv", "day,reads\n2026-01-20,7\n"),
        ],
    );
    let appraisal = case.appraise();
    assert_eq!(value(&appraisal, "晨光咖啡", "2026-01", "k"), Some(3.0));
    assert_eq!(value(&appraisal, "main", "2026-01", "k"), Some(5.0));
    assert_eq!(series(&appraisal, "main", "r"), [Some(10.0), Some(20.0)]);
    assert_eq!(value(&appraisal, "晨光咖啡", "2026-01", "r"), Some(7.0));
}

#[test]
fn money_full_width_separators_and_a_sources_own_no_data_markers_are_read() {
    let rules = ruleset(
        "month",
        "  ads: { path: ads.csv, date: day, entity: account, null_values: ['-1', '暂无'], columns: { spend: 花费, rate: 完成率 } }",
        "  spend: sum(ads.spend)\n  rated: count(ads.rate)",
        "  s: { formula: spend }\n  r: { formula: rated }",
    );
    let data = "day,account,花费,完成率\n\
                2026-01-05,a,¥256.58,17.05\n\
                2026-01-06,a,\"￥1，000\",-1.00\n\
                2026-01-07,a,RMB 3.42,-1\n\
                2026-01-08,a,100元,暂无\n\
                2026-01-09,a,-1,9.09\n";
    let appraisal = Case::new(&rules, &[("ads.csv", data)]).appraise();
    assert_eq!(value(&appraisal, "a", "2026-01", "s"), Some(1360.0));
    assert_eq!(value(&appraisal, "a", "2026-01", "r"), Some(2.0));
}

#[test]
fn a_value_that_is_not_a_number_is_no_data_where_the_source_says_so() {
    let rules = ruleset(
        "month",
        "  users: { path: users.csv, date: day, entity: account, on_bad_value: 'null' }",
        "  n: sum(users.n)\n  counted: count(users.n)",
        "  k: { formula: n }\n  c: { formula: counted }",
    );
    let data = "day,account,n\n2026-01-15,a,\"1,000\"\n2026-01-16,a,约300\n2026-01-17,a,5\n";
    let appraisal = Case::new(&rules, &[("users.csv", data)]).appraise();
    assert_eq!(value(&appraisal, "a", "2026-01", "k"), Some(1005.0));
    assert_eq!(value(&appraisal, "a", "2026-01", "c"), Some(2.0));
}

#[test]
fn dates_with_a_chinese_time_of_day_whole_numbers_and_excel_serials_are_read() {
    let rules = ruleset(
        "month",
        "  notes: { path: notes.csv, date: 首次发布时间, entity: account }\n  typed: { path: typed.ndjson, date: day, entity: account }\n  serials: { path: serials.ndjson, date: day, entity: account }",
        "  notes_: count(notes.views)\n  typed_: sum(typed.n)\n  serials_: sum(serials.n)",
        "  a: { formula: notes_ }\n  b: { formula: typed_ }\n  c: { formula: serials_ }",
    );
    let notes = "首次发布时间,account,views\n2026年01月05日22时30分05秒,x,12235.0\n2026年02月24日17时33分05秒,x,3\n";
    let typed =
        "{\"day\": 20260115, \"account\": \"x\", \"n\": 1}\n{\"day\": 20260203, \"account\": \"x\", \"n\": 2}\n";
    // 46023 is 2026-01-01 and 46054 is 2026-02-01 in Excel's count of days.
    let serials = "{\"day\": 46023, \"account\": \"x\", \"n\": 4}\n{\"day\": 46054.5, \"account\": \"x\", \"n\": 8}\n";
    let appraisal =
        Case::new(&rules, &[("notes.csv", notes), ("typed.ndjson", typed), ("serials.ndjson", serials)]).appraise();
    assert_eq!(series(&appraisal, "x", "a"), [Some(1.0), Some(1.0)]);
    assert_eq!(series(&appraisal, "x", "b"), [Some(1.0), Some(2.0)]);
    assert_eq!(series(&appraisal, "x", "c"), [Some(4.0), Some(8.0)]);
}

#[test]
fn total_rows_are_left_out_wherever_they_are_and_lines_still_count_them() {
    let rules = ruleset(
        "month",
        "  users: { path: users.csv, date: day, entity: account }",
        "  n: sum(users.n)",
        "  k: { formula: n }",
    );
    let mut data = String::from("day,account,n\n合计,,999\n");
    for day in 1..=250 {
        data.push_str(&format!("2026-01-{:02},a,1\n", 1 + day % 28));
    }
    data.push_str("2026-01-05,总计,999\n平均,a,999\n");
    let appraisal = Case::new(&rules, &[("users.csv", &data)]).appraise();
    assert_eq!(value(&appraisal, "a", "2026-01", "k"), Some(250.0));
    // Written with white space inside (an ideographic space), a colon, or as a subtotal or a
    // summary: total rows too, not accounts appraised and ranked first.
    let mut spaced = data.clone();
    spaced.push_str("2026-01-07,合　计,999\n2026-01-07,小计：,999\n2026-01-07,汇 总,999\n2026-01-07, Total ,999\n");
    let appraisal = Case::new(&rules, &[("users.csv", &spaced)]).appraise();
    let mut entities: Vec<&str> = appraisal.results.iter().map(|r| r.entity.as_str()).collect();
    entities.dedup();
    assert_eq!(entities, ["a"]);
    // A row without an entity after the total rows is placed at its own line: the header, the
    // first total row, 250 rows and two more total rows come before it.
    data.push_str("2026-01-06,,1\n");
    let errors = Case::new(&rules, &[("users.csv", &data)]).errors();
    assert!(errors.contains("line 255 of `case/users.csv`"), "{errors}");
}

#[test]
fn an_html_table_saved_as_xls_is_read_as_a_table() {
    let rules = ruleset(
        "month",
        "  users: { path: 'data/{entity}/user-growth.xls', header_row: 2, date: 时间, columns: { new: 新关注人数, total: 累积关注人数 } }",
        "  new_: sum(users.new)\n  followers: last(users.total)",
        "  new_follows: { formula: new_ }\n  followers_: { formula: followers }",
    );
    let html = "<html><head><meta charset=\"utf-8\"></head><body><table class=\"tb\">\n\
                <tr><th>用户增长</th></tr>\n\
                <tr><th>时间</th><th>新关注人数</th><th>取消关注人数</th><th>净增关注人数</th><th>累积关注人数</th></tr>\n\
                <tr><td>2026-07-02</td><td>12</td><td>3</td><td>9</td><td>1,009</td></tr>\n\
                <tr><td>2026-07-01</td><td>10</td><td>2</td><td>8</td><td>1,000</td></tr>\n\
                </table></body></html>\n";
    let appraisal = Case::new(&rules, &[("data/main/user-growth.xls", html)]).appraise();
    assert_eq!(value(&appraisal, "main", "2026-07", "new_follows"), Some(22.0));
    assert_eq!(value(&appraisal, "main", "2026-07", "followers_"), Some(1009.0));
}

#[test]
fn excels_unicode_text_is_read_as_utf16_with_tabs() {
    let rules = ruleset(
        "month",
        "  users: { path: users.txt, date: 日期, entity: 账号, columns: { n: 阅读量 } }",
        "  n: sum(users.n)",
        "  k: { formula: n }",
    );
    let case = Case::new(&rules, &[]);
    let text = "日期\t账号\t阅读量\r\n2026-01-05\t主号\t1,200\r\n2026-01-06\t主号\t34\r\n";
    let utf16: Vec<u8> = [0xFF, 0xFE].into_iter().chain(text.encode_utf16().flat_map(u16::to_le_bytes)).collect();
    std::fs::write(case.dir.path().join("users.txt"), utf16).unwrap();
    assert_eq!(value(&case.appraise(), "主号", "2026-01", "k"), Some(1234.0));
}

#[test]
fn a_csv_saved_by_excel_in_a_european_locale_is_read_with_its_semicolons() {
    let rules = ruleset(
        "month",
        "  users: { path: users.csv, date: day, entity: account }",
        "  n: sum(users.reads)",
        "  k: { formula: n }",
    );
    let data = "day;account;reads\r\n2026-01-05;a;1.200\r\n2026-01-06;a;34\r\n2026-01-07;a;0,5\r\n";
    let appraisal = Case::new(&rules, &[("users.csv", data)]).appraise();
    assert_eq!(value(&appraisal, "a", "2026-01", "k"), Some(1234.5));
}

#[test]
fn numbers_with_the_decimal_comma_are_read_as_their_file_writes_them() {
    let rules = ruleset(
        "month",
        "  eu: { path: eu.csv, date: day, entity: account }\n  \
         cn: { path: cn.csv, date: day, entity: account }\n  \
         either: { path: either.csv, date: day, entity: account, decimal: point }",
        "  rate: mean(eu.rate)\n  big: sum(eu.big)\n  share: mean(eu.share)\n  reads: sum(cn.reads)\n  sales: sum(either.sales)",
        "  k_rate: { formula: rate }\n  k_big: { formula: big }\n  k_share: { formula: share }\n  \
         k_reads: { formula: reads }\n  k_sales: { formula: sales }",
    );
    let eu = "day;account;rate;big;share\r\n2026-01-05;a;0,35;1234,5;12,5%\r\n2026-01-06;a;0,45;1.000,5;7,5 %\r\n";
    // A comma-separated export writes the decimal point, whatever its quoted values look like.
    let cn = "day,account,reads\n2026-01-05,a,\"1,200\"\n2026-01-06,a,\"2,5\"\n";
    let either = "day;account;sales\n2026-01-05;a;1,200\n";
    let case =
        Case::new(&rules, &[("eu.csv", eu), ("cn.csv", cn.replace("\"2,5\"", "34").as_str()), ("either.csv", either)]);
    let appraisal = case.appraise();
    let month = |kpi| value(&appraisal, "a", "2026-01", kpi);
    assert_eq!([month("k_rate"), month("k_big"), month("k_share")], [Some(0.4), Some(2235.0), Some(0.1)]);
    assert_eq!([month("k_reads"), month("k_sales")], [Some(1234.0), Some(1200.0)]);
    std::fs::write(case.dir.path().join("cn.csv"), cn).unwrap();
    let errors = case.errors();
    assert!(errors.contains("cannot read `2,5` as a number (column `reads`, line 3 of `case/cn.csv`)"), "{errors}");
}

#[test]
fn a_time_outside_the_dates_read_is_an_error_at_its_line_or_no_data_when_marked() {
    let rules = ruleset(
        "month",
        "  log: { path: log.csv, date: asked, entity: account }",
        "  hours: mean((log.answered - log.asked) / 3600)",
        "  reply: { formula: hours }",
    );
    let log = "asked,account,answered\n2026-01-05 08:00,a,2026-01-05 10:00\n2026-01-06 08:00,a,9999-12-31\n";
    let case = Case::new(&rules, &[("log.csv", log)]);
    let errors = case.errors();
    assert!(
        errors.contains("cannot read `9999-12-31` as a date or time (column `answered`, line 3 of `case/log.csv`)"),
        "{errors}"
    );
    let marked = rules.replace("entity: account }", "entity: account, null_values: [9999-12-31] }");
    let appraisal = Case::new(&marked, &[("log.csv", log)]).appraise();
    assert_eq!(value(&appraisal, "a", "2026-01", "reply"), Some(2.0));
}

#[test]
fn blocks_of_a_sheet_that_holds_tables_side_by_side_are_read_as_sources() {
    // The WeChat tendency download: block titles on row 2, headers on row 3, columns A and E
    // empty, blocks of different lengths.
    let rules = ruleset(
        "day",
        "  daily: { path: side-by-side.xlsx, sheet: 1, range: 'B3:D', date: 日期, entity_value: main, columns: { reads: 阅读人数 } }\n  \
         totals: { path: side-by-side.xlsx, sheet: New Sheet1, range: 'F3:H5', date: 日期, entity_value: main, columns: { shares: 分享人数 } }",
        "  reads: sum(daily.reads)\n  shares: sum(totals.shares)",
        "  r: { formula: reads }\n  s: { formula: shares }",
    );
    let case = Case::new(&rules, &[]);
    std::fs::copy(
        crate::support::manifest_dir().join("tests/fixtures/workbooks/side-by-side.xlsx"),
        case.dir.path().join("side-by-side.xlsx"),
    )
    .unwrap();
    let appraisal = case.appraise();
    assert_eq!(series(&appraisal, "main", "r"), [Some(100.0), Some(120.0), Some(90.0)]);
    assert_eq!(series(&appraisal, "main", "s"), [Some(7.0), Some(9.0), None]);
}

#[test]
fn a_biff_workbook_named_xlsx_whose_every_cell_is_text_is_read() {
    // The WeChat per-article download: BIFF, one account per file, every cell text (numbers
    // and `YYYYMMDD` dates too), an empty string where a rate divides by zero.
    let rules = ruleset(
        "month",
        "  articles: { path: '{entity}/articles.xlsx', date: 发表时间, columns: { readers: 总阅读人数, rate: 首次分享率 } }",
        "  readers: sum(articles.readers)\n  rated: count(articles.rate)",
        "  r: { formula: readers }\n  c: { formula: rated }",
    );
    let case = Case::new(&rules, &[]);
    std::fs::create_dir_all(case.dir.path().join("主号")).unwrap();
    std::fs::copy(
        crate::support::manifest_dir().join("tests/fixtures/workbooks/articles-text.xlsx"),
        case.dir.path().join("主号/articles.xlsx"),
    )
    .unwrap();
    let appraisal = case.appraise();
    assert_eq!(series(&appraisal, "主号", "r"), [Some(1337.0), Some(388.0)]);
    assert_eq!(series(&appraisal, "主号", "c"), [Some(1.0), Some(1.0)]);
}

#[test]
fn dates_and_times_in_arithmetic_are_seconds_so_a_difference_is_the_time_between() {
    let rules = ruleset(
        "month",
        "  service: { path: service.csv, date: asked, entity: account, columns: { asked: asked, answered: answered } }\n  \
           cn: { path: cn.csv, date: 提问时间, entity: 账号, columns: { asked: 提问时间, answered: 回复时间 } }\n  \
           typed: { path: typed.xlsx, date: 提问时间, entity: 账号, columns: { asked: 提问时间, answered: 回复时间 } }",
        "  minutes: sum((service.answered - service.asked) / 60)\n  timed: count(service.answered)\n  \
           cn_minutes: sum((cn.answered - cn.asked) / 60)\n  typed_minutes: sum((typed.answered - typed.asked) / 60)",
        "  reply: { formula: minutes / timed }\n  cn_reply: { formula: cn_minutes }\n  \
           typed_reply: { formula: typed_minutes }",
    );
    // With seconds, across midnight, without seconds; no time (midnight); no answer yet.
    let service = "asked,account,answered\n\
                   2026-10-01 09:00:00,a,2026-10-01 09:30:00\n\
                   2026-10-02 23:50:00,a,2026-10-03 00:20\n\
                   2026-10-05 00:00:00,a,2026-10-05\n\
                   2026-10-06 10:00:00,a,-\n\
                   2026-10-07 10:00:00,a,\n";
    let cn = "提问时间,账号,回复时间\n2026年10月04日10时00分00秒,c,2026年10月04日10时45分30秒\n";
    let typed =
        std::fs::read(crate::support::manifest_dir().join("tests/fixtures/workbooks/service-times.xlsx")).unwrap();
    let case = Case::new(&rules, &[("service.csv", service), ("cn.csv", cn)]);
    std::fs::write(case.dir.path().join("typed.xlsx"), typed).unwrap();
    let appraisal = case.appraise();
    // (30 + 30 + 0) / 3 answered: a placeholder and an empty cell are no answer.
    assert_eq!(value(&appraisal, "a", "2026-10", "reply"), Some(20.0));
    assert_eq!(value(&appraisal, "c", "2026-10", "cn_reply"), Some(45.5));
    // Workbook date-time cells: 15 and 90 minutes.
    assert_eq!(value(&appraisal, "b", "2026-10", "typed_reply"), Some(105.0));
}

#[test]
fn a_source_without_any_file_counts_nothing_a_month_before_its_rows_zero_and_a_month_missing_after_nothing() {
    let rules = ruleset(
        "month",
        "  users: { path: users.csv, date: day, entity: account }\n  mentions: { path: mentions/*.csv, date: day, entity: account }",
        "  users_: count(users.n)\n  mentions_: count(mentions.text)",
        "  active: { formula: users_ }\n  mentioned: { formula: mentions_ }",
    );
    let users = "day,account,n\n2026-01-15,a,1\n2026-02-15,a,2\n2026-04-15,a,3\n\
                 2026-01-15,b,1\n2026-03-15,b,2\n2026-04-15,c,1\n";
    let case = Case::new(&rules, &[("users.csv", users)]);
    let appraisal = case.appraise();
    // `c` had no rows before April: 0. `a`'s March, after rows in every month before, is an
    // export missing: no data, and a note. `b`'s February follows one month only, and its
    // April a gap: a source `b` has rows of now and then, so 0.
    assert_eq!(series(&appraisal, "c", "active"), [Some(0.0), Some(0.0), Some(0.0), Some(1.0)]);
    assert_eq!(series(&appraisal, "a", "active"), [Some(1.0), Some(1.0), None, Some(1.0)]);
    assert_eq!(series(&appraisal, "b", "active"), [Some(1.0), Some(0.0), Some(1.0), Some(0.0)]);
    let missing: Vec<_> = appraisal.quality.iter().filter(|q| q.kind == "missing_source").collect();
    assert_eq!(missing.len(), 1);
    assert_eq!((missing[0].entity.as_deref(), missing[0].period.as_deref()), (Some("a"), Some("2026-03")));
    assert_eq!(
        series(&appraisal, "a", "mentioned"),
        [None, None, None, None],
        "no monitoring export: no data, not 0 mentions"
    );
}

#[test]
fn aggregated_times_stay_times_so_their_difference_is_the_seconds_between() {
    let rules = ruleset(
        "month",
        "  service: { path: service.csv, date: asked, entity: account }",
        "  span: max(service.answered) - min(service.answered)\n  latest: max(service.answered)",
        "  answering_span: { formula: span }\n  hours_to_latest: { formula: (latest - min(service.asked)) / 3600 }",
    );
    let rows = "asked,account,answered\n2026-10-01 08:00:00,a,2026-10-01 09:00:00\n2026-10-02 08:00:00,a,2026-10-02 10:30:00\n";
    let appraisal = Case::new(&rules, &[("service.csv", rows)]).appraise();
    assert_eq!(value(&appraisal, "a", "2026-10", "answering_span"), Some(25.5 * 3600.0));
    assert_eq!(value(&appraisal, "a", "2026-10", "hours_to_latest"), Some(26.5));
}

/// Excel for Mac ends a CSV's lines in carriage returns alone: read as they are, the file
/// would be one line, and its headers made up. Its rows are read as any other file's.
#[test]
fn a_file_whose_lines_end_in_carriage_returns_alone_is_read_line_by_line() {
    let rules = ruleset(
        "month",
        "  users: { path: users.csv, date: day, entity: account }",
        "  n: sum(users.n)",
        "  k: { formula: n }",
    );
    let data = "day,account,n\r2026-01-05,a,2\r2026-01-06,a,3\r2026-01-06,晨光,4\r";
    let appraisal = Case::new(&rules, &[("users.csv", data)]).appraise();
    assert_eq!(value(&appraisal, "a", "2026-01", "k"), Some(5.0));
    assert_eq!(value(&appraisal, "晨光", "2026-01", "k"), Some(4.0));
}

/// A header over two columns is read by its place among them: `人数#2` is the second.
#[test]
fn a_header_written_twice_is_read_by_its_place() {
    let rules = ruleset(
        "month",
        "  users: { path: users.csv, date: day, entity: account, columns: { readers: '人数#1', sharers: '人数#2' } }",
        "  r: sum(users.readers)\n  s: sum(users.sharers)",
        "  share_rate: { formula: s / r }",
    );
    let data = "day,account,人数,次数,人数,次数\n2026-01-05,a,40,50,10,12\n";
    let appraisal = Case::new(&rules, &[("users.csv", data)]).appraise();
    assert_eq!(value(&appraisal, "a", "2026-01", "share_rate"), Some(0.25));
}
