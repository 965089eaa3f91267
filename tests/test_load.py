"""``make load-test`` (bench/load.py): the stopping rule, the sizing arithmetic, the docs block and hub.json's shape."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench import load

ROOT = Path(__file__).resolve().parents[1]


def step(n: int, p95: float, rss: float = 200.0, errors: list[str] | None = None) -> dict:
    """A load step as run_step returns it (only the fields the pure parts read)."""
    return {
        "attendees": n,
        "wall_s": 20.0 * n,
        "cells": 50 * n,
        "p50_cell_s": 0.01,
        "p95_cell_s": p95,
        "peak_rss_mib": {"mean": rss - 5, "max": rss},
        "cpu_s": {"mean": 11.0, "max": 12.0},
        "machine_cpu_percent": 50.0,
        "load_before": [0.5, 0.5, 0.5],
        "errors": errors or [],
        "per_attendee": [],
    }


MACHINE = {"cores": 2, "memory_gib": 24.0, "python": "3.11", "platform": "Linux"}


def test_percentile_interpolates_between_ranks():
    values = [float(v) for v in range(1, 101)]
    assert load.percentile(values, 50) == pytest.approx(50.5)
    assert load.percentile(values, 95) == pytest.approx(95.05)
    assert load.percentile([3.0], 95) == 3.0
    with pytest.raises(ValueError):
        load.percentile([], 95)


def test_ladder_doubles_up_to_the_cap():
    assert load.ladder(16) == [1, 2, 4, 8, 16]
    assert load.ladder(10) == [1, 2, 4, 8, 10]
    assert load.ladder(1) == [1]
    with pytest.raises(ValueError, match="at least 1"):
        load.ladder(0)


def test_stopping_rule_is_strictly_more_than_the_limit():
    assert not load.slowed_down(1.0, 2.0, 2.0)
    assert load.slowed_down(1.0, 2.01, 2.0)
    assert load.slowed_down(2.0, 3.1, 1.5)


def test_capacity_is_the_last_step_before_the_slowdown():
    steps = [step(1, 1.0), step(2, 1.4), step(4, 1.9), step(8, 2.5)]
    assert load.capacity(steps, 2.0) == {"attendees": 4, "lower_bound": False, "limit": 2.0}


def test_capacity_is_a_lower_bound_when_nothing_slowed_down():
    cap = load.capacity([step(1, 1.0), step(2, 1.1), step(4, 1.2)], 2.0)
    assert cap["attendees"] == 4 and cap["lower_bound"] is True


def test_a_step_with_errors_does_not_count_as_served():
    cap = load.capacity([step(1, 1.0), step(2, 1.1), step(4, 1.2, errors=["03_queues.ipynb: boom"])], 2.0)
    assert cap["attendees"] == 2


def test_sizing_takes_the_smaller_of_memory_and_cpu():
    rows = load.sizing(512.0, 2.0, machines=[(4, 16), (32, 16)], reserve_gib=1.0, typical_share=0.5)
    cpu_bound, memory_bound = rows
    assert cpu_bound["by_memory"] == 30  # (16 - 1) GiB / 0.5 GiB
    assert cpu_bound["by_cpu_all_at_once"] == 8  # 4 cores × 2
    assert cpu_bound["by_cpu_typical"] == 16  # half the room at once
    assert (cpu_bound["attendees"], cpu_bound["limited_by"], cpu_bound["worst_case"]) == (16, "CPU", 8)
    assert (memory_bound["attendees"], memory_bound["limited_by"]) == (30, "memory")
    with pytest.raises(ValueError):
        load.sizing(0.0, 2.0)


def test_build_result_has_the_shape_hub_json_promises():
    steps = [step(1, 1.0, rss=180), step(2, 1.5, rss=190), step(4, 2.5, rss=200)]
    breakdown = {"Python": 14.0, "moto": 52.0}
    result = load.build_result(steps, "p95 passed 2×", breakdown, 90.0, ["00_setup"], 2.0, 16, MACHINE)
    json.dumps(result)  # serialisable as it is
    assert_result_shape(result)
    assert result["capacity"]["attendees"] == 2
    assert result["attendees_per_core"] == 1.0
    assert result["memory"]["kernel_peak_mib"] == 200
    assert result["memory"]["per_attendee_mib"] == pytest.approx((200 + 90.0) * load.HEADROOM, abs=0.1)


def assert_result_shape(result: dict) -> None:
    """The keys docs, figure and readers rely on."""
    for key in ("schema", "created", "machine", "notebooks", "slowdown_limit", "steps", "stopped_because",
                "capacity", "attendees_per_core", "memory", "sizing"):
        assert key in result, f"hub.json lacks {key!r}"
    assert result["schema"] == load.SCHEMA
    assert {"cores", "memory_gib"} <= set(result["machine"])
    for s in result["steps"]:
        assert {"attendees", "p50_cell_s", "p95_cell_s", "peak_rss_mib", "cpu_s", "errors"} <= set(s)
        assert {"mean", "max"} <= set(s["peak_rss_mib"]) and {"mean", "max"} <= set(s["cpu_s"])
    assert [s["attendees"] for s in result["steps"]] == sorted(s["attendees"] for s in result["steps"])
    assert {"kernel_breakdown_mib", "kernel_peak_mib", "server_rss_mib", "per_attendee_mib"} <= set(result["memory"])
    for row in result["sizing"]:
        assert {"cores", "memory_gib", "by_memory", "by_cpu_typical", "attendees", "worst_case", "limited_by"} <= set(row)
        assert row["attendees"] == min(row["by_memory"], row["by_cpu_typical"])


def test_committed_hub_json_has_the_shape_and_a_matching_figure():
    path = ROOT / "bench" / "results" / "hub.json"
    result = json.loads(path.read_text())
    assert_result_shape(result)
    assert set(load.DEFAULT_NOTEBOOKS) <= set(result["notebooks"]), "hub.json was not measured on the core notebooks"
    assert len(result["steps"]) >= 2, "hub.json holds a single step: the ladder did not run"
    assert (ROOT / "bench" / "results" / "hub.png").stat().st_size > 10_000


def test_sizing_markdown_states_the_sentence_and_the_table():
    steps = [step(1, 1.0), step(2, 1.5), step(4, 2.5)]
    result = load.build_result(steps, "stop", {"moto": 52.0}, 90.0, ["00_setup"], 2.0, 16, MACHINE)
    text = load.sizing_markdown(result)
    assert "| machine | by memory |" in text
    assert "serves about" in text and "attendees per core" in text
    assert text.count("\n| ") == len(load.MACHINES) + 1  # the separator row, then one row per machine


def test_replace_between_keeps_the_markers_and_the_rest():
    text = f"intro\n{load.MARK_START}\nold table\n{load.MARK_END}\noutro\n"
    new = load.replace_between(text, "new table")
    assert new == f"intro\n{load.MARK_START}\nnew table\n{load.MARK_END}\noutro\n"
    assert load.replace_between(new, "new table") == new
    with pytest.raises(ValueError, match="not found"):
        load.replace_between("no markers here", "x")


def test_update_docs_writes_only_files_with_markers(tmp_path: Path):
    marked = tmp_path / "marked.md"
    marked.write_text(f"a\n{load.MARK_START}\n{load.MARK_END}\nb\n")
    plain = tmp_path / "plain.md"
    plain.write_text("nothing to replace\n")
    written = load.update_docs("the table", [marked, plain, tmp_path / "missing.md"])
    assert written == [marked]
    assert "the table" in marked.read_text()
    assert plain.read_text() == "nothing to replace\n"


def test_plot_writes_a_png(tmp_path: Path):
    steps = [step(1, 1.0), step(2, 1.5)]
    result = load.build_result(steps, "cap", {"Python": 14.0, "moto": 52.0}, 90.0, ["00_setup"], 2.0, 2, MACHINE)
    load.plot(result, tmp_path / "hub.png")
    assert (tmp_path / "hub.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_from_json_redraws_without_measuring(tmp_path: Path):
    steps = [step(1, 1.0), step(2, 1.5)]
    result = load.build_result(steps, "cap", {"moto": 52.0}, 90.0, ["00_setup"], 2.0, 2, MACHINE)
    saved = tmp_path / "hub.json"
    saved.write_text(json.dumps(result))
    figure = tmp_path / "hub.png"
    assert load.main(["--from-json", str(saved), "--figure", str(figure), "--no-docs"]) == 0
    assert figure.exists()
