"""The Python API of rinse: records, batches, repair, options and errors."""

import gc
import json
import multiprocessing
import subprocess
import sys
import threading
import time

import pytest

import rinse

TYPES = {
    "id": str,
    "source": str,
    "title": str,
    "dateline": str,
    "text": str,
    "captions": list,
    "credits": list,
    "related": list,
    "removed": list,
    "fixes": list,
    "encoding": str,
}


def test_record_has_exactly_the_record_keys_in_order_with_fixed_types(story):
    for text in (story, "", "one line", b"bytes \xe9t\xe9"):
        rec = rinse.clean(text)
        assert list(rec) == rinse.FIELDS == list(TYPES)
        for key, typ in TYPES.items():
            assert type(rec[key]) is typ, (key, rec[key])
    rec = rinse.clean(story)
    assert all(type(c) is str for c in rec["captions"] + rec["credits"])
    assert all(list(r) == ["section", "title"] for r in rec["related"])
    assert all(list(r) == ["rule", "line", "text"] and type(r["line"]) is int for r in rec["removed"])
    assert all(list(f) == ["rule", "line", "before", "after"] for f in rec["fixes"])


def test_cleans_the_story_into_its_parts(story):
    rec = rinse.clean(story)
    assert rec["title"] == "Azerbaijan's president pledges to help French territories"
    assert rec["dateline"] == "SHUSHA, Azerbaijan"
    assert rec["id"] == rec["source"] == ""
    assert rec["encoding"] == "UTF-8"
    assert "pledged on Saturday" in rec["text"]
    assert "contacts with Armenia" in rec["text"]  # no-break space repaired
    assert "US officials said" in rec["text"]  # U+FFFD between words guessed
    for gone in ("Follow us", "FILE PHOTO", "Reporting by", "Kenya's Ruto", "Next In World"):
        assert gone not in rec["text"]
    assert any(c.startswith("FILE PHOTO") for c in rec["captions"])
    assert any("Reporting by Nailia Bagirova" in c for c in rec["credits"])
    assert {"section": "Next In World", "title": "Tech giants go nuclear in AI arms race"} in rec["related"]
    promo = [r for r in rec["removed"] if r["rule"] == "promo.follow-channel"]
    assert [r["line"] for r in promo] == [13]
    fffd = [f for f in rec["fixes"] if f["rule"] == "repair.fffd-space"]
    assert fffd == [{"rule": "repair.fffd-space", "line": 9, "before": "US\ufffdofficials", "after": "US officials"}]


def test_record_equals_the_cli_record_for_the_same_document(story, rinse_bin, tmp_path):
    path = tmp_path / "story.txt"
    path.write_text(story, encoding="utf-8")
    out = subprocess.run(
        [str(rinse_bin), "clean", "-q", str(path)], capture_output=True, check=True
    ).stdout
    cli = json.loads(out)
    rec = rinse.clean(story)
    assert cli["id"] == "story.txt"
    for key in rinse.FIELDS:
        if key not in ("id", "source"):
            assert rec[key] == cli[key], key
    assert list(cli)[: len(rinse.FIELDS)] == rinse.FIELDS


@pytest.mark.parametrize(
    "disable, guess",
    [
        ((), True),
        (("promo.follow-channel",), True),
        # A repair rule's id, which `disable` takes as `--disable` does.
        (("repair.nbsp", "promo.follow-channel"), True),
        (("repair.fffd-space",), False),
    ],
)
def test_options_give_the_cli_record(story, rinse_bin, tmp_path, disable, guess):
    """The same rules/disable/guess make the same record through the CLI and
    through `rinse.clean`: both build their cleaner with the library's one builder."""
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "site.toml").write_text(
        '[[rule]]\nid = "site.expelled"\ndescription = "test rule"\naction = "remove"\n'
        'contains = ["expelled two French"]\nexamples = ["Azerbaijan expelled two French diplomats"]\n',
        encoding="utf-8",
    )
    path = tmp_path / "story.txt"
    path.write_text(story, encoding="utf-8")
    args = [str(rinse_bin), "clean", "-q", str(path), "--rules", str(rules)]
    for id in disable:
        args += ["--disable", id]
    if not guess:
        args.append("--no-guess")
    cli = json.loads(subprocess.run(args, capture_output=True, check=True).stdout)
    rec = rinse.clean(story, rules=rules, disable=list(disable), guess=guess, id=cli["id"], source=cli["source"])
    assert rec == {k: cli[k] for k in rinse.FIELDS}
    assert [r["rule"] for r in rec["removed"]].count("site.expelled") == 1
    if "repair.nbsp" in disable:
        assert "contacts\u00a0with" in rec["text"]
        assert not any(f["rule"] == "repair.nbsp" for f in rec["fixes"])


