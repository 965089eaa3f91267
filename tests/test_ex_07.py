"""Exercise 07.million: the SQS cost of a million orders, with batches of 10."""

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
