//! The DevTools protocol over a pipe: Chromium started with `--remote-debugging-pipe` reads
//! commands on its file descriptor 3 and writes answers on 4, each a JSON text ended by a NUL
//! byte. No port is opened, so no other program can talk to the browser.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::process::Command;
use std::time::Duration;

use serde_json::{Value, json};

/// The longest one command may take: a portfolio of a thousand accounts prints in seconds; a
/// browser that hangs is stopped here rather than holding the run for ever.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(600);

/// The largest answer read: a PDF of a few hundred pages, in base64.
const MAX_ANSWER_BYTES: usize = 1024 * 1024 * 1024;

pub struct Pipe {
    to: File,
    from: BufReader<File>,
    next_id: u64,
}

impl Pipe {
    /// Gives `command` the browser's ends of two new pipes as its descriptors 3 and 4. The
    /// returned ends must be dropped once the command has been spawned, so that the pipe ends
    /// when the browser does.
    pub fn attach(command: &mut Command) -> io::Result<(Pipe, [OwnedFd; 2])> {
        let (commands_read, commands_write) = pipe()?;
        let (answers_read, answers_write) = pipe()?;
        let (child_in, child_out) = (commands_read.as_raw_fd(), answers_write.as_raw_fd());
        // SAFETY: between fork and exec only async-signal-safe calls are made (fcntl, dup2).
        unsafe {
            command.pre_exec(move || {
                // Copied above 4 first, so that neither end is overwritten by the other's dup2.
                let a = cvt(libc::fcntl(child_in, libc::F_DUPFD, 10))?;
                let b = cvt(libc::fcntl(child_out, libc::F_DUPFD, 10))?;
                cvt(libc::dup2(a, 3))?;
                cvt(libc::dup2(b, 4))?;
                libc::close(a);
                libc::close(b);
                Ok(())
            });
        }
        let pipe = Pipe { to: File::from(commands_write), from: BufReader::new(File::from(answers_read)), next_id: 0 };
        Ok((pipe, [commands_read, answers_write]))
    }

    /// Sends a command, and returns its result once its answer comes (events are skipped).
    pub fn call(&mut self, session: Option<&str>, method: &str, params: Value) -> Result<Value, String> {
        let id = self.send(session, method, params)?;
        loop {
            let answer = self.read()?;
            if answer.get("id").and_then(Value::as_u64) != Some(id) {
                continue;
            }
            if let Some(error) = answer.get("error") {
                let message = error.get("message").and_then(Value::as_str).unwrap_or("unknown error");
                return Err(format!("{method}: {message}"));
            }
            return Ok(answer.get("result").cloned().unwrap_or(Value::Null));
        }
    }

    /// Sends a command without waiting for its answer; returns its id.
    pub fn send(&mut self, session: Option<&str>, method: &str, params: Value) -> Result<u64, String> {
        self.next_id += 1;
        let mut message = json!({ "id": self.next_id, "method": method, "params": params });
        if let Some(session) = session {
            message["sessionId"] = json!(session);
        }
        let mut bytes = serde_json::to_vec(&message).map_err(|e| e.to_string())?;
        bytes.push(0);
        // A browser that has stopped reads no more: the same failure as one that stops answering.
        self.to.write_all(&bytes).map_err(|_| "the browser stopped".to_string())?;
        Ok(self.next_id)
    }

    fn read(&mut self) -> Result<Value, String> {
        if self.from.buffer().is_empty() && !readable(self.from.get_ref(), COMMAND_TIMEOUT) {
            return Err(format!("the browser gave no answer in {} s", COMMAND_TIMEOUT.as_secs()));
        }
        let mut bytes = Vec::new();
        let read = (&mut self.from).take(MAX_ANSWER_BYTES as u64).read_until(0, &mut bytes);
        match read {
            Ok(0) => Err("the browser stopped".to_string()),
            Ok(_) if bytes.last() != Some(&0) => Err("the browser's answer was cut off".to_string()),
            Ok(_) => serde_json::from_slice(&bytes[..bytes.len() - 1]).map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        }
    }
}

fn pipe() -> io::Result<(OwnedFd, OwnedFd)> {
    let mut fds = [0; 2];
    // SAFETY: `fds` has room for the two descriptors pipe2 writes.
    cvt(unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) })?;
    // SAFETY: both descriptors are new and owned by nothing else.
    Ok(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
}

/// Whether `file` has bytes to read (or has ended) within `timeout`.
fn readable(file: &File, timeout: Duration) -> bool {
    let mut poll = libc::pollfd { fd: file.as_raw_fd(), events: libc::POLLIN, revents: 0 };
    let millis = timeout.as_millis().min(i32::MAX as u128) as i32;
    loop {
        // SAFETY: one valid pollfd.
        match unsafe { libc::poll(&mut poll, 1, millis) } {
            -1 if io::Error::last_os_error().kind() == io::ErrorKind::Interrupted => continue,
            n => return n > 0,
        }
    }
}

fn cvt(result: i32) -> io::Result<i32> {
    match result {
        -1 => Err(io::Error::last_os_error()),
        n => Ok(n),
    }
}