def test_bytes_are_decoded_from_their_encoding():
    text = "Le café de la gare ferme ses portes après cinquante années de service.\n"
    rec = rinse.clean(("Une histoire\n\n" + text * 3).encode("windows-1252"))
    assert rec["encoding"] == "windows-1252"
    assert "Le café de la gare" in rec["text"]


def test_disable_turns_a_rule_off(story):
    assert any(r["rule"] == "promo.follow-channel" for r in rinse.clean(story)["removed"])
    rec = rinse.clean(story, disable=["promo.follow-channel"])
    assert not any(r["rule"] == "promo.follow-channel" for r in rec["removed"])
    assert rinse.clean(story, disable=("promo.follow-channel",)) == rec


def test_rules_folder_adds_rules(story, tmp_path):
    (tmp_path / "site.toml").write_text(
        '[[rule]]\nid = "site.expelled"\ndescription = "test rule"\naction = "remove"\n'
        'contains = ["expelled two French diplomats"]\n',
        encoding="utf-8",
    )
    assert "expelled" in rinse.clean(story)["text"]
    for rules in (tmp_path, str(tmp_path), [tmp_path]):
        rec = rinse.clean(story, rules=rules)
        assert "expelled" not in rec["text"]
        assert [r["line"] for r in rec["removed"] if r["rule"] == "site.expelled"] == [9]


def test_guess_false_keeps_lost_characters(story):
    rec = rinse.clean(story, guess=False)
    assert "US\ufffdofficials" in rec["text"]
    assert not any(f["rule"] == "repair.fffd-space" for f in rec["fixes"])


def test_clean_batch_keeps_order_and_equals_clean(story):
    texts = [f"Headline number {i} of the batch\n\n{story.split(chr(10), 2)[2]}" for i in range(300)]
    texts[7] = b"Bytes headline here\n\nA body sentence that is long enough to be a body line."
    recs = rinse.clean_batch(texts)
    assert len(recs) == len(texts)
    assert [r["title"] for r in recs[:3]] == [f"Headline number {i} of the batch" for i in range(3)]
    assert recs[7]["title"] == "Bytes headline here"
    assert recs == [rinse.clean(t) for t in texts]
    assert rinse.clean_batch(iter(texts[:5]), disable=["promo.follow-channel"]) == [
        rinse.clean(t, disable=["promo.follow-channel"]) for t in texts[:5]
    ]
    assert rinse.clean_batch([]) == []


def test_clean_batch_releases_the_gil(story):
    """While clean_batch runs in a thread, the main thread keeps running Python.

    With the GIL held for the whole call, the main thread would stall for about
    the call's duration; with it released, its longest stall stays far shorter.
    The documents are long bodies with small records, so that cleaning (GIL
    released) and not building the result dicts (GIL held) takes the time.
    """
    body = story.split("\n")[4] + "\n\n"
    doc = "A long story with a short headline\n\n" + body * 2000
    n = 2
    while True:
        texts = [doc] * n
        start = time.perf_counter()
        rinse.clean_batch(texts)
        if time.perf_counter() - start > 0.4 or n > 10_000:
            break
        n *= 2
    done = threading.Event()
    span = {}

    def work():
        span["start"] = time.perf_counter()
        rinse.clean_batch(texts)
        span["end"] = time.perf_counter()
        done.set()

    old = sys.getswitchinterval()
    sys.setswitchinterval(0.001)
    try:
        worker = threading.Thread(target=work)
        worker.start()
        stamps = []
        while not done.is_set():
            stamps.append(time.perf_counter())
        worker.join()
    finally:
        sys.setswitchinterval(old)
    inside = [t for t in stamps if span["start"] <= t <= span["end"]]
    duration = span["end"] - span["start"]
    assert len(inside) > 100
    longest = max(b - a for a, b in zip(inside, inside[1:]))
    assert longest < duration / 2, (longest, duration)


