"""00_setup: is this environment ready? Versions, a first SQS round trip, a final ready check."""

from __future__ import annotations

import importlib.metadata
import platform
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..core.backend import client, current
from ..core.resources import ensure_queue, purge

# The packages a learner's environment needs, as named on PyPI.
CHECKED = ["boto3", "moto", "jupyterlab", "ipywidgets", "matplotlib", "aws-lambda-powertools"]
REQUIREMENTS = Path(__file__).resolve().parents[2] / "requirements.txt"


@dataclass
class VersionRow:
    """One package: what is installed and what the project pins."""

    package: str
    installed: str | None
    pinned: str | None

    @property
    def ok(self) -> bool:
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


def print_versions(rows: list[VersionRow]) -> None:
    """A small table a learner can read at a glance."""
    print(f"{'package':<24}{'installed':<12}{'pinned':<12}")
    for row in rows:
        mark = "✅" if row.ok else "❌"
        print(f"{row.package:<24}{row.installed or 'missing':<12}{row.pinned or '-':<12}{mark}")


@dataclass
class RoundTrip:
    """A first SQS round trip: what each call took, and whether the message came back intact."""

    queue_url: str
    sent_body: str
    received_body: str | None
    left_in_queue: int
    timings_ms: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.received_body == self.sent_body and self.left_in_queue == 0


def round_trip(body: str = "hello, queue") -> RoundTrip:
    """Create a queue, send one message, receive it, delete it: time each call."""
    sqs = client("sqs")
    timings: dict[str, float] = {}

    def timed(label: str, fn, **kwargs):
        start = time.perf_counter()
        result = fn(**kwargs)
        timings[label] = (time.perf_counter() - start) * 1000
        return result

    start = time.perf_counter()
    url = ensure_queue("hello")
    timings["CreateQueue (or reuse)"] = (time.perf_counter() - start) * 1000
    purge(url)  # a second Run All starts from an empty queue
    timed("SendMessage", sqs.send_message, QueueUrl=url, MessageBody=body)
    got = timed("ReceiveMessage", sqs.receive_message, QueueUrl=url, MaxNumberOfMessages=1, WaitTimeSeconds=1)
    messages = got.get("Messages", [])
    received = messages[0]["Body"] if messages else None
    if messages:
        timed("DeleteMessage", sqs.delete_message, QueueUrl=url, ReceiptHandle=messages[0]["ReceiptHandle"])
    attrs = sqs.get_queue_attributes(
        QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    )["Attributes"]
    left = int(attrs["ApproximateNumberOfMessages"]) + int(attrs["ApproximateNumberOfMessagesNotVisible"])
    return RoundTrip(url, body, received, left, timings)


def plot_round_trip(trip: RoundTrip):
    """Bar chart: how long each SQS call of the round trip took."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 3))
    labels = list(trip.timings_ms)
    values = [trip.timings_ms[k] for k in labels]
    bars = ax.barh(labels, values, color="#4c72b0")
    ax.bar_label(bars, labels=[f"{v:.1f} ms" for v in values], padding=3)
    ax.invert_yaxis()
    ax.set_xlabel("time per call (ms)")
    ax.set_ylabel("SQS API call")
    ax.set_title(f"First SQS round trip on {current().name}")
    ax.set_xlim(0, max(values) * 1.3 if values else 1)
    fig.tight_layout()
    return fig


@dataclass
class Readiness:
    """The final "ready" check of 00_setup."""

    checks: dict[str, bool]

    @property
    def ok(self) -> bool:
        return all(self.checks.values())

    def show(self) -> None:
        for label, ok in self.checks.items():
            print(("✅ " if ok else "❌ ") + label)


def readiness(rows: list[VersionRow], trip: RoundTrip) -> Readiness:
    """Everything 00_setup verified, as one list of named checks."""
    import sys

    info = current()
    return Readiness(
        {
            "Python 3.10 or newer": sys.version_info >= (3, 10),
            "packages installed at the pinned versions": all(r.ok for r in rows),
            f"calls reach the {info.name} backend (account {info.account})": bool(re.fullmatch(r"\d{12}", info.account)),
            "SQS round trip: the message came back intact and the queue is empty": trip.ok,
        }
    )
