"""The order API, asynchronous: *accept* now (validate, store, enqueue, answer 202), *execute* later.

The webinar's second API: API Gateway → Lambda (accept) → SQS ``…-claim-queue`` → Lambda
(execute) → DynamoDB. Here:

* :meth:`AsyncShop.accept_order` validates the payload (the domain's ``validate`` step), stores
  the order with status ``ACCEPTED``, sends it to the orders queue and returns at once with the
  order id: the HTTP analogue is ``202 Accepted``. An invalid order is answered ``400`` with one
  sentence, and nothing is stored or sent.
* :meth:`AsyncShop.process_record` is the worker's per-record function: it rebuilds the order
  from the message and runs the remaining steps (inventory → payment → shipping → e-mail →
  points, the domain's own step functions), then sets the status to ``COMPLETED`` (or
  ``FAILED`` with the step that failed). :attr:`AsyncShop.handler` wraps it with Powertools'
  batch utilities: that is the function you would deploy as the worker Lambda.
* :meth:`AsyncShop.status` reads the status back, as a client would poll ``GET /orders/{id}``.

:func:`compare_sync_async` runs the webinar's demo (the same orders both ways) and
:func:`scaling_run` the "workers scale independently of acceptance" measurement.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..core.backend import client
from ..core.display import progress_bar
from ..core.messages import WorkshopError
from ..core.resources import ensure_queue, purge, queue_depth
from ..core.sampling import DepthSampler, DepthSeries, wait_until
from ..core.workers import Handler, WorkerPool, WorkerStats, batch_handler
from ..shop import (
    Accepted,
    InvalidOrder,
    LoadResult,
    Order,
    Shop,
    Status,
    percentile,
    speed_factor,
)

ORDERS_QUEUE = "orders"


class AsyncShop:
    """Accept orders into a queue; workers execute them. Wraps a domain :class:`~helpers.shop.Shop`.

    ``retry_failures=False`` (the default here): a failed step marks the order ``FAILED`` and the
    message is done, as the synchronous API would answer. ``True``: the record fails, so the
    message comes back after the visibility timeout and the whole chain is tried again
    (at-least-once: the steps before the failure run twice; notebook 05 deals with that).
    A message that is not an order (a poison message) always fails its record.
    """

    def __init__(self, shop: Shop, queue_url: str, *, retry_failures: bool = False) -> None:
        self.shop = shop
        self.queue_url = queue_url
        self.retry_failures = retry_failures
        self._lock = threading.Lock()
        #: order id → time.perf_counter() when a worker finished it (COMPLETED or FAILED)
        self.finished_at: dict[str, float] = {}
        #: order id → final status reached in this process
        self.final_status: dict[str, str] = {}

    @classmethod
    def create(
        cls,
        shop: Shop | None = None,
        *,
        queue: str = ORDERS_QUEUE,
        visibility_timeout: int = 30,
        retry_failures: bool = False,
    ) -> AsyncShop:
        """The shop (``Shop.create()`` if none given) plus its orders queue ``<prefix>-orders``.

        The queue is created or reused, and emptied of visible messages, so "Run All" twice
        starts from the same place.
        """
        shop = shop or Shop.create()
        url = ensure_queue(queue, visibility_timeout=visibility_timeout)
        purge(url)
        return cls(shop, url, retry_failures=retry_failures)

    # --- accept -----------------------------------------------------------------------------
    def accept_order(self, payload: Any) -> Accepted:
        """Validate → store (``ACCEPTED``) → ``SendMessage`` → answer. Never raises for a bad order."""
        start = time.perf_counter()
        try:
            order, _span = self.shop.accept_order(payload)
        except InvalidOrder as err:  # 400: nothing stored, nothing sent
            return Accepted(None, Status.REJECTED, start, time.perf_counter(), str(err))
        client("sqs").send_message(
            QueueUrl=self.queue_url,
            MessageBody=order.to_json(),
            MessageAttributes={"order_id": {"DataType": "String", "StringValue": order.order_id}},
        )
        return Accepted(order.order_id, Status.ACCEPTED, start, time.perf_counter())

    def accept_many(self, payloads: Sequence[Any]) -> list[Accepted]:
        """Accept ``payloads`` one after another (one client), as fast as the API answers."""
        return [self.accept_order(p) for p in payloads]

    # --- execute ----------------------------------------------------------------------------
    def process_record(self, record: Any) -> str:
        """Run the downstream steps for one queued order (a Powertools ``SQSRecord``); return its status.

        Raises (so only this record fails and comes back) for a poison message, and for a failed
        step when ``retry_failures`` is on.
        """
        order = Order.from_json(record.body)  # InvalidOrder for a poison message: the record fails
        run = self.shop.run_steps(order)
        steps = {"validate": "ok", **run.steps}
        if run.error is not None:
            if self.retry_failures:
                raise run.error
            self.shop.store.set_status(order.order_id, Status.FAILED, steps=steps, failed_step=run.failed_step,
                                       error=str(run.error))
            self._finish(order.order_id, Status.FAILED)
            return Status.FAILED
        self.shop.store.set_status(order.order_id, Status.COMPLETED, steps=steps)
        self._finish(order.order_id, Status.COMPLETED)
        return Status.COMPLETED

    def _finish(self, order_id: str, status: str) -> None:
        with self._lock:
            self.finished_at[order_id] = time.perf_counter()
            self.final_status[order_id] = status

    @property
    def handler(self) -> Handler:
        """The worker Lambda's handler: Powertools batch processing around :meth:`process_record`."""
        return batch_handler(self.process_record)

    def pool(self, workers: int = 2, **worker_kwargs: Any) -> WorkerPool:
        """A (not yet started) pool of ``workers`` consuming the orders queue with :attr:`handler`."""
        return WorkerPool(self.queue_url, self.handler, workers=workers, name="orders", **worker_kwargs)

    # --- read back ---------------------------------------------------------------------------
    def status(self, order_id: str) -> str | None:
        """The order's status as stored (``ACCEPTED``, ``COMPLETED``, ``FAILED``), or ``None`` if unknown."""
        order = self.shop.store.get_order(order_id)
        return None if order is None else str(order["status"])

    def wait_until_finished(self, order_ids: Sequence[str], timeout: float) -> bool:
        """Wait until a worker of this process finished every order in ``order_ids`` (False on timeout)."""
        wanted = set(order_ids)
        return wait_until(lambda: wanted <= self.finished_at.keys(), timeout)


