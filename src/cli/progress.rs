//! A progress bar on standard error, and a line saying what is awaited, shown only when it is
//! a terminal.

use std::io::{IsTerminal, Write};
use std::sync::Mutex;

use kpi::engine::warehouse::Warehouse;
use kpi::locale::Locale;

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

/// "Running on Spark (spark://yarn)…" until dropped: an engine answers in seconds or, on a
/// busy cluster, minutes, and tells nothing meanwhile.
pub struct Waiting {
    shown: bool,
}

impl Waiting {
    pub fn on(warehouse: Option<&Warehouse>, locale: Locale) -> Waiting {
        let shown = warehouse.is_some() && std::io::stderr().is_terminal();
        if let (true, Some(warehouse)) = (shown, warehouse) {
            let (tool, label) = (warehouse.tool(), warehouse.label());
            eprint!(
                "{}",
                locale.pick(format!("正在 {tool}（{label}）上计算…"), format!("running on {tool} ({label})…"))
            );
            let _ = std::io::stderr().flush();
        }
        Waiting { shown }
    }
}

impl Drop for Waiting {
    fn drop(&mut self) {
        if self.shown {
            eprint!("\r\x1b[2K");
        }
    }
}
