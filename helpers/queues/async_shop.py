"""The harness around notebook 03's accept handler and worker: run them, and measure them.

The lesson's code lives in the notebook and is saved to :mod:`helpers.queues.lesson`:
``accept_order(payload, table_name=, queue_url=) -> (body, status)`` (validate → store
``ACCEPTED`` → ``SendMessage`` → 202) and ``process_record(record, shop=)`` (the worker's
per-record function). :class:`AsyncShop` takes those functions (the notebook passes its own;
left out, the saved ones) and adds what the measurements need: the time of every answer
(:class:`~helpers.shop.Accepted`), when each order finished, a pool of Lambda-like workers, and
reading an order's status back.

:func:`compare_sync_async` runs the webinar's demo (the same orders both ways) and
:func:`scaling_run` the "workers scale independently of acceptance" measurement.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ..core.display import progress_bar
from ..core.messages import WorkshopError
from ..core.resources import ensure_queue, purge, queue_depth
from ..core.sampling import DepthSampler, DepthSeries, wait_until
from ..core.workers import Handler, WorkerPool, WorkerStats, batch_handler
from ..shop import Accepted, LoadResult, Shop, Status, percentile, speed_factor
from . import lesson

#: ``accept(payload, *, table_name, queue_url) -> (body, HTTP status)``: the notebook's ``accept_order``.
AcceptFn = Callable[..., tuple[dict[str, Any], int]]
#: ``record_fn(record, shop=...) -> status``: the notebook's ``process_record``.
RecordFn = Callable[..., Any]


class RetryLater(WorkshopError):
    """A step failed and the shop retries: the record fails, so its message comes back."""


class AsyncShop:
    """The notebook's accept handler and record function, run against one shop and one queue.

    ``accept`` and ``record_fn`` default to the saved lesson (:mod:`helpers.queues.lesson`).
    ``retry_failures=False`` (the default): a failed step leaves the order ``FAILED`` and the
    message is done, as the synchronous API would answer. ``True``: the record fails as well, so
    the message comes back after the visibility timeout and the whole chain is tried again
    (at-least-once: the steps before the failure run twice; notebook 05 deals with that).
    A message that is not an order (a poison message) always fails its record.
    """

    def __init__(self, shop: Shop, queue_url: str, *, accept: AcceptFn | None = None,
                 record_fn: RecordFn | None = None, retry_failures: bool = False) -> None:
        self.shop = shop
        self.queue_url = queue_url
        self.accept = accept or lesson.accept_order
        self.record_fn = record_fn or lesson.process_record
        self.retry_failures = retry_failures
        self._lock = threading.Lock()
        #: order id → time.perf_counter() when a worker finished it (COMPLETED or FAILED)
        self.finished_at: dict[str, float] = {}
        #: order id → final status reached in this process
        self.final_status: dict[str, str] = {}

    @classmethod
    def create(cls, shop: Shop | None = None, *, queue: str = lesson.ORDERS_QUEUE, visibility_timeout: int = 30,
               **options: Any) -> AsyncShop:
        """The shop (``Shop.create()`` if none given) plus its orders queue ``<prefix>-orders``.

        The queue is created or reused, and emptied of visible messages, so "Run All" twice
        starts from the same place. ``options`` go to the constructor.
        """
        shop = shop or Shop.create()
        url = ensure_queue(queue, visibility_timeout=visibility_timeout)
        purge(url)
        return cls(shop, url, **options)

    # --- accept -----------------------------------------------------------------------------
    def accept_order(self, payload: Any) -> Accepted:
        """Call the accept handler on ``payload`` and time its answer (202, or 400 for a bad order)."""
        start = time.perf_counter()
        body, status = self.accept(payload, table_name=self.shop.store.tables["orders"], queue_url=self.queue_url)
        end = time.perf_counter()
        if status == 202:
            return Accepted(body["order_id"], Status.ACCEPTED, start, end)
        return Accepted(None, Status.REJECTED, start, end, str(body.get("error", body)))

    def accept_many(self, payloads: Sequence[Any]) -> list[Accepted]:
        """Accept ``payloads`` one after another (one client), as fast as the API answers."""
        return [self.accept_order(p) for p in payloads]

    # --- execute ----------------------------------------------------------------------------
    def process_record(self, record: Any) -> str:
        """The record function on this shop; notes when the order finished. Raises as it does.

        With ``retry_failures``, a ``FAILED`` order fails the record too (:class:`RetryLater`).
        """
        status = str(self.record_fn(record, shop=self.shop) or Status.COMPLETED)
        order_id = str(json.loads(record.body)["order_id"])
        if status == Status.FAILED and self.retry_failures:
            raise RetryLater("async.retry_later", order_id=order_id)
        self._finish(order_id, status)
        return status

    def _finish(self, order_id: str, status: str) -> None:
        with self._lock:
            self.finished_at[order_id] = time.perf_counter()
            self.final_status[order_id] = status

    @property
    def handler(self) -> Handler:
        """The worker's handler: Powertools batch processing around :meth:`process_record`."""
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
    bar = progress_bar(len(counts), progress, "progress.bursts")
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
