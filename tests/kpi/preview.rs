//! `kpi preview`: the reports served on 127.0.0.1, rebuilt when a watched file changes, with a
//! broken ruleset's diagnostics on the page, and nothing served but the reports.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::Case;

const RULES: &str = "ruleset: preview\ngrain: { entity: account, period: month }\n\
    sources:\n  users: { path: users.csv, date: day, entity: account }\n\
    measures:\n  new: sum(users.new)\n\
    kpis:\n  growth: { formula: new, target: 100 }\n";

/// The preview, stopped when dropped.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `kpi preview` on any free port and reads the address it serves on.
fn start(case: &Case) -> (Running, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kpi"))
        .args(["preview", "ruleset.yaml", "--port", "0", "--lang", "en"])
        .current_dir(case.dir.path())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stderr.take().unwrap()).read_line(&mut line).unwrap();
    let address = line.split_whitespace().next().unwrap().to_string();
    assert!(address.starts_with("http://127.0.0.1:"), "{line}");
    (Running(child), address.trim_start_matches("http://").trim_end_matches('/').to_string())
}

/// The status line and body of `METHOD path`.
fn request(host: &str, method: &str, path: &str) -> (String, String) {
    let mut stream = TcpStream::connect(host).unwrap();
    stream.write_all(format!("{method} {path} HTTP/1.1\r\nHost: {host}\r\n\r\n").as_bytes()).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let (head, body) = answer.split_once("\r\n\r\n").unwrap();
    (head.lines().next().unwrap().to_string(), body.to_string())
}

