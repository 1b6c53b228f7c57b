//! Writes WeChat official account exports as CSV, for the example client or a large generated
//! portfolio for benchmarks. Deterministic: the same arguments write the same bytes. The
//! example client's files are these, turned into the formats the backend really downloads:
//!
//! ```sh
//! cargo run --example generate_wechat                   # the example client, into target/example-exports
//! python examples/support/real_formats.py target/example-exports examples/wechat/data
//! cargo run --example generate_wechat -- --accounts 2000 --out /tmp/wechat-2000
//! ```

#[path = "support/wechat_data.rs"]
#[allow(dead_code)]
mod wechat_data;

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::Parser;

#[derive(Parser)]
struct Args {
    /// Generate this many accounts with random traits instead of the example client's three.
    #[arg(long)]
    accounts: Option<usize>,
    /// First day of data.
    #[arg(long, default_value = "2025-10-01")]
    start: NaiveDate,
    /// Last day of data.
    #[arg(long, default_value = "2026-10-31")]
    end: NaiveDate,
    #[arg(long, default_value_t = 20261101)]
    seed: u64,
    #[arg(long, default_value = "target/example-exports")]
    out: PathBuf,
}

fn main() -> std::io::Result<()> {
    let args = Args::parse();
    let mut random = wechat_data::Random::new(args.seed ^ 0x5EED);
    let mut accounts = match args.accounts {
        Some(count) => (0..count).map(|i| wechat_data::Account::random(i, &mut random)).collect(),
        None => wechat_data::example_accounts(),
    };
    wechat_data::write_exports(&args.out, &mut accounts, args.start, args.end, args.seed)?;
    eprintln!("wrote {} accounts from {} to {} into {}", accounts.len(), args.start, args.end, args.out.display());
    Ok(())
}
