"""Dead-letter queues: the redrive policy, moto's move on the following receive, peeking without moving, redrive both ways."""

from __future__ import annotations

import json

import botocore.exceptions
import pytest

from helpers.core import resources
from helpers.core.backend import client
from helpers.core.diagrams import read_queue
from helpers.failure import lesson
from helpers.failure.dlq import DlqRow, format_rows, inspect_dlq, peek, redrive


@pytest.fixture(scope="module")
def queues(module_own_prefix):
    dead = resources.ensure_queue("src-dlq")
    src = resources.ensure_queue("src", visibility_timeout=1)
    lesson.add_dead_letter_queue(src, dead, 2)
    yield src, dead


@pytest.fixture(autouse=True)
def empty(queues):
    for url in queues:
        resources.purge(url)
    yield


def send(url, bodies, **attrs):
    sqs = client("sqs")
    for body in bodies:
        extra = {"MessageAttributes": {k: {"DataType": "String", "StringValue": v} for k, v in attrs.items()}} if attrs else {}
        sqs.send_message(QueueUrl=url, MessageBody=body, **extra)


def receive(url, n=10, vt=0):
    return client("sqs").receive_message(QueueUrl=url, MaxNumberOfMessages=n, VisibilityTimeout=vt,
                                         MessageSystemAttributeNames=["All"]).get("Messages", [])


def test_a_message_moves_to_the_dlq_on_the_receive_after_max_receive_count(queues):
    src, dead = queues
    send(src, ["poison"])
    counts = [m["Attributes"]["ApproximateReceiveCount"] for _ in range(2) for m in receive(src)]
    assert counts == ["1", "2"]  # maxReceiveCount 2: two receives hand it out
    assert resources.queue_depth(dead)["visible"] == 0  # not moved yet
    assert receive(src) == []  # the third receive moves it instead of returning it
    assert resources.queue_depth(dead)["visible"] == 1


def test_add_dead_letter_queue_sets_a_redrive_policy_that_sqs_reads_back(queues):
    src, dead = queues
    raw = client("sqs").get_queue_attributes(QueueUrl=src, AttributeNames=["RedrivePolicy"])["Attributes"]
    policy = json.loads(raw["RedrivePolicy"])
    assert policy["deadLetterTargetArn"] == resources.queue_arn(dead) and int(policy["maxReceiveCount"]) == 2
    facts = read_queue(src)
    assert (facts.dlq_arn, facts.max_receive_count) == (resources.queue_arn(dead), 2)
    assert read_queue(dead).max_receive_count is None  # the DLQ itself has no policy


def test_peek_reads_every_message_and_leaves_them_visible(queues):
    _, dead = queues
    send(dead, [f"m{i}" for i in range(13)])
    first = peek(dead)
    assert sorted(m.body for m in first) == sorted(f"m{i}" for i in range(13))
    assert resources.queue_depth(dead)["visible"] == 13
    assert sorted(m.message_id for m in peek(dead)) == sorted(m.message_id for m in first)


def test_inspect_dlq_says_why_each_message_failed(queues):
    _, dead = queues
    send(dead, ["not json", json.dumps({"ok": True})])
    rows = inspect_dlq(dead, lambda body: "" if body.startswith("{") else "not JSON")
    assert sorted(r.problem for r in rows) == ["", "not JSON"]
    table = format_rows(rows)
    assert "not JSON" in table and "why it failed" in table
    assert "empty" in format_rows([])


def test_the_dlq_table_heading_lines_up_with_its_rows_in_japanese():
    from helpers.core import i18n
    from helpers.core.display import columns

    row = DlqRow("m-1", '{"order_id": "ord-1"}', 5, 3.9, "在庫テーブルに行がありません。")
    i18n.use_language("ja")
    try:
        head, line = format_rows([row]).splitlines()
    finally:
        i18n.reset_language()
    for heading, value in (("本文", '{"order_id"'), ("失敗した理由", "在庫テーブル")):  # where each column starts
        assert columns(head[: head.index(heading)]) == columns(line[: line.index(value)]), (head, line)
    assert columns(head[: head.index("経過") + 2]) == columns(line[: line.index("3.9s") + 4])  # right-aligned


def test_redrive_falls_back_to_receive_send_delete_and_keeps_bodies_and_attributes(queues):
    src, dead = queues
    send(dead, [f"order-{i}" for i in range(12)], kind="order")
    assert lesson.redrive(src, dead) == ("receive-send-delete", 12)  # moto has no message move tasks
    assert resources.queue_depth(dead)["visible"] == 0
    got = client("sqs").receive_message(QueueUrl=src, MaxNumberOfMessages=10, MessageAttributeNames=["All"])["Messages"]
    got += client("sqs").receive_message(QueueUrl=src, MaxNumberOfMessages=10, MessageAttributeNames=["All"])["Messages"]
    assert sorted(m["Body"] for m in got) == sorted(f"order-{i}" for i in range(12))
    assert all(m["MessageAttributes"]["kind"]["StringValue"] == "order" for m in got)


def test_the_harness_form_says_which_way_the_redrive_went(queues):
    src, dead = queues
    send(dead, ["a", "b"])
    result = redrive(src, dead)
    assert (result.method, result.moved) == ("receive-send-delete", 2)
    assert "StartMessageMoveTask" in result.note and "2" in result.note


class FakeSqs:
    """The SQS client of a backend that has message move tasks (moto has none); other calls go to moto."""

    def __init__(self, error=None):
        self.error = error
        self.started = []

    def start_message_move_task(self, **kwargs):
        if self.error:
            raise self.error
        self.started.append(kwargs)
        return {"TaskHandle": "task-handle-123456789012345678901234567890"}

    def __getattr__(self, name):
        return getattr(client("sqs"), name)


def _error(code, status):
    return botocore.exceptions.ClientError(
        {"Error": {"Code": code, "Message": "no"}, "ResponseMetadata": {"HTTPStatusCode": status}}, "StartMessageMoveTask")


def test_redrive_uses_start_message_move_task_where_the_backend_has_it(queues, monkeypatch):
    src, dead = queues
    send(dead, ["x", "y", "z"])
    fake = FakeSqs()
    monkeypatch.setattr(lesson, "client", lambda service: fake)
    assert lesson.redrive(src, dead) == ("StartMessageMoveTask", 3)
    assert fake.started == [{"SourceArn": resources.queue_arn(dead), "DestinationArn": resources.queue_arn(src)}]
    assert resources.queue_depth(dead)["visible"] == 3  # SQS moves them itself; nothing was moved by hand


def test_a_server_error_means_no_move_tasks_and_the_messages_move_by_hand(queues, monkeypatch):
    src, dead = queues
    send(dead, ["x"])
    monkeypatch.setattr(lesson, "client", lambda service: FakeSqs(_error("500", 500)))  # the moto server's answer
    assert lesson.redrive(src, dead) == ("receive-send-delete", 1)


def test_a_refusal_of_the_move_task_is_raised_not_hidden(queues, monkeypatch):
    src, dead = queues
    send(dead, ["x"])
    monkeypatch.setattr(lesson, "client", lambda service: FakeSqs(_error("AccessDenied", 403)))
    with pytest.raises(botocore.exceptions.ClientError):
        lesson.redrive(src, dead)
    assert resources.queue_depth(dead)["visible"] == 1  # nothing moved
