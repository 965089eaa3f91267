"""The design checklist for asynchronous processing, each item with a small runnable illustration.

The items follow the design considerations of builders.flash "非同期処理を使いこなそう!" part 4
(see the notebook for links). Each illustration runs in well under a second on moto, on its
own small resources (``<prefix>-lab-…``), and returns a result a claim cell can check:

================  ==========================================================================
item              illustration
================  ==========================================================================
ordering          :func:`ordering_demo` — status events applied out of order: a naive consumer
                  ends in the wrong state; the notebook's conditional write on a sequence number does not
duplicates        :func:`duplicates_demo` — one order delivered twice: the naive consumer
                  charges twice, notebook 05's conditional put once
retries_dlq       :func:`dlq_demo` — a poison message is retried ``maxReceiveCount`` times and
                  then parked in the dead-letter queue; the good order is processed once
visibility        :func:`visibility_timeout_ok` — Lambda's rule: visibility timeout ≥ 6 × the
                  function timeout; below 1× Lambda refuses the trigger (:func:`visibility_table`)
message_size      :func:`size_demo` — SNS refuses a 300 KiB message, SQS takes it (1 MiB);
                  the claim-check pattern sends a reference instead
monitoring        :func:`monitoring_demo` — a stuck consumer: queue depth and the age of the
                  oldest message grow, then fall when it recovers; :func:`alarm_definitions`
                  are the CloudWatch alarms to create on AWS
not_async         the notebook's recap (section 8), and its measurement of a caller that polls (section 6)
================  ==========================================================================

moto has no CloudWatch metrics for SQS, so :func:`oldest_message_age_s` computes the age of the
oldest message from ``SentTimestamp`` by *peeking* (a receive with visibility timeout 0); on AWS
read the ``ApproximateAgeOfOldestMessage`` metric instead — a peek counts as a receive.
"""

from __future__ import annotations

import json
import math
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..core.backend import client
from ..core.display import Table
from ..core.limits import (
    LAMBDA_VISIBILITY_FACTOR,
    SQS_MAX_VISIBILITY_S,
)
from ..core.messages import WorkshopError, say
from ..core.resources import ensure_queue, ensure_table, ensure_topic, purge, queue_arn, queue_depth
from ..core.workers import Worker, batch_handler, fake_sqs_event
from ..shop import Order, Shop, speed_factor

#: The checklist, in the order the notebook walks through it.
ITEMS: tuple[str, ...] = ("ordering", "duplicates", "retries_dlq", "visibility", "message_size", "monitoring",
                          "not_async")


def checklist_table() -> Table:
    """The checklist: each item, the question to ask of a design, and where the workshop shows it."""
    t = Table([say("checklist.col.item"), say("checklist.col.ask"), say("checklist.col.where")],
              title=say("checklist.title"))
    for key in ITEMS:
        t.rows.append([say(f"checklist.{key}.title"), say(f"checklist.{key}.ask"), say(f"checklist.{key}.where")])
    return t


def _run_id() -> str:
    return uuid.uuid4().hex[:8]


# --- 1. ordering --------------------------------------------------------------------------------------

#: The events of one order, in the order they happened: (sequence number, status).
ORDER_EVENTS: tuple[tuple[int, str], ...] = ((1, "PAID"), (2, "SHIPPED"), (3, "DELIVERED"))


@dataclass
class OrderingResult:
    """The same events applied in a delivery order that differs from the order they happened."""

    events: list[tuple[int, str]]
    delivered: list[int]  # sequence numbers, in the order the consumer received them
    naive_final: str
    guarded_final: str
    skipped: list[int]  # events the guarded consumer ignored because a newer one was already applied

    @property
    def expected_final(self) -> str:
        """The status after the last event that happened."""
        return max(self.events)[1]


#: ``apply(table, order_id, seq, status) -> bool``: store one status event; True if it was written.
ApplyEvent = Callable[[str, str, int, str], bool]


