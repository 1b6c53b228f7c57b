//! A file read when its plan is collected, not when it is planned. polars' own lazy scans of
//! CSV and Parquet come with its streaming engine and a cloud-storage client, which this build
//! leaves out (docs/design.md, "CSV and Parquet come from polars-io"); their eager readers, behind an anonymous scan, read
//! only the columns the plan uses, and only once it runs, in parallel with the other sources.

use std::any::Any;
use std::sync::Arc;

use polars::prelude::*;

/// The columns a plan reads (every one, when it does not say) and how many rows at most.
pub struct Wanted {
    pub columns: Option<Arc<[PlSmallStr]>>,
    pub rows: Option<usize>,
}

impl Wanted {
    /// The first rows of `frame`, as many as the plan reads (all of them when it does not say).
    pub fn limit(&self, frame: DataFrame) -> DataFrame {
        match self.rows {
            Some(rows) => frame.head(Some(rows)),
            None => frame,
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A stand-in for a file of three rows, which gives only the columns asked for.
    fn three_rows() -> LazyFrame {
        let schema =
            Schema::from_iter([Field::new("a".into(), DataType::Int64), Field::new("b".into(), DataType::Int64)]);
        deferred(schema, |wanted: Wanted| {
            let whole = df!("a" => [1i64, 2, 3], "b" => [4i64, 5, 6]).map_err(|e| e.to_string())?;
            let frame = match &wanted.columns {
                Some(columns) => whole.select(columns.iter().cloned()).map_err(|e| e.to_string())?,
                None => whole,
            };
            Ok(wanted.limit(frame))
        })
        .unwrap()
    }

    /// A plan that counts rows and reads no column still gets every row: the scan is never
    /// asked for no column at all, which a reader would answer with no rows.
    #[test]
    fn rows_are_counted_when_the_plan_reads_no_column() {
        let counted = three_rows().select([len().alias("rows")]).collect().unwrap();
        assert_eq!(counted.column("rows").unwrap().u32().unwrap().get(0), Some(3));
        let summed = three_rows().select([col("b").sum()]).collect().unwrap();
        assert_eq!(summed.column("b").unwrap().i64().unwrap().get(0), Some(15));
    }

    #[test]
    fn a_reader_that_panics_while_the_plan_runs_fails_the_plan_with_its_message() {
        let schema = Schema::from_iter([Field::new("a".into(), DataType::Int64)]);
        let broken = deferred(schema, |_| panic!("unexpected bytes")).unwrap();
        let error = broken.collect().unwrap_err().to_string();
        assert!(error.contains("the reader stopped on it") && error.contains("unexpected bytes"), "{error}");
    }
}
