"""Retries for transient errors: what they buy, and what eager retrying costs.

The retry itself is the notebook's code (:mod:`helpers.failure.lesson`): ``backoff_delay``
(exponential backoff, capped, with full jitter) and ``call_with_retries`` (try again after a
transient error, waiting a backoff delay). The formula, from the AWS Architecture Blog's
"Exponential Backoff And Jitter"::

    delay before retry n (n = 1, 2, …) = uniform(0, min(cap, base × 2^(n-1)))   # full jitter
                                       =            min(cap, base × 2^(n-1))    # no jitter

For AWS calls a production client uses the SDK's own retry modes (boto3
``retries={"mode": "standard"}`` already does this) or a library such as tenacity.

The harnesses here take the learner's functions:

* :func:`transient_demo`: a flaky step (e.g. 30 % failures) called through ``retry`` with 1–5
  attempts: measured success share vs the prediction ``1 - p^attempts``.
* :func:`retry_storm`: the same clients against a service that is down for a moment and then
  serves a limited number of calls per window, once per strategy, side by side; the waits come
  from ``backoff``.
"""

from __future__ import annotations

import heapq
import random
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ..core.messages import WorkshopError
from ..shop import STEPS, ServiceFailure, ServiceUnavailable, Shop, speed_factor
from . import lesson

# --- transient failures: how many attempts are enough? -------------------------------------------


@dataclass
class TransientResult:
    """The same flaky step called ``n`` times for each number of attempts."""

    step: str
    failure_rate: float
    n: int
    succeeded: dict[int, int]  # attempts allowed → calls that eventually succeeded
    calls: dict[int, int]  # attempts allowed → service calls made in all

    @property
    def success_share(self) -> dict[int, float]:
        """Measured share of successful calls per number of attempts."""
        return {k: v / self.n for k, v in self.succeeded.items()}

    @property
    def predicted(self) -> dict[int, float]:
        """``1 - p^attempts``: every attempt fails independently with probability p."""
        return {k: 1 - self.failure_rate**k for k in self.succeeded}


def transient_demo(shop: Shop, retry: Callable[..., Any], *, step: str = "email", failure_rate: float = 0.3,
                   n: int = 300, attempts: Sequence[int] = (1, 2, 3, 4, 5)) -> TransientResult:
    """Call ``step``'s service ``n`` times through ``retry`` with 1, 2, … attempts and count successes.

    ``retry(fn, attempts=k, base_s=0, cap_s=0)`` is the notebook's ``call_with_retries``. Only
    outcomes matter here, so the service runs at speed 0 and the waits are 0 (they change when a
    call succeeds, not whether). The step's settings are restored after.
    """
    if step not in STEPS:
        raise WorkshopError("shop.unknown_step", step=step, valid=", ".join(STEPS))
    svc = shop.service(step)
    saved = svc.failure_rate
    succeeded: dict[int, int] = {}
    calls: dict[int, int] = {}
    made = 0

    def counted() -> None:
        nonlocal made
        made += 1
        svc.call()

    try:
        svc.configure(failure_rate=failure_rate)
        with speed_factor(0):
            for k in attempts:
                ok, made = 0, 0
                for _ in range(n):
                    try:
                        retry(counted, attempts=k, base_s=0, cap_s=0)
                        ok += 1
                    except lesson.TRANSIENT:
                        pass
                succeeded[k], calls[k] = ok, made
    finally:
        svc.configure(failure_rate=saved)
    return TransientResult(step, failure_rate, n, succeeded, calls)


# --- a retry storm: eager vs backoff vs backoff + jitter -----------------------------------------


@dataclass(frozen=True)
class Strategy:
    """How a client waits between attempts; ``name`` picks its label (``failure.strategy.<name>``)."""

    name: str
    base_s: float
    cap_s: float
    jitter: bool


#: The three strategies compared in the notebook (real seconds).
STRATEGIES: tuple[Strategy, ...] = (
    Strategy("eager", 0.01, 0.01, False),
    Strategy("backoff", 0.05, 0.25, False),
    Strategy("jitter", 0.05, 0.25, True),
)