def ordering_demo(guarded: ApplyEvent, delivered: tuple[int, ...] = (1, 3, 2)) -> OrderingResult:
    """Apply :data:`ORDER_EVENTS` in the order ``delivered`` (default: event 2 was retried and came last).

    A standard queue does not keep order: a retried message comes back after later ones (03
    measured it). The **naive** consumer writes each event's status; ``guarded`` is the
    notebook's consumer, which should write only if the event's sequence number is newer than
    the stored one (a DynamoDB conditional write), so a late, stale event changes nothing.
    (The other fix: a FIFO queue with the order id as message group, notebook 03.)
    """
    events = dict(ORDER_EVENTS)
    if sorted(delivered) != sorted(events):
        raise WorkshopError("checklist.bad_delivery", delivered=list(delivered), valid=sorted(events))
    table = ensure_table("lab-order-events", key="order_id")
    ddb = client("dynamodb")
    run = _run_id()
    naive_id, guarded_id = f"naive-{run}", f"guarded-{run}"
    skipped: list[int] = []
    for seq in delivered:
        ddb.update_item(TableName=table, Key={"order_id": {"S": naive_id}},
                        UpdateExpression="SET #st = :s, seq = :n", ExpressionAttributeNames={"#st": "status"},
                        ExpressionAttributeValues={":s": {"S": events[seq]}, ":n": {"N": str(seq)}})
        if not guarded(table, guarded_id, seq, events[seq]):
            skipped.append(seq)  # the guarded consumer ignored a late, older event

    def status(oid: str) -> str:
        item = ddb.get_item(TableName=table, Key={"order_id": {"S": oid}}, ConsistentRead=True)["Item"]
        return item["status"]["S"]

    final = (status(naive_id), status(guarded_id))
    for oid in (naive_id, guarded_id):
        ddb.delete_item(TableName=table, Key={"order_id": {"S": oid}})
    return OrderingResult(list(ORDER_EVENTS), list(delivered), final[0], final[1], skipped)


# --- 2. duplicates and idempotency ------------------------------------------------------------------


@dataclass
class DuplicateResult:
    """One order delivered ``deliveries`` times to a naive and to an idempotent payment consumer."""

    deliveries: int
    charges: dict[str, int]  # consumer → payments records of its order
    order_ids: dict[str, str]


def duplicates_demo(shop: Shop, deliveries: int = 2) -> DuplicateResult:
    """Deliver the same order message ``deliveries`` times (at-least-once) to two payment consumers.

    **naive**: ``shop.charge_payment(order)`` — every delivery charges. **idempotent**: notebook
    05's :class:`~helpers.failure.idempotency.StepGuard` — the charge record is a conditional put
    keyed by the order, so a second delivery writes nothing and charges nothing. Both run in the
    Powertools batch handler a Lambda would use; services do not sleep (only counts matter).
    """
    from ..failure.idempotency import (
        StepGuard,  # notebook 05's guard (imported late: it is a separate module)
    )

    guard = StepGuard.create(shop)
    consumers = {"naive": shop.charge_payment, "idempotent": guard.charge_once}
    charges: dict[str, int] = {}
    ids: dict[str, str] = {}
    with speed_factor(0):
        for i, (label, consume) in enumerate(consumers.items()):
            order, _span = shop.accept_order(shop.sample_orders(1, start=i)[0])
            handler = batch_handler(lambda record, consume=consume: consume(Order.from_json(record.body)))
            for _ in range(deliveries):
                handler(fake_sqs_event([order.to_json()]), None)
            ids[label] = order.order_id
            charges[label] = len(shop.store.records("payments", order.order_id))
    return DuplicateResult(deliveries, charges, ids)


# --- 3. retries and the dead-letter queue ------------------------------------------------------------


@dataclass
class DlqResult:
    """A good order and a poison message on a queue with a dead-letter queue."""

    max_receive_count: int
    receive_counts: dict[str, list[int]]  # "good" / "poison" → ApproximateReceiveCount at each delivery
    processed: list[str]  # labels processed successfully
    in_dlq: list[str]  # labels found in the dead-letter queue
    left_in_queue: int  # messages still in the main queue (visible + in flight)
    dlq_url: str = ""

    @property
    def poison_attempts(self) -> int:
        """How many times the poison message was tried before it was parked."""
        return len(self.receive_counts.get("poison", []))


