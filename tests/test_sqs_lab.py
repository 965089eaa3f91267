"""The consumer demos of 03_queues: each one measures what the notebook claims, with the learner's receive call."""

from __future__ import annotations

import threading

import pytest

from helpers.core.workers import join_retiring
from helpers.queues import sqs_lab
from helpers.queues.lesson import receive_messages


@pytest.fixture(scope="module")
def prefix(module_own_prefix):
    yield module_own_prefix


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
    assert result.empty_ratio > 10


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


def counting(calls: list[dict]):
    """The lesson's receive_messages, recording the settings each demo asked for."""

    def receive(queue_url, **settings):
        calls.append(settings)
        return receive_messages(queue_url, **settings)

    return receive


def test_every_demo_receives_with_the_notebooks_function_and_its_settings(prefix):
    calls: list[dict] = []
    result = sqs_lab.at_least_once_demo(counting(calls), visibility_timeouts=(1,), processing_s=1.5, n_messages=3)
    assert result.run(1).duplicates == 3
    assert calls and {c["visibility_timeout"] for c in calls} == {1}  # the demo's timeout, on the receive call
    calls.clear()
    poll = sqs_lab.polling_demo(counting(calls), duration_s=1.0, long_wait_s=1, n_messages=2)
    assert {c["wait_s"] for c in calls} == {0, 1} and poll.long.stats.received == 2
    calls.clear()
    bat = sqs_lab.batching_demo(counting(calls), n=20)
    assert {c["max_messages"] for c in calls} == {1, 10} and bat.batched.calls["ReceiveMessage"] == 2
    calls.clear()
    fifo = sqs_lab.fifo_demo(counting(calls))
    assert {c["max_messages"] for c in calls} == {1} and fifo.in_order("fifo")
    join_retiring()
