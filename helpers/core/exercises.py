"""Exercises (check / hint / solution) and measured claims, shared by every notebook.

An exercise is a checker registered under a name such as ``"03.visibility"``, with the
runnable answer that the tests check it against and that :func:`solution` prints::

    @exercise("03.visibility", solution_answer=visibility_answer)
    def _(answer: Any) -> str:
        seconds = number(answer, "ex.03.visibility.not_number")
        if seconds < 6 * FUNCTION_TIMEOUT_S:
            raise Wrong("ex.03.visibility.not_6x", got=seconds)
        return say("ex.03.visibility.ok", got=seconds)

Sentences live in the chapter's ``messages.py`` under ``ex.<name>.hint``, ``ex.<name>.solution``
(a short explanation; the code shown is the source of ``solution_answer``) and whatever keys the
checker raises. In a notebook::

    check("03.visibility", my_answer)   # ✅ / ❌ with a helpful sentence, never a traceback
    hint("03.visibility")
    solution("03.visibility")

:func:`claim` is for the notebooks' "claims are measured" cells: it prints ✅ when the
measured statement holds and raises :class:`ClaimFailed` (one sentence, fails nbval) when not.
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import i18n
from .display import show_in_notebook, show_source
from .messages import WorkshopError, catalog, say


class Wrong(Exception):
    """Raised by a checker: the answer is wrong, and ``key`` says why (a sentence in messages)."""

    def __init__(self, key: str, **kwargs: object) -> None:
        self.key = key
        self.kwargs = kwargs
        super().__init__(say(key, **kwargs))



def number(answer: Any, key: str) -> float:
    """``answer`` as a float if it is a finite int or float (not a bool); else :class:`Wrong` with ``key`` (``got=``)."""
    if isinstance(answer, bool) or not isinstance(answer, (int, float)) or not math.isfinite(answer):
        raise Wrong(key, got=answer)
    return float(answer)

class ClaimFailed(WorkshopError):
    """A notebook's measured claim stopped being true."""


@dataclass(frozen=True)
class Exercise:
    """A registered exercise: its checker and, for the tests, how to produce a right answer."""

    name: str
    checker: Callable[[Any], str]
    solution_answer: Callable[[], Any] | None


_REGISTRY: dict[str, Exercise] = {}


def exercise(name: str, *, solution_answer: Callable[[], Any]) -> Callable:
    """Register the decorated function as the checker of exercise ``name``.

    The checker takes the learner's answer and returns a sentence describing why it is right,
    or raises :class:`Wrong`. ``solution_answer`` builds a correct answer: the tests check the
    checker against it, and :func:`solution` prints its source, so the solution a learner reads
    is the one that runs. Write it as the answer a learner would write.
    """

    def register(fn: Callable[[Any], str]) -> Callable[[Any], str]:
        _REGISTRY[name] = Exercise(name, fn, solution_answer)
        return fn

    return register


#: Which chapter package holds the exercises of each notebook number ("03.visibility" -> helpers.queues).
CHAPTERS: dict[str, str] = {
    "00": "setup",
    "01": "sync",
    "02": "sync",
    "03": "queues",
    "04": "fanout",
    "05": "failure",
    "06": "together",
    "07": "real_aws",
}


def _get(name: str) -> Exercise:
    if name not in _REGISTRY:  # "03.visibility" lives in helpers/queues/exercises.py: load just that one first
        chapter = CHAPTERS.get(name.split(".", 1)[0])
        if chapter:
            importlib.import_module(f"helpers.{chapter}.exercises")
    if name not in _REGISTRY:
        _load_all()
    if name not in _REGISTRY:
        raise WorkshopError("unknown_exercise", name=name, valid=", ".join(sorted(_REGISTRY)))
    return _REGISTRY[name]


def _load_all() -> None:
    """Import the modules that register exercises (so ``check`` works from any notebook)."""
    for chapter in sorted(set(CHAPTERS.values())):
        importlib.import_module(f"helpers.{chapter}.exercises")


def evaluate(name: str, answer: Any) -> tuple[bool, str]:
    """Run the checker of ``name`` on ``answer``: ``(correct, sentence)``. Never raises for a bad answer."""
    ex = _get(name)
    if answer is Ellipsis or answer is None:
        return False, say("no_answer")
    try:
        detail = ex.checker(answer)
    except Wrong as wrong:
        return False, say("check_wrong", detail=str(wrong))
    except Exception as exc:  # the learner's code failed: say so, in one sentence
        return False, say("check_error", error_type=type(exc).__name__, error=exc)
    return True, say("check_ok", detail=detail)


def check(name: str, answer: Any) -> None:
    """Check the learner's answer to exercise ``name``; print ✅ or ❌ with a helpful sentence.

    Returns nothing (so the cell shows only the sentence); tests use :func:`evaluate`.
    """
    print(evaluate(name, answer)[1])


def hint(name: str) -> None:
    """Print the hint of exercise ``name``."""
    _get(name)
    print(say("hint", text=say(f"ex.{name}.hint")))


def solution(name: str) -> None:
    """Show one correct answer to exercise ``name``: its explanation, then the runnable code.

    The code is the real source of the exercise's ``solution_answer`` (the one the tests check),
    never a copy that could drift from it.
    """
    ex = _get(name)
    print(say("solution", text=say(f"ex.{name}.solution")))
    source = show_source(ex.solution_answer)
    if not show_in_notebook(source):
        print(source)


def solution_answer(name: str) -> Any:
    """A correct answer to ``name`` as a value (what the tests check the checker against)."""
    ex = _get(name)
    if ex.solution_answer is None:
        raise ValueError(f"exercise {name} has no solution_answer")
    return ex.solution_answer()


def registered() -> list[str]:
    """Names of all exercises (all modules loaded)."""
    _load_all()
    return sorted(_REGISTRY)


def claim(holds: bool, text: str) -> None:
    """Print ✅ ``text`` if the measured claim holds; otherwise raise :class:`ClaimFailed`.

    ``text`` should contain the measured numbers, e.g. "async acceptance is 9.8× faster (p50 12 ms vs 118 ms)".
    In another language the text is translated from the notebook's catalog, numbers kept
    (:func:`helpers.core.i18n.claim_text`).
    """
    text = i18n.claim_text(text)
    if holds:
        print(say("claim_ok", claim=text))
        return
    raise ClaimFailed("claim_failed", claim=text)


def try_it(fn: Callable[[], Any]) -> str | None:
    """Run ``fn`` and, if it fails with a :class:`WorkshopError`, print its sentence and return it.

    For notebook cells that *show* what bad input looks like without failing the cell.
    """
    try:
        fn()
    except WorkshopError as err:
        print(f"⚠ {err}")
        return str(err)
    return None


def missing_texts() -> list[str]:
    """Message keys the registered exercises need but :mod:`helpers.core.messages` lacks (tests use this)."""
    table = catalog()["en"]
    return [
        key
        for name in registered()
        for key in (f"ex.{name}.hint", f"ex.{name}.solution")
        if key not in table
    ]
