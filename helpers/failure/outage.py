"""A service goes down (notebook 05): the synchronous chain fails, the queue isolates the failure.

* :func:`sync_outage`: the synchronous API of notebook 01 while the e-mail service is down.
  Every order fails at the e-mail step, after the card was charged.
* :func:`outage_run`: the same outage through the learner's queue and its DLQ
  (:class:`~helpers.failure.pipeline.OrderPipeline`). Acceptance does not notice. Failed messages
  come back after the visibility timeout and complete once the service is back, each step once
  in effect. Two messages that can never succeed (an order whose stock row is missing, an old
  app's message format) are sent too: after ``maxReceiveCount`` receives they are in the DLQ.
  Both queues' depths are sampled for the figure.
* :func:`finish`: workers until the given orders are completed (after a redrive).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..core.resources import purge, queue_depth
from ..core.sampling import DepthSampler, DepthSeries, wait_until
from ..shop import Accepted, LoadResult, Shop, Status, percentile
from .dlq import peek, wait_for_dlq
from .pipeline import OrderPipeline, legacy_body, message_order_id

#: The product whose stock row goes missing in the outage run (a data bug), and the legacy order's items.
BAD_PRODUCT = "kyusu"
LEGACY_ITEMS = [{"product_id": "matcha-100g", "quantity": 2}]


@dataclass
class SyncOutage:
    """The synchronous API during an e-mail outage: what the customers got, and what was charged."""

    load: LoadResult
    charged: int  # orders charged (a payments record) although the order failed

    @property
    def n(self) -> int:
        """Orders placed."""
        return len(self.load.results)

    @property
    def completed(self) -> int:
        """Orders that completed."""
        return len(self.load.completed())

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
    """Orders placed before and during an outage through the queue, two bad messages, and both queues' depth."""

    step: str  # the service that was down
    before: list[Accepted]  # accepted before the outage
    during: list[Accepted]  # accepted while the service was down
    good: list[str]  # every good order (the untimed first one included)
    bad: list[str]  # the order whose stock row is missing, and the old app's order
    down_at: float  # seconds on the series' time axis
    up_at: float
    queue: DepthSeries
    dlq: DepthSeries
    t0: float  # perf_counter at the series' t = 0
    in_dlq: list[str]  # order ids of the messages in the DLQ at the end
    effects: dict[str, dict[str, int]]  # good order → records per effect table
    statuses: dict[str, str | None]  # good order → stored status
    deliveries: int  # deliveries of the good orders that reached the steps
    visibility_timeout: int
    max_receive_count: int
    drained_at: float = float("nan")  # when the last good order completed (series' time axis)
    marks: list[tuple[float, str]] = field(default_factory=list)

    def accept_ms(self, phase: str) -> list[float]:
        """Response times of the orders accepted ``"before"`` or ``"during"`` the outage, real ms."""
        return [p.response_ms for p in getattr(self, phase) if p.ok]

    def p50(self, phase: str) -> float:
        """Median acceptance time of a phase, real ms."""
        return percentile(self.accept_ms(phase), 50)

    def all_accepted(self, phase: str) -> bool:
        """Every order of the phase was answered 202."""
        orders = getattr(self, phase)
        return bool(orders) and all(p.ok for p in orders)

    @property
    def each_done_once(self) -> bool:
        """Every good order is completed with exactly one record in each effect table."""
        return bool(self.good) and all(self.statuses.get(o) == Status.COMPLETED for o in self.good) and all(
            n == 1 for counts in self.effects.values() for n in counts.values())


def _send_bad(pipe: OrderPipeline) -> list[str]:
    """The two messages that cannot succeed yet: an order for :data:`BAD_PRODUCT`, a legacy-format order."""
    missing = pipe.accept_order({"customer_id": "cust-aiko", "items": [{"product_id": BAD_PRODUCT, "quantity": 1}]})
    legacy_id = f"legacy-{int(time.time() * 1000) % 10**8:08d}"
    pipe.send_raw(legacy_body({"customer_id": "cust-mei", "items": LEGACY_ITEMS}, legacy_id))
    return [missing.order_id or "", legacy_id]


