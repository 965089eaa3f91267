"""Exercises of 01_sync_order and 02_sync_bottlenecks.

01: predict a response time, compute it from spans, find what to speed up.
02: availability of a chain, Little's law, a deploy's blast radius (small calculations on numbers
given in the notebook, kept here as constants so the statement and the checker cannot drift apart).

The checkers need no AWS: they compare with the profile in ``data/service_profile.json`` and
the current speed factor, or run the learner's function on spans made here.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from ..core.exercises import Wrong, exercise, number
from ..core.messages import say
from ..shop import STEPS, Span, load_profile, speed

#: How far a prediction may be from Σ medians × speed: 5 % below (rounding) to 15 % above
#: (adding the measured DynamoDB overhead, ~10 % of an order, is welcome, not wrong).
PREDICT_LOW, PREDICT_HIGH = 0.95, 1.15


def _near(value: float, target: float, rel: float = 0.01) -> bool:
    """Close enough to recognise a typical mistake (1 %: computed answers, not hand-rounded ones)."""
    return abs(value - target) <= rel * abs(target) + 0.5


# --- 01.predict -----------------------------------------------------------------------------


def predicted_ms() -> float:
    """The expected answer: Σ profile medians × speed factor, in real ms."""
    return sum(p.median_ms for p in load_profile().values()) * speed()


@exercise("01.predict", solution_answer=predicted_ms)
def _check_predict(answer: Any) -> str:
    got = number(answer, "ex.01.predict.not_number")
    profile = load_profile()
    want = predicted_ms()
    if PREDICT_LOW * want <= got <= PREDICT_HIGH * want:
        return say("ex.01.predict.ok", got=got, want=want)
    medians = [p.median_ms for p in profile.values()]
    factor = speed()
    if factor != 1 and _near(got, sum(medians)):
        raise Wrong("ex.01.predict.unscaled", got=got, speed=factor)
    if _near(got, max(medians) * factor):
        raise Wrong("ex.01.predict.slowest", got=got)
    if _near(got, sum(medians) / len(medians) * factor):
        raise Wrong("ex.01.predict.average", got=got)
    if _near(got, sum(p.p95_ms for p in profile.values()) * factor):
        raise Wrong("ex.01.predict.p95", got=got)
    if factor and _near(got, sum(medians) / factor):
        raise Wrong("ex.01.predict.divided", got=got, speed=factor)
    direction = "low" if got < want else "high"
    raise Wrong("ex.01.predict.off", got=got, direction=direction)


# --- 01.total -------------------------------------------------------------------------------

#: Spans of a made-up order the checker feeds to the learner's function (ms after t=1000 s).
_TOTAL_STEPS_MS = {"validate": 3, "inventory": 12, "payment": 71, "shipping": 24, "email": 36, "points": 8}


def example_spans() -> list[Span]:
    """A made-up order's spans, back to back (what ``result.spans`` looks like)."""
    spans, t = [], 1000.0
    for step in STEPS:
        length = _TOTAL_STEPS_MS[step] / 1000
        spans.append(Span("ord-example", step, step, t, t + length))
        t += length
    return spans


def _total_answer() -> Callable[[list[Span]], float]:
    def response_ms(spans: list[Span]) -> float:
        return sum(s.duration_ms for s in spans)

    return response_ms


@exercise("01.total", solution_answer=_total_answer)
def _check_total(answer: Any) -> str:
    if not callable(answer):
        raise Wrong("ex.01.total.not_function", kind=type(answer).__name__)
    spans = example_spans()
    got = answer(list(spans))
    if got is Ellipsis or got is None:
        raise Wrong("ex.01.total.placeholder")
    got = number(got, "ex.01.total.not_number")
    want = sum(_TOTAL_STEPS_MS.values())
    durations = list(_TOTAL_STEPS_MS.values())
    if abs(got - want) <= 0.5:
        return say("ex.01.total.ok", want=want)
    if abs(got - want / 1000) <= 0.001:
        raise Wrong("ex.01.total.seconds", got=got)
    if abs(got - max(durations)) <= 0.5:
        raise Wrong("ex.01.total.slowest", got=got)
    if abs(got - want / len(durations)) <= 0.5:
        raise Wrong("ex.01.total.average", got=got)
    if abs(got - (want - durations[0])) <= 0.5 or abs(got - (want - durations[-1])) <= 0.5:
        raise Wrong("ex.01.total.missed_step", got=got)
    raise Wrong("ex.01.total.off", got=got)


# --- 01.speedup -----------------------------------------------------------------------------


def _speedup_answer() -> tuple[str, float]:
    profile = load_profile()
    step = max(profile.values(), key=lambda p: p.median_ms)
    return step.step, step.median_ms / 2 * speed()


@exercise("01.speedup", solution_answer=_speedup_answer)
def _check_speedup(answer: Any) -> str:
    if not isinstance(answer, (tuple, list)) or len(answer) != 2:
        raise Wrong("ex.01.speedup.shape", got=answer)
    step, saving = answer
    profile = load_profile()
    name = str(step).strip().lower().replace("charge_", "").replace(" service", "")
    if name not in profile:
        raise Wrong("ex.01.speedup.unknown", got=step, valid=", ".join(STEPS))
    best = max(profile.values(), key=lambda p: p.median_ms)
    if name != best.step:
        raise Wrong("ex.01.speedup.not_biggest", got=name, got_ms=profile[name].median_ms,
                    best=best.step, best_ms=best.median_ms)
    ms = number(saving, "ex.01.speedup.not_number")
    factor = speed()
    want = best.median_ms / 2 * factor
    if abs(ms - want) <= 0.1 * want + 0.5:
        return say("ex.01.speedup.ok", step=best.step, want=want)
    if abs(ms - best.median_ms * factor) <= 0.1 * best.median_ms * factor + 0.5:
        raise Wrong("ex.01.speedup.whole", got=ms)
    if factor != 1 and abs(ms - best.median_ms / 2) <= 0.1 * best.median_ms / 2:
        raise Wrong("ex.01.speedup.unscaled", got=ms, speed=factor)
    raise Wrong("ex.01.speedup.off", got=ms)


# --- 02_sync_bottlenecks -----------------------------------------------------------------------

#: 02.availability: the failure rates per step that the exercise gives.
AVAILABILITY_RATES: dict[str, float] = {"inventory": 0.01, "payment": 0.03, "shipping": 0.02, "email": 0.05, "points": 0.01}
#: 02.littles_law: a synchronous order API with this much concurrency, each order taking this long.
LITTLE_CONCURRENCY = 50
LITTLE_RESPONSE_S = 2.5
#: 02.deploy: orders arriving per second, and how long the loyalty service restarts.
DEPLOY_RATE_PER_S = 40
DEPLOY_WINDOW_S = 3.0


# --- 02.availability ---------------------------------------------------------------------------


def chain_availability(rates: dict[str, float] = AVAILABILITY_RATES) -> float:
    """Chance an order passes every step: Π (1 − failure rate)."""
    return math.prod(1 - r for r in rates.values())


@exercise("02.availability", solution_answer=chain_availability)
def _check_availability(answer: Any) -> str:
    got = number(answer, "ex.02.availability.not_number")
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
    got = number(answer, "ex.02.littles_law.not_number")
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
    got = number(answer, "ex.02.deploy.not_number")
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
