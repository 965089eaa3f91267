"""Dead-letter queues: moto's move on the following receive, peeking without moving, redrive both ways."""

from __future__ import annotations

import json

import botocore.exceptions
import pytest

from helpers.core import resources
from helpers.core.backend import client
from helpers.failure import dlq as dlq_mod
from helpers.failure.dlq import format_rows, inspect_dlq, peek, redrive, redrive_policy


@pytest.fixture(scope="module")
def queues(module_own_prefix):
    dead = resources.ensure_queue("src-dlq")
    src = resources.ensure_queue("src", visibility_timeout=1, dlq_arn=resources.queue_arn(dead), max_receive_count=2)
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


def test_redrive_policy_is_read_back(queues):
    src, dead = queues
    policy = redrive_policy(src)
    assert policy["maxReceiveCount"] == 2 and policy["deadLetterTargetArn"] == resources.queue_arn(dead)
    assert redrive_policy(dead) is None


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


def test_redrive_falls_back_to_receive_send_delete_and_keeps_bodies_and_attributes(queues):
    src, dead = queues
    dlq_mod._NO_MOVE_TASK.clear()
    send(dead, [f"order-{i}" for i in range(12)], kind="order")
    result = redrive(src, dead)
    assert result.method == "receive-send-delete" and result.moved == 12 and result.left == 0
    assert "StartMessageMoveTask" in result.note
    assert resources.queue_depth(dead)["visible"] == 0
    got = client("sqs").receive_message(QueueUrl=src, MaxNumberOfMessages=10, MessageAttributeNames=["All"])["Messages"]
    got += client("sqs").receive_message(QueueUrl=src, MaxNumberOfMessages=10, MessageAttributeNames=["All"])["Messages"]
    assert sorted(m["Body"] for m in got) == sorted(f"order-{i}" for i in range(12))
    assert all(m["MessageAttributes"]["kind"]["StringValue"] == "order" for m in got)


def test_redrive_with_select_moves_only_the_chosen_and_leaves_the_rest_visible(queues):
    src, dead = queues
    send(dead, ["good-1", "poison-1", "good-2", "poison-2"])
    result = redrive(src, dead, select=lambda body: body.startswith("good"))
    assert (result.moved, result.left) == (2, 2)
    assert sorted(m.body for m in peek(dead)) == ["poison-1", "poison-2"]
    assert sorted(m.body for m in peek(src)) == ["good-1", "good-2"]


class FakeSqs:
    """Stands in for the SQS client where moto cannot: a backend that has message move tasks."""

    def __init__(self, error=None):
        self.error = error
        self.started = []

    def start_message_move_task(self, **kwargs):
        if self.error:
            raise self.error
        self.started.append(kwargs)
        return {"TaskHandle": "task-handle-123456789012345678901234567890"}

    def list_message_move_tasks(self, **kwargs):
        return {"Results": [{"Status": "COMPLETED", "ApproximateNumberOfMessagesMoved": 3}]}


def test_redrive_uses_start_message_move_task_where_the_backend_has_it(queues, monkeypatch):
    src, dead = queues
    dlq_mod._NO_MOVE_TASK.clear()
    fake = FakeSqs()
    monkeypatch.setattr(dlq_mod, "client", lambda service: fake)
    result = redrive(src, dead)
    assert result.method == "StartMessageMoveTask" and result.moved == 3
    assert fake.started == [{"SourceArn": resources.queue_arn(dead), "DestinationArn": resources.queue_arn(src)}]


def test_an_unexpected_move_task_error_is_raised_not_hidden(queues, monkeypatch):
    src, dead = queues
    dlq_mod._NO_MOVE_TASK.clear()
    error = botocore.exceptions.ClientError({"Error": {"Code": "AccessDenied", "Message": "no"}}, "StartMessageMoveTask")
    monkeypatch.setattr(dlq_mod, "client", lambda service: FakeSqs(error))
    with pytest.raises(botocore.exceptions.ClientError):
        redrive(src, dead)