def outage_run(pipe: OrderPipeline, *, before: int = 6, during: int = 6, outage_s: float = 1.0, step: str = "email",
               workers: int = 2, timeout_s: float = 20) -> OutageRun:
    """Orders through ``pipe`` before and during an outage of ``step``, plus two messages that cannot succeed.

    Both queues are emptied and the stock row of :data:`BAD_PRODUCT` is deleted first (the data
    bug). ``workers`` workers run until every good order is completed and both bad messages are in
    the DLQ (or ``timeout_s``), then stop. Fix the causes with ``pipe.fix_stock()`` and
    ``pipe.accept_legacy = True``.
    """
    shop = pipe.shop
    service = shop.service(step)  # a clear sentence for an unknown step
    settings = pipe.settings()
    purge(pipe.queue_url)
    purge(pipe.dlq_url)
    pipe.break_stock(BAD_PRODUCT)
    payloads = [p for p in shop.sample_orders(4 * (before + during + 1))
                if all(i["product_id"] != BAD_PRODUCT for i in p["items"])]
    q_sampler, d_sampler = DepthSampler(pipe.queue_url, 0.05), DepthSampler(pipe.dlq_url, 0.05)
    pool = pipe.pool(workers).start()
    try:
        warmup = pipe.accept_order(payloads[before + during])  # a kernel's first calls are slow: not timed
        q_sampler.start()
        d_sampler.start()
        d_sampler._t0 = q_sampler._t0  # one time axis for both
        t0 = time.perf_counter() - q_sampler.now()
        first = pipe.accept_many(payloads[:before])
        bad = _send_bad(pipe)
        q_sampler.mark("bad")
        time.sleep(0.2)  # a normal day: the first orders go through
        service.take_down()
        down_at = q_sampler.now()
        second = pipe.accept_many(payloads[before:before + during])
        time.sleep(max(0.0, outage_s - (q_sampler.now() - down_at)))
        service.restore()
        up_at = q_sampler.now()
        good = [a.order_id for a in [warmup, *first, *second] if a.ok and a.order_id]
        pipe.wait_until_completed(good, timeout_s)
        with pipe._lock:
            done = [pipe.finished_at[o] for o in good if o in pipe.finished_at]
        drained_at = max(done) - t0 if len(done) == len(good) else float("nan")
        if wait_for_dlq(pipe.dlq_url, len(bad), timeout_s):
            q_sampler.mark("dlq")
        wait_until(lambda: sum(queue_depth(pipe.queue_url).values()) == 0, 3, poll_s=0.05)
    finally:
        service.restore()
        pool.stop()
        q_series, d_series = q_sampler.stop(), d_sampler.stop()
    with pipe._lock:
        deliveries = sum(pipe.deliveries[o] for o in good)
    in_dlq = [message_order_id(m.body) or "?" for m in peek(pipe.dlq_url)]
    return OutageRun(step, first, second, good, bad, down_at, up_at, q_series, d_series, t0, in_dlq,
                     pipe.effects(good), pipe.statuses(good), deliveries, settings["visibility_timeout"],
                     settings["max_receive_count"], drained_at, list(q_series.marks))


def finish(pipe: OrderPipeline, order_ids: Sequence[str], *, workers: int = 2,
           timeout_s: float = 20) -> dict[str, str | None]:
    """Run ``workers`` workers until every order in ``order_ids`` is completed (or ``timeout_s``); their statuses."""
    pool = pipe.pool(workers).start()
    try:
        pipe.wait_until_completed(order_ids, timeout_s)
        wait_until(lambda: sum(queue_depth(pipe.queue_url).values()) == 0, 3, poll_s=0.05)
    finally:
        pool.stop()
    return pipe.statuses(order_ids)
