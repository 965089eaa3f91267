"""What the helpers show: a small table, a progress bar, numbers read from a learner's answer.

The notebooks show a few tables (a decision table, what the customer is told, the design
checklist). pandas is not a dependency of the workshop, and a table of six rows does not need
it: :class:`Table` keeps the rows, renders ``_repr_html_`` for Jupyter and ``str()`` for a
terminal or a test. :func:`progress_bar` is the one tqdm bar every long run shows.

Errors in a notebook: a :class:`~helpers.core.messages.WorkshopError` (bad input, a broken
environment) shows as its one sentence, not as a traceback into the helpers; a ``NameError`` in
the learner's own code keeps its traceback and gets one more line, because in a workshop it
nearly always means that a cell above did not run, most often after a kernel restart. After a
restart nothing of ``helpers`` is imported yet, so the handler must come with the kernel:
:func:`install_kernel_config` (run by ``make install`` and the hub's ``setup.sh``) makes every
kernel of the Python environment load this module as an IPython extension
(``<sys.prefix>/etc/ipython/ipython_kernel_config.py``). ``import helpers`` installs the same
handler, so it is there in any case once a helper has been imported.
"""

from __future__ import annotations

import html
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .messages import WorkshopError, say


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


def progress_bar(total: int, progress: bool | str, label_key: str = "progress.steps") -> Any:
    """A tqdm bar of ``total`` steps, or a :class:`NoBar` when ``progress`` is false.

    The bar's label is the sentence ``label_key`` in the learner's language (``progress.*`` keys);
    a string ``progress`` is a label the learner wrote and is shown as written. The bar disappears
    when closed.
    """
    if not progress:
        return NoBar()
    from tqdm.auto import tqdm

    desc = progress if isinstance(progress, str) else say(label_key)
    return tqdm(total=total, desc=desc, leave=False)


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


# --- errors in a notebook ------------------------------------------------------------------

#: The extension's module name, as IPython loads it.
EXTENSION = "helpers.core.display"
KERNEL_CONFIG = "ipython_kernel_config.py"
_CONFIG_LINES = (
    "# Async First Steps: a NameError after a kernel restart says to run the cells above.\n"
    f"c.InteractiveShellApp.extensions.append({EXTENSION!r})\n"
)


def show_in_notebook(obj: Any) -> bool:
    """Display ``obj`` rich (its ``_repr_html_``) when this runs in a Jupyter kernel; False anywhere else.

    Callers print a text version when this returns False (a terminal, a test, plain IPython).
    """
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # pragma: no cover - IPython comes with JupyterLab
        return False
    shell = get_ipython()
    if shell is None or getattr(shell, "kernel", None) is None:
        return False
    display(obj)
    return True


def install_error_display(shell: Any = None) -> bool:
    """Handle :class:`WorkshopError` and ``NameError`` in ``shell`` (default: the running IPython).

    Returns False outside IPython (plain Python shows normal exceptions, which is fine there).
    Installing twice changes nothing.
    """
    if shell is None:
        try:
            from IPython import get_ipython
        except ImportError:
            return False
        shell = get_ipython()
        if shell is None:
            return False
    if set(getattr(shell, "custom_exceptions", ())) >= {WorkshopError, NameError}:
        return True
    shell.set_custom_exc((WorkshopError, NameError), _show_error)
    return True


def load_ipython_extension(ipython: Any) -> None:
    """IPython's entry point (``%load_ext helpers.core.display``, or the kernel configuration)."""
    install_error_display(ipython)


def _show_error(shell: Any, etype: type, value: BaseException, tb: Any, tb_offset: int | None = None) -> list[str]:
    """The custom exception handler IPython calls for :class:`WorkshopError` and ``NameError``."""
    if isinstance(value, WorkshopError):
        stb = [f"\x1b[1;31m⚠ {value}\x1b[0m"]
    else:
        stb = shell.InteractiveTB.structured_traceback(etype, value, tb, tb_offset=tb_offset)
        if _names_a_cells_variable(shell, value, tb):
            stb = [*stb, f"\x1b[1;33m💡 {say('name_error_hint')}\x1b[0m"]
    # IPython 8/9 only *returns* a custom handler's traceback (run_code ignores it): show it here,
    # or the cell fails with no output at all.
    shell._showtraceback(etype, value, stb)
    return stb


def _names_a_cells_variable(shell: Any, value: BaseException, tb: Any) -> bool:
    """True for a plain ``NameError`` raised by code of the notebook itself (a cell, or a function
    defined in one), where a missing name is one a cell above should have made. Not for an
    ``UnboundLocalError`` (a bug inside a function) or a name missing in a library's code."""
    if type(value) is not NameError or tb is None:
        return False
    while tb.tb_next is not None:
        tb = tb.tb_next
    return tb.tb_frame.f_globals is shell.user_ns


def install_kernel_config(config_dir: Path | None = None) -> Path:
    """Make every kernel started from ``config_dir`` load this extension; return the config file.

    ``config_dir`` defaults to ``<sys.prefix>/etc/ipython`` (read by every IPython kernel of this
    Python environment); a profile folder such as ``~/.ipython/profile_default`` works too. Lines
    already in the file are kept, and running it again adds nothing.
    """
    folder = Path(config_dir) if config_dir is not None else Path(sys.prefix) / "etc" / "ipython"
    path = folder / KERNEL_CONFIG
    text = path.read_text() if path.exists() else ""
    if EXTENSION not in text:
        folder.mkdir(parents=True, exist_ok=True)
        path.write_text(text + ("\n" if text and not text.endswith("\n") else "") + _CONFIG_LINES)
    return path


def columns(text: str) -> int:
    """The width of ``text`` on screen in a monospaced font: a wide (e.g. Japanese) character takes two.

    Text tables printed by the helpers pad with this, so their columns line up in both editions.
    """
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int, right: bool = False) -> str:
    """``text`` padded with spaces to ``width`` screen columns (on the left when ``right``)."""
    fill = " " * max(0, width - columns(text))
    return fill + text if right else text + fill
