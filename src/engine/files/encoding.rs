//! Text files that are not UTF-8: GBK exports, as Excel on a Chinese Windows writes them, are
//! decoded as GB18030, their superset; UTF-16 ones (Excel's "Unicode text") by their mark.

use std::io::Read;
use std::path::Path;
use std::sync::Arc;

use crate::ruleset::model::SourceEncoding;

/// The bytes read to tell whether a file is UTF-8.
const PROBE_BYTES: u64 = 64 * 1024;

/// The file as UTF-8, when it is not UTF-8 already; `None` when it can be read as it is. A
/// UTF-16 file (Excel's "Unicode text") is told by its byte-order mark, whatever `encoding`
/// says.
pub fn decoded(path: &Path, encoding: SourceEncoding) -> Result<Option<Arc<[u8]>>, String> {
    let mut mark = [0u8; 2];
    let read = std::fs::File::open(path).and_then(|mut file| file.read(&mut mark)).map_err(|e| e.to_string())?;
    let utf16 = match &mark[..read] {
        [0xFF, 0xFE] => Some(encoding_rs::UTF_16LE),
        [0xFE, 0xFF] => Some(encoding_rs::UTF_16BE),
        _ => None,
    };
    if let Some(utf16) = utf16 {
        let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
        let (text, _, _) = utf16.decode(&bytes);
        return Ok(Some(Arc::from(text.into_owned().into_bytes())));
    }
    let is_gbk = match encoding {
        SourceEncoding::Utf8 => false,
        SourceEncoding::Gbk => true,
        SourceEncoding::Auto => {
            let mut head = Vec::with_capacity(PROBE_BYTES as usize);
            let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
            file.take(PROBE_BYTES).read_to_end(&mut head).map_err(|e| e.to_string())?;
            match std::str::from_utf8(&head) {
                Ok(_) => false,
                // A character cut in two at the end of the probe is still UTF-8.
                Err(e) => e.error_len().is_some(),
            }
        }
    };
    if !is_gbk {
        return Ok(None);
    }
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    let (text, _, _) = encoding_rs::GB18030.decode(&bytes);
    Ok(Some(Arc::from(text.into_owned().into_bytes())))
}
