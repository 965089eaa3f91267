"""The glossary: data/glossary.json is complete, agrees with the notebooks, and docs/glossary.md is generated from it."""

from __future__ import annotations

import copy
import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("glossary_tool", ROOT / "tools" / "glossary.py")
assert _spec and _spec.loader
glossary = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(glossary)

DATA = glossary.load()
TERMS = DATA["terms"]
TEXTS = glossary.texts_of()
FIX = "run `python tools/glossary.py --fix-first-used` (it also rewrites docs/glossary.md)"

#: Terms the workshop must explain in both languages (issue 15): id → the Japanese term AWS Japan uses.
REQUIRED_TERMS = {
    "visibility-timeout": "可視性タイムアウト",
    "dead-letter-queue": "デッドレターキュー (DLQ)",
    "idempotency": "冪等性",
    "long-polling": "ロングポーリング",
    "fan-out": "ファンアウト",
    "message-group": "メッセージグループ (メッセージグループ ID)",
    "accept-execute": "受付と実行の分離",
    "performance-scalability": "性能・拡張性",
    "operability-maintainability": "運用・保守性",
    "availability": "可用性",
    "synchronous-processing": "同期処理",
    "asynchronous-processing": "非同期処理",
}
OTHER_REQUIRED_IDS = {"dlq-redrive", "at-least-once-delivery", "batch", "filter-policy", "topic", "subscription",
                      "event-source-mapping", "partial-batch-response", "backoff-jitter"}


def _notebook(folder: Path, name: str, cells: list[tuple[str, str]]) -> None:
    nb = {"cells": [{"cell_type": kind, "source": text, "metadata": {}} for kind, text in cells],
          "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    (folder / f"{name}.ipynb").write_text(json.dumps(nb), encoding="utf-8")


def _entry(**changes: object) -> dict:
    entry = {"id": "visibility-timeout", "term_en": "visibility timeout", "term_ja": "可視性タイムアウト",
             "definition_en": "How long a received message stays hidden.",
             "definition_ja": "受信したメッセージが見えなくなる時間です。", "first_used": "03_queues"}
    entry.update(changes)
    return entry


def test_the_glossary_has_35_to_50_terms_including_the_required_ones():
    ids = {e["id"]: e for e in TERMS}
    assert 35 <= len(TERMS) <= 50, f"{len(TERMS)} terms; the glossary should keep 35–50"
    for term_id, japanese in REQUIRED_TERMS.items():
        assert term_id in ids, f"the glossary lacks {term_id}"
        assert ids[term_id]["term_ja"] == japanese, f"{term_id}: expected the Japanese term {japanese}"
    assert OTHER_REQUIRED_IDS <= set(ids), f"missing: {sorted(OTHER_REQUIRED_IDS - set(ids))}"


@pytest.mark.parametrize("entry", TERMS, ids=lambda e: e.get("id", "?"))
def test_entry_has_every_field(entry: dict):
    for field in glossary.REQUIRED:
        assert field in entry, f"{entry.get('id')}: the field {field!r} is missing"
        if field != "first_used":
            assert isinstance(entry[field], str) and entry[field].strip(), f"{entry.get('id')}: {field!r} is empty"


@pytest.mark.parametrize("entry", TERMS, ids=lambda e: e.get("id", "?"))
def test_first_used_notebook_contains_the_term_and_is_the_first(entry: dict):
    used = entry["first_used"]
    actual = glossary.first_use(entry, TEXTS)
    if used is not None:
        assert used in TEXTS, f"{entry['id']}: first_used {used!r} is not a notebook"
        assert any(glossary.contains(TEXTS[used], p) for p in glossary.patterns(entry)), (
            f"{entry['id']}: notebook {used} does not contain {glossary.patterns(entry)}; {FIX}")
    assert used == actual, f"{entry['id']}: first_used is {used}, but the term first appears in {actual}; {FIX}"


def test_the_data_has_no_problems_at_all():
    assert glossary.problems(DATA, TEXTS) == []


def test_docs_glossary_md_is_generated_from_the_data():
    page = (ROOT / "docs" / "glossary.md").read_text(encoding="utf-8")
    assert page == glossary.render(DATA), "docs/glossary.md is out of date: run `python tools/glossary.py`"
    for entry in TERMS:
        assert f'id="{entry["id"]}"' in page and entry["term_ja"] in page


def test_the_checker_reports_a_missing_field_an_empty_field_and_a_plain_form_definition():
    data = {"terms": [_entry(), _entry(id="b"), _entry(id="c"), _entry(id="d")]}
    del data["terms"][1]["definition_ja"]
    data["terms"][2]["term_ja"] = " "
    data["terms"][3]["definition_ja"] = "受信したメッセージが見えなくなる時間だ。"
    texts = {"03_queues": "the visibility timeout"}
    found = glossary.problems(data, texts)
    assert any("b: the field 'definition_ja' is missing" in p for p in found), found
    assert any("c: the field 'term_ja' is empty" in p for p in found), found
    assert any(p.startswith("d: definition_ja must end") for p in found), found
    assert glossary.problems({"terms": [_entry()]}, texts) == []


def test_the_checker_reports_a_notebook_that_does_not_contain_the_term_and_a_later_first_use():
    texts = {"00_setup": "a queue", "03_queues": "the visibility timeout", "05_failure_isolation": "visibility timeout"}
    missing = glossary.problems({"terms": [_entry(first_used="00_setup")]}, texts)
    assert missing and "does not contain" in missing[0] and "first use now: 03_queues" in missing[0]
    late = glossary.problems({"terms": [_entry(first_used="05_failure_isolation")]}, texts)
    assert late and "first appears in 03_queues" in late[0]
    unused = glossary.problems({"terms": [_entry(first_used=None)]}, texts)
    assert unused and "first appears in 03_queues" in unused[0]


def test_matching_ignores_whats_next_and_resources_and_respects_word_starts(tmp_path: Path):
    _notebook(tmp_path, "01_a", [("markdown", "# 01 · A"), ("markdown", "## 1. Sync\nThe synchronous order."),
                                 ("markdown", "## What's next\nQueues with a dead-letter queue."),
                                 ("markdown", "More about the dead-letter queue.")])
    _notebook(tmp_path, "02_b", [("markdown", "## 1. Async\nAsynchronous work."), ("code", "redrive(queue_url, dlq_url)")])
    texts = glossary.texts_of(tmp_path)
    assert list(texts) == ["01_a", "02_b"]
    assert glossary.first_use({"term_en": "dead-letter queue", "match": ["dead-letter queue", "dlq"]}, texts) == "02_b"
    assert glossary.first_use({"term_en": "synchronous"}, texts) == "01_a"
    assert glossary.first_use({"term_en": "synchronous"}, {"02_b": texts["02_b"]}) is None  # not inside "asynchronous"


def test_fix_first_used_repairs_the_data_and_the_check_then_passes():
    data = copy.deepcopy(DATA)
    data["terms"][0]["first_used"] = "99_cleanup"
    assert glossary.problems(data, TEXTS)
    assert glossary.fix_first_used(data, TEXTS) == 1
    assert glossary.problems(data, TEXTS) == []
