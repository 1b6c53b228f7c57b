//! A third party's parser run in a process of its own, with limits on its memory and processor
//! time. The workbook reader allocates what a file's headers claim (a damaged `.xls` can claim
//! a terabyte) before it checks them, and a failed allocation aborts a process; in a process of
//! its own, that stops the parser, and the run reports the file.
//!
//! The process is this same program started again (`/proc/self/exe`) with the name of its task
//! in an environment variable: a task declares an [`entry`] that runs before `main` in every
//! program that links the library, serves the request on standard input and leaves. A fresh
//! process shares no thread or lock with the run, and sends back only bytes.

use std::io::{Read, Write};
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};

use crate::contain::contain;

/// What a task's process may use: memory above the program's own size, and processor time.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub memory_bytes: u64,
    pub cpu_seconds: u64,
}

/// Why a task gave no result.
#[derive(Debug, PartialEq, Eq)]
pub enum Stopped {
    /// It needed more memory than its limit (or asked for an impossible amount).
    Memory,
    /// It used up its processor time.
    Time,
    /// It panicked, with this message.
    Panicked(String),
    /// It died of a signal or failed to start.
    Failed(String),
}

/// The exit code of a task that panicked; the message is its output.
const PANICKED: i32 = 101;

/// The environment variable that names the task a process is started for.
const TASK: &str = "KPI_ISOLATED_TASK";

/// Runs `task` on `request` in a process of its own within `limits`, and returns its output.
pub fn run(task: &str, request: &[u8], limits: Limits) -> Result<Vec<u8>, Stopped> {
    let program = std::fs::metadata("/proc/self/exe").map(|m| m.len()).unwrap_or(0);
    let memory = program.saturating_add(limits.memory_bytes);
    let mut command = Command::new("/proc/self/exe");
    command.env(TASK, task).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::null());
    // SAFETY: between fork and exec, only setrlimit, which is async-signal-safe.
    unsafe {
        command.pre_exec(move || {
            limit(libc::RLIMIT_AS, memory);
            limit(libc::RLIMIT_CPU, limits.cpu_seconds);
            limit(libc::RLIMIT_CORE, 0);
            Ok(())
        });
    }
    let mut child = command.spawn().map_err(|e| Stopped::Failed(format!("it could not start: {e}")))?;
    let mut stdin = child.stdin.take().expect("a piped stdin");
    // Written from a thread of its own, so that a large request and a large answer cannot
    // wait on each other.
    let request = request.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&request));
    let mut output = Vec::new();
    let read = child.stdout.take().expect("a piped stdout").read_to_end(&mut output);
    let _ = writer.join();
    let status = child.wait().map_err(|e| Stopped::Failed(e.to_string()))?;
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (Some(0), _) if read.is_ok() => Ok(output),
        (Some(PANICKED), _) => {
            let message = String::from_utf8_lossy(&output).into_owned();
            // A failed allocation under the limit panics where a dependency reserves space.
            match message.contains("capacity overflow") || message.contains("memory allocation") {
                true => Err(Stopped::Memory),
                false => Err(Stopped::Panicked(message)),
            }
        }
        (Some(code), _) => Err(Stopped::Failed(format!("it exited with code {code}"))),
        (None, Some(libc::SIGXCPU | libc::SIGKILL)) => Err(Stopped::Time),
        // An allocation the limit refuses aborts the process.
        (None, Some(libc::SIGABRT | libc::SIGSEGV)) => Err(Stopped::Memory),
        (None, signal) => Err(Stopped::Failed(format!("it stopped on signal {}", signal.unwrap_or(0)))),
    }
}

/// The start of a task's process: when this process was started for `task`, serves the request
/// on standard input with `work` and leaves; otherwise returns at once. Called from a function
/// in `.init_array`, before `main`.
pub fn entry(task: &str, work: fn(&[u8]) -> Vec<u8>) {
    if std::env::var_os(TASK).is_none_or(|named| named != task) {
        return;
    }
    let mut request = Vec::new();
    let (code, output) = match std::io::stdin().lock().read_to_end(&mut request) {
        Ok(_) => match contain(|| work(&request)) {
            Ok(output) => (0, output),
            Err(message) => (PANICKED, message.into_bytes()),
        },
        Err(e) => (PANICKED, e.to_string().into_bytes()),
    };
    let _ = std::io::stdout().lock().write_all(&output);
    let _ = std::io::stdout().lock().flush();
    // SAFETY: leaves the process without running `main`.
    unsafe { libc::_exit(code) }
}

fn limit(resource: libc::__rlimit_resource_t, value: u64) {
    let limit = libc::rlimit { rlim_cur: value, rlim_max: value };
    // SAFETY: sets a limit of the child process.
    unsafe { libc::setrlimit(resource, &limit) };
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: Limits = Limits { memory_bytes: 256 << 20, cpu_seconds: 60 };

    /// The tasks of these tests: what their request asks.
    fn test_task(request: &[u8]) -> Vec<u8> {
        match request {
            b"echo" => b"cells".to_vec(),
            b"huge" => vec![1u8; 64 << 30],
            b"panic" => panic!("index out of bounds: the len is 3"),
            _ => {
                let mut n = 0u64;
                loop {
                    n = std::hint::black_box(n.wrapping_add(1));
                }
            }
        }
    }

    #[used]
    #[unsafe(link_section = ".init_array")]
    static TEST_TASK: extern "C" fn() = {
        extern "C" fn start() {
            entry("test", test_task);
        }
        start
    };

    #[test]
    fn a_task_gives_its_bytes() {
        assert_eq!(run("test", b"echo", LIMITS), Ok(b"cells".to_vec()));
    }

    #[test]
    fn a_task_that_asks_for_too_much_memory_or_panics_is_stopped_and_the_run_goes_on() {
        assert_eq!(run("test", b"huge", LIMITS), Err(Stopped::Memory));
        let panicked = run("test", b"panic", LIMITS);
        assert!(matches!(&panicked, Err(Stopped::Panicked(m)) if m.contains("index out of bounds")), "{panicked:?}");
    }

    #[test]
    fn a_task_that_never_ends_is_stopped_by_its_processor_time() {
        let limits = Limits { cpu_seconds: 1, ..LIMITS };
        assert_eq!(run("test", b"endless", limits), Err(Stopped::Time));
    }
}
