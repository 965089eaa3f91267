"""The speed factor: every simulated sleep is profile latency × this factor (env ``WORKSHOP_SPEED``)."""

from __future__ import annotations

import contextlib
import math
import os
import time
from collections.abc import Iterator

from ..core.messages import WorkshopError

#: Real sleep = profile latency × speed factor. 0.2: five times faster than real life, so
#: 01 and 02 run in under 20 s each under nbval (measured: ~9 s and ~14 s on the 2-core
#: machine) while the non-simulated part of an order — DynamoDB on moto (1–2 ms a call),
#: Python, waking up from sleeps: ~15–30 ms — stays small next to its ~150 ms of sleeps.
DEFAULT_SPEED = 0.2
#: How long a call to a service that is down takes before it fails (connection refused), shop ms.
FAIL_FAST_MS = 2.0


_speed_override: float | None = None


def speed() -> float:
    """The speed factor: every simulated latency sleeps ``latency × speed()`` real seconds.

    ``set_speed`` wins, then ``$WORKSHOP_SPEED``, then :data:`DEFAULT_SPEED`. 1 = real-life
    durations; 0.2 = five times faster; 0 = no sleeping at all (only outcomes matter).
    """
    if _speed_override is not None:
        return _speed_override
    raw = os.environ.get("WORKSHOP_SPEED")
    if raw is None or raw.strip() == "":
        return DEFAULT_SPEED
    return _checked_speed(raw)


def set_speed(factor: float | str | None) -> float:
    """Set the speed factor for this process (``None``: back to ``$WORKSHOP_SPEED`` / default)."""
    global _speed_override
    _speed_override = None if factor is None else _checked_speed(factor)
    return speed()


@contextlib.contextmanager
def speed_factor(factor: float) -> Iterator[float]:
    """Run a block at another speed factor, e.g. ``with speed_factor(0): …`` when only outcomes matter."""
    global _speed_override
    saved = _speed_override
    _speed_override = _checked_speed(factor)
    try:
        yield _speed_override
    finally:
        _speed_override = saved


def _checked_speed(value: object) -> float:
    try:
        factor = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise WorkshopError("shop.bad_speed", value=value) from None
    if not math.isfinite(factor) or factor < 0 or factor > 10:
        raise WorkshopError("shop.bad_speed", value=value)
    return factor


def _sleep_shop_ms(shop_ms: float) -> float:
    """Sleep ``shop_ms × speed`` and return the real ms asked for."""
    real_ms = max(0.0, shop_ms) * speed()
    if real_ms > 0:
        time.sleep(real_ms / 1000)
    return real_ms
