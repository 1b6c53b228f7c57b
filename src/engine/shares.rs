//! Sources larger than memory, read in turns: each turn reads the rows of one share of the
//! entities and aggregates them per entity and period (the first turn reads every file a block
//! at a time and sets the other shares' rows aside on disk, files/spill.rs, for the turns after
//! it). An entity's rows all fall in one share,
//! so every aggregation of a cell — a distinct count, a median, the first row by date, the
//! rows written twice — is the one a whole read gives; what comes after the aggregation (the
//! grid, period and cross-entity functions) runs once, on all the shares' cells.

use polars::prelude::*;

use super::bug::Bug;
use crate::error::Errors;

/// Bytes of source files read in one turn: the files' size, as a measure of the memory their
/// rows take once parsed (docs/benchmarks.md, "Larger than memory").
pub const SHARE_BYTES: u64 = 1 << 30;

/// One share of a source's entities: those whose name hashes to `index` of `of`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Share {
    pub index: u32,
    pub of: u32,
}

impl Share {
    /// Every entity: the source read in one turn.
    pub const WHOLE: Share = Share { index: 0, of: 1 };

    /// The shares a run reads its sources in, for `bytes` of source files.
    pub fn count_for(bytes: u64) -> u32 {
        bytes.div_ceil(SHARE_BYTES).clamp(1, u32::MAX as u64) as u32
    }

    /// Each of `of` shares.
    pub fn all(of: u32) -> impl Iterator<Item = Share> {
        (0..of).map(move |index| Share { index, of })
    }

    pub fn is_whole(self) -> bool {
        self.of <= 1
    }

    /// The share of each entity of a column of text (trimmed, as the grid names it), of `of`
    /// shares; a row without one is in the first.
    pub fn index_of(of: u32, entity: Expr) -> Expr {
        let indices = move |column: Column| {
            let names = column.str()?;
            let index = |name: Option<&str>| Some(name.map_or(0, |name| name_hash(name) % of as u64) as u32);
            let indices: UInt32Chunked = names.iter().map(index).collect();
            Ok(indices.with_name(column.name().clone()).into_column())
        };
        entity.map(indices, |_, field| Ok(Field::new(field.name().clone(), DataType::UInt32)))
    }

    /// Whether the entity `name` is in this share: a file named after its account and a
    /// column of account names agree.
    pub fn holds_name(self, name: &str) -> bool {
        name_hash(name) % self.of as u64 == self.index as u64
    }
}

/// A fingerprint, the same in every build, so that an entity is in the same share in every file
/// of a run.
fn name_hash(name: &str) -> u64 {
    crate::fingerprint::of(name.as_bytes())
}

/// `plan` of each of `of` shares, collected in turn, the frames stacked.
pub fn collect_in_turns(of: u32, plan: impl Fn(Share) -> Result<LazyFrame, Errors>) -> Result<DataFrame, Errors> {
    let mut stacked = None;
    for share in Share::all(of) {
        stack(&mut stacked, plan(share)?.collect().or_bug()?)?;
    }
    Ok(stacked.expect("at least one share"))
}

/// A turn's frame under those of the turns before it.
pub fn stack(stacked: &mut Option<DataFrame>, frame: DataFrame) -> Result<(), Errors> {
    match stacked {
        None => *stacked = Some(frame),
        Some(stacked) => _ = stacked.vstack_mut_owned(frame).or_bug()?,
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every name is in exactly one share, and a file named after its account lands in the
    /// share its rows would.
    #[test]
    fn each_entity_is_in_one_share_by_column_and_by_name() {
        let names = ["晨光咖啡", "晨光咖啡商城", "a", "b", "", "账号0001", "账号0002", "x'; drop"];
        for of in [2, 3, 7] {
            for name in names {
                let by_name: Vec<bool> = Share::all(of).map(|share| share.holds_name(name)).collect();
                assert_eq!(by_name.iter().filter(|held| **held).count(), 1, "{name} in {of} shares");
                let column = DataFrame::new(1, vec![Column::new("e".into(), [name])]).unwrap();
                for share in Share::all(of) {
                    let index = column.clone().lazy().select([Share::index_of(of, col("e"))]).collect().unwrap();
                    let held = index.columns()[0].u32().unwrap().get(0) == Some(share.index);
                    assert_eq!(held, share.holds_name(name), "{name} in share {share:?}");
                }
            }
        }
    }

    /// Accounts numbered alike still spread over every share.
    #[test]
    fn entities_spread_over_the_shares() {
        let mut sizes = [0; 4];
        for index in 0..400 {
            let held = Share::all(4).position(|share| share.holds_name(&format!("账号{index:04}")));
            sizes[held.unwrap()] += 1;
        }
        assert!(sizes.iter().all(|size| (60..140).contains(size)), "{sizes:?}");
    }

    #[test]
    fn shares_follow_the_size_of_the_files() {
        assert_eq!(Share::count_for(0), 1);
        assert_eq!(Share::count_for(SHARE_BYTES), 1);
        assert_eq!(Share::count_for(SHARE_BYTES + 1), 2);
        assert_eq!(Share::count_for(6 * SHARE_BYTES + 5), 7);
    }
}
