//! The fuzz targets: random and mutated inputs for the formula parser and checker, the ruleset
//! loader (YAML, `extends`, the shape check, validation) and the readers of numbers and dates
//! written for people, and the file readers (damaged workbooks, HTML tables, CSV and NDJSON).
//! Every input must come back as a value or an error: a panic, a stack overflow or an input
//! slower than its size explains is a defect. `fuzz/main.rs` runs millions of them; the test
//! suite runs a few thousand on every build.
//!
//! Time is measured so that a busy machine cannot fail a run: an input is slow by the CPU time
//! of its own thread (which another process cannot add to), and an input that never returns is
//! caught by a watchdog after minutes of wall-clock time, far past any loaded machine's delay.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, Once};
use std::thread::ThreadId;
use std::time::{Duration, Instant};

use kpi::engine::{numbers, sniff};
use kpi::expr::{ColumnLookup, Namespace, Place, Ref, Type, check, parse_condition, parse_formula};

/// The most CPU time one input may take on its thread: a second in a release build, and a
/// debug build (the test suite's) is some twenty times slower.
pub const SLOW: Duration = Duration::from_secs(if cfg!(debug_assertions) { 30 } else { 1 });

/// The wall-clock time after which an input that has not returned counts as a hang.
pub const HANG: Duration = Duration::from_secs(600);

/// A small fast generator (xorshift64*): the same seed gives the same inputs.
pub struct Random(u64);