class RecoveringService:
    """A dependency that is down for ``down_s`` and then serves at most ``capacity`` calls per ``window_s``.

    Like a database or an API coming back after an incident: it is up again, but not yet ready
    for everyone at once. Calls while down fail with :class:`~helpers.shop.ServiceUnavailable`;
    calls over the capacity fail with :class:`~helpers.shop.ServiceFailure` (throttled). Every
    call is logged with its time and outcome.
    """

    def __init__(self, name: str, *, down_s: float, capacity: int, window_s: float) -> None:
        self.name = name
        self.down_s = down_s
        self.capacity = capacity
        self.window_s = window_s
        self.t0 = time.monotonic()
        self._lock = threading.Lock()
        self._served: dict[int, int] = {}
        #: (seconds since start, outcome) for every call: "ok", "down" or "throttled"
        self.calls: list[tuple[float, str]] = []

    def call(self) -> None:
        """One call now (real clock): succeeds, or raises (down / throttled)."""
        outcome = self.call_at(time.monotonic() - self.t0)
        if outcome == "down":
            raise ServiceUnavailable("shop.unavailable", step=self.name, service=self.name, reason="outage")
        if outcome == "throttled":
            raise ServiceFailure("shop.failure", step=self.name, service=self.name)

    def call_at(self, t: float) -> str:
        """One call at ``t`` seconds since start: ``"ok"``, ``"down"`` or ``"throttled"`` (logged)."""
        with self._lock:
            if t < self.down_s:
                outcome = "down"
            else:
                window = int((t - self.down_s) / self.window_s)
                if self._served.get(window, 0) >= self.capacity:
                    outcome = "throttled"
                else:
                    self._served[window] = self._served.get(window, 0) + 1
                    outcome = "ok"
            self.calls.append((t, outcome))
        return outcome


@dataclass
class StormRun:
    """One strategy's clients against one recovering service."""

    strategy: Strategy
    clients: int
    down_s: float
    capacity: int
    window_s: float
    calls: list[tuple[float, str]]  # (t_s, outcome) of every call
    done_at: list[float]  # per client that succeeded: seconds since start when it did
    gave_up: int  # clients that ran out of attempts

    @property
    def total_calls(self) -> int:
        """Calls made by all clients, successful or not (each is load on the service, and money)."""
        return len(self.calls)

    @property
    def last_done_s(self) -> float:
        """When the last client got through (seconds since start; NaN if none did)."""
        return max(self.done_at) if self.done_at else float("nan")

    def peak_per_window(self, after_s: float | None = None) -> int:
        """Most calls that arrived within one capacity window, after the service came back by default."""
        start = self.down_s if after_s is None else after_s
        counts: dict[int, int] = {}
        for t, _ in self.calls:
            if t >= start:
                key = int((t - start) / self.window_s)
                counts[key] = counts.get(key, 0) + 1
        return max(counts.values(), default=0)


def retry_storm(
    backoff: Callable[..., float],
    *,
    clients: int = 20,
    down_s: float = 0.5,
    capacity: int = 4,
    window_s: float = 0.05,
    attempts: int = 100,
    strategies: Sequence[Strategy] = STRATEGIES,
    seed: int = 7,
) -> list[StormRun]:
    """``clients`` clients per strategy call a :class:`RecoveringService` at the same moment and retry.

    The waits come from ``backoff(retry, base_s=…, cap_s=…, jitter=…, rng=…)``, the notebook's
    ``backoff_delay``; the clock is simulated (an event queue
    in time order), so every run is exact and repeatable, takes no real waiting, and a busy
    machine cannot blur the waves that synchronised clients make. Returns one
    :class:`StormRun` per strategy.
    """
    if not isinstance(clients, int) or not 1 <= clients <= 100:
        raise WorkshopError("retry.bad_clients", value=clients)
    runs: list[StormRun] = []
    for s_index, strategy in enumerate(strategies):
        service = RecoveringService(strategy.name, down_s=down_s, capacity=capacity, window_s=window_s)
        rngs = [random.Random(f"{seed}:{s_index}:{c}") for c in range(clients)]
        pending = [(0.0, c, 1) for c in range(clients)]  # (time, client, attempt number)
        heapq.heapify(pending)
        done: list[float] = []
        gave_up = 0
        while pending:
            t, c, attempt = heapq.heappop(pending)
            if service.call_at(t) == "ok":
                done.append(t)
            elif attempt >= attempts:
                gave_up += 1
            else:
                delay = backoff(attempt, base_s=strategy.base_s, cap_s=strategy.cap_s,
                                jitter=strategy.jitter, rng=rngs[c])
                heapq.heappush(pending, (t + delay, c, attempt + 1))
        runs.append(StormRun(strategy, clients, down_s, capacity, window_s, list(service.calls), sorted(done), gave_up))
    return runs
