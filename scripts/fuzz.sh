#!/usr/bin/env bash
# Runs each cargo-fuzz target for a bounded time, starting from fuzz/seeds/.
#
#   scripts/fuzz.sh            # every target, FUZZ_SECONDS (default 30) each
#   scripts/fuzz.sh jsonl      # one target
#
# cargo-fuzz needs nightly-only compiler flags; on a stable toolchain
# RUSTC_BOOTSTRAP=1 allows them. A crash is saved under fuzz/artifacts/<target>/:
# copy it into fuzz/seeds/<target>/ (tests/fuzz_seeds.rs then replays it in
# `cargo test`) and fix the bug.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-30}
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(decode_repair clean_text jsonl wet)
command -v cargo-fuzz >/dev/null 2>&1 || cargo install cargo-fuzz --locked
export RUSTC_BOOTSTRAP=1
for t in "${targets[@]}"; do
  corpus=$(mktemp -d)
  echo "fuzz: $t for ${seconds}s"
  cargo fuzz run --fuzz-dir fuzz "$t" "$corpus" "fuzz/seeds/$t" -- \
    -max_total_time="$seconds" -seed=1 -max_len=8192 -print_final_stats=1 2>&1 |
    grep -E '^(Done|stat::number_of_executed_units|==[0-9]|SUMMARY)' | tail -n 4
  status=${PIPESTATUS[0]}
  rm -rf "$corpus"
  [ "$status" -eq 0 ] || { echo "fuzz: $t failed (exit $status); see fuzz/artifacts/$t/"; exit "$status"; }
done
