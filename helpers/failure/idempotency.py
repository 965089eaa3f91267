"""Idempotent consumers: a duplicate delivery must not charge twice.

SQS standard queues deliver *at least once*. A worker that is too slow (its visibility timeout
expires), a worker that dies after charging but before deleting, a producer that sends twice:
each hands the same order to a consumer again. A consumer is **idempotent** when doing the
work twice has the effect of doing it once.

Three consumers of the payment step, side by side in :func:`duplicate_delivery`:

* **naive**: ``shop.charge_payment(order)`` — one payments record per call: a duplicate is a
  double charge;
* **conditional write** (:class:`StepGuard`): the charge record gets a deterministic key — the
  order id (and ``"once"``) — and is written with ``attribute_not_exists(order_id)``. A second
  delivery's write is refused, nothing is charged, and the record *succeeds* (it must not fail,
  or it would be retried into the dead-letter queue). The write is the check, in one atomic
  call, so a worker killed at any moment leaves the charge done or not done, never twice;
* **Powertools** (:func:`powertools_step`): Powertools for AWS Lambda's idempotency utility
  (``idempotent_function`` + ``DynamoDBPersistenceLayer``) on a table of the same design (key
  ``id``). It records ``INPROGRESS`` before running the function and ``COMPLETED`` with the
  result after; a duplicate gets the stored result without running it. That works for any
  function (an e-mail API, an HTTP call), not only a DynamoDB write — the production way.

Powertools' table is ``<prefix>-idempotency`` (partition key ``id``), created with
:func:`helpers.core.resources.ensure_table`; Powertools gets our DynamoDB client so every call goes
through the backend seam.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from ..core.backend import client, current
from ..core.messages import WorkshopError
from ..core.resources import ensure_queue, ensure_table, purge
from ..core.sampling import wait_until
from ..core.workers import LambdaContext, Worker, batch_handler, fake_sqs_event
from ..shop import DOWNSTREAM, EFFECTS, Order, OutOfStock, Shop

#: The idempotency table's short name; its partition key is ``id`` (what Powertools expects).
IDEMPOTENCY_TABLE = "idempotency"


def ensure_idempotency_table(short: str = IDEMPOTENCY_TABLE) -> str:
    """Create (or reuse) ``<prefix>-<short>`` with partition key ``id`` and return its name."""
    return ensure_table(short, key="id")


def _serialize(item: dict[str, Any]) -> dict[str, Any]:
    from boto3.dynamodb.types import TypeSerializer

    ser = TypeSerializer()
    return {k: ser.serialize(v) for k, v in item.items()}


def _record_fields(step: str, order: Order) -> dict[str, Any]:
    """The same fields :class:`helpers.shop.Store` writes for each step's effect record."""
    items = json.dumps([asdict(i) for i in order.items])
    return {
        "inventory": {"items": items},
        "payment": {"customer_id": order.customer_id, "amount_jpy": order.total_jpy},
        "shipping": {"items": items},
        "email": {"to": order.email, "subject": f"Order {order.order_id} confirmed"},
        "points": {"customer_id": order.customer_id, "points": order.points},
    }[step]


