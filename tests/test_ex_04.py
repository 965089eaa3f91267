"""Exercises of 04_pubsub_fanout: each checker accepts its solution and explains typical wrong answers."""

from __future__ import annotations

import pytest

from helpers.core.exercises import evaluate, missing_texts, solution_answer
from helpers.fanout import FanoutShop


@pytest.mark.parametrize("name", ["04.queue_or_topic", "04.predict_routes", "04.filter_policy"])
def test_the_solution_is_right(name):
    ok, sentence = evaluate(name, solution_answer(name))
    assert ok, sentence


def test_every_04_exercise_has_hint_and_solution_texts():
    assert not [k for k in missing_texts() if k.startswith("ex.04.")]


RIGHT_CHOICES = {"a": "topic", "b": "queue", "c": "topic", "d": "queue", "e": "topic"}


@pytest.mark.parametrize(
    ("answer", "words"),
    [
        ({**RIGHT_CHOICES, "a": "queue"}, "three services each need every order"),
        ({**RIGHT_CHOICES, "b": "topic"}, "printed three times"),
        ({**RIGHT_CHOICES, "c": "queue"}, "publisher does not change"),
        ({**RIGHT_CHOICES, "d": "topic"}, "at its own pace"),
        ({**RIGHT_CHOICES, "e": "queue"}, "its own filter policy"),
        ({**RIGHT_CHOICES, "b": "topic", "d": "topic"}, "2 of your choices"),
        ({k: v for k, v in RIGHT_CHOICES.items() if k != "c"}, "no choice for c"),
        ({**RIGHT_CHOICES, "f": "queue"}, "not a need in the table"),
        ({**RIGHT_CHOICES, "a": "both"}, "write \"queue\" or \"topic\""),
        ({**RIGHT_CHOICES, "a": ...}, "replace every ..."),
        (["topic", "queue"], "dict from letter to choice"),
    ],
)
def test_queue_or_topic_wrong_answers_get_a_reason(answer, words):
    ok, sentence = evaluate("04.queue_or_topic", answer)
    assert not ok and words in sentence, sentence


def test_queue_or_topic_accepts_service_names_and_capitals():
    ok, sentence = evaluate("04.queue_or_topic", {"A": "SNS topic", "b": "SQS", "c": "Topic", "d": "queue",
                                                  "e": "sns"})
    assert ok, sentence


RIGHT_ROUTES = {"express-shipping": {"A", "C", "E"}, "fraud-review": {"F"}, "gold-gift": {"A", "C"}}


@pytest.mark.parametrize(
    ("answer", "words"),
    [
        ({**RIGHT_ROUTES, "fraud-review": {"C", "F"}}, "19,200 yen"),  # C is just under 20,000
        ({**RIGHT_ROUTES, "gold-gift": {"A", "C", "D"}}, "customer is silver"),
        ({**RIGHT_ROUTES, "express-shipping": {"A", "C"}}, "also receives order E"),
        ({"express-shipping": {"A"}}, "no entry for fraud-review, gold-gift"),
        ({**RIGHT_ROUTES, "fraud-review": {"Z"}}, "not an order in the table"),
        ({**RIGHT_ROUTES, "fraud-review": 3}, "set of order letters"),
        (["A", "C"], "dict from queue name"),
    ],
)
def test_predict_routes_wrong_answers_get_a_reason(answer, words):
    ok, sentence = evaluate("04.predict_routes", answer)
    assert not ok and words in sentence, sentence


def test_predict_routes_accepts_lists_and_lower_case():
    ok, sentence = evaluate("04.predict_routes", {"express-shipping": ["a", "c", "e"], "fraud-review": "F",
                                                  "gold-gift": ("A", "C")})
    assert ok, sentence


@pytest.mark.parametrize(
    ("answer", "words"),
    [
        ({"customer_tier": ["gold", "silver"], "total_amount": [{"numeric": [">", 5000]}]}, "drops an order of 5,000 yen"),
        ({"customer_tier": ["gold"], "total_amount": [{"numeric": [">=", 5000]}]}, "silver customer"),
        ({"customer_tier": ["gold", "silver"]}, "lets through an order of 4,999 yen"),
        ({"customer_tier": ["gold", "silver"], "total_amount": ["5000"]}, "is quoted"),
        ({"customer_tier": "gold", "total_amount": [{"numeric": [">=", 5000]}]}, "list of allowed values"),
        ({"tier": ["gold", "silver"], "total_amount": [{"numeric": [">=", 5000]}]}, "no attribute 'tier'"),
        ({"customer_tier": ["gold", "silver"], "total_amount": [{"numeric": ["=>", 5000]}]}, "not accept"),
        ("customer_tier = gold", "non-empty dict"),
    ],
)
def test_filter_policy_wrong_answers_get_a_reason(answer, words):
    ok, sentence = evaluate("04.filter_policy", answer)
    assert not ok and words in sentence, sentence


# --- 04.reviews runs on the backend ----------------------------------------------------------------


@pytest.fixture(scope="module")
def fshop(backend):
    from helpers.shop import Shop

    shop = Shop.create()
    shop.reset(failures=False)
    f = FanoutShop.create(shop, services={}, topic="ex04-events")
    yield f
    f.stop()


def test_reviews_solution_is_right(backend):
    ok, sentence = evaluate("04.reviews", solution_answer("04.reviews"))
    assert ok, sentence


def test_reviews_with_a_body_filter_is_right_too(fshop):
    sub = fshop.add_subscriber("reviews", filter_policy={"order": {"total_jpy": [{"numeric": [">=", 10000]}]}},
                               filter_scope="MessageBody")
    ok, sentence = evaluate("04.reviews", sub)
    assert ok, sentence


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"name": "reviews"}, "no filter policy"),
        ({"name": "reviews", "filter_policy": {"total_amount": [{"numeric": [">", 10000]}]}}, "drops an order of 10,000"),
        ({"name": "reviews", "filter_policy": {"total_amount": [{"numeric": [">=", 5000]}]}}, "lets through"),
        ({"name": "review", "filter_policy": {"total_amount": [{"numeric": [">=", 10000]}]}}, "name the subscriber"),
    ],
)
def test_reviews_wrong_subscribers_get_a_reason(fshop, kwargs, words):
    sub = fshop.add_subscriber(**kwargs)
    try:
        ok, sentence = evaluate("04.reviews", sub)
    finally:
        fshop.remove_subscriber(kwargs["name"])
    assert not ok and words in sentence, sentence


def test_reviews_rejects_what_is_not_a_subscriber():
    ok, sentence = evaluate("04.reviews", "reviews")
    assert not ok and "Subscriber" in sentence


def test_predict_routes_with_dots_left_asks_to_fill_them():
    ok, sentence = evaluate("04.predict_routes", {"express-shipping": ..., "fraud-review": ..., "gold-gift": ...})
    assert not ok and "replace every ..." in sentence
