"""The workshop's English-Japanese glossary: check ``data/glossary.json`` and generate ``docs/glossary.md``.

The data file is the one source. The Japanese edition and the notebooks can read it too; this
script only turns it into a page and checks it:

* every entry has every field (``first_used`` may be ``null`` when no notebook uses the term yet);
* each Japanese definition is one line in です・ます調, each English definition is one line;
* ``first_used`` is the first notebook, in course order, whose lesson text contains the term.
  Lesson text is every cell except the "What's next" and "Resources" sections, which only point
  ahead. A term matches at the start of a word, case-insensitive, so "synchronous" does not
  match "asynchronous" but does match "synchronously".

Usage (from the repository root)::

    python tools/glossary.py                    # write docs/glossary.md
    python tools/glossary.py --check            # exit 1 and say why if anything is out of date
    python tools/glossary.py --fix-first-used   # set every first_used from the notebooks, then write
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data" / "glossary.json"
PAGE = ROOT / "docs" / "glossary.md"
NOTEBOOKS = ROOT / "notebooks"

REQUIRED = ("id", "term_en", "term_ja", "definition_en", "definition_ja", "first_used")
OPTIONAL = ("ja_also", "match", "source")
POINTER_SECTIONS = ("## What's next", "## Resources")
_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_POLITE_END = re.compile(r"(です|ます|ません|でした|ました)。$")


def load(path: Path = DATA) -> dict[str, Any]:
    """The glossary file as a dict with ``terms`` (a list of entries)."""
    return json.loads(path.read_text(encoding="utf-8"))


def notebook_order(folder: Path = NOTEBOOKS) -> list[str]:
    """Notebook names without ``.ipynb``, in course order (00 … 07, then 99)."""
    return sorted(p.stem for p in folder.glob("*.ipynb"))


def lesson_text(path: Path) -> str:
    """A notebook's text for matching: every cell but the pointer sections, lower-case, spaces collapsed.

    A markdown cell that starts with "## What's next" or "## Resources" is left out; so are the
    cells after it until the next "## " heading.
    """
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    kept: list[str] = []
    skipping = False
    for cell in cells:
        source = "".join(cell["source"])
        if cell["cell_type"] == "markdown" and source.startswith("## "):
            skipping = source.startswith(POINTER_SECTIONS)
        if not skipping:
            kept.append(source)
    return re.sub(r"\s+", " ", "\n".join(kept)).lower()


def patterns(entry: dict[str, Any]) -> list[str]:
    """What to search for: the entry's ``match`` list, or its English term."""
    return list(entry.get("match") or [entry["term_en"]])


def contains(text: str, needle: str) -> bool:
    """True if ``needle`` occurs in ``text`` at the start of a word (``text`` is already lower-case)."""
    return re.search(r"(?<!\w)" + re.escape(needle.lower()), text) is not None


def first_use(entry: dict[str, Any], texts: dict[str, str]) -> str | None:
    """The first notebook (in course order) whose lesson text contains one of the entry's patterns."""
    for name, text in texts.items():
        if any(contains(text, p) for p in patterns(entry)):
            return name
    return None


def texts_of(folder: Path = NOTEBOOKS) -> dict[str, str]:
    """Lesson text of every notebook, in course order."""
    return {name: lesson_text(folder / f"{name}.ipynb") for name in notebook_order(folder)}


