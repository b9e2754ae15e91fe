"""rinse's datatrove step on real datatrove Documents and a local pipeline."""

import gzip
import json

import pytest

datatrove = pytest.importorskip("datatrove")  # installed by scripts/test-python.sh

from datatrove.data import Document  # noqa: E402

import rinse  # noqa: E402
from rinse.datatrove import RinseClean  # noqa: E402

PROMO = "Follow us on our official WhatsApp channel for breaking news alerts and key updates!"


def test_step_cleans_text_and_keeps_rinse_fields_in_metadata(story):
    docs = [
        Document(text=story, id="a", metadata={"url": "https://example.com/a", "lang": "en"}),
        Document(text="Second headline of the day\n\nA body sentence that is long enough.\n", id="b"),
    ]
    out = list(RinseClean()(docs))
    assert [d.id for d in out] == ["a", "b"]
    want = rinse.clean(story)
    assert out[0].text == want["text"]
    assert "Follow us" not in out[0].text
    meta = out[0].metadata
    assert meta["url"] == "https://example.com/a" and meta["lang"] == "en"
    assert list(meta["rinse"]) == [k for k in rinse.FIELDS if k not in ("id", "source", "text")]
    assert meta["rinse"]["title"] == want["title"] == "Azerbaijan's president pledges to help French territories"
    assert meta["rinse"]["removed"] == want["removed"]
    assert out[1].metadata["rinse"]["title"] == "Second headline of the day"


def test_step_options_batches_and_drop_empty(story):
    docs = [Document(text=f"Headline {i} of many\n\n{story}", id=str(i)) for i in range(7)]
    # No article in it: its clean body is empty.
    docs.insert(3, Document(text="Promo headline\n\n" + PROMO + "\n", id="promo-only"))
    texts = {d.id: d.text for d in docs}
    off = ["promo.follow-channel"]
    step = RinseClean(batch_size=2, drop_empty=True, disable=off, metadata_key="r")
    out = list(step(docs))
    assert [d.id for d in out] == [str(i) for i in range(7)]
    assert step.stats["dropped"].total == 1
    for d in out:
        want = rinse.clean(texts[d.id], disable=off)
        assert d.text == want["text"] and d.text
        assert d.metadata["r"]["removed"] == want["removed"]
        assert not any(r["rule"] == "promo.follow-channel" for r in d.metadata["r"]["removed"])
    kept = list(RinseClean()([Document(text=texts["promo-only"], id="p"), Document(text=story, id="s")]))
    assert [d.id for d in kept] == ["p", "s"]  # drop_empty is off by default
    assert kept[0].text == ""
    with pytest.raises(ValueError, match="batch_size"):
        RinseClean(batch_size=0)


def test_step_in_a_local_pipeline_reads_and_writes_jsonl(story, tmp_path):
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter

    src = tmp_path / "in"
    src.mkdir()
    with open(src / "part.jsonl", "w", encoding="utf-8") as f:
        for i in range(5):
            # The story without its own headline: each page's title is its own.
            body = story.split("\n", 2)[2]
            f.write(json.dumps({"id": f"doc-{i}", "text": f"Headline {i} here\n\n{body}", "source": "web"}) + "\n")
    executor = LocalPipelineExecutor(
        pipeline=[JsonlReader(str(src)), RinseClean(), JsonlWriter(str(tmp_path / "out"))],
        tasks=1,
        logging_dir=str(tmp_path / "logs"),
    )
    executor.run()
    written = sorted((tmp_path / "out").glob("*.jsonl.gz"))
    assert len(written) == 1
    with gzip.open(written[0], "rt", encoding="utf-8") as f:
        rows = [json.loads(line) for line in f]
    assert [r["id"] for r in rows] == [f"doc-{i}" for i in range(5)]
    assert all("Follow us" not in r["text"] and "pledged on Saturday" in r["text"] for r in rows)
    assert [r["metadata"]["rinse"]["title"] for r in rows] == [f"Headline {i} here" for i in range(5)]
    assert rows[0]["metadata"]["source"] == "web"
