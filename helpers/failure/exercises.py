"""Exercises of 05_failure_isolation: an idempotent charge, a maxReceiveCount, a backoff delay.

The numbers each statement gives are constants here, so the notebook text and the checker
cannot drift apart.

``05.charge_once`` works on two small tables of its own: a *ledger* (what the payment gateway
charged: :func:`charge` adds a row every time it is called — that is the problem) and a *guard*
table with partition key ``id`` (:func:`guard_table`) where the learner's conditional write goes.
The checker empties both, then delivers orders the way SQS might: some twice, one three times.
"""

from __future__ import annotations

import math
import uuid
from collections import Counter
from typing import Any

from ..core.backend import client
from ..core.exercises import Wrong, exercise, number
from ..core.messages import say
from ..core.resources import ensure_table

# --- 05.charge_once --------------------------------------------------------------------------------

LEDGER = "ex05-ledger"
GUARD = "ex05-guard"
#: What the checker delivers: (order id, amount in yen), in this order — duplicates included.
DELIVERIES: list[tuple[str, int]] = [
    ("ex-ord-1", 2400), ("ex-ord-2", 1600), ("ex-ord-1", 2400), ("ex-ord-3", 4800),
    ("ex-ord-1", 2400), ("ex-ord-2", 1600),
]


def ledger_table() -> str:
    """The payment gateway's ledger (one row per charge), created if needed."""
    return ensure_table(LEDGER, key="order_id", sort_key="charge_id")


def guard_table() -> str:
    """The table for your idempotency records: partition key ``id`` (a string), created if needed."""
    return ensure_table(GUARD, key="id")


def charge(order_id: str, amount: int) -> None:
    """The payment gateway: charges ``amount`` yen for ``order_id`` — every time it is called."""
    client("dynamodb").put_item(TableName=ledger_table(), Item={
        "order_id": {"S": str(order_id)}, "charge_id": {"S": uuid.uuid4().hex}, "amount_jpy": {"N": str(int(amount))}})


def charges() -> Counter[str]:
    """Rows in the ledger per order id."""
    counts: Counter[str] = Counter()
    kwargs: dict[str, Any] = {"TableName": ledger_table(), "ProjectionExpression": "order_id", "ConsistentRead": True}
    while True:
        page = client("dynamodb").scan(**kwargs)
        for item in page.get("Items", []):
            counts[item["order_id"]["S"]] += 1
        if "LastEvaluatedKey" not in page:
            return counts
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def _empty(table: str, keys: tuple[str, ...]) -> None:
    ddb = client("dynamodb")
    projection = ", ".join(f"#k{i}" for i in range(len(keys)))
    names = {f"#k{i}": k for i, k in enumerate(keys)}
    kwargs: dict[str, Any] = {"TableName": table, "ProjectionExpression": projection, "ExpressionAttributeNames": names}
    items: list[dict[str, Any]] = []
    while True:
        page = ddb.scan(**kwargs)
        items += page.get("Items", [])
        if "LastEvaluatedKey" not in page:
            break
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    for i in range(0, len(items), 25):
        ddb.batch_write_item(RequestItems={table: [{"DeleteRequest": {"Key": it}} for it in items[i: i + 25]]})


def reset_tables() -> None:
    """Empty the ledger and the guard table (the checker does this before every check)."""
    _empty(ledger_table(), ("order_id", "charge_id"))
    _empty(guard_table(), ("id",))


def _charge_once_answer() -> Any:
    table = guard_table()

    def my_charge_once(order_id: str, amount: int) -> None:
        ddb = client("dynamodb")
        try:
            ddb.put_item(TableName=table, Item={"id": {"S": order_id}}, ConditionExpression="attribute_not_exists(id)")
        except ddb.exceptions.ConditionalCheckFailedException:
            return  # charged before: a duplicate delivery, nothing to do
        charge(order_id, amount)

    return my_charge_once


