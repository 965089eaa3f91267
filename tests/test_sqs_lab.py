"""The consumer-semantics demos of 03_queues: each one measures what the notebook claims."""

from __future__ import annotations

import json
import threading

import pytest

from helpers.core import resources
from helpers.core.backend import client
from helpers.core.workers import join_retiring
from helpers.queues import sqs_lab


@pytest.fixture(scope="module")
def prefix(module_own_prefix):
    yield module_own_prefix


def test_a_crashed_message_comes_back_after_the_visibility_timeout_with_count_2(prefix):
    # a leftover of an interrupted earlier run must not confuse the demo
    url = resources.ensure_queue("lab-visibility", visibility_timeout=1)
    client("sqs").send_message(QueueUrl=url, MessageBody=json.dumps({"run": "old", "label": "stale"}))
    result = sqs_lab.visibility_timeout_demo(visibility_timeout_s=1)
    assert result.receive_counts == [1, 2]
    assert [d.outcome for d in result.deliveries] == ["crashed", "ok"]
    assert result.gap_s >= 0.8  # hidden for (about) the whole timeout, not redelivered at once
    assert max(result.depth.in_flight) == 1 and result.depth.total[-1] == 0


def test_processing_longer_than_the_visibility_timeout_delivers_twice(prefix):
    result = sqs_lab.at_least_once_demo(visibility_timeouts=(1, 3), processing_s=1.5, n_messages=3)
    short, long = result.run(1), result.run(3)
    assert short.per_message == {"order-1": 2, "order-2": 2, "order-3": 2}
    assert short.duplicates == 3 and short.side_effects == 6
    assert {d.worker for d in short.deliveries} == {"A-slow", "B-fast"}
    assert long.per_message == {"order-1": 1, "order-2": 1, "order-3": 1} and long.duplicates == 0
    join_retiring()  # the demo stops its workers without waiting for their last long poll
    assert not [t for t in threading.enumerate() if t.name.startswith("sqs-")]


def test_short_polling_makes_many_more_empty_receives_for_the_same_messages(prefix):
    result = sqs_lab.polling_demo(duration_s=1.5, long_wait_s=1, n_messages=3)
    assert result.short.stats.received == result.long.stats.received == 3
    assert result.short.stats.empty_receives > 10 * max(1, result.long.stats.empty_receives)
    # about one call per second of waiting (measured duration: a busy machine stretches it), plus one per message
    assert result.long.stats.receives <= result.long.duration_s / 1 + 3 + 2
    assert result.empty_ratio > 10 and result.short.usd_per_month > result.long.usd_per_month


def test_batches_cut_api_calls_tenfold(prefix):
    result = sqs_lab.batching_demo(n=100)
    assert result.single.calls == {"SendMessage": 100, "ReceiveMessage": 100, "DeleteMessage": 100}
    assert result.batched.calls == {"SendMessageBatch": 10, "ReceiveMessage": 10, "DeleteMessageBatch": 10}
    assert result.ratio == 10


def test_fifo_keeps_each_groups_order_and_drops_the_duplicate(prefix):
    result = sqs_lab.fifo_demo()
    assert result.in_order("fifo") and not result.in_order("standard")
    assert result.order["standard"]["alice"] == [2, 3, 1]  # the retried event was overtaken
    assert result.order["fifo"]["bob"] == [1, 2, 3]  # other groups did not wait for alice
    assert result.copies == {"standard": 2, "fifo": 1}
    assert result.resend_after_delete_kept  # moto: dedup only against queued messages (AWS: 5 minutes)
    assert any("5 minutes" in note for note in result.notes)
