"""Retries for transient errors: exponential backoff with full jitter, and what eager retrying costs.

A call that fails for a *transient* reason (a timeout, a throttle, a service restarting) will
probably work if tried again a little later. How much later matters:

* **immediately / at a fixed short interval**: the client hammers a service that is already in
  trouble; every client does the same, so a recovering service meets a wall of calls;
* **exponential backoff** (wait ``base × 2ⁿ``, capped): far fewer calls, but clients that failed
  together retry together — synchronised waves (a "thundering herd");
* **exponential backoff with full jitter** (wait a random time between 0 and ``base × 2ⁿ``,
  capped): as few calls, and spread out, so the service gets a steady trickle.

Formula (AWS Architecture Blog, "Exponential Backoff And Jitter")::

    delay before retry n (n = 1, 2, …) = uniform(0, min(cap, base × 2^(n-1)))   # full jitter
                                       =            min(cap, base × 2^(n-1))    # no jitter

Why hand-written: it is the formula above and a loop (under 20 lines, unit-tested), and the
learner should see it. A production client would use the AWS SDK's own retry modes (boto3
``retries={"mode": "standard"}`` already does this for AWS calls) or a library such as tenacity.

* :func:`backoff_delay` / :func:`backoff_delays` and :func:`call_with_retries`: the mechanism.
* :func:`transient_demo`: a flaky step (e.g. 30 % failures) with 1–5 attempts: measured success
  share vs the prediction ``1 - p^attempts``.
* :func:`retry_storm`: the same clients against a service that is down for a moment and then
  serves a limited number of calls per window, once per strategy, side by side.
"""

from __future__ import annotations

import heapq
import random
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..core.messages import WorkshopError
from ..shop import STEPS, ServiceFailure, ServiceUnavailable, Shop, speed_factor

JITTER_MODES = ("full", "none")
#: Errors worth retrying: the service failed or was unavailable. An invalid order or an
#: out-of-stock answer will not change by asking again, so they are not retried.
TRANSIENT: tuple[type[BaseException], ...] = (ServiceFailure, ServiceUnavailable)


def backoff_delay(retry: int, *, base_s: float, cap_s: float, jitter: str = "full",
                  rng: random.Random | None = None) -> float:
    """Seconds to wait before retry number ``retry`` (1 = the first retry), see the module doc."""
    if not isinstance(retry, int) or retry < 1:
        raise WorkshopError("retry.bad_retry", value=retry)
    if jitter not in JITTER_MODES:
        raise WorkshopError("retry.bad_jitter", value=jitter, valid=", ".join(JITTER_MODES))
    if not (base_s >= 0 and cap_s >= 0):
        raise WorkshopError("retry.bad_delay", base=base_s, cap=cap_s)
    ceiling = min(cap_s, base_s * 2 ** (retry - 1))
    return (rng or random).uniform(0, ceiling) if jitter == "full" else ceiling


def backoff_delays(retries: int, *, base_s: float, cap_s: float, jitter: str = "full",
                   rng: random.Random | None = None) -> list[float]:
    """The waits before retries 1 … ``retries``."""
    return [backoff_delay(n, base_s=base_s, cap_s=cap_s, jitter=jitter, rng=rng) for n in range(1, retries + 1)]


@dataclass
class RetryResult:
    """What :func:`call_with_retries` did: the outcome, every attempt's error, every wait."""

    ok: bool
    value: Any = None
    attempts: int = 0
    delays_s: list[float] = field(default_factory=list)
    errors: list[BaseException] = field(default_factory=list)

    def result(self) -> Any:
        """The value, or the last error raised again (for callers that want an exception)."""
        if self.ok:
            return self.value
        raise self.errors[-1]


def call_with_retries(
    fn: Callable[[], Any],
    *,
    attempts: int = 4,
    base_s: float = 0.05,
    cap_s: float = 1.0,
    jitter: str = "full",
    retry_on: tuple[type[BaseException], ...] = TRANSIENT,
    rng: random.Random | None = None,
    sleep: Callable[[float], None] = time.sleep,
    should_stop: Callable[[], bool] | None = None,
) -> RetryResult:
    """Call ``fn()`` up to ``attempts`` times, waiting a backoff delay between tries.

    Only errors in ``retry_on`` are retried; any other error propagates at once (it will not get
    better). After the last attempt the result has ``ok=False`` and the errors.
    ``should_stop()`` (optional) ends the retries early, e.g. when a worker is stopping.
    """
    if not isinstance(attempts, int) or isinstance(attempts, bool) or attempts < 1:
        raise WorkshopError("retry.bad_attempts", value=attempts)
    result = RetryResult(ok=False)
    for attempt in range(1, attempts + 1):
        result.attempts = attempt
        try:
            result.value = fn()
            result.ok = True
            return result
        except retry_on as err:
            result.errors.append(err)
        if attempt == attempts or (should_stop is not None and should_stop()):
            return result
        delay = backoff_delay(attempt, base_s=base_s, cap_s=cap_s, jitter=jitter, rng=rng)
        result.delays_s.append(delay)
        sleep(delay)
    return result  # pragma: no cover - the loop always returns


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


def transient_demo(shop: Shop, *, step: str = "email", failure_rate: float = 0.3, n: int = 300,
                   attempts: Sequence[int] = (1, 2, 3, 4, 5)) -> TransientResult:
    """Call ``step``'s service ``n`` times with 1, 2, … attempts and count successes.

    Only outcomes matter here, so the service runs at speed 0 and the backoff waits are not
    slept (they change when a call succeeds, not whether). The step's settings are restored after.
    """
    if step not in STEPS:
        raise WorkshopError("shop.unknown_step", step=step, valid=", ".join(STEPS))
    svc = shop.service(step)
    saved = svc.failure_rate
    succeeded: dict[int, int] = {}
    calls: dict[int, int] = {}
    try:
        svc.configure(failure_rate=failure_rate)
        with speed_factor(0):
            for k in attempts:
                ok = made = 0
                for _ in range(n):
                    res = call_with_retries(svc.call, attempts=k, base_s=0, cap_s=0, sleep=_no_sleep)
                    ok += res.ok
                    made += res.attempts
                succeeded[k], calls[k] = ok, made
    finally:
        svc.configure(failure_rate=saved)
    return TransientResult(step, failure_rate, n, succeeded, calls)


def _no_sleep(_seconds: float) -> None:
    return None


# --- a retry storm: eager vs backoff vs backoff + jitter -----------------------------------------


@dataclass(frozen=True)
class Strategy:
    """How a client waits between attempts."""

    name: str
    base_s: float
    cap_s: float
    jitter: str


#: The three strategies compared in the notebook (real seconds).
STRATEGIES: tuple[Strategy, ...] = (
    Strategy("eager: every 10 ms", 0.01, 0.01, "none"),
    Strategy("exponential backoff", 0.05, 0.25, "none"),
    Strategy("backoff + full jitter", 0.05, 0.25, "full"),
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

    The waits come from the real :func:`backoff_delay`; the clock is simulated (an event queue
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
                delay = backoff_delay(attempt, base_s=strategy.base_s, cap_s=strategy.cap_s,
                                      jitter=strategy.jitter, rng=rngs[c])
                heapq.heappush(pending, (t + delay, c, attempt + 1))
        runs.append(StormRun(strategy, clients, down_s, capacity, window_s, list(service.calls), sorted(done), gave_up))
    return runs
