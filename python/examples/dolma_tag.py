"""rinse as a dolma tagger: attributes for ``dolma mix`` to apply.

    python dolma_tag.py RINSE_BIN DOLMA_DIR [--mix]

DOLMA_DIR holds dolma's layout: ``documents/**/*.jsonl.gz``. rinse writes
``attributes/rinse/**/*.jsonl.gz`` beside it, one attribute file per
document file at the same relative path, gzip-compressed, one line per
document in order, with the document's own ``id`` (numbers stay numbers).
No cleaned documents are written (``--attributes-dir`` alone).

With ``--mix`` (dolma installed), a mixer config is written and ``dolma mix``
run: it drops documents rinse found no body in (``filter.exclude`` on the
document-level ``rinse__body_empty``) and deletes the lines rinse removed
(``span_replacement`` on ``rinse__boilerplate``). A replaced span leaves its
line break, so removed lines stay as blank lines in the mixed text.
"""

import json
import subprocess
import sys
from pathlib import Path


def tag(rinse_bin: str, root: Path) -> int:
    """Writes rinse's attributes for root/documents; rinse's exit status."""
    cmd = [
        rinse_bin, "clean", "-q", "--glob", "*.jsonl.gz",
        str(root / "documents"), "--attributes-dir", str(root / "attributes" / "rinse"),
    ]
    return subprocess.run(cmd).returncode


def mix_config(root: Path) -> dict:
    """A dolma mixer config applying rinse's attributes."""
    return {
        "streams": [
            {
                "name": "rinsed",
                "documents": [str(root / "documents" / "**" / "*.jsonl.gz")],
                "attributes": ["rinse"],
                "output": {"path": str(root / "mixed"), "max_size_in_bytes": 1_000_000_000},
                "filter": {
                    "exclude": ["$.attributes[?(@.rinse__body_empty && @.rinse__body_empty[0] && @.rinse__body_empty[0][2] >= 1.0)]"]
                },
                "span_replacement": [{"span": "$.attributes.rinse__boilerplate", "min_score": 0.5, "replacement": ""}],
            }
        ],
        "processes": 1,
    }


def main() -> int:
    rinse_bin, root = sys.argv[1], Path(sys.argv[2]).resolve()
    status = tag(rinse_bin, root)
    if status not in (0, 1):
        return status
    if "--mix" in sys.argv[3:]:
        config = root / "mix.json"
        config.write_text(json.dumps(mix_config(root), indent=2))
        return subprocess.run(["dolma", "-c", str(config), "mix"]).returncode
    return status


if __name__ == "__main__":
    sys.exit(main())
