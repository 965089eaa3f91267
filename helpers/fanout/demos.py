"""The measurements of 04_pubsub_fanout: fan-out, a deploy, a subscriber added live (each returns what its figure draws)."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

from ..core.backend import client
from ..core.messages import WorkshopError
from ..core.sampling import wait_until
from .events import Event, Published, parse_event
from .publisher import FanoutShop
from .subscribers import RecordFn, Subscriber


def collect_many(queues: dict[str, str], expect: dict[str, int] | None = None, *, timeout: float = 5.0,
                 settle_s: float = 0.3) -> dict[str, list[Event]]:
    """Receive and delete everything that arrives in ``queues``, parsed as :class:`Event` s: name → events.

    Waits until each queue got at least ``expect[name]`` events (or ``timeout``), then ``settle_s``
    more for stragglers: on AWS, SNS delivers after ``Publish`` returns (on moto, before).
    """
    sqs = client("sqs")
    want = expect or {}
    got: dict[str, list[Event]] = {name: [] for name in queues}
    deadline = time.monotonic() + timeout
    quiet_until: float | None = None
    while True:
        busy = False
        for name, url in queues.items():
            msgs = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0,
                                       MessageAttributeNames=["All"]).get("Messages", [])
            if msgs:
                busy = True
                got[name] += [parse_event(m) for m in msgs]
                sqs.delete_message_batch(QueueUrl=url, Entries=[
                    {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(msgs)])
        if busy:
            quiet_until = None
            continue
        now = time.monotonic()
        if all(len(got[n]) >= want.get(n, 0) for n in queues):
            quiet_until = quiet_until or now + settle_s
            if now >= quiet_until:
                return got
        elif now >= deadline:
            return got
        time.sleep(0.05)


@dataclass
class FanoutRun:
    """N orders published once each, and what every service's workers did with them."""

    placed: list[Published]
    done: dict[str, int]  # service → distinct orders it processed among these
    deliveries: dict[str, int]  # service → events it processed (counting duplicates)
    finished_at: dict[str, dict[str, float]]  # service → order id → perf_counter when done
    publishes: int  # Publish calls made by the publisher

    @property
    def n(self) -> int:
        """Orders accepted."""
        return sum(1 for p in self.placed if p.ok)

    @property
    def ids(self) -> list[str]:
        """Accepted order ids, in order."""
        return [p.order_id for p in self.placed if p.ok and p.order_id]

    @property
    def publish_ms(self) -> list[float]:
        """Publisher response times (validate + store + Publish), real ms."""
        return [p.response_ms for p in self.placed if p.ok]


def fanout_run(fshop: FanoutShop, n: int = 10, *, start: int = 0, timeout: float = 30) -> FanoutRun:
    """Publish ``n`` sample orders (one Publish each) while every service's workers run; wait for all."""
    from ..core.backend import count_api_calls

    if not isinstance(n, int) or isinstance(n, bool) or not 1 <= n <= 200:
        raise WorkshopError("fanout.bad_n", value=n)
    fshop.reset_counts()
    publishes_before = count_api_calls("sns", "Publish")
    own = not any(s.running for s in fshop.subscribers.values())
    if own:
        fshop.start()
    try:
        placed = fshop.place_many(fshop.sample_orders(n, start=start))
        publishes = count_api_calls("sns", "Publish") - publishes_before
        ids = [p.order_id for p in placed if p.ok and p.order_id]
        fshop.wait_until_processed(ids, timeout=timeout)
    finally:
        if own:
            fshop.stop()
    subs = fshop.subscribers
    return FanoutRun(
        placed,
        {name: s.processed(ids) for name, s in subs.items()},
        {name: sum(s.done[i] for i in ids) for name, s in subs.items()},
        {name: {i: s.finished_at[i] for i in ids if i in s.finished_at} for name, s in subs.items()},
        publishes,
    )


@dataclass
class DeployRun:
    """Orders flowing while one service's workers are stopped (a deploy) and another scales up."""

    placed: list[Published]
    down: str  # the service that was stopped
    scaled: str  # the service that was scaled up
    down_window: tuple[float, float]  # seconds since t0 when it stopped / started again
    scale_at: float  # seconds since t0 when ``scaled`` went from 1 to ``scaled_to`` workers
    scaled_to: int
    depth: dict[str, Any]  # service → DepthSeries
    processed: dict[str, int]  # service → distinct orders processed in the end
    done_during_down: dict[str, int]  # service → orders it finished while ``down`` was stopped (any order)
    t0: float
    interval_ms: float = 0.0  # one order every … ms

    @property
    def ids(self) -> list[str]:
        """Accepted order ids."""
        return [p.order_id for p in self.placed if p.ok and p.order_id]

    @property
    def peak_backlog(self) -> dict[str, int]:
        """Largest queue depth (visible + in flight) per service."""
        return {name: series.peak for name, series in self.depth.items()}