class StepGuard:
    """Runs a shop step **at most once in effect** per order: every write is idempotent on its own.

    The trick is a deterministic key plus a conditional write, so the write *is* the check:

    * payment, shipping, e-mail, points: the effect record is written with the key
      ``(order id, "once")`` and ``attribute_not_exists(order_id)``. A second delivery's write is
      refused (``ConditionalCheckFailedException``): nothing happens twice, and the step counts
      as done.
    * inventory: each stock row is decremented with ``available >= :q AND NOT
      contains(reserved_by, :order)``, adding the order id to ``reserved_by`` in the same update;
      then the reservation record is written like the others.

    Each write is atomic by itself, so a worker killed between two of them leaves a state the
    next delivery completes without repeating anything. (A DynamoDB transaction would also do,
    but moto copies every table for each transaction, which gets slow as tables grow.)
    :meth:`done_steps` reads the five records in one ``BatchGetItem``, so a redelivered order
    skips finished steps without calling their services again.
    """

    #: The sort key of an idempotent effect record: one per order and step.
    ONCE = "once"

    def __init__(self, shop: Shop) -> None:
        self.shop = shop
        self._lock = threading.Lock()
        #: how many times a step found its effect already written and did nothing: {step: n}
        self.skipped: dict[str, int] = dict.fromkeys(DOWNSTREAM, 0)

    @classmethod
    def create(cls, shop: Shop) -> StepGuard:
        """A guard for ``shop`` (it writes to the shop's own effect tables)."""
        return cls(shop)

    def done_steps(self, order_id: str) -> set[str]:
        """Steps of ``order_id`` whose effect record exists (one ``BatchGetItem`` over the five tables)."""
        tables = {self.shop.store.tables[EFFECTS[step]]: step for step in DOWNSTREAM}
        key = {"order_id": {"S": order_id}, "record_id": {"S": self.ONCE}}
        request: dict[str, Any] = {t: {"Keys": [key], "ConsistentRead": True, "ProjectionExpression": "order_id"}
                                   for t in tables}
        ddb = client("dynamodb")
        found: set[str] = set()
        for _ in range(10):  # unprocessed keys (throttling on AWS) are asked again
            response = ddb.batch_get_item(RequestItems=request)
            for table, items in response.get("Responses", {}).items():
                if items:
                    found.add(tables[table])
            request = response.get("UnprocessedKeys") or {}
            if not request:
                break
        return found

    def run(self, step: str, order: Order) -> bool:
        """Do ``step`` for ``order`` unless it was done: True if it ran now, False if it was already done.

        Raises what the step's service raises (:class:`~helpers.shop.ServiceError`), and
        :class:`~helpers.shop.OutOfStock` when inventory has too few units: the record fails and
        is retried, as with the plain step.
        """
        if step not in DOWNSTREAM:
            raise WorkshopError("shop.unknown_step", step=step, valid=", ".join(DOWNSTREAM))
        self.shop.service(step).call()  # simulated latency and failures (ServiceError → the record fails)
        if step == "inventory":
            self._reserve(order)
        ran = self._put_once(EFFECTS[step], order, _record_fields(step, order))
        if not ran:
            with self._lock:
                self.skipped[step] += 1
        return ran

    def charge_once(self, order: Order) -> bool:
        """The payment step, exactly once in effect (True if it charged now)."""
        return self.run("payment", order)

    def _put_once(self, kind: str, order: Order, fields: dict[str, Any]) -> bool:
        ddb = client("dynamodb")
        item = {"order_id": order.order_id, "record_id": self.ONCE, "at": Decimal(str(round(time.time(), 3))), **fields}
        try:
            ddb.put_item(TableName=self.shop.store.tables[kind], Item=_serialize(item),
                         ConditionExpression="attribute_not_exists(order_id)")
            return True
        except ddb.exceptions.ConditionalCheckFailedException:
            return False  # written by an earlier delivery: done, do nothing

    def _reserve(self, order: Order) -> None:
        """Take each line's units once per order (all or nothing, as :meth:`Store.reserve`)."""
        ddb = client("dynamodb")
        table = self.shop.store.tables["stock"]
        taken = []
        for line in order.items:
            try:
                ddb.update_item(
                    TableName=table, Key={"product_id": {"S": line.product_id}},
                    UpdateExpression="SET available = available - :q ADD reserved_by :o",
                    ConditionExpression="available >= :q AND NOT contains(reserved_by, :oid)",
                    ExpressionAttributeValues={":q": {"N": str(line.quantity)}, ":o": {"SS": [order.order_id]},
                                               ":oid": {"S": order.order_id}})
                taken.append(line)
            except ddb.exceptions.ConditionalCheckFailedException:
                row = ddb.get_item(TableName=table, Key={"product_id": {"S": line.product_id}},
                                   ConsistentRead=True).get("Item", {})
                if order.order_id in row.get("reserved_by", {}).get("SS", []):
                    continue  # this line was reserved by an earlier delivery
                for back in taken:  # not enough units: put back what this call took
                    ddb.update_item(
                        TableName=table, Key={"product_id": {"S": back.product_id}},
                        UpdateExpression="SET available = available + :q DELETE reserved_by :o",
                        ConditionExpression="contains(reserved_by, :oid)",
                        ExpressionAttributeValues={":q": {"N": str(back.quantity)}, ":o": {"SS": [order.order_id]},
                                                   ":oid": {"S": order.order_id}})
                raise OutOfStock("shop.out_of_stock", step="inventory", service="inventory",
                                 product=line.product_id) from None