def problems(data: dict[str, Any], texts: dict[str, str]) -> list[str]:
    """Every way the data is incomplete or disagrees with the notebooks, one sentence each."""
    found: list[str] = []
    seen: set[str] = set()
    for i, entry in enumerate(data.get("terms", [])):
        label = entry.get("id") or f"entry {i}"
        for field in REQUIRED:
            if field not in entry:
                found.append(f"{label}: the field {field!r} is missing.")
            elif field != "first_used" and not (isinstance(entry[field], str) and entry[field].strip()):
                found.append(f"{label}: the field {field!r} is empty.")
        extra = set(entry) - set(REQUIRED) - set(OPTIONAL)
        if extra:
            found.append(f"{label}: unknown field(s) {sorted(extra)}; allowed: {list(REQUIRED + OPTIONAL)}.")
        if any(f not in entry or (f != "first_used" and not entry[f]) for f in REQUIRED):
            continue
        if not _ID.match(entry["id"]):
            found.append(f"{label}: the id must be lower-case words joined by '-'.")
        if entry["id"] in seen:
            found.append(f"{label}: the id is used twice.")
        seen.add(entry["id"])
        for field in ("definition_en", "definition_ja", "term_en", "term_ja"):
            if "\n" in entry[field]:
                found.append(f"{label}: {field} must be one line.")
        if not _POLITE_END.search(entry["definition_ja"]):
            found.append(f"{label}: definition_ja must end in です・ます調 (…です。, …ます。, …ません。).")
        used = entry["first_used"]
        actual = first_use(entry, texts)
        if used is not None and used not in texts:
            found.append(f"{label}: first_used {used!r} is not a notebook; notebooks are {list(texts)}.")
        elif used is not None and not any(contains(texts[used], p) for p in patterns(entry)):
            found.append(f"{label}: notebook {used} does not contain {patterns(entry)}; first use now: {actual}.")
        elif used != actual:
            found.append(f"{label}: first_used is {used}, but the term first appears in {actual}.")
    return found


def render(data: dict[str, Any]) -> str:
    """docs/glossary.md: one table, sorted by the English term."""
    lines = [
        "# Glossary · 用語集",
        "",
        "<!-- Generated from data/glossary.json by `python tools/glossary.py`. Do not edit by hand. -->",
        "",
        "English and Japanese terms of the workshop. The Japanese terms follow AWS Japan's documentation and the",
        "webinar \"サーバーレスサービスを活用した非同期処理はじめの一歩\". *First used* is the first notebook whose",
        "lesson text contains the term (\"—\": no notebook uses it yet; it comes from the webinar).",
        "",
        "| English | 日本語 | definition | 定義 | first used |",
        "|---|---|---|---|---|",
    ]
    for entry in sorted(data["terms"], key=lambda e: e["term_en"].lower()):
        ja = entry["term_ja"]
        if entry.get("ja_also"):
            ja += "（" + "、".join(entry["ja_also"]) + "）"
        used = entry["first_used"]
        where = f"[{used}](../notebooks/{used}.ipynb)" if used else "—"
        cells = [f'<a id="{entry["id"]}"></a>{entry["term_en"]}', ja, entry["definition_en"], entry["definition_ja"], where]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    lines += ["", f"{len(data['terms'])} terms.", ""]
    return "\n".join(lines)


def fix_first_used(data: dict[str, Any], texts: dict[str, str]) -> int:
    """Set every entry's ``first_used`` from the notebooks; returns how many changed."""
    changed = 0
    for entry in data["terms"]:
        actual = first_use(entry, texts)
        if entry.get("first_used") != actual:
            entry["first_used"] = actual
            changed += 1
    return changed


def main(argv: list[str]) -> int:
    """Write docs/glossary.md, or check it (``--check``), or fix ``first_used`` first (``--fix-first-used``)."""
    data = load()
    texts = texts_of()
    if "--fix-first-used" in argv:
        changed = fix_first_used(data, texts)
        DATA.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print(f"first_used updated for {changed} term(s) in {DATA.relative_to(ROOT)}")
    found = problems(data, texts)
    page = render(data)
    if "--check" in argv:
        current = PAGE.read_text(encoding="utf-8") if PAGE.exists() else ""
        if current != page:
            found.append(f"{PAGE.relative_to(ROOT)} is out of date: run `python tools/glossary.py`.")
        for line in found:
            print(line)
        return 1 if found else 0
    for line in found:
        print(line, file=sys.stderr)
    PAGE.write_text(page, encoding="utf-8")
    print(f"wrote {PAGE.relative_to(ROOT)} ({len(data['terms'])} terms)")
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
