"""Exercises of 05_failure_isolation: each checker accepts its solution and explains typical wrong answers."""

from __future__ import annotations

import json

import botocore.exceptions
import pytest

from helpers.core.backend import client
from helpers.core.diagrams import read_queue
from helpers.core.exercises import evaluate, solution_answer
from helpers.core.resources import name
from helpers.failure import exercises as ex_05


@pytest.fixture(scope="module", autouse=True)
def prefix(module_own_prefix):
    yield


@pytest.mark.parametrize("name", ["05.charge_once", "05.queue_settings"])
def test_the_solution_is_right(name):
    ok, sentence = evaluate(name, solution_answer(name))
    assert ok, sentence


def naive(order_id, amount):
    ex_05.charge_card(order_id, amount)


def raises_on_duplicate(order_id, amount):
    client("dynamodb").put_item(TableName=ex_05.guard_table(), Item={"id": {"S": order_id}},
                                ConditionExpression="attribute_not_exists(id)")
    ex_05.charge_card(order_id, amount)


def one_key_for_all(order_id, amount):
    ddb = client("dynamodb")
    try:
        ddb.put_item(TableName=ex_05.guard_table(), Item={"id": {"S": "charged"}},
                     ConditionExpression="attribute_not_exists(id)")
    except ddb.exceptions.ConditionalCheckFailedException:
        return
    ex_05.charge_card(order_id, amount)


def does_nothing(order_id, amount):
    return None


@pytest.mark.parametrize(
    ("answer", "words"),
    [
        (naive, "charged 3 times"),
        (raises_on_duplicate, "must succeed quietly"),
        (one_key_for_all, "keyed by the order id"),
        (does_nothing, "no order was charged"),
        ("put_item", "give a function"),
    ],
)
def test_charge_once_wrong_answers_get_a_reason(answer, words):
    ok, sentence = evaluate("05.charge_once", answer)
    assert not ok and words in sentence, sentence


def test_charge_once_checks_from_empty_tables_every_time():
    assert evaluate("05.charge_once", solution_answer("05.charge_once"))[0]
    assert evaluate("05.charge_once", solution_answer("05.charge_once"))[0]  # leftovers of the first check do not count
    assert ex_05.charges() == {"ex-ord-1": 1, "ex-ord-2": 1, "ex-ord-3": 1}


def settings(visibility="180", count=7, dlq=None, **extra):
    """An answer to 05.queue_settings: the attributes as set_queue_attributes takes them."""
    policy = {"deadLetterTargetArn": dlq or ex_05.email_dlq_arn(), "maxReceiveCount": count}
    return {"VisibilityTimeout": visibility, "RedrivePolicy": json.dumps(policy), **extra}


@pytest.mark.parametrize(("visibility", "count"), [("180", 6), ("180", 10), ("240", 5), ("360", 5), ("300", 6)])
def test_queue_settings_accepts_every_safe_choice_and_sets_it_on_the_test_queue(visibility, count):
    ok, sentence = evaluate("05.queue_settings", settings(visibility, count))
    assert ok, sentence
    facts = read_queue(client("sqs").get_queue_url(QueueName=name(ex_05.EMAIL_QUEUE))["QueueUrl"])
    assert (facts.visibility_timeout, facts.max_receive_count) == (int(visibility), count)
    assert facts.dlq_arn == ex_05.email_dlq_arn()


@pytest.mark.parametrize(
    ("answer", "words"),
    [
        ({"visibility": "30"}, "6 × the 30 s function timeout"),
        ({"visibility": "179"}, "6 × the 30 s function timeout"),
        ({"count": 3}, "at least 5"),
        ({"count": 5}, "before the 900 s outage is over"),
        ({"count": 11}, "later than 1800 s"),
        ({"visibility": "600", "count": 5}, "later than 1800 s"),
        ({"visibility": "50000", "count": 5}, "at most 43200 s"),
        ({"dlq": "arn:aws:sqs:ap-northeast-1:123456789012:somewhere-else"}, "email_dlq_arn"),
        ({"VisibilityTimeout": 180, "RedrivePolicy": "{}"}, "as a string"),
        ({"VisibilityTimeout": "180"}, "RedrivePolicy"),
        ({"VisibilityTimeout": "three minutes", "RedrivePolicy": "{}"}, "whole number of seconds"),
        ({"VisibilityTimeout": "180", "RedrivePolicy": "maxReceiveCount=7"}, "json.dumps"),
        (("180", 7), "give a dict"),
    ],
)
def test_queue_settings_wrong_answers_get_a_reason(answer, words):
    if isinstance(answer, dict) and not {"VisibilityTimeout", "RedrivePolicy"} & answer.keys():
        answer = settings(**answer)  # built here: the DLQ's ARN needs the backend
    ok, sentence = evaluate("05.queue_settings", answer)
    assert not ok and words in sentence, sentence


class RefusingSqs:
    """An SQS client that refuses every attribute change, as real SQS refuses a bad value (moto accepts all)."""

    def set_queue_attributes(self, **kwargs):
        raise botocore.exceptions.ClientError(
            {"Error": {"Code": "InvalidAttributeValue", "Message": "Invalid value for the parameter X."}},
            "SetQueueAttributes")


def test_queue_settings_passes_on_what_sqs_refuses(monkeypatch):
    answer = settings()
    monkeypatch.setattr(ex_05, "client", lambda service: RefusingSqs())
    ok, sentence = evaluate("05.queue_settings", answer)
    assert not ok and "SQS refused these attributes: Invalid value" in sentence, sentence
