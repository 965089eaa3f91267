"""Workers that consume SQS like Lambda's event source mapping: events, partial failures, stop."""

from __future__ import annotations

import collections
import json
import threading
import time
import uuid

import pytest

from helpers.core import resources
from helpers.core.backend import client
from helpers.core.messages import WorkshopError
from helpers.core.sampling import DepthSampler, wait_until
from helpers.core.workers import (
    LambdaContext,
    Worker,
    WorkerPool,
    batch_handler,
    failed_ids,
    fake_sqs_event,
    join_retiring,
)


@pytest.fixture(scope="module")
def prefix(module_own_prefix):
    join_retiring()  # workers other modules stopped without waiting: gone before we count threads
    yield module_own_prefix


@pytest.fixture
def make_queue(prefix):
    """A fresh queue per test (deleted afterwards, so moto stays small)."""
    made: list[str] = []

    def make(visibility_timeout: int = 1) -> str:
        url = resources.ensure_queue(f"w-{uuid.uuid4().hex[:8]}", visibility_timeout=visibility_timeout)
        made.append(url)
        return url

    yield make
    for url in made:
        client("sqs").delete_queue(QueueUrl=url)


def send(url: str, bodies: list[str]) -> None:
    sqs = client("sqs")
    for i in range(0, len(bodies), 10):
        sqs.send_message_batch(
            QueueUrl=url, Entries=[{"Id": str(j), "MessageBody": b} for j, b in enumerate(bodies[i : i + 10])]
        )


def depth_total(url: str) -> int:
    return sum(resources.queue_depth(url).values())


def worker_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith(("sqs-worker", "sqs-depth"))]


