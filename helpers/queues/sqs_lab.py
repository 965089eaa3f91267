"""Small, measured demos of how SQS consumers behave (03_queues, sections 4 and 6–8).

Each demo builds its own queues (``<prefix>-lab-…``), runs for a second or two, and returns a
result object whose numbers feed a figure and a claim cell. Each takes the notebook's
``receive(queue_url, max_messages=, wait_s=, visibility_timeout=)`` function (``receive_messages``
in :mod:`helpers.queues.lesson`): the demo chooses the settings it compares, the learner's
``ReceiveMessage`` call makes them. Left out, the workers' own call is used.

* :func:`at_least_once_demo`: processing that outlasts the visibility timeout gets the same
  message delivered twice, on purpose; a long enough timeout does not.
* :func:`polling_demo`: empty receives (what you pay for) with short vs long polling.
* :func:`batching_demo`: API calls for 100 orders one by one vs in batches of 10.
* :func:`fifo_demo`: per-group ordering and deduplication, FIFO vs standard.

Every message carries a run id, so a leftover message of an interrupted earlier run is
consumed and ignored instead of skewing the counts. Where moto differs from AWS is in the
notebook's "On moto" note and in :attr:`FifoResult.notes`.
"""

from __future__ import annotations

import collections
import json
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..core.backend import API_CALLS, client, current
from ..core.messages import say
from ..core.resources import ensure_queue, purge, queue_depth
from ..core.sampling import wait_until
from ..core.workers import Worker, WorkerStats, batch_handler

#: ``receive(queue_url, *, max_messages, wait_s, visibility_timeout) -> messages``: the notebook's ``receive_messages``.
Receive = Callable[..., list[dict[str, Any]]]

def _run_id() -> str:
    return uuid.uuid4().hex[:8]


def _fresh(short: str, *, visibility_timeout: int = 1, fifo: bool = False) -> str:
    """The lab queue ``short`` with this visibility timeout, emptied of visible messages."""
    url = ensure_queue(short, visibility_timeout=visibility_timeout, fifo=fifo)
    purge(url)
    return url


def _send_batch(url: str, bodies: list[str], **extra: Any) -> None:
    sqs = client("sqs")
    for i in range(0, len(bodies), 10):
        sqs.send_message_batch(
            QueueUrl=url,
            Entries=[{"Id": str(j), "MessageBody": b, **extra} for j, b in enumerate(bodies[i : i + 10])],
        )


def _stop_all(workers: list[Worker]) -> None:
    """Stop without waiting for the last long poll: the demo's numbers are in, the threads end by
    themselves within a second (and are joined before any new worker starts on the same queue)."""
    for w in workers:
        w.stop(wait=False)


@dataclass
class Delivery:
    """One delivery of one message, as the record function saw it."""

    t_s: float  # seconds since the demo started
    label: str  # which message ("order-1", …)
    receive_count: int  # ApproximateReceiveCount at this delivery
    worker: str
    outcome: str  # "crashed", "ok", "failed", …


class _Log:
    """Thread-safe delivery log with a common clock."""

    def __init__(self) -> None:
        self.t0 = time.monotonic()
        self.lock = threading.Lock()
        self.items: list[Delivery] = []

    def add(self, label: str, receive_count: int | str, worker: str, outcome: str) -> Delivery:
        d = Delivery(time.monotonic() - self.t0, label, int(receive_count), worker, outcome)
        with self.lock:
            self.items.append(d)
        return d


# --- at-least-once ------------------------------------------------------------------------


@dataclass
class AtLeastOnceRun:
    """Deliveries of ``n_messages`` when processing a batch takes ``processing_s``."""

    visibility_timeout_s: int
    processing_s: float
    n_messages: int
    deliveries: list[Delivery]

    @property
    def per_message(self) -> dict[str, int]:
        """How many times each message was delivered."""
        return dict(sorted(collections.Counter(d.label for d in self.deliveries).items()))

    @property
    def duplicates(self) -> int:
        """Deliveries beyond the first, in total (each one ran the side effect again)."""
        return len(self.deliveries) - len(self.per_message)

    @property
    def side_effects(self) -> int:
        """How many times the order's effect (say, charging the card) ran to completion."""
        return sum(1 for d in self.deliveries if d.outcome == "ok")


@dataclass
class AtLeastOnceResult:
    """One run per visibility timeout, same work."""

    runs: list[AtLeastOnceRun]

    def run(self, visibility_timeout_s: int) -> AtLeastOnceRun:
        """The run with this visibility timeout."""
        return next(r for r in self.runs if r.visibility_timeout_s == visibility_timeout_s)