impl Random {
    pub fn new(seed: u64) -> Random {
        Random(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

/// A target: its name, its share of a run's inputs in percent, and one execution on a seed;
/// what the execution returns is how many inputs it ran.
pub type Target = (&'static str, usize, fn(&mut Random, &Corpus) -> usize);

pub const TARGETS: [Target; 6] = [
    ("formulas", 30, formulas),
    ("rulesets", 20, rulesets),
    ("numbers", 25, numbers_written),
    ("dates", 23, dates),
    // A thousand times slower than parsing alone: evaluating builds and runs a polars plan.
    ("evaluated", 1, evaluated),
    // As slow again: a file written, its workbook read in a process of its own, evaluated.
    ("files", 1, super::files::files),
];

/// Rulesets to mutate (the shipped ones and every error fixture), and data files to damage.
pub struct Corpus {
    rulesets: Vec<String>,
    pub files: Vec<super::files::Seed>,
    /// The fuzzed files' folder: removed after a run, kept after a defect, whose file it holds.
    pub dir: PathBuf,
}

impl Drop for Corpus {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

impl Corpus {
    pub fn load(root: &Path) -> Corpus {
        let mut rulesets = Vec::new();
        let folders = ["rulesets", "examples/wechat", "tests/fixtures/errors"];
        for folder in folders {
            collect_yaml(&root.join(folder), &mut rulesets);
        }
        assert!(!rulesets.is_empty(), "no ruleset to start from under {}", root.display());
        let dir = tempfile::Builder::new().prefix("kpi-fuzz-").tempdir().expect("a temporary folder").keep();
        let rows = "day,account,readers,title\n2026-01-05,a,10,x\n2026-01-20,a,0,y\n2026-02-03,b,-3,x\n\
                    2026-02-04,b,,z\n2026-03-15,c,1e300,x\n2026-03-16,a,7,y\n";
        std::fs::write(dir.join("articles.csv"), rows).expect("write the fuzz data");
        Corpus { rulesets, files: super::files::seeds(root), dir }
    }
}

fn collect_yaml(folder: &Path, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(folder) else { return };
    let mut paths: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            collect_yaml(&path, out);
        } else if path.extension().is_some_and(|e| e == "yaml") && !path.ends_with("strings.yaml") {
            out.extend(std::fs::read_to_string(&path));
        }
    }
}

thread_local! {
    /// The input being run, for the panic hook to print.
    static CURRENT: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

/// The inputs running now, by thread, with when each started: what the watchdog looks at.
static RUNNING: Mutex<Option<HashMap<ThreadId, (Instant, String)>>> = Mutex::new(None);

/// The input this thread is running, or ran last.
pub fn current_input() -> String {
    CURRENT.with(|input| input.borrow().clone())
}

/// Runs `f` on `input`, and fails loudly (with the input) when it takes more than [`SLOW`] of
/// this thread's CPU time; an input running past [`HANG`] stops the process.
pub fn timed<T>(input: &str, f: impl FnOnce() -> T) -> T {
    watch();
    CURRENT.with(|current| current.replace(input.to_string()));
    let thread = std::thread::current().id();
    running(|inputs| inputs.insert(thread, (Instant::now(), input.to_string())));
    let started = thread_cpu_time();
    let out = f();
    let took = thread_cpu_time().saturating_sub(started);
    running(|inputs| inputs.remove(&thread));
    assert!(took < SLOW, "an input took {took:?} of CPU time:\n{input}");
    out
}

fn running<T>(f: impl FnOnce(&mut HashMap<ThreadId, (Instant, String)>) -> T) -> T {
    let mut running = RUNNING.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    f(running.get_or_insert_with(HashMap::new))
}

/// Starts, once, the thread that stops the process when an input has run past [`HANG`]: a
/// loop that never ends would otherwise hold a run until its job's own time limit.
fn watch() {
    static STARTED: Once = Once::new();
    STARTED.call_once(|| {
        std::thread::spawn(|| {
            loop {
                std::thread::sleep(Duration::from_secs(1));
                let hung = running(|inputs| inputs.values().find(|(at, _)| at.elapsed() > HANG).cloned());
                if let Some((at, input)) = hung {
                    eprintln!("an input has run for {:?} without returning:\n{input}", at.elapsed());
                    std::process::abort();
                }
            }
        });
    });
}

/// The CPU time this thread has used.
fn thread_cpu_time() -> Duration {
    let mut now = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `now` is a valid timespec for the call to fill in.
    let read = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut now) };
    assert_eq!(read, 0, "the thread's CPU clock");
    Duration::new(now.tv_sec as u64, now.tv_nsec as u32)
}

// Formulas.

const NAMES: [&str; 8] =
    ["readers", "followers", "rate", "kind", "articles.readers", "articles.title", "value", "target"];
const FUNCTIONS: [&str; 22] = [
    "sum",
    "mean",
    "count",
    "first",
    "quantile",
    "abs",
    "round",
    "ln",
    "sqrt",
    "clamp",
    "coalesce",
    "nullif",
    "least",
    "prev",
    "change",
    "pct_change",
    "rolling_mean",
    "to_date",
    "rank",
    "zscore",
    "attainment",
    "linear",
];
const OPERATORS: [&str; 13] = ["+", "-", "*", "/", "^", "==", "!=", "<", "<=", ">", ">=", "and", "or"];
const LITERALS: [&str; 10] = ["1", "0", "30%", "1e308", "1e400", "-2", "1_000", "\"brand\"", "true", "null"];
const TOKENS: [&str; 14] = ["(", ")", ",", "=", "if", "then", "elif", "else", "not", "`", "\"", "'", "%", "."];

/// A formula grown from the grammar, `depth` levels at most.
fn formula(random: &mut Random, depth: usize) -> String {
    if depth == 0 || random.chance(25) {
        return match random.below(2) {
            0 => random.pick(&NAMES).to_string(),
            _ => random.pick(&LITERALS).to_string(),
        };
    }
    match random.below(6) {
        0 | 1 => {
            let op = random.pick(&OPERATORS);
            format!("{} {op} {}", formula(random, depth - 1), formula(random, depth - 1))
        }
        2 => {
            let function = random.pick(&FUNCTIONS);
            let args: Vec<String> = (0..random.below(4)).map(|_| formula(random, depth - 1)).collect();
            let named = if random.chance(20) { format!(", n = {}", random.below(40)) } else { String::new() };
            format!("{function}({}{named})", args.join(", "))
        }
        3 => format!("({})", formula(random, depth - 1)),
        4 => format!(
            "if {} then {} else {}",
            formula(random, depth - 1),
            formula(random, depth - 1),
            formula(random, depth - 1)
        ),
        _ => format!("{}{}", random.pick(&["-", "not ", "- "]), formula(random, depth - 1)),
    }
}

/// `text` with a few random edits: tokens, bytes and runs of characters put in, cut or repeated.
pub fn mutate(random: &mut Random, text: &str, edits: usize) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for _ in 0..edits {
        let at = random.below(chars.len() + 1);
        match random.below(6) {
            0 => chars.splice(at..at, random.pick(&TOKENS).chars()).for_each(drop),
            1 if at < chars.len() => {
                chars.remove(at);
            }
            2 => chars.insert(at, char::from_u32(random.below(0x3000) as u32).unwrap_or('?')),
            3 => {
                let end = (at + random.below(20)).min(chars.len());
                let run: Vec<char> = chars[at..end].to_vec();
                let times = random.below(30);
                for _ in 0..times {
                    chars.splice(at..at, run.iter().copied()).for_each(drop);
                }
            }
            4 => chars.splice(at..at, "((((((((".chars()).for_each(drop),
            _ => chars.splice(at..at, random.pick(&LITERALS).chars()).for_each(drop),
        }
    }
    chars.into_iter().collect()
}

fn formulas(random: &mut Random, _: &Corpus) -> usize {
    let depth = 1 + random.below(12);
    let grown = formula(random, depth);
    let edits = 1 + random.below(4);
    let text = if random.chance(50) { mutate(random, &grown, edits) } else { grown };
    timed(&text, || {
        let names = Names;
        if let Ok(parsed) = parse_formula(&text) {
            let _ = check(&parsed, &names, Place::GRID);
            let bands = ["good".to_string(), "poor".to_string()];
            let score = Place { what: "a score", value: true, target: true, bands: Some(&bands), ..Place::GRID };
            let _ = check(&parsed, &names, score);
        }
        let _ = parse_condition(&text);
    });
    1
}

/// What the fuzzed formulas can name.
struct Names;

impl Namespace for Names {
    fn lookup(&self, name: &str) -> Option<(Ref, Type)> {
        match name {
            "readers" | "followers" => Some((Ref::Measure(name.to_string()), Type::Number)),
            "rate" => Some((Ref::Kpi(name.to_string()), Type::Number)),
            "kind" => Some((Ref::Attribute(name.to_string()), Type::String)),
            _ => None,
        }
    }

