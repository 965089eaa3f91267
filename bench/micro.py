"""Micro-benchmarks that run inside one process on one backend (moto in-process or a moto server).

Run by ``python -m bench`` in a subprocess per backend; prints one JSON document on stdout.
Each figure is the median (and spread) over ``repeat`` runs. Nothing here asserts: targets are
reported by ``bench/__main__.py``, not tested.
"""

from __future__ import annotations

import json
import statistics
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

from helpers.core import backend
from helpers.core.backend import client, use_backend
from helpers.core.resources import ensure_queue, purge, set_prefix


def summary(values: list[float]) -> dict[str, float]:
    """Median, min, max and n of ``values``."""
    return {
        "median": statistics.median(values),
        "min": min(values),
        "max": max(values),
        "n": len(values),
    }


def timed_calls(fn: Callable[[], Any], n: int) -> list[float]:
    """Wall time of ``n`` calls of ``fn``, in ms each."""
    out = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def send_batches(url: str, n: int, sqs: Any = None) -> None:
    """Send ``n`` small messages in batches of 10."""
    sqs = sqs or client("sqs")
    for start in range(0, n, 10):
        sqs.send_message_batch(
            QueueUrl=url,
            Entries=[{"Id": str(i), "MessageBody": f'{{"n": {start + i}}}'} for i in range(min(10, n - start))],
        )


def bench_accept(repeat: int) -> dict[str, Any]:
    """accept_order vs one raw SendMessage on the same backend (ms per call)."""
    url = ensure_queue("bench-raw")
    sqs = client("sqs")
    raw = timed_calls(lambda: sqs.send_message(QueueUrl=url, MessageBody='{"order_id": "x"}'), repeat * 20)
    purge(url)
    result: dict[str, Any] = {"raw_send_ms": summary(raw)}
    from helpers.queues.async_shop import AsyncShop

    ashop = AsyncShop.create(queue="bench-accept")
    payload = ashop.shop.sample_orders(1)[0]
    from helpers.shop import speed_factor

    with speed_factor(0):  # the helpers' own cost, without the simulated validation latency
        times = timed_calls(lambda: ashop.accept_order(payload), repeat * 20)
    purge(ashop.queue_url)
    result["accept_ms"] = summary(times)
    result["ratio"] = result["accept_ms"]["median"] / result["raw_send_ms"]["median"]
    # What accept adds to the send: validation and one DynamoDB PutItem (the order, status ACCEPTED).
    table = ashop.shop.store.tables["orders"] if hasattr(ashop.shop.store, "tables") else None
    if table:
        ddb = client("dynamodb")
        put = timed_calls(
            lambda: ddb.put_item(TableName=table, Item={"order_id": {"S": "bench"}, "status": {"S": "X"}}),
            repeat * 20,
        )
        result["raw_put_ms"] = summary(put)
        result["floor_ratio"] = (result["raw_send_ms"]["median"] + result["raw_put_ms"]["median"]) / result[
            "raw_send_ms"
        ]["median"]
    return result


