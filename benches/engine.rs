//! The engine against the same KPIs written by hand as one polars lazy query, on a generated
//! portfolio of 2,000 WeChat accounts × 365 days; then `kpi run` against the same KPIs written
//! by hand in Python (polars and pandas, the latest from pip), each timed as a process from
//! start to end. Run with `cargo bench --bench engine`; the figures are recorded in
//! docs/benchmarks.md.

#[path = "support/portfolio.rs"]
mod portfolio;

use portfolio::{generated, run_process, wechat_data};

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use kpi::appraise::{Selection, appraise};
use kpi::report::{ReportFormat, ReportOptions, render_reports};
use kpi::{engine, project};
use polars::prelude::*;
use polars_io::prelude::{CsvReadOptions, SerReader};

/// How much the benchmark runs: the recorded size; with `KPI_BENCH_SMALL=1` a small one that
/// CI runs in the test profile (`cargo test --bench engine`), so that the benchmark, its data
/// and its Python peers keep working between the runs that are recorded; with
/// `KPI_BENCH_ACCOUNTS=N` only the processes (`kpi run` against python-polars) on N accounts,
/// three times: the scaling runs.
#[derive(Clone, Copy)]
struct Size {
    accounts: usize,
    report_accounts: usize,
    runs: usize,
    xlsx_rows: usize,
    scaling: bool,
}

impl Size {
    fn from_env() -> Size {
        let scaling =
            std::env::var("KPI_BENCH_ACCOUNTS").ok().map(|n| n.parse().expect("KPI_BENCH_ACCOUNTS is a number"));
        match (std::env::var_os("KPI_BENCH_SMALL"), scaling) {
            (_, Some(accounts)) => Size { accounts, report_accounts: 0, runs: 3, xlsx_rows: 0, scaling: true },
            (Some(_), None) => Size { accounts: 20, report_accounts: 10, runs: 1, xlsx_rows: 1_000, scaling: false },
            (None, None) => {
                Size { accounts: 2_000, report_accounts: 1_000, runs: 7, xlsx_rows: 100_000, scaling: false }
            }
        }
    }
}

fn main() {
    if let Ok(accounts) = std::env::var("KPI_BENCH_LARGE") {
        return large(accounts.parse().expect("KPI_BENCH_LARGE is a number of accounts"));
    }
    let size = Size::from_env();
    let runs = size.runs;
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let name = format!("wechat-{}x365", size.accounts);
    let data = generated(root, &name, size.accounts, wechat_data::write_exports);
    let files = data.join("data");
    let bytes: u64 = std::fs::read_dir(&files).unwrap().map(|e| e.unwrap().metadata().unwrap().len()).sum();
    println!("data: {} ({:.0} MB of CSV)", files.display(), bytes as f64 / 1e6);
    // First, while this process is small: a child's peak memory counts its parent's at the fork.
    processes(root, &data, size);
    if size.scaling {
        return;
    }

    let ruleset_path = root.join("benches/wechat/ruleset.yaml");
    let (engine_times, hand_times) = time_alternately(
        runs,
        || {
            let ruleset = project::open(&ruleset_path, Some(&data)).expect("the example ruleset opens");
            engine::evaluate(&ruleset).expect("the engine evaluates").frame().height()
        },
        || hand_written(&files).collect().expect("the hand-written query runs").height(),
    );
    let ruleset = project::open(&ruleset_path, Some(&data)).expect("the example ruleset opens");
    let evaluation = engine::evaluate(&ruleset).expect("the engine evaluates");
    let appraisal_times = time(runs, || {
        let appraisal = appraise(&ruleset, &evaluation, &Selection::default(), kpi::ruleset::model::Locale::ZhCn)
            .expect("appraisal");
        appraisal.results.len() + appraisal.diagnoses.len()
    });

    let engine = median(&engine_times);
    let hand = median(&hand_times);
    println!(
        "engine: load, check and evaluate the example ruleset: median {engine:.3?} of {runs} runs {engine_times:.3?}"
    );
    println!(
        "hand-written polars lazy query, same KPIs:             median {hand:.3?} of {runs} runs {hand_times:.3?}"
    );
    println!("ratio engine / hand-written: {:.2}", engine.as_secs_f64() / hand.as_secs_f64());
    println!("appraisal of every cell (results, scorecards, diagnosis texts): median {:.3?}", median(&appraisal_times));

    let report_name = format!("wechat-{}x365", size.report_accounts);
    let report_data = generated(root, &report_name, size.report_accounts, wechat_data::write_exports);
    let ruleset = project::open(&ruleset_path, Some(&report_data)).expect("the example ruleset opens");
    let out = root.join("target/bench-data/reports");
    let report_times = time(runs, || {
        let options = ReportOptions {
            formats: vec![ReportFormat::Html],
            locale: kpi::ruleset::model::Locale::ZhCn,
            // The consultant's copy, the heavier: every KPI's calculation explained in every report.
            audience: kpi::ruleset::model::Audience::Internal,
            templates: None,
            reference_docx: None,
            paper: kpi::ruleset::model::Paper::A4,
            per_entity: true,
            book: false,
            period: None,
            output: out.clone(),
            rollup: None,
        };
        let evaluation = engine::evaluate_with(&ruleset, options.probes(&ruleset)).expect("the engine evaluates");
        render_reports(&ruleset, &evaluation, &options, &|_, _| {}).expect("the reports render").files.len()
    });
    println!(
        "kpi report --per-entity --format html, {} accounts (as many entity reports and the portfolio): median {:.3?} of {runs} runs {report_times:.3?}",
        size.report_accounts,
        median(&report_times)
    );
}

