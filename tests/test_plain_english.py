"""The notebooks' prose is plain English for readers of English as a second language.

Measured on the markdown cells, with code, links' targets, headings, tables and bullets' markers
left out: sentences average at most 20 words and none has more than 40; no idioms from the list.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))

MAX_AVERAGE_WORDS = 20
MAX_WORDS = 40
#: Idioms a second-language reader may not know; say the plain thing instead.
IDIOMS = [
    "earns its keep", "blast radius", "ride out", "wobble", "under the hood", "out of the box",
    "on the fly", "bottom line", "in a nutshell", "rule of thumb", "silver bullet", "low-hanging fruit",
    "back of the envelope", "the elephant in the room", "ballpark", "bells and whistles", "boils down",
    "by the same token", "catch-22", "deal-breaker", "game changer", "heads up", "in the same boat",
    "kick in", "kicks in", "moving parts", "nuts and bolts", "pays off", "pay off", "plays out",
    "the whole nine yards", "up in the air", "fire and forget", "fire-and-forget", "smoke test",
    "poke at", "for free", "nail down", "pan out", "spin up", "tip of the iceberg", "lion's share",
    "head-of-line", "straw that", "snowball", "knock-on",
]


def prose(path: Path) -> str:
    """The notebook's markdown as plain running text."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    out = []
    for cell in cells:
        if cell["cell_type"] != "markdown":
            continue
        text = "".join(cell["source"])
        text = re.sub(r"```.*?```", " ", text, flags=re.DOTALL)
        text = re.sub(r"`[^`]*`", "X", text)
        text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
        text = re.sub(r"<[^>]+>", " ", text)
        lines = []
        for line in text.splitlines():
            stripped = line.strip()
            if not stripped or stripped.startswith(("#", "|", "![")):
                lines.append("")
                continue
            stripped = re.sub(r"^([-*+]|\d+\.)\s+", "", stripped)
            lines.append(stripped)
        out.append("\n".join(lines))
    return "\n\n".join(out)


def sentences(text: str) -> list[str]:
    """Sentences: split at . ! ? : ; followed by a space, and at blank lines and bullets."""
    parts = []
    for block in re.split(r"\n\s*\n|\n(?=\S)", text):
        for s in re.split(r"(?<=[.!?;:])\s+(?=[A-Z0-9\"'(*])", block):
            s = s.strip()
            if len(s.split()) >= 3:
                parts.append(s)
    return parts


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_sentences_are_short(path: Path):
    found = sentences(prose(path))
    lengths = [len(s.split()) for s in found]
    assert lengths, f"{path.name}: no prose found"
    average = sum(lengths) / len(lengths)
    longest = max(found, key=lambda s: len(s.split()))
    assert average <= MAX_AVERAGE_WORDS, f"{path.name}: sentences average {average:.1f} words (at most {MAX_AVERAGE_WORDS})"
    assert len(longest.split()) <= MAX_WORDS, (
        f"{path.name}: a sentence of {len(longest.split())} words (at most {MAX_WORDS}): {longest[:160]}…"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_idioms(path: Path):
    text = prose(path).lower()
    used = [idiom for idiom in IDIOMS if re.search(rf"\b{re.escape(idiom)}\b", text)]
    assert not used, f"{path.name}: idioms a second-language reader may not know: {used}; say the plain thing"
