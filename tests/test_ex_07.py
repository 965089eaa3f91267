"""07's exercises: the SQS cost of a million orders (batches of 10), and the worker role's SQS actions."""

from __future__ import annotations

import pytest

from helpers.core.exercises import evaluate
from helpers.real_aws.exercises import million_orders_usd


def test_the_right_answer_is_accepted():
    assert million_orders_usd() == pytest.approx(0.48)
    ok, sentence = evaluate("07.million", 0.48)
    assert ok and "1.2 million" in sentence


@pytest.mark.parametrize(
    ("answer", "says"),
    [
        (0.40, "only the SendMessage"),
        (1.20, "batches of 10"),
        (1_200_000, "number of requests"),
        (0.9, "is not it"),
        ("cheap", "a number of US dollars"),
    ],
)
def test_typical_wrong_answers_get_a_sentence_that_helps(answer, says):
    ok, sentence = evaluate("07.million", answer)
    assert not ok and says in sentence


def test_the_worker_role_exercise_accepts_what_the_trigger_needs():
    from helpers.real_aws.exercises import worker_role_actions
    from helpers.real_aws.lambda_deploy import TRIGGER_ACTIONS

    assert worker_role_actions() == set(TRIGGER_ACTIONS)
    ok, sentence = evaluate("07.worker_role", ["sqs:GetQueueAttributes", "sqs:ReceiveMessage", "sqs:DeleteMessage"])
    assert ok and "AWSLambdaSQSQueueExecutionRole" in sentence


@pytest.mark.parametrize(
    ("answer", "says"),
    [
        ({...}, "Replace ..."),
        ("sqs:ReceiveMessage", "a set of action names"),
        ({"sqs:*"}, "wildcard"),
        ({"ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"}, "the service, a colon"),
        ({"sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:SendMessage"}, "never sends"),
        ({"sqs:DeleteMessage", "sqs:GetQueueAttributes"}, "cannot take a batch"),
        ({"sqs:ReceiveMessage", "sqs:GetQueueAttributes"}, "comes back after the visibility timeout"),
        ({"sqs:ReceiveMessage", "sqs:DeleteMessage"}, "refuses to create the trigger"),
        ({"sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ChangeMessageVisibility"},
         "does not need this"),
    ],
)
def test_wrong_worker_roles_get_a_sentence_that_helps(answer, says):
    ok, sentence = evaluate("07.worker_role", answer)
    assert not ok and says in sentence, sentence
