"""Exercises of 03_queues: each checker accepts its solution and explains typical wrong answers."""

from __future__ import annotations

import json

import pytest

from helpers.core.exercises import evaluate, solution_answer


@pytest.mark.parametrize("name", ["03.visibility", "03.backlog", "03.record_fn"])
def test_the_solution_is_right(name):
    ok, sentence = evaluate(name, solution_answer(name))
    assert ok, sentence


@pytest.mark.parametrize(
    ("answer", "words"),
    [
        (10, "not longer than the function's 30 s timeout"),
        (30, "processed twice"),
        (60, "six times"),
        (50_000, "12 hours"),
        ("a minute", "number of seconds"),
        (90.5, "whole seconds"),
    ],
)
def test_visibility_wrong_answers_get_a_reason(answer, words):
    ok, sentence = evaluate("03.visibility", answer)
    assert not ok and words in sentence


def swallow(record):
    try:
        order = json.loads(record.body)
        if order["quantity"] < 1:
            raise ValueError("bad quantity")
    except Exception:
        return None  # the classic mistake: the error never reaches Lambda


def only_json(record):
    json.loads(record.body)


def everything(record):
    raise RuntimeError("nothing works")


@pytest.mark.parametrize(
    ("answer", "words"),
    [
        (swallow, "Let the error escape"),
        (only_json, "quantity 0"),
        (everything, "good message(s) were reported as failed"),
        ("def f(record): ...", "Give a function"),
    ],
)
def test_record_fn_wrong_answers_get_a_reason(answer, words):
    ok, sentence = evaluate("03.record_fn", answer)
    assert not ok and words in sentence


@pytest.mark.parametrize(
    ("answer", "words"),
    [("a", "not the limit"), ("c", "processed twice"), ("d", "FIFO"), ("e", "one letter"), (2, "one letter")],
)
def test_backlog_wrong_answers_get_a_reason(answer, words):
    ok, sentence = evaluate("03.backlog", answer)
    assert not ok and words in sentence


def test_backlog_accepts_the_letter_however_it_is_typed():
    assert evaluate("03.backlog", " B ")[0]
