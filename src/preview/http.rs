//! Just enough HTTP for a browser on the same machine: `GET` of a report, of `/version` for the
//! reload, nothing else, and only for a request addressed to this machine by its own name and
//! port (a page elsewhere whose name was made to point at 127.0.0.1 sends its own name as
//! `Host`, and is refused, as Vite and webpack's servers refuse it). An address is looked up
//! among the reports rendered, never opened as a path.

use std::io::Write;
use std::net::TcpStream;
use std::sync::Mutex;
use std::time::Duration;

use super::site::Site;
use crate::report::escape;

const TIMEOUT: Duration = Duration::from_secs(10);

/// The script added to every page served (not to the report files): it asks for the build's
/// version every second and reloads the page when it changes.
const RELOAD: &str = r#"<script>(function(){var v=null;setInterval(function(){fetch('/version').then(function(r){return r.text()}).then(function(t){if(v!==null&&t!==v){location.reload()}v=t}).catch(function(){})},1000)})();</script>"#;

/// Answers the request whose line and headers are `head`, on a preview serving on `port`.
pub fn answer(stream: TcpStream, head: &[u8], site: &Mutex<Site>, port: u16) {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_write_timeout(Some(TIMEOUT));
    let head = String::from_utf8_lossy(head);
    let mut lines = head.split("\r\n");
    let line = lines.next().unwrap_or_default();
    let host = lines.find_map(|header| {
        let (name, value) = header.split_once(':')?;
        name.trim().eq_ignore_ascii_case("host").then(|| value.trim().to_ascii_lowercase())
    });
    let mut parts = line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or_default(), parts.next().unwrap_or_default());
    let text = "text/plain; charset=utf-8";
    let (status, kind, body) = match method {
        _ if !host.as_deref().is_some_and(|host| is_own(host, port)) => {
            (403, text, b"not this machine's address".to_vec())
        }
        "GET" => page(site, &decode(target.split('?').next().unwrap_or_default())),
        _ => (405, text, b"only GET".to_vec()),
    };
    let head = format!(
        "HTTP/1.1 {status} {}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
        if status == 200 { "OK" } else { "Not OK" },
        body.len()
    );
    let mut stream = stream;
    let _ = stream.write_all(head.as_bytes()).and_then(|()| stream.write_all(&body));
}

/// Whether `host` (a `Host` header, in lower case) names this machine and the preview's port.
fn is_own(host: &str, port: u16) -> bool {
    ["127.0.0.1", "localhost", "[::1]"].iter().any(|name| host == format!("{name}:{port}"))
}

/// The answer to `GET address`.
fn page(site: &Mutex<Site>, address: &str) -> (u16, &'static str, Vec<u8>) {
    let site = site.lock().unwrap_or_else(|e| e.into_inner());
    if address == "/version" {
        return (200, "text/plain; charset=utf-8", site.version.to_string().into_bytes());
    }
    let html = match &site.pages {
        Err(diagnostics) => {
            let text = escape::html(diagnostics);
            format!(
                "<!DOCTYPE html><meta charset=\"utf-8\"><title>kpi preview</title><pre style=\"font: 13px/1.5 monospace; padding: 24px; white-space: pre-wrap\">{text}</pre>"
            )
        }
        Ok(pages) => match pages.files.get(address).map(std::fs::read_to_string) {
            Some(Ok(html)) => html,
            _ => return (404, "text/plain; charset=utf-8", b"no such report".to_vec()),
        },
    };
    let served = match html.rfind("</body>") {
        Some(at) => format!("{}{RELOAD}{}", &html[..at], &html[at..]),
        None => format!("{html}{RELOAD}"),
    };
    (200, "text/html; charset=utf-8", served.into_bytes())
}

/// A request target with its `%XX` escapes decoded (report names are UTF-8).
fn decode(target: &str) -> String {
    let bytes = target.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let hex = |at: usize| bytes.get(at).and_then(|b| (*b as char).to_digit(16));
        match (bytes[index], hex(index + 1), hex(index + 2)) {
            (b'%', Some(high), Some(low)) => {
                out.push((high * 16 + low) as u8);
                index += 3;
            }
            (byte, _, _) => {
                out.push(byte);
                index += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_this_machine_by_its_own_names_and_port_is_answered() {
        assert!(is_own("127.0.0.1:8000", 8000) && is_own("localhost:8000", 8000) && is_own("[::1]:8000", 8000));
        for host in ["127.0.0.1:8001", "localhost", "evil.example:8000", "127.0.0.1.evil.example:8000", ""] {
            assert!(!is_own(host, 8000), "{host}");
        }
    }

    #[test]
    fn addresses_are_decoded() {
        assert_eq!(decode("/entities/%E6%99%A8%E5%85%89.html"), "/entities/晨光.html");
        assert_eq!(decode("/a%2"), "/a%2");
    }
}