def _at_least_once_run(visibility_timeout_s: int, processing_s: float, n_messages: int,
                       receive: Receive | None) -> AtLeastOnceRun:
    run = _run_id()
    url = _fresh(f"lab-alo-{visibility_timeout_s}s", visibility_timeout=visibility_timeout_s)
    log = _Log()
    per_record = processing_s / n_messages

    def make_record_fn(delay: float):
        def record_fn(record: Any, lambda_context: Any) -> None:
            body = record.json_body
            if body.get("run") != run:
                return
            time.sleep(delay)  # the work: slow in worker A (a slow downstream), quick in B
            log.add(body["label"], record.attributes.approximate_receive_count,
                    lambda_context.function_name, "ok")

        return record_fn

    hide = {"visibility_timeout": visibility_timeout_s, "receive": receive}  # ReceiveMessage's VisibilityTimeout
    slow = Worker(url, batch_handler(make_record_fn(per_record)), name="A-slow", **hide)
    fast = Worker(url, batch_handler(make_record_fn(0.01)), name="B-fast", **hide)
    slow.start()
    _send_batch(url, [json.dumps({"run": run, "label": f"order-{i + 1}"}) for i in range(n_messages)])
    wait_until(lambda: slow.stats.received >= n_messages, 5)  # A holds the whole batch
    fast.start()
    wait_until(
        lambda: sum(1 for d in log.items if d.worker == "A-slow") >= n_messages
        and slow.stats.batches >= 1 and slow.stats.succeeded + slow.stats.failed >= n_messages,
        processing_s + visibility_timeout_s + 10,
    )
    wait_until(lambda: sum(queue_depth(url).values()) == 0, visibility_timeout_s + 5, poll_s=0.05)
    _stop_all([slow, fast])
    return AtLeastOnceRun(visibility_timeout_s, processing_s, n_messages, sorted(log.items, key=lambda d: d.t_s))


def at_least_once_demo(
    receive: Receive | None = None, visibility_timeouts: tuple[int, ...] = (1, 3), processing_s: float = 1.5,
    n_messages: int = 3,
) -> AtLeastOnceResult:
    """A slow worker (A) holds a batch for ``processing_s``; a second worker (B) polls the same queue.

    When the visibility timeout is shorter than the processing, the messages become visible
    again while A is still working: B receives them too, and every order is processed twice
    (at-least-once delivery). With a timeout longer than the processing, B never sees them.
    The runs for each timeout go side by side, on separate queues; both workers receive with
    ``VisibilityTimeout`` set to the run's timeout.
    """
    results: dict[int, AtLeastOnceRun] = {}

    def go(vt: int) -> None:
        results[vt] = _at_least_once_run(vt, processing_s, n_messages, receive)

    threads = [threading.Thread(target=go, args=(vt,), name=f"sqs-lab-alo-{vt}") for vt in visibility_timeouts]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return AtLeastOnceResult([results[vt] for vt in visibility_timeouts])


# --- long vs short polling ------------------------------------------------------------------


@dataclass
class PollingRun:
    """One consumer's receives over the demo period."""

    wait_time_s: int
    duration_s: float
    stats: WorkerStats
    latencies_ms: list[float]


@dataclass
class PollingResult:
    """Short polling (``WaitTimeSeconds`` 0) next to long polling, same period, same messages."""

    short: PollingRun
    long: PollingRun

    @property
    def empty_ratio(self) -> float:
        """How many times more empty receives short polling made."""
        return self.short.stats.empty_receives / max(1, self.long.stats.empty_receives)