def dlq_demo(max_receive_count: int = 3) -> DlqResult:
    """A queue whose redrive policy parks a message after ``max_receive_count`` failed receives.

    The queue's visibility timeout is 0, so a failed message is retried at once (on AWS a retry
    waits for the visibility timeout); one worker turn at a time (:meth:`Worker.run_once`)
    until the queue is empty. The poison message fails every time, is received
    ``max_receive_count`` times and then moved to ``<prefix>-lab-retry-dlq``; the good order is
    processed once. Nothing is lost: the poison message waits in the DLQ for a human
    (inspect and redrive it: notebook 05).
    """
    if not isinstance(max_receive_count, int) or isinstance(max_receive_count, bool) or not 1 <= max_receive_count <= 10:
        raise WorkshopError("checklist.bad_receive_count", value=max_receive_count)
    dlq_url = ensure_queue("lab-retry-dlq")
    url = ensure_queue("lab-retry", visibility_timeout=0, dlq_arn=queue_arn(dlq_url),
                       max_receive_count=max_receive_count)
    purge(url)
    purge(dlq_url)
    run = _run_id()
    counts: dict[str, list[int]] = {"good": [], "poison": []}
    processed: list[str] = []

    def record_fn(record: Any) -> None:
        label = "poison" if "poison" in record.body else "good"
        if run not in record.body:
            return  # a leftover of an earlier run
        counts[label].append(int(record.attributes.approximate_receive_count))
        json.loads(record.body)  # the poison message is not JSON: this record fails, every time
        processed.append(label)

    sqs = client("sqs")
    sqs.send_message_batch(QueueUrl=url, Entries=[
        {"Id": "good", "MessageBody": json.dumps({"run": run, "order_id": "ord-good"})},
        {"Id": "poison", "MessageBody": f"{{poison {run} not JSON"},
    ])
    worker = Worker(url, batch_handler(record_fn), wait_time_s=0, name="lab-retry")
    for _ in range(4 * max_receive_count + 4):
        worker.run_once()
        if sum(queue_depth(url).values()) == 0:
            break
    in_dlq = []
    for _ in range(3):  # read the DLQ (and empty it: this is a demo queue)
        for m in sqs.receive_message(QueueUrl=dlq_url, MaxNumberOfMessages=10).get("Messages", []):
            if run in m["Body"]:
                in_dlq.append("poison" if "poison" in m["Body"] else "good")
            sqs.delete_message(QueueUrl=dlq_url, ReceiptHandle=m["ReceiptHandle"])
        if in_dlq:
            break
    return DlqResult(max_receive_count, counts, processed, in_dlq, sum(queue_depth(url).values()), dlq_url)


# --- 4. visibility timeout against processing time ----------------------------------------------------


