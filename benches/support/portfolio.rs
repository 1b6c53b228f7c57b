//! What the benchmarks share: the generated portfolio they run on, and a process timed with
//! its peak memory.

#[path = "../../examples/support/wechat_data.rs"]
#[allow(dead_code)]
pub mod wechat_data;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use chrono::NaiveDate;

/// The generator's writer of a portfolio's exports, from its first day to its last.
pub type Write = fn(&Path, &mut [wechat_data::Account], NaiveDate, NaiveDate, u64) -> std::io::Result<()>;

/// A generated portfolio of `accounts` accounts × 365 days in `target/bench-data/NAME`, written
/// by `write` once and reused.
pub fn generated(root: &Path, name: &str, accounts: usize, write: Write) -> PathBuf {
    let data = root.join(format!("target/bench-data/{name}"));
    let files = data.join("data");
    if !files.join("articles.csv").exists() {
        let started = Instant::now();
        let mut random = wechat_data::Random::new(7);
        let mut portfolio: Vec<_> = (0..accounts).map(|i| wechat_data::Account::random(i, &mut random)).collect();
        let start = NaiveDate::from_ymd_opt(2025, 11, 1).unwrap();
        let end = NaiveDate::from_ymd_opt(2026, 10, 31).unwrap();
        write(&files, &mut portfolio, start, end, 7).expect("write the benchmark data");
        eprintln!("generated {accounts} accounts × 365 days in {:.1?}", started.elapsed());
        // The generator's memory, freed, goes back to the system: a child forked later would
        // otherwise start its count of peak memory at this process's size (see [`run_process`]).
        // SAFETY: malloc_trim only returns free pages of the allocator's own heap.
        unsafe { libc::malloc_trim(0) };
    }
    data
}

/// A command's wall time and peak resident memory (bytes), as the kernel counted it for that
/// child alone: `wait4` waits for it, which `Child::wait` cannot do with its usage. Linux starts
/// a child's count at its parent's size when it forks, so this runs before the benchmark reads
/// any data, while it is small.
#[allow(clippy::zombie_processes)]
pub fn run_process(command: &mut Command) -> (Duration, u64) {
    let started = Instant::now();
    let child = command.stdout(std::process::Stdio::null()).stderr(std::process::Stdio::null()).spawn();
    let child = child.expect("the command starts");
    let (mut status, mut usage) = (0, unsafe { std::mem::zeroed::<libc::rusage>() });
    // SAFETY: the pid is this process's child, not yet waited for; status and usage are ours.
    let waited = unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage) };
    let elapsed = started.elapsed();
    assert!(
        waited > 0 && libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "{command:?} failed: run it by hand"
    );
    (elapsed, usage.ru_maxrss as u64 * 1024)
}