def bare_loop_throughput(url: str, n: int, threads: int, sqs: Any) -> float:
    """Messages/s through a bare receive/delete loop with ``threads`` consumers."""
    send_batches(url, n, sqs)
    done = [0]
    lock = threading.Lock()

    def consume() -> None:
        while True:
            with lock:
                if done[0] >= n:
                    return
            msgs = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", [])
            if not msgs:
                with lock:
                    if done[0] >= n:
                        return
                continue
            sqs.delete_message_batch(
                QueueUrl=url, Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(msgs)]
            )
            with lock:
                done[0] += len(msgs)

    finished_at: list[float] = []

    def consume_and_note() -> None:
        consume()
        with lock:
            if not finished_at:
                finished_at.append(time.perf_counter())  # the first thread that saw all n done

    start = time.perf_counter()
    workers = [threading.Thread(target=consume_and_note) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return n / (finished_at[0] - start)


def worker_throughput(url: str, n: int, threads: int) -> float:
    """Messages/s through helpers.core.workers.WorkerPool with a trivial handler."""
    from helpers.core.workers import WorkerPool, batch_handler

    send_batches(url, n)
    handler = batch_handler(lambda record: None)
    start = time.perf_counter()
    with WorkerPool(url, handler, workers=threads) as pool:
        pool.wait_for_succeeded(n, timeout=120)
    return n / (time.perf_counter() - start)


def bench_throughput(repeat: int, n: int = 200) -> dict[str, Any]:
    """Workers vs a bare receive/delete loop, 1/2/4 threads, messages/s."""
    url = ensure_queue("bench-throughput", visibility_timeout=30)
    purge(url)
    out: dict[str, Any] = {}
    for threads in (1, 2, 4):
        bare = [bare_loop_throughput(url, n, threads, client("sqs")) for _ in range(repeat)]
        work = [worker_throughput(url, n, threads) for _ in range(repeat)]
        out[str(threads)] = {
            "bare_msgs_per_s": summary(bare),
            "workers_msgs_per_s": summary(work),
            "ratio": statistics.median(work) / statistics.median(bare),
        }
    return out


def bench_backlog(repeat: int) -> dict[str, Any]:
    """ReceiveMessage (10 at a time) cost with 0, 100 and 500 messages queued."""
    url = ensure_queue("bench-backlog", visibility_timeout=60)
    sqs = client("sqs")
    out: dict[str, Any] = {}
    for backlog in (0, 100, 500):
        purge(url)
        send_batches(url, backlog)
        times = []
        for _ in range(repeat * 5):
            start = time.perf_counter()
            got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0).get("Messages", [])
            times.append((time.perf_counter() - start) * 1000)
            if got:  # put them back so the backlog stays the same size
                sqs.change_message_visibility_batch(
                    QueueUrl=url,
                    Entries=[
                        {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"], "VisibilityTimeout": 0}
                        for i, m in enumerate(got)
                    ],
                )
        out[str(backlog)] = {"receive_ms": summary(times)}
    purge(url)
    return out


def bench_lock(n: int = 1000, producers: int = 4, consumers: int = 4) -> dict[str, Any]:
    """The thread-safety fix: the same concurrent send/receive/delete with and without the seam's lock."""
    url = ensure_queue("bench-lock", visibility_timeout=30)
    out: dict[str, Any] = {}
    unlocked = backend._state.session.client("sqs", endpoint_url=backend.current().endpoint)
    for label, sqs in (("with_lock", client("sqs")), ("without_lock", unlocked)):
        purge(url)
        got: list[str] = []
        got_lock = threading.Lock()
        stop = threading.Event()

        def produce(k: int, sqs: Any = sqs) -> None:
            for start in range(k * 10, n, producers * 10):
                sqs.send_message_batch(
                    QueueUrl=url,
                    Entries=[{"Id": str(i), "MessageBody": str(start + i)} for i in range(min(10, n - start))],
                )

        def consume(
            sqs: Any = sqs, got: list[str] = got, stop: threading.Event = stop, got_lock: threading.Lock = got_lock
        ) -> None:
            while not stop.is_set():
                msgs = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0).get(
                    "Messages", []
                )
                if not msgs:
                    time.sleep(0.01)
                    continue
                with got_lock:
                    got.extend(m["Body"] for m in msgs)
                sqs.delete_message_batch(
                    QueueUrl=url,
                    Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(msgs)],
                )

        start = time.perf_counter()
        threads = [threading.Thread(target=produce, args=(k,)) for k in range(producers)]
        threads += [threading.Thread(target=consume) for _ in range(consumers)]
        for t in threads:
            t.start()
        for t in threads[:producers]:
            t.join()
        deadline = time.monotonic() + 60
        while len(set(got)) < n and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)  # let late duplicates arrive
        stop.set()
        for t in threads[producers:]:
            t.join()
        elapsed = time.perf_counter() - start
        out[label] = {
            "messages": n,
            "lost": n - len(set(got)),
            "duplicates": len(got) - len(set(got)),
            "msgs_per_s": len(set(got)) / elapsed,
        }
    purge(url)
    return out


def main(argv: list[str]) -> int:
    """``python -m bench.micro REPEAT`` — runs every micro-benchmark on the current backend, prints JSON."""
    repeat = int(argv[0]) if argv else 3
    info = use_backend(quiet=True)
    set_prefix("bench")
    result = {
        "backend": info.name + (f" @ {info.endpoint}" if info.endpoint else " (in-process)"),
        "accept": bench_accept(repeat),
        "throughput": bench_throughput(repeat),
        "backlog": bench_backlog(repeat),
        "lock": bench_lock(),
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
