//! Deterministic, realistic WeChat official account exports: the files the built-in
//! `wechat-official-account` ruleset reads, with the Chinese headers of the WeChat backend.
//! Used by `examples/generate_wechat.rs` (the example client's data) and by the benchmark.

use std::fmt::Write as _;
use std::io::Write;
use std::path::Path;

use chrono::{Datelike, NaiveDate};

/// SplitMix64: a small, fast, seedable generator, so the same seed writes the same bytes.
pub struct Random(u64);

impl Random {
    pub fn new(seed: u64) -> Random {
        Random(seed)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [lo, hi).
    pub fn between(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// A count around `mean`, never negative.
    pub fn count(&mut self, mean: f64) -> u64 {
        (mean * self.between(0.75, 1.25)).round().max(0.0) as u64
    }

    pub fn chance(&mut self, probability: f64) -> bool {
        self.between(0.0, 1.0) < probability
    }
}

/// One account's character: how big it is and how well each part of its work goes.
pub struct Account {
    pub name: String,
    pub kind: &'static str,
    pub owner: String,
    pub followers: f64,
    pub daily_new: f64,
    pub daily_churn: f64,
    pub read_rate: f64,
    pub open_rate: f64,
    pub share_rate: f64,
    pub reply_rate: f64,
    pub feature_rate: f64,
    pub participation: f64,
    pub cpm: f64,
    pub ctr: f64,
    pub return_on_spend: f64,
    pub conversion: f64,
    pub precision: f64,
    pub review: f64,
    /// A month (year, month) with no data at all, as when an export was forgotten.
    pub missing_month: Option<(i32, u32)>,
}

/// An account's followers on one day.
struct Growth {
    season: f64,
    new_follows: u64,
    unfollows: u64,
    followers: u64,
}

impl Account {
    /// The day's new and lost followers, and the followers they leave.
    fn grow(&mut self, day: NaiveDate, random: &mut Random) -> Growth {
        // A slow seasonal swing, so months differ.
        let season = 1.0 + 0.25 * ((day.ordinal() as f64) / 58.0).sin();
        let new_follows = random.count(self.followers * self.daily_new * season);
        let unfollows = random.count(self.followers * self.daily_churn / season.sqrt());
        self.followers += new_follows as f64 - unfollows as f64;
        Growth { season, new_follows, unfollows, followers: self.followers.round() as u64 }
    }
}

const KINDS: [&str; 3] = ["品牌曝光", "销售转化", "用户运营"];
const OWNERS: [&str; 6] = ["王芳", "李娜", "张伟", "刘洋", "陈静", "杨磊"];

impl Account {
    /// An account with its traits drawn from `random`, for large generated portfolios.
    pub fn random(index: usize, random: &mut Random) -> Account {
        let kind = KINDS[index % KINDS.len()];
        Account {
            name: format!("账号{:04}", index + 1),
            kind,
            owner: OWNERS[index % OWNERS.len()].to_string(),
            followers: random.between(5_000.0, 200_000.0),
            daily_new: random.between(0.001, 0.004),
            daily_churn: random.between(0.0003, 0.0012),
            read_rate: random.between(0.18, 0.55),
            open_rate: random.between(0.28, 0.55),
            share_rate: random.between(0.02, 0.09),
            reply_rate: random.between(0.65, 0.97),
            feature_rate: random.between(0.004, 0.01),
            participation: random.between(0.1, 0.32),
            cpm: random.between(10.0, 32.0),
            ctr: random.between(0.008, 0.03),
            return_on_spend: random.between(0.8, 3.5),
            conversion: random.between(0.005, 0.03),
            precision: random.between(0.5, 0.85),
            review: random.between(5.5, 9.5),
            missing_month: None,
        }
    }
}

/// The three accounts of the example client, 晨光咖啡: a brand account doing well, a shop
/// account with strong sales and weak content, and a members' club with a month missing.
pub fn example_accounts() -> Vec<Account> {
    vec![
        Account {
            name: "晨光咖啡".into(),
            kind: "品牌曝光",
            owner: "王芳".into(),
            followers: 86_000.0,
            daily_new: 0.0032,
            daily_churn: 0.0005,
            read_rate: 0.42,
            open_rate: 0.46,
            share_rate: 0.065,
            reply_rate: 0.9,
            feature_rate: 0.006,
            participation: 0.24,
            cpm: 18.0,
            ctr: 0.018,
            return_on_spend: 1.6,
            conversion: 0.008,
            precision: 0.72,
            review: 8.4,
            missing_month: None,
        },
        Account {
            name: "晨光咖啡商城".into(),
            kind: "销售转化",
            owner: "李娜".into(),
            followers: 41_000.0,
            daily_new: 0.0021,
            daily_churn: 0.0009,
            read_rate: 0.27,
            open_rate: 0.34,
            share_rate: 0.028,
            reply_rate: 0.8,
            feature_rate: 0.011,
            participation: 0.17,
            cpm: 26.0,
            ctr: 0.024,
            return_on_spend: 3.1,
            conversion: 0.026,
            precision: 0.64,
            review: 6.6,
            missing_month: None,
        },
        Account {
            name: "晨光会员俱乐部".into(),
            kind: "用户运营",
            owner: "张伟".into(),
            followers: 23_000.0,
            daily_new: 0.0015,
            daily_churn: 0.0007,
            read_rate: 0.36,
            open_rate: 0.41,
            share_rate: 0.045,
            reply_rate: 0.93,
            feature_rate: 0.009,
            participation: 0.29,
            cpm: 14.0,
            ctr: 0.012,
            return_on_spend: 1.2,
            conversion: 0.012,
            precision: 0.81,
            review: 7.9,
            missing_month: Some((2026, 3)),
        },
    ]
}

/// The CSV files of one source, built in memory and written at the end.
struct Csv {
    name: &'static str,
    text: String,
}

impl Csv {
    fn new(name: &'static str, header: &str) -> Csv {
        Csv { name, text: format!("{header}\n") }
    }

    fn row(&mut self, fields: std::fmt::Arguments) {
        let _ = self.text.write_fmt(fields);
        self.text.push('\n');
    }
}

const TITLES: [&str; 8] = [
    "秋季新品上市｜桂花拿铁限时尝鲜",
    "一杯好咖啡的 5 个秘密",
    "会员日福利：第二杯半价",
    "咖啡师教你在家做手冲",
    "晨光咖啡 × 城市书店联名活动",
    "冷萃与冰美式有什么不同？",
    "本周门店活动预告",
    "用户故事｜每天早上的第一杯",
];

/// Writes the exports of `accounts` for every day from `start` to `end` into `dir`.
pub fn write_exports(
    dir: &Path,
    accounts: &mut [Account],
    start: NaiveDate,
    end: NaiveDate,
    seed: u64,
) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let mut random = Random::new(seed);
    let mut users_by_year: std::collections::BTreeMap<i32, Csv> = std::collections::BTreeMap::new();
    let mut articles = Csv::new(
        "articles.csv",
        "公众号,发表日期,标题,送达人数,公众号消息阅读人数,图文阅读人数,图文阅读次数,分享人数,点赞数,评论数",
    );
    let mut messages = Csv::new("messages.csv", "日期,公众号,消息发送人数,消息发送次数,回复次数");
    let mut features = Csv::new("features.csv", "日期,公众号,菜单点击人数,菜单点击次数,小程序访问人数");
    let mut events = Csv::new("events.csv", "公众号,活动日期,活动名称,触达人数,参与人数");
    let mut ads = Csv::new("ads.csv", "日期,公众号,曝光次数,点击次数,花费,销售线索数,成交金额");
    let mut conversions = Csv::new("conversions.csv", "日期,公众号,下单数,留资数,注册数");
    let mut audience = Csv::new("audience.csv", "月份,公众号,粉丝总数,目标受众粉丝数");
    let mut reviews = Csv::new("reviews.csv", "月份,公众号,标题吸引力,正文实用性,栏目设计,多媒体使用");
    let mut accounts_csv = Csv::new("accounts.csv", "公众号,账号类型,负责人");

    for account in accounts.iter_mut() {
        accounts_csv.row(format_args!("{},{},{}", account.name, account.kind, account.owner));
        let mut day = start;
        while day <= end {
            let missing = account.missing_month == Some((day.year(), day.month()));
            let Growth { season, new_follows, unfollows, followers } = account.grow(day, &mut random);
            if !missing {
                let users = users_by_year.entry(day.year()).or_insert_with(|| {
                    Csv::new("users", "时间,公众号,新关注人数,取消关注人数,净增关注人数,累积关注人数")
                });
                users.row(format_args!(
                    "{day},{},{new_follows},{unfollows},{},{followers}",
                    account.name,
                    new_follows as i64 - unfollows as i64
                ));
                write_day(
                    account,
                    day,
                    followers,
                    season,
                    &mut random,
                    &mut articles,
                    &mut messages,
                    &mut features,
                    &mut events,
                    &mut ads,
                    &mut conversions,
                );
            }
            let month_end = day.succ_opt().is_none_or(|next| next.month() != day.month());
            if month_end && !missing {
                let month = format!("{}-{:02}", day.year(), day.month());
                let in_target = (followers as f64 * account.precision * random.between(0.97, 1.03)).round();
                audience.row(format_args!("{month},{},{followers},{in_target}", account.name));
                let score = |random: &mut Random| (account.review + random.between(-1.2, 1.2)).clamp(1.0, 10.0);
                let (a, b, c, d) = (score(&mut random), score(&mut random), score(&mut random), score(&mut random));
                reviews.row(format_args!("{month},{},{a:.1},{b:.1},{c:.1},{d:.1}", account.name));
            }
            day = day.succ_opt().expect("a next day");
        }
    }

    for (year, mut users) in users_by_year {
        // The user analysis export is UTF-8 with a byte-order mark, as the backend writes it.
        let path = dir.join(format!("users-{year}.csv"));
        let mut file = std::fs::File::create(path)?;
        file.write_all(b"\xEF\xBB\xBF")?;
        file.write_all(std::mem::take(&mut users.text).as_bytes())?;
    }
    for csv in [articles, messages, features, events, ads, conversions, audience, reviews, accounts_csv] {
        std::fs::write(dir.join(csv.name), csv.text)?;
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn write_day(
    account: &Account,
    day: NaiveDate,
    followers: u64,
    season: f64,
    random: &mut Random,
    articles: &mut Csv,
    messages: &mut Csv,
    features: &mut Csv,
    events: &mut Csv,
    ads: &mut Csv,
    conversions: &mut Csv,
) {
    let f = followers as f64;
    let mut reads_today = 0.0;
    if random.chance(0.8) {
        let title = TITLES[(day.ordinal() as usize) % TITLES.len()];
        let readers = random.count(f * account.read_rate * season.sqrt());
        // Most readers come from the push itself; pushes go to a tagged share of followers.
        let chat_readers = (readers as f64 * random.between(0.8, 0.9)).round();
        let delivered = (f * 0.85 * account.read_rate / account.open_rate * random.between(0.97, 1.03))
            .clamp(0.5 * f, 0.99 * f)
            .round();
        let reads = (readers as f64 * random.between(1.15, 1.45)).round();
        reads_today = reads;
        let sharers = random.count(readers as f64 * account.share_rate);
        let likes = random.count(readers as f64 * 0.007);
        let comments = random.count(readers as f64 * 0.0015);
        articles.row(format_args!(
            "{},{day},{title},{delivered},{chat_readers},{readers},{reads},{sharers},{likes},{comments}",
            account.name
        ));
    }
    let senders = random.count(f * 0.0008);
    let received = (senders as f64 * random.between(1.1, 1.6)).round();
    let replies = (received * account.reply_rate * random.between(0.95, 1.03)).round().min(received);
    messages.row(format_args!("{day},{},{senders},{received},{replies}", account.name));
    let menu_users = random.count(f * account.feature_rate * 0.45);
    let menu_clicks = (menu_users as f64 * random.between(1.2, 1.8)).round();
    let mini_program_users = random.count(f * account.feature_rate * 0.55);
    features.row(format_args!("{day},{},{menu_users},{menu_clicks},{mini_program_users}", account.name));
    if random.chance(0.07) {
        let reached = random.count(f * 0.3);
        let participants = random.count(reached as f64 * account.participation);
        events.row(format_args!("{},{day},{}月主题活动,{reached},{participants}", account.name, day.month()));
    }
    let impressions = random.count(f * 0.25);
    let spend = impressions as f64 / 1000.0 * account.cpm * random.between(0.9, 1.1);
    let clicks = random.count(impressions as f64 * account.ctr);
    let leads = random.count(clicks as f64 * 0.05);
    let revenue = spend * account.return_on_spend * random.between(0.8, 1.2);
    ads.row(format_args!("{day},{},{impressions},{clicks},{spend:.2},{leads},{revenue:.2}", account.name));
    let conversions_today = (reads_today.max(f * 0.08) * account.conversion).max(0.0);
    let orders = random.count(conversions_today * 0.5);
    let forms = random.count(conversions_today * 0.3);
    let signups = random.count(conversions_today * 0.2);
    conversions.row(format_args!("{day},{},{orders},{forms},{signups}", account.name));
}

/// Writes only the users and articles exports of `accounts` (one row of each per account and
/// day), straight to disk: the benchmark's largest size, 100 million rows, does not fit in the
/// memory `write_exports` builds its files in.
pub fn write_users_and_articles(
    dir: &Path,
    accounts: &mut [Account],
    start: NaiveDate,
    end: NaiveDate,
    seed: u64,
) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let mut random = Random::new(seed);
    let create =
        |name: &str| std::fs::File::create(dir.join(name)).map(|f| std::io::BufWriter::with_capacity(1 << 20, f));
    let mut users = create("users-all.csv")?;
    users.write_all("\u{feff}时间,公众号,新关注人数,取消关注人数,净增关注人数,累积关注人数\n".as_bytes())?;
    let mut articles = create("articles.csv")?;
    articles.write_all(
        "公众号,发表日期,标题,送达人数,公众号消息阅读人数,图文阅读人数,图文阅读次数,分享人数,点赞数,评论数\n"
            .as_bytes(),
    )?;
    for account in accounts.iter_mut() {
        let mut day = start;
        while day <= end {
            let Growth { season, new_follows, unfollows, followers } = account.grow(day, &mut random);
            let net = new_follows as i64 - unfollows as i64;
            writeln!(users, "{day},{},{new_follows},{unfollows},{net},{followers}", account.name)?;
            let f = followers as f64;
            let title = TITLES[(day.ordinal() as usize) % TITLES.len()];
            let readers = random.count(f * account.read_rate * season.sqrt());
            let chat_readers = (readers as f64 * random.between(0.8, 0.9)).round();
            let delivered = (f * 0.85 * account.read_rate / account.open_rate).clamp(0.5 * f, 0.99 * f).round();
            let reads = (readers as f64 * random.between(1.15, 1.45)).round();
            let sharers = random.count(readers as f64 * account.share_rate);
            let (likes, comments) = (random.count(readers as f64 * 0.007), random.count(readers as f64 * 0.0015));
            writeln!(
                articles,
                "{},{day},{title},{delivered},{chat_readers},{readers},{reads},{sharers},{likes},{comments}",
                account.name
            )?;
            day = day.succ_opt().expect("a next day");
        }
    }
    users.flush()?;
    articles.flush()
}
