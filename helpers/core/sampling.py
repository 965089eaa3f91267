"""Measuring while things run: wait for a condition, sample queue depth over time.

:class:`DepthSampler` samples queue depth in the background (moto has no CloudWatch SQS
metrics) for the "queue depth over time" figures; :func:`wait_until` polls a condition.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from .resources import queue_depth


def wait_until(predicate: Callable[[], bool], timeout: float, poll_s: float = 0.02) -> bool:
    """Wait until ``predicate()`` is true (returns True) or ``timeout`` seconds pass (returns False)."""
    deadline = time.monotonic() + timeout
    while True:
        if predicate():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(poll_s)


@dataclass
class DepthSeries:
    """Queue depth sampled over time: ``t_s`` seconds since the sampler started."""

    t_s: list[float] = field(default_factory=list)
    visible: list[int] = field(default_factory=list)
    in_flight: list[int] = field(default_factory=list)
    delayed: list[int] = field(default_factory=list)
    marks: list[tuple[float, str]] = field(default_factory=list)  # (t_s, label): "burst sent", …

    @property
    def total(self) -> list[int]:
        """Visible + in flight + delayed, per sample."""
        return [a + b + c for a, b, c in zip(self.visible, self.in_flight, self.delayed, strict=True)]

    @property
    def peak(self) -> int:
        """The largest total depth seen."""
        return max(self.total, default=0)

    def __len__(self) -> int:
        return len(self.t_s)


class DepthSampler:
    """Samples :func:`helpers.core.resources.queue_depth` every ``interval_s`` in a background thread.

    moto has no CloudWatch SQS metrics, so this is how the notebooks plot depth over time. Each
    sample is one ``GetQueueAttributes`` call. Use as a context manager or start()/stop().
    """

    def __init__(self, queue_url: str, interval_s: float = 0.075) -> None:
        self.queue_url = queue_url
        self.interval_s = interval_s
        self.series = DepthSeries()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._t0 = time.monotonic()

    def now(self) -> float:
        """Seconds since :meth:`start` (the series' time axis)."""
        return time.monotonic() - self._t0

    def mark(self, label: str) -> None:
        """Note an event on the time axis (e.g. "workers started"), for the figure."""
        self.series.marks.append((self.now(), label))

    def sample(self) -> None:
        """Take one sample now."""
        depth = queue_depth(self.queue_url)
        s = self.series
        s.t_s.append(self.now())
        s.visible.append(depth["visible"])
        s.in_flight.append(depth["in_flight"])
        s.delayed.append(depth["delayed"])

    def start(self) -> DepthSampler:
        """Start sampling from an empty series (t = 0 now)."""
        if self._thread is not None and self._thread.is_alive():
            return self
        self.series = DepthSeries()
        self._t0 = time.monotonic()
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="sqs-depth-sampler", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> DepthSeries:
        """Stop (taking one last sample) and return the series; idempotent."""
        if self._thread is not None:
            self._stop.set()
            self._thread.join(10)
            self._thread = None
            self.sample()
        return self.series

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.sample()
            except Exception:  # a sampling hiccup must not kill the figure; the next sample retries
                pass
            self._stop.wait(self.interval_s)

    def __enter__(self) -> DepthSampler:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
