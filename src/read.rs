//! Reading the files a user names — exports, fixtures, templates, actions logs, test files:
//! regular files only. A named pipe or a device where a file should be would block a read
//! forever or never end it; it is opened without waiting and refused. Text is decoded as the
//! platforms' exports are: UTF-8, UTF-16 or GBK.

use std::borrow::Cow;
use std::fs::File;
use std::io::{self, Read};
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

/// The file at `path`, open for reading, when it is a regular file (after symbolic links).
pub fn open(path: &Path) -> io::Result<File> {
    // Without waiting: opening a pipe for reading otherwise waits for a writer.
    let file = std::fs::OpenOptions::new().read(true).custom_flags(libc::O_NONBLOCK).open(path)?;
    let metadata = file.metadata()?;
    if !metadata.is_file() {
        let what = if metadata.is_dir() { "a folder" } else { "not a regular file (a pipe, a socket or a device)" };
        return Err(io::Error::new(io::ErrorKind::InvalidInput, format!("it is {what}")));
    }
    Ok(file)
}

/// The whole file, when it is a regular file of at most `limit` bytes.
pub fn bytes(path: &Path, limit: u64) -> io::Result<Vec<u8>> {
    let file = open(path)?;
    let length = file.metadata()?.len();
    let too_large = || io::Error::new(io::ErrorKind::InvalidInput, format!("it is larger than {}", size(limit)));
    if length > limit {
        return Err(too_large());
    }
    let mut bytes = Vec::with_capacity(length as usize);
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(too_large());
    }
    Ok(bytes)
}

/// The first `count` bytes of the file, or all of it when it is shorter.
pub fn head(path: &Path, count: usize) -> io::Result<Vec<u8>> {
    let mut head = Vec::with_capacity(count);
    open(path)?.take(count as u64).read_to_end(&mut head)?;
    Ok(head)
}

/// How GBK text is decoded: as GB18030, its superset, which every GBK file is.
pub const GBK: &encoding_rs::Encoding = encoding_rs::GB18030;

/// The encoding of UTF-16 text, told by the byte-order mark at its `head`.
pub fn utf16_by_mark(head: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    match head {
        [0xFF, 0xFE, ..] => Some(encoding_rs::UTF_16LE),
        [0xFE, 0xFF, ..] => Some(encoding_rs::UTF_16BE),
        _ => None,
    }
}

/// Text a person saved, read as the platforms' exports are: UTF-8 (a byte-order mark dropped),
/// UTF-16 by its mark (Excel's "Unicode text"), or else GBK, as Excel and Notepad on a Chinese
/// Windows save it. Bytes that are none of these are not text.
pub fn decode(bytes: &[u8]) -> io::Result<Cow<'_, str>> {
    let (text, had_errors) = match (utf16_by_mark(bytes), std::str::from_utf8(bytes)) {
        (Some(utf16), _) => {
            let (text, _, had_errors) = utf16.decode(bytes);
            (text, had_errors)
        }
        (None, Ok(text)) => (Cow::Borrowed(text.strip_prefix('\u{feff}').unwrap_or(text)), false),
        (None, Err(_)) => GBK.decode_without_bom_handling(bytes),
    };
    match had_errors {
        true => Err(io::Error::new(io::ErrorKind::InvalidData, "it is not text (UTF-8, UTF-16 or GBK)")),
        false => Ok(text),
    }
}

/// The whole file as text ([`decode`]), when it is a regular file of at most `limit` bytes.
pub fn text(path: &Path, limit: u64) -> io::Result<String> {
    Ok(decode(&bytes(path, limit)?)?.into_owned())
}

/// Whether `path`, after every symbolic link on its way, is somewhere outside `folder` (also
/// followed): a link committed beside a ruleset (`commentary/2026-03/a.md -> ../../../secret`)
/// must not bring another folder's file into a client's report. A path that does not resolve
/// is not outside: reading it fails on its own.
pub fn leads_out(folder: &Path, path: &Path) -> bool {
    // The folder of a ruleset named without one (`ruleset.yaml`) is the current one.
    let folder = if folder.as_os_str().is_empty() { Path::new(".") } else { folder };
    match (folder.canonicalize(), path.canonicalize()) {
        (Ok(folder), Ok(path)) => !path.starts_with(folder),
        _ => false,
    }
}

/// A size as people read it: `1 MiB`, `64 KiB`, `512 bytes`.
fn size(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 30 && b % (1 << 30) == 0 => format!("{} GiB", b >> 30),
        b if b >= 1 << 20 && b % (1 << 20) == 0 => format!("{} MiB", b >> 20),
        b if b >= 1 << 10 && b % (1 << 10) == 0 => format!("{} KiB", b >> 10),
        b => format!("{b} bytes"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_that_leads_out_of_its_folder_is_told_apart() {
        let dir = tempfile::tempdir().unwrap();
        let (inside, outside) = (dir.path().join("inside"), dir.path().join("secret"));
        std::fs::create_dir(&inside).unwrap();
        std::fs::write(&outside, "secret").unwrap();
        std::fs::write(inside.join("a.md"), "a").unwrap();
        std::os::unix::fs::symlink("../secret", inside.join("out.md")).unwrap();
        std::os::unix::fs::symlink("a.md", inside.join("in.md")).unwrap();
        assert!(leads_out(&inside, &inside.join("out.md")));
        assert!(!leads_out(&inside, &inside.join("in.md")) && !leads_out(&inside, &inside.join("a.md")));
        assert!(!leads_out(&inside, &inside.join("missing.md")));
    }

    #[test]
    fn a_named_pipe_or_a_folder_is_refused_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let pipe = dir.path().join("rows.csv");
        let made = std::process::Command::new("mkfifo").arg(&pipe).status().unwrap();
        assert!(made.success());
        let error = open(&pipe).unwrap_err();
        assert_eq!(error.to_string(), "it is not a regular file (a pipe, a socket or a device)");
        assert_eq!(open(dir.path()).unwrap_err().to_string(), "it is a folder");
        assert_eq!(bytes(Path::new("/dev/zero"), 10).unwrap_err().kind(), io::ErrorKind::InvalidInput);
    }

    #[test]
    fn a_file_larger_than_the_limit_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ruleset.yaml");
        std::fs::write(&path, "x".repeat(2048)).unwrap();
        assert_eq!(bytes(&path, 2048).unwrap().len(), 2048);
        assert_eq!(bytes(&path, 1024).unwrap_err().to_string(), "it is larger than 1 KiB");
        assert_eq!(head(&path, 10).unwrap().len(), 10);
    }
}
