"""Exercises of 02_sync_bottlenecks: two design decisions, no arithmetic.

- ``02.respond``: for each situation, which of the webinar's three ways to respond fits first
  (revisit the requirements, improve inside the synchronous architecture, introduce asynchronous
  processing).
- ``02.attribute``: which quality attribute each incident hurts (performance and scalability,
  operability and maintainability, availability).

The notebook states the situations in markdown under the letters used here. Each situation
keeps its right answer and the sentence that explains it, so a wrong choice gets the reason.
Answers are short words; common spellings of the same choice are accepted (:func:`_choice`).
"""

from __future__ import annotations

from typing import Any

from ..core.exercises import Wrong, exercise
from ..core.messages import say

#: The three ways to respond, in the webinar's order, and the spellings accepted for each.
RESPONSES: dict[str, tuple[str, ...]] = {
    "requirements": ("requirements", "requirement", "revisit", "revisit the requirements", "relax"),
    "improve_sync": ("improve_sync", "improve sync", "improve", "sync", "synchronous", "improve inside",
                     "application", "infrastructure"),
    "async": ("async", "asynchronous", "architecture", "improve the architecture", "queue"),
}
#: 02.respond: situation letter → the response that fits first.
RESPOND: dict[str, str] = {"A": "requirements", "B": "improve_sync", "C": "async", "D": "improve_sync", "E": "async"}

#: The three quality attributes of the webinar, and the spellings accepted for each.
ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "performance": ("performance", "scalability", "performance and scalability", "performance & scalability"),
    "operability": ("operability", "maintainability", "operability and maintainability",
                    "operability & maintainability"),
    "availability": ("availability",),
}
#: 02.attribute: incident letter → the attribute it hurts.
ATTRIBUTE: dict[str, str] = {"A": "performance", "B": "operability", "C": "availability", "D": "performance"}


def _choice(value: Any, choices: dict[str, tuple[str, ...]]) -> str | None:
    """The choice ``value`` names (case, spaces, dashes and underscores ignored), or None."""
    if not isinstance(value, str):
        return None
    text = " ".join(value.strip().lower().replace("-", " ").replace("_", " ").split())
    for name, spellings in choices.items():
        if text in {" ".join(s.replace("_", " ").split()) for s in spellings}:
            return name
    return None


def _check_letters(answer: Any, want: dict[str, str], choices: dict[str, tuple[str, ...]], name: str) -> str:
    """Compare a ``{letter: choice}`` answer with ``want``; raise :class:`Wrong` at the first problem."""
    if not isinstance(answer, dict):
        raise Wrong(f"ex.{name}.shape", kind=type(answer).__name__)
    given = {str(k).strip().upper(): v for k, v in answer.items()}
    missing = [letter for letter in want if given.get(letter) is None or given.get(letter) is Ellipsis]
    if missing:
        raise Wrong(f"ex.{name}.missing", letters=", ".join(missing))
    for letter in want:
        if _choice(given[letter], choices) is None:
            raise Wrong(f"ex.{name}.unknown", letter=letter, got=given[letter], valid=", ".join(choices))
    wrong = [letter for letter in want if _choice(given[letter], choices) != want[letter]]
    if wrong:
        first = wrong[0]
        raise Wrong(f"ex.{name}.{first.lower()}", count=len(wrong), total=len(want))
    return say(f"ex.{name}.ok")


# --- 02.respond ---------------------------------------------------------------------------------


def respond_answer() -> dict[str, str]:
    """Which way to respond fits first, situation by situation."""
    return {
        "A": "requirements",  # nobody needs the report sooner: accept 4 s instead of 1 s
        "B": "improve_sync",  # the customer needs the stock answer now: make the check fast (an index or a cache)
        "C": "async",  # the customer does not wait for the e-mail: send it after the answer
        "D": "improve_sync",  # payment must be confirmed before the answer: add capacity to the payment service
        "E": "async",  # points can come an hour later: a deploy of the points service need not fail orders
    }


@exercise("02.respond", solution_answer=respond_answer)
def _check_respond(answer: Any) -> str:
    return _check_letters(answer, RESPOND, RESPONSES, "02.respond")


# --- 02.attribute -------------------------------------------------------------------------------


def attribute_answer() -> dict[str, str]:
    """Which quality attribute each incident hurts."""
    return {
        "A": "performance",  # every order waits longer, and fewer orders per second get through
        "B": "operability",  # one team's change needs the other teams' agreement
        "C": "availability",  # one service down, and no order completes
        "D": "performance",  # more servers do not raise the throughput: one service limits the whole
    }


@exercise("02.attribute", solution_answer=attribute_answer)
def _check_attribute(answer: Any) -> str:
    return _check_letters(answer, ATTRIBUTE, ATTRIBUTES, "02.attribute")