class Deliveries:
    """Thread-safe log of (body, receive count) per delivery, as the record function saw it."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.seen: list[tuple[str, int, str]] = []

    def add(self, record) -> None:
        with self.lock:
            self.seen.append((record.body, record.attributes.approximate_receive_count, record.message_id))

    def counts(self) -> collections.Counter:
        with self.lock:
            return collections.Counter(body for body, _, _ in self.seen)

    def receive_counts(self, body: str) -> list[int]:
        with self.lock:
            return [int(n) for b, n, _ in self.seen if b == body]


# --- pure parts: the Lambda contract ---------------------------------------------------------


def test_lambda_rules_for_the_partial_batch_response():
    ids = ["a", "b", "c"]
    assert failed_ids(None, ids) == set()
    assert failed_ids({}, ids) == set()
    assert failed_ids({"batchItemFailures": []}, ids) == set()
    assert failed_ids({"batchItemFailures": [{"itemIdentifier": "b"}]}, ids) == {"b"}
    # an empty, missing or unknown identifier, or a malformed response, fails the whole batch
    assert failed_ids({"batchItemFailures": [{"itemIdentifier": ""}]}, ids) == set(ids)
    assert failed_ids({"batchItemFailures": [{"id": "b"}]}, ids) == set(ids)
    assert failed_ids({"batchItemFailures": [{"itemIdentifier": "zzz"}]}, ids) == set(ids)
    assert failed_ids("ok", ids) == set(ids)


def test_batch_handler_reports_only_the_records_that_raised():
    def record_fn(record):
        if json.loads(record.body)["qty"] < 1:
            raise ValueError("quantity must be at least 1")

    handler = batch_handler(record_fn)
    event = fake_sqs_event([json.dumps({"qty": 1}), json.dumps({"qty": 0}), "not json", json.dumps({"qty": 2})])
    assert handler(event, None) == {"batchItemFailures": [{"itemIdentifier": "m1"}, {"itemIdentifier": "m2"}]}
    assert handler(fake_sqs_event(["{\"qty\": 3}"]), None) == {"batchItemFailures": []}
    assert handler.record_fn is record_fn


def test_batch_handler_hands_back_unstarted_records_when_the_worker_releases():
    ctx = LambdaContext("fn", "ap-northeast-1", "123456789012", 30, stopping=lambda: True)
    started = []
    handler = batch_handler(lambda record: started.append(record.message_id))
    response = handler(fake_sqs_event(["a", "b"]), ctx)
    assert started == [] and ctx.released_ids == {"m0", "m1"}
    assert {f["itemIdentifier"] for f in response["batchItemFailures"]} == {"m0", "m1"}


def test_bad_settings_are_one_sentence(make_queue):
    url = make_queue()
    handler = batch_handler(lambda r: None)
    for kwargs, words in [
        ({"batch_size": 11}, "from 1 to 10"),
        ({"wait_time_s": 0.5}, "whole number of seconds"),
        ({"on_stop": "kill"}, "'drain'"),
    ]:
        with pytest.raises(WorkshopError, match=words):
            Worker(url, handler, **kwargs)
    with pytest.raises(WorkshopError, match="1 to 32 workers"):
        WorkerPool(url, handler, workers=0)
    with pytest.raises(WorkshopError, match=r"handler\(event, context\)"):
        Worker(url, "not a function")  # type: ignore[arg-type]


# --- on the queue ------------------------------------------------------------------------------


def test_the_handler_gets_a_lambda_shaped_event_and_context(make_queue):
    url = make_queue()
    got: dict = {}
    done = threading.Event()

    def handler(event, context):
        got["event"], got["context"] = event, context
        got["remaining"] = context.get_remaining_time_in_millis()
        done.set()

    client("sqs").send_message(
        QueueUrl=url, MessageBody='{"order": 1}',
        MessageAttributes={"kind": {"DataType": "String", "StringValue": "order"}},
    )
    with Worker(url, handler):
        assert done.wait(5)
    (record,) = got["event"]["Records"]
    assert set(record) >= {"messageId", "receiptHandle", "body", "attributes", "messageAttributes",
                           "md5OfBody", "eventSource", "eventSourceARN", "awsRegion"}
    assert record["body"] == '{"order": 1}' and record["eventSource"] == "aws:sqs"
    assert record["eventSourceARN"] == resources.queue_arn(url)
    assert record["attributes"]["ApproximateReceiveCount"] == "1"
    assert {"SentTimestamp", "ApproximateFirstReceiveTimestamp"} <= set(record["attributes"])
    assert record["messageAttributes"]["kind"]["stringValue"] == "order"
    assert record["messageAttributes"]["kind"]["dataType"] == "String"
    assert got["context"].function_name == "worker" and got["remaining"] > 0


def test_successes_are_deleted_in_batches_of_at_most_ten(make_queue):
    url = make_queue()
    sizes: list[int] = []
    send(url, [f"m{i}" for i in range(25)])
    worker = Worker(url, lambda event, ctx: sizes.append(len(event["Records"])))
    with worker:
        assert wait_until(lambda: worker.stats.succeeded >= 25, 10)
    assert sum(sizes) == 25 and max(sizes) <= 10 and len(sizes) >= 3
    assert worker.stats.received == 25 and worker.stats.failed == 0
    assert depth_total(url) == 0


def test_partial_failure_brings_back_only_the_failed_message_with_receive_count_2(make_queue):
    url = make_queue(visibility_timeout=1)
    log = Deliveries()

    def record_fn(record):
        log.add(record)
        if record.body == "bad" and record.attributes.approximate_receive_count == "1":
            raise RuntimeError("payment service timed out")

    send(url, ["a", "b", "bad", "c", "d"])
    worker = Worker(url, batch_handler(record_fn))
    with worker:
        assert wait_until(lambda: worker.stats.succeeded >= 5, 10)
    assert log.counts() == {"a": 1, "b": 1, "c": 1, "d": 1, "bad": 2}
    assert log.receive_counts("bad") == [1, 2]
    assert worker.stats.failed == 1 and worker.stats.succeeded == 5
    assert depth_total(url) == 0


def test_a_failed_message_stays_hidden_for_the_visibility_timeout(make_queue):
    url = make_queue(visibility_timeout=1)
    times: list[float] = []

    def record_fn(record):
        times.append(time.monotonic())
        if len(times) == 1:
            raise RuntimeError("first try fails")

    send(url, ["x"])
    worker = Worker(url, batch_handler(record_fn))
    with worker:
        assert wait_until(lambda: worker.stats.succeeded >= 1, 10)
    assert len(times) == 2
    assert times[1] - times[0] >= 0.8  # not redelivered before the 1 s visibility timeout


def test_a_handler_that_raises_fails_the_whole_batch(make_queue):
    url = make_queue(visibility_timeout=1)
    log = Deliveries()
    calls = []

    def handler(event, context):
        calls.append(len(event["Records"]))
        if len(calls) == 1:
            raise RuntimeError("crash before anything was reported")
        for r in event["Records"]:
            log.seen.append((r["body"], int(r["attributes"]["ApproximateReceiveCount"]), r["messageId"]))

    send(url, ["a", "b", "c"])
    worker = Worker(url, handler)
    with worker:
        assert wait_until(lambda: worker.stats.succeeded >= 3, 10)
    assert worker.stats.handler_errors == 1 and worker.stats.failed == 3 and worker.stats.succeeded == 3
    assert sorted(log.seen)[0][1] == 2 and {n for _, n, _ in log.seen} == {2}  # all came back, count 2
    assert isinstance(worker.last_handler_error, RuntimeError)


def test_a_poison_body_fails_alone_and_stays_in_the_queue(make_queue):
    url = make_queue(visibility_timeout=1)

    def record_fn(record):
        return record.json_body["qty"]

    send(url, ['{"qty": 1}', "{{not json", '{"qty": 2}'])
    worker = Worker(url, batch_handler(record_fn))
    with worker:
        assert wait_until(lambda: worker.stats.succeeded >= 2, 10)
    assert worker.stats.succeeded == 2 and worker.stats.failed >= 1
    assert depth_total(url) == 1  # the poison message is still there (a DLQ would take it: notebook 05)


def _slow_batch(url: str, started: threading.Event) -> Worker:
    def record_fn(record):
        started.set()
        time.sleep(0.15)

    send(url, [f"s{i}" for i in range(5)])
    return Worker(url, batch_handler(record_fn), batch_size=10)


def test_stop_drain_finishes_the_batch_in_hand(make_queue):
    url = make_queue(visibility_timeout=30)
    started = threading.Event()
    worker = _slow_batch(url, started).start()
    assert started.wait(5)
    stats = worker.stop(mode="drain")
    assert stats.succeeded == 5 and stats.released == 0
    assert depth_total(url) == 0


def test_stop_release_gives_unprocessed_messages_back_at_once(make_queue):
    url = make_queue(visibility_timeout=30)  # without the release they would hide for 30 s
    started = threading.Event()
    worker = _slow_batch(url, started).start()
    assert started.wait(5)
    stats = worker.stop(mode="release")
    assert 1 <= stats.succeeded < 5 and stats.released == 5 - stats.succeeded and stats.failed == 0
    assert resources.queue_depth(url)["visible"] == stats.released
    back = client("sqs").receive_message(
        QueueUrl=url, MaxNumberOfMessages=10, MessageSystemAttributeNames=["ApproximateReceiveCount"]
    )["Messages"]
    assert len(back) == stats.released
    assert {m["Attributes"]["ApproximateReceiveCount"] for m in back} == {"2"}


def test_start_stop_twice_leaves_no_thread_behind(make_queue):
    url = make_queue()
    before = set(threading.enumerate())
    pool = WorkerPool(url, batch_handler(lambda r: None), workers=3)
    sampler = DepthSampler(url).start()
    pool.start()
    pool.start()  # already running: no extra threads
    assert len(worker_threads()) == 4
    time.sleep(0.2)
    pool.stop()
    pool.stop()  # idempotent
    sampler.stop()
    sampler.stop()
    assert not pool.running and worker_threads() == []
    assert set(threading.enumerate()) <= before
    pool.start()  # a stopped pool can start again
    assert pool.running
    pool.stop()
    assert worker_threads() == []


def test_empty_receives_are_counted(make_queue):
    url = make_queue()
    worker = Worker(url, batch_handler(lambda r: None), wait_time_s=1).start()
    time.sleep(1.2)
    stats = worker.stop()
    assert stats.received == 0 and stats.empty_receives >= 1
    assert stats.receives == stats.empty_receives == stats.api_calls


def test_a_pool_of_four_processes_every_message_exactly_once(make_queue):
    url = make_queue(visibility_timeout=30)
    n = 200
    seen: list[str] = []
    lock = threading.Lock()

    def record_fn(record):
        with lock:
            seen.append(record.body)

    send(url, [f"order-{i}" for i in range(n)])
    with WorkerPool(url, batch_handler(record_fn), workers=4) as pool:
        assert pool.wait_for_succeeded(n, timeout=20)
        assert pool.wait_until_empty(timeout=5)
    counts = collections.Counter(seen)
    assert len(counts) == n and set(counts.values()) == {1}
    assert pool.stats.received == n and pool.stats.succeeded == n and pool.stats.failed == 0
    assert worker_threads() == []


def test_depth_sampler_records_a_backlog_draining(make_queue):
    url = make_queue()
    send(url, [f"d{i}" for i in range(30)])
    with DepthSampler(url, interval_s=0.05) as sampler:
        time.sleep(0.15)
        sampler.mark("workers started")
        with WorkerPool(url, batch_handler(lambda r: time.sleep(0.01)), workers=2) as pool:
            pool.wait_for_succeeded(30, timeout=10)
    series = sampler.series
    assert len(series) >= 3 and series.total[0] == 30 and series.total[-1] == 0
    assert series.peak == 30 and series.t_s == sorted(series.t_s)
    assert [label for _, label in series.marks] == ["workers started"]


def test_a_running_pool_scales_up_and_down_and_keeps_its_counts(make_queue):
    url = make_queue(visibility_timeout=30)
    seen: list[str] = []
    pool = WorkerPool(url, batch_handler(lambda r: seen.append(r.body)), workers=1).start()
    send(url, [f"a{i}" for i in range(20)])
    assert pool.wait_for_succeeded(20, timeout=10)
    pool.scale_to(4)
    assert pool.size == 4 and len(worker_threads()) == 4
    send(url, [f"b{i}" for i in range(20)])
    assert pool.wait_for_succeeded(40, timeout=10)
    pool.scale_to(2)
    assert pool.size == 2 and len(worker_threads()) == 2
    pool.stop()
    assert worker_threads() == []
    assert pool.stats.succeeded == 40 and sorted(seen) == sorted([f"a{i}" for i in range(20)] + [f"b{i}" for i in range(20)])
    with pytest.raises(WorkshopError, match="1 to 32 workers"):
        pool.scale_to(0)


def test_run_once_is_one_turn_of_the_loop_in_the_callers_thread(make_queue):
    url = make_queue()
    seen: list[str] = []
    worker = Worker(url, batch_handler(lambda r: seen.append(r.body)))
    send(url, ["one", "two"])
    assert worker.run_once() == 2 and sorted(seen) == ["one", "two"]
    assert worker.stats.succeeded == 2 and worker.stats.receives == 1 and depth_total(url) == 0
    assert worker_threads() == []
    worker.start()
    with pytest.raises(WorkshopError, match="already polling"):
        worker.run_once()
    worker.stop()


def test_stop_without_waiting_ends_by_itself_and_never_overlaps_the_next_workers(make_queue):
    url, other = make_queue(), make_queue()
    first = WorkerPool(url, batch_handler(lambda r: None), workers=2, name="first").start()
    elsewhere = Worker(other, batch_handler(lambda r: None), name="elsewhere").start()
    elsewhere.stop(wait=False)
    first.stop(wait=False)  # returns at once; the threads finish their current long poll
    second = WorkerPool(url, batch_handler(lambda r: None), workers=1, name="second").start()
    names = {t.name for t in worker_threads()}
    assert not any(n.startswith("sqs-worker-first") for n in names)  # joined before the new ones started
    second.stop()
    join_retiring()
    assert worker_threads() == [] and not first.running and not elsewhere.running
    first.stop()  # still idempotent


def test_a_lessons_receive_function_replaces_the_workers_receive_message_call(make_queue):
    url = make_queue()
    send(url, ["a", "b", "c"])
    asked: list[dict] = []

    def receive(queue_url, *, max_messages, wait_s, visibility_timeout):
        asked.append({"max": max_messages, "wait": wait_s, "visibility": visibility_timeout})
        return client("sqs").receive_message(QueueUrl=queue_url, MaxNumberOfMessages=max_messages,
                                             WaitTimeSeconds=wait_s, MessageSystemAttributeNames=["All"]).get(
            "Messages", [])

    worker = Worker(url, batch_handler(lambda r: None), batch_size=2, wait_time_s=0, visibility_timeout=5,
                    receive=receive)
    assert worker.run_once() == 2 and worker.run_once() == 1
    assert asked == [{"max": 2, "wait": 0, "visibility": 5}] * 2
    assert worker.stats.succeeded == 3 and worker.stats.receives == 2 and depth_total(url) == 0