# --- Powertools for AWS Lambda: the idempotency utility ------------------------------------------


def powertools_step(shop: Shop, step: str, table: str, *, expires_after_s: int = 3600) -> Callable[..., dict[str, Any]]:
    """``step`` wrapped with Powertools' ``idempotent_function``: call it as ``fn(order=order.to_dict())``.

    The idempotency key is the order's ``order_id`` (``event_key_jmespath``) under the prefix
    ``step`` (``key_prefix``), stored in ``table`` (partition key ``id``) through our DynamoDB
    client (``boto3_client``), so every call goes through the backend seam. One persistence
    layer per function, as Powertools recommends. Returns what the step returned the first time.
    """
    from aws_lambda_powertools.utilities.idempotency import (
        DynamoDBPersistenceLayer,
        IdempotencyConfig,
        idempotent_function,
    )

    step_fn = shop.step_function(step)  # a clear error for an unknown step
    layer = DynamoDBPersistenceLayer(table_name=table, boto3_client=client("dynamodb"))
    config = IdempotencyConfig(event_key_jmespath="order_id", expires_after_seconds=expires_after_s)

    @idempotent_function(data_keyword_argument="order", persistence_store=layer, config=config, key_prefix=step)
    def run_step(order: dict[str, Any]) -> dict[str, Any]:
        span = step_fn(Order.from_dict(order))
        return {"order_id": span.order_id, "step": step, "ms": round(span.duration_ms, 1)}

    def call(order: dict[str, Any], lambda_context: Any = None) -> dict[str, Any]:
        # Powertools sets how long an INPROGRESS record blocks a duplicate from the Lambda's
        # remaining time; outside a handler we pass a context with a 30 s timeout.
        config.register_lambda_context(lambda_context or _context(f"{step}-idempotent"))
        return run_step(order=order)

    call.__name__ = f"{step}_once_powertools"
    call.persistence_layer = layer  # type: ignore[attr-defined]
    return call


def _context(name: str, timeout_s: float = 30.0) -> LambdaContext:
    info = current()
    return LambdaContext(name, info.region, info.account, timeout_s)


# --- forcing a duplicate: an expired visibility timeout ------------------------------------------


@dataclass
class DuplicateRun:
    """One consumer fed the same message twice, because its visibility timeout expired mid-work."""

    consumer: str
    order_id: str
    visibility_timeout_s: int
    hold_s: float
    deliveries: list[tuple[float, int, str]] = field(default_factory=list)  # (t_s, receive count, worker)
    charges: int = 0  # payments records of the order, counted in the payments table

    @property
    def delivered(self) -> int:
        """How many times the message was handed to a worker."""
        return len(self.deliveries)