@exercise("05.charge_once", solution_answer=_charge_once_answer)
def _check_charge_once(answer: Any) -> str:
    if not callable(answer):
        raise Wrong("ex.05.charge_once.not_function", kind=type(answer).__name__)
    reset_tables()
    seen: Counter[str] = Counter()
    for order_id, amount in DELIVERIES:
        seen[order_id] += 1
        try:
            answer(order_id, amount)
        except Exception as exc:
            if seen[order_id] > 1:
                raise Wrong("ex.05.charge_once.raised_on_duplicate", order_id=order_id,
                            error=f"{type(exc).__name__}: {exc}") from None
            raise
    counted = charges()
    expected = {o for o, _ in DELIVERIES}
    twice = sorted(o for o in expected if counted.get(o, 0) > 1)
    never = sorted(o for o in expected if counted.get(o, 0) == 0)
    if twice:
        raise Wrong("ex.05.charge_once.double", order_id=twice[0], n=counted[twice[0]], times=seen[twice[0]])
    if never and len(never) < len(expected):
        raise Wrong("ex.05.charge_once.some_never", orders=", ".join(never))
    if never:
        raise Wrong("ex.05.charge_once.never")
    return say("ex.05.charge_once.ok", deliveries=len(DELIVERIES), orders=len(expected))


# --- 05.max_receive --------------------------------------------------------------------------------

#: The e-mail queue's visibility timeout, seconds.
EMAIL_VISIBILITY_S = 30
#: The longest e-mail provider outage to survive, seconds.
OUTAGE_S = 300
#: A poison message should reach the DLQ within this many seconds.
POISON_LIMIT_S = 600


def max_receive_answer() -> int:
    """Receives at 0, 30, … 270 s fail (10 of them); the one at 300 s must still be delivered: 11."""
    return OUTAGE_S // EMAIL_VISIBILITY_S + 1


@exercise("05.max_receive", solution_answer=max_receive_answer)
def _check_max_receive(answer: Any) -> str:
    got = number(answer, "ex.05.max_receive.not_whole")
    if got != int(got):
        raise Wrong("ex.05.max_receive.not_whole", got=answer)
    n = int(got)
    low, high = max_receive_answer(), POISON_LIMIT_S // EMAIL_VISIBILITY_S
    if n == low - 1:
        raise Wrong("ex.05.max_receive.off_by_one", got=n, want=low)
    if n < low:
        raise Wrong("ex.05.max_receive.too_small", got=n, dlq_after=n * EMAIL_VISIBILITY_S)
    if n > high:
        raise Wrong("ex.05.max_receive.too_big", got=n, poison_s=n * EMAIL_VISIBILITY_S, limit=POISON_LIMIT_S)
    return say("ex.05.max_receive.ok", got=n, survive=(n - 1) * EMAIL_VISIBILITY_S, poison=n * EMAIL_VISIBILITY_S)


# --- 05.backoff --------------------------------------------------------------------------------------

BACKOFF_BASE_S = 0.1
BACKOFF_CAP_S = 2.0
#: The attempt the learner computes the longest wait before (the 1st attempt is the first call).
BACKOFF_ATTEMPT = 6


def backoff_answer() -> float:
    """Before attempt 6 comes retry 5: min(cap, base × 2⁴) = min(2, 1.6) = 1.6 s."""
    retry = BACKOFF_ATTEMPT - 1
    return min(BACKOFF_CAP_S, BACKOFF_BASE_S * 2 ** (retry - 1))


@exercise("05.backoff", solution_answer=backoff_answer)
def _check_backoff(answer: Any) -> str:
    got = number(answer, "ex.05.backoff.not_number")
    want = backoff_answer()
    if math.isclose(got, want, rel_tol=1e-6):
        return say("ex.05.backoff.ok", want=want)
    if math.isclose(got, want * 1000, rel_tol=1e-6):
        raise Wrong("ex.05.backoff.milliseconds", got=got)
    if math.isclose(got, BACKOFF_CAP_S) or math.isclose(got, BACKOFF_BASE_S * 2 ** (BACKOFF_ATTEMPT - 1)):
        raise Wrong("ex.05.backoff.one_too_many", got=got)
    if math.isclose(got, BACKOFF_BASE_S * 2 ** (BACKOFF_ATTEMPT - 3)):
        raise Wrong("ex.05.backoff.one_too_few", got=got)
    if got == 0:
        raise Wrong("ex.05.backoff.shortest", got=got)
    raise Wrong("ex.05.backoff.off", got=got)
