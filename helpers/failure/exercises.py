"""Exercises of 05_failure_isolation: a queue's settings for a Lambda consumer, an idempotent charge.

The numbers each statement gives are constants here, so the notebook text and the checker
cannot drift apart.

``05.queue_settings`` is a design decision: the learner writes the attributes of the e-mail
queue (``VisibilityTimeout`` and ``RedrivePolicy``) as ``set_queue_attributes`` takes them. The
checker explains the first rule an answer breaks, then sets the attributes on a test queue of its
own and reads them back, so SQS itself validates the answer.

``05.charge_once`` works on two small tables of its own: a *ledger* (what the payment provider
charged: :func:`charge` adds a row every time it is called, which is the problem) and a *guard*
table with partition key ``id`` (:func:`guard_table`) where the learner's conditional write goes.
The checker empties both, then delivers orders the way SQS might: some twice, one three times.
"""

from __future__ import annotations

import json
import uuid
from collections import Counter
from typing import Any

from botocore.exceptions import ClientError

from ..core.backend import client
from ..core.diagrams import read_queue
from ..core.exercises import Wrong, exercise
from ..core.limits import LAMBDA_MIN_MAX_RECEIVE, LAMBDA_VISIBILITY_FACTOR, SQS_MAX_VISIBILITY_S
from ..core.messages import say
from ..core.resources import ensure_queue, ensure_table, queue_arn

# --- 05.queue_settings -------------------------------------------------------------------------------

#: The e-mail worker's function timeout, seconds.
FUNCTION_TIMEOUT_S = 30
#: The longest e-mail provider outage no message may reach the DLQ because of, seconds.
OUTAGE_S = 15 * 60
#: A message that can never succeed must reach the DLQ within this many seconds.
POISON_LIMIT_S = 30 * 60
#: The test queue the checker sets the learner's attributes on, and its DLQ.
EMAIL_QUEUE, EMAIL_DLQ = "ex05-email", "ex05-email-dlq"


def email_dlq_arn() -> str:
    """The ARN of the e-mail queue's dead-letter queue (created if needed)."""
    return queue_arn(ensure_queue(EMAIL_DLQ))


def queue_settings_answer() -> dict[str, str]:
    """The e-mail queue's attributes for a Lambda function with a 30 s timeout."""
    return {
        "VisibilityTimeout": "180",  # 6 × the 30 s function timeout
        # A failing message comes back every 180 s: receives at 0, 180, …, 1080 s (7 in all), so it
        # survives a 900 s outage; a poison message reaches the DLQ after about 7 × 180 = 1260 s.
        "RedrivePolicy": json.dumps({"deadLetterTargetArn": email_dlq_arn(), "maxReceiveCount": 7}),
    }


def _settings(answer: Any) -> tuple[int, str, int]:
    """``(visibility timeout, DLQ ARN, maxReceiveCount)`` from the answer, or :class:`Wrong` with the reason."""
    if not isinstance(answer, dict):
        raise Wrong("ex.05.queue_settings.not_dict", kind=type(answer).__name__)
    missing = [k for k in ("VisibilityTimeout", "RedrivePolicy") if k not in answer]
    if missing:
        raise Wrong("ex.05.queue_settings.missing", keys=", ".join(missing))
    raw_vt, raw_policy = answer["VisibilityTimeout"], answer["RedrivePolicy"]
    if not isinstance(raw_vt, str) or not isinstance(raw_policy, str):
        raise Wrong("ex.05.queue_settings.not_string")
    if not raw_vt.strip().isdigit():
        raise Wrong("ex.05.queue_settings.bad_visibility", got=raw_vt)
    try:
        policy = json.loads(raw_policy)
        dlq, count = policy["deadLetterTargetArn"], int(policy["maxReceiveCount"])
    except (ValueError, TypeError, KeyError):
        raise Wrong("ex.05.queue_settings.bad_policy", got=raw_policy) from None
    return int(raw_vt), dlq, count


@exercise("05.queue_settings", solution_answer=queue_settings_answer)
def _check_queue_settings(answer: Any) -> str:
    visibility, dlq, count = _settings(answer)
    want_vt = LAMBDA_VISIBILITY_FACTOR * FUNCTION_TIMEOUT_S
    if dlq != email_dlq_arn():
        raise Wrong("ex.05.queue_settings.wrong_dlq", got=dlq)
    if visibility < want_vt:
        raise Wrong("ex.05.queue_settings.not_6x", got=visibility, want=want_vt, timeout=FUNCTION_TIMEOUT_S)
    if visibility > SQS_MAX_VISIBILITY_S:
        raise Wrong("ex.05.queue_settings.too_long", got=visibility, most=SQS_MAX_VISIBILITY_S)
    if count < LAMBDA_MIN_MAX_RECEIVE:
        raise Wrong("ex.05.queue_settings.below_5", got=count, least=LAMBDA_MIN_MAX_RECEIVE)
    if (count - 1) * visibility < OUTAGE_S:
        raise Wrong("ex.05.queue_settings.outage", got=count, vt=visibility, last=(count - 1) * visibility,
                    outage=OUTAGE_S)
    if count * visibility > POISON_LIMIT_S:
        raise Wrong("ex.05.queue_settings.poison_slow", got=count, vt=visibility, after=count * visibility,
                    limit=POISON_LIMIT_S)
    url = ensure_queue(EMAIL_QUEUE)
    try:
        client("sqs").set_queue_attributes(QueueUrl=url, Attributes=answer)
    except ClientError as err:
        raise Wrong("ex.05.queue_settings.rejected", error=err.response.get("Error", {}).get("Message", str(err))) from None
    facts = read_queue(url)
    return say("ex.05.queue_settings.ok", vt=facts.visibility_timeout, count=facts.max_receive_count,
               last=(count - 1) * visibility, poison=count * visibility)


# --- 05.charge_once --------------------------------------------------------------------------------

LEDGER = "ex05-ledger"
GUARD = "ex05-guard"
#: What the checker delivers: (order id, amount in yen), in this order — duplicates included.
DELIVERIES: list[tuple[str, int]] = [
    ("ex-ord-1", 2400), ("ex-ord-2", 1600), ("ex-ord-1", 2400), ("ex-ord-3", 4800),
    ("ex-ord-1", 2400), ("ex-ord-2", 1600),
]


def ledger_table() -> str:
    """The payment provider's ledger (one row per charge), created if needed."""
    return ensure_table(LEDGER, key="order_id", sort_key="charge_id")


def guard_table() -> str:
    """The table for your idempotency records: partition key ``id`` (a string), created if needed."""
    return ensure_table(GUARD, key="id")


def charge_card(order_id: str, amount: int) -> None:
    """The payment provider: charges ``amount`` yen for ``order_id``, every time it is called."""
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


def charge_once_answer() -> Any:
    """One answer: ``my_charge_once`` as the notebook's cell has it (``table`` is the cell's ``guard_table``)."""
    table = guard_table()

    def my_charge_once(order_id: str, amount: int) -> None:
        ddb = client("dynamodb")
        try:
            ddb.put_item(TableName=table, Item={"id": {"S": order_id}}, ConditionExpression="attribute_not_exists(id)")
        except ddb.exceptions.ConditionalCheckFailedException:
            return  # charged before: a duplicate delivery, so do nothing
        charge_card(order_id, amount)

    return my_charge_once


@exercise("05.charge_once", solution_answer=charge_once_answer)
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
