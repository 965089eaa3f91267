"""Exercises of 03_queues: a visibility timeout, a record function with partial failures, batch arithmetic.

The numbers each statement gives are constants here, so the notebook text and the checker
cannot drift apart.
"""

from __future__ import annotations

import json
import math
from typing import Any

from ..core.exercises import Wrong, exercise, number
from ..core.limits import LAMBDA_VISIBILITY_FACTOR, SQS_MAX_VISIBILITY_S
from ..core.messages import say
from ..core.workers import batch_handler, fake_sqs_event

#: 03.visibility: the worker Lambda's timeout, in seconds.
FUNCTION_TIMEOUT_S = 30
#: AWS: set the queue's visibility timeout to at least six times the function timeout.
#: 03.batch_calls: orders to send, receive and delete.
BATCH_ORDERS = 250


# --- 03.visibility -------------------------------------------------------------------------------


def _visibility_answer() -> int:
    return LAMBDA_VISIBILITY_FACTOR * FUNCTION_TIMEOUT_S


@exercise("03.visibility", solution_answer=_visibility_answer)
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


def _record_fn_answer() -> Any:
    def record_fn(record: Any) -> None:
        order = json.loads(record.body)  # not JSON → raises → this record fails
        if order["quantity"] < 1:
            raise ValueError(f"order {order['order_id']}: quantity must be at least 1")

    return record_fn


@exercise("03.record_fn", solution_answer=_record_fn_answer)
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


# --- 03.batch_calls ------------------------------------------------------------------------------


def batch_calls(orders: int = BATCH_ORDERS, batch: int = 10) -> int:
    """Calls to send, receive and delete ``orders`` messages in full batches (no empty receives)."""
    return 3 * math.ceil(orders / batch)


@exercise("03.batch_calls", solution_answer=batch_calls)
def _check_batch_calls(answer: Any) -> str:
    calls = number(answer, "ex.03.batch_calls.not_number")
    want = batch_calls()
    if calls == want:
        return say("ex.03.batch_calls.ok", want=want, orders=BATCH_ORDERS, single=3 * BATCH_ORDERS)
    if calls == 3 * BATCH_ORDERS:
        raise Wrong("ex.03.batch_calls.unbatched", got=int(calls))
    if calls == math.ceil(BATCH_ORDERS / 10):
        raise Wrong("ex.03.batch_calls.one_kind", got=int(calls))
    raise Wrong("ex.03.batch_calls.off", got=answer, orders=BATCH_ORDERS)
