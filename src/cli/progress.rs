//! A progress bar on standard error, shown only when it is a terminal.

use std::io::{IsTerminal, Write};
use std::sync::Mutex;

pub struct Progress {
    label: &'static str,
    /// The last width drawn, so that the bar is redrawn only when it moves.
    drawn: Option<Mutex<usize>>,
}

const WIDTH: usize = 30;

impl Progress {
    pub fn new(label: &'static str) -> Progress {
        let drawn = std::io::stderr().is_terminal().then(|| Mutex::new(usize::MAX));
        Progress { label, drawn }
    }

    pub fn update(&self, done: usize, total: usize) {
        let Some(drawn) = &self.drawn else { return };
        let filled = (done * WIDTH).checked_div(total).unwrap_or(WIDTH);
        let mut last = drawn.lock().expect("the progress lock is never poisoned");
        if *last == filled && done != total {
            return;
        }
        *last = filled;
        let bar = format!("{}{}", "█".repeat(filled), "░".repeat(WIDTH - filled));
        eprint!("\r{} {bar} {done}/{total}", self.label);
        let _ = std::io::stderr().flush();
    }

    pub fn finish(&self) {
        if self.drawn.is_some() {
            eprint!("\r\x1b[2K");
        }
    }
}
