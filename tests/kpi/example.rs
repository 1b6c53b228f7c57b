//! The example client's data is what its generator writes.

#[path = "../../examples/support/wechat_data.rs"]
#[allow(dead_code)]
mod wechat_data;

use chrono::NaiveDate;

use crate::support::manifest_dir;

#[test]
fn the_committed_example_data_is_what_the_generator_writes() {
    let dir = tempfile::tempdir().unwrap();
    let start = NaiveDate::from_ymd_opt(2025, 10, 1).unwrap();
    let end = NaiveDate::from_ymd_opt(2026, 10, 31).unwrap();
    wechat_data::write_exports(dir.path(), &mut wechat_data::example_accounts(), start, end, 20261101).unwrap();
    let committed = manifest_dir().join("examples/wechat/data");
    let mut names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    names.sort();
    assert!(names.len() >= 10, "{names:?}");
    for name in names {
        let generated = std::fs::read(dir.path().join(&name)).unwrap();
        let expected = std::fs::read(committed.join(&name)).unwrap_or_default();
        assert!(generated == expected, "{name:?} differs: run `cargo run --example generate_wechat`");
    }
}
