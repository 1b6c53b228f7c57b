//! A short run of the fuzz targets on every build, so that they keep compiling and a crash
//! they find quickly is found here; `cargo bench --bench fuzz` runs them for millions of inputs.

#[path = "../../fuzz/files.rs"]
mod files;
#[path = "../../fuzz/targets.rs"]
mod targets;

use targets::{Corpus, Random, TARGETS};

use crate::support::manifest_dir;

#[test]
fn the_fuzz_targets_run_without_panic_or_hang() {
    let corpus = Corpus::load(manifest_dir());
    for (index, (name, share, target)) in TARGETS.iter().enumerate() {
        let mut random = Random::new(index as u64 + 1);
        let inputs = if *share > 1 { 1_000 } else { 50 };
        let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let mut done = 0;
            while done < inputs {
                done += target(&mut random, &corpus);
            }
        }));
        assert!(run.is_ok(), "target `{name}` failed on:\n{}", targets::current_input());
    }
}
