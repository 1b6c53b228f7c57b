//! Headless Chromium, driven over a pipe: it prints HTML reports to PDF with the machine's fonts
//! embedded and charts kept as vectors, and draws charts as images for Word documents. One
//! browser serves a whole run; it is an optional tool, found on the PATH (or at `KPI_CHROMIUM`)
//! when a format needs it. docs/design.md says why Chromium and not Typst or WeasyPrint.

mod pipe;
mod printed;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine;
use serde_json::{Value, json};

use crate::error::{Error, ErrorKind, Result};
use crate::scratch::Scratch;
use pipe::Pipe;
pub use printed::{Info, destinations};

/// The names Chromium and Chrome go by on Linux and macOS, tried in turn on the PATH.
const NAMES: [&str; 5] = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome"];
const MAC_APPS: [&str; 2] = [
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
];

/// How to get a browser, in one command per system.
const INSTALL: &str = "install Chromium and Chinese fonts: `sudo apt-get install chromium fonts-noto-cjk` \
     (Debian, Ubuntu) or `brew install --cask chromium` (macOS); or set KPI_CHROMIUM to a Chrome or Chromium";

pub struct Browser {
    child: Child,
    pipe: Pipe,
    session: String,
    frame: String,
    /// The browser's profile: private to this run and removed after it.
    profile: Scratch,
}

impl Browser {
    /// Starts a browser with no network and no scripts, with one blank page to draw on.
    /// `purpose` names the format that needs it in the error when there is none.
    pub fn launch(purpose: &'static str) -> Result<Browser> {
        let program =
            find().ok_or_else(|| Error::new(ErrorKind::ToolMissing { tool: "Chromium", purpose }).help(INSTALL))?;
        let profile = Scratch::new("browser")?;
        let log = std::fs::File::create(profile.path().join("browser.log")).map_err(|e| failed(e.to_string()))?;
        let mut command = Command::new(&program);
        command
            .args(["--headless", "--remote-debugging-pipe", "--no-first-run", "--no-default-browser-check"])
            .args(["--disable-gpu", "--disable-extensions", "--disable-background-networking", "--mute-audio"])
            // Every request goes to a proxy on loopback that is not there: a template's remote
            // font or image is not fetched, and nothing leaves the machine.
            .args(["--proxy-server=http://127.0.0.1:9", "--proxy-bypass-list=<-loopback>"])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            // Its own temporary files (a socket's folder) in the profile too, removed with it.
            .env("TMPDIR", profile.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log);
        // Chromium refuses to run as root with its sandbox (containers, CI).
        // SAFETY: geteuid has no preconditions.
        if unsafe { libc::geteuid() } == 0 {
            command.arg("--no-sandbox");
        }
        command.arg("about:blank");
        let (pipe, child_ends) = Pipe::attach(&mut command).map_err(|e| failed(e.to_string()))?;
        let child = crate::interrupt::spawn(&mut command).map_err(|e| failed(format!("{}: {e}", program.display())))?;
        drop(child_ends);
        let mut browser = Browser { child, pipe, session: String::new(), frame: String::new(), profile };
        match browser.open_page() {
            Ok(()) => Ok(browser),
            Err(message) => Err(browser.failure(message).into()),
        }
    }

    fn open_page(&mut self) -> Result<(), String> {
        let target = self.pipe.call(None, "Target.createTarget", json!({ "url": "about:blank" }))?;
        let target = json!({ "targetId": target["targetId"], "flatten": true });
        let attached = self.pipe.call(None, "Target.attachToTarget", target)?;
        self.session = text(&attached, "sessionId")?;
        self.call("Emulation.setScriptExecutionDisabled", json!({ "value": true }))?;
        let tree = self.call("Page.getFrameTree", json!({}))?;
        self.frame = text(&tree["frameTree"]["frame"], "id")?;
        Ok(())
    }

