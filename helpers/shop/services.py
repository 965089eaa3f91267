"""Simulated downstream services: a real sleep drawn from the step's profile, random failures, outages."""

from __future__ import annotations

import contextlib
import math
import random
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

from ..core.messages import WorkshopError
from .data import StepProfile, lognormal_mean, lognormal_sigma
from .model import ServiceFailure, ServiceUnavailable
from .speed import FAIL_FAST_MS, _sleep_shop_ms, speed


@dataclass(frozen=True)
class DeployWindow:
    """A restart of a service: calls between ``start`` and ``end`` (perf_counter s) fail or wait."""

    service: str
    start: float
    end: float
    mode: str  # "fail": calls fail fast; "wait": calls wait until the service is back

    def contains(self, t: float) -> bool:
        return self.start <= t < self.end

    @property
    def duration_ms(self) -> float:
        return (self.end - self.start) * 1000


class Service:
    """A simulated downstream service: latency, random failures, outages and deploys.

    Settings start from the step's :class:`StepProfile` and can be changed while threads call
    it (:meth:`configure`, :meth:`take_down`, :meth:`deploy`); :meth:`reset` goes back to the
    profile. ``jitter=False`` makes every call take exactly the median (crisp demos).
    """

    def __init__(self, profile: StepProfile, *, seed: int | str = 0) -> None:
        self.profile = profile
        self.step = profile.step
        self.name = profile.service
        self._rng = random.Random(f"{seed}:{profile.step}")
        self._lock = threading.Lock()
        self.reset()

    # settings
    def reset(self) -> None:
        """Back to the profile's numbers, up, no deploy windows, jitter on."""
        with self._lock:
            self.median_ms = float(self.profile.median_ms)
            self.p95_ms = float(self.profile.p95_ms)
            self.failure_rate = float(self.profile.failure_rate)
            self.jitter = True
            self._down = False
            self._windows: list[DeployWindow] = []

    def configure(
        self,
        *,
        median_ms: float | None = None,
        p95_ms: float | None = None,
        failure_rate: float | None = None,
        jitter: bool | None = None,
    ) -> Service:
        """Change latency (shop ms), failure rate (0–1) or jitter. A new median without a p95
        keeps the profile's p95/median ratio (the same shape, scaled)."""
        with self._lock:
            if median_ms is not None:
                if not (isinstance(median_ms, (int, float)) and math.isfinite(median_ms) and median_ms >= 0):
                    raise WorkshopError("shop.bad_latency", step=self.step, value=median_ms)
                ratio = self.profile.p95_ms / self.profile.median_ms if self.profile.median_ms else 1.0
                self.median_ms = float(median_ms)
                self.p95_ms = float(median_ms) * ratio
            if p95_ms is not None:
                if not (isinstance(p95_ms, (int, float)) and p95_ms >= self.median_ms):
                    raise WorkshopError("shop.bad_p95", step=self.step, value=p95_ms, median=self.median_ms)
                self.p95_ms = float(p95_ms)
            if failure_rate is not None:
                if not (isinstance(failure_rate, (int, float)) and 0 <= failure_rate <= 1):
                    raise WorkshopError("shop.bad_failure_rate", step=self.step, value=failure_rate)
                self.failure_rate = float(failure_rate)
            if jitter is not None:
                self.jitter = bool(jitter)
        return self

    @property
    def availability(self) -> float:
        """Share of calls that succeed while the service is up: ``1 - failure_rate``."""
        return 1.0 - self.failure_rate

    @property
    def mean_ms(self) -> float:
        """Expected latency of one call, shop ms (the median when jitter is off)."""
        return lognormal_mean(self.median_ms, self.p95_ms) if self.jitter else self.median_ms

    # outages and deploys
    def take_down(self) -> None:
        """An outage: every call fails fast with :class:`ServiceUnavailable` until :meth:`restore`."""
        with self._lock:
            self._down = True

    def restore(self) -> None:
        """End an outage and forget deploy windows."""
        with self._lock:
            self._down = False
            self._windows = []

    @contextlib.contextmanager
    def outage(self) -> Iterator[Service]:
        """``with shop.service("email").outage(): …`` — down inside the block, up again after."""
        self.take_down()
        try:
            yield self
        finally:
            self.restore()

    @property
    def is_down(self) -> bool:
        """Down now: an outage, or inside a deploy window."""
        now = time.perf_counter()
        with self._lock:
            return self._down or any(w.contains(now) for w in self._windows)

    def deploy(self, duration_ms: float, *, start_in_ms: float = 0.0, mode: str = "fail") -> DeployWindow:
        """Schedule a restart: from ``start_in_ms`` for ``duration_ms`` (shop ms, scaled by the speed).

        ``mode="fail"``: calls in the window fail fast (like connection refused);
        ``mode="wait"``: calls wait until the service is back (like a client retrying).
        Returns the window in real perf_counter seconds, for the timeline.
        """
        if mode not in ("fail", "wait"):
            raise WorkshopError("shop.bad_deploy_mode", mode=mode)
        start = time.perf_counter() + max(0.0, start_in_ms) * speed() / 1000
        window = DeployWindow(self.name, start, start + max(0.0, duration_ms) * speed() / 1000, mode)
        with self._lock:
            self._windows.append(window)
        return window

    # the call itself
    def sample_ms(self) -> float:
        """One latency draw in shop ms (log-normal with the median and p95; the median without jitter)."""
        with self._lock:
            return self._draw()[0]

    def _draw(self) -> tuple[float, bool]:
        """Latency (shop ms) and whether the call fails: one draw each, always in this order."""
        sigma = lognormal_sigma(self.median_ms, self.p95_ms)
        z = self._rng.gauss(0.0, 1.0)
        latency = self.median_ms * math.exp(sigma * z) if self.jitter else self.median_ms
        fails = self._rng.random() < self.failure_rate
        return latency, fails

    def call(self, at: float | None = None) -> float:
        """Do one simulated call: sleep its latency × speed, then succeed or raise.

        Returns the real ms slept. Raises :class:`ServiceUnavailable` (fast) when down or in a
        ``fail`` deploy window, :class:`ServiceFailure` after the latency at the failure rate.
        ``at`` is when the call was made (perf_counter s; default now): the step passes its
        span's start, so "reached the service during a deploy" is decided on the same instant.
        """
        waited = 0.0
        now = time.perf_counter() if at is None else at
        with self._lock:
            down = self._down
            window = next((w for w in self._windows if w.contains(now)), None)
            self._windows = [w for w in self._windows if w.end > now]
        if down or (window and window.mode == "fail"):
            slept = _sleep_shop_ms(FAIL_FAST_MS)
            reason = "outage" if down else "deploy"
            raise ServiceUnavailable(
                "shop.unavailable", step=self.step, service=self.name, reason=reason, simulated_ms=slept
            )
        if window is not None:  # "wait": blocked until the restart is over
            waited = max(0.0, window.end - time.perf_counter())
            time.sleep(waited)
            waited *= 1000
        with self._lock:
            latency, fails = self._draw()
        slept = _sleep_shop_ms(latency) + waited
        if fails:
            raise ServiceFailure("shop.failure", step=self.step, service=self.name, simulated_ms=slept)
        return slept
