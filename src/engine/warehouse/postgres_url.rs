//! A PostgreSQL URL, read once as libpq reads it (`postgres://user:password@host:port/db?…`):
//! its password taken out and given to `psql` in its environment, so that no message of
//! `psql`'s can quote it, and the URL shown without it wherever kpi names the engine.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;

use crate::error::{Error, ErrorKind, Result};

/// A PostgreSQL URL without its password, which it keeps apart.
#[derive(Clone, PartialEq, Eq)]
pub struct PostgresUrl {
    /// The URL `psql` is given: the password left out, every other part as written.
    url: String,
    /// The URL as kpi shows it: without the password and the parameters.
    shown: String,
    /// The password, percent-decoded.
    password: Option<Vec<u8>>,
    /// Every form of the password a message could quote: as written and decoded.
    secrets: Vec<String>,
}

/// Shown, never with its password.
impl std::fmt::Debug for PostgresUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.shown)
    }
}

impl PostgresUrl {
    /// Reads `text`, which starts with `postgres://` or `postgresql://`. As libpq does, the
    /// user and password end at the first `@`, unless a `/` comes first; a URL that libpq would
    /// read with part of its password as a host or a database (a `/` or `@` in the password,
    /// not percent-encoded), or with a `%` that encodes nothing, is refused without being shown.
    pub fn parse(text: &str) -> Result<PostgresUrl> {
        let (scheme, rest) = text.split_once("://").unwrap_or(("postgres", text));
        let (userinfo, after) = match rest.find(['@', '/']) {
            Some(at) if rest.as_bytes()[at] == b'@' => (Some(&rest[..at]), &rest[at + 1..]),
            _ => (None, rest),
        };
        let (place, parameters) = after.split_once('?').map_or((after, None), |(p, q)| (p, Some(q)));
        if place.contains('@') {
            return Err(refused("its user or password holds `@` or `/`").into());
        }
        let (user, written) =
            match userinfo.map(|info| info.split_once(':').map_or((info, None), |(u, p)| (u, Some(p)))) {
                Some((user, password)) => (user, password),
                None => ("", None),
            };
        let mut secrets: Vec<String> = written.iter().map(|p| p.to_string()).collect();
        let mut password = written.map(decoded).transpose()?;
        let mut kept = Vec::new();
        for parameter in parameters.iter().flat_map(|q| q.split('&')) {
            match parameter.split_once('=') {
                Some(("password", value)) => {
                    secrets.push(value.to_string());
                    password = Some(decoded(value)?);
                }
                _ => kept.push(parameter),
            }
        }
        secrets.extend(password.iter().map(|p| String::from_utf8_lossy(p).into_owned()));
        secrets.retain(|secret| !secret.is_empty());
        let user = if user.is_empty() { String::new() } else { format!("{user}@") };
        let shown = format!("{scheme}://{user}{place}");
        let url = match kept.is_empty() {
            true => shown.clone(),
            false => format!("{shown}?{}", kept.join("&")),
        };
        Ok(PostgresUrl { url, shown, password, secrets })
    }

    /// The URL for `psql`'s `--dbname=`, without the password.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The password, for `psql`'s environment (`PGPASSWORD`), if the URL had one.
    pub fn password(&self) -> Option<&OsStr> {
        self.password.as_deref().map(OsStr::from_bytes)
    }

    /// The URL as it may be shown: without the password and the parameters.
    pub fn shown(&self) -> &str {
        &self.shown
    }

    /// `message` (one of the engine's) with every form of the password removed.
    pub fn hide(&self, message: &str) -> String {
        let mut longest_first = self.secrets.clone();
        longest_first.sort_by_key(|secret| std::cmp::Reverse(secret.len()));
        longest_first.iter().fold(message.to_string(), |message, secret| message.replace(secret.as_str(), "***"))
    }
}

/// `text` percent-decoded, as libpq decodes a URL's parts.
fn decoded(text: &str) -> Result<Vec<u8>> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        if bytes[at] != b'%' {
            out.push(bytes[at]);
            at += 1;
            continue;
        }
        let hex = bytes.get(at + 1..at + 3).and_then(|h| std::str::from_utf8(h).ok());
        match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
            Some(byte) if byte != 0 => out.push(byte),
            _ => return Err(refused("its password holds a `%` that encodes no character").into()),
        }
        at += 3;
    }
    Ok(out)
}

fn refused(why: &str) -> Error {
    let kind = ErrorKind::UnknownValue { value: format!("postgres://… ({why})") };
    Error::new(kind).help(
        "write `@`, `/`, `?`, `#` and `%` in a user or password percent-encoded (%40, %2F, %3F, %23, %25), \
         or leave the password out of the URL: psql also reads PGPASSWORD and ~/.pgpass",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> PostgresUrl {
        PostgresUrl::parse(text).unwrap()
    }

    #[test]
    fn the_password_is_taken_out_of_the_url_and_decoded() {
        let url = parsed("postgres://ana:Pw%25Qz%2F7@db.local:5433/crm?sslmode=require");
        assert_eq!(url.url(), "postgres://ana@db.local:5433/crm?sslmode=require");
        assert_eq!(url.shown(), "postgres://ana@db.local:5433/crm");
        assert_eq!(url.password(), Some(OsStr::new("Pw%Qz/7")));
        assert_eq!(url.hide("token \"Pw%25Qz%2F7\" or Pw%Qz/7"), "token \"***\" or ***");
    }

    /// libpq ends the password at the first `@`: a `?` or `#` before it is the password's.
    #[test]
    fn a_question_mark_in_the_password_stays_in_the_password() {
        let url = parsed("postgres://user:Zq7x?abc@127.0.0.1/db");
        assert_eq!(url.shown(), "postgres://user@127.0.0.1/db");
        assert_eq!(url.password(), Some(OsStr::new("Zq7x?abc")));
    }

    #[test]
    fn a_password_parameter_is_taken_out_too() {
        let url = parsed("postgresql:///crm?host=/run/pg&password=s3cr%21t&user=ana");
        assert_eq!(url.url(), "postgresql:///crm?host=/run/pg&user=ana");
        assert_eq!(url.shown(), "postgresql:///crm");
        assert_eq!(url.password(), Some(OsStr::new("s3cr!t")));
        assert_eq!(url.hide("s3cr%21t s3cr!t"), "*** ***");
    }

    /// What libpq would read as a host, a port or a database holding part of the password is
    /// refused, and the refusal quotes none of it.
    #[test]
    fn a_password_that_libpq_would_misread_is_refused_unquoted() {
        for text in
            ["postgres://u:ab/cd@h/db", "postgres://u:a@b@h/db", "postgres://u:Pw%Qz7Kx9@h/db", "postgres://u:x%00@h"]
        {
            let error = PostgresUrl::parse(text).unwrap_err().to_string();
            for part in ["ab", "cd", "b@h", "Qz7Kx9", "x%00"] {
                assert!(!error.contains(part), "{error}");
            }
        }
        assert_eq!(format!("{:?}", parsed("postgres://u:secret@h/db")), "postgres://u@h/db");
    }
}