/// The largest size: `accounts` accounts × 365 days of the users and articles exports alone
/// (one row of each per account and day: 140,000 accounts make 102 million rows), appraised
/// once by `kpi run --format parquet`, with its time and peak memory. The other sources of the
/// ruleset have no files, which `kpi run` warns about.
fn large(accounts: usize) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let name = format!("wechat-large-{accounts}x365");
    let data = generated(root, &name, accounts, wechat_data::write_users_and_articles);
    let files = data.join("data");
    let bytes: u64 = std::fs::read_dir(&files).unwrap().map(|e| e.unwrap().metadata().unwrap().len()).sum();
    let rows = accounts * 365 * 2;
    println!("data: {} ({rows} rows, {:.0} MB of CSV)", files.display(), bytes as f64 / 1e6);
    let out = root.join("target/bench-data/processes");
    std::fs::create_dir_all(&out).unwrap();
    let mut kpi = Command::new(env!("CARGO_BIN_EXE_kpi"));
    kpi.arg("run").arg(root.join("benches/wechat/ruleset.yaml")).arg("--data").arg(&data);
    kpi.args(["--format", "parquet", "-o"]).arg(out.join("kpi-large.parquet"));
    let (time, memory) = run_process(&mut kpi);
    let gib = memory as f64 / 1024.0 / 1024.0 / 1024.0;
    let per_row = (time.as_secs_f64() * 1e9 / rows as f64, memory as f64 / rows as f64);
    println!("kpi run --format parquet (process): {time:.1?}; peak {gib:.2} GiB");
    println!("per source row: {:.0} ns, {:.0} bytes of peak memory", per_row.0, per_row.1);
}

