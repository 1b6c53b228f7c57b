//! One module per command: each turns its flags into a validated configuration (`Config::new`),
//! then runs it (`Config::run`), one call into the library.

pub mod check;
pub mod diff;
pub mod explain;
pub mod init;
pub mod preview;
pub mod report;
pub mod run;
pub mod schema;
pub mod show;
pub mod sql;
pub mod test;