def polling_demo(receive: Receive | None = None, duration_s: float = 2.0, long_wait_s: int = 1,
                 n_messages: int = 4) -> PollingResult:
    """Two consumers, one short-polling and one long-polling, each on its own queue, for ``duration_s``.

    The same few messages arrive on both queues at the same moments; both consumers receive
    them all. The difference is the empty receives in between: every one is a billed request
    on AWS. (moto answers an empty receive in ~5 ms, faster than AWS's network round trip, so the
    short-polling count here is higher than on AWS; the ratio is the point.)
    """
    run = _run_id()
    urls = {0: _fresh("lab-poll-short"), long_wait_s: _fresh("lab-poll-long")}
    latencies: dict[int, list[float]] = {0: [], long_wait_s: []}
    got: collections.Counter[int] = collections.Counter()

    def make_handler(wait: int):
        def record_fn(record: Any) -> None:
            body = record.json_body
            if body.get("run") == run:
                latencies[wait].append((time.time() - body["sent"]) * 1000)
                got[wait] += 1

        return batch_handler(record_fn)

    workers = {w: Worker(url, make_handler(w), wait_time_s=w, name=f"poll-{w}s", receive=receive)
               for w, url in urls.items()}
    for w in workers.values():
        w.start()
    t0 = time.monotonic()
    gap = duration_s / (n_messages + 1)
    for i in range(n_messages):
        time.sleep(max(0.0, t0 + gap * (i + 1) - time.monotonic()))
        for url in urls.values():
            client("sqs").send_message(QueueUrl=url, MessageBody=json.dumps({"run": run, "sent": time.time()}))
    time.sleep(max(0.0, t0 + duration_s - time.monotonic()))
    # A busy machine may still be handing out the last message: give both consumers a moment.
    wait_until(lambda: got[0] >= n_messages and got[long_wait_s] >= n_messages, 2)
    for w in workers.values():
        w.request_stop()
    elapsed = time.monotonic() - t0
    for w in workers.values():
        w.join()
    runs = {w: PollingRun(w, elapsed, workers[w].stats, latencies[w]) for w in urls}
    return PollingResult(runs[0], runs[long_wait_s])


# --- batching ---------------------------------------------------------------------------------


@dataclass
class BatchingRun:
    """API calls (as the caller counts them) to send, receive and delete ``n`` messages."""

    mode: str
    n: int
    calls: dict[str, int]
    elapsed_s: float

    @property
    def total_calls(self) -> int:
        """All SQS calls of the run."""
        return sum(self.calls.values())


@dataclass
class BatchingResult:
    """The same orders one by one and in batches of 10."""

    single: BatchingRun
    batched: BatchingRun

    @property
    def ratio(self) -> float:
        """How many times fewer calls the batched run made."""
        return self.single.total_calls / max(1, self.batched.total_calls)


def _batching_run(n: int, batch: int, receive: Receive | None) -> BatchingRun:
    run = _run_id()
    url = _fresh(f"lab-batch-{batch}", visibility_timeout=30)
    sqs = client("sqs")
    before = collections.Counter({k: v for k, v in API_CALLS.items() if k[0] == "sqs"})
    t0 = time.monotonic()
    bodies = [json.dumps({"run": run, "order": i}) for i in range(n)]
    if batch == 1:
        for b in bodies:
            sqs.send_message(QueueUrl=url, MessageBody=b)
    else:
        _send_batch(url, bodies)
    done = 0
    while done < n:
        if receive is not None:
            msgs = receive(url, max_messages=batch, wait_s=1, visibility_timeout=None)
        else:
            msgs = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=batch, WaitTimeSeconds=1).get("Messages", [])
        if not msgs:
            break  # nothing left (should not happen): stop rather than spin
        if batch == 1:
            for m in msgs:
                sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
        else:
            sqs.delete_message_batch(
                QueueUrl=url, Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(msgs)]
            )
        done += sum(1 for m in msgs if json.loads(m["Body"]).get("run") == run)
    elapsed = time.monotonic() - t0
    after = collections.Counter({k: v for k, v in API_CALLS.items() if k[0] == "sqs"})
    calls = {op: n_calls for (_, op), n_calls in (after - before).items()}
    return BatchingRun("one by one" if batch == 1 else f"batches of {batch}", n, calls, elapsed)


def batching_demo(receive: Receive | None = None, n: int = 100) -> BatchingResult:
    """Send, receive and delete ``n`` orders one call per message, then in batches of 10.

    Counts come from :data:`helpers.core.backend.API_CALLS` (what the caller sent, what AWS bills),
    so run it while no other demo is calling SQS.
    """
    return BatchingResult(_batching_run(n, 1, receive), _batching_run(n, 10, receive))


# --- FIFO vs standard ---------------------------------------------------------------------


@dataclass
class FifoResult:
    """Per-group processing order and deduplication, standard queue vs FIFO queue."""

    groups: list[str]
    per_group: int
    failed_once: tuple[str, int]
    order: dict[str, dict[str, list[int]]]  # {"standard"|"fifo": {group: [seq in processing order]}}
    copies: dict[str, int]  # {"standard"|"fifo": messages queued after sending one order twice}
    resend_after_delete_kept: bool  # FIFO: same dedup id again after the first was consumed
    backend: str
    notes: list[str] = field(default_factory=list)

    def in_order(self, kind: str) -> bool:
        """True if every group of ``kind`` was processed in send order."""
        want = list(range(1, self.per_group + 1))
        return all(seqs == want for seqs in self.order[kind].values())


