"""A subscriber: one service's queue, its subscription to the topic, its workers and what they did."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from ..core.messages import WorkshopError
from ..core.workers import Handler, WorkerPool, batch_handler
from .events import Event, parse_event

if TYPE_CHECKING:  # annotations only: the publisher imports this module
    from .publisher import FanoutShop


_NAME_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789-")


RecordFn = Callable[[Event], Any]


class Subscriber:
    """One service behind the topic: its queue, its subscription, its workers, its counts.

    ``record_fn(event)`` does the service's work for one :class:`Event` and raises to fail the
    record (it then comes back after the visibility timeout, and goes to the DLQ after
    ``max_receive_count`` receives if the queue has one). :attr:`done` counts the successes.
    """

    def __init__(self, name: str, queue_url: str, subscription_arn: str, record_fn: RecordFn, *,
                 dlq_url: str | None = None, owner: FanoutShop | None = None,
                 filter_policy: dict[str, Any] | None = None) -> None:
        self.name = name
        #: the subscription's filter policy (``None``: it gets every event)
        self.filter_policy = filter_policy
        #: the :class:`FanoutShop` whose topic this subscriber listens to (``None`` if made by hand)
        self.owner = owner
        self.queue_url = queue_url
        self.subscription_arn = subscription_arn
        self.record_fn = record_fn
        self.dlq_url = dlq_url
        self.pool: WorkerPool | None = None
        self._lock = threading.Lock()
        #: order id → how many times this service processed it successfully
        self.done: Counter[str] = Counter()
        #: order id → time.perf_counter() of the first success
        self.finished_at: dict[str, float] = {}

    def process_record(self, record: Any) -> Any:
        """Parse the event (envelope or raw) and run :attr:`record_fn`; raise to fail this record."""
        event = parse_event(record)
        result = self.record_fn(event)
        with self._lock:
            self.done[event.order_id] += 1
            self.finished_at.setdefault(event.order_id, time.perf_counter())
        return result

    @property
    def handler(self) -> Handler:
        """The service's worker Lambda: Powertools batch processing around :meth:`process_record`."""
        return batch_handler(self.process_record)

    def start(self, workers: int = 1, **worker_kwargs: Any) -> Subscriber:
        """Start (or resize) this service's worker pool; returns ``self``."""
        if self.pool is not None and self.pool.running:
            self.pool.scale_to(workers)
            return self
        self.pool = WorkerPool(self.queue_url, self.handler, workers=workers, name=self.name, **worker_kwargs)
        self.pool.start()
        return self

    def stop(self, mode: str | None = None) -> None:
        """Stop this service's workers (idempotent); its queue keeps collecting events."""
        if self.pool is not None:
            self.pool.stop(mode)

    @property
    def running(self) -> bool:
        """True while the service's workers run."""
        return self.pool is not None and self.pool.running

    def processed(self, order_ids: Iterable[str] | None = None) -> int:
        """Distinct orders this service processed (optionally only among ``order_ids``)."""
        with self._lock:
            if order_ids is None:
                return len(self.done)
            return sum(1 for o in set(order_ids) if self.done.get(o))

    def reset_counts(self) -> None:
        """Forget what was counted so far (the queue and the workers are untouched)."""
        with self._lock:
            self.done.clear()
            self.finished_at.clear()

    def __repr__(self) -> str:
        return f"Subscriber({self.name!r}, processed={len(self.done)}, running={self.running})"


def _check_name(name: Any) -> str:
    if not isinstance(name, str) or not 1 <= len(name) <= 30 or not set(name) <= _NAME_CHARS or name[0] == "-":
        raise WorkshopError("fanout.bad_name", name=name)
    return name
