"""The lesson's code is in the notebooks: AWS calls in code cells, no Python restated in markdown, a diagram per stage."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import botocore.loaders
import pytest

from helpers.core import lessons

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
STORY = [p for p in NOTEBOOKS if "03" <= p.name[:2] <= "06"]
WITH_DIAGRAM = [p for p in NOTEBOOKS if p.name[:2] in {"01", "03", "04", "05", "06", "07"}]
SERVICES = ["sqs", "sns", "dynamodb", "lambda", "apigateway", "sts", "iam"]
MIN_CALLS = 6


@cache
def operations() -> frozenset[str]:
    """Every boto3 method name (snake_case operation) of the services the workshop uses."""
    loader = botocore.loaders.Loader()  # no session: the tests' fake AWS_PROFILE must not matter
    names = set()
    for service in SERVICES:
        model = loader.load_service_model(service, "service-2")
        for op in model["operations"]:
            names.add(re.sub(r"(?<!^)(?=[A-Z])", "_", op).lower().replace("__", "_"))
    return frozenset(names)


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def aws_calls(path: Path) -> list[str]:
    """The AWS API calls written in the notebook's own code cells (``x.send_message(`` …)."""
    found = []
    for cell in _cells(path):
        if cell["cell_type"] != "code":
            continue
        for name in re.findall(r"\.([a-z_]+)\(", "".join(cell["source"])):
            if name in operations():
                found.append(name)
    return found


@pytest.mark.parametrize("path", STORY, ids=lambda p: p.name)
def test_story_notebook_makes_its_own_aws_calls(path: Path):
    calls = aws_calls(path)
    assert len(calls) >= MIN_CALLS, f"{path.name}: {len(calls)} AWS calls in its own cells ({calls}); at least {MIN_CALLS}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_python_restated_in_markdown(path: Path):
    fenced = [i for i, c in enumerate(_cells(path)) if c["cell_type"] == "markdown" and "```python" in "".join(c["source"])]
    assert not fenced, f"{path.name}: markdown cells {fenced} restate Python; run the code or show_source(fn) instead"


@pytest.mark.parametrize("path", WITH_DIAGRAM, ids=lambda p: p.name)
def test_stage_has_a_diagram_cell(path: Path):
    tagged = [c for c in _cells(path) if c["cell_type"] == "code" and "diagram" in c.get("metadata", {}).get("tags", [])]
    assert tagged, f"{path.name}: no code cell tagged 'diagram' draws the architecture of this stage"


def test_saved_lesson_code_is_in_step_with_the_notebooks():
    assert not lessons.stale(), f"{lessons.stale()}; run `make lessons`"
