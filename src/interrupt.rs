//! Ctrl-C and termination. A signal ends the process without running destructors, so the
//! run's private folders (a test case's rows, a browser's profile, the staging folder of a set
//! of reports) and the programs it drives (a browser) are remembered here: the programs are
//! stopped and the folders removed before the process ends with `128 + signal`. Nothing
//! half-written moves into place, and nothing private stays behind.

use std::io;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::sync::Mutex;
use std::time::Duration;

static FOLDERS: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
static PROCESSES: Mutex<Vec<u32>> = Mutex::new(Vec::new());

/// The signals that end a run: Ctrl-C, `kill`, and a closed terminal.
const SIGNALS: [libc::c_int; 3] = [libc::SIGINT, libc::SIGTERM, libc::SIGHUP];

/// Runs `make`, which creates private folders and returns them with its result, and
/// remembers them to remove should the process be interrupted. A signal that comes meanwhile
/// waits until they are remembered, so that none is created and then forgotten.
pub fn remembering<T>(make: impl FnOnce() -> (T, Vec<PathBuf>)) -> T {
    let mut folders = FOLDERS.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let (result, made) = make();
    folders.extend(made);
    result
}

/// A folder removed (or kept) by its owner: no longer this module's to remove.
pub fn forget(folder: &Path) {
    if let Ok(mut folders) = FOLDERS.lock() {
        folders.retain(|f| f != folder);
    }
}

/// Starts a program this process drives, and remembers it to stop should the process be
/// interrupted (before the folders are removed, so that it writes no more into them); a signal
/// that comes meanwhile waits until it is remembered.
pub fn spawn(command: &mut Command) -> io::Result<Child> {
    let mut processes = PROCESSES.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let child = command.spawn()?;
    processes.push(child.id());
    Ok(child)
}

/// A program that has ended, or been stopped by its owner.
pub fn forget_process(id: u32) {
    if let Ok(mut processes) = PROCESSES.lock() {
        processes.retain(|p| *p != id);
    }
}

/// Takes the signals that end a run away from every thread started after this call, and
/// starts one thread that waits for them: it removes the remembered folders and exits. Child
/// processes start with the signals as they were (the standard library resets their mask).
pub fn install() {
    // SAFETY: the set is initialised by sigemptyset before it is read; the calls only change
    // this thread's signal mask, which threads spawned later inherit.
    let set = unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        for signal in SIGNALS {
            libc::sigaddset(&mut set, signal);
        }
        if libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut()) != 0 {
            return;
        }
        set
    };
    std::thread::spawn(move || {
        let mut signal: libc::c_int = 0;
        // SAFETY: `set` holds only blocked signals, as sigwait requires.
        while unsafe { libc::sigwait(&set, &mut signal) } != 0 {}
        let processes = PROCESSES.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        for &id in processes.iter() {
            // SAFETY: signals and waits for a child of this process, which nothing else reaps.
            unsafe {
                libc::kill(id as libc::pid_t, libc::SIGKILL);
                libc::waitpid(id as libc::pid_t, std::ptr::null_mut(), 0);
            }
        }
        // Held until the process ends: no folder is made, and none forgotten, after this.
        let folders = FOLDERS.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        for folder in folders.iter() {
            // A stopped program's helpers may still be writing for a moment.
            for _ in 0..10 {
                if std::fs::remove_dir_all(folder).is_ok() || !folder.exists() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        std::process::exit(128 + signal);
    });
}
