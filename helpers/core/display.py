"""What the helpers show: a small table, a progress bar, numbers read from a learner's answer.

The notebooks show a few tables (a decision table, what the customer is told, the design
checklist). pandas is not a dependency of the workshop, and a table of six rows does not need
it: :class:`Table` keeps the rows, renders ``_repr_html_`` for Jupyter and ``str()`` for a
terminal or a test. :func:`progress_bar` is the one tqdm bar every long run shows.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Table:
    """Rows of cells under ``columns``; ``title`` is shown above it."""

    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    title: str = ""

    def column(self, name: str) -> list[Any]:
        """The cells of one column, top to bottom."""
        i = self.columns.index(name)
        return [row[i] for row in self.rows]

    def _repr_html_(self) -> str:
        head = "".join(f"<th style='text-align:left'>{html.escape(str(c))}</th>" for c in self.columns)
        body = "".join(
            "<tr>" + "".join(f"<td style='text-align:left'>{html.escape(_fmt(v))}</td>" for v in row) + "</tr>"
            for row in self.rows
        )
        caption = f"<caption style='text-align:left'><b>{html.escape(self.title)}</b></caption>" if self.title else ""
        return f"<table>{caption}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"

    def __str__(self) -> str:
        cells = [[str(c) for c in self.columns]] + [[_fmt(v) for v in row] for row in self.rows]
        widths = [min(60, max(len(r[i]) for r in cells)) for i in range(len(self.columns))]
        lines = [self.title] if self.title else []
        for n, row in enumerate(cells):
            lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=False)).rstrip())
            if n == 0:
                lines.append("  ".join("-" * w for w in widths))
        return "\n".join(lines)

    def __repr__(self) -> str:
        return str(self)


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3g}" if abs(value) < 10 else f"{value:.0f}"
    if isinstance(value, Sequence) and not isinstance(value, str):
        return ", ".join(str(v) for v in value)
    return str(value)


class NoBar:
    """Stands in for a tqdm bar when progress is off: the same methods, doing nothing."""

    n = 0

    def update(self, n: int = 1) -> None:
        """Nothing to advance."""

    def refresh(self) -> None:
        """Nothing to redraw."""

    def close(self) -> None:
        """Nothing to close."""


def progress_bar(total: int, progress: bool | str, label: str | None = None) -> Any:
    """A tqdm bar of ``total`` steps, or a :class:`NoBar` when ``progress`` is false.

    A string ``progress`` is the bar's label; otherwise ``label`` is. The bar disappears when closed.
    """
    if not progress:
        return NoBar()
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=progress if isinstance(progress, str) else label, leave=False)


@dataclass(frozen=True)
class Source:
    """The real source of a function or class, shown syntax-highlighted in Jupyter and as text elsewhere."""

    name: str
    path: str
    line: int
    code: str

    def _repr_html_(self) -> str:
        from pygments import highlight
        from pygments.formatters import HtmlFormatter
        from pygments.lexers import PythonLexer

        formatter = HtmlFormatter(noclasses=True, nowrap=False, style="default")
        caption = f"<div style='font-size:85%;color:#555'>{html.escape(self.path)}, line {self.line}</div>"
        return caption + highlight(self.code, PythonLexer(), formatter)

    def __str__(self) -> str:
        return f"# {self.path}, line {self.line}\n{self.code}"


def show_source(obj: Any) -> Source:
    """The real source of ``obj`` (a function, class or method) from the file it lives in.

    Notebooks call this instead of paraphrasing a helper in a markdown fence, so what the learner
    reads is what runs. The path is given relative to the repository when possible.
    """
    import inspect
    from pathlib import Path

    target = inspect.unwrap(obj)
    lines, start = inspect.getsourcelines(target)
    path = Path(inspect.getsourcefile(target) or "?")
    root = Path(__file__).resolve().parents[2]
    shown = str(path.relative_to(root)) if path.is_relative_to(root) else path.name
    return Source(getattr(target, "__qualname__", repr(target)), shown, start, "".join(lines).rstrip() + "\n")
