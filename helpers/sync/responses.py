"""Harness of 02_sync_bottlenecks, section 4: measure the three ways to respond on the shop.

The webinar answers the problems of a synchronous chain in three ways, in this order: revisit
the requirements, improve inside the synchronous architecture, improve the architecture
(asynchronous processing). The notebook runs each one on the shop; this module holds what is
not the lesson: it times a learner's function over many payloads (:func:`time_calls`), counts
the orders that meet a response-time requirement (:func:`share_within`), and keeps one
:class:`Option` per measured way for the comparison figure (:func:`helpers.sync.plots_02.three_responses`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from ..core.messages import WorkshopError, say
from ..shop import LoadResult, OrderResult, percentile


@dataclass
class CallRun:
    """A function called once per payload by ``clients`` threads: each call's time and error, in payload order."""

    times_ms: list[float]
    errors: list[str | None]  # None for a call that returned, else "ErrorType: message"
    start: float
    end: float
    clients: int

    @property
    def ok_count(self) -> int:
        """Calls that returned without raising."""
        return sum(1 for e in self.errors if e is None)

    @property
    def ok_share(self) -> float:
        """Share of calls that returned without raising (nan without calls)."""
        return self.ok_count / len(self.errors) if self.errors else float("nan")

    def p(self, q: float) -> float:
        """Percentile ``q`` of the call times, real ms."""
        return percentile(self.times_ms, q)

    @property
    def throughput_per_s(self) -> float:
        """Calls answered per real second over the whole run."""
        wall = self.end - self.start
        return len(self.times_ms) / wall if wall > 0 else float("nan")

    def summary(self) -> str:
        """One line for the learner: how many calls returned, and how fast."""
        return say("sync.respond.calls", ok=self.ok_count, n=len(self.errors), p50=self.p(50), p95=self.p(95),
                   rate=self.throughput_per_s, clients=self.clients)


def time_calls(fn: Callable[[Any], Any], payloads: Sequence[Any], *, clients: int = 1) -> CallRun:
    """Call ``fn(payload)`` for every payload with ``clients`` threads and time each call.

    Why: the notebook's accept handler is the learner's own function; this measures it the way
    :meth:`Shop.run_load` measures the synchronous chain (closed loop, each client sends its next
    payload when its previous one is answered). A call that raises is timed and recorded, and
    the run goes on.
    """
    if not callable(fn):
        raise WorkshopError("sync.respond.not_callable", kind=type(fn).__name__)
    if isinstance(clients, bool) or not isinstance(clients, int) or clients < 1:
        raise WorkshopError("shop.bad_clients", clients=clients)
    times: list[float] = [0.0] * len(payloads)
    errors: list[str | None] = [None] * len(payloads)

    def one(i: int) -> None:
        began = time.perf_counter()
        try:
            fn(payloads[i])
        except Exception as exc:  # a failed call is part of the measurement
            errors[i] = f"{type(exc).__name__}: {exc}"
        times[i] = (time.perf_counter() - began) * 1000

    start = time.perf_counter()
    if clients == 1:
        for i in range(len(payloads)):
            one(i)
    else:
        with ThreadPoolExecutor(max_workers=clients, thread_name_prefix="client") as pool:
            list(pool.map(one, range(len(payloads))))
    return CallRun(times, errors, start, time.perf_counter(), clients)


def share_within(results: LoadResult | Sequence[OrderResult], limit_ms: float) -> float:
    """Share of orders answered successfully within ``limit_ms`` real ms: who meets a requirement.

    A failed order does not meet it, however fast it failed. ``nan`` when there are no orders.
    """
    rows = results.results if isinstance(results, LoadResult) else list(results)
    if not rows:
        return float("nan")
    return sum(1 for r in rows if r.ok and r.response_ms <= limit_ms) / len(rows)


@dataclass(frozen=True)
class Option:
    """One way of running the shop, measured: a bar in each panel of the comparison figure."""

    label: str
    p50_ms: float  # what a customer waits for an answer, real ms
    throughput_per_s: float  # answers per real second with the clients kept busy
    outage_ok_share: float  # share of orders answered successfully while the e-mail service is down

    @classmethod
    def of_sync(cls, load: LoadResult, outage: LoadResult, *, label: str | None = None) -> Option:
        """The synchronous chain: response time and throughput from ``load``, the outage from ``outage``.

        The label says how many workers (``load.clients``) served it, unless ``label`` is given.
        """
        label = label or say("sync.respond.option_sync", workers=load.clients or 1)
        return cls(label, load.p(50), load.busy_throughput_per_s, outage.success_share)

    @classmethod
    def of_calls(cls, run: CallRun, *, label: str | None = None) -> Option:
        """An accept path timed by :func:`time_calls` while the e-mail service was down."""
        return cls(label or say("sync.respond.option_async"), run.p(50), run.throughput_per_s, run.ok_share)
