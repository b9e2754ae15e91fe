#!/usr/bin/env bash
# Whole-process throughput and memory of `rinse clean` on a generated corpus.
#
#   scripts/bench.sh [WORK_DIR]     (default: /tmp/rinse-bench; needs ~2.5 GB free)
#   RUNS=5 scripts/bench.sh         (runs per measurement, default 3; the median is shown)
#
# Builds, once and deterministically from samples/ (scripts/make-corpus.py),
# a folder of 50,000 text files (~500 MB) and one ~1 GB JSONL file, then runs
# the release binary and prints, for each run, wall time, MB/s and peak RSS
# (/usr/bin/time -v), with `cat` over the same files as the floor:
#   1. the folder, -j 2, and the ratio to `cat` (page cache warm for both);
#   2. the JSONL file, -j 1 and -j 2, and the -j speed-up;
#   3. the JSONL file with --repeated-lines 5 (the corpus pass reads twice);
#   4. one 100 MB document (peak RSS against its size).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-/tmp/rinse-bench}
RUNS=${RUNS:-3}
mkdir -p "$work"
cargo build --release --quiet --manifest-path "$root/Cargo.toml"
bin="$root/target/release/rinse"

if [ ! -f "$work/corpus.done" ]; then
    rm -rf "$work/corpus" "$work/corpus.jsonl"
    python3 "$root/scripts/make-corpus.py" "$work/corpus" --mb 500 --files 50000 --jsonl-mb 1000
    touch "$work/corpus.done"
fi
if [ ! -f "$work/big.txt" ]; then
    python3 - "$work/big.txt" <<'PY'
import sys
# One 100 MB document: prose paragraphs, deterministic.
para = ("The council approved the budget on Tuesday after a debate that lasted "
        "several weeks, and members said the plan would fund schools and roads. ")
with open(sys.argv[1], "w") as f:
    n = 0
    while n < 100_000_000:
        f.write(para * 4 + "\n\n")
        n += len(para) * 4 + 2
PY
fi

# measure NAME BYTES CMD...: runs CMD $RUNS times, prints the median wall time,
# the MB/s it gives, the range of wall times, and the largest peak RSS. Each run
# writes a new output file, as a first run does: the last run's output is
# removed before the clock starts (replacing an existing 500 MB output costs
# the kernel about 0.15 s more, freeing the old file's pages).
measure() {
    local name=$1 bytes=$2
    shift 2
    local log walls="" rss_max=0
    log=$(mktemp)
    for _ in $(seq "$RUNS"); do
        rm -f "$out.jsonl"
        /usr/bin/time -v "$@" >/dev/null 2>"$log" || { cat "$log" >&2; exit 1; }
        local wall rss
        wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$log" | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
        rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$log")
        walls="$walls $wall"
        [ "$rss" -gt "$rss_max" ] && rss_max=$rss
    done
    rm -f "$log"
    LAST_WALL=$(echo "$walls" | tr ' ' '\n' | grep . | sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }')
    local range
    range=$(echo "$walls" | tr ' ' '\n' | grep . | sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%.2f-%.2f", lo, hi }')
    awk -v n="$name" -v w="$LAST_WALL" -v b="$bytes" -v r="$rss_max" -v g="$range" \
        'BEGIN { printf "%-38s %7.2f s  %8.1f MB/s  (runs %s s)  peak RSS %6.1f MB\n", n, w, b/1e6/w, g, r/1024 }'
}

folder_bytes=$(du -sb "$work/corpus" | cut -f1)
jsonl_bytes=$(stat -c %s "$work/corpus.jsonl")
files=$(find "$work/corpus" -type f | wc -l)
echo "machine: $(nproc) cores; corpus: $files files, $((folder_bytes / 1000000)) MB; JSONL: $((jsonl_bytes / 1000000)) MB"
out="$work/out"

# Warm the page cache, then time cat as the floor.
find "$work/corpus" -type f -exec cat {} + >/dev/null
measure "cat folder" "$folder_bytes" sh -c "find '$work/corpus' -type f -exec cat {} + >/dev/null"
cat_wall=$LAST_WALL
measure "rinse clean folder -j 2" "$folder_bytes" "$bin" clean "$work/corpus" -q -j 2 -o "$out.jsonl"
awk -v a="$LAST_WALL" -v c="$cat_wall" 'BEGIN { printf "ratio to cat: %.2f x\n", a/c }'

cat "$work/corpus.jsonl" >/dev/null
measure "cat JSONL" "$jsonl_bytes" cat "$work/corpus.jsonl"
measure "rinse clean JSONL -j 1" "$jsonl_bytes" "$bin" clean "$work/corpus.jsonl" -q -j 1 -o "$out.jsonl"
one=$LAST_WALL
measure "rinse clean JSONL -j 2" "$jsonl_bytes" "$bin" clean "$work/corpus.jsonl" -q -j 2 -o "$out.jsonl"
awk -v a="$one" -v b="$LAST_WALL" 'BEGIN { printf "-j 2 speed-up over -j 1: %.2f x\n", a/b }'
measure "rinse clean JSONL --repeated-lines 5" "$jsonl_bytes" "$bin" clean "$work/corpus.jsonl" -q -j 2 --repeated-lines 5 -o "$out.jsonl"
measure "rinse clean one 100 MB document" "$(stat -c %s "$work/big.txt")" "$bin" clean "$work/big.txt" -q --max-doc-bytes 200000000 -o "$out.jsonl"
rm -f "$out.jsonl"