/// The page at `path` once it shows `expected`, waiting for rebuilds however busy the machine.
fn once_it_shows(host: &str, path: &str, expected: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(300);
    loop {
        let (status, page) = request(host, "GET", path);
        if page.contains(expected) {
            assert_eq!(status, "HTTP/1.1 200 OK");
            return page;
        }
        assert!(Instant::now() < deadline, "the preview never showed {expected:?}: {page}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn the_preview_serves_the_reports_and_rebuilds_them_when_a_watched_file_changes() {
    let case = Case::new(RULES, &[("users.csv", "day,account,new\n2026-10-01,a,100\n2026-10-01,b,50\n")]);
    let (_running, host) = start(&case);
    let (status, portfolio) = request(&host, "GET", "/");
    assert_eq!(status, "HTTP/1.1 200 OK");
    assert!(portfolio.contains("Portfolio overview") && portfolio.contains("fetch('/version')"), "{portfolio}");
    let (status, entity) = request(&host, "GET", "/entities/a.html");
    assert_eq!(status, "HTTP/1.1 200 OK");
    assert!(entity.contains("Monthly appraisal"), "{entity}");
    // Only the reports: no file by its path, no other method.
    assert_eq!(request(&host, "GET", "/../ruleset.yaml").0, "HTTP/1.1 404 Not OK");
    assert_eq!(request(&host, "GET", "/users.csv").0, "HTTP/1.1 404 Not OK");
    assert_eq!(request(&host, "POST", "/").0, "HTTP/1.1 405 Not OK");

    // A commentary is written: the portfolio shows it.
    std::fs::create_dir(case.dir.path().join("commentary")).unwrap();
    std::fs::write(case.dir.path().join("commentary/2026-10.md"), "A **strong** month\n").unwrap();
    once_it_shows(&host, "/", "A <strong>strong</strong> month");

    // The ruleset breaks: the page shows where, escaped; fixed, the reports come back.
    std::fs::write(case.ruleset_path(), RULES.replace("formula: new,", "formula: nwe <b>,")).unwrap();
    let page = once_it_shows(&host, "/", "ruleset.yaml:8:");
    assert!(page.contains("&lt;b&gt;") && !page.contains("<b>"), "{page}");
    std::fs::write(case.ruleset_path(), RULES).unwrap();
    once_it_shows(&host, "/", "Portfolio overview");
}

/// The status line of `GET /` sent with `headers`.
fn status_with(host: &str, headers: &str) -> String {
    let mut stream = TcpStream::connect(host).unwrap();
    stream.write_all(format!("GET / HTTP/1.1\r\n{headers}\r\n").as_bytes()).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer.lines().next().unwrap_or_default().to_string()
}

/// A page elsewhere whose name was made to point at 127.0.0.1 (DNS rebinding) sends its own
/// name as `Host`: only this machine's names with the preview's port are answered.
#[test]
fn the_preview_answers_only_requests_addressed_to_this_machine_and_its_port() {
    let case = Case::new(RULES, &[("users.csv", "day,account,new\n2026-10-01,a,100\n")]);
    let (_running, host) = start(&case);
    let port = host.rsplit(':').next().unwrap();
    for own in [host.clone(), format!("localhost:{port}"), format!("LocalHost:{port}")] {
        assert_eq!(status_with(&host, &format!("Host: {own}\r\n")), "HTTP/1.1 200 OK", "{own}");
    }
    let refused = [
        "Host: evil.example\r\n".to_string(),
        format!("Host: evil.example:{port}\r\n"),
        "Host: 127.0.0.1\r\n".into(),
        String::new(),
    ];
    for headers in refused {
        assert_eq!(status_with(&host, &headers), "HTTP/1.1 403 Not OK", "{headers:?}");
    }
}

/// Thousands of connections that never send a request neither start a thread each (which ran
/// out and panicked) nor keep the next request from being answered.
#[test]
fn the_preview_answers_while_five_thousand_idle_connections_are_open() {
    raise_open_files(12_000);
    let case = Case::new(RULES, &[("users.csv", "day,account,new\n2026-10-01,a,100\n")]);
    let (mut running, host) = start(&case);
    let idle: Vec<TcpStream> = (0..5000).map(|_| TcpStream::connect(&host).unwrap()).collect();
    let mut stream = TcpStream::connect(&host).unwrap();
    // A guard against a hang, not a measure of speed.
    stream.set_read_timeout(Some(Duration::from_secs(300))).unwrap();
    stream.write_all(format!("GET /version HTTP/1.1\r\nHost: {host}\r\n\r\n").as_bytes()).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200 OK"), "{answer}");
    assert!(running.0.try_wait().unwrap().is_none(), "the preview is still serving");
    let status = std::fs::read_to_string(format!("/proc/{}/status", running.0.id())).unwrap();
    let threads: usize = status.lines().find_map(|l| l.strip_prefix("Threads:")).unwrap().trim().parse().unwrap();
    assert!(threads <= 16, "{threads} threads for {} idle connections", idle.len());
    drop(idle);
}

/// This test process's limit of open files raised to `wanted` (within its hard limit).
fn raise_open_files(wanted: u64) {
    let mut limit = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: getrlimit and setrlimit of this process, with a live rlimit structure.
    unsafe {
        libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit);
        limit.rlim_cur = limit.rlim_cur.max(wanted.min(limit.rlim_max));
        libc::setrlimit(libc::RLIMIT_NOFILE, &limit);
    }
}

#[test]
fn a_ruleset_that_does_not_open_stops_the_preview_before_it_serves() {
    let case = Case::new(&RULES.replace("formula: new,", "formula: nwe,"), &[("users.csv", "day,account,new\n")]);
    let output = Command::new(env!("CARGO_BIN_EXE_kpi"))
        .args(["preview", "ruleset.yaml", "--port", "0"])
        .current_dir(case.dir.path())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("unknown name `nwe`"));
}

/// Ctrl-C ends the preview at once, and its private folder goes with it.
#[test]
fn ctrl_c_stops_the_preview_and_removes_its_private_folder() {
    let case = Case::new(RULES, &[("users.csv", "day,account,new\n2026-10-01,a,120\n")]);
    let temp = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_kpi"))
        .args(["preview", "ruleset.yaml", "--port", "0"])
        .current_dir(case.dir.path())
        .env("TMPDIR", temp.path())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stderr.take().unwrap()).read_line(&mut line).unwrap();
    assert!(line.starts_with("http://127.0.0.1:"), "{line}");
    let private = || std::fs::read_dir(temp.path()).unwrap().count();
    assert_eq!(private(), 1, "the preview's folder while it serves");
    // SAFETY: a signal to the child this test started.
    unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGINT) };
    assert_eq!(child.wait().unwrap().code(), Some(130));
    assert_eq!(private(), 0, "nothing left in the temporary folder");
}