def deploy_run(fshop: FanoutShop, n: int = 30, *, interval_ms: float = 30, down: str = "email",
               scaled: str = "shipping", scaled_to: int = 3, start: int = 0, timeout: float = 30) -> DeployRun:
    """One client places ``n`` orders, one every ``interval_ms``; a third of the way in, ``down``'s
    workers stop (a deploy) and ``scaled`` scales to ``scaled_to`` workers; two thirds in, ``down``
    starts again. Every queue's depth is sampled. Returns when every service processed every order;
    services with a filter policy are left out (they do not get every order).
    """
    from ..core.sampling import DepthSampler

    if not isinstance(n, int) or isinstance(n, bool) or not 3 <= n <= 200:
        raise WorkshopError("fanout.bad_n", value=n)
    fshop[down]
    fshop[scaled]  # clear errors for unknown names, before anything starts
    fshop.reset_counts()
    fshop.stop()
    names = fshop.unfiltered()
    samplers = {name: DepthSampler(fshop[name].queue_url, interval_s=0.05) for name in names}
    payloads = fshop.sample_orders(n, start=start)
    fshop.start(1)
    t0 = time.perf_counter()
    for s in samplers.values():
        s.start()
    placed: list[Published] = []
    stop_at, restart_at, scale_at = n // 3, 2 * n // 3, n // 3
    window = [0.0, 0.0]
    done_at_stop: dict[str, set[str]] = {}
    done_restart: dict[str, set[str]] = {}
    try:
        for i, payload in enumerate(payloads):
            if i == stop_at:
                fshop[down].stop()
                window[0] = time.perf_counter() - t0
                done_at_stop = {name: set(fshop[name].done) for name in names}
            if i == scale_at:
                fshop[scaled].start(scaled_to)
            if i == restart_at:
                window[1] = time.perf_counter() - t0
                done_restart = {name: set(fshop[name].done) for name in names}
                fshop[down].start(1)
            due = t0 + i * interval_ms / 1000
            pause = due - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
            placed.append(fshop.place_order(payload))
        ids = [p.order_id for p in placed if p.ok and p.order_id]
        fshop.wait_until_processed(ids, services=names, timeout=timeout)
        wait_until(lambda: all(sum(_depth(fshop[name].queue_url).values()) == 0 for name in names), 3, poll_s=0.05)
    finally:
        series = {name: s.stop() for name, s in samplers.items()}
        fshop.stop()
    during = {name: len(done_restart[name] - done_at_stop[name]) for name in names}
    return DeployRun(placed, down, scaled, (window[0], window[1]), window[0], scaled_to, series,
                     {name: fshop[name].processed(ids) for name in names}, during, t0, interval_ms)


def publisher_unchanged(before_ms: float, after_ms: float) -> tuple[bool, float]:
    """Did the publisher's median response time stay put after a subscriber was added? ``(holds, limit)``.

    Limit: ``before × 2 + 5 ms``. The slack absorbs noise on a shared 2-core laptop (measured: the
    median of 15 orders moved between 9 and 29 ms from one run to the next with nothing changed)
    and moto's in-Publish delivery to one more queue (a few milliseconds for a raw subscriber). A
    publisher that waited for its new subscriber could not pass whatever the slack: in
    :func:`live_add` that subscriber's worker only starts after the last order, so a waiting
    publisher would not answer at all (:attr:`LiveAdd.answered_before_worker` checks exactly that).
    """
    limit = before_ms * 2 + 5.0
    return after_ms <= limit, limit


def _depth(url: str) -> dict[str, int]:
    from ..core.resources import queue_depth

    return queue_depth(url)


