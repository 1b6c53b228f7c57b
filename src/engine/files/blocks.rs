//! A file a block at a time, for reading one share of a source's entities (engine/shares.rs):
//! each block is parsed and filtered before the next is read, so the rows the share leaves out
//! are never all in memory; and a text file's records in blocks.

use std::io::Read;

use polars::prelude::*;

use super::deferred::Wanted;
use super::spill::Spills;
use crate::engine::shares::Share;

/// Bytes of text read at a time.
const BLOCK_BYTES: usize = 32 << 20;

/// The rows of one share of a source's entities, as a file's own columns tell them.
#[derive(Clone)]
pub struct Keep {
    /// The column the share is told by, and the share of each row, computed from it.
    pub column: String,
    pub index: Expr,
    pub share: Share,
    /// Where the first turn sets aside the later turns' rows, and what names the read there
    /// besides its file and columns (its source).
    pub spills: Option<Arc<Spills>>,
    pub reader: String,
}

impl Keep {
    /// Whether a row is in the share.
    pub fn holds(&self) -> Expr {
        self.index.clone().eq(lit(self.share.index))
    }

    /// The columns to read for `wanted`: those, and the one the share is told by.
    pub fn columns_for(&self, wanted: &Option<Arc<[PlSmallStr]>>) -> Option<Arc<[PlSmallStr]>> {
        let wanted = wanted.as_ref()?;
        let mut columns = wanted.to_vec();
        if !columns.iter().any(|c| c.as_str() == self.column) {
            columns.push(self.column.as_str().into());
        }
        Some(columns.into())
    }

    /// The share's rows of a file: set aside by the first turn, or read from `blocks` (the
    /// first of which may be empty, to give the columns), each block filtered as it comes. The
    /// first turn sets aside the other shares' rows as it reads them. `file` names the file
    /// and how it is read.
    pub fn read<I: Iterator<Item = Result<DataFrame, String>>>(
        &self,
        file: String,
        wanted: &Wanted,
        blocks: impl FnOnce() -> Result<I, String>,
    ) -> Result<DataFrame, String> {
        let key = format!("{}\u{0}{file}", self.reader);
        let set_aside = self.spills.as_ref().map(|spills| spills.rows(&key, self.share.index)).transpose()?;
        if let Some(rows) = set_aside.flatten() {
            return Ok(wanted.limit(self.selected(rows, wanted)?));
        }
        let mut spill = match (&self.spills, self.share.index, wanted.rows) {
            (Some(spills), 0, None) => spills.writer(&key, self.share.of),
            _ => None,
        };
        let mut kept: Option<DataFrame> = None;
        for block in blocks()? {
            let block = block?;
            let indices = block.clone().lazy().select([self.index.clone()]).collect().map_err(|e| e.to_string())?;
            let indices = indices.columns()[0].u32().map_err(|e| e.to_string())?.clone();
            let rows_of = |share: u32| block.filter(&indices.equal(share)).map_err(|e| e.to_string());
            let rows = rows_of(self.share.index)?;
            match &mut kept {
                None => kept = Some(rows),
                Some(kept) => _ = kept.vstack_mut_owned(rows).map_err(|e| e.to_string())?,
            }
            if let Some(spill) = &mut spill {
                for share in 1..self.share.of {
                    spill.write(share, rows_of(share)?)?;
                }
            }
            if wanted.rows.is_some_and(|rows| kept.as_ref().is_some_and(|kept| kept.height() >= rows)) {
                break;
            }
        }
        if let Some(spill) = spill {
            spill.finish()?;
        }
        let kept = kept.ok_or("a file read in blocks gives its columns first")?;
        Ok(wanted.limit(self.selected(kept, wanted)?))
    }

    /// The columns `wanted` names (all when it names none): the share's may be read only to
    /// tell the share.
    fn selected(&self, rows: DataFrame, wanted: &Wanted) -> Result<DataFrame, String> {
        match &wanted.columns {
            Some(columns) => rows.select(columns.iter().cloned()).map_err(|e| e.to_string()),
            None => Ok(rows),
        }
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

    /// A stand-in for a file of rows whose column `e` is already the share of each row.
    fn blocks() -> Result<impl Iterator<Item = Result<DataFrame, String>>, String> {
        let block =
            |shares: &[u32]| df!("e" => shares, "n" => shares.iter().map(|s| *s as f64 * 10.0).collect::<Vec<_>>());
        let blocks = [block(&[]), block(&[0, 1, 2, 0]), block(&[2, 2, 1])];
        Ok(blocks.into_iter().map(|block| block.map_err(|e| e.to_string())))
    }

    fn keep(index: u32, spills: &Arc<Spills>) -> Keep {
        let share = Share { index, of: 3 };
        Keep { column: "e".into(), index: col("e"), share, spills: Some(spills.clone()), reader: "users".into() }
    }

    fn shares_of(frame: &DataFrame) -> Vec<u32> {
        frame.column("e").unwrap().u32().unwrap().into_no_null_iter().collect()
    }

    /// The first turn parses the file and sets the other shares' rows aside; the later turns
    /// read them from there and never read the file again.
    #[test]
    fn the_later_turns_read_the_rows_the_first_set_aside() {
        let spills = Spills::new().unwrap();
        let all = Wanted { columns: None, rows: None };
        let first = keep(0, &spills).read("file".into(), &all, blocks).unwrap();
        assert_eq!(shares_of(&first), [0, 0]);
        let never = || -> Result<std::iter::Empty<Result<DataFrame, String>>, String> { panic!("read again") };
        let second = keep(1, &spills).read("file".into(), &all, never).unwrap();
        assert_eq!(shares_of(&second), [1, 1]);
        let wanted = Wanted { columns: Some(Arc::from(["n".into()])), rows: None };
        let third = keep(2, &spills).read("file".into(), &wanted, never).unwrap();
        assert_eq!(third.get_column_names(), ["n"]);
        assert_eq!(third.column("n").unwrap().f64().unwrap().into_no_null_iter().collect::<Vec<_>>(), [20.0; 3]);
    }

    /// A read of the first rows alone sets nothing aside: the later turns read the file.
    #[test]
    fn a_read_of_the_first_rows_sets_nothing_aside() {
        let spills = Spills::new().unwrap();
        let first = keep(0, &spills).read("file".into(), &Wanted { columns: None, rows: Some(1) }, blocks).unwrap();
        assert_eq!(shares_of(&first), [0]);
        let later = keep(2, &spills).read("file".into(), &Wanted { columns: None, rows: None }, blocks).unwrap();
        assert_eq!(shares_of(&later), [2, 2, 2]);
    }

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
