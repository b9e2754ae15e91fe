"""`dolma mix` applying rinse's attributes (run by scripts/test-dolma.sh, which
installs dolma; not part of CI: dolma builds from source for minutes).

Numeric ids (which stopped `dolma mix` with "Mismatched ids" when rinse wrote
them as strings), attributes alone, `filter.exclude` on `rinse__body_empty`
and `span_replacement` on `rinse__boilerplate`.
"""

import gzip
import json
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT

PAGE = (
    "Council approves the budget\n\n"
    "The council approved the city budget on Tuesday after a long debate.\n"
    "Share this\n"
    "The vote was seven to two, with one member absent from the chamber.\n"
)


def test_dolma_mix_applies_rinse_attributes_on_numeric_ids(tmp_path, rinse_bin):
    if shutil.which("dolma") is None:
        pytest.skip("dolma is not installed (scripts/test-dolma.sh installs it)")
    stamp = {"source": "s", "added": "2024-01-01T00:00:00Z", "created": "2024-01-01T00:00:00Z"}
    docs = [
        {"id": 1, "text": PAGE, **stamp},
        {"id": 2, "text": "Share this\nFollow us on Twitter\n", **stamp},
        {"id": 3, "text": PAGE.replace("budget", "plan"), **stamp},
    ]
    shard = tmp_path / "documents" / "part" / "0.jsonl.gz"
    shard.parent.mkdir(parents=True)
    shard.write_bytes(gzip.compress("".join(json.dumps(d) + "\n" for d in docs).encode()))
    example = ROOT / "python" / "examples" / "dolma_tag.py"
    r = subprocess.run([sys.executable, example, rinse_bin, tmp_path, "--mix"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    mixed = [json.loads(l) for p in sorted((tmp_path / "mixed").glob("*.gz"))
             for l in gzip.decompress(p.read_bytes()).decode().splitlines()]
    # The boilerplate-only document is dropped; ids stay numbers.
    assert [d["id"] for d in mixed] == [1, 3]
    # The removed line is gone, its line break left as a blank line.
    assert "Share this" not in mixed[0]["text"]
    assert "long debate.\n\nThe vote" in mixed[0]["text"]
