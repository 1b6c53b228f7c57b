//! Runs the fuzz targets of `fuzz/targets.rs` for a number of inputs (10 million by default),
//! on every core, and prints how many each ran and how fast. It stops at the first panic or
//! hang, printing the input; a stack overflow aborts the process. Run it with
//!
//! ```sh
//! cargo bench --bench fuzz -- 10000000
//! cargo bench --bench fuzz -- 20000 files    # one target, all the inputs
//! ```
//!
//! docs/reliability.md records its runs.

mod files;
mod targets;

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use targets::{Corpus, Random, TARGETS};

fn main() {
    let total: usize = std::env::args().skip(1).find_map(|a| a.parse().ok()).unwrap_or(10_000_000);
    let only: Option<String> = std::env::args().skip(1).find(|a| a.parse::<usize>().is_err() && !a.starts_with('-'));
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let corpus = Arc::new(Corpus::load(Path::new(env!("CARGO_MANIFEST_DIR"))));
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        default_hook(info);
        eprintln!("the input was:\n{}", targets::current_input());
    }));
    println!("fuzzing {total} inputs over {} targets on {threads} threads", TARGETS.len());
    let total = total - total % 100;
    let started = Instant::now();
    for (index, (name, share, target)) in TARGETS.iter().enumerate() {
        let budget = match &only {
            Some(only) if only == name => total,
            Some(_) => continue,
            None => total * share / 100,
        };
        let done = Arc::new(AtomicUsize::new(0));
        let target_started = Instant::now();
        let workers: Vec<_> = (0..threads)
            .map(|thread| {
                let (corpus, done, target) = (corpus.clone(), done.clone(), *target);
                std::thread::Builder::new()
                    .stack_size(8 * 1024 * 1024)
                    .spawn(move || {
                        let mut random = Random::new((index * 1_000 + thread) as u64 + 1);
                        while done.load(Ordering::Relaxed) < budget {
                            done.fetch_add(target(&mut random, &corpus), Ordering::Relaxed);
                        }
                    })
                    .expect("a thread")
            })
            .collect();
        for worker in workers {
            if worker.join().is_err() {
                std::process::exit(1);
            }
        }
        let took = target_started.elapsed();
        let ran = done.load(Ordering::Relaxed);
        println!("{name:>9}: {ran} inputs in {took:.1?} ({:.0}/s), no panic or hang", ran as f64 / took.as_secs_f64());
    }
    println!("all targets: {total} inputs in {:.1?}", started.elapsed());
}
