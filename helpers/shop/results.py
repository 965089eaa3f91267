"""Results and statistics: one order's result, load runs, busy windows, latency sweeps, percentiles."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..core.messages import say
from .model import Order, Span, Status
from .services import DeployWindow


@dataclass
class Accepted:
    """The answer of an accept path: what the client gets back, and how fast (``202 Accepted``).

    The one answer type of every path that takes an order for later: the queue's
    ``AsyncShop.accept_order`` (03) and the topic's ``FanoutShop.place_order`` (04, which adds the
    event's message id and size). ``ok``, ``http_status`` and ``response_ms`` mean the same everywhere.
    """

    order_id: str | None
    status: str  # "ACCEPTED" or "REJECTED"
    start: float  # time.perf_counter() when the request arrived
    end: float  # … and when it was answered
    error: str | None = None

    @property
    def ok(self) -> bool:
        """True when the order was taken (stored and handed on)."""
        return self.status == Status.ACCEPTED

    @property
    def http_status(self) -> int:
        """202 Accepted, or 400 Bad Request for an invalid order."""
        return 202 if self.ok else 400

    @property
    def response_ms(self) -> float:
        """What the client waited, real ms."""
        return (self.end - self.start) * 1000

@dataclass
class OrderResult:
    """What placing one order synchronously returned, and its spans."""

    order_id: str | None
    status: str
    spans: list[Span]
    start: float
    end: float
    failed_step: str | None = None
    error: str | None = None
    order: Order | None = None
    submitted: float | None = None  # when the client sent it (load runners); else = start
    status_ms: float = 0.0  # storing the final status (COMPLETED / FAILED): the only time outside the spans

    @property
    def ok(self) -> bool:
        return self.status == Status.COMPLETED

    @property
    def response_ms(self) -> float:
        """What the client waited: from sending (or start) to the answer, real ms."""
        return (self.end - (self.submitted if self.submitted is not None else self.start)) * 1000

    @property
    def steps_ms(self) -> float:
        """Sum of the step spans, real ms."""
        return sum(s.duration_ms for s in self.spans)

    @property
    def unaccounted_ms(self) -> float:
        """Response time not in a span nor in the final status write (≈ 0: a few µs of Python)."""
        return self.response_ms - self.steps_ms - self.status_ms

    @property
    def back_to_back(self) -> bool:
        """Every span starts after the one before it ended (the steps ran one after another)."""
        return all(b.start >= a.end for a, b in zip(self.spans, self.spans[1:]))  # noqa: B905

    @property
    def simulated_ms(self) -> float:
        """What the simulated services slept for this order, real ms."""
        return sum(s.simulated_ms for s in self.spans)

    @property
    def overhead_ms(self) -> float:
        """Response time beyond the simulated sleeps: DynamoDB, Python, waking up."""
        return self.response_ms - self.simulated_ms

    def span(self, step: str) -> Span | None:
        """The span of ``step``, if the order got that far."""
        return next((s for s in self.spans if s.step == step), None)

    def summary(self) -> str:
        """One line for the learner."""
        if self.ok:
            return say("shop.result_ok", order_id=self.order_id, ms=self.response_ms, steps=len(self.spans))
        return say(
            "shop.result_failed",
            status=self.status,
            step=self.failed_step,
            ms=self.response_ms,
            error=self.error,
        )

    def __repr__(self) -> str:
        return f"OrderResult({self.summary()})"


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0–100) with linear interpolation; NaN for no values."""
    data = sorted(values)
    if not data:
        return float("nan")
    pos = (len(data) - 1) * q / 100
    lo, hi = math.floor(pos), math.ceil(pos)
    return data[lo] + (data[hi] - data[lo]) * (pos - lo)


@dataclass(frozen=True)
class BusyWindow:
    """A closed-loop run's steady part, measured on the same work: λ, W, L (= λ·W) and overhead."""

    seconds: float
    throughput_per_s: float  # λ: orders finished per second (partly finished ones in part)
    mean_ms: float  # W: time an order spends in the shop, averaged over that work
    in_progress: float  # L: orders in progress on average (the busy clients)
    overhead_ms: float  # per order beyond the simulated sleeps: DynamoDB, Python, waiting for a CPU