@dataclass
class LiveAdd:
    """Orders flowing while a new subscriber is added: publisher times before and after."""

    placed: list[Published]
    t0: float
    added_window: tuple[float, float]  # seconds since t0: subscribe call started / returned
    name: str
    received: set[str]  # order ids the new subscriber processed
    worker_started: float = float("nan")  # seconds since t0 when the new subscriber's worker started

    def _side(self, before: bool) -> list[Published]:
        a, b = self.added_window
        return [p for p in self.placed if p.ok and ((p.end - self.t0) < a if before else (p.start - self.t0) > b)]

    @property
    def before(self) -> list[Published]:
        """Orders answered before the subscription was created."""
        return self._side(True)

    @property
    def after(self) -> list[Published]:
        """Orders that arrived after the subscription existed."""
        return self._side(False)

    @property
    def median_ms(self) -> dict[str, float]:
        """Median publisher response time, ``{"before", "after"}``, real ms."""
        from ..shop import percentile

        return {"before": percentile([p.response_ms for p in self.before], 50),
                "after": percentile([p.response_ms for p in self.after], 50)}

    @property
    def answered_before_worker(self) -> bool:
        """True when every "after" order was answered before the new subscriber's worker started."""
        return bool(self.after) and max(p.end - self.t0 for p in self.after) < self.worker_started

    @property
    def missed_after(self) -> list[str]:
        """Orders placed after the subscription existed that the new subscriber did not get."""
        return [p.order_id for p in self.after if p.order_id not in self.received]

    @property
    def got_before(self) -> list[str]:
        """Orders answered before the subscription existed that it got anyway (should be none)."""
        return [p.order_id for p in self.before if p.order_id in self.received]


def live_add(fshop: FanoutShop, name: str, record_fn: RecordFn | None = None, *, n_before: int = 30,
             n_after: int = 30, interval_ms: float = 30, start: int = 0, timeout: float = 30,
             start_worker: str = "after", **subscriber_kwargs: Any) -> LiveAdd:
    """Orders flow (one every ``interval_ms``) while every service's workers run; after ``n_before``
    orders, the subscriber ``name`` is added from another thread, without pausing the client;
    orders keep coming while it is being subscribed, then ``n_after`` more follow. The publisher
    object is the same throughout.

    ``start_worker="after"`` (default) starts the new subscriber's worker once the last order is
    answered (its queue holds the events meanwhile), so both halves of the measurement run with
    the same threads competing for this machine and the emulator's lock — the comparison is then
    about the publisher, not about how many threads share a laptop. ``"now"`` starts it at once.
    """
    if any(not isinstance(v, int) or isinstance(v, bool) or not 5 <= v <= 200 for v in (n_before, n_after)):
        raise WorkshopError("fanout.bad_n", value=(n_before, n_after))
    if start_worker not in ("after", "now"):
        raise WorkshopError("fanout.bad_start_worker", value=start_worker)
    if name in fshop.subscribers:
        fshop.remove_subscriber(name)
    fshop.stop()
    fshop.reset_counts()
    fshop.start(1)
    placed: list[Published] = []
    window = [float("inf"), float("inf")]
    t0 = time.perf_counter()
    holder: dict[str, Subscriber] = {}

    def subscribe() -> None:
        window[0] = time.perf_counter() - t0
        holder["sub"] = fshop.add_subscriber(name, record_fn, **subscriber_kwargs)
        window[1] = time.perf_counter() - t0
        if start_worker == "now":
            holder["sub"].start(1)

    adder = threading.Thread(target=subscribe, name="add-subscriber", daemon=True)
    worker_at = float("nan")
    try:
        i = after = 0
        while after < n_after:  # orders keep coming while the subscription is made: n_after more after it
            if i == n_before:
                adder.start()
            due = t0 + i * interval_ms / 1000
            pause = due - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
            subscribed = window[1] < float("inf")
            placed.append(fshop.place_order(fshop.sample_orders(1, start=start + i)[0]))
            after += subscribed
            i += 1
            if i > n_before + n_after + 1000:  # the subscription never finished: stop here
                break
        adder.join(timeout)
        sub = holder.get("sub")
        if sub is not None and not sub.running:
            worker_at = time.perf_counter() - t0
            sub.start(1)
        elif sub is not None:
            worker_at = window[1]
        after_ids = [p.order_id for p in placed if p.ok and p.order_id and p.start - t0 > window[1]]
        if sub is not None:
            fshop.wait_until_processed(after_ids, services=[name], timeout=timeout)
        all_ids = [p.order_id for p in placed if p.ok and p.order_id]
        fshop.wait_until_processed(all_ids, services=[s for s in fshop.subscribers if s != name], timeout=timeout)
    finally:
        fshop.stop()
    sub = holder.get("sub")
    received = set(sub.done) if sub is not None else set()
    return LiveAdd(placed, t0, (window[0], window[1]), name, received, worker_at)