/// `kpi run` (its KPI rows as Parquet and CSV, the whole appraisal as JSON) and the Python
/// scripts of benches/python, each as a process (read the CSVs, compute, write the results), run
/// in turn.
fn processes(root: &Path, data: &Path, size: Size) {
    let out = root.join("target/bench-data/processes");
    std::fs::create_dir_all(&out).unwrap();
    let mut commands = Vec::new();
    for (name, format) in
        [("kpi run --format parquet", "parquet"), ("kpi run --format json", "json"), ("kpi run --format csv", "csv")]
    {
        let mut kpi = Command::new(env!("CARGO_BIN_EXE_kpi"));
        kpi.arg("run").arg(root.join("benches/wechat/ruleset.yaml")).arg("--data").arg(data);
        kpi.args(["--format", format, "-o"]).arg(out.join(format!("kpi.{format}")));
        commands.push((name, kpi));
    }
    match python_with_dataframes(root) {
        Some(python) => {
            let versions =
                "import sys, polars, pandas; print(sys.version.split()[0], polars.__version__, pandas.__version__)";
            let versions = Command::new(&python).args(["-c", versions]).output().expect("python runs");
            println!("python, python-polars, pandas: {}", String::from_utf8_lossy(&versions.stdout).trim());
            // pandas takes ten times as long: the scaling runs leave it out.
            let peers = [("polars", "python + polars"), ("pandas", "python + pandas")];
            for (library, name) in peers.into_iter().take(if size.scaling { 1 } else { 2 }) {
                let mut command = Command::new(&python);
                command.arg(root.join(format!("benches/python/wechat_kpis_{library}.py")));
                command.arg(data.join("data")).arg(out.join(format!("{library}.csv")));
                commands.push((name, command));
            }
        }
        // The small run is CI's check that the peers still run: there, a missing peer fails.
        None if std::env::var_os("KPI_BENCH_SMALL").is_some() => {
            panic!("python with polars and pandas is not available")
        }
        None => println!("python with polars and pandas is not available: the Python comparison is left out"),
    }
    compare_processes(commands, size.runs);
    if let Some(python) = python_with_dataframes(root).filter(|_| !size.scaling) {
        xlsx_reading(root, &python, &out, size);
    }
}

/// Reading a workbook of `size.xlsx_rows` rows: `kpi run` on it against pandas with openpyxl and
/// with calamine, each summing two columns per account and month.
fn xlsx_reading(root: &Path, python: &Path, out: &Path, size: Size) {
    let data = root.join(format!("target/bench-data/xlsx-{}", size.xlsx_rows));
    let book = data.join("data.xlsx");
    if !book.exists() {
        std::fs::create_dir_all(&data).unwrap();
        let mut make = Command::new(python);
        make.arg(root.join("benches/python/make_xlsx.py")).arg(size.xlsx_rows.to_string()).arg(&book);
        run_process(&mut make);
    }
    let mut kpi = Command::new(env!("CARGO_BIN_EXE_kpi"));
    kpi.arg("run").arg(root.join("benches/xlsx/ruleset.yaml")).arg("--data").arg(&data);
    kpi.args(["--format", "csv", "-o"]).arg(out.join("kpi-xlsx.csv"));
    let mut commands = vec![("kpi run, xlsx", kpi)];
    for engine in ["openpyxl", "calamine"] {
        let mut command = Command::new(python);
        command.arg(root.join("benches/python/xlsx_sums_pandas.py")).arg(engine).arg(&book);
        command.arg(out.join(format!("pandas-{engine}.csv")));
        commands
            .push((if engine == "openpyxl" { "pandas + openpyxl, xlsx" } else { "pandas + calamine, xlsx" }, command));
    }
    println!("xlsx of {} rows: {}", size.xlsx_rows, book.display());
    compare_processes(commands, size.runs);
}

/// Runs the commands in turn, `runs` times, and prints each one's median time and peak memory,
/// and each `kpi run`'s ratios to python + polars, the goal being 1.1 for Parquet and 1.3 for JSON.
fn compare_processes(mut commands: Vec<(&str, Command)>, runs: usize) {
    let mut measured: Vec<(Vec<Duration>, u64)> = vec![(Vec::new(), 0); commands.len()];
    for _ in 0..runs {
        for ((_, command), (times, peak)) in commands.iter_mut().zip(&mut measured) {
            let (time, memory) = run_process(command);
            times.push(time);
            *peak = (*peak).max(memory);
        }
    }
    let polars = commands.iter().position(|(name, _)| *name == "python + polars").map(|at| &measured[at]);
    for ((name, _), (times, peak)) in commands.iter().zip(&measured) {
        let mib = *peak as f64 / 1024.0 / 1024.0;
        print!("{name} (process): median {:.3?} of {runs} runs {times:.3?}; peak {mib:.0} MiB", median(times));
        match polars {
            Some((polars_times, polars_peak)) if name.starts_with("kpi") => {
                let time = median(times).as_secs_f64() / median(polars_times).as_secs_f64();
                println!("; / python + polars: time {time:.2}, memory {:.2}", *peak as f64 / *polars_peak as f64);
            }
            _ => println!(),
        }
    }
}

