"""00_setup: is this environment ready? The version self-check and the final ready check.

The first SQS round trip is not here: the notebook makes those calls itself, in its own cells.
"""

from __future__ import annotations

import importlib.metadata
import platform
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from ..core.backend import current
from ..core.display import Table, columns, show_in_notebook
from ..core.messages import say
from ..core.resources import queue_depth
from ..core.sampling import wait_until

# The packages a learner's environment needs, as named on PyPI.
CHECKED = ["boto3", "moto", "jupyterlab", "ipywidgets", "matplotlib", "aws-lambda-powertools"]
REQUIREMENTS = Path(__file__).resolve().parents[2] / "requirements.txt"
#: How long real AWS may take to show an emptied queue (its message counts are approximate).
SETTLE_S = 10.0


def is_empty(queue_url: str) -> bool:
    """No message waiting or in flight; on real AWS, waits up to :data:`SETTLE_S` for the counts to settle."""

    def empty() -> bool:
        depth = queue_depth(queue_url)
        return depth["visible"] + depth["in_flight"] == 0

    return wait_until(empty, SETTLE_S if current().is_real_aws else 0.0, poll_s=0.5)


@dataclass
class VersionRow:
    """One package: what is installed and what the project pins."""

    package: str
    installed: str | None
    pinned: str | None

    @property
    def ok(self) -> bool:
        """Installed, and at the pinned version when there is a pin."""
        return self.installed is not None and (self.pinned is None or self.installed == self.pinned)


def pinned_versions(path: Path = REQUIREMENTS) -> dict[str, str]:
    """``{package: version}`` from requirements.txt (empty if the file is not next to the package)."""
    pins: dict[str, str] = {}
    if path.exists():
        for line in path.read_text().splitlines():
            m = re.match(r"^\s*([A-Za-z0-9_.\-]+)(\[[^\]]*\])?==(\S+)", line)
            if m:
                pins[m.group(1).lower()] = m.group(3)
    return pins


def versions() -> list[VersionRow]:
    """Python and the key packages, installed vs pinned."""
    pins = pinned_versions()
    rows = [VersionRow("python", platform.python_version(), None)]
    for pkg in CHECKED:
        try:
            installed: str | None = importlib.metadata.version(pkg)
        except importlib.metadata.PackageNotFoundError:
            installed = None
        rows.append(VersionRow(pkg, installed, pins.get(pkg)))
    return rows


def version_table(rows: list[VersionRow]) -> Table:
    """The versions as a :class:`Table`, one row per package, ✅ or ❌ in the last column."""
    header = [say("setup.versions.package"), say("setup.versions.installed"), say("setup.versions.pinned"), ""]
    body = [
        [row.package, row.installed or say("setup.versions.missing"), row.pinned or "-", "✅" if row.ok else "❌"]
        for row in rows
    ]
    return Table(header, body)


def print_versions(rows: list[VersionRow]) -> None:
    """A small table a learner can read at a glance: what an instructor asks for first.

    In a notebook it is an HTML table, so its columns line up in any language and font; elsewhere
    it is text, padded by display width.
    """
    table = version_table(rows)
    if show_in_notebook(table):
        return
    widths = [max(12, *(columns(cells[i]) + 2 for cells in [table.columns, *table.rows])) for i in range(3)]
    for cells in [table.columns, *table.rows]:
        print("".join(c + " " * (w - columns(c)) for c, w in zip(cells[:3], widths, strict=True)) + cells[3])


@dataclass
class Readiness:
    """The final "ready" check of 00_setup: named checks, each passed or not."""

    checks: dict[str, bool]

    @property
    def ok(self) -> bool:
        """Every check passed."""
        return all(self.checks.values())

    def show(self) -> None:
        """One line per check, ✅ or ❌."""
        for label, ok in self.checks.items():
            print(("✅ " if ok else "❌ ") + label)


def readiness(rows: list[VersionRow], round_trip_ok: bool) -> Readiness:
    """Everything 00_setup verified, as one list of named checks.

    ``round_trip_ok``: the notebook's own SQS round trip got its message back and left the queue empty.
    """
    info = current()
    return Readiness(
        {
            say("setup.ready.python"): sys.version_info >= (3, 10),
            say("setup.ready.packages"): all(r.ok for r in rows),
            say("setup.ready.backend", name=info.name, account=info.account): bool(re.fullmatch(r"\d{12}", info.account)),
            say("setup.ready.round_trip"): bool(round_trip_ok),
        }
    )
