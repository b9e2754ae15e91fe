#!/usr/bin/env bash
# Runs the release binary over a bench folder and prints the body-extraction scores.
#
#   scripts/bench-aeb.sh BENCH_DIR [extra rinse clean flags…]
#
# BENCH_DIR holds `text/*.txt`, `gold.jsonl` and (or its parent holds) `score_body.py`,
# as in the team's shared bench folder (`../shared/bench/aeb-dev`). The page texts
# belong to their publishers and are never copied into this repository.
set -euo pipefail
if [ $# -lt 1 ]; then
    echo "usage: $0 BENCH_DIR [rinse clean flags…]" >&2
    exit 2
fi
bench=$(cd "$1" && pwd)
shift
score="$bench/score_body.py"
[ -f "$score" ] || score="$bench/../score_body.py"
[ -f "$score" ] || { echo "no score_body.py in $bench or its parent" >&2; exit 2; }
root=$(cd "$(dirname "$0")/.." && pwd)
cargo build --release --quiet --manifest-path "$root/Cargo.toml"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$root/target/release/rinse" clean "$bench/text" -o "$out/run.jsonl" --quiet "$@"
python3 "$score" "$bench/gold.jsonl" "$out/run.jsonl" ${PER_DOC:+--per-doc "$PER_DOC"}
