"""docs/instructor.md: its agenda minutes add up, follow the notebooks, and every notebook is covered."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "docs" / "instructor.md"
TEXT = GUIDE.read_text(encoding="utf-8")
NOTEBOOKS = sorted(p.stem for p in (ROOT / "notebooks").glob("*.ipynb"))
TODAY, TWO_HOURS, THREE_HOURS = "Time to learn today (min)", "2-hour class (min)", "3-hour class (min)"


def minutes_table(text: str = TEXT) -> list[dict[str, str]]:
    """The rows of the table between the ``minutes:start`` and ``minutes:end`` markers, as dicts by header."""
    match = re.search(r"<!-- minutes:start -->\n(.*?)<!-- minutes:end -->", text, re.S)
    assert match, "docs/instructor.md lost its <!-- minutes:start --> … <!-- minutes:end --> table"
    lines = [line.strip() for line in match.group(1).strip().splitlines()]
    split = [[cell.strip() for cell in line.strip("|").split("|")] for line in lines]
    header, rows = split[0], split[2:]
    return [dict(zip(header, row, strict=True)) for row in rows]


def minutes(cell: str) -> int:
    """A table cell as minutes: a whole number, or 0 for "—"."""
    if cell in ("—", "-", ""):
        return 0
    assert cell.isdigit(), f"a minutes cell must be a whole number or '—', not {cell!r}"
    return int(cell)


def stated_minutes(notebook: str) -> int:
    """The largest number of minutes the notebook's "Time to learn" cell states (its full time)."""
    cells = json.loads((ROOT / "notebooks" / f"{notebook}.ipynb").read_text(encoding="utf-8"))["cells"]
    for cell in cells:
        source = "".join(cell["source"])
        if cell["cell_type"] == "markdown" and source.startswith("## Time to learn"):
            found = [int(n) for n in re.findall(r"(\d+)\s*min", source)]
            assert found, f"{notebook}: its Time to learn cell states no minutes"
            return max(found)
    raise AssertionError(f"{notebook}: no '## Time to learn' cell")


ROWS = minutes_table()
BY_NOTEBOOK = {re.sub(r"[`]", "", row["block"]): row for row in ROWS}


def test_the_two_hour_agenda_fits_in_120_minutes_and_the_three_hour_one_in_180():
    two = sum(minutes(row[TWO_HOURS]) for row in ROWS)
    three = sum(minutes(row[THREE_HOURS]) for row in ROWS)
    assert 90 <= two <= 120, f"the 2-hour agenda adds up to {two} minutes"
    assert 150 <= three <= 180, f"the 3-hour agenda adds up to {three} minutes"


def test_every_core_notebook_has_time_in_both_classes():
    for notebook in [n for n in NOTEBOOKS if n[:2] <= "06"]:
        row = BY_NOTEBOOK[notebook]
        assert minutes(row[TWO_HOURS]) > 0 and minutes(row[THREE_HOURS]) > 0, f"{notebook} has no time in a class"


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_minutes_follow_the_notebooks_time_to_learn(notebook: str):
    assert notebook in BY_NOTEBOOK, f"{notebook} is missing from the minutes table of docs/instructor.md"
    row = BY_NOTEBOOK[notebook]
    stated = stated_minutes(notebook)
    assert minutes(row[TODAY]) == stated, (
        f"{notebook} states {stated} minutes now, the table says {row[TODAY]}: update docs/instructor.md's table"
        " (with issue 14's core path: core minutes in the 2-hour column, full minutes in the 3-hour column)")
    for column in (TWO_HOURS, THREE_HOURS):
        assert minutes(row[column]) <= stated, f"{notebook}: {column} gives more minutes than the notebook needs"


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_every_notebook_has_its_section_and_its_mapping_row(notebook: str):
    assert f"### `{notebook}`" in TEXT, f"docs/instructor.md has no '### `{notebook}`' section"
    section = TEXT.split(f"### `{notebook}`", 1)[1].split("\n### ", 1)[0].split("\n## ", 1)[0]
    for part in ("**Idea to land:**", "**Demo live:**", "**Attendees run:**", "**Questions:**", "**Cut when late:**"):
        assert part in section, f"{notebook}'s section lacks {part}"
    mapping = TEXT.split("## Mapping to the webinar and to builders.flash", 1)[1].split("\n## ", 1)[0]
    assert f"| `{notebook}` |" in mapping, f"{notebook} is missing from the webinar mapping table"


def test_the_hub_section_keeps_the_sizing_markers_and_links_hub_md():
    hub = TEXT.split("## A hub for the room", 1)
    assert len(hub) == 2, "docs/instructor.md lost its '## A hub for the room' section"
    section = hub[1].split("\n## ", 1)[0]
    assert "(hub.md)" in section
    start, end = section.find("<!-- sizing:start -->"), section.find("<!-- sizing:end -->")
    assert 0 <= start < end, "the sizing markers must stay in the hub section, start before end"


def test_every_python_module_command_in_the_guide_exists():
    modules = set(re.findall(r"python -m (helpers(?:\.\w+)+)", TEXT))
    assert {"helpers.real_aws.iam_policy", "helpers.core.cleanup"} <= modules
    for module in sorted(modules):
        assert importlib.util.find_spec(module) is not None, f"docs/instructor.md runs `python -m {module}`, which does not exist"


def test_the_readme_links_the_instructor_guide_and_the_glossary():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "(docs/instructor.md)" in readme and "(docs/glossary.md)" in readme
    assert "(glossary.md)" in TEXT and (ROOT / "docs" / "glossary.md").exists()


@pytest.mark.parametrize("notebook", [n for n in NOTEBOOKS if n[:2] <= "06"])
def test_the_two_hour_class_gives_each_notebook_its_core_minutes(notebook: str):
    cells = json.loads((ROOT / "notebooks" / f"{notebook}.ipynb").read_text(encoding="utf-8"))["cells"]
    text = "".join(next("".join(c["source"]) for c in cells if "".join(c["source"]).startswith("## Time to learn")))
    core = int(re.search(r"Core:\s*about\s*(\d+)\s*minutes", text).group(1))
    assert minutes(BY_NOTEBOOK[notebook][TWO_HOURS]) == core, (
        f"{notebook}: its core path takes {core} min; the 2-hour column of docs/instructor.md says "
        f"{BY_NOTEBOOK[notebook][TWO_HOURS]}"
    )
