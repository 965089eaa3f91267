"""Exercises of 06_sync_and_async_together: classify new steps, find the bug in consumers, HTTP status codes.

The facts each statement gives (the new steps, the consumers, the situations) are constants
here, so the notebook text and the checker cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..core.exercises import Wrong, exercise
from ..core.messages import say
from .checklist import ITEMS

# --- 06.classify ----------------------------------------------------------------------------------

#: The new requirement: steps the shop adds, and whether the caller waits for each.
NEW_STEPS: dict[str, str] = {
    "coupon": "sync",  # the price the customer pays depends on it; a bad code must be told at the checkout
    "fraud_check": "sync",  # must decide before the card is charged; a refused order must be told now
    "invoice_pdf": "async",  # 2 s of rendering nobody waits for; e-mailed later
    "warehouse_pick": "async",  # the warehouse works from a queue anyway
    "recommendations": "async",  # analytics: seconds or minutes later is fine
}
MODES = ("sync", "async")



def _has_every_key(answer: Any, keys: Iterable[str], exercise_name: str) -> None:
    """A dict with every one of ``keys``; else :class:`Wrong` (``<exercise_name>.not_dict`` / ``.missing``)."""
    if not isinstance(answer, dict):
        raise Wrong(f"{exercise_name}.not_dict", kind=type(answer).__name__)
    missing = [k for k in keys if k not in answer]
    if missing:
        raise Wrong(f"{exercise_name}.missing", missing=", ".join(missing))

def _classify_answer() -> dict[str, str]:
    return dict(NEW_STEPS)


@exercise("06.classify", solution_answer=_classify_answer)
def _check_classify(answer: Any) -> str:
    _has_every_key(answer, NEW_STEPS, "ex.06.classify")
    chosen = {k: str(v).strip().lower() for k, v in answer.items() if k in NEW_STEPS}
    bad = [f"{k}={answer[k]!r}" for k, v in chosen.items() if v not in MODES]
    if bad:
        raise Wrong("ex.06.classify.bad_value", bad=", ".join(bad))
    wrong = [k for k in NEW_STEPS if chosen[k] != NEW_STEPS[k]]
    if set(chosen.values()) == {"sync"}:
        raise Wrong("ex.06.classify.all_sync")
    if set(chosen.values()) == {"async"}:
        raise Wrong("ex.06.classify.all_async")
    if wrong:
        first = wrong[0]
        raise Wrong("ex.06.classify.wrong", n=len(wrong), step=first, mode=chosen[first],
                    why=say(f"ex.06.classify.why.{first}"))
    return say("ex.06.classify.ok", sync=", ".join(k for k, v in NEW_STEPS.items() if v == "sync"))


# --- 06.find_bug ------------------------------------------------------------------------------------

#: The consumers shown in the notebook, and the checklist item each one breaks.
BUGGY: dict[str, str] = {
    "A": "retries_dlq",  # swallows the error: the message is deleted as if processed
    "B": "visibility",  # 90 s of work under a 30 s visibility timeout
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
    return dict(BUGGY)


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
    return dict(STATUS_CODES)


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
