"""The orders queue of notebook 05 and its worker: five steps, each once in effect, a DLQ behind it.

:class:`OrderPipeline` is the harness the notebook hands its own functions to: the queues come
from the learner's ``create_queue`` calls and ``add_dead_letter_queue`` (or :meth:`OrderPipeline.create`
makes them with the same function), every step's record is written with the learner's
``write_once`` (through :class:`~helpers.failure.idempotency.StepGuard`), and a transient error is
retried in the worker with the learner's ``call_with_retries``. Left out, each defaults to the
notebook's saved version in :mod:`helpers.failure.lesson`.

The queue's redelivery is the outer retry, the DLQ the last resort. The pipeline also knows
the "legacy" message format of an old app version (switched on with ``accept_legacy``: the fix
in the DLQ section), sends raw and duplicate messages (poison, producer retries), and takes a
:class:`~helpers.failure.chaos.Chaos` for the chaos run.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from ..core.backend import client
from ..core.diagrams import read_queue
from ..core.limits import SQS_MAX_RECEIVE_COUNT
from ..core.messages import WorkshopError, say
from ..core.resources import ensure_queue, purge, queue_depth
from ..core.sampling import wait_until
from ..core.workers import Handler, WorkerPool, batch_handler
from ..queues.async_shop import AsyncShop
from ..shop import DOWNSTREAM, Accepted, InvalidOrder, Order, Shop, Status
from . import lesson
from .idempotency import StepGuard

if TYPE_CHECKING:
    from .chaos import Chaos

#: The orders queue of this notebook when the pipeline makes its own (its DLQ is ``<queue>-dlq``).
ORDERS_QUEUE = "orders-05"


def legacy_body(payload: dict[str, Any], order_id: str) -> str:
    """The message an old app version sends for ``payload``: another shape (``orderId``, ``lines``…)."""
    return json.dumps({
        "version": 1,
        "orderId": order_id,
        "customer": payload["customer_id"],
        "lines": [{"sku": i["product_id"], "qty": i["quantity"]} for i in payload["items"]],
    })


def message_order_id(body: str) -> str | None:
    """The order id a message body names, in either format (None for a body that names none)."""
    try:
        data = json.loads(body)
    except (TypeError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    found = data.get("order_id") or data.get("orderId")
    return found if isinstance(found, str) else None


class OrderPipeline:
    """Orders queue + DLQ + a worker that runs inventory → payment → shipping → e-mail → points.

    ``idempotent`` runs every step through a :class:`~helpers.failure.idempotency.StepGuard` built
    on ``write_once``; without it the shop's plain steps run (a redelivery repeats them).
    ``retry`` tries a step that failed transiently again in the worker, ``retry_attempts`` times
    in all, before the record fails. Every failure of a record (a poison message, a service that
    stays down) makes it come back after the visibility timeout, until the queue's
    ``maxReceiveCount`` sends it to the DLQ.
    """

    def __init__(self, shop: Shop, queue_url: str, dlq_url: str, *, idempotent: bool = True,
                 write_once: Callable[..., bool] | None = None, retry: Callable[..., Any] | None = None,
                 retry_attempts: int = 2, accept_legacy: bool = False) -> None:
        self.shop = shop
        self.queue_url = queue_url
        self.dlq_url = dlq_url
        self.guard = StepGuard(shop, write_once=write_once) if idempotent else None
        self.retry = retry or lesson.call_with_retries
        self.retry_attempts = retry_attempts
        #: understand the old app's message format too (the fix for the legacy poison message)
        self.accept_legacy = accept_legacy
        self.chaos: Chaos | None = None
        self._api = AsyncShop(shop, queue_url)
        self._lock = threading.Lock()
        #: order id → time.perf_counter() when a worker first completed it
        self.finished_at: dict[str, float] = {}
        #: order id → deliveries that reached the steps (redeliveries included)
        self.deliveries: Counter[str] = Counter()

    @classmethod
    def create(cls, shop: Shop | None = None, *, queue: str = ORDERS_QUEUE, visibility_timeout: int = 1,
               max_receive_count: int = 3, add_dlq: Callable[[str, str, int], Any] | None = None,
               **options: Any) -> OrderPipeline:
        """Make the queue ``<prefix>-<queue>`` and its DLQ ``<prefix>-<queue>-dlq`` (both emptied).

        ``add_dlq(queue_url, dlq_url, max_receive_count)`` sets the redrive policy (the notebook's
        ``add_dead_letter_queue`` by default); ``options`` go to the constructor.
        """
        if not isinstance(max_receive_count, int) or not 1 <= max_receive_count <= SQS_MAX_RECEIVE_COUNT:
            raise WorkshopError("failure.bad_max_receive", value=max_receive_count)
        shop = shop or Shop.create()
        dlq = ensure_queue(f"{queue}-dlq", visibility_timeout=visibility_timeout)
        url = ensure_queue(queue, visibility_timeout=visibility_timeout)
        (add_dlq or lesson.add_dead_letter_queue)(url, dlq, max_receive_count)
        purge(url)
        purge(dlq)
        return cls(shop, url, dlq, **options)

    def settings(self) -> dict[str, int]:
        """The queue's ``visibility_timeout`` and ``max_receive_count`` as SQS reports them (0 without a DLQ)."""
        facts = read_queue(self.queue_url)
        return {"visibility_timeout": facts.visibility_timeout or 0, "max_receive_count": facts.max_receive_count or 0}

    # --- producing ----------------------------------------------------------------------------
    def accept_order(self, payload: Any) -> Accepted:
        """The async API: validate → store ``ACCEPTED`` → send → 202 (400 for an invalid order)."""
        return self._api.accept_order(payload)

    def accept_many(self, payloads: Sequence[Any]) -> list[Accepted]:
        """Accept ``payloads`` one after another."""
        return [self.accept_order(p) for p in payloads]

    def send_raw(self, body: str) -> str:
        """Put any body on the orders queue (a poison message, an old app's order); returns the message id."""
        return client("sqs").send_message(QueueUrl=self.queue_url, MessageBody=body)["MessageId"]

    def send_duplicate(self, order_id: str) -> str:
        """Send an accepted order's message again, as a producer retrying after a timeout would."""
        stored = self.shop.store.get_order(order_id)
        if stored is None:
            raise WorkshopError("failure.unknown_order", order_id=order_id)
        return self.send_raw(Order.from_dict(stored).to_json())

    # --- consuming ----------------------------------------------------------------------------
    def parse(self, body: str) -> Order:
        """The order in a message body (current format; the legacy one too if :attr:`accept_legacy`).

        Raises :class:`~helpers.shop.InvalidOrder` (one sentence) for anything else.
        """
        return self._parse(body)[0]

    def _parse(self, body: str) -> tuple[Order, bool]:
        """``(order, legacy)``: the order and whether it came in the old app's format."""
        try:
            data = json.loads(body)
        except (TypeError, ValueError) as exc:
            raise InvalidOrder("shop.invalid.message", detail=str(exc)) from None
        if isinstance(data, dict) and data.get("version") == 1 and "orderId" in data:
            if not self.accept_legacy:
                raise InvalidOrder("failure.legacy_format")
            payload = {
                "order_id": data["orderId"],
                "customer_id": data.get("customer"),
                "items": [{"product_id": line.get("sku"), "quantity": line.get("qty")}
                          for line in data.get("lines") or [] if isinstance(line, dict)],
            }
            return self.shop.validate(payload), True
        return Order.from_json(body), False

    def diagnose(self, body: str) -> str:
        """Why this message cannot be processed now, in one sentence ("" if it can)."""
        try:
            order = self.parse(body)
        except WorkshopError as err:
            return str(err)
        for item in order.items:
            if not self._stock_row_exists(item.product_id):
                return say("failure.no_stock_row", product=item.product_id)
        return ""

    def _stock_row_exists(self, product_id: str) -> bool:
        return "Item" in client("dynamodb").get_item(
            TableName=self.shop.store.tables["stock"], Key={"product_id": {"S": product_id}}, ConsistentRead=True)

    def process_record(self, record: Any) -> str:
        """Run the five steps for one message (a Powertools ``SQSRecord``); raise to fail it."""
        chaos = self.chaos
        if chaos is not None:
            chaos.before_record()
        order, legacy = self._parse(record.body)  # poison → InvalidOrder → this record fails
        with self._lock:
            self.deliveries[order.order_id] += 1
        if legacy and self.shop.store.get_order(order.order_id) is None:  # the old app never called the API
            self.shop.store.put_order(order, Status.ACCEPTED)
        # A redelivery skips the steps already done without calling their services again. A first
        # receive (receive count 1) skips the lookup: even a duplicate *send* is safe, because every
        # guarded write refuses to happen twice.
        first = str(getattr(getattr(record, "attributes", None), "approximate_receive_count", "2")) == "1"
        done = self.guard.done_steps(order.order_id) if self.guard is not None and not first else set()
        for step in DOWNSTREAM:
            if step not in done:
                self._run_step(step, order)
            if chaos is not None:
                chaos.after_step(step, order.order_id)
        self.shop.store.set_status(order.order_id, Status.COMPLETED, steps=dict.fromkeys(("validate", *DOWNSTREAM), "ok"))
        with self._lock:
            self.finished_at.setdefault(order.order_id, time.perf_counter())
        if chaos is not None:
            chaos.after_step("end", order.order_id)
        return Status.COMPLETED

    def _run_step(self, step: str, order: Order) -> None:
        def once() -> Any:
            if self.guard is not None:
                return self.guard.run(step, order)
            return self.shop.step_function(step)(order)

        if self.retry_attempts <= 1:
            once()
        else:
            self.retry(once, attempts=self.retry_attempts, base_s=0.02, cap_s=0.2)

    @property
    def handler(self) -> Handler:
        """The worker Lambda: Powertools batch processing around :meth:`process_record` (+ chaos)."""
        inner = batch_handler(self.process_record)
        chaos = self.chaos
        if chaos is None:
            return inner

        def handler(event: dict[str, Any], context: Any = None) -> Any:
            chaos.begin_batch(len(event.get("Records", [])))
            result = inner(event, context)
            chaos.end_batch()  # raises Killed if the worker "died": nothing of the batch is deleted
            return result

        return handler

    def pool(self, workers: int = 2, **worker_kwargs: Any) -> WorkerPool:
        """A (not yet started) pool of workers on the orders queue."""
        return WorkerPool(self.queue_url, self.handler, workers=workers, name="orders-05", **worker_kwargs)

    # --- reading back -------------------------------------------------------------------------
    def status(self, order_id: str) -> str | None:
        """The order's stored status, or None."""
        order = self.shop.store.get_order(order_id)
        return None if order is None else str(order["status"])

    def statuses(self, order_ids: Sequence[str]) -> dict[str, str | None]:
        """Stored status of each order."""
        return {i: self.status(i) for i in order_ids}

    def effects(self, order_ids: Sequence[str]) -> dict[str, dict[str, int]]:
        """For each order: how many records each effect table holds, ``{order: {"payments": 1, …}}``."""
        ids = list(order_ids)
        by_kind = self.shop.store.effects(ids)
        return {oid: {kind: by_kind[kind].get(oid, 0) for kind in by_kind} for oid in ids}

    def wait_until_completed(self, order_ids: Sequence[str], timeout_s: float) -> bool:
        """Wait until a worker of this process completed every order (False on timeout)."""
        wanted = set(order_ids)
        return wait_until(lambda: wanted <= self.finished_at.keys(), timeout_s)

    def depths(self) -> dict[str, int]:
        """Messages in the orders queue (visible + in flight + delayed) and in the DLQ."""
        return {"queue": sum(queue_depth(self.queue_url).values()), "dlq": sum(queue_depth(self.dlq_url).values())}

    def break_stock(self, product_id: str) -> None:
        """A data bug: delete the product's row from the stock table (the catalog still sells it)."""
        if product_id not in self.shop.catalog:
            raise WorkshopError("failure.unknown_product", product=product_id, valid=", ".join(sorted(self.shop.catalog)))
        client("dynamodb").delete_item(TableName=self.shop.store.tables["stock"],
                                       Key={"product_id": {"S": product_id}})

    def fix_stock(self) -> None:
        """The fix: load every product's stock row again."""
        self.shop.store.reset_stock(self.shop.catalog)
