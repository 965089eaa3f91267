"""Exercises of 01_sync_order (02_sync_bottlenecks's are in :mod:`helpers.sync.exercises_02`).

01: predict a response time, compute it from spans, find what to speed up.

The checkers need no AWS: they compare with the profile in ``data/service_profile.json`` and
the current speed factor, or run the learner's function on spans made here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..core.exercises import Wrong, exercise, number
from ..core.messages import say
from ..shop import STEPS, Span, load_profile, speed
from . import exercises_02  # noqa: F401  (02's exercises: importing the module registers them)

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