def duplicate_delivery(
    shop: Shop,
    consumers: dict[str, Callable[[Order], Any]],
    *,
    visibility_timeout_s: int = 1,
    hold_s: float = 1.6,
    timeout_s: float = 15,
) -> dict[str, DuplicateRun]:
    """Force a duplicate delivery for each consumer and count the charges in the payments table.

    Each consumer gets its own queue (``<prefix>-dup-<name>``, visibility timeout
    ``visibility_timeout_s``), one fresh order and two workers. The first delivery charges and
    then takes ``hold_s`` (longer than the visibility timeout) before it returns — a slow
    receipt, a GC pause — so the message becomes visible again and the other worker receives it
    too (receive count 2). The consumers run side by side.
    """
    if hold_s <= visibility_timeout_s:
        raise WorkshopError("failure.hold_too_short", hold=hold_s, timeout=visibility_timeout_s)
    sqs = client("sqs")
    runs: dict[str, DuplicateRun] = {}
    workers: list[Worker] = []
    lock = threading.Lock()
    t0 = time.monotonic()
    try:
        for i, (name, consume) in enumerate(consumers.items()):
            url = ensure_queue(f"dup-{_short(name)}", visibility_timeout=visibility_timeout_s)
            purge(url)
            order, _span = shop.accept_order(shop.sample_orders(1, start=i)[0])
            run = DuplicateRun(name, order.order_id, visibility_timeout_s, hold_s)
            runs[name] = run

            def record_fn(record: Any, lambda_context: Any = None, consume: Callable[[Order], Any] = consume,
                          run: DuplicateRun = run) -> None:
                count = int(record.attributes.approximate_receive_count)
                with lock:
                    run.deliveries.append((time.monotonic() - t0, count, getattr(lambda_context, "function_name", "?")))
                consume(Order.from_json(record.body))
                if count == 1:
                    time.sleep(hold_s)  # slow to finish: the visibility timeout runs out meanwhile

            handler = batch_handler(record_fn)
            for w in ("A", "B"):
                workers.append(Worker(url, handler, name=f"{_short(name)}-{w}").start())
            sqs.send_message(QueueUrl=url, MessageBody=order.to_json())
        wait_until(lambda: all(len(r.deliveries) >= 2 for r in runs.values()), timeout_s)
        wait_until(lambda: all(sum(w.stats.succeeded + w.stats.failed for w in workers[2 * i: 2 * i + 2]) >= 2
                               for i in range(len(runs))), timeout_s)
    finally:
        for w in workers:
            w.request_stop()
        for w in workers:
            w.join()
    counts = shop.store.count_by_order("payments", [r.order_id for r in runs.values()])
    for run in runs.values():
        run.charges = counts.get(run.order_id, 0)
    return runs


def _short(name: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in name.lower())[:20].strip("-") or "consumer"


# --- partial batch failure composes with idempotency ---------------------------------------------


@dataclass
class PartialBatchRun:
    """One batch (with a duplicate and a poison message) delivered twice to an idempotent handler."""

    bodies: list[str]
    failed_ids: list[list[str]]  # per delivery: the message ids the handler reported as failed
    charges: dict[str, int]  # order id → payments records


def partial_batch_demo(shop: Shop, guard: StepGuard, *, n: int = 3) -> PartialBatchRun:
    """A batch of ``n`` orders + the first order again + a poison message, handled twice.

    The handler is Powertools' batch processor around an idempotent record function: each
    delivery reports only the poison message as failed, and every order is charged once, however
    many times it arrives.
    """
    orders = [shop.accept_order(p)[0] for p in shop.sample_orders(n)]
    bodies = [o.to_json() for o in orders] + [orders[0].to_json(), "{not an order"]

    def record_fn(record: Any) -> None:
        guard.charge_once(Order.from_json(record.body))

    handler = batch_handler(record_fn)
    failed = []
    for _delivery in range(2):  # the whole batch again: e.g. a redelivery after a crash
        result = handler(fake_sqs_event(bodies), None)
        failed.append(sorted(i["itemIdentifier"] for i in result.get("batchItemFailures", [])))
    counts = shop.store.count_by_order("payments", [o.order_id for o in orders])
    return PartialBatchRun(bodies, failed, {o.order_id: counts.get(o.order_id, 0) for o in orders})


def effects_per_order(shop: Shop, order_ids: Iterable[str]) -> dict[str, dict[str, int]]:
    """For each order: how many records each effect table holds, ``{order: {"payments": 1, …}}``."""
    ids = list(order_ids)
    by_kind = shop.store.effects(ids)
    return {oid: {kind: by_kind[kind].get(oid, 0) for kind in by_kind} for oid in ids}
