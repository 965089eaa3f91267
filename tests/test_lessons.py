"""``#@save`` cells are copied into their chapter's lesson.py, and drift between the two is caught."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import nbformat

from helpers.core import lessons


def _notebook(path: Path, cells: list[str]) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# 03 · Test")] + [nbformat.v4.new_code_cell(c) for c in cells]
    path.write_text(json.dumps(nb), encoding="utf-8")


def test_saved_cells_become_an_importable_module(tmp_path: Path):
    notebooks, helpers = tmp_path / "notebooks", tmp_path / "pkg"
    notebooks.mkdir()
    (helpers / "queues").mkdir(parents=True)
    (helpers / "queues" / "__init__.py").write_text("")
    _notebook(notebooks / "03_queues.ipynb", [
        "#@save\nimport json\n\ndef body(order):\n    return json.dumps(order)",
        "print(body({'a': 1}))  # not saved",
        "#@save\ndef twice(x):\n    return 2 * x",
    ])
    assert lessons.stale(notebooks, helpers) == ["queues/lesson.py is missing"]
    assert [p.name for p in lessons.write(notebooks, helpers)] == ["lesson.py"]
    assert lessons.stale(notebooks, helpers) == []
    text = (helpers / "queues" / "lesson.py").read_text()
    assert "print(body" not in text and "\n#@save\n" not in text
    out = subprocess.run(
        [sys.executable, "-c", "from pkg.queues.lesson import body, twice; print(body({'a': twice(2)}))"],
        cwd=tmp_path, capture_output=True, text=True, check=True,
    ).stdout
    assert out.strip() == '{"a": 4}'


def test_a_changed_cell_or_an_orphan_module_is_reported(tmp_path: Path):
    notebooks, helpers = tmp_path / "notebooks", tmp_path / "pkg"
    notebooks.mkdir()
    (helpers / "queues").mkdir(parents=True)
    (helpers / "fanout").mkdir(parents=True)
    _notebook(notebooks / "03_queues.ipynb", ["#@save\nX = 1"])
    lessons.write(notebooks, helpers)
    _notebook(notebooks / "03_queues.ipynb", ["#@save\nX = 2"])
    (helpers / "fanout" / "lesson.py").write_text("Y = 1\n")
    assert sorted(lessons.stale(notebooks, helpers)) == [
        "fanout/lesson.py has no #@save cells behind it",
        "queues/lesson.py differs from its notebook's #@save cells",
    ]