def _seconds(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
        raise WorkshopError("checklist.bad_seconds", what=what, value=value)
    return float(value)


def visibility_timeout_ok(function_timeout_s: float, visibility_timeout_s: float) -> bool:
    """Lambda's guidance for an SQS trigger: the queue's visibility timeout is at least 6 × the function timeout.

    Why 6×: a batch may wait while Lambda is throttled and be retried inside the same visibility
    window; a timeout shorter than the processing hands the message to a second consumer while
    the first still works (03 §3b measured the duplicates).
    """
    fn = _seconds(function_timeout_s, "function_timeout_s")
    vis = _seconds(visibility_timeout_s, "visibility_timeout_s")
    return vis >= LAMBDA_VISIBILITY_FACTOR * fn


def visibility_advice(function_timeout_s: float, visibility_timeout_s: float) -> str:
    """One sentence on a (function timeout, visibility timeout) pair for a Lambda SQS trigger.

    Shorter than the function timeout: Lambda refuses the trigger (``CreateEventSourceMapping``
    fails). Between 1× and 6×: accepted, but a batch retried after throttling may be handed out
    again while it still runs. At least 6×: fine. Over 12 hours: SQS refuses the setting.
    """
    fn = _seconds(function_timeout_s, "function_timeout_s")
    vis = _seconds(visibility_timeout_s, "visibility_timeout_s")
    want = LAMBDA_VISIBILITY_FACTOR * fn
    if vis > SQS_MAX_VISIBILITY_S:
        return say("checklist.visibility.over_max", vis=vis)
    if vis < fn:
        return say("checklist.visibility.refused", vis=vis, fn=fn, want=want)
    if vis < want:
        return say("checklist.visibility.short", vis=vis, fn=fn, want=want)
    return say("checklist.visibility.ok", vis=vis, fn=fn, want=want)


def visibility_table(cases: tuple[tuple[float, float], ...] = ((120, 30), (30, 30), (30, 60), (30, 180),
                                                               (900, 5400))) -> Table:
    """A few (function timeout, visibility timeout) pairs with the verdict and the advice."""
    t = Table([say("checklist.col.function_timeout"), say("checklist.col.visibility_timeout"),
               say("checklist.col.six_times"), say("checklist.col.advice")], title=say("checklist.visibility_title"))
    for fn, vis in cases:
        ok = say("checklist.yes" if visibility_timeout_ok(fn, vis) else "checklist.no")
        t.rows.append([fn, vis, ok, visibility_advice(fn, vis)])
    return t


# --- 5. message size -----------------------------------------------------------------------------------


@dataclass
class SizeResult:
    """A normal order, a large one, and the claim-check pattern for the large one."""

    order_bytes: int
    big_bytes: int
    sns_error: str | None  # what SNS answered to the large message (None: accepted)
    sqs_accepted: bool
    pointer: dict[str, Any]
    pointer_bytes: int
    pointer_published: bool
    round_trip_ok: bool  # the consumer got the large payload back through the pointer


def size_demo(shop: Shop, kib: int = 300) -> SizeResult:
    """An order with a ``kib`` KiB attachment (a scanned receipt, say), sent three ways.

    SNS (256 KiB) refuses it with its own error; SQS (up to 1 MiB) accepts it; the **claim-check**
    pattern stores the payload first (here a DynamoDB item, in production usually S3 — the SQS
    Extended Client Library does it for you) and sends a reference of a hundred bytes, which the
    consumer follows to get the payload back.
    """
    if not isinstance(kib, int) or isinstance(kib, bool) or not 257 <= kib <= 390:
        raise WorkshopError("checklist.bad_kib", value=kib)
    import botocore.exceptions

    from ..fanout import event_size  # notebook 04's byte count (body + attributes), the way SNS counts

    order = shop.sample_orders(1)[0]
    normal = json.dumps(order)
    filler = "A" * (kib * 1024 - len(normal) - 40)
    big = json.dumps({**order, "receipt_scan_base64": filler})
    topic = ensure_topic("lab-size")
    url = ensure_queue("lab-size")
    table = ensure_table("lab-payloads", key="payload_id")
    sns, sqs, ddb = client("sns"), client("sqs"), client("dynamodb")
    try:
        sns.publish(TopicArn=topic, Message=big)
        sns_error = None
    except botocore.exceptions.ClientError as exc:
        err = exc.response.get("Error", {})
        sns_error = f"{err.get('Code', 'Error')}: {err.get('Message', '')}"
    try:
        sqs.send_message(QueueUrl=url, MessageBody=big)
        sqs_ok = True
    except botocore.exceptions.ClientError:
        sqs_ok = False
    purge(url)
    payload_id = f"payload-{_run_id()}"
    ddb.put_item(TableName=table, Item={"payload_id": {"S": payload_id}, "body": {"S": big}})
    pointer = {"payload_table": table, "payload_id": payload_id, "bytes": len(big.encode())}
    pointer_body = json.dumps(pointer)
    try:
        sns.publish(TopicArn=topic, Message=pointer_body)
        published = True
    except botocore.exceptions.ClientError:
        published = False
    # the consumer's side: follow the reference
    got = ddb.get_item(TableName=pointer["payload_table"], Key={"payload_id": {"S": pointer["payload_id"]}},
                       ConsistentRead=True)["Item"]["body"]["S"]
    ddb.delete_item(TableName=table, Key={"payload_id": {"S": payload_id}})
    return SizeResult(event_size(normal), event_size(big), sns_error, sqs_ok, pointer,
                      event_size(pointer_body), published, got == big)


# --- 6. monitoring ---------------------------------------------------------------------------------------


def oldest_message_age_s(url: str) -> float:
    """Seconds since the oldest visible message (of up to 10 peeked) was sent; 0 for an empty queue.

    A *peek*: ``ReceiveMessage`` with ``VisibilityTimeout=0`` leaves the messages visible but
    raises their receive count (so a queue with a low ``maxReceiveCount`` could dead-letter a
    message that was only looked at). On AWS use CloudWatch's ``ApproximateAgeOfOldestMessage``.
    """
    messages = client("sqs").receive_message(
        QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=0, MessageSystemAttributeNames=["SentTimestamp"]
    ).get("Messages", [])
    if not messages:
        return 0.0
    oldest_ms = min(int(m["Attributes"]["SentTimestamp"]) for m in messages)
    return max(0.0, time.time() - oldest_ms / 1000)


@dataclass(frozen=True)
class MonitorSample:
    """One look at the queue: seconds since the demo started, depth, and the age of the oldest message."""

    t_s: float
    visible: int
    in_flight: int
    oldest_age_s: float


@dataclass
class MonitoringResult:
    """A producer that keeps sending while the consumer is stuck, then recovers."""

    samples: list[MonitorSample]
    stuck_s: float  # the consumer was stuck from 0 to stuck_s
    produced: int
    consumed: int
    age_threshold_s: float  # the alarm threshold drawn on the figure (scaled to the demo)

    def peak(self, attr: str) -> float:
        """Largest value of ``visible``, ``in_flight`` or ``oldest_age_s`` over the run."""
        return max((getattr(s, attr) for s in self.samples), default=0)

    @property
    def final(self) -> MonitorSample:
        """The last sample."""
        return self.samples[-1]

    def alarm_fired_at(self) -> float | None:
        """When the age first went over the threshold (seconds), or None."""
        return next((s.t_s for s in self.samples if s.oldest_age_s > self.age_threshold_s), None)


def monitoring_demo(*, stuck_s: float = 1.0, produce_s: float = 1.4, rate_per_s: float = 25,
                    interval_s: float = 0.1, age_threshold_s: float = 0.5) -> MonitoringResult:
    """A producer sends ``rate_per_s`` messages a second for ``produce_s``; the consumer is stuck
    (does nothing) until ``stuck_s``, then takes up to 10 messages per look. Depth and the age of
    the oldest message are sampled every ``interval_s`` until the producer is done and the queue
    is empty.

    What it shows: depth alone says "busy"; the **age** says "customers are waiting" — it grows by
    one second per second while nobody consumes, whatever the traffic, which is why it is the
    alarm to have. ``age_threshold_s`` is the demo's alarm threshold (on AWS: minutes).

    The consumer is one :class:`~helpers.core.workers.Worker` driven turn by turn
    (:meth:`~helpers.core.workers.Worker.run_once`) from the sampling loop, so nothing is left running.
    """
    if not (0 < stuck_s <= 5 and stuck_s < produce_s <= 10 and 1 <= rate_per_s <= 100
            and 0.02 <= interval_s <= 1):
        raise WorkshopError("checklist.bad_monitoring", stuck_s=stuck_s, produce_s=produce_s, rate=rate_per_s)
    url = ensure_queue("lab-monitor", visibility_timeout=5)
    purge(url)
    sqs = client("sqs")
    run = _run_id()
    consumed: list[int] = []
    produced = 0
    stop = threading.Event()

    def produce() -> None:
        nonlocal produced
        t0 = time.monotonic()
        while not stop.is_set() and time.monotonic() - t0 < produce_s:
            sqs.send_message(QueueUrl=url, MessageBody=json.dumps({"run": run, "n": produced}))
            produced += 1
            stop.wait(1 / rate_per_s)

    def record_fn(record: Any) -> None:
        if record.json_body.get("run") == run:
            consumed.append(record.json_body["n"])

    consumer = Worker(url, batch_handler(record_fn), wait_time_s=0, name="lab-monitor")
    producer = threading.Thread(target=produce, name="lab-monitor-producer", daemon=True)
    samples: list[MonitorSample] = []
    start = time.monotonic()
    producer.start()
    try:
        while True:
            t = time.monotonic() - start
            if t >= stuck_s:
                consumer.run_once()  # the consumer has recovered: one receive → process → delete turn
            depth = queue_depth(url)
            samples.append(MonitorSample(t, depth["visible"], depth["in_flight"], oldest_message_age_s(url)))
            if (not producer.is_alive() and depth["visible"] + depth["in_flight"] == 0) or t > produce_s + 10:
                break
            time.sleep(max(0.0, interval_s - (time.monotonic() - start - t)))
    finally:
        stop.set()
        producer.join(timeout=5)
    return MonitoringResult(samples, stuck_s, produced, len(set(consumed)), age_threshold_s)


def alarm_definitions(queue: str, *, dlq: str | None = None, max_age_s: int = 300, max_visible: int = 1000,
                      period_s: int = 60, evaluation_periods: int = 5,
                      alarm_topic_arn: str | None = None) -> list[dict[str, Any]]:
    """CloudWatch alarms for an SQS queue: keyword arguments for ``cloudwatch.put_metric_alarm``.

    * the **age of the oldest message** over ``max_age_s`` for ``evaluation_periods`` minutes —
      orders are waiting: the consumer is stuck, failing or too slow;
    * the **backlog** (visible messages) over ``max_visible`` — more arrives than is processed;
    * (with ``dlq``) **any message in the dead-letter queue** — something failed for good.

    ``queue`` / ``dlq`` are queue *names* (``<prefix>-orders``), the metrics' ``QueueName``
    dimension. ``alarm_topic_arn`` (an SNS topic that e-mails you) becomes the alarm action.
    """
    for value, what in ((max_age_s, "max_age_s"), (max_visible, "max_visible"), (period_s, "period_s"),
                        (evaluation_periods, "evaluation_periods")):
        _seconds(value, what)
    actions = {"AlarmActions": [alarm_topic_arn]} if alarm_topic_arn else {}

    def alarm(queue_name: str, suffix: str, metric: str, threshold: float, periods: int, key: str) -> dict[str, Any]:
        return {
            "AlarmName": f"{queue_name}-{suffix}",
            "AlarmDescription": say(f"checklist.alarm.{key}", queue=queue_name, threshold=threshold),
            "Namespace": "AWS/SQS",
            "MetricName": metric,
            "Dimensions": [{"Name": "QueueName", "Value": queue_name}],
            "Statistic": "Maximum",
            "Period": period_s,
            "EvaluationPeriods": periods,
            "Threshold": float(threshold),
            "ComparisonOperator": "GreaterThanThreshold",
            "TreatMissingData": "notBreaching",
            **actions,
        }

    alarms = [
        alarm(queue, "oldest-message-age", "ApproximateAgeOfOldestMessage", max_age_s, evaluation_periods, "age"),
        alarm(queue, "backlog", "ApproximateNumberOfMessagesVisible", max_visible, evaluation_periods, "backlog"),
    ]
    if dlq:
        alarms.append(alarm(dlq, "not-empty", "ApproximateNumberOfMessagesVisible", 0, 1, "dlq"))
    return alarms


def queue_name(url: str) -> str:
    """A queue's name from its URL (what CloudWatch's ``QueueName`` dimension wants)."""
    return url.rstrip("/").rsplit("/", 1)[-1]
