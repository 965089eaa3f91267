"""How errors look in a notebook: a :class:`WorkshopError` as its one sentence, a ``NameError`` with a hint.

A :class:`WorkshopError` is bad input or a broken environment: the learner needs the sentence that
says what to do, not a traceback into the helpers. A ``NameError`` in the learner's own cell keeps
its normal traceback (it is their code) and gets one more sentence: in a workshop it nearly
always means a cell above did not run, most often after a kernel restart.

After a kernel restart nothing of ``helpers`` is imported yet, so the handler must come with the
kernel itself. ``python -m helpers.core.notebook_errors install`` (run by ``make install``) adds
this module as an IPython extension to the kernel configuration of the Python environment
(``<sys.prefix>/etc/ipython/ipython_kernel_config.py``, which every kernel of that environment
reads). ``import helpers`` installs the same handler, so it is there in any case once a helper
has been imported.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from .messages import WorkshopError, say

#: The extension's module name, as IPython loads it.
EXTENSION = "helpers.core.notebook_errors"
KERNEL_CONFIG = "ipython_kernel_config.py"
_CONFIG_LINES = (
    "# Async First Steps: a NameError after a kernel restart says to run the cells above.\n"
    f"c.InteractiveShellApp.extensions.append({EXTENSION!r})\n"
)


def install(shell: Any = None) -> bool:
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
    shell.set_custom_exc((WorkshopError, NameError), _show)
    return True


def load_ipython_extension(ipython: Any) -> None:
    """IPython's entry point (``%load_ext helpers.core.notebook_errors``, or the kernel configuration)."""
    install(ipython)


def _show(shell: Any, etype: type, value: BaseException, tb: Any, tb_offset: int | None = None) -> list[str]:
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


def main(argv: list[str] | None = None) -> int:
    """``python -m helpers.core.notebook_errors install [--config-dir DIR]``."""
    parser = argparse.ArgumentParser(
        prog="python -m helpers.core.notebook_errors",
        description="Make this Python environment's Jupyter kernels explain a NameError after a kernel restart.",
    )
    parser.add_argument("command", choices=["install"], help="install: add the extension to the kernel configuration")
    parser.add_argument(
        "--config-dir", type=Path, default=None, help="where to write ipython_kernel_config.py (default: <sys.prefix>/etc/ipython)"
    )
    args = parser.parse_args(argv)
    print(f"kernel configuration: {install_kernel_config(args.config_dir)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