/// A Python with polars, pandas and the two workbook readers pandas uses (openpyxl and
/// python-calamine): a virtual environment under target/, made on first use and completed when
/// a package is missing.
fn python_with_dataframes(root: &Path) -> Option<PathBuf> {
    let venv = root.join("target/bench-venv");
    let python = venv.join("bin/python");
    if !python.exists() && !Command::new("python3").arg("-m").arg("venv").arg(&venv).status().ok()?.success() {
        return None;
    }
    let imports = "import polars, pandas, openpyxl, python_calamine";
    let complete =
        |python: &Path| Command::new(python).args(["-c", imports]).output().is_ok_and(|o| o.status.success());
    if !complete(&python) {
        let packages = ["polars", "pandas", "openpyxl", "python-calamine"];
        let _ = Command::new(&python).args(["-m", "pip", "install", "--quiet"]).args(packages).status();
    }
    complete(&python).then_some(python)
}

/// Times `a` and `b` in turn, `runs` times each, so that what else the machine does slows both
/// alike.
fn time_alternately(
    runs: usize,
    mut a: impl FnMut() -> usize,
    mut b: impl FnMut() -> usize,
) -> (Vec<Duration>, Vec<Duration>) {
    let mut times = (Vec::new(), Vec::new());
    for _ in 0..runs {
        times.0.push(time_once(&mut a));
        times.1.push(time_once(&mut b));
    }
    times
}

fn time_once(run: &mut impl FnMut() -> usize) -> Duration {
    let started = Instant::now();
    std::hint::black_box(run());
    started.elapsed()
}

fn time(runs: usize, mut run: impl FnMut() -> usize) -> Vec<Duration> {
    (0..runs).map(|_| time_once(&mut run)).collect()
}

fn median(times: &[Duration]) -> Duration {
    let mut sorted = times.to_vec();
    sorted.sort();
    sorted[sorted.len() / 2]
}

fn scan(dir: &Path, name: &str, date: &str) -> LazyFrame {
    let path: PathBuf = dir.join(name);
    read_csv(&path, true).with_column(col(date).dt().truncate(lit("1mo")).alias("month"))
}

/// A CSV read whole with polars' reader, as the engine's build of polars has no lazy CSV scan.
fn read_csv(path: &Path, try_parse_dates: bool) -> LazyFrame {
    CsvReadOptions::default()
        .with_has_header(true)
        .map_parse_options(move |options| options.with_try_parse_dates(try_parse_dates))
        .try_into_reader_with_file_path(Some(path.to_path_buf()))
        .unwrap()
        .finish()
        .unwrap()
        .lazy()
}

fn by_month(frame: LazyFrame, aggregations: Vec<Expr>) -> LazyFrame {
    frame.group_by([col("公众号"), col("month")]).agg(aggregations)
}

fn per_account(e: Expr) -> Expr {
    e.over([col("公众号")]).unwrap()
}

fn per_month(e: Expr) -> Expr {
    e.over([col("month")]).unwrap()
}

fn attainment(value: &str, target: &str, lower: bool) -> Expr {
    let ratio = if lower { col(target) / col(value) } else { col(value) / col(target) };
    (ratio.clip(lit(0.0), lit(1.2)) * lit(100.0)).alias(format!("score_{value}"))
}