    fn column(&self, source: &str, column: &str) -> ColumnLookup {
        let ty = match (source, column) {
            ("articles", "readers") => Type::Number,
            ("articles", "title") => Type::String,
            ("articles", _) => return ColumnLookup::UnknownColumn { known: vec!["readers".into(), "title".into()] },
            _ => return ColumnLookup::UnknownSource,
        };
        ColumnLookup::Found(Ref::Column { source: source.to_string(), column: column.to_string() }, ty)
    }

    fn names(&self) -> Vec<&str> {
        vec!["readers", "followers", "rate", "kind"]
    }

    fn sources(&self) -> Vec<&str> {
        vec!["articles"]
    }

    fn source_with_column(&self, column: &str) -> Option<&str> {
        matches!(column, "readers" | "title").then_some("articles")
    }
}

/// A formula grown from the grammar as a KPI over three accounts and three months of rows (and,
/// half the time, as a check on each row), evaluated: it must give values or an error of the
/// user's, never an internal error (a polars plan the engine built wrong).
fn evaluated(random: &mut Random, corpus: &Corpus) -> usize {
    let depth = 1 + random.below(6);
    let formula = formula(random, depth).replace('\'', "''");
    // Half the time the formula is also a check on each row, where its names are columns.
    let checks = if random.chance(50) { format!(", checks: ['{formula}']") } else { String::new() };
    let text = format!(
        "ruleset: fuzz\ngrain: {{ entity: account, period: month }}\n\
         sources:\n  articles: {{ path: articles.csv, date: day, entity: account, columns: {{ readers: readers, title: title }}{checks} }}\n\
         measures:\n  readers: sum(articles.readers)\n  followers: max(articles.readers)\n\
         kpis:\n  rate: {{ formula: readers }}\n  k: {{ formula: '{formula}', target: 'readers / 2', score: 'attainment(cap = 120%)' }}\n"
    );
    timed(&text, || {
        let dir = corpus.dir.clone();
        let file = kpi::location::SourceFile::new(dir.join("fuzz.yaml"), text.clone());
        let Ok(loaded) = kpi::ruleset::load_text(file, dir.clone()) else { return };
        let Ok(checked) = kpi::ruleset::validate(loaded, dir, &HashMap::new()) else { return };
        if let Err(errors) = kpi::engine::evaluate(&checked) {
            assert!(errors.exit_code() != 3, "an internal error for a formula that passed its check:\n{errors}");
        }
    });
    1
}

// Rulesets.

const YAML_TOKENS: [&str; 16] = [
    "&a ",
    "*a",
    "<<: *a",
    "- ",
    ": ",
    "\n  ",
    "\n",
    "{",
    "}",
    "[",
    "]",
    "extends: builtin:wechat-official-account\n",
    ".nan",
    "1e400",
    "remove: [kpis.read_rate]\n",
    "---\n",
];

fn rulesets(random: &mut Random, corpus: &Corpus) -> usize {
    let seed = random.pick(&corpus.rulesets).clone();
    let mut text = seed;
    for _ in 0..1 + random.below(6) {
        text = if random.chance(40) {
            let at = random.below(text.len() + 1);
            let at = (at..=text.len()).find(|i| text.is_char_boundary(*i)).unwrap_or(text.len());
            format!("{}{}{}", &text[..at], random.pick(&YAML_TOKENS), &text[at..])
        } else {
            mutate(random, &text, 1)
        };
    }
    timed(&text, || {
        let file = kpi::location::SourceFile::new(corpus.dir.as_path().join("fuzz.yaml"), text.clone());
        if let Ok(loaded) = kpi::ruleset::load_text(file, corpus.dir.clone()) {
            let _ = kpi::ruleset::validate(loaded, corpus.dir.clone(), &HashMap::new());
        }
    });
    1
}

// Numbers and dates written for people.

const NUMBER_PARTS: [&str; 24] = [
    "1", "23", "4.5", "0", ",", "，", ".", "%", "万", "亿", "+", "-", "¥", "$", "元", " ", "\u{a0}", "e", "E", "NaN",
    "inf", "N/A", "--", "x",
];

fn written(random: &mut Random, parts: &[&str], most: usize) -> String {
    (0..random.below(most)).map(|_| *random.pick(parts)).collect()
}

/// A batch of values through the reader of numbers as one column, as the engine reads a file,
/// with either decimal mark, and the sampler's choice of mark over chunks of them; each value
/// counts as one input.
fn numbers_written(random: &mut Random, _: &Corpus) -> usize {
    let values: Vec<String> = (0..1_000).map(|_| written(random, &NUMBER_PARTS, 8)).collect();
    let values: Vec<&str> = values.iter().map(String::as_str).collect();
    let joined = values.join("\n");
    let decimal = *random.pick(&numbers::Decimal::BOTH);
    timed(&joined, || {
        let markers = ["-1".to_string(), "暂无".to_string()];
        let notation = numbers::Notation { markers: &markers, decimal };
        let read = numbers::read(&values, notation);
        assert_eq!(read.len(), values.len());
        assert!(read.iter().flatten().all(|v| v.is_finite()), "a number read is not finite:\n{joined}");
        for chunk in values.chunks(20) {
            let _ = sniff::number_style(chunk.iter().copied(), notation);
            let column = ("n", chunk.iter().copied().enumerate().collect::<Vec<_>>());
            let _ = sniff::decimal(Some(b';'), &[column], &markers);
        }
    });
    values.len()
}

const DATE_PARTS: [&str; 22] = [
    "2026", "-", "/", ".", "10", "01", "31", "13", "0", "年", "月", "日", "时", "分", "秒", " ", "T", "08:30", ":",
    "-0001", "9999", "合计",
];

/// Sample columns of dates through the reader of date formats; each value counts as one input.
fn dates(random: &mut Random, _: &Corpus) -> usize {
    let mut count = 0;
    for _ in 0..50 {
        let values: Vec<String> = (0..1 + random.below(8)).map(|_| written(random, &DATE_PARTS, 9)).collect();
        let declared = random.chance(20).then(|| *random.pick(&["%Y-%m-%d", "%d/%m/%Y", "%Y年%m月%d日", "%", "%Q"]));
        let joined = values.join("\n");
        timed(&joined, || sniff::date_format(values.iter().map(String::as_str), declared).is_ok());
        count += values.len();
    }
    count
}
