"""Exercises of 06_sync_and_async_together: which steps the caller waits for, find the bug, HTTP status codes.

The facts each statement gives (the new steps, the consumers, the situations) are constants
here, so the notebook text and the checker cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..core.exercises import Wrong, exercise
from ..core.messages import say
from .checklist import ITEMS

# --- 06.wait_for ----------------------------------------------------------------------------------

#: The new flow: steps the shop adds, and whether the caller must wait for each (True) or not.
NEW_STEPS: dict[str, bool] = {
    "coupon": True,  # the price the customer pays depends on it; a bad code must be told at the checkout
    "fraud_check": True,  # must decide before the card is charged; a refused order must be told now
    "invoice_pdf": False,  # 2 s of rendering nobody waits for; e-mailed later
    "warehouse_pick": False,  # the warehouse works from a queue anyway
    "recommendations": False,  # analytics: seconds or minutes later is fine
}
WAITS_FOR = frozenset(step for step, waits in NEW_STEPS.items() if waits)


def _has_every_key(answer: Any, keys: Iterable[str], exercise_name: str) -> None:
    """A dict with every one of ``keys``; else :class:`Wrong` (``<exercise_name>.not_dict`` / ``.missing``)."""
    if not isinstance(answer, dict):
        raise Wrong(f"{exercise_name}.not_dict", kind=type(answer).__name__)
    missing = [k for k in keys if k not in answer]
    if missing:
        raise Wrong(f"{exercise_name}.missing", missing=", ".join(missing))


def _wait_for_answer() -> set[str]:
    my_waits_for = {
        "coupon",  # the total the customer pays depends on it, and a bad code must be told now
        "fraud_check",  # it decides whether the card may be charged at all
    }
    return my_waits_for


@exercise("06.wait_for", solution_answer=_wait_for_answer)
def _check_wait_for(answer: Any) -> str:
    if isinstance(answer, str) or not isinstance(answer, (set, frozenset, list, tuple)):
        raise Wrong("ex.06.wait_for.not_steps", kind=type(answer).__name__)
    chosen = {str(step).strip().lower() for step in answer}
    unknown = sorted(chosen - set(NEW_STEPS))
    if unknown:
        raise Wrong("ex.06.wait_for.unknown", unknown=", ".join(unknown), valid=", ".join(NEW_STEPS))
    if chosen == set(NEW_STEPS):
        raise Wrong("ex.06.wait_for.all_sync")
    if not chosen:
        raise Wrong("ex.06.wait_for.all_async")
    wrong = [step for step in NEW_STEPS if (step in chosen) != (step in WAITS_FOR)]
    if wrong:
        first = wrong[0]
        key = "ex.06.wait_for.must_wait" if first in WAITS_FOR else "ex.06.wait_for.need_not_wait"
        raise Wrong(key, n=len(wrong), step=first, why=say(f"ex.06.wait_for.why.{first}"))
    return say("ex.06.wait_for.ok", steps=say("ex.06.wait_for.and").join(s for s in NEW_STEPS if s in WAITS_FOR))


# --- 06.find_bug ------------------------------------------------------------------------------------

#: The consumers shown in the notebook, and the checklist item each one breaks.
BUGGY: dict[str, str] = {
    "A": "retries_dlq",  # swallows the error: the message is deleted as if processed
    "B": "visibility",  # a 120 s function timeout on a queue with a 30 s visibility timeout
    "C": "ordering",  # a late event overwrites a newer status
    "D": "duplicates",  # charges on every delivery
}
#: Close-but-not-quite answers: (consumer, item) → the sentence key that says why.
NEAR_MISSES: dict[tuple[str, str], str] = {
    ("B", "duplicates"): "ex.06.find_bug.b_symptom",
    ("A", "monitoring"): "ex.06.find_bug.a_monitoring",
    ("C", "duplicates"): "ex.06.find_bug.c_not_duplicates",
    ("D", "retries_dlq"): "ex.06.find_bug.d_not_retries",
}


def _find_bug_answer() -> dict[str, str]:
    my_bugs = {
        "A": "retries_dlq",  # the error is swallowed: the message is deleted, never retried, never dead-lettered
        "B": "visibility",  # a 120 s function on a 30 s visibility timeout: Lambda refuses this trigger
        "C": "ordering",  # a late OrderShipped overwrites CANCELLED
        "D": "duplicates",  # every delivery charges the card again
    }
    return my_bugs


@exercise("06.find_bug", solution_answer=_find_bug_answer)
def _check_find_bug(answer: Any) -> str:
    if not isinstance(answer, dict):
        raise Wrong("ex.06.find_bug.not_dict", kind=type(answer).__name__)
    normalised = {str(k).strip().upper(): str(v).strip().lower() for k, v in answer.items()}
    missing = [k for k in BUGGY if k not in normalised]
    if missing:
        raise Wrong("ex.06.find_bug.missing", missing=", ".join(missing))
    unknown = sorted({v for k, v in normalised.items() if k in BUGGY and v not in ITEMS})
    if unknown:
        raise Wrong("ex.06.find_bug.unknown_item", got=", ".join(unknown), valid=", ".join(ITEMS))
    for consumer, item in BUGGY.items():
        got = normalised[consumer]
        if got == item:
            continue
        near = NEAR_MISSES.get((consumer, got))
        if near:
            raise Wrong(near)
        raise Wrong("ex.06.find_bug.wrong", consumer=consumer, got=got, hint=say(f"ex.06.find_bug.look.{consumer}"))
    return say("ex.06.find_bug.ok")


# --- 06.status_codes ------------------------------------------------------------------------------

#: Situations of the order API, and the status code it answers.
STATUS_CODES: dict[str, int] = {
    "accepted": 202,  # POST /async/orders: stored and queued, not done yet
    "completed": 201,  # POST /sync/orders: the order exists and is done
    "bad_json": 400,  # the body is not JSON: the client must fix its request
    "unknown_order": 404,  # GET /orders/<id> for an id that does not exist
    "wrong_method": 405,  # DELETE /async/orders: the path exists, the method does not
}


def _status_codes_answer() -> dict[str, int]:
    my_codes = {
        "accepted": 202,  # stored and queued, not done yet
        "completed": 201,  # created, and every step ran before the answer
        "bad_json": 400,  # the client must fix its request
        "unknown_order": 404,  # no order has that id
        "wrong_method": 405,  # the path exists, but only for POST
    }
    return my_codes


@exercise("06.status_codes", solution_answer=_status_codes_answer)
def _check_status_codes(answer: Any) -> str:
    _has_every_key(answer, STATUS_CODES, "ex.06.status_codes")
    for key, want in STATUS_CODES.items():
        got = answer[key]
        if isinstance(got, bool) or not isinstance(got, int):
            raise Wrong("ex.06.status_codes.not_int", situation=key, got=got)
        if got != want:
            if key == "accepted" and got in (200, 201):
                raise Wrong("ex.06.status_codes.accepted_not_done", got=got)
            raise Wrong("ex.06.status_codes.wrong", situation=key, got=got, hint=say(f"ex.06.status_codes.look.{key}"))
    return say("ex.06.status_codes.ok")
