"""Exercises of 00: each checker accepts its solution and answers typical mistakes with their sentence."""

from __future__ import annotations

import pytest

from helpers.core.exercises import evaluate, solution_answer
from helpers.core.messages import say


def _sentence(key: str, **kwargs: object) -> str:
    return say("check_wrong", detail=say(key, **kwargs))


def test_switch_accepts_its_solution_and_names_each_mistake():
    assert evaluate("00.switch", solution_answer("00.switch"))[0]
    assert evaluate("00.switch", {"WORKSHOP_BACKEND": "localstack"})[1] == _sentence("ex.00.switch.backend", got="localstack")
    wrong_port = {"WORKSHOP_BACKEND": "aws", "AWS_ENDPOINT_URL": "http://localhost:4567"}
    assert evaluate("00.switch", wrong_port)[1] == _sentence("ex.00.switch.endpoint", got="http://localhost:4567")
    assert evaluate("00.switch", "aws")[1] == _sentence("ex.00.switch.not_dict")
    assert evaluate("00.switch", {"AWS_ENDPOINT_URL": "http://localhost:4566"})[1] == _sentence("ex.00.switch.no_backend")
    assert evaluate("00.switch", {"WORKSHOP_BACKEND": "aws"})[1] == _sentence("ex.00.switch.no_endpoint")


def test_roundtrip_runs_the_learners_function(own_prefix):
    ok, sentence = evaluate("00.roundtrip", solution_answer("00.roundtrip"))
    assert ok, sentence


def _no_delete(sqs, queue_url, body):
    sqs.send_message(QueueUrl=queue_url, MessageBody=body)
    return sqs.receive_message(QueueUrl=queue_url, WaitTimeSeconds=1)["Messages"][0]["Body"]


def _fixed_body(sqs, queue_url, body):
    sqs.send_message(QueueUrl=queue_url, MessageBody="order-1")
    message = sqs.receive_message(QueueUrl=queue_url, WaitTimeSeconds=1)["Messages"][0]
    sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
    return message["Body"]


def _whole_message(sqs, queue_url, body):
    sqs.send_message(QueueUrl=queue_url, MessageBody=body)
    message = sqs.receive_message(QueueUrl=queue_url, WaitTimeSeconds=1)["Messages"][0]
    sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
    return message


@pytest.mark.parametrize(("answer", "key"), [
    (_no_delete, "ex.00.roundtrip.not_deleted"),
    (_whole_message, "ex.00.roundtrip.dict"),
    (lambda sqs, queue_url, body: None, "ex.00.roundtrip.nothing"),
    ("order-1", "ex.00.roundtrip.not_function"),
])
def test_roundtrip_names_each_mistake(own_prefix, answer, key):
    ok, sentence = evaluate("00.roundtrip", answer)
    assert not ok
    assert sentence == _sentence(key, kind=type(answer).__name__)


def test_roundtrip_with_its_own_body_is_told_which_body_was_sent(own_prefix):
    ok, sentence = evaluate("00.roundtrip", _fixed_body)
    assert not ok and "'order-1'" in sentence and "the check sent 'order-" in sentence


def test_roundtrip_leaves_no_queue_behind(own_prefix):
    from helpers.core.backend import client
    from helpers.core.resources import name

    evaluate("00.roundtrip", _no_delete)
    urls = client("sqs").list_queues(QueueNamePrefix=name("exercise-")).get("QueueUrls", [])
    assert urls == []
