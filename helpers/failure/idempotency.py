"""Idempotent consumers: a duplicate delivery must not charge twice.

SQS standard queues deliver *at least once*. A worker that is too slow (its visibility timeout
expires), a worker that dies after charging but before deleting, a producer that sends twice:
each hands the same order to a consumer again. A consumer is **idempotent** when doing the
work twice has the effect of doing it once.

The lesson's code is in the notebook: ``write_once`` (a record keyed by the order, written with
``attribute_not_exists``), the payment step built on it, and the Powertools version
(``idempotent_function`` with ``config.register_lambda_context(context)`` in the handler). This
module holds what runs them:

* :class:`StepGuard`: the worker's five steps, each written with ``write_once`` (and inventory's
  conditional stock update), so a redelivered order repeats nothing;
* :func:`duplicate_delivery`: forces a duplicate for each consumer (an expired visibility
  timeout) and counts the charges in the payments table;
* :func:`partial_batch_demo`: one batch with a duplicate and a poison message, delivered twice.

Consumers take an :class:`~helpers.shop.Order`; one that also takes ``lambda_context`` gets the
invocation's context (as Powertools' batch processor does), which the Powertools version needs.
"""

from __future__ import annotations

import inspect
import json
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from ..core.backend import client, current
from ..core.messages import WorkshopError
from ..core.resources import ensure_queue, ensure_table, purge
from ..core.sampling import wait_until
from ..core.workers import LambdaContext, Worker, batch_handler, fake_sqs_event
from ..shop import DOWNSTREAM, EFFECTS, Order, OutOfStock, Shop
from . import lesson

#: The idempotency table's short name; its partition key is ``id`` (what Powertools expects).
IDEMPOTENCY_TABLE = "idempotency"


def ensure_idempotency_table(short: str = IDEMPOTENCY_TABLE) -> str:
    """Create (or reuse) ``<prefix>-<short>`` with partition key ``id`` and return its name."""
    return ensure_table(short, key="id")


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

    A deterministic key plus a conditional write, so the write *is* the check:

    * payment, shipping, e-mail, points: the effect record is written with ``write_once`` (the
      notebook's: key ``(order id, "once")``, ``attribute_not_exists(order_id)``). A second
      delivery's write is refused: nothing happens twice, and the step counts as done.
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

    def __init__(self, shop: Shop, *, write_once: Callable[[str, str, dict[str, Any]], bool] | None = None) -> None:
        self.shop = shop
        self.write_once = write_once or lesson.write_once
        self._lock = threading.Lock()
        #: how many times a step found its effect already written and did nothing: {step: n}
        self.skipped: dict[str, int] = dict.fromkeys(DOWNSTREAM, 0)

    @classmethod
    def create(cls, shop: Shop) -> StepGuard:
        """A guard for ``shop`` with the notebook's ``write_once`` (it writes to the shop's own effect tables)."""
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
        at = Decimal(str(round(time.time(), 3)))
        return self.write_once(self.shop.store.tables[kind], order.order_id, {"at": at, **fields})

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
    consumers: dict[str, Callable[..., Any]],
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

            def record_fn(record: Any, lambda_context: Any = None, consume: Callable[..., Any] = consume,
                          run: DuplicateRun = run) -> None:
                count = int(record.attributes.approximate_receive_count)
                with lock:
                    run.deliveries.append((time.monotonic() - t0, count, getattr(lambda_context, "function_name", "?")))
                _call(consume, Order.from_json(record.body), lambda_context)
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


def _call(consume: Callable[..., Any], order: Order, lambda_context: Any) -> Any:
    """``consume(order)``, with the invocation's context when the consumer takes ``lambda_context``."""
    if "lambda_context" in inspect.signature(consume).parameters:
        return consume(order, lambda_context=lambda_context)
    return consume(order)


def _short(name: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in name.lower())[:20].strip("-") or "consumer"


# --- partial batch failure composes with idempotency ---------------------------------------------


@dataclass
class PartialBatchRun:
    """One batch (with a duplicate and a poison message) delivered twice to an idempotent handler."""

    bodies: list[str]
    failed_ids: list[list[str]]  # per delivery: the message ids the handler reported as failed
    charges: dict[str, int]  # order id → payments records


def partial_batch_demo(shop: Shop, consume: Callable[..., Any], *, n: int = 3) -> PartialBatchRun:
    """A batch of ``n`` orders + the first order again + a poison message, handled twice.

    The handler is Powertools' batch processor around ``consume`` (an idempotent consumer of an
    order, optionally taking ``lambda_context``): each delivery should report only the poison
    message as failed, and every order should be charged once, however many times it arrives.
    """
    orders = [shop.accept_order(p)[0] for p in shop.sample_orders(n)]
    bodies = [o.to_json() for o in orders] + [orders[0].to_json(), "{not an order"]

    def record_fn(record: Any, lambda_context: Any = None) -> None:
        _call(consume, Order.from_json(record.body), lambda_context)

    handler = batch_handler(record_fn)
    info = current()
    failed = []
    for _delivery in range(2):  # the whole batch again: e.g. a redelivery after a crash
        context = LambdaContext("partial-batch-demo", info.region, info.account, 30.0)
        result = handler(fake_sqs_event(bodies), context)
        failed.append(sorted(i["itemIdentifier"] for i in result.get("batchItemFailures", [])))
    counts = shop.store.count_by_order("payments", [o.order_id for o in orders])
    return PartialBatchRun(bodies, failed, {o.order_id: counts.get(o.order_id, 0) for o in orders})
