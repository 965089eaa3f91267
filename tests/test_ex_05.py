"""Exercises of 05_failure_isolation: each checker accepts its solution and explains typical wrong answers."""

from __future__ import annotations

import pytest

from helpers.core.backend import client
from helpers.core.exercises import evaluate, solution_answer
from helpers.failure import exercises as ex_05


@pytest.fixture(scope="module", autouse=True)
def prefix(module_own_prefix):
    yield


@pytest.mark.parametrize("name", ["05.charge_once", "05.max_receive", "05.backoff"])
def test_the_solution_is_right(name):
    ok, sentence = evaluate(name, solution_answer(name))
    assert ok, sentence


def naive(order_id, amount):
    ex_05.charge(order_id, amount)


def raises_on_duplicate(order_id, amount):
    client("dynamodb").put_item(TableName=ex_05.guard_table(), Item={"id": {"S": order_id}},
                                ConditionExpression="attribute_not_exists(id)")
    ex_05.charge(order_id, amount)


def one_key_for_all(order_id, amount):
    ddb = client("dynamodb")
    try:
        ddb.put_item(TableName=ex_05.guard_table(), Item={"id": {"S": "charged"}},
                     ConditionExpression="attribute_not_exists(id)")
    except ddb.exceptions.ConditionalCheckFailedException:
        return
    ex_05.charge(order_id, amount)


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


@pytest.mark.parametrize(
    ("answer", "words"),
    [(10, "one short"), (3, "before a 5-minute outage"), (100, "poison message"), (11.5, "whole number"),
     ("11", "whole number")],
)
def test_max_receive_wrong_answers_get_a_reason(answer, words):
    ok, sentence = evaluate("05.max_receive", answer)
    assert not ok and words in sentence, sentence


@pytest.mark.parametrize("answer", [11, 15, 20])
def test_max_receive_accepts_the_safe_range(answer):
    assert evaluate("05.max_receive", answer)[0]


@pytest.mark.parametrize(
    ("answer", "words"),
    [(1600, "milliseconds"), (2.0, "one retry later"), (3.2, "one retry later"), (0.8, "retry 4"), (0, "shortest"),
     (1.0, "is not it"), ("1.6", "number of seconds")],
)
def test_backoff_wrong_answers_get_a_reason(answer, words):
    ok, sentence = evaluate("05.backoff", answer)
    assert not ok and words in sentence, sentence
