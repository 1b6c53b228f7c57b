//! Polars failures that are bugs. `engine::failure` maps the ones the user's data or formulas
//! can cause; every other polars call says, with [`Bug::or_bug`], that its failure is the
//! engine's own.

use polars::prelude::PolarsResult;

use crate::error::{Error, Errors};

/// A polars failure on frames the engine built itself, whatever the data: a bug (exit 3). No
/// conversion does this on its own, so that every polars call in the engine says which it is:
/// this, or a failure the user's data or formula can cause, mapped with its place.
pub trait Bug<T> {
    fn or_bug(self) -> Result<T, Errors>;
}

impl<T> Bug<T> for PolarsResult<T> {
    fn or_bug(self) -> Result<T, Errors> {
        self.map_err(|error| Error::internal(error).into())
    }
}
