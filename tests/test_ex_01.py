"""Exercises of 01 (02's are in test_ex_02.py): each checker runs the learner's handler, accepts its
solution, and answers typical mistakes with their sentence."""

from __future__ import annotations

import threading

import pytest

from helpers.core.exercises import evaluate, solution_answer
from helpers.core.messages import say
from helpers.shop import ServiceError
from helpers.sync.lesson import place_order

NAMES = ["01.email_later", "01.email_optional"]


@pytest.fixture(autouse=True)
def _shop_tables(backend):
    """The checkers make their own Shop on the notebook's tables: the backend must be up."""
    yield


def _starts_with(sentence: str, key: str) -> bool:
    """The answer got the sentence ``key`` (its text up to the first placeholder)."""
    head = say(key).split("{")[0].strip()
    return sentence.startswith("❌ Not yet: " + head)


@pytest.mark.parametrize("name", NAMES)
def test_solution_is_accepted(name):
    ok, sentence = evaluate(name, solution_answer(name))
    assert ok, sentence
    assert sentence.startswith("✅")


@pytest.mark.parametrize("name", NAMES)
def test_not_a_function_gets_a_sentence(name):
    ok, sentence = evaluate(name, "place_order_quick")
    assert not ok and _starts_with(sentence, f"ex.{name}.not_function") and "str" in sentence


# --- 01.email_later: wrong handlers ------------------------------------------------------------


def _joined(shop, payload):
    order, _ = shop.accept_order(payload)
    shop.reserve_stock(order)
    shop.charge_payment(order)
    shop.create_shipment(order)
    thread = threading.Thread(target=shop.send_email, args=(order,))
    thread.start()
    thread.join()  # waits after all
    shop.add_points(order)
    return order


def _no_email(shop, payload):
    order, _ = shop.accept_order(payload)
    shop.reserve_stock(order)
    shop.charge_payment(order)
    shop.create_shipment(order)
    shop.add_points(order)
    return order


def _all_in_background(shop, payload):
    order, _ = shop.accept_order(payload)
    for step in (shop.reserve_stock, shop.charge_payment, shop.create_shipment, shop.send_email, shop.add_points):
        threading.Thread(target=step, args=(order,)).start()
    return order


def _two_threads(shop, payload):
    order, _ = shop.accept_order(payload)
    shop.reserve_stock(order)
    shop.charge_payment(order)
    shop.create_shipment(order)
    for _ in range(2):
        threading.Thread(target=shop.send_email, args=(order,)).start()
    shop.add_points(order)
    return order


def _accepts_nothing(shop, payload):
    return None


@pytest.mark.parametrize(("handler", "key"), [
    (place_order, "ex.01.email_later.waits"),
    (_joined, "ex.01.email_later.waits"),
    (_no_email, "ex.01.email_later.no_email"),
    (_all_in_background, "ex.01.email_later.missing"),
    (_two_threads, "ex.01.email_later.twice"),
    (_accepts_nothing, "ex.01.no_order"),
])
def test_email_later_names_each_mistake(handler, key):
    ok, sentence = evaluate("01.email_later", handler)
    assert not ok and _starts_with(sentence, key), sentence


def test_email_later_says_how_long_the_customer_waited():
    ok, sentence = evaluate("01.email_later", place_order)
    assert not ok and "the answer took" in sentence and "600 ms" in sentence


# --- 01.email_optional: wrong handlers ---------------------------------------------------------


def _stops_after_email(shop, payload):
    order, _ = shop.accept_order(payload)
    shop.reserve_stock(order)
    shop.charge_payment(order)
    shop.create_shipment(order)
    try:
        shop.send_email(order)
    except ServiceError:
        return order  # points are skipped
    shop.add_points(order)
    return order


def _catches_everything(shop, payload):
    order, _ = shop.accept_order(payload)
    try:
        shop.reserve_stock(order)
        shop.charge_payment(order)
        shop.create_shipment(order)
        shop.send_email(order)
    except ServiceError:
        pass
    shop.add_points(order)
    return order


@pytest.mark.parametrize(("handler", "key"), [
    (place_order, "ex.01.email_optional.fails"),
    (_stops_after_email, "ex.01.email_optional.skipped"),
    (_no_email, "ex.01.email_optional.no_email"),
    (_catches_everything, "ex.01.email_optional.too_broad"),
    (_accepts_nothing, "ex.01.no_order"),
])
def test_email_optional_names_each_mistake(handler, key):
    ok, sentence = evaluate("01.email_optional", handler)
    assert not ok and _starts_with(sentence, key), sentence


def test_a_learners_handler_that_crashes_is_one_sentence():
    def broken(shop, payload):
        order, _ = shop.accept_order(payload)
        shop.send_mail(order)  # a typo

    ok, sentence = evaluate("01.email_optional", broken)
    assert not ok and "AttributeError" in sentence and "Traceback" not in sentence
