"""Exercises of 03_queues: a visibility timeout, a queue-depth chart, a record function with partial failures.

The numbers each statement gives are constants here (or in :mod:`helpers.queues.plots` for the
chart), so the notebook text and the checker cannot drift apart.
"""

from __future__ import annotations

import json
from typing import Any

from ..core.exercises import Wrong, exercise, number
from ..core.limits import LAMBDA_VISIBILITY_FACTOR, SQS_MAX_VISIBILITY_S
from ..core.messages import say
from ..core.workers import batch_handler, fake_sqs_event

#: 03.visibility: the worker Lambda's timeout, in seconds.
FUNCTION_TIMEOUT_S = 30


# --- 03.visibility -------------------------------------------------------------------------------


def visibility_timeout_for(function_timeout_s: int = FUNCTION_TIMEOUT_S) -> int:
    """AWS's recommendation for a queue that triggers a Lambda function: six times its timeout."""
    return LAMBDA_VISIBILITY_FACTOR * function_timeout_s  # 6 × 30 s = 180 s


@exercise("03.visibility", solution_answer=visibility_timeout_for)
def _check_visibility(answer: Any) -> str:
    seconds = number(answer, "ex.03.visibility.not_number")
    if seconds != int(seconds):
        raise Wrong("ex.03.visibility.not_whole", got=answer)
    if seconds <= FUNCTION_TIMEOUT_S:
        raise Wrong("ex.03.visibility.too_short", got=int(seconds), timeout=FUNCTION_TIMEOUT_S)
    if seconds < LAMBDA_VISIBILITY_FACTOR * FUNCTION_TIMEOUT_S:
        raise Wrong("ex.03.visibility.not_6x", got=int(seconds), want=LAMBDA_VISIBILITY_FACTOR * FUNCTION_TIMEOUT_S)
    if seconds > SQS_MAX_VISIBILITY_S:
        raise Wrong("ex.03.visibility.too_long", got=int(seconds))
    return say("ex.03.visibility.ok", got=int(seconds), timeout=FUNCTION_TIMEOUT_S)


# --- 03.backlog ----------------------------------------------------------------------------------

#: The choices of 03.backlog; the sentence for each is ``ex.03.backlog.<letter>``.
BACKLOG_CHOICES = ("a", "b", "c", "d")


def what_to_change() -> str:
    """The queue grows while the workers in flight stay at their limit and the API is fast: add workers."""
    return "b"  # raise the trigger's maximum concurrency, so more workers drain the queue


@exercise("03.backlog", solution_answer=what_to_change)
def _check_backlog(answer: Any) -> str:
    choice = answer.strip().lower() if isinstance(answer, str) else answer
    if choice not in BACKLOG_CHOICES:
        raise Wrong("ex.03.backlog.not_a_choice", got=answer)
    if choice != what_to_change():
        raise Wrong(f"ex.03.backlog.{choice}")
    return say("ex.03.backlog.ok")


# --- 03.record_fn --------------------------------------------------------------------------------

#: The test batch the checker runs the learner's record function on (message ids m0…m4).
RECORD_FN_BODIES: list[str] = [
    json.dumps({"order_id": "ord-1", "quantity": 2}),
    json.dumps({"order_id": "ord-2", "quantity": 0}),
    "this is not JSON",
    json.dumps({"order_id": "ord-4", "quantity": 1}),
    json.dumps({"order_id": "ord-5", "quantity": -3}),
]
#: Which of them must be reported as failed, and why (for the sentences).
RECORD_FN_BAD = {"m1": "quantity 0", "m2": "not JSON", "m4": "quantity -3"}


def record_fn_answer() -> Any:
    """One answer: ``my_record_fn`` as the notebook's cell has it."""

    def my_record_fn(record):
        order = json.loads(record.body)  # not JSON: raises, so this record fails
        if order["quantity"] < 1:
            raise ValueError(f"order {order['order_id']}: the quantity must be at least 1")

    return my_record_fn


@exercise("03.record_fn", solution_answer=record_fn_answer)
def _check_record_fn(answer: Any) -> str:
    if not callable(answer):
        raise Wrong("ex.03.record_fn.not_function", kind=type(answer).__name__)
    response = batch_handler(answer)(fake_sqs_event(RECORD_FN_BODIES), None)
    failed = {item["itemIdentifier"] for item in response.get("batchItemFailures", [])}
    missed = sorted(set(RECORD_FN_BAD) - failed)
    wrongly = sorted(failed - set(RECORD_FN_BAD))
    if missed and not failed:
        raise Wrong("ex.03.record_fn.swallowed", missed=", ".join(RECORD_FN_BAD[m] for m in missed))
    if missed:
        raise Wrong("ex.03.record_fn.missed", missed=", ".join(RECORD_FN_BAD[m] for m in missed))
    if wrongly:
        raise Wrong("ex.03.record_fn.too_many", n=len(wrongly))
    return say("ex.03.record_fn.ok", n=len(failed), total=len(RECORD_FN_BODIES))