    /// `html` printed on paper of `(width, height)` inches, backgrounds and all, with
    /// `footer` (HTML, with Chromium's `pageNumber` and `totalPages` classes) at the foot of
    /// every page, the headings as the PDF's outline, and `info` as what it says of itself.
    pub fn pdf(&mut self, html: &str, footer: &str, info: &Info, paper: (f64, f64)) -> Result<Vec<u8>> {
        let printed = self.show(html).and_then(|()| {
            let options = json!({
                "paperWidth": paper.0, "paperHeight": paper.1,
                "marginTop": 0.55, "marginBottom": 0.6, "marginLeft": 0.47, "marginRight": 0.47,
                "printBackground": true, "displayHeaderFooter": true,
                "headerTemplate": "<span></span>", "footerTemplate": footer,
                "generateDocumentOutline": true,
            });
            self.call("Page.printToPDF", options)
        });
        let pdf = self.decode(printed)?;
        printed::stamp(&pdf, info).map_err(|e| Error::internal(format!("a PDF Chromium printed: {e}")).into())
    }

    /// `html` drawn as a PNG of `width` × `height` CSS pixels, at twice that resolution so that
    /// it stays sharp in print.
    pub fn png(&mut self, html: &str, width: u32, height: u32) -> Result<Vec<u8>> {
        let metrics = json!({ "width": width, "height": height, "deviceScaleFactor": 2, "mobile": false });
        let drawn =
            self.call("Emulation.setDeviceMetricsOverride", metrics).and_then(|_| self.show(html)).and_then(|()| {
                let clip = json!({ "x": 0, "y": 0, "width": width, "height": height, "scale": 1 });
                self.call("Page.captureScreenshot", json!({ "format": "png", "clip": clip }))
            });
        self.decode(drawn)
    }

    fn show(&mut self, html: &str) -> Result<(), String> {
        let content = json!({ "frameId": self.frame, "html": html });
        self.call("Page.setDocumentContent", content).map(|_| ())
    }

    fn decode(&mut self, answer: Result<Value, String>) -> Result<Vec<u8>> {
        let data = answer.and_then(|answer| text(&answer, "data")).map_err(|e| self.failure(e))?;
        Ok(base64::engine::general_purpose::STANDARD.decode(data).map_err(|e| failed(e.to_string()))?)
    }

    fn call(&mut self, method: &str, params: Value) -> Result<Value, String> {
        self.pipe.call(Some(&self.session), method, params)
    }

    /// The browser's failure, with the last lines it logged.
    fn failure(&mut self, message: String) -> Error {
        let log = std::fs::read_to_string(self.profile.path().join("browser.log")).unwrap_or_default();
        let tail: Vec<&str> = log.lines().rev().take(5).collect();
        let mut error = failed(message);
        if !tail.is_empty() {
            error = error.note(tail.into_iter().rev().collect::<Vec<_>>().join("\n"));
        }
        error
    }
}

/// How long a browser asked to close is given before it is killed.
const CLOSING: Duration = Duration::from_secs(5);

impl Drop for Browser {
    /// Asks the browser to close, so that it ends its own helper processes, and kills it if it
    /// has not within a few seconds; its profile folder is removed after.
    fn drop(&mut self) {
        let asked = self.pipe.send(None, "Browser.close", json!({})).is_ok();
        let started = Instant::now();
        let mut ended = false;
        while asked && !ended && started.elapsed() < CLOSING {
            match self.child.try_wait() {
                Ok(None) => std::thread::sleep(Duration::from_millis(20)),
                _ => ended = true,
            }
        }
        if !ended {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
        crate::interrupt::forget_process(self.child.id());
    }
}

/// The browser to use: `KPI_CHROMIUM`, else the first of the usual names on the PATH.
fn find() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("KPI_CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    let on_path = NAMES.iter().flat_map(|name| std::env::split_paths(&path).map(move |dir| dir.join(name)));
    on_path.chain(MAC_APPS.iter().map(PathBuf::from)).find(|candidate| is_program(candidate))
}

fn is_program(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata().is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

fn text(value: &Value, key: &str) -> Result<String, String> {
    match value.get(key).and_then(Value::as_str) {
        Some(text) => Ok(text.to_string()),
        None => Err(format!("the browser's answer has no `{key}`")),
    }
}

fn failed(message: String) -> Error {
    Error::new(ErrorKind::ToolFailed { tool: "Chromium", message })
}
