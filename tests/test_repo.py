"""The repository's own promises: pinned environments agree, notebooks are clean and follow the skeleton."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
SKELETON = ["## Overview", "## Prerequisites", "## Time to learn", "## Summary", "## What's next", "## Resources"]


def _pins(lines: list[str]) -> set[str]:
    pins = set()
    for raw in lines:
        line = raw.split("#", 1)[0].strip().lstrip("-").strip()
        if re.match(r"^[A-Za-z0-9_.\-\[\]]+==\S+$", line):
            pins.add(line.lower())
    return pins


def test_environment_yml_and_requirements_pin_the_same_packages():
    req = _pins((ROOT / "requirements.txt").read_text().splitlines())
    env_text = (ROOT / "environment.yml").read_text()
    pip_section = env_text.split("- pip:", 1)[1].splitlines()
    env = _pins(pip_section)
    assert req, "requirements.txt pins nothing"
    assert req == env, f"only in requirements.txt: {sorted(req - env)}; only in environment.yml: {sorted(env - req)}"
    assert "- -e ." in env_text, "environment.yml must install the helpers package (pip: - -e .)"


def test_every_requirement_is_pinned():
    for raw in (ROOT / "requirements.txt").read_text().splitlines():
        line = raw.split("#", 1)[0].strip()
        if line:
            assert "==" in line, f"unpinned requirement: {line}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_committed_without_outputs(path: Path):
    cells = json.loads(path.read_text())["cells"]
    dirty = [i for i, c in enumerate(cells) if c["cell_type"] == "code" and (c.get("outputs") or c.get("execution_count"))]
    assert not dirty, f"{path.name}: cells {dirty} have outputs; clear them before committing (Edit → Clear Outputs of All Cells)"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_follows_the_skeleton(path: Path):
    cells = json.loads(path.read_text())["cells"]
    md = ["".join(c["source"]) for c in cells if c["cell_type"] == "markdown"]
    number = path.name[:2]
    assert md and md[0].startswith(f"# {number} · "), f"{path.name}: the first cell must be '# {number} · Title'"
    text = "\n".join(md)
    positions = []
    for heading in SKELETON:
        assert heading in text, f"{path.name}: missing the '{heading}' section (see notebooks/README.md)"
        positions.append(text.index(heading))
    assert positions == sorted(positions), f"{path.name}: sections out of order, expected {SKELETON}"
    code = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
    assert code and "use_backend(" in code[0], f"{path.name}: the first code cell must call use_backend()"


def test_story_notebooks_exist():
    names = {p.name[:2] for p in NOTEBOOKS}
    assert {"00"} <= names
