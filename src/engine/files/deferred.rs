//! A file read when its plan is collected, not when it is planned. polars' own lazy scans of
//! CSV and Parquet come with its streaming engine and a cloud-storage client, which this build
//! leaves out (docs/design.md, "Build time"); their eager readers, behind an anonymous scan, read
//! only the columns the plan uses, and only once it runs, in parallel with the other sources.

use std::any::Any;
use std::sync::Arc;

use polars::prelude::*;

/// The columns a plan reads (every one, when it does not say) and how many rows at most.
pub struct Wanted {
    pub columns: Option<Arc<[PlSmallStr]>>,
    pub rows: Option<usize>,
}

type Read = dyn Fn(Wanted) -> Result<DataFrame, String> + Send + Sync;

struct Deferred {
    read: Box<Read>,
}

impl AnonymousScan for Deferred {
    fn as_any(&self) -> &dyn Any {
        self
    }

    /// A panic of the reader (a dependency meeting bytes it did not expect) is the file's
    /// error, as when it is opened or sampled.
    fn scan(&self, args: AnonymousScanArgs) -> PolarsResult<DataFrame> {
        let wanted = Wanted { columns: args.with_columns, rows: args.n_rows };
        let read = crate::contain::contain(|| (self.read)(wanted));
        let read = read.unwrap_or_else(|panic| Err(format!("the reader stopped on it: {panic}")));
        read.map_err(|message| PolarsError::ComputeError(message.into()))
    }

    fn allows_projection_pushdown(&self) -> bool {
        true
    }
}

/// A lazy frame of `schema` that `read` fills when the plan runs.
pub fn deferred(
    schema: Schema,
    read: impl Fn(Wanted) -> Result<DataFrame, String> + Send + Sync + 'static,
) -> Result<LazyFrame, String> {
    let scan = Arc::new(Deferred { read: Box::new(read) });
    let args = ScanArgsAnonymous { schema: Some(Arc::new(schema)), name: "FILE", ..Default::default() };
    LazyFrame::anonymous_scan(scan, args).map_err(|e| e.to_string())
}
