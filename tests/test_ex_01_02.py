"""Exercises of 01 (02's are in test_ex_02.py): each checker accepts its solution and answers typical mistakes with their sentence."""

from __future__ import annotations

import pytest

from helpers.core.exercises import evaluate, solution_answer
from helpers.core.messages import say
from helpers.shop import load_profile, set_speed
from helpers.sync import exercises as ex_01

NAMES = ["01.predict", "01.total", "01.speedup"]


@pytest.fixture(autouse=True)
def _speed():
    set_speed(0.2)
    yield
    set_speed(None)


def _sentence(key: str) -> str:
    """The fixed beginning of a message (before its first placeholder), to find it in the output."""
    text = say(key) if "{" not in say(key) else say(key).split("{")[0]
    return text.strip() or say(key).split("}", 1)[1].split("{")[0].strip()


@pytest.mark.parametrize("name", NAMES)
def test_solution_is_accepted(name):
    ok, sentence = evaluate(name, solution_answer(name))
    assert ok, sentence
    assert sentence.startswith("✅")


@pytest.mark.parametrize("name", NAMES)
def test_placeholder_and_garbage_get_a_sentence_not_a_traceback(name):
    for answer in (..., "nonsense", [1, 2, 3], {"a": 1}, float("nan")):
        ok, sentence = evaluate(name, answer)
        assert not ok
        assert sentence.startswith("❌") and "Traceback" not in sentence


MEDIANS = [p.median_ms for p in load_profile().values()]

WRONG = [
    ("01.predict", sum(MEDIANS), "ex.01.predict.unscaled"),
    ("01.predict", max(MEDIANS) * 0.2, "ex.01.predict.slowest"),
    ("01.predict", sum(MEDIANS) / len(MEDIANS) * 0.2, "ex.01.predict.average"),
    ("01.predict", sum(p.p95_ms for p in load_profile().values()) * 0.2, "ex.01.predict.p95"),
    ("01.predict", sum(MEDIANS) / 0.2, "ex.01.predict.divided"),
    ("01.predict", 20.0, "ex.01.predict.off"),
    ("01.predict", "153", "ex.01.predict.not_number"),
    ("01.total", lambda spans: ..., "ex.01.total.placeholder"),
    ("01.total", lambda spans: (spans[-1].end - spans[0].start), "ex.01.total.seconds"),
    ("01.total", lambda spans: max(s.duration_ms for s in spans), "ex.01.total.slowest"),
    ("01.total", lambda spans: sum(s.duration_ms for s in spans) / len(spans), "ex.01.total.average"),
    ("01.total", lambda spans: sum(s.duration_ms for s in spans[1:]), "ex.01.total.missed_step"),
    ("01.total", lambda spans: 1.0, "ex.01.total.off"),
    ("01.total", 154.0, "ex.01.total.not_function"),
    ("01.speedup", ("email", 18.0), "ex.01.speedup.not_biggest"),
    ("01.speedup", ("payment", 70.0), "ex.01.speedup.whole"),
    ("01.speedup", ("payment", 175.0), "ex.01.speedup.unscaled"),
    ("01.speedup", ("payment", 3.0), "ex.01.speedup.off"),
    ("01.speedup", ("fraud-check", 3.0), "ex.01.speedup.unknown"),
    ("01.speedup", "payment", "ex.01.speedup.shape"),
]


@pytest.mark.parametrize(("name", "answer", "key"), WRONG, ids=[w[2] for w in WRONG])
def test_typical_wrong_answer_gets_its_sentence(name, answer, key):
    ok, sentence = evaluate(name, answer)
    assert not ok
    assert sentence.startswith("❌ Not yet:"), sentence
    assert _sentence(key) in sentence, (key, sentence)


def test_prediction_accepts_the_measured_overhead_on_top():
    want = ex_01.predicted_ms()
    assert evaluate("01.predict", want * 1.1)[0]
    assert not evaluate("01.predict", want * 1.3)[0]


def test_checkers_follow_the_speed_factor():
    set_speed(1.0)
    assert evaluate("01.predict", sum(MEDIANS))[0]
    assert evaluate("01.speedup", ("payment", 175.0))[0]


def test_example_spans_add_up():
    spans = ex_01.example_spans()
    assert [s.step for s in spans][0] == "validate" and len(spans) == 6
    assert sum(s.duration_ms for s in spans) == pytest.approx((spans[-1].end - spans[0].start) * 1000)
