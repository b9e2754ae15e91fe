#!/usr/bin/env bash
# Whole-process throughput and memory of `rinse clean`, on real pages and on
# a corpus made from the samples.
#
#   scripts/bench.sh [WORK_DIR]     (default: /tmp/rinse-bench; needs ~4 GB free)
#   RUNS=5 scripts/bench.sh         (runs per measurement, default 3; the median is shown)
#   PAGES="DIR..." scripts/bench.sh (where the real pages are; default below)
#
# Builds, once and deterministically:
#   * real/: real scraped pages (by default ../shared/bench/aeb-dev/text and
#     the train/*/text of ../shared/bench/train.tar.gz, unpacked into WORK_DIR)
#     repeated to >= 512 MB in >= 50,000 files, and real.jsonl, >= 1 GB of the
#     same pages (scripts/make-real-corpus.py);
#   * corpus/: 50,000 files (~500 MB) made from samples/, and corpus.jsonl
#     (~1 GB) (scripts/make-corpus.py), the corpus of earlier figures.
# Then, for each corpus, runs the release binary and prints, for each run,
# the median wall time, MB/s and peak RSS (/usr/bin/time -v), with `cat`
# over the same files as the floor, measured in the same run:
#   1. the folder, -j 2, and the ratio to `cat` (page cache warm for both);
#   2. the folder, -j 1;
#   3. the JSONL file, -j 1 and -j 2, and the -j speed-up;
#   4. the JSONL file with --repeated-lines 5 (the corpus pass reads twice);
# and once: one 100 MB document (peak RSS against its size).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-/tmp/rinse-bench}
RUNS=${RUNS:-3}
mkdir -p "$work"
cargo build --release --quiet --manifest-path "$root/Cargo.toml"
bin="$root/target/release/rinse"

shared="$root/../shared/bench"
if [ -z "${PAGES:-}" ]; then
    if [ ! -d "$work/train" ] && [ -f "$shared/train.tar.gz" ]; then
        tar -xzf "$shared/train.tar.gz" -C "$work"
    fi
    PAGES="$shared/aeb-dev/text $(ls -d "$work"/train/*/text 2>/dev/null | tr '\n' ' ')"
fi
if [ ! -f "$work/real.done" ]; then
    rm -rf "$work/real" "$work/real.jsonl"
    # shellcheck disable=SC2086
    python3 "$root/scripts/make-real-corpus.py" "$work/real" $PAGES --mb 512 --files 50000 --jsonl-mb 1000
    touch "$work/real.done"
fi
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

out="$work/out"
echo "machine: $(nproc) cores"

# bench NAME DIR JSONL: the runs on one corpus.
bench() {
    local name=$1 dir=$2 jsonl=$3 folder_bytes jsonl_bytes files cat_wall one
    folder_bytes=$(du -sb "$dir" | cut -f1)
    jsonl_bytes=$(stat -c %s "$jsonl")
    files=$(find "$dir" -type f | wc -l)
    echo "== $name: $files files, $((folder_bytes / 1000000)) MB; JSONL: $((jsonl_bytes / 1000000)) MB"
    # Warm the page cache, then time cat as the floor.
    find "$dir" -type f -exec cat {} + >/dev/null
    measure "cat folder" "$folder_bytes" sh -c "find '$dir' -type f -exec cat {} + >/dev/null"
    cat_wall=$LAST_WALL
    measure "rinse clean folder -j 2" "$folder_bytes" "$bin" clean "$dir" -q -j 2 -o "$out.jsonl"
    awk -v a="$LAST_WALL" -v c="$cat_wall" 'BEGIN { printf "ratio to cat: %.2f x\n", a/c }'
    measure "rinse clean folder -j 1" "$folder_bytes" "$bin" clean "$dir" -q -j 1 -o "$out.jsonl"
    cat "$jsonl" >/dev/null
    measure "cat JSONL" "$jsonl_bytes" cat "$jsonl"
    measure "rinse clean JSONL -j 1" "$jsonl_bytes" "$bin" clean "$jsonl" -q -j 1 -o "$out.jsonl"
    one=$LAST_WALL
    measure "rinse clean JSONL -j 2" "$jsonl_bytes" "$bin" clean "$jsonl" -q -j 2 -o "$out.jsonl"
    awk -v a="$one" -v b="$LAST_WALL" 'BEGIN { printf "-j 2 speed-up over -j 1: %.2f x\n", a/b }'
    measure "rinse clean JSONL --repeated-lines 5" "$jsonl_bytes" "$bin" clean "$jsonl" -q -j 2 --repeated-lines 5 -o "$out.jsonl"
}

bench "real pages" "$work/real" "$work/real.jsonl"
bench "sample-made corpus" "$work/corpus" "$work/corpus.jsonl"
measure "rinse clean one 100 MB document" "$(stat -c %s "$work/big.txt")" "$bin" clean "$work/big.txt" -q --max-doc-bytes 200000000 -o "$out.jsonl"
rm -f "$out.jsonl"
