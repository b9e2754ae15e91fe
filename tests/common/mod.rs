//! Helpers shared by the tests that run the real binary.

use std::process::Command;

use assert_cmd::cargo::CommandCargoExt;

/// The `rinse` binary built for these tests.
pub fn rinse() -> Command {
    let mut c = Command::cargo_bin("rinse").expect("binary");
    c.env_remove("RUST_LOG");
    c
}

/// The "N documents in = W written + F failed" figures of a run's summary.
pub fn summary_counts(stderr: &str) -> (u64, u64, u64) {
    let line = stderr
        .lines()
        .find(|l| l.contains("documents in ="))
        .unwrap_or_else(|| panic!("no summary in {stderr:?}"));
    let nums: Vec<u64> = line
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .take(3)
        .map(|s| s.parse().unwrap())
        .collect();
    (nums[0], nums[1], nums[2])
}
