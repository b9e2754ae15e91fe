#!/usr/bin/env bash
# `dolma mix` on rinse's attributes (tests/dolma): installs dolma 1.2.1 into
# .venv-dolma (it builds from source: about 6 minutes on 2 cores the first
# time, so CI does not run this), builds the release binary, runs pytest.
# Usage: scripts/test-dolma.sh [pytest args…]
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
VENV=.venv-dolma
[ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
"$VENV/bin/python" -m pip install -q --disable-pip-version-check 'dolma==1.2.1' 'pytest==8.4.2'
cargo build --release --quiet --bin rinse
PATH="$PWD/$VENV/bin:$PATH" RINSE_BIN="$PWD/target/release/rinse" \
    "$VENV/bin/python" -m pytest tests/dolma -p no:cacheprovider -q "$@"
