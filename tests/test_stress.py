"""Stress on the seam: many threads producing and consuming through helpers.core.backend at once.

moto alone loses and duplicates SQS messages and miscounts DynamoDB counters under threads;
the seam's lock must make every one of these exact.

Producers pause briefly between batches, like real clients, so the backlog stays small: moto's
SendMessage and ReceiveMessage get slower as the backlog grows (about 120 ms per batch send with
600 queued), and an unpaced run takes 8 s instead of 2. Every call still interleaves with the others.

Python switches threads every 5 ms by default, which hides most races; the tests switch every
10 µs, as a race detector would. (Checked: without the seam's lock these tests lose and duplicate
messages, and the counter ends at about 1,970.)
"""

from __future__ import annotations

import collections
import sys
import threading
import time
import uuid

import pytest

from helpers.core import resources
from helpers.core.backend import client
from helpers.core.workers import WorkerPool, batch_handler

PRODUCERS = 4
CONSUMERS = 4
MESSAGES = 1_000
PRODUCER_PAUSE_S = 0.03


@pytest.fixture(scope="module")
def prefix(module_own_prefix):
    yield module_own_prefix


@pytest.fixture
def racy():
    """Switch threads every 10 µs so races show up in a few seconds."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)
    yield
    sys.setswitchinterval(before)


@pytest.mark.parametrize("repetition", [1, 2, 3])
def test_many_producers_and_consumers_lose_and_duplicate_nothing(prefix, racy, repetition):
    url = resources.ensure_queue(f"stress-{uuid.uuid4().hex[:6]}", visibility_timeout=60)
    seen: collections.Counter[str] = collections.Counter()
    lock = threading.Lock()

    def record_fn(record) -> None:
        with lock:
            seen[record.body] += 1

    sent = [f"r{repetition}-p{p}-m{i}" for p in range(PRODUCERS) for i in range(MESSAGES // PRODUCERS)]
    errors: list[BaseException] = []

    def produce(p: int) -> None:
        mine = [b for b in sent if b.startswith(f"r{repetition}-p{p}-")]
        try:
            for i in range(0, len(mine), 10):
                client("sqs").send_message_batch(
                    QueueUrl=url, Entries=[{"Id": str(j), "MessageBody": b} for j, b in enumerate(mine[i : i + 10])]
                )
                time.sleep(PRODUCER_PAUSE_S)
        except BaseException as exc:  # surfaced by the assertion below
            errors.append(exc)

    with WorkerPool(url, batch_handler(record_fn), workers=CONSUMERS) as pool:
        producers = [threading.Thread(target=produce, args=(p,)) for p in range(PRODUCERS)]
        for t in producers:
            t.start()
        for t in producers:
            t.join()
        assert pool.wait_for_succeeded(MESSAGES, timeout=60)
    client("sqs").delete_queue(QueueUrl=url)
    assert not errors
    lost = set(sent) - set(seen)
    duplicated = {body: n for body, n in seen.items() if n > 1}
    assert (len(lost), len(duplicated), len(seen)) == (0, 0, MESSAGES)
    assert pool.stats.received == MESSAGES and pool.stats.failed == 0 and not pool.stats.errors


def test_dynamodb_add_from_eight_threads_counts_exactly(prefix, racy):
    table = resources.ensure_table("stress-counter")
    ddb = client("dynamodb")
    key = {"pk": {"S": f"counter-{uuid.uuid4().hex[:6]}"}}
    threads_n, total = 8, 2_000

    def bump(n: int) -> None:
        for _ in range(n):
            ddb.update_item(
                TableName=table, Key=key, UpdateExpression="ADD hits :one",
                ExpressionAttributeValues={":one": {"N": "1"}},
            )

    threads = [threading.Thread(target=bump, args=(total // threads_n,)) for _ in range(threads_n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    item = ddb.get_item(TableName=table, Key=key, ConsistentRead=True)["Item"]
    assert int(item["hits"]["N"]) == total