# --- measurements --------------------------------------------------------------------------------


@dataclass
class AsyncRun:
    """Orders accepted by one client and executed by a worker pool."""

    accepted: list[Accepted]
    finished_at: dict[str, float]
    final_status: dict[str, str]
    workers: int
    stats: WorkerStats
    depth: DepthSeries | None = None
    t0: float = 0.0  # perf_counter at the start (for the depth series: t_s = perf_counter - t0)

    @property
    def accept_ms(self) -> list[float]:
        """Response times of the accepted orders, real ms."""
        return [a.response_ms for a in self.accepted if a.ok]

    @property
    def end_to_end_ms(self) -> list[float]:
        """Per order: from the request arriving to a worker finishing it, real ms."""
        return [(self.finished_at[a.order_id] - a.start) * 1000 for a in self.accepted
                if a.ok and a.order_id in self.finished_at]

    @property
    def all_accepted_s(self) -> float:
        """Seconds from the first request to the last answer."""
        return max(a.end for a in self.accepted) - self.accepted[0].start if self.accepted else float("nan")

    @property
    def all_finished_s(self) -> float:
        """Seconds from the first request until the last order was finished by a worker."""
        done = [self.finished_at[a.order_id] for a in self.accepted if a.ok and a.order_id in self.finished_at]
        return max(done) - self.accepted[0].start if done else float("nan")

    @property
    def completed(self) -> int:
        """Orders that reached ``COMPLETED``."""
        return sum(1 for a in self.accepted if self.final_status.get(a.order_id or "") == Status.COMPLETED)


def run_async(ashop: AsyncShop, payloads: Sequence[Any], *, workers: int = 2, timeout: float = 60,
              pool: WorkerPool | None = None, sample_depth: bool = False) -> AsyncRun:
    """Accept ``payloads`` with one client while ``workers`` execute them; wait until all finished.

    Pass a running ``pool`` to reuse it (it is left running); otherwise one is started and
    stopped here. ``sample_depth`` records the queue depth over the run.
    """
    own = pool is None
    if pool is None:
        pool = ashop.pool(workers).start()
    before = pool.stats
    sampler = DepthSampler(ashop.queue_url, interval_s=0.05) if sample_depth else None
    t0 = time.perf_counter()
    try:
        if sampler:
            sampler.start()
            t0 = time.perf_counter() - sampler.now()
        accepted = ashop.accept_many(payloads)
        if sampler:
            sampler.mark("last order accepted")
            sampler.sample()  # the burst's high point, whatever the sampler thread's timing
        ids = [a.order_id for a in accepted if a.ok and a.order_id]
        ashop.wait_until_finished(ids, timeout)
        # a message is deleted just after its order finished: count the deletes in too
        wait_until(lambda: pool.stats.succeeded - before.succeeded >= len(ids), 2)
        if sampler:  # the last delete follows the last finish by a moment: let the series reach 0
            wait_until(lambda: sum(queue_depth(ashop.queue_url).values()) == 0, 2, poll_s=0.02)
    finally:
        series = sampler.stop() if sampler else None
        if own:
            pool.stop(wait=False)  # idle now; the threads end with their current long poll
    after = pool.stats
    delta = WorkerStats(**{k: v - before.as_dict()[k] for k, v in after.as_dict().items()})
    with ashop._lock:
        finished = {i: ashop.finished_at[i] for i in ids if i in ashop.finished_at}
        statuses = {i: ashop.final_status[i] for i in ids if i in ashop.final_status}
    return AsyncRun(accepted, finished, statuses, pool.size, delta, series, t0)


