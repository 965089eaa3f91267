"""Exercises of 06_sync_and_async_together: each checker accepts its solution and explains typical wrong answers."""

from __future__ import annotations

import pytest

from helpers.core.exercises import evaluate, missing_texts, solution_answer
from helpers.together.exercises import BUGGY, NEW_STEPS, STATUS_CODES, WAITS_FOR

NAMES = ["06.wait_for", "06.find_bug", "06.status_codes"]


@pytest.mark.parametrize("name", NAMES)
def test_the_solution_is_right(name):
    ok, sentence = evaluate(name, solution_answer(name))
    assert ok, sentence


def test_every_06_exercise_has_hint_and_solution():
    assert not [k for k in missing_texts() if k.startswith("ex.06.")]


@pytest.mark.parametrize("name", NAMES)
def test_the_placeholder_is_not_yet(name):
    ok, sentence = evaluate(name, ...)
    assert not ok and "replace the `...`" in sentence


# --- 06.wait_for ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "words"),
    [
        ("coupon", "set of names"),
        ({"coupon": True}, "set of names"),
        ({"coupon", "refund"}, "refund is not a step"),
        (set(NEW_STEPS), "synchronous API again"),
        (set(), "before we know the price"),
        ({"coupon"}, "must wait for fraud_check"),
        ({"coupon", "fraud_check", "invoice_pdf"}, "need not wait for invoice_pdf"),
        ({"fraud_check", "recommendations"}, "2 step(s)"),
    ],
)
def test_wait_for_wrong_answers_get_a_reason(answer, words):
    ok, sentence = evaluate("06.wait_for", answer)
    assert not ok and words in sentence, sentence


def test_wait_for_takes_a_set_a_list_or_a_tuple_in_any_case():
    for answer in (set(WAITS_FOR), sorted(WAITS_FOR), tuple(s.upper() for s in WAITS_FOR), [" coupon ", "fraud_check"]):
        ok, sentence = evaluate("06.wait_for", answer)
        assert ok, sentence


def test_the_solution_is_the_steps_marked_as_waited_for():
    assert solution_answer("06.wait_for") == {step for step, waits in NEW_STEPS.items() if waits}


# --- 06.find_bug ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "words"),
    [
        ("A: retries", "give a dict"),
        ({"A": "retries_dlq"}, "consumer(s) B, C, D"),
        ({**BUGGY, "A": "retries"}, "not a checklist item"),
        ({**BUGGY, "B": "duplicates"}, "makes Lambda refuse this trigger"),
        ({**BUGGY, "A": "monitoring"}, "never reaches Lambda"),
        ({**BUGGY, "C": "duplicates"}, "older* event"),
        ({**BUGGY, "D": "retries_dlq"}, "delivered twice"),
        ({**BUGGY, "C": "message_size"}, "consumer C is not about message_size"),
    ],
)
def test_find_bug_wrong_answers_get_a_reason(answer, words):
    ok, sentence = evaluate("06.find_bug", answer)
    assert not ok and words in sentence, sentence


def test_find_bug_accepts_lower_case_letters():
    ok, _ = evaluate("06.find_bug", {k.lower(): v.upper() for k, v in BUGGY.items()})
    assert ok


# --- 06.status_codes --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "words"),
    [
        ((202, 201), "give a dict"),
        ({"accepted": 202}, "no status code for: completed"),
        ({**STATUS_CODES, "bad_json": "400"}, "whole number"),
        ({**STATUS_CODES, "accepted": 200}, "only *accepted* it"),
        ({**STATUS_CODES, "accepted": 201}, "only *accepted* it"),
        ({**STATUS_CODES, "wrong_method": 404}, "only for POST"),
        ({**STATUS_CODES, "unknown_order": 400}, "no order has that id"),
    ],
)
def test_status_codes_wrong_answers_get_a_reason(answer, words):
    ok, sentence = evaluate("06.status_codes", answer)
    assert not ok and words in sentence, sentence


def test_the_status_codes_are_what_the_api_answers(own_prefix):
    """The exercise's answers are the real API's: checked over HTTP, against the notebook's handler."""
    from helpers.shop import speed_factor
    from helpers.together.api import OrderApi
    from helpers.together.api_client import request
    from helpers.together.lesson import lambda_handler

    from .lesson_06 import handler_shop

    with speed_factor(0), handler_shop() as shop, OrderApi(lambda_handler, shop, workers=0) as api:
        order = shop.shop.sample_orders(1)[0]
        seen = {
            "accepted": request("POST", f"{api.url}/async/orders", order).status,
            "completed": request("POST", f"{api.url}/sync/orders", order).status,
            "bad_json": request("POST", f"{api.url}/sync/orders", data="{").status,
            "unknown_order": request("GET", f"{api.url}/orders/ord-none").status,
            "wrong_method": request("DELETE", f"{api.url}/async/orders").status,
        }
    assert seen == STATUS_CODES