@dataclass
class LoadResult:
    """Many orders placed together: the results, the wall-clock window and the summaries."""

    results: list[OrderResult]
    start: float
    end: float
    clients: int | None = None
    interval_ms: float | None = None
    windows: list[DeployWindow] = field(default_factory=list)

    @property
    def wall_s(self) -> float:
        return self.end - self.start

    @property
    def throughput_per_s(self) -> float:
        """Orders answered per real second (completed or not)."""
        return len(self.results) / self.wall_s if self.wall_s > 0 else float("nan")

    def busy_window(self) -> BusyWindow | None:
        """Throughput, response time and load while every client was busy (closed loop, :meth:`Shop.run_load`).

        Until the last order starts, each answer frees a client that starts the next order at
        once, so all ``clients`` are busy. Over that window each order counts for the share of
        it that happened inside (finished orders fully, running ones partly), so the three
        numbers are measured on the same work and satisfy Little's law L = λ·W exactly; L
        comes out as the clients kept busy. (Plain ``n / wall time`` comes out lower: the run
        ends with clients idle while the last orders finish.) ``None`` with fewer than two
        orders per client.
        """
        n, clients = len(self.results), self.clients or 1
        if n < 2 * clients:
            return None
        cut = max(r.start for r in self.results)
        window = cut - self.start
        if window <= 0:
            return None
        done = inside_total = overhead = 0.0
        for r in self.results:
            length = r.end - r.start
            inside = max(0.0, min(r.end, cut) - r.start)
            share = inside / length if length > 0 else 1.0
            done += share
            inside_total += inside
            overhead += share * r.overhead_ms
        if done <= 0:
            return None
        return BusyWindow(
            seconds=window,
            throughput_per_s=done / window,
            mean_ms=inside_total / done * 1000,
            in_progress=inside_total / window,
            overhead_ms=overhead / done,
        )

    @property
    def busy_throughput_per_s(self) -> float:
        """Orders per real second while every client was busy (see :meth:`busy_window`);
        :attr:`throughput_per_s` when there are fewer than two orders per client."""
        busy = self.busy_window()
        return busy.throughput_per_s if busy else self.throughput_per_s

    @property
    def response_ms(self) -> list[float]:
        return [r.response_ms for r in self.results]

    def completed(self) -> list[OrderResult]:
        return [r for r in self.results if r.ok]

    def failed(self) -> list[OrderResult]:
        return [r for r in self.results if not r.ok]

    @property
    def success_share(self) -> float:
        return len(self.completed()) / len(self.results) if self.results else float("nan")

    def p(self, q: float) -> float:
        """Percentile ``q`` of the response times, real ms."""
        return percentile(self.response_ms, q)

    @property
    def mean_ms(self) -> float:
        times = self.response_ms
        return sum(times) / len(times) if times else float("nan")

    @property
    def mean_in_system(self) -> float:
        """Average number of orders in progress over the run: Σ response times / wall time (Little's L)."""
        return sum(self.response_ms) / 1000 / self.wall_s if self.wall_s > 0 else float("nan")

    def reached_during(self, step: str, window: DeployWindow) -> list[OrderResult]:
        """Orders whose call to ``step`` started inside ``window`` (e.g. a deploy)."""
        hits = []
        for r in self.results:
            span = r.span(step)
            if span is not None and window.contains(span.start):
                hits.append(r)
        return hits

    def failures_by_step(self) -> Counter[str]:
        """Failed orders per step that failed them."""
        return Counter(r.failed_step or "?" for r in self.failed())


@dataclass
class SweepPoint:
    """One point of a latency sweep: the step's latency (shop ms), the measurement and the model."""

    step: str
    latency_ms: float
    load: LoadResult
    model_response_ms: float
    model_throughput_per_s: float
    overhead_ms: float = 0.0  # per order, in the model: DynamoDB, Python, waiting for a CPU

    @property
    def throughput_per_s(self) -> float:
        """Measured steady throughput λ (:meth:`LoadResult.busy_window`)."""
        return self.load.busy_throughput_per_s

    @property
    def mean_ms(self) -> float:
        """Measured W over the same work as λ (the whole run's mean without a busy window)."""
        busy = self.load.busy_window()
        return busy.mean_ms if busy else self.load.mean_ms

    @property
    def littles_l(self) -> float:
        """λ·W from the measurements: Little's law says it equals the clients kept busy."""
        return self.throughput_per_s * self.mean_ms / 1000
