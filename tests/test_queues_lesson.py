"""Notebook 03's saved lesson code (helpers/queues/lesson.py): the accept handler, the worker, the names.

These are the functions 07 deploys to Lambda and 05–07 build on, so each is tested here as it
would run there: the accept handler on a payload, the worker entry point on a Lambda SQS event
with its names taken from the environment.
"""

from __future__ import annotations

import json

import pytest

from helpers.core import resources
from helpers.core.backend import client
from helpers.core.workers import Worker, fake_sqs_event
from helpers.queues import lesson
from helpers.queues.async_shop import AsyncShop
from helpers.shop import Status, speed_factor


@pytest.fixture(scope="module")
def shop(module_own_prefix):
    """The process's shop (``shop_services``) for this prefix: full stock, no random failures, no sleeping."""
    lesson.shop_services.cache_clear()
    made = lesson.shop_services()
    made.reset(failures=False)
    made.store.reset_stock(made.catalog)
    with speed_factor(0):
        yield made
    lesson.shop_services.cache_clear()


@pytest.fixture
def queue_url(shop):
    url = resources.ensure_queue(lesson.ORDERS_QUEUE, visibility_timeout=1)
    resources.purge(url)
    return url


def test_names_come_from_the_prefix_or_from_the_environment(queue_url, monkeypatch):
    monkeypatch.delenv("ORDERS_TABLE", raising=False)
    monkeypatch.delenv("ORDERS_QUEUE_URL", raising=False)
    assert lesson.orders_table_name() == resources.name("shop-orders")
    assert lesson.orders_queue_url() == queue_url
    monkeypatch.setenv("ORDERS_TABLE", "their-table")
    monkeypatch.setenv("ORDERS_QUEUE_URL", "https://example.com/their-queue")
    assert (lesson.orders_table_name(), lesson.orders_queue_url()) == ("their-table", "https://example.com/their-queue")


def test_accept_stores_the_order_sends_it_and_answers_202(shop, queue_url):
    payload = shop.sample_orders(1)[0]
    body, status = lesson.accept_order(payload, table_name=lesson.orders_table_name(), queue_url=queue_url)
    assert status == 202 and body["status"] == Status.ACCEPTED
    stored = shop.store.get_order(body["order_id"])
    assert stored["status"] == Status.ACCEPTED and stored["customer_id"] == payload["customer_id"]
    (msg,) = client("sqs").receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10)["Messages"]
    client("sqs").delete_message(QueueUrl=queue_url, ReceiptHandle=msg["ReceiptHandle"])
    assert json.loads(msg["Body"])["order_id"] == body["order_id"]


def test_accept_refuses_a_bad_order_with_400_and_one_sentence_and_changes_nothing(shop, queue_url):
    before = shop.store.count("orders")
    body, status = lesson.accept_order({"customer_id": "c", "items": []}, table_name=lesson.orders_table_name(),
                                       queue_url=queue_url)
    assert status == 400 and "at least one item" in body["error"]
    assert shop.store.count("orders") == before and sum(resources.queue_depth(queue_url).values()) == 0


def test_the_worker_entry_point_runs_as_a_lambda_with_its_names_from_the_environment(shop, queue_url, monkeypatch):
    body, _ = lesson.accept_order(shop.sample_orders(1)[0], table_name=lesson.orders_table_name(), queue_url=queue_url)
    order_id = body["order_id"]
    (msg,) = client("sqs").receive_message(QueueUrl=queue_url)["Messages"]  # what the trigger would hand over
    client("sqs").delete_message(QueueUrl=queue_url, ReceiptHandle=msg["ReceiptHandle"])
    monkeypatch.setenv("ORDERS_TABLE", shop.store.tables["orders"])
    event = fake_sqs_event([msg["Body"], "not an order"])
    response = lesson.worker_handler(event, None)
    assert response == {"batchItemFailures": [{"itemIdentifier": "m1"}]}  # only the poison message fails
    assert shop.store.get_order(order_id)["status"] == Status.COMPLETED
    assert all(shop.store.effects([order_id])[kind][order_id] == 1 for kind in ("payments", "points"))


def test_a_failed_step_is_stored_with_the_order(shop, queue_url):
    body, _ = lesson.accept_order(shop.sample_orders(1)[0], table_name=lesson.orders_table_name(), queue_url=queue_url)
    shop.configure("payment", failure_rate=1.0)
    try:
        assert Worker(queue_url, lesson.worker_handler).run_once() == 1
    finally:
        shop.reset(failures=False)
    stored = shop.store.get_order(body["order_id"])
    assert stored["status"] == Status.FAILED and stored["failed_step"] == "payment"
    assert sum(resources.queue_depth(queue_url).values()) == 0  # a FAILED order is an answer: the message is done


def test_receive_messages_passes_its_settings_to_receive_message(shop, queue_url):
    client("sqs").send_message(QueueUrl=queue_url, MessageBody="x")
    (msg,) = lesson.receive_messages(queue_url, max_messages=1, wait_s=0, visibility_timeout=5)
    assert msg["Attributes"]["ApproximateReceiveCount"] == "1"
    assert lesson.receive_messages(queue_url, wait_s=0) == []  # hidden for 5 s, not the queue's 1 s
    assert resources.queue_depth(queue_url)["in_flight"] == 1
    client("sqs").delete_message(QueueUrl=queue_url, ReceiptHandle=msg["ReceiptHandle"])


def test_the_harness_runs_the_functions_it_is_given(shop, queue_url):
    called: list[str] = []

    def accept(payload, *, table_name, queue_url):
        called.append("accept")
        return lesson.accept_order(payload, table_name=table_name, queue_url=queue_url)

    def record_fn(record, shop=None):
        called.append("record")
        return lesson.process_record(record, shop=shop)

    ashop = AsyncShop(shop, queue_url, accept=accept, record_fn=record_fn)
    answer = ashop.accept_order(shop.sample_orders(1)[0])
    assert answer.ok and answer.http_status == 202 and answer.response_ms > 0
    assert Worker(queue_url, ashop.handler).run_once() == 1
    assert called == ["accept", "record"] and ashop.final_status == {answer.order_id: Status.COMPLETED}
    rejected = ashop.accept_order({"customer_id": "c", "items": []})
    assert rejected.http_status == 400 and "at least one item" in rejected.error


def test_a_message_that_names_its_steps_runs_only_those(shop, queue_url):
    """06's hybrid path charges the card before it queues the rest: the worker must not charge again."""
    body, _ = lesson.accept_order(shop.sample_orders(1)[0], table_name=lesson.orders_table_name(), queue_url=queue_url)
    order_id = body["order_id"]
    sqs = client("sqs")
    (msg,) = sqs.receive_message(QueueUrl=queue_url)["Messages"]
    sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=msg["ReceiptHandle"])
    sqs.send_message(QueueUrl=queue_url, MessageBody=msg["Body"],
                     MessageAttributes={"steps": {"DataType": "String", "StringValue": "email,points"}})
    assert Worker(queue_url, lesson.worker_handler).run_once() == 1
    effects = shop.store.effects([order_id])
    assert effects["points"][order_id] == 1 and effects["payments"].get(order_id, 0) == 0
    assert shop.store.get_order(order_id)["status"] == Status.COMPLETED