/// The example ruleset's measures, KPIs, targets and scores, as a polars user would write them.
fn hand_written(dir: &Path) -> LazyFrame {
    let users =
        concat([scan(dir, "users-2025.csv", "时间"), scan(dir, "users-2026.csv", "时间")], UnionArgs::default())
            .unwrap()
            .sort(["时间"], SortMultipleOptions::default().with_maintain_order(true));
    let users = by_month(
        users,
        vec![
            col("新关注人数").sum().alias("new_follows"),
            col("取消关注人数").sum().alias("unfollows"),
            col("累积关注人数").first().alias("followers_start"),
            col("累积关注人数").last().alias("followers"),
        ],
    );
    let articles = by_month(
        scan(dir, "articles.csv", "发表日期"),
        vec![
            col("送达人数").sum().alias("delivered"),
            col("公众号消息阅读人数").sum().alias("chat_readers"),
            col("图文阅读人数").sum().alias("readers"),
            col("图文阅读人数").mean().alias("readers_per_article"),
            col("图文阅读次数").sum().alias("reads"),
            col("分享人数").sum().alias("sharers"),
            (col("点赞数") + col("评论数")).sum().alias("likes_and_comments"),
        ],
    );
    let messages = by_month(
        scan(dir, "messages.csv", "日期"),
        vec![col("消息发送次数").sum().alias("messages_received"), col("回复次数").sum().alias("message_replies")],
    );
    let features = by_month(
        scan(dir, "features.csv", "日期"),
        vec![(col("菜单点击人数") + col("小程序访问人数")).sum().alias("feature_users")],
    );
    let events = by_month(
        scan(dir, "events.csv", "活动日期"),
        vec![col("触达人数").sum().alias("event_reach"), col("参与人数").sum().alias("event_participants")],
    );
    let ads = by_month(
        scan(dir, "ads.csv", "日期"),
        vec![
            col("曝光次数").sum().alias("impressions"),
            col("点击次数").sum().alias("clicks"),
            col("花费").sum().alias("ad_spend"),
            col("成交金额").sum().alias("ad_revenue"),
            col("销售线索数").sum().alias("leads_generated"),
        ],
    );
    let conversions = by_month(
        scan(dir, "conversions.csv", "日期"),
        vec![(col("下单数") + col("留资数") + col("注册数")).sum().alias("conversions")],
    );
    let audience = read_csv(&dir.join("audience.csv"), false)
        .with_column((col("月份") + lit("-01")).str().to_date(StrptimeOptions::default()).alias("month"));
    let audience = by_month(
        audience,
        vec![col("粉丝总数").last().alias("audience_total"), col("目标受众粉丝数").last().alias("audience_in_target")],
    );
    let reviews = read_csv(&dir.join("reviews.csv"), false)
        .with_column((col("月份") + lit("-01")).str().to_date(StrptimeOptions::default()).alias("month"));
    let reviews = by_month(
        reviews,
        vec![
            ((col("标题吸引力") + col("正文实用性") + col("栏目设计") + col("多媒体使用")) / lit(4.0))
                .mean()
                .alias("review_score"),
        ],
    );

    // Every account × every month, so that `prev` is calendar-correct.
    let accounts = users.clone().select([col("公众号")]).unique(None, UniqueKeepStrategy::Any);
    let months = users.clone().select([col("month")]).unique(None, UniqueKeepStrategy::Any);
    let mut grid = accounts.cross_join(months, None).sort(["公众号", "month"], SortMultipleOptions::default());
    for frame in [users, articles, messages, features, events, ads, conversions, audience, reviews] {
        grid = grid.join(
            frame,
            [col("公众号"), col("month")],
            [col("公众号"), col("month")],
            JoinArgs::new(JoinType::Left),
        );
    }
    grid.with_columns([
        (col("new_follows") - col("unfollows")).alias("net_follower_growth"),
        (col("followers") / per_account(col("followers_start").shift(lit(2))) - lit(1.0))
            .alias("compound_follower_growth"),
        (col("unfollows") / col("followers_start")).alias("churn_rate"),
        (col("audience_in_target") / col("audience_total")).alias("follower_precision"),
        (col("readers_per_article") / col("followers")).alias("read_rate"),
        (col("chat_readers") / col("delivered")).alias("open_rate"),
        (col("sharers") / col("readers")).alias("share_rate"),
        (col("reads") / per_account(col("reads").shift(lit(1))) - lit(1.0)).alias("reads_mom"),
        (col("review_score") / lit(10.0)).alias("content_value"),
        ((col("likes_and_comments") + col("message_replies")) / col("followers")).alias("interaction_rate"),
        (col("event_participants") / col("event_reach")).alias("activity_participation_rate"),
        (col("feature_users") / col("followers")).alias("feature_usage_rate"),
        (col("message_replies") / col("messages_received")).alias("message_reply_rate"),
        (col("conversions") / col("reads")).alias("conversion_rate"),
        ((col("ad_revenue") - col("ad_spend")) / col("ad_spend")).alias("roi"),
        (col("ad_spend") / col("impressions") * lit(1000.0)).alias("cpm"),
        (col("ad_spend") / col("clicks")).alias("cpc"),
        col("leads_generated").alias("leads"),
        col("new_follows").alias("new_followers"),
    ])
    .with_columns([(col("content_value") * col("interaction_rate") * col("feature_usage_rate")).alias("loyalty")])
    .with_columns([
        per_month(col("follower_precision").mean()).alias("target_follower_precision"),
        per_month(col("share_rate").mean()).alias("target_share_rate"),
        per_month(col("feature_usage_rate").mean()).alias("target_feature_usage_rate"),
        per_month(col("loyalty").mean()).alias("target_loyalty"),
        per_month(col("conversion_rate").mean()).alias("target_conversion_rate"),
        per_month(col("cpc").mean()).alias("target_cpc"),
        per_account(col("leads").shift(lit(1))).alias("target_leads"),
        per_account(col("new_followers").rolling_mean(RollingOptionsFixedWindow {
            window_size: 3,
            min_periods: 1,
            ..Default::default()
        }))
        .alias("target_new_followers"),
        lit(0.2).alias("target_compound_follower_growth"),
        lit(0.02).alias("target_churn_rate"),
        lit(0.3).alias("target_read_rate"),
        lit(0.4).alias("target_open_rate"),
        lit(0.15).alias("target_reads_mom"),
        lit(0.8).alias("target_content_value"),
        lit(0.1).alias("target_interaction_rate"),
        lit(0.2).alias("target_activity_participation_rate"),
        lit(0.85).alias("target_message_reply_rate"),
    ])
    .with_columns([
        attainment("compound_follower_growth", "target_compound_follower_growth", false),
        attainment("churn_rate", "target_churn_rate", true),
        attainment("follower_precision", "target_follower_precision", false),
        attainment("read_rate", "target_read_rate", false),
        attainment("open_rate", "target_open_rate", false),
        attainment("share_rate", "target_share_rate", false),
        attainment("reads_mom", "target_reads_mom", false),
        attainment("content_value", "target_content_value", false),
        attainment("interaction_rate", "target_interaction_rate", false),
        attainment("activity_participation_rate", "target_activity_participation_rate", false),
        attainment("feature_usage_rate", "target_feature_usage_rate", false),
        attainment("loyalty", "target_loyalty", false),
        attainment("message_reply_rate", "target_message_reply_rate", false),
        attainment("conversion_rate", "target_conversion_rate", false),
        attainment("cpc", "target_cpc", true),
        attainment("leads", "target_leads", false),
        attainment("new_followers", "target_new_followers", false),
        (col("roi") / lit(2.0) * lit(100.0)).clip(lit(0.0), lit(100.0)).alias("score_roi"),
        ((col("cpm") - lit(24.0)) / lit(-12.0) * lit(100.0)).clip(lit(0.0), lit(100.0)).alias("score_cpm"),
    ])
}
