//! `kpi preview`: the reports served on 127.0.0.1 while the consultant edits, rebuilt when the
//! ruleset, the data, the templates or the commentary change, and reloaded in the browser. A
//! rebuild that fails shows its diagnostics on the page instead of the reports; the last good
//! reports are not served as if they were current.

mod connections;
mod http;
mod site;
mod watch;

use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::error::{Error, ErrorKind, Errors};
use crate::locale::Locale;
use crate::ruleset::model::Audience;
use site::Site;

/// How often the watched folders are looked at.
const POLL: Duration = Duration::from_millis(500);

/// What to preview and where.
#[derive(Clone, Debug)]
pub struct Settings {
    pub ruleset: PathBuf,
    pub data: Option<PathBuf>,
    pub templates: Option<PathBuf>,
    pub period: Option<String>,
    pub locale: Option<Locale>,
    pub audience: Option<Audience>,
    /// The port on 127.0.0.1; 0 for any free one.
    pub port: u16,
}

/// A preview bound to its port: [`Preview::serve`] answers requests until the process ends.
pub struct Preview {
    listener: TcpListener,
    site: Arc<Mutex<Site>>,
}

impl Preview {
    /// Builds the reports once and binds 127.0.0.1:`port`; a port in use is an error.
    pub fn bind(settings: Settings) -> Result<Preview, Errors> {
        let listener = TcpListener::bind(("127.0.0.1", settings.port)).map_err(|e| {
            let kind = ErrorKind::PortUnavailable { port: settings.port, message: e.to_string() };
            Error::new(kind).help("choose another with `--port N`, or `--port 0` for any free one")
        })?;
        let seen = watch::fingerprint(&watch::watched(&settings));
        let site = Arc::new(Mutex::new(Site::build(&settings)?));
        let watched = Arc::clone(&site);
        std::thread::spawn(move || watch::rebuild_on_change(&settings, &watched, seen, POLL));
        Ok(Preview { listener, site })
    }

    /// The address the preview answers on: `http://127.0.0.1:8000/`.
    pub fn address(&self) -> String {
        let port = self.listener.local_addr().map(|a| a.port()).unwrap_or_default();
        format!("http://127.0.0.1:{port}/")
    }

    /// Answers requests until the process ends.
    pub fn serve(self) {
        let port = self.listener.local_addr().map(|a| a.port()).unwrap_or_default();
        let site = self.site;
        connections::serve(
            &self.listener,
            Arc::new(move |stream, head: &[u8]| http::answer(stream, head, &site, port)),
        );
    }
}
