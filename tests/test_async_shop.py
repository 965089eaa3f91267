"""Accept now, execute later: the asynchronous order API on a queue, and its measurements."""

from __future__ import annotations

import json

import pytest

from helpers.core import resources
from helpers.core.backend import client
from helpers.core.messages import WorkshopError
from helpers.core.sampling import wait_until
from helpers.queues.async_shop import AsyncShop, compare_sync_async, run_async, scaling_run
from helpers.shop import Status, speed_factor


@pytest.fixture(scope="module")
def ashop(module_own_prefix):
    shop = AsyncShop.create(visibility_timeout=1)
    yield shop


@pytest.fixture(autouse=True)
def fresh(ashop):
    """Every test: services back to the profile, full stock, an empty queue, no sleeping."""
    ashop.shop.reset()
    ashop.shop.set_failure_rates(0)
    ashop.shop.store.reset_stock(ashop.shop.catalog)
    ashop.retry_failures = False
    empty(ashop)
    with speed_factor(0):
        yield


def empty(ashop) -> None:
    """Nothing visible or in flight (in-flight leftovers come back within the 1 s visibility timeout)."""
    assert wait_until(lambda: resources.purge(ashop.queue_url) >= 0 and
                      sum(resources.queue_depth(ashop.queue_url).values()) == 0, 5, poll_s=0.2)


def orders_count(ashop) -> int:
    return client("dynamodb").scan(TableName=ashop.shop.store.tables["orders"], Select="COUNT")["Count"]


def test_accept_stores_the_order_enqueues_it_and_answers_202_without_executing(ashop):
    payload = ashop.shop.sample_orders(1)[0]
    answer = ashop.accept_order(payload)
    assert answer.ok and answer.http_status == 202 and answer.order_id
    assert ashop.status(answer.order_id) == Status.ACCEPTED
    (msg,) = client("sqs").receive_message(QueueUrl=ashop.queue_url, MaxNumberOfMessages=10)["Messages"]
    client("sqs").delete_message(QueueUrl=ashop.queue_url, ReceiptHandle=msg["ReceiptHandle"])
    body = json.loads(msg["Body"])
    assert body["order_id"] == answer.order_id and body["customer_id"] == payload["customer_id"]
    assert ashop.shop.store.effects([answer.order_id])["payments"][answer.order_id] == 0  # nothing executed


def test_an_invalid_order_is_rejected_before_anything_is_stored_or_sent(ashop):
    stored = orders_count(ashop)
    answer = ashop.accept_order({"customer_id": "cust-x", "items": []})
    assert not answer.ok and answer.http_status == 400 and answer.order_id is None
    assert "at least one item" in answer.error
    assert orders_count(ashop) == stored
    assert sum(resources.queue_depth(ashop.queue_url).values()) == 0


def test_workers_execute_accepted_orders_and_the_status_becomes_completed(ashop):
    with ashop.pool(workers=2) as pool:
        answers = ashop.accept_many(ashop.shop.sample_orders(6))
        ids = [a.order_id for a in answers]
        assert ashop.wait_until_finished(ids, timeout=10)
    assert pool.stats.succeeded == 6 and pool.stats.failed == 0
    assert {ashop.status(i) for i in ids} == {Status.COMPLETED}
    effects = ashop.shop.store.effects(ids)
    assert all(effects[kind][i] == 1 for kind in effects for i in ids)  # every step once per order
    assert sum(resources.queue_depth(ashop.queue_url).values()) == 0


def test_a_failed_step_marks_the_order_failed_and_the_message_is_done(ashop):
    ashop.shop.configure("payment", failure_rate=1.0)
    with ashop.pool(workers=1) as pool:
        answer = ashop.accept_order(ashop.shop.sample_orders(1)[0])
        assert ashop.wait_until_finished([answer.order_id], timeout=10)
    stored = ashop.shop.store.get_order(answer.order_id)
    assert stored["status"] == Status.FAILED and stored["failed_step"] == "payment"
    assert pool.stats.succeeded == 1 and sum(resources.queue_depth(ashop.queue_url).values()) == 0


def test_with_retries_a_failed_order_comes_back_and_earlier_steps_run_twice(ashop):
    ashop.retry_failures = True
    svc = ashop.shop.configure("payment", failure_rate=1.0)
    calls = []
    original = ashop.shop.step_function

    def flaky(step):
        fn = original(step)
        if step != "payment":
            return fn

        def once(order):
            calls.append(order.order_id)
            if len(calls) == 2:
                svc.configure(failure_rate=0.0)  # the payment service has recovered by the retry
            return fn(order)

        return once

    ashop.shop.step_function = flaky  # type: ignore[method-assign]
    try:
        with ashop.pool(workers=1):
            answer = ashop.accept_order(ashop.shop.sample_orders(1)[0])
            assert wait_until(lambda: ashop.final_status.get(answer.order_id) == Status.COMPLETED, 10)
    finally:
        del ashop.shop.step_function
    assert len(calls) == 2  # failed once, retried after the visibility timeout
    assert ashop.shop.store.effects([answer.order_id])["reservations"][answer.order_id] == 2  # at-least-once


def test_a_poison_message_fails_alone(ashop):
    client("sqs").send_message(QueueUrl=ashop.queue_url, MessageBody="{not an order")
    with ashop.pool(workers=1) as pool:
        answer = ashop.accept_order(ashop.shop.sample_orders(1)[0])
        assert ashop.wait_until_finished([answer.order_id], timeout=10)
        assert wait_until(lambda: pool.stats.failed >= 1, 5)
    assert ashop.status(answer.order_id) == Status.COMPLETED
    assert sum(resources.queue_depth(ashop.queue_url).values()) == 1  # the poison message is still there
    empty(ashop)


def test_compare_sync_async_measures_both_ways_on_the_same_kind_of_orders(ashop):
    result = compare_sync_async(ashop, n=4, workers=2)
    assert len(result.sync_ms) == len(result.accept_ms) == len(result.end_to_end_ms) == 4
    assert result.async_run.completed == 4 and len(result.sync.completed()) == 4
    # causality, not timing: an order cannot be finished before its acceptance was answered
    assert all(e >= a for e, a in zip(result.end_to_end_ms, result.accept_ms, strict=True))
    assert set(result.p50) == {"sync", "accept", "end_to_end"} and result.ratio > 0


def test_scaling_run_drains_every_burst_and_samples_depth(ashop):
    runs = scaling_run(ashop, 12, (1, 2), speed=0)
    assert [r.workers for r in runs] == [1, 2]
    for r in runs:
        assert r.run.completed == 12 and len(r.run.accept_ms) == 12
        assert r.run.depth is not None and len(r.run.depth) >= 2 and r.peak_depth >= 1
        assert r.drain_s > 0
    with pytest.raises(WorkshopError, match="from 1 to 500"):
        scaling_run(ashop, 0)


def test_run_async_reuses_a_running_pool_and_leaves_it_running(ashop):
    pool = ashop.pool(workers=1).start()
    try:
        run = run_async(ashop, ashop.shop.sample_orders(3), pool=pool)
        assert pool.running and run.completed == 3 and run.stats.succeeded == 3
    finally:
        pool.stop()
