//! A text file's records a block at a time, for reading one share of a source's entities
//! (engine/shares.rs): each block is parsed and filtered before the next is read, so the rows
//! the share leaves out are never all in memory.

use std::io::Read;

use polars::prelude::*;

/// Bytes of text read at a time.
const BLOCK_BYTES: usize = 32 << 20;

/// The rows of one share, as a filter over a file's own columns: `holds` reads `column`.
#[derive(Clone)]
pub struct Keep {
    pub column: String,
    pub holds: Expr,
}

impl Keep {
    /// `frame`'s rows that the share holds, with only the columns `wanted` names (all when it
    /// names none): `column` may be read only to filter.
    pub fn rows(&self, frame: DataFrame, wanted: Option<&[PlSmallStr]>) -> PolarsResult<DataFrame> {
        let kept = frame.lazy().filter(self.holds.clone());
        match wanted {
            Some(columns) => kept.select(columns.iter().map(|c| col(c.clone())).collect::<Vec<_>>()).collect(),
            None => kept.collect(),
        }
    }

    /// The columns to read for `wanted`: those, and the one the filter reads.
    pub fn columns_for(&self, wanted: &Option<Arc<[PlSmallStr]>>) -> Option<Arc<[PlSmallStr]>> {
        let wanted = wanted.as_ref()?;
        let mut columns = wanted.to_vec();
        if !columns.iter().any(|c| c.as_str() == self.column) {
            columns.push(self.column.as_str().into());
        }
        Some(columns.into())
    }
}

/// Whole records of delimited text, read in blocks: a block ends after the last line break
/// that is not inside quotes, so a quoted value that spans lines stays in one block. Each byte
/// is looked at once, however long a record is.
pub struct Records<R> {
    input: R,
    /// Read, not yet given out: it starts at a record.
    pending: Vec<u8>,
    /// How much of `pending` is looked at, whether that much ends inside quotes, and where
    /// its first and last whole records end.
    scanned: usize,
    quoted: bool,
    first_end: Option<usize>,
    last_end: Option<usize>,
    ended: bool,
}

impl<R: Read> Records<R> {
    pub fn new(input: R) -> Records<R> {
        Records { input, pending: Vec::new(), scanned: 0, quoted: false, first_end: None, last_end: None, ended: false }
    }

    /// The next `count` records, whole (the lines above a header, and the header).
    pub fn take_records(&mut self, count: usize) -> std::io::Result<Vec<u8>> {
        let mut taken = Vec::new();
        for _ in 0..count {
            let end = loop {
                self.scan();
                if let Some(end) = self.first_end {
                    break end;
                }
                if !self.fill()? {
                    break self.pending.len();
                }
            };
            taken.extend(self.give(end));
        }
        Ok(taken)
    }

    /// The next block of whole records, of about [`BLOCK_BYTES`]; `None` at the end.
    pub fn next_block(&mut self) -> std::io::Result<Option<Vec<u8>>> {
        loop {
            self.scan();
            if self.pending.len() >= BLOCK_BYTES
                && let Some(end) = self.last_end
            {
                return Ok(Some(self.give(end)));
            }
            if !self.fill()? {
                let end = self.pending.len();
                return Ok((end > 0).then(|| self.give(end)));
            }
        }
    }

    /// Looks at the bytes read since the last look, for the ends of records. A doubled quote
    /// inside a quoted value turns quoting off and on again, which leaves it on.
    fn scan(&mut self) {
        for (at, byte) in self.pending.iter().enumerate().skip(self.scanned) {
            match byte {
                b'"' => self.quoted = !self.quoted,
                b'\n' if !self.quoted => {
                    self.first_end.get_or_insert(at + 1);
                    self.last_end = Some(at + 1);
                }
                _ => {}
            }
        }
        self.scanned = self.pending.len();
    }

    /// The first `end` bytes of `pending`, which end at a record; the rest is looked at again.
    fn give(&mut self, end: usize) -> Vec<u8> {
        let rest = self.pending.split_off(end);
        (self.scanned, self.quoted, self.first_end, self.last_end) = (0, false, None, None);
        std::mem::replace(&mut self.pending, rest)
    }

    /// Reads up to a block more; false at the end of the input.
    fn fill(&mut self) -> std::io::Result<bool> {
        if self.ended {
            return Ok(false);
        }
        let read = (&mut self.input).take(BLOCK_BYTES as u64).read_to_end(&mut self.pending)?;
        self.ended = read == 0;
        Ok(read > 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocks_of(text: &[u8]) -> (Vec<u8>, Vec<Vec<u8>>) {
        let mut records = Records::new(text);
        let header = records.take_records(1).unwrap();
        let mut blocks = Vec::new();
        while let Some(block) = records.next_block().unwrap() {
            blocks.push(block);
        }
        (header, blocks)
    }

    #[test]
    fn a_quoted_line_break_is_not_the_end_of_a_record() {
        let mut records = Records::new(&b"a,\"x\ny\"\nb,\"\"\"q\"\"\"\nc"[..]);
        let taken: Vec<Vec<u8>> = (0..3).map(|_| records.take_records(1).unwrap()).collect();
        assert_eq!(taken, [&b"a,\"x\ny\"\n"[..], b"b,\"\"\"q\"\"\"\n", b"c"]);
    }

    /// Blocks end at records, and together they are the whole text, the last record without
    /// its line break included.
    #[test]
    fn blocks_are_whole_records_and_lose_nothing() {
        let mut text = b"name,note\n".to_vec();
        for index in 0..(3 * BLOCK_BYTES / 20) {
            text.extend(format!("n{index},\"two\nlines\"\n").as_bytes());
        }
        text.extend(b"last,no break");
        let (header, blocks) = blocks_of(&text);
        assert_eq!(header, b"name,note\n");
        assert!(blocks.len() >= 3, "{} blocks", blocks.len());
        for block in &blocks[..blocks.len() - 1] {
            assert!(block.starts_with(b"n") && block.ends_with(b"lines\"\n"));
        }
        let joined: Vec<u8> = std::iter::once(header).chain(blocks).flatten().collect();
        assert_eq!(joined, text);
    }

    #[test]
    fn a_file_of_a_header_alone_has_no_block() {
        assert_eq!(blocks_of(b"a,b"), (b"a,b".to_vec(), vec![]));
        assert_eq!(blocks_of(b""), (vec![], vec![]));
    }
}