def test_clean_batch_leaves_the_garbage_collector_as_it_found_it(story):
    # clean_batch pauses the collector while it builds the records.
    assert gc.isenabled()
    rinse.clean_batch([story] * 3)
    assert gc.isenabled()
    with pytest.raises(ValueError):  # raised while the records are being built
        rinse.clean_batch([story, bytes(range(256)) * 8])
    assert gc.isenabled()
    gc.disable()
    try:
        rinse.clean_batch([story] * 3)
        assert not gc.isenabled()
    finally:
        gc.enable()


def _batch_titles(texts, queue):
    queue.put([r["title"] for r in rinse.clean_batch(texts)])


def test_clean_batch_works_in_a_child_forked_after_the_parent_used_it(story):
    """A forked child must not wait on the parent's worker threads (regression)."""
    texts = [f"Forked headline {i} here\n\n{story}" for i in range(64)]
    parent = [r["title"] for r in rinse.clean_batch(texts)]
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    child = ctx.Process(target=_batch_titles, args=(texts, queue))
    child.start()
    child.join(60)
    if child.is_alive():
        child.kill()
        child.join()
        pytest.fail("clean_batch hung in a forked child")
    assert child.exitcode == 0
    assert queue.get(timeout=10) == parent


def test_fix_repairs_without_touching_lines():
    text = "a\u00a0b  \nUS\ufffdofficials said\n\nfine line"
    assert rinse.fix(text) == "a b\nUS officials said\n\nfine line"
    assert rinse.fix(text, guess=False) == "a b\nUS\ufffdofficials said\n\nfine line"
    assert rinse.fix("nothing to do") == "nothing to do"
    assert rinse.fix("") == ""


def test_lone_surrogates_do_not_raise():
    rec = rinse.clean("Title line here\n\nbad \ud800 char in a body sentence long enough.")
    assert "\ud800" not in rec["text"]
    assert rinse.fix("x\udcffy", guess=False) == "x\ufffdy"
    assert rinse.fix("a \ud83d b") == "a \ufffd b"


@pytest.mark.parametrize(
    "call, exc, words",
    [
        (lambda: rinse.clean(123), TypeError, "str or bytes"),
        (lambda: rinse.clean(None), TypeError, "str or bytes"),
        (lambda: rinse.clean("x", disable="promo.follow-channel"), TypeError, "list or tuple"),
        (lambda: rinse.clean("x", disable=[1]), TypeError, "rule ids"),
        (lambda: rinse.clean("x", disable=["no.such-rule"]), ValueError, "no.such-rule"),
        (lambda: rinse.clean("x", rules="/no/such/folder"), OSError, "/no/such/folder"),
        (lambda: rinse.clean("x", rules=5), TypeError, "folder path"),
        (lambda: rinse.clean("x", guess="yes"), TypeError, "guess"),
        (lambda: rinse.clean("x", colour=1), TypeError, "colour"),
        (lambda: rinse.clean("x", ["promo"]), TypeError, "positional"),
        (lambda: rinse.clean_batch("abc"), TypeError, "rinse.clean"),
        (lambda: rinse.clean_batch(5), TypeError, "iterable"),
        (lambda: rinse.clean_batch(["ok", 5]), TypeError, "texts[1]"),
        (lambda: rinse.fix(b"x"), TypeError, "str"),
    ],
)
def test_bad_arguments_raise_clear_errors(call, exc, words):
    with pytest.raises(exc, match=None) as info:
        call()
    assert words in str(info.value)


def test_bad_rule_file_raises_value_error(tmp_path):
    (tmp_path / "bad.toml").write_text("[[rule]]\nid = \n", encoding="utf-8")
    with pytest.raises(ValueError, match="bad.toml"):
        rinse.clean("x", rules=tmp_path)


def test_binary_bytes_raise_value_error_naming_the_index():
    binary = bytes(range(256)) * 8
    with pytest.raises(ValueError, match="binary"):
        rinse.clean(binary)
    with pytest.raises(ValueError, match=r"texts\[1\]"):
        rinse.clean_batch(["fine text", binary])
