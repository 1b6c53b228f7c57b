//! A third party's parser run in a child process of its own, with limits on its memory and
//! processor time. The workbook reader allocates what a file's headers claim (a damaged `.xls`
//! can claim a terabyte) before it checks them, and a failed allocation aborts a process; in a
//! child, that stops the child, and the run reports the file. The child is a fork: it shares
//! nothing with the run but a copy of its memory at the fork, and sends back only bytes.

use std::fs::File;
use std::io::Read;
use std::os::fd::FromRawFd;

use crate::contain::contain;

/// What a child may use, above what the run used when it forked.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub memory_bytes: u64,
    pub cpu_seconds: u64,
}

/// Why a child gave no result.
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

/// The exit code of a child whose work panicked; the message follows on the pipe.
const PANICKED: i32 = 101;

/// Runs `work` in a child process within `limits`, and returns the bytes it gives.
pub fn run(limits: Limits, work: impl FnOnce() -> Vec<u8>) -> Result<Vec<u8>, Stopped> {
    let mut fds = [0; 2];
    // SAFETY: `fds` has room for the two descriptors pipe2 writes.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
        return Err(Stopped::Failed(std::io::Error::last_os_error().to_string()));
    }
    let (read_end, write_end) = (fds[0], fds[1]);
    let in_use = memory_in_use();
    // SAFETY: the child runs `work` on a copy of this thread's memory and leaves with `_exit`,
    // never returning into the caller; the parent only reads the pipe and waits.
    let pid = unsafe { libc::fork() };
    if pid == 0 {
        // SAFETY: the child's own copies of the descriptors. What the child or a dependency
        // would print (a failed allocation's message) is not the run's to show.
        unsafe {
            libc::close(read_end);
            let null = libc::open(c"/dev/null".as_ptr(), libc::O_WRONLY);
            libc::dup2(null, 1);
            libc::dup2(null, 2);
        }
        limit(libc::RLIMIT_AS, in_use.saturating_add(limits.memory_bytes));
        limit(libc::RLIMIT_CPU, limits.cpu_seconds);
        limit(libc::RLIMIT_CORE, 0);
        let (code, bytes) = match contain(work) {
            Ok(bytes) => (0, bytes),
            Err(message) => (PANICKED, message.into_bytes()),
        };
        write_all(write_end, &bytes);
        // SAFETY: leaves the child without running the parent's exit handlers or destructors.
        unsafe { libc::_exit(code) }
    }
    // SAFETY: the parent's copy of the write end is not used again.
    unsafe { libc::close(write_end) };
    if pid < 0 {
        // SAFETY: the read end is not used again.
        unsafe { libc::close(read_end) };
        return Err(Stopped::Failed(std::io::Error::last_os_error().to_string()));
    }
    // SAFETY: the read end is this function's own, and is closed when the file is dropped.
    let mut pipe = unsafe { File::from_raw_fd(read_end) };
    let mut bytes = Vec::new();
    let read = pipe.read_to_end(&mut bytes);
    let mut status = 0;
    // SAFETY: waits for the child forked above.
    unsafe { libc::waitpid(pid, &mut status, 0) };
    match (libc::WIFEXITED(status), libc::WEXITSTATUS(status)) {
        (true, 0) if read.is_ok() => Ok(bytes),
        (true, PANICKED) => {
            let message = String::from_utf8_lossy(&bytes).into_owned();
            // A failed allocation under the limit panics where a dependency reserves space.
            match message.contains("capacity overflow") || message.contains("memory allocation") {
                true => Err(Stopped::Memory),
                false => Err(Stopped::Panicked(message)),
            }
        }
        (true, code) => Err(Stopped::Failed(format!("it exited with code {code}"))),
        _ => match libc::WTERMSIG(status) {
            libc::SIGXCPU | libc::SIGKILL => Err(Stopped::Time),
            // An allocation the limit refuses aborts the child.
            libc::SIGABRT | libc::SIGSEGV => Err(Stopped::Memory),
            signal => Err(Stopped::Failed(format!("it stopped on signal {signal}"))),
        },
    }
}

/// The bytes of address space the process uses now.
fn memory_in_use() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: u64 = statm.split_whitespace().next().and_then(|p| p.parse().ok()).unwrap_or(0);
    // SAFETY: sysconf has no preconditions.
    let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) }.max(4096) as u64;
    pages.saturating_mul(page)
}

fn limit(resource: libc::__rlimit_resource_t, value: u64) {
    let limit = libc::rlimit { rlim_cur: value, rlim_max: value };
    // SAFETY: sets a limit of this (child) process.
    unsafe { libc::setrlimit(resource, &limit) };
}

fn write_all(fd: i32, mut bytes: &[u8]) {
    while !bytes.is_empty() {
        // SAFETY: writes from a live slice to the child's end of the pipe.
        let written = unsafe { libc::write(fd, bytes.as_ptr().cast(), bytes.len()) };
        if written <= 0 {
            return;
        }
        bytes = &bytes[written as usize..];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: Limits = Limits { memory_bytes: 256 << 20, cpu_seconds: 60 };

    #[test]
    fn a_child_gives_its_bytes() {
        assert_eq!(run(LIMITS, || b"cells".to_vec()), Ok(b"cells".to_vec()));
    }

    #[test]
    fn a_child_that_asks_for_too_much_memory_or_panics_is_stopped_and_the_run_goes_on() {
        let huge = run(LIMITS, || vec![1u8; 64 << 30]);
        assert_eq!(huge, Err(Stopped::Memory));
        let panicked = run(LIMITS, || -> Vec<u8> { panic!("index out of bounds: the len is 3") });
        assert!(matches!(&panicked, Err(Stopped::Panicked(m)) if m.contains("index out of bounds")), "{panicked:?}");
    }

    #[test]
    fn a_child_that_never_ends_is_stopped_by_its_processor_time() {
        let limits = Limits { cpu_seconds: 1, ..LIMITS };
        let endless = run(limits, || {
            let mut n = 0u64;
            loop {
                n = std::hint::black_box(n.wrapping_add(1));
            }
        });
        assert_eq!(endless, Err(Stopped::Time));
    }
}
