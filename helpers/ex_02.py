"""Exercises of 02_sync_bottlenecks: availability of a chain, Little's law, a deploy's blast radius.

Each is a small calculation on numbers given in the notebook (kept here as constants so the
statement and the checker cannot drift apart).
"""

from __future__ import annotations

import math
from typing import Any

from .exercises import Wrong, exercise
from .messages import say

#: 02.availability: the failure rates per step that the exercise gives.
AVAILABILITY_RATES: dict[str, float] = {"inventory": 0.01, "payment": 0.03, "shipping": 0.02, "email": 0.05, "points": 0.01}
#: 02.littles_law: a synchronous order API with this much concurrency, each order taking this long.
LITTLE_CONCURRENCY = 50
LITTLE_RESPONSE_S = 2.5
#: 02.deploy: orders arriving per second, and how long the loyalty service restarts.
DEPLOY_RATE_PER_S = 40
DEPLOY_WINDOW_S = 3.0


def _number(answer: Any, key: str) -> float:
    if isinstance(answer, bool) or not isinstance(answer, (int, float)) or not math.isfinite(answer):
        raise Wrong(key, got=answer)
    return float(answer)


# --- 02.availability ---------------------------------------------------------------------------


def chain_availability(rates: dict[str, float] = AVAILABILITY_RATES) -> float:
    """Chance an order passes every step: Π (1 − failure rate)."""
    return math.prod(1 - r for r in rates.values())


@exercise("02.availability", solution_answer=chain_availability)
def _check_availability(answer: Any) -> str:
    got = _number(answer, "ex.02.availability.not_number")
    want = chain_availability()
    rates = list(AVAILABILITY_RATES.values())
    if 1 < got <= 100:
        raise Wrong("ex.02.availability.percent", got=got)
    if abs(got - want) <= 0.002:
        return say("ex.02.availability.ok", want=want, weakest=1 - max(rates))
    if abs(got - (1 - max(rates))) <= 0.002:
        raise Wrong("ex.02.availability.weakest", got=got)
    if abs(got - (1 - sum(rates))) <= 0.002:
        raise Wrong("ex.02.availability.sum", got=got, want_more=want > got)
    if abs(got - sum(1 - r for r in rates) / len(rates)) <= 0.002:
        raise Wrong("ex.02.availability.average", got=got)
    if abs(got - (1 - want)) <= 0.002:
        raise Wrong("ex.02.availability.failure", got=got)
    if got < 0.001 and abs(got - math.prod(rates)) <= 1e-6:
        raise Wrong("ex.02.availability.product_of_failures", got=got)
    raise Wrong("ex.02.availability.off", got=got)


# --- 02.littles_law -----------------------------------------------------------------------------


def max_throughput() -> float:
    """λ = L / W: concurrency divided by the time each order holds it."""
    return LITTLE_CONCURRENCY / LITTLE_RESPONSE_S


@exercise("02.littles_law", solution_answer=max_throughput)
def _check_little(answer: Any) -> str:
    got = _number(answer, "ex.02.littles_law.not_number")
    want = max_throughput()
    if abs(got - want) <= 0.02 * want:
        return say("ex.02.littles_law.ok", want=want, concurrency=LITTLE_CONCURRENCY, seconds=LITTLE_RESPONSE_S)
    if abs(got - LITTLE_CONCURRENCY * LITTLE_RESPONSE_S) <= 0.5:
        raise Wrong("ex.02.littles_law.multiplied", got=got)
    if abs(got - LITTLE_RESPONSE_S / LITTLE_CONCURRENCY) <= 0.005:
        raise Wrong("ex.02.littles_law.inverted", got=got)
    if abs(got - LITTLE_CONCURRENCY) <= 0.5:
        raise Wrong("ex.02.littles_law.concurrency", got=got)
    if abs(got - LITTLE_CONCURRENCY / (LITTLE_RESPONSE_S * 1000)) <= 0.001:
        raise Wrong("ex.02.littles_law.milliseconds", got=got)
    raise Wrong("ex.02.littles_law.off", got=got)


# --- 02.deploy ----------------------------------------------------------------------------------


def failed_in_deploy() -> float:
    """Orders reaching the restarting step during the window: arrival rate × window length."""
    return DEPLOY_RATE_PER_S * DEPLOY_WINDOW_S


@exercise("02.deploy", solution_answer=failed_in_deploy)
def _check_deploy(answer: Any) -> str:
    got = _number(answer, "ex.02.deploy.not_number")
    want = failed_in_deploy()
    if abs(got - want) <= 0.1 * want:
        return say("ex.02.deploy.ok", want=want)
    if got == 0:
        raise Wrong("ex.02.deploy.zero")
    if abs(got - DEPLOY_WINDOW_S) <= 0.5:
        raise Wrong("ex.02.deploy.seconds", got=got)
    if abs(got - DEPLOY_RATE_PER_S) <= 0.5:
        raise Wrong("ex.02.deploy.one_second", got=got)
    if abs(got - DEPLOY_RATE_PER_S / DEPLOY_WINDOW_S) <= 0.5:
        raise Wrong("ex.02.deploy.divided", got=got)
    raise Wrong("ex.02.deploy.off", got=got, rate=DEPLOY_RATE_PER_S, window=DEPLOY_WINDOW_S)