@dataclass
class SyncVsAsync:
    """The webinar's demo: the same orders through the synchronous API and through accept + workers."""

    sync: LoadResult
    async_run: AsyncRun

    @property
    def sync_ms(self) -> list[float]:
        """Synchronous response times (the whole chain), real ms."""
        return self.sync.response_ms

    @property
    def accept_ms(self) -> list[float]:
        """Asynchronous response times (accept only), real ms."""
        return self.async_run.accept_ms

    @property
    def end_to_end_ms(self) -> list[float]:
        """Asynchronous: request to order finished, real ms."""
        return self.async_run.end_to_end_ms

    @property
    def p50(self) -> dict[str, float]:
        """Medians: ``{"sync", "accept", "end_to_end"}``."""
        return {"sync": percentile(self.sync_ms, 50), "accept": percentile(self.accept_ms, 50),
                "end_to_end": percentile(self.end_to_end_ms, 50)}

    @property
    def ratio(self) -> float:
        """How many times faster the asynchronous API answers (ratio of medians)."""
        return self.p50["sync"] / self.p50["accept"]


def compare_sync_async(ashop: AsyncShop, n: int = 12, *, workers: int = 2, start: int = 0) -> SyncVsAsync:
    """Place ``n`` sample orders synchronously (one client), then accept the next ``n`` into the queue.

    Both runs use one client sending orders one after another, like the webinar's terminal.
    """
    shop = ashop.shop
    sync = shop.run_load(shop.sample_orders(n, start=start), clients=1)
    run = run_async(ashop, shop.sample_orders(n, start=start + n), workers=workers)
    return SyncVsAsync(sync, run)


@dataclass
class ScalingRun:
    """One burst accepted while ``workers`` drain the queue."""

    workers: int
    burst: int
    run: AsyncRun

    @property
    def drain_s(self) -> float:
        """Seconds from the first order of the burst until the last one was finished."""
        return self.run.all_finished_s

    @property
    def accept_p50_ms(self) -> float:
        """Median acceptance latency during the burst, real ms."""
        return percentile(self.run.accept_ms, 50)

    @property
    def peak_depth(self) -> int:
        """Most messages waiting or in flight at once."""
        return self.run.depth.peak if self.run.depth else 0


def scaling_run(ashop: AsyncShop, burst: int, worker_counts: Sequence[int] = (1, 2, 4), *,
                speed: float | None = None, batch_size: int = 10, timeout: float = 60,
                progress: bool = False) -> list[ScalingRun]:
    """The same burst of ``burst`` orders, drained by 1, 2, 4 … workers, one run after another.

    One pool is scaled up between runs (as Lambda adds pollers), so it stops only once. A worker
    works through its batch one record after another (as one Lambda invocation does), so a
    smaller ``batch_size`` spreads a burst over more workers.
    ``speed`` runs the shop faster for this measurement (the shapes stay the same); ``None``
    keeps the current speed factor. Queue depth is sampled during every run.
    """
    if not isinstance(burst, int) or not 1 <= burst <= 500:
        raise WorkshopError("async.bad_burst", value=burst)
    counts = sorted(worker_counts)
    runs: list[ScalingRun] = []
    bar = progress_bar(len(counts), progress, "bursts")
    pool = ashop.pool(counts[0], batch_size=batch_size)
    ctx = speed_factor(speed) if speed is not None else contextlib.nullcontext()
    with ctx:
        pool.start()
        try:
            for i, n in enumerate(counts):
                pool.scale_to(n)
                payloads = ashop.shop.sample_orders(burst, start=i * burst)
                run = run_async(ashop, payloads, pool=pool, sample_depth=True, timeout=timeout)
                wait_until(lambda: sum(queue_depth(ashop.queue_url).values()) == 0, 2, poll_s=0.05)
                runs.append(ScalingRun(n, burst, run))
                bar.update(1)
        finally:
            pool.stop(wait=False)  # idle now; the threads end with their current long poll
            bar.close()
    return runs


@dataclass
class Throughput:
    """Orders per second accepted vs executed, from a :class:`ScalingRun` list."""

    workers: list[int] = field(default_factory=list)
    accepted_per_s: list[float] = field(default_factory=list)
    executed_per_s: list[float] = field(default_factory=list)


def throughput(runs: Sequence[ScalingRun]) -> Throughput:
    """Acceptance rate and execution rate per worker count."""
    t = Throughput()
    for r in runs:
        t.workers.append(r.workers)
        t.accepted_per_s.append(r.burst / r.run.all_accepted_s)
        t.executed_per_s.append(r.burst / r.drain_s)
    return t