def _ordering_run(kind: str, groups: list[str], per_group: int, fail: tuple[str, int],
                  out: dict[str, dict[str, list[int]]], receive: Receive | None) -> None:
    fifo = kind == "fifo"
    run = _run_id()
    url = _fresh("lab-order" if fifo else "lab-order-std", visibility_timeout=1, fifo=fifo)
    processed: dict[str, list[int]] = {g: [] for g in groups}
    tried: set[tuple[str, int]] = set()

    def record_fn(record: Any) -> None:
        body = record.json_body
        if body.get("run") != run:
            return
        key = (body["group"], body["seq"])
        if key == fail and key not in tried:
            tried.add(key)
            raise RuntimeError("payment declined, try again")
        processed[body["group"]].append(body["seq"])

    sqs = client("sqs")
    entries = []
    for seq in range(1, per_group + 1):
        for g in groups:
            e: dict[str, Any] = {"Id": f"{g}-{seq}", "MessageBody": json.dumps({"run": run, "group": g, "seq": seq})}
            if fifo:
                e |= {"MessageGroupId": g, "MessageDeduplicationId": f"{run}-{g}-{seq}"}
            entries.append(e)
    for i in range(0, len(entries), 10):
        sqs.send_message_batch(QueueUrl=url, Entries=entries[i : i + 10])
    # One message per receive: SQS itself then keeps a FIFO group's order (a group's next message is
    # not handed out while one is in flight). With batches, batch_handler(fifo=True) uses Powertools'
    # SqsFifoPartialProcessor; but moto 5.2.5 re-delivers several timed-out messages of one group
    # out of order (AWS does not), so the demo stays with single messages.
    worker = Worker(url, batch_handler(record_fn, fifo=fifo), batch_size=1, name=f"order-{kind}",
                    receive=receive).start()
    total = len(groups) * per_group
    wait_until(lambda: sum(len(v) for v in processed.values()) >= total, 10)
    _stop_all([worker])
    out[kind] = processed


def _dedup_copies(kind: str) -> tuple[int, bool]:
    fifo = kind == "fifo"
    run = _run_id()
    url = _fresh("lab-dedup" if fifo else "lab-dedup-std", visibility_timeout=1, fifo=fifo)
    sqs = client("sqs")
    extra = {"MessageGroupId": "alice", "MessageDeduplicationId": f"order-{run}"} if fifo else {}
    body = json.dumps({"run": run, "order": "order-42"})
    for _ in range(2):  # the client retried: the same order sent twice
        sqs.send_message(QueueUrl=url, MessageBody=body, **extra)
    copies = queue_depth(url)["visible"]
    kept = False
    if fifo:
        purge(url)  # consume (receive + delete) it, then send the same order once more
        sqs.send_message(QueueUrl=url, MessageBody=body, **extra)
        kept = queue_depth(url)["visible"] > 0
    purge(url)
    return copies, kept


def fifo_demo(receive: Receive | None = None, groups: tuple[str, ...] = ("alice", "bob", "carol"),
              per_group: int = 3, fail: tuple[str, int] = ("alice", 1)) -> FifoResult:
    """Ordering and deduplication: the same events through a standard and a FIFO queue.

    Ordering: ``per_group`` numbered events per customer (message group), interleaved; the
    first attempt at ``fail`` fails and is retried after the visibility timeout. On the
    standard queue the customer's later events overtake it; on the FIFO queue
    (Powertools' ``SqsFifoPartialProcessor``) the group waits for it, other groups carry on.
    Deduplication: one order sent twice (a client retry) leaves 2 messages in a standard
    queue and 1 in a FIFO queue (same ``MessageDeduplicationId``).
    """
    order: dict[str, dict[str, list[int]]] = {}
    threads = [
        threading.Thread(target=_ordering_run, args=(kind, list(groups), per_group, fail, order, receive),
                         name=f"sqs-lab-{kind}")
        for kind in ("standard", "fifo")
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    std_copies, _ = _dedup_copies("standard")
    fifo_copies, kept = _dedup_copies("fifo")
    backend = current().name
    notes = [say("queues.fifo.resend_kept" if kept else "queues.fifo.resend_dropped"),
             say("queues.fifo.standard_order")]
    return FifoResult(list(groups), per_group, fail, order, {"standard": std_copies, "fifo": fifo_copies},
                      kept, backend, notes)
