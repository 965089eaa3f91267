"""The chaos run: hundreds of orders while everything goes wrong, then a reconciliation from the stores.

While orders arrive (open loop, spread over a few seconds):

* workers **die** at random mid-batch (:class:`Chaos`: the invocation crashes at a
  random record and step; nothing of the batch is deleted; it all comes back);
* one service has an **outage** (e-mail by default) for a second or two;
* some orders are **delivered twice**: the producer sends them again (a retry after a timeout),
  and a few first deliveries are **slow** — longer than the visibility timeout — so another
  worker receives the same message while the first is still busy;
* a few **poison** messages (not JSON, not an order, an old app's format) are put on the queue.

Then, counted from the stores only — the orders table, the five effect tables, the stock table,
the DLQ's contents, the queue's depth — never from in-memory counters,
:func:`reconcile` checks: every accepted order completed or is in the DLQ (``accepted =
completed + in DLQ``, nothing lost); every completed order has exactly one reservation, charge,
shipment, e-mail and points record; every poison message is in the DLQ and nothing else is;
stock went down by exactly what was reserved; the queue is empty.

If the outage and the deaths together used up some valid order's ``maxReceiveCount``, that
order waits in the DLQ: not lost, and counted as such (``accepted = completed + in DLQ``).

The pipeline is the learner's: :class:`~helpers.failure.pipeline.OrderPipeline` built with the
notebook's ``add_dead_letter_queue``, ``write_once`` and ``call_with_retries``.
"""

from __future__ import annotations

import json
import random
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ..core.backend import client
from ..core.display import pad, progress_bar
from ..core.exercises import ClaimFailed
from ..core.messages import WorkshopError, say
from ..core.resources import queue_depth
from ..core.sampling import DepthSampler, DepthSeries, wait_until
from ..shop import DOWNSTREAM, STEPS, Shop, Status, speed, speed_factor
from .dlq import peek
from .pipeline import OrderPipeline

#: Poison message templates; ``{n}`` makes each one unique (so the DLQ can be matched exactly).
POISON_TEMPLATES = (
    "this is not JSON #{n}",
    '{{"order_id": "ord-broken-{n}"}}',
    "[{n}, 2, 3]",
    '{{"version": 1, "orderId": "legacy-{n}", "customer": "cust-aiko", "lines": "matcha x{n}"}}',
)


class Killed(Exception):
    """The worker died (chaos): raised inside a batch so the whole invocation fails."""


