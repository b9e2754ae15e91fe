#!/usr/bin/env bash
# Leave-one-source-out evaluation of the line model, scored by the bench's own
# scorers on the release binary's records.
#
#   scripts/eval-cv.sh BENCH_DIR [WORK_DIR]
#
# BENCH_DIR is the shared bench folder (aeb-dev/, train.tar.gz, score_body.py,
# score_snippets.py). For each of the four sources, a model is trained on the
# other three (scripts/train_lines.py --without SOURCE) and the source is
# cleaned with it (`rinse clean --line-model`) and scored; then every source
# is cleaned with the built-in model (trained on all four: in-sample figures)
# and with no model (`--line-model none`: the heuristic span alone); titles
# are scored on Dragnet and L3S-GN1 (scripts/eval-titles.py). Needs
# Python with lightgbm and numpy (scripts/requirements-train.txt).
set -euo pipefail
if [ $# -lt 1 ]; then
    echo "usage: $0 BENCH_DIR [WORK_DIR]" >&2
    exit 2
fi
bench=$(cd "$1" && pwd)
root=$(cd "$(dirname "$0")/.." && pwd)
work=${2:-${TMPDIR:-/tmp}/rinse-train}
mkdir -p "$work"
py=${PYTHON:-python3}
cargo build --release --quiet --manifest-path "$root/Cargo.toml"
rinse="$root/target/release/rinse"

text_dir() {
    if [ "$1" = aeb-dev ]; then echo "$bench/aeb-dev/text"; else echo "$work/train/$1/text"; fi
}
gold() {
    if [ "$1" = aeb-dev ]; then echo "$bench/aeb-dev/gold.jsonl"; else echo "$work/train/$1/gold.jsonl"; fi
}
score() { # SOURCE RECORDS
    if [ "$1" = trafilatura ]; then
        "$py" "$bench/score_snippets.py" "$(gold "$1")" "$2" | sed 's/^[^:]*: //'
    else
        "$py" "$bench/score_body.py" "$(gold "$1")" "$2" | awk '/bag-of-words  (mean|median)/ {printf "%s F1=%s  ", $2, substr($5, 4)} END {print ""}'
    fi
}

sources="aeb-dev dragnet l3s-gn1 trafilatura"
for s in $sources; do
    "$py" "$root/scripts/train_lines.py" --bench "$bench" --work "$work" --rinse "$rinse" \
        --without "$s" --out "$work/model-without-$s.json"
done
echo
echo "leave one source out (model trained on the other three sources):"
for s in $sources; do
    "$rinse" clean "$(text_dir "$s")" --line-model "$work/model-without-$s.json" -o "$work/cv-$s.jsonl" --quiet
    printf '  %-12s %s\n' "$s" "$(score "$s" "$work/cv-$s.jsonl")"
done
echo "built-in model (trained on all four sources; in-sample):"
for s in $sources; do
    "$rinse" clean "$(text_dir "$s")" -o "$work/all-$s.jsonl" --quiet
    printf '  %-12s %s\n' "$s" "$(score "$s" "$work/all-$s.jsonl")"
done
echo "no model (the heuristic article span alone):"
for s in $sources; do
    "$rinse" clean "$(text_dir "$s")" --line-model none -o "$work/none-$s.jsonl" --quiet
    printf '  %-12s %s\n' "$s" "$(score "$s" "$work/none-$s.jsonl")"
done
echo "titles (scripts/eval-titles.py, held-out records; the title rules were written"
echo "looking at even-numbered pages only, so the odd half is held out for them):"
for s in dragnet l3s-gn1; do
    for half in odd all; do
        printf '  %-12s %-4s %s\n' "$s" "$half" \
            "$("$py" "$root/scripts/eval-titles.py" "$(gold "$s")" "$work/cv-$s.jsonl" --half "$half")"
    done
done
