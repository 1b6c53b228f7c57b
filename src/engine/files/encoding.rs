//! Text files that are not UTF-8: GBK exports, as Excel on a Chinese Windows writes them, are
//! decoded as GB18030, their superset; UTF-16 ones (Excel's "Unicode text") by their mark.

use std::collections::HashMap;
use std::io::Read;
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::sync::{Arc, Mutex};

use crate::ruleset::model::SourceEncoding;

/// The size of the pieces a file is checked for UTF-8 in.
const CHUNK_BYTES: usize = 1024 * 1024;

/// The file as UTF-8 text whose lines end in line feeds, when it is not that already; `None`
/// when it can be read as it is. A UTF-16 file (Excel's "Unicode text") is told by its
/// byte-order mark, whatever `encoding` says; with `encoding: auto`, a file is GBK when any of
/// it is not UTF-8, however far into the file that first shows. A file whose lines end in
/// carriage returns alone (Excel for Mac's CSV) has them made line feeds: read as they are,
/// its whole text would be one line.
pub fn decoded(path: &Path, encoding: SourceEncoding) -> Result<Option<Arc<[u8]>>, String> {
    let head = crate::read::head(path, LINE_END_BYTES).map_err(|e| e.to_string())?;
    let utf16 = crate::read::utf16_by_mark(&head);
    let cr_only = head.contains(&b'\r') && !head.contains(&b'\n');
    let is_gbk = match encoding {
        _ if utf16.is_some() => false,
        SourceEncoding::Utf8 => false,
        SourceEncoding::Gbk => true,
        SourceEncoding::Auto => !is_utf8(path)?,
    };
    let decoder = match (utf16, is_gbk) {
        (Some(utf16), _) => Some(utf16),
        (None, true) => Some(crate::read::GBK),
        (None, false) if cr_only => None,
        (None, false) => return Ok(None),
    };
    let bytes = crate::read::bytes(path, u64::MAX).map_err(|e| e.to_string())?;
    let text = match decoder {
        Some(decoder) => decoder.decode(&bytes).0.into_owned().into_bytes(),
        None => bytes,
    };
    let text = if cr_only { text.into_iter().map(|b| if b == b'\r' { b'\n' } else { b }).collect() } else { text };
    Ok(Some(Arc::from(text)))
}

/// How much of a file's start shows how its lines end: a line of an export is far shorter.
const LINE_END_BYTES: usize = 64 * 1024;

/// The whole file as text, decoded as [`decoded`] says.
pub fn text(path: &Path, encoding: SourceEncoding) -> Result<String, String> {
    let bytes = match decoded(path, encoding)? {
        Some(decoded) => decoded.to_vec(),
        None => crate::read::bytes(path, u64::MAX).map_err(|e| e.to_string())?,
    };
    String::from_utf8(bytes).map_err(|_| "it is not UTF-8 text; if it is GBK, set `encoding: gbk`".to_string())
}

/// Whether the whole file is UTF-8, found once for each version of a file: a source read in
/// turns opens its files again in each turn, and reading every byte of them again to check
/// them was a twentieth of a 100-million-row run. A version is the file's identity (device and
/// inode), size and time of change, so a file saved again is checked again.
fn is_utf8(path: &Path) -> Result<bool, String> {
    type Version = (u64, u64, u64, i64, i64);
    static CHECKED: Mutex<Option<HashMap<Version, bool>>> = Mutex::new(None);
    let metadata = std::fs::metadata(path).map_err(|e| e.to_string())?;
    let version = (metadata.dev(), metadata.ino(), metadata.len(), metadata.ctime(), metadata.ctime_nsec());
    if let Some(known) = CHECKED.lock().expect("not poisoned").as_ref().and_then(|checked| checked.get(&version)) {
        return Ok(*known);
    }
    let utf8 = read_as_utf8(path)?;
    CHECKED.lock().expect("not poisoned").get_or_insert_with(HashMap::new).insert(version, utf8);
    Ok(utf8)
}

/// Whether the whole file is UTF-8, read in pieces (a character cut in two by a piece's end is
/// carried to the next).
fn read_as_utf8(path: &Path) -> Result<bool, String> {
    let mut file = crate::read::open(path).map_err(|e| e.to_string())?;
    let mut buffer = vec![0u8; CHUNK_BYTES + 4];
    let mut carried = 0;
    loop {
        let read = file.read(&mut buffer[carried..]).map_err(|e| e.to_string())?;
        let filled = carried + read;
        // simdutf8 checks a chunk several times faster than the standard library, and tells the
        // same: where a cut character begins, and whether a byte can begin none.
        match simdutf8::compat::from_utf8(&buffer[..filled]) {
            Ok(_) if read == 0 => return Ok(true),
            Ok(_) => carried = 0,
            Err(e) if e.error_len().is_some() => return Ok(false),
            // Cut in two at the end: at the end of the file, that is not UTF-8.
            Err(_) if read == 0 => return Ok(false),
            Err(e) => {
                let valid = e.valid_up_to();
                buffer.copy_within(valid..filled, 0);
                carried = filled - valid;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_gbk_when_its_first_non_ascii_text_is_far_into_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("users.csv");
        let mut bytes = "day,account\n".to_string().into_bytes();
        bytes.extend("2026-10-01,a\n".repeat(30_000).as_bytes());
        let (gbk, _, _) = encoding_rs::GBK.encode("2026-10-02,晨光会员俱乐部\n");
        bytes.extend(gbk.as_ref());
        std::fs::write(&path, &bytes).unwrap();
        let text = decoded(&path, SourceEncoding::Auto).unwrap().expect("read as GBK");
        assert!(std::str::from_utf8(&text).unwrap().ends_with("2026-10-02,晨光会员俱乐部\n"));
        // UTF-8 whose characters straddle the pieces it is checked in stays as it is.
        std::fs::write(&path, "时间,账号\n".repeat(CHUNK_BYTES / 5)).unwrap();
        assert!(decoded(&path, SourceEncoding::Auto).unwrap().is_none());
    }

    /// The check is kept for a file as it is, not for its name: the same file saved again as
    /// GBK is read as GBK.
    #[test]
    fn a_file_saved_again_is_checked_again() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("users.csv");
        std::fs::write(&path, "day,account\n2026-10-01,a\n").unwrap();
        assert!(decoded(&path, SourceEncoding::Auto).unwrap().is_none());
        assert!(decoded(&path, SourceEncoding::Auto).unwrap().is_none());
        let (gbk, _, _) = encoding_rs::GBK.encode("day,account\n2026-10-01,晨光\n");
        std::fs::write(&path, gbk.as_ref()).unwrap();
        assert!(decoded(&path, SourceEncoding::Auto).unwrap().is_some());
    }
}