@dataclass
class Chaos:
    """Random worker deaths and slow workers, for the chaos run (see :func:`chaos_run`).

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


@dataclass
class ChaosConfig:
    """What goes wrong, and how much. Times are real seconds."""

    orders: int = 150
    poison: int = 4
    duplicates: int = 10  # orders the producer sends twice
    slow: int = 3  # orders whose first delivery outlasts the visibility timeout
    kill_rate: float = 0.08  # chance that a batch's worker dies
    outage_step: str = "email"
    outage_at_s: float = 0.5  # when the outage starts (s after the first order)
    outage_s: float = 1.5
    accept_s: float = 2.0  # the orders arrive spread over this many seconds
    workers: int = 4
    batch_size: int = 10
    visibility_timeout: int = 1
    max_receive_count: int = 4
    speed: float | None = None  # the shop's speed factor during the run (None: the notebook's)
    seed: int = 5
    timeout_s: float = 90

    def validate(self) -> ChaosConfig:
        """Raise one sentence for a setting that cannot work."""
        if not isinstance(self.orders, int) or not 1 <= self.orders <= 1000:
            raise WorkshopError("chaos.bad_orders", value=self.orders)
        if self.outage_step not in STEPS[1:]:
            raise WorkshopError("shop.unknown_step", step=self.outage_step, valid=", ".join(STEPS[1:]))
        if not 0 <= self.kill_rate < 1:
            raise WorkshopError("chaos.bad_kill_rate", value=self.kill_rate)
        if self.duplicates > self.orders or self.slow > self.orders:
            raise WorkshopError("chaos.too_many_duplicates", orders=self.orders)
        return self


@dataclass
class Reconciliation:
    """Counted from the stores after the chaos run. :attr:`ok` only if every check holds."""

    accepted: int
    completed: int
    in_dlq_orders: int  # accepted orders whose message is in the DLQ
    poison_sent: int
    poison_in_dlq: int
    lost: list[str] = field(default_factory=list)  # accepted, neither completed nor in the DLQ
    double: dict[str, list[str]] = field(default_factory=dict)  # effect table → orders with > 1 record
    missing: dict[str, list[str]] = field(default_factory=dict)  # effect table → completed orders with 0
    unexplained_in_dlq: int = 0  # DLQ messages that are neither poison nor an accepted order
    still_queued: int = 0  # messages left in the orders queue
    stock_mismatch: list[str] = field(default_factory=list)  # products: stock ≠ initial − reserved

    @property
    def double_effects(self) -> int:
        """Orders with more than one record in some effect table."""
        return len({o for orders in self.double.values() for o in orders})

    @property
    def missing_effects(self) -> int:
        """Completed orders without a record in some effect table."""
        return len({o for orders in self.missing.values() for o in orders})

    def checks(self) -> list[tuple[str, Any, Any]]:
        """``(what, expected, counted)`` for every check."""
        return [
            (say("chaos.check.balance"), self.accepted, self.completed + self.in_dlq_orders),
            (say("chaos.check.lost"), 0, len(self.lost)),
            (say("chaos.check.double"), 0, self.double_effects),
            (say("chaos.check.missing"), 0, self.missing_effects),
            (say("chaos.check.poison"), self.poison_sent, self.poison_in_dlq),
            (say("chaos.check.other"), 0, self.unexplained_in_dlq),
            (say("chaos.check.queued"), 0, self.still_queued),
            (say("chaos.check.stock"), 0, len(self.stock_mismatch)),
        ]

    @property
    def ok(self) -> bool:
        """Every check holds."""
        return all(expected == counted for _, expected, counted in self.checks())

    def mismatches(self) -> list[str]:
        """One line per failed check, with examples."""
        out = []
        for what, expected, counted in self.checks():
            if expected != counted:
                out.append(say("chaos.check.line", what=what, expected=expected, counted=counted))
        if self.lost:
            out.append(say("chaos.check.examples", what=say("chaos.check.lost"), ids=", ".join(self.lost[:3])))
        for kind, orders in {**self.double, **self.missing}.items():
            if orders:
                out.append(say("chaos.check.examples", what=kind, ids=", ".join(orders[:3])))
        return out

    def table(self) -> str:
        """The checks as a text table, ✅ or ❌ per line; padded by screen width, so it lines up in Japanese too."""
        head = (say("chaos.check.head"), say("chaos.check.expected"), say("chaos.check.counted"))
        lines = [pad(head[0], 44) + pad(head[1], 10, right=True) + pad(head[2], 10, right=True)]
        for what, expected, counted in self.checks():
            mark = "✅" if expected == counted else "❌"
            lines.append(pad(f"{mark} {what}", 44) + pad(str(expected), 10, right=True) + pad(str(counted), 10, right=True))
        return "\n".join(lines)

    def check(self) -> None:
        """Print the table; raise :class:`~helpers.core.exercises.ClaimFailed` on any mismatch."""
        print(self.table())
        if not self.ok:
            raise ClaimFailed("chaos.mismatch", details="; ".join(self.mismatches()))
        print(say("chaos.reconciled", accepted=self.accepted, completed=self.completed,
                  in_dlq=self.in_dlq_orders, poison=self.poison_in_dlq))


@dataclass
class ChaosRun:
    """What happened in one chaos run, and its reconciliation."""

    config: ChaosConfig
    accepted: list[str]
    poison_bodies: list[str]
    duplicates_sent: list[str]  # order ids sent twice by the producer
    slowed: list[str]  # order ids whose first delivery outlasted the visibility timeout
    kills: list[float]  # seconds on the series' time axis when a worker died
    outage: tuple[float, float]  # (start, end) on the series' time axis
    queue_depth: DepthSeries
    dlq_depth: DepthSeries
    completed_at: list[float]  # seconds on the series' time axis, one per order completed (as workers saw it)
    elapsed_s: float
    deliveries: int  # order deliveries that reached the steps (redeliveries included)
    skipped_steps: dict[str, int]  # steps a redelivery found done and did not repeat
    reconciliation: Reconciliation


def _payloads(shop: Shop, n: int, run: str) -> list[dict[str, Any]]:
    out = shop.sample_orders(n)
    for i, p in enumerate(out):
        p["order_id"] = f"chaos-{run}-{i:04d}"
    return out


def chaos_run(config: ChaosConfig | None = None, *, shop: Shop | None = None,
              pipeline: OrderPipeline | None = None, progress: bool = True) -> ChaosRun:
    """Run the chaos described by ``config`` on an :class:`~helpers.failure.pipeline.OrderPipeline` and reconcile.

    Give the ``pipeline`` built with the notebook's functions; without one, a pipeline is created
    (``<prefix>-chaos-orders`` + DLQ, idempotent steps, the saved lesson functions) with the
    config's visibility timeout and ``maxReceiveCount``. Stock is reset first. ``progress`` shows
    a tqdm bar of orders completed.
    """
    cfg = (config or ChaosConfig()).validate()
    shop = pipeline.shop if pipeline is not None else (shop or Shop.create(reset_stock=False))
    pipe = pipeline or OrderPipeline.create(shop, queue="chaos-orders", visibility_timeout=cfg.visibility_timeout,
                                            max_receive_count=cfg.max_receive_count, idempotent=True)
    if pipe.guard is None:
        raise WorkshopError("chaos.needs_guard")
    shop.store.reset_stock(shop.catalog)
    rng = random.Random(cfg.seed)
    run_id = uuid.uuid4().hex[:6]
    payloads = _payloads(shop, cfg.orders, run_id)
    ids = [p["order_id"] for p in payloads]
    dup_at = set(rng.sample(range(cfg.orders), cfg.duplicates))  # after these orders, resend an earlier one
    # Poison arrives early (in the first fifth of the orders): it needs maxReceiveCount visibility
    # timeouts to reach the DLQ, and the run cannot end before it has.
    poison_at = set(rng.sample(range(max(cfg.poison, cfg.orders // 5)), min(cfg.poison, cfg.orders)))
    poison_bodies = [POISON_TEMPLATES[i % len(POISON_TEMPLATES)].format(n=f"{run_id}-{i}") for i in range(cfg.poison)]
    visibility_s = pipe.settings()["visibility_timeout"]
    chaos = Chaos(kill_rate=cfg.kill_rate, slow=set(rng.sample(ids, cfg.slow)), slow_s=visibility_s * 1.5, seed=cfg.seed)
    service = shop.service(cfg.outage_step)
    q_sampler = DepthSampler(pipe.queue_url, interval_s=0.1)
    d_sampler = DepthSampler(pipe.dlq_url, interval_s=0.1)
    accepted: list[str] = []
    duplicates: list[str] = []
    bar = progress_bar(cfg.orders, progress, "progress.orders_completed")
    start = time.perf_counter()
    pipe.chaos = chaos
    pool = pipe.pool(cfg.workers, batch_size=cfg.batch_size)
    timers: list[threading.Timer] = []
    with speed_factor(speed() if cfg.speed is None else cfg.speed):
        q_sampler.start()
        d_sampler.start()
        d_sampler._t0 = q_sampler._t0  # one time axis for both
        t0 = time.perf_counter() - q_sampler.now()
        outage = (q_sampler.now() + cfg.outage_at_s, q_sampler.now() + cfg.outage_at_s + cfg.outage_s)
        try:
            pool.start()
            timers = [threading.Timer(cfg.outage_at_s, service.take_down),
                      threading.Timer(cfg.outage_at_s + cfg.outage_s, service.restore)]
            for t in timers:
                t.daemon = True
                t.start()
            poison_iter = iter(poison_bodies)
            gap = cfg.accept_s / cfg.orders
            for i, payload in enumerate(payloads):
                due = start + i * gap
                if due > time.perf_counter():
                    time.sleep(due - time.perf_counter())
                answer = pipe.accept_order(payload)
                if answer.ok and answer.order_id:
                    accepted.append(answer.order_id)
                if i in poison_at:
                    pipe.send_raw(next(poison_iter))
                if i in dup_at and accepted:
                    again = accepted[rng.randrange(len(accepted))]
                    pipe.send_duplicate(again)
                    duplicates.append(again)
                _update(bar, pipe, accepted)
            for body in poison_iter:  # fewer orders than poison messages: send the rest now
                pipe.send_raw(body)
            for t in timers:
                t.join()

            def settled() -> bool:
                _update(bar, pipe, accepted)
                return sum(queue_depth(pipe.queue_url).values()) == 0

            wait_until(lambda: settled() and settled(), cfg.timeout_s, poll_s=0.2)
        finally:
            for t in timers:
                t.cancel()
            service.restore()
            pool.stop()
            pipe.chaos = None
            q_series, d_series = q_sampler.stop(), d_sampler.stop()
            bar.close()
    elapsed = time.perf_counter() - start
    rec = reconcile(pipe, accepted, poison_bodies)
    with pipe._lock:
        done_times = sorted(pipe.finished_at[i] - t0 for i in accepted if i in pipe.finished_at)
        deliveries = sum(pipe.deliveries[i] for i in accepted)
    return ChaosRun(cfg, accepted, poison_bodies, duplicates, sorted(chaos.slowed),
                    [k - t0 for k in chaos.kills], outage, q_series, d_series, done_times, elapsed,
                    deliveries, dict(pipe.guard.skipped), rec)


def _order_id(pipe: OrderPipeline, body: str) -> str | None:
    try:
        return pipe.parse(body).order_id
    except WorkshopError:
        return None


def _update(bar: Any, pipe: OrderPipeline, accepted: list[str]) -> None:
    with pipe._lock:
        done = len(pipe.finished_at)
    if done > bar.n:
        bar.update(done - bar.n)


def reconcile(pipe: OrderPipeline, accepted: list[str], poison_bodies: list[str]) -> Reconciliation:
    """Count everything from the stores (see the module doc) and compare with what was sent."""
    store = pipe.shop.store
    ids = list(dict.fromkeys(accepted))
    statuses = _statuses(store.tables["orders"], set(ids))
    completed = [i for i in ids if statuses.get(i) == Status.COMPLETED]
    dlq = peek(pipe.dlq_url)
    dlq_orders: set[str] = set()
    poison_found: Counter[str] = Counter()
    unexplained = 0
    wanted_poison = Counter(poison_bodies)
    for m in dlq:
        if m.body in wanted_poison:
            poison_found[m.body] += 1
            continue
        oid = _order_id(pipe, m.body)
        if oid in statuses:
            dlq_orders.add(oid)
        else:
            unexplained += 1
    in_dlq_orders = [i for i in ids if i in dlq_orders and i not in completed]
    lost = [i for i in ids if i not in completed and i not in dlq_orders]
    effects = store.effects(ids)
    double = {kind: sorted(o for o, n in counter.items() if n > 1) for kind, counter in effects.items()}
    missing = {kind: sorted(o for o in completed if counter.get(o, 0) == 0) for kind, counter in effects.items()}
    poison_in_dlq = sum(min(n, wanted_poison[b]) for b, n in poison_found.items())
    unexplained += sum(max(0, n - wanted_poison[b]) for b, n in poison_found.items())
    return Reconciliation(
        accepted=len(ids), completed=len(completed), in_dlq_orders=len(in_dlq_orders),
        poison_sent=len(poison_bodies), poison_in_dlq=poison_in_dlq, lost=lost,
        double={k: v for k, v in double.items() if v}, missing={k: v for k, v in missing.items() if v},
        unexplained_in_dlq=unexplained, still_queued=sum(queue_depth(pipe.queue_url).values()),
        stock_mismatch=_stock_mismatch(pipe.shop, set(ids)),
    )


def _scan(table: str, projection: str, names: dict[str, str] | None = None) -> list[dict[str, Any]]:
    ddb = client("dynamodb")
    kwargs: dict[str, Any] = {"TableName": table, "ProjectionExpression": projection, "ConsistentRead": True}
    if names:
        kwargs["ExpressionAttributeNames"] = names
    items: list[dict[str, Any]] = []
    while True:
        page = ddb.scan(**kwargs)
        items += page.get("Items", [])
        if "LastEvaluatedKey" not in page:
            return items
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def _statuses(table: str, ids: set[str]) -> dict[str, str]:
    """Stored status of the given orders (one scan)."""
    return {i["order_id"]["S"]: i["status"]["S"]
            for i in _scan(table, "order_id, #s", {"#s": "status"}) if i["order_id"]["S"] in ids and "status" in i}


def _stock_mismatch(shop: Shop, ids: set[str]) -> list[str]:
    """Products whose stock is not the initial stock minus what these orders' reservations hold."""
    reserved: Counter[str] = Counter()
    for item in _scan(shop.store.tables["reservations"], "order_id, #i", {"#i": "items"}):
        if item["order_id"]["S"] in ids:
            for line in json.loads(item["items"]["S"]):
                reserved[line["product_id"]] += int(line["quantity"])
    return sorted(p.product_id for p in shop.catalog.values()
                  if shop.store.stock_level(p.product_id) != p.initial_stock - reserved[p.product_id])

