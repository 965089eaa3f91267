"""Failure isolation (notebook 05): a broken service does not lose orders.

Two pieces:

* :func:`outage_run` / :func:`sync_outage` — **an e-mail outage**, both ways. Synchronously every
  order fails at the e-mail step (after the card was charged). With notebook 04's fan-out
  (:class:`helpers.fanout.FanoutShop`: one queue per service), acceptance does not notice, the
  e-mail events wait in the e-mail queue (its depth is sampled), and when the service is back
  the backlog drains and every order gets exactly one e-mail (counted in the e-mails table).
* :class:`OrderPipeline` — the orders queue **with a dead-letter queue** and a worker that runs
  the five steps, each *exactly once in effect* (:class:`helpers.failure.idempotency.StepGuard`), with a
  short in-process retry (backoff + jitter) for transient errors. The queue's redelivery is the
  outer retry, the DLQ the last resort. It also knows the "legacy" message format of an old app
  version (switched on with ``accept_legacy`` — the fix in the DLQ section), can send raw and
  duplicate messages (poison, producer retries), and takes a :class:`Chaos` for the chaos run
  (:mod:`helpers.failure.chaos`).
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..core.backend import client
from ..core.messages import WorkshopError, say
from ..core.resources import ensure_queue, purge, queue_arn, queue_depth
from ..core.sampling import DepthSampler, DepthSeries, wait_until
from ..core.workers import Handler, WorkerPool, batch_handler
from ..queues.async_shop import Accepted, AsyncShop
from ..shop import DOWNSTREAM, InvalidOrder, LoadResult, Order, Shop, Status, percentile
from .retry import TRANSIENT, call_with_retries

#: The orders queue of this notebook (its DLQ is ``<queue>-dlq``).
ORDERS_QUEUE = "orders-05"


# --- 1. an outage, synchronously and asynchronously ----------------------------------------------


@dataclass
class SyncOutage:
    """The synchronous API during an e-mail outage: what the customers got, and what was charged."""

    load: LoadResult
    charged: int  # orders charged (a payments record) although the order failed

    @property
    def failed_at_email(self) -> int:
        """Orders that failed at the e-mail step."""
        return self.load.failures_by_step().get("email", 0)


def sync_outage(shop: Shop, n: int = 6, *, start: int = 0) -> SyncOutage:
    """Place ``n`` orders synchronously while the e-mail service is down; count failures and charges."""
    with shop.service("email").outage():
        load = shop.run_load(shop.sample_orders(n, start=start), clients=1)
    ids = [r.order_id for r in load.results if r.order_id and not r.ok]
    charged = sum(1 for c in shop.store.count_by_order("payments", ids).values() if c)
    return SyncOutage(load, charged)


@dataclass
class OutageRun:
    """Orders placed before and during an e-mail outage through the fan-out, and the e-mail backlog."""

    before: list[Any]  # helpers.fanout.Published, accepted before the outage
    during: list[Any]  # … accepted while the e-mail service was down
    down_at: float  # seconds on the depth series' time axis
    up_at: float
    drained_at: float  # when the last e-mail was sent (NaN if not all were)
    depth: DepthSeries  # the e-mail queue
    emails: dict[str, int]  # order id → e-mails records (from the e-mails table)
    email_attempts: int  # e-mail deliveries tried, failures included
    t0: float = 0.0  # perf_counter at the series' t = 0
    warmup: list[Any] = field(default_factory=list)  # one order placed first, not timed (a kernel's first calls are slow)

    @property
    def order_ids(self) -> list[str]:
        """Every accepted order (the warm-up order included: it needs its e-mail too)."""
        return [p.order_id for p in [*self.warmup, *self.before, *self.during] if p.ok and p.order_id]

    def accept_ms(self, phase: str) -> list[float]:
        """Response times of the orders accepted ``"before"`` or ``"during"`` the outage, real ms."""
        return [p.response_ms for p in getattr(self, phase) if p.ok]

    def p50(self, phase: str) -> float:
        """Median acceptance time of a phase, real ms."""
        return percentile(self.accept_ms(phase), 50)

    @property
    def peak_backlog(self) -> int:
        """Most e-mail events waiting or in flight at once."""
        return self.depth.peak

    @property
    def exactly_one_email(self) -> bool:
        """Every accepted order has exactly one e-mail record."""
        return bool(self.order_ids) and all(self.emails.get(o, 0) == 1 for o in self.order_ids)


#: Notebook 05's own fan-out (a topic and queues of its own, so notebook 04's extra subscribers
#: on ``order-events`` never get these events): queue short name → the step its workers run.
OUTAGE_TOPIC = "outage-events"
OUTAGE_SERVICES: dict[str, str] = {"outage-shipping": "shipping", "outage-email": "email", "outage-points": "points"}


def outage_fanout(shop: Shop, *, visibility_timeout: int = 1, max_receive_count: int = 10) -> Any:
    """Notebook 04's fan-out for this notebook: topic ``<prefix>-outage-events``, one queue per service.

    The e-mail queue gets a short visibility timeout (failed e-mails are tried again soon) and a
    DLQ with a ``maxReceiveCount`` large enough that a short outage sends nothing there.
    """
    from ..fanout import FanoutShop

    return FanoutShop.create(shop, services=OUTAGE_SERVICES, topic=OUTAGE_TOPIC, queue_options={
        "outage-email": {"dlq": True, "max_receive_count": max_receive_count, "visibility_timeout": visibility_timeout}})


def outage_run(fshop: Any, *, before: int = 10, during: int = 10, outage_s: float = 2.0,
               subscriber: str = "outage-email", timeout_s: float = 30) -> OutageRun:
    """Place orders through the fan-out, take the e-mail service down for ``outage_s``, restore it.

    ``fshop`` is a :class:`helpers.fanout.FanoutShop` whose subscriber ``subscriber`` sends the
    e-mails. Every service gets one worker; the e-mail queue's depth is sampled throughout.
    Returns when every order got its e-mail (or after ``timeout_s``).
    """
    sub = fshop[subscriber]
    shop: Shop = fshop.shop
    email = shop.service("email")
    sampler = DepthSampler(sub.queue_url, interval_s=0.05)
    fshop.reset_counts()
    fshop.start(workers=1)
    try:
        warmup = fshop.place_order(fshop.sample_orders(1, start=before + during)[0])  # first calls of a kernel are slow
        sampler.start()
        t0 = time.perf_counter() - sampler.now()
        first = fshop.place_many(fshop.sample_orders(before))
        time.sleep(0.2)  # let the e-mails of the first orders go out: a normal day
        email.take_down()
        down_at = sampler.now()
        sampler.mark("e-mail down")
        second = fshop.place_many(fshop.sample_orders(during, start=before))
        time.sleep(max(0.0, outage_s - (sampler.now() - down_at)))
        email.restore()
        up_at = sampler.now()
        sampler.mark("e-mail back")
        ids = [p.order_id for p in [warmup, *first, *second] if p.ok and p.order_id]
        drained = wait_until(lambda: sub.processed(ids) == len(ids), timeout_s)
        drained_at = max(sub.finished_at[i] for i in ids) - t0 if drained else float("nan")
        wait_until(lambda: sum(queue_depth(sub.queue_url).values()) == 0, 3, poll_s=0.05)
    finally:
        email.restore()
        series = sampler.stop()
        fshop.stop()
    emails = shop.store.count_by_order("emails", ids)
    return OutageRun(first, second, down_at, up_at, drained_at, series, {i: emails.get(i, 0) for i in ids},
                     sum(sub.attempts[i] for i in ids), t0, [warmup])


# --- 2. the orders pipeline with a DLQ -----------------------------------------------------------


class Killed(Exception):
    """The worker died (chaos): raised inside a batch so the whole invocation fails."""


def legacy_body(payload: dict[str, Any], order_id: str) -> str:
    """The message an old app version sends for ``payload``: another shape (``orderId``, ``lines``…)."""
    return json.dumps({
        "version": 1,
        "orderId": order_id,
        "customer": payload["customer_id"],
        "lines": [{"sku": i["product_id"], "qty": i["quantity"]} for i in payload["items"]],
    })


class OrderPipeline:
    """Orders queue + DLQ + a worker that runs inventory → payment → shipping → e-mail → points.

    ``guard`` (a :class:`~helpers.failure.idempotency.StepGuard`) makes every step exactly once in effect;
    ``None`` runs the shop's plain (non-idempotent) steps. ``retry_attempts`` tries a step that
    failed transiently again in the worker, with backoff and jitter, before the record fails.
    Every failure of a record — a poison message, a service that stays down — makes it come
    back after the visibility timeout, until the queue's ``maxReceiveCount`` sends it to the DLQ.
    """

    def __init__(self, shop: Shop, queue_url: str, dlq_url: str, *, guard: Any = None,
                 retry_attempts: int = 2, accept_legacy: bool = False) -> None:
        self.shop = shop
        self.queue_url = queue_url
        self.dlq_url = dlq_url
        self.guard = guard
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
               max_receive_count: int = 3, idempotent: bool = True, retry_attempts: int = 2) -> OrderPipeline:
        """The queue ``<prefix>-<queue>`` with its DLQ ``<prefix>-<queue>-dlq`` (both emptied).

        ``idempotent`` runs every step through a :class:`~helpers.failure.idempotency.StepGuard`.
        """
        from .idempotency import StepGuard

        if not isinstance(max_receive_count, int) or not 1 <= max_receive_count <= 1000:
            raise WorkshopError("failure.bad_max_receive", value=max_receive_count)
        shop = shop or Shop.create()
        dlq = ensure_queue(f"{queue}-dlq", visibility_timeout=visibility_timeout)
        url = ensure_queue(queue, visibility_timeout=visibility_timeout, dlq_arn=queue_arn(dlq),
                           max_receive_count=max_receive_count)
        purge(url)
        purge(dlq)
        guard = StepGuard.create(shop) if idempotent else None
        return cls(shop, url, dlq, guard=guard, retry_attempts=retry_attempts)

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
            return
        call_with_retries(once, attempts=self.retry_attempts, base_s=0.02, cap_s=0.2, retry_on=TRANSIENT).result()

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


@dataclass
class Chaos:
    """Random worker deaths and slow workers, for the chaos run (see :mod:`helpers.failure.chaos`).

    A batch dies with probability ``kill_rate``: at a random record and step (or after the last
    step, before the batch is deleted). The records already done keep their effects, nothing of
    the batch is deleted, and all of it comes back after the visibility timeout — as when a
    Lambda invocation crashes. Orders in ``slow`` pause ``slow_s`` (longer than the visibility
    timeout) after the payment step, the first time, so another worker receives them meanwhile.
    """

    kill_rate: float = 0.05
    slow: set[str] = field(default_factory=set)
    slow_s: float = 1.5
    seed: int = 1
    kills: list[float] = field(default_factory=list)  # time.perf_counter() of each death
    slowed: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)
        self._lock = threading.Lock()
        self._local = threading.local()

    def begin_batch(self, size: int) -> None:
        """Decide whether (and where) this batch dies."""
        with self._lock:
            dies = self._rng.random() < self.kill_rate
            where = (self._rng.randrange(max(1, size)), self._rng.choice([*DOWNSTREAM, "end"]))
        self._local.dying_at = where if dies else None
        self._local.index = -1
        self._local.dead = False

    def before_record(self) -> None:
        """A dead worker processes nothing more."""
        local = self._local
        local.index = getattr(local, "index", -1) + 1
        if getattr(local, "dead", False):
            raise Killed("the worker died earlier in this batch")

    def after_step(self, step: str, order_id: str) -> None:
        """Maybe die here; maybe be slow here."""
        local = self._local
        if getattr(local, "dying_at", None) == (local.index, step):
            local.dead = True
            with self._lock:
                self.kills.append(time.perf_counter())
            raise Killed(f"the worker died after step {step}")
        if step == "payment" and order_id in self.slow:
            with self._lock:
                first = order_id not in self.slowed
                self.slowed.add(order_id)
            if first:
                time.sleep(self.slow_s)

    def end_batch(self) -> None:
        """Raise :class:`Killed` if the worker died during the batch (so nothing is deleted)."""
        if getattr(self._local, "dead", False):
            raise Killed("the worker died during the batch")


# --- 3. the DLQ story: two messages that keep failing ----------------------------------------------


@dataclass
class DlqFlow:
    """Good orders, plus two that keep failing, through a queue with a small ``maxReceiveCount``."""

    good: list[str]  # order ids that should complete
    stuck: list[str]  # the order whose product has no stock row, and the old app's order
    queue: DepthSeries
    dlq: DepthSeries
    marks: list[tuple[float, str]]
    in_dlq: int
    max_receive_count: int
    visibility_timeout: int
    dlq_after_s: float  # seconds from sending until both were in the DLQ (NaN if not)


def dlq_flow(pipe: OrderPipeline, *, good: int = 6, product: str = "kyusu", pool: WorkerPool | None = None,
             timeout_s: float = 20) -> DlqFlow:
    """Send ``good`` orders, one order of ``product`` (whose stock row is missing) and one legacy-format order.

    Workers (``pool`` if given and running — it is left running — else two of our own) run until
    the good orders are completed and both bad messages reached the DLQ. The depths of both
    queues are sampled for the figure.
    """
    from .dlq import redrive_policy, wait_for_dlq

    policy = redrive_policy(pipe.queue_url) or {"maxReceiveCount": 0}
    vt = int(client("sqs").get_queue_attributes(QueueUrl=pipe.queue_url, AttributeNames=["VisibilityTimeout"])
             ["Attributes"]["VisibilityTimeout"])
    pipe.break_stock(product)
    payloads = [p for p in pipe.shop.sample_orders(4 * good) if all(i["product_id"] != product for i in p["items"])]
    q_sampler, d_sampler = DepthSampler(pipe.queue_url, 0.05), DepthSampler(pipe.dlq_url, 0.05)
    q_sampler.start()
    d_sampler.start()
    d_sampler._t0 = q_sampler._t0
    own = pool is None
    pool = pool or pipe.pool(2)
    try:
        good_ids = [a.order_id for a in pipe.accept_many(payloads[:good]) if a.ok and a.order_id]
        bad = pipe.accept_order({"customer_id": "cust-aiko", "items": [{"product_id": product, "quantity": 1}]})
        legacy_id = f"legacy-{int(time.time() * 1000) % 10**8:08d}"
        pipe.send_raw(legacy_body({"customer_id": "cust-mei", "items": [{"product_id": "matcha-100g", "quantity": 2}]},
                                  legacy_id))
        q_sampler.mark("sent")
        sent_at = q_sampler.now()
        if own:
            pool.start()
        reached = wait_for_dlq(pipe.dlq_url, 2, timeout_s)
        if reached:
            q_sampler.mark("both in the DLQ")
        dlq_after = q_sampler.now() - sent_at if reached else float("nan")
        pipe.wait_until_completed(good_ids, timeout_s)
        wait_until(lambda: sum(queue_depth(pipe.queue_url).values()) == 0, 3, poll_s=0.05)
    finally:
        if own:
            pool.stop()
        q_series, d_series = q_sampler.stop(), d_sampler.stop()
    return DlqFlow(good_ids, [bad.order_id or "", legacy_id], q_series, d_series, list(q_series.marks),
                   queue_depth(pipe.dlq_url)["visible"], int(policy["maxReceiveCount"]), vt, dlq_after)


def finish(pipe: OrderPipeline, order_ids: Sequence[str], *, pool: WorkerPool | None = None, workers: int = 2,
           timeout_s: float = 20) -> dict[str, str | None]:
    """Wait until every order in ``order_ids`` is completed (or ``timeout_s``); return their stored statuses.

    Uses the running ``pool`` if given (left running), else starts ``workers`` and stops them after.
    """
    own = pool is None
    pool = pool or pipe.pool(workers).start()
    try:
        pipe.wait_until_completed(order_ids, timeout_s)
        wait_until(lambda: sum(queue_depth(pipe.queue_url).values()) == 0, 3, poll_s=0.05)
    finally:
        if own:
            pool.stop()
    return pipe.statuses(order_ids)
